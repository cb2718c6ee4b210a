"""Exclusions, duplicates, voids/reissues, split invoices, credit memos, capital."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohort_helpers import exclude as E
from cohort_helpers import ledger as L
from cohort_helpers import vocabulary

FX = Path(__file__).parent / "fixtures" / "ledgers"
RULES_DIR = FX / "classify"


@pytest.fixture(scope="module")
def rules() -> E.Rules:
    return E.load_rules(RULES_DIR, chart="cedar_test")


@pytest.fixture(scope="module")
def us_lines() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", L.LedgerWarning)
        return L.read_ledger(FX / "us_commas.csv", FX / "us_commas.yaml")


@pytest.fixture(scope="module")
def us_excl(us_lines, rules) -> pd.DataFrame:
    return E.apply_exclusions(us_lines, rules).set_index("source_line")


def test_vocabulary_matches_contract():
    contract = (Path(__file__).parents[1] / "docs" / "CONTRACTS.md").read_text()
    for r in vocabulary.REASONS:
        assert f"`{r}`" in contract


def test_statuses_reasons_and_methods(us_excl):
    x = us_excl
    assert set(x["status"]) == {"included", "excluded"}
    assert x.loc[14, ["status", "reason", "exclusion_method"]].tolist() == [
        "excluded",
        "payroll_benefits",
        "object_code",
    ]
    assert x.loc[13, "reason"] == "scope12_electricity"  # object code 5410 (vendor agrees)
    assert x.loc[21, ["reason", "exclusion_method"]].tolist() == ["scope12_fuel", "keyword"]
    assert x.loc[25, ["reason", "exclusion_method"]].tolist() == ["refund", "keyword"]
    assert x.loc[5, "status"] == "included" and pd.isna(x.loc[5, "reason"])
    assert pd.isna(x.loc[5, "exclusion_method"])
    for c in ("status", "reason", "exclusion_method"):
        assert x[c].dtype == "str"


def test_duplicate_first_kept_repeat_flagged(us_excl):
    assert us_excl.loc[10, "status"] == "included"
    assert us_excl.loc[11, ["status", "reason", "exclusion_method"]].tolist() == [
        "excluded",
        "duplicate",
        "duplicate",
    ]


def test_void_pair_excluded_reissue_included(us_excl):
    assert us_excl.loc[15, "reason"] == "void"  # the original payment
    assert us_excl.loc[16, "reason"] == "void"  # its VOID line
    assert us_excl.loc[17, "status"] == "included"  # the reissue


def test_split_invoice_is_not_a_duplicate(us_excl):
    assert us_excl.loc[18, "status"] == "included"
    assert us_excl.loc[19, "status"] == "included"


def test_credit_memos_stay_included_and_negative(us_excl):
    assert us_excl.loc[7, "status"] == "included" and us_excl.loc[7, "amount"] == -123.45
    assert us_excl.loc[20, "status"] == "included" and us_excl.loc[20, "amount"] == -25.0


def test_capital_from_object_code_and_flag(us_excl):
    assert us_excl.loc[22, "scope3_category"] == 2  # object code 5610 is capital
    assert us_excl.loc[5, "scope3_category"] == 1
    assert us_excl["scope3_category"].dtype == "Int64"


def test_capital_flag_column_wins(rules):
    lines = pd.DataFrame(
        {
            "source_file": "x.csv",
            "source_line": [2, 3, 4],
            "vendor": ["A", "B", "C"],
            "account": ["5610", "5201", "5201"],
            "description": ["", "", "new ambulance"],
            "amount": [1.0, 2.0, 3.0],
            "capital_flag": pd.array([False, True, pd.NA], dtype="boolean"),
        }
    )
    out = E.apply_exclusions(lines, rules)
    assert out["scope3_category"].tolist() == [1, 2, 2]  # flag, flag, keyword (capital=1)


def test_void_without_status_needs_reference(rules):
    base = {
        "source_file": "v.csv",
        "vendor": ["Acme", "Acme", "Acme"],
        "account": ["5201"] * 3,
        "description": ["paper"] * 3,
        "date": pd.to_datetime(["2021-07-01", "2021-07-02", "2021-07-03"]),
    }
    # exact cancel of an earlier payment on the same invoice
    lines = pd.DataFrame(
        base
        | {
            "source_line": [2, 3, 4],
            "invoice": ["I1", "I1", "I2"],
            "amount": [100.0, -100.0, -100.0],
        }
    )
    out = E.apply_exclusions(lines, rules)
    assert out["reason"].tolist()[:2] == ["void", "void"]
    assert out["status"].iloc[2] == "included"  # other invoice: a credit memo
    # without invoice or payment columns, a plain negative is a credit memo
    lines2 = pd.DataFrame(base | {"source_line": [2, 3, 4], "amount": [100.0, -100.0, 5.0]})
    assert (E.apply_exclusions(lines2, rules)["status"] == "included").all()
    # a negative before its positive cancels nothing
    lines3 = pd.DataFrame(
        base | {"source_line": [2, 3, 4], "invoice": ["I1"] * 3, "amount": [-100.0, 100.0, 7.0]}
    )
    assert (E.apply_exclusions(lines3, rules)["status"] == "included").all()


def test_vendor_spelled_five_ways():
    names = pd.Series(
        [
            "Grainger, W W",
            "W.W. Grainger Inc.",
            "WW GRAINGER",
            "W W Grainger, Inc",
            "w.w. grainger, inc",
        ]
    )
    assert E.normalise_vendor(names).unique().tolist() == ["ww grainger"]
    assert E.normalise_vendor(
        pd.Series(["Springfield, City of", "Acme & Sons, LLC", "The Home Depot"])
    ).tolist() == [
        "city of springfield",
        "acme sons",
        "home depot",
    ]
    assert pd.isna(E.normalise_vendor(pd.Series([None], dtype="str")).iloc[0])


def test_match_vendors_exact_then_fuzzy(rules):
    got = E.match_vendors(
        pd.Series(["Grainger, W W", "Grainger W.W. Inc", "Acme Ofice Supply", "Nobody"]), rules
    )
    assert got["vendor_canonical"].tolist()[:3] == [
        "W.W. Grainger",
        "W.W. Grainger",
        "Acme Office Supply",
    ]
    assert got["vendor_method"].tolist()[:3] == ["vendor", "vendor_fuzzy", "vendor_fuzzy"]
    assert 90 <= got["vendor_score"].iloc[2] < 100
    assert pd.isna(got["vendor_canonical"].iloc[3]) and got["vendor_row"].iloc[3] == -1


def test_keyword_priority(rules):
    kw = E.match_keywords(
        pd.Series(["refund of fuel deposit", "diesel", "nothing", None]), rules.keywords
    )
    pats = rules.keywords["pattern"].to_numpy()
    assert pats[kw["kw_row"].iloc[0]] == r"\brefund\b"  # priority 50 beats fuel (40)
    assert pats[kw["kw_row"].iloc[1]].startswith("gasoline")
    assert kw["kw_row"].tolist()[2:] == [-1, -1]


def test_object_code_lookup_zero_and_prefix():
    rules = E.load_rules(RULES_DIR, chart="kostra_t")
    lines = pd.DataFrame(
        {
            "vendor": ["A"] * 5,
            "amount": [1.0] * 5,
            "account": ["010", "10", "120-10", "999", "12010"],
        }
    )
    hits = E.rule_hits(lines, rules)
    assert hits["oc_reason"].tolist()[:2] == ["payroll_benefits", "payroll_benefits"]
    assert hits["oc_naics6"].iloc[2] == "4539"  # sub-account 120-10 under art 120
    assert pd.isna(hits["oc_naics6"].iloc[3])
    # more digits make another code, never a sub-account (issue 12: 5-digit konto)
    assert pd.isna(hits["oc_naics6"].iloc[4]) and pd.isna(hits["oc_reason"].iloc[4])


def test_load_rules_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        E.load_rules(tmp_path / "missing")
    with pytest.raises(E.RulesError, match=r"no chart 'cedar_tst'\. Did you mean 'cedar_test'"):
        E.load_rules(RULES_DIR, chart="cedar_tst")
    d = tmp_path / "r"
    d.mkdir()
    (d / "vendors.csv").write_text("vendor,naics6,exclude_reason,confidence\nAcme,12345678,,0.9\n")
    with pytest.raises(
        E.RulesError, match=r"vendors\.csv, row 2, column 'naics6': '12345678'"
    ) as e:
        E.load_rules(d)
    assert (e.value.file, e.value.row, e.value.column) == ("vendors.csv", 2, "naics6")
    (d / "vendors.csv").write_text("vendor,naics6,exclude_reason,confidence\nAcme,,payroll,0.9\n")
    with pytest.raises(E.RulesError, match=r"row 2, column 'exclude_reason': 'payroll'"):
        E.load_rules(d)
    (d / "vendors.csv").write_text("vendor,naics6,exclude_reason,confidence\nAcme,,,0.9\n")
    (d / "keywords.csv").write_text(
        "pattern,naics6,exclude_reason,capital,language,priority,confidence\n(unclosed,11,,,en,1,0.5\n"
    )
    with pytest.raises(
        E.RulesError, match=r"keywords\.csv, row 2, column 'pattern'.*regular expression"
    ):
        E.load_rules(d)
    (d / "keywords.csv").write_text("naics6\n1\n")
    with pytest.raises(E.RulesError, match=r"keywords\.csv: missing column\(s\) pattern"):
        E.load_rules(d)


def test_several_charts_without_choice_skip_object_codes():
    r = E.load_rules(RULES_DIR)
    assert r.chart is None and len(r.object_codes) == 0
    assert r.charts == ("cedar_test", "kostra_t")


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------

_VENDORS = [
    "Acme Office Supply LLC",
    "Grainger, W W",
    "Pacific Power & Light",
    "Nobody",
    "Blue Ridge Paving",
]
_ACCOUNTS = ["5101", "5201", "5210", "5310", "5410", "5610", "5990"]
_DESCR = ["paper", "diesel", "refund of deposit", "asphalt", None, "new ambulance"]


def _lines_strategy():
    row = st.tuples(
        st.sampled_from(_VENDORS),
        st.sampled_from(_ACCOUNTS),
        st.sampled_from(_DESCR),
        st.sampled_from(["I1", "I2", "I3", None]),
        st.integers(min_value=0, max_value=3),
        st.integers(min_value=-5000_00, max_value=5000_00).filter(lambda c: c != 0),
        st.sampled_from([None, None, "VOID"]),
    )
    return st.lists(row, min_size=1, max_size=40)


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_file": "p.csv",
            "source_line": np.arange(2, len(rows) + 2),
            "vendor": [r[0] for r in rows],
            "account": [r[1] for r in rows],
            "description": pd.Series([r[2] for r in rows], dtype="str"),
            "invoice": pd.Series([r[3] for r in rows], dtype="str"),
            "date": pd.Timestamp("2021-07-01") + pd.to_timedelta([r[4] for r in rows], unit="D"),
            "amount": [r[5] / 100 for r in rows],
            "status_text": pd.Series([r[6] for r in rows], dtype="str"),
        }
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=_lines_strategy(), seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_row_order_does_not_change_results(rules, rows, seed):
    lines = _frame(rows)
    a = E.apply_exclusions(lines, rules).set_index("source_line").sort_index()
    shuffled = lines.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    b = E.apply_exclusions(shuffled, rules).set_index("source_line").sort_index()
    cols = ["status", "reason", "exclusion_method", "scope3_category"]
    pd.testing.assert_frame_equal(a[cols], b[cols])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=_lines_strategy())
def test_spend_is_conserved(rules, rows):
    from cohort_helpers import classify as C

    lines = _frame(rows)
    out = C.classify(lines, rules)
    assert len(out) == len(lines)
    c = np.array([r[5] for r in rows], dtype=np.int64)
    got = np.rint(out["amount"].to_numpy() * 100).astype(np.int64)
    parts = {
        s: int(got[(out["status"] == s).to_numpy()].sum())
        for s in ("included", "excluded", "unclassified")
    }
    assert set(out["status"]) <= set(parts)
    assert int(c.sum()) == sum(parts.values())
    assert out["reason"].notna().eq(out["status"] == "excluded").all()
