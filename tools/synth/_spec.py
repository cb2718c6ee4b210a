"""The fictional cohort: member profiles, ledger layouts, departments, prices.

All names and figures here are made up. Populations, budgets and emissions
are chosen to be plausible for US cities and counties (and small Norwegian
municipalities), not to describe any real place.
"""

from __future__ import annotations

from dataclasses import dataclass

#: CPI-U annual averages (BLS, 1982-84 = 100), as in BRIEF.md.
CPI_U = {
    2017: 245.120,
    2018: 251.107,
    2019: 255.657,
    2020: 258.811,
    2021: 270.970,
    2022: 292.655,
    2023: 304.702,
    2024: 313.689,
}
#: NOK per USD, annual averages (Norges Bank).
NOK_PER_USD = {2019: 8.7999, 2020: 9.4146, 2021: 8.5991, 2022: 9.6137, 2023: 10.5636}
#: USD per GBP, annual averages.
USD_PER_GBP = {2021: 1.3757, 2022: 1.2369}

#: Fleet fuel (USD per gallon, blended gasoline/diesel, fleet contract price).
FUEL_PRICE = {2018: 2.70, 2019: 2.65, 2020: 2.20, 2021: 2.85, 2022: 4.05, 2023: 3.60}
#: Natural gas, USD per therm (commercial).
GAS_PRICE = {2018: 0.80, 2019: 0.80, 2020: 0.75, 2021: 0.95, 2022: 1.30, 2023: 1.10}
#: Electricity price growth per year relative to 2021.
ELEC_TREND = {2018: 0.94, 2019: 0.96, 2020: 0.97, 2021: 1.0, 2022: 1.08, 2023: 1.12}
KG_CO2E_PER_GALLON = 10.1  # blended gasoline/diesel, combustion
KG_CO2E_PER_THERM = 5.31


@dataclass(frozen=True)
class Member:
    """One fictional cohort member.

    ``lines`` is the target number of ledger lines per fiscal year.
    """

    slug: str
    name: str
    kind: str  # city | county | municipality
    state: str
    population: int  # base year (2021)
    fy_start_month: int
    years: tuple[int, ...]
    layout: str
    chart: str
    lines: int
    growth: float = 0.008
    employees_per_1000: float = 9.0
    purchases_per_resident: float = 1800.0
    capital_share: float = 0.27
    debt_ratio: float = 0.12
    transfer_ratio: float = 0.12
    grant_ratio: float = 0.04
    lgo_t_per_resident: float = 0.45
    grid_ef: float = 0.40  # t CO2e per MWh
    elec_price: float = 0.115  # USD per kWh in 2021
    landfill: bool = False
    water: bool = True
    sewer: bool = True
    solid_waste: bool = True
    pcard: str = ""  # "" | "file" | "column"
    survey: bool = False
    currency: str = "USD"
    country: str = "US"
    place: str = ""  # word used in local firm names

    @property
    def fy_label(self) -> str:
        return {1: "January", 7: "July", 10: "October"}.get(
            self.fy_start_month, str(self.fy_start_month)
        )


