"""Showing a query's table on a page: Russian headers, dates as ДД.ММ.ГГГГ, percentages, links.

Pages call :func:`show` with the columns to show, in order; the one place where tables get their
look, so every table reads the same.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import partial

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

from dashboard import auth, data, export, filters
from dashboard.state import cursor
from dashboard.text import plain
from warehouse import accounts
from warehouse.labels import COLUMNS, NO_DATA
from warehouse.russian import day
from warehouse.russian import number as num  # «1 204» or «нет данных»; pages call tables.num
from warehouse.russian import pct as pct  # «85,3 %» or «нет данных»; pages call tables.pct

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


PLAIN_NUMBERS = export.PLAIN_NUMBERS   # numbers that are names (a year, an item): no digit grouping


def _config(col: str, s: pd.Series, title: str | None = None):
    title = title or COLUMNS.get(col, col)
    if col in PLAIN_NUMBERS:
        return st.column_config.NumberColumn(title, format="plain")
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) and s.dtype != "boolean":
        # The viewer's locale: a Russian browser shows «45,5» and «1 258». Percent columns say «%» in the title.
        return st.column_config.NumberColumn(title, format="localized")
    if pd.api.types.is_datetime64_any_dtype(s):
        fmt = "DD.MM.YYYY HH:mm" if col.endswith("_at") or col == "current_since" else "DD.MM.YYYY"
        return st.column_config.DatetimeColumn(title, format=fmt)
    if col.endswith("url") or col == "website":
        return st.column_config.LinkColumn(title)
    if pd.api.types.is_bool_dtype(s) or s.dtype == "boolean":
        return st.column_config.CheckboxColumn(title)
    return st.column_config.Column(title)


ROWS = 1000   # rows a table shows on screen; the exports carry all of them


ROW_PX, HEADER_PX = 35, 38     # st.dataframe's row and header height (its default theme)
NOT_YET = "—"                  # the date of something not done yet: not a missing figure


def fit(height: int | str, rows: int) -> int | str:
    """A table's height: ``height`` at most, but no taller than its rows (three rows are not drawn with
    ten empty grid rows below them)."""
    own = HEADER_PX + ROW_PX * max(rows, 1) + 3
    return min(height, own) if isinstance(height, int) else own if rows <= 10 else height


def show(df: pd.DataFrame, columns: list[str] | None = None, *, name: str | None = None, height: int | str = "auto",
         key: str | None = None, total: int | None = None, full: Callable[[], pd.DataFrame] | None = None,
         empty: str = "Нет строк для выбранных фильтров.", not_yet: tuple[str, ...] = (),
         about: str | None = None, prepared: Callable[[], Grid] | None = None, **kwargs):
    """Render ``df[columns]`` with Russian headers; extra kwargs go to ``st.dataframe`` (selection).

    A missing figure shows as «нет данных»; an empty text cell stays empty; a date of ``not_yet`` (e.g. the
    day an item was done) shows «—» when missing. With ``name`` (what the table is, in Russian), buttons
    under it export these columns to Excel and CSV: the rows shown, or ``full()``'s when ``df`` holds only
    the first ``len(df)`` of ``total`` rows (see :func:`listing`). ``empty``: what to say when there are no rows.
    ``about``: whose table it is when the page narrows the sidebar's filters (one organization picked
    on the page): the export's title and file name say it instead of the sidebar's scope. ``prepared``: where
    the grid comes from when it is kept (:func:`listing`), instead of being made from ``df`` on this run.
    """
    columns = columns or list(df.columns)
    if df.empty:
        st.info(empty)
        return None
    if prepared is None:
        names = _names_shown(columns)
        prepared = partial(_grid, contents=f"frame({data.digest(df)})", columns=tuple(columns), not_yet=tuple(not_yet),
                           names_key=_names_key(names), _df=df, _names=names)
    grid = prepared()
    if name:
        export_buttons(df, columns, name, key=key or f"export_{export.slug(name)}", full=full, about=about)
    if total is not None and total > len(df):
        st.caption(f"Показаны первые {num(len(df))} строк из {num(total)}. Полная таблица — в выгрузке "
                   "Excel или CSV; фильтры слева сужают список.")
    return st.dataframe(grid.table, hide_index=True, width="stretch", height=fit(height, grid.table.num_rows),
                        key=key, placeholder=NO_DATA, column_config=copy.deepcopy(grid.config), **kwargs)


@dataclass(frozen=True)
class Grid:
    """A table as the grid shows it: Arrow (what Streamlit sends; a DataFrame is converted on every run)
    and the columns' configuration."""
    table: pa.Table
    config: dict


def _names_shown(columns: list[str]) -> dict | None:
    """The organizations' names, when a table shows their codes without their names (see :func:`_prepare`)."""
    if "org_code" in columns and "short_name" not in columns:
        return filters.current().names or None
    return None


