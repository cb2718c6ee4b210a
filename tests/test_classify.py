"""Classification: method order, overrides, coarse codes, accuracy against ground truth."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import classify as C
from cohort_helpers import exclude as E
from cohort_helpers import ledger as L
from cohort_helpers import vocabulary

FX = Path(__file__).parent / "fixtures" / "ledgers"


@pytest.fixture(scope="module")
def rules() -> E.Rules:
    return E.load_rules(FX / "classify", chart="cedar_test")


@pytest.fixture(scope="module")
def us_lines() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", L.LedgerWarning)
        return L.read_ledger(FX / "us_commas.csv", FX / "us_commas.yaml")


@pytest.fixture(scope="module")
def us_classified(us_lines, rules) -> pd.DataFrame:
    return C.classify(us_lines, rules).set_index("source_line")


def test_methods_in_order(us_classified):
    x = us_classified
    assert x.loc[5, ["naics6", "method"]].tolist() == ["423840", "vendor"]  # "Grainger, W W"
    assert x.loc[8, ["naics6", "method"]].tolist() == ["423840", "vendor_fuzzy"]  # word order
    assert x.loc[24, ["naics6", "method"]].tolist() == ["722511", "mcc"]  # P-card, no vendor
    assert x.loc[22, ["naics6", "method"]].tolist() == ["336110", "keyword"]  # beats object code
    # "Misc": a purchase of unknown kind, placed by the purchasing profile (contract C5)
    assert x.loc[26, ["status", "naics6", "method", "method_basis", "confidence"]].tolist() == [
        "included",
        "GSLGO",
        "profile",
        "phrase",
        0.15,
    ]
    # excluded lines carry no classification
    assert (
        pd.isna(x.loc[14, "naics6"])
        and pd.isna(x.loc[14, "method"])
        and np.isnan(x.loc[14, "confidence"])
    )
    assert set(x["method"].dropna()) <= set(vocabulary.CLASSIFICATION_METHODS)
    assert x["confidence"].dropna().between(0, 1).all()


def test_vendor_beats_keyword_and_object_code(us_classified):
    # Blue Ridge Paving: vendor list (324121) wins over keyword "asphalt" and object code 5310
    assert us_classified.loc[17, ["naics6", "method", "confidence"]].tolist() == [
        "324121",
        "vendor",
        0.85,
    ]


def test_object_code_and_coarse_codes(rules):
    lines = pd.DataFrame(
        {
            "source_file": "o.csv",
            "source_line": [2, 3],
            "vendor": ["Unknown A", "Unknown B"],
            "account": ["5320", "5330"],
            "description": ["services", "services"],
            "amount": [10.0, 20.0],
        }
    )
    out = C.classify(lines, rules)
    assert out["naics6"].tolist() == ["5416", "541330"]
    # a coarse code is a profile placement (contract C5), its confidence capped at 0.4
    assert out["method"].tolist() == ["profile", "object_code"]
    assert out["method_basis"].tolist()[0] == "object_code"
    assert out["naics_coarse"].tolist() == [True, False]
    assert out["confidence"].tolist() == [0.4, 0.8]


def test_fuzzy_confidence_scales_with_score(rules):
    lines = pd.DataFrame(
        {
            "source_file": "f.csv",
            "source_line": [2, 3],
            "vendor": ["Acme Ofice Supply", "Acme Office Supply"],
            "amount": [1.0, 1.0],
        }
    )
    out = C.classify(lines, rules)
    assert out["method"].tolist() == ["vendor_fuzzy", "vendor"]
    assert out["confidence"].iloc[0] < out["confidence"].iloc[1] == 0.9
    # half the list's confidence at the threshold (90), all of it at 100
    score = out["vendor_score"].iloc[0]
    assert 90 <= score < 100
    assert out["confidence"].iloc[0] == pytest.approx(0.9 * (0.5 + 0.5 * (score - 90) / 10))


def test_fuzzy_threshold_is_a_parameter(rules):
    lines = pd.DataFrame(
        {
            "source_file": "f.csv",
            "source_line": [2],
            "vendor": ["Acme Ofice Supply"],
            "amount": [1.0],
        }
    )
    strict = C.classify(lines, rules, fuzzy_threshold=99.5).iloc[0]
    # no fuzzy vendor match at 99.5; "Supply" still says it is a firm: a purchase of
    # unknown kind placed by the profile (issue 12: unclassified only when nothing says so)
    assert strict["method"] == "profile" and strict["vendor_canonical"] != "Acme Office Supply"
    assert C.classify(lines, rules)["method"].iloc[0] == "vendor_fuzzy"


# ---------------------------------------------------------------------------
# overrides
# ---------------------------------------------------------------------------


def test_overrides_win_over_everything(us_lines, rules, tmp_path):
    p = tmp_path / "overrides.csv"
    p.write_text(
        "source_file,source_line,naics6,exclude_reason,note\n"
        "us_commas.csv,14,541211,,payroll service bureau, not wages\n"  # excluded -> included
        "us_commas.csv,5,,land,\n"  # included -> excluded
        "C:\\exports\\us_commas.csv,26,339940,,\n"  # unclassified -> classified; path is ignored
        "other.csv,5,111111,,not this ledger\n",
        encoding="utf-8",
    )
    # the unquoted comma in the note is a problem the loader reports
    with pytest.raises(
        C.OverrideError, match=r"overrides\.csv, row 2: 6 cells but the header has 5"
    ):
        C.load_overrides(p)
    p.write_text(
        "source_file,source_line,naics6,exclude_reason,note\n"
        'us_commas.csv,14,541211,,"payroll service bureau, not wages"\n'
        "us_commas.csv,5,,land,\n"
        "C:\\exports\\us_commas.csv,26,339940,,\n"
        "other.csv,5,111111,,not this ledger\n",
        encoding="utf-8",
    )
    ov = C.load_overrides(p)
    assert ov["source_line"].tolist() == [14, 5, 26, 5]
    out = C.classify(us_lines, rules, overrides=p).set_index("source_line")
    assert out.loc[14, ["status", "naics6", "method", "confidence"]].tolist() == [
        "included",
        "541211",
        "override",
        1.0,
    ]
    assert pd.isna(out.loc[14, "reason"])
    assert out.loc[5, ["status", "reason", "exclusion_method"]].tolist() == [
        "excluded",
        "land",
        "override",
    ]
    assert pd.isna(out.loc[5, "naics6"])
    assert out.loc[26, ["status", "naics6", "method"]].tolist() == [
        "included",
        "339940",
        "override",
    ]
    # also through apply_exclusions
    ex = E.apply_exclusions(us_lines, rules, overrides=ov).set_index("source_line")
    assert ex.loc[5, "exclusion_method"] == "override" and ex.loc[14, "status"] == "included"


@pytest.mark.parametrize(
    "body, match",
    [
        ("source_file,naics6\nx.csv,111111\n", r"missing column\(s\) source_line"),
        (
            "source_file,source_line,naics6,exclude_reason\nx.csv,abc,111111,\n",
            r"row 2, column 'source_line': 'abc'",
        ),
        (
            "source_file,source_line,naics6,exclude_reason\nx.csv,3,1111111,\n",
            r"row 2, column 'naics6': '1111111'",
        ),
        (
            "source_file,source_line,naics6,exclude_reason\nx.csv,3,,wages\n",
            r"row 2, column 'exclude_reason': 'wages'",
        ),
        (
            "source_file,source_line,naics6,exclude_reason\nx.csv,3,111111,land\n",
            r"row 2, column 'exclude_reason'.*one or the other",
        ),
        (
            "source_file,source_line,naics6,exclude_reason\nx.csv,3,,\n",
            r"row 2, column 'naics6'.*blank",
        ),
        (
            "source_file,source_line,naics6,exclude_reason\nx.csv,3,111111,\nx.csv,3,222222,\n",
            r"row 3: x\.csv line 3 is already overridden in row 2",
        ),
        (
            "source_file,source_line,naics6,exclude_reason\n,3,111111,\n",
            r"row 2, column 'source_file'",
        ),
    ],
)
def test_override_validation(tmp_path, body, match):
    p = tmp_path / "ov.csv"
    p.write_text(body)
    with pytest.raises(C.OverrideError, match=match) as e:
        C.load_overrides(p)
    assert e.value.file == "ov.csv"


def test_override_blank_rows_ignored_and_semicolons(tmp_path):
    p = tmp_path / "ov.csv"
    p.write_text("source_file;source_line;naics6;exclude_reason;note\nx.csv;3;111111;;\n;;;;\n")
    assert len(C.load_overrides(p)) == 1


# ---------------------------------------------------------------------------
# accuracy
# ---------------------------------------------------------------------------


def test_accuracy_measures(us_lines, rules):
    out = C.classify(us_lines, rules)
    truth = pd.DataFrame(
        {
            "source_file": out["source_file"],
            "source_line": out["source_line"],
            "true_status": np.where(out["status"] == "excluded", "excluded", "included"),
            "true_reason": out["reason"],
            "true_naics6": out["naics6"],
            "true_capital": (out["scope3_category"] == 2).astype(int),
        }
    )
    # the unclassified line's truth, a coarse code's truth, and one wrong code
    truth.loc[truth["source_line"] == 26, "true_naics6"] = "339940"
    truth.loc[truth["source_line"] == 5, "true_naics6"] = "423841"
    acc = C.accuracy(out, truth)
    inc = truth["true_status"] == "included"
    w = out["amount"].abs()
    total = w[inc].sum()
    assert acc.lines == acc.lines_matched == len(out)
    # the "Misc" line (10.0) is placed by the profile (GSLGO): classified, not the true code
    assert acc.share_classified == pytest.approx(1.0)
    assert acc.share_naics_strict == pytest.approx(1 - (10.0 + 1234.56) / total)
    assert acc.share_naics_prefix == pytest.approx(acc.share_naics_strict)
    assert acc.exclusion_agreement_spend == 1.0 and acc.reason_agreement_spend == 1.0
    assert acc.capital_agreement_spend == 1.0
    assert acc.mismatches["spend"].iloc[0] == pytest.approx(1234.56)
    assert set(acc.as_dict()) >= {"share_classified", "share_naics_strict"}
    # coarse prediction matching the true prefix counts in the prefix measure only
    out2 = out.copy()
    out2.loc[out2["source_line"] == 6, "naics6"] = "4238"
    acc2 = C.accuracy(out2, truth)
    assert acc2.share_naics_prefix > acc2.share_naics_strict
    # a wrong exclusion shows up in the reason table
    truth2 = truth.copy()
    truth2.loc[truth2["source_line"] == 25, ["true_status", "true_reason"]] = ["included", np.nan]
    acc3 = C.accuracy(out, truth2)
    assert acc3.exclusion_agreement_spend < 1.0
    assert (acc3.reasons["true"] == "included").any()


def test_read_truth_gzip(tmp_path):
    import gzip

    p = tmp_path / "t.csv.gz"
    with gzip.open(p, "wt") as fh:
        fh.write(
            "source_file,source_line,true_status,true_reason,true_naics6,true_capital\na.csv,2,included,,011100,0\n"
        )
    t = C.read_truth(p)
    assert t["true_naics6"].iloc[0] == "011100" and t["source_line"].iloc[0] == 2


# ---------------------------------------------------------------------------
# the synthetic cohort (datasets/), when it has been built
# ---------------------------------------------------------------------------


def _cohort_member_years() -> list[dict]:
    """One item per ledger file of the synthetic cohort, from ``cohort datasets list``.

    Each tab-separated line names (among other fields) the ledger, its mapping
    (.yaml) and its truth file; member and fiscal year are taken from the
    fields or the file name.
    """
    import contextlib
    import io
    import re

    from cohort_helpers import paths

    try:
        root = paths.datasets_dir()
    except FileNotFoundError:
        return []
    if not (root / "classify").is_dir():
        return []
    index = root / "members" / "ledgers.csv"
    if (
        index.is_file()
    ):  # the generator's index: member, country, fiscal_year, ledger, mapping, truth
        df = pd.read_csv(index, dtype=str)

        def where(f: str) -> str:
            p = Path(f)
            return str(p if p.is_absolute() else root / p)

        return [
            {
                "member": r.member,
                "fiscal_year": r.fiscal_year,
                "ledger": where(r.ledger),
                "mapping": where(r.mapping),
                "truth": where(r.truth),
            }
            for r in df.itertuples()
        ]
    buf = io.StringIO()
    try:
        from cohort_helpers import cli

        with contextlib.redirect_stdout(buf):
            cli.main(["datasets", "list"])
    except (Exception, SystemExit):
        return []
    items = []
    for line in buf.getvalue().splitlines():
        fields = [f.strip() for f in line.split("\t")]
        files = [f for f in fields if re.search(r"\.(csv|xlsx|yaml|yml|gz)$", f)]
        truth = next((f for f in files if "truth" in Path(f).name), None)
        mapping = next((f for f in files if f.endswith((".yaml", ".yml"))), None)
        ledger = next((f for f in files if f not in (truth, mapping)), None)
        if not (truth and mapping and ledger):
            continue
        resolve = (
            (lambda f: f if Path(f).is_absolute() else str(root.parent / f))
            if not Path(ledger).exists()
            else (lambda f: f)
        )
        stem = Path(ledger).stem
        year = next((f for f in fields if re.fullmatch(r"(19|20)\d\d", f)), None)
        year = year or (re.findall(r"(?:19|20)\d\d", stem) or ["?"])[-1]
        member = next((f for f in fields if f and f in stem and not f.isdigit()), stem)
        items.append(
            {
                "member": member,
                "fiscal_year": year,
                "ledger": resolve(ledger),
                "mapping": resolve(mapping),
                "truth": resolve(truth),
            }
        )
    return items


def _chart_for(member: str, charts: tuple[str, ...]) -> str | None:
    if member in charts:
        return member
    try:
        from tools.synth._spec import get_member

        chart = get_member(member).chart
    except Exception:
        return None
    return chart if chart in charts else None


def _member_years(items: list[dict]) -> list[dict]:
    """Group ledger files (an AP export and, for some members, a P-card file) by member-year."""
    groups: dict[tuple[str, str], dict] = {}
    for it in items:
        g = groups.setdefault(
            (it["member"], str(it["fiscal_year"])),
            {"member": it["member"], "fiscal_year": str(it["fiscal_year"]), "files": []},
        )
        g["files"].append(it)
    return list(groups.values())


COHORT = _member_years(_cohort_member_years())


@pytest.mark.slow
@pytest.mark.skipif(
    not COHORT, reason="datasets/ has no synthetic cohort ledgers yet (cohort datasets build)"
)
@pytest.mark.parametrize("item", COHORT, ids=lambda it: f"{it['member']}-{it['fiscal_year']}")
def test_cohort_accuracy(item):
    """Targets on every member-year: >=95% of included spend classified, >=90% with the
    true NAICS-6, exclusions agreeing with the truth (>=99% of spend)."""
    charts = E.load_rules().charts
    rules = E.load_rules(chart=_chart_for(item["member"], charts))
    outs, truths = [], []
    for f in item["files"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", L.LedgerWarning)
            lines = L.read_ledger(f["ledger"], f["mapping"])
        outs.append(C.classify(lines, rules))
        truths.append(C.read_truth(f["truth"]))
    out = pd.concat(outs, ignore_index=True)
    acc = C.accuracy(out, pd.concat(truths, ignore_index=True))
    assert acc.lines_matched == acc.lines
    assert acc.share_classified >= 0.95, acc.as_dict()
    assert acc.share_naics_strict >= 0.90, acc.as_dict()
    assert acc.exclusion_agreement_spend >= 0.99, acc.as_dict()
