"""Session 5: the cached cohort results, the decomposition on real member-years, the homework."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import cohort_cache, cohort_runner, compare, inventory, paths

SOME = ["cedar_valley", "tindoy", "northgate"]  # 5 + 3 + 1 member-years: US, NO, one-year


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COHORT_CACHE_DIR", str(d))
        yield d


@pytest.fixture(scope="module")
def some(cache_dir):
    return cohort_runner.cohort_results(members=SOME, progress=False)


@pytest.fixture
def no_compute(monkeypatch):
    """Any attempt to compute an inventory fails the test."""

    def boom(*args, **kwargs):
        raise AssertionError("member_inventory was called: the cache was not used")

    monkeypatch.setattr(inventory, "member_inventory", boom)


# ------------------------------------------------------------ the results


def test_results_cover_every_member_year_and_reconcile(some):
    my = some.member_years
    assert list(my.columns) == compare.MEMBER_YEAR_COLUMNS
    assert list(some.categories.columns) == compare.CATEGORY_COLUMNS
    assert sorted(some.years("cedar_valley")) == [2019, 2020, 2021, 2022, 2023]
    assert some.years("northgate") == [2021]
    assert (my["reconciliation_cents"] == 0).all()
    # input = included + excluded + unclassified, to the cent
    parts = my[["included_spend", "excluded_spend", "unclassified_spend"]].sum(axis=1)
    assert np.allclose(my["input_spend"], parts, atol=0.005, rtol=0)
    # the category rows add up to the member-year totals
    tot = some.categories.groupby(["member", "fiscal_year"])[["t_co2e", "spend_usd"]].sum()
    mine = my.set_index(["member", "fiscal_year"])
    assert np.allclose(tot["t_co2e"], mine.loc[tot.index, "t_co2e"], rtol=1e-12)
    assert set(my.loc[my["member"] == "tindoy", "currency"]) == {"NOK"}


def test_cached_totals_equal_a_fresh_inventory(some):
    inv = inventory.member_inventory("northgate", 2021, n_draws=0)
    row = some.member_years.set_index(["member", "fiscal_year"]).loc[("northgate", 2021)]
    assert row["t_co2e"] == pytest.approx(inv.t_co2e, rel=1e-12)
    n = some.normalised()
    assert n.loc["northgate", "t_per_resident"] == pytest.approx(inv.t_co2e / row["residents"])


# ------------------------------------------------ year over year, real data


def test_decomposition_sums_exactly_to_the_change_for_real_member_years(some):
    checked = 0
    for member in SOME:
        years = some.years(member)
        for y0, y1 in zip(years[:-1], years[1:], strict=True):
            d = some.decompose(member, y0, y1)
            totals = some.member_years.set_index(["member", "fiscal_year"])["t_co2e"]
            assert d.t0 == pytest.approx(totals[(member, y0)], rel=1e-12)
            assert d.t1 == pytest.approx(totals[(member, y1)], rel=1e-12)
            # to the kilogram, and far better: 1e-6 t = 1 g
            assert abs(d.effects.sum() - d.change) < 1e-6, (member, y0, y1)
            per_cat = d.by_category[["volume", "mix", "price", "factor"]].sum(axis=1)
            assert np.allclose(per_cat, d.by_category["change"], atol=1e-9)
            # one factor set for every year: no factor effect, except that a coarse code's
            # factor depends on the operating/capital weights (contract C5), so a shift of
            # its lines between categories shows as a (tiny) factor effect
            assert abs(d.factor) < 1e-4 * d.t0, (member, y0, y1, d.factor)
            checked += 1
    assert checked == 4 + 2


def test_position_effects_sum_to_the_difference(some):
    for member in SOME:
        pos = some.position(member)
        assert pos.size + pos.mix + pos.intensity == pytest.approx(pos.difference, abs=1e-12)
    table = some.position_table("tindoy", n=3)
    assert len(table) == 3 and table["label"].str.match(r"^\d{3}: ").all()


def test_rank_median_cooperation_and_benchmarks(some):
    n = some.normalised()
    assert some.rank(n.index[0]) == (1, 3)
    assert some.median() == pytest.approx(float(np.median(n["t_per_resident"])))
    coop = some.cooperation()
    assert coop.index.get_level_values("member").unique().tolist() == ["tindoy"]
    assert coop["joint_share"].between(0, 1).all()
    b = some.benchmarks("tindoy")
    assert {"t/USD million", "t/resident", "t/NOK million"} <= set(b["member_unit"])
    code = some.member_code("tindoy")  # random per export, not the public order (M03)
    assert code.startswith("M-") and some.member_code("tindoy") == code
    with pytest.raises(KeyError, match="not in these cohort results"):
        some.years("marlowe_county")


def test_benchmarks_read_the_bundled_file_with_caveats():
    b = compare.benchmarks().set_index("benchmark_id")
    assert b.attrs["source"].endswith("benchmarks.csv")
    row = b.loc["london_boroughs_intensity"]
    assert (row["value"], row["low"], row["high"]) == (337.0, 167.0, 674.0)
    assert row["data_year"] == 2010 and len(row["caveats"]) > 20


# ------------------------------------------------------------ the cache


def test_second_call_reads_the_cache_and_does_not_recompute(some, no_compute):
    again = cohort_runner.cohort_results(members=SOME, progress=False)
    assert again.from_cache and again.key == some.key
    pd.testing.assert_frame_equal(again.member_years, some.member_years, check_dtype=False)
    pd.testing.assert_frame_equal(again.categories, some.categories, check_dtype=False)


def test_changed_settings_or_refresh_compute_again(some, no_compute):
    with pytest.raises(AssertionError, match="cache was not used"):
        cohort_runner.cohort_results(members=SOME, price_method="cpi_u", progress=False)
    with pytest.raises(AssertionError, match="cache was not used"):
        cohort_runner.cohort_results(members=SOME, refresh=True, progress=False)
    with pytest.raises(AssertionError, match="cache was not used"):
        cohort_runner.cohort_results(members=SOME[:2], progress=False)


def test_a_changed_rules_file_changes_the_key(tmp_path):
    rules = tmp_path / "classify"
    shutil.copytree(paths.datasets_dir() / "classify", rules)
    from cohort_helpers import members

    files = members.ledger_files("northgate")
    before = cohort_cache.cache_key({"s": 1}, cohort_cache.input_fingerprints(files, "sef_v1.3", rules))
    with open(rules / "keywords.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    after = cohort_cache.cache_key({"s": 1}, cohort_cache.input_fingerprints(files, "sef_v1.3", rules))
    assert before != after


def test_a_process_that_finds_a_build_in_progress_waits_for_it(some, cache_dir, no_compute):
    files = cohort_cache.cache_files(some.path)
    hidden = files["meta"].with_suffix(".hidden")
    os.replace(files["meta"], hidden)
    files["lock"].write_text(f"{os.getpid()} {socket.gethostname()}\n")

    def other_process_finishes():
        time.sleep(1.0)
        os.replace(hidden, files["meta"])
        files["lock"].unlink()

    t = threading.Thread(target=other_process_finishes)
    t.start()
    try:
        got = cohort_runner.cohort_results(members=SOME, progress=False)
    finally:
        t.join()
    assert got.from_cache and not files["lock"].exists()


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    lock = tmp_path / "x.lock"
    lock.write_text(f"{dead.stdout.strip()} {socket.gethostname()}\n")
    start = time.monotonic()
    assert cohort_cache.acquire_lock(lock, lambda: False, wait=60, stale=60) is True
    assert time.monotonic() - start < 5
    assert lock.read_text().split()[0] == str(os.getpid())


def test_atomic_write_leaves_nothing_behind_on_failure(tmp_path):
    target = tmp_path / "t.csv"

    def broken(p):
        p.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        cohort_cache.write_atomic(target, broken)
    assert list(tmp_path.iterdir()) == []
    cohort_cache.write_atomic(target, lambda p: p.write_text("ok"))
    assert target.read_text() == "ok" and list(tmp_path.iterdir()) == [target]


# ------------------------------------------------------------ the homework


def test_homework_answers_follow_from_the_results(some, monkeypatch):
    from cohort_helpers.course.homework import session05

    monkeypatch.setattr(session05, "_results", lambda: some)
    n = some.normalised()
    assert session05.t_per_resident("tindoy") == pytest.approx(n.loc["tindoy", "t_per_resident"])
    assert session05.rank("tindoy") == int(n.loc["tindoy", "rank"])
    assert session05.main_reason("tindoy") in session05.REASONS
    assert session05.cohort_median() == pytest.approx(n["t_per_resident"].median())


def test_old_results_are_pruned(tmp_path):
    for i in range(5):
        prefix = tmp_path / f"cohort_{i:04d}"
        for p in cohort_cache.cache_files(prefix).values():
            if not p.name.endswith(".lock"):
                p.write_text("x")
                os.utime(p, (1000 + i, 1000 + i))
    cohort_cache.prune(tmp_path, keep=2)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(
        f"cohort_{i:04d}{s}" for i in (3, 4) for s in (".categories.csv", ".json", ".member_years.csv")
    )
