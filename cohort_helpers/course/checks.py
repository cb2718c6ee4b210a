"""Homework self-checks: one call per task that says *correct*, or what is wrong.

A participant's notebook does::

    from cohort_helpers.course import checks
    check = checks.for_session(2, member=member)
    ...
    check.task_1(total_t)      # prints "task_1: correct", or what is wrong and a hint

A check never prints the expected answer. It compares with a tolerance
suited to the kind of answer (relative for money and emissions, exact for
codes and text, as sets or lists for lists of codes) and explains wrong types
and shapes in plain language. A value that is still the exercise placeholder
(``...``) or ``None`` is reported as *not yet done*, so an unfinished notebook
still runs to the end.

Adding a session's tasks takes a few lines in the session's module
(``cohort_helpers/course/homework/sessionNN.py``, imported on demand by
:func:`for_session`)::

    from cohort_helpers.course import checks
    from cohort_helpers.course.checks import Task

    @checks.register_session(2)
    def tasks(member: str) -> list[Task]:
        return [
            Task("task_1", lambda: total_emissions(member), unit="t CO2e",
                 hint="Sum the emissions column, then divide kg by 1,000."),
            Task("task_2", lambda: by_category(member), kind="table", key=("naics6",)),
            Task("task_3", lambda: top_codes(member), kind="codes"),
        ]

Expected values are computed lazily (once per :class:`Checker`), so building
a checker is cheap and a task's expected value may depend on the member.

The only module-level state is the explicit session registry
(:func:`register_session`, :func:`registered_sessions`).
"""

from __future__ import annotations

import html
import importlib
import math
import numbers
import pkgutil
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import DEFAULT_MEMBER
from .homework import errors

__all__ = [
    "CheckResult",
    "Checker",
    "Task",
    "compare_number",
    "describe",
    "done",
    "evaluate",
    "for_session",
    "is_numeric",
    "load_session_modules",
    "register_session",
    "registered_sessions",
    "tasks_for",
    "unregister_session",
]

Status = Literal["correct", "wrong", "not yet done"]
STATUSES: tuple[Status, ...] = ("correct", "wrong", "not yet done")

#: A comparison written by a session author: ``compare(given, expected, task)``
#: returns ``None`` when ``given`` is right, else a plain-language message.
Comparison = Callable[[Any, Any, "Task"], "str | None"]
Kind = Literal["number", "exact", "codes", "table"]

#: Factory registered per session: ``factory(member)`` returns that session's tasks.
TaskFactory = Callable[[str], Sequence["Task"]]

#: Package whose ``sessionNN`` modules register the sessions' tasks.
SESSION_PACKAGE = "cohort_helpers.course.homework"

_NOT_DONE_MESSAGE = (
    "Replace the `...` placeholder with your answer, run that cell, then run this check again."
)
_NONE_MESSAGE = (
    "The value is None. If you already wrote code: a function without `return`, or a "
    "pandas method called with `inplace=True`, also gives None."
)


# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True)
class Task:
    """One homework task and how to check an answer to it.

    Parameters
    ----------
    name : str
        Python identifier used as the check's method name, e.g. ``"task_2"``.
    expected : object or callable
        The expected answer, or a zero-argument function computing it
        (called at most once per :class:`Checker`).
    kind : {"number", "exact", "codes", "table"} or callable
        How to compare. ``"number"``: relative tolerance ``rtol`` (money,
        emissions). ``"exact"``: equality (codes, names, counts, yes/no).
        ``"codes"``: a list of codes, compared as a set unless ``ordered``.
        ``"table"``: a DataFrame or Series (columns by name, row count, values
        with ``rtol`` in numeric columns, exact elsewhere). A callable
        ``compare(given, expected, task) -> str | None`` for anything else.
    rtol, atol : float
        Relative and absolute tolerance for numbers (``"number"`` and numeric
        columns of ``"table"``).
    unit : str
        Unit used in messages, e.g. ``"t CO2e"`` or ``"USD"``.
    hint : str
        Shown when the answer is wrong. Must not give the answer away.
    ordered : bool
        ``"codes"``/``"table"``: whether order matters.
    key : tuple of str
        ``"table"``: columns identifying a row (rows are matched on them when
        ``ordered`` is false).
    columns : tuple of str or None
        ``"table"``: the columns to compare (default: all expected columns);
        other columns in the answer are ignored.
    title : str
        A few words on what the task asks, shown in the HTML display.

    Examples
    --------
    >>> t = Task("task_1", 12.5, unit="t CO2e", hint="Divide kg by 1,000.")
    >>> evaluate(t, 12.51).status
    'correct'
    """

    name: str
    expected: Any
    kind: Kind | Comparison = "number"
    rtol: float = 0.005
    atol: float = 1e-9
    unit: str = ""
    hint: str = ""
    ordered: bool = False
    key: tuple[str, ...] = ()
    columns: tuple[str, ...] | None = None
    title: str = ""

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"Task name {self.name!r} must be a Python identifier, e.g. 'task_2'.")
        if not callable(self.kind) and self.kind not in _COMPARISONS:
            raise ValueError(
                f"Task {self.name}: unknown kind {self.kind!r}; use one of "
                f"{sorted(_COMPARISONS)} or a function compare(given, expected, task)."
            )
        object.__setattr__(self, "key", tuple(self.key))
        if self.columns is not None:
            object.__setattr__(self, "columns", tuple(self.columns))

    def expected_value(self) -> Any:
        """The expected answer (calls ``expected`` when it is a function)."""
        return self.expected() if callable(self.expected) else self.expected


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.

    ``str(result)`` is the plain-text report (first line ``"<task>: <status>"``);
    in Jupyter the result displays as a coloured box.

    Examples
    --------
    >>> print(CheckResult("task_1", "wrong", "Your number is too high."))
    task_1: wrong
      Your number is too high.
    """

    task: str
    status: Status
    message: str = ""
    #: IPython execution count of the cell that already showed this result
    #: (so that a check call on a cell's last line is not shown twice).
    shown_in: int | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        """True when the answer is correct."""
        return self.status == "correct"

    def __str__(self) -> str:
        lines = [f"{self.task}: {self.status}"]
        lines += [f"  {line}" if line else "" for line in self.message.splitlines()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = {"correct": "#1a7f37", "wrong": "#b42318", "not yet done": "#6b7280"}[self.status]
        symbol = {"correct": "&#10004;", "wrong": "&#10008;", "not yet done": "&#8230;"}[
            self.status
        ]
        body = "<br>".join(html.escape(line) for line in self.message.splitlines())
        return (
            f'<div style="border-left:4px solid {colour};padding:4px 10px;margin:4px 0">'
            f'<b style="color:{colour}">{symbol} {html.escape(self.task)}: {self.status}</b>'
            + (f'<div style="margin-top:2px">{body}</div>' if body else "")
            + "</div>"
        )

    def _mimebundle(self) -> dict[str, str]:
        return {"text/plain": str(self), "text/html": self._repr_html_()}

    def _ipython_display_(self) -> None:
        count = _ipython_execution_count()
        if count is not None and count == self.shown_in:
            return  # the check call already showed it in this cell
        from IPython.display import display

        display(self._mimebundle(), raw=True)


# --------------------------------------------------------------------- describing


def done(value: Any) -> bool:
    """True when ``value`` is an answer, not the exercise placeholder.

    Use it to guard cells that need an answer (plots, follow-up steps) so an
    unfinished exercise notebook still runs to the end.

    Parameters
    ----------
    value : object
        A participant's answer, or the placeholder ``...``.

    Returns
    -------
    bool
        False for ``...`` and ``None``, True for anything else (``0`` and an
        empty table included).

    Examples
    --------
    >>> done(...), done(None), done(0.0)
    (False, False, True)
    """
    return value is not Ellipsis and value is not None


def describe(value: Any) -> str:
    """A plain-language description of a value's type and shape.

    Parameters
    ----------
    value : object
        Any value (a participant's answer).

    Returns
    -------
    str
        E.g. ``"a number (12.5)"``, ``"a table with 3 rows and the columns ..."``,
        or, for a function not called, how to call it; used in the checks'
        messages.

    Examples
    --------
    >>> describe(pd.DataFrame({"a": [1, 2, 3]}))
    "a table with 3 rows and the column 'a'"
    >>> describe([1, 2])
    'a list of 2 items'
    """
    if value is Ellipsis:
        return "the placeholder `...`"
    if value is None:
        return "None (nothing)"
    if isinstance(value, bool | np.bool_):
        return f"True/False ({value})"
    if isinstance(value, numbers.Number):
        return f"a number ({_short(value)})"
    if isinstance(value, str):
        return f"text ({_short(value)!r})"
    if isinstance(value, pd.DataFrame):
        n = len(value)
        return f"a table with {_plural(n, 'row')} and {_columns_phrase(list(value.columns))}"
    if isinstance(value, pd.Series):
        name = f" named {value.name!r}" if value.name is not None else ""
        return f"a Series (a single column{name}) with {_plural(len(value), 'value')}"
    if isinstance(value, pd.Index):
        return f"a pandas Index with {_plural(len(value), 'value')}"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"a number ({_short(value.item())})"
        return f"an array of shape {value.shape}"
    if isinstance(value, dict):
        return f"a dict with {_plural(len(value), 'key')}"
    if isinstance(value, list | tuple | set | frozenset):
        kind = {list: "list", tuple: "tuple", set: "set", frozenset: "set"}.get(type(value), "list")
        return f"a {kind} of {_plural(len(value), 'item')}"
    if callable(value):
        name = getattr(value, "__name__", "it")
        return f"a function (`{name}`), not its result: call it, as in `{name}(...)`"
    return f"a value of type {type(value).__name__}"


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value (so messages show ``5``, not ``np.int64(5)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _short(value: Any, width: int = 40) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _columns_phrase(cols: Sequence[Any]) -> str:
    if not cols:
        return "no columns"
    names = ", ".join(repr(c) for c in cols[:8]) + (", …" if len(cols) > 8 else "")
    return f"the column {names}" if len(cols) == 1 else f"the columns {names}"


def _unit(task: Task) -> str:
    return f" ({task.unit})" if task.unit else ""


# -------------------------------------------------------------------- comparisons


def _as_number(value: Any) -> float | None:
    """``value`` as a float when it is a single number (not True/False), else None."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, numbers.Real) or (
        isinstance(value, numbers.Number) and not isinstance(value, numbers.Complex)
    ):  # int, float, numpy numbers, Decimal, Fraction
        return float(value)
    return None


