"""Uncertainty of a spend-based inventory: pedigree variances and Monte Carlo.

Model
-----
Each factor is lognormal. The variance of ln(factor) for a BEA sector is

``sigma2 = pedigree + basic + classification``

- **pedigree**: the sum over five indicators of the ecoinvent v3 variance for
  the indicator's score 1..5 (:data:`PEDIGREE_VARIANCES`, as in the brief).
  The USEEIO data-quality file scores each sector per gas; its columns map
  ``reliability -> reliability``, ``data_collection -> completeness``,
  ``temporal -> temporal``, ``geographical -> geographical``,
  ``technological -> technological`` (further technological correlation).
  One score set per sector (``dq_aggregate``): ``"dominant"`` (default) takes
  the row of the gas that contributes most to that sector's CO2e in SEF v1.3
  by gas (CO2 for most sectors, CH4 or N2O for farming, waste, gas supply);
  ``"worst"`` the worst score per indicator over the gases; ``"co2"`` the CO2
  row; ``"mean"`` the mean of the per-gas variances.
- **basic**: :data:`EEIO_BASIC_VARIANCE` = ln(1.5)^2 ~= 0.164, i.e. a
  geometric standard deviation of 1.5 for an EEIO sector factor before any
  pedigree penalty. Why: ecoinvent's basic uncertainties (e.g. 0.0006 for CO2
  from combustion) describe one measured process; an EEIO factor averages
  every product of a sector (cement and concrete blocks share a code's
  dollars), assumes US technology for imports and rests on national
  accounting data, which published EEIO uncertainty studies put at tens of
  percent per sector. GSD 1.5 (95 % of draws within x/÷ 2.2) is our judgment
  of that; change it with ``basic_variance=``.
- **classification**: ``scale x (1 - confidence)`` where ``confidence`` is
  the mapping's confidence (0..1, from classification or
  :data:`cohort_helpers.downscale.DOWNSCALED_CONFIDENCE`) and ``scale`` is the
  variance of ln(factor) across all codes of the factor set (~0.67 for SEF
  v1.3): a line classified with confidence 0 could carry any factor in the
  set; with confidence c it is wrong with probability ~(1-c), and the
  variance of that mixture is ~(1-c) x scale. Confidence is averaged per
  sector weighted by |emissions|, and applied to the sector as a whole
  (conservative: errors of different lines are treated as correlated).

Sectors missing from the data-quality file take the worst scores of the
sectors sharing their first 5 (then 4) characters, else the worst score per
indicator in the file; a code listing several sectors ("a, b", as SEF
construction rows and NAICS prefix averages do) takes the output-weighted
mean of their variances. Each such fallback is reported.

Propagation: emissions are first summed per BEA code (and group), then one
standard-normal draw per code per iteration is shared by all lines of that
code (they use the same factor): a ``(n_draws x n_codes)`` matrix, so a
million-line inventory costs no more than its few hundred codes. Draws are
independent across codes. The 95 % range is the 2.5th-97.5th percentile of
the total.

Central value: by default (``central="mean"``) each factor's lognormal is
*mean-preserving* (``exp(sigma z - sigma2/2)``): the published factor is the
expected value. An EEIO factor is a sector average (sector emissions / sector
output), so it is a mean, and then the simulated total is centred on the
point estimate. ``central="median"`` is the ecoinvent convention (the factor
is the geometric mean / median); with it, a sum of many independent codes is
centred near ``point x exp(sigma2/2)`` (about +15-20 % with these variances),
and the 95 % range of a diversified inventory can lie entirely *above* the
point estimate, because the sum of medians is below the median of the sum.
That is a useful teaching contrast, not a bug.

Examples
--------
>>> import pandas as pd
>>> inv = pd.DataFrame({"bea_code": ["327310", "541300"], "kg_co2e": [3924.0, 100.0]})
>>> res = monte_carlo(inv, n_draws=1000, seed=1)  # doctest: +SKIP
>>> res.p2_5 < res.point < res.p97_5  # doctest: +SKIP
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import data, factors

__all__ = [
    "DQ_SOURCE",
    "DQ_TO_PEDIGREE",
    "assumptions_line",
    "assumptions_table",
    "output_table",
    "EEIO_BASIC_GSD",
    "EEIO_BASIC_VARIANCE",
    "INDICATORS",
    "PEDIGREE_VARIANCES",
    "MonteCarloResult",
    "classification_variance_scale",
    "code_variances",
    "monte_carlo",
    "pedigree_variance",
    "sector_scores",
    "sector_variances",
    "sensitivity",
]

#: ecoinvent v3 variances of ln(factor) for pedigree scores 1..5.
PEDIGREE_VARIANCES: dict[str, tuple[float, float, float, float, float]] = {
    "reliability": (0.0, 0.0006, 0.002, 0.008, 0.04),
    "completeness": (0.0, 0.0001, 0.0006, 0.002, 0.008),
    "temporal": (0.0, 0.0002, 0.002, 0.008, 0.04),
    "geographical": (0.0, 0.000025, 0.0001, 0.0006, 0.002),
    "technological": (0.0, 0.0006, 0.008, 0.04, 0.12),
}
INDICATORS: tuple[str, ...] = tuple(PEDIGREE_VARIANCES)

#: Data-quality file column -> pedigree indicator.
DQ_TO_PEDIGREE: dict[str, str] = {
    "reliability": "reliability",
    "data_collection": "completeness",
    "temporal": "temporal",
    "geographical": "geographical",
    "technological": "technological",
}

#: Where the pedigree scores come from (the registered data-quality file).
DQ_SOURCE = (
    "US EPA data-quality scores per USEEIO sector and gas (USEPA/supply-chain-factors, "
    "DQ_USEEIOv2.0.16-GHG.csv), ecoinvent v3 pedigree variances"
)

#: Geometric standard deviation assumed for an EEIO factor before pedigree.
EEIO_BASIC_GSD = 1.5
#: Basic variance of ln(factor) for EEIO factors: ln(GSD)^2.
EEIO_BASIC_VARIANCE = math.log(EEIO_BASIC_GSD) ** 2

_GAS_FLOWABLE = {
    "CO2_co2e": "Carbon dioxide",
    "CH4_co2e": "Methane",
    "N2O_co2e": "Nitrous oxide",
    "other_co2e": "Other Greenhouse Gases",
}

Aggregate = Literal["dominant", "worst", "co2", "mean"]


# --------------------------------------------------------------------------
# Scores and variances
# --------------------------------------------------------------------------


def _to_pedigree_columns(scores: pd.DataFrame) -> pd.DataFrame:
    ren = {k: v for k, v in DQ_TO_PEDIGREE.items() if k in scores.columns}
    out = scores.rename(columns=ren)
    missing = [i for i in INDICATORS if i not in out.columns]
    if missing:
        raise KeyError(
            f"Scores need the indicators {list(INDICATORS)} (or the data-quality file names "
            f"{list(DQ_TO_PEDIGREE)}); missing {missing}."
        )
    return out


def pedigree_variance(scores: pd.DataFrame | Mapping[str, int]) -> pd.Series | float:
    """Sum of the ecoinvent variances of ln(factor) for pedigree scores 1..5.

    Parameters
    ----------
    scores : DataFrame or mapping
        One column (key) per indicator, named as in :data:`PEDIGREE_VARIANCES`
        or as in the data-quality file; integer scores 1..5.

    Returns
    -------
    Series (per row) or float (for a mapping)

    Examples
    --------
    >>> pedigree_variance({"reliability": 3, "completeness": 1, "temporal": 2,
    ...                    "geographical": 1, "technological": 3})
    0.0102
    """
    single = isinstance(scores, Mapping)
    df = pd.DataFrame([dict(scores)]) if single else scores
    df = _to_pedigree_columns(df)
    total = pd.Series(0.0, index=df.index)
    for ind in INDICATORS:
        s = pd.to_numeric(df[ind], errors="coerce")
        if s.isna().any() or not s.between(1, 5).all() or not (s == s.round()).all():
            bad = df.loc[~(s.between(1, 5) & (s == s.round())), ind].iloc[0]
            raise ValueError(f"Pedigree score for {ind!r} must be an integer 1..5, got {bad!r}.")
        total += np.asarray(PEDIGREE_VARIANCES[ind])[s.astype(int).to_numpy() - 1]
    return round(float(total.iloc[0]), 12) if single else total.rename("pedigree_variance")


def _dominant_gas_by_bea() -> pd.Series:
    """Per BEA code, the data-quality flowable of the gas with the largest CO2e share."""
    fs = factors.load_factor_set("sef_v1.3_bygas")
    vals = factors.gas_factor_table(fs, factors.AR5_GWP)
    per_bea = factors.mean_by_bea(vals[list(_GAS_FLOWABLE)], fs.naics_view)
    return per_bea.idxmax(axis=1).map(_GAS_FLOWABLE)


def sector_scores(
    aggregate: Aggregate = "dominant",
    dq: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One pedigree score set per BEA sector from the per-gas data-quality file.

    Parameters
    ----------
    aggregate : {"dominant", "worst", "co2"}
        Which gas row(s) give the sector's scores (see the module docstring).
        ("mean" is a variance-level rule: use :func:`sector_variances`.)
    dq : DataFrame, optional
        :func:`cohort_helpers.data.read_dq_scores` output (default: registered file).

    Returns
    -------
    DataFrame
        Index ``bea_code``; the five pedigree indicator columns (int) and
        ``basis`` (the gas used, or "worst over gases").

    Examples
    --------
    >>> [str(x) for x in sector_scores("co2").loc["327310"].tolist()]
    ['3', '1', '2', '1', '2', 'Carbon dioxide']
    """
    dq = data.shared_dataset("dq_scores") if dq is None else dq
    ren = _to_pedigree_columns(dq)
    cols = list(INDICATORS)
    if aggregate == "worst":
        out = ren.groupby("bea_code")[cols].max()
        out["basis"] = "worst over gases"
        return out
    if aggregate == "co2":
        out = ren[ren["flowable"] == "Carbon dioxide"].set_index("bea_code")[cols]
        out["basis"] = "Carbon dioxide"
        return out
    if aggregate == "dominant":
        worst = ren.groupby("bea_code")[cols].max()
        try:
            dom = _dominant_gas_by_bea()
        except Exception:  # by-gas file unavailable: fall back to worst, said so
            worst["basis"] = "worst over gases (by-gas factors unavailable)"
            return worst
        pick = ren.assign(_dom=ren["bea_code"].map(dom))
        rows = pick[pick["flowable"] == pick["_dom"]].drop_duplicates("bea_code")
        out = rows.set_index("bea_code")[cols]
        out["basis"] = rows.set_index("bea_code")["flowable"].to_numpy()
        rest = worst.loc[~worst.index.isin(out.index)].copy()
        rest["basis"] = "worst over gases (sector not in SEF by gas)"
        return pd.concat([out, rest]).sort_index()
    raise ValueError(f"aggregate must be 'dominant', 'worst' or 'co2', got {aggregate!r}.")


