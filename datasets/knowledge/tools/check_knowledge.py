"""Validate the knowledge tables in ``datasets/knowledge/`` (contract C4).

Checks: exact columns; UTF-8; ``naics`` is a Census NAICS 2017 code at 2-6 digits (or the
profile codes ``GSLGO``/``F10``); ``exclude_reason`` in ``vocabulary.RULE_REASONS``; every row
says what it does (a code or a reason, not both); no duplicate keys; ``regex`` rows and
``not`` patterns compile; ``confidence`` in 0..1; ``priority`` an integer; ``source`` never
blank; the KOSTRA table covers every art SSB's KOSTRA kontrollprogram accepts for
municipalities; ``mcc_naics`` covers every code of the registered MCC list; minimum sizes
(suppliers >= 300, phrases >= 350).

Usage (from the repository root)::

    COHORT_DATA_DIR=../shared/data python datasets/knowledge/tools/check_knowledge.py

Prints one line per problem (file, row, column, what to do) and exits 1 if there is any.
"""

from __future__ import annotations

import csv
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KNOW = HERE.parent
ROOT = HERE.parents[2]

COLUMNS = {
    "kostra_art.csv": [
        "art",
        "name",
        "group",
        "treatment",
        "exclude_reason",
        "naics",
        "scope3_category",
        "confidence",
        "source",
    ],
    "phrases.csv": [
        "phrase",
        "match",
        "fields",
        "language",
        "region",
        "naics",
        "exclude_reason",
        "capital",
        "not",
        "priority",
        "confidence",
        "source",
    ],
    "suppliers.csv": [
        "name",
        "aliases",
        "country",
        "naics",
        "exclude_reason",
        "business",
        "confidence",
        "source",
    ],
    "vendor_cues.csv": [
        "cue",
        "match",
        "kind",
        "language",
        "naics",
        "exclude_reason",
        "confidence",
        "source",
    ],
    "mcc_naics.csv": ["mcc", "naics", "exclude_reason", "confidence", "source"],
}
KEYS = {
    "kostra_art.csv": ("art",),
    "phrases.csv": ("phrase", "match", "fields", "language", "region"),
    "suppliers.csv": ("name", "country"),
    "vendor_cues.csv": ("cue", "kind", "language"),
    "mcc_naics.csv": ("mcc",),
}
#: Arts SSB's KOSTRA kontrollprogram accepts in municipal accounts (basis and municipal arts;
#: Oslo's own arts 298/379/798 left out). The table may also hold older arts.
KOSTRA_ARTS = """010 020 030 040 050 070 075 080 089 090 099 100 105 110 114 115 120 130 140 150 160 165
170 180 181 182 183 184 185 190 195 200 209 210 220 230 240 250 260 270 280 285 300 330 350 370 380 400
429 430 450 470 480 500 501 509 510 511 512 520 521 522 529 530 540 550 570 589 590 600 620 629 630 640
650 660 670 700 710 729 730 750 770 780 800 810 830 850 870 871 872 873 875 876 877 878 879 880 890 900
901 905 909 910 911 912 920 921 922 929 940 950 970 980 989 990""".split()
PROFILE = {"GSLGO", "F10"}


def _data_dir() -> Path:
    d = os.environ.get("COHORT_DATA_DIR")
    return Path(d) if d else ROOT / ".." / "shared" / "data"


def census_codes(data: Path) -> set[str]:
    """NAICS 2017 codes at 2-6 digits (sector ranges such as ``31-33`` left out)."""
    from openpyxl import load_workbook

    ws = load_workbook(
        data / "census_naics2017" / "2-6 digit_2017_Codes.xlsx", read_only=True
    ).active
    rows = ws.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows)]
    col = header.index("2017 NAICS US   Code")
    codes = {str(r[col]).strip() for r in rows if r[col] is not None}
    return {c for c in codes if c.isdigit() and 2 <= len(c) <= 6}


