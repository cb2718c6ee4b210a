"""Mapping purchase lines to NAICS-6 codes, each with its method and confidence.

For every included line :func:`classify` tries, in order:

1. a participant's **override** (``source_file`` + ``source_line``; wins over
   everything, exclusions included);
2. the **vendor** list, by normalised name (case, punctuation, Inc/LLC/Co,
   "Grainger, W W" word order);
3. a **fuzzy** vendor match (rapidfuzz, over unique names; confidence scaled by
   the score);
4. the **merchant category code** of P-card lines;
5. **keyword** rules on the description (highest priority wins);
6. the **object code** crosswalk of the chart of accounts;
7. the **general knowledge** of :mod:`cohort_helpers.rules` for lines the tables
   above do not settle: phrases of the account name, description and
   department (``phrase``), large suppliers (``supplier``), MCCs, KOSTRA arts
   (``kostra_art``), the Census NAICS index (``census_index``) and vendor-name
   cues (``vendor_cue``): the most confident wins, and a coarse code is refined
   by a longer code that starts with it.

Steps 2-6 use a cohort member's tables (``datasets/classify``), which only
apply with its chart. A purchase no source places at 6 digits keeps its
coarse code (2-5 digits) or gets ``GSLGO``/``F10``, with ``method="profile"``
(contract C5). Lines not known to be a purchase at all become
``status="unclassified"`` (still counted in the reconciliation). See
``docs/ACCURACY.md`` for how well this works on real exports.

:func:`accuracy` compares a classified ledger with the synthetic cohort's
ground truth.

Examples
--------
>>> from cohort_helpers import classify, exclude, ledger
>>> rules = exclude.load_rules(chart="cedar_valley")                 # doctest: +SKIP
>>> lines = classify.classify(ledger.read_ledger(...), rules)       # doctest: +SKIP
>>> lines.groupby("method")["amount"].sum()                          # doctest: +SKIP
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import exclude
from . import rules as rules_mod
from .exclude import FUZZY_THRESHOLD, Rules
from .overrides import OVERRIDE_COLUMNS, OverrideError, apply_overrides, load_overrides

__all__ = [
    "OVERRIDE_COLUMNS",
    "OverrideError",
    "classify",
    "load_overrides",
    "Accuracy",
    "accuracy",
    "read_truth",
]

#: Below this confidence a source gives way to a more confident later one (see classify).
MIN_CONFIDENCE = exclude.MIN_CONFIDENCE

# ---------------------------------------------------------------------------
# classification
# ---------------------------------------------------------------------------


#: Knowledge sources with the method each records; on equal confidence the first wins.
KNOWLEDGE_ORDER = (
    ("phrase", "phrase"),
    ("supplier", "supplier"),
    ("mcc", "mcc"),
    ("kostra", "kostra_art"),
    ("census", "census_index"),
    ("cue", "vendor_cue"),
)

#: Utility services (NAICS-4) and the construction of their systems, for capital lines.
UTILITY_CONSTRUCTION = {"2211": "237130", "2212": "237120", "2213": "237110"}

#: Codes that name a purchasing profile rather than an industry (contract C5).
PROFILE_CODES = ("GSLGO", "F10")

#: Highest confidence of a line placed by a profile: a coarse code (2-5 digits) and
#: a purchase of unknown kind (GSLGO / F10).
PROFILE_CONFIDENCE = {"coarse": 0.4, "unknown": 0.2}


def _sparse_text(values: np.ndarray, index: pd.Index) -> pd.Series:
    """A text column that is mostly missing, built without converting a million Nones.

    Examples
    --------
    >>> _sparse_text(np.array([None, "a"], dtype=object), pd.RangeIndex(2)).tolist()
    [nan, 'a']
    """
    out = pd.Series(np.nan, index=index, dtype="str")
    has = pd.notna(values)
    if has.any():
        out.iloc[np.flatnonzero(has)] = values[has]
    return out


def _not_six_digits(codes: np.ndarray) -> np.ndarray:
    """Whether each code is coarse (2-5 digits) or a profile code; computed per distinct code.

    Examples
    --------
    >>> _not_six_digits(np.array(["541110", "54", "GSLGO", None], dtype=object)).tolist()
    [False, True, True, False]
    """
    idx, uniq = pd.factorize(pd.Series(codes, dtype=object), use_na_sentinel=True)
    u = pd.Series(uniq, dtype=object).astype(str)
    flag = ((u.str.len() < 6) | u.isin(PROFILE_CODES)).to_numpy(dtype=bool)
    return np.append(flag, False)[idx]


def _per_unique(fn: Any, mask: np.ndarray, *cols: np.ndarray) -> np.ndarray:
    """``fn(*values)`` once per distinct combination of the columns on the masked lines.

    Examples
    --------
    >>> _per_unique(lambda a, b: a + b, np.array([True, True, False]),
    ...             np.array(["2", "2", "9"], dtype=object), np.array(["3", "3", "0"], dtype=object))
    array(['23', '23', None], dtype=object)
    """
    out = np.full(len(mask), None, dtype=object)
    idx = np.flatnonzero(mask)
    if not len(idx):
        return out
    seen: dict = {}
    keys = list(zip(*(c[idx] for c in cols), strict=True))
    codes = np.fromiter((seen.setdefault(k, len(seen)) for k in keys), np.int64, len(keys))
    res = np.empty(len(seen), dtype=object)
    res[:] = [fn(*k) for k in seen]
    out[idx] = res[codes]
    return out


def _startswith(a: Any, b: Any) -> bool:
    return bool(a) and bool(b) and str(b).startswith(str(a))


def _longer_phrase_code(c0: Any, codes: tuple) -> str | None:
    if c0 is None or c0 in PROFILE_CODES:
        return None
    longer = [c for c in codes if len(c) > len(c0) and c.startswith(c0)]
    return max(longer, key=len) if longer else None


#: Suppliers' subsectors that keep their code against another subsector of the texts: a waste
#: firm (562) paid on a facilities or PFI account (561, same sector 56) still provides waste
#: services (a facilities firm, 561, on a refuse-collection account does give way).
_KEEPS_SUBSECTOR = ("562",)


def _same_sector_phrase_code(c0: Any, codes: tuple) -> str | None:
    c0 = str(c0)
    if c0.startswith(_KEEPS_SUBSECTOR):
        return None
    return next((c for c in codes if len(c) >= 3 and c[:2] == c0[:2] and c[:3] != c0[:3]), None)


def _utility_construction(codes: tuple) -> str | None:
    return next(
        (UTILITY_CONSTRUCTION[str(c)[:4]] for c in codes if str(c)[:4] in UTILITY_CONSTRUCTION),
        None,
    )


def _dept_refinement(c0: Any, codes: tuple) -> str | None:
    """The one longer code of the department's rows that starts with ``c0`` (None if two)."""
    if c0 is None or c0 in PROFILE_CODES:
        return None
    longer = {c for c in codes if len(c) > len(c0) and c.startswith(c0)}
    return longer.pop() if len(longer) == 1 else None


