"""Sharing that is anonymous by construction: an attacker with the cohort's public figures
tries to re-identify every member-year from its share file, and fails."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import cohort_runner, compare, members, paths

SECRETS = ["Granite", "granite", "Parks", "Smith", "ready mix", "6100-220", "cedar_valley"]
LINES = pd.DataFrame(
    {
        "vendor": ["Granite Rock Co"] * 4 + ["granite rock co."] * 3 + ["Smith"],
        "department": ["Parks"] * 8,
        "account": ["6100-220"] * 8,
        "description": ["ready mix"] * 8,
        "naics6": ["327320"] * 7 + ["541330"],
        "status": "included",
        "amount": [1234.56] * 8,
        "currency": "USD",
        "spend_factor_usd": [1000.0] * 7 + [500.0],
        "kg_co2e": [606.0] * 7 + [50.0],
    }
)


def test_share_file_has_no_names_departments_or_line_amounts(tmp_path):
    out = compare.anonymise(LINES, "cedar_valley")
    assert out.columns.tolist() == list(compare.SHARE_COLUMNS)
    p = compare.write_share(out, tmp_path / "round_robin_share.csv")
    text = p.read_text()
    assert not any(s in text for s in SECRETS)
    assert "1234.56" not in text and "1000" not in text
    assert out["member"].str.fullmatch(r"M-[A-Z2-9]{4}").all()
    # fewer than k=5 payments: merged into "other"
    assert out["category"].tolist() == ["32", "other"]
    assert out["payments"].tolist() == ["5-9", "fewer than 5"]
    assert out["share_spend_pct"].tolist() == [93, 7]
    with pytest.raises(ValueError, match="cannot be shared anonymously"):
        compare.anonymise(LINES, "cedar_valley", keep_lines=True, salt="s")
    with pytest.raises(ValueError, match="Not a table from compare.anonymise"):
        compare.write_share(LINES, tmp_path / "x.csv")


def test_codes_are_random_per_export_not_the_public_order():
    codes = {compare.random_code() for _ in range(200)}
    assert len(codes) > 190
    assert compare.anonymise(LINES, "cedar_valley")["member"].iloc[0] != "cedar_valley"


@pytest.fixture(scope="module")
def cohort(data_dir):
    return cohort_runner.cohort_results(progress=False)


def _public(cohort) -> pd.DataFrame:
    """What anyone knows of every member-year: members.csv and the cohort's named totals."""
    my = cohort.member_years.copy()
    prof = pd.read_csv(paths.datasets_dir() / "members" / "members.csv").set_index("slug")
    my["operating_budget"] = my["member"].map(prof["operating_budget"])
    my["capital_budget"] = my["member"].map(prof["capital_budget"])
    my["t_per_resident"] = my["t_co2e"] / my["residents"]
    my["t_per_employee"] = my["t_co2e"] / my["employees"]
    my["t_per_usd_million"] = my["t_co2e"] / (my["spend_usd"] / 1e6)
    cols = [
        "t_co2e", "spend_usd", "included_spend", "input_spend", "lines", "residents",
        "employees", "operating_budget", "capital_budget", "t_per_resident",
        "t_per_employee", "t_per_usd_million",
    ]  # fmt: skip
    return my.set_index(["member", "fiscal_year"])[cols].astype(float)


def _summary(cohort, member: str, year: int) -> pd.DataFrame:
    c = cohort.categories
    c = c[(c["member"] == member) & (c["fiscal_year"] == year)]
    return c.groupby("naics6")[["lines", "spend_usd", "t_co2e"]].sum()


#: Which public figures a column of a share file can be compared with (same unit).
_SAME_UNIT = {
    "t_co2e": ["t_co2e"],
    "spend": ["spend_usd", "included_spend", "input_spend", "operating_budget"],
    "lines": ["lines"],
    "payments": ["lines"],
    "per_resident": ["t_per_resident"],
    "per_employee": ["t_per_employee"],
    "per_usd_million": ["t_per_usd_million"],
}


