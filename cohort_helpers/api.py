"""The flat notebook API: the dozen names a session notebook needs, at the package top.

``import cohort_helpers as ch`` gives them (imported on first use)::

    s = ch.session(member, "03", output_dir)   # output folder made, profile, missing pieces
    inv = ch.open_inventory(member, s.profile.budget_year, n_draws=0)
    inv.waterfall()                             # the analysis as methods of the inventory
    ch.plots.bar(...)                           # plots, widgets, survey, policy: namespaces

Every function here is thin: it calls the module that owns the concept
(:mod:`~cohort_helpers.members`, :mod:`~cohort_helpers.inventory`,
:mod:`~cohort_helpers.adjust`, :mod:`~cohort_helpers.compare`,
:mod:`~cohort_helpers.data`, :mod:`cohort_helpers.course.checks`) and adds no
arithmetic of its own, so a notebook's figures are the modules' figures.

Examples
--------
>>> import tempfile
>>> import cohort_helpers as ch
>>> s = ch.session("cedar_valley", "03", tempfile.mkdtemp())
>>> s.notebook, s.output_dir.is_dir(), s.profile.country
('03_downscaling_adjusting', True, 'US')
>>> ch.done(...), ch.done(0.0)
(False, True)
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from . import (
    DEFAULT_MEMBER,
    adjust,
    analysis,
    cohort_runner,
    compare,
    data,
    inventory,
    members,
    paths,
)
from .course import checks

__all__ = [
    "SESSIONS",
    "MemberInventory",
    "Session",
    "check",
    "cohort",
    "list_datasets",
    "done",
    "notebook_name",
    "open_dataset",
    "open_inventory",
    "profile",
    "session",
]

#: Session number -> notebook name (the output folder ``build/<member>/<name>``).
SESSIONS: dict[str, str] = {
    "00": "00_setup_check",
    "01": "01_lgo_and_supply_chain",
    "02": "02_spend_survey",
    "03": "03_downscaling_adjusting",
    "04": "04_quantitative_analysis",
    "05": "05_round_robin",
    "06": "06_purchasing_policy",
}


def notebook_name(notebook: str | int) -> str:
    """The notebook name of a session number (``"03"``, ``3``), or ``notebook`` unchanged.

    Parameters
    ----------
    notebook : str or int
        A session number (``0`` to ``6``, as int or two-digit text) or any
        name (``"04_homework"``), kept as it is.

    Returns
    -------
    str
        The name of the notebook's output folder.

    Examples
    --------
    >>> notebook_name(3), notebook_name("05"), notebook_name("04_homework")
    ('03_downscaling_adjusting', '05_round_robin', '04_homework')
    """
    key = f"{notebook:02d}" if isinstance(notebook, int) else str(notebook)
    return SESSIONS.get(key, key)


@dataclass
class Session:
    """What a notebook needs before its first analysis: a member, a folder, a profile.

    Made by :func:`session`; the profile, missing pieces, LGO inventory,
    homework checker and homework module are read on first use.

    Attributes
    ----------
    member : str
        The cohort member (slug).
    notebook : str
        The notebook name (output folder name).
    output_dir : pathlib.Path
        The notebook's output folder (exists).

    Examples
    --------
    >>> import tempfile
    >>> s = session("bjorkestrand", "03", tempfile.mkdtemp())
    >>> s.profile.currency, s.number
    ('NOK', 3)
    """

    member: str
    notebook: str
    output_dir: Path = field(repr=False)

    @property
    def number(self) -> int | None:
        """The session number (``3`` for ``03_...``), ``None`` for a name without one."""
        head = self.notebook[:2]
        return int(head) if head.isdigit() else None

    @cached_property
    def profile(self) -> members.MemberProfile:
        """The member's profile (:func:`cohort_helpers.members.member_profile`)."""
        return members.member_profile(self.member)

    @cached_property
    def missing(self) -> dict[str, Any]:
        """Optional pieces your own member has not given, with notes (:func:`members.missing_pieces`)."""
        return members.missing_pieces(self.member)

    @cached_property
    def lgo(self) -> pd.DataFrame:
        """The member's Scope 1 and 2 (LGO) inventory (:func:`members.lgo_inventory`)."""
        return members.lgo_inventory(self.member)

    @cached_property
    def check(self) -> checks.Checker:
        """The homework self-checks of this session for this member (:func:`check`)."""
        if self.number is None:
            raise ValueError(f"{self.notebook!r} is not a session notebook: no homework checks.")
        return check(self.number, self.member)

    @property
    def homework(self) -> ModuleType:
        """The session's homework module (``cohort_helpers.course.homework.sessionNN``)."""
        if self.number is None:
            raise ValueError(f"{self.notebook!r} is not a session notebook: no homework module.")
        return importlib.import_module(f"cohort_helpers.course.homework.session{self.number:02d}")


