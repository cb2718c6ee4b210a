"""Session 2: the department survey as a live form (ipywidgets).

The instructor fills it in front of the class: questions come from an
:class:`~cohort_helpers.survey.Instrument`, yes/no questions are drop-downs,
number questions say at once when the text is not a number, and a question
with a skip rule disappears when the rule applies (e.g. "P-card spend" once
"Do you hold a P-card?" is answered *no*). :func:`form_answers` returns what
was typed in the tidy layout of :func:`cohort_helpers.survey.read_return`, so
the form's answers go through the same validation as returned workbooks.
Everything works headlessly (set ``form.inputs[qid].value`` in a test).

Examples
--------
>>> from cohort_helpers import survey
>>> from cohort_helpers.widgets.survey_form import form_answers, survey_form
>>> form = survey_form(survey.load_instrument(), "Police")
>>> form.inputs["Q01"].value = "no"
>>> form.is_hidden("Q02")
True
>>> form_answers(form)[["question_id", "answer"]].head(2)
  question_id answer
0         Q01     no
1         Q02    NaN
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd

from .. import survey
from ..safe_files import html_text as _esc
from ..survey import CHOICES, NUMBER_UNITS, Instrument
from . import static

__all__ = ["SurveyForm", "survey_form", "form_answers"]


def _parse_number(text: str) -> float | None:
    """``"1,200"`` -> 1200.0; blank -> None; text -> NaN."""
    t = (text or "").strip().replace(",", "")
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        return math.nan


class SurveyForm(w.VBox):
    """The live form: one row per question, skip logic applied as answers change.

    Attributes
    ----------
    instrument : Instrument
    department : str
    inputs : dict question_id -> widget
        ``Dropdown`` for choice questions, ``Text`` otherwise (numbers are
        typed as text so a wrong entry can be shown, not silently dropped).
    rows : dict question_id -> VBox
        The row of each question (hidden with ``layout.display = "none"``).
    """

    def __init__(self, instrument: Instrument, department: str, **kwargs: Any) -> None:
        self.instrument = instrument
        self.department = department
        self.inputs: dict[str, w.Widget] = {}
        self.rows: dict[str, w.VBox] = {}
        self._notes: dict[str, w.HTML] = {}
        q = instrument.questions
        self._rules: dict[str, tuple[str, str]] = {}
        for r in q.to_dict(orient="records"):
            qid, unit = r["question_id"], r["unit"]
            star = " <b style='color:#bd1f01'>*</b>" if r["required"] else ""
            label = w.HTML(f"<b>{_esc(qid)}</b> {_esc(r['question'])}{star}")
            if unit in CHOICES:
                box = w.Dropdown(options=["", *CHOICES[unit]], value="", layout={"width": "12em"})
            else:
                box = w.Text(
                    placeholder=f"a number, in {unit}" if unit in NUMBER_UNITS else "text",
                    layout={"width": "24em" if unit == "text" else "14em"},
                )
            unit_label = w.HTML(f"<i>{_esc(unit)}</i>" if unit in NUMBER_UNITS else "")
            note = w.HTML(f"<span style='color:#555'>{_esc(r['help_text'])}</span>")
            self.inputs[qid] = box
            self._notes[qid] = note
            self.rows[qid] = w.VBox([label, w.HBox([box, unit_label]), note])
            rule = survey.parse_skip_rule(r["skip_if"])
            if rule:
                self._rules[qid] = rule
            box.observe(self._changed, names="value")
        title = w.HTML(f"<h3>{_esc(instrument.name)}: {_esc(department)}</h3>")
        self.status = w.HTML()
        super().__init__([title, *self.rows.values(), self.status], **kwargs)
        self._changed()

    # ------------------------------------------------------------ state

    def _changed(self, change: dict | None = None) -> None:
        for qid in self._rules:
            hide = self.is_skipped(qid)
            self.rows[qid].layout.display = "none" if hide else None
            if hide and self.inputs[qid].value:
                self.inputs[qid].value = ""
        bad = []
        for qid, box in self.inputs.items():
            unit = self.instrument.questions.set_index("question_id").at[qid, "unit"]
            if unit in NUMBER_UNITS:
                v = _parse_number(box.value)
                if v is not None and math.isnan(v):
                    bad.append(qid)
        missing = self.missing_required()
        parts = []
        if bad:
            parts.append(f"not a number: {_esc(', '.join(bad))}")
        if missing:
            parts.append(f"required, still empty: {_esc(', '.join(missing))}")
        self.status.value = (
            "<span style='color:#bd1f01'>" + "; ".join(parts) + "</span>"
            if parts
            else "<span style='color:#1a7f37'>All required questions answered.</span>"
        )

    def is_skipped(self, question_id: str) -> bool:
        """True when the question's skip rule applies to the current answers."""
        rule = self._rules.get(question_id)
        if not rule:
            return False
        ctl, value = rule
        given = self.inputs[ctl].value if ctl in self.inputs else ""
        return bool(given) and survey.canonical_answer(given) == survey.canonical_answer(value)

    def is_hidden(self, question_id: str) -> bool:
        """True when the question's row is hidden (skipped)."""
        return self.rows[question_id].layout.display == "none"

    def missing_required(self) -> list[str]:
        """Required questions not answered and not skipped."""
        q = self.instrument.questions
        req = q.loc[q["required"], "question_id"]
        return [
            qid
            for qid in req
            if not str(self.inputs[qid].value).strip() and not self.is_skipped(qid)
        ]

    def set_answers(self, answers: dict[str, Any]) -> None:
        """Fill in answers (question_id -> value), e.g. for a demo or a test."""
        for qid, v in answers.items():
            box = self.inputs[qid]
            box.value = v if isinstance(box, w.Dropdown) else ("" if v is None else str(v))

    def answers(self) -> pd.DataFrame:
        """The answers in the :func:`~cohort_helpers.survey.read_return` layout."""
        return form_answers(self)

    def n_answered(self) -> int:
        """Questions with an answer (not blank, not skipped)."""
        return int(form_answers(self)["answer"].notna().sum())

    def static_html(self) -> str:
        """The form as a static table of its questions and the answers typed so far."""
        t = form_answers(self)
        shown = pd.DataFrame(
            {
                "question": t["question_id"] + " " + t["question"].astype(str),
                "unit": t["unit"].astype(str),
                "answer": [
                    "(skipped)" if self.is_skipped(q) else ("" if a is None else str(a))
                    for q, a in zip(t["question_id"], t["answer"], strict=True)
                ],
            }
        )
        head = (
            f"<p><b>{_esc(self.instrument.name)}: {_esc(self.department)}</b>, "
            f"{len(t)} question(s), {self.n_answered()} answered. (A static copy of the form: "
            "run the notebook in JupyterLab to fill it in.)</p>"
        )
        return head + static.html_table(shown, max_rows=60)

    def _repr_mimebundle_(self, **kwargs: Any):
        text = (
            f"Survey form {self.instrument.name}: {self.department}, "
            f"{len(self.inputs)} question(s), {self.n_answered()} answered"
        )
        return static.bundle(super(), self.static_html(), text, **kwargs)


