"""Self-checks of the Session 5 homework (``solutions/05_round_robin.ipynb``).

The homework: prepare the member's round-robin slide. From the cohort
results (every member-year with the same settings,
:func:`cohort_helpers.cohort_runner.cohort_results`), the participant reports

1. the member's t CO2e per resident (its latest year);
2. its rank in the cohort by t per resident (1 = lowest);
3. the cohort median of t per resident;
4. the member's t CO2e per million factor-year USD of spend;
5. the main reason it differs from the cohort: ``"size"``, ``"mix"`` or
   ``"intensity"`` (the largest effect of
   :meth:`~cohort_helpers.compare.CohortResults.position`, by absolute value);

then makes two charts, writes three findings and one action for the next
budget cycle (not checked).

Expected values are computed here from the library and the cohort's data,
for every member, never from the notebook.
"""

from __future__ import annotations

from functools import lru_cache

from cohort_helpers import cohort_runner, compare
from cohort_helpers.course import checks
from cohort_helpers.course.checks import Task

SESSION = 5
REASONS = ("size", "mix", "intensity")


@lru_cache(maxsize=1)
def _results() -> compare.CohortResults:
    return cohort_runner.cohort_results(progress=False)


def t_per_resident(member: str) -> float:
    """The member's t CO2e per resident in its latest year."""
    return float(_results().normalised().loc[member, "t_per_resident"])


def rank(member: str) -> int:
    """Rank by t CO2e per resident among all members (1 = lowest)."""
    return _results().rank(member)[0]


def cohort_median() -> float:
    """Median over the members of t CO2e per resident."""
    return _results().median("t_per_resident")


def t_per_usd_million(member: str) -> float:
    """t CO2e per million factor-year USD of included spend."""
    return float(_results().normalised().loc[member, "t_per_usd_million"])


def main_reason(member: str) -> str:
    """The largest of the size, mix and intensity effects, by absolute value."""
    return str(_results().position(member).effects.abs().idxmax())


def _reason(given, expected, task) -> str | None:
    text = str(given).strip().lower() if isinstance(given, str) else None
    if text is None:
        return f"Expected one word as text: one of {', '.join(REASONS)}."
    if text not in REASONS:
        return f"{given!r} is not one of {', '.join(REASONS)}."
    if text != expected:
        return "That is not the largest effect."
    return None


@checks.register_session(SESSION)
def tasks(member: str) -> list[Task]:
    return [
        Task(
            "task_1",
            lambda: t_per_resident(member),
            unit="t CO2e per resident",
            hint="Use the member's latest year: its t CO2e divided by its residents that year.",
            title="t CO2e per resident",
        ),
        Task(
            "task_2",
            lambda: rank(member),
            kind="exact",
            hint="Rank by t CO2e per resident with the lowest value as rank 1 (a whole number).",
            title="rank in the cohort",
        ),
        Task(
            "task_3",
            cohort_median,
            unit="t CO2e per resident",
            hint="The median over the members (one value per member, its latest year), "
            "not the cohort's total divided by its total population.",
            title="cohort median per resident",
        ),
        Task(
            "task_4",
            lambda: t_per_usd_million(member),
            unit="t CO2e per million USD",
            hint="Divide t CO2e by the spend in factor-year USD (spend_usd), times 1,000,000.",
            title="t CO2e per million USD",
        ),
        Task(
            "task_5",
            lambda: main_reason(member),
            kind=_reason,
            hint="Compare the absolute values of the size, mix and intensity effects.",
            title="main reason for the difference",
        ),
    ]
