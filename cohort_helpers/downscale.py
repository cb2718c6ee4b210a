"""Downscaling: from budget totals and coarse categories to detailed commodities.

When a government has only totals (a non-payroll budget, or a budget by
function), allocate them across commodities with a reference purchasing
profile; when a category is coarse ("professional services", NAICS 5416),
split it into detailed NAICS-6 codes with national weights. Every result is
labelled ``method="downscaled"`` with a lower data-quality flag and a
classification ``confidence`` (default :data:`DOWNSCALED_CONFIDENCE`) that
:mod:`cohort_helpers.uncertainty` turns into a wider range.

Money is conserved exactly: totals are allocated in integer cents with the
largest-remainder rule, so the parts always add up to the total to the cent
(``amount_cents`` is exact; ``amount`` is ``amount_cents / 100``).

Profiles
--------
:func:`purchasing_profile` uses the BEA 2017 detail Use table (purchaser
prices): ``GSLGO`` (state and local general government other than education
and hospitals: the closest to a city or county) for operating purchases, and
``F10S00``/``F10E00``/``F10N00`` (state and local investment in structures,
equipment, intellectual property) for capital. Only real commodity rows are
kept (codes in the BEA commodity-name table: no ``T0xx`` totals or ``V00x``
value added), negative entries (net sales, e.g. used equipment ``S00402`` in
``F10E00``) and, by default, commodities with no factor in the factor set
(government enterprises ``S00203``, used goods ``S00402`` ...) are dropped, and
the Scope 1/2 energy commodities of :data:`SCOPE12_ENERGY_COMMODITIES` are
removed, then shares are renormalised to 1. What was dropped is kept in
``attrs["dropped"]``.

Examples
--------
>>> prof = purchasing_profile(("GSLGO",))  # doctest: +SKIP
>>> alloc = downscale_budget(1_000_000.00, prof)  # doctest: +SKIP
>>> alloc["amount_cents"].sum()  # doctest: +SKIP
100000000
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import adjust, data, factors

__all__ = [
    "BUDGET_PURCHASE_SHARES",
    "CAPITAL_COLUMNS",
    "DOWNSCALED_CONFIDENCE",
    "NAICS_SECTORS",
    "OPERATING_COLUMNS",
    "SCOPE12_ENERGY_COMMODITIES",
    "allocate_cents",
    "compare_with_ledger",
    "disaggregate",
    "downscale_budget",
    "downscale_budget_by_function",
    "downscaled_emissions",
    "estimate_from_budget",
    "ledger_purchase_shares",
    "ledger_purchases",
    "peer_profile",
    "purchasing_profile",
    "sector_of",
]

#: Use-table final-demand columns for operating purchases (Scope 3 category 1).
OPERATING_COLUMNS: tuple[str, ...] = ("GSLGO",)
#: Use-table columns for state and local investment (Scope 3 category 2).
CAPITAL_COLUMNS: tuple[str, ...] = ("F10S00", "F10E00", "F10N00")

#: BEA commodities that are energy already in a Local Government Operations
#: (Scope 1/2) inventory, with the exclusion reason of docs/CONTRACTS.md.
#: 324110 (refined petroleum: vehicle and heating fuel), 221100 (electricity),
#: 221200 (natural gas distribution) as the brief asks; in addition 212100
#: (coal: burned in government boilers/plants, Scope 1 stationary combustion)
#: and 211000 (crude oil and natural gas bought directly; zero in GSLGO but
#: removed so a profile never re-introduces fuel). Kept on purpose: 221300
#: (water, sewage *and* steam/district heat: BEA does not separate district
#: heat, and water and sewage dominate it), 324121/324122 (asphalt paving and
#: roofing: materials, not fuel), 324190 (lubricants etc.), 486000 (pipeline
#: transport service) and the wholesale/retail margins on fuel (services).
SCOPE12_ENERGY_COMMODITIES: dict[str, str] = {
    "324110": "scope12_fuel",
    "221100": "scope12_electricity",
    "221200": "scope12_natural_gas",
    "212100": "scope12_fuel",
    "211000": "scope12_fuel",
}

#: Classification confidence given to downscaled amounts. A national average
#: profile says what a typical government buys, not what this one bought; we
#: treat the allocation like a classification that is right about half the
#: time. It feeds the classification variance in :mod:`uncertainty`.
DOWNSCALED_CONFIDENCE = 0.5

#: Data-quality flag on every downscaled row.
DOWNSCALED_FLAG = "estimate: downscaled from a total with a reference profile (lower quality)"


# --------------------------------------------------------------------------
# Exact allocation in cents
# --------------------------------------------------------------------------


def allocate_cents(total: float | int, shares: Any) -> np.ndarray:
    """Split a total into integer cents proportional to shares (largest remainder).

    The parts add up to ``round(total * 100)`` exactly. Negative totals are
    split like positive ones (all parts negative).

    Parameters
    ----------
    total : float or int
        Amount in currency units (rounded to the cent first).
    shares : array-like
        Non-negative weights with a positive sum (need not sum to 1).

    Returns
    -------
    ndarray of int64
        Cents per share.

    Examples
    --------
    >>> allocate_cents(1.00, [1, 1, 1]).tolist()
    [34, 33, 33]
    """
    w = np.asarray(shares, dtype=float)
    if w.ndim != 1 or len(w) == 0:
        raise ValueError("shares must be a non-empty 1-D array.")
    if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise ValueError("shares must be finite, non-negative and sum to more than 0.")
    cents = int(round(float(total) * 100))
    sign, cents = (-1, -cents) if cents < 0 else (1, cents)
    w = w / w.sum()
    raw = w * cents
    base = np.floor(raw).astype(np.int64)
    rem = raw - base
    diff = cents - int(base.sum())
    order = np.argsort(-rem, kind="stable")
    if diff > 0:
        base[order[:diff]] += 1
    elif diff < 0:  # only possible through float rounding on huge totals
        cand = [i for i in order[::-1] if base[i] > 0][:-diff]
        base[cand] -= 1
    assert int(base.sum()) == cents
    return sign * base


# --------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------


def _factor_bea_codes(factor_set: Any) -> set[str]:
    fs = factors.load_factor_set(factor_set)
    return set(fs.bea_view.index)


def purchasing_profile(
    columns: Sequence[str] | str = OPERATING_COLUMNS,
    use: pd.DataFrame | None = None,
    exclude_scope12: bool = True,
    *,
    names: pd.DataFrame | None = None,
    factor_set: Any = factors.DEFAULT_FACTOR_SET,
    exclude: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Shares of spend by BEA commodity from Use-table final-demand columns.

    Parameters
    ----------
    columns : str or sequence of str
        Use-table columns summed into one profile: ``("GSLGO",)`` for
        operating purchases, :data:`CAPITAL_COLUMNS` for capital.
    use, names : DataFrame, optional
        The Use table and commodity-name table (default: registered files).
    exclude_scope12 : bool
        Remove :data:`SCOPE12_ENERGY_COMMODITIES` (double counting with the
        LGO inventory).
    factor_set : FactorSet, str or None
        Keep only commodities with a factor in this set (``None``: keep all
        commodities of the name table).
    exclude : mapping, optional
        More ``{bea_code: reason}`` to remove.

    Returns
    -------
    DataFrame
        ``bea_code``, ``bea_name``, ``amount_musd`` (2017 million USD),
        ``share`` (sums to 1), sorted by share. ``attrs``: ``columns``,
        ``dropped`` (DataFrame: bea_code, amount_musd, reason).

    Examples
    --------
    >>> p = purchasing_profile("GSLGO")
    >>> round(float(p["share"].sum()), 12), "324110" in set(p["bea_code"])
    (1.0, False)
    """
    cols = [columns] if isinstance(columns, str) else list(columns)
    use = data.shared_dataset("bea_use_table") if use is None else use
    names = data.shared_dataset("bea_commodity_names") if names is None else names
    missing = [c for c in cols if c not in use.columns]
    if missing:
        raise KeyError(
            f"Use table has no column(s) {missing}. Use 'GSLGO' (operating) or "
            f"{list(CAPITAL_COLUMNS)} (capital); other final-demand columns start with 'F'."
        )
    amount = use[cols].sum(axis=1)
    amount.index = amount.index.astype(str)
    real = amount.index.isin(names["bea_code"].astype(str))
    reasons = pd.Series("", index=amount.index, dtype=object)
    reasons[~real] = "not a commodity row (total / value added)"
    reasons[(reasons == "") & ~(amount > 0)] = "zero or negative (net sales)"
    if exclude_scope12:
        energy = amount.index.isin(list(SCOPE12_ENERGY_COMMODITIES))
        reasons[energy & (reasons == "")] = amount.index[energy & (reasons == "")].map(
            SCOPE12_ENERGY_COMMODITIES
        )
    if exclude:
        ex = amount.index.isin(list(exclude))
        reasons[ex & (reasons == "")] = amount.index[ex & (reasons == "")].map(dict(exclude))
    if factor_set is not None:
        covered = amount.index.isin(list(_factor_bea_codes(factor_set)))
        reasons[~covered & (reasons == "")] = "no emission factor in the factor set"
    keep = reasons == ""
    if not keep.any():
        raise ValueError(f"Use-table column(s) {cols} leave no commodity after exclusions.")
    name_map = names.drop_duplicates("bea_code").set_index("bea_code")["bea_name"]
    prof = pd.DataFrame(
        {
            "bea_code": amount.index[keep],
            "bea_name": amount.index[keep].map(name_map),
            "amount_musd": amount[keep].to_numpy(dtype=float),
        }
    )
    prof["share"] = prof["amount_musd"] / prof["amount_musd"].sum()
    prof = prof.sort_values("share", ascending=False, ignore_index=True)
    dropped = pd.DataFrame(
        {
            "bea_code": amount.index[~keep],
            "amount_musd": amount[~keep].to_numpy(dtype=float),
            "reason": reasons[~keep].to_numpy(),
        }
    )
    dropped = dropped[dropped["amount_musd"] != 0].reset_index(drop=True)
    prof.attrs.update(
        columns=cols, dropped=dropped, source="BEA 2017 detail Use table (purchaser prices)"
    )
    return prof


