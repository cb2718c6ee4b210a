"""Factor sets, lookup, prefix averages, Open CEDA, user files, by-gas split."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohort_helpers import data, factors, inventory
from cohort_helpers.factors import MissingFactorWarning


@pytest.fixture(scope="module")
def sef() -> factors.FactorSet:
    return factors.load_factor_set("sef_v1.3")


# --------------------------------------------------------------------------
# The registered SEF v1.3 set
# --------------------------------------------------------------------------


def test_sef_v13_reference_values(sef):
    assert sef.dollar_year == 2022
    assert (sef.price_basis, sef.margins, sef.gas) == ("purchaser", "with", "CO2e")
    assert len(sef.table) == 1016
    assert sef.table["factor_kg_per_usd"].median() == pytest.approx(0.173)
    assert sef.table.loc["327310", "factor_kg_per_usd"] == pytest.approx(3.924)
    assert sef.table["factor_kg_per_usd"].max() == pytest.approx(3.924)
    assert sef.table.loc["327310", "bea_code"] == "327310"
    assert factors.DEFAULT_FACTOR_SET == "sef_v1.3"


def test_without_margins_set_is_a_registered_variant():
    wo = factors.load_factor_set("sef_v1.3_without_margins")
    assert wo.margins == "without"
    row = wo.table.loc["327310"]
    assert row["factor_kg_per_usd"] == pytest.approx(row["sef_without_margins"])
    assert row["sef_without_margins"] + row["sef_margins"] == pytest.approx(
        row["sef_with_margins"], abs=1e-3
    )
    assert {"sef_v1.3", "sef_v1.3_without_margins", "sef_v1.3_bygas", "open_ceda"} <= set(
        factors.available_factor_sets()
    )


def test_unknown_name_says_what_is_registered():
    with pytest.raises(KeyError, match="Registered sets: sef_v1.3"):
        factors.load_factor_set("sef_v9")


# --------------------------------------------------------------------------
# lookup
# --------------------------------------------------------------------------


def test_lookup_exact_accepts_str_int_float_and_keeps_series_index(sef):
    codes = pd.Series(["327310", 327310, 327310.0, " 327310 "], index=[10, 11, 12, 13])
    r = factors.lookup(codes, sef)
    assert list(r.index) == [10, 11, 12, 13]
    assert (r["match"] == "exact").all()
    assert np.allclose(r["factor_kg_per_usd"], 3.924)
    assert r.attrs["dollar_year"] == 2022 and r.attrs["factor_set"] == "sef_v1.3"


def test_lookup_bea_code(sef):
    r = factors.lookup(["1111A0"], sef)
    assert r.loc[0, "match"] == "exact"
    assert r.loc[0, "factor_kg_per_usd"] == pytest.approx(
        sef.table.loc["111110", "factor_kg_per_usd"]
    )


def _expected_prefix_average(prefix: str) -> tuple[float, float]:
    """Independent computation from the raw files: (output-weighted, unweighted) mean."""
    s = data.read_sef()
    use = data.read_use_table()
    below = s[s["naics6"].str.startswith(prefix)].copy()
    n_share = s["bea_code"].value_counts()
    below["w"] = below["bea_code"].map(use["T007"]) / below["bea_code"].map(n_share)
    assert (below["w"] > 0).all()
    weighted = float((below["w"] * below["sef_with_margins"]).sum() / below["w"].sum())
    return weighted, float(below["sef_with_margins"].mean())


@pytest.mark.parametrize("prefix", ["32541", "33299", "3273"])
def test_prefix_average_is_output_weighted_mean_of_codes_below(sef, prefix):
    weighted, unweighted = _expected_prefix_average(prefix)
    r = factors.lookup([prefix], sef, weights="output")
    assert r.loc[0, "match"] == "prefix_average"
    assert r.loc[0, "weighting"] == "output"
    assert r.loc[0, "n_codes"] == (sef.table.index.str.startswith(prefix)).sum()
    assert r.loc[0, "factor_kg_per_usd"] == pytest.approx(weighted, rel=1e-12)
    eq = factors.lookup([prefix], sef, weights="equal")
    assert eq.loc[0, "factor_kg_per_usd"] == pytest.approx(unweighted, rel=1e-12)
    assert eq.loc[0, "weighting"] == "equal"


def test_prefix_average_falls_back_to_equal_weights_without_output():
    # retail (44-45) commodities have no row in the purchaser-price Use table
    r = factors.lookup(["4451"], "sef_v1.3")
    assert r.loc[0, "match"] == "prefix_average"
    assert r.loc[0, "weighting"] == "equal"


def test_missing_codes_are_nan_and_reported(sef):
    with pytest.warns(MissingFactorWarning, match="221100"):
        r = factors.lookup(["327310", "221100", None, "9999"], sef)
    assert r["match"].tolist() == ["exact", "missing", "missing", "missing"]
    assert r["factor_kg_per_usd"].isna().tolist() == [False, True, True, True]
    assert set(r.attrs["missing"]) == {"221100", "", "9999"}
    with pytest.raises(KeyError, match="no factor"):
        factors.lookup(["221100"], sef, errors="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        factors.lookup(["221100"], sef, errors="ignore")


def test_lookup_is_vectorised_over_many_lines(sef):
    rng = np.random.default_rng(0)
    codes = rng.choice(np.r_[sef.table.index.to_numpy(), ["5416", "3273"]], 200_000)
    r = factors.lookup(codes, sef)
    assert len(r) == 200_000 and r["factor_kg_per_usd"].notna().all()


# --------------------------------------------------------------------------
# Open CEDA
# --------------------------------------------------------------------------


def test_open_ceda_nor_is_producer_price_flagged_with_attribution():
    fs = factors.load_factor_set("open_ceda", country="NOR")
    assert fs is factors.load_factor_set("open_ceda:NOR")  # cached, same set
    assert (fs.price_basis, fs.margins, fs.country, fs.code_type) == (
        "producer",
        "without",
        "NOR",
        "bea",
    )
    assert "CEDA by Watershed" in fs.attribution
    ceda = data.read_open_ceda()
    nor = ceda[ceda["country_code"] == "NOR"].set_index("bea_code")["kg_co2e_per_usd"]
    r = factors.lookup(["327310", "111110", "1111A0"], fs)
    assert r["match"].tolist() == ["exact", "exact", "exact"]
    assert r.loc[0, "factor_kg_per_usd"] == pytest.approx(nor["327310"])
    assert r.loc[1, "factor_kg_per_usd"] == pytest.approx(nor["1111A0"])  # via SEF crosswalk
    assert (r["price_basis"] == "producer").all()
    assert r["flag"].str.contains("producer price").all()
    assert "CEDA by Watershed" in r.attrs["attribution"]
    assert r.attrs["price_basis"] == "producer"


def test_open_ceda_unknown_country():
    with pytest.raises(KeyError, match="ISO3"):
        factors.open_ceda("XXX")


# --------------------------------------------------------------------------
# User files in the SEF layout
# --------------------------------------------------------------------------


def _write_sef_layout(path, unit="kg CO2e/2024 USD, purchaser price"):
    rows = pd.DataFrame(
        {
            "2017 NAICS Code": ["327310", "541611"],
            "2017 NAICS Title": ["Cement Manufacturing", "Management Consulting"],
            "GHG": ["All GHGs", "All GHGs"],
            "Unit": [unit, unit],
            "Supply Chain Emission Factors without Margins": [3.5, 0.05],
            "Margins of Supply Chain Emission Factors": [0.1, 0.0],
            "Supply Chain Emission Factors with Margins": [3.6, 0.05],
            "Reference USEEIO Code": ["327310", "541610"],
        }
    )
    rows.to_csv(path, index=False)
    return path


def test_user_file_with_other_dollar_year(tmp_path):
    f = _write_sef_layout(tmp_path / "SupplyChainGHGEmissionFactors_v1.4.0_NAICS_CO2e.csv")
    fs = factors.load_factor_set(f)
    assert fs.dollar_year == 2024
    assert fs.version == "v1.4.0"
    assert fs.price_basis == "purchaser" and fs.margins == "with"
    r = factors.lookup(["327310", "5416"], fs)
    assert r["factor_kg_per_usd"].tolist() == pytest.approx([3.6, 0.05])
    assert r.attrs["dollar_year"] == 2024


def test_register_user_set_by_name(tmp_path):
    f = _write_sef_layout(tmp_path / "national.csv")
    factors.register_factor_set("test_national_2024", f, version="NAT-1")
    fs = factors.load_factor_set("test_national_2024")
    assert (fs.name, fs.version, fs.dollar_year) == ("test_national_2024", "NAT-1", 2024)
    with pytest.raises(ValueError, match="already registered"):
        factors.register_factor_set("test_national_2024", f)
    factors.register_factor_set("test_national_2024", fs, overwrite=True)


def test_user_file_without_dollar_year_needs_it(tmp_path):
    f = _write_sef_layout(tmp_path / "x.csv", unit="kg CO2e/USD")
    with pytest.raises(data.DataFormatError, match="dollar_year"):
        factors.load_factor_set(f)
    assert factors.load_factor_set(f, dollar_year=2023).dollar_year == 2023


def test_user_file_wrong_layout(tmp_path):
    f = tmp_path / "bad.csv"
    pd.DataFrame({"code": ["327310"], "factor": [1.0]}).to_csv(f, index=False)
    with pytest.raises(data.DataFormatError, match="SEF layout"):
        factors.load_factor_set(f)


# --------------------------------------------------------------------------
# By gas
# --------------------------------------------------------------------------


def test_factors_by_gas_cement():
    g = factors.factors_by_gas(["327310", "3273"])
    row = g.iloc[0]
    assert row["CO2"] == pytest.approx(3.86)
    assert row["CH4"] == pytest.approx(1.98e-3)
    assert row["N2O"] == pytest.approx(3.55e-5)
    assert row["CH4_co2e"] == pytest.approx(28 * 1.98e-3)
    parts = g[["CO2_co2e", "CH4_co2e", "N2O_co2e", "other_co2e"]].sum(axis=1)
    assert np.allclose(parts, g["co2e_kg_per_usd"])
    assert g.loc[1, "match"] == "prefix_average"


def test_gas_split_sums_to_co2e_within_rounding():
    chk = factors.check_gas_split("sef_v1.3_bygas")
    assert chk.ok, chk.message
    assert len(chk.table) == 1016
    # the files' rounding allows a tiny negative remainder (cement: -0.0008)
    assert chk.table["implied_other"].min() > -chk.table["tolerance"].max()


def test_split_by_gas_adds_up():
    e = np.array([3924.0, 532.0, 10.0])
    s = factors.split_by_gas(e, ["327310", "111110", "5416"])
    assert np.allclose(s.sum(axis=1), e)
    assert s.loc[1, "N2O"] > s.loc[1, "CO2"]  # soybean farming: N2O dominates


# --------------------------------------------------------------------------
# emissions: the one function is inventory.compute_emissions (column kg_co2e)
# --------------------------------------------------------------------------


def _included(naics, amounts, year=2022):
    n = len(amounts)
    return pd.DataFrame(
        {
            "status": "included",
            "naics6": [naics[i % len(naics)] for i in range(n)],
            "amount": amounts,
            "currency": "USD",
            "fiscal_year": year,
            "date": pd.Timestamp(f"{year}-03-01"),
        }
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amounts=st.lists(
        st.floats(min_value=-1e6, max_value=1e7, allow_nan=False), min_size=1, max_size=20
    ),
    k=st.floats(min_value=0.01, max_value=100),
)
def test_emissions_scale_linearly_with_spend(sef, amounts, k):
    lines = _included(["327310", "541611", "5416", "3273", "1111A0"], amounts)
    e1 = inventory.compute_emissions(lines, sef)["kg_co2e"].to_numpy()
    scaled = lines.assign(amount=lines["amount"] * k)
    e2 = inventory.compute_emissions(scaled, sef)["kg_co2e"].to_numpy()
    assert np.allclose(e2, k * e1, rtol=1e-9, atol=1e-6)


def test_emissions_are_in_the_sets_dollar_year(sef):
    now = inventory.compute_emissions(_included(["327310"], [1000.0]), sef)
    assert now["kg_co2e"].item() == pytest.approx(3924.0)
    assert "emissions_kg" not in now and not hasattr(factors, "apply_factors")
    older = inventory.compute_emissions(_included(["327310"], [1000.0], year=2019), sef)
    assert older["spend_factor_usd"].item() > 1000.0  # 2019 dollars converted to 2022 first
    assert older["kg_co2e"].item() == pytest.approx(older["spend_factor_usd"].item() * 3.924)
