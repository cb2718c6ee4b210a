"""Charts of accounts: one master list of object classes, numbered per member style.

Styles: ``gfoa`` (4-digit, detailed), ``gfoa_coarse`` (4-digit, coarse: a
clerk picks "Professional services" for all of them), ``gfoa5`` (5-digit),
``sap`` (6-digit G/L accounts), ``fl`` (Florida Uniform Accounting System
objects, ``NN-SS``) and ``ga`` (Georgia uniform chart, ``NN.NNNN``). The
NAICS mapping of a code in ``object_codes.csv`` is derived from the classes
it groups: a common prefix of at least two digits, or blank.
"""

from __future__ import annotations

import pandas as pd

# key: (description, naics, reason, capital, gfoa, coarse, fl, ga)
CLASSES: dict[str, tuple[str, str, str, int, str, str, str, str]] = {
    # payroll and benefits (expense accounts and payroll liability accounts)
    "sal_regular": (
        "Salaries - regular",
        "",
        "payroll_benefits",
        0,
        "5110",
        "5100",
        "12-00",
        "51.1100",
    ),
    "sal_overtime": ("Overtime", "", "payroll_benefits", 0, "5130", "5100", "14-00", "51.1300"),
    "ben_health": (
        "Health insurance - employer",
        "",
        "payroll_benefits",
        0,
        "5210",
        "5200",
        "23-00",
        "51.2100",
    ),
    "ben_fica": (
        "FICA/Medicare - employer",
        "",
        "payroll_benefits",
        0,
        "5230",
        "5200",
        "21-00",
        "51.2200",
    ),
    "ben_retire": (
        "Retirement contributions",
        "",
        "payroll_benefits",
        0,
        "5240",
        "5200",
        "22-00",
        "51.2400",
    ),
    "ben_workcomp": (
        "Workers compensation",
        "",
        "payroll_benefits",
        0,
        "5250",
        "5200",
        "24-00",
        "51.2700",
    ),
    "ben_other": (
        "Other employee benefits",
        "",
        "payroll_benefits",
        0,
        "5290",
        "5200",
        "23-10",
        "51.2900",
    ),
    "liab_payroll": (
        "Accrued payroll (clearing)",
        "",
        "payroll_benefits",
        0,
        "2150",
        "2150",
        "21-50",
        "21.1100",
    ),
    "liab_withhold": (
        "Payroll taxes withheld",
        "",
        "payroll_benefits",
        0,
        "2160",
        "2150",
        "21-60",
        "21.1200",
    ),
    "liab_deduct": (
        "Payroll deductions payable",
        "",
        "payroll_benefits",
        0,
        "2190",
        "2150",
        "21-90",
        "21.1900",
    ),
    # purchased professional and technical services
    "prof_eng": ("Engineering services", "541330", "", 0, "5311", "5310", "31-10", "52.1210"),
    "prof_arch_tech": (
        "Architectural, survey and testing services",
        "5413",
        "",
        0,
        "5316",
        "5310",
        "31-20",
        "52.1220",
    ),
    "prof_legal": ("Legal services", "541110", "", 0, "5312", "5310", "31-30", "52.1230"),
    "prof_audit": (
        "Audit and accounting services",
        "541211",
        "",
        0,
        "5313",
        "5310",
        "32-00",
        "52.1240",
    ),
    "prof_it": ("IT professional services", "5415", "", 0, "5314", "5310", "31-40", "52.1250"),
    "prof_consult": ("Consulting services", "5416", "", 0, "5315", "5310", "31-00", "52.1200"),
    "prof_other": ("Other professional services", "541", "", 0, "5317", "5310", "31-00", "52.1200"),
    "prof_advert": ("Advertising and promotion", "5418", "", 0, "5318", "5310", "48-00", "52.3300"),
    # purchased property services
    "svc_custodial": ("Custodial services", "561720", "", 0, "5410", "5400", "34-10", "52.2130"),
    "svc_grounds": ("Grounds maintenance", "561730", "", 0, "5420", "5400", "34-20", "52.2140"),
    "svc_bldg_services": (
        "Building services (pest, windows, snow)",
        "5617",
        "",
        0,
        "5425",
        "5400",
        "34-00",
        "52.2100",
    ),
    "svc_bldg_repair": (
        "Building repair and maintenance",
        "238",
        "",
        0,
        "5430",
        "5400",
        "46-10",
        "52.2210",
    ),
    "svc_equip_repair": (
        "Equipment repair and maintenance",
        "811",
        "",
        0,
        "5440",
        "5400",
        "46-20",
        "52.2220",
    ),
    "svc_vehicle_repair": ("Vehicle repair", "8111", "", 0, "5450", "5400", "46-30", "52.2230"),
    "rent_bldg": ("Rentals - buildings and land", "531", "", 0, "5460", "5400", "44-10", "52.2320"),
    "rent_equip": ("Rentals - equipment", "532", "", 0, "5470", "5400", "44-20", "52.2330"),
    "svc_security": ("Security services", "5616", "", 0, "5480", "5400", "34-30", "52.3910"),
    "svc_refuse": (
        "Refuse collection contract",
        "562111",
        "",
        0,
        "5491",
        "5490",
        "34-40",
        "52.2110",
    ),
    "svc_landfill": (
        "Landfill and disposal fees",
        "562212",
        "",
        0,
        "5492",
        "5490",
        "34-41",
        "52.2111",
    ),
    "svc_recycling": ("Recycling processing", "562920", "", 0, "5493", "5490", "34-42", "52.2112"),
    "svc_waste_other": ("Other waste services", "562", "", 0, "5494", "5490", "34-43", "52.2113"),
    # other purchased services
    "svc_insurance": ("Insurance premiums", "524126", "", 0, "5510", "5500", "45-00", "52.3100"),
    "svc_phone": ("Telephone and internet", "517311", "", 0, "5520", "5520", "41-10", "52.3210"),
    "svc_cell": ("Cellular service", "517312", "", 0, "5521", "5520", "41-20", "52.3220"),
    "svc_postage": ("Postage and freight", "491110", "", 0, "5530", "5500", "42-00", "52.3250"),
    "svc_printing": ("Printing and binding", "323111", "", 0, "5540", "5500", "47-00", "52.3400"),
    "svc_travel": ("Travel and per diem", "", "", 0, "5550", "5550", "40-00", "52.3500"),
    "svc_training": ("Training and registration", "611", "", 0, "5560", "5550", "55-00", "52.3700"),
    "svc_temp": ("Temporary staffing", "561320", "", 0, "5570", "5500", "34-50", "52.3850"),
    "svc_bank": ("Bank and merchant fees", "522", "", 0, "5580", "5500", "49-10", "52.3950"),
    "svc_invest": ("Investment management fees", "523", "", 0, "5585", "5500", "49-20", "52.3960"),
    "svc_other": ("Other contractual services", "", "", 0, "5590", "5500", "34-00", "52.3900"),
    "svc_software": (
        "Software maintenance and licenses",
        "511210",
        "",
        0,
        "5595",
        "5500",
        "46-40",
        "52.2240",
    ),
    "svc_cloud": (
        "Cloud and hosting subscriptions",
        "518210",
        "",
        0,
        "5596",
        "5500",
        "46-41",
        "52.2241",
    ),
    "svc_transit": (
        "Transit and paratransit contracts",
        "485",
        "",
        0,
        "5591",
        "5500",
        "34-60",
        "52.3920",
    ),
    "svc_social": ("Social service contracts", "624", "", 0, "5592", "5500", "34-61", "52.3930"),
    "svc_laundry": (
        "Laundry and uniform rental",
        "812332",
        "",
        0,
        "5594",
        "5500",
        "34-70",
        "52.2150",
    ),
    "svc_info": (
        "Subscriptions and information services",
        "519",
        "",
        0,
        "5597",
        "5500",
        "54-10",
        "52.3600",
    ),
    "svc_facility_mgmt": (
        "Facility management contract",
        "561210",
        "",
        0,
        "5598",
        "5400",
        "34-80",
        "52.2160",
    ),
    "svc_support": ("Business support services", "561", "", 0, "5599", "5500", "34-00", "52.3900"),
    # supplies
    "sup_office": ("Office supplies", "322230", "", 0, "5610", "5600", "51-00", "53.1110"),
    "sup_operating": ("Operating supplies", "", "", 0, "5620", "5600", "52-00", "53.1100"),
    "sup_janitorial": ("Janitorial supplies", "3256", "", 0, "5621", "5600", "52-10", "53.1120"),
    "sup_chem": ("Chemicals", "325", "", 0, "5622", "5600", "52-20", "53.1130"),
    "sup_road": (
        "Road materials and supplies",
        "324121",
        "",
        0,
        "5623",
        "5600",
        "53-00",
        "53.1140",
    ),
    "sup_uniform": ("Uniforms and clothing", "315", "", 0, "5624", "5600", "52-30", "53.1150"),
    "sup_food": ("Food", "311", "", 0, "5625", "5600", "52-40", "53.1300"),
    "sup_meals": ("Meals and catering", "722", "", 0, "5635", "5600", "49-30", "53.1310"),
    "sup_vehparts": ("Vehicle parts", "3363", "", 0, "5626", "5600", "52-50", "53.1160"),
    "sup_tires": ("Tires", "326211", "", 0, "5636", "5600", "52-51", "53.1161"),
    "sup_tools": ("Small tools and hardware", "332", "", 0, "5627", "5600", "52-60", "53.1600"),
    "sup_medical": (
        "Medical and safety supplies",
        "339113",
        "",
        0,
        "5628",
        "5600",
        "52-70",
        "53.1170",
    ),
    "sup_police": (
        "Police supplies and ammunition",
        "3329",
        "",
        0,
        "5629",
        "5600",
        "52-80",
        "53.1180",
    ),
    "sup_hort": (
        "Trees, plants and nursery stock",
        "111421",
        "",
        0,
        "5631",
        "5600",
        "52-90",
        "53.1190",
    ),
    "sup_electrical": (
        "Electrical and lighting supplies",
        "335",
        "",
        0,
        "5632",
        "5600",
        "52-91",
        "53.1191",
    ),
    "sup_minor_computer": (
        "Minor computer equipment",
        "3341",
        "",
        0,
        "5633",
        "5600",
        "52-92",
        "53.1610",
    ),
    "sup_minor_equip": ("Minor equipment", "33", "", 0, "5634", "5600", "52-93", "53.1620"),
    "sup_minor_furniture": ("Minor furniture", "337", "", 0, "5637", "5600", "52-94", "53.1630"),
    "util_water": (
        "Purchased water and wastewater treatment",
        "2213",
        "",
        0,
        "5640",
        "5640",
        "43-20",
        "53.1210",
    ),
    # Scope 1 and 2 energy
    "en_elec": ("Electricity", "", "scope12_electricity", 0, "5650", "5650", "43-10", "53.1230"),
    "en_street": (
        "Electricity - streetlights",
        "",
        "scope12_electricity",
        0,
        "5651",
        "5650",
        "43-11",
        "53.1231",
    ),
    "en_gas": ("Natural gas", "", "scope12_natural_gas", 0, "5660", "5650", "43-30", "53.1220"),
    "en_fuel": (
        "Fuel - gasoline and diesel",
        "",
        "scope12_fuel",
        0,
        "5670",
        "5670",
        "52-15",
        "53.1270",
    ),
    # capital outlay
    "cap_land": ("Land", "", "land", 1, "5710", "5700", "61-00", "54.1100"),
    "cap_bldg": ("Buildings and improvements", "236220", "", 1, "5720", "5700", "62-00", "54.1300"),
    "cap_improv": (
        "Improvements other than buildings",
        "237990",
        "",
        1,
        "5730",
        "5700",
        "63-00",
        "54.1200",
    ),
    "cap_streets": (
        "Infrastructure - streets and bridges",
        "237310",
        "",
        1,
        "5740",
        "5700",
        "63-10",
        "54.1400",
    ),
    "cap_utility": (
        "Infrastructure - water and sewer",
        "2371",
        "",
        1,
        "5745",
        "5700",
        "63-20",
        "54.1410",
    ),
    "cap_machinery": ("Machinery and equipment", "333", "", 1, "5750", "5700", "64-00", "54.2100"),
    "cap_vehicles": ("Vehicles", "3361", "", 1, "5755", "5700", "64-10", "54.2200"),
    "cap_computer": ("Computer equipment", "3341", "", 1, "5760", "5700", "64-20", "54.2400"),
    "cap_comm": (
        "Communications and electronic equipment",
        "334",
        "",
        1,
        "5765",
        "5700",
        "64-30",
        "54.2500",
    ),
    "cap_furniture": ("Furniture and fixtures", "337", "", 1, "5770", "5700", "64-40", "54.2300"),
    "cap_software": (
        "Software and intangibles",
        "511210",
        "",
        1,
        "5780",
        "5700",
        "68-00",
        "54.2600",
    ),
    "cap_equip_other": ("Other capital equipment", "33", "", 1, "5790", "5700", "64-00", "54.2500"),
    # debt, transfers, grants, other
    "debt_principal": ("Bond principal", "", "debt_service", 0, "5810", "5800", "71-00", "58.1000"),
    "debt_interest": ("Bond interest", "", "debt_service", 0, "5820", "5800", "72-00", "58.2000"),
    "debt_fees": ("Fiscal agent fees", "", "debt_service", 0, "5830", "5800", "73-00", "58.3000"),
    "xfer_out": ("Transfers out", "", "transfer", 0, "5910", "5910", "91-00", "61.1000"),
    "grants_orgs": (
        "Grants to organizations",
        "",
        "grant_passthrough",
        0,
        "5920",
        "5920",
        "82-00",
        "57.3000",
    ),
    "passthrough": (
        "Pass-through payments",
        "",
        "grant_passthrough",
        0,
        "5930",
        "5920",
        "83-00",
        "57.3100",
    ),
    "pay_gov": (
        "Payments to other governments",
        "",
        "tax_fee_government",
        0,
        "5940",
        "5940",
        "81-00",
        "57.2000",
    ),
    "refund_exp": ("Refunds", "", "refund", 0, "5950", "5950", "99-10", "57.9100"),
    "misc": ("Miscellaneous", "", "", 0, "5990", "5990", "49-00", "57.9000"),
    # revenue and balance-sheet accounts used for refunds
    "rev_permits": ("Building permit revenue", "", "refund", 0, "4310", "4310", "32-21", "32.2100"),
    "rev_rec": ("Recreation program fees", "", "refund", 0, "4420", "4420", "34-72", "34.7200"),
    "liab_deposits": ("Customer deposits", "", "refund", 0, "2250", "2250", "22-20", "22.2000"),
}