def peer_profile(
    lines: pd.DataFrame,
    *,
    amount_col: str = "amount",
    code_col: str = "bea_code",
    names: pd.DataFrame | None = None,
    exclude_scope12: bool = True,
) -> pd.DataFrame:
    """A purchasing profile from a peer member's classified lines.

    Net spend is summed by ``code_col``; lines without a code are ignored,
    codes whose net spend is zero or negative are dropped (reported in
    ``attrs["dropped"]``), and shares renormalised to 1.

    Parameters
    ----------
    lines : DataFrame
        The peer's included, classified lines (e.g. with ``bea_code`` from
        :func:`cohort_helpers.factors.lookup`, or ``naics6`` with ``code_col``).

    Returns
    -------
    DataFrame
        ``bea_code`` (the code column's values), ``bea_name``, ``amount``,
        ``share``; same shape as :func:`purchasing_profile`.

    Examples
    --------
    >>> peer = pd.DataFrame({"bea_code": ["327310", "541300", "541300"], "amount": [100.0, 50, 50]})
    >>> peer_profile(peer, names=pd.DataFrame({"bea_code": [], "bea_name": []}))["share"].tolist()
    [0.5, 0.5]
    """
    for c in (amount_col, code_col):
        if c not in lines.columns:
            raise KeyError(
                f"peer_profile needs a {c!r} column; the table has {list(lines.columns)}."
            )
    codes = lines[code_col].astype(object).where(lines[code_col].notna(), None)
    sums = lines[amount_col].astype(float).groupby(codes.astype(str).where(codes.notna())).sum()
    sums.index = sums.index.astype(str)
    reasons = pd.Series("", index=sums.index, dtype=object)
    reasons[~(sums > 0)] = "zero or negative net spend"
    if exclude_scope12:
        en = sums.index.isin(list(SCOPE12_ENERGY_COMMODITIES))
        reasons[en & (reasons == "")] = sums.index[en & (reasons == "")].map(
            SCOPE12_ENERGY_COMMODITIES
        )
    keep = reasons == ""
    if not keep.any():
        raise ValueError("The peer's lines have no code with positive net spend.")
    if names is None:
        try:
            names = data.shared_dataset("bea_commodity_names")
        except Exception:  # names are cosmetic here
            names = pd.DataFrame({"bea_code": [], "bea_name": []})
    name_map = names.drop_duplicates("bea_code").set_index("bea_code")["bea_name"]
    prof = pd.DataFrame(
        {
            "bea_code": sums.index[keep],
            "bea_name": sums.index[keep].map(name_map),
            "amount": sums[keep].to_numpy(),
        }
    )
    prof["share"] = prof["amount"] / prof["amount"].sum()
    prof = prof.sort_values(["share", "bea_code"], ascending=[False, True], ignore_index=True)
    prof.attrs.update(
        dropped=pd.DataFrame(
            {
                "bea_code": sums.index[~keep],
                "amount": sums[~keep].to_numpy(),
                "reason": reasons[~keep].to_numpy(),
            }
        ),
        source="peer profile",
        unclassified_amount=float(lines.loc[codes.isna(), amount_col].sum()),
    )
    return prof


