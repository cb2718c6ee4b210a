"""Issue 4 acceptance on the synthetic cohort, and the ``cohort inventory`` command."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import classify, data, inventory, members
from cohort_helpers.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "ledgers"


def _member_years():
    files = members.ledger_files()
    return sorted({(m, int(y)) for m, y in zip(files["member"], files["fiscal_year"], strict=True)})


@pytest.fixture(scope="module")
def sef():
    return data.read_sef().set_index("naics6")["sef_with_margins"]


@pytest.mark.slow
@pytest.mark.parametrize("member,year", _member_years(), ids=lambda v: str(v))
def test_member_year_meets_the_acceptance_targets(member, year, sef):
    inv = inventory.member_inventory(member, year, n_draws=0)
    lines = inv.lines
    # reconciliation holds to the cent
    rec = inv.reconciliation
    assert (rec["difference_cents"] == 0).all()
    inputs = rec[rec.bucket == "input"].set_index("currency")["cents"]
    assert inputs.sum() == inventory.cents(lines["amount"]).sum()
    # classification coverage and accuracy against the ground truth
    files = members.ledger_files(member)
    truth = pd.concat(
        [members.load_truth(p) for p in files.loc[files.fiscal_year == year, "truth"]],
        ignore_index=True,
    )
    acc = classify.accuracy(lines, truth)
    assert acc.lines_matched == len(lines) == len(truth)
    assert acc.share_classified >= 0.95, acc
    assert acc.share_naics_strict >= 0.90, acc
    # every emission is spend x factor, every exact factor is the SEF value
    inc = lines[lines.status == "included"]
    assert np.allclose(inc.kg_co2e, inc.spend_factor_usd * inc.factor_kg_per_usd)
    exact = inc[inc.factor_match == "exact"]
    assert np.allclose(exact.factor_kg_per_usd, exact.naics6.map(sef))
    assert lines.loc[lines.status != "included", "kg_co2e"].isna().all()


def test_inventory_cli_writes_every_output(tmp_path, capsys):
    files = members.ledger_files("cedar_valley")
    row = files[(files.fiscal_year == 2022) & files.ledger.str.contains("_ap_")].iloc[0]
    out = tmp_path / "inv"
    rc = main(
        [
            "inventory",
            row.ledger,
            "--member",
            "cedar_valley",
            "--fiscal-year",
            "2022",
            "--out",
            str(out),
        ]
    )
    assert rc == 0, capsys.readouterr().err
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "README.txt",
        "inventory.xlsx",
        "lines.csv",
        "lines.parquet",
        "metadata.json",
        "reconciliation.csv",
        "summary.csv",
        "uncertainty.csv",
    ]
    lines = pd.read_csv(out / "lines.csv", dtype={"naics6": str})
    assert list(lines.columns) == inventory.LINE_COLUMNS
    assert lines["source_line"].min() >= 2
    import openpyxl

    wb = openpyxl.load_workbook(out / "inventory.xlsx", read_only=True)
    assert wb.sheetnames[0] == "README"
    readme = {r[0]: r[1] for r in wb["README"].iter_rows(min_row=2, values_only=True)}
    assert "2022 USD" in readme["Price year"] and "SEF" in readme["Factor set"]
    for ws in wb.worksheets:
        for row_ in ws.iter_rows(values_only=True):
            for v in row_:
                assert not (isinstance(v, str) and v.startswith(("=", "+", "-", "@"))), v


BAD = sorted(FIXTURES.glob("bad_*.csv"))


@pytest.mark.parametrize("bad", BAD, ids=lambda p: p.stem)
def test_bad_input_exits_2_with_a_message_and_no_output(bad, tmp_path, capsys):
    out = tmp_path / "out"
    mapping = FIXTURES / "us_commas.yaml"
    rc = main(
        [
            "inventory",
            str(bad),
            "--member",
            "cedar_valley",
            "--fiscal-year",
            "2022",
            "--mapping",
            str(mapping),
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert rc == 2
    assert bad.name in err
    assert "line" in err or "column" in err
    assert not out.exists()
