"""Cached access to the query layer for the pages.

Streamlit's caches are shared by every session, so the scope (the organization codes the user may
see) is always part of the key, as is the warehouse's data version (the last upload id), so that a
new upload or a restore shows at once.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.state import connection, cursor
from warehouse import db, queries, settings


def data_version() -> tuple:
    """Changes whenever an upload or a restore changes what the views show."""
    with cursor() as cur:
        return cur.execute(
            "select (select coalesce(max(upload_id), 0) from uploads), "
            "(select max(updated_at) from snapshots)").fetchone()


@st.cache_data(show_spinner=False, max_entries=512)
def _run(name: str, db_file: str, version: tuple, scope_key: str, _scope: tuple[str, ...], args: tuple,
         kwargs: tuple):
    # ``_scope`` is not hashed by Streamlit (leading underscore): ``scope_key``, its digest, stands for it
    # in the key. Hashing 42,000 codes on every call cost about a second per page at national scale.
    with connection(db_file).cursor() as cur:
        return getattr(queries, name)(cur, _scope, *args, **dict(kwargs))


def scope_key(scope: tuple[str, ...]) -> str:
    return hashlib.sha256("\x1f".join(scope).encode("utf-8")).hexdigest()


def get(name: str, scope, *args, **kwargs):
    """``queries.<name>(cursor, scope, *args, **kwargs)``, cached per scope and data version."""
    scope = tuple(sorted(scope))
    return _run(name, str(db.db_path()), data_version(), scope_key(scope), scope, args, tuple(sorted(kwargs.items())))


@st.cache_data(show_spinner=False, max_entries=64)
def _city_totals(db_file: str, version: tuple, year: int, as_of: date) -> dict:
    with connection(db_file).cursor() as cur:
        return queries.city_totals(cur, year, as_of)


def city_totals(year: int, as_of: date) -> dict:
    """The city's aggregate figures (no organization's rows), for every role."""
    return _city_totals(str(db.db_path()), data_version(), year, as_of)


def reporting_years() -> list[int]:
    """The allowed reporting years (a setting), also when the registry is still empty."""
    with cursor() as cur:
        return list(settings.reporting_years(cur))


def roadmap_items(year: int) -> pd.DataFrame:
    with cursor() as cur:
        return queries.roadmap_items(cur, year)


def today() -> date:
    return date.today()
