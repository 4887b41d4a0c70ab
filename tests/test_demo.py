"""The demo warehouse: built from generated files through the real loader, and shaped so that every
figure of DOMAIN.md has something to show (gaps, uncovered young teachers, warnings included).

The city demo is built once per module (about 10 s); the command-line test builds it a second time
in a subprocess and doubles as the determinism check of a whole build.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.demo import (
    DEMO_ACCOUNTS,
    DEPARTMENT,
    ORG_DATASETS,
    build_demo,
    generate_files,
    make_inn,
    org_years,
    plan,
    tables,
)
from ingest.schemas import DATASETS
from ingest.schemas.base import inn_is_valid
from warehouse import db

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ORG_TYPES = {"общеобразовательная", "дошкольная", "дополнительного образования", "орган управления образованием"}

# Coverage of young teachers (DOMAIN.md): young = under 35 with at most 3 years in the organization;
# covered = mentee of a pair «в работе» or «завершена» in the same organization and year.
COVERAGE_SQL = """
    with young as (
        select org_code, year, teacher_id from stg_staff where age < 35 and years_in_org <= 3
    ), covered as (
        select distinct org_code, year, mentee_id as teacher_id from stg_mentorships
        where mentee_type = 'педагог' and status in ('в работе', 'завершена')
    )
    select y.org_code, y.year, count(*) as young, count(c.teacher_id) as covered
    from young y left join covered c using (org_code, year, teacher_id)
    group by all
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    return path, build_demo(path)


@pytest.fixture(scope="module")
def conn(demo):
    c = db.connect(demo[0], read_only=True)
    yield c
    c.close()


def rows(conn, sql: str, params=None) -> list[tuple]:
    return conn.execute(sql, params or []).fetchall()


def one(conn, sql: str, params=None):
    return conn.execute(sql, params or []).fetchone()[0]


def test_summary_is_russian_and_counts_what_was_loaded(demo, conn):
    _, summary = demo
    assert summary.startswith("организаций: 26, педагогов: ")
    teachers = one(conn, "select count(*) from stg_staff where year = 2025")
    assert f"педагогов: {teachers:,}".replace(",", " ") in summary


def test_organizations_of_the_four_types_clearly_marked(conn):
    orgs = rows(conn, "select org_code, full_name, short_name, org_type, website, inn from organizations")
    assert 25 <= len(orgs) <= 27
    assert {o[3] for o in orgs} == ORG_TYPES
    by_type = {t: sum(o[3] == t for o in orgs) for t in ORG_TYPES}
    assert by_type == {"общеобразовательная": 8, "дошкольная": 15, "дополнительного образования": 2,
                       "орган управления образованием": 1}
    assert ("УО", DEPARTMENT) in {(o[0], o[3]) for o in orgs}
    for code, full, short, _, site, inn in orgs:
        assert full.startswith("[ДЕМО]") and short.endswith(" (демо)"), code
        assert site.startswith("https://") and site.endswith(".example.ru"), site
        assert inn_is_valid(inn), (code, inn)


def test_teachers_are_plausible(conn):
    n, lo, hi, young, diff = conn.execute(
        "select count(*), min(age), max(age), avg((age < 35 and years_in_org <= 3)::int), "
        "avg(has_difficulties::int) from stg_staff where year = 2025").fetchone()
    assert 1000 <= n <= 1400
    assert lo >= 21 and hi <= 66
    assert 0.15 <= young <= 0.20
    assert 0.05 <= diff <= 0.08
    # Kindergartens' and schools' teachers; the department has none.
    assert one(conn, "select count(*) from stg_staff where org_code = 'УО'") == 0
    assert one(conn, "select count(*) from stg_staff where years_in_org > age - 14 or teaching_years > age - 14") == 0


def test_every_upload_loaded_in_all_three_formats(conn):
    outcomes = dict(rows(conn, "select outcome, count(*) from uploads group by all"))
    assert set(outcomes) == {"loaded"}
    assert outcomes["loaded"] > 250
    assert one(conn, "select count(*) from uploads where uploaded_by <> 'demo'") == 0
    # Warnings exist (overloaded mentors, long programmes, a done item without a link) but are few.
    warned = one(conn, "select count(*) from uploads where warning_count > 0")
    assert 1 <= warned <= 30
    assert one(conn, "select count(*) from uploads where error_count > 0") == 0
    formats = {(enc, name.rsplit(".", 1)[1]) for enc, name in rows(conn, "select encoding, file_name from uploads")}
    assert {("cp1251", "csv"), ("utf-8-sig", "csv"), (None, "xlsx")} <= formats
    cp1251 = one(conn, "select count(*) from uploads where encoding = 'cp1251'")
    assert cp1251 > outcomes["loaded"] / 2


