"""The rule engine: loading general knowledge, normalising text, matching it to ledger lines.

:mod:`cohort_helpers.exclude` and :mod:`cohort_helpers.classify` both use this
module; neither needs the other's internals. It holds

- **vendor names**: :func:`normalise_vendor` (the matching key of a vendor
  name), :func:`vendor_name_score` (a similarity that never rests on a generic
  word alone) and :func:`fuzzy_best` (blocked fuzzy matching over unique names);
- **text**: :func:`normalise_text` (casefold, accents folded, punctuation to
  spaces, "&" read as "and", every word in the singular: "Grants" = "grant",
  "subsidies" = "subsidy") and :class:`PhraseMatcher` (whole-word phrases
  and regular expressions with negative patterns, vectorised over the unique
  texts of a column);
- **knowledge** (:func:`load_knowledge`): the tables of
  ``datasets/knowledge`` (phrases, suppliers, vendor cues, KOSTRA arts, MCC)
  and the Census NAICS 2017 index, and :func:`knowledge_hits`, which gives
  every line the candidate of each source (code or exclusion reason,
  confidence).

Examples
--------
>>> normalise_text(pd.Series(["Grants & Subsidies", "Miscellaneous"])).tolist()
['grant and subsidy', 'miscellaneous']
>>> k = load_knowledge(census=False)
>>> hits = knowledge_hits(pd.DataFrame({"vendor": ["ACME LTD"], "amount": [1.0],
...     "account_name": ["Electricity"], "currency": ["GBP"]}), k)
>>> hits.loc[0, "phrase_reason"], float(hits.loc[0, "phrase_confidence"])
('scope12_electricity', 0.9)
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import data, paths

__all__ = [
    "as_object",
    "factorize_text",
    "take_text",
    "text_column",
    "normalise_vendor",
    "vendor_key_codes",
    "normalise_unique_vendors",
    "vendor_name_score",
    "fuzzy_best",
    "distinctive",
    "GENERIC_WORDS",
    "looks_like_person",
    "normalise_text",
    "fold_text",
    "singular",
    "PhraseMatcher",
    "Knowledge",
    "KnowledgeError",
    "load_knowledge",
    "line_regions",
    "knowledge_hits",
    "KNOWLEDGE_SOURCES",
]

#: Words that never make two vendor names the same firm on their own: legal forms,
#: places, and words that many unrelated firms use ("United", "Equipment",
#: "Industries", "Central"). Trade words of ``vendor_cues.csv`` are added on load.
GENERIC_WORDS = frozenset(
    """
    a an and of the for to in at on by co inc llc ltd plc limited corp company companies group
    holdings holding international global national american america usa us uk gb british
    united central general standard universal premier first new best quality superior advanced
    allied pro professional business services service supply supplies equipment industries
    industry industrial systems system solutions products product technologies technology tech
    management associates partners partnership enterprises enterprise resources consulting
    consultants contractors contractor construction engineering environmental mechanical
    electrical southern northern eastern western north south east west mid midland midlands city
    southwest southeast northwest northeast midwest
    county state metro regional direct office capital one data home care health medical trading
    distribution distributors sales rental rentals network networks works solutions mfg
    manufacturing as asa ans da ks iks sa ab gmbh government
    """.split()
) | frozenset(  # US states: "WASTE MANAGEMENT OF TEXAS" is Waste Management, "OF SC" says nothing
    """
    alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada hampshire jersey mexico york
    carolina dakota ohio oklahoma oregon pennsylvania rhode island tennessee texas utah vermont
    virginia washington wisconsin wyoming al ak az ar ca ct de fl ga hi ia il ks ky la ma md mi mn
    ms mo mt ne nh nj nm ny nc nd oh ok pa ri sc sd tn tx ut vt va wa wi wv wy
    """.split()
)

#: UK nations, regions, counties and the largest cities: the regional operating companies of
#: national firms ("STAGECOACH DEVON", "BARCHESTER HEALTHCARE (LONDON)", "VEOLIA ES LEEDS")
#: are those firms; a place alone never tells two firms apart (issue 12, accuracy pass). Places
#: that are common surnames or US place names in firm names (Sheffield, Durham, Kent, Bradford,
#: Coventry, Exeter) are left out: "DURHAM SCHOOL SERVICES" is not "school services".
UK_PLACE_WORDS = frozenset(
    """
    england english scotland scottish wales welsh ireland irish cymru london yorkshire humber
    humberside anglia wessex cumbria northumberland teesside lancashire merseyside cheshire
    manchester lincolnshire nottinghamshire derbyshire leicestershire rutland staffordshire
    shropshire warwickshire worcestershire herefordshire gloucestershire oxfordshire
    buckinghamshire berkshire surrey sussex essex suffolk norfolk cambridgeshire hertfordshire
    bedfordshire northamptonshire wiltshire dorset somerset devon cornwall birmingham liverpool
    leeds bristol nottingham plymouth cardiff swansea glasgow edinburgh aberdeen belfast
    sw se nw ne nth sth lt
    """.split()
)
GENERIC_WORDS = GENERIC_WORDS | UK_PLACE_WORDS


# ---------------------------------------------------------------------------
# vendor names
# ---------------------------------------------------------------------------

_SUFFIX = (
    r"inc|incorporated|llc|l l c|co|corp|corporation|company|companies|ltd|limited|lp|llp|"
    r"plc|pllc|pc|p c|na|n a|as|asa|ab|gmbh|sa|ag|bv|nv|pty|the"
)


#: Abbreviations in vendor names, expanded before matching (both sides alike).
_ABBREVIATIONS = {
    "svc": "services",
    "svcs": "services",
    "serv": "services",
    "mgmt": "management",
    "mgt": "management",
    "engrg": "engineering",
    "engr": "engineering",
    "engrs": "engineers",
    "assoc": "associates",
    "assocs": "associates",
    "const": "construction",
    "constr": "construction",
    "intl": "international",
    "natl": "national",
    "tech": "technologies",
    "techs": "technologies",
    "equip": "equipment",
    "sup": "supply",
    "supp": "supply",
    "contr": "contractors",
    "labs": "laboratories",
    "lab": "laboratories",
    "enviro": "environmental",
    "env": "environmental",
    "mech": "mechanical",
    "elec": "electrical",
    "mfg": "manufacturing",
    "dist": "distribution",
    "ctr": "center",
    "mtn": "mountain",
    "bros": "brothers",
}
_ABBR_RE = r"\b(?:" + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")\b"


def as_object(values: Any) -> np.ndarray:
    """Values as an object array (``pd.factorize`` hashes it faster than the str dtype).

    Parameters
    ----------
    values : array-like or Series
        Any values (missing values stay as they are).

    Returns
    -------
    ndarray
        1-D, dtype ``object``, one element per value.

    Examples
    --------
    >>> as_object(pd.Series(["a", None, 1]))
    array(['a', None, 1], dtype=object)
    """
    return pd.Series(values).to_numpy(dtype=object)


def factorize_text(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """(code of each value, -1 for a missing one; the distinct values as an object array).

    What ``pd.factorize(as_object(values), use_na_sentinel=True)`` gives (distinct
    values in order of first appearance), without an object copy of every line
    for a text column of the Arrow-backed ``str``/``string`` dtypes: those are
    factorized by Arrow, and only the distinct values become Python strings.
    Match the distinct values once, then take the results back with the codes.

    Parameters
    ----------
    values : Series or array-like
        A text column (``str``/``string`` dtype, object, or a list); missing
        values allowed.

    Returns
    -------
    codes : ndarray of int
        For each value, its position in ``uniq``; -1 where the value is missing.
    uniq : ndarray of object
        The distinct values, in order of first appearance.

    Examples
    --------
    >>> codes, uniq = factorize_text(pd.Series(["b", None, "a", "b"], dtype="str"))
    >>> codes.tolist(), uniq.tolist()
    ([0, -1, 1, 0], ['b', 'a'])
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
        return np.asarray(codes), np.asarray(uniq, dtype=object)
    return pd.factorize(as_object(s), use_na_sentinel=True)


