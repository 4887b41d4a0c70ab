"""Загрузки (completeness): which organization uploaded which dataset for the year, when; what is missing."""

import streamlit as st

from dashboard import charts, data, filters, tables

f = filters.current()
st.title("Загрузки")
st.caption(f"{f.label}. Зелёный — набор загружен, красный — файла нет, серый — этому типу организаций "
           "набор не нужен (детским садам — «Обучающиеся», управлению образования — всё, кроме дорожной карты "
           "и мероприятий).")

comp = data.get("completeness", f.scope, f.year)
st.altair_chart(charts.completeness_matrix(comp), width="stretch")
st.subheader("Кому что загрузить")
tables.show(data.get("missing_uploads", f.scope, f.year), ["short_name", "missing", "datasets"], name="Кому что загрузить")
st.subheader("Все наборы")
tables.show(comp[comp["expected"] | comp["uploaded"]],
            ["short_name", "dataset_title", "uploaded", "current_since", "first_loaded_at", "version", "rows",
             "file_name", "uploaded_by"], height=420, name="Загрузки")
