"""``datasets/datapackage.json`` (Frictionless Data Package) and ``datasets/README.md``."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ._layouts import LAYOUTS, Layout
from ._spec import COOPERATION, Member

SYNTHETIC_LICENSE = {
    "name": "CC0-1.0",
    "title": "Creative Commons Zero v1.0 Universal",
    "path": "https://creativecommons.org/publicdomain/zero/1.0/",
}
# The generator's old name, kept verbatim with the README text below (and the XLSX creator
# in _util.py): they are written into datasets/, which must stay byte for byte the same
# (the lead renames them in one commit together with a rebuilt datasets/).
GENERATOR = "tools/synth (cohort datasets build)"

FIELD_DOCS = {
    "slug": "member identifier used in file names and code",
    "population": "residents in population_year",
    "operating_budget": "operating budget of budget_year (payroll, operating purchases, energy, debt service, grants, fees), in currency",
    "capital_budget": "capital budget of budget_year (capital outlay incl. land), in currency",
    "fiscal_year_start_month": "first month of the fiscal year (1..12); a fiscal year is named by the calendar year it ends in",
    "t_co2e": "tonnes CO2e (AR5 GWP-100)",
    "residents": "residents in the year",
    "source_line": "physical 1-based line in the ledger file, counting title and header lines (Excel row number for XLSX)",
    "true_status": "included or excluded",
    "true_reason": "exclusion reason (docs/CONTRACTS.md vocabulary), blank when included",
    "true_naics6": "true NAICS-6 commodity (also given for voids, duplicates and energy lines; blank for payroll, debt, transfers, grants, fees, refunds, land)",
    "true_capital": "1 for capital outlay (Scope 3 category 2), else 0",
    "naics6": "NAICS 2017 code: 6 digits, or a 2-5 digit prefix for coarse entries, or blank",
    "exclude_reason": "exclusion reason from docs/CONTRACTS.md, or blank",
    "confidence": "how sure the mapping is, 0..1",
    "capital": "1 when the code is capital outlay",
    "value": "the figure, in unit",
}
UNITS = {
    "t_co2e": "t CO2e",
    "residents": "persons",
    "population": "persons",
    "true_capital": "flag 0/1",
    "capital": "flag 0/1",
}


def _name(rel: str) -> str:
    return re.sub(r"[^a-z0-9_.-]", "_", rel.lower().replace("/", "__"))


def _field_type(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "boolean"
    if pd.api.types.is_integer_dtype(s):
        return "integer"
    if pd.api.types.is_float_dtype(s):
        return "number"
    return "string"


def _schema_from_csv(path: Path, gz: bool = False) -> dict:
    df = pd.read_csv(
        path,
        dtype=None,
        keep_default_na=False,
        na_values=[""],
        compression="gzip" if gz else None,
        nrows=5000,
    )
    str_like = {
        "naics6",
        "true_naics6",
        "object_code",
        "mcc",
        "pattern",
        "question_id",
        "chart",
        "year_or_blank",
        "skip_if",
    }
    fields = []
    for c in df.columns:
        t = "string" if c in str_like else _field_type(df[c])
        if c in ("low", "high", "value", "year") and path.name == "benchmarks.csv":
            t = "string" if c == "year" else "number"
        f = {"name": c, "type": t}
        if c in FIELD_DOCS:
            f["description"] = FIELD_DOCS[c]
        if c in UNITS:
            f["unit"] = UNITS[c]
        fields.append(f)
    return {"fields": fields}


def ledger_resources(
    root: Path, path: Path, lay: Layout, truth: Path, m: Member, fy: int
) -> list[dict]:
    rel = path.relative_to(root).as_posix()
    cur = "NOK" if m.country == "NO" else "USD"
    fields = []
    for header, field in lay.columns:
        t = "string"
        desc = field
        if field == "amount":
            t = "number" if lay.amount == "cell" else "string"
            desc = f"amount in {cur}; credits negative; text format per the mapping file (decimal {lay.decimal!r}, thousands {lay.thousands!r})"
        elif field == "date":
            t = "date" if lay.date_style == "cell" else "string"
            desc = "transaction/payment date" + (
                "" if lay.date_style == "cell" else f" as text ({lay.date_style})"
            )
        elif field == "mcc":
            desc = "4-digit merchant category code (P-card lines only)"
        elif field in ("fiscal_year", "period"):
            t = "integer"
        f = {"name": header, "type": t, "description": desc}
        if field == "amount":
            f["unit"] = cur
        fields.append(f)
    dialect: dict = {}
    n_head = lay.first_data_line() - 1
    if n_head > 1:
        dialect["headerRows"] = [n_head]
    res = {
        "name": _name(rel),
        "path": rel,
        "title": f"{m.name} ledger {'FY' if m.country == 'US' else ''}{fy}"
        + (" (P-card)" if "pcard" in path.name else ""),
        "description": lay.description,
        "format": lay.fmt,
        "synthetic": True,
        "sources": [{"title": GENERATOR}],
        "licenses": [SYNTHETIC_LICENSE],
        "schema": {"fields": fields},
    }
    if lay.fmt == "csv":
        res["mediatype"] = "text/csv"
        res["encoding"] = lay.encoding
        if lay.delimiter != ",":
            dialect["csv"] = {"delimiter": lay.delimiter}
    else:
        res["mediatype"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        dialect["excel"] = {"sheet": 1}
    if dialect:
        res["dialect"] = dialect
    trel = truth.relative_to(root).as_posix()
    tres = {
        "name": _name(trel),
        "path": trel,
        "title": f"Ground truth for {path.name}",
        "description": "One row per data line of the ledger: true status, exclusion reason, NAICS-6 and capital flag. Kept apart from what participants see.",
        "format": "csv",
        "compression": "gz",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "synthetic": True,
        "sources": [{"title": GENERATOR}],
        "licenses": [SYNTHETIC_LICENSE],
        "schema": {
            "fields": [
                {"name": "source_file", "type": "string", "description": "ledger file name"},
                {
                    "name": "source_line",
                    "type": "integer",
                    "description": FIELD_DOCS["source_line"],
                },
                {
                    "name": "true_status",
                    "type": "string",
                    "constraints": {"enum": ["included", "excluded"]},
                    "description": FIELD_DOCS["true_status"],
                },
                {"name": "true_reason", "type": "string", "description": FIELD_DOCS["true_reason"]},
                {"name": "true_naics6", "type": "string", "description": FIELD_DOCS["true_naics6"]},
                {
                    "name": "true_capital",
                    "type": "integer",
                    "description": FIELD_DOCS["true_capital"],
                    "unit": "flag 0/1",
                },
            ]
        },
    }
    return [res, tres]


_TABLES = [
    (
        "members/members.csv",
        "Member profiles",
        "Fictional cohort members: 12 US cities/counties and 7 Norwegian municipalities.",
        True,
    ),
    ("members/residents.csv", "Residents per member and year", "Fictional resident counts.", True),
    (
        "members/lgo_inventory.csv",
        "LGO Scope 1 and 2 inventories",
        "Base-year (2019) local government operations inventory by sector and scope, t CO2e; fictional.",
        True,
    ),
    (
        "members/ledgers.csv",
        "Ledger index",
        "Every ledger file with its mapping and ground truth (paths relative to this folder); what `cohort datasets list` prints.",
        True,
    ),
    (
        "classify/object_codes.csv",
        "Charts of accounts mapped to NAICS",
        "Each member's chart (chart = member slug) and the KOSTRA art chart (chart = kostra) with NAICS, exclusion reason, capital flag.",
        True,
    ),
    (
        "classify/vendors.csv",
        "Known vendors",
        "Canonical vendor names with their main NAICS-6 or exclusion reason. Some names are real national companies or agencies; all transactions with them are fictional.",
        True,
    ),
    (
        "classify/keywords.csv",
        "Description keyword rules",
        "Case-insensitive regular expressions on line descriptions (English and Norwegian).",
        False,
    ),
    (
        "classify/mcc.csv",
        "Merchant category codes",
        "Real 4-digit MCC meanings mapped to NAICS-6 or an exclusion reason.",
        False,
    ),
    (
        "survey/instrument.csv",
        "Department survey instrument",
        "Questions of the Session 2 department spend survey.",
        False,
    ),
    (
        "public/cpi_u.csv",
        "CPI-U annual averages 2010-2025",
        "US Bureau of Labor Statistics, CPI-U, US city average, all items, series CUUR0000SA0, "
        "annual average (1982-84 = 100). The note column says how sure each value is.",
        False,
    ),
    (
        "public/nok_per_usd.csv",
        "NOK per USD 2010-2025",
        "Annual averages: Norges Bank (2019-2023, as bundled before) and Federal Reserve G.5A "
        "(other years); the source and note columns name the publisher of each row.",
        False,
    ),
    (
        "public/sek_per_usd.csv",
        "SEK per USD 2010-2025",
        "Federal Reserve G.5A annual averages (H.10 noon buying rates); see the note column.",
        False,
    ),
    (
        "public/dkk_per_usd.csv",
        "DKK per USD 2010-2025",
        "Federal Reserve G.5A annual averages (H.10 noon buying rates); see the note column.",
        False,
    ),
    (
        "public/usd_per_eur.csv",
        "USD per EUR 2010-2025",
        "Federal Reserve G.5A annual averages (H.10 noon buying rates); see the note column.",
        False,
    ),
    (
        "public/usd_per_gbp.csv",
        "USD per GBP 2010-2025",
        "Federal Reserve G.5A annual averages (2021-2022 as in the curriculum brief); see the "
        "source and note columns.",
        False,
    ),
    (
        "public/ppp_oecd.csv",
        "OECD purchasing power parities for GDP 2015-2024",
        "OECD PPP for GDP, national currency units per US dollar (indicator PPPGDP), for NOK, "
        "SEK, DKK, EUR, GBP; every value APPROXIMATE (see the note column).",
        False,
    ),
    (
        "public/benchmarks.csv",
        "Benchmark figures",
        "Published figures to compare results against, with sources.",
        False,
    ),
]


_FED = {
    "title": "Board of Governors of the Federal Reserve System, G.5A Foreign Exchange Rates "
    "(Annual)",
    "path": "https://www.federalreserve.gov/releases/g5a/",
}
_BLS = {
    "title": "US Bureau of Labor Statistics, CPI-U, series CUUR0000SA0, annual average",
    "path": "https://data.bls.gov/timeseries/CUUR0000SA0",
}
_NB = {
    "title": "Norges Bank, exchange rates, annual averages",
    "path": "https://www.norges-bank.no/en/topics/Statistics/exchange_rates/",
}
#: Primary publishers of the public tables (each row also names its own source).
_PUBLIC_SOURCES = {
    "public/cpi_u.csv": [_BLS],
    "public/nok_per_usd.csv": [_NB, _FED],
    "public/sek_per_usd.csv": [_FED],
    "public/dkk_per_usd.csv": [_FED],
    "public/usd_per_eur.csv": [_FED],
    "public/usd_per_gbp.csv": [_FED],
    "public/ppp_oecd.csv": [
        {
            "title": "OECD, Purchasing power parities for GDP (PPPGDP), national currency per USD",
            "path": "https://www.oecd.org/en/data/indicators/purchasing-power-parities-ppp.html",
        }
    ],
}


def table_resources(root: Path) -> list[dict]:
    out = []
    for rel, title, desc, synthetic in _TABLES:
        r = {
            "name": _name(rel),
            "path": rel,
            "title": title,
            "description": desc,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "synthetic": synthetic,
            "schema": _schema_from_csv(root / rel),
        }
        if rel.startswith("public/"):
            r["sources"] = _PUBLIC_SOURCES.get(
                rel, [{"title": "see the source column of each row"}]
            )
        else:
            r["sources"] = [
                {
                    "title": GENERATOR
                    if synthetic
                    else "written for the curriculum (general practitioner knowledge)"
                }
            ]
        r["licenses"] = [SYNTHETIC_LICENSE]
        out.append(r)
    for p in sorted((root / "members").glob("*/chart_of_accounts.csv")):
        rel = p.relative_to(root).as_posix()
        out.append(
            {
                "name": _name(rel),
                "path": rel,
                "title": f"Chart of accounts: {p.parent.name}",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "synthetic": True,
                "sources": [{"title": GENERATOR}],
                "licenses": [SYNTHETIC_LICENSE],
                "schema": {
                    "fields": [
                        {"name": "object_code", "type": "string"},
                        {"name": "description", "type": "string"},
                    ]
                },
            }
        )
    return out


def survey_resources(root: Path) -> list[dict]:
    out = []
    for p in sorted((root / "survey" / "returns").rglob("*.xlsx")):
        rel = p.relative_to(root).as_posix()
        out.append(
            {
                "name": _name(rel),
                "path": rel,
                "title": f"Survey return {p.stem}",
                "format": "xlsx",
                "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "description": "Returned department survey workbook (sheet Survey; a second sheet Department holds who answered and when).",
                "dialect": {"excel": {"sheet": "Survey"}},
                "synthetic": True,
                "sources": [{"title": GENERATOR}],
                "licenses": [SYNTHETIC_LICENSE],
                "schema": {
                    "fields": [
                        {"name": "question_id", "type": "string"},
                        {"name": "category", "type": "string"},
                        {"name": "naics6", "type": "any"},
                        {"name": "question", "type": "string"},
                        {"name": "unit", "type": "string"},
                        {
                            "name": "answer",
                            "type": "any",
                            "description": "number, yes/no or text as the department typed it",
                        },
                        {"name": "comment", "type": "any"},
                    ]
                },
            }
        )
    for p in sorted((root / "survey" / "returns").rglob("distribution.csv")):
        rel = p.relative_to(root).as_posix()
        out.append(
            {
                "name": _name(rel),
                "path": rel,
                "title": f"Survey distribution list {p.parent.name}",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "synthetic": True,
                "sources": [{"title": GENERATOR}],
                "licenses": [SYNTHETIC_LICENSE],
                "schema": _schema_from_csv(p),
            }
        )
    for p in sorted((root / "truth" / "survey").glob("*.csv")):
        rel = p.relative_to(root).as_posix()
        out.append(
            {
                "name": _name(rel),
                "path": rel,
                "title": f"Survey truth {p.stem}",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "synthetic": True,
                "sources": [{"title": GENERATOR}],
                "licenses": [SYNTHETIC_LICENSE],
                "schema": _schema_from_csv(p),
            }
        )
    return out


def datapackage(resources: list[dict], seed: int) -> dict:
    return {
        "name": "cohort-synthetic-datasets",
        "title": "Synthetic cohort for supply-chain GHG inventories of local governments",
        "description": (
            "Fictional US cities and counties and a fictional Norwegian procurement cooperation: ledgers, "
            "mappings, ground truth, classification reference data, survey returns, and a few tables of public "
            f"figures. Generated by `cohort datasets build` with seed {seed}. Member names and figures are fictional."
        ),
        "version": "1.0.0",
        "synthetic": True,
        "licenses": [SYNTHETIC_LICENSE],
        "sources": [
            {"title": GENERATOR},
            {
                "title": "BEA 2017 Use table (GSLGO, F10S00, F10E00, F10N00) and EPA SEF v1.3 as sampling weights"
            },
        ],
        "resources": resources,
    }


def readme(members: pd.DataFrame, idx: pd.DataFrame, seed: int) -> str:
    us_rows, no_rows = [], []
    for r in members.itertuples():
        n_files = int((idx["member"] == r.slug).sum())
        lay = LAYOUTS[r.layout]
        fmt = f"{lay.fmt.upper()}, {lay.encoding}" if lay.fmt == "csv" else "XLSX"
        fy = {1: "1 Jan", 7: "1 Jul", 10: "1 Oct"}[r.fiscal_year_start_month]
        row = f"| `{r.slug}` | {r.name} | {r.kind} | {r.state_or_region if r.country == 'US' else ''} | {r.population:,} | {fy} | {r.ledger_years.replace(';', ', ')} | `{r.layout}` ({fmt}) | {n_files} |"
        (us_rows if r.country == "US" else no_rows).append(row)
    head = "| slug | name | type | state | population (2021) | FY starts | ledger years | layout (format, encoding) | ledger files |\n|---|---|---|---|---|---|---|---|---|"
    return f"""# Synthetic cohort datasets

