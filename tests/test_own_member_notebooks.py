"""Your own government in the session notebooks (issue 11, item 7).

A member registered with ``cohort member add`` runs Sessions 1, 3, 4, 5 and 6
through papermill exactly as a bundled member does; every optional piece it
lacks (LGO inventory, budgets, residents, staff) gives a note in the output,
never an error.

- ``oxford_city``: Oxford City Council's published payments over £500,
  Oct-Dec 2017 (``../shared/realdata``, a real export nobody here wrote), GB,
  nothing but the ledger and two exchange rates;
- ``harbor_town``: a small US ledger written by the test, with an LGO
  inventory, residents, staff and budgets: its ratio to Scope 1+2 and its
  per-resident figure are numbers, and Session 5 ranks it.

Each notebook is one test (``-m notebooks``), so the workers run them side by
side; each worker registers the members once in a workspace of its own.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import cohort_cache, cohort_runner, compare, downscale, members, workspace
from cohort_helpers.cli import main
from cohort_helpers.course import runner

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OXFORD = ROOT / "../shared/realdata/ledgers/uk_oxford-city-council_2017-Q4.csv"
CV_AP = ROOT / "datasets" / "members" / "cedar_valley" / "ledgers" / "cedar_valley_ap_FY2022.csv"
CV_MAP = ROOT / "datasets" / "members" / "cedar_valley" / "mapping.yaml"

OXFORD_MAPPING = """\
# Oxford City Council, payments over 500 GBP (the columns `cohort mapping suggest` proposes)
columns:
  date: "Paid Date"
  vendor: "Supplier Name"
  amount: "Amount"
  account: "Expenditure Code"
  description: "Expenditure Category"
"""

LGO_CSV = """\
inventory_year,sector,scope,source,t_co2e
2021,buildings,1,natural gas,1200.5
2021,buildings,2,electricity,800
2021,fleet,1,diesel,450
2021,streetlights,2,electricity,49.5
"""

#: What each session must say for Oxford (no LGO inventory, budgets, residents, staff).
OXFORD_SAYS = {
    "01_lgo_and_supply_chain": [
        "No LGO inventory was registered for Oxford City Council",
        "No budgets were registered for Oxford City Council",
        "Scope 1 and 2: no LGO inventory registered for Oxford City Council",
        "Screening estimate: skipped",
        "the ratio is skipped",
        "FY2018: 3,855 ledger lines",
    ],
    "03_downscaling_adjusting": [
        "No LGO inventory was registered for Oxford City Council",
        "No budgets were registered for Oxford City Council",
        "the ledger's included purchases are spread with the national profiles",
        "Total payments:        17,382,055.90 GBP",
        "Reconciliation difference: 0 cents",
    ],
    "04_quantitative_analysis": [
        "No LGO inventory was registered for Oxford City Council",
        "the ratio is skipped, no LGO inventory for oxford_city",
    ],
    "05_round_robin": [
        "has no population figure",
        "has no staff count",
        "not ranked per resident (no population given)",
        "Not shown (no figure for t CO2e per resident): Oxford City Council",
    ],
    "06_purchasing_policy": ["Oxford City Council, fiscal year 2018"],
}


def _notebook(stem: str) -> Path:
    return NOTEBOOKS / f"{stem}.ipynb"


def _outputs(executed: Path) -> str:
    """All text a reader sees in an executed notebook (streams, Markdown, plain text)."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", out.get("evalue")
            if out["output_type"] == "stream":
                parts.append("".join(out["text"]))
            for kind in ("text/markdown", "text/plain"):
                if kind in out.get("data", {}):
                    parts.append("".join(out["data"][kind]))
    return "\n".join(parts)


def _run(stem: str, member: str, tmp_path: Path) -> str:
    run = runner.execute(
        _notebook(stem),
        tmp_path,
        {"member": member, "output_dir": str(tmp_path / "out")},
        html=False,
        cwd=NOTEBOOKS,
    )
    assert run.status == "ok", run.message
    return _outputs(run.executed)


@pytest.fixture(scope="module")
def own_workspace(tmp_path_factory):
    """A workspace of this module's own; the kernels papermill starts inherit it."""
    mp = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("own-workspace")
    mp.setenv("COHORT_WORKSPACE", str(folder))
    yield folder
    mp.undo()


