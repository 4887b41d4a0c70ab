"""Мониторинг (item 7): each organization's figures beside the previous year's, one topic per tab, so that a
table holds what a meeting compares (the year, the year before) and fits the screen."""

import streamlit as st

from dashboard import filters, tables
from warehouse import queries

f = filters.current()
st.title("Мониторинг эффективности")
st.caption(f"{f.label}, в сравнении с {f.year - 1} годом: рядом с каждым показателем — его значение за "
           f"{f.year - 1} год. «Нет данных» — файл не загружен.")

TOPICS = {
    "Дорожная карта": ["done_pct", "done_pct_prev", "items_unreported", "items_overdue"],
    "Молодые педагоги": ["young_teachers", "young_teachers_prev", "young_covered", "young_covered_prev",
                         "young_coverage_pct", "young_coverage_pct_prev"],
    "Затруднения (п. 6)": ["teachers_with_difficulties", "teachers_with_difficulties_prev", "difficulties_covered",
                           "difficulties_covered_prev"],
    "Наставники и пары": ["teachers", "teachers_prev", "mentors", "mentors_prev", "teachers_mentor_pct",
                          "teachers_mentor_pct_prev", "pairs", "pairs_prev", "pairs_with_programme",
                          "pairs_with_programme_prev"],
    "Партнёры и мероприятия": ["partners", "partners_prev", "mentors_from_partners", "mentors_from_partners_prev",
                               "events", "events_prev", "practices_regional_federal",
                               "practices_regional_federal_prev"],
    "Обучающиеся": ["mentee_students", "mentee_students_prev", "mentee_students_pct", "mentee_students_pct_prev",
                    "mentor_students", "mentor_students_prev", "mentor_students_pct", "mentor_students_pct_prev"],
}
# Only the open tab's table is made (a click on another tab reruns the page): six tables and their twelve
# export buttons on every visit were a fifth of the server's time with many users (bench/bench_load.py).
tabs = st.tabs(list(TOPICS), key="monitoring_topic", on_change="rerun")
for tab, (topic, columns) in zip(tabs, TOPICS.items(), strict=True):
    if not tab.open:
        continue
    with tab:
        tables.listing(queries.monitoring, f.scope, f.year, as_of=f.as_of, name=f"Мониторинг: {topic.lower()}",
                       columns=["short_name", *columns])
