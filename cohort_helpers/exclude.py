"""Exclusions, duplicates, voids and the operating/capital split.

Not every ledger line is a purchase of goods and services. :func:`apply_exclusions`
marks each line ``included`` or ``excluded`` with a ``reason`` from one
vocabulary (:data:`REASONS`, see ``docs/CONTRACTS.md``) and the
``exclusion_method`` that decided it, and splits purchases into Scope 3
category 1 (operating) and 2 (capital goods). Lines are flagged, never
deleted: every excluded dollar stays visible with its reason.

The rules are data (``datasets/classify/*.csv``), loaded by :func:`load_rules`:

- ``object_codes.csv``: the chart of accounts crosswalk (exclusions, NAICS, capital);
- ``vendors.csv``: known vendors (e.g. the electric utility is Scope 2);
- ``keywords.csv``: regular expressions on descriptions, by priority;
- ``mcc.csv``: merchant category codes of P-card lines.

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

from .vocabulary import RULE_REASONS

__all__ = [
    "REASONS",
    "EXCLUSION_METHODS",
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
]

#: Exclusion reasons a rule file or an override may give (see :mod:`cohort_helpers.vocabulary`).
REASONS = RULE_REASONS
#: How an exclusion was decided.
EXCLUSION_METHODS = ("object_code", "keyword", "vendor", "mcc", "duplicate", "void", "override")

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


class RulesError(ValueError):
    """A problem in a classification data file, naming the file, row (physical line) and column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.file, self.row, self.column, self.value = file, row, column, value


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
        (df["exclude_reason"] != "") & ~df["exclude_reason"].isin(REASONS),
        "exclude_reason",
        "blank or one of " + ", ".join(REASONS),
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

    Raises
    ------
    RulesError
        For a bad cell (file, row, column named) or an unknown chart.
    FileNotFoundError
        When the folder does not exist.
    """
    if folder is None:
        from . import paths

        folder = paths.datasets_dir() / "classify"
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"The classification rules folder {str(folder)!r} does not exist. Build the cohort "
            "datasets (cohort datasets build) or pass folder=."
        )
    tables = {kind: _read_rule_csv(folder / f"{kind}.csv", kind) for kind in _COLUMNS}
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
    return Rules(
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

_SUFFIX = (
    r"inc|incorporated|llc|l l c|co|corp|corporation|company|companies|ltd|limited|lp|llp|"
    r"plc|pllc|pc|p c|na|n a|as|asa|ab|gmbh|sa|ag|bv|nv|pty|the"
)


#: Abbreviations in vendor names, expanded before matching (both sides alike).
_ABBREVIATIONS = {
    "svc": "services",
    "svcs": "services",
    "serv": "services",
    "mgmt": "management",
    "mgt": "management",
    "engrg": "engineering",
    "engr": "engineering",
    "engrs": "engineers",
    "assoc": "associates",
    "assocs": "associates",
    "const": "construction",
    "constr": "construction",
    "intl": "international",
    "natl": "national",
    "tech": "technologies",
    "techs": "technologies",
    "equip": "equipment",
    "sup": "supply",
    "supp": "supply",
    "contr": "contractors",
    "labs": "laboratories",
    "lab": "laboratories",
    "enviro": "environmental",
    "env": "environmental",
    "mech": "mechanical",
    "elec": "electrical",
    "mfg": "manufacturing",
    "dist": "distribution",
    "ctr": "center",
    "mtn": "mountain",
    "bros": "brothers",
}
_ABBR_RE = r"\b(?:" + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")\b"


def _as_object(values: Any) -> np.ndarray:
    """Values as an object array (``pd.factorize`` hashes it faster than the str dtype)."""
    return pd.Series(values).to_numpy(dtype=object)


def normalise_vendor(names: pd.Series) -> pd.Series:
    """Vendor names reduced to a matching key (vectorised over unique names).

    Case, accents, punctuation and legal suffixes (Inc, LLC, Co, Corp, AS, ...)
    are dropped, "&" and "and" are dropped, a trailing ", W W" / ", City of" is
    moved to the front ("Grainger, W W" -> "ww grainger"), "X dba Y" becomes
    "Y", clerks' abbreviations are expanded ("SVCS" -> "services") and runs of
    single letters are joined ("W. W. Grainger" -> "ww grainger").

    Examples
    --------
    >>> normalise_vendor(pd.Series(["W.W. Grainger, Inc.", "Grainger, W W", "GRAINGER WW"])).tolist()
    ['ww grainger', 'ww grainger', 'grainger ww']
    """
    names = pd.Series(names)
    codes, uniq = pd.factorize(_as_object(names), use_na_sentinel=True)
    arr = np.append(_normalise_unique(uniq), np.nan)
    return pd.Series(arr[codes], index=names.index, dtype="str")


def _vendor_key_codes(names: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code of each name's key, -1 for a missing name; the distinct keys).

    What ``pd.factorize(normalise_vendor(names))`` gives, without building the
    keys of every line.
    """
    # an object array hashes faster than the str dtype
    codes, uniq = pd.factorize(_as_object(names), use_na_sentinel=True)
    kcodes, kuniq = pd.factorize(_normalise_unique(uniq))
    out = np.full(len(codes), -1, dtype=np.int64)
    has = codes >= 0
    out[has] = kcodes[codes[has]]
    return out, np.asarray(kuniq, dtype=object)