@pytest.fixture(scope="module")
def oxford(own_workspace, tmp_path_factory):
    if not OXFORD.resolve().is_file():
        pytest.skip(f"the dev corpus is not beside the repository ({OXFORD.resolve()})")
    mapping = tmp_path_factory.mktemp("oxford") / "oxford.yaml"
    mapping.write_text(OXFORD_MAPPING, encoding="utf-8")
    # GBP per USD, annual averages (Federal Reserve H.10: 1.2888 and 1.3349 USD per GBP)
    rc = main(
        [
            "member", "add", "oxford_city", "--country", "GB",
            "--ledger", str(OXFORD.resolve()), "--mapping", str(mapping),
            "--display-name", "Oxford City Council",
            "--rate", "GBP:2017=0.7759", "--rate", "GBP:2018=0.7491",
        ]
    )  # fmt: skip
    assert rc == 0
    return "oxford_city"


@pytest.fixture(scope="module")
def harbor(own_workspace, tmp_path_factory):
    """A US town: 600 lines of a bundled-style AP export, an LGO inventory, every figure."""
    folder = tmp_path_factory.mktemp("harbor")
    lines = CV_AP.read_text(encoding="utf-8").splitlines(keepends=True)
    ledger = folder / "harbor_ap_FY2022.csv"
    ledger.write_text("".join(lines[:601]), encoding="utf-8")
    lgo = folder / "lgo.csv"
    lgo.write_text(LGO_CSV, encoding="utf-8")
    rc = main(
        [
            "member", "add", "harbor_town", "--country", "US",
            "--ledger", str(ledger), "--mapping", str(CV_MAP), "--lgo", str(lgo),
            "--residents", "25000", "--employees", "310",
            "--operating-budget", "60000000", "--capital-budget", "9000000",
            "--display-name", "Town of Harbor",
        ]
    )  # fmt: skip
    assert rc == 0
    return "harbor_town"


def test_member_add_warns_about_a_missing_rate(tmp_path, monkeypatch, capsys):
    if not OXFORD.resolve().is_file():
        pytest.skip("the dev corpus is not beside the repository")
    from cohort_helpers import adjust

    monkeypatch.setenv("COHORT_WORKSPACE", str(tmp_path / "ws"))
    bundled = adjust.exchange_rates().set_index(["currency", "year"])["usd_per_unit"]
    mapping = tmp_path / "oxford.yaml"
    mapping.write_text(OXFORD_MAPPING, encoding="utf-8")
    args = ["member", "add", "ox", "--country", "GB", "--ledger", str(OXFORD.resolve()),
            "--mapping", str(mapping)]  # fmt: skip
    assert main(args) == 0
    err = capsys.readouterr().err
    for year in (2017, 2018):  # the payments' year and the fiscal year (budget year)
        assert (f"no GBP per USD rate for {year}" in err) == (("GBP", year) not in bundled)
    # rates given with --rate are kept with the member and fill the gaps, never a bundled rate
    assert main([*args, "--replace", "--rate", "GBP:2017=0.7759", "--rate", "GBP:2018=0.7491"]) == 0
    assert "no GBP per USD rate" not in capsys.readouterr().err
    rates = adjust.exchange_rates().set_index(["currency", "year"])["usd_per_unit"]
    for year, given in ((2017, 0.7759), (2018, 0.7491)):
        want = bundled.get(("GBP", year), 1 / given)
        assert rates[("GBP", year)] == pytest.approx(want)
    assert rates.drop(index=[("GBP", 2017), ("GBP", 2018)], errors="ignore").equals(
        bundled.drop(index=[("GBP", 2017), ("GBP", 2018)], errors="ignore")
    )


@pytest.mark.notebooks
@pytest.mark.parametrize("stem", list(OXFORD_SAYS))
def test_oxford_runs_the_session(stem, oxford, tmp_path):
    assert "GB" in runner.notebook_countries(_notebook(stem))  # `cohort run` does not skip it
    text = _run(stem, oxford, tmp_path)
    for said in OXFORD_SAYS[stem]:
        assert said in text, f"{stem}: {said!r} not in the output"
    if stem == "05_round_robin":
        # placed among the cohort by spend: a rank among every member with a figure
        m = re.search(r"t per million USD, rank (\d+) of (\d+) \(1 = lowest\)", text)
        assert m and 1 <= int(m.group(1)) <= int(m.group(2)) and int(m.group(2)) >= 20


@pytest.mark.notebooks
def test_harbor_ratio_in_session4(harbor, tmp_path):
    text = _run("04_quantitative_analysis", harbor, tmp_path)
    assert "No LGO inventory" not in text
    ratio = float(re.search(r"own operations \(Scope 1\+2\): ([\d.]+) times", text).group(1))
    assert math.isfinite(ratio) and ratio > 0
    total = float(re.search(r"FY2022: ([\d,]+) t CO2e \(95%", text).group(1).replace(",", ""))
    assert ratio == pytest.approx(total / 2500.0, abs=0.06)  # LGO file: 2,500 t of Scope 1+2


