"""Altair chart builders: data in, chart out, Russian labels, readable at 25 and at 700 organizations.

Each builder takes the DataFrame a query returned and decides how to stay readable: the roadmap
matrix turns into shares per item above ``MATRIX_MAX_ORGS`` organizations, bar charts per
organization show the ``TOP_N`` that need attention most.

Pages draw a chart with :func:`draw` (``charts.draw(st, charts.count_bars, counts, ...)``), not with
``st.altair_chart``: the Vega-Lite specification of a builder and its data is made once and kept
(:func:`_spec`), where ``st.altair_chart`` rebuilt the Altair objects, converted them and validated
them against Vega-Lite's JSON schema on every run of every session — about half of the server's
Python time with 30 sessions (py-spy over ``bench/bench_load.py``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from dashboard import data
from warehouse import russian
from warehouse.thresholds import COVERAGE_BENCHMARK_PCT, COVERAGE_GOAL_PCT

STATUS_ORDER = ["выполнено", "в работе", "не начато", "просрочено", "нет отчёта", "не требуется"]
STATUS_COLORS = ["#2e7d32", "#4a90d9", "#b0b0b0", "#d62728", "#f2b84b", "#eeeeee"]
GOAL_PCT = COVERAGE_GOAL_PCT              # the order: every young teacher has a mentor
BENCHMARK_PCT = COVERAGE_BENCHMARK_PCT    # the federal «Учитель будущего» benchmark
# A coverage's band and its colour, on the page and in the meeting pack: below the benchmark, up to the goal, the goal.
COVERAGE_BANDS = {f"ниже {BENCHMARK_PCT} %": "#d62728", f"{BENCHMARK_PCT}–{GOAL_PCT - 1} %": "#f2b84b",
                  f"{GOAL_PCT} %": "#2e7d32"}
MATRIX_MAX_ORGS = 60
TOP_N = 30
ROW_PX = 22
LABEL_LIMIT = 280
COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")   # counts are whole: no «0,5» on the axis
# Two charts of mentors side by side must not give one colour two meanings: whom they mentor and their type
# each have their own hues (a value not listed here is drawn grey).
MENTORS_WHOM_COLORS = {"педагогов": "#4e79a7", "обучающихся": "#f28e2b", "педагогов и обучающихся": "#9c755f"}
YES_NO_COLORS = {"да": "#2e7d32", "нет": "#b0b0b0"}
MENTOR_TYPE_COLORS = {"педагог": "#59a14f", "обучающийся": "#b07aa1", "студент": "#edc948",
                      "представитель работодателя": "#76b7b2", "другое": "#bab0ac"}


# Every encoding has a Russian title, also where the axis or legend shows none (``axis=alt.Axis(title=None)``):
# Vega describes each mark to screen readers as «title: value; …», and without a title it says the column's
# name («short_name: МАОУ …»).


def coverage_band(pct: float) -> str:
    """The band of a coverage in percent (a key of :data:`COVERAGE_BANDS`)."""
    below, between, goal = COVERAGE_BANDS
    return below if pct < BENCHMARK_PCT else between if pct < GOAL_PCT else goal


def _status_color(columns: int = 6) -> alt.Color:
    # A bottom legend starts under the plot, right of the axis labels, and Vega does not wrap it: six columns
    # beside the organizations' names ran past the chart at 1024 px («просро»).
    return alt.Color("status_shown:N", title="Статус", scale=alt.Scale(domain=STATUS_ORDER, range=STATUS_COLORS),
                     legend=alt.Legend(orient="bottom", columns=columns, labelLimit=LABEL_LIMIT))


def roadmap_shares(counts: pd.DataFrame, n_orgs: int) -> alt.Chart:
    """The share of organizations in each status per item (``queries.roadmap_status_counts``): the
    roadmap of more organizations than a matrix can show (above MATRIX_MAX_ORGS)."""
    return alt.Chart(counts).mark_bar().encode(
        x=alt.X("item:O", title="Пункт дорожной карты", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(organizations):Q", stack="normalize", title="Доля организаций", axis=alt.Axis(format="%")),
        color=_status_color(),
        order=alt.Order("status_rank:Q"),
        tooltip=[alt.Tooltip("item:O", title="Пункт"), alt.Tooltip("short_title:N", title="Мероприятие"),
                 alt.Tooltip("status_shown:N", title="Статус"),
                 alt.Tooltip("sum(organizations):Q", title="Организаций", format=",")],
    ).transform_calculate(
        status_rank=f"indexof({STATUS_ORDER!r}, datum.status_shown)"
    ).properties(height=360, title=f"Статусы пунктов у {russian.orgs(n_orgs, 'gen', sep=russian.NBSP)}")


def roadmap_matrix(df: pd.DataFrame, selectable: bool = True) -> alt.Chart:
    """Organizations × items coloured by status (``queries.roadmap`` of at most MATRIX_MAX_ORGS
    organizations; more go to :func:`roadmap_shares`)."""
    color = _status_color(columns=2)
    order = list(dict.fromkeys(df["short_name"]))    # the query's order: by type, then by name as people read it
    df = df.assign(due=df["due_date"].dt.strftime("%d.%m.%Y"),
                   done=df["done_date"].dt.strftime("%d.%m.%Y").fillna("—"),
                   # «4 · 31.10»: the item with its due date in the year, on the axis itself
                   item_label=df["item"].astype(str) + " · " + df["due_date"].dt.strftime("%d.%m"))
    columns = list(dict.fromkeys(df.sort_values("item")["item_label"]))
    picked = alt.selection_point(name="org", fields=["org_code"], on="click")
    chart = alt.Chart(df).mark_rect(stroke="white", strokeWidth=1.5).encode(
        x=alt.X("item_label:O", title="Пункт дорожной карты · срок", sort=columns,
                # Two lines («4» over «31.10»): one line per column no longer fits and Vega drops every
                # other label.
                axis=alt.Axis(labelAngle=0, orient="top", labelOverlap=False,
                              labelExpr="split(datum.label, ' · ')")),
        y=alt.Y("short_name:N", title="Организация", sort=order, axis=alt.Axis(title=None, labelLimit=LABEL_LIMIT)),
        color=color,
        tooltip=[alt.Tooltip("short_name:N", title="Организация"), alt.Tooltip("item:O", title="Пункт"),
                 alt.Tooltip("short_title:N", title="Мероприятие"), alt.Tooltip("status_shown:N", title="Статус"),
                 alt.Tooltip("due:N", title="Срок"), alt.Tooltip("done:N", title="Выполнено")],
    ).properties(height=alt.Step(ROW_PX))
    if selectable:
        chart = chart.add_params(picked).encode(opacity=alt.condition(picked, alt.value(1.0), alt.value(0.35)))
    return chart


def coverage_bars(df: pd.DataFrame, of_total: int | None = None) -> alt.Chart:
    """Young-teacher coverage per organization against the goal (100%) and the benchmark (70%).

    ``df``: organizations with the figure, e.g. ``queries.lowest_coverage``; at most TOP_N are drawn,
    the lowest. ``of_total``: how many organizations have the figure, when ``df`` holds only the lowest.
    """
    d = df.dropna(subset=["young_coverage_pct"]).sort_values(["young_coverage_pct", "short_name"])
    title: str | list[str] = "Охват молодых педагогов наставничеством"
    total = max(len(d), of_total or 0)
    if total > TOP_N:
        d = d.head(TOP_N)
        title = [title, f"{TOP_N} из {russian.orgs(total, 'gen', sep=russian.NBSP)}, с самым низким охватом"]
    d = d.assign(pct_text=d["young_coverage_pct"].map(russian.pct), band=d["young_coverage_pct"].map(coverage_band))
    bars = alt.Chart(d).mark_bar().encode(
        x=alt.X("young_coverage_pct:Q", title="Охват, %", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("short_name:N", title="Организация", sort=list(d["short_name"]),
                axis=alt.Axis(title=None, labelLimit=LABEL_LIMIT)),
        # The legend under the plot: on the right it took the plot's width at 1024 px and left no bars.
        color=alt.Color("band:N", title="Охват", scale=alt.Scale(domain=list(COVERAGE_BANDS),
                                                                   range=list(COVERAGE_BANDS.values())),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        tooltip=[alt.Tooltip("short_name:N", title="Организация"), alt.Tooltip("pct_text:N", title="Охват"),
                 alt.Tooltip("young_covered:Q", title="С наставником"),
                 alt.Tooltip("young_teachers:Q", title="Молодых педагогов")],
    )
    # The value beside each bar: a 0 % bar has no length, and the row must not look empty.
    values = bars.mark_text(align="left", dx=3, fontSize=11, color="#333").encode(
        text=alt.Text("pct_text:N", title="Охват"), color=alt.value("#333"))
    # Room on the right for the value beside a full bar («100,0 %»).
    return (bars + values + _goal_rules()).properties(height=alt.Step(ROW_PX), title=title,
                                                       padding={"left": 5, "top": 5, "bottom": 5, "right": 48})


def _goal_rules() -> alt.LayerChart:
    # The two labels on two lines: side by side they overlap where 70 and 100 are close (a narrow chart).
    goals = pd.DataFrame({"x": [BENCHMARK_PCT, GOAL_PCT], "label": ["ориентир 70 %", "цель 100 %"]})
    rule = alt.Chart(goals).mark_rule(strokeDash=[4, 3], color="#555").encode(x="x:Q")
    layers = [alt.Chart(goals.iloc[[i]]).mark_text(align="right", dx=-4, color="#555").encode(
        x="x:Q", y=alt.value(y), text=alt.Text("label:N", title="Линия")) for i, y in ((0, -6), (1, -20))]
    return alt.layer(rule, *layers)


def coverage_trend(df: pd.DataFrame) -> alt.Chart:
    """Coverage per year (queries.coverage_trend) with the goal and the benchmark."""
    d = df.assign(pct_text=df["coverage_pct"].map(russian.pct), year_label=df["year"].astype(str))
    base = alt.Chart(d).encode(
        x=alt.X("year_label:O", title="Год", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("coverage_pct:Q", title="Охват, %", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("year_label:O", title="Год"), alt.Tooltip("pct_text:N", title="Охват"),
                 alt.Tooltip("covered:Q", title="С наставником"),
                 alt.Tooltip("young_teachers:Q", title="Молодых педагогов")],
    )
    goals = pd.DataFrame({"y": [BENCHMARK_PCT, GOAL_PCT]})
    rules = alt.Chart(goals).mark_rule(strokeDash=[4, 3], color="#555").encode(y="y:Q")
    return (base.mark_line(point=True, strokeWidth=3) + base.mark_text(dy=-12).encode(text=alt.Text("pct_text:N", title="Охват"))
            + rules).properties(height=260, title=["Охват молодых педагогов", "по годам"])   # two lines: a narrow column


def count_bars(df: pd.DataFrame, category: str, value: str | None, title: str, color: str | None = None,
               color_title: str | None = None, category_title: str | None = None, of_total: int | None = None,
               palette: dict[str, str] | None = None) -> alt.Chart:
    """Horizontal bars of a count per category, largest first; optional stacked colour.
    ``value``: the column to sum, or None to count the rows. ``of_total``: how many categories there
    are when ``df`` holds only the largest (``queries.mentors_by_org``). ``palette``: the colour of each
    value of ``color`` (the same value, the same colour on every chart)."""
    if value is None:
        df, value = df.assign(rows=1), "rows"
    # One row per bar (and colour) before Altair: per-organization frames have 100,000s of rows nationally.
    df = df.groupby([category, color] if color else [category], as_index=False, dropna=False)[value].sum()
    order = list(df.groupby(category)[value].sum().sort_values(ascending=False).index)
    total = max(len(order), of_total or 0)
    if len(order) > TOP_N:
        keep = set(order[:TOP_N])
        df = df[df[category].isin(keep)]
        order = order[:TOP_N]
    if total > len(order):
        title += f" (первые {len(order)} из {russian.number(total, sep=russian.NBSP)})"
    enc = {
        "x": alt.X(f"sum({value}):Q", title="Количество", axis=COUNT_AXIS),
        "y": alt.Y(f"{category}:N", title=category_title or "Категория", sort=order,
                   axis=alt.Axis(title=category_title, labelLimit=LABEL_LIMIT)),
        "tooltip": [alt.Tooltip(f"{category}:N", title=category_title or "Категория"),
                    alt.Tooltip(f"sum({value}):Q", title="Количество")],
    }
    if color:
        scale = alt.Undefined
        if palette:
            seen = [v for v in df[color].dropna().unique() if v not in palette]
            scale = alt.Scale(domain=[*palette, *seen], range=[*palette.values(), *["#9d9d9d"] * len(seen)])
        enc["color"] = alt.Color(f"{color}:N", title=color_title or "Категория", scale=scale,
                                 legend=alt.Legend(title=color_title, orient="bottom", columns=1, labelLimit=LABEL_LIMIT))
        enc["tooltip"].insert(1, alt.Tooltip(f"{color}:N", title=color_title))
    return alt.Chart(df).mark_bar().encode(**enc).properties(height=alt.Step(ROW_PX), title=title)


def events_by_kind(df: pd.DataFrame) -> alt.Chart:
    """Events of one year by kind, stacked by level (``queries.events_by_kind``: kind, level, events)."""
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("sum(events):Q", title="Мероприятий", axis=COUNT_AXIS),
        y=alt.Y("kind:N", title="Вид", sort="-x", axis=alt.Axis(title=None, labelLimit=LABEL_LIMIT)),
        color=alt.Color("level:N", title="Уровень",
                        scale=alt.Scale(domain=["ОО", "муниципальный", "региональный", "федеральный"],
                                        range=["#b0c4de", "#4a90d9", "#f28e2b", "#d62728"]),
                        legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("kind:N", title="Вид"), alt.Tooltip("level:N", title="Уровень"),
                 alt.Tooltip("sum(events):Q", title="Мероприятий")],
    ).properties(height=alt.Step(30), title="Мероприятия года по видам и уровням")


def events_by_month(df: pd.DataFrame) -> alt.Chart:
    """Events over time, one line per kind (``queries.events_per_month``: month, kind, events); the legend
    on the right so that it never eats the plot's height."""
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("yearmonth(month):T", title="Месяц", axis=alt.Axis(format="%m.%Y", tickCount="month")),
        y=alt.Y("sum(events):Q", title="Мероприятий", axis=COUNT_AXIS),
        color=alt.Color("kind:N", title="Вид", legend=alt.Legend(orient="right", labelLimit=LABEL_LIMIT)),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Месяц", format="%m.%Y"),
                 alt.Tooltip("kind:N", title="Вид"), alt.Tooltip("sum(events):Q", title="Мероприятий")],
    ).properties(height=260, title="Мероприятия по месяцам, все годы")


