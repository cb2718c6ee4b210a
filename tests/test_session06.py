"""Session 6 on real cohort data: no-change scenarios, survey quantities, hybrid, brief, homework
checks."""

from __future__ import annotations

import pandas as pd
import pytest

from cohort_helpers import factors, policy
from cohort_helpers.course import checks
from cohort_helpers.course.homework import session06

MEMBER = "cedar_valley"


@pytest.fixture(scope="module")
def base():
    summary, baseline_t, year = session06.baseline(MEMBER)
    return summary, baseline_t, year


@pytest.fixture(scope="module")
def lines():
    from cohort_helpers import inventory

    return inventory.member_inventory(MEMBER, n_draws=0).lines


# ---------------------------------------------------------------- scenarios


def test_a_scenario_that_changes_nothing_gives_the_baseline_exactly(base):
    summary, baseline_t, _ = base
    m = policy.load_measures()
    assert baseline_t == float(summary["t_co2e"].sum())
    for measures, year in (
        (None, 2030),
        (m.assign(adoption_share=0.0), 2030),
        (m.assign(change=0.0), 2030),
        (m, 2024),  # before every start year
    ):
        r = policy.apply_scenario(summary, measures, year)
        assert r.scenario_t == r.baseline_t == summary["t_co2e"].sum()
        assert (r.wedges == 0).all()
    path = policy.scenario_path(summary, m.assign(adoption_share=0.0), range(2023, 2031))
    assert (path == summary["t_co2e"].sum()).all()


def test_scenario_path_starts_measures_in_their_year_and_ends_at_the_scenario(base):
    summary, baseline_t, year = base
    m = policy.load_measures()
    p = policy.scenario_path(summary, m, range(year, 2031))
    assert p.loc[2024] == baseline_t  # nothing starts before 2025
    assert p.loc[2030] == policy.apply_scenario(summary, m, 2030).scenario_t
    assert p.loc[2025] != p.loc[2026]  # the fleet measure starts in 2026
    target = policy.target_path(baseline_t, year, 2030, 0.5)
    chart = policy.target_chart(target, p)
    assert "above the target path" in chart.caption and "Line chart" in chart.alt_text


def test_waterfall_zooms_in_on_small_steps_and_says_so(base):
    summary, _, _ = base
    r = policy.apply_scenario(summary, policy.load_measures(), 2030)
    chart = r.chart()
    bottom, top = chart.fig.axes[0].get_ylim()
    assert bottom > 0 and "not at zero" in chart.caption
    assert top > r.baseline_t
    big = policy.apply_scenario(
        summary,
        pd.DataFrame(
            [
                {
                    "measure_id": "all",
                    "name": "Everything",
                    "category_codes": ";".join(str(d) for d in range(10, 100)),
                    "change_type": "spend",
                    "change": -0.5,
                    "adoption_share": 1.0,
                    "start_year": 2025,
                }
            ]
        ),
        2030,
    )
    assert big.chart().fig.axes[0].get_ylim()[0] == pytest.approx(0.0, abs=1e-6)


# ---------------------------------------------------------------- quantities, hybrid


def test_convert_and_parse_quantities():
    assert policy.convert_quantity(1.0, "cubic yards", "m3") == pytest.approx(0.764554857984)
    assert policy.convert_quantity(2.0, "short tons", "t") == pytest.approx(1.81436948)
    with pytest.raises(ValueError, match="Unknown unit 'barrels'"):
        policy.convert_quantity(1.0, "barrels", "m3")
    with pytest.raises(ValueError, match="Cannot convert"):
        policy.convert_quantity(1.0, "m3", "t")
    parse = policy._parse_answer
    assert parse("19,463 short tons") == 19463.0
    assert parse("approx 1158723") == 1158723.0
    assert parse(2691.4) == 2691.4
    assert pd.isna(parse("n/a - ask Finance")) and pd.isna(parse(None))


