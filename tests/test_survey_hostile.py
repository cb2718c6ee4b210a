"""Survey files that lose nothing and run nothing: hostile returns, instruments and names."""

from __future__ import annotations

import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cohort_helpers import survey

ROOT = Path(__file__).resolve().parents[1]
DEPT = "</script><script>alert(2)</script>"
LINK = '=HYPERLINK("http://x","click")'


@pytest.fixture(scope="module")
def inst(data_dir):
    return survey.load_instrument()


def _hostile_instrument(inst: survey.Instrument) -> survey.Instrument:
    q = inst.questions.copy()
    q.loc[0, "question_id"] = 'Q01"><script>alert(1)</script>'
    q.loc[q["skip_if"] == "Q01=no", "skip_if"] = 'Q01"><script>alert(1)</script>=no'
    q.loc[1, "question"] = "<img src=x onerror=alert(3)> " + LINK
    q.loc[2, "help_text"] = "</div><script>alert(4)</script>"
    q.loc[3, "category"] = LINK
    return survey.Instrument(q, inst.name + " <b>x</b>", set(q["naics6"]) - {""})


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def test_html_form_runs_no_injected_script(inst, tmp_path):
    hostile = _hostile_instrument(inst)
    p = survey.write_html_form(hostile, DEPT, tmp_path / "f.html", member="m", fiscal_year=2023)
    doc = p.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(doc)
    assert parser.tags.count("script") == 1  # only the form's own script
    assert "img" not in parser.tags
    assert "alert(" not in "".join(parser.scripts).replace(r"\u003c", "<").split("DEPARTMENT")[0]
    m = re.search(r"var DEPARTMENT = (.*?);\n", doc)
    import json

    assert json.loads(m.group(1)) == DEPT
    assert "</script><script>" not in m.group(1)


def test_workbooks_and_distribution_hold_no_live_formula(inst, tmp_path):
    hostile = _hostile_instrument(inst)
    contacts = pd.DataFrame({"department": [LINK], "contact": [LINK], "email": ["@SUM(A1)"]})
    files = survey.write_department_files(
        hostile, [LINK, DEPT], tmp_path, member="m", fiscal_year=2023, contacts=contacts
    )
    n_formula = 0
    for wbk in files["workbook"]:
        wb = openpyxl.load_workbook(wbk)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    n_formula += c.data_type == "f"
                    if isinstance(c.value, str):
                        assert not c.value.startswith(("=", "+", "@")), (ws.title, c.coordinate)
    assert n_formula == 0
    text = (tmp_path / "distribution.csv").read_text(encoding="utf-8")
    for cell in (c for line in text.splitlines() for c in line.split(",")):
        assert not cell.startswith(("=", "+", "-", "@")), cell
    # and everything reads back exactly as given
    dist = survey.read_distribution(tmp_path)
    assert dist["department"].tolist() == [LINK, DEPT]
    assert dist.loc[0, "contact"] == LINK
    back = survey.read_return(files["workbook"].iloc[0])
    assert back["department"].iloc[0] == LINK
    assert back["question_id"].iloc[0] == hostile.questions["question_id"].iloc[0]
    again = survey.load_instrument(
        hostile.to_csv(tmp_path / "inst.csv"),
        factor_codes=["324110"] + list(hostile.questions["naics6"]),
    )
    assert again.questions["category"].iloc[3] == LINK


def _return(inst, path: Path, answers: dict) -> Path:
    return survey.write_workbook(
        inst, "Public Works", path, member="m", fiscal_year=2023, answers=answers
    )


def _base_answers() -> dict:
    return {"Q01": "yes", "Q02": 1200, "Q03": 12, "Q20": "none"}