COMPLETENESS_STATES = ["загружен", "нет файла", "не требуется"]
COMPLETENESS_COLORS = ["#2e7d32", "#d62728", "#eeeeee"]


def _state_color() -> alt.Color:
    return alt.Color("state:N", title="Состояние", scale=alt.Scale(domain=COMPLETENESS_STATES,
                                                                  range=COMPLETENESS_COLORS),
                     legend=alt.Legend(title=None, orient="bottom"))


def completeness_shares(counts: pd.DataFrame, n_orgs: int) -> alt.Chart:
    """The share of organizations per dataset and state (``queries.completeness_counts``), above
    MATRIX_MAX_ORGS organizations."""
    titles = list(dict.fromkeys(counts.sort_values("sort")["dataset_title"]))
    return alt.Chart(counts).mark_bar().encode(
        x=alt.X("sum(organizations):Q", stack="normalize", title="Доля организаций", axis=alt.Axis(format="%")),
        y=alt.Y("dataset_title:N", title="Набор", sort=titles, axis=alt.Axis(title=None)), color=_state_color(),
        tooltip=[alt.Tooltip("dataset_title:N", title="Набор"), alt.Tooltip("state:N", title="Состояние"),
                 alt.Tooltip("sum(organizations):Q", title="Организаций", format=",")],
    ).properties(height=alt.Step(30), title=f"Загрузки {russian.orgs(n_orgs, 'gen', sep=russian.NBSP)}")


