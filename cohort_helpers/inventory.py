"""The inventory: emissions per line, summaries, reconciliation, the member's outputs.

A *lines* table (one row per ledger line; columns in ``docs/CONTRACTS.md``)
goes through exclusions and classification, then :func:`compute_emissions`
adds ``spend_factor_usd``, ``factor_kg_per_usd`` and ``kg_co2e``. Everything
else here is a pure summary of that table:

- :func:`reconcile`: input = included + excluded by reason + unclassified,
  to the cent, per currency;
- :func:`exclusion_table` and :func:`waterfall_steps`: the reconciliation's
  exclusions in plain language, and the steps from total payments to
  factor-ready spend (for :func:`cohort_helpers.plots.waterfall`);
- :func:`summarise`: totals by any column (category, department, Scope 3
  category) with spend, emissions and intensity.

Session 4's analysis of these tables (hot spots, coverage, intensity,
uncertainty drivers, the review queue) is in :mod:`cohort_helpers.analysis`.

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

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import (
    adjust,
    data,
    exclude,
    factors,
    ledger,
    members,
    outdir,
    safe_files,
    uncertainty,
    vocabulary,
)
from . import classify as classify_mod
from .factors import load_factor_set
from .vocabulary import REASON_TEXT, STATUSES

__all__ = [
    "cents",
    "reconcile",
    "exclusion_table",
    "waterfall_steps",
    "summarise",
    "safe_for_spreadsheet",
    "write_workbook",
]


def cents(amount: pd.Series) -> pd.Series:
    """Amounts as integer cents (exact sums; floats are never summed for checks).

    Parameters
    ----------
    amount : Series
        Amounts in currency units (anything ``astype(float)`` reads).

    Returns
    -------
    Series
        int64 cents, rounded half away from zero (as accountants do), with the
        index of ``amount``.

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
        ``unclassified``, ``check``; included lines flagged ``possible_duplicate``
        for review get ``included, category N, possible duplicate``), ``lines`` and
        ``amount``; the ``check`` row
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
    split = "scope3_category" in lines
    category = (
        pd.to_numeric(lines["scope3_category"], errors="coerce").fillna(1).astype(int)
        if split
        else pd.Series(0, index=lines.index)
    )
    # Sum per distinct (currency, status, reason, category) first, then label
    # those few groups: no string work per line on long ledgers.
    keyed = pd.DataFrame(
        {
            "currency": lines["currency"].fillna("?"),
            "status": lines["status"],
            "reason": lines["reason"].fillna(""),
            "category": category,
            "flag": lines["flag"].fillna("") if "flag" in lines else "",
            "cents": cents(lines["amount"]),
        }
    )
    groups = (
        keyed.groupby(
            ["currency", "status", "reason", "category", "flag"], sort=False, dropna=False
        )["cents"]
        .agg(["size", "sum"])
        .reset_index()
    )
    groups["currency"] = groups["currency"].astype(str)
    status = groups["status"].astype(str)
    reason = groups["reason"].astype(str).replace("", "unspecified")
    included = "included, category " + groups["category"].astype(str) if split else "included"
    groups["bucket"] = np.where(
        status == "included",
        included,
        np.where(status == "excluded", "excluded: " + reason, "unclassified"),
    )
    # included lines flagged for review stay included, in a bucket of their own
    possible = (status == "included") & groups["flag"].astype(str).eq("possible_duplicate")
    groups.loc[possible, "bucket"] = groups.loc[possible, "bucket"] + ", possible duplicate"
    df = groups.groupby(["currency", "bucket"], sort=True)[["size", "sum"]].sum().reset_index()
    inputs = keyed.groupby("currency", dropna=False)["cents"].agg(["size", "sum"])
    inputs.index = inputs.index.astype(str)
    rows = []
    for cur, parts in df.groupby("currency", sort=True):
        parts = parts.set_index("bucket")
        n_in, total = int(inputs.at[cur, "size"]), int(inputs.at[cur, "sum"])
        rows.append((cur, "input", n_in, total, 0))
        order = sorted(
            parts.index, key=lambda b: (not b.startswith("included"), b.startswith("unclass"), b)
        )
        for b in order:
            rows.append((cur, b, int(parts.at[b, "size"]), int(parts.at[b, "sum"]), 0))
        diff = total - int(parts["sum"].sum())
        rows.append((cur, "check", n_in - int(parts["size"].sum()), diff, diff))
    out = pd.DataFrame(rows, columns=["currency", "bucket", "lines", "cents", "difference_cents"])
    out["amount"] = out["cents"] / 100
    return out[["currency", "bucket", "lines", "amount", "cents", "difference_cents"]]


def _one_currency(reconciliation: pd.DataFrame, currency: str | None) -> pd.DataFrame:
    need = {"currency", "bucket", "lines", "amount"}
    if not isinstance(reconciliation, pd.DataFrame) or not need <= set(reconciliation.columns):
        raise TypeError(
            "Expected the reconciliation table of an inventory (inv.reconciliation, from "
            f"inventory.reconcile) with columns {sorted(need)}."
        )
    curs = list(dict.fromkeys(reconciliation["currency"]))
    if currency is None:
        if len(curs) != 1:
            raise ValueError(
                f"The reconciliation has several currencies {curs}: pass currency='...'."
            )
        currency = curs[0]
    rec = reconciliation[reconciliation["currency"] == currency]
    if rec.empty:
        raise KeyError(f"No reconciliation rows in {currency!r}; currencies: {curs}.")
    return rec


