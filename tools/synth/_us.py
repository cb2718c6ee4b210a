"""Generate one US member-year of accounts-payable lines (canonical form + truth).

The output of :func:`generate_year` is a DataFrame with one row per ledger
line and the canonical fields (``date``, ``vendor``, ``vendor_no``,
``dept``, ``account``, ``description``, ``cents``, ``invoice``, ``fund``,
``mcc``, ``status``, ``payment``) plus the truth (``t_status``,
``t_reason``, ``t_naics``, ``t_capital``) and ``kind``. Layout writers turn it
into files.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from . import _accounts as acc
from . import _catalog as cat
from . import _vendors as ven
from ._spec import (
    COOPERATION,  # noqa: F401  (re-exported for docs)
    FUNDS,
    GENERAL_FUND,
    Member,
    dept_name,
    energy_spend,
    member_departments,
    price_level,
)
from ._util import business_days, fy_bounds, rng_for

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
FACILITIES = (
    "CITY HALL",
    "FIRE STN 1",
    "FIRE STN 2",
    "FIRE STN 3",
    "POLICE HQ",
    "MAIN LIBRARY",
    "BRANCH LIBRARY",
    "PW YARD",
    "COMMUNITY CTR",
    "SENIOR CTR",
    "AQUATIC CTR",
    "WWTP",
    "WTP",
    "ANIMAL SHELTER",
    "MUNICIPAL COURT",
    "SERVICE CTR",
)
PROJECTS = (
    "CIP 19-04",
    "CIP 20-11",
    "CIP 21-02",
    "CIP 21-07",
    "CIP 22-03",
    "CIP 22-09",
    "CIP 23-01",
    "PROJ 4471",
    "PROJ 5108",
    "PROJ 5230",
    "MAIN ST",
    "OAK AVE",
    "HWY 12",
    "RIVERFRONT",
    "ELM ST BRIDGE",
    "NORTH TRAIL",
)
MATTERS = (
    "LABOR ARBITRATION",
    "LAND USE APPEAL",
    "CLAIM 21-044",
    "CLAIM 22-017",
    "BOND COUNSEL",
    "CODE ENFORCEMENT",
    "GENERAL",
)
CRYPTIC = (
    "MISC",
    "SEE ATTACHED",
    "PER CONTRACT",
    "NET 30",
    "PER QUOTE",
    "INV ATTACHED",
    "REF {n}",
    "A/P {n}",
    "PO {n}",
    "ENC {n}",
    "SVC",
    "SUPPLIES",
    "RECURRING",
)

STATE_INCOME_TAX = {"OR", "AZ", "CO", "MN", "PA", "GA", "NC", "OH", "IA"}
RETIREMENT = {
    "OR": "Oregon PERS",
    "WA": "Washington State Dept of Retirement Systems",
    "FL": "Florida Retirement System",
    "AZ": "Arizona State Retirement System",
    "TX": "Texas Municipal Retirement System",
    "CO": "Colorado PERA",
    "MN": "Minnesota PERA",
    "PA": "Pennsylvania Municipal Retirement System",
    "GA": "Georgia Municipal Employees Benefit System",
    "NC": "NC Local Governmental Employees Retirement System",
    "OH": "Ohio Public Employees Retirement System",
    "IA": "IPERS",
}
STATE_NAMES = {
    "OR": "Oregon",
    "WA": "Washington",
    "FL": "Florida",
    "AZ": "Arizona",
    "TX": "Texas",
    "CO": "Colorado",
    "MN": "Minnesota",
    "PA": "Pennsylvania",
    "GA": "Georgia",
    "NC": "North Carolina",
    "OH": "Ohio",
    "IA": "Iowa",
}
#: Fictional utilities by state: (electric, gas) -- same name = combined utility.
UTILITIES = {
    "OR": ("Cascadia Power & Light", "Willamette Natural Gas Co"),
    "WA": ("Puget Basin Energy", "Puget Basin Energy"),
    "FL": ("Gulf Peninsula Power", "Peninsula Gas Systems"),
    "AZ": ("Sonoran Power Company", "Desert Gas Service"),
    "TX": ("Lone Prairie Electric Delivery", "Brazos Valley Gas"),
    "CO": ("Front Range Energy", "Front Range Energy"),
    "MN": ("North Star Energy", "North Star Energy"),
    "PA": ("Keystone Valley Electric", "Allegheny Ridge Gas"),
    "GA": ("Piedmont Electric Membership Corp", "Peachtree Gas Light"),
    "NC": ("Carolina Piedmont Power", "Tar River Natural Gas"),
    "OH": ("Buckeye Edison", "Buckeye Gas Distribution"),
    "IA": ("Heartland Energy", "Heartland Energy"),
}
FUEL_VENDORS = ("WEX Bank", "Summit Petroleum Distributors", "Coastal Fuel & Lubricants")
HEALTH_INSURERS = (
    "Blue Cross Blue Shield",
    "Kaiser Foundation Health Plan",
    "Cigna Healthcare",
    "Aetna Life Insurance Co",
)
TRUSTEES = (
    "U.S. Bank National Association",
    "The Bank of New York Mellon Trust Co",
    "UMB Bank, N.A.",
    "Zions Bancorporation",
    "Wells Fargo Bank N.A. - Trustee",
)
TITLE_COS = (
    "First American Title Insurance Co",
    "Chicago Title Company",
    "Fidelity National Title",
)


@dataclass
class VendorBook:
    vendors: pd.DataFrame  # vid, canonical, primary, national, kind
    spellings: pd.DataFrame  # vid, spelling, vendor_no, prob
    pools: dict[str, tuple[np.ndarray, np.ndarray]]  # naics -> (vids, weights)
    spell_key: np.ndarray  # vid + cumulative probability, for vectorised picking


def member_profile_weights(m: Member) -> pd.DataFrame:
    """Commodity weights adjusted to a member (kind, services it runs)."""
    prof = cat.commodity_profile().copy()
    rng = rng_for("profile", m.slug)
    mult = np.exp(rng.normal(0, 0.3, len(prof)))
    n = prof["naics6"]
    if m.kind == "county":
        mult = mult * np.where(n.str.startswith(("311", "7223")), 3.0, 1.0)
        mult = mult * np.where(n.str.startswith(("624", "6241", "485991")), 2.0, 1.0)
        mult = mult * np.where(n.isin(["221310", "221320"]), 0.3, 1.0)
    else:
        mult = mult * np.where(n.str.startswith("311"), 0.5, 1.0)
    if not (m.solid_waste or m.landfill):
        mult = mult * np.where(n.str.startswith("562"), 0.15, 1.0)
    if not m.water:
        mult = mult * np.where(n.isin(["221310", "325180", "334514"]), 0.1, 1.0)
    if not m.sewer:
        mult = mult * np.where(n.isin(["221320", "325199"]), 0.1, 1.0)
    prof["weight"] = prof["weight"] * mult
    prof["weight"] = prof["weight"] / prof.groupby("capital")["weight"].transform("sum")
    return prof


def vendor_book(m: Member) -> VendorBook:
    """Repeat vendors of a member (stable across its years)."""
    return _all_books()[m.slug]


@lru_cache(maxsize=1)
def _all_books() -> dict[str, VendorBook]:
    """Vendor books of all US members, built in a fixed order so that local firm
    names are unique across the cohort (also after dropping Inc/LLC/Co)."""
    from ._spec import US_MEMBERS

    used: set[str] = {ven.core_name(n[0]) for n in ven.NATIONAL}
    return {m.slug: _build_book(m, used) for m in US_MEMBERS}


def _build_book(m: Member, used: set[str]) -> VendorBook:
    rng = rng_for("vendors", m.slug)
    prof = member_profile_weights(m)
    codes = set(prof["naics6"])
    w_by_naics = prof.groupby("naics6")["weight"].max()
    rows, spell_rows = [], []
    pools: dict[str, list[tuple[int, float]]] = {c: [] for c in codes}
    vno_base = int(rng.integers(10000, 60000))
    vno = iter(rng.permutation(np.arange(vno_base, vno_base + 40000)))
    accented = m.layout in ("cp1252_register_csv", "erp_iso_csv", "dmy_mcc_csv")

    def add_vendor(name, primary, national, spellings, probs):
        vid = len(rows)
        rows.append((vid, name, primary, national))
        for s, p in zip(spellings, probs, strict=True):
            spell_rows.append((vid, s, int(next(vno)), p))
        return vid

    # national suppliers present in this member
    for name, basket, presence, weight, variants, _mcc in ven.NATIONAL:
        if rng.random() > presence:
            continue
        b = {k: v for k, v in basket.items() if k in codes}
        if not b:
            continue
        tot = sum(b.values())
        b = {k: v / tot for k, v in b.items()}
        primary = max(b, key=b.get)
        k = min(len(variants), int(rng.integers(1, len(variants) + 1)))
        chosen = [variants[i] for i in rng.permutation(len(variants))[:k]]
        probs = [0.45] + [0.55 / k] * k
        vid = add_vendor(name, primary, True, [name, *chosen], probs)
        for c, bw in b.items():
            pools[c].append((vid, 0.25 * weight * bw))
    # local firms
    for c in sorted(codes):
        w = float(w_by_naics[c])
        k = int(np.clip(round(1 + 3.2 * np.sqrt(w * 100)), 1, 12))
        zipf = 1.0 / np.arange(1, k + 1) ** 1.1
        zipf = zipf / zipf.sum()
        for i in range(k):
            for _ in range(8):
                name = ven.local_name(c, rng, m.place, accented=accented)
                if ven.core_name(name) not in used:
                    break
            else:
                name = f"{name} {i + 2}"
            used.add(ven.core_name(name))
            nvar = int(rng.choice([0, 1, 1, 2, 2, 3]))
            variants = ven.make_variants(name, rng, nvar)
            if variants:
                p0 = float(rng.uniform(0.45, 0.8))
                probs = [p0] + [(1 - p0) / len(variants)] * len(variants)
            else:
                probs = [1.0]
            vid = add_vendor(name, c, False, [name, *variants], probs)
            pools[c].append((vid, float(zipf[i])))
    vendors = pd.DataFrame(rows, columns=["vid", "canonical", "primary", "national"])
    spellings = pd.DataFrame(spell_rows, columns=["vid", "spelling", "vendor_no", "prob"])
    spellings = spellings.sort_values("vid", kind="stable", ignore_index=True)
    cp = spellings.groupby("vid")["prob"].cumsum().to_numpy().copy()
    last = ~spellings["vid"].duplicated(keep="last").to_numpy()
    cp[last] = 1.0
    key = spellings["vid"].to_numpy() + cp
    pools_np = {
        c: (np.array([v for v, _ in p]), np.array([w for _, w in p])) for c, p in pools.items() if p
    }
    return VendorBook(vendors, spellings, pools_np, key)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _fill(
    templates: np.ndarray, dates: np.ndarray, rng: np.random.Generator, fy: int
) -> np.ndarray:
    """Fill description placeholders."""
    out = templates.astype(object)
    n = len(out)
    if n == 0:
        return out
    months = pd.DatetimeIndex(dates).month.to_numpy()
    svc_month = np.array(MONTHS)[(months - 2) % 12]
    repl = {
        "{month}": svc_month,
        "{facility}": np.array(FACILITIES)[rng.integers(0, len(FACILITIES), n)],
        "{project}": np.array(PROJECTS)[rng.integers(0, len(PROJECTS), n)],
        "{matter}": np.array(MATTERS)[rng.integers(0, len(MATTERS), n)],
        "{q}": rng.integers(1, 5, n).astype(str),
        "{unit}": rng.integers(100, 999, n).astype(str),
        "{fy}": np.full(n, str(fy - 1)[-2:]),
        "{date}": pd.DatetimeIndex(dates).strftime("%m/%d").to_numpy(),
        "{n}": rng.integers(1000, 99999, n).astype(str),
    }
    for key, vals in repl.items():
        mask = np.array([key in t for t in out])
        if mask.any():
            idx = np.flatnonzero(mask)
            out[idx] = [out[i].replace(key, str(vals[i])) for i in idx]
    return out


def _choose(rng: np.random.Generator, options: np.ndarray, p: np.ndarray, n: int) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return options[rng.choice(len(options), size=n, p=p / p.sum())]


def _dates(rng: np.random.Generator, days: np.ndarray, n: int) -> np.ndarray:
    return days[rng.integers(0, len(days), n)]


def _dept_for(
    rng: np.random.Generator, prefs: tuple[str, ...], have: set[str], n: int
) -> np.ndarray:
    ok = [d for d in prefs if d in have] or [d for d in cat.GENERAL_DEPTS if d in have]
    return np.array(ok, dtype=object)[rng.integers(0, len(ok), n)]


def _frame(**cols) -> pd.DataFrame:
    n = max(len(v) for v in cols.values() if not np.isscalar(v))
    data = {
        k: (np.full(n, v, dtype=object) if np.isscalar(v) or v is None else v)
        for k, v in cols.items()
    }
    return pd.DataFrame(data)


def _lognormal_cents(
    rng: np.random.Generator, mean: float | np.ndarray, sigma: float | np.ndarray, n: int
) -> np.ndarray:
    mu = np.log(mean) - np.asarray(sigma) ** 2 / 2
    return np.maximum(100, np.round(rng.lognormal(mu, sigma, n) * 100)).astype(np.int64)


def _scale_to(cents: np.ndarray, total_usd: float) -> np.ndarray:
    s = cents.sum()
    if s <= 0:
        return cents
    return np.maximum(1, np.round(cents * (total_usd * 100 / s))).astype(np.int64)


EMPTY = ""


# --------------------------------------------------------------------------
# Line families
# --------------------------------------------------------------------------


def _purchases(m, fy, rng, days, have, S_op, S_cap, n_lines) -> pd.DataFrame:
    prof = member_profile_weights(m)
    book = vendor_book(m)
    cal_years = {fy - 1, fy} if m.fy_start_month != 1 else {fy}
    if cal_years & {2020, 2021}:
        damp = prof["naics6"].map(cat.COVID_DAMPED).fillna(1.0).to_numpy()
        prof = prof.assign(weight=prof["weight"] * damp)
        prof["weight"] = prof["weight"] / prof.groupby("capital")["weight"].transform("sum")
    codes = prof["naics6"].to_numpy()
    capv = prof["capital"].to_numpy().astype(int)
    info = [cat.category_info(c, int(cp)) for c, cp in zip(codes, capv, strict=True)]
    typ = np.array([i[0] for i in info])
    sig = np.array([i[1] for i in info])
    q = prof["weight"].to_numpy() / typ
    capm = capv == 1
    inv_mean_op = q[~capm].sum()
    inv_mean_cap = q[capm].sum()
    share_cap = S_cap * inv_mean_cap / (S_cap * inv_mean_cap + S_op * inv_mean_op)
    n_cap = max(int(round(n_lines * share_cap)), 40)
    n_op = n_lines - n_cap
    counts = np.zeros(len(prof), dtype=int)
    counts[~capm] = rng.multinomial(n_op, q[~capm] / inv_mean_op)
    counts[capm] = rng.multinomial(n_cap, q[capm] / inv_mean_cap)
    ci = np.repeat(np.arange(len(prof)), counts)  # category of each line
    n = len(ci)
    cents = _lognormal_cents(rng, typ[ci], sig[ci], n)
    p_one = np.where(prof["weight"].to_numpy() < 0.002, 0.14, 0.06)
    oneoff = rng.random(n) < p_one[ci]
    # repeat vendors, category by category (numpy only)
    vids = np.full(n, -1)
    starts = np.concatenate([[0], np.cumsum(counts)])
    for i in np.flatnonzero(counts):
        sl = slice(starts[i], starts[i + 1])
        c = codes[i]
        if c not in book.pools:
            oneoff[sl] = True
            continue
        pv, pw = book.pools[c]
        active = ((pv * 2654435761 + fy * 97) % 100) >= 8
        active |= pw == pw.max()
        k = counts[i]
        vids[sl] = _choose(rng, pv[active], pw[active], k)
    vids[oneoff] = -1
    dates = _dates(rng, days, n)
    # descriptions: flattened template table
    tmpl_flat = [t for i in info for t in i[2]]
    tmpl_len = np.array([len(i[2]) for i in info])
    tmpl_off = np.concatenate([[0], np.cumsum(tmpl_len)[:-1]])
    tix = tmpl_off[ci] + (rng.random(n) * tmpl_len[ci]).astype(int)
    desc = _fill(np.array(tmpl_flat, dtype=object)[tix], dates, rng, fy)
    # departments: flattened preference table
    dept_lists = []
    for i in range(len(prof)):
        prefs = info[i][3] if not capm[i] else (*info[i][3], "CIP")
        ok = [d for d in prefs if d in have] or [d for d in cat.GENERAL_DEPTS if d in have]
        dept_lists.append(ok)
    d_flat = np.array([d for lst in dept_lists for d in lst], dtype=object)
    d_len = np.array([len(x) for x in dept_lists])
    d_off = np.concatenate([[0], np.cumsum(d_len)[:-1]])
    dept = d_flat[d_off[ci] + (rng.random(n) * d_len[ci]).astype(int)]
    # object class (with a few miscoded lines)
    klass_by_cat = np.array(
        [acc.class_for(c, int(cp)) for c, cp in zip(codes, capv, strict=True)], dtype=object
    )
    klass = klass_by_cat[ci]
    mis = (rng.random(n) < 0.025) & ~capm[ci]
    goods = np.array([c[0] in "123" for c in codes])[ci]
    klass[mis] = np.where(goods[mis], "sup_operating", "svc_other")
    # vendor spellings
    vendor = np.empty(n, dtype=object)
    vno = np.empty(n, dtype=object)
    sp = book.spellings
    rep = ~oneoff
    if rep.any():
        u = rng.random(int(rep.sum()))
        j = np.searchsorted(book.spell_key, vids[rep] + np.clip(u, 1e-9, 0.999999), side="left")
        j = np.minimum(j, len(sp) - 1)
        vendor[rep] = sp["spelling"].to_numpy()[j]
        vno[rep] = sp["vendor_no"].astype(str).to_numpy()[j]
    if oneoff.any():
        idx = np.flatnonzero(oneoff)
        names = [ven.oneoff_names(codes[ci[i]], 1, rng)[0] for i in idx]
        up = rng.random(len(idx)) < 0.5
        vendor[idx] = [nm.upper() if f else nm for nm, f in zip(names, up, strict=True)]
        vno[idx] = rng.integers(90000, 99999, len(idx)).astype(str)
    df = pd.DataFrame(
        {
            "kind": "purchase",
            "date": dates,
            "vendor": vendor,
            "vendor_no": vno,
            "dept": dept,
            "klass": klass,
            "description": desc,
            "cents": cents,
            "t_naics": codes[ci],
            "t_capital": capv[ci],
            "oneoff": oneoff,
            "vid": vids,
        }
    )
    cap = df["t_capital"].to_numpy() == 1
    df.loc[~cap, "cents"] = _scale_to(df.loc[~cap, "cents"].to_numpy(), S_op)
    df.loc[cap, "cents"] = _scale_to(df.loc[cap, "cents"].to_numpy(), S_cap)
    return df


def _pcard(m, fy, rng, days, have, n, state) -> pd.DataFrame:
    """Purchasing-card transactions (merchant descriptors with 4-digit MCCs)."""
    from ._pcard import MERCHANTS

    w = np.array([x[3] for x in MERCHANTS], dtype=float)
    cal_years = {fy - 1, fy} if m.fy_start_month != 1 else {fy}
    covid = bool(cal_years & {2020, 2021})
    if covid:
        travel = np.array([x[2].get("481111", 0) + x[2].get("721110", 0) > 0 for x in MERCHANTS])
        w = np.where(travel, w * 0.3, w)
    idx = rng.choice(len(MERCHANTS), size=n, p=w / w.sum())
    recs = {k: [] for k in ("vendor", "mcc", "t_naics", "reason", "median")}
    for i in idx:
        name, mcc, basket, _w, median, reason = MERCHANTS[i]
        recs["vendor"].append(name)
        recs["mcc"].append(mcc)
        if basket:
            ks = list(basket)
            pk = np.array([basket[x] for x in ks])
            recs["t_naics"].append(ks[int(rng.choice(len(ks), p=pk / pk.sum()))])
        else:
            recs["t_naics"].append(EMPTY)
        recs["reason"].append(reason)
        recs["median"].append(median)
    vendor = np.array(recs["vendor"], dtype=object)
    city = m.place.upper()
    vendor = _fill_merchant(vendor, rng, city, STATE_NAMES[state].upper())
    cents = np.maximum(
        100, np.round(rng.lognormal(np.log(np.array(recs["median"])), 0.8) * 100)
    ).astype(np.int64)
    cents = np.minimum(cents, 500000)
    credit = rng.random(n) < 0.03
    cents[credit] = -np.abs(cents[credit]) // 2
    t_naics = np.array(recs["t_naics"], dtype=object)
    reason = np.array(recs["reason"], dtype=object)
    klass = np.array([acc.class_for(c, 0) if c else "misc" for c in t_naics], dtype=object)
    klass[reason == "scope12_fuel"] = "en_fuel"
    klass[reason == "tax_fee_government"] = "pay_gov"
    generic = rng.random(n) < 0.35
    klass[generic & (reason != "tax_fee_government")] = "sup_operating"
    dept = np.array([d for d in have if d not in ("NONDEPT", "CIP")], dtype=object)[
        rng.integers(0, len(have) - 2, n)
    ]
    memo = _pcard_memo(t_naics, reason, rng)
    status = np.where(reason == "", "included", "excluded")
    return _frame(
        kind="pcard",
        date=_dates(rng, days, n),
        vendor=vendor,
        vendor_no="PCARD",
        dept=dept,
        klass=klass,
        description=memo,
        cents=cents,
        mcc=np.array(recs["mcc"], dtype=object),
        t_naics=t_naics,
        t_capital=0,
        t_status=status,
        t_reason=reason,
    )


def _fill_merchant(v: np.ndarray, rng: np.random.Generator, city: str, state: str) -> np.ndarray:
    n = len(v)
    nums = rng.integers(100, 9999, n).astype(str)
    codes = np.array(
        ["".join(c) for c in rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), size=(n, 6))]
    )
    out = []
    for s, num, code in zip(v, nums, codes, strict=True):
        out.append(
            s.replace("{n}", num)
            .replace("{code}", code)
            .replace("{city}", city)
            .replace("{state}", state)
        )
    return np.array(out, dtype=object)


_PCARD_MEMO = {
    "481111": ("AIRFARE CONF", "FLIGHT TRAINING TRIP", ""),
    "721110": ("HOTEL CONF", "LODGING", ""),
    "722513": ("MEETING FOOD", "LUNCH - TRAINING", ""),
    "722511": ("WORKING LUNCH", "MEAL - INTERVIEW PANEL", ""),
    "322230": ("OFFICE SUPPLIES", "SUPPLIES", ""),
    "332216": ("TOOLS", "SHOP SUPPLIES", ""),
    "491110": ("POSTAGE", "CERTIFIED MAIL", ""),
    "518210": ("SUBSCRIPTION", "MONTHLY SUBSCRIPTION", ""),
    "511210": ("SOFTWARE", "LICENSE", ""),
    "813920": ("MEMBERSHIP DUES", "ANNUAL DUES", ""),
    "561920": ("CONFERENCE REGISTRATION", "REGISTRATION", ""),
    "336390": ("PARTS", "VEHICLE PARTS", ""),
}


def _pcard_memo(t_naics: np.ndarray, reason: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.empty(len(t_naics), dtype=object)
    for i, (c, r) in enumerate(zip(t_naics, reason, strict=True)):
        if r == "scope12_fuel":
            opts = ("FUEL", "GAS FOR CITY VEHICLE", "")
        elif r:
            opts = ("FEES", "")
        else:
            opts = _PCARD_MEMO.get(c, ("SUPPLIES", "", "MISC"))
        out[i] = opts[int(rng.integers(len(opts)))]
    return out


def _payroll(m, fy, rng, start, end, P) -> pd.DataFrame:
    """Payroll clearing, withholding, benefits and deductions paid through AP."""
    if m.kind == "county":
        d = pd.date_range(start, end, freq="SMS").to_numpy().astype("datetime64[D]")
    else:
        first_fri = start + np.timedelta64((4 - pd.Timestamp(start).day_of_week) % 7, "D")
        d = np.arange(first_fri, end + np.timedelta64(1, "D"), 14, dtype="datetime64[D]")
    monthly = pd.date_range(start, end, freq="MS").to_numpy().astype(
        "datetime64[D]"
    ) + np.timedelta64(2, "D")
    health = HEALTH_INSURERS[int(rng.integers(len(HEALTH_INSURERS)))]
    name = m.name.replace("City of ", "").upper()
    state = STATE_NAMES[m.state]
    items = [
        # vendor, klass, share, schedule, description
        (f"{name} PAYROLL ACCOUNT", "liab_payroll", 0.52, "pay", "NET PAY PPE {d}"),
        ("Internal Revenue Service", "liab_withhold", 0.2, "pay", "FED WH & FICA PPE {d}"),
        (RETIREMENT[m.state], "ben_retire", 0.11, "pay", "RETIREMENT CONTRIBUTIONS PPE {d}"),
        (health, "ben_health", 0.085, "month", "MEDICAL PREMIUM {m}"),
        ("Delta Dental", "ben_health", 0.006, "month", "DENTAL PREMIUM {m}"),
        ("VSP Vision Care", "ben_health", 0.0015, "month", "VISION PREMIUM {m}"),
        ("The Standard Insurance Company", "ben_health", 0.004, "month", "LIFE/LTD PREMIUM {m}"),
        ("MissionSquare Retirement", "liab_deduct", 0.015, "pay", "457 DEFERRED COMP PPE {d}"),
        ("HealthEquity Inc", "liab_deduct", 0.003, "pay", "HSA CONTRIBUTIONS PPE {d}"),
        (
            f"AFSCME Local {int(rng.integers(100, 3999))}",
            "liab_deduct",
            0.0015,
            "month",
            "UNION DUES {m}",
        ),
        (
            f"IAFF Local {int(rng.integers(100, 3999))}",
            "liab_deduct",
            0.0008,
            "month",
            "UNION DUES {m}",
        ),
        (f"{state} State Disbursement Unit", "liab_deduct", 0.0012, "pay", "CHILD SUPPORT PPE {d}"),
        ("Chapter 13 Trustee", "liab_deduct", 0.0004, "pay", "GARNISHMENT PPE {d}"),
        ("AFLAC", "liab_deduct", 0.0008, "month", "AFLAC PREMIUMS {m}"),
        (
            f"{m.place} Federal Credit Union",
            "liab_deduct",
            0.004,
            "pay",
            "CREDIT UNION DEDUCTIONS PPE {d}",
        ),
        (
            f"{state} Workers Compensation Fund",
            "ben_workcomp",
            0.01,
            "month",
            "WORKERS COMP PREMIUM {m}",
        ),
    ]
    if m.state in STATE_INCOME_TAX:
        items.append(
            (
                f"{state} Department of Revenue",
                "liab_withhold",
                0.035,
                "pay",
                "STATE WITHHOLDING PPE {d}",
            )
        )
    frames = []
    tot_share = sum(i[2] for i in items)
    for vendor, klass, share, sched, tmpl in items:
        dates = d if sched == "pay" else monthly
        k = len(dates)
        amt = P * share / tot_share
        cents = _lognormal_cents(rng, amt / k, 0.05, k)
        if sched == "pay":
            desc = [
                tmpl.replace("{d}", pd.Timestamp(x - np.timedelta64(6, "D")).strftime("%m/%d/%y"))
                for x in dates
            ]
        else:
            desc = [
                tmpl.replace(
                    "{m}", MONTHS[pd.Timestamp(x).month - 1] + " " + str(pd.Timestamp(x).year)
                )
                for x in dates
            ]
        frames.append(
            _frame(
                kind="payroll",
                date=dates,
                vendor=vendor,
                dept="NONDEPT",
                klass=klass,
                description=np.array(desc, dtype=object),
                cents=cents,
                t_reason="payroll_benefits",
            )
        )
    return pd.concat(frames, ignore_index=True)


def _debt(m, fy, rng, start, end, D) -> pd.DataFrame:
    n_issues = int(np.clip(round(np.log10(m.population) * 2 - 7), 2, 6))
    rows = []
    years = [2012, 2013, 2015, 2016, 2018, 2019, 2020]
    kinds = [
        "GO BONDS",
        "WATER REVENUE BONDS",
        "COPS",
        "REFUNDING BONDS",
        "SALES TAX REV BONDS",
        "LIMITED TAX GO",
    ]
    trustee = TRUSTEES[int(rng.integers(len(TRUSTEES)))]
    for i in range(n_issues):
        label = f"{years[i % len(years)]} {kinds[i % len(kinds)]}"
        share = rng.uniform(0.5, 1.5)
        pdate = start + np.timedelta64(int(rng.integers(150, 330)), "D")
        idate1 = start + np.timedelta64(int(rng.integers(0, 150)), "D")
        idate2 = idate1 + np.timedelta64(182, "D")
        rows += [
            (pdate, trustee, "debt_principal", f"{label} - PRINCIPAL", share * 0.64),
            (idate1, trustee, "debt_interest", f"{label} - INTEREST", share * 0.17),
            (idate2, trustee, "debt_interest", f"{label} - INTEREST", share * 0.17),
            (idate1, trustee, "debt_fees", f"PAYING AGENT FEE - {label}", share * 0.003),
        ]
    df = pd.DataFrame(rows, columns=["date", "vendor", "klass", "description", "w"])
    df["date"] = df["date"].to_numpy().astype("datetime64[D]")
    df["cents"] = np.round(df["w"] / df["w"].sum() * D * 100).astype(np.int64)
    return df.drop(columns="w").assign(kind="debt", dept="NONDEPT", t_reason="debt_service")


def _transfers(m, fy, rng, start, end, T) -> pd.DataFrame:
    name = m.name.upper()
    funds = [
        "CAPITAL PROJECTS FUND",
        "STREET FUND",
        "DEBT SERVICE FUND",
        "FLEET REPLACEMENT FUND",
        "RISK MANAGEMENT FUND",
    ]
    if m.kind == "county":
        funds += ["HUMAN SERVICES FUND", "HOUSING AUTHORITY"]
    monthly = pd.date_range(start, end, freq="MS").to_numpy().astype(
        "datetime64[D]"
    ) + np.timedelta64(14, "D")
    rows = []
    for f in funds:
        share = rng.uniform(0.3, 1.5)
        for dte in monthly:
            rows.append(
                (
                    dte,
                    f"{name} - {f}",
                    "xfer_out",
                    f"TRANSFER TO {f} - {MONTHS[pd.Timestamp(dte).month - 1]}",
                    share,
                )
            )
    df = pd.DataFrame(rows, columns=["date", "vendor", "klass", "description", "w"])
    df["date"] = df["date"].to_numpy().astype("datetime64[D]")
    df["cents"] = np.round(
        df["w"] / df["w"].sum() * T * 100 * rng.uniform(0.9, 1.1, len(df))
    ).astype(np.int64)
    return df.drop(columns="w").assign(kind="transfer", dept="NONDEPT", t_reason="transfer")


def _simple_family(
    m, rng, days, n, total, vendors, klasses, descs, depts, reason, kind, sigma=1.0, have=None
) -> pd.DataFrame:
    if n <= 0:
        return pd.DataFrame()
    v = np.array(vendors, dtype=object)[rng.integers(0, len(vendors), n)]
    k = np.array(klasses, dtype=object)[rng.integers(0, len(klasses), n)]
    dates = _dates(rng, days, n)
    desc = _fill(
        np.array(descs, dtype=object)[rng.integers(0, len(descs), n)],
        dates,
        rng,
        int(pd.Timestamp(days[-1]).year),
    )
    dept = _dept_for(rng, tuple(depts), have, n)
    cents = _lognormal_cents(rng, max(total / n, 5.0), sigma, n)
    cents = _scale_to(cents, total)
    return _frame(
        kind=kind,
        date=dates,
        vendor=v,
        dept=dept,
        klass=k,
        description=desc,
        cents=cents,
        t_reason=reason,
    )


def _energy(m, fy, rng, start, end, have, n_elec, n_gas, n_fuel) -> pd.DataFrame:
    spend = energy_spend(m, fy)
    elec_v, gas_v = UTILITIES[m.state]
    monthly = pd.date_range(start, end, freq="MS").to_numpy().astype("datetime64[D]")
    frames = []
    # electricity by account (facility), monthly
    n_acct = max(1, n_elec // 12)
    accts = rng.integers(1_000_000, 9_999_999, n_acct)
    fac_depts = [
        d
        for d in ("FACIL", "WATER", "SEWER", "PARKS", "POLICE", "FIRE", "LIB", "SW", "STREETS")
        if d in have
    ]
    acct_dept = np.array(fac_depts, dtype=object)[rng.integers(0, len(fac_depts), n_acct)]
    acct_w = rng.lognormal(0, 1.2, n_acct)
    a_idx = np.repeat(np.arange(n_acct), 12)
    dates = np.tile(monthly, n_acct) + rng.integers(3, 25, n_acct * 12).astype("timedelta64[D]")
    fac = np.array(FACILITIES)[rng.integers(0, len(FACILITIES), n_acct)]
    desc = np.array(
        [
            f"ELEC SVC ACCT {accts[a]} {MONTHS[pd.Timestamp(x).month - 1]}"
            if j % 3
            else f"ELECTRIC - {fac[a]} {MONTHS[pd.Timestamp(x).month - 1]}"
            for j, (a, x) in enumerate(zip(a_idx, dates, strict=True))
        ],
        dtype=object,
    )
    cents = np.round(acct_w[a_idx] * rng.uniform(0.8, 1.25, len(a_idx)) * 1000).astype(np.int64)
    cents = _scale_to(cents, spend["electricity"])
    frames.append(
        _frame(
            kind="energy",
            date=dates,
            vendor=elec_v,
            dept=acct_dept[a_idx],
            klass="en_elec",
            description=desc,
            cents=cents,
            t_reason="scope12_electricity",
            t_naics="221122",
        )
    )
    # streetlights, monthly
    sd = monthly + np.timedelta64(9, "D")
    cents = _scale_to(
        np.round(rng.uniform(0.9, 1.1, len(sd)) * 1000).astype(np.int64), spend["streetlights"]
    )
    desc = np.array([f"STREETLIGHTS {MONTHS[pd.Timestamp(x).month - 1]}" for x in sd], dtype=object)
    frames.append(
        _frame(
            kind="energy",
            date=sd,
            vendor=elec_v,
            dept="STREETS",
            klass="en_street",
            description=desc,
            cents=cents,
            t_reason="scope12_electricity",
            t_naics="221122",
        )
    )
    # natural gas
    if n_gas > 0:
        g_acct = max(1, n_gas // 12)
        a = np.repeat(np.arange(g_acct), 12)
        gd = np.tile(monthly, g_acct) + rng.integers(3, 25, g_acct * 12).astype("timedelta64[D]")
        season = np.cos((pd.DatetimeIndex(gd).month.to_numpy() - 1) / 12 * 2 * np.pi) + 1.3
        cents = _scale_to(
            np.round(rng.lognormal(0, 0.8, g_acct)[a] * season * 1000).astype(np.int64),
            spend["natural_gas"],
        )
        gacc = rng.integers(100000, 999999, g_acct)
        desc = np.array(
            [
                f"NATURAL GAS ACCT {gacc[i]} {MONTHS[pd.Timestamp(x).month - 1]}"
                if j % 2
                else f"GAS SERVICE {MONTHS[pd.Timestamp(x).month - 1]} THERMS"
                for j, (i, x) in enumerate(zip(a, gd, strict=True))
            ],
            dtype=object,
        )
        gdept = np.array(fac_depts, dtype=object)[rng.integers(0, len(fac_depts), g_acct)][a]
        frames.append(
            _frame(
                kind="energy",
                date=gd,
                vendor=gas_v,
                dept=gdept,
                klass="en_gas",
                description=desc,
                cents=cents,
                t_reason="scope12_natural_gas",
                t_naics="221210",
            )
        )
    # fuel: fleet card monthly + bulk deliveries
    fdays = business_days(start, end)
    fd = np.concatenate([monthly + np.timedelta64(5, "D"), _dates(rng, fdays, max(0, n_fuel - 12))])
    fv = np.where(
        np.arange(len(fd)) < 12,
        FUEL_VENDORS[0],
        np.array(FUEL_VENDORS[1:], dtype=object)[rng.integers(0, 2, len(fd))],
    )
    desc = np.where(
        np.arange(len(fd)) < 12,
        np.array(
            [f"FLEET FUEL CARD {MONTHS[pd.Timestamp(x).month - 1]}" for x in fd], dtype=object
        ),
        np.array(
            [
                "BULK DIESEL DELIVERY",
                "UNLEADED FUEL DELIVERY",
                "DIESEL {unit} GAL",
                "FUEL - UNLEADED {unit} GAL",
                "B20 BIODIESEL",
            ],
            dtype=object,
        )[rng.integers(0, 5, len(fd))],
    )
    desc = _fill(desc.astype(object), fd, rng, fy)
    cents = _scale_to(_lognormal_cents(rng, 1000, 0.6, len(fd)), spend["fuel"])
    frames.append(
        _frame(
            kind="energy",
            date=fd,
            vendor=fv.astype(object),
            dept="FLEET",
            klass="en_fuel",
            description=desc,
            cents=cents,
            t_reason="scope12_fuel",
            t_naics="324110",
        )
    )
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------
# Ledger realities applied to purchases
# --------------------------------------------------------------------------


def _splits(df: pd.DataFrame, rng: np.random.Generator, have: list[str]) -> pd.DataFrame:
    """One invoice spread over 2-3 departments (legitimate, not duplicates)."""
    cand = np.flatnonzero((df["kind"] == "purchase").to_numpy() & (df["cents"].to_numpy() > 50000))
    pick = np.sort(rng.choice(cand, size=min(len(cand), int(len(df) * 0.035)), replace=False))
    df = df.copy()
    df["split_of"] = -1
    if len(pick) == 0:
        return df
    parts = rng.integers(2, 4, len(pick))
    general = np.array([d for d in have if d not in ("NONDEPT",)], dtype=object)
    src = np.repeat(pick, parts)
    part_no = np.concatenate([np.arange(k) for k in parts])
    fr = rng.gamma(2.0, size=len(src))
    tot_fr = np.repeat(np.add.reduceat(fr, np.concatenate([[0], np.cumsum(parts)[:-1]])), parts)
    total = df["cents"].to_numpy()[src]
    amounts = np.floor(fr / tot_fr * total).astype(np.int64)
    # make the parts add up and differ from each other
    first = part_no == 0
    sums = np.repeat(np.add.reduceat(amounts, np.concatenate([[0], np.cumsum(parts)[:-1]])), parts)
    amounts[first] += (total - sums)[first]
    amounts = amounts + part_no  # parts never equal
    amounts[first] -= np.add.reduceat(part_no, np.concatenate([[0], np.cumsum(parts)[:-1]]))
    own_dept = df["dept"].to_numpy()[src]
    shift = rng.integers(1, len(general), len(src))
    pos = np.searchsorted(np.sort(general), own_dept)
    other = np.sort(general)[(pos + shift * part_no) % len(general)]
    new_dept = np.where(first, own_dept, other)
    # guard against two parts in the same department
    rows = df.iloc[src].copy()
    rows["cents"] = amounts
    rows["dept"] = new_dept
    rows["split_of"] = src
    df.loc[pick, "cents"] = amounts[first]
    df.loc[pick, "split_of"] = pick
    extra = rows[~first]
    return pd.concat([df, extra], ignore_index=True)


def _credits(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    m = (
        (df["kind"] == "purchase").to_numpy()
        & (df["t_capital"].to_numpy() == 0)
        & (rng.random(len(df)) < 0.012)
        & (df["split_of"].to_numpy() < 0)
    )
    idx = np.flatnonzero(m)
    df.loc[idx, "cents"] = -np.maximum(
        100, (df.loc[idx, "cents"].to_numpy() * rng.uniform(0.05, 0.6, len(idx))).astype(np.int64)
    )
    pre = np.array(["CREDIT MEMO - ", "CREDIT - RETURN ", "CM "], dtype=object)[
        rng.integers(0, 3, len(idx))
    ]
    df.loc[idx, "description"] = pre + df.loc[idx, "description"].astype(str).to_numpy()
    return df


def _voids_and_dups(
    df: pd.DataFrame, rng: np.random.Generator, end: np.datetime64, has_status: bool
) -> pd.DataFrame:
    base = (
        (df["kind"] == "purchase").to_numpy()
        & (df["cents"].to_numpy() > 0)
        & (df["split_of"].to_numpy() < 0)
    )
    cand = np.flatnonzero(base)
    n_void = max(3, int(len(df) * 0.005))
    vpick = np.sort(rng.choice(cand, size=min(n_void, len(cand)), replace=False))
    rest = np.setdiff1d(cand, vpick)
    n_dup = max(3, int(len(df) * 0.004))
    dpick = np.sort(rng.choice(rest, size=min(n_dup, len(rest)), replace=False))
    df = df.copy()
    for col in ("void_of", "reissue_of", "dup_of"):
        df[col] = -1
    orig = df.iloc[vpick]
    lag = rng.integers(5, 40, len(vpick)).astype("timedelta64[D]")
    vdate = np.minimum(orig["date"].to_numpy().astype("datetime64[D]") + lag, end)
    rdate = np.minimum(vdate + rng.integers(1, 10, len(vpick)).astype("timedelta64[D]"), end)
    v = orig.copy()
    v["date"] = vdate
    v["cents"] = -orig["cents"].to_numpy()
    v["status"] = "VOID"
    v["t_status"], v["t_reason"] = "excluded", "void"
    v["void_of"] = vpick
    if not has_status:
        v["description"] = "VOID - " + orig["description"].astype(str)
    r = orig.copy()
    r["date"] = rdate
    r["status"] = "PAID"
    r["reissue_of"] = vpick
    r["t_status"], r["t_reason"] = "included", ""
    df.loc[vpick, "t_status"] = "excluded"
    df.loc[vpick, "t_reason"] = "void"
    df.loc[vpick, "status"] = "VOIDED"
    dup = df.iloc[dpick].copy()
    dup["t_status"], dup["t_reason"] = "excluded", "duplicate"
    dup["dup_of"] = dpick
    df = pd.concat([df, v, r, dup], ignore_index=True)
    for col in ("void_of", "reissue_of", "dup_of", "split_of"):
        df[col] = df[col].fillna(-1).astype(int)
    return df


# --------------------------------------------------------------------------
# A member-year
# --------------------------------------------------------------------------


def budgets(m: Member, fy: int) -> dict[str, float]:
    """Spend targets (USD) of a member-year."""
    r = rng_for("budget", m.slug, fy)
    pop = m.population * (1 + m.growth) ** (fy - 2021)
    pl = price_level(fy, m.fy_start_month)
    S = pop * m.purchases_per_resident * pl * (1 + r.normal(0, 0.03))
    cap_share = float(np.clip(m.capital_share * np.exp(r.normal(0, 0.18)), 0.12, 0.45))
    employees = pop * m.employees_per_1000 / 1000
    comp = (98000 if m.kind == "city" else 92000) * pl
    arpa = 1.6 if fy in (2022, 2023) else 1.0
    return {
        "population": pop,
        "purchases": S,
        "operating": S * (1 - cap_share),
        "capital": S * cap_share,
        "payroll": employees * comp,
        "debt": S * m.debt_ratio * r.uniform(0.9, 1.1),
        "transfer": S * m.transfer_ratio * r.uniform(0.8, 1.2),
        "grant": S * m.grant_ratio * arpa * r.uniform(0.85, 1.15),
        "tax_fee": S * 0.01 * r.uniform(0.7, 1.3),
        "land": S * 0.008 * r.uniform(0, 2),
        "employees": employees,
    }


def generate_year(
    m: Member, fy: int, *, has_status: bool, pcard_in_ledger: bool
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """All lines of a member-year; returns (ap_lines, pcard_lines or None)."""
    rng = rng_for("ledger", m.slug, fy)
    start, end = fy_bounds(fy, m.fy_start_month)
    days = business_days(start, end)
    have_list = member_departments(m)
    have = set(have_list)
    b = budgets(m, fy)
    # at least ~5,000 lines per US member-year once voids, duplicates and splits are added
    N = max(5400, int(m.lines * (1 + rng.normal(0, 0.03)) * (1 + m.growth) ** (fy - 2021)))
    state = m.state
    place = m.place
    name_up = m.name.upper()

    parts = [
        _payroll(m, fy, rng, start, end, b["payroll"]),
        _debt(m, fy, rng, start, end, b["debt"]),
        _transfers(m, fy, rng, start, end, b["transfer"]),
    ]
    n_grant = int(N * (0.02 if m.kind == "county" else 0.012))
    grant_orgs = [
        f"{place} Food Bank",
        f"Habitat for Humanity of {place}",
        f"Boys & Girls Club of {place}",
        f"{place} Arts Council",
        f"{place} Senior Center Inc",
        "Community Action Partnership",
        f"{place} Economic Development Corp",
        f"YMCA of {place}",
        f"United Way of {place}",
        "Legal Aid Services",
        f"{place} Area Transit District",
        f"{place} Historical Society",
    ]
    parts.append(
        _simple_family(
            m,
            rng,
            days,
            n_grant,
            b["grant"],
            grant_orgs,
            ["grants_orgs", "grants_orgs", "passthrough"],
            [
                "CDBG SUBRECIPIENT REIMB {q}",
                "COMMUNITY GRANT FY{fy}",
                "ARPA SUBAWARD - {matter}",
                "PASS-THROUGH - STATE GRANT",
                "TOURISM GRANT Q{q}",
                "OPERATING SUBSIDY {month}",
                "HOUSING ASSISTANCE {month}",
            ],
            ["ADMIN", "PLAN", "HUMAN"],
            "grant_passthrough",
            "grant",
            sigma=1.2,
            have=have,
        )
    )
    sn = STATE_NAMES[state]
    gov = [
        f"{sn} Department of Environmental Quality",
        f"{sn} Department of Revenue - Use Tax",
        f"{sn} Secretary of State",
        f"{sn} Department of Motor Vehicles",
        "County Recorder",
        "County Treasurer",
        f"{sn} Department of Transportation",
    ]
    if m.kind == "county":
        gov[4:6] = [f"{sn} Department of Corrections", f"{sn} Supreme Court - Court Fees"]
    parts.append(
        _simple_family(
            m,
            rng,
            days,
            int(N * 0.008),
            b["tax_fee"],
            gov,
            ["pay_gov"],
            [
                "ANNUAL PERMIT FEE",
                "USE TAX Q{q}",
                "RECORDING FEES",
                "TITLE & REGISTRATION",
                "PROPERTY TAX - PARCEL {n}",
                "NPDES PERMIT FEE",
                "STATE ASSESSMENT FY{fy}",
                "INMATE HOUSING FEES {month}",
            ],
            ["FIN", "WATER", "SEWER", "FLEET"],
            "tax_fee_government",
            "tax_fee",
            sigma=1.3,
            have=have,
        )
    )
    n_ref = int(N * 0.05)
    if n_ref:
        people = ven.person_names(n_ref, rng, "last_first" if rng.random() < 0.7 else "first_last")
        ref = _simple_family(
            m,
            rng,
            days,
            n_ref,
            n_ref * rng.uniform(150, 350),
            ["X"],
            ["refund_exp", "rev_permits", "rev_rec", "liab_deposits"],
            [
                "REFUND - PERMIT DEPOSIT",
                "UTILITY DEPOSIT REFUND",
                "OVERPAYMENT REFUND",
                "REC PROGRAM REFUND",
                "REFUND - CANCELLED CLASS",
                "BUILDING PERMIT REFUND",
                "REFUND",
                "DEPOSIT REFUND ACCT {n}",
            ],
            ["PLAN", "PARKS", "FIN", "WATER"],
            "refund",
            "refund",
            sigma=1.1,
            have=have,
        )
        ref["vendor"] = people
        ref["vendor_no"] = "9999"
        parts.append(ref)
    n_land = int(rng.integers(0, 5))
    if n_land:
        owners = [
            *TITLE_COS,
            f"{ven.ONEOFF_SURNAMES[int(rng.integers(len(ven.ONEOFF_SURNAMES)))]} Family Trust",
        ]
        parts.append(
            _simple_family(
                m,
                rng,
                days,
                n_land,
                b["land"] + 2e5,
                owners,
                ["cap_land"],
                [
                    "LAND ACQUISITION - PARCEL {n}",
                    "ROW ACQUISITION {project}",
                    "EASEMENT PURCHASE {project}",
                ],
                ["CIP", "STREETS", "PARKS"],
                "land",
                "land",
                sigma=0.6,
                have=have,
            )
        )
        parts[-1]["t_capital"] = 1
    n_elec = int(N * 0.03)
    parts.append(_energy(m, fy, rng, start, end, have, n_elec, int(N * 0.01), int(N * 0.012)))
    fixed = pd.concat(parts, ignore_index=True)
    pcard_df = None
    n_pc = 0
    if m.pcard:
        n_pc = int(N * (0.12 if pcard_in_ledger else 0.15))
        pcard_df = _pcard(m, fy, rng, days, have_list, n_pc, state)
    n_purch = max(
        1000,
        N - len(fixed) - (n_pc if pcard_in_ledger else 0) - int(N * 0.035 * 1.3) - int(N * 0.014),
    )
    purch = _purchases(m, fy, rng, days, have, b["operating"], b["capital"], n_purch)
    purch = _credits(purch.assign(split_of=-1), rng)
    purch = _splits(purch, rng, have_list)
    # purchases first: split_of holds their row positions
    df = pd.concat(
        [purch, fixed] + ([pcard_df] if pcard_in_ledger and pcard_df is not None else []),
        ignore_index=True,
    )
    if pcard_in_ledger:
        pcard_df = None
    # defaults
    for col, val in (
        ("t_status", ""),
        ("t_reason", ""),
        ("t_naics", ""),
        ("t_capital", 0),
        ("mcc", ""),
        ("vendor_no", ""),
        ("status", "PAID"),
        ("oneoff", False),
        ("split_of", -1),
    ):
        if col not in df:
            df[col] = val
        df[col] = df[col].fillna(val) if col not in ("t_capital",) else df[col].fillna(0)
    df["t_status"] = np.where(
        df["t_status"] != "", df["t_status"], np.where(df["t_reason"] == "", "included", "excluded")
    )
    df["t_capital"] = df["t_capital"].astype(int)
    df = _voids_and_dups(df, rng, end, has_status)
    df = _finish(df, m, fy, rng, name_up)
    if pcard_df is not None:
        pcard_df = _finish(
            pcard_df.assign(
                split_of=-1,
                void_of=-1,
                reissue_of=-1,
                dup_of=-1,
                status="POSTED",
                group=np.arange(len(pcard_df)),
            ),
            m,
            fy,
            rng,
            name_up,
            pcard=True,
        )
    return df, pcard_df


def _finish(
    df: pd.DataFrame,
    m: Member,
    fy: int,
    rng: np.random.Generator,
    name_up: str,
    pcard: bool = False,
) -> pd.DataFrame:
    """Accounts, funds, invoices, payment numbers, sort order, blank/cryptic text."""
    df = df.copy()
    df["account"] = [acc.class_code(k, m.chart) for k in df["klass"]]
    df["dept_code"] = [acc_dept_code(d) for d in df["dept"]]
    df["dept_name"] = [dept_name(m, d) for d in df["dept"]]
    df["fund"] = [FUNDS.get(d, GENERAL_FUND) for d in df["dept"]]
    df.loc[df["kind"] == "debt", "fund"] = "300"
    cap = df["t_capital"].to_numpy() == 1
    df.loc[cap & (df["kind"] == "purchase").to_numpy(), "fund"] = "400"
    n = len(df)
    # descriptions: blank and cryptic on purchases
    purch = (df["kind"] == "purchase").to_numpy()
    u = rng.random(n)
    desc = df["description"].astype(str).to_numpy().astype(object)
    blank = purch & (u < 0.06)
    cryptic = purch & (u >= 0.06) & (u < 0.10)
    desc[blank] = ""
    cr = np.array(CRYPTIC, dtype=object)[rng.integers(0, len(CRYPTIC), int(cryptic.sum()))]
    desc[cryptic] = _fill(cr, df["date"].to_numpy()[cryptic], rng, fy)
    # keep exact duplicates / void pairs / reissues / splits consistent with their source
    for col in ("dup_of", "reissue_of", "split_of"):
        src = df[col].to_numpy()
        mask = src >= 0
        if col == "split_of":
            mask &= src != np.arange(n)
        desc[mask] = desc[src[mask]] if col != "split_of" else desc[src[mask]]
    vsrc = df["void_of"].to_numpy()
    vm = vsrc >= 0
    desc[vm] = np.where(
        np.char.startswith(df["description"].astype(str).to_numpy()[vm].astype(str), "VOID - "),
        "VOID - " + desc[vsrc[vm]].astype(str),
        desc[vsrc[vm]],
    )
    df["description"] = desc
    # invoice numbers (pattern per vendor)
    inv = np.empty(n, dtype=object)
    kinds = df["kind"].to_numpy()
    dates = pd.DatetimeIndex(df["date"].to_numpy())
    num = rng.integers(1000, 999999, n)
    style = np.array([zlib_crc(v) % 4 for v in df["vendor"].astype(str)])
    inv = np.where(style == 0, "INV" + pd.Series(num).astype(str).str.zfill(6).to_numpy(), inv)
    inv = np.where(style == 1, pd.Series(num * 7 + 1000000).astype(str).to_numpy(), inv)
    inv = np.where(
        style == 2,
        dates.strftime("%y%m").to_numpy()
        + "-"
        + pd.Series(num % 1000).astype(str).str.zfill(3).to_numpy(),
        inv,
    )
    inv = np.where(style == 3, "2" + pd.Series(num).astype(str).str.zfill(7).to_numpy(), inv)
    special = np.isin(kinds, ["payroll", "transfer", "debt"])
    inv = np.where(
        special,
        dates.strftime("%Y%m%d").to_numpy()
        + "-"
        + pd.Series(np.arange(n) % 97).astype(str).to_numpy(),
        inv,
    )
    inv = np.where(kinds == "refund", "REF" + pd.Series(num).astype(str).to_numpy(), inv)
    for col in ("dup_of", "reissue_of", "split_of", "void_of"):
        src = df[col].to_numpy()
        mask = src >= 0
        inv[mask] = inv[src[mask]]
    df["invoice"] = inv
    vno = df["vendor_no"].fillna("").astype(str).to_numpy(dtype=object)
    missing = (vno == "") | (vno == "nan")
    vno[missing] = [str(10000 + zlib_crc(v) % 50000) for v in df.loc[missing, "vendor"].astype(str)]
    df["vendor_no"] = vno
    # sort: by date, then keep families together
    df["_ord"] = np.arange(n)
    df = df.sort_values(["date", "vendor", "_ord"], kind="stable", ignore_index=True)
    # payment (check/EFT) numbers: one per (date, vendor spelling)
    key = df["date"].astype(str) + "|" + df["vendor"].astype(str)
    codes, uniq = pd.factorize(key)
    base = int(rng.integers(100000, 600000))
    pay = base + codes
    # a void keeps the voided payment's number; a reissue gets its own
    old_to_new = pd.Series(np.arange(len(df)), index=df["_ord"].to_numpy())
    vsrc = df["void_of"].to_numpy()
    vm = vsrc >= 0
    if vm.any():
        pay[vm] = pay[old_to_new.loc[vsrc[vm]].to_numpy()]
    dsrc = df["dup_of"].to_numpy()
    dm = dsrc >= 0
    if dm.any():
        pay[dm] = pay[old_to_new.loc[dsrc[dm]].to_numpy()]
    df["payment"] = pay.astype(str)
    if pcard:
        df["payment"] = ""
    return df.drop(columns=["_ord"])


def zlib_crc(s: str) -> int:
    import zlib

    return zlib.crc32(s.encode("utf-8"))


def acc_dept_code(key: str) -> str:
    from ._spec import DEPARTMENTS

    return DEPARTMENTS[key][2]
