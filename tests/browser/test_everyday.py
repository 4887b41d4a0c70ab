"""Issue 16 in the browser: a tool for every day.

No crash when the roadmap's selected organization leaves the filters; a restore and the disabling of an
account asked for in a dialog that names what changes; the filters in the address; every page readable
at 1024×768, 1280×720 and 1920×1080 (no clipped button, tile title, legend or chart label); no English
word on any page.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ingest.schemas import DATASET_TITLES
from tests.browser.conftest import ROOT
from tests.browser.ui import choose, log_in, main_text, open_page, settle, upload

FIXTURES = ROOT / "tests" / "fixtures"
ADMIN = ("admin", "demo-admin-2025")
HEAD = ("head", "demo-head-2025")
SIZES = [(1024, 768), (1280, 720), (1920, 1080)]
ADMIN_PAGES = ["Обзор", "Дорожная карта", "Наставники", "Молодые педагоги", "Партнёры", "Мероприятия и практики",
               "Мониторинг", "Загрузки", "Загрузка данных", "Выгрузки", "История загрузок",
               "Организации и пользователи", "Журнал аудита"]

# Latin that a Russian page may show: file formats and encodings the upload page names, the demo accounts
# on the login form (logins are Latin by the accounts' rule), the teacher ID column's short name.
LATIN_ALLOWED = {"csv", "xlsx", "docx", "word", "xls", "txt", "html", "excel", "utf", "bom", "windows", "koi", "dos", "mac", "iso", "cp",
                 "id", "pdf", "zip", "admin", "head", "sosh", "ds", "demo"}
LATIN = re.compile(r"[A-Za-z]{2,}")

# The text a person sees: visible text nodes, without Material icons (their ligature names are Latin but
# drawn as pictures) and without what CSS hides.
VISIBLE_TEXT = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim() || ['STYLE', 'SCRIPT', 'NOSCRIPT'].includes(el.tagName)) continue;
    const box = el.getBoundingClientRect();        // Streamlit's «Skip to main content» is 1 px, for screen readers
    if (box.width <= 1 || box.height <= 1) continue;
    if (parseFloat(getComputedStyle(el).fontSize) === 0) continue;   // text that theme.py replaced by its ::after
    if (el.closest('[data-testid="stIconMaterial"], [data-testid="stAlertDynamicIcon"], [data-testid="stExpanderIcon"]'))
      continue;
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    out.push(n.textContent);
  }
  return out.join('\\n');
}"""

# What a screen reader says or a hover shows besides the text: the names and hints of the elements a person can
# reach (not inside display: none or aria-hidden). Streamlit 1.67 and Vega write some of them in English and
# neither CSS nor a setting changes an attribute: these, and only these, are let through, each with its reason;
# the README's known limits list the same strings. Anything else in Latin fails the test.
ATTRIBUTES = """() => {
  const out = [];
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    // display: none takes an element from screen readers; a toolbar shown on hover is only transparent till then
    if (el.closest('[aria-hidden="true"]') || !el.checkVisibility()) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
      const v = el.getAttribute(a);
      if (v && /[A-Za-z]{2}/.test(v)) out.push(v);
    }
  }
  return out;
}"""
STREAMLIT_ENGLISH = [
    # Streamlit's frame, the same on every page
    (r"Sidebar|App pages|Collapse sidebar|Expand sidebar", "the sidebar's region, menu and «<<»/«>>» buttons"),
    (r"Link to heading", "the anchor beside a heading (shown on hover)"),
    (r"Open", "the arrow of a selectbox or multiselect"),
    (r"Choose an option", "a selectbox's placeholder, never visible: every selectbox of the app has a value"),
    (r"Show password|Hide password", "the eye button of a password input"),
    (r"Help for .*", "the «?» of a widget with help=: Streamlit names it «Help for» and the label (the hint is Russian)"),
    (r"file upload", "the uploader's hidden file input (its visible words are Russian, theme.py)"),
    (r"Close", "the «×» of a dialog"),
    (r"Scroll tabs (left|right)", "the arrows of a row of tabs wider than the page"),
    # the toolbar over a table or a chart, on hover (its «Download as CSV» is off: client.disableDataExport)
    (r"Search|Fullscreen|Close fullscreen|Show/hide columns|Show data|Download as PNG", "the toolbar's buttons"),
    # Vega's descriptions of a chart for screen readers (the values in them are ours, in Russian)
    (r"Vega visualization", "a chart's region"),
    (r"(X|Y)-axis( titled '[^']*')? for a (discrete|linear|time) scale with .*", "an axis"),
    (r"Symbol legend titled '[^']*' for .*", "a legend"),
    (r"Title text '[^']*'", "a chart's title"),
]
KNOWN_ENGLISH = re.compile("|".join(f"(?:{pattern})" for pattern, _ in STREAMLIT_ENGLISH))


