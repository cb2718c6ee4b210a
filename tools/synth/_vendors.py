"""Vendor names: national suppliers, made-up local firms, and the ways ledgers misspell them."""

from __future__ import annotations

import re

import numpy as np

# Surnames for local firms (repeat vendors) and, disjoint, for one-off payees.
SURNAMES = (
    "Abernathy Ackerman Aldridge Alvarez Ambrose Ashby Atwater Babcock Baldwin Barlow Beckett Bellamy "
    "Benson Bishop Blackwell Bradshaw Brennan Brooks Buchanan Burgess Caldwell Callahan Carver Castillo "
    "Chandler Chen Clayton Coleman Conway Crandall Crawford Dalton Delgado Dempsey Donovan Draper "
    "Dunbar Easton Ellison Emerson Espinoza Fairbanks Farrell Fenwick Fletcher Forsythe Garrison "
    "Gentry Gilmore Goodwin Granger Greer Hadley Halvorsen Hammond Harlow Hartley Hawthorne Hendricks "
    "Holloway Huang Ingram Jansen Jennings Kang Keller Kendrick Kimball Kowalski Lancaster Landry "
    "Langford Larkin Lindqvist Lockhart Lowell Maddox Marsh Mathis McAllister Mendoza Mercer Merritt "
    "Montoya Morrow Nakamura Navarro Nolan Norris Oakley Okafor Olsen Ortega Osborne Pacheco Palmer "
    "Patel Pemberton Pierce Prescott Quinlan Ramsey Redmond Reyes Ridley Rowland Sandoval Sawyer "
    "Schaefer Sheffield Shelton Singh Sinclair Stafford Stanton Sterling Stratton Sullivan Talbot "
    "Thornton Tobin Trujillo Underwood Vance Vasquez Wagner Walsh Webber Whitaker Whitfield Wilder "
    "Winslow Wolcott Yamamoto Yates Zimmerman"
).split()
ONEOFF_SURNAMES = (
    "Adair Bowen Cardenas Dorsey Eckert Fuentes Garza Hobbs Irwin Jarvis Kirby Lyons Mayer Nash "
    "Orr Pruitt Quintero Rios Salazar Tate Upton Villa Ward Xiong Yoder Zamora Acosta Bauer Cline "
    "Duffy Estes Finch Gallagher Haines Iverson Joyce Knox Lutz Mccoy Nguyen Ochoa Pope Rasmussen "
    "Shah Tran Valdez Weiss Young Alston Bryant Cortez Dunn Flynn Gill Hurst Ibarra Jimenez"
).split()
FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard "
    "Susan Joseph Jessica Thomas Sarah Carlos Maria Wei Priya Ahmed Fatima Olga Kenji Aisha Luis "
    "Emily Daniel Grace Samuel Hannah Noah Sofia Ethan Chloe Omar Leila Diego Mei Andre Ingrid"
).split()

# Special-character names (exercise encodings): shown in UTF-8 and cp1252 files.
ACCENTED = (
    "Peña",
    "Nuñez",
    "Muñoz",
    "Café Olé",
    "Château",
    "Benoît",
    "Zoë",
    "Renée",
    "José",
    "Ibáñez",
)

