"""Emission factor sets: data, not code.

A :class:`FactorSet` holds a table of kg CO2e per USD with everything needed
to use it correctly: its dollar year, its price basis (purchaser or
producer), whether margins are included, the gases, the source, the licence
and the attribution. Sets are looked up by name in a registry:

=============================== =============================================
name                            what
=============================== =============================================
``"sef_v1.3"`` (default)        EPA SEF v1.3, with margins, purchaser price,
                                kg CO2e per 2022 USD (use with ledger spend)
``"sef_v1.3_without_margins"``  the same, cradle to factory gate
``"sef_v1.3_bygas"``            with margins, plus per-gas factors
``"open_ceda"`` (``country=``)  Open CEDA 2024 country row, *producer* price;
                                attribution "CEDA by Watershed" required
=============================== =============================================

A newer EPA version (v1.4) or a national set gets in as a file in the SEF
layout: ``load_factor_set("my_factors.csv")``, or
``register_factor_set("sef_v1.4", "SupplyChain..._v1.4.0_....csv")``; the
dollar year is read from the ``Unit`` column (``"kg CO2e/2024 USD"``).

:func:`lookup` maps codes to factors, vectorised (contract C5). A 6-digit NAICS
code is an ``"exact"`` match. A 2-5 digit code is a ``"prefix_average"`` over
the 6-digit codes below it, weighted by what US state and local governments
buy (BEA 2017 Use table, purchaser prices: ``GSLGO`` for operating purchases,
the investment columns ``F10S00 + F10E00 + F10N00`` for capital lines, i.e.
``category=2``); where governments buy nothing under the prefix, national
output (``T007``) weights; where neither exists (retail, whose purchaser-price
rows are empty), equal weights. Whichever was used is written per line in
``factor_basis``: never a silent switch. Each NAICS-6 code takes the Use-table
value of its ``bea_code``, shared equally by the NAICS codes of one BEA
commodity. ``"GSLGO"`` (an operating purchase of unknown kind) and ``"F10"`` (a
capital purchase of unknown kind) are ``"profile"`` matches: the average of
every factor weighted by the whole government operating / capital purchase
profile, Scope 1/2 energy (:data:`PROFILE_EXCLUDED_BEA`) left out. Anything
else is ``"missing"`` with a NaN factor and a :class:`MissingFactorWarning`
naming the codes. Nothing is dropped silently.

Examples
--------
>>> from cohort_helpers import factors
>>> fs = factors.load_factor_set("sef_v1.3")  # doctest: +SKIP
>>> factors.lookup(["327310", "531"], fs)[["factor_kg_per_usd", "match", "weighting"]]  # doctest: +SKIP
   factor_kg_per_usd           match weighting
0              3.924           exact
1              0.246  prefix_average     gslgo
"""

from __future__ import annotations

import os
import re
import warnings
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import data

__all__ = [
    "AR5_GWP",
    "DEFAULT_FACTOR_SET",
    "FactorSet",
    "GasSplitCheck",
    "MissingFactorWarning",
    "FACTOR_SETS",
    "FactorSetSpec",
    "available_factor_sets",
    "bea_components",
    "bea_weights",
    "check_gas_split",
    "factor_set_table",
    "gas_factor_table",
    "mean_by_bea",
    "government_weights",
    "profile_bea_weights",
    "profile_weights",
    "sef_v14",
    "factors_by_gas",
    "load_factor_set",
    "lookup",
    "naics_output_weights",
    "open_ceda",
    "read_factor_file",
    "register_factor_set",
    "sef",
    "split_by_gas",
]

#: Name of the factor set used when none is given.
DEFAULT_FACTOR_SET = "sef_v1.3"

#: IPCC AR5 100-year GWPs used by EPA SEF v1.3 for the three named gases.
#: All other gases are taken together as the implied remainder
#: ``CO2e - CO2 - 28 CH4 - 265 N2O`` (no per-HFC GWPs are hard-coded).
AR5_GWP: dict[str, float] = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0}

#: byGHG file names of the three named gases.
_GAS_NAMES = {"Carbon dioxide": "CO2", "Methane": "CH4", "Nitrous oxide": "N2O"}

#: Flag carried by every producer-price factor.
PRODUCER_PRICE_FLAG = (
    "producer price: trade and transport margins are not included; ledger spend is at "
    "purchaser price (see adjust.price_basis_choice / adjust.apply_margin_ratios)"
)
COUNTRY_FACTOR_FLAG = (
    "country factor: spend converted at the spend year's rate, then US CPI-U to the set's "
    "dollar year; no US sector price index (adjust.to_factor_dollars applies this rule)"
)

Match = Literal["exact", "prefix_average", "profile", "missing"]

#: BEA Use-table columns of state and local government operating purchases
#: (general government other than education and hospitals).
GOVERNMENT_OPERATING_COLUMNS: tuple[str, ...] = ("GSLGO",)
#: BEA Use-table columns of state and local government investment
#: (structures, equipment, intellectual property): the capital profile.
GOVERNMENT_CAPITAL_COLUMNS: tuple[str, ...] = ("F10S00", "F10E00", "F10N00")
#: The two purchase-profile codes of contract C5 and their Use-table columns.
PROFILE_CODES: dict[str, tuple[str, ...]] = {
    "GSLGO": GOVERNMENT_OPERATING_COLUMNS,
    "F10": GOVERNMENT_CAPITAL_COLUMNS,
}
#: BEA commodities left out of the profiles: Scope 1/2 energy already in the
#: LGO inventory (the keys of :data:`cohort_helpers.downscale.SCOPE12_ENERGY_COMMODITIES`,
#: kept equal by a test; defined here because downscale imports this module).
PROFILE_EXCLUDED_BEA: tuple[str, ...] = ("324110", "221100", "221200", "212100", "211000")

#: What each prefix weighting means, written into ``factor_basis``.
WEIGHTING_TEXT: dict[str, str] = {
    "gslgo": "state and local government operating purchases (BEA 2017 Use table, GSLGO)",
    "capital": "state and local government investment (BEA 2017 Use table, "
    "F10S00 + F10E00 + F10N00)",
    "output": "national output (BEA 2017 Use table, T007)",
    "given": "the weights given",
    "equal": "equal weights",
}


class MissingFactorWarning(UserWarning):
    """Some codes have no factor; they are returned with NaN and ``match="missing"``."""


# --------------------------------------------------------------------------
# Cached reference tables
# --------------------------------------------------------------------------

#: National weights per factor set (weak keys: dropped with the set).
_WEIGHTS_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _output_by_bea(
    use: pd.DataFrame | None = None, column: str | tuple[str, ...] = "T007"
) -> pd.Series | None:
    """Positive Use-table value (million USD) per BEA commodity, or None if unavailable.

    ``column`` may name several columns (summed, e.g. the three investment columns).
    """
    if use is None:
        try:
            use = data.shared_dataset("bea_use_table")
        except (data.DataNotFoundError, data.DataFormatError, ImportError):
            return None
    cols = [column] if isinstance(column, str) else list(column)
    missing = [c for c in cols if c not in use.columns]
    if missing:
        raise KeyError(
            f"The Use table has no column(s) {missing}; use 'T007' (total commodity output) "
            f"or a final-demand column such as 'GSLGO'."
        )
    out = use[cols].astype(float).sum(axis=1)
    return out[out > 0]


def bea_weights(column: str | tuple[str, ...] = "T007") -> pd.Series | None:
    """Positive BEA 2017 Use-table values per BEA commodity (million USD), or None.

    ``column``: ``"T007"`` (national output), ``"GSLGO"`` or a tuple of
    columns summed (``GOVERNMENT_CAPITAL_COLUMNS``). None when the registered
    Use table is not available.

    Parameters
    ----------
    column : str or tuple of str
        Use-table column(s).

    Returns
    -------
    Series or None
        BEA commodity -> million USD (positive values only).

    Examples
    --------
    >>> float(bea_weights("GSLGO")["531ORE"])
    8839.0
    """
    return _output_by_bea(None, column)


def bea_components(bea: str) -> list[str]:
    """The BEA codes listed in a ``bea_code`` (``"230301, 233210"`` lists two).

    Parameters
    ----------
    bea : str
        A ``bea_code`` value.

    Returns
    -------
    list of str

    Examples
    --------
    >>> bea_components("531HSO, 531HST")
    ['531HSO', '531HST']
    """
    return [c.strip() for c in str(bea).split(",") if c.strip()]



