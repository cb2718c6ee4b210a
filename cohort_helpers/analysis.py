"""Session 4's analysis of an inventory: hot spots, coverage, intensity, uncertainty, review.

Pure functions on the tables of :mod:`cohort_helpers.inventory` (its lines
and :func:`~cohort_helpers.inventory.summarise` tables):

- :func:`hot_spots`: Pareto ranking by emissions vs by spend;
- :func:`coverage`: share of spend classified, by method and confidence;
- :func:`ratio_to_lgo`: supply chain vs the member's Scope 1+2;
- :func:`category_labels`: readable ``"<code> <title>"`` labels;
- :func:`intensity`: categories ranked by kg CO2e per dollar;
- :func:`variance_drivers` and :func:`category_ranges`: what drives the
  uncertainty of the total, and the 95 % range of each category;
- :func:`review_queue`: the lines most worth a human look.

Examples
--------
>>> import pandas as pd
>>> s = pd.DataFrame({"spend_usd": [80.0, 10.0, 10.0], "t_co2e": [1.0, 7.0, 2.0]},
...                  index=["services", "concrete", "paper"])
>>> hot_spots(s).table["hot_spot"].tolist()
[True, True, False]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import factors, uncertainty

__all__ = [
    "SEF_MEDIAN_KG_PER_USD",
    "HotSpots",
    "hot_spots",
    "coverage",
    "ratio_to_lgo",
    "category_labels",
    "intensity",
    "variance_drivers",
    "category_ranges",
    "review_queue",
]


@dataclass
class HotSpots:
    """Pareto view: how few categories hold 80% of emissions vs of spend."""

    table: pd.DataFrame
    n80_emissions: int
    n80_spend: int
    overlap: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return (
            f"HotSpots: {self.n80_emissions} categories hold 80% of emissions, "
            f"{self.n80_spend} hold 80% of spend; {len(self.overlap)} in both."
        )


def hot_spots(summary: pd.DataFrame, threshold: float = 0.8) -> HotSpots:
    """Pareto ranking of a :func:`cohort_helpers.inventory.summarise` table by emissions and by spend.

    Parameters
    ----------
    summary : DataFrame
        ``spend_usd`` and ``t_co2e`` per category (index = category).
    threshold : float
        The cumulative share that makes a hot spot (0.8: the categories that
        hold the first 80 %).

    Returns
    -------
    HotSpots
        ``table`` (ranks, cumulative shares, ``hot_spot``), how many
        categories hold ``threshold`` of emissions and of spend, and the
        categories in both.

    Examples
    --------
    >>> s = pd.DataFrame({"spend_usd": [80.0, 10.0, 10.0], "t_co2e": [1.0, 7.0, 2.0]},
    ...                  index=["services", "concrete", "paper"])
    >>> hs = hot_spots(s)
    >>> hs.n80_emissions, hs.n80_spend
    (2, 1)
    """
    t = summary[["spend_usd", "t_co2e"]].copy()

    def rank_and_cum(col: str) -> tuple[pd.Series, pd.Series]:
        order = t[col].sort_values(ascending=False)
        cum = order.cumsum() / order.sum()
        return order.rank(ascending=False, method="first").astype(int), cum

    r_e, cum_e = rank_and_cum("t_co2e")
    r_s, cum_s = rank_and_cum("spend_usd")
    t["rank_emissions"] = r_e
    t["rank_spend"] = r_s
    t["cum_share_emissions"] = cum_e
    t["cum_share_spend"] = cum_s
    in_e = cum_e.index[(cum_e.shift(fill_value=0) < threshold)]
    in_s = cum_s.index[(cum_s.shift(fill_value=0) < threshold)]
    t["hot_spot"] = t.index.isin(in_e)
    t = t.sort_values("rank_emissions")
    return HotSpots(t, len(in_e), len(in_s), [str(i) for i in in_e if i in set(in_s)])


def coverage(
    lines: pd.DataFrame, bins: tuple[float, ...] = (0.0, 0.5, 0.8, 1.0001)
) -> pd.DataFrame:
    """Share of purchase spend classified, by method and by confidence band.

    Purchase spend = included + unclassified (exclusions are not purchases).

    Parameters
    ----------
    lines : DataFrame
        Classified lines: ``status``, ``amount``, ``method``, ``confidence``.
    bins : tuple of float
        Confidence band edges (left-closed).

    Returns
    -------
    DataFrame
        Indexed by (``method`` or ``confidence``, value): ``lines``,
        ``spend``, ``share_of_purchase_spend``.

    Examples
    --------
    >>> df = pd.DataFrame({"status": ["included", "unclassified"], "amount": [90.0, 10.0],
    ...                    "method": ["vendor", "unclassified"], "confidence": [0.95, 0.0]})
    >>> float(coverage(df).loc[("method", "vendor"), "share_of_purchase_spend"])
    0.9
    """
    buy = lines[lines["status"].isin(["included", "unclassified"])]
    total = buy["amount"].sum()
    # a line left unclassified (e.g. its code has no factor) counts as unclassified,
    # with confidence 0, whatever method first proposed its code
    classified = buy["status"].eq("included")
    method = buy["method"].where(classified, "unclassified").fillna("unclassified")
    by_method = buy.groupby(method)["amount"].agg(["size", "sum"])
    band = pd.cut(
        buy["confidence"].where(classified, 0.0).fillna(0.0),
        bins=list(bins),
        right=False,
        labels=[f"{lo:.1f}-{min(hi, 1):.1f}" for lo, hi in zip(bins[:-1], bins[1:], strict=True)],
    )
    by_conf = buy.groupby(band, observed=False)["amount"].agg(["size", "sum"])
    out = pd.concat({"method": by_method, "confidence": by_conf})
    out.columns = ["lines", "spend"]
    out["share_of_purchase_spend"] = out["spend"] / total if total else np.nan
    return out


def ratio_to_lgo(t_co2e_supply_chain: float, lgo: pd.DataFrame) -> float:
    """Supply-chain emissions divided by the member's Scope 1+2 (``t_co2e`` column).

    Parameters
    ----------
    t_co2e_supply_chain : float
        Supply-chain emissions, t CO2e.
    lgo : DataFrame
        The member's local government operations inventory (``t_co2e``).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        The LGO inventory has no emissions.

    Examples
    --------
    >>> ratio_to_lgo(550.0, pd.DataFrame({"t_co2e": [60.0, 40.0]}))
    5.5
    """
    direct = float(lgo["t_co2e"].sum())
    if direct <= 0:
        raise ValueError("The LGO inventory has no Scope 1+2 emissions to compare with.")
    return t_co2e_supply_chain / direct


#: Median SEF v1.3 factor (kg CO2e per 2022 USD, with margins): the brief's reference point.
SEF_MEDIAN_KG_PER_USD = 0.173


def category_labels(codes, factor_set="sef_v1.3", *, width: int | None = 45) -> pd.Series:
    """Readable labels ``"<code> <title>"`` for NAICS codes (for tables and charts).

    Titles come from the factor set. A 2-5 digit (coarse) code is labelled
    ``"<code> (average of <code>xxx codes)"``; an unknown code keeps just the code.

    Parameters
    ----------
    codes : sequence of str
        NAICS codes (e.g. a summary's index).
    factor_set : str or FactorSet
        Where the titles come from.
    width : int or None
        Cut labels longer than this (with an ellipsis); ``None`` keeps them whole.

    Returns
    -------
    Series
        Index = the codes (as given), values = labels.

    Examples
    --------
    >>> category_labels(["327320", "311"]).tolist()
    ['327320 Ready-Mix Concrete Manufacturing', '311 (average of 311xxx codes)']
    """
    fs = factors.load_factor_set(factor_set)
    titles = fs.table["title"] if "title" in fs.table.columns else pd.Series(dtype=str)
    idx = pd.Index(list(codes))
    code = pd.Series(idx.astype(str), index=idx).str.strip()
    title = code.map(titles)
    coarse = code.str.fullmatch(r"\d{2,5}")
    label = code.where(title.isna(), code + " " + title.astype(str))
    label = label.where(~(coarse & title.isna()), code + " (average of " + code + "xxx codes)")
    if width:
        long = label.str.len() > width
        label = label.where(~long, label.str.slice(0, width - 1) + "…")
    return label.rename("label")


def intensity(
    summary: pd.DataFrame,
    *,
    min_share_spend: float = 0.005,
    reference: float = SEF_MEDIAN_KG_PER_USD,
) -> pd.DataFrame:
    """Categories ranked by intensity (kg CO2e per factor-year dollar).

    Parameters
    ----------
    summary : DataFrame
        A :func:`cohort_helpers.inventory.summarise` table (``spend_usd``, ``t_co2e``, ``kg_per_usd``,
        ``share_spend``).
    min_share_spend : float
        Leave out categories with less than this share of spend (tiny
        categories have extreme intensities that matter little).
    reference : float
        Intensity to compare with (default: the median SEF v1.3 factor).

    Returns
    -------
    DataFrame
        The summary rows kept, sorted by ``kg_per_usd`` (highest first), with
        ``times_reference`` = ``kg_per_usd / reference``.

    Examples
    --------
    >>> s = pd.DataFrame({"spend_usd": [100.0, 900.0], "t_co2e": [0.1, 0.09]},
    ...                  index=["327320", "541330"])
    >>> s["kg_per_usd"] = s["t_co2e"] * 1000 / s["spend_usd"]
    >>> s["share_spend"] = s["spend_usd"] / s["spend_usd"].sum()
    >>> intensity(s, reference=0.5)["times_reference"].round(2).tolist()
    [2.0, 0.2]
    """
    need = {"spend_usd", "t_co2e", "kg_per_usd"}
    if not need <= set(summary.columns):
        raise KeyError(
            f"intensity() needs an inventory.summarise() table with {sorted(need)}; "
            f"this one has {list(summary.columns)}."
        )
    share = (
        summary["share_spend"]
        if "share_spend" in summary
        else summary["spend_usd"] / summary["spend_usd"].sum()
    )
    out = summary[share >= min_share_spend].copy()
    out["times_reference"] = out["kg_per_usd"] / reference
    return out.sort_values("kg_per_usd", ascending=False)


def _line_codes(lines: pd.DataFrame, code_col: str) -> pd.Series:
    c = lines[code_col].astype(object)
    c = c.where(c.notna(), "").astype(str).str.strip()
    return c.replace("", "<unclassified>")


def variance_drivers(
    lines: pd.DataFrame,
    mc,
    by: str | list[str] = "naics6",
    *,
    value_col: str = "kg_co2e",
    code_col: str = "bea_code",
) -> pd.DataFrame:
    """Which categories (or lines) drive the uncertainty of the total.

    Each part's contribution is its covariance with the total: a line with
    emissions ``e`` whose factor code has emissions ``E`` in all and relative
    variance ``v`` contributes ``e * E * v``. Lines sharing a code share its
    draws (as in :func:`cohort_helpers.uncertainty.monte_carlo`), so the
    contributions add up exactly to the variance of the total, and a group's
    contribution is the sum of its lines'.

    Parameters
    ----------
    lines : DataFrame
        The lines the Monte Carlo was run on (e.g. ``inv.lines``): ``value_col``
        (kg CO2e), ``code_col`` and the ``by`` columns. Rows without emissions
        are left out, as in the Monte Carlo.
    mc : MonteCarloResult
        From :func:`cohort_helpers.uncertainty.monte_carlo` (``inv.monte_carlo``).
    by : str, list of str, or ``"line"``
        Grouping column(s); ``"line"`` gives one row per ledger line
        (``source_file``, ``source_line``, with vendor and description).

    Returns
    -------
    DataFrame
        ``lines``, ``t_co2e``, ``share_emissions``, ``variance_t2`` (t CO2e
        squared), ``share_of_variance`` and ``cumulative_share``, sorted by
        contribution (largest first).

    Raises
    ------
    ValueError
        When ``lines`` are not the lines ``mc`` was computed from.

    Examples
    --------
    >>> lines = pd.DataFrame({"source_file": "ap.csv", "source_line": [2, 3, 4],
    ...     "naics6": ["327320", "327320", "541330"], "bea_code": ["327320", "327320", "541300"],
    ...     "kg_co2e": [3000.0, 900.0, 100.0], "confidence": 0.9})
    >>> mc = uncertainty.monte_carlo(lines, n_draws=200, seed=1, value_col="kg_co2e")
    >>> d = variance_drivers(lines, mc, by="naics6")
    >>> d["lines"].to_dict(), round(float(d["cumulative_share"].iloc[-1]), 6)
    ({'327320': 2, '541330': 1}, 1.0)
    """
    if value_col not in lines.columns or code_col not in lines.columns:
        raise KeyError(
            f"variance_drivers() needs {value_col!r} and {code_col!r} columns (inventory lines)."
        )
    e = pd.to_numeric(lines[value_col], errors="coerce")
    ok = e.notna().to_numpy() & np.isfinite(e.to_numpy(dtype=float))
    sub = lines.loc[ok]
    e = e[ok].astype(float)
    codes = _line_codes(sub, code_col)
    c = mc.contributions
    missing = ~codes.isin(c.index)
    # the Monte Carlo ran on these very numbers, so it is in the same unit as value_col
    if missing.any() or not np.isclose(e.sum(), mc.point, rtol=1e-6, atol=1e-6):
        first = codes[missing].iloc[0] if missing.any() else None
        raise ValueError(
            "These lines are not the ones the Monte Carlo result was computed from"
            + (f" (code {first!r} is not in it)" if first else " (the totals differ)")
            + ". Run uncertainty.monte_carlo on the same lines, or use inv.lines with "
            "inv.monte_carlo."
        )
    emis = c["emissions"].to_numpy(dtype=float)
    var = c["variance"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(emis != 0, var / emis**2, np.exp(c["sigma2"].to_numpy(dtype=float)) - 1)
    rel = pd.Series(rel, index=c.index).reindex(codes).to_numpy()
    code_total = pd.Series(emis, index=c.index).reindex(codes).to_numpy()
    to_t = 1 / 1000 if value_col.startswith("kg") else 1.0
    contrib = e.to_numpy() * code_total * rel * to_t**2  # covariance with the total, t^2
    frame = sub.assign(
        _t=e.to_numpy() * to_t,
        _var=contrib,
        _gsd=codes.map(c["gsd"]).to_numpy(),
    )
    if by == "line":
        keys = ["source_file", "source_line"]
        extra = [
            k
            for k in ("vendor", "description", "naics6", "method", "confidence")
            if k in frame.columns
        ]
        out = frame.set_index(keys)[[*extra, "_t", "_var", "_gsd"]].rename(
            columns={"_t": "t_co2e", "_var": "variance_t2", "_gsd": "gsd"}
        )
        out.insert(0, "lines", 1)
    else:
        keys = [by] if isinstance(by, str) else list(by)
        g = frame.groupby(keys, dropna=False, sort=False)
        out = pd.DataFrame(
            {"lines": g.size(), "t_co2e": g["_t"].sum(), "variance_t2": g["_var"].sum()}
        )
    total_var = out["variance_t2"].sum()
    out["share_emissions"] = out["t_co2e"] / out["t_co2e"].sum()
    out["share_of_variance"] = out["variance_t2"] / total_var if total_var > 0 else np.nan
    out = out.sort_values("variance_t2", ascending=False)
    out["cumulative_share"] = out["share_of_variance"].cumsum()
    return out


def category_ranges(
    lines: pd.DataFrame,
    by: str = "naics6",
    *,
    top: int | None = 10,
    n_draws: int = 1000,
    seed: int = 2022,
) -> pd.DataFrame:
    """95 % ranges of the largest categories (Monte Carlo with ``by=``), in t CO2e.

    Runs :func:`cohort_helpers.uncertainty.monte_carlo` on the lines with
    emissions, grouped by ``by``. With the inventory's seed (2022) and draws
    the total's range is the inventory's own.

    Parameters
    ----------
    lines : DataFrame
        Inventory lines (``kg_co2e``, ``bea_code``, ``confidence`` and ``by``).
    by : str
        Category column (``naics6``, ``department``, ``scope3_category`` ...).
    top : int or None
        Keep the ``top`` categories with the most emissions (``None``: all).
    n_draws, seed : int
        Monte Carlo settings (same seed, same result).

    Returns
    -------
    DataFrame
        One row per category, largest first: ``by``, ``t_co2e`` (point
        estimate), ``low_t`` and ``high_t`` (2.5th and 97.5th percentiles),
        ``mean_t``.

    Examples
    --------
    >>> lines = pd.DataFrame({"naics6": ["327320", "327320", "541330"],
    ...     "bea_code": ["327320", "327320", "541300"], "kg_co2e": [3000.0, 900.0, 100.0],
    ...     "confidence": 0.9})
    >>> r = category_ranges(lines, top=None, n_draws=200, seed=1)
    >>> r[["naics6", "t_co2e"]].values.tolist()
    [['327320', 3.9], ['541330', 0.1]]
    >>> bool((r["low_t"] < r["t_co2e"]).all() and (r["t_co2e"] < r["high_t"]).all())
    True
    """
    cols = ["kg_co2e", "bea_code", "confidence", by]
    missing = [c for c in cols if c not in lines.columns]
    if missing:
        raise KeyError(f"category_ranges() needs inventory lines with {missing}.")
    sub = lines.loc[pd.to_numeric(lines["kg_co2e"], errors="coerce").notna(), cols]
    mc = uncertainty.monte_carlo(sub, n_draws=n_draws, seed=seed, by=by, value_col="kg_co2e")
    g = mc.by_group
    out = pd.DataFrame(
        {
            by: g.index.astype(str) if by == "naics6" else g.index,
            "t_co2e": g["point"].to_numpy() / 1000,
            "low_t": g["p2_5"].to_numpy() / 1000,
            "high_t": g["p97_5"].to_numpy() / 1000,
            "mean_t": g["mean"].to_numpy() / 1000,
        }
    )
    out = out.sort_values(["t_co2e", by], ascending=[False, True], kind="mergesort")
    out = out.reset_index(drop=True)
    return out.head(top) if top else out


def review_queue(
    lines: pd.DataFrame,
    n: int = 20,
    *,
    max_confidence: float = 0.8,
) -> pd.DataFrame:
    """The purchase lines most worth a human look: low confidence, high spend.

    A line qualifies when it is a purchase (``included`` or ``unclassified``),
    was not overridden already, and its confidence is below ``max_confidence``
    (unclassified lines count as confidence 0). Lines are ranked by
    ``priority = |amount| x (1 - confidence)``: the spend that is probably in
    the wrong category.

    Parameters
    ----------
    lines : DataFrame
        Classified lines (``inv.lines``).
    n : int
        How many lines to return.
    max_confidence : float
        Lines at or above this confidence are not queued.

    Returns
    -------
    DataFrame
        Up to ``n`` lines, highest priority first, with ``source_file``,
        ``source_line``, the ledger columns that help decide (vendor,
        department, account, description, mcc), ``amount``, ``currency``,
        ``status``, ``naics6``, ``method``, ``confidence``, ``kg_co2e`` and
        ``priority``.

    Examples
    --------
    >>> df = pd.DataFrame({"source_file": "ap.csv", "source_line": [2, 3, 4],
    ...     "amount": [1000.0, 5000.0, 9000.0], "status": ["included", "unclassified",
    ...     "included"], "naics6": ["311", None, "541330"],
    ...     "method": ["object_code", None, "vendor"], "confidence": [0.35, None, 0.95]})
    >>> review_queue(df)["source_line"].tolist()
    [3, 2]
    """
    need = ["source_file", "source_line", "amount", "status", "confidence"]
    missing = [c for c in need if c not in lines.columns]
    if missing:
        raise KeyError(f"review_queue() needs classified lines with {missing} (use inv.lines).")
    conf = pd.to_numeric(lines["confidence"], errors="coerce").fillna(0.0).clip(0, 1)
    method = lines["method"].astype(object) if "method" in lines else pd.Series("", lines.index)
    buy = lines["status"].isin(["included", "unclassified"])
    mask = buy & (conf < max_confidence) & method.ne("override")
    cand = lines.loc[mask].copy()
    cand["confidence"] = conf[mask]
    cand["priority"] = cand["amount"].astype(float).abs() * (1.0 - cand["confidence"])
    cand = cand.sort_values(
        ["priority", "source_file", "source_line"],
        ascending=[False, True, True],
        kind="mergesort",
    )
    cols = [
        "source_file",
        "source_line",
        "vendor",
        "department",
        "account",
        "description",
        "mcc",
        "amount",
        "currency",
        "status",
        "naics6",
        "method",
        "confidence",
        "kg_co2e",
        "priority",
    ]
    keep = [c for c in cols if c in cand.columns]
    if "mcc" in keep and cand["mcc"].isna().all():
        keep.remove("mcc")
    return cand[keep].head(n).reset_index(drop=True)
