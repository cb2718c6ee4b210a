"""Where the project's own files are: repository, bundled datasets, outputs.

``COHORT_DATASETS_DIR`` overrides the bundled ``datasets/`` folder (for
example to point the notebooks at a participant's own cohort folder).

Examples
--------
>>> from cohort_helpers import paths
>>> paths.datasets_dir().name  # doctest: +SKIP
'datasets'
"""

from __future__ import annotations

import os
from pathlib import Path

DATASETS_ENV = "COHORT_DATASETS_DIR"


def repo_root() -> Path | None:
    """The source checkout holding this package, or ``None`` when installed elsewhere."""
    root = Path(__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() and (root / "datasets").is_dir() else None


def datasets_dir() -> Path:
    """Folder of the project's own data (synthetic cohort, crosswalks, public figures).

    Raises
    ------
    FileNotFoundError
        When neither ``COHORT_DATASETS_DIR`` nor a source checkout provides it.
    """
    env = os.environ.get(DATASETS_ENV)
    if env:
        return Path(env).expanduser()
    root = repo_root()
    if root is None:
        raise FileNotFoundError(
            "The cohort datasets folder was not found: this copy of cohort_helpers is not "
            f"inside a source checkout. Set {DATASETS_ENV} to the 'datasets' folder of the "
            "curriculum repository."
        )
    return root / "datasets"


def default_output_dir(member: str, session: str | None = None) -> Path:
    """``build/<member>[/<session>]`` under the repository (or the current folder)."""
    base = (repo_root() or Path.cwd()) / "build" / member
    return base / session if session else base
