"""Small helpers to drive JupyterLab from Playwright (used by tests/browser/).

The page must come from a server started with ``--LabApp.expose_app_in_browser=True``
(``window.jupyterapp``); notebook commands are run through it, the widgets are
clicked, typed into and dragged like a person would.
"""

from __future__ import annotations

import time

_FIND_JS = """
  const app = window.jupyterapp;
  const nb = Array.from(app.shell.widgets('main')).find(
    w => w.context && w.context.path === path);
"""

_READY_JS = (
    """async (path) => {
  if (!window.jupyterapp) { return 'no app'; }"""
    + _FIND_JS
    + """
  if (!nb || !nb.sessionContext) { return 'no notebook'; }
  app.shell.activateById(nb.id);
  app.shell.collapseLeft();  // the whole width for the notebook (and the screenshots)
  await nb.context.ready;
  await nb.sessionContext.ready;
  const k = nb.sessionContext.session && nb.sessionContext.session.kernel;
  return k ? k.status : 'no kernel';
}"""
)

_STATE_JS = (
    """(path) => {"""
    + _FIND_JS
    + """
  const k = nb.sessionContext.session.kernel;
  let waiting = 0, errors = [];
  nb.content.widgets.forEach((cell, i) => {
    if (cell.model.type !== 'code' || !cell.model.sharedModel.getSource().trim()) { return; }
    if (cell.model.executionCount === null) { waiting += 1; }
    for (const out of cell.model.outputs.toJSON()) {
      if (out.output_type === 'error') { errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`); }
    }
  });
  return {status: k.status, waiting: waiting, errors: errors};
}"""
)


def open_notebook(page, lab, path: str, timeout: float = 90.0) -> None:
    """Open ``path`` (relative to the server root) in JupyterLab and wait for an idle kernel."""
    page.goto(lab.url(f"lab/tree/{path}?reset"))  # ?reset: no tabs restored from a workspace
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget")
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        status = page.evaluate(_READY_JS, path)
        if status == "idle":
            return
        time.sleep(0.5)
    raise AssertionError(f"{path}: the kernel is not idle after {timeout:.0f} s ({status})")


def command(page, name: str, args: dict | None = None) -> None:
    """Run a JupyterLab command (``notebook:run-all-cells``, ...)."""
    page.evaluate(
        "([name, args]) => window.jupyterapp.commands.execute(name, args)", [name, args or {}]
    )


def run_all(page, path: str, timeout: float = 240.0) -> float:
    """Run > Run All Cells; wait until every code cell ran. Returns the seconds it took.

    Raises AssertionError naming the cell when a cell fails.
    """
    t0 = time.monotonic()
    page.evaluate("async (path) => {" + _FIND_JS + " app.shell.activateById(nb.id); }", path)
    command(page, "notebook:run-all-cells")
    time.sleep(1.0)
    state: dict = {}
    while time.monotonic() - t0 < timeout:
        state = page.evaluate(_STATE_JS, path)
        if state["errors"]:
            raise AssertionError(f"{path}: " + "; ".join(state["errors"]))
        if state["waiting"] == 0 and state["status"] == "idle":
            return time.monotonic() - t0
        time.sleep(0.5)
    raise AssertionError(f"{path}: still running after {timeout:.0f} s ({state})")


def output_with(page, text: str):
    """The output area (one cell's outputs) showing ``text``."""
    return page.locator(".jp-Cell-outputArea").filter(has_text=text).first


def code_cell_with(page, text: str):
    """The code cell whose source contains ``text``."""
    return (
        page.locator(".jp-CodeCell").filter(has=page.locator(".jp-InputArea", has_text=text)).first
    )