def english_attributes(page) -> set[str]:
    """The Latin words of the page's aria-label, title, placeholder and alt attributes, past the known ones."""
    words = set()
    for value in page.evaluate(ATTRIBUTES):
        if not KNOWN_ENGLISH.fullmatch(value):
            words |= {w for w in LATIN.findall(value) if w.lower() not in LATIN_ALLOWED}
    return words


# What does not fit: words cut with «…», a button narrower than its words, a chart's text outside the
# chart, a chart wider than its column, a plot squeezed to nothing by its legend.
CLIPPED = """() => {
  const bad = [];
  const seen = el => el.checkVisibility() && el.getClientRects().length;
  const words = '[data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"] *, button *, ' +
                '[data-testid="stSidebarNavLink"] *, [data-testid="stTab"] *, [data-testid="stHeading"] *, ' +
                '[data-testid="stNavSectionHeader"] *';
  for (const el of document.querySelectorAll(words)) {
    if (!seen(el) || !el.innerText || !el.innerText.trim()) continue;
    if (getComputedStyle(el).textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1)
      bad.push('cut: ' + el.innerText.trim());
  }
  for (const b of document.querySelectorAll('button')) {
    if (seen(b) && b.scrollWidth > b.clientWidth + 1) bad.push('button: ' + b.innerText.trim());
  }
  for (const c of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
    const svg = c.querySelector('svg.marks');
    if (!seen(c) || !svg) continue;
    const box = svg.getBoundingClientRect(), column = c.parentElement.getBoundingClientRect();
    if (!box.width) continue;
    if (box.right > column.right + 1) bad.push('chart wider than its column: ' + box.width + ' > ' + column.width);
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (!r.width) continue;
      // 4 px: a glyph's box is wider than its ink (a rotated axis title touches the edge and reads whole)
      if (r.right > box.right + 4 || r.left < box.left - 4) bad.push('chart text outside: ' + t.textContent);
      if (t.textContent.endsWith('…')) bad.push('chart text cut: ' + t.textContent);
    }
    const frame = svg.querySelector('.role-frame.root > g > path.background');
    const width = frame && /h(-?[\\d.]+)/.exec(frame.getAttribute('d'));
    if (width && Number(width[1]) < 120) bad.push('plot squeezed to ' + width[1] + ' px');
  }
  return bad;
}"""

