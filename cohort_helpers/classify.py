"""Mapping purchase lines to NAICS-6 codes, each with its method and confidence.

For every included line :func:`classify` tries, in order:

1. a participant's **override** (``source_file`` + ``source_line``; wins over
   everything, exclusions included);
2. the **vendor** list, by normalised name (case, punctuation, Inc/LLC/Co,
   "Grainger, W W" word order);
3. a **fuzzy** vendor match (rapidfuzz, over unique names; confidence scaled by
   the score);
4. the **merchant category code** of P-card lines;
5. **keyword** rules on the description (highest priority wins);
6. the **object code** crosswalk of the chart of accounts.

Lines with no code become ``status="unclassified"`` (still counted in the
reconciliation). Codes of 2-5 digits are coarse (``naics_coarse``): the factor
module averages the 6-digit codes below them.

:func:`accuracy` compares a classified ledger with the synthetic cohort's
ground truth.

Examples
--------
>>> from cohort_helpers import classify, exclude, ledger
>>> rules = exclude.load_rules(chart="cedar_valley")                 # doctest: +SKIP
>>> lines = classify.classify(ledger.read_ledger(...), rules)       # doctest: +SKIP
>>> lines.groupby("method")["amount"].sum()                          # doctest: +SKIP
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .exclude import FUZZY_THRESHOLD, REASONS, Rules, _apply_exclusions, _rule_hits

__all__ = [
    "METHODS",
    "OverrideError",
    "classify",
    "load_overrides",
    "Accuracy",
    "accuracy",
    "read_truth",
]

#: Classification methods, strongest first.
METHODS = ("override", "vendor", "vendor_fuzzy", "mcc", "keyword", "object_code", "unclassified")

#: Below this confidence a source gives way to a more confident later one (see classify).
MIN_CONFIDENCE = 0.5

#: Columns of an overrides file (docs/CONTRACTS.md), in order.
OVERRIDE_COLUMNS = ["source_file", "source_line", "naics6", "exclude_reason", "note"]


class OverrideError(ValueError):
    """A problem in an overrides file, naming the file, row (physical line) and column."""

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


# ---------------------------------------------------------------------------
# overrides
# ---------------------------------------------------------------------------


def load_overrides(path: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read and check a participant's overrides file (CSV or XLSX).

    Columns: ``source_file``, ``source_line``, ``naics6``, ``exclude_reason``,
    ``note``. Each row must give either a NAICS code (2-6 digits) or an
    exclusion reason, not both.

    Returns
    -------
    DataFrame
        The overrides, ``source_line`` as int, blanks as NA, plus ``row``
        (the physical line in the file).

    Raises
    ------
    OverrideError
        Naming the file, row and column of the first problem.
    """
    if isinstance(path, pd.DataFrame):
        df = path.copy()
        fname = "overrides"
        df = df.astype(object).where(df.notna(), "")
        df = df.astype(str)
    else:
        path = Path(path)
        fname = path.name
        if not path.is_file():
            raise OverrideError(f"Overrides file {str(path)!r} does not exist.", file=fname)
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, dtype=str).fillna("")
        else:
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="replace")
            df = _read_small_csv(text, fname)
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in ("source_file", "source_line") if c not in df.columns]
    if missing or not ({"naics6", "exclude_reason"} & set(df.columns)):
        need = missing or ["naics6 or exclude_reason"]
        raise OverrideError(
            f"{fname}: missing column(s) {', '.join(need)}. Columns found: {', '.join(df.columns)}. "
            f"Expected: {', '.join(OVERRIDE_COLUMNS)}.",
            file=fname,
            row=1,
            column=need[0],
        )
    for c in OVERRIDE_COLUMNS:
        if c not in df.columns:
            df[c] = ""
    df = df[OVERRIDE_COLUMNS].copy()
    for c in OVERRIDE_COLUMNS:
        df[c] = df[c].astype(str).str.strip()
    df["row"] = np.arange(2, len(df) + 2)
    df = df[~(df[OVERRIDE_COLUMNS[:4]] == "").all(axis=1)].reset_index(drop=True)

    def fail(mask: pd.Series, column: str, what: str) -> None:
        if mask.any():
            i = int(np.flatnonzero(mask.to_numpy())[0])
            n = int(mask.sum())
            more = f" ({n} rows have this problem)" if n > 1 else ""
            raise OverrideError(
                f"{fname}, row {df['row'].iloc[i]}, column {column!r}: {df[column].iloc[i]!r} "
                f"{what}{more}.",
                file=fname,
                row=int(df["row"].iloc[i]),
                column=column,
                value=df[column].iloc[i],
            )

    fail(df["source_file"] == "", "source_file", "is blank; give the ledger file name")
    line = pd.to_numeric(df["source_line"].str.replace(r"\.0$", "", regex=True), errors="coerce")
    fail(
        line.isna() | (line < 1) | (line % 1 != 0),
        "source_line",
        "is not a line number (1, 2, ...)",
    )
    df["naics6"] = df["naics6"].str.replace(r"\.0$", "", regex=True)
    fail(
        (df["naics6"] != "") & ~df["naics6"].str.fullmatch(r"\d{2,6}"),
        "naics6",
        "is not a NAICS code (2 to 6 digits)",
    )
    fail(
        (df["exclude_reason"] != "") & ~df["exclude_reason"].isin(REASONS),
        "exclude_reason",
        "is not an exclusion reason; use one of " + ", ".join(REASONS),
    )
    fail(
        (df["naics6"] != "") & (df["exclude_reason"] != ""),
        "exclude_reason",
        "is given together with a naics6 code; give one or the other",
    )
    fail(
        (df["naics6"] == "") & (df["exclude_reason"] == ""),
        "naics6",
        "is blank and so is exclude_reason; give one of them",
    )
    df["source_file"] = df["source_file"].map(lambda s: Path(s.replace("\\", "/")).name)
    df["source_line"] = line.astype("int64")
    dup = df.duplicated(["source_file", "source_line"], keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        r = df.iloc[i]
        first = df[
            (df["source_file"] == r["source_file"]) & (df["source_line"] == r["source_line"])
        ]["row"].iloc[0]
        raise OverrideError(
            f"{fname}, row {r['row']}: {r['source_file']} line {r['source_line']} is already "
            f"overridden in row {first}. Keep one of the two rows.",
            file=fname,
            row=int(r["row"]),
            column="source_line",
            value=int(r["source_line"]),
        )
    for c in ("naics6", "exclude_reason", "note"):
        df[c] = df[c].replace("", np.nan).astype("str")
    df["source_file"] = df["source_file"].astype("str")
    return df


def _read_small_csv(text: str, fname: str) -> pd.DataFrame:
    """A small CSV (any of , ; tab) as text cells, with rows of the wrong width reported."""
    import csv
    import io

    if not text.strip():
        raise OverrideError(
            f"{fname} is empty: expected a header line {', '.join(OVERRIDE_COLUMNS)}.",
            file=fname,
            row=1,
        )
    first = text.splitlines()[0]
    delim = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    rows, prev = [], reader.line_num
    for cells in reader:
        line = prev + 1
        prev = reader.line_num
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise OverrideError(
                f"{fname}, row {line}: {len(cells)} cells but the header has {len(header)}. A "
                f"cell probably contains {delim!r} without quotes (e.g. a note); put the note "
                'in quotes ("...") or remove the extra cells.',
                file=fname,
                row=line,
            )
        rows.append((cells + [""] * len(header))[: len(header)])
    df = pd.DataFrame(rows, columns=header, dtype=object)
    return df.astype(str) if len(df) else pd.DataFrame({h: pd.Series(dtype=str) for h in header})


def _apply_overrides(out: pd.DataFrame, ov: pd.DataFrame, *, classify: bool) -> pd.DataFrame:
    """Apply overrides to a lines table in place of the rule results (returns a copy)."""
    if ov is None or not len(ov):
        return out
    out = out.copy()
    key = pd.MultiIndex.from_arrays(
        [out["source_file"].astype("str").to_numpy(), out["source_line"].astype("int64").to_numpy()]
    )
    okey = pd.MultiIndex.from_arrays(
        [ov["source_file"].astype("str").to_numpy(), ov["source_line"].astype("int64").to_numpy()]
    )
    pos = okey.get_indexer(key)
    hit = pos >= 0
    if not hit.any():
        return out
    p = pos[hit]
    reason = ov["exclude_reason"].to_numpy(dtype=object)[p]
    naics = ov["naics6"].to_numpy(dtype=object)[p]
    excl = pd.notna(reason)
    idx = np.flatnonzero(hit)
    st = out["status"].to_numpy(dtype=object).copy()
    rs = out["reason"].to_numpy(dtype=object).copy()
    em = out["exclusion_method"].to_numpy(dtype=object).copy()
    st[idx[excl]] = "excluded"
    rs[idx[excl]] = reason[excl]
    em[idx[excl]] = "override"
    inc = ~excl
    st[idx[inc]] = "included"
    rs[idx[inc]] = None
    em[idx[inc]] = None
    out["status"] = pd.Series(st, index=out.index, dtype="str")
    out["reason"] = pd.Series(rs, index=out.index, dtype="str")
    out["exclusion_method"] = pd.Series(em, index=out.index, dtype="str")
    if classify:
        nc = out["naics6"].to_numpy(dtype=object).copy()
        me = out["method"].to_numpy(dtype=object).copy()
        cf = out["confidence"].to_numpy(dtype=float).copy()
        nc[idx[inc]] = naics[inc]
        me[idx[inc]] = "override"
        cf[idx[inc]] = 1.0
        nc[idx[excl]] = None
        me[idx[excl]] = None
        cf[idx[excl]] = np.nan
        out["naics6"] = pd.Series(nc, index=out.index, dtype="str")
        out["method"] = pd.Series(me, index=out.index, dtype="str")
        out["confidence"] = cf
    return out


# ---------------------------------------------------------------------------
# classification
# ---------------------------------------------------------------------------


def classify(
    lines: pd.DataFrame,
    rules: Rules,
    overrides: pd.DataFrame | str | Path | None = None,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    min_confidence: float = MIN_CONFIDENCE,
) -> pd.DataFrame:
    """Give every included line a NAICS code, the method that found it and a confidence.

    Parameters
    ----------
    lines : DataFrame
        Canonical ledger lines; when they have no ``status`` yet,
        :func:`cohort_helpers.exclude.apply_exclusions` is run first.
    rules : Rules
        From :func:`cohort_helpers.exclude.load_rules`.
    overrides : DataFrame or path, optional
        A participant's overrides (:func:`load_overrides`); they win over
        everything, including exclusions.
    fuzzy_threshold : float
        Minimum rapidfuzz score (0..100) for a fuzzy vendor match.
    min_confidence : float
        A source whose confidence is below this gives way to a later source in
        the order that is more confident (e.g. a P-card MCC "book stores",
        confidence 0.3, for an Amazon purchase coded to "office supplies");
        ``0`` applies the order strictly.

    Returns
    -------
    DataFrame
        A copy of ``lines`` plus ``naics6`` (str, 2-6 digits or NA),
        ``naics_coarse`` (bool: fewer than 6 digits), ``method`` (see
        :data:`METHODS`; NA for excluded lines), ``confidence`` (0..1; NaN for
        excluded lines), ``vendor_canonical`` and ``vendor_score``. Included
        lines without a code get ``status="unclassified"``.
    """
    factorized: dict = {}
    hits, rows = _rule_hits(lines, rules, fuzzy_threshold=fuzzy_threshold, factorized=factorized)
    if "status" not in lines:
        out = _apply_exclusions(lines, rules, hits=hits, factorized=factorized, rows=rows)
    else:
        out = lines.copy()
        # re-classification: unclassified lines are purchases again
        st = out["status"].astype("str")
        out["status"] = st.where(st != "unclassified", "included")
    n = len(out)
    vend_method = hits["vendor_method"].to_numpy(dtype=object)
    tables = {"vendor": rules.vendors, "mcc": rules.mcc, "kw": rules.keywords}
    tables["oc"] = rules.object_codes
    sources = [
        ("vendor", "vendor", hits["vendor_confidence"], vend_method == "vendor"),
        ("vendor_fuzzy", "vendor", hits["vendor_confidence"], vend_method == "vendor_fuzzy"),
        ("mcc", "mcc", hits["mcc_confidence"], None),
        ("keyword", "kw", hits["kw_confidence"], None),
        ("object_code", "oc", hits["oc_confidence"], None),
    ]
    # Each source's code is a row of a small table: work with the row numbers and
    # look the codes up once at the end (no per-line test of a million strings).
    # ``src`` is the source that decided each line (-1: none yet).
    # pass 1: the first source (in order) that is confident enough
    # pass 2: lines where no source reached ``min_confidence``: the most confident one
    cand = []
    for _name, table_key, c, only in sources:
        table = tables[table_key]
        r = rows[table_key]
        codes_t = table["naics6"].to_numpy(dtype=object) if len(table) else np.array([], object)
        codes_t = np.append(np.where(pd.isna(codes_t), None, codes_t), None)
        has = pd.notna(codes_t)[r]  # row -1 is the appended None
        if only is not None:
            has &= only
        cand.append((codes_t, r, np.where(has, c.to_numpy(dtype=float), np.nan), has))
    src = np.full(n, -1, dtype=np.int64)
    conf = np.full(n, np.nan)
    for k, (_codes_t, _r, c_a, has) in enumerate(cand):
        m = (src < 0) & has & (np.nan_to_num(c_a, nan=0.0) >= min_confidence)
        src[m] = k
        conf[m] = c_a[m]
    for k, (_codes_t, _r, c_a, has) in enumerate(cand):
        m = (src < 0) & has
        better = m & ~(np.nan_to_num(c_a, nan=0.0) <= np.nan_to_num(conf, nan=-1.0))
        weak = (src >= 0) & (conf < min_confidence)
        take = (m | (has & weak & better)) & ~((src >= 0) & ~weak)
        src[take] = k
        conf[take] = c_a[take]
    included = (out["status"] == "included").to_numpy()
    src[~included] = -1
    conf[~included] = np.nan
    uncl = included & (src < 0)
    conf[uncl] = 0.0
    naics = np.full(n, None, dtype=object)
    coarse = np.zeros(n, dtype=bool)
    for k, (codes_t, r, _c_a, _has) in enumerate(cand):
        sel = np.flatnonzero(src == k)
        naics[sel] = codes_t[r[sel]]
        lens = np.array([len(x) if x is not None else 6 for x in codes_t], dtype=np.int64)
        coarse[sel] = lens[r[sel]] < 6
    names = np.array([s[0] for s in sources] + ["unclassified", None], dtype=object)
    mcode = np.where(src >= 0, src, len(sources) + 1)
    mcode[uncl] = len(sources)
    status = out["status"].to_numpy(dtype=object).copy()
    status[uncl] = "unclassified"
    out["status"] = pd.Series(status, index=out.index, dtype="str")
    out["naics6"] = pd.Series(naics, index=out.index, dtype="str")
    out["method"] = pd.Series(names[mcode], index=out.index, dtype="str")
    out["confidence"] = np.clip(conf, 0.0, 1.0)
    out["vendor_canonical"] = hits["vendor_canonical"]
    out["vendor_score"] = hits["vendor_score"]
    if overrides is not None:
        ov = (
            overrides
            if isinstance(overrides, pd.DataFrame) and "row" in overrides
            else load_overrides(overrides)
        )
        out = _apply_overrides(out, ov, classify=True)
        coarse = (out["naics6"].str.len() < 6).fillna(False).astype(bool).to_numpy()
    out["naics_coarse"] = pd.Series(coarse, index=out.index, dtype=bool)
    return out


# ---------------------------------------------------------------------------
# accuracy against ground truth
# ---------------------------------------------------------------------------


def read_truth(path: str | Path) -> pd.DataFrame:
    """Read a ground-truth CSV (optionally gzipped) with codes kept as text."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False, na_filter=False)
    df["source_line"] = pd.to_numeric(df["source_line"]).astype("int64")
    for c in ("true_reason", "true_naics6"):
        if c in df:
            df[c] = df[c].str.replace(r"\.0$", "", regex=True).replace("", np.nan).astype("str")
    if "true_capital" in df:
        df["true_capital"] = pd.to_numeric(df["true_capital"].replace("", np.nan)).astype("Int64")
    return df


@dataclass
class Accuracy:
    """How a classified ledger compares with the ground truth.

    Spend shares use absolute amounts (credits count as spend to get right).
    """

    lines: int
    lines_matched: int
    included_spend: float
    share_classified: float
    share_naics_strict: float
    share_naics_prefix: float
    exclusion_agreement_lines: float
    exclusion_agreement_spend: float
    reason_agreement_spend: float
    capital_agreement_spend: float
    mismatches: pd.DataFrame = field(repr=False)
    reasons: pd.DataFrame = field(repr=False)

    def as_dict(self) -> dict[str, float]:
        """The scalar measures (for a table of member-years)."""
        return {
            k: getattr(self, k)
            for k in (
                "lines",
                "lines_matched",
                "included_spend",
                "share_classified",
                "share_naics_strict",
                "share_naics_prefix",
                "exclusion_agreement_lines",
                "exclusion_agreement_spend",
                "reason_agreement_spend",
                "capital_agreement_spend",
            )
        }

    def meets_targets(
        self, classified: float = 0.95, naics: float = 0.90, exclusions: float = 0.99
    ) -> bool:
        """The cohort's targets: >=95% of included spend classified, >=90% with the true NAICS-6."""
        return (
            self.share_classified >= classified
            and self.share_naics_strict >= naics
            and self.exclusion_agreement_spend >= exclusions
        )


def accuracy(
    classified: pd.DataFrame, truth: pd.DataFrame | str | Path, *, top: int = 10
) -> Accuracy:
    """Compare :func:`classify` output with ground truth (joined on source_file + source_line).

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`classify`.
    truth : DataFrame or path
        Ground truth (``source_file``, ``source_line``, ``true_status``,
        ``true_reason``, ``true_naics6``, ``true_capital``), e.g. from
        :func:`read_truth`.
    top : int
        How many of the biggest mismatches to list.

    Returns
    -------
    Accuracy
        ``share_classified``: of the truly included spend, the share we
        included and classified; ``share_naics_strict``: ... with the true
        6-digit code; ``share_naics_prefix``: ... or a coarse code that the true
        code starts with; exclusion agreement (lines and spend), reason and
        capital agreement, the biggest mismatches and a reason confusion table.
    """
    t = read_truth(truth) if not isinstance(truth, pd.DataFrame) else truth.copy()
    t["source_file"] = t["source_file"].astype("str").map(lambda s: Path(s).name)
    t["source_line"] = t["source_line"].astype("int64")
    c = classified.copy()
    c["source_file"] = c["source_file"].astype("str")
    c["source_line"] = c["source_line"].astype("int64")
    m = c.merge(t, on=["source_file", "source_line"], how="inner", validate="one_to_one")
    w = m["amount"].abs().astype(float)
    true_inc = (m["true_status"] == "included").to_numpy()
    our_inc = (m["status"] == "included").to_numpy()
    our_exc = (m["status"] == "excluded").to_numpy()
    inc_spend = float(w[true_inc].sum())

    def share(mask: np.ndarray, base: np.ndarray) -> float:
        tot = float(w[base].sum())
        return float(w[mask & base].sum()) / tot if tot else 1.0

    naics = m["naics6"].astype("str").fillna("").to_numpy(dtype=object)
    true_naics = m["true_naics6"].astype("str").fillna("").to_numpy(dtype=object)
    strict = our_inc & (naics == true_naics) & (naics != "")
    prefix = (
        our_inc
        & (naics != "")
        & np.array(
            [tn.startswith(nc) for nc, tn in zip(naics, true_naics, strict=True)], dtype=bool
        )
        if len(m)
        else np.zeros(0, bool)
    )
    true_exc = ~true_inc
    agree = our_exc == true_exc
    our_reason = m["reason"].astype("str").fillna("").to_numpy(dtype=object)
    true_reason = m["true_reason"].astype("str").fillna("").to_numpy(dtype=object)
    reason_ok = true_exc & our_exc & (our_reason == true_reason)
    cap_ok = np.ones(len(m), dtype=bool)
    if "true_capital" in m and "scope3_category" in m:
        tc = pd.to_numeric(m["true_capital"], errors="coerce").fillna(0).to_numpy() >= 1
        oc = pd.to_numeric(m["scope3_category"], errors="coerce").fillna(1).to_numpy() == 2
        cap_ok = tc == oc
    mis = m[true_inc & ~strict].assign(spend=w[true_inc & ~strict])
    mismatches = (
        mis.assign(
            naics6=mis["naics6"].astype("str").fillna("-"),
            method=mis["method"].astype("str").fillna(mis["status"].astype(str)),
        )
        .groupby(["true_naics6", "naics6", "method"], dropna=False)["spend"]
        .agg(["size", "sum"])
        .rename(columns={"size": "lines", "sum": "spend"})
        .sort_values("spend", ascending=False)
        .head(top)
        .reset_index()
    )
    mismatches["share_of_included"] = mismatches["spend"] / inc_spend if inc_spend else np.nan
    reasons = (
        m.assign(
            spend=w,
            true=np.where(true_inc, "included", true_reason),
            ours=np.where(our_exc, our_reason, m["status"].astype(str)),
        )
        .groupby(["true", "ours"])["spend"]
        .agg(["size", "sum"])
        .rename(columns={"size": "lines", "sum": "spend"})
        .reset_index()
    )
    reasons = reasons[reasons["true"] != reasons["ours"]].sort_values("spend", ascending=False)
    return Accuracy(
        lines=len(c),
        lines_matched=len(m),
        included_spend=inc_spend,
        share_classified=share(our_inc, true_inc),
        share_naics_strict=share(strict, true_inc),
        share_naics_prefix=share(prefix, true_inc),
        exclusion_agreement_lines=float(agree.mean()) if len(m) else 1.0,
        exclusion_agreement_spend=share(agree, np.ones(len(m), bool)),
        reason_agreement_spend=share(reason_ok, true_exc),
        capital_agreement_spend=share(cap_ok, true_inc),
        mismatches=mismatches,
        reasons=reasons.reset_index(drop=True),
    )
