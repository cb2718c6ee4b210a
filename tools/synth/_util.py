"""Small helpers of the synthetic-cohort generator: random streams, formatting, writers.

Everything written here is byte-for-byte reproducible: gzip members carry
``mtime=0``, zip entries (XLSX) a fixed date, workbook properties a fixed
timestamp, and numbers are formatted from integer cents, never from floats.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

#: Seed of the whole cohort. Changing it changes every generated file.
SEED = 20240917

#: Timestamp written into workbook properties (XLSX) so builds are identical.
FIXED_TIMESTAMP = datetime(2024, 1, 1, 0, 0, 0)
_ZIP_DATE = (2024, 1, 1, 0, 0, 0)


def rng_for(*keys: object) -> np.random.Generator:
    """A numpy Generator seeded from :data:`SEED` and stable keys (str or int).

    Strings are turned into integers with a fixed (non-salted) hash so that
    the stream does not depend on ``PYTHONHASHSEED``.
    """
    ints = [SEED]
    for k in keys:
        if isinstance(k, (int, np.integer)):
            ints.append(int(k))
        else:
            ints.append(zlib.crc32(str(k).encode("utf-8")))
    return np.random.default_rng(ints)


# --------------------------------------------------------------------------
# Formatting (vectorised where it matters)
# --------------------------------------------------------------------------


def cents_to_str(
    cents: np.ndarray,
    *,
    decimal: str = ".",
    thousands: str = "",
    negative: str = "minus",
) -> np.ndarray:
    """Format integer cents as text.

    Parameters
    ----------
    cents : array of int
    decimal : str
        Decimal mark, ``"."`` or ``","``.
    thousands : str
        Thousands separator (``""``, ``","``, ``"."`` or ``" "``).
    negative : {"minus", "parens"}
        ``-1,234.56`` or ``(1,234.56)``.
    """
    cents = np.asarray(cents, dtype=np.int64)
    neg = cents < 0
    a = np.abs(cents)
    units = a // 100
    frac = a % 100
    if thousands:
        ustr = np.array([f"{u:,}" for u in units.tolist()], dtype=object)
        if thousands != ",":
            ustr = np.array([s.replace(",", thousands) for s in ustr], dtype=object)
    else:
        ustr = units.astype(str).astype(object)
    fstr = np.char.zfill(frac.astype(str), 2).astype(object)
    body = ustr + decimal + fstr
    if negative == "parens":
        return np.where(neg, "(" + body + ")", body)
    return np.where(neg, "-" + body, body)


_MONTHS = np.array(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
)


def format_dates(dates: np.ndarray, style: str) -> np.ndarray:
    """Format ``datetime64[D]`` values.

    Styles: ``iso`` (2021-07-01), ``mdy`` (07/01/2021), ``dmy_mon`` (1-Jul-21),
    ``dmy_dot`` (01.07.2021), ``yyyymm`` (202107, an accounting period).
    """
    d = pd.DatetimeIndex(np.asarray(dates, dtype="datetime64[D]"))
    y, m, day = d.year.to_numpy(), d.month.to_numpy(), d.day.to_numpy()
    ys = y.astype(str).astype(object)
    ms = np.char.zfill(m.astype(str), 2).astype(object)
    ds = np.char.zfill(day.astype(str), 2).astype(object)
    if style == "iso":
        return ys + "-" + ms + "-" + ds
    if style == "mdy":
        return ms + "/" + ds + "/" + ys
    if style == "dmy_dot":
        return ds + "." + ms + "." + ys
    if style == "dmy_mon":
        yy = np.char.zfill((y % 100).astype(str), 2).astype(object)
        return day.astype(str).astype(object) + "-" + _MONTHS[m - 1].astype(object) + "-" + yy
    if style == "yyyymm":
        return ys + ms
    raise ValueError(f"unknown date style {style!r}")


#: strptime formats matching :func:`format_dates` styles (for mapping files).
DATE_FORMATS = {
    "iso": "%Y-%m-%d",
    "mdy": "%m/%d/%Y",
    "dmy_mon": "%d-%b-%y",
    "dmy_dot": "%d.%m.%Y",
}


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def csv_text(
    header: Sequence[str],
    columns: Sequence[np.ndarray],
    *,
    delimiter: str = ",",
    lineterminator: str = "\n",
    quote_all: bool = False,
    title_lines: Sequence[str] = (),
) -> str:
    """A CSV document from string columns (title lines are written verbatim first)."""
    buf = io.StringIO()
    for t in title_lines:
        buf.write(t + lineterminator)
    w = csv.writer(
        buf,
        delimiter=delimiter,
        lineterminator=lineterminator,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    w.writerow(list(header))
    cols = [np.asarray(c, dtype=object) for c in columns]
    w.writerows(zip(*cols, strict=True))
    return buf.getvalue()


def write_text(path: Path, text: str, encoding: str = "utf-8", bom: bool = False) -> None:
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    write_bytes(path, data)


def write_df_csv(path: Path, df: pd.DataFrame, *, gz: bool = False) -> None:
    """Write a small table as UTF-8 CSV (LF), optionally gzipped with mtime=0."""
    text = df.to_csv(index=False, lineterminator="\n")
    data = text.encode("utf-8")
    if gz:
        bio = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=bio, mtime=0, compresslevel=9) as fh:
            fh.write(data)
        data = bio.getvalue()
    write_bytes(path, data)


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip (e.g. an openpyxl workbook) with fixed entry dates and timestamps."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    lambda m: m.group(1) + stamp + m.group(3),
                    text,
                )
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body, compresslevel=6)
    return out.getvalue()


def save_openpyxl(wb, path: Path) -> None:
    """Save an openpyxl workbook deterministically."""
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    wb.properties.creator = "cohort_helpers.synth"
    wb.properties.lastModifiedBy = "cohort_helpers.synth"
    bio = io.BytesIO()
    wb.save(bio)
    write_bytes(path, normalise_zip(bio.getvalue()))


# --------------------------------------------------------------------------
# A fast, minimal XLSX writer for the big ledgers (openpyxl is ~10x slower)
# --------------------------------------------------------------------------

_XML_ESC = [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")]


def _esc(s: pd.Series) -> pd.Series:
    for a, b in _XML_ESC:
        s = s.str.replace(a, b, regex=False)
    return s


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
# cellXfs: 0 general, 1 date (m/d/yyyy), 2 number #,##0.00, 3 bold (title/header)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="mm/dd/yyyy"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _core_xml(title: str) -> str:
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    t = title.replace("&", "&amp;").replace("<", "&lt;")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{t}</dc:title><dc:creator>cohort_helpers.synth</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel</Application></Properties>"
)


def xlsx_bytes(
    sheet_name: str,
    title_rows: Sequence[str],
    header: Sequence[str],
    columns: Sequence[tuple[str, np.ndarray]],
    *,
    blank_after_title: bool = True,
    doc_title: str = "",
) -> bytes:
    """A one-sheet XLSX with title rows, a header row and typed columns.

    ``columns`` holds ``(kind, values)`` with kind ``"s"`` (text; empty
    string means an empty cell), ``"d"`` (datetime64[D], Excel date cell),
    ``"n"`` (float, 2-decimal number cell) or ``"i"`` (integer cell).
    Row numbers in the file equal Excel row numbers (1-based).
    """
    n = len(columns[0][1]) if columns else 0
    parts: list[str] = []
    r = 0
    for t in title_rows:
        r += 1
        te = t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        parts.append(f'<row r="{r}"><c r="A{r}" t="inlineStr" s="3"><is><t>{te}</t></is></c></row>')
    if title_rows and blank_after_title:
        r += 1  # an empty row: not written at all, as Excel does
    r += 1
    hdr = "".join(
        f'<c r="{_col_letter(j)}{r}" t="inlineStr" s="3"><is><t>{h.replace("&", "&amp;")}</t></is></c>'
        for j, h in enumerate(header)
    )
    parts.append(f'<row r="{r}">{hdr}</row>')
    first = r + 1
    rows = pd.Series(np.arange(first, first + n)).astype(str)
    # shared strings: repeated vendor names and descriptions are stored once
    str_cols = [
        pd.Series(np.asarray(v, dtype=object)).fillna("").astype(str)
        for k, v in columns
        if k == "s"
    ]
    if str_cols:
        allv = pd.concat(str_cols, ignore_index=True)
        uniq = pd.unique(allv[allv != ""])
    else:
        uniq = np.array([], dtype=object)
    sst_index = pd.Series(np.arange(len(uniq)), index=uniq)
    cells = []
    for kind, vals in columns:
        # cells carry no r attribute (optional in SpreadsheetML): they follow in column
        # order, and an empty cell is written as <c/> to keep the columns aligned
        ref = pd.Series(["<c"] * n)
        if kind == "s":
            v = pd.Series(np.asarray(vals, dtype=object)).fillna("").astype(str)
            ids = v.map(sst_index)
            body = ref + ' t="s"><v>' + ids.fillna(-1).astype(int).astype(str) + "</v></c>"
            body = body.where(v != "", "<c/>")
        elif kind == "d":
            serial = (np.asarray(vals, dtype="datetime64[D]") - _EXCEL_EPOCH).astype(np.int64)
            body = ref + ' s="1"><v>' + pd.Series(serial).astype(str) + "</v></c>"
        elif kind == "n":
            cents = np.asarray(vals, dtype=np.int64)
            body = ref + ' s="2"><v>' + pd.Series(cents_to_str(cents)) + "</v></c>"
        elif kind == "i":
            iv = pd.Series(np.asarray(vals))
            body = ref + "><v>" + iv.astype(str) + "</v></c>"
            body = body.where(iv.notna(), "<c/>")
        else:  # pragma: no cover
            raise ValueError(kind)
        cells.append(body)
    if n:
        row_xml = '<row r="' + rows + '">'
        for c in cells:
            row_xml = row_xml + c
        row_xml = row_xml + "</row>"
        parts.append("".join(row_xml.tolist()))
    last_row = first + n - 1 if n else r
    dim = f"A1:{_col_letter(len(header) - 1)}{last_row}"
    widths = "".join(
        f'<col min="{j + 1}" max="{j + 1}" width="{w}" customWidth="1"/>'
        for j, w in enumerate(min(48, max(10, len(h) + 4)) for h in header)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<dimension ref="{dim}"/><cols>{widths}</cols><sheetData>'
        + "".join(parts)
        + "</sheetData></worksheet>"
    )
    sn = sheet_name.replace("&", "&amp;")
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{sn}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    esc = pd.Series(uniq, dtype=object).astype(str)
    for a, b in _XML_ESC:
        esc = esc.str.replace(a, b, regex=False)
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(uniq)}" uniqueCount="{len(uniq)}">'
        + "".join(('<si><t xml:space="preserve">' + esc + "</t></si>").tolist())
        + "</sst>"
    )
    files = [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _ROOT_RELS),
        ("docProps/app.xml", _APP_XML),
        ("docProps/core.xml", _core_xml(doc_title or sheet_name)),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", _WB_RELS),
        ("xl/styles.xml", _STYLES),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", sst),
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, text in files:
            zi = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, text.encode("utf-8"), compresslevel=9)
    return out.getvalue()


def business_days(start: np.datetime64, end: np.datetime64) -> np.ndarray:
    """Weekdays from ``start`` to ``end`` inclusive (datetime64[D])."""
    days = np.arange(start, end + np.timedelta64(1, "D"), dtype="datetime64[D]")
    return days[np.is_busday(days)]


def fy_bounds(fy: int, start_month: int) -> tuple[np.datetime64, np.datetime64]:
    """First and last day of fiscal year ``fy`` (named by the year it ends in)."""
    if start_month == 1:
        s = np.datetime64(f"{fy}-01-01")
    else:
        s = np.datetime64(f"{fy - 1}-{start_month:02d}-01")
    e = (s.astype("datetime64[M]") + np.timedelta64(12, "M")).astype(
        "datetime64[D]"
    ) - np.timedelta64(1, "D")
    return s, e
