"""`make run` / `cohort run` and the answer keys: kernels start without the ZMQ warning,
and the closing summary names the currency."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from cohort_helpers.course import runner

SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook
    from cohort_helpers.course import runner
    folder = Path(sys.argv[1])
    nb = new_notebook(cells=[new_code_cell("print(6 * 7)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, folder / "tiny.ipynb")
    run = runner.execute(folder / "tiny.ipynb", folder / "out", {}, html=False)
    print(run.status)
    """
)


@pytest.mark.notebooks
def test_kernels_start_without_the_tcp_encryption_warning(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip().endswith("ok"), done.stderr[-2000:]
    assert "without encryption" not in done.stderr + done.stdout
    assert "--IPKernelApp.log_level=ERROR" in runner.KERNEL_ARGUMENTS


@pytest.mark.parametrize(("member", "currency"), [("cedar_valley", "USD"), ("tindoy", "NOK")])
def test_closing_summary_names_the_currency(member, currency, capsys):
    runner.print_summary(member, None)
    out = capsys.readouterr().out
    assert f" {currency} of purchases" in out.splitlines()[0]


@pytest.mark.notebooks
def test_session_pages_leave_out_the_instructor_notes(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    note = new_markdown_cell("**Instructor note.** The answer is 42.")
    note.metadata["tags"] = ["instructor"]
    params = new_code_cell('member = "cedar_valley"\noutput_dir = None')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[new_markdown_cell("# Tiny"), params, note, new_code_cell("6 * 7")])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    src = tmp_path / "01_tiny.ipynb"
    nbformat.write(nb, src)
    (run,) = runner.run_member("cedar_valley", tmp_path / "out", notebooks=[src])
    assert run.status == "ok", run.message
    page = run.html.read_text(encoding="utf-8")
    assert "Tiny" in page and "42" in page and "Instructor note" not in page
    key = runner.execute(src, tmp_path / "key", {}, html=True)  # answer keys keep them
    assert "Instructor note" in key.html.read_text(encoding="utf-8")