def exclusion_table(reconciliation: pd.DataFrame, currency: str | None = None) -> pd.DataFrame:
    """Every exclusion with its reason in plain language, its lines and its money.

    Parameters
    ----------
    reconciliation : DataFrame
        ``inv.reconciliation`` (see :func:`reconcile`).
    currency : str, optional
        Needed only when the reconciliation holds several currencies.

    Returns
    -------
    DataFrame
        One row per exclusion reason present: ``reason``, ``label``, ``why``,
        ``lines``, ``amount`` (ledger currency) and ``share_of_payments``
        (of the input total), largest first. Reasons outside
        :data:`cohort_helpers.vocabulary.REASON_TEXT` keep their code as
        the label.

    Examples
    --------
    >>> rec = pd.DataFrame({"currency": "USD", "bucket": ["input", "included, category 1",
    ...     "excluded: payroll_benefits", "check"], "lines": [3, 2, 1, 0],
    ...     "amount": [100.0, 40.0, 60.0, 0.0]})
    >>> exclusion_table(rec)[["label", "amount"]].values.tolist()
    [['Payroll and benefits', 60.0]]
    """
    rec = _one_currency(reconciliation, currency)
    total = float(rec.loc[rec["bucket"] == "input", "amount"].sum())
    ex = rec[rec["bucket"].str.startswith("excluded: ")]
    reason = ex["bucket"].str.removeprefix("excluded: ")
    out = pd.DataFrame(
        {
            "reason": reason.to_numpy(),
            "label": reason.map(lambda r: REASON_TEXT.get(r, (r, ""))[0]).to_numpy(),
            "why": reason.map(
                lambda r: REASON_TEXT.get(r, (r, "see the rules"))[1]
            ).to_numpy(),
            "lines": ex["lines"].to_numpy(dtype=int),
            "amount": ex["amount"].to_numpy(dtype=float),
        }
    )
    out["share_of_payments"] = out["amount"] / total if total else np.nan
    return out.sort_values(["amount", "reason"], ascending=[False, True], ignore_index=True)


def waterfall_steps(
    reconciliation: pd.DataFrame,
    currency: str | None = None,
    *,
    min_share: float = 0.005,
    start_label: str = "Total payments",
) -> pd.Series:
    """Steps from total payments to factor-ready spend, for :func:`cohort_helpers.plots.waterfall`.

    The first value is the input total; then one negative step per exclusion
    reason (plain-language label) and for unclassified spend. Reasons
    smaller than ``min_share`` of the input are summed into one step
    "Smaller exclusions" (listed in ``attrs["grouped"]``; the full list is
    :func:`exclusion_table`). The steps add up to the included spend
    (categories 1 and 2), which ``plots.waterfall`` draws as the result.

    Parameters
    ----------
    reconciliation : DataFrame
        ``inv.reconciliation`` (see :func:`reconcile`).
    currency : str, optional
        Needed only when the reconciliation holds several currencies.
    min_share : float
        Exclusions smaller than this share of the input are grouped.
    start_label : str
        Label of the first bar.

    Returns
    -------
    Series
        Labels to amounts (ledger currency); ``attrs``: ``currency``,
        ``factor_ready`` (the included spend), ``grouped``.

    Examples
    --------
    >>> rec = pd.DataFrame({"currency": "USD", "bucket": ["input", "included, category 1",
    ...     "excluded: payroll_benefits", "excluded: refund", "unclassified", "check"],
    ...     "lines": [4, 1, 1, 1, 1, 0], "amount": [1000.0, 390.0, 600.0, 1.0, 9.0, 0.0]})
    >>> waterfall_steps(rec).to_dict()
    {'Total payments': 1000.0, 'Payroll and benefits': -600.0, 'Unclassified': -9.0, 'Smaller exclusions': -1.0}
    """
    rec = _one_currency(reconciliation, currency)
    total = float(rec.loc[rec["bucket"] == "input", "amount"].sum())
    table = exclusion_table(rec)
    small = table["amount"].abs() < min_share * abs(total) if total else table["amount"] == 0
    steps = {start_label: total}
    for label, amount in zip(table.loc[~small, "label"], table.loc[~small, "amount"], strict=True):
        steps[label] = -float(amount)
    unclassified = float(rec.loc[rec["bucket"] == "unclassified", "amount"].sum())
    if unclassified:
        steps["Unclassified"] = -unclassified
    if small.any():
        steps["Smaller exclusions"] = -float(table.loc[small, "amount"].sum())
    out = pd.Series(steps, name="amount")
    included = float(rec.loc[rec["bucket"].str.startswith("included"), "amount"].sum())
    out.attrs.update(
        currency=str(rec["currency"].iloc[0]),
        factor_ready=included,
        grouped=table.loc[small, "label"].tolist(),
    )
    return out


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
    keys = [by] if isinstance(by, str) else list(by)
    need = list(dict.fromkeys([*keys, "spend_factor_usd", "kg_co2e"]))  # copy only these
    inc = lines.loc[(lines["status"] == "included").to_numpy(), need]
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


#: Kept importable from here; the one formula-neutralising rule lives in :mod:`safe_files`.
safe_for_spreadsheet = safe_files.neutralise

#: Note row of a workbook sheet cut at ``max_rows``.
WORKBOOK_CUT_NOTE = "the full line table is in lines.csv (and lines.parquet where written)."


def write_workbook(
    path,
    sheets: dict[str, pd.DataFrame],
    readme: dict[str, str],
    *,
    max_rows: int | None = None,
    note: str = WORKBOOK_CUT_NOTE,
) -> dict[str, int]:
    """Write ``inventory.xlsx``: a README sheet, then one sheet per table, formula-safe.

    Written with :func:`cohort_helpers.safe_files.write_xlsx` (xlsxwriter,
    constant memory; no text becomes a formula). A table longer than
    ``max_rows`` (default: what one Excel sheet holds) is cut, with a last
    row saying so (``note``).

    Parameters
    ----------
    path : str or Path
        The workbook to write (replaced when it exists).
    sheets : dict of str to DataFrame
        Sheet name -> table, in sheet order after the README.
    readme : dict of str to str
        Item -> value rows of the first sheet, ``README``.
    max_rows : int, optional
        Data rows per sheet at most; default what one Excel sheet holds.
    note : str
        What the row that ends a cut sheet says after "Only the first N of M
        rows are in this sheet;".

    Returns
    -------
    dict
        Sheet name -> data rows written (``README`` first; a cut sheet counts
        the rows kept).

    Examples
    --------
    >>> write_workbook("inv.xlsx", {"summary": pd.DataFrame({"a": [1, 2]}),
    ...                             "lines": pd.DataFrame({"b": range(5)})},
    ...                {"Factor set": "EPA SEF v1.3"}, max_rows=3)
    {'README': 1, 'summary': 2, 'lines': 3}
    """
    readme_df = pd.DataFrame({"item": list(readme), "value": list(readme.values())})
    return safe_files.write_xlsx(
        path, {"README": readme_df, **sheets}, max_rows=max_rows, note=note
    )


