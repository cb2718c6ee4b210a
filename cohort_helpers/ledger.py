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
import functools
import io
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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
    "mapping_sources",
    "period_year",
    "READ_NOTES",
    "JOIN_SEPARATOR",
    "suggest_mapping",
    "suggest",
    "Suggestion",
    "SUGGEST_SYNONYMS",
    "SUGGEST_ROLES",
    "read_ledger",
    "read_ledgers",
    "parse_amounts",
    "contradicting_currency",
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
    "account_name",
    "pcard",
    "read_note",
]
#: Canonical names a payment ledger's mapping must give (``date`` and ``vendor``
#: are optional when the mapping gives ``period`` or maps ``fiscal_year``).
REQUIRED_COLUMNS = ("date", "vendor", "amount")
#: Canonical names a mapping may give (``fiscal_year`` wins over the date's fiscal year).
OPTIONAL_COLUMNS = (
    "department",
    "account",
    "account_name",
    "description",
    "currency",
    "invoice",
    "fund",
    "function",
    "mcc",
    "capital_flag",
    "pcard",
    "joint_agreement",
    "payment_id",
    "status_text",
    "fiscal_year",
)
#: ``read_note`` values: why a row that stays in the frame is not an ordinary payment.
READ_NOTES = ("summary_row", "mapping_filter")
_MAPPABLE = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
_TEXT_COLUMNS = (
    "vendor",
    "department",
    "account",
    "account_name",
    "description",
    "currency",
    "invoice",
    "fund",
    "function",
    "mcc",
    "payment_id",
    "status_text",
)
#: Roles that take one column only (the others may join several with " | ").
_SINGLE_COLUMN = ("date", "amount", "fiscal_year", "capital_flag", "pcard", "joint_agreement")
#: Separator of joined text columns.
JOIN_SEPARATOR = " | "
_BOOL_COLUMNS = ("capital_flag", "joint_agreement", "pcard")
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
    "header",
    "names",
    "derive",
    "keep",
    "drop",
    "ragged",
    "period",
    "summary_rows",
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
_TRUE = {"1", "y", "yes", "true", "t", "x", "ja", "j", "capital", "cap", "c", "sann"}
_FALSE = {"0", "n", "no", "false", "f", "nei", "", "operating", "usann", "revenue", "rev", "r"}


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

    The format is described in ``docs/MAPPING.md``: ``columns`` (canonical
    role -> the file's header, or a list of headers joined with " | "),
    ``keep``/``drop`` row filters, ``derive``\\d columns, ``header: none`` with
    ``names``, ``ragged`` rows, ``period``, ``summary_rows`` and the reading
    hints. Loading an already loaded mapping gives the same mapping.

    Parameters
    ----------
    mapping : str, Path or mapping
        The path of a YAML file, or the same content as a dict (e.g. a
        :func:`suggest_mapping` result or an already loaded mapping).

    Returns
    -------
    dict
        Every key present (``None`` = detect automatically / not used).

    Raises
    ------
    LedgerError
        For an unreadable file, unknown canonical names, missing required
        columns or invalid settings, with what to write instead.

    Examples
    --------
    >>> m = load_mapping({"columns": {"date": "Paid", "vendor": "Payee", "amount": "Sum",
    ...                   "description": ["Purpose", "Memo"]}, "keep": {"Type": "AP"}})
    >>> m["columns"]["description"], m["keep"]
    (['Purpose', 'Memo'], {'Type': ['AP']})
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
    sname = source.name if source is not None else None
    if not isinstance(raw, Mapping):
        raise LedgerError(
            f"{where} must be a set of 'key: value' lines with a 'columns:' section.",
            file=sname,
        )
    raw = dict(raw)

    def bad(key: str, expected: str, value: Any = None) -> LedgerError:
        value = raw.get(key) if value is None else value
        return LedgerError(
            f"{where}: {key}: {value!r} is not valid. Expected {expected}. "
            "See docs/MAPPING.md for an example of every setting.",
            file=sname,
            column=key,
            value=value,
            expected=expected,
        )

    columns = raw.get("columns")
    if not isinstance(columns, Mapping) or not columns:
        raise LedgerError(
            f"{where} has no 'columns:' section. Example:\ncolumns:\n  date: \"Invoice Date\"\n"
            '  vendor: "Vendor Name"\n  amount: "Amount"',
            file=sname,
            column="columns",
        )
    from rapidfuzz import process

    cols: dict[str, str | list[str]] = {}
    for key, header in columns.items():
        key = str(key).strip()
        if key not in _MAPPABLE:
            best = process.extractOne(key, _MAPPABLE)
            hint = f" Did you mean {best[0]!r}?" if best and best[1] >= 60 else ""
            raise LedgerError(
                f"{where}: {key!r} is not a canonical column name.{hint} Allowed: "
                + ", ".join(_MAPPABLE)
                + ".",
                file=sname,
                column=key,
                value=key,
                expected="one of " + ", ".join(_MAPPABLE),
            )
        if isinstance(header, (list, tuple)):
            heads = [str(h) for h in header if h is not None and str(h).strip() != ""]
            if len(heads) > 1 and key in _SINGLE_COLUMN:
                raise bad(
                    "columns", f"one header for {key} (several are joined only for text)", header
                )
            if not heads:
                continue
            cols[key] = heads[0] if len(heads) == 1 else heads
            continue
        if header is None or str(header).strip() == "":
            continue  # an empty entry means "not in this ledger"
        cols[key] = str(header)

    # ---- period (files without dates: accounts, budgets, vendor totals)
    period = raw.get("period")
    if period is not None and str(period).strip() != "":
        if period_year(period) is None:
            raise bad("period", "a year such as 2011, FY2026 or a span such as FY2022-FY2025")
        period = str(period).strip()
    else:
        period = None
    dated = period is not None or "fiscal_year" in cols
    required = ("amount",) if dated else REQUIRED_COLUMNS
    missing = [c for c in required if c not in cols]
    if missing:
        raise LedgerError(
            f"{where} does not say which column holds {', '.join(missing)}. "
            f"Add under 'columns:' e.g. {missing[0]}: \"<the header in your file>\". "
            "Required: date, vendor, amount (date and vendor may be left out when the file "
            "has no dates and the mapping gives 'period: 2011' or maps fiscal_year).",
            file=sname,
            column=missing[0],
            expected="a mapping for " + ", ".join(required),
        )
    unknown = sorted(set(raw) - _HINT_KEYS)
    if unknown:
        warnings.warn(
            f"{where}: unknown setting(s) {', '.join(map(repr, unknown))} ignored. "
            f"Known settings: {', '.join(sorted(_HINT_KEYS))}.",
            LedgerWarning,
            stacklevel=2,
        )

    # ---- header: none + names
    header = raw.get("header")
    no_header = header is False or (
        isinstance(header, str) and header.strip().lower() in ("none", "no", "false")
    )
    if (
        header not in (None, True, False)
        and not no_header
        and str(header).lower() not in ("yes", "true", "auto")
    ):
        raise bad("header", "'none' (the file has no header row) or leave it out")
    names = raw.get("names")
    if names is not None:
        if (
            not isinstance(names, (list, tuple))
            or not names
            or any(n is None or str(n).strip() == "" for n in names)
        ):
            raise bad(
                "names", "a list of column names, one per field: names: [vendor, date, amount]"
            )
        names = [str(n).strip() for n in names]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise bad(
                "names", "names that differ from each other (repeated: " + ", ".join(dup) + ")"
            )
    if no_header and names is None:
        raise LedgerError(
            f"{where}: 'header: none' needs 'names:', one name per field in file order, "
            "e.g. names: [vendor, date, amount, department].",
            file=sname,
            column="names",
            expected="names: [...]",
        )
    if names is not None and not no_header:
        raise bad("names", "names only together with 'header: none'")

    # ---- derive
    derive_raw = raw.get("derive") or {}
    if not isinstance(derive_raw, Mapping):
        raise bad("derive", "name: {from: column, slice: [start, stop] | regex: '...', pad: N}")
    derive: dict[str, dict[str, Any]] = {}
    for name, spec in derive_raw.items():
        name = str(name).strip()
        if not isinstance(spec, Mapping) or not spec.get("from"):
            raise bad("derive", f"{name}: {{from: column, slice: [start, stop]}}", spec)
        extra = sorted(set(spec) - {"from", "slice", "regex", "pad"})
        if extra:
            raise bad(
                "derive", f"{name}: only from, slice, regex and pad (not {', '.join(extra)})", spec
            )
        sl = spec.get("slice")
        if sl is not None:
            ok = (
                isinstance(sl, (list, tuple))
                and len(sl) == 2
                and all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in sl)
            )
            if not ok:
                raise bad(
                    "derive",
                    f"{name}: slice: [start, stop] (0-based, stop excluded), "
                    "e.g. [1, 4] for characters 2-4",
                    spec,
                )
            sl = [sl[0], sl[1]]
        rx = spec.get("regex")
        if rx is not None:
            try:
                re.compile(str(rx))
            except re.error as exc:
                raise bad("derive", f"{name}: a valid regular expression ({exc})", spec) from None
            rx = str(rx)
        if sl is not None and rx is not None:
            raise bad("derive", f"{name}: either slice or regex, not both", spec)
        pad = spec.get("pad")
        if pad is not None:
            if isinstance(pad, bool) or not isinstance(pad, int) or not 1 <= pad <= 40:
                raise bad("derive", f"{name}: pad: N (zero-pad to N characters)", spec)
        derive[name] = {"from": str(spec["from"]), "slice": sl, "regex": rx, "pad": pad}

    # ---- keep / drop / summary_rows / ragged
    def filters(key: str) -> dict[str, list[str]]:
        f = raw.get(key) or {}
        if not isinstance(f, Mapping):
            raise bad(key, "column: [values], e.g. " + key + ": {Source: [AP]}")
        outf = {}
        for c, vals in f.items():
            vals = vals if isinstance(vals, (list, tuple)) else [vals]
            outf[str(c)] = [_cell_text(v).strip() for v in vals]
        return outf

    keep, drop = filters("keep"), filters("drop")
    summary = raw.get("summary_rows")
    if summary is not None:
        blank = summary.get("blank") if isinstance(summary, Mapping) else None
        if blank is None:
            raise bad(
                "summary_rows", "{blank: column}: rows where that column is empty are summary rows"
            )
        blank = [str(b) for b in (blank if isinstance(blank, (list, tuple)) else [blank])]
        summary = {"blank": blank}
    ragged = raw.get("ragged")
    if ragged is not None:
        join = ragged.get("join") if isinstance(ragged, Mapping) else ragged
        if not join or not isinstance(join, str):
            raise bad("ragged", "{join: column}: extra fields of a row go into that column")
        ragged = {"join": join}

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
        "header": "none" if no_header else None,
        "names": names,
        "derive": derive,
        "keep": keep,
        "drop": drop,
        "ragged": ragged,
        "period": period,
        "summary_rows": summary,
    }
    clash = sorted(set(derive) & set(names or []))
    if clash:
        raise bad("derive", "names that are not also in names: (" + ", ".join(clash) + ")")

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


