"""The yearly workbook «Отчёт ОО за ГГГГ год» (issue 12): its sheets per type of organization, what it
is filled with (current data, the previous year's as a start, nothing), reading it whole (cross-sheet
references, all or nothing, missing and header-only sheets), the download-edit-upload loop,
removals that need an explicit confirmation, and the command line.

Everything goes through the real service (``ingest.service``) and a real DuckDB file (``warehouse``).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import datetime

import openpyxl
import pytest

from ingest import load, service, workbook
from ingest.errors import PermissionDenied, RemovalNotConfirmed
from tests.conftest import DATA_TABLES, DEPARTMENT, KINDERGARTEN, SCHOOL, YEAR
from warehouse import db, snapshots
from warehouse.accounts import ADMIN, COORDINATOR, HEAD, User

COORDINATOR_SOSH1 = User("sosh1", "Ответственный СОШ1", COORDINATOR, SCHOOL)
HEAD_USER = User("head", "Руководитель", HEAD, None)
ADMIN_USER = User("admin", "Администратор", ADMIN, None)
PAGE = "Загрузка данных"

STAFF = ["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Педагогический стаж", "Квалификационная категория",
         "Затруднения", "Новый сотрудник"]
MENTORS = ["ID наставника", "ФИО", "Тип наставника", "ID педагога", "Наставляет", "Прошёл обучение"]
PAIRS = ["ID пары", "ID наставника", "Тип наставляемого", "ID наставляемого", "Категория наставляемого",
         "Форма наставничества", "ППН", "Дата начала", "Дата окончания", "Статус"]
PARTNERS = ["Наименование", "Тип партнёра", "Наставников от партнёра"]
EVENTS = ["Дата", "Название", "Уровень", "Вид", "Роль", "Участников"]
STUDENTS = ["Обучающихся всего", "В возрасте 10–18 лет", "Наставляемых обучающихся", "Обучающихся-наставников"]
ROADMAP = ["Пункт", "Статус", "Дата выполнения", "Ссылка на результат"]


def staff_rows(n: int = 10) -> list[list]:
    return [[f"П-{i:03d}", "учитель", 24 + i, 1 + i % 3, 2 + i % 3, "первая", "да" if i == 4 else "нет", "нет"]
            for i in range(1, n + 1)]


def school_files() -> dict[str, list[list]]:
    """A school's year: 10 teachers, 3 mentors, 4 pairs (one finished), 2 partners, 3 events, totals."""
    return {
        "roadmap": [ROADMAP] + [[i, "выполнено" if i in (1, 2) else "в работе", "14.03.2025" if i in (1, 2) else "",
                                 "https://school1.example.ru/r" if i in (1, 2) else ""] for i in range(1, 12)],
        "staff": [STAFF, *staff_rows()],
        "mentors": [MENTORS, ["Н-01", "Иванова Мария Петровна", "педагог", "П-008", "педагогов", "да"],
                    ["Н-02", "Петров Пётр Петрович", "педагог", "П-009", "педагогов", "нет"],
                    ["Н-03", "Сидорова Анна", "студент", "", "обучающихся", "да"]],
        "mentorships": [PAIRS,
                        ["ПАРА-1", "Н-01", "педагог", "П-001", "молодой специалист", "учитель – учитель", "да",
                         "01.09.2025", "31.05.2026", "в работе"],
                        ["ПАРА-2", "Н-01", "педагог", "П-002", "молодой специалист", "учитель – учитель", "да",
                         "01.09.2025", "", "планируется"],
                        ["ПАРА-3", "Н-02", "педагог", "П-004", "педагог с профессиональными затруднениями",
                         "традиционная", "да", "10.01.2025", "30.06.2025", "завершена"],
                        ["ПАРА-4", "Н-03", "обучающийся", "", "обучающийся", "студент – ученик", "нет",
                         "01.10.2025", "", "в работе"]],
        "partners": [PARTNERS, ["Когалымский политехнический колледж", "колледж (СПО)", 2],
                     ["Городская библиотека", "учреждение культуры", 0]],
        "events": [EVENTS, ["15.10.2025", "Городской семинар наставников", "муниципальный",
                            "для наставников и наставляемых", "участник", 12],
                   ["20.11.2025", "Школа молодого педагога", "ОО", "для педагогов с затруднениями", "организатор", 8],
                   ["05.12.2025", "Региональный форум практик", "региональный", "представление практики",
                    "участник", 3]],
        "students": [STUDENTS, [851, 520, 60, 15]],
    }


