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


def test_public_mentor_base_publishes_only_what_may_be_published(warehouse, load_bytes, make_csv):
    staff = [["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Затруднения"], ["П-1", "учитель", 47, 20, "да"],
             ["П-2", "учитель", 29, 1, "нет"]]
    mentors = [["ID наставника", "ФИО", "Тип наставника", "ID педагога", "Должность или место работы", "Наставляет"],
               ["Н-1", "Иванова Анна Петровна", "педагог", "П-1", "учитель математики", "педагогов"]]
    pairs = [["ID пары", "ID наставника", "Тип наставляемого", "ID наставляемого", "Категория наставляемого",
              "Форма наставничества", "Дата начала", "Дата окончания", "Статус"],
             ["1", "Н-1", "педагог", "П-2", "молодой специалист", "учитель – учитель", "01.09.2025", "", "в работе"]]
    for name, rows in (("staff", staff), ("mentors", mentors), ("mentorships", pairs)):
        assert load_bytes(name, make_csv(rows)).outcome == "loaded"
    base = queries.public_mentor_base(warehouse, {"СОШ1"}, 2025)
    assert list(base.columns) == ["organization", "full_name", "workplace", "mentors_whom", "forms", "period_start",
                                  "period_end"]
    assert base.iloc[0]["full_name"] == "Иванова Анна Петровна" and base.iloc[0]["forms"] == "учитель – учитель"
    assert pd.isna(base.iloc[0]["period_end"])                          # a pair still in work: open-ended
    sheet = export.Sheet("База наставников", base, name="База наставников")
    published = export.html_table(sheet) + export.csv_bytes(sheet).decode("utf-8-sig")
    for secret in ("П-1", "П-2", "47", "29", "Затруднения", "Возраст"):                  # staff IDs, ages, difficulties, mentees
        assert secret not in published, secret
    assert "<td>Иванова Анна Петровна</td>" in published and "<th>ФИО</th>" in published
    assert queries.public_mentor_base(warehouse, {"ДС2"}, 2025).empty   # another organization's scope


def test_meeting_pack_has_a_sheet_per_topic_and_the_charts(warehouse, load_bytes, make_csv):
    from dashboard import meeting_pack

    rows = [["Пункт", "Статус", "Дата выполнения"], [1, "выполнено", "15.03.2025"], [4, "в работе", ""]]
    assert load_bytes("roadmap", make_csv(rows)).outcome == "loaded"
    data = meeting_pack.build(warehouse, ("ДС2", "СОШ1", "УО"), 2025, date(2025, 11, 15), "2025 год", "тест")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Сводка", "Дорожная карта", "Наставники", "Молодые педагоги", "Партнёры",
                               "Мероприятия", "Загрузки", "Диаграммы"]
    summary = {r[0].value: r[1].value for r in book["Сводка"].iter_rows(min_row=5)}
    assert summary["Организаций"] == 3 and summary["Просрочено пунктов"] == 1      # item 4 after 31.10
    roadmap = book["Дорожная карта"]
    assert roadmap["B4"].value.startswith("1. Информирование") and roadmap.max_row == 4 + 3
    assert len(book["Диаграммы"]._images) >= 2
