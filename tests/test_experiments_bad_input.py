"""Every bad input of the research commands named in issue 13: one line naming the file, key or
option, the value and what is allowed; exit code 2; nothing already written is touched."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from experiments import evaluators, spec as spec_module, sweep

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "experiments" / "specs"

GOOD = """
name = "good"
scenario = "freeze"
days = 30
seed = 3
replicates = 2
chunk_size = 4

[sampler]
method = "grid"

[parameters]
trump_aid_level = { range = [0.0, 1.0], steps = 2 }

[fixed]
putin_strategy = "freeze"
"""

CHOICE = next(spec for spec in sim.PARAMS.values() if spec.kind == "choice")
FLOATS = [spec.name for spec in sim.PARAMS.values() if spec.kind == "float"][:2]
MORRIS = f"""
name = "NAME"
days = 10
[sampler]
method = "morris"
samples = 2
[parameters]
{FLOATS[0]} = {{ range = [{sim.PARAMS[FLOATS[0]].low}, {sim.PARAMS[FLOATS[0]].high}] }}
"""
HUGE_GRID = f"""
[sampler]
method = "grid"
[parameters]
{FLOATS[0]} = {{ range = [{sim.PARAMS[FLOATS[0]].low}, {sim.PARAMS[FLOATS[0]].high}], steps = 1000000 }}
{FLOATS[1]} = {{ range = [{sim.PARAMS[FLOATS[1]].low}, {sim.PARAMS[FLOATS[1]].high}], steps = 1000000 }}
"""

SHARE_REFUSAL = ["--outcome='share:frozen_conflict' is not allowed: share:<outcome class>",
                 ", ".join(repr(name) for name in sim.OUTCOME_CLASSES),
                 "(did you mean 'share:frozen conflict'?)"]

# id: (files to create {name: bytes}, command words, fragments the one line must hold)
CASES = {
    "start_date beside start_dates": (
        {"both.toml": ("start_date = 2024-06-01\nstart_dates = [2023-07-01]\n" + GOOD).encode()},
        ["sweep", "{tmp}/both.toml", "--out", "{tmp}/new"],
        ["both.toml: start_date=2024-06-01: give either start_date or start_dates, not both"]),
    "a start date before the data": (
        {"early.toml": ("start_dates = [2023-07-01, 2022-12-01]\n" + GOOD).encode()},
        ["sweep", "{tmp}/early.toml", "--out", "{tmp}/new"],
        ["early.toml: start_dates=2022-12-01: a date (YYYY-MM-DD) from 2023-01-01 to "
         "2024-12-01"]),
    "sensitivity from several start dates": (
        {"dated.toml": ("start_dates = [2023-07-01, 2024-06-01]\n"
                        + MORRIS.replace("NAME", "dated")).encode()},
        ["sensitivity", "{tmp}/dated.toml", "--out", "{tmp}/new"],
        ['dated.toml: start_dates=["2023-07-01", "2024-06-01"]: sensitivity takes one start '
         "date"]),
    "invalid utf-8 spec": ({"bad.toml": b'name = "caf\xe9"\n'},
                           ["sweep", "{tmp}/bad.toml", "--out", "{tmp}/new"],
                           ["bad.toml: not UTF-8 text (byte 0xe9 on line 1)", "UTF-8"]),
    "empty spec": ({"empty.toml": b""}, ["sweep", "{tmp}/empty.toml", "--out", "{tmp}/new"],
                   ["empty.toml: the spec is empty", "smoke.toml"]),
    "choice by code": ({"code.toml": GOOD.replace('putin_strategy = "freeze"',
                                                  f"{CHOICE.name} = 3").encode()},
                       ["sweep", "{tmp}/code.toml", "--out", "{tmp}/new"],
                       [f"fixed.{CHOICE.name}=3", "given by name, not by code",
                        ", ".join(CHOICE.choices)]),
    "choice level by code": ({"level.toml": GOOD.replace(
        "[fixed]\nputin_strategy = \"freeze\"", "").replace(
        "[parameters]", f"[parameters]\n{CHOICE.name} = {{ levels = [0, 3] }}").encode()},
        ["sweep", "{tmp}/level.toml", "--out", "{tmp}/new"],
        [f"parameters.{CHOICE.name}.levels=0", "given by name"]),
    "name escaping the output folder": ({"escape.toml": MORRIS.replace("NAME", "../../../x").encode()},
                                        ["sensitivity", "{tmp}/escape.toml"],
                                        ['name="../../../x"', "names the output folder"]),
    "sweep --out /proc/x": ({}, ["sweep", str(SPECS / "smoke.toml"), "--out", "/proc/x",
                                 "--executor", "serial"],
                            ["--out /proc/x: cannot create the directory", "writable"]),
    "sensitivity --out /proc/x": ({"m.toml": MORRIS.replace("NAME", "m").encode()},
                                  ["sensitivity", "{tmp}/m.toml", "--out", "/proc/x",
                                   "--executor", "serial"],
                                  ["--out /proc/x: cannot create the directory"]),
    "calibrate --out /proc/x": ({}, ["calibrate", "--out", "/proc/x", "--draws", "50",
                                     "--executor", "serial"],
                                ["--out /proc/x: cannot create the directory"]),
    "results --plots onto a file": ({"plots.png": b"not a folder"},
                                    ["results", "{out}", "--plots", "{tmp}/plots.png"],
                                    ["--plots={tmp}/plots.png is not allowed: it exists and is "
                                     "not a folder"]),
    "sensitivity --plot onto a folder": ({"m.toml": MORRIS.replace("NAME", "m").encode(),
                                          "fig/keep": b""},
                                         ["sensitivity", "{tmp}/m.toml", "--plot", "{tmp}/fig",
                                          "--executor", "serial"],
                                         ["--plot='{tmp}/fig' is not allowed: a file path, "
                                          "not a directory"]),
    "sensitivity --plot into a missing folder": ({"m.toml": MORRIS.replace("NAME", "m").encode()},
                                                 ["sensitivity", "{tmp}/m.toml", "--plot",
                                                  "{tmp}/no/such/x.png", "--executor", "serial"],
                                                 ["--plot='{tmp}/no/such/x.png' is not allowed: "
                                                  "folder '{tmp}/no/such' does not exist"]),
    "results --outcome not in the sweep": ({}, ["results", "{out}", "--outcome", "force_ratio"],
                                           ["--outcome='force_ratio' is not allowed: not an "
                                            "outcome of this sweep"]),
    "results --x without --plots": ({}, ["results", "{out}", "--x", "trump_aid_level"],
                                    ["--x='trump_aid_level' is not allowed without --plots "
                                     "FOLDER"]),
    # a class written with an underscore: the refusal lists the classes and suggests the name
    "results --outcome share:frozen_conflict": ({}, ["results", "{out}", "--plots", "{tmp}/plots",
                                                     "--outcome", "share:frozen_conflict"],
                                                SHARE_REFUSAL),
    "sensitivity --outcome share:frozen_conflict": ({"m.toml": MORRIS.replace("NAME", "m").encode()},
                                                    ["sensitivity", "{tmp}/m.toml", "--outcome",
                                                     "share:frozen_conflict", "--executor",
                                                     "serial"],
                                                    SHARE_REFUSAL),
    "calibrate --seed -1": ({}, ["calibrate", "--out", "{tmp}/cal", "--seed", "-1"],
                            ["--seed=-1 is not allowed: a whole number in [0, 9223372036854775807]"]),
    "a 10^6 x 10^6 grid": ({"huge.toml": HUGE_GRID.encode()},
                           ["sweep", "{tmp}/huge.toml", "--out", "{tmp}/new"],
                           ["huge.toml: parameters=", "1,000,000,000,000", "grid",
                            f"{FLOATS[0]} 1,000,000 x {FLOATS[1]} 1,000,000", "fewer steps"]),
    "--connect-timeout -1": ({}, ["sweep", str(SPECS / "smoke.toml"), "--out", "{tmp}/new",
                                  "--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "-1"],
                             ["--connect-timeout=-1 is not allowed: a number of seconds > 0"]),
    "resume into a mistyped folder": ({}, ["sweep", str(SPECS / "smoke.toml"), "--out",
                                           "{tmp}/no_such_sweep", "--resume", "--executor",
                                           "serial"],
                                      ["--out {tmp}/no_such_sweep: holds no sweep to resume"]),
    "a grid with a Morris key": ({"levels.toml": GOOD.replace(
        'method = "grid"', 'method = "grid"\nlevels = 6').encode()},
        ["sweep", "{tmp}/levels.toml", "--out", "{tmp}/new"],
        ["levels.toml: sampler.levels=6: sampler 'grid' takes method; levels goes with sampler "
         "morris"]),
    # the sweep's own rows, not argparse's [0, 2**62], whichever side the index falls
    "run --from a sweep --run -1": ({}, ["run", "--from", "{out}", "--run", "-1"],
                                    ["--run=-1 is not allowed: a row index of the sweep in {out} "
                                     "(0 to 3)"]),
    "run --from a sweep --run 10^20": ({}, ["run", "--from", "{out}", "--run", "1" + "0" * 20],
                                       [f"--run={10**20} is not allowed: a row index of the sweep "
                                        "in {out} (0 to 3)"]),
    "run --from a folder holding no sweep": ({}, ["run", "--from", "{tmp}", "--run", "0"],
                                             ["{tmp}: no manifest.json; not a sweep directory"]),
    "resume with another spec": ({"other.toml": GOOD.replace("seed = 3", "seed = 4").encode()},
                                 ["sweep", "{tmp}/other.toml", "--out", "{out}", "--resume"],
                                 ["--out {out}: holds results of another spec"]),
}


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    out = tmp_path_factory.mktemp("finished") / "sweep"
    sweep.run(spec_module.parse(GOOD, "good.toml"), out, evaluators.SerialEvaluator(),
              progress=False, spec_text=GOOD)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_gets_one_line_exit_2_and_touches_nothing(case, finished, tmp_path):
    files, words, fragments = CASES[case]
    work = tmp_path / "work"
    work.mkdir()
    for name, data in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(data)
    fill = lambda text: text.replace("{tmp}", str(work)).replace("{out}", str(finished))
    before, listing = tree_digest(finished), sorted(work.rglob("*"))
    result = subprocess.run([sys.executable, "-m", "conflictsim", *map(fill, words)], cwd=work,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("conflictsim") and "error: " in lines[0], \
        result.stderr
    for fragment in fragments:
        assert fill(fragment) in lines[0], lines[0]
    assert tree_digest(finished) == before
    assert sorted(work.rglob("*")) == listing  # nothing new written, not even an empty folder
    assert not (tmp_path.parent / "x").exists()
