"""The fact tables (``warehouse/sql/facts.sql``): counts per (organization, year), kept current.

Every figure reads them instead of the raw rows, so a page at national scale aggregates 42,000 rows
per year, not 1.3 million teachers. Each ``fact_<name>`` table equals its ``calc_<name>(null, null)``
macro at all times:

- an upload or a restore calls :func:`refresh` for its (organization, year) inside its own write
  transaction (``warehouse.snapshots``), so readers see the new snapshot and its facts together;
- opening the warehouse for writing calls :func:`ensure`, which (re)creates the macros and rebuilds
  every table when ``facts.sql`` or the thresholds (``warehouse/thresholds.py``, whose macros it uses)
  changed since they were built (their digest is kept in ``settings``), or when they do not exist yet
  (a warehouse of an older version, or one built in bulk).

A fact depends only on the organization's own snapshots and upload log, never on the registry or on
today's date: a new registry or another day needs no refresh (the views join and judge those).
"""

from __future__ import annotations

import hashlib
from importlib import resources

import duckdb

from warehouse import settings, thresholds

FACTS = ("org_year", "mentor", "young_teacher", "upload")
_DIGEST_KEY = "facts_digest"


def _sql() -> str:
    # The thresholds' macros first: the facts count with them, so a new threshold is a new digest (a rebuild).
    return thresholds.macros_sql() + (resources.files("warehouse") / "sql" / "facts.sql").read_text(encoding="utf-8")


def digest() -> str:
    return hashlib.sha256(_sql().encode("utf-8")).hexdigest()[:16]


def create_macros(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(_sql())


def _tables(conn: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in conn.execute(
        "select table_name from duckdb_tables() where schema_name = 'main' and table_name like 'fact_%'").fetchall()}


def ensure(conn: duckdb.DuckDBPyConnection) -> bool:
    """Create the macros; rebuild the tables if they are missing or were built by another facts.sql.
    Returns whether it rebuilt them. Needs a writable connection and the registry's views."""
    create_macros(conn)
    if settings.get(conn, _DIGEST_KEY) == digest() and _tables(conn) >= {f"fact_{f}" for f in FACTS}:
        return False
    conn.execute("begin transaction")
    try:
        rebuild(conn)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return True


def rebuild(conn: duckdb.DuckDBPyConnection) -> None:
    """Recompute every fact table from the snapshots (inside the caller's transaction)."""
    for name in FACTS:
        conn.execute(f"create or replace table fact_{name} as select * from calc_{name}(null, null)")
    settings.put(conn, _DIGEST_KEY, digest())


def refresh(conn: duckdb.DuckDBPyConnection, org_code: str, year: int) -> None:
    """Recompute the facts of one (organization, year), inside the caller's write transaction."""
    for name in FACTS:
        conn.execute(f"delete from fact_{name} where org_code = ? and year = ?", [org_code, year])
        conn.execute(f"insert into fact_{name} select * from calc_{name}(?::varchar, ?::integer)", [org_code, year])
