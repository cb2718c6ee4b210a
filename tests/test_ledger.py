"""Reading accounts-payable exports: every ledger reality, every bad input."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohort_helpers import ledger as L

FX = Path(__file__).parent / "fixtures" / "ledgers"
BASIC = {"columns": {"date": "Invoice Date", "vendor": "Vendor Name", "amount": "Amount"}}


def read(name: str, mapping=None, **kw) -> pd.DataFrame:
    path = FX / name
    if mapping is None:
        mapping = path.with_suffix(".yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", L.LedgerWarning)
        return L.read_ledger(path, mapping, **kw)


def cents(s: pd.Series) -> list[int]:
    return [int(round(x * 100)) for x in s]


# ---------------------------------------------------------------------------
# realities
# ---------------------------------------------------------------------------


def test_us_export_with_title_rows_and_formats():
    with pytest.warns(L.LedgerWarning, match=r"skipped 1 empty line\(s\): 12"):
        df = L.read_ledger(FX / "us_commas.csv", FX / "us_commas.yaml")
    assert list(df.columns) == L.CANONICAL_COLUMNS
    assert df.attrs["header_line"] == 4
    assert df.attrs["skipped_lines"] == [12]
    # physical lines: title (1-2), blank (3), header (4), data from 5, empty line 12 skipped
    assert df["source_line"].tolist()[:8] == [5, 6, 7, 8, 9, 10, 11, 13]
    assert df["source_file"].unique().tolist() == ["us_commas.csv"]
    by_line = df.set_index("source_line")
    assert by_line.loc[5, "amount"] == 1234.56  # "1,234.56"
    assert by_line.loc[7, "amount"] == -123.45  # (123.45)
    assert by_line.loc[16, "amount"] == -45000.00  # -45000.00
    assert by_line.loc[20, "amount"] == -25.00  # 25.00-
    assert by_line.loc[22, "amount"] == 38500.00  # "$38,500.00"
    assert pd.isna(by_line.loc[7, "description"])  # blank description stays blank
    assert by_line.loc[16, "status_text"] == "VOID"
    assert by_line.loc[24, "mcc"] == "5812"
    assert by_line.loc[5, "vendor"] == "Grainger, W W"
    assert by_line.loc[5, "date"] == pd.Timestamp("2021-07-01")
    # FY starts in July and is named by the year it ends in
    assert (df["fiscal_year"] == 2022).all()
    assert (df["currency"] == "USD").all()
    assert df["date"].dtype == "datetime64[ns]"
    assert df["amount"].dtype == "float64"
    assert df["account"].tolist()[0] == "5210"
    assert df["capital_flag"].isna().all() and df["fund"].isna().all()


def test_norwegian_latin1_semicolon_decimal_comma():
    df = read("no_latin1.csv")
    assert df.attrs["delimiter"] == ";"
    assert df.attrs["decimal"] == ","
    assert df["vendor"].tolist()[0] == "Kontorrekvisita Ålesund AS"
    assert df["vendor"].tolist()[3] == "Ærlig Bygg AS"
    assert df["department"].tolist()[1] == "Skole"
    assert df["description"].tolist()[1] == "Lærebøker, retur"
    # 1 234,56 / -1 234,56 / 1<NBSP>050,00 / 12.345,50 / (500,00)
    assert cents(df["amount"]) == [123456, -123456, 105000, 1234550, -50000]
    assert df["account"].tolist() == ["1200", "1200", "1150", "0230", "0230"]  # leading zero kept
    assert df["date"].tolist()[4] == pd.Timestamp("2021-12-31")  # 31.12.2021, day first
    assert (df["currency"] == "NOK").all()
    assert (df["fiscal_year"] == 2021).all()  # no start month: calendar year


def test_cp1252_smart_quotes_tabs_crlf_trailing_minus():
    df = read("cp1252_tabs.csv")
    assert df.attrs["delimiter"] == "\t"
    assert df["vendor"].tolist()[0] == "O\u2019Brien\u2019s Hardware"
    assert df["description"].tolist()[0] == "\u201cHeavy duty\u201d rakes \u2013 12 pcs"
    assert df["vendor"].tolist()[1] == "Café Olé Catering"
    assert cents(df["amount"]) == [-12345, 105000, 1999]  # 123.45- / 1,050.00 / " 19.99 "
    assert df["date"].tolist() == [
        pd.Timestamp("2021-07-01"),
        pd.Timestamp("2021-07-02"),
        pd.Timestamp("2021-08-15"),
    ]  # 1-Jul-21
    assert df["source_line"].tolist() == [2, 3, 4]
    assert pd.isna(df["description"].iloc[2])


def test_utf8_bom_thin_and_nbsp_spaces_currency_codes():
    df = read("utf8_bom_thin.csv")
    # "kr 1<thin>234,50", "1.234,56 kr", "-12,00", "1<NBSP>000<NBSP>000,00"
    assert cents(df["amount"]) == [123450, 123456, -1200, 100000000]
    assert df["currency"].tolist() == ["NOK"] * 4
    assert df["date"].iloc[0] == pd.Timestamp("2021-07-01")


def test_xlsx_title_rows_source_line_is_excel_row():
    with pytest.warns(L.LedgerWarning, match=r"empty row"):
        df = L.read_ledger(FX / "harbor_titles.xlsx", FX / "harbor_titles.yaml")
    assert df.attrs["header_line"] == 4
    assert df["source_line"].tolist() == [5, 6, 7, 9]  # row 8 is empty
    assert df.attrs["skipped_lines"] == [8]
    assert df["date"].tolist() == [
        pd.Timestamp("2021-07-01"),  # a real datetime cell
        pd.Timestamp("2021-07-03"),  # serial number 44380
        pd.Timestamp("2021-07-05"),  # text 07/05/2021
        pd.Timestamp("2022-06-30"),
    ]
    assert cents(df["amount"]) == [123456, -123456, 9800000, 1050]  # text "(1,234.56)"
    assert df["account"].tolist() == ["5210", "5310", "5610", "5210"]  # numbers -> "5210"
    assert df["capital_flag"].tolist()[:3] == [False, False, True]
    assert pd.isna(df["capital_flag"].iloc[3])
    assert df["fiscal_year"].tolist() == [2022, 2022, 2022, 2022]


def test_fiscal_year_rules_and_explicit_column(tmp_path):
    d = pd.Series(pd.to_datetime(["2021-06-30", "2021-07-01", "2021-12-31", "2022-01-01"]))
    assert L.fiscal_year(d, 7).tolist() == [2021, 2022, 2022, 2022]
    assert L.fiscal_year(d, 1).tolist() == [2021, 2021, 2021, 2022]
    assert L.fiscal_year(d, 10).tolist() == [2021, 2021, 2022, 2022]
    p = tmp_path / "fy.csv"
    p.write_text("Date,Vendor,Amount,FY\n2021-07-01,A,1.00,FY2021\n2021-07-02,A,2.00,\n")
    m = {"columns": {"date": "Date", "vendor": "Vendor", "amount": "Amount", "fiscal_year": "FY"}}
    df = L.read_ledger(p, m, fiscal_year_start_month=7)
    assert df["fiscal_year"].tolist() == [2021, 2022]  # the column wins; blank falls back
    # the argument wins over the mapping
    m2 = dict(BASIC, fiscal_year_start_month=7)
    p2 = tmp_path / "fy2.csv"
    p2.write_text("Invoice Date,Vendor Name,Amount\n2021-07-01,A,1.00\n")
    assert L.read_ledger(p2, m2)["fiscal_year"].tolist() == [2022]
    assert L.read_ledger(p2, m2, fiscal_year_start_month=1)["fiscal_year"].tolist() == [2021]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1,234.56", 123456),
        ("(123.45)", -12345),
        ("-123.45", -12345),
        ("123.45-", -12345),
        ("$1,234.56", 123456),
        ("-$5.00", -500),
        ("($7.50)", -750),
        ("12.50 CR", -1250),
        ("\u00a01\u202f234.50", 123450),
        ("1 234.56", 123456),
        ("0.5", 50),
        ("1234", 123400),
    ],
)
def test_parse_amounts_dot_decimal(text, expected):
    vals, bad, dec = L.parse_amounts(pd.Series([text, "1,000.00"], dtype="str"))
    assert dec == "."
    assert not bad.any()
    assert int(round(vals[0] * 100)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 234,56", 123456),
        ("1.234,56", 123456),
        ("-1 234,56", -123456),
        ("1\u00a0234,56", 123456),
        ("1\u202f234,56", 123456),
        ("kr 1 234,00", 123400),
        ("1 234,50 kr", 123450),
        ("12,00-", -1200),
        ("(3,50)", -350),
        ("1.234", 123400),
        ("1 234,-", 123400),
    ],
)
def test_parse_amounts_comma_decimal(text, expected):
    vals, bad, dec = L.parse_amounts(pd.Series([text, "5,00"], dtype="str"))
    assert dec == ","
    assert not bad.any()
    assert int(round(vals[0] * 100)) == expected


def test_parse_amounts_flags_bad_and_blank():
    vals, bad, _ = L.parse_amounts(
        pd.Series(["1.00", "12,34,5", "", "abc", "(1.00", "2.00"], dtype="str")
    )
    assert bad.tolist() == [False, True, False, True, True, False]
    assert np.isnan(vals[2])  # blank is NaN, not bad and not 0


@pytest.mark.parametrize(
    "values, fmt",
    [
        (["2021-07-01", "2021-12-31"], "%Y-%m-%d"),
        (["07/01/2021", "12/31/2021"], "%m/%d/%Y"),
        (["1-Jul-21", "31-Dec-21"], "%d-%b-%y"),
        (["01.07.2021", "31.12.2021"], "%d.%m.%Y"),
        (["202107", "202112"], "%Y%m"),
    ],
)
def test_parse_dates_formats(values, fmt):
    d, bad, used = L.parse_dates(pd.Series(values, dtype=object))
    assert not bad.any()
    assert used == fmt
    assert d.iloc[0] == pd.Timestamp("2021-07-01")
    assert d.iloc[1].month == 12


def test_parse_dates_serials_datetimes_and_day_first():
    import datetime

    d, bad, _ = L.parse_dates(
        pd.Series([44378, "44378", datetime.datetime(2021, 7, 1), None, "bad"], dtype=object)
    )
    assert d.iloc[:3].tolist() == [pd.Timestamp("2021-07-01")] * 3
    assert pd.isna(d.iloc[3]) and not bad[3]  # blank: not "bad" (read_ledger reports it)
    assert bad[4]
    # ambiguous 03/04/2021: month first unless day_first
    assert L.parse_dates(pd.Series(["03/04/2021"]))[0].iloc[0] == pd.Timestamp("2021-03-04")
    assert L.parse_dates(pd.Series(["03/04/2021"]), day_first=True)[0].iloc[0] == pd.Timestamp(
        "2021-04-03"
    )


# ---------------------------------------------------------------------------
# bad inputs: messages name the file and the line/column
# ---------------------------------------------------------------------------


def test_empty_file():
    with pytest.raises(L.LedgerError, match=r"bad_empty\.csv is empty") as e:
        read("bad_empty.csv", BASIC)
    assert e.value.file == "bad_empty.csv"


def test_header_only():
    with pytest.raises(
        L.LedgerError, match=r"bad_header_only\.csv has a header \(line 1\) but no data"
    ):
        read("bad_header_only.csv", BASIC)


def test_missing_amount_column_suggests_closest():
    with pytest.raises(L.LedgerError) as e:
        read("bad_missing_amount.csv", BASIC)
    msg = str(e.value)
    assert "bad_missing_amount.csv" in msg and "'Amount'" in msg
    assert "Closest: 'Amt'" in msg
    assert "'Invoice Date', 'Vendor Name', 'Amt'" in msg
    assert e.value.column == "Amount" and e.value.line == 1


def test_mapping_without_amount_is_rejected():
    with pytest.raises(L.LedgerError, match=r"holds amount.*Required: date, vendor, amount"):
        L.load_mapping({"columns": {"date": "D", "vendor": "V"}})


def test_mapping_unknown_canonical_name_and_bad_hints(tmp_path):
    with pytest.raises(
        L.LedgerError, match=r"'ammount' is not a canonical column name\. Did you mean 'amount'"
    ):
        L.load_mapping({"columns": {"date": "D", "vendor": "V", "ammount": "A"}})
    with pytest.raises(L.LedgerError, match=r"decimal"):
        L.load_mapping(dict(BASIC, decimal=";"))
    with pytest.raises(L.LedgerError, match=r"fiscal_year_start_month"):
        L.load_mapping(dict(BASIC, fiscal_year_start_month=13))
    with pytest.raises(L.LedgerError, match=r"encoding"):
        L.load_mapping(dict(BASIC, encoding="klingon"))
    y = tmp_path / "m.yaml"
    y.write_text("columns:\n  date: [unclosed\n")
    with pytest.raises(L.LedgerError, match=r"m\.yaml, line \d+: not valid YAML"):
        L.load_mapping(y)
    with pytest.warns(L.LedgerWarning, match="delimeter"):
        L.load_mapping(dict(BASIC, delimeter=";"))


def test_duplicate_column_names():
    with pytest.raises(
        L.LedgerError, match=r"bad_dup_columns\.csv, line 1: the header 'Amount'.*appears 2 times"
    ):
        read("bad_dup_columns.csv", BASIC)


def test_non_numeric_amounts_lists_lines_and_count():
    with pytest.raises(L.LedgerError) as e:
        read("bad_amounts.csv", BASIC)
    msg = str(e.value)
    assert msg.startswith(
        "bad_amounts.csv, line 5, column 'Amount': '12,34,5' is not an amount. Expected a "
        "number such as 1,234.56, (123.45) or -123.45. Fix the cell or map another column."
    )
    assert "2 lines have this problem: lines 5, 8" in msg and "'abc'" in msg
    err = e.value
    assert (err.file, err.line, err.column, err.value, err.count) == (
        "bad_amounts.csv",
        5,
        "Amount",
        "12,34,5",
        2,
    )
    assert err.lines == [5, 8]
    assert isinstance(err, ValueError)


def test_blank_amounts_are_an_error_not_zero():
    with pytest.raises(
        L.LedgerError, match=r"bad_blank_amount\.csv, line 3, column 'Amount': '' is blank"
    ) as e:
        read("bad_blank_amount.csv", BASIC)
    assert e.value.lines == [3, 4]


def test_absurd_amount():
    with pytest.raises(
        L.LedgerError, match=r"bad_absurd\.csv, line 3, column 'Amount'.*not a plausible amount"
    ):
        read("bad_absurd.csv", BASIC)


def test_year_out_of_range():
    with pytest.raises(
        L.LedgerError,
        match=r"bad_year\.csv, line 3, column 'Invoice Date': '07/01/2150' is not a date in 1990\.\.2100",
    ):
        read("bad_year.csv", BASIC)


def test_unparseable_date():
    with pytest.raises(
        L.LedgerError, match=r"bad_dates\.csv, line 4, column 'Invoice Date': 'soon' is not a date"
    ):
        read("bad_dates.csv", BASIC)


def test_forced_wrong_encoding():
    with pytest.raises(
        L.LedgerError, match=r"bad_encoding\.csv, line 3: the bytes .* are not valid utf-8"
    ) as e:
        read("bad_encoding.csv", dict(BASIC, encoding="utf-8"))
    assert e.value.line == 3
    # detected automatically when not forced
    assert read("bad_encoding.csv", BASIC)["vendor"].tolist() == ["Acme", "Bøker AS"]


def test_unquoted_delimiter_in_cell():
    with pytest.raises(
        L.LedgerError,
        match=r"bad_ragged\.csv, line 3: has 4 fields but the header \(line 1\) has 3",
    ):
        read("bad_ragged.csv", BASIC)


def test_missing_file():
    with pytest.raises(L.LedgerError, match="does not exist"):
        L.read_ledger(FX / "nope.csv", BASIC)


# ---------------------------------------------------------------------------
# mapping suggestions, physical lines
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expect",
    [
        (
            "us_commas.csv",
            {
                "date": "Invoice Date",
                "vendor": "Vendor Name",
                "amount": "Amount",
                "account": "Object Code",
                "invoice": "Invoice #",
            },
        ),
        (
            "no_latin1.csv",
            {"date": "Bilagsdato", "vendor": "Leverandør", "amount": "Beløp", "account": "Art"},
        ),
        ("cp1252_tabs.csv", {"vendor": "Payee", "description": "Memo"}),
        (
            "harbor_titles.xlsx",
            {
                "date": "Payment Date",
                "vendor": "Supplier",
                "account": "Object",
                "capital_flag": "Capital",
            },
        ),
    ],
)
def test_suggest_mapping(name, expect):
    m = L.suggest_mapping(FX / name)
    for k, v in expect.items():
        assert m["columns"][k] == v
    L.load_mapping(m)  # valid as a mapping
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", L.LedgerWarning)
        assert len(L.read_ledger(FX / name, m)) > 0


def test_quoted_line_breaks_keep_physical_lines(tmp_path):
    p = tmp_path / "q.csv"
    p.write_text(
        'Invoice Date,Vendor Name,Amount\n2021-07-01,"Two\nline vendor",1.00\n2021-07-02,B,2.00\n'
    )
    df = L.read_ledger(p, BASIC)
    assert df["source_line"].tolist() == [2, 4]
    assert df["vendor"].tolist()[0] == "Two\nline vendor"


def test_padded_cells_are_stripped(tmp_path):
    p = tmp_path / "pad.csv"
    p.write_text("Invoice Date,Vendor Name,Amount,Acct\n 2021-07-01 , Acme  ,  1.00 , 5210 \n")
    df = L.read_ledger(p, {"columns": dict(BASIC["columns"], account="Acct")})
    assert df[["vendor", "account"]].iloc[0].tolist() == ["Acme", "5210"]
    assert df["amount"].iloc[0] == 1.0


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------

_STYLES = ["plain", "us", "parens", "trailing", "dollar", "no_space", "no_nbsp", "no_dot"]


def _fmt(c: int, style: str) -> str:
    neg, a = c < 0, abs(c)
    units, frac = divmod(a, 100)
    us = f"{units:,}"
    if style == "plain":
        return f"{'-' if neg else ''}{units}.{frac:02d}"
    if style == "us":
        return f"{'-' if neg else ''}{us}.{frac:02d}"
    if style == "parens":
        return f"({us}.{frac:02d})" if neg else f"{us}.{frac:02d}"
    if style == "trailing":
        return f"{us}.{frac:02d}{'-' if neg else ''}"
    if style == "dollar":
        return f"{'-' if neg else ''}${us}.{frac:02d}"
    sep = {"no_space": " ", "no_nbsp": "\u00a0", "no_dot": "."}[style]
    return f"{'-' if neg else ''}{us.replace(',', sep)},{frac:02d}"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amounts=st.lists(st.integers(min_value=-(10**11), max_value=10**11), min_size=1, max_size=30),
    style=st.sampled_from(_STYLES),
    title=st.integers(min_value=0, max_value=3),
)
def test_amounts_round_trip_to_the_cent(tmp_path, amounts, style, title):
    p = tmp_path / f"h_{style}.csv"
    dec = "," if style.startswith("no_") else "."
    delim = ";" if dec == "," else ","
    head = "".join(f"Title line {i}\n" for i in range(title))
    rows = [f'2021-07-01{delim}V{i}{delim}"{_fmt(c, style)}"' for i, c in enumerate(amounts)]
    p.write_text(
        head + f"Invoice Date{delim}Vendor Name{delim}Amount\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    df = L.read_ledger(p, dict(BASIC, decimal=dec))
    got = [int(round(x * 100)) for x in df["amount"]]
    assert got == amounts
    assert sum(got) == sum(amounts)
    assert df["source_line"].tolist() == list(range(title + 2, title + 2 + len(amounts)))


# characters every tested encoding (utf-8, cp1252) can hold, with the awkward ones
_text = st.text(
    alphabet="abcXYZ019 ,;.&-'\"#/æøåÆØÅéü\u2019\u201c\u201d\u2013\u00a0",
    max_size=15,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.dates(
                min_value=pd.Timestamp("1995-01-01").date(),
                max_value=pd.Timestamp("2099-12-31").date(),
            ),
            _text.filter(lambda s: s.strip() != ""),
            _text,
            st.integers(min_value=-(10**9), max_value=10**9),
        ),
        min_size=1,
        max_size=20,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_read_write_read_is_stable(tmp_path, rows, encoding):
    first = tmp_path / "a.csv"
    df0 = pd.DataFrame(
        {
            "Invoice Date": [d.strftime("%m/%d/%Y") for d, *_ in rows],
            "Vendor Name": [v for _, v, _, _ in rows],
            "Memo": [m for _, _, m, _ in rows],
            "Amount": [_fmt(c, "us") for *_, c in rows],
        }
    )
    df0.to_csv(first, index=False, encoding=encoding)
    m = {"columns": dict(BASIC["columns"], description="Memo")}
    a = L.read_ledger(first, m, fiscal_year_start_month=7)
    second = tmp_path / "b.csv"
    a.to_csv(second, index=False, date_format="%Y-%m-%d")
    canon = {"columns": {c: c for c in ("date", "vendor", "description", "amount")}}
    b = L.read_ledger(second, canon, fiscal_year_start_month=7)
    cols = ["source_line", "date", "fiscal_year", "vendor", "description", "amount"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert [int(round(x * 100)) for x in b["amount"]] == [c for *_, c in rows]


def test_speed_smoke(tmp_path):
    """100,000 lines with thousands separators read whole (speed: benchmarks/bench_pipeline.py).

    No wall-clock assertion here: on a shared machine it measures the neighbours, not the
    reader; the 1M-line benchmark in benchmarks/ holds the speed target.
    """
    n = 100_000
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "Invoice Date": pd.Timestamp("2021-07-01")
            + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
            "Vendor Name": rng.choice(["Acme", "Grainger", "Staples"], n),
            "Amount": [f"{x:,.2f}" for x in rng.lognormal(5, 2, n)],
        }
    )
    p = tmp_path / "big.csv"
    df.to_csv(p, index=False, date_format="%m/%d/%Y")
    out = L.read_ledger(p, BASIC)
    assert len(out) == n
    cents = [int(a.replace(",", "").replace(".", "")) for a in df["Amount"]]
    assert (np.round(out["amount"].to_numpy() * 100).astype(np.int64) == cents).all()
