"""One safe writer per format: payloads go in, nothing runs when the file is opened."""

from __future__ import annotations

import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cohort_helpers import inventory, safe_files

PAYLOADS = [
    '=HYPERLINK("http://x","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "</script><script>alert(2)</script>",
    '"><img src=x onerror=alert(1)>',
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "vendor": PAYLOADS,
            "amount": np.arange(len(PAYLOADS), dtype=float) - 3,
            "flag": [True, False] * (len(PAYLOADS) // 2),
            "code": pd.Series(["=cmd"] * len(PAYLOADS), dtype="category"),
        }
    )


def test_neutralise_changes_only_risky_text_and_keeps_numbers():
    df = _frame()
    out = safe_files.neutralise(df)
    risky = [p for p in PAYLOADS if safe_files.is_risky(p)]
    assert len(risky) == 6
    assert all(v.startswith("'") for v in out["vendor"][: len(risky)])
    assert out["vendor"].iloc[-1] == PAYLOADS[-1]  # HTML payloads are not spreadsheet formulas
    assert out["amount"].tolist() == df["amount"].tolist()  # negative numbers stay numbers
    assert list(out["code"].unique()) == ["'=cmd"]
    assert df["vendor"].tolist() == PAYLOADS  # input untouched
    assert [safe_files.restore_text(v) for v in out["vendor"]] == PAYLOADS


def test_csv_writer_round_trip_and_no_formula(tmp_path):
    p = safe_files.write_csv(_frame(), tmp_path / "t.csv")
    back = pd.read_csv(p, keep_default_na=False)
    for v in back["vendor"]:
        assert not v.startswith(safe_files.FORMULA_START), v
    assert not list(tmp_path.glob(".*part"))  # no temporary file left


def test_big_csv_takes_the_fast_path_and_reads_back_the_same(tmp_path):
    n = safe_files.FAST_CSV_ROWS + 10
    df = pd.DataFrame(
        {
            "vendor": np.where(np.arange(n) % 1000 == 0, "=HYPERLINK(1)", "ACME"),
            "amount": np.round(np.linspace(-500, 500, n), 2),
            "flag": np.arange(n) % 2 == 0,
            "date": pd.Timestamp("2022-03-01"),
        }
    )
    p = safe_files.write_csv(df, tmp_path / "big.csv")
    back = pd.read_csv(p)
    assert len(back) == n
    assert back["vendor"].str.startswith("=").sum() == 0
    assert (back["vendor"] == "'=HYPERLINK(1)").sum() == len(range(0, n, 1000))
    assert np.allclose(back["amount"], df["amount"])
    assert back["flag"].tolist()[:2] == [True, False]
    assert back["date"].iloc[0] == "2022-03-01"


def test_xlsx_writer_has_no_formula_cells(tmp_path):
    p = tmp_path / "t.xlsx"
    safe_files.write_xlsx(p, {"lines": _frame(), "=bad": pd.DataFrame({"a": ["=1"]})})
    wb = openpyxl.load_workbook(p)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    for c in cells:
        if isinstance(c.value, str):
            assert not c.value.startswith(safe_files.FORMULA_START), c.value
    assert [c.value for c in wb["lines"]["B"]][1:] == list(np.arange(8.0) - 3)


def test_xlsx_row_limit_writes_a_note_row(tmp_path):
    p = tmp_path / "t.xlsx"
    rows = safe_files.write_xlsx(
        p, {"lines": pd.DataFrame({"a": range(10)})}, max_rows=4, note="see lines.csv"
    )
    assert rows == {"lines": 4}
    ws = openpyxl.load_workbook(p)["lines"]
    values = [r[0] for r in ws.iter_rows(values_only=True)]
    assert values[:5] == ["a", 0, 1, 2, 3]
    assert values[5].startswith("Only the first 4 of 10 rows") and "see lines.csv" in values[5]


def test_inventory_workbook_limit_and_old_name(tmp_path):
    assert inventory.safe_for_spreadsheet is safe_files.neutralise
    p = tmp_path / "inv.xlsx"
    rows = inventory.write_workbook(
        p, {"lines": pd.DataFrame({"a": range(5)})}, {"Note": "=1+1"}, max_rows=3
    )
    assert rows == {"README": 1, "lines": 3}
    ws = openpyxl.load_workbook(p)["lines"]
    assert "lines.csv" in list(ws.iter_rows(values_only=True))[-1][0]


def test_openpyxl_workbook_neutraliser(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, v in enumerate(PAYLOADS, start=1):
        ws.cell(i, 1, v)
    assert ws["A1"].data_type == "f"  # what openpyxl does by itself
    assert safe_files.neutralise_workbook(wb) == 6
    wb.save(tmp_path / "x.xlsx")
    back = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert not [c for row in back.active.iter_rows() for c in row if c.data_type == "f"]


def test_script_json_cannot_close_the_script():
    text = safe_files.script_json({"d": "</script><script>alert(2)</script>", "a": "x & y"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"d": "</script><script>alert(2)</script>", "a": "x & y"}
    assert safe_files.html_text('<b a="1">') == "&lt;b a=&quot;1&quot;&gt;"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_text_never_opens_a_tag(payload):
    assert not re.search(r"<\w", safe_files.html_text(payload))


def test_policy_brief_markdown_and_html_carry_no_markup(tmp_path, data_dir):
    from cohort_helpers import policy

    summary = pd.DataFrame(
        {"spend_usd": [1e6, 2e6], "t_co2e": [900.0, 200.0]},
        index=pd.Index(["327320", "541330"], name="naics6"),
    )
    r = policy.apply_scenario(summary, policy.load_measures(), 2026)
    out = policy.policy_brief(
        tmp_path / "brief",
        member="</script><script>alert(2)</script>",
        scenario=r,
        path=policy.target_path(r.baseline_t, 2022, 2030, 0.5),
        hot_spots=summary.assign(kg_per_usd=summary["t_co2e"] * 1000 / summary["spend_usd"]),
        assumptions=["<img src=x onerror=alert(1)>", LINK],
    )
    for f in (out.markdown, out.html):
        text = f.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(2)" in text


LINK = '=HYPERLINK("http://x","click")'


def test_more_rows_than_excel_holds_are_cut_not_an_error(tmp_path, monkeypatch):
    """The 2,000,000-line case: the workbook gets what Excel holds and a note row.

    Excel's row limit is shrunk to 12 here (writing a real million rows takes
    minutes; the next test ties the constant to the limit xlsxwriter enforces).
    """
    monkeypatch.setattr(safe_files, "EXCEL_MAX_ROWS", 12)
    p = tmp_path / "big.xlsx"
    rows = safe_files.write_xlsx(p, {"lines": pd.DataFrame({"a": np.arange(17)})}, note="see csv")
    assert rows == {"lines": 10}
    ws = openpyxl.load_workbook(p, read_only=True)["lines"]
    assert ws.max_row == 12
    values = [r[0] for r in ws.iter_rows(values_only=True)]
    assert values[1:11] == list(range(10))
    assert values[-1].startswith("Only the first 10 of 17 rows") and "see csv" in values[-1]


def test_excel_row_limit_is_the_one_xlsxwriter_enforces(tmp_path):
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = wb.add_worksheet()
    assert safe_files.EXCEL_MAX_ROWS == ws.xls_rowmax == 1_048_576
    assert ws.write_number(safe_files.EXCEL_MAX_ROWS - 1, 0, 1) == 0  # the last row Excel holds
    assert ws.write_number(safe_files.EXCEL_MAX_ROWS, 0, 1) == -1  # one more: refused
    wb.close()