**Everything in this folder except `public/` is synthetic.** The member
names (cities, counties, Norwegian municipalities, the procurement
cooperation "{COOPERATION}") are made up, and so are their populations,
budgets, inventories, ledgers and survey answers. Any resemblance to a real
place is accidental. Some vendor names are those of real national companies
and agencies (for example W.W. Grainger, Verizon Wireless, the Internal
Revenue Service), because participants must learn to recognise them; every
transaction with them here is fictional.

What is real:

* `public/`: published figures, each row naming its primary publisher and
  series in `source` / `source_url` and how sure the value is in `note`:
  CPI-U 2010-2025 (US Bureau of Labor Statistics, series CUUR0000SA0, annual
  average); NOK, SEK, DKK per USD and USD per EUR, GBP 2010-2025 (Federal
  Reserve G.5A annual averages of the H.10 noon buying rates; NOK 2019-2023
  Norges Bank, GBP 2021-2022 as in the curriculum brief); the OECD PPP table
  (`ppp_oecd.csv`, OECD PPP for GDP, every value approximate); benchmark figures with their sources. These
  tables were assembled without internet access: values read from a stored
  copy of a release say so; values recalled from the series are rounded to
  the digits we are sure of and marked "not checked here"; 2025 values are
  marked APPROXIMATE. A rate that is missing or that you want to replace is
  given with `--rate CUR:YEAR=VALUE` (units of CUR per US dollar).
