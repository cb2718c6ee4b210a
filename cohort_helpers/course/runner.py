"""Execute the session notebooks for one cohort member (what ``make run`` does).

Each notebook in ``notebooks/`` is run with papermill (parameters ``member``
and ``output_dir``), saved executed to ``<out>/<name>.ipynb`` and rendered to
``<out>/<name>.html``. A notebook declares the countries it applies to in its
metadata (``"cohort": {"countries": ["US", "NO"]}``); others are skipped for
that member.

Examples
--------
>>> from cohort_helpers.course.runner import run_member
>>> results = run_member("cedar_valley", "build/cedar_valley")  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .. import DEFAULT_MEMBER, data, members, paths
from ..inventory import headline
from ..widgets.static import EXPORT_PRIORITY

#: Kernel used for every execution: the interpreter running this code.
KERNEL_NAME = "python3"
#: Arguments for every kernel started here. The kernel runs on this machine, for this
#: process only; its start-up warning "Kernel is running over TCP without encryption"
#: (once per notebook) says nothing the person running ``make run`` can act on, so the
#: kernel application logs errors only. Warnings and errors of the notebook's own code
#: still show in the notebook.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


@dataclass
class NotebookRun:
    """Outcome of executing one notebook."""

    notebook: str
    status: str  # "ok", "failed" or "skipped"
    seconds: float
    executed: Path | None = None
    html: Path | None = None
    message: str = ""


def notebooks_dir() -> Path:
    root = paths.repo_root()
    if root is None:
        raise FileNotFoundError(
            "Session notebooks are run from a source checkout of the curriculum; "
            "this copy of cohort_helpers is installed elsewhere."
        )
    return root / "notebooks"


def session_notebooks(folder: Path | None = None) -> list[Path]:
    """The session notebooks in run order (``0N_*.ipynb``)."""
    folder = folder or notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def notebook_countries(path: Path) -> list[str]:
    """Countries a notebook applies to (metadata ``cohort.countries``; default US and NO)."""
    meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    return list(meta.get("cohort", {}).get("countries", ["US", "NO"]))


def member_country(member: str) -> str:
    """``"US"`` or ``"NO"`` for a bundled member; ``"US"`` if the cohort isn't available."""
    try:
        return str(members.member_profile(member).country)
    except Exception:
        return "US"


def html_title(nb) -> str:
    """``"Session N: <title> - <member display name>"`` for an executed notebook.

    The title is the notebook's first ``#`` heading; the member is the
    ``member`` parameter papermill recorded, shown by its display name.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Session 2: Survey")])
    >>> html_title(nb)
    'Session 2: Survey'
    """
    heading = next(
        (
            line[2:].strip()
            for cell in nb.cells
            if cell.cell_type == "markdown"
            for line in cell.source.splitlines()
            if line.startswith("# ")
        ),
        "Notebook",
    )
    member = nb.metadata.get("papermill", {}).get("parameters", {}).get("member")
    if not member:
        return heading
    try:
        name = members.member_profile(member).name
    except Exception:  # an unknown member still gets a title
        name = member
    return f"{heading} - {name}"


def to_html(executed: Path, html: Path, *, instructor_notes: bool = True) -> None:
    """Render an executed notebook to a standalone HTML page titled by :func:`html_title`.

    Outputs that carry both a widget view and a static summary (the panels of
    :mod:`cohort_helpers.widgets`) show the static summary: a page has no
    kernel for the widget. ``instructor_notes=False`` leaves out the cells
    tagged ``instructor`` (the participants' page).
    """
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config


    nb = nbformat.read(executed, as_version=4)
    if not instructor_notes:
        # lazy: authoring imports runner (executing editions)
        from .authoring import participant_edition

        nb = participant_edition(nb)
    nb.metadata["title"] = html_title(nb)
    config = Config({"NbConvertBase": {"display_data_priority": EXPORT_PRIORITY}})
    body, _ = HTMLExporter(config=config).from_notebook_node(nb)
    html.write_text(body, encoding="utf-8")


