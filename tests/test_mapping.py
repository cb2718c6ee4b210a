"""The mapping format (docs/MAPPING.md) and the mapping suggester, on small files written here."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
import yaml

from cohort_helpers import cli
from cohort_helpers import ledger as L

BASIC = {"columns": {"date": "Date", "vendor": "Vendor", "amount": "Amount"}}


def read(path, mapping):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", L.LedgerWarning)
        return L.read_ledger(path, mapping)


# ---------------------------------------------------------------------------
# line endings
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("last", [b"\r\n", b"\n", b""])
def test_cr_only_line_endings_with_a_different_last_line_ending(tmp_path, last):
    p = tmp_path / "old_mac.csv"
    p.write_bytes(
        b"Date,Vendor,Amount\r07/01/2021,Acme,1.50\r07/02/2021,Bolt,2.25\r07/03/2021,Cog,3.00"
        + last
    )
    df = read(p, BASIC)
    assert df["vendor"].tolist() == ["Acme", "Bolt", "Cog"]
    assert df["amount"].tolist() == [1.5, 2.25, 3.0]
    assert df["source_line"].tolist() == [2, 3, 4]
    s = L.suggest(p, "US")
    assert s.problem is None and "line endings" in s.notes[0]
    assert s.reader["rows_read"] == 3 and s.reader["spend_read"] == 6.75


def test_mixed_line_endings(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_bytes(b"Date,Vendor,Amount\r\n07/01/2021,Acme,1.00\r07/02/2021,Bolt,2.00\n")
    assert read(p, BASIC)["amount"].sum() == 3.0
    assert "mixed" in L.suggest(p, "US").notes[0]


# ---------------------------------------------------------------------------
# the mapping format
# ---------------------------------------------------------------------------


def test_keep_filter_marks_rows_and_keeps_them(tmp_path):
    p = tmp_path / "ap.csv"
    p.write_text(
        "Date,Vendor,Amount,Source\n07/01/2021,Acme,10.00,AP\n07/02/2021,Payroll,99.00,GL\n"
        "07/03/2021,Bolt,5.00,ap\n"
    )
    df = read(p, {**BASIC, "keep": {"Source": ["AP"]}})
    assert df["read_note"].isna().tolist() == [True, False, True]  # case-insensitive
    assert df.loc[1, "read_note"] == "mapping_filter" and df.loc[1, "amount"] == 99.0
    r = df.attrs["reader"]["ap.csv"]
    assert (r["rows_read"], r["spend_read"], r["filtered_rows"]) == (3, 114.0, 1)
    assert r["filtered_spend"] == 99.0
    drop = read(p, {**BASIC, "drop": {"Source": "GL"}})
    assert drop["read_note"].eq("mapping_filter").sum() == 1


def test_derived_kostra_art_from_konto(tmp_path):
    p = tmp_path / "forde.csv"
    p.write_text(
        "konto;konto_tekst;rekneskap_2011\r\n100;Fast løn;18642,5\r\n2800;Grunnerverv;-1270939,86"
        "\r\n990;Anna;1,00\r\n",
        encoding="utf-8",
    )
    m = {
        "columns": {"amount": "rekneskap_2011", "account": "art", "account_name": "konto_tekst"},
        "derive": {"art": {"from": "konto", "pad": 4, "slice": [0, 3]}},
        "period": 2011,
        "decimal": ",",
    }
    df = read(p, m)
    assert df["account"].tolist() == ["010", "280", "099"]
    assert df["amount"].tolist() == [18642.5, -1270939.86, 1.0]
    assert df["date"].isna().all() and (df["fiscal_year"] == 2011).all()
    assert df["vendor"].isna().all()
    # Sogndal: 5 digits, characters 2-4
    p2 = tmp_path / "sogndal.csv"
    p2.write_text("konto;rekneskap_2011\n10100;1 456 538\n10990;-2 000\n")
    m2 = {
        "columns": {"amount": "rekneskap_2011", "account": "art"},
        "derive": {"art": {"from": "konto", "slice": [1, 4]}},
        "period": "2011",
    }
    df2 = read(p2, m2)
    assert df2["account"].tolist() == ["010", "099"]
    assert df2["amount"].tolist() == [1456538.0, -2000.0]
    # a regex works as well
    m2["derive"] = {"art": {"from": "konto", "regex": r"^1(\d{3})"}}
    assert read(p2, m2)["account"].tolist() == ["010", "099"]


def test_header_none_with_names_and_ragged_join(tmp_path):
    p = tmp_path / "checks.txt"
    p.write_text(
        "APCO INTERNATIONAL,4/1/2013,47.50,Emergency,Dues,Training\n"
        "BENDECK, KATHRYN N.,4/1/2013,5.00,Court,Jury Duty,Jury Duty\n"
        "A, B, C,4/2/2013,-1.25,Court,x,y\n"
    )
    m = {
        "header": "none",
        "names": ["vendor", "date", "amount", "dept", "desc", "cat"],
        "ragged": {"join": "vendor"},
        "columns": {
            "date": "date",
            "vendor": "vendor",
            "amount": "amount",
            "department": "dept",
            "description": ["desc", "cat"],
        },
    }
    df = read(p, m)
    assert df["vendor"].tolist() == ["APCO INTERNATIONAL", "BENDECK, KATHRYN N.", "A, B, C"]
    assert df["amount"].tolist() == [47.5, 5.0, -1.25]
    assert df["source_line"].tolist() == [1, 2, 3]
    assert df.loc[1, "description"] == "Jury Duty | Jury Duty"
    assert df.attrs["reader"]["checks.txt"]["ragged_rows"] == 2
    # the join column may sit in the middle (Richland: payee between 4 and 2 fields)
    p2 = tmp_path / "rich.txt"
    p2.write_text("04/03/2013,AP,51177,OH,AITKEN, JAMES JEFFREY,IS,417.36\n")
    m2 = {
        "header": "none",
        "names": ["date", "type", "check", "source", "payee", "status", "amount"],
        "ragged": {"join": "payee"},
        "columns": {"date": "date", "vendor": "payee", "amount": "amount", "status_text": "status"},
    }
    df2 = read(p2, m2)
    assert df2.loc[0, "vendor"] == "AITKEN, JAMES JEFFREY" and df2.loc[0, "status_text"] == "IS"
    # without the rule, the message says how to fix it
    with pytest.raises(L.LedgerError, match="ragged"):
        read(p2, {k: v for k, v in m2.items() if k != "ragged"})


def test_missing_column_message_lists_columns_and_closest(tmp_path):
    p = tmp_path / "leeds.csv"
    p.write_text("Payment Date,Beneficiary Name,Amount\n24/06/2020,Acme,5400.00\n")
    m = {"columns": {"date": "Payment Date", "vendor": "Beneficary Nme", "amount": "Amount"}}
    with pytest.raises(L.LedgerError) as exc:
        read(p, m)
    msg = str(exc.value)
    assert "'Beneficary Nme' (for vendor) is not in the file" in msg
    assert "Closest: 'Beneficiary Name'" in msg
    assert "'Payment Date', 'Beneficiary Name', 'Amount'" in msg
    assert exc.value.column == "Beneficary Nme"
    # a filter column that is missing is named the same way
    with pytest.raises(L.LedgerError, match=r"'Sorce' \(for the keep filter\) is not in the file"):
        read(
            p,
            {
                **BASIC,
                "columns": {
                    "date": "Payment Date",
                    "vendor": "Beneficiary Name",
                    "amount": "Amount",
                    "description": "Amount",
                },
                "keep": {"Sorce": ["AP"]},
            },
        )
    # with header: none the names are checked
    with pytest.raises(L.LedgerError, match="not one of the mapping's names"):
        read(
            p,
            {
                "header": "none",
                "names": ["d", "v", "a"],
                "columns": {"date": "d", "vendor": "v", "amount": "amt"},
            },
        )


def test_summary_rows_stay_marked_and_need_no_date(tmp_path):
    p = tmp_path / "tameside.csv"
    p.write_text(
        "Inv Transaction,Supplier Name,Paid Date,Sum of Inv Amount,,,\n"
        '460285,ACORN,24/09/14,"5,303.57 ",,,\n'
        ',CAPITA - BENEFIT PAYMENTS,,"7,815,670.80 ",,,\n'
        ",,,,,,\n,,,,,,\n"
    )
    m = {
        "columns": {
            "date": "Paid Date",
            "vendor": "Supplier Name",
            "amount": "Sum of Inv Amount",
            "payment_id": "Inv Transaction",
        },
        "summary_rows": {"blank": "Inv Transaction"},
        "currency": "GBP",
        "fiscal_year_start_month": 4,
    }
    df = read(p, m)
    assert df["amount"].tolist() == [5303.57, 7815670.80]
    assert df["read_note"].tolist()[1] == "summary_row" and pd.isna(df["read_note"][0])
    assert pd.isna(df.loc[1, "date"]) and df.loc[1, "fiscal_year"] == 2015
    r = df.attrs["reader"]["tameside.csv"]
    assert (r["blank_rows"], r["summary_rows"], r["summary_spend"]) == (2, 1, 7815670.80)
    with pytest.raises(L.LedgerError, match="summary_rows"):
        read(p, {k: v for k, v in m.items() if k != "summary_rows"})
    s = L.suggest(p, "GB")
    assert s.mapping["summary_rows"] == {"blank": "Inv Transaction"}
    assert s.mapping["date_format"] == "%d/%m/%y"


def test_pcard_and_capital_or_revenue(tmp_path):
    p = tmp_path / "leeds.csv"
    p.write_text(
        "Payment Date,Beneficiary Name,Amount,Capital Or Revenue,Procurement Card\n"
        "24/06/2020,Acme,10.00,R,No\n25/06/2020,Bolt,20.00,C,Yes\n"
    )
    s = L.suggest(p, "GB")
    assert s.mapping["columns"]["pcard"] == "Procurement Card"
    assert s.mapping["columns"]["capital_flag"] == "Capital Or Revenue"
    df = read(p, s.mapping)
    assert df["pcard"].dtype == bool and df["pcard"].tolist() == [False, True]
    assert df["capital_flag"].tolist() == [False, True]


@pytest.mark.parametrize(
    "bad, match",
    [
        ({"derive": {"art": {"from": "konto", "slice": [1]}}}, "slice"),
        ({"derive": {"art": {"slice": [1, 4]}}}, "from"),
        ({"derive": {"art": {"from": "k", "regex": "("}}}, "regular expression"),
        ({"header": "none"}, "names"),
        ({"names": ["a", "b"]}, "header: none"),
        ({"period": "soon"}, "FY2026"),
        ({"keep": ["AP"]}, "keep"),
        ({"summary_rows": "x"}, "blank"),
        ({"columns": {"amount": ["A", "B"], "date": "D", "vendor": "V"}}, "one header"),
    ],
)
def test_invalid_settings_say_what_to_write(bad, match):
    m = {**BASIC, **bad}
    with pytest.raises(L.LedgerError, match=match):
        L.load_mapping(m)


def test_loading_is_idempotent_and_old_mappings_still_load():
    m = {
        **BASIC,
        "columns": {**BASIC["columns"], "description": ["Purpose", "Memo"]},
        "derive": {"art": {"from": "konto", "slice": [1, 4]}},
        "keep": {"Type": "AP"},
        "period": "FY2022-FY2025",
    }
    once = L.load_mapping(m)
    assert L.load_mapping(once) == once
    assert L.period_year(once["period"]) == 2025
    old = L.load_mapping(BASIC)
    assert old["keep"] == {} and old["header"] is None and old["period"] is None


def test_dates_optional_with_a_period_but_not_without(tmp_path):
    with pytest.raises(L.LedgerError, match="date"):
        L.load_mapping({"columns": {"amount": "A", "vendor": "V"}})
    m = L.load_mapping({"columns": {"amount": "A", "vendor": "V"}, "period": "FY2026"})
    assert m["period"] == "FY2026"


# ---------------------------------------------------------------------------
# the suggester and its command
# ---------------------------------------------------------------------------


def test_headerless_file_gets_roles_from_its_content(tmp_path):
    p = tmp_path / "checks.txt"
    p.write_text(
        "04/03/2013,AP,51173,OH,3F CHIMICA AMERICAS,IS,2951.87\n"
        "04/03/2013,AP,51177,OH,AITKEN, JAMES JEFFREY,IS,417.36\n"
        "04/04/2013,TR,51178,,BROWN COUNTY TREASURER,CX,992.00\n"
        "04/05/2013,AP,51179,JE,ACME SUPPLY,IS,10.10\n"
    )
    s = L.suggest(p, "US")
    m = s.mapping
    assert m["header"] == "none" and len(m["names"]) == 7
    assert m["columns"]["date"] == m["names"][0]
    assert m["columns"]["amount"] == m["names"][6]
    assert m["columns"]["vendor"] == m["names"][4]
    assert m["columns"]["status_text"] == m["names"][5]  # IS/CX: a void code
    assert m["ragged"] == {"join": m["names"][4]}
    assert s.reader == {**s.reader, "rows_read": 4, "spend_read": 4371.33}
    assert "date" in s.reasons and "field 1" in s.reasons["date"]


def test_suggested_yaml_round_trips_with_reasons(tmp_path):
    p = tmp_path / "stock.csv"
    p.write_text(
        "Clearing Date,Supplier Name,Amount £,Expenses Type\n"
        'Sep 2014,Acme,"1,134.50",PREMISES RELATED\n',
        encoding="utf-8",
    )
    s = L.suggest(p)  # no country: GB guessed from the £
    text = s.to_yaml()
    assert yaml.safe_load(text) == s.mapping
    assert s.mapping["currency"] == "GBP" and s.mapping["date_format"] == "%b %Y"
    assert "# the header 'Amount £' is a usual name for the amount" in text
    assert "guessed" in text
    assert s.mapping["columns"]["account_name"] == "Expenses Type"
    assert "account" in s.unfilled and "vendor" not in s.unfilled


def test_cli_mapping_suggest_writes_yaml_and_prints_preview(tmp_path, capsys):
    p = tmp_path / "ap.csv"
    p.write_text("Check Date,Vendor Name,Net Amount,Fund\n07/01/2021,Acme,1.00,General\n")
    out = tmp_path / "m.yaml"
    assert cli.main(["mapping", "suggest", str(p), "--country", "US", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "rows read 1, spend read 1.00" in printed and "roles not filled:" in printed
    m = yaml.safe_load(out.read_text())
    assert m["columns"] == {
        "amount": "Net Amount",
        "date": "Check Date",
        "vendor": "Vendor Name",
        "fund": "Fund",
    }
    assert read(p, out)["amount"].tolist() == [1.0]
    # printed to stdout: still valid YAML (the preview is commented out)
    assert cli.main(["mapping", "suggest", str(p)]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["columns"]["vendor"] == "Vendor Name"


def test_cli_mapping_suggest_errors_are_one_message(tmp_path, capsys):
    assert cli.main(["mapping", "suggest", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
    p = tmp_path / "x.csv"
    p.write_text("a,b\nc,d\n")
    assert cli.main(["mapping", "suggest", str(p)]) == 2
    assert "no amount column" in capsys.readouterr().err
    q = tmp_path / "y.csv"
    q.write_text("a,b\n")
    assert cli.main(["mapping", "suggest", str(p), str(q), "-o", str(tmp_path / "m.yaml")]) == 2
    assert "folder" in capsys.readouterr().err
