"""The demo world: organizations, their staff, mentors and pairs year after year, as rows.

One generator serves every scale. :func:`org_years` yields, organization by organization and year by
year, the rows of each file the organization sends (``{dataset: [row, ...]}``, rows keyed by the
declared field names); the city demo writes them as files and loads them through ingest
(:mod:`ingest.demo.files`), the page benchmark bulk-inserts them (``bench/build_warehouse.py``
through :func:`tables`, which runs the same simulation in worker processes and returns one Arrow
table per dataset).

The design of the world (what is young, which gaps, which warnings) is in the package docstring.
Speed matters at national scale (42,000 organizations): each organization has its own random
stream, so organizations can be simulated in any process and in any order with the same result,
and the hot paths avoid numpy's per-call overhead where that keeps the stream identical.
"""

from __future__ import annotations

import bisect
import functools
import multiprocessing
import os
import zlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa

from ingest.demo.vocabulary import (
    ADDITIONAL,
    CITY_ADDITIONAL,
    CITY_KINDERGARTENS,
    CITY_PARTNERS,
    CITY_SCHOOLS,
    CONTEST_EVENT,
    CONTEST_ITEM,
    DEPARTMENT,
    FEMALE_NAMES,
    FORMS_BY_CATEGORY,
    KINDERGARTEN,
    MALE_NAMES,
    MALE_SURNAMES,
    MENTOR_QUALIFICATIONS,
    MUNICIPAL_EVENTS,
    NO_PEDAGOGY_POSITIONS,
    ORG_ONLY_ITEMS,
    PARTICIPATION,
    PARTNER_TYPE_WEIGHTS,
    PATRONYMICS,
    POSITIONS,
    QUALIFICATIONS,
    ROADMAP_DONE_COMMENTS,
    ROADMAP_DONE_MONTHS,
    SCHOOL,
    STUDENT_FORMS,
)
from ingest.schemas import DATASETS
from ingest.schemas.base import inn_is_valid
from warehouse import russian

TODAY = date(2026, 11, 24)          # the demo's "current date": the 2026 data are in progress
YEARS = (2025, 2026)                # every scale: the finished 2025 and the 2026 in progress
SCALES = {"region": 700, "nation": 42_000}
# The order in which a demo organization sends its files (the datasets are the declared ones,
# tests/test_catalog.py checks it): staff before mentors before pairs, as their references need.
ORG_DATASETS = ("staff", "mentors", "mentorships", "roadmap", "partners", "events", "students")
ORGS_PER_MUNICIPALITY = 28

# ---------------------------------------------------------------------------------------------
# Small helpers


def _day(rng: np.random.Generator, lo: date, hi: date) -> date:
    """A uniform random day in [lo, hi] (hi clipped up to lo)."""
    span = max(0, (hi - lo).days)
    return lo + timedelta(days=int(rng.integers(0, span + 1)))


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(d.day, last))


@functools.cache
def _cdf(p: tuple[float, ...]) -> list[float]:
    """The cumulative distribution that ``Generator.choice`` computes from ``p``."""
    cdf = np.asarray(p, dtype=float).cumsum()
    cdf /= cdf[-1]
    return cdf.tolist()


def _draw(rng: np.random.Generator, p: tuple[float, ...]) -> int:
    """``int(rng.choice(len(p), p=p))``: the same single draw and the same result (choice takes one
    ``rng.random()`` and searches the cumulative distribution), without its ~40 µs of argument
    checks, which the national scale would pay millions of times."""
    return bisect.bisect_right(_cdf(p), rng.random())


def _draws(rng: np.random.Generator, p: tuple[float, ...], n: int) -> np.ndarray:
    """``rng.choice(len(p), n, p=p)``: the same ``n`` draws and results, without the checks."""
    return np.searchsorted(_cdf(p), rng.random(n), side="right")


@functools.cache
def _weights(key: tuple) -> tuple[tuple, tuple[float, ...]]:
    values, weights = zip(*key, strict=True)
    w = np.array(weights, dtype=float)
    return values, tuple((w / w.sum()).tolist())


def _pick(rng: np.random.Generator, weighted) -> str:
    """One value of a ((value, weight), ...) sequence or a {value: weight} mapping."""
    values, p = _weights(tuple(weighted.items()) if isinstance(weighted, dict) else tuple(weighted))
    return values[_draw(rng, p)]


def snapshot_date(year: int) -> date:
    """The day the year's files describe: the year's end, or the demo's today while it runs."""
    return min(date(year, 12, 31), TODAY)


def make_inn(rng: np.random.Generator, prefix: str = "8608", twelve: bool = False) -> str:
    """A taxpayer number with a valid checksum: random digits after the region prefix, then the
    check digit(s) found by trying each value against :func:`inn_is_valid`."""
    n_random = (10 if twelve else 9) - len(prefix)
    body = prefix + "".join(str(int(d)) for d in rng.integers(0, 10, n_random))
    if not twelve:
        return next(body + str(d) for d in range(10) if inn_is_valid(body + str(d)))
    return next(body + f"{d:02d}" for d in range(100) if inn_is_valid(body + f"{d:02d}"))


_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
                      "s", "t", "u", "f", "h", "c", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya"], strict=True))


def _slug(code: str) -> str:
    return "".join(_TRANSLIT.get(c, c) for c in code.lower()).replace("_", "-")


