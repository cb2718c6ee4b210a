"""Classification reference data in ``datasets/classify/`` (docs/CONTRACTS.md).

Written the way a practitioner would: a crosswalk of each chart of accounts,
a list of known vendors (canonical spelling only), generic keyword rules in
English and Norwegian, and the meaning of merchant category codes.
"""

from __future__ import annotations

import pandas as pd

from . import _accounts as acc
from . import _norway as nor
from . import _us as us
from . import _vendors as ven
from ._spec import NO_MEMBERS, US_MEMBERS, Member
from ._util import rng_for

# pattern, naics6, exclude_reason, capital, language, priority, confidence
KEYWORDS: list[tuple[str, str, str, str, str, int, float]] = [
    # exclusions (English)
    (r"\bnet pay\b|\bpay period\b|\bppe \d", "", "payroll_benefits", "", "en", 90, 0.9),
    (r"\bfed wh\b|\bwithholding\b|\bfica\b", "", "payroll_benefits", "", "en", 90, 0.9),
    (
        r"retirement contributions?|deferred comp|\b457\b|\bhsa contributions?\b|union dues|child support|garnishment|credit union deductions",
        "",
        "payroll_benefits",
        "",
        "en",
        90,
        0.9,
    ),
    (
        r"(medical|dental|vision|life/ltd|aflac) premiums?|workers comp premium",
        "",
        "payroll_benefits",
        "",
        "en",
        90,
        0.85,
    ),
    (r"\bprincipal\b|\bbonds?\b.*\binterest\b|paying agent", "", "debt_service", "", "en", 85, 0.9),
    (r"transfer to .*fund|interfund", "", "transfer", "", "en", 85, 0.9),
    (
        r"\bgrant\b|subaward|subrecipient|pass-through|operating subsidy|housing assistance",
        "",
        "grant_passthrough",
        "",
        "en",
        80,
        0.8,
    ),
    (r"\brefund\b|deposit refund|overpayment", "", "refund", "", "en", 80, 0.85),
    (
        r"permit fee|use tax|recording fees|title & registration|property tax|state assessment|inmate housing fees",
        "",
        "tax_fee_government",
        "",
        "en",
        80,
        0.8,
    ),
    (r"land acquisition|row acquisition|easement", "", "land", "1", "en", 85, 0.85),
    (
        r"elec(tric)? svc|^electric - |electricity|streetlights (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b|\bkwh\b",
        "",
        "scope12_electricity",
        "",
        "en",
        85,
        0.85,
    ),
    (r"natural gas|gas service|\btherms?\b", "", "scope12_natural_gas", "", "en", 85, 0.85),
    (r"\bfuel\b|\bdiesel\b|unleaded|gasoline|biodiesel", "", "scope12_fuel", "", "en", 84, 0.8),
    (r"district heat", "", "scope12_district_heat", "", "en", 85, 0.85),
    # purchases (English)
    (r"payroll processing", "541214", "", "", "en", 95, 0.8),
    (r"asphalt|hot mix|\bhma\b|cold patch", "324121", "", "", "en", 50, 0.8),
    (r"gravel|crushed rock|base rock|aggregate|\bsand\b", "212321", "", "", "en", 50, 0.75),
    (r"road salt|rock salt|deicing salt", "212393", "", "", "en", 55, 0.8),
    (r"ready mix", "327320", "", "", "en", 55, 0.8),
    (r"\bconcrete\b", "327320", "", "", "en", 20, 0.5),
    (
        r"concrete testing|materials testing|soil testing|lab analysis|lab testing",
        "541380",
        "",
        "",
        "en",
        60,
        0.75,
    ),
    (
        r"engineering|design services|construction admin|bridge inspection|master plan",
        "541330",
        "",
        "",
        "en",
        40,
        0.7,
    ),
    (r"architect|space planning", "541310", "", "", "en", 45, 0.75),
    (r"surveying|row survey|topographic|gis mapping", "541370", "", "", "en", 45, 0.7),
    (r"building inspection|plan review", "541350", "", "", "en", 45, 0.7),
    (r"legal|attorney|counsel", "541110", "", "", "en", 40, 0.75),
    (r"\baudit\b|accounting services", "541211", "", "", "en", 40, 0.75),
    (r"janitorial|custodial|cleaning services", "561720", "", "", "en", 40, 0.75),
    (
        r"landscap|mowing|grounds maintenance|tree trimming|tree removal",
        "561730",
        "",
        "",
        "en",
        40,
        0.75,
    ),
    (r"pest control|exterminat", "561710", "", "", "en", 45, 0.8),
    (r"snow removal|pressure washing|window cleaning|graffiti", "561790", "", "", "en", 45, 0.7),
    (r"security guard|security services|security patrol", "561612", "", "", "en", 45, 0.8),
    (r"alarm monitoring|security system|access control", "561621", "", "", "en", 50, 0.8),
    (r"refuse|garbage|solid waste|dumpster|roll-off", "562111", "", "", "en", 40, 0.75),
    (r"landfill|tipping fees|disposal fees", "562212", "", "", "en", 45, 0.75),
    (r"recycling", "562920", "", "", "en", 40, 0.7),
    (r"hazardous waste|\bhhw\b", "562211", "", "", "en", 50, 0.8),
    (r"remediation|abatement", "562910", "", "", "en", 45, 0.7),
    (r"portable toilet|septic", "562991", "", "", "en", 50, 0.8),
    (r"hvac|plumbing|boiler|chiller", "238220", "", "", "en", 35, 0.65),
    (r"hvac (equipment|parts)|\bac unit\b", "333415", "", "", "en", 45, 0.7),
    (
        r"electrical (repairs|work)|lighting retrofit|signal electrical",
        "238210",
        "",
        "",
        "en",
        40,
        0.7,
    ),
    (r"\broof", "238160", "", "", "en", 40, 0.75),
    (r"painting services|interior painting", "238320", "", "", "en", 45, 0.75),
    (r"elevator", "238290", "", "", "en", 45, 0.8),
    (
        r"fence repair|striping|flatwork|sidewalk repair|pavement marking",
        "238990",
        "",
        "",
        "en",
        45,
        0.65,
    ),
    (r"cell(ular)?( phone)?|wireless|mobile data", "517312", "", "", "en", 40, 0.8),
    (
        r"telephone|phone lines|internet service|fiber circuits|long distance|911 trunk",
        "517311",
        "",
        "",
        "en",
        40,
        0.75,
    ),
    (r"cloud|saas|hosting|backup services|subscription", "518210", "", "", "en", 35, 0.65),
    (r"software|licen[cs]e", "511210", "", "", "en", 35, 0.7),
    (
        r"it consulting|system implementation|network support|programming services|erp implementation|cybersecurity",
        "541512",
        "",
        "",
        "en",
        45,
        0.7,
    ),
    (r"managed it", "541513", "", "", "en", 50, 0.7),
    (
        r"temporary staffing|temp services|contract labor|temporary help",
        "561320",
        "",
        "",
        "en",
        45,
        0.8,
    ),
    (r"executive search|recruitment services|placement fee", "561311", "", "", "en", 45, 0.65),
    (
        r"investment management|portfolio mgmt|advisory fees|investment advis",
        "523920",
        "",
        "",
        "en",
        50,
        0.75,
    ),
    (r"custodial bank|safekeeping", "523991", "", "", "en", 60, 0.75),
    (r"merchant card|credit card processing|payment processing", "522320", "", "", "en", 50, 0.8),
    (r"bank service|analysis fees|banking fees", "522110", "", "", "en", 50, 0.8),
    (
        r"insurance premium|property insurance|liability insurance|risk pool",
        "524126",
        "",
        "",
        "en",
        50,
        0.8,
    ),
    (r"\blease\b|\brent\b", "531120", "", "", "en", 25, 0.6),
    (r"land lease|parking lot lease", "531190", "", "", "en", 40, 0.6),
    (r"copier (lease|rental)", "532420", "", "", "en", 50, 0.8),
    (r"equipment rental|excavator rental|lift rental", "532412", "", "", "en", 50, 0.75),
    (r"postage|bulk mail", "491110", "", "", "en", 45, 0.85),
    (r"overnight shipping|courier", "492110", "", "", "en", 45, 0.8),
    (r"printing|business cards|printed", "323111", "", "", "en", 40, 0.75),
    (r"advertising|legal notices|marketing|outreach campaign", "541810", "", "", "en", 35, 0.65),
    (r"public relations", "541820", "", "", "en", 45, 0.7),
    (r"airfare|airline", "481111", "", "", "en", 50, 0.85),
    (r"lodging|hotel", "721110", "", "", "en", 50, 0.85),
    (r"training|certification course|course fees|tuition", "611430", "", "", "en", 30, 0.65),
    (r"conference registration|registration - annual conference", "561920", "", "", "en", 45, 0.7),
    (r"office supplies|stationery|file folders|envelopes", "322230", "", "", "en", 40, 0.75),
    (r"copy paper|paper cases|paper - copier", "322121", "", "", "en", 45, 0.8),
    (
        r"janitorial supplies|cleaning supplies|custodial supplies|disinfectant",
        "325612",
        "",
        "",
        "en",
        50,
        0.75,
    ),
    (r"hand soap|detergent", "325611", "", "", "en", 50, 0.7),
    (
        r"chlorine|hypochlorite|\balum\b|ferric|caustic|water treatment chemicals",
        "325180",
        "",
        "",
        "en",
        50,
        0.8,
    ),
    (r"methanol|polymer|chemicals - wwtp", "325199", "", "", "en", 50, 0.7),
    (r"ice melt|absorbent|def fluid", "325998", "", "", "en", 50, 0.7),
    (r"fertilizer", "325314", "", "", "en", 50, 0.7),
    (r"pesticide|herbicide|weed control|mosquito control", "325320", "", "", "en", 50, 0.8),
    (r"\bpaint\b", "325510", "", "", "en", 40, 0.7),
    (r"uniforms?|work clothing|station wear|work pants", "315280", "", "", "en", 35, 0.65),
    (r"uniform rental|mat & towel|shop towels|uniform cleaning", "812332", "", "", "en", 55, 0.8),
    (r"laundry|dry cleaning", "812320", "", "", "en", 45, 0.7),
    (r"ammunition|\bammo\b", "332992", "", "", "en", 55, 0.85),
    (r"firearms|rifles|duty weapons", "332994", "", "", "en", 55, 0.8),
    (r"medical supplies|ems supplies|first aid|safety supplies", "339113", "", "", "en", 45, 0.7),
    (r"\btires?\b", "326211", "", "", "en", 50, 0.8),
    (r"auto parts|truck parts|filters|fleet parts|parts - unit", "336390", "", "", "en", 40, 0.65),
    (r"\bbrake", "336340", "", "", "en", 45, 0.7),
    (r"transmission|drivetrain", "336350", "", "", "en", 45, 0.7),
    (r"alternator|starter|wiring harness", "336320", "", "", "en", 45, 0.7),
    (r"vehicle repair|auto repair|truck repair", "811111", "", "", "en", 45, 0.75),
    (r"body work|collision", "811121", "", "", "en", 50, 0.75),
    (
        r"radio repair|radio maintenance|communications equip repair",
        "811213",
        "",
        "",
        "en",
        55,
        0.75,
    ),
    (r"computer repair|printer maintenance|copier maintenance", "811212", "", "", "en", 50, 0.7),
    (
        r"equipment repair|pump repair|generator service|machinery maintenance",
        "811310",
        "",
        "",
        "en",
        45,
        0.7,
    ),
    (r"small engine repair|mower repair", "811411", "", "", "en", 55, 0.75),
    (r"hand tools|saw blades|small tools|\btools\b", "332216", "", "", "en", 35, 0.65),
    (r"hardware|fasteners", "332510", "", "", "en", 35, 0.6),
    (r"light fixtures|led fixtures|lighting supplies", "335121", "", "", "en", 50, 0.75),
    (r"street ?light fixtures|led streetlight", "335122", "", "", "en", 60, 0.75),
    (r"\bpumps?\b|submersible pump", "333914", "", "", "en", 40, 0.7),
    (r"\btrees\b|nursery stock", "111421", "", "", "en", 45, 0.75),
    (r"plants & flowers|annuals", "111422", "", "", "en", 45, 0.7),
    (r"forestry|hazard tree", "115310", "", "", "en", 50, 0.7),
    (r"weed abatement|soil preparation", "115112", "", "", "en", 50, 0.65),
    (r"\bmeals?\b|lunch|food for eoc", "722513", "", "", "en", 30, 0.6),
    (r"catering", "722320", "", "", "en", 40, 0.75),
    (r"food service contract|inmate meals|senior meals", "722310", "", "", "en", 55, 0.8),
    (r"meat|beef|pork", "311612", "", "", "en", 40, 0.7),
    (r"milk|dairy", "311511", "", "", "en", 40, 0.7),
    (r"bread|bakery", "311812", "", "", "en", 40, 0.7),
    (r"canned", "311421", "", "", "en", 40, 0.65),
    (r"coffee", "311920", "", "", "en", 40, 0.7),
    (r"veterinary|vet care", "541940", "", "", "en", 50, 0.85),
    (r"animal boarding|k9 boarding", "812910", "", "", "en", 50, 0.75),
    (r"interpreter|translation", "541930", "", "", "en", 50, 0.85),
    (r"shredding|document destruction", "561990", "", "", "en", 50, 0.8),
    (r"records storage|warehouse storage", "493110", "", "", "en", 50, 0.8),
    (r"collection agency", "561440", "", "", "en", 55, 0.8),
    (r"court reporting|transcripts", "561492", "", "", "en", 55, 0.8),
    (r"paratransit|dial-a-ride", "485991", "", "", "en", 55, 0.85),
    (r"transit service", "485113", "", "", "en", 50, 0.75),
    (r"child care|after school", "624410", "", "", "en", 50, 0.75),
    (r"wholesale water|purchased water", "221310", "", "", "en", 55, 0.85),
    (r"wastewater treatment charges|sewer treatment", "221320", "", "", "en", 55, 0.85),
    (r"parking", "812930", "", "", "en", 35, 0.65),
    (
        r"database subscription|online research|library databases|information services",
        "519190",
        "",
        "",
        "en",
        50,
        0.65,
    ),
    (
        r"management consulting|organizational study|strategic plan|operational review",
        "541611",
        "",
        "",
        "en",
        45,
        0.7,
    ),
    (r"hr consulting|classification & comp", "541612", "", "", "en", 50, 0.7),
    (
        r"environmental (consulting|compliance)|phase i esa|stormwater monitoring",
        "541620",
        "",
        "",
        "en",
        50,
        0.75,
    ),
    (r"rate study|energy audit|technical consulting", "541690", "", "", "en", 45, 0.7),
    (r"consult", "541618", "", "", "en", 10, 0.4),
    (r"facility management|facilities support", "561210", "", "", "en", 50, 0.75),
    (r"professional services|prof svcs|prof services", "541990", "", "", "en", 5, 0.3),
    # capital (English)
    (
        r"resurfacing|road reconstruction|overlay|bridge rehabilitation|intersection improvements|ada ramps",
        "237310",
        "",
        "1",
        "en",
        60,
        0.75,
    ),
    (r"water main|sewer line|lift station", "237110", "", "1", "en", 60, 0.75),
    (
        r"park improvements|trail construction|stormwater pond|boat ramp",
        "237990",
        "",
        "1",
        "en",
        60,
        0.7,
    ),
    (
        r"fire station construction|library renovation|community center construction|city hall remodel|progress payment",
        "236220",
        "",
        "1",
        "en",
        55,
        0.7,
    ),
    (
        r"fire engine|refuse truck|dump truck|ladder truck|sweeper truck",
        "336120",
        "",
        "1",
        "en",
        60,
        0.8,
    ),
    (
        r"backhoe|wheel loader|\bexcavator\b|motor grader|skid steer",
        "333120",
        "",
        "1",
        "en",
        55,
        0.8,
    ),
    (r"patrol vehicle|sedan", "336111", "", "1", "en", 55, 0.75),
    (r"pickup truck|police interceptor|utility truck", "336112", "", "1", "en", 55, 0.75),
    (r"computers|laptops|desktop|servers", "334111", "", "", "en", 45, 0.75),
    (r"printers|monitors|peripherals", "334118", "", "", "en", 45, 0.7),
    (r"\bradios\b|p25", "334220", "", "", "en", 50, 0.8),
    (r"furniture|workstations|chairs", "337214", "", "", "en", 40, 0.65),
    (r"playground|fitness equipment|sports equipment", "339920", "", "", "en", 50, 0.75),
    (r"\bgenerator\b", "333618", "", "", "en", 40, 0.65),
    (r"water meters|ami meters|meter replacement", "334514", "", "1", "en", 55, 0.8),
    (r"traffic signal equipment|warning sirens|signal cabinets", "334290", "", "1", "en", 55, 0.75),
    (r"copiers|multifunction printers", "333316", "", "", "en", 50, 0.75),
    # Norwegian
    (r"lønn|feriepenger|arbeidsgiveravgift|pensjon", "", "payroll_benefits", "", "no", 90, 0.9),
    (r"strøm|nettleie|elektrisitet", "", "scope12_electricity", "", "no", 85, 0.9),
    (r"fjernvarme", "", "scope12_district_heat", "", "no", 85, 0.9),
    (r"drivstoff|diesel|bensin|fyringsolje|parafin", "", "scope12_fuel", "", "no", 85, 0.9),
    (r"avdrag|renter", "", "debt_service", "", "no", 85, 0.85),
    (r"tilskudd|vertskommune", "", "grant_passthrough", "", "no", 80, 0.8),
    (r"tilbakebetaling|refusjon sfo", "", "refund", "", "no", 80, 0.8),
    (r"merverdiavgift|gebyr statens", "", "tax_fee_government", "", "no", 80, 0.75),
    (r"overføring til investering", "", "transfer", "", "no", 85, 0.9),
    (r"kjøp av tomt|grunnerverv", "", "land", "1", "no", 85, 0.85),
    (r"kontorrekvisita|kontormateriell|arkivbokser", "322230", "", "", "no", 45, 0.75),
    (r"kopipapir", "322121", "", "", "no", 50, 0.8),
    (r"lærebøker", "511130", "", "", "no", 50, 0.75),
    (r"medisinsk forbruksmateriell|inkontinens|hansker|bandasje", "339113", "", "", "no", 45, 0.75),
    (r"medikamenter|legemidler|apotek", "325412", "", "", "no", 50, 0.8),
    (r"kjøtt|pålegg", "311612", "", "", "no", 45, 0.7),
    (r"meieri", "311511", "", "", "no", 45, 0.7),
    (r"brød|bakervarer", "311812", "", "", "no", 45, 0.7),
    (r"frukt og grønt", "311421", "", "", "no", 45, 0.6),
    (r"matvarer", "311612", "", "", "no", 20, 0.4),
    (r"renholdsartikler|rengjøringsmidler|såpe", "325612", "", "", "no", 50, 0.75),
    (r"renhold", "561720", "", "", "no", 40, 0.75),
    (r"vask av arbeidstøy|matteservice", "812332", "", "", "no", 50, 0.75),
    (r"verktøy", "332216", "", "", "no", 45, 0.7),
    (r"klor|fellingskjemikalier|vannbehandling", "325180", "", "", "no", 50, 0.75),
    (r"porto|frankering|posttjenester", "491110", "", "", "no", 50, 0.85),
    (r"mobil", "517312", "", "", "no", 45, 0.8),
    (r"bredbånd|internett|fiber|datalinjer", "517311", "", "", "no", 45, 0.8),
    (r"bankgebyr|betalingsformidling", "522110", "", "", "no", 50, 0.8),
    (r"annonse|kunngjøring|informasjonsmateriell", "541810", "", "", "no", 45, 0.75),
    (r"kurs|opplæring|kompetanse", "611430", "", "", "no", 40, 0.75),
    (r"flyreise", "481111", "", "", "no", 50, 0.85),
    (r"hotell|overnatting", "721110", "", "", "no", 50, 0.85),
    (r"verksted|reparasjon kjøretøy|service kommunal bil", "811111", "", "", "no", 50, 0.75),
    (r"skoleskyss|elevtransport", "485410", "", "", "no", 55, 0.9),
    (r"forsikring", "524126", "", "", "no", 50, 0.85),
    (r"vakthold", "561612", "", "", "no", 50, 0.8),
    (r"alarm", "561621", "", "", "no", 45, 0.75),
    (r"husleie|leie av lokaler", "531120", "", "", "no", 50, 0.85),
    (r"lisens|programvare", "511210", "", "", "no", 45, 0.75),
    (r"skytjeneste", "518210", "", "", "no", 50, 0.75),
    (r"møbler|inventar|stoler", "337127", "", "", "no", 40, 0.6),
    (r"kontorstoler|kontormøbler", "337214", "", "", "no", 45, 0.65),
    (r"skylagring", "518210", "", "", "no", 50, 0.75),
    (r"hermetikk", "311421", "", "", "no", 45, 0.6),
    (r"melk", "311511", "", "", "no", 45, 0.7),
    (r"plastartikler|søppelsekker", "326199", "", "", "no", 45, 0.7),
    (r"tekstiler|flagg", "314999", "", "", "no", 45, 0.6),
    (r"flybilletter", "481111", "", "", "no", 50, 0.85),
    (r"skrivere", "334118", "", "", "no", 45, 0.7),
    (r"anleggsmaskin", "333120", "", "", "no", 45, 0.7),
    (r"traktorutstyr|snøfreser", "333111", "", "", "no", 45, 0.7),
    (r"deponi", "562212", "", "", "no", 50, 0.75),
    (r"barnehageplass", "624410", "", "", "no", 55, 0.8),
    (r"kjøp av plass", "623110", "", "", "no", 50, 0.7),
    (r"pc-er|datautstyr|bærbare|nettbrett", "334111", "", "", "no", 45, 0.75),
    (r"skjermer", "334118", "", "", "no", 45, 0.7),
    (r"pasientløftere|senger sykehjem|medisinsk utstyr", "339113", "", "", "no", 50, 0.75),
    (r"leasing tjenestebiler|leie elbil", "532112", "", "", "no", 55, 0.8),
    (r"rørlegger", "238220", "", "", "no", 50, 0.75),
    (r"elektriker", "238210", "", "", "no", 50, 0.75),
    (r"maler", "238320", "", "", "no", 50, 0.75),
    (r"vedlikehold bygg|vedlikehold skole|utbedring", "236220", "", "", "no", 35, 0.55),
    (r"veivedlikehold|lapping av hull|grøfting", "237310", "", "", "no", 45, 0.65),
    (r"brøyting|snørydding|strøing", "561790", "", "", "no", 50, 0.75),
    (r"serviceavtale|reparasjon utstyr", "811310", "", "", "no", 40, 0.6),
    (r"heis", "238290", "", "", "no", 50, 0.75),
    (r"asfalt", "324121", "", "", "no", 45, 0.75),
    (r"grus|pukk", "212321", "", "", "no", 50, 0.8),
    (r"betong", "327320", "", "", "no", 50, 0.8),
    (r"trelast", "321113", "", "", "no", 50, 0.75),
    (r"rådgivende ingeniør", "541330", "", "", "no", 55, 0.8),
    (r"juridisk", "541110", "", "", "no", 55, 0.8),
    (r"it-bistand", "541512", "", "", "no", 55, 0.75),
    (r"miljøkartlegging", "541620", "", "", "no", 55, 0.75),
    (r"konsulent|prosjektledelse", "541611", "", "", "no", 35, 0.55),
    (r"revisjon", "541211", "", "", "no", 50, 0.8),
    (r"renovasjon|avfall|slamtømming", "562111", "", "", "no", 45, 0.7),
    (r"avlastning|omsorgstjenester", "624120", "", "", "no", 45, 0.65),
    (r"institusjon|helsetjenester", "623110", "", "", "no", 40, 0.6),
    (r"nybygg|rehabilitering sykehjem|ombygging|ny barnehage", "236220", "", "1", "no", 55, 0.7),
    (
        r"gang- og sykkelvei|opprusting kommunal vei|bro rehabilitering",
        "237310",
        "",
        "1",
        "no",
        55,
        0.7,
    ),
    (r"vannledning|høydebasseng|avløpsledning|pumpestasjon", "237110", "", "1", "no", 55, 0.75),
    (r"hjullaster", "333120", "", "1", "no", 55, 0.8),
    (r"varebil|elbil .*kjøp", "336112", "", "1", "no", 55, 0.75),
]

