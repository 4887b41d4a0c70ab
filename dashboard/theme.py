"""The app's look where Streamlit 1.67 has no setting: readable at 1024×768 with the sidebar open, and no
English word of Streamlit's own on screen (issue 16).

Applied once per run by the entry script (``st.html`` with only a ``<style>`` goes to the page's event
container and takes no space). Selectors are Streamlit's ``data-testid`` attributes, which its own tests
rely on, and the ``st-key-*`` classes of keyed elements; never the generated ``st-emotion-cache-*``
classes, which change with every release. ``tests/browser/test_everyday.py`` checks each page at three
window sizes and scans the rendered text for English, so a Streamlit upgrade that renames these fails
a test rather than a meeting.

The file uploader: Streamlit draws «Upload», «Drag and drop a file here», «60MB per file • CSV, XLSX»,
the chip's size as «19.8MB» and «Error: … files are not allowed» with no way to change them (no
parameter, no locale). Here they are hidden (``display: none``, so they leave the page's text) and said
in Russian by ``::after``; the limit itself is stated by the page in Russian, once, in МБ as
``warehouse.russian.megabytes`` writes it.
"""

from __future__ import annotations

import streamlit as st

CSS = """
/* Streamlit's main column keeps 6rem above and 5rem beside the page: at 1024 px with the sidebar open that
   left 560 px for a page of five tiles and two charts side by side. */
[data-testid="stMainBlockContainer"] { padding: 2.5rem 1.5rem 4rem 1.5rem; }
@media (min-width: 1600px) { [data-testid="stMainBlockContainer"] { padding: 3rem 4rem 5rem 4rem; } }

/* Tiles: a label or a delta wraps instead of ending in «…» («Дорожная…», «+11,4 п. п.…»). */
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMetricDelta"] div { white-space: normal; overflow: visible; text-overflow: clip; }
[data-testid="stMetricValue"] { font-size: clamp(1.6rem, 2.4vw, 2.25rem); }

/* The sidebar: the filters first, right under the menu, and a tighter menu, so that at 1280×720 the
   filters are above the fold; the account, the demo notice and the rest follow them. */
[data-testid="stSidebarUserContent"] [data-testid="stVerticalBlock"] > [data-testid="stLayoutWrapper"]:has(> .st-key-sidebar_filters) {
  order: -1; }
[data-testid="stSidebarUserContent"] { padding-top: 0.5rem; }
[data-testid="stSidebarHeader"] { height: 2.75rem; padding-bottom: 0; }
[data-testid="stSidebarNavItems"] li { margin: 0; }
[data-testid="stSidebarNavItems"] a[data-testid="stSidebarNavLink"] { margin: 0; min-height: 1.75rem; line-height: 1.75rem; }
[data-testid="stNavSectionHeader"] { margin-top: 0.25rem; margin-bottom: 0; }

/* An empty sidebar is not shown. After «Выйти» the login form runs under a hidden navigation with nothing in
   the sidebar, yet Streamlit 1.67 keeps the open sidebar it had (an empty grey panel and its «<<») until the
   next script run or a reload; the login page opened fresh has no sidebar at all. Hidden here, the page after
   a logout looks like that fresh one. (Logged in, the sidebar always holds the menu and the filters.) */
[data-testid="stSidebar"]:not(:has([data-testid="stSidebarNav"], [data-testid="stSidebarUserContent"] [data-testid="stElementContainer"])) {
  display: none; }
/* (:has() cannot hold another :has(): the app's view without a menu or a sidebar element hides the «>>» too.) */
[data-testid="stAppViewContainer"]:not(:has([data-testid="stSidebarNav"])):not(:has([data-testid="stSidebarUserContent"] [data-testid="stElementContainer"])) [data-testid="stExpandSidebarButton"] {
  display: none; }

/* Streamlit's own English that CSS can reach (the rest is listed in the README's known limits): the skip link a
   keyboard user meets on the first Tab is drawn in Russian (its English text stays for screen readers: CSS
   cannot take it out of the accessible name), and the charts' «Copy Vega-Lite spec», a developer's tool,
   is not offered. */
[data-testid="stSkipToContent"]:focus-visible { font-size: 0; }
[data-testid="stSkipToContent"]:focus-visible::after { content: "Перейти к содержимому страницы"; font-size: 0.875rem; }
[data-testid="stElementToolbarButton"]:has(button[aria-label="Copy Vega-Lite spec"]) { display: none; }
/* «Connection error — Streamlit server is not responding. Are you connected to the internet?»: Streamlit's own
   dialog when the page loses the server (a restart, a network fault). Told apart from the app's dialogs
   (st.dialog), whose body is a block of elements, it says in Russian what happened and what to do. */
[data-testid="stDialog"] section[role="dialog"]:not(:has([data-testid="stVerticalBlock"])) > h2 { font-size: 0; }
[data-testid="stDialog"] section[role="dialog"]:not(:has([data-testid="stVerticalBlock"])) > h2::after {
  content: "Нет связи с сервером"; font-size: 1.5rem; }
[data-testid="stDialog"] section[role="dialog"]:not(:has([data-testid="stVerticalBlock"])) > div { font-size: 0; }
[data-testid="stDialog"] section[role="dialog"]:not(:has([data-testid="stVerticalBlock"])) > div::after {
  content: "Сервер приложения не отвечает. Страница подключится снова, как только он заработает; если этого не "
           "произошло, обновите страницу через минуту или сообщите администратору."; font-size: 1rem; }

/* The file uploader in Russian (see the module's docstring). */
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: "Выбрать файл"; }
[data-testid="stFileUploaderDropzoneInstructions"] > div > span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: "или перетащите файл сюда";
  font-size: 0.875rem; opacity: 0.7; }
/* While a file is dragged over it, the dropzone lays a panel over itself saying «Drag and drop a file here»: the
   element right after the hidden input, a div without a test id holding one span (with a file chosen, the
   element after the input is the chip list, which holds no bare span). */
[data-testid="stFileUploaderDropzoneInput"] + div:not([data-testid]) > span:only-child { display: none; }
[data-testid="stFileUploaderDropzoneInput"] + div:not([data-testid]):has(> span:only-child)::after {
  content: "Отпустите файл, чтобы загрузить его"; font-size: 0.875rem; font-weight: 700; color: #1f5fa8; }  /* the theme's primaryColor */
[data-testid="stFileChipName"] + * { display: none; }
[data-testid="stFileChip"] [role="alert"] { display: none; }
[data-testid="stFileChip"]:has([role="alert"])::after {
  content: "Этот файл не принят: загрузите CSV или книгу Excel (.xlsx) в пределах указанного размера.";
  color: #d62728; font-size: 0.875rem; display: block; }
"""


def apply() -> None:
    st.html(f"<style>{CSS}</style>")