def _feminine(surname: str) -> str:
    for male, female in (("ский", "ская"), ("цкий", "цкая")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname  # Коваленко, Шевчук: the same for both


def person_name(rng: np.random.Generator, female: bool) -> str:
    surname = MALE_SURNAMES[int(rng.integers(len(MALE_SURNAMES)))]
    patronymic = PATRONYMICS[int(rng.integers(len(PATRONYMICS)))][1 if female else 0]
    if female:
        return f"{_feminine(surname)} {FEMALE_NAMES[int(rng.integers(len(FEMALE_NAMES)))]} {patronymic}"
    return f"{surname} {MALE_NAMES[int(rng.integers(len(MALE_NAMES)))]} {patronymic}"


# ---------------------------------------------------------------------------------------------
# Organizations


@dataclass
class Org:
    index: int
    code: str
    full_name: str
    short_name: str
    org_type: str
    municipality: str
    muni: int
    inn: str
    website: str
    size: int = 0                  # teachers in the first year
    habit: str = "cp1251"          # cp1251 | utf8bom | xlsx
    coverage: float = 0.9          # chance that a young teacher has a mentor
    diligence: float = 0.85        # chance that a roadmap item is done by its due date
    overloaded: bool = False       # one mentor with more than 3 active mentees
    id_style: str = "П"            # how the organization codes its teachers
    gaps: dict[int, set[str]] = field(default_factory=dict)   # year -> datasets not uploaded


@dataclass
class Plan:
    orgs: list[Org]
    years: tuple[int, ...]
    municipalities: list[str]
    partners: dict[int, list[tuple[str, str, str | None]]]   # municipality -> (name, type, inn)


# Designed properties of the city demo (everything else is drawn from the generator).
CITY_COVERAGE = {"СОШ1": 1.0, "ДС01": 1.0, "ДС05": 1.0, "СОШ6": 0.45, "ДС11": 0.5, "СОШ8": 0.65}
CITY_DILIGENCE = {"УО": 0.96, "ДС11": 0.5}
CITY_OVERLOADED = {"СОШ3", "СОШ8"}
CITY_XLSX = {"СОШ5", "ДС03", "ДДТ"}
CITY_UTF8 = {"СОШ1", "СОШ10", "ДС02", "ДС07", "ДС12", "ЦДО"}
BENCH_GAPS = ("mentors", "partners", "events", "students", "roadmap")   # a bench organization misses one
CITY_GAPS = {
    "ДС14": {2026: set(ORG_DATASETS)},
    "ДС09": {2026: {"mentors", "mentorships"}},
    "СОШ7": {2025: {"partners"}},
    "ЦДО": {2026: {"students"}},
    "СОШ10": {2026: {"events"}},
}


def _dept(index: int, muni: int, municipality: str, code: str, rng, city: bool, site_prefix: str) -> Org:
    where = "города Когалыма" if city else f"муниципалитета «{municipality}»"
    return Org(index, code, f"[ДЕМО] Управление образования Администрации {where}",
               "Управление образования (демо)" if city else f"УО {municipality} (демо)", DEPARTMENT,
               municipality, muni, make_inn(rng), f"https://{site_prefix}uo.demo.example.ru",
               diligence=0.96 if city else float(rng.uniform(0.85, 0.98)))


def _city_plan(seed: int) -> Plan:
    rng = np.random.default_rng([seed, 0])
    orgs = [_dept(0, 0, "Когалым", "УО", rng, True, "kogalym-")]
    full = "[ДЕМО] Муниципальное автономное общеобразовательное учреждение города Когалыма «{}»"
    for code, name, short in CITY_SCHOOLS:
        orgs.append(Org(len(orgs), code, full.format(name), f"МАОУ «{short}» (демо)", SCHOOL, "Когалым", 0,
                        make_inn(rng), f"https://{_slug(code)}.kogalym-demo.example.ru",
                        size=int(np.clip(rng.normal(82, 14), 55, 115))))
    full = "[ДЕМО] Муниципальное автономное дошкольное образовательное учреждение города Когалыма «{}»"
    for i, name in enumerate(CITY_KINDERGARTENS, start=1):
        code = f"ДС{i:02d}"
        orgs.append(Org(len(orgs), code, full.format(name), f"МАДОУ «{name}» (демо)", KINDERGARTEN, "Когалым", 0,
                        make_inn(rng), f"https://ds{i:02d}.kogalym-demo.example.ru",
                        size=int(np.clip(rng.normal(30, 5), 20, 42))))
    full = "[ДЕМО] Муниципальное автономное учреждение дополнительного образования города Когалыма «{}»"
    for code, name, short in CITY_ADDITIONAL:
        orgs.append(Org(len(orgs), code, full.format(name), f"МАУ ДО «{short}» (демо)", ADDITIONAL, "Когалым", 0,
                        make_inn(rng), f"https://{_slug(code)}.kogalym-demo.example.ru",
                        size=int(np.clip(rng.normal(44, 6), 32, 56))))
    for org in orgs:
        org.coverage = CITY_COVERAGE.get(org.code, float(rng.uniform(0.75, 0.97)))
        org.diligence = CITY_DILIGENCE.get(org.code, float(rng.uniform(0.7, 0.95)))
        org.overloaded = org.code in CITY_OVERLOADED
        org.habit = "xlsx" if org.code in CITY_XLSX else "utf8bom" if org.code in CITY_UTF8 else "cp1251"
        org.id_style = ("П", "N", "T")[int(rng.integers(3))]
        org.gaps = CITY_GAPS.get(org.code, {})
    partners = {0: [(name, ptype, make_inn(rng, prefix, twelve) if prefix else None)
                    for name, ptype, prefix, twelve in CITY_PARTNERS]}
    return Plan(orgs, YEARS, ["Когалым"], partners)


def _bench_plan(n_orgs: int, seed: int) -> Plan:
    """Municipalities of about 28 organizations: a department, schools, kindergartens, additional
    education. Sized so that the average is about 31 teachers per organization (1.3 million
    teachers in 42 000 organizations)."""
    rng = np.random.default_rng([seed, 0])
    n_muni = max(1, round(n_orgs / ORGS_PER_MUNICIPALITY))
    base, extra = divmod(n_orgs, n_muni)
    orgs: list[Org] = []
    names: list[str] = []
    partners: dict[int, list] = {}
    for m in range(n_muni):
        municipality = f"Муниципалитет {m + 1:04d} (демо)"
        names.append(municipality)
        prefix = f"m{m + 1:04d}-"
        count = base + (m < extra)
        orgs.append(_dept(len(orgs), m, municipality, f"{m + 1:04d}-УО", rng, False, prefix))
        rest = count - 1
        n_school, n_add = round(rest * 0.37), round(rest * 0.11)
        kinds = [SCHOOL] * n_school + [ADDITIONAL] * n_add + [KINDERGARTEN] * (rest - n_school - n_add)
        counters = {SCHOOL: 0, KINDERGARTEN: 0, ADDITIONAL: 0}
        for kind in kinds:
            counters[kind] += 1
            k = counters[kind]
            if kind == SCHOOL:
                code, full, short = f"{m + 1:04d}-СОШ{k}", f"Средняя общеобразовательная школа № {k}", f"СОШ № {k}"
                size = rng.normal(54, 18), 12, 140
            elif kind == KINDERGARTEN:
                code, full, short = f"{m + 1:04d}-ДС{k}", f"Детский сад № {k}", f"Детский сад № {k}"
                size = rng.normal(20, 7), 6, 60
            else:
                code, full, short = f"{m + 1:04d}-ДО{k}", f"Центр дополнительного образования № {k}", f"ЦДО № {k}"
                size = rng.normal(25, 10), 6, 80
            org = Org(len(orgs), code, f"[ДЕМО] {full} ({municipality})", f"{short}, {municipality[:-7]} (демо)",
                      kind, municipality, m, make_inn(rng), f"https://{prefix}{_slug(code[5:])}.demo.example.ru",
                      size=int(np.clip(*size)))
            org.coverage = 1.0 if rng.random() < 0.25 else float(rng.uniform(0.4, 1.0))
            org.diligence = float(rng.uniform(0.6, 0.97))
            org.overloaded = kind == SCHOOL and rng.random() < 0.1
            org.habit = "utf8bom" if rng.random() < 0.3 else "cp1251"
            org.id_style = ("П", "N", "T")[int(rng.integers(3))]
            for year in YEARS:          # about 2 % send nothing for a year, 5 % miss one file
                r = rng.random()
                if r < 0.02:
                    org.gaps[year] = set(ORG_DATASETS)
                elif r < 0.07:
                    missing = BENCH_GAPS[int(rng.integers(len(BENCH_GAPS)))]
                    org.gaps[year] = {"mentors", "mentorships"} if missing == "mentors" else {missing}
            orgs.append(org)
        partners[m] = [(f"{name[:-7]} — {m + 1:04d} (демо)", ptype,
                        make_inn(rng, prefix_inn, twelve) if prefix_inn else None)
                       for name, ptype, prefix_inn, twelve in CITY_PARTNERS]
    return Plan(orgs, YEARS, names, partners)


def plan(scale: str | int = "city", seed: int = 2025) -> Plan:
    """The organizations, years and shared reference lists of a scale."""
    if scale == "city":
        return _city_plan(seed)
    if isinstance(scale, str):
        if scale.isdigit():
            scale = int(scale)
        elif scale in SCALES:
            scale = SCALES[scale]
        else:
            raise ValueError(f"Неизвестный масштаб «{scale}»: city, region, nation или число организаций.")
    if scale < 1:
        raise ValueError("Число организаций должно быть положительным.")
    return _bench_plan(int(scale), seed)

# ---------------------------------------------------------------------------------------------
# People and pairs of one organization


@dataclass
class Teacher:
    tid: str
    position: str
    age: int
    years: int        # full years in this organization
    teaching: int     # full years of teaching
    qual: str
    diff: bool
    new: bool

    @property
    def young(self) -> bool:
        return self.age < 35 and self.years <= 3


@dataclass
class Mentor:
    mid: str
    name: str
    mtype: str
    teacher_id: str | None
    workplace: str
    trained: bool
    order_date: date
    capacity: int = 3


@dataclass
class Pair:
    pid: str
    mentor: Mentor
    mentee: str | None
    category: str
    form: str
    start: date
    end: date | None
    has_program: bool | None = None
    program_url: str | None = None
    interrupted: bool = False
    satisfaction: int | None = None

    def status(self, on: date) -> str:
        return _status(self.start, self.end, self.interrupted, on)

    def overlaps(self, year: int) -> bool:
        return self.start <= date(year, 12, 31) and (self.end is None or self.end >= date(year, 1, 1))


def _status(start: date, end: date | None, interrupted: bool, on: date) -> str:
    """A pair's status as its organization reports it on a day."""
    if start > on:
        return "планируется"
    if end is not None and end < on:
        return "прервана" if interrupted else "завершена"
    return "в работе"


class OrgSimulation:
    """The organization's staff, mentors and pairs year after year, and its rows per dataset."""

    def __init__(self, org: Org, plan_: Plan, calendar: dict[int, list[dict]], seed: int):
        self.org, self.plan, self.calendar = org, plan_, calendar
        self.rng = np.random.default_rng([seed, 2, org.index])
        self.staff: list[Teacher] = []
        self.mentors: list[Mentor] = []           # everyone who has ever mentored here
        self.base: list[Mentor] = []              # the year's base of teacher (and «другое») mentors
        self.pairs: list[Pair] = []
        self.partner_links: list[dict] = []
        self.used_ids: set[str] = set()
        self.used_names: set[str] = set()
        self.n_teacher = self.n_mentor = self.n_pair = 0
        self.mentor_share = float(self.rng.uniform(0.08, 0.16))

    # --- staff -----------------------------------------------------------------------------

    def _teacher_id(self) -> str:
        rng = self.rng
        while True:
            self.n_teacher += 1
            if self.org.id_style == "П":
                tid = f"П-{self.n_teacher:03d}"
            elif self.org.id_style == "T":
                tid = f"T{self.n_teacher:04d}"
            else:  # personnel numbers
                tid = f"{int(rng.integers(10_000, 100_000)):05d}"
            if tid not in self.used_ids:
                self.used_ids.add(tid)
                return tid

    def _teachers(self, n: int, young_share: float, hires: bool = False) -> list[Teacher]:
        """``n`` teachers drawn at once (vectorized: the national scale has 1.3 million)."""
        rng = self.rng
        young = rng.random(n) < young_share
        age = np.where(young, rng.integers(21, 35, n), np.clip(np.rint(rng.normal(46, 9.5, n)), 25, 66)).astype(int)
        span = age - 21                          # years since a typical graduation
        if hires:
            years = np.zeros(n, dtype=int)
        else:
            young_years = np.minimum(rng.integers(0, 4, n), span)
            old_years = np.minimum(np.floor(rng.random(n) ** 1.4 * (span + 1)).astype(int), span)
            old_years = np.where(age < 35, np.maximum(old_years, 4), old_years)  # under 35 but not young
            years = np.where(young, young_years, old_years)
        teaching = years + np.floor(rng.random(n) * (np.minimum(span, years + 12) - years + 1)).astype(int)
        teaching = np.minimum(teaching, span)
        qual_draw = _draws(rng, (0.1, 0.33, 0.47, 0.05, 0.05), n)
        young_first = rng.random(n) < 0.3
        diff = rng.random(n) < np.where(young, 0.12, 0.05)
        new = (years == 0) & (rng.random(n) < 0.92)
        names = [name for name, _ in POSITIONS[self.org.org_type]]
        pos = _draws(rng, _weights(POSITIONS[self.org.org_type])[1], n)
        out = []
        # Python lists: indexing numpy arrays one element at a time costs more than the draws.
        young, age, years, teaching, qual_draw, young_first, diff, new, pos = (
            a.tolist() for a in (young, age, years, teaching, qual_draw, young_first, diff, new, pos))
        for i in range(n):
            if teaching[i] < 2:
                qual = "без категории"
            elif young[i]:
                qual = "первая" if young_first[i] else "без категории"
            else:
                qual = QUALIFICATIONS[qual_draw[i]]
            out.append(Teacher(self._teacher_id(), names[pos[i]], age[i], years[i], teaching[i], qual, diff[i], new[i]))
        return out

    def _next_year_staff(self, protected: set[str]) -> list[Teacher]:
        rng = self.rng
        mentor_tids = {m.teacher_id for m in self.mentors if m.teacher_id}
        stay = []
        for t in self.staff:
            leaves = t.age >= 66 or rng.random() < (0.25 if t.age >= 60 else 0.05)
            if leaves and t.tid not in protected:
                continue
            qual = t.qual
            if qual == "без категории" and t.teaching >= 1 and rng.random() < 0.25:
                qual = "первая"
            elif qual == "первая" and rng.random() < 0.08:
                qual = "высшая"
            diff = ((t.diff and rng.random() < 0.5) or (not t.diff and rng.random() < 0.04)) \
                and t.tid not in mentor_tids
            stay.append(Teacher(t.tid, t.position, min(t.age + 1, 66), t.years + 1,
                                min(t.teaching + 1, t.age + 1 - 21), qual, diff, False))
        n_hires = max(0, len(self.staff) - len(stay) + int(rng.integers(-1, 3)))
        return stay + self._teachers(n_hires, 0.7, hires=True)

    # --- mentors -----------------------------------------------------------------------------

    def _name(self, female: bool) -> str:
        while True:
            name = person_name(self.rng, female)
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def _mentor(self, mtype: str, year: int, teacher: Teacher | None = None) -> Mentor:
        """A new mentor. Teachers appointed in the first year may have been mentors for years;
        the others are appointed for the school year."""
        rng = self.rng
        self.n_mentor += 1
        female = rng.random() < {"педагог": 0.85, "другое": 0.8, "представитель работодателя": 0.4}.get(mtype, 0.5)
        # A teacher in the first year's base may have been appointed in any of the last years.
        first = year == self.plan.years[0] and mtype in ("педагог", "другое")
        appointed = year - int(rng.integers(1, 5)) if first else year
        order = _day(rng, date(appointed, 8, 25), date(appointed, 9, 15))
        m = Mentor(f"Н-{self.n_mentor:03d}", self._name(female), mtype, teacher.tid if teacher else None,
                   teacher.position if teacher else self._workplace(mtype, female), bool(rng.random() < 0.82), order)
        self.mentors.append(m)
        return m

    def _workplace(self, mtype: str, female: bool) -> str:
        """«Должность или место работы» of a mentor who is not a teacher of the organization."""
        rng = self.rng
        kinds = ("вуз", "колледж (СПО)") if mtype == "студент" else ("предприятие (организация)",)
        links = [p["name"] for p in self.partner_links if p["type"] in kinds]
        if mtype == "студент":
            where = links[int(rng.integers(len(links)))] if links else "педагогический колледж"
            return f"{'студентка' if female else 'студент'} {int(rng.integers(2, 5))} курса, {where}"
        if mtype == "представитель работодателя":
            role = ("инженер-технолог", "мастер участка", "специалист по персоналу", "ведущий инженер")[
                int(rng.integers(4))]
            where = links[int(rng.integers(len(links)))] if links else "градообразующее предприятие"
            return f"{role}, {where}"
        if mtype == "обучающийся":
            return f"{'обучающаяся' if female else 'обучающийся'} {int(rng.integers(8, 12))} класса"
        return ("ветеран педагогического труда", "методист, пенсионер", "педагог-психолог по договору")[
            int(rng.integers(3))]

    # --- one year ------------------------------------------------------------------------------

    def year_rows(self, year: int, first: bool) -> dict[str, list[dict]]:
        org, rng = self.org, self.rng
        snap = snapshot_date(year)
        rows: dict[str, list[dict]] = {}
        if org.org_type == DEPARTMENT:
            rows["roadmap"] = self._roadmap(year, snap)
            rows["events"] = self._department_events(year)
            return rows

        if first:
            self.staff = self._teachers(org.size, float(rng.uniform(0.13, 0.23)))
        else:
            carried = [p for p in self.pairs if p.overlaps(year)]
            protected = {p.mentee for p in carried if p.mentee} | {p.mentor.teacher_id for p in carried
                                                                   if p.mentor.teacher_id}
            self.staff = self._next_year_staff(protected)
        staff_ids = {t.tid for t in self.staff}
        if first:
            self._partners_first()
        else:
            self._partners_next(year)

        pairs = self._pairs(year, snap, staff_ids)
        rows["staff"] = [{"teacher_id": t.tid, "position": t.position, "age": t.age, "years_in_org": t.years,
                          "teaching_years": t.teaching, "qualification": t.qual, "has_difficulties": t.diff,
                          "is_new": t.new} for t in self.staff]
        rows["mentors"] = self._mentor_rows(pairs)
        rows["mentorships"] = [self._pair_row(p, snap) for p in pairs]
        rows["roadmap"] = self._roadmap(year, snap)
        if self.partner_links:
            rows["partners"] = [{"name": p["name"], "partner_type": p["type"], "inn": p["inn"],
                                 "agreement": p["agreement"], "participation_forms": p["forms"],
                                 "mentors_count": p["mentors"], "since_date": p["since"]}
                                for p in self.partner_links if p["since"] <= snap]
        rows["events"] = self._org_events(year, snap)
        if org.org_type in (SCHOOL, ADDITIONAL):
            rows["students"] = [self._students(pairs, snap)]
        return {k: v for k, v in rows.items() if v}

    # --- pairs ---------------------------------------------------------------------------------

    def _pairs(self, year: int, snap: date, staff_ids: set[str]) -> list[Pair]:
        """The pairs of the year's file: those carried from earlier years plus new ones.

        Also settles the year's mentor base (``self.base``): last year's teacher mentors still on
        staff, topped up from experienced teachers to the organization's share of mentors.
        """
        org, rng = self.org, self.rng
        carried = [p for p in self.pairs if p.overlaps(year)
                   and (p.mentee is None or p.mentee in staff_ids)
                   and (p.mentor.teacher_id is None or p.mentor.teacher_id in staff_ids)]
        carried_mentors = {p.mentor.mid for p in carried}
        self.base = [m for m in self.base if m.mid in carried_mentors or (
            (m.teacher_id is None or m.teacher_id in staff_ids) and rng.random() < 0.95)]
        mentor_tids = {m.teacher_id for m in self.mentors if m.teacher_id}
        eligible = [t for t in self.staff if not t.young and t.age >= 28 and t.years >= 2 and not t.diff
                    and t.qual in MENTOR_QUALIFICATIONS and t.tid not in mentor_tids]
        order = [int(i) for i in rng.permutation(len(eligible))]

        def add_teacher_mentor() -> Mentor | None:
            if not order:
                return None
            t = eligible[order.pop()]
            mentor_tids.add(t.tid)
            m = self._mentor("педагог", year, t)
            self.base.append(m)
            return m

        target = max(1, round(len(self.staff) * self.mentor_share))
        while sum(m.mtype == "педагог" for m in self.base) < target and add_teacher_mentor():
            pass
        if org.org_type == KINDERGARTEN and org.index % 3 == 0 and not any(m.mtype == "другое" for m in self.base):
            self.base.append(self._mentor("другое", year))
        teachers = [m for m in self.base if m.mtype == "педагог"]
        heavy = teachers[0] if org.overloaded and teachers else None
        load: dict[str, int] = {}
        for p in carried:
            if p.status(snap) == "в работе":
                load[p.mentor.mid] = load.get(p.mentor.mid, 0) + 1

        def teacher_mentor(active: bool, mentee: str | None) -> Mentor:
            """A teacher mentor for a new pair; an active pair goes to one with fewer than 3
            active mentees (the designated heavy mentor of an overloaded organization takes 4)."""
            pool = [m for m in self.base if m.mtype == "педагог" and m.teacher_id != mentee]
            if not active and pool:
                return pool[int(rng.integers(len(pool)))]
            if heavy is not None and heavy in pool and load.get(heavy.mid, 0) < 4:
                return heavy
            free = [m for m in pool if load.get(m.mid, 0) < 3]
            if free:
                return free[int(rng.integers(len(free)))]
            fresh = add_teacher_mentor()
            if fresh is not None:
                return fresh
            if pool:
                return min(pool, key=lambda m: load.get(m.mid, 0))
            # A tiny organization without experienced teachers: a retired colleague mentors.
            other = self._mentor("другое", year)
            self.base.append(other)
            return other

        new: list[Pair] = []

        def add(mentee: Teacher | None, category: str, start: date, end: date | None, *,
                mentor: Mentor | None = None, form: str | None = None, interrupted: bool | None = None) -> Pair:
            self.n_pair += 1
            if interrupted is None:
                interrupted = bool(end is not None and rng.random() < 0.04 and _add_months(start, 2) < snap)
                if interrupted:
                    end = _day(rng, _add_months(start, 1), min(_add_months(start, 4), snap - timedelta(days=1)))
            status = _status(start, end, interrupted, snap)
            if mentor is None:
                mentor = teacher_mentor(status == "в работе", mentee.tid if mentee else None)
            if status == "в работе":
                load[mentor.mid] = load.get(mentor.mid, 0) + 1
            p = Pair(f"ПАРА-{self.n_pair:03d}", mentor, mentee.tid if mentee else None, category,
                     form or _pick(rng, FORMS_BY_CATEGORY[category]), start, end, interrupted=interrupted)
            if mentee is not None:
                p.has_program = bool(rng.random() < 0.92)
                if p.has_program and rng.random() < 0.95:
                    p.program_url = f"{org.website}/nastavnichestvo/ppn/{year}-{self.n_pair:03d}.pdf"
            # The survey answer, reported once the pair has ended (see _pair_row).
            if not interrupted and rng.random() < 0.9:
                p.satisfaction = (3, 4, 5)[_draw(rng, (0.1, 0.35, 0.55))]
            elif interrupted and rng.random() < 0.7:
                p.satisfaction = (1, 2, 3)[_draw(rng, (0.3, 0.4, 0.3))]
            new.append(p)
            return p

        def school_year_end(start_year: int) -> date:
            if rng.random() < 0.015:                       # a programme longer than 12 months (a warning)
                return date(start_year + 1, 12, 31)
            return (date(start_year + 1, 5, 31), date(start_year + 1, 6, 30), date(start_year + 1, 8, 31))[
                _draw(rng, (0.6, 0.25, 0.15))]

        def sy_start(start_year: int, planned_ok: bool = False) -> date:
            if planned_ok and rng.random() < 0.08:         # starts after the demo's today: «планируется»
                return date(start_year, 12, 1) + timedelta(days=int(rng.integers(0, 8)))
            return _day(rng, date(start_year, 9, 1), date(start_year, 9, 15))

        # Young teachers (roadmap item 3): a programme for the school year, if the organization
        # gets round to it (its coverage propensity).
        covered = {p.mentee for p in carried if p.mentee and p.status(snap) in ("в работе", "завершена")}
        others = [m for m in self.base if m.mtype == "другое"]
        first_year = year == self.plan.years[0]
        in_progress = year >= TODAY.year
        for t in self.staff:
            if not t.young or t.tid in mentor_tids or t.tid in covered:
                continue
            category = ("педагог с профессиональными затруднениями" if t.diff and rng.random() < 0.5
                        else "молодой специалист")
            mentor = others[0] if others and rng.random() < 0.15 else None
            if rng.random() >= org.coverage:
                if rng.random() < 0.15:                     # started and broke off: still not covered
                    start = _day(rng, date(year, 9, 1), date(year, 9, 20))
                    add(t, category, start, start + timedelta(days=int(rng.integers(40, 70))), mentor=mentor,
                        interrupted=True)
                continue
            if first_year and t.years >= 1:
                # Mentored last school year: «завершена» in this year's file; some go on.
                add(t, category, sy_start(year - 1), date(year, 5, 31) if rng.random() < 0.7 else date(year, 6, 30),
                    mentor=mentor)
                if rng.random() < (0.3 if t.years == 1 else 0.5):
                    add(t, category, sy_start(year), school_year_end(year), mentor=mentor)
            else:
                add(t, category, sy_start(year, planned_ok=in_progress), school_year_end(year), mentor=mentor)

        # Other teachers: with difficulties (item 6), new, without pedagogical education, new technologies.
        latest = min(date(year, 10, 31), snap - timedelta(days=14))
        for t in self.staff:
            if t.young or t.tid in mentor_tids or t.tid in covered:
                continue
            if t.diff and rng.random() < 0.55:
                start = _day(rng, date(year, 2, 1), latest)
                add(t, "педагог с профессиональными затруднениями", start,
                    _add_months(start, int(rng.integers(3, 7))) - timedelta(days=1))
            elif t.new and rng.random() < 0.5:
                start = _day(rng, date(year, 9, 1), date(year, 9, 20))
                add(t, "новый сотрудник или после перерыва", start,
                    _add_months(start, int(rng.integers(3, 5))) - timedelta(days=1))
            elif t.years <= 2 and t.position in NO_PEDAGOGY_POSITIONS and rng.random() < 0.4:
                start = _day(rng, date(year, 9, 1), date(year, 10, 1))
                add(t, "без педагогического образования", start, _add_months(start, 9))
            elif rng.random() < 0.03:
                start = _day(rng, date(year, 2, 1), latest)
                add(t, "осваивает новые технологии", start,
                    _add_months(start, int(rng.integers(2, 5))) - timedelta(days=1))

        if org.org_type in (SCHOOL, ADDITIONAL):
            self._student_pairs(year, snap, add)
        self.pairs += new
        return carried + new

    def _student_pairs(self, year: int, snap: date, add) -> None:
        """Pairs whose mentees are students: peers (schools only), college students, employers' staff,
        teachers (group forms). Non-teacher mentors are taken on for the year as needed."""
        org, rng = self.org, self.rng
        n = int(rng.integers(4, 12)) if org.org_type == SCHOOL else int(rng.integers(3, 8))
        weights = {"обучающийся": 45, "педагог": 25, "студент": 15, "представитель работодателя": 15}
        if org.org_type != SCHOOL:
            del weights["обучающийся"]
        pools: dict[str, list[Mentor]] = {}
        load: dict[str, int] = {}
        for _ in range(n):
            mtype = _pick(rng, weights)
            if rng.random() < 0.35:                       # January to May
                start = _day(rng, date(year, 1, 15), date(year, 2, 15))
                end = _day(rng, date(year, 5, 20), date(year, 5, 31))
            else:                                         # autumn to May of the next year
                start = _day(rng, date(year, 9, 20), min(date(year, 10, 31), snap - timedelta(days=7)))
                end = _day(rng, date(year + 1, 5, 20), date(year + 1, 5, 31))
            if mtype == "педагог":
                add(None, "обучающийся", start, end,
                    form=("групповая", "традиционная", "виртуальная")[int(rng.integers(3))])
                continue
            pool = pools.setdefault(mtype, [])
            free = [m for m in pool if load.get(m.mid, 0) < (2 if mtype == "обучающийся" else 3)]
            mentor = free[0] if free else self._mentor(mtype, year)
            if not free:
                pool.append(mentor)
            load[mentor.mid] = load.get(mentor.mid, 0) + 1
            add(None, "обучающийся", start, end, mentor=mentor, form=STUDENT_FORMS[mtype])

    def _mentor_rows(self, pairs: list[Pair]) -> list[dict]:
        """The mentor base of the year: the base plus every mentor a pair of the year refers to."""
        whom: dict[str, set[str]] = {}
        for p in pairs:
            whom.setdefault(p.mentor.mid, set()).add("педагог" if p.mentee else "обучающийся")
        listed = {m.mid for m in self.base} | set(whom)
        rows = []
        for m in self.mentors:
            if m.mid not in listed:
                continue
            kinds = whom.get(m.mid, {"педагог"} if m.mtype in ("педагог", "другое") else {"обучающийся"})
            label = "педагогов и обучающихся" if len(kinds) == 2 else (
                "педагогов" if "педагог" in kinds else "обучающихся")
            rows.append({"mentor_id": m.mid, "full_name": m.name, "mentor_type": m.mtype, "teacher_id": m.teacher_id,
                         "workplace": m.workplace, "mentors_whom": label, "trained": m.trained,
                         "order_date": m.order_date, "consent": self._consent(m)})
        return rows

    def _consent(self, m: Mentor) -> bool | None:
        """«Согласие на размещение сведений» (152-ФЗ art. 10.1): most mentors give it, some refuse, and for
        some the school has not collected it yet (an empty cell). The same answer every year; drawn from a
        hash of the organization and the mentor, not from ``self.rng``, so that every other figure of the
        demo stays as it was before the column existed."""
        draw = zlib.crc32(f"{self.org.code}/{m.mid}".encode()) % 100
        return True if draw < 80 else (False if draw < 92 else None)

    @staticmethod
    def _pair_row(p: Pair, snap: date) -> dict:
        status = p.status(snap)
        return {"pair_id": p.pid, "mentor_id": p.mentor.mid, "mentee_type": "педагог" if p.mentee else "обучающийся",
                "mentee_id": p.mentee, "mentee_category": p.category, "form": p.form, "has_program": p.has_program,
                "program_url": p.program_url, "start_date": p.start, "end_date": p.end, "status": status,
                "satisfaction": p.satisfaction if status in ("завершена", "прервана") else None}

    # --- roadmap -------------------------------------------------------------------------------

    def _roadmap(self, year: int, snap: date) -> list[dict]:
        org, rng = self.org, self.rng
        dept = org.org_type == DEPARTMENT
        last_done = min(date(year, 12, 31), snap - timedelta(days=4))
        rows = []
        for item in range(1, 12):
            row = {"item": item, "status": "", "done_date": None, "result_url": None, "comment": None}
            rows.append(row)
            if dept and item in ORG_ONLY_ITEMS:
                row.update(status="не требуется", comment="Пункт выполняют образовательные организации")
                continue
            if item == CONTEST_ITEM and year not in (2026, 2028):
                row.update(status="не требуется", comment="Конкурс проводится в 2026 и 2028 годах")
                continue
            due = date(year, 10, 31) if item in (4, CONTEST_ITEM) else date(year, 12, 31)
            lo_month, hi_month = ROADMAP_DONE_MONTHS[item]
            if due <= snap or year < TODAY.year:
                p_done = org.diligence + (0.05 if item == CONTEST_ITEM else 0)
            elif item == 7:                               # monitoring happens in December
                p_done, lo_month, hi_month = 0.1, 11, 11
            else:
                p_done = org.diligence * 0.65
            r = rng.random()
            if r < p_done:
                lo = date(year, lo_month, 1)
                hi = min(_add_months(date(year, hi_month, 1), 1) - timedelta(days=1), last_done)
                done = _day(rng, min(lo, hi), hi)
                row.update(status="выполнено", done_date=done)
                if rng.random() < 0.98:
                    row["result_url"] = f"{org.website}/nastavnichestvo/{year}/punkt-{item}"
                if rng.random() < 0.6:
                    row["comment"] = ROADMAP_DONE_COMMENTS[item].format(n=int(rng.integers(3, 250)),
                                                                        k=int(rng.integers(1, 9)))
            elif r < p_done + (1 - p_done) * 0.8:
                row["status"] = "в работе"
                if rng.random() < 0.4:
                    row["comment"] = ("Срок — декабрь", "Ожидается утверждение", "Готовится к размещению на сайте",
                                      "Запланировано на ноябрь–декабрь")[int(rng.integers(4))]
            else:
                row["status"] = "не начато"
                if rng.random() < 0.5:
                    row["comment"] = "Перенесено на следующий год" if year < TODAY.year else "Ответственный не назначен"
        return rows

    # --- partners ------------------------------------------------------------------------------

    def _new_link(self, entry: tuple[str, str, str | None], since: date) -> dict:
        rng = self.rng
        name, ptype, inn = entry
        forms = PARTICIPATION[ptype]
        provides = ptype in ("вуз", "колледж (СПО)", "предприятие (организация)", "учреждение спорта")
        return {"name": name, "type": ptype, "inn": inn, "since": since,
                "agreement": f"№ {int(rng.integers(1, 120))} от {russian.day(since)}" if rng.random() < 0.8 else None,
                "forms": ", ".join(sorted(set(forms[int(i)] for i in rng.integers(0, len(forms), 2)))),
                "mentors": int(rng.integers(0, 4)) if provides and rng.random() < 0.6 else 0}

    def _partners_first(self) -> None:
        org, rng = self.org, self.rng
        counts = {SCHOOL: ((1, 15), (2, 35), (3, 30), (4, 20)), KINDERGARTEN: ((0, 35), (1, 45), (2, 20)),
                  ADDITIONAL: ((1, 30), (2, 45), (3, 25))}[org.org_type]
        k = int(_pick(rng, counts))
        pool = self.plan.partners[org.muni]
        weights = PARTNER_TYPE_WEIGHTS[org.org_type]
        w = np.array([weights.get(ptype, 0) for _, ptype, _ in pool], dtype=float)
        chosen = rng.choice(len(pool), size=min(k, int((w > 0).sum())), replace=False, p=w / w.sum())
        first = self.plan.years[0]
        self.partner_links = [self._new_link(pool[int(i)], _day(rng, date(2019, 9, 1), date(first, 10, 1)))
                              for i in sorted(chosen)]

    def _partners_next(self, year: int) -> None:
        rng = self.rng
        if self.partner_links and rng.random() < 0.1:
            self.partner_links.pop(int(rng.integers(len(self.partner_links))))
        if (rng.random() < 0.3 and self.org.org_type != KINDERGARTEN) or (not self.partner_links
                                                                         and rng.random() < 0.3):
            names = {p["name"] for p in self.partner_links}
            pool = [e for e in self.plan.partners[self.org.muni] if e[0] not in names
                    and PARTNER_TYPE_WEIGHTS[self.org.org_type].get(e[1])]
            if pool:
                self.partner_links.append(self._new_link(pool[int(rng.integers(len(pool)))],
                                                         _day(rng, date(year, 1, 15), date(year, 10, 1))))

    # --- events --------------------------------------------------------------------------------

    def _department_events(self, year: int) -> list[dict]:
        rng = self.rng
        rows = [{**e, "role": "организатор", "participants": e["participants"], "result": None}
                for e in self.calendar[year]]
        rows.append({"event_date": _day(rng, date(year, 4, 10), date(year, 4, 30)), "level": "региональный",
                     "title": "Региональный форум «Наставничество: практики территорий»",
                     "kind": "представление практики", "role": "участник", "participants": int(rng.integers(2, 6)),
                     "result": "призёр" if year % 2 else "участие", "url": f"{self.org.website}/news/{year}/forum"})
        return sorted(rows, key=lambda r: r["event_date"])

    def _org_events(self, year: int, snap: date) -> list[dict]:
        org, rng = self.org, self.rng
        last = min(date(year, 12, 20), snap - timedelta(days=3))
        n_staff = len(self.staff)
        rows = []
        where = {SCHOOL: "школе", KINDERGARTEN: "детском саду", ADDITIONAL: "учреждении"}[org.org_type]
        for k in range(int(rng.integers(1, 3))):
            rows.append({"event_date": _day(rng, date(year, 1, 20), last), "level": "ОО", "kind": "информирование",
                         "title": (f"Педагогический совет «Наставничество в {where}: итоги и планы»",
                                   "Информационное совещание для молодых педагогов")[k % 2],
                         "role": "организатор", "participants": int(rng.integers(8, max(9, n_staff))), "result": None})
        for k in range(int(rng.integers(1, 4))):
            rows.append({"event_date": _day(rng, date(year, 2, 1), last), "level": "ОО",
                         "kind": "для наставников и наставляемых",
                         "title": ("Школа молодого педагога: занятие {}", "Мастер-класс наставника № {}",
                                   "Педагогическая мастерская «Первые шаги в профессии», встреча {}")[k % 3].format(k + 1),
                         "role": "организатор", "participants": int(rng.integers(4, 26)), "result": None})
        for e in self.calendar[year]:
            if e["event_date"] > last:
                continue
            if e["kind"] == CONTEST_EVENT[1]:
                if rng.random() < {SCHOOL: 0.75, KINDERGARTEN: 0.45, ADDITIONAL: 0.6}[org.org_type]:
                    result = _pick(rng, (("участие", 60), ("призёр", 28), ("победитель", 12)))
                    rows.append({**e, "role": "участник", "participants": int(rng.integers(1, 3)), "result": result})
            elif rng.random() < (0.6 if e["kind"] != "представление практики" else 0.45):
                rows.append({**e, "role": "участник", "participants": int(rng.integers(1, 7)),
                             "result": "участие" if e["kind"] == "представление практики" else None})
        for level, p in (("региональный", 0.3 if org.org_type != KINDERGARTEN else 0.15), ("федеральный", 0.06)):
            if rng.random() < p:
                title = ("Региональный конкурс практик наставничества «Педагог — педагогу»"
                         if level == "региональный" else "Всероссийский форум «Наставничество в образовании»")
                rows.append({"event_date": _day(rng, date(year, 3, 1), last), "level": level,
                             "kind": "представление практики", "title": title, "role": "участник",
                             "participants": int(rng.integers(1, 4)),
                             "result": _pick(rng, (("участие", 60), ("призёр", 30), ("победитель", 10)))})
        for n, r in enumerate(rows, start=1):
            r.setdefault("url", f"{org.website}/news/{year}/{n}" if rng.random() < 0.85 else None)
        return sorted(rows, key=lambda r: (r["event_date"], r["title"]))

    # --- students ------------------------------------------------------------------------------

    def _students(self, pairs: list[Pair], snap: date) -> dict:
        """The one row of totals; mentees and student mentors at least those of the pairs file."""
        org, rng = self.org, self.rng
        ratio = rng.uniform(11, 15) if org.org_type == SCHOOL else rng.uniform(20, 30)
        total = int(len(self.staff) * ratio)
        aged = int(total * rng.uniform(0.5, 0.6))
        student_pairs = sum(1 for p in pairs if p.mentee is None and p.status(snap) in ("в работе", "завершена"))
        peer_mentors = sum(1 for m in {p.mentor.mid: p.mentor for p in pairs if p.mentee is None}.values()
                           if m.mtype == "обучающийся")
        mentees = min(aged, student_pairs + int(rng.integers(10, 60)))
        mentors = min(total, peer_mentors + (int(rng.integers(2, 15)) if org.org_type == SCHOOL else 0))
        return {"students_total": total, "students_10_18": aged, "mentee_students": mentees,
                "mentor_students": mentors}


def _calendar(plan_: Plan, muni: int, seed: int) -> dict[int, list[dict]]:
    """The department's municipal events of each year; the organizations attend some of them."""
    rng = np.random.default_rng([seed, 1, muni])
    dept = next(o for o in plan_.orgs if o.muni == muni and o.org_type == DEPARTMENT)
    out = {}
    for year in plan_.years:
        last = snapshot_date(year) - timedelta(days=3)
        events = list(MUNICIPAL_EVENTS)
        if year in (2026, 2028):
            events.append(CONTEST_EVENT)
        rows = []
        for n, (title, kind, m_lo, m_hi) in enumerate(events, start=1):
            lo = date(year, m_lo, 5)
            hi = _add_months(date(year, m_hi, 1), 1) - timedelta(days=5)
            if lo > last:
                continue
            rows.append({"event_date": _day(rng, lo, min(hi, last)), "title": title, "level": "муниципальный",
                         "kind": kind, "participants": int(rng.integers(25, 140)) if kind != CONTEST_EVENT[1] else
                         int(rng.integers(12, 22)), "url": f"{dept.website}/news/{year}/{n}"})
        out[year] = rows
    return out


# ---------------------------------------------------------------------------------------------
# Rows


def registry_rows(plan_: Plan) -> list[dict]:
    """The department's registry: one row per organization (dataset «organizations»)."""
    return [{"org_code": o.code, "full_name": o.full_name, "short_name": o.short_name, "org_type": o.org_type,
             "municipality": o.municipality, "inn": o.inn, "website": o.website} for o in plan_.orgs]


OrgYear = tuple[Org, int, dict[str, list[dict]]]


def org_years(plan_: Plan, seed: int = 2025) -> Iterator[OrgYear]:
    """``(organization, year, {dataset: rows})`` of every file an organization sends, organization
    by organization and year by year; datasets in the order of :data:`ORG_DATASETS` (a file comes
    after the files it refers to). A file missing on purpose (the organization's gaps) or without
    rows is left out. Lazy: the national scale streams organization by organization."""
    calendars: dict[int, dict[int, list[dict]]] = {}
    for org in plan_.orgs:
        if org.muni not in calendars:
            calendars = {org.muni: _calendar(plan_, org.muni, seed)}   # municipalities come one after another
        sim = OrgSimulation(org, plan_, calendars[org.muni], seed)
        for i, year in enumerate(plan_.years):
            rows = sim.year_rows(year, first=i == 0)
            skip = org.gaps.get(year, set())
            yield org, year, {d: rows[d] for d in ORG_DATASETS if d not in skip and rows.get(d)}


# When each organization sends each file of year Y (month, first day, last day). Mentors are due by
# 31 October (roadmap item 4): most arrive in October, some organizations send them late.
_SENDING = {
    "staff": (9, 5, 25), "mentors": (10, 1, 30), "mentorships": (10, 31, 31), "partners": (11, 1, 20),
    "events": (12, 1, 20), "students": (9, 20, 30), "roadmap": (12, 10, 25),
}
LATE_MENTORS_SHARE = 0.2
REGISTRY_SENT = datetime(2025, 1, 15, 10, 0)


@functools.lru_cache(maxsize=256)   # the mentorships file asks for the mentors file's moment again
def upload_time(org_code: str | None, year: int | None, dataset: str, seed: int = 2025) -> datetime:
    """A plausible, deterministic moment the file was uploaded, never after the demo's today."""
    if org_code is None:
        return REGISTRY_SENT
    rng = np.random.default_rng([seed, year, *org_code.encode("utf-8"), *dataset.encode("ascii")])
    month, first, last = _SENDING[dataset]
    if dataset == "mentors" and np.random.default_rng([seed, year, *org_code.encode("utf-8")]).random() \
            < LATE_MENTORS_SHARE:
        month, first, last = 11, 3, 20
    if dataset == "mentorships":  # right after the mentors file, whichever month that was
        mentors_at = upload_time(org_code, year, "mentors", seed)
        return mentors_at + timedelta(days=1, minutes=int(rng.integers(0, 300)))
    moment = datetime(year, month, int(rng.integers(first, last + 1)), int(rng.integers(8, 18)),
                      int(rng.integers(0, 60)))
    now = datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=9)
    return min(moment, now - timedelta(hours=int(rng.integers(1, 72))))


