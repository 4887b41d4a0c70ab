"""AppTest of «Загрузка данных» (and restoring a version on «История загрузок») on a real demo warehouse.

Each test reads the warehouse before and after through the app's own connection, so that «nothing is
written before the confirmation» and «a refused file is logged once» are checked on the tables
themselves, not on what the page says.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from ingest import load
from tests.apptest_login import DEMO_PASSWORDS, ROOT, fresh_caches, log_in, open_page, reader, start
from tests.conftest import count_tables, csv_bytes
from warehouse import accounts, queries, snapshots
from warehouse.accounts import User

YEAR = 2025
SOSH1, DS01 = "СОШ1", "ДС01"
STAFF_HEADER = ["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Педагогический стаж",
                "Квалификационная категория", "Затруднения", "Новый сотрудник"]
PASSWORDS = DEMO_PASSWORDS


@pytest.fixture
def app(demo_db, monkeypatch):
    """``app(login, page="upload", year=YEAR)``: the app logged in as a demo account, on a page,
    with the sidebar year set (the upload page takes it as its default)."""
    fresh_caches()

    def run(login: str, page: str = "upload", year: int = YEAR) -> AppTest:
        at = start(demo_db, monkeypatch)
        log_in(at, login, PASSWORDS[login])
        at.selectbox(key="flt_year").select(year).run()
        open_page(at, page)
        assert not at.exception, [e.message for e in at.exception]
        return at

    yield run
    fresh_caches()


def yn(v) -> str:
    return "" if v is None or v != v else ("да" if v else "нет")


def current_staff_rows(demo_db, org: str = SOSH1, year: int = YEAR) -> list[list[object]]:
    """The current staff snapshot of an organization as the rows of a file (header first)."""
    with reader(demo_db) as cur:
        frame = cur.execute(
            "select teacher_id, position, age, years_in_org, teaching_years, qualification, has_difficulties, "
            "is_new from stg_staff where org_code = ? and year = ? order by row_no", [org, year]).df()
    rows: list[list[object]] = [STAFF_HEADER]
    for r in frame.itertuples(index=False):
        rows.append([r.teacher_id, r.position, int(r.age), int(r.years_in_org),
                     "" if r.teaching_years != r.teaching_years else int(r.teaching_years),
                     r.qualification if isinstance(r.qualification, str) else "", yn(r.has_difficulties),
                     yn(r.is_new)])
    return rows


def roadmap_file(tag: str) -> bytes:
    rows = [["Пункт", "Статус", "Дата выполнения", "Ссылка на результат", "Комментарий"]]
    rows += [[i, "в работе", "", "", f"{tag}, пункт {i}"] for i in range(1, 12)]
    return csv_bytes(rows, encoding="cp1251")


def choose(at: AppTest, dataset: str) -> AppTest:
    return at.selectbox(key="upload_dataset").select(dataset).run()


def upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def audit_actions(demo_db, login: str, action: str) -> list[tuple]:
    with reader(demo_db) as cur:
        return cur.execute("select org_code, detail from audit_log where login = ? and action = ? order by audit_id",
                           [login, action]).fetchall()


def outcomes(demo_db) -> list[str]:
    with reader(demo_db) as cur:
        return [r[0] for r in cur.execute("select outcome from uploads order by upload_id").fetchall()]


def test_coordinator_uploads_staff_preview_then_confirm(app, demo_db):
    rows = current_staff_rows(demo_db)
    n_before = len(rows) - 1
    rows.append(["Т-НОВЫЙ-1", "учитель физики", 24, 1, 1, "без категории", "нет", "да"])   # a young teacher
    data = csv_bytes(rows, encoding="cp1251")
    with reader(demo_db) as cur:
        counts = count_tables(cur)
        snap = snapshots.current(cur, "staff", SOSH1, YEAR)
        kpi = queries.org_kpi(cur, {SOSH1}, YEAR).iloc[0]
    uploads_by_sosh1 = len(audit_actions(demo_db, "sosh1", "upload"))

    # The young-teachers page shows the figure before the upload (and caches it).
    young = app("sosh1", page="young_teachers")
    shown_before = metrics(young)["Молодых педагогов"]
    assert shown_before == str(int(kpi.young_teachers))

    at = app("sosh1")
    assert at.text_input(key="upload_org_fixed").value.endswith(f"({SOSH1})")      # shown, not chosen
    assert "Организации (реестр)" not in at.selectbox(key="upload_dataset").options
    assert at.selectbox(key=f"upload_year_{YEAR}").value == YEAR                    # the sidebar's year
    choose(at, "staff")
    assert {b.label for b in at.get("download_button")} >= {"Шаблон Excel (XLSX)", "Шаблон CSV"}
    upload(at, "Педагоги СОШ1.csv", data)

    found = texts(at.markdown)
    assert "Windows-1251" in found and "точка с запятой" in found and "Строка заголовка:** 1" in found
    assert f"Строк с данными:** {n_before + 1}" in found
    shown = metrics(at)
    assert shown == {"Новых строк": "1", "Изменённых": "0", "Удалённых": "0", "Без изменений": str(n_before)}
    assert f"заменит версию {snap.version}" in texts(at.caption)
    assert not at.error
    with reader(demo_db) as cur:                                   # the preview wrote nothing
        assert count_tables(cur) == counts
        assert snapshots.current(cur, "staff", SOSH1, YEAR) == snap

    at.button(key="upload_confirm").click().run()
    assert not at.exception
    assert f"версия {snap.version + 1}" in texts(at.success)
    assert at.file_uploader[0].value is None                        # a fresh uploader
    assert "upload_prepared" not in at.session_state
    with reader(demo_db) as cur:
        new = snapshots.current(cur, "staff", SOSH1, YEAR)
        after = count_tables(cur)
        kpi_after = queries.org_kpi(cur, {SOSH1}, YEAR).iloc[0]
    assert new.version == snap.version + 1 and new.uploaded_by == "sosh1" and new.rows == n_before + 1
    assert after["raw_staff"] == counts["raw_staff"] + n_before + 1 and after["uploads"] == counts["uploads"] + 1
    assert kpi_after.young_teachers == kpi.young_teachers + 1
    assert kpi_after.teachers == kpi.teachers + 1
    logged = audit_actions(demo_db, "sosh1", "upload")
    assert len(logged) == uploads_by_sosh1 + 1
    assert logged[-1][0] == SOSH1 and "staff СОШ1 2025" in logged[-1][1] and f"версия {new.version}" in logged[-1][1]

    # The figure on the page follows at once (the caches are keyed by the data version).
    open_page(at, "young_teachers")
    assert metrics(at)["Молодых педагогов"] == str(int(kpi.young_teachers) + 1)


def test_broken_file_shows_every_error_and_is_logged_once(app, demo_db):
    rows = current_staff_rows(demo_db)[:6]
    rows[2][2] = "сорок"                 # «Возраст» on spreadsheet row 3
    rows[4][2] = 150                     # and out of range on row 5
    rows[5][0] = rows[1][0]              # a duplicate «ID педагога» on row 6 (first on row 2)
    data = csv_bytes(rows, encoding="cp1251")
    with reader(demo_db) as cur:
        counts = count_tables(cur)
    rejected_before = len(audit_actions(demo_db, "sosh1", "upload_rejected"))

    at = app("sosh1")
    choose(at, "staff")
    upload(at, "staff_broken.csv", data)
    assert "Файл не принят" in texts(at.error) and "Хранилище не изменено" in texts(at.error)
    groups = [e.label for e in at.expander]
    assert any("«Возраст»" in g for g in groups), groups
    assert any("«ID педагога»" in g for g in groups), groups
    rows_shown = set()
    for frame in (d.value for d in at.dataframe if "row_no" in d.value.columns):
        rows_shown |= set(frame["row_no"].dropna().astype(int))
    assert {3, 5, 6} <= rows_shown
    assert not at.metric and "upload_confirm" not in [b.key for b in at.button]     # nothing to confirm

    # The full report, as served by the two download buttons.
    labels = {b.label for b in at.get("download_button")}
    assert {"Отчёт об ошибках (Excel)", "Отчёт об ошибках (CSV)"} <= labels
    kept = at.session_state["upload_prepared"]
    sheet = openpyxl.load_workbook(io.BytesIO(kept["report_xlsx"])).active
    cells = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    assert cells[0] == ["Вид", "Проблема", "Строка", "Столбец", "Найдено", "Ожидалось"]
    by_row = {(r[2], r[3]): r for r in cells[1:]}
    assert by_row[(3, "Возраст")][4] == "сорок" and by_row[(5, "Возраст")][4] == "150"
    assert (6, "ID педагога") in by_row
    text = kept["report_csv"].decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Вид;Проблема;Строка;Столбец;Найдено;Ожидалось" and len(lines) == len(cells)
    assert any(line.startswith("Ошибка;") and ";3;Возраст;сорок;" in line for line in lines)

    # Reruns (any click) do not log it again.
    at.run()
    at.run()
    with reader(demo_db) as cur:
        after = count_tables(cur)
        last = cur.execute("select outcome, error_count, file_name, uploaded_by from uploads "
                           "order by upload_id desc limit 1").fetchone()
    assert {k: v for k, v in after.items() if k not in ("uploads", "upload_issues")} == \
        {k: v for k, v in counts.items() if k not in ("uploads", "upload_issues")}
    assert after["uploads"] == counts["uploads"] + 1
    assert after["upload_issues"] > counts["upload_issues"]
    assert last == ("rejected", kept["prepared"].report.error_count, "staff_broken.csv", "sosh1")
    assert len(audit_actions(demo_db, "sosh1", "upload_rejected")) == rejected_before + 1

    # Downloading the report is an export: audited.
    at.get("download_button")[[b.label for b in at.get("download_button")].index("Отчёт об ошибках (CSV)")] \
        .click().run()
    assert any("отчёт о проверке (csv)" in d for _, d in audit_actions(demo_db, "sosh1", "export"))
    with reader(demo_db) as cur:
        assert count_tables(cur)["uploads"] == counts["uploads"] + 1


def test_file_over_ten_megabytes_is_refused_in_russian(app, demo_db):
    header = ";".join(STAFF_HEADER).encode("cp1251") + b"\r\n"
    line = "П-0000001;учитель;40;10;12;первая;нет;нет\r\n".encode("cp1251")
    data = header + line * (load.APP_MAX_BYTES // len(line) + 10)
    assert len(data) > load.APP_MAX_BYTES
    with reader(demo_db) as cur:
        counts = count_tables(cur)
    at = app("sosh1")
    choose(at, "staff")
    upload(at, "огромный.csv", data)
    message = texts(at.error)
    assert "слишком большой" in message and "10 МБ" in message
    assert "upload_confirm" not in [b.key for b in at.button]
    with reader(demo_db) as cur:
        after = count_tables(cur)
    assert after["raw_staff"] == counts["raw_staff"] and after["snapshots"] == counts["snapshots"]
    assert after["uploads"] == counts["uploads"] + 1 and outcomes(demo_db)[-1] == "rejected"


def test_same_file_twice_changes_nothing(app, demo_db):
    data = roadmap_file("дважды")
    at = app("sosh1")
    choose(at, "roadmap")
    upload(at, "roadmap.csv", data)
    at.button(key="upload_confirm").click().run()
    with reader(demo_db) as cur:
        snap = snapshots.current(cur, "roadmap", SOSH1, YEAR)
        counts = count_tables(cur)
    assert snap.file_name == "roadmap.csv"

    upload(at, "roadmap (копия).csv", data)
    assert "уже загружен" in texts(at.info) and f"версия {snap.version}" in texts(at.info)
    assert "upload_confirm" not in [b.key for b in at.button] and not at.error
    at.run()
    with reader(demo_db) as cur:
        after = count_tables(cur)
        assert snapshots.current(cur, "roadmap", SOSH1, YEAR) == snap
    assert {k: after[k] for k in after if k.startswith("raw_") or k == "snapshots"} == \
        {k: counts[k] for k in counts if k.startswith("raw_") or k == "snapshots"}
    assert after["uploads"] == counts["uploads"] + 1 and outcomes(demo_db)[-1] == "unchanged"   # logged once


def test_coordinator_cannot_upload_for_another_organization(app, demo_db):
    with reader(demo_db) as cur:
        theirs = snapshots.current(cur, "roadmap", DS01, YEAR)
    at = app("sosh1")
    at.session_state["upload_org"] = DS01          # whatever the widget state says
    at.run()
    choose(at, "roadmap")
    upload(at, "roadmap.csv", roadmap_file("чужая организация?"))
    assert f"({SOSH1})" in at.file_uploader[0].label and DS01 not in at.file_uploader[0].label
    at.button(key="upload_confirm").click().run()
    with reader(demo_db) as cur:
        assert snapshots.current(cur, "roadmap", DS01, YEAR) == theirs
        mine = snapshots.current(cur, "roadmap", SOSH1, YEAR)
    assert mine.uploaded_by == "sosh1" and mine.file_name == "roadmap.csv"


def test_admin_uploads_for_another_organization(app, demo_db):
    with reader(demo_db) as cur:
        before = snapshots.current(cur, "roadmap", DS01, YEAR)
    at = app("admin")
    assert "Организации (реестр)" in at.selectbox(key="upload_dataset").options
    choose(at, "roadmap")
    at.selectbox(key="upload_org").select(DS01).run()
    upload(at, "дк ДС01.csv", roadmap_file("администратор за ДС01"))
    assert metrics(at)["Изменённых"] == "11"
    at.button(key="upload_confirm").click().run()
    assert "ДС01" in texts(at.success)
    with reader(demo_db) as cur:
        after = snapshots.current(cur, "roadmap", DS01, YEAR)
        comments = {r[0] for r in cur.execute("select comment from stg_roadmap where org_code = ? and year = ?",
                                              [DS01, YEAR]).fetchall()}
    assert after.version == before.version + 1 and after.uploaded_by == "admin"
    assert comments == {f"администратор за ДС01, пункт {i}" for i in range(1, 12)}
    assert audit_actions(demo_db, "admin", "upload")[-1][0] == DS01


def test_admin_uploads_the_registry(app, demo_db):
    with reader(demo_db) as cur:
        registry_now = cur.execute("select org_code, full_name, short_name, org_type, municipality, inn, website "
                                   "from organizations order by org_code").fetchall()
        before = snapshots.current(cur, "organizations", snapshots.REGISTRY_ORG, snapshots.REGISTRY_YEAR)
    rows = [["Код ОО", "Полное наименование", "Краткое наименование", "Тип ОО", "Муниципалитет", "ИНН", "Сайт"],
            *map(list, registry_now)]
    rows[1][2] = rows[1][2] + " (переименована)"
    at = app("admin")
    choose(at, "organizations")
    assert at.text_input(key="upload_org_registry").disabled
    assert not [s for s in at.selectbox if s.key and s.key.startswith("upload_year_")]   # no year either
    upload(at, "реестр.csv", csv_bytes(rows, encoding="cp1251"))
    assert metrics(at)["Изменённых"] == "1"
    at.button(key="upload_confirm").click().run()
    with reader(demo_db) as cur:
        assert snapshots.current(cur, "organizations", snapshots.REGISTRY_ORG,
                                 snapshots.REGISTRY_YEAR).version == before.version + 1


def test_head_never_gets_the_upload_page(app, demo_db, monkeypatch):
    at = app("head", page="overview")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page(at, "upload")
    # The page itself refuses too, if it were ever reached.
    page = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=30)
    page.session_state["user"] = User("head", "Руководитель", accounts.HEAD, None)
    page.run()
    assert "Загружать файлы могут" in texts(page.error) and not page.file_uploader


def test_admin_restores_an_earlier_version_on_history(app, demo_db):
    with reader(demo_db) as cur:
        for tag in ("история 1", "история 2"):
            result = load.load_file(cur, roadmap_file(tag), f"{tag}.csv", "roadmap", "СОШ3", YEAR, user="test")
            assert result.outcome == "loaded"
        current = snapshots.current(cur, "roadmap", "СОШ3", YEAR)
        versions = snapshots.versions(cur, "roadmap", "СОШ3", YEAR)
    earlier = int(versions["version"].min())
    assert current.version > earlier
    at = app("admin", page="history")
    # The snapshot is chosen by its key (organization, dataset, year), shown with the organization's name.
    at.selectbox(key="restore_target").select(("СОШ3", "roadmap", YEAR)).run()
    assert at.selectbox(key="restore_target").value == ("СОШ3", "roadmap", YEAR)
    version = next(s for s in at.selectbox if s.label == "Версия")
    version.select(earlier).run()
    at.button(key="restore_go").click().run()               # opens the confirmation dialog, changes nothing
    assert not at.exception
    said = " ".join(m.value for m in at.markdown)
    assert "Станет текущей: версия " in said and "Сейчас действует версия " in said
    with reader(demo_db) as cur:
        assert snapshots.current(cur, "roadmap", "СОШ3", YEAR).upload_id == current.upload_id
    # «Восстановить» in the dialog reruns only the dialog (a fragment), which AppTest does not drive: the
    # restore itself is proven in the browser (tests/browser/test_everyday.py) and by the service's tests.


def test_a_preview_overtaken_by_another_upload_is_checked_again(app, demo_db):
    """Session A previews; session B loads the same target meanwhile; A's click must not write blindly."""
    at = app("sosh1")
    choose(at, "roadmap")
    upload(at, "мой.csv", roadmap_file("сессия A"))
    assert "upload_confirm" in [b.key for b in at.button]
    with reader(demo_db) as cur:
        other = load.load_file(cur, roadmap_file("сессия B"), "другой.csv", "roadmap", SOSH1, YEAR, user="admin")
        counts = count_tables(cur)
    at.button(key="upload_confirm").click().run()
    assert "изменили" in texts(at.warning)                            # checked again, not written
    assert f"заменит версию {other.version}" in texts(at.caption)
    with reader(demo_db) as cur:
        assert count_tables(cur) == counts
        assert snapshots.current(cur, "roadmap", SOSH1, YEAR).file_name == "другой.csv"
    at.button(key="upload_confirm").click().run()                    # now it replaces what is there
    with reader(demo_db) as cur:
        snap = snapshots.current(cur, "roadmap", SOSH1, YEAR)
    assert snap.file_name == "мой.csv" and snap.version == other.version + 1
