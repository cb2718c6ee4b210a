"""Price year, currency and price basis: turning ledger spend into factor-ready spend.

Factors are kg CO2e per USD of one year (2022 for SEF v1.3) at one price
basis. Spend of year Y in another currency needs up to three adjustments:

1. **Currency** (:func:`to_usd`): annual-average exchange rates, with the
   direction always explicit (``"NOK per USD"``, ``"USD per GBP"``).
2. **Price year** (:func:`deflate_spend`): ``spend_to = spend_Y x P_to / P_Y``
   with the BEA gross-output price index of the line's sector (``"bea"``, what
   EPA uses; joined through the factor's ``bea_code``) or one index for all
   (``"cpi_u"``).
3. **Price basis** (:func:`price_basis_choice`): ledger spend is at purchaser
   price, so use "with margins" factors; producer-price factors (Open CEDA)
   either carry a "margins not included" flag or are scaled by SEF margin
   ratios (:func:`apply_margin_ratios`, an approximation, labelled).

:func:`to_factor_dollars` does 1 and 2 for a factor set. The rule for
**country factors** (Open CEDA with a country row other than USA) is *convert,
then CPI-U*: the spend is converted to USD at the annual average rate of the
spend year and moved to the set's dollar year with US CPI-U (BLS CUUR0000SA0),
one index for every sector; no US *sector* index is applied, because the
country row already reflects that country's prices and a US sector index says
nothing about them. ``currency_rule="currency_only"`` leaves the price-year gap
(e.g. NOK 2021 spend with 2022 factors) unadjusted and says so in
``attrs["note"]``.

No public figures are embedded here: CPI-U and exchange rates are passed in,
or read from ``datasets/public/cpi_u.csv`` and
``datasets/public/exchange_rates.csv`` (:func:`cpi_u`, :func:`exchange_rates`).

Examples
--------
>>> import pandas as pd
>>> cpi = pd.Series({2019: 255.657, 2022: 292.655})
>>> round(cpi_ratio(2019, 2022, cpi=cpi).item(), 6)
1.144717
>>> to_usd(8599.1, "NOK", 2021, {"NOK per USD": {2021: 8.5991}}).round(2).item()
1000.0
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import data, factors
from .paths import datasets_dir
from .workspace import workspace_rates

__all__ = [
    "FACTOR_CHOICES",
    "MissingRateError",
    "PriceBasisChoice",
    "apply_margin_ratios",
    "SetComparison",
    "compare_factor_sets",
    "compare_inventories",
    "compare_price_methods",
    "cpi_ratio",
    "cpi_u",
    "extend_index_with_cpi",
    "deflate_spend",
    "exchange_rates",
    "annual_rate",
    "factor_ready_lines",
    "normalise_rates",
    "price_basis_choice",
    "price_index_ratio",
    "price_index_table",
    "ppp_rates",
    "price_ratio_example",
    "rates_used",
    "to_factor_dollars",
    "to_usd",
]

Method = Literal["bea", "cpi_u"]


class MissingRateError(KeyError):
    """No exchange rate for a currency and year; the message names the ``--rate`` flag.

    Attributes ``currency`` and ``year`` name the first missing rate.
    """

    def __init__(self, message: str, *, currency: str = "", year: int | None = None) -> None:
        super().__init__(message)
        self.message, self.currency, self.year = message, currency, year

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------
# Public figures: loaders (files committed under datasets/public/)
# --------------------------------------------------------------------------


def _public_file(name: str, path: str | os.PathLike | None) -> Path:
    file = Path(path) if path else datasets_dir() / "public" / name
    if not file.is_file():
        raise FileNotFoundError(
            f"{file} was not found. Pass the figures explicitly (e.g. "
            + (
                "cpi=pd.Series({2019: 255.657, 2022: 292.655})"
                if name.startswith("cpi")
                else 'rates={"NOK per USD": {2021: 8.5991}}'
            )
            + f") or add datasets/public/{name} (see the docstring of this function for its columns)."
        )
    return file


def cpi_u(path: str | os.PathLike | None = None) -> pd.Series:
    """CPI-U annual averages (BLS, 1982-84 = 100) from ``datasets/public/cpi_u.csv``.

    The CSV needs a ``year`` column and one value column (``cpi_u``,
    ``value`` or ``index``, or the only other numeric column).

    Parameters
    ----------
    path : str or PathLike, optional
        A CSV in that layout instead of the bundled ``datasets/public/cpi_u.csv``.

    Returns
    -------
    Series
        Index ``year`` (int, sorted), name ``"cpi_u"``: the annual average index.

    Raises
    ------
    FileNotFoundError
        When the file is missing (the message says how to pass the figures instead).

    Examples
    --------
    >>> cpi_u().loc[[2019, 2022]].tolist()
    [255.657, 292.655]
    """
    file = _public_file("cpi_u.csv", path)
    return _cpi_series(pd.read_csv(file), str(file))


def _cpi_series(cpi: Any, where: str = "cpi") -> pd.Series:
    if cpi is None:
        return cpi_u()
    if isinstance(cpi, pd.DataFrame):
        cols = {c.lower().strip(): c for c in cpi.columns}
        if "year" not in cols:
            raise ValueError(f"{where}: expected a 'year' column, got {list(cpi.columns)}.")
        val = next((cols[c] for c in ("cpi_u", "cpi-u", "value", "index") if c in cols), None)
        if val is None:
            others = [c for c in cpi.columns if c != cols["year"]]
            nums = [c for c in others if pd.api.types.is_numeric_dtype(cpi[c])]
            if len(nums) != 1:
                raise ValueError(
                    f"{where}: expected a value column 'cpi_u' (or 'value'), got {list(cpi.columns)}."
                )
            val = nums[0]
        s = pd.Series(cpi[val].to_numpy(dtype=float), index=cpi[cols["year"]].astype(int))
    else:
        s = pd.Series(cpi, dtype=float)
        s.index = s.index.astype(int)
    s.index.name = "year"
    return s.sort_index().rename("cpi_u")


#: A pair "NOK per USD" (units of the first per one of the second), also spelt "nok_per_usd".
_PAIR = re.compile(r"^\s*([A-Za-z]{3})(?:\s+|_)per(?:\s+|_)([A-Za-z]{3})\s*$")


def exchange_rates(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Annual average exchange rates: the bundled tables (see :func:`_read_exchange_rates`)
    or the file at ``path``.

    Without ``path``, the years that workspace members registered (``cohort member add
    --rate``, :func:`cohort_helpers.workspace.workspace_rates`) and the bundled tables
    lack are added; a bundled rate is never replaced.

    Parameters
    ----------
    path : str or PathLike, optional
        A rates file in a layout of :func:`_read_exchange_rates` (long with
        ``pair``, long with ``units_per_usd``/``usd_per_unit``, or wide); it is
        read as it is, without the workspace's rates.

    Returns
    -------
    DataFrame
        The canonical form of :func:`normalise_rates`: ``currency``, ``year``,
        ``rate`` (as quoted), ``quote`` (``"per_usd"`` or ``"usd_per"``) and
        ``usd_per_unit``, one row per currency and year.

    Examples
    --------
    >>> r = exchange_rates().set_index(["currency", "year"])
    >>> float(r.loc[("NOK", 2021), "rate"]), r.loc[("NOK", 2021), "quote"]
    (8.5991, 'per_usd')
    >>> float(r.loc[("GBP", 2022), "rate"]), r.loc[("GBP", 2022), "quote"]
    (1.2369, 'usd_per')
    """
    rates = _read_exchange_rates(path)
    return rates if path is not None else _with_workspace_rates(rates)


def annual_rate(
    currency: str,
    year: int,
    *,
    quote: Literal["per_usd", "usd_per"] = "per_usd",
    rates: Any = None,
    nearest: bool = False,
) -> float:
    """One annual average exchange rate, in the direction asked for: the library's one reader.

    Parameters
    ----------
    currency : str
        ISO 4217 code (``"NOK"``, ``"GBP"``).
    year : int
        The year of the annual average.
    quote : {"per_usd", "usd_per"}
        ``"per_usd"``: units of ``currency`` per USD (NOK per USD);
        ``"usd_per"``: USD per unit (USD per GBP). A rate quoted the other way
        is inverted (``1 / rate``); one quoted this way is returned as it is.
    rates : see :func:`normalise_rates`
        Default: :func:`exchange_rates` (the bundled tables and the workspace's).
    nearest : bool
        Take the nearest year that has a rate for ``currency`` when ``year`` has
        none (the earlier one on a tie) instead of raising.

    Returns
    -------
    float

    Raises
    ------
    MissingRateError
        No rate for ``currency`` in ``year`` (with ``nearest``: in any year).

    Examples
    --------
    >>> r = {"NOK per USD": {2021: 8.5991, 2022: 9.6137}, "USD per GBP": {2022: 1.2369}}
    >>> annual_rate("NOK", 2022, rates=r), annual_rate("GBP", 2022, quote="usd_per", rates=r)
    (9.6137, 1.2369)
    >>> annual_rate("NOK", 2030, rates=r, nearest=True)
    9.6137
    """
    table = normalise_rates(rates)
    cur = str(currency).strip().upper()
    own = table[table["currency"] == cur]
    hit = own[own["year"] == int(year)]
    if hit.empty and nearest and not own.empty:
        gap = (own["year"] - int(year)).abs()
        hit = own[gap == gap.min()].iloc[:1]
    if hit.empty:
        have = sorted(own["year"].tolist())
        raise MissingRateError(
            f"No {cur} exchange rate for {int(year)} (years with a rate: {have or 'none'}). "
            f"Give it with --rate {cur}:{int(year)}=<{cur} per USD> or in the rates table.",
            currency=cur,
            year=int(year),
        )
    row = hit.iloc[0]
    return float(row["rate"]) if row["quote"] == quote else 1.0 / float(row["rate"])


