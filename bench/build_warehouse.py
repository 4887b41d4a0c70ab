"""Bulk builder of region- and nation-sized warehouses for the page benchmark (bench/bench_pages.py).

    python bench/build_warehouse.py nation bench/out/nation.duckdb [--seed 2025]

Why not through ingest: the real path (``ingest.demo.build_demo``) reads, validates and loads every
file, about 39 ms per file; the nation is about 42,000 organizations × 2 years × 7 datasets ≈ 500,000
files, several hours. The pages read only what the warehouse holds, so this builder writes the same
tables the loader writes (``uploads``, ``snapshots``, ``upload_issues``, ``raw_*``, the registry as a
snapshot under organization «*», year 0) directly with DuckDB SQL, in about a minute. The warehouse
itself is created by ``warehouse.db.connect`` (migrations, views), like any other.

What it holds (per reporting year 2025 and 2026, the years the city demo has):

- Municipalities of 28 organizations like the demo's benchmark plan (``ingest.demo._bench_plan``):
  one department, 10 schools, 3 additional-education organizations, 14 kindergartens; about 32
  teachers per organization (42,000 organizations ≈ 1.3 million teachers a year).
- Staff: ages 21–66, about 17 % young (under 35, at most 3 years in the organization), about 6 %
  with difficulties; 2026 = the 2025 staff a year older minus leavers (mostly 60+) plus hires
  (mostly young).
- Mentors: 8–16 % of the experienced teachers of each organization (IDs of its staff file), plus
  students, college students and employers' staff at schools and additional education, and a
  retired colleague («другое») in small organizations.
- Mentorships: every pair references a mentor of the organization's mentors file and a teacher of
  its staff file for the year; young teachers covered with the organization's propensity (25 % of
  organizations 100 %, the others 40–100 %), plus teachers with difficulties, new staff, student
  pairs; statuses follow school years («завершена», «в работе», «планируется», «прервана»).
- Roadmap: 11 items per organization and year with the demo's status mix (done by diligence, the
  rest «в работе» or «не начато»; item 8 «не требуется» in 2025; items 3 and 10 «не требуется» for
  the department).
- Partners from a pool of 16 per municipality, events (the municipal calendar, the organization's
  own, regional and federal practices, the contest in 2026), students (schools and additional
  education).
- Gaps: about 2 % of organizations upload nothing for a year, 5 % miss one dataset; kindergartens
  without partners send no partners file; about 3 % of files had a rejected attempt first.
- Accounts: the demo's department accounts (``ingest.demo.DEMO_ACCOUNTS``: admin, head), so that
  the app's login works as on the city demo.

Every value is one of the allowed values of ``ingest/schemas`` (checked after the build). Random
draws are ``hash()`` of the row's key and the seed, so a build is deterministic.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ingest import demo
from ingest.schemas import DATASETS
from ingest.schemas.base import ENUM
from warehouse import accounts, db, facts, settings

# Bump when the generated data change: cached warehouses under bench/out are keyed by it.
BUILD_VERSION = 1
YEARS = (2025, 2026)
ORGS_PER_MUNICIPALITY = 28
TODAY = demo.TODAY
NOW = f"timestamp '{TODAY:%Y-%m-%d} 09:00:00'"


def _lit(values) -> str:
    """A SQL list literal of strings."""
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def _weighted(pairs) -> str:
    """A list literal in which each value appears ``weight`` times (pick with a uniform index)."""
    out: list[str] = []
    for value, weight in pairs:
        out += [value] * int(weight)
    return _lit(out)


def _pick(lst: str, u: str) -> str:
    return f"({lst})[1 + floor(({u}) * len({lst}))::integer]"


# ---------------------------------------------------------------------------------------------
# Organizations (numpy, then one DuckDB table)


def _organizations(n_orgs: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng([seed, 7])
    n_muni = max(1, round(n_orgs / ORGS_PER_MUNICIPALITY))
    base, extra = divmod(n_orgs, n_muni)
    rows = []
    pool = []
    gap_choices = ("mentors", "partners", "events", "students", "roadmap")
    for m in range(n_muni):
        municipality = f"Муниципалитет {m + 1:04d} (демо)"
        prefix = f"m{m + 1:04d}-"
        count = base + (m < extra)
        rest = count - 1
        n_school, n_add = round(rest * 0.37), round(rest * 0.11)
        kinds = [demo.DEPARTMENT] + [demo.SCHOOL] * n_school + [demo.ADDITIONAL] * n_add \
            + [demo.KINDERGARTEN] * (rest - n_school - n_add)
        counters = {demo.SCHOOL: 0, demo.KINDERGARTEN: 0, demo.ADDITIONAL: 0}
        for kind in kinds:
            if kind == demo.DEPARTMENT:
                code = f"{m + 1:04d}-УО"
                full = f"[ДЕМО] Управление образования муниципалитета «{municipality}»"
                short, size, site = f"УО, {municipality}", 0, f"https://{prefix}uo.demo.example.ru"
            else:
                counters[kind] += 1
                k = counters[kind]
                if kind == demo.SCHOOL:
                    code, name, sh = f"{m + 1:04d}-СОШ{k}", f"Средняя общеобразовательная школа № {k}", f"СОШ № {k}"
                    size = np.clip(rng.normal(54, 18), 12, 140)
                elif kind == demo.KINDERGARTEN:
                    code, name, sh = f"{m + 1:04d}-ДС{k}", f"Детский сад № {k}", f"Детский сад № {k}"
                    size = np.clip(rng.normal(20, 7), 6, 60)
                else:
                    code, name, sh = f"{m + 1:04d}-ДО{k}", f"Центр дополнительного образования № {k}", f"ЦДО № {k}"
                    size = np.clip(rng.normal(25, 10), 6, 80)
                full, short = f"[ДЕМО] {name} ({municipality})", f"{sh}, {municipality}"
                site = f"https://{prefix}{demo._slug(code[5:])}.demo.example.ru"
            gaps = []
            for _ in demo.CITY_YEARS:
                r = rng.random()
                if kind == demo.DEPARTMENT or r >= 0.07:
                    gaps.append("")
                else:
                    gaps.append("all" if r < 0.02 else str(rng.choice(gap_choices)))
            rows.append({
                "idx": len(rows), "muni": m, "code": code, "full_name": full, "short_name": short, "org_type": kind,
                "municipality": municipality, "inn": demo.make_inn(rng), "website": site, "size": int(size),
                "coverage": 1.0 if rng.random() < 0.25 else float(rng.uniform(0.4, 1.0)),
                "diligence": float(rng.uniform(0.85, 0.98) if kind == demo.DEPARTMENT else rng.uniform(0.6, 0.97)),
                "id_style": ("П", "N", "T")[int(rng.integers(3))],
                "encoding": "utf-8-sig" if rng.random() < 0.3 else "cp1251",
                "mentor_share": float(rng.uniform(0.08, 0.16)),
                "gap_2025": gaps[0], "gap_2026": gaps[1],
            })
        for j, (name, ptype, inn_prefix, twelve) in enumerate(demo.CITY_PARTNERS):
            pool.append({"muni": m, "j": j, "name": f"{name[:-7]} — {m + 1:04d} (демо)", "partner_type": ptype,
                         "inn": demo.make_inn(rng, inn_prefix, twelve) if inn_prefix else None})
    return pd.DataFrame(rows), pd.DataFrame(pool)


# ---------------------------------------------------------------------------------------------
# The SQL of each dataset. Temporary tables b_*; `u(a, b, c, tag)` is a uniform draw in [0, 1).


def _macros(seed: int) -> list[str]:
    return [
        f"create or replace temp macro u(a, b, c, tag) as (hash(a, b, c, tag, {seed}) % 1000003)::double / 1000003",
        "create or replace temp macro nrm(a, b, c, tag) as "
        "sqrt(-2 * ln(1 - u(a, b, c, tag || ':1'))) * cos(2 * pi() * u(a, b, c, tag || ':2'))",
        f"create or replace temp macro snap(y) as least(make_date(y, 12, 31), date '{TODAY}')",
        # a day in [lo, hi] (hi clipped up to lo)
        "create or replace temp macro day_in(lo, hi, x) as (lo + floor(x * (greatest(hi - lo, 0) + 1))::integer)",
        "create or replace temp macro teacher_id(style, t, idx) as case style "
        "when 'П' then 'П-' || lpad(t::varchar, 3, '0') when 'T' then 'T' || lpad(t::varchar, 4, '0') "
        "else lpad((10000 + (t * 7919 + idx * 13) % 90000)::varchar, 5, '0') end",
    ]


def _person_name(a: str, b: str, c: str) -> str:
    """A plausible Russian full name drawn from the demo's lists; 80 % women (teaching staff)."""
    female = f"u({a}, {b}, {c}, 'sex') < 0.8"
    sur_m = _lit(demo.MALE_SURNAMES)
    sur_f = _lit(demo._feminine(s) for s in demo.MALE_SURNAMES)
    pat_m, pat_f = _lit(p[0] for p in demo.PATRONYMICS), _lit(p[1] for p in demo.PATRONYMICS)
    su, fn, pa = f"u({a}, {b}, {c}, 'sur')", f"u({a}, {b}, {c}, 'fn')", f"u({a}, {b}, {c}, 'pat')"
    return (f"case when {female} then {_pick(sur_f, su)} || ' ' || {_pick(_lit(demo.FEMALE_NAMES), fn)} || ' ' "
            f"|| {_pick(pat_f, pa)} else {_pick(sur_m, su)} || ' ' || {_pick(_lit(demo.MALE_NAMES), fn)} || ' ' "
            f"|| {_pick(pat_m, pa)} end")


