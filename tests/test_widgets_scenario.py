"""Session 6 scenario builder: the panel works headlessly and matches policy.apply_scenario."""

from __future__ import annotations

import pandas as pd
import pytest

from cohort_helpers import policy
from cohort_helpers.widgets import scenario

SUMMARY = pd.DataFrame(
    {
        "spend_usd": [2e6, 1e6, 1.5e6, 3e5, 4e5, 2e5, 1e5, 5e5],
        "t_co2e": [1212.0, 1121.0, 402.0, 867.9, 23.2, 48.0, 64.9, 118.0],
    },
    index=pd.Index(
        ["327320", "324121", "336112", "112111", "334111", "337214", "322121", "323111"],
        name="naics6",
    ),
)


@pytest.fixture
def measures() -> pd.DataFrame:
    return policy.load_measures()


def make_panel(measures: pd.DataFrame, chart: bool = False) -> scenario.ScenarioPanel:
    path = policy.target_path(float(SUMMARY["t_co2e"].sum()), 2023, 2030, 0.5)
    return scenario.ScenarioPanel(SUMMARY, measures, 2030, path=path, chart=chart)


@pytest.fixture
def panel(measures) -> scenario.ScenarioPanel:
    return make_panel(measures)  # no chart: faster; the chart has its own test


def test_panel_starts_at_the_file_values(panel, measures):
    expected = policy.apply_scenario(SUMMARY, measures, 2030)
    assert panel.result.scenario_t == expected.scenario_t
    assert panel.result.wedges.equals(expected.wedges)
    assert set(panel.sliders) == set(measures["measure_id"])
    assert panel.sliders["concrete_epd"]["adoption"].value == pytest.approx(0.8)
    assert panel.sliders["concrete_epd"]["change"].value == pytest.approx(-0.3)


def test_moving_a_slider_updates_result_text_and_chart(measures):
    panel = make_panel(measures, chart=True)
    before = panel.result.scenario_t
    old_text, old_chart = panel.total.value, panel.chart_html.value
    panel.sliders["concrete_epd"]["adoption"].value = 1.0
    assert panel.result.wedges["concrete_epd"] == pytest.approx(1212.0 * 0.3)
    assert panel.result.scenario_t == pytest.approx(before - 1212.0 * 0.3 + 1212.0 * 0.24)
    assert panel.total.value != old_text and "above the target path" in panel.total.value
    assert panel.chart_html.value != old_chart
    assert "<figure" in panel.chart_html.value and 'alt="Waterfall chart' in panel.chart_html.value
    panel.sliders["asphalt_epd"]["change"].value = -0.5
    assert panel.result.wedges["asphalt_epd"] == pytest.approx(1121.0 * 0.5 * 0.6)


def test_the_panel_scenario_runs_without_widgets(panel):
    panel.set("it_lifetime", adoption=0.5, change=-0.4)
    panel.year_slider.value = 2027
    again = policy.apply_scenario(SUMMARY, panel.current_measures(), panel.year)
    assert again.scenario_t == panel.result.scenario_t
    assert again.wedges.equals(panel.result.wedges)
    m = panel.current_measures().set_index("measure_id")
    assert m.loc["it_lifetime", "adoption_share"] == pytest.approx(0.5)
    assert m.loc["it_lifetime", "change"] == pytest.approx(-0.4)
    assert panel.result.year == 2027


def test_zero_adoption_and_early_year_give_the_baseline_exactly(panel):
    for pair in panel.sliders.values():
        pair["adoption"].value = 0.0
    assert panel.result.scenario_t == panel.result.baseline_t == SUMMARY["t_co2e"].sum()
    panel.reset()
    assert panel.result.scenario_t < panel.result.baseline_t
    panel.year_slider.value = 2024  # before every measure's start year
    assert panel.result.scenario_t == panel.result.baseline_t


def test_set_updates_once_and_reset_restores(panel, measures, monkeypatch):
    calls = []
    real = panel.update
    monkeypatch.setattr(panel, "update", lambda: calls.append(1) or real())
    panel.set("concrete_epd", adoption=0.2, change=-0.1)
    assert calls == [1]
    assert panel.result.wedges["concrete_epd"] == pytest.approx(1212.0 * 0.02)
    panel.reset()
    assert panel.result.scenario_t == policy.apply_scenario(SUMMARY, measures, 2030).scenario_t
    with pytest.raises(KeyError, match="No measure 'nope'"):
        panel.set("nope", adoption=0.1)


def test_slider_ranges_follow_the_change_type(panel):
    shift = panel.sliders["food_plant_forward"]["change"]
    assert (shift.min, shift.max) == (-1.0, 0.0) and shift.description == "shifted"
    fleet = panel.sliders["fleet_ev"]["change"]
    assert fleet.max >= 0.3 and fleet.description == "kg/USD"
    assert panel.sliders["it_lifetime"]["change"].description == "spend"
    assert panel.year_slider.min == 2023 and panel.year_slider.max == 2030


def test_display_and_no_chart_mode(measures):
    quick = scenario.ScenarioPanel(SUMMARY, measures, 2030, chart=False)
    assert quick.chart_html.value == ""
    assert "application/vnd.jupyter.widget-view+json" in quick._repr_mimebundle_()
    assert repr(quick).startswith("ScenarioPanel: 2030: baseline")
    with pytest.raises(ValueError, match="adoption_share"):
        scenario.ScenarioPanel(SUMMARY, measures.assign(adoption_share=2.0), 2030)
