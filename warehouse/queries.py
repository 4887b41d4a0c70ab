"""Query functions the pages and the command line read. Every one takes an explicit scope.

``scope`` is the set of organization codes the caller may see; an empty scope returns nothing (the
SQL filters on it, there is no "all" shortcut). ``as_of`` is the date against which "overdue" is
judged (today by default). All aggregation happens in DuckDB; results are small DataFrames.

A figure is defined once, in the SQL file of its mart (``warehouse/sql/marts/``, its grain stated on top);
each function reads it for a scope and a year (at most counting its rows by a category, ordering and
limiting them) and names the file on its ``SQL:`` line. The pages call these functions directly
(``dashboard.data.cached(queries.org_kpi, ...)``).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date
from functools import cached_property

import duckdb
import pandas as pd
import pyarrow as pa

from warehouse import snapshots

SCOPE_TABLE = "scope_orgs"   # the scope, as a relation the SQL joins: ``org_code in (select org_code from scope_orgs)``


class Scope(tuple):
    """Organization codes, sorted and without repeats, with their Arrow table and digest made once.

    Every query function takes any collection of codes; the app builds one Scope per filter choice and
    passes it to every query of a page, so a national scope (42,000 codes) is not sorted, hashed and
    converted again for each of them.
    """

    def __new__(cls, codes=()):
        return super().__new__(cls, sorted(set(codes)))

    @classmethod
    def of_sorted(cls, codes) -> Scope:
        """A Scope of codes already sorted and without repeats (``order by`` of a key): not sorted again."""
        return tuple.__new__(cls, codes)

    @cached_property
    def key(self) -> str:
        """A digest of the codes: what a cache keys on instead of the codes themselves."""
        return hashlib.sha256("\x1f".join(self).encode("utf-8")).hexdigest()

    @cached_property
    def arrow(self) -> pa.Table:
        return pa.table({"org_code": pa.array(self, pa.string())})


@contextmanager
def _scoped(conn: duckdb.DuckDBPyConnection, scope: Collection[str] | None) -> Iterator[None]:
    """Make ``scope`` readable to the SQL as the relation ``scope_orgs`` while the query runs.

    An Arrow table registered on the caller's cursor (connection-local, so sessions on other cursors do
    not see it) and semi-joined: binding 42,000 codes as a list parameter cost about 80 ms a query, and
    ``list_contains`` compares each row with the whole list.
    """
    if scope is None:
        yield
        return
    # DuckDB 2.0 refuses to register while the cursor holds an unfinished result (a caller's fetchone());
    # execute() drops such a result, as running the query itself would.
    conn.execute("select 1").fetchall()
    conn.register(SCOPE_TABLE, (scope if isinstance(scope, Scope) else Scope(scope)).arrow)
    try:
        yield
    finally:
        conn.unregister(SCOPE_TABLE)


def _q(conn: duckdb.DuckDBPyConnection, sql: str, *, scope: Collection[str] | None = None, order: str | None = None,
       limit: int | None = None, **params) -> pd.DataFrame:
    """Run ``sql`` over ``scope`` and return a DataFrame.

    ``order`` sorts the result; with ``limit`` as well, only the first ``limit`` rows come back, each
    with ``total_rows``, the number of rows without the limit (pages show the first rows of a national
    list and export the whole of it).
    """
    if "as_of" in params and params["as_of"] is None:
        params["as_of"] = date.today()
    if order and limit is not None:
        sql = (f"with q as materialized ({sql}) select *, (select count(*) from q) as total_rows from q "
               f"order by {order} limit {int(limit)}")
    elif order:
        sql = f"select * from ({sql}) order by {order}"
    with _scoped(conn, scope):
        return _frame(_arrow(conn, sql, params))


def _arrow(conn: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pa.Table:
    result = conn.execute(sql, params)
    # DuckDB suggests con.sql(query) to spare one copy of the Arrow rows; but .sql() refuses to run while
    # the caller's connection holds an unfinished result, which .execute() simply replaces.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)
        return result.to_arrow_table()


def _one(conn: duckdb.DuckDBPyConnection, sql: str, *, scope: Collection[str] | None = None, **params) -> dict:
    """The one row of an aggregate query, as a dict of plain Python values."""
    if "as_of" in params and params["as_of"] is None:
        params["as_of"] = date.today()
    with _scoped(conn, scope):
        cur = conn.execute(sql, params)
        row, = cur.fetchall()   # all: a result left unfinished would keep the scope registered
    return {d[0]: v for d, v in zip(cur.description, row, strict=True)}


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


# ---------------------------------------------------------------------------------------------
# The registry


def organizations(conn: duckdb.DuckDBPyConnection, scope: Collection[str]) -> pd.DataFrame:
    """The registry rows of the organizations in scope, by name as people read it («№ 2» before «№ 10»).

    SQL: the registry view ``organizations`` (``warehouse/sql/migrations/004_stg_by_dataset.sql``).
    """
    return _q(conn, """
        select org_code, short_name, full_name, org_type, coalesce(municipality, 'Когалым') as municipality, website
        from organizations where org_code in (select org_code from scope_orgs)
        """, scope=scope, order="natural_key(short_name), org_code")


def org_codes(conn: duckdb.DuckDBPyConnection, scope: Collection[str], municipality: str | None = None,
              org_type: str | None = None) -> Scope:
    """The codes of the organizations in scope of one municipality and/or type (None: any).

    SQL: the registry view ``organizations`` (``warehouse/sql/migrations/004_stg_by_dataset.sql``).
    """
    with _scoped(conn, scope):
        table = _arrow(conn, """
            select org_code from organizations
            where org_code in (select org_code from scope_orgs)
                  and ($municipality is null or coalesce(municipality, 'Когалым') = $municipality)
                  and ($org_type is null or org_type = $org_type)
            order by org_code
            """, {"municipality": municipality, "org_type": org_type})
    return Scope.of_sorted(table.column(0).to_pylist())


def org_facets(conn: duckdb.DuckDBPyConnection, scope: Collection[str]) -> pd.DataFrame:
    """Organizations in scope counted per (municipality, type): what the sidebar's filters offer.

    SQL: the registry view ``organizations`` (``warehouse/sql/migrations/004_stg_by_dataset.sql``).
    """
    return _q(conn, """
        select coalesce(municipality, 'Когалым') as municipality, org_type, count(*) as organizations
        from organizations where org_code in (select org_code from scope_orgs)
        group by all
        """, scope=scope, order="municipality, org_type")


# ---------------------------------------------------------------------------------------------
# Figures per organization and for the scope


def org_kpi(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None, *,
            limit: int | None = None) -> pd.DataFrame:
    """One row per organization in scope: every figure of DOMAIN.md for the year (NULL = no data).

    SQL: ``mart_org_kpi`` in ``warehouse/sql/marts/org_kpi.sql``.
    """
    # The figure row is wide: only the organizations shown are completed; ``total_rows`` counts them all.
    top = "" if limit is None else f"order by org_type, natural_key(short_name), org_code limit {int(limit)}"
    total = "" if limit is None else ", (select count(*) from orgs) as total_rows"
    return _q(conn, f"""
        with orgs as (
            select org_code, org_type, short_name from org_years
            where year = $year and org_code in (select org_code from scope_orgs)
        ),
        picked as (select * from orgs {top})
        select k.* {total} from mart_org_kpi($as_of::date) k semi join picked p using (org_code)
        where k.year = $year
        """, scope=scope, year=year, as_of=as_of, order="org_type, natural_key(short_name), org_code")


def lowest_coverage(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None, *,
                    limit: int = 10) -> pd.DataFrame:
    """The organizations with the lowest young-teacher coverage (those with the figure), lowest first.

    SQL: ``mart_org_kpi`` in ``warehouse/sql/marts/org_kpi.sql``.
    """
    return _q(conn, """
        select org_code, short_name, young_teachers, young_covered, young_coverage_pct
        from mart_org_kpi($as_of::date)
        where year = $year and young_coverage_pct is not null and org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, as_of=as_of, order="young_coverage_pct, natural_key(short_name), org_code", limit=limit)


