"""The monitoring report (item 7) as DOCX: its numbers are the query layer's, its conclusions follow the
rules on hand-made cases, it keeps the Russian document conventions, and printed by LibreOffice it has
its pages and charts where they belong. Also the command line and the «Выгрузки» page that make it.

Two warehouses: the city demo (26 organizations, 2025 and 2026) for the numbers and the printed pages, and
test_views' hand-made city (a school, a kindergarten, the department and one that sends nothing, with a
second year from test_marts) whose answers were computed by hand, for the conclusions.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from tests.test_marts import hand_made_city
from warehouse import accounts, db, queries, registry, report, russian
from warehouse.report import rules
from warehouse.report.figures import INDICATORS, Indicator
from warehouse.report.rules import MentorBase

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 24)   # after the due dates of items 4 and 8 (31.10), before the others (31.12)
YEAR = 2026


# ---------------------------------------------------------------------------------------------
# Reading a DOCX back


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(BytesIO(data))


def table_rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def caption_table(document, caption: str):
    """The table right after the paragraph that starts with ``caption``."""
    body = list(document.element.body.iterchildren())
    for i, el in enumerate(body):
        if el.tag == qn("w:p") and "".join(t.text or "" for t in el.iter(qn("w:t"))).startswith(caption):
            nxt = body[i + 1]
            assert nxt.tag == qn("w:tbl"), f"no table after «{caption}»"
            return next(t for t in document.tables if t._tbl is nxt)
    raise AssertionError(f"no caption «{caption}»")


def parse(text: str):
    """A number as the report writes it («1 258», «54,5 %», «−3», «+0,2 п. п.») back to a float; None
    for «нет данных»."""
    if text == russian.NO_DATA:
        return None
    clean = text.replace("\u00a0", " ").replace(" п. п.", "").replace(" %", "").replace(" ", "")
    return float(clean.replace("−", "-").replace(",", "."))


def same(shown: str, value) -> bool:
    """The cell shows the query's value: the same number, or «нет данных» for a missing one."""
    if russian.is_missing(value):
        return shown == russian.NO_DATA
    return parse(shown) == pytest.approx(float(value), abs=0.05)


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------
# The demo city


@pytest.fixture(scope="module")
def demo_report(demo_db):
    """The 2026 report of the whole demo registry, and the warehouse to check it against."""
    conn = db.connect(demo_db)
    scope = report.resolve_scope(conn)
    steps = []
    data = report.build_audited(conn, "test", scope, YEAR, AS_OF, page="тест", author="Тестов Т. Т.",
                                progress=steps.append)
    yield data, conn, scope, steps
    conn.close()


def test_the_indicators_table_is_the_city_summary_of_both_years(demo_report):
    data, conn, scope, _ = demo_report
    rows = table_rows(caption_table(open_docx(data), "Таблица 1"))
    assert rows[0] == ["Показатель", "2025 год", "2026 год", "Изменение", "Цель, ориентир"]
    cur = queries.city_summary(conn, scope.codes, YEAR, AS_OF)
    prev = queries.city_summary(conn, scope.codes, YEAR - 1, AS_OF)
    by_title = {r[0]: r for r in rows[1:]}
    assert set(by_title) == {ind.title for ind in INDICATORS}
    for ind in INDICATORS:
        _, shown_prev, shown_cur, change, _goal = by_title[ind.title]
        assert same(shown_cur, cur[ind.key]), (ind.key, shown_cur, cur[ind.key])
        assert same(shown_prev, prev[ind.key]), (ind.key, shown_prev, prev[ind.key])
        if cur[ind.key] is not None and prev[ind.key] is not None:
            assert parse(change) == pytest.approx(float(cur[ind.key]) - float(prev[ind.key]), abs=0.05)
    assert by_title["Охват молодых педагогов наставничеством, %"][4] == "100 % (цель), 70 % (ориентир)"


