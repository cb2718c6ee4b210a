"""Uncertainty assumptions in every output, variance decomposition, sensitivity (issue 14)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import inventory, uncertainty

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
DS = ROOT / "datasets" / "members"
CV_AP = DS / "cedar_valley" / "ledgers" / "cedar_valley_ap_FY2022.csv"
CV_MAP = DS / "cedar_valley" / "mapping.yaml"
NO_LEDGER = DS / "bjorkestrand" / "ledgers" / "bjorkestrand_hovedbok_2021.csv"
NO_MAP = DS / "bjorkestrand" / "mapping.yaml"


@pytest.fixture(scope="module")
def inv():
    return inventory.run_inventory(
        [CV_AP], member="cv", mapping=CV_MAP, fiscal_year=2022, n_draws=500, progress=False
    )


def _included(inv):
    return inv.lines.loc[
        inv.lines["status"] == "included", ["bea_code", "kg_co2e", "confidence"]
    ]


def test_variance_shares_add_to_one_and_follow_the_terms(inv):
    mc = inv.monte_carlo
    dec = mc.variance_decomposition()
    assert dec.sum() == pytest.approx(1.0, abs=1e-12)
    assert (dec > 0).all()
    # recomputed from the per-code terms: variance-weighted share of each log-variance term
    c = mc.contributions
    assert np.allclose(
        c["pedigree_variance"] + c["basic_variance"] + c["classification_variance"], c["sigma2"]
    )
    w = c["share_of_variance"]
    expected = (w * c["basic_variance"] / c["sigma2"]).sum() / w.sum()
    assert dec["basic spread"] == pytest.approx(expected, rel=1e-12)
    # with confidence 1 everywhere there is no classification term
    sure = _included(inv).assign(confidence=1.0)
    d1 = uncertainty.monte_carlo(sure, n_draws=50, seed=1).variance_decomposition()
    assert d1["classification"] == pytest.approx(0.0, abs=1e-15)


def test_uncertainty_csv_lists_the_assumptions_and_shares(inv, tmp_path):
    inventory.write_outputs(inv, tmp_path / "out")
    u = pd.read_csv(tmp_path / "out" / "uncertainty.csv")
    assert u.loc[u["section"] == "range", "item"].tolist()[0] == "total"
    a = u[u["section"] == "assumption"].set_index("item")
    assert a.loc["basic GSD", "value"] == "1.5"
    assert "x (1 - confidence)" in a.loc["classification term", "value"]
    assert "DQ_USEEIOv2.0.16-GHG.csv" in a.loc["pedigree source", "value"]
    assert a.loc["central value", "value"] == "mean"
    assert a.loc["draws", "value"] == "500" and a.loc["seed", "value"] == "2022"
    shares = u.loc[u["section"] == "variance share", "value"].astype(float)
    assert len(shares) == 3 and shares.sum() == pytest.approx(1.0, abs=1e-9)
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "out" / "inventory.xlsx", read_only=True)
    readme = {r[0]: r[1] for r in wb["README"].iter_rows(min_row=2, values_only=True)}
    assert "basic GSD 1.5" in readme["Uncertainty assumptions"]
    assert "Share of the variance" in readme["Uncertainty assumptions"]
    items = [r[1] for r in wb["uncertainty"].iter_rows(min_row=2, values_only=True)]
    assert "pedigree source" in items and "basic spread" in items


def test_open_ceda_uncertainty_says_the_scores_are_us_ones(tmp_path):
    inv = inventory.run_inventory(
        [NO_LEDGER], member="bj", mapping=NO_MAP, country="NO", fiscal_year=2021,
        factors="open_ceda:NOR", n_draws=200, progress=False,
    )  # fmt: skip
    t = uncertainty.assumptions_table(inv.monte_carlo, inv.settings["factors"])
    note = t.set_index("item").loc["pedigree source", "note"]
    assert "US sector scores used for open_ceda_NOR" in note
    assert "US sector scores used for open_ceda_NOR" in inv.settings["uncertainty_assumptions"]


def test_sensitivity_table_gsd_and_mean_vs_median(inv):
    t = uncertainty.sensitivity(_included(inv), n_draws=400)
    assert list(zip(t["basic_gsd"], t["central"], strict=True)) == [
        (1.2, "mean"), (1.2, "median"), (1.5, "mean"), (1.5, "median"), (2.0, "mean"),
        (2.0, "median"),
    ]  # fmt: skip
    mean = t[t["central"] == "mean"].set_index("basic_gsd")
    med = t[t["central"] == "median"].set_index("basic_gsd")
    assert mean["width_pct"].is_monotonic_increasing
    assert (med["p97_5_t"] > mean["p97_5_t"]).all()  # median convention moves the range up
    assert mean.loc[1.5, "p2_5_t"] == pytest.approx(inv.monte_carlo.p2_5 / 1000, rel=0.05)
    assert np.allclose(t[["share_pedigree", "share_basic", "share_classification"]].sum(axis=1), 1)
    assert mean.loc[2.0, "share_basic"] > mean.loc[1.2, "share_basic"]
    assert math.isclose(t["point_t"].iloc[0], inv.t_co2e, rel_tol=1e-9)
