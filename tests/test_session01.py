"""Session 1: the hand arithmetic of the notebook, the screening estimate, the homework checks.

Run for a US member (cedar_valley, the default) and a Norwegian one (tindoy,
NOK ledger and budget), on the bundled cohort.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import adjust, downscale, factors, members
from cohort_helpers.course import checks
from cohort_helpers.course.checks import Task, evaluate
from cohort_helpers.course.homework import session01

MEMBERS = ["cedar_valley", "tindoy"]

#: The answer key's hand codes (solutions/01_lgo_and_supply_chain.ipynb, task 4).
HAND_CODES = {
    "cedar_valley": ["237310", "236220", "237310", "541511", "237110", "562212", "562111",
                     "221310", "517312", "324121", "531120", "311611", "325314", "325311",
                     "561510"],
    "tindoy": ["236220", "562111", "237110", "562212", "237310", "336112", "531120", "485410",
               "325199", "238220", "337127", "324121", "311612", "325611", "424120"],
}  # fmt: skip


def ten_lines_by_hand(lines: pd.DataFrame) -> pd.DataFrame:
    """The notebook's ten lines, worked step by step (the same pandas as its cells)."""
    simple = lines[
        lines["status"].eq("included")
        & lines["factor_match"].eq("exact")
        & ~lines["bea_code"].astype(str).str.contains(",")
    ]
    ten = (
        simple.sort_values(["amount", "source_file", "source_line"], ascending=[False, True, True])
        .drop_duplicates("naics6")
        .head(10)
    )
    price_index = adjust.price_index_table()
    usd_per = adjust.exchange_rates().set_index(["currency", "year"])["usd_per_unit"]
    sef = factors.load_factor_set("sef_v1.3").naics_view
    work = ten[["naics6", "bea_code", "amount", "currency", "kg_co2e"]].copy()
    work["price_year"] = ten["date"].dt.year
    work["usd_per_unit"] = [
        1.0 if cur == "USD" else usd_per[(cur, y)]
        for cur, y in zip(work["currency"], work["price_year"], strict=True)
    ]
    work["price_ratio"] = [
        price_index.at[b, 2022] / price_index.at[b, y]
        for b, y in zip(work["bea_code"], work["price_year"], strict=True)
    ]
    work["spend_2022_usd"] = work["amount"] * work["usd_per_unit"] * work["price_ratio"]
    work["kg_by_hand"] = work["spend_2022_usd"] * work["naics6"].map(sef["factor_kg_per_usd"])
    return work


@pytest.mark.parametrize("member", MEMBERS)
def test_ten_lines_by_hand_equal_the_library(member):
    lines = session01.member_inventory(member).lines
    work = ten_lines_by_hand(lines)
    assert len(work) == 10 and work["naics6"].is_unique
    np.testing.assert_allclose(work["kg_by_hand"], work["kg_co2e"], rtol=1e-9)
    assert (work["kg_by_hand"] > 0).all()
    if members.member_profile(member).currency == "NOK":
        rate = adjust.exchange_rates().set_index(["currency", "year"]).loc[("NOK", 2021), "rate"]
        assert work["usd_per_unit"].iloc[0] == pytest.approx(1 / rate)
    # the ten are deterministic: the same lines on a second run
    assert ten_lines_by_hand(lines).index.tolist() == work.index.tolist()


@pytest.mark.parametrize("member", MEMBERS)
def test_purchase_share_comes_from_the_reconciliation(member):
    rec = session01.member_inventory(member).reconciliation
    share = session01.purchase_share(rec)
    amounts = rec.set_index("bucket")["amount"]
    expected = amounts["included, category 1"] / (
        amounts["input"] - amounts["included, category 2"]
    )
    assert share == pytest.approx(expected)
    assert 0.1 < share < 0.7  # payroll, debt, transfers ... are the rest
    assert int(rec.loc[rec["bucket"] == "check", "difference_cents"].abs().sum()) == 0


def test_purchase_share_without_non_capital_payments_is_an_error():
    rec = pd.DataFrame({"bucket": ["input", "included, category 2"], "amount": [10.0, 10.0]})
    with pytest.raises(ValueError, match="non-capital"):
        session01.purchase_share(rec)


@pytest.mark.parametrize("member", MEMBERS)
def test_screening_estimate_is_the_downscaled_budget(member):
    p = members.member_profile(member)
    est = session01.screening_estimate(member)
    assert list(est.index) == ["operating", "capital"]
    share = session01.purchase_share(session01.member_inventory(member).reconciliation)
    assert est.at["operating", "purchases"] == pytest.approx(p.operating_budget * share)
    assert est.at["capital", "purchases"] == pytest.approx(p.capital_budget)
    alloc = downscale.downscale_budget(
        p.capital_budget, downscale.purchasing_profile(downscale.CAPITAL_COLUMNS)
    )
    direct = downscale.downscaled_emissions(alloc, year=p.budget_year, currency=p.currency)
    assert est.at["capital", "t_co2e"] == pytest.approx(direct.attrs["t_co2e"])
    # a screening estimate: same order of magnitude as the ledger, not the same number
    ledger_t = session01.member_inventory(member).t_co2e
    assert 0.3 < est["t_co2e"].sum() / ledger_t < 3
    # a lower assumed share lowers the estimate in proportion
    half = session01.screening_estimate(member, share=share / 2)
    assert half.at["operating", "t_co2e"] == pytest.approx(est.at["operating", "t_co2e"] / 2)