def test_row_below_the_table_is_reported(inst, tmp_path):
    p = _return(inst, tmp_path / "m_survey_FY2023_public_works.xlsx", _base_answers())
    wb = openpyxl.load_workbook(p)
    ws = wb["Survey"]
    n = ws.max_row + 2
    ws.cell(n, 4, "TOTAL fuel incl. annex")
    ws.cell(n, 5, "gal")
    ws.cell(n, 6, 4200)
    ws.cell(3, 12, "see annex")  # a note beside the table
    wb.create_sheet("Annex").append(["extra fuel", 300])
    wb.save(p)
    res = survey.ingest_returns("m", tmp_path, instrument=inst)
    pr = res.problems.set_index("issue")
    row = pr.loc["row_not_read"]
    assert row["cell"] == f"A{n}" and "4200" in row["message"]
    assert "TOTAL fuel incl. annex" in row["message"]
    assert (
        pr.loc["cell_not_read", "cell"] == "L3"
        and "see annex" in pr.loc["cell_not_read", "message"]
    )
    assert "Annex" in pr.loc["sheet_not_read", "message"]


def _set_cached_value(path: Path, cell: str, value: str) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            blob = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":  # Survey (after Instructions)
                blob = re.sub(
                    rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f><v\s*/>'.encode(),
                    rb"\1<f>\2</f><v>" + value.encode() + b"</v>",
                    blob,
                )
            dst.writestr(item, blob)
    shutil.move(tmp, path)


def test_formula_answers_are_reported_with_or_without_saved_value(inst, tmp_path):
    p = _return(inst, tmp_path / "m_survey_FY2023_public_works.xlsx", _base_answers())
    wb = openpyxl.load_workbook(p)
    ws = wb["Survey"]
    row = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(row["Q02"], 6).value = "=1000+200"  # required, formula without a saved result
    ws.cell(row["Q05"], 6).value = "=2100*2"
    wb.save(p)
    _set_cached_value(p, f"F{row['Q05']}", "4200")
    res = survey.ingest_returns("m", tmp_path, instrument=inst)
    a = res.answers.set_index("question_id")
    assert a.at["Q02", "status"] == "formula_not_calculated"
    assert a.at["Q05", "status"] == "ok" and a.at["Q05", "value"] == 4200
    issues = res.problems.groupby("question_id")["issue"].apply(set)
    assert issues["Q02"] == {"formula_not_calculated"}  # not "required but has no answer"
    assert issues["Q05"] == {"formula"}
    msg = res.problems.set_index("question_id").at["Q02", "message"]
    assert "=1000+200" in msg and "save" in msg


def test_negative_and_implausible_quantities_are_flagged(inst, tmp_path):
    answers = {**_base_answers(), "Q05": -69, "Q07": 5e9}
    _return(inst, tmp_path / "m_survey_FY2023_public_works.xlsx", answers)
    res = survey.ingest_returns("m", tmp_path, instrument=inst)
    a = res.answers.set_index("question_id")
    assert a.at["Q05", "status"] == "negative_quantity" and pd.isna(a.at["Q05", "value"])
    assert a.at["Q07", "status"] == "implausible_quantity"
    assert "-69" in res.problems.set_index("question_id").at["Q05", "message"]


def test_a_broken_return_is_reported_and_the_others_read(data_dir, tmp_path):
    src = survey.returns_folder("cedar_valley")
    folder = tmp_path / "returns"
    shutil.copytree(src, folder)
    victim = sorted(folder.glob("*.xlsx"))[0]
    wb = openpyxl.load_workbook(victim)
    del wb["Survey"]
    wb.save(victim)
    before = survey.ingest_returns("cedar_valley")
    res = survey.ingest_returns("cedar_valley", folder)
    assert res.answers["file"].nunique() == before.answers["file"].nunique() - 1
    bad = res.problems[res.problems["issue"] == "unreadable_file"]
    assert len(bad) == 1 and victim.name in bad["message"].iloc[0]
    dept = bad["department"].iloc[0]
    row = res.tracker.set_index("department").loc[dept]
    assert bool(row["returned"]) and "cannot be read" in row["status"]
