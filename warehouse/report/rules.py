"""The conclusions and recommendations of the report, written by fixed rules from the figures.

Every sentence is made here from numbers the query layer returned (``figures.py``): the same figures give
the same words, and each number in a sentence can be found in a table of the report. The rules:

- **Change against last year**: for each indicator with a subject, «выросло / снизилось / не изменилось
  с A до B (±Δ)», and whether that is an improvement (``Indicator.higher_is_better``); a year without
  data says so instead of comparing with 0.
- **Young-teacher coverage against the order's goal (100 %) and the federal benchmark (70 %)**: reached,
  above the benchmark but below the goal, or below the benchmark, with the number of young teachers still
  without a mentor and the organizations below 70 %.
- **Roadmap**: how many organizations are behind (an item «просрочено» or «нет отчёта») on which item.
- **Mentor base (item 4)**: how many organizations loaded their mentors file by the item's due date.
- **Recommendations** are addressed: each names the organizations that must act and what each must do
  (overdue items, items without a report, coverage below 70 %, the mentor base late or missing, files
  not uploaded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from warehouse import russian
from warehouse.report.figures import BEHIND, INDICATORS, Indicator, ReportData, city_value, indicator
from warehouse.thresholds import COVERAGE_BENCHMARK_PCT, COVERAGE_GOAL_PCT

VERBS = {  # gender -> (rose, fell, unchanged)
    "m": ("вырос", "снизился", "не изменился"),
    "f": ("выросла", "снизилась", "не изменилась"),
    "n": ("выросло", "снизилось", "не изменилось"),
    "pl": ("выросли", "снизились", "не изменились"),
}
NAMES_MAX = 15     # organizations named in one sentence; the rest are counted («и ещё 12»)


def value_text(value, ind: Indicator) -> str:
    if ind.pct:
        return russian.pct(value)
    return russian.decimal(value, 2) if ind.decimal else russian.number(value)


def delta_text(cur, prev, ind: Indicator) -> str:
    """This year minus last year: «+15», «−3», «+3,2 п. п.», «+0,15»; «нет данных» when either is missing."""
    if russian.is_missing(cur) or russian.is_missing(prev):
        return russian.NO_DATA
    diff = round(float(cur) - float(prev), _digits(ind))
    sign = "+" if diff > 0 else "−" if diff < 0 else ""
    if ind.pct:
        return sign + russian.decimal(abs(diff), 1) + " п. п."
    if ind.decimal:
        return sign + russian.decimal(abs(diff), 2)
    return sign + russian.number(abs(diff))


def _digits(ind: Indicator) -> int:
    return 1 if ind.pct else 2 if ind.decimal else 0


def change_sentence(ind: Indicator, cur, prev, year: int) -> str | None:
    """One indicator against the year before, or None when it has no subject or no value this year."""
    if ind.subject is None or russian.is_missing(cur):
        return None
    if russian.is_missing(prev):
        return f"{ind.subject}: {value_text(cur, ind)}; за {year - 1} год нет данных для сравнения."
    rose, fell, same = VERBS[ind.gender]
    diff = round(float(cur) - float(prev), _digits(ind))
    if diff == 0:
        return f"{subject(ind)} {same} по сравнению с {year - 1} годом: {value_text(cur, ind)}."
    verb = rose if diff > 0 else fell
    text = (f"{subject(ind)} {verb} с {value_text(prev, ind)} в {year - 1} году до "
            f"{value_text(cur, ind)} в {year} году ({delta_text(cur, prev, ind)})")
    if ind.higher_is_better is not None:
        good = (diff > 0) == ind.higher_is_better
        text += ": положительная динамика" if good else ": отрицательная динамика"
    return text + "."


def names_text(names: list[str]) -> str:
    """«А, Б и В» for a few organizations; the first NAMES_MAX and «и ещё N» for more."""
    names = [n for n in names if n]
    if len(names) > NAMES_MAX:
        rest = len(names) - NAMES_MAX
        return ", ".join(names[:NAMES_MAX]) + f" и ещё {russian.count(rest, 'организация', 'организации', 'организаций')}"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " и " + names[-1]


def orgs(n: int) -> str:
    """«1 организация», «3 организации», «5 организаций»."""
    return russian.count(n, "организация", "организации", "организаций")


def of_orgs(n: int) -> str:
    """The genitive: «у 1 организации», «из 3 организаций», «из 21 организации»."""
    return f"{russian.number(n)} {russian.plural(n, 'организации', 'организаций', 'организаций')}"


def subject(ind: Indicator) -> str:
    """The indicator as the subject of a sentence; a participial phrase in it is closed with a comma
    («Число организаций, представивших отчёт, выросло»)."""
    return ind.subject + ("," if "," in ind.subject else "")


def coverage_sentence(pct, young_teachers, young_covered) -> str:
    """The city's young-teacher coverage against the goal of the order and the federal benchmark."""
    subject = "Охват молодых педагогов наставничеством"
    if russian.is_missing(pct):
        return (f"{subject} определить нельзя: ни одна организация не представила и сведения о педагогах, "
                "и сведения о наставнических парах.")
    uncovered = int(young_teachers) - int(young_covered)
    without = f"молодых педагогов без наставника: {russian.number(uncovered)} из {russian.number(young_teachers)}"
    if pct >= COVERAGE_GOAL_PCT:
        return (f"{subject} составил {russian.pct(pct)}: цель дорожной карты (наставник у каждого молодого "
                "педагога) достигнута.")
    if pct >= COVERAGE_BENCHMARK_PCT:
        return (f"{subject} составил {russian.pct(pct)}: выше федерального ориентира "
                f"{COVERAGE_BENCHMARK_PCT} %, но цель {COVERAGE_GOAL_PCT} % не достигнута — {without}.")
    return (f"{subject} составил {russian.pct(pct)}: ниже федерального ориентира {COVERAGE_BENCHMARK_PCT} % "
            f"и цели {COVERAGE_GOAL_PCT} % — {without}.")