def sector_variances(
    aggregate: Aggregate = "dominant",
    dq: pd.DataFrame | None = None,
    scores: pd.DataFrame | Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Pedigree variance of ln(factor) per BEA sector.

    Parameters
    ----------
    aggregate : {"dominant", "worst", "co2", "mean"}
        How the per-gas rows become one value (module docstring).
    dq : DataFrame, optional
        Data-quality table (default: registered file).
    scores : DataFrame or mapping, optional
        Your own scores instead of the file: a DataFrame indexed by
        ``bea_code`` with the indicator columns, or one mapping applied to
        every sector of the file (to show "what if every score were 4").

    Returns
    -------
    DataFrame
        Index ``bea_code``; a variance column per indicator, ``pedigree_variance``, ``basis``.

    Examples
    --------
    >>> float(sector_variances().loc["327310", "pedigree_variance"])
    0.0028
    """
    cols = list(INDICATORS)
    if scores is not None and not isinstance(scores, Mapping):
        sc = _to_pedigree_columns(scores)
        sc = sc.assign(basis=sc["basis"] if "basis" in sc else "given scores")
    else:
        if aggregate == "mean":
            dq_ = data.shared_dataset("dq_scores") if dq is None else dq
            ren = _to_pedigree_columns(dq_)
            per = pd.DataFrame(
                {
                    i: np.asarray(PEDIGREE_VARIANCES[i])[ren[i].to_numpy(dtype=int) - 1]
                    for i in cols
                },
                index=ren.index,
            )
            per["bea_code"] = ren["bea_code"].to_numpy()
            out = per.groupby("bea_code")[cols].mean()
            out["pedigree_variance"] = out[cols].sum(axis=1)
            out["basis"] = "mean of per-gas variances"
            return out if scores is None else _apply_uniform(out, scores)
        sc = sector_scores(aggregate, dq)
        if scores is not None:
            return _apply_uniform(sc, scores)
    out = pd.DataFrame(
        {i: np.asarray(PEDIGREE_VARIANCES[i])[sc[i].astype(int).to_numpy() - 1] for i in cols},
        index=sc.index.astype(str),
    )
    out["pedigree_variance"] = out[cols].sum(axis=1)
    out["basis"] = sc["basis"].to_numpy()
    return out


def _apply_uniform(base: pd.DataFrame, scores: Mapping[str, int]) -> pd.DataFrame:
    fixed = {DQ_TO_PEDIGREE.get(k, k): v for k, v in scores.items()}
    sc = pd.DataFrame({i: fixed[i] for i in INDICATORS}, index=base.index)
    pv = pedigree_variance(sc)
    out = pd.DataFrame(
        {
            i: np.asarray(PEDIGREE_VARIANCES[i])[sc[i].astype(int).to_numpy() - 1]
            for i in INDICATORS
        },
        index=base.index,
    )
    out["pedigree_variance"] = pv.to_numpy()
    out["basis"] = "given scores " + ", ".join(f"{k}={v}" for k, v in fixed.items())
    return out


def code_variances(
    codes: Sequence[str] | pd.Index,
    variances: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Pedigree variance for inventory codes, with fallbacks for codes not in the file.

    ``"a, b"`` (several sectors) takes the output-weighted mean of the
    components' variances; a code not in the file takes the worst variance
    among file codes sharing its first 5 (then 4) characters, else the worst
    per indicator in the file.

    Parameters
    ----------
    codes : sequence of str
        BEA codes of an inventory (``"a, b"`` for several).
    variances : DataFrame, optional
        :func:`sector_variances` (default: from the bundled scores).

    Returns
    -------
    DataFrame
        Index = the distinct ``codes``; ``pedigree_variance`` and ``basis``.

    Examples
    --------
    >>> code_variances(["327310", "333914"])["basis"].tolist()
    ['Carbon dioxide', 'no DQ scores for 333914; worst of 33391*']
    """
    v = sector_variances() if variances is None else variances
    pv = v["pedigree_variance"]
    worst_all = (
        float(v[list(INDICATORS)].max().sum()) if set(INDICATORS) <= set(v) else float(pv.max())
    )
    weights = factors.bea_weights()
    idx = v.index.astype(str)

    def one(c: str) -> tuple[float, str]:
        if c in pv.index:
            return float(pv[c]), str(v.at[c, "basis"])
        for k in (5, 4):
            m = idx.str.startswith(c[:k]) if len(c) >= k else np.zeros(len(idx), bool)
            if m.any():
                return float(pv[m].max()), f"no DQ scores for {c}; worst of {c[:k]}*"
        return worst_all, f"no DQ scores for {c or '<unclassified>'}; worst per indicator"

    rows = {}
    for code in pd.unique(pd.Series(list(codes), dtype=object)):  # distinct codes only
        if code in factors.PROFILE_CODES:  # profile codes: profile-weighted variances
            pw = factors.profile_bea_weights(code)
            parts = [one(c)[0] for c in pw.index]
            val = float(np.dot(pw.to_numpy(), parts))
            rows[code] = (val, f"{code} profile-weighted mean over {len(pw)} sectors")
            continue
        comps = factors.bea_components(code) if isinstance(code, str) else []
        if len(comps) <= 1:
            rows[code] = one(comps[0] if comps else "")
            continue
        parts = [one(c) for c in comps]
        w = weights.reindex(comps).to_numpy(dtype=float) if weights is not None else None
        if w is None or not np.all(w > 0):
            w = np.ones(len(comps))
        val = float(np.dot(w, [p[0] for p in parts]) / w.sum())
        rows[code] = (val, f"output-weighted mean over {len(comps)} sectors")
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["pedigree_variance", "basis"])
    out.index.name = "code"
    return out