_PERIOD_RE = re.compile(
    r"(?i)^\s*(?:fy\s*)?(\d{4})(?:\s*(?:-|/|–|to)\s*(?:fy\s*)?(\d{4}|\d{2}))?\s*$"
)


def period_year(period: Any) -> int | None:
    """The fiscal year a mapping's ``period`` stands for (the last year of a span).

    Parameters
    ----------
    period : int or str
        A mapping's ``period``: a year (``2011``), ``"FY2026"``, a span
        (``"FY2022-FY2025"``, ``"2021-22"``) or a name holding one
        (``"rekneskap_2011"``).

    Returns
    -------
    int or None
        The (last) year; None when ``period`` names no plausible year.

    Examples
    --------
    >>> period_year(2011), period_year("FY2026"), period_year("FY2022-FY2025"), period_year("x")
    (2011, 2026, 2025, None)
    """
    m = _PERIOD_RE.match(_cell_text(period))
    if not m:
        return None
    first = int(m.group(1))
    last = m.group(2)
    year = (
        first if last is None else int(last) if len(last) == 4 else first // 100 * 100 + int(last)
    )
    if not (YEAR_RANGE[0] <= first <= year <= YEAR_RANGE[1]):
        return None
    return year


def mapping_sources(mapping: Mapping[str, Any]) -> list[str]:
    """The file's columns a loaded mapping reads (derived names resolved to their source).

    Parameters
    ----------
    mapping : mapping
        A mapping loaded by :func:`load_mapping`.

    Returns
    -------
    list of str
        The file's headers, each once, in the order the mapping first uses them:
        ``columns``, then the ``keep``/``drop`` filters, ``summary_rows`` blanks
        and the ``ragged`` join column.

    Examples
    --------
    >>> m = load_mapping({"columns": {"amount": "Sum", "account": "art"}, "period": 2011,
    ...                   "derive": {"art": {"from": "konto", "slice": [1, 4]}}})
    >>> mapping_sources(m)
    ['Sum', 'konto']
    """
    derive = mapping.get("derive") or {}
    out: list[str] = []

    def add(name: str) -> None:
        name = derive[name]["from"] if name in derive else name
        if name not in out:
            out.append(name)

    for h in mapping["columns"].values():
        for x in h if isinstance(h, list) else [h]:
            add(x)
    for key in ("keep", "drop"):
        for c in mapping.get(key) or {}:
            add(c)
    for c in (mapping.get("summary_rows") or {}).get("blank", []):
        add(c)
    if mapping.get("ragged"):
        add(mapping["ragged"]["join"])
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
    return path.suffix.lower() in (".xlsx", ".xlsm", ".xls")


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

    wanted = mapping_sources(mapping)
    guess = _best_header_guess(rows, wanted)
    unit = "row" if excel else "line"
    if guess is None:
        return LedgerError(
            f"{fname}: no header row found (the first {HEADER_SEARCH_LINES} lines are empty).",
            file=fname,
        )
    line, cells = guess
    have = [str(c).replace("\ufeff", "") for c in cells if c is not None and str(c).strip()]
    have_n = {_norm_header(c) for c in have}
    roles = _roles_of(mapping)
    missing = [h for h in wanted if _norm_header(h) not in have_n]
    parts = []
    for header in missing:
        sugg = process.extract(header, have, limit=2, score_cutoff=50, processor=_norm_header)
        tip = (" Closest: " + " or ".join(repr(s[0]) for s in sugg) + ".") if sugg else ""
        parts.append(
            f"column {header!r} (for {roles.get(header, 'the mapping')}) is not in the file.{tip}"
        )
    header = missing[0] if missing else None
    return LedgerError(
        f"{fname}: "
        + " ".join(parts)
        + f" The header ({unit} {line}) has: "
        + ", ".join(repr(h) for h in have)
        + ". Fix the mapping to use these names (or 'header: none' with 'names:' for a file "
        "without a header row).",
        file=fname,
        line=line,
        column=header,
        value=header,
        expected="one of " + ", ".join(repr(h) for h in have),
    )


def _roles_of(mapping: Mapping[str, Any]) -> dict[str, str]:
    """File column -> what the mapping uses it for (for messages)."""
    derive = mapping.get("derive") or {}
    out: dict[str, str] = {}
    for key, h in mapping["columns"].items():
        for x in h if isinstance(h, list) else [h]:
            src = derive[x]["from"] if x in derive else x
            out.setdefault(src, key)
    for key in ("keep", "drop"):
        for c in mapping.get(key) or {}:
            out.setdefault(derive[c]["from"] if c in derive else c, f"the {key} filter")
    for c in (mapping.get("summary_rows") or {}).get("blank", []):
        out.setdefault(c, "summary_rows")
    if mapping.get("ragged"):
        out.setdefault(mapping["ragged"]["join"], "ragged")
    return out


def _header_positions(
    fname: str, cells: list[Any], wanted: list[str], line: int, excel: bool = False
) -> dict[str, int]:
    """File header -> column index in the header row; errors on duplicates."""
    normed = [_norm_header(c) for c in cells]
    raw = ["" if c is None else str(c).replace("\ufeff", "").strip() for c in cells]
    unit = "row" if excel else "line"
    pos: dict[str, int] = {}
    for header in wanted:
        exact = [i for i, c in enumerate(raw) if c == header.strip()]
        hits = exact or [i for i, c in enumerate(normed) if c == _norm_header(header)]
        if len(hits) > 1:
            letters = ", ".join(_col_label(i, excel) for i in hits)
            raise LedgerError(
                f"{fname}, {unit} {line}: the header {header!r} appears "
                f"{len(hits)} times (columns {letters}). Rename one of them in the file, "
                "or map another column.",
                file=fname,
                line=line,
                column=header,
                value=header,
                expected="unique column names",
            )
        pos[header] = hits[0]
    return pos


def _check_names(fname: str, mapping: Mapping[str, Any]) -> None:
    """With ``header: none``, every column the mapping reads must be one of ``names``."""
    names = mapping["names"]
    from rapidfuzz import process

    roles = _roles_of(mapping)
    for h in mapping_sources(mapping):
        if h not in names:
            best = process.extractOne(h, names)
            tip = f" Closest: {best[0]!r}." if best and best[1] >= 50 else ""
            raise LedgerError(
                f"{fname}: column {h!r} (for {roles.get(h, 'the mapping')}) is not one of the "
                f"mapping's names: {', '.join(map(repr, names))}.{tip}",
                file=fname,
                column=h,
                value=h,
                expected="one of " + ", ".join(names),
            )


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


#: Currency marks written inside amount cells, and the currencies each can mean.
CURRENCY_MARKS = {
    "$": {"USD"},
    "usd": {"USD"},
    "£": {"GBP"},
    "gbp": {"GBP"},
    "€": {"EUR"},
    "eur": {"EUR"},
    "kr": {"NOK", "SEK", "DKK"},
    "nok": {"NOK"},
    "sek": {"SEK"},
    "dkk": {"DKK"},
}
_MARK_RE = r"(?i)(\$|£|€|\busd\b|\bgbp\b|\beur\b|\bnok\b|\bsek\b|\bdkk\b|\bkr\b\.?)"
#: Cells of digits, separators, signs and blanks only: no currency mark possible.
_NO_MARK_RE = r"[0-9.,()+\- ']*"


def contradicting_currency(values: pd.Series, currency: str) -> np.ndarray:
    """Which amount cells carry a currency mark that cannot be ``currency``.

    ``"1 234,56 kr"`` in a file whose mapping says USD is a NOK (or SEK/DKK)
    amount read as dollars: a wrong number that looks right.

    Parameters
    ----------
    values : Series of str
        The amount cells as text.
    currency : str
        The currency the mapping (or ``--country``) gives, e.g. ``"USD"``.

    Returns
    -------
    ndarray of bool
        True where a mark contradicts ``currency``.

    Examples
    --------
    >>> contradicting_currency(pd.Series(["1 234,56 kr", "$5.00", "7.00"]), "USD").tolist()
    [True, False, False]
    """
    codes, uniq = pd.factorize(values.astype(str))
    if not len(uniq):
        return np.zeros(len(values), dtype=bool)
    # only a cell with a symbol or a letter can carry a mark: the regex runs on those
    u = pd.Series(uniq, dtype="str")
    maybe = ~u.str.fullmatch(_NO_MARK_RE).fillna(False).to_numpy(dtype=bool)
    bad_u = np.zeros(len(uniq), dtype=bool)
    if maybe.any():
        marks = pd.Series(uniq[maybe], dtype=object).str.extract(_MARK_RE, expand=False)
        marks = marks.str.lower().str.rstrip(".")
        cur = str(currency).upper()
        bad_u[maybe] = marks.map(
            lambda m: isinstance(m, str) and cur not in CURRENCY_MARKS.get(m, {cur})
        ).to_numpy(dtype=bool)
    return bad_u[codes]


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

    Examples
    --------
    >>> amounts, bad, dec = parse_amounts(pd.Series(["1,234.56", "(12.50)", "99.00-", "", "n/a"]))
    >>> amounts.tolist(), bad.tolist(), dec
    ([1234.56, -12.5, -99.0, nan, nan], [False, False, False, False, True], '.')
    >>> parse_amounts(pd.Series(["1 234,56", "-7,5"]))[0].tolist()
    [1234.56, -7.5]
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
    "%b %Y",  # a month without a day ("Sep 2014"): the first of the month
    "%B %Y",
    "%b-%y",
    "%b-%Y",
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
    day_first : bool
        Prefer day-first formats (UK, Norway) when a value reads both ways.

    Returns
    -------
    (dates, bad, format_used)
        ``datetime64[ns]`` series (NaT where blank or unreadable), a boolean
        array of non-blank cells that are not dates, and the main format used.

    Examples
    --------
    >>> dates, bad, fmt = parse_dates(pd.Series(["24/06/2020", "03/04/2021", "", "soon"]),
    ...                               day_first=True)
    >>> dates.dt.strftime("%Y-%m-%d").tolist(), bad.tolist(), fmt
    (['2020-06-24', '2021-04-03', nan, nan], [False, False, False, True], '%d/%m/%Y')
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
                # "%Y%m%d" reads 95540503 as the year 9554: beyond datetime64[ns]
                got = got.where(got.dt.year.between(1678, 2261)).astype("datetime64[ns]")
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

    Parameters
    ----------
    dates : Series of datetime64
        Payment dates (NaT allowed).
    start_month : int
        First month of the fiscal year (1..12).

    Returns
    -------
    Series
        Nullable ``Int64`` fiscal year per date (``<NA>`` for NaT), same index.

    Examples
    --------
    >>> d = pd.Series(pd.to_datetime(["2021-06-30", "2021-07-01", None]))
    >>> fiscal_year(d, 7).tolist(), fiscal_year(d).tolist()
    ([2021, 2022, <NA>], [2021, 2021, <NA>])
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


