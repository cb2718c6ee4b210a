"""Session 5: round robin, benchmarks, year-over-year drivers, anonymous sharing.

Pure functions on labelled pandas objects:

- :func:`normalise`: members' totals per resident, per employee, per million
  USD (and per million of the member's own currency, e.g. NOK);
- :func:`explain_position`: why a member's per-resident emissions differ from
  the cohort's: *size* (spend per resident), *mix* (category shares) and
  *intensity* (kg per USD within categories), an exact decomposition;
- :func:`benchmarks` and :func:`compare_to_benchmarks`: published figures,
  converted with exchange rates that the caller gives, with their caveats;
- :func:`decompose_yoy`: a year-over-year change split exactly into volume,
  mix, price and factor effects;
- :func:`anonymise`: a table safe to share with the cohort;
- :func:`joint_agreement_share`: share of spend bought through joint
  agreements (Norwegian procurement cooperations);
- :class:`CohortResults`: every member-year computed with the same settings
  (factor set, price year, exclusions), with the comparisons above as
  methods; made (and cached on disk) by
  :func:`cohort_helpers.cohort_runner.cohort_results`.

Both decompositions are *Shapley* decompositions of a product of factors per
category: each factor's effect is its change weighted over every order in
which the factors could change. The effects add up exactly to the change
(up to floating-point rounding), and a category that exists in only one of
the two tables is handled without special cases (its share is 0 there). Log
mean (LMDI) methods cannot do that: they take logarithms of zeros.

Examples
--------
>>> import pandas as pd
>>> y0 = pd.DataFrame({"nominal_spend": [100.0], "spend_factor_usd": [100.0],
...                    "t_co2e": [50.0]}, index=["327320"])
>>> y1 = y0 * 2
>>> d = decompose_yoy(y0, y1)
>>> round(d.volume, 6), d.mix, d.price, d.factor
(50.0, 0.0, 0.0, 0.0)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from . import data, paths, safe_files
from .adjust import exchange_rates
from .plots import Chart, bar, waterfall

__all__ = [
    "BENCHMARK_COLUMNS",
    "normalise",
    "Position",
    "explain_position",
    "benchmarks",
    "compare_to_benchmarks",
    "YoYDecomposition",
    "decompose_yoy",
    "anonymise",
    "joint_agreement_share",
    "CohortResults",
    "CATEGORY_COLUMNS",
    "MEMBER_YEAR_COLUMNS",
]


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} needs the column(s) {missing}; it has {list(map(str, frame.columns))}."
        )


def _shapley_product(x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Shapley effects of each factor on ``prod(x1) - prod(x0)``, column by column.

    ``x0`` and ``x1`` have shape (k factors, n categories). Returns shape
    (k, n); summing over the factors gives ``prod(x1) - prod(x0)`` for every
    category. A factor that does not change gets exactly 0.
    """
    k, n = x0.shape
    out = np.zeros((k, n))
    for i in range(k):
        others = [j for j in range(k) if j != i]
        acc = np.zeros(n)
        for r in range(k):
            w = math.factorial(r) * math.factorial(k - r - 1) / math.factorial(k)
            for changed in combinations(others, r):
                term = np.ones(n)
                for j in others:
                    term = term * (x1[j] if j in changed else x0[j])
                acc = acc + w * term
        # where only factor i changes, every term equals the product of the others:
        # use it directly so a pure change is attributed exactly (no weight rounding)
        same = np.all(x0[others] == x1[others], axis=0)
        acc = np.where(same, np.prod(x0[others], axis=0), acc)
        out[i] = (x1[i] - x0[i]) * acc
    return out


def _readable_axis(chart: Chart, axis: str = "x") -> Chart:
    """Plain tick labels with decimals when the values are small (the shared
    charts format ticks as whole numbers, which turns 0.25 and 0.5 into 0)."""
    from matplotlib.ticker import ScalarFormatter

    for ax in chart.fig.axes:
        target = ax.xaxis if axis == "x" else ax.yaxis
        lo, hi = ax.get_xlim() if axis == "x" else ax.get_ylim()
        if max(abs(lo), abs(hi)) < 100:
            target.set_major_formatter(ScalarFormatter())
    return chart


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den where den != 0, else NaN (filled later by the caller)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)


def _borrow(a: np.ndarray, b: np.ndarray, default: float) -> tuple[np.ndarray, np.ndarray]:
    """Fill undefined (NaN) ratios from the other table, else with ``default``.

    An undefined ratio only occurs where its category's product is 0 anyway,
    so the choice changes no total; borrowing puts no spurious effect on the
    ratio itself (the change shows up in volume or mix instead).
    """
    a2 = np.where(np.isnan(a), b, a)
    b2 = np.where(np.isnan(b), a, b)
    return np.nan_to_num(a2, nan=default), np.nan_to_num(b2, nan=default)


# --------------------------------------------------------------------------
# normalisation
# --------------------------------------------------------------------------


def normalise(
    results: pd.DataFrame,
    profiles: pd.DataFrame,
    *,
    currency: str = "currency",
    local_spend: str = "spend_local",
) -> pd.DataFrame:
    """Members' emissions per resident, per employee and per million of spend.

    Parameters
    ----------
    results : DataFrame
        One row per member (and optionally per ``year``) with ``member``,
        ``t_co2e`` and ``spend_usd`` (factor-year USD, what the factors were
        applied to). Optional: a ``currency`` column (ISO code of the member's
        ledger, e.g. ``NOK``) and ``spend_local`` (the spend in that currency,
        nominal, as in the ledger).
    profiles : DataFrame
        ``member``, ``population`` (residents), ``employees`` (the
        government's staff); with a ``year`` column when ``results`` has one
        and profiles change by year.
    currency, local_spend : str
        Names of the currency and local-spend columns in ``results``.

    Returns
    -------
    DataFrame
        Indexed by ``member`` (and ``year``): ``t_co2e``, ``spend_usd``,
        ``population``, ``employees``, ``t_per_resident``, ``t_per_employee``,
        ``t_per_usd_million``; when a currency column is given also
        ``currency``, ``spend_local`` and ``t_per_local_million`` (t CO2e per
        million of the member's own currency, so NOK members get t per NOK
        million; NaN where the local spend is missing). For USD members
        without a local spend, ``spend_local`` is taken as ``spend_usd``.

    Raises
    ------
    ValueError
        Missing columns, members without a profile, duplicated profiles, or a
        population or staff count that is not positive.

    Notes
    -----
    ``t_per_usd_million`` uses factor-year (e.g. 2022) USD, so it is
    comparable across members whatever their currency. ``t_per_local_million``
    uses nominal spend of the member's own year and currency: compare it only
    with figures in the same currency and similar years.

    Examples
    --------
    >>> r = pd.DataFrame({"member": ["a", "b"], "t_co2e": [1000.0, 500.0],
    ...                   "spend_usd": [2e6, 1e6], "currency": ["USD", "NOK"],
    ...                   "spend_local": [2e6, 9.6e6]})
    >>> p = pd.DataFrame({"member": ["a", "b"], "population": [10000, 2500],
    ...                   "employees": [200, 100]})
    >>> n = normalise(r, p)
    >>> float(n.loc["a", "t_per_resident"]), float(n.loc["b", "t_per_employee"])
    (0.1, 5.0)
    >>> round(float(n.loc["b", "t_per_local_million"]), 2)
    52.08
    """
    _require(results, ["member", "t_co2e", "spend_usd"], "results")
    _require(profiles, ["member", "population", "employees"], "profiles")
    keys = ["member"] + (["year"] if "year" in results and "year" in profiles else [])
    dup = profiles.duplicated(keys)
    if dup.any():
        raise ValueError(
            f"profiles has more than one row for {profiles.loc[dup, keys].iloc[0].tolist()}; "
            f"expected one row per {' and '.join(keys)}."
        )
    merged = results.merge(
        profiles[keys + ["population", "employees"]], on=keys, how="left", indicator=True
    )
    lost = merged["_merge"] != "both"
    if lost.any():
        raise ValueError(
            "No profile (population, employees) for: "
            f"{sorted(set(merged.loc[lost, 'member'].astype(str)))}; add them to profiles."
        )
    merged = merged.drop(columns="_merge")
    for col in ("population", "employees"):
        vals = pd.to_numeric(merged[col], errors="coerce")
        # unknown (blank) is allowed, e.g. a workspace member that gave no staff count:
        # its ratio is NaN; a figure that is there must be positive
        bad = vals.notna() & ~(vals > 0)
        if bad.any():
            raise ValueError(
                f"{col} must be a positive number; got {merged.loc[bad, col].iloc[0]!r} "
                f"for member {merged.loc[bad, 'member'].iloc[0]!r}."
            )
        merged[col] = vals.astype(float)
    t = merged["t_co2e"].astype(float)
    out = pd.DataFrame(
        {
            "t_co2e": t,
            "spend_usd": merged["spend_usd"].astype(float),
            "population": merged["population"],
            "employees": merged["employees"],
        }
    )
    out["t_per_resident"] = t / out["population"]
    out["t_per_employee"] = t / out["employees"]
    out["t_per_usd_million"] = t / out["spend_usd"].where(out["spend_usd"] != 0) * 1e6
    if currency in merged:
        cur = merged[currency].astype("string").str.upper()
        if local_spend in merged:
            local = pd.to_numeric(merged[local_spend], errors="coerce").astype(float)
        else:
            local = pd.Series(np.nan, index=merged.index)
        local = local.where(local.notna() | (cur != "USD").fillna(True), out["spend_usd"])
        out["currency"] = cur
        out["spend_local"] = local
        out["t_per_local_million"] = t / local.where(local != 0) * 1e6
    out.index = pd.MultiIndex.from_frame(merged[keys]) if len(keys) > 1 else merged["member"]
    return out