def _staff_sql() -> list[str]:
    positions = "case org_type " + " ".join(
        f"when '{t}' then {_pick(_weighted(p), 'u(idx, t, 0, ' + repr('pos') + ')')}"
        for t, p in demo.POSITIONS.items()) + " end"
    quals = _weighted(zip(demo.QUALIFICATIONS, (10, 33, 47, 5, 5), strict=True))
    qual = (f"case when teaching < 2 then 'без категории' "
            f"when young then case when u(idx, t, 0, 'q1') < 0.3 then 'первая' else 'без категории' end "
            f"else {_pick(quals, 'u(idx, t, 0, ' + repr('q') + ')')} end")
    return [
        # 2025: the organization's teachers t = 1..size
        f"""
        create temp table b_t25 as
        with base as (
            select idx, org_type, unnest(range(1, size + 1)) as t from b_orgs where size > 0
        ), a as (
            select *, u(idx, t, 0, 'young') < 0.17 as young from base
        ), b as (
            select *, case when young then 21 + floor(u(idx, t, 0, 'age') * 14)::integer
                           else greatest(25, least(66, round(46 + 9.5 * nrm(idx, t, 0, 'age'))::integer)) end as age
            from a
        ), c as (
            select *, age - 21 as span,
                   case when young then least(floor(u(idx, t, 0, 'yrs') * 4)::integer, age - 21)
                        when age < 35 then greatest(least(floor(pow(u(idx, t, 0, 'yrs'), 1.4) * (age - 20))::integer,
                                                          age - 21), 4)
                        else least(floor(pow(u(idx, t, 0, 'yrs'), 1.4) * (age - 20))::integer, age - 21) end as years
            from b
        ), d as (
            select *, least(years + floor(u(idx, t, 0, 'teach') * (least(span, years + 12) - years + 1))::integer,
                            span) as teaching
            from c
        )
        select idx, t, {positions} as position, age, years, teaching, {qual} as qualification,
               u(idx, t, 2025, 'diff') < case when young then 0.12 else 0.05 end as has_difficulties,
               years = 0 and u(idx, t, 0, 'new') < 0.92 as is_new
        from d
        """,
        # 2026: a year older, minus leavers, plus hires (70 % young)
        """
        create temp table b_leave as
        select *, age >= 66 or u(idx, t, 0, 'leave') < case when age >= 60 then 0.25 else 0.05 end as leaves
        from b_t25
        """,
        f"""
        create temp table b_t26 as
        with stay as (
            select idx, t, position, least(age + 1, 66) as age, years + 1 as years,
                   least(teaching + 1, least(age + 1, 66) - 21) as teaching,
                   case when qualification = 'без категории' and teaching >= 1 and u(idx, t, 2026, 'up') < 0.25
                            then 'первая'
                        when qualification = 'первая' and u(idx, t, 2026, 'up') < 0.08 then 'высшая'
                        else qualification end as qualification,
                   (has_difficulties and u(idx, t, 2026, 'diff') < 0.5)
                       or (not has_difficulties and u(idx, t, 2026, 'diff') < 0.04) as has_difficulties,
                   false as is_new
            from b_leave where not leaves
        ), hires_n as (
            select o.idx, o.org_type, o.size,
                   greatest(0, count(*) filter (where l.leaves) + (hash(o.idx, 'hires') % 4)::integer - 1) as n
            from b_orgs o join b_leave l using (idx) group by o.idx, o.org_type, o.size
        ), h as (
            select idx, org_type, size + unnest(range(1, n + 1)) as t from hires_n where n > 0
        ), h2 as (
            select *, u(idx, t, 2026, 'young') < 0.7 as young from h
        ), h3 as (
            select *, case when young then 21 + floor(u(idx, t, 2026, 'age') * 14)::integer
                           else greatest(35, least(66, round(42 + 8 * nrm(idx, t, 2026, 'age'))::integer)) end as age
            from h2
        ), h4 as (
            select *, 0 as years, least(floor(u(idx, t, 2026, 'teach') * (case when young then 4 else 20 end))::integer,
                                        age - 21) as teaching
            from h3
        )
        select * from stay
        union all
        select idx, t, {positions.replace("u(idx, t, 0, 'pos')", "u(idx, t, 2026, 'pos')")} as position, age, years,
               teaching, {qual.replace("u(idx, t, 0,", "u(idx, t, 2026,")} as qualification,
               u(idx, t, 2026, 'diff') < case when young then 0.12 else 0.05 end as has_difficulties,
               u(idx, t, 2026, 'new') < 0.92 as is_new
        from h4
        """,
        """
        create temp table b_staff as
        select s.idx, s.year, s.t, teacher_id(o.id_style, s.t, s.idx) as teacher_id, s.position, s.age,
               s.years as years_in_org, s.teaching as teaching_years, s.qualification, s.has_difficulties, s.is_new
        from (select 2025 as year, * exclude (leaves) from b_leave
              union all by name select 2026 as year, * from b_t26) s
        join b_orgs o using (idx)
        """,
        "drop table b_t25", "drop table b_t26", "drop table b_leave",
    ]


