"""Real-browser fixtures: Chromium (the system package) driven by Playwright.

The browser is Debian's ``chromium`` (``.ci/run`` installs it when missing), never one
that Playwright downloads. Without a Chromium the browser tests are skipped on a
developer machine and FAIL on CI (``CI`` set), where a skip would hide a missing install.

Screenshots go to ``build/browser/`` at the repository root.
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

import pytest

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


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = (
            "No Chromium found (looked for $CHROMIUM and " + ", ".join(CHROMIUM_NAMES) + " on "
            "PATH). Install it with `apt-get install -y chromium` (.ci/run does this)."
        )
        if _on_ci():
            pytest.fail(message + " On CI the browser tests must run.")
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=chromium_path,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


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


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a scratch copy of notebooks/ and exercises/ (outputs in the copy)."""
    root = tmp_path_factory.mktemp("lab-root")
    out = tmp_path_factory.mktemp("lab-out")
    for folder in ("notebooks", "exercises"):
        dest = root / folder
        dest.mkdir()
        for nb in sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb")):
            dest.joinpath(nb.name).write_text(
                point_output_dir(nb.read_text(encoding="utf-8"), out / folder / nb.stem),
                encoding="utf-8",
            )
    server = LabServer(root, tmp_path_factory.mktemp("lab-home"))
    yield server
    server.stop()


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