@pytest.fixture
def school(warehouse, load_bytes, make_csv):
    """The school's 2025 data loaded file by file, in the order the references need."""
    for name, rows in school_files().items():
        result = load_bytes(name, make_csv(rows))
        assert result.outcome == "loaded", load.summary(result)
    return warehouse


def book_of(sheets: dict[str, list[list]], *, first: str | None = "Инструкция") -> bytes:
    """A workbook made by hand (as a coordinator's Excel would): a sheet per title, rows as given."""
    wb = openpyxl.Workbook()
    ws = wb.active
    if first:
        ws.title = first
        ws["A1"] = "Заполните листы"
    for n, (title, rows) in enumerate(sheets.items()):
        sheet = wb.create_sheet(title) if first or n else ws
        sheet.title = title
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def column(ws, title: str) -> int:
    """The column number of a header in a sheet of the book."""
    return next(c.column for c in ws[1] if c.value == title)


def opened(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def saved(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def preview(conn, data: bytes, user: User = COORDINATOR_SOSH1, name: str = "отчёт.xlsx", org: str = SCHOOL,
            year: int = YEAR) -> workbook.Book:
    return service.preview_workbook(conn, user, data, name, org, year, page=PAGE)


def versions(conn, org: str = SCHOOL, year: int = YEAR) -> dict[str, int]:
    return {ds: snap.version for ds in ("roadmap", "staff", "mentors", "mentorships", "partners", "events",
                                         "students") if (snap := snapshots.current(conn, ds, org, year))}


def data_counts(conn) -> dict[str, int]:
    return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in DATA_TABLES}


def sheet(book: workbook.Book, title: str) -> load.Prepared:
    return next(p for p in book.sheets if p.sheet == title)


# ---------------------------------------------------------------------------------------------
# Writing: the sheets of each type, validations, the roadmap, dates, print set-up


@pytest.mark.parametrize(("org", "titles"), [
    (SCHOOL, ["Дорожная карта", "Педагоги", "Наставники", "Наставнические пары", "Партнёры", "Мероприятия",
              "Обучающиеся"]),
    (KINDERGARTEN, ["Дорожная карта", "Педагоги", "Наставники", "Наставнические пары", "Партнёры", "Мероприятия"]),
    (DEPARTMENT, ["Дорожная карта", "Мероприятия"]),
], ids=["school-7", "kindergarten-6", "department-2"])
def test_empty_workbook_has_the_sheets_its_type_owes(warehouse, org, titles):
    data, start = workbook.write(warehouse, org, YEAR)
    wb = opened(data)
    assert start.source == workbook.EMPTY
    assert wb.sheetnames == ["Инструкция", *titles]
    assert wb["Инструкция"]["A1"].value == "Отчёт ОО за 2025 год"
    roadmap = wb["Дорожная карта"]
    assert [c.value for c in roadmap[1]][:3] == ["Пункт", "Наименование пункта", "Статус"]
    assert [roadmap.cell(r, 1).value for r in range(2, 13)] == list(range(1, 12))
    assert roadmap.cell(2, 2).value.startswith("Информирование образовательных организаций")
    # Item 8 (the contest) is not held in 2025; items 3 and 10 are the organizations' alone.
    statuses = {roadmap.cell(r, 1).value: roadmap.cell(r, 3).value for r in range(2, 13)}
    assert statuses[8] == "не требуется" and statuses[1] == "не начато"
    assert statuses[3] == ("не требуется" if org == DEPARTMENT else "не начато")
    for title in titles:
        ws = wb[title]
        # One page wide (Excel's default width of 1 is left implicit), as many pages tall as it takes.
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
        assert ws.freeze_panes == "A2"
        if title != "Дорожная карта":
            assert ws.max_row == 1                            # the header only: no example row to forget


def validations(ws) -> dict[str, tuple]:
    """Header title -> (type, formula1, formula2) of the validation on its column."""
    head = {c.column_letter: c.value for c in ws[1]}
    found = {}
    for dv in ws.data_validations.dataValidation:
        letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
        found[head[letter]] = (dv.type, dv.formula1, dv.formula2)
    return found


def test_closed_lists_yes_no_numbers_and_dates_are_validated_in_excel_terms(warehouse):
    wb = opened(workbook.write(warehouse, SCHOOL, YEAR)[0])
    roadmap, staff, pairs = validations(wb["Дорожная карта"]), validations(wb["Педагоги"]), \
        validations(wb["Наставнические пары"])
    assert roadmap["Статус"] == ("list", '"не начато,в работе,выполнено,не требуется"', None)
    assert roadmap["Пункт"] == ("whole", "1", "11")
    # A date of the year: between 01.01.2025 and 31.12.2025 as Excel's serial numbers.
    assert roadmap["Дата выполнения"] == ("date", "45658", "46022")
    assert staff["Затруднения"] == ("list", '"да,нет"', None)
    assert staff["Возраст"] == ("whole", "18", "80")
    assert staff["Квалификационная категория"][0] == "list"
    assert pairs["Форма наставничества"][0] == "list" and pairs["Дата начала"][0] == "date"
    assert "Наименование пункта" not in roadmap


def test_current_data_fills_the_book_with_real_dates(school):
    data, start = workbook.write(school, SCHOOL, YEAR)
    assert start.source == workbook.CURRENT
    wb = opened(data)
    pairs = wb["Наставнические пары"]
    assert pairs.max_row == 5
    start_cell = pairs.cell(2, column(pairs, "Дата начала"))
    assert start_cell.value == datetime(2025, 9, 1) and start_cell.number_format == "DD.MM.YYYY"
    staff = wb["Педагоги"]
    assert [staff.cell(r, 1).value for r in range(2, 12)] == [f"П-{i:03d}" for i in range(1, 11)]
    assert staff.cell(5, column(staff, "Затруднения")).value == "да"
    assert wb["Дорожная карта"].cell(2, 3).value == "выполнено"


def test_only_the_organizations_own_rows(school, load_bytes, make_csv):
    load_bytes("staff", make_csv([STAFF, ["ЧУЖОЙ-1", "воспитатель", 40, 5, 10, "", "", ""]]), org=KINDERGARTEN)
    wb = opened(workbook.write(school, SCHOOL, YEAR)[0])
    ids = [wb["Педагоги"].cell(r, 1).value for r in range(2, wb["Педагоги"].max_row + 1)]
    assert "ЧУЖОЙ-1" not in ids and len(ids) == 10


def test_previous_year_is_the_starting_point(school):
    data, start = workbook.write(school, SCHOOL, YEAR + 1)
    assert start.source == workbook.PREVIOUS
    wb = opened(data)
    staff = wb["Педагоги"]
    assert [staff.cell(2, c).value for c in range(1, 5)] == ["П-001", "учитель", 26, 3]   # a year older
    assert staff.cell(2, column(staff, "Новый сотрудник")).value is None
    roadmap = wb["Дорожная карта"]
    assert {roadmap.cell(r, 3).value for r in range(2, 13)} == {"не начато"}               # 2026: item 8 applies
    assert all(roadmap.cell(r, 4).value is None for r in range(2, 13))
    pairs = [wb["Наставнические пары"].cell(r, 1).value for r in range(2, wb["Наставнические пары"].max_row + 1)]
    assert pairs == ["ПАРА-1", "ПАРА-2", "ПАРА-4"]                                          # the finished one stays
    assert wb["Мероприятия"].max_row == 1                                                  # events are the year's own
    assert wb["Партнёры"].max_row == 3 and wb["Обучающиеся"].cell(2, 1).value == 851
    # The start uploads as it is for the new year.
    book = preview(school, data, year=YEAR + 1)
    assert book.ok, workbook.summary(workbook.BookResult(book.verdict, book))
    result = service.confirm_workbook(school, COORDINATOR_SOSH1, book, page=PAGE)
    assert result.outcome == "loaded"
    assert versions(school, year=YEAR + 1) == dict.fromkeys(
        ("roadmap", "staff", "mentors", "mentorships", "partners", "events", "students"), 1)
    assert snapshots.current(school, "events", SCHOOL, YEAR + 1).rows == 0                 # «none» this year


# ---------------------------------------------------------------------------------------------
# Reading a book whole


def test_pairs_may_refer_to_mentors_added_in_the_same_book(warehouse, table_counts):
    files = school_files()
    data = book_of({"Наставнические пары": files["mentorships"], "Педагоги": files["staff"],
                    "наставники": files["mentors"]})                      # any order, any case
    # The pairs alone are refused: no mentors are in the warehouse yet.
    alone = service.preview(warehouse, COORDINATOR_SOSH1, data, "пары.xlsx", "mentorships", SCHOOL, YEAR,
                            max_bytes=load.APP_MAX_BYTES, page=PAGE)
    assert not alone.ok
    book = preview(warehouse, data)
    assert book.ok and book.verdict == "checked"
    assert [p.dataset.name for p in book.sheets] == ["staff", "mentors", "mentorships"]
    result = service.confirm_workbook(warehouse, COORDINATOR_SOSH1, book, page=PAGE)
    assert result.outcome == "loaded" and result.versions == {"staff": 1, "mentors": 1, "mentorships": 1}
    assert snapshots.current(warehouse, "mentorships", SCHOOL, YEAR).rows == 4
    audit = warehouse.execute("select action, detail from audit_log where action = 'upload' order by audit_id"
                              ).fetchall()
    assert [a for a, _ in audit] == ["upload"] * 3 and "лист «наставники»" in audit[1][1]


def test_an_error_in_one_sheet_refuses_the_whole_book_and_changes_nothing(school):
    files = school_files()
    staff = files["staff"] + [["П-011", "учитель", "сорок", 1, 1, "", "", ""]]
    partners = files["partners"] + [["Новый партнёр", "вуз", 1]]
    before, was = data_counts(school), versions(school)
    book = preview(school, book_of({"Педагоги": staff, "Партнёры": partners}))
    assert not book.ok and book.verdict == "rejected"
    # The report is grouped by sheet: the error is the staff sheet's, the partners sheet is clean.
    assert sheet(book, "Педагоги").report.error_count == 1 and sheet(book, "Партнёры").report.ok
    group = sheet(book, "Педагоги").report.sorted_groups()[0]
    assert (group.column, group.problem, group.rows) == ("Возраст", "Не целое число", [12])
    result = service.confirm_workbook(school, COORDINATOR_SOSH1, book, page=PAGE)
    assert result.outcome == "rejected"
    assert data_counts(school) == before and versions(school) == was
    logged = school.execute("select dataset, outcome, error_count, message from uploads where file_name = 'отчёт.xlsx' "
                            "order by upload_id").fetchall()
    assert [(d, o, n) for d, o, n, _ in logged] == [("staff", "rejected", 1), ("partners", "rejected", 0)]
    assert "ошибки на других листах" in logged[1][3]
    assert school.execute("select count(*) from audit_log where action = 'upload_rejected'").fetchone()[0] == 1


def test_a_missing_sheet_leaves_its_dataset_as_it_was(school):
    partners_before = snapshots.current(school, "partners", SCHOOL, YEAR)
    staff = school_files()["staff"] + [["П-011", "учитель", 23, 0, 0, "", "", "да"]]
    book = preview(school, book_of({"Педагоги": staff}))
    assert book.ok and [p.dataset.name for p in book.sheets] == ["staff"]
    assert any("Листа «Партнёры» нет" in n for n in book.notes)
    service.confirm_workbook(school, COORDINATOR_SOSH1, book, page=PAGE)
    assert snapshots.current(school, "partners", SCHOOL, YEAR) == partners_before
    assert versions(school)["staff"] == 2


def test_a_header_only_sheet_records_none_where_allowed(school):
    book = preview(school, book_of({"Партнёры": [PARTNERS], "Педагоги": [STAFF], "Лист1": [["что-то"]]}))
    assert book.ok and [p.dataset.name for p in book.sheets] == ["partners"]
    # Staff cannot be «none»: its empty sheet is not sent; an unknown sheet is noted and ignored.
    assert any("«Педагоги» пуст" in n for n in book.notes) and any("«Лист1»" in n for n in book.notes)
    partners = sheet(book, "Партнёры")
    assert partners.diff["removed"] == 2 and partners.removes_most
    with pytest.raises(RemovalNotConfirmed):
        service.confirm_workbook(school, COORDINATOR_SOSH1, book, page=PAGE)
    service.confirm_workbook(school, COORDINATOR_SOSH1, book, removals_confirmed=True, page=PAGE)
    now = snapshots.current(school, "partners", SCHOOL, YEAR)
    assert (now.version, now.rows) == (2, 0)
    assert versions(school)["staff"] == 1


def test_a_book_that_is_not_xlsx_or_has_no_dataset_sheet_is_refused(school):
    csv = preview(school, "ID педагога;Должность\r\n".encode())
    assert csv.error is not None and "книга Excel" in csv.error.message
    other = preview(school, book_of({"Лист1": [["a", "b"]]}, first=None))
    assert other.error is not None and "нет листов отчёта" in other.error.message
    assert service.confirm_workbook(school, COORDINATOR_SOSH1, other, page=PAGE).outcome == "rejected"


# ---------------------------------------------------------------------------------------------
# The coordinator's loop: download, edit two sheets, upload


def test_download_edit_upload_changes_exactly_the_edited_rows(school):
    was = versions(school)
    data, start = service.download_workbook(school, COORDINATOR_SOSH1, SCHOOL, YEAR, page=PAGE)
    assert start.source == workbook.CURRENT
    assert school.execute("select action, org_code from audit_log order by audit_id desc limit 1").fetchone() == \
        ("export", SCHOOL)

    unchanged = preview(school, data)
    assert unchanged.ok and unchanged.unchanged and unchanged.verdict == "unchanged"

    wb = opened(data)
    staff = wb["Педагоги"]
    staff.cell(3, column(staff, "Возраст")).value = 40                                   # П-002 is older than we thought
    staff.append(["П-011", "учитель музыки", 23, 0, 0, "без категории", "нет", "да"])
    events = wb["Мероприятия"]
    events.cell(2, column(events, "Участников")).value = 15    # the seminar had more participants
    book = preview(school, saved(wb), name="отчёт_исправленный.xlsx")
    assert book.ok, workbook.summary(workbook.BookResult(book.verdict, book))
    assert [p.dataset.name for p in book.changed] == ["staff", "events"]
    assert sheet(book, "Педагоги").diff == {"added": 1, "changed": 1, "removed": 0, "unchanged": 9}
    # Events have no key: the edited row is the old row out and the new row in.
    assert sheet(book, "Мероприятия").diff == {"added": 1, "changed": 0, "removed": 1, "unchanged": 2}
    assert not book.removes_most

    result = service.confirm_workbook(school, COORDINATOR_SOSH1, book, page=PAGE)
    assert result.outcome == "loaded" and result.versions == {"staff": 2, "events": 2}
    assert versions(school) == {**was, "staff": 2, "events": 2}
    assert school.execute("select age from stg_staff where org_code = ? and year = ? and teacher_id = 'П-002'",
                          [SCHOOL, YEAR]).fetchone() == (40,)
    unchanged_logged = school.execute("select count(*) from uploads where outcome = 'unchanged' "
                                      "and file_name = 'отчёт_исправленный.xlsx'").fetchone()[0]
    assert unchanged_logged == 5
    # The same book again is a no-op that says so.
    again = preview(school, saved(wb), name="отчёт_исправленный.xlsx")
    assert again.unchanged and service.confirm_workbook(school, COORDINATOR_SOSH1, again).outcome == "unchanged"
    assert versions(school) == {**was, "staff": 2, "events": 2}


def test_a_stale_book_is_refused(school, load_bytes, make_csv):
    from ingest.errors import StalePreview

    wb = opened(workbook.write(school, SCHOOL, YEAR)[0])
    wb["Педагоги"].cell(2, 3).value = 50
    book = preview(school, saved(wb))
    load_bytes("staff", make_csv([STAFF, *staff_rows(9)]))         # someone else meanwhile
    assert service.is_stale_workbook(school, book)
    with pytest.raises(StalePreview):
        service.confirm_workbook(school, COORDINATOR_SOSH1, book, page=PAGE)


# ---------------------------------------------------------------------------------------------
# Removals are a decision


def test_removing_more_than_half_needs_an_explicit_confirmation(school):
    files = school_files()
    kept = [files["staff"][0], *files["staff"][1:5]]                 # 4 of 10 teachers
    book = preview(school, book_of({"Педагоги": kept}))
    staff = sheet(book, "Педагоги")
    assert staff.diff["removed"] == 6 and staff.removes_most
    assert staff.removed_ids == ["П-005", "П-006", "П-007", "П-008", "П-009", "П-010"]
    # Mentors Н-01 and Н-02 are teachers П-008 and П-009: the removal orphans them, and says so.
    assert any("ссылается" in g.problem for g in staff.report.groups)
    before = data_counts(school)
    with pytest.raises(RemovalNotConfirmed) as exc:
        service.confirm_workbook(school, COORDINATOR_SOSH1, book, page=PAGE)
    assert exc.value.code == "removal-not-confirmed" and "«Педагоги»" in exc.value.message
    assert data_counts(school) == before
    result = service.confirm_workbook(school, COORDINATOR_SOSH1, book, removals_confirmed=True, page=PAGE)
    assert result.versions == {"staff": 2}


def test_a_single_file_removing_most_rows_needs_the_confirmation_too(school, make_csv):
    data = make_csv([STAFF, *staff_rows(3)])
    p = service.preview(school, COORDINATOR_SOSH1, data, "педагоги.csv", "staff", SCHOOL, YEAR,
                        max_bytes=load.APP_MAX_BYTES, page=PAGE)
    assert p.removes_most and p.removed_ids[:2] == ["П-004", "П-005"] and len(p.removed_ids) == 7
    with pytest.raises(RemovalNotConfirmed):
        service.confirm(school, COORDINATOR_SOSH1, p, page=PAGE)
    assert versions(school)["staff"] == 1
    assert service.confirm(school, COORDINATOR_SOSH1, p, removals_confirmed=True, page=PAGE).version == 2
    # Removing less than half is shown, not asked about.
    fewer = service.preview(school, COORDINATOR_SOSH1, make_csv([STAFF, *staff_rows(2)]), "п.csv", "staff",
                            SCHOOL, YEAR, max_bytes=load.APP_MAX_BYTES, page=PAGE)
    assert fewer.removed_ids == ["П-003"] and not fewer.removes_most


def test_changed_totals_are_a_change_not_a_removal(school):
    book = preview(school, book_of({"Обучающиеся": [STUDENTS, [900, 530, 70, 16]]}))
    students = sheet(book, "Обучающиеся")
    assert students.diff == {"added": 0, "removed": 0, "changed": 1, "unchanged": 0} and not book.removes_most


# ---------------------------------------------------------------------------------------------
# Who may


def test_a_coordinator_cannot_download_or_upload_another_organizations_book(school):
    with pytest.raises(PermissionDenied):
        service.download_workbook(school, COORDINATOR_SOSH1, KINDERGARTEN, YEAR, page=PAGE)
    assert school.execute("select action, org_code from audit_log order by audit_id desc limit 1").fetchone() == \
        ("export_denied", KINDERGARTEN)
    data = workbook.write(school, KINDERGARTEN, YEAR)[0]
    with pytest.raises(PermissionDenied):
        preview(school, data, org=KINDERGARTEN)
    # The department reads every organization: the head may download, the administrator too.
    assert service.download_workbook(school, HEAD_USER, SCHOOL, YEAR)[1].source == workbook.CURRENT
    assert service.download_workbook(school, ADMIN_USER, KINDERGARTEN, YEAR)[1].source == workbook.EMPTY
    with pytest.raises(PermissionDenied):
        preview(school, data, user=HEAD_USER, org=KINDERGARTEN)


# ---------------------------------------------------------------------------------------------
# The command line


def cli(*args: str, cwd) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != db.ENV_DB}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "ingest", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


