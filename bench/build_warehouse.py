"""Bulk builder of region- and nation-sized warehouses for the page benchmark (bench/bench_pages.py).

    python bench/build_warehouse.py nation bench/out/nation.duckdb [--seed 2025] [--workers N]

The rows are the demo world's: ``ingest.demo.tables`` runs the same generator whose city goes
through ingest as files (``ingest.demo.build_demo``), at region (700 organizations) or national
scale (42,000 organizations, about 1.3 million teachers a year, 2025 and 2026), in one worker
process per CPU. Why not through ingest: the real path reads, validates and loads every file, about
39 ms a file, and the nation is about 580,000 files (hours). The pages read only what the warehouse
holds, so this builder inserts the rows where the loader would have put them: ``uploads``,
``snapshots``, ``upload_issues``, ``raw_*`` (each file's rows under its upload, numbered as the
file's rows), the registry as a snapshot under organization «*», year 0; then ``facts.rebuild``
computes the fact tables every upload keeps current. The warehouse itself is created by
``warehouse.db.connect`` (migrations, views), like any other. A test builds a small world both
ways and finds the same rows (``tests/test_demo.py``).

What only this builder adds, so that the uploads and monitoring pages have at scale what a real year
would give them: about 3 % of files had a rejected attempt first (with its errors) and about 5 % of
loaded files carry 1–3 warnings. These are upload records, not rows; their draws are ``hash()`` of
the file's key and the seed, so a build is deterministic.

Accounts: the demo's department accounts (``ingest/demo/accounts.csv`` without the coordinators,
whose organizations are the city's), so that the app's login works as on the city demo.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import pyarrow as pa

from ingest import demo
from ingest.schemas import DATASETS
from warehouse import accounts, db, facts, settings

REGISTRY = ("*", 0)                  # the loader keeps the registry's snapshot under organization «*», year 0
ENCODINGS = {"cp1251": "cp1251", "utf8bom": "utf-8-sig"}


def _uploads_sql(seed: int) -> list[str]:
    titles = ", ".join(f"('{d}', '{DATASETS[d].title}')" for d in demo.ORG_DATASETS)
    encodings = ", ".join(f"('{habit}', '{enc}')" for habit, enc in ENCODINGS.items())
    return [
        # u(file, tag): a uniform draw in [0, 1) from the file's key
        f"create or replace temp macro u(org_code, year, dataset, tag) as "
        f"(hash(org_code, year, dataset, tag, {seed}) % 1000003)::double / 1000003",
        f"""
        create temp table b_uploads as
        with files as (
            select '{REGISTRY[0]}' as org_code, {REGISTRY[1]} as year, 'organizations' as dataset,
                   'utf8bom' as habit, (select count(*) from b_organizations) as rows,
                   timestamp '{demo.world.REGISTRY_SENT}' as uploaded_at
            union all
            select org_code, year, dataset, habit, rows, uploaded_at from b_files
        ), attempts as (
            select *, 'loaded' as outcome from files
            union all
            select org_code, year, dataset, habit, rows,
                   uploaded_at - to_hours(1 + floor(u(org_code, year, dataset, 'rh') * 47)::integer), 'rejected'
            from files where dataset <> 'organizations' and u(org_code, year, dataset, 'rej') < 0.03
        )
        select row_number() over (order by uploaded_at, org_code, dataset, outcome desc) as upload_id, *,
               case when outcome = 'rejected' then 1 + floor(u(org_code, year, dataset, 'ne') * 5)::integer
                    else 0 end as error_count,
               case when outcome = 'loaded' and dataset <> 'organizations'
                         and u(org_code, year, dataset, 'warn') < 0.05
                    then 1 + floor(u(org_code, year, dataset, 'nw') * 3)::integer else 0 end as warning_count
        from attempts
        """,
        f"""
        insert into uploads by name
        select upload_id, dataset, org_code, year, outcome, case when outcome = 'loaded' then 1 end as version,
               case when dataset = 'organizations' then 'Реестр_организаций.csv'
                    else t.title || '_' || org_code || '_' || year || '.csv' end as file_name,
               md5(upload_id::varchar || dataset) || md5(org_code || year) as sha256,
               60 + rows * case dataset when 'staff' then 70 when 'mentorships' then 190 when 'events' then 180
                                        when 'roadmap' then 120 when 'students' then 40 else 110 end as size_bytes,
               e.encoding, ';' as delimiter, rows, error_count, warning_count, 'demo' as uploaded_by, uploaded_at
        from b_uploads left join (values {titles}) t(dataset, title) using (dataset)
        join (values {encodings}) e(habit, encoding) using (habit)
        """,
        "insert into snapshots select dataset, org_code, year, upload_id, uploaded_at from b_uploads "
        "where outcome = 'loaded'",
        """
        insert into upload_issues
        select upload_id, case when outcome = 'rejected' then 'error' else 'warning' end,
               2 + floor(u(org_code, year, dataset, 'row' || i) * greatest(rows, 1))::integer,
               case when outcome = 'rejected' then 'Возраст' else 'Статус' end,
               case when outcome = 'rejected' then 'тридцать' else 'выполнено' end,
               case when outcome = 'rejected' then 'целое число от 18 до 80'
                    else 'ссылка на размещённый результат (сайт ОО или УО)' end,
               case when outcome = 'rejected' then 'Не целое число'
                    else 'Статус «выполнено» без ссылки на результат' end
        from (select *, unnest(range(greatest(error_count, warning_count))) as i from b_uploads)
        """,
    ]


def _raw_sql() -> list[str]:
    """Each file's rows under its loaded upload, as ``snapshots.write`` stores them."""
    registry = """
        insert into raw_organizations by name
        select (select upload_id from b_uploads where dataset = 'organizations') as upload_id, *
        from b_organizations
        """
    return [registry, *(f"""
        insert into raw_{d} by name
        select u.upload_id, x.* exclude (org_code, year)
        from b_{d} x join b_uploads u using (org_code, year)
        where u.dataset = '{d}' and u.outcome = 'loaded'
        """ for d in demo.ORG_DATASETS)]


