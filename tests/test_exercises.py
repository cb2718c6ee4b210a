"""Exercises generated from solutions: placeholders, build/check, answer keys, and execution.

The notebook tests (``-m notebooks``) execute notebooks with papermill:
the demo homework in ``tests/fixtures/homework/`` end to end, and every
``solutions/0N_*.ipynb`` as sessions land (solution: all checks correct;
exercise: runs to the end, every task *not yet done*).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from cohort_helpers import DEFAULT_MEMBER, cli, paths
from cohort_helpers.course import checks
from cohort_helpers.course import exercises as ex
from cohort_helpers.course.exercises import ExerciseError

DEMO_DIR = Path(__file__).parent / "fixtures" / "homework"
DEMO = DEMO_DIR / "00_demo.ipynb"
DEMO_TASKS = ["task_1", "task_2", "task_3"]
ROOT = paths.repo_root()
STATUS_LINE = re.compile(r"^(\w+): (correct|wrong|not yet done)$", re.MULTILINE)


def statuses(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(task, status) for every check report in an executed notebook's outputs."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = (
                out.get("text", "")
                if out.output_type == "stream"
                else out.get("data", {}).get("text/plain", "")
            )
            found += STATUS_LINE.findall(text)
    return found


def execute(path: Path, out: Path, cwd: Path) -> nbformat.NotebookNode:
    import papermill as pm

    nb = nbformat.read(path, as_version=4)
    params = {"member": DEFAULT_MEMBER, "output_dir": str(out.parent / f"{path.stem}_files")}
    return pm.execute_notebook(
        str(path),
        str(out),
        parameters=params if ex.has_parameters_cell(nb) else {},
        kernel_name="python3",
        cwd=str(cwd),
        progress_bar=False,
    )


# ------------------------------------------------------------------ placeholders


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("x = 1", ["x"]),
        ("a, (b, *c) = f()", ["a", "b", "c"]),
        ("t: float = 1.0\nt += 2\nu: int", ["t"]),
        ("for i, row in df.iterrows():\n    total = row.x\n", ["i", "row", "total"]),
        (
            "if ok:\n    y = 1\nelse:\n    z = 2\ntry:\n    w = 3\nexcept E:\n    v = 4",
            ["y", "z", "w", "v"],
        ),
        ("with open(p) as fh:\n    data = fh.read()", ["fh", "data"]),
        ("def f(x):\n    inner = x\n    return inner\nclass C:\n    attr = 1", ["f", "C"]),
        ('import numpy as np\ndf["col"] = 1\nobj.attr = 2\nprint(x)', []),
        ("x = 1\nx = 2\ny = x", ["x", "y"]),
    ],
)
def test_assigned_names(code, names):
    assert ex.assigned_names(code) == names


def test_code_placeholder_assigns_ellipsis_returns_or_is_a_bare_ellipsis():
    assert (
        ex.code_placeholder(["a = 1", "b = a"], "task 1")
        == "# YOUR CODE HERE (task 1)\na = ...\nb = ..."
    )
    assert (
        ex.code_placeholder(["    return 2"], "task 2", "    ")
        == "    # YOUR CODE HERE (task 2)\n    return ..."
    )
    assert ex.code_placeholder(['print("hi")'], "task 3") == "# YOUR CODE HERE (task 3)\n..."


def test_strip_solutions_keeps_code_around_blocks_and_numbers_tasks():
    src = "a = 1\n### BEGIN SOLUTION\nb = a\n### END SOLUTION\nc = 2\n### BEGIN SOLUTION\nd = 3\n### END SOLUTION"
    out, n = ex.strip_solutions(src, "code", 4, "nb, cell 1")
    assert n == 2
    assert (
        out
        == "a = 1\n# YOUR CODE HERE (task 4)\nb = ...\nc = 2\n# YOUR CODE HERE (task 5)\nd = ..."
    )


def test_strip_solutions_inside_a_function_body_keeps_it_valid_python():
    src = "def share(x):\n    ### BEGIN SOLUTION\n    return x / x.sum()\n    ### END SOLUTION\n"
    out, _ = ex.strip_solutions(src, "code", 1, "nb")
    namespace: dict = {}
    exec(compile(out, "exercise", "exec"), namespace)
    assert namespace["share"](1) is Ellipsis


def test_strip_solutions_labels_and_markdown():
    code, _ = ex.strip_solutions(
        "### BEGIN SOLUTION (task 3b)\nx = 1\n### END SOLUTION", "code", 1, "nb"
    )
    assert code.startswith("# YOUR CODE HERE (task 3b)")
    md, n = ex.strip_solutions(
        "Answer:\n<!-- BEGIN SOLUTION -->\nBecause **steel**.\n<!-- END SOLUTION -->\nThanks.",
        "markdown",
        7,
        "nb",
    )
    assert (md, n) == ("Answer:\n_YOUR ANSWER HERE (task 7)_\nThanks.", 1)
    md2, _ = ex.strip_solutions(
        "<!-- BEGIN SOLUTION (task 2) -->\nx\n<!-- END SOLUTION -->", "markdown", 1, "nb"
    )
    assert md2 == "_YOUR ANSWER HERE (task 2)_"


@pytest.mark.parametrize(
    ("src", "words"),
    [
        ("### BEGIN SOLUTION\nx = 1", "without END"),
        ("x = 1\n### END SOLUTION", "without BEGIN"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
        ("### BEGIN SOLUTION\nx = (1 +\n### END SOLUTION\n  2)", "whole Python statements"),
    ],
)
def test_strip_solutions_rejects_broken_markers_with_file_and_line(src, words):
    with pytest.raises(ExerciseError, match=words) as info:
        ex.strip_solutions(src, "code", 1, "02_spend.ipynb, cell 4")
    assert "02_spend.ipynb, cell 4, line" in str(info.value)


# -------------------------------------------------------------- make_exercise


def demo_exercise() -> nbformat.NotebookNode:
    return nbformat.reads(ex.render_exercise(DEMO, "solutions/00_demo.ipynb"), as_version=4)


def test_exercise_from_demo_has_notice_placeholders_and_no_instructor_cells():
    nb = demo_exercise()
    title, notice = nb.cells[:2]
    assert (
        title.id == "title"
        and title.metadata["cohort"]["generated_from"] == "solutions/00_demo.ipynb"
    )
    assert notice.id == ex.NOTICE_CELL_ID and notice.cell_type == "markdown"
    assert "generated from `solutions/00_demo.ipynb`" in notice.source.lower()
    assert "edit that file" in notice.source
    assert nb.metadata["cohort"]["generated_from"] == "solutions/00_demo.ipynb"
    ids = [c.id for c in nb.cells]
    assert "teaching-note" not in ids and "instructor-asserts" not in ids
    text = ex.render_exercise(DEMO)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert "groupby" not in text and "steel (331110)" not in text  # the answers are gone
    by_id = {c.id: c.source for c in nb.cells}
    assert (
        by_id["answer-1"]
        == "# YOUR CODE HERE (task 1)\nemissions_kg = ...\ntotal_t = ...\ncheck.task_1(total_t)"
    )
    assert by_id["answer-3"].startswith("# YOUR CODE HERE (task 3)\nbig = ...")
    assert by_id["answer-4"] == "_YOUR ANSWER HERE (task 4)_"
    assert by_id["use-2"].startswith("if checks.done(by_code):")  # untouched


def test_exercise_is_deterministic_and_strips_outputs(tmp_path):
    nb = nbformat.read(DEMO, as_version=4)
    for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = n + 1
        cell.outputs = [new_output("stream", name="stdout", text="noise\n")]
        cell.metadata["execution"] = {"iopub.status.busy": "2024-01-01T00:00:00"}
    nb.metadata["papermill"] = {"duration": 1.0}
    executed = tmp_path / "00_demo.ipynb"
    nbformat.write(nb, executed)
    label = "homework/00_demo.ipynb"
    assert (
        ex.render_exercise(executed, label) == ex.render_exercise(DEMO) == ex.render_exercise(DEMO)
    )
    text = ex.render_exercise(DEMO)
    assert text.endswith("}\n") and '"outputs": []' in text and "noise" not in text


def test_exercise_cell_must_stay_valid_python():
    # markers at column 0 around an indented body: the placeholder would lose the indentation
    src = "%matplotlib inline\nif True:\n### BEGIN SOLUTION\n    y = 1\n### END SOLUTION"
    with pytest.raises(ExerciseError, match="cell 1: the exercise cell is not valid Python"):
        ex.make_exercise(new_notebook(cells=[new_code_cell(src)]), "solutions/00_x.ipynb")


def test_notebook_metadata_is_kept_and_volatile_parts_dropped():
    nb = new_notebook(
        cells=[new_code_cell("x = 1")],
        metadata={"cohort": {"countries": ["NO"]}, "papermill": {"duration": 2.0}},
    )
    out = ex.make_exercise(nb, "solutions/05_x.ipynb")
    assert out.metadata["cohort"] == {"countries": ["NO"], "generated_from": "solutions/05_x.ipynb"}
    assert "papermill" not in out.metadata
    assert nb.metadata["cohort"] == {"countries": ["NO"]}  # the input is not changed
    assert out.cells[0].id == ex.NOTICE_CELL_ID  # no title cell: the notice comes first


def test_old_notebook_format_without_cell_ids_stays_without_ids():
    nb = new_notebook(cells=[new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")])
    nb.nbformat_minor = 4
    for cell in nb.cells:
        del cell["id"]
    out = ex.make_exercise(nb, "solutions/00_x.ipynb")
    nbformat.validate(out)
    assert all("id" not in c for c in out.cells)


# ------------------------------------------------------------------ build / check


def make_solutions(tmp_path: Path) -> tuple[Path, Path]:
    sol, exd = tmp_path / "solutions", tmp_path / "exercises"
    sol.mkdir()
    shutil.copy(DEMO, sol / "00_demo.ipynb")
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Two"),
            new_code_cell("### BEGIN SOLUTION\ny = 2\n### END SOLUTION"),
        ]
    )
    nbformat.write(nb, sol / "02_two.ipynb")
    (sol / "README.md").write_text("not a notebook")
    return sol, exd


def test_build_then_check_is_clean_and_check_names_every_problem(tmp_path):
    sol, exd = make_solutions(tmp_path)
    assert [d.problem for d in ex.check(sol, exd)] == ["missing", "missing"]
    report = ex.build(sol, exd)
    assert report.written == ["00_demo.ipynb", "02_two.ipynb"]
    assert ex.check(sol, exd) == []
    mtime = os.stat(exd / "00_demo.ipynb").st_mtime_ns
    again = ex.build(sol, exd)
    assert again.written == [] and again.unchanged == ["00_demo.ipynb", "02_two.ipynb"]
    assert os.stat(exd / "00_demo.ipynb").st_mtime_ns == mtime

    (exd / "00_demo.ipynb").write_text(
        (exd / "00_demo.ipynb").read_text().replace("task 1", "task one")
    )
    (exd / "02_two.ipynb").unlink()
    (exd / "99_mine.ipynb").write_text("{}")
    diffs = {d.name: d for d in ex.check(sol, exd)}
    assert {n: d.problem for n, d in diffs.items()} == {
        "00_demo.ipynb": "out of date",
        "02_two.ipynb": "missing",
        "99_mine.ipynb": "extra",
    }
    assert "task one" in diffs["00_demo.ipynb"].detail


def test_build_removes_generated_exercises_whose_solution_is_gone(tmp_path):
    sol, exd = make_solutions(tmp_path)
    ex.build(sol, exd)
    (exd / "99_mine.ipynb").write_text("{}")
    (sol / "02_two.ipynb").unlink()
    report = ex.build(sol, exd)
    assert report.removed == ["02_two.ipynb"]
    assert (exd / "99_mine.ipynb").exists()  # not generated: left alone (check reports it)


def test_build_with_no_solutions_is_fine(tmp_path):
    (tmp_path / "solutions").mkdir()
    assert ex.build(tmp_path / "solutions", tmp_path / "exercises") == ex.BuildReport()
    assert ex.check(tmp_path / "solutions", tmp_path / "exercises") == []


def test_cli_build_and_check(tmp_path, monkeypatch, capsys):
    make_solutions(tmp_path)
    monkeypatch.setattr(paths, "repo_root", lambda: tmp_path)
    assert cli.main(["exercises", "check"]) == 1
    assert "exercises/00_demo.ipynb: missing" in capsys.readouterr().err
    assert cli.main(["exercises", "build"]) == 0
    assert "wrote exercises/02_two.ipynb" in capsys.readouterr().out
    assert cli.main(["exercises", "check"]) == 0
    (tmp_path / "solutions" / "03_bad.ipynb").write_text(
        nbformat.writes(new_notebook(cells=[new_code_cell("### BEGIN SOLUTION\nx = 1")]))
    )
    assert cli.main(["exercises", "build"]) == 2
    assert "03_bad.ipynb, cell 1, line 1: BEGIN SOLUTION without END" in capsys.readouterr().err


def test_cli_outside_a_checkout_is_bad_input(monkeypatch, capsys):
    monkeypatch.setattr(paths, "repo_root", lambda: None)
    assert ex.cli_exercises(argparse.Namespace(exercises_command="check")) == 2
    assert "source checkout" in capsys.readouterr().err


@pytest.mark.skipif(ROOT is None, reason="not a source checkout")
def test_repository_exercises_are_up_to_date(capsys):
    """`cohort exercises check` on the repository itself (CI runs the same)."""
    code = cli.main(["exercises", "check"])
    assert code == 0, capsys.readouterr().err


# --------------------------------------------------------- notebooks: the demo


@pytest.mark.notebooks
def test_demo_exercise_runs_to_the_end_with_every_task_not_yet_done(tmp_path):
    exd = tmp_path / "exercises"
    ex.build(DEMO_DIR, exd)
    nb = execute(exd / "00_demo.ipynb", tmp_path / "executed.ipynb", cwd=DEMO_DIR)
    found = statuses(nb)
    assert {task for task, _ in found} == set(DEMO_TASKS)
    assert {s for _, s in found} == {"not yet done"}
    answer_1 = next(c for c in nb.cells if c.id == "answer-1")
    assert len(statuses(nbformat.from_dict({"cells": [answer_1]}))) == 1  # shown once, not twice


@pytest.mark.notebooks
def test_demo_answer_key_runs_with_every_check_correct_and_renders_html(tmp_path):
    sol = tmp_path / "solutions"
    shutil.copytree(DEMO_DIR, sol, ignore=shutil.ignore_patterns("__pycache__"))
    broken = new_notebook(cells=[new_code_cell('raise ValueError("boom")')])
    nbformat.write(broken, sol / "01_broken.ipynb")
    keys = ex.answer_keys(tmp_path / "keys", member="oak_hill", solutions_dir=sol)
    assert [(k.solution.name, k.status) for k in keys] == [
        ("00_demo.ipynb", "ok"),
        ("01_broken.ipynb", "failed"),
    ]
    demo, failed = keys
    assert demo.html == tmp_path / "keys" / "00_demo.html" and demo.html.stat().st_size > 1000
    assert (tmp_path / "keys" / "00_demo_files").is_dir()
    nb = nbformat.read(demo.notebook, as_version=4)
    found = statuses(nb)
    assert {s for _, s in found} == {"correct"} and {t for t, _ in found} == set(DEMO_TASKS)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "oak_hill" in injected.source

    assert "ValueError: boom" in failed.message
    assert failed.html is not None and "boom" in failed.html.read_text()  # rendered up to the error
    assert not (tmp_path / "keys" / "01_broken_files").exists()  # no parameters cell: no params


# ---------------------------------------------- notebooks: the real sessions


def solution_params() -> list:
    found = ex.solution_notebooks(ROOT / "solutions") if ROOT else []
    return [pytest.param(p, id=p.stem) for p in found] or [
        pytest.param(
            None,
            marks=pytest.mark.skip(
                reason="no solutions/0N_*.ipynb yet; the demo tests cover the machinery"
            ),
        )
    ]


def registered_task_names(solution: Path) -> set[str] | None:
    session = int(solution.name[:2])
    checks.load_session_modules()
    if session not in checks.registered_sessions():
        return None
    return {t.name for t in checks.tasks_for(session, DEFAULT_MEMBER)}


@pytest.mark.notebooks
@pytest.mark.parametrize("solution", solution_params())
def test_solution_runs_with_every_check_correct(solution, tmp_path):
    nb = execute(solution, tmp_path / solution.name, cwd=solution.parent)
    found = statuses(nb)
    assert {s for _, s in found} <= {"correct"}, found
    expected = registered_task_names(solution)
    if expected is not None:
        assert {t for t, _ in found} == expected


@pytest.mark.notebooks
@pytest.mark.parametrize("solution", solution_params())
def test_exercise_runs_to_the_end_with_every_task_not_yet_done(solution, tmp_path):
    exercise = tmp_path / solution.name
    exercise.write_text(ex.render_exercise(solution), encoding="utf-8")
    nb = execute(exercise, tmp_path / f"executed_{solution.name}", cwd=ROOT / "exercises")
    found = statuses(nb)
    assert {s for _, s in found} <= {"not yet done"}, found
    expected = registered_task_names(solution)
    if expected is not None:
        assert {t for t, _ in found} == expected


# ------------------------------------------- friendly errors (the common slips)

SESSION_1 = ROOT / "solutions" / "01_lgo_and_supply_chain.ipynb" if ROOT else None


def test_friendly_message_for_each_slip_without_a_kernel():
    import pandas as pd

    from cohort_helpers.course.homework import errors

    buckets = pd.Series([1.0, 2.0], index=["included, category 1", "included, category 2"])
    with pytest.raises(KeyError) as info:
        buckets["included, categroy 1"]
    assert errors.friendly_message(info.value) == (
        "there is no label 'included, categroy 1'; did you mean 'included, category 1'?"
    )
    frame = pd.DataFrame({"category 1": [1.0], "amount": [2.0]})
    with pytest.raises(KeyError) as info:
        frame[["amount", "categroy 1"]]
    assert errors.friendly_message(info.value) == (
        "there is no column 'categroy 1'; did you mean 'category 1'?"
    )
    library = {"__name__": "some_library"}
    exec("def total(df):\n    return df['categroy 1'].sum()", library)
    with pytest.raises(KeyError) as info:
        library["total"](frame)  # a library's own lookup, not the participant's: left to IPython
    assert errors.friendly_message(info.value) is None
    with pytest.raises(KeyError) as info:
        {"a": 1}["b"]  # not a pandas label: left to IPython
    assert errors.friendly_message(info.value) is None
    namespace = {
        "screening_t": ...,
        "_ih": ["", "# YOUR CODE HERE (task 2)\nscreening_t = ...\ncheck.task_2(screening_t)"],
    }
    with pytest.raises(TypeError) as info:
        namespace["screening_t"] / 2
    namespace["_ih"].append("screening_ratio = screening_t / 2\ncheck.task_3(screening_ratio)")
    assert errors.friendly_message(info.value, user_ns=namespace) == (
        "task 3 uses your answer to task 2 (`screening_t` is still `...`): do task 2 first"
    )
    assert errors.friendly_message(NameError("name 'check' is not defined", name="check"), None, {})
    assert errors.RUN_ABOVE in errors.friendly_message(
        NameError("name 'check' is not defined", name="check"), None, {"checks": 1}
    )
    assert (
        errors.friendly_message(
            NameError("name 'profle' is not defined", name="profle"), None, {"profile": 1}
        )
        == "there is no name 'profle'; did you mean 'profile'?"
    )
    assert errors.friendly_message(ValueError("boom")) is None


def test_placeholder_tasks_reads_the_generated_placeholders():
    from cohort_helpers.course.homework import errors

    text = ex.render_exercise(SESSION_1)
    cells = [c.source for c in nbformat.reads(text, as_version=4).cells]
    found = errors.placeholder_tasks(cells)
    assert found["purchase_share"] == "task 1" and found["screening_t"] == "task 2"
    assert found["screening_ratio"] == "task 3" and found["my_codes"] == "task 4"


def session1_exercise() -> nbformat.NotebookNode:
    return nbformat.reads(ex.render_exercise(SESSION_1), as_version=4)


def error_outputs(nb: nbformat.NotebookNode, cell_id: str) -> tuple[str, str]:
    """(the error output's traceback text, the HTML shown) of one executed cell."""
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    tb = "\n".join(line for o in cell.outputs if o.output_type == "error" for line in o.traceback)
    shown = "\n".join(
        o.get("data", {}).get("text/html", "")
        for o in cell.outputs
        if o.output_type == "display_data"
    )
    return re.sub(r"\x1b\[[0-9;]*m", "", tb), shown


def run_slips(nb: nbformat.NotebookNode, tmp_path: Path) -> nbformat.NotebookNode:
    import papermill as pm

    path = tmp_path / "slips.ipynb"
    nbformat.write(nb, path)
    try:
        pm.execute_notebook(
            str(path),
            str(tmp_path / "out.ipynb"),
            kernel_name="python3",
            cwd=str(ROOT / "exercises"),
            progress_bar=False,
        )
    except pm.PapermillExecutionError:
        pass
    return nbformat.read(tmp_path / "out.ipynb", as_version=4)


@pytest.mark.notebooks
@pytest.mark.skipif(ROOT is None, reason="not a source checkout")
def test_exercise_turns_the_common_slips_into_plain_words(tmp_path):
    """A participant's slips in the Session 1 exercise, each in a cell of its own."""
    nb = session1_exercise()
    by_id = {c.id: c for c in nb.cells}
    slips = {
        "6f6a5e84": 'inv.reconciliation[["bucket", "lines", "amont"]]',
        "effad940": 'amounts = inv.reconciliation.groupby("bucket")["amount"].sum()\n'
        'purchase_share = amounts["included, categroy 1"] / amounts["input"]',
        "ecab6112": 'screening_ratio = screening_t / lgo["t_co2e"].sum()\n'
        "check.task_3(screening_ratio)",
        "7b8f22d4": "print(profle.name)",
    }
    for cell_id, source in slips.items():
        by_id[cell_id].source = source
        by_id[cell_id].metadata["tags"] = ["raises-exception"]
    at = nb.cells.index(by_id["7b8f22d4"]) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell("%tb", id="show-tb"))
    other = nbformat.v4.new_code_cell('{"a": 1}["b"]', id="not-a-slip")
    other.metadata["tags"] = ["raises-exception"]
    nb.cells.insert(at + 1, other)
    out = run_slips(nb, tmp_path)

    tb, shown = error_outputs(out, "6f6a5e84")
    assert "KeyError: there is no column 'amont'; did you mean 'amount'?" in tb
    assert "get_loc" not in tb and "pandas" not in tb  # no 60-line pandas traceback
    assert "<details>" in shown and "Full traceback" in shown and "pandas" in shown
    tb, _ = error_outputs(out, "effad940")
    assert (
        "KeyError: there is no label 'included, categroy 1'; did you mean 'included, category 1'?"
        in tb
    )
    tb, _ = error_outputs(out, "ecab6112")
    assert (
        "TypeError: task 3 uses your answer to task 2 (`screening_t` is still `...`): "
        "do task 2 first" in tb
    )
    assert "'ellipsis'" not in tb
    tb, _ = error_outputs(out, "7b8f22d4")
    assert "NameError: there is no name 'profle'; did you mean 'profile'?" in tb
    # %tb still shows the whole traceback of the last error
    full = next(c for c in out.cells if c.get("id") == "show-tb")
    text = "".join("".join(o.get("traceback", [])) + o.get("text", "") for o in full.outputs)
    assert "profle" in re.sub(r"\x1b\[[0-9;]*m", "", text)
    # any other error is shown as IPython shows it
    tb, shown = error_outputs(out, "not-a-slip")
    assert "KeyError" in tb and "----> 1" in tb and "there is no" not in tb and not shown
    # the cells after the slips ran (tasks 4 and 5 come after them)
    assert {t for t, _ in statuses(out)} >= {"task_4", "task_5"}