def classification_variance_scale(factor_set: Any = None) -> float:
    """Variance of ln(factor) across all codes of a factor set.

    The variance a line would carry if its code were a random guess: the
    scale of the classification-confidence variance ``scale x (1 - confidence)``.

    Parameters
    ----------
    factor_set : str or FactorSet, optional
        Default: SEF v1.3.

    Returns
    -------
    float

    Examples
    --------
    >>> round(classification_variance_scale("sef_v1.3"), 3)
    0.674
    """
    fs = factors.load_factor_set(factor_set or factors.DEFAULT_FACTOR_SET)
    f = fs.table["factor_kg_per_usd"].to_numpy(dtype=float)
    f = f[np.isfinite(f) & (f > 0)]
    return float(np.var(np.log(f), ddof=1))


# --------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class MonteCarloResult:
    """Result of :func:`monte_carlo` (all amounts in the input's unit).

    Attributes
    ----------
    point : float
        Sum of the input emissions (the point estimate).
    mean, median, p2_5, p97_5 : float
        Of the simulated total; the 95 % range is ``(p2_5, p97_5)``.
    n_draws, seed, central, unit
        How it was run.
    by_group : DataFrame or None
        Per group (``by``): ``point``, ``mean``, ``median``, ``p2_5``, ``p97_5``.
    contributions : DataFrame
        Per code, sorted: ``emissions``, ``sigma2``, ``gsd``, ``confidence``,
        ``variance`` (analytic variance of the code's emissions),
        ``share_of_variance``, ``cumulative_share``, ``basis``.
    totals : ndarray
        The ``n_draws`` simulated totals.
    assumptions : dict
        Every number and rule used.

    Examples
    --------
    >>> res.range95  # doctest: +SKIP
    (1775.6, 8461.7)
    """

    point: float
    mean: float
    median: float
    p2_5: float
    p97_5: float
    n_draws: int
    seed: int | None
    central: str
    unit: str
    by_group: pd.DataFrame | None
    contributions: pd.DataFrame
    totals: np.ndarray = field(repr=False)
    assumptions: dict = field(default_factory=dict, repr=False)

    @property
    def range95(self) -> tuple[float, float]:
        """The 95 % range of the total.

        Returns
        -------
        tuple of float
            ``(p2_5, p97_5)``.

        Examples
        --------
        >>> res = monte_carlo(pd.DataFrame({"bea_code": ["327310", "541300"],
        ...                                 "emissions_kg": [3924.0, 100.0]}), seed=1, n_draws=500)
        >>> low, high = res.range95
        >>> bool(low < res.point < high)
        True
        """
        return (self.p2_5, self.p97_5)

    def variance_decomposition(self) -> pd.Series:
        """How much of the range comes from each term; the shares add up to 1.

        Each code's share of the total variance (``share_of_variance``) is
        split among its three log-variance terms in proportion to them
        (``pedigree_variance``, ``basic_variance``, ``classification_variance``,
        which add up to its ``sigma2``), then summed over codes.

        Returns
        -------
        Series
            Term -> share of the variance.

        Examples
        --------
        >>> res = monte_carlo(pd.DataFrame({"bea_code": ["327310", "541300"],
        ...                                 "emissions_kg": [3924.0, 100.0]}), seed=1, n_draws=500)
        >>> round(float(res.variance_decomposition().sum()), 6)
        1.0
        """
        c = self.contributions
        terms = ["pedigree_variance", "basic_variance", "classification_variance"]
        w = c["share_of_variance"].fillna(0.0).to_numpy()
        if w.sum() <= 0:
            w = np.ones(len(c)) / max(len(c), 1)
        part = c[terms].to_numpy() / c["sigma2"].to_numpy()[:, None]
        shares = (w[:, None] * part).sum(axis=0) / w.sum()
        return pd.Series(
            shares, index=["pedigree (data-quality scores)", "basic spread", "classification"],
            name="share_of_variance",
        )

    def summary(self) -> str:
        """A sentence for a notebook or report.

        Returns
        -------
        str

        Examples
        --------
        >>> res = monte_carlo(pd.DataFrame({"bea_code": ["327310", "541300"],
        ...                                 "emissions_kg": [3924.0, 100.0]}), seed=1, n_draws=500)
        >>> print(res.summary())
        Total 4,024 kg CO2e (95% range 1,644-7,719; 500 draws, seed 1; ...
        """
        top = self.contributions.head(3)
        drivers = ", ".join(
            f"{c} ({s:.0%})" for c, s in zip(top.index, top["share_of_variance"], strict=True)
        )
        return (
            f"Total {self.point:,.0f} {self.unit} (95% range {self.p2_5:,.0f}-{self.p97_5:,.0f}; "
            f"{self.n_draws:,} draws, seed {self.seed}; lognormal factors with the point "
            f"estimate as their {self.central}). Largest contributors to the variance: {drivers}."
        )