@pytest.mark.parametrize("member", MEMBERS)
def test_lines_to_classify_are_fifteen_fixed_lines_without_the_answer(member):
    lines = session01.member_inventory(member).lines
    fifteen = session01.lines_to_classify(lines)
    assert len(fifteen) == session01.N_LINES
    assert "naics6" not in fifteen.columns and "method" not in fifteen.columns
    assert fifteen.equals(session01.lines_to_classify(lines))
    keyed = lines.set_index(["source_file", "source_line"])
    picked = keyed.loc[list(zip(fifteen["source_file"], fifteen["source_line"], strict=True))]
    assert picked["status"].eq("included").all()
    assert picked["naics6"].is_unique and picked["naics6"].str.fullmatch(r"\d{6}").all()
    assert picked["naics6"].tolist() == session01.library_codes(member)


def solution_answers(member: str) -> dict[str, object]:
    """Answers computed the way the solution notebook computes them."""
    p = members.member_profile(member)
    inv = session01.member_inventory(member)
    amounts = inv.reconciliation.groupby("bucket")["amount"].sum()
    share = amounts["included, category 1"] / (amounts["input"] - amounts["included, category 2"])
    op = downscale.downscale_budget(
        p.operating_budget * share, downscale.purchasing_profile(("GSLGO",))
    )
    cap = downscale.downscale_budget(
        p.capital_budget, downscale.purchasing_profile(downscale.CAPITAL_COLUMNS)
    )
    screening_t = sum(
        downscale.downscaled_emissions(a, year=p.budget_year, currency=p.currency).attrs["t_co2e"]
        for a in (op, cap)
    )
    fifteen = session01.lines_to_classify(inv.lines)
    matched = fifteen.merge(
        inv.lines[["source_file", "source_line", "naics6"]],
        on=["source_file", "source_line"],
        how="left",
    )
    return {
        "task_1": share,
        "task_2": screening_t,
        "task_3": screening_t / members.lgo_inventory(member)["t_co2e"].sum(),
        "task_4": HAND_CODES[member],
        "task_5": matched["naics6"].astype(str).tolist(),
    }


@pytest.mark.parametrize("member", MEMBERS)
def test_the_solution_answers_are_correct(member):
    check = checks.for_session(1, member=member, quiet=True)
    answers = solution_answers(member)
    assert set(answers) == set(check.tasks)
    for name, value in answers.items():
        result = check.check(name, value)
        assert result.status == "correct", str(result)


@pytest.mark.parametrize("member", MEMBERS)
def test_hand_codes_differ_from_the_library_at_six_digits_but_pass(member):
    lib = session01.library_codes(member)
    hand = HAND_CODES[member]
    same_code = sum(h == e for h, e in zip(hand, lib, strict=True))
    same_sector = sum(
        session01.naics_sector(h) == session01.naics_sector(e)
        for h, e in zip(hand, lib, strict=True)
    )
    assert same_code < len(lib) and same_sector >= session01.MIN_SECTOR_AGREEMENT


def test_numbers_of_another_member_are_wrong():
    check = checks.for_session(1, member="tindoy", quiet=True)
    other = solution_answers("cedar_valley")
    for name in ("task_1", "task_2", "task_3", "task_5"):
        assert check.check(name, other[name]).status == "wrong", name


LIB = ["237310", "236220", "237990", "541512", "237110", "562212", "562111", "221310",
       "517312", "324121", "531120", "311612", "325314", "325311", "481111"]  # fmt: skip
TASK = Task("task_4", LIB, kind=session01.compare_hand_codes)


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("237310", "list of 15 codes"),
        (LIB[:14], "your list has 14"),
        ([int(c) for c in LIB], "Codes are text"),
        (LIB[:14] + ["2373"], "exactly six digits"),
        (LIB[:14] + ["999999"], "not NAICS-6 codes"),
        (["541611"] * 15, "at least 10 should be"),
    ],
)
def test_hand_code_check_explains_what_is_wrong(given, words):
    result = evaluate(TASK, given)
    assert result.status == "wrong" and words in result.message, result.message
    assert "could not compare" not in result.message


def test_hand_code_check_accepts_judgement_within_the_sector_in_any_container():
    near = ["237310", "236220", "237310", "541511", "237110", "562212", "562111", "221310",
            "517312", "324121", "531120", "311611", "325314", "325311", "561510"]  # fmt: skip
    for given in (near, tuple(near), pd.Series(near), pd.DataFrame({"naics6": near})):
        assert evaluate(TASK, given).status == "correct"
    # six lines in another sector: below the threshold, and which ones is not revealed
    off = ["424120"] * 6 + LIB[6:]
    result = evaluate(TASK, off)
    assert result.status == "wrong" and "9 of your 15" in result.message
    assert "237310" not in result.message


def test_naics_sector_joins_the_multi_prefix_sectors():
    assert [session01.naics_sector(c) for c in ("311612", "325314", "336112")] == ["31-33"] * 3
    assert session01.naics_sector("424120") == "42"
    assert session01.naics_sector("481111") == session01.naics_sector("493110") == "48-49"
    assert session01.naics_sector("453210") == "44-45"
