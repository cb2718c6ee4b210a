"""Every public function has a numpy-style docstring: Parameters, Returns (or Yields), an example.

Issue 16, item 5. A public function is a name in a module's ``__all__`` that
is a function defined in that module. Its docstring needs

- a ``Parameters`` section when the function takes parameters,
- a ``Returns`` (or, for a generator or context manager, ``Yields``) section,
- an example (``>>>``); :mod:`tests.test_doctests` runs the examples.

:data:`NOT_YET` lists the functions still incomplete. It may only shrink:
the test fails when an entry has become complete or no longer exists, so
completing a docstring means removing its line here too.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import cohort_helpers

#: (module, function) pairs allowed to be incomplete for now. Do not add to it.
NOT_YET: set[tuple[str, str]] = set()


def _section(name: str) -> re.Pattern[str]:
    """A numpy-style section header: the name on its own line, then a line of dashes."""
    return re.compile(rf"^{name}\n-{{3,}}[ \t]*$", re.MULTILINE)


_PARAMETERS = _section("Parameters")
_RETURNS = (_section("Returns"), _section("Yields"))


def _public_functions():
    for info in pkgutil.walk_packages(cohort_helpers.__path__, "cohort_helpers."):
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name, None)
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                yield info.name, name, obj


def _missing(func) -> list[str]:
    doc = inspect.getdoc(func) or ""
    missing = []
    if inspect.signature(func).parameters and not _PARAMETERS.search(doc):
        missing.append("Parameters")
    if not any(p.search(doc) for p in _RETURNS):
        missing.append("Returns")
    if ">>>" not in doc:
        missing.append("example")
    return missing


FUNCTIONS = {(module, name): func for module, name, func in _public_functions()}
MISSING = {key: m for key, func in FUNCTIONS.items() if (m := _missing(func))}


def test_functions_are_found():
    assert len(FUNCTIONS) > 250
    assert ("cohort_helpers.factors", "bea_weights") in FUNCTIONS
    assert _missing(FUNCTIONS["cohort_helpers.factors", "bea_weights"]) == []


def test_every_public_function_has_a_complete_docstring():
    incomplete = sorted(key for key in MISSING if key not in NOT_YET)
    assert not incomplete, "docstrings missing sections (numpy style: a header, then dashes):\n" + (
        "\n".join(f"  {m}.{n}: {', '.join(MISSING[m, n])}" for m, n in incomplete)
    )


def test_not_yet_only_shrinks():
    gone = sorted(key for key in NOT_YET if key not in FUNCTIONS)
    done = sorted(key for key in NOT_YET if key in FUNCTIONS and key not in MISSING)
    assert not gone, f"NOT_YET names functions that no longer exist: remove them: {gone}"
    assert not done, f"these docstrings are complete now: remove them from NOT_YET: {done}"
