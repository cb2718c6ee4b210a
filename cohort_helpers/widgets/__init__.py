"""ipywidgets panels for live sessions, one sub-module per panel.

``review``       Session 4: review low-confidence, high-spend lines; save overrides
``scenario``     Session 6: purchasing-policy scenario builder
``survey_form``  Session 2: the department survey as a live form

``static``       what a panel shows without a live kernel (HTML export, reopened
                 notebook): a static summary beside the widget view

Each panel is built on plain library functions, so everything it does can
also be done without widgets (and is tested headlessly). Import the one you
need, e.g. ``from cohort_helpers.widgets import review``, or use
``cohort_helpers.widgets.review`` (imported on first use).
"""

import importlib

#: The panels, imported on first use as ``cohort_helpers.widgets.<name>``.
PANELS = ("review", "scenario", "survey_form", "static")

__all__ = list(PANELS)


def __getattr__(name: str):
    """``widgets.review`` etc. without importing every panel up front (PEP 562)."""
    if name in PANELS:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
