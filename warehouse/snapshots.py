"""Writing and reading snapshots: the upload log, the versions of each (dataset, organization, year),
the current pointer, restore.

An accepted upload inserts its rows into ``raw_<dataset>`` under a new upload id and points
``snapshots`` at it, in one transaction. Older versions stay in ``raw_<dataset>``; restoring one
only moves the pointer (and is logged as an upload with outcome ``restored``). Both recompute the
(organization, year)'s fact tables in the same transaction (``warehouse.facts``).

Writers take turns. The app has one DuckDB connection and a cursor per session; DuckDB's
transactions are optimistic, so two sessions writing the same snapshot at once would fail at commit
(«Conflict on update», or a duplicate key when both write a target's first version) after both had
computed the same next version. Every write transaction of this module therefore holds one
process-wide lock (:func:`_transaction`); one process writes the file (README, "One writer"), so
that lock serializes every writer. Uploads are rare and short; readers are never blocked.

Each writer takes an optional audit line (``warehouse.accounts.AuditEntry``) and writes it in its own
transaction, beside the upload log's row: a crash between the data and its audit line cannot leave
one without the other (issue 15, «Audit»). Who may write is decided before, by ``ingest.service``;
this module trusts its callers.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

from warehouse import accounts, facts

REGISTRY_ORG, REGISTRY_YEAR = "*", 0   # where the organizations registry is kept
MAX_STORED_ISSUES = 1000
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,40}")
_WRITE_LOCK = threading.Lock()         # see the module docstring: one write transaction at a time
ANY_CURRENT = object()                 # write()'s default ``replaces``: whatever is current is replaced


class SnapshotMoved(Exception):
    """The target's current snapshot is not the one the caller expected to replace (another session
    loaded or restored a version meanwhile); nothing was written."""


@dataclass(frozen=True)
class Snapshot:
    upload_id: int
    version: int
    sha256: str | None
    file_name: str | None
    rows: int
    uploaded_by: str
    uploaded_at: datetime


@contextmanager
def _transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One write transaction, serialized with every other write of the process."""
    with _WRITE_LOCK:
        conn.execute("begin transaction")
        try:
            yield
            conn.execute("commit")
        except BaseException:
            _rollback(conn)
            raise


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open: a failed commit has already ended it, and a second
    error from the rollback would hide the first one."""
    try:
        conn.execute("rollback")
    except duckdb.TransactionException:
        pass


def _table(dataset: str) -> str:
    """``raw_<dataset>``. The datasets are declared in ``ingest/schemas`` and created by migrations; the
    warehouse knows them by their tables. Identifiers cannot be bound as parameters, so a name is
    used in SQL only when it is a plain snake_case word (and the table must then exist)."""
    if not _IDENTIFIER.fullmatch(dataset):
        raise ValueError(f"unknown dataset {dataset!r}")
    return f"raw_{dataset}"


def current(conn: duckdb.DuckDBPyConnection, dataset: str, org_code: str, year: int) -> Snapshot | None:
    """The current snapshot of (dataset, org_code, year), or None if nothing was loaded."""
    row = conn.execute(
        """
        select u.upload_id, u.version, u.sha256, u.file_name, u.rows, u.uploaded_by, u.uploaded_at
        from snapshots s join uploads u using (upload_id)
        where s.dataset = ? and s.org_code = ? and s.year = ?
        """,
        [dataset, org_code, year],
    ).fetchone()
    return Snapshot(*row) if row else None


def current_values(conn: duckdb.DuckDBPyConnection, dataset: str, column: str, org_code: str, year: int
                   ) -> frozenset[str] | None:
    """Distinct non-null values of a column in the current snapshot; None when there is no snapshot."""
    snap = current(conn, dataset, org_code, year)
    if snap is None:
        return None
    if column not in _columns(conn, dataset):
        raise ValueError(f"unknown column {column!r}")
    rows = conn.execute(
        f"select distinct {column} from {_table(dataset)} where upload_id = ? and {column} is not null",
        [snap.upload_id],
    ).fetchall()
    return frozenset(r[0] for r in rows)


def orgs_with_data(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """Organizations that have at least one current snapshot of their own."""
    return {r[0] for r in conn.execute(
        "select distinct org_code from snapshots where org_code <> ?", [REGISTRY_ORG]).fetchall()}


def _columns(conn: duckdb.DuckDBPyConnection, dataset: str) -> list[str]:
    rows = conn.execute(
        "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
        [_table(dataset)],
    ).fetchall()
    return [r[0] for r in rows]


def data_columns(conn: duckdb.DuckDBPyConnection, dataset: str) -> list[str]:
    """The columns of raw_<dataset> that hold the file's fields (not upload_id, row_no)."""
    return [c for c in _columns(conn, dataset) if c not in ("upload_id", "row_no")]


