"""Наставники: counts by type and whom they mentor, share of teachers who mentor, load, the mentor base."""

import streamlit as st

from dashboard import auth, charts, data, filters, tables
from dashboard.state import cursor
from warehouse import queries, russian
from warehouse.thresholds import MENTOR_LOAD_MAX

f = filters.current()
with cursor() as cur:  # the page shows personal rows (names or teacher IDs with ages)
    auth.log_personal_view(cur, "Наставники", f.scope, f.year)
st.title("Наставники")
st.caption(f.label)

city = data.cached(queries.city_summary, f.scope, f.year, as_of=f.as_of)
c1, c2, c3 = st.columns(3)
c1.metric("Наставников", tables.num(city["mentors"]),
          help=f"По данным {tables.num(city['mentors_reported'])} из {russian.orgs(city['organizations'], 'gen')}.")
c2.metric("Педагогов-наставников среди педагогов", tables.pct(city["teachers_mentor_pct"]))
c3.metric(f"Наставников с нагрузкой больше {MENTOR_LOAD_MAX}", tables.num(city["mentors_overloaded"]),
          help="Нагрузка — наставляемые в парах со статусом «в работе».")

counts = data.cached(queries.mentor_counts, f.scope, f.year)
if counts.empty:
    st.info("Нет файлов наставников за этот год.")
else:
    by_org = data.cached(queries.mentors_by_org, f.scope, f.year, top=charts.TOP_N)
    # One under the other: side by side, at 1024 px each legend ran past its half of the page.
    st.altair_chart(charts.count_bars(counts, "mentor_type", "mentors", "Наставники по типу",
                                      color="mentors_whom", color_title="Наставляет",
                                      palette=charts.MENTORS_WHOM_COLORS), width="stretch")
    st.altair_chart(charts.count_bars(by_org, "short_name", "n", "Наставники по организациям", color="category",
                                      color_title="Тип наставника", of_total=int(by_org["orgs_total"].max()),
                                      palette=charts.MENTOR_TYPE_COLORS), width="stretch")

st.subheader("Показатели по организациям")
tables.listing(queries.org_kpi, f.scope, f.year, as_of=f.as_of, name="Наставники по организациям",
               columns=["short_name", "mentors", "mentors_teachers", "mentors_of_teachers", "mentors_of_students",
                        "teachers_mentor_pct", "mentors_trained", "mentor_load_avg", "mentors_overloaded"])
st.subheader(f"Наставники с нагрузкой больше {MENTOR_LOAD_MAX}")
tables.listing(queries.mentor_base, f.scope, f.year, overloaded=True, name=f"Наставники с нагрузкой больше {MENTOR_LOAD_MAX}",
               columns=["org_code", "full_name", "mentor_type", "active_mentees", "pairs"])
st.subheader("База наставников")
tables.listing(queries.mentor_base, f.scope, f.year, name="База наставников", height=420,
               columns=["org_code", "full_name", "mentor_type", "workplace", "mentors_whom", "trained", "order_date",
                        "active_mentees"])