def session(
    member: str = DEFAULT_MEMBER,
    notebook: str | int = "00",
    output_dir: str | os.PathLike | None = None,
) -> Session:
    """Start a notebook: its output folder (made if missing) and the member's profile.

    Replaces the set-up lines every notebook repeated (``output_dir`` from the
    ``parameters`` cell or ``build/<member>/<notebook>``, then ``mkdir``).

    Parameters
    ----------
    member : str
        The cohort member (the notebook's ``member`` parameter).
    notebook : str or int
        The session number (``"03"``) or the output folder's name.
    output_dir : path-like, optional
        The notebook's ``output_dir`` parameter; default
        :func:`cohort_helpers.paths.default_output_dir`.

    Returns
    -------
    Session
        With ``output_dir`` (created), ``profile``, ``missing``, ``lgo``,
        ``check`` and ``homework``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "out"
    >>> s = session("cedar_valley", "05", folder)
    >>> s.output_dir == folder, folder.is_dir()
    (True, True)
    """
    name = notebook_name(notebook)
    out = Path(output_dir) if output_dir else paths.default_output_dir(member, name)
    out.mkdir(parents=True, exist_ok=True)
    return Session(member=member, notebook=name, output_dir=out)


def profile(member: str = DEFAULT_MEMBER) -> members.MemberProfile:
    """A member's profile: name, country, currency, budgets, budget year ...

    Parameters
    ----------
    member : str
        The cohort member.

    Returns
    -------
    MemberProfile
        See :func:`cohort_helpers.members.member_profile`.

    Examples
    --------
    >>> profile("bjorkestrand").country
    'NO'
    """
    return members.member_profile(member)