# ---------------------------------------------------------------------------------------------
# Columns: the same rows for bulk loading


def _columns(plan_: Plan, seed: int) -> dict[str, pa.Table]:
    """The rows of the plan's organizations, one Arrow table per dataset: ``org_code``, ``year``,
    ``row_no`` (the row as the file shows it: 2 is the first under the header), then the declared
    fields; and ``files``: one row per file (org_code, year, dataset, habit, rows, uploaded_at)."""
    cols = {d: {"org_code": [], "year": [], "row_no": [], **{f.name: [] for f in DATASETS[d].fields}}
            for d in ORG_DATASETS}
    files: dict[str, list] = {"org_code": [], "year": [], "dataset": [], "habit": [], "rows": [], "uploaded_at": []}
    for org, year, by_dataset in org_years(plan_, seed):
        for dataset, rows in by_dataset.items():
            c, n = cols[dataset], len(rows)
            c["org_code"] += [org.code] * n
            c["year"] += [year] * n
            c["row_no"] += range(2, n + 2)
            for name, values in c.items():
                if name not in ("org_code", "year", "row_no"):
                    values += [r.get(name) for r in rows]
            for key, value in (("org_code", org.code), ("year", year), ("dataset", dataset), ("habit", org.habit),
                               ("rows", n), ("uploaded_at", upload_time(org.code, year, dataset, seed))):
                files[key].append(value)
    return {**{d: pa.table(c) for d, c in cols.items()}, "files": pa.table(files)}


