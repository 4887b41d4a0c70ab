"""Query functions the pages and the command line read. Every one takes an explicit scope.

``scope`` is the set of organization codes the caller may see; an empty scope returns nothing (the
SQL filters on it, there is no "all" shortcut). ``as_of`` is the date against which "overdue" is
judged (today by default). All aggregation happens in DuckDB; results are small DataFrames.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection
from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa


def _scope(scope: Collection[str]) -> list[str]:
    return sorted(set(scope))


def _q(conn: duckdb.DuckDBPyConnection, sql: str, **params) -> pd.DataFrame:
    if "scope" in params:
        params["scope"] = _scope(params["scope"])
    if "as_of" in params and params["as_of"] is None:
        params["as_of"] = date.today()
    result = conn.execute(sql, params)
    # DuckDB suggests con.sql(query) to spare one copy of the Arrow rows; but .sql() refuses to run while
    # the caller's connection holds an unfinished result, which .execute() simply replaces.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)
        return _frame(result.to_arrow_table())


# Integer and boolean columns with nulls become pandas' nullable types, as DuckDB's .df() makes them.
_NULLABLE = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
             pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
             pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype()}


def _frame(table: pa.Table) -> pd.DataFrame:
    """The DataFrame DuckDB's ``.df()`` would give, through Arrow.

    ``.df()`` builds a Python object per text value and pandas then converts them to its string type:
    at the national scale (roadmap 460,000 rows, events 700,000) that is 3-5 times slower and holds
    twice the memory (bench/bench_pages.py). The dtypes are kept as ``.df()`` gives them: dates and
    timestamps as datetime64[us], decimals as float64, nullable integers and booleans only where a
    column has nulls, a text column without any value as object.
    """
    for i, field in enumerate(table.schema):
        if pa.types.is_date(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.timestamp("us")))
        elif pa.types.is_decimal(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.float64()))
    df = table.to_pandas()
    for i, field in enumerate(table.schema):
        col = table.column(i)
        if field.type in _NULLABLE and col.null_count:
            df[field.name] = col.to_pandas(types_mapper=_NULLABLE.get)
        elif (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
              or pa.types.is_string_view(field.type)) and col.null_count == len(col):
            df[field.name] = pd.Series([None] * len(col), dtype=object)
    return df


def years(conn: duckdb.DuckDBPyConnection) -> list[int]:
    return [r[0] for r in conn.execute("select distinct year from org_years order by year").fetchall()]


def organizations(conn: duckdb.DuckDBPyConnection, scope: Collection[str]) -> pd.DataFrame:
    """The registry rows of the organizations in scope."""
    return _q(conn, """
        select org_code, short_name, full_name, org_type, website from organizations
        where list_contains($scope::varchar[], org_code) order by org_type, org_code
        """, scope=scope)


def org_kpi(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None
            ) -> pd.DataFrame:
    """One row per organization in scope: every figure of DOMAIN.md for the year (NULL = no data)."""
    return _q(conn, """
        select * from mart_org_kpi($as_of::date)
        where year = $year and list_contains($scope::varchar[], org_code)
        order by org_type, org_code
        """, scope=scope, year=year, as_of=as_of)


def city_summary(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None
                 ) -> dict:
    """The city's figures for the year over the organizations in scope (sums of what was reported)."""
    cur = conn.execute("""
        with k as (
            select * from mart_org_kpi($as_of::date)
            where year = $year and list_contains($scope::varchar[], org_code)
        )
        select count(*) as organizations,
               count(*) filter (where roadmap_reported) as roadmap_reported,
               sum(items_done) as items_done, sum(items_due) as items_due,
               round(100.0 * sum(items_done) / nullif(sum(items_due), 0), 1) as done_pct,
               sum(items_overdue) as items_overdue,
               count(*) filter (where items_overdue > 0) as orgs_with_overdue,
               sum(teachers) as teachers,
               sum(mentors) as mentors,
               count(*) filter (where mentors is not null) as mentors_reported,
               round(100.0 * sum(teachers_mentor_pct * teachers / 100) filter (where teachers_mentor_pct is not null)
                     / nullif(sum(teachers) filter (where teachers_mentor_pct is not null), 0), 1)
                   as teachers_mentor_pct,
               sum(young_teachers) filter (where young_covered is not null) as young_teachers,
               sum(young_covered) as young_covered,
               round(100.0 * sum(young_covered) /
                     nullif(sum(young_teachers) filter (where young_covered is not null), 0), 1)
                   as young_coverage_pct,
               count(*) filter (where young_covered is not null) as coverage_reported,
               count(*) filter (where partners > 0) as orgs_with_partners,
               count(*) filter (where partners is not null) as partners_reported,
               sum(partners) as partners,
               sum(events) as events,
               sum(practices_regional_federal) as practices_regional_federal,
               count(*) filter (where datasets_uploaded = 0) as orgs_without_uploads,
               count(*) filter (where datasets_missing > 0) as orgs_with_missing
        from k
        """, {"scope": _scope(scope), "year": year, "as_of": as_of or date.today()})
    row = cur.fetchone()
    return {d[0]: v for d, v in zip(cur.description, row, strict=True)}