#: Official-style names of coarse codes.
COARSE_NAMES = {
    "gfoa_coarse": {
        "5100": "Salaries and wages",
        "5200": "Employee benefits",
        "2150": "Payroll liabilities",
        "5310": "Professional services",
        "5400": "Property services",
        "5490": "Solid waste services",
        "5500": "Other purchased services",
        "5520": "Communications",
        "5550": "Travel and training",
        "5600": "Supplies",
        "5640": "Purchased water",
        "5650": "Utilities",
        "5670": "Fuel",
        "5700": "Capital outlay",
        "5800": "Debt service",
        "5910": "Transfers out",
        "5920": "Grants and aid",
        "5940": "Intergovernmental payments",
        "5950": "Refunds",
        "5990": "Miscellaneous",
        "4310": "Building permits",
        "4420": "Recreation fees",
        "2250": "Customer deposits",
    },
    "fl": {
        "12-00": "Regular salaries and wages",
        "14-00": "Overtime",
        "21-00": "FICA taxes",
        "22-00": "Retirement contributions",
        "23-00": "Life and health insurance",
        "23-10": "Other benefits",
        "24-00": "Workers compensation",
        "21-50": "Accrued payroll",
        "21-60": "Payroll taxes payable",
        "21-90": "Deductions payable",
        "31-00": "Professional services",
        "31-10": "Professional services - engineering",
        "31-20": "Professional services - architectural",
        "31-30": "Professional services - legal",
        "31-40": "Professional services - information technology",
        "32-00": "Accounting and auditing",
        "34-00": "Other contractual services",
        "34-10": "Contractual services - custodial",
        "34-20": "Contractual services - grounds",
        "34-30": "Contractual services - security",
        "34-40": "Contractual services - refuse collection",
        "34-41": "Contractual services - disposal fees",
        "34-42": "Contractual services - recycling",
        "34-43": "Contractual services - other waste",
        "34-50": "Contractual services - temporary labor",
        "34-60": "Contractual services - transportation",
        "34-61": "Contractual services - social services",
        "34-70": "Contractual services - laundry",
        "34-80": "Contractual services - facility management",
        "40-00": "Travel and per diem",
        "41-10": "Communications services",
        "41-20": "Communications - cellular",
        "42-00": "Freight and postage",
        "43-10": "Utility services - electricity",
        "43-11": "Utility services - street lighting",
        "43-20": "Utility services - water and sewer",
        "43-30": "Utility services - natural gas",
        "44-10": "Rentals and leases - buildings",
        "44-20": "Rentals and leases - equipment",
        "45-00": "Insurance",
        "46-10": "Repair and maintenance - buildings",
        "46-20": "Repair and maintenance - equipment",
        "46-30": "Repair and maintenance - vehicles",
        "46-40": "Repair and maintenance - software",
        "46-41": "Software subscriptions",
        "47-00": "Printing and binding",
        "48-00": "Promotional activities",
        "49-00": "Other current charges",
        "49-10": "Other charges - bank fees",
        "49-20": "Other charges - investment fees",
        "49-30": "Other charges - meals",
        "51-00": "Office supplies",
        "52-00": "Operating supplies",
        "52-10": "Operating supplies - janitorial",
        "52-15": "Operating supplies - fuel",
        "52-20": "Operating supplies - chemicals",
        "52-30": "Operating supplies - uniforms",
        "52-40": "Operating supplies - food",
        "52-50": "Operating supplies - vehicle parts",
        "52-51": "Operating supplies - tires",
        "52-60": "Operating supplies - small tools",
        "52-70": "Operating supplies - medical",
        "52-80": "Operating supplies - law enforcement",
        "52-90": "Operating supplies - horticultural",
        "52-91": "Operating supplies - electrical",
        "52-92": "Operating supplies - computer",
        "52-93": "Operating supplies - minor equipment",
        "52-94": "Operating supplies - furniture",
        "53-00": "Road materials and supplies",
        "54-10": "Books, publications and subscriptions",
        "55-00": "Training",
        "61-00": "Land",
        "62-00": "Buildings",
        "63-00": "Improvements other than buildings",
        "63-10": "Infrastructure - roads",
        "63-20": "Infrastructure - utilities",
        "64-00": "Machinery and equipment",
        "64-10": "Machinery and equipment - vehicles",
        "64-20": "Machinery and equipment - computers",
        "64-30": "Machinery and equipment - communications",
        "64-40": "Machinery and equipment - furniture",
        "68-00": "Intangible assets",
        "71-00": "Principal",
        "72-00": "Interest",
        "73-00": "Other debt service costs",
        "81-00": "Aids to government agencies",
        "82-00": "Aids to private organizations",
        "83-00": "Other grants and aids",
        "91-00": "Interfund transfer",
        "99-10": "Refunds",
        "32-21": "Building permits (refund)",
        "34-72": "Recreation fees (refund)",
        "22-20": "Customer deposits",
    },
}