def table_parts(scale: str | int = "city", seed: int = 2025, workers: int | None = None
                ) -> Iterator[dict[str, pa.Table]]:
    """Every row of a scale's world as Arrow tables, part by part: first ``{"organizations": the
    registry}``, then for each part of the organizations (whole municipalities, in plan order) one
    table per dataset of :data:`ORG_DATASETS` and ``files`` (see :func:`_columns`). The rows are
    those :func:`org_years` yields, so the city's files hold exactly these rows. Parts are simulated
    in ``workers`` processes (default: one per CPU); a consumer that stores each part as it comes
    never holds the nation in memory.

    The workers are forked when the first part (the registry) is asked for: ask for it before
    opening a DuckDB connection, whose threads a fork must not copy. (Fork, not spawn: spawn
    re-runs the parent's main script in each worker, which may be anything, e.g. a Streamlit app.)
    """
    p = plan(scale, seed)
    parts: list[Plan] = []
    size = max(ORGS_PER_MUNICIPALITY, len(p.orgs) // 64)     # enough parts to keep every worker busy
    for org in p.orgs:
        if not parts or (len(parts[-1].orgs) >= size and org.muni != parts[-1].orgs[-1].muni):
            parts.append(Plan([], p.years, p.municipalities, p.partners))
        parts[-1].orgs.append(org)
    workers = min(workers or os.cpu_count() or 1, len(parts))
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) if workers > 1 else None
    try:
        # Submitting forks every worker at once (the fork start method), before anything is yielded.
        done = pool.map(_columns, parts, [seed] * len(parts)) if pool else (_columns(part, seed) for part in parts)
        yield {"organizations": pa.Table.from_pylist(registry_rows(p))}
        yield from done
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)


def tables(scale: str | int = "city", seed: int = 2025, workers: int | None = None) -> dict[str, pa.Table]:
    """The parts of :func:`table_parts` put together: one Arrow table per name."""
    parts = list(table_parts(scale, seed, workers))
    return {**parts[0], **{name: pa.concat_tables([part[name] for part in parts[1:]], promote_options="permissive")
                           for name in parts[1]}}
