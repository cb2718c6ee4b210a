"""The department spend survey (Session 2): design, files to send, collection.

The accounts-payable ledger says who was paid how much, but it hides things a
Scope 3 inventory needs: purchasing-card (P-card) buys with one-word memos,
contracts one department manages and another pays, quantities (tons of
asphalt, gallons, vehicles) and which suppliers could give product data
(EPDs). A short survey of departments fills those gaps. This module covers
the whole round:

**Design.** The instrument is data: :func:`load_instrument` reads
``datasets/survey/instrument.csv`` (or your own CSV or YAML file) into an
:class:`Instrument` (one row per question: ``question_id``, ``category``,
``naics6`` (the factor code the answer feeds), ``question``, ``unit``,
``required``, ``skip_if`` (``Q01=no``: skip when Q01 is answered "no"),
``help_text``). Edit it with :meth:`Instrument.drop`, :meth:`~Instrument.select`,
:meth:`~Instrument.add_question` and :meth:`~Instrument.for_department`; every
edit is validated (:meth:`Instrument.validate`; factor codes against the EPA
SEF table).

**Dissemination.** :func:`write_workbook` writes one Excel workbook per
department (drop-down lists for yes/no answers and units, number checks,
protected instructions and questions, help text as cell prompts, a contact
line); :func:`write_html_form` writes the same questions as a static web form
with skip logic that downloads a CSV; :func:`write_department_files` does
both for a list of departments and writes a ``distribution.csv`` to track
them.

**Collection.** :func:`read_return` reads one returned workbook (or form CSV)
into a tidy table; :func:`ingest_returns` reads a member's folder, validates
every answer (wrong units, text in number cells, missing required answers,
skip-logic violations) with messages naming department, sheet and cell, and
builds the response :func:`tracker`. :func:`suggest_fixes` proposes a fix per
problem (convert a unit, take the number out of the text, or ask the
department) and :func:`apply_fixes` applies the ones you accept.
:func:`reconcile_with_ledger` compares survey answers with the ledger spend of
the same department and factor codes.

Examples
--------
>>> from cohort_helpers import survey
>>> inst = survey.load_instrument()  # doctest: +SKIP
>>> lib = inst.drop(categories=["construction materials", "chemicals"])  # doctest: +SKIP
>>> res = survey.ingest_returns("cedar_valley")  # doctest: +SKIP
>>> res.problems[["department", "cell", "issue"]].head(3)  # doctest: +SKIP
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import data, paths, safe_files

__all__ = [
    "CHOICES",
    "COLUMNS",
    "ISSUES",
    "NUMBER_UNITS",
    "UNIT_CONVERSIONS",
    "Instrument",
    "InstrumentError",
    "IngestResult",
    "SurveyFileError",
    "load_instrument",
    "parse_skip_rule",
    "canonical_answer",
    "ledger_blind_spots",
    "survey_departments",
    "returns_folder",
    "has_returns",
    "read_distribution",
    "file_stem",
    "write_workbook",
    "write_html_form",
    "write_department_files",
    "read_return",
    "validate_answers",
    "ingest_returns",
    "tracker",
    "suggest_fixes",
    "apply_fixes",
    "follow_ups",
    "reconcile_with_ledger",
]

#: Columns of an instrument, in order.
COLUMNS = (
    "question_id",
    "category",
    "naics6",
    "question",
    "unit",
    "required",
    "skip_if",
    "help_text",
)

#: Answers allowed for choice questions (the unit names the choice list).
CHOICES: dict[str, tuple[str, ...]] = {
    "yes/no": ("yes", "no"),
    "yes/no/unknown": ("yes", "no", "unknown"),
}
#: Units whose answer is a number.
NUMBER_UNITS = (
    "USD",
    "count",
    "gal",
    "liters",
    "short tons",
    "metric tons",
    "lbs",
    "kg",
    "cubic yards",
    "m3",
    "reams",
    "nights",
    "kWh",
    "miles",
)
#: Every unit an instrument may use.
UNITS = (*NUMBER_UNITS, *CHOICES, "text")

#: (instrument unit, unit written by a respondent) -> factor to multiply by.
UNIT_CONVERSIONS: dict[tuple[str, str], float] = {
    ("short tons", "lbs"): 1 / 2000,
    ("short tons", "kg"): 1 / 907.18474,
    ("short tons", "metric tons"): 1.10231131,
    ("metric tons", "short tons"): 0.90718474,
    ("metric tons", "kg"): 1 / 1000,
    ("metric tons", "lbs"): 0.45359237 / 1000,
    ("gal", "liters"): 1 / 3.785411784,
    ("liters", "gal"): 3.785411784,
    ("cubic yards", "m3"): 1 / 0.764554858,
    ("m3", "cubic yards"): 0.764554858,
    ("USD", "$ thousands"): 1000.0,
    ("USD", "$ millions"): 1_000_000.0,
}

#: The problems :func:`ingest_returns` reports, and what each means.
ISSUES = {
    "missing_required": "a required question is unanswered (and not skipped)",
    "wrong_unit": "the unit cell was changed from the instrument's unit",
    "text_in_number": "text where a number is expected",
    "invalid_choice": "an answer that is not one of the choices (e.g. yes/no)",
    "skip_violation": "an answer to a question the skip logic says to skip",
    "unknown_question": "a question id the instrument does not have",
    "unknown_department": "a department that is not on the distribution list",
    "duplicate_return": "a second return from the same department",
    "negative_quantity": "a negative number where a quantity or amount is asked",
    "implausible_quantity": "a number far larger than any department buys (check the unit)",
    "formula_not_calculated": "a formula without a saved result (open and save in Excel)",
    "formula": "an answer given as a formula; its saved result is used (check it)",
    "row_not_read": "a filled-in row without a question id (e.g. a total under the table)",
    "cell_not_read": "a filled-in cell outside the survey's columns",
    "sheet_not_read": "a sheet the survey does not have, with something in it",
    "unreadable_file": "a returned file that cannot be read (the others are still read)",
}

#: Largest plausible answer per unit for one department in one year; a larger
#: number is flagged ``implausible_quantity`` (usually a wrong unit or a typo).
PLAUSIBLE_MAX: dict[str, float] = {
    "USD": 2e9,
    "count": 1e5,
    "gal": 2e7,
    "liters": 8e7,
    "short tons": 2e6,
    "metric tons": 2e6,
    "lbs": 4e9,
    "kg": 2e9,
    "cubic yards": 2e6,
    "m3": 2e6,
    "reams": 1e6,
    "nights": 1e6,
    "kWh": 2e9,
    "miles": 1e8,
}

SURVEY_SHEET = "Survey"
DEPARTMENT_SHEET = "Department"
INSTRUCTIONS_SHEET = "Instructions"
#: Header of the Survey sheet (columns A..G); files this module writes add
#: ``required`` and ``help`` after them, which :func:`read_return` ignores.
SURVEY_HEADER = ("question_id", "category", "naics6", "question", "unit", "answer", "comment")
TIDY_COLUMNS = [
    "department",
    "question_id",
    "category",
    "naics6",
    "question",
    "unit",
    "answer",
    "value",
    "cell",
    "unit_cell",
    "comment",
    "file",
]


class InstrumentError(ValueError):
    """An instrument that cannot be used as it is (the message lists every problem)."""


class SurveyFileError(ValueError):
    """A returned file that cannot be read (the message names the file and what to do)."""


# ------------------------------------------------------------------ instrument


def _is_number_unit(unit: pd.Series) -> pd.Series:
    return unit.isin(NUMBER_UNITS)


def parse_skip_rule(rule: str) -> tuple[str, str] | None:
    """A ``skip_if`` rule as (question id, answer): skip the question when that answer was given.

    Parameters
    ----------
    rule : str
        ``"Q01=no"``, or blank for no rule.

    Returns
    -------
    tuple of str, or None
        ``(question id, answer in lower case)``; ``None`` for a blank rule.

    Raises
    ------
    ValueError
        The rule is not of the form ``QID=answer`` (the message is the rule).

    Examples
    --------
    >>> parse_skip_rule(" Q01 = No ")
    ('Q01', 'no')
    >>> parse_skip_rule("") is None
    True
    """
    rule = (rule or "").strip()
    if not rule:
        return None
    qid, sep, value = rule.partition("=")
    if not sep or not qid.strip() or not value.strip():
        raise ValueError(rule)
    return qid.strip(), value.strip().lower()


def canonical_answer(value: Any) -> str:
    """An answer as comparable text: numbers without trailing ``.0``, text lower-cased.

    Parameters
    ----------
    value : any
        An answer as read from a file or a form (text, number, bool, None/NaN).

    Returns
    -------
    str
        ``""`` for a missing answer, ``"yes"``/``"no"`` for booleans, numbers
        without a trailing ``.0``, text stripped and lower-cased.

    Examples
    --------
    >>> [canonical_answer(v) for v in (3.0, " Yes ", True, None)]
    ['3', 'yes', 'yes', '']
    >>> canonical_answer("2.50")
    '2.5'
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | float | np.integer | np.floating):
        f = float(value)
        return str(int(f)) if f.is_integer() else repr(f)
    text = str(value).strip().lower()
    try:
        f = float(text)
    except ValueError:
        return text
    return str(int(f)) if f.is_integer() else repr(f)


def _sef_codes() -> set[str]:
    return set(data.read_sef()["naics6"].astype(str))


