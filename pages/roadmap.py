"""Дорожная карта: organization × item matrix by status, and one organization's items with evidence."""

import streamlit as st

from dashboard import auth, charts, data, filters, tables
from dashboard.text import plain
from warehouse import queries

f = filters.current()
st.title("Дорожная карта")
st.caption(f"{f.label}. Статус «просрочено» — пункт не выполнен после срока; «нет отчёта» — организация "
           "не прислала отчёт по пункту.")

# The list is made only while the expander is open (opening it reruns the page).
items_box = st.expander("Пункты дорожной карты и сроки на этот год", key="roadmap_items", on_change="rerun")
if items_box.open:
    with items_box:
        tables.show(data.roadmap_items(f.year), ["item", "title", "result_form", "deadline_text", "due_date"],
                    name="Пункты дорожной карты")

if len(f.scope) > charts.MATRIX_MAX_ORGS:
    # Too many rows for a matrix: the share of each status per item, and what is overdue.
    counts = data.cached(queries.roadmap_status_counts, f.scope, f.year, as_of=f.as_of)
    charts.draw(st, charts.roadmap_shares, counts, len(f.scope))
    st.info(f"Матрица «организация × пункт» строится для {charts.MATRIX_MAX_ORGS} организаций и меньше: выберите "
            "муниципалитет, тип или организацию слева, чтобы увидеть пункты каждой организации.")
    st.subheader("Просроченные пункты")
    tables.listing(queries.overdue_items, f.scope, f.year, as_of=f.as_of, name="Просроченные пункты",
                   empty="Просроченных пунктов нет.", columns=["short_name", "item", "short_title", "due_date", "reported_status", "comment"])
    st.stop()


@st.fragment
def matrix_and_one(rm) -> None:
    """The matrix and the organization picked in it: a click on a row reruns only this part of the page
    (issue 16: the rest of the page is not rebuilt for every click). Such a rerun skips the entry script,
    so it checks the session itself."""
    auth.still_logged_in()
    event = charts.draw(st, charts.roadmap_matrix, rm,
                        select={"on_select": "rerun", "key": "roadmap_matrix", "selection_mode": "org"})
    codes = list(dict.fromkeys(rm["org_code"]))
    # A click on a row selects its organization; after a change of the sidebar's filters the chart may still
    # report an organization they exclude: that selection is simply dropped.
    picked = [c for c in (p.get("org_code") for p in (event.selection.get("org") or [])) if c in codes]
    default = picked[0] if picked else (f.org_code if f.org_code in codes else (codes[0] if codes else None))
    if default is None:
        return
    org = st.selectbox("Организация (или щёлкните строку матрицы)", codes, index=codes.index(default),
                       format_func=lambda c: f"{f.names.get(c, c)} ({c})")
    one = rm[rm["org_code"] == org]
    st.subheader(plain(f.names.get(org, org)))
    tables.show(one, ["item", "short_title", "status_shown", "due_date", "done_date", "result_url", "comment"],
                name="Дорожная карта организации", not_yet=("done_date",), about=f.names.get(org, org))


matrix_and_one(data.cached(queries.roadmap, f.scope, f.year, as_of=f.as_of))