def survey_form(instrument: Instrument, department: str) -> SurveyForm:
    """A live form of ``instrument`` for ``department`` (an ipywidgets ``VBox``).

    Parameters
    ----------
    instrument : Instrument
        E.g. ``survey.load_instrument().for_department(lines, "Police")``.
    department : str

    Returns
    -------
    SurveyForm
        Display it in a notebook; read it with :func:`form_answers`.

    Examples
    --------
    >>> form = survey_form(survey.load_instrument(), "Police")
    >>> list(form.inputs)[:3], type(form.inputs["Q01"]).__name__
    (['Q01', 'Q02', 'Q03'], 'Dropdown')
    """
    return SurveyForm(instrument, department)


def form_answers(form: SurveyForm) -> pd.DataFrame:
    """What was typed in the form, as a tidy table (the :func:`survey.read_return` layout).

    ``answer`` is a number for number questions typed as a number, the text
    otherwise (so ``"about 40"`` stays text and validation flags it), None
    when blank or skipped; ``cell`` is ``"form"``.

    Parameters
    ----------
    form : SurveyForm
        A form made by :func:`survey_form`.

    Returns
    -------
    DataFrame
        One row per question of the instrument, columns
        :data:`cohort_helpers.survey.TIDY_COLUMNS` (``department``,
        ``question_id``, ..., ``answer``, ``value``: the answer as a float
        when it is a number, else NaN).

    Examples
    --------
    >>> form = survey_form(survey.load_instrument(), "Fire")
    >>> form.set_answers({"Q01": "yes", "Q02": "12,500"})
    >>> answers = form_answers(form).set_index("question_id")
    >>> float(answers.at["Q02", "value"]), answers.at["Q01", "answer"]
    (12500.0, 'yes')
    """
    q = form.instrument.questions
    recs = []
    for r in q.to_dict(orient="records"):
        qid, unit = r["question_id"], r["unit"]
        raw = form.inputs[qid].value
        raw = raw.strip() if isinstance(raw, str) else raw
        if form.is_skipped(qid) or raw in ("", None):
            answer: Any = None
        elif unit in NUMBER_UNITS:
            v = _parse_number(raw)
            answer = raw if v is None or math.isnan(v) else (int(v) if v.is_integer() else v)
        else:
            answer = raw
        recs.append(
            {
                "department": form.department,
                "question_id": qid,
                "category": r["category"],
                "naics6": r["naics6"],
                "question": r["question"],
                "unit": unit,
                "answer": answer,
                "cell": "form",
                "unit_cell": "form",
                "comment": "",
                "file": "live form",
            }
        )
    t = pd.DataFrame(recs)
    t["answer"] = t["answer"].astype(object)
    t["value"] = t["answer"].map(
        lambda a: float(a) if isinstance(a, int | float) and not isinstance(a, bool) else np.nan
    )
    return t[survey.TIDY_COLUMNS]