#: Words that name a trade, by NAICS prefix (longest prefix wins).
TRADE_WORDS: dict[str, tuple[str, ...]] = {
    "236": ("Construction", "Builders", "General Contractors", "Construction Co"),
    "2371": ("Utility Contractors", "Underground", "Pipeline Constructors"),
    "2373": ("Paving", "Asphalt Paving", "Road Builders", "Excavating & Paving"),
    "2379": ("Civil Constructors", "Site Works", "Earthworks"),
    "2381": ("Roofing", "Concrete", "Masonry"),
    "23821": ("Electric", "Electrical Contractors", "Electric Co"),
    "23822": ("Mechanical", "Plumbing & Heating", "HVAC Services", "Heating & Air"),
    "23829": ("Elevator Co", "Building Systems"),
    "2383": ("Painting", "Drywall", "Interiors"),
    "2389": ("Fence Co", "Site Services", "Concrete Cutting", "Striping"),
    "1114": ("Nursery", "Tree Farm", "Greenhouses"),
    "115": ("Tree Service", "Forestry", "Vegetation Management"),
    "2123": ("Sand & Gravel", "Aggregates", "Rock Products", "Salt Supply"),
    "221": ("Water Authority", "Regional Water", "Utility District"),
    "311": ("Foods", "Food Distributors", "Provisions", "Meats"),
    "315": ("Uniforms", "Apparel", "Uniform Co"),
    "3221": ("Paper Co", "Paper Supply"),
    "3222": ("Paper Products", "Stationers"),
    "3231": ("Printing", "Press", "Printing & Graphics"),
    "3241": ("Asphalt", "Paving Materials", "Hot Mix"),
    "325": ("Chemical", "Chemical Supply", "Chemicals"),
    "3253": ("Turf Supply", "Agronomics", "Lawn Products"),
    "3256": ("Janitorial Supply", "Sanitary Supply", "Cleaning Products"),
    "326": ("Rubber & Plastics", "Industrial Products", "Tire Co"),
    "3262": ("Tire Co", "Tire & Service", "Tire Center"),
    "327": ("Ready Mix", "Concrete Products", "Materials"),
    "332": ("Tool Supply", "Industrial Supply", "Fasteners"),
    "3329": ("Tactical Supply", "Law Enforcement Supply", "Arms"),
    "333": ("Equipment", "Machinery", "Pump & Equipment", "Power Equipment"),
    "3341": ("Computer Systems", "Technology", "Computers"),
    "3342": ("Communications", "Radio", "Wireless Systems"),
    "3343": ("Audio Visual", "AV Systems", "Sound & Video"),
    "3345": ("Instruments", "Controls", "Meter Co"),
    "335": ("Electric Supply", "Lighting", "Electrical Supply"),
    "336": ("Truck & Equipment", "Auto Parts", "Fleet Supply", "Motors"),
    "3361": ("Ford", "Chevrolet", "Motors", "Auto Group"),
    "3362": ("Truck Center", "Fire Apparatus", "Truck Sales"),
    "337": ("Furniture", "Office Interiors", "Furnishings"),
    "339": ("Safety Supply", "Medical Supply", "Safety Products", "Recreation Products"),
    "3399": ("Playgrounds", "Recreation Products", "Sports Supply"),
    "481": ("Travel",),
    "485": ("Transit", "Transportation", "Coach Lines"),
    "491": ("Mail Services",),
    "493": ("Records Storage", "Storage", "Warehousing"),
    "511": ("Software", "Software Systems", "Data Systems"),
    "5151": ("Broadcasting", "Media", "Radio"),
    "517": ("Telecom", "Communications", "Networks", "Fiber"),
    "518": ("Cloud Services", "Data Services", "Hosting"),
    "519": ("Information Services", "Research Services"),
    "522": ("Payment Services", "Payment Systems", "Bank"),
    "523": ("Capital Management", "Investment Advisors", "Asset Management"),
    "524": ("Insurance Services", "Risk Pool", "Insurance Agency"),
    "531": ("Properties", "Realty", "Holdings LLC", "Property Management"),
    "532": ("Rentals", "Equipment Rental", "Leasing"),
    "5411": ("Law Group", "& Associates LLP", "Law Offices", "PLLC"),
    "5412": ("& Company CPAs", "CPA Group", "Accounting"),
    "5413": ("Engineering", "Engineers", "Consulting Engineers", "Engineering Group"),
    "54131": ("Architects", "Architecture", "Design Studio"),
    "54137": ("Surveying", "Land Surveyors", "Geomatics"),
    "54138": ("Testing Laboratories", "Labs", "Analytical"),
    "5414": ("Design", "Creative", "Design Group"),
    "5415": ("Technologies", "IT Solutions", "Systems", "Consulting"),
    "5416": ("Consulting", "Advisors", "Partners", "Environmental"),
    "5418": ("Media", "Communications", "Marketing", "Advertising"),
    "5419": ("Services", "Professional Services"),
    "54194": ("Animal Hospital", "Veterinary Clinic"),
    "5613": ("Staffing", "Personnel", "Temps"),
    "5614": ("Business Services", "Reporting Services", "Collections"),
    "5616": ("Security", "Protective Services", "Alarm Co"),
    "56171": ("Pest Control",),
    "56172": ("Janitorial", "Building Services", "Cleaning Services"),
    "56173": ("Landscaping", "Lawn Care", "Tree Care", "Grounds Maintenance"),
    "5617": ("Building Maintenance", "Property Services"),
    "5619": ("Support Services", "Document Services", "Events"),
    "562": ("Disposal", "Waste Services", "Recycling", "Environmental Services"),
    "611": ("Training Institute", "Academy", "Learning"),
    "624": ("Community Services", "Child Care"),
    "711": ("Productions", "Entertainment"),
    "713": ("Fitness", "Recreation"),
    "721": ("Hotel", "Inn & Suites"),
    "722": ("Catering", "Cafe", "Deli", "Food Service"),
    "8111": ("Auto Repair", "Collision", "Fleet Services", "Truck Repair"),
    "811": ("Repair Services", "Service Co", "Maintenance"),
    "812": ("Services", "Personal Services"),
    "81291": ("Kennels", "Pet Resort"),
    "81293": ("Parking", "Parking Services"),
    "81232": ("Cleaners", "Dry Cleaning"),
    "81233": ("Linen Service", "Uniform Service"),
}
_GENERIC_TRADE = ("Supply", "Services", "Industries", "Products", "Enterprises")
_SUFFIXES = ("Inc", "Inc.", "LLC", "Co", "Corp", "Company", "", "", "", "")
_LOCAL_WORDS = (
    "Valley",
    "Northwest",
    "Summit",
    "Pioneer",
    "Frontier",
    "Heritage",
    "Tri-County",
    "Metro",
    "Lakeside",
    "Riverside",
    "Mountain",
    "Prairie",
    "Coastal",
    "Central",
    "Allied",
    "Premier",
    "Precision",
    "United",
    "Superior",
    "Cornerstone",
)

