"""Data tests of the figure views on a small hand-made warehouse whose answers were computed by hand.

The city: a school SCH, a kindergarten DS, the department UO, and EMPTY, which uploads nothing.
Expected figures are written next to the rows that produce them.
"""

from __future__ import annotations

import inspect
from datetime import date, datetime

import pandas as pd
import pytest

from ingest.load import load_file
from warehouse import db, facts, queries, settings, snapshots

ALL = {"SCH", "DS", "UO", "EMPTY"}

REGISTRY = """Код ОО;Полное наименование;Краткое наименование;Тип ОО
SCH;Школа;Школа;общеобразовательная
DS;Детский сад;Детсад;дошкольная
UO;Управление образования;УО;орган управления образованием
EMPTY;Молчащий детский сад;Молчун;дошкольная
"""

# Young = age < 35 and at most 3 years in the organization: T1, T2 (T3 has 4 years, T4 is 35).
SCH_STAFF = """ID педагога;Должность;Возраст;Стаж в ОО;Затруднения
T1;учитель;25;1;нет
T2;учитель;30;3;нет
T3;учитель;34;4;нет
T4;учитель;35;0;нет
T5;учитель;50;20;да
T6;учитель;45;10;нет
"""
SCH_MENTORS = """ID наставника;ФИО;Тип наставника;ID педагога;Наставляет;Прошёл обучение
M1;Первая Анна Ивановна;педагог;T6;педагогов и обучающихся;да
M2;Второй Пётр Петрович;студент;;обучающихся;нет
M3;Третья Вера Олеговна;педагог;T5;педагогов;да
"""
# T1 covered (в работе); T2 only «планируется» -> not covered; T5 (difficulties) covered by a completed pair.
# M1 has 4 pairs «в работе» (P1, P5, P6, P7) -> overloaded.
SCH_PAIRS = """ID пары;ID наставника;Тип наставляемого;ID наставляемого;Категория наставляемого;Форма наставничества;Дата начала;Дата окончания;Статус
P1;M1;педагог;T1;молодой специалист;учитель – учитель;01.09.2025;31.05.2026;в работе
P2;M1;педагог;T2;молодой специалист;учитель – учитель;01.12.2025;;планируется
P3;M3;педагог;T5;педагог с профессиональными затруднениями;учитель – учитель;01.02.2025;30.06.2025;завершена
P4;M2;обучающийся;;обучающийся;студент – ученик;01.09.2025;;в работе
P5;M1;обучающийся;;обучающийся;ученик – ученик;01.09.2025;;в работе
P6;M1;обучающийся;;обучающийся;ученик – ученик;01.09.2025;;в работе
P7;M1;обучающийся;;обучающийся;ученик – ученик;01.09.2025;;в работе
"""
# Applicable in 2025: every item but 8 (no contest) = 10; minus «не требуется» (6) = 9; done 1,5,9,10 = 4 -> 44,4 %.
# Item 11 is missing from the file -> «нет отчёта», and counts as not done (the school cannot reach 100 % by
# listing only its finished items).
SCH_ROADMAP_2025 = """Пункт;Статус;Дата выполнения;Ссылка на результат
1;выполнено;15.03.2025;https://sch.example.ru/1
2;в работе;;
3;не начато;;
4;в работе;;
5;выполнено;20.04.2025;https://sch.example.ru/5
6;не требуется;;
7;в работе;;
8;не требуется;;
9;выполнено;10.05.2025;https://sch.example.ru/9
10;выполнено;01.06.2025;https://sch.example.ru/10
"""
SCH_ROADMAP_2026 = """Пункт;Статус
8;в работе
"""
SCH_PARTNERS = """Наименование;Тип партнёра;Наставников от партнёра
Университет;вуз;2
Фонд;НКО;0
"""
SCH_EVENTS = """Дата;Название;Уровень;Вид;Роль
10.03.2025;Семинар;муниципальный;для наставников и наставляемых;участник
12.04.2025;Форум;региональный;представление практики;участник
14.05.2025;Школьный день;ОО;представление практики;организатор
"""
SCH_STUDENTS = """Обучающихся всего;В возрасте 10–18 лет;Наставляемых обучающихся;Обучающихся-наставников
500;300;30;10
"""
DS_STAFF = """ID педагога;Должность;Возраст;Стаж в ОО
D1;воспитатель;24;0
D2;воспитатель;40;12
"""
DS_MENTORS = """ID наставника;ФИО;Тип наставника;ID педагога;Наставляет
DM1;Четвёртая Ольга Сергеевна;педагог;D2;педагогов
"""
UO_ROADMAP = "Пункт;Статус;Дата выполнения;Ссылка на результат\n" + "".join(
    f"{i};выполнено;01.0{1 + i % 9}.2025;https://uo.example.ru/{i}\n" for i in range(1, 12))