# --------------------------------------------------------------------------
# Allocation
# --------------------------------------------------------------------------


def _check_profile(profile: pd.DataFrame) -> None:
    need = {"bea_code", "share"}
    if not isinstance(profile, pd.DataFrame) or not need <= set(profile.columns):
        raise TypeError(
            "profile must be a DataFrame with 'bea_code' and 'share' columns, as returned "
            "by purchasing_profile() or peer_profile()."
        )


def downscale_budget(
    total: float,
    profile: pd.DataFrame,
    *,
    confidence: float = DOWNSCALED_CONFIDENCE,
    scope3_category: int | None = None,
    label: str | None = None,
) -> pd.DataFrame:
    """Allocate a total (e.g. non-payroll budget) across a profile's commodities.

    Parameters
    ----------
    total : float
        The amount to allocate, in the ledger currency (cents are exact).
    profile : DataFrame
        From :func:`purchasing_profile` or :func:`peer_profile`.
    confidence : float
        Classification confidence carried by every row (default
        :data:`DOWNSCALED_CONFIDENCE`).
    scope3_category : int, optional
        1 (operating) or 2 (capital), recorded per row.
    label : str, optional
        Free text recorded in ``source`` (e.g. "FY2022 non-payroll budget").

    Returns
    -------
    DataFrame
        ``bea_code``, ``bea_name``, ``share``, ``amount_cents`` (int, sums to
        ``round(total*100)`` exactly), ``amount``, ``method`` (``"downscaled"``),
        ``quality_flag``, ``confidence``, ``scope3_category``, ``source``.

    Examples
    --------
    >>> prof = pd.DataFrame({"bea_code": ["a", "b", "c"], "share": [1/3, 1/3, 1/3]})
    >>> downscale_budget(100.00, prof)["amount"].tolist()
    [33.34, 33.33, 33.33]
    """
    _check_profile(profile)
    cents = allocate_cents(total, profile["share"].to_numpy(dtype=float))
    out = pd.DataFrame(
        {
            "bea_code": profile["bea_code"].to_numpy(),
            "bea_name": profile["bea_name"].to_numpy() if "bea_name" in profile else None,
            "share": profile["share"].to_numpy(dtype=float),
            "amount_cents": cents,
            "amount": cents / 100.0,
        }
    )
    out["method"] = "downscaled"
    out["quality_flag"] = DOWNSCALED_FLAG
    out["confidence"] = float(confidence)
    out["scope3_category"] = scope3_category if scope3_category is not None else pd.NA
    out["source"] = label or profile.attrs.get("source", "profile")
    out.attrs.update(
        total=float(total), total_cents=int(round(float(total) * 100)), method="downscaled"
    )
    return out