def test_survey_quantities_convert_the_unit_each_department_wrote():
    cedar = policy.survey_quantities(MEMBER, "Q07", "m3")
    assert len(cedar) == 7  # seven departments returned the survey
    got = cedar[cedar["quantity"] > 0]
    assert got["department"].tolist() == ["Public Works - Streets"]
    assert got["quantity"].item() == pytest.approx(2943 * 0.764554857984)
    marlowe = policy.survey_quantities("marlowe_county", "Q07", "m3")
    m3 = marlowe[marlowe["quantity"] > 0]
    assert m3["reported_unit"].tolist() == ["m3"] and m3["quantity"].item() == 2691.4
    yd3 = policy.survey_quantities(MEMBER, "Q07", "cubic yards")
    assert yd3["quantity"].max() == pytest.approx(2943.0)
    assert policy.survey_quantities("northgate").empty  # no survey returns


def test_hot_spot_quantity_from_the_survey_compares_the_same_departments(lines):
    q = policy.hot_spot_quantity(lines, MEMBER)
    assert q.source == "survey" and q.unit == "m3"
    assert q.quantity == pytest.approx(2943 * 0.764554857984)
    streets = lines[
        (lines["status"] == "included")
        & (lines["naics6"] == "327320")
        & (lines["department"] == "Public Works - Streets")
    ]
    assert q.spend_based_t == pytest.approx(streets["kg_co2e"].sum() / 1000)
    assert q.spend_usd == pytest.approx(streets["spend_factor_usd"].sum())
    assert "Public Works - Streets" in q.note and "Survey" in q.note
    h = policy.hybrid(q.spend_based_t, q.quantity, q.unit, 300.0, label="Ready-mix")
    assert h.supplier_specific_t == pytest.approx(q.quantity * 0.3)


def test_hot_spot_quantity_without_survey_is_labelled_assumed():
    lines = pd.DataFrame(
        {
            "status": ["included", "included", "excluded"],
            "naics6": ["327320", "327320", "327320"],
            "department": ["310 - Road & Bridge", "Parks", "Parks"],
            "spend_factor_usd": [30_000.0, 10_000.0, 5_000.0],
            "kg_co2e": [18_180.0, 6_060.0, 3_030.0],
        }
    )
    q = policy.hot_spot_quantity(lines, "northgate", assumed_price_per_unit=200.0)
    assert q.source == "assumed" and q.quantity == pytest.approx(200.0)
    assert q.spend_based_t == pytest.approx(24.24)
    assert q.note.startswith("ASSUMED quantity") and "USD 200 per m3" in q.note
    none = policy.hot_spot_quantity(lines.iloc[0:0], "northgate")
    assert none.quantity == 0.0 and "nothing to replace" in none.note
    h = policy.hybrid(none.spend_based_t, none.quantity, "m3", 300.0)
    assert h.supplier_specific_t == 0.0 and "no quantity" in h.note


def test_department_names_match_across_ledger_and_survey():
    keys = policy._dept_key(pd.Series(["310 - Road & Bridge", "Road and Bridge", "Parks & Rec."]))
    assert keys.tolist() == ["roadandbridge", "roadandbridge", "parksandrec"]


# ---------------------------------------------------------------- brief


