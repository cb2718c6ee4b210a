"""Files that are safe to open: one neutralising rule per format (CSV, XLSX, HTML).

Everything the project writes for people to open goes through this module:
inventory tables, survey workbooks and web forms, distribution lists,
problem tables, anonymised exports, the policy brief, the notebooks' helper
tables. Text in those files often comes from outside (vendor names,
department names, a survey instrument someone else wrote), so:

- **CSV and XLSX**: a text cell that a spreadsheet would run as a formula
  (it starts with ``= + - @``, a tab, a carriage return or a line feed) is
  written with a leading apostrophe (``'=HYPERLINK(...)``), the usual
  spreadsheet convention for "this is text". Numbers stay numbers.
  :func:`restore_text` undoes it when the project reads its own files back.
  Workbooks are written with formulas switched off (``strings_to_formulas``
  is false), so no text ever becomes a live formula.
- **HTML**: text is escaped (:func:`html_text`, :func:`html_attr`); data put
  inside ``<script>`` is JSON with ``<``, ``>``, ``&`` and the JavaScript line
  separators escaped (:func:`script_json`), so a value such as
  ``</script><script>alert(2)</script>`` stays a string.

Files are written to a temporary name beside the target and renamed at the
end, so a stopped run never leaves half a file under the real name.

Examples
--------
>>> import pandas as pd
>>> neutralise(pd.DataFrame({"v": ['=HYPERLINK("http://x","click")', "ok", "-x"]}))["v"].tolist()
['\\'=HYPERLINK("http://x","click")', 'ok', "'-x"]
>>> script_json("</script><script>alert(2)</script>")
'"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(2)\\\\u003c/script\\\\u003e"'
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "FORMULA_START",
    "EXCEL_MAX_ROWS",
    "is_risky",
    "neutralise",
    "neutralise_value",
    "restore_text",
    "neutralise_workbook",
    "write_csv",
    "write_xlsx",
    "html_text",
    "html_attr",
    "script_json",
    "write_text",
    "atomic_path",
]

#: First characters that make a spreadsheet treat text as a formula (OWASP list, plus LF).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Rows of one Excel sheet, header included (Excel's hard limit).
EXCEL_MAX_ROWS = 1_048_576


def is_risky(value: Any) -> bool:
    """True when ``value`` is text a spreadsheet would run as a formula.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    bool
        True for a str starting with one of :data:`FORMULA_START`; False for
        anything else (numbers included, negative ones too).

    Examples
    --------
    >>> is_risky("=1+1"), is_risky("ok"), is_risky(-5)
    (True, False, False)
    """
    return isinstance(value, str) and value.startswith(FORMULA_START)


def neutralise_value(value: Any) -> Any:
    """One cell: risky text gets a leading apostrophe; anything else is unchanged.

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        ``"'" + value`` when :func:`is_risky`, else ``value`` itself.

    Examples
    --------
    >>> neutralise_value("@SUM(A1)"), neutralise_value(3.5)
    ("'@SUM(A1)", 3.5)
    """
    return "'" + value if is_risky(value) else value


def _text_columns(frame: pd.DataFrame) -> list:
    return [
        c
        for c in frame.columns
        if frame[c].dtype == object
        or pd.api.types.is_string_dtype(frame[c])
        or isinstance(frame[c].dtype, pd.CategoricalDtype)
    ]


def _risky_values(s: pd.Series) -> list:
    """The distinct values of a (non-categorical) column that :func:`is_risky` flags, in order."""
    if isinstance(s.dtype, pd.StringDtype):
        # vectorised on the text column, then the distinct hits only
        hit = s.str.startswith(FORMULA_START, na=False).to_numpy(dtype=bool)
        if not hit.any():
            return []
        return pd.unique(s[hit].to_numpy(dtype=object)).tolist()
    uniq = pd.unique(s.to_numpy(dtype=object, na_value=None))
    return [u for u in uniq if is_risky(u)]


def neutralise(frame: pd.DataFrame, *, index: bool = False) -> pd.DataFrame:
    """The CSV/XLSX rule for a whole table: risky text cells get a leading apostrophe.

    Vectorised: each text column is checked on its distinct values only, so
    a million-line table with a few thousand distinct vendors takes well under
    a second. Column names (and the index, with ``index=True``) are
    neutralised too. The input is not modified.

    Parameters
    ----------
    frame : DataFrame
    index : bool
        Also neutralise the index labels.

    Returns
    -------
    DataFrame
        A copy (only columns that needed a change are new objects).

    Examples
    --------
    >>> df = pd.DataFrame({"=x": ["+1", "a"], "n": [-1, 2]})
    >>> out = neutralise(df)
    >>> out.columns.tolist(), out["'=x"].tolist(), out["n"].tolist()
    (["'=x", 'n'], ["'+1", 'a'], [-1, 2])
    """
    out = frame.copy(deep=False)
    for col in _text_columns(frame):
        s = frame[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = s.cat.categories
            if any(is_risky(c) for c in cats):
                out[col] = s.cat.rename_categories([neutralise_value(c) for c in cats])
            continue
        risky = _risky_values(s)
        if not risky:
            continue
        fixed = {u: "'" + u for u in risky}
        mask = s.isin(risky).to_numpy()
        new = s.astype(object).copy()
        new[mask] = s[mask].map(fixed)
        out[col] = new
    if any(is_risky(c) for c in out.columns):
        out.columns = [neutralise_value(c) for c in out.columns]
    if index:
        if isinstance(out.index, pd.MultiIndex):
            out.index = pd.MultiIndex.from_tuples(
                [tuple(neutralise_value(v) for v in t) for t in out.index], names=out.index.names
            )
        elif out.index.dtype == object:
            out.index = pd.Index([neutralise_value(v) for v in out.index], name=out.index.name)
    return out


def restore_text(value: Any) -> Any:
    """Undo :func:`neutralise_value` when reading back a file this project wrote.

    Parameters
    ----------
    value : object
        A cell value read back.

    Returns
    -------
    object
        ``value`` without the leading apostrophe when what follows it would be
        risky; else ``value`` unchanged (text that merely starts with ``'`` too).

    Examples
    --------
    >>> restore_text("'=1+1"), restore_text("'quoted"), restore_text("plain")
    ('=1+1', "'quoted", 'plain')
    """
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def neutralise_workbook(workbook) -> int:
    """Make every text cell of an openpyxl workbook inert; returns how many changed.

    openpyxl stores any text starting with ``=`` as a formula. For workbooks
    built cell by cell (the survey workbook), call this just before
    ``save``: every formula cell and every risky text cell becomes a text
    cell with a leading apostrophe. Use it only on workbooks that should hold
    no formulas.

    Parameters
    ----------
    workbook : openpyxl.Workbook
        Changed in place.

    Returns
    -------
    int
        How many cells were changed.

    Examples
    --------
    >>> import openpyxl
    >>> wb = openpyxl.Workbook(); wb.active["A1"] = '=HYPERLINK("http://x","click")'
    >>> neutralise_workbook(wb), wb.active["A1"].data_type, wb.active["A1"].value[:3]
    (1, 's', "'=H")
    """
    changed = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, str) and (cell.data_type == "f" or is_risky(v)):
                    cell.value = "'" + v
                    cell.data_type = "s"
                    changed += 1
    return changed


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` only on success.

    The temporary file starts with ``.`` and ends with ``.part``; it is removed
    when the block raises (including ``KeyboardInterrupt`` and the
    ``SystemExit`` the CLI raises on SIGTERM).

    Parameters
    ----------
    path : str or path-like
        The file to write (its folder is created if missing).

    Yields
    ------
    Path
        The temporary file to write; it becomes ``path`` when the block ends
        without an error.

    Examples
    --------
    >>> with atomic_path("report.txt") as tmp:
    ...     _ = tmp.write_text("done")
    ...     print(tmp.name.startswith(".report.txt."), tmp.suffix, Path("report.txt").exists())
    True .part False
    >>> Path("report.txt").read_text()
    'done'
    >>> try:
    ...     with atomic_path("broken.txt") as tmp:
    ...         _ = tmp.write_text("half")
    ...         raise RuntimeError("stopped")
    ... except RuntimeError:
    ...     pass
    >>> Path("broken.txt").exists(), list(Path(".").glob(".broken.txt.*"))
    (False, [])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a fresh name, created by the writer itself (so the file gets the usual permissions)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.part"
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_csv(
    frame: pd.DataFrame, path: str | os.PathLike, *, index: bool = False, **kwargs: Any
) -> Path:
    """Write a table as UTF-8 CSV with risky text neutralised (see :func:`neutralise`).

    Parameters
    ----------
    frame : DataFrame
    path : path
        Written atomically (temporary file, then rename).
    index : bool
        Write the index (named indexes are usually worth keeping).
    **kwargs
        Passed to :meth:`pandas.DataFrame.to_csv` (``lineterminator`` ...).

    Returns
    -------
    Path

    Examples
    --------
    >>> str(write_csv(pd.DataFrame({"v": ["=1", "ok"], "n": [-1, 2]}), "t.csv"))
    't.csv'
    >>> print(Path("t.csv").read_text(), end="")
    v,n
    '=1,-1
    ok,2
    """
    kwargs.setdefault("encoding", "utf-8")
    safe = _no_bare_cr(neutralise(frame, index=index))
    with atomic_path(path) as tmp:
        if not (len(safe) >= FAST_CSV_ROWS and _arrow_csv(safe, tmp, index=index, **kwargs)):
            safe.to_csv(tmp, index=index, **kwargs)
    return Path(path)


def _no_bare_cr(frame: pd.DataFrame) -> pd.DataFrame:
    """Carriage returns inside text become line feeds.

    Python's CSV writer quotes a field with ``\\n`` but not one with a bare
    ``\\r``, which spreadsheets then read as a row break.
    """
    out = frame
    for col in _text_columns(frame):
        s = frame[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        if isinstance(s.dtype, pd.StringDtype):
            # vectorised on the text column, then the distinct hits only
            hit = s.str.contains("\r", regex=False, na=False).to_numpy(dtype=bool)
            uniq = pd.unique(s[hit].to_numpy(dtype=object)).tolist() if hit.any() else []
        else:
            uniq = [
                u for u in pd.unique(s.to_numpy(dtype=object)) if isinstance(u, str) and "\r" in u
            ]
        if uniq:
            if out is frame:
                out = frame.copy(deep=False)
            fixed = {u: u.replace("\r\n", "\n").replace("\r", "\n") for u in uniq}
            mask = s.isin(uniq).to_numpy()
            new = s.astype(object).copy()
            new[mask] = s[mask].map(fixed)
            out[col] = new
    return out


#: Tables at least this long are written with pyarrow's CSV writer when it is
#: installed (about ten times faster than pandas: 1,000,000 lines in about a second).
FAST_CSV_ROWS = 50_000


def _arrow_csv(frame: pd.DataFrame, path: Path, *, index: bool, **kwargs: Any) -> bool:
    """Write with pyarrow; False (nothing written) when it cannot be used for this table."""
    if set(kwargs) - {"encoding", "lineterminator"} or kwargs.get("encoding") not in (
        "utf-8",
        "utf8",
    ):
        return False
    if kwargs.get("lineterminator", "\n") != "\n":
        return False
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        return False
    df = frame.reset_index() if index else frame
    df = df.copy(deep=False)
    df.columns = [str(c) for c in df.columns]
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            # pandas' spelling (True/False, ISO dates), on distinct values only
            text = s.astype(object).where(s.notna(), None)
            uniq = pd.unique(text.to_numpy(dtype=object))
            spelled = {
                u: (u.isoformat(sep=" ") if hasattr(u, "isoformat") else str(u))
                for u in uniq
                if u is not None
            }
            if (
                pd.api.types.is_datetime64_any_dtype(s)
                and (s.dropna().dt.normalize() == s.dropna()).all()
            ):
                spelled = {u: v[:10] for u, v in spelled.items()}
            df[c] = text.map(spelled)
    try:
        table = pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError, TypeError):
        return False
    pacsv.write_csv(table, str(path), pacsv.WriteOptions(quoting_style="needed"))
    return True


def _cell_columns(frame: pd.DataFrame) -> list[np.ndarray]:
    """Per column: an object array of Python values, None for missing (xlsxwriter-ready)."""
    cols = []
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_bool_dtype(s) and not s.hasnans:
            arr = s.to_numpy(dtype=object)
        elif pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            f = s.to_numpy(dtype=float, na_value=np.nan)
            arr = f.astype(object)
            arr[~np.isfinite(f)] = None
        elif pd.api.types.is_datetime64_any_dtype(s):
            arr = s.dt.strftime("%Y-%m-%d").to_numpy(dtype=object, na_value=None)
        else:
            arr = s.astype(object).to_numpy()
            missing = pd.isna(s).to_numpy()
            if missing.any():
                arr = arr.copy()
                arr[missing] = None
            # anything that is not a plain str/number (lists, Decimals ...) as text
            odd = np.fromiter(
                (v is not None and not isinstance(v, str | int | float) for v in pd.unique(arr)),
                dtype=bool,
            )
            if odd.any():
                arr = np.array(
                    [v if v is None or isinstance(v, str | int | float) else str(v) for v in arr],
                    dtype=object,
                )
        cols.append(arr)
    return cols


def write_xlsx(
    path: str | os.PathLike,
    sheets: Mapping[str, pd.DataFrame],
    *,
    max_rows: int | None = None,
    note: str = "",
    column_width: int = 18,
) -> dict[str, int]:
    """Write tables into one workbook, formula-safe and fast (xlsxwriter, constant memory).

    Parameters
    ----------
    path : path
        The ``.xlsx`` file (written atomically).
    sheets : mapping sheet name -> DataFrame
        Written in order; names are cut to Excel's 31 characters. A named
        index is written as columns.
    max_rows : int, optional
        At most this many data rows per sheet (default: as many as Excel
        holds, 1,048,574 plus the header and a note row). A longer table is
        cut and its last row says so (``note``, or a default naming how many
        rows were left out).
    note : str
        Text of the note row of a cut sheet, e.g. ``"the full line table is
        in lines.csv and lines.parquet"``.
    column_width : int
        Width of every column.

    Returns
    -------
    dict sheet name -> rows written (data rows, without header and note).

    Examples
    --------
    >>> write_xlsx("t.xlsx", {"lines": pd.DataFrame({"a": [1, 2, 3]})}, max_rows=2,
    ...            note="the full table is in lines.csv")
    {'lines': 2}
    >>> pd.read_excel("t.xlsx")["a"].tolist()  # the last row says the sheet was cut
    [1, 2, 'Only the first 2 of 3 rows are in this sheet; the full table is in lines.csv']
    """
    import xlsxwriter

    limit = EXCEL_MAX_ROWS - 2  # header and note row
    if max_rows is not None:
        limit = max(0, min(int(max_rows), limit))
    written: dict[str, int] = {}
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        try:
            bold = wb.add_format({"bold": True})
            for name, frame in sheets.items():
                if any(n is not None for n in frame.index.names):
                    frame = frame.reset_index()
                n_total = len(frame)
                cut = n_total > limit
                frame = neutralise(frame.iloc[:limit] if cut else frame)
                ws = wb.add_worksheet(str(name)[:31])
                ws.set_column(0, max(len(frame.columns) - 1, 0), column_width)
                ws.write_row(0, 0, [str(c) for c in frame.columns], bold)
                cols = _cell_columns(frame)
                write_row = ws.write_row
                for r, values in enumerate(zip(*cols, strict=True), start=1):
                    write_row(r, 0, values)
                if cut:
                    ws.write_string(
                        len(frame) + 1,
                        0,
                        neutralise_value(
                            f"Only the first {len(frame):,} of {n_total:,} rows are in this sheet; "
                            + (note or "the full table is in the CSV file beside this workbook.")
                        ),
                        bold,
                    )
                written[str(name)[:31]] = len(frame)
        finally:
            wb.close()
    return written


def html_text(text: Any) -> str:
    """Text for HTML element content or attributes: ``& < > " '`` escaped.

    Parameters
    ----------
    text : object
        Any value (turned into text; None gives ``""``).

    Returns
    -------
    str
        The escaped text.

    Examples
    --------
    >>> html_text('<b>"x"</b>')
    '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
    """
    return html.escape("" if text is None else str(text), quote=True)


def html_attr(text: Any) -> str:
    """A quoted-attribute value (same escaping as :func:`html_text`); use inside ``"..."``.

    Parameters
    ----------
    text : object
        Any value (turned into text; None gives ``""``).

    Returns
    -------
    str
        The escaped text, safe between double (or single) quotes.

    Examples
    --------
    >>> '<input value="' + html_attr('x" onfocus="alert(1)') + '">'
    '<input value="x&quot; onfocus=&quot;alert(1)">'
    """
    return html_text(text)


_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> str:
    """JSON for a ``<script>`` block: cannot close the script or start markup.

    Parameters
    ----------
    value : object
        Anything :func:`json.dumps` accepts.

    Returns
    -------
    str
        The JSON text, with ``<``, ``>``, ``&`` and the line separators
        U+2028/U+2029 written as ``\\uXXXX`` escapes (the same value to JavaScript).

    Examples
    --------
    >>> script_json({"dept": "A&B <x>"})
    '{"dept": "A\\\\u0026B \\\\u003cx\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    for ch, rep in _SCRIPT_ESCAPES.items():
        text = text.replace(ch, rep)
    return text


def write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> Path:
    """Write a text file (HTML, Markdown, README) atomically. Escape its content first.

    Parameters
    ----------
    path : str or path-like
        The file (written through :func:`atomic_path`).
    text : str
        The whole content, already escaped for its format (:func:`html_text`).
    encoding : str
        Text encoding.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> str(write_text("note.html", f"<p>{html_text('A&B <Ltd>')}</p>"))
    'note.html'
    >>> Path("note.html").read_text()
    '<p>A&amp;B &lt;Ltd&gt;</p>'
    """
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(path)
