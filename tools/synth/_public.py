"""Tables of public figures (``datasets/public/``), each with its source and unit."""

from __future__ import annotations

import pandas as pd

from ._spec import CPI_U, NOK_PER_USD, USD_PER_GBP

# --------------------------------------------------------------------------
# Provenance of every bundled rate and index. ``note`` says how sure we are of
# each value: these tables were assembled without internet access, from the
# publishers' releases where a stored copy could be read, else from memory.
# --------------------------------------------------------------------------

BLS = (
    "US Bureau of Labor Statistics, CPI for All Urban Consumers (CPI-U), US city average, "
    "all items, series CUUR0000SA0, annual average"
)
BLS_URL = "https://data.bls.gov/timeseries/CUUR0000SA0"
NORGES_BANK = "Norges Bank, exchange rates, annual average of daily rates (NOK per 1 USD)"
NORGES_BANK_URL = "https://www.norges-bank.no/en/topics/Statistics/exchange_rates/"
FED_G5A = (
    "Board of Governors of the Federal Reserve System, G.5A Foreign Exchange Rates (Annual): "
    "annual average of daily noon buying rates in New York (H.10 series)"
)
FED_G5A_URL = "https://www.federalreserve.gov/releases/g5a/"
BRIEF_GBP = (
    "Annual average of daily spot rates, USD per 1 GBP, as given in the curriculum brief "
    "(compare Federal Reserve H.10 / G.5A and Bank of England annual averages)"
)

#: How sure we are of a value (the ``note`` column).
READ = "read from the G.5A release of {date} (stored copy)"
KEPT = "kept from the earlier bundle (curriculum brief); Federal Reserve G.5A gives {fed}"
RECALLED = (
    "not checked here: recalled from the publisher's series and rounded to the digits we are "
    "sure of; verify before publishing a result"
)
APPROX_2025 = (
    "APPROXIMATE: the published 2025 annual average was not available when this table was made; "
    "the value is a rounded estimate from part-year data. Replace it with the publisher's figure, "
    "or pass --rate {cur}:2025=VALUE"
)
CPI_APPROX_2025 = (
    "APPROXIMATE: the BLS 2025 annual average was not available when this table was made "
    "(October 2025 was not collected); rounded estimate from the monthly index. Check "
    "CUUR0000SA0 before publishing a result"
)
CPI_KEPT = "kept from the earlier bundle; agrees with the BLS annual average"
CPI_RECALLED = "BLS annual average as recalled (not re-checked here against the BLS table)"

_G5A_2016 = READ.format(date="4 January 2016")
_G5A_2021 = READ.format(date="1 November 2021")
_G5A_2024 = READ.format(date="1 February 2024")

#: CPI-U annual averages, 1982-84 = 100: year -> (value, note).
CPI_U_TABLE: dict[int, tuple[float, str]] = {
    2010: (218.056, CPI_RECALLED),
    2011: (224.939, CPI_RECALLED),
    2012: (229.594, CPI_RECALLED),
    2013: (232.957, CPI_RECALLED),
    2014: (236.736, CPI_RECALLED),
    2015: (237.017, CPI_RECALLED),
    2016: (240.007, CPI_RECALLED),
    **{y: (v, CPI_KEPT) for y, v in CPI_U.items()},
    2025: (322.0, CPI_APPROX_2025),
}

