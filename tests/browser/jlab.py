"""Small helpers to drive JupyterLab from Playwright (used by tests/browser/).

The page must come from a server started with ``--LabApp.expose_app_in_browser=True``
(``window.jupyterapp``); notebook commands are run through it, the widgets are
clicked, typed into and dragged like a person would.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "browser"
#: The screen the room's projector has (and the slides must fit).
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """``$CHROMIUM`` if set, else the first Chromium on ``PATH`` (``None`` when there is none)."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _write_settings(settings_dir: Path) -> None:
    """JupyterLab user settings for a test: every cell in the DOM, no calls to the web."""
    files = {
        # 'none': all cells are attached, so a locator finds a panel far down the page
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for rel, content in files.items():
        f = settings_dir / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(content), encoding="utf-8")


class LabServer:
    """A JupyterLab server on 127.0.0.1 with a random token, serving ``root``."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        env = dict(os.environ)
        for var, sub in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
            ("IPYTHONDIR", "ipython"),
        ):
            (home / sub).mkdir(parents=True, exist_ok=True)
            env[var] = str(home / sub)
        _write_settings(home / "settings")
        env.setdefault("MPLBACKEND", "Agg")
        args = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True",
            "--ServerApp.port_retries=0",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--allow-root")  # CI runs as root
        self.log_path = home / "server.log"
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115
        self.proc = subprocess.Popen(args, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_ready()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{sep}token={self.token}"

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"JupyterLab did not start in {timeout:.0f} s: {self.log_path}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def point_output_dir(notebook_json: str, output_dir: Path) -> str:
    """The notebook with ``output_dir = None`` in its parameters cell set to ``output_dir``.

    The copy then writes its files (overrides, tables) into the test's temporary folder,
    never into the repository's ``build/``.
    """
    nb = json.loads(notebook_json)
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            src = "".join(cell["source"])
            cell["source"] = src.replace("output_dir = None", f"output_dir = {str(output_dir)!r}")
            break
    return json.dumps(nb, indent=1)


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
