"""Bundled exchange-rate and CPI-U tables: coverage, named publishers, missing-rate errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cohort_helpers import adjust
from cohort_helpers.paths import datasets_dir
from tools.synth import _spec

PUBLIC = datasets_dir() / "public"
RATE_FILES = {
    "nok_per_usd.csv": "NOK per USD",
    "sek_per_usd.csv": "SEK per USD",
    "dkk_per_usd.csv": "DKK per USD",
    "usd_per_eur.csv": "USD per EUR",
    "usd_per_gbp.csv": "USD per GBP",
}
YEARS = set(range(2010, 2026))


@pytest.mark.parametrize("name", [*RATE_FILES, "cpi_u.csv"])
def test_every_table_covers_2010_2025_and_names_its_publisher(name):
    t = pd.read_csv(PUBLIC / name)
    assert YEARS <= set(t["year"])
    assert t["year"].is_unique and (t["value"] > 0).all()
    assert t["source"].str.contains(
        "Federal Reserve|Norges Bank|Bureau of Labor Statistics"
    ).all()
    assert t["source_url"].str.startswith("https://").all()
    assert t["note"].notna().all() and (t["note"].str.len() > 10).all()
    # 2025 is not known here: said so on the row itself
    assert t.loc[t["year"] == 2025, "note"].str.startswith("APPROXIMATE").all()
    if name != "cpi_u.csv":
        assert (t["unit"] == RATE_FILES[name]).all()


def test_values_already_bundled_are_unchanged():
    nok = pd.read_csv(PUBLIC / "nok_per_usd.csv").set_index("year")["value"]
    gbp = pd.read_csv(PUBLIC / "usd_per_gbp.csv").set_index("year")["value"]
    cpi = pd.read_csv(PUBLIC / "cpi_u.csv").set_index("year")["value"]
    before = {2019: 8.7999, 2020: 9.4146, 2021: 8.5991, 2022: 9.6137, 2023: 10.5636}
    assert nok.loc[list(before)].tolist() == list(before.values())
    assert gbp.loc[[2021, 2022]].tolist() == [1.3757, 1.2369]
    assert cpi.loc[2017:2024].tolist() == [
        245.12, 251.107, 255.657, 258.811, 270.97, 292.655, 304.702, 313.689
    ]  # fmt: skip
    # the generator's own figures (synthetic price trends) are the same numbers
    assert {y: cpi[y] for y in _spec.CPI_U} == pytest.approx(_spec.CPI_U)
    assert {y: nok[y] for y in _spec.NOK_PER_USD} == _spec.NOK_PER_USD


def test_fed_g5a_values_read_from_the_releases():
    # from the stored G.5A releases of 2016, 2021 and 2024 (not from the code under test)
    eur = pd.read_csv(PUBLIC / "usd_per_eur.csv").set_index("year")["value"]
    sek = pd.read_csv(PUBLIC / "sek_per_usd.csv").set_index("year")["value"]
    dkk = pd.read_csv(PUBLIC / "dkk_per_usd.csv").set_index("year")["value"]
    assert (eur[2015], eur[2022], sek[2019], dkk[2023]) == (1.1096, 1.0534, 9.4604, 6.89)


def test_datapackage_and_readme_name_the_publishers():
    pkg = json.loads((datasets_dir() / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["path"]: r for r in pkg["resources"]}
    for name in [*RATE_FILES, "cpi_u.csv"]:
        titles = " ".join(s["title"] for s in res[f"public/{name}"]["sources"])
        assert "Federal Reserve" in titles or "Bureau of Labor Statistics" in titles, name
    readme = (datasets_dir() / "README.md").read_text(encoding="utf-8")
    assert "CUUR0000SA0" in readme and "G.5A" in readme and "--rate CUR:YEAR=VALUE" in readme


def test_bundled_rates_convert_every_currency():
    r = adjust.exchange_rates()
    got = r.groupby("currency")["year"].agg(["min", "max"])
    assert set(got.index) == {"NOK", "SEK", "DKK", "EUR", "GBP"}
    assert (got["min"] <= 2010).all() and (got["max"] >= 2025).all()
    usd = adjust.to_usd([1000.0, 1000.0, 1000.0], ["EUR", "SEK", "GBP"], [2022, 2019, 2021])
    assert usd.round(2).tolist() == [1053.4, round(1000 / 9.4604, 2), 1375.7]


def test_a_missing_rate_names_the_rate_the_year_and_the_flag():
    with pytest.raises(adjust.MissingRateError) as err:
        adjust.to_usd([100.0], ["NOK"], [2009])
    msg = str(err.value)
    assert "NOK 2009 (NOK per USD)" in msg
    assert "--rate NOK:2009=VALUE" in msg
    assert err.value.currency == "NOK" and err.value.year == 2009
    assert isinstance(err.value, KeyError)  # callers catching KeyError keep working
    with pytest.raises(adjust.MissingRateError, match="--rate CHF:2022=VALUE"):
        adjust.to_usd([100.0], ["CHF"], [2022])


def test_ppp_table_names_oecd_and_is_marked_approximate():
    t = pd.read_csv(PUBLIC / "ppp_oecd.csv")
    assert set(t["currency"]) == {"NOK", "SEK", "DKK", "EUR", "GBP"}
    assert set(range(2015, 2025)) <= set(t["year"])
    assert t["source"].str.contains("OECD").all() and t["source"].str.contains("PPPGDP").all()
    assert t["note"].str.startswith("APPROXIMATE").all()
    pkg = json.loads((datasets_dir() / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["path"]: r for r in pkg["resources"]}
    assert "OECD" in res["public/ppp_oecd.csv"]["sources"][0]["title"]
    # the PPP table is not an exchange-rate table
    assert "PPP" not in " ".join(adjust.exchange_rates()["quote"].astype(str))


def test_ppp_conversion_option_market_is_default():
    lines = pd.DataFrame(
        {"amount": [10_100.0], "fiscal_year": [2021], "currency": ["NOK"], "bea_code": ["327310"]}
    )
    market = adjust.to_factor_dollars(lines, "sef_v1.3", method="cpi_u")
    ppp = adjust.to_factor_dollars(lines, "sef_v1.3", method="cpi_u", conversion="ppp")
    nok_2021 = pd.read_csv(PUBLIC / "ppp_oecd.csv").query("currency == 'NOK' and year == 2021")
    assert ppp["amount_usd"].item() == pytest.approx(10_100.0 / nok_2021["value"].item())
    assert market["amount_usd"].item() == pytest.approx(10_100.0 / 8.5991)
    assert market.attrs["conversion"] == "market" and ppp.attrs["conversion"] == "ppp"
    assert "purchasing power parities" in ppp.attrs["note"] and "PPP" in ppp.attrs["note"]
    with pytest.raises(ValueError, match="market"):
        adjust.to_factor_dollars(lines, "sef_v1.3", conversion="fx")