# Which organizations a page names in a sentence («Без партнёров: ...»): fixed conditions on mart_org_kpi.
ORG_LISTS = {
    "no_partners": "partners = 0",
    "partners_missing": "partners is null and partners_applicable",   # item 10: never the department
    "coverage_missing": "young_coverage_pct is null and staff_expected",
}


def org_names(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, which: str, *,
              limit: int | None = None) -> pd.DataFrame:
    """Organizations in scope meeting one of ``ORG_LISTS``' conditions, by name.

    SQL: ``mart_org_kpi`` in ``warehouse/sql/marts/org_kpi.sql``.
    """
    return _q(conn, f"""
        select org_code, short_name from mart_org_kpi(current_date)
        where year = $year and ({ORG_LISTS[which]}) and org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, order="natural_key(short_name), org_code", limit=limit)


def city_summary(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None
                 ) -> dict:
    """The city's figures for the year over the organizations in scope (sums of what was reported): the
    year's row of the city mart, whose years are also the trend (:func:`coverage_trend`).

    SQL: ``mart_city_kpi`` in ``warehouse/sql/marts/city_kpi.sql``.
    """
    return _one(conn, """
        select * exclude (year) from mart_city_kpi($as_of::date, $year::integer)
        """, scope=scope, year=year, as_of=as_of)


def city_totals(conn: duckdb.DuckDBPyConnection, year: int, as_of: date | None = None) -> dict:
    """The whole city's figures, aggregates only: the one query without a scope, because it returns no
    organization's rows; a coordinator compares their organization with it."""
    codes = [r[0] for r in conn.execute("select org_code from organizations").fetchall()]
    return city_summary(conn, codes, year, as_of)


# k-anonymity of «Город в целом» beside one organization (issue 15): with one other organization behind a
# city figure, the city minus the coordinator's own figures is that other organization's figure (2 mentors,
# 100 % coverage, 1 partner — exactly that school's). With at least 3 others, no single one can be read off.
CITY_MIN_OTHERS = 3
# Each figure shown beside an organization, and the column of mart_city_kpi that counts the organizations
# which contribute to it (city_kpi.sql: only those that reported the figure are summed).
CITY_FIGURE_SOURCES = {"done_pct": "roadmap_reported", "mentors": "mentors_reported",
                       "young_coverage_pct": "coverage_reported", "orgs_with_partners": "partners_reported"}


def city_beside(town: dict, own: dict) -> dict[str, int]:
    """How many organizations other than the one compared (``own``: its :func:`city_summary`) contribute to
    each city figure of ``town`` (:func:`city_totals`), for the figures of ``CITY_FIGURE_SOURCES``. A
    figure with fewer than ``CITY_MIN_OTHERS`` is not shown to a coordinator (the page says why).

    SQL: ``mart_city_kpi`` in ``warehouse/sql/marts/city_kpi.sql`` (its ``*_reported`` counts).
    """
    return {figure: int(town[source] or 0) - int(own[source] or 0) for figure, source in CITY_FIGURE_SOURCES.items()}


def monitoring(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None, *,
               limit: int | None = None) -> pd.DataFrame:
    """Item 7: the year's figures per organization beside the previous year's (``<figure>_prev``): the
    roadmap, young teachers and their coverage, mentors and pairs, partners and events, students in
    mentorship. The page shows them by topic.

    SQL: ``mart_org_kpi`` in ``warehouse/sql/marts/org_kpi.sql``.
    """
    figures = MONITORING_FIGURES
    prev = ", ".join(f"prev.{c} as {c}_prev" for c in figures)
    return _q(conn, f"""
        with k as (
            select * from mart_org_kpi($as_of::date)
            where year in ($year, $year - 1) and org_code in (select org_code from scope_orgs)
        )
        select cur.org_code, cur.short_name, cur.org_type, cur.items_overdue, cur.items_unreported,
               {", ".join(f"cur.{c}" for c in figures)}, {prev}
        from k cur left join k prev on prev.org_code = cur.org_code and prev.year = cur.year - 1
        where cur.year = $year
        """, scope=scope, year=year, as_of=as_of, order="org_type, natural_key(short_name), org_code", limit=limit)


# The figures of mart_org_kpi that item 7's monitoring compares with the previous year.
MONITORING_FIGURES = (
    "done_pct", "teachers", "young_teachers", "young_covered", "young_coverage_pct",
    "teachers_with_difficulties", "difficulties_covered", "mentors", "teachers_mentor_pct", "mentors_trained",
    "pairs", "pairs_active", "pairs_with_programme", "satisfaction_avg", "partners", "mentors_from_partners",
    "events", "practices_regional_federal", "students_10_18", "mentee_students", "mentee_students_pct",
    "mentor_students", "mentor_students_pct",
)


def students_in_mentorship(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *,
                           limit: int | None = None) -> pd.DataFrame:
    """The federal target model's indicator per organization that owes the students file: students aged
    10-18 who are mentees and students who are mentors, as counts and shares, beside the year before
    (``<figure>_prev``; NULL: no file that year).

    SQL: ``mart_org_kpi`` in ``warehouse/sql/marts/org_kpi.sql``.
    """
    cols = ("students_total", "students_10_18", "mentee_students", "mentee_students_pct", "mentor_students",
            "mentor_students_pct")
    return _q(conn, f"""
        with k as (
            select k.* from mart_org_kpi(current_date) k
            join expected_datasets e on e.org_type = k.org_type and e.dataset = 'students'
            where k.year in ($year, $year - 1) and k.org_code in (select org_code from scope_orgs)
        )
        select cur.org_code, cur.short_name, cur.org_type, {", ".join(f"cur.{c}" for c in cols)},
               {", ".join(f"prev.{c} as {c}_prev" for c in cols)}
        from k cur left join k prev on prev.org_code = cur.org_code and prev.year = cur.year - 1
        where cur.year = $year
        """, scope=scope, year=year, order="org_type, org_code", limit=limit)


def mentor_base_on_time(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int,
                        as_of: date | None = None, *, limit: int | None = None) -> pd.DataFrame:
    """Item 4 per organization that owes a mentors file: when its first mentors file of the year arrived
    and the state against 31.10 (``mentor_base_state``: в срок, с опозданием, нет файла — past 31.10
    without one, ожидается — before it); latest first, so those that owe it lead.

    SQL: ``mart_org_kpi`` in ``warehouse/sql/marts/org_kpi.sql``.
    """
    return _q(conn, """
        select org_code, short_name, org_type, mentors_first_loaded_at, mentor_base_on_time, mentor_base_state
        from mart_org_kpi($as_of::date)
        where year = $year and mentors_expected and org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, as_of=as_of,
        order="case mentor_base_state when 'нет файла' then 0 when 'с опозданием' then 1 when 'ожидается' "
              "then 2 else 3 end, org_type, org_code", limit=limit)


def pairs_by_org(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *,
                 limit: int | None = None) -> pd.DataFrame:
    """Pairs per organization that sent its pairs or mentors file: all, by status, with a personalized
    programme (ППН); mentors who completed training; mentors provided by partners; the average
    satisfaction (1-5) of the pairs that report it, and how many do.

    SQL: ``mart_org_kpi`` in ``warehouse/sql/marts/org_kpi.sql``.
    """
    return _q(conn, """
        select org_code, short_name, org_type, pairs, pairs_planned, pairs_active, pairs_completed,
               pairs_interrupted, pairs_with_programme, mentors, mentors_trained, mentors_from_partners,
               pairs_rated, satisfaction_avg
        from mart_org_kpi(current_date)
        where year = $year and (pairs is not null or mentors is not null)
              and org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, order="org_type, org_code", limit=limit)


def broken_links(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *,
                 limit: int | None = None) -> pd.DataFrame:
    """Where an organization's current files disagree: the file (``dataset_title``) names IDs
    (``missing_ids``) that another current file (``target_title``) no longer has. Such a teacher mentor
    does not count among the teachers who mentor until the files agree.

    SQL: ``mart_broken_links`` in ``warehouse/sql/marts/broken_links.sql``.
    """
    return _q(conn, """
        select org_code, short_name, dataset, dataset_title, column_title, target, target_title, ids_missing,
               missing_ids
        from mart_broken_links
        where year = $year and org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, order="org_code, dataset, target", limit=limit)


# ---------------------------------------------------------------------------------------------
# Roadmap


def roadmap(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None
            ) -> pd.DataFrame:
    """One row per (organization, item) for the year with the status to show and the due date.

    Without the item's full title (``roadmap_items`` has it): at the national scale it is 460,000 copies
    of eleven long strings. Pages ask for it only for a few organizations (the matrix, one organization's
    items); over many they read :func:`roadmap_status_counts`.

    SQL: ``mart_roadmap`` in ``warehouse/sql/marts/roadmap.sql``.
    """
    return _q(conn, """
        select org_code, short_name, org_type, item, short_title, due_date, applicable,
               status_shown, reported_status, done_date, result_url, comment, overdue
        from mart_roadmap($as_of::date)
        where year = $year and org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, as_of=as_of, order="org_type, natural_key(short_name), org_code, item")


def applicable_items(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """One row per (organization, item 1-11) for the year: whether the item applies to the organization
    (item 8 in its contest years; items 3 and 10 never for the department). Read by the roadmap upload.

    SQL: ``roadmap_status`` in ``warehouse/sql/marts/roadmap.sql``.
    """
    return _q(conn, """
        select org_code, item, applicable from roadmap_status(current_date)
        where year = $year and org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, order="org_code, item")


def roadmap_status_counts(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int,
                          as_of: date | None = None) -> pd.DataFrame:
    """Organizations per (item, status shown): the roadmap of many organizations at a glance.

    SQL: ``status_shown`` and ``reported_status`` in ``warehouse/sql/marts/roadmap.sql``.
    """
    # roadmap_status's rule applied once per group of organizations with the same type and reported
    # masks, not once per organization: a national count reads 42,000 rows instead of 462,000.
    return _q(conn, """
        with groups as (
            select oy.org_type, oy.year, f.rm_done, f.rm_started, f.rm_not_started, f.rm_not_needed,
                   count(*) as organizations
            from org_years oy left join fact_org_year f using (org_code, year)
            where oy.year = $year and oy.org_code in (select org_code from scope_orgs)
            group by all
        )
        select i.item, i.short_title,
               status_shown(bit_at(m.applicable_mask, i.item), bit_at(m.overdue_mask, i.item),
                            reported_status(i.item, g.rm_done, g.rm_started, g.rm_not_started, g.rm_not_needed))
                   as status_shown,
               sum(g.organizations)::bigint as organizations
        from groups g cross join roadmap_items i join roadmap_masks($as_of::date) m using (org_type, year)
        group by all
        """, scope=scope, year=year, as_of=as_of, order="item, status_shown")


def roadmap_items(conn: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """The 11 items with their due date in the year and whether they apply that year."""
    return conn.execute("""
        select item, short_title, title, result_form, deadline_text, executors, org_only,
               make_date($year, due_month, due_day) as due_date,
               applicable_years is null
                   or list_contains(string_split(applicable_years, ',')::integer[], $year) as applies_this_year
        from roadmap_items order by item
        """, {"year": year}).df()


def overdue_items(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None, *,
                  limit: int | None = None) -> pd.DataFrame:
    """Items reported as not done whose due date has passed, with the organization's comment. Expanded
    from ``overdue_masks``: only the organizations and items that are overdue become rows, and the
    count of all of them (``total_rows``, with ``limit``) is a sum of bits.

    SQL: ``overdue_masks`` in ``warehouse/sql/marts/roadmap.sql``.
    """
    top = "" if limit is None else f"order by due_date, org_code, item limit {int(limit)}"
    total = "" if limit is None else ", (select sum(bit_count(overdue_mask)) from o) as total_rows"
    return _q(conn, f"""
        with o as (
            select * from overdue_masks($as_of::date)
            where year = $year and overdue_mask != 0 and org_code in (select org_code from scope_orgs)
        ),
        picked as (
            select o.org_code, o.short_name, o.year, i.item, i.short_title,
                   make_date(o.year, i.due_month, i.due_day) as due_date,
                   reported_status(i.item, o.rm_done, o.rm_started, o.rm_not_started, o.rm_not_needed)
                       as reported_status
            from o join roadmap_items i on bit_at(o.overdue_mask, i.item)
            {top}
        )
        select p.org_code, p.short_name, p.item, p.short_title, p.due_date, p.reported_status, r.comment {total}
        from picked p left join stg_roadmap r using (org_code, year, item)
        """, scope=scope, year=year, as_of=as_of, order="due_date, org_code, item")


def roadmap_wide(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, as_of: date | None = None
                 ) -> pd.DataFrame:
    """The roadmap matrix as a table: one row per organization, one column per item (status shown).

    SQL: ``roadmap_status`` in ``warehouse/sql/marts/roadmap.sql``.
    """
    return _q(conn, """
        pivot (
            select org_code, short_name, org_type, item::varchar as item, status_shown
            from roadmap_status($as_of::date)
            where year = $year and org_code in (select org_code from scope_orgs)
        ) on item in ('1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11')
        using first(status_shown)
        """, scope=scope, year=year, as_of=as_of, order="org_type, natural_key(short_name), org_code")


# ---------------------------------------------------------------------------------------------
# Completeness


def completeness(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *,
                 relevant: bool = False, limit: int | None = None) -> pd.DataFrame:
    """One row per (organization, dataset): uploaded or not, when, which version. ``relevant``: only
    the datasets the organization owes or has uploaded anyway.

    With ``limit``: an organization has at most 7 rows, so the first ``limit`` rows are among the first
    ``limit`` organizations; only theirs are expanded, and ``total_rows`` is counted from the masks.

    SQL: ``completeness_state`` in ``warehouse/sql/marts/completeness.sql``.
    """
    top = "" if limit is None else f"order by org_type, org_code limit {int(limit)}"
    total = "" if limit is None else """, (
            select sum(case when $relevant then relevant_datasets else (select count(*) from datasets) end)
            from completeness_masks where year = $year and org_code in (select org_code from scope_orgs)
        ) as total_rows"""
    return _q(conn, f"""
        with orgs as (
            select org_code from completeness_masks
            where year = $year and ($relevant = false or relevant_datasets > 0)
                  and org_code in (select org_code from scope_orgs)
            {top}
        )
        select c.org_code, c.short_name, c.org_type, c.dataset, c.dataset_title, c.sort, c.expected, c.uploaded,
               c.state, u.current_since, u.first_loaded_at, u.version, u.rows, u.file_name, u.uploaded_by {total}
        from completeness_state c semi join orgs using (org_code)
        left join fact_upload u using (org_code, year, dataset)
        where c.year = $year and ($relevant = false or c.expected or c.uploaded)
        order by c.org_type, natural_key(c.short_name), c.org_code, c.sort {"" if limit is None else f"limit {int(limit)}"}
        """, scope=scope, year=year, relevant=relevant)


def completeness_counts(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """Organizations per (dataset, state): the completeness of many organizations at a glance, counted per
    group of organizations with the same masks (not per row of completeness_state).

    SQL: ``completeness_masks`` and ``upload_state`` in ``warehouse/sql/marts/completeness.sql``.
    """
    return _q(conn, """
        with groups as (
            select expected_mask, uploaded_mask, count(*) as organizations
            from completeness_masks
            where year = $year and org_code in (select org_code from scope_orgs)
            group by all
        )
        select d.dataset, d.title as dataset_title, d.sort,
               upload_state(bit_at(g.expected_mask, d.sort), bit_at(g.uploaded_mask, d.sort)) as state,
               sum(g.organizations)::bigint as organizations
        from groups g cross join datasets d
        group by all
        """, scope=scope, year=year, order="sort, state")


def missing_uploads(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *,
                    limit: int | None = None) -> pd.DataFrame:
    """Organizations in scope with the datasets their type should upload and they have not, for the year.

    SQL: ``completeness_state`` in ``warehouse/sql/marts/completeness.sql``.
    """
    return _q(conn, """
        select org_code, short_name, count(*) as missing, string_agg(dataset_title, ', ' order by sort) as datasets
        from completeness_state
        where year = $year and expected and not uploaded and org_code in (select org_code from scope_orgs)
        group by all
        """, scope=scope, year=year, order="missing desc, org_code", limit=limit)


def upload_log(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *, limit: int = 1000
               ) -> pd.DataFrame:
    """Every upload attempt of the scope's organizations for the year, rejected ones too, newest first (the
    registry's under every year): «История загрузок».

    SQL: the table of uploads in ``warehouse/sql/migrations/001_init.sql`` (written by ``warehouse.snapshots``
    on every attempt), read by ``snapshots.upload_log``.
    """
    return snapshots.upload_log(conn, list(scope), limit=limit, year=year)


# ---------------------------------------------------------------------------------------------
# Young teachers


def uncovered_young_teachers(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *,
                             limit: int | None = None) -> pd.DataFrame:
    """Young teachers without a mentorship in work or completed: what the organization acts on.

    SQL: ``mart_young_teachers`` in ``warehouse/sql/marts/young_teachers.sql``.
    """
    return _q(conn, """
        select org_code, teacher_id, position, age, years_in_org
        from mart_young_teachers
        where year = $year and not covered and pairs_reported and org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, order="org_code, teacher_id", limit=limit)


def coverage_trend(conn: duckdb.DuckDBPyConnection, scope: Collection[str]) -> pd.DataFrame:
    """Young-teacher coverage of the scope per reporting year (only organizations that reported pairs):
    the years of the city mart with young teachers, so a year's point is that year's :func:`city_summary`.

    SQL: ``mart_city_kpi`` in ``warehouse/sql/marts/city_kpi.sql``.
    """
    return _q(conn, """
        select year, young_teachers, young_covered as covered, young_coverage_pct as coverage_pct
        from mart_city_kpi(current_date, null)
        where young_teachers > 0
        """, scope=scope, order="year")


# ---------------------------------------------------------------------------------------------
# Mentors


def mentor_counts(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """Mentors counted by type and by whom they mentor.

    SQL: ``mart_mentor_load`` in ``warehouse/sql/marts/mentor_load.sql``.
    """
    return _q(conn, """
        select mentor_type, mentors_whom, count(*) as mentors, count(*) filter (where overloaded) as overloaded
        from mart_mentor_load
        where year = $year and org_code in (select org_code from scope_orgs)
        group by all
        """, scope=scope, year=year, order="mentor_type, mentors_whom")


def _top_orgs(conn, scope, year: int, table: str, category: str, top: int) -> pd.DataFrame:
    """Rows of ``table`` counted per (organization, ``category``) for the ``top`` organizations with the
    most rows; ``orgs_total`` is how many organizations have any. ``table`` and ``category`` come from
    this module only."""
    return _q(conn, f"""
        with counted as (
            select org_code, {category} as category, count(*) as n
            from {table}
            where year = $year and org_code in (select org_code from scope_orgs)
            group by all
        ),
        per_org as (select org_code, sum(n) as org_n from counted group by all),
        top as (select org_code, org_n from per_org order by org_n desc, org_code limit {int(top)})
        select o.short_name, c.category, c.n, (select count(*) from per_org) as orgs_total
        from counted c join top t using (org_code) join organizations o using (org_code)
        """, scope=scope, year=year, order="natural_key(short_name), category")


def mentors_by_org(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *, top: int = 30
                   ) -> pd.DataFrame:
    """Mentors per organization and type (short_name, category = mentor type, n), for the ``top``
    organizations with the most mentors.

    SQL: ``mart_mentor_load`` in ``warehouse/sql/marts/mentor_load.sql``.
    """
    return _top_orgs(conn, scope, year, "mart_mentor_load", "mentor_type", top)


def mentor_base(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *, overloaded: bool = False,
                limit: int | None = None) -> pd.DataFrame:
    """The mentor base (item 4): one row per mentor with their load; ``overloaded``: only those with
    more than 3 mentees in work.

    SQL: ``mart_mentor_load`` in ``warehouse/sql/marts/mentor_load.sql``.
    """
    return _q(conn, """
        select org_code, mentor_id, full_name, mentor_type, workplace, mentors_whom, trained, order_date,
               active_mentees, pairs, overloaded
        from mart_mentor_load
        where year = $year and ($overloaded = false or overloaded) and org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, overloaded=overloaded, order="org_code, full_name, mentor_id", limit=limit)


def public_mentor_base(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *,
                       limit: int | None = None) -> pd.DataFrame:
    """The mentor base as it may be published (roadmap items 4 and 11): the mentor's name, position or
    workplace, whom they mentor, the forms and the period of their pairs. Never staff IDs, ages,
    difficulties or mentees. An open-ended period (a pair still in work) has no end date.

    Only the mentors who consented to the distribution of their name (152-ФЗ art. 10.1): «да» in
    «Согласие на размещение сведений»; «нет», an empty cell or a file without the column keep a mentor
    out. :func:`public_mentor_base_summary` counts those not shown.

    SQL: ``stg_mentors`` and ``stg_mentorships`` in ``warehouse/sql/migrations/004_stg_by_dataset.sql``.
    """
    return _q(conn, """
        with pairs as (
            select org_code, year, mentor_id,
                   string_agg(distinct form, ', ' order by form) as forms,
                   min(start_date) as period_start,
                   case when bool_or(end_date is null) then null else max(end_date) end as period_end
            from stg_mentorships
            where year = $year and org_code in (select org_code from scope_orgs)
            group by all
        )
        select o.short_name as organization, m.full_name, m.workplace, m.mentors_whom, p.forms,
               p.period_start, p.period_end
        from stg_mentors m
        join organizations o using (org_code)
        left join pairs p using (org_code, year, mentor_id)
        where m.year = $year and m.org_code in (select org_code from scope_orgs) and coalesce(m.consent, false)
        """, scope=scope, year=year, order="organization, full_name, workplace, mentors_whom, period_start, forms", limit=limit)


def public_mentor_base_summary(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> dict:
    """What the public mentor base says about itself: ``shown`` (mentors who consented), ``not_shown``
    (no consent, or a file without the column), ``organizations`` (with a mentor base), ``updated``
    (when the newest current mentors file was uploaded).

    SQL: ``stg_mentors`` in ``warehouse/sql/migrations/006_mentor_consent.sql``; ``fact_upload`` in
    ``warehouse/sql/facts.sql``.
    """
    return _one(conn, """
        select count(*) filter (where coalesce(m.consent, false)) as shown,
               count(*) filter (where not coalesce(m.consent, false)) as not_shown,
               count(distinct m.org_code) as organizations,
               (select max(current_since) from fact_upload
                where dataset = 'mentors' and year = $year and org_code in (select org_code from scope_orgs)) as updated
        from stg_mentors m
        where m.year = $year and m.org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year)


# ---------------------------------------------------------------------------------------------
# Partners


def partners(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *, with_mentors: bool = False,
             limit: int | None = None) -> pd.DataFrame:
    """The partners of the organizations in scope for the year; ``provides_mentors`` is «да» or «нет»;
    ``with_mentors``: only the partners that provide mentors.

    SQL: ``stg_partners`` in ``warehouse/sql/migrations/004_stg_by_dataset.sql``; the rule ``is_mentor_partner`` in ``warehouse/sql/facts.sql``.
    """
    return _q(conn, """
        select p.org_code, o.short_name, p.name, p.partner_type, p.inn, p.agreement, p.participation_forms,
               p.mentors_count, p.since_date,
               case when is_mentor_partner(p.mentors_count) then 'да' else 'нет' end as provides_mentors
        from stg_partners p join organizations o using (org_code)
        where p.year = $year and ($with_mentors = false or is_mentor_partner(p.mentors_count))
              and p.org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, with_mentors=with_mentors, order="org_code, partner_type, name", limit=limit)


def partner_counts(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """Partners counted by type and by whether they provide mentors.

    SQL: ``stg_partners`` in ``warehouse/sql/migrations/004_stg_by_dataset.sql``; the rule ``is_mentor_partner`` in ``warehouse/sql/facts.sql``.
    """
    return _q(conn, """
        select partner_type, case when is_mentor_partner(mentors_count) then 'да' else 'нет' end as provides_mentors,
               count(*) as partners
        from stg_partners
        where year = $year and org_code in (select org_code from scope_orgs)
        group by all
        """, scope=scope, year=year, order="partner_type, provides_mentors")


def partners_by_org(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *, top: int = 30
                    ) -> pd.DataFrame:
    """Partners per organization and type (short_name, category = partner type, n), for the ``top``
    organizations with the most partners.

    SQL: ``stg_partners`` in ``warehouse/sql/migrations/004_stg_by_dataset.sql``; the rule ``is_mentor_partner`` in ``warehouse/sql/facts.sql``.
    """
    return _top_orgs(conn, scope, year, "stg_partners", "partner_type", top)


# ---------------------------------------------------------------------------------------------
# Events


def events(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int | None = None, *,
           limit: int | None = None) -> pd.DataFrame:
    """The events of the organizations in scope: of one year, or of every year.

    SQL: ``stg_events`` in ``warehouse/sql/migrations/004_stg_by_dataset.sql``.
    """
    return _q(conn, """
        select org_code, year, event_date, title, level, kind, role, participants, result, url, row_no
        from stg_events
        where ($year is null or year = $year) and org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, order="event_date, org_code, row_no", limit=limit)


def events_by_kind(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int) -> pd.DataFrame:
    """Events of the year counted by kind and level.

    SQL: ``stg_events`` in ``warehouse/sql/migrations/004_stg_by_dataset.sql``.
    """
    return _q(conn, """
        select kind, level, count(*) as events
        from stg_events
        where year = $year and org_code in (select org_code from scope_orgs)
        group by all
        """, scope=scope, year=year, order="kind, level")


def events_per_month(conn: duckdb.DuckDBPyConnection, scope: Collection[str]) -> pd.DataFrame:
    """Events counted per month and kind over every year (the trend; no event rows leave DuckDB). Every month
    from the first event to the last is there for every kind, with 0 where nothing happened: a line drawn
    straight across empty months would show events that did not take place.

    SQL: ``stg_events`` in ``warehouse/sql/migrations/004_stg_by_dataset.sql``.
    """
    return _q(conn, """
        with counted as (
            select date_trunc('month', event_date) as month, kind, count(*) as events
            from stg_events
            where org_code in (select org_code from scope_orgs)
            group by all
        ),
        months as (
            select unnest(generate_series(min(month), max(month), interval 1 month))::date as month from counted
        )
        select m.month, k.kind, coalesce(c.events, 0) as events
        from months m cross join (select distinct kind from counted) k
        left join counted c on c.month = m.month and c.kind = k.kind
        """, scope=scope, order="month, kind")


def regional_practices(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *,
                       limit: int | None = None) -> pd.DataFrame:
    """Item 9: practices presented at the regional or federal level in the year.

    SQL: ``stg_events`` in ``warehouse/sql/migrations/004_stg_by_dataset.sql``; the rule
    ``is_regional_practice`` in ``warehouse/sql/facts.sql``.
    """
    return _q(conn, """
        select org_code, event_date, title, level, result, url, row_no
        from stg_events
        where year = $year and is_regional_practice(kind, level)
              and org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, order="event_date, org_code, row_no", limit=limit)


def contest_events(conn: duckdb.DuckDBPyConnection, scope: Collection[str], *, limit: int | None = None
                   ) -> pd.DataFrame:
    """Item 8: the municipal contest «Педагог-наставник» (2026 and 2028), every year, with the role:
    an organizer's «Участников» counts the contest's participants, a participant's its own entrants.
    Other contests are :func:`other_contests`.

    SQL: ``stg_events`` in ``warehouse/sql/migrations/004_stg_by_dataset.sql``; the rule
    ``is_item8_contest`` in ``warehouse/sql/facts.sql``.
    """
    return _q(conn, """
        select year, org_code, event_date, title, level, role, participants, result, row_no
        from stg_events
        where is_item8_contest(kind, level, title) and org_code in (select org_code from scope_orgs)
        """, scope=scope, order="event_date, org_code, row_no", limit=limit)


def other_contests(conn: duckdb.DuckDBPyConnection, scope: Collection[str], year: int, *,
                   limit: int | None = None) -> pd.DataFrame:
    """Contests other than item 8's (kind «конкурс»: regional prizes and the like), listed apart.

    SQL: ``stg_events`` in ``warehouse/sql/migrations/004_stg_by_dataset.sql``; the rule
    ``is_item8_contest`` in ``warehouse/sql/facts.sql``.
    """
    return _q(conn, """
        select org_code, event_date, title, level, role, participants, result, url, row_no
        from stg_events
        where year = $year and kind = 'конкурс' and not is_item8_contest(kind, level, title)
              and org_code in (select org_code from scope_orgs)
        """, scope=scope, year=year, order="event_date, org_code, row_no", limit=limit)
