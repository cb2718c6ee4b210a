"""Session 3: from payments to factor-ready spend, price methods, factor choices, budget estimates.

Covers what Session 3 added to ``adjust`` and ``downscale`` and the homework
module ``cohort_helpers.course.homework.session03``.
"""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import adjust, data, downscale, factors, inventory
from cohort_helpers.course.homework import session03

NEW_FUNCTIONS = [
    inventory.exclusion_table,
    inventory.waterfall_steps,
    adjust.factor_ready_lines,
    downscale.sector_of,
    downscale.compare_with_ledger,
    downscale.ledger_purchase_shares,
]


@pytest.mark.parametrize("func", NEW_FUNCTIONS, ids=lambda f: f.__name__)
def test_docstring_examples(func):
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(func, func.__name__, globs=dict(func.__globals__)):
        runner.run(test)
    assert runner.failures == 0


@pytest.fixture(scope="module")
def inv() -> inventory.Inventory:
    """A small US member's inventory (one ledger year), without Monte Carlo."""
    return inventory.member_inventory("northgate", n_draws=0)


@pytest.fixture(scope="module")
def nor_inv() -> inventory.Inventory:
    return inventory.member_inventory("tindoy", 2021, n_draws=0)


def rec_frame(amounts: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"currency": "USD", "bucket": list(amounts), "lines": 1, "amount": list(amounts.values())}
    )


# ------------------------------------------------------------ exclusions, waterfall


def test_every_contract_reason_has_a_label_and_a_why():
    from cohort_helpers import vocabulary

    contract = set(vocabulary.REASONS)
    assert {"payroll_benefits", "scope12_electricity", "other_fiscal_year", "income"} <= contract
    assert set(vocabulary.REASON_TEXT) == contract
    assert all(label and why for label, why in vocabulary.REASON_TEXT.values())
    assert set(vocabulary.SCOPE12_REASONS) == {r for r in contract if r.startswith("scope12_")}
    # the exclusion table labels every reason with the vocabulary's label and why
    rec = pd.DataFrame(
        {
            "currency": "USD",
            "bucket": ["input", *(f"excluded: {r}" for r in vocabulary.REASONS)],
            "lines": 1,
            "amount": [100.0 * len(contract), *(100.0 for _ in contract)],
        }
    )
    t = inventory.exclusion_table(rec).set_index("reason")
    assert set(t.index) == contract
    assert t["label"].to_dict() == {r: vocabulary.label(r) for r in contract}
    assert t["why"].to_dict() == {r: vocabulary.why(r) for r in contract}


def test_waterfall_steps_end_at_the_included_spend(inv):
    rec = inv.reconciliation
    steps = inventory.waterfall_steps(rec)
    included = rec.loc[rec["bucket"].str.startswith("included"), "amount"].sum()
    assert steps.sum() == pytest.approx(included, abs=0.01)
    assert steps.attrs["factor_ready"] == pytest.approx(included)
    assert steps.index[0] == "Total payments" and (steps.iloc[1:] <= 0).all()
    # every excluded dollar is in a step (grouped or not) and in the table
    table = inventory.exclusion_table(rec)
    excluded = rec.loc[rec["bucket"].str.startswith("excluded"), "amount"].sum()
    assert table["amount"].sum() == pytest.approx(excluded)
    assert set(steps.attrs["grouped"]) <= set(table["label"])


def test_waterfall_groups_small_reasons_and_keeps_unknown_reasons():
    rec = rec_frame(
        {
            "input": 1000.0,
            "included, category 1": 300.0,
            "excluded: payroll_benefits": 600.0,
            "excluded: refund": 2.0,
            "excluded: mystery": 98.0,
            "check": 0.0,
        }
    )
    steps = inventory.waterfall_steps(rec, min_share=0.01)
    assert steps.to_dict() == {
        "Total payments": 1000.0,
        "Payroll and benefits": -600.0,
        "mystery": -98.0,
        "Smaller exclusions": -2.0,
    }
    assert steps.attrs["grouped"] == ["Refunds"]
    assert inventory.exclusion_table(rec).set_index("reason").loc["mystery", "why"] == "see the rules"


def test_reconciliation_with_two_currencies_needs_a_choice():
    rec = pd.concat([rec_frame({"input": 10.0}), rec_frame({"input": 5.0}).assign(currency="NOK")])
    with pytest.raises(ValueError, match="currency="):
        inventory.exclusion_table(rec)
    assert inventory.waterfall_steps(rec, "NOK").iloc[0] == 5.0
    with pytest.raises(TypeError, match="reconciliation"):
        inventory.waterfall_steps(pd.DataFrame({"amount": [1.0]}))


