"""The registry of organizations (the current snapshot of the ``organizations`` dataset)."""

from __future__ import annotations

import duckdb
import pandas as pd


def org_codes(conn: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in conn.execute("select org_code from organizations").fetchall()}


def organizations(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return conn.execute(
        "select org_code, short_name, full_name, org_type, coalesce(municipality, 'Когалым') as municipality, "
        "inn, website from organizations order by org_type, org_code"
    ).df()
