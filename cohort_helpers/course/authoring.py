"""Tools for course authors: commit notebooks in the form the tests expect.

Session notebooks and solutions are committed **without outputs**, except the
cells tagged ``nbval-check-output`` (the headline figures), whose output
nbval compares on every test run (nbval reads the tag as it reads a
``# NBVAL_CHECK_OUTPUT`` comment; the tag keeps the marker out of the
participants' sight). :func:`freeze` makes a notebook so: it executes it for
the default member (as nbval does), keeps the outputs of the checked cells
only, turns nbval comment markers into tags, collapses the cells tagged
``instructor`` (``jupyter.source_hidden``), gives every cell slide metadata
and an id, and writes it back.

``cohort notebooks freeze notebooks/04_quantitative_analysis.ipynb`` does the
same from a terminal.

Editions: :func:`participant_edition` drops the instructor cells (notes with
the answers to the discussion questions), :func:`instructor_edition` keeps
them expanded; ``cohort notebooks editions --out build/editions`` writes both
for every session notebook (``participant/`` also gets the exercises,
``instructor/`` the solutions).

Examples
--------
>>> from cohort_helpers.course import authoring
>>> authoring.freeze("notebooks/01_lgo_and_supply_chain.ipynb")  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import copy
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import nbformat

from .. import DEFAULT_MEMBER, glossary, paths

#: The nbval comment marker of a cell whose output is compared (older notebooks).
CHECK_MARK = "NBVAL_CHECK_OUTPUT"
#: The same as a cell tag (what notebooks use now; nbval reads both).
CHECK_TAG = "nbval-check-output"
#: nbval comment markers and the tags that replace them.
NBVAL_MARKERS = {
    "NBVAL_CHECK_OUTPUT": "nbval-check-output",
    "NBVAL_IGNORE_OUTPUT": "nbval-ignore-output",
    "NBVAL_RAISES_EXCEPTION": "nbval-raises-exception",
    "NBVAL_SKIP": "nbval-skip",
}
#: Cells for the instructor only (collapsed in the notebooks, dropped from participant copies).
INSTRUCTOR_TAG = "instructor"


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def is_checked(cell) -> bool:
    """True for a code cell whose output nbval compares (tag, or the old comment)."""
    return cell.cell_type == "code" and (CHECK_TAG in _tags(cell) or CHECK_MARK in cell.source)


_checked = is_checked


def markers_to_tags(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Move nbval comment markers (``# NBVAL_CHECK_OUTPUT`` lines) into cell tags, in place.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\\nx")])
    >>> cell = markers_to_tags(nb).cells[0]
    >>> cell.source, cell.metadata["tags"]
    ('x', ['nbval-check-output'])
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept, found = [], []
        for line in cell.source.split("\n"):
            word = line.strip().lstrip("#").strip()
            if line.strip().startswith("#") and word in NBVAL_MARKERS:
                found.append(NBVAL_MARKERS[word])
            else:
                kept.append(line)
        if found:
            cell.source = "\n".join(kept)
            tags = _tags(cell)
            cell.setdefault("metadata", {})["tags"] = tags + [t for t in found if t not in tags]
    return nb


def hide_instructor_notes(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Collapse the cells tagged ``instructor`` (``jupyter.source_hidden``), in place."""
    for cell in nb.cells:
        if INSTRUCTOR_TAG in _tags(cell):
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    return nb