# Real merchant category codes (ISO 18245 / card networks) and what they sell.
# mcc, description, naics6, exclude_reason, confidence
MCC: list[tuple[str, str, str, str, float]] = [
    ("0742", "Veterinary services", "541940", "", 0.9),
    ("0780", "Landscaping and horticultural services", "561730", "", 0.85),
    ("1520", "General contractors - residential and commercial", "236220", "", 0.6),
    ("1711", "Heating, plumbing, air-conditioning contractors", "238220", "", 0.85),
    ("1731", "Electrical contractors", "238210", "", 0.85),
    ("1799", "Special trade contractors", "238990", "", 0.6),
    ("2741", "Miscellaneous publishing and printing", "323111", "", 0.7),
    ("2791", "Typesetting, platemaking and related services", "323111", "", 0.7),
    ("3000", "United Airlines", "481111", "", 0.95),
    ("3001", "American Airlines", "481111", "", 0.95),
    ("3058", "Delta Air Lines", "481111", "", 0.95),
    ("3066", "Southwest Airlines", "481111", "", 0.95),
    ("3405", "Enterprise Rent-A-Car", "532111", "", 0.9),
    ("3501", "Holiday Inns", "721110", "", 0.95),
    ("3504", "Hilton Hotels", "721110", "", 0.95),
    ("3509", "Marriott", "721110", "", 0.95),
    ("3665", "Hampton Inns", "721110", "", 0.95),
    ("4111", "Local and suburban commuter passenger transportation", "485113", "", 0.8),
    ("4121", "Taxicabs and limousines", "485310", "", 0.9),
    ("4131", "Bus lines", "485210", "", 0.85),
    ("4214", "Motor freight carriers and trucking", "484110", "", 0.8),
    ("4215", "Courier services", "492110", "", 0.9),
    ("4225", "Public warehousing and storage", "493110", "", 0.85),
    ("4511", "Airlines and air carriers", "481111", "", 0.95),
    ("4722", "Travel agencies and tour operators", "561510", "", 0.85),
    ("4784", "Tolls and bridge fees", "", "tax_fee_government", 0.6),
    ("4812", "Telecommunication equipment and telephone sales", "334210", "", 0.7),
    ("4814", "Telecommunication services", "517312", "", 0.7),
    ("4816", "Computer network and information services", "518210", "", 0.75),
    ("4899", "Cable, satellite and other pay television services", "517311", "", 0.7),
    ("4900", "Utilities - electric, gas, water, sanitary", "", "", 0.0),
    ("5013", "Motor vehicle supplies and new parts", "336390", "", 0.8),
    ("5021", "Office and commercial furniture", "337214", "", 0.85),
    ("5039", "Construction materials", "327320", "", 0.5),
    ("5044", "Photographic, photocopy and microfilm equipment", "333316", "", 0.8),
    ("5045", "Computers and peripheral equipment and software", "334111", "", 0.7),
    ("5046", "Commercial equipment", "333318", "", 0.6),
    ("5047", "Medical, dental, ophthalmic and hospital equipment and supplies", "339113", "", 0.85),
    ("5065", "Electrical parts and equipment", "335931", "", 0.6),
    ("5072", "Hardware, equipment and supplies", "332510", "", 0.7),
    ("5085", "Industrial supplies", "332216", "", 0.5),
    ("5111", "Stationery, office supplies, printing and writing paper", "322230", "", 0.8),
    ("5122", "Drugs, drug proprietaries and druggist sundries", "325412", "", 0.85),
    ("5137", "Uniforms and commercial clothing", "315280", "", 0.85),
    ("5169", "Chemicals and allied products", "325998", "", 0.6),
    ("5172", "Petroleum and petroleum products", "", "scope12_fuel", 0.85),
    ("5192", "Books, periodicals and newspapers", "511130", "", 0.8),
    ("5198", "Paints, varnishes and supplies", "325510", "", 0.9),
    ("5200", "Home supply warehouse stores", "332216", "", 0.4),
    ("5211", "Lumber and building materials stores", "321113", "", 0.5),
    ("5251", "Hardware stores", "332216", "", 0.6),
    ("5261", "Nurseries, lawn and garden supply stores", "111421", "", 0.5),
    ("5300", "Wholesale clubs", "", "", 0.0),
    ("5310", "Discount stores", "", "", 0.0),
    ("5311", "Department stores", "", "", 0.0),
    ("5411", "Grocery stores and supermarkets", "311421", "", 0.4),
    ("5462", "Bakeries", "311812", "", 0.85),
    ("5499", "Miscellaneous food stores", "311999", "", 0.5),
    ("5532", "Automotive tire stores", "326211", "", 0.85),
    ("5533", "Automotive parts and accessories stores", "336390", "", 0.8),
    ("5541", "Service stations", "", "scope12_fuel", 0.9),
    ("5542", "Automated fuel dispensers", "", "scope12_fuel", 0.95),
    ("5661", "Shoe stores", "316210", "", 0.8),
    ("5691", "Men's and women's clothing stores", "315280", "", 0.6),
    ("5699", "Miscellaneous apparel and accessory shops", "315280", "", 0.6),
    ("5732", "Electronics stores", "334118", "", 0.6),
    ("5734", "Computer software stores", "511210", "", 0.85),
    ("5811", "Caterers", "722320", "", 0.9),
    ("5812", "Eating places and restaurants", "722511", "", 0.9),
    ("5814", "Fast food restaurants", "722513", "", 0.9),
    ("5912", "Drug stores and pharmacies", "339113", "", 0.5),
    ("5941", "Sporting goods stores", "339920", "", 0.8),
    ("5942", "Book stores", "511130", "", 0.3),
    ("5943", "Stationery, office and school supply stores", "322230", "", 0.85),
    ("5999", "Miscellaneous and specialty retail stores", "", "", 0.0),
    ("6300", "Insurance sales, underwriting and premiums", "524126", "", 0.8),
    ("7011", "Lodging - hotels, motels, resorts", "721110", "", 0.95),
    ("7210", "Laundry, cleaning and garment services", "812320", "", 0.85),
    ("7216", "Dry cleaners", "812320", "", 0.9),
    ("7311", "Advertising services", "541810", "", 0.85),
    ("7333", "Commercial photography, art and graphics", "541430", "", 0.75),
    ("7338", "Quick copy, reproduction and blueprinting services", "323111", "", 0.75),
    ("7342", "Exterminating and disinfecting services", "561710", "", 0.9),
    ("7349", "Cleaning, maintenance and janitorial services", "561720", "", 0.85),
    (
        "7372",
        "Computer programming, data processing and integrated systems design",
        "541512",
        "",
        0.6,
    ),
    ("7379", "Computer maintenance and repair services", "811212", "", 0.75),
    ("7392", "Management, consulting and public relations services", "541611", "", 0.6),
    ("7393", "Detective agencies, protective agencies and security services", "561612", "", 0.8),
    ("7399", "Business services - not elsewhere classified", "561990", "", 0.4),
    ("7512", "Automobile rental agency", "532111", "", 0.9),
    ("7523", "Parking lots and garages", "812930", "", 0.9),
    ("7531", "Automotive body repair shops", "811121", "", 0.85),
    ("7538", "Automotive service shops", "811111", "", 0.85),
    ("7542", "Car washes", "811192", "", 0.9),
    ("7549", "Towing services", "488410", "", 0.85),
    ("7699", "Miscellaneous repair shops and related services", "811310", "", 0.5),
    ("7991", "Tourist attractions and exhibits", "712110", "", 0.6),
    ("7997", "Membership clubs (sports, recreation)", "713940", "", 0.7),
    ("8011", "Doctors", "621111", "", 0.8),
    ("8062", "Hospitals", "622110", "", 0.8),
    ("8071", "Medical and dental laboratories", "621511", "", 0.8),
    ("8099", "Medical services and health practitioners", "621999", "", 0.6),
    ("8111", "Legal services and attorneys", "541110", "", 0.9),
    ("8220", "Colleges, universities and professional schools", "611310", "", 0.85),
    ("8244", "Business and secretarial schools", "611410", "", 0.8),
    ("8299", "Schools and educational services", "611430", "", 0.7),
    ("8398", "Charitable and social service organizations", "", "grant_passthrough", 0.6),
    ("8641", "Civic, social and fraternal associations", "813410", "", 0.7),
    ("8699", "Membership organizations", "813920", "", 0.75),
    ("8911", "Architectural, engineering and surveying services", "541330", "", 0.7),
    ("8931", "Accounting, auditing and bookkeeping services", "541211", "", 0.85),
    ("8999", "Professional services", "541990", "", 0.4),
    ("9211", "Court costs, including alimony and child support", "", "tax_fee_government", 0.8),
    ("9222", "Fines", "", "tax_fee_government", 0.8),
    ("9311", "Tax payments", "", "tax_fee_government", 0.9),
    ("9399", "Government services - not elsewhere classified", "", "tax_fee_government", 0.85),
    ("9402", "Postal services - government only", "491110", "", 0.95),
]