_VALUE_COLUMNS = ("kg_co2e", "emissions_kg", "emissions_t", "t_co2e", "emissions")
_UNITS = {
    "kg_co2e": "kg CO2e",
    "emissions_kg": "kg CO2e",
    "emissions_t": "t CO2e",
    "t_co2e": "t CO2e",
}


def _value_column(df: pd.DataFrame, value_col: str | None) -> str:
    if value_col:
        if value_col not in df.columns:
            raise KeyError(f"No column {value_col!r}; the table has {list(df.columns)}.")
        return value_col
    for c in _VALUE_COLUMNS:
        if c in df.columns:
            return c
    raise KeyError(
        f"Need an emissions column ({', '.join(_VALUE_COLUMNS)}) or value_col=...; "
        f"the table has {list(df.columns)}."
    )


def monte_carlo(
    lines_or_categories: pd.DataFrame,
    n_draws: int = 1000,
    seed: int | None = 0,
    by: str | Sequence[str] | None = None,
    *,
    value_col: str | None = None,
    code_col: str = "bea_code",
    confidence_col: str = "confidence",
    default_confidence: float = 1.0,
    scores: pd.DataFrame | Mapping[str, int] | None = None,
    dq_aggregate: Aggregate = "dominant",
    basic_variance: float = EEIO_BASIC_VARIANCE,
    classification_scale: float | None = None,
    central: Literal["mean", "median"] = "mean",
    max_groups: int = 20_000,
) -> MonteCarloResult:
    """Monte Carlo range of an inventory's total (and of groups), lognormal factors.

    Parameters
    ----------
    lines_or_categories : DataFrame
        Lines or pre-aggregated categories with an emissions column
        (``kg_co2e`` ... or ``value_col``), the factor's ``bea_code``
        and optionally ``confidence`` (0..1) and the ``by`` columns. Rows with
        NaN emissions are left out and counted in ``assumptions``.
    n_draws : int
        Iterations (1,000 is plenty for a 95 % range).
    seed : int or None
        Seed of numpy's default generator; same seed, same result.
    by : str or list of str, optional
        Columns to report ranges for (e.g. ``"department"``, ``"scope3_category"``).
    scores : DataFrame or mapping, optional
        Override the data-quality file (see :func:`sector_variances`).
    dq_aggregate : {"dominant", "worst", "co2", "mean"}
        How per-gas scores become one set per sector.
    basic_variance : float
        Default :data:`EEIO_BASIC_VARIANCE`.
    classification_scale : float, optional
        Default :func:`classification_variance_scale` of SEF v1.3.
    default_confidence : float
        For rows without a confidence value (1 = certain).
    central : {"mean", "median"}
        Whether the point estimate is each factor's mean (default,
        mean-preserving draws) or median (ecoinvent convention; see the
        module docstring for why the total's range may then exclude it).

    Returns
    -------
    MonteCarloResult

    Examples
    --------
    >>> inv = pd.DataFrame({"bea_code": ["327310", "541300"], "kg_co2e": [3924.0, 100.0]})
    >>> r = monte_carlo(inv, seed=1, n_draws=500)
    >>> bool(r.p2_5 < r.point < r.p97_5)
    True
    """
    df = lines_or_categories
    vcol = _value_column(df, value_col)
    if code_col not in df.columns:
        raise KeyError(
            f"Need a {code_col!r} column (the factor's BEA code, from factors.lookup); "
            f"the table has {list(df.columns)}."
        )
    by_cols = [by] if isinstance(by, str) else list(by or [])
    for c in by_cols:
        if c not in df.columns:
            raise KeyError(f"Group column {c!r} not in the table ({list(df.columns)}).")
    if central not in ("median", "mean"):
        raise ValueError(f"central must be 'median' or 'mean', got {central!r}.")
    if n_draws < 2:
        raise ValueError("n_draws must be at least 2.")

    e_all = pd.to_numeric(df[vcol], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(e_all)
    e = e_all[ok]
    if len(e) == 0:
        raise ValueError(
            f"No row has a number in {vcol!r}: nothing to simulate. Compute emissions first "
            "(inventory.compute_emissions: kg_co2e) and check that lines have factors."
        )
    codes_raw = df[code_col].to_numpy(dtype=object)[ok]
    # tidy the distinct codes, not every line ("" for a missing code)
    raw_idx, raw_uniq = pd.factorize(pd.Series(codes_raw, dtype=object), use_na_sentinel=True)
    tidy = [str(c).strip() for c in raw_uniq] + ([""] if (raw_idx < 0).any() else [])
    u_idx, code_uniq = pd.factorize(pd.Series(tidy, dtype=object), sort=True)
    code_idx = u_idx[raw_idx]  # raw_idx -1 (missing) takes the last one, ""
    n_codes = len(code_uniq)
    if confidence_col in df.columns:
        conf = pd.to_numeric(df[confidence_col], errors="coerce").to_numpy(dtype=float)[ok]
        n_no_conf = int(np.isnan(conf).sum())
        conf = np.clip(np.where(np.isnan(conf), default_confidence, conf), 0.0, 1.0)
    else:
        conf, n_no_conf = np.full(len(e), float(default_confidence)), len(e)

    # aggregate first: emissions and |emissions|-weighted confidence per code
    e_code = np.bincount(code_idx, weights=e, minlength=n_codes)
    abs_code = np.bincount(code_idx, weights=np.abs(e), minlength=n_codes)
    conf_code = np.divide(
        np.bincount(code_idx, weights=np.abs(e) * conf, minlength=n_codes),
        abs_code,
        out=np.ones(n_codes),
        where=abs_code > 0,
    )
    cv = code_variances(list(code_uniq), sector_variances(dq_aggregate, scores=scores))
    ped = cv.loc[list(code_uniq), "pedigree_variance"].to_numpy(dtype=float)
    scale = (
        classification_variance_scale() if classification_scale is None else classification_scale
    )
    sigma2 = ped + basic_variance + scale * (1.0 - conf_code)
    sigma = np.sqrt(sigma2)

    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_draws, n_codes))
    mult = np.exp(z * sigma - (sigma2 / 2.0 if central == "mean" else 0.0))
    totals = mult @ e_code
    q = np.percentile(totals, [2.5, 50.0, 97.5])

    by_group = None
    if by_cols:
        gkeys = df.loc[ok, by_cols].reset_index(drop=True)
        g_idx, g_uniq = pd.factorize(
            pd.MultiIndex.from_frame(gkeys.astype(object))
            if len(by_cols) > 1
            else gkeys[by_cols[0]],
            sort=True,
        )
        n_g = len(g_uniq)
        if n_g > max_groups:
            raise ValueError(
                f"{n_g} groups in {by_cols}: too many for per-group ranges (limit {max_groups}). "
                "Group by a coarser column."
            )
        g_idx = np.where(g_idx < 0, n_g, g_idx)  # NaN group keys get their own group
        n_gg = n_g + int((g_idx == n_g).any())
        cell = np.bincount(code_idx * n_gg + g_idx, weights=e, minlength=n_codes * n_gg)
        m = cell.reshape(n_codes, n_gg)
        gdraws = mult @ m
        gq = np.percentile(gdraws, [2.5, 50.0, 97.5], axis=0)
        labels = list(g_uniq) + (["<missing>"] if n_gg > n_g else [])
        idx = (
            pd.MultiIndex.from_tuples(labels, names=by_cols)
            if len(by_cols) > 1
            else pd.Index(labels, name=by_cols[0])
        )
        by_group = pd.DataFrame(
            {
                "point": m.sum(axis=0),
                "mean": gdraws.mean(axis=0),
                "median": gq[1],
                "p2_5": gq[0],
                "p97_5": gq[2],
            },
            index=idx,
        ).sort_values("point", ascending=False)

    ex = np.exp(sigma2)
    var_factor = ex * (ex - 1.0) if central == "median" else ex - 1.0
    var_c = e_code**2 * var_factor
    contrib = pd.DataFrame(
        {
            "emissions": e_code,
            "sigma2": sigma2,
            "pedigree_variance": ped,
            "basic_variance": np.full(n_codes, float(basic_variance)),
            "classification_variance": scale * (1.0 - conf_code),
            "gsd": np.exp(sigma),
            "confidence": conf_code,
            "variance": var_c,
            "share_of_variance": var_c / var_c.sum() if var_c.sum() > 0 else np.nan,
            "basis": cv.loc[list(code_uniq), "basis"].to_numpy(),
        },
        index=pd.Index([c or "<unclassified>" for c in code_uniq], name=code_col),
    ).sort_values("variance", ascending=False)
    contrib["cumulative_share"] = contrib["share_of_variance"].cumsum()

    assumptions = {
        "distribution": f"lognormal per factor, point estimate = {central}",
        "correlation": "one draw per bea_code per iteration, shared by all its lines; "
        "independent across codes",
        "pedigree_variances": PEDIGREE_VARIANCES,
        "dq_aggregate": dq_aggregate if scores is None else "given scores",
        "basic_variance": basic_variance,
        "classification_scale": scale,
        "classification_variance": "scale x (1 - |emissions|-weighted mean confidence per code)",
        "rows_without_emissions": int((~ok).sum()),
        "rows_without_confidence": n_no_conf,
        "default_confidence": default_confidence,
        "codes_with_fallback_scores": [
            c
            for c, b in zip(code_uniq, cv.loc[list(code_uniq), "basis"], strict=True)
            if str(b).startswith("no DQ")
        ],  # fmt: skip
    }
    return MonteCarloResult(
        point=float(e.sum()),
        mean=float(totals.mean()),
        median=float(q[1]),
        p2_5=float(q[0]),
        p97_5=float(q[2]),
        n_draws=int(n_draws),
        seed=seed,
        central=central,
        unit=_UNITS.get(vcol, vcol),
        by_group=by_group,
        contributions=contrib,
        totals=totals,
        assumptions=assumptions,
    )


