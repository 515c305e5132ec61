"""The `conflictsim` command end to end, and its bad-input contract (one line, exit code 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim

CLI = [sys.executable, "-m", "conflictsim"]


def run_cli(*args, cwd=None):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def run_main(capsys, *args) -> subprocess.CompletedProcess:
    """The command's `main` in this process (no interpreter start-up), as `run_cli` reports it."""
    from conflictsim.cli import main

    capsys.readouterr()
    try:
        code = main(list(map(str, args)))
    except SystemExit as stop:
        code = stop.code
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out.out, out.err)


def test_scenarios_lists_every_preset_with_its_description(capsys):
    out = run_main(capsys, "scenarios")
    assert out.returncode == 0
    for scenario in sim.SCENARIOS.values():
        assert scenario.name in out.stdout and scenario.description[:40] in out.stdout.replace("\n    ", " ")


@pytest.mark.slow
def test_run_writes_outcomes_trajectories_and_figure(tmp_path):
    out = run_cli("run", "--scenario", "freeze", "--runs", 40, "--days", 120, "--seed", 3,
                  "--set", "trump_aid_level=0.5", "--out", tmp_path / "o.parquet",
                  "--trajectories", tmp_path / "t.parquet", "--plot", tmp_path / "f.png")
    assert out.returncode == 0, out.stderr
    assert "median" in out.stdout and "outcome classes" in out.stdout
    outcomes = pd.read_parquet(tmp_path / "o.parquet")
    assert len(outcomes) == 40
    for column in ("run", "seed", "occupied_km2_final", "ceasefire_day", "outcome",
                   "russia_economic_pressure_final", "ukraine_economic_pressure_final"):
        assert column in outcomes.columns
    traj = pd.read_parquet(tmp_path / "t.parquet")
    assert len(traj) == 40 * 121
    for column in ("run", "day", "date", "occupied_km2", "russia_economic_pressure",
                   "ukraine_economic_pressure", "talks_phase"):
        assert column in traj.columns
    assert traj["date"].iloc[0] == "2024-12-01"
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"
    expected = sim.simulate("freeze", runs=40, days=120, seed=3, overrides={"trump_aid_level": 0.5})
    assert np.array_equal(outcomes["occupied_km2_final"], expected.outcomes["occupied_km2_final"])


@pytest.mark.slow
def test_run_offset_replays_run_k_of_a_larger_batch(tmp_path):
    assert run_cli("run", "--runs", 30, "--days", 90, "--seed", 11, "--scenario",
                   "maximalist_terms", "--out", tmp_path / "all.parquet").returncode == 0
    assert run_cli("run", "--runs", 1, "--run-offset", 17, "--days", 90, "--seed", 11,
                   "--scenario", "maximalist_terms", "--out", tmp_path / "one.parquet").returncode == 0
    batch = pd.read_parquet(tmp_path / "all.parquet")
    one = pd.read_parquet(tmp_path / "one.parquet")
    pd.testing.assert_frame_equal(batch.iloc[[17]].reset_index(drop=True), one, check_exact=True)


