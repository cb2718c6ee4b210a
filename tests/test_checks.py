"""Homework self-checks (cohort_helpers.course.checks): feedback, registry, every task's wrong branch."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import DEFAULT_MEMBER
from cohort_helpers.course import checks
from cohort_helpers.course.checks import Checker, CheckResult, Task, describe, done, evaluate

DEMO_DIR = Path(__file__).parent / "fixtures" / "homework"


def load_demo_tasks() -> Any:
    """Import the demo session's task module (registers session 0)."""
    if "demo_tasks" in sys.modules:
        return sys.modules["demo_tasks"]
    spec = importlib.util.spec_from_file_location("demo_tasks", DEMO_DIR / "demo_tasks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["demo_tasks"] = module
    spec.loader.exec_module(module)
    return module


TABLE = pd.DataFrame({"naics6": ["331110", "562111", "238210"], "emissions_t": [10.0, 20.0, 5.0]})


def status(task: Task, value: Any) -> str:
    return evaluate(task, value).status


# ------------------------------------------------------------------ numbers


NUMBER = Task("task_1", 1234.5, unit="t CO2e", hint="Divide kg by 1,000.")


@pytest.mark.parametrize("value", [1234.5, 1234, np.float64(1236.0), np.array(1234.5)])
def test_number_within_relative_tolerance_is_correct(value):
    assert status(NUMBER, value) == "correct"


def test_number_outside_tolerance_is_wrong_without_revealing_the_answer():
    result = evaluate(NUMBER, 1300.0)
    assert result.status == "wrong"
    assert "too high" in result.message and "Hint: Divide kg by 1,000." in result.message
    assert "1234" not in result.message and "1,234" not in result.message


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (1234500.0, "1,000 times too big"),
        (1.2345, "1,000 times too small"),
        (123450.0, "100 times too big"),
        (-1234.5, "wrong sign"),
        (0, "zero"),
        (float("nan"), "NaN"),
    ],
)
def test_number_mistakes_get_a_specific_explanation(value, words):
    result = evaluate(NUMBER, value)
    assert result.status == "wrong" and words in result.message


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (
            pd.DataFrame({"a": [1, 2, 3]}),
            "I expected a number (t CO2e), you gave a table with 3 rows",
        ),
        (pd.Series([1.0]), "single value"),
        ("1234.5", "without quotes"),
        (True, "True/False"),
        (len, "call it"),
    ],
)
def test_number_of_the_wrong_type_is_explained_in_plain_language(value, words):
    result = evaluate(NUMBER, value)
    assert result.status == "wrong" and words in result.message


@pytest.mark.parametrize("value", [..., None])
def test_placeholder_and_none_are_not_yet_done(value):
    result = evaluate(NUMBER, value)
    assert result.status == "not yet done" and result.message


# ---------------------------------------------------------------- exact


def test_exact_text_is_exact_with_a_case_and_space_hint():
    task = Task("task_4", "Cedar Valley", kind="exact")
    assert status(task, "Cedar Valley") == "correct"
    near = evaluate(task, " cedar valley")
    assert near.status == "wrong" and "upper/lower case" in near.message
    assert status(task, "Oak Hill") == "wrong"


def test_exact_code_given_as_number_explains_that_codes_are_text():
    result = evaluate(Task("task_4", "0420", kind="exact"), 420)
    assert result.status == "wrong" and "Codes are text" in result.message
    assert "0420" not in result.message


def test_exact_numbers_and_booleans():
    assert status(Task("n", 12, kind="exact"), 12) == "correct"
    assert status(Task("n", 12, kind="exact"), 12.5) == "wrong"
    assert status(Task("b", True, kind="exact"), np.True_) == "correct"
    assert "True or False" in evaluate(Task("b", True, kind="exact"), "yes").message


# ---------------------------------------------------------------- codes


CODES = Task("task_3", ["331110", "562111", "238210"], kind="codes")


@pytest.mark.parametrize(
    "value",
    [
        ["238210", "331110", "562111"],
        ("562111", "238210", "331110"),
        {"331110", "562111", "238210"},
        pd.Series(["331110", "562111", "238210"]),
        np.array(["562111", "331110", "238210"]),
        pd.Index(["331110", "562111", "238210"]),
    ],
)
def test_codes_unordered_accepts_any_list_like_in_any_order(value):
    assert status(CODES, value) == "correct"