def completeness_matrix(df: pd.DataFrame) -> alt.Chart:
    """Organizations × datasets (``queries.completeness`` of at most MATRIX_MAX_ORGS organizations): uploaded,
    missing, or not required of this type of organization."""
    titles = list(dict.fromkeys(df.sort_values("sort")["dataset_title"]))
    color = _state_color()
    d = df.assign(when=df["current_since"].dt.strftime("%d.%m.%Y").fillna("—"),
                  # «—» for no upload: Vega writes a missing value as «null» in the tooltip and to screen readers
                  version_shown=df["version"].map(lambda v: "—" if pd.isna(v) else str(int(v))))
    order = list(dict.fromkeys(d["short_name"]))    # the query's order: by type, then by name as people read it
    return alt.Chart(d).mark_rect(stroke="white", strokeWidth=1.5).encode(
        # Slanted and never dropped: level, Vega hid 3 of the 7 titles that did not fit at 1280 px.
        x=alt.X("dataset_title:N", title="Набор", sort=titles,
                axis=alt.Axis(title=None, labelAngle=-30, labelAlign="left", orient="top", labelLimit=160, labelOverlap=False)),
        y=alt.Y("short_name:N", title="Организация", sort=order, axis=alt.Axis(title=None, labelLimit=LABEL_LIMIT)),
        color=color,
        tooltip=[alt.Tooltip("short_name:N", title="Организация"), alt.Tooltip("dataset_title:N", title="Набор"),
                 alt.Tooltip("state:N", title="Состояние"), alt.Tooltip("when:N", title="Загружен"),
                 alt.Tooltip("version_shown:N", title="Версия")],
    ).properties(height=alt.Step(ROW_PX), padding={"left": 5, "top": 5, "bottom": 5, "right": 24})