#: Rates: pair -> year -> (value, source, source_url, note). Units of the first currency
#: per one unit of the second (``"NOK per USD"``, ``"USD per GBP"``).
RATES: dict[str, dict[int, tuple[float, str, str, str]]] = {
    "NOK per USD": {
        2010: (6.044, FED_G5A, FED_G5A_URL, RECALLED),
        2011: (5.604, FED_G5A, FED_G5A_URL, RECALLED),
        2012: (5.8181, FED_G5A, FED_G5A_URL, _G5A_2016),
        2013: (5.8772, FED_G5A, FED_G5A_URL, _G5A_2016),
        2014: (6.2969, FED_G5A, FED_G5A_URL, _G5A_2016),
        2015: (8.0681, FED_G5A, FED_G5A_URL, _G5A_2016),
        2016: (8.400, FED_G5A, FED_G5A_URL, RECALLED),
        2017: (8.2679, FED_G5A, FED_G5A_URL, _G5A_2021),
        2018: (8.1318, FED_G5A, FED_G5A_URL, _G5A_2021),
        **{
            y: (v, NORGES_BANK, NORGES_BANK_URL, KEPT.format(fed=f))
            for (y, v), f in zip(
                NOK_PER_USD.items(), ["8.8001", "9.4283", "8.5955", "9.6138", "10.5659"], strict=True
            )
        },
        2024: (10.75, FED_G5A, FED_G5A_URL, RECALLED),
        2025: (10.3, FED_G5A, FED_G5A_URL, APPROX_2025.format(cur="NOK")),
    },
    "SEK per USD": {
        2010: (7.21, FED_G5A, FED_G5A_URL, RECALLED),
        2011: (6.50, FED_G5A, FED_G5A_URL, RECALLED),
        2012: (6.7721, FED_G5A, FED_G5A_URL, _G5A_2016),
        2013: (6.5124, FED_G5A, FED_G5A_URL, _G5A_2016),
        2014: (6.8576, FED_G5A, FED_G5A_URL, _G5A_2016),
        2015: (8.4350, FED_G5A, FED_G5A_URL, _G5A_2016),
        2016: (8.54, FED_G5A, FED_G5A_URL, RECALLED),
        2017: (8.5430, FED_G5A, FED_G5A_URL, _G5A_2021),
        2018: (8.6945, FED_G5A, FED_G5A_URL, _G5A_2021),
        2019: (9.4604, FED_G5A, FED_G5A_URL, _G5A_2021),
        2020: (9.2167, FED_G5A, FED_G5A_URL, _G5A_2024),
        2021: (8.5812, FED_G5A, FED_G5A_URL, _G5A_2024),
        2022: (10.1177, FED_G5A, FED_G5A_URL, _G5A_2024),
        2023: (10.6089, FED_G5A, FED_G5A_URL, _G5A_2024),
        2024: (10.57, FED_G5A, FED_G5A_URL, RECALLED),
        2025: (9.8, FED_G5A, FED_G5A_URL, APPROX_2025.format(cur="SEK")),
    },
    "DKK per USD": {
        2010: (5.62, FED_G5A, FED_G5A_URL, RECALLED),
        2011: (5.35, FED_G5A, FED_G5A_URL, RECALLED),
        2012: (5.7922, FED_G5A, FED_G5A_URL, _G5A_2016),
        2013: (5.6170, FED_G5A, FED_G5A_URL, _G5A_2016),
        2014: (5.6151, FED_G5A, FED_G5A_URL, _G5A_2016),
        2015: (6.7263, FED_G5A, FED_G5A_URL, _G5A_2016),
        2016: (6.73, FED_G5A, FED_G5A_URL, RECALLED),
        2017: (6.5957, FED_G5A, FED_G5A_URL, _G5A_2021),
        2018: (6.3131, FED_G5A, FED_G5A_URL, _G5A_2021),
        2019: (6.6703, FED_G5A, FED_G5A_URL, _G5A_2021),
        2020: (6.5430, FED_G5A, FED_G5A_URL, _G5A_2024),
        2021: (6.2897, FED_G5A, FED_G5A_URL, _G5A_2024),
        2022: (7.0786, FED_G5A, FED_G5A_URL, _G5A_2024),
        2023: (6.8900, FED_G5A, FED_G5A_URL, _G5A_2024),
        2024: (6.89, FED_G5A, FED_G5A_URL, RECALLED),
        2025: (6.6, FED_G5A, FED_G5A_URL, APPROX_2025.format(cur="DKK")),
    },
    "USD per EUR": {
        2010: (1.326, FED_G5A, FED_G5A_URL, RECALLED),
        2011: (1.393, FED_G5A, FED_G5A_URL, RECALLED),
        2012: (1.2859, FED_G5A, FED_G5A_URL, _G5A_2016),
        2013: (1.3281, FED_G5A, FED_G5A_URL, _G5A_2016),
        2014: (1.3297, FED_G5A, FED_G5A_URL, _G5A_2016),
        2015: (1.1096, FED_G5A, FED_G5A_URL, _G5A_2016),
        2016: (1.107, FED_G5A, FED_G5A_URL, RECALLED),
        2017: (1.1301, FED_G5A, FED_G5A_URL, _G5A_2021),
        2018: (1.1817, FED_G5A, FED_G5A_URL, _G5A_2021),
        2019: (1.1194, FED_G5A, FED_G5A_URL, _G5A_2021),
        2020: (1.1410, FED_G5A, FED_G5A_URL, _G5A_2024),
        2021: (1.1830, FED_G5A, FED_G5A_URL, _G5A_2024),
        2022: (1.0534, FED_G5A, FED_G5A_URL, _G5A_2024),
        2023: (1.0817, FED_G5A, FED_G5A_URL, _G5A_2024),
        2024: (1.082, FED_G5A, FED_G5A_URL, RECALLED),
        2025: (1.13, FED_G5A, FED_G5A_URL, APPROX_2025.format(cur="EUR")),
    },
    "USD per GBP": {
        2010: (1.546, FED_G5A, FED_G5A_URL, RECALLED),
        2011: (1.604, FED_G5A, FED_G5A_URL, RECALLED),
        2012: (1.5853, FED_G5A, FED_G5A_URL, _G5A_2016),
        2013: (1.5642, FED_G5A, FED_G5A_URL, _G5A_2016),
        2014: (1.6484, FED_G5A, FED_G5A_URL, _G5A_2016),
        2015: (1.5284, FED_G5A, FED_G5A_URL, _G5A_2016),
        2016: (1.3555, FED_G5A, FED_G5A_URL, RECALLED),
        2017: (1.2890, FED_G5A, FED_G5A_URL, _G5A_2021),
        2018: (1.3363, FED_G5A, FED_G5A_URL, _G5A_2021),
        2019: (1.2768, FED_G5A, FED_G5A_URL, _G5A_2021),
        2020: (1.2829, FED_G5A, FED_G5A_URL, _G5A_2024),
        **{
            y: (v, BRIEF_GBP, FED_G5A_URL, KEPT.format(fed=f))
            for (y, v), f in zip(USD_PER_GBP.items(), ["1.3764", "1.2371"], strict=True)
        },
        2023: (1.2440, FED_G5A, FED_G5A_URL, _G5A_2024),
        2024: (1.278, FED_G5A, FED_G5A_URL, RECALLED),
        2025: (1.32, FED_G5A, FED_G5A_URL, APPROX_2025.format(cur="GBP")),
    },
}