def _single_value_hint(value: Any) -> str:
    if (
        isinstance(value, pd.Series | pd.DataFrame | np.ndarray | list | tuple)
        and np.size(value) == 1
    ):
        return " It holds a single value: take the number out, e.g. with `.item()` or `.sum()`."
    if isinstance(value, pd.Series | pd.DataFrame):
        return " Add it up (`.sum()`) or pick the one value you need."
    if isinstance(value, str):
        return " Numbers are written without quotes."
    return ""


def compare_number(given: Any, expected: Any, task: Task) -> str | None:
    """Compare a participant's number with the expected one, within the task's tolerance.

    The comparison behind ``kind="number"``; a session's own ``kind`` callable
    may use it for the numeric part of a composite answer.

    Parameters
    ----------
    given : object
        The participant's answer (a number, a one-value Series/DataFrame, ...).
    expected : float
        The expected value.
    task : Task
        Supplies ``rtol``, ``atol``, ``unit`` for the tolerance and the message.

    Returns
    -------
    str or None
        ``None`` when correct, else what is wrong (never the expected value).

    Examples
    --------
    >>> t = Task("task_1", 100.0, unit="t CO2e")
    >>> compare_number(100.0, 100.0, t) is None
    True
    >>> compare_number("a lot", 100.0, t).startswith("I expected a number")
    True
    """
    exp = float(expected)
    got = _as_number(given)
    if got is None:
        return (
            f"I expected a number{_unit(task)}, you gave {describe(given)}."
            + _single_value_hint(given)
        )
    if math.isnan(got):
        return (
            "Your number is NaN (not a number): usually a missing value in the data, or a "
            "division by zero. `.sum()` skips missing values; `+` between columns does not."
        )
    if math.isinf(got):
        return "Your number is infinite: probably a division by zero."
    if abs(got - exp) <= max(task.atol, task.rtol * abs(exp)):
        return None
    return _number_advice(got, exp, task)


def _number_advice(got: float, exp: float, task: Task) -> str:
    """Why a number is wrong, without revealing the expected value."""
    tolerance = f"within {task.rtol:.1%}" if task.rtol else "exactly"
    if got == 0:
        return "Your number is zero. Did a filter remove every row, or a column hold no values?"
    if exp != 0:
        ratio = got / exp
        if ratio < 0:
            if abs(abs(ratio) - 1) <= max(task.rtol, 1e-9):
                return (
                    "Right size, wrong sign: check credits, refunds and the order of subtraction."
                )
            return "Your number has the wrong sign (positive vs negative)."
        for factor, label, advice in (
            (1e6, "a million", "g vs t, or dollars vs millions of dollars"),
            (1e3, "1,000", "kg vs t CO2e, or dollars vs thousands of dollars"),
            (100.0, "100", "a percentage vs a fraction (25 vs 0.25)"),
        ):
            for r, direction in ((ratio, "too big"), (1 / ratio, "too small")):
                if abs(r / factor - 1) <= 0.02:
                    return f"Your number is about {label} times {direction}: check the units ({advice})."
    direction = "too high" if got > exp else "too low"
    if exp != 0 and abs(got / exp - 1) <= 0.1:
        return (
            f"Close, but {direction} (it should match {tolerance}). Check rounding, a filter "
            "or exclusion, or a missing/duplicated row."
        )
    return f"Your number is {direction}."