* The purchase mix: operating purchases are sampled with the BEA 2017 Use
  table column `GSLGO` (state and local general government), capital
  purchases with `F10S00`, `F10E00`, `F10N00`, mapped to NAICS-6 through the
  EPA SEF v1.3 `Reference USEEIO Code` (read at build time from the reference
  data registry, `COHORT_DATA_DIR`). Scope 1/2 energy (324110, 221100, 221200)
  is taken out of purchases and generated as energy lines consistent with
  each member's LGO inventory.
* Charts of accounts follow real structures (GFOA-style object codes, the
  Florida and Georgia uniform charts, SAP-style G/L accounts, KOSTRA art and
  function codes); merchant category codes are real MCC meanings.

## How it is made

```
export COHORT_DATA_DIR=/path/to/reference/data
cohort datasets build            # or: make data
cohort datasets check            # exit 0 only if this folder equals a fresh build, byte for byte
cohort datasets list             # one line per ledger file (tab-separated)
cohort datasets describe         # realism summary per member-year
```

The generator is `tools/synth/` (in the repository, not in the package), deterministic from seed **{seed}**
(numpy `Generator` streams keyed by member and year). Gzip members carry
mtime 0, XLSX files fixed timestamps, so two builds are identical byte for byte.

## Members

US members (12):