@dataclass(frozen=True)
class Instrument:
    """A survey instrument: one row per question (columns :data:`COLUMNS`).

    Instruments are values: every edit returns a new, validated instrument,
    so the bundled one stays as it is.

    Attributes
    ----------
    questions : DataFrame
        ``question_id`` (e.g. ``Q07``), ``category``, ``naics6`` (factor code,
        6 digits or a 2-5 digit prefix, blank for general questions),
        ``question``, ``unit`` (one of :data:`UNITS`), ``required`` (bool),
        ``skip_if`` (blank or ``<question_id>=<answer>``), ``help_text``.
    name : str
        Shown in the files (e.g. ``"Spend survey FY2023"``).

    Examples
    --------
    >>> q = pd.DataFrame({"question_id": ["Q01", "Q02"], "category": ["general"] * 2,
    ...     "naics6": ["", ""], "question": ["Do you hold a P-card?", "P-card spend"],
    ...     "unit": ["yes/no", "USD"], "required": [1, 1], "skip_if": ["", "Q01=no"],
    ...     "help_text": ["Answer yes or no.", "Whole dollars."]})
    >>> inst = Instrument(q, factor_codes=set())
    >>> len(inst), inst.validate()
    (2, [])
    >>> inst.skipped_by("Q01")
    ['Q02']
    """

    questions: pd.DataFrame = field(repr=False)
    name: str = "Department spend survey"
    factor_codes: frozenset[str] | set[str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        q = self.questions.copy()
        missing = [c for c in ("question_id", "question", "unit") if c not in q.columns]
        if missing:
            raise InstrumentError(
                f"The instrument has no column {', '.join(repr(c) for c in missing)}. "
                f"An instrument has the columns {', '.join(COLUMNS)}."
            )
        for col in COLUMNS:
            if col not in q.columns:
                q[col] = 0 if col == "required" else ""
        text_cols = [c for c in COLUMNS if c != "required"]
        q[text_cols] = q[text_cols].fillna("").astype(str).apply(lambda s: s.str.strip())
        q["naics6"] = q["naics6"].str.replace(r"\.0$", "", regex=True)
        req = q["required"].map(canonical_answer)
        bad_req = ~req.isin(["1", "0", "yes", "no", "true", "false", ""])
        if bad_req.any():
            rows = q.loc[bad_req, "question_id"].tolist()
            raise InstrumentError(
                f"Column 'required' must be 1/0 (or yes/no); check question(s) {', '.join(rows)}."
            )
        q["required"] = req.isin(["1", "yes", "true"])
        q = q[list(COLUMNS) + [c for c in q.columns if c not in COLUMNS]].reset_index(drop=True)
        codes = frozenset(self.factor_codes) if self.factor_codes is not None else None
        object.__setattr__(self, "questions", q)
        object.__setattr__(self, "factor_codes", codes)
        problems = self.validate()
        if problems:
            raise InstrumentError("The instrument has problems:\n- " + "\n- ".join(problems))

    # -------------------------------------------------------------- basics

    def __len__(self) -> int:
        return len(self.questions)

    @property
    def question_ids(self) -> list[str]:
        """Question ids in order.

        Returns
        -------
        list of str

        Examples
        --------
        >>> inst = load_instrument()
        >>> inst.question_ids[:3]
        ['Q01', 'Q02', 'Q03']
        """
        return self.questions["question_id"].tolist()

    def _repr_html_(self) -> str:
        return (
            f"<p><b>{html.escape(self.name)}</b>: {len(self)} questions</p>"
            + self.questions.to_html(index=False)
        )

    def validate(self, factor_codes: Iterable[str] | None = None) -> list[str]:
        """Every problem of the instrument, in plain language (empty when it is fine).

        Checks: ids unique and filled in; every question has a category, text,
        a known unit and help text; factor codes are 6 digits in the factor
        table (or a 2-5 digit prefix of codes in it); skip rules name an
        earlier question and one of its possible answers.

        Parameters
        ----------
        factor_codes : iterable of str, optional
            Valid NAICS-6 factor codes (default: the instrument's, else the
            EPA SEF v1.3 table).

        Returns
        -------
        list of str
            One message per problem.

        Examples
        --------
        >>> inst = load_instrument()
        >>> inst.validate()
        []
        """
        q = self.questions
        out: list[str] = []
        ids = q["question_id"]
        if (ids == "").any():
            out.append(f"{int((ids == '').sum())} question(s) have no question_id.")
        dup = ids[ids.duplicated() & (ids != "")].unique().tolist()
        if dup:
            out.append(f"question_id used twice: {', '.join(dup)} (ids must be unique).")
        for col, what in (
            ("question", "question text"),
            ("category", "category"),
            ("help_text", "plain-language help text"),
        ):
            empty = ids[q[col] == ""].tolist()
            if empty:
                out.append(f"{', '.join(empty)}: no {what}; write one.")
        bad_unit = q.loc[~q["unit"].isin(UNITS), ["question_id", "unit"]]
        for qid, unit in bad_unit.itertuples(index=False):
            out.append(
                f"{qid}: unit {unit!r} is not one the forms know; use one of {', '.join(UNITS)}."
            )
        codes = q.loc[q["naics6"] != "", ["question_id", "naics6"]]
        not_digits = codes[~codes["naics6"].str.fullmatch(r"\d{2,6}")]
        for qid, code in not_digits.itertuples(index=False):
            out.append(f"{qid}: factor code {code!r} must be 2 to 6 digits (a NAICS code).")
        codes = codes[codes["naics6"].str.fullmatch(r"\d{2,6}")]
        if len(codes):
            valid = (
                set(factor_codes)
                if factor_codes is not None
                else (set(self.factor_codes) if self.factor_codes is not None else _sef_codes())
            )
            if valid:
                prefixes = {c[:n] for c in valid for n in range(2, 6)}
                for qid, code in codes.itertuples(index=False):
                    ok = code in valid if len(code) == 6 else code in prefixes
                    if not ok:
                        out.append(
                            f"{qid}: factor code {code} is not in the emission factor table "
                            "(EPA SEF v1.3, NAICS-6); look the code up with "
                            "factors.lookup or use a shorter prefix."
                        )
        position = {qid: i for i, qid in enumerate(ids)}
        units = dict(zip(ids, q["unit"], strict=True))
        for i, (qid, rule) in enumerate(zip(ids, q["skip_if"], strict=True)):
            try:
                parsed = parse_skip_rule(rule)
            except ValueError:
                out.append(f"{qid}: skip rule {rule!r} must look like 'Q01=no'.")
                continue
            if parsed is None:
                continue
            other, value = parsed
            if other not in position:
                out.append(
                    f"{qid}: skip rule {rule!r} names {other}, which is not in the instrument."
                )
            elif position[other] >= i:
                out.append(f"{qid}: skip rule {rule!r} must name an earlier question.")
            elif units[other] in CHOICES and value not in CHOICES[units[other]]:
                out.append(
                    f"{qid}: skip rule {rule!r}: {other} is answered "
                    f"{'/'.join(CHOICES[units[other]])}, never {value!r}."
                )
            elif units[other] in NUMBER_UNITS and not re.fullmatch(r"-?\d+(\.\d+)?", value):
                out.append(
                    f"{qid}: skip rule {rule!r}: {other} is a number, so compare with a number."
                )
        return out

    # --------------------------------------------------------------- edits

    def _new(self, questions: pd.DataFrame, name: str | None = None) -> Instrument:
        return Instrument(questions, name or self.name, self.factor_codes)

    def select(
        self, question_ids: Sequence[str] | None = None, categories: Sequence[str] | None = None
    ) -> Instrument:
        """Keep only these questions and/or categories (instrument order is kept).

        Skip rules that name a dropped question are removed (the question is
        then always asked).

        Parameters
        ----------
        question_ids : list of str, optional
            Questions to keep.
        categories : list of str, optional
            Categories to keep.

        Returns
        -------
        Instrument

        Examples
        --------
        >>> inst = load_instrument()
        >>> inst.select(["Q01", "Q02"]).question_ids
        ['Q01', 'Q02']
        """
        q = self.questions
        keep = pd.Series(True, index=q.index)
        if question_ids is not None:
            self._known(question_ids)
            keep &= q["question_id"].isin(question_ids)
        if categories is not None:
            self._known_categories(categories)
            keep &= q["category"].isin(categories)
        return self._new(_drop_dangling_skips(q[keep]))

    def drop(
        self, question_ids: Sequence[str] | str = (), categories: Sequence[str] | str = ()
    ) -> Instrument:
        """Remove questions by id and/or whole categories.

        Parameters
        ----------
        question_ids : str or list of str
            Questions to remove.
        categories : str or list of str
            Categories to remove.

        Returns
        -------
        Instrument

        Examples
        --------
        >>> inst = load_instrument()
        >>> len(inst.drop(categories=["construction materials"]))
        18
        """
        question_ids = [question_ids] if isinstance(question_ids, str) else list(question_ids)
        categories = [categories] if isinstance(categories, str) else list(categories)
        self._known(question_ids)
        self._known_categories(categories)
        q = self.questions
        gone = q["question_id"].isin(question_ids) | q["category"].isin(categories)
        return self._new(_drop_dangling_skips(q[~gone]))

    def add_question(
        self,
        question_id: str,
        question: str,
        unit: str,
        *,
        category: str,
        help_text: str,
        naics6: str = "",
        required: bool = False,
        skip_if: str = "",
        after: str | None = None,
    ) -> Instrument:
        """A new instrument with one more question (at the end, or ``after`` a question id).

        Parameters
        ----------
        question_id, question, unit : str
            The new question's id, text and unit.
        category, help_text : str
            Its category and the help shown to the respondent.
        naics6 : str
            The factor code its answer informs.
        required : bool
            Whether an answer is required.
        skip_if : str
            A skip rule (``"Q01=no"``).
        after : str, optional
            Insert after this question (default: at the end).

        Returns
        -------
        Instrument
            A new instrument (this one is unchanged).

        Examples
        --------
        >>> inst = load_instrument()  # doctest: +SKIP
        >>> inst.add_question("Q22", "Crushed stone and gravel purchased", "short tons",
        ...     category="construction materials", naics6="212319",
        ...     help_text="Tons on the delivery tickets.")  # doctest: +SKIP
        """
        row = pd.DataFrame(
            [
                {
                    "question_id": question_id,
                    "category": category,
                    "naics6": str(naics6 or ""),
                    "question": question,
                    "unit": unit,
                    "required": int(bool(required)),
                    "skip_if": skip_if,
                    "help_text": help_text,
                }
            ]
        )
        q = self.questions
        if after is None:
            pos = len(q)
        else:
            self._known([after])
            pos = int(np.flatnonzero(q["question_id"].to_numpy() == after)[0]) + 1
        return self._new(pd.concat([q.iloc[:pos], row, q.iloc[pos:]], ignore_index=True))

    def for_department(
        self,
        lines: pd.DataFrame,
        department: str,
        *,
        always: Sequence[str] = ("general", "fleet", "fuel", "contracts", "suppliers"),
        min_spend: float = 0.0,
    ) -> Instrument:
        """The questions worth asking one department, judged from its ledger spend.

        Keeps the questions of the ``always`` categories and the questions
        without a factor code; keeps a coded question when the department's
        included ledger spend under that code (prefix match) is more than
        ``min_spend``. The ledger is a guide only: it misses what another
        department pays for, so check the result by hand.

        Parameters
        ----------
        lines : DataFrame
            Inventory lines (``department``, ``status``, ``naics6``, ``amount``),
            e.g. ``inventory.member_inventory(member).lines``.
        department : str
            A department name as in the ledger.

        Returns
        -------
        Instrument

        Examples
        --------
        >>> inst = load_instrument()
        >>> lines = pd.DataFrame({"department": ["Public Works", "Library"], "status": "included",
        ...                       "naics6": ["327320", "323111"], "amount": [5e5, 2e3]})
        >>> len(inst), len(inst.for_department(lines, "Library"))
        (21, 8)
        """
        _need(lines, ("department", "status", "naics6", "amount"), "inventory lines")
        known = set(lines["department"].dropna().unique())
        if department not in known:
            raise KeyError(
                f"No department {department!r} in the ledger; departments: {', '.join(sorted(known))}."
            )
        spend = _ledger_spend(lines[lines["department"] == department], self.questions)
        q = self.questions
        keep = (
            q["category"].isin(always)
            | (q["naics6"] == "")
            | (q["question_id"].map(spend).fillna(0.0) > min_spend)
        )
        return self._new(_drop_dangling_skips(q[keep]), f"{self.name}: {department}")

    def skipped_by(self, question_id: str) -> list[str]:
        """Questions whose skip rule depends on ``question_id``.

        Parameters
        ----------
        question_id : str
            A question id.

        Returns
        -------
        list of str

        Examples
        --------
        >>> inst = load_instrument()
        >>> inst.skipped_by("Q03")
        ['Q04', 'Q05']
        """
        return self.questions.loc[
            self.questions["skip_if"].str.split("=").str[0].str.strip() == question_id,
            "question_id",
        ].tolist()

    def _known(self, ids: Iterable[str]) -> None:
        unknown = [i for i in ids if i not in set(self.question_ids)]
        if unknown:
            raise KeyError(
                f"No question {', '.join(unknown)} in the instrument; its ids are "
                f"{', '.join(self.question_ids)}."
            )

    def _known_categories(self, cats: Iterable[str]) -> None:
        have = self.questions["category"].unique().tolist()
        unknown = [c for c in cats if c not in have]
        if unknown:
            raise KeyError(
                f"No category {', '.join(repr(c) for c in unknown)}; categories: "
                f"{', '.join(repr(c) for c in have)}."
            )

    # --------------------------------------------------------------- files

    def to_csv(self, path: str | os.PathLike) -> Path:
        """Write the instrument as CSV (the layout :func:`load_instrument` reads).

        Parameters
        ----------
        path : path-like
            The file to write.

        Returns
        -------
        Path

        Examples
        --------
        >>> import tempfile
        >>> inst = load_instrument()
        >>> p = inst.to_csv(tempfile.mkdtemp() + "/instrument.csv")
        >>> len(load_instrument(p)) == len(inst)
        True
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        out = self.questions.assign(required=self.questions["required"].astype(int))
        safe_files.write_csv(out, path, lineterminator="\n")
        return path

    def to_yaml(self, path: str | os.PathLike) -> Path:
        """Write the instrument as YAML (``name`` and a list of ``questions``).

        Parameters
        ----------
        path : path-like
            The file to write.

        Returns
        -------
        Path

        Examples
        --------
        >>> import tempfile
        >>> inst = load_instrument()
        >>> p = inst.to_yaml(tempfile.mkdtemp() + "/instrument.yaml")
        >>> load_instrument(p).question_ids == inst.question_ids
        True
        """
        import yaml

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        records = self.questions.assign(required=self.questions["required"].astype(bool))
        doc = {"name": self.name, "questions": records.to_dict(orient="records")}
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path


def _drop_dangling_skips(q: pd.DataFrame) -> pd.DataFrame:
    q = q.copy()
    target = q["skip_if"].str.split("=").str[0].str.strip()
    q.loc[(q["skip_if"] != "") & ~target.isin(q["question_id"]), "skip_if"] = ""
    return q.reset_index(drop=True)


def _need(frame: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise KeyError(f"The {what} have no column {', '.join(repr(c) for c in missing)}.")


def load_instrument(
    path: str | os.PathLike | None = None, *, factor_codes: Iterable[str] | None = None
) -> Instrument:
    """Read an instrument from CSV or YAML (default: the bundled ``survey/instrument.csv``).

    Parameters
    ----------
    path : path, optional
        A ``.csv`` with the columns :data:`COLUMNS`, or a ``.yaml``/``.yml``
        file with ``name`` and ``questions`` (a list of mappings with the same
        keys).
    factor_codes : iterable of str, optional
        Valid factor codes (default: the EPA SEF v1.3 table).

    Returns
    -------
    Instrument
        Validated (see :meth:`Instrument.validate`).

    Raises
    ------
    InstrumentError
        Listing every problem (unknown unit, factor code not in the table,
        a skip rule naming a later question ...).

    Examples
    --------
    >>> inst = load_instrument()
    >>> inst.questions.loc[inst.questions.question_id == "Q06", "naics6"].item()
    '324121'
    """
    p = Path(path) if path is not None else paths.datasets_dir() / "survey" / "instrument.csv"
    if not p.is_file():
        raise FileNotFoundError(f"No instrument file {p}. Pass the path of a CSV or YAML file.")
    name = "Department spend survey"
    if p.suffix.lower() in (".yaml", ".yml"):
        import yaml

        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        if not isinstance(doc, dict) or not isinstance(doc.get("questions"), list):
            raise InstrumentError(f"{p.name}: a YAML instrument needs a list under 'questions:'.")
        name = str(doc.get("name") or name)
        q = pd.DataFrame(doc["questions"])
    else:
        q = pd.read_csv(p, dtype=str, keep_default_na=False).map(safe_files.restore_text)
    codes = set(factor_codes) if factor_codes is not None else _sef_codes()
    try:
        return Instrument(q, name, codes)
    except InstrumentError as exc:
        raise InstrumentError(f"{p.name}: {exc}") from None


# ------------------------------------------------------------ ledger helpers


def _ledger_spend(lines: pd.DataFrame, questions: pd.DataFrame, by_department: bool = False):
    """Included ledger spend per question (prefix match of the question's code)."""
    inc = lines[lines["status"].eq("included") & lines["naics6"].notna()]
    coded = questions.loc[questions["naics6"] != "", ["question_id", "naics6"]]
    if coded.empty or inc.empty:
        return pd.Series(dtype=float) if not by_department else pd.DataFrame()
    keys = ["department"] if by_department else []
    by_code = inc.groupby([*keys, "naics6"], observed=True)["amount"].sum().reset_index()
    parts = []
    for qid, code in coded.itertuples(index=False):  # one pass per question, not per line
        hit = by_code[by_code["naics6"].astype(str).str.startswith(code)]
        part = hit.groupby(keys)["amount"].sum() if keys else pd.Series({0: hit["amount"].sum()})
        parts.append(part.rename(qid))
    table = pd.concat(parts, axis=1).fillna(0.0)
    return table if by_department else table.iloc[0]


def ledger_blind_spots(lines: pd.DataFrame) -> pd.DataFrame:
    """Per department: what the ledger shows, and what it hides.

    Parameters
    ----------
    lines : DataFrame
        Inventory lines (``department``, ``status``, ``amount``, ``mcc``,
        ``confidence``), e.g. ``inventory.member_inventory(member).lines``.

    Returns
    -------
    DataFrame
        One row per department, largest first: ``spend`` (included and
        unclassified purchases), ``pcard_spend`` (lines with a merchant
        category code: card buys, memo-poor), ``pcard_share``,
        ``low_confidence_share`` (share of the spend classified with
        confidence below 0.7 or not at all) and ``central`` (True for
        departments that pay for others: non-departmental, capital projects,
        finance).

    Examples
    --------
    >>> lines = pd.DataFrame({"department": ["Police", "Police"], "status": ["included"] * 2,
    ...     "amount": [900.0, 100.0], "mcc": [None, "5411"], "confidence": [0.9, 0.5]})
    >>> ledger_blind_spots(lines)[["pcard_share", "low_confidence_share"]].iloc[0].tolist()
    [0.1, 0.1]
    """
    _need(lines, ("department", "status", "amount"), "inventory lines")
    buy = lines[lines["status"].isin(["included", "unclassified"])]
    mcc = buy["mcc"] if "mcc" in buy.columns else pd.Series(pd.NA, index=buy.index)
    conf = buy["confidence"] if "confidence" in buy.columns else pd.Series(1.0, index=buy.index)
    low = buy["status"].eq("unclassified") | conf.fillna(0).lt(0.7)
    t = pd.DataFrame(
        {
            "department": buy["department"].fillna("(no department)"),
            "spend": buy["amount"],
            "pcard_spend": buy["amount"].where(mcc.notna() & mcc.astype(str).ne(""), 0.0),
            "low": buy["amount"].where(low, 0.0),
        }
    )
    g = t.groupby("department").sum()
    g["pcard_share"] = (g["pcard_spend"] / g["spend"]).fillna(0.0)
    g["low_confidence_share"] = (g["low"] / g["spend"]).fillna(0.0)
    g["central"] = g.index.str.contains(
        r"non-?departmental|capital projects|finance|general government", case=False, regex=True
    )
    return g.drop(columns="low").sort_values("spend", ascending=False)


def survey_departments(lines: pd.DataFrame, top: int = 8) -> list[str]:
    """The departments to survey: the ``top`` operating departments by ledger spend.

    Central accounts (non-departmental, capital projects, finance) are left
    out: nobody there knows what the other departments bought.

    Parameters
    ----------
    lines : DataFrame
        Ledger lines with ``department`` and ``amount``.
    top : int
        How many departments.

    Returns
    -------
    list of str
        Largest spend first.

    Examples
    --------
    >>> lines = pd.DataFrame({"department": ["Fire", "Library", "Fire"], "amount": [50.0, 80.0, 40.0],
    ...                       "status": "included"})
    >>> survey_departments(lines, top=1)
    ['Fire']
    """
    spots = ledger_blind_spots(lines)
    return spots[~spots["central"]].head(top).index.tolist()


# ----------------------------------------------------------- files to send


def returns_folder(member: str) -> Path:
    """Where a member's returned workbooks live (``datasets/survey/returns/<member>``).

    Parameters
    ----------
    member : str
        Member slug.

    Returns
    -------
    Path

    Examples
    --------
    >>> returns_folder("cedar_valley").name
    'cedar_valley'
    """
    return paths.datasets_dir() / "survey" / "returns" / member


def has_returns(member: str) -> bool:
    """True when the bundled cohort holds returned survey files for ``member``.

    Parameters
    ----------
    member : str
        Member slug.

    Returns
    -------
    bool

    Examples
    --------
    >>> has_returns("cedar_valley"), has_returns("no_such_member")
    (True, False)
    """
    folder = returns_folder(member)
    return folder.is_dir() and any(folder.glob("*.xlsx"))


def read_distribution(folder: str | os.PathLike) -> pd.DataFrame:
    """The distribution list of a survey round (``distribution.csv``), or an empty table.

    Columns ``department``, ``contact``, ``email``, ``sent``, ``due``,
    ``returned`` (True/False), ``file``.

    Parameters
    ----------
    folder : path-like
        The folder :func:`write_department_files` wrote.

    Returns
    -------
    DataFrame
        One row per department sent a file (empty without ``distribution.csv``).

    Examples
    --------
    >>> import tempfile
    >>> read_distribution(tempfile.mkdtemp()).empty
    True
    """
    p = Path(folder) / "distribution.csv"
    cols = ["department", "contact", "email", "sent", "due", "returned", "file"]
    if not p.is_file():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    d = pd.read_csv(p, dtype=str, keep_default_na=False).map(safe_files.restore_text)
    _need(d, ("department",), f"distribution list {p}")
    for c in cols:
        if c not in d.columns:
            d[c] = ""
    d["returned"] = d["returned"].str.strip().str.lower().isin(["yes", "y", "true", "1"])
    return d[cols]


def _slug(text: str) -> str:
    return re.sub(r"_+", "_", "".join(c.lower() if c.isalnum() else "_" for c in text)).strip("_")


def file_stem(member: str, fiscal_year: int, department: str) -> str:
    """``<member>_survey_FY<year>_<department>``, the name the returned files use.

    Parameters
    ----------
    member : str
        Member slug.
    fiscal_year : int
        Fiscal year.
    department : str
        Department name (slugified).

    Returns
    -------
    str

    Examples
    --------
    >>> file_stem("cedar_valley", 2023, "Parks & Recreation")
    'cedar_valley_survey_FY2023_parks_recreation'
    """
    return f"{member}_survey_FY{fiscal_year}_{_slug(department)}"


def _skip_text(rule: str) -> str:
    parsed = parse_skip_rule(rule)
    return f"Leave blank if {parsed[0]} is '{parsed[1]}'." if parsed else ""


def _hint(row: pd.Series) -> str:
    unit = row["unit"]
    what = (
        f"Answer {' or '.join(CHOICES[unit])}."
        if unit in CHOICES
        else ("Free text." if unit == "text" else f"A number, in {unit}.")
    )
    parts = [row["help_text"], what, _skip_text(row["skip_if"])]
    return " ".join(p for p in parts if p)


def _unit_options(unit: str) -> list[str]:
    return [unit] + [given for (u, given) in UNIT_CONVERSIONS if u == unit]


def write_workbook(
    instrument: Instrument,
    department: str,
    path: str | os.PathLike,
    *,
    member: str = "",
    fiscal_year: int | None = None,
    due: str | date | None = None,
    contact_line: str = "",
    respondent: str = "",
    email: str = "",
    answers: pd.DataFrame | Mapping[str, Any] | None = None,
    unit_choices: bool = True,
    password: str | None = None,
) -> Path:
    """Write the survey workbook for one department (the layout :func:`read_return` reads).

    Sheets: **Instructions** (protected: how to answer, the due date, whom
    to ask), **Survey** (header ``question_id, category, naics6, question,
    unit, answer, comment`` then ``required``, ``help``; one row per
    question; only the answer, comment and unit cells can be edited; a
    drop-down list in every yes/no answer cell and unit cell, a number
    check in every number cell, the help text as the cell's prompt) and
    **Department** (``field, value``: department, contact, email, date,
    fiscal_year, member).

    Parameters
    ----------
    instrument : Instrument
    department : str
    path : path
        The ``.xlsx`` file to write (folders are created).
    member, fiscal_year, due, contact_line : optional
        Shown in the instructions; ``contact_line`` is whom to ask, e.g.
        ``"Questions: Dana Ortiz, Sustainability Office, ext. 4412"``.
    respondent, email : str
        Pre-filled on the Department sheet (the department's contact).
    answers : DataFrame or mapping, optional
        Pre-filled answers (``question_id`` -> answer, or a table with
        ``question_id`` and ``answer``), e.g. from the live form.
    unit_choices : bool
        Offer the instrument unit and the units it converts from (lbs for
        short tons ...) in a drop-down; ``False`` locks the unit cells.
    password : str, optional
        Sheet-protection password (protection without one stops accidental
        edits, which is the point).

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile
    >>> p = write_workbook(load_instrument(), "Library", tempfile.mkdtemp() + "/library.xlsx",
    ...                    member="cedar_valley", fiscal_year=2023)
    >>> len(read_return(p))
    21
    """
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    given = _answers_mapping(answers)
    q = instrument.questions
    wb = openpyxl.Workbook()

    # Instructions (protected)
    ins = wb.active
    ins.title = INSTRUCTIONS_SHEET
    title = f"{instrument.name} - {department}"
    lines = [
        title,
        f"{member} fiscal year {fiscal_year}" if member or fiscal_year else "",
        f"Please return this workbook by {due}." if due else "",
        "",
        "How to answer",
        "1. Go to the sheet 'Survey'. Answer in column F ('answer'), one answer per row.",
        "2. Numbers only in number cells: no words, no currency signs, no 'approx'. "
        "If you only have an estimate, give the number and say so in 'comment'.",
        "3. Keep the unit in column E. If you only have another unit, pick it from the "
        "drop-down list; do not convert in your head.",
        "4. Questions marked 'required' need an answer. A question that says "
        "'Leave blank if ...' can stay empty in that case.",
        "5. Fill in the sheet 'Department' (your name, e-mail, the date).",
        "",
        contact_line or "Questions: ask the sustainability coordinator who sent you this file.",
    ]
    for text in lines:
        ins.append([text])
    ins["A1"].font = Font(bold=True, size=14)
    ins["A5"].font = Font(bold=True)
    ins.column_dimensions["A"].width = 110
    ins.protection.sheet = True
    if password:
        ins.protection.password = password

    # Survey
    ws = wb.create_sheet(SURVEY_SHEET)
    ws.append([*SURVEY_HEADER, "required", "help"])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDDDDD")
    open_fill = PatternFill("solid", fgColor="FFF7D6")
    choice_dv: dict[str, DataValidation] = {}
    for unit, opts in CHOICES.items():
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(opts) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Pick from the list",
            error=f"Answer {' or '.join(opts)}.",
        )
        choice_dv[unit] = dv
        ws.add_data_validation(dv)
    number_dv = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="A number, please",
        error="Type a number only (no words or currency signs); put remarks in 'comment'.",
        showInputMessage=True,
        promptTitle="Number",
        prompt="A number in the unit of column E.",
    )
    ws.add_data_validation(number_dv)
    unit_dvs: dict[str, DataValidation] = {}
    for i, row in enumerate(q.itertuples(index=False), start=2):
        r = row._asdict()
        answer = given.get(r["question_id"])
        unit_cell = given.get(("unit", r["question_id"]), r["unit"])
        ws.append(
            [
                r["question_id"],
                r["category"],
                r["naics6"] or None,
                r["question"],
                unit_cell,
                answer,
                given.get(("comment", r["question_id"])),
                "required" if r["required"] else "",
                _hint(pd.Series(r)),
            ]
        )
        f_cell, g_cell, e_cell = ws.cell(i, 6), ws.cell(i, 7), ws.cell(i, 5)
        for c in (f_cell, g_cell):
            c.protection = Protection(locked=False)
            c.fill = open_fill
        ws.cell(i, 9).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(i, 4).alignment = Alignment(wrap_text=True, vertical="top")
        if r["unit"] in CHOICES:
            choice_dv[r["unit"]].add(f_cell.coordinate)
        elif r["unit"] in NUMBER_UNITS:
            number_dv.add(f_cell.coordinate)
            options = _unit_options(r["unit"])
            if unit_choices and len(options) > 1:
                key = ",".join(options)
                if key not in unit_dvs:
                    unit_dvs[key] = DataValidation(
                        type="list",
                        formula1=f'"{key}"',
                        allow_blank=False,
                        showErrorMessage=True,
                        error=f"Pick one of: {', '.join(options)}.",
                    )
                    ws.add_data_validation(unit_dvs[key])
                unit_dvs[key].add(e_cell.coordinate)
                e_cell.protection = Protection(locked=False)
    for col, w in zip("ABCDEFGHI", (12, 22, 9, 60, 14, 24, 30, 10, 60), strict=True):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    if password:
        ws.protection.password = password

    # Department
    ds = wb.create_sheet(DEPARTMENT_SHEET)
    ds.append(["field", "value"])
    for k, v in (
        ("department", department),
        ("contact", respondent or None),
        ("email", email or None),
        ("date", None),
        ("fiscal_year", fiscal_year),
        ("member", member or None),
    ):
        ds.append([k, v])
    ds.cell(5, 2).number_format = "yyyy-mm-dd"
    for r in (3, 4, 5):
        ds.cell(r, 2).protection = Protection(locked=False)
        ds.cell(r, 2).fill = open_fill
    ds.column_dimensions["A"].width = 14
    ds.column_dimensions["B"].width = 40
    ds.protection.sheet = True
    wb.active = 0
    # department, contact, question texts and answers come from outside: no live formulas
    safe_files.neutralise_workbook(wb)
    with safe_files.atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _answers_mapping(answers: pd.DataFrame | Mapping[str, Any] | None) -> dict:
    if answers is None:
        return {}
    if isinstance(answers, Mapping):
        return dict(answers)
    _need(answers, ("question_id", "answer"), "answers")
    out: dict = {}
    for rec in answers.to_dict(orient="records"):
        a = rec.get("answer")
        out[rec["question_id"]] = None if a is None or (isinstance(a, float) and np.isnan(a)) else a
        if rec.get("unit_given"):
            out[("unit", rec["question_id"])] = rec["unit_given"]
        if rec.get("comment"):
            out[("comment", rec["question_id"])] = rec["comment"]
    return out