def test_demo_flag_is_set(conn):
    assert one(conn, "select value from settings where key = 'demo'") == "true"


def test_gaps_on_purpose(conn):
    silent_2026 = rows(conn, """
        select org_code from uploads where year = 2025
        except select org_code from uploads where year = 2026""")
    assert silent_2026, "at least one organization uploads nothing for 2026"
    # Staff for 2026 but no mentor base: then no mentorships either.
    no_mentors = rows(conn, """
        select org_code from stg_staff where year = 2026
        except select org_code from stg_mentors where year = 2026""")
    assert no_mentors
    assert one(conn, "select count(*) from stg_mentorships where year = 2026 and org_code in "
                     "(select unnest(?::varchar[]))", [[r[0] for r in no_mentors]]) == 0
    # Some kindergartens have no partners at all.
    assert one(conn, """select count(*) from organizations o where org_type = 'дошкольная'
                        and not exists (select 1 from stg_partners p where p.org_code = o.org_code)""") >= 1


def test_young_teacher_coverage_varies(conn):
    coverage = rows(conn, COVERAGE_SQL)
    y2025 = [(org, young, covered) for org, year, young, covered in coverage if year == 2025]
    assert sum(young - covered for _, young, covered in y2025) >= 1, "some young teacher is uncovered"
    assert any(young == covered for _, young, covered in y2025), "some organization covers every young teacher"
    shares = [covered / young for _, young, covered in y2025]
    assert min(shares) < 0.6 and max(shares) == 1.0
    city = sum(c for *_, c in y2025) / sum(y for _, y, _ in y2025)
    assert 0.7 <= city <= 0.95


def test_roadmap_items(conn):
    # Every organization that reports the roadmap reports all 11 items.
    assert rows(conn, "select distinct count(*) from stg_roadmap group by org_code, year") == [(11,)]
    assert one(conn, "select count(distinct org_code) from stg_roadmap where year = 2025") == 26
    # Item 8 (the contest «Педагог-наставник») runs in 2026 only.
    assert rows(conn, "select distinct status from stg_roadmap where year = 2025 and item = 8") == [("не требуется",)]
    done_2026 = rows(conn, "select status, month(done_date) from stg_roadmap where year = 2026 and item = 8")
    assert sum(s == "выполнено" for s, _ in done_2026) > len(done_2026) / 2
    assert {m for s, m in done_2026 if s == "выполнено"} == {10}
    # The department does not report the organizations' own items 3 and 10.
    dept = dict(rows(conn, "select item, status from stg_roadmap where org_code = 'УО' and year = 2025"))
    assert dept[3] == dept[10] == "не требуется"
    assert all(dept[i] != "не требуется" for i in (1, 2, 4, 5, 6, 7, 9, 11))
    # Done items have a date inside the year (not after the demo's today) and mostly a link.
    assert one(conn, """select count(*) from stg_roadmap where status = 'выполнено'
                        and (year(done_date) <> year or done_date > date '2026-11-24')""") == 0
    assert one(conn, "select count(*) from stg_roadmap where status = 'не начато'") >= 3
    # 2026 is in progress: more items «в работе» than in the finished 2025.
    in_work = dict(rows(conn, "select year, avg((status = 'в работе')::int) from stg_roadmap group by year"))
    assert in_work[2026] > in_work[2025]


