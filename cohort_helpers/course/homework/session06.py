"""Self-checks of the Session 6 homework (``solutions/06_purchasing_policy.ipynb``).

The participant designs three purchasing measures for their own member that
close as much as possible of a 30% reduction of Scope 3 (categories 1 and 2)
by 2030, against the inventory's fiscal year, and says what is left.

- ``task_1``: the 2030 target, t CO2e (a number).
- ``task_2``: ``my_measures``, a measures table with three measures. Any valid
  set is accepted (a custom comparison): valid per
  :func:`cohort_helpers.policy.validate_measures`, active by 2030, an
  assumption written in ``notes``, each matching a category of the member's
  inventory and each lowering Scope 3, none removing more than half of its
  categories' emissions.
- ``task_3``: the scenario total in 2030 with *those* measures (recomputed with
  :func:`cohort_helpers.policy.apply_scenario` from the table checked in task 2).
- ``task_4``: the gap to the target in 2030 (scenario minus target).

Expected values come from the library and the member's data; without a
correct task 2, tasks 3 and 4 are compared with :func:`example_measures`.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import pandas as pd

from cohort_helpers import inventory, policy
from cohort_helpers.course import checks
from cohort_helpers.course.checks import Task, describe

SESSION = 6
TARGET_YEAR = 2030
REDUCTION = 0.30
N_MEASURES = 3
#: Largest effect one measure may claim on its categories (change x adoption).
MAX_EFFECT = 0.5


@lru_cache(maxsize=4)
def baseline(member: str) -> tuple[pd.DataFrame, float, int]:
    """(summary by NAICS code, Scope 3 t CO2e, fiscal year) of the member's latest inventory."""

    inv = inventory.member_inventory(member, n_draws=0)
    return inv.summary, float(inv.summary["t_co2e"].sum()), int(inv.fiscal_year)


def target_t(member: str) -> float:
    """The 30%-by-2030 target (t CO2e) on the linear path from the inventory year."""
    _, base_t, year = baseline(member)
    return float(policy.target_path(base_t, year, TARGET_YEAR, REDUCTION).loc[TARGET_YEAR])


def example_measures() -> pd.DataFrame:
    """A valid set of three measures (the reference answer for tests and fallbacks).

    Examples
    --------
    >>> len(example_measures())
    3
    """
    rows = [
        (
            "construction_lec",
            "Low-carbon construction contracts (EPD limits for concrete, steel, asphalt)",
            "236;237",
            "factor",
            -0.15,
            0.6,
            2026,
            "Capital projects above USD 1 million require EPDs and GWP limits for the main "
            "materials; about 15% lower kg CO2e per USD on 60% of construction spend.",
        ),
        (
            "waste_reduction",
            "Waste prevention and diversion contracts",
            "562",
            "spend",
            -0.2,
            0.7,
            2026,
            "Fewer tonnes sent to landfill through reuse, recycling and composting contracts: "
            "a fifth less waste-service spend where the contracts are renewed (70%).",
        ),
        (
            "services_demand",
            "Fewer external studies and IT services bought",
            "5415;5416",
            "spend",
            -0.1,
            0.5,
            2026,
            "Shared services and fewer consultancy studies: 10% less spend in half of the "
            "consulting and IT-services contracts.",
        ),
    ]
    cols = [*policy.MEASURE_COLUMNS, "notes"]
    return policy.validate_measures(pd.DataFrame(rows, columns=cols), source="example")


