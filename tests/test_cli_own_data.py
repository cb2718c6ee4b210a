"""``cohort inventory`` and ``cohort member add`` for any government (issue 11).

Through the door users use: the ``cohort`` command, for a bundled US member, a
bundled Norwegian member and a government that is not in the cohort.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import commands, inventory, members, workspace
from cohort_helpers.cli import main

ROOT = Path(__file__).resolve().parents[1]
DS = ROOT / "datasets" / "members"
CV_AP = DS / "cedar_valley" / "ledgers" / "cedar_valley_ap_FY2022.csv"
CV_PCARD = DS / "cedar_valley" / "ledgers" / "cedar_valley_pcard_FY2022.csv"
CV_MAP = DS / "cedar_valley" / "mapping.yaml"
CV_PCARD_MAP = DS / "cedar_valley" / "mapping_pcard.yaml"
NO_LEDGER = DS / "bjorkestrand" / "ledgers" / "bjorkestrand_hovedbok_2021.csv"
NO_MAP = DS / "bjorkestrand" / "mapping.yaml"


def _run(args: list[str], capsys) -> tuple[int, str, str]:
    rc = main(args)
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def _small_copy(src: Path, dest: Path, n: int, *, header_lines: int) -> Path:
    """The first ``n`` data lines of a ledger (title and header lines kept)."""
    text = src.read_text(encoding="utf-8").splitlines(keepends=True)
    dest.write_text("".join(text[: header_lines + n]), encoding="utf-8")
    return dest


def _header_lines(path: Path, marker: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if marker in line:
            return i + 1
    raise AssertionError(marker)


def test_ap_and_pcard_together_equal_the_member_year(tmp_path, capsys):
    out = tmp_path / "cv"
    rc, stdout, err = _run(
        [
            "inventory",
            str(CV_AP),
            str(CV_PCARD),
            "--mapping",
            str(CV_MAP),
            "--mapping",
            str(CV_PCARD_MAP),
            "--member",
            "cedar_valley",
            "--fiscal-year",
            "2022",
            "--out",
            str(out),
        ],
        capsys,
    )
    assert rc == 0, err
    lines = pd.read_parquet(out / "lines.parquet")
    ref = inventory.member_inventory("cedar_valley", 2022, n_draws=0)
    assert len(lines) == len(ref.lines)
    assert set(lines["source_file"]) == {CV_AP.name, CV_PCARD.name}
    assert np.isclose(lines["kg_co2e"].sum() / 1000, ref.t_co2e, rtol=1e-9)
    # the closing line names the currency, the range and the coverage
    assert "USD" in stdout and "t CO2e (95% range" in stdout and "Coverage:" in stdout
    assert "reconciliation: input - (included + excluded + unclassified) = 0 cents" in stdout


def test_a_norwegian_member_runs_with_its_own_chart_and_currency(tmp_path, capsys):
    out = tmp_path / "no"
    rc, stdout, err = _run(
        ["inventory", str(NO_LEDGER), "--member", "bjorkestrand", "--out", str(out)], capsys
    )
    assert rc == 0, err
    assert "NOK" in stdout
    assert "fiscal year 2021 (chosen" in stdout
    ref = inventory.member_inventory("bjorkestrand", 2021, n_draws=0)
    lines = pd.read_parquet(out / "lines.parquet")
    assert np.isclose(lines["kg_co2e"].sum() / 1000, ref.t_co2e, rtol=1e-9)


def test_a_government_outside_the_cohort_needs_no_chart(tmp_path, capsys):
    n_head = _header_lines(CV_AP, "Vendor Name")
    mine = _small_copy(CV_AP, tmp_path / "my_export.csv", 400, header_lines=n_head)
    out = tmp_path / "mine"
    rc, stdout, err = _run(
        [
            "inventory",
            str(mine),
            "--mapping",
            str(CV_MAP),
            "--member",
            "my_city",
            "--out",
            str(out),
        ],
        capsys,
    )
    assert rc == 0, err
    assert stdout.startswith(("my_city,", "WARNING"))
    lines = pd.read_csv(out / "lines.csv", dtype={"naics6": str, "account": str})
    assert list(lines.columns) == inventory.LINE_COLUMNS
    assert len(lines) == 400
    # a reviewer sees the line as the export gave it beside the decision
    first = lines.iloc[0]
    assert first["vendor"] and first["description"] and first["date"].startswith("20")
    with_code = lines[lines["naics6"].notna()]
    assert with_code["naics_title"].notna().all()
    rec = pd.read_csv(out / "reconciliation.csv")
    assert (rec["difference_cents"] == 0).all()
    summary = pd.read_csv(out / "summary.csv", dtype={"naics6": str})
    assert summary.columns[:2].tolist() == ["naics6", "naics_title"]
    assert summary["naics_title"].notna().all()


def test_a_fiscal_year_without_lines_is_an_error_naming_the_years(tmp_path, capsys):
    out = tmp_path / "x"
    rc, _, err = _run(
        [
            "inventory",
            str(CV_AP),
            "--mapping",
            str(CV_MAP),
            "--fiscal-year",
            "2030",
            "--out",
            str(out),
        ],
        capsys,
    )
    assert rc == 2
    assert "fiscal year 2030" in err and "2022" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_most_spend_outside_the_fiscal_year_warns(tmp_path, capsys):
    both = pd.concat(
        [pd.read_csv(CV_AP, skiprows=_header_lines(CV_AP, "Vendor Name") - 1, dtype=str)]
    )
    # a file with 3 lines in FY2022 and the rest moved two years later
    both.loc[3:, "Check Date"] = both.loc[3:, "Check Date"].str.replace("202", "203", n=1)
    f = tmp_path / "shifted.csv"
    both.to_csv(f, index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inv = inventory.run_inventory(
            f, mapping=CV_MAP, fiscal_year=2022, n_draws=0, progress=False
        )
    assert inv.fiscal_year == 2022
    assert any("falls in fiscal year 2022" in str(w.message) for w in caught)


def test_parse_rates_and_errors():
    assert commands.parse_rates(["NOK:2009=5.8"]) == {"NOK per USD": {2009: 5.8}}
    with pytest.raises(commands.CommandError, match="CUR:YEAR=VALUE"):
        commands.parse_rates(["NOK2009=5.8"])
    merged = commands.with_bundled_rates({"NOK per USD": {2009: 5.8}})
    got = merged.set_index(["currency", "year"])["rate"]
    assert got[("NOK", 2009)] == 5.8
    assert got[("NOK", 2021)] == 8.5991  # the bundled table is still there


def test_a_nok_file_from_a_year_without_a_bundled_rate_needs_rate(tmp_path, capsys):
    n_head = _header_lines(NO_LEDGER, "Bilagsdato")
    text = NO_LEDGER.read_text(encoding="utf-8").splitlines(keepends=True)[: n_head + 200]
    old = "".join(text).replace(".2021;", ".2009;").replace("\n2021", "\n2009")
    f = tmp_path / "kommune_2009.csv"
    f.write_text(old, encoding="utf-8")
    out = tmp_path / "o"
    base = ["inventory", str(f), "--mapping", str(NO_MAP), "--country", "NO", "--out", str(out)]
    rc, _, err = _run(base, capsys)
    assert rc == 2, err
    assert "NOK 2009" in err and "--rate" in err and "Traceback" not in err
    rc, stdout, err = _run([*base, "--rate", "NOK:2009=5.8"], capsys)
    assert rc == 0, err
    lines = pd.read_parquet(out / "lines.parquet")
    inc = lines[lines["status"] == "included"]
    assert len(inc) and inc["spend_factor_usd"].notna().all()
    assert "fiscal year 2009" in stdout


def test_member_add_then_the_member_runs_like_a_bundled_one(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COHORT_WORKSPACE", str(tmp_path / "ws"))
    n_head = _header_lines(CV_AP, "Vendor Name")
    mine = _small_copy(CV_AP, tmp_path / "export.csv", 600, header_lines=n_head)
    lgo = tmp_path / "lgo.csv"
    lgo.write_text(
        "inventory_year,sector,scope,source,t_co2e\n2021,buildings,1,natural gas,1200\n"
        "2021,buildings,2,electricity,2300.5\n",
        encoding="utf-8",
    )
    rc, stdout, err = _run(
        [
            "member",
            "add",
            "Town of Example",
            "--country",
            "US",
            "--ledger",
            str(mine),
            "--mapping",
            str(CV_MAP),
            "--residents",
            "25000",
            "--lgo",
            str(lgo),
        ],
        capsys,
    )
    assert rc == 0, err
    assert "town_of_example" in stdout and str(tmp_path / "ws") in stdout
    prof = members.member_profile("town_of_example")
    assert prof.source == "workspace" and prof.population == 25000 and prof.ledger_years == (2022,)
    assert prof.name == "Town of Example"
    inv = inventory.member_inventory("town_of_example", n_draws=0)
    assert len(inv.lines) == 600 and inv.fiscal_year == 2022
    assert members.lgo_inventory("town_of_example")["t_co2e"].sum() == pytest.approx(3500.5)
    assert "town_of_example" in set(members.ledger_files()["member"])
    # a second add of the same name is refused unless --replace
    rc, _, err = _run(
        ["member", "add", "town_of_example", "--country", "US", "--ledger", str(mine),
         "--mapping", str(CV_MAP)],
        capsys,
    )  # fmt: skip
    assert rc == 2 and "--replace" in err


def test_workspace_member_without_lgo_gives_a_note(tmp_path, monkeypatch):
    monkeypatch.setenv("COHORT_WORKSPACE", str(tmp_path / "ws"))
    workspace.add_member(
        "solo", country="NO", ledgers=[NO_LEDGER], mappings=[NO_MAP], fiscal_years=[2021]
    )
    lgo = members.lgo_inventory("solo")
    assert lgo.empty and "No LGO inventory" in lgo.attrs["note"]
    assert members.member_profile("solo").currency == "NOK"