def _load(conn, text: str, dataset: str, org=None, year=None, at=None):
    r = load_file(conn, text.encode("utf-8"), f"{dataset}.csv", dataset, org, year, user="test", at=at)
    assert r.outcome == "loaded", r.report.to_text()


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    c = db.connect(tmp_path_factory.mktemp("views") / "w.duckdb")
    _load(c, REGISTRY, "organizations")
    on_time, late = datetime(2025, 10, 20, 10), datetime(2025, 11, 5, 10)
    _load(c, SCH_STAFF, "staff", "SCH", 2025)
    _load(c, SCH_MENTORS, "mentors", "SCH", 2025, at=on_time)
    _load(c, SCH_PAIRS, "mentorships", "SCH", 2025)
    _load(c, SCH_ROADMAP_2025, "roadmap", "SCH", 2025)
    _load(c, SCH_ROADMAP_2026, "roadmap", "SCH", 2026)
    _load(c, SCH_PARTNERS, "partners", "SCH", 2025)
    _load(c, SCH_EVENTS, "events", "SCH", 2025)
    _load(c, SCH_STUDENTS, "students", "SCH", 2025)
    _load(c, DS_STAFF, "staff", "DS", 2025)
    _load(c, DS_MENTORS, "mentors", "DS", 2025, at=late)
    _load(c, "Наименование;Тип партнёра\n", "partners", "DS", 2025)   # "we have no partners"
    _load(c, UO_ROADMAP, "roadmap", "UO", 2025)
    yield c
    c.close()


def kpi(conn, org, year=2025, as_of=date(2025, 11, 15)):
    frame = queries.org_kpi(conn, {org}, year, as_of)
    assert len(frame) == 1
    return frame.iloc[0]


def test_young_teacher_coverage_counts_only_pairs_in_work_or_completed(conn):
    k = kpi(conn, "SCH")
    assert (k.teachers, k.young_teachers, k.young_covered, k.young_coverage_pct) == (6, 2, 1, 50.0)
    uncovered = queries.uncovered_young_teachers(conn, {"SCH"}, 2025)
    assert list(uncovered["teacher_id"]) == ["T2"]


def test_coverage_is_missing_not_zero_without_a_pairs_file(conn):
    k = kpi(conn, "DS")
    assert k.young_teachers == 1
    assert k.young_covered is None or str(k.young_covered) == "<NA>"
    assert k.young_coverage_pct != k.young_coverage_pct  # NaN: «нет данных»
    assert queries.uncovered_young_teachers(conn, {"DS"}, 2025).empty  # unknown, so not listed as uncovered


def test_teachers_with_difficulties_covered(conn):
    k = kpi(conn, "SCH")
    assert (k.teachers_with_difficulties, k.difficulties_covered) == (1, 1)


def test_mentor_counts_share_and_load(conn):
    k = kpi(conn, "SCH")
    assert (k.mentors, k.mentors_teachers, k.mentors_university_students) == (3, 2, 1)
    assert (k.mentors_of_teachers, k.mentors_of_students) == (2, 2)   # M1 counts in both
    assert k.teachers_mentor_pct == pytest.approx(33.3)                # T5, T6 of 6 teachers
    assert k.mentors_overloaded == 1                                   # M1: 4 pairs in work
    assert (k.pairs, k.pairs_active, k.pairs_completed) == (7, 5, 1)
    base = queries.mentor_base(conn, {"SCH"}, 2025).set_index("mentor_id")
    assert base.loc["M1", "active_mentees"] == 4 and bool(base.loc["M1", "overloaded"])
    assert base.loc["M3", "active_mentees"] == 0


