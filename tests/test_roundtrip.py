"""Round trip through a real office suite (issue 12): each dataset's XLSX template, filled as a
coordinator would fill it, re-saved by LibreOffice as XLSX and as a Windows-1251 «;» CSV, and uploaded
through the real loader: both accepted, with the same typed rows as the data that went in.

The values are the demo's rows of one school for 2025 (plausible names, ages, dates, closed-list
values, references between datasets); dates go in as real date cells shown ДД.ММ.ГГГГ, whole numbers
as numbers, the rest as text, as a secretary typing into the template would leave them.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from functools import cache
from pathlib import Path

import openpyxl
import pytest

from ingest import load
from ingest.demo import ORG_DATASETS, generate_files, plan
from ingest.reader import read_table
from ingest.schemas import DATASETS
from ingest.templates import template_xlsx
from tests.conftest import ORGANIZATIONS_CSV, SCHOOL, YEAR

pytestmark = pytest.mark.slow


@cache
def demo_school_files() -> dict[str, bytes]:
    """The demo files of the first school that sends every dataset for the year."""
    schools = {o.code for o in plan("city").orgs if o.org_type == "общеобразовательная"}
    files: dict[str, dict[str, bytes]] = {}
    for dataset, code, year, _, data in generate_files("city"):
        if code in schools and year == YEAR:
            files.setdefault(code, {})[dataset] = data
            if len(files[code]) == len(ORG_DATASETS):
                return files[code]
    raise AssertionError("no demo school sends every dataset")


def rows_of(dataset: str, data: bytes) -> list[list[str | None]]:
    """A file's rows as text, in the order of the dataset's fields (its template's columns)."""
    table = read_table(data, DATASETS[dataset])
    columns = [table.columns[f.name].to_pylist() if f.name in table.columns else [None] * table.n_rows
               for f in DATASETS[dataset].fields]
    return [list(r) for r in zip(*columns, strict=True)]


def typed(text: str | None) -> object:
    """What a person typing the text into Excel leaves in the cell: a date, a whole number, or text."""
    if text is None:
        return None
    if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", text):
        return datetime.strptime(text, "%d.%m.%Y")
    if re.fullmatch(r"-?[1-9]\d{0,8}|0", text):
        return int(text)
    return text


def filled_template(dataset: str, rows: list[list[str | None]], folder: Path) -> Path:
    """The dataset's XLSX template with ``rows`` typed into its first sheet from row 2 (over the
    example row and, for the roadmap, the pre-filled items)."""
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(dataset)))
    sheet = book.worksheets[0]
    for r in range(2, sheet.max_row + 1):
        for c in range(1, sheet.max_column + 1):
            sheet.cell(r, c).value = None
    for r, row in enumerate(rows, start=2):
        for c, text in enumerate(row, start=1):
            cell = sheet.cell(r, c)
            cell.value = typed(text)
            if isinstance(cell.value, datetime):
                cell.number_format = "DD.MM.YYYY"
    path = folder / f"{dataset}.xlsx"
    book.save(path)
    return path


def stored_rows(prepared: load.Prepared) -> list[tuple]:
    """The typed rows a load would store, without their spreadsheet row numbers, in a stable order."""
    table = prepared.table.drop_columns(["row_no"])
    return sorted(tuple(r.values()) for r in table.to_pylist())


def _prepare(warehouse, dataset: str, data: bytes, name: str, org, year) -> load.Prepared:
    prepared = load.prepare(warehouse, data, name, dataset, org, year)
    assert prepared.ok, (name, [(i.problem, i.column, i.row, i.value) for i in prepared.report.issues()][:10])
    return prepared


@pytest.mark.parametrize("dataset", ["organizations", *ORG_DATASETS])
def test_template_filled_and_resaved_by_libreoffice_is_accepted(dataset, warehouse, load_bytes, soffice, tmp_path):
    registry = dataset == "organizations"
    org, year = (None, None) if registry else (SCHOOL, YEAR)
    files = demo_school_files()
    # What the loader makes of the data as the demo sends it: the figures the round trip must keep.
    for before in ORG_DATASETS[:ORG_DATASETS.index(dataset)] if not registry else ():
        result = load_bytes(before, files[before], file_name=f"{before}.demo")
        assert result.outcome == "loaded", load.summary(result)
    # (the registry of the tests is loaded already: a blank line makes it a new file of the same rows)
    original = ORGANIZATIONS_CSV + b"\r\n" if registry else files[dataset]
    expected = stored_rows(_prepare(warehouse, dataset, original, "original", org, year))
    assert expected

    book = filled_template(dataset, rows_of(dataset, original), tmp_path)
    for target in ("xlsx", "csv"):
        data = soffice(book, target).read_bytes()
        if target == "csv":
            data.decode("cp1251")                      # Windows-1251, as filter option 34 asks
            assert ";" in data.splitlines()[0].decode("cp1251")
        prepared = _prepare(warehouse, dataset, data, f"{dataset}.{target}", org, year)
        assert prepared.raw.file_format == target
        if target == "csv":
            assert (prepared.raw.encoding, prepared.raw.delimiter) == ("cp1251", ";")
        assert prepared.rows == len(expected)
        assert stored_rows(prepared) == expected, target
    # And it loads: the warehouse holds exactly those rows.
    result = load_bytes(dataset, data, org=org, year=year, file_name=f"{dataset}.csv")
    assert result.outcome == "loaded", load.summary(result)
    assert warehouse.execute(f"select count(*) from {DATASETS[dataset].table} where upload_id = ?",
                             [result.upload_id]).fetchone()[0] == len(expected)