def _type_word(value: Any) -> str:
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool | np.bool_):
        return "True/False"
    if isinstance(value, numbers.Number):
        return "a number"
    return type(value).__name__


def _compare_exact(given: Any, expected: Any, task: Task) -> str | None:
    if isinstance(expected, str):
        if not isinstance(given, str):
            if _as_number(given) is not None:
                return (
                    f"I expected text (a code or a name, in quotes), you gave {describe(given)}. "
                    "Codes are text: write them in quotes, so leading zeros are kept."
                )
            return f"I expected text (a code or a name), you gave {describe(given)}."
        if given == expected:
            return None
        if given.strip().casefold() == expected.strip().casefold():
            return "Almost: check upper/lower case and spaces at the start or end."
        return "That is not the expected answer."
    if isinstance(expected, bool | np.bool_):
        if not isinstance(given, bool | np.bool_):
            return f"I expected True or False, you gave {describe(given)}."
        return None if bool(given) == bool(expected) else "That is not the expected answer."
    if isinstance(expected, numbers.Number):
        got = _as_number(given)
        if got is None:
            extra = " Numbers are written without quotes." if isinstance(given, str) else ""
            return f"I expected a number{_unit(task)}, you gave {describe(given)}.{extra}"
        return None if got == float(expected) else "That is not the expected number."
    if type(given) is not type(expected) and not _both_sequences(given, expected):
        return f"I expected {_type_word(expected)}, you gave {describe(given)}."
    try:
        equal = bool(given == expected)
    except (TypeError, ValueError):
        equal = False
    return None if equal else "That is not the expected answer."


def _both_sequences(a: Any, b: Any) -> bool:
    return isinstance(a, list | tuple) and isinstance(b, list | tuple)


def _as_list(value: Any) -> list[Any] | None:
    """A list of the items of a list-like value (not text, dicts or tables), else None."""
    if isinstance(value, pd.Series | pd.Index):
        return value.tolist()
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return value.tolist()
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return None


def _kind_of_items(items: Iterable[Any]) -> set[str]:
    return {_type_word(x) for x in items}


def _compare_codes(given: Any, expected: Any, task: Task) -> str | None:
    exp = _as_list(expected)
    if exp is None:
        raise TypeError(
            f"Task {task.name}: the expected value of a 'codes' task must be list-like."
        )
    got = _as_list(given)
    if got is None:
        msg = f"I expected a list of codes, like ['A1', 'B2'], you gave {describe(given)}."
        if isinstance(given, str):
            msg += " Put each code in the list as its own item."
        elif isinstance(given, pd.DataFrame):
            msg += " Pick the column that holds the codes, e.g. `table['code'].tolist()`."
        elif isinstance(given, dict):
            msg += " Use `list(d)` for its keys or `list(d.values())` for its values."
        return msg
    exp_kinds, got_kinds = _kind_of_items(exp), _kind_of_items(got)
    if exp and got and exp_kinds != got_kinds and len(exp_kinds) == 1:
        want = exp_kinds.pop()
        have = " and ".join(sorted(got_kinds))
        msg = f"I expected codes as {want}, yours are {have}."
        if want == "text":
            msg += " Codes are text (they can have leading zeros): use `.astype(str)` or quotes."
        return msg
    try:
        exp_set, got_set = set(exp), set(got)
    except TypeError:
        return f"I expected a list of codes (text or numbers), you gave a list containing {describe(got[0])}."
    duplicates = sorted((c for c, n in Counter(got).items() if n > 1), key=repr)
    if task.ordered:
        if got == exp:
            return None
        if Counter(got) == Counter(exp):
            return "Right codes, but not in the expected order." + _sort_hint(task)
    elif got_set == exp_set:
        if duplicates and len(exp) == len(exp_set):
            return f"Right codes, but some appear more than once: {_listing(duplicates)}."
        return None
    parts = []
    missing = len(exp_set - got_set)
    extra = sorted(got_set - exp_set, key=repr)
    if missing:
        parts.append(
            f"{_plural(missing, 'expected code')} {'is' if missing == 1 else 'are'} missing."
        )
    if extra:
        parts.append(f"These should not be in the list: {_listing(extra)}.")
    if not parts and len(got) != len(exp):
        parts.append(f"Your list has {len(got)} items; check for repeated codes.")
    return " ".join(parts) or "That is not the expected list."


def _sort_hint(task: Task) -> str:
    return "" if task.hint else " Check how the list should be sorted."


