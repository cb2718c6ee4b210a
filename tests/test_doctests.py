"""Every docstring example of the package runs and gives what it shows (``--doctest-modules``).

One test per module of ``cohort_helpers`` (the dataset generator, ``synth``,
is left to its own tests). Examples that need the reference data read it
through ``COHORT_DATA_DIR`` like the rest of the tests; none needs the network.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import warnings

import pytest

import cohort_helpers

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(cohort_helpers.__path__, "cohort_helpers.")
    if not m.name.startswith("cohort_helpers.synth")
)


def test_every_module_is_collected():
    assert {"cohort_helpers.compare", "cohort_helpers.cohort_cache", "cohort_helpers.render",
            "cohort_helpers.analysis", "cohort_helpers.inventory"} <= set(MODULES)  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    # an example may point the workspace elsewhere (os.environ): restored after the test
    monkeypatch.setenv("COHORT_WORKSPACE", str(tmp_path / "workspace"))
    module = importlib.import_module(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed"
