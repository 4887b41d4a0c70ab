"""Партнёры: partners by type and organization, those who provide mentors, organizations with none."""

import streamlit as st

from dashboard import charts, data, filters, tables
from warehouse import queries

f = filters.current()
st.title("Партнёры")
st.caption(f"{f.label}. Пункт 10 дорожной карты: вузы, колледжи, предприятия, учреждения культуры и спорта.")

city = data.cached(queries.city_summary, f.scope, f.year, as_of=f.as_of)
c1, c2, c3 = st.columns(3)
c1.metric("Организаций с партнёрами", f"{tables.num(city['orgs_with_partners'])} из {tables.num(city['partners_expected'])}",
          help=f"{tables.pct(city['orgs_with_partners_pct'])} организаций, к которым относится пункт 10 "
               "(управление образования не считается).")
c2.metric("Партнёров", tables.num(city["partners"]))
c3.metric("Партнёров, дающих наставников", tables.num(city["partners_with_mentors"]))

counts = data.cached(queries.partner_counts, f.scope, f.year)
if not counts.empty:
    by_org = data.cached(queries.partners_by_org, f.scope, f.year, top=charts.TOP_N)
    # One under the other, each with its own colours (as on «Наставники»): side by side, at 1024 px the
    # legend of partner types ran past its half of the page.
    charts.draw(st, charts.count_bars, counts, "partner_type", "partners", "Партнёры по типу",
                color="provides_mentors", color_title="Дают наставников", palette=charts.YES_NO_COLORS)
    charts.draw(st, charts.count_bars, by_org, "short_name", "n", "Партнёры по организациям", color="category",
                color_title="Тип партнёра", of_total=int(by_org["orgs_total"].max()))

a, b = st.columns(2)
a.subheader("Без партнёров")
a.write(tables.names(data.cached(queries.org_names, f.scope, f.year, "no_partners", limit=tables.NAMES)) or "Таких нет.")
b.subheader("Не прислали сведения")
b.write(tables.names(data.cached(queries.org_names, f.scope, f.year, "partners_missing", limit=tables.NAMES)) or "Все прислали.")

st.subheader("Партнёры, дающие наставников")
tables.listing(queries.partners, f.scope, f.year, with_mentors=True, name="Партнёры, дающие наставников",
               columns=["org_code", "name", "partner_type", "mentors_count"])
st.subheader("Все партнёры")
tables.listing(queries.partners, f.scope, f.year, name="Партнёры", height=420,
               columns=["org_code", "name", "partner_type", "agreement", "participation_forms", "mentors_count",
                        "since_date"])
