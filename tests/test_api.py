"""The flat notebook API (cohort_helpers.api): lazy, thin, the same figures as the modules."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import cohort_helpers as ch
from cohort_helpers import adjust, analysis, api, inventory, members, paths


def test_import_is_lazy_and_names_resolve():
    code = (
        "import sys, cohort_helpers as ch; "
        "before = {m for m in sys.modules if m.startswith('cohort_helpers.') or m == 'pandas'}; "
        "f = ch.session; "
        "print(sorted(before), f.__module__, ch.plots.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("] ")[0] == "["  # nothing imported by `import cohort_helpers`
    assert out.stdout.strip().endswith("cohort_helpers.api cohort_helpers.plots")


def test_all_lists_the_flat_api_and_every_name_resolves():
    assert set(ch.__all__) == {
        "__version__", "DEFAULT_MEMBER", "session", "open_inventory", "cohort", "open_dataset",
        "list_datasets", "profile", "check", "done", "plots", "widgets", "survey", "policy",
    }
    for name in ch.__all__:
        assert getattr(ch, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ch.nope  # noqa: B018


def test_session_makes_the_default_folder_the_notebooks_made(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.DATASETS_ENV, str(paths.datasets_dir()))
    monkeypatch.setattr(paths, "repo_root", lambda: tmp_path)
    s = ch.session("cedar_valley", "03")
    assert s.output_dir == tmp_path / "build" / "cedar_valley" / "03_downscaling_adjusting"
    assert s.output_dir.is_dir()
    assert s.profile == members.member_profile("cedar_valley")
    assert s.number == 3 and s.homework.__name__ == "cohort_helpers.course.homework.session03"
    given = ch.session("cedar_valley", "04_homework", tmp_path / "x")
    assert (given.notebook, given.output_dir, given.number) == ("04_homework", tmp_path / "x", 4)
    with pytest.raises(ValueError, match="not a session notebook"):
        ch.session("cedar_valley", "scratch", tmp_path / "y").check  # noqa: B018


def test_inventory_methods_are_the_module_functions():
    inv = ch.open_inventory("bjorkestrand", 2021, n_draws=0)
    plain = inventory.member_inventory("bjorkestrand", 2021, n_draws=0)
    assert isinstance(inv, inventory.Inventory)
    assert inv.t_co2e == plain.t_co2e
    pd.testing.assert_frame_equal(inv.summarise(), inventory.summarise(plain.lines))
    pd.testing.assert_series_equal(inv.waterfall(), inventory.waterfall_steps(plain.reconciliation))
    pd.testing.assert_frame_equal(inv.exclusions(), inventory.exclusion_table(plain.reconciliation))
    pd.testing.assert_frame_equal(inv.factor_ready(), adjust.factor_ready_lines(plain.lines))
    pd.testing.assert_frame_equal(inv.review_queue(5), analysis.review_queue(plain.lines, 5))
    pd.testing.assert_frame_equal(inv.coverage(), analysis.coverage(plain.lines))
    pd.testing.assert_frame_equal(inv.intensity(), analysis.intensity(plain.summary))
    assert inv.hot_spots().n80_emissions == analysis.hot_spots(plain.summary).n80_emissions
    pd.testing.assert_series_equal(inv.labels(), analysis.category_labels(plain.summary.index))
    assert len(inv.included) == int((plain.lines["status"] == "included").sum())


def test_open_dataset_knows_every_name_and_names_them_when_wrong():
    assert set(members.PUBLIC_TABLES) < set(ch.list_datasets())
    nok = ch.open_dataset("nok_per_usd")
    pd.testing.assert_frame_equal(nok, members.public_table("nok_per_usd"))
    with pytest.raises(KeyError, match="Datasets: .*cpi_u"):
        ch.open_dataset("cpi")


def test_check_and_done():
    c = ch.check("06", "cedar_valley")
    assert list(c.tasks)[:1] == ["task_1"]
    assert (ch.done(...), ch.done(None), ch.done(0)) == (False, False, True)
    assert api.notebook_name(6) == "06_purchasing_policy"
