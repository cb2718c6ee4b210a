"""A small, strict reader for the cohort's own ledger files (used by ``describe`` and tests).

It honours the mapping file's hints and returns the mapped columns as text
plus ``source_line`` and a parsed ``amount``. It is not the engine's
``ledger.read_ledger`` (that one handles participants' files); it exists so
the generator can check its own output independently of the engine.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import yaml


def load_mapping(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _parse_amount(values: pd.Series, decimal: str, thousands: str) -> np.ndarray:
    s = values.astype(str).str.strip()
    neg = s.str.startswith("(") & s.str.endswith(")")
    s = s.str.strip("()")
    if thousands:
        s = s.str.replace(thousands, "", regex=False)
    if decimal == ",":
        s = s.str.replace(",", ".", regex=False)
    out = pd.to_numeric(s, errors="raise").to_numpy(dtype=float)
    return np.where(neg, -out, out)


def read_raw(path: str | Path, mapping: dict) -> pd.DataFrame:
    """Mapped columns of a ledger (text), ``source_line`` and ``amount`` (float)."""
    path = Path(path)
    cols = mapping["columns"]
    wanted = list(cols.values())
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[int(mapping.get("sheet", 0) or 0)]
        rows = []
        header_at = None
        header: list = []
        for rno, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if header_at is None:
                vals = [str(v) if v is not None else "" for v in row]
                if all(w in vals for w in wanted):
                    header_at, header = rno, vals
                continue
            rows.append((rno, list(row) + [None] * (len(header) - len(row))))
        wb.close()
        if header_at is None:
            raise ValueError(f"{path}: header row with {wanted} not found")
        data = {c: [r[1][header.index(h)] for r in rows] for c, h in cols.items()}
        df = pd.DataFrame(data)
        df.insert(0, "source_line", [r[0] for r in rows])
        amt = df["amount"]
        if amt.map(lambda v: isinstance(v, (int, float))).all():
            df["amount"] = amt.astype(float)
        else:
            df["amount"] = _parse_amount(
                amt, mapping.get("decimal", "."), mapping.get("thousands", "")
            )
        return df
    raw = path.read_bytes()
    enc = mapping.get("encoding", "utf-8")
    text = raw.decode("utf-8-sig" if enc in ("utf-8", "utf-8-sig") else enc)
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    delim = mapping.get("delimiter", ",")
    header_at = None
    for i, line in enumerate(lines):
        fields = next(csv.reader([line], delimiter=delim)) if line else []
        if all(w in fields for w in wanted):
            header_at = i
            break
    if header_at is None:
        raise ValueError(f"{path}: header line with {wanted} not found")
    body = "\n".join(lines[header_at:])
    df = pd.read_csv(io.StringIO(body), sep=delim, dtype=str, keep_default_na=False)
    df = df[wanted].copy()
    df.columns = list(cols.keys())
    df.insert(0, "source_line", np.arange(header_at + 2, header_at + 2 + len(df)))
    df["amount"] = _parse_amount(
        df["amount"], mapping.get("decimal", "."), mapping.get("thousands", "")
    )
    return df


def load_truth(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(
        path,
        dtype={"true_naics6": str, "true_reason": str, "source_file": str},
        keep_default_na=False,
    )
