"""Tables of public figures (``datasets/public/``), each with its source and unit."""

from __future__ import annotations

import pandas as pd

from ._spec import CPI_U, NOK_PER_USD, USD_PER_GBP

BLS = "US Bureau of Labor Statistics, CPI for All Urban Consumers (CPI-U), US city average, all items, series CUUR0000SA0, annual average"
NORGES_BANK = "Norges Bank, exchange rates, annual average of daily rates (NOK per 1 USD)"
BOE = "Annual average of daily spot rates, USD per 1 GBP, as given in the curriculum brief (compare Federal Reserve H.10 / Bank of England annual averages)"


def cpi_u() -> pd.DataFrame:
    return pd.DataFrame(
        [(y, v, "index, 1982-84 = 100", BLS, "https://www.bls.gov/cpi/") for y, v in CPI_U.items()],
        columns=["year", "value", "unit", "source", "source_url"],
    )


def nok_per_usd() -> pd.DataFrame:
    return pd.DataFrame(
        [
            (
                y,
                v,
                "NOK per USD",
                NORGES_BANK,
                "https://www.norges-bank.no/en/topics/Statistics/exchange_rates/",
            )
            for y, v in NOK_PER_USD.items()
        ],
        columns=["year", "value", "unit", "source", "source_url"],
    )


def usd_per_gbp() -> pd.DataFrame:
    return pd.DataFrame(
        [
            (y, v, "USD per GBP", BOE, "https://www.federalreserve.gov/releases/h10/")
            for y, v in USD_PER_GBP.items()
        ],
        columns=["year", "value", "unit", "source", "source_url"],
    )


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
    )


TABLES = {
    "cpi_u": (cpi_u, "CPI-U annual averages 2017-2024"),
    "nok_per_usd": (nok_per_usd, "NOK per USD, annual averages 2019-2023"),
    "usd_per_gbp": (usd_per_gbp, "USD per GBP, annual averages 2021-2022"),
    "benchmarks": (benchmarks, "Published figures to compare results against"),
}
