"""Benchmark: every page of the app on a city, a region and the nation, time and peak memory.

    python bench/bench_pages.py [--scales city region nation] [--pages overview ...] [--repeat 3] [--rebuild]

The goal (issue "scale"): a page at national scale takes at most 3× its time at city scale, within
1.5 GB of memory.

Warehouses (cached under ``bench/out/warehouses/``, keyed by scale and a stamp of the code that
builds them; ``--rebuild`` forces a new build):

- **city**: ``ingest.demo.build_demo``, the real ingest path (26 organizations, about 1,250
  teachers, 2025 and 2026; about 10 s).
- **region** (700 organizations) and **nation** (42,000 organizations, 1.3 million teachers a year),
  2025 and 2026: the rows of the same demo generator (``ingest.demo.tables``), bulk-inserted by
  ``bench/build_warehouse.py`` straight into the tables the loader writes (``uploads``,
  ``snapshots``, ``upload_issues``, ``raw_*``, the registry as a snapshot under «*», year 0), not
  through ingest: the real path costs about 39 ms per file, and the nation is about 580,000 files
  (hours); the pages read only the warehouse.

Measurement: each (scale, page) runs in a fresh subprocess, so that its peak RSS is that page's
own (``VmHWM`` of the process, as ``ru_maxrss`` would be if it did not carry a parent's peak over
exec; ``ru_maxrss`` is kept in the JSON). The subprocess drives the real
app with Streamlit's ``AppTest`` (``dashboard/app.py`` with its login, sidebar and
``st.navigation``): the login as the department head with one organization selected (so that
warming up does not render the national overview), then the page with «Все» organizations and the
year 2025 (warm-up: imports, the connection, the views), then ``--repeat`` timed runs of
``at.switch_page(page).run()``, each after emptying ``st.cache_data`` and the scope and filter
resources of ``dashboard.data``: **cold Streamlit caches**, so every query really runs (DuckDB's buffer pool and the OS page cache stay warm). Reported: the
median run, and where its time goes: the query functions, the data cache, the sidebar, tables,
charts and their serialization are wrapped with timers (exclusive time, see ``PARTS``). What the
server then sends and the browser does with it (Vega rendering, the data grid) is not measured. A
run that raises (``at.exception``) is reported as an error with its message.

Results: a Markdown table on stdout and in ``bench/out/pages.md``, the raw figures in
``bench/out/pages.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
WAREHOUSES = OUT / "warehouses"
APP = ROOT / "dashboard" / "app.py"
PAGES = ["overview", "roadmap", "mentors", "young_teachers", "partners", "events", "monitoring", "uploads"]
SCALES = {"city": 26, "region": 700, "nation": 42_000}
YEAR = 2025
GOAL_RATIO = 3.0
GOAL_RSS_MB = 1536

# The department head reads every page (ingest/demo/accounts.csv; bench/build_warehouse.py creates it too).
LOGIN = ("head", "demo-head-2025")

sys.path.insert(0, str(Path(__file__).resolve().parent))


# ---------------------------------------------------------------------------------------------
# Warehouses


def _stamp(scale: str) -> str:
    """A short hash of everything the scale's warehouse is built from (not the views: they are
    recreated each time the app opens the warehouse)."""
    files = sorted((ROOT / "warehouse" / "sql" / "migrations").glob("*.sql"))
    if scale == "city":
        files += sorted((ROOT / "ingest").rglob("*.py")) + [ROOT / "warehouse" / "snapshots.py",
                                                            ROOT / "ingest" / "demo" / "accounts.csv"]
    else:
        files += [ROOT / "bench" / "build_warehouse.py", ROOT / "warehouse" / "accounts.py",
                  ROOT / "warehouse" / "facts.py", ROOT / "warehouse" / "sql" / "facts.sql"]
        files += sorted(p for p in (ROOT / "ingest" / "demo").iterdir() if p.suffix in (".py", ".csv"))
        files += sorted((ROOT / "ingest" / "schemas").glob("*.py"))
    h = hashlib.sha256(scale.encode())
    for f in files:
        h.update(f.relative_to(ROOT).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def warehouse(scale: str, rebuild: bool = False) -> Path:
    """The cached warehouse of a scale, built if missing (or if ``rebuild``)."""
    WAREHOUSES.mkdir(parents=True, exist_ok=True)
    path = WAREHOUSES / f"{scale}-{_stamp(scale)}.duckdb"
    if path.exists() and not rebuild:
        return path
    for old in WAREHOUSES.glob(f"{scale}-*.duckdb*"):
        old.unlink()
    tmp = path.with_name(path.name + ".tmp")
    started = time.perf_counter()
    print(f"building the {scale} warehouse ...", flush=True)
    # In a subprocess: the parent stays small (its peak would otherwise show in its children's ru_maxrss).
    subprocess.run([sys.executable, __file__, "--build", scale, str(tmp)], check=True, cwd=ROOT)
    tmp.rename(path)
    print(f"  {scale}: {path.stat().st_size / 2**20:.0f} MB in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def build(scale: str, path: str) -> None:
    if scale == "city":
        from ingest.demo import build_demo
        print("  " + build_demo(path), flush=True)
    else:
        import build_warehouse
        counts = build_warehouse.build(path, SCALES[scale], log=lambda m: print(m, flush=True))
        print("  " + ", ".join(f"{k} {v:,}" for k, v in counts.items() if k != "seconds"), flush=True)


def describe(path: Path) -> dict:
    import duckdb
    conn = duckdb.connect(str(path), read_only=True)
    try:
        orgs, teachers, mentors, pairs, events = conn.execute(f"""
            select (select count(*) from organizations),
                   (select count(*) from stg_staff where year = {YEAR}),
                   (select count(*) from stg_mentors where year = {YEAR}),
                   (select count(*) from stg_mentorships where year = {YEAR}),
                   (select count(*) from stg_events where year = {YEAR})""").fetchone()
    finally:
        conn.close()
    return {"organizations": orgs, "teachers": teachers, "mentors": mentors, "pairs": pairs, "events": events,
            "mb": round(path.stat().st_size / 2**20)}


# ---------------------------------------------------------------------------------------------
# One page in this (fresh) process


# Where a run's time goes: each part's exclusive time (the time of timed callees is subtracted).
PARTS = {
    "sql": "`warehouse.queries.*`, `data.data_version`, `accounts.scope`: the SQL and its DataFrame",
    "st.cache_data": "the caches of `dashboard.data`: hashing the arguments, pickling the result",
    "sidebar": "`filters.sidebar` without its queries: the year, municipality, type and organization widgets",
    "tables": "`tables.show` without `st.dataframe`: pandas on the shown columns",
    "st.dataframe": "`st.dataframe`: Arrow serialization of the table",
    "charts": "`dashboard.charts.*`: pandas and the Altair chart object",
    "st.vega_lite_chart": "`st.vega_lite_chart`: sending the kept Vega-Lite spec and its Arrow data",
}


class Clock:
    """Exclusive time per part of the page, over nested calls (the script runs on one thread)."""

    def __init__(self):
        self.parts: dict[str, float] = {}
        self._stack: list[float] = []     # time spent in timed callees of each open call

    def reset(self) -> None:
        self.parts.clear()
        self._stack.clear()

    def wrap(self, fn, part: str):
        def timed(*args, **kwargs):
            self._stack.append(0.0)
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - t
                inner = self._stack.pop()
                self.parts[part] = self.parts.get(part, 0.0) + elapsed - inner
                if self._stack:
                    self._stack[-1] += elapsed
        timed.__wrapped__ = fn
        return timed


def peak_rss_mb() -> float:
    """This process's peak RSS in MB.

    ``ru_maxrss`` is the figure, but on Linux it survives exec: a child that a bigger parent spawned
    reports at least the parent's peak. The high-water mark of this process image (``VmHWM``) is
    read instead where there is one; the parent also builds the warehouses in a subprocess to stay
    small.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(db_file: str, page: str, repeat: int) -> dict:
    """Run ``page`` of the app on ``db_file`` with AppTest; times and peak RSS of this process."""
    os.environ["MENTORSHIP_DB"] = db_file
    import duckdb

    conn = duckdb.connect(db_file, read_only=True)
    one_org, one_muni, munis = conn.execute(
        "select min(org_code), arg_min(coalesce(municipality, 'Когалым'), org_code), "
        "count(distinct coalesce(municipality, 'Когалым')) from organizations").fetchone()
    conn.close()

    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.testing.v1 import AppTest

    from dashboard import charts, data, filters, tables
    from warehouse import accounts, queries

    clock = Clock()
    for module, part in ((queries, "sql"), (charts, "charts")):
        for name in dir(module):
            fn = getattr(module, name)
            if callable(fn) and getattr(fn, "__module__", None) == module.__name__ and not name.startswith("_") \
                    and not isinstance(fn, type):
                setattr(module, name, clock.wrap(fn, part))
    data.data_version = clock.wrap(data.data_version, "sql")
    accounts.scope = clock.wrap(accounts.scope, "sql")
    # The data cache and the per-version resources (the user's scope, the sidebar's pools): emptied
    # before each timed run, so that every query of the page runs.
    # (the query results, the kept grids of the lists and the charts' specifications are resources too).
    resources = [getattr(data, name) for name in ("_run", "_pool", "_allowed", "_facets") if hasattr(data, name)]
    resources += [tables._grid, charts._spec]
    for name in ("_run", "_city_totals", "_pool", "_allowed", "_facets"):
        if hasattr(data, name):
            setattr(data, name, clock.wrap(getattr(data, name), "st.cache_data"))
    filters.sidebar = clock.wrap(filters.sidebar, "sidebar")
    tables.show = clock.wrap(tables.show, "tables")
    for method, part in (("dataframe", "st.dataframe"), ("vega_lite_chart", "st.vega_lite_chart")):
        setattr(DeltaGenerator, method, clock.wrap(getattr(DeltaGenerator, method), part))
        setattr(st, method, clock.wrap(getattr(st, method), part))

    page_file = str(ROOT / "pages" / f"{page}.py")
    result: dict = {"page": page, "runs": [], "queries": [], "parts": [], "errors": []}

    def check(at, what: str) -> None:
        if at.exception:
            result["errors"].append({"when": what, "messages": [e.message for e in at.exception],
                                     "stack": [list(e.stack_trace) for e in at.exception]})

    started = time.perf_counter()
    at = AppTest.from_file(str(APP), default_timeout=600)
    at.run()                                        # the login form
    at.session_state["flt_org"] = one_org           # warm up on one organization, not the whole country
    if munis > 1:
        at.session_state["flt_muni"] = one_muni
    at.text_input(key="login_user").input(LOGIN[0])
    at.text_input(key="login_password").input(LOGIN[1])
    at.button[0].click().run()
    check(at, "login (one organization)")
    at.switch_page(page_file)
    if munis > 1:
        at.selectbox(key="flt_muni").select("Все")
        at.run()
    if not at.selectbox(key="flt_org").disabled:     # disabled above 2,000 organizations: «Все» already
        at.selectbox(key="flt_org").select("Все")
    at.selectbox(key="flt_year").select(YEAR)
    at.run()
    check(at, "warm-up")
    result["warmup_s"] = time.perf_counter() - started
    for i in range(repeat):
        st.cache_data.clear()
        for cached in resources:
            cached.clear()
        clock.reset()
        t = time.perf_counter()
        at.switch_page(page_file).run()
        result["runs"].append(time.perf_counter() - t)
        result["queries"].append(clock.parts.get("sql", 0.0))
        result["parts"].append(dict(clock.parts))
        check(at, f"timed run {i + 1}")
    result["title"] = at.title[0].value if len(at.title) else None
    result["max_rss_mb"] = peak_rss_mb()
    result["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run_page(db_file: Path, page: str, repeat: int) -> dict:
    cmd = [sys.executable, __file__, "--measure", str(db_file), page, "--repeat", str(repeat)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines or not lines[-1].startswith("{"):
        return {"page": page, "runs": [], "queries": [], "max_rss_mb": None,
                "errors": [{"when": "subprocess", "messages": [proc.stderr.strip()[-3000:]
                                                               or f"exit code {proc.returncode}"]}]}
    return json.loads(lines[-1])


# ---------------------------------------------------------------------------------------------
# Report


def _median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def _secs(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}"


def report(results: dict, meta: dict, scales: list[str], pages: list[str]) -> str:
    head = ["page", *(f"{s} s" for s in scales)]
    ratio = "city" in scales and "nation" in scales
    if ratio:
        head.append("nation / city")
    head += [f"{s} peak MB" for s in scales]
    lines = [f"# Pages at city, region and national scale (median of {meta['repeat']} cold-cache runs)", "",
             f"{meta['when']}; {meta['machine']}. Goal: nation ≤ {GOAL_RATIO:g} × city, peak RSS ≤ "
             f"{GOAL_RSS_MB} MB; **✗** marks a miss. Year {YEAR}, all organizations.", "",
             "| warehouse | organizations | teachers | mentors | pairs | events | file MB | built by |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for s in scales:
        d = meta["warehouses"][s]
        how = "ingest (build_demo)" if s == "city" else "bulk insert of the demo rows (build_warehouse.py)"
        lines.append(f"| {s} | {d['organizations']:,} | {d['teachers']:,} | {d['mentors']:,} | {d['pairs']:,} | "
                     f"{d['events']:,} | {d['mb']:,} | {how} |")
    lines += ["", "| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    errors = []
    for p in pages:
        row = [p]
        med = {}
        for s in scales:
            r = results[s][p]
            med[s] = _median(r["runs"])
            cell = _secs(med[s])
            if r["errors"]:
                cell = f"**error** {cell}" if med[s] is not None else "**error**"
                errors.append((s, p, r["errors"]))
            row.append(cell)
        if ratio:
            if med["city"] and med["nation"] is not None:
                x = med["nation"] / med["city"]
                row.append(f"**{x:.1f} ✗**" if x > GOAL_RATIO else f"{x:.1f}")
            else:
                row.append("—")
        for s in scales:
            mb = results[s][p].get("max_rss_mb")
            row.append("—" if mb is None else f"**{mb:,.0f} ✗**" if mb > GOAL_RSS_MB else f"{mb:,.0f}")
        lines.append("| " + " | ".join(row) + " |")
    for s in scales:
        lines += ["", f"Where the time of the median run goes, {s} (seconds of exclusive time; «other» is the page's "
                  "own pandas, metrics and text, the entry script and AppTest):", "",
                  "| page | run | " + " | ".join(PARTS) + " | other |", "|---|---:|" + "---:|" * (len(PARTS) + 1)]
        for p in pages:
            r = results[s][p]
            if not r["runs"]:
                lines.append(f"| {p} | — |" + " — |" * (len(PARTS) + 1))
                continue
            i = r["runs"].index(sorted(r["runs"])[len(r["runs"]) // 2])
            parts = r["parts"][i]
            other = r["runs"][i] - sum(parts.values())
            lines.append(f"| {p} | {r['runs'][i]:.2f} | " + " | ".join(_secs(parts.get(k, 0.0)) for k in PARTS)
                         + f" | {other:.2f} |")
    lines += ["", "Parts: " + "; ".join(f"**{k}** — {v}" for k, v in PARTS.items()) + "."]
    if errors:
        lines += ["", "## Errors", ""]
        for s, p, errs in errors:
            for e in errs:
                lines.append(f"- {s} / {p} ({e['when']}): " + " | ".join(m.replace("\n", " ")[:500]
                                                                        for m in e["messages"]))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time and peak memory of every page at three scales.")
    ap.add_argument("--scales", nargs="+", default=list(SCALES), choices=list(SCALES))
    ap.add_argument("--pages", nargs="+", default=PAGES, choices=PAGES)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rebuild", action="store_true", help="build the warehouses again even if cached")
    ap.add_argument("--measure", nargs=2, metavar=("DB", "PAGE"), help=argparse.SUPPRESS)
    ap.add_argument("--build", nargs=2, metavar=("SCALE", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.build:
        build(*args.build)
        return 0
    if args.measure:
        print(json.dumps(measure(args.measure[0], args.measure[1], args.repeat)))
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    paths = {s: warehouse(s, args.rebuild) for s in args.scales}
    import duckdb
    import streamlit
    meta = {"repeat": args.repeat, "when": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
                       f"DuckDB {duckdb.__version__}, Streamlit {streamlit.__version__}",
            "warehouses": {s: describe(p) for s, p in paths.items()}}
    results: dict[str, dict[str, dict]] = {}
    for s in args.scales:
        results[s] = {}
        for p in args.pages:
            r = run_page(paths[s], p, args.repeat)
            results[s][p] = r
            status = "ERROR " if r["errors"] else ""
            print(f"{s:7s} {p:15s} {status}median {_secs(_median(r['runs']))} s "
                  f"(queries {_secs(_median(r['queries']))} s), peak {r.get('max_rss_mb') or 0:,.0f} MB",
                  flush=True)
    text = report(results, meta, args.scales, args.pages)
    print()
    print(text)
    (OUT / "pages.md").write_text(text, encoding="utf-8")
    (OUT / "pages.json").write_text(json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=1),
                                    encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
