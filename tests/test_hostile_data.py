"""Reference data is verified or clearly not: tampered, re-encoded and truncated files."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cohort_helpers import data
from cohort_helpers.cli import main

ROOT = Path(__file__).resolve().parents[1]
LEDGER = ROOT / "datasets/members/cedar_valley/ledgers/cedar_valley_pcard_FY2022.csv"
MAPPING = ROOT / "datasets/members/cedar_valley/mapping_pcard.yaml"
SEF = data.REGISTRY["sef_co2e"]


def _copy_of_data(data_dir: Path, dest: Path, change: str | None = None, edit=None) -> Path:
    """A data folder of links to the reference files, with one file replaced by ``edit(bytes)``."""
    for name, ref in data.REGISTRY.items():
        src = data_dir / ref.relpath
        if not src.is_file():
            continue
        target = dest / ref.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if name == change:
            target.write_bytes(edit(src.read_bytes()))
        else:
            target.symlink_to(src)
    return dest


def _one_factor_changed(raw: bytes) -> bytes:
    old = b",0.024,0.297,333618"  # 333618 Other Engine Equipment, with margins 0.297
    assert raw.count(old) == 1
    return raw.replace(old, b",0.024,0.997,333618")


def _inventory(out: Path, *extra: str) -> list[str]:
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
        *extra,
    ]


@pytest.fixture
def tampered(data_dir, tmp_path, monkeypatch):
    folder = _copy_of_data(data_dir, tmp_path / "data", "sef_co2e", _one_factor_changed)
    monkeypatch.setenv("COHORT_DATA_DIR", str(folder))
    monkeypatch.delenv(data.ALLOW_ENV, raising=False)
    return folder


def test_sentinels_hold_on_the_published_files(data_dir):
    for name in data.REGISTRY:
        found = data.locate(name)
        if data.REGISTRY[name].optional and not found:
            continue  # a newer factor set the user may add (checked by structure)
        assert found, name
        frame = data._READERS[name](found[0])
        assert data._sentinel_failures(name, frame) == [], name
        assert data.SENTINELS.get(name), f"{name} has no sentinels"


def test_tampered_sef_makes_data_list_exit_1(tampered, capsys):
    assert main(["data", "list"]) == 1
    out = capsys.readouterr()
    assert "10 verified" in out.out  # 11 registered files (engine added 4), one tampered
    assert "NOT VERIFIED" in out.out and "sum of factors with margins: 287.108" in out.out
    assert "structure ok (sha256 differs)" not in out.out


def test_tampered_sef_refused_by_inventory_and_caught_with_allow(tampered, tmp_path, capsys):
    assert main(_inventory(tmp_path / "out")) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "NOT the file as published" in err
    assert SEF.url in err and "cohort data fetch" in err
    assert not (tmp_path / "out").exists()
    # with --allow-unverified the changed factor is caught by a sentinel: still no run
    assert main([*_inventory(tmp_path / "out"), "--allow-unverified"]) == 2
    err = capsys.readouterr().err
    assert "sum of factors with margins: 287.108, expected 286.408" in err
    assert not (tmp_path / "out").exists()


def test_reencoded_sef_needs_allow_and_then_every_output_says_not_verified(
    data_dir, tmp_path, monkeypatch, capsys
):
    folder = _copy_of_data(
        data_dir, tmp_path / "data", "sef_co2e", lambda b: b.replace(b"\r\n", b"\n")
    )
    monkeypatch.setenv("COHORT_DATA_DIR", str(folder))
    monkeypatch.delenv(data.ALLOW_ENV, raising=False)
    out = tmp_path / "out"
    assert main(_inventory(out)) == 2
    err = capsys.readouterr().err
    assert "NOT VERIFIED" in err and "--allow-unverified" in err
    assert main([*_inventory(out), "--allow-unverified"]) == 0
    err = capsys.readouterr().err
    # top (when the file is accepted) and bottom of the run
    assert err.count("NOT VERIFIED") >= 2 and err.rstrip().splitlines()[-1].startswith("WARNING")
    readme = (out / "README.txt").read_text()
    assert readme.startswith("WARNING: reference data NOT VERIFIED")
    assert readme.rstrip().endswith("marked NOT VERIFIED.")
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["reference_data_verified"] is False
    states = {r["name"]: r["state"] for r in meta["reference_files"]}
    assert states["sef_co2e"] == "NOT VERIFIED"
    wb = dict(openpyxl.load_workbook(out / "inventory.xlsx")["README"].iter_rows(values_only=True))
    assert wb["Reference data verification"].startswith("NOT VERIFIED")
    assert "(NOT VERIFIED)" in wb["Reference file sef_co2e"]


def test_truncated_rda_names_file_url_and_fix(data_dir, tmp_path, monkeypatch):
    folder = _copy_of_data(data_dir, tmp_path / "data", "bea_price_index", lambda b: b[:5000])
    monkeypatch.setenv("COHORT_DATA_DIR", str(folder))
    ref = data.REGISTRY["bea_price_index"]
    with pytest.raises(data.DataNotVerifiedError) as err:
        data.open_dataset("bea_price_index")
    msg = str(err.value)
    assert ref.filename in msg and ref.url in msg and "cohort data fetch" in msg
    assert "truncated" in msg
    # read directly, the reader says the same instead of a LibrdataError
    with pytest.raises(data.DataFormatError, match="truncated"):
        data.read_price_index(folder / ref.relpath)


def test_truncated_rda_in_data_list_and_cli_no_traceback(data_dir, tmp_path):
    folder = _copy_of_data(data_dir, tmp_path / "data", "bea_use_table", lambda b: b[:5000])
    env = {"PATH": "/usr/bin:/bin", "COHORT_DATA_DIR": str(folder), "HOME": str(tmp_path)}
    cohort = str(Path(sys.executable).parent / "cohort")
    r = subprocess.run([cohort, "data", "list"], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "FAILED" in r.stdout and "truncated" in r.stdout
    r = subprocess.run(
        [cohort, *_inventory(tmp_path / "out")], capture_output=True, text=True, env=env
    )
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "Detail_Use_2017_PUR_BeforeRedef_17sch.rda" in r.stderr


def test_a_new_registered_file_fits_in(data_dir, tmp_path, monkeypatch):
    """An entry added by another module: no published hash, sentinels of its own."""
    src = data_dir / data.REGISTRY["dq_scores"].relpath
    mine = tmp_path / "new_set" / "dq_copy.csv"
    mine.parent.mkdir()
    mine.write_bytes(src.read_bytes())
    ref = dataclasses.replace(
        data.REGISTRY["dq_scores"], name="dq_new", relpath="new_set/dq_copy.csv", sha256=""
    )
    monkeypatch.setitem(data.REGISTRY, "dq_new", ref)
    monkeypatch.setitem(data._READERS, "dq_new", data.read_dq_scores)
    monkeypatch.setitem(data._OPENERS, "dq_new", data.read_dq_scores)
    monkeypatch.setitem(data.SENTINELS, "dq_new", ())
    data.add_sentinels("dq_new", data.Sentinel("rows", 1576, len))
    rec = data.check_file("dq_new", mine)
    assert rec["state"] == "structure checked" and rec["sentinels"] == 1
    assert data.verify("dq_new", mine) == "structure ok (no published sha256)"
    data.add_sentinels("dq_new", data.Sentinel("rows again", 99, len))
    mine.write_bytes(src.read_bytes() + b"\n")  # new mtime/size: checked again
    with pytest.raises(data.SentinelError, match="rows again: 1576, expected 99"):
        data.check_file("dq_new", mine)


def test_sentinel_reports_missing_rows_as_differences():
    s = data.Sentinel("cement", 3.924, data._at("naics6", "327310", "x"))
    assert "not found" in s.check(pd.DataFrame({"naics6": ["1"], "x": [1.0]}))
