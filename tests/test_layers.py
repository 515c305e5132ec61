"""The floors of the code: `sim` (the model) imports nothing from `experiments`, `dashboards` or
the `conflictsim` command package; the command line's argument checks live in one leaf module;
benchmarks import no tests."""

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


ARGUMENTS = ROOT / "conflictsim" / "arguments.py"


def test_the_argument_checks_are_a_leaf_every_command_can_import():
    """conflictsim/arguments.py holds the checks of every command: it imports nothing of the
    project, so any command module can use it."""
    assert sorted(name for name in imported_modules(ARGUMENTS)
                  if name.split(".")[0] in UPPER) == []


def test_experiments_and_dashboards_import_nothing_from_the_command_package():
    """The command package wires the floors below it; none of them reaches up into it (only
    `python -m experiments`, an entry point, hands over to the `conflictsim` command)."""
    offenders = {str(path.relative_to(ROOT)): sorted(name for name in imported_modules(path)
                                                     if name.split(".")[0] == "conflictsim")
                 for folder in ("experiments", "dashboards")
                 for path in (ROOT / folder).rglob("*.py") if path.name != "__main__.py"}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_argument_checks_raise_argparse_type_errors():
    """One place for the command line's checks and their one-line style: no other module of
    the project names `ArgumentTypeError` (so none raises it)."""
    offenders = []
    for path in sorted(p for folder in ("sim", *UPPER, "tools", "benchmarks")
                       for p in (ROOT / folder).rglob("*.py")):
        if path == ARGUMENTS:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
            if name == "ArgumentTypeError" or (isinstance(node, ast.alias)
                                               and node.name == "ArgumentTypeError"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_library_functions_take_values_not_a_command_line():
    """The floors below the command package take values: no function there has a parameter
    named `args` (an argparse namespace), so a script or notebook can call each one."""
    offenders = []
    for folder in ("sim", "experiments", "dashboards"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names = [a.arg for a in (*node.args.posonlyargs, *node.args.args,
                                             *node.args.kwonlyargs)]
                    if "args" in names:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert offenders == []
