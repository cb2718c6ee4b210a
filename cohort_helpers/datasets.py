"""The bundled synthetic cohort's files: list them, read them strictly, describe them.

``cohort datasets list|describe`` land in :func:`cli_datasets`; they only read
``datasets/`` (see :func:`cohort_helpers.paths.datasets_dir`), so they work in
an installed package too. Building and checking the folder needs the generator,
which lives in the repository (``tools/synth/``, ``cohort datasets build|check``).

:func:`read_raw` is a small, strict reader for the cohort's own ledger files. It
honours the mapping file's hints and returns the mapped columns as text plus
``source_line`` and a parsed ``amount``. It is not the engine's
``ledger.read_ledger`` (that one handles participants' files); it exists so the
cohort's files can be checked independently of the engine.

Examples
--------
>>> from cohort_helpers import datasets
>>> datasets.list_ledgers().columns.tolist()
['member', 'country', 'fiscal_year', 'ledger', 'mapping', 'truth']
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import data, paths
from .members import load_truth

__all__ = ["LIST_COLUMNS", "cli_datasets", "describe", "list_ledgers", "load_mapping", "read_raw"]

#: Columns of :func:`list_ledgers` (and of ``cohort datasets list``).
LIST_COLUMNS = ["member", "country", "fiscal_year", "ledger", "mapping", "truth"]
LEDGER_INDEX = "members/ledgers.csv"


def _datasets_dir(root: str | Path | None = None) -> Path:
    if root is not None:
        return Path(root)
    return paths.datasets_dir()


def load_mapping(path: str | Path) -> dict:
    """The column mapping of a cohort ledger, as written by the generator (YAML).

    Parameters
    ----------
    path : path
        A ``mapping.yaml`` of ``datasets/members/<member>/``.

    Returns
    -------
    dict
        The mapping (``columns``, ``encoding``, ``delimiter``, ``decimal`` ...).

    Examples
    --------
    >>> m = load_mapping(list_ledgers(absolute=True).mapping.iloc[0])
    >>> sorted(m["columns"])[:3]
    ['account', 'amount', 'date']
    """
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _parse_amount(values: pd.Series, decimal: str, thousands: str) -> np.ndarray:
    s = values.astype(str).str.strip()
    neg = s.str.startswith("(") & s.str.endswith(")")
    s = s.str.strip("()")
    if thousands:
        s = s.str.replace(thousands, "", regex=False)
    if decimal == ",":
        s = s.str.replace(",", ".", regex=False)
    out = pd.to_numeric(s, errors="raise").to_numpy(dtype=float)
    return np.where(neg, -out, out)


def read_raw(path: str | Path, mapping: dict) -> pd.DataFrame:
    """Mapped columns of a cohort ledger (text), ``source_line`` and ``amount`` (float).

    Parameters
    ----------
    path : path
        A ledger file of the cohort (CSV in any of its encodings, or XLSX).
    mapping : dict
        Its column mapping (:func:`load_mapping`).

    Returns
    -------
    DataFrame
        ``source_line`` (the physical line or row number of each record), one
        column per mapped field, ``amount`` parsed with the mapping's
        ``decimal`` and ``thousands`` marks (parenthesised amounts negative).

    Raises
    ------
    ValueError
        When no header line holds every mapped column.

    Examples
    --------
    >>> r = list_ledgers(absolute=True).iloc[0]
    >>> raw = read_raw(r.ledger, load_mapping(r.mapping))
    >>> raw.columns[0], raw["amount"].dtype.kind
    ('source_line', 'f')
    """
    path = Path(path)
    cols = mapping["columns"]
    wanted = list(cols.values())
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[int(mapping.get("sheet", 0) or 0)]
        rows = []
        header_at = None
        header: list = []
        for rno, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if header_at is None:
                vals = [str(v) if v is not None else "" for v in row]
                if all(w in vals for w in wanted):
                    header_at, header = rno, vals
                continue
            rows.append((rno, list(row) + [None] * (len(header) - len(row))))
        wb.close()
        if header_at is None:
            raise ValueError(f"{path}: header row with {wanted} not found")
        values = {c: [r[1][header.index(h)] for r in rows] for c, h in cols.items()}
        df = pd.DataFrame(values)
        df.insert(0, "source_line", [r[0] for r in rows])
        amt = df["amount"]
        if amt.map(lambda v: isinstance(v, (int, float))).all():
            df["amount"] = amt.astype(float)
        else:
            df["amount"] = _parse_amount(
                amt, mapping.get("decimal", "."), mapping.get("thousands", "")
            )
        return df
    raw = path.read_bytes()
    enc = mapping.get("encoding", "utf-8")
    text = raw.decode("utf-8-sig" if enc in ("utf-8", "utf-8-sig") else enc)
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    delim = mapping.get("delimiter", ",")
    header_at = None
    for i, line in enumerate(lines):
        fields = next(csv.reader([line], delimiter=delim)) if line else []
        if all(w in fields for w in wanted):
            header_at = i
            break
    if header_at is None:
        raise ValueError(f"{path}: header line with {wanted} not found")
    body = "\n".join(lines[header_at:])
    df = pd.read_csv(io.StringIO(body), sep=delim, dtype=str, keep_default_na=False)
    df = df[wanted].copy()
    df.columns = list(cols.keys())
    df.insert(0, "source_line", np.arange(header_at + 2, header_at + 2 + len(df)))
    df["amount"] = _parse_amount(
        df["amount"], mapping.get("decimal", "."), mapping.get("thousands", "")
    )
    return df


def list_ledgers(root: str | Path | None = None, *, absolute: bool = False) -> pd.DataFrame:
    """One row per ledger file of the cohort (``datasets/members/ledgers.csv``).

    Parameters
    ----------
    root : path, optional
        The datasets folder (default :func:`cohort_helpers.paths.datasets_dir`).
    absolute : bool
        Absolute paths instead of paths relative to the folder above ``root``
        (the repository root in a checkout).

    Returns
    -------
    DataFrame
        :data:`LIST_COLUMNS`: ``member``, ``country``, ``fiscal_year``,
        ``ledger``, ``mapping``, ``truth``.

    Examples
    --------
    >>> df = list_ledgers()
    >>> df.loc[df.member == "cedar_valley", "fiscal_year"].unique().tolist()
    [2019, 2020, 2021, 2022, 2023]
    >>> df.ledger.iloc[0].startswith("datasets/")
    True
    """
    root = _datasets_dir(root)
    idx = pd.read_csv(root / LEDGER_INDEX, dtype={"fiscal_year": int}, keep_default_na=False)
    for c in ("ledger", "mapping", "truth"):
        if absolute:
            idx[c] = [str((root / p).resolve()) for p in idx[c]]
        else:
            idx[c] = [f"{root.name}/{p}" for p in idx[c]]
    return idx[LIST_COLUMNS]


def _naics_titles() -> dict[str, str]:
    sef = data.read_sef()
    return dict(zip(sef["naics6"], sef["naics_title"], strict=False))


def describe(root: str | Path | None = None, members: list[str] | None = None) -> pd.DataFrame:
    """Realism summary per member-year, computed from the files and their truth.

    Parameters
    ----------
    root : path, optional
        The datasets folder (default :func:`cohort_helpers.paths.datasets_dir`).
    members : list of str, optional
        Only these members (default: all).

    Returns
    -------
    DataFrame
        ``member``, ``country``, ``fiscal_year``, ``currency``, ``lines``,
        ``total``, ``included_spend_share``, ``capital_share`` (of included
        spend), ``excl_lines_<reason>`` and ``excl_spend_<reason>`` (shares of
        lines and of total spend), ``top_categories`` (NAICS-6 and share of
        included spend, top five). NAICS titles come from the EPA SEF, read
        through :mod:`cohort_helpers.data` (``COHORT_DATA_DIR``).

    Raises
    ------
    ValueError
        When a truth file does not line up with its ledger.

    Examples
    --------
    >>> d = describe(members=["tindoy"])
    >>> d.fiscal_year.tolist(), d.currency.unique().tolist()
    ([2019, 2020, 2021], ['NOK'])
    """
    root = _datasets_dir(root)
    idx = list_ledgers(root, absolute=True)
    if members:
        idx = idx[idx["member"].isin(members)]
    titles = _naics_titles()
    rows = []
    for (member, country, fy), g in idx.groupby(["member", "country", "fiscal_year"], sort=False):
        parts = []
        for r in g.itertuples():
            raw = read_raw(r.ledger, load_mapping(r.mapping))
            truth = load_truth(r.truth)
            if (
                len(truth) != len(raw)
                or not (truth["source_line"].to_numpy() == raw["source_line"].to_numpy()).all()
            ):
                raise ValueError(
                    f"{r.ledger}: truth does not line up with the file ({len(truth)} vs {len(raw)} lines)"
                )
            parts.append(
                pd.concat(
                    [raw[["amount"]].reset_index(drop=True), truth.reset_index(drop=True)], axis=1
                )
            )
        df = pd.concat(parts, ignore_index=True)
        total = df["amount"].sum()
        inc = df[df["true_status"] == "included"]
        inc_total = inc["amount"].sum()
        row = {
            "member": member,
            "country": country,
            "fiscal_year": int(fy),
            "currency": "NOK" if country == "NO" else "USD",
            "lines": len(df),
            "total": round(total, 2),
            "included_spend_share": inc_total / total,
            "capital_share": inc.loc[inc["true_capital"] == 1, "amount"].sum() / inc_total,
        }
        exc = df[df["true_status"] == "excluded"]
        for reason, gg in exc.groupby("true_reason"):
            row[f"excl_lines_{reason}"] = len(gg) / len(df)
            row[f"excl_spend_{reason}"] = gg["amount"].sum() / total
        top = (
            inc.groupby("true_naics6")["amount"].sum().sort_values(ascending=False).head(5)
            / inc_total
        )
        row["top_categories"] = "; ".join(
            f"{k} {titles.get(k, '')[:38]} {v:.1%}" for k, v in top.items()
        )
        rows.append(row)
    return pd.DataFrame(rows).fillna(0.0)


def _print_describe(df: pd.DataFrame) -> None:
    reasons = sorted({c[len("excl_lines_") :] for c in df.columns if c.startswith("excl_lines_")})
    for r in df.itertuples():
        rd = r._asdict()
        print(
            f"{r.member} {'FY' if r.country == 'US' else ''}{r.fiscal_year} ({r.currency}): {r.lines:,} lines, total {r.total:,.0f}"
        )
        print(f"  {'excluded reason':<24}{'lines':>8}{'spend':>8}")
        for reason in reasons:
            lv, sv = rd.get(f"excl_lines_{reason}", 0.0), rd.get(f"excl_spend_{reason}", 0.0)
            if lv:
                print(f"  {reason:<24}{lv:>8.1%}{sv:>8.1%}")
        print(
            f"  included: {r.included_spend_share:.1%} of spend; capital outlay {r.capital_share:.1%} of included spend"
        )
        print("  top purchase categories (share of included spend):")
        for t in r.top_categories.split("; "):
            print(f"    {t}")
        print()


def cli_datasets(args: argparse.Namespace) -> int:
    """Handler of ``cohort datasets list|describe``; returns an exit code.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments with ``datasets_command`` ``"list"`` or ``"describe"``.

    Returns
    -------
    int
        0 on success, 2 when the folder or the reference data are missing.

    Examples
    --------
    >>> cli_datasets(argparse.Namespace(datasets_command="list"))  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
    member country fiscal_year ledger mapping truth
    ...
    0
    """
    cmd = args.datasets_command
    try:
        if cmd == "list":
            df = list_ledgers()
            sys.stdout.write(df.to_csv(sep="\t", index=False, lineterminator="\n"))
            return 0
        if cmd == "describe":
            _print_describe(describe())
            return 0
    except data.DataNotFoundError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"{exc}\nRun `cohort datasets build` first.", file=sys.stderr)
        return 2
    print(f"unknown datasets command {cmd!r}", file=sys.stderr)
    return 2