def diff(conn: duckdb.DuckDBPyConnection, dataset: str, table: pa.Table, key: tuple[str, ...],
         current_upload: int | None) -> dict[str, int]:
    """What loading ``table`` would change against the current snapshot.

    With a key: rows ``added`` (new key), ``removed`` (key gone), ``changed`` (same key, other
    values), ``unchanged``. Without a key (events, students): rows added and removed as whole rows.
    """
    n_new = table.num_rows
    if current_upload is None:
        return {"added": n_new, "removed": 0, "changed": 0, "unchanged": 0}
    cols = data_columns(conn, dataset)
    listed = ", ".join(cols)
    new = table.select([c for c in cols if c in table.column_names])  # noqa: F841 - read by DuckDB below
    # A column left out of the new file is written as empty: compare it as null rather than skip it.
    new_rows = "select " + ", ".join(c if c in table.column_names else f"null as {c}" for c in cols) + " from new"
    cur = f"select {listed} from {_table(dataset)} where upload_id = $upload"
    if key:
        on = " and ".join(f"c.{k} is not distinct from n.{k}" for k in key)
        same = " and ".join(f"c.{c} is not distinct from n.{c}" for c in cols)
        added, removed, changed, unchanged = conn.execute(
            f"""
            with c as (select *, true as in_c from ({cur})),
                 n as (select *, true as in_n from ({new_rows})),
                 joined as (select c.in_c, n.in_n, {same} as same from c full outer join n on {on})
            select count(*) filter (where in_c is null),
                   count(*) filter (where in_n is null),
                   count(*) filter (where in_c and in_n and not same),
                   count(*) filter (where in_c and in_n and same)
            from joined
            """,
            {"upload": current_upload},
        ).fetchone()
        return {"added": added, "removed": removed, "changed": changed, "unchanged": unchanged}
    added, removed = conn.execute(
        f"""
        select (select count(*) from ({new_rows} except all {cur})),
               (select count(*) from ({cur} except all {new_rows}))
        """,
        {"upload": current_upload},
    ).fetchone()
    return {"added": added, "removed": removed, "changed": 0, "unchanged": n_new - added}


def removed(conn: duckdb.DuckDBPyConnection, dataset: str, table: pa.Table, key: tuple[str, ...],
            current_upload: int, limit: int = 50) -> pd.DataFrame:
    """The rows of the current snapshot that loading ``table`` would remove, in their order (at most
    ``limit``): matched by ``key`` when the dataset has one, else as whole rows (as :func:`diff`)."""
    cols = data_columns(conn, dataset)
    new = table.select([c for c in cols if c in table.column_names])  # noqa: F841 - read by DuckDB below
    new_rows = "select " + ", ".join(c if c in table.column_names else f"null as {c}" for c in cols) + " from new"
    cur = f"select row_no, {', '.join(cols)} from {_table(dataset)} where upload_id = $upload"
    if key:
        on = " and ".join(f"c.{k} is not distinct from n.{k}" for k in key)
        sql = f"select c.* exclude (row_no) from ({cur}) c anti join ({new_rows}) n on {on} order by c.row_no"
    else:   # whole rows, with their multiplicity: a row kept once of twice is one removal
        sql = f"select {', '.join(cols)} from ({cur}) except all {new_rows}"
    return conn.execute(f"{sql} limit {int(limit)}", {"upload": current_upload}).df()


