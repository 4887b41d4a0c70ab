"""Data tests beside each mart's SQL (``warehouse/sql/marts/``), and the rules that keep one definition per
figure: the grain of every mart is unique, a covered count never exceeds its total, every share is within
0-100, the city is the sum of its organizations, the trend's point for a year is that year's city figure;
the thresholds live in one place; pages reach their query (and its SQL file) in one hop.

The warehouse is test_views' hand-made city (a school SCH, a kindergarten DS, the department UO and EMPTY,
which uploads nothing) with a second year of staff and pairs, so that the trend has two points.
"""

from __future__ import annotations

import ast
import inspect
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ingest.schemas import mentorships
from tests.test_views import (
    ALL,
    DS_MENTORS,
    DS_STAFF,
    REGISTRY,
    SCH_EVENTS,
    SCH_MENTORS,
    SCH_PAIRS,
    SCH_PARTNERS,
    SCH_ROADMAP_2025,
    SCH_ROADMAP_2026,
    SCH_STAFF,
    SCH_STUDENTS,
    UO_ROADMAP,
    _load,
)
from warehouse import db, facts, queries, thresholds

ROOT = Path(__file__).resolve().parents[1]
SQL = ROOT / "warehouse" / "sql"
AS_OF = date(2026, 11, 24)

# 2026: T1 now has 2 years and is still covered (pair P1 «в работе»); T2's pair is «прервана», so not covered;
# a new young teacher T7 is covered by a completed pair. DS uploads pairs this year: D1 covered.
SCH_STAFF_2026 = SCH_STAFF.replace("T1;учитель;25;1", "T1;учитель;26;2") + "T7;учитель;23;0;нет\n"
SCH_PAIRS_2026 = """ID пары;ID наставника;Тип наставляемого;ID наставляемого;Категория наставляемого;Форма наставничества;Дата начала;Дата окончания;Статус
P1;M1;педагог;T1;молодой специалист;учитель – учитель;01.09.2025;31.05.2026;в работе
P2;M1;педагог;T2;молодой специалист;учитель – учитель;01.12.2025;01.02.2026;прервана
P8;M3;педагог;T7;молодой специалист;учитель – учитель;01.02.2026;30.06.2026;завершена
"""
DS_PAIRS_2026 = """ID пары;ID наставника;Тип наставляемого;ID наставляемого;Категория наставляемого;Форма наставничества;Дата начала;Статус
DP1;DM1;педагог;D1;молодой специалист;учитель – учитель;01.09.2026;в работе
"""


def hand_made_city(path):
    """A connection to a new warehouse at ``path`` holding the hand-made city (also read by test_report)."""
    c = db.connect(path)
    _load(c, REGISTRY, "organizations")
    for text, dataset in ((SCH_STAFF, "staff"), (SCH_MENTORS, "mentors"), (SCH_PAIRS, "mentorships"),
                          (SCH_ROADMAP_2025, "roadmap"), (SCH_PARTNERS, "partners"), (SCH_EVENTS, "events"),
                          (SCH_STUDENTS, "students")):
        _load(c, text, dataset, "SCH", 2025)
    _load(c, DS_STAFF, "staff", "DS", 2025)
    _load(c, DS_MENTORS, "mentors", "DS", 2025)
    _load(c, UO_ROADMAP, "roadmap", "UO", 2025)
    for text, dataset in ((SCH_STAFF_2026, "staff"), (SCH_MENTORS, "mentors"), (SCH_PAIRS_2026, "mentorships"),
                          (SCH_ROADMAP_2026, "roadmap")):
        _load(c, text, dataset, "SCH", 2026)
    _load(c, DS_STAFF, "staff", "DS", 2026)
    _load(c, DS_MENTORS, "mentors", "DS", 2026)
    _load(c, DS_PAIRS_2026, "mentorships", "DS", 2026)
    # 2027: DS's second staff file drops D2, whom its mentor DM1 still names: a broken link, and no teacher mentor.
    _load(c, DS_STAFF, "staff", "DS", 2027)
    _load(c, DS_MENTORS, "mentors", "DS", 2027)
    _load(c, DS_STAFF.replace("D2;воспитатель;40;12\n", ""), "staff", "DS", 2027)
    return c


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    c = hand_made_city(tmp_path_factory.mktemp("marts") / "w.duckdb")
    yield c
    c.close()


