"""Every real export in ``../shared/realdata/ledgers`` read with the mapping the suggester
proposes: rows read and spend read match the corpus README to the cent."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml
from realdata import EXPECTED, LEDGERS

from cohort_helpers import ledger as L

pytestmark = pytest.mark.skipif(
    not LEDGERS.is_dir(), reason="../shared/realdata is not beside the checkout"
)
FIXTURES = Path(__file__).parent / "fixtures" / "real_mappings"
#: Files whose suggested mapping a user edits (one or two lines, see docs/MAPPING.md).
EDITED = {p.stem for p in FIXTURES.glob("*.yaml")}


def read(name: str, mapping) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", L.LedgerWarning)
        return L.read_ledger(LEDGERS / name, mapping)


@pytest.fixture(scope="module")
def suggested() -> dict[str, L.Suggestion]:
    return {name: L.suggest(LEDGERS / name, e["country"]) for name, e in EXPECTED.items()}


def test_the_corpus_has_the_thirteen_files():
    assert sorted(p.name for p in LEDGERS.iterdir() if p.is_file()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_suggested_mapping_reads_the_file_to_the_cent(name, suggested):
    exp = EXPECTED[name]
    sugg = suggested[name]
    assert sugg.problem is None, sugg.problem
    # the YAML written for the user is the same mapping (comments aside)
    assert yaml.safe_load(sugg.to_yaml()) == sugg.mapping
    df = read(name, sugg.mapping)
    r = df.attrs["reader"][name]
    assert r["rows_read"] == len(df) == exp["rows"]
    assert round(r["spend_read"], 2) == exp["spend"]
    assert round(df["amount"].sum(), 2) == pytest.approx(exp["spend"], abs=0.005)
    assert r["blank_rows"] == exp.get("blank_rows", 0)
    assert r["summary_rows"] == exp.get("summary_rows", 0)
    assert (df["read_note"] == "summary_row").sum() == exp.get("summary_rows", 0)
    assert list(df.columns) == L.CANONICAL_COLUMNS
    assert df["fiscal_year"].notna().all()
    # the preview the command prints says the same
    assert sugg.reader["rows_read"] == exp["rows"]
    assert f"rows read {exp['rows']:,}" in sugg.report()


def test_at_least_nine_suggestions_are_used_unedited(suggested):
    unedited = [n for n in EXPECTED if n.rsplit(".", 1)[0] not in EDITED]
    assert len(unedited) >= 9
    assert all(suggested[n].problem is None for n in unedited)


@pytest.mark.parametrize("stem", sorted(EDITED))
def test_edited_mappings_differ_from_the_suggestion_by_one_or_two_lines(stem, suggested):
    name = next(n for n in EXPECTED if n.rsplit(".", 1)[0] == stem)
    edited = yaml.safe_load((FIXTURES / f"{stem}.yaml").read_text())
    sugg = suggested[name].mapping
    changed = [
        k for k in set(sugg) | set(edited) if k != "columns" and sugg.get(k) != edited.get(k)
    ]
    cols_s, cols_e = sugg["columns"], edited["columns"]
    changed += [k for k in set(cols_s) | set(cols_e) if cols_s.get(k) != cols_e.get(k)]
    assert 1 <= len(changed) <= 2, changed
    df = read(name, FIXTURES / f"{stem}.yaml")
    assert len(df) == EXPECTED[name]["rows"]
    assert round(df["amount"].sum(), 2) == EXPECTED[name]["spend"]


def test_tameside_summary_rows_are_kept_and_marked(suggested):
    name = "uk_tameside-council_2014-09.csv"
    df = read(name, suggested[name].mapping)
    plain = df[df["read_note"].isna()]
    assert round(plain["amount"].sum(), 2) == EXPECTED[name]["spend_without_summary"]
    summary = df[df["read_note"] == "summary_row"]
    assert sorted(summary["amount"].round(2)) == [80_721.93, 369_283.24, 7_815_670.80]
    assert summary["date"].isna().all()
    assert (summary["fiscal_year"] == 2015).all()  # the file's year (Sep 2014, April start)


@pytest.mark.parametrize("name", [n for n in EXPECTED if n.startswith("no_")])
def test_norwegian_accounts_derive_the_kostra_art(name, suggested):
    m = suggested[name].mapping
    assert m["period"] == 2011 and m["columns"]["amount"] == "rekneskap_2011"
    assert "vendor" not in m["columns"] and "date" not in m["columns"]
    df = read(name, m)
    assert df["account"].str.fullmatch(r"\d{3}").all()
    assert df["date"].isna().all() and (df["fiscal_year"] == 2011).all()
    assert df["account_name"].notna().all()
    spend = df.loc[df["account"].str[0].isin(list("012345")), "amount"].sum()
    assert round(spend, 2) == EXPECTED[name]["expenditure_0_5"]
    if "arts" in EXPECTED[name]:
        assert df["account"].nunique() == EXPECTED[name]["arts"]
    # Forde: konto 100 (Fast løn) is art 010; Sogndal: 10100 is art 010
    assert "010" in set(df["account"])


def test_leeds_pcard_and_roles(suggested):
    name = "uk_leeds-city-council_2020-06.csv"
    m = suggested[name].mapping
    assert m["columns"]["vendor"] == "Beneficiary Name"
    assert m["columns"]["date"] == "Payment Date"
    assert m["columns"]["account_name"] == "Purpose"
    assert m["encoding"] == "cp1252"
    df = read(name, m)
    assert df["pcard"].sum() == EXPECTED[name]["pcard_rows"]
    assert round(df.loc[df["pcard"], "amount"].sum(), 2) == EXPECTED[name]["pcard_spend"]
    assert df["capital_flag"].sum() == 457  # "C" rows


@pytest.mark.parametrize(
    "name, roles",
    [
        ("uk_devon-county-council_2025-10.csv", ("account", "account_name", "department")),
        ("uk_devon-county-council_2024-03.csv", ("account", "account_name", "invoice")),
        ("uk_oxford-city-council_2017-Q4.csv", ("account", "account_name", "capital_flag")),
        ("uk_trafford-council_2014-09.csv", ("account", "account_name", "description")),
        ("uk_stockport-council_2014-09.xls", ("account_name", "department", "payment_id")),
        ("uk_tameside-council_2014-09.csv", ("account_name", "department", "payment_id")),
    ],
)
def test_uk_suggestions_keep_account_names_and_departments(name, roles, suggested):
    cols = suggested[name].mapping["columns"]
    assert all(r in cols for r in roles), cols
    df = read(name, suggested[name].mapping)
    for r in roles:
        filled = df[r].mean() if df[r].dtype == "boolean" else df[r].notna().mean()
        assert filled > (0.01 if r == "capital_flag" else 0.5), r


def test_headerless_us_files_join_the_extra_commas(suggested):
    name = "us_columbia-sc-city_2013-04.txt"
    m = suggested[name].mapping
    assert m["header"] == "none" and m["ragged"] == {"join": "vendor"}
    df = read(name, m)
    assert df.attrs["reader"][name]["ragged_rows"] == 292
    assert "BENDECK, KATHRYN N." in set(df["vendor"])
    name = "us_richland-county-sc_2013-04.txt"
    df = read(name, FIXTURES / "us_richland-county-sc_2013-04.yaml")
    assert (df["read_note"] == "mapping_filter").sum() == 1_170  # the TR rows
    assert "AITKEN, JAMES JEFFREY" in set(df["vendor"])
    assert set(df["status_text"].dropna()) == {"IS", "CX"}


def test_files_without_dates_get_their_fiscal_year(suggested):
    dallas = suggested["us_dallas-isd-tx_FY2022-FY2025-vendor-totals.csv"].mapping
    assert dallas["period"] == "FY2022-FY2025"
    df = read("us_dallas-isd-tx_FY2022-FY2025-vendor-totals.csv", dallas)
    assert df["date"].isna().all() and (df["fiscal_year"] == 2025).all()
    mh = suggested["us_marblehead-ma-town_FY2026-ytd-vendor-totals.csv"].mapping
    assert mh["columns"]["fiscal_year"] == "fiscal_year"
    df = read("us_marblehead-ma-town_FY2026-ytd-vendor-totals.csv", mh)
    assert (df["fiscal_year"] == 2026).all()


def test_stockport_month_dates_and_float_transaction_numbers(suggested):
    name = "uk_stockport-council_2014-09.xls"
    m = suggested[name].mapping
    assert m["date_format"] == "%b %Y"
    df = read(name, m)
    assert (df["date"] == pd.Timestamp("2014-09-01")).all()
    assert df["payment_id"].str.fullmatch(r"\d+").all()  # 1900502872.0 -> "1900502872"
