"""The whole cohort computed once with the same settings, in worker processes, cached on disk.

:func:`cohort_results` runs :func:`cohort_helpers.inventory.member_inventory`
for every ledger year of every member with one factor set, one price method
and one set of rules, summarises each member-year into the tables of a
:class:`cohort_helpers.compare.CohortResults` (the comparisons are its
methods), and keeps them in the on-disk cache of
:mod:`cohort_helpers.cohort_cache`. Member-years run in up to two worker
processes (``spawn``: safe inside a Jupyter kernel).

Examples
--------
>>> res = cohort_results(members=["northgate"], progress=False)  # doctest: +SKIP
>>> res.years("northgate")  # doctest: +SKIP
[2021]
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__, cohort_cache, data, exclude, inventory, paths, workspace
from . import members as members_mod
from .compare import CATEGORY_COLUMNS, MEMBER_YEAR_COLUMNS, CohortResults
from .inventory import cents

__all__ = ["cohort_results"]


def _summarise_member_year(inv) -> tuple[pd.DataFrame, dict]:

    lines = inv.lines
    status = lines["status"]
    inc = lines[status == "included"]
    joint = (
        inc["joint_agreement"].astype("boolean")
        if "joint_agreement" in inc
        else pd.Series(pd.NA, index=inc.index, dtype="boolean")
    )
    work = pd.DataFrame(
        {
            "naics6": inc["naics6"].astype("string").fillna(""),
            "scope3_category": pd.to_numeric(inc["scope3_category"], errors="coerce")
            .fillna(1)
            .astype(int),
            "joint_agreement": joint,
            "nominal_spend": inc["amount"].astype(float),
            "spend_usd": inc["spend_factor_usd"].astype(float),
            "kg_co2e": inc["kg_co2e"].astype(float),
        }
    )
    g = work.groupby(["naics6", "scope3_category", "joint_agreement"], dropna=False, sort=True)
    cats = g[["nominal_spend", "spend_usd", "kg_co2e"]].sum()
    cats.insert(0, "lines", g.size())
    cats = cats.reset_index()
    cats["t_co2e"] = cats.pop("kg_co2e") / 1000
    cats.insert(0, "fiscal_year", int(inv.fiscal_year))
    cats.insert(0, "member", inv.member)
    amount_c = cents(lines["amount"])
    rec = inv.reconciliation
    cur = inc["currency"].dropna() if "currency" in inc else pd.Series(dtype=str)
    totals = {
        "lines": len(lines),
        "input_spend": int(amount_c.sum()) / 100,
        "included_spend": int(amount_c[status == "included"].sum()) / 100,
        "excluded_spend": int(amount_c[status == "excluded"].sum()) / 100,
        "unclassified_spend": int(amount_c[status == "unclassified"].sum()) / 100,
        "spend_usd": float(work["spend_usd"].sum()),
        "t_co2e": float(work["kg_co2e"].sum()) / 1000,
        "reconciliation_cents": int(
            rec.loc[rec["bucket"] == "check", "difference_cents"].abs().sum()
        ),
        "currency": str(cur.mode().iloc[0]) if len(cur) else "USD",
    }
    return cats[CATEGORY_COLUMNS], totals


def _member_year_result(
    member: str,
    year: int,
    factors: str | os.PathLike,
    price_method: str,
    rules_dir: str | os.PathLike | None,
    chart: str,
) -> tuple[pd.DataFrame, dict, int | None]:
    """One member-year for :func:`cohort_results` (top level: runs in worker processes)."""

    kwargs = {}
    if rules_dir is not None:
        kwargs["rules"] = exclude.load_rules(rules_dir, chart=chart)
    inv = inventory.member_inventory(
        member, year, factors=factors, price_method=price_method, n_draws=0, **kwargs
    )
    cats, totals = _summarise_member_year(inv)
    return cats, totals, inv.settings.get("dollar_year")


def _count(value) -> int | float:
    """A head count as an int, NaN when unknown (a workspace member may give none)."""
    v = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return int(v) if pd.notna(v) else np.nan


def _combine(blocks: list[CohortResults]) -> CohortResults:
    """Cohort results of several blocks (bundled cohort, workspace members) as one."""
    if len(blocks) == 1:
        return blocks[0]
    first = blocks[0]
    categories = pd.concat([b.categories for b in blocks], ignore_index=True)
    categories["joint_agreement"] = categories["joint_agreement"].astype("boolean")
    member_years = pd.concat([b.member_years for b in blocks], ignore_index=True)
    key = hashlib.sha256("|".join(b.key for b in blocks).encode()).hexdigest()
    settings = {**first.settings, "workspace_members": [b.settings["members"] for b in blocks[1:]]}
    return CohortResults(
        categories, member_years, settings, key, first.path, all(b.from_cache for b in blocks)
    )


def cohort_results(
    factors: str | os.PathLike = "sef_v1.3",
    price_method: str = "bea",
    *,
    rules: str | os.PathLike | None = None,
    members: Sequence[str] | None = None,
    cache: bool = True,
    refresh: bool = False,
    progress: bool = True,
    wait: float = 900.0,
    workers: int | None = None,
) -> CohortResults:
    """Every cohort member-year with the same settings, cached in the user cache.

    Runs :func:`cohort_helpers.inventory.member_inventory` for every ledger
    year of every member (``members.ledger_files()``) with one factor set,
    one price method and one set of exclusion/classification rules, without
    Monte Carlo (``n_draws=0``; a member's own uncertainty comes from its own
    ``member_inventory``). The first run takes a few minutes (a progress bar
    shows it); later runs read ``<cache>/results/cohort_<key>.*`` in well
    under a second.

    The cache key is a hash of the settings, the package version, the bytes
    of every ledger, column mapping, rules file and public table used, the
    engine's source files, and the size and date of the published reference
    files: change any of them and the results are computed again. Files are written to a temporary
    name and then renamed (atomic), and a lock file lets a second process
    that starts at the same time wait for the first instead of computing too.

    Parameters
    ----------
    factors : str or path
        Factor set name (``"sef_v1.3"``) or a file in the SEF layout.
    price_method : {"bea", "cpi_u"}
        Price index to bring spend to the factor year.
    rules : path, optional
        A folder of classification/exclusion rules (default ``datasets/classify``).
    members : list of str, optional
        Only these members (default: all).
    cache : bool
        Read and write the cache (False: always compute, write nothing).
    refresh : bool
        Compute again even when a cached result exists (and replace it).
    progress : bool
        Show a progress bar while computing.
    wait : float
        Seconds to wait for another process that is building the same cache.
    workers : int, optional
        Processes computing member-years in parallel (default: up to 2 for 12
        or more member-years, else 1, in this process).

    Returns
    -------
    CohortResults

    Your own members (``cohort member add``, :mod:`cohort_helpers.workspace`)
    are computed with the same settings and cached apart, one cache entry per
    workspace member (keyed by its files and ``member.yaml``): adding or
    editing one never invalidates the bundled cohort's cache.

    Examples
    --------
    >>> res = cohort_results()  # doctest: +SKIP
    >>> res.normalised()[["t_per_resident", "rank"]].head(3)  # doctest: +SKIP

    A member without ledgers is named, with the members that have some:

    >>> cohort_results(members=["nobody"])
    Traceback (most recent call last):
    ...
    KeyError: "No ledgers for ['nobody']; members: ..."
    """

    files = members_mod.ledger_files()
    profiles = members_mod.list_members()
    own = set(profiles.loc[profiles["source"] == "workspace", "slug"])
    if members is not None:
        wanted = list(dict.fromkeys(members))
        unknown = sorted(set(wanted) - set(files["member"]))
        if unknown:
            raise KeyError(
                f"No ledgers for {unknown}; members: {', '.join(dict.fromkeys(files['member']))}."
            )
        files = files[files["member"].isin(wanted)]
    rules_dir = Path(rules) if rules is not None else paths.datasets_dir() / "classify"
    if not rules_dir.is_dir():
        raise FileNotFoundError(f"The rules folder {str(rules_dir)!r} does not exist.")
    common = dict(
        factors=factors,
        price_method=price_method,
        rules=rules,
        rules_dir=rules_dir,
        cache=cache,
        refresh=refresh,
        progress=progress,
        wait=wait,
        workers=workers,
    )
    bundled = files[~files["member"].isin(own)]
    blocks = []
    if len(bundled) or not len(files):
        label = "all" if members is None else sorted(set(members) - own)
        blocks.append(_cohort_block(bundled, label, "cohort", **common))
    for slug in dict.fromkeys(files.loc[files["member"].isin(own), "member"]):
        blocks.append(
            _cohort_block(files[files["member"] == slug], [slug], "member", **common, own=True)
        )
    return _combine(blocks)


def _cohort_block(
    files: pd.DataFrame,
    label: str | list[str],
    stem: str,
    *,
    factors: str | os.PathLike,
    price_method: str,
    rules: str | os.PathLike | None,
    rules_dir: Path,
    cache: bool,
    refresh: bool,
    progress: bool,
    wait: float,
    workers: int | None,
    own: bool = False,
) -> CohortResults:
    """:func:`cohort_results` of the member-years in ``files``, cached as ``<stem>_<key>``."""

    settings = {
        "factors": str(factors),
        "price_method": price_method,
        "rules": "default" if rules is None else str(rules_dir.resolve()),
        "members": label,
        "n_draws": 0,
        "package_version": __version__,
    }
    extra = [workspace.member_dir(m) / "member.yaml" for m in label] if own else []
    inputs = cohort_cache.input_fingerprints(files, factors, rules_dir, extra=extra)
    key = cohort_cache.cache_key(settings, inputs)
    prefix = data.cache_dir() / "results" / f"{stem}_{key[:20]}"
    f = cohort_cache.cache_files(prefix)

    def loaded() -> CohortResults | None:
        got = cohort_cache.read_cache(prefix)
        if got is None:
            return None
        cats, my, meta = got
        with suppress(OSError):
            os.utime(f["meta"])  # recently used: kept by _prune
        return CohortResults(cats, my, meta.get("settings", settings), key, prefix, True)

    if cache and not refresh:
        hit = loaded()
        if hit is not None:
            return hit
    locked, got = False, None
    if cache:
        try:
            prefix.parent.mkdir(parents=True, exist_ok=True)
            got = cohort_cache.acquire_lock(
                f["lock"], lambda: f["meta"].is_file(), wait, stale=120.0
            )
            locked = got is True
        except OSError as exc:
            warnings.warn(
                f"Cannot write the results cache in {prefix.parent} ({exc}); computing without "
                f"it. Set {data.CACHE_ENV} to a writable folder to keep the results.",
                stacklevel=2,
            )
            cache = False
        if cache and got is False and not refresh:
            hit = loaded()
            if hit is not None:
                return hit
    try:
        if cache and not refresh:  # another process may have finished meanwhile
            hit = loaded()
            if hit is not None:
                return hit
        pairs = files[["member", "fiscal_year"]].drop_duplicates().itertuples(index=False)
        pairs = list(pairs)
        profiles = members_mod.list_members().set_index("slug")
        residents = members_mod.residents().set_index(["member", "year"])["residents"]
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(
                total=len(pairs), desc="Cohort inventories (first run only)", unit="member-year"
            )
        cat_frames, rows, dollar_year = [], [], None
        jobs = [
            (
                member,
                int(year),
                factors,
                price_method,
                rules_dir if rules is not None else None,
                profiles.loc[member, "chart"],
            )
            for member, year in pairs
        ]
        if workers is None:
            workers = min(2, os.cpu_count() or 1) if len(jobs) >= 12 else 1
        pool = None
        if workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # "spawn": a fresh interpreter per worker, safe inside a Jupyter kernel
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
            done = pool.map(_member_year_result, *zip(*jobs, strict=True))
        else:
            done = (_member_year_result(*job) for job in jobs)
        for (member, year, *_), (cats, totals, dy) in zip(jobs, done, strict=True):
            if bar is not None:
                bar.update(1)
            prof = profiles.loc[member]
            dollar_year = dy if dy is not None else dollar_year
            cat_frames.append(cats)
            rows.append(
                {
                    "member": member,
                    "name": prof["name"],
                    "country": prof["country"],
                    "fiscal_year": int(year),
                    "residents": _count(residents.get((member, int(year)), prof["population"])),
                    "employees": _count(prof["employees"]),
                    **totals,
                }
            )
            if locked:
                with suppress(OSError):
                    os.utime(f["lock"])  # heartbeat: the build is alive
        if pool is not None:
            pool.shutdown()
        if bar is not None:
            bar.close()
        categories = pd.concat(cat_frames, ignore_index=True)[CATEGORY_COLUMNS]
        categories["joint_agreement"] = categories["joint_agreement"].astype("boolean")
        member_years = pd.DataFrame(rows)[MEMBER_YEAR_COLUMNS]
        settings = {**settings, "dollar_year": dollar_year}
        result = CohortResults(categories, member_years, settings, key, prefix if cache else None)
        if cache:
            cohort_cache.write_atomic(f["categories"], lambda p: categories.to_csv(p, index=False))
            cohort_cache.write_atomic(
                f["member_years"], lambda p: member_years.to_csv(p, index=False)
            )
            meta = {
                "key": key,
                "settings": settings,
                "format": cohort_cache.RESULTS_FORMAT,
                "inputs": inputs,
            }
            cohort_cache.write_atomic(f["meta"], lambda p: p.write_text(json.dumps(meta, indent=1)))
            cohort_cache.prune(prefix.parent, keep=cohort_cache.KEEP_RESULTS, stem=stem)
        return result
    finally:
        if locked:
            with suppress(FileNotFoundError):
                f["lock"].unlink()
