"""The floors of the code: `sim` (the model) imports nothing from `experiments`, `dashboards` or
the `conflictsim` command package; benchmarks import no tests."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UPPER = ("experiments", "dashboards", "conflictsim")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_sim_imports_nothing_above_it():
    offenders = {str(path.relative_to(ROOT)): sorted(name for name in imported_modules(path)
                                                     if name.split(".")[0] in UPPER)
                 for path in (ROOT / "sim").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.slow
def test_importing_sim_loads_no_upper_floor():
    """Run-time check too (an import hidden in a string would pass the static one)."""
    code = ("import sys, sim, sim.simulate, sim.levers, sim.plots; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {UPPER!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.strip()
    assert out == "[]"


def test_benchmarks_import_no_tests():
    test_modules = {path.stem for path in (ROOT / "tests").glob("*.py")}
    for path in (ROOT / "benchmarks").glob("*.py"):
        names = {name.split(".")[0] for name in imported_modules(path)}
        assert not names & (test_modules | {"tests"}), path