def take_text(codes: np.ndarray, uniq: Any, index: pd.Index | None = None) -> pd.Series:
    """The ``str`` column whose line ``i`` is ``uniq[codes[i]]`` (NaN where the code is -1).

    The inverse of :func:`factorize_text`: the distinct values become one small
    Arrow array and every line is one Arrow ``take`` (no Python string per line).

    Parameters
    ----------
    codes : ndarray of int
        Position in ``uniq`` of each line's value; -1 for a missing value.
    uniq : array-like of str
        The distinct values.
    index : Index, optional
        Index of the result (default 0..n-1).

    Returns
    -------
    Series
        ``str`` dtype, one value per code.

    Examples
    --------
    >>> take_text(np.array([1, -1, 0]), np.array(["a", "b"], dtype=object)).tolist()
    ['b', nan, 'a']
    """
    arr = pd.array(np.asarray(uniq, dtype=object), dtype="str")
    return pd.Series(arr.take(np.asarray(codes, dtype=np.intp), allow_fill=True), index=index)


def text_column(values: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """``pd.Series(values, index=index, dtype="str")`` for an object array of text and missing
    values (None/NaN), through its distinct values (:func:`take_text`).

    Only for arrays of ``str`` and missing values: objects that compare equal but
    spell differently (``1``, ``1.0``, ``True``) would share one spelling.

    Parameters
    ----------
    values : ndarray of object
        Text and missing values (None/NaN).
    index : Index, optional
        Index of the result (default 0..n-1).

    Returns
    -------
    Series
        ``str`` dtype, equal to ``pd.Series(values, index=index, dtype="str")``.

    Examples
    --------
    >>> text_column(np.array(["x", None, "x"], dtype=object)).tolist()
    ['x', nan, 'x']
    """
    codes, uniq = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    return take_text(codes, uniq, index)


def normalise_vendor(names: pd.Series) -> pd.Series:
    """Vendor names reduced to a matching key (vectorised over unique names).

    Case, accents, punctuation and legal suffixes (Inc, LLC, Co, Corp, AS, ...)
    are dropped, "&" and "and" are dropped, a trailing ", W W" / ", City of" is
    moved to the front ("Grainger, W W" -> "ww grainger"), "X dba Y" becomes
    "Y", clerks' abbreviations are expanded ("SVCS" -> "services") and runs of
    single letters are joined ("W. W. Grainger" -> "ww grainger").

    Parameters
    ----------
    names : Series of str
        Vendor names as the ledger spells them (missing names allowed).

    Returns
    -------
    Series
        The key of each name (str dtype, NaN for a missing name), with the
        index of ``names``.

    Examples
    --------
    >>> normalise_vendor(pd.Series(["W.W. Grainger, Inc.", "Grainger, W W", "GRAINGER WW"])).tolist()
    ['ww grainger', 'ww grainger', 'grainger ww']
    """
    names = pd.Series(names)
    codes, uniq = factorize_text(names)
    arr = np.append(normalise_unique_vendors(uniq), np.nan)
    return pd.Series(arr[codes], index=names.index, dtype="str")


def vendor_key_codes(names: pd.Series, *, with_person: bool = False) -> tuple[np.ndarray, ...]:
    """(code of each name's key, -1 for a missing name; the distinct keys).

    What ``pd.factorize(normalise_vendor(names))`` gives, without building the
    keys of every line. ``with_person`` adds a third array: per distinct key,
    whether a name with that key looks like a person's (:func:`looks_like_person`).

    Parameters
    ----------
    names : Series or array-like of str
        Vendor names (missing names allowed).
    with_person : bool
        Also return the person flags of the distinct keys.

    Returns
    -------
    (codes, keys) or (codes, keys, person)
        ``codes``: int64 array, one per name, the position of its key in
        ``keys`` (-1 for a missing name); ``keys``: object array of the distinct
        keys in order of first appearance; ``person``: bool array per key.

    Examples
    --------
    >>> codes, keys = vendor_key_codes(pd.Series(["ACME Inc", "Acme, Inc.", None]))
    >>> codes.tolist(), keys.tolist()
    ([0, 0, -1], ['acme'])
    >>> vendor_key_codes(pd.Series(["SMITH, JOHN", "Acme"]), with_person=True)[2].tolist()
    [True, False]
    """
    # an object array hashes faster than the str dtype
    codes, uniq = factorize_text(names)
    kcodes, kuniq = pd.factorize(normalise_unique_vendors(uniq))
    out = np.full(len(codes), -1, dtype=np.int64)
    has = codes >= 0
    out[has] = kcodes[codes[has]]
    if not with_person:
        return out, np.asarray(kuniq, dtype=object)
    person = np.zeros(len(kuniq), dtype=bool)
    raw = np.array([bool(_PERSON_RX.search(str(u))) for u in uniq], dtype=bool)
    if raw.any():
        np.logical_or.at(person, kcodes[raw], True)
    return out, np.asarray(kuniq, dtype=object), person


# The steps of the key. Each is a (pattern, replacement) on one name, or a set of
# characters to strip from both ends of it. "\s" never matches a line break, so
# the patterns run once over all names joined by "\n" (multi-line mode: ^ and $
# are each name's start and end); they are written to match only where they
# change something (a single space is not replaced by a space).
_S = r"[^\S\n]"
_BLANKS = rf"{_S}{{2,}}|[^\S\n ]"  # the runs of blanks that "\s+" -> " " changes
_VENDOR_STEPS_1: list[tuple[Any, Any]] = [
    (rf"{_S}*&{_S}*|\band\b", " "),  # "AT&T" = "AT & T" = "ATT"
    (r"[\u2018\u2019'`]", ""),  # O'Brien -> obrien
    (_BLANKS, " "),
    (None, " ,.;"),
]
_VENDOR_SUFFIX_STEP: list[tuple[Any, Any]] = [
    (rf"(?:(?:{_S}|,)+(?:{_SUFFIX})\.?)+{_S}*$", ""),
    (None, " ,.;"),
]
_VENDOR_STEPS_2: list[tuple[Any, Any]] = [
    # "Grainger, W W" / "Springfield, City of" -> "W W Grainger" / "City of Springfield"
    (rf"^([^,\n]+?){_S}*,{_S}*([^,\d\n]{{1,24}})$", r"\2 \1"),
    (r"[^\w\s]", " "),
    (rf"^(?:the){_S}+|{_S}+(?:{_SUFFIX})$", ""),
    (_BLANKS, " "),
    (None, None),  # str.strip()
    # Norwegian branch names: "Bjørkestrand Maskin AS avd. Strø" -> "bjorkestrand maskin"
    (rf"{_S}+(?:avd|avdeling)\b.*$", ""),
    (rf"(?:{_S}+(?:{_SUFFIX}))+$", ""),
    # "Cellco Partnership dba Verizon Wireless" -> "verizon wireless"
    (rf"^.+?{_S}(?:dba|d b a){_S}+(?=\S)", ""),
    # clerks' abbreviations: "SVCS" = "Services", "ENGRG" = "Engineering", ...
    (_ABBR_RE, lambda m: _ABBREVIATIONS[m.group(0)]),
    # join runs of single letters: "w w grainger" -> "ww grainger"
    (rf"\b(\w){_S}(?=\w\b)", r"\1"),
]
_VENDOR_STEPS = [
    (re.compile(p, re.M) if p is not None else None, r)
    for p, r in _VENDOR_STEPS_1 + _VENDOR_SUFFIX_STEP * 2 + _VENDOR_STEPS_2
]


def normalise_unique_vendors(uniq: Any) -> np.ndarray:
    """Keys (object array) of distinct names: each step runs once over the joined names.

    Parameters
    ----------
    uniq : array-like of str
        Distinct vendor names (no missing values), e.g. the uniques of
        ``pd.factorize``.

    Returns
    -------
    ndarray
        Object array of the keys (see :func:`normalise_vendor`), one per name,
        in the same order.

    Examples
    --------
    >>> normalise_unique_vendors(["W.W. Grainger, Inc.", "Acme Corp"])
    array(['ww grainger', 'acme'], dtype=object)
    """
    import unicodedata

    # a line break inside a name is a blank like any other (the first "\s+" step)
    names = [str(x).replace("\n", " ") for x in np.asarray(uniq, dtype=object)]
    if not names:
        return np.array([], dtype=object)
    text = unicodedata.normalize("NFKD", "\n".join(names))
    folded = re.sub(r"[\u0300-\u036f]", "", text).casefold().split("\n")
    if len(folded) != len(names):  # pragma: no cover - defensive: name by name
        return np.array([_vendor_key(x) for x in names], dtype=object)
    distinct = list(dict.fromkeys(folded))  # "ACME INC" and "Acme Inc" are done once
    keys = _vendor_steps("\n".join(distinct)).split("\n")
    if len(keys) != len(distinct):  # pragma: no cover - defensive: name by name
        keys = [_vendor_steps(x) for x in distinct]
    key_of = dict(zip(distinct, keys, strict=True))
    return np.array([key_of[x] for x in folded], dtype=object)


def _vendor_key(name: str) -> str:
    """The key of one name (see :func:`normalise_vendor`)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", name.replace("\n", " "))
    return _vendor_steps(re.sub(r"[\u0300-\u036f]", "", text).casefold())


def _vendor_steps(text: str) -> str:
    for rx, repl in _VENDOR_STEPS:
        if rx is not None:
            text = rx.sub(repl, text)
        else:
            text = "\n".join(x.strip(repl) for x in text.split("\n"))
    return text


def vendor_name_score(q: str, c: str, *, processor: Any = None, score_cutoff: Any = None) -> float:
    """Similarity (0..100) of two normalised vendor names, built for ledger spellings.

    Unlike generic fuzzy ratios it does not reward a shared surname or trade
    word alone ("Holloway Asset Management" is not "Holloway PLLC"):

    - 100: equal;
    - 98: the same words in another order ("GRAINGER WW");
    - a typo: same words except one of at least five letters that starts with
      the same letter and is 80% similar ("FASTENL" / "Fastenal"): the
      token-sorted ratio;
    - 96: one name is the other cut short (a 22-character field);
    - 90: the ledger's words are all words of the known name and one is
      distinctive ("STAPLES" / "Staples Business Advantage"), or the ledger
      adds only generic words to the known name ("CAPITA BUSINESS SERVICES" /
      "Capita"); never a name that shares only generic words ("UNITED",
      "EQUIPMENT", "INDUSTRIES", "CENTRAL") or adds a distinctive one
      ("GANNETT FLEMING" is not "Gannett").

    Parameters
    ----------
    q : str
        The ledger's name (normalised, :func:`normalise_vendor`).
    c : str
        A known name (normalised).
    processor : callable, optional
        Applied to both names first (the rapidfuzz scorer protocol).
    score_cutoff : float, optional
        Scores below it are returned as 0 (the rapidfuzz scorer protocol).

    Returns
    -------
    float
        The score, 0..100 (0: not the same firm).

    Examples
    --------
    >>> vendor_name_score("gannett fleming", "gannett")
    0.0
    >>> vendor_name_score("staples", "staples business advantage")
    90.0
    >>> vendor_name_score("united", "united rentals")
    0.0
    >>> vendor_name_score("grainger ww", "ww grainger")
    98.0
    """
    from rapidfuzz import fuzz

    if processor is not None:
        q, c = processor(q), processor(c)
    if q == c:
        return 100.0
    qt, ct = q.split(), c.split()
    if not qt or not ct:
        return 0.0
    best = 0.0
    if len(qt) == len(ct):
        a, b = sorted(qt), sorted(ct)
        diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        if not diff:
            best = 98.0  # the same words in another order ("Grainger W W")
        elif len(diff) == 1:
            x, y = diff[0]
            if min(len(x), len(y)) >= 5 and x[0] == y[0] and fuzz.ratio(x, y) >= 80:
                best = fuzz.token_sort_ratio(q, c)
    if len(q) >= 12 and len(c) > len(q) and c.startswith(q) and " " in q and c[len(q)] != " ":
        # the ledger's field cut the known name inside a word
        best = max(best, 96.0)
    sq, sc = set(qt), set(ct)
    if sq < sc:
        # the ledger's name is a short form of the known one ("STAPLES"): it must hold a
        # distinctive word ("UNITED" alone is not "United Rentals")
        if distinctive(sq):
            best = max(best, 90.0)
    elif sc < sq:
        # the ledger's name adds words to a known one: only generic ones ("Capita
        # Business Services"), never a distinctive word ("Gannett Fleming" is an
        # engineering firm, not the newspaper group "Gannett")
        if distinctive(sc) and not distinctive(sq - sc):
            best = max(best, 90.0)
    if best and not best >= 98.0 and not distinctive(sq & sc) and len(qt) == len(ct):
        # a typo match must share a distinctive word or be a typo of one
        diff_q = sq - sc
        if not distinctive(diff_q):
            best = 0.0
    if score_cutoff is not None and best < score_cutoff:
        return 0.0
    return best


def _block_keys(name: str) -> set[str]:
    """Blocking keys of a normalised name: the first three letters of each word."""
    return {t[:3] for t in name.split() if len(t) >= 2}


def fuzzy_best(
    queries: list[str],
    choices: list[str],
    scorer: Any,
    threshold: float,
    *,
    cache: dict | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Best choice (index, score) per query at or above ``threshold``; -1 when none.

    Each query is scored only against the known names that share a blocking
    key with it (the first three letters of a word; keys held by very many
    names are used only when the query has nothing rarer), so the cost grows
    with the number of unique unmatched names, not with their product with
    the vendor list.

    Parameters
    ----------
    queries : list of str
        Normalised names to match (each once).
    choices : list of str
        Normalised known names.
    scorer : callable
        A rapidfuzz-style scorer, e.g. :func:`vendor_name_score`.
    threshold : float
        Lowest score (0..100) that counts.
    cache : dict, optional
        Keeps the blocking index of ``choices`` between calls.

    Returns
    -------
    (ndarray, ndarray)
        Per query: the index of the best choice in ``choices`` (int64, -1 when
        none reaches ``threshold`` or several fit equally well) and its score
        (0.0 when none).

    Examples
    --------
    >>> rows, scores = fuzzy_best(["grainger ww", "zebra"], ["ww grainger", "fastenal"],
    ...                           vendor_name_score, 85)
    >>> rows.tolist(), scores.tolist()
    ([0, -1], [98.0, 0.0])
    """
    from rapidfuzz import fuzz, process

    key = ("block_index", len(choices), hash(tuple(choices)))
    index = cache.get(key) if cache is not None else None
    if index is None:
        tmp: dict[str, list[int]] = {}
        for j, c in enumerate(choices):
            for k in _block_keys(c):
                tmp.setdefault(k, []).append(j)
        index = {k: np.asarray(v, dtype=np.int64) for k, v in tmp.items()}
        if cache is not None:
            cache[key] = index
    limit = max(200, len(choices) // 25)
    best_row = np.full(len(queries), -1, dtype=np.int64)
    best_sc = np.zeros(len(queries))
    for i, q in enumerate(queries):  # unique unmatched names only
        lists = [index[k] for k in _block_keys(q) if k in index]
        if not lists:
            continue
        rare = [a for a in lists if len(a) <= limit]
        cand = np.unique(np.concatenate(rare or lists))
        hits = process.extract(
            q, [choices[j] for j in cand], scorer=scorer, score_cutoff=threshold, limit=None
        )
        if not hits:
            continue
        top = max(h[1] for h in hits)
        tied = [h for h in hits if h[1] >= top - 1e-9]
        if len(tied) > 1:
            # several known names fit equally: the closest spelling, if it stands out
            closeness = sorted(((fuzz.ratio(q, h[0]), h) for h in tied), key=lambda x: -x[0])
            if closeness[0][0] - closeness[1][0] < 5:
                continue  # ambiguous: leave it to keywords and the object code
            tied = [closeness[0][1]]
        best_row[i] = cand[tied[0][2]]
        best_sc[i] = top
    return best_row, best_sc


def distinctive(tokens: Any, generic: frozenset[str] | None = None) -> bool:
    """Whether a set of name words holds one that can tell a firm apart (not generic, 3+ letters).

    Parameters
    ----------
    tokens : iterable of str
        The words of a normalised name.
    generic : frozenset of str, optional
        The generic words; default :data:`GENERIC_WORDS`.

    Returns
    -------
    bool
        True when a word has 3 or more characters, is not all digits and is not
        generic.

    Examples
    --------
    >>> distinctive({"united", "equipment"}), distinctive({"gannett"})
    (False, True)
    """
    g = GENERIC_WORDS if generic is None else generic
    return any(len(t) >= 3 and t not in g and not t.isdigit() for t in tokens)


_PERSON_RX = re.compile(
    r"^\s*(?:(?:mr|mrs|ms|miss|mx|dr|prof)\.?\s+\S"  # an honorific
    # "Lastname, Firstname [M]", but not "QUALTRICS, LLC" (a legal form after the comma)
    r"|[a-z'\-]{2,},\s*(?!(?:inc|llc|ltd|corp|co|lp|llp|pc|pa|pllc|plc|na|dba)\b)"
    r"[a-z'\-]{2,}(?:\s+[a-z]\.?)?\s*$)",
    re.IGNORECASE,
)


def looks_like_person(names: pd.Series) -> np.ndarray:
    """Whether each name is shaped like a person's ("SMITH, JOHN", "Mr J Smith"), over unique names.

    A person's name is never fuzzy-matched to a firm.

    Parameters
    ----------
    names : Series of str
        Vendor names as the ledger spells them (missing names allowed).

    Returns
    -------
    ndarray of bool
        One per name (False for a missing name).

    Examples
    --------
    >>> looks_like_person(pd.Series(["SMITH, JOHN", "Grainger, W W", "Mr J Smith", "ACME LTD"]))
    array([ True, False,  True, False])
    """
    names = pd.Series(names)
    codes, uniq = factorize_text(names)
    hit = np.array([bool(_PERSON_RX.search(str(u))) for u in uniq], dtype=bool)
    return np.append(hit, False)[codes]


# ---------------------------------------------------------------------------
# text
# ---------------------------------------------------------------------------

_FOLD = str.maketrans({"ø": "o", "æ": "ae", "đ": "d", "ł": "l", "ß": "ss", "\u00a0": " "})
_NON_WORD = re.compile(r"[^\w|]+")
_AMP = re.compile(r"&")


def fold_text(text: str) -> str:
    """Casefolded text with accents folded (å->a, é->e, ø->o, æ->ae); punctuation kept.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The folded text (a non-breaking space becomes a space).

    Examples
    --------
    >>> fold_text("Strøm og Fjernvarme")
    'strom og fjernvarme'
    """
    t = str(text).casefold()
    if t.isascii():
        return t
    t = unicodedata.normalize("NFKD", t)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return t.translate(_FOLD)


@functools.lru_cache(maxsize=65536)
def singular(token: str) -> str:
    """A word in the singular, by a rule that treats phrases and texts alike.

    Examples
    --------
    >>> [singular(w) for w in ["grants", "subsidies", "premises", "gas", "miscellaneous", "buss"]]
    ['grant', 'subsidy', 'premise', 'gas', 'miscellaneous', 'buss']
    """
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("sses", "shes", "ches", "xes", "zes")):
        return token[:-2]
    if token.endswith(("ss", "us", "is")):
        return token
    if token.endswith("s"):
        return token[:-1]
    return token


def _word_form(text: str) -> str:
    """One text in word form: folded, "&" = "and", punctuation a space, words singular."""
    t = _AMP.sub(" and ", fold_text(text))
    return " ".join(singular(w) for w in _NON_WORD.sub(" ", t).replace("_", " ").split())


def normalise_text(values: pd.Series) -> pd.Series:
    """Texts in word form (see module doc), vectorised over the unique values.

    ``|`` (between joined columns) is kept as a word of its own: phrases never
    match across it.

    Parameters
    ----------
    values : Series of str
        Account texts or descriptions (missing values allowed).

    Returns
    -------
    Series
        The word form of each text (folded, "&" as "and", punctuation a space,
        words singular; str dtype, NaN for a missing value), with the index of
        ``values``.

    Examples
    --------
    >>> normalise_text(pd.Series(["Repairs & Maintenance", "Telecom | Misc."])).tolist()
    ['repair and maintenance', 'telecom | misc']
    """
    values = pd.Series(values)
    codes, uniq = factorize_text(values)
    arr = np.array([_word_form(u) for u in uniq] + [None], dtype=object)
    return pd.Series(arr[codes], index=values.index, dtype="str")


# ---------------------------------------------------------------------------
# phrase matching
# ---------------------------------------------------------------------------


class TableError(ValueError):
    """A problem in a rule or overrides table, naming the file, row (physical line) and column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.file, self.row, self.column, self.value = file, row, column, value


class KnowledgeError(ValueError):
    """A problem in a knowledge table (file, row and column named)."""


@dataclass
class PhraseMatcher:
    """Whole-word phrases and regular expressions of a table, matched over unique texts.

    ``word`` rows match whole words of the word form (:func:`normalise_text`),
    plurals included; ``regex`` rows are searched in the folded text
    (:func:`fold_text`, punctuation kept), case-insensitively; a row's ``not``
    pattern, found in the folded text, cancels it. Candidates of a text are
    ordered by priority, then the longer match (in words), then confidence,
    then table order.

    Examples
    --------
    >>> t = pd.DataFrame({"phrase": ["telecom", "grant"], "match": ["word", "word"],
    ...                   "not": ["", ""], "priority": [50, 80], "confidence": [0.7, 0.8]})
    >>> m = PhraseMatcher.from_table(t)
    >>> m.candidates(["Miscellaneous", "Grants and Subsidies", "Telecom grants"])
    [[], [1], [1, 0]]
    """

    priority: np.ndarray
    confidence: np.ndarray
    word_index: dict[str, list[int]]
    word_len: np.ndarray
    lengths: tuple[int, ...]
    regex_rows: list[tuple[int, re.Pattern]]
    any_regex: re.Pattern | None
    nots: dict[int, re.Pattern]
    cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_table(cls, table: pd.DataFrame, text_col: str = "phrase") -> PhraseMatcher:
        """Build from a table with ``text_col``, ``match``, ``not``, ``priority``, ``confidence``."""
        n = len(table)
        pr = pd.to_numeric(table.get("priority", pd.Series(0, index=table.index)), errors="coerce")
        cf = pd.to_numeric(table["confidence"], errors="coerce")
        kind = table.get("match", pd.Series("word", index=table.index)).replace("", "word")
        word_index: dict[str, list[int]] = {}
        word_len = np.zeros(n, dtype=np.int64)
        regex_rows = []
        nots = {}
        for i, (txt, k, neg) in enumerate(
            zip(
                table[text_col],
                kind,
                table.get("not", pd.Series("", index=table.index)),
                strict=True,
            )
        ):
            if k == "regex":
                try:
                    regex_rows.append((i, re.compile(fold_text(txt), re.IGNORECASE)))
                except re.error as exc:
                    raise KnowledgeError(
                        f"row {i + 2}: {txt!r} is not a regular expression ({exc})"
                    ) from None
            else:
                key = _word_form(txt)
                if key:
                    word_index.setdefault(key, []).append(i)
                    word_len[i] = len(key.split())
            if isinstance(neg, str) and neg.strip():
                nots[i] = re.compile(neg, re.IGNORECASE)
        any_rx = (
            re.compile("|".join(f"(?:{rx.pattern})" for _, rx in regex_rows), re.IGNORECASE)
            if regex_rows
            else None
        )
        return cls(
            priority=pr.fillna(0).to_numpy(dtype=float),
            confidence=cf.fillna(0.5).to_numpy(dtype=float),
            word_index=word_index,
            word_len=word_len,
            lengths=tuple(sorted({len(k.split()) for k in word_index})),
            regex_rows=regex_rows,
            any_regex=any_rx,
            nots=nots,
        )

    def _one(self, text: str) -> list[int]:
        folded = fold_text(text)
        words = _word_form(text).split()
        found: dict[int, int] = {}  # row -> match length in words
        # n-grams within each "|" segment
        seg: list[str] = []
        for w in [*words, "|"]:
            if w != "|":
                seg.append(w)
                continue
            m = len(seg)
            for L in self.lengths:
                if L > m:
                    break
                for i in range(m - L + 1):
                    rows = self.word_index.get(" ".join(seg[i : i + L]))
                    if rows:
                        for r in rows:
                            found[r] = max(found.get(r, 0), L)
            seg = []
        if self.any_regex is not None and self.any_regex.search(folded):
            for r, rx in self.regex_rows:
                mt = rx.search(folded)
                if mt:
                    found[r] = max(found.get(r, 0), max(1, len(mt.group(0).split())))
        rows = [r for r in found if r not in self.nots or not self.nots[r].search(folded)]
        rows.sort(key=lambda r: (-self.priority[r], -found[r], -self.confidence[r], r))
        return rows

    def candidates(self, texts: list[str]) -> list[list[int]]:
        """The matching rows of each text, best first (results cached per text)."""
        out = []
        c = self.cache
        for t in texts:
            got = c.get(t)
            if got is None:
                got = self._one(t)
                if len(c) < 500_000:
                    c[t] = got
            out.append(got)
        return out


def _first_allowed(cands: list[list[int]], allowed: np.ndarray) -> np.ndarray:
    """Per text, the first candidate row that ``allowed`` permits (-1: none)."""
    return np.fromiter(
        (next((r for r in c if allowed[r]), -1) for c in cands), dtype=np.int64, count=len(cands)
    )


# ---------------------------------------------------------------------------
# knowledge tables
# ---------------------------------------------------------------------------

#: Region codes used in the tables; a line's region comes from ``country`` or its currency.
REGIONS = ("US", "GB", "NO")
_CURRENCY_REGION = {"USD": "US", "GBP": "GB", "NOK": "NO"}
_COUNTRY_REGION = {"US": "US", "USA": "US", "GB": "GB", "UK": "GB", "NO": "NO", "NOR": "NO"}

#: Knowledge sources and the method name each gives (vocabulary.CLASSIFICATION_METHODS).
KNOWLEDGE_SOURCES = {
    "supplier": "supplier",
    "mcc": "mcc",
    "phrase": "phrase",
    "kostra": "kostra_art",
    "census": "census_index",
    "cue": "vendor_cue",
}

#: Priority of a vendor cue by kind (the table has no priority column).
_CUE_PRIORITY = {
    "refund": 65,  # a payee that says it is a refund ("TAX REFUND", "UTILITY REFUND")
    "utility": 60,
    "government": 55,
    "person_marker": 50,
    "nonprofit": 40,
    "trade_word": 30,
    "legal_form": 10,
}

#: Confidence of a Census index match: all words of an index item found in the text.
CENSUS_CONFIDENCE = (0.35, 0.45)  # (one word, two words or more)

#: Words of Census index items that say nothing about what was bought.
_CENSUS_STOP = frozenset(
    "a an and or of the for to in on by with without except other than not nec all type".split()
)


def _read_table(path: Path, required: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise KnowledgeError(
            f"Knowledge table {path} is missing; the package's datasets/knowledge folder "
            "should hold it (reinstall, or pass folder=)."
        )
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    miss = [c for c in required if c not in df.columns]
    if miss:
        raise KnowledgeError(
            f"{path.name}: missing column(s) {', '.join(miss)} (columns: {', '.join(df.columns)})."
        )
    for c in df.columns:
        df[c] = df[c].str.strip()
    return df


def _na(s: pd.Series) -> pd.Series:
    return s.replace("", np.nan).astype(object)


@dataclass
class Knowledge:
    """The general knowledge tables, prepared for matching (see :func:`load_knowledge`)."""

    folder: Path
    phrases: pd.DataFrame
    phrase_matcher: PhraseMatcher
    suppliers: pd.DataFrame
    supplier_keys: dict[str, list[int]]
    cues: pd.DataFrame
    cue_matcher: PhraseMatcher
    kostra: pd.DataFrame
    mcc: pd.DataFrame
    generic: frozenset[str]
    use_census: bool = True
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return (
            f"Knowledge(phrases={len(self.phrases)}, suppliers={len(self.suppliers)}, "
            f"cues={len(self.cues)}, kostra={len(self.kostra)}, mcc={len(self.mcc)}, "
            f"census={self.use_census})"
        )

    def census_index(self) -> CensusIndex | None:
        """The Census NAICS index prepared for matching (None when not available)."""
        if not self.use_census:
            return None
        if "census" not in self.cache:
            self.cache["census"] = _load_census_index()
        return self.cache["census"]


@functools.lru_cache(maxsize=8)
def _cached_knowledge(folder: str, census: bool) -> Knowledge:
    return _build_knowledge(Path(folder), census)


def load_knowledge(folder: str | Path | None = None, *, census: bool = True) -> Knowledge:
    """Load ``datasets/knowledge`` (cached per folder).

    Parameters
    ----------
    folder : path, optional
        Folder with ``phrases.csv``, ``suppliers.csv``, ``vendor_cues.csv``,
        ``kostra_art.csv`` and ``mcc_naics.csv`` (default: the package's).
    census : bool
        Use the Census NAICS 2017 index (registered reference file
        ``naics_index``) as the last specific method; it is read on first
        need and skipped, with no error, when the file is not available.

    Returns
    -------
    Knowledge
        The tables (``phrases``, ``suppliers``, ``cues``, ``kostra`` indexed
        by art, ``mcc``) with their matchers and the ``generic`` words; the same
        object for the same folder and ``census``.

    Raises
    ------
    KnowledgeError
        For a bad cell in a table (file, row and column named).

    Examples
    --------
    >>> load_knowledge(census=False).kostra.loc["500", "exclude_reason"]
    'debt_service'
    """
    if folder is None:
        folder = paths.datasets_dir() / "knowledge"
    return _cached_knowledge(str(Path(folder).resolve()), bool(census))


def _build_knowledge(folder: Path, census: bool) -> Knowledge:
    ph = _read_table(
        folder / "phrases.csv",
        [
            "phrase",
            "match",
            "fields",
            "region",
            "naics",
            "exclude_reason",
            "capital",
            "not",
            "priority",
            "confidence",
        ],
    )
    sup = _read_table(
        folder / "suppliers.csv",
        ["name", "aliases", "country", "naics", "exclude_reason", "confidence"],
    )
    cues = _read_table(
        folder / "vendor_cues.csv", ["cue", "kind", "naics", "exclude_reason", "confidence"]
    )
    if "match" not in cues:
        cues["match"] = "word"
    kostra = _read_table(
        folder / "kostra_art.csv", ["art", "treatment", "exclude_reason", "naics", "confidence"]
    )
    mcc = _read_table(folder / "mcc_naics.csv", ["mcc", "naics", "exclude_reason", "confidence"])
    for df in (ph, sup, cues, kostra, mcc):
        df["naics"] = _na(df["naics"])
        df["exclude_reason"] = _na(df["exclude_reason"])
        df["confidence"] = pd.to_numeric(df["confidence"], errors="coerce").fillna(0.5)
    ph["capital"] = ph["capital"].isin(["1", "1.0", "true", "True"])
    ph["priority"] = pd.to_numeric(ph["priority"], errors="coerce").fillna(0)
    cues["priority"] = cues["kind"].map(_CUE_PRIORITY).fillna(0)
    cues["not"] = ""
    # suppliers: every name and alias as a vendor key
    names = [f"{n};{a}" for n, a in zip(sup["name"], sup["aliases"], strict=True)]
    rows, spell = [], []
    for i, s in enumerate(names):
        for x in s.split(";"):
            if x.strip():
                rows.append(i)
                spell.append(x.strip())
    keys = normalise_unique_vendors(np.array(spell, dtype=object))
    supplier_keys: dict[str, list[int]] = {}
    for r, k in zip(rows, keys, strict=True):
        if k and r not in supplier_keys.get(k, []):
            supplier_keys.setdefault(k, []).append(r)
    trade = cues.loc[
        cues["kind"].isin(["trade_word", "legal_form"]) & (cues["match"] == "word"), "cue"
    ]
    generic = GENERIC_WORDS | frozenset(
        w for c in trade for w in _word_form(c).split() if len(w) >= 3
    )
    return Knowledge(
        folder=folder,
        phrases=ph,
        phrase_matcher=PhraseMatcher.from_table(ph),
        suppliers=sup,
        supplier_keys=supplier_keys,
        cues=cues,
        cue_matcher=PhraseMatcher.from_table(cues, "cue"),
        kostra=kostra.set_index(kostra["art"].str.zfill(3)),
        mcc=mcc.set_index(mcc["mcc"].str.zfill(4)),
        generic=generic,
        use_census=census,
    )


# ---------------------------------------------------------------------------
# the Census NAICS 2017 index
# ---------------------------------------------------------------------------


@dataclass
class CensusIndex:
    """Census index items as word sets, with an inverted index by word."""

    items: list[frozenset[str]]
    codes: list[str]
    by_word: dict[str, list[int]]
    df: dict[str, int]

    def match(self, text: str) -> tuple[str | None, int]:
        """(code, words matched) for a text, or (None, 0).

        The text's content words must all occur in an index item (the item with
        the fewest other words wins: "Ambulance Service" -> "Ambulance services,
        air or ground"), or, failing that, all words of an item of two or more
        words must occur in the text. Among equally good items a producer code
        is preferred to wholesale and retail (42, 44, 45), then the code most
        items give.

        Examples
        --------
        >>> idx = CensusIndex.build(pd.DataFrame({"naics6": ["621910", "423110"],
        ...     "index_item": ["Ambulance services, air or ground",
        ...                    "Ambulance merchant wholesalers"]}))
        >>> idx.match("Ambulance Service")
        ('621910', 2)
        """
        words = {
            w
            for w in _word_form(text).split()
            if len(w) >= 3 and w not in _CENSUS_STOP and w.isalpha()
        }
        known = [w for w in words if w in self.df]
        if not known or len(known) < len(words) and len(words) <= 2:
            return None, 0
        cands: list[tuple[int, int]] = []  # (extra words, item)
        if len(words) <= 6 and len(known) == len(words):
            rare = min(words, key=lambda w: self.df[w])
            for i in self.by_word.get(rare, ()):
                it = self.items[i]
                if words <= it:
                    cands.append((len(it) - len(words), i))
            if len(words) == 1 and cands and self.df[rare] > 25:
                cands = []  # one common word ("supplies") says too little
        if not cands:
            seen = set()
            for w in known:
                for i in self.by_word.get(w, ()):
                    if i in seen:
                        continue
                    seen.add(i)
                    it = self.items[i]
                    if len(it) >= 2 and it <= words:
                        cands.append((-len(it), i))
        if not cands:
            return None, 0
        best = min(c[0] for c in cands)
        top = [self.codes[i] for e, i in cands if e == best]
        prod = [c for c in top if c[:2] not in ("42", "44", "45")]
        top = prod or top
        counts: dict[str, int] = {}
        for c in top:
            counts[c] = counts.get(c, 0) + 1
        code = max(counts, key=lambda c: (counts[c], c))
        n_words = len(words) if best >= 0 else -best
        return code, n_words

    @classmethod
    def build(cls, table: pd.DataFrame) -> CensusIndex:
        """From ``naics6`` and ``index_item`` columns (:func:`cohort_helpers.data.read_naics_index`)."""
        items, codes = [], []
        seen = set()
        for t, code in zip(table["index_item"], table["naics6"], strict=True):
            it = frozenset(
                w
                for w in _word_form(t).split()
                if w not in _CENSUS_STOP and len(w) >= 3 and w.isalpha()
            )
            if it and (it, code) not in seen:
                seen.add((it, code))
                items.append(it)
                codes.append(str(code))
        by_word: dict[str, list[int]] = {}
        df: dict[str, int] = {}
        for i, it in enumerate(items):
            for w in it:
                by_word.setdefault(w, []).append(i)
                df[w] = df.get(w, 0) + 1
        return cls(items, codes, by_word, df)


def _common_prefix(codes: set[str]) -> str:
    a, b = min(codes), max(codes)
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]


def _load_census_index() -> CensusIndex | None:
    """Read the registered Census index (cached on disk next to the reference cache)."""
    import pickle

    try:
        path = data.fetch_file("naics_index", download=False, progressbar=False)
    except Exception:
        return None
    st = path.stat()
    cache_file = data.cache_dir() / "prepared" / f"naics_index_v1_{st.st_size}_{st.st_mtime_ns}.pkl"
    if cache_file.is_file():
        try:
            with open(cache_file, "rb") as fh:
                got = pickle.load(fh)
            if isinstance(got, CensusIndex):
                return got
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            pass
    index = CensusIndex.build(data.read_naics_index(path))
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache_file)
    except OSError:
        pass
    return index


# ---------------------------------------------------------------------------
# per-line knowledge hits
# ---------------------------------------------------------------------------


def line_regions(lines: pd.DataFrame) -> np.ndarray:
    """Each line's region (``US``/``GB``/``NO`` or ``""``): ``country``, else the currency.

    Parameters
    ----------
    lines : DataFrame
        Lines with ``currency`` and/or ``country`` (neither: every region ``""``).

    Returns
    -------
    ndarray
        Object array, one region per line.

    Examples
    --------
    >>> line_regions(pd.DataFrame({"currency": ["GBP", "NOK", None]})).tolist()
    ['GB', 'NO', '']
    """
    n = len(lines)
    out = np.full(n, "", dtype=object)
    if "currency" in lines:
        cur = lines["currency"].astype("str").str.upper().map(_CURRENCY_REGION)
        out = np.where(cur.notna(), cur.to_numpy(dtype=object), out)
    if "country" in lines:
        c = lines["country"].astype("str").str.upper().str.strip().map(_COUNTRY_REGION)
        out = np.where(c.notna(), c.to_numpy(dtype=object), out)
    return out.astype(object)


def _text_column(lines: pd.DataFrame, name: str, sel: np.ndarray) -> pd.Series | None:
    if name not in lines:
        return None
    s = lines[name].iloc[sel]
    if not s.notna().any():
        return None
    return s


def _account_text(lines: pd.DataFrame, sel: np.ndarray) -> pd.Series | None:
    """The account's text: ``account_name``, else an ``account`` that holds words."""
    an = _text_column(lines, "account_name", sel)
    ac = _text_column(lines, "account", sel)
    if ac is not None:
        ac = ac.astype("str")
        ac = ac.where(ac.str.contains(r"[A-Za-zÆØÅæøå]{3}", regex=True, na=False))
        if not ac.notna().any():
            ac = None
    if an is None:
        return ac
    if ac is None:
        return an
    return an.astype("str").fillna(ac)


def _region_codes(regions: np.ndarray) -> np.ndarray:
    """0 (unknown), 1 US, 2 GB, 3 NO per line."""
    lut = {"US": 1, "GB": 2, "NO": 3}
    got = pd.Series(regions, dtype=object).map(lut)
    return got.fillna(0).to_numpy(dtype=np.int64)


def _region_masks(region_col: pd.Series) -> list[np.ndarray]:
    """Allowed rows per region code (0: unknown region -> rows for any region only... and all)."""
    r = region_col.astype(str).str.upper().replace({"UK": "GB"}).to_numpy(dtype=object)
    anyr = (r == "ANY") | (r == "")
    return [np.ones(len(r), bool), anyr | (r == "US"), anyr | (r == "GB"), anyr | (r == "NO")]


def _match_column(
    values: pd.Series,
    matcher: PhraseMatcher,
    allowed: list[np.ndarray],
    rcode: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, list[list[int]], np.ndarray]:
    """Winning row per line (-1: none), per-line unique code, candidates and region code."""
    codes, uniq = factorize_text(values)
    cands = matcher.candidates([str(u) for u in uniq])
    win = np.full((len(uniq) + 1, 4), -1, dtype=np.int64)
    for r in np.unique(rcode):
        win[:-1, r] = _first_allowed(cands, allowed[r])
    row = win[codes, rcode]  # code -1 takes the appended row of -1
    return row, codes, cands, win


def knowledge_hits(
    lines: pd.DataFrame, knowledge: Knowledge, *, mask: np.ndarray | None = None
) -> pd.DataFrame:
    """The candidate of every knowledge source for each line (computed where ``mask``).

    Sources (each with ``<src>_code``, ``<src>_reason``, ``<src>_confidence``):
    ``phrase`` (account text, then description; the higher priority wins),
    ``supplier`` (exact name or alias, or a known name followed by generic
    words only), ``cue`` (words of the vendor name), ``kostra`` (Norwegian
    lines whose ``account`` is exactly a 3-digit art: never a prefix of a longer
    konto), ``mcc`` (the line's merchant category code) and ``census`` (all
    words of a Census index item in the account text or description; only
    where no phrase gave a code). Also ``capital`` (a capital phrase matched),
    ``firm`` (a legal form, trade word or known supplier in the vendor name),
    ``person`` (a person's name), ``government`` (another public body: a
    government cue or a supplier listed as one), ``dept_code`` (a phrase code found only in
    the department text), ``phrase_codes`` (every code the account text,
    description and department phrases give, to refine a coarse code),
    ``dept_refine`` (codes of the rows written for the department alone: what
    the department builds or whom it serves, used only to refine) and
    ``phrase_any`` (any phrase matched).

    Parameters
    ----------
    lines : DataFrame
        Canonical lines; ``vendor``, ``account``, ``account_name``,
        ``description``, ``department``, ``mcc``, ``currency`` and ``country``
        are used where present.
    knowledge : Knowledge
        From :func:`load_knowledge`.
    mask : ndarray of bool, optional
        The lines to look up (default all), e.g.
        :func:`cohort_helpers.exclude.knowledge_mask`.

    Returns
    -------
    DataFrame
        Aligned with ``lines``; lines outside ``mask`` have no candidates.

    Examples
    --------
    >>> lines = pd.DataFrame({"vendor": ["ACME LTD", "Smith, John"], "amount": [1.0, 2.0],
    ...     "account_name": ["Grants and Subsidies", "Telephone"], "currency": "GBP"})
    >>> kh = knowledge_hits(lines, load_knowledge(census=False))
    >>> kh["phrase_reason"].tolist(), kh["phrase_code"].tolist(), kh["person"].tolist()
    (['grant_passthrough', None], [None, '517311'], [False, True])
    """
    n = len(lines)
    mask = np.ones(n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    sel = np.flatnonzero(mask)
    m = len(sel)
    res: dict[str, np.ndarray] = {}
    for src in ("phrase", "supplier", "cue", "kostra", "mcc", "census"):
        res[f"{src}_code"] = np.full(n, None, dtype=object)
        res[f"{src}_reason"] = np.full(n, None, dtype=object)
        res[f"{src}_confidence"] = np.full(n, np.nan)
    for c in ("capital", "firm", "person", "phrase_any", "government"):
        res[c] = np.zeros(n, dtype=bool)
    res["dept_code"] = np.full(n, None, dtype=object)
    res["phrase_codes"] = np.empty(n, dtype=object)
    res["phrase_codes"][:] = [()] * n
    res["dept_refine"] = np.empty(n, dtype=object)
    res["dept_refine"][:] = [()] * n
    res["supplier_name"] = np.full(n, None, dtype=object)
    out_index = lines.index
    if not m:
        return _hits_frame(res, out_index)
    k = knowledge
    regions = line_regions(lines)[sel]
    rcode = _region_codes(regions)

    def put(src: str, table: pd.DataFrame, rows: np.ndarray, where: np.ndarray | None = None):
        ok = rows >= 0 if where is None else (rows >= 0) & where
        if not ok.any():
            return
        r = rows[ok]
        tgt = sel[ok]
        code = table["naics"].to_numpy(dtype=object)
        rsn = table["exclude_reason"].to_numpy(dtype=object)
        conf = table["confidence"].to_numpy(dtype=float)
        res[f"{src}_code"][tgt] = np.where(pd.isna(code[r]), None, code[r])
        res[f"{src}_reason"][tgt] = np.where(pd.isna(rsn[r]), None, rsn[r])
        res[f"{src}_confidence"][tgt] = conf[r]

    # phrases: account text and description (the higher priority wins; the account on a tie)
    ph = k.phrases
    pm = k.phrase_matcher
    allowed = _region_masks(ph["region"])
    fields = ph["fields"].to_numpy(dtype=object)
    decides = (ph["naics"].notna() | ph["exclude_reason"].notna()).to_numpy(dtype=bool)
    acct_ok = np.array(["account_name" in f or f == "any" for f in fields], dtype=bool)
    desc_ok = np.array(["description" in f or f == "any" for f in fields], dtype=bool)
    # rows for the department only: what it builds or serves, used only to refine a coarse
    # code of the line ("23" in a "Highways" department: 237310), never to decide a line
    dept_only = np.array([f == "department" for f in fields], dtype=bool) & decides
    best = np.full(m, -1, dtype=np.int64)
    cap = np.zeros(m, dtype=bool)
    anyhit = np.zeros(m, dtype=bool)
    pcap = ph["capital"].to_numpy(dtype=bool)
    pcode_a = ph["naics"].to_numpy(dtype=object)
    pcode = np.where(pd.isna(pcode_a) | np.isin(pcode_a, ["GSLGO", "F10"]), None, pcode_a)
    allcodes: list[tuple] = [()] * m
    for col, fok in (("account", acct_ok), ("description", desc_ok)):
        vals = _account_text(lines, sel) if col == "account" else _text_column(lines, col, sel)
        if vals is None:
            continue
        al = [a & fok & decides for a in allowed]
        al_any = al[0]
        row, codes, cands, _ = _match_column(vals, pm, al, rcode)
        take = (row >= 0) & (
            (best < 0) | (pm.priority[np.maximum(row, 0)] > pm.priority[np.maximum(best, 0)])
        )
        best[take] = row[take]
        # every code the text's phrases give (for refining a coarse code later)
        ucodes = [tuple(pcode[r] for r in c if al_any[r] and pcode[r] is not None) for c in cands]
        ucodes.append(())
        for i, c in enumerate(codes.tolist()):
            if c >= 0 and ucodes[c]:
                allcodes[i] = allcodes[i] + ucodes[c]
        # capital: any capital row among the candidates
        ucap = np.array([any(pcap[r] for r in c) for c in cands] + [False], dtype=bool)
        uany = np.array([bool(c) for c in cands] + [False], dtype=bool)
        cap |= ucap[codes]
        anyhit |= uany[codes]
    put("phrase", ph, best)
    res["capital"][sel] = cap
    res["phrase_any"][sel] = anyhit
    dept = _text_column(lines, "department", sel)
    if dept is not None:
        al = [a & desc_ok for a in allowed]
        row, dcodes, dcands, _ = _match_column(dept, pm, al, rcode)
        # a capital phrase in the department ("Capital Projects", "Capital Spending")
        dcap = np.array([any(pcap[r] for r in c) for c in dcands] + [False], dtype=bool)
        res["capital"][sel] |= dcap[dcodes]
        codes_t = ph["naics"].to_numpy(dtype=object)
        ok = row >= 0
        dc = np.full(m, None, dtype=object)
        dc[ok] = codes_t[row[ok]]
        res["dept_code"][sel] = np.where(pd.isna(dc), None, dc)
        for i in np.flatnonzero(pd.notna(dc)):
            if dc[i] not in ("GSLGO", "F10"):
                allcodes[i] = allcodes[i] + (dc[i],)
        if dept_only.any():
            seen: dict[tuple[int, int], tuple] = {}
            for i in np.flatnonzero(dcodes >= 0):
                key = (int(dcodes[i]), int(rcode[i]))
                got = seen.get(key)
                if got is None:
                    ok_r = dept_only & allowed[key[1]]
                    got = seen[key] = tuple(
                        pcode[r] for r in dcands[key[0]] if ok_r[r] and pcode[r] is not None
                    )
                if got:
                    res["dept_refine"][sel[i]] = got
    pc = np.empty(m, dtype=object)
    pc[:] = allcodes
    res["phrase_codes"][sel] = pc
    # suppliers
    if "vendor" in lines:
        vend = lines["vendor"].iloc[sel]
        vcodes, vkeys = vendor_key_codes(vend)
        srow = _supplier_rows(vkeys, k, vcodes, rcode)
        put("supplier", k.suppliers, srow)
        ok = srow >= 0
        res["supplier_name"][sel[ok]] = k.suppliers["name"].to_numpy(dtype=object)[srow[ok]]
        # vendor cues
        cm = k.cue_matcher
        has = (k.cues["naics"].notna() | k.cues["exclude_reason"].notna()).to_numpy(dtype=bool)
        call = [has] * 4
        crow, ccodes, ccands, _ = _match_column(vend, cm, call, rcode)
        kinds = k.cues["kind"].to_numpy(dtype=object)
        crow = _trade_over_weak_cue(crow, ccodes, ccands, kinds, has, k.cues)
        ufirm = np.array(
            [any(kinds[r] in ("legal_form", "trade_word") for r in c) for c in ccands] + [False]
        )
        uperson = np.array([any(kinds[r] == "person_marker" for r in c) for c in ccands] + [False])
        ugov = np.array([any(kinds[r] == "government" for r in c) for c in ccands] + [False])
        person = uperson[ccodes] | looks_like_person(vend)
        srsn = k.suppliers["exclude_reason"].to_numpy(dtype=object)
        sgov = np.zeros(m, dtype=bool)
        sgov[ok] = np.isin(srsn[srow[ok]], ["transfer", "tax_fee_government"])
        res["government"][sel] = (ugov[ccodes] | sgov) & ~person
        firm = (ufirm[ccodes] | ok) & ~person
        put("cue", k.cues, crow, where=~person)
        res["firm"][sel] = firm
        res["person"][sel] = person
    # KOSTRA art: the account is exactly a 3-digit art on a Norwegian line
    if "account" in lines:
        acc = lines["account"].iloc[sel].astype("str").str.strip()
        acc = acc.str.replace(r"\.0$", "", regex=True)
        is_art = acc.str.fullmatch(r"\d{3}").fillna(False).to_numpy(dtype=bool) & (rcode == 3)
        if is_art.any():
            pos = k.kostra.index.get_indexer(acc.to_numpy(dtype=object))
            krow = np.where(is_art, pos, -1)
            put("kostra", k.kostra.reset_index(drop=True), krow)
    # MCC of card lines
    if "mcc" in lines:
        mc = lines["mcc"].iloc[sel].astype("str").str.replace(r"\.0$", "", regex=True)
        mc = mc.str.strip().str.zfill(4)
        pos = k.mcc.index.get_indexer(mc.fillna("").to_numpy(dtype=object))
        put("mcc", k.mcc.reset_index(drop=True), pos)
    # Census index: the last specific method, where no phrase gave a code
    need = pd.isna(res["phrase_code"][sel]) & pd.isna(res["phrase_reason"][sel])
    if need.any() and k.use_census:
        idx = k.census_index()
        if idx is not None:
            code = np.full(m, None, dtype=object)
            nwords = np.zeros(m, dtype=np.int64)
            for col in ("account", "description"):
                vals = (
                    _account_text(lines, sel) if col == "account" else _text_column(lines, col, sel)
                )
                if vals is None:
                    continue
                todo = need & pd.isna(code)
                if not todo.any():
                    break
                v = vals.iloc[np.flatnonzero(todo)]
                uc, uu = factorize_text(v)
                got = [idx.match(str(u)) for u in uu] + [(None, 0)]
                gc = np.array([g[0] for g in got], dtype=object)
                gn = np.array([g[1] for g in got], dtype=np.int64)
                ti = np.flatnonzero(todo)
                code[ti] = gc[uc]
                nwords[ti] = gn[uc]
            ok = pd.notna(code)
            res["census_code"][sel[ok]] = code[ok]
            res["census_confidence"][sel[ok]] = np.where(
                nwords[ok] >= 2, CENSUS_CONFIDENCE[1], CENSUS_CONFIDENCE[0]
            )
    return _hits_frame(res, out_index)


def _trade_over_weak_cue(
    crow: np.ndarray,
    codes: np.ndarray,
    cands: list[list[int]],
    kinds: np.ndarray,
    has: np.ndarray,
    cues: pd.DataFrame,
) -> np.ndarray:
    """The winning cue per line, a trade word instead of a less confident utility cue.

    "PLM ELECTRIC POWER ENGINEERING" is an engineering firm (0.6), not an electricity bill
    ("power", 0.25). Nonprofit cues keep their place: "TEXAS MUSIC EDUCATORS ASSOCIATION"
    is no instrument maker.
    """
    conf = cues["confidence"].to_numpy(dtype=float)
    coded = cues["naics"].notna().to_numpy(dtype=bool)
    alt = np.full(len(cands) + 1, -1, dtype=np.int64)
    for i, c in enumerate(cands):
        win = next((r for r in c if has[r]), -1)
        if win < 0 or kinds[win] != "utility":
            continue
        trade = [r for r in c if kinds[r] == "trade_word" and coded[r]]
        if trade:
            best = max(trade, key=lambda r: conf[r])
            if conf[best] > conf[win]:
                alt[i] = best
    if not (alt >= 0).any():
        return crow
    a = alt[codes]  # code -1 (no vendor) takes the appended -1
    return np.where(a >= 0, a, crow)


def _hits_frame(res: dict[str, np.ndarray], index: pd.Index) -> pd.DataFrame:
    """The hits as a frame, object columns kept as object (no string inference per line)."""
    cols = {
        k: pd.Series(v, index=index, dtype=object)
        if v.dtype == object
        else pd.Series(v, index=index)
        for k, v in res.items()
    }
    return pd.DataFrame(cols, index=index, copy=False)


def _supplier_rows(
    vkeys: np.ndarray, k: Knowledge, vcodes: np.ndarray, rcode: np.ndarray
) -> np.ndarray:
    """Row in ``k.suppliers`` per line: the whole key, or the key less trailing generic words."""
    country = _region_masks(k.suppliers["country"])
    cand: list[list[int]] = []
    for key in vkeys:
        key = str(key)
        rows = k.supplier_keys.get(key)
        if rows is None:
            words = key.split()
            while len(words) > 1 and words[-1] in k.generic:
                words = words[:-1]
                rows = k.supplier_keys.get(" ".join(words))
                if rows is not None:
                    if len(words) < 2 and not distinctive(set(words), k.generic):
                        rows = None  # "united" + generic words is no known firm
                    break
        cand.append(rows or [])
    win = np.full((len(vkeys) + 1, 4), -1, dtype=np.int64)
    for r in np.unique(rcode):
        win[:-1, r] = _first_allowed(cand, country[r])
    return win[vcodes, rcode]