def _profile_from_spec(spec: Any, cache: dict) -> pd.DataFrame:
    if isinstance(spec, pd.DataFrame):
        return spec
    if isinstance(spec, str) and spec in data.shared_dataset("bea_use_table").columns:
        spec = (spec,)  # a Use-table column wins over a commodity code of the same name
    if isinstance(spec, tuple | list) and all(isinstance(s, str) for s in spec):
        key = tuple(spec)
        if key not in cache:
            cache[key] = purchasing_profile(key)
        return cache[key]
    if isinstance(spec, Mapping):
        p = pd.DataFrame(
            {"bea_code": list(spec), "share": np.asarray(list(spec.values()), dtype=float)}
        )
        p["share"] = p["share"] / p["share"].sum()
        return p
    if isinstance(spec, str):  # a single code: 100 %
        return pd.DataFrame({"bea_code": [spec], "share": [1.0]})
    raise TypeError(
        f"Mapping value {spec!r} not understood: use a profile DataFrame, Use-table column(s) "
        "such as 'GSLGO' or ('F10S00', 'F10E00'), a {bea_code: share} dict, or one bea_code."
    )


def downscale_budget_by_function(
    budget_by_function: Mapping[str, float] | pd.Series,
    mapping: Mapping[str, Any],
    *,
    confidence: float = DOWNSCALED_CONFIDENCE,
) -> pd.DataFrame:
    """Allocate a budget by function (e.g. KOSTRA function), each with its own profile.

    Parameters
    ----------
    budget_by_function : mapping or Series
        ``{function: non-payroll amount}``.
    mapping : mapping
        ``{function: profile}`` where a profile is a DataFrame from
        :func:`purchasing_profile`/:func:`peer_profile`, Use-table column(s)
        (``"GSLGO"``, ``("F10S00",)``), a ``{bea_code: share}`` dict, or a
        single ``bea_code``.

    Returns
    -------
    DataFrame
        :func:`downscale_budget` rows with a ``function`` column; each
        function's cents add up exactly to its budget.

    Examples
    --------
    >>> out = downscale_budget_by_function({"roads": 100.0}, {"roads": {"324121": 3, "230301": 1}})
    >>> out[["function", "bea_code", "amount"]].values.tolist()
    [['roads', '324121', 75.0], ['roads', '230301', 25.0]]
    """
    budget = pd.Series(budget_by_function, dtype=float)
    unmapped = [f for f in budget.index if f not in mapping]
    if unmapped:
        raise KeyError(
            f"No profile for function(s) {unmapped}; add them to the mapping "
            "(e.g. {'...': 'GSLGO'} for a general profile)."
        )
    cache: dict = {}
    parts = []
    for func, total in budget.items():  # loop over functions (a few dozen), not lines
        prof = _profile_from_spec(mapping[func], cache)
        part = downscale_budget(total, prof, confidence=confidence, label=f"function {func}")
        part.insert(0, "function", func)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out.attrs.update(method="downscaled", total_cents=int(out["amount_cents"].sum()))
    return out


