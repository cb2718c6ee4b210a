"""The project's general classification knowledge (datasets/knowledge/) stays valid.

Runs the validator that documents the tables (codes against the Census NAICS
2017 list, reasons against the vocabulary, keys, patterns, sources, coverage).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "datasets" / "knowledge" / "tools" / "check_knowledge.py"


def _checker():
    spec = importlib.util.spec_from_file_location("check_knowledge", TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_knowledge_tables_are_valid():
    problems = _checker().check(Path(os.environ["COHORT_DATA_DIR"]))
    assert problems == []


def test_the_validator_catches_a_bad_code(tmp_path, monkeypatch):
    mod = _checker()
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for f in (ROOT / "datasets" / "knowledge").glob("*.csv"):
        (folder / f.name).write_bytes(f.read_bytes())
    text = (folder / "phrases.csv").read_text(encoding="utf-8").splitlines()
    head, first = text[0].split(","), text[1].split(",")
    first[head.index("naics")] = "999999"
    text[1] = ",".join(first)
    (folder / "phrases.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    monkeypatch.setattr(mod, "KNOW", folder)
    problems = mod.check(Path(os.environ["COHORT_DATA_DIR"]))
    assert any("999999" in p for p in problems), problems
