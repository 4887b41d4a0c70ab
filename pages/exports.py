"""Выгрузки: the meeting pack for a year, the monitoring report (item 7, DOCX) and the public mentor base
(roadmap items 4 and 11)."""

import streamlit as st

from dashboard import auth, data, export, filters, meeting_pack, report_view, tables
from dashboard.state import cursor
from warehouse import accounts, queries

f = filters.current()
user = auth.current()
st.title("Выгрузки")
st.caption(f"{f.label}. Выгрузки содержат только организации, которые вам доступны, и записываются в журнал.")
note = f"Выгружено {f.as_of:%d.%m.%Y} пользователем {user.full_name} ({user.login})."
org = f.scope[0] if len(f.scope) == 1 else None


def pack() -> bytes:
    with cursor() as cur:
        data = meeting_pack.build(cur, f.scope, f.year, f.as_of, f.label, note)
        accounts.audit(cur, user.login, "export", page="Выгрузки", org_code=org,
                       detail=f"пакет к совещанию {f.year}, организаций: {len(f.scope)}")
    return data


st.subheader("Пакет к совещанию")
st.write("Одна книга Excel: сводка по городу, листы по темам (дорожная карта, наставники, молодые педагоги, "
         "партнёры, мероприятия, загрузки) и диаграммы обзора.")
st.download_button("Скачать пакет к совещанию", data=pack, file_name=export.file_name("paket_k_soveshchaniyu", "xlsx",
                   f.year, f.as_of), mime=tables.XLSX_MIME, on_click="ignore", icon=":material/download:",
                   type="primary", key="meeting_pack")

st.subheader("Аналитическая справка по итогам мониторинга (пункт 7)")
report_view.monitoring_report(f, user)

st.subheader("База наставников для сайта (пункты 4 и 11)")
st.caption("Только то, что можно публиковать: ФИО наставника, должность или место работы, кого наставляет, "
           "формы и период наставничества. Без ID, возраста, затруднений и наставляемых.")
columns = ["organization", "full_name", "workplace", "mentors_whom", "forms", "period_start", "period_end"]
shown = tables.listing(queries.public_mentor_base, f.scope, f.year, columns=columns,
                       name="База наставников для сайта", height=360)


def html_table() -> bytes:
    """The whole base as an HTML table, made when the button is clicked."""
    base = data.fetch(queries.public_mentor_base, f.scope, f.year)
    sheet = export.Sheet(f"База наставников: {f.label}", base, columns, name="База наставников", note=note)
    return export.html_table(sheet).encode("utf-8")


if not shown.empty:
    st.download_button("HTML-таблица для сайта", data=html_table, on_click="ignore",
                       file_name=export.file_name("baza_nastavnikov", "html", f.year, f.as_of), mime="text/html",
                       icon=":material/code:", key="mentor_base_html")
    if int(shown["total_rows"].iloc[0]) <= len(shown):
        with st.expander("Код HTML-таблицы"):
            st.code(html_table().decode("utf-8")[:20000], language="html")
