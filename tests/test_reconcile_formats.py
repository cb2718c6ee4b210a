"""Ledgers in random real-world formats keep the reconciliation invariant to the cent.

Hypothesis writes the same payments as exports of different finance systems
(delimiter, encoding, BOM, line endings, title lines above the header, amount
and date styles, blank rows) and runs the whole inventory on each: every
line read is counted once and input = included + excluded + unclassified,
with the input equal to the payments written.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohort_helpers.inventory import run_inventory

_VENDORS = ["ACME PAVING LLC", "CITY OF SPRINGFIELD", "Staples", "Jo Bloggs", "ØST AS", "Café Nord"]
_ACCOUNTS = ["Office Supplies", "Electricity", "Grants", "Contractual Construction", "Refund"]


def _amount(cents: int, style: str) -> str:
    neg, c = cents < 0, abs(cents)
    units, frac = divmod(c, 100)
    us = f"{units:,}"
    if style == "plain":
        return f"{'-' if neg else ''}{units}.{frac:02d}"
    if style == "us":
        return f"{'-' if neg else ''}{us}.{frac:02d}"
    if style == "parens":
        return f"({us}.{frac:02d})" if neg else f"{us}.{frac:02d}"
    if style == "trailing_space":
        return f"{'-' if neg else ''}{us}.{frac:02d} "
    # European: space or dot for thousands, comma for decimals
    sep = {"eu_space": " ", "eu_dot": "."}[style]
    return f"{'-' if neg else ''}{us.replace(',', sep)},{frac:02d}"


_DATES = {"iso": "%Y-%m-%d", "us": "%m/%d/%Y", "uk": "%d/%m/%Y"}


@pytest.mark.slow
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payments=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=28),
            st.sampled_from(_VENDORS),
            st.sampled_from(_ACCOUNTS),
            st.integers(min_value=-(10**8), max_value=10**9),
        ),
        min_size=1,
        max_size=25,
    ),
    style=st.sampled_from(["plain", "us", "parens", "trailing_space", "eu_space", "eu_dot"]),
    date_style=st.sampled_from(sorted(_DATES)),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    titles=st.integers(min_value=0, max_value=2),
    blank_every=st.sampled_from([0, 3, 7]),
)
def test_reconciliation_holds_in_every_format(
    tmp_path, payments, style, date_style, encoding, newline, titles, blank_every
):
    eu = style.startswith("eu_")
    delim = ";" if eu else ","
    rows = []
    for i, (day, vendor, account, cents) in enumerate(payments):
        date = pd.Timestamp(2023, 3, day).strftime(_DATES[date_style])
        rows.append(delim.join([date, f'"{vendor}"', f'"{account}"', f'"{_amount(cents, style)}"']))
        if blank_every and i % blank_every == blank_every - 1:
            rows.append(delim * 3)  # an all-empty row, as spreadsheets export
    lines = [f"Title {k}" for k in range(titles)]
    lines.append(delim.join(["Payment Date", "Supplier Name", "Expense Type", "Amount"]))
    text = newline.join(lines + rows) + newline
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    mapping = {
        "columns": {
            "date": "Payment Date",
            "vendor": "Supplier Name",
            "description": "Expense Type",
            "amount": "Amount",
        },
        "decimal": "," if eu else ".",
        "date_format": _DATES[date_style],
        "currency": "NOK" if eu else "USD",
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inv = run_inventory(
            [path],
            member="formats",
            mapping=mapping,
            fiscal_year=2023,
            country="NO" if eu else "US",
            n_draws=0,
            progress=False,
        )
    rec = inv.reconciliation.set_index("bucket")
    assert int(rec.loc["input", "lines"]) == len(payments)
    assert int(rec.loc["input", "cents"]) == sum(c for *_, c in payments)
    assert int(rec.loc["check", "difference_cents"]) == 0
    assert int(rec.loc["check", "lines"]) == 0
    assert sorted(inv.lines["source_line"]) == sorted(set(inv.lines["source_line"]))