def _named_index(frame: pd.DataFrame) -> bool:
    return any(n is not None for n in frame.index.names)


# --------------------------------------------------------------------------
# The pipeline: ledgers -> lines with emissions -> summaries
# --------------------------------------------------------------------------


def compute_emissions(
    lines: pd.DataFrame,
    factor_set="sef_v1.3",
    *,
    price_method: str = "bea",
    rates=None,
    conversion: str = "market",
) -> pd.DataFrame:
    """Add ``spend_factor_usd``, ``factor_kg_per_usd`` and ``kg_co2e`` to included lines.

    ``conversion="ppp"`` converts other currencies at OECD purchasing power
    parities instead of market rates (see :func:`cohort_helpers.adjust.to_factor_dollars`).

    Spend is converted to the factor set's currency and dollar year (BEA
    sector price index, or CPI-U with ``price_method="cpi_u"``), using the
    calendar year of each line's date (the price indices are annual). Included
    lines whose code has no factor become ``unclassified`` with the reason
    ``no factor for code``: never dropped.

    The one line of arithmetic: ``kg_co2e = spend_factor_usd * factor_kg_per_usd``.

    Examples
    --------
    >>> lines = pd.DataFrame({"status": ["included"], "naics6": ["327310"],
    ...     "amount": [1000.0], "currency": ["USD"], "fiscal_year": [2022],
    ...     "date": pd.to_datetime(["2022-03-01"])})
    >>> round(compute_emissions(lines)["kg_co2e"].item())  # doctest: +SKIP
    3924
    """

    fs = (
        factors.load_factor_set(factor_set)
        if not isinstance(factor_set, factors.FactorSet)
        else factor_set
    )
    out = lines.copy()
    inc = out["status"].eq("included").to_numpy()
    if not inc.any():
        for col in ("spend_factor_usd", "factor_kg_per_usd", "kg_co2e"):
            out[col] = np.nan
        for col in ("bea_code", "factor_match", "factor_basis"):
            out[col] = pd.Series(pd.NA, index=out.index, dtype="string")
        out.attrs["factor_set"] = fs.name
        return out
    # positions, numpy arrays and one take per text column: no label-based setitem
    n = len(out)
    pos = np.flatnonzero(inc)
    sub = out["naics6"].iloc[pos]
    # coarse codes average with government purchase weights; capital (category 2) lines
    # with the investment columns (contract C5; factors.lookup)
    cat = out["scope3_category"].iloc[pos] if "scope3_category" in out else None
    found = factors.lookup(
        sub.astype(str).reset_index(drop=True),
        fs,
        category=None if cat is None else cat.reset_index(drop=True),
        errors="ignore",
    )
    factor = found["factor_kg_per_usd"].to_numpy(dtype=float)
    missing = np.isnan(factor)
    spend = np.full(n, np.nan)
    fac = np.full(n, np.nan)
    kg = np.full(n, np.nan)
    fac[pos] = factor
    where = np.full(n, -1, dtype=np.int64)  # line -> its row in `found` (-1: not included)
    where[pos] = np.arange(len(pos))
    texts = {
        col: pd.Series(
            found[key].astype("string").reset_index(drop=True).array.take(where, allow_fill=True),
            index=out.index,
        )
        for col, key in (
            ("bea_code", "bea_code"),
            ("factor_match", "match"),
            ("factor_basis", "factor_basis"),
        )
    }
    if missing.any():
        gone = out.index[pos[missing]]
        out.loc[gone, "status"] = "unclassified"
        out.loc[gone, "reason"] = "no factor for code " + out.loc[gone, "naics6"].astype(str)
    keep = pos[~missing]
    if len(keep):
        dates = out["date"].iloc[keep] if "date" in out else None
        year = (
            dates.dt.year
            if dates is not None and dates.notna().all()
            else out["fiscal_year"].iloc[keep]
        )
        frame = pd.DataFrame(
            {
                "amount": out["amount"].iloc[keep].astype(float),
                "currency": out["currency"].iloc[keep].fillna("USD").astype(str),
                "year": year.astype(int),
                "bea_code": texts["bea_code"].iloc[keep].astype(str),
            },
            index=out.index[keep],
        )
        adj = adjust.to_factor_dollars(
            frame, fs, rates=rates, method=price_method, year_col="year", conversion=conversion
        )
        out.attrs.update(
            price_note=adj.attrs["note"],
            price_method_used=adj.attrs["price_method"],
            currency_rule=adj.attrs["currency_rule"],
            exchange_rates=adjust.rates_used(adj),
        )
        spend[keep] = adj["amount_adjusted"].to_numpy(dtype=float)
        kg[keep] = spend[keep] * fac[keep]
    out["spend_factor_usd"] = spend
    out["factor_kg_per_usd"] = fac
    out["kg_co2e"] = kg
    for col, values in texts.items():
        out[col] = values
    out.attrs.update(factor_set=fs.name, price_method=price_method, dollar_year=fs.dollar_year)
    return out