def _mentors_sql() -> list[str]:
    other_kinds = {  # per org type: (mentor type, slots, how many: an SQL expression of u)
        demo.SCHOOL: (("обучающийся", "1 + floor(x * 4)"), ("студент", "floor(x * 3)"),
                      ("представитель работодателя", "floor(x * 3)")),
        demo.ADDITIONAL: (("студент", "1 + floor(x * 2)"), ("представитель работодателя", "floor(x * 3)")),
    }
    slot_rows = []
    for org_type, kinds in other_kinds.items():
        for mtype, expr in kinds:
            slot_rows += [f"('{org_type}', '{mtype}', {s}, '{expr}')" for s in range(4)]
    count_case = "case " + " ".join(
        f"when s.org_type = '{t}' and s.mtype = '{m}' then {e.replace('x', 'u(o.idx, y.year, 0, s.mtype)')}"
        for t, kinds in other_kinds.items() for m, e in kinds) + " else 0 end"
    workplace = ("case mentor_type when 'обучающийся' then (8 + floor(u(idx, k, year, 'cls') * 4)::integer) || ' класс' "
                 "when 'студент' then 'студент колледжа (демо)' "
                 "when 'представитель работодателя' then 'инженер, предприятие-партнёр (демо)' "
                 "else 'педагог на пенсии' end")
    return [
        # teacher mentors: experienced teachers, about mentor_share of the staff, stable from year to year
        f"""
        create temp table b_mentors as
        select s.idx, s.year, 'Н-' || lpad(s.t::varchar, 3, '0') as mentor_id,
               {_person_name('s.idx', 's.t', '0')} as full_name, 'педагог' as mentor_type, s.teacher_id,
               s.position as workplace,
               case when u(s.idx, s.t, s.year, 'whom') < 0.08 then 'педагогов и обучающихся'
                    when u(s.idx, s.t, s.year, 'whom') < 0.10 then 'обучающихся' else 'педагогов' end as mentors_whom,
               u(s.idx, s.t, 0, 'trained') < 0.85 as trained,
               make_date(s.year - (u(s.idx, s.t, 0, 'od') < 0.6)::integer, 9,
                         1 + floor(u(s.idx, s.t, s.year, 'odd') * 20)::integer) as order_date,
               'teacher' as pool, s.t as sort_key
        from b_staff s join b_orgs o using (idx)
        where not (s.age < 35 and s.years_in_org <= 3) and not s.has_difficulties and s.teaching_years >= 3
          and s.qualification in ('первая', 'высшая', 'педагог-методист', 'педагог-наставник')
          and u(s.idx, s.t, 0, 'mentor') < o.mentor_share / 0.65
        """,
        # other mentors: students, college students, employers' staff; «другое» in small organizations
        f"""
        insert into b_mentors
        with slots(org_type, mtype, slot, expr) as (values {", ".join(slot_rows)}),
        wanted as (
            select o.idx, y.year, s.mtype as mentor_type, s.slot, {count_case} as n
            from b_orgs o cross join (values (2025), (2026)) y(year) join slots s on s.org_type = o.org_type
        ),
        other as (
            select idx, year, 'другое' as mentor_type, 0 as slot
            from b_orgs cross join (values (2025), (2026)) y(year)
            where org_type <> '{demo.DEPARTMENT}' and (size < 15 or u(idx, 0, 0, 'other') < 0.25)
        ),
        chosen as (
            select idx, year, mentor_type, slot from wanted where slot < n
            union all select * from other
        ),
        numbered as (
            select *, 500 + row_number() over (partition by idx, year order by mentor_type, slot) as k from chosen
        )
        select idx, year, 'Н-' || k as mentor_id, {_person_name('idx', 'k', 'year')} as full_name, mentor_type,
               null as teacher_id, {workplace} as workplace,
               case when mentor_type = 'другое' then 'педагогов' else 'обучающихся' end as mentors_whom,
               u(idx, k, year, 'trained') < 0.7 as trained,
               make_date(year, 9, 1 + floor(u(idx, k, year, 'od') * 25)::integer) as order_date,
               case when mentor_type = 'другое' then 'teacher' else 'student' end as pool, k as sort_key
        from numbered
        """,
        """
        create temp table b_pool as
        select idx, year, pool, mentor_id, mentor_type,
               row_number() over (partition by idx, year, pool order by sort_key) - 1 as k,
               count(*) over (partition by idx, year, pool) as n
        from b_mentors
        """,
    ]


