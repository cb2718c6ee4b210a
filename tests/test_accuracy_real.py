"""Accuracy on real labelled lines (issue 12, item 6): status and NAICS-3 agreement per file.

The labels (``tests/fixtures/real_labels``, made before any rule was tuned) hold the 50
largest lines of each real transaction-level export: vendor, amount and the account text
(``account_text``: the file's account/expense-type field first, then area, ProClass, etc.
joined with " | "). Lines are built from them alone: ``vendor``, ``amount``, each part of
``account_text`` in the role the file's mapping gives that column (``ROLES``: account
name, description or department), the currency from the file-name prefix (``uk_`` GBP,
``us_`` USD). The engine runs with the
general knowledge only (no cohort table, no chart).

Measures (by labelled amount):

- **status**: our status (``purchase`` = included, or the exclusion reason) equals the
  label. Lines labelled ``unknown`` are left out, and so are ``summary_row`` and
  ``duplicate`` labels: those depend on the reader's summary-row note and on invoice or
  check numbers, which the label files do not carry (they are tested on whole files);
- **binary**: purchase or not agrees;
- **naics3**: on lines labelled purchase with a NAICS-3, our code starts with it.

Each file's figures are printed. ``FLOORS`` holds what the engine measured when this test
was written (a regression guard); ``test_issue_targets`` states the issue's targets
(status >= 90%, NAICS-3 >= 80%) and is an expected failure for the files that do not
meet them yet (strict: it fails once they do, so the list is kept honest).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import classify, exclude

LABELS = Path(__file__).parent / "fixtures" / "real_labels"
FILES = sorted(p.stem for p in LABELS.glob("*.csv"))
CURRENCY = {"uk": "GBP", "us": "USD", "no": "NOK"}
#: Labels that need what the label files do not carry (reader notes, invoice numbers).
NOT_FROM_LABELS = ("unknown", "summary_row", "duplicate")

#: Measured when written (status, naics3), rounded down: the engine must not fall below.
FLOORS = {
    "uk_devon-county-council_2024-03": (0.97, 0.83),
    "uk_devon-county-council_2025-10": (0.96, 0.87),
    "uk_leeds-city-council_2020-06": (0.94, 0.74),
    "uk_oxford-city-council_2017-Q4": (0.99, 0.78),
    "uk_stockport-council_2014-09": (0.94, 0.43),
    "uk_tameside-council_2014-09": (0.95, 0.77),
    "uk_trafford-council_2014-09": (0.95, 0.82),
    "us_columbia-sc-city_2013-04": (0.94, 0.84),
    "us_richland-county-sc_2013-04": (0.97, 0.80),
}
TARGET = (0.90, 0.80)


#: What each part of a file's ``account_text`` is (real_labels/README.md, "Columns"), as the
#: file's mapping would name it: the account (expense type) first; None: left out.
ROLES = {
    "uk_devon-county-council_2024-03": ("account_name", "department", None),
    "uk_devon-county-council_2025-10": ("account_name", "department", None),
    "uk_leeds-city-council_2020-06": ("account_name", "description", "department", "description"),
    "uk_oxford-city-council_2017-Q4": ("account_name", "department", "description"),
    "uk_stockport-council_2014-09": ("account_name", "department"),
    "uk_tameside-council_2014-09": ("account_name", "department", "department", None),
    "uk_trafford-council_2014-09": ("account_name", "department", "description", "description"),
    "us_columbia-sc-city_2013-04": ("account_name", "description", "department"),
    "us_richland-county-sc_2013-04": ("account_name", "description", "description"),
}


def label_lines(stem: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(labels, ledger lines built from them) for one label file."""
    lab = pd.read_csv(LABELS / f"{stem}.csv", dtype=str, keep_default_na=False)
    parts = lab["account_text"].str.split(" | ", regex=False)
    cols: dict[str, list[str]] = {"account_name": [], "description": [], "department": []}
    for segs in parts:
        got: dict[str, list[str]] = {c: [] for c in cols}
        for role, seg in zip(ROLES[stem], segs, strict=False):
            if role and seg.strip():
                got[role].append(seg.strip())
        for c in cols:
            cols[c].append(" | ".join(got[c]) if got[c] else None)
    lines = pd.DataFrame(
        {
            "source_file": lab["source_file"],
            "source_line": lab["source_line"].astype("int64"),
            "vendor": lab["vendor"],
            "amount": lab["amount"].astype(float),
            **{c: pd.Series(v, dtype="str") for c, v in cols.items()},
            "currency": CURRENCY[stem[:2]],
        }
    )
    return lab, lines


