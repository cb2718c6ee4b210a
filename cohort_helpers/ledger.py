"""Reading accounts-payable exports (CSV or XLSX) into the canonical ledger table.

A participant's finance system exports its payments in its own layout. A
*column mapping* (a small YAML file, see ``docs/CONTRACTS.md``) names which
of the file's headers holds the date, the vendor, the amount and so on;
:func:`read_ledger` then returns one row per ledger line with the canonical
columns, whatever the file's encoding, delimiter, number and date formats.

Every problem a participant can fix in the file is raised as a
:class:`LedgerError` naming the file, the line and the column.

Examples
--------
>>> from cohort_helpers import ledger
>>> mapping = ledger.suggest_mapping("cedar_valley_2022.csv")     # doctest: +SKIP
>>> lines = ledger.read_ledger("cedar_valley_2022.csv", mapping)  # doctest: +SKIP
>>> lines[["source_line", "date", "vendor", "amount"]].head()     # doctest: +SKIP
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "CANONICAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "LedgerError",
    "LedgerWarning",
    "load_mapping",
    "suggest_mapping",
    "read_ledger",
    "read_ledgers",
    "parse_amounts",
    "parse_dates",
    "fiscal_year",
]

#: Output columns of :func:`read_ledger`, in order.
CANONICAL_COLUMNS = [
    "source_file",
    "source_line",
    "date",
    "fiscal_year",
    "vendor",
    "department",
    "account",
    "description",
    "amount",
    "currency",
    "invoice",
    "fund",
    "function",
    "mcc",
    "capital_flag",
    "joint_agreement",
    "payment_id",
    "status_text",
]
#: Canonical names a mapping must give.
REQUIRED_COLUMNS = ("date", "vendor", "amount")
#: Canonical names a mapping may give (``fiscal_year`` wins over the date's fiscal year).
OPTIONAL_COLUMNS = (
    "department",
    "account",
    "description",
    "currency",
    "invoice",
    "fund",
    "function",
    "mcc",
    "capital_flag",
    "joint_agreement",
    "payment_id",
    "status_text",
    "fiscal_year",
)
_MAPPABLE = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
_TEXT_COLUMNS = (
    "vendor",
    "department",
    "account",
    "description",
    "currency",
    "invoice",
    "fund",
    "function",
    "mcc",
    "payment_id",
    "status_text",
)
_BOOL_COLUMNS = ("capital_flag", "joint_agreement")
_HINT_KEYS = {
    "layout",
    "columns",
    "date_format",
    "decimal",
    "thousands",
    "delimiter",
    "encoding",
    "sheet",
    "currency",
    "fiscal_year_start_month",
}

#: Largest absolute amount accepted on one line (anything above is a typo or a unit error).
MAX_ABS_AMOUNT = 1e10
#: Years accepted in dates.
YEAR_RANGE = (1990, 2100)
#: How many title lines above the header are searched.
HEADER_SEARCH_LINES = 60
#: How many bad lines an error message lists.
_SHOW = 5

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_SPACE_CHARS = "\u00a0\u2007\u2009\u202f\u200a\u2002\u2003\u2004\u2005\u2006\u2008"
_CURRENCY_RE = r"(?i:usd|nok|sek|dkk|gbp|eur|kr\.?|[$£€¥])"
_TRUE = {"1", "y", "yes", "true", "t", "x", "ja", "j", "capital", "cap", "sann"}
_FALSE = {"0", "n", "no", "false", "f", "nei", "", "operating", "usann"}


class LedgerError(ValueError):
    """A problem in a ledger file (or its mapping) that the participant can fix.

    Attributes
    ----------
    file : str or None
        File name.
    line : int or None
        Physical 1-based line (Excel row for XLSX) of the first bad line.
    column : str or None
        The file's column header involved.
    value : object
        The offending cell value (first one).
    expected : str or None
        What was expected instead.
    lines : list of int
        The first few bad lines (all of them when few).
    count : int
        How many lines have the problem.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
        value: Any = None,
        expected: str | None = None,
        lines: list[int] | None = None,
        count: int | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        self.expected = expected
        self.lines = list(lines) if lines is not None else ([line] if line is not None else [])
        self.count = count if count is not None else len(self.lines)


class LedgerWarning(UserWarning):
    """Something in a ledger that was handled but deserves a look (e.g. skipped empty lines)."""


# ---------------------------------------------------------------------------
# mapping
# ---------------------------------------------------------------------------

#: Header names (compared case-insensitively, ignoring punctuation) that suggest each column.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "invoice date",
        "date",
        "payment date",
        "check date",
        "posting date",
        "post date",
        "transaction date",
        "trans date",
        "gl date",
        "document date",
        "paid date",
        "bilagsdato",
        "dato",
        "fakturadato",
        "bokføringsdato",
        "betalingsdato",
        "posteringsdato",
    ),
    "vendor": (
        "vendor name",
        "vendor",
        "payee",
        "payee name",
        "supplier",
        "supplier name",
        "merchant",
        "merchant name",
        "leverandør",
        "leverandørnavn",
        "leverandor",
        "mottaker",
        "navn",
    ),
    "amount": (
        "amount",
        "invoice amount",
        "payment amount",
        "net amount",
        "line amount",
        "amt",
        "expense",
        "total",
        "beløp",
        "belop",
        "beløp nok",
        "sum",
        "netto",
    ),
    "department": (
        "department",
        "dept",
        "department name",
        "division",
        "org",
        "organization",
        "cost center",
        "ansvar",
        "ansvarssted",
        "enhet",
        "avdeling",
        "virksomhet",
    ),
    "account": (
        "object code",
        "object",
        "account",
        "account code",
        "acct",
        "gl account",
        "expense account",
        "object account",
        "art",
        "artskonto",
        "konto",
        "kontonummer",
    ),
    "description": (
        "line description",
        "description",
        "desc",
        "memo",
        "item description",
        "invoice description",
        "purpose",
        "tekst",
        "beskrivelse",
        "fakturatekst",
        "varebeskrivelse",
        "linjetekst",
    ),
    "invoice": (
        "invoice #",
        "invoice number",
        "invoice no",
        "invoice",
        "inv #",
        "invoice num",
        "fakturanummer",
        "fakturanr",
        "faktura",
        "bilagsnummer",
        "bilagsnr",
        "bilag",
    ),
    "fund": ("fund", "fund code", "fund name", "fond"),
    "function": ("function", "funksjon", "kostra funksjon", "function code"),
    "mcc": ("mcc", "merchant category code", "merchant category", "mcc code"),
    "capital_flag": ("capital", "capital flag", "capital outlay", "capex", "investering"),
    "joint_agreement": (
        "joint agreement",
        "joint",
        "cooperative",
        "felles avtale",
        "felleskjøp",
        "fellesavtale",
        "samkjøp",
    ),
    "payment_id": (
        "payment id",
        "check #",
        "check number",
        "check no",
        "payment number",
        "voucher",
        "voucher #",
        "voucher number",
        "eft #",
        "betalingsid",
        "betaling",
    ),
    "status_text": ("status", "payment status", "check status", "void", "status text"),
    "currency": ("currency", "currency code", "valuta", "ccy"),
    "fiscal_year": ("fiscal year", "fy", "regnskapsår", "budget year"),
}


def _norm_header(name: Any) -> str:
    text = "" if name is None else str(name)
    text = text.replace("\ufeff", "").casefold()
    text = re.sub(r"[\s_]+", " ", text)
    return text.strip()