def _with_workspace_rates(bundled: pd.DataFrame) -> pd.DataFrame:
    """``bundled`` plus the workspace members' rates for the years it lacks."""
    own = workspace_rates()
    if own.empty:
        return bundled
    own = normalise_rates(own[["year", "pair", "rate"]])
    have = bundled.set_index(["currency", "year"]).index
    new = own[~own.set_index(["currency", "year"]).index.isin(have)]
    if new.empty:
        return bundled
    both = pd.concat([bundled, new], ignore_index=True)
    return both.sort_values(["currency", "year"], ignore_index=True)


def _read_exchange_rates(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Annual average exchange rates from ``datasets/public/``.

    By default the bundled per-pair tables (``nok_per_usd.csv``,
    ``usd_per_gbp.csv``: ``year``, ``value``, ``unit`` naming the pair), or
    ``exchange_rates.csv`` when present, or the file at ``path``.

    Accepted layouts (direction is always explicit, never guessed):

    - long: ``year``, ``pair`` (text ``"NOK per USD"``), ``rate``;
    - long: ``year``, ``currency``, ``units_per_usd`` or ``usd_per_unit``;
    - wide: ``year`` and one column per pair named like ``"NOK per USD"``.

    Returns
    -------
    DataFrame
        The canonical form of :func:`normalise_rates`.

    Examples
    --------
    >>> exchange_rates().query("currency == 'NOK' and year == 2021")  # doctest: +SKIP
      currency  year    rate    quote  usd_per_unit
    0      NOK  2021  8.5991  per_usd      0.116291
    """
    if path is None and not (datasets_dir() / "public" / "exchange_rates.csv").is_file():
        # the bundled tables: one file per pair (year, value, unit "NOK per USD")
        files = sorted((datasets_dir() / "public").glob("*_per_*.csv"))  # not ppp_oecd.csv
        if files:
            parts = [pd.read_csv(f)[["year", "unit", "value"]] for f in files]
            long = pd.concat(parts, ignore_index=True).rename(
                columns={"unit": "pair", "value": "rate"}
            )
            return normalise_rates(long)
    file = _public_file("exchange_rates.csv", path)
    return normalise_rates(pd.read_csv(file))


def ppp_rates(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """OECD purchasing power parities for GDP (national currency per USD), bundled table.

    ``datasets/public/ppp_oecd.csv`` (``year``, ``currency``, ``value``, ...;
    every value is marked approximate in its ``note``), or the file at
    ``path`` in the same layout.

    Parameters
    ----------
    path : str or PathLike, optional
        A CSV with ``year``, ``currency`` and ``value`` (national currency per
        USD) instead of the bundled ``ppp_oecd.csv``.

    Returns
    -------
    DataFrame
        The canonical form of :func:`normalise_rates` (``quote = "per_usd"``).

    Examples
    --------
    >>> ppp_rates().query("currency == 'NOK' and year == 2021")["rate"].item()
    10.1
    """
    file = _public_file("ppp_oecd.csv", path)
    t = pd.read_csv(file)
    return normalise_rates(
        pd.DataFrame({"year": t["year"], "currency": t["currency"], "units_per_usd": t["value"]})
    )


def _pair_rows(pair: str, years: Any, values: Any) -> pd.DataFrame:
    m = _PAIR.match(str(pair))
    if not m:
        raise ValueError(
            f"Exchange-rate label {pair!r} is not of the form 'NOK per USD' or 'USD per GBP' "
            "(units of the first currency per one unit of the second; one side must be USD)."
        )
    a, b = m.group(1).upper(), m.group(2).upper()
    if (a == "USD") == (b == "USD"):
        raise ValueError(f"Exchange-rate label {pair!r}: exactly one side must be USD.")
    cur, quote = (a, "per_usd") if b == "USD" else (b, "usd_per")
    return pd.DataFrame(
        {
            "currency": cur,
            "year": np.asarray(years, dtype=int),
            "rate": np.asarray(values, dtype=float),
            "quote": quote,
        }
    )


def normalise_rates(rates: Any) -> pd.DataFrame:
    """Exchange rates in one canonical form, direction explicit.

    Parameters
    ----------
    rates : mapping, DataFrame or None
        ``{"NOK per USD": {2021: 8.5991}, "USD per GBP": {2021: 1.3757}}``, a
        DataFrame in a layout of :func:`exchange_rates`, an already canonical
        table, or ``None`` to read ``datasets/public/exchange_rates.csv``.

    Returns
    -------
    DataFrame
        ``currency`` (ISO 4217), ``year``, ``rate`` (as quoted), ``quote``
        (``"per_usd"``: units of currency per USD; ``"usd_per"``: USD per
        unit) and ``usd_per_unit``.

    Examples
    --------
    >>> normalise_rates({"USD per GBP": {2022: 1.2369}})[["currency", "quote"]].iloc[0].tolist()
    ['GBP', 'usd_per']
    """
    if rates is None:
        return exchange_rates()
    if isinstance(rates, Mapping):
        parts = [
            _pair_rows(k, list(pd.Series(v).index), list(pd.Series(v))) for k, v in rates.items()
        ]
        out = pd.concat(parts, ignore_index=True)
    elif isinstance(rates, pd.DataFrame):
        cols = {str(c).lower().strip(): c for c in rates.columns}
        if {"currency", "year", "rate", "quote"} <= set(cols):
            out = rates[[cols[c] for c in ("currency", "year", "rate", "quote")]].copy()
            out.columns = ["currency", "year", "rate", "quote"]
        elif "year" in cols and "pair" in cols and ("rate" in cols or "value" in cols):
            val = cols.get("rate", cols.get("value"))
            out = pd.concat(
                [
                    _pair_rows(p, g[cols["year"]], g[val])
                    for p, g in rates.groupby(cols["pair"], sort=False)
                ],
                ignore_index=True,
            )
        elif (
            "year" in cols
            and "currency" in cols
            and ({"units_per_usd", "usd_per_unit"} & set(cols))
        ):
            q = "units_per_usd" if "units_per_usd" in cols else "usd_per_unit"
            out = pd.DataFrame(
                {
                    "currency": rates[cols["currency"]].astype(str).str.upper().to_numpy(),
                    "year": rates[cols["year"]].astype(int).to_numpy(),
                    "rate": rates[cols[q]].astype(float).to_numpy(),
                    "quote": "per_usd" if q == "units_per_usd" else "usd_per",
                }
            )
        elif "year" in cols and any(_PAIR.match(str(c)) for c in rates.columns):
            pairs = [c for c in rates.columns if _PAIR.match(str(c))]
            out = pd.concat(
                [_pair_rows(p, rates[cols["year"]], rates[p]) for p in pairs], ignore_index=True
            ).dropna(subset=["rate"])
        else:
            raise ValueError(
                f"Exchange-rate table columns {list(rates.columns)} not understood. Use "
                "year + pair ('NOK per USD') + rate; or year + currency + units_per_usd "
                "(or usd_per_unit); or year + one column per pair named 'NOK per USD' "
                "(or 'nok_per_usd')."
            )
    else:
        raise TypeError(
            "rates must be a dict like {'NOK per USD': {2021: 8.5991}} or a DataFrame; "
            f"got {type(rates).__name__}."
        )
    out["currency"] = out["currency"].astype(str).str.upper()
    out["year"] = out["year"].astype(int)
    out["rate"] = out["rate"].astype(float)
    if not out["quote"].isin(["per_usd", "usd_per"]).all():
        raise ValueError("Exchange-rate 'quote' must be 'per_usd' or 'usd_per'.")
    if (out["rate"] <= 0).any() or out["rate"].isna().any():
        bad = out[~(out["rate"] > 0)].iloc[0]
        raise ValueError(f"Exchange rate for {bad['currency']} {bad['year']} is not positive.")
    dup = out.duplicated(["currency", "year"], keep=False)
    if dup.any():
        d = out[dup].iloc[0]
        raise ValueError(f"More than one exchange rate for {d['currency']} in {d['year']}.")
    out["usd_per_unit"] = np.where(out["quote"] == "per_usd", 1.0 / out["rate"], out["rate"])
    return out.sort_values(["currency", "year"], ignore_index=True)


def _tidy_distinct(values: pd.Series, tidy: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``tidy`` applied to each distinct value once, mapped back to every line."""
    idx, uniq = pd.factorize(values, use_na_sentinel=False)
    done = tidy(pd.Series(uniq, dtype=object)).to_numpy(dtype=object)
    return pd.Series(done[idx], index=values.index)


def _broadcast(x: Any, n: int, name: str) -> np.ndarray:
    arr = np.asarray(x.to_numpy() if isinstance(x, pd.Series | pd.Index) else x, dtype=object)
    if arr.ndim == 0:
        return np.full(n, arr.item(), dtype=object)
    if len(arr) != n:
        raise ValueError(f"{name} has {len(arr)} values; expected 1 or {n}.")
    return arr


def to_usd(amount: Any, currency: Any, year: Any, rates: Any = None) -> pd.Series:
    """Convert amounts to USD at annual average rates, vectorised.

    ``usd = amount / rate`` for a ``"NOK per USD"`` rate and
    ``usd = amount x rate`` for a ``"USD per GBP"`` rate; USD is unchanged.

    Parameters
    ----------
    amount : scalar or array-like
        Amounts in their own currency.
    currency, year : scalar or array-like (same length as ``amount``)
        ISO 4217 code and year of the annual average rate, per amount (a scalar
        applies to all).
    rates : see :func:`normalise_rates`
        Default: :func:`exchange_rates` (the bundled tables and the workspace's).

    Returns
    -------
    Series
        Name ``"amount_usd"``, float; the index of ``amount`` when it is a
        Series, else 0..n-1.

    Raises
    ------
    KeyError
        A currency/year has no rate; the message lists what is available.

    Examples
    --------
    >>> to_usd([8599.1, 100], ["NOK", "GBP"], 2021,
    ...        {"NOK per USD": {2021: 8.5991}, "USD per GBP": {2021: 1.3757}}).round(2).tolist()
    [1000.0, 137.57]
    """
    amt = pd.Series(amount, dtype=float) if not isinstance(amount, pd.Series) else amount
    n = len(amt)
    cur = _tidy_distinct(
        pd.Series(_broadcast(currency, n, "currency")),
        lambda u: u.astype(str).str.strip().str.upper(),
    )
    yr = pd.Series(_broadcast(year, n, "year"))
    is_usd = (cur == "USD").to_numpy()
    out = amt.to_numpy(dtype=float).copy()
    if (~is_usd).any():
        table = normalise_rates(rates)
        keys = pd.DataFrame(
            {"currency": cur[~is_usd].to_numpy(), "year": yr[~is_usd].astype(int).to_numpy()}
        )
        m = keys.merge(table, on=["currency", "year"], how="left", validate="many_to_one")
        miss = m["rate"].isna()
        if miss.any():
            pairs = sorted(set(zip(m.loc[miss, "currency"], m.loc[miss, "year"], strict=True)))
            avail = table.groupby("currency")["year"].agg(lambda s: f"{s.min()}-{s.max()}")
            c0, y0 = pairs[0]
            raise MissingRateError(
                "No exchange rate for "
                + ", ".join(f"{c} {y} ({c} per USD)" for c, y in pairs[:10])
                + f". Bundled: {', '.join(f'{c} {r}' for c, r in avail.items()) or 'none'}. "
                f"Give the annual average with --rate {c0}:{y0}=VALUE (VALUE = {c0} per one "
                f"US dollar; one --rate per currency and year), or in Python "
                f"rates={{'{c0} per USD': {{{y0}: VALUE}}}}.",
                currency=str(c0),
                year=int(y0),
            )
        a = out[~is_usd]
        out[~is_usd] = np.where(m["quote"] == "per_usd", a / m["rate"], a * m["rate"])
    return pd.Series(out, index=amt.index, name="amount_usd")


# --------------------------------------------------------------------------
# Price indices
# --------------------------------------------------------------------------


def price_index_table(index: pd.DataFrame | None = None) -> pd.DataFrame:
    """BEA price index as a wide table: ``bea_code`` rows x ``year`` columns (int).

    Parameters
    ----------
    index : DataFrame, optional
        Long (``bea_code``, ``year``, ``price_index``, as
        :func:`cohort_helpers.data.read_price_index`) or already wide.
        Default: the registered BEA detail price index (2017 = 100).

    Returns
    -------
    DataFrame
        Index ``bea_code`` (str), one column per year (int, ascending), the
        index values (float).

    Examples
    --------
    >>> t = price_index_table()
    >>> t[2017].eq(100).all(), t.loc["327310", [2019, 2022]].tolist()
    (np.True_, [104.923, 121.061])
    >>> long = pd.DataFrame({"bea_code": ["X", "X"], "year": [2022, 2021],
    ...                      "price_index": [110.0, 100.0]})
    >>> price_index_table(long).columns.tolist()
    [2021, 2022]
    """
    if index is None:
        index = data.shared_dataset("bea_price_index")
    if {"bea_code", "year", "price_index"} <= set(index.columns):
        wide = index.pivot(index="bea_code", columns="year", values="price_index")
    else:
        wide = index.copy()
        wide.columns = [int(c) for c in wide.columns]
    wide.index = wide.index.astype(str)
    wide.columns = wide.columns.astype(int)
    return wide.sort_index(axis=1)


def _check_years(years: np.ndarray, available: pd.Index, what: str) -> None:
    lo, hi = int(available.min()), int(available.max())
    bad = sorted({int(y) for y in years if int(y) not in set(available)})
    if bad:
        raise ValueError(
            f"{what}: year(s) {bad} are outside the available range {lo}-{hi}. "
            f"Use years within {lo}-{hi}, or pass a longer index."
        )


def _years_array(years: Any, n: int, what: str) -> np.ndarray:
    y = pd.to_numeric(pd.Series(_broadcast(years, n, what)), errors="coerce")
    if y.isna().any():
        raise ValueError(
            f"{what}: {int(y.isna().sum())} value(s) have no year; every line needs a (fiscal) year."
        )
    return y.to_numpy(dtype=int)


def _composite_rows(codes: list[str], wide: pd.DataFrame) -> pd.DataFrame:
    """Index rows for codes listing several BEA sectors ('a, b'): output-weighted mean.

    The profile codes ``GSLGO`` / ``F10`` take the mean weighted by their
    purchase profile (:func:`cohort_helpers.factors.profile_bea_weights`).
    """
    weights = factors.bea_weights()
    rows = {}
    for code in codes:  # distinct multi-sector codes only (a handful)
        if code in factors.PROFILE_CODES:
            pw = factors.profile_bea_weights(code)
            pw = pw[pw.index.isin(wide.index)]
            if len(pw):
                rows[code] = (wide.loc[pw.index].mul(pw, axis=0).sum() / pw.sum()).to_numpy()
            continue
        comps = factors.bea_components(code)
        if not comps or not all(c in wide.index for c in comps):
            continue
        w = weights.reindex(comps).to_numpy(dtype=float) if weights is not None else None
        if w is None or not np.all(w > 0):
            w = np.ones(len(comps))
        rows[code] = (wide.loc[comps].mul(w, axis=0).sum() / w.sum()).to_numpy()
    return pd.DataFrame.from_dict(rows, orient="index", columns=wide.columns)


def extend_index_with_cpi(wide: pd.DataFrame, years: Any, cpi: Any = None) -> pd.DataFrame:
    """Carry a sector price index past its last year with US CPI-U.

    ``P[s, y] = P[s, last] x CPI[y] / CPI[last]`` for every requested year ``y``
    after the index's last year that CPI-U covers (one year more is held at CPI-U's
    last level) (BEA publishes the detail
    index a year or more after the spend). The extended years are listed in
    ``attrs["extended_years"]`` so that the run can say so.

    Parameters
    ----------
    wide : DataFrame
        :func:`price_index_table` (codes x years).
    years : array-like of int
        The years the caller needs.
    cpi : optional
        CPI-U (default: ``datasets/public/cpi_u.csv``).

    Returns
    -------
    DataFrame
        ``wide`` with the missing later years added (unchanged if none are missing).

    Examples
    --------
    >>> w = pd.DataFrame({2023: [100.0], 2024: [110.0]}, index=["x"])
    >>> out = extend_index_with_cpi(w, [2025], cpi={2024: 200.0, 2025: 210.0})
    >>> round(float(out.loc["x", 2025]), 2), out.attrs["extended_years"]
    (115.5, [2025])
    """
    last = int(wide.columns.max())
    c = _cpi_series(cpi)
    if last not in c.index:
        return wide
    c_last = int(c.index.max())
    # one year past CPI-U's last year is held at its prices; later years stay an error
    later = sorted({int(y) for y in np.atleast_1d(years) if last < int(y) <= c_last + 1})
    if not later:
        return wide
    out = wide.copy()
    for y in later:
        # past CPI-U's last year too: held at the latest published price level
        out[y] = out[last] * (c.loc[min(y, c_last)] / c.loc[last])
    out.attrs["extended_years"] = later
    out.attrs["held_years"] = [y for y in later if y > c_last]
    return out


def price_index_ratio(
    bea_codes: Any,
    from_years: Any,
    to_year: int = 2022,
    index: pd.DataFrame | None = None,
    *,
    on_missing: Literal["raise", "nan"] = "raise",
) -> pd.Series:
    """Sector price ratio ``P[s, to_year] / P[s, from_year]`` per line, vectorised.

    Parameters
    ----------
    bea_codes : array-like or Series
        BEA detail codes (the factor's ``bea_code``). A code listing several
        sectors (``"230301, 233210"``, as SEF construction rows and NAICS
        prefix averages do) uses their output-weighted mean index (Use table
        total commodity output; the index base year 2017 is the Use table year).
    from_years : int or array-like
        The spend's year per line.
    to_year : int
        The factor dollar year.
    index : DataFrame, optional
        See :func:`price_index_table`.
    on_missing : {"raise", "nan"}
        Codes without an index: raise (default) or NaN with a warning.

    Returns
    -------
    Series
        Name ``"price_ratio"``, one float per line; the index of ``bea_codes``
        when it is a Series, else 0..n-1.

    Raises
    ------
    ValueError
        A year outside the index range (the message names it and the range).
    KeyError
        A code has no index (``on_missing="raise"``).

    Examples
    --------
    >>> price_index_ratio(["327310", "327310"], [2019, 2022], 2022).round(4).tolist()
    [1.1538, 1.0]
    """
    wide = price_index_table(index)
    n = len(bea_codes) if not np.isscalar(bea_codes) else 1
    codes = pd.Series(_broadcast(bea_codes, n, "bea_codes"))
    years = _years_array(from_years, n, "from_years")
    if index is None:  # the published index ends a year or two before today's ledgers
        wide = extend_index_with_cpi(wide, np.append(np.unique(years), to_year))
    _check_years(np.append(np.unique(years), to_year), wide.columns, "BEA price index")
    codes = _tidy_distinct(codes, lambda u: u.where(u.notna(), "").astype(str).str.strip())
    # distinct (code, year) pairs through integer codes: cheap on long ledgers
    c_idx, c_uniq = pd.factorize(codes)
    y_idx, y_uniq = pd.factorize(years)
    inv, pair_u = pd.factorize(c_idx.astype(np.int64) * len(y_uniq) + y_idx)
    uniq = pd.MultiIndex.from_arrays(
        [np.asarray(c_uniq, dtype=object)[pair_u // len(y_uniq)], y_uniq[pair_u % len(y_uniq)]]
    )
    u_codes = uniq.get_level_values(0).astype(str)
    multi = sorted({c for c in u_codes if "," in c or c in factors.PROFILE_CODES})
    # the index's own GSLGO row is the price of government output, not of its purchases
    own = [m for m in multi if m in wide.index]
    table = pd.concat([wide.drop(index=own), _composite_rows(multi, wide)]) if multi else wide
    pos = table.index.get_indexer(u_codes)
    missing = sorted({c for c, p in zip(u_codes, pos, strict=True) if p < 0})
    if missing:
        msg = (
            f"No BEA price index for bea_code(s) {[m or '<blank>' for m in missing][:10]}. "
            "Expected BEA detail codes such as '327310' or '1111A0' (take them from "
            "factors.lookup(...).bea_code), or use method='cpi_u'."
        )
        if on_missing == "raise":
            raise KeyError(msg)
        warnings.warn(msg + " Their ratio is NaN.", stacklevel=2)
    arr = table.to_numpy(dtype=float)
    col_from = table.columns.get_indexer(uniq.get_level_values(1))
    col_to = table.columns.get_loc(int(to_year))
    safe = np.where(pos >= 0, pos, 0)
    ratio_u = np.where(pos >= 0, arr[safe, col_to] / arr[safe, col_from], np.nan)
    idx = bea_codes.index if isinstance(bea_codes, pd.Series) else None
    return pd.Series(ratio_u[inv], index=idx, name="price_ratio")


def cpi_ratio(from_years: Any, to_year: int = 2022, cpi: Any = None) -> pd.Series:
    """CPI-U ratio ``CPI[to_year] / CPI[from_year]``, one index for every sector.

    Parameters
    ----------
    from_years : int or array-like
        The spend's year per line.
    to_year : int
        The year to move the spend to (the factor dollar year).
    cpi : Series, dict or DataFrame, optional
        Annual CPI-U by year; default :func:`cpi_u` (``datasets/public/cpi_u.csv``).

    Returns
    -------
    Series
        Name ``"price_ratio"``, one float per year given; the index of
        ``from_years`` when it is a Series, else 0..n-1.

    Raises
    ------
    ValueError
        A year the CPI-U series does not cover.

    Examples
    --------
    >>> cpi_ratio([2019], 2022, {2019: 255.657, 2022: 292.655}).round(4).tolist()
    [1.1447]
    """
    s = _cpi_series(cpi)
    n = 1 if np.isscalar(from_years) else len(from_years)
    years = _years_array(from_years, n, "from_years")
    _check_years(np.append(np.unique(years), to_year), s.index, "CPI-U")
    ratio = s.loc[int(to_year)] / s.reindex(years).to_numpy()
    idx = from_years.index if isinstance(from_years, pd.Series) else None
    return pd.Series(ratio, index=idx, name="price_ratio")


def _year_column(df: pd.DataFrame, year_col: str | None) -> str:
    if year_col:
        if year_col not in df.columns:
            raise KeyError(f"No column {year_col!r}; the table has {list(df.columns)}.")
        return year_col
    for c in ("fiscal_year", "year"):
        if c in df.columns:
            return c
    raise KeyError(
        f"Need a 'fiscal_year' or 'year' column (or year_col=...); the table has {list(df.columns)}."
    )


def deflate_spend(
    df: pd.DataFrame,
    method: Method = "bea",
    to_year: int = 2022,
    *,
    amount_col: str = "amount",
    year_col: str | None = None,
    bea_col: str = "bea_code",
    index: pd.DataFrame | None = None,
    cpi: Any = None,
    on_missing: Literal["raise", "nan"] = "raise",
    out_col: str = "amount_adjusted",
) -> pd.DataFrame:
    """Express each line's spend in ``to_year`` dollars.

    ``amount_adjusted = amount x ratio`` with ``ratio = P[s, to_year] / P[s, Y]``
    (``method="bea"``: the BEA sector index of the line's ``bea_code``) or
    ``CPI[to_year] / CPI[Y]`` (``method="cpi_u"``). Ratios are computed once
    per distinct (code, year).

    Parameters
    ----------
    df : DataFrame
        Lines with ``amount``, ``fiscal_year`` (or ``year``) and, for
        ``"bea"``, ``bea_code``. Amounts must already be in USD (:func:`to_usd`).
    method : {"bea", "cpi_u"}
    to_year : int
        Usually the factor set's ``dollar_year``.
    index, cpi : optional
        The BEA index (default: registered file) / CPI-U (default:
        ``datasets/public/cpi_u.csv``).

    Returns
    -------
    DataFrame
        A copy with ``price_ratio`` and ``amount_adjusted``; ``attrs``
        ``price_year`` and ``price_method``.

    Examples
    --------
    >>> lines = pd.DataFrame({"amount": [100.0], "fiscal_year": [2019]})
    >>> deflate_spend(lines, "cpi_u", cpi={2019: 255.657, 2022: 292.655})["amount_adjusted"].round(2).tolist()
    [114.47]
    """
    if amount_col not in df.columns:
        raise KeyError(f"No column {amount_col!r}; the table has {list(df.columns)}.")
    ycol = _year_column(df, year_col)
    if method == "bea":
        if bea_col not in df.columns:
            raise KeyError(
                f"method='bea' needs a {bea_col!r} column (the factor's BEA code from "
                "factors.lookup); or use method='cpi_u'."
            )
        ratio = price_index_ratio(df[bea_col], df[ycol], to_year, index, on_missing=on_missing)
    elif method == "cpi_u":
        ratio = cpi_ratio(df[ycol], to_year, cpi)
    else:
        raise ValueError(f"method must be 'bea' or 'cpi_u', got {method!r}.")
    out = df.copy()
    out["price_ratio"] = ratio.to_numpy()
    out[out_col] = out[amount_col].to_numpy(dtype=float) * out["price_ratio"].to_numpy()
    out.attrs.update(price_year=int(to_year), price_method=method)
    return out


# --------------------------------------------------------------------------
# Currency + price year for a factor set
# --------------------------------------------------------------------------


def to_factor_dollars(
    df: pd.DataFrame,
    factor_set: Any = None,
    *,
    rates: Any = None,
    method: Method = "bea",
    currency: str | None = None,
    currency_rule: Literal[
        "auto", "convert_then_deflate", "convert_then_cpi", "currency_only"
    ] = "auto",
    fx_year: Literal["spend", "factor"] = "spend",
    conversion: Literal["market", "ppp"] = "market",
    amount_col: str = "amount",
    year_col: str | None = None,
    bea_col: str = "bea_code",
    index: pd.DataFrame | None = None,
    cpi: Any = None,
) -> pd.DataFrame:
    """Convert lines to the currency and dollar year of a factor set.

    Rules
    -----
    ``"convert_then_deflate"`` (US factors, the default for them): convert to
    USD at the spend year's annual average rate, then apply the US price index
    (``method``) from the spend year to the set's ``dollar_year``.

    ``"convert_then_cpi"`` (default for country factor sets such as
    ``open_ceda_NOR``): convert at the spend year's annual average rate, then
    move the USD from the spend year to the set's ``dollar_year`` with US
    CPI-U (one index for every sector: the country row already reflects that
    country's prices, so no US *sector* index is applied, but the factors are
    per dollar of the set's year and a 2021 dollar is not a 2022 dollar).

    ``"currency_only"``: convert at the annual average rate of the spend year
    (``fx_year="spend"``) or of the factor year (``fx_year="factor"``); no
    price index (``price_ratio = 1``). Any gap between spend year and factor
    year is left unadjusted and said in ``attrs["note"]``.

    Parameters
    ----------
    df : DataFrame
        Lines with ``amount``, a year column, ``currency`` (or ``currency=``,
        or ``df.attrs["currency"]``; default USD) and, for ``method="bea"``,
        ``bea_code``.
    factor_set : FactorSet or str, optional
        Default ``"sef_v1.3"``.
    rates : optional
        See :func:`normalise_rates`; only needed for non-USD lines.
    conversion : {"market", "ppp"}
        ``"market"`` (default): annual average exchange rates. ``"ppp"``: OECD
        purchasing power parities for GDP (:func:`ppp_rates`, or ``rates`` if
        given), "the same goods in the US economy"; said in ``attrs["note"]``.

    Returns
    -------
    DataFrame
        A copy with ``amount_usd``, ``usd_per_unit``, ``price_ratio``,
        ``amount_adjusted``; ``attrs`` ``price_year``, ``price_method``,
        ``currency_rule``, ``note``.

    Examples
    --------
    >>> lines = pd.DataFrame({"amount": [8599.1], "fiscal_year": [2021], "currency": ["NOK"]})
    >>> out = to_factor_dollars(lines, "open_ceda:NOR", rates={"NOK per USD": {2021: 8.5991}})  # doctest: +SKIP
    >>> out["amount_adjusted"].round(2).item()  # doctest: +SKIP
    1000.0
    """
    fs = factors.load_factor_set(factor_set or factors.DEFAULT_FACTOR_SET)
    rule = currency_rule
    if rule == "auto":
        rule = "convert_then_cpi" if fs.country not in (None, "USA") else "convert_then_deflate"
    if rule not in ("convert_then_deflate", "convert_then_cpi", "currency_only"):
        raise ValueError(
            "currency_rule must be 'auto', 'convert_then_deflate', 'convert_then_cpi' or "
            f"'currency_only'; got {rule!r}."
        )
    ycol = _year_column(df, year_col)
    if "currency" in df.columns:
        cur = df["currency"].fillna(currency or df.attrs.get("currency") or "USD")
    else:
        cur = currency or df.attrs.get("currency") or "USD"
    if conversion not in ("market", "ppp"):
        raise ValueError(f"conversion must be 'market' or 'ppp', got {conversion!r}.")
    if conversion == "ppp" and rates is None:
        rates = ppp_rates()
    years = df[ycol] if not (rule == "currency_only" and fx_year == "factor") else fs.dollar_year
    usd = to_usd(df[amount_col], cur, years, rates)
    out = df.copy()
    out["amount_usd"] = usd.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["usd_per_unit"] = np.where(
            out[amount_col].to_numpy(dtype=float) != 0,
            usd.to_numpy() / out[amount_col].to_numpy(dtype=float),
            np.nan,
        )
    if rule == "currency_only":
        out["price_ratio"] = 1.0
        out["amount_adjusted"] = out["amount_usd"]
        gap = sorted(set(pd.unique(pd.to_numeric(df[ycol]).astype(int)).tolist()) - {fs.dollar_year})
        note = (
            f"{fs.name}: country factors, currency converted only (annual average rate of the "
            f"{'spend' if fx_year == 'spend' else 'factor'} year), no US price index."
            + (
                f" Spend years {gap} differ from the factor year {fs.dollar_year}; "
                "that price change is not adjusted."
                if gap
                else ""
            )
        )
        method_used = "none (currency only)"
    elif rule == "convert_then_cpi":
        tmp = deflate_spend(
            out, "cpi_u", fs.dollar_year, amount_col="amount_usd", year_col=ycol, cpi=cpi
        )
        out["price_ratio"] = tmp["price_ratio"].to_numpy()
        out["amount_adjusted"] = tmp["amount_adjusted"].to_numpy()
        years = sorted(set(pd.unique(pd.to_numeric(df[ycol]).astype(int)).tolist()))
        note = (
            f"{fs.name}: converted to USD at the spend year's annual average rate, then US CPI-U "
            f"(BLS CUUR0000SA0, annual average) from the spend year to {fs.dollar_year} USD, the "
            f"set's dollar year (spend years {years}); no US sector price index, because the "
            "country row already reflects that country's prices."
        )
        method_used = "cpi_u (country factors)"
    else:
        tmp = deflate_spend(
            out,
            method,
            fs.dollar_year,
            amount_col="amount_usd",
            year_col=ycol,
            bea_col=bea_col,
            index=index,
            cpi=cpi,
        )
        out["price_ratio"] = tmp["price_ratio"].to_numpy()
        out["amount_adjusted"] = tmp["amount_adjusted"].to_numpy()
        note = (
            f"Converted to USD at the spend year's annual average rate, then "
            f"{'BEA sector price index' if method == 'bea' else 'CPI-U'} to {fs.dollar_year} USD."
        )
        if method == "bea" and index is None:
            wide = price_index_table()
            after = sorted(
                {int(y) for y in pd.unique(pd.to_numeric(df[ycol]).astype(int))}
                - set(wide.columns)
            )
            if after:
                c_last = int(_cpi_series(cpi).index.max())
                note += (
                    f" The BEA index ends in {int(wide.columns.max())}; spend of {after} is "
                    f"carried back with US CPI-U from {int(wide.columns.max())} (BLS CUUR0000SA0)"
                    + (
                        f"; years after {c_last} are held at {c_last} prices (no later CPI-U)."
                        if max(after) > c_last
                        else "."
                    )
                )
        method_used = method
    if conversion == "ppp":
        note = (
            "Currency converted at OECD purchasing power parities for GDP (approximate bundled "
            "table, datasets/public/ppp_oecd.csv), not market rates. "
            + note.replace("the spend year's annual average rate", "the spend year's PPP")
        )
    out.attrs.update(
        price_year=fs.dollar_year,
        price_method=method_used,
        currency_rule=rule,
        currency="USD",
        conversion=conversion,
        note=note,
    )
    return out


def rates_used(adjusted: pd.DataFrame) -> str:
    """The exchange rates a :func:`to_factor_dollars` result applied, in words.

    Parameters
    ----------
    adjusted : DataFrame
        A :func:`to_factor_dollars` result (or any table with ``currency``,
        ``year`` or ``fiscal_year``, and ``usd_per_unit``).

    Returns
    -------
    str
        ``"<CUR> <year>: <rate> <CUR> per USD (annual average)"`` per non-USD
        currency and year (the median rate of its lines), joined by ``"; "``;
        ``""`` when every line is in USD or the columns are missing.

    Examples
    --------
    >>> df = pd.DataFrame({"currency": ["NOK", "NOK", "USD"], "year": [2021, 2021, 2022],
    ...                    "usd_per_unit": [1 / 8.5991, 1 / 8.5991, 1.0]})
    >>> rates_used(df)
    'NOK 2021: 8.5991 NOK per USD (annual average)'
    """
    if "currency" not in adjusted.columns or "usd_per_unit" not in adjusted.columns:
        return ""
    ycol = "year" if "year" in adjusted.columns else "fiscal_year"
    sub = adjusted[adjusted["currency"].astype(str).str.upper() != "USD"]
    if sub.empty:
        return ""
    g = sub.groupby([sub["currency"].astype(str).str.upper(), sub[ycol]])["usd_per_unit"].median()
    return "; ".join(
        f"{c} {int(y)}: {1 / v:.6g} {c} per USD (annual average)" for (c, y), v in g.items()
    )


# --------------------------------------------------------------------------
# Price basis
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceBasisChoice:
    """Which factors match spend of a given price basis, and what to do about it.

    Attributes
    ----------
    spend_basis : str
        ``"purchaser"`` (what a ledger records) or ``"producer"``.
    factor_set : str
        The set asked about.
    factor_column : str
        The factor to use: ``"sef_with_margins"``, ``"sef_without_margins"`` or
        ``"factor_kg_per_usd"`` (the set's only column).
    action : str
        ``"ok"``; ``"switch_set"`` (use :attr:`recommended_set`);
        ``"margins_not_included"`` (use as is and say so);
        ``"apply_margin_ratios"`` (:func:`apply_margin_ratios`, an approximation).
    recommended_set : str
        The set to use.
    note : str
        Sentence for the notebook / report.
    """

    spend_basis: str
    factor_set: str
    factor_column: str
    action: str
    recommended_set: str
    note: str


def price_basis_choice(
    spend_basis: Literal["purchaser", "producer"] = "purchaser",
    factor_set: Any = None,
    *,
    approximate_margins: bool = False,
) -> PriceBasisChoice:
    """State which factor column fits the spend's price basis.

    Parameters
    ----------
    spend_basis : {"purchaser", "producer"}
        Ledgers and surveys record purchaser prices (what the government paid,
        including transport and trade margins).
    factor_set : FactorSet or str, optional
        Default ``"sef_v1.3"``.
    approximate_margins : bool
        For producer-price factors and purchaser spend: recommend
        :func:`apply_margin_ratios` instead of flagging "margins not included".

    Returns
    -------
    PriceBasisChoice
        The factor column to use, the ``action`` (``"ok"``, ``"switch_set"``,
        ``"margins_not_included"`` or ``"apply_margin_ratios"``), the
        recommended set and a sentence (``note``) for the report.

    Examples
    --------
    >>> c = price_basis_choice("purchaser", "sef_v1.3")
    >>> c.factor_column, c.action
    ('sef_with_margins', 'ok')
    >>> price_basis_choice("purchaser", "sef_v1.3_without_margins").recommended_set
    'sef_v1.3'
    >>> price_basis_choice("purchaser", "open_ceda:NOR").action
    'margins_not_included'
    """
    if spend_basis not in ("purchaser", "producer"):
        raise ValueError(f"spend_basis must be 'purchaser' or 'producer', got {spend_basis!r}.")
    fs = factors.load_factor_set(factor_set or factors.DEFAULT_FACTOR_SET)
    sef_layout = "sef_with_margins" in fs.table.columns
    col = "factor_kg_per_usd"
    if fs.price_basis == "purchaser" and sef_layout:
        want = "with" if spend_basis == "purchaser" else "without"
        col = f"sef_{want}_margins"
        if fs.margins == want:
            return PriceBasisChoice(
                spend_basis, fs.name, col, "ok", fs.name,
                f"{spend_basis.capitalize()}-price spend with {fs.name} ({want} margins): consistent.",
            )  # fmt: skip
        rec = (
            fs.name.replace("_without_margins", "")
            if want == "with"
            else fs.name + "_without_margins"
        )
        return PriceBasisChoice(
            spend_basis, fs.name, col, "switch_set", rec,
            f"{spend_basis.capitalize()}-price spend needs the '{want} margins' factors; "
            f"{fs.name} is '{fs.margins} margins'. Use {rec!r} "
            + ("(with margins adds transport, wholesale and retail emissions)."
               if want == "with" else "(cradle to factory gate)."),
        )  # fmt: skip
    if fs.price_basis == spend_basis:
        return PriceBasisChoice(
            spend_basis, fs.name, col, "ok", fs.name,
            f"{spend_basis.capitalize()}-price spend with {spend_basis}-price factors ({fs.name}): consistent.",
        )  # fmt: skip
    if spend_basis == "purchaser":  # producer-price factors (e.g. Open CEDA)
        if approximate_margins:
            return PriceBasisChoice(
                spend_basis, fs.name, col, "apply_margin_ratios", fs.name,
                f"{fs.name} is at producer price. APPROXIMATION: each factor is scaled by the SEF "
                "v1.3 ratio (with margins / without margins) of its code (adjust.apply_margin_ratios); "
                "this assumes US margin structures and treats the producer factor as the "
                "'without margins' factor.",
            )  # fmt: skip
        return PriceBasisChoice(
            spend_basis, fs.name, col, "margins_not_included", fs.name,
            f"{fs.name} is at producer price and the spend at purchaser price: transport, "
            "wholesale and retail margins are NOT included, so emissions are understated for "
            "goods. Say so with the results, or use approximate_margins=True.",
        )  # fmt: skip
    return PriceBasisChoice(
        spend_basis, fs.name, col, "switch_set", "sef_v1.3_without_margins",
        f"Producer-price spend with purchaser-price factors {fs.name}: use a producer-price or "
        "'without margins' set.",
    )  # fmt: skip


def apply_margin_ratios(
    lookup_result: pd.DataFrame,
    sef_with: Any = "sef_v1.3",
    sef_without: Any = "sef_v1.3_without_margins",
) -> pd.DataFrame:
    """Scale producer-price factors by SEF margin ratios (approximation, labelled).

    ``factor_purchaser ~= factor_producer x SEF_with / SEF_without`` of the
    same code (NAICS-6, prefix or BEA code, resolved as :func:`factors.lookup`
    does). Codes without a SEF ratio keep their producer factor and are
    flagged "margins not included".

    Parameters
    ----------
    lookup_result : DataFrame
        Output of :func:`cohort_helpers.factors.lookup` on a producer-price set.

    Returns
    -------
    DataFrame
        A copy with ``factor_producer_kg_per_usd``, ``margin_ratio``, the
        scaled ``factor_kg_per_usd``, ``price_basis`` ``"purchaser (approx.)"``
        and the approximation stated in ``flag``.

    Examples
    --------
    >>> r = factors.lookup(["327310"], "open_ceda:NOR")  # doctest: +SKIP
    >>> apply_margin_ratios(r)["margin_ratio"].round(3).item()  # doctest: +SKIP
    1.02
    """
    need = {"code", "factor_kg_per_usd", "flag"}
    if not need <= set(lookup_result.columns):
        raise KeyError(f"apply_margin_ratios needs factors.lookup output (columns {sorted(need)}).")
    codes = lookup_result["code"]
    w = factors.lookup(codes, sef_with, errors="ignore")["factor_kg_per_usd"].to_numpy()
    wo = factors.lookup(codes, sef_without, errors="ignore")["factor_kg_per_usd"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(wo > 0, w / wo, np.nan)
    out = lookup_result.copy()
    out["factor_producer_kg_per_usd"] = out["factor_kg_per_usd"]
    out["margin_ratio"] = ratio
    has = np.isfinite(ratio)
    out["factor_kg_per_usd"] = np.where(
        has, out["factor_kg_per_usd"] * np.where(has, ratio, 1), out["factor_kg_per_usd"]
    )
    out["price_basis"] = np.where(has, "purchaser (approx.)", out["price_basis"])
    label_ok = "APPROXIMATION: producer factor x SEF v1.3 margin ratio (with/without margins)"
    label_no = "no SEF margin ratio for this code: margins not included"
    out["flag"] = np.where(has, label_ok, label_no)
    out.attrs.update(
        lookup_result.attrs, price_basis="purchaser (approx.)", margin_approximation=label_ok
    )
    return out


# --------------------------------------------------------------------------
# From total payments to factor-ready spend (Session 3)
# --------------------------------------------------------------------------



def factor_ready_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """The included lines, with ``year``: the calendar year whose prices apply.

    Price indices and exchange rates are annual, so each line is adjusted
    from the calendar year of its payment date (as
    :func:`cohort_helpers.inventory.compute_emissions` does), or its fiscal
    year when a date is missing.

    Parameters
    ----------
    lines : DataFrame
        ``inv.lines``: ``status``, and ``date`` and/or ``fiscal_year``.

    Returns
    -------
    DataFrame
        A copy of the lines with ``status == "included"`` (their own index),
        with an added int column ``year``.

    Raises
    ------
    KeyError
        When ``lines`` has no ``status`` column.

    Examples
    --------
    >>> lines = pd.DataFrame({"status": ["included", "excluded"], "amount": [10.0, 5.0],
    ...     "fiscal_year": [2023, 2023], "date": pd.to_datetime(["2022-08-01", "2023-01-05"])})
    >>> factor_ready_lines(lines)["year"].tolist()
    [2022]
    """
    if "status" not in lines.columns:
        raise KeyError("factor_ready_lines needs the inventory's lines (inv.lines, with 'status').")
    out = lines[lines["status"] == "included"].copy()
    if "date" in out.columns:
        year = out["date"].dt.year
        if "fiscal_year" in out.columns:
            year = year.fillna(out["fiscal_year"])
    else:
        year = out["fiscal_year"]
    out["year"] = pd.to_numeric(year).astype(int)
    return out


def _group_key(df: pd.DataFrame, by: Any) -> Any:
    if by is None:
        return pd.Series("total", index=df.index)
    if callable(by):
        return by(df)
    cols = [by] if isinstance(by, str) else list(by)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"No column(s) {missing} to group by; the table has {list(df.columns)}.")
    return [df[c] for c in cols] if len(cols) > 1 else df[cols[0]]


def compare_price_methods(
    lines: pd.DataFrame,
    by: Any = None,
    *,
    factor_set: Any = None,
    rates: Any = None,
    cpi: Any = None,
    index: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The same spend in factor-year dollars with the BEA sector index and with CPI-U.

    Each included line is converted (currency at the spend year's annual
    average) and moved to the factor set's dollar year twice, with
    ``method="bea"`` and ``method="cpi_u"`` (:func:`to_factor_dollars`), and
    multiplied by its factor (``factor_kg_per_usd``, already on the lines).

    Parameters
    ----------
    lines : DataFrame
        ``inv.lines`` (or :func:`factor_ready_lines` of them): needs
        ``status``, ``amount``, ``currency``, ``bea_code``,
        ``factor_kg_per_usd`` and a date or fiscal year.
    by : str, list of str, callable or None
        Grouping column(s) (e.g. ``"scope3_category"``), a function of the
        lines returning a key, or ``None`` for one row ``"total"``.
    factor_set : optional
        Whose dollar year to move to (default ``"sef_v1.3"``, 2022).

    Returns
    -------
    DataFrame
        Per group: ``spend_bea``, ``spend_cpi`` (factor-year USD), ``t_bea``,
        ``t_cpi`` (t CO2e), ``diff_t`` (CPI-U minus BEA) and ``diff_pct``
        (in % of the BEA result), sorted by ``t_bea``.

    Examples
    --------
    >>> t = compare_price_methods(inv.lines, "scope3_category")  # doctest: +SKIP
    >>> t.loc[1, "diff_pct"]  # doctest: +SKIP
    """
    fr = (
        lines
        if "year" in lines.columns and (lines["status"] == "included").all()
        else (factor_ready_lines(lines))
    )
    need = {"amount", "bea_code", "factor_kg_per_usd"}
    if not need <= set(fr.columns):
        raise KeyError(
            f"compare_price_methods needs {sorted(need)} on the lines: use inv.lines of an "
            "inventory (inventory.member_inventory)."
        )
    fr = fr[fr["factor_kg_per_usd"].notna()]
    frame = pd.DataFrame(
        {
            "amount": fr["amount"].astype(float),
            "currency": fr["currency"].fillna("USD").astype(str) if "currency" in fr else "USD",
            "year": fr["year"].astype(int),
            "bea_code": fr["bea_code"].astype(str),
        },
        index=fr.index,
    )
    factor = fr["factor_kg_per_usd"].to_numpy(dtype=float)
    res = {}
    for m in ("bea", "cpi_u"):
        adj = to_factor_dollars(
            frame, factor_set, rates=rates, method=m, year_col="year", index=index, cpi=cpi
        )
        res[m] = adj["amount_adjusted"].to_numpy(dtype=float)
    parts = pd.DataFrame(
        {
            "spend_bea": res["bea"],
            "spend_cpi": res["cpi_u"],
            "t_bea": res["bea"] * factor / 1000,
            "t_cpi": res["cpi_u"] * factor / 1000,
        },
        index=fr.index,
    )
    out = parts.groupby(_group_key(fr, by), sort=False).sum()
    out["diff_t"] = out["t_cpi"] - out["t_bea"]
    out["diff_pct"] = np.where(out["t_bea"] != 0, out["diff_t"] / out["t_bea"] * 100, np.nan)
    fs = factors.load_factor_set(factor_set or factors.DEFAULT_FACTOR_SET)
    out.attrs.update(price_year=fs.dollar_year, factor_set=fs.name)
    return out.sort_values("t_bea", ascending=False)


def price_ratio_example(bea_code: str, year: int, to_year: int = 2022) -> pd.DataFrame:
    """The two price ratios for one sector and year, with the index values behind them.

    Parameters
    ----------
    bea_code : str
        A BEA detail code (``"327310"``) or a composite code listing several
        (then the BEA row shows the ratio on a base of 100).
    year : int
        The spend year.
    to_year : int
        The factor dollar year.

    Returns
    -------
    DataFrame
        Rows ``"BEA sector index"`` and ``"CPI-U"`` (index ``method``); columns
        ``index_year`` (the index in ``year``), ``index_to_year`` and ``ratio``
        (``index_to_year / index_year``).

    Examples
    --------
    >>> price_ratio_example("327310", 2019).round(4)  # doctest: +NORMALIZE_WHITESPACE
                      index_year  index_to_year   ratio
    method
    BEA sector index     104.923        121.061  1.1538
    CPI-U                255.657        292.655  1.1447
    """
    wide = price_index_table()
    code = str(bea_code)
    if code in wide.index:
        b_from, b_to = float(wide.at[code, int(year)]), float(wide.at[code, int(to_year)])
    else:  # a composite code: its ratio only
        r = float(price_index_ratio([code], int(year), int(to_year)).item())
        b_from, b_to = 100.0, 100.0 * r
    cpi = cpi_u()
    c_from, c_to = float(cpi.loc[int(year)]), float(cpi.loc[int(to_year)])
    return pd.DataFrame(
        {
            "index_year": [b_from, c_from],
            "index_to_year": [b_to, c_to],
            "ratio": [b_to / b_from, c_to / c_from],
        },
        index=pd.Index(["BEA sector index", "CPI-U"], name="method"),
    )


#: The factor choices compared by :func:`compare_factor_sets` by default:
#: (label, factor set, approximate margins?).
FACTOR_CHOICES: tuple[tuple[str, str, bool], ...] = (
    ("EPA SEF v1.3 with margins (purchaser price)", "sef_v1.3", False),
    ("EPA SEF v1.3 without margins (factory gate)", "sef_v1.3_without_margins", False),
    ("Open CEDA Norway, margins not included", "open_ceda:NOR", False),
    ("Open CEDA Norway x SEF margin ratios (approx.)", "open_ceda:NOR", True),
)


def compare_factor_sets(
    lines: pd.DataFrame,
    choices: Any = FACTOR_CHOICES,
    *,
    code_col: str = "naics6",
    rates: Any = None,
    price_method: Method = "bea",
) -> pd.DataFrame:
    """The same included lines with several factor sets, each with its own currency rule.

    Every choice converts the lines with :func:`to_factor_dollars` (US sets:
    annual average rate then the US price index; country sets such as
    ``open_ceda:NOR``: spend year's rate, then CPI-U), looks up the factor of each line's
    ``code_col`` and multiplies. ``approximate margins`` applies
    :func:`apply_margin_ratios` to the looked-up factors.

    Parameters
    ----------
    lines : DataFrame
        ``inv.lines`` or :func:`factor_ready_lines` of them (``amount``,
        ``currency``, a date or year, ``naics6``; ``bea_code`` for the BEA index).
    choices : sequence of (label, factor set, approximate_margins)
        Default :data:`FACTOR_CHOICES`.

    Returns
    -------
    DataFrame
        One row per choice (index ``label``): ``factor_set``,
        ``currency_rule``, ``price_basis``, ``spend_usd`` (factor-year USD of
        the lines with a factor), ``t_co2e``, ``kg_per_usd``,
        ``vs_first_pct`` (change against the first choice), ``no_factor``
        (ledger-currency spend without a factor in that set, left out),
        ``attribution`` and ``note``.

    Examples
    --------
    >>> compare_factor_sets(inv.lines)[["t_co2e", "vs_first_pct"]]  # doctest: +SKIP
    """
    fr = (
        lines
        if "year" in lines.columns and (lines["status"] == "included").all()
        else (factor_ready_lines(lines))
    )
    if code_col not in fr.columns:
        raise KeyError(
            f"No column {code_col!r} with the lines' codes; columns: {list(fr.columns)}."
        )
    codes = fr[code_col].astype(str).reset_index(drop=True)
    # capital (category 2) lines average coarse codes with the investment weights, as the
    # inventory does (factors.lookup)
    category = (
        fr["scope3_category"].reset_index(drop=True) if "scope3_category" in fr.columns else None
    )
    rows = []
    for label, set_name, approx in choices:  # a handful of factor sets, not lines
        fs = factors.load_factor_set(set_name)
        found = factors.lookup(codes, fs, category=category, errors="ignore")
        if approx:
            found = apply_margin_ratios(found)
        factor = found["factor_kg_per_usd"].to_numpy(dtype=float)
        frame = pd.DataFrame(
            {
                "amount": fr["amount"].to_numpy(dtype=float),
                "currency": fr["currency"].fillna("USD").astype(str).to_numpy()
                if "currency" in fr
                else "USD",
                "year": fr["year"].to_numpy(dtype=int),
                "bea_code": fr["bea_code"].astype(str).to_numpy()
                if "bea_code" in fr
                else found["bea_code"].astype(str).to_numpy(),
            }
        )
        adj = to_factor_dollars(frame, fs, rates=rates, method=price_method, year_col="year")
        spend = adj["amount_adjusted"].to_numpy(dtype=float)
        has = np.isfinite(factor)
        kg = float((spend[has] * factor[has]).sum())
        usd = float(spend[has].sum())
        basis = price_basis_choice("purchaser", fs, approximate_margins=approx)
        rows.append(
            {
                "label": label,
                "factor_set": fs.name,
                "currency_rule": adj.attrs["currency_rule"],
                "price_basis": "purchaser (approx.), with margins"
                if approx
                else f"{fs.price_basis}, {fs.margins} margins",
                "spend_usd": usd,
                "t_co2e": kg / 1000,
                "kg_per_usd": kg / usd if usd else np.nan,
                "no_factor": float(frame.loc[~has, "amount"].sum()),
                "attribution": fs.attribution,
                "note": basis.note if basis.action != "ok" else adj.attrs["note"],
            }
        )
    out = pd.DataFrame(rows).set_index("label")
    first = out["t_co2e"].iloc[0]
    out.insert(6, "vs_first_pct", (out["t_co2e"] / first - 1) * 100 if first else np.nan)
    out.attrs["attributions"] = sorted({a for a in out["attribution"] if a})
    return out


# --------------------------------------------------------------------------
# One inventory under two factor sets
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SetComparison:
    """An inventory's lines under two factor sets (:func:`compare_inventories`).

    Attributes
    ----------
    table : DataFrame
        Per group (default Scope 3 category) and a ``total`` row: ``t_<set>``
        for each set present, ``change_pct`` (second against first) and
        ``spend`` (ledger currency) of the included lines.
    reasons : DataFrame
        Per aspect (``GWP set``, ``dollar year``, ``data year``, ``price basis``,
        ``currency rule``, ``codes without a factor``): the value under each set
        and what it does to the result.
    absent : dict
        Set name -> why it is not compared (no file: where to get it).
    attributions : list of str
        Show these with the results ("CEDA by Watershed" for Open CEDA).
    """

    table: pd.DataFrame
    reasons: pd.DataFrame
    absent: dict
    attributions: list

    def summary(self) -> str:
        """A few sentences for a notebook.

        Examples
        --------
        >>> print(cmp.summary())  # doctest: +SKIP
        """
        cols = [c for c in self.table.columns if c.startswith("t_")]
        tot = self.table.loc["total"]
        if len(cols) < 2:
            have = "".join(f"Total {tot[c]:,.1f} t CO2e with {c[2:]}. " for c in cols)
            return have + " ".join(f"{k} is not compared: {v}" for k, v in self.absent.items())
        text = (
            f"Total {tot[cols[0]]:,.1f} t CO2e with {cols[0][2:]} and {tot[cols[1]]:,.1f} t with "
            f"{cols[1][2:]} ({tot['change_pct']:+.1f}%). Reasons: "
            + "; ".join(f"{a}: {r['effect']}" for a, r in self.reasons.iterrows() if r["effect"])
            + "."
        )
        if self.absent:
            text += " " + " ".join(f"{k} is not compared: {v}" for k, v in self.absent.items())
        if self.attributions:
            text += " Attribution: " + "; ".join(self.attributions) + "."
        return text


def _set_emissions(
    fr: pd.DataFrame, fs: Any, rates: Any, price_method: Method
) -> tuple[pd.Series, float, str, str]:
    """kg CO2e per line of factor-ready lines under one set (NaN without a factor)."""
    cat = fr["scope3_category"].reset_index(drop=True) if "scope3_category" in fr else None
    found = factors.lookup(
        fr["naics6"].astype(str).reset_index(drop=True), fs, category=cat, errors="ignore"
    )
    factor = found["factor_kg_per_usd"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "amount": fr["amount"].to_numpy(dtype=float),
            "currency": fr["currency"].fillna("USD").astype(str).to_numpy()
            if "currency" in fr
            else "USD",
            "year": fr["year"].to_numpy(dtype=int),
            "bea_code": found["bea_code"].astype(str).to_numpy(),
        }
    )
    has = np.isfinite(factor)
    adj = to_factor_dollars(frame[has], fs, rates=rates, method=price_method, year_col="year")
    kg = np.full(len(frame), np.nan)
    kg[has] = adj["amount_adjusted"].to_numpy(dtype=float) * factor[has]
    missing = float(frame.loc[~has, "amount"].sum())
    return pd.Series(kg, index=fr.index), missing, adj.attrs["currency_rule"], adj.attrs["note"]


def compare_inventories(
    lines: pd.DataFrame,
    sets: tuple[str, str] = ("sef_v1.3", "sef-1.4"),
    *,
    by: str = "scope3_category",
    rates: Any = None,
    price_method: Method = "bea",
) -> SetComparison:
    """The included lines of an inventory under two factor sets, side by side, with reasons.

    Each set converts the spend to its own dollar year (US sets: spend year's
    rate, then the BEA index; country sets: see :func:`to_factor_dollars`)
    and looks up its own factors (coarse codes with government weights). A
    set whose file is not in the data folder is reported in ``absent`` (with
    where to get it), never an error.

    Parameters
    ----------
    lines : DataFrame
        ``inv.lines`` (status, naics6, amount, currency, date or fiscal_year,
        scope3_category).
    sets : (str, str)
        Factor-set names (``"open_ceda_2024:NOR"`` for a country row).
    by : str
        Column of ``lines`` to group by (one ``"all"`` group when it is absent).
    rates : see :func:`normalise_rates`, optional
        Exchange rates; default :func:`exchange_rates`.
    price_method : {"bea", "cpi_u"}
        Price-year adjustment of the US sets (see :func:`to_factor_dollars`).

    Returns
    -------
    SetComparison
        ``table`` (spend, ``t_<set>`` and ``change_pct`` per group and in a
        ``total`` row), ``reasons`` (per aspect: each set's value and its
        effect), ``absent`` (set -> why it is not compared) and
        ``attributions``.

    Examples
    --------
    >>> lines = pd.DataFrame({"status": ["included", "included", "excluded"],
    ...     "naics6": ["327310", "541330", "327310"], "amount": [1000.0, 2000.0, 50.0],
    ...     "currency": "USD", "scope3_category": 1,
    ...     "date": pd.to_datetime(["2021-05-01", "2022-03-01", "2022-01-01"])})
    >>> cmp = compare_inventories(lines, ("sef_v1.3", "sef_v1.3_without_margins"))
    >>> cmp.table.loc["total"].round(2).tolist()
    [3000.0, 4.51, 4.43, -1.9]
    >>> cmp.reasons.loc["price basis", "effect"]
    'producer-price factors leave out trade and transport margins'
    """
    fr = factor_ready_lines(lines)
    loaded, absent = {}, {}
    for name in sets:
        try:
            loaded[name] = factors.load_factor_set(name)
        except (data.DataNotFoundError, data.DataFormatError) as exc:
            first = str(exc).splitlines()
            where = next((x for x in first if x.startswith("Get it from")), first[0])
            absent[name] = f"its file is not in the data folder ({data.DATA_ENV}). {where}"
        except KeyError as exc:  # e.g. no such country row
            absent[name] = str(exc.args[0] if exc.args else exc)
    groups = fr[by].astype("string").fillna("<none>") if by in fr else pd.Series("all", fr.index)
    table = pd.DataFrame(index=pd.Index(sorted(groups.unique()), name=by))
    table["spend"] = fr.groupby(groups)["amount"].sum()
    info = {}
    for name, fs in loaded.items():
        kg, missing, rule, note = _set_emissions(fr, fs, rates, price_method)
        table[f"t_{name}"] = kg.groupby(groups).sum(min_count=1) / 1000
        info[name] = (fs, missing, rule, note)
    table.loc["total"] = table.sum(numeric_only=True)
    tcols = [c for c in table.columns if c.startswith("t_")]
    table["change_pct"] = (
        (table[tcols[1]] / table[tcols[0]] - 1) * 100 if len(tcols) == 2 else np.nan
    )
    rows = []
    if len(info) == 2:
        (a, ma, ra, notea), (b, mb, rb, noteb) = info.values()
        cpi = cpi_u()
        rows.append(
            (
                "GWP set",
                a.gwp,
                b.gwp,
                ""
                if a.gwp.split()[0] == b.gwp.split()[0]
                else f"{a.gwp} vs {b.gwp}: the same gases weigh differently in CO2e "
                "(methane and N2O GWP-100 values changed between IPCC reports)",
            )
        )
        dy = ""
        if a.dollar_year != b.dollar_year and {a.dollar_year, b.dollar_year} <= set(cpi.index):
            r = cpi[b.dollar_year] / cpi[a.dollar_year]
            dy = (
                f"spend is expressed in {b.dollar_year} USD instead of {a.dollar_year} USD: "
                f"x{r:.3f} by CPI-U, and each factor per dollar is lower by about the same"
            )
        rows.append(("dollar year", a.dollar_year, b.dollar_year, dy))
        rows.append(
            (
                "data year",
                a.data_year or "not stated",
                b.data_year or "not stated",
                ""
                if a.data_year == b.data_year
                else "not stated for one or both sets"
                if "not stated" in f"{a.data_year} {b.data_year}"
                else "emissions and economy of different years",
            )
        )
        rows.append(
            (
                "price basis",
                f"{a.price_basis}, {a.margins} margins",
                f"{b.price_basis}, {b.margins} margins",
                ""
                if (a.price_basis, a.margins) == (b.price_basis, b.margins)
                else "producer-price factors leave out trade and transport margins",
            )
        )
        rows.append(("currency rule", notea, noteb, "" if ra == rb else f"{ra} vs {rb}"))
        rows.append(
            (
                "codes without a factor",
                f"{ma:,.2f} (ledger currency) left out",
                f"{mb:,.2f} (ledger currency) left out",
                "" if ma == mb else "different coverage of the codes",
            )
        )
    names = list(info) if len(info) == 2 else []
    reasons = pd.DataFrame(rows, columns=["aspect", *names, "effect"]).set_index("aspect")
    attributions = sorted({fs.attribution for fs, *_ in info.values() if "CEDA" in fs.attribution})
    return SetComparison(table=table, reasons=reasons, absent=absent, attributions=attributions)
