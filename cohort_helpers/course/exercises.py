"""Homework from one source: exercise notebooks generated from solution notebooks.

Each homework notebook is written once, in ``solutions/``, with marked
solution blocks (nbgrader style)::

    ### BEGIN SOLUTION            (code cells; optionally "### BEGIN SOLUTION (task 2)")
    total_t = emissions_kg.sum() / 1000
    ### END SOLUTION

    <!-- BEGIN SOLUTION -->       (markdown cells)
    The largest share comes from ...
    <!-- END SOLUTION -->

``cohort exercises build`` writes ``exercises/<same name>`` from each
``solutions/0N_<name>.ipynb``: a code block becomes ``# YOUR CODE HERE (task N)``
plus ``name = ...`` for every name the block assigns at top level, so the
notebook still runs and the checks report *not yet done*; a markdown block
becomes ``_YOUR ANSWER HERE (task N)_``; cells tagged ``instructor`` are
dropped; outputs and execution counts are stripped; a markdown note after the
title cell (and ``metadata.cohort.generated_from`` in the notebook and its
first cell) says the file is generated. ``cohort exercises check`` fails when
``exercises/`` differs from a fresh build. ``cohort exercises answer-keys``
executes the solutions with papermill and renders them to HTML.

Examples
--------
>>> print(code_placeholder(["total = a + b", "share = total / 2"], "task 1"))
# YOUR CODE HERE (task 1)
total = ...
share = ...
"""

from __future__ import annotations

import argparse
import ast
import copy
import difflib
import json
import re
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import nbformat
from nbformat import NotebookNode

from .. import DEFAULT_MEMBER, paths
from . import runner

__all__ = [
    "AnswerKey",
    "BuildReport",
    "Difference",
    "ExerciseError",
    "answer_keys",
    "assigned_names",
    "build",
    "check",
    "cli_exercises",
    "code_placeholder",
    "expected_exercises",
    "make_exercise",
    "render_exercise",
    "solution_notebooks",
]

#: Solution notebooks: ``solutions/0N_<name>.ipynb`` (the session-notebook pattern).
SOLUTION_GLOB = "[0-9][0-9]_*.ipynb"
#: Cells with this tag are dropped from exercises.
INSTRUCTOR_TAG = "instructor"
#: Key of this tool's entries in notebook and cell metadata.
METADATA_KEY = "cohort"
#: Cell id of the generated-file notice (first cell of every exercise).
NOTICE_CELL_ID = "generated-notice"
#: Cell metadata removed from exercises (execution timing, papermill state).
VOLATILE_CELL_METADATA = ("execution", "papermill", "ExecuteTime")
#: Notebook metadata removed from exercises.
VOLATILE_NOTEBOOK_METADATA = ("papermill", "widgets")

_CODE_BEGIN = re.compile(r"^(?P<indent>[ \t]*)#+[ \t]*BEGIN SOLUTION\b(?P<label>.*)$")
_CODE_END = re.compile(r"^[ \t]*#+[ \t]*END SOLUTION\b.*$")
_MD_BEGIN = re.compile(
    r"^(?P<indent>[ \t]*)(?:<!--[ \t]*BEGIN SOLUTION\b(?P<label>.*?)-->|#+[ \t]*BEGIN SOLUTION\b(?P<label2>.*))[ \t]*$"
)
_MD_END = re.compile(r"^[ \t]*(?:<!--[ \t]*END SOLUTION\b.*?-->|#+[ \t]*END SOLUTION\b.*)[ \t]*$")


class ExerciseError(ValueError):
    """A solution notebook whose solution blocks cannot be turned into an exercise."""


# ------------------------------------------------------------------ solution blocks


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements run in the block's own scope (descends into if/for/with/try, not def/class)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for attr in ("body", "orelse", "finalbody"):
            yield from _module_level(getattr(stmt, attr, []) or [])
        for handler in getattr(stmt, "handlers", []) or []:
            yield from _module_level(handler.body)
        for case in getattr(stmt, "cases", []) or []:
            yield from _module_level(case.body)