_COLUMNS = ["year", "value", "unit", "source", "source_url", "note"]


def cpi_u() -> pd.DataFrame:
    return pd.DataFrame(
        [(y, v, "index, 1982-84 = 100", BLS, BLS_URL, n) for y, (v, n) in CPI_U_TABLE.items()],
        columns=_COLUMNS,
    )


def _rates(pair: str) -> pd.DataFrame:
    return pd.DataFrame(
        [(y, v, pair, s, u, n) for y, (v, s, u, n) in sorted(RATES[pair].items())],
        columns=_COLUMNS,
    )


OECD_PPP = (
    "OECD, Purchasing power parities (PPP) for GDP, national currency units per US dollar, "
    "OECD National Accounts (indicator PPPGDP)"
)
OECD_PPP_URL = "https://www.oecd.org/en/data/indicators/purchasing-power-parities-ppp.html"
PPP_APPROX = (
    "APPROXIMATE (about +-5%): recalled from the OECD series, not checked here (no internet) "
    "and rounded to two significant digits; replace with the OECD figure before publishing"
)
#: PPP for GDP, national currency per USD: currency -> {year: value} (all approximate).
_PPP_YEARS = range(2015, 2025)
_PPP_VALUES = {
    "NOK": [9.3, 9.3, 9.8, 10.0, 9.9, 9.6, 10.1, 10.9, 10.2, 10.1],
    "SEK": [9.0, 8.9, 8.8, 8.7, 8.8, 8.7, 8.6, 8.5, 8.6, 8.5],
    "DKK": [7.1, 7.0, 6.9, 6.7, 6.6, 6.6, 6.5, 6.3, 6.3, 6.2],
    "EUR": [0.78, 0.77, 0.76, 0.75, 0.74, 0.74, 0.73, 0.71, 0.71, 0.70],
    "GBP": [0.69, 0.69, 0.69, 0.69, 0.69, 0.69, 0.68, 0.68, 0.68, 0.68],
}
PPP: dict[str, dict[int, float]] = {
    c: dict(zip(_PPP_YEARS, v, strict=True)) for c, v in _PPP_VALUES.items()
}


