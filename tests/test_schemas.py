"""The rules of DOMAIN.md, dataset by dataset, as the coordinator sees them in the report.

Rules inside one file are checked through the reader and ``validate`` (no warehouse needed); the
rules across datasets (a mentor's teacher in the staff file, a pair's mentor in the mentors file)
go through the real loader on a warehouse.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from ingest.reader import read_table
from ingest.schemas import DATASETS, Context
from ingest.schemas.base import inn_is_valid
from ingest.validate import Validated, validate

YEAR = 2025

STAFF_HEADER = ["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Педагогический стаж",
                "Квалификационная категория", "Затруднения", "Новый сотрудник"]
MENTORS_HEADER = ["ID наставника", "ФИО", "Тип наставника", "ID педагога", "Должность или место работы",
                  "Наставляет", "Прошёл обучение", "Дата приказа о закреплении", "Согласие на размещение сведений"]
PAIRS_HEADER = ["ID пары", "ID наставника", "Тип наставляемого", "ID наставляемого", "Категория наставляемого",
                "Форма наставничества", "ППН", "Ссылка на программу", "Дата начала", "Дата окончания", "Статус",
                "Удовлетворённость"]
ROADMAP_HEADER = ["Пункт", "Статус", "Дата выполнения", "Ссылка на результат", "Комментарий"]
PARTNERS_HEADER = ["Наименование", "Тип партнёра", "ИНН", "Соглашение", "Формы участия", "Наставников от партнёра",
                   "Дата начала сотрудничества"]
EVENTS_HEADER = ["Дата", "Название", "Уровень", "Вид", "Роль", "Участников", "Результат", "Ссылка"]
STUDENTS_HEADER = ["Обучающихся всего", "В возрасте 10–18 лет", "Наставляемых обучающихся", "Обучающихся-наставников"]
ORGS_HEADER = ["Код ОО", "Полное наименование", "Краткое наименование", "Тип ОО", "Муниципалитет", "ИНН", "Сайт"]

URL = "https://school1.example.ru/nastavnichestvo"


@pytest.fixture
def check(make_csv):
    """``check(dataset, rows, year=2025, teachers=None, mentors=None)``: the validation of a CSV made of
    ``rows`` (header first); ``teachers``/``mentors``: the IDs already uploaded (None: not uploaded)."""
    def run(dataset: str, rows: list[list], year: int | None = YEAR, teachers=None, mentors=None) -> Validated:
        ds = DATASETS[dataset]
        ctx = Context(year=year, org_code="СОШ1",
                      known={"staff": None if teachers is None else frozenset(teachers),
                             "mentors": None if mentors is None else frozenset(mentors)})
        return validate(read_table(make_csv(rows), ds), ds, ctx)
    return run


def found(v, severity: str = "error") -> list[tuple]:
    """(problem, column title, row, value) of every issue of one severity, in report order
    (``v``: a validation or a prepared upload, anything with a ``report``)."""
    return [(i.problem, i.column, i.row, i.value) for i in v.report.issues() if i.severity == severity]


def column(v: Validated, name: str) -> list:
    return v.table.column(name).to_pylist()


# ---------------------------------------------------------------------------------------------
# roadmap


def roadmap_rows(**changes) -> list[list]:
    """The 11 items, all «в работе»; ``changes`` maps an item to its (status, date, url) cells."""
    rows = [ROADMAP_HEADER]
    for item in range(1, 12):
        status, date, url = changes.get(f"i{item}", ("в работе", "", ""))
        rows.append([item, status, date, url, ""])
    return rows


def test_roadmap_of_eleven_items_in_a_contest_year_passes_clean(check):
    v = check("roadmap", roadmap_rows(i1=("выполнено", "14.03.2026", URL)), year=2026)
    assert v.ok and v.report.groups == []
    assert column(v, "item") == list(range(1, 12))
    assert column(v, "done_date")[0] == datetime(2026, 3, 14)


def test_roadmap_item_outside_1_to_11_and_not_a_number(check):
    rows = [ROADMAP_HEADER, [0, "в работе", "", "", ""], [12, "в работе", "", "", ""],
            ["первый", "в работе", "", "", ""], [11, "в работе", "", "", ""]]
    v = check("roadmap", rows)
    assert found(v) == [
        ("Число вне допустимого диапазона", "Пункт", 2, "0"),
        ("Число вне допустимого диапазона", "Пункт", 3, "12"),
        ("Не целое число", "Пункт", 4, "первый"),
    ]
    expected = {g.problem: g.expected for g in v.report.groups}
    assert expected["Число вне допустимого диапазона"] == "целое число от 1 до 11"


def test_roadmap_status_allowed_values_and_capitalised_done_is_accepted(check):
    v = check("roadmap", roadmap_rows(i1=("Выполнено", "14.03.2025", URL), i2=("ВЫПОЛНЕНО ", "15.03.2025", URL),
                                      i3=("сделано", "", "")))
    assert found(v) == [("Недопустимое значение", "Статус", 4, "сделано")]
    [group] = [g for g in v.report.groups if g.problem == "Недопустимое значение"]
    assert group.expected == "одно из: «не начато», «в работе», «выполнено», «не требуется»"
    assert column(v, "status")[:2] == ["выполнено", "выполнено"]       # normalized for the warehouse


def test_roadmap_done_requires_a_date_inside_the_year(check):
    v = check("roadmap", roadmap_rows(i1=("выполнено", "", URL), i2=("выполнено", "30.12.2024", URL),
                                      i3=("выполнено", "01.01.2026", URL), i4=("выполнено", "31.12.2025", URL)))
    assert found(v) == [
        ("Дата вне отчётного года", "Дата выполнения", 3, "30.12.2024"),
        ("Дата вне отчётного года", "Дата выполнения", 4, "01.01.2026"),
        ("Не указана дата выполнения", "Дата выполнения", 2, None),
    ]
    expected = {g.problem: g.expected for g in v.report.groups}
    assert expected["Дата вне отчётного года"] == "дата с 01.01.2025 по 31.12.2025"
    assert expected["Не указана дата выполнения"] == "дата ДД.ММ.ГГГГ, если статус «выполнено»"


def test_roadmap_done_without_the_date_column_at_all_is_still_an_error(check):
    # Deleting the optional column must not switch the rule off.
    v = check("roadmap", [["Пункт", "Статус"], [1, "выполнено"], [2, "в работе"]])
    assert found(v) == [("Не указана дата выполнения", "Дата выполнения", 2, None)]


def test_roadmap_date_formats(fixture_bytes):
    ds = DATASETS["roadmap"]
    v = validate(read_table(fixture_bytes("roadmap_dates.csv"), ds), ds, Context(year=YEAR))
    # 14/03/2025 (row 4) and 31.02.2025 (row 5) are refused; 2025-03-14 (row 3, ISO) is accepted.
    assert found(v) == [("Неверная дата", "Дата выполнения", 4, "14/03/2025"),
                        ("Неверная дата", "Дата выполнения", 5, "31.02.2025")]
    [group] = v.report.groups
    assert group.expected == "дата в виде ДД.ММ.ГГГГ"
    assert column(v, "done_date")[:2] == [datetime(2025, 3, 14), datetime(2025, 3, 14)]
    assert column(v, "status")[:4] == ["выполнено"] * 4


def test_roadmap_url_must_be_http(check):
    v = check("roadmap", roadmap_rows(i1=("выполнено", "14.03.2025", "school1.example.ru/docs"),
                                      i2=("выполнено", "14.03.2025", "http://school1.example.ru/docs")))
    assert found(v) == [("Неверный формат", "Ссылка на результат", 2, "school1.example.ru/docs")]


def test_roadmap_item_twice(check):
    rows = roadmap_rows()
    rows.append([5, "не начато", "", "", ""])
    v = check("roadmap", rows)
    assert found(v) == [("Повторяющееся значение", "Пункт", 6, "5 (также в строке 13)"),
                        ("Повторяющееся значение", "Пункт", 13, "5 (также в строке 6)")]


def test_roadmap_warnings_do_not_block(check):
    # Item 8 (the contest) outside 2026/2028, «выполнено» without a link, a date on a not-done item.
    v = check("roadmap", roadmap_rows(i1=("выполнено", "14.03.2025", ""), i2=("в работе", "14.03.2025", ""),
                                      i8=("в работе", "", "")))
    assert v.ok
    assert found(v, "warning") == [
        ("Дата выполнения при статусе, отличном от «выполнено»", "Дата выполнения", 3, "14.03.2025"),
        ("Пункт 8 (конкурс «Педагог-наставник») в этом году не проводится", "Статус", 9, "в работе"),
        ("Статус «выполнено» без ссылки на результат", "Статус", 2, "выполнено"),
    ]
    item8 = next(g for g in v.report.groups if g.problem.startswith("Пункт 8"))
    assert item8.expected == "статус «не требуется»: конкурс проводится в 2026 и 2028 годах"


@pytest.mark.parametrize(("year", "warned"), [(2025, True), (2026, False), (2027, True), (2028, False)])
def test_roadmap_item_8_only_in_contest_years(check, year, warned):
    v = check("roadmap", roadmap_rows(i8=("не начато", "", "")), year=year)
    assert v.ok
    assert any(g.problem.startswith("Пункт 8") for g in v.report.groups) is warned
    # «не требуется» is what a coordinator writes in the other years: no warning then.
    assert check("roadmap", roadmap_rows(i8=("не требуется", "", "")), year=year).report.groups == []


# ---------------------------------------------------------------------------------------------
# staff


def staff_row(tid="П-1", position="учитель", age="30", in_org="3", teaching="5", qual="первая", diff="нет",
              new="нет") -> list:
    return [tid, position, age, in_org, teaching, qual, diff, new]


def test_staff_age_range_18_to_80(check):
    rows = [STAFF_HEADER, staff_row("П-1", age="17", in_org="0", teaching="0"), staff_row("П-2", age="18", in_org="0",
            teaching="0"), staff_row("П-3", age="80"), staff_row("П-4", age="81")]
    v = check("staff", rows)
    assert found(v) == [("Число вне допустимого диапазона", "Возраст", 2, "17"),
                        ("Число вне допустимого диапазона", "Возраст", 5, "81")]
    assert v.report.groups[0].expected == "целое число от 18 до 80"


def test_staff_years_in_org_not_above_age_minus_14(check):
    rows = [STAFF_HEADER, staff_row("П-1", age="30", in_org="16", teaching="16"),      # 30 − 14 = 16: fine
            staff_row("П-2", age="30", in_org="17", teaching="5"),
            staff_row("П-3", age="30", in_org="-1", teaching="17")]
    v = check("staff", rows)
    assert sorted(found(v)) == sorted([
        ("Число вне допустимого диапазона", "Стаж в ОО", 4, "-1"),
        ("Педагогический стаж больше возможного для возраста", "Педагогический стаж", 4, "17"),
        ("Стаж в ОО больше возможного для возраста", "Стаж в ОО", 3, "17"),
    ])
    assert {g.expected for g in v.report.groups if "возраста" in g.problem} == {"не больше «Возраст» − 14"}


def test_staff_decimal_comma_booleans_and_spaces_are_understood(check):
    rows = [STAFF_HEADER, staff_row("П-1", age="35,0", in_org="2.0", diff="Да", new="НЕТ"),
            staff_row("П-2", age=" 41 ", diff="нет", new="да", qual="Высшая")]
    v = check("staff", rows)
    assert v.ok and v.report.groups == []
    assert column(v, "age") == [35, 41]
    assert column(v, "years_in_org") == [2, 3]
    assert column(v, "has_difficulties") == [True, False]
    assert column(v, "is_new") == [False, True]
    assert column(v, "qualification") == ["первая", "высшая"]


def test_staff_bad_numbers_booleans_and_categories(check):
    rows = [STAFF_HEADER, staff_row("П-1", age="35,5"), staff_row("П-2", age="тридцать"),
            staff_row("П-3", diff="может быть"), staff_row("П-4", qual="вторая")]
    v = check("staff", rows)
    assert found(v) == [
        ("Не целое число", "Возраст", 2, "35,5"),
        ("Не целое число", "Возраст", 3, "тридцать"),
        ("Ожидалось «да» или «нет»", "Затруднения", 4, "может быть"),
        ("Недопустимое значение", "Квалификационная категория", 5, "вторая"),
    ]


def test_staff_required_cells_must_be_filled(check):
    v = check("staff", [STAFF_HEADER, staff_row("П-1", position=""), staff_row("", age="")])
    assert sorted(found(v), key=lambda t: (t[1], t[2])) == [
        ("Не заполнено обязательное поле", "ID педагога", 3, None),
        ("Не заполнено обязательное поле", "Возраст", 3, None),
        ("Не заполнено обязательное поле", "Должность", 2, None),
    ]
    assert {g.expected for g in v.report.groups} == {"значение (поле обязательное)"}


def test_staff_duplicate_ids(fixture_bytes):
    ds = DATASETS["staff"]
    v = validate(read_table(fixture_bytes("staff_duplicate_ids.csv"), ds), ds, Context(year=YEAR))
    [group] = v.report.groups
    assert (group.problem, group.column, group.count) == ("Повторяющееся значение", "ID педагога", 5)
    assert group.expected == "значение, которое не повторяется в файле"
    assert [(i.row, i.value) for i in sorted(group.issues, key=lambda i: i.row)] == [
        (2, "П-001 (также в строке 4)"), (3, "П-002 (также в строках 5, 6)"), (4, "П-001 (также в строке 2)"),
        (5, "П-002 (также в строках 3, 6)"), (6, "П-002 (также в строках 3, 5)")]


def test_all_errors_of_a_file_at_once_grouped_with_row_column_value_expected(check):
    rows = [STAFF_HEADER,
            staff_row("П-1", age="17", in_org="0", teaching="0"),     # row 2: age out of range
            staff_row("П-2", age="сорок"),                              # row 3: not a number
            staff_row("П-3", diff="иногда"),                            # row 4: not yes/no
            staff_row("П-4", qual="вторая"),                            # row 5: not a category
            staff_row("П-5", age="25", in_org="12"),                    # row 6: 12 > 25 − 14
            staff_row("П-1"),                                           # row 7: duplicate of row 2
            staff_row("П-7", age="95")]                                 # row 8: age out of range
    v = check("staff", rows)
    assert not v.ok
    assert v.report.error_count == 8 and v.report.warning_count == 0
    groups = {(g.problem, g.column): g for g in v.report.sorted_groups()}
    assert set(groups) == {
        ("Число вне допустимого диапазона", "Возраст"), ("Не целое число", "Возраст"),
        ("Ожидалось «да» или «нет»", "Затруднения"), ("Недопустимое значение", "Квалификационная категория"),
        ("Стаж в ОО больше возможного для возраста", "Стаж в ОО"), ("Повторяющееся значение", "ID педагога"),
    }
    assert v.report.sorted_groups()[0].count == 2                      # the largest groups first
    age = groups[("Число вне допустимого диапазона", "Возраст")]
    assert (age.count, age.rows, age.expected) == (2, [2, 8], "целое число от 18 до 80")
    assert [i.value for i in age.issues] == ["17", "95"]
    # The downloadable report: one row per cell, Russian headers.
    frame = v.report.to_frame()
    assert list(frame.columns) == ["Вид", "Проблема", "Строка", "Столбец", "Найдено", "Ожидалось"]
    assert len(frame) == 8 and set(frame["Вид"]) == {"Ошибка"}
    assert frame.loc[frame["Найдено"] == "сорок", ["Строка", "Столбец"]].values.tolist() == [[3, "Возраст"]]
    # The text of the command line.
    text = v.report.to_text()
    assert text.startswith("Ошибки: 8")
    assert "«Возраст»: Число вне допустимого диапазона — 2 раза" in text
    assert "ожидалось: целое число от 18 до 80" in text
    assert "строка 8: найдено «95»" in text
    assert "строка 6: найдено «12»" in text


# ---------------------------------------------------------------------------------------------
# mentors


def mentor_row(mid="Н-1", kind="педагог", teacher="П-1", whom="педагогов", trained="да", date="01.09.2025",
               consent="да") -> list:
    return [mid, "Иванова Мария Петровна", kind, teacher, "учитель", whom, trained, date, consent]


def test_mentors_teacher_mentor_needs_a_teacher_id_in_staff(check):
    rows = [MENTORS_HEADER, mentor_row("Н-1", teacher="П-1"), mentor_row("Н-2", teacher=""),
            mentor_row("Н-3", teacher="П-9"), mentor_row("Н-4", kind="обучающийся", teacher="", whom="обучающихся")]
    v = check("mentors", rows, teachers={"П-1", "П-2"})
    assert found(v) == [
        ("ID педагога не найден в файле «Педагоги»", "ID педагога", 4, "П-9"),
        ("Не указан ID педагога у наставника-педагога", "ID педагога", 3, None),
    ]
    expected = {g.problem: g.expected for g in v.report.groups}
    assert expected["ID педагога не найден в файле «Педагоги»"] == "ID из загруженного файла «Педагоги» за 2025 год"


def test_mentors_without_the_teacher_id_column_still_need_it(check):
    header = [h for h in MENTORS_HEADER if h != "ID педагога"]
    v = check("mentors", [header, ["Н-1", "Иванова М. П.", "педагог", "учитель", "педагогов", "да", "01.09.2025"]],
              teachers={"П-1"})
    assert found(v) == [("Не указан ID педагога у наставника-педагога", "ID педагога", 2, None)]


def test_mentors_before_staff_is_refused_with_what_to_do(check):
    v = check("mentors", [MENTORS_HEADER, mentor_row()], teachers=None)
    assert found(v) == [("Файл «Педагоги» за этот год ещё не загружен", "ID педагога", 2, "П-1")]
    assert v.report.groups[0].expected == "сначала загрузите файл «Педагоги» за 2025 год, затем наставников"
    # Mentors who are not teachers need no staff file.
    students_only = check("mentors", [MENTORS_HEADER, mentor_row(kind="студент", teacher="", whom="обучающихся")])
    assert students_only.ok


def test_mentors_allowed_values_and_duplicates(check):
    rows = [MENTORS_HEADER, mentor_row("Н-1", kind="Обучающийся", teacher="", whom="Обучающихся"),
            mentor_row("Н-2", kind="волонтёр", teacher=""), mentor_row("Н-3", whom="всех"),
            mentor_row("Н-1", kind="другое", teacher="", trained="не знаю", date="31.09.2025")]
    v = check("mentors", rows, teachers={"П-1"})
    assert sorted(found(v)) == sorted([
        ("Недопустимое значение", "Тип наставника", 3, "волонтёр"),
        ("Недопустимое значение", "Наставляет", 4, "всех"),
        ("Ожидалось «да» или «нет»", "Прошёл обучение", 5, "не знаю"),
        ("Неверная дата", "Дата приказа о закреплении", 5, "31.09.2025"),
        ("Повторяющееся значение", "ID наставника", 2, "Н-1 (также в строке 5)"),
        ("Повторяющееся значение", "ID наставника", 5, "Н-1 (также в строке 2)"),
    ])
    assert column(v, "mentor_type")[0] == "обучающийся"


# ---------------------------------------------------------------------------------------------
# mentorships


def pair_row(pid="ПАРА-1", mentor="Н-1", mtype="педагог", mentee="П-1", category="молодой специалист",
             form="учитель – учитель", program="да", start="01.09.2025", end="31.05.2026", status="в работе",
             satisfaction="5") -> list:
    return [pid, mentor, mtype, mentee, category, form, program, "https://school1.example.ru/ppn/1", start, end,
            status, satisfaction]


TEACHERS = {"П-1", "П-2", "П-3", "П-4", "П-5"}
MENTORS = {"Н-1", "Н-2"}


def test_mentorships_mentor_must_be_in_mentors_and_teacher_mentee_in_staff(check):
    rows = [PAIRS_HEADER, pair_row("ПАРА-1"), pair_row("ПАРА-2", mentor="Н-9"), pair_row("ПАРА-3", mentee="П-99"),
            pair_row("ПАРА-4", mentee=""),
            pair_row("ПАРА-5", mtype="обучающийся", mentee="", category="обучающийся", form="ученик – ученик")]
    v = check("mentorships", rows, teachers=TEACHERS, mentors=MENTORS)
    assert sorted(found(v)) == sorted([
        ("ID наставника не найден в файле «Наставники»", "ID наставника", 3, "Н-9"),
        ("ID наставляемого не найден в файле «Педагоги»", "ID наставляемого", 4, "П-99"),
        ("Не указан ID наставляемого педагога", "ID наставляемого", 5, None),
    ])


def test_mentorships_before_mentors_and_staff(check):
    v = check("mentorships", [PAIRS_HEADER, pair_row()], teachers=None, mentors=None)
    assert sorted(found(v)) == [
        ("Файл «Наставники» за этот год ещё не загружен", "ID наставника", 2, "Н-1"),
        ("Файл «Педагоги» за этот год ещё не загружен", "ID наставляемого", 2, "П-1"),
    ]


def test_mentorships_dates_form_status_satisfaction(check):
    rows = [PAIRS_HEADER,
            pair_row("ПАРА-1", start="01.09.2025", end="31.08.2025"),                  # end before start
            pair_row("ПАРА-2", start="01.01.2026", end=""),                             # starts after the year
            pair_row("ПАРА-3", satisfaction="0"), pair_row("ПАРА-4", satisfaction="6"),
            pair_row("ПАРА-5", form="дружеская"), pair_row("ПАРА-6", status="закончена"),
            pair_row("ПАРА-7", start="", end=""), pair_row("ПАРА-8", mentor="Н-2", form="учитель-учитель")]
    v = check("mentorships", rows, teachers=TEACHERS, mentors=MENTORS)
    assert sorted(found(v)) == sorted([
        ("Дата окончания раньше даты начала", "Дата окончания", 2, "31.08.2025"),
        ("Пара начинается после отчётного года", "Дата начала", 3, "01.01.2026"),
        ("Число вне допустимого диапазона", "Удовлетворённость", 4, "0"),
        ("Число вне допустимого диапазона", "Удовлетворённость", 5, "6"),
        ("Недопустимое значение", "Форма наставничества", 6, "дружеская"),
        ("Недопустимое значение", "Статус", 7, "закончена"),
        ("Не заполнено обязательное поле", "Дата начала", 8, None),
    ])
    satisfaction = next(g for g in v.report.groups if g.column == "Удовлетворённость")
    assert satisfaction.expected == "целое число от 1 до 5"
    assert column(v, "form")[7] == "учитель – учитель"       # a hyphen typed for the dash is accepted


def test_mentorships_warnings_long_programme_and_mentor_load(check):
    rows = [PAIRS_HEADER,
            pair_row("ПАРА-1", mentee="П-1", start="01.09.2025", end="01.09.2026"),     # exactly 12 months
            pair_row("ПАРА-2", mentee="П-2", start="01.09.2025", end="02.09.2026"),     # a day longer
            pair_row("ПАРА-3", mentee="П-3"),
            pair_row("ПАРА-4", mentee="П-4"),                                           # Н-1: 4 pairs в работе
            pair_row("ПАРА-5", mentor="Н-2", mentee="П-5", status="завершена", end=""),
            pair_row("ПАРА-6", mentor="Н-2", mentee="П-1"), pair_row("ПАРА-7", mentor="Н-2", mentee="П-2"),
            pair_row("ПАРА-8", mentor="Н-2", mentee="П-3")]                             # Н-2: 3 в работе
    v = check("mentorships", rows, teachers=TEACHERS, mentors=MENTORS)
    assert v.ok, v.report.to_text()
    warnings = found(v, "warning")
    assert ("Программа длиннее 12 месяцев", "Дата окончания", 3, "02.09.2026") in warnings
    load = [w for w in warnings if w[0] == "У наставника больше 3 наставляемых в работе"]
    assert [(w[2], w[3]) for w in load] == [(2, "Н-1"), (3, "Н-1"), (4, "Н-1"), (5, "Н-1")]
    assert ("Статус «завершена» без даты окончания", "Дата окончания", 6, None) in warnings
    assert len(warnings) == 6


# ---------------------------------------------------------------------------------------------
# partners


def test_inn_checksum():
    assert inn_is_valid("8608000009")
    assert not inn_is_valid("8608000000")
    assert inn_is_valid("500100732259")            # 12 digits: a person (an individual entrepreneur)
    assert not inn_is_valid("500100732258")
    assert not inn_is_valid("86080000")            # 8 digits
    assert not inn_is_valid("86080000O9")          # a letter O for a zero


def test_partners_inn_type_count_and_unique_name(check):
    rows = [PARTNERS_HEADER,
            ["Когалымский политехнический колледж", "колледж (СПО)", "8608000009", "", "", "2", "01.09.2025"],
            ["ООО «Нефтесервис»", "Предприятие (организация)", "8608000000", "", "", "0", ""],
            ["ИП Сидоров", "другое", "500100732259", "", "", "", ""],
            ["Спортшкола", "спорт", "", "", "", "-1", ""],
            ["Когалымский политехнический колледж", "вуз", "86080000", "", "", "1", ""]]
    v = check("partners", rows)
    assert sorted(found(v)) == sorted([
        ("Неверный ИНН", "ИНН", 3, "8608000000"),
        ("Неверный ИНН", "ИНН", 6, "86080000"),
        ("Недопустимое значение", "Тип партнёра", 5, "спорт"),
        ("Число вне допустимого диапазона", "Наставников от партнёра", 5, "-1"),
        ("Повторяющееся значение", "Наименование", 2, "Когалымский политехнический колледж (также в строке 6)"),
        ("Повторяющееся значение", "Наименование", 6, "Когалымский политехнический колледж (также в строке 2)"),
    ])
    inn = next(g for g in v.report.groups if g.problem == "Неверный ИНН")
    assert inn.expected == "10 или 12 цифр с верной контрольной суммой"


# ---------------------------------------------------------------------------------------------
# events


def test_events_date_in_year_and_allowed_values(check):
    rows = [EVENTS_HEADER,
            ["15.10.2025", "Городской семинар", "муниципальный", "для наставников и наставляемых", "участник", "12",
             "участие", "https://uo.example.ru/news/1"],
            ["31.12.2024", "Семинар", "Муниципальный", "конкурс", "организатор", "", "призер", ""],
            ["01.03.2025", "Форум", "всероссийский", "форум", "зритель", "-3", "лауреат", "uo.example.ru"],
            ["", "Без даты", "ОО", "информирование", "организатор", "", "", ""]]
    v = check("events", rows)
    assert sorted(found(v)) == sorted([
        ("Дата вне отчётного года", "Дата", 3, "31.12.2024"),
        ("Недопустимое значение", "Уровень", 4, "всероссийский"),
        ("Недопустимое значение", "Вид", 4, "форум"),
        ("Недопустимое значение", "Роль", 4, "зритель"),
        ("Недопустимое значение", "Результат", 4, "лауреат"),
        ("Число вне допустимого диапазона", "Участников", 4, "-3"),
        ("Неверный формат", "Ссылка", 4, "uo.example.ru"),
        ("Не заполнено обязательное поле", "Дата", 5, None),
    ])
    assert column(v, "result")[1] == "призёр"               # «призер» without «ё» is accepted


# ---------------------------------------------------------------------------------------------
# students


def test_students_one_row_of_totals(check):
    v = check("students", [STUDENTS_HEADER, ["851", "520", "60", "15"]])
    assert v.ok and v.report.groups == []
    two = check("students", [STUDENTS_HEADER, ["851", "520", "60", "15"], ["10", "5", "1", "1"]])
    assert found(two) == [("Лишние строки", None, 3, "2 строки с данными")]


def test_students_parts_not_above_totals(check):
    v = check("students", [STUDENTS_HEADER, ["100", "120", "130", "-1"]])
    assert sorted(found(v)) == sorted([
        ("Больше, чем «Обучающихся всего»", "В возрасте 10–18 лет", 2, "120"),
        ("Больше, чем «Обучающихся всего»", "Наставляемых обучающихся", 2, "130"),
        ("Число вне допустимого диапазона", "Обучающихся-наставников", 2, "-1"),
    ])
    # More mentees than students aged 10-18 is possible (younger mentees): a warning only.
    w = check("students", [STUDENTS_HEADER, ["850", "50", "60", "15"]])
    assert w.ok
    assert found(w, "warning") == [("Больше, чем «В возрасте 10–18 лет»", "Наставляемых обучающихся", 2, "60")]


# ---------------------------------------------------------------------------------------------
# organizations (the department's registry)


def test_organizations_code_type_inn_site(check):
    rows = [ORGS_HEADER,
            ["СОШ1", "Школа № 1", "СОШ № 1", "общеобразовательная", "", "8608000009", "https://school1.example.ru"],
            ["СОШ 2", "Школа № 2", "СОШ № 2", "школа", "", "8608000000", "school2"],
            ["СОШ1", "Школа № 1 (дубль)", "СОШ № 1", "общеобразовательная", "", "", ""]]
    v = check("organizations", rows, year=None)
    assert sorted(found(v)) == sorted([
        ("Неверный формат", "Код ОО", 3, "СОШ 2"),
        ("Недопустимое значение", "Тип ОО", 3, "школа"),
        ("Неверный ИНН", "ИНН", 3, "8608000000"),
        ("Неверный формат", "Сайт", 3, "school2"),
        ("Повторяющееся значение", "Код ОО", 2, "СОШ1 (также в строке 4)"),
        ("Повторяющееся значение", "Код ОО", 4, "СОШ1 (также в строке 2)"),
    ])


# ---------------------------------------------------------------------------------------------
# Across datasets, through the warehouse: the organization's own files for the same year


def test_mentor_teacher_must_be_in_this_organizations_staff_for_the_year(load_bytes, make_csv, fixture_bytes):
    assert load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv")).outcome == "loaded"   # СОШ1, 2025
    kg_staff = make_csv([STAFF_HEADER, staff_row("ДС-7", position="воспитатель")])
    assert load_bytes("staff", kg_staff, org="ДС2").outcome == "loaded"

    mentors = make_csv([MENTORS_HEADER, mentor_row("Н-01", teacher="П-002"), mentor_row("Н-02", teacher="ДС-7")])
    result = load_bytes("mentors", mentors)
    assert result.outcome == "rejected"
    assert found(result.prepared) == [("ID педагога не найден в файле «Педагоги»", "ID педагога", 3, "ДС-7")]
    # The kindergarten's teacher is fine in the kindergarten's own file.
    ok = load_bytes("mentors", make_csv([MENTORS_HEADER, mentor_row("Н-02", teacher="ДС-7")]), org="ДС2")
    assert ok.outcome == "loaded"
    # The staff of 2025 says nothing about 2026.
    next_year = load_bytes("mentors", make_csv([MENTORS_HEADER, mentor_row("Н-01", teacher="П-002")]), year=2026)
    assert next_year.outcome == "rejected"
    assert found(next_year.prepared)[0][0] == "Файл «Педагоги» за этот год ещё не загружен"


def test_pair_mentor_must_be_in_this_organizations_mentors_and_mentee_in_staff(load_bytes, make_csv,
                                                                                  fixture_bytes):
    load_bytes("staff", fixture_bytes("staff_cp1251_semicolon.csv"))
    assert load_bytes("mentors", make_csv([MENTORS_HEADER, mentor_row("Н-01", teacher="П-002")])).outcome == "loaded"
    kg_mentors = make_csv([MENTORS_HEADER, mentor_row("Н-09", kind="другое", teacher="")])
    assert load_bytes("mentors", kg_mentors, org="ДС2").outcome == "loaded"

    pairs = make_csv([PAIRS_HEADER, pair_row("ПАРА-1", mentor="Н-01", mentee="П-001"),
                      pair_row("ПАРА-2", mentor="Н-09", mentee="П-003"),
                      pair_row("ПАРА-3", mentor="Н-01", mentee="П-777")])
    result = load_bytes("mentorships", pairs)
    assert result.outcome == "rejected"
    assert sorted(found(result.prepared)) == [
        ("ID наставляемого не найден в файле «Педагоги»", "ID наставляемого", 4, "П-777"),
        ("ID наставника не найден в файле «Наставники»", "ID наставника", 3, "Н-09"),
    ]
    fixed = make_csv([PAIRS_HEADER, pair_row("ПАРА-1", mentor="Н-01", mentee="П-001")])
    assert load_bytes("mentorships", fixed).outcome == "loaded"


# ---------------------------------------------------------------------------------------------
# Optional columns left out


@pytest.mark.parametrize("name", list(DATASETS))
def test_file_of_only_the_required_columns_is_checked_without_internal_errors(check, name):
    ds = DATASETS[name]
    required = [f for f in ds.fields if f.required]
    rows = [[f.title for f in required], [f.example for f in required]]
    v = check(name, rows, year=None if ds.registry else YEAR, teachers={"П-001", "П-002"}, mentors={"Н-01"})
    problems = {g.problem for g in v.report.groups}
    assert "Внутренняя ошибка проверки" not in problems
    if name == "roadmap":       # «выполнено» in the example: the missing date is an error, the link a warning
        assert found(v) == [("Не указана дата выполнения", "Дата выполнения", 2, None)]
    elif name == "mentorships":  # a «педагог» mentee needs the ID column
        assert found(v) == [("Не указан ID наставляемого педагога", "ID наставляемого", 2, None)]
    elif name == "mentors":      # a «педагог» mentor needs the ID column
        assert found(v) == [("Не указан ID педагога у наставника-педагога", "ID педагога", 2, None)]
    elif name == "students":     # every column is required: the row is the template's example row, skipped
        assert found(v) == [("В файле нет строк с данными", None, 2, None)]
        assert found(v, "warning") == [("Строка-пример из шаблона пропущена", None, 2,
                                        "строка совпадает с примером из шаблона")]
    else:
        assert v.ok and problems == set(), v.report.to_text()