def assumptions_table(mc: MonteCarloResult, factor_set: str = "sef_v1.3") -> pd.DataFrame:
    """Every assumption of a Monte Carlo run, and the variance decomposition, as rows.

    Parameters
    ----------
    mc : MonteCarloResult
        A Monte Carlo run.
    factor_set : str
        Name of the factor set the emissions were computed with: for sets
        other than EPA SEF (Open CEDA, a national set) the table says that
        the pedigree scores are the US ones.

    Returns
    -------
    DataFrame
        ``section`` (``"assumption"`` or ``"variance share"``), ``item``,
        ``value`` and ``note``. The ``"variance share"`` values add up to 1.

    Examples
    --------
    >>> res = monte_carlo(pd.DataFrame({"bea_code": ["327310", "541300"],
    ...                                 "emissions_kg": [3924.0, 100.0]}), seed=1, n_draws=500)
    >>> t = assumptions_table(res)
    >>> round(float(t.loc[t.section == "variance share", "value"].astype(float).sum()), 6)
    1.0
    """
    a = mc.assumptions
    basic = float(a.get("basic_variance", EEIO_BASIC_VARIANCE))
    us = str(factor_set).startswith("sef")
    ped_note = (
        "the US sector scores of the EPA factors"
        if us
        else f"US sector scores used for {factor_set} as well: no data-quality scores are "
        "published for these factors, so the US scores of the same BEA sectors stand in "
        "(their real spread is probably wider)"
    )
    rows = [
        ("assumption", "distribution", a.get("distribution", ""), "one lognormal per BEA code"),
        (
            "assumption",
            "central value",
            mc.central,
            "mean: the published factor is the lognormal's mean (EEIO sector average); "
            "median (ecoinvent convention) moves the range up by about 15-20 %",
        ),
        (
            "assumption",
            "basic GSD",
            f"{math.exp(math.sqrt(basic)):.3g}",
            f"variance of ln(factor) {basic:.4f} = ln(GSD)^2, before pedigree; our judgment "
            "for an EEIO sector factor",
        ),
        (
            "assumption",
            "classification term",
            f"{a.get('classification_scale', float('nan')):.4f} x (1 - confidence)",
            "scale = variance of ln(factor) across the codes of EPA SEF v1.3; confidence is "
            "the |emissions|-weighted mean per code",
        ),
        ("assumption", "pedigree source", DQ_SOURCE, ped_note),
        ("assumption", "score aggregation", str(a.get("dq_aggregate", "")), "per-gas rows to one"),
        ("assumption", "correlation", a.get("correlation", ""), ""),
        ("assumption", "draws", f"{mc.n_draws}", ""),
        ("assumption", "seed", f"{mc.seed}", "same seed, same range"),
        (
            "assumption",
            "codes with fallback scores",
            ", ".join(map(str, a.get("codes_with_fallback_scores", []))) or "none",
            "no scores in the file: worst of the codes sharing the first 5 or 4 characters",
        ),
    ]
    dec = mc.variance_decomposition()
    for item, v in dec.items():
        rows.append(("variance share", item, float(v), "share of the total's variance"))
    return pd.DataFrame(rows, columns=["section", "item", "value", "note"])