def _texts_construction(codes: tuple, dept_codes: tuple) -> str | None:
    """The longest construction code of the texts, when they name one subsector (236/237/238)."""
    built = [c for c in codes + dept_codes if c.startswith("23") and len(c) >= 3]
    if len({c[:3] for c in built}) != 1:
        return None
    return max(built, key=len)


def _dept_construction(codes: tuple) -> str | None:
    """The one construction code (23xxxx) the department's rows give, for a vague capital line."""
    built = {c for c in codes if c.startswith("23") and len(c) == 6}
    return built.pop() if len(built) == 1 else None


def classify(
    lines: pd.DataFrame,
    rules: Rules,
    overrides: pd.DataFrame | str | Path | None = None,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    min_confidence: float = MIN_CONFIDENCE,
) -> pd.DataFrame:
    """Give every included line a NAICS code, the method that found it and a confidence.

    Sources, strongest first: the rule tables of ``rules`` (vendor list, fuzzy
    vendor, MCC, keywords, the chart's object codes), then the general
    knowledge of ``rules.knowledge`` (supplier, MCC, phrase, KOSTRA art, Census
    index, vendor cue). The first source whose confidence reaches
    ``min_confidence`` decides; when none does, the most confident one.
    A purchase that no source places at 6 digits gets the coarse code found
    (2-5 digits) or, when nothing is known of its kind, ``GSLGO`` (operating)
    or ``F10`` (capital), with ``method = "profile"`` and a low confidence
    (``method_basis`` says what the code rests on). A line is
    ``unclassified`` only when nothing says it is a purchase (no firm, supplier,
    account or description the knowledge recognises, e.g. a person's name on
    an unnamed account).

    Parameters
    ----------
    lines : DataFrame
        Canonical ledger lines; when they have no ``status`` yet,
        :func:`cohort_helpers.exclude.apply_exclusions` is run first.
    rules : Rules
        From :func:`cohort_helpers.exclude.load_rules`.
    overrides : DataFrame or path, optional
        A participant's overrides (:func:`load_overrides`); they win over
        everything, including exclusions.
    fuzzy_threshold : float
        Minimum rapidfuzz score (0..100) for a fuzzy vendor match.
    min_confidence : float
        A source whose confidence is below this gives way to a later source in
        the order that is more confident (e.g. a P-card MCC "book stores",
        confidence 0.3, for an Amazon purchase coded to "office supplies");
        ``0`` applies the order strictly.

    Returns
    -------
    DataFrame
        A copy of ``lines`` plus ``naics6`` (str: 6 digits, a 2-5 digit coarse
        code, ``GSLGO``/``F10``, or NA), ``naics_coarse`` (bool: not 6
        digits), ``method`` (:data:`cohort_helpers.vocabulary.CLASSIFICATION_METHODS`;
        NA for excluded lines), ``method_basis``, ``confidence`` (0..1; NaN for
        excluded lines), ``vendor_canonical`` and ``vendor_score``.

    Examples
    --------
    >>> from cohort_helpers import exclude
    >>> rules = exclude.load_rules(knowledge=True)
    >>> lines = pd.DataFrame({"source_file": "ap.csv", "source_line": [2, 3, 4],
    ...     "vendor": ["ACME PAVING LLC", "ACME LTD", "SMITH, JOHN"], "amount": 100.0,
    ...     "account_name": ["Paving And Asphalt Supplies", "Sundries", None],
    ...     "currency": ["USD", "GBP", "USD"]})
    >>> out = classify(lines, rules)
    >>> out[["status", "method"]].values.tolist()
    [['included', 'phrase'], ['included', 'profile'], ['unclassified', 'unclassified']]
    """
    factorized: dict = {}
    hits, rows = exclude.rule_hits_and_rows(
        lines, rules, fuzzy_threshold=fuzzy_threshold, factorized=factorized
    )
    kh = None
    if rules.knowledge is not None:
        kmask = exclude.knowledge_mask(
            lines, hits, min_confidence=min_confidence, rules=rules, rows=rows
        )
        # nothing to look up when the tables settle every line (a cohort member's ledger)
        if kmask.any():
            kh = rules_mod.knowledge_hits(lines, rules.knowledge, mask=kmask)
    if "status" not in lines:
        out = exclude.apply_exclusions(
            lines,
            rules,
            hits=hits,
            rows=rows,
            factorized=factorized,
            knowledge=kh if kh is not None else False,
        )
    else:
        out = lines.copy()
        # re-classification: unclassified lines are purchases again
        st = out["status"].astype("str")
        out["status"] = st.where(st != "unclassified", "included")
        if "flag" not in out:
            out["flag"] = pd.Series(np.nan, index=out.index, dtype="str")
    n = len(out)
    vend_method = hits["vendor_method"].to_numpy(dtype=object)
    tables = {"vendor": rules.vendors, "mcc": rules.mcc, "kw": rules.keywords}
    tables["oc"] = rules.object_codes
    sources = [
        ("vendor", "vendor", hits["vendor_confidence"], vend_method == "vendor"),
        ("vendor_fuzzy", "vendor", hits["vendor_confidence"], vend_method == "vendor_fuzzy"),
        ("mcc", "mcc", hits["mcc_confidence"], None),
        ("keyword", "kw", hits["kw_confidence"], None),
        ("object_code", "oc", hits["oc_confidence"], None),
    ]
    # Each table source's code is a row of a small table: work with the row numbers
    # and look the codes up once at the end (no per-line test of a million strings).
    # Knowledge sources come as per-line codes already. ``src`` is the source that
    # decided each line (-1: none yet).
    # pass 1: the first source (in order) that is confident enough
    # pass 2: lines where no source reached ``min_confidence``: the most confident one
    cand = []
    for _name, table_key, c, only in sources:
        table = tables[table_key]
        r = rows[table_key]
        codes_t = table["naics6"].to_numpy(dtype=object) if len(table) else np.array([], object)
        codes_t = np.append(np.where(pd.isna(codes_t), None, codes_t), None)
        has = pd.notna(codes_t)[r]  # row -1 is the appended None
        if only is not None:
            has &= only
        cand.append((codes_t, r, np.where(has, c.to_numpy(dtype=float), np.nan), has))
    names = [s[0] for s in sources]
    src = np.full(n, -1, dtype=np.int64)
    conf = np.full(n, np.nan)
    for k, (_codes_t, _r, c_a, has) in enumerate(cand):
        m = (src < 0) & has & (np.nan_to_num(c_a, nan=0.0) >= min_confidence)
        src[m] = k
        conf[m] = c_a[m]
    for k, (_codes_t, _r, c_a, has) in enumerate(cand):
        m = (src < 0) & has
        better = m & ~(np.nan_to_num(c_a, nan=0.0) <= np.nan_to_num(conf, nan=-1.0))
        weak = (src >= 0) & (conf < min_confidence)
        take = (m | (has & weak & better)) & ~((src >= 0) & ~weak)
        src[take] = k
        conf[take] = c_a[take]
    if kh is not None:
        # general knowledge where the tables are not confident: the most confident
        # source wins (ties: the order of KNOWLEDGE_ORDER), then a coarse code is
        # refined by a longer code of another source that starts with it
        n_tab = len(cand)
        k_codes, k_conf = [], []
        for ksrc, how in KNOWLEDGE_ORDER:
            code = kh[f"{ksrc}_code"].to_numpy(dtype=object)
            has = pd.notna(code)
            c_a = np.where(has, kh[f"{ksrc}_confidence"].to_numpy(dtype=float), np.nan)
            cand.append((np.append(np.where(has, code, None), None), np.arange(n), c_a, has))
            names.append(how)
            k_codes.append(np.where(has, code, None))
            k_conf.append(np.where(has, np.nan_to_num(c_a, nan=0.0), -1.0))
        kc = np.vstack(k_conf)  # sources x lines
        kbest = np.argmax(kc, axis=0)  # first of the most confident
        kbest_conf = kc[kbest, np.arange(n)]
        open_ = (src < 0) | (np.nan_to_num(conf, nan=0.0) < min_confidence)
        take = open_ & (kbest_conf >= 0) & (kbest_conf > np.nan_to_num(conf, nan=-1.0))
        src[take] = n_tab + kbest[take]
        conf[take] = kbest_conf[take]
        # refinement of coarse codes ("23" + a civil-engineering firm -> "237")
        cur = np.full(n, None, dtype=object)
        for k, (codes_t, r, _c_a, _has) in enumerate(cand):
            sel = np.flatnonzero(src == k)
            cur[sel] = codes_t[r[sel]]
        cur_s = pd.Series(cur, dtype=object)
        short = (cur_s.str.len() < 6).fillna(False).to_numpy(dtype=bool) & ~cur_s.isin(
            PROFILE_CODES
        ).to_numpy(dtype=bool)
        if short.any():
            best_len = cur_s.str.len().fillna(0).to_numpy(dtype=np.int64).copy()
            for j, codes_j in enumerate(k_codes):
                cj = pd.Series(codes_j, dtype=object)
                lj = cj.str.len().fillna(0).to_numpy(dtype=np.int64)
                better = _per_unique(_startswith, short, cur, codes_j).astype(bool)
                better &= short & (lj > best_len)
                src[better] = n_tab + j
                conf[better] = kc[j, better]
                best_len[better] = lj[better]
            # then a longer code of any phrase of the line's texts ("Capital | CONSTRUCTION
            # | Highways": 23 -> 237310); the code is then the phrase's
            pcs = kh["phrase_codes"].to_numpy(dtype=object)
            cur = np.full(n, None, dtype=object)
            for k, (codes_t, r, _c_a, _has) in enumerate(cand):
                sel_k = np.flatnonzero(src == k)
                cur[sel_k] = codes_t[r[sel_k]]
            refined = _per_unique(_longer_phrase_code, short, cur, pcs)
            has_ref = pd.notna(refined)
            if has_ref.any():
                j_ph = [s_ for s_, _ in KNOWLEDGE_ORDER].index("phrase")
                cand.append((np.append(refined, None), np.arange(n), np.full(n, 0.5), has_ref))
                names.append("phrase")
                src[has_ref] = len(cand) - 1
                conf[has_ref] = np.maximum(np.nan_to_num(conf[has_ref], nan=0.0), 0.0)
                conf[has_ref] = np.maximum(conf[has_ref], kc[j_ph, has_ref].clip(min=0.45))
            # then what the department builds or whom it serves ("23" in "Highways":
            # 237310; "623" in "Services For Older People": 623312), when only one code fits
            drf = kh["dept_refine"].to_numpy(dtype=object)
            cur = np.full(n, None, dtype=object)
            for k, (codes_t, r, _c_a, _has) in enumerate(cand):
                sel_k = np.flatnonzero(src == k)
                cur[sel_k] = codes_t[r[sel_k]]
            short_now = short & pd.Series(cur, dtype=object).str.len().lt(6).fillna(False).to_numpy(
                dtype=bool
            )
            by_dept_ref = _per_unique(_dept_refinement, short_now, cur, drf)
            has_dr = pd.notna(by_dept_ref)
            if has_dr.any():
                cand.append((np.append(by_dept_ref, None), np.arange(n), np.full(n, 0.45), has_dr))
                names.append("phrase")
                src[has_dr] = len(cand) - 1
                conf[has_dr] = np.minimum(
                    np.maximum(np.nan_to_num(conf[has_dr], nan=0.0), 0.4), 0.5
                )
        # who sold it vs what was bought: a known supplier's main line gives way to a
        # code of the line's texts in the same sector ("BAM Nuttall" 236220 on a
        # "Capital | Highways" line: 237310)
        by_vendor = np.isin(
            src - n_tab,
            [j for j, (k_, _) in enumerate(KNOWLEDGE_ORDER) if k_ == "supplier"],
        ) & (src >= n_tab)
        if by_vendor.any():
            pcs = kh["phrase_codes"].to_numpy(dtype=object)
            cur = np.full(n, None, dtype=object)
            for k, (codes_t, r, _c_a, _has) in enumerate(cand):
                sel_k = np.flatnonzero(src == k)
                cur[sel_k] = codes_t[r[sel_k]]
            other = _per_unique(_same_sector_phrase_code, by_vendor, cur, pcs)
            # capital works bought from a firm known for something else (an aggregates or
            # asphalt maker on "Works | Capital - ... Transport"): the construction the
            # line's texts name, when they name one subsector
            if "scope3_category" in out:
                cap_v = by_vendor & (out["scope3_category"].to_numpy(dtype=float) == 2)
                cap_v &= pd.isna(other) & ~pd.Series(cur, dtype=object).str.startswith("23").fillna(
                    False
                ).to_numpy(dtype=bool)
                drf = kh["dept_refine"].to_numpy(dtype=object)
                built = _per_unique(_texts_construction, cap_v, pcs, drf)
                other = np.where(pd.notna(other), other, built)
            has_o = pd.notna(other)
            if has_o.any():
                cand.append((np.append(other, None), np.arange(n), np.full(n, 0.5), has_o))
                names.append("phrase")
                src[has_o] = len(cand) - 1
    included = (out["status"] == "included").to_numpy()
    src[~included] = -1
    conf[~included] = np.nan
    naics = np.full(n, None, dtype=object)
    for k, (codes_t, r, _c_a, _has) in enumerate(cand):
        sel = np.flatnonzero(src == k)
        naics[sel] = codes_t[r[sel]]
    names_a = np.array(names + ["unclassified", None], dtype=object)
    method = names_a[np.where(src >= 0, src, len(names) + 1)]
    utility_hit = np.zeros(n, dtype=bool)
    # capital spending on a utility system buys its construction, not the utility's
    # service ("Spec Contracts/Capital Proj | Metro WWTP ...": 237110, not 221320)
    if "scope3_category" in out:
        cap_line = out["scope3_category"].to_numpy(dtype=float) == 2
        cap_pos = np.flatnonzero(cap_line)  # the capital lines only (no pass over every line)
        ns = pd.Series(naics[cap_pos], dtype=object).str.slice(0, 4)
        for util, build in UTILITY_CONSTRUCTION.items():
            naics[cap_pos[(ns == util).to_numpy(dtype=bool)]] = build
        if kh is not None:
            # a capital purchase of unknown kind ("Spec Contracts/Capital Proj") whose texts
            # name a utility system ("Water & Sewer Capital Projects"): its construction
            vague = cap_line & (
                pd.Series(naics, dtype=object).isin(["F10", "GSLGO", "23"]).to_numpy(dtype=bool)
            )
            pcs = kh["phrase_codes"].to_numpy(dtype=object)
            build = _per_unique(_utility_construction, vague, pcs)
            # or whose department names what it builds ("Capital | OTHER COSTS | Highways")
            dept_build = _per_unique(
                _dept_construction, vague & pd.isna(build), kh["dept_refine"].to_numpy(dtype=object)
            )
            build = np.where(pd.notna(build), build, dept_build)
            hit = pd.notna(build)
            naics[hit] = build[hit]
            method[hit] = "phrase"
            utility_hit = hit
            conf[hit] = np.maximum(np.nan_to_num(conf[hit], nan=0.0), 0.5)
    basis = np.full(n, None, dtype=object)
    # purchases placed only coarsely: the purchasing profile (contract C5)
    # coarse per source code table (small), then per line by the row each line took
    coarse_code = np.zeros(n, dtype=bool)
    for k, (codes_t, r, _c_a, _has) in enumerate(cand):
        sel = np.flatnonzero(src == k)
        if len(sel):
            coarse_code[sel] = _not_six_digits(codes_t)[r[sel]]
    coarse_code &= ~utility_hit  # placed at 6 digits by the utility-construction rule above
    basis[coarse_code] = method[coarse_code]
    method[coarse_code] = "profile"
    unknown = pd.Series(naics, dtype=object).isin(PROFILE_CODES).to_numpy(dtype=bool)
    cap_c = np.where(unknown, PROFILE_CONFIDENCE["unknown"], PROFILE_CONFIDENCE["coarse"])
    conf[coarse_code] = np.minimum(conf[coarse_code], cap_c[coarse_code])
    nocode = included & (src < 0)
    if kh is not None and nocode.any():
        capital = (
            (out["scope3_category"].to_numpy(dtype=float) == 2)
            if ("scope3_category" in out)
            else np.zeros(n, dtype=bool)
        )
        dept = kh["dept_code"].to_numpy(dtype=object)
        pcard = (
            out["pcard"].fillna(False).to_numpy(dtype=bool)
            if "pcard" in out
            else np.zeros(n, dtype=bool)
        )
        if "mcc" in out:
            pcard = pcard | out["mcc"].notna().to_numpy(dtype=bool)
        known = (
            kh["firm"].to_numpy(dtype=bool)
            | kh["phrase_any"].to_numpy(dtype=bool)
            | kh["capital"].to_numpy(dtype=bool)
            | pd.notna(dept)
            | pcard
            | (pd.notna(hits["vendor_canonical"].to_numpy(dtype=object)))
        ) & ~kh["person"].to_numpy(dtype=bool)
        by_dept = nocode & known & pd.notna(dept) & ~pd.Series(dept).isin(PROFILE_CODES).to_numpy()
        naics[by_dept] = pd.Series(dept[by_dept], dtype=object).str.slice(0, 3).to_numpy()
        basis[by_dept] = "department"
        rest = nocode & known & ~by_dept
        naics[rest] = np.where(capital[rest], "F10", "GSLGO")
        basis[rest] = "purchase"
        placed = by_dept | rest
        method[placed] = "profile"
        conf[by_dept] = 0.3
        conf[rest] = PROFILE_CONFIDENCE["unknown"]
        nocode &= ~placed
    method[nocode] = "unclassified"
    conf[nocode] = 0.0
    status = out["status"].to_numpy(dtype=object).copy()
    status[nocode] = "unclassified"
    # text columns through their few distinct values (no Python string per line)
    out["status"] = rules_mod.text_column(status, out.index)
    out["naics6"] = rules_mod.text_column(naics, out.index)
    out["method"] = rules_mod.text_column(method, out.index)
    out["method_basis"] = _sparse_text(basis, out.index)
    out["confidence"] = np.clip(conf, 0.0, 1.0)
    canon = hits["vendor_canonical"]
    if kh is not None:
        canon = canon.astype(object).where(canon.notna(), kh["supplier_name"].astype(object))
        canon = pd.Series(canon.to_numpy(dtype=object), index=out.index, dtype="str")
    out["vendor_canonical"] = canon
    out["vendor_score"] = hits["vendor_score"]
    if overrides is not None:
        ov = (
            overrides
            if isinstance(overrides, pd.DataFrame) and "row" in overrides
            else load_overrides(overrides)
        )
        out = apply_overrides(out, ov, classify=True)
    if overrides is not None:
        coarse = _not_six_digits(out["naics6"].to_numpy(dtype=object))
    else:
        coarse = coarse_code | (pd.notna(basis) & (method == "profile"))

    out["naics_coarse"] = pd.Series(coarse, index=out.index, dtype=bool)
    return out