def keywords_table() -> pd.DataFrame:
    import re

    # groups are non-capturing, so pandas' str.contains does not warn
    rows = [(re.sub(r"\((?!\?)", "(?:", p), *rest) for p, *rest in KEYWORDS]
    return pd.DataFrame(
        rows,
        columns=[
            "pattern",
            "naics6",
            "exclude_reason",
            "capital",
            "language",
            "priority",
            "confidence",
        ],
    )


def mcc_table(valid: set[str]) -> pd.DataFrame:
    df = pd.DataFrame(MCC, columns=["mcc", "description", "naics6", "exclude_reason", "confidence"])
    bad = [c for c in df["naics6"] if c and c not in valid]
    if bad:
        raise ValueError(f"MCC NAICS codes not in the SEF: {bad}")
    return df.sort_values("mcc", ignore_index=True)


def object_codes_table(members: tuple[Member, ...]) -> pd.DataFrame:
    frames = []
    for m in members:
        ch = acc.chart(m.chart).drop(columns="classes")
        frames.append(ch.assign(chart=m.slug))
    frames.append(nor.kostra_chart().assign(chart="kostra"))
    df = pd.concat(frames, ignore_index=True)
    return df[
        ["chart", "object_code", "description", "naics6", "exclude_reason", "capital", "confidence"]
    ]