def output_table(
    ranges: pd.DataFrame, mc: MonteCarloResult | None, factor_set: str = "sef_v1.3"
) -> pd.DataFrame:
    """``uncertainty.csv``: the ranges, then every assumption and the variance shares.

    ``ranges`` rows (``section = "range"``, ``item`` = group) keep their
    ``point_t``, ``mean_t``, ``p2_5_t``, ``p97_5_t``; the rows of
    :func:`assumptions_table` follow with ``value`` and ``note``.

    Parameters
    ----------
    ranges : DataFrame
        ``group``, ``point_t``, ``mean_t``, ``p2_5_t``, ``p97_5_t`` (``inv.uncertainty``).
    mc : MonteCarloResult or None
        The run (None: a row says it was not computed).
    factor_set : str
        The factor set it used.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> res = monte_carlo(pd.DataFrame({"bea_code": ["327310", "541300"],
    ...                                 "emissions_kg": [3924.0, 100.0]}), seed=1, n_draws=500)
    >>> ranges = pd.DataFrame({"group": ["total"], "point_t": [4.0], "mean_t": [4.0],
    ...                        "p2_5_t": [1.6], "p97_5_t": [7.7]})
    >>> output_table(ranges, res).section.unique().tolist()
    ['range', 'assumption', 'variance share']
    """
    r = ranges.copy()
    if "group" in r.columns:
        r = r.rename(columns={"group": "item"})
    r.insert(0, "section", "range")
    if mc is None:
        note = pd.DataFrame(
            [("assumption", "monte carlo", "not computed", "run with n_draws > 0")],
            columns=["section", "item", "value", "note"],
        )
        return pd.concat([r, note], ignore_index=True)
    return pd.concat([r, assumptions_table(mc, factor_set)], ignore_index=True)