def class_code(key: str, style: str) -> str:
    desc, naics, reason, cap, gfoa, coarse, fl, ga = CLASSES[key]
    if style == "gfoa":
        return gfoa
    if style == "gfoa5":
        return gfoa + "0"
    if style == "gfoa_coarse":
        return coarse
    if style == "sap":
        return gfoa + "00" if gfoa[0] in "245" else gfoa
    if style == "fl":
        return fl
    if style == "ga":
        return ga
    raise ValueError(style)


def _desc_for(code: str, keys: list[str], style: str) -> str:
    names = COARSE_NAMES.get(style, {})
    if code in names:
        return names[code]
    if len(keys) == 1:
        d = CLASSES[keys[0]][0]
    else:
        d = CLASSES[keys[0]][0]
    if style == "sap":
        return d.upper()[:30]
    return d


def _common_naics(values: list[str]) -> str:
    vals = list(dict.fromkeys(values))
    if len(vals) == 1:
        return vals[0]
    if any(v == "" for v in vals):
        return ""
    p = vals[0]
    for v in vals[1:]:
        n = 0
        while n < min(len(p), len(v)) and p[n] == v[n]:
            n += 1
        p = p[:n]
    return p if len(p) >= 2 else ""


def chart(style: str, used: set[str] | None = None) -> pd.DataFrame:
    """A member's chart of accounts with its NAICS/exclusion mapping.

    Returns
    -------
    DataFrame
        ``object_code``, ``description``, ``naics6``, ``exclude_reason``,
        ``capital``, ``confidence``, ``classes`` (master keys, ``;``-joined).
    """
    groups: dict[str, list[str]] = {}
    for key in CLASSES:
        if used is not None and key not in used:
            continue
        groups.setdefault(class_code(key, style), []).append(key)
    rows = []
    for code, keys in groups.items():
        naics = _common_naics([CLASSES[k][1] for k in keys])
        reasons = {CLASSES[k][2] for k in keys}
        reason = reasons.pop() if len(reasons) == 1 else ""
        capital = int(all(CLASSES[k][3] for k in keys))
        if reason:
            naics = ""
            conf = 0.95
        elif len(naics) == 6:
            conf = 0.7 if len(keys) == 1 else 0.6
        elif naics:
            conf = 0.5 if len(naics) >= 4 else 0.35
        else:
            conf = 0.0
        rows.append(
            (code, _desc_for(code, keys, style), naics, reason, capital, conf, ";".join(keys))
        )
    df = pd.DataFrame(
        rows,
        columns=[
            "object_code",
            "description",
            "naics6",
            "exclude_reason",
            "capital",
            "confidence",
            "classes",
        ],
    )
    return df.sort_values("object_code", ignore_index=True)


