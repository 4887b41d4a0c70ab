"""Benchmark: many users at once: N sessions of one app server, over Streamlit's own websocket protocol.

    python bench/bench_load.py [--scales city nation] [--sessions 1 5 10 30 50] [--seconds 30]
                               [--think 1 3] [--logins head] [--port 8661]

The goal (issue 16, «Many users at once»): 30 concurrent sessions at city scale with p95 ≤ 1 s and
no error; the ceiling of one server process is the number of sessions at which p95 passes 2 s.

What runs: for each scale and each number of sessions N, a fresh app server
(``streamlit run dashboard/server.py``, as ``make run`` starts it, with the repository's ``.streamlit/config.toml``) on a copy of the
scale's cached warehouse (``bench/bench_pages.py`` builds and caches them under
``bench/out/warehouses/``; the copy because every login and every view of personal rows is audited
in the warehouse). One warm-up session logs in and visits every page once (the first visit of a page
fills the shared caches; its times are reported apart). Then N simulated sessions connect at once,
each a :class:`Client` speaking what the browser speaks: a websocket to ``/_stcore/stream``,
``BackMsg.rerun_script`` with the widget states, ``ForwardMsg`` deltas back until the run's
``script_finished``. Each logs in through the login form (the ids of its widgets are read from the
form's elements, as the browser does), then for ``--seconds`` visits the pages of the navigation
in turn (each session starts at another page), waiting ``--think`` seconds (uniform between the two
bounds, seeded) between a page's finished message and the next click: a person reads a page before
the next click. ``--think 0 0`` is the stress case: every session clicks again as soon as a page is
drawn.

Measured per (scale, N): views (finished page runs) per second, p50/p95/max of the time from
sending the request to the run's ``script_finished`` (FINISHED_SUCCESSFULLY), the login's time,
errors (an ``exception`` element on the page, a run that never finishes within ``--timeout``, a lost
connection, a login that fails), the server's CPU (cores used: the process's CPU time over the
window, and per view: the figure that a busy machine disturbs least) and its peak RSS (``VmHWM`` of the
server process). The client runs in this process on the same machine and its own CPU is reported
too, as is ``os.getloadavg()``: the machine may be shared, and a server that gets a fraction of a
core waits whatever the app does.

Results: a Markdown table on stdout and in ``bench/out/load.md``, the raw figures in
``bench/out/load.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
APP = ROOT / "dashboard" / "server.py"   # as `make run` starts it: the cookie routes and app.py
GOAL_SESSIONS = 30
GOAL_P95 = 1.0
CEILING_P95 = 2.0

# Demo passwords (ingest/demo/accounts.csv); the national warehouse has the department's accounts only.
PASSWORDS = {"head": "demo-head-2025", "admin": "demo-admin-2025", "sosh1": "demo-sosh1-2025",
             "ds01": "demo-ds01-2025"}
LOGIN_LABELS = ("Логин", "Пароль", "Войти")   # the login form's widgets (dashboard/auth.py)

FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_WITH_COMPILE_ERROR")

sys.path.insert(0, str(Path(__file__).resolve().parent))


# ---------------------------------------------------------------------------------------------
# The client: what the browser says and hears


@dataclass
class Run:
    """What one script run sent back."""
    seconds: float
    elements: list = field(default_factory=list)     # (element type, element proto)
    pages: list = field(default_factory=list)        # AppPage protos of the run's navigation message
    page_script_hash: str = ""                        # the page the run drew
    errors: list = field(default_factory=list)       # Streamlit exceptions shown on the page, in words

    def widget(self, kind: str, label: str):
        for el_type, el in self.elements:
            if el_type == kind and getattr(el, "label", None) == label:
                return el
        return None


class ProtocolError(RuntimeError):
    pass


class Client:
    """One browser tab's conversation with the server, without a browser.

    The browser keeps the value of every widget and sends them all with each rerun; this client
    sends the widgets it sets (the login form) and otherwise relies on the server's own widget
    state, which keeps the value of a keyed widget (the sidebar's filters) from run to run.
    """

    def __init__(self, url: str, timeout: float = 60.0):
        self.url = url.rstrip("/").replace("http://", "ws://") + "/_stcore/stream"
        self.timeout = timeout
        self.ws = None
        self.pages: list = []          # the navigation's pages, from the last run that drew it

    async def connect(self) -> None:
        # The browser sends "streamlit" as the subprotocol (its XSRF token and a previous session's id
        # follow when it has them: this client has none).
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout, ping_interval=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def run(self, *, page_script_hash: str = "", widgets: list | None = None) -> Run:
        """Ask for a rerun (a click) and read the server's messages until the run's finished message.

        A run that ends with ``st.rerun()`` (``FINISHED_EARLY_FOR_RERUN``) is followed by the new run,
        whose elements are the ones returned; the time covers both, as the user waits for both.
        """
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        state.page_script_hash = page_script_hash
        state.context_info.timezone = "Asia/Yekaterinburg"
        state.context_info.timezone_offset = -300
        state.context_info.locale = "ru-RU"
        for widget in widgets or []:
            state.widget_states.widgets.append(widget)
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        run = Run(seconds=0.0)
        deadline = started + self.timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no finished message within {self.timeout:.0f} s")
            data = await asyncio.wait_for(self.ws.recv(), left)
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                # A run starts: what came before belonged to the previous run (e.g. one that called st.rerun()).
                run.elements.clear()
                run.errors.clear()
                run.page_script_hash = fwd.new_session.page_script_hash
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el_type = fwd.delta.new_element.WhichOneof("type")
                el = getattr(fwd.delta.new_element, el_type)
                run.elements.append((el_type, el))
                if el_type == "exception":
                    run.errors.append(f"{el.type}: {el.message}")
            elif kind == "navigation":
                run.pages = list(fwd.navigation.app_pages)
                self.pages = run.pages
                run.page_script_hash = fwd.navigation.page_script_hash or run.page_script_hash
            elif kind == "page_not_found":
                run.errors.append(f"page not found: {fwd.page_not_found.page_name}")
            elif kind == "script_finished":
                if fwd.script_finished == FINISHED:
                    run.seconds = time.perf_counter() - started
                    return run
                if fwd.script_finished == COMPILE_ERROR:
                    run.errors.append("the script did not compile")
                    run.seconds = time.perf_counter() - started
                    return run
                # FINISHED_EARLY_FOR_RERUN: the next run follows; a fragment's run is not the page's.

    async def log_in(self, login: str, password: str) -> Run:
        """Open the app (the login form), fill the form and submit it, as a person would."""
        form = await self.run()
        user_box, password_box, submit = (form.widget(kind, label) for kind, label in
                                          zip(("text_input", "text_input", "button"), LOGIN_LABELS, strict=True))
        if not (user_box and password_box and submit):
            raise ProtocolError("no login form: " + ", ".join(sorted({t for t, _ in form.elements})))
        widgets = []
        for box, value in ((user_box, login), (password_box, password)):
            w = _widget_state(box.id)
            w.string_value = value
            widgets.append(w)
        w = _widget_state(submit.id)
        w.trigger_value = True
        widgets.append(w)
        done = await self.run(widgets=widgets)
        if done.widget("text_input", LOGIN_LABELS[0]) is not None or len(done.pages) < 2:
            said = [el.body for t, el in done.elements if t == "alert"] + done.errors
            raise ProtocolError(f"login as {login} failed: {'; '.join(said) or 'the form came back'}"
                                f" ({len(done.pages)} pages in the navigation)")
        return done


def _widget_state(widget_id: str):
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    w = WidgetState()
    w.id = widget_id
    return w


# ---------------------------------------------------------------------------------------------
# Sessions


@dataclass
class SessionResult:
    login: str
    login_seconds: float | None = None
    views: list = field(default_factory=list)        # (page name, seconds, finished at)
    errors: list = field(default_factory=list)


def page_order(pages: list) -> list:
    """The pages a session visits in turn: the navigation's pages (the upload page, whose form
    does nothing without a file, and the administrator's pages are left out)."""
    skip = {"upload", "admin", "audit"}
    return [p for p in pages if p.url_pathname not in skip and not p.is_hidden]


class Window:
    """The measured window: it opens when every session has logged in (or failed to) and lasts ``seconds``."""

    def __init__(self, sessions: int, seconds: float, on_open=lambda: None):
        self.waiting, self.seconds, self.on_open = sessions, seconds, on_open
        self.opened = asyncio.Event()
        self.start = self.until = 0.0

    def ready(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.on_open()
            self.start = time.perf_counter()
            self.until = self.start + self.seconds
            self.opened.set()


async def session(url: str, login: str, window: Window, *, start: int, think: tuple[float, float],
                  rng: random.Random, timeout: float) -> SessionResult:
    """One user: log in, then visit the pages in turn until the window closes."""
    result = SessionResult(login=login)
    client = Client(url, timeout=timeout)
    ready = False
    try:
        await client.connect()
        t = time.perf_counter()
        await client.log_in(login, PASSWORDS[login])
        result.login_seconds = time.perf_counter() - t
        pages = page_order(client.pages)
        window.ready()
        ready = True
        await window.opened.wait()
        # Not all in step: each session's first click comes within the first think time.
        await asyncio.sleep(rng.uniform(0, think[1]))
        i = start
        while time.perf_counter() < window.until:
            page = pages[i % len(pages)]
            i += 1
            run = await client.run(page_script_hash=page.page_script_hash)
            result.views.append((page.page_name, run.seconds, time.perf_counter()))
            if run.page_script_hash != page.page_script_hash:
                result.errors.append(f"{page.page_name}: the server drew another page")
            result.errors += [f"{page.page_name}: {e}" for e in run.errors]
            if think[1] > 0:
                await asyncio.sleep(rng.uniform(*think))
    except (OSError, TimeoutError, ProtocolError, websockets.ConnectionClosed) as exc:
        result.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        if not ready:
            window.ready()
        await client.close()
    return result


async def warm_up(url: str, login: str, timeout: float) -> dict:
    """One session visits every page once: the first visits, which fill the shared caches."""
    client = Client(url, timeout=timeout)
    await client.connect()
    try:
        await client.log_in(login, PASSWORDS[login])
        first = {}
        for page in page_order(client.pages):
            run = await client.run(page_script_hash=page.page_script_hash)
            if run.errors:
                raise ProtocolError(f"{page.page_name}: {run.errors}")
            first[page.page_name] = round(run.seconds, 3)
        return first
    finally:
        await client.close()


async def load(url: str, logins: list[str], n: int, seconds: float, think: tuple[float, float],
               timeout: float, seed: int = 2025, on_open=lambda: None) -> tuple[list[SessionResult], float]:
    """N sessions at once: they log in together, then click for ``seconds`` (a view asked for before the
    window closes is waited for and counted). Returns the sessions' results and the window's length."""
    window = Window(n, seconds, on_open)
    tasks = [session(url, logins[k % len(logins)], window, start=k, think=think,
                     rng=random.Random(seed + k), timeout=timeout) for k in range(n)]
    results = await asyncio.gather(*tasks)
    return results, time.perf_counter() - window.start


# ---------------------------------------------------------------------------------------------
# The server


def free_port(preferred: int) -> int:
    for port in range(preferred, preferred + 10):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError(f"no free port in {preferred}–{preferred + 9}")


class Server:
    """``streamlit run dashboard/server.py`` on a warehouse, as ``make run`` starts it."""

    def __init__(self, db_file: Path, port: int, log: Path):
        self.db_file, self.port, self.log = db_file, port, log
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        env = {**os.environ, "MENTORSHIP_DB": str(self.db_file)}
        self._log = open(self.log, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self.ps = psutil.Process(self.proc.pid)
        deadline = time.monotonic() + 120
        import urllib.request
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the server did not answer within 120 s")

    def cpu_seconds(self) -> float:
        t = self.ps.cpu_times()
        return t.user + t.system

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return self.ps.memory_info().rss / 2**20

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


# ---------------------------------------------------------------------------------------------
# One measurement


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure(db_file: Path, n: int, *, logins: list[str], seconds: float, think: tuple[float, float],
            timeout: float, port: int, log: Path) -> dict:
    """A fresh server on a copy of ``db_file``, a warm-up session, then N sessions for ``seconds``."""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        copy = Path(tmp) / db_file.name
        shutil.copyfile(db_file, copy)
        with Server(copy, free_port(port), log) as server:
            first = asyncio.run(warm_up(server.url, logins[0], timeout))
            me = psutil.Process()
            at_open = {}

            def on_open():   # CPU is counted over the window, not over the logins
                at_open.update(server=server.cpu_seconds(), client=sum(me.cpu_times()[:2]), load=os.getloadavg())

            results, wall = asyncio.run(load(server.url, logins, n, seconds, think, timeout, on_open=on_open))
            cpu = server.cpu_seconds() - at_open["server"]
            mine = sum(me.cpu_times()[:2]) - at_open["client"]
            load0 = at_open["load"]
            peak = server.peak_rss_mb()
            load1 = os.getloadavg()
    times = sorted(s for r in results for _, s, _ in r.views)
    errors = [e for r in results for e in r.errors]
    logins_s = [r.login_seconds for r in results if r.login_seconds is not None]
    return {
        "sessions": n, "seconds": round(wall, 1), "views": len(times),
        "views_per_s": round(len(times) / wall, 2),
        "p50": _r(percentile(times, 50)), "p95": _r(percentile(times, 95)), "max": _r(times[-1] if times else None),
        "login_p50": _r(percentile(sorted(logins_s), 50)), "login_max": _r(max(logins_s, default=None)),
        "errors": len(errors), "error_examples": sorted(set(errors))[:5],
        "server_cores": round(cpu / wall, 2), "client_cores": round(mine / wall, 2),
        "server_cpu_ms_per_view": round(cpu / len(times) * 1000) if times else None,
        "server_peak_mb": round(peak), "first_visit": first,
        "loadavg_before": [round(x, 2) for x in load0], "loadavg_after": [round(x, 2) for x in load1],
        "per_page_p50": {p: _r(statistics.median(v)) for p, v in _by_page(results).items()},
    }


def _by_page(results: list[SessionResult]) -> dict:
    pages: dict[str, list] = {}
    for r in results:
        for page, s, _ in r.views:
            pages.setdefault(page, []).append(s)
    return pages


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


# ---------------------------------------------------------------------------------------------
# Report


def _s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def markdown(report: dict) -> str:
    lines = [
        f"# Many users at once ({report['when']})", "",
        f"Machine: {report['machine']}. Think time between clicks: {report['think'][0]}–{report['think'][1]} s; "
        f"{report['seconds']} s per level; logins: {', '.join(report['logins'])}.",
        f"Goal: {GOAL_SESSIONS} sessions at city scale with p95 ≤ {GOAL_P95:g} s and no error; "
        f"ceiling: sessions at which p95 passes {CEILING_P95:g} s.", "",
        "| scale | sessions | views | views/s | p50, s | p95, s | max, s | login p50, s | errors | "
        "server CPU, cores | server CPU per view, ms | client CPU, cores | server peak, MB | "
        "load avg (1 min) before → after |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for scale, rows in report["scales"].items():
        for r in rows["levels"]:
            lines.append(
                f"| {scale} | {r['sessions']} | {r['views']} | {r['views_per_s']:.1f} | {_s(r['p50'])} | "
                f"{_s(r['p95'])} | {_s(r['max'])} | {_s(r['login_p50'])} | {r['errors']} | {r['server_cores']:.2f} | "
                f"{r['server_cpu_ms_per_view'] or '—'} | {r['client_cores']:.2f} | {r['server_peak_mb']} | {r['loadavg_before'][0]:.1f} → "
                f"{r['loadavg_after'][0]:.1f} |")
    lines.append("")
    for scale, rows in report["scales"].items():
        lines.append(f"**{scale}**: {rows['verdict']}")
        first = rows["levels"][0]["first_visit"] if rows["levels"] else {}
        if first:
            lines.append("First visit of each page (cold caches, one session): "
                         + ", ".join(f"{p} {s:.2f} s" for p, s in first.items()))
        for r in rows["levels"]:
            if r["error_examples"]:
                lines.append(f"Errors at {r['sessions']} sessions: " + "; ".join(r["error_examples"]))
        lines.append("")
    return "\n".join(lines)


def verdict(scale: str, levels: list[dict]) -> str:
    parts = []
    over = [r["sessions"] for r in levels if r["p95"] is not None and r["p95"] > CEILING_P95]
    under = [r["sessions"] for r in levels if r["p95"] is not None and r["p95"] <= CEILING_P95 and not r["errors"]]
    if over:
        below = [n for n in under if n < over[0]]
        parts.append(f"p95 passes {CEILING_P95:g} s at {over[0]} sessions"
                     + (f" (≤ {CEILING_P95:g} s at {max(below)})" if below else ""))
    elif levels:
        parts.append(f"p95 stays ≤ {CEILING_P95:g} s up to {max(r['sessions'] for r in levels)} sessions "
                     "(the ceiling is higher than measured)")
    if scale == "city":
        goal = [r for r in levels if r["sessions"] == GOAL_SESSIONS]
        if goal:
            r = goal[0]
            ok = r["p95"] is not None and r["p95"] <= GOAL_P95 and not r["errors"]
            parts.append(f"goal ({GOAL_SESSIONS} sessions, p95 ≤ {GOAL_P95:g} s, no error): "
                         f"{'met' if ok else 'NOT met'} (p95 {_s(r['p95'])} s, {r['errors']} errors)")
    return "; ".join(parts) + "."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs="+", default=["city", "nation"], choices=["city", "region", "nation"])
    parser.add_argument("--sessions", nargs="+", type=int, default=[1, 5, 10, 30, 50])
    parser.add_argument("--seconds", type=float, default=30.0, help="the measured window per level")
    parser.add_argument("--think", nargs=2, type=float, default=[1.0, 3.0], metavar=("MIN", "MAX"),
                        help="seconds a user reads a page before the next click")
    parser.add_argument("--logins", nargs="+", default=["head"],
                        help="accounts the sessions log in as, in turn (the nation has only head and admin)")
    parser.add_argument("--timeout", type=float, default=120.0, help="a view not finished by then is an error")
    parser.add_argument("--port", type=int, default=8661)
    parser.add_argument("--out", type=Path, default=OUT / "load")
    args = parser.parse_args(argv)

    import bench_pages

    OUT.mkdir(parents=True, exist_ok=True)
    report = {"when": dt.datetime.now().isoformat(timespec="seconds"),
              "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
                         f"Python {platform.python_version()}",
              "think": args.think, "seconds": args.seconds, "logins": args.logins, "scales": {}}
    for scale in args.scales:
        db_file = bench_pages.warehouse(scale)
        levels = []
        for n in args.sessions:
            print(f"{scale}: {n} sessions ...", flush=True)
            r = measure(db_file, n, logins=args.logins, seconds=args.seconds, think=tuple(args.think),
                        timeout=args.timeout, port=args.port, log=OUT / f"load-server-{scale}-{n}.log")
            levels.append(r)
            print(f"  {r['views']} views, {r['views_per_s']:.1f}/s, p50 {_s(r['p50'])} s, p95 {_s(r['p95'])} s, "
                  f"errors {r['errors']}, server {r['server_cores']:.2f} cores, peak {r['server_peak_mb']} MB, "
                  f"load {r['loadavg_before'][0]:.1f}", flush=True)
        report["scales"][scale] = {"levels": levels, "verdict": verdict(scale, levels)}
    text = markdown(report)
    args.out.with_suffix(".md").write_text(text + "\n")
    args.out.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