def _pairs_sql() -> list[str]:
    forms = "case category " + " ".join(
        f"when '{c}' then {_pick(_weighted(w), 'u(idx, t, year, ' + repr('form') + ')')}"
        for c, w in demo.FORMS_BY_CATEGORY.items()) + " end"
    no_ped = _lit(demo.NO_PEDAGOGY_POSITIONS)
    student_forms = "case mentor_type " + " ".join(
        f"when '{k}' then '{v}'" for k, v in demo.STUDENT_FORMS.items()) + \
        f" else {_pick(_lit(('групповая', 'традиционная', 'виртуальная')), 'u(idx, t, year, ' + repr('sf') + ')')} end"
    return [
        # teacher mentees: young teachers (by the organization's coverage propensity), teachers with
        # difficulties, new staff, staff without pedagogical education, new technologies
        f"""
        create temp table b_tp as
        with cand as (
            select s.idx, s.year, s.t, s.teacher_id, s.age < 35 and s.years_in_org <= 3 as young, s.has_difficulties,
                   s.is_new, s.years_in_org, s.position, o.coverage
            from b_staff s join b_orgs o using (idx)
            anti join b_mentors m on m.idx = s.idx and m.year = s.year and m.teacher_id = s.teacher_id
        ), kinds as (
            select *,
                   case when young then
                            case when u(idx, t, year, 'cov') < coverage then
                                      case when years_in_org >= 1 and u(idx, t, year, 'prev') < 0.6 then 'young_prev'
                                           else 'young_cur' end
                                 when u(idx, t, year, 'brk') < 0.15 then 'young_broken' end
                        when has_difficulties and u(idx, t, year, 'k') < 0.55 then 'diff'
                        when is_new and u(idx, t, year, 'k') < 0.5 then 'new'
                        when years_in_org <= 2 and list_contains({no_ped}, position)
                             and u(idx, t, year, 'k') < 0.4 then 'noped'
                        when u(idx, t, year, 'k') < 0.03 then 'tech' end as kind
            from cand
        ), dated as (
            select *,
                   case kind
                       when 'young_prev' then make_date(year - 1, 9, 1 + floor(u(idx, t, year, 'sd') * 15)::integer)
                       when 'young_cur' then
                           case when year >= {TODAY.year} and u(idx, t, year, 'pl') < 0.08
                                then make_date(year, 12, 1 + floor(u(idx, t, year, 'sd') * 8)::integer)
                                else make_date(year, 9, 1 + floor(u(idx, t, year, 'sd') * 15)::integer) end
                       when 'young_broken' then make_date(year, 9, 1 + floor(u(idx, t, year, 'sd') * 20)::integer)
                       when 'new' then make_date(year, 9, 1 + floor(u(idx, t, year, 'sd') * 20)::integer)
                       when 'noped' then make_date(year, 9, 1 + floor(u(idx, t, year, 'sd') * 30)::integer)
                       else day_in(make_date(year, 2, 1), least(make_date(year, 10, 31), snap(year) - 14),
                                   u(idx, t, year, 'sd')) end as start_date
            from kinds where kind is not null
        ), ended as (
            select *,
                   case kind
                       when 'young_prev' then case when u(idx, t, year, 'ed') < 0.7 then make_date(year, 5, 31)
                                                   else make_date(year, 6, 30) end
                       when 'young_cur' then
                           case when month(start_date) = 12 then make_date(year + 1, 5, 31)
                                when u(idx, t, year, 'ed') < 0.015 then make_date(year + 1, 12, 31)
                                when u(idx, t, year, 'ed') < 0.6 then make_date(year + 1, 5, 31)
                                when u(idx, t, year, 'ed') < 0.85 then make_date(year + 1, 6, 30)
                                else make_date(year + 1, 8, 31) end
                       when 'young_broken' then start_date + 40 + floor(u(idx, t, year, 'ed') * 30)::integer
                       when 'diff' then (start_date + to_months(3 + floor(u(idx, t, year, 'ed') * 4)::integer))::date - 1
                       when 'new' then (start_date + to_months(3 + floor(u(idx, t, year, 'ed') * 2)::integer))::date - 1
                       when 'noped' then (start_date + interval 9 month)::date
                       else (start_date + to_months(2 + floor(u(idx, t, year, 'ed') * 3)::integer))::date - 1
                   end as end_date,
                   kind = 'young_broken' or (kind not like 'young%' and u(idx, t, year, 'int') < 0.04
                                             and (start_date + interval 2 month)::date < snap(year)) as interrupted
            from dated
        )
        select idx, year, t, teacher_id as mentee_id, 'педагог' as mentee_type, kind,
               case when kind like 'young%' then
                        case when has_difficulties and u(idx, t, year, 'cat') < 0.5
                             then 'педагог с профессиональными затруднениями' else 'молодой специалист' end
                    when kind = 'diff' then 'педагог с профессиональными затруднениями'
                    when kind = 'new' then 'новый сотрудник или после перерыва'
                    when kind = 'noped' then 'без педагогического образования'
                    else 'осваивает новые технологии' end as category,
               start_date,
               case when interrupted and kind <> 'young_broken'
                    then least(snap(year) - 1, (start_date + to_months(1 + floor(u(idx, t, year, 'ie') * 2)::integer))::date)
                    else end_date end as end_date,
               interrupted, u(idx, t, year, 'm') as pick_mentor, 'teacher' as pool
        from ended
        """,
        # student mentees: schools 4-11 pairs, additional education 3-7
        f"""
        create temp table b_sp as
        with n as (
            select idx, year, case org_type when '{demo.SCHOOL}' then 4 + floor(u(idx, 0, year, 'sp') * 8)
                                            else 3 + floor(u(idx, 0, year, 'sp') * 5) end::integer as n
            from b_orgs cross join (values (2025), (2026)) y(year)
            where org_type in ('{demo.SCHOOL}', '{demo.ADDITIONAL}')
        ), slots as (
            select idx, year, 1000 + unnest(range(n)) as t from n
        ), dated as (
            select *, u(idx, t, year, 'spring') < 0.35 as spring from slots
        )
        select idx, year, t, null as mentee_id, 'обучающийся' as mentee_type, 'student' as kind,
               'обучающийся' as category,
               case when spring then day_in(make_date(year, 1, 15), make_date(year, 2, 15), u(idx, t, year, 'sd'))
                    else day_in(make_date(year, 9, 20), least(make_date(year, 10, 31), snap(year) - 7),
                                u(idx, t, year, 'sd')) end as start_date,
               case when spring then day_in(make_date(year, 5, 20), make_date(year, 5, 31), u(idx, t, year, 'ed'))
                    else day_in(make_date(year + 1, 5, 20), make_date(year + 1, 5, 31), u(idx, t, year, 'ed'))
               end as end_date,
               false as interrupted, u(idx, t, year, 'm') as pick_mentor,
               case when u(idx, t, year, 'pool') < 0.25 then 'teacher' else 'student' end as pool
        from dated
        """,
        # the mentor of each pair: one of the organization's mentors of the year (its mentors file)
        f"""
        create temp table b_mentorships as
        with p as (
            select * from b_tp union all by name select * from b_sp
        ), n as (
            select distinct idx, year, pool, n from b_pool
        ), joined as (
            select p.*, m.mentor_id, m.mentor_type
            from p join n using (idx, year, pool)
            join b_pool m on m.idx = p.idx and m.year = p.year and m.pool = p.pool
                          and m.k = floor(p.pick_mentor * n.n)::integer
        ), numbered as (
            select *, row_number() over (partition by idx, year order by start_date, t) as n_pair,
                   case when start_date > snap(year) then 'планируется'
                        when end_date < snap(year) then case when interrupted then 'прервана' else 'завершена' end
                        else 'в работе' end as status
            from joined
        )
        select x.idx, x.year, 'ПАРА-' || lpad(x.n_pair::varchar, 3, '0') as pair_id, x.mentor_id, x.mentee_type,
               x.mentee_id, x.category as mentee_category,
               case when x.mentee_type = 'педагог' then {forms.replace('category', 'x.category', 1)}
                    else {student_forms} end as form,
               case when x.mentee_type = 'педагог' then u(x.idx, x.t, x.year, 'ppn') < 0.92 end as has_program,
               case when x.mentee_type = 'педагог' and u(x.idx, x.t, x.year, 'ppn') < 0.92 * 0.95
                    then o.website || '/nastavnichestvo/ppn/' || x.year || '-' || lpad(x.n_pair::varchar, 3, '0')
                         || '.pdf' end as program_url,
               x.start_date, x.end_date, x.status,
               case when x.status = 'завершена' and u(x.idx, x.t, x.year, 'sat') < 0.9
                        then {_pick(_weighted((('3', 10), ('4', 35), ('5', 55))), "u(x.idx, x.t, x.year, 'satv')")}
                    when x.status = 'прервана' and u(x.idx, x.t, x.year, 'sat') < 0.7
                        then {_pick(_lit(('1', '2', '3')), "u(x.idx, x.t, x.year, 'satv')")} end::integer
                   as satisfaction
        from numbered x join b_orgs o using (idx)
        """,
        "drop table b_tp", "drop table b_sp",
    ]