def _listing(items: Sequence[Any], limit: int = 5) -> str:
    shown = ", ".join(repr(x) for x in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# ---------------------------------------------------------------------- tables


def is_numeric(s: pd.Series) -> bool:
    """Whether a column holds numbers (booleans are not numbers here).

    Parameters
    ----------
    s : pandas.Series
        The column.

    Returns
    -------
    bool
        True for numeric, non-boolean dtypes.

    Examples
    --------
    >>> import pandas as pd
    >>> is_numeric(pd.Series([1.5, 2.0])), is_numeric(pd.Series([True])), is_numeric(pd.Series(["a"]))
    (True, False, False)
    """
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _with_index_as_columns(df: pd.DataFrame, wanted: Sequence[Any]) -> pd.DataFrame:
    """Move index levels that are wanted columns into the columns."""
    names = [n for n in df.index.names if n is not None]
    if any(n in wanted and n not in df.columns for n in names):
        return df.reset_index()
    return df


def _sorted_rows(df: pd.DataFrame, by: list[Any]) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    try:
        out = df.sort_values(by, kind="mergesort")
    except TypeError:  # mixed types in a column
        keys = df[by].astype(str)
        out = df.loc[keys.sort_values(by, kind="mergesort").index]
    return out.reset_index(drop=True)


def _compare_table(given: Any, expected: Any, task: Task) -> str | None:
    if isinstance(expected, pd.Series):
        return _compare_series(given, expected, task)
    if not isinstance(expected, pd.DataFrame):
        raise TypeError(
            f"Task {task.name}: the expected value of a 'table' task must be a DataFrame or Series."
        )
    exp = expected
    if not isinstance(exp.index, pd.RangeIndex) and any(n is not None for n in exp.index.names):
        exp = exp.reset_index()
    cols = list(task.columns) if task.columns is not None else list(exp.columns)
    if not isinstance(given, pd.DataFrame):
        msg = f"I expected a table (DataFrame) with {_columns_phrase(cols)}, you gave {describe(given)}."
        if isinstance(given, pd.Series):
            msg += " `.reset_index()` turns a grouped Series into a table."
        return msg
    got = _with_index_as_columns(given, cols)
    missing = [c for c in cols if c not in got.columns]
    if missing:
        have = ", ".join(repr(c) for c in got.columns) or "none"
        return (
            f"Your table is missing {_columns_phrase(missing)} (its columns: {have}). "
            "Column names must match exactly."
        )
    if len(got) != len(exp):
        more = "many" if len(got) > len(exp) else "few"
        return (
            f"Your table has {_plural(len(got), 'row')}, which is too {more}. Check filters, "
            "exclusions, and whether the grouping is by the right column(s)."
        )
    got, exp = got[cols], exp[cols]
    if not task.ordered:
        by = list(task.key) or [c for c in cols if not pd.api.types.is_float_dtype(exp[c])] or cols
        got, exp = _sorted_rows(got, by), _sorted_rows(exp, by)
    else:
        got, exp = got.reset_index(drop=True), exp.reset_index(drop=True)
    for col in cols:
        problem = _compare_values(
            got[col], exp[col], f"Column {col!r}", lambda i: _row_label(got, i, task), task
        )
        if problem:
            return problem
    return None


def _compare_values(
    g: pd.Series,
    e: pd.Series,
    what: str,
    row_label: Callable[[int], str],
    task: Task,
    noun: str = "row",
) -> str | None:
    """Compare two aligned columns; ``what`` names them in the message."""
    g, e = g.reset_index(drop=True), e.reset_index(drop=True)
    if is_numeric(e):
        if not is_numeric(g):
            held = _type_word(g.dropna().iloc[0]) if g.notna().any() else "only missing values"
            return f"{what} should hold numbers; yours holds {held}."
        close = np.isclose(
            g.to_numpy(float), e.to_numpy(float), rtol=task.rtol, atol=task.atol, equal_nan=True
        )
        bad = ~close
    else:
        if is_numeric(g) and pd.api.types.is_string_dtype(e):
            return f"{what} should hold text (codes or names); yours holds numbers. Use `.astype(str)`."
        bad = ~(
            (g.to_numpy(object) == e.to_numpy(object)) | (g.isna().to_numpy() & e.isna().to_numpy())
        )
    n_bad = int(np.sum(bad))
    if not n_bad:
        return None
    first = int(np.argmax(bad))
    msg = f"{what}: {n_bad} of {_plural(len(g), noun)} differ (the first: {row_label(first)})."
    if is_numeric(e) and is_numeric(g):
        gv, ev = float(g.iloc[first]), float(e.iloc[first])
        if not (math.isnan(gv) or math.isnan(ev)):
            msg += " " + _number_advice(gv, ev, task)
    return msg


def _row_label(df: pd.DataFrame, i: int, task: Task) -> str:
    if task.key and all(k in df.columns for k in task.key):
        return ", ".join(f"{k}={_plain(df[k].iloc[i])!r}" for k in task.key)
    return f"row {i + 1} of your table" + ("" if task.ordered else " after sorting")


def _compare_series(given: Any, expected: pd.Series, task: Task) -> str | None:
    if isinstance(given, pd.DataFrame) and given.shape[1] == 1:
        given = given.iloc[:, 0]
    if not isinstance(given, pd.Series):
        return f"I expected a Series (one column with an index), you gave {describe(given)}."
    if len(given) != len(expected):
        more = "many" if len(given) > len(expected) else "few"
        return f"Your Series has {_plural(len(given), 'value')}, which is too {more}."
    got, exp = given, expected
    if not task.ordered:
        try:
            got, exp = got.sort_index(), exp.sort_index()
        except TypeError:
            got = got.iloc[np.argsort(got.index.astype(str), kind="stable")]
            exp = exp.iloc[np.argsort(exp.index.astype(str), kind="stable")]
    labels_got, labels_exp = list(got.index), list(exp.index)
    if labels_got != labels_exp:
        if {str(x) for x in labels_got} == {str(x) for x in labels_exp}:
            return "The index labels are right but of the wrong type (text vs numbers)."
        if Counter(labels_got) == Counter(labels_exp):
            return "Right labels, but not in the expected order."
        extra = sorted(set(labels_got) - set(labels_exp), key=repr)
        return "The index labels are not the expected ones" + (
            f"; these should not be there: {_listing(extra)}." if extra else "."
        )
    return _compare_values(
        got, exp, "The values", lambda i: f"at {_plain(labels_got[i])!r}", task, "value"
    )


_COMPARISONS: dict[str, Comparison] = {
    "number": compare_number,
    "exact": _compare_exact,
    "codes": _compare_codes,
    "table": _compare_table,
}


# ---------------------------------------------------------------------- evaluate


_COMPUTE = object()  # evaluate(): "compute the expected value from the task"


def evaluate(task: Task, given: Any, expected: Any = _COMPUTE) -> CheckResult:
    """Compare ``given`` with the task's expected answer; never prints.

    Parameters
    ----------
    task : Task
    given : object
        The participant's answer.
    expected : object, optional
        The expected answer; computed with ``task.expected_value()`` when omitted.

    Returns
    -------
    CheckResult
        ``status`` is ``"not yet done"`` for ``...``/``None``, ``"correct"`` or
        ``"wrong"`` otherwise. A value that cannot be compared is *wrong*, with
        an explanation, never an exception.

    Examples
    --------
    >>> task = Task("task_3", ["331110", "562111"], kind="codes")
    >>> evaluate(task, ["562111", "331110"]).status
    'correct'
    >>> evaluate(task, ...).status
    'not yet done'
    """
    if given is Ellipsis:
        return CheckResult(task.name, "not yet done", _NOT_DONE_MESSAGE)
    if given is None:
        return CheckResult(task.name, "not yet done", _NONE_MESSAGE)
    if expected is _COMPUTE:
        expected = task.expected_value()
    compare = task.kind if callable(task.kind) else _COMPARISONS[task.kind]
    try:
        problem = compare(given, expected, task)
    except Exception as exc:  # a strange value must give feedback, not a traceback
        problem = (
            f"I could not compare your answer ({describe(given)}) with the expected one: "
            f"{type(exc).__name__}: {exc}"
        )
    if problem is None:
        return CheckResult(task.name, "correct")
    if task.hint:
        problem += f"\nHint: {task.hint}"
    return CheckResult(task.name, "wrong", problem)


# ----------------------------------------------------------------------- checker


def _ipython_execution_count() -> int | None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return None
    shell = get_ipython()
    return getattr(shell, "execution_count", None) if shell is not None else None


def show(result: CheckResult) -> CheckResult:
    """Print ``result`` (rich display in Jupyter) and return it marked as shown."""
    count = _ipython_execution_count()
    if count is None:
        print(result)
        return result
    from IPython.display import display

    display(result._mimebundle(), raw=True)
    return replace(result, shown_in=count)


class Checker:
    """The checks of one session: ``checker.task_2(value)`` checks task 2.

    Each call shows the result (plain text, or a coloured box in Jupyter) and
    returns a :class:`CheckResult`. Expected values are computed on first use
    and kept for the checker's lifetime.

    Parameters
    ----------
    tasks : iterable of Task
    session : int, optional
        Only used in messages.
    member : str, optional
        Only used in messages.
    quiet : bool
        Return results without showing them.

    Examples
    --------
    >>> check = Checker([Task("task_1", 42.0, unit="t CO2e")], quiet=True)
    >>> check.task_1(42.1).status
    'correct'
    >>> check.task_1(4.2).message
    'Your number is too low.'
    """

    def __init__(
        self,
        tasks: Iterable[Task],
        *,
        session: int | None = None,
        member: str | None = None,
        quiet: bool = False,
    ) -> None:
        self.tasks: dict[str, Task] = {}
        for task in tasks:
            if task.name in self.tasks:
                raise ValueError(f"Two tasks are named {task.name!r}.")
            self.tasks[task.name] = task
        self.session = session
        self.member = member
        self.quiet = quiet
        self.results: dict[str, CheckResult] = {}
        self._expected: dict[str, Any] = {}

    def __repr__(self) -> str:
        where = f"session {self.session}" if self.session is not None else "custom"
        who = f", member {self.member!r}" if self.member else ""
        return f"<Checker {where}{who}: {', '.join(self.tasks) or 'no tasks'}>"

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.tasks))

    def __getattr__(self, name: str) -> Callable[[Any], CheckResult]:
        if name.startswith("_") or name not in self.__dict__.get("tasks", {}):
            known = ", ".join(self.__dict__.get("tasks", {})) or "none"
            raise AttributeError(
                f"There is no check called {name!r}. The checks here are: {known}."
            )

        def check_task(value: Any) -> CheckResult:
            return self.check(name, value)

        task = self.tasks[name]
        check_task.__name__ = name
        check_task.__doc__ = f"Check your answer to {name}" + (
            f": {task.title}." if task.title else "."
        )
        return check_task

    def expected(self, name: str) -> Any:
        """The expected answer of task ``name`` (for instructors and tests)."""
        if name not in self._expected:
            try:
                self._expected[name] = self.tasks[name].expected_value()
            except Exception as exc:
                raise RuntimeError(
                    f"The expected answer of {name} could not be computed ({type(exc).__name__}: "
                    f"{exc}). This is a problem with the course materials, not with your answer."
                ) from exc
        return self._expected[name]

    def check(self, name: str, value: Any) -> CheckResult:
        """Check ``value`` as the answer to task ``name``; show and return the result."""
        if name not in self.tasks:
            getattr(self, name)  # raises the helpful AttributeError
        task = self.tasks[name]
        result = evaluate(task, value, self.expected(name) if done(value) else _COMPUTE)
        self.results[name] = result
        return result if self.quiet else show(result)

    def summary_text(self) -> str:
        """One line per task with its latest status, then the number correct."""
        lines = [
            f"{name}: {self.results[name].status if name in self.results else 'not checked yet'}"
            for name in self.tasks
        ]
        n_ok = sum(r.ok for r in self.results.values())
        return "\n".join([*lines, f"{n_ok} of {len(self.tasks)} tasks correct."])

    def summary(self) -> None:
        """Print :meth:`summary_text` (for the last cell of a homework notebook)."""
        print(self.summary_text())


