"""Entry script of the app: `streamlit run dashboard/app.py` from the repository root.

It alone sets the page up, draws the shared filters and builds the navigation; the pages under
``pages/`` only read the filters, call queries and chart builders, and render.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import data, filters
from dashboard.state import cursor
from warehouse import registry, settings

PAGES = Path(__file__).resolve().parents[1] / "pages"

# A local icon: a named one would be fetched from the internet, which the department's server may not reach.
st.set_page_config(page_title="Наставничество — дорожная карта", page_icon=str(Path(__file__).with_name("icon.png")),
                   layout="wide")

with cursor() as cur:
    demo = settings.is_demo(cur)
    allowed = tuple(sorted(registry.org_codes(cur)))  # the department's view: every organization

if demo:
    st.sidebar.warning("Демонстрационные данные: организации и люди вымышлены.", icon=":material/warning:")
if not allowed:
    st.title("Хранилище пусто")
    st.write("В реестре нет ни одной организации. Загрузите реестр: "
             "`python -m ingest load FILE --dataset organizations`.")
    st.stop()

st.session_state["filters"] = filters.sidebar(allowed)

pages = [
    st.Page(PAGES / "overview.py", title="Обзор", icon=":material/home:", default=True),
    st.Page(PAGES / "roadmap.py", title="Дорожная карта", icon=":material/map:", url_path="roadmap"),
    st.Page(PAGES / "mentors.py", title="Наставники", icon=":material/school:", url_path="mentors"),
    st.Page(PAGES / "young_teachers.py", title="Молодые педагоги", icon=":material/person_add:", url_path="young"),
    st.Page(PAGES / "partners.py", title="Партнёры", icon=":material/handshake:", url_path="partners"),
    st.Page(PAGES / "events.py", title="Мероприятия и практики", icon=":material/event:", url_path="events"),
    st.Page(PAGES / "monitoring.py", title="Мониторинг", icon=":material/monitoring:", url_path="monitoring"),
    st.Page(PAGES / "uploads.py", title="Загрузки", icon=":material/upload_file:", url_path="uploads"),
]
st.navigation(pages).run()
st.sidebar.caption(f"Данные на {data.today():%d.%m.%Y}. Приказ УО г. Когалыма № 11-Пр-267 от 20.03.2025.")
