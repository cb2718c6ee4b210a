"""Self-checks of each session's homework: ``sessionNN.py`` registers session N.

Imported on demand by :func:`cohort_helpers.course.checks.for_session`; see
``solutions/README.md`` for how a session's tasks are written.
"""
