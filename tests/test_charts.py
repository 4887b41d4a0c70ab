"""Chart builders: what a reader must see in a chart is in its specification."""

from __future__ import annotations

import pandas as pd

from dashboard import charts


def test_coverage_bars_show_each_value_and_how_many_organizations_are_left_out():
    """At national scale the lowest coverages are 0 %: a bar without length must still read «0 %»."""
    df = pd.DataFrame({"org_code": [f"O{i:02}" for i in range(40)],
                       "short_name": [f"Школа {i:02}" for i in range(40)],
                       "young_coverage_pct": [0.0] * 35 + [50.0, 75.0, 100.0, 80.0, 20.0],
                       "young_covered": 1, "young_teachers": 4})
    spec = charts.coverage_bars(df, of_total=1234).to_dict()
    assert spec["title"] == ["Охват молодых педагогов наставничеством",
                             f"{charts.TOP_N} из 1\xa0234 организаций, с самым низким охватом"]
    shown = next(iter(spec["datasets"].values()))
    assert len(shown) == charts.TOP_N and {r["pct_text"] for r in shown} == {"0,0 %"}
    text_layers = [layer for layer in spec["layer"]
                   if layer.get("mark", {}).get("type") == "text" and layer["encoding"].get("text", {}).get(
                       "field") == "pct_text"]
    assert len(text_layers) == 1


def test_a_chart_is_specified_once_per_data_and_its_kept_spec_never_changes(monkeypatch):
    """``charts.draw`` makes a builder's Vega-Lite spec on the first call with its data and arguments and
    hands Streamlit a copy after that (Streamlit moves the datasets out of the spec it gets): a second
    call with equal data builds nothing, other data builds again, and the kept spec keeps its Arrow data."""
    import streamlit as st

    st.cache_resource.clear()
    built = []

    def bars(df, title):
        built.append(title)
        return charts.count_bars(df, "kind", "n", title)

    df = pd.DataFrame({"kind": ["а", "б"], "n": [3, 5]})
    sent = []
    monkeypatch.setattr(st, "vega_lite_chart", lambda spec, **kw: sent.append((spec, kw)) or spec["datasets"].clear())
    charts.draw(st, bars, df, "Счёт")
    charts.draw(st, bars, df.copy(), "Счёт")
    assert built == ["Счёт"]
    assert all(kw == {"width": "stretch"} for _, kw in sent) and sent[0][0] is not sent[1][0]
    kept = charts._spec(name=bars.__qualname__, key=charts._key((df, "Счёт"), {}), _build=None, _args=(),
                        _kwargs={})
    assert kept["datasets"] and all(isinstance(v, bytes) for v in kept["datasets"].values())
    assert "continuousWidth" not in str(kept.get("config", {}))
    charts.draw(st, bars, df.assign(n=[3, 6]), "Счёт")
    charts.draw(st, bars, df, "Иначе")
    assert built == ["Счёт", "Счёт", "Иначе"]
    st.cache_resource.clear()


def test_the_digest_of_a_frame_follows_every_value_column_and_type():
    df = pd.DataFrame({"a": [1, 2], "b": ["x", None]})
    same = charts._digest(df.copy())
    assert charts._digest(df) == same
    assert charts._digest(df.assign(b=["x", "y"])) != same
    assert charts._digest(df.rename(columns={"a": "c"})) != same
    assert charts._digest(df.astype({"a": "float64"})) != same
    assert charts._digest(df.iloc[:1]) != same