# --------------------------------------------------------------------------
# where a member sits, and why
# --------------------------------------------------------------------------


@dataclass
class Position:
    """Exact decomposition of a member's per-resident emissions vs the cohort's.

    ``difference = size + mix + intensity`` (t CO2e per resident).

    Attributes
    ----------
    member_t_per_resident, cohort_t_per_resident, difference : float
    size : float
        Effect of spending more or less per resident.
    mix : float
        Effect of spending a different share in each category.
    intensity : float
        Effect of different kg CO2e per USD within the same categories
        (different factors, suppliers or sub-categories).
    by_category : DataFrame
        The three effects per category (index = category), with ``total``.
    """

    member_t_per_resident: float
    cohort_t_per_resident: float
    difference: float
    size: float
    mix: float
    intensity: float
    by_category: pd.DataFrame

    @property
    def effects(self) -> pd.Series:
        """The three effects as a Series (t CO2e per resident).

        Returns
        -------
        Series
            ``size``, ``mix``, ``intensity``; they add up to :attr:`difference`.

        Examples
        --------
        >>> pos = CohortResults.example().position("a")
        >>> pos.effects.round(4).to_dict()
        {'size': -0.0111, 'mix': 0.0082, 'intensity': 0.0021}
        """
        return pd.Series(
            {"size": self.size, "mix": self.mix, "intensity": self.intensity},
            name="t_per_resident",
        )

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {v:+.3f}" for k, v in self.effects.items())
        return (
            f"Member {self.member_t_per_resident:.3f} t per resident vs cohort "
            f"{self.cohort_t_per_resident:.3f} ({self.difference:+.3f}): {parts}."
        )

    def chart(self, member: str = "Member") -> Chart:
        """Waterfall from the cohort value through the three effects to the member's.

        Parameters
        ----------
        member : str
            The member's name, for the title and caption.

        Returns
        -------
        Chart

        Examples
        --------
        >>> chart = CohortResults.example().position("a").chart("Town A")
        >>> chart.caption.startswith("Town A: 0.04 t CO2e per resident")
        True
        """
        steps = pd.Series(
            {
                "Cohort": self.cohort_t_per_resident,
                "Size (spend per resident)": self.size,
                "Mix (category shares)": self.mix,
                "Intensity (kg per USD)": self.intensity,
            }
        )
        return _readable_axis(
            waterfall(
                steps,
                unit="t CO2e per resident",
                title=f"Why {member} differs from the cohort",
                caption=(
                    f"{member}: {self.member_t_per_resident:.2f} t CO2e per resident vs the cohort's "
                    f"{self.cohort_t_per_resident:.2f}, split into size, mix and intensity effects."
                ),
                total_label=member,
            ),
            "y",
        )


def explain_position(
    member_summary: pd.DataFrame,
    cohort_summary: pd.DataFrame,
    *,
    member_population: float,
    cohort_population: float,
) -> Position:
    """Why a member's per-resident emissions differ from the cohort's.

    Per-resident emissions are, summed over categories *c*::

        E / P = (S / P) * sum_c (S_c / S) * (E_c / S_c)
              =  size   * sum_c  share_c  *  intensity_c

    The difference member minus cohort is split per category with the Shapley
    decomposition over these three factors, then summed: exact, and a
    category that only one side buys from is handled (its share is 0 there;
    its intensity is taken from the other side, so it counts as mix).

    Parameters
    ----------
    member_summary, cohort_summary : DataFrame
        :func:`cohort_helpers.inventory.summarise` output (index = category,
        with ``spend_usd`` and ``t_co2e``). For the cohort use the sum over
        all members (with the cohort's total population), or an average
        member (with the average population).
    member_population, cohort_population : float
        Residents behind each summary.

    Returns
    -------
    Position

    Examples
    --------
    >>> cohort = pd.DataFrame({"spend_usd": [100.0, 100.0], "t_co2e": [50.0, 10.0]},
    ...                       index=["327320", "541611"])
    >>> member = pd.DataFrame({"spend_usd": [100.0, 100.0], "t_co2e": [50.0, 10.0]},
    ...                       index=["327320", "541611"])
    >>> pos = explain_position(member, cohort, member_population=100, cohort_population=200)
    >>> round(pos.size, 6), pos.mix, pos.intensity
    (0.3, 0.0, 0.0)
    """
    for name, s in (("member_summary", member_summary), ("cohort_summary", cohort_summary)):
        _require(s, ["spend_usd", "t_co2e"], name)
        if s.index.duplicated().any():
            raise ValueError(f"{name} has duplicated categories; summarise it by category first.")
    for name, p in (
        ("member_population", member_population),
        ("cohort_population", cohort_population),
    ):
        if not (p > 0):
            raise ValueError(f"{name} must be a positive number of residents; got {p!r}.")
    m = member_summary[["spend_usd", "t_co2e"]].astype(float)
    c = cohort_summary[["spend_usd", "t_co2e"]].astype(float)
    m.index = m.index.astype(str)
    c.index = c.index.astype(str)
    cats = c.index.union(m.index, sort=False)
    m = m.reindex(cats, fill_value=0.0)
    c = c.reindex(cats, fill_value=0.0)
    factors = []
    for frame, pop, label in ((c, cohort_population, "cohort"), (m, member_population, "member")):
        spend = frame["spend_usd"].to_numpy()
        total = spend.sum()
        if total <= 0:
            raise ValueError(f"The {label} summary has no positive spend to explain.")
        zero_spend_t = (spend == 0) & (frame["t_co2e"].to_numpy() != 0)
        if zero_spend_t.any():
            raise ValueError(
                f"The {label} summary has emissions without spend in {list(cats[zero_spend_t])}."
            )
        factors.append(
            [
                np.full(len(cats), total / pop),
                spend / total,
                _ratio(frame["t_co2e"].to_numpy(), spend),
            ]
        )
    (a0, b0, i0), (a1, b1, i1) = factors
    i0, i1 = _borrow(i0, i1, 0.0)
    eff = _shapley_product(np.vstack([a0, b0, i0]), np.vstack([a1, b1, i1]))
    table = pd.DataFrame(eff.T, index=cats, columns=["size", "mix", "intensity"])
    table["total"] = table.sum(axis=1)
    mt = float(m["t_co2e"].sum()) / member_population
    ct = float(c["t_co2e"].sum()) / cohort_population
    return Position(
        member_t_per_resident=mt,
        cohort_t_per_resident=ct,
        difference=mt - ct,
        size=float(table["size"].sum()),
        mix=float(table["mix"].sum()),
        intensity=float(table["intensity"].sum()),
        by_category=table,
    )


# --------------------------------------------------------------------------
# benchmarks
# --------------------------------------------------------------------------

#: Columns of the benchmarks table.
BENCHMARK_COLUMNS = [
    "benchmark_id",
    "benchmark",
    "value",
    "low",
    "high",
    "unit",
    "data_year",
    "kind",
    "source",
    "caveats",
]

#: Column renames of the layout of ``datasets/public/benchmarks.csv``.
_PUBLIC_LAYOUT = {"figure": "benchmark_id", "description": "benchmark", "year": "data_year"}


def benchmarks(path: str | Path | None = None) -> pd.DataFrame:
    """Published figures to compare a member against, with their caveats.

    The figures live in one place, ``datasets/public/benchmarks.csv``
    (``figure``, ``description``, ``value``, ``low``, ``high``, ``unit``,
    ``scope``, ``year``, ``source``, ``kind``, ``caveats``); a row without a
    caveat gets its scope as the caveat. Another file given as ``path`` needs
    at least ``value`` (or ``low``/``high``), ``unit`` and a name column
    (``benchmark`` or ``name``); missing optional columns are added empty.

    Units are ``t/<CUR> million``, ``kg/<CUR>`` (CUR = USD, GBP, NOK, ...),
    ``t/resident`` or ``ratio``.

    Parameters
    ----------
    path : str or Path, optional
        A benchmarks file (default: ``datasets/public/benchmarks.csv``).

    Returns
    -------
    DataFrame
        Columns :data:`BENCHMARK_COLUMNS` (then any other columns of the
        file, e.g. ``scope``); ``attrs["source"]`` is the file read.

    Raises
    ------
    FileNotFoundError
        No such file.
    ValueError
        The file lacks the value, unit or name columns.

    Examples
    --------
    >>> b = benchmarks().set_index("benchmark_id")
    >>> b.loc["london_boroughs_intensity", ["value", "low", "high"]].tolist()
    [337.0, 167.0, 674.0]
    >>> b.loc["sef_v13_median", "kind"], b.loc["king_county_dnrp_total", "caveats"]
    ('factor', 'Scope: one county department.')
    """
    if path is None:
        path = paths.datasets_dir() / "public" / "benchmarks.csv"
    if not Path(path).is_file():
        raise FileNotFoundError(
            f"No benchmarks file {str(path)!r}; give the path of a CSV with the columns "
            "value, unit and benchmark (or the layout of datasets/public/benchmarks.csv)."
        )
    table = pd.read_csv(path)
    if "benchmark" not in table and "name" in table:
        table = table.rename(columns={"name": "benchmark"})
    if {"figure", "description"} <= set(table.columns) and "benchmark" not in table:
        table = table.rename(columns=_PUBLIC_LAYOUT)
        scope = table["scope"] if "scope" in table else pd.Series("", index=table.index)
        own = "Scope: " + scope.fillna("").astype(str) + "."
        if "caveats" in table:
            given = table["caveats"].notna() & (table["caveats"] != "")
            own = table["caveats"].where(given, own)
        table["caveats"] = own.fillna("")
        if "kind" not in table:
            table["kind"] = "organisation"
        table["data_year"] = pd.to_numeric(table["data_year"], errors="coerce").astype("Int64")
    has_value = "value" in table or ("low" in table and "high" in table)
    if not (has_value and {"unit", "benchmark"} <= set(table.columns)):
        raise ValueError(
            f"{path} lacks the columns value, unit and benchmark (has {list(table.columns)}); "
            "add them, or use the layout of datasets/public/benchmarks.csv."
        )
    for col in BENCHMARK_COLUMNS:
        if col not in table:
            table[col] = "" if col in ("caveats", "source", "kind") else np.nan
    if table["benchmark_id"].isna().all():
        table["benchmark_id"] = table["benchmark"]
    for col in ("value", "low", "high"):
        table[col] = pd.to_numeric(table[col], errors="coerce")
    table["caveats"] = table["caveats"].fillna("")
    table.attrs["source"] = str(path)
    extra = [c for c in table.columns if c not in BENCHMARK_COLUMNS]
    return table[BENCHMARK_COLUMNS + extra]


