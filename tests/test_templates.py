"""Templates: each one, in CSV and in XLSX, loads cleanly through the real loader, with Russian headers."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from ingest import load
from ingest.schemas import DATASETS
from ingest.templates import template, template_csv, template_file_name, template_xlsx

ORG_DATASETS = [name for name, ds in DATASETS.items() if not ds.registry]


def titles(name: str) -> list[str]:
    return [f.title for f in DATASETS[name].fields]


# The template's example row left as it is is skipped (tests/test_spellings.py); a coordinator who fills
# the template changes it. One cell per dataset, none that another template refers to.
FILLED = {"staff": ("Должность", "учитель физики"), "mentors": ("ФИО", "Петрова Анна Сергеевна"),
          "mentorships": ("Ссылка на программу", "https://school1.example.ru/ppn/02"),
          "partners": ("Формы участия", "экскурсии"), "events": ("Название", "Семинар наставников"),
          "students": ("Обучающихся всего", "851")}


def filled(name: str, fmt: str) -> bytes:
    """The template with one cell of its example row changed, as a coordinator fills it (roadmap: as is)."""
    if name not in FILLED:
        return template(name, fmt)
    column, value = FILLED[name]
    col = titles(name).index(column)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(template_csv(name).decode("utf-8-sig")), delimiter=";"))
        rows[1][col] = value
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        return out.getvalue().encode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(name)))
    book.worksheets[0].cell(2, col + 1).value = int(value) if value.isdigit() else value
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name", list(DATASETS))
def test_csv_template_has_the_russian_headers_for_russian_excel(name):
    data = template_csv(name)
    assert data.startswith(b"\xef\xbb\xbf")                       # UTF-8 with BOM, as Russian Excel wants
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == titles(name)
    expected_rows = 11 if name == "roadmap" else 1
    assert len(rows) == 1 + expected_rows


@pytest.mark.parametrize("name", list(DATASETS))
def test_xlsx_template_has_the_russian_headers_and_notes(name):
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(name)))
    sheet = book.worksheets[0]
    assert sheet.title == DATASETS[name].title[:31]
    assert [c.value for c in sheet[1]] == titles(name)
    for col, f in enumerate(DATASETS[name].fields, start=1):   # each header says what it expects
        comment = sheet.cell(1, col).comment.text
        assert comment.startswith("Обязательный столбец." if f.required else "Ожидается:"), (f.title, comment)
        assert f.expected in comment
    notes = book["Пояснения"]
    assert [notes.cell(r, 1).value for r in range(5, 5 + len(titles(name)))] == titles(name)


def test_roadmap_template_lists_the_eleven_items():
    sheet = openpyxl.load_workbook(io.BytesIO(template_xlsx("roadmap"))).worksheets[0]
    assert [sheet.cell(r, 1).value for r in range(2, 13)] == list(range(1, 12))     # numbers, not text
    assert {sheet.cell(r, 2).value for r in range(2, 13)} == {"не начато"}


def test_organizations_template_loads_as_the_registry(warehouse, load_bytes):
    for fmt in ("csv", "xlsx"):
        result = load_bytes("organizations", template("organizations", fmt), org=None, year=None,
                            file_name=template_file_name("organizations", fmt))
        assert result.outcome == "loaded", load.summary(result)
        assert result.report.error_count == 0 and result.report.warning_count == 0
    assert warehouse.execute("select org_code, inn from organizations").fetchall() == [("СОШ1", "8608000009")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_organization_template_loads_cleanly(load_bytes, fixture_bytes, fmt):
    # The mentors template refers to teacher П-001, the pairs template to mentor Н-01 and teacher П-002,
    # but the staff template has only П-001. So ДС2 gets the fixture staff (П-001..П-004) first and then
    # every other template in order; the staff template itself goes to СОШ1.
    assert load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"), org="ДС2").outcome == "loaded"
    for name in ["staff", "mentors", "mentorships", "roadmap", "partners", "events", "students"]:
        org = "СОШ1" if name == "staff" else "ДС2"
        result = load_bytes(name, filled(name, fmt), org=org, year=2025, file_name=template_file_name(name, fmt))
        assert result.outcome == "loaded", load.summary(result)
        assert result.report.error_count == 0
        warnings = [g.problem for g in result.report.groups]
        if name == "roadmap":   # item 8 «не начато» in 2025, a year without the contest: a reminder only
            assert warnings == ["Пункт 8 (конкурс «Педагог-наставник») в этом году не проводится"]
        else:
            assert warnings == [], (name, warnings)
        assert result.prepared.raw.n_rows == (11 if name == "roadmap" else 1)
        assert result.prepared.raw.header_row == 1
        assert set(result.prepared.raw.matched) == {f.name for f in DATASETS[name].fields}
    assert set(ORG_DATASETS) == {"staff", "mentors", "mentorships", "roadmap", "partners", "events", "students"}


def test_template_examples_reach_the_warehouse_typed(warehouse, load_bytes, fixture_bytes):
    load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"))
    load_bytes("mentors", filled("mentors", "xlsx"))
    load_bytes("mentorships", filled("mentorships", "xlsx"))
    row = warehouse.execute("select pair_id, mentor_id, mentee_id, form, has_program, start_date, end_date, "
                            "satisfaction from stg_mentorships").fetchone()
    assert [str(v) for v in row] == ["ПАРА-01", "Н-01", "П-002", "учитель – учитель", "True", "2025-09-01",
                                     "2026-05-31", "5"]
