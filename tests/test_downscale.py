"""Purchasing profiles, exact allocation in cents, disaggregation of coarse codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_helpers import data, downscale, factors


@pytest.fixture(scope="module")
def gslgo() -> pd.DataFrame:
    return downscale.purchasing_profile(("GSLGO",))


# --------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------


def test_gslgo_profile_sums_to_one_without_scope12_energy(gslgo):
    assert gslgo["share"].sum() == pytest.approx(1.0, abs=1e-12)
    assert (gslgo["share"] > 0).all()
    codes = set(gslgo["bea_code"])
    assert not codes & {"324110", "221100", "221200"}
    assert not codes & set(downscale.SCOPE12_ENERGY_COMMODITIES)
    names = set(data.read_commodity_names()["bea_code"])
    assert codes <= names  # no T005 / V00100 / T008 rows
    assert gslgo["bea_name"].notna().all()
    dropped = gslgo.attrs["dropped"].set_index("bea_code")["reason"]
    assert dropped["324110"] == "scope12_fuel"
    assert dropped["221100"] == "scope12_electricity"
    assert dropped["T005"].startswith("not a commodity")


def test_profile_shares_follow_the_use_table(gslgo):
    use = data.read_use_table()
    kept = use.loc[gslgo["bea_code"], "GSLGO"]
    assert gslgo["share"].to_numpy() == pytest.approx((kept / kept.sum()).to_numpy())


def test_every_profile_commodity_has_a_factor(gslgo):
    r = factors.lookup(gslgo["bea_code"], "sef_v1.3", code_type="bea")
    assert (r["match"] == "exact").all()


def test_capital_profile():
    cap = downscale.purchasing_profile(downscale.CAPITAL_COLUMNS)
    assert cap["share"].sum() == pytest.approx(1.0)
    assert (cap["share"] > 0).all()  # net sales of used equipment (negative) are dropped
    assert "S00402" in set(cap.attrs["dropped"]["bea_code"])


def test_unknown_use_column():
    with pytest.raises(KeyError, match="GSLGO"):
        downscale.purchasing_profile("NOPE")


def test_peer_profile():
    lines = pd.DataFrame(
        {
            "bea_code": ["327310", "541300", "541300", None, "221100", "999999"],
            "amount": [100.0, 30.0, 70.0, 5.0, 40.0, -10.0],
        }
    )
    p = downscale.peer_profile(lines)
    assert p.set_index("bea_code")["share"].to_dict() == {"327310": 0.5, "541300": 0.5}
    assert set(p.attrs["dropped"]["bea_code"]) == {"221100", "999999"}
    assert p.attrs["unclassified_amount"] == 5.0


# --------------------------------------------------------------------------
# Allocation in cents
# --------------------------------------------------------------------------

totals = st.decimals(min_value=0, max_value=10**11, places=2).map(float)


@settings(max_examples=200, deadline=None)
@given(
    total=totals,
    shares=st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=60).filter(
        lambda s: sum(s) > 0
    ),
)
def test_allocation_conserves_cents_exactly(total, shares):
    prof = pd.DataFrame({"bea_code": [f"c{i}" for i in range(len(shares))], "share": shares})
    prof["share"] = prof["share"] / prof["share"].sum()
    out = downscale.downscale_budget(total, prof)
    assert int(out["amount_cents"].sum()) == round(total * 100)
    assert (out["amount_cents"] >= 0).all()
    # each part is within one cent of its exact share
    exact = out["share"] * round(total * 100)
    assert (np.abs(out["amount_cents"] - exact) < 1 + 1e-6 * exact.abs().max()).all()


@settings(max_examples=50, deadline=None)
@given(total=totals)
def test_real_profile_conserves_cents(gslgo, total):
    out = downscale.downscale_budget(total, gslgo, scope3_category=1)
    assert int(out["amount_cents"].sum()) == round(total * 100)
    assert round(out["amount"].sum(), 2) == pytest.approx(total, abs=0.005)


def test_downscaled_rows_are_labelled(gslgo):
    out = downscale.downscale_budget(12_345_678.91, gslgo, scope3_category=1)
    assert int(out["amount_cents"].sum()) == 1_234_567_891
    assert (out["method"] == "downscaled").all()
    assert (out["confidence"] == downscale.DOWNSCALED_CONFIDENCE).all()
    assert out["quality_flag"].str.contains("lower quality").all()


def test_largest_remainder():
    assert downscale.allocate_cents(1.00, [1, 1, 1]).tolist() == [34, 33, 33]
    assert downscale.allocate_cents(-1.00, [1, 1, 1]).tolist() == [-34, -33, -33]
    with pytest.raises(ValueError):
        downscale.allocate_cents(1.0, [0, 0])


def test_budget_by_function_conserves_each_function():
    budget = {"roads": 1000.01, "admin": 555.55, "it": 10.0}
    mapping = {"roads": {"324121": 3, "230301": 1}, "admin": "GSLGO", "it": "541512"}
    out = downscale.downscale_budget_by_function(budget, mapping)
    got = out.groupby("function")["amount_cents"].sum().to_dict()
    assert got == {"roads": 100001, "admin": 55555, "it": 1000}
    assert (out["method"] == "downscaled").all()
    with pytest.raises(KeyError, match="parks"):
        downscale.downscale_budget_by_function({"parks": 1.0}, mapping)


# --------------------------------------------------------------------------
# Disaggregation
# --------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(amount=st.decimals(min_value=-(10**9), max_value=10**9, places=2).map(float))
def test_disaggregate_conserves_amount(amount):
    d = downscale.disaggregate("5416", amount)
    assert int(d["amount_cents"].sum()) == round(amount * 100)
    assert (d["method"] == "downscaled").all()


def test_disaggregate_uses_national_weights():
    d = downscale.disaggregate("5416", 1_000_000.00)
    assert d["naics6"].str.startswith("5416").all()
    w = factors.naics_output_weights("sef_v1.3").reindex(d["naics6"])
    assert d["share"].to_numpy() == pytest.approx((w / w.sum()).to_numpy())
    # consistent with the prefix-average factor (up to cent rounding)
    f = factors.lookup(d["naics6"], "sef_v1.3")["factor_kg_per_usd"].to_numpy()
    # disaggregate's default is national output (T007); lookup's default is GSLGO (C5)
    prefix = factors.lookup(["5416"], "sef_v1.3", weights="output")["factor_kg_per_usd"].item()
    assert (d["amount"].to_numpy() * f).sum() == pytest.approx(1_000_000 * prefix, rel=1e-6)


def test_disaggregate_bea_code_splits_equally():
    d = downscale.disaggregate("5416A0", 100.00)
    assert set(d["bea_code"]) == {"5416A0"}
    assert d["weighting"].eq("equal").all()
    assert d["amount_cents"].sum() == 10000
    assert d["amount_cents"].max() - d["amount_cents"].min() <= 1


def test_disaggregate_six_digit_and_unknown():
    one = downscale.disaggregate("327310", 5.0)
    assert len(one) == 1 and one["method"].item() == "exact"
    with pytest.raises(KeyError, match="prefix"):
        downscale.disaggregate("2211", 5.0)  # electricity: no factor codes below


def test_downscaled_emissions_is_adjusted_spend_times_factor(data_dir):
    from cohort_helpers import adjust, factors

    prof = downscale.purchasing_profile(("GSLGO",))
    alloc = downscale.downscale_budget(10_000_000.00, prof, scope3_category=1)
    est = downscale.downscaled_emissions(alloc, 2019)
    assert est["amount_cents"].sum() == 1_000_000_000  # money conserved
    assert (est["method"] == "downscaled").all()
    np.testing.assert_allclose(est["kg_co2e"], est["spend_factor_usd"] * est["factor_kg_per_usd"])
    assert est.attrs["t_co2e"] == pytest.approx(est["kg_co2e"].sum() / 1000)
    # the 2019 -> 2022 price ratio of the first commodity, from the BEA index
    first = est.iloc[0]
    ratio = adjust.price_index_ratio([first["bea_code"]], 2019, 2022).item()
    assert first["spend_factor_usd"] == pytest.approx(first["amount"] * ratio)
    bv = factors.load_factor_set("sef_v1.3").bea_view
    assert first["factor_kg_per_usd"] == bv.loc[first["bea_code"], "factor_kg_per_usd"]
    # the same money in 2022 USD needs no price adjustment
    now = downscale.downscaled_emissions(alloc, 2022)
    np.testing.assert_allclose(now["spend_factor_usd"], now["amount"])