US_MEMBERS: tuple[Member, ...] = (
    Member(
        "cedar_valley",
        "City of Cedar Valley",
        "city",
        "OR",
        181_400,
        7,
        (2019, 2020, 2021, 2022, 2023),
        "erp_iso_csv",
        "gfoa",
        9_800,
        growth=0.011,
        employees_per_1000=9.2,
        purchases_per_resident=1750,
        capital_share=0.27,
        lgo_t_per_resident=0.42,
        grid_ef=0.33,
        elec_price=0.105,
        landfill=True,
        pcard="file",
        survey=True,
        place="Cedar Valley",
    ),
    Member(
        "marlowe_county",
        "Marlowe County",
        "county",
        "WA",
        1_012_000,
        1,
        (2019, 2020, 2021, 2022, 2023),
        "county_xlsx",
        "sap",
        19_000,
        growth=0.012,
        employees_per_1000=6.1,
        purchases_per_resident=1050,
        capital_share=0.3,
        debt_ratio=0.1,
        transfer_ratio=0.1,
        grant_ratio=0.14,
        lgo_t_per_resident=0.24,
        grid_ef=0.28,
        elec_price=0.098,
        landfill=True,
        water=False,
        sewer=True,
        pcard="column",
        survey=True,
        place="Marlowe",
    ),
    Member(
        "pinecrest_county",
        "Pinecrest County",
        "county",
        "FL",
        418_000,
        10,
        (2019, 2020, 2021, 2022, 2023),
        "cp1252_register_csv",
        "fl",
        7_600,
        growth=0.018,
        employees_per_1000=7.0,
        purchases_per_resident=1150,
        capital_share=0.3,
        grant_ratio=0.12,
        lgo_t_per_resident=0.36,
        grid_ef=0.39,
        elec_price=0.112,
        landfill=True,
        water=True,
        sewer=True,
        survey=True,
        place="Pinecrest",
    ),
    Member(
        "red_mesa",
        "City of Red Mesa",
        "city",
        "AZ",
        312_000,
        7,
        (2021, 2022),
        "dmy_mcc_csv",
        "gfoa5",
        11_500,
        growth=0.016,
        employees_per_1000=8.1,
        purchases_per_resident=1900,
        capital_share=0.3,
        lgo_t_per_resident=0.55,
        grid_ef=0.42,
        elec_price=0.118,
        pcard="column",
        place="Red Mesa",
    ),
    Member(
        "ashford_springs",
        "City of Ashford Springs",
        "city",
        "TX",
        96_500,
        10,
        (2022, 2023),
        "dmy_mcc_csv",
        "gfoa_coarse",
        7_200,
        growth=0.021,
        employees_per_1000=8.8,
        purchases_per_resident=1650,
        capital_share=0.28,
        lgo_t_per_resident=0.62,
        grid_ef=0.43,
        elec_price=0.102,
        pcard="column",
        place="Ashford",
    ),
    Member(
        "granite_ridge",
        "City of Granite Ridge",
        "city",
        "CO",
        68_200,
        1,
        (2022,),
        "erp_iso_csv",
        "gfoa_coarse",
        6_400,
        employees_per_1000=8.5,
        purchases_per_resident=2100,
        capital_share=0.32,
        lgo_t_per_resident=0.71,
        grid_ef=0.58,
        elec_price=0.121,
        solid_waste=False,
        place="Granite",
    ),
    Member(
        "tamarack_county",
        "Tamarack County",
        "county",
        "MN",
        155_000,
        1,
        (2021,),
        "county_xlsx",
        "sap",
        7_800,
        employees_per_1000=7.4,
        purchases_per_resident=980,
        capital_share=0.33,
        grant_ratio=0.16,
        lgo_t_per_resident=0.48,
        grid_ef=0.45,
        elec_price=0.11,
        landfill=True,
        water=False,
        sewer=False,
        pcard="column",
        place="Tamarack",
    ),
    Member(
        "millbrook",
        "City of Millbrook",
        "city",
        "PA",
        42_300,
        1,
        (2022,),
        "cp1252_register_csv",
        "gfoa_coarse",
        5_500,
        growth=0.002,
        employees_per_1000=7.6,
        purchases_per_resident=1550,
        capital_share=0.24,
        lgo_t_per_resident=0.52,
        grid_ef=0.36,
        elec_price=0.125,
        water=True,
        sewer=True,
        solid_waste=True,
        place="Millbrook",
    ),
    Member(
        "kestrel_county",
        "Kestrel County",
        "county",
        "GA",
        64_800,
        7,
        (2022,),
        "cp1252_register_csv",
        "ga",
        5_800,
        growth=0.014,
        employees_per_1000=7.9,
        purchases_per_resident=900,
        capital_share=0.3,
        grant_ratio=0.1,
        lgo_t_per_resident=0.58,
        grid_ef=0.41,
        elec_price=0.108,
        landfill=True,
        water=True,
        sewer=False,
        place="Kestrel",
    ),
    Member(
        "willow_bend",
        "City of Willow Bend",
        "city",
        "NC",
        27_400,
        7,
        (2022,),
        "report_xlsx",
        "gfoa",
        5_200,
        growth=0.013,
        employees_per_1000=10.5,
        purchases_per_resident=2300,
        capital_share=0.25,
        lgo_t_per_resident=0.83,
        grid_ef=0.38,
        elec_price=0.107,
        place="Willow Bend",
    ),
    Member(
        "northgate",
        "City of Northgate",
        "city",
        "OH",
        15_900,
        1,
        (2021,),
        "report_xlsx",
        "gfoa_coarse",
        5_000,
        growth=-0.002,
        employees_per_1000=9.8,
        purchases_per_resident=2600,
        capital_share=0.22,
        lgo_t_per_resident=1.12,
        grid_ef=0.52,
        elec_price=0.112,
        water=True,
        sewer=True,
        solid_waste=False,
        place="Northgate",
    ),
    Member(
        "elk_prairie",
        "City of Elk Prairie",
        "city",
        "IA",
        58_700,
        7,
        (2022,),
        "erp_iso_csv",
        "gfoa",
        5_900,
        growth=0.006,
        employees_per_1000=8.9,
        purchases_per_resident=1600,
        capital_share=0.27,
        lgo_t_per_resident=0.74,
        grid_ef=0.34,
        elec_price=0.109,
        place="Elk Prairie",
    ),
)