@pytest.mark.notebooks
def test_harbor_ranked_in_session5(harbor, tmp_path):
    text = _run("05_round_robin", harbor, tmp_path)
    assert "has no population figure" not in text
    m = re.search(
        r"([\d,]+) t CO2e / 25,000 residents = ([\d.]+) t per resident \(FY2022\)", text
    )
    assert m, "per-resident figure of the workspace member"
    t, per_resident = float(m.group(1).replace(",", "")), float(m.group(2))
    assert per_resident == pytest.approx(t / 25000, abs=0.006) and per_resident > 0
    rank = re.search(r"Town of Harbor: [\d.]+ t CO2e per resident, rank (\d+) of (\d+)", text)
    assert rank and 1 <= int(rank.group(1)) <= int(rank.group(2))
    assert "95% range" in text and "Members inside that range" in text


# ------------------------------------------------------------ the library behind the notes


def _results() -> compare.CohortResults:
    """Three members: two with a population, one workspace member without (nor staff)."""
    my = pd.DataFrame(
        {
            "member": ["a", "b", "own"],
            "name": ["A", "B", "Own Town"],
            "country": ["US", "US", "GB"],
            "fiscal_year": [2022, 2022, 2018],
            "currency": ["USD", "USD", "GBP"],
            "residents": [10_000, 40_000, np.nan],
            "employees": [100, 400, np.nan],
            "lines": [10, 10, 10],
            "input_spend": [2e6, 5e6, 3e6],
            "included_spend": [1e6, 4e6, 2e6],
            "excluded_spend": [1e6, 1e6, 1e6],
            "unclassified_spend": [0.0, 0.0, 0.0],
            "spend_usd": [1e6, 4e6, 2.6e6],
            "t_co2e": [500.0, 1000.0, 900.0],
            "reconciliation_cents": [0, 0, 0],
        }
    )
    cats = pd.DataFrame(
        {
            "member": ["a", "a", "b", "own"],
            "fiscal_year": [2022, 2022, 2022, 2018],
            "naics6": ["327320", "541330", "327320", "541330"],
            "scope3_category": [1, 1, 1, 1],
            "joint_agreement": pd.array([pd.NA] * 4, dtype="boolean"),
            "lines": [5, 5, 10, 10],
            "nominal_spend": [5e5, 5e5, 4e6, 2e6],
            "spend_usd": [5e5, 5e5, 4e6, 2.6e6],
            "t_co2e": [400.0, 100.0, 1000.0, 900.0],
        }
    )
    return compare.CohortResults(cats, my, {"factors": "sef_v1.3", "members": "all"}, "k")


def test_a_member_without_population_is_listed_not_ranked():
    res = _results()
    n = res.normalised()
    assert n.index.tolist() == ["b", "a", "own"]  # ranked first, the unranked last
    assert n["rank"].tolist()[:2] == [1, 2] and pd.isna(n.loc["own", "rank"])
    assert np.isnan(n.loc["own", "t_per_resident"]) and np.isnan(n.loc["own", "t_per_employee"])
    assert n.loc["own", "t_per_usd_million"] == pytest.approx(900 / 2.6)
    assert "Not ranked (no population given): Own Town" in n.attrs["note"]
    assert res.rank("own") == (None, 2)
    assert res.rank("a") == (2, 2)
    assert res.rank("own", "t_per_usd_million") == (2, 3)  # 250, 346, 500 t per million USD
    assert res.median() == pytest.approx(0.0375)  # the ranked members only
    view = res.public_view("a")
    assert view["name"].tolist() == ["member ranked 1", "A", "member not ranked"]
    assert "no population figure" in res.notes("own") and "--residents N" in res.notes("own")
    assert "--employees N" in res.notes("own")
    assert res.notes("a") == ""


def test_position_leaves_out_members_without_population():
    res = _results()
    with pytest.raises(ValueError, match="no population figure.*--residents"):
        res.position("own")
    pos = res.position("a")
    # the cohort is a and b only: 1,500 t over 50,000 residents
    assert pos.cohort_t_per_resident == pytest.approx(1500 / 50_000)
    assert pos.member_t_per_resident == pytest.approx(0.05)


def test_chart_lists_the_unranked_member_in_its_caption():
    chart = _results().chart("t_per_resident", "own")
    assert "Not shown (no figure for t CO2e per resident): Own Town" in chart.caption
    assert "2 members with this figure" in chart.caption
    usd = _results().chart("t_per_usd_million", "own")
    assert "Own Town (highlighted)" in usd.caption and "Not shown" not in usd.caption


