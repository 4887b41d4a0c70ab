"""Entry script of the app: `streamlit run dashboard/app.py` from the repository root.

Until the dashboards land this is one page: what the warehouse holds and the latest uploads.
"""

from __future__ import annotations

import streamlit as st

from dashboard.state import cursor
from warehouse import db, registry, settings, snapshots

st.set_page_config(page_title="Наставничество — дорожная карта", page_icon="📋", layout="wide")

cur = cursor()
years = settings.reporting_years(cur)
st.title("Целевая модель наставничества: дорожная карта")
st.caption(
    f"Управление образования Администрации города Когалыма, приказ № 11-Пр-267 от 20.03.2025; "
    f"отчётные годы {years[0]}–{years[-1]}. Хранилище: {db.db_path()}"
)
if settings.is_demo(cur):
    st.warning("Демонстрационные данные: организации и люди вымышлены.", icon="⚠️")

orgs = registry.organizations(cur)
log = snapshots.upload_log(cur, limit=20)
c1, c2 = st.columns(2)
c1.metric("Организаций в реестре", len(orgs))
c2.metric("Загрузок в журнале", int(cur.execute("select count(*) from uploads").fetchone()[0]))

st.subheader("Реестр организаций")
st.dataframe(
    orgs.rename(columns={"org_code": "Код ОО", "short_name": "Краткое наименование", "full_name": "Полное наименование",
                         "org_type": "Тип ОО", "municipality": "Муниципалитет", "inn": "ИНН", "website": "Сайт"}),
    hide_index=True, width="stretch",
)
st.subheader("Последние загрузки")
st.dataframe(
    log[["uploaded_at", "org_code", "dataset", "year", "outcome", "version", "rows", "error_count", "file_name",
         "uploaded_by"]].rename(columns={
             "uploaded_at": "Когда", "org_code": "ОО", "dataset": "Набор", "year": "Год", "outcome": "Итог",
             "version": "Версия", "rows": "Строк", "error_count": "Ошибок", "file_name": "Файл",
             "uploaded_by": "Кто"}),
    hide_index=True, width="stretch",
    column_config={"Когда": st.column_config.DatetimeColumn(format="DD.MM.YYYY HH:mm")},
)