def _normalise_line_ends(raw: bytes) -> bytes:
    """LF line ends for a file with bare CRs (old exports), alone or mixed with LF/CRLF.

    Files without a bare CR are returned as they are (CRLF is read as it is).

    Examples
    --------
    >>> _normalise_line_ends(b"a,b\\r1,2\\r3,4\\r\\n")
    b'a,b\\n1,2\\n3,4\\n'
    """
    if b"\r" not in raw or re.search(rb"\r(?!\n)", raw) is None:
        return raw
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _join_ragged(
    body: bytes, encoding: str, delim: str, ncols: int, join: int
) -> tuple[bytes, int]:
    """Quote the extra fields of over-long lines into column ``join`` (0-based).

    A line with more fields than the header (an unquoted "BROWN, MARY" vendor)
    keeps its first ``join`` fields and its last ``ncols - 1 - join`` fields;
    everything between becomes one quoted cell. Only over-long lines are
    touched (one regex over them); physical lines are kept.

    Examples
    --------
    >>> _join_ragged(b"BROWN, MARY,4/1/2013,5.00\\nACME,4/2/2013,7.00\\n", "utf-8", ",", 3, 0)
    (b'"BROWN, MARY",4/1/2013,5.00\\nACME,4/2/2013,7.00\\n', 1)
    """
    text = body.decode(encoding)
    rows = pd.Series(text.split("\n"), dtype=object)
    d = re.escape(delim)
    extra = (rows.str.count(d) > ncols - 1).to_numpy(dtype=bool)
    if not extra.any():
        return body, 0
    right = ncols - 1 - join
    pat = re.compile(
        rf"^((?:[^{d}\r]*{d}){{{join}}})(.*?)((?:{d}[^{d}\r]*){{{right}}})(\r?)$", re.S
    )

    def fix(m: re.Match) -> str:
        mid = m.group(2).replace('"', '""')
        return f'{m.group(1)}"{mid}"{m.group(3)}{m.group(4)}'

    rows[extra] = rows[extra].str.replace(pat, fix, regex=True)
    return "\n".join(rows).encode(encoding), int(extra.sum())


def _read_csv_raw(
    path: Path, mapping: dict[str, Any]
) -> tuple[pd.DataFrame, np.ndarray, dict[str, int], dict[str, Any]]:
    """Raw cells (str) of the columns the mapping reads, physical line numbers,
    file column -> frame column, info."""
    fname = path.name
    raw = path.read_bytes()
    if re.search(rb"\S", raw) is None:
        raise LedgerError(
            f"{fname} is empty: it has no header and no data lines. Export the ledger again.",
            file=fname,
            expected="a header line and data lines",
        )
    raw, enc = _decode_check(raw, mapping.get("encoding"), fname)
    raw = _normalise_line_ends(raw)
    head_text = raw[:262_144].decode(enc, errors="replace")
    wanted = mapping_sources(mapping)
    derive = mapping.get("derive") or {}
    if mapping.get("header") == "none":
        delim = mapping.get("delimiter") or _sniff_delimiter(head_text)
        rows = _head_rows(head_text, delim)
        header_cells = list(mapping["names"])
        hit_index, header_line = -1, 0
    else:
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
    pos = _header_positions(fname, header_cells, wanted, header_line)
    # byte offset just after the header's last physical line
    off = 0
    for _ in range(header_line):
        nxt = raw.find(b"\n", off)
        if nxt < 0:
            off = len(raw)
            break
        off = nxt + 1
    body = raw[off:]
    info: dict[str, Any] = {"encoding": enc, "delimiter": delim, "header_line": header_line}
    if re.search(rb"\S", body) is None:
        raise LedgerError(
            f"{fname} has a header (line {header_line}) but no data lines. "
            "Export the ledger again with its payments.",
            file=fname,
            line=header_line,
            expected="data lines below the header",
        )
    ncols = len(header_cells)
    py_enc = enc if enc != "utf-8-sig" else "utf-8"
    ragged = 0
    if mapping.get("ragged"):
        body, ragged = _join_ragged(body, py_enc, delim, ncols, pos[mapping["ragged"]["join"]])
    info["ragged_rows"] = ragged
    amount_h = mapping["columns"]["amount"]
    amount_j = pos.get(amount_h) if amount_h not in derive else None
    # Plain amounts (-1234.56) are parsed by the C parser directly; anything else as text.
    sample = (
        [cells[amount_j] for _, cells in rows[hit_index + 1 :] if len(cells) > amount_j]
        if amount_j is not None and not ragged
        else []
    )
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
            with warnings.catch_warnings():
                # names longer than the header: pandas would drop the extra fields
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = _csv_frame(body, delim, ncols, py_enc, None)
        except pd.errors.ParserWarning:
            frame = None
        except pd.errors.ParserError as exc:
            m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if m:
                line = header_line + int(m.group(2))
                raise LedgerError(
                    f"{fname}, line {line}: has {m.group(3)} fields but the header (line "
                    f"{header_line}) has {m.group(1)}. A cell probably contains the delimiter "
                    f"{delim!r} without quotes (e.g. a vendor 'Grainger, W W'). Put quotes "
                    "around that cell, export with another delimiter, or add "
                    "'ragged: {join: <column>}' to the mapping to join the extra fields into "
                    "that column.",
                    file=fname,
                    line=line,
                    expected=f"{m.group(1)} fields separated by {delim!r}",
                ) from None
            raise LedgerError(
                f"{fname}: the file could not be read as CSV ({exc}).", file=fname
            ) from None
    if frame is None:
        counts = pd.Series(body.decode(py_enc).split("\n"), dtype=object).str.count(
            re.escape(delim)
        )
        long = np.flatnonzero((counts > ncols - 1).to_numpy())
        line = header_line + 1 + int(long[0]) if len(long) else header_line + 1
        raise LedgerError(
            f"{fname}, line {line}: has {int(counts.iloc[long[0]]) + 1 if len(long) else '?'} "
            f"fields but the mapping names {ncols}. A cell probably contains the delimiter "
            f"{delim!r} without quotes (e.g. a vendor 'BROWN, MARY'). Add "
            "'ragged: {join: <column>}' to the mapping to join the extra fields into that "
            f"column ({len(long):,} lines are longer).",
            file=fname,
            line=line,
            lines=[header_line + 1 + int(x) for x in long[:_SHOW]],
            count=len(long),
            expected=f"{ncols} fields separated by {delim!r}",
        )
    n_phys = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    if len(frame) == n_phys:
        lines = np.arange(header_line + 1, header_line + 1 + len(frame), dtype=np.int64)
    else:
        # quoted cells with line breaks: count physical lines with the csv module
        text = body.decode(py_enc)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        starts, prev = [], 0
        for _ in reader:
            starts.append(prev + 1)
            prev = reader.line_num
        lines = np.asarray(starts[: len(frame)], dtype=np.int64) + header_line
    used = sorted(set(pos.values()))
    frame = frame[used]
    # blank cells -> NaN; text cells stripped (amounts and dates are parsed from the raw text)
    raw_cols = {pos[h] for h in (amount_h, mapping["columns"].get("date")) if h in pos}
    # quoted files ("Grainger, W W") defeat the byte scan: check the columns directly
    padded = body.find(b'"') >= 0 or _has_padding(body, delim)
    for j in used:
        v = frame[j]
        if v.dtype.kind == "f":
            continue
        check_pad = padded and j not in raw_cols
        if isinstance(v.dtype, pd.StringDtype) and v.dtype.storage == "pyarrow":
            blank, pad = _text_blank_or_padded(v, padding=check_pad)
        else:
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


#: A cell that starts or ends with a character of _WHITESPACE (Arrow's RE2 syntax).
_PADDED_RE = (
    "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in _WHITESPACE) + "]|["
    + "".join(f"\\x{{{ord(c):x}}}" for c in _WHITESPACE) + "]$"
)


def _text_blank_or_padded(values: pd.Series, padding: bool = True) -> tuple[bool, bool]:
    """:func:`_blank_or_padded` of an Arrow-backed text column, with Arrow compute.

    Missing cells count as neither blank nor padded.
    """
    if not len(values):
        return False, False
    blank = bool(values.eq("").fillna(False).to_numpy(dtype=bool).any())
    if not padding:
        return blank, False
    pad = values.str.contains(_PADDED_RE, regex=True, na=False).to_numpy(dtype=bool)
    return blank, bool(pad.any())


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


#: Bodies at least this long are read with pyarrow's CSV reader when it can (text cells).
ARROW_CSV_BYTES = 1_000_000


def _arrow_text_frame(body: bytes, delim: str, ncols: int) -> pd.DataFrame | None:
    """The text cells of a UTF-8 body with pyarrow's CSV reader, as pandas reads them.

    Only for what both readers read alike: every row has ``ncols`` fields (a
    short, long or blank line makes pyarrow refuse, and the pandas reader then
    decides), no NUL byte and no byte-order mark. ``None`` when pyarrow cannot
    be used; the caller then reads with pandas.
    """
    if ncols < 2 or len(delim) != 1 or delim == '"' or b"\x00" in body:
        return None
    if body.startswith(codecs.BOM_UTF8):
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    names = [str(j) for j in range(ncols)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            # large blocks: few chunks to join (the columns are single arrays, as pandas')
            read_options=pacsv.ReadOptions(
                column_names=names, encoding="utf8", block_size=16 << 20
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delim,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=b'"' in body,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.large_string() for c in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, ValueError):
        return None
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    cols = {
        j: pd.Series(
            pd.array(table.column(j).combine_chunks(), dtype=dtype)
        )
        for j in range(ncols)
    }
    return pd.DataFrame(cols, copy=False)


def _csv_frame(
    body: bytes, delim: str, ncols: int, encoding: str, dtypes: dict[int, str] | None
) -> pd.DataFrame:
    if not dtypes and encoding == "utf-8" and len(body) >= ARROW_CSV_BYTES:
        frame = _arrow_text_frame(body, delim, ncols)
        if frame is not None:
            return frame
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


def _excel_rows(path: Path, sheet: Any) -> tuple[Iterable[Sequence[Any]], str, Any]:
    """(row iterator, sheet title, close function) of an .xlsx/.xlsm (openpyxl) or .xls (xlrd)."""
    fname = path.name
    if path.suffix.lower() == ".xls":
        import xlrd

        try:
            book = xlrd.open_workbook(str(path), on_demand=True)
        except Exception as exc:
            raise LedgerError(
                f"{fname} could not be opened as an Excel 97-2003 workbook ({exc}). Save it "
                "as .xlsx or export CSV.",
                file=fname,
            ) from None
        names = book.sheet_names()
        try:
            ws = (
                book.sheet_by_index(sheet)
                if isinstance(sheet, int)
                else book.sheet_by_name(str(sheet))
            )
        except (IndexError, xlrd.XLRDError):
            book.release_resources()
            raise LedgerError(
                f"{fname}: sheet {sheet!r} not found. Sheets: " + ", ".join(map(repr, names)),
                file=fname,
                column="sheet",
                value=sheet,
                expected="one of " + ", ".join(names),
            ) from None
        mode = book.datemode

        def rows() -> Iterable[list[Any]]:
            for i in range(ws.nrows):
                vals = ws.row_values(i)
                types = ws.row_types(i)
                if xlrd.XL_CELL_DATE in types:
                    vals = [
                        xlrd.xldate.xldate_as_datetime(v, mode) if t == xlrd.XL_CELL_DATE else v
                        for v, t in zip(vals, types, strict=False)
                    ]
                yield [None if v == "" else v for v in vals]

        return rows(), ws.name, book.release_resources
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
        if head.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):  # an OLE2 container, not a zip
            if "EncryptedPackage".encode("utf-16-le") in head:
                raise LedgerError(
                    f"{fname} is password-protected (an encrypted workbook). Open it in Excel, "
                    "remove the password (File > Info > Protect Workbook), save it as .xlsx or "
                    "export CSV, and run again.",
                    file=fname,
                ) from None
            raise LedgerError(
                f"{fname} is an Excel 97-2003 workbook with an .xlsx name. Rename it to .xls "
                "(it is then read with xlrd) or save it as .xlsx.",
                file=fname,
            ) from None
        raise LedgerError(
            f"{fname} could not be opened as an Excel workbook ({exc}). Save it as .xlsx "
            "or export CSV.",
            file=fname,
        ) from None
    try:
        ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[str(sheet)]
    except (IndexError, KeyError):
        wb.close()
        raise LedgerError(
            f"{fname}: sheet {sheet!r} not found. Sheets: "
            + ", ".join(repr(s) for s in wb.sheetnames),
            file=fname,
            column="sheet",
            value=sheet,
            expected="one of " + ", ".join(wb.sheetnames),
        ) from None
    return ws.iter_rows(min_row=1, values_only=True), ws.title, wb.close


