"""Session 4 review panel: headless clicks write an overrides file the next run uses."""

from __future__ import annotations

import pandas as pd
import pytest

from cohort_helpers import analysis, classify, inventory
from cohort_helpers.classify import OverrideError
from cohort_helpers.widgets import review

MEMBER = "tindoy"  # small and fast; Norwegian (NOK, KOSTRA accounts)


@pytest.fixture(scope="module")
def base():
    return inventory.member_inventory(MEMBER, n_draws=0)


@pytest.fixture(scope="module")
def queue(base):
    q = analysis.review_queue(base.lines, n=6)
    assert len(q) >= 3, "the member needs low-confidence lines to review"
    return q


def line_of(inv, row) -> pd.Series:
    k = inv.lines.set_index(["source_file", "source_line"])
    return k.loc[(row["source_file"], int(row["source_line"]))]


def test_set_code_and_save_then_the_next_run_uses_the_override(base, queue, tmp_path):
    out = tmp_path / "out"
    panel = review.ReviewPanel(queue, out)
    first, second = queue.iloc[0], queue.iloc[1]
    new_code = "327320" if first["naics6"] != "327320" else "324121"
    # what a participant does: pick a code from the list, add a note, record; exclude the next
    panel.code.value = next(o for o in panel.code.options if o.startswith(new_code))
    panel.note.value = "checked the invoice"
    panel.record_button.click()
    assert panel.position == 1
    panel.reason.value = "grant_passthrough"
    panel.record_button.click()
    panel.save_button.click()
    assert "Saved 2 decision(s)" in panel.message.value
    assert panel.path == out / "overrides.csv" and panel.path.is_file()
    assert [p.name for p in out.iterdir()] == ["overrides.csv"]  # nothing else, nowhere else

    ov = classify.load_overrides(panel.path)
    assert ov["source_line"].tolist() == [int(first["source_line"]), int(second["source_line"])]
    assert ov["naics6"].iloc[0] == new_code and ov["note"].iloc[0] == "checked the invoice"

    after = inventory.member_inventory(MEMBER, overrides=panel.path, n_draws=0)
    one = line_of(after, first)
    assert (one["status"], one["naics6"], one["method"]) == ("included", new_code, "override")
    assert one["confidence"] == 1.0 and one["kg_co2e"] > 0
    two = line_of(after, second)
    assert (two["status"], two["reason"]) == ("excluded", "grant_passthrough")
    rec = after.reconciliation
    assert rec.loc[rec.bucket == "check", "difference_cents"].eq(0).all()
    # every other line is as before
    keys = after.lines.set_index(["source_file", "source_line"]).index
    others = ~keys.isin([one.name, two.name])
    assert len(after.lines) == len(base.lines)
    assert after.lines.loc[others, "naics6"].equals(base.lines.loc[others, "naics6"])
    assert int(after.lines["method"].eq("override").sum()) == 1


def test_saving_again_merges_and_a_new_decision_replaces_the_old(queue, tmp_path):
    panel = review.ReviewPanel(queue, tmp_path)
    panel.record(naics6="327320")
    panel.save()
    panel2 = review.ReviewPanel(queue, tmp_path)  # next day, a fresh panel
    panel2.go(0)
    panel2.record(naics6="324121", note="asphalt, not concrete")
    panel2.record(exclude_reason="refund")
    panel2.save()
    ov = classify.load_overrides(tmp_path / "overrides.csv")
    assert len(ov) == 2
    assert ov.set_index("source_line").loc[int(queue.iloc[0]["source_line"]), "naics6"] == "324121"


