"""JupyterLab in a real Chromium: the two panels respond, a homework check runs, RISE shows widgets.

As an instructor and a participant would: open Sessions 4 and 6, run all, record a
review decision, move a scenario slider and see the numbers change; open a homework
notebook, see "not yet done", paste one answer, see "correct"; open Session 6 in
RISE (jupyterlab-rise) and see the scenario panel as a widget, not as text.
Screenshots: build/browser/.
"""

from __future__ import annotations

import json
import re

import pytest
from jlab import ROOT, VIEWPORT, code_cell_with, open_notebook, output_with, run_all

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

S4 = "notebooks/04_quantitative_analysis.ipynb"
S6 = "notebooks/06_purchasing_policy.ipynb"
EX1 = "exercises/01_lgo_and_supply_chain.ipynb"


@pytest.fixture(scope="module")
def context(browser):
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    p = context.new_page()
    yield p
    p.close()


def _expect():
    from playwright.sync_api import expect

    return expect


def test_review_panel_records_a_decision(lab, page, shots):
    expect = _expect()
    open_notebook(page, lab, S4)
    run_all(page, S4)
    panel = output_with(page, "Record decision")
    panel.scroll_into_view_if_needed()
    header = panel.locator(".widget-html-content").first
    expect(header).to_contain_text(re.compile(r"Line 1 of \d+"))
    n_lines = int(re.search(r"Line 1 of (\d+)", header.inner_text()).group(1))
    assert n_lines > 1, "the review queue should hold more than one line"
    page.screenshot(path=str(shots / "session4_review_panel_before.png"))

    # a decision: exclude the line on show (the first reason in the menu), with a note
    reason = panel.locator("select").first
    reason.select_option(index=1)
    panel.locator("input[type=text]").last.fill("browser test: not a purchase")
    panel.get_by_role("button", name="Record decision").click()

    expect(header).to_contain_text(f"Line 2 of {n_lines}")
    expect(header).to_contain_text(re.compile(r"\b1 decision"))
    expect(panel).to_contain_text("Recorded for line")
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "session4_review_panel_after.png"))


def _scenario_numbers(panel) -> str:
    """The panel's result sentences (the HTML widgets that speak of t CO2e)."""
    texts = panel.locator(".widget-html-content").all_inner_texts()
    return " | ".join(t for t in texts if "CO2e" in t and "Purchasing measures" not in t)


@pytest.fixture(scope="module")
def session6(lab, context):
    """Session 6 run in JupyterLab (its kernel stays up for the RISE test)."""
    p = context.new_page()
    open_notebook(p, lab, S6)
    seconds = run_all(p, S6)
    yield p, seconds
    p.close()


def test_scenario_panel_numbers_follow_a_slider(session6, shots):
    expect = _expect()
    page, _ = session6
    panel = output_with(page, "Purchasing measures")
    panel.scroll_into_view_if_needed()
    expect(panel.locator(".widget-slider").first).to_be_visible()
    before = _scenario_numbers(panel)
    assert re.search(r"\d", before), f"no result shown under the sliders: {panel.inner_text()!r}"
    page.screenshot(path=str(shots / "session6_scenario_panel_before.png"))

    slider = panel.locator(".widget-slider").first  # the first measure's adoption share
    slider.scroll_into_view_if_needed()
    readout = slider.locator(".widget-readout")
    old_readout = readout.inner_text()
    handle = slider.locator(".noUi-handle").first
    box = handle.bounding_box()
    track = slider.locator(".noUi-target").first.bounding_box()
    # drag the handle to the other end of the track, then release (continuous_update=False)
    x_to = track["x"] + (track["width"] * 0.95 if box["x"] < track["x"] + track["width"] / 2 else 2)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(x_to, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()

    expect(readout).not_to_have_text(old_readout)
    _wait_until_changed(page, lambda: _scenario_numbers(panel), before)
    after = _scenario_numbers(panel)
    assert after != before
    panel.locator(".widget-html-content").filter(has_text="CO2e").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "session6_scenario_panel_after.png"))


def _wait_until_changed(page, read, before: str, timeout_ms: int = 30_000) -> None:
    waited = 0
    while read() == before:
        if waited >= timeout_ms:
            raise AssertionError(f"the panel's numbers did not change: still {before!r}")
        page.wait_for_timeout(250)
        waited += 250


def _solution_for(task: str) -> str:
    """The answer code of ``task`` in solutions/01 (between the solution markers)."""
    nb = json.loads((ROOT / "solutions" / "01_lgo_and_supply_chain.ipynb").read_text())
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and f"check.{task}(" in src:
            body = src.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
            check_line = next(ln for ln in src.splitlines() if f"check.{task}(" in ln)
            return body.strip("\n") + "\n" + check_line
    raise AssertionError(f"no {task} in solutions/01_lgo_and_supply_chain.ipynb")


def test_homework_says_not_yet_then_correct(lab, page, shots):
    expect = _expect()
    open_notebook(page, lab, EX1)
    run_all(page, EX1)
    summary = output_with(page, "tasks correct")
    summary.scroll_into_view_if_needed()
    expect(summary).to_contain_text("not yet done")
    expect(summary).to_contain_text(re.compile(r"\b0 of \d+ tasks correct"))
    page.screenshot(path=str(shots / "homework_not_yet.png"))

    cell = code_cell_with(page, "check.task_1(")
    cell.scroll_into_view_if_needed()
    editor = cell.locator(".cm-content").first
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(_solution_for("task_1"))
    page.keyboard.press("Control+Enter")  # run the cell, stay on it
    out = cell.locator(".jp-OutputArea")
    expect(out).to_contain_text("correct", timeout=60_000)
    text = out.inner_text()
    assert "not yet" not in text and "wrong" not in text, text
    cell.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "homework_task1_correct.png"))


def test_rise_shows_the_scenario_panel_as_a_widget(lab, session6, context, shots):
    """jupyterlab-rise on Session 6: the panel cell, run on the slide, draws real sliders."""
    expect = _expect()
    nb = json.loads((lab.root / S6).read_text())
    index = next(
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and "ScenarioPanel(" in "".join(c["source"])
    )
    page = context.new_page()
    page.goto(lab.url(f"rise/{S6}?activeCellIndex={index}"))
    slide = page.locator(".reveal .slides section.present").last
    cell = slide.locator(".jp-CodeCell").filter(has_text="ScenarioPanel(").first
    expect(cell).to_be_visible(timeout=60_000)
    cell.locator(".cm-content").first.click()
    page.keyboard.press("Control+Enter")  # the kernel of the Lab tab already holds `panel`
    output = cell.locator(".jp-OutputArea-output")
    expect(output.locator(".widget-slider").first).to_be_visible(timeout=60_000)
    text = output.inner_text()
    assert "VBox(children=" not in text and "ScenarioPanel:" not in text, text
    page.screenshot(path=str(shots / "rise_session6_scenario_panel.png"))
    page.close()