def agreement(stem: str, rules: exclude.Rules) -> dict[str, float]:
    """Status, binary and NAICS-3 agreement (shares of labelled amount) for one file."""
    lab, lines = label_lines(stem)
    out = classify.classify(lines, rules)
    ours = np.where(
        out["status"] == "excluded",
        out["reason"].astype(str),
        np.where(out["status"] == "included", "purchase", "unknown"),
    )
    st = lab["status"].to_numpy(dtype=object)
    w = lines["amount"].abs().to_numpy()
    counted = ~np.isin(st, NOT_FROM_LABELS)
    n3 = lab["naics3"].to_numpy(dtype=object)
    pur = (st == "purchase") & (n3 != "")
    our3 = out["naics6"].astype("str").fillna("").str.slice(0, 3).to_numpy(dtype=object)
    ok3 = pur & (ours == "purchase") & (our3 == n3)

    def share(ok: np.ndarray, base: np.ndarray) -> float:
        return float(w[ok & base].sum() / w[base].sum()) if w[base].sum() else float("nan")

    return {
        "status": share(ours == st, counted),
        "binary": share((ours == "purchase") == (st == "purchase"), counted),
        "naics3": share(ok3, pur),
        "labelled": float(w.sum()),
    }


@pytest.fixture(scope="module")
def rules() -> exclude.Rules:
    return exclude.load_rules(knowledge=True)


@pytest.fixture(scope="module")
def figures(rules) -> pd.DataFrame:
    table = pd.DataFrame({s: agreement(s, rules) for s in FILES}).T
    with pd.option_context("display.width", 120):
        print("\nAgreement with the real labels (share of labelled amount):")
        print(table[["status", "binary", "naics3"]].round(3).to_string())
    return table


@pytest.mark.parametrize("stem", FILES)
def test_agreement_floor(figures, stem):
    got = figures.loc[stem]
    print(f"{stem}: status {got['status']:.1%}, NAICS-3 {got['naics3']:.1%}")
    status_floor, naics_floor = FLOORS[stem]
    assert got["status"] >= status_floor
    assert got["naics3"] >= naics_floor


#: Files that meet the issue's targets today (status and NAICS-3).
MEETS_TARGET: tuple[str, ...] = (
    "uk_devon-county-council_2024-03",
    "uk_devon-county-council_2025-10",
    "uk_trafford-council_2014-09",
    "us_columbia-sc-city_2013-04",
    "us_richland-county-sc_2013-04",
)


@pytest.mark.parametrize(
    "stem",
    [
        s if s in MEETS_TARGET else pytest.param(s, marks=pytest.mark.xfail(strict=True))
        for s in FILES
    ],
)
def test_issue_targets(figures, stem):
    got = figures.loc[stem]
    assert got["status"] >= TARGET[0] and got["naics3"] >= TARGET[1]


def test_every_label_file_has_a_floor():
    assert set(FILES) == set(FLOORS)


