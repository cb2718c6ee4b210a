"""The reference-data registry: resolution order, verification, readers."""

from __future__ import annotations

import http.server
import shutil
import threading
import time
from functools import partial

import numpy as np
import pytest

from cohort_helpers import data


def test_every_registered_file_is_found_and_verified(data_dir):
    rows = data.status()
    assert [r["name"] for r in rows] == list(data.REGISTRY)
    # user-supplied newer factor sets (SEF v1.4, Open CEDA 2025) are optional
    optional = [r for r in rows if data.REGISTRY[r["name"]].optional]
    assert {r["name"] for r in optional} == {"sef_v14", "open_ceda_2025"}
    assert all(r["check"].startswith("optional") for r in optional)
    rows = [r for r in rows if not data.REGISTRY[r["name"]].optional]
    assert len(rows) == 11  # + Census NAICS index, codes, descriptions, MCC list (engine)
    for r in rows:
        assert r["found_in"] == "COHORT_DATA_DIR", r
        assert r["check"] == "sha256 ok", r


def test_sef_co2e_values(data_dir):
    sef = data.open_dataset("sef_co2e")
    assert len(sef) == 1016 and sef["naics6"].is_unique
    by = sef.set_index("naics6")
    assert by.at["327310", "sef_with_margins"] == pytest.approx(3.924)
    assert by.at["327310", "bea_code"] == "327310"
    assert sef["sef_with_margins"].median() == pytest.approx(0.173)
    assert sef["sef_with_margins"].max() == pytest.approx(3.924)
    assert np.allclose(
        sef["sef_without_margins"] + sef["sef_margins"], sef["sef_with_margins"], atol=0.0015
    )
    assert sef.attrs["dollar_year"] == 2022
    assert "purchaser price" in sef.attrs["unit"]
    # electricity is Scope 2, not in the table
    assert not sef["naics6"].str.startswith("2211").any()


def test_sef_by_gas(data_dir):
    g = data.open_dataset("sef_bygas")
    assert g["naics6"].nunique() == 1016
    assert {"Carbon dioxide", "Methane", "Nitrous oxide"} <= set(g["ghg"])
    co2 = g[(g.naics6 == "327310") & (g.ghg == "Carbon dioxide")]["sef_with_margins"].item()
    assert 2.5 < co2 < 3.924  # cement's CO2 is most, not all, of its CO2e


def test_price_index(data_dir):
    pi = data.open_dataset("bea_price_index")
    assert pi["bea_code"].nunique() == 402
    assert pi["year"].min() == 1997 and pi["year"].max() == 2024
    assert (pi.loc[pi["year"] == 2017, "price_index"] == 100).all()


def test_use_table_and_names(data_dir):
    use = data.open_dataset("bea_use_table")
    for col in ["GSLGO", "GSLGE", "GSLGH", "F10S00", "F10E00", "F10N00"]:
        assert col in use.columns
    commodities = use.loc[~use.index.str.match(r"^(T0|V0)"), "GSLGO"]
    assert commodities.idxmax() == "324110"  # petroleum: fuel, already Scope 1
    names = data.open_dataset("bea_commodity_names")
    assert len(names) == 402
    assert names.set_index("bea_code").at["327310", "bea_name"].lower().startswith("cement")


def test_dq_scores(data_dir):
    dq = data.open_dataset("dq_scores")
    scores = dq[["reliability", "temporal", "geographical", "technological", "data_collection"]]
    assert scores.min().min() >= 1 and scores.max().max() <= 5
    assert set(dq["flowable"]) == {
        "Carbon dioxide",
        "Methane",
        "Nitrous oxide",
        "Other Greenhouse Gases",
    }


def test_open_ceda_csv(data_dir):
    ceda = data.open_dataset("open_ceda")
    countries = set(ceda["country_code"])
    assert len(countries - {"ROW"}) == 148 and "ROW" in countries  # plus Rest of World
    nor = ceda[ceda.country_code == "NOR"]
    assert len(nor) == ceda["bea_code"].nunique() > 390
    assert nor["country"].iloc[0] == "Norway"
    assert nor.set_index("bea_code").at["1111A0", "kg_co2e_per_usd"] == pytest.approx(0.404)
    assert ceda.attrs["price_type"] == "Producer price"
    assert ceda.attrs["base_year"] == 2022
    assert "CEDA by Watershed" in ceda.attrs["attribution"]


def test_open_ceda_workbook_form_reads_the_same(data_dir, tmp_path):
    """The workbook form (same layout, numbers as numbers) gives the same table."""
    import csv

    import openpyxl

    src = data.fetch_file("open_ceda")
    rows = list(csv.reader(src.read_text(encoding="cp1252").splitlines(), delimiter=";"))
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        out = []
        for cell in row:
            try:
                out.append(float(cell.replace(",", ".")) if cell[:1].isdigit() else cell)
            except ValueError:
                out.append(cell)
        ws.append(out)
    xlsx = tmp_path / "open_ceda_2024.xlsx"
    wb.save(xlsx)
    a = data.read_open_ceda(src)
    b = data.read_open_ceda(xlsx)
    assert a[["country_code", "bea_code"]].equals(b[["country_code", "bea_code"]])
    assert np.allclose(a["kg_co2e_per_usd"], b["kg_co2e_per_usd"], equal_nan=True)
    assert data.verify("open_ceda", xlsx) == "structure ok (sha256 differs)"


