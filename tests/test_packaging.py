"""Packaging: dependency lists agree, the kernel resolves, the CLI is installed."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(spec: str) -> str:
    return re.sub(r"\s+", "", spec).lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_deps = {_norm(d) for d in project["dependencies"]}
    pip_deps |= {_norm(d) for d in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_norm(d) for d in env["dependencies"] if isinstance(d, str)}
    conda -= {d for d in conda if d.startswith(("python", "pip"))}
    assert conda == pip_deps, (
        f"only in environment.yml: {sorted(conda - pip_deps)}; "
        f"only in pyproject.toml: {sorted(pip_deps - conda)}"
    )
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_section == [{"pip": ["-e ."]}]


def test_python3_kernel_is_this_environment():
    """Notebooks name the kernel 'python3'; it must start this interpreter."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    exe = spec.argv[0]
    if exe in {"python", "python3", "{python}"}:
        return  # resolved at launch to the running interpreter
    assert Path(exe).resolve().parent == Path(sys.executable).resolve().parent


def test_notebooks_use_the_python3_kernel():
    import json

    for nb in sorted(ROOT.glob("*/[0-9][0-9]_*.ipynb")):
        meta = json.loads(nb.read_text(encoding="utf-8"))["metadata"]
        assert meta["kernelspec"]["name"] == "python3", nb


def test_cohort_command_is_installed():
    out = subprocess.run(
        [Path(sys.executable).parent / "cohort", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0
    for sub in ("data", "run", "datasets", "exercises", "inventory"):
        assert sub in out.stdout
