"""The docs name only what exists (issue 17): every `snake_case` name a doc shows in code type is
a parameter, an outcome, a trajectory, a column or a function somewhere in the code or the shipped
data, so a renamed or removed parameter cannot live on in the docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE_DIRS = ("sim", "experiments", "dashboards", "conflictsim", "tools", "benchmarks")
# columns made from a prefix and a parameter's or a type's name (experiments/chunks.py)
GENERATED = re.compile(r"^(drawn|type)_")
NOT_OURS = {"ema_workbench"}  # another project's package, named in a comparison


def code_text() -> str:
    parts = [p.read_text(encoding="utf-8") for d in CODE_DIRS for p in (ROOT / d).rglob("*.py")]
    parts += [p.read_text(encoding="utf-8") for p in (ROOT / "sim" / "data").rglob("*.csv")]
    parts += [p.read_text(encoding="utf-8") for p in (ROOT / "experiments" / "specs").glob("*.toml")]
    return "\n".join(parts)


@pytest.mark.parametrize("doc", ["README.md", *sorted(p.name for p in (ROOT / "docs").glob("*.md"))])
def test_every_name_a_doc_shows_as_code_exists(doc):
    path = ROOT / doc if doc == "README.md" else ROOT / "docs" / doc
    names = set(re.findall(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`", path.read_text(encoding="utf-8")))
    code = code_text()
    missing = sorted(n for n in names if n not in code and not GENERATED.match(n) and n not in NOT_OURS)
    assert not missing, f"{doc} names what the code does not have: {missing}"


def test_model_md_names_the_levers_known_to_miss_as_the_lever_test_lists_them():
    from tests.test_levers import KNOWN_WRONG

    text = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8")
    section = text.split("### Every lever alive", 1)[1].split("\n## ", 1)[0]
    failures = section.split("strict expected", 1)[1].split("\n\n", 1)[0]
    named = set(re.findall(r"`([a-z][a-z0-9_]+)`", failures))
    assert named == set(KNOWN_WRONG), f"MODEL.md names {sorted(named)}; the test lists " \
                                      f"{sorted(KNOWN_WRONG)}"
