"""Contract C5: coarse codes averaged with government purchase weights, profile codes.

Every expected value is recomputed here from the publishers' files (EPA SEF
v1.3 and the BEA 2017 Use table), not taken from the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import adjust, classify, data, downscale, factors, inventory, uncertainty

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
CV_AP = ROOT / "datasets" / "members" / "cedar_valley" / "ledgers" / "cedar_valley_ap_FY2022.csv"
CV_MAP = ROOT / "datasets" / "members" / "cedar_valley" / "mapping.yaml"


@pytest.fixture(scope="module")
def raw() -> tuple[pd.DataFrame, pd.DataFrame]:
    return data.read_sef(), data.read_use_table()


def _weights(sef: pd.DataFrame, use: pd.DataFrame, cols: list[str]) -> pd.Series:
    """Per NAICS-6: the Use-table value of its BEA code(s), shared by the NAICS rows of that code."""
    col = use[cols].sum(axis=1)
    col = col[col > 0]
    per_row = sef["bea_code"].map(
        lambda b: sum(float(col.get(c.strip(), 0.0)) for c in str(b).split(","))
    )
    return per_row / sef["bea_code"].map(sef["bea_code"].value_counts())


def _weighted(sef: pd.DataFrame, w: pd.Series, prefix: str) -> float:
    m = sef["naics6"].str.startswith(prefix)
    return float((w[m] * sef.loc[m, "sef_with_margins"]).sum() / w[m].sum())


def test_531_is_the_gslgo_weighted_average_of_the_sef_factors_below(raw):
    sef, use = raw
    expected = _weighted(sef, _weights(sef, use, ["GSLGO"]), "531")
    output = _weighted(sef, _weights(sef, use, ["T007"]), "531")
    r = factors.lookup(["531"], "sef_v1.3")
    assert r.loc[0, "match"] == "prefix_average"
    assert r.loc[0, "weighting"] == "gslgo"
    assert r.loc[0, "factor_kg_per_usd"] == pytest.approx(expected, rel=1e-12)
    # the figures of issue 14: 0.246 government-weighted, 0.116 output-weighted
    assert expected == pytest.approx(0.246, abs=5e-4)
    assert output == pytest.approx(0.116, abs=5e-4)
    out = factors.lookup(["531"], "sef_v1.3", weights="output")
    assert out.loc[0, "factor_kg_per_usd"] == pytest.approx(output, rel=1e-12)
    basis = r.loc[0, "factor_basis"]
    assert "GSLGO" in basis and "531" in basis and "9 NAICS-6" in basis
    # owner-occupied housing (531110) is not bought by governments: weight 0, said so
    assert "1 of them not bought by governments" in basis
    assert r.loc[0, "bea_code"] == "531ORE"


@pytest.mark.parametrize("prefix", ["5416", "3273", "42", "56"])
def test_other_prefixes_are_gslgo_weighted(raw, prefix):
    sef, use = raw
    expected = _weighted(sef, _weights(sef, use, ["GSLGO"]), prefix)
    r = factors.lookup([prefix])
    assert r.loc[0, "weighting"] == "gslgo"
    assert r.loc[0, "factor_kg_per_usd"] == pytest.approx(expected, rel=1e-12)


def test_capital_lines_use_the_investment_columns(raw):
    sef, use = raw
    cap = _weights(sef, use, ["F10S00", "F10E00", "F10N00"])
    r = factors.lookup(["23", "23", "237"], category=[2, 1, 1])
    assert r["weighting"].tolist() == ["capital", "gslgo", "output"]
    assert r.loc[0, "factor_kg_per_usd"] == pytest.approx(_weighted(sef, cap, "23"), rel=1e-12)
    assert "F10S00 + F10E00 + F10N00" in r.loc[0, "factor_basis"]
    # category 1: operating purchases of construction are maintenance and repair (GSLGO)
    gslgo = _weighted(sef, _weights(sef, use, ["GSLGO"]), "23")
    assert r.loc[1, "factor_kg_per_usd"] == pytest.approx(gslgo, rel=1e-12)
    # heavy and civil engineering (237) is never an operating purchase: national output
    out = _weighted(sef, _weights(sef, use, ["T007"]), "237")
    assert r.loc[2, "factor_kg_per_usd"] == pytest.approx(out, rel=1e-12)
    assert "no state and local government operating purchases" in r.loc[2, "factor_basis"]
    # a capital prefix without investment weights falls back to GSLGO, said so
    c = factors.lookup(["3273"], category=2)
    assert c.loc[0, "weighting"] == "gslgo"
    assert "no state and local government investment" in c.loc[0, "factor_basis"]


def test_equal_weights_only_where_no_weight_exists_and_said(raw):
    sef, use = raw
    # retail (4451) has no row in the purchaser-price Use table: no GSLGO, no output
    r = factors.lookup(["4451"])
    assert r.loc[0, "weighting"] == "equal"
    below = sef[sef["naics6"].str.startswith("4451")]
    assert r.loc[0, "factor_kg_per_usd"] == pytest.approx(below["sef_with_margins"].mean())
    assert "equally weighted" in r.loc[0, "factor_basis"]
    assert "no national output" in r.loc[0, "factor_basis"]
    # no prefix of the set averages equally while a government or output weight exists
    codes = sorted({c[:k] for c in sef["naics6"] for k in (2, 3, 4, 5)})
    res = factors.lookup(codes)
    g = _weights(sef, use, ["GSLGO"])
    o = _weights(sef, use, ["T007"])
    for code in res.loc[res["weighting"] == "equal", "code"]:
        m = sef["naics6"].str.startswith(code)
        assert g[m].sum() == 0 and not (o[m] > 0).all(), code
    assert set(res["weighting"]) == {"gslgo", "output", "equal"}
    assert (res["factor_basis"].str.len() > 0).all()


@pytest.mark.parametrize(
    "code,cols", [("GSLGO", ["GSLGO"]), ("F10", ["F10S00", "F10E00", "F10N00"])]
)
def test_profile_codes_are_the_whole_government_profile(raw, code, cols):
    sef, use = raw
    w = _weights(sef, use, cols)
    energy = set(factors.PROFILE_EXCLUDED_BEA)
    w[sef["bea_code"].map(lambda b: bool(energy & {c.strip() for c in b.split(",")}))] = 0.0
    expected = float((w * sef["sef_with_margins"]).sum() / w.sum())
    r = factors.lookup([code])
    assert r.loc[0, "match"] == "profile"
    assert r.loc[0, "factor_kg_per_usd"] == pytest.approx(expected, rel=1e-12)
    assert r.loc[0, "bea_code"] == code
    assert " + ".join(cols) in r.loc[0, "factor_basis"]
    assert "Scope 1/2 energy left out" in r.loc[0, "factor_basis"]
    share = factors.profile_weights(code)
    assert share.sum() == pytest.approx(1.0)
    assert not set(sef.set_index("naics6").loc[share.index, "bea_code"]) & energy
    bea = factors.profile_bea_weights(code)
    assert bea.sum() == pytest.approx(1.0) and not set(bea.index) & energy


def test_profile_exclusions_match_downscale_scope12():
    assert set(factors.PROFILE_EXCLUDED_BEA) == set(downscale.SCOPE12_ENERGY_COMMODITIES)


def test_profile_codes_have_price_index_and_uncertainty():
    w = factors.profile_bea_weights("GSLGO")
    wide = adjust.price_index_table()
    expected = float((wide.loc[w.index, 2022] / 100).mul(w).sum()) / float(
        (wide.loc[w.index, 2019] / 100).mul(w).sum()
    )
    r = adjust.price_index_ratio(["GSLGO", "327310"], [2019, 2019], 2022)
    assert r.iloc[0] == pytest.approx(expected, rel=1e-12)
    cv = uncertainty.code_variances(["GSLGO", "F10"])
    assert (cv["pedigree_variance"] > 0).all()
    assert cv.loc["GSLGO", "basis"].startswith("GSLGO profile-weighted")


def test_compute_emissions_accepts_coarse_and_profile_codes():
    lines = pd.DataFrame(
        {
            "status": ["included"] * 5 + ["excluded"],
            "naics6": ["531", "GSLGO", "F10", "327310", "23", "GSLGO"],
            "scope3_category": pd.array([1, 1, 2, 1, 2, 1], dtype="Int64"),
            "amount": [1000.0] * 6,
            "currency": ["USD", "USD", "USD", "NOK", "USD", "USD"],
            "fiscal_year": [2022] * 6,
            "date": pd.to_datetime(["2022-03-01"] * 6),
            "reason": [None] * 6,
        }
    )
    out = inventory.compute_emissions(lines)
    inc = out.iloc[:5]
    assert (inc["status"] == "included").all()
    assert inc["kg_co2e"].notna().all()
    assert inc["factor_match"].tolist() == [
        "prefix_average", "profile", "profile", "exact", "prefix_average"
    ]  # fmt: skip
    assert inc.loc[0, "factor_kg_per_usd"] == pytest.approx(0.246, abs=5e-4)
    assert "investment" in inc.loc[4, "factor_basis"]
    assert np.allclose(inc["kg_co2e"], inc["spend_factor_usd"] * inc["factor_kg_per_usd"])
    assert pd.isna(out.loc[5, "kg_co2e"]) and pd.isna(out.loc[5, "factor_basis"])


def test_run_inventory_end_to_end_with_profile_codes(monkeypatch, tmp_path):
    """The engine may write GSLGO / F10 / coarse codes (C5): the whole run accepts them."""
    real = classify.classify
    forced: set = set()

    def coarse(lines, *a, **k):
        out = real(lines, *a, **k)
        inc = np.flatnonzero((out["status"] == "included").to_numpy())[:30]
        forced.update(out["source_line"].iloc[inc].tolist())
        codes = np.array(["GSLGO", "F10", "531"] * 10, dtype=object)
        out.loc[out.index[inc], "naics6"] = codes[: len(inc)]
        out.loc[out.index[inc], "method"] = "profile"
        out.loc[out.index[inc], "confidence"] = 0.3
        return out

    monkeypatch.setattr(classify, "classify", coarse)
    inv = inventory.run_inventory(
        [CV_AP], member="cv", mapping=CV_MAP, fiscal_year=2022, n_draws=200, progress=False
    )
    lines = inv.lines
    # the engine itself places some purchases as GSLGO too (contract C5): check the 30 forced
    prof = lines[lines["source_line"].isin(forced)]
    assert len(prof) == 30 and (prof["status"] == "included").all()
    assert set(prof["naics6"]) == {"GSLGO", "F10", "531"}
    assert prof["kg_co2e"].notna().all()
    assert set(prof["factor_match"]) == {"profile", "prefix_average"}
    assert inv.uncertainty["p97_5_t"].iloc[0] > inv.uncertainty["p2_5_t"].iloc[0]
    files = inventory.write_outputs(inv, tmp_path / "out")
    assert files
    csv = pd.read_csv(tmp_path / "out" / "lines.csv", dtype={"naics6": str})
    got = csv.loc[csv["naics6"] == "GSLGO", "factor_basis"]
    assert got.str.contains("GSLGO").all() and len(got) >= 10