def test_roadmap_done_share_overdue_and_unreported(conn):
    k = kpi(conn, "SCH", as_of=date(2025, 11, 15))
    assert (k.items_done, k.items_due, k.done_pct) == (4, 9, 44.4)
    assert k.items_overdue == 1          # only item 4: due 31.10, still «в работе»
    assert k.items_unreported == 1       # item 11 is not in the file
    k_next_year = kpi(conn, "SCH", as_of=date(2026, 1, 10))
    assert k_next_year.items_overdue == 4  # items 2, 3, 4, 7 after 31.12


def test_roadmap_status_shown_per_item(conn):
    rm = queries.roadmap(conn, {"SCH"}, 2025, date(2025, 11, 15)).set_index("item")
    assert rm.loc[4, "status_shown"] == "просрочено"
    assert rm.loc[2, "status_shown"] == "в работе"          # due 31.12, not yet overdue
    assert rm.loc[8, "status_shown"] == "не требуется"      # no contest in 2025
    assert rm.loc[11, "status_shown"] == "нет отчёта"
    assert rm.loc[1, "status_shown"] == "выполнено"
    assert str(rm.loc[4, "due_date"].date()) == "2025-10-31"


@pytest.mark.parametrize("as_of", [date(2025, 3, 1), date(2025, 11, 15), date(2026, 1, 10), date(2026, 11, 1)])
def test_overdue_items_are_the_overdue_rows_of_roadmap_status(conn, as_of):
    """overdue_items expands bit masks; roadmap_status judges row by row; mart_org_kpi counts bits."""
    for year in (2025, 2026):
        rm = queries.roadmap(conn, ALL, year, as_of)
        listed = queries.overdue_items(conn, ALL, year, as_of)
        assert sorted(zip(listed["org_code"], listed["item"], strict=True)) == sorted(
            zip(rm.loc[rm["overdue"], "org_code"], rm.loc[rm["overdue"], "item"], strict=True))
        assert (rm.loc[rm["overdue"], "status_shown"] == "просрочено").all()
        assert queries.org_kpi(conn, ALL, year, as_of)["items_overdue"].fillna(0).sum() == len(listed)
    late = queries.overdue_items(conn, ALL, 2025, date(2026, 1, 10))
    assert late["item"].tolist() == [4, 2, 3, 7]          # SCH, by due date: 31.10, then 31.12


def test_item_8_applies_in_contest_years_and_is_overdue_after_october(conn):
    rm = queries.roadmap(conn, {"SCH"}, 2026, date(2026, 11, 24)).set_index("item")
    assert bool(rm.loc[8, "applicable"]) and rm.loc[8, "status_shown"] == "просрочено"
    assert rm.loc[1, "status_shown"] == "нет отчёта"          # not in the 2026 file
    before = queries.roadmap(conn, {"SCH"}, 2026, date(2026, 10, 31)).set_index("item")
    assert before.loc[8, "status_shown"] == "в работе"        # the due day itself is not overdue
    assert not bool(queries.roadmap(conn, {"SCH"}, 2027, date(2027, 12, 1)).set_index("item").loc[8, "applicable"])


def test_department_items_3_and_10_do_not_apply(conn):
    k = kpi(conn, "UO")
    assert (k.items_done, k.items_due, k.done_pct, k.items_overdue) == (8, 8, 100.0, 0)
    rm = queries.roadmap(conn, {"UO"}, 2025, date(2025, 12, 1)).set_index("item")
    assert rm.loc[3, "status_shown"] == rm.loc[10, "status_shown"] == "не требуется"


def test_no_roadmap_report_is_missing_not_zero(conn):
    k = kpi(conn, "DS")
    assert not k.roadmap_reported
    assert k.done_pct != k.done_pct                      # NaN: «нет данных», not 0 %
    assert str(k.items_overdue) == "<NA>"
    rm = queries.roadmap(conn, {"DS"}, 2025, date(2025, 12, 1)).set_index("item")
    assert set(rm.drop(index=8)["status_shown"]) == {"нет отчёта"}
    assert rm.loc[8, "status_shown"] == "не требуется"   # no contest in 2025, report or not


