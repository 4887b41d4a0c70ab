"""Entry script of the app: `streamlit run dashboard/app.py` from the repository root.

It alone logs in, decides the user's scope (the organizations they may read) and builds the
navigation from their role; the pages under ``pages/`` read the filters and call queries with that
scope, and never check the login themselves.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import auth, data, filters, theme
from dashboard.state import cursor
from warehouse import settings

PAGES = Path(__file__).resolve().parents[1] / "pages"

# A local icon: a named one would be fetched from the internet, which the department's server may not reach.
st.set_page_config(page_title="Наставничество — дорожная карта", page_icon=str(Path(__file__).with_name("icon.png")),
                   layout="wide")
theme.apply()

with cursor() as cur:
    demo = settings.is_demo(cur)
    user = auth.require_login(cur, demo=demo)
    auth.sidebar_account(cur, user)

allowed = data.allowed(user)
if demo:
    st.sidebar.warning("Демонстрационные данные: организации и люди вымышлены.", icon=":material/warning:")
if not allowed and not user.is_admin:
    st.title("Нет доступных организаций")
    st.write("Ваша организация не найдена в реестре. Обратитесь к администратору.")
    st.stop()
if not allowed:  # a new warehouse: the administrator loads the registry on «Загрузка данных»
    st.sidebar.info("Реестр организаций пуст: загрузите его на странице «Загрузка данных» (набор «Организации»).")

st.session_state["filters"] = filters.sidebar(allowed)


def page(file: str, title: str, icon: str, **kw) -> st.Page:
    return st.Page(PAGES / file, title=title, icon=f":material/{icon}:", **kw)


sections = {
    "Показатели": [
        page("overview.py", "Обзор", "home", default=True),
        page("roadmap.py", "Дорожная карта", "map", url_path="roadmap"),
        page("mentors.py", "Наставники", "school", url_path="mentors"),
        page("young_teachers.py", "Молодые педагоги", "person_add", url_path="young"),
        page("partners.py", "Партнёры", "handshake", url_path="partners"),
        page("events.py", "Мероприятия и практики", "event", url_path="events"),
        page("monitoring.py", "Мониторинг", "monitoring", url_path="monitoring"),
        page("uploads.py", "Загрузки", "fact_check", url_path="uploads"),
    ],
    "Данные": [page("exports.py", "Выгрузки", "download", url_path="exports"),
               page("history.py", "История загрузок", "history", url_path="history")],
}
if user.can_upload:
    sections["Данные"].insert(0, page("upload.py", "Загрузка данных", "upload_file", url_path="upload"))
if user.is_admin:
    sections["Администрирование"] = [
        page("admin.py", "Организации и пользователи", "manage_accounts", url_path="admin"),
        page("audit.py", "Журнал аудита", "policy", url_path="audit"),
    ]
st.navigation(sections, expanded=True).run()
st.sidebar.caption(f"Данные на {data.today():%d.%m.%Y}. Приказ УО г. Когалыма № 11-Пр-267 от 20.03.2025.")