def below_benchmark(org_kpi: pd.DataFrame) -> pd.DataFrame:
    """Organizations whose young-teacher coverage is known and below the benchmark, lowest first."""
    known = org_kpi[org_kpi["young_coverage_pct"].notna()]
    low = known[known["young_coverage_pct"].astype(float) < COVERAGE_BENCHMARK_PCT]
    return low.sort_values(["young_coverage_pct", "short_name"])


def below_benchmark_sentence(org_kpi: pd.DataFrame) -> str | None:
    low = below_benchmark(org_kpi)
    known = int(org_kpi["young_coverage_pct"].notna().sum())
    if not known:
        return None
    if low.empty:
        return (f"Во всех {russian.number(known)} организациях, представивших сведения, охват молодых педагогов "
                f"не ниже {COVERAGE_BENCHMARK_PCT} %.")
    listed = [f"{r.short_name} ({russian.pct(r.young_coverage_pct)})" for r in low.itertuples()]
    n = len(low)
    where = f"{russian.number(n)} {russian.plural(n, 'организации', 'организациях', 'организациях')}"
    return (f"Охват ниже {COVERAGE_BENCHMARK_PCT} % — в {where} из {russian.number(known)}, представивших "
            f"сведения: {names_text(listed)}.")


def behind_by_item(roadmap: pd.DataFrame) -> pd.DataFrame:
    """Per item: the organizations behind on it (``BEHIND`` statuses), as rows of (item, short_title,
    status_shown, short_name), ordered by item."""
    rows = roadmap[roadmap["status_shown"].isin(BEHIND)]
    return rows.sort_values(["item", "short_name"])[["item", "short_title", "status_shown", "org_code", "short_name"]]


def roadmap_sentences(roadmap: pd.DataFrame, n_orgs: int) -> list[str]:
    """How many organizations are behind, and on which item."""
    behind = behind_by_item(roadmap)
    if roadmap.empty:
        return []
    overdue = behind[behind["status_shown"] == "просрочено"]
    unreported_all = roadmap.groupby("org_code")["status_shown"].apply(
        lambda s: set(s) <= {"нет отчёта", "не требуется"} and "нет отчёта" in set(s))
    out = []
    if behind.empty:
        out.append("Все организации выполняют дорожную карту в установленные сроки: просроченных пунктов и "
                   "пунктов без отчёта нет.")
        return out
    n_overdue = overdue["org_code"].nunique()
    out.append(f"Просроченные пункты дорожной карты есть у {of_orgs(n_overdue)} из {russian.number(n_orgs)}."
               if n_overdue else "Просроченных пунктов дорожной карты нет.")
    no_file = sorted(roadmap.loc[roadmap["org_code"].isin(unreported_all[unreported_all].index), "short_name"].unique())
    if no_file:
        out.append(f"Не представили отчёт по дорожной карте: {names_text(no_file)}.")
    parts = []
    for (item, _title), group in behind.groupby(["item", "short_title"], sort=True):
        n = group["org_code"].nunique()
        parts.append(f"по пункту {item} — {orgs(n)}")
    out.append("Отстают от дорожной карты (пункт просрочен или по нему нет отчёта): " + "; ".join(parts) + ".")
    return out


@dataclass
class MentorBase:
    """Item 4 for the organizations that owe a mentors file (``queries.mentor_base_on_time``): on time,
    late, without a file after the due date, not due yet."""

    due: date
    on_time: list[str] = field(default_factory=list)
    late: list[tuple[str, object]] = field(default_factory=list)   # (name, first loaded at)
    missing: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


