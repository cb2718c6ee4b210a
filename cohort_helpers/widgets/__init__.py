"""ipywidgets panels for live sessions, one sub-module per panel.

``review``       Session 4: review low-confidence, high-spend lines; save overrides
``scenario``     Session 6: purchasing-policy scenario builder
``survey_form``  Session 2: the department survey as a live form

``static``       what a panel shows without a live kernel (HTML export, reopened
                 notebook): a static summary beside the widget view

Each panel is built on plain library functions, so everything it does can
also be done without widgets (and is tested headlessly). Import the one you
need, e.g. ``from cohort_helpers.widgets import review``.
"""