def test_resolution_order(data_dir, tmp_path, monkeypatch):
    ref = data.REGISTRY["dq_scores"]
    src = data_dir / ref.relpath
    explicit, env, cache = (tmp_path / n for n in ("explicit", "env", "cache"))
    for folder in (explicit, env, cache):
        (folder / ref.relpath).parent.mkdir(parents=True)
        shutil.copy(src, folder / ref.relpath)
    monkeypatch.setenv("COHORT_DATA_DIR", str(env))
    monkeypatch.setenv("COHORT_CACHE_DIR", str(cache))
    assert data.locate("dq_scores", explicit) == (explicit / ref.relpath, "explicit path")
    assert data.locate("dq_scores") == (env / ref.relpath, "COHORT_DATA_DIR")
    monkeypatch.delenv("COHORT_DATA_DIR")
    assert data.locate("dq_scores") == (cache / ref.relpath, "user cache")
    (cache / ref.relpath).unlink()
    assert data.locate("dq_scores") is None


def test_structure_check_accepts_reencoded_and_rejects_broken(data_dir, tmp_path):
    sef = data.fetch_file("sef_co2e")
    reencoded = tmp_path / sef.name
    original = sef.read_bytes()
    assert b"\r\n" in original  # published with Windows line endings
    reencoded.write_bytes(original.replace(b"\r\n", b"\n"))
    assert data.verify("sef_co2e", reencoded) == "structure ok (sha256 differs)"
    broken = tmp_path / "broken.csv"
    broken.write_text("a,b\n1,2\n")
    with pytest.raises(data.DataFormatError, match="missing column"):
        data.verify("sef_co2e", broken)
    short = tmp_path / "short.csv"
    short.write_text("\n".join(sef.read_text(encoding="utf-8").splitlines()[:100]))
    with pytest.raises(data.DataFormatError, match="expected 1016"):
        data.verify("sef_co2e", short)


def test_missing_and_offline_fails_fast_with_actionable_message(offline_empty_env):
    t0 = time.perf_counter()
    with pytest.raises(data.DataNotFoundError) as err:
        data.fetch_file("sef_co2e", progressbar=False)
    assert time.perf_counter() - t0 < 60
    msg = str(err.value)
    assert "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv" in msg
    assert data.REGISTRY["sef_co2e"].url in msg
    assert "COHORT_DATA_DIR" in msg
    assert all(r["found_in"] == "missing" for r in data.status())


def test_preflight_offline(offline_empty_env, capsys):
    assert data.preflight() == 1
    err = capsys.readouterr().err
    assert "COHORT_DATA_DIR" in err and "https://pasteur.epa.gov/uploads/10.23719/1531143/" in err


def test_open_ceda_without_url_names_the_publisher(offline_empty_env):
    with pytest.raises(data.DataNotFoundError, match="Watershed"):
        data.fetch_file("open_ceda")


@pytest.fixture
def local_server(data_dir):
    """Serve the reference folder over HTTP on loopback."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(data_dir))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_download_into_cache_and_verify(local_server, tmp_path, monkeypatch):
    import dataclasses

    ref = data.REGISTRY["dq_scores"]
    monkeypatch.setitem(
        data.REGISTRY, "dq_scores", dataclasses.replace(ref, url=local_server + ref.relpath)
    )
    monkeypatch.delenv("COHORT_DATA_DIR")
    monkeypatch.setenv("COHORT_CACHE_DIR", str(tmp_path / "cache"))
    got = data.fetch_file("dq_scores", progressbar=False)
    assert got == tmp_path / "cache" / ref.relpath
    assert data.status()[5] | {"location": ""} == {
        "name": "dq_scores",
        "file": ref.relpath,
        "found_in": "user cache",
        "location": "",
        "check": "sha256 ok",
    }


def test_download_of_a_wrong_file_is_rejected(local_server, tmp_path, monkeypatch):
    import dataclasses

    ref = data.REGISTRY["dq_scores"]
    wrong = "epa_sef_v1.3/" + data.REGISTRY["sef_co2e"].filename  # a valid file, wrong content
    monkeypatch.setitem(
        data.REGISTRY, "dq_scores", dataclasses.replace(ref, url=local_server + wrong)
    )
    monkeypatch.delenv("COHORT_DATA_DIR")
    monkeypatch.setenv("COHORT_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(data.DataNotFoundError, match="not valid"):
        data.fetch_file("dq_scores", progressbar=False)
    assert data.locate("dq_scores") is None  # nothing bad left in the cache


def test_provenance_leaves_out_copies_a_run_does_not_use(tmp_path):
    """A copy checked earlier in the process (another data folder) is not this run's file."""
    real = data.locate("dq_scores")[0]
    copy = tmp_path / real.name
    copy.write_bytes(real.read_bytes() + b"\n")  # differs from the published bytes
    with pytest.warns(data.UnverifiedDataWarning):
        assert data.check_file("dq_scores", copy, allow=True)["state"] == "NOT VERIFIED"
    states = {r["name"]: r["state"] for r in data.provenance()}
    assert states.get("dq_scores", "verified") == "verified"
    assert data.check_file("dq_scores", real)["state"] == "verified"
    assert {r["name"]: r["state"] for r in data.provenance()}["dq_scores"] == "verified"
