"""Round robin: normalisation, position, benchmarks, year-over-year drivers, sharing."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohort_helpers import compare
from cohort_helpers.plots import Chart

# ---------------------------------------------------------------- normalise


def _results_profiles():
    results = pd.DataFrame(
        {
            "member": ["cedar_valley", "fjordvik"],
            "t_co2e": [12_000.0, 4_200.0],
            "spend_usd": [30e6, 10e6],
            "currency": ["USD", "NOK"],
            "spend_local": [np.nan, 96.137e6],
        }
    )
    profiles = pd.DataFrame(
        {
            "member": ["fjordvik", "cedar_valley"],
            "population": [14_000, 48_000],
            "employees": [1_050, 600],
        }
    )
    return results, profiles


def test_normalise_known_numbers():
    n = compare.normalise(*_results_profiles())
    assert n.loc["cedar_valley", "t_per_resident"] == pytest.approx(0.25)
    assert n.loc["cedar_valley", "t_per_employee"] == pytest.approx(20.0)
    assert n.loc["cedar_valley", "t_per_usd_million"] == pytest.approx(400.0)
    assert n.loc["fjordvik", "t_per_resident"] == pytest.approx(0.3)
    assert n.loc["fjordvik", "t_per_employee"] == pytest.approx(4.0)
    assert n.loc["fjordvik", "t_per_usd_million"] == pytest.approx(420.0)
    # NOK member: per NOK million of its own (nominal) spend
    assert n.loc["fjordvik", "currency"] == "NOK"
    assert n.loc["fjordvik", "t_per_local_million"] == pytest.approx(4_200 / 96.137)
    # USD member without a local column value: local = USD
    assert n.loc["cedar_valley", "t_per_local_million"] == pytest.approx(400.0)


def test_normalise_by_year_and_without_currency():
    results = pd.DataFrame(
        {
            "member": ["a", "a"],
            "year": [2021, 2022],
            "t_co2e": [100.0, 90.0],
            "spend_usd": [1e6, 1e6],
        }
    )
    profiles = pd.DataFrame(
        {
            "member": ["a", "a"],
            "year": [2021, 2022],
            "population": [1000, 900],
            "employees": [10, 9],
        }
    )
    n = compare.normalise(results, profiles)
    assert n.loc[("a", 2022), "t_per_resident"] == pytest.approx(0.1)
    assert "t_per_local_million" not in n


def test_normalise_errors_name_the_problem():
    results, profiles = _results_profiles()
    with pytest.raises(ValueError, match="No profile.*fjordvik"):
        compare.normalise(results, profiles.iloc[[1]])
    with pytest.raises(ValueError, match="population must be a positive"):
        compare.normalise(results, profiles.assign(population=[0, 48_000]))
    with pytest.raises(ValueError, match="needs the column"):
        compare.normalise(results.drop(columns="spend_usd"), profiles)


# ---------------------------------------------------------------- position


def test_explain_position_pure_size_and_exact_sum():
    cohort = pd.DataFrame(
        {"spend_usd": [100.0, 300.0], "t_co2e": [60.0, 30.0]}, index=["327320", "541611"]
    )
    member = cohort * 2  # same mix and intensity, twice the spend per resident
    pos = compare.explain_position(member, cohort, member_population=100.0, cohort_population=100.0)
    assert pos.mix == 0.0 and pos.intensity == 0.0
    assert pos.size == pytest.approx(pos.difference) == pytest.approx(0.9)


def test_explain_position_mixed_case_sums_and_handles_one_sided_categories():
    cohort = pd.DataFrame(
        {"spend_usd": [500.0, 300.0, 200.0], "t_co2e": [300.0, 30.0, 50.0]},
        index=["327320", "541611", "336112"],
    )
    member = pd.DataFrame(
        {"spend_usd": [50.0, 90.0, 20.0], "t_co2e": [20.0, 10.0, 1.0]},
        index=["327320", "541611", "334111"],  # 336112 only in cohort, 334111 only in member
    )
    pos = compare.explain_position(
        member, cohort, member_population=120.0, cohort_population=1000.0
    )
    assert pos.member_t_per_resident == pytest.approx(31.0 / 120.0)
    assert pos.cohort_t_per_resident == pytest.approx(0.38)
    assert pos.size + pos.mix + pos.intensity == pytest.approx(pos.difference, rel=1e-12)
    # a category only one side buys has no intensity effect
    assert pos.by_category.loc["336112", "intensity"] == 0.0
    assert pos.by_category.loc["334111", "intensity"] == 0.0
    assert isinstance(pos.chart("Harbor Point"), Chart)
    assert "t per resident" in str(pos)


# ---------------------------------------------------------------- benchmarks


def _bundled():
    return compare.benchmarks()


def test_bundled_benchmarks_table():
    b = _bundled().set_index("benchmark_id")
    assert list(_bundled().columns) == compare.BENCHMARK_COLUMNS + ["scope"]
    assert b.loc["london_boroughs_intensity", ["value", "low", "high"]].tolist() == [
        337.0, 167.0, 674.0,
    ]  # fmt: skip
    assert b.loc["king_county_dnrp_intensity", ["value", "unit"]].tolist() == [
        0.39, "kg CO2e per USD",
    ]  # fmt: skip
    assert b.loc["norway_public_procurement_intensity", "value"] == 21.0
    assert b.loc["supply_chain_vs_direct", "value"] == 5.5
    assert b.loc["sef_v13_max", "kind"] == "factor"
    assert b.loc["norway_public_procurement_intensity", "kind"] == "organisation"
    # a figure without its own caveat gets its scope as the caveat
    assert b.loc["king_county_dnrp_spend", "caveats"] == "Scope: one county department."
    assert b.loc["norway_municipal_per_resident", "caveats"].startswith("Whole municipal")


def test_benchmarks_read_from_file_and_errors(tmp_path):
    good = tmp_path / "benchmarks.csv"
    pd.DataFrame(
        {"name": ["X"], "value": [100.0], "unit": ["t/GBP million"], "caveats": ["c"]}
    ).to_csv(good, index=False)
    b = compare.benchmarks(good)
    assert b.attrs["source"] == str(good)
    assert b.loc[0, "benchmark"] == "X" and b.loc[0, "value"] == 100.0
    bad = tmp_path / "other.csv"
    pd.DataFrame({"figure": ["X"], "number": [1]}).to_csv(bad, index=False)
    with pytest.raises(ValueError, match="other.csv lacks the columns value, unit and benchmark"):
        compare.benchmarks(bad)
    with pytest.raises(FileNotFoundError, match="No benchmarks file"):
        compare.benchmarks(tmp_path / "none.csv")


def test_gbp_to_usd_uses_the_given_rate():
    common = {"table": _bundled(), "rates_path": "/nonexistent.csv"}
    t = compare.compare_to_benchmarks(300.0, "t/USD million", 2021, usd_per_gbp=1.3757, **common)
    row = t.set_index("benchmark_id").loc["london_boroughs_intensity"]
    assert row["value_converted"] == pytest.approx(337.0 / 1.3757)
    assert row["low_converted"] == pytest.approx(167.0 / 1.3757)
    assert row["position"] == "within range"
    assert "usd_per_gbp=1.3757 (given)" in row["conversion"]
    assert "Price year" in row["caveats"] and "2010" in row["caveats"]
    t2 = compare.compare_to_benchmarks(300.0, "t/USD million", 2022, usd_per_gbp=1.2369, **common)
    assert t2.set_index("benchmark_id").loc[
        "london_boroughs_intensity", "value_converted"
    ] == pytest.approx(337.0 / 1.2369)
    # only intensity benchmarks are compared with an intensity
    assert "norway_municipal_per_resident" not in t["benchmark_id"].tolist()


def test_nok_and_kg_units_and_missing_rates():
    common = {"table": _bundled(), "rates_path": "/nonexistent.csv"}
    t = compare.compare_to_benchmarks(0.3, "kg/USD", 2022, nok_per_usd=9.6137, **common)
    t = t.set_index("benchmark_id")
    assert t.loc["king_county_dnrp_intensity", "value_converted"] == pytest.approx(0.39)
    assert t.loc["norway_public_procurement_intensity", "value_converted"] == pytest.approx(
        21 * 9.6137 / 1000
    )
    assert math.isnan(t.loc["london_boroughs_intensity", "value_converted"])
    assert "usd_per_gbp" in t.loc["london_boroughs_intensity", "conversion"]
    # a NOK member compares directly with the Norwegian figure
    t = compare.compare_to_benchmarks(25.0, "t/NOK million", 2021, **common).set_index(
        "benchmark_id"
    )
    assert t.loc["norway_public_procurement_intensity", "value_converted"] == 21.0
    r = compare.compare_to_benchmarks(1.2, "t/resident", 2021, **common)
    assert r["position"].tolist() == ["within range"]
    with pytest.raises(ValueError, match="Unknown unit"):
        compare.compare_to_benchmarks(1.0, "furlongs", 2021, **common)


def test_rates_from_file_when_not_given(tmp_path):
    """The file is read by adjust.exchange_rates (the one rate reader), in its layouts."""
    rates = tmp_path / "exchange_rates.csv"
    pd.DataFrame({"year": [2021, 2022], "USD per GBP": [1.3757, 1.2369]}).to_csv(
        rates, index=False
    )
    t = compare.compare_to_benchmarks(
        300.0, "t/USD million", 2022, table=_bundled(), rates_path=rates
    )
    row = t.set_index("benchmark_id").loc["london_boroughs_intensity"]
    assert row["value_converted"] == pytest.approx(337.0 / 1.2369)
    assert "exchange_rates.csv, 2022" in row["conversion"]
    long = tmp_path / "long.csv"
    pd.DataFrame(
        {"year": [2022, 2022], "currency": ["GBP", "NOK"], "units_per_usd": [0.8, 9.6137]}
    ).to_csv(long, index=False)
    t = compare.compare_to_benchmarks(
        300.0, "t/USD million", 2022, table=_bundled(), rates_path=long
    )
    t = t.set_index("benchmark_id")
    assert t.loc["london_boroughs_intensity", "value_converted"] == pytest.approx(337.0 * 0.8)
    assert t.loc["norway_public_procurement_intensity", "value_converted"] == pytest.approx(
        21 * 9.6137
    )
    odd = tmp_path / "odd.csv"
    pd.DataFrame({"year": [2022], "gbp": [1.2]}).to_csv(odd, index=False)
    with pytest.raises(ValueError, match="not understood"):
        compare.compare_to_benchmarks(
            300.0, "t/USD million", 2022, table=_bundled(), rates_path=odd
        )


# ---------------------------------------------------------------- year over year


def _year(rows: dict[str, tuple[float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=["nominal_spend", "spend_factor_usd", "t_co2e"]
    )


Y0 = _year(
    {
        "327320": (1_000_000.0, 950_000.0, 575.7),
        "541611": (2_000_000.0, 1_900_000.0, 148.2),
        "336112": (500_000.0, 480_000.0, 128.6),
    }
)


def _check_exact(d: compare.YoYDecomposition) -> None:
    scale = max(abs(d.t0), abs(d.t1), 1e-300)
    total = d.volume + d.mix + d.price + d.factor
    assert abs(total - d.change) <= 1e-9 * scale
    per_cat = d.by_category[["volume", "mix", "price", "factor"]].sum(axis=1)
    assert np.allclose(per_cat, d.by_category["change"], rtol=0, atol=1e-9 * scale)


def test_identical_years_give_zero_effects():
    d = compare.decompose_yoy(Y0, Y0.copy())
    assert (d.volume, d.mix, d.price, d.factor, d.change) == (0.0, 0.0, 0.0, 0.0, 0.0)


def test_pure_volume_change_is_all_volume():
    d = compare.decompose_yoy(Y0, Y0 * 2)
    assert d.mix == 0.0 and d.price == 0.0 and d.factor == 0.0
    assert d.volume == pytest.approx(d.change, rel=1e-12)
    assert d.change == pytest.approx(Y0["t_co2e"].sum())


def test_factor_and_price_changes_land_in_their_effects():
    y1 = Y0.copy()
    y1["t_co2e"] = Y0["t_co2e"] * 0.9  # every factor -10%
    d = compare.decompose_yoy(Y0, y1)
    assert d.volume == 0.0 and d.mix == 0.0 and d.price == 0.0
    assert d.factor == pytest.approx(-0.1 * Y0["t_co2e"].sum())
    y2 = Y0.copy()
    y2[["spend_factor_usd", "t_co2e"]] = Y0[["spend_factor_usd", "t_co2e"]] * 0.95  # inflation
    d = compare.decompose_yoy(Y0, y2)
    assert d.volume == 0.0 and d.mix == 0.0
    assert abs(d.factor) < 1e-9 * d.t0  # t/sf is unchanged up to rounding
    assert d.price == pytest.approx(-0.05 * Y0["t_co2e"].sum())


def test_category_in_one_year_only_and_empty_year():
    y1 = _year({"327320": (1_000_000.0, 950_000.0, 575.7), "322121": (50_000.0, 48_000.0, 31.2)})
    d = compare.decompose_yoy(Y0, y1, labels=(2021, 2022))
    _check_exact(d)
    assert d.by_category.loc["322121", "price"] == 0.0
    assert d.by_category.loc["322121", "factor"] == 0.0
    assert d.by_category.loc["541611", "factor"] == 0.0
    empty = _year({"327320": (0.0, 0.0, 0.0)})
    d = compare.decompose_yoy(empty, Y0)
    _check_exact(d)
    assert d.volume == pytest.approx(Y0["t_co2e"].sum())


def test_decomposition_chart_and_errors():
    d = compare.decompose_yoy(Y0, Y0 * 1.1, labels=(2021, 2022))
    c = d.chart()
    assert isinstance(c, Chart)
    assert c.alt_text.startswith("Waterfall chart") and "ends at 2022" in c.alt_text
    bad = _year({"327320": (0.0, 0.0, 5.0)})
    with pytest.raises(ValueError, match="no nominal spend"):
        compare.decompose_yoy(Y0, bad)
    with pytest.raises(ValueError, match="needs the column"):
        compare.decompose_yoy(Y0.drop(columns="t_co2e"), Y0)


@st.composite
def _two_years(draw):
    n = draw(st.integers(1, 7))
    pos = st.floats(1.0, 1e7, allow_nan=False)
    defl = st.floats(0.5, 2.0)
    kg = st.floats(0.0, 4.0)
    rows0, rows1 = {}, {}
    for i in range(n):
        code = f"{100000 + i}"
        where = draw(st.sampled_from(["both", "only0", "only1", "zero_row0", "zero_row1"]))
        for y, rows in ((0, rows0), (1, rows1)):
            absent = (where == "only0" and y == 1) or (where == "only1" and y == 0)
            zero = (where == "zero_row0" and y == 0) or (where == "zero_row1" and y == 1)
            if absent:
                continue
            if zero:
                rows[code] = (0.0, 0.0, 0.0)
                continue
            nominal = draw(pos)
            sf = nominal * draw(defl)
            rows[code] = (nominal, sf, sf * draw(kg) / 1000)
    return _year(rows0) if rows0 else _year({"999999": (0.0, 0.0, 0.0)}), (
        _year(rows1) if rows1 else _year({"999999": (0.0, 0.0, 0.0)})
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_two_years())
def test_decomposition_sums_exactly(years):
    y0, y1 = years
    d = compare.decompose_yoy(y0, y1)
    _check_exact(d)
    assert d.change == pytest.approx(y1["t_co2e"].sum() - y0["t_co2e"].sum(), abs=1e-9)


# ---------------------------------------------------------------- sharing

LINES = pd.DataFrame(
    {
        "source_file": ["cedar_valley_ap_2022.csv"] * 4,
        "source_line": [2, 3, 4, 5],
        "vendor": [
            "Granite Ready Mix LLC",
            "granite ready mix llc",
            "Dr. Smith Consulting",
            "City Payroll",
        ],
        "description": ["32 yd3 ready mix", "curb pour", "Strategy for Mayor Jones", "salaries"],
        "department": ["Public Works", "Public Works", "Executive", "HR"],
        "naics6": ["327320", "327320", "541611", pd.NA],
        "status": ["included", "included", "included", "excluded"],
        "reason": ["", "", "", "payroll_benefits"],
        "amount": [10_000.0, 5_000.0, 20_000.0, 90_000.0],
        "currency": ["USD"] * 4,
        "spend_factor_usd": [9_500.0, 4_750.0, 19_000.0, 0.0],
        "kg_co2e": [5_757.0, 2_878.5, 1_482.0, 0.0],
    }
)
SECRETS = ["Granite", "granite", "Smith", "Mayor", "Jones", "ready mix", "curb", "cedar_valley"]


def test_anonymised_summary_has_no_vendor_or_description():
    out = compare.anonymise(LINES, "cedar_valley", member_code="M-TEST")
    text = out.to_csv()
    assert not any(s in text for s in SECRETS)
    assert out["member"].unique().tolist() == ["M-TEST"]
    assert "vendor" in out.attrs["dropped_columns"]
    # no absolute figure by default; rounded totals only on request
    assert "t_co2e" not in text and "spend_usd" not in text
    with_totals = compare.anonymise(LINES, "cedar_valley", include_totals=True, k=1, by="naics6")
    assert with_totals.set_index("category").loc["327320", "t_co2e_2sf"] == pytest.approx(8.6)


def test_line_detail_is_not_shareable():
    with pytest.raises(ValueError, match="cannot be shared anonymously"):
        compare.anonymise(LINES, "cedar_valley", keep_lines=True, salt="s3cret")


def test_anonymise_summary_table():
    summary = pd.DataFrame(
        {"lines": [6], "spend_usd": [14_250.0], "t_co2e": [8.6], "vendor_note": ["Granite"]},
        index=pd.Index(["327320"], name="naics6"),
    )
    out = compare.anonymise(summary, "cedar_valley", member_code="M-TEST")
    assert out.columns.tolist() == list(compare.SHARE_COLUMNS)
    assert out[["category", "payments", "share_emissions_pct"]].values.tolist() == [
        ["32", "5-9", 100]
    ]
    by_vendor = summary.rename_axis("vendor")
    with pytest.raises(ValueError, match="summary by vendor"):
        compare.anonymise(by_vendor, "cedar_valley")
    with pytest.raises(ValueError, match="'lines' column"):
        compare.anonymise(summary.drop(columns="lines"), "cedar_valley")


def test_joint_agreement_share():
    lines = pd.DataFrame(
        {
            "member": ["fjordvik", "fjordvik", "fjordvik", "dalby", "dalby"],
            "fiscal_year": [2020, 2020, 2021, 2020, 2020],
            "amount": [600.0, 400.0, 50.0, 100.0, 300.0],
            "currency": ["NOK"] * 5,
            "status": ["included"] * 4 + ["excluded"],
            "joint_agreement": [True, False, pd.NA, True, True],
        }
    )
    out = compare.joint_agreement_share(lines)
    assert out.loc[("fjordvik", 2020), "joint_share"] == pytest.approx(0.6)
    assert out.loc[("fjordvik", 2021), "joint_share"] == 0.0
    assert out.loc[("fjordvik", 2021), "unknown_spend"] == 50.0
    assert out.loc[("dalby", 2020), "spend"] == 100.0  # excluded line left out
    with pytest.raises(ValueError, match="joint_agreement"):
        compare.joint_agreement_share(lines.drop(columns="joint_agreement"))


def test_no_warnings_from_the_bundled_benchmarks():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _bundled()