def test_the_appendix_has_one_row_per_organization_with_its_figures(demo_report):
    data, conn, scope, _ = demo_report
    rows = table_rows(caption_table(open_docx(data), "Таблица П.1"))
    kpi = queries.org_kpi(conn, scope.codes, YEAR, AS_OF).set_index("short_name")
    orgs = [r for r in rows[1:] if len(set(r)) > 1]            # group rows are one merged cell
    assert sorted(r[0] for r in orgs) == sorted(kpi.index)
    columns = [c for c, _t, _w in report.APPENDIX]
    for row in orgs:
        k = kpi.loc[row[0]]
        for col, shown in zip(columns[1:], row[1:], strict=True):
            if col == "datasets_uploaded":
                assert shown == f"{k.datasets_uploaded} из {k.datasets_expected}"
            else:
                assert same(shown, k[col]), (row[0], col, shown, k[col])
    groups = [r[0] for r in rows[1:] if len(set(r)) == 1]
    assert groups == ["Организации дополнительного образования", "Дошкольные организации",
                      "Общеобразовательные организации", "Орган управления образованием"]


def test_the_roadmap_table_counts_organizations_per_item_and_status(demo_report):
    data, conn, scope, _ = demo_report
    rows = table_rows(caption_table(open_docx(data), "Таблица 2"))
    counts = queries.roadmap_status_counts(conn, scope.codes, YEAR, AS_OF)
    statuses = ["выполнено", "в работе", "не начато", "просрочено", "нет отчёта", "не требуется"]
    assert len(rows) == 12
    for row in rows[1:]:
        item = int(row[0])
        for status, shown in zip(statuses, row[3:], strict=True):
            n = counts.loc[(counts["item"] == item) & (counts["status_shown"] == status), "organizations"].sum()
            assert parse(shown) == n, (item, status)
        assert sum(parse(x) for x in row[3:]) == len(scope.codes)
    assert rows[4][2] == "31.10.2026" and rows[8][2] == "31.10.2026"    # items 4 and 8


def test_conclusions_and_recommendations_name_what_the_figures_say(demo_report):
    data, conn, scope, _ = demo_report
    text = all_text(open_docx(data))
    city = queries.city_summary(conn, scope.codes, YEAR, AS_OF)
    assert (f"Охват молодых педагогов наставничеством составил {russian.pct(city['young_coverage_pct'])}"
            in text)
    overdue = queries.overdue_items(conn, scope.codes, YEAR, AS_OF)
    assert (f"Просроченные пункты дорожной карты есть у {rules.of_orgs(overdue['org_code'].nunique())} из "
            f"{len(scope.codes)}.") in text
    # every organization with an overdue item is told which items to do
    document = open_docx(data)
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    for name, group in overdue.groupby("short_name"):
        items = sorted(group["item"])
        detail = ("пункт " if len(items) == 1 else "пункты ") + ", ".join(map(str, items))
        assert f"{name} — {detail}" in bullets
    low = queries.org_kpi(conn, scope.codes, YEAR, AS_OF)
    low = low[low["young_coverage_pct"] < 70]
    for r in low.itertuples():
        assert any(b.startswith(f"{r.short_name} — охват {russian.pct(r.young_coverage_pct)}") for b in bullets)


