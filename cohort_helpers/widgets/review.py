"""Session 4: review the lowest-confidence, highest-spend lines and save overrides.

A person who knows the purchases looks at the lines the classifier was least
sure of, weighted by spend, and either confirms a NAICS code or excludes the
line with a reason. The decisions go into an *overrides file* (columns
``source_file``, ``source_line``, ``naics6``, ``exclude_reason``, ``note``;
see ``docs/CONTRACTS.md``) that the next inventory run uses::

    inventory.member_inventory(member, overrides=path)

Everything the panel does is a plain function first, so it also works
without widgets (and in tests):

- :func:`cohort_helpers.analysis.review_queue` picks the lines;
- :func:`decision` makes one row of the overrides file (and checks it);
- :func:`write_overrides` merges decisions into the file and checks it reads back;
- :func:`naics_options` lists the codes a participant can choose from.

:class:`ReviewPanel` puts a face on them (ipywidgets): one line at a time,
a code box with the factor set's codes, an exclusion-reason menu, a note, and
a *Save* button that writes ``overrides.csv`` in the notebook's output folder.

Examples
--------
>>> from cohort_helpers import inventory
>>> from cohort_helpers.widgets import review
>>> inv = inventory.member_inventory("cedar_valley")                  # doctest: +SKIP
>>> queue = analysis.review_queue(inv.lines, n=15)                   # doctest: +SKIP
>>> panel = review.ReviewPanel(queue, output_dir="build/cedar_valley")  # doctest: +SKIP
>>> panel                                                             # doctest: +SKIP
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import factors
from ..classify import OVERRIDE_COLUMNS, OverrideError, load_overrides
from ..vocabulary import RULE_REASONS
from ..vocabulary import label as reason_label
from . import static

__all__ = [
    "OVERRIDE_COLUMNS",
    "DEFAULT_FILENAME",
    "decision",
    "naics_options",
    "parse_code",
    "read_decisions",
    "reason_options",
    "write_overrides",
    "ReviewPanel",
]

#: File name the panel writes in the output folder.
DEFAULT_FILENAME = "overrides.csv"

_CODE = re.compile(r"^\s*(\d{2,6})(?:\s|$)")


def parse_code(text: str | None) -> str | None:
    """The NAICS code at the start of a text (``"327320 Ready-mix ..."`` -> ``"327320"``).

    Returns ``None`` for blank text.

    Parameters
    ----------
    text : str or None
        What was typed or picked in the code box, e.g. ``"327320 Ready-Mix ..."``.

    Returns
    -------
    str or None
        The 2-6 digit code, or None for blank text.

    Raises
    ------
    ValueError
        When the text does not start with a 2-6 digit code.

    Examples
    --------
    >>> parse_code("327320 Ready-Mix Concrete Manufacturing")
    '327320'
    >>> parse_code("  ") is None
    True
    """
    if text is None or not str(text).strip():
        return None
    m = _CODE.match(str(text))
    if not m:
        raise ValueError(
            f"{str(text).strip()!r} is not a NAICS code: type 2 to 6 digits (e.g. 327320) "
            "or pick a code from the list."
        )
    return m.group(1)


def reason_options() -> list[tuple[str, str]]:
    """(plain label, reason) pairs for the exclusion menu, "(not excluded)" first.

    Returns
    -------
    list of (str, str)
        ``("(not excluded)", "")``, then each exclusion reason with its label
        (:func:`cohort_helpers.vocabulary.label`), in the vocabulary's order.

    Examples
    --------
    >>> dict(reason_options())["Payroll and benefits"]
    'payroll_benefits'
    """
    return [("(not excluded)", "")] + [(reason_label(r), r) for r in RULE_REASONS]


def read_decisions(path: str | os.PathLike) -> dict[tuple[str, int], dict[str, Any]]:
    """The decisions already saved in an overrides file, keyed by (source_file, source_line).

    An absent file gives no decisions.

    Parameters
    ----------
    path : str or path-like
        An overrides CSV (as :func:`write_overrides` writes it).

    Returns
    -------
    dict
        (source_file, source_line) -> the row as a dict of text
        (``source_file``, ``source_line`` as int, ``naics6``,
        ``exclude_reason``, ``note``).

    Raises
    ------
    cohort_helpers.classify.OverrideError
        Naming the row and column of a bad row.

    Examples
    --------
    >>> p = Path("decisions") / "overrides.csv"
    >>> read_decisions(p)
    {}
    >>> _ = write_overrides([decision("ap.csv", 12, exclude_reason="refund")], p)
    >>> read_decisions(p)[("ap.csv", 12)]["exclude_reason"]
    'refund'
    """
    path = Path(path)
    if not path.is_file():
        return {}
    rows = _as_frame(load_overrides(path)).astype(str)
    rows["source_line"] = rows["source_line"].str.replace(r"\.0$", "", regex=True).astype(int)
    records = rows.to_dict(orient="records")
    return {(str(r["source_file"]), int(r["source_line"])): r for r in records}


def _known_codes(factor_set: Any = "sef_v1.3") -> pd.Index:
    fs = factors.load_factor_set(factor_set)
    return pd.Index(fs.table.index.astype(str))


def naics_options(factor_set: Any = "sef_v1.3") -> list[str]:
    """``"<code> <title>"`` for every code of a factor set (choices for the code box).

    Parameters
    ----------
    factor_set : str, path or FactorSet
        Anything :func:`cohort_helpers.factors.load_factor_set` accepts.

    Returns
    -------
    list of str
        One entry per code of the set, in the set's order.

    Examples
    --------
    >>> options = naics_options()
    >>> len(options), options[0]
    (1016, '111110 Soybean Farming')
    """
    fs = factors.load_factor_set(factor_set)
    t = fs.table
    titles = t["title"].astype(str) if "title" in t.columns else pd.Series("", index=t.index)
    return [f"{c} {s}".strip() for c, s in zip(t.index.astype(str), titles, strict=True)]


def decision(
    source_file: str,
    source_line: int,
    *,
    naics6: str | None = None,
    exclude_reason: str | None = None,
    note: str = "",
    known_codes: Iterable[str] | None = None,
) -> dict[str, Any]:
    """One row of an overrides file: a new code *or* an exclusion reason for a line.

    Parameters
    ----------
    source_file, source_line
        The ledger line (as in ``inv.lines``).
    naics6 : str, optional
        The code to use (2-6 digits; text after the code, e.g. a title, is ignored).
    exclude_reason : str, optional
        One of the exclusion reasons (``docs/CONTRACTS.md``).
    note : str
        Why (shown to whoever reads the file next year).
    known_codes : iterable of str, optional
        Codes that have a factor; a code outside them (and not a prefix of
        one) is refused, because the line would end up unclassified.

    Raises
    ------
    ValueError
        With what to fix: neither or both of code and reason, a code that is
        not a NAICS code or has no factor, an unknown reason.

    Returns
    -------
    dict
        ``source_file`` (the file name only), ``source_line`` (int),
        ``naics6``, ``exclude_reason`` and ``note`` (``""`` where not given):
        a row for :func:`write_overrides`.

    Examples
    --------
    >>> decision("ap.csv", 12, naics6="327320", note="ready-mix for the bridge")["naics6"]
    '327320'
    >>> decision("ap.csv", 13, exclude_reason="grant_passthrough")["exclude_reason"]
    'grant_passthrough'
    """
    code = parse_code(naics6)
    reason = (exclude_reason or "").strip() or None
    where = f"{source_file} line {source_line}"
    if code and reason:
        raise ValueError(
            f"{where}: give a NAICS code or an exclusion reason, not both "
            "(a line is either a purchase in a category, or excluded)."
        )
    if not code and not reason:
        raise ValueError(f"{where}: give a NAICS code, or choose an exclusion reason.")
    if reason and reason not in RULE_REASONS:
        raise ValueError(f"{where}: {reason!r} is not an exclusion reason; use one of {RULE_REASONS}.")
    if code and known_codes is not None:
        known = pd.Index(list(known_codes)).astype(str)
        if code not in known and not known.str.startswith(code).any():
            raise ValueError(
                f"{where}: the factor set has no code {code} (nor any code starting with it), "
                "so the line would stay unclassified. Pick a code from the list."
            )
    return {
        "source_file": Path(str(source_file).replace("\\", "/")).name,
        "source_line": int(source_line),
        "naics6": code or "",
        "exclude_reason": reason or "",
        "note": str(note or "").strip(),
    }


def _as_frame(decisions: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    df = decisions.copy() if isinstance(decisions, pd.DataFrame) else pd.DataFrame(list(decisions))
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OVERRIDE_COLUMNS})
    for c in OVERRIDE_COLUMNS:
        if c not in df.columns:
            df[c] = ""
    df = df[OVERRIDE_COLUMNS].astype(object)
    return df.where(df.notna(), "")


def write_overrides(
    decisions: pd.DataFrame | Iterable[Mapping[str, Any]],
    path: str | os.PathLike,
    *,
    merge: bool = True,
) -> Path:
    """Write decisions to an overrides CSV that ``run_inventory(overrides=...)`` reads.

    Parameters
    ----------
    decisions : DataFrame or list of dicts
        Rows with ``source_file``, ``source_line`` and ``naics6`` or
        ``exclude_reason`` (and optionally ``note``), e.g. from :func:`decision`.
    path : path
        The overrides file (``.csv``).
    merge : bool
        Keep the rows already in the file (a new decision for the same line
        replaces the old one). ``False`` rewrites the file.

    Returns
    -------
    Path
        The file written. It is checked with
        :func:`cohort_helpers.classify.load_overrides` before it replaces an
        existing file, so a bad row never breaks the next inventory run.

    Raises
    ------
    cohort_helpers.classify.OverrideError
        Naming the row and column of a bad decision.

    Examples
    --------
    >>> p = Path("review") / "overrides.csv"
    >>> _ = write_overrides([decision("ap.csv", 12, naics6="327320")], p)
    >>> _ = write_overrides([decision("ap.csv", 14, exclude_reason="refund")], p)
    >>> load_overrides(p)[["source_line", "naics6", "exclude_reason"]].fillna("").values.tolist()
    [[12, '327320', ''], [14, '', 'refund']]
    """
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise ValueError(f"{path.name}: write overrides to a .csv file (e.g. overrides.csv).")
    new = _as_frame(decisions)
    if len(new):
        load_overrides(new)  # raises OverrideError naming the row and column
    if merge and path.is_file():
        old = _as_frame(load_overrides(path))
        old["source_line"] = old["source_line"].astype(int)

        def key(df: pd.DataFrame) -> pd.MultiIndex:
            return pd.MultiIndex.from_arrays(
                [df["source_file"].astype(str), df["source_line"].astype(int)]
            )

        keep = ~key(old).isin(key(new))
        new = pd.concat([old[keep], new], ignore_index=True)
    new = new.astype(str)
    new["source_line"] = new["source_line"].str.replace(r"\.0$", "", regex=True)
    # a note starting with = + - @ would run as a formula in a spreadsheet
    new["note"] = new["note"].where(
        ~new["note"].str.startswith(("=", "+", "-", "@")), "'" + new["note"]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".overrides-", suffix=".csv", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        new[OVERRIDE_COLUMNS].to_csv(tmp, index=False, encoding="utf-8")
        load_overrides(tmp)  # the file reads back
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# --------------------------------------------------------------------------
# The panel
# --------------------------------------------------------------------------


def _fmt_amount(x: Any) -> str:
    try:
        return f"{float(x):,.2f}"
    except (TypeError, ValueError):
        return ""


def _text(x: Any) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA else str(x)


class ReviewPanel:
    """ipywidgets panel: decide on queued lines one by one, then save the overrides file.

    Parameters
    ----------
    queue : DataFrame
        Lines to review, e.g. :func:`cohort_helpers.analysis.review_queue`.
    output_dir : path
        The notebook's output folder; the file is ``output_dir / filename``.
    filename : str
        A plain file name ending in ``.csv`` (default ``overrides.csv``).
    factor_set : str
        Codes offered in the code box (and accepted).

    Attributes
    ----------
    path : Path
        Where :meth:`save` writes.
    decisions : dict
        ``(source_file, source_line) -> row`` of the decisions made so far.
    code, reason, note : widgets
        The inputs for the current line; ``record_button``, ``previous_button``,
        ``next_button`` and ``save_button`` do what they say.

    Examples
    --------
    >>> panel = ReviewPanel(queue, output_dir)      # doctest: +SKIP
    >>> panel.code.value = "327320"                 # doctest: +SKIP
    >>> panel.record_button.click()                 # doctest: +SKIP
    >>> panel.save_button.click()                   # doctest: +SKIP
    >>> panel.path.name                             # doctest: +SKIP
    'overrides.csv'
    """

    def __init__(
        self,
        queue: pd.DataFrame,
        output_dir: str | os.PathLike,
        *,
        filename: str = DEFAULT_FILENAME,
        factor_set: Any = "sef_v1.3",
    ) -> None:
        import ipywidgets as w

        if Path(filename).name != filename or not filename.lower().endswith(".csv"):
            raise ValueError(
                f"filename must be a plain .csv file name (it is written inside output_dir), "
                f"got {filename!r}."
            )
        for c in ("source_file", "source_line"):
            if c not in queue.columns:
                raise KeyError(f"The queue needs a {c!r} column (use analysis.review_queue).")
        self.queue = queue.reset_index(drop=True)
        self.path = Path(output_dir) / filename
        self.decisions: dict[tuple[str, int], dict[str, Any]] = {}
        self.position = 0
        try:
            self.decisions = read_decisions(self.path)
            loaded_note = ""
        except OverrideError as exc:
            loaded_note = (
                f"<span style='color:#b00'>{html.escape(self.path.name)} could not be read "
                f"({html.escape(str(exc))}); starting without its decisions.</span>"
            )
        #: How many decisions came from the file when the panel was made.
        self.n_saved = len(self.decisions)
        options = naics_options(factor_set)
        self._known = _known_codes(factor_set)
        self._labels = dict(zip(self._known, options, strict=True))

        self.header = w.HTML()
        self.details = w.HTML()
        self.code = w.Combobox(
            options=options,
            placeholder="NAICS code, e.g. 327320 (type to search)",
            ensure_option=False,
            description="New code",
            layout=w.Layout(width="560px"),
        )
        self.reason = w.Dropdown(
            options=reason_options(),
            value="",
            description="or exclude",
        )
        self.note = w.Text(
            placeholder="why (for next year's reviewer)",
            description="Note",
            layout=w.Layout(width="560px"),
        )
        self.record_button = w.Button(description="Record decision", button_style="primary")
        self.previous_button = w.Button(description="◀ Previous")
        self.next_button = w.Button(description="Next ▶")
        self.save_button = w.Button(description="Save overrides file", button_style="success")
        self.message = w.HTML(loaded_note)
        if self.n_saved and not loaded_note:
            self.message.value = (
                f"{self.n_saved} decision(s) already saved in "
                f"<code>{html.escape(str(self.path))}</code> are shown with their lines; "
                "record a new one to replace it, then save again."
            )
        self.record_button.on_click(lambda _b: self._safely(self.record))
        self.previous_button.on_click(lambda _b: self.go(self.position - 1))
        self.next_button.on_click(lambda _b: self.go(self.position + 1))
        self.save_button.on_click(lambda _b: self._safely(self.save))
        self.widget = w.VBox(
            [
                self.header,
                self.details,
                self.code,
                self.reason,
                self.note,
                w.HBox(
                    [self.previous_button, self.record_button, self.next_button, self.save_button]
                ),
                self.message,
            ]
        )
        self.go(0)

    # ---- plain methods (the buttons call these) ----

    def current(self) -> pd.Series | None:
        """The line on show (``None`` for an empty queue)."""
        return self.queue.iloc[self.position] if len(self.queue) else None

    def go(self, position: int) -> None:
        """Show the line at ``position`` (clamped to the queue)."""
        if not len(self.queue):
            self.header.value = "<b>Nothing to review</b>: no line is below the confidence limit."
            self.details.value = ""
            return
        self.position = int(min(max(position, 0), len(self.queue) - 1))
        r = self.current()
        key = (str(r["source_file"]), int(r["source_line"]))
        done = self.decisions.get(key)
        self.header.value = (
            f"<b>Line {self.position + 1} of {len(self.queue)}</b> &nbsp; {self._count_text()}"
        )
        code = _text(r.get("naics6"))
        rows = [
            ("Ledger line", f"{key[0]}, line {key[1]}"),
            ("Vendor", _text(r.get("vendor"))),
            ("Department", _text(r.get("department"))),
            ("Account", _text(r.get("account"))),
            ("Description", _text(r.get("description")) or "(blank)"),
            ("Amount", f"{_fmt_amount(r.get('amount'))} {_text(r.get('currency'))}"),
            ("Current code", self._labels.get(code, code) or "(none: unclassified)"),
            (
                "Found by",
                f"{_text(r.get('method')) or 'nothing'}, confidence "
                f"{float(r.get('confidence') or 0):.2f}",
            ),
        ]
        if "kg_co2e" in r and pd.notna(r["kg_co2e"]):
            rows.append(("Emissions now", f"{float(r['kg_co2e']) / 1000:,.1f} t CO2e"))
        self.details.value = (
            "<table>"
            + "".join(
                f"<tr><td style='padding-right:1em'><b>{html.escape(k)}</b></td>"
                f"<td>{html.escape(v)}</td></tr>"
                for k, v in rows
            )
            + "</table>"
        )
        self.code.value = self._labels.get(done["naics6"], done["naics6"]) if done else ""
        self.reason.value = (
            done["exclude_reason"] if done and done["exclude_reason"] in RULE_REASONS else ""
        )
        self.note.value = done["note"] if done else ""

    def record(
        self,
        naics6: str | None = None,
        exclude_reason: str | None = None,
        note: str | None = None,
    ) -> dict[str, Any]:
        """Record a decision for the line on show (default: the widgets' values), then move on.

        Raises
        ------
        ValueError
            When the code or reason cannot be used (see :func:`decision`).
        """
        r = self.current()
        if r is None:
            raise ValueError("The queue is empty: nothing to decide.")
        d = decision(
            str(r["source_file"]),
            int(r["source_line"]),
            naics6=self.code.value if naics6 is None else naics6,
            exclude_reason=self.reason.value if exclude_reason is None else exclude_reason,
            note=self.note.value if note is None else note,
            known_codes=self._known,
        )
        self.decisions[(d["source_file"], d["source_line"])] = d
        what = _decision_text(d)
        self.message.value = (
            f"Recorded for line {d['source_line']}: {html.escape(what)}. "
            "Not saved yet: press <b>Save overrides file</b> when done."
        )
        if self.position < len(self.queue) - 1:
            self.go(self.position + 1)
        else:
            self.go(self.position)
        return d

    def decisions_frame(self) -> pd.DataFrame:
        """The decisions so far, in the overrides-file layout."""
        return _as_frame(list(self.decisions.values()))

    def save(self) -> Path:
        """Write (merge) the decisions into :attr:`path` and say what the next step is."""
        if not self.decisions:
            raise ValueError("No decisions recorded yet: record at least one, then save.")
        path = write_overrides(self.decisions_frame(), self.path)
        self.message.value = (
            f"Saved {len(self.decisions)} decision(s) to <code>{html.escape(str(path))}</code>. "
            "Run the next cell to recompute the inventory with them."
        )
        return path

    def _safely(self, action) -> None:
        try:
            action()
        except (ValueError, OverrideError) as exc:
            self.message.value = (
                f"<span style='color:#b00'>Not done: {html.escape(str(exc))}</span>"
            )

    def _count_text(self) -> str:
        text = f"{len(self.decisions)} decision(s) recorded"
        if self.n_saved:
            text += f" ({self.n_saved} already saved in {self.path.name})"
        return text

    # ---- display ----

    def summary_table(self) -> pd.DataFrame:
        """The queue with the decision on each line (what the static summary shows)."""
        q = self.queue
        keys = list(zip(q["source_file"].astype(str), q["source_line"].astype(int), strict=True))
        decided = [self.decisions.get(k) for k in keys]
        return pd.DataFrame(
            {
                "line": [f"{f}, line {n}" for f, n in keys],
                "vendor": q.get("vendor", pd.Series("", index=q.index)).map(_text),
                "description": q.get("description", pd.Series("", index=q.index)).map(_text),
                "amount": q.get("amount", pd.Series(np.nan, index=q.index)),
                "current code": q.get("naics6", pd.Series("", index=q.index)).map(_text),
                "decision": [_decision_text(d) if d else "" for d in decided],
            }
        )

    def static_html(self) -> str:
        """The panel as a static table (HTML exports, reopened notebooks)."""
        if not len(self.queue):
            return "<p><b>Review panel</b>: nothing to review.</p>"
        head = (
            f"<p><b>Review panel</b>: {len(self.queue)} line(s) to review; "
            f"{html.escape(self._count_text())}. Decisions are saved to "
            f"<code>{html.escape(str(self.path))}</code>. (A static copy: run the notebook in "
            "JupyterLab to decide.)</p>"
        )
        return head + static.html_table(self.summary_table(), numbers=["amount"])

    def _repr_mimebundle_(self, **kwargs: Any):
        return static.bundle(self.widget, self.static_html(), repr(self), **kwargs)

    def __repr__(self) -> str:
        return (
            f"ReviewPanel: {len(self.queue)} line(s) to review, {self._count_text()}; "
            f"saves to {self.path}"
        )


def _decision_text(d: Mapping[str, Any]) -> str:
    """``code 327320`` or ``excluded: Payroll and benefits`` (plain label of the reason)."""
    if d.get("naics6"):
        return f"code {d['naics6']}"
    return f"excluded: {reason_label(str(d.get('exclude_reason', '')))}"
