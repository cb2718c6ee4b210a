"""Participant and instructor editions: instructor notes out of participants' sight, nbval
markers as tags (nbval still checks the same cells), the glossary linked at first use."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from cohort_helpers import cli, glossary, paths
from cohort_helpers.course import authoring

ROOT = paths.repo_root()
pytestmark = pytest.mark.skipif(ROOT is None, reason="not a source checkout")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) if ROOT else []
SESSIONS = [p for p in NOTEBOOKS if not p.name.startswith("00_")]
#: The cells nbval compared when they carried a "# NBVAL_CHECK_OUTPUT" comment.
CHECKED = {
    "00_setup_check": ["4791f6f2"],
    "01_lgo_and_supply_chain": [
        "b5e0675d", "73983520", "2f70e975", "1e565d24", "52180d4b", "97226804",
    ],
    "02_spend_survey": ["df4c8de3", "c94dad0e", "9c2252b3", "f6abbf93"],
    "03_downscaling_adjusting": ["447d75f6", "16c52b89", "de3d2829", "c0edfee1"],
    "04_quantitative_analysis": ["56a08200", "ad1890f6", "34ea6fab"],
    "05_round_robin": ["80612fbf", "45cbd430"],
    "06_purchasing_policy": ["48467d0d"],
}  # fmt: skip


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


# ------------------------------------------------------------------ nbval markers


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_nbval_markers_are_tags_on_the_same_cells(path):
    nb = read(path)
    for cell in nb.cells:
        assert "NBVAL" not in cell.source, f"{path.name} {cell.id}: a visible nbval comment"
    checked = [c.id for c in nb.cells if authoring.CHECK_TAG in tags(c)]
    assert set(CHECKED[path.stem]) <= set(checked)
    for cell in nb.cells:  # outputs are committed only where nbval compares them
        if cell.cell_type == "code" and cell.outputs:
            assert authoring.is_checked(cell), f"{path.name} {cell.id}"


def test_nbval_compares_the_output_of_a_tagged_cell_only(tmp_path):
    stale = [new_output("stream", name="stdout", text="41\n")]
    for tagged, expected in ((True, 1), (False, 0)):
        cell = new_code_cell("print(42)", outputs=stale, execution_count=1)
        if tagged:
            cell.metadata["tags"] = [authoring.CHECK_TAG]
        nb = new_notebook(cells=[cell])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        path = tmp_path / f"tagged_{tagged}.ipynb"
        nbformat.write(nb, path)
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-q",
             "-p", "no:cacheprovider", str(path)],
            capture_output=True, text=True, cwd=tmp_path,
        )  # fmt: skip
        assert run.returncode == expected, run.stdout[-2000:]


def test_markers_to_tags_and_tidy_keep_nbval_checking_the_cell():
    cell = new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(1)", outputs=[new_output("stream", text="1")])
    note = new_markdown_cell("**Instructor note.** x", metadata={"tags": ["instructor"]})
    nb = authoring.tidy(new_notebook(cells=[cell, note]))
    assert nb.cells[0].source == "print(1)" and tags(nb.cells[0]) == [authoring.CHECK_TAG]
    assert nb.cells[0].outputs  # a checked cell keeps its output
    assert nb.cells[1].metadata["jupyter"]["source_hidden"] is True


# ------------------------------------------------------------- instructor notes


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_instructor_notes_are_collapsed_in_the_notebooks(path):
    for cell in read(path).cells:
        if authoring.INSTRUCTOR_TAG in tags(cell):
            assert cell.metadata["jupyter"]["source_hidden"] is True, cell.source[:60]
            assert cell.metadata["slideshow"]["slide_type"] == "notes"
        else:
            assert "Instructor note" not in cell.source, f"{path.name}: untagged instructor note"


def test_editions_drop_or_expand_the_instructor_notes(tmp_path, capsys):
    assert cli.main(["notebooks", "editions", "--out", str(tmp_path)]) == 0
    assert "participant edition" in capsys.readouterr().out
    notes = 0
    for src in NOTEBOOKS:
        original = read(src)
        n = sum(authoring.INSTRUCTOR_TAG in tags(c) for c in original.cells)
        notes += n
        part = read(tmp_path / "participant" / "notebooks" / src.name)
        assert len(part.cells) == len(original.cells) - n
        assert not any("Instructor note" in c.source for c in part.cells)
        inst = read(tmp_path / "instructor" / "notebooks" / src.name)
        assert [c.source for c in inst.cells] == [c.source for c in original.cells]
        assert not any(c.metadata.get("jupyter", {}).get("source_hidden") for c in inst.cells)
    assert notes >= 10
    exercises = sorted(p.name for p in (tmp_path / "participant" / "exercises").glob("*.ipynb"))
    assert exercises == sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb"))
    assert (tmp_path / "instructor" / "solutions" / "01_lgo_and_supply_chain.ipynb").is_file()
    assert not (tmp_path / "participant" / "solutions").exists()


# -------------------------------------------------------------------- glossary


def github_anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_glossary_has_an_entry_for_every_term():
    text = (ROOT / "docs" / "GLOSSARY.md").read_text(encoding="utf-8")
    anchors = {github_anchor(h) for h in re.findall(r"^## (.+)$", text, re.M)}
    assert set(glossary.TERMS) <= anchors
    for needed in ("naics", "purchaser-price", "producer-price", "margins", "bea-sector",
                   "ar5-and-ar6-gwp", "pedigree-matrix", "gsd", "scope-3-categories-1-and-2",
                   "lgo", "gslgo"):  # fmt: skip
        assert needed in anchors
    assert "North American Industry Classification System" in text


@pytest.mark.parametrize("path", SESSIONS, ids=lambda p: p.stem)
def test_each_session_links_the_glossary_at_first_use(path):
    nb = read(path)
    assert glossary.unlinked_first_uses(nb) == []
    uses = glossary.first_uses(nb)
    assert uses, "a session uses at least one glossary term"
    for cell in nb.cells:
        for target in re.findall(r"\]\(([^)]*GLOSSARY\.md[^)]*)\)", cell.source):
            file, _, anchor = target.partition("#")
            assert (path.parent / file).resolve() == ROOT / "docs" / "GLOSSARY.md"
            assert anchor in glossary.TERMS
        if cell.cell_type == "code":
            assert "GLOSSARY" not in cell.source  # markdown links only


def test_linking_is_idempotent_and_skips_headings_code_and_other_links():
    nb = new_notebook(
        cells=[
            new_markdown_cell("## NAICS in a heading\n\nSee [the NAICS site](https://x.org)."),
            new_markdown_cell("Column `GSLGO` and the NAICS code; NAICS again."),
        ]
    )
    glossary.link_first_uses(nb)
    once = [c.source for c in nb.cells]
    assert once[0] == "## NAICS in a heading\n\nSee [the NAICS site](https://x.org)."
    assert once[1] == (
        "Column [`GSLGO`](../docs/GLOSSARY.md#gslgo) and the "
        "[NAICS](../docs/GLOSSARY.md#naics) code; NAICS again."
    )
    glossary.link_first_uses(nb)
    assert [c.source for c in nb.cells] == once


def test_conventions_command_restores_the_conventions_after_a_merge(tmp_path, capsys):
    src = ROOT / "notebooks" / "06_purchasing_policy.ipynb"
    nb = read(src)
    cell = next(c for c in nb.cells if authoring.CHECK_TAG in tags(c))
    cell.source = "# NBVAL_CHECK_OUTPUT\n" + cell.source  # what a merge may bring back
    cell.metadata["tags"] = []
    note = next(c for c in nb.cells if authoring.INSTRUCTOR_TAG in tags(c))
    note.metadata.pop("jupyter")
    path = tmp_path / src.name
    nbformat.write(nb, path)
    assert cli.main(["notebooks", "conventions", str(path)]) == 0
    assert "updated" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == src.read_text(encoding="utf-8")
    assert cli.main(["notebooks", "conventions", str(path)]) == 0
    assert capsys.readouterr().out == ""  # nothing left to do
