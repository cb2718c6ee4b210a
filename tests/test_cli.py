"""The ``cohort data`` commands as a participant would use them."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from cohort_helpers.cli import main

COHORT = str(Path(sys.executable).parent / "cohort")


def test_data_list_reports_all_verified(data_dir, capsys):
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "11 of 11 files found, 11 verified." in out
    assert out.count("sha256 ok") == 11


def test_data_list_reports_missing(offline_empty_env, capsys):
    assert main(["data", "list"]) == 1
    out = capsys.readouterr().out
    assert "0 of 11 files found, 0 verified." in out
    assert out.count("missing") >= 11
    assert "https://pasteur.epa.gov/" in out


def test_data_fetch_offline_fails_fast(tmp_path):
    """A real subprocess with no data folder: the EPA host is unreachable here."""
    env = {"PATH": "/usr/bin:/bin", "COHORT_CACHE_DIR": str(tmp_path), "HOME": str(tmp_path)}
    t0 = time.perf_counter()
    out = subprocess.run(
        [COHORT, "data", "fetch", "--quiet"], capture_output=True, text=True, env=env, timeout=300
    )
    elapsed = time.perf_counter() - t0
    if out.returncode == 0:  # a machine with internet really downloaded them
        return
    assert out.returncode == 1
    assert elapsed < 60 * 7, elapsed  # at most one timeout per file
    assert "COHORT_DATA_DIR" in out.stderr


def test_run_without_data_exits_nonzero_quickly(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "COHORT_CACHE_DIR": str(tmp_path),
        "HOME": str(tmp_path),
    }
    t0 = time.perf_counter()
    out = subprocess.run(
        [COHORT, "run", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if out.returncode == 0:  # pragma: no cover - only with internet
        return
    assert time.perf_counter() - t0 < 60
    assert out.returncode == 1
    assert "COHORT_DATA_DIR" in out.stderr
    assert "https://pasteur.epa.gov/" in out.stderr
    assert not (tmp_path / "out").exists()
