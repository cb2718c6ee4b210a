"""The read API over the cohort datasets (cohort_helpers.members)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cohort_helpers import DEFAULT_MEMBER, datasets, members

ROOT = Path(__file__).resolve().parents[1]


def test_list_members_and_country_filter():
    allm = members.list_members()
    assert len(allm) == 19 and allm.slug.is_unique
    us, no = members.list_members("US"), members.list_members(country="no")
    assert len(us) == 12 and len(no) == 7
    assert set(us.currency) == {"USD"} and set(no.currency) == {"NOK"}
    assert {
        "population",
        "employees",
        "operating_budget",
        "capital_budget",
        "fiscal_year_start_month",
        "state_or_region",
        "kind",
    } <= set(allm.columns)
    assert (allm.operating_budget > allm.capital_budget).all()
    with pytest.raises(ValueError, match="'US', 'GB' or 'NO'"):
        members.list_members("SE")


def test_member_profile():
    p = members.member_profile(DEFAULT_MEMBER)
    assert isinstance(p, members.MemberProfile)
    assert p.slug == DEFAULT_MEMBER and p.country == "US" and p.kind == "city"
    assert p.fiscal_year_start_month == 7 and p.ledger_years == (2019, 2020, 2021, 2022, 2023)
    assert 170_000 <= p.population <= 190_000 and p.pcard == "file" and p.survey
    n = members.member_profile("aervika")
    assert (
        n.name == "Ærvika kommune" and n.currency == "NOK" and n.chart == "kostra" and n.cooperation
    )
    with pytest.raises(KeyError, match="cedar_valley"):
        members.member_profile("atlantis")


def test_lgo_inventory():
    inv = members.lgo_inventory(DEFAULT_MEMBER)
    assert set(inv.sector) == {
        "buildings",
        "streetlights",
        "fleet",
        "water_wastewater",
        "solid_waste",
    }
    assert set(inv.scope) == {1, 2}
    per_resident = inv.t_co2e.sum() / members.member_profile(DEFAULT_MEMBER).population
    assert 0.2 <= per_resident <= 1.5
    assert (inv.member == DEFAULT_MEMBER).all()
    with pytest.raises(KeyError):
        members.lgo_inventory("nowhere")


def test_residents():
    r = members.residents("tindoy")
    assert r.year.tolist() == [2019, 2020, 2021] and (r.residents > 4000).all()
    assert set(members.residents().member) == set(members.list_members().slug)


def test_ledger_files_match_the_cli_listing():
    f = members.ledger_files()
    listed = datasets.list_ledgers()
    assert list(f.columns) == ["member", "country", "fiscal_year", "ledger", "mapping", "truth"]
    assert len(f) == len(listed) and f.member.tolist() == listed.member.tolist()
    for c in ("ledger", "mapping", "truth"):
        assert all(Path(p).is_absolute() and Path(p).is_file() for p in f[c])
        assert [Path(p).name for p in f[c]] == [Path(p).name for p in listed[c]]
    cv = members.ledger_files(DEFAULT_MEMBER)
    assert set(cv.fiscal_year) == {2019, 2020, 2021, 2022, 2023}
    assert cv.ledger.str.contains("pcard").sum() == 5


def test_load_truth():
    path = members.ledger_files(DEFAULT_MEMBER).truth.iloc[0]
    t = members.load_truth(path)
    assert list(t.columns) == [
        "source_file",
        "source_line",
        "true_status",
        "true_reason",
        "true_naics6",
        "true_capital",
    ]
    assert t.source_line.dtype.kind == "i" and t.true_capital.dtype.kind == "i"
    assert t.true_naics6.map(type).eq(str).all()
    assert (t.loc[t.true_status == "included", "true_reason"] == "").all()
    assert t.true_naics6.str.len().isin([0, 6]).all()


def test_load_truth_rejects_other_files(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a ground-truth file"):
        members.load_truth(bad)


def test_public_table():
    cpi = members.public_table("cpi_u").set_index("year")
    assert cpi.loc[2022, "value"] == pytest.approx(292.655)
    assert members.public_table("nok_per_usd").set_index("year").loc[
        2021, "value"
    ] == pytest.approx(8.5991)
    bench = members.public_table("benchmarks")
    assert "source" in bench and "unit" in bench
    with pytest.raises(KeyError, match="cpi_u"):
        members.public_table("gdp")


def test_missing_datasets_folder_gives_an_actionable_message(tmp_path, monkeypatch):
    monkeypatch.setenv("COHORT_DATASETS_DIR", str(tmp_path / "nope"))
    with pytest.raises(FileNotFoundError, match="cohort datasets build"):
        members.list_members()


def test_datasets_dir_override(tmp_path, monkeypatch):
    folder = tmp_path / "mycohort"
    (folder / "members").mkdir(parents=True)
    members.list_members().head(2).to_csv(folder / "members" / "members.csv", index=False)
    monkeypatch.setenv("COHORT_DATASETS_DIR", str(folder))
    assert len(members.list_members()) == 2
    assert isinstance(members.list_members(root=ROOT / "datasets"), pd.DataFrame)
