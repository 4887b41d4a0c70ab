"""Мероприятия и практики: events by level and kind over time (items 5, 6, 9), the contest (item 8),
teachers with difficulties covered (item 6)."""

import streamlit as st

from dashboard import charts, data, filters, tables
from warehouse import queries

f = filters.current()
st.title("Мероприятия и практики")
st.caption(f.label)

city = data.cached(queries.city_summary, f.scope, f.year, as_of=f.as_of)
c1, c2, c3 = st.columns(3)
c1.metric("Мероприятий за год", tables.num(city["events"]))
c2.metric("Практик на региональном и федеральном уровне", tables.num(city["practices_regional_federal"]))
c3.metric("Педагоги с затруднениями с наставником",
          f"{tables.num(city['difficulties_covered'])} из {tables.num(city['teachers_with_difficulties'])}",
          help="Пункт 6: педагоги с отметкой «Затруднения — да», которые наставляемые в паре «в работе» "
               "или «завершена» (по организациям, загрузившим и педагогов, и пары).")

per_month = data.cached(queries.events_per_month, f.scope)
if per_month.empty:
    st.info("Нет файлов мероприятий.")
else:
    charts.draw(st, charts.events_by_month, per_month)
    by_kind = data.cached(queries.events_by_kind, f.scope, f.year)
    if not by_kind.empty:
        charts.draw(st, charts.events_by_kind, by_kind)

st.subheader("Конкурс «Педагог-наставник» (пункт 8: 2026 и 2028 годы)")
k1, k2, k3 = st.columns(3)
k1.metric("Участников", tables.num(city["contest_participants"]),
          help="Участники от организаций (строки с ролью «участник»; пустое «Участников» — один). "
               "Участники, указанные организатором конкурса, сюда не входят.")
k2.metric("Призёров", tables.num(city["contest_prizewinners"]))
k3.metric("Победителей", tables.num(city["contest_winners"]))
tables.listing(queries.contest_events, f.scope, name="Конкурс «Педагог-наставник»",
               empty="Участие в конкурсе «Педагог-наставник» не отмечено.",
               columns=["year", "org_code", "event_date", "title", "level", "role", "participants", "result"])
st.subheader("Другие конкурсы")
tables.listing(queries.other_contests, f.scope, f.year, name="Другие конкурсы", empty="Других конкурсов нет.",
               columns=["org_code", "event_date", "title", "level", "role", "participants", "result", "url"])

st.subheader("Практики на региональном и федеральном уровне (пункт 9)")
tables.listing(queries.regional_practices, f.scope, f.year,
               name="Практики регионального и федерального уровня",
               columns=["org_code", "event_date", "title", "level", "result", "url"])

st.subheader("Педагоги с затруднениями (пункт 6) по организациям")
tables.listing(queries.org_kpi, f.scope, f.year, as_of=f.as_of, name="Педагоги с затруднениями",
               columns=["short_name", "teachers_with_difficulties", "difficulties_covered", "events_item6"])
st.subheader("Все мероприятия года")
tables.listing(queries.events, f.scope, f.year, name="Мероприятия", height=420,
               columns=["org_code", "event_date", "title", "level", "kind", "role", "participants", "result", "url"])
