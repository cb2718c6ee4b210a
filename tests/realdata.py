"""Expected figures of the real exports in ``../shared/realdata/ledgers`` (from its README).

"spend" is the plain sum of the amount column over every parsed data row (summary rows,
refunds and credits included), in the file's currency. The Norwegian accounts files net to
about zero; for them ``expenditure_0_5`` is the sum of rekneskap 2011 over the KOSTRA art
groups 0-5 (the first digit of the derived 3-digit art).
"""

from __future__ import annotations

from pathlib import Path

#: ``../shared/realdata`` beside the checkout (absent: the real-data tests are skipped).
REALDATA = (Path(__file__).parents[1] / "../shared/realdata").resolve()
LEDGERS = REALDATA / "ledgers"

#: file name -> expected figures.
EXPECTED: dict[str, dict] = {
    "uk_devon-county-council_2025-10.csv": {"country": "GB", "rows": 2_416, "spend": 37_590_820.00},
    "uk_devon-county-council_2024-03.csv": {
        "country": "GB",
        "rows": 10_690,
        "spend": 84_455_494.53,
    },
    "uk_oxford-city-council_2017-Q4.csv": {"country": "GB", "rows": 3_855, "spend": 17_382_055.90},
    "uk_leeds-city-council_2020-06.csv": {
        "country": "GB",
        "rows": 16_176,
        "spend": 104_445_727.45,
        "blank_rows": 1,
        "pcard_rows": 3_993,
        "pcard_spend": 1_858_661.64,
    },
    "uk_trafford-council_2014-09.csv": {"country": "GB", "rows": 9_670, "spend": 26_277_046.22},
    "uk_tameside-council_2014-09.csv": {
        "country": "GB",
        "rows": 1_247,
        "spend": 26_517_993.52,
        "blank_rows": 976,
        "summary_rows": 3,
        "spend_without_summary": 18_252_317.55,
    },
    "uk_stockport-council_2014-09.xls": {"country": "GB", "rows": 2_620, "spend": 28_267_195.72},
    "no_sogndal-kommune_drift-rekneskap2011-budsjett2012-2013.csv": {
        "country": "NO",
        "rows": 4_898,
        "spend": 16.00,
        "blank_rows": 1,
        "expenditure_0_5": 536_867_131.00,
        "arts": 90,
    },
    "no_forde-kommune_investering-rekneskap2011-budsjett2012-2013.csv": {
        "country": "NO",
        "rows": 778,
        "spend": 0.00,
        "expenditure_0_5": 212_072_112.84,
    },
    "us_columbia-sc-city_2013-04.txt": {"country": "US", "rows": 2_165, "spend": 12_101_426.02},
    "us_richland-county-sc_2013-04.txt": {
        "country": "US",
        "rows": 1_979,
        "spend": 21_522_764.86,
        "vendor_payments_rows": 807,
        "vendor_payments_spend": 12_721_159.42,
    },
    "us_dallas-isd-tx_FY2022-FY2025-vendor-totals.csv": {
        "country": "US",
        "rows": 9_370,
        "spend": 5_964_972_065.83,
    },
    "us_marblehead-ma-town_FY2026-ytd-vendor-totals.csv": {
        "country": "US",
        "rows": 1_965,
        "spend": 84_709_576.43,
    },
}