class MemberInventory(inventory.Inventory):
    """An :class:`~cohort_helpers.inventory.Inventory` with the sessions' analysis as methods.

    Each method calls the function named in it on this inventory's lines,
    summary, reconciliation or Monte Carlo run, with the same defaults; it is
    an ``Inventory`` everywhere one is expected.

    Examples
    --------
    >>> inv = open_inventory("cedar_valley", 2021, n_draws=0)
    >>> inv.fiscal_year, len(inv.included) == len(inv.factor_ready())
    (2021, True)
    >>> bool(inv.summarise()["t_co2e"].sum().round(6) == round(inv.t_co2e, 6))
    True
    >>> inv.waterfall().index[0], inv.hot_spots().n80_emissions > 0
    ('Total payments', True)
    >>> inv.labels(["541511"], width=None).iloc[0]
    '541511 Custom Computer Programming Services'
    """

    @classmethod
    def of(cls, inv: inventory.Inventory) -> MemberInventory:
        """The same inventory (same objects, nothing copied) with the analysis methods.

        Parameters
        ----------
        inv : Inventory
            From :func:`cohort_helpers.inventory.member_inventory` or
            :func:`~cohort_helpers.inventory.run_inventory`.

        Returns
        -------
        MemberInventory
        """
        return cls(**{f.name: getattr(inv, f.name) for f in dataclasses.fields(inv)})

    # -- the lines ---------------------------------------------------------------------

    @property
    def included(self) -> pd.DataFrame:
        """The included lines (``status == "included"``)."""
        return self.lines[self.lines["status"] == "included"]

    def factor_ready(self) -> pd.DataFrame:
        """Included lines with ``year`` (:func:`cohort_helpers.adjust.factor_ready_lines`)."""
        return adjust.factor_ready_lines(self.lines)

    def summarise(self, by: str | list[str] = "naics6", *, names: pd.Series | None = None) -> pd.DataFrame:
        """Spend, emissions and intensity grouped (:func:`cohort_helpers.inventory.summarise`)."""
        return inventory.summarise(self.lines, by, names=names)

    def labels(self, codes: Any = None, *, width: int | None = 45) -> pd.Series:
        """``"<code> <title>"`` labels, default of the summary's codes (:func:`analysis.category_labels`)."""
        return analysis.category_labels(self.summary.index if codes is None else codes, width=width)

    # -- Session 3: from payments to factor-ready spend ------------------------------

    def waterfall(self, **kwargs: Any) -> pd.Series:
        """Steps from payments to factor-ready spend (:func:`cohort_helpers.inventory.waterfall_steps`)."""
        return inventory.waterfall_steps(self.reconciliation, **kwargs)

    def exclusions(self, **kwargs: Any) -> pd.DataFrame:
        """Every exclusion with plain reason, lines, money (:func:`cohort_helpers.inventory.exclusion_table`)."""
        return inventory.exclusion_table(self.reconciliation, **kwargs)

    def compare_price_methods(self, by: Any = None, **kwargs: Any) -> pd.DataFrame:
        """BEA sector index against CPI-U (:func:`cohort_helpers.adjust.compare_price_methods`)."""
        return adjust.compare_price_methods(self.lines, by, **kwargs)

    def compare_factor_sets(self, **kwargs: Any) -> pd.DataFrame:
        """The same spend with several factor sets (:func:`cohort_helpers.adjust.compare_factor_sets`)."""
        return adjust.compare_factor_sets(self.lines, **kwargs)

    def compare_versions(self, sets: tuple[str, str] = ("sef_v1.3", "sef-1.4"), **kwargs: Any) -> Any:
        """Two factor-set versions side by side (:func:`cohort_helpers.adjust.compare_inventories`)."""
        return adjust.compare_inventories(self.lines, sets, **kwargs)

    # -- Session 4: quantitative analysis --------------------------------------------

    def coverage(self, **kwargs: Any) -> pd.DataFrame:
        """Share of spend classified by method and confidence (:func:`cohort_helpers.analysis.coverage`)."""
        return analysis.coverage(self.lines, **kwargs)

    def review_queue(self, n: int = 20, **kwargs: Any) -> pd.DataFrame:
        """Lines most worth a human look (:func:`cohort_helpers.analysis.review_queue`)."""
        return analysis.review_queue(self.lines, n, **kwargs)

    def hot_spots(self, summary: pd.DataFrame | None = None, threshold: float = 0.8) -> analysis.HotSpots:
        """Pareto ranking, default of the summary (:func:`cohort_helpers.analysis.hot_spots`)."""
        return analysis.hot_spots(self.summary if summary is None else summary, threshold)

    def intensity(self, **kwargs: Any) -> pd.DataFrame:
        """Categories by kg CO2e per dollar (:func:`cohort_helpers.analysis.intensity`)."""
        return analysis.intensity(self.summary, **kwargs)

    def variance_drivers(self, by: str | list[str] = "naics6", **kwargs: Any) -> pd.DataFrame:
        """What drives the uncertainty of the total (:func:`cohort_helpers.analysis.variance_drivers`)."""
        return analysis.variance_drivers(self.lines, self.monte_carlo, by, **kwargs)

    def category_ranges(self, by: str = "naics6", **kwargs: Any) -> pd.DataFrame:
        """95 % ranges of the largest categories (:func:`cohort_helpers.analysis.category_ranges`)."""
        return analysis.category_ranges(self.lines, by, **kwargs)

    def ratio_to_lgo(self, lgo: pd.DataFrame) -> float:
        """Supply chain over Scope 1+2 (:func:`cohort_helpers.analysis.ratio_to_lgo`)."""
        return analysis.ratio_to_lgo(self.t_co2e, lgo)