def test_brief_files_exist_with_attributions(base, lines, tmp_path):
    summary, baseline_t, year = base
    m = policy.load_measures()
    r = policy.apply_scenario(summary, m, 2030)
    path = policy.target_path(baseline_t, year, 2030, 0.5)
    q = policy.hot_spot_quantity(lines, MEMBER)
    h = policy.hybrid(q.spend_based_t, q.quantity, q.unit, 300.0, label="Ready-mix")
    out = policy.policy_brief(
        tmp_path / "brief",
        member="City of Cedar Valley",
        scenario=r,
        path=path,
        scenario_by_year=policy.scenario_path(summary, m, path.index),
        hot_spots=summary,
        hybrids=[h],
        factor_version="US EPA Supply Chain GHG Emission Factors v1.3",
        assumptions=[q.note],
    )
    assert out.markdown.is_file() and out.html.is_file() and len(out.images) == 3
    for f in (out.markdown, out.html):
        text = f.read_text(encoding="utf-8")
        assert factors.FACTOR_SETS["sef_v1.3"].attribution in text and "public domain" in text
        assert "CEDA by Watershed" not in text
        assert "Public Works - Streets" in text  # the survey note is an assumption
        assert "With the measures" in text  # the scenario line on the target chart
    ceda = policy.policy_brief(
        tmp_path / "ceda", member="Bjørkestrand kommune", scenario=r, open_ceda=True
    )
    for f in (ceda.markdown, ceda.html):
        text = f.read_text(encoding="utf-8")
        assert "CEDA by Watershed" in text and "CC BY-SA 4.0" in text
        assert "Bjørkestrand" in text


# ---------------------------------------------------------------- homework


def _measure(**kw) -> dict:
    row = {
        "measure_id": "m1",
        "name": "Measure",
        "category_codes": "236",
        "change_type": "factor",
        "change": -0.2,
        "adoption_share": 0.5,
        "start_year": 2026,
        "notes": "Illustrative assumption for the test.",
    }
    row.update(kw)
    return row


def _three(**kw) -> pd.DataFrame:
    return pd.DataFrame(
        [
            _measure(**kw),
            _measure(measure_id="m2", category_codes="562", change_type="spend"),
            _measure(measure_id="m3", category_codes="5416", change_type="spend"),
        ]
    )


@pytest.mark.parametrize(
    ("given", "words"),
    [
        (12, "I expected a table (DataFrame) of measures"),
        (_three().drop(columns="change"), "not a valid measures table"),
        (_three().iloc[:2], "exactly 3 measures"),
        (_three(start_year=2031), "starts after 2030"),
        (_three(notes=""), "no assumption"),
        (_three(change=-0.9, adoption_share=1.0), "more than 50%"),
        (_three(category_codes="999999"), "matches no category"),
        (_three(change=0.2), "does not lower Scope 3"),
    ],
)
def test_homework_measures_feedback(given, words):
    problem, table = session06.problems(MEMBER, given)
    assert words in problem and table is None


def test_homework_accepts_any_valid_set_and_checks_the_scenario_of_that_set(base):
    summary, _, _ = base
    mine = _three()
    assert session06.problems(MEMBER, mine)[0] is None
    check = checks.for_session(6, member=MEMBER, quiet=True)
    assert check.task_1(session06.target_t(MEMBER)).ok
    assert check.task_2(mine).ok
    r = policy.apply_scenario(summary, mine, 2030)
    assert r.scenario_t != session06.scenario_t(MEMBER, session06.example_measures())
    assert check.task_3(r.scenario_t).ok
    target = policy.target_path(r.baseline_t, base[2], 2030, 0.3)
    assert check.task_4(policy.gap(target, r.scenario_t, 2030).gap_t).ok
    assert not check.task_4(r.scenario_t).ok
    # a wrong task 2 clears the remembered measures: task 3 is then compared with the example
    assert not check.task_2(mine.iloc[:1]).ok
    result = check.task_3(r.scenario_t)
    assert not result.ok and "check.task_2(my_measures) first" in result.message


def test_survey_quantities_read_the_workbooks_when_the_survey_module_is_missing(monkeypatch):
    import sys

    with_module = policy.survey_quantities("pinecrest_county")
    monkeypatch.setitem(sys.modules, "cohort_helpers.survey", None)  # import now fails
    direct = policy.survey_quantities("pinecrest_county")
    cols = ["department", "quantity"]
    pd.testing.assert_frame_equal(
        direct[cols].sort_values("department").reset_index(drop=True),
        with_module[cols].sort_values("department").reset_index(drop=True),
    )
    assert direct["quantity"].sum() == pytest.approx((640 + 628) * 0.764554857984)
    assert policy.survey_quantities("northgate").empty
