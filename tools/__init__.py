"""Authors' tools of the curriculum repository (not part of the ``cohort_helpers`` package).

``tools.synth`` generates the synthetic cohort in ``datasets/`` (``cohort datasets build``,
``make data``). Import it from a checkout: the repository root must be on ``sys.path``
(``python -m ...`` and the tests run from the root put it there; the ``cohort`` command adds
the checkout that holds the package).
"""
