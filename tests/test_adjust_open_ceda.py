"""Open CEDA price basis stated truthfully, attribution on every output (issue 14, item 2).

A Norwegian member with Open CEDA: one line recomputed by hand from the
publishers' figures (Open CEDA 2024 Norway row, the bundled Norges Bank rate,
BLS CPI-U), and the README sheet, README.txt and metadata.json must say what was applied.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cohort_helpers import data
from cohort_helpers.cli import main

ROOT = Path(__file__).resolve().parents[1]
DS = ROOT / "datasets" / "members"
NO_LEDGER = DS / "bjorkestrand" / "ledgers" / "bjorkestrand_hovedbok_2021.csv"
NO_MAP = DS / "bjorkestrand" / "mapping.yaml"


@pytest.fixture(scope="module")
def ceda_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("ceda") / "out"
    rc = main(["inventory", str(NO_LEDGER), "--mapping", str(NO_MAP), "--member", "bjorkestrand",
               "--country", "NO", "--fiscal-year", "2021", "--factors", "open_ceda:NOR",
               "--out", str(out)])  # fmt: skip
    assert rc == 0
    return out


def test_one_line_recomputed_by_hand(ceda_run):
    lines = pd.read_csv(ceda_run / "lines.csv", dtype={"naics6": str})
    sef = data.read_sef().set_index("naics6")["bea_code"]
    ceda = data.read_open_ceda()
    nor = ceda[ceda["country_code"] == "NOR"].set_index("bea_code")["kg_co2e_per_usd"]
    inc = lines[(lines["status"] == "included") & lines["naics6"].isin(sef.index)].copy()
    inc["bea"] = inc["naics6"].map(sef)
    inc = inc[inc["bea"].isin(nor.index) & (inc["amount"] > 1000)]
    line = inc.sort_values("amount", ascending=False).iloc[0]
    year = int(str(line["date"])[:4])
    assert year == 2021
    rate = 8.5991  # Norges Bank, NOK per USD, 2021 annual average (datasets/public)
    cpi_2021, cpi_2022 = 270.970, 292.655  # BLS CUUR0000SA0 annual averages
    usd_2022 = line["amount"] / rate * cpi_2022 / cpi_2021
    kg = usd_2022 * nor[line["bea"]]
    assert line["spend_factor_usd"] == pytest.approx(usd_2022, abs=0.01)
    assert line["factor_kg_per_usd"] == pytest.approx(nor[line["bea"]], rel=1e-12)
    assert line["kg_co2e"] == pytest.approx(kg, abs=0.002)


def test_the_stated_price_year_and_index_are_what_was_applied(ceda_run):
    wb = openpyxl.load_workbook(ceda_run / "inventory.xlsx", read_only=True)
    readme = {r[0]: r[1] for r in wb["README"].iter_rows(min_row=2, values_only=True)}
    assert readme["Price year"] == "2022 USD (cpi_u (country factors) price index)"
    assert "US CPI-U" in readme["Price conversion"] and "2022 USD" in readme["Price conversion"]
    assert "no US sector price index" in readme["Price conversion"]
    assert readme["Exchange rates"] == "NOK 2021: 8.5991 NOK per USD (annual average)"
    assert "NOT included" in readme["Price basis"]
    meta = json.loads((ceda_run / "metadata.json").read_text(encoding="utf-8"))
    assert meta["readme"]["Price conversion"] == readme["Price conversion"]
    text = (ceda_run / "README.txt").read_text(encoding="utf-8")
    assert "Price conversion: " in text and "CEDA by Watershed" in text


def test_attribution_in_every_csv_and_the_workbook(ceda_run):
    for name in ("lines.csv", "summary.csv", "reconciliation.csv", "uncertainty.csv"):
        t = pd.read_csv(ceda_run / name)
        assert "attribution" in t.columns, name
        assert t["attribution"].str.contains("CEDA by Watershed").all(), name
        assert t["attribution"].str.contains("CC BY-SA 4.0").all(), name
    wb = openpyxl.load_workbook(ceda_run / "inventory.xlsx", read_only=True)
    readme = {r[0]: r[1] for r in wb["README"].iter_rows(min_row=2, values_only=True)}
    assert "CEDA by Watershed" in readme["Attribution (required)"]
    header = next(wb["summary"].iter_rows(max_row=1, values_only=True))
    assert "attribution" in header