def read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(KNOW / name, newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        return list(r.fieldnames or []), list(r)


def check(data: Path | None = None) -> list[str]:
    """All problems found, as ``file:row: column: message`` strings (empty when clean)."""
    sys.path.insert(0, str(ROOT))
    from cohort_helpers.vocabulary import RULE_REASONS

    data = data or _data_dir()
    naics = census_codes(data)
    out: list[str] = []
    tables = {}
    for name, cols in COLUMNS.items():
        try:
            header, rows = read(name)
        except (OSError, UnicodeDecodeError) as e:
            out.append(f"{name}: cannot read ({e})")
            continue
        if header != cols:
            out.append(f"{name}:1: header {header} is not the contract's {cols}")
            continue
        tables[name] = rows
        seen: dict[tuple, int] = {}
        for i, r in enumerate(rows, start=2):
            where = f"{name}:{i}"
            key = tuple(r[k].strip().casefold() for k in KEYS[name])
            if key in seen:
                out.append(f"{where}: duplicate key {key} (first on row {seen[key]})")
            seen.setdefault(key, i)
            code, reason = r["naics"].strip(), r["exclude_reason"].strip()
            if code and code not in naics and code not in PROFILE:
                out.append(
                    f"{where}: naics '{code}' is not a NAICS 2017 code at 2-6 digits (or GSLGO/F10)"
                )
            if reason and reason not in RULE_REASONS:
                out.append(f"{where}: exclude_reason '{reason}' is not in vocabulary.RULE_REASONS")
            if code and reason:
                out.append(f"{where}: give a naics code or an exclude_reason, not both")
            try:
                conf = float(r["confidence"])
                if not 0 <= conf <= 1:
                    raise ValueError
            except ValueError:
                out.append(f"{where}: confidence '{r['confidence']}' must be a number in 0..1")
            if not r["source"].strip():
                out.append(f"{where}: source is blank: say where the fact comes from")
            if name in ("phrases.csv", "vendor_cues.csv"):
                pattern = r["phrase" if name == "phrases.csv" else "cue"]
                if r["match"] not in ("word", "regex", ""):
                    out.append(f"{where}: match '{r['match']}' must be word or regex")
                if r["match"] == "regex":
                    try:
                        re.compile(pattern)
                    except re.error as e:
                        out.append(f"{where}: regex does not compile: {e}")
                if r["language"] not in ("en", "no", "any"):
                    out.append(f"{where}: language '{r['language']}' must be en, no or any")
            if name == "phrases.csv":
                if not code and not reason:
                    out.append(f"{where}: a phrase must give a naics code or an exclude_reason")
                if r["not"]:
                    try:
                        re.compile(r["not"])
                    except re.error as e:
                        out.append(f"{where}: not-pattern does not compile: {e}")
                fields = set(r["fields"].split(";"))
                if not fields <= {"account_name", "description", "vendor", "any"} and fields != {
                    "department"
                }:
                    out.append(
                        f"{where}: fields '{r['fields']}' must be account_name, description, vendor or any (';'-joined), or department alone"
                    )
                if r["region"] not in ("US", "GB", "NO", "any"):
                    out.append(f"{where}: region '{r['region']}' must be US, GB, NO or any")
                if r["capital"] not in ("", "0", "1"):
                    out.append(f"{where}: capital '{r['capital']}' must be 0, 1 or blank")
                if not re.fullmatch(r"-?\d+", r["priority"]):
                    out.append(f"{where}: priority '{r['priority']}' must be an integer")
            if name == "vendor_cues.csv" and r["kind"] not in (
                "legal_form",
                "trade_word",
                "government",
                "person_marker",
                "nonprofit",
                "utility",
                "refund",
            ):
                out.append(f"{where}: kind '{r['kind']}' is not a C4 cue kind")
            if (
                name == "vendor_cues.csv"
                and r["kind"] in ("legal_form", "person_marker")
                and (code or reason)
            ):
                out.append(f"{where}: {r['kind']} cues carry no code or reason")
            if name == "suppliers.csv" and r["country"] not in ("US", "GB", "NO", "any"):
                out.append(f"{where}: country '{r['country']}' must be US, GB, NO or any")
            if name == "suppliers.csv" and not r["business"].strip():
                out.append(f"{where}: business is blank")
            if name == "kostra_art.csv":
                if not re.fullmatch(r"\d{3}", r["art"]) or r["group"] != r["art"][:1]:
                    out.append(f"{where}: art must be 3 digits and group its first digit")
                t = r["treatment"]
                if t not in ("purchase", "exclude", "income"):
                    out.append(f"{where}: treatment '{t}' must be purchase, exclude or income")
                if t == "purchase" and (reason or not code):
                    out.append(f"{where}: a purchase art needs a naics code and no exclude_reason")
                if t in ("exclude", "income") and not reason:
                    out.append(f"{where}: an {t} art needs an exclude_reason")
                if r["scope3_category"] not in ("", "1", "2") or (t == "purchase") != bool(
                    r["scope3_category"]
                ):
                    out.append(
                        f"{where}: scope3_category must be 1 or 2 for purchase arts and blank otherwise"
                    )
    if "kostra_art.csv" in tables:
        arts = {r["art"] for r in tables["kostra_art.csv"]}
        missing = [a for a in KOSTRA_ARTS if a not in arts]
        if missing:
            out.append(f"kostra_art.csv: arts missing: {' '.join(missing)}")
    if "mcc_naics.csv" in tables:
        with open(data / "mcc" / "mcc_codes.csv", newline="", encoding="utf-8") as f:
            mccs = {row["mcc"] for row in csv.DictReader(f)}
        have = {r["mcc"] for r in tables["mcc_naics.csv"]}
        if mccs - have:
            out.append(f"mcc_naics.csv: MCCs missing: {' '.join(sorted(mccs - have))}")
        if have - mccs:
            out.append(f"mcc_naics.csv: MCCs not in the list: {' '.join(sorted(have - mccs))}")
    for name, least in (("suppliers.csv", 300), ("phrases.csv", 350)):
        if name in tables and len(tables[name]) < least:
            out.append(f"{name}: {len(tables[name])} rows, at least {least} wanted")
    return out


def main() -> int:
    problems = check()
    for p in problems:
        print(p)
    if not problems:
        sizes = {n: len(read(n)[1]) for n in COLUMNS}
        print("knowledge tables OK: " + ", ".join(f"{n} {k}" for n, k in sizes.items()))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