def disaggregate(
    code: str,
    amount: float,
    *,
    factor_set: Any = factors.DEFAULT_FACTOR_SET,
    weights: str | pd.Series = "T007",
    confidence: float | None = None,
) -> pd.DataFrame:
    """Split a coarse NAICS (2-5 digits) or BEA code into NAICS-6 codes, exactly.

    Weights are national: each NAICS-6 code gets the Use-table output
    (``weights="T007"``, total commodity output; or another Use-table column
    such as ``"GSLGO"``) of its ``bea_code``, shared equally among the
    NAICS-6 codes with that ``bea_code`` (BEA has nothing finer), i.e. the
    weights of :func:`cohort_helpers.factors.naics_output_weights`. Where any
    code below lacks a weight, the split is equal. A BEA code is split
    equally among its NAICS-6 codes. Amounts are allocated in cents.

    Parameters
    ----------
    code : str
        ``"5416"``, ``"32731"``, a BEA code such as ``"5416A0"``, or a NAICS-6
        code (returned as one row).
    amount : float
        The amount to split (any currency; allocated in cents).
    factor_set : FactorSet or str
        Whose NAICS-6 codes to split into (default ``"sef_v1.3"``).
    weights : str or Series
        Use-table column, ``"equal"``, or your own weights per NAICS-6 code.
    confidence : float, optional
        Recorded per row; default :data:`DOWNSCALED_CONFIDENCE`.

    Returns
    -------
    DataFrame
        ``source_code``, ``naics6``, ``bea_code``, ``title``, ``share``,
        ``amount_cents``, ``amount``, ``method`` (``"downscaled"``, or
        ``"exact"`` for a NAICS-6 input), ``quality_flag``, ``confidence``,
        ``weighting``.

    Examples
    --------
    >>> d = disaggregate("5416", 1000.00)
    >>> int(d["amount_cents"].sum())
    100000
    """
    fs = factors.load_factor_set(factor_set)
    nv = fs.naics_view
    c = str(code).strip().upper()
    if c in nv.index:
        below = nv.loc[[c]]
        weighting = "none (already NAICS-6)"
        w = np.ones(1)
    else:
        if c.isdigit() and 2 <= len(c) <= 5:
            below = nv[nv.index.str.startswith(c)]
            how = "naics"
        else:
            comp = nv["bea_code"].map(factors.bea_components)
            below = nv[comp.map(lambda cs: c in cs).to_numpy()]  # over the reference table
            how = "bea"
        if below.empty:
            raise KeyError(
                f"No NAICS-6 code in {fs.name} below {code!r}. Give a 2-5 digit NAICS prefix "
                "(e.g. '5416') or a BEA detail code (e.g. '5416A0')."
            )
        if how == "bea" or (isinstance(weights, str) and weights == "equal"):
            w = np.ones(len(below))
            weighting = "equal"
        else:
            if isinstance(weights, pd.Series):
                wser = weights.astype(float)
            else:
                wser = factors.naics_output_weights(fs, column=weights)
            w = wser.reindex(below.index).to_numpy(dtype=float)
            if np.all(np.isfinite(w) & (w > 0)):
                weighting = f"national ({weights if isinstance(weights, str) else 'given'})"
            else:
                w = np.ones(len(below))
                weighting = "equal (some codes have no national weight)"
    cents = allocate_cents(amount, w)
    exact = weighting.startswith("none")
    out = pd.DataFrame(
        {
            "source_code": c,
            "naics6": below.index.to_numpy(),
            "bea_code": below["bea_code"].to_numpy(),
            "title": below["title"].to_numpy(),
            "share": w / w.sum(),
            "amount_cents": cents,
            "amount": cents / 100.0,
        }
    )
    out["method"] = "exact" if exact else "downscaled"
    out["quality_flag"] = (
        ""
        if exact
        else (f"estimate: {c} split into NAICS-6 codes with {weighting} weights (lower quality)")
    )
    out["confidence"] = (
        1.0
        if exact and confidence is None
        else (DOWNSCALED_CONFIDENCE if confidence is None else float(confidence))
    )
    out["weighting"] = weighting
    out.attrs.update(total_cents=int(round(float(amount) * 100)), method=out["method"].iloc[0])
    return out