# ---------------------------------------------------------------------------------------------
# Drawing: a builder's specification, made once per builder and data


def _digest(value) -> str:
    """What stands for a builder's argument in the cache key: a DataFrame by its contents
    (:func:`dashboard.data.digest`); anything else by its ``repr`` (strings, numbers, dicts of colours)."""
    return f"frame({data.digest(value)})" if isinstance(value, pd.DataFrame) else repr(value)


def _key(args: tuple, kwargs: dict) -> str:
    return "|".join([*(_digest(a) for a in args), *(f"{k}={_digest(v)}" for k, v in sorted(kwargs.items()))])


def _vega_lite(chart: alt.TopLevelMixin) -> dict:
    """The chart as Streamlit's ``st.altair_chart`` would send it: validated by Altair, without the
    default theme's 300×300 view (Streamlit sizes the chart), each dataset as Arrow IPC bytes (what
    ``st.vega_lite_chart`` sends as it is, where a list of rows would be converted on every run)."""
    spec = chart.to_dict()
    view = spec.get("config", {}).get("view", {})
    for size in ("continuousWidth", "continuousHeight"):
        view.pop(size, None)
    if "view" in spec.get("config", {}) and not view:
        del spec["config"]["view"]
    if "config" in spec and not spec["config"]:
        del spec["config"]
    spec["datasets"] = {name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame.from_records(rows))
                        for name, rows in spec.get("datasets", {}).items()}
    return spec


@st.cache_resource(show_spinner=False, max_entries=256)
def _spec(name: str, key: str, _build: Callable[..., alt.TopLevelMixin], _args: tuple, _kwargs: dict) -> dict:
    # Shared by every session: never modified (draw() hands Streamlit a copy, which it changes).
    return _vega_lite(_build(*_args, **_kwargs))


def draw(where, build: Callable[..., alt.TopLevelMixin], *args, select: dict | None = None, **kwargs):
    """Draw ``build(*args, **kwargs)`` (a builder of this module) in ``where`` (``st``, a column, a tab) as
    wide as it: the specification is made on the first call with these arguments (the same data, the
    same chart) and reused by every session after it. ``select``: Streamlit's selection arguments
    (``on_select``, ``key``, ``selection_mode``); the result is then the selection event."""
    spec = _spec(name=build.__qualname__, key=_key(args, kwargs), _build=build, _args=args, _kwargs=kwargs)
    return where.vega_lite_chart(spec=copy.deepcopy(spec), width="stretch", **(select or {}))