def open_inventory(
    member: str = DEFAULT_MEMBER, fiscal_year: int | None = None, **kwargs: Any
) -> MemberInventory:
    """A member-year's inventory, with the analysis as methods.

    Parameters
    ----------
    member : str
        The cohort member (bundled, or your own added with ``cohort member add``).
    fiscal_year : int, optional
        Default: the member's latest ledger year.
    **kwargs
        Passed to :func:`cohort_helpers.inventory.member_inventory`
        (``n_draws=0`` skips the Monte Carlo run, ``overrides=`` a review file ...).

    Returns
    -------
    MemberInventory
        The :class:`~cohort_helpers.inventory.Inventory` with methods.

    Examples
    --------
    >>> inv = open_inventory("bjorkestrand", 2021, n_draws=0)
    >>> inv.member, inv.fiscal_year, inv.t_co2e > 0
    ('bjorkestrand', 2021, True)
    """
    return MemberInventory.of(inventory.member_inventory(member, fiscal_year, **kwargs))


def cohort(**kwargs: Any) -> compare.CohortResults:
    """Every member-year of the cohort, computed once and cached on disk.

    Parameters
    ----------
    **kwargs
        Passed to :func:`cohort_helpers.cohort_runner.cohort_results`
        (``factors=``, ``price_method=`` ...).

    Returns
    -------
    CohortResults
        With ``latest()``, ``position()``, ``decompose()``, ``public_view()`` ...

    Examples
    --------
    >>> c = cohort()  # doctest: +SKIP
    >>> "cedar_valley" in c.members  # doctest: +SKIP
    True
    """
    return cohort_runner.cohort_results(**kwargs)


#: The names :func:`open_dataset` knows that are not reference files.
COHORT_TABLES: tuple[str, ...] = ("members",)


def list_datasets() -> list[str]:
    """Every name :func:`open_dataset` opens: reference files, public tables, ``members``.

    Returns
    -------
    list of str
        Reference files (:data:`cohort_helpers.data.REGISTRY`), public tables
        (:data:`cohort_helpers.members.PUBLIC_TABLES`) and the cohort tables.

    Examples
    --------
    >>> {"sef_co2e", "cpi_u", "members"} <= set(list_datasets())
    True
    """
    return [*data.REGISTRY, *members.PUBLIC_TABLES, *COHORT_TABLES]


def open_dataset(name: str) -> pd.DataFrame:
    """Open a dataset by name as a DataFrame (like ``xarray.tutorial.open_dataset``).

    Reference files are found, or fetched and verified, by
    :func:`cohort_helpers.data.open_dataset`; public figures come from
    ``datasets/public/`` (:func:`cohort_helpers.members.public_table`);
    ``members`` is the cohort's member table.

    Parameters
    ----------
    name : str
        One of :func:`datasets`.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    KeyError
        For an unknown name, listing the known ones.

    Examples
    --------
    >>> open_dataset("nok_per_usd").columns[:2].tolist()
    ['year', 'value']
    >>> len(open_dataset("members")) >= 19
    True
    """
    if name in data.REGISTRY:
        return data.open_dataset(name)
    if name in members.PUBLIC_TABLES:
        return members.public_table(name)
    if name == "members":
        return members.list_members()
    raise KeyError(f"No dataset {name!r}. Datasets: {', '.join(list_datasets())}.")


def check(session: int | str, member: str = DEFAULT_MEMBER) -> checks.Checker:
    """The homework self-checks of a session: ``check.task_1(answer)`` says correct or what is wrong.

    Parameters
    ----------
    session : int or str
        The session number (``3`` or ``"03"``).
    member : str
        The member whose data the homework uses.

    Returns
    -------
    Checker
        See :func:`cohort_helpers.course.checks.for_session`.

    Examples
    --------
    >>> c = check(6, "cedar_valley")
    >>> type(c).__name__
    'Checker'
    """
    return checks.for_session(int(session), member=member)


def done(value: Any) -> bool:
    """True when ``value`` is an answer, not the exercise placeholder ``...`` (or ``None``).

    Parameters
    ----------
    value : object
        A homework answer.

    Returns
    -------
    bool

    Examples
    --------
    >>> done(...), done(None), done(0.0)
    (False, False, True)
    """
    return checks.done(value)