def downscaled_emissions(
    allocation: pd.DataFrame,
    year: int,
    *,
    factor_set: Any = factors.DEFAULT_FACTOR_SET,
    currency: str = "USD",
    rates: Any = None,
    price_method: str = "bea",
) -> pd.DataFrame:
    """Emissions of a downscaled allocation: adjusted spend x factor per BEA commodity.

    The allocation's ``amount`` (in ``currency`` of ``year``) is converted to
    the factor set's currency and dollar year with
    :func:`cohort_helpers.adjust.to_factor_dollars`, then multiplied by the
    factor of its ``bea_code`` (the set's :attr:`~cohort_helpers.factors.FactorSet.bea_view`:
    for SEF, the mean over the NAICS-6 codes sharing that commodity).

    Parameters
    ----------
    allocation : DataFrame
        From :func:`downscale_budget` (or any table with ``bea_code`` and ``amount``).
    year : int
        The year of the money (budget year).
    factor_set : FactorSet or str
        Default ``"sef_v1.3"``.
    currency : str
        Currency of ``amount`` (``"NOK"`` needs ``rates`` or the bundled table).
    rates : optional
        Exchange rates, see :func:`cohort_helpers.adjust.normalise_rates`.
    price_method : {"bea", "cpi_u"}
        Price index used to move ``year`` money to the factor year.

    Returns
    -------
    DataFrame
        The allocation plus ``spend_factor_usd``, ``factor_kg_per_usd`` and
        ``kg_co2e`` (``spend_factor_usd * factor_kg_per_usd``); still labelled
        ``method="downscaled"``. ``attrs["t_co2e"]`` holds the total.

    Examples
    --------
    >>> prof = purchasing_profile(("GSLGO",))
    >>> est = downscaled_emissions(downscale_budget(50e6, prof), 2022)
    >>> round(est.attrs["t_co2e"])
    13191
    """
    fs = factors.load_factor_set(factor_set)
    view = fs.bea_view
    missing = ~allocation["bea_code"].isin(view.index)
    if missing.any():
        raise KeyError(
            f"{int(missing.sum())} commodity row(s) have no factor in {fs.name} "
            f"(first: {allocation.loc[missing, 'bea_code'].iloc[0]!r}); build the profile "
            "with the same factor set (purchasing_profile(factor_set=...))."
        )
    lines = allocation.assign(fiscal_year=int(year), currency=currency)
    adj = adjust.to_factor_dollars(
        lines, fs, rates=rates, method=price_method, year_col="fiscal_year"
    )
    out = allocation.copy()
    out["spend_factor_usd"] = adj["amount_adjusted"].to_numpy(dtype=float)
    out["factor_kg_per_usd"] = (
        view["factor_kg_per_usd"].reindex(allocation["bea_code"]).to_numpy(dtype=float)
    )
    out["kg_co2e"] = out["spend_factor_usd"] * out["factor_kg_per_usd"]
    out.attrs.update(allocation.attrs)
    out.attrs.update(
        t_co2e=float(out["kg_co2e"].sum()) / 1000,
        factor_set=fs.name,
        price_year=fs.dollar_year,
        price_method=price_method,
    )
    return out


# --------------------------------------------------------------------------
# From a budget to an estimate, and how far it is from the ledger (Session 3)
# --------------------------------------------------------------------------

#: NAICS 2017 sectors (2-digit, with the ranges 31-33, 44-45, 48-49): the
#: common category level for comparing a downscaled estimate with a ledger.
NAICS_SECTORS: dict[str, str] = {
    "11": "Agriculture, forestry, fishing",
    "21": "Mining, oil and gas",
    "22": "Utilities",
    "23": "Construction",
    "31-33": "Manufacturing",
    "42": "Wholesale trade",
    "44-45": "Retail trade",
    "48-49": "Transportation and warehousing",
    "51": "Information",
    "52": "Finance and insurance",
    "53": "Real estate, rental and leasing",
    "54": "Professional, scientific, technical services",
    "55": "Management of companies",
    "56": "Administrative, support and waste services",
    "61": "Educational services",
    "62": "Health care and social assistance",
    "71": "Arts, entertainment, recreation",
    "72": "Accommodation and food services",
    "81": "Other services",
    "92": "Public administration",
}
_SECTOR_OF_2 = {
    **{k: k for k in NAICS_SECTORS if "-" not in k},
    **{d: "31-33" for d in ("31", "32", "33")},
    **{d: "44-45" for d in ("44", "45", "4B")},  # BEA 4B0000 = retail trade
    **{d: "48-49" for d in ("48", "49")},
}

#: Shares of a budget assumed to buy goods and services, per country, when
#: only the budget is known. ASSUMPTIONS chosen for the cohort exercise, not
#: published figures: an operating budget also pays payroll and benefits,
#: debt service, grants, transfers and energy; a capital budget also buys
#: land. Replace them with your own budget's split.
BUDGET_PURCHASE_SHARES: dict[str, dict[str, float]] = {
    "US": {"operating": 0.45, "capital": 0.95},
    "NO": {"operating": 0.25, "capital": 0.95},
    "GB": {"operating": 0.35, "capital": 0.95},
}


def sector_of(codes: Any) -> pd.Series:
    """NAICS sector (``"31-33 Manufacturing"`` ...) of NAICS or BEA codes, vectorised.

    The sector is read from the first two characters (a BEA detail code starts
    with its NAICS digits; ``4B0000`` is retail). A code listing several BEA
    sectors (``"311111, 311119"``) takes its first. Blank or unknown codes
    are ``"Unclassified"``.

    Parameters
    ----------
    codes : array-like
        NAICS or BEA codes.

    Returns
    -------
    Series
        The sector label of each code.

    Examples
    --------
    >>> sector_of(["327310", "4B0000", "5416", "311111, 311119", None]).tolist()
    ['31-33 Manufacturing', '44-45 Retail trade', '54 Professional, scientific, technical services', '31-33 Manufacturing', 'Unclassified']
    """
    s = pd.Series(codes, dtype=object) if not isinstance(codes, pd.Series) else codes
    two = s.astype("string").str.strip().str.upper().str[:2]
    key = two.map(_SECTOR_OF_2)
    label = key.map(lambda k: f"{k} {NAICS_SECTORS[k]}" if isinstance(k, str) else "Unclassified")
    return pd.Series(label.to_numpy(dtype=object), index=s.index, name="sector")