def test_cached_blank_head_counts_come_back_as_nan(tmp_path):
    res = _results()
    prefix = tmp_path / "member_x"
    files = cohort_cache.cache_files(prefix)
    res.categories.to_csv(files["categories"], index=False)
    res.member_years.to_csv(files["member_years"], index=False)
    files["meta"].write_text("{}", encoding="utf-8")
    cats, my, _ = cohort_cache.read_cache(prefix)
    assert my["residents"].isna().tolist() == [False, False, True]
    assert my["residents"].iloc[0] == 10_000


def test_missing_pieces_of_a_workspace_member(tmp_path, monkeypatch):
    monkeypatch.setenv("COHORT_WORKSPACE", str(tmp_path / "ws"))
    assert members.missing_pieces("cedar_valley") == {}
    folder = tmp_path / "in"
    folder.mkdir()
    ledger = folder / "ap.csv"
    ledger.write_text("".join(CV_AP.read_text(encoding="utf-8").splitlines(True)[:50]))
    workspace.add_member(
        "Bare Town", country="GB", ledgers=[ledger], mappings=[CV_MAP], fiscal_years=[2022]
    )
    notes = members.missing_pieces("bare_town")
    assert sorted(notes) == ["budgets", "employees", "lgo", "residents", "survey"]
    assert notes["lgo"].startswith("**No LGO inventory was registered for Bare Town**")
    assert "cohort member add bare_town ... --lgo lgo.csv --replace" in notes["lgo"]
    assert "(in GBP)" in notes["budgets"]
    assert notes["lgo"]._repr_markdown_() == str(notes["lgo"])
    lgo = members.lgo_inventory("bare_town")
    assert lgo.empty and members.lgo_year(lgo) is None and lgo.attrs["note"] == notes["lgo"]
    assert members.member_profile("bare_town").state_or_region == "the United Kingdom"
    lgo_file = folder / "lgo.csv"
    lgo_file.write_text(LGO_CSV, encoding="utf-8")
    workspace.add_member(
        "Bare Town", country="GB", ledgers=[ledger], mappings=[CV_MAP], fiscal_years=[2022],
        lgo=lgo_file, residents=9000, employees=80, operating_budget=2e7, capital_budget=3e6,
        replace=True,
    )  # fmt: skip
    assert sorted(members.missing_pieces("bare_town")) == ["survey"]
    assert members.lgo_year(members.lgo_inventory("bare_town")) == 2021


def test_ledger_purchases_for_a_member_without_budgets():
    rec = pd.DataFrame(
        {"bucket": ["input", "included, category 1", "included, category 2", "check"],
         "amount": [100.0, 45.5, 9.25, 0.0]}
    )  # fmt: skip
    assert downscale.ledger_purchases(rec) == (45.5, 9.25)
    assert downscale.ledger_purchases(rec.iloc[[0]]) == (0.0, 0.0)


def test_a_workspace_member_is_cached_apart_from_the_cohort(tmp_path, monkeypatch):
    from cohort_helpers import inventory

    monkeypatch.setenv("COHORT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COHORT_WORKSPACE", str(tmp_path / "ws"))
    before = cohort_runner.cohort_results(members=["tindoy"], progress=False)
    ledger = tmp_path / "ap.csv"
    ledger.write_text("".join(CV_AP.read_text(encoding="utf-8").splitlines(True)[:201]))
    workspace.add_member(
        "mine", country="US", ledgers=[ledger], mappings=[CV_MAP], fiscal_years=[2022],
        residents=20_000,
    )  # fmt: skip
    both = cohort_runner.cohort_results(members=["tindoy", "mine"], progress=False)
    assert both.path == before.path  # the same cache entry for the bundled members
    assert both.members() == ["tindoy", "mine"] and both.years("mine") == [2022]
    n = both.normalised()
    assert n.loc["mine", "population"] == 20_000 and n.loc["mine", "t_per_resident"] > 0
    assert both.rank("mine")[1] == 2

    def boom(*args, **kwargs):
        raise AssertionError("computed again: the cache was not used")

    with monkeypatch.context() as m:
        m.setattr(inventory, "member_inventory", boom)
        assert cohort_runner.cohort_results(members=["tindoy", "mine"], progress=False).from_cache
        assert cohort_runner.cohort_results(members=["tindoy"], progress=False).from_cache
    # a new figure in member.yaml recomputes that member only
    workspace.add_member(
        "mine", country="US", ledgers=[ledger], mappings=[CV_MAP], fiscal_years=[2022],
        residents=40_000, replace=True,
    )  # fmt: skip
    again = cohort_runner.cohort_results(members=["tindoy", "mine"], progress=False)
    assert again.normalised().loc["mine", "population"] == 40_000
    entries = sorted(p.name.split("_")[0] for p in (tmp_path / "cache" / "results").glob("*.json"))
    assert entries == ["cohort", "member", "member"]
