"""Every panel degrades well: a static summary beside the widget view, plain reason labels,
saved decisions shown again, and the Session 2 form starting empty."""

from __future__ import annotations

import json
import re

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from cohort_helpers import analysis, inventory, paths, policy, survey, vocabulary
from cohort_helpers.course import runner
from cohort_helpers.widgets import review, scenario, static
from cohort_helpers.widgets.survey_form import survey_form

MEMBER = "tindoy"  # small and fast
SUMMARY = pd.DataFrame(
    {"spend_usd": [2e6, 1e6], "t_co2e": [1212.0, 1121.0]},
    index=pd.Index(["327320", "324121"], name="naics6"),
)
ROOT = paths.repo_root()


@pytest.fixture(scope="module")
def queue():
    return analysis.review_queue(inventory.member_inventory(MEMBER, n_draws=0).lines, n=5)


def rows_of(table_html: str) -> list[list[str]]:
    return [
        re.findall(r"<td[^>]*>(.*?)</td>", row)
        for row in re.findall(r"<tr>(.*?)</tr>", table_html)
        if "<td" in row
    ]


def test_review_panel_bundle_has_a_static_table_with_plain_reason_labels(queue, tmp_path):
    panel = review.ReviewPanel(queue, tmp_path)
    panel.record(naics6="327320")
    panel.record(exclude_reason="scope12_fuel")
    bundle = panel._repr_mimebundle_()
    assert static.WIDGET_VIEW in bundle
    page = bundle["text/html"]
    rows = rows_of(page)
    assert len(rows) == len(queue)
    assert rows[0][-1] == "code 327320"
    assert rows[1][-1] == f"excluded: {vocabulary.label('scope12_fuel')}"
    assert "scope12_fuel" not in page
    assert "2 decision(s) recorded" in bundle["text/plain"]


def test_the_exclusion_menu_shows_plain_labels(queue, tmp_path):
    panel = review.ReviewPanel(queue, tmp_path)
    labels = dict(panel.reason.options)
    assert labels["(not excluded)"] == ""
    for text, reason in panel.reason.options[1:]:
        assert text == vocabulary.label(reason) and "_" not in text, text
    panel.reason.value = "scope12_fuel"
    panel.record_button.click()
    assert vocabulary.label("scope12_fuel") in panel.message.value
    assert "scope12_fuel" not in panel.message.value


def test_a_rerun_panel_shows_the_decisions_already_saved(queue, tmp_path):
    first = review.ReviewPanel(queue, tmp_path)
    first.record(naics6="327320", note="ready-mix")
    first.record(exclude_reason="refund")
    first.save()
    again = review.ReviewPanel(queue, tmp_path)  # the notebook cell run again
    assert "0 decision(s)" not in again.header.value
    assert "2 decision(s) recorded (2 already saved in overrides.csv)" in again.header.value
    assert "already saved" in again.message.value
    assert again.code.value.startswith("327320") and again.note.value == "ready-mix"
    again.go(1)
    assert again.reason.value == "refund"
    again.go(0)
    again.record(naics6="324121")
    again.save()
    saved = review.read_decisions(again.path)
    assert len(saved) == 2
    key = (str(queue.iloc[0]["source_file"]), int(queue.iloc[0]["source_line"]))
    assert saved[key]["naics6"] == "324121"


def test_a_broken_overrides_file_does_not_stop_the_panel(queue, tmp_path):
    (tmp_path / "overrides.csv").write_text("source_file,source_line,naics6\nap.csv,x,1\n")
    panel = review.ReviewPanel(queue, tmp_path)
    assert panel.decisions == {} and "could not be read" in panel.message.value


def test_scenario_panel_bundle_has_the_result_measures_and_chart():
    panel = scenario.ScenarioPanel(SUMMARY, policy.load_measures(), 2030)
    panel.set("concrete_epd", adoption=1.0)
    bundle = panel._repr_mimebundle_()
    assert static.WIDGET_VIEW in bundle
    page = bundle["text/html"]
    assert "<figure" in page and "<img" in page
    rows = {r[0]: r for r in rows_of(page)}
    name = policy.load_measures().set_index("measure_id").at["concrete_epd", "name"]
    assert rows[name][2] == "100%"
    assert f"{panel.result.scenario_t:,.1f}" in bundle["text/plain"]