# --------------------------------------------------------------------------
# The FactorSet
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FactorSet:
    """A named, versioned table of spend-based emission factors and its metadata.

    Attributes
    ----------
    name, version : str
        Registry name (e.g. ``"sef_v1.3"``) and the publisher's version.
    table : DataFrame
        Indexed by ``code`` (NAICS-6, or BEA detail code when ``code_type ==
        "bea"``) with columns ``factor_kg_per_usd`` (kg CO2e per USD of
        ``dollar_year``), ``bea_code`` (for joining price indices and the Use
        table; several codes may be listed ``"a, b"``) and ``title``. SEF-layout
        sets also keep ``sef_without_margins``, ``sef_margins``,
        ``sef_with_margins``.
    dollar_year : int
        The year of the USD in the denominator.
    price_basis : {"purchaser", "producer"}
        The price the factor is per dollar of.
    margins : {"with", "without"}
        Whether transport, wholesale and retail margins are included.
    gas : {"CO2e", "by_gas"}
        ``"by_gas"`` when :attr:`gas_table` holds per-gas factors.
    gas_table : DataFrame or None
        Indexed by code; one column per gas (kg of the gas per USD, except the
        file's ``"HFCs and PFCs, unspecified"`` which is kg CO2e), same margins.
    code_type : {"naics6", "bea"}
        What :attr:`table` is indexed by.
    country : str or None
        ISO3 country of a country-specific set (``None``: United States).
    crosswalk : DataFrame or None
        For ``code_type == "bea"``: NAICS-6 (index) to ``bea_code`` and
        ``title``, so NAICS codes can be looked up in a BEA-coded set.
    source, licence, attribution, unit, gwp : str
        Provenance; show :attr:`attribution` wherever results are shown.
    data_year : str
        The year of the emissions data behind the factors, as stated (``""``: not known).
    flags : tuple of str
        Caveats carried into every lookup (e.g. producer price).

    Examples
    --------
    >>> fs = load_factor_set("sef_v1.3")  # doctest: +SKIP
    >>> fs.dollar_year, fs.price_basis, fs.margins, len(fs.table)  # doctest: +SKIP
    (2022, 'purchaser', 'with', 1016)
    """

    name: str
    version: str
    table: pd.DataFrame
    dollar_year: int
    price_basis: Literal["purchaser", "producer"] = "purchaser"
    margins: Literal["with", "without"] = "with"
    gas: Literal["CO2e", "by_gas"] = "CO2e"
    gas_table: pd.DataFrame | None = None
    code_type: Literal["naics6", "bea"] = "naics6"
    country: str | None = None
    crosswalk: pd.DataFrame | None = None
    source: str = ""
    licence: str = ""
    attribution: str = ""
    unit: str = "kg CO2e/USD"
    gwp: str = "AR5"
    flags: tuple[str, ...] = field(default=())
    data_year: str = ""

    def __post_init__(self) -> None:
        if self.price_basis not in ("purchaser", "producer"):
            raise ValueError(
                f"FactorSet {self.name!r}: price_basis must be 'purchaser' or 'producer', "
                f"got {self.price_basis!r}."
            )
        if self.margins not in ("with", "without"):
            raise ValueError(
                f"FactorSet {self.name!r}: margins must be 'with' or 'without', got {self.margins!r}."
            )
        if self.code_type not in ("naics6", "bea"):
            raise ValueError(f"FactorSet {self.name!r}: code_type must be 'naics6' or 'bea'.")
        need = {"factor_kg_per_usd", "bea_code"}
        missing = need - set(self.table.columns)
        if missing:
            raise ValueError(
                f"FactorSet {self.name!r}: table needs columns {sorted(need)}; "
                f"missing {sorted(missing)}."
            )
        if not self.table.index.is_unique:
            dup = self.table.index[self.table.index.duplicated()][0]
            raise ValueError(f"FactorSet {self.name!r}: code {dup!r} appears more than once.")
        if self.gas == "by_gas" and self.gas_table is None:
            raise ValueError(f"FactorSet {self.name!r}: gas='by_gas' needs a gas_table.")
        if not isinstance(self.dollar_year, (int, np.integer)):
            raise ValueError(
                f"FactorSet {self.name!r}: dollar_year must be an int year, got {self.dollar_year!r}."
            )

    def __repr__(self) -> str:
        return (
            f"FactorSet({self.name!r}, version={self.version!r}, {len(self.table)} "
            f"{self.code_type} codes, {self.dollar_year} USD, {self.price_basis} price, "
            f"{self.margins} margins, {self.gas}"
            + (f", country={self.country}" if self.country else "")
            + ")"
        )

    def describe(self) -> str:
        """One paragraph for a notebook: what the set is and how to use it.

        Returns
        -------
        str

        Examples
        --------
        >>> print(load_factor_set().describe())
        sef_v1.3 (EPA SEF 1.3.0): 1016 naics6 codes, kg CO2e per 2022 USD at purchaser p...
        """
        text = (
            f"{self.name} ({self.version}): {len(self.table)} {self.code_type} codes, "
            f"kg CO2e per {self.dollar_year} USD at {self.price_basis} price, "
            f"{self.margins} margins, GWP {self.gwp}"
            + (f", data year {self.data_year}" if self.data_year else "")
            + f". Source: {self.source}. "
            f"Licence: {self.licence}."
        )
        if self.attribution:
            text += f" Attribution: {self.attribution}."
        for f in self.flags:
            text += f" Note: {f}."
        return text

    @cached_property
    def naics_view(self) -> pd.DataFrame:
        """Factors per NAICS-6 code (the table itself, or via :attr:`crosswalk`).

        Columns ``factor_kg_per_usd``, ``bea_code``, ``title``, ``note``.

        Returns
        -------
        DataFrame
            Index = NAICS-6 code.

        Examples
        --------
        >>> float(load_factor_set("sef_v1.3").naics_view.loc["327310", "factor_kg_per_usd"])
        3.924
        """
        if self.code_type == "naics6":
            view = self.table[["factor_kg_per_usd", "bea_code"]].copy()
            view["title"] = self.table["title"] if "title" in self.table else ""
            view["note"] = ""
            return view
        if self.crosswalk is None:
            return pd.DataFrame(
                columns=["factor_kg_per_usd", "bea_code", "title", "note"],
                index=pd.Index([], name="code", dtype=str),
            )
        return _bea_to_naics(self.table["factor_kg_per_usd"], self.crosswalk, self.name)

    @cached_property
    def bea_view(self) -> pd.DataFrame:
        """Factors per BEA detail code (the table itself, or averaged over NAICS rows).

        Returns
        -------
        DataFrame
            Index = BEA code; ``factor_kg_per_usd``, ``bea_code``, ``title``, ``note``.

        Examples
        --------
        >>> load_factor_set("sef_v1.3").bea_view.shape
        (388, 4)
        """
        if self.code_type == "bea":
            view = self.table[["factor_kg_per_usd", "bea_code"]].copy()
            view["title"] = self.table["title"] if "title" in self.table else ""
            view["note"] = ""
            return view
        nv = self.naics_view
        ex = nv.assign(component=nv["bea_code"].map(bea_components)).explode("component")
        g = ex.groupby("component", sort=True)
        view = pd.DataFrame(
            {
                "factor_kg_per_usd": g["factor_kg_per_usd"].mean(),
                "bea_code": g["component"].first(),
                "title": g["title"].first(),
                "n": g.size(),
            }
        )
        view["note"] = np.where(
            g["factor_kg_per_usd"].nunique() > 1,
            "mean of the factors of the NAICS codes that include it",
            "",
        )
        view.index.name = "code"
        return view.drop(columns="n")


def _bea_to_naics(factor: pd.Series, crosswalk: pd.DataFrame, set_name: str) -> pd.DataFrame:
    """Expand BEA-coded factors to NAICS-6 rows through a crosswalk (vectorised per BEA string)."""
    out = crosswalk[["bea_code", "title"]].copy()
    out["factor_kg_per_usd"] = np.nan
    out["note"] = ""
    weights = _output_by_bea()
    codes = pd.Index(factor.index.astype(str))
    resolved: dict[str, tuple[float, str]] = {}
    for bea in out["bea_code"].dropna().unique():  # loop over distinct BEA strings only
        comps = bea_components(bea)
        if len(comps) == 1 and comps[0] in codes:
            resolved[bea] = (float(factor[comps[0]]), "")
            continue
        if all(c in codes for c in comps):
            members, how = comps, f"average of {set_name} sectors {', '.join(comps)}"
        else:
            members, how = [], ""
            for k in (5, 4):
                stem = comps[0][:k]
                members = [c for c in codes if c.startswith(stem)]
                if members:
                    how = f"{set_name} has no {bea}; average of its sectors {', '.join(members)}"
                    break
        if not members:
            continue
        vals = factor[members].to_numpy(dtype=float)
        w = weights.reindex(members).to_numpy(dtype=float) if weights is not None else None
        if w is not None and np.all(w > 0):
            resolved[bea] = (float(np.dot(w, vals) / w.sum()), how + " (output-weighted)")
        else:
            resolved[bea] = (float(vals.mean()), how + " (unweighted)")
    out["factor_kg_per_usd"] = out["bea_code"].map({b: v for b, (v, _) in resolved.items()})
    out["note"] = out["bea_code"].map({b: t for b, (_, t) in resolved.items()}).fillna("")
    out.index.name = "code"
    return out[["factor_kg_per_usd", "bea_code", "title", "note"]]


# --------------------------------------------------------------------------
# Building sets from files
# --------------------------------------------------------------------------


def _sef_table(df: pd.DataFrame, margins: str) -> pd.DataFrame:
    col = "sef_with_margins" if margins == "with" else "sef_without_margins"
    t = df.set_index("naics6")[
        ["naics_title", "bea_code", "sef_without_margins", "sef_margins", "sef_with_margins"]
    ].rename(columns={"naics_title": "title"})
    t.insert(0, "factor_kg_per_usd", t[col].astype(float))
    t.index.name = "code"
    return t


def _gas_table(df: pd.DataFrame, margins: str) -> pd.DataFrame:
    col = "sef_with_margins" if margins == "with" else "sef_without_margins"
    wide = df.pivot_table(index="naics6", columns="ghg", values=col, aggfunc="first")
    wide = wide.rename(columns=_GAS_NAMES)
    wide.columns.name = "gas"
    wide.index.name = "code"
    missing = [g for g in AR5_GWP if g not in wide.columns]
    if missing:
        raise data.DataFormatError(
            f"By-gas factor file: no rows for {missing}; expected GHG values "
            f"{sorted(_GAS_NAMES)} (and any others)."
        )
    return wide[list(AR5_GWP) + [c for c in wide.columns if c not in AR5_GWP]]