def _loose_header(name: Any) -> str:
    return re.sub(r"[^0-9a-zæøåäöü#]+", "", _norm_header(name))


def load_mapping(mapping: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """Read and validate a column mapping (a YAML path or an equivalent dict).

    Returns a new dict with every hint key present (``None`` = detect
    automatically) and ``columns`` mapping canonical names to headers.

    Raises
    ------
    LedgerError
        For an unreadable file, unknown canonical names, missing required
        columns (date, vendor, amount) or invalid hints.
    """
    source = None
    if isinstance(mapping, (str, Path)):
        import yaml

        source = Path(mapping)
        try:
            text = source.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise LedgerError(
                f"Mapping file {str(source)!r} does not exist.", file=source.name
            ) from None
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise LedgerError(
                f"{source.name}, line {line}: not valid YAML ({getattr(exc, 'problem', exc)}).",
                file=source.name,
                line=line,
            ) from None
    else:
        raw = mapping
    where = source.name if source is not None else "The mapping"
    if not isinstance(raw, Mapping):
        raise LedgerError(
            f"{where} must be a set of 'key: value' lines with a 'columns:' section.",
            file=source.name if source else None,
        )
    raw = dict(raw)
    columns = raw.get("columns")
    if not isinstance(columns, Mapping) or not columns:
        raise LedgerError(
            f"{where} has no 'columns:' section. Example:\ncolumns:\n  date: \"Invoice Date\"\n"
            '  vendor: "Vendor Name"\n  amount: "Amount"',
            file=source.name if source else None,
            column="columns",
        )
    from rapidfuzz import process

    cols: dict[str, str] = {}
    for key, header in columns.items():
        key = str(key).strip()
        if key not in _MAPPABLE:
            best = process.extractOne(key, _MAPPABLE)
            hint = f" Did you mean {best[0]!r}?" if best and best[1] >= 60 else ""
            raise LedgerError(
                f"{where}: {key!r} is not a canonical column name.{hint} Allowed: "
                + ", ".join(_MAPPABLE)
                + ".",
                file=source.name if source else None,
                column=key,
                value=key,
                expected="one of " + ", ".join(_MAPPABLE),
            )
        if header is None or str(header).strip() == "":
            continue  # an empty entry means "not in this ledger"
        cols[key] = str(header)
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        raise LedgerError(
            f"{where} does not say which column holds {', '.join(missing)}. "
            f"Add under 'columns:' e.g. {missing[0]}: \"<the header in your file>\". "
            "Required: date, vendor, amount.",
            file=source.name if source else None,
            column=missing[0],
            expected="a mapping for " + ", ".join(REQUIRED_COLUMNS),
        )
    unknown = sorted(set(raw) - _HINT_KEYS)
    if unknown:
        warnings.warn(
            f"{where}: unknown setting(s) {', '.join(map(repr, unknown))} ignored. "
            f"Known settings: {', '.join(sorted(_HINT_KEYS))}.",
            LedgerWarning,
            stacklevel=2,
        )
    out: dict[str, Any] = {
        "layout": raw.get("layout"),
        "columns": cols,
        "date_format": _auto(raw.get("date_format")),
        "decimal": _auto(raw.get("decimal")),
        "thousands": raw.get("thousands"),
        "delimiter": _auto(raw.get("delimiter")),
        "encoding": _auto(raw.get("encoding")),
        "sheet": raw.get("sheet", 0) if raw.get("sheet") is not None else 0,
        "currency": _auto(raw.get("currency")),
        "fiscal_year_start_month": raw.get("fiscal_year_start_month"),
    }

    def bad(key: str, expected: str) -> LedgerError:
        return LedgerError(
            f"{where}: {key}: {raw.get(key)!r} is not valid. Expected {expected}.",
            file=source.name if source else None,
            column=key,
            value=raw.get(key),
            expected=expected,
        )

    if out["decimal"] is not None and out["decimal"] not in (".", ","):
        raise bad("decimal", "'.' or ','")
    th = out["thousands"]
    if th is not None:
        if isinstance(th, str) and th.lower() in ("auto", "none"):
            out["thousands"] = None
        elif th not in (",", ".", " ", "", "'"):
            raise bad("thousands", "',', '.', ' ' or ''")
    if out["decimal"] is not None and out["thousands"] == out["decimal"]:
        raise bad("thousands", "a separator different from the decimal separator")
    d = out["delimiter"]
    if d is not None:
        d = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}.get(
            str(d).lower(), d
        )
        if not isinstance(d, str) or len(d) != 1:
            raise bad("delimiter", "one character such as ',', ';' or a tab")
        out["delimiter"] = d
    enc = out["encoding"]
    if enc is not None:
        try:
            codecs.lookup(str(enc))
        except LookupError:
            raise bad("encoding", "auto, utf-8, cp1252 or latin-1") from None
    fsm = out["fiscal_year_start_month"]
    if fsm is not None:
        try:
            fsm_i = int(fsm)
        except (TypeError, ValueError):
            raise bad("fiscal_year_start_month", "a month number 1..12") from None
        if not 1 <= fsm_i <= 12:
            raise bad("fiscal_year_start_month", "a month number 1..12")
        out["fiscal_year_start_month"] = fsm_i
    return out