# ---------------------------------------------------------------------------
# whole files: coverage of purchase spend (needs ../shared/realdata)
# ---------------------------------------------------------------------------

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "ledgers"
MAPPINGS = Path(__file__).parent / "fixtures" / "real_mappings"
#: Transaction-level real exports (the Norwegian accounts files go through the screening path),
#: read with the mapping ``cohort mapping suggest`` proposes, or its edited copy in MAPPINGS.
COVERAGE_FILES = sorted(
    p.stem for p in REALDATA.glob("*") if REALDATA.is_dir() and not p.name.startswith("no_")
)
#: Share of purchase spend with a factor code (specific + profile), and specific, as measured.
COVERAGE_FLOORS = {
    "uk_devon-county-council_2024-03": (0.99, 0.70),
    "uk_devon-county-council_2025-10": (0.99, 0.78),
    "uk_leeds-city-council_2020-06": (0.99, 0.80),
    "uk_oxford-city-council_2017-Q4": (0.99, 0.71),
    "uk_stockport-council_2014-09": (0.99, 0.34),
    "uk_tameside-council_2014-09": (0.99, 0.68),
    "uk_trafford-council_2014-09": (0.99, 0.73),
    "us_columbia-sc-city_2013-04": (0.98, 0.81),
    "us_dallas-isd-tx_FY2022-FY2025-vendor-totals": (0.92, 0.36),
    "us_marblehead-ma-town_FY2026-ytd-vendor-totals": (0.88, 0.43),
    "us_richland-county-sc_2013-04": (0.84, 0.31),
}
#: Mapped files below issue 12's coverage target (>= 95% of purchase spend): Richland's lines
#: carry no account text (type | source | status only): payees known only by an acronym
#: (a workers' compensation trust, 7% of its AP spend) or by a name without any firm marker
#: stay unclassified.
BELOW_COVERAGE_TARGET = (
    "us_richland-county-sc_2013-04",
    # per-vendor totals: vendor names only; what is left are people's names (contractors,
    # tutors, refunds) and firms whose names say nothing (Marblehead: "ONE TIME PAY", 2.9%)
    "us_dallas-isd-tx_FY2022-FY2025-vendor-totals",
    "us_marblehead-ma-town_FY2026-ytd-vendor-totals",
)


#: Files that meet issue 12's specific target too (>= 70% of purchase spend by a specific method).
SPECIFIC_TARGET_MET = (
    "uk_devon-county-council_2024-03",
    "uk_devon-county-council_2025-10",
    "uk_leeds-city-council_2020-06",
    "uk_oxford-city-council_2017-Q4",
    "uk_trafford-council_2014-09",
    "us_columbia-sc-city_2013-04",
)


def file_coverage(stem: str, rules: exclude.Rules) -> dict[str, float]:
    """Coverage of a real export read with its suggested mapping (contract C7 shares)."""
    import warnings

    from cohort_helpers import ledger
    from cohort_helpers.vocabulary import SPECIFIC_METHODS

    src = next(iter(REALDATA.glob(f"{stem}.*")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        edited = MAPPINGS / f"{stem}.yaml"
        country = {"uk": "GB", "us": "US"}[stem[:2]]
        mapping = edited if edited.exists() else ledger.suggest_mapping(src, country=country)
        lines = ledger.read_ledger(src, mapping)
    out = classify.classify(lines, rules)
    buy = out["status"].isin(["included", "unclassified"]).to_numpy()
    amount = out["amount"].to_numpy(dtype=float)
    total = amount[buy].sum()
    coded = buy & (out["status"] == "included").to_numpy() & out["naics6"].notna().to_numpy()
    specific = coded & out["method"].isin(SPECIFIC_METHODS).to_numpy()
    return {
        "lines": len(out),
        "coverage": amount[coded].sum() / total,
        "specific": amount[specific].sum() / total,
        "purchase_spend": total,
    }


@pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is not beside the repo")
@pytest.mark.parametrize("stem", COVERAGE_FILES)
def test_whole_file_coverage(rules, stem):
    got = file_coverage(stem, rules)
    print(
        f"{stem}: {got['lines']:,} lines, coverage {got['coverage']:.1%}, "
        f"specific {got['specific']:.1%} of purchase spend {got['purchase_spend']:,.0f}"
    )
    cov_floor, spec_floor = COVERAGE_FLOORS[stem]
    assert got["coverage"] >= cov_floor and got["specific"] >= spec_floor
    if stem not in BELOW_COVERAGE_TARGET:
        assert got["coverage"] >= 0.95  # issue 12's target (specific + profile)
    if stem in SPECIFIC_TARGET_MET:
        assert got["specific"] >= 0.70