def _excluded_vendors() -> list[tuple[str, str, str, float]]:
    rows: list[tuple[str, str, str, float]] = []
    for v in (
        "Internal Revenue Service",
        "MissionSquare Retirement",
        "HealthEquity Inc",
        "Delta Dental",
        "VSP Vision Care",
        "The Standard Insurance Company",
        "AFLAC",
        "Chapter 13 Trustee",
        *us.HEALTH_INSURERS,
    ):
        rows.append((v, "", "payroll_benefits", 0.95))
    for st in sorted({m.state for m in US_MEMBERS}):
        rows.append((us.RETIREMENT[st], "", "payroll_benefits", 0.95))
        name = us.STATE_NAMES[st]
        rows.append((f"{name} State Disbursement Unit", "", "payroll_benefits", 0.95))
        rows.append((f"{name} Workers Compensation Fund", "", "payroll_benefits", 0.9))
        if st in us.STATE_INCOME_TAX:
            rows.append((f"{name} Department of Revenue", "", "payroll_benefits", 0.7))
        for agency in (
            f"{name} Department of Environmental Quality",
            f"{name} Department of Revenue - Use Tax",
            f"{name} Secretary of State",
            f"{name} Department of Motor Vehicles",
            f"{name} Department of Transportation",
        ):
            rows.append((agency, "", "tax_fee_government", 0.85))
        elec, gas = us.UTILITIES[st]
        rows.append((elec, "", "scope12_electricity", 0.9))
        if gas != elec:
            rows.append((gas, "", "scope12_natural_gas", 0.9))
    for v in us.TRUSTEES:
        rows.append((v, "", "debt_service", 0.85))
    for v in us.FUEL_VENDORS:
        rows.append((v, "", "scope12_fuel", 0.9))
    for v in us.TITLE_COS:
        rows.append((v, "", "land", 0.7))
    for m in US_MEMBERS:
        rows.append((f"{m.place} Federal Credit Union", "", "payroll_benefits", 0.9))
    # Norway
    rows += [
        ("KLP", "", "payroll_benefits", 0.9),
        ("Statens pensjonskasse", "", "payroll_benefits", 0.95),
        ("Midtfjord Kraft AS", "", "scope12_electricity", 0.95),
        ("Fjordnett AS", "", "scope12_electricity", 0.95),
        ("Midtfjord Fjernvarme AS", "", "scope12_district_heat", 0.95),
        ("Fjordolje AS", "", "scope12_fuel", 0.9),
        (nor.JOINT_VENDORS["drivstoff"], "", "scope12_fuel", 0.95),
        ("Kommunalbanken AS", "", "debt_service", 0.95),
        ("KLP Kommunekreditt AS", "", "debt_service", 0.95),
        ("Statens vegvesen", "", "tax_fee_government", 0.8),
    ]
    return rows


