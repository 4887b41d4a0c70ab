"""The report's charts: static Altair charts rendered to PNG offline (vl-convert), drawn for paper.

They are not the app's charts (``dashboard/charts.py``): a printed page has no tooltips or selections, a
fixed width (the text column of A4 portrait, 165 mm) and must stay legible in black and white, so the
statuses keep their colours but every bar is also labelled with its number. Each function returns PNG
bytes and the width in millimetres the image is to be printed at (never wider than the text column).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert

from warehouse.report.figures import STATUSES
from warehouse.thresholds import COVERAGE_BENCHMARK_PCT, COVERAGE_GOAL_PCT

STATUS_COLORS = ["#2e7d32", "#4a90d9", "#b0b0b0", "#d62728", "#f2b84b", "#eeeeee"]
WIDTH_PX = 560            # drawn at this width (plus labels), printed at TEXT_WIDTH_MM
TEXT_WIDTH_MM = 165       # A4 210 mm − 30 mm left − 15 mm right margin (ГОСТ Р 7.0.97-2016)
SCALE = 3                 # pixels per CSS pixel in the PNG: sharp at print resolution
ROW_PX = 20
TOP_N = 30                # organizations in a chart by organization: those that need attention most
FONT = "Liberation Serif, Times New Roman, serif"


def _png(chart: alt.TopLevelMixin) -> bytes:
    chart = chart.configure(font=FONT).configure_axis(labelFontSize=12, titleFontSize=12) \
        .configure_legend(labelFontSize=12, titleFontSize=12).configure_view(stroke=None)
    return vl_convert.vegalite_to_png(chart.to_json(), scale=SCALE)


def roadmap_statuses(counts: pd.DataFrame) -> bytes:
    """Organizations per status for each item (``queries.roadmap_status_counts``), one bar per item."""
    df = counts.assign(item_label=counts["item"].astype(str) + ". " + counts["short_title"],
                       rank=counts["status_shown"].map({s: i for i, s in enumerate(STATUSES)}))
    order = list(dict.fromkeys(df.sort_values("item")["item_label"]))
    bars = alt.Chart(df).mark_bar().encode(
        y=alt.Y("item_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("organizations:Q", stack="zero", title="Организаций", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("status_shown:N", title="Статус", scale=alt.Scale(domain=STATUSES, range=STATUS_COLORS),
                        legend=alt.Legend(orient="bottom", columns=3)),
        order=alt.Order("rank:Q"),
    )
    labels = alt.Chart(df).mark_text(color="black", fontSize=11, dx=0).encode(
        y=alt.Y("item_label:N", sort=order),
        x=alt.X("mid:Q"),
        text=alt.Text("organizations:Q"),
        detail="status_shown:N",
    ).transform_filter("datum.organizations > 0").transform_window(
        cum="sum(organizations)", groupby=["item_label"], sort=[alt.SortField("rank")],
    ).transform_calculate(mid="datum.cum - datum.organizations / 2")
    return _png((bars + labels).properties(width=WIDTH_PX - 260, height=ROW_PX * df["item"].nunique()))


def coverage_by_org(org_kpi: pd.DataFrame) -> tuple[bytes, int]:
    """Young-teacher coverage of the organizations that have the figure, the ``TOP_N`` lowest, with the
    benchmark and the goal as lines. Returns the PNG and how many organizations have the figure."""
    known = org_kpi[org_kpi["young_coverage_pct"].notna()].copy()
    known["pct"] = known["young_coverage_pct"].astype(float)
    shown = known.sort_values(["pct", "short_name"]).head(TOP_N)
    shown["label"] = shown["pct"].map(lambda v: f"{v:.1f}".replace(".", ",") + " %")
    order = list(shown["short_name"])
    base = alt.Chart(shown).encode(y=alt.Y("short_name:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)))
    shown["band"] = (shown["pct"] < COVERAGE_BENCHMARK_PCT).map({True: "ниже ориентира", False: "не ниже ориентира"})
    bars = base.mark_bar().encode(
        x=alt.X("pct:Q", title="Охват молодых педагогов, %", scale=alt.Scale(domain=[0, 112]),
                axis=alt.Axis(values=list(range(0, 101, 10)))),
        color=alt.Color("band:N", scale=alt.Scale(domain=["ниже ориентира", "не ниже ориентира"],
                                                  range=["#d62728", "#4a90d9"]), legend=None))
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(x="pct:Q", text="label:N")
    goals = pd.DataFrame({"x": [COVERAGE_BENCHMARK_PCT, COVERAGE_GOAL_PCT],
                          "label": [f"ориентир {COVERAGE_BENCHMARK_PCT} %", f"цель {COVERAGE_GOAL_PCT} %"]})
    rules = alt.Chart(goals).mark_rule(strokeDash=[5, 3], color="#d62728").encode(x="x:Q")
    rule_text = alt.Chart(goals).mark_text(align="left", dx=3, dy=-6, color="#d62728", fontSize=11, baseline="bottom") \
        .encode(x="x:Q", y=alt.value(0), text="label:N")
    chart = (bars + text + rules + rule_text).properties(width=WIDTH_PX - 220, height=ROW_PX * max(len(shown), 1))
    return _png(chart), len(known)


def events_by_kind(counts: pd.DataFrame) -> bytes:
    """Events of the year by kind, stacked by level (``queries.events_by_kind``)."""
    levels = ["ОО", "муниципальный", "региональный", "федеральный"]
    chart = alt.Chart(counts).mark_bar().encode(
        y=alt.Y("kind:N", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("events:Q", stack="zero", title="Мероприятий", axis=alt.Axis(tickMinStep=1, tickCount=6)),
        color=alt.Color("level:N", title="Уровень", sort=levels,
                        scale=alt.Scale(domain=levels, range=["#c6dbef", "#6baed6", "#2171b5", "#08306b"]),
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("level_rank:Q"),
    ).transform_calculate(level_rank=f"indexof({levels!r}, datum.level)")
    return _png(chart.properties(width=WIDTH_PX - 260, height=ROW_PX * max(counts["kind"].nunique(), 1)))