@dataclass
class Inventory:
    """A member-year's Scope 3 (categories 1 and 2) inventory and how it was made."""

    member: str
    fiscal_year: int
    lines: pd.DataFrame = field(repr=False)
    summary: pd.DataFrame = field(repr=False)
    reconciliation: pd.DataFrame = field(repr=False)
    uncertainty: pd.DataFrame = field(repr=False)
    settings: dict = field(default_factory=dict)
    monte_carlo: object = field(default=None, repr=False)

    @property
    def t_co2e(self) -> float:
        return float(self.lines["kg_co2e"].sum()) / 1000

    def by(self, column: str | list[str]) -> pd.DataFrame:
        """Summary grouped by any column (``department``, ``scope3_category`` ...)."""
        return summarise(self.lines, column)

    def readme(self) -> dict[str, str]:
        """The run's metadata (C6): ordered item -> text, for README sheet, README.txt, metadata.json.

        Ends with the reference files used (SHA-256 and whether each is the
        file as published: a file accepted with ``--allow-unverified`` is
        marked NOT VERIFIED here, in every output).
        """

        s = self.settings
        out = {
            "Member": self.member,
            "Fiscal year": s.get("fiscal_year_note") or str(self.fiscal_year),
            "Currency": f"amounts in {s.get('currency') or 'the ledger currency'}; "
            "spend_factor_usd in the factor set's dollar year",
            "Factor set": s.get("factor_description", s.get("factors", "")),
            "Price year": f"{s.get('dollar_year')} USD ({s.get('price_method')} price index)",
            "Price conversion": s.get("price_note", ""),
            "Exchange rates": s.get("exchange_rates", "") or "none needed (all spend in USD)",
            "Price basis": s.get("price_basis", ""),
            "Exclusions": "payroll and benefits, debt service, transfers, grants and pass-through, "
            "taxes and fees to governments, refunds, land, Scope 1/2 energy (fuel, electricity, "
            "natural gas, district heat), duplicates, voided payments",
            "Method": "spend-based: included spend (factor-year USD) x EEIO factor (kg CO2e/USD); "
            "emissions in kg CO2e per line, t CO2e in summaries",
            "Uncertainty": s.get("uncertainty", ""),
            "Uncertainty assumptions": s.get("uncertainty_assumptions", ""),
            "Reconciliation": "input = included + excluded (by reason) + unclassified, to the cent",
            "Sources": s.get("attribution", ""),
        }
        refs = s.get("reference_files") or data.provenance()
        out["Reference data verification"] = data.verification_summary(refs)
        for r in refs:
            out[f"Reference file {r['name']}"] = f"{r['file']} sha256 {r['sha256']} ({r['state']})"
        return out


def _mc_table(mc) -> pd.DataFrame:
    rows = [("total", mc.point, mc.mean, mc.p2_5, mc.p97_5)]
    if mc.by_group is not None:
        for k, r in mc.by_group.iterrows():
            rows.append((str(k), r["point"], r["mean"], r["p2_5"], r["p97_5"]))
    out = pd.DataFrame(rows, columns=["group", "point_kg", "mean_kg", "p2_5_kg", "p97_5_kg"])
    for c in ["point", "mean", "p2_5", "p97_5"]:
        out[f"{c}_t"] = out.pop(f"{c}_kg") / 1000
    return out


class InventoryInputError(ValueError):
    """A setting of the run that contradicts the files (fiscal year, rates): fix and rerun."""


class InventoryWarning(UserWarning):
    """Something about the run that deserves a look (e.g. most spend outside the fiscal year)."""


#: First month of the fiscal year and currency when a country is given and the mapping is silent.
COUNTRY_SETTINGS = {
    "US": {"currency": "USD", "fiscal_year_start_month": 7},
    "GB": {"currency": "GBP", "fiscal_year_start_month": 4},
    "NO": {"currency": "NOK", "fiscal_year_start_month": 1},
}


def _as_list(x) -> list:
    if x is None:
        return []
    if isinstance(x, str | bytes) or hasattr(x, "__fspath__") or isinstance(x, dict):
        return [x]
    return list(x)


def prepare_mappings(paths_: list, mapping, country: str | None = None) -> list[dict]:
    """One validated mapping per ledger, with the country's currency and fiscal-year start
    filled in where the mapping does not say.

    Parameters
    ----------
    paths_ : list of paths
        The ledger files.
    mapping : dict, path, list of them, or None
        One mapping for all files, one per file, or None (a suggested mapping per file).
    country : {"US", "GB", "NO"}, optional

    Returns
    -------
    list of dict
        Validated mappings (:func:`cohort_helpers.ledger.load_mapping`).

    Examples
    --------
    >>> m = {"columns": {"date": "Date", "vendor": "Payee", "amount": "Amount"}}
    >>> prepare_mappings(["a.csv"], m, "GB")[0]["fiscal_year_start_month"]
    4
    """

    maps = _as_list(mapping)
    if not maps:
        maps = [None]
    if len(maps) == 1:
        maps = maps * len(paths_)
    if len(maps) != len(paths_):
        raise InventoryInputError(
            f"{len(paths_)} ledger(s) but {len(maps)} mapping(s): give one mapping, or one per "
            "ledger in the same order (--mapping a.yaml --mapping b.yaml)."
        )
    out = []
    for p, m in zip(paths_, maps, strict=True):
        loaded = ledger.load_mapping(m if m is not None else ledger.suggest_mapping(p))
        if country is not None:
            c = country.upper()
            if c not in COUNTRY_SETTINGS:
                raise InventoryInputError(
                    f"country must be one of {', '.join(COUNTRY_SETTINGS)}, not {country!r}."
                )
            for key, value in COUNTRY_SETTINGS[c].items():
                if loaded.get(key) is None:
                    loaded[key] = value
        out.append(loaded)
    return out


def choose_fiscal_year(lines: pd.DataFrame, fiscal_year: int | None) -> tuple[int, str]:
    """The inventory's fiscal year and a sentence saying how it was chosen.

    Without ``fiscal_year``, the year holding most of the spend (sum of the
    positive amounts) is used.

    Raises
    ------
    InventoryInputError
        When ``fiscal_year`` holds no line of the files (the message lists the
        years the files cover).

    Examples
    --------
    >>> df = pd.DataFrame({"fiscal_year": [2022, 2023, 2023], "amount": [5.0, 3.0, 4.0]})
    >>> choose_fiscal_year(df, None)
    (2023, 'fiscal year 2023 (chosen: it holds 58.3% of the spend; the files cover 2022-2023)')
    """
    fy = pd.to_numeric(lines["fiscal_year"], errors="coerce")
    pos = lines["amount"].clip(lower=0)
    by_year = pos.groupby(fy).sum().sort_index()
    counts = fy.value_counts().sort_index()
    years = [int(y) for y in counts.index]
    cover = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0]) if years else "none"
    if fiscal_year is None:
        year = int(by_year.idxmax()) if by_year.sum() > 0 else int(counts.idxmax())
        share = by_year.get(year, 0.0) / by_year.sum() if by_year.sum() > 0 else 1.0
        return year, (
            f"fiscal year {year} (chosen: it holds {share:.1%} of the spend; the files cover "
            f"{cover})"
        )
    year = int(fiscal_year)
    if year not in years:
        listing = ", ".join(f"{y} ({int(counts[y]):,} lines)" for y in years)
        raise InventoryInputError(
            f"No line of the file(s) falls in fiscal year {year}. The files cover fiscal year(s) "
            f"{listing}. Give --fiscal-year with one of these, or leave it out to use the year "
            "that holds most of the spend."
        )
    share = by_year.get(year, 0.0) / by_year.sum() if by_year.sum() > 0 else 1.0
    if share < 0.5:
        warnings.warn(
            f"Only {share:.0%} of the spend in the file(s) falls in fiscal year {year}; the rest "
            f"(fiscal years {cover}) is excluded as other_fiscal_year. Check --fiscal-year and the "
            "fiscal-year start month (fiscal_year_start_month in the mapping, or --country).",
            InventoryWarning,
            stacklevel=3,
        )
    return year, f"fiscal year {year} (given; {share:.1%} of the spend falls in it)"