# ---------------------------------------------------------------------- registry

_REGISTRY: dict[int, TaskFactory] = {}


def register_session(
    session: int, factory: TaskFactory | None = None, *, replace: bool = False
) -> Any:
    """Register the task factory of a session (usable as a decorator).

    Parameters
    ----------
    session : int
        Session number.
    factory : callable
        ``factory(member) -> list[Task]``.
    replace : bool
        Allow replacing a different factory already registered for ``session``
        (re-registering the same function, e.g. on module reload, is always allowed).

    Returns
    -------
    callable
        ``factory`` itself; without ``factory``, a decorator that registers
        the function it decorates and returns it.

    Raises
    ------
    ValueError
        ``session`` already has another factory and ``replace`` is False.

    Examples
    --------
    >>> @register_session(99)
    ... def _tasks(member):
    ...     return [Task("task_1", len(member), kind="exact")]
    >>> for_session(99, member="abc", quiet=True).task_1(3).status
    'correct'
    >>> unregister_session(99)
    """

    def add(f: TaskFactory) -> TaskFactory:
        old = _REGISTRY.get(session)
        same = old is not None and _qualname(old) == _qualname(f)
        if old is not None and not same and not replace:
            raise ValueError(
                f"Session {session} already has tasks from {_qualname(old)}; "
                "pass replace=True to replace them."
            )
        _REGISTRY[session] = f
        return f

    return add if factory is None else add(factory)


