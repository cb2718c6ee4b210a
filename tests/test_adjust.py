"""Price year (BEA sector index, CPI-U), currency and price basis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import adjust, data, factors

# Public figures from the brief, passed explicitly (nothing is embedded in code).
CPI_U = {
    2017: 245.120,
    2018: 251.107,
    2019: 255.657,
    2020: 258.811,
    2021: 270.970,
    2022: 292.655,
    2023: 304.702,
    2024: 313.689,
}
RATES = {
    "NOK per USD": {2019: 8.7999, 2020: 9.4146, 2021: 8.5991, 2022: 9.6137, 2023: 10.5636},
    "USD per GBP": {2021: 1.3757, 2022: 1.2369},
}


# --------------------------------------------------------------------------
# BEA sector price index
# --------------------------------------------------------------------------


def test_bea_index_is_100_in_2017_for_every_sector():
    wide = adjust.price_index_table()
    assert len(wide) == 402
    assert np.allclose(wide[2017], 100.0)
    assert (wide.columns.min(), wide.columns.max()) == (1997, 2024)


def test_adjusting_2022_to_2022_is_identity():
    codes = adjust.price_index_table().index.to_numpy()
    assert np.allclose(adjust.price_index_ratio(codes, 2022, 2022), 1.0)
    lines = pd.DataFrame(
        {
            "amount": [100.0, -5.5, 1e6],
            "fiscal_year": 2022,
            "bea_code": ["327310", "1111A0", "541300"],
        }
    )
    out = adjust.deflate_spend(lines, "bea", 2022)
    assert out["amount_adjusted"].tolist() == lines["amount"].tolist()
    assert out.attrs["price_year"] == 2022 and out.attrs["price_method"] == "bea"


def test_bea_ratio_matches_the_index_file():
    pi = data.read_price_index().set_index(["bea_code", "year"])["price_index"]
    r = adjust.price_index_ratio(pd.Series(["327310", "327310"]), [2019, 2024], 2022)
    assert r.tolist() == pytest.approx(
        [pi["327310", 2022] / pi["327310", 2019], pi["327310", 2022] / pi["327310", 2024]]
    )


def test_multi_sector_code_uses_a_composite_index():
    pi = data.read_price_index().set_index(["bea_code", "year"])["price_index"]
    parts = [pi[c, 2022] / pi[c, 2019] for c in ("230301", "233210")]
    r = adjust.price_index_ratio(["230301, 233210"], 2019, 2022).item()
    assert min(parts) <= r <= max(parts)


def test_year_outside_range_names_year_and_range():
    with pytest.raises(ValueError, match=r"\[1990\].*1997-2024"):
        adjust.price_index_ratio(["327310"], 1990, 2022)
    with pytest.raises(ValueError, match=r"\[2030\]"):
        adjust.price_index_ratio(["327310"], 2020, 2030)


def test_unknown_bea_code():
    with pytest.raises(KeyError, match="XYZ"):
        adjust.price_index_ratio(["XYZ"], 2020)
    with pytest.warns(UserWarning, match="XYZ"):
        r = adjust.price_index_ratio(["XYZ", "327310"], 2020, on_missing="nan")
    assert np.isnan(r.iloc[0]) and np.isfinite(r.iloc[1])


def test_deflate_spend_bea_needs_bea_code():
    lines = pd.DataFrame({"amount": [1.0], "year": [2020]})
    with pytest.raises(KeyError, match="bea_code"):
        adjust.deflate_spend(lines, "bea")


# --------------------------------------------------------------------------
# CPI-U
# --------------------------------------------------------------------------


def test_cpi_ratio_2019_to_2022():
    r = adjust.cpi_ratio(2019, 2022, CPI_U).item()
    assert r == pytest.approx(292.655 / 255.657, rel=1e-15)
    lines = pd.DataFrame({"amount": [1000.0, 1000.0], "fiscal_year": [2019, 2022]})
    out = adjust.deflate_spend(lines, "cpi_u", 2022, cpi=CPI_U)
    assert out["amount_adjusted"].tolist() == pytest.approx([1000 * 292.655 / 255.657, 1000.0])
    assert out.attrs["price_method"] == "cpi_u"


def test_cpi_year_missing():
    with pytest.raises(ValueError, match=r"\[2016\].*2017-2024"):
        adjust.cpi_ratio([2016], 2022, CPI_U)


def test_public_file_loaders(tmp_path, monkeypatch):
    public = tmp_path / "public"
    public.mkdir()
    pd.DataFrame({"year": list(CPI_U), "cpi_u": list(CPI_U.values())}).to_csv(
        public / "cpi_u.csv", index=False
    )
    pd.DataFrame(
        {
            "year": [2021, 2022, 2021],
            "pair": ["NOK per USD", "NOK per USD", "USD per GBP"],
            "rate": [8.5991, 9.6137, 1.3757],
        }
    ).to_csv(public / "exchange_rates.csv", index=False)
    monkeypatch.setenv("COHORT_DATASETS_DIR", str(tmp_path))
    assert adjust.cpi_u().loc[2019] == pytest.approx(255.657)
    # default cpi=None reads datasets/public/cpi_u.csv
    assert adjust.cpi_ratio(2019, 2022).item() == pytest.approx(292.655 / 255.657)
    fx = adjust.exchange_rates()
    assert fx.set_index(["currency", "year"]).loc[("NOK", 2021), "rate"] == 8.5991
    assert adjust.to_usd(8599.1, "NOK", 2021).item() == pytest.approx(1000.0)


def test_public_file_missing_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("COHORT_DATASETS_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="cpi="):
        adjust.cpi_u()
    with pytest.raises(FileNotFoundError, match="NOK per USD"):
        adjust.exchange_rates()


# --------------------------------------------------------------------------
# Currency
# --------------------------------------------------------------------------


def test_nok_to_usd_2021_uses_8_5991():
    usd = adjust.to_usd([8599.1, 1.0], "NOK", 2021, RATES)
    assert usd.tolist() == pytest.approx([1000.0, 1 / 8.5991], rel=1e-15)


def test_gbp_direction_and_usd_passthrough():
    usd = adjust.to_usd([100.0, 100.0, 7.0], ["GBP", "GBP", "USD"], [2021, 2022, 2019], RATES)
    assert usd.tolist() == pytest.approx([137.57, 123.69, 7.0])


def test_missing_rate_names_currency_year_and_what_is_there():
    with pytest.raises(KeyError, match=r"NOK 2018.*NOK 2019-2023"):
        adjust.to_usd([1.0], "NOK", 2018, RATES)


@pytest.mark.parametrize("label", ["NOK/USD", "USD per USD", "NOK per GBP"])
def test_ambiguous_rate_labels_are_refused(label):
    with pytest.raises(ValueError):
        adjust.normalise_rates({label: {2021: 8.6}})


def test_rate_layouts_agree():
    a = adjust.normalise_rates(RATES)
    b = adjust.normalise_rates(
        pd.DataFrame({"year": [2021], "currency": ["NOK"], "units_per_usd": [8.5991]})
    )
    c = adjust.normalise_rates(pd.DataFrame({"year": [2021], "NOK per USD": [8.5991]}))
    key = ["currency", "year", "rate", "quote"]
    expect = a[(a.currency == "NOK") & (a.year == 2021)][key].reset_index(drop=True)
    pd.testing.assert_frame_equal(b[key], expect)
    pd.testing.assert_frame_equal(c[key], expect)


def test_us_factors_convert_then_deflate():
    lines = pd.DataFrame(
        {"amount": [8599.1], "fiscal_year": [2021], "currency": ["NOK"], "bea_code": ["327310"]}
    )
    out = adjust.to_factor_dollars(lines, "sef_v1.3", rates=RATES)
    ratio = adjust.price_index_ratio(["327310"], 2021, 2022).item()
    assert out["amount_usd"].item() == pytest.approx(1000.0)
    assert out["amount_adjusted"].item() == pytest.approx(1000.0 * ratio)
    assert out.attrs["currency_rule"] == "convert_then_deflate"
    assert out.attrs["price_year"] == 2022


def test_open_ceda_country_factors_convert_then_cpi_u_by_default():
    lines = pd.DataFrame(
        {"amount": [8599.1, 9613.7], "fiscal_year": [2021, 2022], "currency": "NOK"}
    )
    cpi = {2021: 270.970, 2022: 292.655}  # BLS CUUR0000SA0 annual averages
    out = adjust.to_factor_dollars(lines, "open_ceda:NOR", rates=RATES)
    assert out["amount_adjusted"].tolist() == pytest.approx([1000.0 * 292.655 / 270.970, 1000.0])
    assert out.attrs["currency_rule"] == "convert_then_cpi"
    assert "CPI-U" in out.attrs["note"] and "2022 USD" in out.attrs["note"]
    assert out.attrs["price_method"] == "cpi_u (country factors)"
    mine = adjust.to_factor_dollars(lines, "open_ceda:NOR", rates=RATES, cpi=cpi)
    assert mine["price_ratio"].tolist() == pytest.approx([292.655 / 270.970, 1.0])


def test_open_ceda_currency_only_leaves_the_year_gap_and_says_so():
    lines = pd.DataFrame(
        {"amount": [8599.1, 9613.7], "fiscal_year": [2021, 2022], "currency": "NOK"}
    )
    out = adjust.to_factor_dollars(lines, "open_ceda:NOR", rates=RATES, currency_rule="currency_only")
    assert out["amount_adjusted"].tolist() == pytest.approx([1000.0, 1000.0])
    assert (out["price_ratio"] == 1.0).all()
    assert out.attrs["currency_rule"] == "currency_only"
    assert "not adjusted" in out.attrs["note"]
    at_factor_year = adjust.to_factor_dollars(
        lines, "open_ceda:NOR", rates=RATES, fx_year="factor", currency_rule="currency_only"
    )
    assert at_factor_year["amount_adjusted"].iloc[0] == pytest.approx(8599.1 / 9.6137)


# --------------------------------------------------------------------------
# Price basis
# --------------------------------------------------------------------------


def test_price_basis_choice():
    ok = adjust.price_basis_choice("purchaser", "sef_v1.3")
    assert (ok.action, ok.factor_column) == ("ok", "sef_with_margins")
    sw = adjust.price_basis_choice("purchaser", "sef_v1.3_without_margins")
    assert (sw.action, sw.recommended_set) == ("switch_set", "sef_v1.3")
    ceda = adjust.price_basis_choice("purchaser", "open_ceda:NOR")
    assert ceda.action == "margins_not_included" and "NOT included" in ceda.note
    approx = adjust.price_basis_choice("purchaser", "open_ceda:NOR", approximate_margins=True)
    assert approx.action == "apply_margin_ratios" and "APPROXIMATION" in approx.note


def test_apply_margin_ratios_is_labelled():
    r = factors.lookup(["327310", "335221"], "open_ceda:NOR")
    out = adjust.apply_margin_ratios(r)
    sef = factors.load_factor_set("sef_v1.3").table.loc["327310"]
    ratio = sef["sef_with_margins"] / sef["sef_without_margins"]
    assert out.loc[0, "margin_ratio"] == pytest.approx(ratio)
    assert out.loc[0, "factor_kg_per_usd"] == pytest.approx(r.loc[0, "factor_kg_per_usd"] * ratio)
    assert out.loc[0, "price_basis"] == "purchaser (approx.)"
    assert "APPROXIMATION" in out.loc[0, "flag"]
    # 335221 is an Open CEDA sector with no SEF row: unchanged, and said so
    assert np.isnan(out.loc[1, "margin_ratio"])
    assert out.loc[1, "factor_kg_per_usd"] == r.loc[1, "factor_kg_per_usd"]
    assert "margins not included" in out.loc[1, "flag"]
    assert "CEDA by Watershed" in out.attrs["attribution"]