# ---------------------------------------------------------------------------
# accuracy against ground truth
# ---------------------------------------------------------------------------


def read_truth(path: str | Path) -> pd.DataFrame:
    """Read a ground-truth CSV (optionally gzipped) with codes kept as text.

    Parameters
    ----------
    path : str or Path
        A CSV (``.csv`` or ``.csv.gz``) with ``source_file``, ``source_line``,
        ``true_status`` and, optionally, ``true_reason``, ``true_naics6`` and
        ``true_capital``.

    Returns
    -------
    DataFrame
        Every column as text except ``source_line`` (int64) and
        ``true_capital`` (nullable Int64); blank ``true_reason`` and
        ``true_naics6`` are NaN, and a code written as ``327310.0`` reads as
        ``"327310"``.

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("truth.csv").write_text(
    ...     "source_file,source_line,true_status,true_reason,true_naics6,true_capital\\n"
    ...     "ap.csv,2,included,,327310.0,0\\nap.csv,3,excluded,payroll,,\\n")
    >>> t = read_truth("truth.csv")
    >>> t["true_naics6"].tolist(), t["true_reason"].tolist(), t["source_line"].tolist()
    (['327310', nan], [nan, 'payroll'], [2, 3])
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False, na_filter=False)
    df["source_line"] = pd.to_numeric(df["source_line"]).astype("int64")
    for c in ("true_reason", "true_naics6"):
        if c in df:
            df[c] = df[c].str.replace(r"\.0$", "", regex=True).replace("", np.nan).astype("str")
    if "true_capital" in df:
        df["true_capital"] = pd.to_numeric(df["true_capital"].replace("", np.nan)).astype("Int64")
    return df


@dataclass
class Accuracy:
    """How a classified ledger compares with the ground truth.

    Spend shares use absolute amounts (credits count as spend to get right).
    """

    lines: int
    lines_matched: int
    included_spend: float
    share_classified: float
    share_naics_strict: float
    share_naics_prefix: float
    exclusion_agreement_lines: float
    exclusion_agreement_spend: float
    reason_agreement_spend: float
    capital_agreement_spend: float
    mismatches: pd.DataFrame = field(repr=False)
    reasons: pd.DataFrame = field(repr=False)

    def as_dict(self) -> dict[str, float]:
        """The scalar measures (for a table of member-years)."""
        return {
            k: getattr(self, k)
            for k in (
                "lines",
                "lines_matched",
                "included_spend",
                "share_classified",
                "share_naics_strict",
                "share_naics_prefix",
                "exclusion_agreement_lines",
                "exclusion_agreement_spend",
                "reason_agreement_spend",
                "capital_agreement_spend",
            )
        }

    def meets_targets(
        self, classified: float = 0.95, naics: float = 0.90, exclusions: float = 0.99
    ) -> bool:
        """The cohort's targets: >=95% of included spend classified, >=90% with the true NAICS-6."""
        return (
            self.share_classified >= classified
            and self.share_naics_strict >= naics
            and self.exclusion_agreement_spend >= exclusions
        )