def _parse_unit(unit: str) -> tuple[int | None, str | None]:
    """Dollar year and price basis from a Unit text like 'kg CO2e/2024 USD, purchaser price'."""
    m = re.search(r"(\d{4})\s*USD", unit or "")
    year = int(m.group(1)) if m else None
    basis = None
    if re.search(r"producer", unit or "", re.I):
        basis = "producer"
    elif re.search(r"purchaser", unit or "", re.I):
        basis = "purchaser"
    return year, basis


def read_factor_file(
    file: str | os.PathLike,
    *,
    name: str | None = None,
    version: str | None = None,
    margins: Literal["with", "without"] = "with",
    dollar_year: int | None = None,
    price_basis: Literal["purchaser", "producer"] | None = None,
    by_gas_file: str | os.PathLike | None = None,
    source: str | None = None,
    licence: str = "as stated by the file's publisher",
    attribution: str = "",
) -> FactorSet:
    """A factor set from a CSV in the EPA SEF layout (any version, or a national set).

    Parameters
    ----------
    file : path-like
        CSV with the SEF columns (``2017 NAICS Code``, ..., ``Supply Chain
        Emission Factors with Margins``, ``Reference USEEIO Code``).
    name, version : str, optional
        Defaults: the file stem; the ``v1.2.3`` found in the file name, else ``"user"``.
    margins : {"with", "without"}
        Which factor column to use (``"with"`` for ledger spend).
    dollar_year : int, optional
        Overrides the year parsed from the ``Unit`` column (``"kg CO2e/2024 USD"``).
    price_basis : {"purchaser", "producer"}, optional
        Overrides the basis parsed from ``Unit``; default ``"purchaser"``.
    by_gas_file : path-like, optional
        The matching by-gas file; makes a ``gas="by_gas"`` set.

    Returns
    -------
    FactorSet

    Raises
    ------
    cohort_helpers.data.DataFormatError
        Not the SEF layout (the message lists the expected columns) or no
        dollar year in the ``Unit`` column and none given.

    source, licence, attribution : str, optional
        Where the file comes from and its terms, carried by the set.

    Examples
    --------
    >>> fs = read_factor_file("SupplyChainGHGEmissionFactors_v1.4.0_NAICS_CO2e_USD2024.csv")  # doctest: +SKIP
    >>> fs.dollar_year, fs.version  # doctest: +SKIP
    (2024, 'v1.4.0')
    """
    file = Path(file)
    df = data.read_sef(file)
    units = df["unit"].dropna().astype(str).unique()
    years = {y for y, _ in map(_parse_unit, units) if y is not None}
    bases = {b for _, b in map(_parse_unit, units) if b is not None}
    if dollar_year is None:
        if len(years) != 1:
            raise data.DataFormatError(
                f"{file}: cannot tell the dollar year from the Unit column {list(units)[:3]}; "
                "expected text like 'kg CO2e/2024 USD'. Pass dollar_year=... explicitly."
            )
        dollar_year = years.pop()
    if price_basis is None:
        price_basis = bases.pop() if len(bases) == 1 else "purchaser"
    if version is None:
        m = re.search(r"v\d+(?:\.\d+)+", file.name)
        version = m.group(0) if m else "user"
    gas_table = None
    if by_gas_file is not None:
        gas_table = _gas_table(data.read_sef(by_gas_file, by_gas=True), margins)
    return FactorSet(
        name=name or file.stem,
        version=version,
        table=_sef_table(df, margins),
        dollar_year=int(dollar_year),
        price_basis=price_basis,
        margins=margins,
        gas="by_gas" if gas_table is not None else "CO2e",
        gas_table=gas_table,
        source=source or str(file),
        licence=licence,
        attribution=attribution,
        unit=str(units[0]) if len(units) else "",
        flags=(PRODUCER_PRICE_FLAG,) if price_basis == "producer" else (),
    )


def sef(
    margins: Literal["with", "without"] = "with",
    by_gas: bool = False,
    path: str | os.PathLike | None = None,
) -> FactorSet:
    """EPA Supply Chain GHG Emission Factors v1.3 (the registered reference files).

    Parameters
    ----------
    margins : {"with", "without"}
        Factors with margins (purchaser price, for ledger spend) or without.
    by_gas : bool
        The by-gas file (CO2, CH4, N2O, other) instead of CO2e.
    path : path-like, optional
        The file (default: the registered reference file).

    Returns
    -------
    FactorSet

    Examples
    --------
    >>> float(sef().table.loc["327310", "factor_kg_per_usd"])
    3.924
    """
    df = data.shared_dataset("sef_co2e", path)
    ref = data.REGISTRY["sef_co2e"]
    name = (
        "sef_v1.3"
        + ("_bygas" if by_gas else "")
        + ("" if margins == "with" else "_without_margins")
    )
    gas_table = _gas_table(data.shared_dataset("sef_bygas", path), margins) if by_gas else None
    return FactorSet(
        name=name,
        version="EPA SEF 1.3.0",
        table=_sef_table(df, margins),
        dollar_year=int(df.attrs.get("dollar_year") or _parse_unit(df["unit"].iloc[0])[0]),
        price_basis="purchaser",
        margins=margins,
        gas="by_gas" if by_gas else "CO2e",
        gas_table=gas_table,
        source=f"{ref.publisher}: {ref.title}",
        licence=ref.licence,
        attribution=FACTOR_SETS["sef_v1.3"].attribution,
        unit=str(df["unit"].iloc[0]),
        gwp=FACTOR_SETS["sef_v1.3"].gwp,
        data_year=FACTOR_SETS["sef_v1.3"].data_year,
    )


def _sef_crosswalk(path: str | os.PathLike | None = None) -> pd.DataFrame | None:
    try:
        df = data.shared_dataset("sef_co2e", path)
    except (data.DataNotFoundError, data.DataFormatError):
        return None
    cw = df.set_index("naics6")[["bea_code", "naics_title"]].rename(
        columns={"naics_title": "title"}
    )
    cw.index.name = "code"
    return cw


def open_ceda(
    country: str = "NOR",
    file: str | os.PathLike | None = None,
    crosswalk: pd.DataFrame | None = None,
    edition: Literal["2024", "2025"] = "2024",
) -> FactorSet:
    """Open CEDA factors (2024 or 2025 edition) for one country (producer price, flagged).

    The dollar year is the file's "Base year" line (the set's registered year
    when the file has none); the GWP set the file's "GWP" line, else the
    registered one (said to be "not stated in the file").

    Parameters
    ----------
    country : str
        ISO3 code of the country row, e.g. ``"NOR"``, ``"USA"``, ``"GBR"``.
    file : path-like, optional
        The Open CEDA CSV/XLSX the user downloaded; default: the registered file.
    crosswalk : DataFrame, optional
        NAICS-6 to ``bea_code``; default: the SEF v1.3 ``Reference USEEIO Code``.
    edition : {"2024", "2025"}
        The Open CEDA edition.

    Returns
    -------
    FactorSet
        ``code_type="bea"``, ``price_basis="producer"``, ``margins="without"``,
        with ``attribution`` "CEDA by Watershed ..." that must be shown with results.

    Examples
    --------
    >>> fs = open_ceda("NOR")
    >>> fs.price_basis, fs.attribution
    ('producer', 'CEDA by Watershed (Open CEDA 2024, CC BY-SA 4.0)')
    """
    spec = FACTOR_SETS[f"open_ceda_{edition}"]
    ceda = data.read_open_ceda(file) if file else data.shared_dataset(spec.ref)
    iso = str(country).strip().upper()
    rows = ceda[ceda["country_code"].str.upper() == iso]
    if rows.empty:
        known = ", ".join(sorted(ceda["country_code"].unique())[:20])
        raise KeyError(
            f"Open CEDA has no country row {country!r}. Use an ISO3 code such as {known}, ..."
        )
    table = pd.DataFrame(
        {
            "factor_kg_per_usd": rows["kg_co2e_per_usd"].to_numpy(dtype=float),
            "bea_code": rows["bea_code"].to_numpy(),
            "title": rows["sector_name"].to_numpy(),
        },
        index=pd.Index(rows["bea_code"].astype(str).to_numpy(), name="code"),
    )
    a = ceda.attrs
    year = int(a["base_year"]) if a.get("base_year_stated", True) else spec.dollar_year
    gwp = a.get("gwp") or f"{spec.gwp} (not stated in the file)"
    return FactorSet(
        name=f"open_ceda_{iso}" if edition == "2024" else f"open_ceda_{edition}_{iso}",
        version=str(a.get("version", f"CEDA {edition}")),
        table=table,
        dollar_year=year,
        data_year=str(a.get("data_year") or spec.data_year),
        price_basis="producer",
        margins="without",
        code_type="bea",
        country=iso,
        crosswalk=crosswalk if crosswalk is not None else _sef_crosswalk(),
        source=f"Watershed, Open CEDA ({a.get('source', '')}), country {iso} "
        f"({rows['country'].iloc[0]})",
        licence=str(a.get("licence", "CC BY-SA 4.0")),
        attribution=spec.attribution,  # one text per set: the registry's
        unit=f"kg CO2e/{year} USD, producer price",
        gwp=gwp,
        flags=(PRODUCER_PRICE_FLAG, COUNTRY_FACTOR_FLAG),
    )


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------

