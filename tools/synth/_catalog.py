"""What a US city or county buys: commodity weights from the BEA Use table.

Operating purchases are sampled with the ``GSLGO`` column (state and local
general government other than education and hospitals), capital purchases
with ``F10S00`` (structures), ``F10E00`` (equipment) and ``F10N00``
(intellectual property). Each BEA detail commodity is spread over NAICS-6
codes through the EPA SEF's ``Reference USEEIO Code`` (curated splits for
the large commodities, the first SEF codes for the tail). Scope 1/2 energy
rows (324110, 221100, 221200) are dropped here and generated as energy lines.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

#: BEA rows that are Scope 1/2 energy (generated separately as energy lines).
ENERGY_BEA = {"324110", "221100", "221200"}

#: BEA rows not plausible for a city or county, or not purchases of goods and
#: services with a SEF factor (government enterprises, used goods, R&D, funds).
DROP_BEA = {
    "312200",
    "S00203",
    "S00402",
    "S00401",
    "S00300",
    "S00900",
    "S00500",
    "S00600",
    "S00102",
    "525000",
    "541700",
    "2334A0",
    "233230",
    "233411",
    "111900",
}

#: Curated BEA -> NAICS-6 splits (weights within the BEA commodity).
CURATED_BEA: dict[str, list[tuple[str, float]]] = {
    "541300": [
        ("541330", 0.55),
        ("541310", 0.15),
        ("541380", 0.12),
        ("541370", 0.08),
        ("541320", 0.05),
        ("541350", 0.05),
    ],
    "562000": [
        ("562111", 0.45),
        ("562212", 0.25),
        ("562920", 0.12),
        ("562910", 0.08),
        ("562211", 0.05),
        ("562991", 0.05),
    ],
    "230301": [
        ("238220", 0.25),
        ("238210", 0.2),
        ("236220", 0.17),
        ("238160", 0.1),
        ("238990", 0.1),
        ("238320", 0.08),
        ("238290", 0.05),
        ("238310", 0.05),
    ],
    "523900": [("523920", 0.6), ("523930", 0.2), ("523991", 0.2)],
    "517210": [("517312", 1.0)],
    "541512": [("541512", 1.0)],
    "518200": [("518210", 1.0)],
    "561700": [
        ("561730", 0.42),
        ("561720", 0.35),
        ("561790", 0.13),
        ("561710", 0.05),
        ("561740", 0.05),
    ],
    "531ORE": [("531120", 0.7), ("531190", 0.12), ("531312", 0.08), ("531320", 0.1)],
    "517110": [("517311", 1.0)],
    "522A00": [("522320", 0.8), ("522390", 0.2)],
    "541100": [("541110", 1.0)],
    "221300": [("221310", 0.6), ("221320", 0.4)],
    "561300": [("561320", 0.8), ("561311", 0.1), ("561312", 0.1)],
    "52A000": [("522110", 1.0)],
    "5416A0": [("541620", 0.6), ("541690", 0.4)],
    "324121": [("324121", 1.0)],
    "561600": [("561612", 0.5), ("561621", 0.35), ("561611", 0.1), ("561622", 0.05)],
    "325310": [("325314", 0.6), ("325311", 0.4)],
    "31161A": [("311612", 0.7), ("311611", 0.3)],
    "541200": [("541211", 0.8), ("541214", 0.2)],
    "541610": [("541611", 0.6), ("541612", 0.25), ("541618", 0.15)],
    "115000": [("115310", 0.6), ("115112", 0.4)],
    "811200": [("811213", 0.45), ("811212", 0.4), ("811219", 0.15)],
    "561200": [("561210", 1.0)],
    "811400": [("811411", 0.6), ("811490", 0.4)],
    "493000": [("493110", 1.0)],
    "541800": [("541810", 0.5), ("541820", 0.3), ("541860", 0.2)],
    "336350": [("336350", 1.0)],
    "812900": [("812930", 0.45), ("812910", 0.35), ("812990", 0.2)],
    "515100": [("515120", 0.6), ("515112", 0.4)],
    "481000": [("481111", 1.0)],
    "541400": [("541430", 0.7), ("541410", 0.3)],
    "485000": [("485991", 0.45), ("485410", 0.25), ("485113", 0.2), ("485310", 0.1)],
    "721000": [("721110", 1.0)],
    "323110": [("323111", 1.0)],
    "611B00": [("611430", 0.65), ("611420", 0.15), ("611699", 0.2)],
    "561900": [("561990", 0.65), ("561920", 0.35)],
    "311420": [("311421", 0.7), ("311422", 0.3)],
    "541940": [("541940", 1.0)],
    "326290": [("326299", 0.7), ("326291", 0.3)],
    "491000": [("491110", 1.0)],
    "624400": [("624410", 1.0)],
    "111400": [("111421", 0.7), ("111422", 0.3)],
    "811300": [("811310", 1.0)],
    "511200": [("511210", 1.0)],
    "332200": [("332216", 1.0)],
    "315000": [("315280", 0.6), ("315220", 0.3), ("315990", 0.1)],
    "2123A0": [("212321", 0.55), ("212393", 0.45)],
    "561400": [("561440", 0.4), ("561492", 0.2), ("561410", 0.2), ("561421", 0.1), ("561450", 0.1)],
    "517A00": [("517919", 0.7), ("517410", 0.3)],
    "54151A": [("541513", 0.5), ("541519", 0.5)],
    "812300": [("812332", 0.6), ("812320", 0.4)],
    "322120": [("322121", 1.0)],
    "336390": [("336390", 1.0)],
    "31151A": [("311511", 1.0)],
    "722211": [("722513", 1.0)],
    "325190": [("325199", 1.0)],
    "722A00": [("722310", 0.7), ("722320", 0.3)],
    "311810": [("311812", 1.0)],
    "5419A0": [("541930", 0.4), ("541990", 0.4), ("541910", 0.2)],
    "33299A": [("332992", 0.65), ("332994", 0.35)],
    "325320": [("325320", 1.0)],
    "561100": [("561110", 1.0)],
    "5191A0": [("519190", 0.5), ("519120", 0.3), ("519110", 0.2)],
    "3259A0": [("325998", 1.0)],
    "3363A0": [("336340", 0.6), ("336330", 0.4)],
    "611A00": [("611210", 0.5), ("611310", 0.5)],
    "5241XX": [("524126", 1.0)],
    "523A00": [("523120", 1.0)],
    "713900": [("713940", 0.5), ("713990", 0.5)],
    "811100": [("811111", 0.55), ("811121", 0.3), ("811192", 0.15)],
    "325610": [("325612", 0.7), ("325611", 0.3)],
    "722110": [("722511", 1.0)],
    "314900": [("314910", 0.5), ("314999", 0.5)],
    "326210": [("326211", 1.0)],
    "532400": [("532420", 0.6), ("532412", 0.4)],
    "532100": [("532111", 0.6), ("532112", 0.4)],
    "326190": [("326199", 1.0)],
    "492000": [("492110", 1.0)],
    "335120": [("335121", 0.6), ("335122", 0.4)],
    # capital: structures and equipment
    "2332C0": [("237310", 1.0)],
    "233262": [("236220", 1.0)],
    "2332D0": [("237990", 1.0)],
    "2332A0": [("236220", 1.0)],
    "233240": [("237110", 0.75), ("237130", 0.25)],
    "233210": [("236220", 1.0)],
    "233412": [("236116", 1.0)],
    "33721A": [("337214", 0.7), ("337211", 0.3)],
    "33329A": [("333249", 1.0)],
    "334300": [("334310", 1.0)],
}

#: Per NAICS-6: typical line amount (USD, before member scaling), lognormal
#: sigma, description templates, preferred departments.
#: Placeholders: {facility} {month} {project} {q} {unit} {matter}
CATEGORY_INFO: dict[str, tuple[float, float, tuple[str, ...], tuple[str, ...]]] = {
    # --- professional and technical services
    "541330": (
        38000,
        1.2,
        (
            "ENGINEERING SERVICES",
            "ENGINEERING SVCS - {project}",
            "PROF SVCS ENGINEERING",
            "TRAFFIC ENGINEERING STUDY",
            "STORMWATER MASTER PLAN",
            "CONSTRUCTION ADMIN SVCS {project}",
            "BRIDGE INSPECTION",
            "ON-CALL ENGINEERING TASK ORDER {q}",
            "DESIGN SERVICES {project}",
        ),
        ("STREETS", "WATER", "SEWER", "PLAN"),
    ),
    "541310": (
        30000,
        1.1,
        (
            "ARCHITECTURAL SERVICES",
            "ARCHITECT FEES - {facility}",
            "SPACE PLANNING DESIGN",
            "ARCHITECTURAL DESIGN {facility}",
        ),
        ("FACIL", "PLAN"),
    ),
    "541380": (
        4500,
        1.0,
        (
            "MATERIALS TESTING",
            "SOIL TESTING",
            "LAB ANALYSIS - WATER SAMPLES",
            "CONCRETE TESTING {project}",
            "LAB TESTING SERVICES",
        ),
        ("WATER", "SEWER", "STREETS"),
    ),
    "541370": (
        9000,
        1.0,
        (
            "SURVEYING SERVICES",
            "ROW SURVEY {project}",
            "TOPOGRAPHIC SURVEY",
            "GIS MAPPING SERVICES",
        ),
        ("STREETS", "PLAN"),
    ),
    "541320": (
        15000,
        0.9,
        ("LANDSCAPE ARCHITECTURE - PARK DESIGN", "LANDSCAPE ARCHITECT SVCS"),
        ("PARKS",),
    ),
    "541350": (
        6000,
        0.8,
        ("BUILDING INSPECTION SERVICES", "PLAN REVIEW SERVICES", "INSPECTION SVCS {month}"),
        ("PLAN",),
    ),
    "541110": (
        12000,
        1.2,
        (
            "LEGAL SERVICES",
            "LEGAL FEES - {matter}",
            "OUTSIDE COUNSEL {month}",
            "PROFESSIONAL SERVICES - LEGAL",
            "ATTORNEY FEES {matter}",
        ),
        ("LEGAL",),
    ),
    "541211": (
        22000,
        0.9,
        (
            "AUDIT SERVICES",
            "ANNUAL AUDIT FY{fy}",
            "SINGLE AUDIT FEES",
            "ACCOUNTING SERVICES",
            "AUDIT PROGRESS BILLING",
        ),
        ("FIN",),
    ),
    "541214": (
        6000,
        0.6,
        ("PAYROLL PROCESSING SERVICES", "PAYROLL SERVICE FEES {month}"),
        ("FIN", "HR"),
    ),
    "541512": (
        28000,
        1.3,
        (
            "IT CONSULTING",
            "SYSTEM IMPLEMENTATION SVCS",
            "NETWORK SUPPORT SERVICES",
            "PROGRAMMING SERVICES",
            "ERP IMPLEMENTATION",
            "CYBERSECURITY ASSESSMENT",
        ),
        ("IT",),
    ),
    "541513": (15000, 0.9, ("MANAGED IT SERVICES {month}", "IT MANAGED SERVICES"), ("IT",)),
    "541519": (6000, 1.0, ("COMPUTER SERVICES", "IT SUPPORT", "DATA RECOVERY"), ("IT",)),
    "541620": (
        16000,
        1.1,
        (
            "ENVIRONMENTAL CONSULTING",
            "PHASE I ESA",
            "STORMWATER MONITORING",
            "ENVIRONMENTAL COMPLIANCE SERVICES",
            "ENVIRONMENTAL SVCS {project}",
        ),
        ("SEWER", "WATER", "SW", "PLAN"),
    ),
    "541690": (
        14000,
        1.0,
        ("TECHNICAL CONSULTING", "RATE STUDY", "ENERGY AUDIT", "CONSULTING - UTILITY RATES"),
        ("WATER", "FIN", "FACIL"),
    ),
    "541611": (
        18000,
        1.0,
        (
            "MANAGEMENT CONSULTING",
            "ORGANIZATIONAL STUDY",
            "STRATEGIC PLAN CONSULTING",
            "OPERATIONAL REVIEW",
        ),
        ("ADMIN",),
    ),
    "541612": (
        12000,
        0.9,
        ("HR CONSULTING", "CLASSIFICATION & COMP STUDY", "RECRUITMENT ASSESSMENT CENTER"),
        ("HR",),
    ),
    "541618": (10000, 1.0, ("CONSULTING SERVICES", "CONSULTANT FEES"), ("ADMIN",)),
    "541810": (
        5000,
        1.1,
        (
            "ADVERTISING",
            "PUBLIC OUTREACH CAMPAIGN",
            "MARKETING SERVICES",
            "RECRUITMENT ADVERTISING",
            "LEGAL NOTICES",
        ),
        ("ADMIN", "HR", "PARKS"),
    ),
    "541820": (6000, 0.9, ("PUBLIC RELATIONS", "COMMUNICATIONS SERVICES"), ("ADMIN",)),
    "541860": (4000, 0.8, ("DIRECT MAIL", "MAILING SERVICES - NEWSLETTER"), ("ADMIN",)),
    "541430": (3000, 0.9, ("GRAPHIC DESIGN", "DESIGN SERVICES - BROCHURE"), ("ADMIN", "PARKS")),
    "541410": (5000, 0.8, ("INTERIOR DESIGN",), ("FACIL",)),
    "541930": (
        900,
        0.9,
        ("INTERPRETER SERVICES", "TRANSLATION SERVICES", "SIGN LANGUAGE INTERPRETER"),
        ("COURTS", "ADMIN", "POLICE"),
    ),
    "541990": (3000, 1.0, ("PROFESSIONAL SERVICES", "PROF SERVICES"), ("ADMIN",)),
    "541910": (12000, 0.8, ("COMMUNITY SURVEY", "SURVEY RESEARCH"), ("ADMIN",)),
    "541940": (
        700,
        0.9,
        ("VETERINARY SERVICES", "K9 VET CARE", "ANIMAL SHELTER VET SVCS"),
        ("POLICE", "ANIMAL"),
    ),
    # --- administrative, support, waste
    "561320": (
        4200,
        0.9,
        ("TEMPORARY STAFFING", "TEMP SERVICES W/E {date}", "CONTRACT LABOR", "TEMPORARY HELP"),
        ("FIN", "ADMIN", "PARKS", "SW"),
    ),
    "561311": (9000, 0.7, ("RECRUITMENT SERVICES", "PLACEMENT FEE"), ("HR",)),
    "561312": (20000, 0.6, ("EXECUTIVE SEARCH", "EXECUTIVE RECRUITMENT - {matter}"), ("HR",)),
    "561720": (
        9000,
        0.9,
        (
            "JANITORIAL SERVICES",
            "CUSTODIAL SERVICES {month}",
            "CLEANING SERVICES - {facility}",
            "JANITORIAL {month}",
        ),
        ("FACIL", "LIB", "PARKS"),
    ),
    "561730": (
        7500,
        1.1,
        (
            "LANDSCAPE MAINTENANCE",
            "MOWING SERVICES",
            "TREE TRIMMING",
            "TREE REMOVAL",
            "ROW MOWING {month}",
            "GROUNDS MAINTENANCE {month}",
        ),
        ("PARKS", "STREETS"),
    ),
    "561710": (
        600,
        0.8,
        ("PEST CONTROL", "EXTERMINATING SERVICES", "PEST CONTROL {month}"),
        ("FACIL",),
    ),
    "561790": (
        3500,
        1.0,
        ("PRESSURE WASHING", "WINDOW CLEANING", "SNOW REMOVAL", "GRAFFITI REMOVAL"),
        ("FACIL", "STREETS"),
    ),
    "561740": (1500, 0.8, ("CARPET CLEANING",), ("FACIL",)),
    "561612": (
        8000,
        0.9,
        ("SECURITY GUARD SERVICES", "SECURITY SERVICES {month}", "SECURITY PATROL"),
        ("FACIL", "LIB", "COURTS"),
    ),
    "561621": (
        1800,
        1.0,
        (
            "ALARM MONITORING",
            "SECURITY SYSTEM SERVICE",
            "FIRE ALARM MONITORING",
            "ACCESS CONTROL SERVICE",
        ),
        ("FACIL",),
    ),
    "561611": (800, 0.8, ("BACKGROUND CHECKS", "INVESTIGATION SERVICES"), ("HR", "POLICE")),
    "561622": (400, 0.8, ("LOCKSMITH SERVICES", "REKEY LOCKS"), ("FACIL",)),
    "561210": (
        35000,
        0.8,
        ("FACILITY MANAGEMENT SERVICES", "FACILITIES SUPPORT CONTRACT {month}"),
        ("FACIL",),
    ),
    "561110": (6000, 0.8, ("ADMINISTRATIVE SERVICES", "BILLING SERVICES"), ("FIN",)),
    "561440": (2000, 0.8, ("COLLECTION AGENCY FEES",), ("FIN", "COURTS")),
    "561492": (700, 0.7, ("COURT REPORTING SERVICES", "TRANSCRIPTS"), ("LEGAL", "COURTS")),
    "561410": (800, 0.7, ("TRANSCRIPTION SERVICES",), ("ADMIN",)),
    "561421": (600, 0.6, ("ANSWERING SERVICE {month}",), ("WATER",)),
    "561450": (300, 0.6, ("CREDIT REPORTS",), ("FIN",)),
    "561990": (
        1200,
        0.9,
        ("SHREDDING SERVICES", "DOCUMENT DESTRUCTION", "OTHER SUPPORT SERVICES"),
        ("ADMIN", "FIN"),
    ),
    "561920": (
        700,
        0.8,
        ("CONFERENCE REGISTRATION", "REGISTRATION - ANNUAL CONFERENCE"),
        ("ADMIN", "FIN", "POLICE", "FIRE", "PLAN"),
    ),
    "562111": (
        30000,
        0.9,
        (
            "REFUSE COLLECTION CONTRACT",
            "SOLID WASTE HAULING {month}",
            "DUMPSTER SERVICE",
            "ROLL-OFF SERVICE",
            "GARBAGE COLLECTION {month}",
        ),
        ("SW",),
    ),
    "562212": (
        25000,
        1.0,
        ("LANDFILL TIPPING FEES", "DISPOSAL FEES - MSW", "TIPPING FEES {month}"),
        ("SW",),
    ),
    "562920": (
        9000,
        0.9,
        ("RECYCLING PROCESSING", "MRF PROCESSING FEES {month}", "RECYCLING SERVICES"),
        ("SW",),
    ),
    "562211": (6000, 1.0, ("HHW DISPOSAL", "HAZARDOUS WASTE DISPOSAL"), ("SW", "FLEET")),
    "562910": (
        25000,
        1.1,
        ("ENVIRONMENTAL REMEDIATION", "UST REMOVAL & REMEDIATION", "ASBESTOS ABATEMENT"),
        ("FACIL", "PLAN"),
    ),
    "562991": (700, 0.8, ("PORTABLE TOILET RENTAL", "SEPTIC PUMPING"), ("PARKS",)),
    # --- construction, maintenance and repair of structures (operating)
    "238220": (
        5500,
        1.2,
        (
            "HVAC REPAIR",
            "HVAC MAINTENANCE {facility}",
            "PLUMBING REPAIRS",
            "BOILER REPAIR",
            "CHILLER SERVICE",
        ),
        ("FACIL", "WATER"),
    ),
    "238210": (
        5000,
        1.2,
        (
            "ELECTRICAL REPAIRS",
            "ELECTRICAL WORK - {facility}",
            "LIGHTING RETROFIT LABOR",
            "TRAFFIC SIGNAL ELECTRICAL REPAIR",
        ),
        ("FACIL", "STREETS"),
    ),
    "236220": (
        30000,
        1.2,
        (
            "BUILDING REPAIRS",
            "FACILITY RENOVATION - {facility}",
            "TENANT IMPROVEMENTS",
            "GENERAL CONTRACTOR - {facility}",
        ),
        ("FACIL",),
    ),
    "238160": (12000, 1.0, ("ROOF REPAIR", "ROOFING REPAIRS - {facility}"), ("FACIL",)),
    "238990": (
        8000,
        1.1,
        (
            "FENCE REPAIR",
            "PARKING LOT STRIPING",
            "CONCRETE FLATWORK REPAIR",
            "SIDEWALK REPAIR",
            "PAVEMENT MARKING",
        ),
        ("STREETS", "PARKS"),
    ),
    "238320": (6000, 0.9, ("PAINTING SERVICES", "INTERIOR PAINTING - {facility}"), ("FACIL",)),
    "238290": (2500, 0.8, ("ELEVATOR MAINTENANCE", "ELEVATOR REPAIR"), ("FACIL",)),
    "238310": (4000, 0.8, ("DRYWALL REPAIR", "INSULATION"), ("FACIL",)),
    # --- finance, insurance, real estate
    "523920": (
        45000,
        0.7,
        ("INVESTMENT MANAGEMENT FEES", "PORTFOLIO MGMT FEE Q{q}", "ADVISORY FEES Q{q}"),
        ("FIN",),
    ),
    "523930": (
        20000,
        0.6,
        ("INVESTMENT ADVISORY SERVICES", "INVESTMENT ADVISOR FEE Q{q}"),
        ("FIN",),
    ),
    "523991": (12000, 0.6, ("CUSTODIAL BANK FEES", "SAFEKEEPING FEES Q{q}"), ("FIN",)),
    "523120": (3000, 0.6, ("BROKERAGE FEES",), ("FIN",)),
    "522320": (
        6000,
        0.9,
        ("MERCHANT CARD FEES", "CREDIT CARD PROCESSING FEES {month}", "PAYMENT PROCESSING FEES"),
        ("FIN", "WATER", "PARKS"),
    ),
    "522390": (3000, 0.8, ("LOAN SERVICING FEES",), ("FIN",)),
    "522110": (
        2500,
        0.8,
        ("BANK SERVICE CHARGES", "ANALYSIS FEES {month}", "BANKING FEES {month}"),
        ("FIN",),
    ),
    "524126": (
        60000,
        1.0,
        (
            "INSURANCE PREMIUM",
            "PROPERTY INSURANCE",
            "LIABILITY INSURANCE PREMIUM",
            "RISK POOL CONTRIBUTION {q}",
        ),
        ("FIN", "ADMIN"),
    ),
    "531120": (
        14000,
        0.8,
        ("OFFICE LEASE {month}", "RENT - {facility}", "LEASE PAYMENT {month}"),
        ("ADMIN", "POLICE", "HUMAN"),
    ),
    "531190": (4000, 0.8, ("LAND LEASE", "PARKING LOT LEASE"), ("PARKS", "ADMIN")),
    "531312": (5000, 0.7, ("PROPERTY MANAGEMENT FEES",), ("FACIL",)),
    "531320": (3000, 0.7, ("APPRAISAL SERVICES", "PROPERTY APPRAISAL"), ("PLAN", "FIN")),
    "532420": (1200, 0.8, ("COPIER LEASE {month}", "COPIER RENTAL"), ("ADMIN", "FIN", "LIB")),
    "532412": (
        4000,
        1.0,
        ("EQUIPMENT RENTAL", "EXCAVATOR RENTAL", "LIFT RENTAL"),
        ("STREETS", "WATER", "PARKS"),
    ),
    "532111": (600, 0.8, ("CAR RENTAL",), ("ADMIN",)),
    "532112": (2500, 0.6, ("VEHICLE LEASE {month}",), ("FLEET",)),
    # --- information
    "517312": (
        4500,
        1.0,
        (
            "CELL PHONE SERVICE",
            "WIRELESS SERVICE {month}",
            "CELLULAR CHARGES",
            "MOBILE DATA - MDT {month}",
        ),
        ("IT", "POLICE", "FIRE"),
    ),
    "517311": (
        3500,
        1.0,
        (
            "TELEPHONE SERVICE",
            "PHONE LINES {month}",
            "INTERNET SERVICE {month}",
            "FIBER CIRCUITS",
            "LONG DISTANCE",
        ),
        ("IT",),
    ),
    "517919": (2000, 0.9, ("TELECOM SERVICES", "911 TRUNK LINES {month}"), ("IT", "POLICE")),
    "517410": (1200, 0.7, ("SATELLITE SERVICE", "SATELLITE PHONE"), ("FIRE", "IT")),
    "518210": (
        9000,
        1.2,
        (
            "CLOUD HOSTING",
            "SAAS SUBSCRIPTION",
            "DATA HOSTING SERVICES",
            "WEB HOSTING",
            "BACKUP SERVICES {month}",
            "SUBSCRIPTION RENEWAL",
        ),
        ("IT",),
    ),
    "511210": (
        11000,
        1.2,
        (
            "SOFTWARE LICENSE",
            "SOFTWARE MAINTENANCE",
            "ANNUAL LICENSE RENEWAL",
            "SOFTWARE SUPPORT AGREEMENT",
            "LICENSE RENEWAL FY{fy}",
        ),
        ("IT",),
    ),
    "519190": (
        1500,
        0.9,
        ("DATABASE SUBSCRIPTION", "ONLINE RESEARCH SERVICE", "INFORMATION SERVICES"),
        ("LIB", "LEGAL"),
    ),
    "519120": (2500, 0.8, ("LIBRARY DATABASES", "CONSORTIUM FEES"), ("LIB",)),
    "519110": (800, 0.7, ("NEWS SERVICE SUBSCRIPTION",), ("ADMIN", "LIB")),
    "515120": (
        3000,
        0.8,
        ("TV PUBLIC SERVICE ANNOUNCEMENTS", "GOVERNMENT ACCESS TV PRODUCTION"),
        ("ADMIN",),
    ),
    "515112": (1500, 0.8, ("RADIO ADS", "RADIO ADVERTISING"), ("ADMIN", "PARKS")),
    "491110": (
        2000,
        1.1,
        ("POSTAGE", "POSTAGE METER REFILL", "BULK MAIL PERMIT", "POSTAGE - UTILITY BILLS"),
        ("FIN", "ADMIN", "WATER"),
    ),
    "492110": (150, 0.8, ("OVERNIGHT SHIPPING", "COURIER SERVICE"), ("ADMIN", "FIN")),
    "493110": (1500, 0.8, ("RECORDS STORAGE {month}", "WAREHOUSE STORAGE"), ("ADMIN", "FIN")),
    "323111": (
        3000,
        1.1,
        (
            "PRINTING",
            "PRINTING - UTILITY BILLS",
            "BUSINESS CARDS",
            "PRINTING SERVICES",
            "PRINTING - BROCHURES",
            "ENVELOPES PRINTED",
        ),
        ("ADMIN", "FIN", "PARKS", "ELECT"),
    ),
    # --- goods
    "324121": (
        12000,
        1.0,
        (
            "ASPHALT",
            "HOT MIX ASPHALT",
            "COLD PATCH ASPHALT",
            "ASPHALT - STREET REPAIR",
            "HMA {unit} TONS",
        ),
        ("STREETS",),
    ),
    "212321": (
        3500,
        0.9,
        ("GRAVEL", "CRUSHED ROCK", "SAND", "BASE ROCK", "AGGREGATE {unit} TONS"),
        ("STREETS", "WATER"),
    ),
    "212393": (9000, 0.9, ("ROAD SALT", "ROCK SALT", "DEICING SALT {unit} TONS"), ("STREETS",)),
    "327320": (
        4000,
        0.9,
        ("READY MIX CONCRETE", "CONCRETE", "CONCRETE - SIDEWALK REPAIR"),
        ("STREETS", "PARKS"),
    ),
    "325314": (2500, 0.8, ("FERTILIZER", "TURF FERTILIZER"), ("PARKS",)),
    "325311": (2500, 0.8, ("FERTILIZER - UREA", "NITROGEN FERTILIZER"), ("PARKS",)),
    "325320": (
        2000,
        0.8,
        ("PESTICIDES", "HERBICIDE", "MOSQUITO CONTROL CHEMICALS", "WEED CONTROL CHEMICALS"),
        ("PARKS", "HEALTH"),
    ),
    "325180": (
        9000,
        0.9,
        (
            "CHLORINE",
            "SODIUM HYPOCHLORITE",
            "ALUM",
            "FERRIC CHLORIDE",
            "CAUSTIC SODA",
            "WATER TREATMENT CHEMICALS",
        ),
        ("WATER", "SEWER"),
    ),
    "325199": (6000, 0.9, ("CHEMICALS - WWTP", "METHANOL", "POLYMER"), ("SEWER",)),
    "325998": (
        1500,
        1.0,
        ("ICE MELT", "CHEMICAL SUPPLIES", "ABSORBENT", "DEF FLUID"),
        ("STREETS", "FLEET", "FACIL"),
    ),
    "325612": (
        700,
        0.9,
        ("JANITORIAL SUPPLIES", "CLEANING SUPPLIES", "DISINFECTANT", "CUSTODIAL SUPPLIES"),
        ("FACIL", "PARKS", "LIB"),
    ),
    "325611": (500, 0.8, ("HAND SOAP", "DETERGENT", "SOAP"), ("FACIL", "FIRE")),
    "325510": (900, 0.9, ("PAINT", "TRAFFIC PAINT", "PAINT SUPPLIES"), ("STREETS", "FACIL")),
    "322121": (900, 0.7, ("COPY PAPER", "PAPER - COPIER", "PAPER CASES"), ("ADMIN", "FIN")),
    "322230": (
        350,
        0.9,
        ("OFFICE SUPPLIES", "ENVELOPES", "FILE FOLDERS", "STATIONERY", "OFFICE SUPPLIES {month}"),
        ("ADMIN", "FIN", "POLICE", "PLAN", "LIB", "HR", "COURTS"),
    ),
    "339940": (250, 0.8, ("PENS AND MARKERS", "OFFICE SUPPLIES - DESK"), ("ADMIN",)),
    "322220": (600, 0.8, ("PAPER BAGS", "LABELS"), ("ADMIN",)),
    "332216": (
        450,
        1.0,
        ("HAND TOOLS", "SAW BLADES", "TOOLS", "SMALL TOOLS"),
        ("STREETS", "FLEET", "WATER", "PARKS", "FACIL"),
    ),
    "332510": (
        300,
        0.9,
        ("HARDWARE", "FASTENERS", "HARDWARE SUPPLIES"),
        ("FACIL", "PARKS", "STREETS"),
    ),
    "332992": (3500, 0.8, ("AMMUNITION", "DUTY AMMUNITION", "TRAINING AMMO"), ("POLICE",)),
    "332994": (4000, 0.8, ("FIREARMS", "PATROL RIFLES", "DUTY WEAPONS"), ("POLICE",)),
    "315280": (
        1500,
        0.9,
        ("UNIFORMS", "POLICE UNIFORMS", "WORK CLOTHING", "FIRE STATION WEAR"),
        ("POLICE", "FIRE", "STREETS", "PARKS"),
    ),
    "315220": (1000, 0.8, ("UNIFORM SHIRTS", "WORK PANTS"), ("POLICE", "FIRE")),
    "315990": (500, 0.8, ("GLOVES", "HATS", "SAFETY VESTS"), ("STREETS", "PARKS")),
    "339113": (
        1800,
        1.0,
        ("MEDICAL SUPPLIES", "EMS SUPPLIES", "FIRST AID SUPPLIES", "SAFETY SUPPLIES", "PPE"),
        ("FIRE", "JAIL", "HEALTH"),
    ),
    "336390": (
        800,
        1.0,
        ("AUTO PARTS", "TRUCK PARTS", "FILTERS", "PARTS - UNIT {unit}", "FLEET PARTS"),
        ("FLEET",),
    ),
    "336350": (900, 0.9, ("TRANSMISSION PARTS", "DRIVETRAIN PARTS - UNIT {unit}"), ("FLEET",)),
    "336340": (500, 0.9, ("BRAKE PARTS", "BRAKE PADS - UNIT {unit}"), ("FLEET",)),
    "336330": (600, 0.9, ("SUSPENSION PARTS", "STEERING PARTS"), ("FLEET",)),
    "336320": (
        500,
        0.9,
        ("ALTERNATOR", "STARTER", "WIRING HARNESS", "ELECTRICAL PARTS - UNIT {unit}"),
        ("FLEET",),
    ),
    "326211": (1800, 0.9, ("TIRES", "TIRES - UNIT {unit}", "TRUCK TIRES"), ("FLEET",)),
    "326299": (600, 0.9, ("RUBBER GOODS", "HOSES", "RUBBER MATS"), ("FLEET", "WATER")),
    "326291": (500, 0.8, ("RUBBER GASKETS", "BELTS"), ("FLEET", "WATER")),
    "326199": (700, 0.9, ("PLASTIC PRODUCTS", "TRASH CARTS", "RECYCLING CARTS"), ("SW", "FACIL")),
    "335121": (
        1200,
        0.9,
        ("LIGHT FIXTURES", "LED FIXTURES", "LIGHTING SUPPLIES"),
        ("FACIL", "STREETS"),
    ),
    "335122": (2500, 0.9, ("STREET LIGHT FIXTURES", "LED STREETLIGHT HEADS"), ("STREETS",)),
    "333415": (2200, 1.0, ("HVAC EQUIPMENT", "AC UNIT", "HVAC PARTS"), ("FACIL",)),
    "333914": (3500, 1.0, ("PUMPS", "PUMP PARTS", "SUBMERSIBLE PUMP"), ("WATER", "SEWER")),
    "333249": (5000, 1.0, ("INDUSTRIAL EQUIPMENT",), ("WATER", "SEWER")),
    "314910": (800, 0.8, ("SANDBAGS", "TARPS"), ("STREETS", "EMERG")),
    "314999": (600, 0.8, ("FLAGS", "BANNERS"), ("ADMIN", "PARKS")),
    "111421": (2500, 0.9, ("TREES", "NURSERY STOCK", "STREET TREES"), ("PARKS",)),
    "111422": (900, 0.8, ("PLANTS & FLOWERS", "ANNUALS FOR PARKS"), ("PARKS",)),
    "115310": (
        6000,
        1.0,
        ("FORESTRY SERVICES", "URBAN FORESTRY CONTRACT", "HAZARD TREE ASSESSMENT"),
        ("PARKS",),
    ),
    "115112": (
        3000,
        0.9,
        ("WEED ABATEMENT", "SOIL PREPARATION - ATHLETIC FIELDS"),
        ("PARKS", "PLAN"),
    ),
    "311612": (
        3500,
        0.9,
        ("FOOD - MEAT", "MEAT PRODUCTS", "GROUND BEEF"),
        ("JAIL", "PARKS", "HUMAN"),
    ),
    "311611": (3000, 0.9, ("BEEF", "PORK"), ("JAIL",)),
    "311421": (1800, 0.8, ("CANNED FOODS", "CANNED VEGETABLES"), ("JAIL", "HUMAN")),
    "311422": (1200, 0.8, ("CANNED SOUPS",), ("JAIL", "HUMAN")),
    "311511": (1200, 0.8, ("MILK", "DAIRY PRODUCTS"), ("JAIL", "HUMAN", "PARKS")),
    "311812": (900, 0.8, ("BREAD", "BAKERY PRODUCTS"), ("JAIL", "HUMAN")),
    "722513": (
        350,
        1.0,
        ("MEALS", "MEETING MEALS", "FOOD FOR EOC", "TRAINING LUNCH"),
        ("ADMIN", "POLICE", "FIRE", "EMERG"),
    ),
    "722511": (450, 0.9, ("MEALS", "LUNCH MEETING", "WORKING LUNCH"), ("ADMIN",)),
    "722310": (
        18000,
        0.9,
        ("FOOD SERVICE CONTRACT {month}", "INMATE MEALS {month}", "SENIOR MEALS PROGRAM"),
        ("JAIL", "HUMAN"),
    ),
    "722320": (1500, 0.9, ("CATERING", "CATERING - EVENT"), ("ADMIN", "PARKS")),
    # --- repair and maintenance services
    "811310": (
        3500,
        1.1,
        ("EQUIPMENT REPAIR", "PUMP REPAIR", "GENERATOR SERVICE", "MACHINERY MAINTENANCE"),
        ("WATER", "SEWER", "FLEET", "FACIL"),
    ),
    "811213": (
        2500,
        1.0,
        ("RADIO REPAIR", "RADIO MAINTENANCE {month}", "COMMUNICATIONS EQUIP REPAIR"),
        ("POLICE", "FIRE", "IT"),
    ),
    "811212": (
        1200,
        0.9,
        ("COMPUTER REPAIR", "PRINTER MAINTENANCE", "COPIER MAINTENANCE"),
        ("IT", "ADMIN"),
    ),
    "811219": (1500, 0.9, ("RADAR CALIBRATION", "INSTRUMENT CALIBRATION"), ("POLICE", "WATER")),
    "811411": (600, 0.8, ("SMALL ENGINE REPAIR", "MOWER REPAIR"), ("PARKS",)),
    "811490": (500, 0.8, ("REPAIR SERVICES", "MISC REPAIRS"), ("FACIL",)),
    "811111": (
        1500,
        1.0,
        ("VEHICLE REPAIR", "AUTO REPAIR - UNIT {unit}", "TRUCK REPAIR"),
        ("FLEET",),
    ),
    "811121": (2500, 0.9, ("BODY WORK - UNIT {unit}", "COLLISION REPAIR"), ("FLEET",)),
    "811192": (80, 0.6, ("CAR WASH SERVICES",), ("FLEET", "POLICE")),
    # --- travel, training, other services
    "481111": (
        450,
        0.6,
        ("AIRFARE", "AIRFARE - CONFERENCE", "AIRLINE TICKET"),
        ("ADMIN", "FIN", "POLICE", "FIRE", "PLAN", "IT"),
    ),
    "721110": (
        600,
        0.7,
        ("LODGING", "HOTEL - CONFERENCE", "HOTEL ACCOMMODATIONS"),
        ("ADMIN", "FIN", "POLICE", "FIRE", "PLAN", "IT"),
    ),
    "611430": (
        700,
        0.9,
        ("TRAINING", "TRAINING REGISTRATION", "LEADERSHIP TRAINING", "CERTIFICATION COURSE"),
        ("HR", "POLICE", "FIRE", "ADMIN"),
    ),
    "611420": (900, 0.8, ("COMPUTER TRAINING", "SOFTWARE TRAINING"), ("IT",)),
    "611699": (
        800,
        0.8,
        ("CPR TRAINING", "ACADEMY TUITION", "FIREARMS TRAINING COURSE"),
        ("FIRE", "POLICE"),
    ),
    "611210": (1500, 0.7, ("COMMUNITY COLLEGE COURSE FEES",), ("HR", "FIRE")),
    "611310": (
        2500,
        0.7,
        ("UNIVERSITY COURSE FEES", "ACADEMY - STATE UNIVERSITY"),
        ("HR", "POLICE"),
    ),
    "485991": (
        20000,
        0.8,
        ("PARATRANSIT SERVICES {month}", "DIAL-A-RIDE CONTRACT"),
        ("HUMAN", "ADMIN"),
    ),
    "485410": (3000, 0.8, ("BUS CHARTER - YOUTH PROGRAM", "STUDENT TRANSPORTATION"), ("PARKS",)),
    "485113": (40000, 0.7, ("TRANSIT SERVICE CONTRACT {month}",), ("ADMIN",)),
    "485310": (60, 0.6, ("TAXI SERVICE",), ("ADMIN",)),
    "624410": (4000, 0.8, ("CHILD CARE SERVICES", "AFTER SCHOOL PROGRAM"), ("PARKS", "HUMAN")),
    "713940": (1500, 0.8, ("FITNESS INSTRUCTOR", "RECREATION PROGRAM INSTRUCTOR"), ("PARKS",)),
    "713990": (1200, 0.8, ("RECREATION PROGRAM", "EVENT ENTERTAINMENT"), ("PARKS",)),
    "711510": (1500, 0.8, ("PERFORMANCE FEE", "ARTIST FEE - CONCERT SERIES"), ("PARKS", "LIB")),
    "812930": (800, 0.8, ("PARKING FEES", "PARKING GARAGE {month}"), ("ADMIN",)),
    "812910": (900, 0.8, ("ANIMAL BOARDING", "K9 BOARDING"), ("POLICE", "ANIMAL")),
    "812990": (600, 0.8, ("MISC SERVICES",), ("ADMIN",)),
    "812332": (
        600,
        0.7,
        ("UNIFORM RENTAL", "MAT & TOWEL SERVICE", "UNIFORM CLEANING {month}", "SHOP TOWELS"),
        ("FLEET", "STREETS", "WATER", "FACIL"),
    ),
    "812320": (
        400,
        0.7,
        ("LAUNDRY SERVICES", "DRY CLEANING - UNIFORMS"),
        ("POLICE", "FIRE", "JAIL"),
    ),
    "221310": (
        40000,
        0.8,
        ("WHOLESALE WATER PURCHASE {month}", "PURCHASED WATER {month}"),
        ("WATER",),
    ),
    "221320": (
        45000,
        0.8,
        ("WASTEWATER TREATMENT CHARGES {month}", "SEWER TREATMENT - REGIONAL {month}"),
        ("SEWER",),
    ),
    "311920": (250, 0.7, ("COFFEE", "COFFEE SERVICE"), ("ADMIN", "JAIL")),
    # --- capital
    "237310": (
        240000,
        1.1,
        (
            "STREET RESURFACING PROJECT {project}",
            "ROAD RECONSTRUCTION {project}",
            "BRIDGE REHABILITATION",
            "PAVEMENT OVERLAY PROGRAM",
            "INTERSECTION IMPROVEMENTS {project}",
            "SIDEWALK & ADA RAMPS {project}",
            "PAY APP #{q} - {project}",
        ),
        ("STREETS", "CIP"),
    ),
    "237990": (
        120000,
        1.1,
        (
            "PARK IMPROVEMENTS {project}",
            "TRAIL CONSTRUCTION",
            "STORMWATER POND",
            "BOAT RAMP",
            "PAY APP #{q} - {project}",
        ),
        ("PARKS", "CIP"),
    ),
    "237110": (
        150000,
        1.1,
        (
            "WATER MAIN REPLACEMENT {project}",
            "SEWER LINE REHAB {project}",
            "LIFT STATION UPGRADE",
            "PAY APP #{q} - {project}",
        ),
        ("WATER", "SEWER", "CIP"),
    ),
    "237130": (
        80000,
        1.0,
        ("FIBER CONDUIT INSTALL", "STREETLIGHT POLE INSTALLATION"),
        ("IT", "STREETS"),
    ),
    "236116": (
        250000,
        0.9,
        ("AFFORDABLE HOUSING CONSTRUCTION", "HOUSING PROJECT PROGRESS PMT"),
        ("PLAN",),
    ),
    "336120": (
        320000,
        0.6,
        ("FIRE ENGINE", "REFUSE TRUCK", "DUMP TRUCK", "AERIAL LADDER TRUCK", "SWEEPER TRUCK"),
        ("FLEET",),
    ),
    "333120": (
        140000,
        0.7,
        ("BACKHOE", "WHEEL LOADER", "EXCAVATOR", "MOTOR GRADER", "SKID STEER"),
        ("FLEET",),
    ),
    "334111": (
        18000,
        1.0,
        ("COMPUTERS", "LAPTOPS", "DESKTOP REPLACEMENT", "SERVERS", "RUGGED LAPTOPS - PATROL"),
        ("IT",),
    ),
    "334220": (
        40000,
        1.0,
        ("RADIOS", "PORTABLE RADIOS", "P25 RADIO UPGRADE", "MOBILE RADIOS"),
        ("POLICE", "FIRE", "IT"),
    ),
    "334310": (
        15000,
        0.9,
        ("AUDIO VISUAL EQUIPMENT", "COUNCIL CHAMBERS AV SYSTEM"),
        ("IT", "ADMIN"),
    ),
    "337214": (
        9000,
        0.9,
        ("OFFICE FURNITURE", "WORKSTATIONS", "OFFICE CHAIRS"),
        ("FACIL", "ADMIN"),
    ),
    "337211": (6000, 0.8, ("WOOD OFFICE FURNITURE", "CONFERENCE TABLE"), ("ADMIN",)),
    "334118": (5000, 0.9, ("PRINTERS", "MONITORS", "PERIPHERALS"), ("IT",)),
    "337127": (
        8000,
        0.9,
        ("LIBRARY FURNITURE", "PARK BENCHES", "INSTITUTIONAL FURNITURE"),
        ("LIB", "PARKS"),
    ),
    "333318": (
        12000,
        0.9,
        ("COMMERCIAL EQUIPMENT", "KITCHEN EQUIPMENT", "SCALES"),
        ("FACIL", "JAIL"),
    ),
    "335220": (3000, 0.8, ("APPLIANCES", "WASHER/DRYER - FIRE STATION"), ("FIRE", "FACIL")),
    "333517": (15000, 0.8, ("MACHINE TOOLS", "SHOP LATHE"), ("FLEET",)),
    "339920": (
        25000,
        0.9,
        ("PLAYGROUND EQUIPMENT", "FITNESS EQUIPMENT", "SPORTS EQUIPMENT"),
        ("PARKS",),
    ),
    "333618": (
        45000,
        0.9,
        ("EMERGENCY GENERATOR", "GENERATOR", "ENGINE REPLACEMENT"),
        ("FACIL", "WATER"),
    ),
    "336111": (38000, 0.5, ("PATROL VEHICLE", "SEDAN", "VEHICLE PURCHASE"), ("FLEET", "POLICE")),
    "336112": (
        45000,
        0.5,
        ("PICKUP TRUCK", "POLICE INTERCEPTOR UTILITY", "UTILITY TRUCK"),
        ("FLEET",),
    ),
    "334210": (20000, 0.9, ("PHONE SYSTEM", "VOIP PHONES"), ("IT",)),
    "334112": (35000, 0.8, ("STORAGE ARRAY", "SAN STORAGE"), ("IT",)),
    "334511": (12000, 0.9, ("GPS EQUIPMENT", "RADAR UNITS"), ("POLICE", "STREETS")),
    "334514": (30000, 1.0, ("WATER METERS", "AMI METERS", "METER REPLACEMENT"), ("WATER",)),
    "333991": (3000, 0.8, ("POWER TOOLS",), ("FLEET", "FACIL")),
    "335210": (1500, 0.7, ("SMALL APPLIANCES",), ("FACIL",)),
    "336991": (25000, 0.5, ("POLICE MOTORCYCLE",), ("POLICE",)),
    "334516": (20000, 0.9, ("LAB INSTRUMENTS", "ANALYZER"), ("WATER", "SEWER")),
    "334513": (15000, 0.9, ("SCADA INSTRUMENTS", "FLOW METERS"), ("WATER", "SEWER")),
    "334290": (
        30000,
        0.9,
        ("TRAFFIC SIGNAL EQUIPMENT", "OUTDOOR WARNING SIRENS", "SIGNAL CABINETS"),
        ("STREETS", "EMERG"),
    ),
    "333316": (9000, 0.8, ("COPIERS", "MULTIFUNCTION PRINTERS"), ("ADMIN", "IT")),
    "541511": (40000, 1.0, ("CUSTOM PROGRAMMING", "SOFTWARE DEVELOPMENT"), ("IT",)),
}

#: Capital purchases of codes that also appear as operating purchases.
CAPITAL_INFO: dict[str, tuple[float, float, tuple[str, ...], tuple[str, ...]]] = {
    "236220": (
        200000,
        1.1,
        (
            "FIRE STATION CONSTRUCTION",
            "LIBRARY RENOVATION",
            "COMMUNITY CENTER CONSTRUCTION",
            "CITY HALL REMODEL",
            "PROGRESS PAYMENT - {facility}",
            "PAY APP #{q} - {facility}",
        ),
        ("FACIL", "CIP"),
    ),
    "541512": (
        60000,
        1.0,
        ("SYSTEM IMPLEMENTATION - CAPITAL", "ERP PROJECT SERVICES", "CAD/RMS IMPLEMENTATION"),
        ("IT",),
    ),
    "511210": (
        80000,
        1.0,
        ("SOFTWARE PURCHASE", "ERP SOFTWARE LICENSE", "PERPETUAL LICENSE"),
        ("IT",),
    ),
    "518210": (50000, 1.0, ("CLOUD IMPLEMENTATION", "SAAS IMPLEMENTATION - CAPITAL"), ("IT",)),
}

#: Fallback typical amount by NAICS 2-digit sector.
_SECTOR_AMOUNT = {
    "11": 2000,
    "21": 3000,
    "22": 20000,
    "23": 60000,
    "31": 1500,
    "32": 1500,
    "33": 2500,
    "42": 1500,
    "44": 400,
    "45": 400,
    "48": 2000,
    "49": 1500,
    "51": 3000,
    "52": 3000,
    "53": 3000,
    "54": 8000,
    "56": 4000,
    "61": 1000,
    "62": 3000,
    "71": 1500,
    "72": 600,
    "81": 1500,
}

GENERAL_DEPTS = ("ADMIN", "FIN", "FACIL", "PARKS", "STREETS")

#: Travel-type codes damped in fiscal years hit by the pandemic.
COVID_DAMPED = {"481111": 0.25, "721110": 0.3, "561920": 0.4, "611430": 0.6, "722511": 0.5}
COVID_YEARS_CAL = (2020, 2021)


def _short_title(title: str) -> str:
    t = title.upper()
    for w in (
        " MANUFACTURING",
        " MERCHANT WHOLESALERS",
        " (EXCEPT",
        ", EXCEPT",
        " SERVICES",
        " INDUSTRY",
    ):
        i = t.find(w)
        if i > 0:
            t = t[:i] + (" SERVICES" if w == " SERVICES" else "")
    return t.replace(",", "").strip()[:40]


@lru_cache(maxsize=1)
def sef_table() -> pd.DataFrame:
    """SEF rows with BEA codes exploded (one row per NAICS x BEA pair)."""
    from cohort_helpers import data

    sef = data.read_sef()
    sef = sef.assign(bea=sef["bea_code"].astype(str).str.split(", ")).explode("bea")
    return sef[["naics6", "naics_title", "bea", "sef_with_margins"]].reset_index(drop=True)


@lru_cache(maxsize=1)
def naics_titles() -> dict[str, str]:
    s = sef_table()
    return dict(zip(s["naics6"], s["naics_title"], strict=False))


def _children(bea: str, sef: pd.DataFrame) -> list[tuple[str, float]]:
    if bea in CURATED_BEA:
        return CURATED_BEA[bea]
    kids = sef.loc[sef["bea"] == bea, "naics6"].drop_duplicates().tolist()
    # prefer codes that belong to this BEA commodity only
    kids = [k for k in kids if k != "237210"][:2]
    if not kids:
        return []
    if len(kids) == 1:
        return [(kids[0], 1.0)]
    return [(kids[0], 0.7), (kids[1], 0.3)]


@lru_cache(maxsize=1)
def commodity_profile() -> pd.DataFrame:
    """Purchase profile over NAICS-6 codes for US local governments.

    Returns
    -------
    DataFrame
        ``naics6``, ``capital`` (0/1), ``weight`` (share of operating or of
        capital purchases; each sums to 1), ``bea_code``, ``title``.
    """
    from cohort_helpers import data

    use = data.read_use_table()
    sef = sef_table()
    titles = naics_titles()
    rows = []
    for capital, cols in ((0, ["GSLGO"]), (1, ["F10S00", "F10E00", "F10N00"])):
        col = use[cols].sum(axis=1)
        col = col[~col.index.str.match(r"^(T0|V0)")]
        col = col[(col > 0) & ~col.index.isin(ENERGY_BEA | DROP_BEA)]
        total = col.sum()
        # keep the commodities that make up 99% of the column (the rest is noise)
        col = col.sort_values(ascending=False)
        col = col[col.cumsum() / total <= 0.99]
        for bea, v in col.items():
            for naics, w in _children(bea, sef):
                if naics not in titles:
                    raise ValueError(f"curated NAICS {naics} for BEA {bea} is not in the SEF")
                rows.append((naics, capital, v * w, bea, titles[naics]))
    prof = pd.DataFrame(rows, columns=["naics6", "capital", "weight", "bea_code", "title"])
    prof = prof.groupby(["naics6", "capital"], as_index=False).agg(
        weight=("weight", "sum"), bea_code=("bea_code", "first"), title=("title", "first")
    )
    prof["weight"] = prof["weight"] / prof.groupby("capital")["weight"].transform("sum")
    return prof.sort_values(["capital", "weight"], ascending=[True, False], ignore_index=True)


def category_info(
    naics: str, capital: int = 0
) -> tuple[float, float, tuple[str, ...], tuple[str, ...]]:
    """Typical amount, sigma, description templates and departments of a NAICS code."""
    if capital and naics in CAPITAL_INFO:
        return CAPITAL_INFO[naics]
    if naics in CATEGORY_INFO:
        return CATEGORY_INFO[naics]
    title = naics_titles().get(naics, naics)
    short = _short_title(title)
    amount = _SECTOR_AMOUNT.get(naics[:2], 2000)
    return (amount, 0.9, (short, short + " - MISC", "SUPPLIES - " + short), GENERAL_DEPTS)


def sef_factor(naics: pd.Series) -> np.ndarray:
    """SEF v1.3 factor with margins for NAICS-6 codes (NaN where absent)."""
    s = sef_table().drop_duplicates("naics6").set_index("naics6")["sef_with_margins"]
    return naics.map(s).to_numpy(dtype=float)
