"""Build the whole ``datasets/`` folder, deterministically."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from . import _catalog as cat
from . import _classify as cls
from . import _docs as docs
from . import _norway as nor
from . import _public as pub
from . import _survey as srv
from . import _us as us
from ._accounts import chart
from ._layouts import LAYOUTS, mapping_yaml, write_ledger
from ._spec import ALL_MEMBERS, COOPERATION, NO_MEMBERS, US_MEMBERS, Member, lgo_inventory
from ._util import SEED, fy_bounds, write_bytes, write_df_csv

LEDGER_INDEX = "members/ledgers.csv"
#: Top-level entries of the datasets folder that the generator owns. Anything
#: else there (e.g. a ``policy/`` folder maintained by hand) is left alone.
MANAGED = ("members", "truth", "classify", "survey", "public", "README.md", "datapackage.json")
LIST_COLUMNS = ["member", "country", "fiscal_year", "ledger", "mapping", "truth"]


def _ledger_name(m: Member, fy: int, kind: str = "ap") -> str:
    lay = LAYOUTS[m.layout]
    if m.country == "NO":
        return f"{m.slug}_hovedbok_{fy}.csv"
    ext = "xlsx" if lay.fmt == "xlsx" else "csv"
    if kind == "pcard":
        return f"{m.slug}_pcard_FY{fy}.csv"
    return f"{m.slug}_ap_FY{fy}.{ext}"


def _canonical_fields(df: pd.DataFrame, m: Member, fy: int) -> pd.DataFrame:
    """Derived display fields used by the layouts."""
    out = df.copy()
    start, _end = fy_bounds(fy, m.fy_start_month)
    months = (
        (pd.DatetimeIndex(out["date"]).year - pd.Timestamp(start).year) * 12
        + pd.DatetimeIndex(out["date"]).month
        - pd.Timestamp(start).month
        + 1
    )
    out["fiscal_year"] = str(fy)
    out["period"] = np.asarray(months).astype(str)
    out["dept_full"] = out["dept_code"].astype(str) + " - " + out["dept_name"].astype(str)
    out["cost_center"] = "1000-" + out["dept_code"].astype(str)
    descs = chart(m.chart).set_index("object_code")["description"]
    out["account_desc"] = out["account"].map(descs).fillna("")
    out["mcc"] = out["mcc"].fillna("").astype(str)
    out["status"] = out["status"].fillna("PAID").astype(str)
    return out


def _pcard_fields(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    out = df.copy()
    lag = rng.integers(1, 4, len(out)).astype("timedelta64[D]")
    out["post_date"] = out["date"].to_numpy().astype("datetime64[D]") + lag
    from ._vendors import FIRST_NAMES, SURNAMES

    holders = np.array(
        [f"{f[0]}. {s.upper()}" for f, s in zip(FIRST_NAMES, SURNAMES, strict=False)], dtype=object
    )
    # one cardholder pool per department
    codes = pd.factorize(out["dept"])[0]
    out["cardholder"] = holders[(codes * 7 + rng.integers(0, 3, len(out))) % len(holders)]
    return out


def clean(out: Path) -> None:
    """Remove the generator's own entries from ``out`` (and nothing else)."""
    for name in MANAGED:
        child = Path(out) / name
        if child.is_dir():
            shutil.rmtree(child)
        elif child.exists():
            child.unlink()