def _auto(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() in ("auto", ""):
        return None
    return value


# ---------------------------------------------------------------------------
# low-level file access
# ---------------------------------------------------------------------------


def _is_excel(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def _decode_check(raw: bytes, encoding: str | None, fname: str) -> tuple[bytes, str]:
    """Return (bytes in an ASCII-compatible encoding, that encoding)."""
    if encoding is not None:
        enc = codecs.lookup(encoding).name
        try:
            raw.decode(enc)
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            bad = raw[exc.start : exc.start + 4]
            raise LedgerError(
                f"{fname}, line {line}: the bytes {bad!r} are not valid {encoding} text "
                f"(the mapping forces encoding: {encoding}). Set 'encoding: auto' in the "
                "mapping, or the encoding the file was saved in (often cp1252 or latin-1 "
                "for Excel on Windows).",
                file=fname,
                line=line,
                value=bad,
                expected=f"text encoded as {encoding}",
            ) from None
        if enc.startswith("utf-16") or enc.startswith("utf-32"):
            return raw.decode(enc).encode("utf-8"), "utf-8"
        if enc == "utf-8" and raw.startswith(codecs.BOM_UTF8):
            return raw, "utf-8-sig"
        return raw, enc
    if raw.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16").encode("utf-8"), "utf-8"
    else:
        enc = "utf-8"
    if raw.isascii():  # valid in every ASCII-compatible encoding (no decoding pass)
        return raw, enc
    try:
        raw.decode(enc)
        return raw, enc
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return raw, "cp1252"
    except UnicodeDecodeError:
        pass
    try:  # pragma: no cover - rare: bytes undefined in cp1252
        from charset_normalizer import from_bytes

        best = from_bytes(raw[:200_000]).best()
        if best is not None and best.encoding:
            enc = codecs.lookup(best.encoding).name
            raw.decode(enc)
            if enc.startswith("utf-16"):
                return raw.decode(enc).encode("utf-8"), "utf-8"
            return raw, enc
    except Exception:
        pass
    return raw, "latin-1"


def _head_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """First rows of ``text`` as (physical line where the row ends, cells)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
            if len(rows) >= HEADER_SEARCH_LINES:
                break
    except csv.Error:
        pass
    return rows


def _find_header(
    rows: list[tuple[int, list[str]]], wanted: Iterable[str]
) -> tuple[int, int, list[str]] | None:
    """(row index, physical line, cells) of the first row holding all ``wanted`` headers."""
    wanted_n = {_norm_header(w) for w in wanted}
    for i, (line, cells) in enumerate(rows):
        normed = {_norm_header(c) for c in cells}
        if wanted_n <= normed:
            return i, line, cells
    return None


def _best_header_guess(rows: list[tuple[int, list[str]]], wanted: Iterable[str]):
    """The row that looks most like a header (for error messages)."""
    from rapidfuzz import fuzz

    wanted = list(wanted)
    best, best_score = None, -1.0
    for line, cells in rows:
        filled = [c for c in cells if str(c).strip()]
        if not filled:
            continue
        score = sum(
            max((fuzz.ratio(_norm_header(w), _norm_header(c)) for c in filled), default=0)
            for w in wanted
        ) + 5 * len(filled)
        if score > best_score:
            best, best_score = (line, cells), score
    return best


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:HEADER_SEARCH_LINES] if ln.strip()]
    best, best_score = ",", -1.0
    for d in (",", ";", "\t", "|"):
        counts = [len(next(csv.reader([ln], delimiter=d))) for ln in lines]
        if not counts:
            continue
        top = max(counts)
        if top < 2:
            continue
        # a real delimiter gives many lines with the same (maximal) number of fields
        score = sum(c == top for c in counts) * np.log(top)
        if score > best_score:
            best, best_score = d, score
    return best


def _missing_header_error(
    fname: str,
    mapping: dict[str, Any],
    rows: list[tuple[int, list[str]]],
    excel: bool = False,
) -> LedgerError:
    from rapidfuzz import process

    cols = mapping["columns"]
    guess = _best_header_guess(rows, cols.values())
    unit = "row" if excel else "line"
    if guess is None:
        return LedgerError(
            f"{fname}: no header row found (the first {HEADER_SEARCH_LINES} lines are empty).",
            file=fname,
        )
    line, cells = guess
    have = [str(c) for c in cells if c is not None and str(c).strip()]
    have_n = {_norm_header(c) for c in have}
    missing = [(k, h) for k, h in cols.items() if _norm_header(h) not in have_n]
    parts = []
    for key, header in missing:
        sugg = process.extract(header, have, limit=2, score_cutoff=50, processor=_norm_header)
        tip = (" Closest: " + " or ".join(repr(s[0]) for s in sugg) + ".") if sugg else ""
        parts.append(f"column {header!r} (for {key}) is not in the file.{tip}")
    key, header = missing[0] if missing else (None, None)
    return LedgerError(
        f"{fname}: "
        + " ".join(parts)
        + f" The header ({unit} {line}) has: "
        + ", ".join(repr(h) for h in have)
        + ". Fix the mapping's 'columns:' to use these names.",
        file=fname,
        line=line,
        column=header,
        value=header,
        expected="one of " + ", ".join(repr(h) for h in have),
    )


def _header_positions(
    fname: str, cells: list[Any], mapping: dict[str, Any], line: int, excel: bool = False
) -> dict[str, int]:
    """Canonical name -> column index in the header row; errors on duplicates."""
    normed = [_norm_header(c) for c in cells]
    raw = ["" if c is None else str(c).replace("\ufeff", "").strip() for c in cells]
    unit = "row" if excel else "line"
    pos: dict[str, int] = {}
    for key, header in mapping["columns"].items():
        exact = [i for i, c in enumerate(raw) if c == header.strip()]
        hits = exact or [i for i, c in enumerate(normed) if c == _norm_header(header)]
        if len(hits) > 1:
            letters = ", ".join(_col_label(i, excel) for i in hits)
            raise LedgerError(
                f"{fname}, {unit} {line}: the header {header!r} (mapped to {key}) appears "
                f"{len(hits)} times (columns {letters}). Rename one of them in the file, "
                "or map another column.",
                file=fname,
                line=line,
                column=header,
                value=header,
                expected="unique column names",
            )
        pos[key] = hits[0]
    return pos


def _col_label(i: int, excel: bool) -> str:
    if not excel:
        return str(i + 1)
    s, n = "", i + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


# ---------------------------------------------------------------------------
# value parsing (vectorised)
# ---------------------------------------------------------------------------


def _detect_decimal(sample: pd.Series) -> str:
    """'.' or ',' from how the sample's amounts end."""
    s = sample.astype(str).str.replace(r"[\s" + _SPACE_CHARS + r"]", "", regex=True)
    s = s.str.replace(_CURRENCY_RE, "", regex=True).str.strip("()-+")
    comma = int(s.str.contains(r",\d{1,2}$", regex=True).sum())
    dot = int(s.str.contains(r"\.\d{1,2}$", regex=True).sum())
    # "1.234,5" or "1.234.567" style numbers also point at a decimal comma
    comma += int(s.str.contains(r"\.\d{3},\d*$|\.\d{3}\.\d{3}", regex=True).sum())
    dot += int(s.str.contains(r",\d{3}\.\d*$|,\d{3},\d{3}", regex=True).sum())
    return "," if comma > dot else "."


def parse_amounts(
    values: pd.Series, decimal: str | None = None, thousands: str | None = None
) -> tuple[np.ndarray, np.ndarray, str]:
    """Parse amount strings in any common ledger format, vectorised.

    Handles ``1,234.56``, ``(123.45)``, ``-123.45``, ``123.45-``, ``1 234,56``,
    ``1.234,56``, ``123.45 CR``, currency symbols/codes (``$``, ``kr``, ``NOK``)
    and non-breaking or thin spaces.

    Parameters
    ----------
    values : Series of str
        Cell texts ("" for blank cells).
    decimal, thousands : str or None
        Separators; ``None`` detects them from the values.

    Returns
    -------
    (amounts, bad, decimal)
        Float array (NaN where unreadable or blank), a boolean array marking
        non-blank cells that are not amounts, and the decimal separator used.
    """
    values = values.astype(str) if values.dtype != "str" else values
    n = len(values)
    if decimal is None:
        step = max(1, n // 5_000)
        decimal = _detect_decimal(values.iloc[::step])
    fast = _parse_plain_amounts(values, decimal, thousands)
    if fast is not None:
        return fast, np.zeros(n, dtype=bool), decimal
    out = np.full(n, np.nan)
    todo = np.ones(n, dtype=bool)
    sample = values.iloc[:: max(1, n // 500)].dropna()
    mostly_plain = bool(len(sample)) and sample.str.fullmatch(r"-?\d+(?:\.\d*)?").mean() > 0.5
    if decimal == "." and thousands != "." and mostly_plain:
        fast = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ok = ~np.isnan(fast)
        out[ok] = fast[ok]
        todo = ~ok
    todo &= values.notna().to_numpy()
    bad = np.zeros(n, dtype=bool)
    if todo.any():
        sub = values[todo]
        codes, uniq = pd.factorize(sub)
        parsed, ubad = _parse_amount_strings(pd.Series(uniq, dtype=object), decimal, thousands)
        out[todo] = parsed[codes]
        bad[todo] = ubad[codes]
    return out, bad, decimal


def _amount_syntax(decimal: str, thousands: str | None) -> tuple[str, set[str], str]:
    """(regex of a whole amount cell, thousands separators, their regex class)."""
    seps = set()
    if thousands:
        seps.add(thousands)
    elif thousands is None:
        seps.update({",", "'"} if decimal == "." else {".", "'"})
    seps.discard(decimal)
    dec = re.escape(decimal)
    if seps:
        sep_class = "[" + "".join(re.escape(x) for x in sorted(seps)) + "]"
        num_re = rf"(?:\d{{1,3}}(?:{sep_class}\d{{3}})+|\d+)(?:{dec}\d*)?|{dec}\d+"
    else:
        sep_class = ""
        num_re = rf"\d+(?:{dec}\d*)?|{dec}\d+"
    n_ = f"(?:{num_re})"
    full = rf"(?:[-+]?{n_}|\({n_}\)|{n_}-|{n_}(?i:cr|dr))"
    return full, seps, sep_class


_DIGITS_TO_9 = str.maketrans("0123456789", "9" * 10)


def _parse_plain_amounts(
    values: pd.Series, decimal: str, thousands: str | None
) -> np.ndarray | None:
    """Amounts when every cell is an ASCII number such as ``1,234.56``, ``(12.50)``,
    ``-3`` or ``7.00-``; ``None`` when any cell needs :func:`_parse_amount_strings`.

    The cells are checked by their *shape* (digits replaced by 9: a handful of
    distinct shapes, each matched once against the same grammar) and converted
    in one pass over the joined text, instead of several regex passes per cell.
    """
    arr = values.to_numpy(dtype=object)
    n = len(arr)
    if not n:
        return None
    try:
        text = "\n".join(arr)
    except TypeError:  # missing cells
        return None
    if not text.isascii() or text.count("\n") != n - 1:
        return None
    full, seps, _ = _amount_syntax(decimal, thousands)
    grammar = re.compile(full)
    for shape in set(text.translate(_DIGITS_TO_9).split("\n")):
        if not grammar.fullmatch(shape) or re.search("[A-Za-z]", shape):
            return None  # blanks, CR/DR suffixes, currency signs, typos: the full parser
    keep = str.maketrans({c: None for c in "-+()" + "".join(seps)} | {decimal: "."})
    vals = np.array(text.translate(keep).split("\n"), dtype=float)
    b = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    nl = np.flatnonzero(b == 10)
    first = b[np.r_[0, nl + 1]]
    last = b[np.r_[nl - 1, len(b) - 1]]
    neg = (first == ord("-")) | (first == ord("(")) | (last == ord("-"))
    return np.where(neg, -vals, vals)


def _parse_amount_strings(
    u: pd.Series, decimal: str, thousands: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """Parse unique amount texts with a few vectorised passes (see :func:`parse_amounts`)."""
    full, seps, sep_class = _amount_syntax(decimal, thousands)
    t = u.astype(str)
    good = t.str.fullmatch(full).to_numpy(dtype=bool, na_value=False).copy()
    if not good.all():
        # second chance for the rest: drop blanks, currency symbols/codes
        junk = "[" + _SPACE_CHARS + r"\s]+|" + _CURRENCY_RE
        if decimal == ",":
            junk += r"|,-$"  # Norwegian "1 234,-" (whole kroner)
        rest = ~good
        t2 = t[rest].str.replace(junk, "", regex=True)
        t = t.copy()
        t[rest] = t2
        good[rest] = t2.str.fullmatch(full).to_numpy(dtype=bool, na_value=False)
    empty = (t == "").to_numpy()
    neg = t.str.match(r"^[-(]|.*(?:-|(?i:cr))$").to_numpy(dtype=bool, na_value=False)
    strip = r"(?i:cr|dr)$|[-+()" + sep_class.strip("[]") + "]"
    core = t.str.replace(strip, "", regex=True)
    if decimal == ",":
        core = core.str.replace(",", ".", regex=False)
    vals = pd.to_numeric(core.where(good, ""), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    vals = np.where(neg, -vals, vals)
    good &= ~np.isnan(vals)
    vals[~good] = np.nan
    return vals, ~good & ~empty


_NO_MONTHS = {
    "mai": "may",
    "okt": "oct",
    "des": "dec",
    "januar": "jan",
    "februar": "feb",
    "mars": "mar",
    "april": "apr",
    "juni": "jun",
    "juli": "jul",
    "august": "aug",
    "september": "sep",
    "oktober": "oct",
    "november": "nov",
    "desember": "dec",
}
_DATE_FORMATS_US = [
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y/%m/%d",
    "%Y%m",  # an accounting period (202107) before %Y%m%d, which would misread it
    "%Y%m%d",
    "%m-%d-%Y",
    "%d-%m-%Y",
    "%b %d, %Y",
    "%d %b %Y",
    "%d. %b %Y",
    "%B %d, %Y",
    "%d %B %Y",
    "%Y-%m-%d %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%dT%H:%M:%S",
]


def parse_dates(
    values: pd.Series, date_format: str | None = None, *, day_first: bool = False
) -> tuple[pd.Series, np.ndarray, str]:
    """Parse date cells (text, Excel serial numbers or datetimes), vectorised over unique values.

    Parameters
    ----------
    values : Series
        Cell values: strings ("" for blank), numbers (Excel serials) or datetimes.
    date_format : str or None
        A strptime format; ``None`` picks the format that reads the most values
        (``day_first`` breaks ties such as 03/04/2021).

    Returns
    -------
    (dates, bad, format_used)
        ``datetime64[ns]`` series (NaT where blank or unreadable), a boolean
        array of non-blank cells that are not dates, and the main format used.
    """
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    parsed, ubad, used = _parse_unique_dates(pd.Index(uniq), date_format, day_first)
    parsed_a = parsed.to_numpy(dtype="datetime64[ns]")
    res = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    has = codes >= 0
    res[has] = parsed_a[codes[has]]
    bad = np.zeros(len(values), dtype=bool)
    bad[has] = ubad[codes[has]]
    return pd.Series(res, index=values.index), bad, used


def _parse_unique_dates(
    uniq: pd.Index, date_format: str | None, day_first: bool
) -> tuple[pd.Series, np.ndarray, str]:
    n = len(uniq)
    out = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    vals = pd.Series(list(uniq), dtype=object)
    is_dt = vals.map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year"))
    is_num = vals.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)))
    is_num &= ~vals.map(lambda v: isinstance(v, bool))
    if is_dt.any():
        out[is_dt] = pd.to_datetime(vals[is_dt], errors="coerce").astype("datetime64[ns]")
    if is_num.any():
        serial = pd.to_numeric(vals[is_num], errors="coerce")
        out[is_num] = _from_serial(serial)
    text = vals[~is_dt & ~is_num].astype(str).str.strip()
    blank = text == ""
    text = text[~blank]
    used = date_format or ""
    if len(text):
        # Excel serial numbers written as text
        serial_like = text.str.fullmatch(r"\d{5}(?:\.\d+)?")
        if serial_like.any():
            out[serial_like[serial_like].index] = _from_serial(pd.to_numeric(text[serial_like]))
            text = text[~serial_like]
    if len(text):
        if date_format is not None:
            got = pd.to_datetime(text, format=date_format, errors="coerce")
            out[text.index] = got
        else:
            normed = text.str.replace(
                r"(?i)(?<=[\s\-./])([a-zæøå]{3,9})(?=[\s\-./,]|$)", _no_month, regex=True
            )
            formats = list(_DATE_FORMATS_US)
            if day_first:
                formats.remove("%d/%m/%Y")
                formats.insert(formats.index("%m/%d/%Y"), "%d/%m/%Y")
                formats.remove("%d/%m/%y")
                formats.insert(formats.index("%m/%d/%y"), "%d/%m/%y")
            scored = []
            for k, fmt in enumerate(formats):
                got = pd.to_datetime(normed, format=fmt, errors="coerce")
                scored.append((-int(got.notna().sum()), k, fmt, got))
            scored.sort(key=lambda x: (x[0], x[1]))
            used = scored[0][2] if scored[0][0] < 0 else ""
            remaining = pd.Series(True, index=normed.index)
            for _, _, _fmt, got in scored:
                take = remaining & got.notna()
                if take.any():
                    out[take[take].index] = got[take]
                    remaining &= ~take
                if not remaining.any():
                    break
    years = out.dt.year
    bad_year = out.notna() & ((years < YEAR_RANGE[0]) | (years > YEAR_RANGE[1]))
    is_blank = np.zeros(n, dtype=bool)
    is_blank[blank[blank].index.to_numpy(dtype=np.int64)] = True
    bad = out.isna().to_numpy() & ~is_blank
    out[bad_year] = pd.NaT
    bad |= bad_year.to_numpy()
    return out, bad, used


def _no_month(m: re.Match) -> str:
    word = m.group(1)
    return _NO_MONTHS.get(word.lower(), word)


def _from_serial(serial: pd.Series) -> pd.Series:
    ok = (serial > 20_000) & (serial < 80_000)
    res = pd.Series(pd.NaT, index=serial.index, dtype="datetime64[ns]")
    res[ok] = _EXCEL_EPOCH + pd.to_timedelta(serial[ok].astype(float).round(6), unit="D")
    return res.dt.floor("D")


def fiscal_year(dates: pd.Series, start_month: int = 1) -> pd.Series:
    """Fiscal year named by the calendar year in which it ends (US convention).

    ``start_month=7``: 1 Jul 2021 .. 30 Jun 2022 is FY2022; ``start_month=1``:
    the calendar year.
    """
    year = dates.dt.year
    if start_month == 1:
        return year.astype("Int64")
    return (year + (dates.dt.month >= start_month).astype(int)).astype("Int64")


def _to_bool(values: pd.Series, fname: str, column: str, lines: np.ndarray) -> pd.Series:
    text = values.map(_cell_text).str.strip().str.casefold()
    res = pd.Series(pd.NA, index=values.index, dtype="boolean")
    res[text.isin(_TRUE)] = True
    res[text.isin(_FALSE) & (text != "")] = False
    res[text == ""] = pd.NA
    bad = ~text.isin(_TRUE | _FALSE)
    if bad.any():
        idx = np.flatnonzero(bad.to_numpy())
        raise _cell_error(
            fname,
            column,
            lines[idx],
            values.to_numpy()[idx],
            "is not a yes/no value",
            "Y/N, Yes/No, 1/0 or True/False",
            "Fix the cells or remove the column from the mapping.",
        )
    return res


def _cell_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (pd.Timestamp,)) or hasattr(v, "isoformat"):
        return v.isoformat()[:10] if hasattr(v, "hour") and not v.hour else str(v)
    return str(v)


def _clean_text(s: pd.Series) -> pd.Series:
    """Stripped text as the ``str`` dtype, NaN for blank cells (work on unique values).

    The column is rebuilt only where a value changes, so a clean column costs
    one hash pass.
    """
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    raw = pd.Series(uniq, dtype=object).astype(str)
    u = raw.str.strip()
    blank = (u == "").to_numpy()
    changed = (u != raw).to_numpy() & ~blank
    if s.dtype != "str":
        s = s.astype("str")
    if not blank.any() and not changed.any():
        return s.reset_index(drop=True)
    out = s.reset_index(drop=True).copy()
    if changed.any():
        m = np.isin(codes, np.flatnonzero(changed))
        out[m] = u.to_numpy(dtype=object)[codes[m]]
    if blank.any():
        out[np.isin(codes, np.flatnonzero(blank))] = np.nan
    return out


def _cell_error(
    fname: str,
    column: str,
    lines: np.ndarray,
    values: np.ndarray,
    what: str,
    expected: str,
    fix: str,
    unit: str = "line",
) -> LedgerError:
    first = int(lines[0])
    shown = ", ".join(str(int(x)) for x in lines[:_SHOW])
    msg = (
        f"{fname}, {unit} {first}, column {column!r}: {values[0]!r} {what}. "
        f"Expected {expected}. {fix}"
    )
    if len(lines) > 1:
        more = " ..." if len(lines) > _SHOW else ""
        msg += f" {len(lines)} {unit}s have this problem: {unit}s {shown}{more}."
        examples = "; ".join(
            f"{unit} {int(ln)}: {v!r}"
            for ln, v in zip(lines[1:_SHOW], values[1:_SHOW], strict=False)
        )
        if examples:
            msg += f" Others: {examples}."
    return LedgerError(
        msg,
        file=fname,
        line=first,
        column=column,
        value=values[0],
        expected=expected,
        lines=[int(x) for x in lines[:_SHOW]],
        count=len(lines),
    )


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------


def _read_csv_raw(
    path: Path, mapping: dict[str, Any]
) -> tuple[pd.DataFrame, np.ndarray, dict[str, int], dict[str, Any]]:
    """Raw cells (str) of the mapped columns, physical line numbers, header positions, info."""
    fname = path.name
    raw = path.read_bytes()
    if re.search(rb"\S", raw) is None:
        raise LedgerError(
            f"{fname} is empty: it has no header and no data lines. Export the ledger again.",
            file=fname,
            expected="a header line and data lines",
        )
    if b"\n" not in raw and b"\r" in raw:
        raw = raw.replace(b"\r", b"\n")
    raw, enc = _decode_check(raw, mapping.get("encoding"), fname)
    head_text = raw[:262_144].decode(enc, errors="replace")
    wanted = list(mapping["columns"].values())
    delims = [mapping["delimiter"]] if mapping.get("delimiter") else [",", ";", "\t", "|"]
    found = None
    for d in delims:
        rows = _head_rows(head_text, d)
        hit = _find_header(rows, wanted)
        if hit is not None:
            found = (d, rows, hit)
            break
    if found is None:
        d = mapping.get("delimiter") or _sniff_delimiter(head_text)
        raise _missing_header_error(fname, mapping, _head_rows(head_text, d))
    delim, rows, (hit_index, header_line, header_cells) = found
    pos = _header_positions(fname, header_cells, mapping, header_line)
    # byte offset just after the header's last physical line
    off = 0
    for _ in range(header_line):
        nxt = raw.find(b"\n", off)
        if nxt < 0:
            off = len(raw)
            break
        off = nxt + 1
    body = raw[off:]
    info = {"encoding": enc, "delimiter": delim, "header_line": header_line}
    if re.search(rb"\S", body) is None:
        raise LedgerError(
            f"{fname} has a header (line {header_line}) but no data lines. "
            "Export the ledger again with its payments.",
            file=fname,
            line=header_line,
            expected="data lines below the header",
        )
    ncols = len(header_cells)
    amount_j = pos["amount"]
    py_enc = enc if enc != "utf-8-sig" else "utf-8"
    # Plain amounts (-1234.56) are parsed by the C parser directly; anything else as text.
    sample = [cells[amount_j] for _, cells in rows[hit_index + 1 :] if len(cells) > amount_j]
    plain = (
        mapping.get("decimal") in (None, ".")
        and mapping.get("thousands") in (None, "", ",", " ")
        and bool(sample)
        and all(_PLAIN_NUMBER.match(v) for v in sample)
    )
    frame = None
    if plain:
        try:
            frame = _csv_frame(body, delim, ncols, py_enc, {amount_j: "float64"})
            a = frame[amount_j].to_numpy()
            if not np.isfinite(a).all():
                frame = None
        except (ValueError, TypeError):
            frame = None
    if frame is None:
        try:
            frame = _csv_frame(body, delim, ncols, py_enc, None)
        except pd.errors.ParserError as exc:
            m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if m:
                line = header_line + int(m.group(2))
                raise LedgerError(
                    f"{fname}, line {line}: has {m.group(3)} fields but the header (line "
                    f"{header_line}) has {m.group(1)}. A cell probably contains the delimiter "
                    f"{delim!r} without quotes (e.g. a vendor 'Grainger, W W'). Put quotes "
                    "around that cell or export with another delimiter.",
                    file=fname,
                    line=line,
                    expected=f"{m.group(1)} fields separated by {delim!r}",
                ) from None
            raise LedgerError(
                f"{fname}: the file could not be read as CSV ({exc}).", file=fname
            ) from None
    n_phys = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    if len(frame) == n_phys:
        lines = np.arange(header_line + 1, header_line + 1 + len(frame), dtype=np.int64)
    else:
        # quoted cells with line breaks: count physical lines with the csv module
        text = body.decode(enc if enc != "utf-8-sig" else "utf-8")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        starts, prev = [], 0
        for _ in reader:
            starts.append(prev + 1)
            prev = reader.line_num
        lines = np.asarray(starts[: len(frame)], dtype=np.int64) + header_line
    used = sorted(set(pos.values()))
    frame = frame[used]
    # blank cells -> NaN; text cells stripped (amounts and dates are parsed from the raw text)
    raw_cols = {pos["amount"], pos["date"]}
    # quoted files ("Grainger, W W") defeat the byte scan: check the columns directly
    padded = body.find(b'"') >= 0 or _has_padding(body, delim)
    for j in used:
        v = frame[j]
        if v.dtype.kind == "f":
            continue
        check_pad = padded and j not in raw_cols
        blank, pad = _blank_or_padded(v.to_numpy(dtype=object), padding=check_pad)
        if not pad:
            if blank:
                e = (v == "").to_numpy()
                frame[j] = v.where(~e)
        else:
            frame[j] = _clean_text(v)
    return frame, lines, pos, info


#: Every character ``str.strip()`` removes (``str.isspace``), for :func:`_blank_or_padded`.
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_WHITESPACE_CODES = np.array([ord(c) for c in _WHITESPACE])


def _blank_or_padded(values: np.ndarray, padding: bool = True) -> tuple[bool, bool]:
    """(any cell is "", any cell starts or ends with whitespace), without a pass per cell.

    Padding is looked for next to the separators of the joined cells, with numpy
    over the characters' code points. Non-text cells answer (True, ``padding``),
    which sends the column to the full check.
    """
    if not len(values):
        return False, False
    blank = bool((values == "").any())
    if not padding:
        return blank, False
    try:
        text = "\x00".join(values)
    except TypeError:
        return True, padding
    if not text:
        return blank, False
    if text.isascii():
        cp = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    else:
        try:
            cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        except UnicodeEncodeError:  # lone surrogates: the full check
            return blank, True
    sep = np.flatnonzero(cp == 0)  # a NUL inside a cell can only add a false alarm
    edge = np.concatenate([cp[:1], cp[-1:], cp[sep - 1], cp[np.minimum(sep + 1, len(cp) - 1)]])
    return blank, bool(np.isin(edge, _WHITESPACE_CODES).any())


def _has_padding(body: bytes, delim: str) -> bool:
    """Whether any cell may start or end with blanks (a vectorised scan of the bytes).

    False positives (a quoted "Grainger, W W") only cost the per-column check.
    """
    arr = np.frombuffer(body, dtype=np.uint8)
    if not len(arr):
        return False
    ws = arr == 32
    ws |= arr == 9
    if ws[0] or ws[-1]:
        return True
    edge = arr == ord(delim)
    for c in (10, 13, 34):
        edge |= arr == c
    return bool((ws[:-1] & edge[1:]).any() or (edge[:-1] & ws[1:]).any())


_PLAIN_NUMBER = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)$")


def _csv_frame(
    body: bytes, delim: str, ncols: int, encoding: str, dtypes: dict[int, str] | None
) -> pd.DataFrame:
    dtype: Any = str
    if dtypes:
        dtype = {j: dtypes.get(j, str) for j in range(ncols)}
    return pd.read_csv(
        io.BytesIO(body),
        sep=delim,
        header=None,
        names=list(range(ncols)),
        index_col=False,
        dtype=dtype,
        na_filter=False,
        keep_default_na=False,
        skip_blank_lines=False,
        encoding=encoding,
        engine="c",
        quotechar='"',
    )


def _read_xlsx_raw(
    path: Path, mapping: dict[str, Any]
) -> tuple[pd.DataFrame, np.ndarray, dict[str, int], dict[str, Any]]:
    import openpyxl

    fname = path.name
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise LedgerError(
            f"{fname} could not be opened as an Excel workbook ({exc}). Save it as .xlsx "
            "or export CSV.",
            file=fname,
        ) from None
    try:
        sheet = mapping.get("sheet", 0)
        try:
            ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[str(sheet)]
        except (IndexError, KeyError):
            raise LedgerError(
                f"{fname}: sheet {sheet!r} not found. Sheets: "
                + ", ".join(repr(s) for s in wb.sheetnames),
                file=fname,
                column="sheet",
                value=sheet,
                expected="one of " + ", ".join(wb.sheetnames),
            ) from None
        it = ws.iter_rows(min_row=1, values_only=True)
        all_rows: list[tuple] = []
        for r in it:
            all_rows.append(r)
            if len(all_rows) >= HEADER_SEARCH_LINES:
                break
        head = [(i + 1, ["" if c is None else str(c) for c in r]) for i, r in enumerate(all_rows)]
        if not any(any(c.strip() for c in cells) for _, cells in head):
            raise LedgerError(
                f"{fname} is empty: sheet {ws.title!r} has no header and no data rows.",
                file=fname,
                expected="a header row and data rows",
            )
        hit = _find_header(head, mapping["columns"].values())
        if hit is None:
            raise _missing_header_error(fname, mapping, head, excel=True)
        idx, header_row, header_cells = hit
        pos = _header_positions(fname, header_cells, mapping, header_row, excel=True)
        data = all_rows[idx + 1 :]
        data.extend(it)
    finally:
        wb.close()
    if not data or all(all(c is None or str(c).strip() == "" for c in r) for r in data):
        raise LedgerError(
            f"{fname} has a header (row {header_row}) but no data rows. "
            "Export the ledger again with its payments.",
            file=fname,
            line=header_row,
            expected="data rows below the header",
        )
    used = sorted(set(pos.values()))
    cols = {j: [r[j] if j < len(r) else None for r in data] for j in used}
    frame = pd.DataFrame({j: pd.Series(v, dtype=object) for j, v in cols.items()})
    lines = np.arange(header_row + 1, header_row + 1 + len(frame), dtype=np.int64)
    info = {"encoding": None, "delimiter": None, "header_line": header_row, "sheet": ws.title}
    return frame, lines, pos, info


def read_ledger(
    path: str | Path,
    mapping: str | Path | Mapping[str, Any] | None = None,
    *,
    fiscal_year_start_month: int | None = None,
) -> pd.DataFrame:
    """Read one accounts-payable export into the canonical ledger table.

    Parameters
    ----------
    path : str or Path
        A CSV (any delimiter) or XLSX file.
    mapping : dict, str or Path, optional
        Column mapping (see ``docs/CONTRACTS.md``) or the path of its YAML
        file. ``None`` uses :func:`suggest_mapping` (fine for a first look,
        not for an inventory).
    fiscal_year_start_month : int, optional
        First month of the fiscal year (7 for July..June). Wins over the
        mapping's ``fiscal_year_start_month``; the default is 1 (calendar
        year). A mapped ``fiscal_year`` column wins over both.

    Returns
    -------
    DataFrame
        The columns in :data:`CANONICAL_COLUMNS`. ``source_line`` is the
        physical 1-based line (Excel row for XLSX). Lines with no value in any
        mapped column are skipped and listed in ``attrs["skipped_lines"]``;
        ``attrs`` also records the encoding, delimiter, header line and
        number/date formats used.

    Raises
    ------
    LedgerError
        For anything in the file that must be fixed, with the file, line and
        column named.
    """
    path = Path(path)
    fname = path.name
    if not path.is_file():
        raise LedgerError(f"Ledger file {str(path)!r} does not exist.", file=fname)
    mapping = load_mapping(mapping if mapping is not None else suggest_mapping(path))
    excel = _is_excel(path)
    unit = "row" if excel else "line"
    if excel:
        frame, lines, pos, info = _read_xlsx_raw(path, mapping)
    else:
        frame, lines, pos, info = _read_csv_raw(path, mapping)
    header_of = mapping["columns"]

    def col(key: str) -> pd.Series:
        return frame[pos[key]]

    # entirely empty lines (in the mapped columns): skip, but report
    amount_is_float = frame[pos["amount"]].dtype.kind == "f"
    cand = np.arange(len(frame)) if not amount_is_float else np.arange(0)
    order = [pos["amount"]] + [j for j in frame.columns if j != pos["amount"]]
    for j in order:
        v = frame[j].iloc[cand]
        isna = v.isna().to_numpy().copy()
        if not isna.all() and excel:
            txt = v[~isna].map(_cell_text).astype(str).str.strip()
            isna[~isna] = (txt == "").to_numpy()
        cand = cand[isna]
        if not len(cand):
            break
    empty = np.zeros(len(frame), dtype=bool)
    empty[cand] = True
    skipped = lines[empty].tolist()
    if empty.any():
        frame = frame.loc[~empty].reset_index(drop=True)
        lines = lines[~empty]
        if not len(frame):
            raise LedgerError(
                f"{fname} has a header ({unit} {info['header_line']}) but no data {unit}s "
                f"(only {len(skipped)} empty {unit}s).",
                file=fname,
                line=info["header_line"],
                expected="data lines below the header",
            )
        if len(skipped) <= _SHOW:
            where = ", ".join(map(str, skipped))
        else:
            where = ", ".join(map(str, skipped[:_SHOW])) + " ..."
        warnings.warn(
            f"{fname}: skipped {len(skipped)} empty {unit}(s): {where}.",
            LedgerWarning,
            stacklevel=2,
        )

    n = len(frame)
    out: dict[str, Any] = {
        "source_file": pd.Series(fname, index=range(n), dtype="str"),
        "source_line": pd.Series(lines, dtype="int64"),
    }

    # ---- amount
    amount_raw = col("amount")
    if excel:
        is_num = amount_raw.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
        amounts = np.full(n, np.nan)
        amounts[is_num.to_numpy()] = amount_raw[is_num].astype(float).to_numpy()
        text = amount_raw[~is_num].map(_cell_text)
        a2, bad2, dec = parse_amounts(text.astype(str), mapping["decimal"], mapping["thousands"])
        amounts[~is_num.to_numpy()] = a2
        bad = np.zeros(n, dtype=bool)
        bad[~is_num.to_numpy()] = bad2
        blank = np.isnan(amounts) & ~bad
        amount_text = amount_raw.map(_cell_text).to_numpy(dtype=object)
    elif amount_is_float:
        amounts = amount_raw.to_numpy(dtype=float)
        bad = np.zeros(n, dtype=bool)
        blank = bad
        dec = "."
        amount_text = amount_raw.to_numpy(dtype=object)
    else:
        amounts, bad, dec = parse_amounts(amount_raw, mapping["decimal"], mapping["thousands"])
        blank = np.isnan(amounts) & ~bad
        amount_text = amount_raw.to_numpy(dtype=object)
    h = header_of["amount"]
    examples = "1 234,56, (123,45) or -123,45" if dec == "," else "1,234.56, (123.45) or -123.45"
    if bad.any():
        idx = np.flatnonzero(bad)
        raise _cell_error(
            fname,
            h,
            lines[idx],
            amount_text[idx],
            "is not an amount",
            f"a number such as {examples}",
            "Fix the cell or map another column.",
            unit,
        )
    if blank.any():
        idx = np.flatnonzero(blank)
        raise _cell_error(
            fname,
            h,
            lines[idx],
            np.array([_cell_text(v) for v in amount_text[idx[:_SHOW]]], dtype=object),
            "is blank (an amount is required; it is not taken as 0)",
            f"a number such as {examples}",
            "Fill in the amount (0 if it really is zero) or delete the line.",
            unit,
        )
    absurd = ~(np.abs(amounts) <= MAX_ABS_AMOUNT)
    if absurd.any():
        idx = np.flatnonzero(absurd)
        raise _cell_error(
            fname,
            h,
            lines[idx],
            amount_text[idx],
            f"is not a plausible amount (more than {MAX_ABS_AMOUNT:,.0f} in absolute value)",
            "an amount in the ledger currency, with the decimal separator in the right place",
            "Fix the cell (a unit or separator mistake?) or map another column.",
            unit,
        )
    out["amount"] = pd.Series(np.round(amounts, 2), dtype="float64")

    # ---- date
    currency_hint = (mapping.get("currency") or "USD").upper()
    day_first = currency_hint not in ("USD",) or dec == ","
    date_raw = col("date")
    dates, dbad, dfmt = parse_dates(date_raw, mapping["date_format"], day_first=day_first)
    dtext = date_raw.map(_cell_text).to_numpy(dtype=object) if excel else date_raw.to_numpy(object)
    hd = header_of["date"]
    if dbad.any():
        idx = np.flatnonzero(dbad)
        raw_vals = dtext[idx]
        looks_year = pd.to_datetime(
            pd.Series(raw_vals, dtype=object), errors="coerce", format="mixed"
        )
        out_of_range = looks_year.notna().any()
        what = (
            f"is not a date in {YEAR_RANGE[0]}..{YEAR_RANGE[1]}"
            if out_of_range
            else "is not a date"
        )
        fmt_hint = (
            f" (the mapping says date_format {mapping['date_format']!r})"
            if mapping["date_format"]
            else ""
        )
        raise _cell_error(
            fname,
            hd,
            lines[idx],
            raw_vals,
            what + fmt_hint,
            "a date such as 2021-07-01, 07/01/2021, 1-Jul-21 or 01.07.2021",
            "Fix the cell, set date_format in the mapping, or map another column.",
            unit,
        )
    dblank = dates.isna().to_numpy()
    if dblank.any():
        idx = np.flatnonzero(dblank)
        raise _cell_error(
            fname,
            hd,
            lines[idx],
            np.array([_cell_text(v) for v in dtext[idx[:_SHOW]]], dtype=object),
            "is blank (every line needs a date)",
            "a date such as 2021-07-01",
            "Fill in the date or delete the line.",
            unit,
        )
    out["date"] = dates.reset_index(drop=True).astype("datetime64[ns]")

    # ---- fiscal year
    fsm = fiscal_year_start_month or mapping.get("fiscal_year_start_month") or 1
    if not 1 <= int(fsm) <= 12:
        raise LedgerError(
            f"fiscal_year_start_month must be 1..12, not {fsm!r}.",
            value=fsm,
            expected="1..12",
        )
    fy = fiscal_year(out["date"], int(fsm))
    if "fiscal_year" in pos:
        fy_raw = col("fiscal_year").map(_cell_text).str.strip()
        fy_txt = fy_raw.str.replace(r"(?i)^(?:fy|år)\s*", "", regex=True)
        fy_num = pd.to_numeric(fy_txt, errors="coerce")
        badfy = (fy_raw != "") & (
            fy_num.isna() | (fy_num < YEAR_RANGE[0]) | (fy_num > YEAR_RANGE[1])
        )
        if badfy.any():
            idx = np.flatnonzero(badfy.to_numpy())
            raise _cell_error(
                fname,
                header_of["fiscal_year"],
                lines[idx],
                fy_raw.to_numpy(object)[idx],
                "is not a fiscal year",
                "a year such as 2022 or FY2022",
                "Fix the cell or remove fiscal_year from the mapping.",
                unit,
            )
        fy = fy_num.astype("Int64").reset_index(drop=True).fillna(fy)
    out["fiscal_year"] = fy.astype("int64")

    # ---- text columns
    na_str = pd.Series(np.nan, index=range(n), dtype="str")
    for key in _TEXT_COLUMNS:
        if key in pos:
            s = col(key)
            if excel:
                s = s.map(_cell_text)
            if excel:
                s = _clean_text(s)
            else:
                s = s.reset_index(drop=True)
            if key == "mcc":
                s = s.str.replace(r"\.0$", "", regex=True).str.zfill(4)
            out[key] = s
        else:
            out[key] = na_str
    if "currency" not in pos:
        out["currency"] = pd.Series(currency_hint, index=range(n), dtype="str")
    else:
        out["currency"] = out["currency"].str.upper().fillna(currency_hint)
    for key in _BOOL_COLUMNS:
        if key in pos:
            out[key] = _to_bool(col(key), fname, header_of[key], lines).reset_index(drop=True)
        else:
            out[key] = pd.Series(pd.NA, index=range(n), dtype="boolean")
    df = pd.DataFrame({c: out[c] for c in CANONICAL_COLUMNS}, copy=False)
    df.attrs.update(
        {
            "source_file": fname,
            "layout": mapping.get("layout"),
            "encoding": info.get("encoding"),
            "delimiter": info.get("delimiter"),
            "header_line": info["header_line"],
            "decimal": dec,
            "date_format": dfmt,
            "fiscal_year_start_month": int(fsm),
            "skipped_lines": skipped,
        }
    )
    return df


def read_ledgers(
    paths: Iterable[str | Path],
    mapping: str | Path | Mapping[str, Any] | None = None,
    *,
    fiscal_year_start_month: int | None = None,
) -> pd.DataFrame:
    """Read several exports with one mapping and stack them (``source_file`` tells them apart)."""
    frames = [
        read_ledger(p, mapping, fiscal_year_start_month=fiscal_year_start_month) for p in paths
    ]
    if not frames:
        raise LedgerError("No ledger files given.")
    df = pd.concat(frames, ignore_index=True)
    df.attrs = {"skipped_lines": {f.attrs["source_file"]: f.attrs["skipped_lines"] for f in frames}}
    return df


# ---------------------------------------------------------------------------
# suggesting a mapping
# ---------------------------------------------------------------------------


def suggest_mapping(path: str | Path) -> dict[str, Any]:
    """Propose a column mapping for a ledger file from its header names.

    Looks for the header row (the first row with at least two recognised
    names), matches each header against common names in English and
    Norwegian (see :data:`HEADER_SYNONYMS`), and detects the delimiter,
    encoding and number format. Save the result as YAML (``yaml.safe_dump``)
    after checking it.

    Raises
    ------
    LedgerError
        When no date, vendor or amount column can be recognised.
    """
    path = Path(path)
    fname = path.name
    if not path.is_file():
        raise LedgerError(f"Ledger file {str(path)!r} does not exist.", file=fname)
    hints: dict[str, Any] = {}
    if _is_excel(path):
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            rows = [
                (i + 1, ["" if c is None else str(c) for c in r])
                for i, r in enumerate(
                    ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_LINES, values_only=True)
                )
            ]
        finally:
            wb.close()
        hints["sheet"] = 0
        sample_amounts: list[str] = []
    else:
        raw = path.read_bytes()
        if not raw.strip():
            raise LedgerError(f"{fname} is empty.", file=fname)
        raw, enc = _decode_check(raw, None, fname)
        text = raw[:262_144].decode(enc, errors="replace")
        delim = _sniff_delimiter(text)
        rows = _head_rows(text, delim)
        hints["delimiter"] = delim
        hints["encoding"] = enc.replace("utf-8-sig", "utf-8")
    synonyms = {k: [_loose_header(s) for s in v] for k, v in HEADER_SYNONYMS.items()}
    best_row, best_cols, best_n = None, {}, 0
    for i, (_, cells) in enumerate(rows):
        loose = [_loose_header(c) for c in cells]
        cols: dict[str, str] = {}
        taken: set[int] = set()
        # rank: exact synonym position (earlier synonyms are stronger)
        for key, syn in synonyms.items():
            best = None
            for rank, s in enumerate(syn):
                for j, c in enumerate(loose):
                    if j not in taken and c and c == s and (best is None or rank < best[0]):
                        best = (rank, j)
            if best is not None:
                cols[key] = cells[best[1]].strip()
                taken.add(best[1])
        if len(cols) > best_n:
            best_row, best_cols, best_n = i, cols, len(cols)
        if best_n >= 3 and all(k in best_cols for k in REQUIRED_COLUMNS):
            break
    if best_row is None or not all(k in best_cols for k in REQUIRED_COLUMNS):
        have = rows[best_row][1] if best_row is not None else []
        missing = [k for k in REQUIRED_COLUMNS if k not in best_cols]
        raise LedgerError(
            f"{fname}: could not recognise the column(s) for {', '.join(missing)}. Headers seen: "
            + ", ".join(repr(h) for h in have if str(h).strip())
            + ". Write the mapping by hand (see docs/CONTRACTS.md).",
            file=fname,
            column=missing[0],
        )
    if not _is_excel(path):
        amount_col = best_cols["amount"]
        header_cells = rows[best_row][1]
        j = [c.strip() for c in header_cells].index(amount_col)
        sample_amounts = [r[1][j] for r in rows[best_row + 1 :] if len(r[1]) > j]
        if sample_amounts:
            hints["decimal"] = _detect_decimal(pd.Series(sample_amounts, dtype=str))
    mapping: dict[str, Any] = {"layout": f"suggested from {fname}", "columns": best_cols}
    mapping.update(hints)
    return mapping
