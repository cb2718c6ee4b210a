"""The synthetic cohort: a deterministic generator for ``datasets/``.

Authors' tool, not part of the ``cohort_helpers`` package (the wheel leaves it
out): it is importable from a checkout of the repository. ``cohort datasets
build|check`` (and ``make data``) land in :func:`cli_datasets`; ``cohort
datasets list|describe`` only read the folder and live in
:mod:`cohort_helpers.datasets`.

* :func:`build` writes every file (ledgers, mappings, ground truth,
  classification data, survey returns, public figures, README,
  ``datapackage.json``) from seed :data:`SEED`.
* :func:`check` builds into a temporary folder and compares byte for byte.

Reference data (BEA Use table, EPA SEF) is read through
:mod:`cohort_helpers.data`, so ``COHORT_DATA_DIR`` must point at it.

Examples
--------
>>> from tools import synth
>>> synth.SEED
20240917
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from pathlib import Path

from cohort_helpers import data, paths

from ._util import SEED

__all__ = [
    "SEED",
    "build",
    "check",
    "compare_dirs",
    "cli_datasets",
]


def _datasets_dir(root: str | Path | None = None) -> Path:
    if root is not None:
        return Path(root)
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


def cli_datasets(args: argparse.Namespace) -> int:
    """Handler of ``cohort datasets build|check``; returns an exit code.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments: ``datasets_command`` (``"build"`` or ``"check"``),
        ``out`` for ``build`` (default: the repository's ``datasets/``).

    Returns
    -------
    int
        0 on success, 1 when ``check`` finds a difference, 2 on missing input.

    Examples
    --------
    >>> cli_datasets(argparse.Namespace(datasets_command="list"))  # not the generator's
    2
    """
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
    except data.DataNotFoundError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"{exc}\nRun `cohort datasets build` first.", file=sys.stderr)
        return 2
    print(f"unknown datasets command {cmd!r}", file=sys.stderr)
    return 2