def build(out: str | Path, *, log: Callable[[str], None] | None = None) -> list[Path]:
    """Generate every file of the synthetic cohort into ``out``.

    Only the generator's own entries (:data:`MANAGED`) are replaced; other
    files and folders in ``out`` are left untouched.
    """
    log = log or (lambda s: None)
    out = Path(out)
    clean(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    cat.commodity_profile()
    index_rows = []
    resources: list[dict] = []
    used_us: dict[str, set[int]] = {}
    used_no: dict[str, set[str]] = {}
    survey_truth = []
    profiles = []

    # ---------------------------------------------------------------- US
    for m in US_MEMBERS:
        lay = LAYOUTS[m.layout]
        mdir = out / "members" / m.slug
        mapping = mapping_yaml(
            lay, member_name=m.name, fy_start_month=m.fy_start_month, currency="USD"
        )
        write_bytes(mdir / "mapping.yaml", mapping.encode("utf-8"))
        if m.pcard == "file":
            pm = mapping_yaml(
                LAYOUTS["pcard_csv"],
                member_name=m.name,
                fy_start_month=m.fy_start_month,
                currency="USD",
                note="P-card transactions; the AP export omits the monthly card-issuer payments, so nothing is counted twice.",
            )
            write_bytes(mdir / "mapping_pcard.yaml", pm.encode("utf-8"))
        coa = chart(m.chart)[["object_code", "description"]]
        write_df_csv(mdir / "chart_of_accounts.csv", coa)
        used = used_us.setdefault(m.slug, set())
        for fy in m.years:
            lines, pcard = us.generate_year(
                m, fy, has_status=lay.has_status, pcard_in_ledger=(m.pcard == "column")
            )
            used.update(
                int(v) for v in lines.loc[lines["vid"].fillna(-1).astype(int) >= 0, "vid"].unique()
            )
            start, end = fy_bounds(fy, m.fy_start_month)
            fields = _canonical_fields(lines, m, fy)
            name = _ledger_name(m, fy)
            path = mdir / "ledgers" / name
            truth = write_ledger(path, lay, fields, name=m.name, fy=fy, start=start, end=end)
            tpath = out / "truth" / m.slug / f"{name}.truth.csv.gz"
            write_df_csv(tpath, truth, gz=True)
            index_rows.append((m.slug, "US", fy, path, mdir / "mapping.yaml", tpath))
            resources += docs.ledger_resources(out, path, lay, tpath, m, fy)
            if pcard is not None:
                pf = _pcard_fields(
                    _canonical_fields(pcard, m, fy), us.rng_for("pcard_fields", m.slug, fy)
                )
                pname = _ledger_name(m, fy, "pcard")
                ppath = mdir / "ledgers" / pname
                ptruth = write_ledger(
                    ppath, LAYOUTS["pcard_csv"], pf, name=m.name, fy=fy, start=start, end=end
                )
                ptpath = out / "truth" / m.slug / f"{pname}.truth.csv.gz"
                write_df_csv(ptpath, ptruth, gz=True)
                index_rows.append((m.slug, "US", fy, ppath, mdir / "mapping_pcard.yaml", ptpath))
                resources += docs.ledger_resources(out, ppath, LAYOUTS["pcard_csv"], ptpath, m, fy)
            if m.survey and fy == m.years[-1]:
                survey_truth.append(srv.write_returns(out, m, fy, lines, pcard))
        log(f"{m.slug}: {len(m.years)} year(s) ({time.perf_counter() - t0:.1f} s)")
        b = us.budgets(m, m.years[0])
        e = sum(us.energy_spend(m, m.years[0]).values())
        profiles.append(
            dict(
                slug=m.slug,
                name=m.name,
                country="US",
                kind=m.kind,
                state_or_region=m.state,
                population=m.population,
                population_year=2021,
                employees=int(round(m.population * m.employees_per_1000 / 1000, -1)),
                operating_budget=int(
                    round(
                        b["payroll"] + b["operating"] + e + b["debt"] + b["grant"] + b["tax_fee"],
                        -5,
                    )
                ),
                capital_budget=int(round(b["capital"] + b["land"], -5)),
                budget_year=m.years[0],
                currency="USD",
                fiscal_year_start_month=m.fy_start_month,
                ledger_years=";".join(map(str, m.years)),
                layout=m.layout,
                chart=m.slug,
                pcard=m.pcard or "none",
                survey=int(m.survey),
                lgo_base_year=2019,
                cooperation="",
                fictional=1,
            )
        )

    # ---------------------------------------------------------------- Norway
    for m in NO_MEMBERS:
        lay = LAYOUTS[m.layout]
        mdir = out / "members" / m.slug
        write_bytes(
            mdir / "mapping.yaml",
            mapping_yaml(
                lay,
                member_name=m.name,
                fy_start_month=1,
                currency="NOK",
                note=f"Member of {COOPERATION}. Investering and Rammeavtale hold J (ja) or N (nei).",
            ).encode("utf-8"),
        )
        used = used_no.setdefault(m.slug, set())
        for year in m.years:
            lines = nor.generate_year(m, year)
            used.update(lines["canonical"].dropna().unique().tolist())
            name = _ledger_name(m, year)
            path = mdir / "ledgers" / name
            start, end = fy_bounds(year, 1)
            truth = write_ledger(path, lay, lines, name=m.name, fy=year, start=start, end=end)
            tpath = out / "truth" / m.slug / f"{name}.truth.csv.gz"
            write_df_csv(tpath, truth, gz=True)
            index_rows.append((m.slug, "NO", year, path, mdir / "mapping.yaml", tpath))
            resources += docs.ledger_resources(out, path, lay, tpath, m, year)
        log(f"{m.slug}: {len(m.years)} year(s) ({time.perf_counter() - t0:.1f} s)")
        T = m.population * 100_000 * nor.KPI_NO[m.years[0]]
        profiles.append(
            dict(
                slug=m.slug,
                name=m.name,
                country="NO",
                kind=m.kind,
                state_or_region=COOPERATION,
                population=m.population,
                population_year=2021,
                employees=int(round(m.population * 0.085, -1)),
                operating_budget=int(round(T * 0.9, -5)),
                capital_budget=int(round(T * 0.1, -5)),
                budget_year=m.years[0],
                currency="NOK",
                fiscal_year_start_month=1,
                ledger_years=";".join(map(str, m.years)),
                layout=m.layout,
                chart="kostra",
                pcard="none",
                survey=0,
                lgo_base_year=2019,
                cooperation=COOPERATION,
                fictional=1,
            )
        )

    # ---------------------------------------------------------------- tables
    members = pd.DataFrame(profiles)
    write_df_csv(out / "members" / "members.csv", members)
    res_rows = []
    for m in ALL_MEMBERS:
        years = range(2019, 2024) if m.country == "US" else range(2019, 2022)
        for y in years:
            res_rows.append(
                (m.slug, y, int(round(m.population * (1 + m.growth) ** (y - 2021), -1)))
            )
    write_df_csv(
        out / "members" / "residents.csv",
        pd.DataFrame(res_rows, columns=["member", "year", "residents"]),
    )
    lgo = []
    source = {
        ("buildings", 1): "natural gas and heating oil",
        ("buildings", 2): "purchased electricity and district heat",
        ("streetlights", 2): "purchased electricity",
        ("fleet", 1): "gasoline and diesel",
        ("water_wastewater", 1): "process emissions and natural gas",
        ("water_wastewater", 2): "purchased electricity",
        ("solid_waste", 1): "landfill methane",
    }
    for m in ALL_MEMBERS:
        for sector, scope, t in lgo_inventory(m):
            lgo.append((m.slug, 2019, sector, scope, source[(sector, scope)], int(t)))
    write_df_csv(
        out / "members" / "lgo_inventory.csv",
        pd.DataFrame(
            lgo, columns=["member", "inventory_year", "sector", "scope", "source", "t_co2e"]
        ),
    )
    idx = pd.DataFrame(
        [
            (
                s,
                c,
                y,
                p.relative_to(out).as_posix(),
                mp.relative_to(out).as_posix(),
                t.relative_to(out).as_posix(),
            )
            for s, c, y, p, mp, t in index_rows
        ],
        columns=LIST_COLUMNS,
    )
    write_df_csv(out / LEDGER_INDEX, idx)

    # classification data
    valid = set(cat.naics_titles())
    cls.check_keywords()
    write_df_csv(out / "classify" / "object_codes.csv", cls.object_codes_table(US_MEMBERS))
    write_df_csv(out / "classify" / "vendors.csv", cls.vendors_table(used_us, used_no))
    write_df_csv(out / "classify" / "keywords.csv", cls.keywords_table())
    write_df_csv(out / "classify" / "mcc.csv", cls.mcc_table(valid))

    # survey
    write_df_csv(out / "survey" / "instrument.csv", srv.instrument_table())
    for st in survey_truth:
        slug, fy = st["member"].iloc[0], st["fiscal_year"].iloc[0]
        write_df_csv(out / "truth" / "survey" / f"{slug}_survey_FY{fy}.csv", st)

    # public figures
    for name, (fn, _title) in pub.TABLES.items():
        write_df_csv(out / "public" / f"{name}.csv", fn())

    # descriptor and README
    resources = docs.table_resources(out) + resources + docs.survey_resources(out)
    package = docs.datapackage(resources, seed=SEED)
    write_bytes(
        out / "datapackage.json",
        (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    )
    write_bytes(out / "README.md", docs.readme(members, idx, seed=SEED).encode("utf-8"))
    log(f"done in {time.perf_counter() - t0:.1f} s")
    return sorted(
        p
        for name in MANAGED
        for p in ([out / name] if (out / name).is_file() else (out / name).rglob("*"))
        if p.is_file()
    )