#: Department keys -> (city name, county name, code)
DEPARTMENTS: dict[str, tuple[str, str, str]] = {
    "ADMIN": ("City Manager", "County Administration", "110"),
    "FIN": ("Finance", "Finance & Budget", "120"),
    "HR": ("Human Resources", "Human Resources", "130"),
    "IT": ("Information Technology", "Information Technology", "140"),
    "LEGAL": ("City Attorney", "County Attorney", "150"),
    "COURTS": ("Municipal Court", "Courts", "160"),
    "POLICE": ("Police", "Sheriff", "210"),
    "FIRE": ("Fire", "Fire & Rescue", "220"),
    "EMERG": ("Emergency Management", "Emergency Management", "230"),
    "JAIL": ("Corrections", "Detention Center", "240"),
    "ANIMAL": ("Animal Services", "Animal Control", "250"),
    "STREETS": ("Public Works - Streets", "Road & Bridge", "310"),
    "FLEET": ("Fleet Services", "Fleet Management", "320"),
    "FACIL": ("Facilities Maintenance", "Facilities Management", "330"),
    "SW": ("Solid Waste", "Solid Waste & Recycling", "340"),
    "WATER": ("Water Utility", "Water Utility", "410"),
    "SEWER": ("Wastewater", "Wastewater Utility", "420"),
    "PARKS": ("Parks & Recreation", "Parks & Recreation", "510"),
    "LIB": ("Library", "Library System", "520"),
    "PLAN": ("Community Development", "Planning & Development", "610"),
    "HEALTH": ("Public Health", "Public Health", "710"),
    "HUMAN": ("Human Services", "Human Services", "720"),
    "ELECT": ("Elections", "Elections", "170"),
    "CIP": ("Capital Projects", "Capital Projects", "900"),
    "NONDEPT": ("Non-Departmental", "Non-Departmental", "990"),
}

#: Fund codes by department key (default: general fund).
FUNDS = {
    "STREETS": "210",
    "WATER": "510",
    "SEWER": "520",
    "SW": "530",
    "FLEET": "610",
    "LIB": "220",
    "CIP": "400",
    "HUMAN": "250",
    "HEALTH": "260",
}
GENERAL_FUND = "100"


