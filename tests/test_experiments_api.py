"""`experiments.run` returns the very rows `conflictsim sweep` writes, for a spec given as a path,
a TOML string or a dict, with or without keeping the dataset."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import experiments
from experiments import storage
from experiments.spec import SpecError
from sim.params import InputError
from conflictsim.cli import main as conflictsim

ROOT = Path(__file__).resolve().parents[1]
SMOKE = ROOT / "experiments" / "specs" / "smoke.toml"


@pytest.fixture(scope="module")
def cli_sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "smoke"
    assert conflictsim(["sweep", str(SMOKE), "--out", str(out), "--executor", "serial",
                        "--quiet"]) == 0
    return out


@pytest.mark.slow
def test_run_returns_the_rows_the_cli_writes(cli_sweep):
    result = experiments.run(SMOKE)
    cli_rows = storage.read_table(cli_sweep, "outcomes")
    assert len(cli_rows) == 144 and result.out is None
    pd.testing.assert_frame_equal(result.outcomes, cli_rows, check_exact=True)
    pd.testing.assert_frame_equal(result.bands, storage.read_table(cli_sweep, "bands"),
                                  check_exact=True)
    pd.testing.assert_frame_equal(result.design, storage.read_design(cli_sweep), check_exact=True)
    assert result.trajectories is None  # the smoke spec keeps bands only
    assert result.manifest["fingerprint"] == json.loads(
        (cli_sweep / storage.MANIFEST).read_text())["fingerprint"]


@pytest.mark.slow
def test_a_toml_string_and_a_dict_give_the_same_rows(cli_sweep):
    text = SMOKE.read_text()
    cli_rows = storage.read_table(cli_sweep, "outcomes")
    from_text = experiments.run(text)
    from_dict = experiments.run(tomllib.loads(text))
    pd.testing.assert_frame_equal(from_text.outcomes, cli_rows, check_exact=True)
    pd.testing.assert_frame_equal(from_dict.outcomes, cli_rows, check_exact=True)


@pytest.mark.slow
def test_out_writes_the_dataset_as_the_cli_does(cli_sweep, tmp_path):
    out = tmp_path / "api"
    result = experiments.run(str(SMOKE), out=out, chunk_size=48)
    assert result.out == out
    for table in ("outcomes", "bands"):
        pd.testing.assert_frame_equal(storage.read_table(out, table),
                                      storage.read_table(cli_sweep, table), check_exact=True)
    assert (out / storage.SPEC_COPY).read_text() == SMOKE.read_text()
    assert storage.read_manifest(out)["status"] == "complete"
    loaded = experiments.load(out)
    pd.testing.assert_frame_equal(loaded.outcomes, result.outcomes, check_exact=True)
    assert loaded.spec.fingerprint() == result.spec.fingerprint()
    with pytest.raises(InputError, match="already holds results of this spec"):
        experiments.run(SMOKE, out=out)  # the CLI's refusal, as an exception
    again = experiments.run(SMOKE, out=out, resume=True, chunk_size=48)
    assert again.report.rows_computed == 0 and len(again.outcomes) == 144


def test_bad_specs_raise_the_cli_messages():
    with pytest.raises(SpecError, match=r"<dict>: parameters.no_such_param: unknown parameter"):
        experiments.run({"parameters": {"no_such_param": {"range": [0, 1], "steps": 2}}})
    with pytest.raises(SpecError, match="cannot read spec file"):
        experiments.run("no/such/spec.toml")
    with pytest.raises(SpecError, match="malformed TOML"):
        experiments.run("days = \n")


def test_discover_on_returned_tables():
    result = experiments.run({"name": "tiny", "days": 30, "replicates": 2,
                              "scenarios": ["status_quo", "freeze"],
                              "output": {"outcomes": ["occupied_km2_final", "outcome"]}})
    found = result.discover("scenario == 'freeze'", score_outcomes=False)
    limits = found.prim.limits_table()
    assert limits["categories"].tolist() == ["freeze"]
    assert found.prim.boxes[0].box.density == 1.0


def test_a_dict_or_string_without_a_name_gets_a_default_one():
    tiny = {"days": 3, "output": {"outcomes": ["occupied_km2_final"]}}
    assert experiments.run(tiny).spec.name == "experiment"
    assert experiments.run('days = 3\n[output]\noutcomes = ["occupied_km2_final"]\n').spec.name \
        == "experiment"


def test_numpy_integers_are_taken_as_whole_numbers():
    import numpy as np

    spec = {"name": "np", "scenario": "status_quo", "days": np.int64(5),
            "replicates": np.int32(2), "sampler": {"method": "grid"},
            "parameters": {"trump_aid_level": {"range": [np.float64(0.2), 0.8],
                                               "steps": np.int64(2)}}}
    result = experiments.run(spec, chunk_size=np.int64(4))
    assert len(result.outcomes) == 4 and result.spec.replicates == 2


@pytest.mark.parametrize("spec, fragment", [
    ({}, "<dict>: the spec is empty"),
    ("", "the spec is an empty string"),
    ("  ", "the spec is an empty string"),
    (ROOT / "experiments", "a folder, not a spec file"),
])
def test_an_empty_spec_or_path_is_refused_as_the_cli_refuses_it(spec, fragment, tmp_path):
    with pytest.raises(SpecError) as err:
        experiments.run(spec, out=tmp_path / "never")
    assert fragment in str(err.value) and "\n" not in str(err.value)
    assert not (tmp_path / "never").exists()


def test_a_script_without_a_main_guard_is_refused_before_any_worker_starts(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "study.py"
    script.write_text(f"import experiments\nexperiments.run({str(SMOKE)!r}, out={str(tmp_path / 'out')!r}, "
                      f"executor='processes', workers=2)\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "has no `if __name__ == \"__main__\":` guard" in last and str(script) in last
    assert "put the call to experiments.run under that guard" in last
    assert not (tmp_path / "out").exists()
