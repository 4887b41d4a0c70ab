"""Uploaded text in Chromium (issue 15): on a warehouse whose names, comments, titles, file names and full
names are Markdown, HTML, image, ``:red[…]`` and LaTeX payloads (``tests/test_text_safety.build``), no page
of the coordinator or the administrator renders a link, an image or a formula from them, the browser asks
nothing of the payload's host, and the text reads as it was written.

AppTest sees the Markdown Streamlit is given; only a browser shows what the frontend makes of it — this is
where bare «http://…» turned out to become a link despite its escaped colon.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import browser_page, serve
from tests.browser.ui import choose, log_in, main_text, open_page, settle
from tests.test_text_safety import PAYLOAD, build

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory, chromium_path):
    with serve(build(tmp_path_factory.mktemp("hostile_browser") / "w.duckdb")) as url:
        yield url


def assert_inert(pg, where: str) -> None:
    """Nothing of the payload is live on the page, and it is there as text."""
    live = pg.evaluate("""() => ({
        links: [...document.querySelectorAll('a')].filter(a => a.hostname.includes('evil')).map(a => a.href),
        images: [...document.querySelectorAll('img[src*="evil"]')].map(i => i.src),
        formulas: document.querySelectorAll('.katex').length,
        coloured: [...document.querySelectorAll('[data-testid="stMain"] span[class*="red"], '
                   + '[data-testid="stMain"] span[style*="red"]')].filter(s => s.innerText.includes('красное')).length,
        html: [...document.querySelectorAll('b')].filter(b => b.innerText === 'html').length,
    })""")
    assert live == {"links": [], "images": [], "formulas": 0, "coloured": 0, "html": 0}, (where, live)
    assert pg.fetched_evil == [], (where, pg.fetched_evil)


def test_the_payload_reads_as_written_and_nothing_of_it_is_live(browser, hostile_url, request, tmp_path):
    with browser_page(browser, hostile_url, request.node.name) as pg:
        pg.fetched_evil = []
        pg.on("request", lambda r: pg.fetched_evil.append(r.url) if "evil" in r.url else None)

        log_in(pg, "koord", "koord-password-2025")
        choose(pg, "Отчётный год", "2025")
        pg.get_by_text("Город в целом").first.wait_for(timeout=90_000)   # a busy machine renders late
        settle(pg)
        pg.shots("coordinator-overview")
        assert_inert(pg, "обзор ответственного")
        sidebar = pg.get_by_test_id("stSidebar").inner_text().replace("\u2060", "")
        assert f"Организация: {PAYLOAD}" in sidebar                       # the registry name, as written
        assert "Город в целом: дорожная карта выполнена на" in main_text(pg)   # k-anonymity: the roadmap only
        assert "Не показано (по этим данным отчитались меньше 3 других организаций" in main_text(pg)

        for title in ("Дорожная карта", "Партнёры", "Мероприятия и практики", "История загрузок"):
            open_page(pg, title)
            assert_inert(pg, title)
        open_page(pg, "Загрузка данных")
        choose(pg, "Набор данных", "Партнёры")
        path = tmp_path / f"{PAYLOAD[:40].replace('/', '_')}.csv"
        path.write_text("Наименование;Тип партнёра\nВуз;вуз\n", encoding="utf-8")
        pg.get_by_test_id("stFileUploader").locator('input[type="file"]').set_input_files(path)
        pg.get_by_text("Файл проверен").first.wait_for(timeout=90_000)
        pg.shots("coordinator-upload")
        assert_inert(pg, "загрузка")
        assert f"Что найдено в файле «{path.name}»" in main_text(pg).replace("\u2060", "")

        log_in(pg, "adm", "adm-password-2025")
        choose(pg, "Отчётный год", "2025")
        pg.get_by_test_id("stSelectbox").filter(has_text="Организация").last.click()
        pg.keyboard.type("H1")
        pg.get_by_role("option").filter(has_text="(H1)").first.click()
        settle(pg)
        for title in ("Обзор", "Дорожная карта", "Организации и пользователи", "Журнал аудита"):
            open_page(pg, title)
            assert_inert(pg, title)
        open_page(pg, "Дорожная карта")
        heading = pg.get_by_role("heading", level=3).filter(has_text="СРОЧНО").first.inner_text()
        assert heading.replace("\u2060", "").strip() == PAYLOAD
        pg.shots("admin-roadmap")