def _pick(public: pd.DataFrame, cols: list[str], v: float, tol: float):
    rel = (public[cols] - v).abs() / public[cols].abs()
    close = public.index[rel.lt(tol).any(axis=1).to_numpy()]
    who = set(close.get_level_values("member"))
    return who.pop() if len(who) == 1 else None


def _reidentified(
    share: pd.DataFrame, public: pd.DataFrame, sef: pd.Series, tol: float = 0.03, tol_est=0.1
):
    """The member the attacker picks, or None.

    1. Every number of the file, and each column's sum, against the public
       figures in the same unit (a column ``t_co2e...`` against the members'
       totals, ``spend...`` against spend and budgets ...).
    2. The member's overall intensity estimated from the shares and the
       public national factor of each subsector, against every member's
       published t CO2e per million USD (within ``tol_est``: the estimate's
       own typical error at sector level).

    A member is picked when every member-year within ``tol`` (relative) of
    some figure is that member's (its years are alike: finding the member is
    enough).
    """
    for col in share.select_dtypes("number").columns:
        cols = next((v for k, v in _SAME_UNIT.items() if k in col), None)
        if not cols:
            continue
        for v in [float(share[col].sum()), *share[col].astype(float)]:
            if v and (who := _pick(public, cols, v, tol)):
                return who
    if {"share_spend_pct", "share_emissions_pct"} <= set(share.columns):
        f = share["category"].map(sef).astype(float)
        ok = f.notna() & (f > 0)
        s, e = share.loc[ok, "share_spend_pct"], share.loc[ok, "share_emissions_pct"]
        for est in (
            float((s * f[ok]).sum() / s.sum() * 1000),
            float(e.sum() / (e / f[ok]).sum() * 1000),
        ):
            if np.isfinite(est) and (who := _pick(public, ["t_per_usd_million"], est, tol_est)):
                return who
    return None


@pytest.fixture(scope="module")
def sef_by_subsector(data_dir) -> pd.Series:
    from cohort_helpers import data

    sef = data.read_sef()
    return sef.groupby(sef["naics6"].str[:2])["sef_with_margins"].mean()


def test_the_share_file_does_not_reidentify_any_member_year(cohort, sef_by_subsector):
    public = _public(cohort)
    hits = []
    for member, year in public.index:
        share = compare.anonymise(
            _summary(cohort, member, year), member, member_code=cohort.member_code(member)
        )
        if _reidentified(share, public, sef_by_subsector) == member:
            hits.append((member, year))
    assert hits == [], f"re-identified: {hits}"


def test_the_attack_works_on_rounded_totals(cohort, sef_by_subsector):
    """The attack is not toothless: with totals (even at 2 significant figures) most
    member-years are found, which is why the default file carries none."""
    public = _public(cohort)
    found = 0
    for member, year in public.index:
        share = compare.anonymise(_summary(cohort, member, year), member, include_totals=True)
        found += _reidentified(share, public, sef_by_subsector) == member
    assert found >= len(public) // 2


def test_codes_differ_between_exports_and_chart_names_only_on_opt_in(cohort):
    again = compare.CohortResults(
        cohort.categories, cohort.member_years, cohort.settings, cohort.key
    )
    ms = cohort.members()
    assert [cohort.member_code(m) for m in ms] != [again.member_code(m) for m in ms]
    assert len({cohort.member_code(m) for m in ms}) == len(ms)
    names = set(cohort.normalised()["name"])
    me = ms[0]
    my_name = cohort.normalised().at[me, "name"]
    view = cohort.public_view(me)
    assert set(view["name"]) & names == {my_name}
    chart = cohort.chart("t_per_resident", me)
    text = " ".join(
        [t.get_text() for ax in chart.fig.axes for t in ax.get_yticklabels()]
        + [chart.caption, chart.alt_text]
    )
    assert my_name in text
    assert not [n for n in names - {my_name} if n in text]
    named = cohort.chart("t_per_resident", me, names=True)
    text = " ".join(t.get_text() for ax in named.fig.axes for t in ax.get_yticklabels())
    assert sum(n in text for n in names) == len(names)
    assert members.member_profile(me).name == my_name
    assert np.isfinite(view["t_per_resident"]).all()
