"""Session 2 survey: instrument, files to send, live form, ingestion, reconciliation."""

from __future__ import annotations

import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cohort_helpers import paths, survey
from cohort_helpers.survey import Instrument, InstrumentError
from cohort_helpers.widgets.survey_form import form_answers, survey_form

WITH_RETURNS = ["cedar_valley", "marlowe_county", "pinecrest_county"]


@pytest.fixture(scope="module")
def inst() -> Instrument:
    return survey.load_instrument()


def truth(member: str) -> pd.DataFrame:
    path = paths.datasets_dir() / "truth" / "survey" / f"{member}_survey_FY2023.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


# ------------------------------------------------------------------ instrument


def test_bundled_instrument_loads_and_validates(inst):
    assert len(inst) == 21 and inst.validate() == []
    assert inst.questions["required"].dtype == bool
    assert inst.skipped_by("Q01") == ["Q02"] and inst.skipped_by("Q03") == ["Q04", "Q05"]


def test_instrument_edits_are_validated_and_keep_the_original(inst):
    lib = inst.drop(categories=["construction materials", "chemicals"], question_ids="Q19")
    assert "Q06" not in lib.question_ids and "Q19" not in lib.question_ids and len(inst) == 21
    more = lib.add_question(
        "Q22",
        "Crushed stone purchased",
        "short tons",
        category="construction materials",
        naics6="212319",
        help_text="Tons on the tickets.",
        after="Q05",
    )
    assert more.question_ids[5] == "Q22"
    with pytest.raises(InstrumentError, match="not in the emission factor table"):
        inst.add_question(
            "Q23", "Unobtainium", "count", category="x", naics6="999999", help_text="h"
        )
    with pytest.raises(InstrumentError, match="unit 'bushels'"):
        inst.add_question("Q23", "Grain", "bushels", category="x", help_text="h")
    with pytest.raises(InstrumentError, match="used twice"):
        inst.add_question("Q01", "Again", "count", category="x", help_text="h")
    with pytest.raises(InstrumentError, match="no plain-language help text"):
        inst.add_question("Q23", "Chairs", "count", category="furniture", help_text="")
    with pytest.raises(InstrumentError, match="earlier question"):
        inst.add_question(
            "Q23", "Chairs", "count", category="f", help_text="h", skip_if="Q05=0", after="Q01"
        )
    with pytest.raises(KeyError, match="No category"):
        inst.drop(categories=["nonsense"])
    # dropping the controlling question drops the dangling skip rule
    assert inst.drop("Q01").questions.set_index("question_id").at["Q02", "skip_if"] == ""


def test_instrument_round_trips_csv_and_yaml(inst, tmp_path):
    small = inst.select(categories=["general", "fleet"])
    for name in ("i.csv", "i.yaml"):
        path = (
            small.to_csv(tmp_path / name)
            if name.endswith("csv")
            else small.to_yaml(tmp_path / name)
        )
        back = survey.load_instrument(path)
        pd.testing.assert_frame_equal(back.questions, small.questions)


def test_for_department_uses_ledger_spend():
    lines = pd.DataFrame(
        {
            "department": ["Library", "Library", "Streets"],
            "status": ["included"] * 3,
            "naics6": ["322121", "561720", "324121"],
            "amount": [500.0, 20_000.0, 9e5],
        }
    )
    inst = survey.load_instrument()
    lib = inst.for_department(lines, "Library")
    assert {"Q09", "Q15"} <= set(lib.question_ids) and "Q06" not in lib.question_ids
    assert "Q09" not in inst.for_department(lines, "Library", min_spend=1000).question_ids
    with pytest.raises(KeyError, match="departments: Library, Streets"):
        inst.for_department(lines, "Police")


# ------------------------------------------------------------ files to send


