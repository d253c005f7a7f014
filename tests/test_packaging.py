"""The repo's promises about itself: dependencies in sync, notebooks clean, package data shipped."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> tuple[str, str]:
    m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(>=\s*[\w.]+)?", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), (m.group(2) or "").replace(" ", "")


def test_environment_yml_matches_pyproject_lower_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in ("dev", "bench", "lab"):
        reqs += project["optional-dependencies"][extra]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda: dict[str, str] = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e"):
                continue
            name, bound = _name(item)
            conda[name] = bound
    missing = []
    for req in reqs:
        name, bound = _name(req)
        if conda.get(name) != bound:
            missing.append(f"{name}{bound} (environment.yml has {conda.get(name)!r})")
    assert not missing, "environment.yml out of sync with pyproject.toml: " + ", ".join(missing)


def test_notebooks_are_committed_without_outputs():
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{nb_path.name} has outputs"
                assert cell.get("execution_count") is None, f"{nb_path.name} has counts"


def test_notebooks_have_a_parameters_cell():
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{nb_path.name}: expected one cell tagged 'parameters'"


def test_package_data_is_declared_for_every_data_file():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["kvanalytics"]
    pkg = ROOT / "kvanalytics"
    files = [p for p in (pkg / "data").rglob("*") if p.is_file()]
    assert files
    for f in files:
        rel = f.relative_to(pkg)
        assert any(rel.match(p) for p in patterns), f"{rel} is not covered by package-data"
