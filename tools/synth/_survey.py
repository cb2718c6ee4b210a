"""Session 2: the department spend survey (instrument, returned workbooks, truth).

Layout of a returned workbook (documented in datasets/README.md):

* sheet ``Survey``: header row 1 ``question_id, category, naics6, question,
  unit, answer, comment``; one row per question of the instrument, in order.
  ``unit`` is pre-filled from the instrument; respondents sometimes overwrite
  it. ``answer`` is a number, ``yes``/``no``, or text (and sometimes text
  where a number belongs).
* sheet ``Department``: header row 1 ``field, value``; rows ``department``,
  ``contact``, ``email``, ``date`` (date returned, an Excel date),
  ``fiscal_year``, ``member``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from ._spec import Member, dept_name
from ._util import rng_for, save_openpyxl

# question_id, category, naics6, question, unit, required, skip_if, help_text, spend codes, unit price (USD)
QUESTIONS: tuple[tuple[str, str, str, str, str, int, str, str, tuple[str, ...], float], ...] = (
    (
        "Q01",
        "general",
        "",
        "Does your department hold one or more purchasing cards (P-cards)?",
        "yes/no",
        1,
        "",
        "Answer yes or no.",
        (),
        0,
    ),
    (
        "Q02",
        "general",
        "",
        "Total P-card spend of your department in the fiscal year",
        "USD",
        1,
        "Q01=no",
        "From the monthly card statements; whole dollars, no currency sign.",
        (),
        0,
    ),
    (
        "Q03",
        "fleet",
        "336112",
        "Number of light vehicles (cars, SUVs, pickups) your department operates",
        "count",
        1,
        "",
        "Count vehicles assigned to your department at year end.",
        (),
        0,
    ),
    (
        "Q04",
        "fleet",
        "336112",
        "Number of light vehicles purchased or leased this fiscal year",
        "count",
        0,
        "Q03=0",
        "New or replacement vehicles only.",
        (),
        0,
    ),
    (
        "Q05",
        "fuel",
        "324110",
        "Fuel bought outside the central fuel system (P-card or vendor fill-ups)",
        "gal",
        0,
        "Q03=0",
        "US gallons of gasoline and diesel. Fuel is Scope 1: asked only to reconcile with the LGO inventory.",
        (),
        3.6,
    ),
    (
        "Q06",
        "construction materials",
        "324121",
        "Hot-mix asphalt purchased",
        "short tons",
        0,
        "",
        "Tons on the delivery tickets (1 short ton = 2,000 lb).",
        ("324121",),
        85.0,
    ),
    (
        "Q07",
        "construction materials",
        "327320",
        "Ready-mix concrete purchased",
        "cubic yards",
        0,
        "",
        "Cubic yards delivered.",
        ("327320",),
        150.0,
    ),
    (
        "Q08",
        "construction materials",
        "212393",
        "Road salt purchased",
        "short tons",
        0,
        "",
        "Tons of rock salt for de-icing.",
        ("212393",),
        75.0,
    ),
    (
        "Q09",
        "office",
        "322121",
        "Copy paper purchased",
        "reams",
        0,
        "",
        "One ream = 500 sheets.",
        ("322121",),
        6.0,
    ),
    (
        "Q10",
        "IT",
        "334111",
        "Laptop and desktop computers purchased",
        "count",
        0,
        "",
        "Units, including those bought by IT for you.",
        ("334111",),
        1200.0,
    ),
    (
        "Q11",
        "contracts",
        "",
        "Contracts you manage that another department pays (name and annual value)",
        "text",
        0,
        "",
        "e.g. 'Janitorial, paid by Facilities, about $120,000'.",
        (),
        0,
    ),
    (
        "Q12",
        "food",
        "311",
        "Food and meals purchased",
        "USD",
        0,
        "",
        "Groceries, catering, meals served in programs or facilities.",
        (
            "311612",
            "311611",
            "311421",
            "311422",
            "311511",
            "311812",
            "311920",
            "722310",
            "722320",
            "722511",
            "722513",
        ),
        1.0,
    ),
    (
        "Q13",
        "uniforms",
        "315280",
        "Uniforms and work clothing purchased or rented",
        "USD",
        0,
        "",
        "Include uniform rental services.",
        ("315280", "315220", "315990", "812332"),
        1.0,
    ),
    (
        "Q14",
        "chemicals",
        "325180",
        "Water and wastewater treatment chemicals purchased",
        "short tons",
        0,
        "",
        "Chlorine, hypochlorite, alum, ferric chloride, caustic soda.",
        ("325180",),
        600.0,
    ),
    (
        "Q15",
        "services",
        "561720",
        "Annual value of janitorial and custodial contracts",
        "USD",
        0,
        "",
        "Contract value paid in the fiscal year.",
        ("561720",),
        1.0,
    ),
    (
        "Q16",
        "services",
        "561730",
        "Annual value of landscaping, mowing and tree contracts",
        "USD",
        0,
        "",
        "Contract value paid in the fiscal year.",
        ("561730", "115310"),
        1.0,
    ),
    (
        "Q17",
        "travel",
        "481111",
        "Air travel: number of round trips",
        "count",
        0,
        "",
        "Count each round trip once.",
        ("481111",),
        450.0,
    ),
    (
        "Q18",
        "travel",
        "721110",
        "Hotel nights",
        "nights",
        0,
        "",
        "Room nights paid by your department.",
        ("721110",),
        180.0,
    ),
    (
        "Q19",
        "capital",
        "237310",
        "Road and bridge construction paid this fiscal year",
        "USD",
        0,
        "",
        "Progress payments to contractors on capital projects.",
        ("237310",),
        1.0,
    ),
    (
        "Q20",
        "suppliers",
        "",
        "Your three largest suppliers by spend (names)",
        "text",
        1,
        "",
        "Names as they appear on invoices; separate with semicolons.",
        (),
        0,
    ),
    (
        "Q21",
        "suppliers",
        "",
        "Do any of your suppliers provide Environmental Product Declarations (EPDs)?",
        "yes/no/unknown",
        0,
        "",
        "An EPD is a verified life-cycle report for a product (e.g. concrete, asphalt).",
        (),
        0,
    ),
)

VEHICLES = {
    "POLICE": 0.45,
    "FIRE": 0.12,
    "STREETS": 0.25,
    "PARKS": 0.2,
    "WATER": 0.18,
    "SEWER": 0.12,
    "FACIL": 0.1,
    "IT": 0.02,
    "LIB": 0.02,
    "FLEET": 0.05,
    "SW": 0.15,
}
SURVEY_DEPTS = (
    "STREETS",
    "PARKS",
    "POLICE",
    "FIRE",
    "FACIL",
    "IT",
    "WATER",
    "LIB",
    "JAIL",
    "FLEET",
)
CONTACTS = (
    "J. Alvarez",
    "P. Nakamura",
    "R. Okafor",
    "S. Lindqvist",
    "M. Brennan",
    "T. Castillo",
    "K. Whitaker",
    "D. Huang",
    "L. Patel",
    "A. Forsythe",
)


def instrument_table() -> pd.DataFrame:
    return pd.DataFrame(
        [q[:8] for q in QUESTIONS],
        columns=[
            "question_id",
            "category",
            "naics6",
            "question",
            "unit",
            "required",
            "skip_if",
            "help_text",
        ],
    )


def _slug(s: str) -> str:
    import re

    return re.sub(r"_+", "_", "".join(c.lower() if c.isalnum() else "_" for c in s)).strip("_")


def write_returns(
    root: Path, m: Member, fy: int, lines: pd.DataFrame, pcard: pd.DataFrame | None
) -> pd.DataFrame:
    """Write returned workbooks and the distribution list; return the survey truth."""
    import openpyxl

    rng = rng_for("survey", m.slug, fy)
    have = set(lines["dept"].unique())
    depts = [d for d in SURVEY_DEPTS if d in have][:8]
    silent = depts[int(rng.integers(len(depts)))]
    inc = lines[(lines["t_status"] == "included")]
    spend = inc.groupby(["dept", "t_naics"])["cents"].sum() / 100.0
    pc_spend = (pcard.groupby("dept")["cents"].sum() / 100.0) if pcard is not None else None
    pc_fuel = (
        (pcard[pcard["t_reason"] == "scope12_fuel"].groupby("dept")["cents"].sum() / 100.0)
        if pcard is not None
        else None
    )
    out_dir = root / "survey" / "returns" / m.slug
    dist, truth = [], []
    sent = datetime(fy, 3, 1) if m.fy_start_month == 7 else datetime(fy, 2, 1)
    for di, d in enumerate(depts):
        name = dept_name(m, d)
        contact = CONTACTS[(di + len(m.slug)) % len(CONTACTS)]
        email = contact.replace(". ", ".").lower() + "@" + m.slug.replace("_", "") + ".example.gov"
        fname = f"{m.slug}_survey_FY{fy}_{_slug(name)}.xlsx"
        returned = d != silent
        dist.append(
            (
                name,
                contact,
                email,
                sent.date().isoformat(),
                datetime(fy, 3, 31 if m.fy_start_month == 7 else 28).date().isoformat(),
                "yes" if returned else "no",
                fname if returned else "",
            )
        )

        # true answers
        def sp(codes, d=d):
            return float(sum(spend.get((d, c), 0.0) for c in codes))

        vehicles = int(round(VEHICLES.get(d, 0.03) * m.population / 1000 * rng.uniform(0.7, 1.3)))
        has_card = d not in ("JAIL",) and rng.random() < 0.9
        card = (
            float(pc_spend.get(d, 0.0)) if pc_spend is not None else float(rng.uniform(4000, 60000))
        )
        fuel_gal = (
            (float(pc_fuel.get(d, 0.0)) / 3.6)
            if pc_fuel is not None
            else float(rng.uniform(0, 400))
        )
        vend = (
            inc[inc["dept"] == d]
            .groupby("vendor")["cents"]
            .sum()
            .sort_values(ascending=False)
            .head(3)
            .index.tolist()
        )
        true = {}
        for q in QUESTIONS:
            qid, codes, price = q[0], q[8], q[9]
            if qid == "Q01":
                true[qid] = "yes" if has_card else "no"
            elif qid == "Q02":
                true[qid] = round(card) if has_card else None
            elif qid == "Q03":
                true[qid] = vehicles
            elif qid == "Q04":
                true[qid] = int(round(vehicles / 8 * rng.uniform(0.5, 1.5))) if vehicles else None
            elif qid == "Q05":
                true[qid] = int(round(fuel_gal)) if vehicles else None
            elif qid == "Q11":
                true[qid] = (
                    f"Janitorial contract, paid by Facilities, about ${round(rng.uniform(40, 200) * 1000, -3):.0f}"
                    if d in ("LIB", "PARKS", "POLICE") and rng.random() < 0.6
                    else ""
                )
            elif qid == "Q20":
                true[qid] = "; ".join(vend)
            elif qid == "Q21":
                true[qid] = ["no", "unknown", "yes"][int(rng.choice(3, p=[0.5, 0.35, 0.15]))]
            elif codes:
                v = sp(codes)
                true[qid] = int(round(v / price)) if price != 1.0 else int(round(v))
            else:
                true[qid] = None
        # answers as given, with the flaws of real returns
        given = {q[0]: (true[q[0]], q[4], "", "ok") for q in QUESTIONS}
        for qid, (v, u, _c, _s) in list(given.items()):
            if v is None:
                given[qid] = ("", u, "", "skipped" if qid in ("Q02", "Q04", "Q05") else "ok")
            elif v == 0:
                given[qid] = (0, u, "", "ok")
        numeric = [
            q[0]
            for q in QUESTIONS
            if q[4] not in ("yes/no", "yes/no/unknown", "text")
            and isinstance(true[q[0]], int)
            and true[q[0]] > 0
        ]
        n_flaws = int(rng.integers(2, 5))
        kinds = rng.choice(
            ["missing_required", "wrong_unit", "text_in_number", "wrong_unit", "text_in_number"],
            size=n_flaws,
            replace=True,
        )
        for k in kinds:
            if k == "missing_required":
                qid = ["Q01", "Q03", "Q20"][int(rng.integers(3))]
                given[qid] = ("", given[qid][1], "", "missing_required")
            elif k == "wrong_unit" and numeric:
                qid = numeric[int(rng.integers(len(numeric)))]
                v, u = true[qid], given[qid][1]
                if u == "short tons":
                    given[qid] = (v * 2000, "lbs", "", "wrong_unit")
                elif u == "gal":
                    given[qid] = (round(v * 3.785), "liters", "", "wrong_unit")
                elif u == "USD":
                    given[qid] = (round(v / 1000, 1), "$ thousands", "in thousands", "wrong_unit")
                elif u == "cubic yards":
                    given[qid] = (round(v * 0.7646, 1), "m3", "", "wrong_unit")
                else:
                    given[qid] = (v, u, "", "ok")
            elif k == "text_in_number" and numeric:
                qid = numeric[int(rng.integers(len(numeric)))]
                v = true[qid]
                forms = [
                    f"approx {v}",
                    f"~{v:,}",
                    f"{v:,} {given[qid][1]}",
                    "see attached",
                    "n/a - ask Finance",
                    f"{v}?",
                ]
                given[qid] = (
                    forms[int(rng.integers(len(forms)))],
                    given[qid][1],
                    "",
                    "text_in_number",
                )
        if given["Q02"][3] == "ok" and true["Q01"] == "no":
            given["Q02"] = ("", "USD", "", "skipped")
        if returned:
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "Survey"
            ws.append(
                ["question_id", "category", "naics6", "question", "unit", "answer", "comment"]
            )
            for q in QUESTIONS:
                v, u, c, _s = given[q[0]]
                ws.append([q[0], q[1], q[2], q[3], u, v if v != "" else None, c or None])
            for col, w in zip("ABCDEFG", (12, 22, 9, 70, 14, 30, 30), strict=True):
                ws.column_dimensions[col].width = w
            ws2 = wb.create_sheet("Department")
            ws2.append(["field", "value"])
            ws2.append(["department", name])
            ws2.append(["contact", contact])
            ws2.append(["email", email])
            ws2.append(["date", datetime(fy, 3, 5 + int(rng.integers(0, 40)) % 23)])
            ws2.cell(row=5, column=2).number_format = "yyyy-mm-dd"
            ws2.append(["fiscal_year", fy])
            ws2.append(["member", m.name])
            save_openpyxl(wb, out_dir / fname)
        for q in QUESTIONS:
            v, u, c, status = given[q[0]]
            tv = true[q[0]]
            truth.append(
                (
                    m.slug,
                    fy,
                    name,
                    fname if returned else "",
                    q[0],
                    "" if not returned else ("" if v is None else str(v)),
                    u if returned else "",
                    status if returned else "not_returned",
                    "" if tv is None else str(tv),
                    q[4],
                )
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        dist, columns=["department", "contact", "email", "sent", "due", "returned", "file"]
    ).to_csv(out_dir / "distribution.csv", index=False, lineterminator="\n")
    return pd.DataFrame(
        truth,
        columns=[
            "member",
            "fiscal_year",
            "department",
            "file",
            "question_id",
            "answer_given",
            "unit_given",
            "issue",
            "true_value",
            "true_unit",
        ],
    )
