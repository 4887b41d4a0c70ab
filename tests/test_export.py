"""Exports opened with real readers: openpyxl for XLSX, Python's csv for CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from dashboard import export
from dashboard.tables import audited_export
from warehouse import accounts, queries

NASTY = ["=SUM(A1:A9)", "+79001234567", "-cmd|' /C calc'!A0", "@SUM(1)", "\tвкладка", "\rвозврат", "обычный текст"]


@pytest.fixture
def frame():
    n = len(NASTY)
    return pd.DataFrame({
        "org_code": ["СОШ1"] * n,
        "comment": NASTY,
        "done_date": pd.to_datetime(["2025-03-14"] * n),
        "young_coverage_pct": [45.5, 100.0, None, 0.0, 12.3, 70.0, 99.9],
        "mentors": pd.array([3, None, -5, 0, 1, 2, 7], dtype="Int64"),
        "trained": pd.array([True, False, None, True, True, False, True], dtype="boolean"),
    })


def sheet(frame, columns=None):
    return export.Sheet(title="Дорожная карта: 2025 год", frame=frame, columns=columns, name="Дорожная карта",
                        note="Выгружено 24.11.2026 пользователем Тест (test).")


def test_xlsx_layout_types_and_neutral_formulas(frame):
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx([sheet(frame)])))
    ws = book["Дорожная карта"]
    assert ws["A1"].value == "Дорожная карта: 2025 год" and "Выгружено" in ws["A2"].value
    assert [c.value for c in ws[4]] == ["Код ОО", "Комментарий", "Дата выполнения", "Охват молодых педагогов, %",
                                        "Наставников", "Прошёл обучение"]
    assert ws[4][0].font.bold and ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == f"A4:F{4 + len(frame)}"
    assert ws.max_row == 4 + len(frame)                                    # every row, nothing more
    comments = [ws.cell(row=r, column=2) for r in range(5, 5 + len(NASTY))]
    # A carriage return is stored as the OOXML escape _x000D_, which openpyxl does not undo (Excel does).
    assert [c.value.replace("_x000D_", "\r") for c in comments] == NASTY
    assert all(c.data_type == "s" for c in comments)                       # text, never a formula
    date_cell = ws["C5"]
    assert isinstance(date_cell.value, datetime) and date_cell.value.date() == date(2025, 3, 14)
    assert date_cell.number_format == "dd.mm.yyyy"
    assert ws["D5"].value == pytest.approx(0.455) and ws["D5"].number_format == "0.0%"
    assert ws["D7"].value == "нет данных"                                  # missing, never 0
    assert ws["E7"].value == -5 and ws["E7"].data_type == "n"              # a negative number stays a number
    assert ws["F5"].value == "да" and ws["F6"].value == "нет"
    assert ws.column_dimensions["B"].width >= len("-cmd|' /C calc'!A0")


def test_csv_for_russian_excel_with_neutral_formulas(frame):
    data = export.csv_bytes(sheet(frame))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][:3] == ["Код ОО", "Комментарий", "Дата выполнения"]
    assert len(rows) == 1 + len(frame)
    assert [r[1] for r in rows[1:]] == ["'=SUM(A1:A9)", "'+79001234567", "'-cmd|' /C calc'!A0", "'@SUM(1)",
                                        "'\tвкладка", "'\rвозврат", "обычный текст"]
    assert rows[1][2] == "14.03.2025" and rows[1][3] == "45,5" and rows[3][3] == ""
    assert rows[3][4] == "-5"                                              # numbers are not prefixed
    assert rows[1][5] == "да"


def test_file_names_say_what_and_when():
    assert export.file_name("Дорожная карта", "xlsx", 2025, date(2026, 3, 14)) == "dorozhnaya_karta_2025_2026-03-14.xlsx"
    assert export.file_name("Молодые педагоги без наставника", "csv", 2026, date(2026, 11, 24)) == \
        "molodye_pedagogi_bez_nastavnika_2026_2026-11-24.csv"


def test_the_export_of_a_query_has_its_rows_and_is_audited(warehouse, load_bytes, make_csv):
    rows = [["Пункт", "Статус", "Дата выполнения", "Комментарий"], [1, "выполнено", "15.03.2025", "=1+1"],
            [2, "в работе", "", "ok"]]
    assert load_bytes("roadmap", make_csv(rows)).outcome == "loaded"
    frame = queries.roadmap(warehouse, {"СОШ1"}, 2025, date(2025, 12, 1))
    cols = ["item", "short_title", "status_shown", "due_date", "done_date", "comment"]
    data = audited_export(sheet(frame, cols), "xlsx", "x.xlsx", "head", "СОШ1", warehouse.cursor)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws.max_row - 4 == len(frame) == 11
    assert {ws.cell(row=r, column=1).value for r in range(5, ws.max_row + 1)} == set(range(1, 12))
    assert ws["F5"].value == "=1+1" and ws["F5"].data_type == "s"
    log = accounts.audit_log(warehouse)
    assert log.iloc[0]["action"] == "export" and log.iloc[0]["detail"] == "x.xlsx, строк: 11"
    assert "age" not in frame.columns


MENTOR_HEAD = ["ID наставника", "ФИО", "Тип наставника", "ID педагога", "Должность или место работы", "Наставляет"]


def _mentor_base(load_bytes, make_csv, mentors: list[list]):
    """Staff, ``mentors`` and one pair of СОШ1 for 2025, loaded; the mentors' load result."""
    staff = [["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Затруднения"], ["П-1", "учитель", 47, 20, "да"],
             ["П-2", "учитель", 29, 1, "нет"], ["П-3", "учитель", 52, 25, "нет"]]
    pairs = [["ID пары", "ID наставника", "Тип наставляемого", "ID наставляемого", "Категория наставляемого",
              "Форма наставничества", "Дата начала", "Дата окончания", "Статус"],
             ["1", "Н-1", "педагог", "П-2", "молодой специалист", "учитель – учитель", "01.09.2025", "", "в работе"]]
    results = {name: load_bytes(name, make_csv(rows))
               for name, rows in (("staff", staff), ("mentors", mentors), ("mentorships", pairs))}
    assert {r.outcome for r in results.values()} == {"loaded"}
    return results["mentors"]


