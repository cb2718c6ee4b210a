"""The synthetic cohort: a deterministic generator for ``datasets/``.

``cohort datasets build|check|list|describe`` lands in :func:`cli_datasets`.

* :func:`build` writes every file (ledgers, mappings, ground truth,
  classification data, survey returns, public figures, README,
  ``datapackage.json``) from seed :data:`SEED`.
* :func:`check` builds into a temporary folder and compares byte for byte.
* :func:`list_ledgers` and :func:`describe` read the folder.

Reference data (BEA Use table, EPA SEF) is read through
:mod:`cohort_helpers.data`, so ``COHORT_DATA_DIR`` must point at it.

Examples
--------
>>> from cohort_helpers import synth
>>> synth.list_ledgers().columns.tolist()  # doctest: +SKIP
['member', 'country', 'fiscal_year', 'ledger', 'mapping', 'truth']
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from pathlib import Path

import pandas as pd

from ._util import SEED

__all__ = [
    "SEED",
    "build",
    "check",
    "compare_dirs",
    "list_ledgers",
    "describe",
    "cli_datasets",
    "LIST_COLUMNS",
]

LIST_COLUMNS = ["member", "country", "fiscal_year", "ledger", "mapping", "truth"]
LEDGER_INDEX = "members/ledgers.csv"


def _datasets_dir(root: str | Path | None = None) -> Path:
    if root is not None:
        return Path(root)
    from .. import paths

    return paths.datasets_dir()


def build(out: str | Path | None = None, *, verbose: bool = False) -> list[Path]:
    """Generate the whole cohort into ``out`` (default: the repository's ``datasets/``).

    Returns the files written. Entries of the folder that the generator does
    not own (see ``_build.MANAGED``) are left alone.
    """
    from ._build import build as _build

    log = (lambda s: print(s, file=sys.stderr)) if verbose else None
    return _build(_datasets_dir(out), log=log)


def compare_dirs(expected: str | Path, actual: str | Path) -> list[str]:
    """Differences between two folders, as ``"differs: path"``, ``"missing: path"``, ``"extra: path"``.

    ``expected`` is the fresh build, ``actual`` the folder checked; paths are
    relative to the folders. Only the generator's own entries are compared.
    """
    from ._build import MANAGED

    expected, actual = Path(expected), Path(actual)

    def files(root: Path) -> set[str]:
        out = set()
        for name in MANAGED:
            top = root / name
            cands = [top] if top.is_file() else (top.rglob("*") if top.is_dir() else [])
            out |= {
                p.relative_to(root).as_posix()
                for p in cands
                if p.is_file() and "__pycache__" not in p.parts
            }
        return out

    e, a = files(expected), files(actual)
    out = [f"missing: {p}" for p in sorted(e - a)]
    out += [f"extra: {p}" for p in sorted(a - e)]
    for p in sorted(e & a):
        if not filecmp.cmp(expected / p, actual / p, shallow=False):
            out.append(f"differs: {p}")
    return out


def _fresh_build(tmp: Path) -> Path:
    from ._build import build as _build

    out = tmp / "datasets"
    _build(out)
    return out


def check(root: str | Path | None = None, fresh: str | Path | None = None) -> list[str]:
    """Compare ``root`` (default: the datasets folder) with a fresh build.

    Parameters
    ----------
    root : path, optional
        Folder to check.
    fresh : path, optional
        An already built folder to compare against (skips building).

    Returns
    -------
    list of str
        Empty when identical; otherwise one entry per differing, missing or
        extra file.
    """
    root = _datasets_dir(root)
    if fresh is not None:
        return compare_dirs(fresh, root)
    with tempfile.TemporaryDirectory(prefix="cohort-datasets-") as tmp:
        return compare_dirs(_fresh_build(Path(tmp)), root)


def list_ledgers(root: str | Path | None = None, *, absolute: bool = False) -> pd.DataFrame:
    """One row per ledger file: member, country, fiscal_year, ledger, mapping, truth.

    Paths are relative to the folder above ``datasets/`` (the repository root
    in a checkout), or absolute with ``absolute=True``.
    """
    root = _datasets_dir(root)
    idx = pd.read_csv(root / LEDGER_INDEX, dtype={"fiscal_year": int}, keep_default_na=False)
    for c in ("ledger", "mapping", "truth"):
        if absolute:
            idx[c] = [str((root / p).resolve()) for p in idx[c]]
        else:
            idx[c] = [f"{root.name}/{p}" for p in idx[c]]
    return idx[LIST_COLUMNS]


def describe(root: str | Path | None = None, members: list[str] | None = None) -> pd.DataFrame:
    """Realism summary per member-year, computed from the files and their truth.

    Columns: ``member``, ``country``, ``fiscal_year``, ``currency``, ``lines``,
    ``total``, ``included_spend_share``, ``capital_share`` (of included
    spend), ``excl_lines_<reason>`` and ``excl_spend_<reason>`` (shares of
    lines and of total spend), ``top_categories`` (NAICS-6 and share of
    included spend, top five).
    """
    from ._catalog import naics_titles
    from ._read import load_mapping, load_truth, read_raw

    root = _datasets_dir(root)
    idx = list_ledgers(root, absolute=True)
    if members:
        idx = idx[idx["member"].isin(members)]
    titles = naics_titles()
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
    """Handler of ``cohort datasets build|check|list|describe``; returns an exit code."""
    from ..data import DataNotFoundError

    cmd = args.datasets_command
    try:
        if cmd == "build":
            out = _datasets_dir(getattr(args, "out", None))
            files = build(out, verbose=True)
            size = sum(f.stat().st_size for f in files)
            print(f"Wrote {len(files)} files ({size / 1e6:.1f} MB) to {out}")
            return 0
        if cmd == "check":
            root = _datasets_dir()
            if not root.is_dir():
                print(f"{root} does not exist; run `cohort datasets build`.", file=sys.stderr)
                return 1
            diffs = check(root)
            if diffs:
                print(f"{root} differs from a fresh build (seed {SEED}):", file=sys.stderr)
                for d in diffs:
                    print(f"  {d}", file=sys.stderr)
                print(
                    "Run `cohort datasets build` (or `make data`) and commit the result.",
                    file=sys.stderr,
                )
                return 1
            print(f"{root} equals a fresh build (seed {SEED}).")
            return 0
        if cmd == "list":
            df = list_ledgers()
            sys.stdout.write(df.to_csv(sep="\t", index=False, lineterminator="\n"))
            return 0
        if cmd == "describe":
            _print_describe(describe())
            return 0
    except DataNotFoundError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"{exc}\nRun `cohort datasets build` first.", file=sys.stderr)
        return 2
    print(f"unknown datasets command {cmd!r}", file=sys.stderr)
    return 2
