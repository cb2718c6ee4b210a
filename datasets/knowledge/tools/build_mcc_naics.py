"""Build ``datasets/knowledge/mcc_naics.csv``: a NAICS 2017 code or an exclusion for every MCC.

The merchant category codes come from the public MCC list that the project registers
(``mcc/mcc_codes.csv``, greggles/mcc-codes, Unlicense). Only the codes are used: the
descriptions stay in that file and are not copied into our table. The mapping below is
the project's own judgement of what a purchasing-card line with that MCC buys.

Usage (from the repository root)::

    COHORT_DATA_DIR=../shared/data python datasets/knowledge/tools/build_mcc_naics.py

It fails if an MCC of the list has no mapping, if a mapping names a code the list does
not have, or if a NAICS code is not in the Census 2017 list (``check_knowledge.py``
repeats the last check on the committed CSV).

How to change a mapping: edit ``MAP`` (or ``RANGES``), run this script, run
``check_knowledge.py``, commit both files.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "mcc_naics.csv"
LIST = "greggles/mcc-codes (Unlicense)"

#: Blocks of codes assigned to single merchants (airlines, car rental firms, hotel chains).
RANGES = [
    (3000, 3299, "481111", 0.85, "airline"),
    (3351, 3500, "532111", 0.85, "car rental company"),
    (3501, 3999, "721110", 0.85, "hotel or motel chain"),
]

#: MCC -> (NAICS code or exclusion reason, confidence, what the merchant sells, in our words).
MAP: dict[str, tuple[str, float, str]] = {
    "0742": ("541940", 0.85, "veterinary services"),
    "0763": ("GSLGO", 0.3, "farm cooperative (mixed farm supplies)"),
    "0780": ("561730", 0.8, "landscaping"),
    "1520": ("236", 0.6, "building contractors"),
    "1711": ("238220", 0.8, "HVAC and plumbing contractors"),
    "1731": ("238210", 0.85, "electrical contractors"),
    "1740": ("238140", 0.5, "masonry, plaster and insulation contractors"),
    "1750": ("238350", 0.8, "carpentry"),
    "1761": ("238160", 0.8, "roofing and siding"),
    "1771": ("238110", 0.8, "concrete contractors"),
    "1799": ("238990", 0.6, "other trade contractors"),
    "2741": ("323111", 0.55, "publishing and printing"),
    "2791": ("323120", 0.8, "prepress services"),
    "2842": ("325612", 0.8, "cleaning preparations"),
    "4011": ("482111", 0.7, "rail freight"),
    "4111": ("4851", 0.6, "local passenger transport (commuter rail, ferries, buses)"),
    "4112": ("482111", 0.85, "passenger rail"),
    "4119": ("621910", 0.9, "ambulance"),
    "4121": ("485310", 0.85, "taxis and limousines"),
    "4131": ("485", 0.6, "bus lines and charters"),
    "4214": ("484", 0.7, "trucking, moving and storage"),
    "4215": ("492110", 0.85, "couriers"),
    "4225": ("493", 0.75, "warehousing and storage"),
    "4411": ("483112", 0.7, "cruise and steamship lines"),
    "4457": ("532284", 0.7, "boat rental"),
    "4468": ("713930", 0.6, "marinas"),
    "4511": ("481111", 0.9, "airlines"),
    "4582": ("488119", 0.6, "airport services and fees"),
    "4722": ("561510", 0.5, "travel agencies (fares passed through)"),
    "4723": ("561520", 0.7, "tour operators"),
    "4784": ("488490", 0.6, "road and bridge tolls"),
    "4789": ("488999", 0.4, "other transport services"),
    "4812": ("517312", 0.6, "phones and wireless service"),
    "4814": ("517", 0.75, "telecommunication services"),
    "4815": ("517", 0.6, "telephone service"),
    "4816": ("518210", 0.55, "online and network services"),
    "4821": ("517", 0.5, "telegraph services"),
    "4829": ("financial_other", 0.7, "money transfer"),
    "4899": ("517311", 0.65, "cable and pay television"),
    "4900": (
        "scope12_electricity",
        0.45,
        "utilities (electricity, gas, water or refuse: mostly electricity)",
    ),
    "5013": ("336390", 0.7, "vehicle parts"),
    "5021": ("337214", 0.75, "office furniture"),
    "5039": ("327", 0.5, "construction materials"),
    "5044": ("333316", 0.7, "office and photocopy equipment"),
    "5045": ("334111", 0.6, "computers and software"),
    "5046": ("333", 0.45, "commercial equipment"),
    "5047": ("3391", 0.65, "medical and dental equipment and supplies"),
    "5051": ("331", 0.6, "metals"),
    "5065": ("335", 0.55, "electrical parts and equipment"),
    "5072": ("332510", 0.6, "hardware"),
    "5074": ("332913", 0.55, "plumbing and heating equipment"),
    "5085": ("332", 0.45, "industrial supplies"),
    "5094": ("339910", 0.8, "jewellery and watches"),
    "5099": ("GSLGO", 0.25, "durable goods of unknown kind"),
    "5111": ("339940", 0.7, "stationery and office supplies"),
    "5122": ("325412", 0.8, "drugs"),
    "5131": ("313", 0.65, "fabrics and notions"),
    "5137": ("3152", 0.8, "uniforms and work clothing"),
    "5139": ("316210", 0.8, "footwear"),
    "5169": ("325", 0.7, "chemicals"),
    "5172": ("scope12_fuel", 0.8, "petroleum products (fuel)"),
    "5192": ("5111", 0.75, "books and periodicals"),
    "5193": ("1114", 0.7, "nursery stock and flowers"),
    "5198": ("325510", 0.85, "paint"),
    "5199": ("GSLGO", 0.25, "nondurable goods of unknown kind"),
    "5200": ("327", 0.3, "home-improvement warehouse (mixed)"),
    "5211": ("321", 0.45, "lumber and building materials"),
    "5231": ("325510", 0.6, "paint and glass"),
    "5251": ("332510", 0.55, "hardware store"),
    "5261": ("1114", 0.5, "garden centre"),
    "5271": ("321991", 0.8, "manufactured homes"),
    "5300": ("GSLGO", 0.2, "warehouse club (mixed)"),
    "5309": ("GSLGO", 0.2, "duty-free shop (mixed)"),
    "5310": ("GSLGO", 0.2, "discount store (mixed)"),
    "5311": ("GSLGO", 0.25, "department store (mixed)"),
    "5331": ("GSLGO", 0.25, "variety store (mixed)"),
    "5399": ("GSLGO", 0.2, "general merchandise (mixed)"),
    "5411": ("311", 0.6, "grocery (food)"),
    "5422": ("311611", 0.75, "meat"),
    "5441": ("3113", 0.7, "confectionery"),
    "5451": ("311511", 0.75, "dairy"),
    "5462": ("311811", 0.7, "bakery"),
    "5499": ("311", 0.5, "food and convenience stores"),
    "5511": ("336111", 0.55, "vehicle dealer (vehicles, parts and repairs)"),
    "5521": ("336111", 0.4, "used vehicle dealer"),
    "5531": ("336390", 0.6, "auto supply store"),
    "5532": ("326211", 0.8, "tyres"),
    "5533": ("336390", 0.75, "auto parts"),
    "5541": ("scope12_fuel", 0.8, "fuel at service stations (Scope 1)"),
    "5542": ("scope12_fuel", 0.92, "automated fuel dispensers (Scope 1)"),
    "5551": ("336612", 0.8, "boats"),
    "5561": ("336214", 0.7, "trailers and campers"),
    "5571": ("336991", 0.8, "motorcycles"),
    "5592": ("336213", 0.8, "motor homes"),
    "5598": ("336999", 0.8, "snowmobiles"),
    "5599": ("336", 0.5, "other vehicle dealers"),
    "5611": ("315", 0.7, "clothing"),
    "5621": ("315", 0.7, "clothing"),
    "5631": ("315", 0.6, "clothing accessories"),
    "5641": ("315", 0.7, "children's clothing"),
    "5651": ("315", 0.7, "clothing"),
    "5655": ("315", 0.7, "sports clothing"),
    "5661": ("316210", 0.8, "shoes"),
    "5681": ("315", 0.6, "fur clothing"),
    "5691": ("315", 0.7, "clothing"),
    "5697": ("811490", 0.7, "tailoring and alterations"),
    "5698": ("339999", 0.6, "wigs"),
    "5699": ("315", 0.6, "apparel and accessories"),
    "5712": ("337", 0.7, "furniture"),
    "5713": ("314110", 0.7, "floor coverings"),
    "5714": ("314120", 0.7, "curtains and upholstery"),
    "5718": ("333414", 0.5, "fireplaces"),
    "5719": ("337", 0.4, "home furnishings"),
    "5722": ("335220", 0.75, "household appliances"),
    "5732": ("334", 0.6, "electronics"),
    "5733": ("339992", 0.7, "musical instruments"),
    "5734": ("511210", 0.8, "software"),
    "5735": ("334614", 0.6, "recorded media"),
    "5811": ("722320", 0.9, "caterers"),
    "5812": ("722511", 0.85, "restaurants"),
    "5813": ("722410", 0.85, "bars"),
    "5814": ("722513", 0.85, "fast food"),
    "5815": ("519130", 0.6, "digital media"),
    "5816": ("511210", 0.7, "digital games"),
    "5817": ("511210", 0.8, "software applications"),
    "5818": ("511210", 0.5, "large digital-goods merchant (mixed)"),
    "5832": ("GSLGO", 0.3, "antiques (used goods)"),
    "5912": ("325412", 0.65, "pharmacy"),
    "5921": ("3121", 0.75, "beverages"),
    "5931": ("GSLGO", 0.25, "second-hand goods"),
    "5932": ("GSLGO", 0.25, "antiques"),
    "5933": ("GSLGO", 0.2, "pawn and salvage"),
    "5935": ("336390", 0.4, "salvage yards (used parts)"),
    "5937": ("337", 0.4, "reproduction furniture"),
    "5940": ("336991", 0.75, "bicycles"),
    "5941": ("339920", 0.75, "sporting goods"),
    "5942": ("511130", 0.75, "books"),
    "5943": ("339940", 0.75, "office and school supplies"),
    "5944": ("339910", 0.7, "jewellery and silverware"),
    "5945": ("339930", 0.75, "toys and games"),
    "5946": ("333316", 0.7, "cameras and photo supplies"),
    "5947": ("GSLGO", 0.3, "gifts and cards (mixed)"),
    "5948": ("316998", 0.75, "leather goods"),
    "5949": ("313", 0.65, "fabrics and sewing supplies"),
    "5950": ("327212", 0.75, "glassware"),
    "5960": ("524126", 0.5, "insurance sold by direct marketing"),
    "5961": ("GSLGO", 0.25, "mail order (mixed)"),
    "5962": ("561510", 0.5, "travel arrangements by direct marketing"),
    "5963": ("GSLGO", 0.2, "door-to-door sales"),
    "5964": ("GSLGO", 0.25, "catalogue merchant"),
    "5965": ("GSLGO", 0.25, "catalogue and retail merchant"),
    "5966": ("GSLGO", 0.2, "telemarketing merchant"),
    "5967": ("GSLGO", 0.2, "teleservices merchant"),
    "5968": ("511120", 0.35, "subscriptions"),
    "5969": ("GSLGO", 0.2, "direct marketing (mixed)"),
    "5970": ("339940", 0.6, "art and craft supplies"),
    "5971": ("711510", 0.5, "art"),
    "5972": ("GSLGO", 0.3, "stamps and coins"),
    "5973": ("GSLGO", 0.3, "religious goods"),
    "5975": ("334510", 0.75, "hearing aids"),
    "5976": ("339113", 0.8, "orthopaedic and prosthetic goods"),
    "5977": ("325620", 0.8, "cosmetics"),
    "5978": ("333316", 0.5, "office machines"),
    "5983": ("scope12_fuel", 0.9, "heating fuel (oil, wood, coal, LPG)"),
    "5992": ("1114", 0.7, "florists"),
    "5993": ("312230", 0.8, "tobacco"),
    "5994": ("5111", 0.7, "newspapers and magazines"),
    "5995": ("311111", 0.6, "pet food and supplies"),
    "5996": ("325", 0.4, "pool supplies and chemicals"),
    "5997": ("335210", 0.75, "small electrical appliances"),
    "5998": ("314910", 0.75, "tents and awnings"),
    "5999": ("GSLGO", 0.2, "specialty retail (mixed)"),
    "6010": ("financial_other", 0.9, "cash withdrawal"),
    "6011": ("financial_other", 0.9, "cash withdrawal (ATM)"),
    "6012": ("financial_other", 0.7, "payments to financial institutions"),
    "6051": ("financial_other", 0.85, "money orders and foreign currency"),
    "6211": ("financial_other", 0.8, "securities"),
    "6300": ("524126", 0.55, "insurance premiums"),
    "6381": ("524126", 0.55, "insurance premiums"),
    "6399": ("524126", 0.5, "insurance"),
    "6513": ("531", 0.55, "rent paid to property managers"),
    "7011": ("721110", 0.85, "hotels and lodging"),
    "7012": ("721110", 0.5, "timeshares"),
    "7032": ("721214", 0.75, "recreational camps"),
    "7033": ("721211", 0.8, "campgrounds"),
    "7210": ("812320", 0.8, "laundry and garment services"),
    "7211": ("812320", 0.8, "laundry"),
    "7216": ("812320", 0.85, "dry cleaning"),
    "7217": ("561740", 0.85, "carpet cleaning"),
    "7221": ("541921", 0.85, "photo studios"),
    "7230": ("812112", 0.85, "hair and beauty salons"),
    "7251": ("811430", 0.8, "shoe repair"),
    "7261": ("812210", 0.8, "funeral services"),
    "7273": ("812990", 0.5, "personal services"),
    "7276": ("541213", 0.85, "tax preparation"),
    "7277": ("624190", 0.6, "counselling"),
    "7278": ("GSLGO", 0.2, "buying services"),
    "7296": ("532281", 0.8, "clothing rental"),
    "7297": ("812199", 0.8, "massage"),
    "7298": ("812199", 0.75, "health and beauty spas"),
    "7299": ("812990", 0.4, "other personal services"),
    "7311": ("541810", 0.8, "advertising"),
    "7321": ("561450", 0.85, "credit reporting"),
    "7332": ("561439", 0.65, "copying and blueprinting"),
    "7333": ("541430", 0.7, "graphic design and commercial photography"),
    "7338": ("561439", 0.7, "copy shops"),
    "7339": ("561410", 0.7, "secretarial services"),
    "7342": ("561710", 0.85, "pest control"),
    "7349": ("561720", 0.85, "janitorial services"),
    "7361": ("561320", 0.75, "temporary staff and employment agencies"),
    "7372": ("5415", 0.55, "programming, systems and data processing (incl. online software)"),
    "7375": ("519130", 0.6, "information retrieval"),
    "7379": ("811212", 0.7, "computer repair"),
    "7392": ("541611", 0.7, "management consulting and PR"),
    "7393": ("561612", 0.75, "security services"),
    "7394": ("532490", 0.6, "equipment and tool rental"),
    "7395": ("812921", 0.85, "photofinishing"),
    "7399": ("561", 0.35, "business services of unknown kind"),
    "7511": ("scope12_fuel", 0.6, "truck stops (mostly fuel)"),
    "7512": ("532111", 0.85, "car rental"),
    "7513": ("532120", 0.85, "truck and trailer rental"),
    "7519": ("532120", 0.7, "motor home rental"),
    "7523": ("812930", 0.85, "parking"),
    "7531": ("811121", 0.85, "body repair"),
    "7534": ("326212", 0.8, "tyre retreading and repair"),
    "7535": ("811121", 0.8, "vehicle paint shops"),
    "7538": ("811111", 0.85, "vehicle servicing"),
    "7542": ("811192", 0.9, "car washes"),
    "7549": ("488410", 0.9, "towing"),
    "7622": ("811211", 0.8, "electronics repair"),
    "7623": ("238220", 0.6, "air-conditioning and refrigeration repair"),
    "7629": ("811412", 0.75, "appliance repair"),
    "7631": ("811490", 0.8, "watch and jewellery repair"),
    "7641": ("811420", 0.85, "furniture repair"),
    "7692": ("811310", 0.7, "welding repair"),
    "7699": ("811", 0.5, "repair shops"),
    "7800": ("financial_other", 0.6, "lottery (not a purchase of goods or services)"),
    "7801": ("financial_other", 0.6, "gambling"),
    "7802": ("financial_other", 0.5, "betting at races"),
    "7829": ("512110", 0.75, "film and video production"),
    "7832": ("512131", 0.85, "cinemas"),
    "7841": ("532282", 0.8, "video rental"),
    "7911": ("611610", 0.7, "dance schools"),
    "7922": ("711110", 0.6, "theatre and tickets"),
    "7929": ("7111", 0.6, "bands and entertainers"),
    "7932": ("713990", 0.7, "billiards"),
    "7933": ("713950", 0.85, "bowling"),
    "7941": ("7112", 0.55, "sports clubs and events"),
    "7991": ("712", 0.6, "tourist attractions"),
    "7992": ("713910", 0.85, "golf courses"),
    "7993": ("339930", 0.6, "video game supplies"),
    "7994": ("713120", 0.85, "arcades"),
    "7995": ("financial_other", 0.8, "betting"),
    "7996": ("713110", 0.8, "amusement parks"),
    "7997": ("713940", 0.65, "membership sports clubs"),
    "7998": ("712130", 0.75, "aquariums"),
    "7999": ("713990", 0.55, "recreation services"),
    "8011": ("621111", 0.85, "physicians"),
    "8021": ("621210", 0.9, "dentists"),
    "8031": ("621111", 0.8, "osteopaths"),
    "8041": ("621310", 0.9, "chiropractors"),
    "8042": ("621320", 0.85, "optometrists"),
    "8043": ("339115", 0.8, "opticians and eyeglasses"),
    "8044": ("339115", 0.75, "opticians and eyeglasses"),
    "8049": ("621391", 0.85, "podiatrists"),
    "8050": ("623110", 0.8, "nursing and personal care facilities"),
    "8062": ("622110", 0.8, "hospitals"),
    "8071": ("621511", 0.8, "medical and dental laboratories"),
    "8099": ("621", 0.6, "health practitioners"),
    "8111": ("541110", 0.9, "legal services"),
    "8211": ("611110", 0.8, "schools"),
    "8220": ("611310", 0.85, "colleges and universities"),
    "8241": ("6116", 0.6, "correspondence schools"),
    "8244": ("611410", 0.85, "business and secretarial schools"),
    "8249": ("611519", 0.85, "vocational and trade schools"),
    "8299": ("611", 0.55, "education and training (often course fees)"),
    "8351": ("624410", 0.9, "child care"),
    "8398": ("grant_passthrough", 0.55, "payments to charities"),
    "8641": ("813410", 0.6, "civic and social associations"),
    "8651": ("grant_passthrough", 0.6, "political organisations"),
    "8661": ("grant_passthrough", 0.6, "religious organisations"),
    "8675": ("813410", 0.6, "motoring associations"),
    "8699": ("813910", 0.65, "membership organisations (dues)"),
    "8734": ("541380", 0.9, "testing laboratories"),
    "8911": ("5413", 0.85, "architecture, engineering and surveying"),
    "8931": ("5412", 0.85, "accounting and bookkeeping"),
    "8999": ("54", 0.45, "professional services of unknown kind"),
    "9211": ("tax_fee_government", 0.9, "court costs"),
    "9222": ("tax_fee_government", 0.95, "fines"),
    "9223": ("financial_other", 0.7, "bail and bonds (deposits)"),
    "9311": ("tax_fee_government", 0.95, "tax payments"),
    "9399": ("tax_fee_government", 0.75, "government services and fees"),
    "9402": ("491110", 0.9, "postal service"),
    "9405": ("transfer", 0.8, "intra-government transactions"),
    "9700": ("GSLGO", 0.1, "card-network referral code (unknown purchase)"),
    "9701": ("522320", 0.5, "card-network credential service"),
    "9702": ("522320", 0.5, "card-network emergency service"),
    "9950": ("internal_charge", 0.6, "intra-company purchases"),
}


def _data_dir() -> Path:
    d = os.environ.get("COHORT_DATA_DIR")
    return Path(d) if d else HERE.parents[2] / ".." / "shared" / "data"


def _census_codes(data: Path) -> set[str]:
    from openpyxl import load_workbook

    ws = load_workbook(
        data / "census_naics2017" / "2-6 digit_2017_Codes.xlsx", read_only=True
    ).active
    rows = ws.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows)]
    col = header.index("2017 NAICS US   Code")
    return {str(r[col]).strip() for r in rows if r[col] is not None}


def main() -> int:
    sys.path.insert(0, str(HERE.parents[2]))
    from cohort_helpers.vocabulary import RULE_REASONS

    data = _data_dir()
    with open(data / "mcc" / "mcc_codes.csv", newline="", encoding="utf-8") as f:
        codes = [row["mcc"] for row in csv.DictReader(f)]
    census = _census_codes(data)
    problems, rows = [], []
    for mcc in codes:
        hit = MAP.get(mcc)
        if hit is None:
            hit = next(
                ((c, conf, note) for lo, hi, c, conf, note in RANGES if lo <= int(mcc) <= hi), None
            )
        if hit is None:
            problems.append(f"MCC {mcc}: no mapping")
            continue
        code, conf, note = hit
        naics, reason = ("", code) if code in RULE_REASONS else (code, "")
        if naics and naics not in census and naics not in ("GSLGO", "F10"):
            problems.append(f"MCC {mcc}: {naics} is not a Census 2017 NAICS code")
        rows.append(
            {
                "mcc": mcc,
                "naics": naics,
                "exclude_reason": reason,
                "confidence": conf,
                "source": f"MCC {mcc}: {note}; project mapping (MCC list: {LIST})",
            }
        )
    problems += [f"MCC {m}: mapped but not in the list" for m in sorted(set(MAP) - set(codes))]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(
            f, ["mcc", "naics", "exclude_reason", "confidence", "source"], lineterminator="\n"
        )
        w.writeheader()
        w.writerows(rows)
    print(f"{OUT.name}: {len(rows)} MCCs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