_HTML_SCRIPT = r"""
function skipState() {
  document.querySelectorAll('[data-skip-q]').forEach(function (row) {
    var ctl = document.getElementById(row.dataset.skipQ);
    var v = ctl ? String(ctl.value).trim().toLowerCase() : '';
    var hide = v !== '' && (v === row.dataset.skipV || Number(v) === Number(row.dataset.skipV));
    row.style.display = hide ? 'none' : '';
    row.querySelectorAll('input,select').forEach(function (el) {
      if (hide) { el.value = ''; }
      el.required = !hide && row.dataset.required === '1';
    });
  });
}
function download() {
  var form = document.getElementById('survey');
  if (!form.reportValidity()) { return; }
  var rows = [['department', 'question_id', 'unit', 'answer', 'comment']];
  document.querySelectorAll('[data-qid]').forEach(function (row) {
    var el = document.getElementById(row.dataset.qid);
    rows.push([DEPARTMENT, row.dataset.qid, row.dataset.unit, el.value, '']);
  });
  var csv = rows.map(function (r) {
    return r.map(function (x) { return '"' + String(x).replace(/"/g, '""') + '"'; }).join(',');
  }).join('\n');
  var a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([csv], {type: 'text/csv'}));
  a.download = FILENAME;
  a.click();
}
document.addEventListener('input', skipState);
document.addEventListener('change', skipState);
window.addEventListener('load', skipState);
"""


