"""Browser tests: the app started on a free loopback port over a fresh demo warehouse, driven by
Playwright in Debian's Chromium (never a downloaded browser).

Without Chromium the tests are skipped with the reason (``make test`` shows it); in CI (``CI`` or
``REQUIRE_BROWSER`` set) a missing browser is a failure instead. Each test saves screenshots of the
pages it passes under ``tests/artifacts/browser/<test>/`` and fails if the browser console shows an
error or a Streamlit exception box appears.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Streamlit's frontend probes /<page>/_stcore/... on a deep link before falling back to /_stcore/...;
# those 404s are its normal start-up, not errors of the app.
BENIGN_CONSOLE = re.compile(r"status of 404 \(Not Found\)")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    if not Path(CHROMIUM).exists():
        reason = ("Chromium не установлен: браузерные тесты пропущены. Установите пакет Debian «chromium» "
                  "(apt-get install chromium) или запустите .ci/run.")
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason + " В CI браузерные тесты обязательны.")
        pytest.skip(reason)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory, chromium_path):
    from ingest import load
    from ingest.demo import build_demo
    from warehouse import accounts, db

    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    build_demo(path)
    conn = db.connect(path)
    accounts.create_user(conn, "locktest", "Проверка блокировки", "coordinator", "lock-test-2025", "ДС02")
    accounts.create_user(conn, "tabtest", "Проверка сеансов", "coordinator", "tab-test-2025", "ДС02")
    accounts.create_user(conn, "offtest", "Проверка отключения", "coordinator", "off-test-2025", "ДС04")
    # A second version of one snapshot, for the restore dialog (test_everyday): four teachers instead of 29.
    load.load_file(conn, (ROOT / "tests" / "fixtures" / "staff_utf8_bom_comma.csv").read_bytes(),
                   "pedagogi_ds09_2026_ispravlennyi.csv", "staff", "ДС09", 2026, user="ds09")
    conn.close()
    return path


@pytest.fixture(scope="session")
def expected(demo_warehouse):
    """Figures read from the warehouse before the app holds it (one process may open the file)."""
    from warehouse import db, queries, registry

    conn = db.connect(demo_warehouse, read_only=True)
    try:
        codes = registry.org_codes(conn)
        return {
            "orgs": registry.organizations(conn),
            "uncovered_2026": queries.uncovered_young_teachers(conn, codes, 2026),
            "kpi_2025": queries.org_kpi(conn, codes, 2025),
            "sosh1_staff_2025": conn.execute(
                "select teacher_id, position, age, years_in_org from stg_staff "
                "where org_code = 'СОШ1' and year = 2025 order by row_no").df(),
        }
    finally:
        conn.close()


@contextmanager
def serve(db_path: Path) -> Iterator[str]:
    """The app on a free loopback port over the warehouse ``db_path``; yields its address."""
    port = _free_port()
    env = {**os.environ, "MENTORSHIP_DB": str(db_path)}
    log = open(db_path.with_suffix(".log"), "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/server.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"the app did not start: {db_path.with_suffix('.log').read_text()[-2000:]}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def app_url(demo_warehouse, expected):
    with serve(demo_warehouse) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Shots:
    """Screenshots of one test, numbered in the order taken."""

    def __init__(self, page, name: str):
        self.page, self.n = page, 0
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)

    def __call__(self, label: str) -> Path:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{label}.png"
        self.page.screenshot(path=path, full_page=True)
        return path


@contextmanager
def browser_page(browser, url: str, name: str) -> Iterator:
    """A fresh browser context on the app at ``url``: screenshots under ``name``; fails on a console error."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="ru-RU", accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" and not BENIGN_CONSOLE.search(m.text)
          else None)
    pg.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    pg.base = url
    pg.shots = Shots(pg, name)
    pg.console_errors = errors
    yield pg
    context.close()
    assert not errors, f"ошибки в консоли браузера: {errors}"


@pytest.fixture
def page(browser, app_url, request):
    with browser_page(browser, app_url, request.node.name) as pg:
        yield pg
