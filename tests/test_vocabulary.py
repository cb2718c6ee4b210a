"""One vocabulary: the exclusion reasons every module uses are exactly the vocabulary's.

Equality, not subset: a reason the vocabulary lists but nothing can produce is as
wrong as a reason a rule table or a module gives that the vocabulary lacks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from cohort_helpers import adjust, exclude, inventory, overrides, vocabulary

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cohort_helpers"
#: Modules that decide or show exclusion reasons.
PIPELINE = ("ledger", "exclude", "rules", "classify", "overrides", "inventory", "adjust",
            "downscale", "plots")  # fmt: skip


def _rule_table_reasons() -> set[str]:
    """Every ``exclude_reason`` in the bundled rule and knowledge tables."""
    found: set[str] = set()
    for folder in ("classify", "knowledge"):
        for f in sorted((ROOT / "datasets" / folder).glob("*.csv")):
            t = pd.read_csv(f, dtype=str, keep_default_na=False)
            if "exclude_reason" in t:
                found |= {r.strip() for r in t["exclude_reason"] if r.strip()}
    return found


def _reason_literals(module: str) -> set[str]:
    """String constants of a module that are reason codes (``other_fiscal_year``, ...)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    return {
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in vocabulary.REASONS
    }


def test_rule_tables_give_only_rule_reasons():
    given = _rule_table_reasons()
    assert given, "no exclude_reason read from datasets/classify or datasets/knowledge"
    assert given <= set(vocabulary.RULE_REASONS), sorted(given - set(vocabulary.RULE_REASONS))


def test_the_reasons_used_equal_the_vocabulary():
    used = _rule_table_reasons() | {
        r for m in PIPELINE for r in _reason_literals(m)
    }  # rule tables + what the modules decide themselves (voids, duplicates, fiscal year, ...)
    assert used == set(vocabulary.REASONS), (
        f"never produced: {sorted(set(vocabulary.REASONS) - used)}; "
        f"not in the vocabulary: {sorted(used - set(vocabulary.REASONS))}"
    )


def test_rule_reasons_are_all_reasons_but_the_two_that_follow_from_settings():
    assert set(vocabulary.REASONS) - set(vocabulary.RULE_REASONS) == {
        "other_fiscal_year",
        "mapping_filter",
    }
    assert set(vocabulary.SCOPE12_REASONS) == {
        r for r in vocabulary.REASONS if r.startswith("scope12_")
    }
    assert all(vocabulary.label(r) != r and vocabulary.why(r) for r in vocabulary.REASONS)
    assert len({vocabulary.label(r) for r in vocabulary.REASONS}) == len(vocabulary.REASONS)


def test_no_module_keeps_its_own_list():
    for mod, names in (
        (adjust, ("EXCLUSION_REASONS", "SCOPE12_REASONS")),
        (exclude, ("REASONS", "EXCLUSION_METHODS")),
        (inventory, ()),
        (overrides, ("REASONS",)),
    ):
        for name in names:
            assert not hasattr(mod, name), f"{mod.__name__}.{name}: use cohort_helpers.vocabulary"
    assert inventory.STATUSES is vocabulary.STATUSES


@pytest.mark.parametrize("reason", vocabulary.REASONS)
def test_override_files_accept_exactly_the_rule_reasons(tmp_path, reason):
    f = tmp_path / "overrides.csv"
    pd.DataFrame(
        {"source_file": ["a.csv"], "source_line": [2], "naics6": [""], "exclude_reason": [reason],
         "note": ["x"]}  # fmt: skip
    ).to_csv(f, index=False)
    if reason in vocabulary.RULE_REASONS:
        assert overrides.load_overrides(f)["exclude_reason"].tolist() == [reason]
    else:
        with pytest.raises(overrides.OverrideError, match="not an exclusion reason"):
            overrides.load_overrides(f)


def test_review_widget_offers_exactly_the_rule_reasons():
    pytest.importorskip("ipywidgets")
    from cohort_helpers.widgets import review

    offered = [code for _, code in review.reason_options() if code]
    assert offered == list(vocabulary.RULE_REASONS)
    assert [lab for lab, code in review.reason_options() if code] == [
        vocabulary.label(r) for r in vocabulary.RULE_REASONS
    ]
