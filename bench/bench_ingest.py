"""Benchmark: a national-scale staff file through read, validation and load, beside DuckDB's read_csv.

    python bench/bench_ingest.py [--rows 1300000] [--repeat 3]

The file: 1.3 million teachers (the nation), cp1251, «;», Cyrillic IDs («П-0000001»), as Excel
saves it. The same rows as UTF-8 go to DuckDB's own ``read_csv``, which loads them into a table:
once into an in-memory database and once into a database file (our warehouse is a file, so that
is the like-for-like figure; both are shown).

Each measurement runs in a fresh subprocess so that its peak memory (max RSS) is its own; the
median of ``--repeat`` runs is reported. The goal (issue "data spine"): ours within 2× of DuckDB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "out"
POSITIONS = ["учитель", "воспитатель", "педагог дополнительного образования", "педагог-психолог",
             "учитель-логопед", "социальный педагог", "старший воспитатель", "методист"]
CATEGORIES = ["без категории", "первая", "высшая", "педагог-методист", "педагог-наставник", ""]
HEADER = ["ID педагога", "Должность", "Возраст", "Стаж в ОО", "Педагогический стаж", "Квалификационная категория",
          "Затруднения", "Новый сотрудник"]


def staff_columns(rows: int) -> tuple[np.ndarray, ...]:
    """The columns of the staff file after the ID, deterministic: position, age, years in the
    organization, teaching years, category, difficulties, new (bench_xlsx.py writes the same rows)."""
    rng = np.random.default_rng(2025)
    age = rng.integers(21, 67, rows)
    in_org = np.minimum(rng.integers(0, 30, rows), age - 18)
    teaching = np.minimum(in_org + rng.integers(0, 6, rows), age - 18)
    pos = np.array(POSITIONS)[rng.integers(0, len(POSITIONS), rows)]
    cat = np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), rows)]
    diff = np.where(rng.random(rows) < 0.07, "да", "нет")
    new = np.where(rng.random(rows) < 0.1, "да", "нет")
    return pos, age, in_org, teaching, cat, diff, new


def make_files(rows: int, folder: Path) -> tuple[Path, Path]:
    """The staff file in cp1251 and the same rows in UTF-8 (deterministic)."""
    pos, age, in_org, teaching, cat, diff, new = staff_columns(rows)
    lines = [";".join(HEADER)]
    lines += [f"П-{i:07d};{p};{a};{o};{t};{c};{d};{n}"
              for i, p, a, o, t, c, d, n in zip(range(1, rows + 1), pos, age, in_org, teaching, cat, diff, new,
                                                strict=True)]
    text = "\r\n".join(lines) + "\r\n"
    cp = folder / "staff_nation_cp1251.csv"
    utf = folder / "staff_nation_utf8.csv"
    cp.write_bytes(text.encode("cp1251"))
    utf.write_bytes(text.encode("utf-8"))
    return cp, utf


def _one(kind: str, cp: Path, utf: Path, work: Path) -> dict:
    """One measurement in this (fresh) process."""
    import duckdb

    if kind.startswith("duckdb"):
        target = ":memory:" if kind == "duckdb-memory" else str(work / "duck.duckdb")
        conn = duckdb.connect(target)
        t = time.perf_counter()
        conn.execute(f"create table staff as select * from read_csv('{utf}', delim=';', header=true)")
        conn.execute("checkpoint") if target != ":memory:" else None
        seconds = time.perf_counter() - t
        rows = conn.execute("select count(*) from staff").fetchone()[0]
        return {"seconds": seconds, "rows": rows, "stages": {}}

    from ingest import load
    from warehouse import db

    conn = db.connect(work / "warehouse.duckdb")
    registry = "Код ОО;Полное наименование;Краткое наименование;Тип ОО\r\nРФ;Все организации;Все;общеобразовательная\r\n"
    load.load_file(conn, registry.encode("utf-8"), "orgs.csv", "organizations", user="bench")
    data = cp.read_bytes()
    t0 = time.perf_counter()
    prepared = load.prepare(conn, data, cp.name, "staff", "РФ", 2025)
    t1 = time.perf_counter()
    result = load.commit(conn, prepared, user="bench")
    conn.execute("checkpoint")
    t2 = time.perf_counter()
    assert result.outcome == "loaded", load.summary(result)
    rows = conn.execute("select count(*) from stg_staff").fetchone()[0]
    return {"seconds": t2 - t0, "rows": rows, "stages": {"read+validate": t1 - t0, "write": t2 - t1}}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_300_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--files", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        cp, utf, work = (Path(p) for p in args.files)
        res = _one(args.one, cp, utf, work)
        res["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(res))
        return 0

    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        cp, utf = make_files(args.rows, tmp)
        print(f"files: {args.rows:,} rows, cp1251 {cp.stat().st_size / 2**20:.1f} MB, "
              f"utf-8 {utf.stat().st_size / 2**20:.1f} MB (made in {time.perf_counter() - t:.1f} s)")
        results: dict[str, list[dict]] = {}
        for _ in range(args.repeat):
            for kind in ("duckdb-memory", "duckdb-file", "ours"):
                work = tmp / f"w-{kind}"
                work.mkdir(exist_ok=True)
                for f in work.iterdir():
                    f.unlink()
                out = subprocess.run([sys.executable, __file__, "--one", kind, "--files", str(cp), str(utf), str(work)],
                                     capture_output=True, text=True, check=True, env=os.environ)
                results.setdefault(kind, []).append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items()}
    lines = [f"# Ingest benchmark: {args.rows:,} staff rows (cp1251, «;»), median of {args.repeat}", "",
             "| method | seconds | peak RSS, MB | × DuckDB in memory | × DuckDB to file |", "|---|---:|---:|---:|---:|"]
    for kind, label in (("duckdb-memory", "DuckDB read_csv (UTF-8) → in-memory table"),
                        ("duckdb-file", "DuckDB read_csv (UTF-8) → table in a database file"),
                        ("ours", "ours: read cp1251 + validate (pandera) + load snapshot")):
        rss = max(r["max_rss_mb"] for r in results[kind])
        lines.append(f"| {label} | {med[kind]:.2f} | {rss:.0f} | {med[kind] / med['duckdb-memory']:.2f} | "
                     f"{med[kind] / med['duckdb-file']:.2f} |")
    stages = results["ours"][0]["stages"]
    lines += ["", "ours by stage (first run): " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()),
              f"cpu cores: {os.cpu_count()}"]
    report = "\n".join(lines)
    print(report)
    (OUT / "ingest.md").write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