_UNIT_RE = re.compile(
    r"^\s*(?P<mass>t|kg)\s*(?:co2e)?\s*(?:/|per)\s*(?P<cur>[a-z]{3})\s*(?P<million>m|million|mn)?\s*$",
    re.IGNORECASE,
)


def _parse_unit(unit: str) -> tuple[str, str | None, float]:
    """(dimension, currency, multiplier to t per currency-million)."""
    u = str(unit).strip()
    low = u.lower().replace("co2e", "").replace(" ", "")
    if low in ("t/resident", "tperresident", "t/capita", "tpercapita"):
        return "per_resident", None, 1.0
    if low in ("ratio", "x"):
        return "ratio", None, 1.0
    m = _UNIT_RE.match(u)
    if not m:
        raise ValueError(
            f"Unknown unit {unit!r}; expected 't/<CUR> million', 'kg/<CUR>' (CUR an ISO "
            "currency code such as USD, GBP, NOK), 't/resident' or 'ratio'."
        )
    mult = (1.0 if m["mass"].lower() == "t" else 1e-3) * (1.0 if m["million"] else 1e6)
    return "intensity", m["cur"].upper(), mult


def _rates_of_year(rates: pd.DataFrame, year: int) -> dict[str, float]:
    """``usd_per_gbp``/``nok_per_usd`` of ``year`` from a table of :func:`adjust.exchange_rates`."""
    row = rates[rates["year"] == year]
    found: dict[str, float] = {}
    for code, key, quote in (("GBP", "usd_per_gbp", "usd_per"), ("NOK", "nok_per_usd", "per_usd")):
        hit = row[row["currency"] == code]
        if len(hit):
            rate = float(hit["rate"].iloc[0])
            found[key] = rate if hit["quote"].iloc[0] == quote else 1 / rate
    return found


