"""Shared test set-up.

Tests read the reference data from ``COHORT_DATA_DIR``; when it is unset and
the reference folder sits beside the repository (``../shared/data``, as on CI
and developer machines), it is used.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_BESIDE = ROOT.parent / "shared" / "data"
if not os.environ.get("COHORT_DATA_DIR") and _BESIDE.is_dir():
    os.environ["COHORT_DATA_DIR"] = str(_BESIDE.resolve())
os.environ.setdefault("MPLBACKEND", "Agg")
# The participant's own members live in a workspace folder: tests never see a real one.
if not os.environ.get("COHORT_WORKSPACE"):
    import tempfile

    os.environ["COHORT_WORKSPACE"] = tempfile.mkdtemp(prefix="cohort-workspace-test-")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def data_dir() -> Path:
    d = os.environ.get("COHORT_DATA_DIR")
    if not d or not Path(d).is_dir():
        pytest.fail(
            "COHORT_DATA_DIR is not set to the reference data folder; "
            "set it (see README) or put the folder at ../shared/data."
        )
    return Path(d)


@pytest.fixture
def offline_empty_env(tmp_path, monkeypatch):
    """No COHORT_DATA_DIR, an empty user cache, and no network at all."""
    import socket

    monkeypatch.delenv("COHORT_DATA_DIR", raising=False)
    monkeypatch.setenv("COHORT_CACHE_DIR", str(tmp_path / "cache"))

    def no_network(*args, **kwargs):
        raise OSError("network is unreachable (test)")

    monkeypatch.setattr(socket, "create_connection", no_network)
    return tmp_path / "cache"