def _prepare(df: pd.DataFrame, columns: tuple[str, ...], not_yet: tuple[str, ...], names: dict | None) -> Grid:
    view = df[list(columns)].copy()
    for c in not_yet:
        view[c] = view[c].map(lambda v: day(v, missing=NOT_YET))
    titles = {}
    if names:
        # People read organizations by name («МАДОУ «Золушка»», not «ДС07»); the exports keep the code.
        view["org_code"] = view["org_code"].map(lambda c: names.get(c, c))
        titles["org_code"] = COLUMNS["short_name"]
    for c in columns:
        if view[c].dtype == object or pd.api.types.is_string_dtype(view[c]):
            view[c] = view[c].fillna("")
    config = {c: _config(c, view[c], titles.get(c)) for c in columns}
    return Grid(dataframe_util.convert_pandas_df_to_arrow_table(view), config)


@st.cache_resource(show_spinner=False, max_entries=512)
def _grid(contents: str, columns: tuple[str, ...], not_yet: tuple[str, ...], names_key: str, _df: pd.DataFrame,
          _names: dict | None) -> Grid:
    # ``contents`` names the rows: the query's cached result (data.result_key, in listing()) or the frame's
    # digest (data.digest, in show()): the same rows, the same grid, for every session and run; ``names_key``
    # the names shown for the codes. Shared: never modified (show() copies the config).
    return _prepare(_df, columns, not_yet, _names)


def _names_key(names: dict | None) -> str:
    return "" if names is None else hashlib.blake2b(repr(sorted(names.items())).encode(), digest_size=16).hexdigest()


def listing(query: Callable[..., pd.DataFrame], scope, *args, columns: list[str], name: str,
            height: int | str = "auto", empty: str | None = None, not_yet: tuple[str, ...] = (),
            **kwargs) -> pd.DataFrame:
    """Show the list ``query(cursor, scope, *args, **kwargs)`` (a function of :mod:`warehouse.queries` taking
    ``limit``): its first :data:`ROWS` rows on screen (a national list has hundreds of thousands), all of them
    in the export, fetched when clicked. ``empty``: the message shown instead of an empty table. Returns the
    rows shown, with ``total_rows``."""
    df = data.cached(query, scope, *args, limit=ROWS, **kwargs)
    if df.empty and empty is not None:
        st.info(empty)
        return df
    total = int(df["total_rows"].iloc[0]) if len(df) else 0
    full = partial(data.fetch, query, scope, *args, **kwargs) if total > len(df) else None
    names = _names_shown(columns)
    prepared = partial(_grid, contents=data.result_key(query, scope, *args, limit=ROWS, **kwargs),
                       columns=tuple(columns), not_yet=tuple(not_yet), names_key=_names_key(names), _df=df, _names=names)
    show(df, columns, name=name, height=height, total=total, full=full, not_yet=not_yet, prepared=prepared)
    return df


def export_buttons(df: pd.DataFrame, columns: list[str], name: str, *, key: str,
                   full: Callable[[], pd.DataFrame] | None = None, about: str | None = None) -> None:
    """«Excel» and «CSV» buttons for a table as shown: the page's filters in its title and file name, audited
    on click. ``full``: where the whole table comes from when ``df`` holds only its first rows; ``about``:
    whose table it is, when narrower than the sidebar's filters (see :func:`show`)."""
    f = filters.current()
    user = auth.current()
    today = date.today()
    scope = about or f.scope_label
    sheet = export.Sheet(title=f"{name}: {f.year} год, {scope}", frame=df, columns=columns, name=name,
                         note=f"Выгружено {today:%d.%m.%Y} пользователем {user.full_name} ({user.login}).")
    org = f.scope[0] if len(f.scope) == 1 else None
    # A row of buttons as wide as their words: columns of a fixed share squeezed them to «E.» at 1024 px.
    row = st.container(horizontal=True, gap="small")
    for fmt, label, mime in (("xlsx", "Excel", XLSX_MIME), ("csv", "CSV", "text/csv")):
        file = export.file_name(name, fmt, f.year, today, scope=scope)
        # The bytes are made when clicked, on another thread: it opens its own cursor for the audit line.
        auth.download_button(label, partial(audited_export, sheet, fmt, file, user.login, org, cursor, full),
                             where=row, file_name=file, mime=mime, key=f"{key}_{fmt}", icon=":material/download:")


def audited_export(sheet: export.Sheet, fmt: str, file: str, login: str, org: str | None, open_cursor,
                   full: Callable[[], pd.DataFrame] | None = None) -> bytes:
    """The export file's bytes, with a line in the audit log (who, what, how many rows)."""
    if full is not None:
        sheet = replace(sheet, frame=full())
    data_ = export.xlsx([sheet]) if fmt == "xlsx" else export.csv_bytes(sheet)
    with open_cursor() as cur:
        accounts.audit(cur, login, "export", page=sheet.name, org_code=org,
                       detail=f"{file}, строк: {len(sheet.frame)}")
    return data_


NAMES = 12   # organizations named in a sentence («Без партнёров: ...»); the rest are counted


def names(df: pd.DataFrame) -> str:
    """The organizations of a limited ``queries.org_names`` as a sentence for Markdown: «А, Б и ещё 1 234»
    (the names escaped: they come from the registry file)."""
    text = ", ".join(plain(n) for n in df["short_name"])
    total = int(df["total_rows"].iloc[0]) if len(df) and "total_rows" in df else len(df)
    return text + (f" и ещё {num(total - len(df))}" if total > len(df) else "")