def test_mentors_and_mentorships_hold_together(conn):
    types = dict(rows(conn, "select mentor_type, count(*) from stg_mentors where year = 2025 group by all"))
    assert types["педагог"] > sum(v for k, v in types.items() if k != "педагог")
    assert {"студент", "представитель работодателя", "обучающийся"} <= set(types)
    # Teacher mentors are teachers of the same organization and year, never young ones.
    assert one(conn, """select count(*) from stg_mentors m left join stg_staff s using (org_code, year, teacher_id)
                        where m.mentor_type = 'педагог' and (s.teacher_id is null
                              or (s.age < 35 and s.years_in_org <= 3))""") == 0
    # Student mentors only in schools.
    assert rows(conn, """select distinct o.org_type from stg_mentors m join organizations o using (org_code)
                         where mentor_type = 'обучающийся'""") == [("общеобразовательная",)]
    # Teacher mentees exist in staff; student mentees have no ID; dates are ordered.
    assert one(conn, """select count(*) from stg_mentorships p left join stg_staff s
                        on s.org_code = p.org_code and s.year = p.year and s.teacher_id = p.mentee_id
                        where p.mentee_type = 'педагог' and s.teacher_id is null""") == 0
    assert one(conn, "select count(*) from stg_mentorships where mentee_type = 'обучающийся' "
                     "and (mentee_id is not null or mentee_category <> 'обучающийся')") == 0
    assert one(conn, "select count(*) from stg_mentorships where end_date < start_date") == 0
    # Some teachers with difficulties are mentees in that category.
    assert one(conn, """select count(*) from stg_mentorships p join stg_staff s
                        on s.org_code = p.org_code and s.year = p.year and s.teacher_id = p.mentee_id
                        where s.has_difficulties
                        and p.mentee_category = 'педагог с профессиональными затруднениями'""") >= 5
    # A couple of mentors carry more than 3 active mentees (a warning, still loaded).
    heavy = rows(conn, """select org_code, year, mentor_id from stg_mentorships where status = 'в работе'
                          group by all having count(*) > 3""")
    assert 1 <= len(heavy) <= 6
    # Teacher programmes: mostly with a ППН and its link.
    with_program = one(conn, "select avg((has_program and program_url is not null)::int) from stg_mentorships "
                             "where mentee_type = 'педагог'")
    assert with_program > 0.8
    # Pairs carried into 2026 keep their ID and are finished by then.
    carried = rows(conn, """select a.status, b.status from stg_mentorships a join stg_mentorships b
                            using (org_code, pair_id) where a.year = 2025 and b.year = 2026""")
    assert carried and {s for s, _ in carried} <= {"в работе"} and {"завершена"} <= {s for _, s in carried}


def test_mentor_names_are_full_russian_names(conn):
    names = [r[0].split() for r in rows(conn, "select full_name from stg_mentors")]
    assert all(len(n) == 3 for n in names)
    female = [n for n in names if n[2].endswith(("вна", "чна"))]
    assert 0.5 < len(female) / len(names) < 0.95
    same_for_both = {"Коваленко", "Шевчук", "Бондаренко"}
    assert all(n[0].endswith(("а", "я")) or n[0] in same_for_both for n in female)
    assert all(not n[0].endswith(("а", "я")) for n in names if n[2].endswith("ич"))


def test_partners_events_students(conn):
    inns = [r[0] for r in rows(conn, "select inn from stg_partners where inn is not null")]
    assert inns and all(inn_is_valid(i) for i in inns)
    assert {len(i) for i in inns} <= {10, 12}
    per_school = [r[0] for r in rows(conn, """select count(*) from stg_partners p join organizations o using (org_code)
                                               where org_type = 'общеобразовательная' group by org_code, year""")]
    assert min(per_school) >= 1 and max(per_school) <= 5
    assert one(conn, "select count(*) from stg_events where year(event_date) <> year") == 0
    contest = rows(conn, "select distinct result from stg_events where year = 2026 and kind = 'конкурс «Педагог-наставник»' "
                         "and role = 'участник'")
    assert {"участие", "призёр"} <= {r[0] for r in contest}
    assert one(conn, "select count(*) from stg_events where kind like 'конкурс%' and year = 2025") == 0
    assert one(conn, "select count(*) from stg_events where level in ('региональный', 'федеральный') "
                     "and kind = 'представление практики'") >= 3
    types = {r[0] for r in rows(conn, "select distinct org_type from stg_students join organizations using (org_code)")}
    assert types == {"общеобразовательная", "дополнительного образования"}
    assert one(conn, """select count(*) from stg_students where students_10_18 > students_total
                        or mentee_students > students_10_18 or mentor_students > students_total""") == 0


def test_generated_files_are_deterministic_and_depend_on_the_seed():
    def files(seed):
        return [(d, o, y, n, b) for d, o, y, n, b in generate_files(40, seed)]

    first = files(7)
    assert first == files(7)
    assert first != files(8)
    assert first[0][0] == "organizations" and first[0][1:3] == (None, None)
    # Per organization and year, referenced datasets come first.
    order = ["staff", "mentors", "mentorships", "roadmap", "partners", "events", "students"]
    seen: dict[tuple, list[str]] = {}
    for d, o, y, _, _ in first[1:]:
        seen.setdefault((o, y), []).append(d)
    assert all(ds == sorted(ds, key=order.index) for ds in seen.values())