def _roadmap_sql() -> str:
    lo = "case item " + " ".join(f"when {i} then {m[0]}" for i, m in demo.ROADMAP_DONE_MONTHS.items()) + " end"
    hi = "case item " + " ".join(f"when {i} then {m[1]}" for i, m in demo.ROADMAP_DONE_MONTHS.items()) + " end"
    comments = "case item " + " ".join(f"when {i} then '{c}'" for i, c in demo.ROADMAP_DONE_COMMENTS.items()) + " end"
    work = _lit(("Срок — декабрь", "Ожидается утверждение", "Готовится к размещению на сайте",
                 "Запланировано на ноябрь–декабрь"))
    return f"""
    create temp table b_roadmap as
    with f as (
        select o.idx, o.org_type, o.diligence, o.website, y.year, unnest(range(1, 12)) as item
        from b_orgs o cross join (values (2025), (2026)) y(year)
    ), p as (
        select *,
               case when item in (4, 8) then make_date(year, 10, 31) else make_date(year, 12, 31) end as due,
               least(make_date(year, 12, 31), snap(year) - 4) as last_done
        from f
    ), q as (
        select *,
               case when due <= snap(year) or year < {TODAY.year} then diligence + case when item = 8 then 0.05 else 0 end
                    when item = 7 then 0.1 else diligence * 0.65 end as p_done,
               u(idx, item, year, 'r') as r
        from p
    ), s as (
        select *,
               case when org_type = '{demo.DEPARTMENT}' and item in (3, 10) then 'dept'
                    when item = 8 and year not in (2026, 2028) then 'contest'
                    when r < p_done then 'выполнено'
                    when r < p_done + (1 - p_done) * 0.8 then 'в работе'
                    else 'не начато' end as st,
               make_date(year, case when item = 7 and due > snap(year) and year >= {TODAY.year} then 11 else {lo} end, 1)
                   as lo_day,
               least((make_date(year, case when item = 7 and due > snap(year) and year >= {TODAY.year} then 11
                                          else {hi} end, 1) + interval 1 month)::date - 1, last_done) as hi_day
        from q
    )
    select idx, year, item,
           case when st in ('dept', 'contest') then 'не требуется' else st end as status,
           case when st = 'выполнено' then day_in(least(lo_day, hi_day), hi_day, u(idx, item, year, 'dd')) end
               as done_date,
           case when st = 'выполнено' and u(idx, item, year, 'url') < 0.98
                then website || '/nastavnichestvo/' || year || '/punkt-' || item end as result_url,
           case st when 'dept' then 'Пункт выполняют образовательные организации'
                   when 'contest' then 'Конкурс проводится в 2026 и 2028 годах'
                   when 'выполнено' then case when u(idx, item, year, 'c') < 0.6 then
                        replace(replace({comments}, '{{n}}', (3 + floor(u(idx, item, year, 'n') * 247))::integer::varchar),
                                '{{k}}', (1 + floor(u(idx, item, year, 'k') * 8))::integer::varchar) end
                   when 'в работе' then case when u(idx, item, year, 'c') < 0.4
                        then {_pick(work, "u(idx, item, year, 'cw')")} end
                   else case when u(idx, item, year, 'c') < 0.5 then
                        case when year < {TODAY.year} then 'Перенесено на следующий год'
                             else 'Ответственный не назначен' end end end as comment
    from s
    """


def _partners_sql() -> list[str]:
    counts = {demo.SCHOOL: ((1, 15), (2, 35), (3, 30), (4, 20)), demo.KINDERGARTEN: ((0, 35), (1, 45), (2, 20)),
              demo.ADDITIONAL: ((1, 30), (2, 45), (3, 25))}
    n_case = "case o.org_type " + " ".join(
        f"when '{t}' then {_pick(_weighted((str(n), w) for n, w in c), 'u(o.idx, 0, 0, ' + repr('np') + ')')}::integer"
        for t, c in counts.items()) + " else 0 end"
    allowed = [(t, ptype) for t, w in demo.PARTNER_TYPE_WEIGHTS.items() for ptype, weight in w.items() if weight > 0]
    forms = "case partner_type " + " ".join(f"when '{k}' then {_lit(v)}" for k, v in demo.PARTICIPATION.items()) + " end"
    return [
        f"""
        create temp table b_ppool as
        with allowed(org_type, partner_type) as (values {", ".join(f"('{t}', '{p}')" for t, p in allowed)})
        select a.org_type, p.muni, p.j, p.name, p.partner_type, p.inn,
               row_number() over (partition by a.org_type, p.muni order by p.j) - 1 as r,
               count(*) over (partition by a.org_type, p.muni) as m
        from pool p join allowed a using (partner_type)
        """,
        f"""
        create temp table b_partners as
        with n as (
            select o.idx, o.org_type, o.muni, {n_case} as n25, floor(u(o.idx, 0, 0, 'pstart') * 16)::integer as start
            from b_orgs o where o.org_type <> '{demo.DEPARTMENT}'
        ), ny as (
            select *, 2025 as year, n25 as n from n
            union all
            select *, 2026, greatest(0, n25 + (u(idx, 0, 2026, 'padd') < 0.3 and org_type <> '{demo.KINDERGARTEN}'
                                                or (n25 = 0 and u(idx, 0, 2026, 'padd') < 0.3))::integer
                                          - (n25 > 0 and u(idx, 0, 2026, 'pdrop') < 0.1)::integer) from n
        ), links as (
            select idx, org_type, muni, year, n25, start, unnest(range(n)) as s from ny where n > 0
        )
        select l.idx, l.year, p.name, p.partner_type, p.inn, p.j,
               case when l.s < l.n25 then day_in(date '2019-09-01', date '2025-10-01', u(l.idx, p.j, 0, 'since'))
                    else day_in(make_date(l.year, 1, 15), make_date(l.year, 10, 1), u(l.idx, p.j, l.year, 'since'))
               end as since_date
        from links l join b_ppool p on p.org_type = l.org_type and p.muni = l.muni and p.r = (l.start + l.s) % p.m
        """,
        f"""
        create temp table b_partners2 as
        select idx, year, name, partner_type, inn,
               case when u(idx, j, 0, 'agr') < 0.8
                    then '№ ' || (1 + floor(u(idx, j, 0, 'agn') * 119))::integer || ' от '
                         || strftime(since_date, '%d.%m.%Y') end as agreement,
               case when a = b then ({forms})[a] else ({forms})[least(a, b)] || ', ' || ({forms})[greatest(a, b)] end
                   as participation_forms,
               case when partner_type in ('вуз', 'колледж (СПО)', 'предприятие (организация)', 'учреждение спорта')
                         and u(idx, j, year, 'pm') < 0.6 then floor(u(idx, j, year, 'pmn') * 4)::integer
                    else 0 end as mentors_count,
               since_date
        from (select *, 1 + floor(u(idx, j, 0, 'fa') * len({forms}))::integer as a,
                     1 + floor(u(idx, j, 0, 'fb') * len({forms}))::integer as b from b_partners)
        """,
        "drop table b_partners", "alter table b_partners2 rename to b_partners",
    ]


