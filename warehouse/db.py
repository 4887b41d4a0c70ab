"""The one connection helper: where the warehouse lives, how it is opened, how it is migrated.

DuckDB allows one writing process per file (README, "One writer"). The app is that process; a
second process that tries to open the file gets :class:`WarehouseLocked` with a Russian message
instead of DuckDB's lock trace.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from importlib import resources
from pathlib import Path

import duckdb

from warehouse import facts

ENV_DB = "MENTORSHIP_DB"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = PROJECT_ROOT / "data" / "warehouse.duckdb"
DEMO_DB = PROJECT_ROOT / "data" / "demo.duckdb"

# No internet at run time: never let DuckDB try to download an extension.
_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class WarehouseLocked(RuntimeError):
    """Another process (normally the running app) holds the warehouse file."""

    def __init__(self, path: Path, detail: str):
        pid = re.search(r"PID (\d+)", detail)
        who = f" (процесс {pid.group(1)})" if pid else ""
        super().__init__(
            f"Хранилище {path} сейчас открыто другим процессом{who}, обычно это запущенное приложение. "
            "Загрузите файл через приложение (страница «Загрузка данных») или остановите приложение "
            "и повторите команду."
        )
        self.path = path


def db_path(path: str | os.PathLike | None = None) -> Path:
    """The warehouse file: the argument, else $MENTORSHIP_DB, else data/warehouse.duckdb."""
    if path:
        return Path(path)
    env = os.environ.get(ENV_DB)
    return Path(env) if env else DEFAULT_DB


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, creating and migrating it when opened for writing."""
    p = db_path(path)
    if not read_only:
        p.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = duckdb.connect(str(p), read_only=read_only, config=_CONFIG)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseLocked(p, str(exc)) from exc
        raise
    if not read_only:
        migrate(conn)
        facts.ensure(conn)     # the fact tables first: the views read them
        create_views(conn)
    return conn


# The figures' SQL under warehouse/sql/, in the order it is created (a view is bound when it is created, so
# what it reads comes first): the shared frame, then one file per mart, each stating its grain on top.
VIEW_FILES = (
    "frame.sql",
    "marts/completeness.sql",
    "marts/roadmap.sql",
    "marts/young_teachers.sql",
    "marts/mentor_load.sql",
    "marts/org_kpi.sql",
    "marts/city_kpi.sql",
    "marts/broken_links.sql",
)


def sql_file(name: str) -> str:
    """The text of ``warehouse/sql/<name>``."""
    return resources.files("warehouse").joinpath("sql", *name.split("/")).read_text(encoding="utf-8")


def create_views(conn: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the views and macros of the figures (:data:`VIEW_FILES`), after the fact tables."""
    for name in VIEW_FILES:
        conn.execute(sql_file(name))


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("warehouse") / "sql" / "migrations"
    found = []
    for entry in folder.iterdir():
        m = re.fullmatch(r"(\d+)_(\w+)\.sql", entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not yet applied, each in its own transaction; return their numbers."""
    conn.execute(
        "create table if not exists schema_migrations "
        "(version integer primary key, name varchar not null, applied_at timestamp not null)"
    )
    done = {v for (v,) in conn.execute("select version from schema_migrations").fetchall()}
    applied = []
    for version, name, sql in _migrations():
        if version in done:
            continue
        conn.execute("begin transaction")
        try:
            conn.execute(sql)
            conn.execute(
                "insert into schema_migrations values (?, ?, ?)", [version, name, datetime.now()]
            )
            conn.execute("commit")
        except Exception:
            conn.execute("rollback")
            raise
        applied.append(version)
    return applied


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    return conn.execute("select coalesce(max(version), 0) from schema_migrations").fetchone()[0]