def run_inventory(
    ledgers,
    *,
    member: str | None = None,
    fiscal_year: int | None = None,
    mapping=None,
    overrides=None,
    factors: str = "sef_v1.3",
    price_method: str = "bea",
    rules=None,
    chart: str | None = None,
    country: str | None = None,
    rates=None,
    n_draws: int = 1000,
    seed: int = 2022,
    progress: bool = True,
    conversion: str = "market",
) -> Inventory:
    """From raw AP exports to a reconciled, classified, price-adjusted inventory.

    Parameters
    ----------
    ledgers : path or list of paths
        CSV/XLSX exports (e.g. the AP file and the P-card file of one year).
    member : str, optional
        Name of the government (default: the first file's name). Output labels only:
        the chart of accounts comes from ``chart``.
    fiscal_year : int, optional
        Lines dated in another fiscal year are excluded as ``other_fiscal_year``
        (visible in the reconciliation, never dropped). Default: the year that
        holds most of the spend (said in ``settings["fiscal_year_note"]``).
    mapping : dict or path, or a list of them (one per ledger)
        Column mapping (see ``docs/CONTRACTS.md``); default: a suggested one.
    overrides : path or DataFrame, optional
        A participant's classification overrides; win over everything.
    factors : str
        Factor-set name or a file in the SEF layout.
    chart : str, optional
        A chart of accounts of the bundled rules (e.g. a cohort member's, or
        ``kostra``); default none: general knowledge only.
    country : {"US", "GB", "NO"}, optional
        Currency and fiscal-year start where the mapping does not give them.
    rates : mapping or DataFrame, optional
        Exchange rates (see :func:`cohort_helpers.adjust.normalise_rates`);
        default: the bundled annual tables.
    n_draws : int
        Monte Carlo draws for the uncertainty range (0 to skip).
    conversion : {"market", "ppp"}
        Currency conversion: market exchange rates (default) or OECD PPP.

    Examples
    --------
    >>> inv = run_inventory(["ap_2022.csv"], member="my_city", mapping="mapping.yaml",
    ...                     country="US")  # doctest: +SKIP
    >>> inv.t_co2e  # doctest: +SKIP
    """

    paths_ = _as_list(ledgers)
    if not paths_:
        raise InventoryInputError("No ledger files given.")
    member = member or Path(str(paths_[0])).stem
    steps = ["read", "exclude and classify", "emissions", "uncertainty"]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(steps), desc=f"{member}: read", leave=False)

    def step(name: str, nxt: str | None = None) -> None:
        if bar is not None:
            bar.update(1)
            if nxt:
                bar.set_description(f"{member}: {nxt}")

    # the factor set first: an unverified or missing reference file stops the run at once
    fs = load_factor_set(factors)  # `factors=` (public keyword) shadows the module
    maps = prepare_mappings(paths_, mapping, country)
    frames = [ledger.read_ledger(p, m) for p, m in zip(paths_, maps, strict=True)]
    files_read = [dict(f.attrs) for f in frames]
    lines = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    step("read", "exclude and classify")
    fiscal_year, fy_note = choose_fiscal_year(lines, fiscal_year)
    other = lines["fiscal_year"].notna() & (lines["fiscal_year"] != fiscal_year)
    rules = rules if rules is not None else exclude.load_rules(chart=chart)
    # classify() runs the exclusions first (one pass of rule matching for both)
    lines = classify_mod.classify(lines, rules, overrides)
    if other.any():
        mark = other & lines["status"].isin(["included", "unclassified"])
        lines.loc[mark, "status"] = "excluded"
        lines.loc[mark, "reason"] = "other_fiscal_year"
        lines.loc[mark, ["naics6", "method"]] = pd.NA
        lines.loc[mark, "confidence"] = np.nan
    step("classify", "emissions")
    lines = compute_emissions(
        lines, fs, price_method=price_method, rates=rates, conversion=conversion
    )
    step("emissions", "uncertainty")
    unc = pd.DataFrame()
    mc = None
    inc = lines.loc[
        (lines["status"] == "included").to_numpy(),
        ["bea_code", "kg_co2e", "confidence", "scope3_category"],
    ]
    if n_draws and len(inc):
        mc = uncertainty.monte_carlo(
            inc,
            n_draws=n_draws,
            seed=seed,
            by="scope3_category",
            value_col="kg_co2e",
        )
        unc = _mc_table(mc)
    step("uncertainty")
    if bar is not None:
        bar.close()
    currencies = sorted(lines["currency"].dropna().astype(str).unique().tolist())
    settings = {
        "factors": fs.name,
        "factor_description": fs.describe() if hasattr(fs, "describe") else fs.name,
        "dollar_year": fs.dollar_year,
        # what was applied (country sets: CPI-U whatever price_method says), said truthfully
        "price_method": lines.attrs.get("price_method_used", price_method),
        "price_note": lines.attrs.get("price_note", ""),
        "exchange_rates": lines.attrs.get("exchange_rates", ""),
        "gwp": getattr(fs, "gwp", ""),
        "price_basis": f"{fs.price_basis} price, {fs.margins} margins"
        + (
            "; trade and transport margins are NOT included (producer-price factors applied "
            "to purchaser-price spend: emissions are understated by the margins' share)"
            if fs.price_basis == "producer"
            else ""
        ),
        "attribution": getattr(fs, "attribution", "") or getattr(fs, "licence", ""),
        "uncertainty": mc.summary() if mc is not None else "not computed",
        "uncertainty_assumptions": uncertainty.assumptions_line(mc, fs.name)
        if mc is not None
        else "not computed",
        "n_draws": n_draws,
        "seed": seed,
        "fiscal_year_note": fy_note,
        "currency": ", ".join(currencies),
        "country": country.upper() if country else None,
        "chart": getattr(rules, "chart", None),
        "files": files_read,
        "mappings": [m.get("layout") for m in maps],
    }
    return Inventory(
        member=member,
        fiscal_year=fiscal_year,
        lines=lines,
        summary=summarise(lines, "naics6"),
        reconciliation=reconcile(lines),
        uncertainty=unc,
        settings=settings,
        monte_carlo=mc,
    )


