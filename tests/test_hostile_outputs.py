"""Output folders: checked before the work, one run per folder, nothing left when stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from cohort_helpers import outdir
from cohort_helpers.cli import main

ROOT = Path(__file__).resolve().parents[1]
LEDGER = ROOT / "datasets/members/cedar_valley/ledgers/cedar_valley_pcard_FY2022.csv"
MAPPING = ROOT / "datasets/members/cedar_valley/mapping_pcard.yaml"


def _inventory_args(out) -> list[str]:
    return [
        "inventory",
        str(LEDGER),
        "--member",
        "cedar_valley",
        "--fiscal-year",
        "2022",
        "--mapping",
        str(MAPPING),
        "--out",
        str(out),
    ]


def test_out_naming_a_file_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    from cohort_helpers import inventory

    target = tmp_path / "report.txt"
    target.write_text("mine")
    monkeypatch.setattr(inventory, "run_inventory", lambda *a, **k: pytest.fail("computed"))
    assert main(_inventory_args(target)) == 2
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and "Traceback" not in err
    assert target.read_text() == "mine"


def test_out_below_a_file_and_unwritable(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(outdir.OutputDirError, match="is a file"):
        outdir.check_output_dir(tmp_path / "f" / "sub")
    if outdir._writable_dir(Path("/sys")) is None:  # pragma: no cover - unusual system
        pytest.skip("/sys is writable here")
    with pytest.raises(outdir.OutputDirError, match="cannot create the folder"):
        outdir.check_output_dir("/sys/cohort_out")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes everywhere")
def test_out_without_write_permission(tmp_path):  # pragma: no cover - non-root only
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o500)
    try:
        with pytest.raises(outdir.OutputDirError, match="cannot write"):
            outdir.check_output_dir(d)
    finally:
        d.chmod(0o700)


def test_foreign_files_are_refused_and_listed(tmp_path):
    (tmp_path / "notes.docx").write_text("mine")
    (tmp_path / "~$inventory.xlsx").write_text("lock")
    with pytest.raises(outdir.OutputDirError) as err:
        outdir.check_output_dir(tmp_path)
    assert "notes.docx" in str(err.value) and "~$inventory.xlsx" in str(err.value)


def test_an_earlier_run_is_replaced_as_a_whole(tmp_path):
    out = tmp_path / "out"
    with outdir.OutputFolder(out) as f:
        f.path("a.csv").write_text("1\n")
        f.path("old_only.csv").write_text("x\n")
        f.commit({"member": "m"})
    first = json.loads((out / "metadata.json").read_text())
    assert set(first["files"]) == {"a.csv", "old_only.csv"}
    with outdir.OutputFolder(out) as f:
        f.path("a.csv").write_text("2\n")
        written = f.commit({})
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "metadata.json"]
    assert (out / "a.csv").read_text() == "2\n" and written[-1].name == "metadata.json"
    # a file changed after the run makes the folder not ours any more
    (out / "a.csv").write_text("edited by hand\n")
    with pytest.raises(outdir.OutputDirError, match="changed since cohort wrote it"):
        outdir.check_output_dir(out)


def test_a_failed_run_leaves_nothing(tmp_path):
    out = tmp_path / "new"
    with pytest.raises(KeyboardInterrupt):
        with outdir.OutputFolder(out) as f:
            f.path("lines.csv").write_bytes(b"x" * 1000)
            raise KeyboardInterrupt
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_twice_into_the_same_folder_then_refuses_foreign(tmp_path, capsys, data_dir):
    out = tmp_path / "inv"
    assert main(_inventory_args(out)) == 0
    assert main(_inventory_args(out)) == 0  # the earlier run is replaced
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "README.txt",
            "inventory.xlsx",
            "lines.csv",
            "lines.parquet",
            "metadata.json",
            "reconciliation.csv",
            "summary.csv",
            "uncertainty.csv",
        ]
    )
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["reference_data_verified"] is True, [
        (r["name"], r["state"], r["file"]) for r in meta["reference_files"] if r["state"] != "verified"
    ]
    refs = {r["name"]: r for r in meta["reference_files"]}
    assert refs["sef_co2e"]["sha256"].startswith("c7f508646ee0") and refs["sef_co2e"]["state"] == (
        "verified"
    )
    readme = dict(
        openpyxl.load_workbook(out / "inventory.xlsx")["README"].iter_rows(values_only=True)
    )
    assert "c7f508646ee091cb" in readme["Reference file sef_co2e"]
    assert "verified" in readme["Reference data verification"]
    (out / "my_notes.txt").write_text("mine")
    capsys.readouterr()
    assert main(_inventory_args(out)) == 2
    err = capsys.readouterr().err
    assert "my_notes.txt" in err and "Traceback" not in err


_SLOW_WRITER = """
import sys, time
import cohort_helpers.safe_files as sf
def slow(path, sheets, **kw):
    open(path, "wb").close()            # the 0-byte workbook of the bug report
    print("WRITING", flush=True)
    time.sleep(120)
sf.write_xlsx = slow
from cohort_helpers.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("sig,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signals_remove_every_temporary_file(tmp_path, data_dir, sig, code):
    out = tmp_path / "out"
    env = {**os.environ, "COHORT_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_WRITER, *_inventory_args(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    t0 = time.time()
    line = ""
    while "WRITING" not in line and time.time() - t0 < 240:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
    assert "WRITING" in line, proc.stderr.read()
    assert list(out.glob(".cohort-partial-*/lines.csv"))  # the CSVs were being staged
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "Traceback" not in err and "Stopped" in err
    assert list(tmp_path.iterdir()) == []  # no temp folder, no lines.csv, no empty workbook
