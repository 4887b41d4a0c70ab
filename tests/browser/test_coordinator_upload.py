"""Scenario 1: a coordinator downloads the template, uploads a cp1251 «;» file with errors, reads the
errors, downloads the error report, fixes the file, uploads again, confirms, and sees the figures move."""

import csv
import io
import re

import openpyxl

from tests.browser.ui import choose, download, log_in, main_text, open_page, settle, upload


def staff_csv(rows: list[list], header: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue().encode("cp1251")          # Excel's «CSV (разделители — точки с запятой)»


def young_teachers_shown(page) -> int:
    open_page(page, "Молодые педагоги")
    metric = page.get_by_test_id("stMetric").filter(has_text="Молодых педагогов").first
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace("\u00a0", "").replace(" ", ""))


def test_coordinator_fixes_a_broken_file_and_loads_it(page, expected, tmp_path):
    log_in(page, "sosh1", "demo-sosh1-2025")
    choose(page, "Отчётный год", "2025")
    before = young_teachers_shown(page)
    page.shots("young-before")

    open_page(page, "Загрузка данных")
    choose(page, "Набор данных", "Педагоги")
    page.get_by_text("Шаблон набора «Педагоги»").click()
    template = download(page, "Шаблон CSV", tmp_path)
    header = next(csv.reader(io.StringIO(template.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert header[:4] == ["ID педагога", "Должность", "Возраст", "Стаж в ОО"]
    page.shots("template")

    staff = expected["sosh1_staff_2025"]
    rows = [[r.teacher_id, r.position, r.age, r.years_in_org] + [""] * (len(header) - 4) for r in staff.itertuples()]
    new_teacher = ["НОВ-1", "учитель информатики", 24, 0] + [""] * (len(header) - 4)
    broken = [row[:] for row in rows] + [new_teacher]
    broken[2][2] = "сорок"                           # spreadsheet row 4: not a number
    broken[5][0] = broken[1][0]                      # spreadsheet rows 3 and 7: the same ID
    bad = tmp_path / "педагоги_СОШ1.csv"
    bad.write_bytes(staff_csv(broken, header))
    upload(page, bad, "Файл не принят")
    text = main_text(page)
    assert "Файл не принят" in text and "Хранилище не изменено" in text
    assert "«Возраст»: Не целое число" in text and "«ID педагога»: Повторяющееся значение" in text
    page.shots("errors")

    report = download(page, "Отчёт об ошибках (Excel)", tmp_path)
    ws = openpyxl.load_workbook(report).active
    header_row = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "Вид")
    found = {(ws.cell(row=r, column=4).value, ws.cell(row=r, column=3).value, ws.cell(row=r, column=5).value)
             for r in range(header_row + 1, ws.max_row + 1)}
    assert ("Возраст", 4, "сорок") in found
    assert {("ID педагога", 3), ("ID педагога", 7)} <= {(c, r) for c, r, _ in found}

    fixed = tmp_path / "педагоги_СОШ1_исправлено.csv"
    fixed.write_bytes(staff_csv(rows + [new_teacher], header))
    upload(page, fixed, "Файл проверен")
    text = main_text(page)
    assert "Файл проверен: ошибок нет" in text and "Что изменится" in text
    new_rows = page.get_by_test_id("stMetric").filter(has_text="Новых строк").get_by_test_id("stMetricValue")
    assert new_rows.inner_text() == "1"
    page.shots("preview")
    page.get_by_role("button", name="Загрузить", exact=False).last.click()
    page.get_by_text(re.compile("^Загружено: ")).first.wait_for(timeout=60_000)
    settle(page, timeout=60)
    assert "Загружено: «Педагоги»" in main_text(page)
    page.shots("loaded")

    assert young_teachers_shown(page) == before + 1
    page.shots("young-after")