def _target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for elt in target.elts:
            yield from _target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def assigned_names(code: str) -> list[str]:
    """Names a code block binds in its own scope, in order of first binding.

    Counts assignments (also augmented, annotated and unpacking), ``for`` and
    ``with ... as`` targets, and ``def``/``class`` names; not imports, and not
    attributes or items (``df["x"] = ...`` binds no new name).

    Parameters
    ----------
    code : str
        Python statements (a solution block, dedented).

    Returns
    -------
    list of str
        The names bound at the block's top level (inside ``for``/``if``/``with``
        bodies too, not inside functions), each once.

    Raises
    ------
    SyntaxError
        When ``code`` is not whole Python statements.

    Examples
    --------
    >>> assigned_names("a, b = 1, 2\\nfor i in range(3):\\n    c = i\\ndef f(): x = 1")
    ['a', 'b', 'i', 'c', 'f']
    """
    names: list[str] = []
    for stmt in _module_level(ast.parse(code).body):
        found: list[str] = []
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                found += _target_names(target)
        elif isinstance(stmt, ast.AugAssign) or (
            isinstance(stmt, ast.AnnAssign) and stmt.value is not None
        ):
            found += _target_names(stmt.target)
        elif isinstance(stmt, ast.For | ast.AsyncFor):
            found += _target_names(stmt.target)
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            for item in stmt.items:
                if item.optional_vars is not None:
                    found += _target_names(item.optional_vars)
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.append(stmt.name)
        names += [n for n in found if n not in names]
    return names


