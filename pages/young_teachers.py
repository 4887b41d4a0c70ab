"""Молодые педагоги: coverage by a mentor against the goal, the trend, and who is still uncovered."""

import streamlit as st

from dashboard import auth, charts, data, filters, tables
from dashboard.state import cursor

f = filters.current()
with cursor() as cur:  # the page shows personal rows (names or teacher IDs with ages)
    auth.log_personal_view(cur, "Молодые педагоги", f.scope, f.year)
st.title("Молодые педагоги")
st.caption(f"{f.label}. Молодой педагог — моложе 35 лет и не более 3 лет работы в организации; охвачен — "
           "наставляемый в паре «в работе» или «завершена».")

city = data.get("city_summary", f.scope, f.year, as_of=f.as_of)
c1, c2, c3 = st.columns(3)
c1.metric("Молодых педагогов", tables.num(city["young_teachers"]))
c2.metric("С наставником", tables.num(city["young_covered"]))
c3.metric("Охват", tables.pct(city["young_coverage_pct"]), help="Цель — 100 %, ориентир — 70 %.")

kpi = data.get("org_kpi", f.scope, f.year, as_of=f.as_of)
left, right = st.columns([3, 2])
if kpi["young_coverage_pct"].notna().any():
    left.altair_chart(charts.coverage_bars(kpi), width="stretch")
trend = data.get("coverage_trend", f.scope)
if not trend.empty:
    right.altair_chart(charts.coverage_trend(trend), width="stretch")
no_data = kpi[kpi["young_coverage_pct"].isna() & kpi["staff_expected"]]
if not no_data.empty:
    right.warning("Нет данных об охвате (не загружены педагоги или пары): "
                  + ", ".join(no_data["short_name"]))

st.subheader("Молодые педагоги без наставника")
st.caption("Список по ID педагога: организация назначает наставника и загружает обновлённый файл пар.")
tables.show(data.get("uncovered_young_teachers", f.scope, f.year),
            ["org_code", "teacher_id", "position", "age", "years_in_org"], height=420, name="Молодые педагоги без наставника")
