"""Purchase categories: complete over the factor set, longest prefix wins, clear errors."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from cohort_helpers import analysis, categories, factors, inventory, paths


def test_every_sef_naics6_code_has_a_category(data_dir):
    codes = factors.load_factor_set("sef_v1.3").table.index
    assert len(codes) == 1016
    cat = categories.purchase_category(pd.Series(codes, index=codes))
    missing = cat[cat.isna()].index.tolist()
    assert missing == []
    table = categories.load_categories()
    assert 15 <= len(table.names) <= 25
    used = set(cat) | {categories.UNALLOCATED}
    assert used == set(table.names)  # no empty category, none undocumented


def test_longest_prefix_wins_and_coarse_and_profile_codes():
    got = categories.purchase_category(
        ["324121", "324110", "3241", "54", "541512", "562", "GSLGO", "F10", "F10S00", "99"]
    )
    assert got.tolist()[:8] == [
        "Construction materials",
        "Vehicles, fuel and fleet services",
        "Vehicles, fuel and fleet services",
        "Professional and staffing services",
        "Software, IT services and telecom",
        "Waste collection and treatment",
        categories.UNALLOCATED,
        categories.UNALLOCATED,
    ]
    assert got.iloc[8] == categories.UNALLOCATED and pd.isna(got.iloc[9])
    assert categories.purchase_category("99") is None
    s = pd.Series(["562212", "236220"], index=["a", "b"])
    assert categories.purchase_category(s).index.tolist() == ["a", "b"]


def test_by_category_keeps_totals_and_counts_unknown_codes():
    s = pd.DataFrame(
        {
            "lines": [2, 1, 4, 1],
            "spend_usd": [100.0, 50.0, 300.0, 10.0],
            "t_co2e": [90.0, 40.0, 20.0, 1.0],
        },
        index=["562111", "562212", "541110", "990000"],
    )
    c = categories.by_category(s)
    assert c["t_co2e"].sum() == pytest.approx(151.0)
    assert c["spend_usd"].sum() == pytest.approx(460.0)
    assert c.index[0] == "Waste collection and treatment"
    assert c.loc[categories.NOT_IN_TABLE, "codes"] == 1
    assert c.loc["Waste collection and treatment", "kg_per_usd"] == pytest.approx(130_000 / 150)
    d = categories.drill_down(s, "Waste collection and treatment")
    assert d.index.tolist() == ["562111", "562212"]
    with pytest.raises(KeyError, match="Professional and staffing services"):
        categories.drill_down(s, "Food, drink and catering")


def test_cedar_valley_hot_spots_at_category_level(data_dir):
    inv = inventory.member_inventory("cedar_valley", n_draws=0)
    by = categories.by_category(inv.summary)
    assert by["t_co2e"].sum() == pytest.approx(inv.summary["t_co2e"].sum())
    hot = analysis.hot_spots(by)
    assert len(by) <= 25
    assert hot.n80_emissions < 12 and hot.n80_spend < 12  # few, against 56 and 63 NAICS codes
    assert by.index[0] == "Construction and maintenance works"


def test_bad_table_names_file_row_and_column(tmp_path):
    folder = tmp_path / "categories"
    shutil.copytree(paths.datasets_dir() / "categories", folder)
    f = folder / "purchase_categories.csv"
    rows = f.read_text(encoding="utf-8").splitlines()
    rows.insert(3, "12ab,Other goods,Bad")
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"purchase_categories.csv, row 4, column 'prefix': '12ab'"
    ):
        categories.load_categories(folder)
    rows[3] = "311999,Food and drinks,Typo"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"row 4, column 'category': 'Food and drinks'"):
        categories.load_categories(folder)
