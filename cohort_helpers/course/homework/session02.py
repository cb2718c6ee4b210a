"""Self-checks of the Session 2 homework (``solutions/02_spend_survey.ipynb``).

The participant adapts the survey instrument for two departments of their
own member, writes the files to send, then ingests the sample returns (their
member's own when the cohort has them, else the default member's) and fixes
what can be fixed. Every expected value is computed here from the library and
the member's data.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from cohort_helpers import DEFAULT_MEMBER, inventory, members, survey
from cohort_helpers.course import checks
from cohort_helpers.course.checks import Task

SESSION = 2

#: Task 1: the question added to department A's instrument.
NEW_QUESTION = {
    "question_id": "Q22",
    "question": "Mobile phones and tablets purchased",
    "unit": "count",
    "category": "IT",
    "naics6": "334220",
    "help_text": "Units bought or leased this fiscal year, including replacements.",
}
#: Task 2: department B keeps a coded question when its ledger spend is above this (USD).
MIN_SPEND = 10_000


@lru_cache(maxsize=4)
def _lines(member: str) -> pd.DataFrame:

    return inventory.member_inventory(member, n_draws=0).lines


@lru_cache(maxsize=4)
def fiscal_year(member: str) -> int:
    """The member's latest ledger year (the inventory year the survey asks about)."""

    return max(members.member_profile(member).ledger_years)


def departments(member: str) -> tuple[str, str]:
    """Departments A and B: the member's two largest operating departments by ledger spend."""
    a, b = survey.survey_departments(_lines(member), top=2)
    return a, b


def returns_member(member: str) -> str:
    """Whose sample returns the homework ingests: the member's own, else the default member's."""
    return member if survey.has_returns(member) else DEFAULT_MEMBER


def instrument_a(member: str) -> survey.Instrument:
    inst = survey.load_instrument()
    dept_a, _ = departments(member)
    return (
        inst.for_department(_lines(member), dept_a)
        .drop(categories=["travel"])
        .add_question(**NEW_QUESTION)
    )


def instrument_b(member: str) -> survey.Instrument:
    _, dept_b = departments(member)
    return survey.load_instrument().for_department(_lines(member), dept_b, min_spend=MIN_SPEND)


def files_table(member: str) -> pd.DataFrame:
    dept_a, dept_b = departments(member)
    return pd.DataFrame(
        {
            "department": [dept_a, dept_b],
            "questions": [len(instrument_a(member)), len(instrument_b(member))],
        }
    )


@lru_cache(maxsize=4)
def _result(member: str) -> survey.IngestResult:
    return survey.ingest_returns(returns_member(member))


def number_fixes(member: str) -> pd.DataFrame:
    """The problems a fix can solve from the file alone: department, question_id, value."""
    f = survey.suggest_fixes(_result(member))
    return f.dropna(subset=["value"])[["department", "question_id", "value"]].reset_index(drop=True)


def follow_up_departments(member: str) -> list[str]:
    return survey.follow_ups(_result(member))["department"].tolist()


def food_usd(member: str) -> float:
    """Survey-reported food and meals (Q12), USD, all departments, after the fixes."""
    res = _result(member)
    fixed = survey.apply_fixes(res.answers, number_fixes(member))
    return float(fixed.loc[fixed["question_id"] == "Q12", "value"].sum())


@checks.register_session(SESSION)
def tasks(member: str) -> list[Task]:
    return [
        Task(
            "task_1",
            lambda: instrument_a(member).question_ids,
            kind="codes",
            ordered=True,
            hint="Start from inst.for_department(lines, dept_a), drop the category 'travel', "
            "then add_question(...) with the details given; pass inst_a.question_ids.",
            title="question ids of department A's instrument",
        ),
        Task(
            "task_2",
            lambda: instrument_b(member).question_ids,
            kind="codes",
            ordered=True,
            hint="for_department has a min_spend parameter (USD of ledger spend).",
            title="question ids of department B's instrument",
        ),
        Task(
            "task_3",
            lambda: files_table(member),
            kind="table",
            key=("department",),
            columns=("department", "questions"),
            hint="Pass a mapping {department: instrument} to survey.write_department_files; "
            "it returns a table with a 'questions' column.",
            title="files written per department",
        ),
        Task(
            "task_4",
            lambda: len(_result(member).problems),
            kind="exact",
            hint="Count the rows of result.problems (one row per problem).",
            title="number of problems flagged",
        ),
        Task(
            "task_5",
            lambda: number_fixes(member),
            kind="table",
            key=("department", "question_id"),
            columns=("department", "question_id", "value"),
            hint="survey.suggest_fixes(result) proposes a value where the file allows one; keep "
            "only those rows (the others need the department).",
            title="fixes that the files allow",
        ),
        Task(
            "task_6",
            lambda: follow_up_departments(member),
            kind="codes",
            hint="Departments that did not answer, plus those with a problem no fix solves "
            "(survey.follow_ups).",
            title="departments to contact",
        ),
        Task(
            "task_7",
            lambda: food_usd(member),
            unit="USD",
            hint="Apply your fixes to result.answers (survey.apply_fixes), then add up the "
            "values of question Q12.",
            title="survey-reported food and meals after the fixes",
        ),
    ]