def execute(
    notebook: Path,
    out_dir: Path,
    parameters: dict,
    *,
    html: bool = True,
    cwd: Path | None = None,
    instructor_notes: bool = True,
) -> NotebookRun:
    """Execute one notebook with papermill into ``out_dir``; never raises on cell errors."""
    import papermill as pm

    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / notebook.name
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(
            str(notebook),
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            cwd=str(cwd or notebook.parent),
            progress_bar=False,
            extra_arguments=KERNEL_ARGUMENTS,
        )
    except pm.PapermillExecutionError as exc:
        return NotebookRun(
            notebook.name,
            "failed",
            time.perf_counter() - t0,
            executed,
            None,
            f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}",
        )
    page = None
    if html:
        page = executed.with_suffix(".html")
        to_html(executed, page, instructor_notes=instructor_notes)
    return NotebookRun(notebook.name, "ok", time.perf_counter() - t0, executed, page)


def run_member(
    member: str = DEFAULT_MEMBER,
    out: str | Path | None = None,
    *,
    html: bool = True,
    notebooks: list[Path] | None = None,
) -> list[NotebookRun]:
    """Execute every applicable session notebook for ``member`` into ``out``.

    Parameters
    ----------
    member : str
        Cohort member slug.
    out : path-like, optional
        Output folder; default ``build/<member>``. Each notebook writes its own
        files under ``<out>/<notebook stem>/``.
    html : bool
        Also render each executed notebook to HTML.

    Returns
    -------
    list of NotebookRun
    """
    out = Path(out) if out else paths.default_output_dir(member)
    out = out.resolve()
    country = member_country(member)
    runs = []
    for nb in notebooks if notebooks is not None else session_notebooks():
        if country not in notebook_countries(nb):
            runs.append(NotebookRun(nb.name, "skipped", 0.0, message=f"not for {country} members"))
            continue
        print(f"  running {nb.name} for {member} ...", flush=True)
        params = {"member": member, "output_dir": str(out / nb.stem)}
        # the session pages are the participants' (instructor notes: the notebooks,
        # `cohort notebooks editions` and the answer keys)
        run = execute(nb, out, params, html=html, instructor_notes=False)
        print(f"    {run.status} in {run.seconds:.1f} s {run.message}", flush=True)
        runs.append(run)
    return runs


def print_summary(member: str, out: Path) -> None:
    """Headline figures for the member, once the inventory engine exists."""
    try:
        print(headline(member))
    except Exception as exc:  # the summary must never hide the run's result
        print(f"(No inventory summary: {exc.__class__.__name__}: {exc})")


def cli_run(args: argparse.Namespace) -> int:
    """``cohort run --member NAME --out DIR``."""

    # Fail fast, before any kernel starts, when reference data is missing.
    for name, ref in data.REGISTRY.items():
        if ref.url is None:
            continue
        try:
            data.fetch_file(name)
        except data.DataNotFoundError as exc:
            print(exc, file=sys.stderr)
            return 1
    member = args.member
    out = Path(args.out) if args.out else paths.default_output_dir(member)
    nbs = session_notebooks()
    if not nbs:
        print("No session notebooks found in notebooks/.", file=sys.stderr)
        return 1
    print(f"Executing {len(nbs)} notebook(s) for {member} into {out}/")
    runs = run_member(member, out, html=not args.no_html, notebooks=nbs)
    failed = [r for r in runs if r.status == "failed"]
    ok = [r for r in runs if r.status == "ok"]
    print(
        f"\n{len(ok)} notebook(s) executed, {len(failed)} failed, "
        f"{sum(r.status == 'skipped' for r in runs)} skipped. Output: {out}/"
    )
    for r in failed:
        print(f"  FAILED {r.notebook}: {r.message} (see {r.executed})", file=sys.stderr)
    print_summary(member, out)
    return 1 if failed else 0
