"""Self-checks of the Session 1 homework (``solutions/01_lgo_and_supply_chain.ipynb``).

Three parts, for the participant's own member:

1. a screening estimate from the budget: the share of non-capital payments
   that buys goods and services (:func:`purchase_share`, from the ledger
   reconciliation), the downscaled emissions of the operating and capital
   budgets (:func:`screening_estimate`) and their ratio to Scope 1+2;
2. fifteen ledger lines classified by hand (:func:`lines_to_classify` picks
   them), checked by :func:`compare_hand_codes`: any real NAICS-6 codes are
   accepted when at least :data:`MIN_SECTOR_AGREEMENT` of them are in the same
   NAICS sector as the library's choice (judgement differs at six digits;
   the sector is where a wrong guess changes the factor most);
3. the library's codes for the same lines (exact, in table order).

Every expected value is computed here from the library and the member's own
data, never taken from a notebook.

Examples
--------
>>> from cohort_helpers.course import checks
>>> check = checks.for_session(1, member="cedar_valley")  # doctest: +SKIP
>>> check.task_1(0.44)  # doctest: +SKIP
task_1: correct
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from cohort_helpers import downscale, factors, inventory, members
from cohort_helpers.course import checks
from cohort_helpers.course.checks import Task

__all__ = [
    "CAPITAL_PURCHASE_SHARE",
    "MIN_SECTOR_AGREEMENT",
    "N_LINES",
    "compare_hand_codes",
    "library_codes",
    "lines_to_classify",
    "member_inventory",
    "naics_sector",
    "purchase_share",
    "screening_estimate",
    "tasks",
]

SESSION = 1
#: Lines to classify by hand.
N_LINES = 15
#: Hand codes that must share the library's NAICS sector (first two digits).
MIN_SECTOR_AGREEMENT = 10
#: Assumed share of the capital budget that buys structures, equipment and
#: software (category 2). A screening assumption: land and financing costs
#: in a capital budget are usually small; a participant may lower it.
CAPITAL_PURCHASE_SHARE = 1.0
#: Columns a participant sees when classifying (no code, no method).
CLASSIFY_COLUMNS = [
    "source_file",
    "source_line",
    "vendor",
    "department",
    "account",
    "description",
    "amount",
    "currency",
]
#: NAICS sectors that span several two-digit prefixes.
_SECTOR_GROUPS = {"31": "31-33", "32": "31-33", "33": "31-33", "44": "44-45", "45": "44-45",
                  "48": "48-49", "49": "48-49"}  # fmt: skip


@lru_cache(maxsize=4)
def member_inventory(member: str) -> inventory.Inventory:
    """The member's latest inventory without Monte Carlo (cached: the checks reuse it).

    Examples
    --------
    >>> member_inventory("cedar_valley").fiscal_year  # doctest: +SKIP
    2023
    """
    return inventory.member_inventory(member, n_draws=0)


def purchase_share(reconciliation: pd.DataFrame) -> float:
    """Share of non-capital payments that buys goods and services (category 1).

    ``included, category 1`` divided by ``input`` minus ``included, category 2``
    of :func:`cohort_helpers.inventory.reconcile` (one currency). The rest of
    the non-capital payments is payroll and benefits, debt service, transfers,
    grants, taxes and fees, refunds, land, energy already in Scope 1 and 2,
    duplicates and lines of other years. Applied to an operating budget this
    assumes the budget is spent like the ledger.

    Parameters
    ----------
    reconciliation : DataFrame
        Columns ``bucket`` and ``amount`` (an inventory's ``reconciliation``).

    Returns
    -------
    float
        The share, between 0 and 1.

    Raises
    ------
    ValueError
        The reconciliation has no non-capital payments.

    Examples
    --------
    >>> rec = pd.DataFrame({"bucket": ["input", "included, category 1",
    ...     "included, category 2", "excluded: payroll_benefits"],
    ...     "amount": [100.0, 30.0, 20.0, 50.0]})
    >>> purchase_share(rec)
    0.375
    """
    amounts = reconciliation.groupby("bucket")["amount"].sum()
    cat1 = float(amounts.get("included, category 1", 0.0))
    cat2 = float(amounts.get("included, category 2", 0.0))
    non_capital = float(amounts.get("input", 0.0)) - cat2
    if non_capital <= 0:
        raise ValueError("The reconciliation has no non-capital payments to take a share of.")
    return cat1 / non_capital


def screening_estimate(
    member: str,
    share: float | None = None,
    capital_share: float = CAPITAL_PURCHASE_SHARE,
) -> pd.DataFrame:
    """Downscaled emissions of a member's operating and capital budgets (lower quality).

    The operating budget times ``share`` (default: :func:`purchase_share` of the
    member's latest ledger) is spread over the BEA ``GSLGO`` purchasing profile,
    the capital budget times ``capital_share`` over the state and local
    investment profile (:data:`cohort_helpers.downscale.CAPITAL_COLUMNS`); both are
    brought to factor dollars from the budget year and multiplied by the SEF
    factor of each commodity.

    Parameters
    ----------
    member : str
        A cohort member (its profile gives the budgets, budget year and currency).
    share : float, optional
        Share of the operating budget that buys goods and services; default
        :func:`purchase_share` of the member's latest inventory (which builds it).
    capital_share : float
        Share of the capital budget that buys structures, equipment and software.

    Returns
    -------
    DataFrame
        Index ``operating`` and ``capital``: ``scope3_category``, ``budget``,
        ``share``, ``purchases`` (ledger currency) and ``t_co2e``.

    Examples
    --------
    >>> est = screening_estimate("cedar_valley", share=0.5)
    >>> est["purchases"].to_dict()
    {'operating': 215700000.0, 'capital': 77800000.0}
    >>> round(float(est["t_co2e"].sum()), -2)
    87900.0
    >>> screening_estimate("cedar_valley")  # the share from the member's inventory: ~10 s  # doctest: +SKIP
    """
    p = members.member_profile(member)
    if share is None:
        share = purchase_share(member_inventory(member).reconciliation)
    rows = []
    for name, cat, columns, budget, s in (
        ("operating", 1, downscale.OPERATING_COLUMNS, p.operating_budget, share),
        ("capital", 2, downscale.CAPITAL_COLUMNS, p.capital_budget, capital_share),
    ):
        alloc = downscale.downscale_budget(
            budget * s, downscale.purchasing_profile(columns), scope3_category=cat
        )
        est = downscale.downscaled_emissions(alloc, year=p.budget_year, currency=p.currency)
        rows.append((name, cat, float(budget), float(s), budget * s, est.attrs["t_co2e"]))
    cols = ["part", "scope3_category", "budget", "share", "purchases", "t_co2e"]
    return pd.DataFrame(rows, columns=cols).set_index("part")


def lines_to_classify(lines: pd.DataFrame, n: int = N_LINES) -> pd.DataFrame:
    """The ``n`` lines to classify by hand: one line for each of the codes with most emissions.

    Among included lines with an exact six-digit code and a description, take
    the ``n`` NAICS-6 codes with the largest emissions and, for each, its
    largest line (ties by file and line number). Sorted by amount, largest
    first. Only what a participant would see in the ledger is returned.

    Parameters
    ----------
    lines : DataFrame
        An inventory's ``lines`` (``status``, ``factor_match``, ``naics6``,
        ``kg_co2e``, ``amount`` and the columns a participant sees).
    n : int
        How many lines (codes).

    Returns
    -------
    DataFrame
        ``n`` rows, columns ``source_file``, ``source_line``, ``vendor``,
        ``department``, ``account``, ``description``, ``amount``, ``currency``.

    Raises
    ------
    ValueError
        Fewer than ``n`` codes to choose from.

    Examples
    --------
    >>> lines = pd.DataFrame({"status": "included", "factor_match": "exact",
    ...     "naics6": ["562111", "562111", "541110"], "kg_co2e": [90.0, 10.0, 20.0],
    ...     "amount": [100.0, 50.0, 300.0], "description": ["REFUSE", "TRASH", "LEGAL"],
    ...     "source_file": "ap.csv", "source_line": [2, 3, 4], "vendor": ["A", "B", "C"],
    ...     "department": "PW", "account": "5500", "currency": "USD"})
    >>> lines_to_classify(lines, n=2)[["source_line", "description", "amount"]]
       source_line description  amount
    0            4       LEGAL   300.0
    1            2      REFUSE   100.0
    >>> lines_to_classify(member_inventory("tindoy").lines).shape  # a whole inventory: ~10 s  # doctest: +SKIP
    (15, 8)
    """
    return _pick(lines, n)[CLASSIFY_COLUMNS].reset_index(drop=True)


def _pick(lines: pd.DataFrame, n: int) -> pd.DataFrame:
    code = lines["naics6"].astype("string")
    ok = (
        lines["status"].eq("included")
        & lines["factor_match"].eq("exact").fillna(False)
        & code.str.fullmatch(r"\d{6}").fillna(False)
        & lines["description"].fillna("").astype(str).str.strip().ne("")
    )
    cand = lines[ok.to_numpy()]
    top = (
        cand.groupby("naics6")["kg_co2e"].sum().sort_values(ascending=False, kind="mergesort")
    ).index[:n]
    picked = (
        cand[cand["naics6"].isin(top)]
        .sort_values(["amount", "source_file", "source_line"], ascending=[False, True, True])
        .drop_duplicates("naics6")
    )
    if len(picked) < n:
        raise ValueError(f"Only {len(picked)} classified lines to choose from; need {n}.")
    return picked


def library_codes(member: str) -> list[str]:
    """The library's NAICS-6 codes of :func:`lines_to_classify`, in the table's order.

    Parameters
    ----------
    member : str
        A cohort member (its latest inventory is built, then cached).

    Returns
    -------
    list of str
        :data:`N_LINES` NAICS-6 codes.

    Examples
    --------
    >>> library_codes("cedar_valley")[:3]  # builds the member's inventory: ~10 s  # doctest: +SKIP
    ['237310', '236220', '237990']
    """
    return [str(c) for c in _pick(member_inventory(member).lines, N_LINES)["naics6"]]


def naics_sector(code: str) -> str:
    """The NAICS sector of a code: its first two digits, with 31-33, 44-45 and 48-49 joined.

    Parameters
    ----------
    code : str
        A NAICS code (2 to 6 digits).

    Returns
    -------
    str
        E.g. ``"42"`` or ``"31-33"``.

    Examples
    --------
    >>> naics_sector("327320"), naics_sector("423840")
    ('31-33', '42')
    """
    two = str(code)[:2]
    return _SECTOR_GROUPS.get(two, two)


def _codes_list(given: Any) -> list[Any] | None:
    if isinstance(given, pd.DataFrame):
        return given["naics6"].tolist() if "naics6" in given.columns else None
    if isinstance(given, pd.Series | pd.Index | np.ndarray):
        return list(np.asarray(given).ravel())
    if isinstance(given, list | tuple):
        return list(given)
    return None


def compare_hand_codes(given: Any, expected: Sequence[str], task: Task) -> str | None:
    """Check hand-assigned codes: real NAICS-6 codes, most in the library's sector.

    ``given`` is one code per line, in the table's order (a list, Series, or a
    table with a ``naics6`` column). It is accepted when every code is a
    NAICS-6 code of EPA SEF v1.3 and at least :data:`MIN_SECTOR_AGREEMENT` share
    the library's NAICS sector (:func:`naics_sector`). The message never says
    which lines disagree.

    Parameters
    ----------
    given : list, Series, array or DataFrame
        The participant's codes.
    expected : sequence of str
        The library's codes of the same lines (:func:`library_codes`).
    task : Task
        The task checked (unused; the signature of a ``kind`` callable).

    Returns
    -------
    str or None
        None when accepted, else what is wrong.

    Examples
    --------
    >>> t = Task("task_4", ["327320"], kind=compare_hand_codes)
    >>> compare_hand_codes(["327320"] * 15, ["327320"] * 15, t) is None
    True
    >>> compare_hand_codes([327320] * 15, ["327320"] * 15, t)
    "Codes are text: write each one in quotes, e.g. '327320', not 327320."
    >>> print(compare_hand_codes(["327310"] * 9 + ["541330"] * 6, ["327320"] * 15, t))
    9 of your 15 codes are in the same NAICS sector (first two digits) as the library's; at least 10 should be. Look again at what was bought (not who sold it): goods are classified by the industry that makes them.
    """
    codes = _codes_list(given)
    if codes is None:
        return (
            f"I expected a list of {len(expected)} codes, one per line of the table, in its "
            f"order, like ['327320', '541330', ...]; you gave {checks.describe(given)}."
        )
    if len(codes) != len(expected):
        return (
            f"I expected {len(expected)} codes, one per line of the table in its order; "
            f"your list has {len(codes)}."
        )
    if any(not isinstance(c, str) for c in codes):
        return "Codes are text: write each one in quotes, e.g. '327320', not 327320."
    codes = [c.strip() for c in codes]
    bad = [c for c in codes if not (len(c) == 6 and c.isdigit())]
    if bad:
        return f"Each code needs exactly six digits; these do not: {bad[:5]}."
    known = set(factors.load_factor_set().naics_view.index)
    unknown = [c for c in codes if c not in known]
    if unknown:
        return (
            f"These are not NAICS-6 codes of EPA SEF v1.3: {unknown[:5]}. Look the code up "
            "in the factor table (`sef`), by title."
        )
    agree = sum(naics_sector(g) == naics_sector(e) for g, e in zip(codes, expected, strict=True))
    if agree < MIN_SECTOR_AGREEMENT:
        return (
            f"{agree} of your {len(codes)} codes are in the same NAICS sector (first two digits) "
            f"as the library's; at least {MIN_SECTOR_AGREEMENT} should be. Look again at what "
            "was bought (not who sold it): goods are classified by the industry that makes them."
        )
    return None


@checks.register_session(SESSION)
def tasks(member: str) -> list[Task]:
    """The Session 1 tasks for ``member`` (registered with :func:`checks.register_session`).

    Parameters
    ----------
    member : str
        The cohort member whose data the expected answers come from.

    Returns
    -------
    list of Task
        ``task_1`` to ``task_5``; expected values are computed when first checked.

    Examples
    --------
    >>> [t.title for t in tasks("cedar_valley")][:2]
    ['share of non-capital payments that buys goods and services', 'screening estimate from the budget']
    """

    def direct() -> float:
        return float(members.lgo_inventory(member)["t_co2e"].sum())

    def screening_t() -> float:
        return float(screening_estimate(member)["t_co2e"].sum())

    return [
        Task(
            "task_1",
            lambda: purchase_share(member_inventory(member).reconciliation),
            hint=(
                "In the reconciliation, take the amount 'included, category 1' and divide it by "
                "the 'input' amount minus 'included, category 2'. A share is a fraction (0-1)."
            ),
            title="share of non-capital payments that buys goods and services",
        ),
        Task(
            "task_2",
            screening_t,
            rtol=0.01,
            unit="t CO2e",
            hint=(
                "Operating budget x purchase share over the GSLGO profile, plus the capital "
                "budget over CAPITAL_COLUMNS; downscaled_emissions() with the budget year and "
                "currency; add the two attrs['t_co2e']."
            ),
            title="screening estimate from the budget",
        ),
        Task(
            "task_3",
            lambda: screening_t() / direct(),
            rtol=0.01,
            hint="Divide the screening estimate by the LGO inventory's total t_co2e (Scope 1+2).",
            title="screening estimate relative to Scope 1+2",
        ),
        Task(
            "task_4",
            lambda: library_codes(member),
            kind=compare_hand_codes,
            hint="One six-digit code per line, as text, in the order of the table.",
            title="fifteen lines classified by hand",
        ),
        Task(
            "task_5",
            lambda: library_codes(member),
            kind="codes",
            ordered=True,
            hint=(
                "Merge the fifteen lines with inv.lines on source_file and source_line, keep the "
                "table's order, and take the 'naics6' column as a list."
            ),
            title="the library's codes for the same lines",
        ),
    ]
