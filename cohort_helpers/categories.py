"""Purchase categories a council acts on, from NAICS codes (the grouping is data).

A spend-based inventory has one line per NAICS-6 code: about 300 codes for a
city, far too many to act on. ``datasets/categories/purchase_categories.csv``
maps NAICS prefixes (2 to 6 digits) to 24 purchase categories such as
"Construction and maintenance works" or "Waste collection and treatment";
the longest prefix that matches a code wins, so ``562212`` (landfill) falls
in "Waste collection and treatment" through the prefix ``562``, and
``324121`` (asphalt) in "Construction materials" through ``32412`` although
``324`` says "Vehicles, fuel and fleet services". Coarse codes (2-5 digits)
and the profile codes ``GSLGO`` and ``F10`` of the classifier are mapped the
same way (the profile codes to "Unallocated purchases (profile)").
``datasets/categories/README.md`` documents the table and how it was made.

Examples
--------
>>> from cohort_helpers import categories
>>> categories.purchase_category("562212")
'Waste collection and treatment'
>>> categories.purchase_category(["324121", "324110", "GSLGO"]).tolist()
['Construction materials', 'Vehicles, fuel and fleet services', 'Unallocated purchases (profile)']
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import paths

__all__ = [
    "UNALLOCATED",
    "NOT_IN_TABLE",
    "CategoryTable",
    "load_categories",
    "purchase_category",
    "by_category",
    "drill_down",
]

#: Category of the classifier's profile codes (``GSLGO``, ``F10``: purchases of unknown kind).
UNALLOCATED = "Unallocated purchases (profile)"
#: Label :func:`by_category` gives codes that no prefix of the table matches.
NOT_IN_TABLE = "Not in the category table"

PREFIX_FILE = "purchase_categories.csv"
CATEGORY_FILE = "categories.csv"
_PREFIX_PATTERN = re.compile(r"\d{2,6}|GSLGO|F10")


@dataclass(frozen=True)
class CategoryTable:
    """The category table.

    Attributes
    ----------
    prefixes : DataFrame
        ``prefix`` (2-6 digit NAICS prefix or a profile code), ``category``,
        ``naics_title`` (the Census NAICS 2017 title of the prefix).
    categories : DataFrame
        ``category`` and ``description``, in the order they are listed.
    """

    prefixes: pd.DataFrame
    categories: pd.DataFrame

    @property
    def names(self) -> list[str]:
        """The category names, in the table's order."""
        return self.categories["category"].tolist()


def _folder(folder: str | Path | None) -> Path:
    return Path(folder) if folder is not None else paths.datasets_dir() / "categories"