def test_workbook_has_dropdowns_protection_and_round_trips(inst, tmp_path):
    path = survey.write_workbook(
        inst,
        "Police",
        tmp_path / "police.xlsx",
        member="cedar_valley",
        fiscal_year=2024,
        due="2024-03-31",
        contact_line="Questions: D. Ortiz, ext. 4412",
        answers={"Q01": "yes", "Q02": 1200, "Q06": "about 40"},
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Survey", "Department"]
    assert wb["Instructions"].protection.sheet and wb["Survey"].protection.sheet
    assert any("D. Ortiz" in str(c.value) for c in wb["Instructions"]["A"])
    ws = wb["Survey"]
    dvs = ws.data_validations.dataValidation
    yes_no = [dv for dv in dvs if dv.type == "list" and dv.formula1 == '"yes,no"']
    assert yes_no and "F2" in str(yes_no[0].sqref)  # Q01's answer cell
    units = [dv for dv in dvs if dv.type == "list" and "lbs" in dv.formula1]
    assert units and "E7" in str(units[0].sqref)  # Q06 asphalt, short tons
    assert any(dv.type == "decimal" and "F7" in str(dv.sqref) for dv in dvs)
    assert not ws["F7"].protection.locked and ws["D7"].protection.locked
    back = survey.read_return(path)
    assert back["question_id"].tolist() == inst.question_ids
    row = back.set_index("question_id")
    assert row.at["Q02", "value"] == 1200 and row.at["Q06", "answer"] == "about 40"
    assert row.at["Q06", "cell"] == "F7" and (back["department"] == "Police").all()
    _, problems = survey.validate_answers(back, inst)
    assert problems.set_index("question_id").at["Q06", "issue"] == "text_in_number"


def test_html_form_holds_every_question(inst, tmp_path):
    path = survey.write_html_form(
        inst, "Fire", tmp_path / "fire.html", member="m", fiscal_year=2024
    )
    text = path.read_text(encoding="utf-8")
    for r in inst.questions.itertuples():
        assert f'id="{r.question_id}"' in text
    assert 'data-skip-q="Q01" data-skip-v="no"' in text and "Download answers" in text
    assert text.count('type="number"') == int(
        inst.questions["unit"].isin(survey.NUMBER_UNITS).sum()
    )


def test_department_files_and_distribution(inst, tmp_path):
    table = survey.write_department_files(
        {"Police": inst, "Library": inst.drop(categories=["construction materials"])},
        ["Police", "Library"],
        tmp_path,
        member="cedar_valley",
        fiscal_year=2024,
    )
    assert table["questions"].tolist() == [21, 18]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["distribution.csv"]
        + [
            f"cedar_valley_survey_FY2024_{d}.{e}"
            for d in ("police", "library")
            for e in ("xlsx", "html")
        ]
    )
    dist = survey.read_distribution(tmp_path)
    assert dist["department"].tolist() == ["Police", "Library"] and not dist["returned"].any()


# ---------------------------------------------------------------- live form


def test_live_form_skip_logic_and_answers(inst):
    form = survey_form(inst, "Police")
    assert not form.is_hidden("Q02")
    form.set_answers({"Q01": "no", "Q02": "500", "Q03": "0", "Q12": "1,200", "Q06": "about 40"})
    assert form.is_hidden("Q02") and form.is_hidden("Q04") and form.is_hidden("Q05")
    assert form.missing_required() == ["Q20"]
    ans = form_answers(form).set_index("question_id")
    assert ans.at["Q02", "answer"] is None  # skipped: cleared
    assert ans.at["Q12", "value"] == 1200.0 and np.isnan(ans.at["Q06", "value"])
    form.inputs["Q01"].value = "yes"
    assert not form.is_hidden("Q02")
    _, problems = survey.validate_answers(form_answers(form), inst)
    assert set(problems["issue"]) == {"text_in_number", "missing_required"}
    assert "live form, question Q06" in problems.set_index("question_id").at["Q06", "message"]


# ----------------------------------------------------------------- ingestion


@pytest.mark.parametrize("member", WITH_RETURNS)
def test_ingest_finds_every_planted_problem_and_no_false_alarm(member):
    res = survey.ingest_returns(member)
    t = truth(member)
    t = t[t["file"] != ""]
    planted = t[~t["issue"].isin(["ok", "skipped"])]
    got = res.problems[["department", "question_id", "issue"]]
    assert set(map(tuple, got.to_numpy())) == set(
        map(tuple, planted[["department", "question_id", "issue"]].to_numpy())
    )
    ok = t[t["issue"].isin(["ok", "skipped"])]
    flagged = set(map(tuple, got[["department", "question_id"]].to_numpy()))
    assert not flagged & set(map(tuple, ok[["department", "question_id"]].to_numpy()))
    # messages name department, sheet and cell
    for m in res.problems["message"]:
        assert re.match(r"^.+, sheet Survey, cell [A-Z]+\d+: ", m), m
    # tracker: every department of the distribution list; one did not answer
    assert res.n_sent == 8 and res.n_returned == 7
    assert res.headline() == f"7 of 8 departments answered; {len(planted)} problems flagged"