def test_survey_form_bundle_lists_the_questions_and_answers():
    form = survey_form(survey.load_instrument(), "Police")
    empty = form._repr_mimebundle_()
    assert static.WIDGET_VIEW in empty and "0 answered" in empty["text/plain"]
    assert len(rows_of(empty["text/html"])) == len(form.inputs)
    form.set_answers({"Q01": "no", "Q03": "12"})
    page = form._repr_mimebundle_()["text/html"]
    answers = {r[0].split(" ")[0]: r[2] for r in rows_of(page)}
    assert answers["Q01"] == "no" and answers["Q02"] == "(skipped)" and answers["Q03"] == "12"


def test_lab_settings_keep_other_settings(tmp_path):
    p = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    p.parent.mkdir(parents=True)
    p.write_text('{"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}')
    static.install_lab_settings(tmp_path)
    assert json.loads(p.read_text()) == {
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        static.LAB_WIDGET_PLUGIN: {"saveState": True},
    }


@pytest.mark.notebooks
def test_html_export_shows_each_panel_as_a_static_summary(tmp_path):
    """What `cohort run` writes: the panels' static summaries, not an empty Out[n]."""
    cells = [
        new_code_cell(
            "import pandas as pd\nfrom cohort_helpers import policy, survey\n"
            "from cohort_helpers.widgets import scenario\n"
            "from cohort_helpers.widgets.survey_form import survey_form\n"
            f"summary = pd.DataFrame({SUMMARY.to_dict('list')!r}, index={list(SUMMARY.index)!r})"
        ),
        new_code_cell("scenario.ScenarioPanel(summary, policy.load_measures(), 2030)"),
        new_code_cell('survey_form(survey.load_instrument(), "Police")'),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    src = tmp_path / "panels.ipynb"
    nbformat.write(nb, src)
    run = runner.execute(src, tmp_path / "out", {}, html=True)
    assert run.status == "ok", run.message
    page = run.html.read_text(encoding="utf-8")
    assert page.count('class="cohort-static-summary"') == 2
    assert "Scenario builder, 2030" in page and "Department spend survey: Police" in page


def displayed_form_values(executed: nbformat.NotebookNode) -> list[str]:
    """Values of every input inside the form the Session 2 notebook shows (saved widget state)."""
    state = executed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    cell = next(c for c in executed.cells if c.source.strip().endswith("\nform"))
    view = next(o for o in cell.outputs if static.WIDGET_VIEW in o.get("data", {}))
    todo, values = [view["data"][static.WIDGET_VIEW]["model_id"]], []
    while todo:
        model = state[todo.pop()]["state"]
        todo += [c.removeprefix("IPY_MODEL_") for c in model.get("children", [])]
        if model.get("_model_name") in ("TextModel", "DropdownModel"):
            values.append(model.get("value") or model.get("index"))
    return values


@pytest.mark.notebooks
@pytest.mark.skipif(ROOT is None, reason="not a source checkout")
def test_the_session2_form_demo_starts_empty(tmp_path):
    """Run all: the form on screen has no answer in it (the scripted demo uses its own copy)."""
    nb = nbformat.read(ROOT / "notebooks" / "02_spend_survey.ipynb", as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "set_answers" in c.source)
    nb.cells = nb.cells[: at + 1]  # up to the scripted demo
    src = tmp_path / "02_spend_survey.ipynb"
    nbformat.write(nb, src)
    params = {"member": "cedar_valley", "output_dir": str(tmp_path / "files")}
    run = runner.execute(src, tmp_path / "out", params, html=False, cwd=ROOT / "notebooks")
    assert run.status == "ok", run.message
    values = displayed_form_values(nbformat.read(run.executed, as_version=4))
    assert len(values) > 5
    assert all(v in ("", None, 0) for v in values), values
