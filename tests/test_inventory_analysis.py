"""Summaries of an inventory: reconciliation to the cent, hot spots, coverage, export."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_helpers import analysis
from cohort_helpers import inventory as inv

amounts = st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False)
statuses = st.sampled_from(["included", "excluded", "unclassified"])
reasons = st.sampled_from(["payroll_benefits", "duplicate", "void", "scope12_fuel"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(amounts, statuses, reasons, st.sampled_from(["USD", "NOK"])),
        min_size=1,
        max_size=60,
    )
)
def test_reconciliation_holds_to_the_cent(rows):
    df = pd.DataFrame(rows, columns=["amount", "status", "reason", "currency"])
    exact = {c: sum(r[0] for r in rows if r[3] == c) for c in {r[3] for r in rows}}
    df["amount"] = df["amount"].astype(float)
    df.loc[df.status != "excluded", "reason"] = ""
    rec = inv.reconcile(df)
    assert (rec["difference_cents"] == 0).all()
    for cur, total in exact.items():
        got = rec[(rec.currency == cur) & (rec.bucket == "input")]["cents"].item()
        assert got == int(total * 100)
        parts = rec[(rec.currency == cur) & ~rec.bucket.isin(["input", "check"])]["cents"].sum()
        assert parts == got


def test_reconcile_splits_categories_and_reasons():
    df = pd.DataFrame(
        {
            "amount": [100.0, 50.0, 20.0, -20.0, 7.5],
            "currency": "USD",
            "status": ["included", "included", "excluded", "excluded", "unclassified"],
            "reason": ["", "", "void", "void", ""],
            "scope3_category": [1, 2, 1, 1, 1],
        }
    )
    rec = inv.reconcile(df).set_index("bucket")
    assert rec.loc["input", "amount"] == 157.5
    assert rec.loc["included, category 1", "amount"] == 100.0
    assert rec.loc["included, category 2", "amount"] == 50.0
    assert rec.loc["excluded: void", "lines"] == 2 and rec.loc["excluded: void", "amount"] == 0
    assert rec.loc["unclassified", "amount"] == 7.5


def test_reconcile_rejects_unknown_status():
    df = pd.DataFrame({"amount": [1.0], "currency": "USD", "status": ["maybe"], "reason": [""]})
    with pytest.raises(ValueError, match="maybe"):
        inv.reconcile(df)


def test_cents_rounds_half_away_from_zero():
    assert inv.cents(pd.Series([0.005, -0.005, 2.675, 1e9 + 0.01])).tolist() == [
        1,
        -1,
        268,
        100000000001,
    ]


def test_summarise_and_hot_spots():
    lines = pd.DataFrame(
        {
            "status": ["included"] * 4 + ["excluded"],
            "naics6": ["541330", "327320", "541330", "322121", "327320"],
            "spend_factor_usd": [8000.0, 1000.0, 2000.0, 1000.0, 99999.0],
            "kg_co2e": [1000.0, 900.0, 250.0, 400.0, 99999.0],
        }
    )
    s = inv.summarise(lines)
    assert s.loc["541330", "spend_usd"] == 10000.0
    assert s.loc["541330", "t_co2e"] == pytest.approx(1.25)
    assert s.loc["327320", "kg_per_usd"] == pytest.approx(0.9)
    assert s["share_spend"].sum() == pytest.approx(1.0)
    hs = analysis.hot_spots(s)
    assert hs.n80_spend == 1  # engineering services alone is 83% of spend
    assert hs.n80_emissions == 2  # emissions: 49% + 35% = 84%
    assert list(hs.table.index[:2]) == ["541330", "327320"]


def test_ratio_to_lgo():
    assert analysis.ratio_to_lgo(5500.0, pd.DataFrame({"t_co2e": [600.0, 400.0]})) == 5.5
    with pytest.raises(ValueError):
        analysis.ratio_to_lgo(1.0, pd.DataFrame({"t_co2e": [0.0]}))


def test_workbook_is_formula_safe(tmp_path):
    lines = pd.DataFrame(
        {
            "vendor": ['=HYPERLINK("x")', "+1", "@SUM(A1)", "-2+3", "ACME"],
            "amount": [-1.0, 2, 3, 4, 5],
        }
    )
    path = tmp_path / "inv.xlsx"
    inv.write_workbook(path, {"lines": lines}, {"Factor set": "EPA SEF v1.3", "Note": "=1+1"})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["README", "lines"]
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    assert not v.startswith(("=", "+", "-", "@")), v
    # numbers stay numbers, negative ones too
    assert [c.value for c in wb["lines"]["B"]][1:] == [-1, 2, 3, 4, 5]


def test_coverage_bands():
    df = pd.DataFrame(
        {
            "status": ["included", "included", "unclassified", "excluded"],
            "amount": [60.0, 30.0, 10.0, 1000.0],
            "method": ["vendor", "keyword", "unclassified", None],
            "confidence": [0.95, 0.6, 0.0, np.nan],
        }
    )
    cov = analysis.coverage(df)
    assert cov.loc[("method", "vendor"), "share_of_purchase_spend"] == pytest.approx(0.6)
    assert cov.loc[("confidence", "0.8-1.0"), "spend"] == 60.0
    assert cov.loc[("confidence", "0.0-0.5"), "spend"] == 10.0


def test_coverage_counts_lines_left_without_factor_as_unclassified():
    df = pd.DataFrame(
        {
            "status": ["included", "unclassified", "excluded"],
            "amount": [75.0, 25.0, 1000.0],
            "method": ["vendor", "object_code", "object_code"],  # 2nd: code had no factor
            "confidence": [0.9, 0.9, 0.9],
        }
    )
    cov = analysis.coverage(df)
    assert cov.loc[("method", "vendor"), "share_of_purchase_spend"] == 0.75
    assert cov.loc[("method", "unclassified"), "share_of_purchase_spend"] == 0.25
    assert ("method", "object_code") not in cov.index
    assert cov.loc[("confidence", "0.0-0.5"), "share_of_purchase_spend"] == 0.25
    assert cov.loc[("confidence", "0.8-1.0"), "share_of_purchase_spend"] == 0.75