def compare_to_benchmarks(
    member_value: float,
    unit: str,
    year: int,
    *,
    usd_per_gbp: float | None = None,
    nok_per_usd: float | None = None,
    table: pd.DataFrame | None = None,
    rates_path: str | Path | None = None,
) -> pd.DataFrame:
    """Put a member's figure beside the published benchmarks of the same kind.

    Benchmarks are converted into the member's unit. Exchange rates are
    never built in: pass them (``usd_per_gbp``, ``nok_per_usd``), or keep
    a ``datasets/public/exchange_rates.csv`` (or give ``rates_path``) with the
    year's rates, in a layout that :func:`cohort_helpers.adjust.exchange_rates`
    reads (e.g. ``year``, ``pair`` such as ``"USD per GBP"``, ``rate``; or
    ``year``, ``currency``, ``units_per_usd``). Arguments win over the file.
    A row that needs a missing rate gets NaN and says which rate to pass.

    Parameters
    ----------
    member_value : float
        The member's figure, e.g. 245.0.
    unit : str
        Its unit: ``t/USD million``, ``kg/USD``, ``t/NOK million``,
        ``t/resident`` or ``ratio``.
    year : int
        The member's data year (selects rates from the file; named in the
        price-year caveat).
    usd_per_gbp, nok_per_usd : float, optional
        Annual average exchange rates to use for every conversion.
    table : DataFrame, optional
        A :func:`benchmarks` table (default: ``benchmarks()``).
    rates_path : str or Path, optional
        An exchange-rates file (default ``datasets/public/exchange_rates.csv``
        when it exists); read only for the rates not given as arguments.

    Returns
    -------
    DataFrame
        One row per comparable benchmark: ``benchmark``, ``value``, ``low``,
        ``high``, ``unit`` (as published), ``value_converted``,
        ``low_converted``, ``high_converted`` (in the member's unit),
        ``member_value``, ``member_unit``, ``member_vs_benchmark`` (ratio),
        ``position`` (below/within/above the published range), ``conversion``
        and ``caveats`` (price year, scope, method, currency).

    Raises
    ------
    ValueError
        An unknown unit, a rate that is not positive, or a rates file in a
        layout :func:`cohort_helpers.adjust.exchange_rates` does not read.

    Examples
    --------
    >>> t = compare_to_benchmarks(300.0, "t/USD million", 2022, usd_per_gbp=1.25)
    >>> t = t.set_index("benchmark_id")
    >>> round(float(t.loc["london_boroughs_intensity", "value_converted"]), 1)
    269.6
    >>> t.loc["london_boroughs_intensity", "position"]
    'within range'
    """
    dim, cur, mult = _parse_unit(unit)
    if table is None:
        table = benchmarks()
    rates: dict[str, float] = {}
    rate_src: dict[str, str] = {}
    if usd_per_gbp is None or nok_per_usd is None:
        if rates_path is None:
            try:
                rates_path = paths.datasets_dir() / "public" / "exchange_rates.csv"
            except FileNotFoundError:
                rates_path = None
        if rates_path is not None and Path(rates_path).is_file():
            rates = _rates_of_year(exchange_rates(rates_path), year)
            rate_src = {k: f"{Path(rates_path).name}, {year}" for k in rates}
    for key, val in (("usd_per_gbp", usd_per_gbp), ("nok_per_usd", nok_per_usd)):
        if val is not None:
            rates[key] = float(val)
            rate_src[key] = "given"
    for key, val in rates.items():
        if not (val > 0):
            raise ValueError(f"{key} must be a positive exchange rate; got {val!r}.")
    usd_per = {"USD": 1.0}
    if "usd_per_gbp" in rates:
        usd_per["GBP"] = rates["usd_per_gbp"]
    if "nok_per_usd" in rates:
        usd_per["NOK"] = 1.0 / rates["nok_per_usd"]
    rate_arg = {"GBP": "usd_per_gbp", "NOK": "nok_per_usd"}

    rows = []
    for _, b in table.iterrows():
        try:
            bdim, bcur, bmult = _parse_unit(b["unit"])
        except ValueError:
            continue
        if bdim != dim:
            continue
        factor, conv = 1.0, "same unit"
        if dim == "intensity":
            # benchmark in t per bcur-million -> t per cur-million -> the member's unit
            if bcur == cur:
                factor = bmult / mult
                conv = "same currency" + (f"; unit scale x{factor:g}" if factor != 1 else "")
            elif bcur not in usd_per or cur not in usd_per:
                need = sorted(c for c in (bcur, cur) if c not in usd_per)
                factor = np.nan
                conv = "needs " + ", ".join(rate_arg.get(c, f"a USD rate for {c}") for c in need)
            else:
                factor = bmult * usd_per[cur] / usd_per[bcur] / mult
                used = [rate_arg[c] for c in (bcur, cur) if c != "USD"]
                conv = (
                    f"{bcur}->{cur} at "
                    + ", ".join(f"{k}={rates[k]:g} ({rate_src[k]})" for k in used)
                    + "; annual-average market rate, not PPP"
                )
                if bmult != mult:
                    conv += f"; unit scale x{bmult / mult:g}"
        vals = {k: b[k] * factor for k in ("value", "low", "high")}
        pos = ""
        lo, hi = vals["low"], vals["high"]
        if pd.notna(lo) and pd.notna(hi):
            pos = (
                "below range"
                if member_value < lo
                else "above range"
                if member_value > hi
                else "within range"
            )
        elif pd.notna(vals["value"]):
            pos = (
                "below"
                if member_value < vals["value"]
                else "above"
                if member_value > vals["value"]
                else "equal"
            )
        dy = b.get("data_year")
        price = (
            f"Price year: benchmark {int(dy)} vs member {year}; no inflation adjustment."
            if pd.notna(dy)
            else f"Price year: benchmark year not stated vs member {year}; no inflation adjustment."
        )
        if dim != "intensity":
            price = f"Data year: benchmark {int(dy) if pd.notna(dy) else 'not stated'} vs member {year}."
        caveat = " ".join(
            x
            for x in (
                price,
                f"Currency: {conv}." if dim == "intensity" else "",
                f"Scope/method: {b['caveats']}" if str(b["caveats"]).strip() else "",
            )
            if x
        )
        rows.append(
            {
                "benchmark_id": b["benchmark_id"],
                "benchmark": b["benchmark"],
                "value": b["value"],
                "low": b["low"],
                "high": b["high"],
                "unit": b["unit"],
                "value_converted": vals["value"],
                "low_converted": lo,
                "high_converted": hi,
                "member_value": float(member_value),
                "member_unit": unit,
                "member_vs_benchmark": (
                    member_value / vals["value"]
                    if pd.notna(vals["value"]) and vals["value"]
                    else np.nan
                ),
                "position": pos,
                "conversion": conv,
                "source": b["source"],
                "caveats": caveat,
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["source"] = table.attrs.get("source", "")
    return out


# --------------------------------------------------------------------------
# year-over-year decomposition
# --------------------------------------------------------------------------

_EFFECTS = ("volume", "mix", "price", "factor")


@dataclass
class YoYDecomposition:
    """Year-over-year change in emissions split into four drivers (t CO2e).

    ``change = volume + mix + price + factor``, exactly (to rounding).

    Attributes
    ----------
    t0, t1 : float
        Emissions of the two years.
    change : float
        ``t1 - t0``.
    volume : float
        Effect of total nominal spend.
    mix : float
        Effect of the categories' shares of nominal spend.
    price : float
        Effect of the deflator (factor-year USD per nominal unit), per category.
    factor : float
        Effect of kg CO2e per factor-year USD, per category (factor version,
        supplier data, sub-category changes).
    by_category : DataFrame
        Per category: ``t0``, ``t1``, ``change`` and the four effects.
    labels : tuple
        Names of the two years.
    """

    t0: float
    t1: float
    change: float
    volume: float
    mix: float
    price: float
    factor: float
    by_category: pd.DataFrame
    labels: tuple[str, str] = ("year 0", "year 1")

    @property
    def effects(self) -> pd.Series:
        """The four effects as a Series (t CO2e).

        Returns
        -------
        Series
            ``volume``, ``mix``, ``price``, ``factor``; they add up to :attr:`change`.

        Examples
        --------
        >>> CohortResults.example().decompose("a", 2021, 2022).effects.round(6).to_dict()
        {'volume': 0.0, 'mix': 45.0, 'price': 0.0, 'factor': 0.0}
        """
        return pd.Series({k: getattr(self, k) for k in _EFFECTS}, name="t_co2e")

    def __str__(self) -> str:
        a, b = self.labels
        parts = ", ".join(f"{k} {v:+,.1f}" for k, v in self.effects.items())
        return f"{a} {self.t0:,.1f} t -> {b} {self.t1:,.1f} t ({self.change:+,.1f} t): {parts}."

    def chart(self, *, title: str | None = None) -> Chart:
        """Waterfall from the first year's emissions through the four effects.

        Parameters
        ----------
        title : str, optional
            Chart title (default: "What changed between <year 0> and <year 1>").

        Returns
        -------
        Chart

        Examples
        --------
        >>> chart = CohortResults.example().decompose("a", 2021, 2022).chart()
        >>> chart.caption
        'Emissions went from 330 t CO2e (FY2021) to 375 t (FY2022); the largest driver was mix.'
        """
        a, b = self.labels
        steps = pd.Series(
            {
                f"{a}": self.t0,
                "Volume (total spend)": self.volume,
                "Mix (category shares)": self.mix,
                "Price (deflator)": self.price,
                "Factor (kg per USD)": self.factor,
            }
        )
        biggest = self.effects.abs().idxmax() if self.change or self.effects.any() else "none"
        return waterfall(
            steps,
            unit="t CO2e",
            title=title or f"What changed between {a} and {b}",
            caption=(
                f"Emissions went from {self.t0:,.0f} t CO2e ({a}) to {self.t1:,.0f} t ({b}); "
                f"the largest driver was {biggest}."
            ),
            total_label=f"{b}",
        )


def decompose_yoy(
    year0: pd.DataFrame,
    year1: pd.DataFrame,
    *,
    labels: tuple[str | int, str | int] = ("year 0", "year 1"),
) -> YoYDecomposition:
    """Split the change in emissions between two years into four drivers.

    Per category *c*, emissions are a product of four factors::

        E_c = V * s_c * p_c * f_c
        V   = total nominal spend                        (volume)
        s_c = nominal_c / V                              (mix)
        p_c = spend_factor_usd_c / nominal_c             (price: deflator)
        f_c = t_co2e_c / spend_factor_usd_c              (factor)

    Each factor's effect is its Shapley value (the average of its effect over
    all orders in which the four factors could change), summed over the
    categories. The four effects sum exactly to ``E1 - E0`` (to floating
    tolerance); identical years give exactly zero; doubling every amount
    gives a pure volume effect.

    A category present in only one year has share 0 in the other; its
    deflator and factor there are taken from the year where it exists, so the
    appearance or disappearance of a category shows up as mix and volume,
    never as price or factor.

    Parameters
    ----------
    year0, year1 : DataFrame
        Index = category code; columns ``nominal_spend`` (in the ledger
        currency, nominal), ``spend_factor_usd`` (the same spend in
        factor-year USD) and ``t_co2e``.
    labels : pair
        Names of the two years for the result and the chart.

    Returns
    -------
    YoYDecomposition

    Raises
    ------
    ValueError
        Missing columns, duplicated categories, NaN values, or emissions or
        factor-year spend in a category that has no nominal spend.

    Examples
    --------
    >>> y0 = pd.DataFrame({"nominal_spend": [100.0, 100.0],
    ...                    "spend_factor_usd": [100.0, 100.0],
    ...                    "t_co2e": [60.0, 10.0]}, index=["327320", "541611"])
    >>> y1 = y0.assign(t_co2e=[30.0, 10.0])        # concrete factor halved
    >>> d = decompose_yoy(y0, y1, labels=(2021, 2022))
    >>> d.change, d.factor, d.volume + d.mix + d.price
    (-30.0, -30.0, 0.0)
    """
    cols = ["nominal_spend", "spend_factor_usd", "t_co2e"]
    frames = []
    for name, y in (("year0", year0), ("year1", year1)):
        _require(y, cols, name)
        if y.index.duplicated().any():
            raise ValueError(
                f"{name} has duplicated categories ({list(y.index[y.index.duplicated()][:3])}); "
                "expected one row per category."
            )
        f = y[cols].apply(pd.to_numeric, errors="coerce").astype(float)
        if f.isna().any().any():
            bad = f.isna().any(axis=1)
            raise ValueError(
                f"{name} has missing or non-numeric values for categories {list(f.index[bad][:5])}."
            )
        f.index = f.index.astype(str)
        frames.append(f)
    f0, f1 = frames
    cats = f0.index.union(f1.index, sort=False)
    f0 = f0.reindex(cats, fill_value=0.0)
    f1 = f1.reindex(cats, fill_value=0.0)

    parts = []
    for name, f in (("year0", f0), ("year1", f1)):
        n = f["nominal_spend"].to_numpy()
        sf = f["spend_factor_usd"].to_numpy()
        t = f["t_co2e"].to_numpy()
        orphan = (n == 0) & ((sf != 0) | (t != 0))
        if orphan.any():
            raise ValueError(
                f"{name}: categories {list(cats[orphan][:5])} have factor-year spend or emissions "
                "but no nominal spend; expected nominal_spend for every category with emissions."
            )
        orphan = (sf == 0) & (t != 0)
        if orphan.any():
            raise ValueError(
                f"{name}: categories {list(cats[orphan][:5])} have emissions but no "
                "spend_factor_usd."
            )
        total = n.sum()
        share = n / total if total != 0 else np.full(len(n), np.nan)
        parts.append((np.full(len(n), total), share, _ratio(sf, n), _ratio(t, sf)))
    (v0, s0, p0, q0), (v1, s1, p1, q1) = parts
    s0, s1 = _borrow(s0, s1, 0.0)
    p0, p1 = _borrow(p0, p1, 1.0)
    q0, q1 = _borrow(q0, q1, 0.0)
    eff = _shapley_product(np.vstack([v0, s0, p0, q0]), np.vstack([v1, s1, p1, q1]))
    table = pd.DataFrame(eff.T, index=cats, columns=list(_EFFECTS))
    table.insert(0, "t0", f0["t_co2e"])
    table.insert(1, "t1", f1["t_co2e"])
    table.insert(2, "change", f1["t_co2e"] - f0["t_co2e"])
    t0, t1 = float(f0["t_co2e"].sum()), float(f1["t_co2e"].sum())
    sums = {k: float(math.fsum(table[k])) for k in _EFFECTS}
    return YoYDecomposition(
        t0=t0,
        t1=t1,
        change=t1 - t0,
        by_category=table,
        labels=(str(labels[0]), str(labels[1])),
        **sums,
    )


# --------------------------------------------------------------------------
# sharing
# --------------------------------------------------------------------------

#: Fewer payments than this in a category: merged into "other" before sharing.
K_MIN_PAYMENTS = 5
#: Columns of a shareable file (:func:`anonymise`), in order.
SHARE_COLUMNS = ("member", "category", "payments", "share_spend_pct", "share_emissions_pct")
#: Added only with ``include_totals=True`` (rounded to 2 significant figures).
SHARE_TOTAL_COLUMNS = ("spend_usd_2sf", "t_co2e_2sf")
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_PAYMENT_BANDS = ((5, "5-9"), (10, "10-49"), (50, "50-199"), (200, "200-999"), (1000, "1000+"))


def random_code() -> str:
    """A fresh random member code for one export (``M-`` and 4 letters/digits).

    Drawn with :mod:`secrets`: it says nothing about the member, its place in
    any list, or the code it had in another export.

    Returns
    -------
    str
        ``M-`` and four characters without look-alikes (no 0/O, 1/I).

    Examples
    --------
    >>> code = random_code()
    >>> len(code), code.startswith("M-")
    (6, True)
    """
    import secrets

    return "M-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(4))


def _band(n: pd.Series) -> pd.Series:
    out = pd.Series("fewer than 5", index=n.index, dtype=object)
    for lo, label in _PAYMENT_BANDS:
        out[n >= lo] = label
    return out


def round_sig(x, digits: int = 2):
    """Round to ``digits`` significant figures (0 stays 0).

    Parameters
    ----------
    x : Series, array or float
        The values.
    digits : int
        Significant figures.

    Returns
    -------
    Series or ndarray
        A Series (same index) for a Series, else an array.

    Examples
    --------
    >>> round_sig(pd.Series([1587.3, 0.04321, 0.0])).tolist()
    [1600.0, 0.043, 0.0]
    """
    a = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.where(a != 0, np.floor(np.log10(np.abs(a))), 0)
    factor = 10.0 ** (digits - 1 - mag)
    out = np.round(a * factor) / factor
    return pd.Series(out, index=x.index) if isinstance(x, pd.Series) else out


def anonymise(
    lines_or_summary: pd.DataFrame,
    member: str,
    *,
    member_code: str | None = None,
    by: str = "naics2",
    k: int = K_MIN_PAYMENTS,
    include_totals: bool = False,
    keep_lines: bool = False,
    salt: str | None = None,
) -> pd.DataFrame:
    """A table a member can share with the cohort, anonymous by construction.

    What is in it: for each purchase category (NAICS sector by default)
    the **share** of the member's included spend and of its emissions, in
    whole percent, and the number of payments as a band (``"10-49"``).
    What is not: the member's name (a random code per export, never its place
    in ``members.csv``), vendors, departments, accounts, descriptions, line
    amounts, and by default **no absolute figure at all**: a total, even
    rounded, points to the one member of that size for anyone who knows the
    cohort's published totals. Categories with fewer than ``k`` payments are
    merged into ``"other"``.

    Parameters
    ----------
    lines_or_summary : DataFrame
        Inventory lines (``naics6``, ``spend_factor_usd``, ``kg_co2e``,
        ``status``), or an ``inventory.summarise`` table by ``naics6`` with
        ``lines``, ``spend_usd`` and ``t_co2e``.
    member : str
        Your member (used only to check that you meant to share; never written).
    member_code : str, optional
        The code to write (e.g. the one the instructor gave you for this
        export); default: :func:`random_code`.
    by : ``"naics2"`` .. ``"naics6"``
        Category level. Coarser is safer: with public factors per code, the
        shares at a fine level give away the member's overall intensity
        (t CO2e per dollar); at sector level (the default) only to within
        about 10 %.
    k : int
        Minimum payments per shared category.
    include_totals : bool
        Also write spend (factor-year USD) and t CO2e per category rounded to
        2 significant figures. This identifies a member by its size to anyone
        who knows the cohort's totals: only when the cohort agreed to it.
    keep_lines, salt
        Line detail cannot be shared anonymously; ``keep_lines=True`` is refused.

    Returns
    -------
    DataFrame
        :data:`SHARE_COLUMNS` (plus :data:`SHARE_TOTAL_COLUMNS`);
        ``attrs["dropped_columns"]`` lists what was left out.

    Examples
    --------
    >>> lines = pd.DataFrame({"vendor": ["ACME Concrete"] * 6, "department": ["Parks"] * 6,
    ...     "naics6": ["327320"] * 5 + ["541330"], "status": "included",
    ...     "amount": 10.0, "spend_factor_usd": 10.0, "kg_co2e": 6.0})
    >>> out = anonymise(lines, "cedar_valley", member_code="M-TEST")
    >>> out[["category", "payments", "share_spend_pct"]].values.tolist()
    [['32', '5-9', 83], ['other', 'fewer than 5', 17]]
    >>> "ACME" in out.to_csv() or "Parks" in out.to_csv()
    False
    """
    if keep_lines:
        raise ValueError(
            "Line detail cannot be shared anonymously: department names, accounts and exact "
            "payment amounts identify a member (and its suppliers) even with hashed vendor "
            "names. Share the category summary (the default), or keep line detail inside "
            "your own organisation."
        )
    if not member:
        raise ValueError("Name the member whose results these are (member=...).")
    m = re.fullmatch(r"naics([2-6])", by)
    if not m:
        raise ValueError(f"by={by!r}: use 'naics2' ... 'naics6'.")
    digits = int(m.group(1))
    df = lines_or_summary
    if {"spend_usd", "t_co2e"} <= set(df.columns):
        if "lines" not in df.columns:
            raise ValueError(
                "A summary can be shared only with its 'lines' column (payments per "
                "category), so that small categories can be merged."
            )
        if df.index.name in ("vendor", "description", "department"):
            raise ValueError(
                f"A summary by {df.index.name} cannot be shared; summarise by category (naics6)."
            )
        codes = pd.Series(df.index.astype(str), index=df.index)
        base = pd.DataFrame(
            {
                "code": codes.to_numpy(),
                "payments": df["lines"].to_numpy(),
                "spend": df["spend_usd"].to_numpy(dtype=float),
                "kg": df["t_co2e"].to_numpy(dtype=float) * 1000,
            }
        )
    else:
        _require(df, ["naics6", "spend_factor_usd", "kg_co2e"], "lines")
        inc = df[df["status"] == "included"] if "status" in df else df
        inc = inc[pd.to_numeric(inc["kg_co2e"], errors="coerce").notna()]
        base = pd.DataFrame(
            {
                "code": inc["naics6"].astype("string").fillna("unclassified").to_numpy(),
                "payments": 1,
                "spend": inc["spend_factor_usd"].to_numpy(dtype=float),
                "kg": inc["kg_co2e"].to_numpy(dtype=float),
            }
        )
    base["category"] = base["code"].astype(str).str[:digits]
    g = base.groupby("category", sort=True)[["payments", "spend", "kg"]].sum()
    small = g["payments"] < k
    if small.any():
        other = g[small].sum().rename("other")
        g = pd.concat([g[~small], other.to_frame().T])
    spend, kg = g["spend"].sum(), g["kg"].sum()
    out = pd.DataFrame(
        {
            "member": member_code or random_code(),
            "category": g.index.astype(str),
            "payments": _band(g["payments"]).to_numpy(),
            "share_spend_pct": np.round(100 * g["spend"] / spend).astype(int).to_numpy()
            if spend
            else 0,
            "share_emissions_pct": np.round(100 * g["kg"] / kg).astype(int).to_numpy() if kg else 0,
        }
    )
    if include_totals:
        out["spend_usd_2sf"] = round_sig(g["spend"].to_numpy())
        out["t_co2e_2sf"] = round_sig(g["kg"].to_numpy() / 1000)
    out.attrs["dropped_columns"] = [c for c in df.columns if c not in ("naics6",)]
    out.attrs["k"] = k
    return out.reset_index(drop=True)


def write_share(share: pd.DataFrame, path: str | Path) -> Path:
    """Write a table from :func:`anonymise` (and nothing else) as a shareable CSV.

    Refuses a table with other columns (a department, an amount, a name ...),
    so that only what :func:`anonymise` made can leave your organisation.

    Parameters
    ----------
    share : DataFrame
        A table from :func:`anonymise`.
    path : str or Path
        The CSV to write.

    Returns
    -------
    Path
        The file written (formula-safe, see :mod:`cohort_helpers.safe_files`).

    Raises
    ------
    ValueError
        The table has columns :func:`anonymise` does not make.

    Examples
    --------
    >>> import tempfile
    >>> lines = pd.DataFrame({"member": "a", "status": "included", "naics6": ["327320"] * 6,
    ...                       "spend_factor_usd": 100.0, "kg_co2e": 50.0})
    >>> path = write_share(anonymise(lines, "a"), Path(tempfile.mkdtemp()) / "share.csv")
    >>> path.read_text().splitlines()[0]
    'member,category,payments,share_spend_pct,share_emissions_pct'
    """

    allowed = set(SHARE_COLUMNS) | set(SHARE_TOTAL_COLUMNS)
    extra = [c for c in share.columns if c not in allowed]
    if extra or "member" not in share.columns:
        raise ValueError(
            f"Not a table from compare.anonymise (columns {extra or list(share.columns)}); "
            "make the shareable file with compare.anonymise(...)."
        )
    return safe_files.write_csv(share, path)


def joint_agreement_share(
    lines: pd.DataFrame,
    *,
    municipality: str = "member",
    year: str = "fiscal_year",
    value: str = "amount",
) -> pd.DataFrame:
    """Share of spend bought through joint agreements, per municipality and year.

    Parameters
    ----------
    lines : DataFrame
        Lines with ``joint_agreement`` (bool; NA = not known), the
        municipality column, the year column and the value column. Only
        included lines count when ``status`` is present.
    municipality, year, value : str
        Column names (``value`` e.g. ``amount`` in NOK, or
        ``spend_factor_usd``).

    Returns
    -------
    DataFrame
        Indexed by (municipality, year): ``spend``, ``joint_spend``,
        ``unknown_spend`` (lines with no joint-agreement flag, counted as not
        joint) and ``joint_share`` (``joint_spend / spend``).

    Examples
    --------
    >>> df = pd.DataFrame({"member": ["a", "a", "b"], "fiscal_year": [2021] * 3,
    ...                    "amount": [300.0, 100.0, 50.0],
    ...                    "joint_agreement": [True, False, pd.NA]})
    >>> joint_agreement_share(df)["joint_share"].tolist()
    [0.75, 0.0]
    """
    _require(lines, [municipality, year, value, "joint_agreement"], "lines")
    df = lines[lines["status"] == "included"] if "status" in lines else lines
    if "currency" in df and value == "amount":
        n_cur = df.groupby(municipality)["currency"].nunique()
        if (n_cur > 1).any():
            raise ValueError(
                f"{list(n_cur.index[n_cur > 1])} have amounts in several currencies; "
                "use value='spend_factor_usd' or convert first."
            )
    flag = df["joint_agreement"].astype("boolean")
    amount = pd.to_numeric(df[value], errors="coerce").astype(float)
    work = pd.DataFrame(
        {
            municipality: df[municipality],
            year: df[year],
            "spend": amount,
            "joint_spend": amount.where(flag.fillna(False), 0.0),
            "unknown_spend": amount.where(flag.isna(), 0.0),
        }
    )
    out = work.groupby([municipality, year], sort=True)[
        ["spend", "joint_spend", "unknown_spend"]
    ].sum()
    out["joint_share"] = out["joint_spend"] / out["spend"].where(out["spend"] != 0)
    return out


# --------------------------------------------------------------------------
# the whole cohort, computed once with the same settings (cohort_runner)
# --------------------------------------------------------------------------

#: Columns of :attr:`CohortResults.categories` (one row per member-year and category).
CATEGORY_COLUMNS = [
    "member",
    "fiscal_year",
    "naics6",
    "scope3_category",
    "joint_agreement",
    "lines",
    "nominal_spend",
    "spend_usd",
    "t_co2e",
]

#: Columns of :attr:`CohortResults.member_years` (one row per member-year).
MEMBER_YEAR_COLUMNS = [
    "member",
    "name",
    "country",
    "fiscal_year",
    "currency",
    "residents",
    "employees",
    "lines",
    "input_spend",
    "included_spend",
    "excluded_spend",
    "unclassified_spend",
    "spend_usd",
    "t_co2e",
    "reconciliation_cents",
]


@dataclass
class CohortResults:
    """Every member-year of the cohort, computed with one set of settings.

    Made by :func:`cohort_helpers.cohort_runner.cohort_results`. All amounts of a member-year are in its
    ledger currency (``nominal_spend``, ``*_spend``) or in factor-year USD
    (``spend_usd``); emissions in t CO2e.

    Attributes
    ----------
    categories : DataFrame
        :data:`CATEGORY_COLUMNS`: included spend and emissions per member,
        fiscal year, NAICS-6 code, Scope 3 category (1 or 2) and
        joint-agreement flag (True/False, NA when the ledger has no flag).
    member_years : DataFrame
        :data:`MEMBER_YEAR_COLUMNS`: totals, the reconciliation (input =
        included + excluded + unclassified; ``reconciliation_cents`` is the
        difference, 0 when nothing was lost), residents of that year and staff.
    settings : dict
        Factor set, price method, rules folder, package version.
    key : str
        Hash of the settings and the input files (the cache key).
    path : Path or None
        Cache file prefix (``None`` when not cached).
    from_cache : bool
        Whether the tables were read from the cache.
    """

    categories: pd.DataFrame = field(repr=False)
    member_years: pd.DataFrame = field(repr=False)
    settings: dict
    key: str
    path: Path | None = None
    from_cache: bool = False
    _codes: dict = field(default_factory=dict, repr=False, compare=False)

    def __str__(self) -> str:
        n_m = self.member_years["member"].nunique()
        where = "read from the cache" if self.from_cache else "computed now"
        return (
            f"{n_m} members, {len(self.member_years)} member-years, "
            f"{self.settings.get('factors')} factors, {self.settings.get('price_method')} price "
            f"index ({where})."
        )

    @classmethod
    def example(cls) -> CohortResults:
        """A small made-up cohort for examples: two members, three member-years.

        ``a`` (US, FY2021 and FY2022, 10,000 residents) and ``b`` (Norway,
        FY2022, 5,000 residents, a NOK ledger with joint agreements); two
        NAICS-6 categories each. Real results come from
        :func:`cohort_helpers.cohort_runner.cohort_results`.

        Returns
        -------
        CohortResults

        Examples
        --------
        >>> print(CohortResults.example())
        2 members, 3 member-years, sef_v1.3 factors, bea price index (computed now).
        """
        cats = pd.DataFrame(
            {
                "member": ["a", "a", "a", "a", "b", "b"],
                "fiscal_year": [2021, 2021, 2022, 2022, 2022, 2022],
                "naics6": ["327320", "541330", "327320", "541330", "327320", "541611"],
                "scope3_category": [1, 1, 1, 1, 1, 1],
                "joint_agreement": pd.array([pd.NA] * 4 + [True, False], dtype="boolean"),
                "lines": [10, 30, 12, 28, 5, 20],
                "nominal_spend": [4e5, 6e5, 5e5, 5e5, 1.92e6, 7.68e6],
                "spend_usd": [4e5, 6e5, 5e5, 5e5, 2e5, 8e5],
                "t_co2e": [240.0, 90.0, 300.0, 75.0, 120.0, 80.0],
            }
        )
        my = pd.DataFrame(
            {
                "member": ["a", "a", "b"],
                "name": ["Town A", "Town A", "Fjordby"],
                "country": ["US", "US", "NO"],
                "fiscal_year": [2021, 2022, 2022],
                "currency": ["USD", "USD", "NOK"],
                "residents": [10_000, 10_000, 5_000],
                "employees": [100, 100, 80],
                "lines": [40, 40, 25],
                "input_spend": [1.2e6, 1.2e6, 1.06e7],
                "included_spend": [1e6, 1e6, 9.6e6],
                "excluded_spend": [2e5, 2e5, 1e6],
                "unclassified_spend": [0.0, 0.0, 0.0],
                "spend_usd": [1e6, 1e6, 1e6],
                "t_co2e": [330.0, 375.0, 200.0],
                "reconciliation_cents": [0, 0, 0],
            }
        )
        settings = {"factors": "sef_v1.3", "price_method": "bea", "members": "all",
                    "dollar_year": 2022}  # fmt: skip
        return cls(cats[CATEGORY_COLUMNS], my[MEMBER_YEAR_COLUMNS], settings, "example")

    # ------------------------------------------------------------ selection

    def members(self) -> list[str]:
        """Member slugs, in the cohort's order.

        Returns
        -------
        list of str

        Examples
        --------
        >>> CohortResults.example().members()
        ['a', 'b']
        """
        return list(dict.fromkeys(self.member_years["member"]))

    def years(self, member: str) -> list[int]:
        """Fiscal years computed for ``member`` (ascending).

        Parameters
        ----------
        member : str
            A member slug.

        Returns
        -------
        list of int

        Raises
        ------
        KeyError
            The member is not in these results.

        Examples
        --------
        >>> CohortResults.example().years("a")
        [2021, 2022]
        """
        self._known(member)
        my = self.member_years
        return sorted(int(y) for y in my.loc[my["member"] == member, "fiscal_year"])

    def _known(self, member: str) -> None:
        if member not in set(self.member_years["member"]):
            raise KeyError(
                f"{member!r} is not in these cohort results; members: {', '.join(self.members())}."
            )

    def _year(self, member: str, year: int | None) -> int:
        years = self.years(member)
        if year is None:
            return years[-1]
        if int(year) not in years:
            raise ValueError(f"{member} has no results for {year}; available: {years}.")
        return int(year)

    def latest(self) -> pd.DataFrame:
        """One row per member: its latest fiscal year (``member_years`` columns).

        Returns
        -------
        DataFrame
            :data:`MEMBER_YEAR_COLUMNS`, in the cohort's order.

        Examples
        --------
        >>> CohortResults.example().latest()[["member", "fiscal_year"]].values.tolist()
        [['a', 2022], ['b', 2022]]
        """
        my = self.member_years.sort_values(["member", "fiscal_year"])
        last = my.groupby("member", sort=False).tail(1)
        order = {m: i for i, m in enumerate(self.members())}
        return last.sort_values("member", key=lambda s: s.map(order)).reset_index(drop=True)

    # ------------------------------------------------------------ tables

    def category_summary(
        self,
        member: str | None = None,
        year: int | None = None,
        *,
        by: str = "naics6",
        among: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Spend and emissions by category for one member-year, or the whole cohort.

        Parameters
        ----------
        member : str, optional
            A member slug; ``None`` sums every member's latest year.
        year : int, optional
            Fiscal year (default: the member's latest).
        by : str
            ``"naics6"``, a coarser level ``"naics2"`` .. ``"naics5"`` (the
            first digits of the code: sector, subsector ...) or
            ``"scope3_category"``.
        among : list of str, optional
            With ``member=None``: sum only these members (default: all).

        Returns
        -------
        DataFrame
            Index = category: ``lines``, ``nominal_spend`` (ledger currency;
            for the cohort, mixed currencies: do not use), ``spend_usd``,
            ``spend_factor_usd`` (the same, the name
            :func:`decompose_yoy` expects), ``t_co2e``, ``kg_per_usd``,
            ``share_spend``, ``share_emissions``; sorted by emissions.

        Examples
        --------
        >>> res = CohortResults.example()
        >>> res.category_summary("a")["t_co2e"].to_dict()
        {'327320': 300.0, '541330': 75.0}
        >>> res.category_summary(by="naics3")["t_co2e"].to_dict()
        {'327': 420.0, '541': 155.0}
        """
        c = self.categories
        if member is None:
            last = self.latest()[["member", "fiscal_year"]]
            if among is not None:
                last = last[last["member"].isin(list(among))]
            rows = c.merge(last, on=["member", "fiscal_year"])
        else:
            y = self._year(member, year)
            rows = c[(c["member"] == member) & (c["fiscal_year"] == y)]
        if by in ("naics2", "naics3", "naics4", "naics5"):
            keys = rows["naics6"].astype(str).str[: int(by[-1])].rename(by)
        elif by in ("naics6", "scope3_category"):
            keys = rows[by]
        else:
            raise ValueError(
                f"by={by!r}: use 'naics6', 'naics2'..'naics5' (code prefix) or 'scope3_category'."
            )
        g = rows.groupby(keys, sort=False)
        out = g[["lines", "nominal_spend", "spend_usd", "t_co2e"]].sum()
        out["spend_factor_usd"] = out["spend_usd"]
        out["kg_per_usd"] = _ratio(out["t_co2e"].to_numpy() * 1000, out["spend_usd"].to_numpy())
        out["share_spend"] = out["spend_usd"] / out["spend_usd"].sum()
        out["share_emissions"] = out["t_co2e"] / out["t_co2e"].sum()
        out.index = out.index.astype(str)
        return out.sort_values("t_co2e", ascending=False)

    def normalised(self) -> pd.DataFrame:
        """Each member's latest year per resident, per employee, per million of spend.

        :func:`normalise` on :meth:`latest`, plus ``name``, ``country``,
        ``fiscal_year`` and ``rank`` (by t per resident, 1 = lowest), sorted by rank.

        Returns
        -------
        DataFrame
            Indexed by member; ``attrs["note"]`` names members not ranked
            (no population given).

        Examples
        --------
        >>> n = CohortResults.example().normalised()
        >>> n["t_per_resident"].tolist(), n["rank"].tolist()
        ([0.0375, 0.04], [1, 2])
        """
        last = self.latest()
        res = last.rename(columns={"included_spend": "spend_local"})
        prof = last.rename(columns={"residents": "population"})
        out = normalise(
            res[["member", "t_co2e", "spend_usd", "currency", "spend_local"]],
            prof[["member", "population", "employees"]],
        )
        out.insert(0, "name", last.set_index("member")["name"])
        out.insert(1, "country", last.set_index("member")["country"])
        out.insert(2, "fiscal_year", last.set_index("member")["fiscal_year"].astype(int))
        # a member without a population (a workspace member may give none) is listed, not ranked
        out["rank"] = out["t_per_resident"].rank(method="min").astype("Int64")
        out = out.sort_values(["rank", "name"], na_position="last")
        unranked = out.loc[out["rank"].isna(), "name"].astype(str).tolist()
        if unranked:
            out.attrs["note"] = (
                f"Not ranked (no population given): {', '.join(unranked)}; their per-resident "
                "figures are NaN."
            )
        return out

    def rank(self, member: str, metric: str = "t_per_resident") -> tuple[int | None, int]:
        """(rank, number of members ranked) by ``metric`` of :meth:`normalised`; 1 = lowest.

        The rank is ``None`` for a member whose ``metric`` is unknown (no
        population or staff count given): see :meth:`notes`.

        Parameters
        ----------
        member : str
            A member slug.
        metric : str
            A :meth:`normalised` column.

        Returns
        -------
        tuple
            ``(rank or None, number of members ranked)``.

        Examples
        --------
        >>> CohortResults.example().rank("b")
        (2, 2)
        """
        self._known(member)
        n = self.normalised()
        r = n[metric].rank(method="min")
        known = int(r.notna().sum())
        return (int(r[member]) if pd.notna(r[member]) else None), known

    def notes(self, member: str) -> str:
        """What cannot be compared for ``member``, and how to add it, as Markdown.

        Empty for a member with every figure (all bundled members). A workspace
        member without residents is listed but not ranked (per-resident
        figures NaN); without a staff count its t per employee is NaN.

        Parameters
        ----------
        member : str
            A member slug.

        Returns
        -------
        str
            Markdown paragraphs, or ``""``.

        Examples
        --------
        >>> CohortResults.example().notes("a")
        ''
        """
        self._known(member)
        row = self.latest().set_index("member").loc[member]
        name = str(row["name"])
        out = []
        if pd.isna(row["residents"]):
            out.append(
                f"**{name}** has no population figure: its per-resident figures are NaN, it is "
                "listed in the cohort but not ranked, and the per-resident range and the "
                "position against the cohort are skipped. Add it with `cohort member add "
                f"{member} ... --residents N --replace` (or set `residents:` in its member.yaml)."
            )
        if pd.isna(row["employees"]):
            out.append(
                f"**{name}** has no staff count: t CO2e per employee is NaN. Add it with "
                f"`cohort member add {member} ... --employees N --replace` (or set "
                "`employees:` in its member.yaml)."
            )
        return "\n\n".join(out)

    def median(self, metric: str = "t_per_resident") -> float:
        """Median over the members (latest year each) of a :meth:`normalised` column.

        Parameters
        ----------
        metric : str
            A :meth:`normalised` column.

        Returns
        -------
        float

        Examples
        --------
        >>> CohortResults.example().median()
        0.03875
        """
        return float(self.normalised()[metric].median())

    def position(self, member: str, year: int | None = None, *, by: str = "naics3") -> Position:
        """:func:`explain_position` of a member-year against the whole cohort.

        The cohort is every member's latest year summed by category, with the
        cohort's total residents: the cohort as one big government.
        Categories are NAICS subsectors (``by="naics3"``, the first three
        digits) so that *intensity* shows which products a member buys within
        a subsector (ready-mix concrete or cement, laptops or servers): with one
        factor set, every NAICS-6 code has the same factor for everybody, so at
        ``by="naics6"`` the intensity effect is zero by construction.

        Parameters
        ----------
        member : str
            A member slug.
        year : int, optional
            Fiscal year (default: the member's latest).
        by : str
            Category level (``"naics2"`` .. ``"naics6"``).

        Returns
        -------
        Position

        Raises
        ------
        ValueError
            The member has no population figure.

        Examples
        --------
        >>> pos = CohortResults.example().position("a")
        >>> round(pos.difference, 4), round(pos.size + pos.mix + pos.intensity, 4)
        (-0.0008, -0.0008)
        """
        y = self._year(member, year)
        my = self.member_years
        pop = float(
            my.loc[(my["member"] == member) & (my["fiscal_year"] == y), "residents"].iloc[0]
        )
        if not pop > 0:
            raise ValueError(
                f"{member} has no population figure: its position per resident cannot be "
                f"computed. Add it with `cohort member add {member} ... --residents N --replace`."
            )
        last = self.latest()
        known = last[last["residents"].notna()]  # members without a population are left out
        return explain_position(
            self.category_summary(member, y, by=by),
            self.category_summary(by=by, among=known["member"]),
            member_population=pop,
            cohort_population=float(known["residents"].sum()),
        )

    def labels(self, by: str = "naics3") -> pd.Series:
        """Readable labels for NAICS codes or prefixes (index = code).

        A prefix is named after the NAICS-6 code with the most cohort spend in
        it (``"327: Ready-Mix Concrete Manufacturing and more"``); titles come
        from the factor file (EPA SEF).

        Parameters
        ----------
        by : str
            ``"naics2"`` .. ``"naics6"``.

        Returns
        -------
        Series
            Code or prefix -> label.

        Examples
        --------
        >>> CohortResults.example().labels()["541"]
        '541: Engineering Services and more'
        """

        titles = data.read_sef().drop_duplicates("naics6").set_index("naics6")["naics_title"]
        spend = self.categories.groupby("naics6")["spend_usd"].sum()
        k = 6 if by == "naics6" else int(by[-1])
        prefix = spend.index.astype(str).str[:k]
        top = spend.groupby(prefix).idxmax()
        many = spend.groupby(prefix).size() > 1
        label = top.index + ": " + top.map(titles).fillna("(no title)").astype(str)
        return pd.Series(np.where(many, label + " and more", label), index=top.index, name=by)

    def position_table(
        self, member: str, n: int = 8, *, by: str = "naics3", year: int | None = None
    ) -> pd.DataFrame:
        """The categories that contribute most to a member's difference from the cohort.

        :meth:`position` by category (``size``, ``mix``, ``intensity``,
        ``total`` in t CO2e per resident) with a ``label``, the ``n`` largest
        by absolute total.

        Parameters
        ----------
        member : str
            A member slug.
        n : int
            How many categories.
        by : str
            Category level (``"naics2"`` .. ``"naics6"``).
        year : int, optional
            Fiscal year (default: the member's latest).

        Returns
        -------
        DataFrame
            ``label``, ``size``, ``mix``, ``intensity``, ``total``.

        Examples
        --------
        >>> CohortResults.example().position_table("a", n=1)["label"].tolist()
        ['541: Engineering Services and more']
        """
        table = self.position(member, year, by=by).by_category
        top = table.loc[table["total"].abs().sort_values(ascending=False).index[:n]]
        return top.assign(label=top.index.map(self.labels(by)))[
            ["label", "size", "mix", "intensity", "total"]
        ]

    def decompose(self, member: str, year0: int, year1: int) -> YoYDecomposition:
        """:func:`decompose_yoy` between two of a member's years (by NAICS-6 code).

        Parameters
        ----------
        member : str
            A member slug.
        year0, year1 : int
            The two fiscal years.

        Returns
        -------
        YoYDecomposition

        Examples
        --------
        >>> print(CohortResults.example().decompose("a", 2021, 2022))
        FY2021 330.0 t -> FY2022 375.0 t (+45.0 t): volume +0.0, mix +45.0, price +0.0, factor +0.0.
        """
        a = self.category_summary(member, self._year(member, year0))
        b = self.category_summary(member, self._year(member, year1))
        return decompose_yoy(a, b, labels=(f"FY{year0}", f"FY{year1}"))

    def trend(self, member: str) -> pd.DataFrame:
        """A member's years: t CO2e, spend and t per resident (index = fiscal year).

        Parameters
        ----------
        member : str
            A member slug.

        Returns
        -------
        DataFrame
            ``t_co2e``, ``spend_usd``, ``included_spend``, ``residents``,
            ``t_per_resident``.

        Examples
        --------
        >>> CohortResults.example().trend("a")["t_per_resident"].tolist()
        [0.033, 0.0375]
        """
        self._known(member)
        my = self.member_years[self.member_years["member"] == member].set_index("fiscal_year")
        out = my[["t_co2e", "spend_usd", "included_spend", "residents"]].sort_index()
        out["t_per_resident"] = out["t_co2e"] / out["residents"]
        return out

    def joint_agreement_share(self, members: Sequence[str] | None = None) -> pd.DataFrame:
        """:func:`joint_agreement_share` per member and year, in the ledger currency.

        Parameters
        ----------
        members : list of str, optional
            Only these members (default: all).

        Returns
        -------
        DataFrame
            Indexed by (member, fiscal year): ``spend``, ``joint_spend``,
            ``unknown_spend``, ``joint_share``.

        Examples
        --------
        >>> CohortResults.example().joint_agreement_share(["b"])["joint_share"].tolist()
        [0.2]
        """
        c = self.categories
        if members is not None:
            c = c[c["member"].isin(list(members))]
        return joint_agreement_share(c, value="nominal_spend")

    def cooperation(self, members: Sequence[str] | None = None) -> pd.DataFrame:
        """The Norwegian cooperation's members side by side, every year.

        Parameters
        ----------
        members : list of str, optional
            The members to show (default: every Norwegian member).

        Returns
        -------
        DataFrame
            Indexed by (``member``, ``fiscal_year``): ``name``, ``t_co2e``,
            ``t_per_resident``, ``t_per_local_million`` (t per NOK million of
            nominal spend), ``t_per_usd_million`` and ``joint_share``.

        Examples
        --------
        >>> CohortResults.example().cooperation()["joint_share"].tolist()
        [0.2]
        """
        my = self.member_years
        if members is None:
            members = list(dict.fromkeys(my.loc[my["country"] == "NO", "member"]))
        rows = my[my["member"].isin(list(members))].copy()
        if rows.empty:
            raise ValueError("No Norwegian members in these cohort results.")
        out = rows.set_index(["member", "fiscal_year"])
        table = pd.DataFrame(
            {
                "name": out["name"],
                "t_co2e": out["t_co2e"],
                "t_per_resident": out["t_co2e"] / out["residents"],
                "t_per_local_million": out["t_co2e"] / out["included_spend"] * 1e6,
                "t_per_usd_million": out["t_co2e"] / out["spend_usd"] * 1e6,
            }
        )
        share = self.joint_agreement_share(members)["joint_share"]
        share.index = share.index.set_names(["member", "fiscal_year"])
        table["joint_share"] = share.reindex(table.index)
        return table

    def benchmarks(self, member: str, table: pd.DataFrame | None = None) -> pd.DataFrame:
        """:func:`compare_to_benchmarks` for a member's latest year, in every unit it has.

        t per million factor-year USD (exchange rates of the factor year from
        ``datasets/public``), t per resident, and for NOK members t per NOK
        million of nominal spend (its own year's rates). A column
        ``member_unit`` says which comparison a row belongs to.

        Parameters
        ----------
        member : str
            A member slug.
        table : DataFrame, optional
            A :func:`benchmarks` table (default: the bundled one).

        Returns
        -------
        DataFrame
            The rows of :func:`compare_to_benchmarks` for each unit, one after
            the other.

        Examples
        --------
        >>> b = CohortResults.example().benchmarks("b")
        >>> b.loc[b["member_unit"] == "t/NOK million", "value_converted"].iloc[-1]
        np.float64(21.0)
        """
        n = self.normalised().loc[member]
        dollar_year = int(self.settings.get("dollar_year") or 2022)
        quoted = exchange_rates()
        per_pair = {
            "usd_per_gbp": quoted[(quoted["currency"] == "GBP") & (quoted["quote"] == "usd_per")],
            "nok_per_usd": quoted[(quoted["currency"] == "NOK") & (quoted["quote"] == "per_usd")],
        }

        def rate(name: str, year: int) -> float | None:
            t = per_pair[name].reset_index(drop=True)
            hit = t.loc[t["year"] == year, "rate"]
            if hit.empty:  # the nearest year with a rate
                hit = t.loc[(t["year"] - year).abs().sort_values().index[:1], "rate"]
            return float(hit.iloc[0]) if len(hit) else None

        rates = {"usd_per_gbp": rate("usd_per_gbp", dollar_year)}
        rates["nok_per_usd"] = rate("nok_per_usd", dollar_year)
        parts = [
            compare_to_benchmarks(
                n["t_per_usd_million"], "t/USD million", dollar_year, table=table, **rates
            ),  # fmt: skip
            compare_to_benchmarks(
                n["t_per_resident"], "t/resident", int(n["fiscal_year"]), table=table, **rates
            ),  # fmt: skip
        ]
        if str(n.get("currency", "USD")) == "NOK":
            y = int(n["fiscal_year"])
            local = {"usd_per_gbp": rate("usd_per_gbp", y), "nok_per_usd": rate("nok_per_usd", y)}
            parts.append(
                compare_to_benchmarks(
                    n["t_per_local_million"], "t/NOK million", y, table=table, **local
                )
            )
        return pd.concat([p for p in parts if len(p)], ignore_index=True)

    def chart(
        self, metric: str = "t_per_resident", member: str | None = None, *, names: bool = False
    ) -> Chart:
        """Bar chart of every member's latest year by a :meth:`normalised` column.

        ``metric``: ``t_per_resident``, ``t_per_employee``, ``t_per_usd_million``
        or ``t_co2e``; ``member``'s bar is highlighted and named. The other
        members are named only with ``names=True`` (when the cohort opted in);
        otherwise they are labelled by rank (:meth:`public_view`).

        Parameters
        ----------
        metric : str
            The figure to draw.
        member : str, optional
            The member to highlight.
        names : bool
            Name every member (only when the cohort agreed).

        Returns
        -------
        Chart

        Examples
        --------
        >>> chart = CohortResults.example().chart(member="a")
        >>> chart.caption.startswith("Town A (highlighted) among")
        True
        """
        n = self.public_view(member, names=names)
        if member is not None:
            own = str(self.normalised().at[member, "name"])
            member = own if not names else member
        if metric not in _METRICS:
            raise ValueError(f"metric={metric!r}: use one of {', '.join(_METRICS)}.")
        unit, title = _METRICS[metric]
        values = n.set_index("name")[metric]
        missing = values.index[values.isna()].astype(str).tolist()
        values = values.dropna()
        name = str(n.loc[member, "name"]) if member is not None else None
        name = name if name in values.index else None
        who = f"{name} (highlighted) among" if name else "Every member of"
        left_out = (
            f" Not shown (no figure for {unit}): {', '.join(missing)}." if missing else ""
        )
        chart = bar(
            values,
            unit=unit,
            title=title,
            highlight=name,
            top=None,
            xlabel=f"{unit} (latest year of each member)",
            caption=f"{who} the cohort's {len(values)} members with this figure: {unit}, each "
            "in its latest ledger year, all computed with the same factors, price year and "
            f"exclusions.{left_out}",
        )
        return _readable_axis(chart, "x")

    def member_code(self, member: str) -> str:
        """A random code for sharing, drawn once per member for this export.

        Not derived from the cohort's (public) order: the same member gets
        another code in another export (another
        :func:`cohort_helpers.cohort_runner.cohort_results` call).

        Parameters
        ----------
        member : str
            A member slug.

        Returns
        -------
        str
            ``M-`` and four letters or digits (:func:`random_code`).

        Examples
        --------
        >>> res = CohortResults.example()
        >>> res.member_code("a") == res.member_code("a"), res.member_code("a")[:2]
        (True, 'M-')
        """
        self._known(member)
        codes = self._codes
        if member not in codes:
            new = random_code()
            while new in codes.values():
                new = random_code()
            codes[member] = new
        return codes[member]

    def public_view(self, member: str | None = None, *, names: bool = False) -> pd.DataFrame:
        """:meth:`normalised` with the members' names only where the cohort agreed.

        With ``names=False`` (the default; set it to True only when the
        cohort opted in to showing names) every member but ``member`` is
        labelled by its rank (``"member ranked 3"``), and the slugs in the
        index are replaced by those labels too. ``member`` keeps its name.

        Parameters
        ----------
        member : str, optional
            The member who keeps its name.
        names : bool
            Keep every name.

        Returns
        -------
        DataFrame
            The :meth:`normalised` table, relabelled.

        Examples
        --------
        >>> CohortResults.example().public_view("b").index.tolist()
        ['member ranked 1', 'Fjordby']
        """
        n = self.normalised().copy()
        if names:
            return n
        labels = ("member ranked " + n["rank"].astype("string")).fillna("member not ranked")
        if labels.duplicated().any():
            labels = labels + " (" + (labels.groupby(labels).cumcount() + 1).astype(str) + ")"
        if member is not None:
            self._known(member)
            labels[member] = str(n.at[member, "name"])
        n["name"] = labels
        n.index = pd.Index(labels.to_numpy(), name="member")
        return n


#: Charts of :meth:`CohortResults.chart`: metric -> (unit, title).
_METRICS = {
    "t_per_resident": ("t CO2e per resident", "Supply-chain emissions per resident"),
    "t_per_employee": ("t CO2e per employee", "Supply-chain emissions per employee"),
    "t_per_usd_million": ("t CO2e per million USD", "Emissions per million dollars of spend"),
    "t_co2e": ("t CO2e", "Supply-chain emissions (Scope 3 categories 1 and 2)"),
}
