"""Settings kept in the warehouse: the reporting years and the demo mark."""

from __future__ import annotations

import duckdb


def get(conn: duckdb.DuckDBPyConnection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("select value from settings where key = ?", [key]).fetchone()
    return row[0] if row else default


def put(conn: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    conn.execute(
        "insert into settings values (?, ?) on conflict (key) do update set value = excluded.value",
        [key, value],
    )


def reporting_years(conn: duckdb.DuckDBPyConnection) -> range:
    """The allowed reporting years, 2025-2028 unless the department changed them."""
    return range(int(get(conn, "year_first", "2025")), int(get(conn, "year_last", "2028")) + 1)


def set_reporting_years(conn: duckdb.DuckDBPyConnection, first: int, last: int) -> None:
    if not (2000 <= first <= last <= 2100):
        raise ValueError(f"Недопустимый диапазон лет: {first}–{last}")
    put(conn, "year_first", str(first))
    put(conn, "year_last", str(last))


def is_demo(conn: duckdb.DuckDBPyConnection) -> bool:
    return get(conn, "demo", "false") == "true"