def sef_v14(path: str | os.PathLike | None = None) -> FactorSet:
    """SEF v1.4.0 (Cornerstone, Zenodo record 17202747): AR6, 2024 USD, purchaser price.

    The file is user-supplied (``sef_v1.4/`` in the data folder); its price
    year and GWP set come from :data:`FACTOR_SETS` and the price year must
    agree with the file's ``Unit`` column.

    Parameters
    ----------
    path : path-like, optional
        The file (default: found in the data folder).

    Returns
    -------
    FactorSet

    Raises
    ------
    cohort_helpers.data.DataNotFoundError
        No file: the message names the Zenodo record and ``COHORT_DATA_DIR``.

    Examples
    --------
    >>> sef_v14().dollar_year, sef_v14().gwp  # doctest: +SKIP
    (2024, 'AR6')
    """
    spec = FACTOR_SETS["sef-1.4"]
    df = data.shared_dataset(spec.ref, path)
    year = df.attrs.get("dollar_year")
    if year is not None and int(year) != spec.dollar_year:
        raise data.DataFormatError(
            f"{df.attrs.get('source')}: the Unit column says {year} USD but SEF v1.4 is per "
            f"{spec.dollar_year} USD. Is this the v1.4 file? ({spec.where})"
        )
    return FactorSet(
        name="sef-1.4",
        version=spec.version,
        table=_sef_table(df, "with"),
        dollar_year=spec.dollar_year,
        source=f"{spec.publisher}: {spec.title} ({df.attrs.get('source', '')})",
        licence=spec.licence,
        attribution=spec.attribution,
        unit=str(df["unit"].iloc[0]),
        gwp=spec.gwp,
        data_year=spec.data_year,
    )


@dataclass(frozen=True)
class FactorSetSpec:
    """What a registered factor set is, as data (``cohort data list`` shows it).

    Attributes
    ----------
    name : str
        What ``--factors`` takes (``"open_ceda_2025:NOR"`` adds a country).
    title, publisher, version : str
    ref : str
        The reference file's key in :data:`cohort_helpers.data.REGISTRY`.
    dollar_year : int
        The USD year of the factors: price-year conversion targets it.
    gwp : str
        The GWP set (``"AR5"``, ``"AR6"``).
    data_year : str
        The year of the emissions data, as stated by the publisher (or "not stated").
    price_basis, margins : str
    licence, attribution : str
    where : str
        Where to get the file.
    """

    name: str
    title: str
    publisher: str
    version: str
    ref: str
    dollar_year: int
    gwp: str
    data_year: str
    price_basis: str
    margins: str
    licence: str
    attribution: str
    where: str


#: The registered factor sets (contract of issue 14): price year and GWP set as data.
FACTOR_SETS: dict[str, FactorSetSpec] = {
    s.name: s
    for s in (
        FactorSetSpec(
            "sef_v1.3",
            "Supply Chain GHG Emission Factors v1.3 by NAICS-6 (default)",
            "US EPA",
            "EPA SEF 1.3.0",
            "sef_co2e",
            2022,
            "AR5",
            "not stated in the file (see the EPA documentation, DOI 10.23719/1531143)",
            "purchaser",
            "with",
            "public domain (US Government work)",
            "US EPA Supply Chain GHG Emission Factors v1.3 (DOI 10.23719/1531143)",
            "https://doi.org/10.23719/1531143",
        ),
        FactorSetSpec(
            "sef-1.4",
            "Supply Chain GHG Emission Factors v1.4.0 by NAICS-6",
            "Cornerstone (Stanford University and ERG)",
            "SEF 1.4.0",
            "sef_v14",
            2024,
            "AR6",
            "2023 (GHG data, as announced with the release)",
            "purchaser",
            "with",
            "as stated on the Zenodo record",
            "Supply Chain GHG Emission Factors v1.4.0, Cornerstone (Zenodo record 17202747)",
            "https://zenodo.org/records/17202747",
        ),
        FactorSetSpec(
            "open_ceda_2024",
            "Open CEDA 2024, country rows",
            "Watershed",
            "CEDA 2024",
            "open_ceda",
            2022,
            "AR5",
            "not stated in the file",
            "producer",
            "without",
            "CC BY-SA 4.0",
            data.OPEN_CEDA_ATTRIBUTION,
            "Watershed's Open CEDA download form",
        ),
        FactorSetSpec(
            "open_ceda_2025",
            "Open CEDA 2025, country rows",
            "Watershed",
            "CEDA 2025",
            "open_ceda_2025",
            2024,
            "AR6",
            "2023 (as announced with the release)",
            "producer",
            "without",
            "CC BY-SA 4.0",
            "CEDA by Watershed (Open CEDA 2025, CC BY-SA 4.0)",
            "Watershed's Open CEDA download form",
        ),
    )
}


def factor_set_table() -> pd.DataFrame:
    """The registered factor sets, whether their file is here, and their metadata.

    Returns
    -------
    DataFrame
        One row per registered set (index = its name).

    Examples
    --------
    >>> factor_set_table().loc["sef-1.4", ["dollar_year", "gwp"]].astype(str).tolist()
    ['2024', 'AR6']
    """
    rows = []
    for spec in FACTOR_SETS.values():
        found = data.locate(spec.ref)
        rows.append(
            {
                "name": spec.name,
                "title": spec.title,
                "dollar_year": spec.dollar_year,
                "gwp": spec.gwp,
                "data_year": spec.data_year,
                "price_basis": f"{spec.price_basis}, {spec.margins} margins",
                "present": found is not None,
                "file": str(found[0]) if found else data.REGISTRY[spec.ref].relpath,
                "where": spec.where,
                "attribution": spec.attribution,
            }
        )
    return pd.DataFrame(rows).set_index("name")


_Loader = Callable[..., FactorSet]
_REGISTRY: dict[str, _Loader] = {
    "sef_v1.3": lambda **kw: sef("with", False, **kw),
    "sef_v1.3_without_margins": lambda **kw: sef("without", False, **kw),
    "sef_v1.3_bygas": lambda **kw: sef("with", True, **kw),
    "sef-1.4": lambda **kw: sef_v14(**kw),
    "sef_v1.4": lambda **kw: sef_v14(**kw),
    "open_ceda": lambda **kw: open_ceda(**kw),
    "open_ceda_2024": lambda **kw: open_ceda(**kw, edition="2024"),
    "open_ceda_2025": lambda **kw: open_ceda(**kw, edition="2025"),
}
_SET_CACHE: dict[tuple, FactorSet] = {}


def available_factor_sets() -> list[str]:
    """Names accepted by :func:`load_factor_set`.

    Returns
    -------
    list of str

    Examples
    --------
    >>> "sef_v1.3" in available_factor_sets()
    True
    """
    return list(_REGISTRY)


def register_factor_set(
    name: str,
    source: FactorSet | _Loader | str | os.PathLike,
    *,
    overwrite: bool = False,
    **read_kwargs: Any,
) -> None:
    """Register a factor set under a name (a user's or a newer published set).

    Parameters
    ----------
    name : str
        The name to load it by.
    source : FactorSet, callable or path
        A ready set, a function returning one, or a file in the SEF layout
        (read lazily with :func:`read_factor_file` and ``read_kwargs``).
    overwrite : bool
        Replace an existing name (built-in names included).
    **read_kwargs
        Passed to :func:`read_factor_file` for a path.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        The name is taken and ``overwrite`` is False.

    Examples
    --------
    >>> register_factor_set("sef_v1.4", "v1.4/SupplyChain_v1.4.0_CO2e.csv")  # doctest: +SKIP
    >>> load_factor_set("sef_v1.4").dollar_year  # doctest: +SKIP
    2024
    """
    if name in _REGISTRY and not overwrite:
        raise ValueError(
            f"A factor set called {name!r} is already registered; pass overwrite=True "
            "to replace it or choose another name."
        )
    if isinstance(source, FactorSet):
        _REGISTRY[name] = lambda **kw: source
    elif callable(source):
        _REGISTRY[name] = source
    else:
        path = Path(source)
        _REGISTRY[name] = lambda **kw: read_factor_file(path, name=name, **{**read_kwargs, **kw})
    for key in [k for k in _SET_CACHE if k[0] == name]:
        del _SET_CACHE[key]


def load_factor_set(
    name_or_path: str | os.PathLike | FactorSet = DEFAULT_FACTOR_SET, **kwargs: Any
) -> FactorSet:
    """A registered factor set by name, or a user's file in the SEF layout.

    Parameters
    ----------
    name_or_path : str, path-like or FactorSet
        A name from :func:`available_factor_sets` (``"open_ceda:NOR"`` is short
        for ``("open_ceda", country="NOR")``), a path to a SEF-layout CSV, or a
        FactorSet (returned as is).
    **kwargs
        Passed to the set's loader (e.g. ``country=`` for Open CEDA, or
        ``dollar_year=`` / ``margins=`` for a file).

    Returns
    -------
    FactorSet

    Examples
    --------
    >>> load_factor_set("sef_v1.3").dollar_year
    2022
    >>> load_factor_set("open_ceda", country="NOR").price_basis
    'producer'
    """
    if isinstance(name_or_path, FactorSet):
        return name_or_path
    key_name = str(name_or_path)
    if isinstance(name_or_path, str) and name_or_path.startswith("open_ceda") and ":" in name_or_path:
        key_name, country = name_or_path.split(":", 1)
        kwargs = {**kwargs, "country": country}
    if key_name in _REGISTRY:
        key = (key_name, tuple(sorted((k, str(v)) for k, v in kwargs.items())),
               os.environ.get(data.DATA_ENV))  # fmt: skip
        if key not in _SET_CACHE:
            _SET_CACHE[key] = _REGISTRY[key_name](**kwargs)
        return _SET_CACHE[key]
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return read_factor_file(path, **kwargs)
    raise KeyError(
        f"No factor set called {str(name_or_path)!r} and no such file. Registered sets: "
        f"{', '.join(available_factor_sets())}. Or pass the path of a CSV in the EPA SEF "
        "layout (e.g. v1.4 or a national set), or register one with register_factor_set()."
    )