def scoped(conn, sql: str, scope=ALL) -> pd.DataFrame:
    """``sql`` over the relation scope_orgs (as the query functions run it)."""
    with queries._scoped(conn, scope):
        return queries._frame(queries._arrow(conn, sql, {}))


# ---------------------------------------------------------------------------------------------
# The grain of every mart, as its file states it on top

GRAINS = {
    "marts/org_kpi.sql": [(f"select * from mart_org_kpi(date '{AS_OF}')", ["org_code", "year"])],
    "marts/city_kpi.sql": [(f"select * from mart_city_kpi(date '{AS_OF}', null)", ["year"])],
    "marts/roadmap.sql": [(f"select * from mart_roadmap(date '{AS_OF}')", ["org_code", "year", "item"]),
                          (f"select * from overdue_masks(date '{AS_OF}')", ["org_code", "year"])],
    "marts/completeness.sql": [("select * from mart_completeness", ["org_code", "year", "dataset"]),
                               ("select * from completeness_masks", ["org_code", "year"])],
    "marts/young_teachers.sql": [("select * from mart_young_teachers", ["org_code", "year", "teacher_id"])],
    "marts/mentor_load.sql": [("select * from mart_mentor_load", ["org_code", "year", "mentor_id"])],
    "marts/broken_links.sql": [("select * from mart_broken_links", ["org_code", "year", "dataset", "target"])],
}


def test_every_mart_file_states_its_grain_and_has_a_grain_test():
    marts = [name for name in db.VIEW_FILES if name.startswith("marts/")]
    assert sorted(marts) == sorted(p.relative_to(SQL).as_posix() for p in (SQL / "marts").glob("*.sql"))
    assert set(marts) == set(GRAINS)
    for name in marts:
        assert (SQL / name).read_text(encoding="utf-8").startswith("-- Grain: one row per "), name


@pytest.mark.parametrize("file", sorted(GRAINS))
def test_grain_is_unique(conn, file):
    for sql, key in GRAINS[file]:
        rows = scoped(conn, sql)
        assert len(rows) > 0, sql
        assert not rows.duplicated(key).any(), (sql, key)


def test_org_kpi_has_one_row_per_organization_and_reporting_year(conn):
    k = scoped(conn, f"select org_code, year from mart_org_kpi(date '{AS_OF}')")
    assert len(k) == len(ALL) * 4                         # 4 organizations × the reporting years 2025-2028
    city = scoped(conn, f"select year from mart_city_kpi(date '{AS_OF}', null)")
    assert sorted(city["year"]) == [2025, 2026, 2027, 2028]  # a year with no data is still a row


# ---------------------------------------------------------------------------------------------
# Covered ≤ total, shares within 0-100

PARTS = (("young_covered", "young_teachers"), ("difficulties_covered", "teachers_with_difficulties"),
         ("items_done", "items_due"), ("items_overdue", "items_due"), ("mentors_overloaded", "mentors"),
         ("partners_with_mentors", "partners"), ("teachers_who_mentor", "teachers"), ("mentors_trained", "mentors"),
         ("pairs_active", "pairs"), ("pairs_completed", "pairs"), ("pairs_interrupted", "pairs"),
         ("pairs_with_programme", "pairs"), ("pairs_rated", "pairs"), ("mentee_students", "students_10_18"),
         ("mentor_students", "students_total"))
# Every share of a mart: a percentage (the *_pct columns) ...
SHARES = ("young_coverage_pct", "done_pct", "teachers_mentor_pct", "mentee_students_pct", "mentor_students_pct")