def mentor_base(states: pd.DataFrame, due: date) -> MentorBase:
    """``states``: rows of ``queries.mentor_base_on_time`` (short_name, mentors_first_loaded_at,
    mentor_base_state: в срок, с опозданием, нет файла, ожидается)."""
    base = MentorBase(due)
    for r in states.itertuples():
        state = r.mentor_base_state
        if state == "в срок":
            base.on_time.append(r.short_name)
        elif state == "с опозданием":
            base.late.append((r.short_name, r.mentors_first_loaded_at))
        elif state == "нет файла":
            base.missing.append(r.short_name)
        elif state == "ожидается":
            base.pending.append(r.short_name)
    return base


def mentor_base_sentence(base: MentorBase) -> str | None:
    owed = len(base.on_time) + len(base.late) + len(base.missing) + len(base.pending)
    if not owed:
        return None
    text = (f"Единую базу наставников (пункт 4) к сроку {russian.day(base.due)} представили "
            f"{russian.number(len(base.on_time))} из {of_orgs(owed)}")
    if base.late:
        text += f"; позже срока — {russian.number(len(base.late))}"
    if base.missing:
        text += f"; не представили — {russian.number(len(base.missing))}"
    if base.pending:
        text += f"; срок ещё не наступил для {russian.number(len(base.pending))}"
    return text + "."


def conclusions(data: ReportData) -> list[str]:
    """The «Выводы» section, in the order of the indicators table."""
    out = []
    for ind in INDICATORS if data.city_prev is not None else ():
        sentence = change_sentence(ind, city_value(data.city, ind), city_value(data.city_prev, ind), data.year)
        if sentence:
            out.append(sentence)
    if data.city_prev is None:
        out.append(f"Сравнение с {data.year - 1} годом не проводится: этот год не входит в отчётный период "
                   f"{data.years[0]}–{data.years[-1]}.")
    city = data.city
    out.append(coverage_sentence(city_value(city, indicator("young_coverage_pct")), city.get("young_teachers"),
                                 city.get("young_covered")))
    low = below_benchmark_sentence(data.orgs)
    if low:
        out.append(low)
    out += roadmap_sentences(data.roadmap, len(data.orgs))
    base = mentor_base_sentence(data_mentor_base(data))
    if base:
        out.append(base)
    if not data.missing.empty:
        out.append(f"Не представили все требуемые сведения ({orgs(len(data.missing))}): "
                   f"{names_text(list(data.missing['short_name']))}.")
    return out




def data_mentor_base(data: ReportData) -> MentorBase:
    item4 = data.items.loc[data.items["item"] == 4, "due_date"].iloc[0]
    return mentor_base(data.mentor_base, pd.Timestamp(item4).date())


@dataclass
class Recommendation:
    """What to do, and who must do it: (organization, what exactly) pairs."""

    action: str
    addressees: list[tuple[str, str]]


def recommendations(data: ReportData) -> list[Recommendation]:
    out = []
    behind = behind_by_item(data.roadmap)
    for status, action in (("просрочено", "Выполнить просроченные пункты дорожной карты и представить результаты"),
                           ("нет отчёта", "Представить отчёт по пунктам дорожной карты, по которым его нет")):
        rows = behind[behind["status_shown"] == status]
        who = []
        for name, group in rows.groupby("short_name", sort=True):
            items = sorted(group["item"].astype(int))
            who.append((name, ("пункт " if len(items) == 1 else "пункты ") + ", ".join(map(str, items))))
        if who:
            out.append(Recommendation(action, who))
    low = below_benchmark(data.orgs)
    if not low.empty:
        out.append(Recommendation(
            f"Закрепить наставников за молодыми педагогами, чтобы охват достиг не менее {COVERAGE_BENCHMARK_PCT} % "
            f"(цель — {COVERAGE_GOAL_PCT} %)",
            [(r.short_name, f"охват {russian.pct(r.young_coverage_pct)}, без наставника "
                            f"{russian.number(int(r.young_teachers) - int(r.young_covered))} из "
                            f"{russian.number(r.young_teachers)}") for r in low.itertuples()]))
    base = data_mentor_base(data)
    who = [(name, f"сведения загружены {russian.day(when)}, позже срока {russian.day(base.due)}")
           for name, when in base.late]
    who += [(name, f"сведения о наставниках за {data.year} год не загружены") for name in base.missing]
    if who:
        out.append(Recommendation("Актуализировать единую базу наставников (пункт 4) и разместить её на сайте",
                                  sorted(who)))
    if not data.missing.empty:
        out.append(Recommendation("Загрузить недостающие сведения за отчётный год",
                                  [(r.short_name, r.datasets) for r in data.missing.itertuples()]))
    return out
