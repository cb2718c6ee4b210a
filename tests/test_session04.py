"""Session 4: the analysis functions added to ``inventory`` and the homework's checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import analysis, classify, inventory, uncertainty
from cohort_helpers.course import checks
from cohort_helpers.course.homework import session04

MEMBER = "tindoy"  # small and fast


@pytest.fixture(scope="module")
def inv():
    return inventory.member_inventory(MEMBER)  # with the 1,000 Monte Carlo draws


# ------------------------------------------------------------------ review queue


def lines_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_file": "ap.csv",
            "source_line": [2, 3, 4, 5, 6, 7, 8],
            "amount": [1000.0, 5000.0, 9000.0, 50_000.0, -4000.0, 3000.0, 3000.0],
            "status": [
                "included",
                "unclassified",
                "included",
                "excluded",
                "included",
                "included",
                "included",
            ],
            "naics6": ["311", None, "541330", None, "327320", "311", "311"],
            "method": ["object_code", None, "vendor", None, "keyword", "override", "keyword"],
            "confidence": [0.35, np.nan, 0.95, np.nan, 0.5, 1.0, 0.5],
        }
    )


def test_review_queue_ranks_probably_misplaced_spend():
    q = analysis.review_queue(lines_frame())
    # unclassified counts as confidence 0; credits count by size; excluded, confident and
    # overridden lines are not queued; ties keep ledger order
    assert q["source_line"].tolist() == [3, 6, 8, 2]
    assert q["priority"].tolist() == [5000.0, 2000.0, 1500.0, 650.0]
    assert q["confidence"].iloc[0] == 0.0
    assert analysis.review_queue(lines_frame(), n=2)["source_line"].tolist() == [3, 6]
    assert analysis.review_queue(lines_frame(), max_confidence=0.4)["source_line"].tolist() == [
        3,
        2,
    ]


def test_review_queue_needs_classified_lines():
    with pytest.raises(KeyError, match="confidence"):
        analysis.review_queue(lines_frame().drop(columns="confidence"))


def test_review_queue_of_a_member(inv):
    q = analysis.review_queue(inv.lines, n=10)
    assert len(q) == 10 and q["priority"].is_monotonic_decreasing
    assert (q["confidence"] < 0.8).all() and q["status"].isin(["included", "unclassified"]).all()
    assert {"vendor", "description", "amount", "currency", "naics6", "method"} <= set(q.columns)


# ------------------------------------------------------------------ labels and intensity


def test_category_labels():
    lab = analysis.category_labels(["327320", "311", "999999"], width=None)
    assert lab["327320"].startswith("327320 ") and len(lab["327320"]) > 10
    assert lab["311"] == "311 (average of 311xxx codes)"
    assert lab["999999"] == "999999"
    short = analysis.category_labels(["327320"], width=12)
    assert len(short.iloc[0]) == 12 and short.iloc[0].endswith("…")


def test_intensity_filters_small_categories_and_ranks():
    s = pd.DataFrame(
        {"spend_usd": [1.0, 500.0, 499.0], "t_co2e": [0.01, 0.1, 0.2]},
        index=["tiny", "b", "c"],
    )
    s["kg_per_usd"] = s["t_co2e"] * 1000 / s["spend_usd"]
    out = analysis.intensity(s, min_share_spend=0.01)
    assert out.index.tolist() == ["c", "b"]
    assert out["times_reference"].iloc[0] == pytest.approx(0.2 * 1000 / 499 / 0.173)
    with pytest.raises(KeyError, match="summarise"):
        analysis.intensity(s.drop(columns="kg_per_usd"))


# ------------------------------------------------------------------ uncertainty


def test_variance_drivers_add_up_to_the_variance_of_the_total(inv):
    mc = inv.monte_carlo
    total_var_t2 = mc.contributions["variance"].sum() / 1e6
    by_code = analysis.variance_drivers(inv.lines, mc, by="naics6")
    by_line = analysis.variance_drivers(inv.lines, mc, by="line")
    by_dept = analysis.variance_drivers(inv.lines, mc, by="department")
    for d in (by_code, by_line, by_dept):
        assert d["variance_t2"].sum() == pytest.approx(total_var_t2, rel=1e-9)
        assert d["share_of_variance"].sum() == pytest.approx(1.0)
        assert d["t_co2e"].sum() == pytest.approx(inv.t_co2e)
        assert d["variance_t2"].is_monotonic_decreasing
        assert d["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    # a category is the sum of its lines
    lines = by_line.reset_index()
    top = by_code.index[0]
    assert lines.loc[lines["naics6"] == top, "variance_t2"].sum() == pytest.approx(
        by_code["variance_t2"].iloc[0]
    )
    # and the analytic variance matches the simulated one (roughly: 1,000 draws)
    assert np.var(mc.totals) / 1e6 == pytest.approx(total_var_t2, rel=0.25)


def test_variance_drivers_refuse_other_lines(inv):
    changed = inv.lines.copy()
    i = changed.index[changed["kg_co2e"].notna()][0]
    changed.loc[i, "kg_co2e"] *= 2
    with pytest.raises(ValueError, match="not the ones the Monte Carlo"):
        analysis.variance_drivers(changed, inv.monte_carlo)
    changed = inv.lines.copy()
    changed.loc[i, "bea_code"] = "NOTACODE"
    with pytest.raises(ValueError, match="NOTACODE"):
        analysis.variance_drivers(changed, inv.monte_carlo)


def test_variance_drivers_on_a_small_hand_made_inventory():
    lines = pd.DataFrame(
        {
            "bea_code": ["327310", "327310", "541300"],
            "kg_co2e": [3000.0, 1000.0, 500.0],
            "naics6": ["327310", "327310", "541330"],
            "confidence": 1.0,
        }
    )
    mc = uncertainty.monte_carlo(lines, n_draws=200, seed=1, value_col="kg_co2e")
    d = analysis.variance_drivers(lines, mc, by="naics6")
    c = mc.contributions
    rel = c["variance"] / c["emissions"] ** 2
    # a line's contribution: e x E(code) x relative variance of the code
    assert d.loc["327310", "variance_t2"] == pytest.approx(
        4.0**2 * rel["327310"]  # (3 + 1 t) x 4 t
    )
    assert d.loc["541330", "variance_t2"] == pytest.approx(0.5**2 * rel["541300"])


def test_category_ranges_use_the_inventory_draws(inv):
    r = analysis.category_ranges(inv.lines, by="scope3_category", top=None)
    u = inv.uncertainty.set_index("group")
    for _, row in r.iterrows():
        g = u.loc[str(int(row["scope3_category"]))]
        assert row["t_co2e"] == pytest.approx(g["point_t"])
        assert row["low_t"] == pytest.approx(g["p2_5_t"])
        assert row["high_t"] == pytest.approx(g["p97_5_t"])
    top = analysis.category_ranges(inv.lines, top=5)
    assert top.columns.tolist() == ["naics6", "t_co2e", "low_t", "high_t", "mean_t"]
    assert len(top) == 5 and top["t_co2e"].is_monotonic_decreasing
    assert top["naics6"].tolist() == inv.summary.index[:5].astype(str).tolist()
    assert ((top["low_t"] < top["t_co2e"]) & (top["t_co2e"] < top["high_t"])).all()
    with pytest.raises(KeyError, match="department_x"):
        analysis.category_ranges(inv.lines, by="department_x")


# ------------------------------------------------------------------ homework checks


def test_colleague_review_is_an_overrides_file_for_the_queue(inv):
    answers = session04.colleague_review(MEMBER)
    assert answers.columns.tolist() == [
        "source_file",
        "source_line",
        "naics6",
        "exclude_reason",
        "note",
    ]
    ov = classify.load_overrides(answers)  # valid: one of code or reason per row
    assert len(ov) == session04.N_REVIEWED
    queue = analysis.review_queue(inv.lines, n=session04.N_REVIEWED)
    assert answers["source_line"].tolist() == queue["source_line"].tolist()
    answers.loc[0, "naics6"] = "changed"  # a copy: the cached answers stay intact
    assert session04.colleague_review(MEMBER).loc[0, "naics6"] != "changed"


def test_expected_values_for_a_member():
    total = session04.total_after_review(MEMBER)
    assert total > 0
    share = session04.high_confidence_share(MEMBER)
    assert 0 < share <= 1
    hot = session04.hot_spots_with_ranges(MEMBER)
    assert hot.columns.tolist() == ["naics6", "t_co2e", "low_t", "high_t"] and len(hot) == 5
    assert ((hot["low_t"] <= hot["t_co2e"]) & (hot["t_co2e"] <= hot["high_t"])).all()
    # the review raises the confident share: reviewed lines get confidence 1
    base = session04._base(MEMBER)
    before = analysis.coverage(base.lines).loc[
        ("confidence", "0.8-1.0"), "share_of_purchase_spend"
    ]
    assert share > before


def test_tasks_are_registered_and_check_answers():
    check = checks.for_session(4, member=MEMBER, quiet=True)
    assert check.task_1(session04.total_after_review(MEMBER)).status == "correct"
    assert check.task_1(session04._base(MEMBER).t_co2e * 1.2).status == "wrong"
    hot = session04.hot_spots_with_ranges(MEMBER)
    assert check.task_3(hot).status == "correct"
    assert check.task_3(hot.iloc[::-1]).status == "correct"  # any order
    assert check.task_3(hot.assign(high_t=hot["t_co2e"])).status == "wrong"
    assert check.task_2(...).status == "not yet done"