#: National suppliers (real companies, fictional transactions).
#: canonical, basket {naics6: weight}, presence probability, weight, variants, P-card MCC
NATIONAL: list[tuple[str, dict[str, float], float, float, tuple[str, ...], str]] = [
    (
        "W.W. Grainger, Inc.",
        {"332216": 0.6, "335121": 0.15, "325612": 0.1, "333415": 0.08, "339113": 0.07},
        0.95,
        4.0,
        ("GRAINGER", "W W GRAINGER INC", "Grainger, W W", "WW GRAINGER", "GRAINGER INC"),
        "5085",
    ),
    (
        "Fastenal Company",
        {"332510": 0.55, "332216": 0.35, "339113": 0.1},
        0.7,
        2.5,
        ("FASTENAL CO", "FASTENAL", "Fastenal Co."),
        "5085",
    ),
    (
        "The Home Depot",
        {"332510": 0.45, "332216": 0.25, "325510": 0.15, "335121": 0.15},
        0.9,
        3.0,
        ("HOME DEPOT", "HOME DEPOT CREDIT SERVICES", "THE HOME DEPOT PRO", "Home Depot Inc"),
        "5200",
    ),
    (
        "Lowe's Home Centers",
        {"332510": 0.5, "332216": 0.3, "325510": 0.2},
        0.6,
        2.0,
        ("LOWES", "LOWE'S", "LOWES HOME CENTERS LLC"),
        "5200",
    ),
    (
        "ODP Business Solutions",
        {"322230": 0.65, "322121": 0.25, "339940": 0.1},
        0.6,
        5.0,
        ("OFFICE DEPOT", "ODP BUSINESS SOLUTIONS LLC", "Office Depot Inc", "OFFICE DEPOT BSD"),
        "5111",
    ),
    (
        "Staples Business Advantage",
        {"322230": 0.65, "322121": 0.25, "339940": 0.1},
        0.5,
        5.0,
        ("STAPLES", "STAPLES CONTRACT & COMMERCIAL", "Staples Inc", "STAPLES ADVANTAGE"),
        "5111",
    ),
    (
        "Verizon Wireless",
        {"517312": 1.0},
        0.85,
        6.0,
        (
            "VERIZON WIRELESS",
            "VERIZON",
            "Cellco Partnership dba Verizon Wireless",
            "VERIZON WIRELESS SERVICES",
        ),
        "4814",
    ),
    (
        "AT&T Mobility",
        {"517312": 1.0},
        0.5,
        4.0,
        ("AT&T MOBILITY", "AT & T MOBILITY", "ATT MOBILITY"),
        "4814",
    ),
    ("AT&T", {"517311": 1.0}, 0.7, 5.0, ("AT & T", "ATT", "AT&T CORP", "AT&T Inc."), "4814"),
    (
        "Comcast Business",
        {"517311": 1.0},
        0.6,
        3.0,
        ("COMCAST", "COMCAST BUSINESS COMMUNICATIONS", "Comcast Cable"),
        "4899",
    ),
    (
        "Lumen Technologies",
        {"517311": 1.0},
        0.4,
        3.0,
        ("CENTURYLINK", "LUMEN", "CenturyLink Communications LLC"),
        "4814",
    ),
    (
        "CDW Government LLC",
        {"334111": 0.45, "334118": 0.25, "511210": 0.3},
        0.9,
        5.0,
        ("CDW GOVERNMENT", "CDW-G", "CDW GOVERNMENT INC", "CDW G"),
        "5045",
    ),
    (
        "Dell Marketing L.P.",
        {"334111": 0.8, "334118": 0.2},
        0.6,
        4.0,
        ("DELL MARKETING LP", "DELL", "Dell Marketing, L.P."),
        "5045",
    ),
    (
        "SHI International Corp",
        {"511210": 1.0},
        0.5,
        5.0,
        ("SHI INTERNATIONAL", "SHI INTL CORP", "S H I INTERNATIONAL CORP"),
        "",
    ),
    (
        "Carahsoft Technology Corp",
        {"511210": 1.0},
        0.4,
        4.0,
        ("CARAHSOFT", "CARAHSOFT TECHNOLOGY", "Carahsoft Tech Corp"),
        "",
    ),
    (
        "Tyler Technologies, Inc.",
        {"511210": 0.88, "518210": 0.12},
        0.6,
        8.0,
        ("TYLER TECHNOLOGIES", "TYLER TECH INC", "Tyler Technologies Inc"),
        "",
    ),
    (
        "Environmental Systems Research Institute",
        {"511210": 1.0},
        0.7,
        3.0,
        ("ESRI", "ESRI INC", "Environmental Systems Research Inst"),
        "5734",
    ),
    ("Granicus LLC", {"518210": 1.0}, 0.5, 2.0, ("GRANICUS", "GRANICUS INC"), ""),
    (
        "Motorola Solutions, Inc.",
        {"334220": 0.85, "811213": 0.15},
        0.85,
        6.0,
        ("MOTOROLA SOLUTIONS", "MOTOROLA SOLUTIONS INC", "Motorola Solutions Inc."),
        "",
    ),
    (
        "Waste Management",
        {"562111": 0.85, "562212": 0.15},
        0.5,
        8.0,
        ("WASTE MANAGEMENT INC", "WM CORPORATE SERVICES", "WASTE MANAGEMENT OF", "WM"),
        "",
    ),
    (
        "Republic Services",
        {"562111": 0.85, "562212": 0.15},
        0.45,
        8.0,
        ("REPUBLIC SERVICES INC", "REPUBLIC SERVICES #", "Republic Services, Inc."),
        "",
    ),
    (
        "Cintas Corporation",
        {"812332": 1.0},
        0.8,
        4.0,
        ("CINTAS", "CINTAS CORP", "CINTAS CORPORATION NO 2", "Cintas Corp #"),
        "",
    ),
    ("UniFirst Corporation", {"812332": 1.0}, 0.4, 3.0, ("UNIFIRST", "UNIFIRST CORP"), ""),
    (
        "Sysco Corporation",
        {"311612": 0.45, "311421": 0.2, "311511": 0.2, "311812": 0.15},
        0.5,
        5.0,
        ("SYSCO", "SYSCO FOOD SERVICES", "Sysco Corp"),
        "",
    ),
    (
        "Aramark Correctional Services",
        {"722310": 1.0},
        0.3,
        6.0,
        ("ARAMARK", "ARAMARK CORRECTIONAL SVCS"),
        "",
    ),
    (
        "United States Postal Service",
        {"491110": 1.0},
        0.9,
        4.0,
        ("USPS", "US POSTAL SERVICE", "POSTMASTER", "U.S. POSTAL SERVICE"),
        "9402",
    ),
    (
        "Pitney Bowes Inc",
        {"491110": 1.0},
        0.6,
        3.0,
        ("PITNEY BOWES", "PITNEY BOWES RESERVE ACCOUNT", "PITNEY BOWES INC."),
        "",
    ),
    ("FedEx", {"492110": 1.0}, 0.6, 1.0, ("FEDEX", "FEDERAL EXPRESS CORP", "FEDEX CORP"), "4215"),
    (
        "United Parcel Service",
        {"492110": 1.0},
        0.5,
        1.0,
        ("UPS", "UNITED PARCEL SERVICE INC"),
        "4215",
    ),
    (
        "Sherwin-Williams Co",
        {"325510": 1.0},
        0.7,
        3.0,
        ("SHERWIN WILLIAMS", "SHERWIN-WILLIAMS", "THE SHERWIN WILLIAMS CO"),
        "5198",
    ),
    ("Hach Company", {"334516": 0.8, "325998": 0.2}, 0.5, 2.0, ("HACH", "HACH CO"), ""),
    (
        "Vulcan Materials Company",
        {"212321": 1.0},
        0.4,
        4.0,
        ("VULCAN MATERIALS", "VULCAN MATERIALS CO"),
        "",
    ),
    (
        "Martin Marietta Materials",
        {"212321": 1.0},
        0.4,
        4.0,
        ("MARTIN MARIETTA", "MARTIN MARIETTA MATERIALS INC"),
        "",
    ),
    (
        "Compass Minerals America",
        {"212393": 1.0},
        0.5,
        5.0,
        ("COMPASS MINERALS", "COMPASS MINERALS AMERICA INC"),
        "",
    ),
    ("Morton Salt, Inc.", {"212393": 1.0}, 0.4, 4.0, ("MORTON SALT", "MORTON SALT INC"), ""),
    (
        "Securitas Security Services USA",
        {"561612": 1.0},
        0.4,
        4.0,
        ("SECURITAS", "SECURITAS SECURITY SERVICES", "SECURITAS SECURITY SVCS USA INC"),
        "",
    ),
    (
        "Allied Universal Security Services",
        {"561612": 1.0},
        0.4,
        4.0,
        ("ALLIED UNIVERSAL", "ALLIED UNIVERSAL SECURITY"),
        "",
    ),
    (
        "ABM Industries",
        {"561720": 1.0},
        0.35,
        4.0,
        ("ABM", "ABM JANITORIAL SERVICES", "ABM Industries Inc"),
        "",
    ),
    (
        "BrightView Landscapes",
        {"561730": 1.0},
        0.35,
        4.0,
        ("BRIGHTVIEW LANDSCAPES LLC", "BRIGHTVIEW", "Brightview Landscape Services"),
        "",
    ),
    (
        "The Davey Tree Expert Company",
        {"561730": 1.0},
        0.4,
        3.0,
        ("DAVEY TREE EXPERT CO", "DAVEY TREE", "Davey Tree Expert Co."),
        "",
    ),
    ("Orkin LLC", {"561710": 1.0}, 0.5, 2.0, ("ORKIN", "ORKIN PEST CONTROL", "ORKIN LLC #"), ""),
    ("Otis Elevator Company", {"238290": 1.0}, 0.6, 3.0, ("OTIS ELEVATOR", "OTIS ELEVATOR CO"), ""),
    (
        "Johnson Controls, Inc.",
        {"238220": 0.85, "561621": 0.15},
        0.5,
        3.0,
        ("JOHNSON CONTROLS", "JOHNSON CONTROLS INC", "JOHNSON CONTROLS FIRE PROTECTION"),
        "",
    ),
    (
        "Trane U.S. Inc.",
        {"238220": 0.85, "333415": 0.15},
        0.45,
        3.0,
        ("TRANE", "TRANE US INC", "TRANE U S INC"),
        "",
    ),
    (
        "Iron Mountain",
        {"493110": 1.0},
        0.6,
        2.0,
        ("IRON MOUNTAIN", "IRON MOUNTAIN INC", "IRON MTN"),
        "",
    ),
    ("Shred-it USA", {"561990": 1.0}, 0.5, 1.5, ("SHRED IT", "SHRED-IT", "SHRED IT USA LLC"), ""),
    (
        "Xerox Corporation",
        {"532420": 0.85, "811212": 0.15},
        0.4,
        2.0,
        ("XEROX", "XEROX CORP", "XEROX FINANCIAL SERVICES"),
        "",
    ),
    (
        "Konica Minolta Business Solutions",
        {"532420": 0.85, "811212": 0.15},
        0.4,
        2.0,
        ("KONICA MINOLTA", "KONICA MINOLTA BUSINESS SOLUTIONS USA"),
        "",
    ),
    (
        "Amazon Capital Services",
        {
            "322230": 0.35,
            "332216": 0.15,
            "334118": 0.15,
            "339940": 0.1,
            "325612": 0.1,
            "339113": 0.15,
        },
        0.75,
        4.0,
        ("AMAZON", "AMAZON.COM", "AMAZON CAPITAL SERVICES INC", "AMZN MKTP US"),
        "5942",
    ),
    (
        "Bank of America Merchant Services",
        {"522320": 1.0},
        0.4,
        4.0,
        ("BANK OF AMERICA MERCHANT SVCS", "BANC OF AMERICA MERCHANT SERVICES", "BAMS"),
        "",
    ),
    ("Paymentus Corporation", {"522320": 1.0}, 0.4, 4.0, ("PAYMENTUS", "PAYMENTUS CORP"), ""),
    (
        "NAPA Auto Parts",
        {"336390": 0.6, "336340": 0.2, "336320": 0.2},
        0.7,
        3.0,
        ("NAPA", "NAPA AUTO PARTS", "GENUINE PARTS CO", "NAPA AUTO PARTS #"),
        "5533",
    ),
    (
        "O'Reilly Auto Parts",
        {"336390": 0.6, "336340": 0.2, "336320": 0.2},
        0.5,
        2.0,
        ("OREILLY AUTO PARTS", "O REILLY AUTOMOTIVE", "O'REILLY AUTOMOTIVE INC"),
        "5533",
    ),
    (
        "Goodyear Tire & Rubber Co",
        {"326211": 1.0},
        0.5,
        3.0,
        ("GOODYEAR", "GOODYEAR COMMERCIAL TIRE", "GOODYEAR TIRE"),
        "5532",
    ),
    (
        "Galls, LLC",
        {"315280": 0.8, "315990": 0.2},
        0.6,
        3.0,
        ("GALLS", "GALLS LLC", "GALLS INC"),
        "5699",
    ),
    (
        "Bound Tree Medical",
        {"339113": 1.0},
        0.5,
        3.0,
        ("BOUND TREE MEDICAL LLC", "BOUNDTREE MEDICAL"),
        "5047",
    ),
    (
        "Thomson Reuters West",
        {"519190": 1.0},
        0.6,
        2.0,
        ("THOMSON REUTERS", "WEST PAYMENT CENTER", "THOMSON REUTERS - WEST"),
        "",
    ),
    ("Gannett", {"541810": 1.0}, 0.4, 1.5, ("GANNETT", "GANNETT CO"), ""),
]

