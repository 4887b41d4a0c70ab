"""Мероприятия и практики: events by level and kind over time (items 5, 6, 9), the contest (item 8),
teachers with difficulties covered (item 6)."""

import streamlit as st

from dashboard import charts, data, filters, tables

f = filters.current()
st.title("Мероприятия и практики")
st.caption(f.label)

year_events = data.get("events", f.scope, f.year)
practices = data.get("regional_practices", f.scope, f.year)
kpi = data.get("org_kpi", f.scope, f.year, as_of=f.as_of)
c1, c2, c3 = st.columns(3)
c1.metric("Мероприятий за год", tables.num(len(year_events)) if kpi["events"].notna().any() else "нет данных")
c2.metric("Практик на региональном и федеральном уровне", tables.num(len(practices)))
diff_total, diff_cov = kpi["teachers_with_difficulties"].sum(min_count=1), kpi["difficulties_covered"].sum(min_count=1)
c3.metric("Педагоги с затруднениями с наставником", f"{tables.num(diff_cov)} из {tables.num(diff_total)}",
          help="Пункт 6: педагоги с отметкой «Затруднения — да», которые наставляемые в паре «в работе» "
               "или «завершена» (по организациям, загрузившим и педагогов, и пары).")

per_month = data.get("events_per_month", f.scope)
if per_month.empty:
    st.info("Нет файлов мероприятий.")
else:
    st.altair_chart(charts.events_by_month(per_month), width="stretch")
    if not year_events.empty:
        st.altair_chart(charts.events_by_kind(year_events), width="stretch")

st.subheader("Конкурс «Педагог-наставник» (пункт 8: 2026 и 2028 годы)")
contest = data.get("contest_events", f.scope)
if contest.empty:
    st.info("Участие в конкурсах не отмечено.")
else:
    tables.show(contest, ["year", "org_code", "event_date", "title", "level", "participants", "result"], name="Конкурсы")

st.subheader("Практики на региональном и федеральном уровне (пункт 9)")
tables.show(practices, ["org_code", "event_date", "title", "level", "result", "url"], name="Практики регионального и федерального уровня")

st.subheader("Педагоги с затруднениями (пункт 6) по организациям")
tables.show(kpi, ["short_name", "teachers_with_difficulties", "difficulties_covered", "events_item6"], name="Педагоги с затруднениями")
st.subheader("Все мероприятия года")
tables.show(year_events, ["org_code", "event_date", "title", "level", "kind", "role", "participants", "result", "url"],
            height=420, name="Мероприятия")
