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
c2.metric("Педагогов-наставников среди педагогов", tables.pct(city["teachers_mentor_pct"]),
          help="Считаются только педагоги из текущего файла педагогов; наставник, которого там нет, — "
               "на странице «Обзор», вкладка «Файлы не сходятся».")
c3.metric(f"Наставников с нагрузкой больше {MENTOR_LOAD_MAX}", tables.num(city["mentors_overloaded"]),
          help="Нагрузка — наставляемые в парах со статусом «в работе».")

counts = data.cached(queries.mentor_counts, f.scope, f.year)
if counts.empty:
    st.info("Нет файлов наставников за этот год.")
else:
    by_org = data.cached(queries.mentors_by_org, f.scope, f.year, top=charts.TOP_N)
    # One under the other: side by side, at 1024 px each legend ran past its half of the page.
    charts.draw(st, charts.count_bars, counts, "mentor_type", "mentors", "Наставники по типу",
                color="mentors_whom", color_title="Наставляет", palette=charts.MENTORS_WHOM_COLORS)
    charts.draw(st, charts.count_bars, by_org, "short_name", "n", "Наставники по организациям", color="category",
                color_title="Тип наставника", of_total=int(by_org["orgs_total"].max()),
                palette=charts.MENTOR_TYPE_COLORS)

st.subheader("Показатели по организациям")
tables.listing(queries.org_kpi, f.scope, f.year, as_of=f.as_of, name="Наставники по организациям",
               columns=["short_name", "mentors", "mentors_teachers", "mentors_of_teachers", "mentors_of_students",
                        "teachers_mentor_pct", "mentors_trained", "mentor_load_avg", "mentors_overloaded"])
st.subheader("Наставнические пары")
p1, p2, p3, p4, p5 = st.columns(5)
p1.metric("Пар всего", tables.num(city["pairs"]),
          help=f"По данным {tables.num(city['pairs_reported'])} из {city['organizations']} организаций.")
p2.metric("В работе", tables.num(city["pairs_active"]))
p3.metric("Завершено", tables.num(city["pairs_completed"]))
p4.metric("Прервано", tables.num(city["pairs_interrupted"]))
p5.metric("С ППН", tables.num(city["pairs_with_programme"]),
          help="Пары с персонализированной программой наставничества.")
q1, q2, q3 = st.columns(3)
q1.metric("Наставников прошли обучение", tables.num(city["mentors_trained"]))
q2.metric("Наставников от партнёров", tables.num(city["mentors_from_partners"]))
q3.metric("Удовлетворённость пар (1–5)", russian.decimal(city["satisfaction_avg"], 2),
          help=f"Средняя оценка пар, где она указана: {tables.num(city['pairs_rated'])} пар.")
tables.listing(queries.pairs_by_org, f.scope, f.year, name="Наставнические пары по организациям",
               columns=["short_name", "pairs", "pairs_planned", "pairs_active", "pairs_completed", "pairs_interrupted",
                        "pairs_with_programme", "mentors_trained", "mentors_from_partners", "satisfaction_avg"])

st.subheader("Обучающиеся в наставничестве")
s1, s2 = st.columns(2)
s1.metric("Наставляемых среди обучающихся 10–18 лет", tables.pct(city["mentee_students_pct"]),
          help=f"{tables.num(city['mentee_students'])} из {tables.num(city['students_10_18'])}; по данным "
               f"{tables.num(city['students_reported'])} организаций.")
s2.metric("Обучающихся-наставников", tables.pct(city["mentor_students_pct"]),
          help=f"{tables.num(city['mentor_students'])} из {tables.num(city['students_total'])} обучающихся.")
tables.listing(queries.students_in_mentorship, f.scope, f.year, name="Обучающиеся в наставничестве",
               columns=["short_name", "students_10_18", "mentee_students", "mentee_students_pct",
                        "mentee_students_pct_prev", "students_total", "mentor_students", "mentor_students_pct",
                        "mentor_students_pct_prev"])

st.subheader("База наставников к 31 октября (пункт 4)")
b1, b2 = st.columns(2)
b1.metric("Загрузили в срок", f"{tables.num(city['mentor_base_on_time'])} из {tables.num(city['mentor_base_expected'])}")
b2.metric("С опозданием или нет файла", tables.num(city["mentor_base_late"]),
          help="Первый файл наставников за год пришёл после 31.10 или не пришёл, когда 31.10 уже прошло.")
tables.listing(queries.mentor_base_on_time, f.scope, f.year, as_of=f.as_of, name="База наставников к 31 октября",
               columns=["short_name", "mentor_base_state", "mentors_first_loaded_at"])

st.subheader(f"Наставники с нагрузкой больше {MENTOR_LOAD_MAX}")
tables.listing(queries.mentor_base, f.scope, f.year, overloaded=True, name=f"Наставники с нагрузкой больше {MENTOR_LOAD_MAX}",
               columns=["org_code", "full_name", "mentor_type", "active_mentees", "pairs"])
st.subheader("База наставников")
tables.listing(queries.mentor_base, f.scope, f.year, name="База наставников", height=420,
               columns=["org_code", "full_name", "mentor_type", "workplace", "mentors_whom", "trained", "order_date",
                        "active_mentees"])
