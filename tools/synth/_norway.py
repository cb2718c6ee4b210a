"""The Norwegian procurement cooperation: seven fictional municipalities, 2019-2021.

Ledgers are general-ledger expense exports in NOK with KOSTRA art codes
(written as four digits: the three-digit KOSTRA art plus a local sub-account
digit, e.g. ``1150`` = art 115 Matvarer, ``1801`` = art 180 Energi / strøm),
KOSTRA function codes, an ``Investering`` flag (investment accounts) and a
``Rammeavtale`` flag for purchases under the cooperation's joint framework
agreements.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ._spec import COOPERATION, NO_MEMBERS, Member
from ._util import business_days, rng_for

#: Consumer price index, Norway (2019 = 1).
KPI_NO = {2019: 1.0, 2020: 1.013, 2021: 1.048}
#: Electricity incl. grid rent, NOK per kWh (municipal buildings).
ELEC_NOK = {2019: 0.95, 2020: 0.70, 2021: 1.25}
DIESEL_NOK_L = {2019: 14.8, 2020: 13.6, 2021: 16.4}
MONTHS_NO = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)

#: KOSTRA chart (four-digit local codes: art + sub-account digit).
#: code: (description, naics, exclude_reason)
KOSTRA: dict[str, tuple[str, str, str]] = {
    "0100": ("Fastlønn", "", "payroll_benefits"),
    "0200": ("Lønn til vikarer", "", "payroll_benefits"),
    "0300": ("Lønn til ekstrahjelp", "", "payroll_benefits"),
    "0400": ("Overtidslønn", "", "payroll_benefits"),
    "0500": ("Annen lønn og trekkpliktige godtgjørelser", "", "payroll_benefits"),
    "0800": ("Godtgjørelse folkevalgte", "", "payroll_benefits"),
    "0900": ("Pensjonsinnskudd og trekkpliktige forsikringsordninger", "", "payroll_benefits"),
    "0990": ("Arbeidsgiveravgift", "", "payroll_benefits"),
    "1000": ("Kontormateriell", "322230", ""),
    "1050": ("Undervisningsmateriell", "", ""),
    "1100": ("Medisinsk forbruksmateriell", "339113", ""),
    "1140": ("Medikamenter", "325412", ""),
    "1150": ("Matvarer", "311", ""),
    "1200": ("Annet forbruksmateriell, råvarer og tjenester", "", ""),
    "1300": ("Post, banktjenester, telefon, internett", "", ""),
    "1301": ("Porto", "491110", ""),
    "1302": ("Mobiltelefoni", "517312", ""),
    "1303": ("Bredbånd og datalinjer", "517311", ""),
    "1304": ("Bankgebyrer", "522110", ""),
    "1400": ("Annonse, reklame, informasjon", "541810", ""),
    "1500": ("Opplæring, kurs", "611430", ""),
    "1600": ("Utgifter og godtgjørelser for reiser, diett, bil o.l.", "", ""),
    "1650": ("Andre oppgavepliktige godtgjørelser", "", "payroll_benefits"),
    "1700": ("Transportutgifter og drift av egne transportmidler", "", ""),
    "1701": ("Drivstoff", "", "scope12_fuel"),
    "1702": ("Verkstedtjenester kjøretøy", "811111", ""),
    "1703": ("Skoleskyss", "485410", ""),
    "1801": ("Energi - strøm og nettleie", "", "scope12_electricity"),
    "1802": ("Energi - fjernvarme", "", "scope12_district_heat"),
    "1803": ("Energi - fyringsolje", "", "scope12_fuel"),
    "1851": ("Forsikringer", "524126", ""),
    "1852": ("Vakthold og alarm", "5616", ""),
    "1900": ("Leie av lokaler og grunn", "531120", ""),
    "1950": ("Avgifter, gebyrer, lisenser o.l.", "", ""),
    "1951": ("Lisenser og programvare", "511210", ""),
    "2000": ("Kjøp, leie og leasing av inventar og utstyr", "33", ""),
    "2001": ("IKT-utstyr", "3341", ""),
    "2090": ("Medisinsk utstyr", "339113", ""),
    "2100": ("Kjøp, leie og leasing av transportmidler", "", ""),
    "2200": ("Kjøp, leie og leasing av maskiner", "333", ""),
    "2300": ("Vedlikehold, byggetjenester og nybygg", "23", ""),
    "2400": ("Serviceavtaler og reparasjoner", "", ""),
    "2500": ("Materialer til vedlikehold og nybygg", "", ""),
    "2600": ("Renhold, vaskeri- og vaktmestertjenester", "5617", ""),
    "2700": ("Konsulenttjenester", "541", ""),
    "2800": ("Grunnerverv", "", "land"),
    "3700": ("Kjøp fra andre (private)", "", ""),
    "3751": ("Kjøp fra IKS - renovasjon", "562", ""),
    "3752": ("Kjøp fra IKS - revisjon", "541211", ""),
    "4000": ("Overføring til staten", "", "tax_fee_government"),
    "4290": ("Merverdiavgift utenfor mva-loven", "", "tax_fee_government"),
    "4500": ("Overføring til kommuner", "", "grant_passthrough"),
    "4700": ("Overføring til andre (private)", "", "grant_passthrough"),
    "5000": ("Renteutgifter og omkostninger", "", "debt_service"),
    "5100": ("Avdrag på lån", "", "debt_service"),
    "5700": ("Overføring til investeringsregnskapet", "", "transfer"),
    "6000": ("Brukerbetaling for kommunale tjenester (tilbakebetaling)", "", "refund"),
}

# Ansvar (responsibility centres): code, name template, KOSTRA functions
ANSVAR = (
    ("1000", "Rådmannen", ("100", "120")),
    ("1100", "Økonomi", ("120",)),
    ("1200", "Personal", ("120",)),
    ("1300", "IKT", ("120",)),
    ("2100", "{P} skole", ("202", "222", "215")),
    ("2110", "{P} ungdomsskole", ("202", "222")),
    ("2200", "{P} barnehage", ("201", "221")),
    ("2300", "Kvitveien barnehage", ("201", "221")),
    ("3100", "{P} sykehjem", ("253", "261")),
    ("3200", "Hjemmetjenesten", ("254",)),
    ("3300", "Legekontoret", ("241",)),
    ("3400", "Helsestasjon", ("232",)),
    ("4100", "Vann og avløp", ("340", "345", "350", "353")),
    ("4200", "Veg og park", ("332", "333", "335")),
    ("4300", "Eiendom", ("130", "222", "261", "221", "265")),
    ("5100", "Kultur og bibliotek", ("370", "385", "380")),
)

# Purchase categories: key, art, {naics: w}, share, typical NOK, descriptions, ansvar codes, capital, joint key
CATS: tuple[
    tuple[str, str, dict[str, float], float, float, tuple[str, ...], tuple[str, ...], int, str], ...
] = (
    (
        "kontor",
        "1000",
        {"322230": 0.7, "322121": 0.3},
        0.012,
        1800,
        ("Kontorrekvisita", "Kopipapir A4", "Kontormateriell", "Arkivbokser og permer"),
        ("1000", "1100", "1200", "2100", "3100"),
        0,
        "kontor",
    ),
    (
        "undervisning",
        "1050",
        {"511130": 0.5, "322230": 0.5},
        0.015,
        3500,
        ("Lærebøker", "Undervisningsmateriell", "Skolemateriell", "Forbruksmateriell skole"),
        ("2100", "2110", "2200"),
        0,
        "skole",
    ),
    (
        "medisinsk",
        "1100",
        {"339113": 1.0},
        0.02,
        4500,
        (
            "Medisinsk forbruksmateriell",
            "Inkontinensprodukter",
            "Hansker og smittevernutstyr",
            "Bandasjemateriell",
        ),
        ("3100", "3200", "3300"),
        0,
        "helse",
    ),
    (
        "medikamenter",
        "1140",
        {"325412": 1.0},
        0.012,
        7000,
        ("Medikamenter sykehjem", "Legemidler multidose", "Apotekvarer"),
        ("3100", "3300"),
        0,
        "",
    ),
    (
        "mat",
        "1150",
        {"311612": 0.3, "311511": 0.25, "311812": 0.2, "311421": 0.25},
        0.04,
        6000,
        (
            "Matvarer sykehjem",
            "Matvarer barnehage",
            "Kjøtt og pålegg",
            "Meieriprodukter",
            "Brød og bakervarer",
            "Frukt og grønt",
        ),
        ("3100", "2200", "2300", "3200"),
        0,
        "mat",
    ),
    (
        "renholdsmidler",
        "1200",
        {"325612": 0.7, "325611": 0.3},
        0.012,
        2800,
        ("Renholdsartikler", "Rengjøringsmidler", "Tørkepapir og såpe"),
        ("4300", "3100", "2100"),
        0,
        "renhold",
    ),
    (
        "forbruk",
        "1200",
        {"332216": 0.4, "326199": 0.3, "314999": 0.3},
        0.02,
        2500,
        ("Forbruksmateriell", "Verktøy", "Diverse utstyr", "Annet forbruksmateriell"),
        ("4100", "4200", "4300", "5100"),
        0,
        "",
    ),
    (
        "kjemikalier",
        "1200",
        {"325180": 1.0},
        0.006,
        16000,
        ("Vannbehandling kjemikalier", "Klor til vannverk", "Fellingskjemikalier"),
        ("4100",),
        0,
        "",
    ),
    (
        "porto",
        "1301",
        {"491110": 1.0},
        0.004,
        2500,
        ("Porto", "Frankering", "Posttjenester"),
        ("1000", "1100"),
        0,
        "",
    ),
    (
        "mobil",
        "1302",
        {"517312": 1.0},
        0.01,
        3500,
        ("Mobiltelefoni", "Mobilabonnement {month}"),
        ("1300",),
        0,
        "tele",
    ),
    (
        "bredband",
        "1303",
        {"517311": 1.0},
        0.008,
        5000,
        ("Bredbånd", "Internett og datalinjer {month}", "Fiberlinjer"),
        ("1300",),
        0,
        "tele",
    ),
    (
        "bank",
        "1304",
        {"522110": 1.0},
        0.002,
        1500,
        ("Bankgebyrer", "Gebyr betalingsformidling"),
        ("1100",),
        0,
        "",
    ),
    (
        "annonse",
        "1400",
        {"541810": 1.0},
        0.004,
        7000,
        ("Annonse stillingsutlysning", "Kunngjøringer", "Informasjonsmateriell"),
        ("1000", "1200"),
        0,
        "",
    ),
    (
        "kurs",
        "1500",
        {"611430": 1.0},
        0.012,
        5500,
        ("Kurs og opplæring", "Kursavgift", "Kompetanseheving"),
        ("1200", "2100", "3100", "3200"),
        0,
        "",
    ),
    (
        "reise",
        "1600",
        {"481111": 0.5, "721110": 0.5},
        0.006,
        3800,
        ("Flyreise kurs", "Hotell kurs", "Overnatting", "Reiseutgifter"),
        ("1000", "1200", "3300"),
        0,
        "",
    ),
    (
        "verksted",
        "1702",
        {"811111": 1.0},
        0.008,
        7000,
        ("Verkstedtjenester", "Service kommunal bil", "Reparasjon kjøretøy"),
        ("4200", "3200"),
        0,
        "",
    ),
    (
        "skoleskyss",
        "1703",
        {"485410": 1.0},
        0.025,
        45000,
        ("Skoleskyss", "Skoleskyss rute {n}", "Elevtransport"),
        ("2100", "2110"),
        0,
        "",
    ),
    (
        "forsikring",
        "1851",
        {"524126": 1.0},
        0.015,
        90000,
        ("Forsikringspremie", "Bygningsforsikring", "Ansvarsforsikring"),
        ("1100",),
        0,
        "",
    ),
    (
        "vakthold",
        "1852",
        {"561612": 0.5, "561621": 0.5},
        0.005,
        9000,
        ("Vakthold", "Alarmovervåking", "Brannalarm service"),
        ("4300",),
        0,
        "",
    ),
    (
        "husleie",
        "1900",
        {"531120": 1.0},
        0.03,
        45000,
        ("Husleie", "Leie av lokaler", "Husleie {month}"),
        ("4300", "3300"),
        0,
        "",
    ),
    (
        "lisenser",
        "1951",
        {"511210": 0.7, "518210": 0.3},
        0.02,
        28000,
        ("Lisens fagsystem", "Programvarelisens", "Årslisens", "Skytjeneste abonnement"),
        ("1300",),
        0,
        "lisens",
    ),
    (
        "inventar",
        "2000",
        {"337127": 0.5, "337214": 0.5},
        0.012,
        16000,
        ("Møbler", "Inventar", "Kontorstoler", "Skolemøbler"),
        ("2100", "2200", "1000"),
        0,
        "mobler",
    ),
    (
        "ikt",
        "2001",
        {"334111": 0.7, "334118": 0.3},
        0.015,
        14000,
        ("PC-er", "Bærbare PC-er", "Datautstyr", "Skjermer", "Nettbrett skole"),
        ("1300", "2100"),
        0,
        "ikt",
    ),
    (
        "medutstyr",
        "2090",
        {"339113": 1.0},
        0.004,
        16000,
        ("Medisinsk utstyr", "Pasientløftere", "Senger sykehjem"),
        ("3100",),
        0,
        "helse",
    ),
    (
        "biler",
        "2100",
        {"532112": 1.0},
        0.01,
        9000,
        ("Leasing tjenestebiler {month}", "Leie elbil hjemmetjeneste"),
        ("3200", "4200"),
        0,
        "bil",
    ),
    (
        "maskiner",
        "2200",
        {"333120": 0.5, "333111": 0.5},
        0.006,
        50000,
        ("Maskiner", "Traktorutstyr", "Snøfreser"),
        ("4200",),
        0,
        "",
    ),
    (
        "vedlikehold",
        "2300",
        {"238220": 0.3, "238210": 0.25, "236220": 0.25, "238320": 0.2},
        0.06,
        28000,
        (
            "Vedlikehold bygg",
            "Rørleggerarbeid",
            "Elektrikerarbeid",
            "Malerarbeid",
            "Vedlikehold skole",
            "Utbedring tak",
        ),
        ("4300",),
        0,
        "",
    ),
    (
        "veivedlikehold",
        "2300",
        {"237310": 1.0},
        0.025,
        60000,
        ("Veivedlikehold", "Lapping av hull i asfalt", "Grøfting og stikkrenner"),
        ("4200",),
        0,
        "",
    ),
    (
        "broyting",
        "2400",
        {"561790": 1.0},
        0.015,
        16000,
        ("Brøyting", "Brøyting og strøing", "Snørydding {month}"),
        ("4200",),
        0,
        "",
    ),
    (
        "service",
        "2400",
        {"811310": 0.5, "811212": 0.2, "238290": 0.3},
        0.02,
        9000,
        ("Serviceavtale", "Service heis", "Reparasjon utstyr", "Serviceavtale kopimaskin"),
        ("4300", "1300"),
        0,
        "",
    ),
    (
        "materialer",
        "2500",
        {"324121": 0.3, "212321": 0.3, "327320": 0.2, "321113": 0.2},
        0.02,
        12000,
        ("Asfalt", "Grus og pukk", "Betong", "Trelast", "Byggematerialer"),
        ("4200", "4100", "4300"),
        0,
        "",
    ),
    (
        "renhold",
        "2600",
        {"561720": 0.8, "812332": 0.2},
        0.02,
        14000,
        ("Renhold", "Renholdstjenester {month}", "Vask av arbeidstøy", "Matteservice"),
        ("4300",),
        0,
        "",
    ),
    (
        "konsulent",
        "2700",
        {"541611": 0.3, "541330": 0.3, "541512": 0.2, "541110": 0.1, "541620": 0.1},
        0.03,
        35000,
        (
            "Konsulentbistand",
            "Rådgivende ingeniør",
            "IKT-bistand",
            "Juridisk bistand",
            "Miljøkartlegging",
            "Prosjektledelse",
        ),
        ("1000", "4100", "4300", "1300"),
        0,
        "konsulent",
    ),
    (
        "private",
        "3700",
        {"623110": 0.4, "624120": 0.3, "624410": 0.3},
        0.04,
        70000,
        (
            "Kjøp av plass privat institusjon",
            "Avlastning",
            "Kjøp av helsetjenester",
            "Private omsorgstjenester",
        ),
        ("3100", "3200"),
        0,
        "",
    ),
    (
        "renovasjon",
        "3751",
        {"562111": 0.7, "562212": 0.3},
        0.03,
        160000,
        ("Renovasjon IKS", "Avfallshåndtering {month}", "Slamtømming"),
        ("4100",),
        0,
        "",
    ),
    (
        "revisjon",
        "3752",
        {"541211": 1.0},
        0.005,
        90000,
        ("Revisjon IKS", "Revisjonstjenester"),
        ("1100",),
        0,
        "",
    ),
    # investment accounts (Investering = J)
    (
        "inv_bygg",
        "2300",
        {"236220": 1.0},
        0.45,
        450000,
        (
            "Nybygg skole - faktura {n}",
            "Rehabilitering sykehjem",
            "Ombygging rådhus",
            "Ny barnehage - delbetaling {n}",
        ),
        ("4300",),
        1,
        "",
    ),
    (
        "inv_vei",
        "2300",
        {"237310": 1.0},
        0.2,
        300000,
        ("Ny gang- og sykkelvei", "Opprusting kommunal vei", "Bro rehabilitering"),
        ("4200",),
        1,
        "",
    ),
    (
        "inv_va",
        "2300",
        {"237110": 1.0},
        0.22,
        320000,
        (
            "Vannledning utskifting",
            "Nytt høydebasseng",
            "Avløpsledning rehabilitering",
            "Pumpestasjon",
        ),
        ("4100",),
        1,
        "",
    ),
    (
        "inv_utstyr",
        "2000",
        {"333120": 0.3, "334111": 0.4, "337127": 0.3},
        0.08,
        120000,
        ("Hjullaster", "IKT-investering", "Inventar nybygg"),
        ("4200", "1300", "4300"),
        1,
        "",
    ),
    (
        "inv_bil",
        "2100",
        {"336112": 1.0},
        0.05,
        380000,
        ("Kjøp av varebil", "Elbil hjemmetjeneste - kjøp"),
        ("3200", "4200"),
        1,
        "",
    ),
)

#: Line descriptions by NAICS (override the category's descriptions).
NO_DESC: dict[str, tuple[str, ...]] = {
    "322230": ("Kontorrekvisita", "Kontormateriell", "Arkivbokser og permer", "Skolemateriell"),
    "322121": ("Kopipapir A4", "Kopipapir"),
    "511130": ("Lærebøker", "Læremidler bøker"),
    "311612": ("Kjøtt og pålegg", "Kjøttvarer"),
    "311511": ("Meieriprodukter", "Melk og meieri"),
    "311812": ("Brød og bakervarer",),
    "311421": ("Frukt og grønt", "Hermetikk"),
    "325612": ("Renholdsartikler", "Rengjøringsmidler"),
    "325611": ("Såpe", "Håndsåpe"),
    "332216": ("Verktøy", "Håndverktøy"),
    "326199": ("Plastartikler", "Søppelsekker"),
    "314999": ("Tekstiler", "Flagg"),
    "481111": ("Flyreise kurs", "Flybilletter"),
    "721110": ("Hotell kurs", "Overnatting"),
    "561612": ("Vakthold",),
    "561621": ("Alarmovervåking", "Brannalarm service"),
    "511210": ("Lisens fagsystem", "Programvarelisens", "Årslisens"),
    "518210": ("Skytjeneste abonnement", "Skylagring"),
    "337127": ("Skolemøbler", "Inventar", "Møbler"),
    "337214": ("Kontorstoler", "Kontormøbler"),
    "334111": ("PC-er", "Bærbare PC-er", "Nettbrett skole"),
    "334118": ("Skjermer", "Skrivere"),
    "333111": ("Traktorutstyr", "Snøfreser"),
    "238220": ("Rørleggerarbeid",),
    "238210": ("Elektrikerarbeid",),
    "236220": ("Vedlikehold bygg", "Vedlikehold skole", "Utbedring tak"),
    "238320": ("Malerarbeid",),
    "811310": ("Serviceavtale", "Reparasjon utstyr"),
    "811212": ("Serviceavtale kopimaskin",),
    "238290": ("Service heis",),
    "324121": ("Asfalt",),
    "212321": ("Grus og pukk",),
    "327320": ("Betong",),
    "321113": ("Trelast",),
    "561720": ("Renhold", "Renholdstjenester {month}"),
    "812332": ("Vask av arbeidstøy", "Matteservice"),
    "541611": ("Konsulentbistand", "Prosjektledelse"),
    "541330": ("Rådgivende ingeniør",),
    "541512": ("IKT-bistand",),
    "541110": ("Juridisk bistand",),
    "541620": ("Miljøkartlegging",),
    "623110": ("Kjøp av plass privat institusjon", "Kjøp av helsetjenester"),
    "624120": ("Avlastning", "Private omsorgstjenester"),
    "624410": ("Kjøp av barnehageplass",),
    "562111": ("Renovasjon IKS", "Avfallshåndtering {month}"),
    "562212": ("Deponi og behandling", "Deponiavgift"),
}

JOINT_VENDORS = {
    "kontor": "Fjordkontor AS",
    "skole": "Skolemateriell Norden AS",
    "helse": "Helsevare Midt AS",
    "mat": "Kystmat Engros AS",
    "renhold": "Rein Hygiene AS",
    "tele": "Nordtele AS",
    "ikt": "Nordlys Data AS",
    "mobler": "Fjordinteriør AS",
    "bil": "Midtfjord Bilutleie AS",
    "konsulent": "Midtfjord Rådgivning AS",
    "drivstoff": "Nordvest Drivstoff AS",
    "lisens": "Fjordsoft AS",
}
#: Primary NAICS of the joint-agreement suppliers (for vendors.csv).
JOINT_PRIMARY = {
    "Fjordkontor AS": "322230",
    "Skolemateriell Norden AS": "511130",
    "Helsevare Midt AS": "339113",
    "Kystmat Engros AS": "311612",
    "Rein Hygiene AS": "325612",
    "Nordtele AS": "517312",
    "Nordlys Data AS": "334111",
    "Fjordinteriør AS": "337127",
    "Midtfjord Bilutleie AS": "532112",
    "Midtfjord Rådgivning AS": "541611",
    "Fjordsoft AS": "511210",
}

SURNAMES_NO = (
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen Pettersen "
    "Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jørgensen Halvorsen Henriksen Lund "
    "Sørensen Moen Gundersen Iversen Strand Solberg Svendsen Eide Knutsen Martinsen Paulsen Bakken Lie "
    "Amundsen Lunde Solheim Berge Moe Nygård Bakke Holm Lien Hauge Evensen Sæther Aas Myhre Haugland "
    "Sandvik Rønning Næss Vik Haug Birkeland Strøm Myklebust Tangen Ødegård Helland Bøe Aune Tveit Brekke"
).split()
TRADE_NO = {
    "3222": ("Kontor", "Papir"),
    "5111": ("Forlag", "Læremidler"),
    "3391": ("Medisinsk", "Helseprodukter"),
    "3254": ("Apotek", "Farmasi"),
    "311": ("Mat", "Engros", "Dagligvare", "Bakeri"),
    "3256": ("Hygiene", "Renhold"),
    "332": ("Jernvare", "Verktøy"),
    "326": ("Plast", "Industri"),
    "314": ("Tekstil",),
    "3251": ("Kjemi", "Vannrens"),
    "491": ("Post",),
    "517": ("Tele", "Fiber", "Nett"),
    "522": ("Sparebank",),
    "5418": ("Reklame", "Media"),
    "611": ("Kurs", "Kompetanse"),
    "481": ("Reiser",),
    "721": ("Hotell",),
    "811": ("Bilverksted", "Service", "Maskinservice"),
    "4854": ("Buss", "Transport", "Turbil"),
    "524": ("Forsikring",),
    "5616": ("Vakt", "Sikkerhet"),
    "531": ("Eiendom", "Gårdeier"),
    "511": ("Data", "Systemer"),
    "518": ("Sky", "Data"),
    "337": ("Interiør", "Møbler"),
    "334": ("Data", "IT"),
    "5321": ("Bilutleie",),
    "333": ("Maskin", "Maskinsalg"),
    "238": ("Rør", "Elektro", "Maler", "Bygg"),
    "236": ("Bygg", "Byggmester", "Entreprenør"),
    "2373": ("Veidrift", "Asfalt", "Anlegg"),
    "2371": ("VA-anlegg", "Graving"),
    "5617": ("Brøyting", "Renhold", "Eiendomsservice"),
    "3241": ("Asfalt",),
    "2123": ("Grus", "Pukkverk"),
    "3273": ("Betong",),
    "3211": ("Sag", "Trelast"),
    "8123": ("Vaskeri",),
    "5416": ("Rådgivning", "Konsult"),
    "5413": ("Ingeniør", "Rådgivende ingeniører"),
    "5415": ("IT-konsult", "Data"),
    "5411": ("Advokatfirma",),
    "5412": ("Revisjon", "Regnskap"),
    "623": ("Omsorg", "Helsehus"),
    "624": ("Omsorg", "Avlastning"),
    "5621": ("Renovasjon", "Miljø"),
    "5622": ("Avfall", "Deponi"),
    "3361": ("Bil", "Bilsenter"),
}


def _trade_no(naics: str, rng: np.random.Generator) -> str:
    for n in range(6, 2, -1):
        w = TRADE_NO.get(naics[:n])
        if w:
            return w[int(rng.integers(len(w)))]
    return "Service"


def _variants_no(name: str, rng: np.random.Generator) -> list[str]:
    base = name[:-3] if name.endswith(" AS") else name
    cands = [
        name.upper(),
        base + " A/S",
        base.upper(),
        base + " as",
        name.upper() + " AVD " + SURNAMES_NO[int(rng.integers(len(SURNAMES_NO)))][:4].upper(),
    ]
    k = int(rng.integers(0, 3))
    order = rng.permutation(len(cands))[:k]
    return [cands[i] for i in order]


def vendor_book(m: Member) -> dict[str, tuple[list[str], list[float], list[str]]]:
    """Local suppliers per category: (names, weights, NAICS each sells)."""
    return _all_books()[m.slug]


@lru_cache(maxsize=1)
def _all_books() -> dict[str, dict]:
    from ._vendors import core_name

    used = {core_name(v) for v in JOINT_VENDORS.values()}
    return {m.slug: _build_book(m, used) for m in NO_MEMBERS}


def _build_book(m: Member, used: set[str]) -> dict[str, tuple[list[str], list[float], list[str]]]:
    from ._vendors import core_name

    rng = rng_for("no_vendors", m.slug)
    book = {}
    for key, _art, basket, share, *_rest in CATS:
        ks = sorted(basket, key=lambda x: -basket[x])
        k = int(np.clip(round(2 + 20 * np.sqrt(share)), max(2, len(ks)), 8))
        names, sells = [], []
        for i in range(k):
            naics = ks[i % len(ks)]
            for _t in range(8):
                r = rng.random()
                trade = _trade_no(naics, rng)
                if r < 0.3:
                    nm = f"{m.place} {trade} AS"
                elif r < 0.45:
                    nm = f"Midtfjord {trade} AS"
                else:
                    nm = f"{SURNAMES_NO[int(rng.integers(len(SURNAMES_NO)))]} {trade} AS"
                if core_name(nm) not in used:
                    break
            else:
                nm = f"{nm[:-3]} {i + 2} AS"
            used.add(core_name(nm))
            names.append(nm)
            sells.append(naics)
        w = 1.0 / np.arange(1, k + 1) ** 1.1
        book[key] = (names, (w / w.sum()).tolist(), sells)
    return book


def _spellings(name: str) -> tuple[list[str], list[float]]:
    r = rng_for("no_spell", name)
    v = _variants_no(name, r)
    if not v:
        return [name], [1.0]
    p0 = 0.6
    return [name, *v], [p0] + [(1 - p0) / len(v)] * len(v)


def lgo_activity(m: Member) -> dict[str, float]:
    """Energy use of municipal operations (per year, base 2019)."""
    r = rng_for("no_lgo", m.slug)
    return {
        "elec_mwh": m.population * r.uniform(1.2, 1.7),
        "dh_mwh": m.population * r.uniform(0.0, 0.4) if r.random() < 0.6 else 0.0,
        "diesel_l": m.population * r.uniform(10, 16),
        "oil_l": m.population * r.uniform(0.3, 1.0),
    }


def lgo_inventory_no(m: Member) -> list[tuple[str, int, float]]:
    a = lgo_activity(m)
    elec_t = a["elec_mwh"] * m.grid_ef
    out = [
        ("buildings", 1, round(a["oil_l"] * 2.68 / 1000, 0)),
        ("buildings", 2, round(elec_t * 0.9 + a["dh_mwh"] * 0.06, 0)),
        ("streetlights", 2, round(elec_t * 0.05, 0)),
        ("fleet", 1, round(a["diesel_l"] * 2.66 / 1000, 0)),
        ("water_wastewater", 1, round(m.population * 0.012, 0)),
        ("water_wastewater", 2, round(elec_t * 0.05, 0)),
    ]
    return out


def _dates(rng, days, n):
    return days[rng.integers(0, len(days), n)]


def generate_year(m: Member, year: int) -> pd.DataFrame:
    """All ledger lines of a municipality-year (canonical fields + truth)."""
    rng = rng_for("no_ledger", m.slug, year)
    start, end = np.datetime64(f"{year}-01-01"), np.datetime64(f"{year}-12-31")
    days = business_days(start, end)
    pop = m.population * (1 + m.growth) ** (year - 2021)
    kpi = KPI_NO[year]
    T = pop * 100_000 * kpi * (1 + rng.normal(0, 0.02))
    N = int(m.lines * (1 + rng.normal(0, 0.03)))
    monthly = pd.date_range(start, end, freq="MS").to_numpy().astype("datetime64[D]")
    ans = {a[0]: a for a in ANSVAR}
    rows: list[dict] = []

    def add(
        kind,
        dates,
        vendor,
        account,
        ansvar,
        desc,
        cents,
        reason="",
        naics="",
        capital=0,
        joint="N",
        project="",
        vno="",
    ):
        n = len(dates)
        fns = []
        for a in np.broadcast_to(np.asarray(ansvar, dtype=object), (n,)):
            f = ans[a][2]
            fns.append(f[int(rng.integers(len(f)))])
        rows.append(
            pd.DataFrame(
                {
                    "kind": kind,
                    "date": dates,
                    "vendor": vendor,
                    "vendor_no": vno,
                    "account": account,
                    "ansvar": ansvar,
                    "function": fns,
                    "description": desc,
                    "cents": cents,
                    "t_reason": reason,
                    "t_naics": naics,
                    "t_capital": capital,
                    "joint": joint,
                    "project": project,
                }
            )
        )

    # payroll (internal postings, no vendor) and pensions
    payroll = T * 0.55
    units = [a[0] for a in ANSVAR]
    k = len(units)
    d = np.repeat(monthly + np.timedelta64(11, "D"), k)
    a = np.tile(np.array(units, dtype=object), 12)
    w = np.tile(rng.lognormal(0, 0.5, k), 12)
    base = payroll * 0.7 * w / w.sum()
    mnames = np.repeat(np.array(MONTHS_NO, dtype=object), k)
    add(
        "payroll",
        d,
        "",
        "0100",
        a,
        "Lønn " + mnames,
        np.round(base * 100 * rng.uniform(0.97, 1.03, len(d))).astype(np.int64),
        "payroll_benefits",
    )
    extra = rng.random(len(d)) < 0.35
    add(
        "payroll",
        d[extra],
        "",
        np.where(rng.random(int(extra.sum())) < 0.5, "0200", "0400"),
        a[extra],
        "Vikar/overtid " + mnames[extra],
        np.round(base[extra] * 100 * 0.08).astype(np.int64),
        "payroll_benefits",
    )
    bim = monthly[::2] + np.timedelta64(45, "D")
    add(
        "payroll",
        bim,
        "Skatteetaten",
        "0990",
        "1100",
        np.array([f"Arbeidsgiveravgift termin {i + 1}" for i in range(len(bim))], dtype=object),
        np.full(len(bim), int(payroll * 0.12 / len(bim) * 100)),
        "payroll_benefits",
        vno="10001",
    )
    add(
        "payroll",
        monthly + np.timedelta64(19, "D"),
        "KLP",
        "0900",
        "1100",
        "Pensjonspremie KLP " + np.array(MONTHS_NO, dtype=object),
        np.full(12, int(payroll * 0.1 / 12 * 100)),
        "payroll_benefits",
        vno="10002",
    )
    add(
        "payroll",
        monthly + np.timedelta64(19, "D"),
        "Statens pensjonskasse",
        "0900",
        "2100",
        "Pensjon SPK lærere " + np.array(MONTHS_NO, dtype=object),
        np.full(12, int(payroll * 0.03 / 12 * 100)),
        "payroll_benefits",
        vno="10003",
    )
    # energy
    act = lgo_activity(m)
    trend = (1 - 0.01) ** (year - 2019)
    elec = act["elec_mwh"] * 1000 * ELEC_NOK[year] * trend
    n_bld = int(np.clip(round(pop / 2500), 3, 9))
    bld = np.array(
        [
            "Rådhuset",
            f"{m.place} skole",
            f"{m.place} sykehjem",
            "Ungdomsskolen",
            "Barnehagen",
            "Vannverket",
            "Idrettshallen",
            "Kulturhuset",
            "Renseanlegget",
        ][:n_bld],
        dtype=object,
    )
    bld_ans = np.array(
        ["4300", "2100", "3100", "2110", "2200", "4100", "5100", "5100", "4100"][:n_bld],
        dtype=object,
    )
    bi = np.repeat(np.arange(n_bld), 12)
    dd = np.tile(monthly + np.timedelta64(14, "D"), n_bld)
    season = 1.4 + np.cos((pd.DatetimeIndex(dd).month.to_numpy() - 1) / 12 * 2 * np.pi) * (
        0.5 if year != 2021 else 0.8
    )
    wb = rng.lognormal(0, 0.6, n_bld)[bi] * season
    c_el = np.round(wb / wb.sum() * elec * 0.62 * 100).astype(np.int64)
    mn = np.array(MONTHS_NO, dtype=object)[pd.DatetimeIndex(dd).month.to_numpy() - 1]
    add(
        "energy",
        dd,
        "Midtfjord Kraft AS",
        "1801",
        bld_ans[bi],
        "Strøm " + mn + " " + bld[bi],
        c_el,
        "scope12_electricity",
        vno="20011",
    )
    c_nl = np.round(wb / wb.sum() * elec * 0.38 * 100).astype(np.int64)
    add(
        "energy",
        dd + np.timedelta64(3, "D"),
        "Fjordnett AS",
        "1801",
        bld_ans[bi],
        "Nettleie " + mn + " " + bld[bi],
        c_nl,
        "scope12_electricity",
        vno="20012",
    )
    if act["dh_mwh"] > 0:
        dh = act["dh_mwh"] * 1000 * 0.75 * kpi
        s = 1.4 + np.cos((pd.DatetimeIndex(monthly).month.to_numpy() - 1) / 12 * 2 * np.pi)
        add(
            "energy",
            monthly + np.timedelta64(16, "D"),
            "Midtfjord Fjernvarme AS",
            "1802",
            "4300",
            "Fjernvarme " + np.array(MONTHS_NO, dtype=object),
            np.round(s / s.sum() * dh * 100).astype(np.int64),
            "scope12_district_heat",
            vno="20013",
        )
    fuel = act["diesel_l"] * DIESEL_NOK_L[year]
    nf = 24
    fd = np.sort(_dates(rng, days, nf))
    add(
        "energy",
        fd,
        JOINT_VENDORS["drivstoff"],
        "1701",
        np.array(["4200", "3200"], dtype=object)[rng.integers(0, 2, nf)],
        np.array(
            ["Drivstoff kommunale biler", "Diesel anleggsmaskiner"]
            + [f"Drivstoff {x}" for x in MONTHS_NO],
            dtype=object,
        )[rng.integers(0, 14, nf)],
        np.round(rng.lognormal(0, 0.4, nf) / 1 * fuel / nf * 100 / np.exp(0.08)).astype(np.int64),
        "scope12_fuel",
        "324110",
        joint="J",
        vno="20014",
    )
    if year == 2019:
        add(
            "energy",
            _dates(rng, days, 3),
            "Fjordolje AS",
            "1803",
            "4300",
            "Fyringsolje",
            np.round(np.full(3, act["oil_l"] * 11.5 / 3 * 100)).astype(np.int64),
            "scope12_fuel",
            "324110",
            vno="20015",
        )
    # grants and transfers
    kinder = [f"{s} barnehage SA" for s in ("Eventyrskogen", "Solstua", "Trollhaugen")]
    ng = 12 * 3
    add(
        "grant",
        np.repeat(monthly + np.timedelta64(5, "D"), 3),
        np.tile(np.array(kinder, dtype=object), 12),
        "4700",
        "2200",
        "Tilskudd private barnehager " + np.repeat(np.array(MONTHS_NO, dtype=object), 3),
        np.round(np.full(ng, T * 0.045 / ng * 100)).astype(np.int64),
        "grant_passthrough",
    )
    clubs = np.array(
        [
            f"{m.place} IL",
            f"{m.place} Musikkorps",
            "Frivilligsentralen",
            "Pensjonistforeningen",
            "Historielaget",
            "Røde Kors Hjelpekorps",
        ],
        dtype=object,
    )
    nc = int(N * 0.01)
    add(
        "grant",
        _dates(rng, days, nc),
        clubs[rng.integers(0, len(clubs), nc)],
        "4700",
        "5100",
        np.array(["Tilskudd lag og foreninger", "Kulturtilskudd", "Driftstilskudd"], dtype=object)[
            rng.integers(0, 3, nc)
        ],
        np.round(rng.lognormal(np.log(T * 0.004 / max(nc, 1)), 0.8, nc) * 100).astype(np.int64),
        "grant_passthrough",
    )
    others = [x for x in NO_MEMBERS if x.slug != m.slug]
    host = others[int(rng_for("host", m.slug).integers(len(others)))]
    add(
        "grant",
        monthly[::3] + np.timedelta64(20, "D"),
        host.name,
        "4500",
        "1000",
        "Vertskommunesamarbeid kvartal " + np.array(["1", "2", "3", "4"], dtype=object),
        np.full(4, int(T * 0.008 / 4 * 100)),
        "grant_passthrough",
        vno="30001",
    )
    add(
        "tax_fee",
        monthly[::2] + np.timedelta64(40, "D"),
        "Skatteetaten",
        "4290",
        "1100",
        "Merverdiavgift utenfor mva-loven",
        np.full(6, int(T * 0.004 / 6 * 100)),
        "tax_fee_government",
        vno="10001",
    )
    add(
        "tax_fee",
        _dates(rng, days, 6),
        "Statens vegvesen",
        "4000",
        "4200",
        "Gebyr Statens vegvesen",
        np.round(rng.lognormal(np.log(8000), 0.5, 6) * 100).astype(np.int64),
        "tax_fee_government",
        vno="30002",
    )
    # debt
    q = monthly[2::3] + np.timedelta64(25, "D")
    add(
        "debt",
        q,
        "Kommunalbanken AS",
        "5000",
        "1100",
        "Renter lån " + np.array(["Q1", "Q2", "Q3", "Q4"], dtype=object),
        np.full(4, int(T * 0.012 / 4 * 100)),
        "debt_service",
        vno="30003",
    )
    add(
        "debt",
        q[[1, 3]],
        "Kommunalbanken AS",
        "5100",
        "1100",
        "Avdrag lån " + np.array(["1. halvår", "2. halvår"], dtype=object),
        np.full(2, int(T * 0.025 / 2 * 100)),
        "debt_service",
        vno="30003",
    )
    add(
        "debt",
        q[[1, 3]],
        "KLP Kommunekreditt AS",
        "5000",
        "1100",
        "Renter og avdrag startlån",
        np.full(2, int(T * 0.006 / 2 * 100)),
        "debt_service",
        vno="30004",
    )
    add(
        "transfer",
        np.array([end - np.timedelta64(3, "D")]),
        "",
        "5700",
        "1100",
        "Overføring til investeringsregnskapet",
        np.array([int(T * 0.02 * 100)]),
        "transfer",
    )
    # refunds to residents
    nr = int(N * 0.015)
    people = np.array(
        [
            f"{s} {f}"
            for s, f in zip(
                rng.choice(SURNAMES_NO, nr),
                rng.choice(
                    [
                        "Kari",
                        "Ola",
                        "Ingrid",
                        "Lars",
                        "Nora",
                        "Emil",
                        "Sara",
                        "Jonas",
                        "Aisha",
                        "Mohammed",
                        "Sofie",
                        "Henrik",
                    ],
                    nr,
                ),
                strict=True,
            )
        ],
        dtype=object,
    )
    add(
        "refund",
        _dates(rng, days, nr),
        people,
        "6000",
        np.array(["2200", "2100", "4100"], dtype=object)[rng.integers(0, 3, nr)],
        np.array(
            [
                "Tilbakebetaling foreldrebetaling",
                "Refusjon SFO",
                "Tilbakebetaling for mye innbetalt",
                "Tilbakebetaling kommunale avgifter",
            ],
            dtype=object,
        )[rng.integers(0, 4, nr)],
        np.round(rng.lognormal(np.log(1800), 0.7, nr) * 100).astype(np.int64),
        "refund",
    )
    # land (investment)
    if rng.random() < 0.6:
        add(
            "land",
            _dates(rng, days, 1),
            f"{rng.choice(SURNAMES_NO)} {rng.choice(['Kari', 'Ola', 'Per'])}",
            "2800",
            "4300",
            f"Kjøp av tomt gnr {int(rng.integers(1, 90))} bnr {int(rng.integers(1, 300))}",
            np.array([int(rng.uniform(4e5, 3e6) * 100)]),
            "land",
            capital=1,
            project=f"P{int(rng.integers(1000, 9999))}",
        )
    fixed = pd.concat(rows, ignore_index=True)
    # purchases
    P = T * 0.29
    cap_share = float(np.clip(0.33 * np.exp(rng.normal(0, 0.15)), 0.2, 0.45))
    n_p = max(800, N - len(fixed))
    book = vendor_book(m)
    share = np.array([c[3] for c in CATS])
    capc = np.array([c[7] for c in CATS])
    typ = np.array([c[4] for c in CATS])
    w = np.where(
        capc == 1,
        share / share[capc == 1].sum() * cap_share,
        share / share[capc == 0].sum() * (1 - cap_share),
    )
    q = w / typ
    counts = rng.multinomial(n_p, q / q.sum())
    prow = []
    for i in np.flatnonzero(counts):
        key, art, basket, _s, typv, descs, ansv, capital, jkey = CATS[i]
        kk = counts[i]
        ks = list(basket)
        pk = np.array([basket[x] for x in ks])
        names, nw, sells = book[key]
        vi = rng.choice(len(names), kk, p=nw)
        vend = np.array(names, dtype=object)[vi]
        naics = np.array(sells, dtype=object)[vi]
        joint = np.full(kk, "N", dtype=object)
        if jkey:
            # joint-agreement supplier: sells the whole basket of the category
            j = rng.random(kk) < 0.75
            jv = JOINT_VENDORS[jkey]
            vend[j] = jv
            joint[j] = "J"
            # mostly its main product, sometimes the rest of the category's basket
            other = np.array(ks, dtype=object)[rng.choice(len(ks), int(j.sum()), p=pk / pk.sum())]
            naics[j] = np.where(rng.random(int(j.sum())) < 0.8, JOINT_PRIMARY.get(jv, ks[0]), other)
        spelled = np.empty(kk, dtype=object)
        for t, v in enumerate(vend):
            sp, pr = _spellings(v)
            spelled[t] = sp[int(rng.choice(len(sp), p=pr))]
        vno = np.array([str(20100 + (zlib_crc(v) % 8000)) for v in vend], dtype=object)
        dates = _dates(rng, days, kk)
        desc = np.array(
            [
                NO_DESC[c][int(rng.integers(len(NO_DESC[c])))]
                if c in NO_DESC and len(ks) > 1
                else descs[int(rng.integers(len(descs)))]
                for c in naics
            ],
            dtype=object,
        )
        mi = pd.DatetimeIndex(dates).month.to_numpy() - 1
        desc = np.array(
            [
                dsc.replace("{month}", MONTHS_NO[x]).replace("{n}", str(int(rng.integers(1, 40))))
                for dsc, x in zip(desc, mi, strict=True)
            ],
            dtype=object,
        )
        blank = rng.random(kk) < 0.04
        desc[blank] = ""
        cents = np.maximum(100, np.round(rng.lognormal(np.log(typv) - 0.5, 1.0, kk) * 100)).astype(
            np.int64
        )
        ansvar = np.array(ansv, dtype=object)[rng.integers(0, len(ansv), kk)]
        project = np.array(
            [f"P{1000 + zlib_crc(key) % 9000}" if capital else "" for _ in range(kk)], dtype=object
        )
        fns = [ans[a][2][int(rng.integers(len(ans[a][2])))] for a in ansvar]
        prow.append(
            pd.DataFrame(
                {
                    "kind": "purchase",
                    "date": dates,
                    "vendor": spelled,
                    "vendor_no": vno,
                    "account": art,
                    "ansvar": ansvar,
                    "function": fns,
                    "description": desc,
                    "cents": cents,
                    "t_reason": "",
                    "t_naics": naics,
                    "t_capital": capital,
                    "joint": joint,
                    "project": project,
                    "canonical": vend,
                }
            )
        )
    purch = pd.concat(prow, ignore_index=True)
    cap = purch["t_capital"].to_numpy() == 1
    for mask, tot in ((~cap, P * (1 - cap_share)), (cap, P * cap_share)):
        s = purch.loc[mask, "cents"].sum()
        purch.loc[mask, "cents"] = np.maximum(
            1, np.round(purch.loc[mask, "cents"].to_numpy() * tot * 100 / s)
        ).astype(np.int64)
    # credit notes and exact duplicates
    cr = (rng.random(len(purch)) < 0.01) & ~cap
    purch.loc[cr, "cents"] = -(purch.loc[cr, "cents"] // 3)
    purch.loc[cr, "description"] = "Kreditnota " + purch.loc[cr, "description"].astype(str)
    df = pd.concat([purch, fixed], ignore_index=True)
    df["t_status"] = np.where(df["t_reason"] == "", "included", "excluded")
    dpick = rng.choice(
        np.flatnonzero((df["kind"] == "purchase").to_numpy() & (df["cents"].to_numpy() > 0)),
        size=max(2, int(len(df) * 0.003)),
        replace=False,
    )
    dup = df.iloc[np.sort(dpick)].copy()
    dup["t_status"], dup["t_reason"] = "excluded", "duplicate"
    dup["dup_of"] = np.sort(dpick)
    df["dup_of"] = -1
    df = pd.concat([df, dup], ignore_index=True)
    df["description"] = df["description"].astype(str)
    df["_ord"] = np.arange(len(df))
    df = df.sort_values(["date", "_ord"], kind="stable", ignore_index=True)
    # voucher numbers: one per (date, vendor); duplicates share their source's voucher
    key = df["date"].astype(str) + "|" + df["vendor"].astype(str) + "|" + df["kind"]
    codes, _ = pd.factorize(key)
    df["payment"] = (year % 100 * 100000 + 1 + codes).astype(str)
    df["capital_flag"] = np.where(df["t_capital"] == 1, "J", "N")
    df["dept_full"] = [f"{a} {ans[a][1].replace('{P}', m.place)}" for a in df["ansvar"]]
    df["period_no"] = pd.DatetimeIndex(df["date"]).strftime("%Y%m")
    df["vendor_no"] = df["vendor_no"].fillna("").astype(str)
    df.loc[df["vendor"] == "", "vendor_no"] = ""
    df["t_capital"] = df["t_capital"].astype(int)
    return df.drop(columns=["_ord"])


def zlib_crc(s: str) -> int:
    import zlib

    return zlib.crc32(s.encode("utf-8"))


def kostra_chart() -> pd.DataFrame:
    rows = []
    for code, (desc, naics, reason) in KOSTRA.items():
        if reason:
            conf = 0.95
        elif len(naics) == 6:
            conf = 0.7
        elif naics:
            conf = 0.4
        else:
            conf = 0.0
        rows.append((code, desc, naics, reason, 0, conf))
    return pd.DataFrame(
        rows,
        columns=["object_code", "description", "naics6", "exclude_reason", "capital", "confidence"],
    )


__all__ = [
    "COOPERATION",
    "generate_year",
    "kostra_chart",
    "lgo_inventory_no",
    "vendor_book",
    "JOINT_VENDORS",
]