#: Titles of the two purchasing-profile codes (lines known only as "a purchase").
PROFILE_TITLES = {
    "GSLGO": "Purchase of unknown kind (state and local government purchasing profile)",
    "F10": "Capital purchase of unknown kind (government investment profile)",
}


def naics_titles(codes, factor_set="sef_v1.3") -> pd.Series:
    """Plain titles for NAICS codes, coarse prefixes and profile codes.

    Six-digit codes take the factor set's title; 2-5 digit prefixes the
    Census NAICS 2017 title when the registered file is there (else "average
    of the NNxxxx codes"); ``GSLGO``/``F10`` say they are purchasing profiles.

    Returns
    -------
    Series
        Index = the distinct codes given, values = titles.

    Examples
    --------
    >>> naics_titles(["GSLGO"]).iloc[0]
    'Purchase of unknown kind (state and local government purchasing profile)'
    """

    fs = factor_set if isinstance(factor_set, factors.FactorSet) else None
    if isinstance(codes, pd.Series | pd.Index) and codes.dtype == "str":
        # already text: the distinct codes straight from the column (no Python list)
        codes = pd.Series(pd.unique(codes.dropna()), dtype="str")
    else:
        codes = pd.Series(pd.unique(pd.Series(list(codes), dtype="str").dropna()), dtype="str")
    titles = pd.Series(np.nan, index=codes.to_numpy(), dtype=object)
    if not len(codes):
        return titles.astype("str")
    try:
        fs = fs or factors.load_factor_set(factor_set)
        table = fs.table["title"] if "title" in fs.table.columns else pd.Series(dtype=str)
        titles = pd.Series(codes.map(table).to_numpy(dtype=object), index=codes.to_numpy())
    except Exception:  # titles are a nicety: never stop a run for them
        pass
    census = _census_titles()
    if census is not None:
        titles = titles.fillna(
            pd.Series(codes.map(census).to_numpy(dtype=object), index=titles.index)
        )
    coarse = codes.str.fullmatch(r"\d{2,5}").to_numpy()
    fill = pd.Series(
        np.where(
            coarse,
            "average of the " + codes.str.ljust(6, "x") + " codes",
            codes.map(PROFILE_TITLES),
        ),
        index=titles.index,
    )
    return titles.fillna(fill).astype("str")


def _census_titles() -> pd.Series | None:
    """Census NAICS 2017 titles by code, when a reader for them is registered."""

    reader = getattr(data, "read_naics_titles", None)
    if reader is None:
        return None
    try:
        t = reader()
    except Exception:
        return None
    if isinstance(t, pd.DataFrame):
        code = next((c for c in t.columns if "code" in c.lower() or c.lower() == "naics"), None)
        title = next((c for c in t.columns if "title" in c.lower()), None)
        if code is None or title is None:
            return None
        return pd.Series(t[title].to_numpy(), index=t[code].astype(str).to_numpy())
    return t


#: Columns of ``lines.csv``, in order: the line as the export gave it, then what the
#: engine decided, then the arithmetic.
LINE_COLUMNS = [
    "source_file",
    "source_line",
    "date",
    "vendor",
    "description",
    "account",
    "account_name",
    "department",
    "amount",
    "currency",
    "status",
    "reason",
    "flag",
    "naics6",
    "naics_title",
    "method",
    "confidence",
    "scope3_category",
    "spend_factor_usd",
    "factor_kg_per_usd",
    "factor_basis",
    "kg_co2e",
]

#: Lines above this many go to lines.csv and lines.parquet only; the workbook then
#: holds the largest lines (by emissions, then amount) and says so.
WORKBOOK_MAX_LINES = 100_000
#: How many lines the workbook keeps when the ledger is longer than WORKBOOK_MAX_LINES.
WORKBOOK_LARGEST_LINES = 20_000


def line_table(inv: Inventory) -> pd.DataFrame:
    """The reviewable line table of ``lines.csv``: the line's own fields beside the decision.

    Examples
    --------
    >>> inv = member_inventory("cedar_valley", n_draws=0)  # doctest: +SKIP
    >>> line_table(inv).columns[:4].tolist()  # doctest: +SKIP
    ['source_file', 'source_line', 'date', 'vendor']
    """
    lines = inv.lines
    n = len(lines)
    cols = {}
    for c in LINE_COLUMNS:
        if c == "naics_title":
            titles = naics_titles(lines["naics6"], inv.settings.get("factors", "sef_v1.3"))
            cols[c] = (
                lines["naics6"].map(titles)
                if len(titles)
                else pd.Series(pd.NA, index=lines.index, dtype="str")
            )
        elif c in lines.columns:
            cols[c] = lines[c]
        else:
            cols[c] = (
                pd.Series(pd.NA, index=lines.index, dtype="str") if n else pd.Series(dtype="str")
            )
    out = pd.DataFrame(cols, index=lines.index)
    if "date" in out and out["date"].dtype.kind == "M":
        out["date"] = _iso_dates(out["date"])
    # cents and grams: enough to recompute every line, no float noise to read
    for c, digits in (("spend_factor_usd", 2), ("kg_co2e", 3)):
        if c in out:
            out[c] = pd.to_numeric(out[c], errors="coerce").round(digits)
    return out