def test_make_inn_gives_valid_numbers():
    import numpy as np

    rng = np.random.default_rng(1)
    for _ in range(50):
        assert inn_is_valid(make_inn(rng))
        assert inn_is_valid(make_inn(rng, "7203", twelve=True))


def test_unknown_scale_is_refused():
    with pytest.raises(ValueError, match="Неизвестный масштаб"):
        next(generate_files("galaxy"))


@pytest.mark.slow
def test_cli_builds_the_same_warehouse_and_refuses_to_overwrite(tmp_path, conn):
    target = tmp_path / "cli.duckdb"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    cmd = [sys.executable, "-m", "warehouse", "demo", "--db", str(target)]
    done = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Демонстрационное хранилище создано" in done.stdout and "организаций: 26" in done.stdout
    assert not target.with_name(target.name + ".wal").exists()

    other = db.connect(target, read_only=True)
    try:
        for sql in ("select * from stg_staff order by all",
                    "select org_code, year, mentor_id, full_name from stg_mentors order by all",
                    "select * exclude (row_no) from stg_mentorships order by all"):
            assert other.execute(sql).fetchall() == conn.execute(sql).fetchall(), sql
    finally:
        other.close()

    again = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 2
    assert "--force" in again.stderr


def test_build_refuses_a_warehouse_another_process_holds(tmp_path):
    target = tmp_path / "held.duckdb"
    db.connect(target).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
                               "sys.stdin.read()", str(target)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(db.WarehouseLocked):
            build_demo(target)
        assert target.exists()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_rows_are_keyed_by_the_declared_fields():
    for _, _, by_dataset in org_years(plan(30, 3), 3):
        for dataset, rows in by_dataset.items():
            declared = {f.name for f in DATASETS[dataset].fields}
            assert all(row.keys() <= declared for row in rows), dataset


def test_tables_are_the_same_rows_in_any_number_of_processes():
    one, two = tables(90, 5, workers=1), tables(90, 5, workers=2)
    assert set(one) == {"organizations", "files", *ORG_DATASETS}
    for name in one:
        assert one[name].to_pylist() == two[name].to_pylist(), name
    assert one["organizations"].num_rows == 90
    assert set(one["files"].column("dataset").to_pylist()) == set(ORG_DATASETS)
    assert set(one["staff"].column("year").to_pylist()) == {2025, 2026}


@pytest.mark.slow
def test_the_bench_bulk_insert_holds_the_rows_ingest_loads(tmp_path):
    """One world: the benchmark's bulk builder and the real loader store the same rows, the same files
    and the same upload times for the same organizations (the bench adds only rejected attempts)."""
    spec = importlib.util.spec_from_file_location("build_warehouse", PROJECT_ROOT / "bench" / "build_warehouse.py")
    build_warehouse = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_warehouse)
    build_demo(tmp_path / "ingest.duckdb", 6)
    build_warehouse.build(tmp_path / "bulk.duckdb", 6, log=lambda _: None, workers=1)
    loaded, bulk = (db.connect(tmp_path / f"{name}.duckdb", read_only=True) for name in ("ingest", "bulk"))
    try:
        for view in ("organizations", *(f"stg_{d}" for d in ORG_DATASETS)):
            sql = f"select * from {view} order by all"
            assert loaded.execute(sql).fetchall() == bulk.execute(sql).fetchall(), view
        for sql in ("select dataset, org_code, year, updated_at from snapshots order by all",
                    "select dataset, org_code, year, rows, uploaded_at from uploads where outcome = 'loaded' "
                    "order by all",
                    "select login, role, org_code from users order by all"):
            assert loaded.execute(sql).fetchall() == bulk.execute(sql).fetchall(), sql
    finally:
        loaded.close()
        bulk.close()


def test_demo_accounts_are_data_listed_in_the_readme(conn):
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for login, _, _, _, password in DEMO_ACCOUNTS:
        assert f"| `{login}` | `{password}` |" in readme
    assert {r[0] for r in rows(conn, "select login from users")} == {a[0] for a in DEMO_ACCOUNTS}