def _qualname(f: Callable[..., Any]) -> str:
    return f"{getattr(f, '__module__', '?')}.{getattr(f, '__qualname__', repr(f))}"


def unregister_session(session: int) -> None:
    """Remove a session's tasks from the registry (no error when absent).

    Parameters
    ----------
    session : int
        Session number.

    Returns
    -------
    None
        The registry no longer holds ``session`` (a later :func:`tasks_for`
        imports its module again).

    Examples
    --------
    >>> register_session(98, lambda member: [Task("task_1", 1, kind="exact")])  # doctest: +ELLIPSIS
    <function <lambda> at ...>
    >>> 98 in registered_sessions()
    True
    >>> unregister_session(98)
    >>> 98 in registered_sessions()
    False
    """
    _REGISTRY.pop(session, None)


def registered_sessions() -> list[int]:
    """Sessions with registered tasks, in order (does not import session modules).

    Returns
    -------
    list of int
        The session numbers of the registry.

    Examples
    --------
    >>> _ = register_session(97, lambda member: [])
    >>> 97 in registered_sessions()
    True
    >>> unregister_session(97)
    """
    return sorted(_REGISTRY)


def load_session_modules() -> list[int]:
    """Import every module of :data:`SESSION_PACKAGE` and return the registered sessions.

    Returns
    -------
    list of int
        :func:`registered_sessions` after the import (just the registry when
        the package is missing).

    Examples
    --------
    >>> {1, 2, 3, 4, 5, 6} <= set(load_session_modules())  # and any session registered before
    True
    """
    try:
        package = importlib.import_module(SESSION_PACKAGE)
    except ModuleNotFoundError as exc:
        if exc.name != SESSION_PACKAGE:
            raise
        return registered_sessions()
    for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
        importlib.import_module(f"{SESSION_PACKAGE}.{info.name}")
    return registered_sessions()