def _iso_dates(dates: pd.Series) -> pd.Series:
    """``dates.dt.strftime("%Y-%m-%d")``, formatting each distinct date once."""
    codes, uniq = pd.factorize(dates, use_na_sentinel=True)
    text = pd.Series(uniq).dt.strftime("%Y-%m-%d")
    if not len(text):
        return dates.dt.strftime("%Y-%m-%d")
    taken = text.take(np.where(codes < 0, 0, codes)).where(codes >= 0).set_axis(dates.index)
    return taken.astype(text.dtype).rename(dates.name)


def summary_table(inv: Inventory) -> pd.DataFrame:
    """``summary.csv``: emissions by NAICS code with titles and rounded figures."""
    s = inv.summary.copy()
    if "name" not in s.columns:
        s.insert(
            0, "name", s.index.map(naics_titles(s.index, inv.settings.get("factors", "sef_v1.3")))
        )
    s = s.rename(columns={"name": "naics_title"})
    s.index.name = "naics6"
    s = s.reset_index()
    return s.assign(
        spend_usd=s["spend_usd"].round(2),
        t_co2e=s["t_co2e"].round(3),
        kg_per_usd=s["kg_per_usd"].round(4),
        share_spend=s["share_spend"].round(4),
        share_emissions=s["share_emissions"].round(4),
    )


def write_outputs(
    inv: Inventory,
    out_dir,
    *,
    workbook_max_rows: int | None = None,
    progress: bool = False,
) -> list:
    """Write the run's files into ``out_dir``, all or nothing.

    ``lines.csv`` and ``lines.parquet`` (every line, reviewable: the line as the
    export gave it beside the decision), ``summary.csv``, ``reconciliation.csv``,
    ``uncertainty.csv``, ``inventory.xlsx`` (README sheet first), ``README.txt``
    and ``metadata.json`` (the :meth:`Inventory.readme` items, the reference
    files with SHA-256 and verification state, and the SHA-256 of every file
    written). Every CSV/XLSX goes through :mod:`cohort_helpers.safe_files`.

    The workbook holds every line when there are at most
    :data:`WORKBOOK_MAX_LINES`; otherwise the largest :data:`WORKBOOK_LARGEST_LINES`
    (by emissions, then amount) and a note that the full table is in the CSV and
    Parquet files.

    The folder policy is :mod:`cohort_helpers.outdir`'s: ``out_dir`` must be
    missing, empty or hold exactly one earlier run (replaced as a whole);
    otherwise :class:`~cohort_helpers.outdir.OutputDirError` is raised before
    anything is written. A failed or stopped run leaves no temporary files.

    Parameters
    ----------
    inv : Inventory
    out_dir : path
    workbook_max_rows : int, optional
        At most this many rows per workbook sheet (default: the rule above, and
        never more than one Excel sheet holds).
    progress : bool
        A progress bar over the files written.

    Returns
    -------
    list of Path
    """

    lines = line_table(inv)
    tables = {
        "lines": lines,
        "summary": summary_table(inv),
        "reconciliation": inv.reconciliation,
        # the ranges, then every assumption and the variance shares (uncertainty module)
        "uncertainty": uncertainty.output_table(
            inv.uncertainty, inv.monte_carlo, str(inv.settings.get("factors", "sef_v1.3"))
        ),
    }
    readme = inv.readme()
    # a licence that requires attribution (Open CEDA: "CEDA by Watershed", CC BY-SA 4.0)
    # puts it on every table, so no CSV travels without it
    attribution = str(inv.settings.get("attribution", ""))
    if "CEDA by Watershed" in attribution:
        tables = {k: v.assign(attribution=attribution) for k, v in tables.items()}
        lines = tables["lines"]
        readme["Attribution (required)"] = (
            f"{attribution}: results computed with Open CEDA factors; the attribution is in "
            "every CSV (column 'attribution'), this workbook and README.txt"
        )
    book = dict(tables)
    if len(lines) > WORKBOOK_MAX_LINES:
        key = lines["kg_co2e"].fillna(0).abs() * 1e6 + lines["amount"].abs()
        top = lines.loc[key.nlargest(WORKBOOK_LARGEST_LINES).index]
        book["lines"] = top
        readme["Lines in this workbook"] = (
            f"the {len(top):,} largest of {len(lines):,} lines (by emissions, then amount); "
            "the full line table is in lines.csv and lines.parquet"
        )
    refs = inv.settings.get("reference_files") or data.provenance()
    names = [*(f"{n}.csv" for n in tables), "lines.parquet", "inventory.xlsx", "README.txt"]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(names), desc="write", leave=False)

    def done(name: str) -> None:
        if bar is not None:
            bar.set_postfix_str(name)
            bar.update(1)

    with outdir.OutputFolder(out_dir) as out:
        for name, frame in tables.items():
            safe_files.write_csv(frame, out.path(f"{name}.csv"), index=_named_index(frame))
            done(f"{name}.csv")
        lines.to_parquet(out.path("lines.parquet"), index=False)
        done("lines.parquet")
        rows = write_workbook(out.path("inventory.xlsx"), book, readme, max_rows=workbook_max_rows)
        done("inventory.xlsx")
        text = "\n".join(f"{k}: {v}" for k, v in readme.items())
        warn = data.verification_warning(refs)
        if warn:
            text = f"{warn}\n\n{text}\n\n{warn}"
        safe_files.write_text(out.path("README.txt"), text + "\n")
        done("README.txt")
        if bar is not None:
            bar.close()
        return out.commit(
            {
                "readme": readme,
                "reference_files": refs,
                "reference_data_verified": all(r["state"] == "verified" for r in refs),
                "workbook_rows": rows,
                "lines": len(inv.lines),
            }
        )


