"""Course machinery: what runs the sessions, not what computes an inventory.

``checks``     homework self-checks (``check.task_1(answer)``)
``homework``   each session's tasks (``homework/sessionNN.py``) and friendly errors
``exercises``  exercise notebooks generated from the solutions (``cohort exercises``)
``runner``     runs the session notebooks for a member (``cohort run``, papermill)
``authoring``  freezing notebooks and the participant editions (``cohort notebooks``)

These modules may import the engine and analysis modules of
:mod:`cohort_helpers`; nothing outside this subpackage imports them except
the command line (``cli``), ``slides`` and the flat API (``api``).
"""