CALENDAR = (*demo.MUNICIPAL_EVENTS, demo.CONTEST_EVENT)  # the department's municipal events, as in the demo


def _events_sql() -> list[str]:
    cal_values = ", ".join(f"({n}, '{t}', '{k}', {a}, {b})" for n, (t, k, a, b) in enumerate(CALENDAR, start=1))
    contest = f"case org_type when '{demo.SCHOOL}' then 0.75 when '{demo.KINDERGARTEN}' then 0.45 else 0.6 end"
    own_titles = _lit(("Школа молодого педагога: занятие", "Мастер-класс наставника №",
                       "Педагогическая мастерская «Первые шаги в профессии», встреча"))
    info_titles = _lit(("Педагогический совет «Наставничество: итоги и планы»",
                        "Информационное совещание для молодых педагогов"))
    return [
        f"""
        create temp table b_cal as
        with defs(n, title, kind, m_lo, m_hi) as (values {cal_values}),
        munis as (select distinct muni from b_orgs),
        c as (
            select m.muni, y.year, d.*, make_date(y.year, d.m_lo, 5) as lo,
                   (make_date(y.year, d.m_hi, 1) + interval 1 month)::date - 5 as hi, snap(y.year) - 3 as last
            from munis m cross join (values (2025), (2026)) y(year) cross join defs d
            where d.kind <> 'конкурс' or y.year in (2026, 2028)
        )
        select muni, year, n, title, kind, day_in(lo, least(hi, last), u(muni, n, year, 'cal')) as event_date,
               case when kind = 'конкурс' then 12 + floor(u(muni, n, year, 'cp') * 10)
                    else 25 + floor(u(muni, n, year, 'cp') * 115) end::integer as participants
        from c where lo <= last
        """,
        f"""
        create temp table b_events as
        with o as (
            select *, y.year, least(make_date(y.year, 12, 20), snap(y.year) - 3) as last
            from b_orgs cross join (values (2025), (2026)) y(year)
        ), dept as (
            select o.idx, o.year, c.event_date, c.title, 'муниципальный' as level, c.kind, 'организатор' as role,
                   c.participants, null as result, o.website || '/news/' || o.year || '/' || c.n as url, c.n as e
            from o join b_cal c using (muni, year) where o.org_type = '{demo.DEPARTMENT}'
            union all
            select idx, year, day_in(make_date(year, 4, 10), make_date(year, 4, 30), u(idx, 0, year, 'forum')),
                   'Региональный форум «Наставничество: практики территорий»', 'региональный',
                   'представление практики', 'участник', 2 + floor(u(idx, 1, year, 'forum') * 4)::integer,
                   case when year % 2 = 1 then 'призёр' else 'участие' end, website || '/news/' || year || '/forum', 50
            from o where org_type = '{demo.DEPARTMENT}'
        ), own as (
            select idx, year, last, org_type, size, unnest(range(1 + floor(u(idx, 0, year, 'ni') * 2)::integer)) as k,
                   'информирование' as kind
            from o where org_type <> '{demo.DEPARTMENT}'
            union all
            select idx, year, last, org_type, size, unnest(range(1 + floor(u(idx, 0, year, 'nm') * 3)::integer)),
                   'для наставников и наставляемых'
            from o where org_type <> '{demo.DEPARTMENT}'
        ), orgs as (
            select idx, year,
                   day_in(case when kind = 'информирование' then make_date(year, 1, 20) else make_date(year, 2, 1) end,
                          last, u(idx, k, year, kind)) as event_date,
                   case when kind = 'информирование' then {info_titles}[1 + k % 2]
                        else {own_titles}[1 + k % 3] || ' ' || (k + 1) end as title,
                   'ОО' as level, kind, 'организатор' as role,
                   case when kind = 'информирование' then 8 + floor(u(idx, k, year, 'p') * greatest(1, size - 7))
                        else 4 + floor(u(idx, k, year, 'p') * 22) end::integer as participants,
                   null as result, 60 + k + (kind = 'информирование')::integer * 10 as e
            from own
            union all
            select o.idx, o.year, c.event_date, c.title, 'муниципальный', c.kind, 'участник',
                   case when c.kind = 'конкурс' then 1 + floor(u(o.idx, c.n, o.year, 'p') * 2)
                        else 1 + floor(u(o.idx, c.n, o.year, 'p') * 6) end::integer,
                   case when c.kind = 'конкурс'
                            then {_pick(_weighted((("участие", 60), ("призёр", 28), ("победитель", 12))),
                                        "u(o.idx, c.n, o.year, 'res')")}
                        when c.kind = 'представление практики' then 'участие' end, c.n
            from o join b_cal c using (muni, year)
            where o.org_type <> '{demo.DEPARTMENT}' and c.event_date <= o.last
              and u(o.idx, c.n, o.year, 'go') < case c.kind when 'конкурс' then {contest}
                                                            when 'представление практики' then 0.45 else 0.6 end
            union all
            select idx, year, day_in(make_date(year, 3, 1), last, u(idx, lv, year, 'pd')),
                   case lv when 1 then 'Региональный конкурс практик наставничества «Педагог — педагогу»'
                           else 'Всероссийский форум «Наставничество в образовании»' end,
                   case lv when 1 then 'региональный' else 'федеральный' end, 'представление практики', 'участник',
                   1 + floor(u(idx, lv, year, 'pp') * 3)::integer,
                   {_pick(_weighted((("участие", 60), ("призёр", 30), ("победитель", 10))),
                          "u(idx, lv, year, 'pr')")}, 40 + lv
            from o cross join (values (1), (2)) l(lv)
            where org_type <> '{demo.DEPARTMENT}'
              and u(idx, lv, year, 'pgo') < case when lv = 2 then 0.06
                                                when org_type = '{demo.KINDERGARTEN}' then 0.15 else 0.3 end
        )
        select * from dept
        union all
        select x.idx, x.year, x.event_date, x.title, x.level, x.kind, x.role, x.participants, x.result,
               case when u(x.idx, x.e, x.year, 'url') < 0.85
                    then b.website || '/news/' || x.year || '/' || x.e end as url, x.e
        from orgs x join b_orgs b using (idx)
        """,
    ]