def write_html_form(
    instrument: Instrument,
    department: str,
    path: str | os.PathLike,
    *,
    member: str = "",
    fiscal_year: int | None = None,
    due: str | date | None = None,
    contact_line: str = "",
) -> Path:
    """Write the survey as a static web form for one department (one HTML file, no server).

    Each question shows its help text and unit; yes/no questions are
    drop-downs, number questions accept numbers only, required questions are
    marked; a question with a skip rule disappears when the rule applies.
    The button *Download answers* saves ``<file stem>_form.csv``
    (``department, question_id, unit, answer, comment``), which
    :func:`read_return` and :func:`ingest_returns` read like a workbook.

    Parameters
    ----------
    instrument : Instrument
        The questions.
    department : str
        Who the form is for.
    path : path-like
        The HTML file to write.
    member, fiscal_year, due, contact_line
        Shown on the form.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile
    >>> page = write_html_form(load_instrument(), "Library", tempfile.mkdtemp() + "/form.html")
    >>> page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    esc = safe_files.html_text  # text from the instrument and the distribution list: escaped
    rows = []
    for r in instrument.questions.to_dict(orient="records"):
        qid, unit = esc(r["question_id"]), r["unit"]
        req = ' <span class="req">required</span>' if r["required"] else ""
        if unit in CHOICES:
            opts = "".join(
                f'<option value="{esc(o)}">{esc(o)}</option>' for o in ("", *CHOICES[unit])
            )
            field_html = f'<select id="{qid}" name="{qid}">{opts}</select>'
        elif unit in NUMBER_UNITS:
            field_html = (
                f'<input id="{qid}" name="{qid}" type="number" min="0" step="any" '
                f'inputmode="decimal"> <span class="unit">{esc(unit)}</span>'
            )
        else:
            field_html = f'<input id="{qid}" name="{qid}" type="text" size="60">'
        parsed = parse_skip_rule(r["skip_if"])
        skip = f' data-skip-q="{esc(parsed[0])}" data-skip-v="{esc(parsed[1])}"' if parsed else ""
        rows.append(
            f'<div class="q" data-qid="{qid}" data-unit="{esc(unit)}" '
            f'data-required="{int(r["required"])}"{skip}>'
            f'<label for="{qid}"><b>{qid}</b> {esc(r["question"])}{req}</label><br>'
            f'{field_html}<div class="help">{esc(_hint(pd.Series(r)))}</div></div>'
        )
    filename = file_stem(member or "member", fiscal_year or 0, department) + "_form.csv"
    header = f"{esc(instrument.name)}: {esc(department)}"
    sub = " ".join(
        x
        for x in (
            esc(member),
            f"fiscal year {fiscal_year}" if fiscal_year else "",
            f"- please answer by {esc(str(due))}" if due else "",
        )
        if x
    )
    doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{header}</title>
<style>
body {{ font-family: sans-serif; max-width: 50em; margin: 2em auto; line-height: 1.4; }}
.q {{ margin: 1em 0; padding: .5em; border-left: 4px solid #3f90da; }}
.help {{ color: #555; font-size: .9em; }}
.req {{ color: #bd1f01; font-size: .8em; }}
</style></head>
<body>
<h1>{header}</h1>
<p>{sub}</p>
<p class="contact">{esc(contact_line or "Questions: ask the sustainability coordinator who sent you this form.")}</p>
<form id="survey" onsubmit="return false;">
{chr(10).join(rows)}
<button type="button" onclick="download()">Download answers</button>
</form>
<p>Send the downloaded file back by e-mail.</p>
<script>
var DEPARTMENT = {safe_files.script_json(department)};
var FILENAME = {safe_files.script_json(filename)};
{_HTML_SCRIPT}
</script>
</body></html>
"""
    safe_files.write_text(path, doc)
    return path