_ABBR = [
    (r"\bEngineering\b", "ENGRG"),
    (r"\bEngineers\b", "ENGRS"),
    (r"\bServices\b", "SVCS"),
    (r"\bCompany\b", "CO"),
    (r"\bAssociates\b", "ASSOC"),
    (r"\bConstruction\b", "CONST"),
    (r"\bManagement\b", "MGMT"),
    (r"\bInternational\b", "INTL"),
    (r"\bCorporation\b", "CORP"),
    (r"\bTechnologies\b", "TECH"),
    (r"\bEquipment\b", "EQUIP"),
    (r"\bSupply\b", "SUP"),
    (r"\bContractors\b", "CONTR"),
    (r"\bLaboratories\b", "LABS"),
    (r"\bEnvironmental\b", "ENVIRO"),
    (r"\bMechanical\b", "MECH"),
    (r"\bElectrical\b", "ELEC"),
    (r"\bIncorporated\b", "INC"),
]
_SUFFIX_SWAP = [
    (r"\bInc\.?$", ["INCORPORATED", "INC.", ""]),
    (r"\bLLC$", ["L.L.C.", "L L C", ""]),
    (r"\bCo\.?$", ["COMPANY", ""]),
    (r"\bCorp\.?$", ["CORPORATION", ""]),
    (r"\bCompany$", ["CO", "CO."]),
]