def rows_of(conn: duckdb.DuckDBPyConnection, dataset: str, org_code: str, year: int) -> pd.DataFrame | None:
    """The current snapshot's rows (the dataset's columns, in the order of the file), or None when
    nothing was loaded."""
    snap = current(conn, dataset, org_code, year)
    if snap is None:
        return None
    listed = ", ".join(data_columns(conn, dataset))
    return conn.execute(f"select {listed} from {_table(dataset)} where upload_id = ? order by row_no",
                        [snap.upload_id]).df()


def write(conn: duckdb.DuckDBPyConnection, dataset: str, org_code: str, year: int, table: pa.Table, *,
          meta: dict, user: str, at: datetime | None = None, issues: list[dict] | None = None,
          replaces: int | None | object = ANY_CURRENT,
          audit: Callable[[int], accounts.AuditEntry | None] | None = None) -> tuple[int, int]:
    """Insert a validated table as the new current snapshot, in one transaction.

    ``table`` holds the dataset's typed columns and ``row_no``; ``issues`` its warnings, kept so that
    the organization can see later which rows were flagged. ``replaces``: the upload id the caller
    saw as current (None: nothing loaded yet); if another one is current by the time the lock is
    held, raise :class:`SnapshotMoved` and write nothing. ``audit``: the audit line, given the new
    version, written in the same transaction. Returns (upload_id, version).
    """
    with _transaction(conn):
        upload_id, version = _write(conn, Write(dataset, org_code, year, table, meta, issues, replaces), user, at)
        if audit is not None and (line := audit(version)) is not None:
            accounts.record(conn, line, at=at)
        facts.refresh(conn, org_code, year)
    return upload_id, version


@dataclass
class Write:
    """One snapshot to write in :func:`write_many` (the arguments of :func:`write`)."""

    dataset: str
    org_code: str
    year: int
    table: pa.Table
    meta: dict
    issues: list[dict] | None = None
    replaces: int | None | object = ANY_CURRENT


@dataclass
class Attempt:
    """One upload that changes no data, logged in :func:`write_many` (the arguments of :func:`log_attempt`)."""

    dataset: str
    org_code: str
    year: int
    outcome: str
    meta: dict
    rows: int | None = None
    issues: list[dict] | None = None


def write_many(conn: duckdb.DuckDBPyConnection, writes: list[Write], attempts: list[Attempt] = (), *, user: str,
               at: datetime | None = None,
               audit: Callable[[list[int]], list[accounts.AuditEntry]] | None = None) -> list[tuple[int, int]]:
    """Write several snapshots and log several attempts in ONE transaction: all or nothing (a yearly
    workbook, issue 12). Each write is checked as :func:`write` checks it (``replaces``); one that
    moved raises :class:`SnapshotMoved` and nothing at all is written. ``audit``: the audit lines,
    given the new versions in the order of ``writes``. Returns (upload_id, version) per write."""
    with _transaction(conn):
        made = [_write(conn, w, user, at) for w in writes]
        for a in attempts:
            _log_attempt(conn, a, user, at)
        for line in (audit([v for _, v in made]) if audit is not None else []):
            accounts.record(conn, line, at=at)
        for org_code, year in dict.fromkeys((w.org_code, w.year) for w in writes):
            facts.refresh(conn, org_code, year)
    return made


def _write(conn, w: Write, user: str, at: datetime | None) -> tuple[int, int]:
    """The body of a write, inside the caller's transaction: the log row, the rows, the pointer."""
    target = _table(w.dataset)
    upload_id, version, replaced = _next_ids(conn, w.dataset, w.org_code, w.year)
    if w.replaces is not ANY_CURRENT and w.replaces != replaced:
        raise SnapshotMoved(f"{w.dataset} {w.org_code} {w.year}: current {replaced}, expected {w.replaces}")
    _log(conn, upload_id, w.dataset, w.org_code, w.year, "loaded", w.meta, user, version=version,
         replaced_upload_id=replaced, rows=w.table.num_rows, at=at)
    rows = w.table  # noqa: F841 - read by DuckDB's replacement scan
    conn.execute(f"insert into {target} by name select {upload_id}::bigint as upload_id, * from rows")
    _store_issues(conn, upload_id, w.issues)
    _point(conn, w.dataset, w.org_code, w.year, upload_id, at=at)
    return upload_id, version


