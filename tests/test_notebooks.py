"""Session notebooks: conventions, and papermill execution for every member.

Every ``notebooks/0N_*.ipynb`` runs under papermill for every cohort member it
applies to (metadata ``cohort.countries``), in the notebook's own folder (the
working directory nbval uses too). ``COHORT_TEST_MEMBERS`` narrows the
members: ``all`` (default), ``default``, or a comma-separated list.

The matrix is complete but cheap: each test worker keeps one kernel per
notebook (at most :data:`KERNELS_KEPT` at a time) and runs the notebook for one
member after another in it, with the namespace reset (``%reset -f``) and the
figures closed in between, as *Restart and Run All* would, except that modules
already imported stay imported (with their caches of reference tables). Kernel
start-up and imports are about half of a run's time. Fresh kernels still run
every notebook: nbval for the default member (``make test``'s first part) and
the own-member and exercise tests (``runner.execute``, one kernel each).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from cohort_helpers import DEFAULT_MEMBER
from cohort_helpers.course import runner

#: Kernels one test worker keeps alive (one per notebook, least recently used closed).
KERNELS_KEPT = 3
#: Run between two members in a kept kernel: a clean namespace, no figures left open.
RESET = "%reset -f\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt"

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


class KernelPool:
    """One kept kernel per notebook for this test worker (see the module docstring)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.kernels: dict[Path, object] = {}  # insertion order = least recently used first

    def kernel(self, notebook: Path):
        from jupyter_client.manager import KernelManager

        km = self.kernels.pop(notebook, None)
        if km is None or not km.is_alive():
            while len(self.kernels) >= self.size:
                self.kernels.pop(next(iter(self.kernels))).shutdown_kernel(now=True)
            km = KernelManager(kernel_name=runner.KERNEL_NAME)
            km.start_kernel(cwd=str(notebook.parent), extra_arguments=runner.KERNEL_ARGUMENTS)
        self.kernels[notebook] = km
        return km

    def close(self) -> None:
        for km in self.kernels.values():
            km.shutdown_kernel(now=True)
        self.kernels.clear()


@pytest.fixture(scope="session")
def kernel_pool():
    pool = KernelPool(KERNELS_KEPT)
    yield pool
    pool.close()


def run_in_kept_kernel(pool: KernelPool, notebook: Path, parameters: dict) -> None:
    """Execute ``notebook`` with papermill's parameter cell in the pool's kernel for it."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(notebook)), parameters)
    client = NotebookClient(
        nb,
        km=pool.kernel(notebook),
        timeout=600,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    with client.setup_kernel(cleanup_kc=False):
        reply = client.kc.execute_interactive(RESET, store_history=False, timeout=120,
                                              output_hook=lambda msg: None)  # fmt: skip
        assert reply["content"]["status"] == "ok", f"namespace reset failed: {reply['content']}"
        for index, cell in enumerate(client.nb.cells):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as exc:
                pytest.fail(f"{notebook.name} for {parameters['member']}, cell {index}: {exc}")


@pytest.mark.notebooks
@pytest.mark.parametrize("notebook,member", list(_cases()))
def test_notebook_runs_for_member(notebook, member, tmp_path, kernel_pool):
    out = tmp_path / "out"
    before = {p for p in notebook.parent.rglob("*") if ".ipynb_checkpoints" not in p.parts}
    run_in_kept_kernel(kernel_pool, notebook, {"member": member, "output_dir": str(out)})
    # the notebook writes only under output_dir, never beside itself
    after = {p for p in notebook.parent.rglob("*") if ".ipynb_checkpoints" not in p.parts}
    assert after <= before, f"files written outside output_dir: {sorted(after - before)}"
