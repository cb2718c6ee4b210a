"""Your own government as a cohort member: the workspace folder.

``cohort member add NAME --country .. --ledger FILE... --mapping M`` copies a
participant's exports and mappings into a member folder of their
**workspace** (not inside the package), after which every session notebook
runs with ``member = "NAME"`` exactly as for the bundled members.

The workspace is ``~/cohort-workspace`` unless the environment variable
``COHORT_WORKSPACE`` names another folder. Its layout::

    <workspace>/members/<slug>/member.yaml       profile, ledger list
    <workspace>/members/<slug>/ledgers/<file>     copies of the exports
    <workspace>/members/<slug>/mappings/<file>    copies of the mappings
    <workspace>/members/<slug>/lgo_inventory.csv  optional Scope 1/2 inventory

``member.yaml`` is plain YAML a participant may edit (residents, employees,
budgets, display name).

Examples
--------
>>> import os, tempfile
>>> os.environ["COHORT_WORKSPACE"] = tempfile.mkdtemp()
>>> workspace_dir().is_dir()
True
>>> list_workspace_members()
[]
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "WORKSPACE_ENV",
    "COUNTRY_DEFAULTS",
    "WorkspaceError",
    "workspace_dir",
    "member_dir",
    "list_workspace_members",
    "read_member",
    "add_member",
    "slugify",
    "workspace_rates",
]

WORKSPACE_ENV = "COHORT_WORKSPACE"

#: Currency, first month of the fiscal year and kind of government per country.
COUNTRY_DEFAULTS: dict[str, dict[str, Any]] = {
    "US": {"currency": "USD", "fiscal_year_start_month": 7, "kind": "city"},
    "GB": {"currency": "GBP", "fiscal_year_start_month": 4, "kind": "council"},
    "NO": {"currency": "NOK", "fiscal_year_start_month": 1, "kind": "municipality"},
}

#: Columns of a member's LGO (Scope 1 and 2) inventory file.
LGO_COLUMNS = ["member", "inventory_year", "sector", "scope", "source", "t_co2e"]


class WorkspaceError(ValueError):
    """A problem with a workspace member (a missing file, a bad ``member.yaml``)."""


def workspace_dir(create: bool = True) -> Path:
    """The participant's workspace folder (``COHORT_WORKSPACE`` or ``~/cohort-workspace``).

    Parameters
    ----------
    create : bool
        Create the folder when it does not exist.

    Returns
    -------
    Path

    Examples
    --------
    >>> import os
    >>> workspace_dir(create=False).name == os.path.basename(
    ...     os.environ.get(WORKSPACE_ENV, "cohort-workspace").rstrip("/"))
    True
    """
    env = os.environ.get(WORKSPACE_ENV)
    root = Path(env).expanduser() if env else Path.home() / "cohort-workspace"
    if create:
        root.mkdir(parents=True, exist_ok=True)
    return root


def slugify(name: str) -> str:
    """A member name as a slug: lower case, ``_`` between words, ASCII letters kept.

    Parameters
    ----------
    name : str
        A name.

    Returns
    -------
    str

    Examples
    --------
    >>> slugify("City of Columbia, SC")
    'city_of_columbia_sc'
    >>> slugify("Førde kommune")
    'forde_kommune'
    """
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
    text = name.translate(table).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text)
    return text.strip("_")


def member_dir(slug: str) -> Path:
    """Folder of a workspace member (it need not exist yet).

    Parameters
    ----------
    slug : str
        The member's slug.

    Returns
    -------
    Path
        ``<workspace>/members/<slug>``.

    Examples
    --------
    >>> member_dir("my_city").name
    'my_city'
    """
    return workspace_dir(create=False) / "members" / slug


def list_workspace_members() -> list[str]:
    """Slugs of the members in the workspace (folders holding a ``member.yaml``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> isinstance(list_workspace_members(), list)
    True
    """
    root = workspace_dir(create=False) / "members"
    if not root.is_dir():
        return []
    return sorted(p.parent.name for p in root.glob("*/member.yaml"))


def read_member(slug: str) -> dict[str, Any]:
    """The ``member.yaml`` of a workspace member, with paths made absolute.

    Parameters
    ----------
    slug : str
        The member's slug.

    Returns
    -------
    dict
        The file's fields.

    Raises
    ------
    KeyError
        When the workspace has no such member.
    WorkspaceError
        When ``member.yaml`` is not valid.

    Examples
    --------
    >>> read_member("no_such_member_here")
    Traceback (most recent call last):
    ...
    KeyError: ...
    """
    import yaml

    folder = member_dir(slug)
    file = folder / "member.yaml"
    if not file.is_file():
        raise KeyError(slug)
    try:
        meta = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise WorkspaceError(f"{file}: not valid YAML ({exc}).") from None
    if not isinstance(meta, dict) or not meta.get("ledgers"):
        raise WorkspaceError(
            f"{file}: needs a 'ledgers:' list (file, mapping, fiscal_year per ledger). "
            f"Add the member again with `cohort member add {slug} ...`."
        )
    for entry in meta["ledgers"]:
        for key in ("file", "mapping"):
            p = folder / str(entry[key])
            if not p.is_file():
                raise WorkspaceError(
                    f"{file}: {key} {entry[key]!r} is not in {folder}. Add the member again "
                    f"with `cohort member add {slug} ...`."
                )
            entry[key] = str(p.resolve())
        entry["fiscal_year"] = int(entry["fiscal_year"])
    lgo = meta.get("lgo")
    meta["lgo"] = str((folder / lgo).resolve()) if lgo else None
    meta["slug"] = slug
    meta["folder"] = str(folder)
    return meta


def _copy_into(src: Path, folder: Path) -> str:
    """Copy ``src`` into ``folder`` (a different file of the same name gets a numbered name)."""
    import filecmp

    if not src.is_file():
        raise WorkspaceError(f"File {str(src)!r} does not exist.")
    folder.mkdir(parents=True, exist_ok=True)
    dest, k = folder / src.name, 1
    while dest.exists() and dest.resolve() != src.resolve() and not filecmp.cmp(src, dest, False):
        k += 1
        dest = folder / f"{src.stem}_{k}{src.suffix}"
    if not dest.exists():
        shutil.copy2(src, dest)
    return f"{folder.name}/{dest.name}"


def add_member(
    name: str,
    *,
    country: str,
    ledgers: Sequence[str | os.PathLike],
    mappings: Sequence[str | os.PathLike],
    fiscal_years: Sequence[int],
    display_name: str | None = None,
    lgo: str | os.PathLike | None = None,
    residents: int | None = None,
    employees: int | None = None,
    operating_budget: float | None = None,
    capital_budget: float | None = None,
    currency: str | None = None,
    fiscal_year_start_month: int | None = None,
    chart: str | os.PathLike | None = None,
    rates: dict[str, dict[int, float]] | None = None,
    replace: bool = False,
) -> Path:
    """Write a workspace member folder (copies of the files and a ``member.yaml``).

    Parameters
    ----------
    name : str
        The member's slug (``my_city``) or name (``"City of Columbia"``, slugified).
    country : {"US", "GB", "NO"}
        Sets the currency and the fiscal-year start unless given.
    ledgers, mappings : sequences of paths
        The exports and their column mappings (one mapping per ledger).
    fiscal_years : sequence of int
        The fiscal year of each ledger.
    lgo : path, optional
        A CSV of the LGO inventory (columns ``inventory_year``, ``sector``,
        ``scope``, ``source``, ``t_co2e``).
    residents, employees : int, optional
        For comparisons per resident and per employee (Session 5).
    rates : mapping, optional
        Annual average exchange rates the bundled tables lack, as
        ``{"GBP per USD": {2017: 0.776}}`` (``cohort member add --rate
        GBP:2017=0.776``); see :func:`workspace_rates`.
    replace : bool
        Replace an existing member of that name.

    Returns
    -------
    Path
        The member folder.

    Examples
    --------
    >>> add_member("My City", country="US", ledgers=["ap.csv"],  # doctest: +SKIP
    ...            mappings=["ap.mapping.yaml"], fiscal_years=[2023], residents=50000)
    """
    import yaml

    slug = slugify(name)
    if not slug:
        raise WorkspaceError(f"{name!r} is not a usable member name (use letters and digits).")
    c = country.upper()
    if c not in COUNTRY_DEFAULTS:
        raise WorkspaceError(
            f"country must be one of {', '.join(COUNTRY_DEFAULTS)}, not {country!r}."
        )
    if len(ledgers) != len(mappings) or len(ledgers) != len(fiscal_years):
        raise WorkspaceError("Give one mapping and one fiscal year per ledger.")
    folder = member_dir(slug)
    if (folder / "member.yaml").is_file() and not replace:
        raise WorkspaceError(
            f"The workspace already has a member {slug!r} ({folder}). Use --replace to replace it."
        )
    if folder.exists() and replace:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    defaults = COUNTRY_DEFAULTS[c]
    entries = []
    for led, mp, fy in zip(ledgers, mappings, fiscal_years, strict=True):
        entries.append(
            {
                "file": _copy_into(Path(led), folder / "ledgers"),
                "mapping": _copy_into(Path(mp), folder / "mappings"),
                "fiscal_year": int(fy),
            }
        )
    meta: dict[str, Any] = {
        "name": display_name or (name if slugify(name) != name else slug.replace("_", " ").title()),
        "country": c,
        "kind": defaults["kind"],
        "currency": (currency or defaults["currency"]).upper(),
        "fiscal_year_start_month": int(
            fiscal_year_start_month or defaults["fiscal_year_start_month"]
        ),
        "residents": int(residents) if residents else None,
        "employees": int(employees) if employees else None,
        "operating_budget": float(operating_budget) if operating_budget else None,
        "capital_budget": float(capital_budget) if capital_budget else None,
        "chart": None,
        "ledgers": entries,
        "lgo": None,
        "rates": {
            str(pair): {int(y): float(v) for y, v in values.items()}
            for pair, values in (rates or {}).items()
        }
        or None,
    }
    if chart is not None:
        cp = Path(chart)
        meta["chart"] = _copy_into(cp, folder) if cp.is_file() else str(chart)
    if lgo is not None:
        frame = read_lgo_file(lgo, slug)
        frame.to_csv(folder / "lgo_inventory.csv", index=False)
        meta["lgo"] = "lgo_inventory.csv"
    header = (
        f"# Cohort member {slug!r}: written by `cohort member add`; edit the figures freely.\n"
        "# residents/employees: for comparisons per resident and per employee (Session 5).\n"
        "# operating_budget/capital_budget: in the member's currency (Sessions 1 and 3).\n"
        "# rates: annual average exchange rates, e.g. {'GBP per USD': {2017: 0.776}}.\n"
    )
    (folder / "member.yaml").write_text(
        header + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return folder


def workspace_rates() -> pd.DataFrame:
    """Exchange rates registered with the workspace members (``rates:`` in ``member.yaml``).

    They fill the years and currencies the bundled tables lack (see
    :func:`cohort_helpers.adjust.exchange_rates`); a bundled rate is never
    replaced. When two members give the same pair and year, the member first in
    alphabetical order wins.

    Returns
    -------
    DataFrame
        ``year``, ``pair`` (``"GBP per USD"``), ``rate``, ``member``.

    Examples
    --------
    >>> workspace_rates().columns.tolist()
    ['year', 'pair', 'rate', 'member']
    """
    rows = []
    for slug in list_workspace_members():
        try:
            meta = read_member(slug)
        except (KeyError, WorkspaceError):
            continue
        for pair, values in (meta.get("rates") or {}).items():
            for year, value in (values or {}).items():
                rows.append((int(year), str(pair), float(value), slug))
    out = pd.DataFrame(rows, columns=["year", "pair", "rate", "member"])
    return out.drop_duplicates(["pair", "year"], ignore_index=True)


def read_lgo_file(path: str | os.PathLike, slug: str) -> pd.DataFrame:
    """Read a participant's LGO inventory CSV and check its columns.

    Columns: ``inventory_year``, ``sector``, ``scope`` (1 or 2), ``source``,
    ``t_co2e`` (``member`` is filled in).

    Parameters
    ----------
    path : path-like
        The CSV.
    slug : str
        The member it belongs to.

    Returns
    -------
    DataFrame
        ``member`` and the columns above.

    Raises
    ------
    WorkspaceError
        Naming the file, row and column of the first problem.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> f = Path(tempfile.mkdtemp()) / "lgo.csv"
    >>> _ = f.write_text("inventory_year,sector,scope,source,t_co2e\\n2019,fleet,1,diesel,120\\n")
    >>> read_lgo_file(f, "my_city")[["member", "scope", "t_co2e"]].values.tolist()
    [['my_city', 1, 120]]
    """
    p = Path(path)
    if not p.is_file():
        raise WorkspaceError(f"LGO inventory file {str(p)!r} does not exist.")
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    need = [c for c in LGO_COLUMNS if c != "member"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise WorkspaceError(
            f"{p.name}: missing column(s) {', '.join(missing)}. Columns found: "
            f"{', '.join(df.columns)}. Expected: {', '.join(need)}."
        )
    for col in ("inventory_year", "scope", "t_co2e"):
        num = pd.to_numeric(df[col].str.replace(",", "", regex=False), errors="coerce")
        bad = num.isna()
        if col == "scope":
            bad |= ~num.isin([1, 2])
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise WorkspaceError(
                f"{p.name}, row {i + 2}, column {col!r}: {df[col].iloc[i]!r} is not valid "
                f"({'1 or 2' if col == 'scope' else 'a number'} expected)."
            )
        df[col] = num
    df["member"] = slug
    df["inventory_year"] = df["inventory_year"].astype(int)
    df["scope"] = df["scope"].astype(int)
    return df[LGO_COLUMNS]