def test_mentor_base_freshness_item_4(conn):
    assert bool(kpi(conn, "SCH").mentor_base_on_time) is True     # arrived 20.10.2025
    assert bool(kpi(conn, "DS").mentor_base_on_time) is False      # arrived 05.11.2025
    assert bool(kpi(conn, "EMPTY").mentor_base_on_time) is False   # owes it, none by 15.11.2025
    assert str(kpi(conn, "EMPTY", as_of=date(2025, 10, 31)).mentor_base_on_time) == "<NA>"   # not due yet
    assert str(kpi(conn, "UO").mentor_base_on_time) == "<NA>"      # the department owes no mentors file
    states = queries.mentor_base_on_time(conn, ALL, 2025, date(2025, 11, 15)).set_index("org_code")
    assert states["mentor_base_state"].to_dict() == {"EMPTY": "нет файла", "DS": "с опозданием", "SCH": "в срок"}
    city = queries.city_summary(conn, ALL, 2025, date(2025, 11, 15))
    assert (city["mentor_base_expected"], city["mentor_base_on_time"], city["mentor_base_late"]) == (3, 1, 2)


def test_partners_none_versus_not_reported(conn):
    assert (kpi(conn, "SCH").partners, kpi(conn, "SCH").partners_with_mentors) == (2, 1)
    assert kpi(conn, "DS").partners == 0                     # a header-only file: «нет партнёров»
    assert str(kpi(conn, "UO").partners) == "<NA>"           # no file at all
    city = queries.city_summary(conn, ALL, 2025, date(2025, 12, 1))
    assert (city["orgs_with_partners"], city["partners_reported"], city["partners"]) == (1, 2, 2)


def test_events_and_students(conn):
    k = kpi(conn, "SCH")
    assert (k.events, k.events_item5, k.practices, k.practices_regional_federal) == (3, 1, 2, 1)
    assert k.mentee_students_pct == 10.0


def test_completeness_and_missing_uploads(conn):
    comp = queries.completeness(conn, ALL, 2025)
    assert len(comp) == 4 * 7                                  # organizations × datasets, one row each
    assert comp.groupby("org_code")["uploaded"].sum().to_dict() == {"SCH": 7, "DS": 3, "UO": 1, "EMPTY": 0}
    # Kindergartens owe no students file; the department owes only roadmap and events.
    assert comp.groupby("org_code")["expected"].sum().to_dict() == {"SCH": 7, "DS": 6, "UO": 2, "EMPTY": 6}
    missing = queries.missing_uploads(conn, ALL, 2025).set_index("org_code")
    assert missing.loc["EMPTY", "missing"] == 6
    assert missing.loc["DS", "datasets"] == "Дорожная карта, Наставнические пары, Мероприятия"
    assert missing.loc["UO", "datasets"] == "Мероприятия"
    assert "SCH" not in missing.index
    state = comp.set_index(["org_code", "dataset"])["state"]
    assert (state["DS", "students"], state["DS", "roadmap"], state["DS", "staff"]) == (
        "не требуется", "нет файла", "загружен")
    assert kpi(conn, "EMPTY").datasets_uploaded == 0


def test_city_summary_sums_only_what_was_reported(conn):
    city = queries.city_summary(conn, ALL, 2025, date(2025, 11, 15))
    assert city["organizations"] == 4
    assert (city["items_done"], city["items_due"], city["done_pct"]) == (12, 17, 70.6)   # SCH 4/9 + UO 8/8
    assert city["items_unreported"] == 1                                                  # SCH's item 11
    assert (city["young_teachers"], city["young_covered"], city["young_coverage_pct"]) == (2, 1, 50.0)  # DS unknown
    assert city["mentors"] == 4 and city["orgs_without_uploads"] == 1


