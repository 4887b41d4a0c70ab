"""Мониторинг (item 7): the year's figures per organization beside the previous year's, as one table."""

import streamlit as st

from dashboard import filters, tables
from warehouse import queries

f = filters.current()
st.title("Мониторинг эффективности")
st.caption(f"{f.label}, в сравнении с {f.year - 1} годом. Пустая ячейка — нет данных.")

tables.listing(queries.monitoring, f.scope, f.year, as_of=f.as_of, name="Мониторинг", height=560,
               columns=["short_name", "done_pct", "done_pct_prev", "items_overdue", "teachers", "teachers_prev",
                        "mentors", "mentors_prev", "young_teachers", "young_covered", "young_coverage_pct",
                        "young_coverage_pct_prev", "difficulties_covered", "partners", "partners_prev", "events",
                        "events_prev", "mentee_students_pct", "mentee_students_pct_prev"])