def problems(member: str, measures: Any) -> tuple[str | None, pd.DataFrame | None]:
    """What is wrong with a participant's measures table (None if nothing), and the table.

    Examples
    --------
    >>> problems("cedar_valley", 12)[0]  # doctest: +SKIP
    'I expected a table (DataFrame) of measures ...'
    """
    if not isinstance(measures, pd.DataFrame):
        return (
            "I expected a table (DataFrame) of measures with the columns of measures.csv, "
            f"you gave {describe(measures)}.",
            None,
        )
    try:
        m = policy.validate_measures(measures, source="my_measures")
    except ValueError as exc:
        return f"Your table is not a valid measures table: {exc}", None
    if len(m) != N_MEASURES:
        return f"Design exactly {N_MEASURES} measures; your table has {len(m)} row(s).", None
    for _, r in m.iterrows():
        mid = r["measure_id"]
        if r["start_year"] > TARGET_YEAR:
            return f"Measure {mid!r} starts after {TARGET_YEAR}: it does nothing by then.", None
        if len(str(r["notes"]).strip()) < 10:
            return (
                f"Measure {mid!r} has no assumption: write in its 'notes' column what it "
                "assumes and why (a council will ask).",
                None,
            )
        if r["change"] * r["adoption_share"] < -MAX_EFFECT:
            return (
                f"Measure {mid!r} removes more than {MAX_EFFECT:.0%} of its categories' emissions "
                "(change x adoption): that needs evidence. Keep each measure realistic.",
                None,
            )
    summary, _, _ = baseline(member)
    result = policy.apply_scenario(summary, m, TARGET_YEAR)
    for _, r in result.measures.iterrows():
        if not r["matched_codes"]:
            return (
                f"Measure {r['measure_id']!r} matches no category of your inventory: use NAICS "
                "codes or prefixes that appear in your summary's index.",
                None,
            )
        if not r["wedge_t"] > 0:
            return (
                f"Measure {r['measure_id']!r} does not lower Scope 3 emissions in "
                f"{TARGET_YEAR} (its wedge is {r['wedge_t']:+,.1f} t). Each of your three "
                "measures should reduce them.",
                None,
            )
    return None, m


def scenario_t(member: str, measures: pd.DataFrame) -> float:
    """Scope 3 t CO2e in 2030 with ``measures`` (spend at the baseline volume)."""
    summary, _, _ = baseline(member)
    return float(policy.apply_scenario(summary, measures, TARGET_YEAR).scenario_t)


@checks.register_session(SESSION)
def tasks(member: str) -> list[Task]:
    state: dict[str, pd.DataFrame] = {}  # the measures last checked correct in task 2

    def compare_measures(given: Any, expected: Any, task: Task) -> str | None:
        problem, m = problems(member, given)
        if problem is None:
            state["measures"] = m
        else:
            state.pop("measures", None)
        return problem

    def reference(value: Any, expected: float, task: Task, of: str) -> str | None:
        if "measures" in state:
            s = scenario_t(member, state["measures"])
            exp = s if of == "scenario" else s - target_t(member)
            return checks.compare_number(value, exp, task)
        problem = checks.compare_number(value, expected, task)
        if problem and not math.isnan(float(expected)):
            problem += (
                " (Task 2 is not checked as correct yet, so I compared with an example set of "
                "measures: run check.task_2(my_measures) first.)"
            )
        return problem

    return [
        Task(
            "task_1",
            lambda: target_t(member),
            unit="t CO2e",
            hint="policy.target_path(baseline, fiscal year, 2030, 0.30), then its 2030 value.",
            title="the 2030 target",
        ),
        Task(
            "task_2",
            example_measures,
            kind=compare_measures,
            title="three measures",
        ),
        Task(
            "task_3",
            lambda: scenario_t(member, example_measures()),
            kind=lambda g, e, t: reference(g, e, t, "scenario"),
            unit="t CO2e",
            hint="policy.apply_scenario(summary, my_measures, 2030).scenario_t",
            title="Scope 3 in 2030 with your measures",
        ),
        Task(
            "task_4",
            lambda: scenario_t(member, example_measures()) - target_t(member),
            kind=lambda g, e, t: reference(g, e, t, "gap"),
            unit="t CO2e",
            atol=0.5,
            hint="policy.gap(path, my_scenario_t, 2030).gap_t: scenario minus target.",
            title="gap to the target in 2030",
        ),
    ]
