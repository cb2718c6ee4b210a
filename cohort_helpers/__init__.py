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
``checks``     homework self-checks
``cli``        the ``cohort`` command

Modules are imported on demand so ``import cohort_helpers`` stays cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"

#: The bundled cohort member that notebooks and ``make run`` use by default.
DEFAULT_MEMBER = "cedar_valley"

__all__ = ["__version__", "DEFAULT_MEMBER"]