# --------------------------------------------------------------------------
# Lookup
# --------------------------------------------------------------------------


def _normalise_codes(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Unique normalised code strings and the inverse index (-1 never occurs)."""
    if np.isscalar(values) or values is None:
        values = [values]
    ser = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    inv, uniq = pd.factorize(ser.astype(object), use_na_sentinel=False)

    def norm(u: Any) -> str:
        if u is None or (isinstance(u, float) and np.isnan(u)) or u is pd.NA:
            return ""
        if isinstance(u, (float, np.floating)) and float(u).is_integer():
            u = int(u)
        s = str(u).strip().upper()
        return re.sub(r"\.0+$", "", s)

    normed = np.array([norm(u) for u in uniq], dtype=object)  # over distinct codes only
    return normed, np.asarray(inv)


def naics_output_weights(
    factor_set: FactorSet | str | None = None,
    use: pd.DataFrame | None = None,
    column: str | tuple[str, ...] = "T007",
) -> pd.Series:
    """National weight of each NAICS-6 code of a set, for prefix averages and splits.

    The weight of a NAICS-6 code is the BEA Use table ``column`` (default
    ``T007``, total commodity output, million USD; or ``"GSLGO"``, or a tuple
    of columns summed) of its ``bea_code`` (summed over the listed codes when
    several), divided by the number of NAICS-6 codes in the set that share
    that ``bea_code`` (BEA publishes no finer split, so they share it
    equally). NaN where the Use table has no positive value.

    Parameters
    ----------
    factor_set : FactorSet or str, optional
        Default ``"sef_v1.3"``.
    use : DataFrame, optional
        The BEA Use table (default: the registered file).
    column : str or tuple of str
        Use-table column(s).

    Returns
    -------
    Series
        NAICS-6 code -> weight (million USD).

    Examples
    --------
    >>> w = naics_output_weights("sef_v1.3")
    >>> w.index.name, bool((w > 0).mean() > 0.9)
    ('code', True)
    """
    fs = load_factor_set(factor_set or DEFAULT_FACTOR_SET)
    cacheable = use is None
    key = (column, os.environ.get(data.DATA_ENV))
    if cacheable and key in _WEIGHTS_CACHE.get(fs, {}):
        return _WEIGHTS_CACHE[fs][key].copy()
    view = fs.naics_view
    out = _output_by_bea(use, column)
    if out is None:
        return pd.Series(np.nan, index=view.index, name="weight")
    bea = view["bea_code"].astype(object)
    uniq = pd.Series(bea.dropna().unique())
    # a BEA code missing from the Use table counts as 0 (no purchases), not as unknown
    per_bea = pd.Series(
        [out.reindex(bea_components(b)).fillna(0.0).sum() for b in uniq],
        index=uniq.to_numpy(),
        dtype=float,
    )
    share = bea.map(bea.value_counts())
    w = bea.map(per_bea).astype(float) / share
    w[~(w > 0)] = np.nan
    w = w.rename("weight")
    if cacheable:
        _WEIGHTS_CACHE.setdefault(fs, {})[key] = w
    return w.copy()


def government_weights(
    factor_set: FactorSet | str | None = None,
    kind: Literal["operating", "capital"] = "operating",
    use: pd.DataFrame | None = None,
) -> pd.Series:
    """What US state and local governments buy, per NAICS-6 code of a set (million USD, 2017).

    ``kind="operating"``: the Use-table column ``GSLGO``; ``"capital"``: the
    investment columns ``F10S00 + F10E00 + F10N00``. Shared among NAICS codes
    of one BEA commodity as in :func:`naics_output_weights`. NaN where
    governments buy none of it (or the Use table is missing).

    Parameters
    ----------
    factor_set : FactorSet or str, optional
        Default ``"sef_v1.3"``.
    kind : {"operating", "capital"}
        Operating purchases or investment.
    use : DataFrame, optional
        The BEA Use table (default: the registered file).

    Returns
    -------
    Series
        NAICS-6 code -> million USD (2017).

    Examples
    --------
    >>> w = government_weights("sef_v1.3")
    >>> round(float(w["531120"]), 1)
    1104.9
    """
    cols = {"operating": GOVERNMENT_OPERATING_COLUMNS, "capital": GOVERNMENT_CAPITAL_COLUMNS}
    if kind not in cols:
        raise ValueError(f"kind must be 'operating' or 'capital', got {kind!r}.")
    c = cols[kind]
    return naics_output_weights(factor_set, use, c[0] if len(c) == 1 else c)


def _excluded_energy(bea: pd.Series) -> np.ndarray:
    """True where a bea_code lists a Scope 1/2 energy commodity."""
    excl = set(PROFILE_EXCLUDED_BEA)
    return bea.astype(object).map(lambda b: bool(excl & set(bea_components(b)))).to_numpy(bool)


def profile_weights(
    code: str, factor_set: FactorSet | str | None = None, use: pd.DataFrame | None = None
) -> pd.Series:
    """Shares (summing to 1) of the NAICS-6 codes of a set in a purchase profile.

    ``code`` is ``"GSLGO"`` (state and local government operating purchases)
    or ``"F10"`` (state and local government investment); Scope 1/2 energy
    (:data:`PROFILE_EXCLUDED_BEA`) and codes without a factor are left out.
    The factor of a line coded with a profile is the average of the set's
    factors with these weights.

    Parameters
    ----------
    code : {"GSLGO", "F10"}
        The profile.
    factor_set : FactorSet or str, optional
        Default ``"sef_v1.3"``.
    use : DataFrame, optional
        The BEA Use table (default: the registered file).

    Returns
    -------
    Series
        NAICS-6 code -> share.

    Raises
    ------
    KeyError
        ``code`` is not a profile code.
    cohort_helpers.data.DataNotFoundError
        The BEA Use table is not available.

    Examples
    --------
    >>> w = profile_weights("GSLGO")
    >>> round(float(w.sum()), 12), "324110" in w.index
    (1.0, False)
    """
    c = str(code).strip().upper()
    if c not in PROFILE_CODES:
        raise KeyError(f"{code!r} is not a profile code; use one of {sorted(PROFILE_CODES)}.")
    fs = load_factor_set(factor_set or DEFAULT_FACTOR_SET)
    cols = PROFILE_CODES[c]
    w = naics_output_weights(fs, use, cols[0] if len(cols) == 1 else cols)
    nv = fs.naics_view
    w = w.reindex(nv.index)
    w[_excluded_energy(nv["bea_code"]) | nv["factor_kg_per_usd"].isna().to_numpy()] = np.nan
    w = w[w > 0]
    if w.empty:
        raise data.DataNotFoundError(
            f"No {c} purchase profile: the BEA Use table "
            f"({data.REGISTRY['bea_use_table'].relpath}) is not available in the data folder "
            f"({data.DATA_ENV})."
        )
    return (w / w.sum()).rename("share")


def profile_bea_weights(code: str, factor_set: FactorSet | str | None = None) -> pd.Series:
    """A purchase profile per BEA commodity (shares summing to 1), for price indices and DQ.

    The Use-table column(s) of ``code`` (``"GSLGO"`` or ``"F10"``) over the BEA
    commodities that the set has a factor for, Scope 1/2 energy left out.

    Parameters
    ----------
    code : {"GSLGO", "F10"}
        The profile.
    factor_set : FactorSet or str, optional
        Default ``"sef_v1.3"``.

    Returns
    -------
    Series
        BEA commodity -> share.

    Examples
    --------
    >>> w = profile_bea_weights("GSLGO")
    >>> round(float(w.sum()), 12), "324110" in w.index
    (1.0, False)
    """
    c = str(code).strip().upper()
    if c not in PROFILE_CODES:
        raise KeyError(f"{code!r} is not a profile code; use one of {sorted(PROFILE_CODES)}.")
    fs = load_factor_set(factor_set or DEFAULT_FACTOR_SET)
    u = bea_weights(PROFILE_CODES[c])
    if u is None:
        raise data.DataNotFoundError(
            f"No {c} purchase profile: the BEA Use table "
            f"({data.REGISTRY['bea_use_table'].relpath}) is not in the data folder ({data.DATA_ENV})."
        )
    nv = fs.naics_view.dropna(subset=["factor_kg_per_usd"])
    present = {x for b in nv["bea_code"].dropna() for x in bea_components(b)}
    u = u[u.index.isin(list(present)) & ~u.index.isin(list(PROFILE_EXCLUDED_BEA))]
    u.index.name = "bea_code"
    return (u / u.sum()).rename("share")


#: One weighting tried for prefix averages: (label, weights per NAICS-6 code or
#: None for equal, rule). ``rule="any"``: codes without a weight count 0 (they
#: are not bought); ``"all"``: every code below needs a weight, else the next.
_Basis = tuple[str, pd.Series | None, str]


def _bases_for(fs: FactorSet, weights: Any, capital: bool, stacklevel: int = 4) -> list[_Basis]:
    """The ordered weightings a prefix average tries (the first that applies is used)."""
    equal: _Basis = ("equal", None, "all")
    if isinstance(weights, pd.Series):
        return [("given", weights.astype(float), "all"), equal]
    if weights == "equal" or weights is None:
        return [equal]
    if weights not in ("output", "government"):
        raise ValueError(
            "weights must be 'government', 'output', 'equal' or a Series of weights per "
            f"NAICS-6 code; got {weights!r}."
        )
    out = naics_output_weights(fs)
    if out.isna().all():
        warnings.warn(
            "The BEA Use table is not available: prefix averages use equal weights "
            "(written in factor_basis).",
            stacklevel=stacklevel,
        )
        return [equal]
    if weights == "output":
        return [("output", out, "all"), equal]
    bases: list[_Basis] = []
    if capital:
        bases.append(("capital", government_weights(fs, "capital"), "any"))
    bases.append(("gslgo", government_weights(fs, "operating"), "any"))
    return [*bases, ("output", out, "all"), equal]


def _resolve(
    uniq: np.ndarray,
    fs: FactorSet,
    values: pd.DataFrame,
    bea_values: pd.DataFrame,
    bases: list[_Basis] | Callable[[], list[_Basis]],
    code_type: str,
) -> pd.DataFrame:
    """Resolve distinct codes to value columns (exact / BEA / profile / prefix average / missing).

    ``values`` are per NAICS-6 code, ``bea_values`` per BEA detail code.
    """
    nv = fs.naics_view
    n = len(uniq)
    cols = list(values.columns)
    res = pd.DataFrame(np.nan, index=range(n), columns=cols)
    meta = pd.DataFrame(
        {
            "bea_code": pd.Series([None] * n, dtype=object),
            "title": pd.Series([""] * n, dtype=object),
            "match": pd.Series(["missing"] * n, dtype=object),
            "n_codes": np.zeros(n, dtype=int),
            "weighting": pd.Series([""] * n, dtype=object),
            "note": pd.Series([""] * n, dtype=object),
            "factor_basis": pd.Series([""] * n, dtype=object),
        }
    )
    codes = pd.Series(uniq, dtype=object)
    done = np.zeros(n, dtype=bool)

    if code_type in ("auto", "naics6"):
        hit = (codes.isin(values.index) & codes.isin(nv.index)).to_numpy()
        idx = codes[hit].to_numpy()
        res.loc[hit, cols] = values.loc[idx, cols].to_numpy()
        meta.loc[hit, "bea_code"] = nv.loc[idx, "bea_code"].to_numpy()
        meta.loc[hit, "title"] = nv.loc[idx, "title"].to_numpy()
        meta.loc[hit, "note"] = nv.loc[idx, "note"].to_numpy()
        meta.loc[hit, "match"] = "exact"
        meta.loc[hit, "n_codes"] = 1
        meta.loc[hit, "factor_basis"] = f"exact: {fs.name} factor of the NAICS-6 code"
        done |= hit

    # before BEA codes: a set may have a sector called GSLGO (government output)
    prof = ~done & codes.isin(list(PROFILE_CODES)).to_numpy()
    for i in np.flatnonzero(prof):  # at most two distinct profile codes
        _profile_average(i, str(codes.iloc[i]), fs, values, res, meta)
    done |= prof

    if code_type in ("auto", "bea"):
        bv = fs.bea_view
        hit = ~done & (codes.isin(bv.index) & codes.isin(bea_values.index)).to_numpy()
        idx = codes[hit].to_numpy()
        res.loc[hit, cols] = bea_values.loc[idx, cols].to_numpy()
        meta.loc[hit, "bea_code"] = idx
        meta.loc[hit, "title"] = bv.loc[idx, "title"].to_numpy()
        notes = bv.loc[idx, "note"].astype(str).to_numpy()
        meta.loc[hit, "note"] = ["BEA code" + (f"; {t}" if t else "") for t in notes]
        meta.loc[hit, "match"] = "exact"
        meta.loc[hit, "n_codes"] = 1
        meta.loc[hit, "factor_basis"] = f"exact: {fs.name} factor of the BEA code"
        done |= hit

    if code_type in ("auto", "naics6"):
        is_prefix = ~done & codes.str.fullmatch(r"\d{2,5}").fillna(False).to_numpy(dtype=bool)
        if is_prefix.any():
            if callable(bases):  # looked up only when there are prefixes to average
                bases = bases()
            _prefix_average(codes, is_prefix, values, nv, bases, res, meta)
    # a code whose row exists but has only NaN values is still missing
    nan_vals = res[cols].isna().all(axis=1).to_numpy()
    meta.loc[nan_vals, "match"] = "missing"
    meta.loc[nan_vals, "factor_basis"] = "no factor"
    return pd.concat([meta, res], axis=1)


def _profile_average(
    i: int, code: str, fs: FactorSet, values: pd.DataFrame, res: pd.DataFrame, meta: pd.DataFrame
) -> None:
    """Fill row ``i`` with the profile-weighted average of every factor (GSLGO / F10)."""
    try:
        w = profile_weights(code, fs)
    except data.DataNotFoundError as exc:
        meta.loc[i, "note"] = str(exc)
        return
    v = values.reindex(w.index)
    ok = v.notna().all(axis=1).to_numpy()
    ww = w.to_numpy()[ok]
    res.loc[i, list(res.columns)] = (v[ok].mul(ww, axis=0).sum() / ww.sum()).to_numpy()
    cols = " + ".join(PROFILE_CODES[code])
    kind = "operating purchases" if code == "GSLGO" else "investment (capital purchases)"
    text = (
        f"profile: average of {int(ok.sum())} {fs.name} NAICS-6 factors weighted by state and "
        f"local government {kind} (BEA 2017 Use table, {cols}); Scope 1/2 energy left out"
    )
    meta.loc[i, ["bea_code", "match", "n_codes", "weighting", "note", "factor_basis"]] = [
        code, "profile", int(ok.sum()), "gslgo" if code == "GSLGO" else "capital", text, text,
    ]  # fmt: skip
    meta.loc[i, "title"] = (
        "Purchase of unknown kind (state and local government purchasing profile)"
        if code == "GSLGO"
        else "Capital purchase of unknown kind (government investment profile)"
    )


def _prefix_average(
    codes: pd.Series,
    is_prefix: np.ndarray,
    values: pd.DataFrame,
    nv: pd.DataFrame,
    bases: list[_Basis],
    res: pd.DataFrame,
    meta: pd.DataFrame,
) -> None:
    """Fill ``res``/``meta`` in place for 2-5 digit prefixes (one groupby per prefix length).

    Per prefix the first weighting of ``bases`` that applies is used and recorded.
    """
    cols = list(res.columns)
    base = values.loc[values.index.intersection(nv.index)].dropna(how="all")
    arrays = []
    for label, wser, rule in bases:
        if wser is None:
            ok = np.ones(len(base), dtype=bool)
            arr = np.ones(len(base))
        else:
            arr = wser.reindex(base.index).to_numpy(dtype=float)
            ok = np.isfinite(arr) & (arr > 0)
            arr = np.where(ok, arr, 0.0)
        arrays.append((label, arr, ok, rule))
    bea_of = nv.loc[base.index, "bea_code"].to_numpy()
    for k in sorted({len(c) for c in codes[is_prefix]}):  # at most 4 prefix lengths
        want = is_prefix & (codes.str.len() == k).to_numpy()
        pref = np.asarray(base.index.str[:k], dtype=object)
        sel = np.isin(pref, codes[want].to_numpy())
        if not sel.any():
            continue
        key = pref[sel]
        v = base.loc[sel, cols].reset_index(drop=True)
        count = pd.Series(np.ones(len(key), dtype=int)).groupby(key).sum()
        avg = pd.DataFrame(np.nan, index=count.index, columns=cols)
        chosen = pd.Series("", index=count.index, dtype=object)
        n_weighted = pd.Series(0, index=count.index, dtype=int)
        for label, arr, ok, rule in arrays:
            ww = arr[sel]
            den = pd.Series(ww).groupby(key).sum()
            n_ok = pd.Series(ok[sel].astype(int)).groupby(key).sum()
            qual = (den > 0) & ((n_ok == count) if rule == "all" else True)
            take = qual & (chosen == "")
            if not take.any():
                continue
            t = take[take].index
            num = v.mul(ww, axis=0).groupby(key).sum()
            avg.loc[t, cols] = num.loc[t, cols].div(den[t], axis=0).to_numpy()
            chosen[t] = label
            n_weighted[t] = n_ok[t]
        # the BEA codes that carry weight in the chosen weighting (for price index and DQ)
        lab_pos = {lab: j for j, (lab, *_rest) in enumerate(arrays)}
        okm = np.vstack([ok[sel] for _lab, _arr, ok, _rule in arrays])
        row_basis = chosen.reindex(key).map(lab_pos).fillna(0).to_numpy(dtype=int)
        carries = okm[row_basis, np.arange(len(key))]
        beas = (
            pd.Series(bea_of[sel], dtype=object)[carries]
            .groupby(key[carries])
            .agg(lambda s: ", ".join(sorted({c for b in s for c in bea_components(b)})))
        )
        rows = np.flatnonzero(want & codes.isin(avg.index).to_numpy())
        keys = codes.iloc[rows].to_numpy()
        res.loc[rows, cols] = avg.loc[keys, cols].to_numpy()
        meta.loc[rows, "bea_code"] = beas.reindex(keys).to_numpy()
        meta.loc[rows, "match"] = "prefix_average"
        meta.loc[rows, "n_codes"] = count.loc[keys].to_numpy()
        meta.loc[rows, "weighting"] = chosen.loc[keys].to_numpy()
        labels = [lab for lab, *_rest in arrays]
        texts = []
        for c, p, lab, nw in zip(
            count.loc[keys], keys, chosen.loc[keys], n_weighted.loc[keys], strict=True
        ):
            how = "equally weighted" if lab == "equal" else f"weighted by {WEIGHTING_TEXT[lab]}"
            t = f"average over {c} NAICS-6 codes starting {p} ({how})"
            if lab in ("gslgo", "capital") and nw < c:
                t += f"; {c - nw} of them not bought by governments (weight 0)"
            tried = labels[: labels.index(lab)] if lab in labels else []
            if tried:
                t += "; no " + " and no ".join(WEIGHTING_TEXT[x] for x in tried)
                t += f" under {p}"
            texts.append(t)
        meta.loc[rows, "note"] = texts
        meta.loc[rows, "factor_basis"] = texts
        meta.loc[rows, "title"] = [f"NAICS {p}* (average)" for p in keys]


def mean_by_bea(values: pd.DataFrame, naics_view: pd.DataFrame) -> pd.DataFrame:
    """Per-NAICS value columns averaged per BEA code (each code listed in ``bea_code``).

    Parameters
    ----------
    values : DataFrame
        Numeric columns indexed by NAICS code (e.g. :func:`gas_factor_table`).
    naics_view : DataFrame
        A set's :attr:`FactorSet.naics_view`: ``bea_code`` per NAICS code (a
        ``bea_code`` may list several BEA codes, see :func:`bea_components`).

    Returns
    -------
    DataFrame
        One row per BEA code: the mean of ``values`` over the NAICS codes mapped to it.

    Examples
    --------
    >>> nv = pd.DataFrame({"bea_code": ["A", "A, B"]}, index=["111110", "111120"])
    >>> v = pd.DataFrame({"x": [1.0, 3.0]}, index=["111110", "111120"])
    >>> mean_by_bea(v, nv)["x"].to_dict()
    {'A': 2.0, 'B': 3.0}
    """
    nv = naics_view
    v = values.loc[values.index.intersection(nv.index)]
    comp = nv.loc[v.index, "bea_code"].map(bea_components)
    ex = v.assign(_c=comp.to_numpy()).explode("_c")
    return ex.groupby("_c")[list(values.columns)].mean()


def _report_missing(
    out: pd.DataFrame, fs: FactorSet, counts: np.ndarray, uniq: np.ndarray, errors: str
) -> None:
    miss = np.flatnonzero((out["match"] == "missing").to_numpy())
    if len(miss) == 0 or errors == "ignore":
        return
    order = miss[np.argsort(-counts[miss], kind="stable")]
    listed = ", ".join(f"{uniq[i] or '<blank>'!r} ({counts[i]} row(s))" for i in order[:10])
    more = f" and {len(order) - 10} more" if len(order) > 10 else ""
    msg = (
        f"{int(counts[miss].sum())} row(s) with {len(miss)} code(s) have no factor in "
        f"{fs.name}: {listed}{more}. They get factor NaN and match='missing'. Check the "
        "code (6-digit NAICS, a 2-5 digit NAICS prefix, GSLGO / F10 or a BEA detail code); "
        "electricity (2211xx) and government sectors have no SEF factor (Scope 2 / not "
        "purchases)."
    )
    if errors == "raise":
        raise KeyError(msg)
    warnings.warn(msg, MissingFactorWarning, stacklevel=3)


def _capital_flags(category: Any, n: int) -> np.ndarray:
    """True for rows whose Scope 3 category is 2 (capital goods)."""
    if category is None:
        return np.zeros(n, dtype=bool)
    c = pd.to_numeric(pd.Series(_as_array(category, n)), errors="coerce")
    return (c == 2).to_numpy(dtype=bool)


def _as_array(x: Any, n: int) -> np.ndarray:
    arr = np.asarray(x.to_numpy() if isinstance(x, pd.Series | pd.Index) else x, dtype=object)
    if arr.ndim == 0:
        return np.full(n, arr.item(), dtype=object)
    if len(arr) != n:
        raise ValueError(f"category has {len(arr)} values; expected 1 or {n} (one per code).")
    return arr


def lookup(
    codes: Any,
    factor_set: FactorSet | str | None = None,
    *,
    code_type: Literal["auto", "naics6", "bea"] = "auto",
    weights: Literal["government", "output", "equal"] | pd.Series = "government",
    category: Any = None,
    errors: Literal["warn", "raise", "ignore"] = "warn",
) -> pd.DataFrame:
    """Emission factor for each code, vectorised (distinct codes are resolved once).

    Parameters
    ----------
    codes : array-like, Series or scalar
        NAICS-6 codes, 2-5 digit NAICS prefixes, the profile codes ``"GSLGO"``
        / ``"F10"`` or BEA detail codes (str or int).
    factor_set : FactorSet or str, optional
        Default ``"sef_v1.3"``.
    code_type : {"auto", "naics6", "bea"}
        ``"auto"`` tries NAICS-6, then BEA detail code, then profile, then NAICS prefix.
    weights : {"government", "output", "equal"} or Series
        Prefix-average weights. ``"government"`` (default, contract C5): state
        and local government purchases (``GSLGO``; the investment columns for
        rows with ``category == 2``, then ``GSLGO``), national output where
        governments buy nothing under the prefix, equal weights where neither
        exists. ``"output"``: national output (equal where any code below
        lacks it). ``"equal"``, or your own weights per NAICS-6 code (equal
        where any code lacks one). The weighting used is in ``weighting`` and
        ``factor_basis`` of every row.
    category : array-like or scalar, optional
        Scope 3 category per code (2 = capital goods), for ``"government"`` weights.
    errors : {"warn", "raise", "ignore"}
        What to do about codes without a factor (always NaN, ``"missing"``).

    Returns
    -------
    DataFrame
        Same index as ``codes`` (a Series) or 0..n-1; columns ``code``,
        ``factor_kg_per_usd``, ``bea_code``, ``match`` (``"exact"``,
        ``"prefix_average"``, ``"profile"``, ``"missing"``), ``n_codes``,
        ``weighting`` (``"gslgo"``, ``"capital"``, ``"output"``, ``"given"``,
        ``"equal"`` or ``""``), ``title``, ``price_basis``, ``flag``, ``note``,
        ``factor_basis`` (what the factor is, in words). ``attrs`` carries the
        set's ``factor_set``, ``version``, ``dollar_year``, ``price_basis``,
        ``margins``, ``gwp``, ``attribution``, ``flags`` and the ``missing`` codes.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # 221100 (electricity) has no factor: a warning
    ...     r = lookup(["327310", "531", "GSLGO", "221100"], "sef_v1.3")
    >>> r["match"].tolist()
    ['exact', 'prefix_average', 'profile', 'missing']
    """
    fs = load_factor_set(factor_set or DEFAULT_FACTOR_SET)
    uniq, inv = _normalise_codes(codes)
    cap = _capital_flags(category, len(inv))
    if not isinstance(weights, pd.Series) and weights not in (
        "government",
        "output",
        "equal",
        None,
    ):
        _bases_for(fs, weights, False)  # raises, naming the choices
    if isinstance(weights, str) and weights == "government" and cap.any():
        # distinct (code, capital?) pairs: capital lines average with investment weights
        pinv, puniq = pd.factorize(inv.astype(np.int64) * 2 + cap.astype(np.int64))
        ucodes, ucap, inv = uniq[puniq // 2], (puniq % 2).astype(bool), pinv
    else:
        ucodes, ucap = uniq, np.zeros(len(uniq), dtype=bool)
    values = fs.naics_view[["factor_kg_per_usd"]]
    bea_values = fs.bea_view[["factor_kg_per_usd"]]
    parts = []
    for flag in (False, True):
        m = ucap == flag
        if not m.any():
            continue
        # the national weights are read only when there are prefixes to average
        lazy = lambda f=flag: _bases_for(fs, weights, f, 6)  # noqa: E731
        part = _resolve(ucodes[m], fs, values, bea_values, lazy, code_type)
        part.index = np.flatnonzero(m)
        parts.append(part)
    resolved = pd.concat(parts).sort_index() if len(parts) > 1 else parts[0]
    resolved = resolved.reset_index(drop=True)
    resolved.insert(0, "code", ucodes)
    counts = np.bincount(inv, minlength=len(ucodes))
    _report_missing(resolved, fs, counts, ucodes, errors)
    flag = "; ".join(fs.flags)
    resolved["price_basis"] = fs.price_basis
    resolved["flag"] = flag
    out = resolved.iloc[inv].reset_index(drop=True)
    out = out[
        ["code", "factor_kg_per_usd", "bea_code", "match", "n_codes", "weighting", "title",
         "price_basis", "flag", "note", "factor_basis"]
    ]  # fmt: skip
    out["factor_kg_per_usd"] = out["factor_kg_per_usd"].astype(float)
    out["n_codes"] = out["n_codes"].astype(int)
    if isinstance(codes, pd.Series):
        out.index = codes.index
    out.attrs.update(_set_attrs(fs))
    out.attrs["missing"] = sorted(
        {u for u, m in zip(ucodes, resolved["match"], strict=True) if m == "missing"}
    )
    return out


def _set_attrs(fs: FactorSet) -> dict[str, Any]:
    return dict(
        factor_set=fs.name,
        version=fs.version,
        dollar_year=fs.dollar_year,
        price_basis=fs.price_basis,
        margins=fs.margins,
        gwp=fs.gwp,
        attribution=fs.attribution,
        licence=fs.licence,
        flags=list(fs.flags),
    )


# --------------------------------------------------------------------------
# By gas
# --------------------------------------------------------------------------


def _bygas_set(factor_set: FactorSet | str | None) -> FactorSet:
    fs = load_factor_set(factor_set or "sef_v1.3_bygas")
    if fs.gas_table is None:
        raise ValueError(
            f"Factor set {fs.name!r} has no per-gas factors. Use 'sef_v1.3_bygas' or read "
            "your file with read_factor_file(..., by_gas_file=...)."
        )
    return fs


def gas_factor_table(fs: FactorSet, gwp: Mapping[str, float] = AR5_GWP) -> pd.DataFrame:
    """A by-gas set's factors per code: CO2e, each named gas, and each in CO2e.

    Parameters
    ----------
    fs : FactorSet
        A set with per-gas factors (``fs.gas_table``, e.g. ``sef_v1.3_bygas``).
    gwp : mapping
        Global warming potential per named gas (default :data:`AR5_GWP`).

    Returns
    -------
    DataFrame
        Indexed like ``fs.gas_table``: ``co2e_kg_per_usd``, one column per gas
        (kg of the gas per USD), ``<gas>_co2e`` (times its GWP) and
        ``other_co2e`` (the remainder, so the ``*_co2e`` columns add up to CO2e).

    Examples
    --------
    >>> t = gas_factor_table(load_factor_set("sef_v1.3_bygas"))
    >>> parts = t[["CO2_co2e", "CH4_co2e", "N2O_co2e", "other_co2e"]].sum(axis=1)
    >>> bool(((parts - t["co2e_kg_per_usd"]).abs() < 1e-12).all())
    True
    """
    g = fs.gas_table
    v = pd.DataFrame(index=g.index)
    v["co2e_kg_per_usd"] = fs.table["factor_kg_per_usd"].reindex(g.index)
    for gas in gwp:
        v[gas] = g[gas]
    for gas, k in gwp.items():
        v[f"{gas}_co2e"] = g[gas] * k
    v["other_co2e"] = v["co2e_kg_per_usd"] - v[[f"{gas}_co2e" for gas in gwp]].sum(axis=1)
    return v


def factors_by_gas(
    codes: Any,
    factor_set: FactorSet | str | None = None,
    *,
    gwp: Mapping[str, float] = AR5_GWP,
    weights: Literal["government", "output", "equal"] | pd.Series = "government",
    errors: Literal["warn", "raise", "ignore"] = "warn",
) -> pd.DataFrame:
    """Per-gas factors for codes, so an inventory can be split by gas.

    ``CO2``, ``CH4``, ``N2O`` are kg of the gas per USD; ``*_co2e`` are the
    same times the GWP; ``other_co2e`` is the implied remainder
    ``co2e - CO2 - 28 CH4 - 265 N2O`` (HFCs, PFCs, SF6, NF3), so the four
    ``*_co2e`` columns add up to ``co2e_kg_per_usd`` exactly. Prefix codes are
    averaged with the same weights as :func:`lookup`.

    Parameters
    ----------
    codes : array-like
        Codes as in :func:`lookup`.
    factor_set : FactorSet or str, optional
        Default the SEF v1.3 by-gas set.
    gwp : mapping
        Gas -> GWP (default AR5).
    weights : {"government", "output", "equal"} or Series
        Prefix-average weights, as in :func:`lookup`.
    errors : {"warn", "raise", "ignore"}
        As in :func:`lookup`.

    Returns
    -------
    DataFrame
        One row per code.

    Examples
    --------
    >>> g = factors_by_gas(["327310"])
    >>> g[["CO2", "CH4", "N2O", "other_co2e"]].round(4).iloc[0].tolist()
    [3.86, 0.002, 0.0, -0.0008]
    """
    fs = _bygas_set(factor_set)
    uniq, inv = _normalise_codes(codes)
    values = gas_factor_table(fs, gwp)
    bea_values = mean_by_bea(values, fs.naics_view)
    resolved = _resolve(
        uniq, fs, values, bea_values, lambda: _bases_for(fs, weights, False, 6), "auto"
    )
    resolved.insert(0, "code", uniq)
    _report_missing(resolved, fs, np.bincount(inv, minlength=len(uniq)), uniq, errors)
    out = resolved.iloc[inv].reset_index(drop=True)
    out = out[["code", "bea_code", "match", *values.columns]]
    if isinstance(codes, pd.Series):
        out.index = codes.index
    out.attrs.update(_set_attrs(fs), gwp=dict(gwp))
    return out


def split_by_gas(
    kg_co2e: Any,
    codes: Any,
    factor_set: FactorSet | str | None = None,
    *,
    gwp: Mapping[str, float] = AR5_GWP,
) -> pd.DataFrame:
    """Split emissions (kg CO2e) into CO2, CH4, N2O and other, in kg CO2e.

    Each line is split by its code's per-gas shares of CO2e; the four columns
    add up to the input (NaN where the code has no by-gas factor).

    Parameters
    ----------
    emissions_kg : array-like
        kg CO2e per line.
    codes : array-like
        The lines' codes.
    factor_set : FactorSet or str, optional
        Default the SEF v1.3 by-gas set.
    gwp : mapping
        Gas -> GWP (default AR5).

    Returns
    -------
    DataFrame
        ``CO2``, ``CH4``, ``N2O``, ``other`` in kg CO2e, one row per line.

    Examples
    --------
    >>> split_by_gas([3924.0], ["327310"]).round(0).iloc[0].tolist()
    [3860.0, 55.0, 9.0, -1.0]
    """
    g = factors_by_gas(codes, factor_set, gwp=gwp)
    e = np.asarray(pd.Series(kg_co2e), dtype=float)
    cols = [f"{gas}_co2e" for gas in gwp] + ["other_co2e"]
    shares = g[cols].to_numpy() / g[["co2e_kg_per_usd"]].to_numpy()
    out = pd.DataFrame(shares * e[:, None], columns=[*gwp, "other"], index=g.index)
    out.attrs.update(g.attrs, unit="kg CO2e")
    return out


@dataclass(frozen=True)
class GasSplitCheck:
    """Result of :func:`check_gas_split`.

    Attributes
    ----------
    ok : bool
        Every code's named gases (with GWPs) stay within its CO2e total, allowing
        for the files' rounding.
    table : DataFrame
        Per code: ``co2e``, ``named_co2e``, ``implied_other``, ``tolerance``, ``ok``.
    message : str
        Plain-language summary.
    """

    ok: bool
    table: pd.DataFrame
    message: str


def _half_ulp_3sig(x: pd.Series) -> pd.Series:
    """Half a unit in the 3rd significant digit (the byGHG file prints 3 significant digits)."""
    a = x.abs().to_numpy(dtype=float)
    with np.errstate(divide="ignore"):
        e = np.floor(np.log10(np.where(a > 0, a, 1.0)))
    return pd.Series(np.where(a > 0, 0.5 * 10.0 ** (e - 2), 0.0), index=x.index)


def check_gas_split(
    factor_set: FactorSet | str | None = None,
    *,
    gwp: Mapping[str, float] = AR5_GWP,
    co2e_decimals: int = 3,
) -> GasSplitCheck:
    """Check that CO2 + 28 CH4 + 265 N2O does not exceed CO2e beyond rounding.

    The implied ``other = CO2e - named`` must be >= -tolerance, where the
    tolerance is half a unit of the last printed digit of each number (CO2e
    to ``co2e_decimals`` decimals; gases to 3 significant digits) times its GWP.

    Parameters
    ----------
    factor_set : FactorSet or str, optional
        Default the SEF v1.3 by-gas set.
    gwp : mapping
        Gas -> GWP (default AR5).
    co2e_decimals : int
        Decimals of the published CO2e factors.

    Returns
    -------
    GasSplitCheck
        ``ok``, a per-code ``table`` and a ``message``.

    Examples
    --------
    >>> check_gas_split("sef_v1.3_bygas").ok
    True
    """
    fs = _bygas_set(factor_set)
    v = gas_factor_table(fs, gwp)
    g = fs.gas_table
    tol = 0.5 * 10.0**-co2e_decimals + sum(_half_ulp_3sig(g[gas]) * k for gas, k in gwp.items())
    t = pd.DataFrame(
        {
            "co2e": v["co2e_kg_per_usd"],
            "named_co2e": v[[f"{gas}_co2e" for gas in gwp]].sum(axis=1),
            "implied_other": v["other_co2e"],
            "tolerance": tol,
        }
    )
    t["ok"] = t["implied_other"] >= -t["tolerance"]
    bad = t[~t["ok"]]
    if bad.empty:
        msg = (
            f"{fs.name}: for all {len(t)} codes, {' + '.join(f'{k:g} {g_}' for g_, k in gwp.items())} "
            f"<= CO2e within rounding; the remainder ({t['implied_other'].clip(lower=0).median():.4f} "
            "kg/USD median) is the other gases."
        )
    else:
        msg = (
            f"{fs.name}: {len(bad)} code(s) where the named gases exceed CO2e beyond rounding, "
            f"e.g. {bad.index[0]} (other = {bad['implied_other'].iloc[0]:.4g}). Check the GWPs "
            "(AR5 for SEF v1.3; AR6 for v1.4) or the files."
        )
    return GasSplitCheck(ok=bad.empty, table=t, message=msg)