def assumptions_line(mc: MonteCarloResult, factor_set: str = "sef_v1.3") -> str:
    """The assumptions of :func:`assumptions_table` in one sentence (README sheet).

    Parameters
    ----------
    mc : MonteCarloResult
        A Monte Carlo run.
    factor_set : str
        The factor set it used.

    Returns
    -------
    str

    Examples
    --------
    >>> res = monte_carlo(pd.DataFrame({"bea_code": ["327310", "541300"],
    ...                                 "emissions_kg": [3924.0, 100.0]}), seed=1, n_draws=500)
    >>> print(assumptions_line(res))
    basic GSD 1.5; classification term 0.6744 x (1 - confidence); ...
    """
    t = assumptions_table(mc, factor_set)
    a = t[t["section"] == "assumption"].set_index("item")["value"]
    v = t[t["section"] == "variance share"].set_index("item")["value"]
    ped = t.set_index("item").loc["pedigree source", "note"]
    return (
        f"basic GSD {a['basic GSD']}; classification term {a['classification term']}; "
        f"pedigree: {a['pedigree source']} ({ped}); published factor = lognormal "
        f"{a['central value']}; {a['draws']} draws, seed {a['seed']}. Share of the variance: "
        + ", ".join(f"{k} {float(x):.0%}" for k, x in v.items())
        + " (see uncertainty.csv)."
    )