def test_codes_missing_are_counted_not_named_and_extras_are_named():
    result = evaluate(CODES, ["331110", "999999"])
    assert result.status == "wrong"
    assert "2 expected codes are missing" in result.message
    assert "'999999'" in result.message
    assert "562111" not in result.message and "238210" not in result.message


def test_codes_ordered_reports_order():
    task = Task("task_3", ["a", "b", "c"], kind="codes", ordered=True)
    assert status(task, ["a", "b", "c"]) == "correct"
    assert "order" in evaluate(task, ["c", "b", "a"]).message


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ([331110, 562111, 238210], "codes as text"),
        ("331110", "list of codes"),
        (TABLE, "Pick the column"),
        (["331110", "562111", "238210", "331110"], "more than once"),
    ],
)
def test_codes_wrong_shapes_are_explained(value, words):
    result = evaluate(CODES, value)
    assert result.status == "wrong" and words in result.message


# ---------------------------------------------------------------- tables


TABLE_TASK = Task("task_2", TABLE, kind="table", key=("naics6",), unit="t CO2e")


def test_table_rows_in_any_order_and_index_as_column_are_accepted():
    shuffled = TABLE.iloc[[2, 0, 1]]
    assert status(TABLE_TASK, shuffled) == "correct"
    assert status(TABLE_TASK, shuffled.set_index("naics6")) == "correct"
    assert status(TABLE_TASK, shuffled.assign(extra=1)) == "correct"  # extra columns ignored
    assert (
        status(TABLE_TASK, shuffled.assign(emissions_t=shuffled.emissions_t * 1.001)) == "correct"
    )


def test_table_missing_columns_are_named():
    result = evaluate(TABLE_TASK, TABLE.rename(columns={"emissions_t": "tco2e"}))
    assert result.status == "wrong"
    assert "missing the column 'emissions_t'" in result.message and "'tco2e'" in result.message


def test_table_wrong_row_count_does_not_reveal_the_expected_count():
    result = evaluate(TABLE_TASK, TABLE.iloc[:2])
    assert result.status == "wrong" and "2 rows, which is too few" in result.message


def test_table_wrong_values_name_the_column_and_a_row():
    result = evaluate(TABLE_TASK, TABLE.assign(emissions_t=TABLE.emissions_t * 1000))
    assert result.status == "wrong"
    assert "Column 'emissions_t': 3 of 3 rows differ" in result.message
    assert "1,000 times too big" in result.message


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (TABLE.set_index("naics6")["emissions_t"], "`.reset_index()`"),
        (TABLE.assign(naics6=TABLE.naics6.astype(int)), "should hold text"),
        (TABLE.assign(emissions_t=TABLE.emissions_t.astype(str)), "should hold numbers"),
        (12.0, "I expected a table (DataFrame) with the columns 'naics6', 'emissions_t'"),
    ],
)
def test_table_wrong_types_are_explained(value, words):
    result = evaluate(TABLE_TASK, value)
    assert result.status == "wrong" and words in result.message


def test_series_task_compares_labels_and_values():
    series = TABLE.set_index("naics6")["emissions_t"]
    task = Task("task_5", series, kind="table")
    assert status(task, series.iloc[::-1]) == "correct"
    assert status(task, series.to_frame()) == "correct"
    assert "The values" in evaluate(task, series * 2).message
    assert "index labels" in evaluate(task, series.rename(lambda c: c + "0")).message


# ---------------------------------------------------------------- framework


def test_custom_comparison_and_crashing_comparison_give_feedback():
    def even(given, expected, task):
        return None if given % 2 == 0 else "An even number, please."

    task = Task("task_6", None, kind=even, hint="Think pairs.")
    assert status(task, 4) == "correct"
    assert evaluate(task, 3).message == "An even number, please.\nHint: Think pairs."
    crashing = evaluate(task, "x")  # "x" % 2 raises TypeError inside the comparison
    assert crashing.status == "wrong" and "could not compare" in crashing.message


def test_task_validation():
    with pytest.raises(ValueError, match="identifier"):
        Task("task 1", 1.0)
    with pytest.raises(ValueError, match="unknown kind"):
        Task("task_1", 1.0, kind="fuzzy")  # type: ignore[arg-type]


def test_check_result_text_and_html():
    result = CheckResult("task_1", "wrong", "Too high.\nHint: <units>")
    assert str(result) == "task_1: wrong\n  Too high.\n  Hint: <units>"
    assert "&lt;units&gt;" in result._repr_html_() and not result.ok
    assert CheckResult("task_1", "correct").ok