def write_department_files(
    instrument: Instrument | Mapping[str, Instrument],
    departments: Sequence[str],
    output_dir: str | os.PathLike,
    *,
    member: str,
    fiscal_year: int,
    due: str | date | None = None,
    sent: str | date | None = None,
    contact_line: str = "",
    contacts: pd.DataFrame | None = None,
    html_form: bool = True,
) -> pd.DataFrame:
    """Write a workbook (and a web form) per department, plus ``distribution.csv``.

    Parameters
    ----------
    instrument : Instrument or mapping department -> Instrument
        One instrument for all, or one per department (departments missing
        from the mapping are an error).
    departments : list of str
    output_dir : path
        Everything is written here.
    member, fiscal_year : used in file names (:func:`file_stem`) and texts.
    due, sent, contact_line : shown in the files and the distribution list.
    contacts : DataFrame, optional
        ``department``, ``contact``, ``email`` (e.g. a previous
        distribution list) to pre-fill the Department sheet.
    html_form : bool
        Also write the HTML form.

    Returns
    -------
    DataFrame
        ``department``, ``questions`` (number asked), ``workbook``, ``html_form`` (paths).

    Examples
    --------
    >>> import tempfile
    >>> t = write_department_files(load_instrument(), ["Library", "Fire"], tempfile.mkdtemp(),
    ...                            member="cedar_valley", fiscal_year=2023)
    >>> t.columns.tolist()
    ['department', 'questions', 'workbook', 'html_form']
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    who = {}
    if contacts is not None and len(contacts):
        who = contacts.set_index("department")[["contact", "email"]].to_dict(orient="index")
    rows, dist = [], []
    for dept in departments:
        if isinstance(instrument, Mapping):
            if dept not in instrument:
                raise KeyError(f"No instrument for department {dept!r}; add it to the mapping.")
            inst = instrument[dept]
        else:
            inst = instrument
        stem = file_stem(member, fiscal_year, dept)
        c = who.get(dept, {})
        wbk = write_workbook(
            inst,
            dept,
            out / f"{stem}.xlsx",
            member=member,
            fiscal_year=fiscal_year,
            due=due,
            contact_line=contact_line,
            respondent=c.get("contact", ""),
            email=c.get("email", ""),
        )
        form = (
            write_html_form(
                inst,
                dept,
                out / f"{stem}.html",
                member=member,
                fiscal_year=fiscal_year,
                due=due,
                contact_line=contact_line,
            )
            if html_form
            else None
        )
        rows.append((dept, len(inst), str(wbk), str(form) if form else ""))
        dist.append(
            (dept, c.get("contact", ""), c.get("email", ""), sent or "", due or "", "no", "")
        )
    safe_files.write_csv(
        pd.DataFrame(
            dist, columns=["department", "contact", "email", "sent", "due", "returned", "file"]
        ),
        out / "distribution.csv",
        lineterminator="\n",
    )
    return pd.DataFrame(rows, columns=["department", "questions", "workbook", "html_form"])


# ------------------------------------------------------------- collection


def _blank(answer: pd.Series) -> pd.Series:
    return answer.isna() | answer.map(lambda a: isinstance(a, str) and a.strip() == "")


def read_return(path: str | os.PathLike) -> pd.DataFrame:
    """Read one returned survey file into a tidy table, exactly as the respondent wrote it.

    Reads a workbook (sheets ``Survey`` and ``Department``; see
    ``datasets/README.md``) or the CSV the HTML form downloads.

    Parameters
    ----------
    path : path
        ``.xlsx`` workbook or ``_form.csv``.

    Returns
    -------
    DataFrame
        One row per question: ``department`` (from the Department sheet),
        ``question_id``, ``category``, ``naics6``, ``question``, ``unit``
        (the unit cell as written), ``answer`` (the raw cell value: number,
        text or None), ``value`` (the answer as a float when the cell holds a
        number, else NaN), ``cell`` (the answer cell, e.g. ``"F7"``),
        ``unit_cell`` (e.g. ``"E7"``), ``comment``, ``file`` (file name).
        Validation against the instrument is :func:`ingest_returns`' job.

    Raises
    ------
    SurveyFileError
        When the file is not a survey return (wrong sheets or header).

    Examples
    --------
    >>> t = read_return("datasets/survey/returns/cedar_valley/"
    ...                 "cedar_valley_survey_FY2023_police.xlsx")  # doctest: +SKIP
    >>> t.loc[t.question_id == "Q12", ["answer", "unit", "cell"]]  # doctest: +SKIP
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"No file {p}.")
    if p.suffix.lower() == ".csv":
        return _read_form_csv(p)
    if p.suffix.lower() not in (".xlsx", ".xlsm"):
        raise SurveyFileError(f"{p.name}: a survey return is an .xlsx workbook or a form .csv.")
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        wb = openpyxl.load_workbook(p, data_only=True, read_only=True)
        wf = openpyxl.load_workbook(p, data_only=False, read_only=True)
    except Exception as exc:  # zip/xml errors from a damaged or mislabelled file
        raise SurveyFileError(
            f"{p.name}: cannot be opened as an Excel workbook ({type(exc).__name__}). "
            "Ask the department to save it again as .xlsx."
        ) from None
    read_problems: list[dict] = []
    try:
        if SURVEY_SHEET not in wb.sheetnames:
            raise SurveyFileError(
                f"{p.name}: no sheet named '{SURVEY_SHEET}' (sheets: {', '.join(wb.sheetnames)}). "
                "Was the sheet renamed or deleted? Rename it back to 'Survey', or ask the "
                "department for the file again."
            )
        rows = [
            tuple(safe_files.restore_text(v) for v in r)
            for r in wb[SURVEY_SHEET].iter_rows(values_only=True)
        ]
        formulas: dict[tuple[int, int], str] = {}
        for r_i, row in enumerate(wf[SURVEY_SHEET].iter_rows(), start=1):
            for c_i, cell in enumerate(row, start=1):
                if getattr(cell, "data_type", None) == "f" and isinstance(cell.value, str):
                    formulas[(r_i, c_i)] = cell.value
        info: dict[str, Any] = {}
        if DEPARTMENT_SHEET in wb.sheetnames:
            for r in wb[DEPARTMENT_SHEET].iter_rows(min_row=2, values_only=True):
                if r and r[0] is not None:
                    info[str(safe_files.restore_text(r[0])).strip().lower()] = (
                        safe_files.restore_text(r[1]) if len(r) > 1 else None
                    )
        for name in wb.sheetnames:
            if name in (SURVEY_SHEET, DEPARTMENT_SHEET, INSTRUCTIONS_SHEET):
                continue
            filled = [v for r in wb[name].iter_rows(values_only=True) for v in r if _filled(v)]
            if filled:
                read_problems.append(
                    _read_problem(
                        p.name,
                        name,
                        "",
                        "sheet_not_read",
                        f"sheet '{name}' ({len(filled)} filled cell(s), e.g. "
                        f"{_quote(filled[0])}) is not part of the survey and was not read; "
                        "move answers into the sheet 'Survey'.",
                    )
                )
    finally:
        wb.close()
        wf.close()
    if not rows:
        raise SurveyFileError(f"{p.name}, sheet Survey: the sheet is empty.")
    header = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    missing = [h for h in ("question_id", "unit", "answer") if h not in header]
    if missing:
        raise SurveyFileError(
            f"{p.name}, sheet Survey, row 1: no column {', '.join(repr(m) for m in missing)} "
            f"(the header is {', '.join(h for h in header if h)}). "
            "Row 1 must be the header question_id | category | naics6 | question | unit | answer | comment."
        )
    col = {h: i for i, h in enumerate(header) if h}
    known_cols = {col[h] for h in (*SURVEY_HEADER, "required", "help") if h in col}
    a_letter = get_column_letter(col["answer"] + 1)
    u_letter = get_column_letter(col["unit"] + 1)

    def get(r: tuple, name: str) -> Any:
        i = col.get(name)
        return r[i] if i is not None and i < len(r) else None

    recs = []
    for n, r in enumerate(rows[1:], start=2):
        if r is None or not any(_filled(v) for v in r):
            continue
        qid = get(r, "question_id")
        for i, v in enumerate(r):
            if i not in known_cols and _filled(v):
                read_problems.append(
                    _read_problem(
                        p.name,
                        SURVEY_SHEET,
                        f"{get_column_letter(i + 1)}{n}",
                        "cell_not_read",
                        f"{_quote(v)} is outside the survey's columns and was not read; "
                        "put answers in column "
                        f"{a_letter} and remarks in 'comment'.",
                        question_id="" if qid is None else str(qid).strip(),
                    )
                )
        if qid is None or str(qid).strip() == "":
            shown = ", ".join(_quote(v) for v in r if _filled(v))
            read_problems.append(
                _read_problem(
                    p.name,
                    SURVEY_SHEET,
                    f"A{n}",
                    "row_not_read",
                    f"row {n} has no question id ({shown}) and was not read. If it answers "
                    "a question, put the answer in that question's row; if it is a total or a "
                    "note, delete it or move it to 'comment'.",
                )
            )
            continue
        formula = formulas.get((n, col["answer"] + 1))
        recs.append(
            {
                "question_id": str(qid).strip(),
                "category": get(r, "category") or "",
                "naics6": "" if get(r, "naics6") is None else str(get(r, "naics6")).strip(),
                "question": get(r, "question") or "",
                "unit": "" if get(r, "unit") is None else str(get(r, "unit")).strip(),
                "answer": get(r, "answer"),
                "cell": f"{a_letter}{n}",
                "unit_cell": f"{u_letter}{n}",
                "comment": get(r, "comment") or "",
                "formula": formula or "",
            }
        )
    dept = info.get("department")
    dept = str(dept).strip() if dept not in (None, "") else p.stem
    cols = [c for c in TIDY_COLUMNS if c not in ("department", "value", "file")]
    t = pd.DataFrame(recs, columns=[*cols, "formula"])
    t.insert(0, "department", dept)
    t["answer"] = t["answer"].astype(object).map(_raw)
    t.insert(t.columns.get_loc("cell"), "value", _number_value(t["answer"]))
    t["file"] = p.name
    for rp in read_problems:
        rp["department"] = dept
        rp["message"] = f"{dept}, " + rp["message"]
    t.attrs.update({k: v for k, v in info.items() if k != "department"})
    t.attrs["read_problems"] = read_problems
    return t[[*TIDY_COLUMNS, "formula"]]


