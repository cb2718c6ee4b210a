"""Purchasing policy: measures as data, scenarios with wedges, targets, hybrid, brief."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_helpers import factors, policy, render

SUMMARY = pd.DataFrame(
    {
        "spend_usd": [2e6, 1e6, 1.5e6, 3e5, 4e5, 2e5, 1e5, 5e5, 6e5, 3e6],
        "t_co2e": [1212.0, 1121.0, 402.0, 867.9, 23.2, 48.0, 64.9, 118.0, 46.8, 234.0],
    },
    index=pd.Index(
        [
            "327320",
            "324121",
            "336112",
            "112111",
            "334111",
            "337214",
            "322121",
            "323111",
            "541611",
            "541330",
        ],
        name="naics6",
    ),
)


def _measure(**kw) -> pd.DataFrame:
    row = {
        "measure_id": "m1",
        "name": "Measure",
        "category_codes": "327320",
        "change_type": "factor",
        "change": -0.3,
        "adoption_share": 1.0,
        "start_year": 2025,
    }
    row.update(kw)
    return pd.DataFrame([row])


# ---------------------------------------------------------------- measures


def test_bundled_measures_are_valid():
    m = policy.load_measures()
    ids = set(m["measure_id"])
    assert {
        "concrete_epd",
        "asphalt_epd",
        "fleet_ev",
        "food_plant_forward",
        "it_lifetime",
        "furniture_reuse",
        "recycled_paper",
        "demand_reduction",
    } <= ids
    r = m.set_index("measure_id")
    assert (
        r.loc["concrete_epd", "change"] == -0.3 and r.loc["concrete_epd", "change_type"] == "factor"
    )
    assert r.loc["asphalt_epd", "category_codes"] == "324121"
    # fleet: Scope 3 up (EV manufacturing), Scope 1 down: documented, not hidden
    assert r.loc["fleet_ev", "change"] > 0 and r.loc["fleet_ev", "scope1_change_t"] < 0
    assert r.loc["food_plant_forward", "target_code"] == "111219"
    assert m["notes"].str.len().gt(40).all() and m["source"].str.len().gt(5).all()


def test_load_measures_messages_name_line_and_column(tmp_path):
    good = policy.load_measures()
    bad = good.copy()
    bad.loc[2, "adoption_share"] = 1.5
    path = tmp_path / "mine.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(
        ValueError, match=r"mine.csv line 4 \(measure_id 'fleet_ev'\), column 'adoption_share'"
    ):
        policy.load_measures(path)
    cases = [
        ({"change_type": "price"}, "change_type"),
        ({"category_codes": "32A"}, "category_codes"),
        ({"change": "a lot"}, "'change': expected a"),
        ({"start_year": "inf"}, "'start_year': expected a"),
        ({"change": -1.5}, "at least -1"),
        ({"start_year": 2025.5}, "whole year"),
        ({"change_type": "shift", "change": -0.2}, "target_code"),
        ({"change_type": "shift", "change": 0.2, "target_code": "111219"}, "from -1 to 0"),
        ({"change_type": "shift", "change": -0.2, "target_code": "327320"}, "outside"),
    ]
    for kw, msg in cases:
        with pytest.raises(ValueError, match=msg):
            policy.validate_measures(_measure(**kw))
    with pytest.raises(ValueError, match="unique"):
        policy.validate_measures(pd.concat([_measure(), _measure()]))
    with pytest.raises(ValueError, match="lacks the column"):
        policy.validate_measures(_measure().drop(columns="adoption_share"))
    with pytest.raises(FileNotFoundError, match="No measures file"):
        policy.load_measures(tmp_path / "missing.csv")


# ---------------------------------------------------------------- scenarios


def test_no_change_scenarios_equal_the_baseline_exactly():
    baseline = SUMMARY["t_co2e"].sum()
    m = policy.load_measures()
    for measures in (
        None,
        m.iloc[0:0],
        m.assign(change=0.0),
        m.assign(adoption_share=0.0),
    ):
        r = policy.apply_scenario(SUMMARY, measures, 2030)
        assert r.baseline_t == baseline
        assert r.scenario_t == r.baseline_t
        assert (r.wedges == 0).all()
        assert r.by_category["scenario_t"].equals(r.by_category["baseline_t"])
        assert r.by_category.index.equals(SUMMARY.index)


def test_wedges_sum_to_the_reduction_and_order_matters_only_for_wedges():
    m = policy.load_measures()
    r = policy.apply_scenario(SUMMARY, m, 2030)
    assert r.wedges.sum() == pytest.approx(r.baseline_t - r.scenario_t, rel=1e-12, abs=1e-9)
    assert r.scenario_t == pytest.approx(r.by_category["scenario_t"].sum())
    assert r.order == m["measure_id"].tolist()
    # concrete -30% x 80% on 1,212 t
    assert r.wedges["concrete_epd"] == pytest.approx(1212.0 * 0.24)
    rev = policy.apply_scenario(SUMMARY, m, 2030, order=list(reversed(r.order)))
    assert rev.scenario_t == pytest.approx(r.scenario_t, rel=1e-12)
    assert rev.wedges.sum() == pytest.approx(rev.baseline_t - rev.scenario_t, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["spend", "factor", "shift"]),
            st.sampled_from(["32", "327320", "31", "5416", "112", "33"]),
            st.floats(-1.0, 1.0),
            st.floats(0.0, 1.0),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_wedges_sum_for_random_measures(specs):
    rows = []
    for i, (ctype, code, change, adoption) in enumerate(specs):
        row = {
            "measure_id": f"m{i}",
            "name": f"M{i}",
            "category_codes": code,
            "change_type": ctype,
            "change": -abs(change) if ctype == "shift" else change,
            "adoption_share": adoption,
            "start_year": 2020,
            "target_code": "111219" if ctype == "shift" else "",
            "target_kg_per_usd": 0.631 if ctype == "shift" else np.nan,
        }
        rows.append(row)
    r = policy.apply_scenario(SUMMARY, pd.DataFrame(rows), 2025)
    assert r.wedges.sum() == pytest.approx(r.baseline_t - r.scenario_t, rel=1e-12, abs=1e-9)
    assert r.by_category["scenario_t"].min() >= -1e-9


def test_each_change_type_and_prefix_matching():
    r = policy.apply_scenario(
        SUMMARY, _measure(category_codes="337", change_type="spend", change=-0.25), 2025
    )
    assert r.measures.loc[0, "matched_codes"] == "337214"
    assert r.wedges["m1"] == pytest.approx(48.0 * 0.25)
    assert r.by_category.loc["337214", "scenario_spend_usd"] == pytest.approx(150_000.0)
    f = policy.apply_scenario(SUMMARY, _measure(adoption_share=0.5), 2025)
    assert f.wedges["m1"] == pytest.approx(1212.0 * 0.15)
    assert f.by_category.loc["327320", "scenario_spend_usd"] == 2e6  # factor: spend unchanged
    shift = _measure(
        category_codes="112",
        change_type="shift",
        change=-0.25,
        target_code="111219",
        target_kg_per_usd=0.631,
    )
    s = policy.apply_scenario(SUMMARY, shift, 2025)
    moved = 3e5 * 0.25
    assert s.by_category.loc["111219", "scenario_spend_usd"] == pytest.approx(moved)
    assert s.by_category.loc["111219", "scenario_t"] == pytest.approx(moved * 0.631 / 1000)
    assert s.wedges["m1"] == pytest.approx(867.9 * 0.25 - moved * 0.631 / 1000)
    # the member's factor set wins over the file's default
    s2 = policy.apply_scenario(SUMMARY, shift, 2025, factors={"111219": 0.5})
    assert s2.by_category.loc["111219", "scenario_t"] == pytest.approx(moved * 0.5 / 1000)
    with pytest.raises(ValueError, match="factors="):
        policy.apply_scenario(SUMMARY, shift.drop(columns="target_kg_per_usd"), 2025)


def test_start_year_and_unmatched_measures():
    m = _measure(start_year=2028)
    r = policy.apply_scenario(SUMMARY, m, 2027)
    assert r.scenario_t == r.baseline_t and r.measures.loc[0, "note"] == "starts in 2028"
    r = policy.apply_scenario(SUMMARY, _measure(category_codes="999"), 2030)
    assert r.wedges["m1"] == 0.0 and "no matching" in r.measures.loc[0, "note"]


def test_fleet_electrification_shifts_scope1_to_scope3():
    m = policy.load_measures()
    fleet = m[m["measure_id"] == "fleet_ev"]
    r = policy.apply_scenario(SUMMARY, fleet, 2026)
    reached = 1.5e6 * 0.5
    assert r.wedges["fleet_ev"] == pytest.approx(-402.0 * 0.15)  # Scope 3 up
    assert r.scope1_change_t["fleet_ev"] == pytest.approx(-107.0 * reached / 1e6)
    assert r.scope2_change_t["fleet_ev"] == pytest.approx(37.0 * reached / 1e6)
    assert r.scenario_t > r.baseline_t  # Scope 1 savings are not netted into Scope 3
    chart = r.scopes_chart()
    assert "Scope 1 (fuel)" in chart.alt_text and "Scope 3" in chart.alt_text
    assert policy.apply_scenario(SUMMARY, fleet, 2025).scope1_change_t["fleet_ev"] == 0.0


def test_scenario_input_errors():
    with pytest.raises(ValueError, match="spend_usd"):
        policy.apply_scenario(SUMMARY.drop(columns="spend_usd"), None, 2025)
    with pytest.raises(ValueError, match="unknown measures"):
        policy.apply_scenario(SUMMARY, _measure(), 2025, order=["nope"])


# ---------------------------------------------------------------- targets, hybrid


def test_target_path_endpoints_and_gap():
    p = policy.target_path(4138.1, 2022, 2030, 0.5)
    assert p.index[0] == 2022 and p.index[-1] == 2030 and len(p) == 9
    assert p.loc[2022] == 4138.1
    assert p.loc[2030] == 4138.1 * (1 - 0.5)
    assert np.allclose(np.diff(p.to_numpy()), -4138.1 * 0.5 / 8)
    g = policy.gap(p, 3600.0, 2026)
    assert g.target_t == pytest.approx(4138.1 * 0.75)
    assert g.gap_t == pytest.approx(3600.0 - 4138.1 * 0.75) and not g.on_track
    assert policy.gap(p, 2000.0, 2030).on_track
    with pytest.raises(ValueError, match="after"):
        policy.target_path(100.0, 2030, 2030, 0.5)
    with pytest.raises(ValueError, match="from 0 to 1"):
        policy.target_path(100.0, 2022, 2030, 50)
    with pytest.raises(ValueError, match="not on it"):
        policy.gap(p, 1.0, 2035)


def test_hybrid_replaces_spend_based_estimate():
    h = policy.hybrid(1212.0, 4000.0, "m3", 250.0, label="Ready-mix concrete")
    assert h.supplier_specific_t == pytest.approx(1000.0)
    assert h.difference_t == pytest.approx(-212.0)
    assert h.implied_spend_based_kg_per_unit == pytest.approx(303.0)
    assert "EPD" in h.note and "A1-A3" in h.note
    with pytest.raises(ValueError, match="quantity"):
        policy.hybrid(10.0, -1.0, "m3", 250.0)


# ---------------------------------------------------------------- brief


def _brief(tmp_path, **kw):
    r = policy.apply_scenario(SUMMARY, policy.load_measures(), 2026)
    path = policy.target_path(r.baseline_t, 2022, 2030, 0.5)
    h = policy.hybrid(1212.0, 4000.0, "m3", 250.0, label="Ready-mix concrete")
    return policy.policy_brief(
        tmp_path / "brief",
        member="Cedar Valley <County>",
        scenario=r,
        path=path,
        hot_spots=SUMMARY.assign(kg_per_usd=SUMMARY["t_co2e"] * 1000 / SUMMARY["spend_usd"]),
        hybrids=[h],
        assumptions=["Fiscal year 2026 budget as baseline spend."],
        **kw,
    )


def test_policy_brief_writes_markdown_html_and_charts(tmp_path):
    out = _brief(tmp_path)
    md = out.markdown.read_text(encoding="utf-8")
    page = out.html.read_text(encoding="utf-8")
    assert out.markdown.suffix == ".md" and out.html.suffix == ".html"
    for text in (md, page):
        assert "public domain" in text and factors.FACTOR_SETS["sef_v1.3"].attribution in text
        assert "CEDA by Watershed" not in text
        assert "Low-carbon ready-mix concrete" in text
        assert "Fiscal year 2026 budget" in text
        assert "battery manufacturing" in text and "Source type:" in text  # measure assumptions
    assert "Cedar Valley &lt;County&gt;" in page  # escaped in HTML
    assert page.count("data:image/png;base64,") == len(out.images) == 3
    assert 'alt="Waterfall chart' in page
    for img in out.images:
        assert img.parent == out.markdown.parent and img.stat().st_size > 1000
        assert f"]({img.name})" in md
    assert "| 327320" in md or "|   327320" in md


def test_policy_brief_open_ceda_attribution_and_fallback_table(tmp_path, monkeypatch):
    out = _brief(tmp_path, factor_version="Open CEDA 2024 (NOR)")
    for f in (out.markdown, out.html):
        text = f.read_text(encoding="utf-8")
        assert "CEDA by Watershed" in text and "CC BY-SA 4.0" in text
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "tabulate" else real(name, *a)
    )
    table = render.markdown_table(pd.DataFrame({"a|b": ["x|y"], "n": ["1"]}))
    assert table.splitlines() == ["| a\\|b | n |", "|---|---|", "| x\\|y | 1 |"]