def log_attempt(conn: duckdb.DuckDBPyConnection, dataset: str, org_code: str, year: int, outcome: str, *,
                meta: dict, user: str, rows: int | None = None, issues: list[dict] | None = None,
                at: datetime | None = None, audit: accounts.AuditEntry | None = None) -> int:
    """Log an upload that changed no data (rejected, unchanged); keep its first problems. ``audit``:
    an audit line written in the same transaction."""
    with _transaction(conn):
        upload_id = _log_attempt(conn, Attempt(dataset, org_code, year, outcome, meta, rows, issues), user, at)
        if audit is not None:
            accounts.record(conn, audit, at=at)
    return upload_id


def _log_attempt(conn, a: Attempt, user: str, at: datetime | None) -> int:
    upload_id = conn.execute("select nextval('upload_id_seq')").fetchone()[0]
    _log(conn, upload_id, a.dataset, a.org_code, a.year, a.outcome, a.meta, user, rows=a.rows, at=at)
    _store_issues(conn, upload_id, a.issues)
    return upload_id


def restore(conn: duckdb.DuckDBPyConnection, dataset: str, org_code: str, year: int, version: int, *,
            user: str, audit: accounts.AuditEntry | None = None) -> tuple[int, int]:
    """Make an earlier version current again; ``LookupError`` if the snapshot never had that version.
    ``audit``: an audit line written in the same transaction. Returns (the restored upload_id, the log
    entry's id)."""
    with _transaction(conn):
        row = conn.execute(
            "select upload_id, rows, file_name, sha256 from uploads where dataset = ? and org_code = ? and year = ? "
            "and outcome = 'loaded' and version = ?", [dataset, org_code, year, version]).fetchone()
        if row is None:
            raise LookupError(f"Версии {version} нет")
        target, rows, file_name, sha = row
        snap = current(conn, dataset, org_code, year)
        log_id = conn.execute("select nextval('upload_id_seq')").fetchone()[0]
        _log(conn, log_id, dataset, org_code, year, "restored", {"file_name": file_name, "sha256": sha}, user,
             rows=rows, replaced_upload_id=snap.upload_id if snap else None, restored_from=target,
             message=f"восстановлена версия {version}")
        if audit is not None:
            accounts.record(conn, audit)
        _point(conn, dataset, org_code, year, target)
        facts.refresh(conn, org_code, year)
    return target, log_id


def links_broken_by_restore(conn: duckdb.DuckDBPyConnection, dataset: str, org_code: str, year: int, version: int
                            ) -> pd.DataFrame:
    """What making ``version`` current again would break: per (file, referred file), the IDs the organization's
    files would name and not find that they find now (a staff version without a teacher who mentors, a mentors
    version without a pair's mentor). Empty when nothing would break or the version does not exist.

    SQL: ``broken_links_after`` in ``warehouse/sql/marts/broken_links.sql``.
    """
    return conn.execute(
        """
        with target as (
            select upload_id from uploads
            where dataset = $ds and org_code = $org and year = $yr and outcome = 'loaded' and version = $version
        ),
        after as (
            select a.dataset_title, a.column_title, a.target_title, unnest(string_split(a.missing_ids, ', ')) as id,
                   a.dataset, a.target
            from broken_links_after($ds, (select upload_id from target), $org, $yr::integer) a
            where exists (select 1 from target)
        ),
        now as (
            select dataset, target, unnest(string_split(missing_ids, ', ')) as id
            from mart_broken_links where org_code = $org and year = $yr
        )
        select dataset_title, column_title, target_title, count(*) as ids_missing,
               string_agg(id, ', ' order by id) as missing_ids
        from after a
        where not exists (select 1 from now n where n.dataset = a.dataset and n.target = a.target and n.id = a.id)
        group by all order by all
        """, {"ds": dataset, "org": org_code, "yr": year, "version": version}).df()


