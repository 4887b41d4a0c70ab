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
