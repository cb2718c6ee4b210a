"""Every real export in ``../shared/realdata/ledgers`` through the two commands a new user runs.

``cohort mapping suggest`` then ``cohort inventory`` (``cohort screen`` for the two
Norwegian accounts files), as a government outside the cohort with the file's
country: exit 0; the lines and spend read equal the README's counts and totals
to the cent; the reconciliation closes (input = included + excluded + possible
duplicates + unclassified). Where the suggested mapping needs an edit, the
edited mapping is ``tests/fixtures/real_mappings/<stem>.yaml`` (documented in
``docs/MAPPING.md``). The coverage figures per file are printed (``-s``) and
written to ``build/real_coverage.csv``; issue 12's floors are asserted in
``tests/test_accuracy_real.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from realdata import EXPECTED, LEDGERS

ROOT = Path(__file__).resolve().parents[1]
COHORT = str(Path(sys.executable).parent / "cohort")
FIXTURES = ROOT / "tests" / "fixtures" / "real_mappings"
SCREEN = {n for n in EXPECTED if n.startswith("no_")}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not LEDGERS.is_dir(), reason="../shared/realdata is not beside the checkout"
    ),
]


def _cohort(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([COHORT, *args], capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_suggest_then_inventory(name, tmp_path):
    exp = EXPECTED[name]
    path = LEDGERS / name
    stem = Path(name).stem
    fixture = FIXTURES / f"{stem}.yaml"
    suggested = tmp_path / "suggested.yaml"
    r = _cohort("mapping", "suggest", str(path), "--country", exp["country"], "-o", str(suggested))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    mapping = fixture if fixture.exists() else suggested
    out = tmp_path / "out"
    if name in SCREEN:
        args = ["screen", str(path), "--year", "2011"]
    else:
        args = ["inventory", str(path)]
    args += ["--mapping", str(mapping), "--member", f"new_{stem[:20]}", "--country", exp["country"]]
    args += ["--out", str(out)]
    r = _cohort(*args)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    rec = pd.read_csv(out / "reconciliation.csv", comment="#")
    rec = rec[rec["bucket"].notna()].set_index("bucket")
    assert int(rec.loc["input", "lines"]) == exp["rows"]
    assert round(float(rec.loc["input", "amount"]), 2) == pytest.approx(exp["spend"], abs=0.001)
    assert int(rec.loc["check", "difference_cents"]) == 0
    assert int(rec.loc["check", "lines"]) == 0
    if exp.get("summary_rows"):
        assert int(rec.loc["excluded: summary_row", "lines"]) == exp["summary_rows"]
    print(name, r.stdout.splitlines()[:3])