def _read_xlsx_raw(
    path: Path, mapping: dict[str, Any]
) -> tuple[pd.DataFrame, np.ndarray, dict[str, int], dict[str, Any]]:
    fname = path.name
    it, title, close = _excel_rows(path, mapping.get("sheet", 0))
    wanted = mapping_sources(mapping)
    it = iter(it)
    try:
        all_rows: list[Sequence[Any]] = []
        for r in it:
            all_rows.append(r)
            if len(all_rows) >= HEADER_SEARCH_LINES:
                break
        head = [(i + 1, ["" if c is None else str(c) for c in r]) for i, r in enumerate(all_rows)]
        if not any(any(c.strip() for c in cells) for _, cells in head):
            raise LedgerError(
                f"{fname} is empty: sheet {title!r} has no header and no data rows.",
                file=fname,
                expected="a header row and data rows",
            )
        if mapping.get("header") == "none":
            idx, header_row, header_cells = -1, 0, list(mapping["names"])
        else:
            hit = _find_header(head, wanted)
            if hit is None:
                raise _missing_header_error(fname, mapping, head, excel=True)
            idx, header_row, header_cells = hit
        pos = _header_positions(fname, header_cells, wanted, header_row, excel=True)
        data = list(all_rows[idx + 1 :])
        data.extend(it)
    finally:
        close()
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
    info = {"encoding": None, "delimiter": None, "header_line": header_row, "sheet": title}
    return frame, lines, pos, info


def read_ledger(
    path: str | Path,
    mapping: str | Path | Mapping[str, Any] | None = None,
    *,
    fiscal_year_start_month: int | None = None,
) -> pd.DataFrame:
    """Read one accounts-payable export (or accounts/budget file) into the canonical table.

    Parameters
    ----------
    path : str or Path
        A CSV/TXT (any delimiter), XLSX or XLS file.
    mapping : dict, str or Path, optional
        Column mapping (see ``docs/MAPPING.md``) or the path of its YAML
        file. ``None`` uses :func:`suggest_mapping` (fine for a first look,
        not for an inventory).
    fiscal_year_start_month : int, optional
        First month of the fiscal year (7 for July..June). Wins over the
        mapping's ``fiscal_year_start_month``; the default is 1 (calendar
        year). A mapped ``fiscal_year`` column or a ``period`` wins over both.

    Returns
    -------
    DataFrame
        The columns in :data:`CANONICAL_COLUMNS`. ``source_line`` is the
        physical 1-based line (Excel row for XLSX/XLS). Rows with no value in
        any column the mapping reads are dropped, counted and listed in
        ``attrs["skipped_lines"]``. Summary rows (``summary_rows``) and rows
        the ``keep``/``drop`` filters leave out stay in the frame with
        ``read_note`` "summary_row" / "mapping_filter". ``attrs["reader"]``
        holds ``{source_file: {rows_read, spend_read, blank_rows,
        summary_rows, filtered_rows}}``; ``attrs`` also records the encoding,
        delimiter, header line and number/date formats used.

    Raises
    ------
    LedgerError
        For anything in the file that must be fixed, with the file, line and
        column named.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ap.csv"
    >>> _ = p.write_text("Paid,Payee,Sum,Src\\n01/07/2021,Acme,\\"1,234.50\\",AP\\n"
    ...                  "02/07/2021,Bolt,10,GL\\n")
    >>> df = read_ledger(p, {"columns": {"date": "Paid", "vendor": "Payee", "amount": "Sum"},
    ...                      "keep": {"Src": ["AP"]}, "currency": "GBP"})
    >>> df[["date", "amount", "read_note"]].to_string()
    '        date  amount       read_note\\n0 2021-07-01  1234.5             NaN\\n1 2021-07-02    10.0  mapping_filter'
    >>> df.attrs["reader"]["ap.csv"]["rows_read"], df.attrs["reader"]["ap.csv"]["spend_read"]
    (2, 1244.5)
    """
    path = Path(path)
    fname = path.name
    if not path.is_file():
        raise LedgerError(f"Ledger file {str(path)!r} does not exist.", file=fname)
    mapping = load_mapping(mapping if mapping is not None else suggest_mapping(path))
    excel = _is_excel(path)
    unit = "row" if excel else "line"
    if mapping["names"] is not None:
        _check_names(fname, mapping)
    if excel:
        frame, lines, hpos, info = _read_xlsx_raw(path, mapping)
    else:
        frame, lines, hpos, info = _read_csv_raw(path, mapping)
    header_of = mapping["columns"]
    derive = mapping["derive"]
    amount_h = header_of["amount"]
    amount_j = hpos.get(amount_h) if amount_h not in derive else None

    # entirely empty rows (in the columns read): dropped, counted and reported
    amount_is_float = amount_j is not None and frame[amount_j].dtype.kind == "f"
    cand = np.arange(len(frame)) if not amount_is_float else np.arange(0)
    order = ([amount_j] if amount_j is not None else []) + [
        j for j in frame.columns if j != amount_j
    ]
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
    cache: dict[str, pd.Series] = {}

    def src(name: str) -> pd.Series:
        """Cells of a file column or a derived column (derived ones: text, NaN = blank)."""
        if name in derive:
            if name not in cache:
                cache[name] = _derived(text(derive[name]["from"]), derive[name])
            return cache[name]
        return frame[hpos[name]].reset_index(drop=True)

    def text(name: str) -> pd.Series:
        """Stripped text of a column (NaN for blank cells)."""
        key = "\x00text:" + name
        if key not in cache:
            s = src(name)
            if excel and name not in derive:
                s = _clean_text(s.map(_cell_text))
            elif s.dtype.kind == "f":
                s = _clean_text(s.map(_cell_text))
            cache[key] = s
        return cache[key]

    # ---- amount
    amount_raw = src(amount_h)
    if excel and amount_h not in derive:
        is_num = amount_raw.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
        amounts = np.full(n, np.nan)
        amounts[is_num.to_numpy()] = amount_raw[is_num].astype(float).to_numpy()
        txt = amount_raw[~is_num].map(_cell_text)
        a2, bad2, dec = parse_amounts(txt.astype(str), mapping["decimal"], mapping["thousands"])
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
        amount_text = None  # the cells as objects: only an error message needs them
    h = amount_h
    examples = "1 234,56, (123,45) or -123,45" if dec == "," else "1,234.56, (123.45) or -123.45"
    if mapping.get("currency") and not amount_is_float:
        if amount_text is None and amount_raw.dtype == "str":
            # text cells (str or NaN): _cell_text is the text, "" for a blank cell
            cells_text = amount_raw.fillna("").reset_index(drop=True)
        else:
            if amount_text is None:
                amount_text = amount_raw.to_numpy(dtype=object)
            cells_text = pd.Series(amount_text).map(_cell_text)
        wrong = contradicting_currency(cells_text, mapping["currency"])
        if wrong.any():
            idx = np.flatnonzero(wrong)
            cur = str(mapping["currency"]).upper()
            if amount_text is None:
                amount_text = amount_raw.to_numpy(dtype=object)
            raise _cell_error(
                fname,
                h,
                lines[idx],
                amount_text[idx],
                f"carries a currency mark that is not {cur}, the currency the mapping gives",
                f"an amount in {cur}",
                "Set 'currency:' in the mapping (or --country) to the file's currency, or convert "
                "the amounts first.",
                unit,
            )
    if amount_text is None and (
        bad.any() or blank.any() or not (np.abs(amounts) <= MAX_ABS_AMOUNT).all()
    ):
        amount_text = amount_raw.to_numpy(dtype=object)
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

    # ---- summary rows and the mapping's row filters (kept, marked)
    summary = np.zeros(n, dtype=bool)
    if mapping["summary_rows"]:
        summary[:] = True
        for c in mapping["summary_rows"]["blank"]:
            summary &= text(c).isna().to_numpy()
    filtered = np.zeros(n, dtype=bool)
    for key, flip in (("keep", True), ("drop", False)):
        for c, vals in mapping[key].items():
            v = text(c).fillna("").str.casefold()
            hit = v.isin([x.casefold() for x in vals]).to_numpy(dtype=bool)
            filtered |= ~hit if flip else hit
    filtered &= ~summary
    special = summary | filtered

    # ---- date
    currency_hint = (mapping.get("currency") or "USD").upper()
    day_first = currency_hint not in ("USD",) or dec == ","
    dfmt = ""
    if "date" in header_of:
        date_raw = src(header_of["date"])
        dates, dbad, dfmt = parse_dates(date_raw, mapping["date_format"], day_first=day_first)
        dbad &= ~special
        dtext = (
            date_raw.map(_cell_text).to_numpy(dtype=object) if excel else date_raw.to_numpy(object)
        )
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
        dblank = dates.isna().to_numpy() & ~special
        if dblank.any():
            idx = np.flatnonzero(dblank)
            raise _cell_error(
                fname,
                hd,
                lines[idx],
                np.array([_cell_text(v) for v in dtext[idx[:_SHOW]]], dtype=object),
                "is blank (every line needs a date)",
                "a date such as 2021-07-01",
                "Fill in the date or delete the line. If these are total rows, say so in "
                "the mapping: summary_rows: {blank: <a column empty on them>}.",
                unit,
            )
        out["date"] = dates.reset_index(drop=True).astype("datetime64[ns]")
    else:
        out["date"] = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")

    # ---- fiscal year
    fsm = fiscal_year_start_month or mapping.get("fiscal_year_start_month") or 1
    if not 1 <= int(fsm) <= 12:
        raise LedgerError(
            f"fiscal_year_start_month must be 1..12, not {fsm!r}.",
            value=fsm,
            expected="1..12",
        )
    if mapping["period"] is not None:
        fy = pd.Series(period_year(mapping["period"]), index=range(n), dtype="Int64")
    else:
        fy = fiscal_year(out["date"], int(fsm))
    if "fiscal_year" in header_of:
        fy_raw = text(header_of["fiscal_year"]).fillna("")
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
    if fy.isna().any():
        if fy.notna().any() and not fy[~special].isna().any():
            fy = fy.fillna(int(fy.mode().iloc[0]))  # summary rows: the file's main year
        else:
            idx = np.flatnonzero(fy.isna().to_numpy())
            raise LedgerError(
                f"{fname}, {unit} {int(lines[idx[0]])}: no fiscal year ({len(idx)} {unit}s "
                "without a date or fiscal year). Map a date column, or give the mapping "
                "'period: <year>' for a file without dates.",
                file=fname,
                line=int(lines[idx[0]]),
                lines=[int(x) for x in lines[idx[:_SHOW]]],
                count=len(idx),
                expected="a date, a fiscal_year column or period",
            )
    out["fiscal_year"] = fy.astype("int64")

    # ---- text columns
    na_str = pd.Series(np.nan, index=range(n), dtype="str")
    for key in _TEXT_COLUMNS:
        if key in header_of:
            heads = header_of[key]
            heads = heads if isinstance(heads, list) else [heads]
            s = text(heads[0])
            for other in heads[1:]:
                t = text(other)
                both = (s.notna() & t.notna()).to_numpy()
                s = s.where(~both, s + JOIN_SEPARATOR + t).fillna(t)
            if key == "mcc":
                s = s.str.replace(r"\.0$", "", regex=True).str.zfill(4)
            out[key] = s if s.dtype == "str" else s.astype("str")
        else:
            out[key] = na_str
    if "currency" not in header_of:
        out["currency"] = pd.Series(currency_hint, index=range(n), dtype="str")
    else:
        out["currency"] = out["currency"].str.upper().fillna(currency_hint)
    for key in _BOOL_COLUMNS:
        if key in header_of:
            b = _to_bool(src(header_of[key]), fname, header_of[key], lines).reset_index(drop=True)
        else:
            b = pd.Series(pd.NA, index=range(n), dtype="boolean")
        out[key] = b.fillna(False).astype(bool) if key == "pcard" else b
    note = pd.Series(np.nan, index=range(n), dtype="str")
    if filtered.any():
        note[filtered] = "mapping_filter"
    if summary.any():
        note[summary] = "summary_row"
    out["read_note"] = note
    df = pd.DataFrame({c: out[c] for c in CANONICAL_COLUMNS}, copy=False)
    cents = np.round(amounts * 100)
    reader = {
        "rows_read": int(n),
        "spend_read": float(cents.sum()) / 100,
        "blank_rows": len(skipped),
        "summary_rows": int(summary.sum()),
        "filtered_rows": int(filtered.sum()),
        "summary_spend": float(cents[summary].sum()) / 100,
        "filtered_spend": float(cents[filtered].sum()) / 100,
        "ragged_rows": int(info.get("ragged_rows", 0)),
    }
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
            "period": mapping["period"],
            "skipped_lines": skipped,
            "reader": {fname: reader},
        }
    )
    return df