def test_monitoring_puts_previous_year_beside(conn):
    mon = queries.monitoring(conn, {"SCH"}, 2026, date(2026, 11, 24)).iloc[0]
    assert mon.done_pct_prev == 44.4 and mon.teachers_prev == 6
    assert (mon.young_teachers_prev, mon.young_covered_prev, mon.young_coverage_pct_prev) == (2, 1, 50.0)
    assert (mon.mentee_students_prev, mon.mentor_students_prev, mon.mentee_students_pct_prev) == (30, 10, 10.0)
    assert mon.done_pct == 0.0 and mon.items_unreported == 10   # 2026: only item 8 «в работе», of 11
    assert str(mon.teachers) == "<NA>"                         # no staff file for 2026


def _scoped_queries():
    """Every query function that takes a scope, with arguments for the year 2025."""
    for name, fn in inspect.getmembers(queries, inspect.isfunction):
        params = inspect.signature(fn).parameters
        if name.startswith("_") or fn.__module__ != queries.__name__ or "scope" not in params:
            continue
        args = {"year": 2025, "which": "no_partners"}
        yield name, fn, [args[p] for p in params if p in args and params[p].default is inspect.Parameter.empty]


def test_empty_scope_returns_nothing(conn):
    checked = 0
    for name, fn, args in _scoped_queries():
        result = fn(conn, set(), *args)
        if isinstance(result, dict):
            assert result["organizations"] == 0, name
        elif isinstance(result, queries.Scope):
            assert result == (), name
        else:
            assert result.empty, name
        checked += 1
    assert checked >= 25


def test_scope_limits_every_query(conn):
    """With only the kindergarten in scope, no query returns another organization's code or name."""
    for name, fn, args in _scoped_queries():
        result = fn(conn, {"DS"}, *args)
        if isinstance(result, dict):
            assert result["organizations"] == 1, name
            continue
        if isinstance(result, queries.Scope):
            assert result == ("DS",), name
            continue
        for col in ("org_code", "short_name", "organization"):
            if col in result:
                assert set(result[col]) <= {"DS", "Детсад"}, (name, col)
    assert queries.mentor_base(conn, {"DS"}, 2025)["mentor_id"].tolist() == ["DM1"]
    assert queries.partners(conn, {"DS"}, 2025).empty


def test_aggregate_queries_count_what_the_lists_hold(conn):
    """The counts a page charts over many organizations are the counts of the rows it would list."""
    as_of = date(2025, 11, 15)
    rm = queries.roadmap(conn, ALL, 2025, as_of)
    counts = queries.roadmap_status_counts(conn, ALL, 2025, as_of)
    by_hand = rm.groupby(["item", "status_shown"]).size()
    assert counts.set_index(["item", "status_shown"])["organizations"].sort_index().to_dict() == by_hand.to_dict()
    comp = queries.completeness(conn, ALL, 2025)
    ccounts = queries.completeness_counts(conn, ALL, 2025).set_index(["dataset", "state"])["organizations"]
    assert ccounts.sort_index().to_dict() == comp.groupby(["dataset", "state"]).size().to_dict()
    # The school's mentors: M1 педагог (both), M2 студент (обучающихся), M3 педагог (педагогов); M1 overloaded.
    mc = queries.mentor_counts(conn, {"SCH"}, 2025)
    assert mc[["mentor_type", "mentors_whom", "mentors", "overloaded"]].values.tolist() == [
        ["педагог", "педагогов", 1, 0], ["педагог", "педагогов и обучающихся", 1, 1], ["студент", "обучающихся", 1, 0]]
    by_org = queries.mentors_by_org(conn, ALL, 2025, top=1)         # the school has 3 mentors, the kindergarten 1
    assert set(by_org["short_name"]) == {"Школа"} and by_org["n"].sum() == 3 and (by_org["orgs_total"] == 2).all()
    pc = queries.partner_counts(conn, ALL, 2025)
    assert pc[["partner_type", "provides_mentors", "partners"]].values.tolist() == [["НКО", "нет", 1], ["вуз", "да", 1]]
    ek = queries.events_by_kind(conn, ALL, 2025)
    assert dict(zip(zip(ek["kind"], ek["level"], strict=True), ek["events"], strict=True)) == {
        ("для наставников и наставляемых", "муниципальный"): 1, ("представление практики", "региональный"): 1,
        ("представление практики", "ОО"): 1}
    assert queries.lowest_coverage(conn, ALL, 2025, as_of, limit=5)["org_code"].tolist() == ["SCH"]   # 50 %
    assert queries.org_names(conn, ALL, 2025, "no_partners")["org_code"].tolist() == ["DS"]
    # item 10 does not apply to the department: it is not «не прислали сведения»
    assert queries.org_names(conn, ALL, 2025, "partners_missing")["org_code"].tolist() == ["EMPTY"]


