"""The meeting pack, fit to print (issue 14): its sheets and figures, native Excel charts that overlap
nothing, status colours as conditional formats, names not codes, and LibreOffice's PDF of it."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest

from dashboard import export, meeting_pack
from warehouse import queries

SCOPE = ("ДС2", "СОШ1", "УО")
AS_OF = date(2025, 11, 15)
SHEETS = ["Сводка", "Мониторинг. Наставники", "Мониторинг. Мероприятия", "Дорожная карта", "Наставники", "Молодые педагоги", "Партнёры", "Мероприятия",
          "Полнота загрузок", "Загрузки", "Диаграмма. Дорожная карта", "Диаграмма. Охват", "Диаграмма. Загрузки"]
CHART_SHEETS = SHEETS[-3:]
NS = {"xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
      "s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture
def pack(warehouse, load_bytes, make_csv) -> bytes:
    roadmap = [["Пункт", "Статус", "Дата выполнения"], [1, "выполнено", "15.03.2025"], [4, "в работе", ""]]
    staff = [["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Затруднения"], ["П-1", "учитель", 47, 20, "да"],
             ["П-2", "учитель", 24, 1, "нет"], ["П-3", "учитель", 25, 2, "нет"]]
    mentors = [["ID наставника", "ФИО", "Тип наставника", "ID педагога", "Наставляет"],
               ["Н-1", "Иванова Анна Петровна", "педагог", "П-1", "педагогов"]]
    pairs = [["ID пары", "ID наставника", "Тип наставляемого", "ID наставляемого", "Категория наставляемого",
              "Форма наставничества", "Дата начала", "Статус"],
             ["1", "Н-1", "педагог", "П-2", "молодой специалист", "учитель – учитель", "01.09.2025", "в работе"]]
    events = [["Дата", "Название", "Уровень", "Вид", "Роль", "Участников"],
              ["10.10.2025", "Фестиваль наставничества", "муниципальный", "для наставников и наставляемых",
               "организатор", 1258]]
    for name, rows in (("roadmap", roadmap), ("staff", staff), ("mentors", mentors), ("mentorships", pairs),
                       ("events", events)):
        result = load_bytes(name, make_csv(rows))
        assert result.outcome == "loaded", [(g.column, g.problem) for g in result.report.groups]
    return meeting_pack.build(warehouse, SCOPE, 2025, AS_OF, "2025 год, все организации", "тест")


def test_the_pack_has_its_sheets_figures_and_names(pack, warehouse):
    book = openpyxl.load_workbook(io.BytesIO(pack))
    assert book.sheetnames == SHEETS
    summary = {r[0].value: r[1].value for r in book["Сводка"].iter_rows(min_row=5)}
    assert summary["Организаций"] == 3 and summary["Просрочено пунктов"] == 1      # item 4 after 31.10
    assert book["Сводка"]["A1"].value == "Сводка: 2025 год, все организации"
    roadmap = book["Дорожная карта"]
    assert roadmap["B4"].value.startswith("1. Информирование") and roadmap.max_row == 4 + 3
    assert re.search(r"\(срок \d\d\.\d\d\.2025\)$", roadmap["B4"].value)
    # Item 7: the monitoring sheet holds the query's figures, by organization name.
    expected = queries.monitoring(warehouse, SCOPE, 2025, AS_OF)
    for name, columns in (("Мониторинг. Наставники", meeting_pack.MONITORING_STAFF),
                          ("Мониторинг. Мероприятия", meeting_pack.MONITORING_ACTIVITY)):
        rows = list(book[name].iter_rows(min_row=5, values_only=True))
        assert [r[0] for r in rows] == list(expected["short_name"]) and book[name]["A4"].value == "Организация"
        for r, (_, figures) in zip(rows, expected[columns].iterrows(), strict=True):
            for cell, column in zip(r[1:], columns[1:], strict=True):
                value = figures[column]
                if pd.isna(value):
                    assert cell == "нет данных", (name, column)
                else:
                    assert cell == pytest.approx(value / 100 if export.is_pct(column) else value), (name, column)
    # Names, never codes: no cell of any table is an organization's code (the department's short name is
    # its code, «УО», in the registry of the tests).
    codes = {"ДС2", "СОШ1"}
    for ws in book.worksheets:
        assert not {c.value for row in ws.iter_rows(min_row=4) for c in row} & codes, ws.title
    events = book["Мероприятия"]
    assert [c.value for c in events[4]][:3] == ["Организация", "Дата", "Мероприятие"]
    assert events["A5"].value == "МАОУ «СОШ № 1»"
    assert events["G5"].value == 1258 and events["G5"].number_format == "#,##0"   # «1 258», grouped


def test_status_colours_are_conditional_formats(pack):
    book = openpyxl.load_workbook(io.BytesIO(pack))
    for name, texts in (("Дорожная карта", {"просрочено", "выполнено", "в работе", "нет отчёта"}),
                        ("Полнота загрузок", {"загружен", "нет файла", "не требуется"})):
        rules = [(str(cf.sqref), rule) for cf in book[name].conditional_formatting for rule in cf.rules]
        by_text = {rule.formula[0].strip('"'): rule for _, rule in rules}
        assert texts <= set(by_text), (name, set(by_text))
        assert all(rule.operator == "equal" and rule.dxf.fill is not None for rule in by_text.values())
        assert all(sqref.startswith("A5:") for sqref, _ in rules)                    # the table, not its header
    overdue = {rule.formula[0]: rule for cf in book["Дорожная карта"].conditional_formatting for rule in cf.rules}
    assert overdue['"просрочено"'].dxf.fill.bgColor.rgb.upper().endswith("D62728")     # the pages' red


def _drawings(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Each sheet's drawing anchors (from column, from row, to column, to row), by sheet name."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
        found = {}
        for sheet in workbook.find("s:sheets", NS):
            path = "xl/" + targets[sheet.get(f"{{{NS['r']}}}id")]
            rels_path = path.replace("worksheets/", "worksheets/_rels/") + ".rels"
            anchors = []
            if rels_path in z.namelist():
                for r in ElementTree.fromstring(z.read(rels_path)).findall("rel:Relationship", NS):
                    if r.get("Target").startswith("../drawings/"):
                        drawing = ElementTree.fromstring(z.read("xl/drawings/" + Path(r.get("Target")).name))
                        for a in drawing.findall("xdr:twoCellAnchor", NS):
                            f, t = a.find("xdr:from", NS), a.find("xdr:to", NS)
                            anchors.append(tuple(int(x.find(f"xdr:{k}", NS).text)
                                                 for x, k in ((f, "col"), (f, "row"), (t, "col"), (t, "row"))))
            found[sheet.get("name")] = anchors
    return found


def test_charts_are_native_one_per_landscape_sheet_and_overlap_nothing(pack):
    with zipfile.ZipFile(io.BytesIO(pack)) as z:
        assert len([n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]) == 3
        assert not [n for n in z.namelist() if n.startswith("xl/media/")]           # no images
    anchors = _drawings(pack)
    book = openpyxl.load_workbook(io.BytesIO(pack))
    for name in SHEETS:
        ws = book[name]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9, name
        if name not in CHART_SHEETS:
            # One page wide and as long as it is; the summary on one page.
            assert anchors[name] == [] and ws.page_setup.fitToHeight in ((1, None) if name == "Сводка" else (0,)), name
            continue
        (chart,) = anchors[name]                                    # one chart per sheet
        header_row = next(r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=1).value) - 1   # 0-based
        assert chart[1] >= 2 and chart[3] < header_row, (name, chart, header_row)   # under the title, above the table
        # One page high and wide (1 is the default, which the file leaves out).
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight in (1, None)


def test_coverage_bars_have_the_colours_of_their_bands(pack):
    """The coverage chart colours each bar as «Молодые педагоги» does: red below the 70 % benchmark (the test
    school's young teachers: one of two has a mentor, 50 %), amber up to the goal, green at it."""
    from dashboard import charts

    with zipfile.ZipFile(io.BytesIO(pack)) as z:
        xml = next(z.read(n).decode() for n in sorted(z.namelist())
                   if re.fullmatch(r"xl/charts/chart\d+\.xml", n) and "Охват, %" in z.read(n).decode())
    points = re.findall(r"<c:dPt>.*?</c:dPt>", xml, re.S)
    book = openpyxl.load_workbook(io.BytesIO(pack))
    ws = book["Диаграмма. Охват"]
    header = next(r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=1).value)
    shown = [ws.cell(row=r, column=2).value for r in range(header + 1, ws.max_row + 1)
             if ws.cell(row=r, column=1).value]
    assert shown and len(points) == len(shown)
    for pct, point in zip(shown, points, strict=True):
        colour = charts.COVERAGE_BANDS[charts.coverage_band(pct * 100)].lstrip("#").upper()
        assert f'<a:srgbClr val="{colour}"/>' in point, (pct, point)
    assert charts.coverage_band(50) == "ниже 70 %" and charts.coverage_band(70) == "70–99 %"
    assert charts.coverage_band(100) == "100 %" and 0.5 in shown


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_the_pack_prints_one_page_per_sheet_through_libreoffice(pack, tmp_path, soffice):
    source = tmp_path / "paket.xlsx"
    source.write_bytes(pack)
    pdf = soffice(source, "pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    # Every sheet of this small city fits one A4 landscape page: nothing cut at the right edge, no chart
    # spilling onto a second page.
    assert _pages(pdf) == len(SHEETS)


def test_two_exports_with_different_filters_get_different_file_names():
    day = date(2026, 12, 1)
    city = export.file_name("Пакет к совещанию", "xlsx", 2025, day, scope="все организации")
    school = export.file_name("Пакет к совещанию", "xlsx", 2025, day, scope="МАОУ «СОШ № 1»")
    assert city == "paket_k_soveshchaniyu_vse_organizatsii_2025_2026-12-01.xlsx"
    assert school == "paket_k_soveshchaniyu_maou_sosh_1_2025_2026-12-01.xlsx"
