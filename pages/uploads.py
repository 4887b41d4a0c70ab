"""Загрузки (completeness): which organization uploaded which dataset for the year, when; what is missing."""

import streamlit as st

from dashboard import charts, data, filters, tables
from warehouse import queries

f = filters.current()
st.title("Загрузки")
st.caption(f"{f.label}. Зелёный — набор загружен, красный — файла нет, серый — этому типу организаций "
           "набор не нужен (детским садам — «Обучающиеся», управлению образования — всё, кроме дорожной карты "
           "и мероприятий).")

if len(f.scope) > charts.MATRIX_MAX_ORGS:
    counts = data.cached(queries.completeness_counts, f.scope, f.year)
    charts.draw(st, charts.completeness_shares, counts, len(f.scope))
else:
    charts.draw(st, charts.completeness_matrix, data.cached(queries.completeness, f.scope, f.year))
st.subheader("Кому что загрузить")
tables.listing(queries.missing_uploads, f.scope, f.year, name="Кому что загрузить", columns=["short_name", "missing", "datasets"])
st.subheader("Все наборы")
tables.listing(queries.completeness, f.scope, f.year, relevant=True, name="Загрузки", height=420,
               columns=["short_name", "dataset_title", "uploaded", "current_since", "first_loaded_at", "version", "rows",
                        "file_name", "uploaded_by"])