# The steps of the key. Each is a (pattern, replacement) on one name, or a set of
# characters to strip from both ends of it. "\s" never matches a line break, so
# the patterns run once over all names joined by "\n" (multi-line mode: ^ and $
# are each name's start and end); they are written to match only where they
# change something (a single space is not replaced by a space).
_S = r"[^\S\n]"
_BLANKS = rf"{_S}{{2,}}|[^\S\n ]"  # the runs of blanks that "\s+" -> " " changes
_VENDOR_STEPS_1: list[tuple[Any, Any]] = [
    (rf"{_S}*&{_S}*|\band\b", " "),  # "AT&T" = "AT & T" = "ATT"
    (r"[\u2018\u2019'`]", ""),  # O'Brien -> obrien
    (_BLANKS, " "),
    (None, " ,.;"),
]
_VENDOR_SUFFIX_STEP: list[tuple[Any, Any]] = [
    (rf"(?:(?:{_S}|,)+(?:{_SUFFIX})\.?)+{_S}*$", ""),
    (None, " ,.;"),
]
_VENDOR_STEPS_2: list[tuple[Any, Any]] = [
    # "Grainger, W W" / "Springfield, City of" -> "W W Grainger" / "City of Springfield"
    (rf"^([^,\n]+?){_S}*,{_S}*([^,\d\n]{{1,24}})$", r"\2 \1"),
    (r"[^\w\s]", " "),
    (rf"^(?:the){_S}+|{_S}+(?:{_SUFFIX})$", ""),
    (_BLANKS, " "),
    (None, None),  # str.strip()
    # Norwegian branch names: "Bjørkestrand Maskin AS avd. Strø" -> "bjorkestrand maskin"
    (rf"{_S}+(?:avd|avdeling)\b.*$", ""),
    (rf"(?:{_S}+(?:{_SUFFIX}))+$", ""),
    # "Cellco Partnership dba Verizon Wireless" -> "verizon wireless"
    (rf"^.+?{_S}(?:dba|d b a){_S}+(?=\S)", ""),
    # clerks' abbreviations: "SVCS" = "Services", "ENGRG" = "Engineering", ...
    (_ABBR_RE, lambda m: _ABBREVIATIONS[m.group(0)]),
    # join runs of single letters: "w w grainger" -> "ww grainger"
    (rf"\b(\w){_S}(?=\w\b)", r"\1"),
]
_VENDOR_STEPS = [
    (re.compile(p, re.M) if p is not None else None, r)
    for p, r in _VENDOR_STEPS_1 + _VENDOR_SUFFIX_STEP * 2 + _VENDOR_STEPS_2
]


def _normalise_unique(uniq: Any) -> np.ndarray:
    """Keys (object array) of distinct names: each step runs once over the joined names."""
    import unicodedata

    # a line break inside a name is a blank like any other (the first "\s+" step)
    names = [str(x).replace("\n", " ") for x in np.asarray(uniq, dtype=object)]
    if not names:
        return np.array([], dtype=object)
    text = unicodedata.normalize("NFKD", "\n".join(names))
    folded = re.sub(r"[\u0300-\u036f]", "", text).casefold().split("\n")
    if len(folded) != len(names):  # pragma: no cover - defensive: name by name
        return np.array([_vendor_key(x) for x in names], dtype=object)
    distinct = list(dict.fromkeys(folded))  # "ACME INC" and "Acme Inc" are done once
    keys = _vendor_steps("\n".join(distinct)).split("\n")
    if len(keys) != len(distinct):  # pragma: no cover - defensive: name by name
        keys = [_vendor_steps(x) for x in distinct]
    key_of = dict(zip(distinct, keys, strict=True))
    return np.array([key_of[x] for x in folded], dtype=object)


