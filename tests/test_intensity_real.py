"""Intensities of the UK real exports against the published range for councils (issue 12).

Each UK transaction-level export in ``../shared/realdata/ledgers`` is read with the mapping
``cohort mapping suggest`` proposes and run through ``inventory.run_inventory`` with general
knowledge only (no cohort table), the bundled GBP rates and SEF v1.3. Its intensity, t CO2e per
GBP million of purchase spend (included + unclassified), must land in 167-674, the range
published for UK councils (``datasets/public/benchmarks.csv``).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from cohort_helpers import exclude, inventory, ledger

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "ledgers"
UK_FILES = (
    sorted(p.stem for p in REALDATA.glob("uk_*") if p.suffix in {".csv", ".xls", ".xlsx"})
    if REALDATA.is_dir()
    else []
)
LOW, HIGH = 167.0, 674.0


@pytest.fixture(scope="module")
def rules() -> exclude.Rules:
    return exclude.load_rules(knowledge=True)


@pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is not beside the repo")
@pytest.mark.parametrize("stem", UK_FILES)
def test_uk_intensity_in_published_range(rules, stem):
    src = next(iter(REALDATA.glob(f"{stem}.*")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mapping = ledger.suggest_mapping(src, country="GB")
        inv = inventory.run_inventory(
            [src], mapping=mapping, country="GB", n_draws=0, progress=False, rules=rules
        )
    lines = inv.lines
    buy = lines["status"].isin(["included", "unclassified"])
    spend_m = float(lines.loc[buy, "amount"].sum()) / 1e6
    intensity = inv.t_co2e / spend_m
    print(
        f"{stem}: {inv.t_co2e:,.0f} t over {spend_m:.1f} M GBP: {intensity:.0f} t per GBP million"
    )
    assert spend_m > 1.0
    assert LOW <= intensity <= HIGH