{head}
{chr(10).join(us_rows)}

Norwegian municipalities in {COOPERATION} (7), calendar years, NOK:

{head}
{chr(10).join(no_rows)}

`members/members.csv` holds the profiles (population, employees, operating
and capital budget, fiscal-year start month, state, type),
`members/residents.csv` residents per year, `members/lgo_inventory.csv` each
member's base-year (2019) LGO Scope 1 and 2 inventory by sector (buildings,
streetlights, fleet, water_wastewater, solid_waste).

## File layout

```
members/members.csv, residents.csv, lgo_inventory.csv, ledgers.csv
members/<slug>/mapping.yaml              column mapping of the member's AP export (docs/CONTRACTS.md)
members/<slug>/mapping_pcard.yaml        P-card file mapping (cedar_valley)
members/<slug>/chart_of_accounts.csv     object codes and descriptions (US members)
members/<slug>/ledgers/<slug>_ap_FY<year>.csv|xlsx     accounts-payable export of one fiscal year
members/<slug>/ledgers/<slug>_pcard_FY<year>.csv       P-card transactions (cedar_valley)
members/<slug>/ledgers/<slug>_hovedbok_<year>.csv      Norwegian ledger export of one year
truth/<slug>/<ledger file>.truth.csv.gz  ground truth, one row per ledger line (not for participants)
truth/survey/<slug>_survey_FY<year>.csv  what each survey answer should have been, and its flaw
classify/object_codes.csv, vendors.csv, keywords.csv, mcc.csv   classification reference data
survey/instrument.csv                    the department survey questions
survey/returns/<slug>/*.xlsx             returned department workbooks; distribution.csv lists who was sent one
public/cpi_u.csv, nok_per_usd.csv, sek_per_usd.csv, dkk_per_usd.csv, usd_per_eur.csv,
       usd_per_gbp.csv, ppp_oecd.csv, benchmarks.csv
datapackage.json                         Frictionless descriptor of every file
```

