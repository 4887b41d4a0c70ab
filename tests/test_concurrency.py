"""Several sessions uploading at once, as the app does it: one DuckDB connection, a cursor per thread.

DuckDB's transactions are optimistic. Without ``warehouse.snapshots`` serializing its write
transactions, two sessions writing the same snapshot fail at commit («Conflict on update», or a
duplicate key for a target's first version) after both computed the same next version; the second
test is the one that failed before that lock. The same for logins: eight sessions logging in to one
account at once each update its row (found by ``bench/bench_load.py``).
"""

from __future__ import annotations

import threading

import pytest

from ingest import load
from tests.conftest import csv_bytes
from warehouse import accounts, db, snapshots

ORGS = [f"ОО{i}" for i in range(1, 9)]
YEAR = 2025
ROUNDS = 6


@pytest.fixture
def conn(tmp_path):
    """A warehouse with a registry of eight schools; one connection, as the app holds it."""
    c = db.connect(tmp_path / "concurrent.duckdb")
    rows = [["Код ОО", "Полное наименование", "Краткое наименование", "Тип ОО"]]
    rows += [[o, f"Школа {o}", o, "общеобразовательная"] for o in ORGS]
    assert load.load_file(c, csv_bytes(rows), "orgs.csv", "organizations", user="setup").outcome == "loaded"
    yield c
    c.close()


def roadmap(tag: str) -> bytes:
    rows = [["Пункт", "Статус", "Комментарий"]] + [[i, "в работе", f"{tag}: пункт {i}"] for i in range(1, 12)]
    return csv_bytes(rows, encoding="cp1251")


BROKEN = csv_bytes([["Пункт", "Статус"], [12, "почти"]])


def run_threads(conn, work, n: int) -> list[BaseException]:
    """Run ``work(cursor, i)`` on ``n`` threads started together; return what they raised."""
    start = threading.Barrier(n)
    errors: list[BaseException] = []

    def body(i: int) -> None:
        try:
            with conn.cursor() as cur:
                start.wait()
                work(cur, i)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted empty below
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def upload(cur, org: str, tag: str, user: str) -> load.LoadResult:
    prepared = load.prepare(cur, roadmap(tag), f"{tag}.csv", "roadmap", org, YEAR, max_bytes=load.APP_MAX_BYTES)
    return load.commit(cur, prepared, user=user)


def test_eight_sessions_upload_for_eight_organizations(conn):
    def work(cur, i: int) -> None:
        org = ORGS[i]
        for k in range(ROUNDS):
            result = upload(cur, org, f"{org} раунд {k}", user=f"user{i}")
            assert result.outcome == "loaded" and result.version == k + 1, (org, k, result.outcome)
            bad = load.commit(cur, load.prepare(cur, BROKEN, "bad.csv", "roadmap", org, YEAR), user=f"user{i}")
            assert bad.outcome == "rejected"

    assert run_threads(conn, work, len(ORGS)) == []
    for org in ORGS:
        snap = snapshots.current(conn, "roadmap", org, YEAR)
        assert snap.file_name == f"{org} раунд {ROUNDS - 1}.csv" and snap.version == ROUNDS
        versions = conn.execute("select version from uploads where org_code = ? and outcome = 'loaded' "
                                "order by upload_id", [org]).fetchall()
        assert [v for (v,) in versions] == list(range(1, ROUNDS + 1))
        outcomes = dict(conn.execute("select outcome, count(*) from uploads where org_code = ? group by 1",
                                     [org]).fetchall())
        assert outcomes == {"loaded": ROUNDS, "rejected": ROUNDS}
        comments = {c for (c,) in conn.execute("select comment from stg_roadmap where org_code = ?", [org]).fetchall()}
        assert comments == {f"{org} раунд {ROUNDS - 1}: пункт {i}" for i in range(1, 12)}
    assert conn.execute("select count(*) from raw_roadmap").fetchone()[0] == len(ORGS) * ROUNDS * 11


def test_eight_sessions_upload_for_the_same_organization(conn):
    """The administrator and a coordinator (or two tabs) loading the same target at the same moment."""
    def work(cur, i: int) -> None:
        for k in range(3):
            assert upload(cur, ORGS[0], f"сессия {i}, раунд {k}", user=f"user{i}").outcome == "loaded"

    assert run_threads(conn, work, 8) == []
    versions = [v for (v,) in conn.execute("select version from uploads where org_code = ? and outcome = 'loaded' "
                                           "order by upload_id", [ORGS[0]]).fetchall()]
    assert versions == list(range(1, 25))                          # consecutive, none lost, none twice
    last = conn.execute("select max(upload_id) from uploads where org_code = ?", [ORGS[0]]).fetchone()[0]
    assert snapshots.current(conn, "roadmap", ORGS[0], YEAR).upload_id == last
    assert conn.execute("select count(*) from snapshots where org_code = ?", [ORGS[0]]).fetchone()[0] == 1


def test_eight_sessions_log_in_to_one_account_at_once(conn):
    """The department's account in several tabs (or shared by two people) logging in at the same moment:
    each login updates the account's row; without ``warehouse.db.WRITE_LOCK`` all but one failed with
    «Conflict on update» and the user saw a traceback instead of the app."""
    accounts.create_user(conn, "head", "Руководитель", "head", "correct-horse-1")

    def work(cur, i: int) -> None:
        for _ in range(3):
            assert accounts.authenticate(cur, "head", "correct-horse-1").login == "head"

    assert run_threads(conn, work, 8) == []
    logins = conn.execute("select count(*) from audit_log where login = 'head' and action = 'login'").fetchone()[0]
    assert logins == 24
