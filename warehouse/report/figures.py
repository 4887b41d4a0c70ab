"""What the report says, gathered from the query layer: every number of the document comes from a function
of :mod:`warehouse.queries` called here, and nothing else in the report package reads the warehouse.

The report only arranges these results: it picks rows, names organizations, subtracts last year's figure
from this year's. A figure the warehouse does not know (a file not uploaded, a year before the first
reporting year) stays ``None`` and is written «нет данных», never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from warehouse import queries, registry, settings
from warehouse.queries import Scope

# Statuses of a roadmap item as the marts show them (``status_shown`` in warehouse/sql/marts/roadmap.sql).
STATUSES = ["выполнено", "в работе", "не начато", "просрочено", "нет отчёта", "не требуется"]
BEHIND = ("просрочено", "нет отчёта")     # an organization behind on an item


@dataclass(frozen=True)
class Indicator:
    """One row of the indicators table: a column of ``queries.city_summary``.

    ``base``: the count of organizations that reported what the indicator is counted from; when it is 0 the
    indicator is «нет данных» (the city mart counts organizations with ``filter``, which gives 0, not NULL).
    ``subject`` and ``gender`` make the conclusion's sentence («Число наставников выросло …»).
    """

    key: str
    title: str
    pct: bool = False
    decimal: bool = False      # a mean with two decimals (satisfaction 1–5)
    goal: str = ""
    base: str | None = None
    subject: str | None = None
    gender: str = "n"          # m, f, n, pl: the verb's ending in the conclusions
    higher_is_better: bool | None = True


INDICATORS = [
    Indicator("organizations", "Организаций в мониторинге", higher_is_better=None),
    Indicator("roadmap_reported", "Организаций, представивших отчёт по дорожной карте",
              subject="Число организаций, представивших отчёт по дорожной карте"),
    Indicator("done_pct", "Выполнено пунктов дорожной карты, %", pct=True, goal="100 %", base="roadmap_reported",
              subject="Доля выполненных пунктов дорожной карты", gender="f"),
    Indicator("items_overdue", "Просрочено пунктов дорожной карты", goal="0", base="roadmap_reported",
              subject="Число просроченных пунктов дорожной карты", higher_is_better=False),
    Indicator("items_unreported", "Пунктов дорожной карты без отчёта", goal="0", base="roadmap_reported",
              higher_is_better=False),
    Indicator("orgs_with_overdue", "Организаций с просроченными пунктами", goal="0", base="roadmap_reported",
              subject="Число организаций с просроченными пунктами", higher_is_better=False),
    Indicator("teachers", "Педагогических работников", higher_is_better=None),
    Indicator("mentors", "Наставников", base="mentors_reported", subject="Число наставников"),
    Indicator("mentors_trained", "Наставников, прошедших обучение", base="mentors_reported",
              subject="Число наставников, прошедших обучение"),
    Indicator("teachers_mentor_pct", "Доля педагогов-наставников, %", pct=True,
              subject="Доля педагогов-наставников", gender="f"),
    Indicator("mentors_overloaded", "Наставников с нагрузкой более 3 наставляемых", goal="0",
              base="mentors_reported", higher_is_better=False),
    Indicator("mentor_base_on_time", "Организаций, представивших базу наставников к 31.10 (пункт 4)",
              base="mentor_base_expected"),
    Indicator("pairs", "Наставнических пар", base="pairs_reported", subject="Число наставнических пар"),
    Indicator("pairs_active", "Пар «в работе»", base="pairs_reported"),
    Indicator("pairs_completed", "Пар «завершена»", base="pairs_reported"),
    Indicator("pairs_with_programme", "Пар с персонализированной программой (ППН)", base="pairs_reported",
              subject="Число пар с персонализированной программой наставничества"),
    Indicator("satisfaction_avg", "Удовлетворённость участников пар, средний балл (1–5)", decimal=True,
              base="pairs_rated", subject="Средняя удовлетворённость участников пар", gender="f"),
    Indicator("young_teachers", "Молодых педагогов (в организациях со сведениями о парах)",
              base="coverage_reported", higher_is_better=None),
    Indicator("young_covered", "Молодых педагогов с наставником", base="coverage_reported"),
    Indicator("young_coverage_pct", "Охват молодых педагогов наставничеством, %", pct=True,
              goal="100 % (цель), 70 % (ориентир)", subject="Охват молодых педагогов наставничеством", gender="m"),
    Indicator("teachers_with_difficulties", "Педагогов с профессиональными затруднениями",
              base="coverage_reported", higher_is_better=None),
    Indicator("difficulties_covered", "Педагогов с затруднениями, сопровождаемых наставником",
              base="coverage_reported"),
    Indicator("mentee_students_pct", "Обучающихся 10–18 лет — наставляемых, %", pct=True, base="students_reported",
              subject="Доля наставляемых среди обучающихся 10–18 лет", gender="f"),
    Indicator("mentor_students", "Обучающихся-наставников", base="students_reported",
              subject="Число обучающихся-наставников"),
    Indicator("orgs_with_partners_pct", "Организаций с партнёрами (пункт 10), %", pct=True,
              base="partners_reported", subject="Доля организаций с партнёрами", gender="f"),
    Indicator("partners", "Партнёров", base="partners_reported", subject="Число партнёров"),
    Indicator("partners_with_mentors", "Партнёров, предоставляющих наставников", base="partners_reported"),
    Indicator("mentors_from_partners", "Наставников от партнёров", base="partners_reported"),
    Indicator("events", "Мероприятий", subject="Число мероприятий"),
    Indicator("practices_regional_federal", "Практик на региональном и федеральном уровнях",
              subject="Число практик, представленных на региональном и федеральном уровнях"),
    Indicator("orgs_with_missing", "Организаций, не представивших все сведения", goal="0",
              subject="Число организаций, не представивших все сведения", higher_is_better=False),
]


def indicator(key: str) -> Indicator:
    """The indicator of a column of ``city_summary``."""
    return next(i for i in INDICATORS if i.key == key)


def city_value(city: dict | None, ind: Indicator):
    """The indicator's value in a year's ``city_summary`` row, or None («нет данных»)."""
    if not city or not city.get("organizations"):
        return None
    if ind.base and not city.get(ind.base):
        return None
    value = city.get(ind.key)
    return None if value is None or value != value else value


@dataclass(frozen=True)
class ReportScope:
    """The organizations the report covers: the registry within what the caller may see, narrowed to one
    municipality and/or one type of organization (None: all)."""

    codes: Scope
    municipality: str | None = None
    org_type: str | None = None


def resolve_scope(conn: duckdb.DuckDBPyConnection, allowed: Scope | None = None, municipality: str | None = None,
                  org_type: str | None = None) -> ReportScope:
    """``allowed`` is the caller's own scope (the whole registry for the command line)."""
    allowed = allowed if allowed is not None else Scope(registry.org_codes(conn))
    return ReportScope(queries.org_codes(conn, allowed, municipality, org_type), municipality, org_type)


