"""Factor sets as data (issue 14): SEF v1.4 and Open CEDA 2025 files, comparison of two sets.

The v1.4 and Open CEDA 2025 files are not in the shared data folder (the user
supplies them), so the tests write small files in each layout:

- SEF v1.4 (CSV export of the CO2e sheet, or a workbook with a ``CO2e`` sheet and
  a by-gas sheet): the v1.3 columns ``2017 NAICS Code``, ``2017 NAICS Title``,
  ``GHG``, ``Unit`` (``kg CO2e/2024 USD, purchaser price``), ``Supply Chain
  Emission Factors without Margins``, ``Margins of Supply Chain Emission
  Factors``, ``Supply Chain Emission Factors with Margins``, ``Reference USEEIO
  Code``; here the v1.3 rows with every factor x 0.9.
- Open CEDA 2025: the Open CEDA 2024 CSV export (semicolons, decimal commas,
  cover lines ``CEDA Version``, ``Base year``, ``Price type``, a row of sector
  names then ``;Country Code;Country;country;<BEA codes>``), with ``CEDA 2025``,
  base year 2024 and every factor x 1.1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from cohort_helpers import adjust, data, factors, inventory, members
from cohort_helpers.cli import main

SHARED = Path(os.environ.get("COHORT_DATA_DIR", "../shared/data"))
V14_CSV = "SupplyChainGHGEmissionFactors_v1.4.0_NAICS_CO2e_USD2024.csv"


def _linked_data_dir(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for sub in SHARED.iterdir():
        (root / sub.name).symlink_to(sub.resolve())
    return root


def _v14_frame(scale: float = 0.9, year: int = 2024) -> pd.DataFrame:
    raw = pd.read_csv(
        data.locate("sef_co2e")[0], dtype={"2017 NAICS Code": str, "Reference USEEIO Code": str}
    )
    for c in [
        "Supply Chain Emission Factors without Margins",
        "Margins of Supply Chain Emission Factors",
        "Supply Chain Emission Factors with Margins",
    ]:
        raw[c] = (raw[c] * scale).round(6)
    raw["Unit"] = f"kg CO2e/{year} USD, purchaser price"
    return raw


def _write_ceda_2025(folder: Path, scale: float = 1.1) -> Path:
    text = data.locate("open_ceda")[0].read_bytes().decode("cp1252")
    out_lines = []
    in_table = False
    for line in text.splitlines():
        cells = line.split(";")
        if "CEDA Version" in cells:
            cells = [c.replace("CEDA 2024", "CEDA 2025") for c in cells]
        if "Base year" in cells:
            cells = [("2024" if c.strip() == "2022" else c) for c in cells]
        if in_table and cells and len(cells) > 4 and cells[1].strip():
            cells = cells[:4] + [
                f"{float(c.replace(',', '.')) * scale:.6f}".replace(".", ",") if c.strip() else c
                for c in cells[4:]
            ]
        if "Country Code" in cells:
            in_table = True
        out_lines.append(";".join(cells))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "open_ceda_2025.csv"
    path.write_bytes("\n".join(out_lines).encode("cp1252"))
    return path


@pytest.fixture()
def with_new_sets(tmp_path, monkeypatch):
    root = _linked_data_dir(tmp_path / "data")
    (root / "sef_v1.4").mkdir()
    _v14_frame().to_csv(root / "sef_v1.4" / V14_CSV, index=False)
    _write_ceda_2025(root / "open_ceda_2025")
    monkeypatch.setenv(data.DATA_ENV, str(root))
    return root


@pytest.fixture()
def without_new_sets(tmp_path, monkeypatch):
    root = _linked_data_dir(tmp_path / "plain")
    monkeypatch.setenv(data.DATA_ENV, str(root))
    return root


def test_the_registered_sets_carry_price_year_and_gwp_as_data():
    t = factors.factor_set_table()
    assert list(t.index) == ["sef_v1.3", "sef-1.4", "open_ceda_2024", "open_ceda_2025"]
    assert t.loc["sef_v1.3", ["dollar_year", "gwp"]].tolist() == [2022, "AR5"]
    assert t.loc["sef-1.4", ["dollar_year", "gwp"]].tolist() == [2024, "AR6"]
    assert "17202747" in t.loc["sef-1.4", "where"]
    assert {"sef-1.4", "open_ceda_2024", "open_ceda_2025"} <= set(factors.available_factor_sets())
    assert factors.DEFAULT_FACTOR_SET == "sef_v1.3"


def test_without_the_file_the_error_names_zenodo_and_the_data_folder(without_new_sets, capsys):
    with pytest.raises(data.DataNotFoundError) as err:
        factors.load_factor_set("sef-1.4")
    msg = str(err.value)
    assert "zenodo.org/records/17202747" in msg and data.DATA_ENV in msg
    assert "cannot be downloaded automatically" in msg
    files = members.ledger_files("cedar_valley")
    row = files[(files.fiscal_year == 2022) & files.ledger.str.contains("_ap_")].iloc[0]
    rc = main(["inventory", row.ledger, "--member", "cedar_valley", "--fiscal-year", "2022",
               "--factors", "sef-1.4", "--out", str(without_new_sets.parent / "o")])  # fmt: skip
    err_text = capsys.readouterr().err
    assert rc == 2 and "17202747" in err_text and data.DATA_ENV in err_text
    assert "Traceback" not in err_text
    # cohort data list still succeeds and says where to get it
    assert main(["data", "list", "--no-check"]) == 0
    out = capsys.readouterr().out
    assert "sef-1.4" in out and "not present" in out and "2024 USD, GWP AR6" in out


def test_sef_v14_csv_layout_is_read_with_its_own_year_and_gwp(with_new_sets):
    fs = factors.load_factor_set("sef-1.4")
    assert (fs.dollar_year, fs.gwp, fs.price_basis) == (2024, "AR6", "purchaser")
    assert fs.table.loc["327310", "factor_kg_per_usd"] == pytest.approx(3.924 * 0.9, abs=1e-6)
    assert len(fs.table) == 1016
    rec = data.check_file("sef_v14", data.locate("sef_v14")[0])
    assert rec["state"] == "structure checked"


def test_sef_v14_workbook_layout(tmp_path, monkeypatch):
    root = _linked_data_dir(tmp_path / "wb")
    (root / "sef_v1.4").mkdir()
    book = root / "sef_v1.4" / "SupplyChainGHGEmissionFactors_v1.4.0_NAICS.xlsx"
    co2e = _v14_frame()
    bygas = co2e.assign(GHG="Carbon dioxide", Unit="kg/2024 USD, purchaser price")
    with pd.ExcelWriter(book) as xw:
        bygas.to_excel(xw, sheet_name="byGHG", index=False)  # first, and not CO2e
        co2e.to_excel(xw, sheet_name="CO2e", index=False)
    monkeypatch.setenv(data.DATA_ENV, str(root))
    df = data.read_sef_v14()
    assert df.attrs["dollar_year"] == 2024 and "CO2e" in df.attrs["source"]
    fs = factors.load_factor_set("sef-1.4")
    assert fs.table.loc["327310", "factor_kg_per_usd"] == pytest.approx(3.5316, abs=1e-6)


def test_a_v14_file_with_another_dollar_year_is_refused(tmp_path, monkeypatch):
    root = _linked_data_dir(tmp_path / "bad")
    (root / "sef_v1.4").mkdir()
    _v14_frame(year=2022).to_csv(root / "sef_v1.4" / V14_CSV, index=False)
    monkeypatch.setenv(data.DATA_ENV, str(root))
    with pytest.raises(data.DataFormatError, match="2022 USD but SEF v1.4 is per 2024 USD"):
        factors.load_factor_set("sef-1.4")


@pytest.mark.slow
def test_inventory_with_sef_14_says_ar6_and_2024_usd(with_new_sets, capsys):
    files = members.ledger_files("cedar_valley")
    row = files[(files.fiscal_year == 2022) & files.ledger.str.contains("_ap_")].iloc[0]
    out = with_new_sets.parent / "inv14"
    rc = main(["inventory", row.ledger, "--member", "cedar_valley", "--fiscal-year", "2022",
               "--factors", "sef-1.4", "--out", str(out)])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    import openpyxl

    wb = openpyxl.load_workbook(out / "inventory.xlsx", read_only=True)
    readme = {r[0]: r[1] for r in wb["README"].iter_rows(min_row=2, values_only=True)}
    assert "2024 USD" in readme["Price year"]
    assert "AR6" in readme["Factor set"] and "sef-1.4" in readme["Factor set"]
    lines = pd.read_csv(out / "lines.csv", dtype={"naics6": str})
    cement = lines[(lines["naics6"] == "327310") & (lines["status"] == "included")]
    if len(cement):
        assert cement["factor_kg_per_usd"].iloc[0] == pytest.approx(3.5316, abs=1e-6)


def test_open_ceda_2025_is_read_with_the_files_base_year(with_new_sets):
    fs = factors.load_factor_set("open_ceda_2025:NOR")
    old = factors.load_factor_set("open_ceda_2024:NOR")
    assert fs.dollar_year == 2024 and old.dollar_year == 2022
    assert "2025" in fs.attribution and "CEDA by Watershed" in fs.attribution
    assert fs.gwp.startswith("AR6") and "not stated in the file" in fs.gwp
    code = old.table.index[0]
    assert fs.table.loc[code, "factor_kg_per_usd"] == pytest.approx(
        old.table.loc[code, "factor_kg_per_usd"] * 1.1, rel=1e-3
    )


@pytest.mark.slow
def test_comparison_side_by_side_with_reasons_and_absent_sets(with_new_sets):
    inv = inventory.member_inventory("bjorkestrand", 2021, n_draws=0)
    cmp = adjust.compare_inventories(inv.lines, ("sef_v1.3", "sef-1.4"))
    t = cmp.table
    assert {"t_sef_v1.3", "t_sef-1.4", "change_pct"} <= set(t.columns)
    assert t.loc["total", "t_sef_v1.3"] == pytest.approx(inv.t_co2e, rel=1e-9)
    assert set(t.index) == {"1", "2", "total"}
    assert cmp.reasons.loc["GWP set", "effect"].startswith("AR5 vs AR6")
    assert "2024 USD instead of 2022 USD" in cmp.reasons.loc["dollar year", "effect"]
    assert not cmp.absent
    # a set that is not here is said so, not an error
    cmp2 = adjust.compare_inventories(inv.lines, ("sef_v1.3", "open_ceda_2025:XXX"))
    assert "open_ceda_2025:XXX" in cmp2.absent or "t_open_ceda_2025:XXX" not in cmp2.table
    ceda = adjust.compare_inventories(inv.lines, ("sef_v1.3", "open_ceda_2025:NOR"))
    assert ceda.attributions == [factors.FACTOR_SETS["open_ceda_2025"].attribution]
    assert ceda.attributions == ["CEDA by Watershed (Open CEDA 2025, CC BY-SA 4.0)"]
    assert "CEDA by Watershed" in ceda.summary()


def test_comparison_says_when_a_set_is_absent(without_new_sets):
    lines = pd.DataFrame(
        {
            "status": ["included"],
            "naics6": ["327310"],
            "amount": [1000.0],
            "currency": ["USD"],
            "fiscal_year": [2022],
            "date": pd.to_datetime(["2022-03-01"]),
            "scope3_category": pd.array([1], dtype="Int64"),
        }
    )
    cmp = adjust.compare_inventories(lines, ("sef_v1.3", "sef-1.4"))
    assert list(cmp.absent) == ["sef-1.4"] and "17202747" in cmp.absent["sef-1.4"]
    assert "sef-1.4 is not compared" in cmp.summary()
    assert cmp.table.loc["total", "t_sef_v1.3"] == pytest.approx(3.924, rel=1e-6)