def ppp_oecd() -> pd.DataFrame:
    return pd.DataFrame(
        [
            (y, c, v, f"{c} per USD (PPP, GDP)", OECD_PPP, OECD_PPP_URL, PPP_APPROX)
            for c, by_year in PPP.items()
            for y, v in by_year.items()
        ],
        columns=["year", "currency", "value", "unit", "source", "source_url", "note"],
    )


def nok_per_usd() -> pd.DataFrame:
    return _rates("NOK per USD")


def sek_per_usd() -> pd.DataFrame:
    return _rates("SEK per USD")


def dkk_per_usd() -> pd.DataFrame:
    return _rates("DKK per USD")


def usd_per_eur() -> pd.DataFrame:
    return _rates("USD per EUR")


def usd_per_gbp() -> pd.DataFrame:
    return _rates("USD per GBP")


def benchmarks() -> pd.DataFrame:
    rows = [
        (
            "supply_chain_vs_direct",
            "Supply-chain emissions relative to direct emissions, organisations",
            5.5,
            "",
            "",
            "ratio",
            "organisations reporting to CDP",
            2019,
            "CDP, Global Supply Chain Report 2019",
        ),
        (
            "london_boroughs_intensity",
            "London boroughs' procurement emission intensity",
            337,
            167,
            674,
            "t CO2e per GBP million",
            "London boroughs",
            2010,
            "Trucost for London Councils, 2010",
        ),
        (
            "east_of_england_intensity",
            "East of England councils' procurement emission intensity",
            350,
            "",
            "",
            "t CO2e per GBP million",
            "councils in the East of England",
            2010,
            "Trucost",
        ),
        (
            "east_of_england_vs_own_ops",
            "East of England councils: procurement emissions above own operations",
            66,
            "",
            "",
            "percent",
            "councils in the East of England",
            2010,
            "Trucost",
        ),
        (
            "king_county_dnrp_total",
            "King County (WA) Dept of Natural Resources and Parks purchases, emissions",
            85000,
            "",
            "",
            "t CO2e",
            "one county department",
            2014,
            "King County",
        ),
        (
            "king_county_dnrp_spend",
            "King County (WA) Dept of Natural Resources and Parks purchases, spend",
            217,
            "",
            "",
            "USD million",
            "one county department",
            2014,
            "King County",
        ),
        (
            "king_county_dnrp_intensity",
            "King County (WA) DNRP purchases, intensity (equal to its direct emissions)",
            0.39,
            "",
            "",
            "kg CO2e per USD",
            "one county department",
            2014,
            "King County",
        ),
        (
            "norway_public_procurement_total",
            "Norwegian public procurement footprint",
            11.2,
            "",
            "",
            "Mt CO2e",
            "all Norwegian public procurement",
            2017,
            "DFØ / Asplan Viak & Oslo Economics",
        ),
        (
            "norway_public_procurement_spend",
            "Norwegian public procurement spend",
            523,
            "",
            "",
            "NOK billion",
            "all Norwegian public procurement",
            2017,
            "DFØ / Asplan Viak & Oslo Economics",
        ),
        (
            "norway_public_procurement_intensity",
            "Norwegian public procurement intensity",
            21,
            "",
            "",
            "t CO2e per NOK million",
            "all Norwegian public procurement",
            2017,
            "DFØ / Asplan Viak & Oslo Economics",
        ),
        (
            "norway_public_share_of_footprint",
            "Public procurement share of Norway's consumption footprint",
            16,
            "",
            "",
            "percent",
            "Norway",
            2017,
            "DFØ / Asplan Viak & Oslo Economics",
        ),
        (
            "norway_public_abroad_share",
            "Share of the public procurement footprint emitted abroad",
            50,
            "",
            "",
            "percent (about half)",
            "Norway",
            2017,
            "DFØ / Asplan Viak & Oslo Economics",
        ),
        (
            "norway_public_direct_share",
            "Share of the public procurement footprint that is direct emissions",
            8,
            "",
            "",
            "percent",
            "Norway",
            2017,
            "DFØ / Asplan Viak & Oslo Economics",
        ),
        (
            "norway_public_electricity_share",
            "Share of the public procurement footprint from electricity",
            11,
            "",
            "",
            "percent",
            "Norway",
            2017,
            "DFØ / Asplan Viak & Oslo Economics",
        ),
        (
            "norway_municipal_per_resident",
            "Norwegian municipal footprints per resident",
            "",
            0.3,
            3,
            "t CO2e per resident",
            "Norwegian municipalities",
            "",
            "Larsen & Hertwich",
        ),
        (
            "sef_v13_median",
            "EPA SEF v1.3 factor (with margins), median over NAICS-6",
            0.173,
            0.074,
            0.595,
            "kg CO2e per 2022 USD (low/high = 10th/90th percentile)",
            "1,016 NAICS-6 commodities",
            2022,
            "US EPA Supply Chain GHG Emission Factors v1.3",
        ),
        (
            "sef_v13_max",
            "EPA SEF v1.3 factor (with margins), maximum (cement manufacturing)",
            3.924,
            "",
            "",
            "kg CO2e per 2022 USD",
            "NAICS 327310",
            2022,
            "US EPA Supply Chain GHG Emission Factors v1.3",
        ),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "figure",
            "description",
            "value",
            "low",
            "high",
            "unit",
            "scope",
            "year",
            "source",
        ],
    ).assign(
        kind=lambda t: t["figure"].str.startswith("sef_").map({True: "factor", False: "organisation"}),
        caveats=lambda t: t["figure"].map(BENCHMARK_CAVEATS).fillna(""),
    )


