"""Session notebooks: conventions, and papermill execution for every member.

Every ``notebooks/0N_*.ipynb`` runs under papermill for every cohort member it
applies to (metadata ``cohort.countries``), in the notebook's own folder (the
working directory nbval uses too). ``COHORT_TEST_MEMBERS`` narrows the
members: ``all`` (default), ``default``, or a comma-separated list.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from cohort_helpers import DEFAULT_MEMBER
from cohort_helpers.course import runner

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
AUTHORED = NOTEBOOKS + sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def _members() -> list[tuple[str, str]]:
    """(slug, country) of the members to test with."""
    wanted = os.environ.get("COHORT_TEST_MEMBERS", "all")
    try:
        from cohort_helpers import members

        table = members.list_members()
        pairs = list(zip(table["slug"], table["country"], strict=True))
    except Exception:  # the cohort is not built yet
        pairs = [(DEFAULT_MEMBER, "US")]
    if wanted == "default":
        return [p for p in pairs if p[0] == DEFAULT_MEMBER]
    if wanted != "all":
        names = set(wanted.split(","))
        return [p for p in pairs if p[0] in names]
    return pairs


def _cases():
    for nb in NOTEBOOKS:
        countries = runner.notebook_countries(nb)
        for slug, country in _members():
            if country in countries:
                yield pytest.param(nb, slug, id=f"{nb.stem}-{slug}")


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _src(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


@pytest.mark.parametrize("path", AUTHORED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_conventions(path):
    nb = _load(path)
    cells = nb["cells"]
    first = cells[0]
    assert first["cell_type"] == "markdown"
    intro = _src(first)
    assert intro.startswith("# "), "first cell starts with the title"
    for needed in ("Learning objectives", "Time needed", "What you need"):
        assert needed in intro, f"first cell names '{needed}'"
    params = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    assert re.search(r"^member\s*=", _src(params[0]), re.M)
    assert re.search(r"^output_dir\s*=", _src(params[0]), re.M)
    # headings without skipped levels
    level = 0
    for c in cells:
        if c["cell_type"] != "markdown":
            continue
        for m in re.finditer(r"^(#{1,6}) ", _src(c), re.M):
            new = len(m.group(1))
            assert new <= level + 1, f"heading level jumps from {level} to {new}: {m.group(0)}"
            level = new
    # slide metadata everywhere; outputs only where nbval checks them on purpose
    for c in cells:
        assert "slide_type" in c.get("metadata", {}).get("slideshow", {}), _src(c)[:60]
        checked = "nbval-check-output" in c.get("metadata", {}).get("tags", [])
        if c["cell_type"] == "code" and not checked:
            assert not c.get("outputs") and c.get("execution_count") is None, _src(c)[:60]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.notebooks
@pytest.mark.parametrize("notebook,member", list(_cases()))
def test_notebook_runs_for_member(notebook, member, tmp_path):
    out = tmp_path / "out"
    before = {p for p in notebook.parent.rglob("*") if ".ipynb_checkpoints" not in p.parts}
    run = runner.execute(
        notebook,
        tmp_path,
        {"member": member, "output_dir": str(out)},
        html=False,
        cwd=notebook.parent,
    )
    assert run.status == "ok", run.message
    # the notebook writes only under output_dir, never beside itself
    after = {p for p in notebook.parent.rglob("*") if ".ipynb_checkpoints" not in p.parts}
    assert after <= before, f"files written outside output_dir: {sorted(after - before)}"
