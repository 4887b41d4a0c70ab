"""The city demo as files: the world's rows written as organizations write them, loaded through ingest.

:func:`generate_files` encodes the rows of :func:`ingest.demo.world.org_years` as CSV (cp1251 or
UTF-8 with BOM, «;») or XLSX with the template's Russian headers, each organization in its own habit;
:func:`build_demo` loads every file with :func:`ingest.load.load_file`, exactly as the command line
loads a real one, and creates the demo accounts (``accounts.csv`` beside this module: data, listed in
the README and on the login page of a demo warehouse).
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import xlsxwriter

from ingest.demo.world import org_years, plan, registry_rows, upload_time
from ingest.load import load_file
from ingest.schemas import DATASETS
from warehouse import accounts, db, russian, settings

ACCOUNTS_FILE = Path(__file__).with_name("accounts.csv")


def _demo_accounts() -> tuple[tuple[str, str, str, str | None, str], ...]:
    """``(login, name, role, org_code or None, password)`` of each demo account."""
    with ACCOUNTS_FILE.open(encoding="utf-8", newline="") as f:
        return tuple((r["login"], r["name"], r["role"], r["org_code"] or None, r["password"])
                     for r in csv.DictReader(f, delimiter=";"))


DEMO_ACCOUNTS = _demo_accounts()


# ---------------------------------------------------------------------------------------------
# Encoding


def _cell(value) -> str:
    """A value as a person types it: dates ДД.ММ.ГГГГ, yes/no as «да»/«нет», nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return russian.yes_no(value)
    if isinstance(value, date):
        return russian.day(value)
    return str(value)


def encode_csv(dataset: str, rows: list[dict], encoding: str) -> bytes:
    """CSV as Russian Excel saves it: «;», CRLF, the template's Russian headers."""
    fields = DATASETS[dataset].fields
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([f.title for f in fields])
    writer.writerows([_cell(r.get(f.name)) for f in fields] for r in rows)
    return out.getvalue().encode(encoding)   # strict: a value cp1251 cannot hold is our bug


def encode_xlsx(dataset: str, rows: list[dict]) -> bytes:
    """A workbook with the template's headers on the first sheet; numbers and dates as Excel values."""
    ds = DATASETS[dataset]
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet = book.add_worksheet(ds.title[:31])
    for c, f in enumerate(ds.fields):
        sheet.write_string(0, c, f.title, bold)
    for r, row in enumerate(rows, start=1):
        for c, f in enumerate(ds.fields):
            value = row.get(f.name)
            if value is None:
                continue
            if isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(r, c, value)
            elif isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
            else:
                sheet.write_string(r, c, _cell(value))
    book.close()
    return buf.getvalue()


def _encode(habit: str, dataset: str, rows: list[dict]) -> tuple[str, bytes]:
    if habit == "xlsx":
        return "xlsx", encode_xlsx(dataset, rows)
    return "csv", encode_csv(dataset, rows, "utf-8-sig" if habit == "utf8bom" else "cp1251")


FileItem = tuple[str, str | None, int | None, str, bytes]


def generate_files(scale: str | int = "city", seed: int = 2025) -> Iterator[FileItem]:
    """The demo's files in loading order: ``(dataset, org_code, year, file_name, bytes)``.

    The registry comes first (org_code and year None), then each organization's files year by year
    in the order staff, mentors, mentorships, roadmap, partners, events, students. Lazy: the
    national scale streams organization by organization.
    """
    p = plan(scale, seed)
    fmt, data = _encode("xlsx" if scale == "city" else "utf8bom", "organizations", registry_rows(p))
    yield "organizations", None, None, f"Реестр_организаций.{fmt}", data
    for org, year, by_dataset in org_years(p, seed):
        for dataset, rows in by_dataset.items():
            ext, data = _encode(org.habit, dataset, rows)
            yield dataset, org.code, year, f"{DATASETS[dataset].title}_{org.code}_{year}.{ext}", data


# ---------------------------------------------------------------------------------------------
# The demo warehouse


def build_demo(path, scale: str | int = "city", seed: int = 2025) -> str:
    """Create a new demo warehouse at ``path`` from the generated files; return a Russian summary.

    An existing file (and its ``.wal``) is deleted first. Every file goes through
    :func:`ingest.load.load_file`; a file that does not load raises ``RuntimeError`` with its report,
    and the half-built warehouse is removed.
    """
    path = Path(path)
    wal = path.with_name(path.name + ".wal")
    if path.exists():
        # Never delete a warehouse another process (the running app) holds: on Linux the unlink
        # would succeed and the app would go on writing to a file nobody can open again.
        try:
            db.connect(path, read_only=True).close()
        except db.WarehouseLocked:
            raise
        except duckdb.Error:
            pass  # not a warehouse we can open: it is replaced anyway
    for f in (path, wal):
        f.unlink(missing_ok=True)
    started = time.perf_counter()
    conn = db.connect(path)
    try:
        settings.put(conn, "demo", "true")
        n_files = 0
        for dataset, org_code, year, file_name, data in generate_files(scale, seed):
            result = load_file(conn, data, file_name, dataset, org_code, year, user="demo",
                               at=upload_time(org_code, year, dataset, seed))
            if result.outcome != "loaded":
                text = result.report.to_text()
                print(text)
                raise RuntimeError(f"Демо-файл {file_name} ({dataset}, {org_code}, {year}) не загружен: "
                                   f"{result.outcome}\n{text}")
            n_files += 1
        registry = {code for (code,) in conn.execute("select org_code from organizations").fetchall()}
        for login, name, role, org, password in DEMO_ACCOUNTS:
            if org is None or org in registry:   # the coordinators' organizations are the city's
                accounts.create_user(conn, login, name, role, password, org, by="demo")
        summary = _summary(conn, n_files, time.perf_counter() - started)
        conn.execute("checkpoint")
    except BaseException:
        conn.close()
        for f in (path, wal):
            f.unlink(missing_ok=True)
        raise
    conn.close()
    return summary


def _summary(conn, n_files: int, seconds: float) -> str:
    first = conn.execute("select min(year) from stg_staff").fetchone()[0]
    orgs, teachers, mentors, pairs = conn.execute(
        """
        select (select count(*) from organizations),
               (select count(*) from stg_staff where year = $y),
               (select count(*) from stg_mentors where year = $y),
               (select count(*) from stg_mentorships where year = $y)
        """, {"y": first}).fetchone()
    n = russian.number
    return (f"организаций: {n(orgs)}, педагогов: {n(teachers)}, наставников: {n(mentors)}, "
            f"наставнических пар: {n(pairs)} (за {first} год), файлов: {n(n_files)}, {russian.decimal(seconds)} с")