# ------------------------------------------------------------ price methods


def test_bea_column_reproduces_the_inventory_and_cpi_follows_the_index(inv):
    total = adjust.compare_price_methods(inv.lines).iloc[0]
    assert total["t_bea"] == pytest.approx(inv.t_co2e, rel=1e-9)
    lines = adjust.factor_ready_lines(inv.lines)
    cpi = adjust.cpi_u()
    ratio = cpi.loc[2022] / cpi.reindex(lines["year"]).to_numpy()
    assert total["spend_cpi"] == pytest.approx((lines["amount"] * ratio).sum(), rel=1e-9)
    assert total["diff_pct"] == pytest.approx((total["t_cpi"] / total["t_bea"] - 1) * 100)


def test_price_methods_by_group_add_up_to_the_total(inv):
    total = adjust.compare_price_methods(inv.lines).iloc[0]
    by_cat = adjust.compare_price_methods(inv.lines, "scope3_category")
    by_sector = adjust.compare_price_methods(
        inv.lines, lambda d: downscale.sector_of(d["naics6"])
    )
    for t in (by_cat, by_sector):
        assert t["t_cpi"].sum() == pytest.approx(total["t_cpi"])
        assert t["t_bea"].is_monotonic_decreasing


def test_spend_of_2022_does_not_move():
    lines = pd.DataFrame(
        {
            "status": "included",
            "amount": [100.0, 50.0],
            "currency": "USD",
            "date": pd.to_datetime(["2022-03-01", "2022-11-30"]),
            "fiscal_year": 2022,
            "bea_code": ["327310", "541300"],
            "factor_kg_per_usd": [1.0, 0.1],
        }
    )
    t = adjust.compare_price_methods(lines).iloc[0]
    assert t["spend_bea"] == pytest.approx(150.0) and t["spend_cpi"] == pytest.approx(150.0)
    assert t["diff_pct"] == pytest.approx(0.0)


def test_price_ratio_example_shows_the_index_values():
    ex = adjust.price_ratio_example("327310", 2019)
    wide = adjust.price_index_table()
    assert ex.loc["BEA sector index", "ratio"] == pytest.approx(
        wide.at["327310", 2022] / wide.at["327310", 2019]
    )
    assert ex.loc["CPI-U", "index_year"] == pytest.approx(255.657)
    assert ex.loc["CPI-U", "ratio"] == pytest.approx(292.655 / 255.657)


def test_factor_ready_lines_use_the_payment_year():
    lines = pd.DataFrame(
        {
            "status": ["included", "included", "excluded"],
            "amount": [1.0, 2.0, 3.0],
            "fiscal_year": [2023, 2023, 2023],
            "date": pd.to_datetime(["2022-12-31", None, "2023-01-01"]),
        }
    )
    assert adjust.factor_ready_lines(lines)["year"].tolist() == [2022, 2023]
    with pytest.raises(KeyError, match="status"):
        adjust.factor_ready_lines(lines.drop(columns="status"))


# ------------------------------------------------------------ factor choices (Norway)


def test_factor_choices_for_nok_spend(nor_inv):
    choices = adjust.compare_factor_sets(nor_inv.lines)
    assert list(choices.index) == [c[0] for c in adjust.FACTOR_CHOICES]
    sef, sef_wo, ceda, ceda_m = (choices.iloc[i] for i in range(4))
    # the first choice is the inventory itself
    assert sef["t_co2e"] == pytest.approx(nor_inv.t_co2e, rel=1e-9)
    assert sef["currency_rule"] == "convert_then_deflate"
    # Open CEDA: NOK converted at the spend year's rate, then US CPI-U to the set's 2022 USD
    lines = adjust.factor_ready_lines(nor_inv.lines)
    usd = adjust.to_usd(lines["amount"], lines["currency"], lines["year"]).sum()
    assert ceda["currency_rule"] == "convert_then_cpi"
    cpi = adjust.cpi_u()
    ratio = cpi[2022] / cpi[2021]  # every line of this example is paid in 2021
    assert ceda["spend_usd"] + ceda["no_factor"] / 8.5991 * ratio == pytest.approx(
        usd * ratio, rel=1e-6
    )
    # margins: leaving them out lowers emissions, the approximation puts them back
    assert sef_wo["t_co2e"] < sef["t_co2e"]
    assert ceda_m["t_co2e"] > ceda["t_co2e"]
    assert "NOT included" in ceda["note"] and "APPROXIMATION" in ceda_m["note"]
    assert choices.attrs["attributions"] and data.OPEN_CEDA_ATTRIBUTION in set(
        choices["attribution"]
    )
    assert choices["vs_first_pct"].iloc[0] == 0.0