def test_done_and_describe():
    assert not done(...) and not done(None) and done(0) and done(pd.DataFrame())
    assert describe(TABLE) == "a table with 3 rows and the columns 'naics6', 'emissions_t'"
    assert describe(...) == "the placeholder `...`"


def test_checker_prints_and_returns_results(capsys):
    check = Checker([NUMBER, CODES])
    result = check.task_1(1234.5)
    assert result == CheckResult("task_1", "correct")
    assert capsys.readouterr().out == "task_1: correct\n"
    check.task_3(...)
    assert capsys.readouterr().out.startswith("task_3: not yet done\n")
    check.summary()
    assert (
        capsys.readouterr().out == "task_1: correct\ntask_3: not yet done\n1 of 2 tasks correct.\n"
    )
    assert "task_1" in dir(check)


def test_checker_unknown_task_lists_the_known_ones():
    check = Checker([NUMBER], quiet=True)
    with pytest.raises(AttributeError, match="task_1"):
        check.task_9(1)
    with pytest.raises(ValueError, match="Two tasks"):
        Checker([NUMBER, NUMBER])


def test_checker_computes_expected_lazily_once():
    calls = []

    def expensive() -> float:
        calls.append(1)
        return 2.0

    check = Checker([Task("task_1", expensive)], quiet=True)
    assert check.task_1(...).status == "not yet done" and calls == []
    check.task_1(2.0)
    check.task_1(3.0)
    assert calls == [1]


def test_checker_reports_broken_materials_clearly():
    check = Checker([Task("task_1", lambda: 1 / 0)], quiet=True)
    with pytest.raises(RuntimeError, match="course materials"):
        check.task_1(1.0)


# ---------------------------------------------------------------- registry


def test_registry_member_dependent_tasks():
    @checks.register_session(98)
    def tasks(member: str) -> list[Task]:
        return [Task("task_1", lambda: float(len(member)), kind="exact")]

    try:
        assert 98 in checks.registered_sessions()
        assert checks.for_session(98, member="abc", quiet=True).task_1(3).status == "correct"
        assert checks.for_session(98, member="abcd", quiet=True).task_1(3).status == "wrong"
        checks.register_session(98, tasks)  # the same factory again (module reload): fine
        with pytest.raises(ValueError, match="already has tasks"):
            checks.register_session(98, lambda member: [])
        checks.register_session(98, lambda member: [], replace=True)
        assert checks.tasks_for(98) == []
    finally:
        checks.unregister_session(98)
    assert 98 not in checks.registered_sessions()


def test_for_session_without_tasks_says_how_to_register():
    with pytest.raises(KeyError, match="register_session"):
        checks.for_session(97)


# ------------------------------------- every registered task: right, wrong, not yet done


def wrong_like(expected: Any) -> Any:
    """A wrong answer of the same type as ``expected``."""
    if isinstance(expected, bool | np.bool_):
        return not expected
    if isinstance(expected, int | float | np.number):
        return expected * 1.5 if expected else 1.0
    if isinstance(expected, str):
        return expected + "X"
    if isinstance(expected, pd.DataFrame):
        wrong = expected.copy()
        numeric = [c for c in wrong.columns if checks.is_numeric(wrong[c])]
        if numeric:
            wrong[numeric[0]] = wrong[numeric[0]] * 1.5 + 1
            return wrong
        return wrong.iloc[:-1] if len(wrong) > 1 else wrong.astype(str) + "X"
    if isinstance(expected, pd.Series):
        return expected * 1.5 + 1 if checks.is_numeric(expected) else expected.astype(str) + "X"
    if isinstance(expected, list | tuple | set | frozenset | pd.Index | np.ndarray):
        items = sorted(expected, key=repr)
        return items[:-1] if len(items) > 1 else [*items, "not-a-code"]
    raise TypeError(f"no wrong-answer generator for {type(expected).__name__}")


def registered_tasks() -> list[Any]:
    load_demo_tasks()
    params = []
    for session in checks.load_session_modules():
        for task in checks.tasks_for(session, DEFAULT_MEMBER):
            params.append(pytest.param(session, task, id=f"session{session}-{task.name}"))
    return params


@pytest.mark.parametrize(("session", "task"), registered_tasks())
def test_every_registered_task_says_right_wrong_and_not_yet_done(session, task):
    expected = task.expected_value()
    assert evaluate(task, expected, expected).status == "correct"
    assert evaluate(task, ..., expected).status == "not yet done"
    result = evaluate(task, wrong_like(expected), expected)
    assert result.status == "wrong", str(result)
    assert result.message and "could not compare" not in result.message, str(result)