def _autoload(session: int) -> None:
    module = f"{SESSION_PACKAGE}.session{session:02d}"
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name not in (module, SESSION_PACKAGE):
            raise


def tasks_for(session: int, member: str = DEFAULT_MEMBER) -> list[Task]:
    """The tasks of ``session`` for ``member`` (imports the session module if needed).

    Parameters
    ----------
    session : int
        Session number.
    member : str
        The cohort member whose data the expected answers come from.

    Returns
    -------
    list of Task
        The session's tasks (expected values not computed yet).

    Raises
    ------
    KeyError
        No tasks are registered for ``session``, and no session module registers them.

    Examples
    --------
    >>> [t.name for t in tasks_for(1, "cedar_valley")]
    ['task_1', 'task_2', 'task_3', 'task_4', 'task_5']
    """
    if session not in _REGISTRY:
        _autoload(session)
    if session not in _REGISTRY:
        raise KeyError(
            f"No self-checks are registered for session {session}. A session module registers "
            f"them with checks.register_session({session}, factory) "
            f"(conventionally in {SESSION_PACKAGE}.session{session:02d})."
        )
    return list(_REGISTRY[session](member))


def for_session(
    session: int, member: str = DEFAULT_MEMBER, *, quiet: bool = False, friendly_errors: bool = True
) -> Checker:
    """The :class:`Checker` of a session for one cohort member.

    In IPython (the exercise's setup cell) it also installs the homework's
    friendly errors (:mod:`cohort_helpers.course.homework.errors`): a mistyped column,
    an answer used before its task is done, or a name missing after a kernel
    restart is explained in plain words, with the full traceback one click away.
    ``friendly_errors=False`` leaves IPython's tracebacks alone.

    Parameters
    ----------
    session : int
        Session number.
    member : str
        The cohort member whose data the expected answers come from.
    quiet : bool
        Return check results without showing them.
    friendly_errors : bool
        Install the homework's friendly errors in the running IPython (if any).

    Returns
    -------
    Checker
        ``check.task_1(value)`` ... for each task of the session.

    Examples
    --------
    >>> check = for_session(1, member="cedar_valley", quiet=True)
    >>> check
    <Checker session 1, member 'cedar_valley': task_1, task_2, task_3, task_4, task_5>
    >>> check.task_1(...).status
    'not yet done'
    >>> check = for_session(2, member="cedar_valley")  # doctest: +SKIP
    >>> check.task_1(total_t)  # a participant's answer, in the notebook  # doctest: +SKIP
    task_1: correct
    """
    checker = Checker(tasks_for(session, member), session=session, member=member, quiet=quiet)
    if friendly_errors:

        errors.install()
    return checker
