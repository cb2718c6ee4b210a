"""Read the cohort: member profiles, LGO inventories, ledger files, truth, public figures.

Everything here reads the datasets folder (:func:`cohort_helpers.paths.datasets_dir`,
overridable with ``COHORT_DATASETS_DIR``); nothing is generated. The folder is
written by ``cohort datasets build`` (see ``datasets/README.md``).

Examples
--------
>>> from cohort_helpers import members
>>> members.list_members(country="NO")["slug"].tolist()  # doctest: +SKIP
['bjorkestrand', 'fjellgard', 'solvdalen', 'aervika', 'hakonsfjord', 'lyngmo', 'tindoy']
>>> members.member_profile("cedar_valley").fiscal_year_start_month  # doctest: +SKIP
7
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import paths, workspace

__all__ = [
    "MemberProfile",
    "Note",
    "missing_pieces",
    "lgo_year",
    "list_members",
    "member_profile",
    "lgo_inventory",
    "residents",
    "ledger_files",
    "load_truth",
    "public_table",
    "PUBLIC_TABLES",
]

#: Tables in ``datasets/public/`` (name -> what it holds).
PUBLIC_TABLES = {
    "cpi_u": "CPI-U annual averages 2017-2024 (index 1982-84 = 100)",
    "nok_per_usd": "NOK per USD, annual averages 2019-2023 (Norges Bank)",
    "usd_per_gbp": "USD per GBP, annual averages 2021-2022",
    "benchmarks": "published figures to compare results against",
}

LEDGER_COLUMNS = ["member", "country", "fiscal_year", "ledger", "mapping", "truth"]


@dataclass(frozen=True)
class MemberProfile:
    """Profile of one cohort member (all members and figures are fictional).

    Attributes
    ----------
    slug, name : str
        Identifier used in file names, and display name.
    country : str
        ``"US"`` or ``"NO"``.
    kind : str
        ``"city"``, ``"county"`` or ``"municipality"``.
    state_or_region : str
        US state code, or the Norwegian procurement cooperation.
    population : int or None
        Residents in ``population_year`` (None when a workspace member gave none).
    employees : int or None
    operating_budget, capital_budget : int or None
        In ``currency``, for ``budget_year`` (None when unknown).
    currency : str
        ``"USD"`` or ``"NOK"``.
    fiscal_year_start_month : int
        1..12; a fiscal year is named by the calendar year it ends in.
    ledger_years : tuple of int
        Fiscal years with ledger files.
    layout, chart : str
        Export layout and chart-of-accounts id (``kostra`` for Norway).
    pcard : str
        ``"none"``, ``"file"`` (separate P-card file) or ``"column"`` (MCC column in the ledger).
    survey : bool
        Whether department survey returns exist.
    """

    slug: str
    name: str
    country: str
    kind: str
    state_or_region: str
    population: int
    population_year: int
    employees: int
    operating_budget: int
    capital_budget: int
    budget_year: int
    currency: str
    fiscal_year_start_month: int
    ledger_years: tuple[int, ...]
    layout: str
    chart: str
    pcard: str
    survey: bool
    lgo_base_year: int | None
    cooperation: str
    #: ``"bundled"`` (the synthetic cohort) or ``"workspace"`` (your own, see
    #: :mod:`cohort_helpers.workspace`).
    source: str = "bundled"


class Note(str):
    """The text of a note for the reader: plain text, shown as Markdown in a notebook.

    Examples
    --------
    >>> n = Note("No **LGO** inventory.")
    >>> n._repr_markdown_(), n.upper()
    ('No **LGO** inventory.', 'NO **LGO** INVENTORY.')
    """

    def _repr_markdown_(self) -> str:
        return str(self)


def _root(root: str | os.PathLike | None) -> Path:
    r = Path(root) if root is not None else paths.datasets_dir()
    if not (r / "members" / "members.csv").is_file():
        raise FileNotFoundError(
            f"No cohort datasets in {r} (members/members.csv is missing). Run `cohort datasets build`, "
            f"or set {paths.DATASETS_ENV} to a datasets folder."
        )
    return r


def list_members(
    country: str | None = None, *, root: str | os.PathLike | None = None
) -> pd.DataFrame:
    """Profiles of all cohort members.

    Parameters
    ----------
    country : {"US", "NO"}, optional
        Only members of this country.
    root : path, optional
        Datasets folder (default: :func:`cohort_helpers.paths.datasets_dir`).

    Returns
    -------
    DataFrame
        One row per member: ``slug``, ``name``, ``country``, ``kind``,
        ``state_or_region``, ``population``, ``employees``,
        ``operating_budget``, ``capital_budget``, ``currency``,
        ``fiscal_year_start_month``, ``ledger_years`` ...

    Examples
    --------
    >>> list_members("US").shape[0]
    12
    """
    df = pd.read_csv(
        _root(root) / "members" / "members.csv", keep_default_na=False, dtype={"ledger_years": str}
    )
    df["source"] = "bundled"
    own = [_workspace_row(s) for s in workspace.list_workspace_members() if s not in set(df.slug)]
    if own:
        df = pd.concat([df, pd.DataFrame(own)], ignore_index=True)
    if country is not None:
        c = country.upper()
        if c not in ("US", "NO", "GB"):
            raise ValueError(f"country must be 'US', 'GB' or 'NO', not {country!r}")
        df = df[df["country"] == c].reset_index(drop=True)
    return df


_COUNTRY_NAMES = {"US": "the United States", "GB": "the United Kingdom", "NO": "Norway"}


def _workspace_row(slug: str) -> dict:
    """A workspace member as a row shaped like ``members.csv``."""
    m = workspace.read_member(slug)
    years = sorted({e["fiscal_year"] for e in m["ledgers"]})
    return {
        "slug": slug,
        "name": m.get("name") or slug,
        "country": m["country"],
        "kind": m.get("kind") or "",
        "state_or_region": m.get("state_or_region") or _COUNTRY_NAMES.get(m["country"], ""),
        "population": m.get("residents"),
        "population_year": years[-1],
        "employees": m.get("employees"),
        "operating_budget": m.get("operating_budget"),
        "capital_budget": m.get("capital_budget"),
        "budget_year": years[-1],
        "currency": m["currency"],
        "fiscal_year_start_month": int(m["fiscal_year_start_month"]),
        "ledger_years": ";".join(map(str, years)),
        "layout": "own export",
        "chart": m.get("chart") or "",
        "pcard": "none",
        "survey": 0,
        "lgo_base_year": None,
        "cooperation": "",
        "fictional": 0,
        "source": "workspace",
    }


def _int_or_none(v) -> int | None:
    return None if v is None or v == "" or pd.isna(v) else int(v)


def member_profile(slug: str, *, root: str | os.PathLike | None = None) -> MemberProfile:
    """Profile of one member.

    Parameters
    ----------
    slug : str
        The member's slug (bundled or workspace member).
    root : path, optional
        Datasets folder (default: :func:`cohort_helpers.paths.datasets_dir`).

    Returns
    -------
    MemberProfile

    Raises
    ------
    KeyError
        No such member.

    Examples
    --------
    >>> p = member_profile("cedar_valley")
    >>> p.population, p.ledger_years
    (181400, (2019, 2020, 2021, 2022, 2023))
    """
    df = list_members(root=root)
    row = df[df["slug"] == slug]
    if row.empty:
        where = workspace.workspace_dir(create=False)
        raise KeyError(
            f"No cohort member {slug!r}. Members: {', '.join(df['slug'])}. To use your own "
            f"government, add it with `cohort member add {slug} --country .. --ledger FILE "
            f"--mapping M` (your workspace: {where})."
        )
    r = row.iloc[0]
    return MemberProfile(
        slug=r["slug"],
        name=r["name"],
        country=r["country"],
        kind=r["kind"],
        state_or_region=r["state_or_region"],
        population=_int_or_none(r["population"]),
        population_year=int(r["population_year"]),
        employees=_int_or_none(r["employees"]),
        operating_budget=_int_or_none(r["operating_budget"]),
        capital_budget=_int_or_none(r["capital_budget"]),
        budget_year=int(r["budget_year"]),
        currency=r["currency"],
        fiscal_year_start_month=int(r["fiscal_year_start_month"]),
        ledger_years=tuple(int(y) for y in str(r["ledger_years"]).split(";") if y),
        layout=r["layout"],
        chart=r["chart"],
        pcard=r["pcard"],
        survey=bool(int(r["survey"])),
        lgo_base_year=_int_or_none(r["lgo_base_year"]),
        cooperation=r["cooperation"],
        source=r.get("source", "bundled"),
    )


def lgo_inventory(slug: str, *, root: str | os.PathLike | None = None) -> pd.DataFrame:
    """A member's LGO Scope 1 and 2 inventory (base year), t CO2e by sector and scope.

    Parameters
    ----------
    slug : str
        The member's slug.
    root : path, optional
        Datasets folder (default: :func:`cohort_helpers.paths.datasets_dir`).

    Returns
    -------
    DataFrame
        ``member``, ``inventory_year``, ``sector`` (buildings, streetlights,
        fleet, water_wastewater, solid_waste), ``scope`` (1/2), ``source``,
        ``t_co2e``.

    Examples
    --------
    >>> lgo_inventory("cedar_valley").groupby("scope")["t_co2e"].sum().to_dict()
    {1: 38094, 2: 38093}
    """
    prof = member_profile(slug, root=root)
    if prof.source == "workspace":
        m = workspace.read_member(slug)
        if m["lgo"] is None:
            df = pd.DataFrame({c: pd.Series(dtype=object) for c in workspace.LGO_COLUMNS})
            df["t_co2e"] = df["t_co2e"].astype(float)
            df.attrs["note"] = Note(_NOTES["lgo"].format(name=prof.name, slug=slug))
            return df
        return pd.read_csv(m["lgo"])
    df = pd.read_csv(_root(root) / "members" / "lgo_inventory.csv")
    return df[df["member"] == slug].reset_index(drop=True)


#: Notes for the optional pieces a workspace member may lack (see :func:`missing_pieces`).
_NOTES = {
    "lgo": (
        "**No LGO inventory was registered for {name}**: the comparisons with its own "
        "operations (Scope 1 and 2, and the supply-chain ratio) are skipped. Add one with "
        "`cohort member add {slug} ... --lgo lgo.csv --replace` (columns inventory_year, "
        "sector, scope, source, t_co2e)."
    ),
    "budgets": (
        "**No budgets were registered for {name}**: no estimate can be downscaled from its "
        "operating and capital budgets. Add them with `cohort member add {slug} ... "
        "--operating-budget N --capital-budget N --replace` (in {currency}), or set "
        "`operating_budget:` and `capital_budget:` in its member.yaml."
    ),
    "residents": (
        "**No population was registered for {name}**: per-resident figures are NaN and it is "
        "listed in the cohort but not ranked. Add it with `cohort member add {slug} ... "
        "--residents N --replace`, or set `residents:` in its member.yaml."
    ),
    "employees": (
        "**No staff count was registered for {name}**: t CO2e per employee is NaN. Add it with "
        "`cohort member add {slug} ... --employees N --replace`, or set `employees:` in its "
        "member.yaml."
    ),
    "survey": (
        "**No department survey for {name}**: Session 2 (the spend survey) uses the survey "
        "returns of the bundled US members; it is optional for your own government."
    ),
}


def missing_pieces(slug: str, *, root: str | os.PathLike | None = None) -> dict[str, Note]:
    """The optional pieces a member lacks, each with a note saying what is skipped and how
    to add it.

    Keys among ``"lgo"`` (no LGO inventory), ``"budgets"`` (no operating or
    capital budget), ``"residents"``, ``"employees"`` and ``"survey"``. Empty
    for the bundled members, which have every piece.

    Parameters
    ----------
    slug : str
        The member's slug.
    root : path, optional
        Datasets folder (default: :func:`cohort_helpers.paths.datasets_dir`).

    Returns
    -------
    dict
        Piece -> :class:`Note` (Markdown, with what to do).

    Examples
    --------
    >>> missing_pieces("cedar_valley")
    {}
    >>> print(missing_pieces("my_city")["lgo"])  # doctest: +SKIP
    **No LGO inventory was registered for My City**: the comparisons ...
    """
    prof = member_profile(slug, root=root)
    if prof.source != "workspace":
        return {}
    lacks = {
        "lgo": workspace.read_member(slug)["lgo"] is None,
        "budgets": prof.operating_budget is None or prof.capital_budget is None,
        "residents": prof.population is None,
        "employees": prof.employees is None,
        "survey": not prof.survey,
    }
    fields = {"name": prof.name, "slug": slug, "currency": prof.currency}
    return {k: Note(_NOTES[k].format(**fields)) for k, gone in lacks.items() if gone}


def lgo_year(lgo: pd.DataFrame) -> int | None:
    """The inventory year of an LGO table (:func:`lgo_inventory`), None when it is empty.

    Parameters
    ----------
    lgo : DataFrame
        With ``inventory_year``.

    Returns
    -------
    int or None

    Examples
    --------
    >>> lgo_year(pd.DataFrame({"inventory_year": [2019, 2019], "t_co2e": [1.0, 2.0]}))
    2019
    >>> lgo_year(pd.DataFrame({"inventory_year": [], "t_co2e": []})) is None
    True
    """
    years = pd.to_numeric(lgo["inventory_year"], errors="coerce").dropna()
    return int(years.max()) if len(years) else None


def residents(slug: str | None = None, *, root: str | os.PathLike | None = None) -> pd.DataFrame:
    """Residents per member and year (``member``, ``year``, ``residents``).

    Parameters
    ----------
    slug : str, optional
        Only this member (default: all).
    root : path, optional
        Datasets folder (default: :func:`cohort_helpers.paths.datasets_dir`).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> residents("tindoy")["year"].tolist()
    [2019, 2020, 2021]
    """
    df = pd.read_csv(_root(root) / "members" / "residents.csv")
    own = []
    for s in workspace.list_workspace_members():
        m = workspace.read_member(s)
        if m.get("residents"):
            for y in sorted({e["fiscal_year"] for e in m["ledgers"]}):
                own.append({"member": s, "year": y, "residents": int(m["residents"])})
    if own:
        df = pd.concat([df, pd.DataFrame(own)], ignore_index=True)
    if slug is not None:
        member_profile(slug, root=root)
        df = df[df["member"] == slug].reset_index(drop=True)
    return df


def ledger_files(slug: str | None = None, *, root: str | os.PathLike | None = None) -> pd.DataFrame:
    """Ledger files with their column mapping and ground truth (absolute paths).

    Same columns as ``cohort datasets list``: ``member``, ``country``,
    ``fiscal_year``, ``ledger``, ``mapping``, ``truth``.

    Parameters
    ----------
    slug : str, optional
        Only this member (default: all).
    root : path, optional
        Datasets folder (default: :func:`cohort_helpers.paths.datasets_dir`).

    Returns
    -------
    DataFrame
        One row per ledger file.

    Examples
    --------
    >>> f = ledger_files("cedar_valley")
    >>> [p.rsplit("/", 1)[-1] for p in f.loc[f.fiscal_year == 2022, "ledger"]]
    ['cedar_valley_ap_FY2022.csv', 'cedar_valley_pcard_FY2022.csv']
    """
    r = _root(root)
    df = pd.read_csv(
        r / "members" / "ledgers.csv", keep_default_na=False, dtype={"fiscal_year": int}
    )
    if slug is not None:
        member_profile(slug, root=root)
        df = df[df["member"] == slug].reset_index(drop=True)
    for c in ("ledger", "mapping", "truth"):
        df[c] = [str((r / p).resolve()) for p in df[c]]
    own = []
    bundled = set(pd.read_csv(r / "members" / "members.csv", usecols=["slug"])["slug"])
    for s in workspace.list_workspace_members():
        if (slug is not None and s != slug) or s in bundled:
            continue  # a workspace folder named like a bundled member is not used
        m = workspace.read_member(s)
        for e in m["ledgers"]:
            own.append(
                {
                    "member": s,
                    "country": m["country"],
                    "fiscal_year": e["fiscal_year"],
                    "ledger": e["file"],
                    "mapping": e["mapping"],
                    "truth": "",
                }
            )
    if own:
        df = pd.concat([df, pd.DataFrame(own, columns=LEDGER_COLUMNS)], ignore_index=True)
    return df[LEDGER_COLUMNS]


def load_truth(path: str | os.PathLike) -> pd.DataFrame:
    """Ground truth of a ledger file (gzipped or plain CSV).

    Parameters
    ----------
    path : str or path
        A ``truth`` path of :func:`ledger_files`.

    Returns
    -------
    DataFrame
        ``source_file``, ``source_line`` (int), ``true_status``,
        ``true_reason`` (str, empty when included), ``true_naics6`` (str),
        ``true_capital`` (int 0/1).

    Examples
    --------
    >>> t = load_truth(ledger_files("cedar_valley").truth.iloc[0])
    >>> sorted(t.true_status.unique())
    ['excluded', 'included']
    """
    df = pd.read_csv(
        path,
        dtype={"source_file": str, "true_status": str, "true_reason": str, "true_naics6": str},
        keep_default_na=False,
    )
    need = [
        "source_file",
        "source_line",
        "true_status",
        "true_reason",
        "true_naics6",
        "true_capital",
    ]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: not a ground-truth file; missing column(s) {missing}")
    df["source_line"] = df["source_line"].astype(int)
    df["true_capital"] = df["true_capital"].astype(int)
    return df[need]


def public_table(name: str, *, root: str | os.PathLike | None = None) -> pd.DataFrame:
    """A table of public figures from ``datasets/public/`` (with ``source`` and ``unit`` columns).

    Parameters
    ----------
    name : str
        One of :data:`PUBLIC_TABLES`: ``cpi_u``, ``nok_per_usd``,
        ``usd_per_gbp``, ``benchmarks``.
    root : path, optional
        Datasets folder (default: :func:`cohort_helpers.paths.datasets_dir`).

    Returns
    -------
    DataFrame
        The file as it is (blank cells NaN); the benchmarks with their
        caveats are read by :func:`cohort_helpers.compare.benchmarks`.

    Examples
    --------
    >>> float(public_table("cpi_u").set_index("year").loc[2022, "value"])
    292.655
    """
    if name not in PUBLIC_TABLES:
        raise KeyError(f"No public table {name!r}. Tables: {', '.join(PUBLIC_TABLES)}.")
    return pd.read_csv(
        _root(root) / "public" / f"{name}.csv", keep_default_na=False, na_values=[""]
    )