def _filled(v: Any) -> bool:
    return v is not None and not (isinstance(v, str) and v.strip() == "")


def _read_problem(
    file: str, sheet: str, cell: str, issue: str, text: str, *, question_id: str = ""
) -> dict:
    where = f"file {file}, sheet {sheet}" + (f", cell {cell}" if cell else "")
    return {
        "department": "",
        "file": file,
        "sheet": sheet,
        "cell": cell,
        "question_id": question_id,
        "issue": issue,
        "message": f"{where}: {text}",
    }


def _raw(a: Any) -> Any:
    if isinstance(a, str):
        a = a.strip()
        return a if a else None
    if isinstance(a, datetime):
        return a.date().isoformat()
    if isinstance(a, bool):
        return "yes" if a else "no"
    return a


def _number_value(answer: pd.Series) -> pd.Series:
    return answer.map(
        lambda a: (
            float(a)
            if isinstance(a, int | float | np.integer | np.floating) and not isinstance(a, bool)
            else np.nan
        )
    ).astype(float)


def _read_form_csv(p: Path) -> pd.DataFrame:
    d = pd.read_csv(p, dtype=str, keep_default_na=False)
    missing = [c for c in ("department", "question_id", "answer") if c not in d.columns]
    if missing:
        raise SurveyFileError(
            f"{p.name}: no column {', '.join(missing)}; is this the file the web form downloaded?"
        )

    def num(s: str) -> Any:
        s = s.strip()
        if not s:
            return None
        try:
            f = float(s)
        except ValueError:
            return s
        return int(f) if f.is_integer() else f

    t = pd.DataFrame(
        {
            "department": d["department"].str.strip(),
            "question_id": d["question_id"].str.strip(),
            "category": "",
            "naics6": "",
            "question": "",
            "unit": d.get("unit", pd.Series("", index=d.index)).str.strip(),
            "answer": d["answer"].map(num).astype(object),
        }
    )
    t["value"] = _number_value(t["answer"])
    rows = [f"row {i}" for i in range(2, len(d) + 2)]
    t["cell"] = rows
    t["unit_cell"] = rows
    t["comment"] = d.get("comment", pd.Series("", index=d.index))
    t["file"] = p.name
    return t[TIDY_COLUMNS]


@dataclass
class IngestResult:
    """Returned surveys of one member, validated.

    Attributes
    ----------
    answers : DataFrame
        Every answer of every returned file (:func:`read_return` columns),
        with ``unit`` now the instrument's unit, ``unit_given`` and
        ``value_given`` as written, ``value`` the usable number in the
        instrument's unit (NaN when the answer has a problem, is blank or
        is not a number) and ``status`` (``ok``, ``blank``, ``skipped`` or
        the first issue).
    problems : DataFrame
        One row per problem: ``department``, ``file``, ``sheet``, ``cell``,
        ``question_id``, ``issue`` (see :data:`ISSUES`), ``message``.
    tracker : DataFrame
        One row per department (see :func:`tracker`).
    member : str
    folder : Path
    instrument : Instrument
    """

    answers: pd.DataFrame = field(repr=False)
    problems: pd.DataFrame = field(repr=False)
    tracker: pd.DataFrame = field(repr=False)
    member: str = ""
    folder: Path | None = None
    instrument: Instrument | None = field(default=None, repr=False)

    @property
    def n_sent(self) -> int:
        """Departments sent a file (from the distribution list, else the files returned).

        Returns
        -------
        int

        Examples
        --------
        >>> ingest_returns("cedar_valley").n_sent
        8
        """
        return len(self.tracker)

    @property
    def n_returned(self) -> int:
        """Departments that returned a file.

        Returns
        -------
        int

        Examples
        --------
        >>> ingest_returns("cedar_valley").n_returned
        7
        """
        return int(self.tracker["returned"].sum())

    def headline(self) -> str:
        """E.g. ``"7 of 8 departments answered; 14 problems flagged"``.

        Returns
        -------
        str

        Examples
        --------
        >>> ingest_returns("cedar_valley").headline()
        '7 of 8 departments answered; 11 problems flagged'
        """
        return (
            f"{self.n_returned} of {self.n_sent} departments answered; "
            f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} flagged"
        )

    def __repr__(self) -> str:
        return f"IngestResult({self.member}: {self.headline()})"


_PROBLEM_COLUMNS = ["department", "file", "sheet", "cell", "question_id", "issue", "message"]


def _quote(a: Any) -> str:
    return f"'{a}'" if isinstance(a, str) else canonical_answer(a)


