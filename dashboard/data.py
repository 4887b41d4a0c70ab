"""Cached access to the query layer for the pages.

Streamlit's caches are shared by every session, so the scope (the organization codes the user may
see) is always part of the key, as is the warehouse's data version (the last upload id), so that a
new upload or a restore shows at once. Scopes travel as :class:`warehouse.queries.Scope`, whose digest
stands for its codes in the keys.

The cached functions are called with keyword arguments only: for each positional argument Streamlit
reads the function's signature again (``inspect.signature``, to learn the argument's name), which was
a tenth of a page's time with many sessions (py-spy over ``bench/bench_load.py``).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import os
import pickle
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import Concatenate, ParamSpec, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from dashboard.state import connection, cursor
from warehouse import accounts, db, queries, settings
from warehouse.queries import Scope

P = ParamSpec("P")
R = TypeVar("R")
# A query function of warehouse.queries: ``(cursor, scope, *args, **kwargs) -> result``.
Query = Callable[Concatenate[duckdb.DuckDBPyConnection, Collection[str], P], R]


def data_version() -> tuple:
    """Changes whenever an upload or a restore changes what the views show: read from the warehouse once
    per change this process commits (``warehouse.db.writes``), not on every call."""
    return _data_version(db_file=_db(), writes=db.writes())


@st.cache_resource(show_spinner=False, max_entries=8)
def _data_version(db_file: str, writes: int) -> tuple:
    # Read after the count: a commit counted later makes a new key, so a stale version is never kept.
    with connection(path=db_file).cursor() as cur:
        return cur.execute(
            "select (select coalesce(max(upload_id), 0) from uploads), "
            "(select max(updated_at) from snapshots)").fetchone()


def _db() -> str:
    return _db_named(os.environ.get(db.ENV_DB))


@functools.lru_cache(maxsize=8)
def _db_named(env: str | None) -> str:
    # ``db.db_path()`` builds and normalizes a Path: once per value of $MENTORSHIP_DB, not on every call.
    return str(db.db_path(env))


def digest(frame: pd.DataFrame) -> str:
    """What stands for a DataFrame's contents in a key (its columns, types, index and every value): a hash
    of its pickle, six times faster than hashing it cell by cell (4.5 ms against 0.75 ms for the city's
    roadmap). Two equal frames laid out differently may give two digests: that costs a second entry in a
    cache, never a wrong one."""
    return hashlib.blake2b(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).hexdigest()


def _query_key(query: Callable) -> str:
    """What names ``query`` in the cache key: its module and name (of the function itself, when a benchmark
    or a test wraps it)."""
    fn = inspect.unwrap(query)
    return f"{fn.__module__}.{fn.__qualname__}"


@st.cache_resource(show_spinner=False, max_entries=512)
def _run(query_key: str, db_file: str, version: tuple, scope_key: str, _query: Callable, _scope: Scope,
         args: tuple, kwargs: tuple):
    # ``_query`` and ``_scope`` are not hashed by Streamlit (leading underscore): ``query_key`` and
    # ``scope_key``, the function's name and the scope's digest, stand for them.
    with connection(path=db_file).cursor() as cur:
        return _query(cur, _scope, *args, **dict(kwargs))


def cached(query: Query[P, R], scope: Collection[str], *args: P.args, **kwargs: P.kwargs) -> R:
    """``query(cursor, scope, *args, **kwargs)`` for a query function of :mod:`warehouse.queries`, cached per
    function, scope and data version. Pages pass the function itself (``data.cached(queries.org_kpi, ...)``),
    so the call leads to the query, and the query's docstring to the SQL file of its figure.

    Each caller gets its own copy of the cached result, as ``st.cache_data`` would give, but without
    unpickling it on every call (a tenth of a page's time with many sessions, ``bench/bench_load.py``):
    a DataFrame as a shallow copy, which pandas' copy-on-write keeps apart from the cached one whatever
    the page does with it; anything else as a deep copy (small: a dict of figures, a list of years).
    """
    scope = scope if isinstance(scope, Scope) else Scope(scope)
    key = _query_key(query)
    result = _run(query_key=key, db_file=_db(), version=data_version(), scope_key=scope.key, _query=query, _scope=scope,
                  args=args, kwargs=tuple(sorted(kwargs.items())))
    return result.copy(deep=False) if isinstance(result, pd.DataFrame) else copy.deepcopy(result)


def result_key(query: Query[P, R], scope: Collection[str], *args: P.args, **kwargs: P.kwargs) -> str:
    """What names the result of :func:`cached` with these arguments now (the function, the warehouse, its
    data version, the scope, the arguments): a key for what is made from that result and kept too
    (``tables.listing``'s grid)."""
    scope = scope if isinstance(scope, Scope) else Scope(scope)
    return repr((_query_key(query), _db(), data_version(), scope.key, args, tuple(sorted(kwargs.items()))))


def fetch(query: Query[P, R], scope: Collection[str], *args: P.args, **kwargs: P.kwargs) -> R:
    """``query(cursor, scope, *args, **kwargs)`` without the cache, on a cursor of its own: the whole of a
    list for an export, made when the button is clicked (on another thread)."""
    with cursor() as cur:
        return query(cur, scope, *args, **kwargs)


@st.cache_resource(show_spinner=False, max_entries=64)
def _allowed(db_file: str, version: tuple, role: str, org_code: str | None) -> Scope:
    with connection(path=db_file).cursor() as cur:
        # accounts.scope returns the codes sorted by the key (``order by org_code``): not sorted again.
        return Scope.of_sorted(accounts.scope(cur, accounts.User(login="", full_name="", role=role, org_code=org_code)))


def allowed(user: accounts.User) -> Scope:
    """The organizations the user may read (``accounts.scope``), built once per data version."""
    return _allowed(db_file=_db(), version=data_version(), role=user.role, org_code=user.org_code)


ORG_CHOICES_MAX = 2000   # more organizations than this: choose a municipality (or a type) first


@dataclass(frozen=True)
class Pool:
    """The organizations left by the sidebar's municipality and type filters, within the user's scope.

    ``names`` (org_code -> short name) is filled only when the pool is small enough to be offered as a
    list (``ORG_CHOICES_MAX``): the nation's 42,000 names are never loaded for the sidebar.
    """
    scope: Scope
    names: dict          # shared by sessions: never modify


@st.cache_resource(show_spinner=False, max_entries=64)
def _facets(db_file: str, version: tuple, allowed_key: str, _allowed: Scope) -> pd.DataFrame:
    with connection(path=db_file).cursor() as cur:
        return queries.org_facets(cur, _allowed)


def facets(allowed_scope: Scope) -> pd.DataFrame:
    """Organizations the user may read counted per (municipality, org_type): what the filters offer."""
    return _facets(db_file=_db(), version=data_version(), allowed_key=allowed_scope.key, _allowed=allowed_scope)


@st.cache_resource(show_spinner=False, max_entries=128)
def _pool(db_file: str, version: tuple, allowed_key: str, _allowed: Scope, municipality: str | None,
          org_type: str | None) -> Pool:
    # A resource, not data: the same objects for every session (no copy of a large scope per rerun).
    with connection(path=db_file).cursor() as cur:
        if municipality is None and org_type is None:
            scope = _allowed
        else:
            scope = queries.org_codes(cur, _allowed, municipality, org_type)
        names = {}
        if len(scope) <= ORG_CHOICES_MAX:
            orgs = queries.organizations(cur, scope)
            names = dict(zip(orgs["org_code"], orgs["short_name"], strict=True))
    return Pool(scope=scope, names=names)


def pool(allowed_scope: Scope, municipality: str | None = None, org_type: str | None = None) -> Pool:
    return _pool(db_file=_db(), version=data_version(), allowed_key=allowed_scope.key, _allowed=allowed_scope,
                 municipality=municipality, org_type=org_type)


@st.cache_data(show_spinner=False, max_entries=64)
def _city_totals(db_file: str, version: tuple, year: int, as_of: date) -> dict:
    with connection(path=db_file).cursor() as cur:
        return queries.city_totals(cur, year, as_of)


def city_totals(year: int, as_of: date) -> dict:
    """The city's aggregate figures (no organization's rows), for every role."""
    return _city_totals(db_file=_db(), version=data_version(), year=year, as_of=as_of)


def reporting_years() -> list[int]:
    """The allowed reporting years (a setting), also when the registry is still empty."""
    return list(_reporting_years(db_file=_db(), version=data_version()))


@st.cache_resource(show_spinner=False, max_entries=8)
def _reporting_years(db_file: str, version: tuple) -> range:
    # Set by the command line (``python -m warehouse years``), which runs while the app is stopped.
    with connection(path=db_file).cursor() as cur:
        return settings.reporting_years(cur)


def is_demo() -> bool:
    """Whether the warehouse is the demo (a setting, written when the demo is built), read once per data version."""
    return _is_demo(db_file=_db(), version=data_version())


@st.cache_resource(show_spinner=False, max_entries=8)
def _is_demo(db_file: str, version: tuple) -> bool:
    with connection(path=db_file).cursor() as cur:
        return settings.is_demo(cur)


def roadmap_items(year: int) -> pd.DataFrame:
    with cursor() as cur:
        return queries.roadmap_items(cur, year)


def today() -> date:
    return date.today()
