"""Export layouts: how each member's finance system writes its ledger files.

A layout fixes the file format, columns, date and amount formats, encoding,
line endings and title rows. :func:`write_ledger` writes a file and returns
its ground truth (one row per data line, with the physical line number);
:func:`mapping_yaml` writes the matching column-mapping file
(docs/CONTRACTS.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._util import (
    DATE_FORMATS,
    cents_to_str,
    csv_text,
    format_dates,
    write_bytes,
    write_text,
    xlsx_bytes,
)


@dataclass(frozen=True)
class Layout:
    key: str
    fmt: str  # csv | xlsx
    columns: tuple[tuple[str, str], ...]  # (header, field)
    canonical: tuple[tuple[str, str], ...]  # (canonical name, header)
    date_style: str  # iso | mdy | dmy_mon | dmy_dot | cell
    amount: str  # plain | thousands_minus | thousands_parens | cell | no_plain | no_space
    encoding: str = "utf-8"
    delimiter: str = ","
    lineterminator: str = "\n"
    quote_all: bool = False
    bom: bool = False
    title: tuple[str, ...] = ()
    blank_after_title: bool = True
    has_status: bool = False
    description: str = ""

    @property
    def decimal(self) -> str:
        return "," if self.amount.startswith("no_") else "."

    @property
    def thousands(self) -> str:
        return {"plain": "", "cell": "", "no_plain": "", "no_space": " "}.get(self.amount, ",")

    def first_data_line(self) -> int:
        """Physical line (CSV) or Excel row (XLSX) of the first data line."""
        n_title = len(self.title)
        if self.fmt == "xlsx":
            return n_title + (1 if (n_title and self.blank_after_title) else 0) + 2
        return n_title + 2  # CSV: title lines (incl. blank ones) + header


LAYOUTS: dict[str, Layout] = {
    "erp_iso_csv": Layout(
        "erp_iso_csv",
        "csv",
        (
            ("Fiscal Year", "fiscal_year"),
            ("Period", "period"),
            ("Check Date", "date"),
            ("Check Number", "payment"),
            ("Vendor Number", "vendor_no"),
            ("Vendor Name", "vendor"),
            ("Invoice Number", "invoice"),
            ("Fund", "fund"),
            ("Department", "dept_name"),
            ("Object", "account"),
            ("Line Description", "description"),
            ("Amount", "amount"),
            ("Status", "status"),
        ),
        (
            ("date", "Check Date"),
            ("vendor", "Vendor Name"),
            ("department", "Department"),
            ("account", "Object"),
            ("description", "Line Description"),
            ("amount", "Amount"),
            ("invoice", "Invoice Number"),
            ("fund", "Fund"),
            ("payment_id", "Check Number"),
            ("status_text", "Status"),
        ),
        "iso",
        "plain",
        has_status=True,
        description="ERP accounts-payable export: UTF-8 CSV, LF, ISO dates, minus-sign amounts, status column (PAID/VOIDED/VOID).",
    ),
    "county_xlsx": Layout(
        "county_xlsx",
        "xlsx",
        (
            ("Posting Date", "date"),
            ("Document No", "payment"),
            ("Vendor", "vendor_no"),
            ("Vendor Name", "vendor"),
            ("Cost Center", "cost_center"),
            ("Cost Center Name", "dept_name"),
            ("G/L Account", "account"),
            ("Fund", "fund"),
            ("Item Text", "description"),
            ("Amount", "amount"),
            ("Reference", "invoice"),
            ("MCC", "mcc"),
        ),
        (
            ("date", "Posting Date"),
            ("vendor", "Vendor Name"),
            ("department", "Cost Center Name"),
            ("account", "G/L Account"),
            ("description", "Item Text"),
            ("amount", "Amount"),
            ("invoice", "Reference"),
            ("fund", "Fund"),
            ("mcc", "MCC"),
            ("payment_id", "Document No"),
        ),
        "cell",
        "cell",
        title=(
            "{NAME}",
            "Accounts Payable Line Item Report",
            "Fiscal Year {fy}: {start} to {end}",
            "Company code 1000 - all funds - amounts in USD",
        ),
        description="SAP-style XLSX report: four title rows and a blank row above the header, Excel date cells, numeric amounts, P-card lines carry an MCC.",
    ),
    "cp1252_register_csv": Layout(
        "cp1252_register_csv",
        "csv",
        (
            ("Check No", "payment"),
            ("Check Date", "date"),
            ("Vendor #", "vendor_no"),
            ("Vendor Name", "vendor"),
            ("Invoice", "invoice"),
            ("Fund", "fund"),
            ("Dept", "dept_full"),
            ("Object", "account"),
            ("Account Description", "account_desc"),
            ("Description", "description"),
            ("Amount", "amount"),
        ),
        (
            ("date", "Check Date"),
            ("vendor", "Vendor Name"),
            ("department", "Dept"),
            ("account", "Object"),
            ("description", "Description"),
            ("amount", "Amount"),
            ("invoice", "Invoice"),
            ("fund", "Fund"),
            ("payment_id", "Check No"),
        ),
        "mdy",
        "thousands_parens",
        encoding="cp1252",
        lineterminator="\r\n",
        title=("{NAME}", "CHECK REGISTER - DETAIL   FY{fy}", ""),
        description="Legacy check register: Windows-1252 CSV, CRLF, two title lines and a blank line above the header, MM/DD/YYYY dates, amounts 1,234.56 and (123.45).",
    ),
    "dmy_mcc_csv": Layout(
        "dmy_mcc_csv",
        "csv",
        (
            ("Trans Date", "date"),
            ("Voucher ID", "payment"),
            ("Payee", "vendor"),
            ("Payee ID", "vendor_no"),
            ("Org", "dept_full"),
            ("Account", "account"),
            ("Memo", "description"),
            ("Amount", "amount"),
            ("Invoice No", "invoice"),
            ("MCC", "mcc"),
        ),
        (
            ("date", "Trans Date"),
            ("vendor", "Payee"),
            ("department", "Org"),
            ("account", "Account"),
            ("description", "Memo"),
            ("amount", "Amount"),
            ("invoice", "Invoice No"),
            ("mcc", "MCC"),
            ("payment_id", "Voucher ID"),
        ),
        "dmy_mon",
        "thousands_minus",
        encoding="utf-8-sig",
        lineterminator="\r\n",
        quote_all=True,
        bom=True,
        description="Finance-system voucher export: UTF-8 with BOM, CRLF, every field quoted, dates 1-Jul-21, amounts -1,234.56, P-card lines carry an MCC.",
    ),
    "report_xlsx": Layout(
        "report_xlsx",
        "xlsx",
        (
            ("Date", "date"),
            ("Vendor", "vendor"),
            ("Department", "dept_name"),
            ("Account", "account"),
            ("Description", "description"),
            ("Amount", "amount"),
            ("Invoice #", "invoice"),
            ("Check #", "payment"),
        ),
        (
            ("date", "Date"),
            ("vendor", "Vendor"),
            ("department", "Department"),
            ("account", "Account"),
            ("description", "Description"),
            ("amount", "Amount"),
            ("invoice", "Invoice #"),
            ("payment_id", "Check #"),
        ),
        "mdy",
        "text_thousands_parens",
        title=("{NAME} - Expenditure Detail by Vendor", "Fiscal year {fy} ({start} - {end})"),
        description="Report-writer XLSX: two title rows and a blank row, dates and amounts stored as text (07/01/2021, (1,234.56)).",
    ),
    "pcard_csv": Layout(
        "pcard_csv",
        "csv",
        (
            ("Transaction Date", "date"),
            ("Post Date", "post_date"),
            ("Cardholder", "cardholder"),
            ("Department", "dept_name"),
            ("Merchant Name", "vendor"),
            ("MCC", "mcc"),
            ("Amount", "amount"),
            ("GL Account", "account"),
            ("Memo", "description"),
        ),
        (
            ("date", "Transaction Date"),
            ("vendor", "Merchant Name"),
            ("department", "Department"),
            ("account", "GL Account"),
            ("description", "Memo"),
            ("amount", "Amount"),
            ("mcc", "MCC"),
        ),
        "mdy",
        "plain",
        description="Card-issuer P-card transaction file: UTF-8 CSV, MM/DD/YYYY dates, one line per card transaction with its MCC.",
    ),
    "no_visma_csv": Layout(
        "no_visma_csv",
        "csv",
        (
            ("Periode", "period_no"),
            ("Bilagsdato", "date"),
            ("Bilagsnr", "payment"),
            ("Leverandørnr", "vendor_no"),
            ("Leverandør", "vendor"),
            ("Ansvar", "dept_full"),
            ("Art", "account"),
            ("Funksjon", "function"),
            ("Prosjekt", "project"),
            ("Tekst", "description"),
            ("Beløp", "amount"),
            ("Investering", "capital_flag"),
            ("Rammeavtale", "joint"),
        ),
        (
            ("date", "Bilagsdato"),
            ("vendor", "Leverandør"),
            ("department", "Ansvar"),
            ("account", "Art"),
            ("description", "Tekst"),
            ("amount", "Beløp"),
            ("function", "Funksjon"),
            ("payment_id", "Bilagsnr"),
            ("capital_flag", "Investering"),
            ("joint_agreement", "Rammeavtale"),
        ),
        "dmy_dot",
        "no_plain",
        delimiter=";",
        description="Norwegian general-ledger export (Visma style): UTF-8, semicolons, dd.mm.yyyy, decimal comma, KOSTRA art and function codes, J/N flags.",
    ),
    "no_agresso_latin1": Layout(
        "no_agresso_latin1",
        "csv",
        (
            ("Dato", "date"),
            ("Bilag", "payment"),
            ("Lev.nr", "vendor_no"),
            ("Leverandørnavn", "vendor"),
            ("Ansvarssted", "dept_full"),
            ("Konto (art)", "account"),
            ("Funksjon", "function"),
            ("Beskrivelse", "description"),
            ("Beløp NOK", "amount"),
            ("Inv.", "capital_flag"),
            ("Rammeavtale", "joint"),
        ),
        (
            ("date", "Dato"),
            ("vendor", "Leverandørnavn"),
            ("department", "Ansvarssted"),
            ("account", "Konto (art)"),
            ("description", "Beskrivelse"),
            ("amount", "Beløp NOK"),
            ("function", "Funksjon"),
            ("payment_id", "Bilag"),
            ("capital_flag", "Inv."),
            ("joint_agreement", "Rammeavtale"),
        ),
        "dmy_dot",
        "no_space",
        encoding="latin-1",
        delimiter=";",
        lineterminator="\r\n",
        title=("{NAME} - Hovedbok utgifter {fy}",),
        description="Norwegian ledger export (Agresso style): Latin-1, CRLF, one title line, semicolons, dd.mm.yyyy, amounts 12 345,67, KOSTRA codes, J/N flags.",
    ),
}


def _amounts(cents: np.ndarray, style: str) -> np.ndarray:
    if style == "plain":
        return cents_to_str(cents)
    if style == "thousands_minus":
        return cents_to_str(cents, thousands=",")
    if style in ("thousands_parens", "text_thousands_parens"):
        return cents_to_str(cents, thousands=",", negative="parens")
    if style == "no_plain":
        return cents_to_str(cents, decimal=",")
    if style == "no_space":
        return cents_to_str(cents, decimal=",", thousands=" ")
    raise ValueError(style)


def _title(lines: tuple[str, ...], name: str, fy: int, start: str, end: str) -> list[str]:
    return [t.format(NAME=name.upper(), fy=fy, start=start, end=end) for t in lines]


def write_ledger(
    path: Path,
    layout: Layout,
    df: pd.DataFrame,
    *,
    name: str,
    fy: int,
    start: np.datetime64,
    end: np.datetime64,
) -> pd.DataFrame:
    """Write ``df`` (canonical fields) in ``layout``; return its truth table."""
    n = len(df)
    sdate = format_dates(np.array([start]), "mdy")[0]
    edate = format_dates(np.array([end]), "mdy")[0]
    titles = _title(layout.title, name, fy, sdate, edate)
    headers = [h for h, _ in layout.columns]
    if layout.fmt == "csv":
        cols = []
        for _h, f in layout.columns:
            if f == "date":
                cols.append(format_dates(df["date"].to_numpy(), layout.date_style))
            elif f == "post_date":
                cols.append(format_dates(df["post_date"].to_numpy(), layout.date_style))
            elif f == "amount":
                cols.append(_amounts(df["cents"].to_numpy(), layout.amount))
            else:
                cols.append(df[f].fillna("").astype(str).to_numpy(dtype=object))
        text = csv_text(
            headers,
            cols,
            delimiter=layout.delimiter,
            lineterminator=layout.lineterminator,
            quote_all=layout.quote_all,
            title_lines=titles,
        )
        enc = "utf-8" if layout.encoding == "utf-8-sig" else layout.encoding
        write_text(path, text, encoding=enc, bom=layout.bom)
    else:
        cols = []
        for _h, f in layout.columns:
            if f == "date":
                if layout.date_style == "cell":
                    cols.append(("d", df["date"].to_numpy()))
                else:
                    cols.append(("s", format_dates(df["date"].to_numpy(), layout.date_style)))
            elif f == "amount":
                if layout.amount == "cell":
                    cols.append(("n", df["cents"].to_numpy()))
                else:
                    cols.append(("s", _amounts(df["cents"].to_numpy(), layout.amount)))
            else:
                cols.append(("s", df[f].fillna("").astype(str).to_numpy(dtype=object)))
        data = xlsx_bytes(
            "AP Detail" if layout.key == "county_xlsx" else "Report",
            titles,
            headers,
            cols,
            blank_after_title=layout.blank_after_title,
            doc_title=f"{name} FY{fy}",
        )
        write_bytes(path, data)
    first = layout.first_data_line()
    truth = pd.DataFrame(
        {
            "source_file": path.name,
            "source_line": np.arange(first, first + n),
            "true_status": df["t_status"].to_numpy(),
            "true_reason": df["t_reason"].fillna("").to_numpy(),
            "true_naics6": df["t_naics"].fillna("").to_numpy(),
            "true_capital": df["t_capital"].astype(int).to_numpy(),
        }
    )
    return truth


def mapping_yaml(
    layout: Layout, *, member_name: str, fy_start_month: int, currency: str, note: str = ""
) -> str:
    """Column mapping (docs/CONTRACTS.md) for a layout and member."""

    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)

    lines = [
        f"# Column mapping: {member_name}, layout {layout.key}.",
        f"# {layout.description}",
    ]
    if note:
        lines.append(f"# {note}")
    if layout.title:
        n = len(layout.title) + (1 if layout.fmt == "xlsx" and layout.blank_after_title else 0)
        lines.append(f"# The header is on line {n + 1}: {n} title/blank line(s) come first.")
    lines += [f"layout: {layout.key}", "columns:"]
    for canon, header in layout.canonical:
        lines.append(f"  {canon}: {q(header)}")
    date_format = "auto" if layout.date_style == "cell" else DATE_FORMATS[layout.date_style]
    lines.append(f"date_format: {q(date_format)}")
    lines.append(f"decimal: {q(layout.decimal)}")
    lines.append(f"thousands: {q(layout.thousands)}")
    if layout.fmt == "csv":
        lines.append(f"delimiter: {q(layout.delimiter)}")
        lines.append(f"encoding: {q(layout.encoding)}")
    else:
        lines.append("sheet: 0")
    lines.append(f"currency: {currency}")
    lines.append(f"fiscal_year_start_month: {fy_start_month}")
    return "\n".join(lines) + "\n"
