"""Entry script of the app: `streamlit run dashboard/server.py` from the repository root (the server
adds the routes that set and clear the login cookie and runs this script; `streamlit run
dashboard/app.py` works too, without logins that survive a reload).

It alone logs in, decides the user's scope (the organizations they may read) and builds the
navigation from their role; the pages under ``pages/`` read the filters and call queries with that
scope, and never check the login themselves.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import auth, data, filters, guard, theme
from dashboard.state import cursor

PAGES = Path(__file__).resolve().parents[1] / "pages"

# A local icon: a named one would be fetched from the internet, which the department's server may not reach.
st.set_page_config(page_title="Наставничество — дорожная карта", page_icon=str(Path(__file__).with_name("icon.png")),
                   layout="wide")
theme.apply()


def page(file: str, title: str, icon: str, **kw) -> st.Page:
    return st.Page(PAGES / file, title=title, icon=f":material/{icon}:", **kw)


def all_pages() -> dict:
    """Every page, and who may see it (None: everyone). Built before the login: the login form runs under a
    hidden navigation of all of them, so that the address asked for (/young?year=2026…) opens after logging
    in. Made once per session and kept in it: ``st.Page`` finds its file on the disk (``Path.resolve``,
    ``is_file``), thirteen times on every run otherwise. A session's runs come one after another, so its
    pages are never in two navigations at once."""
    if "all_pages" not in st.session_state:
        st.session_state["all_pages"] = {
            "Показатели": [
                (page("overview.py", "Обзор", "home", default=True), None),
                (page("roadmap.py", "Дорожная карта", "map", url_path="roadmap"), None),
                (page("mentors.py", "Наставники", "school", url_path="mentors"), None),
                (page("young_teachers.py", "Молодые педагоги", "person_add", url_path="young"), None),
                (page("partners.py", "Партнёры", "handshake", url_path="partners"), None),
                (page("events.py", "Мероприятия и практики", "event", url_path="events"), None),
                (page("monitoring.py", "Мониторинг", "monitoring", url_path="monitoring"), None),
                (page("uploads.py", "Загрузки", "fact_check", url_path="uploads"), None),
            ],
            "Данные": [(page("upload.py", "Загрузка данных", "upload_file", url_path="upload"), "can_upload"),
                       (page("exports.py", "Выгрузки", "download", url_path="exports"), None),
                       (page("history.py", "История загрузок", "history", url_path="history"), None)],
            "Администрирование": [
                (page("admin.py", "Организации и пользователи", "manage_accounts", url_path="admin"), "is_admin"),
                (page("audit.py", "Журнал аудита", "policy", url_path="audit"), "is_admin"),
            ],
        }
    return st.session_state["all_pages"]


ALL_PAGES = all_pages()

demo = data.is_demo()
with cursor() as cur:
    user = auth.require_login(cur, demo=demo, pages=[p for section in ALL_PAGES.values() for p, _ in section])
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

HOME = ALL_PAGES["Показатели"][0][0]


def refused(title: str, url_path: str) -> st.Page:
    """A page of another role, opened by its address (a link, the history): not in the menu; it says in
    Russian that it is not this user's and opens «Обзор» (Streamlit's own answer is an English toast)."""
    def run() -> None:
        st.session_state["refused_page"] = title
        st.switch_page(HOME)

    return st.Page(run, title=title, url_path=url_path, visibility="hidden")


sections = {title: [p for p, right in section if right is None or getattr(user, right)]
            for title, section in ALL_PAGES.items()}
sections = {title: pages for title, pages in sections.items() if pages}
# The others' pages join the first section, hidden (a section of hidden pages alone would show its title).
sections["Показатели"] += [refused(p.title, p.url_path) for section in ALL_PAGES.values()
                           for p, right in section if right is not None and not getattr(user, right)]
if title := st.session_state.pop("refused_page", None):
    st.warning(f"Страница «{title}» недоступна вашей учётной записи: открыт «Обзор».", icon=":material/block:")
with guard.failures():   # a Russian message, not a traceback, when a page fails (issue 15)
    st.navigation(sections, expanded=True).run()
st.sidebar.caption(f"Данные на {data.today():%d.%m.%Y}. Приказ УО г. Когалыма № 11-Пр-267 от 20.03.2025.")