def sensitivity(
    lines: pd.DataFrame,
    gsds: Sequence[float] = (1.2, 1.5, 2.0),
    centrals: Sequence[str] = ("mean", "median"),
    *,
    n_draws: int = 1000,
    seed: int | None = 2022,
    value_col: str = "kg_co2e",
) -> pd.DataFrame:
    """The 95 % range of a total under other assumptions: basic GSD x mean/median.

    Parameters
    ----------
    lines : DataFrame
        Included lines with ``bea_code``, emissions (``value_col``) and ``confidence``.
    gsds : sequence of float
        Basic geometric standard deviations to try (1.5 is the default assumption).
    centrals : sequence of {"mean", "median"}
        Whether the published factor is the lognormal's mean or median.

    Returns
    -------
    DataFrame
        One row per (``basic_gsd``, ``central``): ``point_t``, ``p2_5_t``,
        ``p97_5_t``, ``width_pct`` (97.5th minus 2.5th percentile, % of the
        point) and the variance shares of the three terms.

    Examples
    --------
    >>> lines = pd.DataFrame({"bea_code": ["327310", "541300"], "kg_co2e": [3924.0, 100.0]})
    >>> sensitivity(lines, gsds=(1.5,), centrals=("mean",), n_draws=200)["basic_gsd"].tolist()
    [1.5]
    """
    rows = []
    for g in gsds:  # a handful of runs over the same codes
        for c in centrals:
            mc = monte_carlo(
                lines,
                n_draws=n_draws,
                seed=seed,
                value_col=value_col,
                basic_variance=math.log(float(g)) ** 2,
                central=c,  # type: ignore[arg-type]
            )
            dec = mc.variance_decomposition()
            rows.append(
                {
                    "basic_gsd": float(g),
                    "central": c,
                    "point_t": mc.point / 1000,
                    "p2_5_t": mc.p2_5 / 1000,
                    "p97_5_t": mc.p97_5 / 1000,
                    "width_pct": (mc.p97_5 - mc.p2_5) / mc.point * 100 if mc.point else np.nan,
                    "share_pedigree": dec.iloc[0],
                    "share_basic": dec.iloc[1],
                    "share_classification": dec.iloc[2],
                }
            )
    return pd.DataFrame(rows)
