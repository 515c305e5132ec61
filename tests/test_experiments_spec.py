"""Spec parsing, samplers and bad input: one clear line naming file, key and value, exit code 2,
and nothing already written is touched."""

from __future__ import annotations

import hashlib
import re
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from experiments import evaluators, samplers, spec as spec_module, sweep
from experiments.spec import SpecError

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "experiments" / "specs"

GOOD = """
name = "tiny"
scenario = "freeze"
days = 30
seed = 3
replicates = 2
chunk_size = 4

[sampler]
method = "grid"

[parameters]
trump_aid_level = { range = [0.0, 1.0], steps = 2 }
putin_strategy = { levels = ["freeze", "serious"] }
"""


def parse(text: str):
    return spec_module.parse(text, source="exp.toml")


DOCUMENTED_SPECS = sorted([*SPECS.glob("*.toml"), *(ROOT / "docs").rglob("*.toml"),
                           *(ROOT / "benchmarks").glob("*.toml")])


@pytest.mark.parametrize("path", DOCUMENTED_SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_specs_are_valid(path):
    spec = spec_module.load(path)
    assert spec_module.n_rows(spec) > 0
    assert samplers.draw(spec).shape == (spec_module.n_points(spec), len(spec.factors))


def test_the_example_in_the_spec_modules_docstring_is_valid():
    example = spec_module.__doc__.split("\n\n", 2)[2]
    spec = parse(re.sub(r"^    ", "", example, flags=re.M))
    assert spec.method == "grid" and [d.name for d in spec.output.derived] == [
        "day_area_above_120k", "winter_outage_mean"]


# The [sampler] keys each method reads besides `method` (the contract, written out here so that
# a change to experiments.spec.SAMPLER_KEYS shows up as a failing test).
METHOD_KEYS = {"grid": (), "random": ("samples",), "latin": ("samples",),
               "sobol": ("samples", "second_order", "dummy"),
               "morris": ("samples", "levels", "dummy")}
SAMPLER_VALUES = {"samples": 8, "levels": 6, "second_order": False, "dummy": True}


def sampler_spec(method: str, key: str) -> dict:
    """A valid spec of `method` with `key` set under [sampler] (samples too where required)."""
    sampler = {"method": method, **({"samples": 8} if method != "grid" else {}),
               key: SAMPLER_VALUES[key]}
    parameter = {"range": [0.0, 1.0], **({"steps": 2} if method == "grid" else {})}
    return {"sampler": sampler, "parameters": {"trump_aid_level": parameter}}


@pytest.mark.parametrize("method,key", [(m, k) for m in METHOD_KEYS for k in SAMPLER_VALUES
                                        if k not in METHOD_KEYS[m]])
def test_a_sampler_refuses_the_keys_of_other_methods(method, key):
    with pytest.raises(SpecError) as caught:
        spec_module.from_dict(sampler_spec(method, key), source="exp.toml")
    message = str(caught.value)
    shown = spec_module._show(SAMPLER_VALUES[key])
    takes = ", ".join(("method", *METHOD_KEYS[method]))
    assert message.startswith(f"exp.toml: sampler.{key}={shown}: sampler '{method}' takes "
                              f"{takes}; {key} goes with sampler "), message
    users = message.rsplit("goes with sampler ", 1)[1].replace(" or ", ", ").split(", ")
    assert users == [m for m in METHOD_KEYS if key in METHOD_KEYS[m]], message
    assert "\n" not in message


@pytest.mark.parametrize("method,key", [(m, k) for m in METHOD_KEYS for k in METHOD_KEYS[m]])
def test_a_sampler_takes_its_own_keys(method, key):
    spec = spec_module.from_dict(sampler_spec(method, key), source="exp.toml")
    attribute = {"levels": "morris_levels"}.get(key, key)
    assert getattr(spec, attribute) == SAMPLER_VALUES[key]


def test_the_researchers_grid_with_sobol_and_morris_keys_is_refused():
    text = GOOD.replace('method = "grid"', 'method = "grid"\nsamples = 50\nlevels = 6\n'
                        'second_order = false')
    with pytest.raises(SpecError, match=r"exp.toml: sampler.samples=50: sampler 'grid' takes "
                                        r"method; samples goes with sampler random, latin, sobol or morris$"):
        parse(text)


def test_smoke_spec_is_small():
    assert spec_module.n_rows(spec_module.load(SPECS / "smoke.toml")) <= 2000


def test_grid_design_covers_every_combination_in_model_coding():
    spec = parse(GOOD)
    design = samplers.draw(spec)
    assert design.tolist() == [[0.0, 1.0], [0.0, 3.0], [1.0, 1.0], [1.0, 3.0]]


@pytest.mark.parametrize("method,extra,points", [
    ("random", "samples = 10", 10), ("latin", "samples = 10", 10),
    ("sobol", "samples = 8", 8 * (2 * 2 + 2)), ("morris", "samples = 5", 5 * 3)])
def test_samplers_are_drawn_once_from_the_seed_within_bounds(method, extra, points):
    text = f"""
seed = 5
[sampler]
method = "{method}"
{extra}
[parameters]
advance_speed_scale = {{ range = [0.5, 2.0] }}
russia_recruits_per_day = {{ range = [500, 2000] }}
"""
    spec = parse(text)
    first, second = samplers.draw(spec), samplers.draw(spec)
    assert first.shape == (points, 2)
    np.testing.assert_array_equal(first, second)
    assert first[:, 0].min() >= 0.5 and first[:, 0].max() <= 2.0
    assert not np.array_equal(first, samplers.draw(parse(text.replace("seed = 5", "seed = 6"))))


@pytest.mark.parametrize("text,expected", [
    (GOOD.replace("trump_aid_level", "trump_aid_levle"),
     "exp.toml: parameters.trump_aid_levle: unknown parameter (did you mean 'trump_aid_level'?)"),
    (GOOD + "\n[fixed]\nputin_kursk_superiority = true\n",
     "exp.toml: fixed.putin_kursk_superiority=true: putin_kursk_superiority is a number, not "
     "true or false"),
    (GOOD.replace("[0.0, 1.0], steps = 2", "[true, false], steps = 2"),
     "exp.toml: parameters.trump_aid_level.range=[true, false]: two numbers [low, high]"),
    (GOOD.replace("[0.0, 1.0]", "[0.0, 2.0]"),
     "exp.toml: parameters.trump_aid_level.range=2.0: trump_aid_level: a number in [0, 1.5]"),
    (GOOD.replace('"serious"', '"surrender"'),
     'exp.toml: parameters.putin_strategy.levels="surrender": putin_strategy: one of'),
    (GOOD.replace('method = "grid"', 'method = "sobol"\nsamples = 8'),
     "exp.toml: parameters.trump_aid_level.steps=2: steps only applies to sampler 'grid'"),
    (GOOD.replace('method = "grid"', 'method = "sobol"\nsamples = 8')
     .replace(", steps = 2", ""),
     "sampler 'sobol' needs range = [low, high] for every parameter"),
    (GOOD.replace(", steps = 2", ""), "sampler 'grid' needs steps = N with a range"),
    (GOOD.replace('method = "grid"', 'method = "sobol"\nsamples = 10'), "power of two"),
    (GOOD.replace('method = "grid"', 'method = "latin"'),
     "exp.toml: sampler.samples is missing: give a whole number in [1, "),  # not "=None"
    # a researcher comparing start dates tries to vary one: start_dates is the key for that
    (GOOD.replace("[parameters]", "[parameters]\nstart_date = { levels = ['2023-01-01'] }"),
     "exp.toml: parameters.start_date: not a parameter; start_date is a key at the top of the "
     "spec, give start_dates = [...] at the top of the spec to run every row from each date"),
    (GOOD.replace("[parameters]", "[parameters]\ndays = { levels = [30, 60] }"),
     "exp.toml: parameters.days: not a parameter; days is a key at the top of the spec, one "
     "value per sweep: run a sweep for each days to compare them"),
    (GOOD.replace("days = 30", "days = -1"), "exp.toml: days=-1: a whole number in [1, "),
    (GOOD.replace('scenario = "freeze"', 'scenario = "peace"'), 'exp.toml: scenario="peace"'),
    (GOOD + "\n[fixed]\ntrump_aid_level = 0.5\n", "also varied"),
    (GOOD + "\n[output]\noutcomes = ['gdp']\n", 'exp.toml: output.outcomes="gdp": one of'),
    (GOOD.replace("replicates", "replicas"), "exp.toml: replicas=2: unknown key"),
    ("start_date = 2022-06-01\n" + GOOD, "exp.toml: start_date=2022-06-01: a date (YYYY-MM-DD) from"),
    ("start_date = 'June'\n" + GOOD, 'exp.toml: start_date="June": a date'),
    ("name = 'x'\ndays = [1,\n", "exp.toml: malformed TOML:"),
])
def test_bad_specs_name_file_key_and_value(text, expected):
    with pytest.raises(SpecError) as caught:
        parse(text)
    message = str(caught.value)
    assert expected in message, message
    assert "\n" not in message


def test_a_sensitivity_on_outcomes_empty_without_their_event_fails_before_any_run():
    text = GOOD.replace('method = "grid"', 'method = "sobol"\nsamples = 8').replace(
        ", steps = 2", "").replace('putin_strategy = { levels = ["freeze", "serious"] }', "")
    assert parse(text + '\n[sensitivity]\noutcomes = ["reached:ceasefire_day"]\n')
    with pytest.raises(SpecError) as caught:
        parse(text + '\n[sensitivity]\noutcomes = ["occupied_km2_final", "ceasefire_day", '
              '"deal_kursk_return_km2"]\n')
    message = str(caught.value)
    assert 'sensitivity.outcomes=["ceasefire_day", "deal_kursk_return_km2"]' in message
    assert "'reached:ceasefire_day', 'reached:deal_kursk_return_km2'" in message


def test_the_outcomes_declared_empty_without_an_event_are_the_ones_a_run_leaves_empty():
    import sim

    frame = sim.simulate("new_administration", runs=60, days=300, seed=1).outcomes
    no_deal = frame["ceasefire_day"].isna()
    assert no_deal.any() and not no_deal.all(), "the check needs runs with and without a deal"
    empty = {c for c in frame.columns if frame[c].isna().any()}
    declared = {name for name, o in sim.outcomes.OUTCOMES.items() if o.empty_without}
    assert empty <= declared
    assert {n for n in declared if n.startswith("deal_") or n == "ceasefire_day"} <= empty


def test_a_switch_takes_true_or_false_and_a_number_does_not():
    spec = parse(GOOD + "\n[fixed]\nenergy_moratorium_in_talks = false\n")
    assert dict(spec.fixed)["energy_moratorium_in_talks"] == 0.0
    with pytest.raises(SpecError, match="is a number, not true or false"):
        parse(GOOD.replace('putin_strategy = { levels = ["freeze", "serious"] }',
                           "russia_soil_value_km2 = { levels = [true, false] }"))


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "experiments", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def finished_sweep(tmp_path):
    spec_path = tmp_path / "good.toml"
    spec_path.write_text(GOOD)
    out = tmp_path / "out"
    sweep.run(spec_module.load(spec_path), out, evaluators.SerialEvaluator(), progress=False,
              spec_text=GOOD)
    return spec_path, out


def assert_refused(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and re.match(r"conflictsim [a-z-]+: error: ", lines[0]), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.mark.slow
def test_cli_bad_spec_exits_2_and_leaves_results_alone(finished_sweep, tmp_path):
    spec_path, out = finished_sweep
    before = tree_digest(out)
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace("[0.0, 1.0]", "[0.0, 9.0]"))
    assert_refused(cli("sweep", str(bad), "--out", str(out), "--resume"),
                   str(bad), "parameters.trump_aid_level.range=9.0")
    bad.write_text("days = = 3")
    assert_refused(cli("sweep", str(bad), "--out", str(out)), "malformed TOML")
    assert tree_digest(out) == before


@pytest.mark.slow
def test_cli_refuses_another_specs_directory(finished_sweep, tmp_path):
    spec_path, out = finished_sweep
    before = tree_digest(out)
    other = tmp_path / "other.toml"
    other.write_text(GOOD.replace("seed = 3", "seed = 4"))
    assert_refused(cli("sweep", str(other), "--out", str(out), "--resume", "--executor", "serial"),
                   f"--out {out}: holds results of another spec")
    assert_refused(cli("sweep", str(spec_path), "--out", str(out), "--executor", "serial"),
                   "pass --resume")
    assert tree_digest(out) == before


@pytest.mark.slow
def test_cli_unreachable_scheduler_exits_2_and_writes_nothing(finished_sweep, tmp_path):
    spec_path, out = finished_sweep
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    fresh = tmp_path / "fresh"
    assert_refused(cli("sweep", str(spec_path), "--out", str(fresh), "--scheduler", address,
                       "--connect-timeout", "1"), f"--scheduler {address}: cannot reach")
    assert not fresh.exists()
    before = tree_digest(out)
    assert_refused(cli("sweep", str(spec_path), "--out", str(out), "--resume", "--scheduler",
                       address, "--connect-timeout", "1"), "cannot reach")
    assert tree_digest(out) == before


@pytest.mark.slow
def test_resume_of_a_complete_sweep_computes_nothing(finished_sweep):
    spec_path, out = finished_sweep
    result = cli("sweep", str(spec_path), "--out", str(out), "--resume", "--executor", "serial",
                 "--quiet")
    assert result.returncode == 0, result.stderr
    assert "0 computed" in result.stdout


def test_a_start_date_is_part_of_the_identity_and_its_absence_keeps_old_fingerprints():
    plain = parse(GOOD)
    dated = parse("start_date = 2024-06-01\n" + GOOD)
    quoted = parse("start_date = '2024-06-01'\n" + GOOD)
    assert plain.start_dates == () and "start_date" not in plain.identity()
    assert plain.dates == ("2024-12-01",)
    assert dated.start_dates == quoted.start_dates == ("2024-06-01",)
    assert dated.fingerprint() == quoted.fingerprint() != plain.fingerprint()


def test_start_dates_are_an_axis_of_the_rows_and_one_of_them_is_a_start_date():
    one = parse("start_date = 2024-06-01\n" + GOOD)
    listed = parse("start_dates = [2024-06-01]\n" + GOOD)
    two = parse("start_dates = ['2023-07-01', 2024-06-01]\n" + GOOD)
    assert listed.fingerprint() == one.fingerprint()  # the same sweep, said two ways
    assert two.start_dates == two.dates == ("2023-07-01", "2024-06-01")
    assert two.identity()["start_dates"] == ["2023-07-01", "2024-06-01"]
    assert two.fingerprint() != one.fingerprint()
    assert spec_module.n_rows(two) == 2 * spec_module.n_rows(one)


@pytest.mark.parametrize("text, expected", [
    ("start_date = 2024-06-01\nstart_dates = [2023-07-01]\n" + GOOD,
     "exp.toml: start_date=2024-06-01: give either start_date or start_dates, not both"),
    ("start_dates = [2023-07-01, 2022-06-01]\n" + GOOD,
     "exp.toml: start_dates=2022-06-01: a date (YYYY-MM-DD) from 2023-01-01 to 2024-12-01"),
    ("start_dates = ['2023-07-01', 'July']\n" + GOOD, 'exp.toml: start_dates="July": a date'),
    ("start_dates = []\n" + GOOD, "exp.toml: start_dates=[]: a non-empty list of dates"),
    ("start_dates = 2023-07-01\n" + GOOD, "exp.toml: start_dates=2023-07-01: a non-empty list"),
    ("start_dates = [2023-07-01, '2023-07-01']\n" + GOOD,
     'exp.toml: start_dates=[2023-07-01, "2023-07-01"]: each start date once'),
])
def test_bad_start_dates_say_the_key_the_value_and_what_is_allowed(text, expected):
    with pytest.raises(SpecError) as err:
        parse(text)
    assert str(err.value).startswith(expected) and "\n" not in str(err.value)


def test_a_share_target_in_a_spec_that_is_no_outcome_class_names_the_classes():
    text = GOOD.replace('method = "grid"', 'method = "sobol"\nsamples = 8').replace(
        ", steps = 2", "").replace('putin_strategy = { levels = ["freeze", "serious"] }', "")
    with pytest.raises(SpecError) as caught:
        parse(text + '\n[sensitivity]\noutcomes = ["share:frozen_conflict"]\n')
    message = str(caught.value)
    assert "'frozen conflict'" in message and "did you mean 'share:frozen conflict'" in message