def test_a_limited_list_says_how_many_rows_there_are(conn):
    full = queries.completeness(conn, ALL, 2025)
    first = queries.completeness(conn, ALL, 2025, limit=5)
    assert len(first) == 5 and (first["total_rows"] == len(full)).all()
    assert first.drop(columns="total_rows").equals(full.head(5))
    assert len(queries.completeness(conn, ALL, 2025, limit=500)) == len(full)
    relevant = queries.completeness(conn, ALL, 2025, relevant=True)
    first = queries.completeness(conn, ALL, 2025, relevant=True, limit=9)
    assert len(relevant) < len(full) and (first["total_rows"] == len(relevant)).all()
    assert first.drop(columns="total_rows").equals(relevant.head(9))
    late = date(2026, 1, 10)
    overdue = queries.overdue_items(conn, ALL, 2025, late)
    first = queries.overdue_items(conn, ALL, 2025, late, limit=3)
    assert len(first) == 3 and len(overdue) == 4 and (first["total_rows"] == 4).all()
    assert first.drop(columns="total_rows").equals(overdue.head(3))
    kpis = queries.org_kpi(conn, ALL, 2025, late)
    first = queries.org_kpi(conn, ALL, 2025, late, limit=2)
    assert len(first) == 2 and len(kpis) == 4 and (first["total_rows"] == 4).all()
    pd.testing.assert_frame_equal(first.drop(columns="total_rows"), kpis.head(2), check_dtype=False)
    assert queries.uncovered_young_teachers(conn, set(), 2025, limit=5).empty


@pytest.mark.parametrize("year", [2025, 2026])
def test_data_invariants(conn, year):
    """Data tests beside the views: unique keys, covered ≤ total, shares between 0 and 100."""
    k = queries.org_kpi(conn, ALL, year, date(2026, 11, 24))
    assert k["org_code"].is_unique
    for part, whole in (("young_covered", "young_teachers"), ("difficulties_covered", "teachers_with_difficulties"),
                        ("items_done", "items_due"), ("mentors_overloaded", "mentors"),
                        ("partners_with_mentors", "partners"), ("pairs_active", "pairs")):
        both = k[[part, whole]].dropna()
        assert (both[part] <= both[whole]).all(), part
    for pct in [c for c in k.columns if c.endswith("_pct")]:
        assert k[pct].dropna().between(0, 100).all(), pct
    rm = conn.execute("select org_code, year, item, count(*) n from mart_roadmap(current_date) group by all "
                      "having n > 1").fetchall()
    assert rm == []
    assert conn.execute("select count(*) from mart_completeness").fetchone()[0] == 4 * 4 * 7


def test_city_totals_are_aggregates_over_the_whole_registry(conn):
    town = queries.city_totals(conn, 2025, date(2025, 11, 15))
    assert town == queries.city_summary(conn, ALL, 2025, date(2025, 11, 15))
    assert all(not isinstance(v, pd.DataFrame) for v in town.values())


def test_event_queries_count_what_the_events_page_shows(conn):
    assert len(queries.events(conn, ALL, 2025)) == 3 and queries.events(conn, ALL, 2026).empty
    practices = queries.regional_practices(conn, ALL, 2025)
    assert list(practices["title"]) == ["Форум"]                  # the school-level practice is not counted
    per_month = queries.events_per_month(conn, ALL)
    assert per_month["events"].sum() == 3 and len(per_month) == 6      # 3 months × 2 kinds, 0 where none
    assert queries.contest_events(conn, ALL).empty
    partners = queries.partners(conn, {"SCH"}, 2025).set_index("name")
    assert partners.loc["Университет", "provides_mentors"] == "да" and partners.loc["Фонд", "provides_mentors"] == "нет"


