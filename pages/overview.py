"""Обзор: the city's figures for the year and what needs attention now."""

import streamlit as st

from dashboard import auth, charts, data, filters, tables
from warehouse import accounts, queries, russian

f = filters.current()
st.title("Обзор")
st.caption(f"{f.label}. Организаций в выборке: {tables.num(len(f.scope))}.")

city = data.cached(queries.city_summary, f.scope, f.year, as_of=f.as_of)
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric("Дорожная карта", tables.pct(city["done_pct"]),
          help="Выполнено: пункты «выполнено» из всех пунктов, которые относятся к организации в этом году, "
               "кроме «не требуется»; пункт, не указанный в отчёте, считается невыполненным. "
               f"Отчитались {tables.num(city['roadmap_reported'])} из {russian.orgs(city['organizations'], 'gen')}.")
c1.caption(f"выполнено, без отчёта {tables.num(city['items_unreported'])}; "
           + (f"просрочено: **{russian.count(city['items_overdue'], 'пункт', 'пункта', 'пунктов')}** "
              f"в {russian.orgs(city['orgs_with_overdue'], 'loc')}" if city["items_overdue"]
              else "просроченных пунктов нет"))
c2.metric("Наставников", tables.num(city["mentors"]),
          help=f"По данным {tables.num(city['mentors_reported'])} из {russian.orgs(city['organizations'], 'gen')}.")
c2.caption(f"Педагогов-наставников: {tables.pct(city['teachers_mentor_pct'])} педагогов")
cov = city["young_coverage_pct"]
c3.metric("Охват молодых", tables.pct(cov),
          delta=None if cov is None else russian.points(cov - charts.BENCHMARK_PCT) + " к 70 %",
          delta_color="normal", help="Цель приказа — каждый молодой педагог (100 %); ориентир проекта "
                                     "«Учитель будущего» — не менее 70 %; стрелка — разница с ориентиром.")
c3.caption(f"С наставником {tables.num(city['young_covered'])} из {tables.num(city['young_teachers'])}")
c4.metric("С партнёрами", tables.pct(city["orgs_with_partners_pct"]),
          help="Организации с партнёрами из тех, к которым относится пункт 10 (управление образования не "
               f"считается). Файл партнёров загрузили {tables.num(city['partners_reported'])} из них.")
c4.caption(f"{russian.count(city['orgs_with_partners'], 'организация', 'организации', 'организаций')} из "
           f"{tables.num(city['partners_expected'])}; партнёров всего: {tables.num(city['partners'])}")
c5.metric("Мероприятий", tables.num(city["events"]))
c5.caption(f"Практик на региональном и федеральном уровне: {tables.num(city['practices_regional_federal'])}")

if f.org_code:  # one organization: put the city beside it (aggregates only, no other organization's rows)
    town = data.city_totals(f.year, f.as_of)
    words = {"done_pct": ("дорожная карта выполнена на " + tables.pct(town["done_pct"]), "дорожная карта"),
             "mentors": (f"наставников {tables.num(town['mentors'])}", "наставники"),
             "young_coverage_pct": ("охват молодых педагогов " + tables.pct(town["young_coverage_pct"]),
                                    "охват молодых педагогов"),
             "orgs_with_partners": (f"организаций с партнёрами {tables.num(town['orgs_with_partners'])} из "
                                    f"{tables.num(town['partners_expected'])}", "партнёры")}
    # A coordinator sees a city figure only when enough other organizations stand behind it (k-anonymity).
    others = queries.city_beside(town, city) if auth.current().role == accounts.COORDINATOR else {}
    hidden = [w for fig, (_, w) in words.items() if others.get(fig, queries.CITY_MIN_OTHERS) < queries.CITY_MIN_OTHERS]
    shown = [text for fig, (text, w) in words.items() if w not in hidden]
    why = (f"по этим данным отчитались меньше {queries.CITY_MIN_OTHERS} других организаций, и по городу можно "
           "было бы узнать показатели одной из них")
    if not shown:
        st.caption(f"**Город в целом** не показан: {why}.")
    else:
        st.caption("**Город в целом:** " + ", ".join(shown) + "."
                   + (f" Не показано ({why}): {', '.join(hidden)}." if hidden else ""))

st.subheader("Требует внимания")
# Only the open tab's table is made (a click on another tab reruns the page), as on «Мониторинг».
t1, t2, t3, t4 = st.tabs(["Просроченные пункты", "Нет загрузок", "Самый низкий охват", "Файлы не сходятся"],
                         key="overview_attention", on_change="rerun")
if t1.open:
    with t1:
        tables.listing(queries.overdue_items, f.scope, f.year, as_of=f.as_of, name="Просроченные пункты",
                       empty="Просроченных пунктов нет.",
                       columns=["short_name", "item", "short_title", "due_date", "reported_status", "comment"])
if t2.open:
    with t2:
        tables.listing(queries.missing_uploads, f.scope, f.year, columns=["short_name", "missing", "datasets"],
                       name="Нет загрузок", empty="Все организации загрузили все наборы за этот год.")
if t3.open:
    with t3:
        tables.show(data.cached(queries.lowest_coverage, f.scope, f.year, as_of=f.as_of, limit=10),
                    ["short_name", "young_teachers", "young_covered", "young_coverage_pct"], name="Самый низкий охват")
if t4.open:
    with t4:
        st.caption("Файл называет ID, которых нет в текущем файле другого набора (например, педагог-наставник, "
                   "которого нет в новом списке педагогов). Такие наставники не учитываются среди педагогов-"
                   "наставников, пока файлы не исправлены.")
        tables.listing(queries.broken_links, f.scope, f.year, name="Файлы не сходятся", empty="Все файлы сходятся.",
                       columns=["short_name", "dataset_title", "column_title", "target_title", "ids_missing",
                                "missing_ids"])

st.subheader("Организации")
tables.listing(queries.org_kpi, f.scope, f.year, as_of=f.as_of, name="Показатели организаций",
               columns=["short_name", "done_pct", "items_unreported", "items_overdue", "mentors",
                        "young_coverage_pct", "partners", "datasets_missing"])