@pytest.mark.parametrize("mart", ["mart_org_kpi", "mart_city_kpi"])
def test_parts_never_exceed_their_totals_and_shares_are_percentages(conn, mart):
    args = f"date '{AS_OF}'" + (", null" if mart == "mart_city_kpi" else "")
    k = scoped(conn, f"select * from {mart}({args})")
    for part, whole in PARTS:
        both = k[[part, whole]].dropna()
        assert len(both) > 0 and (both[part] <= both[whole]).all(), (mart, part)
    shares = [c for c in k.columns if c.endswith("_pct")]
    assert set(SHARES) <= set(shares)
    for pct in shares:
        assert k[pct].dropna().between(0, 100).all(), (mart, pct)
        assert k[pct].notna().any(), (mart, pct)
    assert k["satisfaction_avg"].dropna().between(1, 5).all()


def test_young_teacher_rows_agree_with_their_counts(conn):
    rows = scoped(conn, "select * from mart_young_teachers")
    assert (rows["age"] < thresholds.YOUNG_AGE_BELOW).all()
    assert (rows["years_in_org"] <= thresholds.YOUNG_YEARS_IN_ORG_MAX).all()
    assert not (rows["covered"] & ~rows["pairs_reported"]).any()   # no pairs file: nobody is covered
    counts = rows.groupby(["org_code", "year"]).agg(young=("teacher_id", "size"), covered=("covered", "sum"))
    k = queries.org_kpi(conn, ALL, 2026, AS_OF).set_index("org_code")
    assert counts.loc[("SCH", 2026)].tolist() == [k.loc["SCH", "young_teachers"], k.loc["SCH", "young_covered"]]
    # 2026 by hand: SCH's young T1 (covered), T2 (pair «прервана»), T7 (completed pair); DS's D1 (covered).
    assert (k.loc["SCH", "young_teachers"], k.loc["SCH", "young_covered"], k.loc["SCH", "young_coverage_pct"]) \
        == (3, 2, 66.7)
    assert (k.loc["DS", "young_teachers"], k.loc["DS", "young_covered"], k.loc["DS", "young_coverage_pct"]) \
        == (1, 1, 100.0)


def test_mentor_load_marks_overloaded_above_the_threshold(conn):
    rows = scoped(conn, "select * from mart_mentor_load")
    assert (rows["overloaded"] == (rows["active_mentees"] > thresholds.MENTOR_LOAD_MAX)).all()
    assert (rows["active_mentees"] <= rows["pairs"]).all()
    assert rows.loc[rows["overloaded"], "mentor_id"].tolist() == ["M1"]   # 2025: four pairs «в работе»


# ---------------------------------------------------------------------------------------------
# The city is the sum of its organizations; the trend's point for a year is that year's figure

SCOPES = [ALL, {"SCH", "DS"}, {"SCH"}, {"EMPTY"}, set()]

# Every count of the city that is a sum of its organizations' counts (mart_city_kpi over mart_org_kpi).
CITY_SUMS = ("items_done", "items_due", "items_overdue", "items_unreported", "teachers", "mentors",
             "mentors_overloaded", "mentors_trained", "teachers_who_mentor", "young_covered", "difficulties_covered",
             "pairs", "pairs_active", "pairs_completed", "pairs_interrupted", "pairs_planned", "pairs_with_programme",
             "pairs_rated", "satisfaction_sum", "students_total", "students_10_18", "mentee_students",
             "mentor_students", "partners", "partners_with_mentors", "mentors_from_partners", "events",
             "practices_regional_federal", "contest_events", "contest_participants", "contest_prizewinners",
             "contest_winners", "contests_other")


