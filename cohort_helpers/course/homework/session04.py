"""Self-checks of the Session 4 homework (``solutions/04_quantitative_analysis.ipynb``).

The homework: a colleague in finance looked up the ten lines at the top of
the member's review queue (:func:`cohort_helpers.analysis.review_queue`) and
wrote down what they really are (:func:`colleague_review`, taken from the
synthetic cohort's ground truth). The participant saves those decisions as an
overrides file, reruns the inventory with it, and reports

1. the new total (t CO2e);
2. the share of purchase spend classified with confidence 0.8 or more;
3. the five hot spots (NAICS codes with the most emissions) with their
   95 % ranges (:func:`cohort_helpers.analysis.category_ranges`);

and writes three sentences for a council member (not checked).

Expected values are computed here from the library and the member's data,
for every member, never from the notebook.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from cohort_helpers import analysis, inventory, members
from cohort_helpers.course import checks
from cohort_helpers.course.checks import Task

SESSION = 4
#: How many queued lines the colleague reviewed.
N_REVIEWED = 10
#: Monte Carlo settings of the homework (the inventory's own).
N_DRAWS = 1000
SEED = 2022


@lru_cache(maxsize=4)
def _base(member: str) -> inventory.Inventory:
    return inventory.member_inventory(member, n_draws=0)


def _truth(member: str, fiscal_year: int) -> pd.DataFrame:
    files = members.ledger_files(member)
    mine = files[files["fiscal_year"] == fiscal_year]
    return pd.concat([members.load_truth(p) for p in mine["truth"]], ignore_index=True)


@lru_cache(maxsize=4)
def _colleague_review(member: str, n: int) -> pd.DataFrame:
    base = _base(member)
    queue = analysis.review_queue(base.lines, n=n)
    truth = _truth(member, base.fiscal_year)
    t = queue[["source_file", "source_line", "vendor", "description"]].merge(
        truth, on=["source_file", "source_line"], how="left", validate="one_to_one"
    )
    if t["true_status"].isna().any():
        first = t[t["true_status"].isna()].iloc[0]
        raise ValueError(
            f"No ground truth for {first['source_file']} line {first['source_line']}: "
            "rebuild the cohort with `cohort datasets build`."
        )
    excluded = t["true_status"].eq("excluded")
    return pd.DataFrame(
        {
            "source_file": t["source_file"],
            "source_line": t["source_line"].astype(int),
            "naics6": t["true_naics6"].where(~excluded, ""),
            "exclude_reason": t["true_reason"].where(excluded, ""),
            "note": "checked by finance: " + t["vendor"].fillna("").astype(str),
        }
    )


def colleague_review(member: str, n: int = N_REVIEWED) -> pd.DataFrame:
    """What finance found for the top ``n`` lines of the member's review queue.

    Returns
    -------
    DataFrame
        In the overrides-file layout (``source_file``, ``source_line``,
        ``naics6``, ``exclude_reason``, ``note``): the true NAICS code of each
        line, or its exclusion reason when it is not a purchase.

    Examples
    --------
    >>> colleague_review("cedar_valley").shape  # doctest: +SKIP
    (5, 5)
    """
    return _colleague_review(member, n).copy()


@lru_cache(maxsize=4)
def _reviewed(member: str) -> inventory.Inventory:
    base = _base(member)
    return inventory.member_inventory(
        member, base.fiscal_year, overrides=colleague_review(member), n_draws=0
    )


def total_after_review(member: str) -> float:
    """Task 1: total t CO2e with the colleague's overrides."""
    return _reviewed(member).t_co2e


def high_confidence_share(member: str) -> float:
    """Task 2: share of purchase spend classified with confidence 0.8 or more, after review."""
    cov = analysis.coverage(_reviewed(member).lines)
    return float(cov.loc[("confidence", "0.8-1.0"), "share_of_purchase_spend"])


def hot_spots_with_ranges(member: str) -> pd.DataFrame:
    """Task 3: the five NAICS codes with the most emissions, with their 95 % ranges."""
    r = analysis.category_ranges(_reviewed(member).lines, top=5, n_draws=N_DRAWS, seed=SEED)
    return r[["naics6", "t_co2e", "low_t", "high_t"]]


@checks.register_session(SESSION)
def tasks(member: str) -> list[Task]:
    return [
        Task(
            "task_1",
            lambda: total_after_review(member),
            unit="t CO2e",
            hint="Write the colleague's decisions with review.write_overrides, then run "
            "inventory.member_inventory(member, overrides=...) and take its t_co2e.",
            title="total after the review",
        ),
        Task(
            "task_2",
            lambda: high_confidence_share(member),
            rtol=0.001,
            hint="analysis.coverage() of the reviewed inventory's lines: the 'confidence' "
            "band 0.8-1.0, column share_of_purchase_spend (a share between 0 and 1).",
            title="share of spend classified with high confidence",
        ),
        Task(
            "task_3",
            lambda: hot_spots_with_ranges(member),
            kind="table",
            key=("naics6",),
            unit="t CO2e",
            hint="analysis.category_ranges() on the reviewed inventory's lines, top=5, with "
            "the default draws and seed (1,000 and 2022).",
            title="five hot spots with their 95% ranges",
        ),
    ]
