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

/* The file uploader in Russian (see the module's docstring). */
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: "Выбрать файл"; }
[data-testid="stFileUploaderDropzoneInstructions"] > div > span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: "или перетащите файл сюда";
  font-size: 0.875rem; opacity: 0.7; }
[data-testid="stFileChipName"] + * { display: none; }
[data-testid="stFileChip"] [role="alert"] { display: none; }
[data-testid="stFileChip"]:has([role="alert"])::after {
  content: "Этот файл не принят: загрузите CSV или книгу Excel (.xlsx) в пределах указанного размера.";
  color: #d62728; font-size: 0.875rem; display: block; }
"""


def apply() -> None:
    st.html(f"<style>{CSS}</style>")
