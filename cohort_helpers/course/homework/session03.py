"""Self-checks of the Session 3 homework (``solutions/03_downscaling_adjusting.ipynb``).

The homework works on a *second* fiscal year of the participant's member: the
latest ledger year other than the one used in class (the member's budget
year). Members with a single ledger year redo that year: the tasks (adjusting
by hand with CPI-U, re-expressing the spend in 2024 dollars, downscaling its
purchase total) are still new, and the checks compute the expected values
for that year.

Tasks
-----
1. ``spend_cpi``: the year's included spend in 2022 USD with CPI-U.
2. ``diff_pct``: how much CPI-U moves the emissions against the BEA sector
   index, in % of the BEA result.
3. ``spend_2024``: the same spend in 2024 USD (the dollar year of EPA SEF
   v1.4) with the BEA sector index.
4. ``estimate_t``: the category 1 purchase total of that year downscaled with
   the state and local government profile, in t CO2e.
5. ``gap_pct``: that estimate against the ledger-based category 1 emissions, in %.
6. ``biggest_gap``: the NAICS sector where the estimate is furthest from the
   ledger (in t CO2e).
7. and 8. are written answers (two exclusion decisions), not checked.

Examples
--------
>>> from cohort_helpers.course import checks
>>> check = checks.for_session(3, member="cedar_valley")  # doctest: +SKIP
>>> check.task_1(spend_cpi)  # doctest: +SKIP
task_1: correct
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import pandas as pd

from cohort_helpers import adjust, downscale, inventory, members
from cohort_helpers.course import checks
from cohort_helpers.course.checks import Task

SESSION = 3


def class_year(member: str) -> int:
    """The fiscal year used in class: the member's budget year (its ledger and budget meet there)."""
    return members.member_profile(member).budget_year


def homework_year(member: str) -> int:
    """The fiscal year of the homework: the latest ledger year other than the class year.

    A member with one ledger year gets that year again.

    Examples
    --------
    >>> homework_year("cedar_valley")  # doctest: +SKIP
    2023
    """
    p = members.member_profile(member)
    others = [y for y in p.ledger_years if y != p.budget_year]
    return max(others) if others else p.budget_year


@lru_cache(maxsize=4)
def _inventory(member: str) -> inventory.Inventory:
    return inventory.member_inventory(member, homework_year(member), n_draws=0)


def homework_inventory(member: str) -> inventory.Inventory:
    """The member's inventory for :func:`homework_year` (no Monte Carlo), a private copy.

    The checks use the same (cached) inventory, so it is computed once per
    kernel; the copy returned here can be changed freely.
    """
    inv = _inventory(member)
    return dataclasses.replace(
        inv,
        lines=inv.lines.copy(),
        reconciliation=inv.reconciliation.copy(),
        summary=inv.summary.copy(),
    )


# ------------------------------------------------------------------ expected


def _lines(member: str) -> pd.DataFrame:
    return adjust.factor_ready_lines(_inventory(member).lines)


def spend_cpi(member: str) -> float:
    """Task 1: included spend in 2022 USD, CPI-U."""
    adj = adjust.to_factor_dollars(_lines(member), method="cpi_u", year_col="year")
    return float(adj["amount_adjusted"].sum())


def diff_pct(member: str) -> float:
    """Task 2: (t CO2e with CPI-U / t CO2e with the BEA index - 1) x 100."""
    t = adjust.compare_price_methods(_inventory(member).lines)
    return float(t["diff_pct"].iloc[0])


def spend_2024(member: str) -> float:
    """Task 3: included spend in 2024 USD with the BEA sector index."""
    lines = _lines(member)
    usd = adjust.to_usd(lines["amount"], lines["currency"], lines["year"])
    out = adjust.deflate_spend(lines.assign(amount=usd), "bea", 2024, year_col="year")
    return float(out["amount_adjusted"].sum())


def _category1_total(member: str) -> float:
    rec = _inventory(member).reconciliation
    return float(rec.loc[rec["bucket"] == "included, category 1", "amount"].sum())


@lru_cache(maxsize=4)
def _estimate(member: str) -> pd.DataFrame:
    p = members.member_profile(member)
    return downscale.estimate_from_budget(
        _category1_total(member), 0, homework_year(member), currency=p.currency
    )


def estimate_t(member: str) -> float:
    """Task 4: downscaled category 1 estimate, t CO2e."""
    return float(_estimate(member).attrs["t_co2e"])


def _comparison(member: str) -> pd.DataFrame:
    return downscale.compare_with_ledger(_estimate(member), _inventory(member).lines, "sector",
                                         scope3_category=1)  # fmt: skip


def gap_pct(member: str) -> float:
    """Task 5: (estimate / ledger-based category 1 emissions - 1) x 100."""
    return float(_comparison(member).attrs["diff_pct"])


def biggest_gap(member: str) -> str:
    """Task 6: the sector label with the largest absolute difference in t CO2e."""
    c = _comparison(member)
    return str(c["diff_t"].abs().idxmax())


@checks.register_session(SESSION)
def tasks(member: str) -> list[Task]:
    return [
        Task(
            "task_1",
            lambda: spend_cpi(member),
            unit="USD (2022)",
            hint="adjust.to_factor_dollars(lines, method='cpi_u', year_col='year'), then add up "
            "'amount_adjusted'. Use all included lines (categories 1 and 2).",
            title="spend in 2022 USD with CPI-U",
        ),
        Task(
            "task_2",
            lambda: diff_pct(member),
            rtol=0.01,
            atol=0.01,
            unit="%",
            hint="Emissions with CPI-U: each line's CPI-U spend x its factor_kg_per_usd. Compare "
            "with the BEA result (kg_co2e of the lines): (CPI-U / BEA - 1) x 100.",
            title="CPI-U against the BEA index, %",
        ),
        Task(
            "task_3",
            lambda: spend_2024(member),
            unit="USD (2024)",
            hint="Convert to USD first (adjust.to_usd with the lines' currency and year), then "
            "adjust.deflate_spend(..., 'bea', 2024, year_col='year').",
            title="spend in 2024 USD with the BEA index",
        ),
        Task(
            "task_4",
            lambda: estimate_t(member),
            unit="t CO2e",
            hint="Take the 'included, category 1' amount from the reconciliation (ledger "
            "currency), then downscale.estimate_from_budget(total, 0, hw_year, currency=...) "
            "and read attrs['t_co2e'].",
            title="downscaled category 1 estimate",
        ),
        Task(
            "task_5",
            lambda: gap_pct(member),
            rtol=0.01,
            atol=0.01,
            unit="%",
            hint="Compare with the category 1 emissions of the ledger (kg_co2e of the included "
            "category 1 lines / 1,000): (estimate / ledger - 1) x 100.",
            title="estimate against the ledger, %",
        ),
        Task(
            "task_6",
            lambda: biggest_gap(member),
            kind="exact",
            hint="downscale.compare_with_ledger(estimate, inv.lines, 'sector', scope3_category=1): "
            "the sector whose diff_t is largest in absolute value (a label like '23 Construction').",
            title="sector with the largest gap",
        ),
    ]
