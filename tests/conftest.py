"""Shared fixtures of the test suite.

Everything here is generic: a fresh warehouse file with the organizations registry, the nasty files
of ``tests/fixtures``, and small helpers to build and load a CSV from bytes. Other test modules
may add their own fixtures below; keep each one documented and independent of the others.

- ``warehouse_path``: a fresh DuckDB file under ``tmp_path``, migrated, with the 3-organization
  registry loaded and the connection closed again (for subprocess tests that open it themselves).
- ``warehouse``: an open connection to that file (``warehouse.db.connect``), closed after the test.
- ``fixture_bytes(name)``: the bytes of a file of ``tests/fixtures``.
- ``make_csv(rows, sep=";", encoding="utf-8")``: rows of cells as CSV bytes.
- ``load_bytes(dataset, data, ...)``: ``ingest.load.load_file`` on the ``warehouse`` connection.
- ``table_counts(conn)``: the row count of every table that an upload may change (before/after).
- ``soffice(path, target_format)``: the file re-saved by LibreOffice headless as ``"xlsx"`` or as a
  cp1251 «;» ``"csv"`` (round trips through a real office suite; skips without LibreOffice, fails in CI), printed
  as ``"pdf"`` (a workbook), or a Word document printed to PDF as ``"docx-pdf"``.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

from ingest import load
from ingest.schemas import DATASETS
from warehouse import db

# The app as served shows no error details (.streamlit/config.toml, dashboard/guard.py); the tests must see
# every exception — AppTest's ``at.exception``, the browser tests' exception box — so they run with "full":
# set here for AppTest (the option is read from files, not from the environment, outside ``streamlit run``)
# and in the environment for the app servers of the browser tests (``streamlit run`` reads STREAMLIT_*).
streamlit_config.set_option("client.showErrorDetails", "full")
os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")

FIXTURES = Path(__file__).resolve().parent / "fixtures"

YEAR = 2025          # the reporting year most tests upload for
SCHOOL = "СОШ1"      # a school
KINDERGARTEN = "ДС2"  # a kindergarten
DEPARTMENT = "УО"    # the education department itself (it reports on its own items too)

# The registry of the tests: a school, a kindergarten and the department, as the department's
# specialist would save it from Excel (cp1251, «;»).
ORGANIZATIONS_CSV = (
    "Код ОО;Полное наименование;Краткое наименование;Тип ОО;Муниципалитет;ИНН;Сайт\r\n"
    "СОШ1;Муниципальное автономное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»;"
    "МАОУ «СОШ № 1»;общеобразовательная;Когалым;8608000009;https://school1.example.ru\r\n"
    "ДС2;Муниципальное автономное дошкольное образовательное учреждение «Детский сад № 2»;"
    "МАДОУ «ДС № 2»;дошкольная;;;\r\n"
    "УО;Управление образования Администрации города Когалыма;УО;орган управления образованием;Когалым;;"
    "https://uo.example.ru\r\n"
).encode("cp1251")

# Tables whose row counts prove that a refused upload changed nothing.
DATA_TABLES = tuple(d.table for d in DATASETS.values()) + ("snapshots",)


@pytest.fixture
def warehouse_path(tmp_path) -> Path:
    """A fresh, migrated warehouse file with the organizations registry loaded; no connection held."""
    path = tmp_path / "warehouse.duckdb"
    conn = db.connect(path)
    try:
        result = load.load_file(conn, ORGANIZATIONS_CSV, "organizations.csv", "organizations", user="test:setup")
        assert result.outcome == "loaded", load.summary(result)
    finally:
        conn.close()
    return path


@pytest.fixture
def warehouse(warehouse_path):
    """An open writable connection to the fresh warehouse of ``warehouse_path``; closed after the test."""
    conn = db.connect(warehouse_path)
    yield conn
    conn.close()


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """The bytes of one file of ``tests/fixtures`` (see ``tests/fixtures/make_fixtures.py``)."""
    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()
    return read


def csv_bytes(rows: list[list[object]], sep: str = ";", encoding: str = "utf-8") -> bytes:
    """Rows of cells (the header first) as CSV bytes, quoted only where needed, CRLF like Excel."""
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(
        [["" if c is None else str(c) for c in r] for r in rows])
    return out.getvalue().encode(encoding)


@pytest.fixture
def make_csv() -> Callable[..., bytes]:
    """``make_csv(rows, sep=";", encoding="utf-8")``: rows of cells (header first) as CSV bytes."""
    return csv_bytes


@pytest.fixture
def load_bytes(warehouse) -> Callable[..., load.LoadResult]:
    """``load_bytes(dataset, data, org=SCHOOL, year=YEAR, file_name=None, user="test", **kw)``: load bytes
    into the ``warehouse`` through the real loader (``ingest.load.load_file``); ``kw`` goes to it
    (``dry_run``, ``max_bytes``). For ``organizations`` pass ``org=None, year=None``."""
    def run(dataset: str, data: bytes, org: str | None = SCHOOL, year: int | None = YEAR,
            file_name: str | None = None, user: str = "test", **kw) -> load.LoadResult:
        return load.load_file(warehouse, data, file_name or f"{dataset}.csv", dataset, org, year, user=user, **kw)
    return run


def count_tables(conn) -> dict[str, int]:
    """Row counts of the raw_* tables, ``snapshots`` and the upload log (``uploads``, ``upload_issues``)."""
    names = (*DATA_TABLES, "uploads", "upload_issues")
    return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in names}


@pytest.fixture
def table_counts() -> Callable[..., dict[str, int]]:
    """``table_counts(conn)``: row counts of raw_*, snapshots, uploads and upload_issues."""
    return count_tables


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """A demo warehouse of the city, built through ingest, one per test module (modules may change it)."""
    from ingest.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path)
    return path


# LibreOffice's export filters (DESIGN.md, verified facts): «Calc MS Excel 2007 XML» for XLSX; for CSV
# «Text - txt - csv (StarCalc)» with options 59 (field separator «;»), 34 (text delimiter «"»), 34
# (character set: Windows-1251; 22 would be ISO-8859-15 and destroy Cyrillic), 1 (start at row 1).
SOFFICE_FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "csv": "csv:Text - txt - csv (StarCalc):59,34,34,1",
    "pdf": "pdf:calc_pdf_Export",   # every sheet, as printed: the meeting pack «fit to print» (issue 14)
    "docx-pdf": "pdf:writer_pdf_Export",   # a Word document printed (the monitoring report, issue 14)
}
SOFFICE_SECONDS = 300   # a first start builds the profile; the machine may be shared


@pytest.fixture(scope="session")
def soffice(tmp_path_factory) -> Callable[[Path, str], Path]:
    """``soffice(path, target_format) -> Path``: ``path`` opened and saved again by LibreOffice headless
    (``soffice --convert-to``), as ``"xlsx"`` or as ``"csv"`` (Windows-1251, «;»), into a new folder.
    A CSV holds the first sheet only (LibreOffice's default); a workbook's other sheets need ``"xlsx"``.

    Without LibreOffice the test is skipped with the reason, except in CI (``CI=1``, set by ``.ci/run``,
    which installs Debian's ``libreoffice-calc-nogui``), where that is a failure. One LibreOffice
    profile for the session, in a temporary folder: a user's own profile is never touched, and runs
    do not wait on each other's profile lock."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        reason = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI=1: the round trip through a real office suite must run)")
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("soffice")
    profile = (root / "profile").as_uri()
    counter = iter(range(1_000_000))

    def convert(path: Path, target_format: str) -> Path:
        out = root / f"out{next(counter)}"
        out.mkdir()
        cmd = [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", SOFFICE_FILTERS[target_format], "--outdir", str(out), str(path)]
        if shutil.which("nice"):
            cmd = ["nice", "-n", "19", *cmd]   # the test machine is shared; conversion is not timed
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=SOFFICE_SECONDS, check=False)
        result = out / f"{path.stem}.{SOFFICE_FILTERS[target_format].split(':')[0]}"
        if done.returncode != 0 or not result.exists():
            pytest.fail(f"soffice did not convert {path.name} to {target_format}: {done.stdout}{done.stderr}")
        return result

    return convert