def accuracy(
    classified: pd.DataFrame, truth: pd.DataFrame | str | Path, *, top: int = 10
) -> Accuracy:
    """Compare :func:`classify` output with ground truth (joined on source_file + source_line).

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`classify`.
    truth : DataFrame or path
        Ground truth (``source_file``, ``source_line``, ``true_status``,
        ``true_reason``, ``true_naics6``, ``true_capital``), e.g. from
        :func:`read_truth`.
    top : int
        How many of the biggest mismatches to list.

    Returns
    -------
    Accuracy
        ``share_classified``: of the truly included spend, the share we
        included and classified; ``share_naics_strict``: ... with the true
        6-digit code; ``share_naics_prefix``: ... or a coarse code that the true
        code starts with; exclusion agreement (lines and spend), reason and
        capital agreement, the biggest mismatches and a reason confusion table.

    Examples
    --------
    >>> truth = pd.DataFrame({"source_file": "ap.csv", "source_line": [2, 3, 4],
    ...     "true_status": ["included", "excluded", "included"],
    ...     "true_reason": [None, "payroll", None], "true_naics6": ["327310", None, "541330"]})
    >>> ours = pd.DataFrame({"source_file": "ap.csv", "source_line": [2, 3, 4],
    ...     "amount": [300.0, 100.0, 100.0], "status": ["included", "excluded", "included"],
    ...     "reason": [None, "payroll", None], "naics6": ["327", None, "541330"],
    ...     "method": ["keyword", "keyword", "vendor"]})
    >>> a = accuracy(ours, truth)
    >>> a.share_classified, a.share_naics_strict, a.share_naics_prefix, a.reason_agreement_spend
    (1.0, 0.25, 1.0, 1.0)
    >>> a.mismatches[["true_naics6", "naics6", "spend"]].values.tolist()
    [['327310', '327', 300.0]]
    """
    t = read_truth(truth) if not isinstance(truth, pd.DataFrame) else truth.copy()
    t["source_file"] = t["source_file"].astype("str").map(lambda s: Path(s).name)
    t["source_line"] = t["source_line"].astype("int64")
    c = classified.copy()
    c["source_file"] = c["source_file"].astype("str")
    c["source_line"] = c["source_line"].astype("int64")
    m = c.merge(t, on=["source_file", "source_line"], how="inner", validate="one_to_one")
    w = m["amount"].abs().astype(float)
    true_inc = (m["true_status"] == "included").to_numpy()
    our_inc = (m["status"] == "included").to_numpy()
    our_exc = (m["status"] == "excluded").to_numpy()
    inc_spend = float(w[true_inc].sum())

    def share(mask: np.ndarray, base: np.ndarray) -> float:
        tot = float(w[base].sum())
        return float(w[mask & base].sum()) / tot if tot else 1.0

    naics = m["naics6"].astype("str").fillna("").to_numpy(dtype=object)
    true_naics = m["true_naics6"].astype("str").fillna("").to_numpy(dtype=object)
    strict = our_inc & (naics == true_naics) & (naics != "")
    prefix = (
        our_inc
        & (naics != "")
        & np.array(
            [tn.startswith(nc) for nc, tn in zip(naics, true_naics, strict=True)], dtype=bool
        )
        if len(m)
        else np.zeros(0, bool)
    )
    true_exc = ~true_inc
    agree = our_exc == true_exc
    our_reason = m["reason"].astype("str").fillna("").to_numpy(dtype=object)
    true_reason = m["true_reason"].astype("str").fillna("").to_numpy(dtype=object)
    reason_ok = true_exc & our_exc & (our_reason == true_reason)
    cap_ok = np.ones(len(m), dtype=bool)
    if "true_capital" in m and "scope3_category" in m:
        tc = pd.to_numeric(m["true_capital"], errors="coerce").fillna(0).to_numpy() >= 1
        oc = pd.to_numeric(m["scope3_category"], errors="coerce").fillna(1).to_numpy() == 2
        cap_ok = tc == oc
    mis = m[true_inc & ~strict].assign(spend=w[true_inc & ~strict])
    mismatches = (
        mis.assign(
            naics6=mis["naics6"].astype("str").fillna("-"),
            method=mis["method"].astype("str").fillna(mis["status"].astype(str)),
        )
        .groupby(["true_naics6", "naics6", "method"], dropna=False)["spend"]
        .agg(["size", "sum"])
        .rename(columns={"size": "lines", "sum": "spend"})
        .sort_values("spend", ascending=False)
        .head(top)
        .reset_index()
    )
    mismatches["share_of_included"] = mismatches["spend"] / inc_spend if inc_spend else np.nan
    reasons = (
        m.assign(
            spend=w,
            true=np.where(true_inc, "included", true_reason),
            ours=np.where(our_exc, our_reason, m["status"].astype(str)),
        )
        .groupby(["true", "ours"])["spend"]
        .agg(["size", "sum"])
        .rename(columns={"size": "lines", "sum": "spend"})
        .reset_index()
    )
    reasons = reasons[reasons["true"] != reasons["ours"]].sort_values("spend", ascending=False)
    return Accuracy(
        lines=len(c),
        lines_matched=len(m),
        included_spend=inc_spend,
        share_classified=share(our_inc, true_inc),
        share_naics_strict=share(strict, true_inc),
        share_naics_prefix=share(prefix, true_inc),
        exclusion_agreement_lines=float(agree.mean()) if len(m) else 1.0,
        exclusion_agreement_spend=share(agree, np.ones(len(m), bool)),
        reason_agreement_spend=share(reason_ok, true_exc),
        capital_agreement_spend=share(cap_ok, true_inc),
        mismatches=mismatches,
        reasons=reasons.reset_index(drop=True),
    )