def test_public_mentor_base_publishes_only_what_may_be_published(warehouse, load_bytes, make_csv):
    _mentor_base(load_bytes, make_csv, [
        [*MENTOR_HEAD, "Согласие на размещение сведений"],
        ["Н-1", "Иванова <b>Анна</b> Петровна", "педагог", "П-1", "учитель математики", "педагогов", "да"],
        ["Н-2", "Петров Пётр Петрович", "педагог", "П-3", "учитель физики", "педагогов", "нет"],
        ["Н-3", "Сидорова Ольга Ивановна", "другое", "", "методист", "педагогов", ""]])
    base = queries.public_mentor_base(warehouse, {"СОШ1"}, 2025)
    assert list(base.columns) == ["organization", "full_name", "workplace", "mentors_whom", "forms", "period_start",
                                  "period_end"]
    assert list(base["full_name"]) == ["Иванова <b>Анна</b> Петровна"]     # «нет» and an empty cell: not shown
    assert base.iloc[0]["forms"] == "учитель – учитель"
    assert pd.isna(base.iloc[0]["period_end"])                          # a pair still in work: open-ended
    summary = queries.public_mentor_base_summary(warehouse, {"СОШ1"}, 2025)
    assert (summary["shown"], summary["not_shown"], summary["organizations"]) == (1, 2, 1)
    assert summary["updated"] is not None
    sheet = export.Sheet("База наставников: 2025 год, СОШ № 1", base, name="База наставников")
    page = export.html_page(sheet, heading="База наставников, 2025 год", organization="МАОУ «СОШ № 1» <Когалым>",
                            updated="Сведения обновлены 01.12.2026", footnote="Не показано наставников: 2.")
    published = page + export.csv_bytes(sheet).decode("utf-8-sig")
    for secret in ("П-1", "П-2", "47", "29", "Затруднения", "Возраст", "Пётр", "Сидорова"):
        assert secret not in published, secret                          # IDs, ages, difficulties, no consent
    # Everything a file wrote is text on the site, never markup.
    assert "<td>Иванова &lt;b&gt;Анна&lt;/b&gt; Петровна</td>" in page and "<b>" not in page
    assert "МАОУ «СОШ № 1» &lt;Когалым&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and "@media print" in page
    assert "<th>ФИО</th>" in page and "Сведения обновлены 01.12.2026" in page
    fragment = export.html_table(sheet, "Не показано наставников: 2.")
    assert fragment.startswith('<table class="mentor-base">') and "<html" not in fragment and fragment in page
    assert queries.public_mentor_base(warehouse, {"ДС2"}, 2025).empty   # another organization's scope


