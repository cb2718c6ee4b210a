"""cohort_helpers: the library behind the supply-chain GHG inventory cohort.

Turn a local government's procurement spend into a Scope 3 (categories 1
and 2) inventory, then into purchasing policy. One module per concept:

``data``       reference-data registry (EPA factors, BEA tables, Open CEDA)
``ledger``     reading accounts-payable exports into a canonical table
``exclude``    exclusions, duplicates, operating vs capital
``classify``   mapping lines to NAICS-6 codes, with method and confidence
``factors``    emission factor sets (EPA SEF, Open CEDA, your own file)
``adjust``     price year, currency and price basis
``downscale``  budgets to commodities with national purchasing profiles
``inventory``  emissions, summaries, reconciliation, uncertainty
``categories`` NAICS codes grouped into purchase categories a council acts on
``survey``     department spend survey: design, files, ingestion
``compare``    round robin and year-over-year decomposition
``policy``     purchasing measures, scenarios, target paths
``plots``      charts with captions and alt text
``widgets``    ipywidgets panels for live sessions
``course``     homework checks, exercises from solutions, notebook runner, editions
``api``        the flat notebook API below
``cli``        the ``cohort`` command

The notebooks use a flat API at the top (``import cohort_helpers as ch``):

``ch.session(member, "03", output_dir)``  output folder (made), profile, missing pieces, checks
``ch.open_inventory(member, year)``       an inventory with the analysis as methods
``ch.cohort()``                           every member-year, for the round robin
``ch.open_dataset(name)``, ``ch.list_datasets()``  reference files and public tables by name
``ch.profile(member)``                    a member's profile
``ch.check(session, member)``, ``ch.done(value)``  homework self-checks
``ch.plots``, ``ch.widgets``, ``ch.survey``, ``ch.policy``  namespaces (the modules)

Everything is imported on first use (PEP 562), so ``import cohort_helpers``
stays cheap; every module stays importable as ``cohort_helpers.<module>``.

Examples
--------
>>> import cohort_helpers as ch
>>> ch.profile("cedar_valley").country
'US'
>>> ch.plots.__name__
'cohort_helpers.plots'
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: The bundled cohort member that notebooks and ``make run`` use by default.
DEFAULT_MEMBER = "cedar_valley"

#: Flat API name -> the module that defines it (imported on first use).
_API = {
    "session": "api",
    "open_inventory": "api",
    "cohort": "api",
    "open_dataset": "api",
    "list_datasets": "api",
    "profile": "api",
    "check": "api",
    "done": "api",
}

#: Modules offered as namespaces of the flat API.
_NAMESPACES = ("plots", "widgets", "survey", "policy")

__all__ = ["__version__", "DEFAULT_MEMBER", *_API, *_NAMESPACES]


def __getattr__(name: str):
    """Import a flat API name or a namespace module on first use (PEP 562)."""
    if name in _API:
        value = getattr(importlib.import_module(f"{__name__}.{_API[name]}"), name)
    elif name in _NAMESPACES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