@pytest.mark.parametrize(
    ("code", "reason", "words"),
    [
        ("abc", "", "not a NAICS code"),
        ("", "", "give a NAICS code, or choose an exclusion reason"),
        ("327320", "refund", "not both"),
        ("999999", "", "no code 999999"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_recorded(
    queue, tmp_path, code, reason, words
):
    panel = review.ReviewPanel(queue, tmp_path)
    panel.code.value, panel.reason.value = code, reason
    panel.record_button.click()
    assert words in panel.message.value
    assert panel.decisions == {} and panel.position == 0


def test_save_without_decisions_says_so_and_writes_nothing(queue, tmp_path):
    panel = review.ReviewPanel(queue, tmp_path)
    panel.save_button.click()
    assert "No decisions recorded yet" in panel.message.value
    assert not any(tmp_path.iterdir())


def test_navigation_is_clamped_and_shows_earlier_decisions(queue, tmp_path):
    panel = review.ReviewPanel(queue, tmp_path)
    panel.previous_button.click()
    assert panel.position == 0
    panel.code.value, panel.note.value = "327320", "ready-mix"
    panel.record_button.click()
    panel.previous_button.click()
    assert panel.position == 0
    assert panel.code.value.startswith("327320") and panel.note.value == "ready-mix"
    for _ in range(len(queue) + 2):
        panel.next_button.click()
    assert panel.position == len(queue) - 1
    assert f"Line {len(queue)} of {len(queue)}" in panel.header.value
    assert str(queue.iloc[-1]["source_line"]) in panel.details.value


def test_empty_queue(queue, tmp_path):
    panel = review.ReviewPanel(queue.iloc[:0], tmp_path)
    assert "Nothing to review" in panel.header.value
    with pytest.raises(ValueError, match="empty"):
        panel.record(naics6="327320")


@pytest.mark.parametrize("name", ["../overrides.csv", "/tmp/overrides.csv", "overrides.txt"])
def test_the_file_stays_inside_output_dir(queue, tmp_path, name):
    with pytest.raises(ValueError, match="plain .csv file name"):
        review.ReviewPanel(queue, tmp_path, filename=name)


def test_panel_displays_as_a_widget(queue, tmp_path):
    panel = review.ReviewPanel(queue, tmp_path)
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "1 of" in panel.header.value and "overrides.csv" in repr(panel)


# ------------------------------------------------------------- plain functions


def test_write_overrides_without_widgets(tmp_path):
    p = tmp_path / "overrides.csv"
    review.write_overrides(
        [
            review.decision("ap.csv", 12, naics6="327320 Ready-Mix Concrete Manufacturing"),
            review.decision("C:\\exports\\ap.csv", 13, exclude_reason="land", note="=HYPERLINK()"),
        ],
        p,
    )
    ov = classify.load_overrides(p)
    assert ov["source_file"].tolist() == ["ap.csv", "ap.csv"]
    assert ov["naics6"].fillna("").tolist() == ["327320", ""]
    assert ov["note"].iloc[1] == "'=HYPERLINK()"  # not a formula in a spreadsheet
    review.write_overrides([review.decision("ap.csv", 14, naics6="311")], p, merge=False)
    assert classify.load_overrides(p)["source_line"].tolist() == [14]


def test_a_bad_row_names_its_row_and_leaves_the_file_alone(tmp_path):
    p = tmp_path / "overrides.csv"
    review.write_overrides([review.decision("ap.csv", 12, naics6="327320")], p)
    before = p.read_text()
    bad = pd.DataFrame(
        {"source_file": ["ap.csv", "ap.csv"], "source_line": [20, 21], "naics6": ["311", "x1"]}
    )
    with pytest.raises(OverrideError, match="row 3.*naics6"):
        review.write_overrides(bad, p)
    assert p.read_text() == before
    assert [f.name for f in tmp_path.iterdir()] == ["overrides.csv"]  # no temporary file left
    with pytest.raises(ValueError, match=".csv"):
        review.write_overrides(bad, tmp_path / "overrides.xlsx")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"naics6": "32"}, None),
        ({"exclude_reason": "scope12_fuel"}, None),
        ({"exclude_reason": "fuel"}, "not an exclusion reason"),
        ({"naics6": "3273201"}, "not a NAICS code"),
        ({"naics6": "1234", "known_codes": ["327320"]}, "no code 1234"),
        ({"naics6": "3273", "known_codes": ["327320"]}, None),
    ],
)
def test_decision_checks(kwargs, words):
    if words is None:
        d = review.decision("ap.csv", 5, **kwargs)
        assert set(d) == set(review.OVERRIDE_COLUMNS)
    else:
        with pytest.raises(ValueError, match=words):
            review.decision("ap.csv", 5, **kwargs)


def test_naics_options_cover_the_factor_set():
    options = review.naics_options()
    assert len(options) > 1000
    assert any(o.startswith("327320 ") for o in options)