# NAICS prefix -> (operating class, capital class); longest prefix wins.
_RULES: list[tuple[str, str, str]] = [
    ("541330", "prof_eng", "cap_bldg"),
    ("5413", "prof_arch_tech", "cap_bldg"),
    ("5411", "prof_legal", "svc_other"),
    ("5412", "prof_audit", "svc_other"),
    ("5415", "prof_it", "cap_software"),
    ("5416", "prof_consult", "svc_other"),
    ("5418", "prof_advert", "svc_other"),
    ("5151", "prof_advert", "svc_other"),
    ("541", "prof_other", "svc_other"),
    ("56172", "svc_custodial", "svc_custodial"),
    ("56173", "svc_grounds", "svc_grounds"),
    ("5617", "svc_bldg_services", "svc_bldg_services"),
    ("5616", "svc_security", "svc_security"),
    ("562111", "svc_refuse", "svc_refuse"),
    ("562212", "svc_landfill", "svc_landfill"),
    ("562920", "svc_recycling", "svc_recycling"),
    ("562", "svc_waste_other", "svc_waste_other"),
    ("236116", "svc_bldg_repair", "cap_bldg"),
    ("236", "svc_bldg_repair", "cap_bldg"),
    ("238", "svc_bldg_repair", "cap_bldg"),
    ("2373", "svc_bldg_repair", "cap_streets"),
    ("2371", "svc_bldg_repair", "cap_utility"),
    ("237", "svc_bldg_repair", "cap_improv"),
    ("8111", "svc_vehicle_repair", "svc_vehicle_repair"),
    ("811", "svc_equip_repair", "svc_equip_repair"),
    ("531", "rent_bldg", "rent_bldg"),
    ("532", "rent_equip", "rent_equip"),
    ("5241", "svc_insurance", "svc_insurance"),
    ("517312", "svc_cell", "cap_comm"),
    ("517", "svc_phone", "cap_comm"),
    ("4911", "svc_postage", "svc_postage"),
    ("4921", "svc_postage", "svc_postage"),
    ("3231", "svc_printing", "svc_printing"),
    ("4811", "svc_travel", "svc_travel"),
    ("7211", "svc_travel", "svc_travel"),
    ("5615", "svc_travel", "svc_travel"),
    ("485310", "svc_travel", "svc_travel"),
    ("532111", "svc_travel", "svc_travel"),
    ("611", "svc_training", "svc_training"),
    ("56192", "svc_training", "svc_training"),
    ("5613", "svc_temp", "svc_temp"),
    ("522", "svc_bank", "svc_bank"),
    ("521", "svc_bank", "svc_bank"),
    ("523", "svc_invest", "svc_invest"),
    ("5112", "svc_software", "cap_software"),
    ("5182", "svc_cloud", "cap_software"),
    ("485", "svc_transit", "svc_transit"),
    ("624", "svc_social", "svc_social"),
    ("812332", "svc_laundry", "svc_laundry"),
    ("8123", "svc_laundry", "svc_laundry"),
    ("519", "svc_info", "svc_info"),
    ("561210", "svc_facility_mgmt", "svc_facility_mgmt"),
    ("561", "svc_support", "svc_support"),
    ("4931", "svc_other", "svc_other"),
    ("322", "sup_office", "sup_office"),
    ("339940", "sup_office", "sup_office"),
    ("3256", "sup_janitorial", "sup_janitorial"),
    ("3253", "sup_chem", "sup_chem"),
    ("325", "sup_chem", "sup_chem"),
    ("3241", "sup_road", "sup_road"),
    ("2123", "sup_road", "sup_road"),
    ("3273", "sup_road", "sup_road"),
    ("315", "sup_uniform", "sup_uniform"),
    ("311", "sup_food", "sup_food"),
    ("722", "sup_meals", "sup_meals"),
    ("3363", "sup_vehparts", "sup_vehparts"),
    ("326211", "sup_tires", "sup_tires"),
    ("332", "sup_tools", "cap_equip_other"),
    ("3391", "sup_medical", "cap_equip_other"),
    ("3329", "sup_police", "cap_equip_other"),
    ("1114", "sup_hort", "sup_hort"),
    ("115", "svc_grounds", "svc_grounds"),
    ("335", "sup_electrical", "cap_equip_other"),
    ("3341", "sup_minor_computer", "cap_computer"),
    ("334", "sup_minor_equip", "cap_comm"),
    ("333", "sup_minor_equip", "cap_machinery"),
    ("337", "sup_minor_furniture", "cap_furniture"),
    ("3361", "sup_vehparts", "cap_vehicles"),
    ("3362", "sup_vehparts", "cap_vehicles"),
    ("3369", "sup_vehparts", "cap_vehicles"),
    ("2213", "util_water", "util_water"),
    ("713", "svc_other", "svc_other"),
    ("711", "svc_other", "svc_other"),
    ("812", "svc_other", "svc_other"),
    ("33", "sup_operating", "cap_equip_other"),
    ("32", "sup_operating", "cap_equip_other"),
    ("31", "sup_food", "sup_food"),
    ("11", "sup_operating", "sup_operating"),
    ("21", "sup_road", "sup_road"),
]
_RULES.sort(key=lambda r: -len(r[0]))


def class_for(naics: str, capital: int) -> str:
    """Master object class a clerk codes a purchase of ``naics`` to."""
    for prefix, op, cap in _RULES:
        if naics.startswith(prefix):
            return cap if capital else op
    return "cap_equip_other" if capital else ("sup_operating" if naics[0] in "123" else "svc_other")
