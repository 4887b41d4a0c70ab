"""Партнёры: partners by type and organization, those who provide mentors, organizations with none."""

import streamlit as st

from dashboard import charts, data, filters, tables

f = filters.current()
st.title("Партнёры")
st.caption(f"{f.label}. Пункт 10 дорожной карты: вузы, колледжи, предприятия, учреждения культуры и спорта.")

city = data.get("city_summary", f.scope, f.year, as_of=f.as_of)
partners = data.get("partners", f.scope, f.year)
c1, c2, c3 = st.columns(3)
c1.metric("Организаций с партнёрами", f"{tables.num(city['orgs_with_partners'])} из {city['organizations']}")
c2.metric("Партнёров", tables.num(city["partners"]))
c3.metric("Партнёров, дающих наставников", tables.num((partners["mentors_count"] > 0).sum()))

if not partners.empty:
    left, right = st.columns(2)
    left.altair_chart(charts.count_bars(partners, "partner_type", None, "Партнёры по типу",
                                        color="provides_mentors", color_title="Дают наставников"), width="stretch")
    right.altair_chart(charts.count_bars(partners, "short_name", None, "Партнёры по организациям",
                                         color="partner_type", color_title="Тип"), width="stretch")

kpi = data.get("org_kpi", f.scope, f.year, as_of=f.as_of)
none = kpi[kpi["partners"] == 0]
missing = kpi[kpi["partners"].isna()]
a, b = st.columns(2)
a.subheader("Без партнёров")
a.write(", ".join(none["short_name"]) or "Таких нет.")
b.subheader("Не прислали сведения")
b.write(", ".join(missing["short_name"]) or "Все прислали.")

st.subheader("Партнёры, дающие наставников")
tables.show(partners[partners["mentors_count"] > 0], ["org_code", "name", "partner_type", "mentors_count"], name="Партнёры, дающие наставников")
st.subheader("Все партнёры")
tables.show(partners, ["org_code", "name", "partner_type", "agreement", "participation_forms", "mentors_count",
                       "since_date"], height=420, name="Партнёры")