def test_message_for_text_in_a_number_cell_reads_well():
    res = survey.ingest_returns("cedar_valley")
    msg = res.problems.set_index(["department", "question_id"]).at[("Police", "Q18"), "message"]
    assert msg == (
        "Police, sheet Survey, cell F19: 'n/a - ask Finance' is text where a number (nights) "
        "is expected."
    )


@pytest.mark.parametrize("member", WITH_RETURNS)
def test_suggested_fixes_match_the_true_values(member):
    res = survey.ingest_returns(member)
    fixes = survey.suggest_fixes(res)
    t = truth(member).set_index(["department", "question_id"])["true_value"]
    have = fixes.dropna(subset=["value"])
    assert len(have) >= 3
    true = t.reindex(pd.MultiIndex.from_frame(have[["department", "question_id"]])).astype(float)
    np.testing.assert_allclose(have["value"].to_numpy(), true.to_numpy(), rtol=0.002)
    fixed = survey.apply_fixes(res.answers, have)
    assert (fixed["status"] == "fixed").sum() == len(have)
    follow = survey.follow_ups(res)
    assert "not returned" in follow["reason"].tolist()


def test_skip_violation_and_invalid_choice_are_flagged(inst, tmp_path):
    survey.write_workbook(
        inst,
        "Fire",
        tmp_path / "fire.xlsx",
        answers={"Q01": "no", "Q02": 300, "Q03": 4, "Q20": "Acme", "Q21": "maybe"},
    )
    res = survey.ingest_returns("test", tmp_path)
    issues = res.problems.set_index("question_id")["issue"].to_dict()
    assert issues == {"Q02": "skip_violation", "Q21": "invalid_choice"}
    assert res.tracker["completeness"].tolist() == [1.0]


def test_ingest_without_returns_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="has_returns"):
        survey.ingest_returns("northgate", tmp_path)
    assert not survey.has_returns("northgate") and survey.has_returns("cedar_valley")


def test_read_return_rejects_a_file_without_the_survey_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(survey.SurveyFileError, match="no sheet named 'Survey'"):
        survey.read_return(tmp_path / "bad.xlsx")


def test_form_csv_is_read_like_a_workbook(tmp_path):
    (tmp_path / "f_form.csv").write_text(
        "department,question_id,unit,answer,comment\nFire,Q01,yes/no,yes,\nFire,Q02,USD,12.5k,\n"
    )
    t = survey.read_return(tmp_path / "f_form.csv")
    assert t["answer"].tolist() == ["yes", "12.5k"] and t["cell"].tolist() == ["row 2", "row 3"]


# ------------------------------------------------------------ reconciliation


def test_reconcile_with_ledger_sums_codes_and_implies_unit_prices():
    answers = pd.DataFrame(
        {
            "department": ["Streets", "Streets"],
            "question_id": ["Q06", "Q12"],
            "category": ["construction materials", "food"],
            "naics6": ["324121", "311"],
            "unit": ["short tons", "USD"],
            "value": [100.0, 900.0],
        }
    )
    lines = pd.DataFrame(
        {
            "department": ["Streets"] * 4,
            "status": ["included"] * 3 + ["excluded"],
            "naics6": ["324121", "311812", "722320", "311812"],
            "amount": [8500.0, 400.0, 300.0, 1e6],
        }
    )
    rec = survey.reconcile_with_ledger(answers, lines, codes={"Q12": ["311", "722"]}).set_index(
        "question_id"
    )
    assert rec.at["Q06", "implied_usd_per_unit"] == pytest.approx(85.0)
    assert rec.at["Q12", "ledger_usd"] == pytest.approx(700.0)
    assert rec.at["Q12", "difference_usd"] == pytest.approx(200.0)


def test_ledger_blind_spots_flags_central_departments():
    lines = pd.DataFrame(
        {
            "department": ["Non-Departmental", "Police"],
            "status": ["included"] * 2,
            "amount": [10.0, 5.0],
            "mcc": [None, "5812"],
            "confidence": [0.9, 0.9],
        }
    )
    spots = survey.ledger_blind_spots(lines)
    assert spots["central"].to_dict() == {"Non-Departmental": True, "Police": False}
    assert survey.survey_departments(lines) == ["Police"]