def member_departments(m: Member) -> list[str]:
    """Department keys a member has."""
    common = [
        "ADMIN",
        "FIN",
        "HR",
        "IT",
        "LEGAL",
        "POLICE",
        "FIRE",
        "EMERG",
        "STREETS",
        "FLEET",
        "FACIL",
        "PARKS",
        "LIB",
        "PLAN",
        "CIP",
        "NONDEPT",
        "ANIMAL",
    ]
    if m.kind == "county":
        common += ["COURTS", "JAIL", "HEALTH", "HUMAN", "ELECT"]
    else:
        common += ["COURTS"]
    if m.water:
        common.append("WATER")
    if m.sewer:
        common.append("SEWER")
    if m.solid_waste or m.landfill:
        common.append("SW")
    return common


def dept_name(m: Member, key: str) -> str:
    city, county, _ = DEPARTMENTS[key]
    return county if m.kind == "county" else city


def price_level(fy: int, start_month: int) -> float:
    """CPI-U of a fiscal year (months weighted), relative to 2021."""
    if start_month == 1:
        p = CPI_U[fy]
    else:
        months_prev = 13 - start_month  # months in the calendar year before
        p = (CPI_U[fy - 1] * months_prev + CPI_U[fy] * (12 - months_prev)) / 12
    return p / CPI_U[2021]


def _blend(table: dict[int, float], fy: int, start_month: int) -> float:
    if start_month == 1:
        return table[fy]
    months_prev = 13 - start_month
    return (table[fy - 1] * months_prev + table[fy] * (12 - months_prev)) / 12


def lgo_inventory(m: Member) -> list[tuple[str, int, float]]:
    """LGO Scope 1 and 2 inventory of the base year: (sector, scope, t CO2e)."""
    if m.country == "NO":
        from ._norway import lgo_inventory_no

        return lgo_inventory_no(m)
    if m.kind == "municipality":
        shares = {
            "buildings": 0.42,
            "streetlights": 0.04,
            "fleet": 0.34,
            "water_wastewater": 0.1,
            "solid_waste": 0.1,
        }
    elif m.kind == "county":
        shares = {
            "buildings": 0.36,
            "streetlights": 0.03,
            "fleet": 0.31,
            "water_wastewater": 0.1,
            "solid_waste": 0.2,
        }
    else:
        shares = {
            "buildings": 0.3,
            "streetlights": 0.08,
            "fleet": 0.22,
            "water_wastewater": 0.28,
            "solid_waste": 0.12,
        }
    if not (m.water or m.sewer):
        shares["water_wastewater"] = 0.02
    if not m.landfill:
        shares["solid_waste"] = 0.0
    total = sum(shares.values())
    t = m.population * m.lgo_t_per_resident
    out = []
    for sector, s in shares.items():
        v = t * s / total
        if sector == "buildings":
            s2 = 0.7 if m.country == "US" else 0.25
            out += [(sector, 1, v * (1 - s2)), (sector, 2, v * s2)]
        elif sector == "streetlights":
            out.append((sector, 2, v))
        elif sector == "fleet":
            out.append((sector, 1, v))
        elif sector == "water_wastewater":
            out += [(sector, 1, v * 0.25), (sector, 2, v * 0.75)]
        elif v > 0:
            out.append((sector, 1, v))
    return [(a, b, round(c, 0)) for a, b, c in out]


def energy_spend(m: Member, fy: int) -> dict[str, float]:
    """Energy purchases of a fiscal year implied by the LGO inventory and prices (USD)."""
    inv = {(s, sc): t for s, sc, t in lgo_inventory(m)}
    years_from_base = fy - 2019
    trend = (1 - 0.012) ** years_from_base
    s2 = sum(t for (s, sc), t in inv.items() if sc == 2)
    street = inv.get(("streetlights", 2), 0.0)
    mwh = (s2 - street) / m.grid_ef * trend
    mwh_street = street / m.grid_ef * (1 - 0.03) ** years_from_base
    therms = (
        (inv.get(("buildings", 1), 0) + 0.3 * inv.get(("water_wastewater", 1), 0))
        / (KG_CO2E_PER_THERM / 1000)
        * trend
    )
    gallons = (
        inv.get(("fleet", 1), 0) / (KG_CO2E_PER_GALLON / 1000) * (1 - 0.005) ** years_from_base
    )
    ep = m.elec_price * _blend(ELEC_TREND, fy, m.fy_start_month)
    return {
        "electricity": mwh * 1000 * ep,
        "streetlights": mwh_street * 1000 * ep * 0.9,
        "natural_gas": therms * _blend(GAS_PRICE, fy, m.fy_start_month),
        "fuel": gallons * _blend(FUEL_PRICE, fy, m.fy_start_month),
    }


