"""Scenario: a coordinator downloads the organization's yearly workbook with the current data, edits two
sheets in it (two young teachers hired; most of the year's events struck out), uploads it, reads the
preview sheet by sheet, confirms the large removal explicitly, loads it, and sees the figures change."""


import openpyxl

from tests.browser.test_coordinator_upload import young_teachers_shown
from tests.browser.ui import choose, download, log_in, main_text, open_page, settle, upload


def test_coordinator_edits_the_yearly_workbook_and_loads_it(page, tmp_path):
    log_in(page, "sosh1", "demo-sosh1-2025")
    choose(page, "Отчётный год", "2025")
    before = young_teachers_shown(page)

    open_page(page, "Загрузка данных")
    page.get_by_text("Годовой отчёт (вся книга)").click()
    settle(page)
    page.shots("book-mode")
    path = download(page, "Скачать книгу с текущими данными за 2025 год", tmp_path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Инструкция", "Дорожная карта", "Педагоги", "Наставники", "Наставнические пары",
                             "Партнёры", "Мероприятия", "Обучающиеся"]
    staff, events = wb["Педагоги"], wb["Мероприятия"]
    teachers, n_events = staff.max_row - 1, events.max_row - 1
    assert teachers > 50 and n_events >= 4
    staff.append(["НОВ-К1", "учитель математики", 24, 0, 1, "без категории", "нет", "да"])
    staff.append(["НОВ-К2", "учитель истории", 26, 1, 2, "без категории", "нет", "да"])
    events.delete_rows(3, n_events - 1)                  # only the first event is left
    edited = tmp_path / "отчёт_СОШ1_2025_исправлено.xlsx"
    wb.save(edited)

    upload(page, edited, r"Книга (проверена|не принята|совпадает)")
    text = main_text(page)
    assert "Книга проверена: ошибок нет" in text and "Изменятся наборы «Педагоги», «Мероприятия»" in text
    assert f"Мероприятия: будут удалены {n_events - 1}" in text and f"из {n_events}" in text
    assert "Лист «Педагоги»" in text and "новых 2, изменённых 0, удалённых 0" in text
    assert "Лист «Наставники»" in text and "без изменений" in text
    confirm = page.get_by_role("button", name="Загрузить", exact=False).last
    assert confirm.is_disabled()                         # a removal of most rows is a decision
    page.shots("preview")

    page.get_by_test_id("stCheckbox").filter(has_text="Да, удалить").click()
    settle(page)
    confirm = page.get_by_role("button", name="Загрузить", exact=False).last
    assert confirm.is_enabled()
    confirm.click()
    page.get_by_text("Загружено из книги").first.wait_for(timeout=90_000)
    settle(page, timeout=60)
    text = main_text(page)
    assert "Загружено из книги" in text and "«Педагоги» — версия" in text and "«Мероприятия» — версия" in text
    page.shots("loaded")

    assert young_teachers_shown(page) == before + 2
    page.shots("young-after")