Fiscal years are named by the calendar year they end in (FY2022 of a July
member runs 1 Jul 2021 - 30 Jun 2022). `members/ledgers.csv` lists each ledger
with its mapping and truth; `cohort datasets list` prints it with paths
relative to the repository root.

## Export layouts

| layout | format | what to expect |
|---|---|---|
{chr(10).join(f"| `{k}` | {v.fmt} | {v.description} |" for k, v in LAYOUTS.items())}

Ledgers hold what real AP exports hold besides purchases: payroll clearing,
withholding, benefits and pension payments; debt service; transfers between
funds; grants and pass-through payments; fees to other governments; refunds
to residents (often coded to revenue or deposit accounts); land purchases;
electricity, natural gas and fuel (Scope 1/2); voided payments (the original
line, a negative VOID line with the same check number, and a reissue with a
new number: the first two are excluded as `void`, the reissue is included);
exact duplicate lines (the later copy is excluded as `duplicate`); split
invoices (one invoice across departments: legitimate, included); vendor credit
memos (negative, included); vendors spelled several ways; blank and cryptic
descriptions. `cedar_valley`'s AP export omits the monthly payments to the
P-card issuer; the P-card file holds the card transactions instead.

Norwegian ledgers: `Art` is the KOSTRA art code written with four digits (the
three-digit art plus a local sub-account digit: `0100` fastlønn, `1150`
matvarer, `1801` strøm, `4700` overføring til andre, `5100` avdrag...),
`Funksjon` the KOSTRA function, `Investering` is `J` for lines in the
investment accounts (capital) and `N` otherwise, `Rammeavtale` is `J` for
purchases under the cooperation's joint framework agreements. Payroll postings
have no vendor.