_CORE_SUFFIX = re.compile(
    r"\b(INC|INCORPORATED|LLC|L L C|CO|CORP|CORPORATION|COMPANY|THE|LP|L P|LLP|PLLC|NA|N A|AS|A S)\b"
)


def core_name(name: str) -> str:
    """A vendor name without case, punctuation and legal-form words (for uniqueness)."""
    s = name.upper().replace("&", " AND ").replace("/", " ").replace("-", " ")
    s = re.sub(r"[.,'’]", "", s)
    s = _CORE_SUFFIX.sub(" ", s)
    return re.sub(r"\s+", " ", s).strip()


def _typo(name: str, rng: np.random.Generator) -> str:
    words = name.split()
    idx = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not idx:
        return name.upper()
    i = idx[int(rng.integers(len(idx)))]
    w = words[i]
    j = int(rng.integers(1, len(w) - 2))
    if rng.random() < 0.5:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    else:
        w = w[:j] + w[j + 1 :]
    words[i] = w
    return " ".join(words).upper()


def make_variants(name: str, rng: np.random.Generator, k: int) -> list[str]:
    """Up to ``k`` spellings of ``name`` as an AP clerk would type them."""
    cands = []
    up = name.upper()
    nopunct = re.sub(r"[.,']", "", up)
    nopunct = re.sub(r"\s+", " ", nopunct).strip()
    cands.append(nopunct)
    ab = name
    for pat, rep in _ABBR:
        ab = re.sub(pat, rep, ab, flags=re.IGNORECASE)
    if ab != name:
        cands.append(ab.upper())
    for pat, reps in _SUFFIX_SWAP:
        if re.search(pat, name, flags=re.IGNORECASE):
            rep = reps[int(rng.integers(len(reps)))]
            cands.append(re.sub(pat, rep, name, flags=re.IGNORECASE).strip().rstrip(",").upper())
            break
    cands.append(_typo(name, rng))
    if len(up) > 22:
        cands.append(up[:22].strip())
    if "&" in name:
        cands.append(up.replace("&", "AND"))
    if name.lower().startswith("the "):
        cands.append(up[4:])
    out = []
    for c in cands:
        c = re.sub(r"\s+", " ", c).strip()
        if c and c != name and c not in out:
            out.append(c)
    order = rng.permutation(len(out))
    return [out[i] for i in order[:k]]


