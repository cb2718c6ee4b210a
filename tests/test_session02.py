"""Session 2 homework checks: expected values exist for members with and without returns."""

from __future__ import annotations

import pytest

from cohort_helpers.course import checks
from cohort_helpers.course.homework import session02


@pytest.mark.parametrize("member", ["cedar_valley", "pinecrest_county", "northgate"])
def test_expected_values_for_members_with_and_without_returns(member):
    check = checks.for_session(2, member=member, quiet=True)
    assert session02.returns_member(member) == ("cedar_valley" if member == "northgate" else member)
    ids_a = check.expected("task_1")
    assert ids_a[-1] == "Q22" and "Q17" not in ids_a
    files = check.expected("task_3")
    assert files["department"].tolist() == list(session02.departments(member))
    assert check.expected("task_4") >= 10
    fixes = check.expected("task_5")
    assert fixes["value"].notna().all() and len(fixes) >= 3
    assert check.expected("task_7") > 0
    for name in check.tasks:
        assert check.check(name, check.expected(name)).status == "correct"


def test_unconverted_thousands_are_wrong():
    check = checks.for_session(2, member="cedar_valley", quiet=True)
    fixes = check.expected("task_5").copy()
    fixes.loc[fixes["question_id"] == "Q12", "value"] /= 1000
    result = check.task_5(fixes)
    assert result.status == "wrong" and "value" in result.message
