"""Pedigree variances and the Monte Carlo range of an inventory."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_helpers import factors, uncertainty


@pytest.fixture(scope="module")
def inventory() -> pd.DataFrame:
    """A small realistic inventory: 300 lines over 40 SEF codes."""
    fs = factors.load_factor_set("sef_v1.3")
    rng = np.random.default_rng(7)
    codes = rng.choice(fs.table.index.to_numpy(), 40, replace=False)
    naics = rng.choice(codes, 300)
    lk = factors.lookup(naics, fs)
    spend = rng.lognormal(8, 1.5, 300)
    return pd.DataFrame(
        {
            "naics6": naics,
            "bea_code": lk["bea_code"].to_numpy(),
            "emissions_kg": spend * lk["factor_kg_per_usd"].to_numpy(),
            "confidence": rng.uniform(0.6, 1.0, 300),
            "department": rng.choice(["parks", "roads", "admin"], 300),
        }
    )


def test_pedigree_variances_are_the_ecoinvent_v3_values():
    assert uncertainty.PEDIGREE_VARIANCES == {
        "reliability": (0, 0.0006, 0.002, 0.008, 0.04),
        "completeness": (0, 0.0001, 0.0006, 0.002, 0.008),
        "temporal": (0, 0.0002, 0.002, 0.008, 0.04),
        "geographical": (0, 0.000025, 0.0001, 0.0006, 0.002),
        "technological": (0, 0.0006, 0.008, 0.04, 0.12),
    }
    assert uncertainty.DQ_TO_PEDIGREE["data_collection"] == "completeness"
    assert uncertainty.EEIO_BASIC_VARIANCE == pytest.approx(math.log(1.5) ** 2)


def test_pedigree_variance_sum():
    worst = {i: 5 for i in uncertainty.INDICATORS}
    assert uncertainty.pedigree_variance(worst) == pytest.approx(0.04 + 0.008 + 0.04 + 0.002 + 0.12)
    dq_names = {
        "reliability": 3,
        "data_collection": 1,
        "temporal": 2,
        "geographical": 1,
        "technological": 3,
    }
    assert uncertainty.pedigree_variance(dq_names) == pytest.approx(0.002 + 0.0002 + 0.008)
    with pytest.raises(ValueError, match="1..5"):
        uncertainty.pedigree_variance({**worst, "temporal": 6})


def test_sector_scores_one_set_per_sector():
    dom = uncertainty.sector_scores("dominant")
    assert dom.index.is_unique and len(dom) == 394
    assert dom.loc["327310", "basis"] == "Carbon dioxide"
    assert dom.loc["562000", "basis"] == "Methane"  # landfills
    worst = uncertainty.sector_scores("worst")
    cols = list(uncertainty.INDICATORS)
    assert (worst[cols] >= dom.loc[worst.index, cols]).all().all()
    v = uncertainty.sector_variances("mean")
    assert v["pedigree_variance"].between(0, 0.21).all()


def test_code_variances_fallbacks():
    cv = uncertainty.code_variances(["327310", "333914", "230301, 233210", "XYZ"])
    assert cv.loc["327310", "basis"] == "Carbon dioxide"
    assert "33391*" in cv.loc["333914", "basis"]
    assert "2 sectors" in cv.loc["230301, 233210", "basis"]
    assert "worst per indicator" in cv.loc["XYZ", "basis"]


def test_monte_carlo_is_reproducible_with_a_seed(inventory):
    a = uncertainty.monte_carlo(inventory, n_draws=500, seed=42)
    b = uncertainty.monte_carlo(inventory, n_draws=500, seed=42)
    c = uncertainty.monte_carlo(inventory, n_draws=500, seed=43)
    assert np.array_equal(a.totals, b.totals)
    assert a.range95 == b.range95
    assert not np.array_equal(a.totals, c.totals)
    # row order does not change the draws
    d = uncertainty.monte_carlo(inventory.iloc[::-1], n_draws=500, seed=42)
    assert np.allclose(d.totals, a.totals)


def test_range_contains_point_estimate(inventory):
    r = uncertainty.monte_carlo(inventory, n_draws=2000, seed=1)
    assert r.point == pytest.approx(inventory["emissions_kg"].sum())
    assert r.p2_5 < r.point < r.p97_5
    assert r.mean == pytest.approx(r.point, rel=0.05)  # mean-preserving by default
    assert "95% range" in r.summary()


def test_range_widens_with_worse_scores(inventory):
    def width(score: int) -> float:
        r = uncertainty.monte_carlo(
            inventory, n_draws=2000, seed=3, scores={i: score for i in uncertainty.INDICATORS}
        )
        return (r.p97_5 - r.p2_5) / r.point

    w = [width(s) for s in (1, 2, 4, 5)]
    assert w == sorted(w) and w[0] < w[-1]


def test_range_widens_with_lower_confidence(inventory):
    sure = uncertainty.monte_carlo(inventory.assign(confidence=1.0), seed=3)
    unsure = uncertainty.monte_carlo(inventory.assign(confidence=0.3), seed=3)
    assert (unsure.p97_5 - unsure.p2_5) > (sure.p97_5 - sure.p2_5)


@settings(max_examples=15, deadline=None)
@given(k=st.floats(min_value=0.001, max_value=1000))
def test_range_scales_linearly_with_emissions(inventory, k):
    a = uncertainty.monte_carlo(inventory, n_draws=200, seed=5)
    b = uncertainty.monte_carlo(
        inventory.assign(emissions_kg=inventory.emissions_kg * k), n_draws=200, seed=5
    )
    assert b.p2_5 == pytest.approx(k * a.p2_5, rel=1e-9)
    assert b.p97_5 == pytest.approx(k * a.p97_5, rel=1e-9)


def test_groups_and_variance_ranking(inventory):
    r = uncertainty.monte_carlo(inventory, seed=2, by="department")
    g = r.by_group
    assert set(g.index) == {"parks", "roads", "admin"}
    assert g["point"].sum() == pytest.approx(r.point)
    assert (g["p2_5"] < g["point"]).all() and (g["point"] < g["p97_5"]).all()
    c = r.contributions
    assert c["share_of_variance"].sum() == pytest.approx(1.0)
    assert c["variance"].is_monotonic_decreasing
    assert c["emissions"].sum() == pytest.approx(r.point)


def test_median_convention_is_available(inventory):
    r = uncertainty.monte_carlo(inventory, seed=2, central="median")
    assert r.central == "median" and r.median > r.point  # sum of medians < median of sum


def test_rows_without_emissions_are_counted(inventory):
    df = inventory.copy()
    df.loc[0, "emissions_kg"] = np.nan
    r = uncertainty.monte_carlo(df, n_draws=100)
    assert r.assumptions["rows_without_emissions"] == 1


def test_one_million_lines_is_fast():
    """A million lines and 1,000 draws complete (speed: benchmarks/bench_pipeline.py, not a
    wall-clock assertion that measures the machine's other work)."""
    fs = factors.load_factor_set("sef_v1.3")
    rng = np.random.default_rng(0)
    n = 1_000_000
    bea = rng.choice(fs.table["bea_code"].unique(), n)
    df = pd.DataFrame({"bea_code": bea, "emissions_kg": rng.gamma(2.0, 100.0, n)})
    r = uncertainty.monte_carlo(df, n_draws=1000, seed=0)
    assert r.p2_5 < r.point < r.p97_5
