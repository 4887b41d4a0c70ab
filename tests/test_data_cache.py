"""The app's query cache (``dashboard.data``): shared by every session, so each caller gets its own copy,
each scope its own rows, and a committed upload a new data version at once."""

from __future__ import annotations

import pytest
import streamlit as st

from dashboard import data
from tests.conftest import SCHOOL, csv_bytes
from warehouse import db, queries


@pytest.fixture
def app_warehouse(warehouse, warehouse_path, monkeypatch):
    monkeypatch.setenv(db.ENV_DB, str(warehouse_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield warehouse
    st.cache_resource.clear()
    st.cache_data.clear()


def test_a_caller_cannot_change_what_the_next_one_gets(app_warehouse):
    codes = [c for (c,) in app_warehouse.execute("select org_code from organizations order by 1").fetchall()]
    first = data.cached(queries.organizations, codes)
    expected = first.copy(deep=True)
    first["short_name"] = "испорчено"
    first.loc[first.index[0], "org_code"] = "XXX"
    first.iloc[-1, 0] = "YYY"
    again = data.cached(queries.organizations, codes)
    assert again is not first
    assert again.equals(expected)


def test_each_scope_has_its_own_rows(app_warehouse):
    codes = [c for (c,) in app_warehouse.execute("select org_code from organizations order by 1").fetchall()]
    assert len(codes) > 1
    mine = data.cached(queries.organizations, [SCHOOL])
    everyone = data.cached(queries.organizations, codes)
    assert list(mine["org_code"]) == [SCHOOL]
    assert sorted(everyone["org_code"]) == codes


def test_a_committed_upload_changes_the_data_version_at_once(app_warehouse, load_bytes):
    before = data.data_version()
    assert data.data_version() == before                          # read once per change, not per call
    rows = [["Пункт", "Статус", "Комментарий"], [1, "в работе", "начали"]]
    assert load_bytes("roadmap", csv_bytes(rows)).outcome == "loaded"
    after = data.data_version()
    assert after != before and after[0] > before[0]


def test_a_listing_grid_is_kept_per_result_and_a_new_upload_makes_a_new_one(app_warehouse, load_bytes):
    """``tables.listing`` keeps the grid it made from a query's result under ``data.result_key``: the same
    arguments and data version give the same grid object; an upload gives a new key and a grid with the
    new rows."""
    from dashboard import tables
    key = data.result_key(queries.overdue_items, [SCHOOL], 2026, limit=tables.ROWS)
    assert key == data.result_key(queries.overdue_items, [SCHOOL], 2026, limit=tables.ROWS)
    assert key != data.result_key(queries.overdue_items, [SCHOOL], 2025, limit=tables.ROWS)
    frame = data.cached(queries.organizations, [SCHOOL])
    grid = tables._grid(contents="k1", columns=("org_code", "short_name"), not_yet=(), names_key="", _df=frame,
                        _names=None)
    again = tables._grid(contents="k1", columns=("org_code", "short_name"), not_yet=(), names_key="",
                         _df=frame.iloc[:0], _names=None)
    assert again is grid and grid.table.num_rows == 1 and grid.table.column("org_code").to_pylist() == [SCHOOL]
    before = data.result_key(queries.organizations, [SCHOOL])
    rows = [["Пункт", "Статус", "Комментарий"], [1, "в работе", "начали"]]
    assert load_bytes("roadmap", csv_bytes(rows)).outcome == "loaded"
    assert data.result_key(queries.organizations, [SCHOOL]) != before
