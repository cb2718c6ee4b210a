"""Tools for course authors: commit notebooks in the form the tests expect.

Session notebooks and solutions are committed **without outputs**, except the
cells marked ``# NBVAL_CHECK_OUTPUT`` (the headline figures), whose output
nbval compares on every test run. :func:`freeze` makes a notebook so: it
executes it for the default member (as nbval does), keeps the outputs of the
checked cells only, gives every cell slide metadata and an id, and writes it
back.

``cohort notebooks freeze notebooks/04_quantitative_analysis.ipynb`` does the
same from a terminal.

Examples
--------
>>> from cohort_helpers import authoring
>>> authoring.freeze("notebooks/01_lgo_and_supply_chain.ipynb")  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

import nbformat

from . import DEFAULT_MEMBER

CHECK_MARK = "NBVAL_CHECK_OUTPUT"


def _checked(cell) -> bool:
    return cell.cell_type == "code" and CHECK_MARK in cell.source


def tidy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Slide metadata and ids on every cell; no outputs except on checked cells.

    Cells without ``slideshow`` metadata get ``slide_type`` ``"-"`` (continue
    the current slide); unchecked code cells lose their outputs and execution
    counts; volatile papermill/execution metadata is dropped.
    """
    for cell in nb.cells:
        cell.setdefault("id", uuid.uuid4().hex[:8])
        meta = cell.setdefault("metadata", {})
        meta.setdefault("slideshow", {}).setdefault("slide_type", "-")
        for key in ("papermill", "execution", "ExecuteTime"):
            meta.pop(key, None)
        if cell.cell_type == "code" and not _checked(cell):
            cell.outputs = []
            cell.execution_count = None
    for key in ("papermill", "widgets"):
        nb.metadata.pop(key, None)
    nb.metadata.setdefault(
        "kernelspec",
        {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    )
    nb.metadata.setdefault("language_info", {"name": "python"})
    return nb


def freeze(path: str | Path, member: str = DEFAULT_MEMBER) -> Path:
    """Execute ``path`` for ``member`` and commit-ready it in place.

    Outputs are kept only on cells containing ``# NBVAL_CHECK_OUTPUT``.

    Parameters
    ----------
    path : path-like
        A notebook in ``notebooks/`` or ``solutions/``.
    member : str
        The member the checked outputs are for (nbval runs with the defaults
        of the ``parameters`` cell, so this should stay the default member).

    Returns
    -------
    Path
        The notebook written.

    Raises
    ------
    RuntimeError
        When a cell fails; the message names the cell.
    """
    from . import runner

    path = Path(path).resolve()
    nb = tidy(nbformat.read(path, as_version=4))
    nbformat.write(nb, path)
    with tempfile.TemporaryDirectory() as tmp:
        run = runner.execute(
            path,
            Path(tmp),
            {"member": member, "output_dir": str(Path(tmp) / "out")},
            html=False,
            cwd=path.parent,
        )
        if run.status != "ok":
            raise RuntimeError(f"{path.name}: {run.message}")
        executed = nbformat.read(run.executed, as_version=4)
    by_id = {c.get("id"): c for c in executed.cells}
    count = 0
    for cell in nb.cells:
        if not _checked(cell):
            continue
        done = by_id.get(cell.get("id"))
        if done is None:
            raise RuntimeError(f"{path.name}: executed copy lacks cell {cell.get('id')}")
        count += 1
        cell.outputs = [o for o in done.outputs if o.get("output_type") != "display_data"]
        cell.execution_count = count
    nbformat.write(tidy(nb), path)
    return path


def cli_notebooks(args: argparse.Namespace) -> int:
    """``cohort notebooks freeze NOTEBOOK ...``."""
    failed = 0
    for p in args.notebooks:
        try:
            print(f"froze {freeze(p, member=args.member)}")
        except (RuntimeError, FileNotFoundError) as exc:
            failed += 1
            print(f"error: {exc}", file=sys.stderr)
    return 1 if failed else 0
