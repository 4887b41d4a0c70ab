"""Загрузки (completeness): which organization uploaded which dataset for the year, when; what is missing."""

import streamlit as st

from dashboard import charts, data, filters, tables
from warehouse.labels import DATASET_TITLES

f = filters.current()
st.title("Загрузки")
st.caption(f"{f.label}. Зелёный — набор загружен, красный — файла нет.")

comp = data.get("completeness", f.scope, f.year)
titles = {k: v for k, v in DATASET_TITLES.items() if k != "organizations"}
st.altair_chart(charts.completeness_matrix(comp, titles), width="stretch")
st.subheader("Кому что загрузить")
tables.show(data.get("missing_uploads", f.scope, f.year), ["short_name", "missing", "datasets"])
st.subheader("Все наборы")
tables.show(comp.assign(dataset=comp["dataset"].map(titles)),
            ["short_name", "dataset", "uploaded", "current_since", "first_loaded_at", "version", "rows",
             "file_name", "uploaded_by"], height=420)