def _facts(conn) -> dict[str, list[tuple]]:
    return {name: conn.execute(f"select * from fact_{name} order by all").fetchall() for name in facts.FACTS}


def test_facts_kept_by_uploads_and_restores_equal_a_full_rebuild(tmp_path):
    """The fact tables, refreshed one (organization, year) at a time by each upload and restore, are what
    recomputing everything gives; and a changed facts.sql rebuilds them when the warehouse is opened."""
    path = tmp_path / "f.duckdb"
    c = db.connect(path)
    _load(c, REGISTRY, "organizations")
    for text, dataset in ((SCH_STAFF, "staff"), (SCH_MENTORS, "mentors"), (SCH_PAIRS, "mentorships"),
                          (SCH_ROADMAP_2025, "roadmap"), (SCH_EVENTS, "events")):
        _load(c, text, dataset, "SCH", 2025)
    # A second version drops T1's pair (T1 no longer covered), then the first version is restored.
    _load(c, SCH_PAIRS.replace("P1;M1;педагог;T1", "P1;M1;педагог;T3"), "mentorships", "SCH", 2025)
    after_replace = _facts(c)
    assert queries.org_kpi(c, {"SCH"}, 2025)["young_covered"].iloc[0] == 0
    snapshots.restore(c, "mentorships", "SCH", 2025, 1, user="test")
    assert queries.org_kpi(c, {"SCH"}, 2025)["young_covered"].iloc[0] == 1
    kept = _facts(c)
    assert kept != after_replace
    c.execute("begin transaction")
    facts.rebuild(c)
    c.execute("commit")
    assert _facts(c) == kept
    # An older facts.sql (another digest) or missing tables: rebuilt on the next opening for writing.
    settings.put(c, "facts_digest", "old")
    c.execute("drop table fact_mentor")
    c.close()
    c = db.connect(path)
    assert _facts(c) == kept
    assert settings.get(c, "facts_digest") == facts.digest()
    c.close()


def test_names_sort_as_people_read_them(conn):
    """«СОШ № 2» before «СОШ № 10» (issue 16): natural_key pads every run of digits."""
    names = ["МАОУ «СОШ № 10»", "МАОУ «СОШ № 2»", "МАОУ «СОШ № 1»", "ДС11", "ДС7", "Гимназия"]
    got = [r[0] for r in conn.execute(
        "select s from (select unnest(?::varchar[]) as s) order by natural_key(s), s", [names]).fetchall()]
    assert got == ["Гимназия", "ДС7", "ДС11", "МАОУ «СОШ № 1»", "МАОУ «СОШ № 2»", "МАОУ «СОШ № 10»"]
    assert list(queries.organizations(conn, ALL)["short_name"]) == ["Детсад", "Молчун", "УО", "Школа"]


def test_events_per_month_has_every_month_with_zero_between_events(conn):
    """The monthly line goes down to 0 in a month without events instead of straight across it."""
    months = queries.events_per_month(conn, ALL)
    assert not months.empty
    per_kind = months.groupby("kind")["month"].apply(list)
    span = pd.date_range(months["month"].min(), months["month"].max(), freq="MS")
    for kind, got in per_kind.items():
        assert list(pd.to_datetime(got)) == list(span), kind
    assert months["events"].sum() == conn.execute(
        "select count(*) from stg_events where event_date is not null").fetchone()[0]


def test_upload_history_of_one_year_newest_first(conn):
    """«История загрузок» under the 2026 filter: no 2025 rows, the newest upload first (by time, not by id:
    the mentors file of 2025 was loaded «late», with an earlier id than the uploads after it)."""
    log = snapshots.upload_log(conn, sorted(ALL), year=2026)
    assert set(log["year"]) == {2026} and len(log) >= 1
    everything = snapshots.upload_log(conn, sorted(ALL), limit=1000)
    assert list(everything["uploaded_at"]) == sorted(everything["uploaded_at"], reverse=True)
    assert {2025, 2026} <= set(everything["year"])
