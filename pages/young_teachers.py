"""Молодые педагоги: coverage by a mentor against the goal, the trend, and who is still uncovered."""

import streamlit as st

from dashboard import auth, charts, data, filters, tables
from dashboard.state import cursor
from warehouse import queries
from warehouse.thresholds import YOUNG_AGE_BELOW, YOUNG_YEARS_IN_ORG_MAX

f = filters.current()
with cursor() as cur:  # the page shows personal rows (names or teacher IDs with ages)
    auth.log_personal_view(cur, "Молодые педагоги", f.scope, f.year)
st.title("Молодые педагоги")
st.caption(f"{f.label}. Молодой педагог — моложе {YOUNG_AGE_BELOW} лет и не более {YOUNG_YEARS_IN_ORG_MAX} лет работы в организации; охвачен — "
           "наставляемый в паре «в работе» или «завершена».")

city = data.cached(queries.city_summary, f.scope, f.year, as_of=f.as_of)
c1, c2, c3 = st.columns(3)
c1.metric("Молодых педагогов", tables.num(city["young_teachers"]))
c2.metric("С наставником", tables.num(city["young_covered"]))
c3.metric("Охват", tables.pct(city["young_coverage_pct"]), help="Цель — 100 %, ориентир — 70 %.")

lowest = data.cached(queries.lowest_coverage, f.scope, f.year, as_of=f.as_of, limit=charts.TOP_N)
if not lowest.empty:
    # The whole width: in a column beside the trend, at 1024 px the names left the bars 90 px.
    charts.draw(st, charts.coverage_bars, lowest, of_total=int(lowest["total_rows"].iloc[0]))
left, right = st.columns([3, 2])
trend = data.cached(queries.coverage_trend, f.scope)
if not trend.empty:
    charts.draw(left, charts.coverage_trend, trend)
no_data = data.cached(queries.org_names, f.scope, f.year, "coverage_missing", limit=tables.NAMES)
if not no_data.empty:
    right.warning("Нет данных об охвате (не загружены педагоги или пары): " + tables.names(no_data))

st.subheader("Молодые педагоги без наставника")
st.caption("Список по ID педагога: организация назначает наставника и загружает обновлённый файл пар.")
tables.listing(queries.uncovered_young_teachers, f.scope, f.year, name="Молодые педагоги без наставника", height=420,
               columns=["org_code", "teacher_id", "position", "age", "years_in_org"])
