"""Наставники: counts by type and whom they mentor, share of teachers who mentor, load, the mentor base."""

import streamlit as st

from dashboard import auth, charts, data, filters, tables
from dashboard.state import cursor

f = filters.current()
with cursor() as cur:  # the page shows personal rows (names or teacher IDs with ages)
    auth.log_personal_view(cur, "Наставники", f.scope, f.year)
st.title("Наставники")
st.caption(f.label)

kpi = data.get("org_kpi", f.scope, f.year, as_of=f.as_of)
city = data.get("city_summary", f.scope, f.year, as_of=f.as_of)
c1, c2, c3 = st.columns(3)
c1.metric("Наставников", tables.num(city["mentors"]),
          help=f"По данным {city['mentors_reported']} из {city['organizations']} организаций.")
c2.metric("Педагогов-наставников среди педагогов", tables.pct(city["teachers_mentor_pct"]))
c3.metric("Наставников с нагрузкой больше 3", tables.num(kpi["mentors_overloaded"].sum(min_count=1)),
          help="Нагрузка — наставляемые в парах со статусом «в работе».")

breakdown = data.get("mentor_breakdown", f.scope, f.year)
if breakdown.empty:
    st.info("Нет файлов наставников за этот год.")
else:
    left, right = st.columns(2)
    left.altair_chart(charts.count_bars(breakdown, "mentor_type", "mentors", "Наставники по типу",
                                        color="mentors_whom", color_title="Наставляет"), width="stretch")
    right.altair_chart(charts.count_bars(breakdown, "short_name", "mentors", "Наставники по организациям",
                                         color="mentor_type", color_title="Тип"), width="stretch")

st.subheader("Показатели по организациям")
tables.show(kpi, ["short_name", "mentors", "mentors_teachers", "mentors_of_teachers", "mentors_of_students",
                  "teachers_mentor_pct", "mentors_trained", "mentor_load_avg", "mentors_overloaded"], name="Наставники по организациям")

base = data.get("mentor_base", f.scope, f.year)
st.subheader("Наставники с нагрузкой больше 3")
tables.show(base[base["overloaded"]], ["org_code", "full_name", "mentor_type", "active_mentees", "pairs"], name="Наставники с нагрузкой больше 3")
st.subheader("База наставников")
tables.show(base, ["org_code", "full_name", "mentor_type", "workplace", "mentors_whom", "trained", "order_date",
                   "active_mentees"], height=420, name="База наставников")