def test_every_count_of_the_city_is_checked_as_a_sum(conn):
    """A new count of mart_city_kpi must be named in CITY_SUMS (a sum of the organizations' counts) or among
    the counts checked otherwise below; every share is checked as share_pct of its sums."""
    org_cols = set(scoped(conn, f"select * from mart_org_kpi(date '{AS_OF}') limit 0").columns)
    city_cols = set(scoped(conn, f"select * from mart_city_kpi(date '{AS_OF}', null) limit 0").columns)
    counted_otherwise = {"year", "organizations", "roadmap_reported", "orgs_with_overdue", "mentors_reported",
                         "teachers_of_mentor_share", "young_teachers", "coverage_reported",
                         "teachers_with_difficulties", "pairs_reported", "students_reported", "partners_expected",
                         "orgs_with_partners", "partners_reported", "mentor_base_expected", "mentor_base_on_time",
                         "mentor_base_late", "orgs_without_uploads", "orgs_with_missing", "satisfaction_avg"}
    shares = {c for c in city_cols if c.endswith("_pct")}
    assert city_cols - shares - counted_otherwise == set(CITY_SUMS)
    assert set(CITY_SUMS) <= org_cols


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: "+".join(sorted(s)) or "none")
@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_city_total_is_the_sum_of_its_organizations(conn, scope, year):
    city = queries.city_summary(conn, scope, year, AS_OF)
    k = queries.org_kpi(conn, scope, year, AS_OF)
    known = k[k["young_covered"].notna()]

    def total(frame, col):
        return None if frame[col].isna().all() else int(frame[col].sum())

    assert city["organizations"] == len(k)
    assert city["roadmap_reported"] == int(k["roadmap_reported"].sum())
    assert city["coverage_reported"] == len(known)
    assert city["mentors_reported"] == int(k["mentors"].notna().sum())
    assert city["partners_reported"] == int(k["partners"].notna().sum())
    assert city["orgs_with_partners"] == int(((k["partners"] > 0) & k["partners_applicable"]).sum())
    for col in CITY_SUMS:
        assert city[col] == total(k, col), col
    applies = k[k["partners_applicable"].astype(bool)]
    assert city["partners_expected"] == len(applies)
    assert city["partners_reported"] == int(applies["partners"].notna().sum())
    assert city["pairs_reported"] == int(k["pairs"].notna().sum())
    assert city["students_reported"] == int(k["students_total"].notna().sum())
    assert city["mentor_base_expected"] == int(k["mentors_expected"].sum())
    assert city["mentor_base_on_time"] == int((k["mentor_base_on_time"] == True).sum())   # noqa: E712 (NA)
    assert city["mentor_base_late"] == int((k["mentor_base_on_time"] == False).sum())     # noqa: E712
    assert city["teachers_of_mentor_share"] == total(k[k["teachers_who_mentor"].notna()], "teachers")
    for pct, part, whole in (("teachers_mentor_pct", "teachers_who_mentor", "teachers_of_mentor_share"),
                             ("mentee_students_pct", "mentee_students", "students_10_18"),
                             ("mentor_students_pct", "mentor_students", "students_total"),
                             ("orgs_with_partners_pct", "orgs_with_partners", "partners_expected")):
        assert city[pct] == (round(100 * city[part] / city[whole], 1) if city[whole] else None), pct
    if city["pairs_rated"]:
        assert city["satisfaction_avg"] == round(city["satisfaction_sum"] / city["pairs_rated"], 2)
    assert city["young_teachers"] == total(known, "young_teachers")   # of the organizations whose coverage is known
    for pct, part, whole in (("young_coverage_pct", "young_covered", "young_teachers"),
                             ("done_pct", "items_done", "items_due")):
        if city[whole]:
            assert city[pct] == round(100 * city[part] / city[whole], 1), pct
        else:
            assert city[pct] is None, pct


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: "+".join(sorted(s)) or "none")
def test_trend_point_of_a_year_is_that_years_city_figure(conn, scope):
    trend = queries.coverage_trend(conn, scope).set_index("year")
    for year in (2025, 2026, 2027, 2028):
        city = queries.city_summary(conn, scope, year, AS_OF)
        if not city["young_teachers"]:
            assert year not in trend.index, year
            continue
        point = trend.loc[year]
        assert (point["young_teachers"], point["covered"], point["coverage_pct"]) \
            == (city["young_teachers"], city["young_covered"], city["young_coverage_pct"]), year
    if scope == ALL:   # by hand: 2025 SCH 1 of 2 (DS has no pairs file); 2026 SCH 2 of 3 and DS 1 of 1
        assert trend.to_dict("index") == {2025: {"young_teachers": 2, "covered": 1, "coverage_pct": 50.0},
                                          2026: {"young_teachers": 4, "covered": 3, "coverage_pct": 75.0}}


