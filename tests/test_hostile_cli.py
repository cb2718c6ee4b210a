"""No traceback reaches a user: broken inputs through the real ``cohort`` command."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cohort_helpers import cli

ROOT = Path(__file__).resolve().parents[1]
COHORT = str(Path(sys.executable).parent / "cohort")
MAPPING = ROOT / "datasets/members/cedar_valley/mapping.yaml"
GOOD = ROOT / "datasets/members/cedar_valley/ledgers/cedar_valley_pcard_FY2022.csv"


def _run(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([COHORT, *args], capture_output=True, text=True, env=env, timeout=300)


def _inventory(ledger: Path, out: Path, *extra: str) -> list[str]:
    return [
        "inventory",
        str(ledger),
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


def _broken_inputs(tmp: Path) -> dict[str, Path]:
    files = {}
    long = tmp / "one_long_line.csv"
    long.write_text("Check Date,Vendor,Amount\n2022-01-01," + "x" * 200_000 + ",1.00\n")
    files["field over the csv limit"] = long
    pdf = tmp / "ledger.pdf.csv"
    pdf.write_bytes(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nstream\n\x00\x01\x02"
    )
    files["pdf bytes"] = pdf
    noise = tmp / "random.xlsx"
    noise.write_bytes(bytes(range(256)) * 40)
    files["random bytes named xlsx"] = noise
    # a truncated XLSX part: a zip whose sheet XML is cut in the middle
    trunc = tmp / "truncated.xlsx"
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Check Date", "Vendor", "Amount"])
    wb.active.append(["2022-01-01", "ACME", 1.0])
    good = tmp / "good.xlsx"
    wb.save(good)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(trunc, "w") as dst:
        for item in src.infolist():
            blob = src.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                blob = blob[: len(blob) // 2]
            dst.writestr(item, blob)
    files["truncated xlsx part"] = trunc
    files["missing file"] = tmp / "no_such_file.csv"
    return files


@pytest.mark.slow
def test_broken_ledgers_give_one_message_and_exit_2(tmp_path):
    for what, path in _broken_inputs(tmp_path).items():
        r = _run(*_inventory(path, tmp_path / f"out_{path.stem}"))
        assert r.returncode == 2, (what, r.stderr)
        assert "Traceback" not in r.stderr, (what, r.stderr)
        assert r.stderr.strip(), what
        assert "error:" in r.stderr, (what, r.stderr)


def test_out_is_a_file_and_debug_shows_the_traceback(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("x")
    r = _run(*_inventory(GOOD, target))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "is a file, not a folder" in r.stderr
    r = _run(*_inventory(GOOD, target, "--debug"))
    assert r.returncode == 2 and "Traceback" in r.stderr and "is a file" in r.stderr


def test_unexpected_errors_become_one_line(monkeypatch, capsys):
    def boom(args):
        raise TypeError("unsupported operand")

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    parser.set_defaults(handler=boom)
    sub = next(a for a in parser._actions if isinstance(getattr(a, "choices", None), dict))
    sub.choices["data"].set_defaults(handler=boom)
    for p in sub.choices["data"]._actions:
        if isinstance(getattr(p, "choices", None), dict):
            p.choices["list"].set_defaults(handler=boom)
    assert cli.main(["data", "list"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "Unexpected error: TypeError: unsupported operand" in err and "--debug" in err


@pytest.mark.parametrize(
    "exc,words",
    [
        (PermissionError(13, "Permission denied", "/x/lines.csv"), "/x/lines.csv: permission"),
        (OSError(28, "No space left on device", "/x"), "disk is full"),
        (zipfile.BadZipFile("File is not a zip file"), "damaged or not a real .xlsx"),
        (ValueError("This sheet is too large! Your sheet size is: 2000001, 3"), "1,048,576"),
        (MemoryError(), "memory"),
    ],
)
def test_describe_error_puts_library_errors_in_words(exc, words):
    assert words in cli.describe_error(exc)


def test_field_limit_message():
    import csv
    import io

    csv.field_size_limit(1000)
    try:
        with pytest.raises(csv.Error) as err:
            list(csv.reader(io.StringIO("a" * 2000)))
    finally:
        csv.field_size_limit(131072)
    import argparse

    msg = cli.describe_error(err.value, argparse.Namespace(ledgers=["big.csv"]))
    assert "big.csv" in msg and "not a CSV export" in msg


def test_options_work_before_and_after_the_subcommand(capsys, data_dir):
    assert cli.main(["--debug", "data", "list"]) == 0
    assert cli.main(["data", "list", "--allow-unverified"]) == 0
    import os

    from cohort_helpers import data

    assert data.ALLOW_ENV not in os.environ  # restored after the run