# Every chart drawn, and no grey placeholder of an element still on its way (a lazily loaded chart).
CHARTS_DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]')
  && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(c => c.querySelector('svg.marks'))"""


def enter(page, path: str, login: tuple[str, str]) -> None:
    """Open ``path``; log in if the app asks (a session that remembers its login does not)."""
    page.goto(page.base + path)
    page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebarNav\"]') || "
                           "document.querySelector('input[aria-label=\"Логин\"]')", timeout=60_000)
    if page.get_by_label("Логин").count():
        log_in(page, *login, path=path)
    settle(page)


def selected(page, label: str) -> str:
    """The text a selectbox labelled ``label`` shows."""
    return page.get_by_test_id("stSelectbox").filter(has_text=label).first.locator(
        'input[role="combobox"]').input_value().strip()


def test_roadmap_selection_is_dropped_when_the_filters_exclude_it(page):
    log_in(page, *HEAD)
    open_page(page, "Дорожная карта")
    chart = page.get_by_test_id("stVegaLiteChart").first
    page.wait_for_function(CHARTS_DRAWN)
    box = chart.bounding_box()
    # Rows by type, then name: after the two of additional education come the kindergartens. A busy machine
    # may draw the chart before it listens to clicks: click again if the first one did not select.
    for _ in range(3):
        page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + 72 + 22 * 4 + 11)
        try:
            page.wait_for_function("() => /^МАДОУ/.test(document.querySelector('h3')?.innerText || '')",
                                   timeout=15_000)
            break
        except PlaywrightTimeout:
            continue
    settle(page)
    picked = page.get_by_role("heading", level=3).first.inner_text()
    assert picked.startswith("МАДОУ"), picked                        # a kindergarten
    page.shots("kindergarten-picked")

    choose(page, "Тип организации", "школа")                         # the picked one is no longer in the filters
    assert page.get_by_test_id("stException").count() == 0
    shown = page.get_by_role("heading", level=3).first.inner_text()
    assert shown != picked and not shown.startswith("МАДОУ")
    assert "is not in list" not in main_text(page)
    page.shots("schools-only")

    choose(page, "Тип организации", "Все")                           # and back: still no error
    assert page.get_by_test_id("stException").count() == 0


def test_restore_is_confirmed_in_a_dialog_and_the_form_keeps_its_choice(page):
    log_in(page, *ADMIN)
    open_page(page, "История загрузок")
    target = "МАДОУ «Буратино» (демо) · Педагоги · 2026"
    choose(page, "Снимок", target)
    assert selected(page, "Версия").startswith("версия 2 от")       # the newest first
    assert "Сейчас действует версия 2 от" in main_text(page)
    assert "«pedagogi_ds09_2026_ispravlennyi.csv», 4 строки" in selected(page, "Версия")
    page.get_by_test_id("stSelectbox").filter(has_text="Версия").first.click()
    page.keyboard.type("версия 1")
    page.get_by_role("option", name=re.compile(r"^версия 1 от \d\d\.\d\d\.\d{4}")).click()
    settle(page)

    page.get_by_role("button", name="Сделать эту версию текущей…").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    said = dialog.inner_text()
    for words in ("Восстановить версию?", "«Педагоги», МАДОУ «Буратино» (демо), 2026 год", "Станет текущей: версия 1 от",
                  "«Педагоги_ДС09_2026.csv», 29 строк", "Сейчас действует версия 2 от", "4 строки"):
        assert words in said, (words, said)
    page.shots("dialog")
    dialog.get_by_role("button", name="Отмена").click()             # nothing changes
    settle(page)
    assert page.get_by_role("dialog").count() == 0
    assert "Сейчас действует версия 2 от" in main_text(page) and selected(page, "Версия").startswith("версия 1")

    page.get_by_role("button", name="Сделать эту версию текущей…").click()
    page.get_by_role("dialog").get_by_role("button", name="Восстановить").click()
    page.get_by_text(re.compile("^Восстановлено:")).wait_for(timeout=30_000)
    settle(page)
    assert selected(page, "Снимок") == target                        # the form kept its choice
    assert selected(page, "Версия").startswith("версия 1 от")
    assert "Сейчас действует версия 1 от" in main_text(page)
    assert page.get_by_role("button", name="Сделать эту версию текущей…").is_disabled()
    page.shots("restored")


def test_disabling_an_account_is_confirmed_in_a_dialog(page):
    log_in(page, *ADMIN)
    open_page(page, "Организации и пользователи")
    page.get_by_role("tab", name="Действующая учётная запись").click()
    choose(page, "Учётная запись", "offtest — Проверка отключения")
    page.get_by_role("button", name="Отключить учётную запись…").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert "offtest — Проверка отключения, Ответственный" in dialog.inner_text()
    assert "Войти с ней будет нельзя" in dialog.inner_text()
    page.shots("dialog")
    dialog.get_by_role("button", name="Отключить").click()
    page.get_by_text("Учётная запись offtest отключена").wait_for(timeout=30_000)
    settle(page)
    assert selected(page, "Учётная запись").startswith("offtest")    # still the same account
    assert "отключена" in main_text(page)
    page.shots("disabled")


def test_the_filters_travel_in_the_address(page, browser, app_url):
    enter(page, "/?year=2025&type=дошкольная&org=ДС03", HEAD)
    assert selected(page, "Отчётный год") == "2025"
    assert selected(page, "Организация") == "МАДОУ «Берёзка» (демо) (ДС03)"
    assert "2025 год, МАДОУ «Берёзка» (демо)" in main_text(page)
    choose(page, "Организация", "МАДОУ «Рябинушка» (демо) (ДС05)")
    address = unquote(page.url)
    assert "org=ДС05" in address and "year=2025" in address and "type=дошкольная" in address
    page.shots("sender")

    # The department head sends the address: another browser opens the same filters.
    other = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ru-RU").new_page()
    other.base = page.base
    enter(other, page.url.removeprefix(page.base), HEAD)
    assert selected(other, "Организация") == "МАДОУ «Рябинушка» (демо) (ДС05)"
    assert selected(other, "Отчётный год") == "2025"
    other.context.close()

    # A reload keeps them (and the page).
    open_page(page, "Партнёры")
    page.reload()
    enter(page, page.url.removeprefix(page.base), HEAD)
    assert selected(page, "Организация") == "МАДОУ «Рябинушка» (демо) (ДС05)"


def test_an_xls_file_is_refused_in_russian(page):
    log_in(page, "sosh1", "demo-sosh1-2025")
    open_page(page, "Загрузка данных")
    upload(page, FIXTURES / "old_excel.xls", "Формат .xls")
    text = main_text(page)
    assert "Сохраните файл в Excel как «Книга Excel (.xlsx)»" in text
    assert "not allowed" not in text and "per file" not in text
    page.shots("xls-refused")


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_page_fits_the_window_and_speaks_russian(browser, app_url, request, width, height):
    from tests.browser.conftest import Shots

    context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
    page = context.new_page()
    page.base = app_url
    page.shots = Shots(page, request.node.name)
    try:
        page.goto(app_url)
        page.get_by_label("Логин").wait_for()
        problems: dict[str, list[str]] = {}
        latin: dict[str, set[str]] = {}

        def look(title: str) -> None:
            page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
            if bad := page.evaluate(CLIPPED):
                problems[title] = bad
            words = {w for w in LATIN.findall(page.evaluate(VISIBLE_TEXT)) if w.lower() not in LATIN_ALLOWED}
            words |= {f"[атрибут] {w}" for w in english_attributes(page)}
            if words:
                latin[title] = words
            page.shots(title.replace(" ", "_"))

        look("Вход")
        log_in(page, *ADMIN)
        if height <= 720:          # the filters above the fold of the sidebar at 1280×720 (and 1024×768)
            year = page.get_by_test_id("stSelectbox").filter(has_text="Отчётный год").first.bounding_box()
            assert year and year["y"] + year["height"] <= height, f"фильтры ниже края окна: {year}"
        for title in ADMIN_PAGES:
            open_page(page, title)
            assert selected(page, "Отчётный год") == str(date.today().year)      # the filter as the page reads it
            look(title)
            if title == "Загрузки":                   # the upload matrix names all of its 7 columns
                drawn = set(page.get_by_test_id("stVegaLiteChart").first.locator("svg text").all_text_contents())
                assert set(DATASET_TITLES.values()) - {"Организации"} <= drawn, drawn
        assert not problems, f"не помещается при {width}×{height}: {problems}"
        assert not latin, f"английские слова при {width}×{height}: {latin}"
    finally:
        context.close()


DRAG = """(zone, kind) => {
  const data = new DataTransfer();
  data.items.add(new File(['Пункт;Статус'], 'roadmap.csv', {type: 'text/csv'}));
  zone.dispatchEvent(new DragEvent(kind, {dataTransfer: data, bubbles: true, cancelable: true}));
}"""


def test_a_file_dragged_over_the_uploader_is_told_in_russian(page):
    log_in(page, "sosh1", "demo-sosh1-2025")
    open_page(page, "Загрузка данных")
    zone = page.get_by_test_id("stFileUploaderDropzone").first
    zone.scroll_into_view_if_needed()

    def drag_over() -> str:
        zone.evaluate(DRAG, "dragenter")
        zone.evaluate(DRAG, "dragover")
        # Streamlit's panel over the dropzone while a file is over it («Drag and drop a file here»)
        page.wait_for_function("() => document.querySelector("
                               "'[data-testid=\"stFileUploaderDropzoneInput\"] + div:not([data-testid])')")
        return zone.evaluate("z => getComputedStyle(z.querySelector("
                             "'[data-testid=\"stFileUploaderDropzoneInput\"] + div'), '::after').content")

    assert drag_over() == '"Отпустите файл, чтобы загрузить его"'
    words = {w for w in LATIN.findall(page.evaluate(VISIBLE_TEXT)) if w.lower() not in LATIN_ALLOWED}
    assert not words, words                                           # «Drag and drop a file here» is not seen
    assert not english_attributes(page)
    zone.screenshot(path=page.shots.folder / "dragged-over.png")
    zone.evaluate(DRAG, "dragleave")
    page.wait_for_function("() => !document.querySelector("
                           "'[data-testid=\"stFileUploaderDropzoneInput\"] + div:not([data-testid])')")

    # With a file chosen, the element after the input is the file's chip: shown, its name readable.
    upload(page, FIXTURES / "old_excel.xls", "Формат .xls")
    chip = page.get_by_test_id("stFileChipName").first
    assert chip.is_visible() and chip.inner_text() == "old_excel.xls"
    assert drag_over() == '"Отпустите файл, чтобы загрузить его"'
    page.shots("dragged-over-a-chosen-file")


def test_a_lost_server_is_told_in_russian(browser, demo_warehouse, app_url, tmp_path, request):
    """Streamlit's «Connection error … Are you connected to the internet?» when the server goes away (a restart):
    said in Russian by theme.py. A server of its own, on a copy of the demo warehouse, is stopped under the page."""
    import shutil

    from tests.browser.conftest import Shots, serve

    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_warehouse, copy)
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ru-RU")
    page = context.new_page()
    page.shots = Shots(page, request.node.name)
    try:
        with serve(copy) as url:
            page.goto(url)
            page.get_by_label("Логин").wait_for(timeout=60_000)
            settle(page)
        dialog = page.get_by_test_id("stDialog")
        dialog.wait_for(timeout=60_000)
        said = dialog.evaluate("""d => [...d.querySelectorAll('section[role="dialog"] > h2, section[role="dialog"] > div')]
                                      .map(e => getComputedStyle(e, '::after').content).join(' ')""")
        assert "Нет связи с сервером" in said and "Сервер приложения не отвечает" in said, said
        words = {w for w in LATIN.findall(page.evaluate(VISIBLE_TEXT)) if w.lower() not in LATIN_ALLOWED}
        assert not words, words                              # «Connection error», «Streamlit server is not responding»
        page.shots("no-server")
    finally:
        context.close()
