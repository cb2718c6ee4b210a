"""A participant's overrides: reading and checking the file, applying it to a lines table.

An override names one ledger line (``source_file`` + ``source_line``) and gives
it a NAICS code or an exclusion reason; it wins over every rule. Both
:mod:`cohort_helpers.exclude` and :mod:`cohort_helpers.classify` apply
overrides through :func:`apply_overrides`.

Examples
--------
>>> ov = load_overrides(pd.DataFrame({"source_file": ["ap.csv"], "source_line": ["2"],
...                                   "naics6": ["541110"], "exclude_reason": [""]}))
>>> ov[["source_file", "source_line", "naics6"]].values.tolist()
[['ap.csv', 2, '541110']]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .rules import TableError
from .vocabulary import RULE_REASONS

__all__ = ["OVERRIDE_COLUMNS", "OverrideError", "load_overrides", "apply_overrides"]

#: Columns of an overrides file (docs/CONTRACTS.md), in order.
OVERRIDE_COLUMNS = ["source_file", "source_line", "naics6", "exclude_reason", "note"]


class OverrideError(TableError):
    """A problem in an overrides file, naming the file, row (physical line) and column."""


# ---------------------------------------------------------------------------
# overrides
# ---------------------------------------------------------------------------


def load_overrides(path: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read and check a participant's overrides file (CSV or XLSX).

    Columns: ``source_file``, ``source_line``, ``naics6``, ``exclude_reason``,
    ``note``. Each row must give either a NAICS code (2-6 digits) or an
    exclusion reason, not both.

    Parameters
    ----------
    path : str, Path or DataFrame
        The file (CSV with ``,``, ``;`` or tab, or XLSX), or a table already
        read (its cells are checked as text).

    Returns
    -------
    DataFrame
        The overrides, ``source_line`` as int, blanks as NA, plus ``row``
        (the physical line in the file).

    Raises
    ------
    OverrideError
        Naming the file, row and column of the first problem.

    Examples
    --------
    >>> _ = Path("overrides.csv").write_text(
    ...     "source_file,source_line,naics6,exclude_reason,note\\n"
    ...     "ap_2022.csv,14,562111,,hauling contract\\n"
    ...     "ap_2022.csv,15,,transfer,to the school district\\n")
    >>> load_overrides("overrides.csv")[["source_line", "naics6", "exclude_reason", "row"]]
       source_line  naics6 exclude_reason  row
    0           14  562111            NaN    2
    1           15     NaN       transfer    3
    >>> _ = Path("bad.csv").write_text("source_file,source_line,naics6\\nap_2022.csv,14,5621X\\n")
    >>> load_overrides("bad.csv")
    Traceback (most recent call last):
    cohort_helpers.overrides.OverrideError: bad.csv, row 2, column 'naics6': '5621X' is not a NAICS code (2 to 6 digits).
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
        (df["exclude_reason"] != "") & ~df["exclude_reason"].isin(RULE_REASONS),
        "exclude_reason",
        "is not an exclusion reason; use one of " + ", ".join(RULE_REASONS),
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


def apply_overrides(out: pd.DataFrame, ov: pd.DataFrame, *, classify: bool) -> pd.DataFrame:
    """Apply overrides to a lines table in place of the rule results (returns a copy).

    ``classify=False`` sets only status, reason and exclusion method (the
    exclusion step); ``classify=True`` also the code, method and confidence.

    Parameters
    ----------
    out : DataFrame
        Lines with ``source_file``, ``source_line``, ``status``, ``reason``,
        ``exclusion_method`` (and, for ``classify=True``, ``naics6``,
        ``method``, ``confidence``).
    ov : DataFrame or None
        Overrides as :func:`load_overrides` returns them.
    classify : bool
        Also set the NAICS code, ``method="override"`` and confidence 1.

    Returns
    -------
    DataFrame
        A copy of ``out`` with the overridden lines changed: an exclusion
        reason makes a line ``excluded`` (``exclusion_method="override"``), a
        NAICS code makes it ``included``. ``out`` itself when no override applies.

    Examples
    --------
    >>> lines = pd.DataFrame({"source_file": ["ap.csv"], "source_line": [2],
    ...     "status": ["excluded"], "reason": ["transfer"], "exclusion_method": ["phrase"]})
    >>> ov = load_overrides(pd.DataFrame({"source_file": ["ap.csv"], "source_line": ["2"],
    ...                                   "naics6": ["541110"], "exclude_reason": [""]}))
    >>> apply_overrides(lines, ov, classify=False)["status"].tolist()
    ['included']
    """
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
