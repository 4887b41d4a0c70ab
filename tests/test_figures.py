"""Data tests of issue 13's rules on a small hand-made warehouse whose answers were computed by hand.

The city of 2026 (a contest year): a school SCH, the department UO, kindergartens DS (mentors file on
31.10 at 23:00) and LATE (mentors file on 01.11 at 00:30). Expected figures are written beside the rows
that produce them.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ingest.load import load_file, prepare
from tests.test_views import _load
from warehouse import db, queries, russian, snapshots

YEAR = 2026
AS_OF = date(2026, 11, 15)
ALL = {"SCH", "UO", "DS", "LATE"}

REGISTRY = """Код ОО;Полное наименование;Краткое наименование;Тип ОО
SCH;Школа;Школа;общеобразовательная
UO;Управление образования;УО;орган управления образованием
DS;Детский сад;Детсад;дошкольная
LATE;Поздний детский сад;Поздний;дошкольная
"""
# Version 1: four teachers; T1 young. Version 2 (after the mentors and pairs): only T1 stays, so the mentors
# M1 (T2) and M2 (T3) and the pair P5 (mentee T4) name teachers the staff file no longer has.
STAFF_V1 = """ID педагога;Должность;Возраст;Стаж в ОО
T1;учитель;25;1
T2;учитель;50;20
T3;учитель;45;10
T4;учитель;40;5
"""
STAFF_V2 = """ID педагога;Должность;Возраст;Стаж в ОО
T1;учитель;25;1
"""
MENTORS = """ID наставника;ФИО;Тип наставника;ID педагога;Наставляет;Прошёл обучение
M1;Первая Анна Ивановна;педагог;T2;педагогов и обучающихся;да
M2;Второй Пётр Петрович;педагог;T3;обучающихся;нет
M3;Третий Иван Ильич;обучающийся;;обучающихся;да
"""
# 5 pairs: в работе 1, завершена 2, прервана 1, планируется 1; ППН 2; satisfaction 5, 4, 3 -> 4,0.
PAIRS = """ID пары;ID наставника;Тип наставляемого;ID наставляемого;Категория наставляемого;Форма наставничества;ППН;Дата начала;Дата окончания;Статус;Удовлетворённость
P1;M1;педагог;T1;молодой специалист;учитель – учитель;да;01.09.2026;;в работе;5
P2;M1;обучающийся;;обучающийся;ученик – ученик;нет;01.02.2026;30.05.2026;завершена;4
P3;M2;обучающийся;;обучающийся;ученик – ученик;нет;01.02.2026;01.04.2026;прервана;
P4;M3;обучающийся;;обучающийся;ученик – ученик;нет;01.12.2026;;планируется;
P5;M2;педагог;T4;новый сотрудник или после перерыва;учитель – учитель;да;01.02.2026;30.06.2026;завершена;3
"""
PARTNERS = """Наименование;Тип партнёра;Наставников от партнёра
Университет;вуз;2
"""
# 2026: 50 of 200 aged 10-18 are mentees (25,0 %), 8 of 400 students mentor (2,0 %).
# 2025: 19 of 190 (10,0 %), none of 380 (0,0 %).
STUDENTS_2026 = """Обучающихся всего;В возрасте 10–18 лет;Наставляемых обучающихся;Обучающихся-наставников
400;200;50;8
"""
STUDENTS_2025 = """Обучающихся всего;В возрасте 10–18 лет;Наставляемых обучающихся;Обучающихся-наставников
380;190;19;0
"""
# The municipal contest (its own kind): 2 entrants, prize-winner. A regional contest: another contest, not
# item 8. A municipal «конкурс» whose title names the contest: item 8 by its title (a warning), 1 entrant.
SCH_EVENTS = """Дата;Название;Уровень;Вид;Роль;Участников;Результат
15.10.2026;Муниципальный конкурс «Педагог-наставник»;муниципальный;конкурс «Педагог-наставник»;участник;2;призёр
20.10.2026;Региональный конкурс «Лучшая практика наставничества»;региональный;конкурс;участник;1;победитель
22.10.2026;Конкурс Педагог – наставник: финал;муниципальный;конкурс;участник;;победитель
"""
# The department organizes the contest: its 12 are the contest's participants, not its own entrants.
UO_EVENTS = """Дата;Название;Уровень;Вид;Роль;Участников
15.10.2026;Муниципальный конкурс «Педагог-наставник»;муниципальный;конкурс «Педагог-наставник»;организатор;12
"""
# The school reports only its finished items: 2 done of 11 applicable (item 8 applies in 2026) -> 18,2 %.
SCH_ROADMAP = """Пункт;Статус;Дата выполнения;Ссылка на результат
1;выполнено;15.03.2026;https://sch.example.ru/1
5;выполнено;20.04.2026;https://sch.example.ru/5
"""
# The department reports every item, 3 and 10 too (they are not its own): 9 of 9 applicable -> 100 %.
UO_ROADMAP = "Пункт;Статус;Дата выполнения;Ссылка на результат\n" + "".join(
    f"{i};выполнено;01.0{1 + i % 9}.2026;https://uo.example.ru/{i}\n" for i in range(1, 12))
DS_STAFF = """ID педагога;Должность;Возраст;Стаж в ОО
D1;воспитатель;40;12
"""
KG_MENTORS = """ID наставника;ФИО;Тип наставника;ID педагога;Наставляет
K1;Четвёртая Ольга Сергеевна;педагог;D1;педагогов
"""


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    c = db.connect(tmp_path_factory.mktemp("figures") / "w.duckdb")
    _load(c, REGISTRY, "organizations")
    _load(c, STAFF_V1, "staff", "SCH", YEAR)
    _load(c, MENTORS, "mentors", "SCH", YEAR, at=datetime(2026, 9, 20, 12))
    _load(c, PAIRS, "mentorships", "SCH", YEAR)
    _load(c, STAFF_V2, "staff", "SCH", YEAR)
    _load(c, PARTNERS, "partners", "SCH", YEAR)
    _load(c, STUDENTS_2025, "students", "SCH", YEAR - 1)
    _load(c, STUDENTS_2026, "students", "SCH", YEAR)
    _load(c, SCH_EVENTS, "events", "SCH", YEAR)
    _load(c, SCH_ROADMAP, "roadmap", "SCH", YEAR)
    _load(c, UO_EVENTS, "events", "UO", YEAR)
    _load(c, UO_ROADMAP, "roadmap", "UO", YEAR)
    for org, at in (("DS", datetime(2026, 10, 31, 23, 0)), ("LATE", datetime(2026, 11, 1, 0, 30))):
        _load(c, DS_STAFF, "staff", org, YEAR)
        _load(c, KG_MENTORS, "mentors", org, YEAR, at=at)
    _load(c, "Наименование;Тип партнёра\n", "partners", "LATE", YEAR)     # «we have no partners»
    yield c
    c.close()


def kpi(conn, org, as_of=AS_OF):
    frame = queries.org_kpi(conn, {org}, YEAR, as_of)
    assert len(frame) == 1
    return frame.iloc[0]


def warnings_of(report) -> list[tuple]:
    return [(i.problem, i.row, i.value) for i in report.issues() if not i.is_error]


# ---------------------------------------------------------------------------------------------
# Roadmap: the share over the applicable items


def test_an_organization_listing_only_its_finished_items_is_not_at_100_percent(conn):
    k = kpi(conn, "SCH")
    assert (k.items_done, k.items_due, k.done_pct, k.items_unreported) == (2, 11, 18.2, 9)
    rm = queries.roadmap(conn, {"SCH"}, YEAR, AS_OF).set_index("item")
    assert rm.loc[2, "status_shown"] == "нет отчёта" and rm.loc[1, "status_shown"] == "выполнено"


def test_department_share_leaves_out_items_3_and_10(conn):
    k = kpi(conn, "UO")
    assert (k.items_done, k.items_due, k.done_pct, k.items_unreported) == (9, 9, 100.0, 0)


def test_no_roadmap_file_is_no_share_and_no_unreported_count(conn):
    k = kpi(conn, "DS")
    assert k.done_pct != k.done_pct and str(k.items_unreported) == "<NA>"
    city = queries.city_summary(conn, ALL, YEAR, AS_OF)
    assert (city["items_done"], city["items_due"], city["done_pct"], city["items_unreported"]) == (11, 20, 55.0, 9)


def test_roadmap_upload_warns_of_missing_and_foreign_items(conn):
    changed = SCH_ROADMAP.replace("sch.example.ru/5", "sch.example.ru/5b")       # the same file would be a no-op
    p = prepare(conn, changed.encode(), "roadmap.csv", "roadmap", "SCH", YEAR)
    assert p.ok
    assert ("Не все пункты дорожной карты указаны", None, "пункты 2, 3, 4, 6, 7, 8, 9, 10, 11 не указаны") \
        in warnings_of(p.report)
    p = prepare(conn, UO_ROADMAP.replace("https://uo.example.ru/3", "https://uo.example.ru/3b").encode(),
                "roadmap.csv", "roadmap", "UO", YEAR)
    assert p.ok
    foreign = [w for w in warnings_of(p.report) if w[0] == "Пункт не относится к организации"]
    assert foreign == [("Пункт не относится к организации", 4, "3"), ("Пункт не относится к организации", 11, "10")]
    assert not [w for w in warnings_of(p.report) if w[0] == "Не все пункты дорожной карты указаны"]


# ---------------------------------------------------------------------------------------------
# Item 8: the municipal contest only, with the role


def test_contest_counts_only_item_8_and_not_the_organizers_participants(conn):
    k = kpi(conn, "SCH")
    assert (k.contest_events, k.contest_participants, k.contest_prizewinners, k.contest_winners) == (2, 3, 1, 1)
    assert k.contests_other == 1                              # the regional contest
    u = kpi(conn, "UO")
    assert (u.contest_events, u.contest_organized, u.contest_participants) == (1, 1, 0)
    city = queries.city_summary(conn, ALL, YEAR, AS_OF)
    assert (city["contest_participants"], city["contest_prizewinners"], city["contest_winners"],
            city["contests_other"]) == (3, 1, 1, 1)


def test_contest_lists_keep_the_regional_contest_apart_and_show_the_role(conn):
    item8 = queries.contest_events(conn, ALL)
    assert sorted(zip(item8["org_code"], item8["role"], strict=True)) == [
        ("SCH", "участник"), ("SCH", "участник"), ("UO", "организатор")]
    assert "Региональный конкурс «Лучшая практика наставничества»" not in set(item8["title"])
    other = queries.other_contests(conn, ALL, YEAR)
    assert other["title"].tolist() == ["Региональный конкурс «Лучшая практика наставничества»"]


def test_a_contest_named_in_the_title_is_item_8_with_a_warning(conn):
    changed = SCH_EVENTS.replace("участник;2;призёр", "участник;3;призёр")    # the same file would be a no-op
    p = prepare(conn, changed.encode(), "events.csv", "events", "SCH", YEAR)
    assert p.ok
    named = [w for w in warnings_of(p.report) if w[0] == "Конкурс «Педагог-наставник» указан с видом «конкурс»"]
    assert [w[1] for w in named] == [4]                      # the third data row; not the regional one


# ---------------------------------------------------------------------------------------------
# No share above 100 %: teacher mentors only when in the current staff file


def test_teacher_mentors_count_only_when_their_teacher_is_in_staff(conn):
    k = kpi(conn, "SCH")
    # Without the rule: 2 teacher mentors over 1 teacher = 200 %.
    assert (k.teachers, k.teachers_who_mentor, k.teachers_mentor_pct) == (1, 0, 0.0)
    assert kpi(conn, "DS").teachers_mentor_pct == 100.0      # K1 is D1, in the staff file


def test_broken_links_are_listed_for_the_organization(conn):
    links = queries.broken_links(conn, ALL, YEAR)
    assert links[["org_code", "dataset", "target", "ids_missing", "missing_ids"]].values.tolist() == [
        ["SCH", "mentors", "staff", 2, "T2, T3"], ["SCH", "mentorships", "staff", 1, "T4"]]
    assert links["target_title"].tolist() == ["Педагоги", "Педагоги"]
    assert queries.broken_links(conn, {"DS"}, YEAR).empty     # a coordinator sees only their own


def test_a_restore_that_would_break_links_says_so_before(tmp_path):
    c = db.connect(tmp_path / "r.duckdb")
    _load(c, REGISTRY, "organizations")
    _load(c, STAFF_V2, "staff", "SCH", YEAR)                   # version 1: T1 only
    _load(c, STAFF_V1, "staff", "SCH", YEAR)                   # version 2: T1-T4
    _load(c, MENTORS, "mentors", "SCH", YEAR)
    assert snapshots.links_broken_by_restore(c, "staff", "SCH", YEAR, 2).empty     # the current one
    breaks = snapshots.links_broken_by_restore(c, "staff", "SCH", YEAR, 1)
    assert breaks[["dataset_title", "target_title", "ids_missing", "missing_ids"]].values.tolist() == [
        ["Наставники", "Педагоги", 2, "T2, T3"]]
    assert queries.broken_links(c, {"SCH"}, YEAR).empty      # nothing written by the preview
    snapshots.restore(c, "staff", "SCH", YEAR, 1, user="test")
    assert queries.broken_links(c, {"SCH"}, YEAR)["missing_ids"].tolist() == ["T2, T3"]
    c.close()


# ---------------------------------------------------------------------------------------------
# Partners over the organizations item 10 applies to


def test_partners_share_leaves_out_the_department(conn):
    city = queries.city_summary(conn, ALL, YEAR, AS_OF)
    # SCH has one; LATE sent «none»; DS sent nothing; UO owes none and is not counted.
    assert (city["partners_expected"], city["orgs_with_partners"], city["partners_reported"],
            city["orgs_with_partners_pct"]) == (3, 1, 2, 33.3)
    assert queries.org_names(conn, ALL, YEAR, "partners_missing")["org_code"].tolist() == ["DS"]


# ---------------------------------------------------------------------------------------------
# Pairs, students, the mentor base on time


def test_pairs_by_status_programme_training_partners_satisfaction(conn):
    p = queries.pairs_by_org(conn, {"SCH"}, YEAR).iloc[0]
    assert (p.pairs, p.pairs_active, p.pairs_completed, p.pairs_interrupted, p.pairs_planned) == (5, 1, 2, 1, 1)
    assert (p.pairs_with_programme, p.mentors_trained, p.mentors_from_partners) == (2, 2, 2)
    assert (p.pairs_rated, p.satisfaction_avg) == (3, 4.0)
    city = queries.city_summary(conn, ALL, YEAR, AS_OF)
    assert (city["pairs"], city["pairs_interrupted"], city["mentors_trained"], city["satisfaction_avg"]) == (
        5, 1, 2, 4.0)


def test_students_in_mentorship_with_the_year_before(conn):
    s = queries.students_in_mentorship(conn, ALL, YEAR).set_index("org_code")
    assert list(s.index) == ["SCH"]                           # kindergartens and the department owe none
    row = s.loc["SCH"]
    assert (row.mentee_students, row.mentee_students_pct, row.mentor_students, row.mentor_students_pct) == (
        50, 25.0, 8, 2.0)
    assert (row.mentee_students_prev, row.mentee_students_pct_prev, row.mentor_students_pct_prev) == (19, 10.0, 0.0)
    city = queries.city_summary(conn, ALL, YEAR, AS_OF)
    assert (city["mentee_students"], city["students_10_18"], city["mentee_students_pct"],
            city["mentor_students_pct"]) == (50, 200, 25.0, 2.0)


def test_mentor_base_on_time_at_31_october_and_late_on_1_november(conn):
    assert bool(kpi(conn, "DS").mentor_base_on_time) is True       # 31.10.2026 23:00
    assert bool(kpi(conn, "LATE").mentor_base_on_time) is False    # 01.11.2026 00:30
    states = queries.mentor_base_on_time(conn, ALL, YEAR, AS_OF).set_index("org_code")["mentor_base_state"]
    assert states.to_dict() == {"LATE": "с опозданием", "DS": "в срок", "SCH": "в срок"}   # UO owes none
    city = queries.city_summary(conn, ALL, YEAR, AS_OF)
    assert (city["mentor_base_expected"], city["mentor_base_on_time"], city["mentor_base_late"]) == (3, 2, 1)


def test_mentor_base_not_sent_is_pending_until_31_october_then_late(tmp_path):
    c = db.connect(tmp_path / "m.duckdb")
    _load(c, REGISTRY, "organizations")
    before = queries.mentor_base_on_time(c, {"DS"}, YEAR, date(2026, 10, 31)).iloc[0]
    after = queries.mentor_base_on_time(c, {"DS"}, YEAR, date(2026, 11, 1)).iloc[0]
    assert (before.mentor_base_state, str(before.mentor_base_on_time)) == ("ожидается", "<NA>")
    assert (after.mentor_base_state, bool(after.mentor_base_on_time)) == ("нет файла", False)
    c.close()


def test_cli_prints_new_figures_with_russian_headers_as_of_a_date(conn, tmp_path, capsys):
    from warehouse.__main__ import main

    path = tmp_path / "cli.duckdb"
    c = db.connect(path)
    for text, ds, org in ((REGISTRY, "organizations", None), (SCH_ROADMAP, "roadmap", "SCH"),
                          (STUDENTS_2026, "students", "SCH")):
        r = load_file(c, text.encode(), f"{ds}.csv", ds, org, YEAR if org else None, user="test")
        assert r.outcome == "loaded"
    c.close()
    assert main(["kpi", "--year", str(YEAR), "--db", str(path), "--as-of", "01.11.2026", "--format", "csv",
                 "--all-columns"]) == 0
    lines = capsys.readouterr().out.lstrip("\ufeff").splitlines()
    header = lines[0].split(";")
    assert not [h for h in header if any("a" <= ch.lower() <= "z" for ch in h.replace("ППН", ""))], header
    assert "Обучающихся-наставников, %" in header and "«Педагог-наставник»: участников" in header
    rows = {r.split(";")[header.index("Код ОО")]: r.split(";") for r in lines[1:]}
    assert rows["SCH"][header.index("Выполнено, %")] == "18,2"
    assert rows["SCH"][header.index("Просрочено пунктов")] == "0"           # items 1 and 5 done, others unreported
    assert rows["SCH"][header.index("Наставляемых среди 10–18 лет, %")] == "25"
    assert lines[-1].split(";")[header.index("Организация")] == "Город (итого)"


# ---------------------------------------------------------------------------------------------
# On the page: the coordinator sees their organization's broken links and «без отчёта»


def test_coordinator_sees_broken_links_and_unreported_items_on_the_overview(tmp_path, monkeypatch):
    from tests.apptest_login import fresh_caches, log_in, open_page, start
    from warehouse import accounts

    path = tmp_path / "app.duckdb"
    c = db.connect(path)
    _load(c, REGISTRY, "organizations")
    for text, dataset in ((STAFF_V1, "staff"), (MENTORS, "mentors"), (PAIRS, "mentorships"), (STAFF_V2, "staff"),
                          (SCH_ROADMAP, "roadmap")):
        _load(c, text, dataset, "SCH", YEAR)
    accounts.create_user(c, "sch", "Ответственный школы", "coordinator", "school-pass-2026", "SCH")
    expected = queries.broken_links(c, {"SCH"}, YEAR)
    c.close()
    fresh_caches()
    try:
        at = log_in(start(path, monkeypatch), "sch", "school-pass-2026")
        at.selectbox(key="flt_year").select(YEAR).run()
        open_page(at, "overview")
        assert not at.exception, [e.message for e in at.exception]
        frames = [d.value for d in at.dataframe]
        at.session_state["overview_attention"] = "Файлы не сходятся"    # a click on the tab: only it is made
        at.run()
        links = next(d.value for d in at.dataframe if "missing_ids" in d.value.columns)
        assert links["missing_ids"].tolist() == expected["missing_ids"].tolist() == ["T2, T3", "T4"]
        table = next(f for f in frames if "items_unreported" in f.columns)
        assert table["items_unreported"].tolist() == [9]
        assert "без отчёта 9" in " ".join(cap.value for cap in at.caption)
        assert {m.label: m.value for m in at.metric}["Дорожная карта"] == russian.pct(18.2)
    finally:
        fresh_caches()