def _students_sql() -> str:
    return f"""
    create temp table b_students as
    with s as (
        select o.idx, y.year, o.org_type,
               (select count(*) from b_staff t where t.idx = o.idx and t.year = y.year) as teachers,
               (select count(*) from b_mentorships p where p.idx = o.idx and p.year = y.year
                  and p.mentee_type = 'обучающийся' and p.status in ('в работе', 'завершена')) as student_pairs,
               (select count(*) from b_mentors m where m.idx = o.idx and m.year = y.year
                  and m.mentor_type = 'обучающийся') as peer_mentors
        from b_orgs o cross join (values (2025), (2026)) y(year)
        where o.org_type in ('{demo.SCHOOL}', '{demo.ADDITIONAL}')
    ), t as (
        select *, (teachers * case when org_type = '{demo.SCHOOL}' then 11 + 4 * u(idx, 0, year, 'ratio')
                                   else 20 + 10 * u(idx, 0, year, 'ratio') end)::integer as students_total
        from s
    ), a as (
        select *, (students_total * (0.5 + 0.1 * u(idx, 0, year, 'aged')))::integer as students_10_18 from t
    )
    select idx, year, students_total, students_10_18,
           least(students_10_18, student_pairs + 10 + floor(u(idx, 0, year, 'mentees') * 50)::integer)
               as mentee_students,
           least(students_total, peer_mentors + case when org_type = '{demo.SCHOOL}'
                                                     then 2 + floor(u(idx, 0, year, 'pm') * 13)::integer
                                                     else 0 end) as mentor_students
    from a
    """


# When each file of year Y is sent (ingest.demo._SENDING): month, first day, last day.
SENDING = demo._SENDING
SORT = {d: i for i, d in enumerate(("organizations", "staff", "mentors", "mentorships", "roadmap", "partners",
                                    "events", "students"))}


def _uploads_sql() -> list[str]:
    sending = ", ".join(f"('{d}', {m}, {a}, {b})" for d, (m, a, b) in SENDING.items())
    titles = ", ".join(f"('{d}', '{DATASETS[d].title}', {SORT[d]})" for d in SORT)
    counts = " union all ".join(
        f"select idx, year, '{d}' as dataset, count(*) as rows from b_{d} group by all"
        for d in ("staff", "mentors", "mentorships", "roadmap", "partners", "events", "students"))
    return [
        f"""
        create temp table b_files as
        with expected as (
            select o.idx, o.code, o.encoding, y.year, e.dataset,
                   case y.year when 2025 then o.gap_2025 else o.gap_2026 end as gap
            from b_orgs o cross join (values (2025), (2026)) y(year)
            join expected_datasets e on e.org_type = o.org_type
        ), counts as ({counts}),
        kept as (
            select x.*, coalesce(c.rows, 0) as rows from expected x left join counts c using (idx, year, dataset)
            where gap <> 'all' and gap <> dataset and not (gap = 'mentors' and dataset = 'mentorships')
              and (coalesce(c.rows, 0) > 0 or dataset in ('mentors', 'mentorships', 'events'))
        ), timed as (
            select k.*, s.month, s.first, s.last, t.title, t.sort,
                   u(k.idx, 0, k.year, 'late') < {demo.LATE_MENTORS_SHARE} as late_mentors
            from kept k join (values {sending}) s(dataset, month, first, last) using (dataset)
            join (values {titles}) t(dataset, title, sort) using (dataset)
        ), stamped as (
            select *, make_timestamp(year, case when dataset in ('mentors', 'mentorships') and late_mentors then 11
                                                else month end,
                                     case when dataset in ('mentors', 'mentorships') and late_mentors
                                          then 3 + floor(u(idx, 1, year, 'day') * 18)
                                          else first + floor(u(idx, sort, year, 'day') * (last - first + 1))
                                     end::bigint,
                                     (8 + floor(u(idx, sort, year, 'h') * 10))::bigint,
                                     floor(u(idx, sort, year, 'mi') * 60)::bigint, 0)
                      + case when dataset = 'mentorships' then interval 1 day else interval 0 day end as sent
            from timed
        )
        select idx, code, year, dataset, title, sort, encoding, rows,
               least(sent, {NOW} - to_hours(1 + floor(u(idx, sort, year, 'clip') * 71)::integer)) as uploaded_at,
               u(idx, sort, year, 'rej') < 0.03 as had_rejected,
               case when u(idx, sort, year, 'warn') < 0.05 then 1 + floor(u(idx, sort, year, 'nw') * 3)::integer
                    else 0 end as warnings
        from stamped
        """,
        """
        create temp table b_uploads as
        with attempts as (
            select '*' as code, 0 as year, 'organizations' as dataset, 'Организации' as title, 0 as sort,
                   'utf-8-sig' as encoding, (select count(*) from b_orgs) as rows,
                   timestamp '2025-01-15 10:00:00' as uploaded_at, 'loaded' as outcome, 0 as warnings, -1 as idx
            union all
            select code, year, dataset, title, sort, encoding, rows, uploaded_at, 'loaded', warnings, idx from b_files
            union all
            select code, year, dataset, title, sort, encoding, rows,
                   uploaded_at - to_hours(1 + floor(u(idx, sort, year, 'rh') * 47)::integer), 'rejected', 0, idx
            from b_files where had_rejected
        )
        select row_number() over (order by uploaded_at, idx, sort, outcome desc) as upload_id, *,
               case when outcome = 'rejected' then 1 + floor(u(idx, sort, year, 'ne') * 5)::integer else 0 end
                   as error_count
        from attempts
        """,
        """
        insert into uploads
        select upload_id, dataset, code, year, outcome, case when outcome = 'loaded' then 1 end as version,
               case when dataset = 'organizations' then 'Реестр_организаций.csv'
                    else title || '_' || code || '_' || year || '.csv' end as file_name,
               md5(upload_id::varchar || dataset) || md5(code || year) as sha256,
               60 + rows * case dataset when 'staff' then 70 when 'mentorships' then 190 when 'events' then 180
                                        when 'roadmap' then 120 when 'students' then 40 else 110 end as size_bytes,
               encoding, ';' as delimiter, rows, error_count, warnings as warning_count,
               null as replaced_upload_id, null as restored_from, 'bench' as uploaded_by, uploaded_at,
               null as message
        from b_uploads
        """,
        """
        insert into snapshots
        select dataset, code, year, upload_id, uploaded_at from b_uploads where outcome = 'loaded'
        """,
        """
        insert into upload_issues
        select upload_id, case when outcome = 'rejected' then 'error' else 'warning' end,
               2 + floor(u(upload_id, i, 0, 'row') * greatest(rows, 1))::integer,
               case when outcome = 'rejected' then 'Возраст' else 'Статус' end,
               case when outcome = 'rejected' then 'тридцать' else 'выполнено' end,
               case when outcome = 'rejected' then 'целое число от 18 до 80'
                    else 'ссылка на размещённый результат (сайт ОО или УО)' end,
               case when outcome = 'rejected' then 'Не целое число'
                    else 'Статус «выполнено» без ссылки на результат' end
        from (select *, unnest(range(greatest(error_count, warnings))) as i from b_uploads)
        """,
    ]