#: What each figure covers and how far it compares (read by ``compare.benchmarks``);
#: a figure without a caveat gets its scope as the caveat.
BENCHMARK_CAVEATS = {
    "london_boroughs_intensity": (
        "Spend-based EEIO (Trucost model) for UK boroughs; GBP of the study years (the spend "
        "may predate publication); boundary and exclusions not the same as this curriculum's."
    ),
    "east_of_england_intensity": (
        "About 350 (rounded); supply chain 66% above the councils' own operations. Study year "
        "and price year not restated here: check the source before quoting."
    ),
    "king_county_dnrp_intensity": (
        "One department, not a whole government; 2014 USD and EEIO factors of that time; "
        "equal to the department's direct emissions."
    ),
    "norway_public_procurement_intensity": (
        "Whole public sector (state and municipalities); consumption-based footprint including "
        "about 8% direct emissions and 11% electricity, which this curriculum counts in "
        "Scope 1/2, not Scope 3; about half emitted abroad; 2017 NOK."
    ),
    "norway_municipal_per_resident": (
        "Whole municipal footprints (energy and direct emissions included, not only "
        "purchases); a range across municipalities, no central value."
    ),
    "supply_chain_vs_direct": (
        "Companies reporting to CDP, upstream Scope 3 vs Scope 1+2; not local governments."
    ),
    "sef_v13_median": (
        "Spread of the commodity factors (unweighted), not of organisations; 2022 USD, "
        "purchaser price; maximum 3.924 (cement)."
    ),
    "sef_v13_max": (
        "Spread of the commodity factors (unweighted), not of organisations; 2022 USD, "
        "purchaser price; maximum 3.924 (cement)."
    ),
}


TABLES = {
    "cpi_u": (cpi_u, "CPI-U annual averages 2010-2025 (BLS CUUR0000SA0)"),
    "nok_per_usd": (nok_per_usd, "NOK per USD, annual averages 2010-2025"),
    "sek_per_usd": (sek_per_usd, "SEK per USD, annual averages 2010-2025"),
    "dkk_per_usd": (dkk_per_usd, "DKK per USD, annual averages 2010-2025"),
    "usd_per_eur": (usd_per_eur, "USD per EUR, annual averages 2010-2025"),
    "usd_per_gbp": (usd_per_gbp, "USD per GBP, annual averages 2010-2025"),
    "ppp_oecd": (ppp_oecd, "OECD PPP for GDP, national currency per USD, 2015-2024"),
    "benchmarks": (benchmarks, "Published figures to compare results against"),
}