def member_inventory(member: str, fiscal_year: int | None = None, **kwargs) -> Inventory:
    """Inventory of a cohort member for one fiscal year (default: its latest).

    Works for the bundled members and for your own government added with
    ``cohort member add`` (see :mod:`cohort_helpers.workspace`). Uses every
    ledger of that member-year (AP and P-card files) with their own column
    mappings.

    Examples
    --------
    >>> inv = member_inventory("cedar_valley", 2022)  # doctest: +SKIP
    >>> round(inv.t_co2e)  # doctest: +SKIP
    """

    files = members.ledger_files(member)
    if files.empty:
        raise ValueError(f"Member {member!r} has no ledgers.")
    year = int(fiscal_year or files["fiscal_year"].max())
    mine = files[files["fiscal_year"] == year]
    if mine.empty:
        raise ValueError(
            f"{member} has no ledger for fiscal year {year}; "
            f"available: {sorted(files['fiscal_year'].unique().tolist())}."
        )
    prof = members.member_profile(member)
    kwargs.setdefault("progress", False)
    if prof.chart and "rules" not in kwargs:
        kwargs.setdefault("chart", prof.chart)
    kwargs.setdefault("country", prof.country)
    return run_inventory(
        list(mine["ledger"]),
        member=member,
        fiscal_year=year,
        mapping=list(mine["mapping"]),
        **kwargs,
    )


def _money(x: float) -> str:
    return f"{x:,.2f}"


def run_summary(inv: Inventory, *, top: int = 10, min_classified: float = 0.9) -> str:
    """The plain closing summary of a run: t CO2e with its range, spend by status with
    the currency, coverage, and the largest unclassified lines.

    A warning leads when less than ``min_classified`` of purchase spend has a factor.

    Examples
    --------
    >>> print(run_summary(member_inventory("cedar_valley", n_draws=0)))  # doctest: +SKIP
    """
    lines = inv.lines
    cur = inv.settings.get("currency") or ", ".join(sorted(lines["currency"].dropna().unique()))
    mc = inv.monte_carlo
    rng = (
        f" (95% range {mc.p2_5 / 1000:,.0f} to {mc.p97_5 / 1000:,.0f} t)" if mc is not None else ""
    )
    out = [
        f"{inv.member}, {inv.settings.get('fiscal_year_note') or f'fiscal year {inv.fiscal_year}'}",
        f"  Supply chain (Scope 3 categories 1 and 2): {inv.t_co2e:,.0f} t CO2e{rng}",
    ]
    status = lines["status"]
    amount = lines["amount"]
    total = amount.sum()
    out.append(f"  Spend read: {_money(total)} {cur} in {len(lines):,} lines")
    inc = status.eq("included")
    flag = lines["flag"] if "flag" in lines else pd.Series(pd.NA, index=lines.index)
    pdup = inc & flag.eq("possible_duplicate").fillna(False)
    out.append(
        f"    included (purchases): {_money(amount[inc].sum())} {cur} ({int(inc.sum()):,} lines)"
        + (
            f", of which possible duplicates to review {_money(amount[pdup].sum())} "
            f"({int(pdup.sum()):,} lines)"
            if pdup.any()
            else ""
        )
    )
    exc = status.eq("excluded")
    if exc.any():
        by = amount[exc].groupby(lines.loc[exc, "reason"].fillna("unspecified")).sum()
        by = by.reindex(by.abs().sort_values(ascending=False).index)
        parts = "; ".join(f"{vocabulary.label(r)} {_money(v)}" for r, v in by.head(6).items())
        more = f"; {len(by) - 6} more reasons" if len(by) > 6 else ""
        out.append(f"    excluded: {_money(amount[exc].sum())} {cur} ({parts}{more})")
    unc = status.eq("unclassified")
    out.append(f"    unclassified: {_money(amount[unc].sum())} {cur} ({int(unc.sum()):,} lines)")
    rec = inv.reconciliation
    diff = int(rec.loc[rec["bucket"] == "check", "difference_cents"].abs().sum())
    out.append(f"    reconciliation: input - (included + excluded + unclassified) = {diff} cents")
    buy = inc | unc
    purchase = amount[buy].sum()
    share = amount[inc].sum() / purchase if purchase else float("nan")
    method = lines["method"] if "method" in lines else pd.Series(pd.NA, index=lines.index)
    prof_share = (
        amount[inc & method.eq("profile").fillna(False)].sum() / purchase if purchase else 0
    )
    out.append(
        f"  Coverage: {share:.1%} of purchase spend has a factor"
        + (
            f" ({share - prof_share:.1%} specific, {prof_share:.1%} by purchasing profile)"
            if prof_share
            else ""
        )
    )
    if purchase and share < min_classified:
        out.insert(
            0,
            f"WARNING: only {share:.0%} of purchase spend is classified; the total is an "
            "undercount. Look at the largest unclassified lines below, then add overrides "
            "(--overrides) or map the account-name and description columns.",
        )
    if unc.any():
        u = lines[unc]
        key = (
            u["account_name"].where(u["account_name"].notna(), u.get("description"))
            if "account_name" in u
            else u.get("description", pd.Series(pd.NA, index=u.index))
        )
        key = key.fillna(u["vendor"]).fillna("(no text)")
        big = u["amount"].groupby(key).sum().sort_values(ascending=False).head(top)
        out.append(f"  Largest unclassified (by account name, description or vendor), {cur}:")
        out += [f"    {_money(v):>16}  {str(k)[:70]}" for k, v in big.items()]
    return "\n".join(out)


def headline(member: str, fiscal_year: int | None = None) -> str:
    """A few lines for the terminal: spend covered, t CO2e with range, top categories."""
    inv = member_inventory(member, fiscal_year, n_draws=1000)
    buy = inv.lines["status"].isin(["included", "unclassified"])
    inc = inv.lines["status"].eq("included")
    share = inv.lines.loc[inc, "amount"].sum() / inv.lines.loc[buy, "amount"].sum()
    mc = inv.monte_carlo
    top = inv.summary.head(3)
    names = naics_titles(top.index, inv.settings.get("factors", "sef_v1.3"))
    tops = "; ".join(f"{names.get(k, k)} {r.t_co2e:,.0f} t" for k, r in top.iterrows())
    rng = f" (95% range {mc.p2_5 / 1000:,.0f}-{mc.p97_5 / 1000:,.0f})" if mc is not None else ""
    cur = inv.settings.get("currency", "")
    return (
        f"{member} FY{inv.fiscal_year}: {inv.t_co2e:,.0f} t CO2e{rng} from "
        f"{inv.lines.loc[inc, 'amount'].sum():,.0f} {cur} of purchases ({share:.1%} of purchase "
        f"spend classified).\nTop categories: {tops}."
    )