def trade_word(naics: str, rng: np.random.Generator) -> str:
    for n in range(6, 2, -1):
        words = TRADE_WORDS.get(naics[:n])
        if words:
            return words[int(rng.integers(len(words)))]
    return _GENERIC_TRADE[int(rng.integers(len(_GENERIC_TRADE)))]


def local_name(naics: str, rng: np.random.Generator, place: str, accented: bool = False) -> str:
    """A made-up local firm selling ``naics``."""
    trade = trade_word(naics, rng)
    r = rng.random()
    if accented and r < 0.06:
        first = ACCENTED[int(rng.integers(len(ACCENTED)))]
    elif r < 0.22:
        first = place
    elif r < 0.36:
        first = _LOCAL_WORDS[int(rng.integers(len(_LOCAL_WORDS)))]
    elif r < 0.46:
        a, b = rng.choice(len(SURNAMES), 2, replace=False)
        first = f"{SURNAMES[a]} & {SURNAMES[b]}"
    else:
        first = SURNAMES[int(rng.integers(len(SURNAMES)))]
    if trade.startswith("&") or trade in ("PLLC",):
        return f"{first} {trade}"
    suffix = _SUFFIXES[int(rng.integers(len(_SUFFIXES)))]
    if trade.endswith(("LLC", "LLP", "Co", "CPAs")):
        suffix = ""
    return f"{first} {trade}{(' ' + suffix) if suffix else ''}".replace(" ,", ",")


