"""Exclusions, duplicates, voids and the operating/capital split.

Not every ledger line is a purchase of goods and services. :func:`apply_exclusions`
marks each line ``included`` or ``excluded`` with a ``reason`` from one
vocabulary (:data:`cohort_helpers.vocabulary.RULE_REASONS`, see ``docs/CONTRACTS.md``) and the
``exclusion_method`` that decided it, and splits purchases into Scope 3
category 1 (operating) and 2 (capital goods). Lines are flagged, never
deleted: every excluded dollar stays visible with its reason.

The rules are data (``datasets/classify/*.csv``), loaded by :func:`load_rules`:

- ``object_codes.csv``: the chart of accounts crosswalk (exclusions, NAICS, capital);
- ``vendors.csv``: known vendors (e.g. the electric utility is Scope 2);
- ``keywords.csv``: regular expressions on descriptions, by priority;
- ``mcc.csv``: merchant category codes of P-card lines.

These are a cohort member's tables (the synthetic cohort's generator wrote
them); for any other ledger the general knowledge of :mod:`cohort_helpers.rules`
(``datasets/knowledge``: KOSTRA arts, phrases, suppliers, vendor cues, MCCs)
decides what the tables do not (:func:`knowledge_exclusions`). The reader's
notes (``read_note``) exclude summary rows and rows a mapping filters out;
repeats without an invoice or payment id are flagged ``possible_duplicate``,
not excluded.

Examples
--------
>>> from cohort_helpers import exclude, ledger
>>> rules = exclude.load_rules(chart="cedar_valley")               # doctest: +SKIP
>>> lines = exclude.apply_exclusions(ledger.read_ledger(...), rules)  # doctest: +SKIP
>>> lines.groupby(["status", "reason"], dropna=False)["amount"].sum()  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import paths
from .overrides import apply_overrides, load_overrides
from .rules import (
    Knowledge,
    TableError,
    factorize_text,
    fuzzy_best,
    knowledge_hits,
    load_knowledge,
    normalise_vendor,
    take_text,
    text_column,
    vendor_key_codes,
    vendor_name_score,
)
from .vocabulary import RULE_REASONS

__all__ = [
    "RulesError",
    "Rules",
    "load_rules",
    "apply_exclusions",
    "normalise_vendor",
    "vendor_name_score",
    "match_vendors",
    "find_voids",
    "find_duplicates",
    "match_keywords",
    "rule_hits",
    "rule_hits_and_rows",
    "knowledge_mask",
    "knowledge_exclusions",
    "READ_NOTES",
    "MIN_CONFIDENCE",
]

#: Default fuzzy-match threshold (0..100) for vendor names.
FUZZY_THRESHOLD = 90.0

#: ``status_text`` values that mark a voided payment (case-insensitive regex).
VOID_STATUS = (
    r"(?i)\b(?:void(?:ed)?|cancel+ed|cancel+ation|annull?ert|kansellert|reversed|stopped)\b"
)

#: Descriptions that mark a void line (case-insensitive regex, at the start of the text).
VOID_DESCRIPTION = r"(?i)^\s*(?:void(?:ed)?|annullert)\b"

_COLUMNS = {
    "object_codes": [
        "chart",
        "object_code",
        "description",
        "naics6",
        "exclude_reason",
        "capital",
        "confidence",
    ],
    "vendors": ["vendor", "naics6", "exclude_reason", "confidence"],
    "keywords": [
        "pattern",
        "naics6",
        "exclude_reason",
        "capital",
        "language",
        "priority",
        "confidence",
    ],
    "mcc": ["mcc", "description", "naics6", "exclude_reason", "confidence"],
}
_REQUIRED = {
    "object_codes": ["object_code", "naics6", "exclude_reason"],
    "vendors": ["vendor", "naics6", "exclude_reason"],
    "keywords": ["pattern", "naics6", "exclude_reason"],
    "mcc": ["mcc", "naics6", "exclude_reason"],
}
_DEFAULT_CONFIDENCE = {"object_codes": 0.6, "vendors": 0.9, "keywords": 0.7, "mcc": 0.7}


class RulesError(TableError):
    """A problem in a classification data file, naming the file, row (physical line) and column."""


@dataclass
class Rules:
    """Classification and exclusion rules (the four tables of ``datasets/classify``).

    ``object_codes`` holds the rows of one chart of accounts (``chart``) or, when
    no chart was chosen and the file has one, all of them.
    """

    object_codes: pd.DataFrame
    vendors: pd.DataFrame
    keywords: pd.DataFrame
    mcc: pd.DataFrame
    chart: str | None = None
    folder: Path | None = None
    charts: tuple[str, ...] = field(default_factory=tuple)
    cache: dict = field(default_factory=dict, repr=False, compare=False)
    #: General knowledge (:func:`cohort_helpers.rules.load_knowledge`); None: the tables only.
    knowledge: Knowledge | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return (
            f"Rules(chart={self.chart!r}, object_codes={len(self.object_codes)}, "
            f"vendors={len(self.vendors)}, keywords={len(self.keywords)}, mcc={len(self.mcc)})"
        )


# ---------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------


def _read_rule_csv(path: Path, kind: str) -> pd.DataFrame:
    cols = _COLUMNS[kind]
    if not path.is_file():
        return pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in _REQUIRED[kind] if c not in df.columns]
    if missing:
        raise RulesError(
            f"{path.name}: missing column(s) {', '.join(missing)}. The file has: "
            f"{', '.join(df.columns)}. Expected columns: {', '.join(cols)}.",
            file=path.name,
            row=1,
            column=missing[0],
        )
    for c in cols:
        if c not in df.columns:
            df[c] = ""
    df = df[cols].copy()
    for c in cols:
        df[c] = df[c].astype(str).str.strip()
    df["_row"] = np.arange(2, len(df) + 2)  # physical line in the CSV (header = 1)

    def fail(mask: pd.Series, column: str, expected: str) -> None:
        if mask.any():
            i = int(np.flatnonzero(mask.to_numpy())[0])
            val = df[column].iloc[i]
            n = int(mask.sum())
            more = f" ({n} rows have this problem)" if n > 1 else ""
            raise RulesError(
                f"{path.name}, row {df['_row'].iloc[i]}, column {column!r}: {val!r} is not "
                f"valid{more}. Expected {expected}.",
                file=path.name,
                row=int(df["_row"].iloc[i]),
                column=column,
                value=val,
            )

    df["naics6"] = df["naics6"].str.replace(r"\.0$", "", regex=True)
    fail(
        (df["naics6"] != "") & ~df["naics6"].str.fullmatch(r"\d{2,6}"),
        "naics6",
        "a NAICS code of 2 to 6 digits, or blank",
    )
    fail(
        (df["exclude_reason"] != "") & ~df["exclude_reason"].isin(RULE_REASONS),
        "exclude_reason",
        "blank or one of " + ", ".join(RULE_REASONS),
    )
    conf = pd.to_numeric(df["confidence"].replace("", np.nan), errors="coerce")
    fail(
        (df["confidence"] != "") & ~conf.between(0, 1),
        "confidence",
        "a number between 0 and 1",
    )
    df["confidence"] = conf.fillna(_DEFAULT_CONFIDENCE[kind]).astype(float)
    for c in ("naics6", "exclude_reason"):
        df[c] = df[c].replace("", np.nan).astype("str")
    if "capital" in df:
        cap = (
            df["capital"]
            .str.lower()
            .map(
                {"1": 1.0, "0": 0.0, "": np.nan, "1.0": 1.0, "0.0": 0.0, "true": 1.0, "false": 0.0}
            )
        )
        fail(cap.isna() & (df["capital"] != ""), "capital", "0, 1 or blank")
        df["capital"] = cap
    if kind == "keywords":
        pr = pd.to_numeric(df["priority"].replace("", "0"), errors="coerce")
        fail(pr.isna(), "priority", "a whole number (higher wins)")
        df["priority"] = pr.astype(int)
        for i, pat in enumerate(df["pattern"]):
            try:
                _keyword_regex(pat)  # compiled as match_keywords uses it (cached)
            except re.error as exc:
                raise RulesError(
                    f"{path.name}, row {df['_row'].iloc[i]}, column 'pattern': {pat!r} is not "
                    f"a valid regular expression ({exc}).",
                    file=path.name,
                    row=int(df["_row"].iloc[i]),
                    column="pattern",
                    value=pat,
                ) from None
        fail(df["pattern"] == "", "pattern", "a regular expression")
    if kind == "mcc":
        df["mcc"] = df["mcc"].str.replace(r"\.0$", "", regex=True).str.zfill(4)
        fail(~df["mcc"].str.fullmatch(r"\d{4}"), "mcc", "a 4-digit merchant category code")
    if kind == "object_codes":
        df["object_code"] = df["object_code"].str.replace(r"\.0$", "", regex=True)
    if kind == "vendors":
        fail(df["vendor"] == "", "vendor", "a vendor name")
        df["vendor_key"] = normalise_vendor(df["vendor"])
    return df.reset_index(drop=True)


def load_rules(
    folder: str | Path | None = None,
    chart: str | None = None,
    *,
    knowledge: bool | Knowledge | str | Path = True,
    tables: bool | None = None,
) -> Rules:
    """Load the classification/exclusion rules from ``folder`` (default ``datasets/classify``).

    Parameters
    ----------
    folder : str or Path, optional
        Folder with ``object_codes.csv``, ``vendors.csv``, ``keywords.csv`` and
        ``mcc.csv`` (missing files count as empty).
    chart : str, optional
        The chart of accounts to use from ``object_codes.csv`` (a member slug
        or ``kostra``). Without it, all rows are kept when the file holds a
        single chart; with several charts, object codes are not used until
        a chart is chosen.
    knowledge : bool, Knowledge or path
        The general knowledge of ``datasets/knowledge`` (phrases, suppliers,
        vendor cues, KOSTRA arts, MCC, Census index), used after the tables of
        ``folder`` for lines they do not decide (True: the package's; a path:
        another folder; False: none).
    tables : bool, optional
        Use the vendor, keyword and MCC tables of ``folder``. Default: yes,
        except for the package's own ``datasets/classify`` without a chart:
        those tables describe the synthetic cohort (its generator wrote them),
        so they are cohort knowledge for a cohort member's chart, not for a
        participant's own ledger.

    Returns
    -------
    Rules
        The four tables as DataFrames (each row keeps its physical line in
        ``_row``; vendors get a ``vendor_key``), the ``chart`` in use, the
        ``charts`` the object-code file holds, the ``folder`` and the
        ``knowledge`` (None without).

    Raises
    ------
    RulesError
        For a bad cell (file, row, column named) or an unknown chart.
    FileNotFoundError
        When the folder does not exist.

    Examples
    --------
    >>> from pathlib import Path
    >>> Path("rules").mkdir(exist_ok=True)
    >>> _ = Path("rules/vendors.csv").write_text("vendor,naics6,exclude_reason,confidence\\n"
    ...     "W.W. Grainger Inc,423840,,0.9\\nCity Electric Utility,,scope12_electricity,0.95\\n")
    >>> rules = load_rules("rules", knowledge=False)
    >>> rules
    Rules(chart=None, object_codes=0, vendors=2, keywords=0, mcc=0)
    >>> rules.vendors["vendor_key"].tolist()
    ['ww grainger', 'city electric utility']
    """
    own_tables = folder is None
    if folder is None:
        folder = paths.datasets_dir() / "classify"
    folder = Path(folder)
    if tables is None:
        tables = not (own_tables and chart is None)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"The classification rules folder {str(folder)!r} does not exist. Build the cohort "
            "datasets (cohort datasets build) or pass folder=."
        )
    use = tables
    tables = {kind: _read_rule_csv(folder / f"{kind}.csv", kind) for kind in _COLUMNS}
    if not use:
        for kind in ("vendors", "keywords", "mcc"):
            tables[kind] = tables[kind].iloc[0:0]
    oc = tables["object_codes"]
    charts = tuple(sorted(set(oc["chart"]) - {""}))
    if chart is not None:
        if chart not in charts and len(oc):
            from rapidfuzz import process

            best = process.extractOne(chart, charts) if charts else None
            hint = f" Did you mean {best[0]!r}?" if best and best[1] >= 60 else ""
            raise RulesError(
                f"object_codes.csv has no chart {chart!r}.{hint} Charts: {', '.join(charts)}.",
                file="object_codes.csv",
                column="chart",
                value=chart,
            )
        oc = oc[(oc["chart"] == chart) | (oc["chart"] == "")]
    elif len(charts) > 1:
        oc = oc.iloc[0:0]
    dup = oc.duplicated(["object_code"], keep=False)
    if dup.any():
        r = oc[dup].iloc[0]
        raise RulesError(
            f"object_codes.csv, row {r['_row']}: object code {r['object_code']!r} appears more "
            f"than once in chart {r['chart']!r}.",
            file="object_codes.csv",
            row=int(r["_row"]),
            column="object_code",
            value=r["object_code"],
        )
    if knowledge is True:
        know = load_knowledge()
    elif knowledge is False or knowledge is None:
        know = None
    elif isinstance(knowledge, Knowledge):
        know = knowledge
    else:
        know = load_knowledge(knowledge)
    return Rules(
        knowledge=know,
        object_codes=oc.reset_index(drop=True),
        vendors=tables["vendors"],
        keywords=tables["keywords"],
        mcc=tables["mcc"],
        chart=chart if chart is not None else (charts[0] if len(charts) == 1 else None),
        folder=folder,
        charts=charts,
    )


# ---------------------------------------------------------------------------
# vendor names
# ---------------------------------------------------------------------------


def match_vendors(
    vendors: pd.Series,
    rules: Rules,
    *,
    threshold: float = FUZZY_THRESHOLD,
    fuzzy: bool = True,
    scorer: Any = None,
) -> pd.DataFrame:
    """Match ledger vendor names to ``rules.vendors`` (exact key, then fuzzy), over unique names.

    The fuzzy step scores the normalised names with :func:`vendor_name_score`
    (or ``scorer``, e.g. ``rapidfuzz.fuzz.WRatio``) over
    the unique names only, each against the known names sharing a word
    prefix with it; the best known name at or above ``threshold`` wins.

    Parameters
    ----------
    vendors : Series of str
        The ledger's vendor names (missing names match nothing).
    rules : Rules
        From :func:`load_rules`; its ``vendors`` table is matched.
    threshold : float
        Lowest fuzzy score (0..100) that counts as a match.
    fuzzy : bool
        Try the fuzzy step for names without an exact key (a name shaped like a
        person's never is).
    scorer : callable, optional
        ``scorer(query, choice, ...)`` -> 0..100 instead of :func:`vendor_name_score`.

    Returns
    -------
    DataFrame
        Aligned with ``vendors``: ``vendor_canonical`` (the rules' name or NA),
        ``vendor_method`` (``vendor``, ``vendor_fuzzy`` or NA), ``vendor_score``
        (0..100), ``vendor_row`` (row position in ``rules.vendors`` or -1).

    Examples
    --------
    >>> rules = Rules(object_codes=pd.DataFrame(), keywords=pd.DataFrame(), mcc=pd.DataFrame(),
    ...               vendors=pd.DataFrame({"vendor": ["W.W. Grainger Inc"],
    ...                                     "vendor_key": ["ww grainger"]}))
    >>> m = match_vendors(pd.Series(["Grainger, W W", "GRAINGER WW", "Acme"]), rules)
    >>> m["vendor_method"].tolist(), m["vendor_score"].tolist(), m["vendor_row"].tolist()
    (['vendor', 'vendor_fuzzy', nan], [100.0, 98.0, 0.0], [0, 0, -1])
    """
    vendors = pd.Series(vendors)
    codes, uniq, person = vendor_key_codes(vendors, with_person=True)
    known = rules.vendors
    n_u = len(uniq)
    row = np.full(n_u, -1, dtype=np.int64)
    score = np.zeros(n_u)
    method = np.full(n_u, None, dtype=object)
    if len(known) and n_u:
        # first row wins for each key
        first = known.drop_duplicates("vendor_key")
        key_to_row = pd.Series(first.index.to_numpy(), index=first["vendor_key"].to_numpy())
        hit = pd.Index(key_to_row.index).get_indexer(pd.Index(uniq))
        exact = hit >= 0
        row[exact] = key_to_row.to_numpy()[hit[exact]]
        score[exact] = 100.0
        method[exact] = "vendor"
        # a person's name ("SMITH, JOHN") is never fuzzy-matched to a firm
        if fuzzy and (~exact & ~person).any():
            queries = [str(x) for x in np.asarray(uniq, dtype=object)[~exact & ~person]]
            choices = [str(x) for x in first["vendor_key"]]
            qidx = np.flatnonzero(~exact & ~person)
            best_row, best_sc = fuzzy_best(
                queries, choices, scorer or vendor_name_score, threshold, cache=rules.cache
            )
            ok = best_row >= 0
            row[qidx[ok]] = first.index.to_numpy()[best_row[ok]]
            score[qidx[ok]] = best_sc[ok]
            method[qidx[ok]] = "vendor_fuzzy"
    has = codes >= 0
    out_row = np.full(len(vendors), -1, dtype=np.int64)
    out_row[has] = row[codes[has]]
    out_score = np.zeros(len(vendors))
    out_score[has] = score[codes[has]]
    out_method = np.full(len(vendors), None, dtype=object)
    out_method[has] = method[codes[has]]
    canon = np.full(len(vendors), None, dtype=object)
    found = out_row >= 0
    if len(known):
        canon[found] = known["vendor"].to_numpy(dtype=object)[out_row[found]]
    return pd.DataFrame(
        {
            "vendor_canonical": pd.Series(canon, dtype="str"),
            "vendor_method": pd.Series(out_method, dtype="str"),
            "vendor_score": out_score,
            "vendor_row": out_row,
        },
        index=vendors.index,
    )


# ---------------------------------------------------------------------------
# keywords
# ---------------------------------------------------------------------------


def match_keywords(
    descriptions: pd.Series,
    keywords: pd.DataFrame,
    *,
    factorized: tuple[np.ndarray, Any] | None = None,
) -> pd.DataFrame:
    """Which keyword rules match each description (vectorised over unique descriptions).

    Rules are tried by descending ``priority`` (file order breaks ties). For
    each description the result names the winning rule for exclusion or
    classification (``kw_row``: the highest-priority rule with a NAICS code or
    an exclusion reason) and for capital (``kw_capital_row``: the highest-priority
    rule with a ``capital`` value). ``-1`` means no rule. ``factorized`` may
    pass ``pd.factorize(descriptions)`` when the caller has it already.

    Parameters
    ----------
    descriptions : Series of str
        The lines' descriptions (missing ones match nothing).
    keywords : DataFrame
        ``rules.keywords``: ``pattern`` (a case-insensitive regular
        expression), ``naics6``, ``exclude_reason``, ``capital`` (optional) and
        ``priority``.
    factorized : (codes, uniques), optional
        ``pd.factorize(descriptions, use_na_sentinel=True)``, reused.

    Returns
    -------
    DataFrame
        Aligned with ``descriptions``: ``kw_row`` and ``kw_capital_row``, the
        row label in ``keywords`` of the winning rule (int64, -1: none).

    Examples
    --------
    >>> kw = pd.DataFrame({"pattern": [r"\\bpaving\\b", r"\\bnet pay\\b"],
    ...                    "naics6": ["237310", None], "exclude_reason": [None, "payroll_benefits"],
    ...                    "capital": [1.0, None], "priority": [50, 90]})
    >>> match_keywords(pd.Series(["Net pay period 3", "Street paving", "paper"]), kw)
       kw_row  kw_capital_row
    0       1              -1
    1       0               0
    2      -1              -1
    """
    descriptions = pd.Series(descriptions)
    codes, uniq = (
        factorized if factorized is not None else pd.factorize(descriptions, use_na_sentinel=True)
    )
    n_u = len(uniq)
    main = np.full(n_u, -1, dtype=np.int64)
    cap = np.full(n_u, -1, dtype=np.int64)
    if n_u and len(keywords):
        u = [str(x) for x in np.asarray(uniq, dtype=object)]
        order = keywords.assign(_pos=np.arange(len(keywords))).sort_values(
            ["priority", "_pos"], ascending=[False, True], kind="stable"
        )
        has_main = (order["naics6"].notna() | order["exclude_reason"].notna()).to_numpy()
        has_cap = (
            order["capital"].notna().to_numpy()
            if "capital" in order
            else np.zeros(len(order), bool)
        )
        for pat, r, hm, hc in zip(
            order["pattern"], order.index.to_numpy(), has_main, has_cap, strict=True
        ):
            need = np.zeros(n_u, dtype=bool)
            if hm:
                need |= main < 0
            if hc:
                need |= cap < 0
            if not need.any():
                continue
            idx = np.flatnonzero(need)
            rx = _keyword_regex(pat)
            got = np.fromiter((rx.search(u[i]) is not None for i in idx), bool, len(idx))
            hit = idx[got]
            if hm:
                sel = hit[main[hit] < 0]
                main[sel] = r
            if hc:
                sel = hit[cap[hit] < 0]
                cap[sel] = r
    has = codes >= 0
    out_main = np.full(len(descriptions), -1, dtype=np.int64)
    out_cap = np.full(len(descriptions), -1, dtype=np.int64)
    out_main[has] = main[codes[has]]
    out_cap[has] = cap[codes[has]]
    return pd.DataFrame({"kw_row": out_main, "kw_capital_row": out_cap}, index=descriptions.index)


# ---------------------------------------------------------------------------
# all rule look-ups for a lines table
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _keyword_regex(pattern: str) -> re.Pattern:
    """A keyword rule compiled as ``str.contains(pattern, flags=re.IGNORECASE)`` does."""
    return re.compile(pattern, re.IGNORECASE)


def _lookup_codes(
    values: pd.Series,
    table: pd.DataFrame,
    key: str,
    prefix: bool,
    *,
    prepare: Any = None,
) -> np.ndarray:
    """Row position in ``table`` for each value (exact, then leading-zero-free, then prefix).

    ``prepare`` (a function on a Series of str) tidies the distinct values first.
    """
    out = np.full(len(values), -1, dtype=np.int64)
    if not len(table):
        return out
    codes, uniq = factorize_text(values.astype("str"))
    if not len(uniq):
        return out
    u = pd.Series(uniq, dtype=object).astype(str)
    if prepare is not None:
        u = prepare(u.astype("str")).astype(object).astype(str)
    u = u.str.strip()
    keys = table[key].astype(str)
    idx = pd.Index(keys.to_numpy()).get_indexer(pd.Index(u.to_numpy()))
    if (idx < 0).any() and key == "object_code":
        # 010 vs 10, 5210.0 vs 5210
        strip_keys = pd.Index(keys.str.lstrip("0").to_numpy())
        if strip_keys.is_unique:
            alt = strip_keys.get_indexer(pd.Index(u.str.lstrip("0").to_numpy()))
            idx = np.where(idx < 0, alt, idx)
        if prefix and (idx < 0).any():
            # sub-accounts: the longest listed code that starts the ledger's account
            lens = sorted({len(k) for k in keys if k}, reverse=True)
            key_index = pd.Index(keys.to_numpy())
            for L in lens:
                todo = idx < 0
                if not todo.any():
                    break
                cand = u[todo].str.slice(0, L)
                # a sub-account continues the code after a separator ("5210-01",
                # "5210.100"); more digits make another code: a 5-digit Norwegian
                # konto "15000" (art 500, interest) is not the 4-digit "1500" (training)
                nxt = u[todo].str.slice(L, L + 1)
                ok_len = (
                    (u[todo].str.len() > L) & ~(nxt.str.isdigit() & cand.str.isdigit())
                ).to_numpy(dtype=bool)
                got = key_index.get_indexer(pd.Index(cand.to_numpy()))
                got = np.where(ok_len, got, -1)
                idx[np.flatnonzero(todo)] = np.where(got >= 0, got, -1)
    has = codes >= 0
    out[has] = idx[codes[has]]
    return out


def _mcc_codes(u: pd.Series) -> pd.Series:
    return u.str.replace(r"\.0$", "", regex=True).str.zfill(4)


def rule_hits(
    lines: pd.DataFrame, rules: Rules, *, fuzzy_threshold: float = FUZZY_THRESHOLD
) -> pd.DataFrame:
    """Every rule look-up for every line: object code, vendor (exact/fuzzy), MCC, keywords.

    Parameters
    ----------
    lines : DataFrame
        Canonical lines; ``account``, ``vendor``, ``mcc`` and ``description``
        are used where present.
    rules : Rules
        From :func:`load_rules`.
    fuzzy_threshold : float
        Lowest fuzzy vendor score (0..100) that counts (see :func:`match_vendors`).

    Returns
    -------
    DataFrame
        Aligned with ``lines`` with, per source ``oc``, ``vendor``,
        ``mcc`` and ``kw``: ``<src>_naics6``, ``<src>_reason``, ``<src>_confidence``;
        capital flags ``oc_capital`` and ``kw_capital``; and the vendor match
        details (``vendor_canonical``, ``vendor_method``, ``vendor_score``). A
        fuzzy vendor match's confidence is scaled down from the list's (half of
        it at the threshold).

    Examples
    --------
    >>> rules = Rules(object_codes=pd.DataFrame(), mcc=pd.DataFrame(),
    ...     vendors=pd.DataFrame({"vendor": ["City Electric Utility"], "naics6": [None],
    ...         "exclude_reason": ["scope12_electricity"], "confidence": [0.95],
    ...         "vendor_key": ["city electric utility"]}),
    ...     keywords=pd.DataFrame({"pattern": [r"\\bpaving\\b"], "naics6": ["237310"],
    ...         "exclude_reason": [None], "capital": [1.0], "priority": [50], "confidence": [0.8]}))
    >>> h = rule_hits(pd.DataFrame({"vendor": ["City Electric Utility", "Acme"],
    ...                             "description": ["May bill", "Street paving"]}), rules)
    >>> h["vendor_reason"].tolist(), h["kw_naics6"].tolist(), h["kw_capital"].tolist()
    (['scope12_electricity', None], [None, '237310'], [nan, 1.0])
    """
    return rule_hits_and_rows(lines, rules, fuzzy_threshold=fuzzy_threshold)[0]


def rule_hits_and_rows(
    lines: pd.DataFrame,
    rules: Rules,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    factorized: dict | None = None,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """:func:`rule_hits` and the matched row of each table per line (``-1``: none).

    ``factorized`` (a dict) receives ``pd.factorize`` of the description column
    for :func:`find_voids` to reuse.

    Parameters
    ----------
    lines : DataFrame
        As for :func:`rule_hits`.
    rules : Rules
        From :func:`load_rules`.
    fuzzy_threshold : float
        Lowest fuzzy vendor score (0..100) that counts.
    factorized : dict, optional
        Receives ``"description"``: ``(codes, uniques)`` when ``lines`` has
        that column.

    Returns
    -------
    (DataFrame, dict)
        The :func:`rule_hits` frame, and ``{"oc", "vendor", "mcc", "kw"}`` ->
        int array per line: the row position matched in ``rules.object_codes``,
        ``rules.vendors``, ``rules.mcc`` and the row label in ``rules.keywords``
        (-1: none).

    Examples
    --------
    >>> rules = Rules(object_codes=pd.DataFrame(), mcc=pd.DataFrame(),
    ...     vendors=pd.DataFrame({"vendor": ["Acme Inc"], "naics6": ["423840"],
    ...         "exclude_reason": [None], "confidence": [0.9], "vendor_key": ["acme"]}),
    ...     keywords=pd.DataFrame({"pattern": ["paving"], "naics6": ["237310"],
    ...         "exclude_reason": [None], "priority": [50], "confidence": [0.8]}))
    >>> seen = {}
    >>> hits, rows = rule_hits_and_rows(pd.DataFrame({"vendor": ["ACME", "Bolt"],
    ...     "description": ["gloves", "paving"]}), rules, factorized=seen)
    >>> rows["vendor"].tolist(), rows["kw"].tolist(), list(seen)
    ([0, -1], [-1, 0], ['description'])
    """
    n = len(lines)
    idx = lines.index
    res: dict[str, Any] = {}

    def take(table: pd.DataFrame, rows: np.ndarray, col: str, dtype: str) -> pd.Series:
        # object/float arrays (no per-value string validation on a million lines)
        found = rows >= 0
        if dtype == "float":
            out = np.full(n, np.nan)
            if len(table) and found.any():
                out[found] = table[col].to_numpy(dtype=float)[rows[found]]
            return pd.Series(out, index=idx)
        out = np.full(n, None, dtype=object)
        if len(table) and found.any():
            vals = table[col].to_numpy(dtype=object)
            vals = np.where(pd.isna(vals), None, vals)  # NA -> None on the table, not per line
            out[found] = vals[rows[found]]
        return pd.Series(out, index=idx, dtype=object)

    def col_or_na(name: str) -> pd.Series:
        if name in lines:
            return lines[name]
        return pd.Series(np.nan, index=idx, dtype="str")

    # object codes
    oc_rows = _lookup_codes(col_or_na("account"), rules.object_codes, "object_code", prefix=True)
    res["oc_naics6"] = take(rules.object_codes, oc_rows, "naics6", "str")
    res["oc_reason"] = take(rules.object_codes, oc_rows, "exclude_reason", "str")
    res["oc_confidence"] = take(rules.object_codes, oc_rows, "confidence", "float")
    res["oc_capital"] = take(rules.object_codes, oc_rows, "capital", "float")
    # vendors
    vm = match_vendors(col_or_na("vendor"), rules, threshold=fuzzy_threshold)
    vrows = vm["vendor_row"].to_numpy()
    res["vendor_naics6"] = take(rules.vendors, vrows, "naics6", "str")
    res["vendor_reason"] = take(rules.vendors, vrows, "exclude_reason", "str")
    conf = take(rules.vendors, vrows, "confidence", "float")
    # exact: the list's confidence; fuzzy: from half of it at the threshold up to all of it at 100
    sc = vm["vendor_score"].to_numpy()
    span = max(1e-9, 100.0 - fuzzy_threshold)
    scale = np.where(sc >= 100, 1.0, 0.5 + 0.5 * np.clip((sc - fuzzy_threshold) / span, 0, 1))
    res["vendor_confidence"] = conf * scale
    res["vendor_canonical"] = vm["vendor_canonical"]
    res["vendor_method"] = vm["vendor_method"].astype(object)
    res["vendor_score"] = vm["vendor_score"]
    # MCC
    mrows = _lookup_codes(col_or_na("mcc"), rules.mcc, "mcc", prefix=False, prepare=_mcc_codes)
    res["mcc_naics6"] = take(rules.mcc, mrows, "naics6", "str")
    res["mcc_reason"] = take(rules.mcc, mrows, "exclude_reason", "str")
    res["mcc_confidence"] = take(rules.mcc, mrows, "confidence", "float")
    # keywords
    desc = col_or_na("description")
    fact = factorize_text(desc)
    if factorized is not None and "description" in lines:
        factorized["description"] = fact
    km = match_keywords(desc, rules.keywords, factorized=fact)
    krows = km["kw_row"].to_numpy()
    res["kw_naics6"] = take(rules.keywords, krows, "naics6", "str")
    res["kw_reason"] = take(rules.keywords, krows, "exclude_reason", "str")
    res["kw_confidence"] = take(rules.keywords, krows, "confidence", "float")
    res["kw_capital"] = take(rules.keywords, km["kw_capital_row"].to_numpy(), "capital", "float")
    out = pd.DataFrame(res, index=idx, copy=False)  # fresh columns: no consolidating copy
    assert len(out) == n
    rows = {"oc": oc_rows, "vendor": vrows, "mcc": mrows, "kw": krows}
    return out, rows


# ---------------------------------------------------------------------------
# duplicates and voids
# ---------------------------------------------------------------------------


def _source_order(lines: pd.DataFrame) -> np.ndarray:
    """Rank of each line in physical order (file, line), independent of row order."""
    n = len(lines)
    if "source_file" in lines and "source_line" in lines:
        # the file names factorized (Arrow for text): no object copy of every line's name
        codes, names = factorize_text(lines["source_file"].astype("str").fillna(""))
        ln = lines["source_line"].to_numpy()
        if n < 2 or _in_physical_order(codes, ln, names):
            return np.arange(n, dtype=np.int64)
        sorted_rank = np.empty(len(names), dtype=np.int64)
        sorted_rank[np.argsort(names, kind="stable")] = np.arange(len(names))
        fcode = sorted_rank[codes]  # codes in the order of the sorted names
        order = np.lexsort((ln, fcode))
    else:
        order = np.arange(n)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank


def _in_physical_order(
    files: np.ndarray, line_no: np.ndarray, names: np.ndarray | None = None
) -> bool:
    """Whether the rows are sorted by (file name, line) already (the usual case).

    ``files`` holds the names, or their codes into ``names``.
    """
    same = files[1:] == files[:-1]  # one file's lines are one block of identical names
    starts = np.flatnonzero(~same) + 1
    heads = files[np.r_[0, starts]]
    heads = (heads if names is None else names[heads]).tolist()
    if any(a >= b for a, b in zip(heads, heads[1:], strict=False)):
        return False
    return bool((np.diff(line_no)[same] > 0).all())


def _present(lines: pd.DataFrame, col: str) -> bool:
    return col in lines and bool(lines[col].notna().any())


def _cents(amount: pd.Series) -> np.ndarray:
    a = amount.astype(float).to_numpy()
    return (np.sign(a) * np.floor(np.abs(a) * 100 + 0.5 + 1e-9)).astype(np.int64)


def _contains(
    values: pd.Series, pattern: str, factorized: tuple[np.ndarray, Any] | None = None
) -> np.ndarray:
    """Boolean array: ``pattern`` found in the text (evaluated once per unique value)."""
    codes, uniq = (
        factorized if factorized is not None else pd.factorize(values, use_na_sentinel=True)
    )
    if not len(uniq):
        return np.zeros(len(values), dtype=bool)
    hit = pd.Series(uniq, dtype=object).astype(str).str.contains(pattern, regex=True)
    return np.append(hit.to_numpy(dtype=bool), False)[codes]


def find_voids(
    lines: pd.DataFrame,
    rank: np.ndarray | None = None,
    *,
    cents: np.ndarray | None = None,
    factorized: dict | None = None,
) -> np.ndarray:
    """Boolean mask of lines that are a voided payment or the void that cancels it.

    A negative line cancels the earliest earlier, not yet cancelled, positive
    line to the same vendor with the same invoice (or payment id) and the
    opposite amount; both are voids. A ``status_text`` such as VOID marks a
    line as void on its own (and it cancels its partner when it has one). A
    later re-issue of the same payment stays included.

    Parameters
    ----------
    lines : DataFrame
        Needs ``amount`` and ``vendor``; ``invoice`` or ``payment_id``,
        ``status_text`` and ``description`` are used where present.
    rank : ndarray of int, optional
        Each line's rank in physical order; default from ``source_file`` and
        ``source_line`` (or the row order).
    cents : ndarray of int64, optional
        The amounts in cents, when the caller has them already.
    factorized : dict, optional
        ``pd.factorize`` of ``status_text`` / ``description`` by column name,
        reused (see :func:`rule_hits_and_rows`).

    Returns
    -------
    ndarray of bool
        One per line: True for a voided payment and for the line that voids it.

    Examples
    --------
    >>> df = pd.DataFrame({"vendor": ["Acme", "Acme", "Acme", "Bolt"],
    ...                    "invoice": ["7", "7", "7", "8"], "amount": [120.0, -120.0, 120.0, 50.0]})
    >>> find_voids(df).tolist()
    [True, True, False, False]
    >>> find_voids(pd.DataFrame({"vendor": ["Acme", "Bolt"], "amount": [10.0, 5.0],
    ...                          "status_text": ["VOID", "Paid"]})).tolist()
    [True, False]
    """
    n = len(lines)
    if rank is None:
        rank = _source_order(lines)
    factorized = factorized or {}
    void = np.zeros(n, dtype=bool)
    flagged = np.zeros(n, dtype=bool)
    if "status_text" in lines:
        flagged |= _contains(lines["status_text"], VOID_STATUS, factorized.get("status_text"))
    if "description" in lines:
        # "VOID - <original description>" written by systems without a status column
        flagged |= _contains(lines["description"], VOID_DESCRIPTION, factorized.get("description"))
    void |= flagged
    ref = None
    for c in ("invoice", "payment_id"):
        if _present(lines, c):
            ref = c
            break
    cents = _cents(lines["amount"]) if cents is None else cents
    neg = cents < 0
    if ref is None:
        # without an invoice or payment reference only flagged negatives pair up
        neg &= flagged
    if not neg.any():
        return void
    # candidates first on the amount alone (cheap), then on amount and reference,
    # then the full key (with the vendor) on those few
    pos_amount = (cents > 0) & pd.Series(cents).isin(np.unique(-cents[neg])).to_numpy()
    ci = np.flatnonzero(neg | pos_amount)
    r = (
        lines[ref].iloc[ci].astype("str").fillna("").to_numpy(dtype=object)
        if ref
        else np.full(len(ci), "", dtype=object)
    )
    key = pd.DataFrame({"r": r, "c": np.abs(cents[ci]), "rank": rank[ci], "i": ci})
    is_pos = cents[ci] > 0
    is_neg = neg[ci]
    # (reference, amount) as one integer: a positive line stays when a negative shares it
    r_idx = pd.factorize(r)[0].astype(np.int64)
    c_idx = pd.factorize(key["c"].to_numpy())[0].astype(np.int64)
    rc = r_idx * (int(c_idx.max()) + 1) + c_idx
    keep = is_neg | (is_pos & pd.Series(rc).isin(np.unique(rc[is_neg])).to_numpy())
    key = key[keep]
    if not is_neg[keep].any() or not (is_pos[keep]).any():
        return void
    is_pos, is_neg = is_pos[keep], is_neg[keep]
    vend = lines["vendor"].iloc[key["i"].to_numpy()].astype("str").fillna("")
    key.insert(0, "v", vend.str.strip().str.casefold().to_numpy())
    k = ["v", "r", "c"]
    pos_df = key[is_pos].sort_values("rank")
    neg_df = key[is_neg].sort_values("rank")
    pos_df = pos_df.merge(neg_df[k].drop_duplicates(), on=k)
    if pos_df.empty:
        return void
    # the k-th negative of a key cancels the k-th positive of that key, when it comes later
    pos_df["nth"] = pos_df.groupby(k, sort=False).cumcount()
    neg_df["nth"] = neg_df.groupby(k, sort=False).cumcount()
    pairs = pos_df.merge(neg_df, on=k + ["nth"], suffixes=("_p", "_n"))
    pairs = pairs[pairs["rank_p"] < pairs["rank_n"]]
    void[pairs["i_p"].to_numpy()] = True
    void[pairs["i_n"].to_numpy()] = True
    return void


def find_duplicates(
    lines: pd.DataFrame,
    rank: np.ndarray | None = None,
    *,
    skip: np.ndarray | None = None,
    cents: np.ndarray | None = None,
    possible: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Boolean mask of repeats of an earlier line (the first one is not marked).

    A line is a **duplicate** only when its payment identity repeats: the same
    vendor and amount with the same invoice number and/or payment id (every id
    column the mapping gives counts), and the same date, account and
    description. One invoice split across accounts, or with different amounts,
    is not a duplicate. A line without any invoice or payment id cannot be told
    from a regular instalment: when it repeats an earlier line exactly it is a
    **possible duplicate**, flagged for review and kept.

    Parameters
    ----------
    lines : DataFrame
        Needs ``amount``; ``vendor``, ``invoice``, ``payment_id``, ``date``,
        ``account`` and ``description`` are compared where present.
    rank : ndarray of int, optional
        Each line's rank in physical order (the earliest is kept); default from
        ``source_file`` and ``source_line`` (or the row order).
    skip : ndarray of bool, optional
        Lines never marked nor compared (e.g. voids found already).
    cents : ndarray of int64, optional
        The amounts in cents, when the caller has them already.
    possible : bool
        Also return the mask of possible duplicates.

    Returns
    -------
    ndarray of bool, or (ndarray, ndarray) with ``possible``
        Per line: a duplicate; with ``possible`` also: a possible duplicate
        (an exact repeat without any invoice or payment id).

    Examples
    --------
    >>> df = pd.DataFrame({"vendor": ["A", "A", "B", "B"], "amount": [5.0, 5.0, 9.0, 9.0],
    ...                    "invoice": ["1", "1", None, None],
    ...                    "date": pd.to_datetime(["2024-01-01"] * 4)})
    >>> dup, maybe = find_duplicates(df, possible=True)
    >>> dup.tolist(), maybe.tolist()
    ([False, True, False, False], [False, False, False, True])
    """
    n = len(lines)
    if rank is None:
        rank = _source_order(lines)
    ids = [c for c in ("invoice", "payment_id") if _present(lines, c)]
    cols = ["vendor"] if "vendor" in lines else []
    cols += ids
    cols += [c for c in ("date", "account", "description") if c in lines]
    out = np.zeros(n, dtype=bool)
    maybe = np.zeros(n, dtype=bool)
    cents = _cents(lines["amount"]) if cents is None else cents
    # candidates: same amount and date as another line (a hash of the two: equal
    # pairs always collide; a rare false collision only adds a candidate); the full
    # comparison runs on those
    h = cents.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    if "date" in lines:
        d = lines["date"].to_numpy()
        d = d.view(np.int64) if d.dtype.kind == "M" else pd.factorize(d)[0].astype(np.int64)
        h ^= d.astype(np.uint64) + np.uint64(0x632BE59BD9B4E019) + (h << np.uint64(6))
    cand = pd.Series(h).duplicated(keep=False).to_numpy().copy()
    if skip is not None:
        cand &= ~skip
    ci = np.flatnonzero(cand)
    if len(ci) < 2:
        return (out, maybe) if possible else out
    sub = lines.iloc[ci]
    key = pd.DataFrame({c: sub[c].to_numpy() for c in cols})
    key["_cents"] = cents[ci]
    key["_rank"] = rank[ci]
    key["_i"] = ci
    if ids:
        has_id = np.zeros(len(ci), dtype=bool)
        for c in ids:
            nonblank = sub[c].astype("str").str.strip().ne("").fillna(False)
            has_id |= sub[c].notna().to_numpy(dtype=bool) & nonblank.to_numpy(dtype=bool)
    else:
        has_id = np.zeros(len(ci), dtype=bool)
    key["_has_id"] = has_id.astype(bool)
    key = key.sort_values("_rank", kind="stable")
    dup = key.duplicated([c for c in key.columns if c not in ("_rank", "_i")], keep="first")
    rep = key.loc[dup]
    rid = rep["_has_id"].to_numpy(dtype=bool)
    out[rep["_i"].to_numpy()[rid]] = True
    maybe[rep["_i"].to_numpy()[~rid]] = True
    return (out, maybe) if possible else out


# ---------------------------------------------------------------------------
# the exclusion step
# ---------------------------------------------------------------------------

#: Reasons of ``read_note`` (contract C1) that exclude a line as they are.
READ_NOTES = ("summary_row", "mapping_filter")

#: Below this confidence a rule's code gives way (see :func:`knowledge_mask`).
MIN_CONFIDENCE = 0.5


def knowledge_mask(
    lines: pd.DataFrame,
    hits: pd.DataFrame,
    *,
    min_confidence: float = MIN_CONFIDENCE,
    rules: Rules | None = None,
    rows: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Lines the rule tables do not settle: general knowledge is looked up for these only.

    A line is settled when a table excludes it (object code, keyword, vendor,
    MCC), when its account is a purchase account of the chart, or when a table
    gives it a code with at least ``min_confidence``; lines with a
    ``read_note`` are settled too. ``rules`` and ``rows`` (from
    :func:`rule_hits_and_rows`) let the tests run on the small tables.

    Parameters
    ----------
    lines : DataFrame
        The lines (``read_note`` is used where present).
    hits : DataFrame
        :func:`rule_hits` of the lines (``<src>_naics6``, ``<src>_reason``,
        ``<src>_confidence`` for ``oc``, ``kw``, ``vendor`` and ``mcc``).
    min_confidence : float
        Below this a table's code (other than an object code's) leaves the line
        to the general knowledge.
    rules : Rules, optional
        With ``rows``: test "has a reason / a code" on the tables, by row.
    rows : dict of str to ndarray, optional
        The matched rows from :func:`rule_hits_and_rows`.

    Returns
    -------
    ndarray of bool
        One per line: True where the general knowledge is to be looked up.

    Examples
    --------
    >>> h = pd.DataFrame({s + "_" + c: [None, None] for s in ("oc", "kw", "vendor", "mcc")
    ...                   for c in ("naics6", "reason")})
    >>> for s in ("oc", "kw", "vendor", "mcc"): h[s + "_confidence"] = np.nan
    >>> h.loc[0, "oc_naics6"], h.loc[0, "oc_confidence"] = "541110", 0.9
    >>> knowledge_mask(pd.DataFrame({"amount": [1.0, 2.0]}), h).tolist()
    [False, True]
    """
    n = len(lines)
    settled = np.zeros(n, dtype=bool)
    tables = (
        {"oc": rules.object_codes, "kw": rules.keywords, "vendor": rules.vendors, "mcc": rules.mcc}
        if rules is not None and rows is not None
        else None
    )
    for src in ("oc", "kw", "vendor", "mcc"):
        if tables is not None and len(tables[src]):
            # the "has a reason / a code" tests on the small table, then per line by row
            t = tables[src]
            r = rows[src]
            reason = np.append(t["exclude_reason"].notna().to_numpy(dtype=bool), False)[r]
            code = np.append(t["naics6"].notna().to_numpy(dtype=bool), False)[r]
        elif tables is not None:
            continue  # an empty table matches nothing
        else:
            reason = pd.notna(hits[f"{src}_reason"].to_numpy(dtype=object))
            code = pd.notna(hits[f"{src}_naics6"].to_numpy(dtype=object))
        conf = np.nan_to_num(hits[f"{src}_confidence"].to_numpy(dtype=float), nan=0.0)
        settled |= reason | (code & (conf >= min_confidence))
        if src == "oc":
            settled |= code
    if "read_note" in lines:
        settled |= lines["read_note"].isin(READ_NOTES).to_numpy(dtype=bool)
    return ~settled


def _max_conf(*pairs: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Per line, the highest confidence among the sources that give a code."""
    best = None
    for code, conf in pairs:
        c = np.where(pd.notna(code), np.nan_to_num(conf, nan=0.0), -1.0)
        best = c if best is None else np.maximum(best, c)
    return best


def knowledge_exclusions(
    kh: pd.DataFrame, *, table_code_conf: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(reason, method) per line from the general knowledge (None where it does not exclude).

    A Norwegian line on an exclusion or income art (KOSTRA) is excluded by the
    art alone. Otherwise the first exclusion among phrase (account text or
    description), supplier, vendor cue and MCC applies unless the line's
    purchase evidence (a supplier, MCC, phrase, art or table code) is more
    confident: "DEVON COUNTY COUNCIL" is a transfer, but a firm whose account
    says "Electricity" is Scope 2 whatever its name suggests. A grant to
    another public body (a government vendor) is a ``transfer``.

    Parameters
    ----------
    kh : DataFrame
        :func:`cohort_helpers.rules.knowledge_hits` of the lines.
    table_code_conf : ndarray of float, optional
        Per line, the confidence of a code the rule tables gave (purchase
        evidence that an exclusion has to beat).

    Returns
    -------
    (ndarray, ndarray)
        Object arrays, one value per line: the exclusion reason and the method
        that gave it (``kostra_art``, ``phrase``, ``supplier``, ``vendor_cue``
        or ``mcc``); None where the line is not excluded.

    Examples
    --------
    >>> kh = knowledge_hits(pd.DataFrame({"vendor": ["ACME LTD"], "amount": [1.0],
    ...     "account_name": ["Grants and Subsidies"], "currency": ["GBP"]}),
    ...     load_knowledge(census=False))
    >>> reason, method = knowledge_exclusions(kh)
    >>> reason.tolist(), method.tolist()
    (['grant_passthrough'], ['phrase'])
    """
    n = len(kh)
    reason = np.full(n, None, dtype=object)
    method = np.full(n, None, dtype=object)
    kr = kh["kostra_reason"].to_numpy(dtype=object)
    m = pd.notna(kr)
    reason[m] = kr[m]
    method[m] = "kostra_art"
    ev = _max_conf(
        *(
            (kh[f"{s}_code"].to_numpy(dtype=object), kh[f"{s}_confidence"].to_numpy(dtype=float))
            for s in ("phrase", "supplier", "mcc", "kostra")
        )
    )
    if table_code_conf is not None:
        ev = np.maximum(ev, table_code_conf)
    for src, how in (
        ("phrase", "phrase"),
        ("supplier", "supplier"),
        ("cue", "vendor_cue"),
        ("mcc", "mcc"),
    ):
        r = kh[f"{src}_reason"].to_numpy(dtype=object)
        c = np.nan_to_num(kh[f"{src}_confidence"].to_numpy(dtype=float), nan=0.0)
        take = (reason == None) & pd.notna(r) & (c >= ev)  # noqa: E711 - object array
        reason[take] = r[take]
        method[take] = how
    # a grant or contribution to another public body is a transfer between governments
    public = kh["government"].to_numpy(dtype=bool)
    gov = public & (reason == "grant_passthrough")
    reason[gov] = "transfer"
    # a refund or treasurer's disbursement paid to a public body is what that body is
    # paid for: a distribution (transfer), a tax or fee remitted, a loan repaid
    sr = kh["supplier_reason"].to_numpy(dtype=object)
    cr = kh["cue_reason"].to_numpy(dtype=object)
    own = np.where(pd.notna(sr), sr, cr)
    own_m = np.where(pd.notna(sr), "supplier", "vendor_cue")
    ref = public & (reason == "refund") & pd.notna(own) & (own != "refund")
    reason[ref] = own[ref]
    method[ref] = own_m[ref]
    return reason, method


def apply_exclusions(
    lines: pd.DataFrame,
    rules: Rules,
    overrides: pd.DataFrame | str | Path | None = None,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    hits: pd.DataFrame | None = None,
    rows: dict[str, np.ndarray] | None = None,
    factorized: dict | None = None,
    knowledge: pd.DataFrame | bool | None = None,
) -> pd.DataFrame:
    """Mark lines included/excluded with a reason, and split operating from capital.

    Order (the first that applies decides): an override; the reader's note
    (``read_note``: a summary row, or a row the mapping's filter left out); a
    void pair; a duplicate; the object code's exclusion; the winning keyword
    rule's (the description says what this line is, e.g. gas on a combined
    utility's bill); the vendor's; the MCC's; then the general knowledge
    (:func:`knowledge_exclusions`: KOSTRA art, phrases, suppliers, vendor cues,
    MCC). Keyword, MCC and knowledge exclusions do not apply to lines coded to
    a purchase account (an object code with a NAICS code): "GASOLINE ENGINE" on
    a vehicle-parts account is not fuel. Exact repeats without an invoice or
    payment id stay included with ``flag = "possible_duplicate"``.

    Parameters
    ----------
    lines : DataFrame
        Canonical ledger lines (see :func:`cohort_helpers.ledger.read_ledger`).
    rules : Rules
        From :func:`load_rules`.
    overrides : DataFrame or path, optional
        A participant's overrides (:func:`cohort_helpers.overrides.load_overrides`);
        their ``exclude_reason`` wins over everything.
    hits, rows, factorized : optional
        What :func:`rule_hits_and_rows` returned (when the caller has it).
    knowledge : DataFrame or False, optional
        :func:`cohort_helpers.rules.knowledge_hits` for these lines (computed
        here when not given and ``rules.knowledge`` is set; ``False``: none).

    Returns
    -------
    DataFrame
        A copy of ``lines`` plus ``status`` (``included``/``excluded``),
        ``reason``, ``exclusion_method``, ``scope3_category`` (1 operating,
        2 capital) and ``flag``. Nothing is dropped.

    Examples
    --------
    >>> rules = load_rules(knowledge=True)                      # doctest: +SKIP
    >>> apply_exclusions(lines, rules)["status"].value_counts()  # doctest: +SKIP
    """
    if "amount" not in lines:
        raise ValueError("lines need at least the column 'amount' (see read_ledger).")
    out = lines.copy()
    n = len(out)
    if hits is None:
        hits, rows = rule_hits_and_rows(
            out, rules, fuzzy_threshold=fuzzy_threshold, factorized=factorized
        )
    if knowledge is False:
        knowledge = None
    elif knowledge is None and rules.knowledge is not None:
        kmask = knowledge_mask(out, hits, rules=rules, rows=rows)
        if kmask.any():
            knowledge = knowledge_hits(out, rules.knowledge, mask=kmask)
    rank = _source_order(out)
    reason = np.full(n, None, dtype=object)
    method = np.full(n, None, dtype=object)
    decided = np.zeros(n, dtype=bool)

    def assign(mask: np.ndarray, why: np.ndarray | str, how: str | np.ndarray) -> None:
        m = mask & ~decided
        reason[m] = why if isinstance(why, str) else why[m]
        method[m] = how if isinstance(how, str) else how[m]
        decided[m] = True

    tables = {"oc": rules.object_codes, "kw": rules.keywords, "vendor": rules.vendors}
    tables["mcc"] = rules.mcc

    def present(src: str, col: str) -> np.ndarray:
        """Whether ``hits[f"{src}_{col}"]`` has a value, per line."""
        if rows is None or not len(tables[src]):
            name = "naics6" if col == "naics6" else "reason"
            return pd.notna(hits[f"{src}_{name}"].to_numpy(dtype=object))
        has = np.append(tables[src][col].notna().to_numpy(dtype=bool), False)
        return has[rows[src]]  # row -1 (no match) takes the appended False

    if "read_note" in out:
        note = out["read_note"].astype("str")
        for r in READ_NOTES:
            assign((note == r).to_numpy(dtype=bool), r, r)
    purchase_account = present("oc", "naics6")
    cents = _cents(out["amount"])
    if "vendor" in out:
        void = find_voids(out, rank, cents=cents, factorized=factorized)
    else:
        void = np.zeros(n, dtype=bool)
    assign(void, "void", "void")
    dup, maybe = find_duplicates(out, rank, skip=void | decided, cents=cents, possible=True)
    assign(dup, "duplicate", "duplicate")
    for src, how in (
        ("oc", "object_code"),
        ("kw", "keyword"),
        ("vendor", "vendor"),
        ("mcc", "mcc"),
    ):
        r = hits[f"{src}_reason"].to_numpy(dtype=object)
        m = present(src, "exclude_reason")
        if src in ("kw", "mcc"):
            # a purchase account (object code with a NAICS code) outweighs a word in the
            # description or a card's merchant category ("GASOLINE ENGINE" parts)
            m &= ~purchase_account
        assign(m, r, how)
    if knowledge is not None:
        table_conf = _max_conf(
            *(
                (
                    hits[f"{s}_naics6"].to_numpy(dtype=object),
                    hits[f"{s}_confidence"].to_numpy(dtype=float),
                )
                for s in ("vendor", "kw", "mcc")
            )
        )
        kr, km = knowledge_exclusions(knowledge, table_code_conf=table_conf)
        assign(pd.notna(kr) & ~purchase_account, kr, km)
    # operating (1) vs capital (2): the line's own flag, else the object code, a keyword
    # or a capital phrase
    cap = (hits["oc_capital"].to_numpy(dtype=float) >= 1) | (
        hits["kw_capital"].to_numpy(dtype=float) >= 1
    )
    if knowledge is not None:
        cap |= knowledge["capital"].to_numpy(dtype=bool)
    if "capital_flag" in out:
        cf = out["capital_flag"].astype("boolean")
        has = cf.notna().to_numpy()
        cap[has] = cf[has].to_numpy(dtype=bool)
    cat = np.where(cap, 2, 1)
    flag = pd.Series(np.nan, index=out.index, dtype="str")
    if (maybe & ~decided).any():
        flag.iloc[np.flatnonzero(maybe & ~decided)] = "possible_duplicate"
    # reasons are never NA once set: "decided" is the excluded lines
    out["status"] = take_text(decided.astype(np.int64), _STATUS_TEXT, out.index)
    out["reason"] = text_column(reason, out.index)
    out["exclusion_method"] = text_column(method, out.index)
    out["scope3_category"] = pd.Series(cat, index=out.index, dtype="Int64")
    out["flag"] = flag
    if overrides is not None:
        ov = overrides if isinstance(overrides, pd.DataFrame) else load_overrides(overrides)
        out = apply_overrides(out, ov, classify=False)
    return out


_STATUS_TEXT = np.array(["included", "excluded"], dtype=object)