@pytest.mark.notebooks
@pytest.mark.skipif(ROOT is None, reason="not a source checkout")
def test_a_task_cell_after_a_kernel_restart_says_run_the_cells_above(tmp_path):
    """A new kernel runs a task cell before the setup cell (as after Kernel > Restart)."""
    from cohort_helpers.course.homework import errors

    errors.install_kernel_config()  # what `make` does when it sets up the environment
    nb = session1_exercise()
    task = next(c for c in nb.cells if "check.task_1(purchase_share)" in c.source)
    task.source = "check.task_1(purchase_share)"
    nb.cells = [nb.cells[0], task]
    out = run_slips(nb, tmp_path)
    tb, shown = error_outputs(out, task.id)
    assert (
        "NameError: 'check' is not defined yet: run the cells above this one first "
        "(Run > Run All Above Selected Cell)" in tb
    )
    assert "<details>" in shown


def test_kernel_config_keeps_other_settings(tmp_path):
    from cohort_helpers.course.homework import errors

    conf = tmp_path / "etc" / "ipython" / "ipython_kernel_config.json"
    conf.parent.mkdir(parents=True)
    conf.write_text('{"InteractiveShellApp": {"extensions": ["autoreload"]}, "X": {"y": 1}}')
    errors.install_kernel_config(tmp_path)
    errors.install_kernel_config(tmp_path)
    import json

    assert json.loads(conf.read_text()) == {
        "InteractiveShellApp": {"extensions": ["autoreload", errors.EXTENSION]},
        "X": {"y": 1},
    }
