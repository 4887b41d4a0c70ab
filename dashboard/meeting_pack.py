"""The meeting pack: one XLSX for a year with the city's summary, a sheet per topic and the overview
charts as images (rendered offline by vl-convert)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import vl_convert

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


def _png(chart) -> bytes:
    return vl_convert.vegalite_to_png(chart.to_json(), scale=2)


def build(cur, scope: tuple[str, ...], year: int, as_of: date, label: str, note: str) -> bytes:
    """The pack for the organizations in ``scope`` (the user's own scope and filters)."""
    city = queries.city_summary(cur, scope, year, as_of)
    summary = pd.DataFrame({"Показатель": [t for _, t in SUMMARY_ROWS],
                            "Значение": [city.get(k) for k, _ in SUMMARY_ROWS]})
    kpi = queries.org_kpi(cur, scope, year, as_of)
    roadmap_wide = queries.roadmap_wide(cur, scope, year, as_of)
    items = queries.roadmap_items(cur, year)
    item_titles = {str(r.item): f"{r.item}. {r.short_title} (до {r.due_date:%d.%m})" for r in items.itertuples()}
    completeness = queries.completeness(cur, scope, year)
    events = queries.events(cur, scope, year)
    sheets = [
        export.Sheet(f"Сводка: {label}", summary, name="Сводка", note=note),
        # the matrix, then each organization's done share with «без отчёта N» beside it
        export.Sheet(f"Дорожная карта: {label}",
                     roadmap_wide.merge(kpi[["org_code", "done_pct", "items_unreported"]], on="org_code", how="left"),
                     ["short_name", *item_titles, "done_pct", "items_unreported"], name="Дорожная карта",
                     note=note, titles=item_titles),
        export.Sheet(f"Наставники: {label}", kpi, ["short_name", "mentors", "mentors_teachers", "mentors_of_teachers",
                                                   "mentors_of_students", "teachers_mentor_pct", "mentors_trained",
                                                   "mentors_overloaded"], name="Наставники", note=note),
        export.Sheet(f"Молодые педагоги: {label}", kpi, ["short_name", "young_teachers", "young_covered",
                                                         "young_coverage_pct", "teachers_with_difficulties",
                                                         "difficulties_covered"], name="Молодые педагоги", note=note),
        export.Sheet(f"Партнёры: {label}", kpi, ["short_name", "partners", "partners_with_mentors",
                                                 "mentors_from_partners"], name="Партнёры", note=note),
        export.Sheet(f"Мероприятия: {label}", events,
                     ["org_code", "event_date", "title", "level", "kind", "role", "participants", "result"],
                     name="Мероприятия", note=note),
        export.Sheet(f"Загрузки: {label}", completeness.assign(dataset_title=completeness["dataset"].map(DATASET_TITLES)),
                     ["short_name", "dataset_title", "state", "current_since", "version", "rows"], name="Загрузки",
                     note=note),
    ]
    # The charts as the pages draw them: a matrix for a few organizations, shares for many.
    if len(scope) > charts.MATRIX_MAX_ORGS:
        roadmap_chart = charts.roadmap_shares(queries.roadmap_status_counts(cur, scope, year, as_of), len(scope))
        completeness_chart = charts.completeness_shares(queries.completeness_counts(cur, scope, year), len(scope))
    else:
        roadmap_chart = charts.roadmap_matrix(queries.roadmap(cur, scope, year, as_of), selectable=False)
        completeness_chart = charts.completeness_matrix(completeness)
    images = [("Дорожная карта", _png(roadmap_chart))]
    lowest = queries.lowest_coverage(cur, scope, year, as_of, limit=charts.TOP_N)
    if not lowest.empty:
        images.append(("Охват молодых педагогов",
                       _png(charts.coverage_bars(lowest, of_total=int(lowest["total_rows"].iloc[0])))))
    images.append(("Загрузки", _png(completeness_chart)))
    return export.xlsx(sheets, images=images)