@pytest.mark.slow
def test_command_line_writes_and_loads_the_workbook(warehouse_path, tmp_path):
    target = ["--org", SCHOOL, "--year", str(YEAR), "--db", str(warehouse_path)]
    out = tmp_path / "отчёт.xlsx"
    written = cli("workbook", *target, "-o", str(out), cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert "пустая книга" in written.stdout and out.is_file()

    wb = openpyxl.load_workbook(out)
    for row in school_files()["staff"][1:]:
        wb["Педагоги"].append(row)
    wb.save(out)
    dry = cli("load", str(out), *target, "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "Проверка книги пройдена" in dry.stdout and "Лист «Педагоги» (Педагоги): 10 строк" in dry.stdout
    loaded = cli("load", str(out), *target, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert "Годовой отчёт загружен" in loaded.stdout and "версия 1" in loaded.stdout

    wb["Педагоги"].delete_rows(3, 8)                                  # 2 of 10 teachers left
    wb["Педагоги"].cell(2, 3).value = "сорок"
    wb.save(out)
    refused = cli("load", str(out), *target, cwd=tmp_path)
    assert refused.returncode == 1 and "Книга не принята" in refused.stderr and "Не целое число" in refused.stderr
    wb["Педагоги"].cell(2, 3).value = 40
    wb.save(out)
    unconfirmed = cli("load", str(out), *target, cwd=tmp_path)
    assert unconfirmed.returncode == 1 and "--confirm-removals" in unconfirmed.stderr
    confirmed = cli("load", str(out), *target, "--confirm-removals", cwd=tmp_path)
    assert confirmed.returncode == 0, confirmed.stderr
    downloaded = cli("workbook", *target, "-o", str(tmp_path / "снова.xlsx"), cwd=tmp_path)
    assert "текущие данные" in downloaded.stdout
    assert openpyxl.load_workbook(tmp_path / "снова.xlsx")["Педагоги"].max_row == 3

    usage = cli("load", str(out), "--db", str(warehouse_path), cwd=tmp_path)
    assert usage.returncode == 2 and "--org и --year" in usage.stderr


def test_the_workbook_survives_libreoffice(school, soffice, tmp_path):
    """Downloaded, edited and re-saved by a real office suite (LibreOffice, as many schools use): the same
    data comes back unchanged, and one edit made before re-saving is the only change."""
    data, _ = service.download_workbook(school, COORDINATOR_SOSH1, SCHOOL, YEAR, page=PAGE)
    plain = tmp_path / "otchet.xlsx"
    plain.write_bytes(data)
    resaved = preview(school, soffice(plain, "xlsx").read_bytes(), name="otchet_libreoffice.xlsx")
    assert resaved.ok, workbook.summary(workbook.BookResult(resaved.verdict, resaved))
    assert resaved.changed == []          # dates, numbers and да/нет read back as they were written

    wb = opened(data)
    staff = wb["Педагоги"]
    staff.cell(3, column(staff, "Возраст")).value = 41
    edited = tmp_path / "otchet_edited.xlsx"
    edited.write_bytes(saved(wb))
    book = preview(school, soffice(edited, "xlsx").read_bytes(), name="otchet_edited_libreoffice.xlsx")
    assert [p.dataset.name for p in book.changed] == ["staff"]
    assert sheet(book, "Педагоги").diff == {"added": 0, "changed": 1, "removed": 0, "unchanged": 9}
    assert service.confirm_workbook(school, COORDINATOR_SOSH1, book, page=PAGE).versions == {"staff": 2}