def _derived(s: pd.Series, spec: Mapping[str, Any]) -> pd.Series:
    """A derived column: ``pad`` (zero-pad), then ``slice`` or ``regex`` of the text.

    Examples
    --------
    >>> s = pd.Series(["100", "2800", None], dtype="str")
    >>> _derived(s, {"pad": 4, "slice": [0, 3], "regex": None}).tolist()
    ['010', '280', nan]
    """
    s = s.astype("str")
    if spec.get("pad"):
        s = s.str.zfill(int(spec["pad"]))
    if spec.get("slice") is not None:
        a, b = spec["slice"]
        s = s.str.slice(a, b)
    if spec.get("regex"):
        rx = re.compile(spec["regex"])
        got = s.str.extract(rx if rx.groups else f"({spec['regex']})", expand=True)
        s = got.iloc[:, 0].astype("str")
    return s.where(s.str.strip() != "")


def read_ledgers(
    paths: Iterable[str | Path],
    mapping: str | Path | Mapping[str, Any] | None = None,
    *,
    fiscal_year_start_month: int | None = None,
) -> pd.DataFrame:
    """Read several exports with one mapping and stack them (``source_file`` tells them apart).

    Parameters
    ----------
    paths : iterable of str or Path
        The files, read in this order with :func:`read_ledger`.
    mapping : dict, str or Path, optional
        One column mapping for all of them (see :func:`read_ledger`).
    fiscal_year_start_month : int, optional
        First month of the fiscal year (see :func:`read_ledger`).

    Returns
    -------
    DataFrame
        The files' lines one after the other (index 0..n-1), the columns of
        :func:`read_ledger`; ``attrs["skipped_lines"]`` and ``attrs["reader"]``
        per source file.

    Raises
    ------
    LedgerError
        When no file is given, or as :func:`read_ledger` does.

    Examples
    --------
    >>> from pathlib import Path
    >>> head = "Check Date,Vendor Name,Amount\\n"
    >>> _ = Path("ap_2022.csv").write_text(head + '01/15/2022,Acme,"1,200.00"\\n02/01/2022,Bolt,50\\n')
    >>> _ = Path("ap_2023.csv").write_text(head + "01/15/2023,Acme,300.00\\n")
    >>> m = {"columns": {"date": "Check Date", "vendor": "Vendor Name", "amount": "Amount"}}
    >>> df = read_ledgers(["ap_2022.csv", "ap_2023.csv"], m)
    >>> df[["source_file", "source_line", "amount"]].values.tolist()
    [['ap_2022.csv', 2, 1200.0], ['ap_2022.csv', 3, 50.0], ['ap_2023.csv', 2, 300.0]]
    """
    frames = [
        read_ledger(p, mapping, fiscal_year_start_month=fiscal_year_start_month) for p in paths
    ]
    if not frames:
        raise LedgerError("No ledger files given.")
    df = pd.concat(frames, ignore_index=True)
    df.attrs = {
        "skipped_lines": {f.attrs["source_file"]: f.attrs["skipped_lines"] for f in frames},
        "reader": {k: v for f in frames for k, v in f.attrs["reader"].items()},
    }
    return df


# ---------------------------------------------------------------------------
# suggesting a mapping
# ---------------------------------------------------------------------------