def participant_edition(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without the instructor cells (pure: ``nb`` is not changed).

    Examples
    --------
    >>> note = nbformat.v4.new_markdown_cell("**Instructor note.** 42", metadata={"tags": ["instructor"]})
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"), note])
    >>> [c.source for c in participant_edition(nb).cells]
    ['# T']
    """
    out = copy.deepcopy(nb)
    out.cells = [c for c in out.cells if INSTRUCTOR_TAG not in _tags(c)]
    return out


def instructor_edition(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy with every instructor cell expanded (pure: ``nb`` is not changed)."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if INSTRUCTOR_TAG in _tags(cell):
            cell.metadata.get("jupyter", {}).pop("source_hidden", None)
            if cell.metadata.get("jupyter") == {}:
                cell.metadata.pop("jupyter")
    return out


def apply_conventions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The editions' conventions, without executing anything, in place.

    nbval comment markers become tags, instructor cells are collapsed, and the
    first use of each glossary term is linked (:mod:`cohort_helpers.glossary`).
    ``cohort notebooks conventions NOTEBOOK ...`` does it from a terminal (e.g.
    after a merge that brought back a ``# NBVAL_CHECK_OUTPUT`` line).

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Each NAICS code.")])
    >>> apply_conventions(nb).cells[0].source
    'Each [NAICS](../docs/GLOSSARY.md#naics) code.'
    """

    markers_to_tags(nb)
    hide_instructor_notes(nb)
    glossary.link_first_uses(nb)
    return nb


def build_editions(root: str | Path, out: str | Path) -> dict[str, list[Path]]:
    """Write ``<out>/participant/`` and ``<out>/instructor/`` from a source checkout.

    ``participant/notebooks`` holds the session notebooks without instructor
    cells and ``participant/exercises`` the homework; ``instructor/notebooks``
    the session notebooks with the instructor notes expanded and
    ``instructor/solutions`` the answer notebooks.

    Returns
    -------
    dict
        ``{"participant": [files], "instructor": [files]}``.
    """
    root, out = Path(root), Path(out)
    written: dict[str, list[Path]] = {"participant": [], "instructor": []}
    for edition, make in (("participant", participant_edition), ("instructor", instructor_edition)):
        folder = out / edition / "notebooks"
        folder.mkdir(parents=True, exist_ok=True)
        for src in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            target = folder / src.name
            nbformat.write(make(nbformat.read(src, as_version=4)), target)
            written[edition].append(target)
        extra = "exercises" if edition == "participant" else "solutions"
        dest = out / edition / extra
        dest.mkdir(parents=True, exist_ok=True)
        for src in sorted((root / extra).glob("*")):
            if src.is_file() and src.suffix in (".ipynb", ".md"):
                shutil.copy2(src, dest / src.name)
                written[edition].append(dest / src.name)
    return written


def tidy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Slide metadata and ids on every cell; no outputs except on checked cells.

    Cells without ``slideshow`` metadata get ``slide_type`` ``"-"`` (continue
    the current slide); nbval comment markers become tags; instructor cells
    are collapsed; unchecked code cells lose their outputs and execution
    counts; volatile papermill/execution metadata is dropped.
    """
    markers_to_tags(nb)
    hide_instructor_notes(nb)
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

    Outputs are kept only on cells tagged ``nbval-check-output``.

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
    from . import runner  # lazy: runner imports authoring (participant editions)

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
    """``cohort notebooks freeze|conventions NOTEBOOK ...`` and ``cohort notebooks editions``."""
    if getattr(args, "notebooks_command", "freeze") == "conventions":
        for p in args.notebooks:
            path = Path(p)
            raw = path.read_text(encoding="utf-8")
            nb = apply_conventions(nbformat.reads(raw, as_version=4))
            text = nbformat.writes(nb)
            text = text if text.endswith("\n") else text + "\n"
            if text != raw:
                path.write_text(text, encoding="utf-8")
                print(f"updated {path}")
        return 0
    if getattr(args, "notebooks_command", "freeze") == "editions":

        root = paths.repo_root()
        if root is None:
            print("cohort notebooks editions works in a source checkout.", file=sys.stderr)
            return 2
        written = build_editions(root, Path(args.out))
        for edition, files in written.items():
            print(f"{edition} edition: {len(files)} file(s) in {Path(args.out) / edition}/")
        return 0
    failed = 0
    for p in args.notebooks:
        try:
            print(f"froze {freeze(p, member=args.member)}")
        except (RuntimeError, FileNotFoundError) as exc:
            failed += 1
            print(f"error: {exc}", file=sys.stderr)
    return 1 if failed else 0