def oneoff_names(naics: str, n: int, rng: np.random.Generator) -> list[str]:
    """Payees seen once or twice: small firms and sole proprietors."""
    out = []
    for _ in range(n):
        r = rng.random()
        s = ONEOFF_SURNAMES[int(rng.integers(len(ONEOFF_SURNAMES)))]
        if r < 0.35:
            f = FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]
            out.append(f"{f} {s} {trade_word(naics, rng)}")
        elif r < 0.6:
            out.append(f"{s} {trade_word(naics, rng)} {int(rng.integers(2, 99))}")
        else:
            out.append(f"{s} {trade_word(naics, rng)} {_SUFFIXES[int(rng.integers(5))]}".strip())
    return out


def person_names(n: int, rng: np.random.Generator, style: str = "last_first") -> np.ndarray:
    """Resident names for refunds (``SMITH, JOHN`` or ``John Smith``)."""
    last = np.array(SURNAMES + ONEOFF_SURNAMES)[
        rng.integers(0, len(SURNAMES) + len(ONEOFF_SURNAMES), n)
    ]
    first = np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), n)]
    if style == "last_first":
        return np.char.upper(
            np.char.add(np.char.add(last.astype(str), ", "), first.astype(str))
        ).astype(object)
    return np.char.add(np.char.add(first.astype(str), " "), last.astype(str)).astype(object)
