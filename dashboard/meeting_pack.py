"""The meeting pack: one XLSX for a year with the city's summary, a sheet per topic, the monitoring of
item 7 and the overview charts, fit to print.

Decisions (issue 14, «fit to print»):

- Charts are native Excel charts (``export.Chart``), each on an A4 landscape sheet of its own with the
  table it draws: the roadmap's statuses per item and the uploads' states per dataset as stacked bars
  (organizations counted, so they read at 3 and at 700 organizations), the lowest young-teacher
  coverage as bars in the colours of their bands, as on «Молодые педагоги» (red below the 70 % benchmark,
  amber up to the goal, green at it: a bar chart in Excel cannot carry the page's dashed 70 % line).
  Nothing is an image: the pages' «organization × item» matrices have an Excel
  equivalent, the sheets «Дорожная карта» and «Полнота загрузок», whose status cells are coloured by
  conditional formats in the pages' colours.
- Organizations by their short names, never codes; every sheet's title says the filters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd

from dashboard import charts, export
from ingest.schemas import DATASET_TITLES
from warehouse import queries

SUMMARY_ROWS = [
    ("organizations", "Организаций"),
    ("roadmap_reported", "Отчитались по дорожной карте"),
    ("done_pct", "Дорожная карта выполнена, % (пункт без отчёта — не выполнен)"),
    ("items_unreported", "Пунктов без отчёта"),
    ("items_overdue", "Просрочено пунктов"),
    ("orgs_with_overdue", "Организаций с просроченными пунктами"),
    ("teachers", "Педагогов"),
    ("mentors", "Наставников"),
    ("teachers_mentor_pct", "Педагогов-наставников, %"),
    ("young_teachers", "Молодых педагогов (в организациях со сведениями о парах)"),
    ("young_covered", "Молодых педагогов с наставником"),
    ("young_coverage_pct", "Охват молодых педагогов, % (цель 100, ориентир 70)"),
    ("pairs", "Наставнических пар"),
    ("pairs_active", "Пар в работе"),
    ("pairs_completed", "Пар завершено"),
    ("pairs_interrupted", "Пар прервано"),
    ("pairs_with_programme", "Пар с ППН"),
    ("mentors_trained", "Наставников прошли обучение"),
    ("satisfaction_avg", "Удовлетворённость пар (1–5), средняя"),
    ("mentee_students_pct", "Наставляемых среди обучающихся 10–18 лет, %"),
    ("mentor_students_pct", "Обучающихся-наставников, %"),
    ("mentor_base_on_time", "Организаций, загрузивших базу наставников к 31.10"),
    ("mentor_base_late", "Организаций с базой наставников позже 31.10 или без неё"),
    ("orgs_with_partners", "Организаций с партнёрами (из тех, к кому относится пункт 10)"),
    ("partners_expected", "Организаций, к которым относится пункт 10"),
    ("partners", "Партнёров"),
    ("events", "Мероприятий"),
    ("practices_regional_federal", "Практик на региональном и федеральном уровне"),
    ("contest_participants", "Конкурс «Педагог-наставник»: участников"),
    ("contest_prizewinners", "Конкурс «Педагог-наставник»: призёров"),
    ("contest_winners", "Конкурс «Педагог-наставник»: победителей"),
    ("orgs_with_missing", "Организаций, не загрузивших нужные наборы"),
]

# Item 7's figures beside last year's, in two sheets of ten columns: one sheet of nineteen printed too small.
MONITORING_STAFF = ["short_name", "teachers", "teachers_prev", "mentors", "mentors_prev", "young_teachers",
                    "young_covered", "young_coverage_pct", "young_coverage_pct_prev", "difficulties_covered"]
MONITORING_ACTIVITY = ["short_name", "done_pct", "done_pct_prev", "items_overdue", "partners", "partners_prev",
                       "events", "events_prev", "mentee_students_pct", "mentee_students_pct_prev"]

STATUS_COLOURS = dict(zip(charts.STATUS_ORDER, charts.STATUS_COLORS, strict=True))
STATE_COLOURS = dict(zip(charts.COMPLETENESS_STATES, charts.COMPLETENESS_COLORS, strict=True))
COVERAGE_COLOUR = "#4a90d9"


def _wide(counts: pd.DataFrame, index: str, column: str, order: list[str]) -> pd.DataFrame:
    """Counts of organizations per (index, state) as one row per index value and a column per state, in
    ``order``; a state nobody is in is left out (no empty series in the legend)."""
    wide = counts.pivot_table(index=index, columns=column, values="organizations", aggfunc="sum", fill_value=0,
                              sort=False)
    return wide[[s for s in order if s in wide.columns and wide[s].sum() > 0]].astype("int64").reset_index()


def build(cur, scope: tuple[str, ...], year: int, as_of: date, label: str, note: str,
          progress: Callable[[str], None] = lambda step: None) -> bytes:
    """The pack for the organizations in ``scope`` (the user's own scope and filters); ``label`` says the
    filters (``Filters.label``). ``progress(step)`` is told, in Russian, what is being built."""
    progress("Сводка и мониторинг (пункт 7)")
    city = queries.city_summary(cur, scope, year, as_of)
    summary = pd.DataFrame({"Показатель": [t for _, t in SUMMARY_ROWS],
                            "Значение": [city.get(k) for k, _ in SUMMARY_ROWS]})
    monitoring = queries.monitoring(cur, scope, year, as_of)
    kpi = queries.org_kpi(cur, scope, year, as_of)
    names = dict(queries.organizations(cur, scope)[["org_code", "short_name"]].itertuples(index=False))

    progress("Дорожная карта")
    roadmap_wide = queries.roadmap_wide(cur, scope, year, as_of)
    items = queries.roadmap_items(cur, year)
    item_titles = {str(r.item): f"{r.item}. {r.short_title} (срок {r.due_date:%d.%m.%Y})" for r in items.itertuples()}
    status_counts = queries.roadmap_status_counts(cur, scope, year, as_of)
    status_counts["item_title"] = status_counts["item"].map(lambda i: f"{i}. " + items.set_index("item")
                                                            .at[i, "short_title"])

    progress("Наставники, молодые педагоги, партнёры, мероприятия")
    events = queries.events(cur, scope, year)
    events = events.assign(organization=events["org_code"].map(names))

    progress("Загрузки")
    completeness = queries.completeness(cur, scope, year)
    completeness = completeness.assign(dataset_title=completeness["dataset"].map(DATASET_TITLES))
    upload_matrix = completeness.pivot(index=["org_type", "org_code", "short_name"], columns="dataset_title",
                                       values="state").reset_index()
    dataset_order = [t for t in DATASET_TITLES.values() if t in upload_matrix.columns]
    state_counts = queries.completeness_counts(cur, scope, year).assign(
        dataset_title=lambda d: d["dataset"].map(DATASET_TITLES))
    lowest = queries.lowest_coverage(cur, scope, year, as_of, limit=charts.TOP_N)
    n_with_coverage = int(lowest["total_rows"].iloc[0]) if len(lowest) else 0
    # Each bar in its band's colour, as on «Молодые педагоги» (red below the 70 % benchmark).
    coverage_colours = [charts.COVERAGE_BANDS[charts.coverage_band(p)] for p in lowest["young_coverage_pct"]]

    def sheet(topic: str, frame: pd.DataFrame, columns: list[str] | None, **kwargs) -> export.Sheet:
        return export.Sheet(f"{topic}: {label}", frame, columns, name=kwargs.pop("name", topic), note=note, **kwargs)

    progress("Диаграммы")
    statuses = _wide(status_counts, "item_title", "status_shown", charts.STATUS_ORDER)
    states = _wide(state_counts, "dataset_title", "state", charts.COMPLETENESS_STATES)
    coverage_title = "Охват молодых педагогов" + (f", {charts.TOP_N} организаций с самым низким"
                                                   if n_with_coverage > charts.TOP_N else "")
    parts: list[export.Sheet | export.Chart] = [
        sheet("Сводка", summary, None, one_page=True),
        sheet("Мониторинг (пункт 7): наставники и молодые педагоги", monitoring, MONITORING_STAFF,
              name="Мониторинг. Наставники"),
        sheet("Мониторинг (пункт 7): дорожная карта, партнёры, мероприятия", monitoring, MONITORING_ACTIVITY,
              name="Мониторинг. Мероприятия"),
        # the matrix, then each organization's done share with «без отчёта N» beside it
        sheet("Дорожная карта",
              roadmap_wide.merge(kpi[["org_code", "done_pct", "items_unreported"]], on="org_code", how="left"),
              ["short_name", *item_titles, "done_pct", "items_unreported"], titles=item_titles,
              colours=STATUS_COLOURS),
        sheet("Наставники", kpi, ["short_name", "mentors", "mentors_teachers", "mentors_of_teachers",
                                  "mentors_of_students", "teachers_mentor_pct", "mentors_trained",
                                  "mentors_overloaded"]),
        sheet("Молодые педагоги", kpi, ["short_name", "young_teachers", "young_covered", "young_coverage_pct",
                                        "teachers_with_difficulties", "difficulties_covered"]),
        sheet("Партнёры", kpi, ["short_name", "partners", "partners_with_mentors", "mentors_from_partners"]),
        sheet("Мероприятия", events, ["organization", "event_date", "title", "level", "kind", "role",
                                      "participants", "result"], titles={"title": "Мероприятие"}),
        sheet("Полнота загрузок", upload_matrix, ["short_name", *dataset_order], colours=STATE_COLOURS),
        sheet("Загрузки", completeness, ["short_name", "dataset_title", "state", "current_since", "version", "rows"],
              colours=STATE_COLOURS),
        export.Chart(sheet("Дорожная карта по пунктам (организаций в каждом статусе)", statuses, None,
                           name="Диаграмма. Дорожная карта", titles={"item_title": "Пункт дорожной карты"}),
                     stacked=True, colours=[STATUS_COLOURS[s] for s in statuses.columns[1:]],
                     value_title="Организаций", value_max=len(scope)),
        export.Chart(sheet(coverage_title, lowest, ["short_name", "young_coverage_pct"], name="Диаграмма. Охват"),
                     colours=[COVERAGE_COLOUR], labels=True, point_colours=coverage_colours,
                     value_title=f"Охват, % (цель {charts.GOAL_PCT} %, ориентир {charts.BENCHMARK_PCT} %; красные — "
                                 "ниже ориентира, жёлтые — до цели, зелёные — цель)"),
        export.Chart(sheet("Загрузки по наборам (организаций в каждом состоянии)", states, None,
                           name="Диаграмма. Загрузки", titles={"dataset_title": "Набор данных"}),
                     stacked=True, colours=[STATE_COLOURS[s] for s in states.columns[1:]], value_title="Организаций",
                     value_max=len(scope)),
    ]
    progress("Книга Excel")
    return export.xlsx(parts)