def estimate_from_budget(
    operating_purchases: float,
    capital_purchases: float = 0.0,
    year: int = 2022,
    *,
    currency: str = "USD",
    rates: Any = None,
    factor_set: Any = factors.DEFAULT_FACTOR_SET,
    price_method: str = "bea",
    confidence: float = DOWNSCALED_CONFIDENCE,
) -> pd.DataFrame:
    """A lower-quality estimate of Scope 3 categories 1 and 2 from two purchase totals.

    ``operating_purchases`` (non-payroll purchases of goods and services of the
    operating budget) is allocated with the state and local government
    profile ``GSLGO`` (category 1); ``capital_purchases`` with the
    investment profile :data:`CAPITAL_COLUMNS` (category 2). Both are then
    priced with :func:`downscaled_emissions`. The totals must already leave out
    payroll, debt service, grants, transfers, energy and land (they are not
    in the profiles; leaving them in the total would spread them over the
    commodities).

    Parameters
    ----------
    operating_purchases, capital_purchases : float
        In ``currency`` of ``year``. ``0`` skips a category.
    year : int
        The budget year.
    currency, rates, factor_set, price_method
        As in :func:`downscaled_emissions`.
    confidence : float
        Recorded per row (default :data:`DOWNSCALED_CONFIDENCE`).

    Returns
    -------
    DataFrame
        :func:`downscaled_emissions` rows of both categories (``scope3_category``
        1 and 2), labelled ``method="downscaled"``; ``attrs``: ``t_co2e``,
        ``t_by_category`` ({1: ..., 2: ...}), ``quality_flag``.

    Examples
    --------
    >>> est = estimate_from_budget(40e6, 10e6, 2021)
    >>> {k: round(v) for k, v in est.attrs["t_by_category"].items()}
    {1: 11677, 2: 2351}
    """
    parts = []
    for cat, total, cols in (
        (1, operating_purchases, OPERATING_COLUMNS),
        (2, capital_purchases, CAPITAL_COLUMNS),
    ):
        if not total:
            continue
        if total < 0:
            raise ValueError(f"The category {cat} purchase total is negative ({total:,.2f}).")
        prof = purchasing_profile(cols, factor_set=factor_set)
        alloc = downscale_budget(
            total, prof, confidence=confidence, scope3_category=cat,
            label=f"{'+'.join(cols)} profile (BEA 2017 Use table)",
        )  # fmt: skip
        parts.append(
            downscaled_emissions(
                alloc, year, factor_set=factor_set, currency=currency, rates=rates,
                price_method=price_method,
            )
        )  # fmt: skip
    if not parts:
        raise ValueError("Both purchase totals are zero: nothing to downscale.")
    out = pd.concat(parts, ignore_index=True)
    by_cat = (out.groupby("scope3_category")["kg_co2e"].sum() / 1000).to_dict()
    out.attrs.update(
        method="downscaled",
        t_co2e=float(out["kg_co2e"].sum()) / 1000,
        t_by_category={int(k): float(v) for k, v in by_cat.items()},
        quality_flag=DOWNSCALED_FLAG,
        year=int(year),
        currency=currency,
    )
    return out


