"""The load benchmark's client (bench/bench_load.py) against a started app: not timed, but it must log in
through the form, see every page's finished message and meet no error, or its figures mean nothing."""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import itertools
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def run_apart(coroutine):
    """``asyncio.run`` in a thread of its own: in the full suite the browser tests' Playwright (its sync
    API) keeps an event loop running in the main thread, where ``asyncio.run`` refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def bench_load():
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "bench_load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module      # dataclasses look their module up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench_load", None)


@pytest.fixture(scope="module")
def server(bench_load, demo_db, tmp_path_factory):
    log = tmp_path_factory.mktemp("server") / "server.log"
    with bench_load.Server(demo_db, bench_load.free_port(8661 + 5), log) as server:
        yield server


def test_a_session_logs_in_and_sees_every_page(bench_load, server):
    first = run_apart(bench_load.warm_up(server.url, "head", timeout=120))
    # The department head's navigation without the upload and administration pages.
    assert {"Обзор", "Дорожная карта", "Наставники", "Загрузки", "Выгрузки"} <= set(first)
    assert all(seconds > 0 for seconds in first.values())


def test_two_sessions_click_through_the_pages_without_error(bench_load, server):
    results, window = run_apart(bench_load.load(server.url, ["head", "sosh1"], 2, seconds=4.0,
                                                  think=(0.1, 0.3), timeout=120))
    assert window >= 4.0
    for r in results:
        assert r.errors == [], r.errors
        assert r.login_seconds is not None
        assert len(r.views) >= 2, r.login               # the window is open for 4 s: a few pages each
        pages = [page for page, _, _ in r.views]
        assert all(a != b for a, b in itertools.pairwise(pages)), pages   # each click opens the next page
    head, coordinator = results
    assert {page for page, _, _ in head.views} <= {"Обзор", "Дорожная карта", "Наставники", "Молодые педагоги",
                                                    "Партнёры", "Мероприятия и практики", "Мониторинг", "Загрузки",
                                                    "Выгрузки", "История загрузок"}


def test_a_wrong_password_is_reported_not_counted(bench_load, server):
    async def attempt():
        client = bench_load.Client(server.url, timeout=120)
        await client.connect()
        try:
            await client.log_in("ds01", "not-the-password")
        finally:
            await client.close()

    with pytest.raises(bench_load.ProtocolError, match="Неверный логин или пароль"):
        run_apart(attempt())