def versions(conn: duckdb.DuckDBPyConnection, dataset: str, org_code: str, year: int) -> pd.DataFrame:
    """The loaded versions of one snapshot, newest first, with which one is current."""
    return conn.execute(
        """
        select u.version, u.upload_id, u.file_name, u.rows, u.uploaded_by, u.uploaded_at,
               u.upload_id = s.upload_id as is_current
        from uploads u left join snapshots s using (dataset, org_code, year)
        where u.dataset = ? and u.org_code = ? and u.year = ? and u.outcome = 'loaded'
        order by u.version desc
        """,
        [dataset, org_code, year],
    ).df()


def upload_log(conn: duckdb.DuckDBPyConnection, org_codes: list[str] | None = None, limit: int = 200,
               year: int | None = None) -> pd.DataFrame:
    """The latest upload attempts, newest first (by time: a restore or a late upload keeps its place);
    ``org_codes`` limits them to some organizations, ``year`` to one reporting year (the registry, which has
    no year, is shown under every year)."""
    where, params = ["true"], []
    if org_codes is not None:
        where.append("org_code in (select unnest(?::varchar[]))")
        params.append(list(org_codes))
    if year is not None:
        where.append("year in (?, ?)")
        params += [int(year), REGISTRY_YEAR]
    return conn.execute(
        f"select * from uploads where {' and '.join(where)} order by uploaded_at desc, upload_id desc "
        f"limit {int(limit)}", params
    ).df()


def _store_issues(conn, upload_id: int, issues: list[dict] | None) -> None:
    if not issues:
        return
    frame = pd.DataFrame(issues[:MAX_STORED_ISSUES])  # noqa: F841 - read by DuckDB
    conn.execute(
        "insert into upload_issues select ?, severity, row_no, column_title, value, expected, message from frame",
        [upload_id])


def issues_of(conn: duckdb.DuckDBPyConnection, upload_id: int) -> pd.DataFrame:
    """The stored problems of one upload (errors of a rejected one, warnings of an accepted one)."""
    return conn.execute(
        "select severity, row_no, column_title, value, expected, message from upload_issues where upload_id = ? "
        "order by severity, row_no nulls first", [upload_id]).df()


def _next_ids(conn, dataset, org_code, year) -> tuple[int, int, int | None]:
    upload_id = conn.execute("select nextval('upload_id_seq')").fetchone()[0]
    version = conn.execute(
        "select coalesce(max(version), 0) + 1 from uploads where dataset = ? and org_code = ? and year = ? "
        "and outcome = 'loaded'", [dataset, org_code, year]).fetchone()[0]
    snap = current(conn, dataset, org_code, year)
    return upload_id, version, snap.upload_id if snap else None


def _point(conn, dataset, org_code, year, upload_id, at: datetime | None = None) -> None:
    conn.execute(
        """
        insert into snapshots values (?, ?, ?, ?, ?)
        on conflict (dataset, org_code, year) do update set upload_id = excluded.upload_id,
                                                             updated_at = excluded.updated_at
        """,
        [dataset, org_code, year, upload_id, at or datetime.now()],
    )


def _log(conn, upload_id, dataset, org_code, year, outcome, meta, user, *, version=None, rows=None,
         replaced_upload_id=None, restored_from=None, message=None, at: datetime | None = None) -> None:
    conn.execute(
        """
        insert into uploads (upload_id, dataset, org_code, year, outcome, version, file_name, sha256, size_bytes,
                             encoding, delimiter, rows, error_count, warning_count, replaced_upload_id,
                             restored_from, uploaded_by, uploaded_at, message)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [upload_id, dataset, org_code, year, outcome, version, meta.get("file_name"), meta.get("sha256"),
         meta.get("size_bytes"), meta.get("encoding"), meta.get("delimiter"), rows, meta.get("error_count", 0),
         meta.get("warning_count", 0), replaced_upload_id, restored_from, user, at or datetime.now(),
         message or meta.get("message")],
    )
