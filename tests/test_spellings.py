"""Say what people mean: the files coordinators make that a person reads without doubt.

Each file here was refused before issue 12. Now it is accepted, stored in the canonical spelling, with a
warning that names what was read as what; or it is refused with the closest allowed value suggested.
Files go through the real loader where what is stored matters.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from ingest import load
from ingest.parse import SUGGEST_CUTOFF, closed_list, parse_date
from ingest.reader import read_table
from ingest.schemas import DATASETS, Context
from ingest.templates import template
from ingest.validate import validate

MENTORS_HEADER = ["ID наставника", "ФИО", "Тип наставника", "ID педагога", "Должность или место работы",
                  "Наставляет", "Прошёл обучение", "Дата приказа о закреплении"]
PAIRS_HEADER = ["ID пары", "ID наставника", "Тип наставляемого", "ID наставляемого", "Категория наставляемого",
                "Форма наставничества", "ППН", "Ссылка на программу", "Дата начала", "Дата окончания", "Статус",
                "Удовлетворённость"]
EVENTS_HEADER = ["Дата", "Название", "Уровень", "Вид", "Роль", "Участников", "Результат", "Ссылка"]
PARTNERS_HEADER = ["Наименование", "Тип партнёра", "ИНН", "Соглашение", "Формы участия", "Наставников от партнёра",
                   "Дата начала сотрудничества"]
ROADMAP_HEADER = ["Пункт", "Статус", "Дата выполнения", "Ссылка на результат", "Комментарий"]

READ_AS = "Значение прочитано как допустимое"
DATE_READ = "Дата записана не как ДД.ММ.ГГГГ"
EXAMPLE_SKIPPED = "Строка-пример из шаблона пропущена"


def issues(report, severity: str) -> list[tuple]:
    """(problem, column, row, value, expected) of every issue of one severity, in report order."""
    return [(i.problem, i.column, i.row, i.value, i.expected) for i in report.issues() if i.severity == severity]


def pair(pid: str, form: str, category: str = "обучающийся") -> list[str]:
    return [pid, "Н-1", "обучающийся", "", category, form, "нет", "", "01.09.2025", "", "планируется", ""]


@pytest.fixture
def mentor_loaded(load_bytes, make_csv):
    """One mentor, a student who mentors students (no staff file needed)."""
    result = load_bytes("mentors", make_csv([MENTORS_HEADER, ["Н-1", "Смирнов Иван", "студент", "", "", "обучающихся",
                                                              "да", ""]]))
    assert result.outcome == "loaded", load.summary(result)


# ---------------------------------------------------------------------------------------------
# Closed lists: the methodology's spellings and short forms


def test_forms_of_the_federal_methodology_are_stored_as_the_canonical_forms(warehouse, load_bytes, make_csv,
                                                                           mentor_loaded):
    rows = [PAIRS_HEADER,
            pair("П1", "традиционная (один на один)"),
            pair("П2", "Виртуальная (дистанционная)"),
            pair("П3", "краткосрочная(целеполагающая)"),
            pair("П4", "традиционная (один на один)"),
            pair("П5", "традиционная"),                               # the canonical value: no warning
            pair("П6", "Ученик-ученик"),                              # case and dash only: no warning
            pair("П7", "дистанционная", category="молодой педагог")]  # the bracketed word; the order's term
    result = load_bytes("mentorships", make_csv(rows))
    assert result.outcome == "loaded", load.summary(result)
    stored = warehouse.execute("select pair_id, form, mentee_category from stg_mentorships order by pair_id").fetchall()
    assert [r[1] for r in stored] == ["традиционная", "виртуальная", "краткосрочная", "традиционная", "традиционная",
                                      "ученик – ученик", "виртуальная"]
    assert stored[6][2] == "молодой специалист"
    # One warning per distinct value of a column, at its first row, naming the others.
    assert sorted(issues(result.report, "warning"), key=lambda i: (i[1], i[2])) == [
        (READ_AS, "Категория наставляемого", 8, "молодой педагог", "записано как «молодой специалист»"),
        (READ_AS, "Форма наставничества", 2, "традиционная (один на один) (также в строке 5)",
         "записано как «традиционная»"),
        (READ_AS, "Форма наставничества", 3, "Виртуальная (дистанционная)", "записано как «виртуальная»"),
        (READ_AS, "Форма наставничества", 4, "краткосрочная(целеполагающая)", "записано как «краткосрочная»"),
        (READ_AS, "Форма наставничества", 8, "дистанционная", "записано как «виртуальная»"),
    ]


def test_item_six_in_the_orders_words_is_the_event_kind_of_item_six(warehouse, load_bytes, make_csv):
    rows = [EVENTS_HEADER,
            ["15.10.2025", "Семинар", "муниципальный", "для педагогов с профессиональными затруднениями", "участник",
             "", "", ""],
            ["16.10.2025", "Конкурс", "муниципальный", "конкурс Педагог-наставник", "участник", "", "", ""],
            ["17.10.2025", "Практики", "региональный", "представление практик", "участник", "", "", ""]]
    result = load_bytes("events", make_csv(rows))
    assert result.outcome == "loaded", load.summary(result)
    assert warehouse.execute("select kind from stg_events order by event_date").fetchall() == [
        ("для педагогов с затруднениями",), ("конкурс «Педагог-наставник»",), ("представление практики",)]
    assert [(i[2], i[4]) for i in issues(result.report, "warning")] == [
        (2, "записано как «для педагогов с затруднениями»"), (3, "записано как «конкурс «Педагог-наставник»»"),
        (4, "записано как «представление практики»")]


def test_a_unique_short_form_is_accepted_an_ambiguous_one_is_refused_with_both(load_bytes, make_csv, warehouse):
    def partners(kind: str) -> bytes:
        return make_csv([PARTNERS_HEADER, ["ООО «Нефтесервис»", kind, "", "", "", "1", ""]])

    accepted = load_bytes("partners", partners("предприятие"))
    assert accepted.outcome == "loaded", load.summary(accepted)
    assert warehouse.execute("select partner_type from stg_partners").fetchall() == [("предприятие (организация)",)]
    assert issues(accepted.report, "warning") == [
        (READ_AS, "Тип партнёра", 2, "предприятие", "записано как «предприятие (организация)»")]

    refused = load_bytes("partners", partners("учреждение"))
    assert refused.outcome == "rejected"
    [error] = issues(refused.report, "error")
    assert error[:4] == ("Недопустимое значение", "Тип партнёра", 2, "учреждение")
    assert error[4].startswith("возможно, вы имели в виду «учреждение культуры» или «учреждение спорта»; одно из: ")
    # Nothing else was written: the accepted file is still the current one.
    assert warehouse.execute("select partner_type from stg_partners").fetchall() == [("предприятие (организация)",)]


def test_an_unknown_value_suggests_the_closest_allowed_one(load_bytes, make_csv):
    rows = [PARTNERS_HEADER, ["Завод", "предприятия", "", "", "", "", ""], ["Школа № 5", "школа", "", "", "", "", ""],
            ["Завод № 2", "предприятия", "", "", "", "", ""]]
    result = load_bytes("partners", make_csv(rows))
    assert result.outcome == "rejected"
    allowed = DATASETS["partners"].field("partner_type").expected
    assert issues(result.report, "error") == [
        ("Недопустимое значение", "Тип партнёра", 2, "предприятия",
         f"возможно, вы имели в виду «предприятие (организация)»; {allowed}"),
        ("Недопустимое значение", "Тип партнёра", 4, "предприятия",
         f"возможно, вы имели в виду «предприятие (организация)»; {allowed}"),
        ("Недопустимое значение", "Тип партнёра", 3, "школа", allowed),      # nothing close: the list only
    ]
    assert result.report.error_count == 3


# Both sides of the cut-off (SUGGEST_CUTOFF): typos and endings are suggested, other words are not.
@pytest.mark.parametrize(("dataset", "field", "typed", "suggested"), [
    ("roadmap", "status", "выполнен", "выполнено"),
    ("roadmap", "status", "в раоте", "в работе"),
    ("staff", "qualification", "высшея", "высшая"),
    ("events", "result", "призеры", "призёр"),
    ("events", "level", "муниципальнй", "муниципальный"),
    ("partners", "partner_type", "вузы", "вуз"),
    ("mentorships", "form", "традиционая", "традиционная"),
    ("roadmap", "status", "сделано", None),
    ("mentorships", "status", "закончена", None),
    ("organizations", "org_type", "школа", None),
    ("partners", "partner_type", "спорт", None),       # not «колледж (СПО)»: short forms are not fuzzy targets
    ("staff", "qualification", "вторая", None),
])
def test_suggestion_cutoff(dataset, field, typed, suggested):
    refused = closed_list(DATASETS[dataset].field(field)).read(typed)
    assert refused.hint == (f"возможно, вы имели в виду «{suggested}»" if suggested else "")
    assert SUGGEST_CUTOFF == 75


def test_short_forms_are_derived_not_listed():
    forms = closed_list(DATASETS["mentorships"].field("form"))
    assert forms.read("один на один").value == "традиционная"       # the words in brackets of a spelling
    assert forms.read("Краткосрочная") == "краткосрочная"             # the canonical value: a plain value, silent
    # Half a pair says nothing about the other half: refused.
    assert type(forms.read("учитель")).__name__ == "Refused"
    kinds = closed_list(DATASETS["events"].field("kind"))
    assert kinds.read("для педагогов").value == "для педагогов с затруднениями"   # a unique prefix by words
    partners = closed_list(DATASETS["partners"].field("partner_type"))
    assert partners.read("СПО").value == "колледж (СПО)"
    assert partners.read("колледж").value == "колледж (СПО)"
    statuses = closed_list(DATASETS["roadmap"].field("status"))
    assert type(statuses.read("в")).__name__ == "Refused"               # too short to be a short form
    assert type(statuses.read("не")).__name__ == "Refused"              # and ambiguous


# ---------------------------------------------------------------------------------------------
# Dates


def test_dates_people_type_are_read_with_a_warning_that_says_how(warehouse, load_bytes, make_csv):
    dates = ["01.09.25", "15.09.2025 г.", "16.09.2025г", "1 октября 2025", "2 окт. 2025", "03.10.2025 0:00:00",
             "04.10.2025 10:30", "45935", "2025-10-06", "07.10.2025"]
    rows = [EVENTS_HEADER] + [[d, f"Событие {i}", "ОО", "информирование", "организатор", "", "", ""]
                              for i, d in enumerate(dates)]
    result = load_bytes("events", make_csv(rows))
    assert result.outcome == "loaded", load.summary(result)
    stored = [r[0].strftime("%d.%m.%Y") for r in warehouse.execute(
        "select event_date from stg_events order by row_no").fetchall()]
    assert stored == ["01.09.2025", "15.09.2025", "16.09.2025", "01.10.2025", "02.10.2025", "03.10.2025",
                      "04.10.2025", "05.10.2025", "06.10.2025", "07.10.2025"]
    assert issues(result.report, "warning") == [
        (DATE_READ, "Дата", 2, "01.09.25", "прочитана как 01.09.2025"),
        (DATE_READ, "Дата", 3, "15.09.2025 г.", "прочитана как 15.09.2025"),
        (DATE_READ, "Дата", 4, "16.09.2025г", "прочитана как 16.09.2025"),
        (DATE_READ, "Дата", 5, "1 октября 2025", "прочитана как 01.10.2025"),
        (DATE_READ, "Дата", 6, "2 окт. 2025", "прочитана как 02.10.2025"),
        (DATE_READ, "Дата", 7, "03.10.2025 0:00:00", "прочитана как 03.10.2025"),
        (DATE_READ, "Дата", 8, "04.10.2025 10:30", "прочитана как 04.10.2025, время не сохраняется"),
        (DATE_READ, "Дата", 9, "45935", "прочитана как 05.10.2025 (число 45935 — так Excel хранит даты)"),
    ]                                                    # ISO and ДД.ММ.ГГГГ (rows 10, 11): silent


@pytest.mark.parametrize("text", ["09/01/2025", "01/09/2025", "2025/09/01", "31.02.2025", "1 сентябрья 2025",
                                  "сентябрь 2025", "12345", "01.09.2025 г. г."])
def test_dates_whose_reading_is_not_certain_stay_errors(check_events, text):
    # «/»: Excel writes both 09/01/2025 and 01/09/2025, so the order of day and month cannot be told.
    assert [(i.problem, i.column, i.row, i.value, i.expected) for i in check_events(text).issues()] == [
        ("Неверная дата", "Дата", 2, text, "дата в виде ДД.ММ.ГГГГ")]


@pytest.fixture
def check_events(make_csv):
    ds = DATASETS["events"]

    def run(date: str):
        rows = [EVENTS_HEADER, [date, "Событие", "ОО", "информирование", "организатор", "", "", ""]]
        return validate(read_table(make_csv(rows), ds), ds, Context(year=2025)).report
    return run


def test_month_names_in_both_cases_and_abbreviations():
    for text in ("5 марта 2025", "5 март 2025", "5 мар 2025", "05.мар.2025", "«5» марта 2025 г.", "5-мар-25"):
        assert parse_date(text).value == datetime(2025, 3, 5), text


# ---------------------------------------------------------------------------------------------
# Roadmap items as Word and Excel lists number them


def test_roadmap_items_numbered_as_lists_with_a_titles_column(warehouse, load_bytes, make_csv):
    marks = ["1.", "п. 2", "п.3", "Пункт 4", "5)", "№ 6", "7.", "8.", "9.", "10.", "11."]
    rows = [["Пункт", "Наименование пункта", "Статус", "Дата выполнения", "Ссылка на результат"]]
    rows += [[m, f"Мероприятие {i}", "в работе", "", ""] for i, m in enumerate(marks, start=1)]
    result = load_bytes("roadmap", make_csv(rows), year=2026)
    assert result.outcome == "loaded", load.summary(result)
    assert [r[0] for r in warehouse.execute("select item from stg_roadmap order by item").fetchall()] == \
        list(range(1, 12))
    # No warning for the marks themselves; the titles column is skipped as a column the template lacks.
    assert [(g.problem, g.column) for g in result.report.groups] == [
        ("Неизвестный столбец пропущен", "Наименование пункта")]


def test_roadmap_with_numbers_under_no_and_titles_under_item(load_bytes, make_csv, warehouse):
    rows = [["№", "Пункт", "Статус"]] + [[str(i), f"Мероприятие {i}", "в работе"] for i in range(1, 12)]
    result = load_bytes("roadmap", make_csv(rows), year=2026)
    assert result.outcome == "loaded", load.summary(result)
    assert result.prepared.raw.matched == {"item": "№", "status": "Статус"}
    assert ("Неизвестный столбец пропущен", "Пункт") in {(g.problem, g.column) for g in result.report.groups}
    stored = warehouse.execute("select item from stg_roadmap where year = 2026 order by item").fetchall()
    assert [r[0] for r in stored] == list(range(1, 12))
    # Two columns of numbers under «№» and «Пункт» are still one column too many.
    twice = [["№", "Пункт", "Статус"]] + [[str(i), str(i), "в работе"] for i in range(1, 12)]
    assert "Столбец повторяется" in {g.problem for g in load_bytes("roadmap", make_csv(twice), year=2026).report.groups}


# ---------------------------------------------------------------------------------------------
# The template's example row


def test_template_left_as_it_is_has_no_rows(load_bytes, warehouse, table_counts):
    before = table_counts(warehouse)
    for fmt in ("csv", "xlsx"):
        result = load_bytes("staff", template("staff", fmt), file_name=f"staff.{fmt}")
        assert result.outcome == "rejected"
        assert issues(result.report, "error") == [
            ("В файле нет строк с данными", None, 2, None, "хотя бы одна строка под заголовком")]
        [warning] = issues(result.report, "warning")
        assert warning[:4] == (EXAMPLE_SKIPPED, None, 2, "строка совпадает с примером из шаблона")
        assert result.prepared.rows == 0
    assert table_counts(warehouse)["raw_staff"] == before["raw_staff"]


def test_example_row_left_above_real_rows_is_skipped(load_bytes, warehouse, make_csv):
    staff = DATASETS["staff"]
    rows = [[f.title for f in staff.fields], [f.example for f in staff.fields],
            ["П-777", "учитель", "30", "3", "5", "высшая категория", "нет", "нет"]]
    result = load_bytes("staff", make_csv(rows))
    assert result.outcome == "loaded", load.summary(result)
    assert warehouse.execute("select teacher_id, qualification from stg_staff").fetchall() == [("П-777", "высшая")]
    assert [(i[0], i[2]) for i in issues(result.report, "warning")] == [(EXAMPLE_SKIPPED, 2), (READ_AS, 3)]
    assert result.prepared.rows == 1


def test_partners_template_as_it_is_records_none(load_bytes, warehouse):
    result = load_bytes("partners", template("partners", "xlsx"), file_name="partners.xlsx")
    assert result.outcome == "loaded", load.summary(result)
    assert {g.problem for g in result.report.groups} == {EXAMPLE_SKIPPED, "В файле нет строк"}
    assert warehouse.execute("select count(*) from stg_partners").fetchone() == (0,)


def test_a_row_like_the_example_in_a_file_of_some_columns_is_real(make_csv):
    # «П-001, учитель, 27, 2» may be a real teacher: only a row of every template column is the example.
    staff = DATASETS["staff"]
    required = [f for f in staff.fields if f.required]
    v = validate(read_table(make_csv([[f.title for f in required], [f.example for f in required]]), staff),
                 staff, Context(year=2025))
    assert v.ok and v.report.groups == [] and v.table.num_rows == 1


def test_the_registry_and_the_roadmap_have_no_example_to_skip():
    # The registry's example is the city's school № 1 (a real row); the roadmap template lists the items.
    assert not DATASETS["organizations"].skip_example and not DATASETS["roadmap"].skip_example
    assert all(d.skip_example for n, d in DATASETS.items() if n not in ("organizations", "roadmap"))
