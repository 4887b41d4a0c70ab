"""Scenario 2: the department head opens every page, filters, selects on the matrix, exports."""

import io

import openpyxl

from dashboard import export
from tests.browser.ui import choose, download, log_in, main_text, nav_titles, open_page, settle

PAGES = ["Обзор", "Дорожная карта", "Наставники", "Молодые педагоги", "Партнёры", "Мероприятия и практики",
         "Мониторинг", "Загрузки", "Выгрузки", "История загрузок"]


def test_head_reads_every_page_and_exports_filtered_tables(page, expected, tmp_path):
    log_in(page, "head", "demo-head-2025")
    titles = nav_titles(page)
    assert titles == PAGES                                        # no upload or administration pages
    for title in PAGES:
        open_page(page, title)
        assert page.get_by_role("heading", level=1).first.inner_text() != ""
        page.shots(title.replace(" ", "_"))

    # Filters: a year and one organization; the matrix and the tables follow.
    open_page(page, "Дорожная карта")
    choose(page, "Отчётный год", "2025")
    chart = page.get_by_test_id("stVegaLiteChart").first
    box = chart.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + 72 + 22 * 4 + 11)   # a row of the matrix
    settle(page)
    picked = page.get_by_role("heading", level=3).first.inner_text()
    assert picked in set(expected["orgs"]["short_name"])
    page.shots("matrix-selection")

    # A filtered table exported: the uncovered young teachers of one organization in 2026.
    uncovered = expected["uncovered_2026"]
    org = uncovered["org_code"].value_counts().index[0]
    name = expected["orgs"].set_index("org_code").loc[org, "short_name"]
    open_page(page, "Молодые педагоги")
    choose(page, "Отчётный год", "2026")
    choose(page, "Организация", f"{name} ({org})")
    page.shots("young-filtered")
    path = download(page, "Excel", tmp_path, nth=0)
    # The file name says whose table it is: two organizations' exports never share a name.
    assert path.name.startswith(f"molodye_pedagogi_bez_nastavnika_{export.slug(name)}_2026_") and path.suffix == ".xlsx"
    ws = openpyxl.load_workbook(path).active
    ids = [ws.cell(row=r, column=2).value for r in range(5, ws.max_row + 1)]
    assert sorted(ids) == sorted(uncovered.loc[uncovered["org_code"] == org, "teacher_id"])
    assert {ws.cell(row=r, column=1).value for r in range(5, ws.max_row + 1)} == {org}

    # The meeting pack for the chosen filters opens and holds the filtered organization only.
    open_page(page, "Выгрузки")
    page.get_by_role("button", name="Собрать пакет к совещанию").click()
    page.get_by_text("Пакет к совещанию готов").first.wait_for(timeout=120_000)   # the progress, then the verdict
    settle(page, timeout=60)
    pack = download(page, "Скачать пакет к совещанию", tmp_path)
    assert pack.name.startswith(f"paket_k_soveshchaniyu_{export.slug(name)}_2026_")
    book = openpyxl.load_workbook(io.BytesIO(pack.read_bytes()))
    assert "Сводка" in book.sheetnames and "Диаграмма. Дорожная карта" in book.sheetnames
    roadmap = book["Дорожная карта"]
    assert [roadmap.cell(row=r, column=1).value for r in range(5, roadmap.max_row + 1)] == [name]
    assert "Пакет к совещанию" in main_text(page)
    page.shots("exports")