#: Header names (compared ignoring case, spaces and punctuation) that suggest each role,
#: strongest first: from the real exports in the development corpus and from what US, UK
#: and Norwegian finance systems call these columns.
SUGGEST_SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "payment date",
        "paid date",
        "date paid",
        "check date",
        "cheque date",
        "clearing date",
        "posting date",
        "post date",
        "transaction date",
        "trans date",
        "invoice date",
        "gl date",
        "document date",
        "value date",
        "date",
        "effective date",
        "betalingsdato",
        "bilagsdato",
        "fakturadato",
        "bokføringsdato",
        "posteringsdato",
        "dato",
    ),
    "vendor": (
        "vendor name",
        "supplier name",
        "beneficiary name",
        "payee name",
        "payee",
        "vendor",
        "supplier",
        "beneficiary",
        "merchant name",
        "merchant",
        "creditor name",
        "creditor",
        "recipient",
        "recipient name",
        "paid to",
        "company name",
        "leverandørnavn",
        "leverandør",
        "leverandor",
        "mottaker",
        "mottakar",
        "navn",
    ),
    "amount": (
        "amount",
        "net amount",
        "amount gbp",
        "amount £",
        "amount (£)",
        "amount paid",
        "paid amount",
        "payment amount",
        "invoice amount",
        "sum of inv amount",
        "line amount",
        "transaction amount",
        "check amount",
        "amount usd",
        "amt",
        "value",
        "net value",
        "total amount",
        "expense",
        "expenditure",
        "total spending",
        "total",
        "spend",
        "beløp",
        "belop",
        "beløp nok",
        "netto",
        "sum",
    ),
    "fiscal_year": (
        "fiscal year",
        "fiscal_year",
        "financial year",
        "fy",
        "budget year",
        "regnskapsår",
        "rekneskapsår",
    ),
    "payment_id": (
        "transaction number",
        "transaction no",
        "trans no",
        "transaction id",
        "inv transaction",
        "payment id",
        "payment number",
        "payment no",
        "check number",
        "check no",
        "check #",
        "cheque number",
        "voucher number",
        "voucher #",
        "voucher",
        "eft #",
        "document number",
        "reference",
        "bilagsnummer",
        "bilagsnr",
        "betalingsid",
    ),
    "invoice": (
        "invoice number",
        "invoice no",
        "invoice #",
        "invoice num",
        "invoice",
        "inv no",
        "inv #",
        "supplier invoice",
        "fakturanummer",
        "fakturanr",
        "faktura",
    ),
    "account": (
        "expense code",
        "expenditure code",
        "detailed expenditure code",
        "account code",
        "account number",
        "account",
        "object code",
        "object",
        "object account",
        "gl account",
        "gl code",
        "expense account",
        "subjective code",
        "nominal code",
        "cost element",
        "sercop code",
        "konto",
        "kontonummer",
        "artskonto",
        "art",
    ),
    "account_name": (
        "expense type",
        "expenses type",
        "expenditure category",
        "expenditure type",
        "account description",
        "account name",
        "account title",
        "object description",
        "object name",
        "expense description",
        "subjective description",
        "expense category",
        "category",
        "konto tekst",
        "kontotekst",
        "kontonavn",
        "art tekst",
        "artstekst",
        "purpose",
    ),
    "department": (
        "department",
        "dept",
        "department name",
        "service area",
        "expense area",
        "service division label",
        "service division",
        "directorate",
        "division",
        "service",
        "headserv name",
        "cost centre",
        "cost center",
        "organisational unit",
        "organizational unit",
        "org unit",
        "organisation unit",
        "service area categorisation",
        "ansvar tekst",
        "ansvarstekst",
        "ansvar",
        "ansvarssted",
        "avdeling",
        "enhet",
        "virksomhet",
    ),
    "pcard": (
        "procurement card",
        "purchase card",
        "purchasing card",
        "p card",
        "pcard",
        "card",
        "card transaction",
    ),
    "capital_flag": (
        "capital or revenue",
        "capital/revenue",
        "revenue or capital",
        "type of expenditure",
        "capital",
        "capital flag",
        "capital outlay",
        "capex",
        "investering",
    ),
    "fund": ("fund", "fund code", "fund name", "fund number", "fond"),
    "function": ("function", "function code", "funksjon", "kostra funksjon", "tjeneste", "teneste"),
    "status_text": ("status", "payment status", "check status", "void", "status text"),
    "currency": ("currency", "currency code", "valuta", "ccy"),
    "mcc": ("mcc", "merchant category code", "mcc code"),
    "description": (
        "description",
        "line description",
        "item description",
        "extended description",
        "proclass description",
        "invoice description",
        "category internal name",
        "memo",
        "narrative",
        "details",
        "detail",
        "purpose",
        "comment",
        "tjeneste tekst",
        "teneste tekst",
        "prosjekt tekst",
        "tekst",
        "beskrivelse",
        "fakturatekst",
        "varebeskrivelse",
        "linjetekst",
    ),
}
#: Keyword patterns (on the lower-cased header) for headers no synonym names: (role, regex, score).
_HEADER_PATTERNS: tuple[tuple[str, str, int], ...] = (
    ("amount", r"^(?:rekneskap|regnskap|rekneskapen|regnskapet)[ _]?\d{4}$", 95),
    ("amount", r"^(?:budsjett|budget)[ _]?\d{4}$", 20),
    (
        "vendor",
        r"supplier|vendor|payee|beneficiary|merchant|creditor|recipient|leverand|mottak",
        50,
    ),
    ("date", r"(?:^|[ _])date(?:$|[ _])|dato", 40),
    ("amount", r"amount|\bamt\b|beløp|belop|spend|\bvalue\b|total", 40),
    ("fiscal_year", r"fiscal.?year|financial.?year|\bfy\b", 60),
    (
        "payment_id",
        r"transaction.?(?:number|no|id)|trans.?no|check.?(?:number|no)|cheque|voucher"
        r"|payment.?(?:id|number|no)|bilag",
        45,
    ),
    ("invoice", r"invoice|faktura", 40),
    (
        "account_name",
        r"(?:account|expense|expenditure|object|subjective|konto|art).*(?:desc|name|"
        r"type|text|tekst|categ)",
        45,
    ),
    (
        "account",
        r"(?:account|expense|expenditure|object|subjective|nominal|gl).*(?:code|no\b|num)"
        r"|\bkonto\b",
        40,
    ),
    (
        "department",
        r"department|\bdept|directorate|division|service|expense area|cost cent|"
        r"ansvar|avdeling|org.*unit",
        40,
    ),
    ("pcard", r"procurement card|p.?card|purchas\w* card", 45),
    ("capital_flag", r"capital|capex|investering", 40),
    ("fund", r"\bfund\b", 40),
    ("status_text", r"\bstatus\b|\bvoid", 40),
    ("currency", r"currency|valuta", 60),
    ("description", r"desc|memo|narrative|detail|purpose|tekst|\btext\b|comment", 30),
)
#: Date-like headers that are not the date of a payment (a vendor total's first/last date...).
_NOT_PAYMENT_DATE = re.compile(
    r"first|last|start|end|coverage|snapshot|created|modified|updated|extract|report|download"
)
#: Order in which roles pick their column (each column serves one role).
_ROLE_ORDER = (
    "amount",
    "date",
    "vendor",
    "fiscal_year",
    "payment_id",
    "invoice",
    "account",
    "account_name",
    "department",
    "pcard",
    "capital_flag",
    "fund",
    "status_text",
    "currency",
    "mcc",
    "function",
)
#: The roles the suggester tries to fill (C3), for the "could not fill" list.
SUGGEST_ROLES = (
    "date",
    "vendor",
    "amount",
    "account",
    "account_name",
    "description",
    "department",
    "fund",
    "invoice",
    "payment_id",
    "pcard",
    "capital_flag",
)
#: Country -> currency and fiscal-year start written into a suggested mapping.
COUNTRY_DEFAULTS = {
    "US": {"currency": "USD", "fiscal_year_start_month": 7},
    "GB": {"currency": "GBP", "fiscal_year_start_month": 4},
    "NO": {"currency": "NOK", "fiscal_year_start_month": 1},
}
_VOID_TOKENS = {"cx", "void", "voided", "v", "vd", "cancelled", "canceled", "cancel", "annullert"}
_SAMPLE_ROWS = 20_000


@dataclass
class Suggestion:
    """A suggested mapping, why each entry was chosen, and a preview of the file read with it.

    Attributes
    ----------
    source : str
        File name.
    mapping : dict
        The mapping (plain YAML types; :func:`load_mapping` accepts it).
    reasons : dict
        Mapping key (a role, or a setting such as ``delimiter``) -> why.
    unfilled : list of str
        Roles of :data:`SUGGEST_ROLES` with no column.
    notes : list of str
        What was detected about the file (line endings, encoding, blank rows ...).
    preview : DataFrame or None
        The first rows read with the mapping (None when reading failed).
    reader : dict
        ``attrs["reader"]`` of the file read with the mapping (empty when reading failed).
    problem : str or None
        The reader's message when the suggested mapping does not read the file.
    """

    source: str
    mapping: dict[str, Any]
    reasons: dict[str, str] = field(default_factory=dict)
    unfilled: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    preview: pd.DataFrame | None = None
    reader: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None

    def to_yaml(self) -> str:
        """The mapping as YAML with the reason for every entry as a comment.

        Examples
        --------
        >>> s = Suggestion("a.csv", {"columns": {"amount": "Sum"}, "period": 2011},
        ...                {"amount": "header 'Sum'", "period": "no dates"})
        >>> import yaml
        >>> yaml.safe_load(s.to_yaml()) == s.mapping
        True
        """
        import json

        def scalar(v: Any) -> str:
            return json.dumps(v, ensure_ascii=False)

        def line(text: str, why: str | None) -> str:
            return f"{text}  # {why}" if why else text

        out = [
            f"# Column mapping suggested by `cohort mapping suggest` from {self.source}.",
            "# Check every line, then: cohort inventory FILE --mapping THIS.yaml ...",
        ]
        out += [f"# {n}" for n in self.notes]
        for key, value in self.mapping.items():
            if key == "columns":
                out.append("columns:")
                for role, h in value.items():
                    out.append(line(f"  {role}: {scalar(h)}", self.reasons.get(role)))
            else:
                out.append(line(f"{key}: {scalar(value)}", self.reasons.get(key)))
        if self.unfilled:
            out.append(
                "# not found in the file (add under columns: if it has them): "
                + ", ".join(self.unfilled)
            )
        return "\n".join(out) + "\n"

    def report(self) -> str:
        """Plain text: the preview of the first rows, rows/spend read, roles not filled."""
        lines = [f"{self.source}:"]
        if self.problem:
            lines.append(f"  the suggested mapping does not read the file yet: {self.problem}")
        if self.reader:
            r = self.reader
            lines.append(
                f"  rows read {r['rows_read']:,}, spend read {r['spend_read']:,.2f}; blank rows "
                f"{r['blank_rows']:,}, summary rows {r['summary_rows']:,}, filtered rows "
                f"{r['filtered_rows']:,}"
            )
        if self.preview is not None:
            lines.append("  first rows as read:")
            with pd.option_context("display.width", 160, "display.max_colwidth", 28):
                lines += ["    " + x for x in self.preview.to_string(index=False).splitlines()]
        lines.append(
            "  roles not filled: " + (", ".join(self.unfilled) if self.unfilled else "none")
        )
        return "\n".join(lines)


@functools.lru_cache(maxsize=1)
def _loose_synonyms() -> dict[str, dict[str, int]]:
    """Loose synonym -> {role: rank} (built once)."""
    out: dict[str, dict[str, int]] = {}
    for role, syns in SUGGEST_SYNONYMS.items():
        for rank, s in enumerate(syns):
            out.setdefault(_loose_header(s), {}).setdefault(role, rank)
    return out


@functools.lru_cache(maxsize=4096)
def _header_scores(header: str) -> dict[str, int]:
    """Role -> how strongly a header name suggests it (0..100).

    Examples
    --------
    >>> _header_scores("Beneficiary Name")["vendor"], _header_scores("rekneskap_2011")["amount"]
    (98, 95)
    """
    loose = _loose_header(header)
    norm = _norm_header(header)
    if not loose:
        return {}
    scores = {role: 100 - rank for role, rank in _loose_synonyms().get(loose, {}).items()}
    for role, pattern, score in _HEADER_PATTERNS:
        if re.search(pattern, norm) and scores.get(role, 0) < score:
            scores[role] = score
    if "date" in scores and _NOT_PAYMENT_DATE.search(norm):
        del scores["date"]
    return scores


@dataclass
class _Profile:
    """What a column's cells look like (from a sample of the data rows)."""

    filled: float  # share of non-blank cells
    date: float  # share of non-blank cells that are dates
    amount: float  # share of non-blank cells that are amounts
    decimals: float  # share of non-blank cells with a decimal part
    integer: float  # share of non-blank cells that are whole numbers
    letters: float  # share with a letter
    distinct: int
    mean_len: float
    values: pd.Series  # the non-blank sample (str)
    boolish: bool
    void: bool


