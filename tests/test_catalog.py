"""One declaration per dataset: everything the product knows of a dataset agrees with it.

The declarations live in ``ingest/schemas`` (one module each). These tests hold the rest to them: the
warehouse's migrated tables, views and reference rows; the pandera schema; the templates; the titles.
A toy dataset declared only in a test is accepted, stored, checked against the dataset it refers to
and templated, with no other module touched.
"""

from __future__ import annotations

import csv
import io

import duckdb
import openpyxl
import pytest

from ingest import load
from ingest.schemas import DATASET_TITLES, DATASETS, Dataset, Field, Reference, registered
from ingest.schemas.base import DATE, INT, SCHOOL, SQL_TYPES, TEXT, Context
from ingest.templates import template_csv, template_xlsx
from tests.conftest import SCHOOL as SCHOOL_CODE
from tests.conftest import YEAR, csv_bytes
from warehouse import db


def _columns(conn: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return conn.execute(
        "select column_name, data_type from information_schema.columns where table_name = ? "
        "order by ordinal_position", [relation]).fetchall()


@pytest.fixture(scope="module")
def declared() -> duckdb.DuckDBPyConnection:
    """An empty database made only from the declarations' DDL (the reference tables as migration 002
    declares them)."""
    conn = duckdb.connect()
    conn.execute("create table snapshots (dataset varchar, org_code varchar, year integer, upload_id bigint, "
                 "updated_at timestamp)")
    conn.execute("create table datasets (dataset varchar primary key, title varchar not null, sort integer not null)")
    conn.execute("create table expected_datasets (org_type varchar, dataset varchar, primary key (org_type, dataset))")
    for ds in DATASETS.values():
        conn.execute(ds.ddl())
    return conn


@pytest.mark.parametrize("name", list(DATASETS))
def test_the_migrated_warehouse_has_the_declared_tables_and_views(warehouse, declared, name):
    ds = DATASETS[name]
    raw = _columns(warehouse, ds.table)
    assert raw == _columns(declared, ds.table)
    assert raw == [("upload_id", "BIGINT"), ("row_no", "INTEGER")] + [
        (f.name, SQL_TYPES[f.kind].upper()) for f in ds.fields]
    assert _columns(warehouse, ds.view) == _columns(declared, ds.view)


def test_the_reference_tables_are_the_declarations(warehouse, declared):
    query_datasets = "select dataset, title, sort from datasets order by sort"
    query_owed = "select org_type, dataset from expected_datasets order by all"
    assert warehouse.execute(query_datasets).fetchall() == declared.execute(query_datasets).fetchall()
    assert warehouse.execute(query_datasets).fetchall() == [
        (d.name, d.title, d.order) for d in DATASETS.values() if not d.registry]
    assert warehouse.execute(query_owed).fetchall() == declared.execute(query_owed).fetchall()
    # Every organization's dataset is owed by someone; the registry by nobody.
    assert all(bool(d.owed_by) != d.registry for d in DATASETS.values())


def test_datasets_are_listed_in_one_order_with_one_title():
    assert [d.order for d in DATASETS.values()] == sorted(d.order for d in DATASETS.values())
    assert DATASET_TITLES == {d.name: d.title for d in DATASETS.values()}
    assert len(set(DATASET_TITLES.values())) == len(DATASETS)


@pytest.mark.parametrize("name", list(DATASETS))
def test_schema_templates_and_references_follow_the_declaration(name):
    ds = DATASETS[name]
    present = {f.name for f in ds.fields}
    schema = ds.schema(Context(year=YEAR, known={r.dataset: frozenset() for r in ds.references}), present)
    assert list(schema.columns) == [f.name for f in ds.fields]
    assert [c.nullable for c in schema.columns.values()] == [not f.required for f in ds.fields]
    # Each check of the schema maps back to a Russian problem (the report's groups).
    for col in schema.columns.values():
        for check in col.checks:
            field, problem, expected = ds.describe(check.name, Context(year=YEAR))
            assert field == col.name and problem and expected
    rows = list(csv.reader(io.StringIO(template_csv(name).decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [f.title for f in ds.fields]
    sheet = openpyxl.load_workbook(io.BytesIO(template_xlsx(name))).worksheets[0]
    assert sheet.title == ds.title[:31]
    assert [c.value for c in sheet[1]] == [f.title for f in ds.fields]
    for ref in ds.references:   # a reference names a declared dataset's key column
        other = DATASETS[ref.dataset]
        assert ref.column in present and other.key == (ref.target,)
        assert ds.objects, "the hint «сначала загрузите …, затем …» needs the accusative"


# ---------------------------------------------------------------------------------------------
# A toy dataset: declared here, and nothing else changed

BOOKS = Dataset(
    name="toy_books",
    title="Книги",
    grain="одна строка — одна книга методической библиотеки",
    order=8,
    owed_by=(SCHOOL,),
    key=("book_id",),
    allow_empty=True,
    references=(Reference("reader_id", "staff", "teacher_id"),),
    objects="книги",
    fields=(
        Field("book_id", "ID книги", TEXT, required=True, aliases=("код книги",), example="К-1"),
        Field("pages", "Страниц", INT, required=True, min=1, max=2000, example="120"),
        Field("reader_id", "ID читателя", TEXT, example="П-001"),
        Field("returned_on", "Дата возврата", DATE, example="01.09.2025"),
    ),
)

STAFF_CSV = csv_bytes([["ID педагога", "Должность", "Возраст", "Стаж в ОО"],
                       ["П-001", "учитель", "30", "2"], ["П-002", "учитель", "40", "10"]])


def test_a_toy_dataset_is_accepted_stored_checked_and_templated(warehouse, load_bytes):
    warehouse.execute(BOOKS.ddl())        # what its migration would hold
    with registered(BOOKS):
        assert DATASET_TITLES["toy_books"] == "Книги"
        # Templated: the declared titles, in CSV and XLSX.
        assert template_csv("toy_books").decode("utf-8-sig").splitlines()[0] == \
            "ID книги;Страниц;ID читателя;Дата возврата"
        assert openpyxl.load_workbook(io.BytesIO(template_xlsx("toy_books"))).worksheets[0].title == "Книги"

        # The referred dataset is not there yet: the rule made from the reference says so.
        books = csv_bytes([["Код книги", "Страниц", "ID читателя", "Дата возврата"],
                           ["К-1", "120", "П-001", "15.10.2025"], ["К-2", "0", "П-009", "32.10.2025"]])
        first = load_bytes("toy_books", books)
        assert first.outcome == "rejected"
        assert {g.problem for g in first.report.groups} >= {"Файл «Педагоги» за этот год ещё не загружен"}

        assert load_bytes("staff", STAFF_CSV).outcome == "loaded"
        result = load_bytes("toy_books", books)
        assert result.outcome == "rejected"
        problems = {(i.problem, i.column, i.row, i.value) for i in result.report.issues()}
        assert problems == {
            ("Число вне допустимого диапазона", "Страниц", 3, "0"),       # the field's bounds
            ("Неверная дата", "Дата возврата", 3, "32.10.2025"),           # the field's kind
            ("ID читателя не найден в файле «Педагоги»", "ID читателя", 3, "П-009"),   # the reference
        }

        good = csv_bytes([["ID книги", "Страниц", "ID читателя", "Дата возврата"],
                          ["К-1", "120", "П-001", "15.10.2025"], ["К-2", "64", "", ""]])
        loaded = load_bytes("toy_books", good)
        assert loaded.outcome == "loaded", load.summary(loaded)
        stored = warehouse.execute(
            "select org_code, year, book_id, pages, reader_id, returned_on from stg_toy_books order by book_id"
        ).fetchall()
        assert [r[:5] for r in stored] == [(SCHOOL_CODE, YEAR, "К-1", 120, "П-001"),
                                           (SCHOOL_CODE, YEAR, "К-2", 64, None)]
        assert stored[0][5].isoformat() == "2025-10-15"

        # The reference read the other way: a staff file that drops П-001 is warned about the book.
        staff_without = csv_bytes([["ID педагога", "Должность", "Возраст", "Стаж в ОО"], ["П-002", "учитель", "40", "10"]])
        prepared = load.prepare(warehouse, staff_without, "staff.csv", "staff", SCHOOL_CODE, YEAR)
        warnings = [(g.problem, [i.value for i in g.issues]) for g in prepared.report.groups]
        assert ("На эти ID ссылается загруженный файл «Книги»", ["1 ID нет в новом файле: П-001"]) in warnings
    assert "toy_books" not in DATASETS and "toy_books" not in DATASET_TITLES


def test_the_command_line_prints_a_new_datasets_migration(capsys):
    from ingest.__main__ import main

    assert main(["ddl", "students"]) == 0
    printed = capsys.readouterr().out
    assert printed.strip() == DATASETS["students"].ddl()
    assert printed.startswith("create table raw_students (upload_id bigint not null, row_no integer not null, ")


def test_the_demo_sends_every_declared_dataset_after_the_ones_it_refers_to():
    from ingest.demo import ORG_DATASETS

    assert set(ORG_DATASETS) == {d.name for d in DATASETS.values() if not d.registry}
    for name in ORG_DATASETS:
        for ref in DATASETS[name].references:
            assert ORG_DATASETS.index(ref.dataset) < ORG_DATASETS.index(name), (name, ref.dataset)


def test_migrations_are_numbered_one_after_another():
    """Two branches that each add «005_…» would leave one migration unapplied on a warehouse that has
    the other; the numbers run 1, 2, 3, … without a gap or a repeat."""
    numbers = [version for version, _, _ in db._migrations()]
    assert numbers == list(range(1, len(numbers) + 1))