# ---------------------------------------------------------------------------------------------
# Thresholds: named once, shared by the SQL and the ingest warning


def test_thresholds_are_the_sql_macros_and_the_ingest_warning(conn):
    young = conn.execute(
        "select is_young_teacher($a - 1, $y), is_young_teacher($a, 0), is_young_teacher(20, $y + 1), "
        "is_overloaded($m), is_overloaded($m + 1)",
        {"a": thresholds.YOUNG_AGE_BELOW, "y": thresholds.YOUNG_YEARS_IN_ORG_MAX, "m": thresholds.MENTOR_LOAD_MAX},
    ).fetchone()
    assert young == (True, False, False, False, True)
    assert mentorships.MENTOR_LOAD_MAX is thresholds.MENTOR_LOAD_MAX


def test_no_sql_file_writes_a_threshold_of_its_own():
    literal = re.compile(r"\bage\s*<|years_in_org\s*<=|active_mentees\s*>\s*\d")
    for path in [*SQL.glob("*.sql"), *(SQL / "marts").glob("*.sql")]:
        assert not literal.search(path.read_text(encoding="utf-8")), path


def test_a_new_threshold_rebuilds_the_facts(monkeypatch):
    before = facts.digest()
    monkeypatch.setattr(thresholds, "MENTOR_LOAD_MAX", thresholds.MENTOR_LOAD_MAX + 1)
    assert facts.digest() != before


# ---------------------------------------------------------------------------------------------
# From a page's line to the SQL of its figure in one hop

CALLERS = {"cached", "fetch", "listing"}   # dashboard.data.cached / fetch, dashboard.tables.listing


def _python_files():
    return [*(ROOT / "pages").glob("*.py"), *(ROOT / "dashboard").glob("*.py")]


def test_no_page_calls_a_query_by_its_name():
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        for needle in ("getattr(queries", 'data.get("', "data.get('", 'listing("', 'cached("', 'fetch("'):
            assert needle not in text, (path.name, needle)


def test_pages_pass_the_query_functions_themselves():
    calls = 0
    for path in (ROOT / "pages").glob("*.py"):   # dashboard.tables.listing passes on the function it was given
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in CALLERS and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in {"data", "tables"}):
                continue
            first = node.args[0]
            assert isinstance(first, ast.Attribute) and isinstance(first.value, ast.Name) \
                and first.value.id == "queries", (path.name, node.lineno)
            assert inspect.isfunction(getattr(queries, first.attr)), (path.name, first.attr)
            calls += 1
    assert calls >= 30


def _scoped_query_functions():
    for name, fn in inspect.getmembers(queries, inspect.isfunction):
        if not name.startswith("_") and fn.__module__ == queries.__name__ \
                and list(inspect.signature(fn).parameters)[1:2] == ["scope"]:
            yield name, fn


def test_every_query_names_the_sql_that_defines_its_figure():
    named = 0
    for name, fn in _scoped_query_functions():
        line = re.search(r"SQL: (.*?)\(?``(warehouse/sql/[\w/]+\.sql)``", fn.__doc__ or "", re.S)
        assert line, name
        file = ROOT / line.group(2)
        assert file.is_file(), (name, file)
        text = file.read_text(encoding="utf-8")
        for relation in re.findall(r"``(\w+)``", line.group(1)):
            assert re.search(rf"create (or replace )?(view|macro) {relation}\b", text), (name, relation)
        named += 1
    assert named >= 25