@functools.lru_cache(maxsize=4)
def _load(folder: Path) -> CategoryTable:
    pfile, cfile = folder / PREFIX_FILE, folder / CATEGORY_FILE
    for f in (pfile, cfile):
        if not f.is_file():
            raise FileNotFoundError(
                f"The purchase-category table {f} is missing: restore it from the repository "
                "(datasets/categories/)."
            )
    pre = pd.read_csv(pfile, dtype=str, keep_default_na=False)
    cats = pd.read_csv(cfile, dtype=str, keep_default_na=False)
    for f, df, cols in (
        (pfile, pre, ["prefix", "category", "naics_title"]),
        (cfile, cats, ["category", "description"]),
    ):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(f"{f}: column(s) {', '.join(missing)} missing (expected {cols}).")
    pre["prefix"] = pre["prefix"].str.strip()
    bad = ~pre["prefix"].str.fullmatch(_PREFIX_PATTERN.pattern)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(
            f"{pfile}, row {i + 2}, column 'prefix': {pre['prefix'].iloc[i]!r} is not a 2-6 digit "
            "NAICS prefix or GSLGO/F10."
        )
    dup = pre["prefix"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise ValueError(
            f"{pfile}, row {i + 2}, column 'prefix': {pre['prefix'].iloc[i]!r} is listed twice; "
            "keep one row per prefix."
        )
    unknown = ~pre["category"].isin(cats["category"])
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise ValueError(
            f"{pfile}, row {i + 2}, column 'category': {pre['category'].iloc[i]!r} is not listed "
            f"in {cfile.name}; add it there or fix the spelling."
        )
    return CategoryTable(pre, cats)


def load_categories(folder: str | Path | None = None) -> CategoryTable:
    """Read and check the category table (``datasets/categories/`` by default).

    Parameters
    ----------
    folder : str or Path, optional
        A folder holding ``purchase_categories.csv`` and ``categories.csv``;
        default ``datasets/categories/`` of the repository.

    Returns
    -------
    CategoryTable
        The prefix table and the category list (cached per folder).

    Raises
    ------
    ValueError
        Naming the file, row and column of a bad prefix, a duplicate prefix or a
        category that ``categories.csv`` does not list.

    Examples
    --------
    >>> t = load_categories()
    >>> len(t.names), t.names[0]
    (24, 'Construction and maintenance works')
    """
    return _load(_folder(folder).resolve())


def purchase_category(naics, table: CategoryTable | None = None):
    """The purchase category of NAICS code(s): the longest matching prefix wins.

    Parameters
    ----------
    naics : str or sequence of str
        6-digit codes, coarse 2-5 digit codes or the profile codes ``GSLGO``/``F10``.
    table : CategoryTable, optional
        Default :func:`load_categories`.

    Returns
    -------
    str or None, or Series
        For one code, its category (``None`` when no prefix matches); for a
        sequence, a Series of categories aligned with it (NaN where none matches).

    Examples
    --------
    >>> purchase_category("541512")
    'Software, IT services and telecom'
    >>> purchase_category(pd.Series(["3256", "236220"])).tolist()
    ['Chemicals, cleaning and plastics', 'Construction and maintenance works']
    """
    scalar = isinstance(naics, str)
    t = table or load_categories()
    index = naics.index if isinstance(naics, pd.Series) else None
    codes = pd.Series([naics] if scalar else list(naics), dtype=object).astype("string")
    codes = codes.str.strip()
    lookup = t.prefixes.set_index("prefix")["category"]
    out = pd.Series(pd.NA, index=codes.index, dtype="object")
    for n in range(6, 1, -1):
        here = lookup[lookup.index.str.len() == n]
        if here.empty:
            continue
        todo = out.isna() & (codes.str.len() >= n)
        if todo.any():
            out[todo] = codes[todo].str.slice(0, n).map(here).astype(object)
    if scalar:
        v = out.iloc[0]
        return None if pd.isna(v) else str(v)
    out = out.where(out.notna(), np.nan)
    if index is not None:
        out.index = index
    return out.rename("category")


def by_category(summary: pd.DataFrame, table: CategoryTable | None = None) -> pd.DataFrame:
    """Sum a NAICS summary (``inventory.summarise``) into purchase categories.

    Parameters
    ----------
    summary : DataFrame
        Index = NAICS codes; columns ``spend_usd`` and ``t_co2e`` (``lines`` if present).
    table : CategoryTable, optional

    Returns
    -------
    DataFrame
        Index ``category``; ``codes`` (how many NAICS codes), ``lines``, ``spend_usd``,
        ``t_co2e``, ``kg_per_usd``, ``share_spend``, ``share_emissions``, sorted by
        emissions. Codes no prefix matches are summed as :data:`NOT_IN_TABLE`.

    Examples
    --------
    >>> s = pd.DataFrame({"lines": [2, 1, 4], "spend_usd": [100.0, 50.0, 300.0],
    ...                   "t_co2e": [90.0, 40.0, 20.0]}, index=["562111", "562212", "541110"])
    >>> c = by_category(s)
    >>> int(c.loc["Waste collection and treatment", "codes"]), float(c.iloc[0]["t_co2e"])
    (2, 130.0)
    >>> round(float(c.loc["Waste collection and treatment", "share_emissions"]), 3)
    0.867
    """
    cat = purchase_category(pd.Series(summary.index.astype(str), index=summary.index), table)
    cat = cat.fillna(NOT_IN_TABLE)
    lines = summary["lines"] if "lines" in summary.columns else pd.Series(1, index=summary.index)
    frame = pd.DataFrame(
        {
            "category": cat.to_numpy(),
            "lines": lines.to_numpy(),
            "spend_usd": summary["spend_usd"].to_numpy(dtype=float),
            "t_co2e": summary["t_co2e"].to_numpy(dtype=float),
        }
    )
    g = frame.groupby("category", sort=False)
    out = pd.DataFrame(
        {
            "codes": g.size(),
            "lines": g["lines"].sum(),
            "spend_usd": g["spend_usd"].sum(),
            "t_co2e": g["t_co2e"].sum(),
        }
    )
    out["kg_per_usd"] = np.where(
        out["spend_usd"] != 0,
        out["t_co2e"] * 1000 / out["spend_usd"].where(out["spend_usd"] != 0),
        np.nan,
    )
    out["share_spend"] = out["spend_usd"] / out["spend_usd"].sum()
    out["share_emissions"] = out["t_co2e"] / out["t_co2e"].sum()
    return out.sort_values("t_co2e", ascending=False)


def drill_down(
    summary: pd.DataFrame, category: str, table: CategoryTable | None = None
) -> pd.DataFrame:
    """The NAICS codes of one category, with their share of the category's emissions.

    Parameters
    ----------
    summary : DataFrame
        Index = NAICS codes; columns ``spend_usd`` and ``t_co2e`` (as for
        :func:`by_category`).
    category : str
        A category name (:attr:`CategoryTable.names`, or :data:`NOT_IN_TABLE`).
    table : CategoryTable, optional
        Default :func:`load_categories`.

    Returns
    -------
    DataFrame
        The rows of ``summary`` whose codes fall in ``category``, with a column
        ``share_of_category`` (their share of the category's ``t_co2e``),
        sorted by emissions.

    Raises
    ------
    KeyError
        No code of ``summary`` falls in ``category`` (the message lists those that do).

    Examples
    --------
    >>> s = pd.DataFrame({"spend_usd": [100.0, 50.0, 300.0], "t_co2e": [90.0, 30.0, 20.0]},
    ...                  index=["562111", "562212", "541110"])
    >>> drill_down(s, "Waste collection and treatment")["share_of_category"].tolist()
    [0.75, 0.25]
    """
    cat = purchase_category(pd.Series(summary.index.astype(str), index=summary.index), table)
    cat = cat.fillna(NOT_IN_TABLE)
    rows = summary.loc[(cat == category).to_numpy()]
    if rows.empty:
        names = sorted(set(cat))
        raise KeyError(f"No codes in category {category!r}; categories here: {', '.join(names)}.")
    rows = rows.assign(share_of_category=rows["t_co2e"] / rows["t_co2e"].sum())
    return rows.sort_values("t_co2e", ascending=False)