def _vendor_key(name: str) -> str:
    """The key of one name (see :func:`normalise_vendor`)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", name.replace("\n", " "))
    return _vendor_steps(re.sub(r"[\u0300-\u036f]", "", text).casefold())


def _vendor_steps(text: str) -> str:
    for rx, repl in _VENDOR_STEPS:
        if rx is not None:
            text = rx.sub(repl, text)
        else:
            text = "\n".join(x.strip(repl) for x in text.split("\n"))
    return text


def vendor_name_score(q: str, c: str, *, processor: Any = None, score_cutoff: Any = None) -> float:
    """Similarity (0..100) of two normalised vendor names, built for ledger spellings.

    Unlike generic fuzzy ratios it does not reward a shared surname or trade
    word alone ("Holloway Asset Management" is not "Holloway PLLC"):

    - 100: equal;
    - 98: the same words in another order ("GRAINGER WW");
    - a typo: same words except one of at least five letters that starts with
      the same letter and is 80% similar ("FASTENL" / "Fastenal"): the
      token-sorted ratio;
    - 96: one name is the other cut short (a 22-character field);
    - 90: the words of one name are all words of the other ("STAPLES" /
      "Staples Business Advantage", "GRAINGER" / "W.W. Grainger").
    """
    from rapidfuzz import fuzz

    if processor is not None:
        q, c = processor(q), processor(c)
    if q == c:
        return 100.0
    qt, ct = q.split(), c.split()
    if not qt or not ct:
        return 0.0
    best = 0.0
    if len(qt) == len(ct):
        a, b = sorted(qt), sorted(ct)
        diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        if not diff:
            best = 98.0  # the same words in another order ("Grainger W W")
        elif len(diff) == 1:
            x, y = diff[0]
            if min(len(x), len(y)) >= 5 and x[0] == y[0] and fuzz.ratio(x, y) >= 80:
                best = fuzz.token_sort_ratio(q, c)
    if len(q) >= 12 and len(c) > len(q) and c.startswith(q) and " " in q and c[len(q)] != " ":
        # the ledger's field cut the known name inside a word
        best = max(best, 96.0)
    sq, sc = set(qt), set(ct)
    if sq < sc or sc < sq:
        best = max(best, 90.0)
    if score_cutoff is not None and best < score_cutoff:
        return 0.0
    return best


def _block_keys(name: str) -> set[str]:
    """Blocking keys of a normalised name: the first three letters of each word."""
    return {t[:3] for t in name.split() if len(t) >= 2}


def _fuzzy_best(
    queries: list[str],
    choices: list[str],
    scorer: Any,
    threshold: float,
    *,
    cache: dict | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Best choice (index, score) per query at or above ``threshold``; -1 when none.

    Each query is scored only against the known names that share a blocking
    key with it (the first three letters of a word; keys held by very many
    names are used only when the query has nothing rarer), so the cost grows
    with the number of unique unmatched names, not with their product with
    the vendor list.
    """
    from rapidfuzz import fuzz, process

    key = ("block_index", len(choices), hash(tuple(choices)))
    index = cache.get(key) if cache is not None else None
    if index is None:
        tmp: dict[str, list[int]] = {}
        for j, c in enumerate(choices):
            for k in _block_keys(c):
                tmp.setdefault(k, []).append(j)
        index = {k: np.asarray(v, dtype=np.int64) for k, v in tmp.items()}
        if cache is not None:
            cache[key] = index
    limit = max(200, len(choices) // 25)
    best_row = np.full(len(queries), -1, dtype=np.int64)
    best_sc = np.zeros(len(queries))
    for i, q in enumerate(queries):  # unique unmatched names only
        lists = [index[k] for k in _block_keys(q) if k in index]
        if not lists:
            continue
        rare = [a for a in lists if len(a) <= limit]
        cand = np.unique(np.concatenate(rare or lists))
        hits = process.extract(
            q, [choices[j] for j in cand], scorer=scorer, score_cutoff=threshold, limit=None
        )
        if not hits:
            continue
        top = max(h[1] for h in hits)
        tied = [h for h in hits if h[1] >= top - 1e-9]
        if len(tied) > 1:
            # several known names fit equally: the closest spelling, if it stands out
            closeness = sorted(((fuzz.ratio(q, h[0]), h) for h in tied), key=lambda x: -x[0])
            if closeness[0][0] - closeness[1][0] < 5:
                continue  # ambiguous: leave it to keywords and the object code
            tied = [closeness[0][1]]
        best_row[i] = cand[tied[0][2]]
        best_sc[i] = top
    return best_row, best_sc


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

    Returns
    -------
    DataFrame
        Aligned with ``vendors``: ``vendor_canonical`` (the rules' name or NA),
        ``vendor_method`` (``vendor``, ``vendor_fuzzy`` or NA), ``vendor_score``
        (0..100), ``vendor_row`` (row position in ``rules.vendors`` or -1).
    """
    vendors = pd.Series(vendors)
    codes, uniq = _vendor_key_codes(vendors)
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
        if fuzzy and (~exact).any():
            queries = [str(x) for x in np.asarray(uniq, dtype=object)[~exact]]
            choices = [str(x) for x in first["vendor_key"]]
            qidx = np.flatnonzero(~exact)
            best_row, best_sc = _fuzzy_best(
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
    codes, uniq = pd.factorize(_as_object(values.astype("str")), use_na_sentinel=True)
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
                ok_len = (u[todo].str.len() > L).to_numpy()
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

    Returns a frame aligned with ``lines`` with, per source ``oc``, ``vendor``,
    ``mcc`` and ``kw``: ``<src>_naics6``, ``<src>_reason``, ``<src>_confidence``;
    capital flags ``oc_capital`` and ``kw_capital``; and the vendor match
    details (``vendor_canonical``, ``vendor_method``, ``vendor_score``).
    """
    return _rule_hits(lines, rules, fuzzy_threshold=fuzzy_threshold)[0]


def _rule_hits(
    lines: pd.DataFrame,
    rules: Rules,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    factorized: dict | None = None,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """:func:`rule_hits` and the matched row of each table per line (``-1``: none).

    ``factorized`` (a dict) receives ``pd.factorize`` of the description column
    for :func:`find_voids` to reuse.
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
    fact = pd.factorize(_as_object(desc), use_na_sentinel=True)
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
        f = lines["source_file"].astype("str").fillna("").to_numpy(dtype=object)
        ln = lines["source_line"].to_numpy()
        if n < 2 or _in_physical_order(f, ln):
            return np.arange(n, dtype=np.int64)
        fcode, _ = pd.factorize(f, sort=True)  # codes in the order of the sorted names
        order = np.lexsort((ln, fcode))
    else:
        order = np.arange(n)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank


def _in_physical_order(files: np.ndarray, line_no: np.ndarray) -> bool:
    """Whether the rows are sorted by (file name, line) already (the usual case)."""
    same = files[1:] == files[:-1]  # one file's lines are one block of identical names
    starts = np.flatnonzero(~same) + 1
    heads = files[np.r_[0, starts]].tolist()
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
) -> np.ndarray:
    """Boolean mask of exact repeats of an earlier line (the first one is not marked).

    Lines are compared on vendor, invoice (or payment id when there is no
    invoice column), date, account, amount and description. One invoice
    split across accounts, or with different amounts, is not a duplicate.
    """
    n = len(lines)
    if rank is None:
        rank = _source_order(lines)
    cols = ["vendor"]
    if _present(lines, "invoice"):
        cols.append("invoice")
    elif _present(lines, "payment_id"):
        cols.append("payment_id")
    cols += [c for c in ("date", "account", "description") if c in lines]
    out = np.zeros(n, dtype=bool)
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
        return out
    sub = lines.iloc[ci]
    key = pd.DataFrame({c: sub[c].to_numpy() for c in cols})
    key["_cents"] = cents[ci]
    key["_rank"] = rank[ci]
    key["_i"] = ci
    key = key.sort_values("_rank", kind="stable")
    dup = key.duplicated([c for c in key.columns if c not in ("_rank", "_i")], keep="first")
    out[key.loc[dup, "_i"].to_numpy()] = True
    return out


# ---------------------------------------------------------------------------
# the exclusion step
# ---------------------------------------------------------------------------


def apply_exclusions(
    lines: pd.DataFrame,
    rules: Rules,
    overrides: pd.DataFrame | str | Path | None = None,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    hits: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Mark lines included/excluded with a reason, and split operating from capital.

    Order (the first that applies decides): an override; a void pair; a
    duplicate; the object code's exclusion; the winning keyword rule's (the
    description says what this line is, e.g. gas on a combined utility's
    bill); the vendor's; the MCC's. Keyword and MCC exclusions do not apply
    to lines coded to a purchase account (an object code with a NAICS code):
    "GASOLINE ENGINE" on a vehicle-parts account is not fuel.

    Parameters
    ----------
    lines : DataFrame
        Canonical ledger lines (see :func:`cohort_helpers.ledger.read_ledger`).
    rules : Rules
        From :func:`load_rules`.
    overrides : DataFrame or path, optional
        A participant's overrides (:func:`cohort_helpers.classify.load_overrides`);
        their ``exclude_reason`` wins over everything.

    Returns
    -------
    DataFrame
        A copy of ``lines`` plus ``status`` (``included``/``excluded``),
        ``reason``, ``exclusion_method`` and ``scope3_category`` (1 operating,
        2 capital). Nothing is dropped.
    """
    return _apply_exclusions(lines, rules, overrides, fuzzy_threshold=fuzzy_threshold, hits=hits)


_STATUS_TEXT = np.array(["included", "excluded"], dtype=object)


def _apply_exclusions(
    lines: pd.DataFrame,
    rules: Rules,
    overrides: pd.DataFrame | str | Path | None = None,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    hits: pd.DataFrame | None = None,
    factorized: dict | None = None,
    rows: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """:func:`apply_exclusions`; ``rows`` (from :func:`_rule_hits`, with ``hits``) lets
    the "has a code / a reason" tests run on the small rule tables."""
    if "amount" not in lines or "vendor" not in lines:
        raise ValueError("lines need at least the columns 'vendor' and 'amount' (see read_ledger).")
    out = lines.copy()
    n = len(out)
    if hits is None:
        hits = rule_hits(out, rules, fuzzy_threshold=fuzzy_threshold)
    rank = _source_order(out)
    reason = np.full(n, None, dtype=object)
    method = np.full(n, None, dtype=object)
    decided = np.zeros(n, dtype=bool)

    def assign(mask: np.ndarray, why: np.ndarray | str, how: str) -> None:
        m = mask & ~decided
        if isinstance(why, str):
            reason[m] = why
        else:
            reason[m] = why[m]
        method[m] = how
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

    purchase_account = present("oc", "naics6")
    cents = _cents(out["amount"])
    void = find_voids(out, rank, cents=cents, factorized=factorized)
    assign(void, "void", "void")
    dup = find_duplicates(out, rank, skip=void, cents=cents)
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
    # operating (1) vs capital (2): the line's own flag, else the object code or a keyword
    cap = (hits["oc_capital"].to_numpy(dtype=float) >= 1) | (
        hits["kw_capital"].to_numpy(dtype=float) >= 1
    )
    if "capital_flag" in out:
        cf = out["capital_flag"].astype("boolean")
        has = cf.notna().to_numpy()
        cap[has] = cf[has].to_numpy(dtype=bool)
    cat = np.where(cap, 2, 1)
    # reasons are never NA once set: "decided" is the excluded lines
    out["status"] = pd.Series(_STATUS_TEXT[decided.astype(np.int64)], index=out.index, dtype="str")
    out["reason"] = pd.Series(reason, index=out.index, dtype="str")
    out["exclusion_method"] = pd.Series(method, index=out.index, dtype="str")
    out["scope3_category"] = pd.Series(cat, index=out.index, dtype="Int64")
    if overrides is not None:
        from .classify import _apply_overrides, load_overrides

        ov = overrides if isinstance(overrides, pd.DataFrame) else load_overrides(overrides)
        out = _apply_overrides(out, ov, classify=False)
    return out