# --------------------------------------------------------------------------
# Norwegian procurement cooperation
# --------------------------------------------------------------------------

COOPERATION = "Innkjøpssamarbeidet Midtfjord"

NO_MEMBERS: tuple[Member, ...] = (
    Member(
        "bjorkestrand",
        "Bjørkestrand kommune",
        "municipality",
        "NO",
        19_600,
        1,
        (2019, 2020, 2021),
        "no_visma_csv",
        "kostra",
        4_100,
        growth=0.006,
        lgo_t_per_resident=0.22,
        grid_ef=0.017,
        country="NO",
        currency="NOK",
        place="Bjørkestrand",
        survey=False,
    ),
    Member(
        "fjellgard",
        "Fjellgård kommune",
        "municipality",
        "NO",
        14_200,
        1,
        (2019, 2020, 2021),
        "no_visma_csv",
        "kostra",
        3_700,
        growth=0.004,
        lgo_t_per_resident=0.25,
        grid_ef=0.017,
        country="NO",
        currency="NOK",
        place="Fjellgård",
    ),
    Member(
        "solvdalen",
        "Sølvdalen kommune",
        "municipality",
        "NO",
        11_800,
        1,
        (2019, 2020, 2021),
        "no_visma_csv",
        "kostra",
        3_400,
        growth=0.002,
        lgo_t_per_resident=0.27,
        grid_ef=0.017,
        country="NO",
        currency="NOK",
        place="Sølvdalen",
    ),
    Member(
        "aervika",
        "Ærvika kommune",
        "municipality",
        "NO",
        9_300,
        1,
        (2019, 2020, 2021),
        "no_agresso_latin1",
        "kostra",
        3_200,
        growth=-0.001,
        lgo_t_per_resident=0.3,
        grid_ef=0.017,
        country="NO",
        currency="NOK",
        place="Ærvika",
    ),
    Member(
        "hakonsfjord",
        "Håkonsfjord kommune",
        "municipality",
        "NO",
        7_600,
        1,
        (2019, 2020, 2021),
        "no_agresso_latin1",
        "kostra",
        3_250,
        growth=-0.003,
        lgo_t_per_resident=0.32,
        grid_ef=0.017,
        country="NO",
        currency="NOK",
        place="Håkonsfjord",
    ),
    Member(
        "lyngmo",
        "Lyngmo kommune",
        "municipality",
        "NO",
        6_100,
        1,
        (2019, 2020, 2021),
        "no_visma_csv",
        "kostra",
        3_250,
        growth=0.001,
        lgo_t_per_resident=0.35,
        grid_ef=0.017,
        country="NO",
        currency="NOK",
        place="Lyngmo",
    ),
    Member(
        "tindoy",
        "Tindøy kommune",
        "municipality",
        "NO",
        5_200,
        1,
        (2019, 2020, 2021),
        "no_visma_csv",
        "kostra",
        3_250,
        growth=-0.004,
        lgo_t_per_resident=0.38,
        grid_ef=0.017,
        country="NO",
        currency="NOK",
        place="Tindøy",
    ),
)

ALL_MEMBERS: tuple[Member, ...] = US_MEMBERS + NO_MEMBERS


def get_member(slug: str) -> Member:
    for m in ALL_MEMBERS:
        if m.slug == slug:
            return m
    raise KeyError(slug)