def test_a_mentor_file_without_consent_is_accepted_with_a_warning_and_names_nobody(warehouse, load_bytes, make_csv):
    result = _mentor_base(load_bytes, make_csv, [MENTOR_HEAD, ["Н-1", "Иванова Анна Петровна", "педагог", "П-1",
                                                               "учитель математики", "педагогов"]])
    warning = next(g for g in result.report.groups if g.column == "Согласие на размещение сведений")
    assert warning.severity == "warning" and warning.problem == "Нет столбца"
    assert "не попадёт в базу наставников для сайта" in warning.expected
    assert queries.public_mentor_base(warehouse, {"СОШ1"}, 2025).empty
    assert queries.public_mentor_base_summary(warehouse, {"СОШ1"}, 2025)["not_shown"] == 1
    assert queries.mentor_base(warehouse, {"СОШ1"}, 2025)["full_name"].tolist() == ["Иванова Анна Петровна"]


def test_file_names_differ_by_filter():
    day = date(2026, 12, 1)
    names = {export.file_name("Дорожная карта организации", "xlsx", 2025, day, scope=s)
             for s in ("все организации", "МАОУ «СОШ № 1» (демо)", "МАОУ «СОШ № 10» (демо)", "Когалым, школа")}
    assert len(names) == 4
    assert "dorozhnaya_karta_organizatsii_maou_sosh_1_demo_2025_2026-12-01.xlsx" in names


def test_numbers_print_grouped_and_missing_apart_and_long_text_wraps():
    frame = pd.DataFrame({"short_name": ["МАОУ «СОШ № 1»", "МАДОУ «Детский сад № 2»"],
                          "teachers": pd.array([1258, None], dtype="Int64"),
                          "mentor_load_avg": [1234567.5, 2.25], "year": pd.array([2025, 2026], dtype="Int64"),
                          "expected": ["одно из: " + ", ".join(f"«вариант {i}»" for i in range(12)), "текст"]})
    ws = openpyxl.load_workbook(io.BytesIO(export.xlsx([export.Sheet("Т: 2025 год, все организации", frame)]))).active
    assert ws["B5"].number_format == "#,##0" and ws["B5"].value == 1258       # «1 258» in a Russian Excel
    assert ws["B6"].value == "нет данных" and ws["B6"].alignment.horizontal == "right"
    assert ws["C5"].number_format == "#,##0.0" and ws["C6"].number_format == "#,##0.00"
    assert ws["D5"].number_format == "0"                                      # a year is a name: «2025»
    assert ws["E5"].alignment.wrap_text and ws.column_dimensions["E"].width < export.MAX_WIDTH + 1
    assert ws["E5"].border.left.style == "thin"
    rows = list(csv.reader(io.StringIO(export.csv_bytes(export.Sheet("Т", frame)).decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[1][2] == "1234567,5" and rows[2][1] == ""                    # never «1,23457e+06»