def vendors_table(used_us: dict[str, set[int]], used_no: dict[str, set[str]]) -> pd.DataFrame:
    """Known-vendor list: frequent repeat vendors with their main NAICS code.

    Only canonical spellings; about one local vendor in fifteen is missing
    (new this year), as in a real, slightly stale list.
    """
    rows: dict[str, tuple[str, str, float]] = {}
    national = {n[0]: n for n in ven.NATIONAL}
    for m in US_MEMBERS:
        book = us.vendor_book(m)
        v = book.vendors
        for vid in sorted(used_us.get(m.slug, set())):
            name, primary, is_nat = (
                v.at[vid, "canonical"],
                v.at[vid, "primary"],
                bool(v.at[vid, "national"]),
            )
            if is_nat:
                basket = national[name][1]
                conf = round(max(0.5, max(basket.values()) / sum(basket.values())), 2)
                rows.setdefault(name, (primary, "", conf))
            else:
                if rng_for("stale", name).random() < 0.065:
                    continue
                rows.setdefault(name, (primary, "", 0.9))
    for m in NO_MEMBERS:
        book = nor.vendor_book(m)
        for _key, (names, _w, sells) in book.items():
            for nm, naics in zip(names, sells, strict=True):
                if nm in used_no.get(m.slug, set()) and rng_for("stale", nm).random() >= 0.065:
                    rows.setdefault(nm, (naics, "", 0.85))
    for name, naics in nor.JOINT_PRIMARY.items():
        rows[name] = (naics, "", 0.7)
    for name, naics, reason, conf in _excluded_vendors():
        rows[name] = (naics, reason, conf)
    df = pd.DataFrame(
        [(k, *v) for k, v in rows.items()],
        columns=["vendor", "naics6", "exclude_reason", "confidence"],
    )
    return df.sort_values("vendor", key=lambda s: s.str.lower(), ignore_index=True)


def check_keywords() -> None:
    """Fail early on a keyword regex that does not compile."""
    import re

    for p, *_ in KEYWORDS:
        re.compile(p, re.IGNORECASE)