def validate_answers(
    answers: pd.DataFrame, instrument: Instrument | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check tidy answers (from :func:`read_return`) against the instrument.

    Parameters
    ----------
    answers : DataFrame
        Tidy answers (:func:`read_return`).
    instrument : Instrument, optional
        Default: the bundled instrument.

    Returns
    -------
    (answers, problems)
        ``answers`` with ``unit`` (instrument), ``unit_given``,
        ``value_given``, ``value`` (usable, instrument unit) and ``status``;
        ``problems`` as in :class:`IngestResult`.

    Examples
    --------
    >>> import tempfile
    >>> inst = load_instrument()
    >>> p = write_workbook(inst, "Library", tempfile.mkdtemp() + "/library.xlsx")
    >>> checked, problems = validate_answers(read_return(p), inst)
    >>> len(checked), len(problems)
    (21, 3)
    """
    inst = instrument if instrument is not None else load_instrument()
    qi = inst.questions.set_index("question_id")
    a = answers.reset_index(drop=True).copy()
    a["unit_given"] = a["unit"].fillna("").astype(str)
    a["value_given"] = a["value"]
    known = a["question_id"].isin(qi.index)
    for c in ("category", "naics6", "question"):
        a[c] = a["question_id"].map(qi[c]).where(known, a[c])
    a["unit"] = a["question_id"].map(qi["unit"]).where(known, a["unit_given"])
    required = a["question_id"].map(qi["required"]).fillna(False).astype(bool)
    blank = _blank(a["answer"])
    is_text = a["answer"].map(lambda x: isinstance(x, str)) & ~blank
    numeric_q = _is_number_unit(a["unit"]) & known
    choice_q = a["unit"].isin(list(CHOICES)) & known
    canon = a["answer"].map(canonical_answer)

    # skip logic: the controlling answer, in the same return
    rule = a["question_id"].map(qi["skip_if"]).fillna("")
    ctl_q = rule.str.split("=").str[0].str.strip()
    ctl_v = (
        rule.str.split("=")
        .str[1]
        .fillna("")
        .str.strip()
        .str.lower()
        .map(lambda v: canonical_answer(v) if v else "")
    )
    look = (
        a.assign(_canon=canon, _blank=blank)
        .drop_duplicates(["file", "question_id"])
        .set_index(["file", "question_id"])
    )
    key = pd.MultiIndex.from_arrays([a["file"], ctl_q])
    ctl_answer = pd.Series(look["_canon"].reindex(key).to_numpy(), index=a.index).fillna("")
    ctl_blank = pd.Series(look["_blank"].reindex(key).to_numpy(), index=a.index)
    ctl_blank = ctl_blank.where(ctl_blank.notna(), True).astype(bool) & (rule != "")
    skipped = (rule != "") & ~ctl_blank & (ctl_answer == ctl_v)

    unit_norm = a["unit_given"].str.strip().str.lower()
    formula = (
        a["formula"].fillna("").astype(str)
        if "formula" in a.columns
        else pd.Series("", index=a.index)
    )
    formula_nc = (formula != "") & blank
    number = pd.to_numeric(a["value_given"], errors="coerce")
    limit = a["unit"].map(PLAUSIBLE_MAX).astype(float)
    # compare in the instrument's unit (a wrong but convertible unit is converted first)
    same = unit_norm == a["unit"].str.lower()
    conv = pd.Series(
        [
            UNIT_CONVERSIONS.get((u, g), np.nan)
            for u, g in zip(a["unit"], a["unit_given"], strict=True)
        ],
        index=a.index,
        dtype=float,
    )
    in_unit = number * conv.where(~same, 1.0)
    checks = {
        "formula_not_calculated": formula_nc,
        "unknown_question": ~known,
        "text_in_number": numeric_q & is_text,
        "wrong_unit": numeric_q & ~blank & (unit_norm != a["unit"].str.lower()),
        "negative_quantity": numeric_q & (number < 0),
        "implausible_quantity": numeric_q & (in_unit > limit),
        "invalid_choice": choice_q
        & ~blank
        & ~pd.Series(
            [c in CHOICES.get(u, ()) for c, u in zip(canon, a["unit"], strict=True)], index=a.index
        ),
        "missing_required": required & blank & ~skipped & ~ctl_blank & ~formula_nc,
        "skip_violation": skipped & ~blank,
    }
    flags = pd.DataFrame(checks)
    first = flags.idxmax(axis=1).where(flags.any(axis=1), "")
    a["status"] = np.select(
        [first != "", skipped, blank], [first, "skipped", "blank"], default="ok"
    )
    a["value"] = a["value_given"].where(numeric_q & (a["status"] == "ok"), np.nan)

    msgs = []
    a["_i"] = np.arange(len(a))
    for issue in [*checks, "formula"]:
        if issue == "formula":  # a formula with a saved result: used, but reported
            hit = a[(formula != "") & ~blank]
        else:
            hit = a[flags[issue]]
        if hit.empty:
            continue
        for r in hit.to_dict(orient="records"):
            where = (
                f"{r['department']}, live form, question "
                if r["cell"] == "form"
                else (
                    f"{r['department']}, file {r['file']}, "
                    if str(r["cell"]).startswith("row")
                    else f"{r['department']}, sheet Survey, cell "
                )
            )
            ans = r["answer"]
            if issue == "text_in_number":
                cell, text = (
                    r["cell"],
                    f"{_quote(ans)} is text where a number ({r['unit']}) is expected.",
                )
            elif issue == "wrong_unit":
                conv = UNIT_CONVERSIONS.get((r["unit"], r["unit_given"]))
                how = (
                    f" It converts: x {conv:.6g} gives {r['unit']}."
                    if conv
                    else f" Ask which unit, or convert to {r['unit']}."
                )
                cell, text = (
                    r["unit_cell"],
                    (
                        f"unit '{r['unit_given']}' where the survey asks for '{r['unit']}' "
                        f"(answer {_quote(ans)}).{how}"
                    ),
                )
            elif issue == "invalid_choice":
                cell = r["cell"]
                text = f"{_quote(ans)} is not one of {', '.join(CHOICES[r['unit']])}."
            elif issue == "formula_not_calculated":
                cell = r["cell"]
                text = (
                    f"the answer is the formula {formula.iloc[r['_i']]!r} with no saved result (the "
                    "file was not calculated before saving). Open the file in Excel, let it "
                    "calculate, save it and send it again, or type the number."
                )
            elif issue == "negative_quantity":
                cell = r["cell"]
                text = (
                    f"{_quote(ans)} {r['unit']} is negative: a quantity or amount bought "
                    "cannot be below 0. Check the sign (a credit or a correction?)."
                )
            elif issue == "implausible_quantity":
                cell = r["cell"]
                text = (
                    f"{_quote(ans)} {r['unit']} is more than any department buys in a year "
                    f"(over {PLAUSIBLE_MAX[r['unit']]:,.0f} {r['unit']}): check the unit and "
                    "the number of digits."
                )
            elif issue == "missing_required":
                cell, text = r["cell"], f"{r['question_id']} is required but has no answer."
            elif issue == "skip_violation":
                ctl = qi.at[r["question_id"], "skip_if"]
                cell = r["cell"]
                text = f"{_quote(ans)} answers a question to skip ({ctl}); check which answer is right."
            elif issue == "formula":
                cell = r["cell"]
                text = (
                    f"the answer is the formula {formula.iloc[r['_i']]!r}; its saved result "
                    f"{_quote(ans)} is used. Check that it is the number meant."
                )
            else:
                cell = r["cell"]
                text = f"question id {r['question_id']!r} is not in the instrument."
            msgs.append(
                {
                    "department": r["department"],
                    "file": r["file"],
                    "sheet": SURVEY_SHEET,
                    "cell": cell,
                    "question_id": r["question_id"],
                    "issue": issue,
                    "message": where + (r["question_id"] if cell == "form" else cell) + ": " + text,
                    "_row": int(re.sub(r"\D", "", r["cell"]) or 0),
                }
            )
    a = a.drop(columns="_i")
    problems = pd.DataFrame(msgs, columns=[*_PROBLEM_COLUMNS, "_row"])
    problems = problems.sort_values(["file", "_row", "issue"], kind="mergesort").drop(
        columns="_row"
    )
    return a, problems.reset_index(drop=True)


def tracker(
    distribution: pd.DataFrame, answers: pd.DataFrame, problems: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Who answered, how completely, and with how many problems.

    Parameters
    ----------
    distribution : DataFrame
        :func:`read_distribution` (may be empty: then every department that
        returned a file is listed).
    answers : DataFrame
        Validated answers (``IngestResult.answers``: needs ``status``,
        ``question_id``, ``department``).
    problems : DataFrame, optional

    Returns
    -------
    DataFrame
        ``department``, ``contact``, ``due``, ``returned`` (bool), ``file``,
        ``required`` (required questions not skipped), ``required_answered``,
        ``completeness`` (share of those answered; NaN when not returned),
        ``problems``, ``status`` (plain words).

    Examples
    --------
    >>> ans = pd.DataFrame({"department": ["Fire", "Fire"], "file": ["f.xlsx"] * 2,
    ...     "question_id": ["Q01", "Q02"], "status": ["ok", "missing_required"],
    ...     "required": [True, True]})
    >>> tracker(pd.DataFrame(), ans)["completeness"].tolist()
    [0.5]
    """
    cols = ["department", "contact", "due", "returned", "file"]
    dist = distribution.copy() if len(distribution) else pd.DataFrame(columns=cols)
    for c in cols:
        if c not in dist.columns:
            dist[c] = ""
    got = answers.groupby("department", sort=False)
    req = (
        answers["required"]
        if "required" in answers.columns
        else pd.Series(True, index=answers.index)
    )
    counted = answers.assign(
        _req=req.astype(bool) & ~answers["status"].isin(["skipped", "skip_violation"]),
        _ans=req.astype(bool)
        & answers["status"].isin(["ok", "text_in_number", "wrong_unit", "invalid_choice"]),
    )
    per = counted.groupby("department", sort=False).agg(
        file=("file", "first"), required=("_req", "sum"), required_answered=("_ans", "sum")
    )
    extra = [d for d in got.groups if d not in set(dist["department"])]
    if extra:
        dist = pd.concat([dist, pd.DataFrame({"department": extra})], ignore_index=True)
    t = dist[cols].copy()
    t["returned"] = t["department"].isin(per.index)
    t["file"] = t["department"].map(per["file"]).fillna("")
    t["required"] = t["department"].map(per["required"]).fillna(0).astype(int)
    t["required_answered"] = t["department"].map(per["required_answered"]).fillna(0).astype(int)
    t["completeness"] = (t["required_answered"] / t["required"].replace(0, np.nan)).where(
        t["returned"]
    )
    n_prob = (
        problems.groupby("department").size()
        if problems is not None and len(problems)
        else pd.Series(dtype=int)
    )
    t["problems"] = t["department"].map(n_prob).fillna(0).astype(int)
    t["status"] = np.select(
        [~t["returned"], t["problems"] > 0],
        ["not returned: send a reminder", "returned, " + t["problems"].astype(str) + " to fix"],
        default="returned, complete",
    )
    t.loc[t["department"].isin(extra), "contact"] = t["contact"].fillna("")
    if problems is not None and len(problems) and "issue" in problems.columns:
        bad = problems[problems["issue"].eq("unreadable_file")]
        new = [dep for dep in dict.fromkeys(bad["department"]) if dep not in set(t["department"])]
        if new:
            t = pd.concat([t, pd.DataFrame({"department": new})], ignore_index=True)
            t["problems"] = t["department"].map(n_prob).fillna(0).astype(int)
            t["required"] = t["required"].fillna(0).astype(int)
            t["required_answered"] = t["required_answered"].fillna(0).astype(int)
        hit = t["department"].isin(set(bad["department"])) & ~t["returned"].fillna(False).astype(
            bool
        )
        t.loc[hit, "file"] = t.loc[hit, "department"].map(
            bad.drop_duplicates("department").set_index("department")["file"]
        )
        t["returned"] = t["returned"].fillna(False).astype(bool) | hit
        t.loc[hit, "status"] = "returned, but the file cannot be read: ask for it again"
    return t.fillna({"contact": "", "due": "", "file": ""}).reset_index(drop=True)


def ingest_returns(
    member: str,
    folder: str | os.PathLike | None = None,
    *,
    instrument: Instrument | None = None,
) -> IngestResult:
    """Read, validate and track every returned survey file of a member.

    Parameters
    ----------
    member : str
        Cohort member slug (used for the default folder and in messages).
    folder : path, optional
        Folder with the returned ``.xlsx`` files (and form ``.csv`` files),
        and optionally ``distribution.csv``. Default:
        ``datasets/survey/returns/<member>``.
    instrument : Instrument, optional
        What the answers are checked against (default: the bundled one).

    Returns
    -------
    IngestResult

    Raises
    ------
    FileNotFoundError
        When the folder holds no returns (the message says what to do).

    Examples
    --------
    >>> res = ingest_returns("cedar_valley")
    >>> res.headline()
    '7 of 8 departments answered; 11 problems flagged'
    """
    d = Path(folder) if folder is not None else returns_folder(member)
    found = [*d.glob("*.xlsx"), *d.glob("*.csv")] if d.is_dir() else []
    files = sorted(p for p in found if not p.name.startswith("~$") and p.name != "distribution.csv")
    if not files:
        raise FileNotFoundError(
            f"No returned survey files for {member} in {d}. Put the returned workbooks "
            "(.xlsx) there, or pass folder=... ; survey.has_returns(member) tells whether the "
            "bundled cohort has returns for a member."
        )
    inst = instrument if instrument is not None else load_instrument()
    dist = read_distribution(d)
    tables, read_problems = [], []
    for p in files:
        try:
            t = read_return(p)
        except (SurveyFileError, OSError, ValueError, KeyError) as exc:
            # one broken return must not stop the others: report it and go on
            dept = _department_of_file(p.name, dist, member)
            read_problems.append(
                {
                    "department": dept,
                    "file": p.name,
                    "sheet": "",
                    "cell": "",
                    "question_id": "",
                    "issue": "unreadable_file",
                    "message": f"{dept}, file {p.name}: not read: {exc} The other returns "
                    "were read.",
                }
            )
            continue
        tables.append(t)
        read_problems.extend(t.attrs.get("read_problems", []))
    cols = [*TIDY_COLUMNS, "formula"]
    raw = (
        pd.concat(tables, ignore_index=True)
        if tables
        else pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    )
    answers, problems = validate_answers(raw, inst)
    if read_problems:
        problems = pd.concat(
            [problems, pd.DataFrame(read_problems, columns=_PROBLEM_COLUMNS)], ignore_index=True
        )
    answers["required"] = (
        answers["question_id"]
        .map(inst.questions.set_index("question_id")["required"])
        .fillna(False)
        .astype(bool)
    )
    extra_rows = []
    per_file = answers.groupby("file", sort=True)["department"].first()
    if len(dist):
        for f, dept in per_file.items():
            if dept not in set(dist["department"]):
                extra_rows.append(
                    (
                        dept,
                        f,
                        DEPARTMENT_SHEET,
                        "B2",
                        "",
                        "unknown_department",
                        f"{dept}, sheet Department, cell B2: {dept!r} is not on the distribution "
                        "list; correct the department name (or add it to distribution.csv).",
                    )
                )
    dup = per_file[per_file.duplicated(keep="first")]
    for f, dept in dup.items():
        extra_rows.append(
            (
                dept,
                f,
                DEPARTMENT_SHEET,
                "B2",
                "",
                "duplicate_return",
                f"{dept}, sheet Department, cell B2: a second return from {dept} ({f}); keep one.",
            )
        )
    if extra_rows:
        problems = pd.concat(
            [problems, pd.DataFrame(extra_rows, columns=_PROBLEM_COLUMNS)], ignore_index=True
        )
    track = tracker(dist, answers, problems)
    return IngestResult(answers, problems, track, member, d, inst)


def _department_of_file(name: str, dist: pd.DataFrame, member: str) -> str:
    """The department a returned file belongs to, from its name (for unreadable files)."""
    stem = Path(name).stem.lower()
    if len(dist):
        listed = dist.loc[dist["file"].astype(str).str.lower() == name.lower(), "department"]
        if len(listed):
            return str(listed.iloc[0])
        for dept in sorted(dist["department"], key=len, reverse=True):
            if stem.endswith("_" + _slug(str(dept))) or stem.endswith(_slug(str(dept)) + "_form"):
                return str(dept)
    return stem


# ---------------------------------------------------------------- fixing

_NUMBER_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _number_in_text(text: Any) -> float:
    """The single number in a text (``"approx 1,200"`` -> 1200.0), else NaN."""
    if not isinstance(text, str):
        return np.nan
    found = [
        m
        for m in _NUMBER_RE.findall(text)
        if re.fullmatch(r"-?\d{1,3}(,\d{3})*(\.\d+)?|-?\d+(\.\d+)?", m)
    ]
    return float(found[0].replace(",", "")) if len(found) == 1 else np.nan


def suggest_fixes(result: IngestResult) -> pd.DataFrame:
    """A proposed fix for every problem: convert the unit, read the number, or ask.

    Parameters
    ----------
    result : IngestResult
        From :func:`ingest_returns`.

    Returns
    -------
    DataFrame
        The problems with ``answer``, ``unit_given``, ``unit``, ``value``
        (the proposed value in the instrument's unit, NaN when only the
        department can answer) and ``action`` (what to do, in words). Review
        it, change what you disagree with, then :func:`apply_fixes`.

    Examples
    --------
    >>> fixes = suggest_fixes(ingest_returns("cedar_valley"))
    >>> len(fixes), fixes.columns[:2].tolist()
    (11, ['department', 'question_id'])
    """
    p = result.problems
    cols = [
        "department",
        "question_id",
        "issue",
        "cell",
        "answer",
        "unit_given",
        "unit",
        "value",
        "action",
    ]
    if p.empty:
        return pd.DataFrame(columns=cols)
    a = result.answers.set_index(["file", "question_id"])
    key = pd.MultiIndex.from_arrays([p["file"], p["question_id"]])
    f = p[["department", "question_id", "issue", "cell"]].copy()
    for c in ("answer", "unit_given", "unit", "value_given"):
        f[c] = a[c].reindex(key).to_numpy() if len(a) else np.nan
    conv = pd.Series(
        [
            UNIT_CONVERSIONS.get((u, g), np.nan)
            for u, g in zip(f["unit"], f["unit_given"], strict=True)
        ],
        index=f.index,
        dtype=float,
    )
    from_text = f["answer"].map(_number_in_text).astype(float)
    base = f["value_given"].astype(float).where(f["value_given"].notna(), from_text)
    wrong_unit = f["issue"].eq("wrong_unit")
    text = f["issue"].eq("text_in_number")
    f["value"] = np.select(
        [wrong_unit & conv.notna() & base.notna(), text & from_text.notna()],
        [base * conv, from_text],
        default=np.nan,
    )
    f["action"] = np.select(
        [
            wrong_unit & conv.notna() & base.notna(),
            text & from_text.notna(),
            f["issue"].eq("skip_violation"),
        ],
        [
            "convert " + f["unit_given"].astype(str) + " to " + f["unit"].astype(str),
            "take the number from the text (check it is not a range or a guess)",
            "ask the department which answer is right",
        ],
        default="ask the department",
    )
    return f[cols].reset_index(drop=True)


def apply_fixes(answers: pd.DataFrame, fixes: pd.DataFrame) -> pd.DataFrame:
    """Answers with the accepted fixes applied.

    Parameters
    ----------
    answers : DataFrame
        ``IngestResult.answers``.
    fixes : DataFrame
        ``department``, ``question_id`` and ``value`` (in the instrument's
        unit); rows with NaN ``value`` are left as they are (still to ask).

    Returns
    -------
    DataFrame
        A copy of ``answers`` where fixed rows have the new ``value`` and
        ``status == "fixed"``.

    Examples
    --------
    >>> ans = pd.DataFrame({"department": ["Fire"], "question_id": ["Q05"],
    ...     "value": [np.nan], "status": ["wrong_unit"]})
    >>> fix = pd.DataFrame({"department": ["Fire"], "question_id": ["Q05"], "value": [28.0]})
    >>> apply_fixes(ans, fix)[["value", "status"]].values.tolist()
    [[28.0, 'fixed']]
    """
    _need(fixes, ("department", "question_id", "value"), "fixes")
    fx = fixes.dropna(subset=["value"]).drop_duplicates(["department", "question_id"], keep="last")
    out = answers.copy()
    key = pd.MultiIndex.from_frame(out[["department", "question_id"]])
    new = fx.set_index(["department", "question_id"])["value"].astype(float).reindex(key)
    hit = new.notna().to_numpy()
    unknown = fx.set_index(["department", "question_id"]).index.difference(key)
    if len(unknown):
        raise KeyError(
            "These fixes match no answer (check department and question_id): "
            + ", ".join(f"{d}/{q}" for d, q in unknown[:5])
        )
    out.loc[hit, "value"] = new.to_numpy()[hit]
    out.loc[hit, "status"] = "fixed"
    return out


def follow_ups(result: IngestResult, fixes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Departments to contact: those that did not answer, and those with open problems.

    Parameters
    ----------
    result : IngestResult
    fixes : DataFrame, optional
        Accepted fixes (problems with a ``value`` need no follow-up); default
        :func:`suggest_fixes`.

    Returns
    -------
    DataFrame
        ``department``, ``contact``, ``reason`` (e.g. ``"not returned"`` or
        ``"Q01, Q13: missing_required, text_in_number"``).

    Examples
    --------
    >>> res = ingest_returns("cedar_valley")
    >>> follow_ups(res, suggest_fixes(res)).columns.tolist()
    ['department', 'contact', 'reason']
    """
    fixes = suggest_fixes(result) if fixes is None else fixes
    t = result.tracker
    rows = [
        (d, c, "not returned")
        for d, c in t.loc[~t["returned"], ["department", "contact"]].itertuples(index=False)
    ]
    open_ = fixes[fixes["value"].isna()] if len(fixes) else fixes
    contact = dict(zip(t["department"], t["contact"], strict=True))
    for dept, g in open_.groupby("department", sort=False):
        rows.append(
            (
                dept,
                contact.get(dept, ""),
                f"{', '.join(g['question_id'])}: {', '.join(dict.fromkeys(g['issue']))}",
            )
        )
    out = pd.DataFrame(rows, columns=["department", "contact", "reason"])
    order = {d: i for i, d in enumerate(t["department"])}
    return out.sort_values("department", key=lambda s: s.map(order), kind="mergesort").reset_index(
        drop=True
    )


# ---------------------------------------------------------- reconciliation


def reconcile_with_ledger(
    answers: pd.DataFrame,
    lines: pd.DataFrame,
    instrument: Instrument | None = None,
    *,
    codes: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Survey answers beside the ledger spend of the same department and factor codes.

    For a question in USD the two should agree (a survey figure well above
    the ledger points at spend the ledger books elsewhere: P-cards, another
    department, a central account). For a quantity the ledger gives the
    spend behind it, hence an implied unit price (USD per ton, per ream ...)
    to sanity-check the answer.

    Parameters
    ----------
    answers : DataFrame
        Validated (and fixed) answers: ``department``, ``question_id``,
        ``value``, ``unit``, ``naics6``.
    lines : DataFrame
        Inventory lines of the same fiscal year (``department``, ``status``,
        ``naics6``, ``amount``).
    instrument : Instrument, optional
        Supplies the factor codes (default: the codes in ``answers``).
    codes : mapping question_id -> list of codes, optional
        Match the ledger on these NAICS codes or prefixes instead of the
        question's own code (e.g. ``{"Q12": ["311", "722"]}``: food and
        catering).

    Returns
    -------
    DataFrame
        One row per department and coded number question answered:
        ``department``, ``question_id``, ``category``, ``naics6``, ``unit``,
        ``survey_value``, ``ledger_usd``, ``survey_usd`` (USD questions only),
        ``difference_usd`` (survey - ledger), ``implied_usd_per_unit``
        (quantities only).

    Examples
    --------
    >>> lines = pd.DataFrame({"department": ["Public Works", "Library"], "status": "included",
    ...                       "naics6": ["327320", "323111"], "amount": [5e5, 2e3]})
    >>> answers = pd.DataFrame({"department": ["Public Works"], "question_id": ["Q07"],
    ...     "category": ["construction materials"], "value": [2000.0], "unit": ["cubic yards"],
    ...     "naics6": ["327320"]})
    >>> r = reconcile_with_ledger(answers, lines, load_instrument())
    >>> r[["ledger_usd", "implied_usd_per_unit"]].iloc[0].tolist()
    [500000.0, 250.0]
    """
    _need(answers, ("department", "question_id", "value", "unit"), "answers")
    q = (
        instrument.questions
        if instrument is not None
        else answers.drop_duplicates("question_id")[["question_id", "naics6"]]
    )
    q = q[["question_id", "naics6"]].copy()
    if codes:
        extra = pd.DataFrame(
            [(qid, c) for qid, cs in codes.items() for c in cs], columns=["question_id", "naics6"]
        )
        q = pd.concat([q[~q["question_id"].isin(list(codes))], extra], ignore_index=True)
    q = q[q["naics6"].astype(str) != ""]
    a = answers[
        answers["question_id"].isin(q["question_id"])
        & _is_number_unit(answers["unit"])
        & answers["value"].notna()
    ]
    cols = [
        "department",
        "question_id",
        "category",
        "naics6",
        "unit",
        "survey_value",
        "ledger_usd",
        "survey_usd",
        "difference_usd",
        "implied_usd_per_unit",
    ]
    if a.empty:
        return pd.DataFrame(columns=cols)
    depts = a["department"].unique()
    sub = lines[lines["department"].isin(depts)]
    # sum the question's codes (several codes of one question add up)
    spend = _ledger_spend(
        sub, q.assign(question_id=q["question_id"] + "#" + q.index.astype(str)), by_department=True
    )
    if isinstance(spend, pd.DataFrame) and not spend.empty:
        long = spend.stack().rename("ledger_usd").reset_index()
        long.columns = ["department", "qkey", "ledger_usd"]
        long["question_id"] = long["qkey"].str.split("#").str[0]
        ledger = long.groupby(["department", "question_id"])["ledger_usd"].sum()
    else:
        ledger = pd.Series(dtype=float)
    out = a[["department", "question_id", "category", "naics6", "unit", "value"]].rename(
        columns={"value": "survey_value"}
    )
    key = pd.MultiIndex.from_frame(out[["department", "question_id"]])
    out["ledger_usd"] = ledger.reindex(key).fillna(0.0).to_numpy()
    usd = out["unit"].eq("USD")
    out["survey_usd"] = out["survey_value"].where(usd)
    out["difference_usd"] = (out["survey_usd"] - out["ledger_usd"]).where(usd)
    out["implied_usd_per_unit"] = out["ledger_usd"] / out["survey_value"].where(
        ~usd & out["survey_value"].gt(0)
    )
    return out[cols].reset_index(drop=True)