def compare_with_ledger(
    estimate: pd.DataFrame,
    lines: pd.DataFrame,
    by: str = "sector",
    *,
    scope3_category: int | None = None,
) -> pd.DataFrame:
    """A downscaled estimate beside the ledger-based inventory, category by category.

    Parameters
    ----------
    estimate : DataFrame
        From :func:`estimate_from_budget` or :func:`downscaled_emissions`
        (``bea_code``, ``spend_factor_usd``, ``kg_co2e``).
    lines : DataFrame
        The inventory's lines (``inv.lines``): included lines with ``naics6``,
        ``spend_factor_usd`` and ``kg_co2e``.
    by : {"sector", "scope3_category"}
        ``"sector"``: NAICS sectors (:func:`sector_of` of the estimate's
        ``bea_code`` and of the lines' ``naics6``), the finest level both
        share reliably.
    scope3_category : int, optional
        Compare only category 1 or 2.

    Returns
    -------
    DataFrame
        Index = category; ``spend_estimate``, ``spend_ledger`` (factor-year
        USD), ``t_estimate``, ``t_ledger``, ``diff_t`` (estimate minus ledger)
        and ``ratio`` (estimate / ledger), sorted by the larger of the two
        emissions. ``attrs``: ``t_estimate``, ``t_ledger``, ``diff_pct``.

    Examples
    --------
    >>> est = pd.DataFrame({"bea_code": ["327310", "541300"], "spend_factor_usd": [10.0, 90.0],
    ...                     "kg_co2e": [30.0, 9.0], "scope3_category": [1, 1]})
    >>> led = pd.DataFrame({"status": "included", "naics6": ["327320", "541330"],
    ...     "spend_factor_usd": [20.0, 80.0], "kg_co2e": [18.0, 8.0], "scope3_category": [1, 1]})
    >>> compare_with_ledger(est, led)["ratio"].round(2).tolist()
    [1.67, 1.12]
    """
    inc = lines[lines["status"] == "included"] if "status" in lines.columns else lines
    est = estimate
    if scope3_category is not None:
        est = est[pd.to_numeric(est["scope3_category"], errors="coerce") == scope3_category]
        inc = inc[pd.to_numeric(inc["scope3_category"], errors="coerce") == scope3_category]
    if by == "sector":
        k_est, k_led = sector_of(est["bea_code"]), sector_of(inc["naics6"])
    elif by == "scope3_category":
        k_est = pd.to_numeric(est["scope3_category"], errors="coerce").fillna(1).astype(int)
        k_led = pd.to_numeric(inc["scope3_category"], errors="coerce").fillna(1).astype(int)
    else:
        raise ValueError(f"by must be 'sector' or 'scope3_category', got {by!r}.")
    a = est.groupby(k_est.to_numpy())[["spend_factor_usd", "kg_co2e"]].sum()
    b = inc.groupby(k_led.to_numpy())[["spend_factor_usd", "kg_co2e"]].sum()
    out = pd.DataFrame(
        {
            "spend_estimate": a["spend_factor_usd"],
            "spend_ledger": b["spend_factor_usd"],
            "t_estimate": a["kg_co2e"] / 1000,
            "t_ledger": b["kg_co2e"] / 1000,
        }
    ).fillna(0.0)
    out["diff_t"] = out["t_estimate"] - out["t_ledger"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = np.where(out["t_ledger"] != 0, out["t_estimate"] / out["t_ledger"], np.nan)
    out.index.name = by
    out = out.loc[out[["t_estimate", "t_ledger"]].max(axis=1).sort_values(ascending=False).index]
    t_e, t_l = float(out["t_estimate"].sum()), float(out["t_ledger"].sum())
    out.attrs.update(
        t_estimate=t_e, t_ledger=t_l, diff_pct=(t_e / t_l - 1) * 100 if t_l else np.nan
    )
    return out


def ledger_purchases(reconciliation: pd.DataFrame) -> tuple[float, float]:
    """The ledger's included purchases: (category 1, category 2), in the ledger currency.

    What :func:`estimate_from_budget` can spread instead of budget shares when
    no budget is known (a workspace member added without ``--operating-budget``):
    the estimate then shows what the national profile says about the same spend.

    Parameters
    ----------
    reconciliation : DataFrame
        ``inv.reconciliation`` (``bucket``, ``amount``).

    Returns
    -------
    tuple of float
        (category 1, category 2) included spend.

    Examples
    --------
    >>> rec = pd.DataFrame({"bucket": ["input", "included, category 1", "included, category 2"],
    ...                     "amount": [100.0, 45.0, 9.0]})
    >>> ledger_purchases(rec)
    (45.0, 9.0)
    """
    amount = reconciliation.groupby("bucket")["amount"].sum()
    return (
        float(amount.get("included, category 1", 0.0)),
        float(amount.get("included, category 2", 0.0)),
    )


def ledger_purchase_shares(
    reconciliation: pd.DataFrame, operating_budget: float, capital_budget: float
) -> pd.Series:
    """What share of each budget the ledger's included spend is (to test the assumption).

    Included category 1 spend over the operating budget and category 2 spend
    over the capital budget (same currency and, ideally, the same year).
    Budgets are plans and ledgers are payments, so this is a check of the
    order of magnitude, not an identity.

    Parameters
    ----------
    reconciliation : DataFrame
        ``inv.reconciliation`` (``bucket``, ``amount``).
    operating_budget, capital_budget : float
        The budgets, in the ledger currency.

    Returns
    -------
    Series
        Share of the operating and of the capital budget.

    Examples
    --------
    >>> rec = pd.DataFrame({"bucket": ["included, category 1", "included, category 2"],
    ...                     "amount": [45.0, 9.0]})
    >>> ledger_purchase_shares(rec, 100.0, 10.0).round(2).tolist()
    [0.45, 0.9]
    """
    amount = reconciliation.groupby("bucket")["amount"].sum()
    return pd.Series(
        {
            "operating": float(amount.get("included, category 1", 0.0)) / operating_budget,
            "capital": float(amount.get("included, category 2", 0.0)) / capital_budget
            if capital_budget
            else np.nan,
        },
        name="share_of_budget",
    )