def city_totals(conn: duckdb.DuckDBPyConnection, year: int, as_of: date | None = None) -> dict:
    """The whole city's figures, aggregates only: the one query without a scope, because it returns no
    organization's rows; a coordinator compares their organization with it."""
    codes = [r[0] for r in conn.execute("select org_code from organizations").fetchall()]
    return city_summary(conn, codes, year, as_of)


def roadmap(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None
            ) -> pd.DataFrame:
    """One row per (organization, item) for the year with the status to show and the due date.

    Without the item's full title (``roadmap_items`` has it): at the national scale it is 460,000 copies
    of eleven long strings, a third of the query's time."""
    return _q(conn, """
        select org_code, short_name, org_type, item, short_title, due_date, applicable,
               status_shown, reported_status, done_date, result_url, comment, overdue
        from mart_roadmap($as_of::date)
        where year = $year and list_contains($scope::varchar[], org_code)
        order by org_type, org_code, item
        """, scope=scope, year=year, as_of=as_of)


def roadmap_items(conn: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """The 11 items with their due date in the year and whether they apply that year."""
    return conn.execute("""
        select item, short_title, title, result_form, deadline_text, executors, org_only,
               make_date($year, due_month, due_day) as due_date,
               applicable_years is null
                   or list_contains(string_split(applicable_years, ',')::integer[], $year) as applies_this_year
        from roadmap_items order by item
        """, {"year": year}).df()


def overdue_items(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None
                  ) -> pd.DataFrame:
    return _q(conn, """
        select org_code, short_name, item, short_title, due_date, reported_status, comment
        from mart_roadmap($as_of::date)
        where year = $year and overdue and list_contains($scope::varchar[], org_code)
        order by due_date, org_code, item
        """, scope=scope, year=year, as_of=as_of)


def completeness(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """One row per (organization, dataset): uploaded or not, when, which version."""
    return _q(conn, """
        select org_code, short_name, org_type, dataset, dataset_title, expected, uploaded, state, current_since,
               first_loaded_at, version, rows, file_name, uploaded_by
        from mart_completeness
        where year = $year and list_contains($scope::varchar[], org_code)
        order by org_type, org_code, sort
        """, scope=scope, year=year)


def missing_uploads(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """Organizations in scope with the datasets their type should upload and they have not, for the year."""
    return _q(conn, """
        select org_code, short_name, count(*) as missing, string_agg(dataset_title, ', ' order by sort) as datasets
        from mart_completeness
        where year = $year and expected and not uploaded and list_contains($scope::varchar[], org_code)
        group by all order by missing desc, org_code
        """, scope=scope, year=year)


def uncovered_young_teachers(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """Young teachers without a mentorship in work or completed: what the organization acts on."""
    return _q(conn, """
        select org_code, teacher_id, position, age, years_in_org
        from mart_young_teachers
        where year = $year and not covered and pairs_reported and list_contains($scope::varchar[], org_code)
        order by org_code, teacher_id
        """, scope=scope, year=year)


def coverage_trend(conn: duckdb.DuckDBPyConnection, scope: Collection[str]) -> pd.DataFrame:
    """Young-teacher coverage of the scope per reporting year (only organizations that reported pairs)."""
    return _q(conn, """
        select year, count(*) as young_teachers, count(*) filter (where covered) as covered,
               round(100.0 * count(*) filter (where covered) / count(*), 1) as coverage_pct
        from mart_young_teachers
        where pairs_reported and list_contains($scope::varchar[], org_code)
        group by year order by year
        """, scope=scope)


def mentor_breakdown(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """Mentors counted by type and by whom they mentor, per organization."""
    return _q(conn, """
        select m.org_code, o.short_name, m.mentor_type, m.mentors_whom, count(*) as mentors,
               count(*) filter (where m.overloaded) as overloaded
        from mart_mentor_load m join organizations o using (org_code)
        where m.year = $year and list_contains($scope::varchar[], m.org_code)
        group by all order by m.org_code, m.mentor_type, m.mentors_whom
        """, scope=scope, year=year)


def mentor_base(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """The mentor base (item 4): one row per mentor with their load."""
    return _q(conn, """
        select org_code, mentor_id, full_name, mentor_type, workplace, mentors_whom, trained, order_date,
               active_mentees, pairs, overloaded
        from mart_mentor_load
        where year = $year and list_contains($scope::varchar[], org_code)
        order by org_code, full_name, mentor_id
        """, scope=scope, year=year)


def partners(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """The partners of the organizations in scope for the year; ``provides_mentors`` is «да» or «нет»."""
    return _q(conn, """
        select p.org_code, o.short_name, p.name, p.partner_type, p.inn, p.agreement, p.participation_forms,
               p.mentors_count, p.since_date,
               case when p.mentors_count > 0 then 'да' else 'нет' end as provides_mentors
        from stg_partners p join organizations o using (org_code)
        where p.year = $year and list_contains($scope::varchar[], p.org_code)
        order by p.org_code, p.partner_type, p.name
        """, scope=scope, year=year)


def events(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int | None = None) -> pd.DataFrame:
    """The events of the organizations in scope: of one year, or of every year."""
    return _q(conn, """
        select org_code, year, event_date, title, level, kind, role, participants, result, url
        from stg_events
        where ($year is null or year = $year) and list_contains($scope::varchar[], org_code)
        order by event_date, org_code, row_no
        """, scope=scope, year=year)


def events_per_month(conn: duckdb.DuckDBPyConnection, scope: Collection[str]) -> pd.DataFrame:
    """Events counted per month and kind over every year (the trend; no event rows leave DuckDB)."""
    return _q(conn, """
        select date_trunc('month', event_date) as month, kind, count(*) as events
        from stg_events
        where list_contains($scope::varchar[], org_code)
        group by all order by month, kind
        """, scope=scope)


def regional_practices(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """Item 9: practices presented at the regional or federal level in the year."""
    return _q(conn, """
        select org_code, event_date, title, level, result, url
        from stg_events
        where year = $year and kind = 'представление практики' and level in ('региональный', 'федеральный')
              and list_contains($scope::varchar[], org_code)
        order by event_date, org_code, row_no
        """, scope=scope, year=year)


def contest_events(conn: duckdb.DuckDBPyConnection, scope: Collection[str]) -> pd.DataFrame:
    """Item 8: participation in contests (the municipal «Педагог-наставник» in 2026 and 2028), every year."""
    return _q(conn, """
        select year, org_code, event_date, title, level, participants, result
        from stg_events
        where kind = 'конкурс' and list_contains($scope::varchar[], org_code)
        order by event_date, org_code, row_no
        """, scope=scope)


def monitoring(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None
               ) -> pd.DataFrame:
    """Item 7: the year's figures per organization beside the previous year's."""
    return _q(conn, """
        with k as (
            select * from mart_org_kpi($as_of::date)
            where year in ($year, $year - 1) and list_contains($scope::varchar[], org_code)
        )
        select cur.org_code, cur.short_name, cur.org_type,
               cur.done_pct, prev.done_pct as done_pct_prev,
               cur.items_overdue,
               cur.teachers, prev.teachers as teachers_prev,
               cur.mentors, prev.mentors as mentors_prev,
               cur.young_teachers, cur.young_covered,
               cur.young_coverage_pct, prev.young_coverage_pct as young_coverage_pct_prev,
               cur.difficulties_covered, cur.teachers_with_difficulties,
               cur.partners, prev.partners as partners_prev,
               cur.events, prev.events as events_prev,
               cur.mentee_students_pct, prev.mentee_students_pct as mentee_students_pct_prev
        from k cur left join k prev on prev.org_code = cur.org_code and prev.year = cur.year - 1
        where cur.year = $year
        order by cur.org_type, cur.org_code
        """, scope=scope, year=year, as_of=as_of)


def public_mentor_base(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """The mentor base as it may be published (roadmap items 4 and 11): the mentor's name, position or
    workplace, whom they mentor, the forms and the period of their pairs. Never staff IDs, ages,
    difficulties or mentees. An open-ended period (a pair still in work) has no end date."""
    return _q(conn, """
        with pairs as (
            select org_code, year, mentor_id,
                   string_agg(distinct form, ', ' order by form) as forms,
                   min(start_date) as period_start,
                   case when bool_or(end_date is null) then null else max(end_date) end as period_end
            from stg_mentorships group by all
        )
        select o.short_name as organization, m.full_name, m.workplace, m.mentors_whom, p.forms,
               p.period_start, p.period_end
        from stg_mentors m
        join organizations o using (org_code)
        left join pairs p using (org_code, year, mentor_id)
        where m.year = $year and list_contains($scope::varchar[], m.org_code)
        order by o.short_name, m.full_name, m.mentor_id
        """, scope=scope, year=year)


def roadmap_wide(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None
                 ) -> pd.DataFrame:
    """The roadmap matrix as a table: one row per organization, one column per item (status shown)."""
    return _q(conn, """
        pivot (
            select short_name, org_type, item::varchar as item, status_shown
            from mart_roadmap($as_of::date)
            where year = $year and list_contains($scope::varchar[], org_code)
        ) on item in ('1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11')
        using first(status_shown)
        order by org_type, short_name
        """, scope=scope, year=year, as_of=as_of)