def _profile(cells: pd.Series, day_first: bool, excel: bool = False) -> _Profile:
    v = (cells.map(_cell_text) if excel else cells).astype(str).str.strip()
    nb = v[v != ""]
    n = max(len(nb), 1)
    if len(nb):
        uniq = pd.Series(nb.unique(), dtype=object)
        # an evenly spread sample of the distinct values is enough to tell dates and amounts
        uniq = uniq.iloc[:: max(1, len(uniq) // 400)].reset_index(drop=True)
        txt = uniq.astype(str)
        digits = float(txt.str.contains(r"\d", regex=True).mean())
        date_share = 0.0
        if digits >= 0.9:
            _, dbad, _ = parse_dates(uniq, None, day_first=day_first)
            date_share = float(1 - dbad.mean())
            # a plain number is not a date (Excel serials aside)
            plain = txt.str.fullmatch(r"-?\d+(?:[.,]\d+)?")
            if excel:  # Excel date serials are numbers
                plain &= ~txt.str.fullmatch(r"\d{5}(?:\.\d+)?")
            date_share *= float(1 - plain.mean())
        a, abad, _ = parse_amounts(txt) if digits >= 0.9 else (None, np.ones(1, bool), None)
        amount_share = float(1 - abad.mean())
    else:
        date_share = amount_share = 0.0
    low = set(nb.str.casefold().unique()[:50])
    return _Profile(
        filled=len(nb) / max(len(v), 1),
        date=date_share,
        amount=amount_share,
        decimals=float(nb.str.contains(r"\d[.,]\d{1,2}\s*\)?-?$", regex=True).sum()) / n,
        integer=float(nb.str.fullmatch(r"-?\d+(?:\.0)?").sum()) / n,
        letters=float(nb.str.contains(r"[^\W\d_]", regex=True).sum()) / n,
        distinct=int(nb.nunique()),
        mean_len=float(nb.str.len().mean()) if len(nb) else 0.0,
        values=nb,
        boolish=bool(len(nb)) and low <= (_TRUE | _FALSE),
        void=bool(low & _VOID_TOKENS) and nb.nunique() <= 10,
    )


def _fits(role: str, p: _Profile) -> bool:
    """Whether a column's content can serve a role."""
    if p.filled == 0:
        return role in ("description",)
    if role == "date":
        return p.date >= 0.9
    if role == "amount":
        return p.amount >= 0.98 and p.date < 0.5
    if role in ("pcard", "capital_flag"):
        return p.boolish
    if role == "fiscal_year":
        return bool(p.values.str.fullmatch(r"(?i)(?:fy\s*)?\d{4}").mean() > 0.98)
    if p.date >= 0.9:
        return False  # a date column serves no other role
    if role == "vendor":
        return p.letters >= 0.5
    return True


def _sample_text(path: Path, fname: str) -> tuple[list[list[str]], dict[str, Any], list[str]]:
    """(rows of cells, reading hints, notes) of a text file's first rows."""
    raw = path.read_bytes()
    if not raw.strip():
        raise LedgerError(f"{fname} is empty: nothing to suggest a mapping from.", file=fname)
    raw, enc = _decode_check(raw, None, fname)
    crlf = raw.count(b"\r\n")
    cr = raw.count(b"\r") - crlf
    lf = raw.count(b"\n") - crlf
    kinds = [k for k, c in (("CRLF", crlf), ("CR", cr), ("LF", lf)) if c]
    ends = "mixed " + "/".join(kinds) if len(kinds) > 1 else (kinds[0] if kinds else "none")
    raw = _normalise_line_ends(raw)
    text = raw[:4_000_000].decode(enc, errors="replace")
    if len(raw) > 4_000_000:
        text = text[: text.rfind("\n")]
    delim = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows = []
    for cells in reader:
        rows.append(cells)
        if len(rows) >= _SAMPLE_ROWS:
            break
    enc_out = enc.replace("utf-8-sig", "utf-8")
    bom = " with BOM" if enc == "utf-8-sig" else ""
    notes = [
        f"file: {enc_out}{bom}, line endings {ends}, delimiter {delim!r}"
        + (" (cp1252: not valid UTF-8)" if enc == "cp1252" else "")
    ]
    return rows, {"delimiter": delim, "encoding": enc_out}, notes


def _sample_excel(path: Path) -> tuple[list[list[str]], dict[str, Any], list[str]]:
    it, title, close = _excel_rows(path, 0)
    rows: list[list[Any]] = []
    try:
        for r in it:
            rows.append(list(r))
            if len(rows) >= _SAMPLE_ROWS:
                break
    finally:
        close()
    kind = "Excel 97-2003 (.xls, read with xlrd)" if path.suffix.lower() == ".xls" else "Excel"
    return rows, {"sheet": title}, [f"file: {kind}, sheet {title!r}"]


def suggest(path: str | Path, country: str | None = None, *, preview: bool = True) -> Suggestion:
    """Propose a mapping for an export: layout, roles, number and date formats, with reasons.

    Detects the encoding (cp1252 fallback), delimiter, line endings, the header
    row (or that there is none: roles then come from the cells' content),
    ragged rows, the amount and date formats, total rows without a date,
    and for Norwegian accounts files the period (``rekneskap_2011``) and the
    KOSTRA art derived from ``konto``. With ``preview`` the file is read with
    the suggestion (:func:`read_ledger`) for a preview and the reader's counts.

    Parameters
    ----------
    path : str or Path
        The export (CSV/TXT, XLSX or XLS).
    country : {"US", "GB", "NO"}, optional
        Sets currency, fiscal-year start and day-first dates; guessed from the
        headers when absent.
    preview : bool
        Read the file with the suggested mapping for ``preview`` and ``reader``.

    Returns
    -------
    Suggestion
        ``mapping`` (plain YAML types), ``reasons`` per entry, the ``unfilled``
        roles, ``notes`` on the file, and with ``preview`` the first rows read
        and the reader's counts (or the reader's ``problem``).

    Raises
    ------
    LedgerError
        For a missing or empty file, or when no amount column can be found.

    Examples
    --------
    >>> from pathlib import Path
    >>> p = Path("ap.csv")
    >>> _ = p.write_text("Paid Date,Beneficiary Name,Amount £\\n24/06/2020,Acme,5400.00\\n")
    >>> s = suggest(p, "GB")
    >>> s.mapping["columns"], s.mapping["date_format"]
    ({'amount': 'Amount £', 'date': 'Paid Date', 'vendor': 'Beneficiary Name'}, '%d/%m/%Y')
    >>> s.preview["amount"].tolist(), s.problem
    ([5400.0], None)
    """
    path = Path(path)
    fname = path.name
    if not path.is_file():
        raise LedgerError(f"Ledger file {str(path)!r} does not exist.", file=fname)
    if country is not None and country.upper() not in COUNTRY_DEFAULTS:
        raise LedgerError(
            f"country must be one of {', '.join(COUNTRY_DEFAULTS)}, not {country!r}.",
            value=country,
        )
    excel = _is_excel(path)
    rows, hints, notes = _sample_excel(path) if excel else _sample_text(path, fname)
    reasons: dict[str, str] = {}
    strs = [["" if c is None else str(c) for c in r] for r in rows]
    nonblank = [i for i, r in enumerate(strs) if any(c.strip() for c in r)]
    if not nonblank:
        raise LedgerError(f"{fname} is empty: nothing to suggest a mapping from.", file=fname)

    # ---- header row (the row whose cells name the most roles) or none
    best_i, best_n = None, 1
    for i in nonblank[:HEADER_SEARCH_LINES]:
        n_roles = sum(bool(_header_scores(c)) for c in strs[i] if c.strip())
        if n_roles > best_n:
            best_i, best_n = i, n_roles
    country = country.upper() if country else None
    given = country is not None
    if country is None:
        heads = " ".join(strs[best_i]).casefold() if best_i is not None else ""
        if "£" in heads or "gbp" in heads:
            country = "GB"
        elif re.search(r"konto|rekneskap|regnskap|beløp|leverand|ansvar", heads):
            country = "NO"
        elif "usd" in heads or "$" in heads:
            country = "US"
    day_first = country != "US"
    if best_i is None:
        header: list[str] | None = None
        data_rows = [strs[i] for i in nonblank]
    else:
        header = [c.replace("\ufeff", "").strip() for c in strs[best_i]]
        data_rows = [strs[i] for i in nonblank if i > best_i]
    if not data_rows:
        raise LedgerError(f"{fname} has a header but no data rows.", file=fname)
    counts = pd.Series([len(r) for r in data_rows])
    width = int(counts.mode().iloc[0])
    if header is not None:
        width = max(width, len(header))
    regular = [r for r in data_rows if len(r) == width] or data_rows
    long_rows = int((counts > width).sum())
    table = pd.DataFrame([r[:width] + [""] * (width - len(r)) for r in regular], dtype=object)
    profiles = {j: _profile(table[j], day_first, excel) for j in range(width)}

    # ---- roles
    cols: dict[str, Any] = {}
    used: set[int] = set()
    if header is None:
        names, cols, reasons = _content_roles(profiles, width, reasons)
        used = set(range(width))
        reasons["header"] = (
            "no header row: the first row already holds data ("
            + ", ".join(f"{k}" for k in cols)
            + " recognised from the cells)"
        )
    else:
        names = header
        scored = {j: _header_scores(h) for j, h in enumerate(header)}
        for role in _ROLE_ORDER:
            cands = [
                (s[role], -j, j)
                for j, s in scored.items()
                if j not in used and role in s and _fits(role, profiles[j])
            ]
            if not cands:
                continue
            score, _, j = max(cands)
            cols[role] = header[j]
            used.add(j)
            how = "is a usual name" if score >= 50 else "contains a usual word"
            reasons[role] = f"the header {header[j]!r} {how} for the {role.replace('_', ' ')}"
        desc = [
            j
            for j, s in scored.items()
            if j not in used and "description" in s and profiles[j].filled > 0
        ]
        desc.sort(key=lambda j: (-scored[j]["description"], j))
        if desc:
            take = sorted(desc[:3])
            cols["description"] = [header[j] for j in take] if len(take) > 1 else header[take[0]]
            used.update(take)
            reasons["description"] = (
                "text header(s) "
                + ", ".join(repr(header[j]) for j in take)
                + (" joined with ' | '" if len(take) > 1 else "")
            )
    if "amount" not in cols:
        raise LedgerError(
            f"{fname}: no amount column recognised. Headers seen: "
            + ", ".join(repr(h) for h in (header or []) if h)
            + '. Write the mapping by hand (see docs/MAPPING.md): columns: amount: "<header>".',
            file=fname,
            column="amount",
        )
    mapping: dict[str, Any] = {"layout": f"suggested from {fname}"}
    if header is None:
        mapping["header"] = "none"
        mapping["names"] = names
    mapping["columns"] = cols
    jpos = {h: j for j, h in enumerate(names)}

    # ---- Norwegian accounts: derived KOSTRA art and funksjon, period from rekneskap_YYYY
    derive: dict[str, Any] = {}
    acct = cols.get("account")
    if acct is not None and re.fullmatch(
        r"(?i)(?:art)?konto|kontonr|kontonummer", _loose_header(acct)
    ):
        vals = profiles[jpos[acct]].values
        if len(vals) and vals.str.fullmatch(r"\d{3,8}").all():
            lens = vals.str.len()
            if (lens == 5).all() and vals.str[0].nunique() == 1:
                derive["art"] = {"from": acct, "slice": [1, 4]}
                why = (
                    f"KOSTRA art = characters 2-4 of the 5-digit {acct!r} (all start with "
                    f"{vals.iloc[0][0]!r})"
                )
            elif lens.max() <= 4:
                derive["art"] = {"from": acct, "pad": 4, "slice": [0, 3]}
                why = (
                    f"KOSTRA art = first 3 digits of {acct!r} zero-padded to 4 (it has "
                    f"{lens.min()}-{lens.max()} digits: art + 1, leading zeros dropped)"
                )
            else:
                why = ""
            if derive:
                cols["account"] = "art"
                reasons["account"] = "the derived column 'art' (see derive)"
                reasons["derive"] = why
    for role in ("function",):
        h = cols.get(role)
        if h is not None and re.fullmatch(r"(?i)tjeneste|teneste", _loose_header(h)):
            vals = profiles[jpos[h]].values
            if len(vals) and vals.str.fullmatch(r"\d{5}").all():
                derive["funksjon"] = {"from": h, "slice": [0, 3]}
                cols["function"] = "funksjon"
                reasons["function"] = f"KOSTRA funksjon = first 3 digits of the 5-digit {h!r}"
    amount_h = cols["amount"]
    m = re.search(r"(?:rekneskap|regnskap|budsjett|budget)\D?(\d{4})", amount_h, re.I)
    period = None
    if "date" not in cols and "fiscal_year" not in cols:
        if m:
            period = int(m.group(1))
            reasons["period"] = f"no date column; the amounts are {amount_h!r}: year {period}"
        else:
            fm = re.search(r"(?i)fy\s?(\d{4})(?:\s*-\s*fy\s?(\d{4}))?", fname) or re.search(
                r"(?<!\d)((?:19|20)\d{2})(?!\d)", fname
            )
            if fm:
                period = fm.group(0).upper() if "fy" in fm.group(0).lower() else int(fm.group(1))
                reasons["period"] = (
                    f"no date column; the file name says {fm.group(0)!r} (a span names the "
                    "fiscal year it ends in)"
                )
    if period is not None:
        mapping["period"] = period
    if derive:
        mapping["derive"] = derive

    # ---- ragged rows (unquoted delimiters inside a text column)
    if long_rows and not excel:
        join = cols.get("vendor") or next(
            (names[j] for j in range(width) if profiles[j].letters > 0.5), None
        )
        if join is not None and not isinstance(join, list):
            mapping["ragged"] = {"join": join}
            reasons["ragged"] = (
                f"{long_rows:,} rows have more than {width} fields (an unquoted "
                f"{hints.get('delimiter', ',')!r} inside a name): the extra fields are joined "
                f"into {join!r}"
            )

    # ---- total rows without a date
    if "date" in cols:
        dj = jpos[cols["date"]]
        no_date = table[dj].astype(str).str.strip() == ""
        if 0 < int(no_date.sum()) <= max(5, 0.02 * len(table)):
            blank_col = cols["date"]
            for role in ("payment_id", "invoice"):
                h = cols.get(role)
                if isinstance(h, str):
                    e = table[jpos[h]].astype(str).str.strip() == ""
                    if e.equals(no_date):
                        blank_col = h
                        break
            mapping["summary_rows"] = {"blank": blank_col}
            reasons["summary_rows"] = (
                f"{int(no_date.sum())} rows have no date and no {blank_col!r}: total rows "
                "(kept, marked summary_row)"
            )

    # ---- formats
    if not excel:
        mapping["delimiter"] = hints["delimiter"]
        mapping["encoding"] = hints["encoding"]
        reasons["delimiter"] = "the delimiter that splits the rows into the same number of fields"
        reasons["encoding"] = (
            "not valid UTF-8; the bytes read as Windows-1252"
            if hints["encoding"] == "cp1252"
            else "decodes as " + hints["encoding"]
        )
    else:
        mapping["sheet"] = hints["sheet"]
    aj = jpos.get(amount_h)
    if aj is not None:
        av = profiles[aj].values.astype(str)
        av = av[~av.map(lambda x: isinstance(x, str) and x[:1].isdigit() is False and x == "")]
        dec = _detect_decimal(av) if len(av) else "."
        seps = {",": r"\d,\d{3}(?!\d)", ".": r"\d\.\d{3}(?!\d)", " ": r"\d[ \u00a0]\d{3}(?!\d)"}
        found = [s for s, rx in seps.items() if s != dec and av.str.contains(rx, regex=True).any()]
        th = found[0] if len(found) == 1 else None  # several kinds: leave it to the reader
        mapping["decimal"] = dec
        ex = av.iloc[int(np.argmax(av.str.len().to_numpy()))] if len(av) else ""
        reasons["decimal"] = f"amounts such as {ex!r}"
        noise = int(av.str.contains(r"\.\d{3,}$", regex=True).sum())
        if noise and dec == ".":
            reasons["decimal"] += f"; {noise:,} with binary-float noise, rounded to the cent"
        if av.str.contains(r"\s$", regex=True).any():
            reasons["decimal"] += "; trailing spaces are ignored"
        if th is not None:
            mapping["thousands"] = th
            reasons["thousands"] = f"{th!r} groups thousands in amounts such as {ex!r}"
        elif dec == "," and not found:
            mapping["thousands"] = ""
            reasons["thousands"] = "no thousands separator with the decimal comma"
    if "date" in cols:
        fmt, why = _date_format(profiles[jpos[cols["date"]]].values, day_first, country)
        if fmt:
            mapping["date_format"] = fmt
            reasons["date_format"] = why
    if country is not None:
        mapping.update(COUNTRY_DEFAULTS[country])
        reasons["currency"] = reasons["fiscal_year_start_month"] = f"country {country}" + (
            "" if given else " (guessed from the headers; pass --country to be sure)"
        )
    else:
        notes.append("currency and fiscal-year start unknown: pass --country US|GB|NO")
    blank_rows = len(strs) - len(nonblank)
    if blank_rows:
        notes.append(f"{blank_rows:,} blank rows among the first {len(strs):,} (dropped, counted)")
    unfilled = [r for r in SUGGEST_ROLES if r not in cols]
    if period is not None or "fiscal_year" in cols:
        unfilled = [r for r in unfilled if r != "date"]
    sugg = Suggestion(fname, mapping, reasons, unfilled, notes)
    if preview:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", LedgerWarning)
                df = read_ledger(path, mapping)
            show = [
                "source_line",
                "date",
                "fiscal_year",
                "vendor",
                "account",
                "account_name",
                "department",
                "amount",
            ]
            show = [
                c
                for c in show
                if c in ("source_line", "amount", "fiscal_year") or df[c].notna().any()
            ]
            sugg.preview = df[show].head(5)
            sugg.reader = df.attrs["reader"][fname]
        except LedgerError as exc:
            sugg.problem = str(exc)
    return sugg


def _content_roles(
    profiles: dict[int, _Profile], width: int, reasons: dict[str, str]
) -> tuple[list[str], dict[str, Any], dict[str, str]]:
    """Names and roles of a file without a header, from what the cells look like."""
    names = [f"column_{j + 1}" for j in range(width)]
    cols: dict[str, Any] = {}
    dates = [j for j in range(width) if profiles[j].date >= 0.9]
    if dates:
        j = dates[0]
        names[j], cols["date"] = "date", "date"
        reasons["date"] = f"field {j + 1}: {profiles[j].date:.0%} of the cells are dates"
    nums = [
        j
        for j in range(width)
        if j not in dates and profiles[j].amount >= 0.98 and profiles[j].filled > 0.5
    ]
    money = sorted(nums, key=lambda j: (profiles[j].decimals, j), reverse=True)
    if money:
        j = money[0]
        names[j], cols["amount"] = "amount", "amount"
        reasons["amount"] = (
            f"field {j + 1}: numbers, {profiles[j].decimals:.0%} with a decimal part"
        )
    for j in nums:
        p = profiles[j]
        if (
            names[j].startswith("column_")
            and p.integer > 0.98
            and p.distinct > 0.5 * len(p.values)
            and "payment_id" not in cols
        ):
            names[j], cols["payment_id"] = "payment_id", "payment_id"
            reasons["payment_id"] = f"field {j + 1}: whole numbers, nearly all different"
    texts = []
    for j in range(width):
        p = profiles[j]
        if not names[j].startswith("column_"):
            continue
        if p.letters > 0.5 and p.distinct <= 10 and p.mean_len <= 4:
            names[j] = f"code_{j + 1}"
            if p.void and "status_text" not in cols:
                names[j] = cols["status_text"] = "status"
                reasons["status_text"] = (
                    f"field {j + 1}: short codes {sorted(p.values.unique())[:6]} including a "
                    "void/cancel code"
                )
        elif p.letters > 0.3:
            texts.append(j)
    for role, take in (
        ("vendor", texts[:1]),
        ("department", texts[1:2]),
        ("description", texts[2:]),
    ):
        if not take:
            continue
        for k, j in enumerate(take):
            names[j] = role if len(take) == 1 else f"{role}_{k + 1}"
        cols[role] = names[take[0]] if len(take) == 1 else [names[j] for j in take]
        reasons[role] = (
            f"text field{'s' if len(take) > 1 else ''} "
            + ", ".join(str(j + 1) for j in take)
            + (" (the first text field, most values different)" if role == "vendor" else "")
            + (" joined with ' | '" if len(take) > 1 else "")
        )
    order = ["date", "vendor", "amount"]
    cols = {k: cols[k] for k in order if k in cols} | {
        k: v for k, v in cols.items() if k not in order
    }
    return names, cols, reasons


_SUGGEST_DATE_FORMATS = (
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%b %d, %Y",
    "%Y%m%d",
    "%b %Y",
    "%B %Y",
    "%Y-%m-%dT%H:%M:%S",
)


def _date_format(values: pd.Series, day_first: bool, country: str | None) -> tuple[str | None, str]:
    """A strptime format that reads every date cell, and why (``None`` for Excel dates)."""
    text = pd.Series(values.astype(str).unique()[:5000], dtype=object)
    if text.str.fullmatch(r"\d{5}(?:\.\d+)?").mean() > 0.5:
        return None, ""
    fits = [
        f
        for f in _SUGGEST_DATE_FORMATS
        if pd.to_datetime(text, format=f, errors="coerce").notna().all()
    ]
    if not fits:
        return None, ""
    if len(fits) > 1 and not day_first:
        us = [f for f in fits if f.startswith("%m")]
        fits = us + [f for f in fits if f not in us]
    fmt = fits[0]
    why = f"every date reads as {fmt} (e.g. {text.iloc[0]!r})"
    if len(fits) > 1 and any(f.startswith(("%m", "%d")) for f in fits[1:2]):
        why += (
            f"; {fits[1]} would also fit: day first because of country {country or 'not US'}"
            if day_first
            else "; month first (US)"
        )
    if fmt in ("%b %Y", "%B %Y"):
        why += "; no day: the first of the month"
    return fmt, why


def suggest_mapping(path: str | Path, country: str | None = None) -> dict[str, Any]:
    """A mapping for a ledger file, from its header names or its cells (see :func:`suggest`).

    Save it as YAML (``yaml.safe_dump``, or :meth:`Suggestion.to_yaml` with the
    reasons as comments) after checking it.

    Parameters
    ----------
    path : str or Path
        The export (CSV/TXT, XLSX or XLS).
    country : {"US", "GB", "NO"}, optional
        Sets currency, fiscal-year start and day-first dates; guessed from the
        headers when absent.

    Returns
    -------
    dict
        ``Suggestion.mapping`` (without reading the file for a preview): a
        ``layout`` note, ``columns`` and the reading settings (delimiter,
        encoding, separators, date format, currency, fiscal-year start).

    Raises
    ------
    LedgerError
        When no amount column can be recognised.

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("ap_2022.csv").write_text("Check Date,Vendor Name,Amount\\n01/15/2022,Acme,120.00\\n")
    >>> m = suggest_mapping("ap_2022.csv", "US")
    >>> m["columns"], m["date_format"], m["fiscal_year_start_month"]
    ({'amount': 'Amount', 'date': 'Check Date', 'vendor': 'Vendor Name'}, '%m/%d/%Y', 7)
    """
    return suggest(path, country, preview=False).mapping