def test_factor_choices_with_own_list_and_missing_code_column(inv):
    one = adjust.compare_factor_sets(inv.lines, [("SEF", "sef_v1.3", False)])
    assert one.index.tolist() == ["SEF"] and one["t_co2e"].iloc[0] == pytest.approx(inv.t_co2e)
    with pytest.raises(KeyError, match="codes"):
        adjust.compare_factor_sets(inv.lines, code_col="nope")


# ------------------------------------------------------------ budgets and sectors


def test_every_profile_commodity_has_a_sector():
    for cols in (downscale.OPERATING_COLUMNS, downscale.CAPITAL_COLUMNS):
        prof = downscale.purchasing_profile(cols)
        assert (downscale.sector_of(prof["bea_code"]) != "Unclassified").all()
    codes = factors.load_factor_set("sef_v1.3").table.index
    assert (downscale.sector_of(pd.Series(codes)) != "Unclassified").all()


def test_estimate_from_budget_conserves_each_category():
    est = downscale.estimate_from_budget(1_000_000.01, 250_000.00, 2021)
    cents = est.groupby("scope3_category")["amount_cents"].sum()
    assert cents.to_dict() == {1: 100_000_001, 2: 25_000_000}
    assert (est["method"] == "downscaled").all() and est["quality_flag"].str.contains("lower").all()
    assert est.attrs["t_co2e"] == pytest.approx(sum(est.attrs["t_by_category"].values()))
    np.testing.assert_allclose(est["kg_co2e"], est["spend_factor_usd"] * est["factor_kg_per_usd"])
    only_op = downscale.estimate_from_budget(1_000_000.01, 0, 2021)
    assert set(only_op["scope3_category"]) == {1}
    assert only_op.attrs["t_co2e"] == pytest.approx(est.attrs["t_by_category"][1])


def test_estimate_from_budget_in_nok_converts_at_the_year_rate():
    nok = downscale.estimate_from_budget(8_599_100.0, 0, 2021, currency="NOK")
    usd = downscale.estimate_from_budget(1_000_000.0, 0, 2021)
    assert nok["spend_factor_usd"].sum() == pytest.approx(usd["spend_factor_usd"].sum())


@pytest.mark.parametrize(("op", "cap", "words"), [(0, 0, "zero"), (-5.0, 0, "negative")])
def test_estimate_from_budget_refuses_empty_or_negative_totals(op, cap, words):
    with pytest.raises(ValueError, match=words):
        downscale.estimate_from_budget(op, cap, 2021)


def test_compare_with_ledger_totals(inv):
    p = downscale.BUDGET_PURCHASE_SHARES["US"]
    est = downscale.estimate_from_budget(5e7 * p["operating"], 1e7 * p["capital"], 2021)
    by_sector = downscale.compare_with_ledger(est, inv.lines)
    by_cat = downscale.compare_with_ledger(est, inv.lines, "scope3_category")
    for t in (by_sector, by_cat):
        assert t["t_estimate"].sum() == pytest.approx(est.attrs["t_co2e"])
        assert t["t_ledger"].sum() == pytest.approx(inv.t_co2e)
        assert t.attrs["diff_pct"] == pytest.approx((est.attrs["t_co2e"] / inv.t_co2e - 1) * 100)
    cat1 = downscale.compare_with_ledger(est, inv.lines, scope3_category=1)
    assert cat1["t_estimate"].sum() == pytest.approx(est.attrs["t_by_category"][1])
    with pytest.raises(ValueError, match="sector"):
        downscale.compare_with_ledger(est, inv.lines, "department")


# ------------------------------------------------------------ homework module


def test_homework_year_is_another_ledger_year_when_there_is_one():
    assert session03.class_year("cedar_valley") == 2019
    assert session03.homework_year("cedar_valley") == 2023
    assert session03.homework_year("tindoy") == 2021
    assert session03.homework_year("northgate") == session03.class_year("northgate") == 2021


def test_homework_inventory_is_a_private_copy():
    a = session03.homework_inventory("northgate")
    a.lines["amount"] = 0.0
    b = session03.homework_inventory("northgate")
    assert b.lines["amount"].abs().sum() > 0 and b.lines is not a.lines
    assert session03.estimate_t("northgate") > 0
