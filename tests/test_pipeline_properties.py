"""Properties of the whole pipeline (read -> exclude -> classify -> emissions) on real lines.

Hypothesis draws random subsets of a synthetic member's ledger in random
order: the results per line do not depend on the order of the rows, spend is
conserved to the cent, and emissions scale linearly with spend.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohort_helpers import classify, exclude, factors, inventory, ledger, members

MEMBER = "kestrel_county"
KEY = ["source_file", "source_line"]
RESULT = ["status", "reason", "naics6", "method", "confidence", "spend_factor_usd", "kg_co2e"]
SETTINGS = settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def raw(data_dir):
    row = members.ledger_files(MEMBER).iloc[0]
    return ledger.read_ledger(row["ledger"], row["mapping"])


@pytest.fixture(scope="module")
def rules():
    return exclude.load_rules(chart=members.member_profile(MEMBER).chart)


def pipeline(lines: pd.DataFrame, rules) -> pd.DataFrame:
    fs = factors.load_factor_set("sef_v1.3")
    return inventory.compute_emissions(classify.classify(lines, rules), fs)


def by_line(lines: pd.DataFrame) -> pd.DataFrame:
    return lines.set_index(KEY).sort_index()[RESULT]


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(20, 1500))
def test_row_order_does_not_change_results_and_spend_is_conserved(raw, rules, seed, n):
    subset = raw.sample(n=n, random_state=seed)  # a random subset, in random order
    in_file_order = pipeline(subset.sort_values(KEY).reset_index(drop=True), rules)
    shuffled = pipeline(subset.reset_index(drop=True), rules)
    pd.testing.assert_frame_equal(by_line(in_file_order), by_line(shuffled))
    rec = inventory.reconcile(shuffled)
    assert (rec.loc[rec["bucket"] == "check", "difference_cents"] == 0).all()
    assert int(rec.loc[rec["bucket"] == "input", "cents"].sum()) == int(
        inventory.cents(subset["amount"]).sum()
    )
    assert len(shuffled) == n  # no line dropped


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), k=st.sampled_from([0.5, 2.0, 10.0]))
def test_emissions_scale_linearly_with_spend(raw, rules, seed, k):
    subset = raw.sample(n=300, random_state=seed).reset_index(drop=True)
    base = pipeline(subset, rules)
    scaled = pipeline(subset.assign(amount=subset["amount"] * k), rules)
    inc = base["status"].eq("included") & scaled["status"].eq("included")
    np.testing.assert_allclose(
        scaled.loc[inc, "kg_co2e"], k * base.loc[inc, "kg_co2e"], rtol=1e-9, atol=1e-9
    )