def _parses(source: str) -> bool:
    """True when a code cell's source is valid Python (IPython magics allowed)."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return False
    return True


def _returns(code: str) -> bool:
    return any(isinstance(s, ast.Return) for s in _module_level(ast.parse(code).body))


def code_placeholder(body: list[str], label: str, indent: str = "") -> str:
    """What replaces a code solution block in the exercise.

    ``# YOUR CODE HERE (<label>)`` followed by ``name = ...`` for each name the
    block assigns, ``return ...`` when the block returns, or a bare ``...``.

    Parameters
    ----------
    body : list of str
        The block's lines (between the markers), indented by ``indent``.
    label : str
        E.g. ``"task 2"``.
    indent : str
        Indentation of the markers (blocks may sit inside a function body).

    Returns
    -------
    str
        The placeholder lines, joined by newlines.

    Raises
    ------
    SyntaxError
        When the block is not whole Python statements.

    Examples
    --------
    >>> print(code_placeholder(["    return x * 2"], "task 4", indent="    "))
        # YOUR CODE HERE (task 4)
        return ...
    """
    code = textwrap.dedent("\n".join(body))
    names = assigned_names(code)
    lines = [f"{indent}# YOUR CODE HERE ({label})"]
    lines += [f"{indent}{name} = ..." for name in names]
    if _returns(code):
        lines.append(f"{indent}return ...")
    elif not names:
        lines.append(f"{indent}...")
    return "\n".join(lines)


def markdown_placeholder(label: str, indent: str = "") -> str:
    """What replaces a markdown solution block: ``_YOUR ANSWER HERE (<label>)_``."""
    return f"{indent}_YOUR ANSWER HERE ({label})_"


def _label(raw: str | None, number: int) -> str:
    text = (raw or "").strip().removesuffix("-->").strip(" \t()[]:#-")
    return text or f"task {number}"


def strip_solutions(source: str, cell_type: str, first_task: int, where: str) -> tuple[str, int]:
    """Replace the solution blocks of one cell's source with placeholders.

    Parameters
    ----------
    source : str
        The cell's source.
    cell_type : {"code", "markdown"}
    first_task : int
        Number given to the first unlabelled block (blocks are numbered in
        notebook order unless the BEGIN marker carries a label).
    where : str
        E.g. ``"01_intro.ipynb, cell 7"``, for error messages.

    Returns
    -------
    (str, int)
        The new source and the number of blocks replaced.

    Raises
    ------
    ExerciseError
        On unbalanced or nested markers, or a code block that is not whole statements.

    Examples
    --------
    >>> src = "x = 1\\n### BEGIN SOLUTION\\ny = x + 1\\n### END SOLUTION\\ncheck.task_1(y)"
    >>> print(strip_solutions(src, "code", 1, "demo")[0])
    x = 1
    # YOUR CODE HERE (task 1)
    y = ...
    check.task_1(y)
    """
    begin, end = (_CODE_BEGIN, _CODE_END) if cell_type == "code" else (_MD_BEGIN, _MD_END)
    out: list[str] = []
    body: list[str] | None = None
    indent, label, start, n = "", "", 0, 0
    for lineno, line in enumerate(source.split("\n"), start=1):
        m = begin.match(line)
        if m:
            if body is not None:
                raise ExerciseError(
                    f"{where}, line {lineno}: BEGIN SOLUTION inside another solution block."
                )
            groups = m.groupdict()
            indent = m.group("indent")
            label = _label(groups.get("label") or groups.get("label2"), first_task + n)
            body, start = [], lineno
        elif end.match(line):
            if body is None:
                raise ExerciseError(f"{where}, line {lineno}: END SOLUTION without BEGIN SOLUTION.")
            if cell_type == "code":
                try:
                    out.append(code_placeholder(body, label, indent))
                except SyntaxError as exc:
                    raise ExerciseError(
                        f"{where}, lines {start}-{lineno}: a solution block must hold whole Python "
                        f"statements ({exc.msg})."
                    ) from exc
            else:
                out.append(markdown_placeholder(label, indent))
            body, n = None, n + 1
        elif body is not None:
            body.append(line)
        else:
            out.append(line)
    if body is not None:
        raise ExerciseError(f"{where}, line {start}: BEGIN SOLUTION without END SOLUTION.")
    return "\n".join(out), n


# ------------------------------------------------------------------- notebooks


def _notice_cell(source_label: str) -> NotebookNode:
    text = (
        "**Homework notebook.** Replace each `# YOUR CODE HERE` block (and each "
        "_YOUR ANSWER HERE_) with your own work, then run the check below it: it says "
        "*correct*, or what is wrong and a hint. Tasks you have not done yet are reported "
        "as *not yet done*.\n\n"
        f"<small>Generated from `{source_label}` by `cohort exercises build`: to change "
        "this notebook, edit that file, not this one.</small>"
    )
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = NOTICE_CELL_ID
    cell.metadata = NotebookNode(
        {
            METADATA_KEY: {"generated_from": source_label},
            "editable": False,
            "deletable": False,
            "slideshow": {"slide_type": "skip"},
        }
    )
    return cell


def make_exercise(solution: NotebookNode, source_label: str) -> NotebookNode:
    """The exercise notebook made from a solution notebook (pure: the input is not changed).

    Parameters
    ----------
    solution : NotebookNode
        A solution notebook (nbformat 4).
    source_label : str
        Where it comes from, e.g. ``"solutions/02_spend.ipynb"`` (shown in the
        notice and stored in metadata).

    Returns
    -------
    NotebookNode
        A new notebook: solution blocks replaced by placeholders, ``instructor``
        cells dropped, outputs and volatile metadata removed, the notice cell
        added after the title cell.

    Raises
    ------
    ExerciseError
        A solution block cannot be turned into a placeholder (unbalanced
        markers, a block that is not whole statements).

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "### BEGIN SOLUTION\\nx = 2\\n### END SOLUTION")])
    >>> make_exercise(nb, "solutions/00_demo.ipynb").cells[1].source
    '# YOUR CODE HERE (task 1)\\nx = ...'
    """
    nb = copy.deepcopy(solution)
    name = source_label.rsplit("/", 1)[-1]
    cells: list[NotebookNode] = []
    task = 1
    for index, cell in enumerate(nb.cells):
        if INSTRUCTOR_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type in ("code", "markdown"):
            where = f"{name}, cell {index + 1}"
            source = cell.source
            cell.source, n = strip_solutions(source, cell.cell_type, task, where)
            if n and cell.cell_type == "code" and _parses(source) and not _parses(cell.source):
                raise ExerciseError(
                    f"{where}: the exercise cell is not valid Python although the solution is; "
                    "put the markers around whole statements."
                )
            task += n
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if nb.nbformat_minor >= 5 and not cell.get("id"):
            cell.id = f"cell-{index + 1}"
        cells.append(cell)
    # the notice goes right after the title cell (or first, when there is none)
    at = 1 if cells and cells[0].cell_type == "markdown" else 0
    if cells:
        cells[0].metadata.setdefault(METADATA_KEY, {})["generated_from"] = source_label
    nb.cells = [*cells[:at], _notice_cell(source_label), *cells[at:]]
    if nb.nbformat_minor < 5:
        for cell in nb.cells:
            cell.pop("id", None)
    for key in VOLATILE_NOTEBOOK_METADATA:
        nb.metadata.pop(key, None)
    nb.metadata.setdefault(METADATA_KEY, {})["generated_from"] = source_label
    return nb


def render_exercise(solution_path: Path, source_label: str | None = None) -> str:
    """The exact text ``build`` writes for one solution notebook.

    Stable formatting: nbformat's JSON writer (sorted keys, indent 1) plus a
    final newline.

    Parameters
    ----------
    solution_path : Path
        A solution notebook.
    source_label : str, optional
        Where it comes from, shown in the notice; default
        ``"<folder name>/<file name>"``.

    Returns
    -------
    str
        The exercise notebook as JSON text.

    Raises
    ------
    ExerciseError
        The solution blocks cannot be replaced, or the result is not a valid notebook.

    Examples
    --------
    >>> Path("render").mkdir(exist_ok=True)
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "### BEGIN SOLUTION\\nx = 2\\n### END SOLUTION")]), "render/01_demo.ipynb")
    >>> text = render_exercise(Path("render/01_demo.ipynb"))
    >>> nbformat.reads(text, as_version=4).cells[1].source
    '# YOUR CODE HERE (task 1)\\nx = ...'
    >>> nbformat.reads(text, as_version=4).metadata["cohort"]
    {'generated_from': 'render/01_demo.ipynb'}
    """
    solution_path = Path(solution_path)
    label = source_label or f"{solution_path.parent.name}/{solution_path.name}"
    nb = nbformat.reads(solution_path.read_text(encoding="utf-8"), as_version=4)
    exercise = make_exercise(nb, label)
    try:
        nbformat.validate(exercise)
    except nbformat.ValidationError as exc:
        raise ExerciseError(
            f"{solution_path.name}: the generated exercise is not a valid notebook: {exc}"
        ) from exc
    text = nbformat.writes(exercise)
    return text if text.endswith("\n") else text + "\n"


def solution_notebooks(solutions_dir: Path) -> list[Path]:
    """The solution notebooks (``0N_<name>.ipynb``), sorted by name.

    Parameters
    ----------
    solutions_dir : Path
        The solutions folder.

    Returns
    -------
    list of Path
        Its files matching :data:`SOLUTION_GLOB` (other notebooks are ignored).

    Examples
    --------
    >>> Path("listed").mkdir(exist_ok=True)
    >>> for name in ("02_b.ipynb", "01_a.ipynb", "notes.ipynb"):
    ...     _ = Path("listed", name).write_text("{}")
    >>> [p.name for p in solution_notebooks(Path("listed"))]
    ['01_a.ipynb', '02_b.ipynb']
    """
    return sorted(p for p in Path(solutions_dir).glob(SOLUTION_GLOB) if p.is_file())


def expected_exercises(solutions_dir: Path) -> dict[str, str]:
    """File name -> text of every exercise a build would write.

    Parameters
    ----------
    solutions_dir : Path
        The solutions folder.

    Returns
    -------
    dict of str to str
        For each solution notebook (:func:`solution_notebooks`), its file name
        and the text of its exercise (:func:`render_exercise`).

    Examples
    --------
    >>> Path("expected").mkdir(exist_ok=True)
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "### BEGIN SOLUTION\\nx = 2\\n### END SOLUTION")]), "expected/01_demo.ipynb")
    >>> texts = expected_exercises(Path("expected"))
    >>> list(texts), "YOUR CODE HERE (task 1)" in texts["01_demo.ipynb"]
    (['01_demo.ipynb'], True)
    """
    return {p.name: render_exercise(p) for p in solution_notebooks(solutions_dir)}


def _is_generated(path: Path) -> bool:
    """True for a notebook written by :func:`build` (it records ``generated_from``)."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        return "generated_from" in meta.get(METADATA_KEY, {})
    except (ValueError, AttributeError, OSError):
        return False