@dataclass
class ReportData:
    """Every result the report is written from, each straight from a query function."""

    year: int
    as_of: date
    scope: ReportScope
    demo: bool
    years: range                      # the reporting years of the warehouse
    city: dict                        # queries.city_summary for the year
    city_prev: dict | None            # … for the year before, None outside the reporting years
    orgs: pd.DataFrame                # queries.org_kpi: one row per organization (the appendix)
    items: pd.DataFrame               # queries.roadmap_items
    status_counts: pd.DataFrame       # queries.roadmap_status_counts
    roadmap: pd.DataFrame             # queries.roadmap: one row per (organization, item)
    missing: pd.DataFrame             # queries.missing_uploads
    mentor_counts: pd.DataFrame       # queries.mentor_counts
    coverage_trend: pd.DataFrame      # queries.coverage_trend
    partner_counts: pd.DataFrame      # queries.partner_counts
    events_by_kind: pd.DataFrame      # queries.events_by_kind
    practices: pd.DataFrame           # queries.regional_practices
    contests: pd.DataFrame            # queries.contest_events of the year (item 8)
    other_contests: pd.DataFrame      # queries.other_contests
    students: pd.DataFrame            # queries.students_in_mentorship
    mentor_base: pd.DataFrame         # queries.mentor_base_on_time (item 4)

    @property
    def names(self) -> dict[str, str]:
        return dict(zip(self.orgs["org_code"], self.orgs["short_name"], strict=True))


def collect(conn: duckdb.DuckDBPyConnection, scope: ReportScope, year: int, as_of: date | None = None) -> ReportData:
    """Run the report's queries for ``scope`` and ``year``; ``as_of`` is the day «просрочено» is judged
    against (today by default)."""
    as_of = as_of or date.today()
    codes = scope.codes
    years = settings.reporting_years(conn)
    city_prev = queries.city_summary(conn, codes, year - 1, as_of) if year - 1 in years else None
    contests = queries.contest_events(conn, codes)
    return ReportData(
        year=year, as_of=as_of, scope=scope, demo=settings.is_demo(conn), years=years,
        city=queries.city_summary(conn, codes, year, as_of),
        city_prev=city_prev,
        orgs=queries.org_kpi(conn, codes, year, as_of),
        items=queries.roadmap_items(conn, year),
        status_counts=queries.roadmap_status_counts(conn, codes, year, as_of),
        roadmap=queries.roadmap(conn, codes, year, as_of),
        missing=queries.missing_uploads(conn, codes, year),
        mentor_counts=queries.mentor_counts(conn, codes, year),
        coverage_trend=queries.coverage_trend(conn, codes),
        partner_counts=queries.partner_counts(conn, codes, year),
        events_by_kind=queries.events_by_kind(conn, codes, year),
        practices=queries.regional_practices(conn, codes, year),
        contests=contests[contests["year"] == year].reset_index(drop=True),
        other_contests=queries.other_contests(conn, codes, year),
        students=queries.students_in_mentorship(conn, codes, year),
        mentor_base=queries.mentor_base_on_time(conn, codes, year, as_of),
    )
