"""Inputs that contradict what they claim stop the run with one clear message (issue 15)."""

from __future__ import annotations

import pandas as pd
import pytest

from cohort_helpers import ledger
from cohort_helpers.cli import main


def _file(tmp_path, cells):
    p = tmp_path / "kr.csv"
    rows = "".join(f'2022-03-0{i + 1},V{i},"{c}"\n' for i, c in enumerate(cells))
    p.write_text("Date,Vendor,Amount\n" + rows, encoding="utf-8")
    return p


MAP = {"columns": {"date": "Date", "vendor": "Vendor", "amount": "Amount"}}


def test_kroner_in_a_dollar_mapping_names_the_line(tmp_path):
    p = _file(tmp_path, ["12.00", "1 234,56 kr"])
    with pytest.raises(ledger.LedgerError, match=r"line 3, column 'Amount'.*not USD"):
        ledger.read_ledger(p, dict(MAP, currency="USD"))


def test_matching_marks_are_read(tmp_path):
    p = _file(tmp_path, ["1 234,56 kr", "NOK 10,00"])
    df = ledger.read_ledger(p, dict(MAP, currency="NOK", decimal=","))
    assert df["amount"].tolist() == [1234.56, 10.0]


def test_the_cli_exits_2_without_a_traceback(tmp_path, capsys, data_dir):
    p = _file(tmp_path, ["£5.00", "£7.00"])
    m = tmp_path / "m.yaml"
    m.write_text("columns:\n  date: Date\n  vendor: Vendor\n  amount: Amount\ncurrency: USD\n")
    rc = main(["inventory", str(p), "--mapping", str(m), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "not USD" in err and "Traceback" not in err


def test_contradicting_currency_is_per_cell():
    got = ledger.contradicting_currency(pd.Series(["€1", "1 EUR", "kr 3", "4"]), "EUR")
    assert got.tolist() == [False, False, True, False]


def test_an_encrypted_workbook_is_named_as_such(tmp_path, capsys, data_dir):
    p = tmp_path / "enc.xlsx"
    head = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504
    p.write_bytes(head + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 2000)
    m = tmp_path / "m.yaml"
    m.write_text("columns:\n  date: Date\n  vendor: Vendor\n  amount: Amount\n")
    rc = main(["inventory", str(p), "--mapping", str(m), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and "password-protected" in err and "Traceback" not in err