def test_the_document_keeps_the_russian_conventions(demo_report):
    data, *_ = demo_report
    document = open_docx(data)
    first, last = document.sections[0], document.sections[-1]
    def mm(*lengths) -> tuple:     # Word stores lengths in twips: 210 mm comes back as 210.01 mm
        return tuple(round(x.mm) for x in lengths)

    assert mm(first.page_width, first.page_height) == (210, 297)              # A4 portrait
    assert mm(last.page_width, last.page_height) == (297, 210)                # the appendix turned
    for section in document.sections:                                         # ГОСТ Р 7.0.97-2016
        assert mm(section.left_margin, section.right_margin) == (30, 15)
        assert mm(section.top_margin, section.bottom_margin) == (20, 20)
        instr = "".join(t.text for t in section.footer._element.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"                                        # the page number
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    assert 1.0 <= normal.paragraph_format.line_spacing <= 1.5
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None   # repeated on every page
        sizes = {r.font.size.pt for row in table.rows for c in row.cells for p in c.paragraphs for r in p.runs}
        assert sizes == {12}
    text = all_text(document)
    assert "ДЕМОНСТРАЦИОННЫЕ ДАННЫЕ" in " ".join(p.text for p in document.paragraphs[:6])   # on the first page
    assert not re.search(r"\b(nan|None|NaT|<NA>)\b", text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)                          # dates are ДД.ММ.ГГГГ
    assert "Тестов Т. Т." in text


def test_charts_are_inline_pictures_no_wider_than_the_text(demo_report):
    data, *_ = demo_report
    document = open_docx(data)
    shapes = document.inline_shapes
    assert len(shapes) == 3                      # roadmap statuses, coverage by organization, events
    for shape in shapes:
        assert shape.width <= Mm(165) + 1
        assert shape.height <= Mm(297 - 40)


def test_building_says_each_step_and_is_audited(demo_report):
    _, conn, _, steps = demo_report
    assert steps[0] == "Собираю показатели из хранилища…" and len(steps) >= 4
    log = accounts.audit_log(conn, login="test")
    assert any(a == "export" and "аналитическая справка (docx) 2026" in (d or "")
               for a, d in zip(log["action"], log["detail"], strict=True))


def test_printed_by_libreoffice_the_pages_are_a4_and_no_chart_overlaps_another(demo_report, soffice, tmp_path):
    data, *_ = demo_report
    path = tmp_path / "spravka.docx"
    path.write_bytes(data)
    pdf = soffice(path, "docx-pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 8 <= pages <= 30, pages
    # the page boxes and the images on them, as LibreOffice placed them (pdftohtml, 1.5 px per point)
    xml = subprocess.run(["pdftohtml", "-xml", "-stdout", "-q", "-zoom", "1", str(pdf)], capture_output=True,
                         text=True, check=True, cwd=tmp_path).stdout
    root = ET.fromstring(xml)
    boxes = []
    for page in root.iter("page"):
        width, height = float(page.get("width")), float(page.get("height"))
        left, right = 30 / 25.4 * 72, width - 15 / 25.4 * 72        # margins in points
        top, bottom = 20 / 25.4 * 72, height - 20 / 25.4 * 72
        on_page = []
        for image in page.iter("image"):
            x, y = float(image.get("left")), float(image.get("top"))
            w, h = float(image.get("width")), float(image.get("height"))
            assert left - 1 <= x and x + w <= right + 1, ("past a side margin", page.get("number"), x, w)
            assert top - 1 <= y and y + h <= bottom + 1, ("past the top or bottom margin", page.get("number"))
            for (x2, y2, w2, h2) in on_page:
                assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y, "two charts overlap"
            on_page.append((x, y, w, h))
        boxes += on_page
    assert len(boxes) == 3


# ---------------------------------------------------------------------------------------------
# Conclusions on hand-made cases


MENTORS = next(i for i in INDICATORS if i.key == "mentors")
COVERAGE = next(i for i in INDICATORS if i.key == "young_coverage_pct")
OVERDUE = next(i for i in INDICATORS if i.key == "items_overdue")


def test_a_figure_that_rose():
    assert rules.change_sentence(MENTORS, 135, 120, 2026) == (
        "Число наставников выросло с 120 в 2025 году до 135 в 2026 году (+15): положительная динамика.")


def test_a_figure_that_fell():
    assert rules.change_sentence(COVERAGE, 65.0, 80.0, 2026) == (
        "Охват молодых педагогов наставничеством снизился с 80,0 % в 2025 году до 65,0 % в 2026 году "
        "(−15,0 п. п.): отрицательная динамика.")
    # fewer overdue items is good news
    assert rules.change_sentence(OVERDUE, 3, 7, 2026).endswith("(−4): положительная динамика.")


def test_a_figure_unchanged_or_without_last_year():
    assert rules.change_sentence(MENTORS, 1258, 1258, 2026) == (
        "Число наставников не изменилось по сравнению с 2025 годом: 1 258.")
    assert rules.change_sentence(MENTORS, 12, None, 2026) == (
        "Число наставников: 12; за 2025 год нет данных для сравнения.")
    assert rules.change_sentence(MENTORS, None, 12, 2026) is None       # nothing to say, not «0»
    assert rules.change_sentence(Indicator("x", "X"), 1, 2, 2026) is None   # no subject, no sentence


def test_participial_subjects_are_closed_with_a_comma():
    orgs = next(i for i in INDICATORS if i.key == "roadmap_reported")
    assert rules.change_sentence(orgs, 25, 26, 2026).startswith(
        "Число организаций, представивших отчёт по дорожной карте, снизилось с 26")


def test_coverage_against_the_goal_and_the_benchmark():
    assert rules.coverage_sentence(50.0, 6, 3) == (
        "Охват молодых педагогов наставничеством составил 50,0 %: ниже федерального ориентира 70 % и цели "
        "100 % — молодых педагогов без наставника: 3 из 6.")
    assert rules.coverage_sentence(75.0, 4, 3) == (
        "Охват молодых педагогов наставничеством составил 75,0 %: выше федерального ориентира 70 %, но цель "
        "100 % не достигнута — молодых педагогов без наставника: 1 из 4.")
    assert rules.coverage_sentence(100.0, 4, 4).endswith("цель дорожной карты (наставник у каждого молодого "
                                                         "педагога) достигнута.")
    assert "определить нельзя" in rules.coverage_sentence(None, None, None)


def test_the_mentor_base_late_missing_and_not_yet_due():
    import pandas as pd

    states = pd.DataFrame({"short_name": ["Альфа", "Бета", "Гамма", "Дельта"],
                           "mentors_first_loaded_at": [pd.Timestamp("2025-10-20 10:00"),
                                                       pd.Timestamp("2025-11-05 10:00"), None, None],
                           "mentor_base_state": ["в срок", "с опозданием", "нет файла", "ожидается"]})
    due = date(2025, 10, 31)
    base = rules.mentor_base(states, due)
    assert base == MentorBase(due, on_time=["Альфа"], late=[("Бета", pd.Timestamp("2025-11-05 10:00"))],
                              missing=["Гамма"], pending=["Дельта"])
    assert rules.mentor_base_sentence(base) == (
        "Единую базу наставников (пункт 4) к сроку 31.10.2025 представили 1 из 4 организаций; позже срока — 1; "
        "не представили — 1; срок ещё не наступил для 1.")


def test_names_are_listed_then_counted():
    assert rules.names_text(["А"]) == "А"
    assert rules.names_text(["А", "Б", "В"]) == "А, Б и В"
    many = rules.names_text([f"ОО {i}" for i in range(20)])
    assert many.endswith("ОО 14 и ещё 5 организаций")


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    """test_views' city with test_marts' second year (2026), answers computed by hand (see those modules)."""
    c = hand_made_city(tmp_path_factory.mktemp("report") / "w.duckdb")
    yield c
    c.close()


def test_the_hand_made_city_rose_fell_and_is_below_the_benchmark(hand_made):
    data = report.build(hand_made, report.resolve_scope(hand_made), 2026, AS_OF)
    document = open_docx(data)
    conclusions = [p.text for p in document.paragraphs if re.match(r"\d+\. ", p.text)]
    # coverage: 2025 the school alone, 1 of 2 young teachers; 2026 school 2 of 3 and kindergarten 1 of 1
    assert ("Охват молодых педагогов наставничеством вырос с 50,0 % в 2025 году до 75,0 % в 2026 году "
            "(+25,0 п. п.): положительная динамика.") in " ".join(conclusions)
    # teachers who mentor (teachers of the staff file named by a mentor): 3 of 8 in 2025, 3 of 9 in 2026
    assert "Доля педагогов-наставников снизилась с 37,5 % в 2025 году до 33,3 % в 2026 году" in " ".join(conclusions)
    assert "Число наставников не изменилось по сравнению с 2025 годом: 4." in " ".join(conclusions)
    # the school's 66,7 % is below the benchmark; it and only it is told to assign mentors
    assert "Охват ниже 70 % — в 1 организации из 2, представивших сведения: Школа (66,7 %)." in " ".join(conclusions)
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Школа — охват 66,7 %, без наставника 1 из 3" in bullets
    # item 8 applies in 2026, its due date 31.10 has passed and the school reported it «в работе»
    assert "Школа — пункт 8" in bullets
    # the organization that sent nothing is named, and missing figures are «нет данных», never 0
    text = all_text(document)
    assert "Не представили сведений: Молчун и УО." in text
    appendix = {r[0]: r for r in table_rows(caption_table(document, "Таблица П.1"))}
    assert appendix["Молчун"][1:] == ["0 из 6", *[russian.NO_DATA] * 10]   # no roadmap file: not even «без отчёта»


def test_a_year_before_the_first_reporting_year_is_not_compared_with_zero(hand_made):
    document = open_docx(report.build(hand_made, report.resolve_scope(hand_made), 2025, AS_OF))
    rows = table_rows(caption_table(document, "Таблица 1"))
    assert {r[1] for r in rows[1:]} == {russian.NO_DATA}      # 2024: no data at all
    assert {r[3] for r in rows[1:]} == {russian.NO_DATA}
    assert "Сравнение с 2024 годом не проводится" in all_text(document)
    assert "ДЕМОНСТРАЦИОННЫЕ" not in all_text(document)        # not a demo warehouse


def test_a_type_of_organization_narrows_the_report(hand_made):
    scope = report.resolve_scope(hand_made, org_type="дошкольная")
    assert scope.codes == ("DS", "EMPTY")
    document = open_docx(report.build(hand_made, scope, 2026, AS_OF))
    assert "Тип организаций: дошкольная" in all_text(document)
    names = [r[0] for r in table_rows(caption_table(document, "Таблица П.1"))[1:]]
    assert names == ["Дошкольные организации", "Детсад", "Молчун"]


# ---------------------------------------------------------------------------------------------
# The command line


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warehouse", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, check=False)


@pytest.mark.slow
def test_the_command_line_writes_the_report_and_logs_it(warehouse_path, tmp_path):
    out = tmp_path / "spravka.docx"
    done = run_cli("report", "--year", "2025", "--db", str(warehouse_path), "--org-type", "школа", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "Справка записана" in done.stdout and "организаций: 1" in done.stdout
    document = open_docx(out.read_bytes())
    assert document.paragraphs[1].text == report.title(report.ReportScope(()), 2025)
    conn = db.connect(warehouse_path)
    try:
        log = accounts.audit_log(conn)
        assert "аналитическая справка (docx) 2025: общеобразовательная, организаций: 1" in list(log["detail"])
        assert registry.org_codes(conn) == {"СОШ1", "ДС2", "УО"}
    finally:
        conn.close()


@pytest.mark.slow
def test_the_command_line_refuses_a_year_or_a_type_it_does_not_know(warehouse_path, tmp_path):
    out = tmp_path / "x.docx"
    done = run_cli("report", "--year", "2031", "--db", str(warehouse_path), "-o", str(out))
    assert done.returncode == 2 and "вне отчётного периода" in done.stderr
    done = run_cli("report", "--year", "2025", "--db", str(warehouse_path), "--org-type", "гимназия", "-o", str(out))
    assert done.returncode == 2 and "ни одна организация" in done.stderr
    assert not out.exists()


# ---------------------------------------------------------------------------------------------
# The «Выгрузки» page


def exports_page(demo_db, monkeypatch, login: str, password: str):
    from streamlit.testing.v1 import AppTest

    from tests.apptest_login import fresh_caches, log_in, open_page

    monkeypatch.setenv(db.ENV_DB, str(demo_db))
    fresh_caches()
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
    at.run()
    log_in(at, login, password)
    at = open_page(at, "exports")
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_department_makes_the_report_on_the_exports_page(demo_report, demo_db, monkeypatch):
    from tests.apptest_login import reader

    at = exports_page(demo_db, monkeypatch, "head", "demo-head-2025")
    assert "Аналитическая справка по итогам мониторинга (пункт 7)" in [h.value for h in at.subheader]
    assert not [b for b in at.get("download_button") if b.label == "Скачать справку (DOCX)"]
    at.button(key="report_build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    status, = at.get("status")                   # the build's progress, step by step
    assert status.label == "Справка составлена"
    assert [m.value for m in status.markdown][0] == "Собираю показатели из хранилища…"
    assert [b for b in at.get("download_button") if b.label == "Скачать справку (DOCX)"]
    with reader(demo_db) as cur:
        log = accounts.audit_log(cur, login="head")
    assert any(a == "export" and d.startswith("аналитическая справка (docx)")
               for a, d in zip(log["action"], log["detail"].fillna(""), strict=True))


def test_a_coordinator_is_not_offered_the_report(demo_report, demo_db, monkeypatch):
    at = exports_page(demo_db, monkeypatch, "sosh1", "demo-sosh1-2025")
    assert "report_build" not in [b.key for b in at.button]
    assert any("составляет Управление образования" in c.value for c in at.caption)


def test_a_report_of_too_many_organizations_is_refused_with_what_to_narrow(warehouse_path, tmp_path, monkeypatch,
                                                                           capsys):
    from warehouse.__main__ import main

    monkeypatch.setattr(report, "MAX_ORGS", 2)          # the registry of the tests holds 3
    out = tmp_path / "x.docx"
    assert main(["report", "--year", "2025", "--db", str(warehouse_path), "-o", str(out)]) == 2
    assert "не более чем по 2 организациям" in capsys.readouterr().err and not out.exists()
    assert main(["report", "--year", "2025", "--db", str(warehouse_path), "--org-type", "детский сад",
                 "-o", str(out)]) == 0
    assert out.exists()
