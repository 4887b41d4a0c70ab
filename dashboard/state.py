"""The app's handle on the warehouse: one DuckDB connection per process, a cursor per use.

DuckDB 2.0 refuses concurrent calls on one connection from several threads, and Streamlit runs
each session's script on its own thread; so the connection is cached once (``st.cache_resource``)
and every use works on its own ``cursor()`` (``with cursor() as cur: ...``).
"""

from __future__ import annotations

import streamlit as st

from warehouse import db


@st.cache_resource(show_spinner=False)
def connection(path: str):
    return db.connect(path)


def cursor():
    """A new cursor on the app's warehouse ($MENTORSHIP_DB, else data/warehouse.duckdb)."""
    return connection(path=str(db.db_path())).cursor()
