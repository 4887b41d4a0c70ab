"""Showing a query's table on a page: Russian headers, dates as ДД.ММ.ГГГГ, percentages, links.

Pages call :func:`show` with the columns to show, in order; the one place where tables get their
look, so every table reads the same.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from warehouse.labels import COLUMNS

NO_DATA = "нет данных"
PLAIN_NUMBERS = {"year", "item", "version", "upload_id"}   # numbers that are names: no digit grouping


def _config(col: str, s: pd.Series):
    title = COLUMNS.get(col, col)
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


def show(df: pd.DataFrame, columns: list[str] | None = None, *, height: int | str = "auto", key: str | None = None,
         **kwargs):
    """Render ``df[columns]`` with Russian headers; extra kwargs go to ``st.dataframe`` (selection).

    A missing figure shows as «нет данных»; an empty text cell stays empty.
    """
    columns = columns or list(df.columns)
    view = df[columns].copy()
    if view.empty:
        st.info("Нет строк для выбранных фильтров.")
        return None
    for c in columns:
        if view[c].dtype == object or pd.api.types.is_string_dtype(view[c]):
            view[c] = view[c].fillna("")
    return st.dataframe(view, hide_index=True, width="stretch", height=height, key=key, placeholder=NO_DATA,
                        column_config={c: _config(c, view[c]) for c in columns}, **kwargs)


def num(v) -> str:
    """A count for a tile: «1 204», or «нет данных»."""
    return NO_DATA if v is None or pd.isna(v) else f"{int(v):,}".replace(",", " ")


def pct(v) -> str:
    """A percentage for a tile: «85,3 %», or «нет данных»."""
    return NO_DATA if v is None or pd.isna(v) else f"{v:.1f}".replace(".", ",") + " %"
