"""Real-browser fixtures: Chromium (the system package) driven by Playwright.

The browser is Debian's ``chromium`` (``.ci/run`` installs it when missing), never one
that Playwright downloads. Without a Chromium the browser tests are skipped on a
developer machine and FAIL on CI (``CI`` set), where a skip would hide a missing install.

Screenshots go to ``build/browser/`` at the repository root.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from jlab import CHROMIUM_NAMES, ROOT, SHOTS, LabServer, find_chromium, on_ci, point_output_dir


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = (
            "No Chromium found (looked for $CHROMIUM and " + ", ".join(CHROMIUM_NAMES) + " on "
            "PATH). Install it with `apt-get install -y chromium` (.ci/run does this)."
        )
        if on_ci():
            pytest.fail(message + " On CI the browser tests must run.")
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    try:
        from playwright import sync_api
    except ImportError as exc:  # the dev extra installs it
        if on_ci():
            pytest.fail(f"playwright is not installed ({exc}): pip install -e '.[dev]'")
        pytest.skip(f"playwright is not installed ({exc})")
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
