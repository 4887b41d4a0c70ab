"""The annual monitoring report (roadmap item 7) as a Word document: «Аналитическая справка по итогам
мониторинга реализации целевой модели наставничества в образовательных организациях города Когалыма
в ГГГГ году».

Where it lives: in ``warehouse`` because the command line (``python -m warehouse report``) and the app
(«Выгрузки») both make it and it needs nothing of the app — only the query layer, python-docx, Altair and
vl-convert. The package is split by concern: ``figures.py`` runs the queries (the only module that reads the
warehouse), ``rules.py`` writes the conclusions and recommendations from those figures, ``charts.py``
draws the charts for paper, ``document.py`` holds the Russian document conventions; this module arranges
the sections.

Decisions where the issue is silent:
- The scope is the registry within what the caller may see, narrowed to a municipality and/or a type of
  organization; the title names the city (or the municipality) and, when narrowed, the type.
- «Организации, представившие сведения»: all the datasets their type owes for the year; «частично»: some;
  «не представили»: none.
- «Отстаёт по пункту»: the item is «просрочено» (reported, not done, past its due date) or «нет отчёта»
  (applies, but is not in the organization's file, or there is no file). «Не начато» before the due date
  is not behind.
- The appendix (one row per organization, 14 columns) is on landscape pages: at 12 pt it does not fit the
  165 mm of a portrait page, and ГОСТ Р 7.0.97-2016 allows a table to turn.
- The previous year is compared only inside the reporting years; before the first one the report says
  that there is nothing to compare with instead of comparing with 0.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import duckdb
import pandas as pd
from docx.shared import RGBColor

from warehouse import accounts, russian
from warehouse.report import charts, rules
from warehouse.report.document import Report
from warehouse.report.figures import (
    INDICATORS,
    STATUSES,
    ReportData,
    ReportScope,
    city_value,
    collect,
    indicator,
    resolve_scope,
)

__all__ = ["ReportScope", "build", "build_audited", "collect", "resolve_scope", "title"]

DEPARTMENT = "Управление образования Администрации города Когалыма"
ORDER = ("плана мероприятий (дорожной карты) реализации целевой модели наставничества в образовательных "
         "организациях города Когалыма в 2025–2028 годах, утверждённого приказом Управления образования "
         "Администрации города Когалыма от 20.03.2025 № 11-Пр-267")
SHY = "\u00ad"     # a soft hyphen: where a long word in a narrow column header may break
LEVELS = {"ОО": "ОО", "муниципальный": f"муници{SHY}пальный", "региональный": f"регио{SHY}нальный",
          "федеральный": f"феде{SHY}ральный"}   # event levels as column headers
ORG_TYPE_PLURAL = {
    "общеобразовательная": "общеобразовательные организации",
    "дошкольная": "дошкольные организации",
    "дополнительного образования": "организации дополнительного образования",
    "орган управления образованием": "орган управления образованием",
}
DEMO_COLOR = RGBColor(0xC0, 0x00, 0x00)
APPENDIX = [   # (column of queries.org_kpi, header, width in mm); the widths fill the landscape text width
    ("short_name", "Организация", 54), ("datasets_uploaded", f"Загру{SHY}жено наборов", 18),
    ("done_pct", f"Выпол{SHY}нено пунк{SHY}тов, %", 18), ("items_overdue", f"Про{SHY}сро{SHY}чено пунк{SHY}тов", 18),
    ("items_unreported", f"Пунк{SHY}тов без от{SHY}чёта", 18), ("teachers", f"Педа{SHY}гогов", 18),
    ("mentors", f"Настав{SHY}ников", 18), ("young_teachers", f"Моло{SHY}дых педа{SHY}гогов", 18),
    ("young_covered", f"С настав{SHY}ником", 18), ("young_coverage_pct", "Охват, %", 18),
    ("partners", f"Парт{SHY}нёров", 18), ("events", f"Меро{SHY}прия{SHY}тий", 18),
]

Progress = Callable[[str], None]
# Above this many organizations the appendix alone runs to hundreds of pages (a region has ~700, the nation
# 42,000): the report is then made per municipality or type, as the page and the command line say.
MAX_ORGS = 2_000


def too_many() -> str:
    return (f"Справка составляется не более чем по {russian.number(MAX_ORGS)} организациям: выберите "
            "муниципалитет или тип организаций.")


def place(scope: ReportScope) -> str:
    """«города Когалыма», or the municipality the report is narrowed to."""
    if scope.municipality in (None, "Когалым"):
        return "города Когалыма"
    return f"муниципального образования «{scope.municipality}»"


def title(scope: ReportScope, year: int) -> str:
    return ("Аналитическая справка по итогам мониторинга реализации целевой модели наставничества "
            f"в образовательных организациях {place(scope)} в {year} году")


def build(conn: duckdb.DuckDBPyConnection, scope: ReportScope, year: int, as_of: date | None = None, *,
          author: str | None = None, progress: Progress | None = None) -> bytes:
    """The report for ``scope`` and ``year`` as DOCX bytes; ``progress`` is told each step (the app's
    ``st.status``)."""
    say = progress or (lambda _text: None)
    say("Собираю показатели из хранилища…")
    data = collect(conn, scope, year, as_of)
    say("Формулирую выводы и рекомендации…")
    conclusions = rules.conclusions(data)
    recommendations = rules.recommendations(data)
    doc = Report(title(scope, year), author or DEPARTMENT, datetime.now())
    _front(doc, data)
    _grounds(doc, data)
    _indicators(doc, data)
    say("Рисую диаграммы…")
    _roadmap(doc, data)
    _mentors(doc, data)
    _young(doc, data)
    _difficulties(doc, data)
    _students(doc, data)
    _partners(doc, data)
    _events(doc, data)
    doc.heading("Выводы")
    for i, sentence in enumerate(conclusions, 1):
        doc.paragraph(f"{i}. {sentence}")
    doc.heading("Рекомендации")
    if not recommendations:
        doc.paragraph("Организациям продолжить реализацию дорожной карты в установленные сроки.")
    for i, rec in enumerate(recommendations, 1):
        doc.paragraph(f"{i}. {rec.action}:")
        for name, detail in rec.addressees:
            doc.bullet(detail, lead=name)
    doc.paragraph(f"Справка сформирована {russian.day(data.as_of)} в системе мониторинга дорожной карты "
                  "наставничества по данным, загруженным организациями"
                  + (f"; составитель — {author}." if author else "."), indent=False, space_after=0)
    say("Составляю приложение по организациям…")
    _appendix(doc, data)
    return doc.save()


def build_audited(conn: duckdb.DuckDBPyConnection, login: str, scope: ReportScope, year: int,
                  as_of: date | None = None, *, page: str | None = None, author: str | None = None,
                  progress: Progress | None = None) -> bytes:
    """:func:`build`, then one line of the audit log (an export, as every export is), for the app and the
    command line alike."""
    data = build(conn, scope, year, as_of, author=author, progress=progress)
    org = scope.codes[0] if len(scope.codes) == 1 else None
    what = ", ".join(p for p in (scope.municipality, scope.org_type) if p) or "все организации"
    accounts.audit(conn, login, "export", page=page, org_code=org,
                   detail=f"аналитическая справка (docx) {year}: {what}, организаций: {len(scope.codes)}")
    return data


# ---------------------------------------------------------------------------------------------
# Sections


def _front(doc: Report, data: ReportData) -> None:
    doc.paragraph(DEPARTMENT.upper(), bold=True, center=True, size=12, space_after=12)
    doc.title(title(data.scope, data.year))
    if data.scope.org_type:
        doc.paragraph(f"Тип организаций: {data.scope.org_type}", center=True)
    doc.paragraph(f"Сведения по состоянию на {russian.day(data.as_of)}", center=True, space_after=12)
    if data.demo:
        doc.paragraph("ДЕМОНСТРАЦИОННЫЕ ДАННЫЕ. Справка составлена по сгенерированным данным демонстрационного "
                      "хранилища (организации с пометкой «(демо)») и не описывает реальные организации.",
                      bold=True, indent=False, color=DEMO_COLOR, space_after=12)


def _grounds(doc: Report, data: ReportData) -> None:
    doc.heading("1. Основания и порядок проведения мониторинга")
    doc.paragraph("Мониторинг эффективности и результативности внедрения целевой модели наставничества проведён "
                  f"в соответствии с пунктом 7 {ORDER}. Мониторинг проводится один раз в год; его итоги "
                  "размещаются на сайтах Управления образования и образовательных организаций.")
    doc.paragraph(f"Отчётный период: 01.01.{data.year}–31.12.{data.year}. Сведения по состоянию на "
                  f"{russian.day(data.as_of)} взяты из файлов, загруженных образовательными организациями "
                  "в систему мониторинга: дорожная карта, педагоги, наставники, наставнические пары, партнёры, "
                  "мероприятия, обучающиеся.")
    orgs = data.orgs
    by_type = orgs.groupby("org_type", sort=False).size()
    types = "; ".join(f"{ORG_TYPE_PLURAL.get(t, t)} — {russian.number(n)}" for t, n in by_type.items())
    doc.paragraph(f"В мониторинге — {rules.orgs(len(orgs))} ({types}).")
    complete = orgs[orgs["datasets_missing"] == 0]
    nothing = orgs[(orgs["datasets_uploaded"] == 0) & (orgs["datasets_expected"] > 0)]
    partial = orgs[(orgs["datasets_missing"] > 0) & (orgs["datasets_uploaded"] > 0)]
    doc.paragraph(f"Представили все требуемые сведения: {russian.number(len(complete))}; частично: "
                  f"{russian.number(len(partial))}; не представили сведений: {russian.number(len(nothing))}.")
    if not partial.empty:
        doc.paragraph("Представили сведения частично: "
                      + rules.names_text([f"{r.short_name} ({russian.number(r.datasets_uploaded)} из "
                                          f"{russian.number(r.datasets_expected)})" for r in partial.itertuples()])
                      + ".")
    if not nothing.empty:
        doc.paragraph(f"Не представили сведений: {rules.names_text(list(nothing['short_name']))}.")


def _indicators(doc: Report, data: ReportData) -> None:
    doc.heading("2. Основные показатели", new_page=True)   # the long table starts on its own page
    prev_year = data.year - 1
    doc.caption(f"Таблица 1 — Показатели реализации целевой модели наставничества в {prev_year} и {data.year} годах")
    rows = []
    for ind in INDICATORS:
        cur, prev = city_value(data.city, ind), city_value(data.city_prev, ind)
        rows.append([ind.title, rules.value_text(prev, ind), rules.value_text(cur, ind),
                     rules.delta_text(cur, prev, ind), ind.goal or "—"])
    doc.table(["Показатель", f"{prev_year} год", f"{data.year} год", "Изменение", "Цель, ориентир"], rows,
              [67, 23, 23, 24, 28])
    doc.paragraph("Показатели города — суммы по организациям, представившим соответствующие сведения; доли "
                  "рассчитаны по этим суммам. «Нет данных» — сведения не представлены.", size=12)


def _roadmap(doc: Report, data: ReportData) -> None:
    doc.heading("3. Выполнение дорожной карты")
    city = data.city
    doc.paragraph(f"Отчёт по дорожной карте представили организаций: {russian.number(city.get('roadmap_reported'))} "
                  f"из {russian.number(city.get('organizations'))}. Выполнено "
                  f"{russian.pct(city_value(city, indicator('done_pct')))} пунктов, подлежащих выполнению (пункт, который "
                  f"применим к организации, но не указан в её отчёте, считается невыполненным; таких пунктов — "
                  f"{russian.number(city_value(city, indicator('items_unreported')))}); просрочено пунктов: "
                  f"{russian.number(city_value(city, indicator('items_overdue')))}.")
    counts = data.status_counts.pivot_table(index="item", columns="status_shown", values="organizations",
                                            aggfunc="sum", fill_value=0)
    rows = []
    for it in data.items.itertuples():
        row = counts.loc[it.item] if it.item in counts.index else pd.Series(dtype=int)
        rows.append([str(it.item), it.short_title, russian.day(it.due_date) if it.applies_this_year else "не проводится",
                     *[russian.number(row.get(s, 0)) for s in STATUSES]])
    doc.caption(f"Таблица 2 — Статусы пунктов дорожной карты в {data.year} году, число организаций")
    doc.table(["№", "Мероприятие", "Срок", f"Вы{SHY}пол{SHY}нено", f"В ра{SHY}боте", f"Не на{SHY}чато",
               f"Про{SHY}сро{SHY}чено", f"Нет от{SHY}чёта", f"Не тре{SHY}бу{SHY}ется"],
              rows, [8, 49, 24, 14, 14, 14, 14, 14, 14], numeric_from=3)
    doc.picture(charts.roadmap_statuses(data.status_counts))
    doc.caption(f"Рисунок 1 — Статусы пунктов дорожной карты в {data.year} году")
    behind = rules.behind_by_item(data.roadmap)
    if behind.empty:
        doc.paragraph("Организаций, отстающих от дорожной карты, нет.")
        return
    doc.paragraph("Организации, отстающие от дорожной карты (пункт просрочен или по нему нет отчёта):")
    due = dict(zip(data.items["item"], data.items["due_date"], strict=True))
    for (item, short_title), group in behind.groupby(["item", "short_title"], sort=True):
        parts = []
        for status in ("просрочено", "нет отчёта"):
            names = list(group.loc[group["status_shown"] == status, "short_name"])
            if names:
                parts.append(f"{status} — {rules.names_text(names)}")
        doc.bullet("; ".join(parts) + ".", lead=f"Пункт {item}. {short_title} (срок {russian.day(due[item])})")


def _mentors(doc: Report, data: ReportData) -> None:
    doc.heading("4. Наставники и наставнические пары")
    city = data.city

    def v(key: str) -> str:
        ind = indicator(key)
        return rules.value_text(city_value(city, ind), ind)

    doc.paragraph(f"Сведения о наставниках представили организаций: {russian.number(city.get('mentors_reported'))}. "
                  f"Наставников — {v('mentors')}, из них прошли обучение — {v('mentors_trained')}; доля "
                  f"педагогов-наставников — {v('teachers_mentor_pct')}; наставников с нагрузкой более 3 "
                  f"наставляемых — {v('mentors_overloaded')}.")
    base = rules.data_mentor_base(data)
    sentence = rules.mentor_base_sentence(base)
    if sentence:
        doc.paragraph(sentence)
    counts = data.mentor_counts
    if not counts.empty:
        table = counts.pivot_table(index="mentor_type", columns="mentors_whom", values="mentors", aggfunc="sum",
                                   fill_value=0)
        whom = list(table.columns)
        rows = [[t, *[russian.number(table.loc[t, w]) for w in whom], russian.number(table.loc[t].sum())]
                for t in table.index]
        rows.append(["Всего", *[russian.number(table[w].sum()) for w in whom], russian.number(table.values.sum())])
        doc.caption(f"Таблица 3 — Наставники по типу и по тому, кого они наставляют, {data.year} год")
        width = 110 / (len(whom) + 1)
        doc.table(["Тип наставника", *[f"Настав{SHY}ляет {w}" for w in whom], "Всего"], rows,
                  [55] + [width] * (len(whom) + 1))
    doc.paragraph(f"Сведения о наставнических парах представили организаций: "
                  f"{russian.number(city.get('pairs_reported'))}. Пар — {v('pairs')}: «планируется» — "
                  f"{_count(city, 'pairs_planned', 'pairs_reported')}, «в работе» — {v('pairs_active')}, «завершена» — "
                  f"{v('pairs_completed')}, «прервана» — {_count(city, 'pairs_interrupted', 'pairs_reported')}; "
                  f"с персонализированной программой наставничества (ППН) — {v('pairs_with_programme')}. "
                  + (f"Средняя удовлетворённость участников пар — {v('satisfaction_avg')} из 5 (оценили пар: "
                     f"{russian.number(city.get('pairs_rated'))})." if city.get("pairs_rated")
                     else "Оценок удовлетворённости участников пар нет."))


def _young(doc: Report, data: ReportData) -> None:
    doc.heading("5. Молодые педагоги")
    city = data.city
    doc.paragraph("Молодой педагог — педагог в возрасте до 35 лет со стажем работы в организации не более 3 лет; "
                  "охвачен наставничеством, если он наставляемый в паре «в работе» или «завершена». Цель дорожной "
                  "карты — наставник у каждого молодого педагога (100 %), федеральный ориентир — не менее 70 %.")
    doc.paragraph(rules.coverage_sentence(city_value(city, indicator("young_coverage_pct")), city.get("young_teachers"),
                                          city.get("young_covered"))
                  + f" Сведения о педагогах и о парах представили организаций: "
                    f"{russian.number(city.get('coverage_reported'))}.")
    trend = data.coverage_trend
    if len(trend) > 1:
        doc.caption("Таблица 4 — Охват молодых педагогов наставничеством по годам")
        doc.table(["Год", "Молодых педагогов", "С наставником", "Охват, %"],
                  [[str(r.year), russian.number(r.young_teachers), russian.number(r.covered), russian.pct(r.coverage_pct)]
                   for r in trend.itertuples()], [30, 45, 45, 45])
    png, known = charts.coverage_by_org(data.orgs)
    if known:
        doc.picture(png)
        shown = min(known, charts.TOP_N)
        doc.caption("Рисунок 2 — Охват молодых педагогов наставничеством по организациям"
                    + (f" (30 организаций с наименьшим охватом из {russian.number(known)})" if known > shown else ""))
    low = rules.below_benchmark_sentence(data.orgs)
    if low:
        doc.paragraph(low)
    no_data = data.orgs[data.orgs["young_coverage_pct"].isna() & data.orgs["staff_expected"]]
    if not no_data.empty:
        doc.paragraph(f"Охват не определён (нет сведений о педагогах или о парах): "
                      f"{rules.names_text(list(no_data['short_name']))}.")


def _difficulties(doc: Report, data: ReportData) -> None:
    doc.heading("6. Педагоги с профессиональными затруднениями")
    city = data.city
    total = city_value(city, indicator("teachers_with_difficulties"))
    covered = city_value(city, indicator("difficulties_covered"))
    if total is None:
        doc.paragraph(f"Сведений о педагогах с профессиональными затруднениями нет ({russian.NO_DATA}).")
    else:
        doc.paragraph(f"В организациях, представивших сведения о педагогах и парах, педагогов с профессиональными "
                      f"затруднениями — {russian.number(total)}, из них сопровождаются наставником — "
                      f"{russian.number(covered)}.")
    item6 = data.events_by_kind[data.events_by_kind["kind"] == "для педагогов с затруднениями"]
    doc.paragraph(f"Мероприятий для педагогов с профессиональными затруднениями (пункт 6): "
                  f"{russian.number(item6['events'].sum()) if city.get('events') is not None else russian.NO_DATA}.")


def _students(doc: Report, data: ReportData) -> None:
    doc.heading("7. Обучающиеся в наставничестве")
    city = data.city
    doc.paragraph("Показатель целевой модели: доля обучающихся в возрасте 10–18 лет, вовлечённых в наставничество "
                  "в качестве наставляемых, и число обучающихся-наставников.")
    if data.students.empty:
        doc.paragraph("Сведения об обучающихся представляют школы и организации дополнительного образования; "
                      "среди выбранных организаций таких нет.")
        return
    if not city.get("students_reported"):
        doc.paragraph(f"Сведений об обучающихся нет ({russian.NO_DATA}).")
        return
    doc.paragraph(f"Сведения об обучающихся представили организаций: {russian.number(city['students_reported'])}. "
                  f"Обучающихся 10–18 лет — {russian.number(city['students_10_18'])}, из них наставляемых — "
                  f"{russian.number(city['mentee_students'])} ({russian.pct(city['mentee_students_pct'])}); "
                  f"обучающихся-наставников — {russian.number(city['mentor_students'])} "
                  f"({russian.pct(city['mentor_students_pct'])} всех обучающихся).")
    rows = [[r.short_name, russian.number(r.students_10_18), russian.number(r.mentee_students),
             russian.pct(r.mentee_students_pct), russian.pct(r.mentee_students_pct_prev),
             russian.number(r.mentor_students)] for r in data.students.itertuples()]
    if rows:
        doc.caption(f"Таблица 5 — Обучающиеся в наставничестве по организациям, {data.year} год")
        doc.table(["Организация", f"Обучаю{SHY}щихся 10–18 лет", f"Настав{SHY}ляемых", f"Доля, % в {data.year} году",
                   f"Доля, % в {data.year - 1} году", f"Обучаю{SHY}щихся-настав{SHY}ников"], rows,
                  [50, 23, 23, 23, 23, 23])


def _partners(doc: Report, data: ReportData) -> None:
    doc.heading("8. Партнёры")
    city = data.city
    doc.paragraph(f"Пункт 10 (привлечение вузов, колледжей, предприятий, учреждений культуры и спорта) применим к "
                  f"организациям: {russian.number(city.get('partners_expected'))}; сведения о партнёрах представили "
                  f"организаций: {russian.number(city.get('partners_reported'))}. Организаций с партнёрами — "
                  f"{_count(city, 'orgs_with_partners', 'partners_reported')} "
                  f"({russian.pct(city_value(city, indicator('orgs_with_partners_pct')))}); партнёров — "
                  f"{russian.number(city_value(city, indicator('partners')))}, из них предоставляют наставников — "
                  f"{russian.number(city_value(city, indicator('partners_with_mentors')))}; наставников от партнёров — "
                  f"{russian.number(city_value(city, indicator('mentors_from_partners')))}.")
    counts = data.partner_counts
    if counts.empty:
        return
    table = counts.pivot_table(index="partner_type", columns="provides_mentors", values="partners", aggfunc="sum",
                               fill_value=0)
    rows = [[t, russian.number(table.loc[t].sum()), russian.number(table.loc[t].get("да", 0))] for t in table.index]
    doc.caption(f"Таблица 6 — Партнёры по типам, {data.year} год")
    doc.table(["Тип партнёра", "Партнёров", "Из них предоставляют наставников"], rows, [75, 40, 50])


def _events(doc: Report, data: ReportData) -> None:
    doc.heading("9. Мероприятия, практики и конкурс «Педагог-наставник»")
    city = data.city
    doc.paragraph(f"Мероприятий — {russian.number(city_value(city, indicator('events')))}; практик, представленных на "
                  f"региональном и федеральном уровнях (пункт 9), — "
                  f"{russian.number(city_value(city, indicator('practices_regional_federal')))}.")
    counts = data.events_by_kind
    if not counts.empty:
        table = counts.pivot_table(index="kind", columns="level", values="events", aggfunc="sum", fill_value=0)
        levels = [lv for lv in LEVELS if lv in table.columns]
        rows = [[k, *[russian.number(table.loc[k, lv]) for lv in levels], russian.number(table.loc[k].sum())]
                for k in table.index]
        doc.caption(f"Таблица 7 — Мероприятия по виду и уровню, {data.year} год")
        width = 105 / (len(levels) + 1)
        doc.table(["Вид мероприятия", *[LEVELS[lv] for lv in levels], "Всего"], rows, [60] + [width] * (len(levels) + 1))
        doc.picture(charts.events_by_kind(counts))
        doc.caption(f"Рисунок 3 — Мероприятия по виду и уровню, {data.year} год")
    if not data.practices.empty:
        names = data.names
        doc.caption(f"Таблица 8 — Практики, представленные на региональном и федеральном уровнях, {data.year} год")
        doc.table(["Дата", "Организация", "Название", "Уровень", "Результат"],
                  [[russian.day(r.event_date), names.get(r.org_code, r.org_code), _text(r.title), _text(r.level), _text(r.result)]
                   for r in data.practices.itertuples()], [24, 36, 53, 28, 24], numeric_from=99)
    item8 = data.items[data.items["item"] == 8].iloc[0]
    if not item8.applies_this_year:
        doc.paragraph(f"Муниципальный конкурс «Педагог-наставник» (пункт 8) в {data.year} году не проводится: по "
                      "дорожной карте он проводится в 2026 и 2028 годах.")
    elif data.contests.empty:
        doc.paragraph(f"Сведений о муниципальном конкурсе «Педагог-наставник» (пункт 8) за {data.year} год нет.")
    else:
        doc.paragraph(f"Муниципальный конкурс «Педагог-наставник» (пункт 8): участников — "
                      f"{russian.number(city.get('contest_participants'))}, призёров — "
                      f"{russian.number(city.get('contest_prizewinners'))}, победителей — "
                      f"{russian.number(city.get('contest_winners'))}.")
        names = data.names
        doc.caption(f"Таблица 9 — Конкурс «Педагог-наставник» (пункт 8), {data.year} год")
        doc.table(["Дата", "Организация", "Роль", "Участников", "Результат"],
                  [[russian.day(r.event_date), names.get(r.org_code, r.org_code), _text(r.role),
                    russian.number(r.participants), _text(r.result)] for r in data.contests.itertuples()],
                  [24, 60, 30, 25, 26], numeric_from=3)
    if not data.other_contests.empty:
        names = data.names
        doc.caption(f"Таблица 10 — Другие конкурсы, {data.year} год")
        doc.table(["Дата", "Организация", "Конкурс", "Уровень", "Результат"],
                  [[russian.day(r.event_date), names.get(r.org_code, r.org_code), _text(r.title), _text(r.level),
                    _text(r.result)] for r in data.other_contests.itertuples()],
                  [24, 36, 53, 28, 24], numeric_from=99)


def _appendix(doc: Report, data: ReportData) -> None:
    doc.landscape_section()
    doc.heading("Приложение. Показатели организаций")
    doc.caption(f"Таблица П.1 — Показатели организаций в {data.year} году")
    rows: list = []
    for org_type, group in data.orgs.groupby("org_type", sort=False):
        rows.append(ORG_TYPE_PLURAL.get(org_type, org_type).capitalize())
        for r in group.itertuples():
            row = [r.short_name]
            for col, _title, _w in APPENDIX[1:]:
                v = getattr(r, col)
                if col == "datasets_uploaded":
                    row.append(f"{russian.number(v)} из {russian.number(r.datasets_expected)}")
                elif col.endswith("_pct"):
                    row.append(russian.pct(v))
                else:
                    row.append(russian.number(v))
            rows.append(row)
    doc.table([t for _c, t, _w in APPENDIX], rows, [w for _c, _t, w in APPENDIX])
    doc.paragraph("«Нет данных» — организация не представила файл, из которого считается показатель. Пункт "
                  "дорожной карты «без отчёта» — применим к организации, но не указан в её файле.", size=12)


def _count(city: dict, key: str, base: str) -> str:
    """A count of the city row, «нет данных» when no organization reported what it is counted from."""
    return russian.number(city.get(key)) if city.get(base) else russian.NO_DATA


def _text(value) -> str:
    """A text a file wrote, as it is; «—» when the cell was empty."""
    return "—" if russian.is_missing(value) or value == "" else str(value)