@pytest.mark.parametrize("args, field", [
    (["run", "--scenario", "surrender"], "scenario='surrender'"),
    (["run", "--scenario", "freez"], "(did you mean 'freeze'?)"),  # a typo: the nearest
    (["run", "--set", "no_such_param=1"], "no_such_param"),
    (["run", "--set", "trump_aid_level=9"], "trump_aid_level='9'"),
    (["run", "--set", "trump_aid_level"], "NAME=VALUE"),
    (["run", "--set", "putin_strategy=bluff"], "one of opportunist"),
    (["run", "--runs", "0"], "--runs=0"),
    (["run", "--days", "-5"], "--days=-5"),
    (["run", "--seed", "x"], "--seed='x'"),
    (["run", "--start-date", "2022-12-01"], "--start-date='2022-12-01'"),
    (["run", "--start-date", "2024-12-02"], "--start-date='2024-12-02'"),
    (["run", "--from", "somewhere", "--run", "1", "--start-date", "2024-06-01"],
     "--start-date=2024-06-01 is not allowed with --from somewhere"),
    # a replay runs what was stored: a flag that would change it is refused, not ignored
    (["run", "--from", "somewhere", "--run", "1", "--set", "eu_aid_baseline_bn_usd=40"],
     "--set=eu_aid_baseline_bn_usd=40 is not allowed with --from somewhere"),
    (["run", "--from", "somewhere", "--run", "1", "--seed", "0", "--days", "5"],
     "--days=5 is not allowed with --from somewhere"),
    (["run", "--from", "somewhere", "--run", "1", "--scenario", "freeze"],
     "--scenario=freeze is not allowed with --from somewhere"),
    (["run", "--from", "/no/such/sweep", "--run", "0"],
     "--from=/no/such/sweep is not allowed: no such folder"),
    (["run", "--game", "game.json", "--runs", "3"], "--runs=3 is not allowed with --game game.json"),
    (["run", "--game", "game.json", "--settings", "s.toml"],
     "--settings=s.toml is not allowed with --game game.json"),
    (["run", "--out", "/no/such/dir/o.parquet"], "--out='/no/such/dir/o.parquet'"),
    # the trajectories would have replaced the outcomes already written to that file
    (["run", "--out", "o.parquet", "--trajectories", "./o.parquet"],
     "--trajectories='o.parquet' is not allowed: --out writes that file"),
    (["run", "--trajectories", "t.parquet", "--plot", "t.parquet"],
     "--plot='t.parquet' is not allowed: --trajectories writes that file"),
    # a whole number's range said once ('a whole number in in [1, 120] days' before)
    (["run", "--set", "offer_interval_days=21.5"],
     "offer_interval_days='21.5' is not allowed: a whole number in [1, 120] days"),
    # validate's robustness check across seeds; calibrate has one seed and must not accept it
    (["calibrate", "--out", "/tmp/never", "--seeds", "0-1"], "unrecognized arguments: --seeds"),
    (["params", "trump_aid_levl"],
     "parameter='trump_aid_levl' is not allowed: a name listed by `conflictsim params` (did you "
     "mean 'trump_aid_level'?)"),
])
def test_bad_input_gives_one_line_and_exit_code_2(args, field, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a refusal that slipped through writes there, not in the tree
    out = run_main(capsys, *args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert field in lines[0] and "Traceback" not in out.stderr


def test_a_real_process_refuses_bad_input_in_one_line_without_a_traceback():
    out = run_cli("run", "--scenario", "surrender")
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "scenario='surrender'" in out.stderr, out.stderr


SMOKE = Path(__file__).resolve().parents[1] / "experiments" / "specs" / "smoke.toml"


@pytest.mark.slow
@pytest.mark.parametrize("words, flag", [
    (["run", "--runs", "0"], "--runs"),
    (["levers", "--runs", "x"], "--runs"),
    (["sweep", SMOKE, "--out", "{tmp}/new", "--workers", "x"], "--workers"),
    (["sensitivity", SMOKE, "--connect-timeout", "0"], "--connect-timeout"),
    (["calibrate", "--out", "{tmp}/cal", "--accept", "0.7"], "--accept"),
    (["discover", "{tmp}", "--where", "runs > 1", "--threshold", "2"], "--threshold"),
    (["results", "{tmp}", "--replay", "-1"], "--replay"),
    (["validate", "--out", "{tmp}/val", "--runs", "3"], "--runs"),
    (["dashboard", "--port", "70000"], "--port"),
    (["dashboard", "--sweeps", "{tmp}/missing"], "--sweeps"),
], ids=lambda v: " ".join(map(str, v)) if isinstance(v, list) else None)
def test_every_command_refuses_a_bad_flag_in_the_house_style(words, flag, tmp_path):
    """The checks of conflictsim/arguments.py, in every command group: one line,
    `conflictsim COMMAND: error: ... FLAG=VALUE is not allowed: ...`, exit code 2."""
    out = run_cli(*(str(w).replace("{tmp}", str(tmp_path)) for w in words), cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert lines[0].startswith(f"conflictsim {words[0]}: error: {flag}="), lines[0]  # once
    assert "is not allowed" in lines[0], lines[0]
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


def test_unwritable_output_is_reported_and_other_results_are_kept(tmp_path, capsys):
    """/proc refuses new files: a normal user is refused up front; root gets past the check,
    the write fails, and the outputs already computed are still written."""
    out = run_main(capsys, "run", "--runs", 3, "--days", 5, "--out", "/proc/o.parquet",
                   "--trajectories", tmp_path / "t.parquet")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "/proc/o.parquet" in lines[0] and "Traceback" not in out.stderr
    if os.geteuid() == 0:
        assert "could not write" in lines[0]
        assert len(pd.read_parquet(tmp_path / "t.parquet")) == 3 * 6


def test_a_failed_output_does_not_lose_the_others(tmp_path, capsys):
    taken = tmp_path / "taken.parquet"
    taken.mkdir()
    out = run_main(capsys, "run", "--runs", 5, "--days", 10, "--out", tmp_path / "o.parquet",
                   "--trajectories", taken)
    assert out.returncode == 2 and "not a directory" in out.stderr
    # refused up front: nothing computed, nothing half-written
    assert not (tmp_path / "o.parquet").exists()


@pytest.mark.slow
def test_a_start_date_moves_the_run_and_its_dates(tmp_path):
    out = run_cli("run", "--start-date", "2024-06-01", "--days", 30, "--runs", 3,
                  "--trajectories", tmp_path / "t.parquet")
    assert out.returncode == 0, out.stderr
    assert "30 days (2024-06-01 to 2024-07-01)" in out.stdout
    dates = pd.read_parquet(tmp_path / "t.parquet")["date"].astype(str)
    assert dates.min() == "2024-06-01" and dates.max() == "2024-07-01"


def test_one_run_is_one_run_in_run_sweep_and_results(capsys, tmp_path):
    """A count of one is singular wherever the commands print a count of runs, days, points,
    replicates or workers ("1 runs x 1 days" before)."""
    out = run_main(capsys, "run", "--runs", 1, "--days", 1)
    assert out.returncode == 0 and "1 run x 1 day (" in out.stdout, out.stdout
    (tmp_path / "one.toml").write_text('name = "one"\nscenario = "freeze"\ndays = 1\n'
                                       'replicates = 1\n')
    out = run_main(capsys, "sweep", tmp_path / "one.toml", "--out", tmp_path / "one",
                   "--executor", "serial", "--quiet")
    assert out.returncode == 0 and ": 1 run (0 already done" in out.stdout, out.stdout
    out = run_main(capsys, "results", tmp_path / "one")
    assert out.returncode == 0, out.stderr
    assert "(1 point x 1 replicate); 1 day from 2024-12-01;" in out.stdout
    assert ": 1 run, python" in out.stdout
    assert ": 1 run in " in out.stdout and "(1 worker)" in out.stdout
    assert not any(f"1 {noun}s" in out.stdout for noun in ("run", "day", "point", "replicate"))


def test_params_lists_every_parameter_with_its_range(capsys):
    out = run_main(capsys, "params")
    assert out.returncode == 0
    for name, spec in sim.PARAMS.items():
        assert f"{name} = {spec.default_text()}" in out.stdout


def test_params_shows_only_the_parameters_named(capsys):
    full = run_main(capsys, "params").stdout
    out = run_main(capsys, "params", "trump_aid_level", "putin_strategy")
    assert out.returncode == 0, out.stderr
    shown = [line.split(" = ")[0].strip() for line in out.stdout.splitlines() if " = " in line]
    assert shown == ["putin_strategy", "trump_aid_level"]  # in the full listing's order
    for block in out.stdout.strip().split("\n\n"):  # each group's block as the full listing has it
        header, *lines = block.splitlines()
        assert header in full and all(line in full for line in lines)


@pytest.mark.slow
def test_run_from_a_sweep_directory_replays_a_row_exactly(tmp_path):
    spec = Path(__file__).parent.parent / "experiments" / "specs" / "smoke.toml"
    sweep = run_cli("sweep", spec, "--out", tmp_path / "sweep", "--executor", "serial", "--quiet")
    assert sweep.returncode == 0, sweep.stderr
    out = run_cli("run", "--from", tmp_path / "sweep", "--run", 11, "--out", tmp_path / "r.parquet")
    assert out.returncode == 0, out.stderr
    assert "matches the stored row bit for bit" in out.stdout
    stored = pd.read_parquet(tmp_path / "sweep" / "outcomes")
    stored = stored[stored["row"] == 11].iloc[0]
    replayed = pd.read_parquet(tmp_path / "r.parquet").iloc[0]
    assert replayed["occupied_km2_final"] == stored["occupied_km2_final"]
    from conflictsim.cli import _same
    from experiments import results
    values = results.replayed_values(results.replay(tmp_path / "sweep", 11), stored.index)
    world = [c for c in values if c.startswith(("drawn_", "type_"))]
    assert "outcome" in values and world, "the check covers the class and the drawn world"
    assert all(_same(values[c], stored[c]) for c in values)
    assert not _same(values[world[0]], stored[world[0]] + 1e-12), "a world that differs fails"
    assert not _same(values["outcome"], "something else")
    bad = run_cli("run", "--from", tmp_path / "sweep", "--run", 10**6)
    assert bad.returncode == 2 and "--run=1000000 is not allowed" in bad.stderr
    missing = run_cli("run", "--from", tmp_path / "nowhere", "--run", 1)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1


DERIVED_SWEEP = """
name = "derived_replay"
scenario = "status_quo"
days = 30
seed = 3
replicates = 2

[parameters]
trump_aid_level = { levels = [0.0, 1.0] }

[[output.derived]]
name = "ceasefire_days"
field = "talks_phase"
reduce = "days_equal"
value = "ceasefire"

[[output.derived]]
name = "occupied_mean"
field = "occupied_km2"
reduce = "mean"
"""


def test_run_from_a_sweep_checks_and_writes_its_derived_outcomes(capsys, tmp_path):
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    spec = tmp_path / "derived.toml"
    spec.write_text(DERIVED_SWEEP)
    sweep = tmp_path / "sweep"
    made = run_main(capsys, "sweep", spec, "--out", sweep, "--executor", "serial", "--quiet")
    assert made.returncode == 0, made.stderr
    stored = pd.read_parquet(sweep / "outcomes").set_index("row").loc[3]
    out = run_main(capsys, "run", "--from", sweep, "--run", 3, "--out", tmp_path / "r.parquet")
    assert out.returncode == 0, out.stderr
    assert "matches the stored row bit for bit" in out.stdout
    assert "the outcome class and 2 derived outcomes among them" in out.stdout
    replayed = pd.read_parquet(tmp_path / "r.parquet").iloc[0]
    for name in ("ceasefire_days", "occupied_mean"):
        assert replayed[name] == stored[name], name
    # a stored derived value that the replay does not give is reported, by name
    for path in (sweep / "outcomes").rglob("*.parquet"):
        table = pq.read_table(path)
        tampered = pc.if_else(pc.equal(table["row"], 3), pc.add(table["occupied_mean"], 1.0),
                              table["occupied_mean"])
        index = table.schema.get_field_index("occupied_mean")
        pq.write_table(table.set_column(index, "occupied_mean", tampered), path)
    out = run_main(capsys, "run", "--from", sweep, "--run", 3)
    assert out.returncode == 0, out.stderr
    assert "does NOT match the stored row in: occupied_mean (" in out.stdout
    assert "with this one's features, so not the CPU" in out.stdout, "not blamed on the CPU"


def test_run_takes_portable_math_and_refuses_an_unknown_mode(capsys, tmp_path):
    native = run_main(capsys, "run", "--runs", 3, "--days", 60, "--out", tmp_path / "n.parquet")
    portable = run_main(capsys, "run", "--runs", 3, "--days", 60, "--math", "portable",
                        "--out", tmp_path / "p.parquet")
    assert native.returncode == 0 and portable.returncode == 0, portable.stderr
    a, b = pd.read_parquet(tmp_path / "n.parquet"), pd.read_parquet(tmp_path / "p.parquet")
    assert np.allclose(a["occupied_km2_final"], b["occupied_km2_final"], rtol=1e-4)
    assert not a["occupied_km2_final"].equals(b["occupied_km2_final"])
    bad = run_main(capsys, "run", "--runs", 1, "--days", 5, "--math", "fast")
    assert bad.returncode == 2 and "--math" in bad.stderr


def test_results_says_the_day_a_sweep_starts_from(capsys, tmp_path):
    """Sweeps from different start dates are compared side by side; the summary said only how
    many days they ran."""
    (tmp_path / "mid.toml").write_text('name = "mid"\nscenario = "freeze"\ndays = 2\n'
                                       'replicates = 1\nstart_date = 2023-07-01\n')
    made = run_main(capsys, "sweep", tmp_path / "mid.toml", "--out", tmp_path / "mid",
                    "--executor", "serial", "--quiet")
    assert made.returncode == 0, made.stderr
    out = run_main(capsys, "results", tmp_path / "mid")
    assert out.returncode == 0 and "; 2 days from 2023-07-01; seed 0" in out.stdout, out.stdout


def test_a_reader_that_stops_reading_is_not_an_error(capsys, tmp_path):
    """`conflictsim results DIR | head -1` printed 'conflictsim results: error: Broken pipe' and
    exited 1 (a broken pipe is an OSError, which the research commands report as a failed
    write); like `run` and `params`, it now stops quietly."""
    (tmp_path / "one.toml").write_text('name = "one"\nscenario = "freeze"\ndays = 1\n'
                                       'replicates = 1\n')
    made = run_main(capsys, "sweep", tmp_path / "one.toml", "--out", tmp_path / "one",
                    "--executor", "serial", "--quiet")
    assert made.returncode == 0, made.stderr
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line is written
    try:
        out = subprocess.run([*CLI, "results", tmp_path / "one"], stdout=write_end,
                             stderr=subprocess.PIPE, text=True, timeout=300,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    finally:
        os.close(write_end)
    assert out.returncode == 0 and out.stderr == "", out.stderr


def test_run_files_say_what_their_columns_are_and_what_they_were_run_with(capsys, tmp_path):
    """Two files of a counterfactual (`--set us_aid_gap_share=0` and without) held the same
    columns of the same runs, with no unit and no word of the start date or the setting."""
    import pyarrow.parquet as pq

    out = run_main(capsys, "run", "--start-date", "2024-01-01", "--days", 5, "--runs", 2,
                   "--set", "us_aid_gap_share=0", "--out", tmp_path / "o.parquet",
                   "--trajectories", tmp_path / "t.parquet")
    assert out.returncode == 0, out.stderr
    settings = {"start_date": "2024-01-01", "days": 5, "set": ["us_aid_gap_share=0"],
                "uncertainty": "on", "math": "native"}
    for name, column, declared in (("o", "area_change_km2", sim.outcomes.OUTCOMES),
                                   ("t", "occupied_km2", sim.trajectories.TRAJECTORIES)):
        path = tmp_path / f"{name}.parquet"
        assert pd.read_parquet(path).attrs == settings
        described = pq.read_schema(path).field(column).metadata
        assert described[b"unit"] == declared[column].unit.encode()
        assert described[b"label"] == declared[column].label.encode()