# ------------------------------------------------------------------ build / check


@dataclass(frozen=True)
class BuildReport:
    """What :func:`build` did (file names within the exercises folder)."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Difference:
    """One way ``exercises/`` differs from a fresh build."""

    name: str
    problem: Literal["missing", "out of date", "extra"]
    detail: str = ""


def _dirs(solutions_dir: Path | None, exercises_dir: Path | None) -> tuple[Path, Path]:
    root = paths.repo_root()
    if (solutions_dir is None or exercises_dir is None) and root is None:
        raise FileNotFoundError(
            "Not inside a source checkout: pass solutions_dir and exercises_dir."
        )
    return (
        Path(solutions_dir) if solutions_dir is not None else root / "solutions",  # type: ignore[operator]
        Path(exercises_dir) if exercises_dir is not None else root / "exercises",  # type: ignore[operator]
    )


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def build(solutions_dir: Path | None = None, exercises_dir: Path | None = None) -> BuildReport:
    """Write ``exercises/`` from ``solutions/``.

    Files are rewritten only when their content changes. Exercise notebooks
    that this tool generated but whose solution is gone are removed; other
    files are left alone.

    Parameters
    ----------
    solutions_dir, exercises_dir : Path, optional
        Default ``solutions/`` and ``exercises/`` of the source checkout.

    Returns
    -------
    BuildReport
        The exercise files written, left unchanged and removed.

    Raises
    ------
    FileNotFoundError
        A folder is not given and this is not a source checkout.
    ExerciseError
        A solution notebook cannot be turned into an exercise.

    Examples
    --------
    >>> Path("sol_build").mkdir(exist_ok=True)
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "### BEGIN SOLUTION\\nx = 2\\n### END SOLUTION")]), "sol_build/01_demo.ipynb")
    >>> build(Path("sol_build"), Path("ex_build")).written
    ['01_demo.ipynb']
    >>> build(Path("sol_build"), Path("ex_build")).unchanged  # a second build changes nothing
    ['01_demo.ipynb']
    """
    sol, ex = _dirs(solutions_dir, exercises_dir)
    wanted = expected_exercises(sol)
    ex.mkdir(parents=True, exist_ok=True)
    report = BuildReport()
    for name, text in wanted.items():
        target = ex / name
        if target.is_file() and _read_text(target) == text:
            report.unchanged.append(name)
            continue
        with open(target, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        report.written.append(name)
    for path in sorted(ex.glob("*.ipynb")):
        if path.name not in wanted and _is_generated(path):
            path.unlink()
            report.removed.append(path.name)
    return report


def check(solutions_dir: Path | None = None, exercises_dir: Path | None = None) -> list[Difference]:
    """How ``exercises/`` differs from what :func:`build` would write (empty: up to date).

    Every ``*.ipynb`` in the exercises folder must be a generated exercise.

    Parameters
    ----------
    solutions_dir, exercises_dir : Path, optional
        Default ``solutions/`` and ``exercises/`` of the source checkout.

    Returns
    -------
    list of Difference
        One per exercise missing, out of date (``detail``: the start of a
        unified diff) or extra (no solution of that name); empty when
        ``exercises/`` is up to date.

    Raises
    ------
    FileNotFoundError
        A folder is not given and this is not a source checkout.

    Examples
    --------
    >>> Path("sol_check").mkdir(exist_ok=True)
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "### BEGIN SOLUTION\\nx = 2\\n### END SOLUTION")]), "sol_check/01_demo.ipynb")
    >>> check(Path("sol_check"), Path("ex_check"))
    [Difference(name='01_demo.ipynb', problem='missing', detail='')]
    >>> _ = build(Path("sol_check"), Path("ex_check"))
    >>> check(Path("sol_check"), Path("ex_check"))
    []
    """
    sol, ex = _dirs(solutions_dir, exercises_dir)
    wanted = expected_exercises(sol)
    diffs: list[Difference] = []
    for name, text in wanted.items():
        target = ex / name
        if not target.is_file():
            diffs.append(Difference(name, "missing"))
            continue
        have = _read_text(target)
        if have != text:
            lines = difflib.unified_diff(
                have.splitlines(),
                text.splitlines(),
                f"exercises/{name}",
                "fresh build",
                lineterm="",
                n=1,
            )
            diffs.append(Difference(name, "out of date", "\n".join(list(lines)[:16])))
    present = sorted(p.name for p in ex.glob("*.ipynb")) if ex.is_dir() else []
    diffs += [Difference(name, "extra") for name in present if name not in wanted]
    return diffs


# -------------------------------------------------------------------- answer keys


@dataclass(frozen=True)
class AnswerKey:
    """One solution notebook run for the answer keys.

    ``status`` is ``"ok"``, ``"failed"`` (``message`` says where) or
    ``"skipped"`` (the notebook's ``cohort.countries`` metadata excludes the
    member's country, as for ``cohort run``).
    """

    solution: Path
    status: Literal["ok", "failed", "skipped"]
    notebook: Path | None = None
    html: Path | None = None
    message: str = ""


def has_parameters_cell(nb: NotebookNode) -> bool:
    """True when a code cell is tagged ``parameters`` (papermill's convention)."""
    return any(
        c.cell_type == "code" and "parameters" in c.get("metadata", {}).get("tags", [])
        for c in nb.cells
    )


def answer_keys(
    out: Path, member: str = DEFAULT_MEMBER, solutions_dir: Path | None = None
) -> list[AnswerKey]:
    """Execute every solution notebook and render it to HTML under ``out``.

    Each notebook runs with papermill (kernel ``python3``, working directory
    the solutions folder, via :func:`cohort_helpers.course.runner.execute`); one with
    a ``parameters`` cell gets ``member`` and ``output_dir=<out>/<stem>_files``.
    Writes ``<out>/<stem>.ipynb`` (executed) and ``<out>/<stem>.html``; a
    notebook that fails is rendered too, up to the failing cell.

    Parameters
    ----------
    out : Path
        Folder for the executed notebooks and their HTML.
    member : str
        The cohort member the notebooks run for (its country decides which
        notebooks apply).
    solutions_dir : Path, optional
        Default ``solutions/`` of the source checkout.

    Returns
    -------
    list of AnswerKey
        One per solution notebook: ``"ok"``, ``"failed"`` (with the message)
        or ``"skipped"``, with the executed notebook and HTML written.

    Examples
    --------
    A notebook for Norwegian members only is skipped for a US member (no kernel
    is started):

    >>> Path("sol_keys").mkdir(exist_ok=True)
    >>> nb = nbformat.v4.new_notebook(metadata={"cohort": {"countries": ["NO"]}})
    >>> nbformat.write(nb, "sol_keys/01_norway.ipynb")
    >>> keys = answer_keys(Path("keys"), member="cedar_valley", solutions_dir=Path("sol_keys"))
    >>> [(k.solution.name, k.status, k.message) for k in keys]
    [('01_norway.ipynb', 'skipped', 'not for US members')]

    The solutions of the curriculum, each run by a Jupyter kernel (minutes):

    >>> keys = answer_keys(Path("build/answer_keys"), member="cedar_valley")  # doctest: +SKIP
    >>> [(k.solution.name, k.status) for k in keys]  # doctest: +SKIP
    [('01_intro.ipynb', 'ok'), ('02_spend.ipynb', 'ok')]
    """

    sol = (Path(solutions_dir) if solutions_dir is not None else _dirs(None, None)[0]).resolve()
    out = Path(out).resolve()
    country = runner.member_country(member)
    keys: list[AnswerKey] = []
    for src in solution_notebooks(sol):
        if country not in runner.notebook_countries(src):
            keys.append(AnswerKey(src, "skipped", message=f"not for {country} members"))
            continue
        params: dict[str, Any] = {}
        if has_parameters_cell(nbformat.read(src, as_version=4)):
            files = out / f"{src.stem}_files"
            files.mkdir(parents=True, exist_ok=True)
            params = {"member": member, "output_dir": str(files)}
        run = runner.execute(src, out, params, html=True, cwd=sol)
        html = run.html
        if run.status == "failed" and run.executed is not None and run.executed.is_file():
            html = run.executed.with_suffix(".html")
            runner.to_html(run.executed, html)
        status: Literal["ok", "failed"] = "ok" if run.status == "ok" else "failed"
        keys.append(AnswerKey(src, status, run.executed, html, run.message))
    return keys


# ---------------------------------------------------------------------------- CLI


def cli_exercises(args: argparse.Namespace) -> int:
    """Handler of ``cohort exercises build|check|answer-keys`` (0 ok, 1 failed, 2 bad input).

    Works on ``solutions/`` and ``exercises/`` of the source checkout.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of ``cohort exercises``: ``exercises_command``
        (``"build"``, ``"check"`` or ``"answer-keys"``), and for
        ``answer-keys`` also ``out`` and ``member``.

    Returns
    -------
    int
        0 when the command did its work (or ``check`` found the exercises up to
        date), 1 when ``check`` found differences or an answer key failed, 2
        for bad input (not a source checkout, a bad solution block, an unknown
        command); what was done is printed, problems on standard error.

    Examples
    --------
    >>> cli_exercises(argparse.Namespace(exercises_command="grade"))  # not a command
    2
    >>> cli_exercises(argparse.Namespace(exercises_command="check"))  # renders every solution: seconds  # doctest: +SKIP
    exercises/ is up to date (6 notebook(s)).
    0
    """
    root = paths.repo_root()
    if root is None:
        print(
            "cohort exercises works in a source checkout of the curriculum (with solutions/ "
            "and exercises/); this copy of cohort_helpers is installed elsewhere.",
            file=sys.stderr,
        )
        return 2
    sol, ex = root / "solutions", root / "exercises"
    command = args.exercises_command
    try:
        if command == "build":
            report = build(sol, ex)
            for name in report.written:
                print(f"wrote exercises/{name}")
            for name in report.removed:
                print(f"removed exercises/{name} (its solution is gone)")
            n = len(report.written) + len(report.unchanged)
            print(f"{n} exercise notebook(s) from solutions/; {len(report.written)} changed.")
            return 0
        if command == "check":
            diffs = check(sol, ex)
            if not diffs:
                print(f"exercises/ is up to date ({len(solution_notebooks(sol))} notebook(s)).")
                return 0
            advice = {
                "missing": "run `cohort exercises build`",
                "out of date": "run `cohort exercises build`; edit solutions/, not exercises/",
                "extra": "no solutions/ notebook of that name: remove it, or add the solution",
            }
            for d in diffs:
                print(f"exercises/{d.name}: {d.problem} ({advice[d.problem]})", file=sys.stderr)
                if d.detail:
                    print(textwrap.indent(d.detail, "    "), file=sys.stderr)
            return 1
        if command == "answer-keys":
            keys = answer_keys(Path(args.out), member=args.member, solutions_dir=sol)
            if not keys:
                print("No solution notebooks in solutions/: nothing to do.")
            for key in keys:
                where = f" -> {key.html or key.notebook}" if key.notebook else ""
                note = f" ({key.message})" if key.message else ""
                print(f"answer key {key.solution.name}: {key.status}{note}{where}")
            return 1 if any(k.status == "failed" for k in keys) else 0
    except ExerciseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"unknown exercises command {command!r}", file=sys.stderr)
    return 2