def build(path: str | Path, n_orgs: int, seed: int = 2025, log=print, workers: int | None = None) -> dict:
    """Create a new warehouse at ``path`` holding ``n_orgs`` organizations; return its row counts."""
    path = Path(path)
    for f in (path, path.with_name(path.name + ".wal")):
        f.unlink(missing_ok=True)
    started = time.perf_counter()
    parts = demo.table_parts(n_orgs, seed, workers=workers)
    registry = next(parts)["organizations"]      # the workers start here, before DuckDB's threads exist
    conn = db.connect(path)
    try:
        settings.put(conn, "demo", "true")
        # Staging tables typed like the raw tables (a part's column can be all empty, hence untyped).
        conn.execute("create temp table b_organizations as select * exclude (upload_id) from raw_organizations "
                     "limit 0")
        for d in demo.ORG_DATASETS:
            conn.execute(f"create temp table b_{d} as select ''::varchar as org_code, 0::integer as year, "
                         f"* exclude (upload_id) from raw_{d} limit 0")
        conn.execute("create temp table b_files (org_code varchar, year integer, dataset varchar, habit varchar, "
                     "rows integer, uploaded_at timestamp)")
        registry = registry.append_column("row_no", pa.array(range(2, registry.num_rows + 2)))
        for part in itertools.chain([{"organizations": registry}], parts):   # stored as they come: memory stays low
            for name, table in part.items():
                conn.register("arrow_rows", table)
                conn.execute(f"insert into b_{name} by name select * from arrow_rows")
                conn.unregister("arrow_rows")
        log(f"  generated in {time.perf_counter() - started:.1f} s")
        conn.execute("begin transaction")
        for sql in [*_uploads_sql(seed), *_raw_sql()]:
            conn.execute(sql)
        # The next real upload gets the next id (the sequence cannot be set: recreate it).
        next_id = conn.execute("select max(upload_id) + 1 from uploads").fetchone()[0]
        conn.execute("drop sequence upload_id_seq")
        conn.execute(f"create sequence upload_id_seq start {next_id}")
        facts.rebuild(conn)   # what every upload keeps current, computed here once for the bulk rows
        conn.execute("commit")
        for login, name, role, org, password in demo.DEMO_ACCOUNTS:
            if org is None:
                accounts.create_user(conn, login, name, role, password, by="bench")
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
    ap.add_argument("--workers", type=int, help="processes that simulate organizations (default: one per CPU)")
    args = ap.parse_args(argv)
    n = demo.SCALES.get(args.scale) or int(args.scale)
    print(build(args.path, n, args.seed, workers=args.workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