def _raw_sql() -> list[str]:
    def insert(dataset: str, columns: str, order: str) -> str:
        return f"""
        insert into raw_{dataset} by name
        select u.upload_id, (row_number() over (partition by u.upload_id order by {order}) + 1)::integer as row_no,
               {columns}
        from b_{dataset} x join b_uploads u on u.idx = x.idx and u.year = x.year and u.dataset = '{dataset}'
                                            and u.outcome = 'loaded'
        """
    return [
        """
        insert into raw_organizations by name
        select (select upload_id from b_uploads where dataset = 'organizations') as upload_id,
               (idx + 2)::integer as row_no, code as org_code, full_name, short_name, org_type, municipality, inn,
               website
        from b_orgs
        """,
        insert("staff", "x.teacher_id, x.position, x.age, x.years_in_org, x.teaching_years, x.qualification, "
                        "x.has_difficulties, x.is_new", "x.t"),
        insert("mentors", "x.mentor_id, x.full_name, x.mentor_type, x.teacher_id, x.workplace, x.mentors_whom, "
                          "x.trained, x.order_date", "x.sort_key"),
        insert("mentorships", "x.pair_id, x.mentor_id, x.mentee_type, x.mentee_id, x.mentee_category, x.form, "
                              "x.has_program, x.program_url, x.start_date, x.end_date, x.status, x.satisfaction",
               "x.pair_id"),
        insert("roadmap", "x.item, x.status, x.done_date, x.result_url, x.comment", "x.item"),
        insert("partners", "x.name, x.partner_type, x.inn, x.agreement, x.participation_forms, x.mentors_count, "
                           "x.since_date", "x.partner_type, x.name"),
        insert("events", "x.event_date, x.title, x.level, x.kind, x.role, x.participants, x.result, x.url",
               "x.event_date, x.title"),
        insert("students", "x.students_total, x.students_10_18, x.mentee_students, x.mentor_students", "x.idx"),
    ]


def check_values(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Every enumerated column holds only the allowed values of ``ingest/schemas``; teachers 21-66."""
    problems = []
    for name, ds in DATASETS.items():
        for f in ds.fields:
            if f.kind != ENUM:
                continue
            bad = conn.execute(f"select distinct {f.name} from raw_{name} where {f.name} is not null "
                               f"and not list_contains(?, {f.name})", [list(f.choices)]).fetchall()
            if bad:
                problems.append(f"raw_{name}.{f.name}: {[b[0] for b in bad]}")
    lo, hi = conn.execute("select min(age), max(age) from raw_staff").fetchone()
    if lo < 21 or hi > 66:
        problems.append(f"ages {lo}-{hi}")
    orphans = conn.execute("""
        select count(*) from stg_mentorships p
        where not exists (select 1 from stg_mentors m where m.org_code = p.org_code and m.year = p.year
                          and m.mentor_id = p.mentor_id)
           or (p.mentee_type = 'педагог' and not exists (select 1 from stg_staff s where s.org_code = p.org_code
                          and s.year = p.year and s.teacher_id = p.mentee_id))
        """).fetchone()[0]
    if orphans:
        problems.append(f"{orphans} pairs whose mentor or teacher mentee is not in the organization's files")
    return problems


def build(path: str | Path, n_orgs: int, seed: int = 2025, log=print) -> dict:
    """Create a new warehouse at ``path`` holding ``n_orgs`` organizations; return its row counts."""
    path = Path(path)
    for f in (path, path.with_name(path.name + ".wal")):
        f.unlink(missing_ok=True)
    started = time.perf_counter()
    orgs, pool = _organizations(n_orgs, seed)
    conn = db.connect(path)
    try:
        settings.put(conn, "demo", "true")
        conn.register("orgs_df", orgs)
        conn.register("pool_df", pool)
        conn.execute("create temp table b_orgs as select * from orgs_df")
        conn.execute("create temp table pool as select * from pool_df")
        conn.unregister("orgs_df")
        conn.unregister("pool_df")
        steps = [*_macros(seed), *_staff_sql(), *_mentors_sql(), *_pairs_sql(), _roadmap_sql(),
                 *_partners_sql(), *_events_sql(), _students_sql(), *_uploads_sql()]
        for sql in steps:
            try:
                conn.execute(sql)
            except duckdb.Error as exc:
                raise RuntimeError(f"{exc}\nin:\n{sql}") from None
        log(f"  generated in {time.perf_counter() - started:.1f} s")
        conn.execute("begin transaction")
        for sql in _raw_sql():
            conn.execute(sql)
        # The next real upload gets the next id (the sequence cannot be set: recreate it).
        next_id = conn.execute("select max(upload_id) + 1 from uploads").fetchone()[0]
        conn.execute("drop sequence upload_id_seq")
        conn.execute(f"create sequence upload_id_seq start {next_id}")
        facts.rebuild(conn)   # what every upload keeps current, computed here once for the bulk rows
        conn.execute("commit")
        # The app asks for a login: the demo's department accounts (no coordinators: their
        # organizations are the city's).
        for login, name, role, org, password in demo.DEMO_ACCOUNTS:
            if org is None:
                accounts.create_user(conn, login, name, role, password, by="bench")
        problems = check_values(conn)
        if problems:
            raise RuntimeError("generated values outside the schemas: " + "; ".join(problems))
        counts = {t: conn.execute(f"select count(*) from {t}").fetchone()[0]
                  for t in ("raw_organizations", "raw_staff", "raw_mentors", "raw_mentorships", "raw_roadmap",
                            "raw_partners", "raw_events", "raw_students", "uploads", "snapshots", "upload_issues")}
        counts["teachers_2025"] = conn.execute("select count(*) from stg_staff where year = 2025").fetchone()[0]
        conn.execute("checkpoint")
    except BaseException:
        conn.close()
        for f in (path, path.with_name(path.name + ".wal")):
            f.unlink(missing_ok=True)
        raise
    conn.close()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scale", help="region, nation or a number of organizations")
    ap.add_argument("path")
    ap.add_argument("--seed", type=int, default=2025)
    args = ap.parse_args(argv)
    n = demo.SCALES.get(args.scale) or int(args.scale)
    print(build(args.path, n, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
