"""The inventory: emissions per line, summaries, reconciliation, coverage, hot spots.

A *lines* table (one row per ledger line; columns in ``docs/CONTRACTS.md``)
goes through exclusions and classification, then :func:`compute_emissions`
adds ``spend_factor_usd``, ``factor_kg_per_usd`` and ``kg_co2e``. Everything
else here is a pure summary of that table:

- :func:`reconcile`: input = included + excluded by reason + unclassified,
  to the cent, per currency;
- :func:`summarise`: totals by any column (category, department, Scope 3
  category) with spend, emissions and intensity;
- :func:`hot_spots`: Pareto ranking by emissions vs by spend;
- :func:`coverage`: share of spend classified, by method and confidence;
- :func:`ratio_to_lgo`: supply chain vs the member's Scope 1+2.

The arithmetic that matters is one line: ``kg_co2e = spend_factor_usd *
factor_kg_per_usd``.

Examples
--------
>>> import pandas as pd
>>> lines = pd.DataFrame({"amount": [100.0, 50.0, 25.0], "currency": ["USD"] * 3,
...     "status": ["included", "excluded", "unclassified"],
...     "reason": ["", "payroll_benefits", ""]})
>>> bool(reconcile(lines)["difference_cents"].eq(0).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "STATUSES",
    "cents",
    "reconcile",
    "summarise",
    "hot_spots",
    "coverage",
    "ratio_to_lgo",
    "safe_for_spreadsheet",
    "write_workbook",
]

STATUSES = ("included", "excluded", "unclassified")


def cents(amount: pd.Series) -> pd.Series:
    """Amounts as integer cents (exact sums; floats are never summed for checks).

    Examples
    --------
    >>> cents(pd.Series([0.1, 0.2, -1234.565])).tolist()
    [10, 20, -123457]
    """
    a = amount.astype(float).to_numpy()
    # round half away from zero, as accountants do
    return pd.Series(
        (np.sign(a) * np.floor(np.abs(a) * 100 + 0.5 + 1e-9)).astype("int64"), index=amount.index
    )


def reconcile(lines: pd.DataFrame) -> pd.DataFrame:
    """Input spend = included + excluded (by reason) + unclassified, to the cent.

    Parameters
    ----------
    lines : DataFrame
        Needs ``amount``, ``currency``, ``status`` and ``reason``;
        ``scope3_category`` (1/2) splits the included spend when present.

    Returns
    -------
    DataFrame
        One row per currency and bucket with columns ``currency``, ``bucket``
        (``input``, ``included, category 1``, ``excluded: <reason>``,
        ``unclassified``, ``check``), ``lines`` and ``amount``; the ``check`` row
        holds the difference (input minus the buckets) in ``difference_cents``,
        which is 0 when nothing was lost.

    Raises
    ------
    ValueError
        When a line has a status outside ``included``/``excluded``/``unclassified``.

    Examples
    --------
    >>> df = pd.DataFrame({"amount": [10.10, 20.20], "currency": "USD",
    ...                    "status": ["included", "excluded"], "reason": ["", "refund"]})
    >>> int(reconcile(df).set_index("bucket").loc["check", "difference_cents"])
    0
    """
    bad = ~lines["status"].isin(STATUSES)
    if bad.any():
        raise ValueError(
            f"{int(bad.sum())} line(s) have no valid status (first: index {lines.index[bad][0]}, "
            f"status {lines.loc[bad, 'status'].iloc[0]!r}); expected one of {STATUSES}."
        )
    df = pd.DataFrame(
        {
            "currency": lines["currency"].fillna("?").astype(str),
            "status": lines["status"].astype(str),
            "reason": lines["reason"].fillna("").astype(str),
            "cents": cents(lines["amount"]),
        }
    )
    if "scope3_category" in lines:
        cat = pd.to_numeric(lines["scope3_category"], errors="coerce").fillna(1).astype(int)
        df["bucket"] = np.where(
            df["status"] == "included", "included, category " + cat.astype(str), ""
        )
    else:
        df["bucket"] = np.where(df["status"] == "included", "included", "")
    df.loc[df["status"] == "excluded", "bucket"] = "excluded: " + df["reason"].replace(
        "", "unspecified"
    )
    df.loc[df["status"] == "unclassified", "bucket"] = "unclassified"
    rows = []
    for cur, g in df.groupby("currency", sort=True):
        total = int(g["cents"].sum())
        rows.append((cur, "input", len(g), total, 0))
        parts = g.groupby("bucket", sort=True)["cents"].agg(["size", "sum"])
        order = sorted(
            parts.index, key=lambda b: (not b.startswith("included"), b.startswith("unclass"), b)
        )
        for b in order:
            rows.append((cur, b, int(parts.at[b, "size"]), int(parts.at[b, "sum"]), 0))
        diff = total - int(parts["sum"].sum())
        rows.append((cur, "check", len(g) - int(parts["size"].sum()), diff, diff))
    out = pd.DataFrame(rows, columns=["currency", "bucket", "lines", "cents", "difference_cents"])
    out["amount"] = out["cents"] / 100
    return out[["currency", "bucket", "lines", "amount", "cents", "difference_cents"]]


def summarise(
    lines: pd.DataFrame, by: str | list[str] = "naics6", *, names: pd.Series | None = None
) -> pd.DataFrame:
    """Spend, emissions and intensity of the included lines, grouped.

    Parameters
    ----------
    lines : DataFrame
        With ``status``, ``spend_factor_usd`` and ``kg_co2e``.
    by : str or list of str
        Grouping column(s), e.g. ``"naics6"``, ``"department"``, ``"scope3_category"``.
    names : Series, optional
        Labels for the first grouping column (e.g. NAICS titles), added as ``name``.

    Returns
    -------
    DataFrame
        ``lines``, ``spend_usd``, ``t_co2e``, ``kg_per_usd`` (intensity),
        ``share_spend`` and ``share_emissions``, sorted by emissions.

    Examples
    --------
    >>> df = pd.DataFrame({"status": "included", "naics6": ["327320", "322121"],
    ...                    "spend_factor_usd": [1000.0, 1000.0], "kg_co2e": [900.0, 500.0]})
    >>> float(summarise(df).loc["327320", "kg_per_usd"])
    0.9
    """
    inc = lines[lines["status"] == "included"]
    keys = [by] if isinstance(by, str) else list(by)
    g = inc.groupby(keys, dropna=False, sort=False)
    out = pd.DataFrame(
        {
            "lines": g.size(),
            "spend_usd": g["spend_factor_usd"].sum(),
            "t_co2e": g["kg_co2e"].sum() / 1000,
        }
    )
    out["kg_per_usd"] = np.where(
        out["spend_usd"] != 0, out["t_co2e"] * 1000 / out["spend_usd"], np.nan
    )
    out["share_spend"] = out["spend_usd"] / out["spend_usd"].sum()
    out["share_emissions"] = out["t_co2e"] / out["t_co2e"].sum()
    if names is not None and len(keys) == 1:
        out.insert(0, "name", out.index.map(names))
    return out.sort_values("t_co2e", ascending=False)


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
    """Pareto ranking of a :func:`summarise` table by emissions and by spend.

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

    Examples
    --------
    >>> df = pd.DataFrame({"status": ["included", "unclassified"], "amount": [90.0, 10.0],
    ...                    "method": ["vendor", "unclassified"], "confidence": [0.95, 0.0]})
    >>> float(coverage(df).loc[("method", "vendor"), "share_of_purchase_spend"])
    0.9
    """
    buy = lines[lines["status"].isin(["included", "unclassified"])]
    total = buy["amount"].sum()
    by_method = buy.groupby(buy["method"].fillna("unclassified"))["amount"].agg(["size", "sum"])
    band = pd.cut(
        buy["confidence"].fillna(0.0),
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

    Examples
    --------
    >>> ratio_to_lgo(550.0, pd.DataFrame({"t_co2e": [60.0, 40.0]}))
    5.5
    """
    direct = float(lgo["t_co2e"].sum())
    if direct <= 0:
        raise ValueError("The LGO inventory has no Scope 1+2 emissions to compare with.")
    return t_co2e_supply_chain / direct


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_for_spreadsheet(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe.

    Numbers stay numbers; only text starting with ``= + - @`` (or tab/CR) changes.

    Examples
    --------
    >>> safe_for_spreadsheet(pd.DataFrame({"v": ["=SUM(A1)", "ok", "-x"]}))["v"].tolist()
    ["'=SUM(A1)", 'ok', "'-x"]
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            text = s.astype("string")
            risky = text.str.startswith(_FORMULA_START).fillna(False)
            if risky.any():
                out[col] = s.where(~risky, "'" + text)
    return out


def write_workbook(path, sheets: dict[str, pd.DataFrame], readme: dict[str, str]) -> None:
    """Write ``inventory.xlsx``: a README sheet, then one sheet per table, formula-safe.

    Examples
    --------
    >>> write_workbook("inv.xlsx", {"summary": pd.DataFrame({"a": [1]})},
    ...                {"Factor set": "EPA SEF v1.3"})  # doctest: +SKIP
    """
    readme_df = pd.DataFrame({"item": list(readme), "value": list(readme.values())})
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        safe_for_spreadsheet(readme_df).to_excel(xw, sheet_name="README", index=False)
        for name, frame in sheets.items():
            safe_for_spreadsheet(frame.reset_index() if _named_index(frame) else frame).to_excel(
                xw, sheet_name=name[:31], index=False
            )


def _named_index(frame: pd.DataFrame) -> bool:
    return any(n is not None for n in frame.index.names)