## Ground truth

`truth/<slug>/<file>.truth.csv.gz` (gzip, UTF-8 CSV): `source_file`,
`source_line` (physical 1-based line in the file counting title and header
lines; Excel row number for XLSX), `true_status` (`included`/`excluded`),
`true_reason` (docs/CONTRACTS.md vocabulary), `true_naics6`, `true_capital`
(0/1). `true_naics6` is also given for voids, duplicates (the NAICS of the
purchase) and energy lines (324110, 221122 electricity, 221210 natural gas);
it is blank for payroll, debt, transfers, grants, fees, refunds and land.

## Department survey (Session 2)

`survey/instrument.csv` has one row per question: `question_id`, `category`,
`naics6` (factor code the answer feeds; blank for general questions), `question`,
`unit` (`USD`, `count`, `gal`, `short tons`, `cubic yards`, `reams`, `nights`,
`yes/no`, `yes/no/unknown`, `text`), `required` (1/0), `skip_if` (empty, or
`<question_id>=<value>`: skip this question when that answer equals the value,
e.g. `Q01=no`), `help_text`.

Returned workbooks (`survey/returns/<slug>/<slug>_survey_FY<year>_<department>.xlsx`,
written with openpyxl) have two sheets:

* **Survey**: row 1 is the header `question_id | category | naics6 | question
  | unit | answer | comment`; then one row per question, in instrument order
  (rows 2-22). `unit` is pre-filled from the instrument and sometimes
  overwritten by the respondent (a wrong unit: `lbs`, `liters`, `$ thousands`,
  `m3`). `answer` is a number, `yes`/`no`/`unknown`, text, or empty; some
  number cells hold text (`approx 250`, `~1,200`, `see attached`).
* **Department**: row 1 is the header `field | value`; rows `department`,
  `contact`, `email`, `date` (date returned, an Excel date), `fiscal_year`,
  `member`.

`survey/returns/<slug>/distribution.csv` lists every department the survey was
sent to (`department, contact, email, sent, due, returned, file`); one
department per member never answered (`returned = no`, no file). The truth,
`truth/survey/<slug>_survey_FY<year>.csv`, gives for every department and
question the answer as given, the issue (`ok`, `missing_required`,
`wrong_unit`, `text_in_number`, `skipped`, `not_returned`) and the true value in
the instrument's unit. Survey quantities are consistent with the member's
ledger of the same fiscal year.

## Classification reference data

`classify/` follows docs/CONTRACTS.md: `object_codes.csv` (every member's chart,
chart id = member slug, plus `kostra`; coarse codes map to a NAICS prefix or
blank), `vendors.csv` (canonical spellings only: variants in the ledgers need
fuzzy matching; a few repeat vendors are missing, as in a real list),
`keywords.csv` (English and Norwegian regular expressions with priorities),
`mcc.csv` (merchant category codes). Used in the order override > exact vendor
> fuzzy vendor > MCC > keyword > object code, they classify well over 95 % of
included spend, about 90 % or more to the true NAICS-6.
"""
