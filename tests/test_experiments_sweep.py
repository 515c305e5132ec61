"""Sweeps are exact across executors, chunk sizes and worker counts, survive kill -9 with
--resume, survive a lost Dask worker, and every row replays alone."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments import evaluators, results, spec as spec_module, storage, sweep
from sim.outcomes import OUTCOMES

ROOT = Path(__file__).resolve().parents[1]
SMOKE = ROOT / "experiments" / "specs" / "smoke.toml"
VENV_BIN = Path(sys.executable).parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

SLOW_SPEC = """
name = "kill-test"
scenarios = ["freeze", "status_quo"]
days = 200
seed = 11
replicates = 50
chunk_size = {chunk_size}

[sampler]
method = "latin"
samples = 12

[parameters]
advance_speed_scale = {{ range = [0.5, 1.5] }}
trump_aid_level = {{ range = [0.0, 1.2] }}

[output]
outcomes = ["occupied_km2_final", "ceasefire_day", "ukraine_support_final", "outcome"]
"""


def run_serial(spec, out, chunk_size=None):
    return sweep.run(spec, out, evaluators.SerialEvaluator(), chunk_size=chunk_size,
                     progress=False)


def assert_same_rows(left: Path, right: Path, table: str = "outcomes") -> None:
    a, b = storage.read_table(left, table), storage.read_table(right, table)
    assert len(a) > 0
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    if "row" in a:
        assert a["row"].is_unique


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(args, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


class DaskCluster:
    """A real `dask scheduler` and `dask worker` processes on 127.0.0.1, started from the venv."""

    def __init__(self, n_workers: int):
        self.address = f"tcp://127.0.0.1:{free_port()}"
        port = self.address.rsplit(":", 1)[1]
        self.scheduler = start([str(VENV_BIN / "dask"), "scheduler", "--host", "127.0.0.1",
                                "--port", port, "--no-dashboard"])
        self.workers = [start([str(VENV_BIN / "dask"), "worker", self.address, "--nworkers", "1",
                               "--nthreads", "1", "--no-dashboard"]) for _ in range(n_workers)]
        from distributed import Client

        with Client(self.address, timeout="60s") as client:
            client.wait_for_workers(n_workers, timeout=90)

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            stop(process)


@pytest.fixture(scope="module")
def smoke():
    return spec_module.load(SMOKE)


@pytest.fixture(scope="module")
def reference(smoke, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "sweep"
    run_serial(smoke, out)
    return out


@pytest.mark.slow
def test_smoke_reference_is_complete_and_tidy(smoke, reference):
    frame = storage.read_table(reference)
    assert len(frame) == spec_module.n_rows(smoke) == frame["row"].nunique()
    assert list(frame["row"]) == list(range(len(frame)))
    for column in ("scenario", "point", "replicate", "seed", *smoke.factor_names, "putin_strategy"):
        assert column in frame
    manifest = results.load_manifest(reference)
    assert manifest["status"] == "complete"
    assert manifest["environment"]["versions"]["numpy"]
    assert "numpy_cpu_features" in manifest["environment"]
    assert (reference / "design" / "design.parquet").exists()
    assert not (reference / "design.parquet").exists()
    assert manifest["format"] == storage.FORMAT_VERSION


@pytest.mark.slow
def test_the_summary_reads_a_grid_point_by_point(smoke, reference):
    text = results.summary_text(reference)
    frame = storage.read_table(reference)
    outcome = next(n for n in results.POINT_OUTCOMES if n in frame)
    assert f"{outcome} by point" in text
    medians = frame.groupby(["scenario", *smoke.factor_names])[outcome].median()
    assert len(medians) == len(smoke.scenarios) * 9  # 3 x 3 points a scenario
    table = text.split(f"{outcome} by point")[1]
    fmt = OUTCOMES[outcome].fmt  # as the outcome table formats it ("+8,415")
    for median in medians:
        assert fmt.format(median) in table, (median, table)
    rows = [line for line in table.splitlines() if line.rstrip().endswith(f" {smoke.replicates}")]
    assert len(rows) == len(medians), "each point shows its replicates"
    # a researcher's own outcome, a share, per point (`results DIR --outcome ...`)
    shares = frame.assign(hit=frame["outcome"].astype(str) == "war without talks").groupby(
        ["scenario", *smoke.factor_names])["hit"].mean()
    chosen = results.summary_text(reference, "share:war without talks")
    assert "share:war without talks by point (share of the replicates)" in chosen
    for share in shares:
        assert f"{share:.1%}" in chosen.split("by point")[1], (share, chosen)


@pytest.mark.slow
def test_processes_with_another_chunk_size_are_bit_identical(smoke, reference, tmp_path):
    out = tmp_path / "processes"
    sweep.run(smoke, out, evaluators.ProcessEvaluator(2), chunk_size=40, progress=False)
    assert_same_rows(reference, out)
    assert_same_rows(reference, out, "bands")


@pytest.mark.slow
def test_real_dask_scheduler_and_workers_are_bit_identical(smoke, reference, tmp_path):
    cluster = DaskCluster(2)
    try:
        for chunk_size in (16, 72):
            out = tmp_path / f"dask-{chunk_size}"
            sweep.run(smoke, out, evaluators.DaskEvaluator(2, cluster.address),
                      chunk_size=chunk_size, progress=False)
            assert_same_rows(reference, out)
            assert_same_rows(reference, out, "bands")
    finally:
        cluster.close()


@pytest.mark.slow
def test_every_row_replays_alone(reference):
    stored = storage.read_table(reference)
    for row in (0, 37, len(stored) - 1):
        alone = results.replay(reference, row).outcomes.iloc[0]
        assert alone["occupied_km2_final"] == stored.loc[row, "occupied_km2_final"]
        assert alone["ukraine_support_final"] == stored.loc[row, "ukraine_support_final"]
        assert str(alone["outcome"]) == str(stored.loc[row, "outcome"])
    command = results.replay_command(reference, 37)
    assert "--run-offset 5 --runs 1" in command and "--set putin_strategy=freeze" in command


@pytest.mark.slow
def test_a_start_dated_sweep_runs_from_that_date_and_replays_alone(tmp_path):
    text = SMOKE.read_text()
    dated = spec_module.parse("start_date = 2024-06-01\n" + text, "dated.toml")
    plain = spec_module.parse(text, "smoke.toml")
    out_dated, out_plain = tmp_path / "dated", tmp_path / "plain"
    run_serial(dated, out_dated)
    run_serial(plain, out_plain)
    stored = storage.read_table(out_dated)
    assert not stored["occupied_km2_final"].equals(storage.read_table(out_plain)["occupied_km2_final"])
    assert results.load_manifest(out_dated)["spec"]["start_dates"] == ["2024-06-01"]
    assert set(stored["start_date"]) == {"2024-06-01"}
    assert set(storage.read_table(out_plain)["start_date"]) == {"2024-12-01"}
    for out, spec in ((out_dated, dated), (out_plain, plain)):  # read back as it was written
        assert results.spec_of(out).fingerprint() == spec.fingerprint()
    for row in (0, 37):
        alone = results.replay(out_dated, row)
        assert alone.start_date.isoformat() == "2024-06-01"
        assert alone.outcomes.iloc[0]["occupied_km2_final"] == stored.loc[row, "occupied_km2_final"]
    assert "--start-date 2024-06-01" in results.replay_command(out_dated, 37)
    assert "--start-date" not in results.replay_command(out_plain, 37)


MULTI_DATE = """
name = "dates"
scenarios = ["status_quo", "freeze"]
start_dates = ["2023-07-01", 2024-06-01]
days = 30
seed = 5
replicates = 3
chunk_size = 3

[sampler]
method = "grid"

[parameters]
trump_aid_level = { range = [0.0, 1.0], steps = 2 }

[output]
bands = "weekly"
fields = ["occupied_km2"]
"""
DATES = ("2023-07-01", "2024-06-01")


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    out = tmp_path_factory.mktemp("dates") / "sweep"
    run_serial(spec_module.parse(MULTI_DATE, "dates.toml"), out)
    return out


@pytest.mark.slow
def test_a_sweep_from_two_start_dates_runs_every_row_from_its_date(dated):
    import numpy as np
    import pyarrow.parquet as pq

    import sim

    stored = storage.read_table(dated)
    assert list(stored["row"]) == list(range(2 * 2 * 2 * 3))
    assert list(stored["start_date"]) == [DATES[0]] * 12 + [DATES[1]] * 12
    outcomes = [c for c in OUTCOMES if c in stored]
    for (date, scenario, point), rows in stored.groupby(["start_date", "scenario", "point"]):
        level = float(rows["trump_aid_level"].iloc[0])
        alone = sim.simulate(scenario, runs=3, days=30, seed=5, start_date=date,
                             overrides={"trump_aid_level": level}).outcomes
        assert list(rows["replicate"]) == [0, 1, 2]
        for column in outcomes:
            assert np.array_equal(rows[column].to_numpy(dtype=float),
                                  alone[column].to_numpy(dtype=float), equal_nan=True), column
    first, second = (stored[stored["start_date"] == d].reset_index(drop=True) for d in DATES)
    world = [c for c in stored if c.startswith("drawn_")]  # common random numbers across dates
    pd.testing.assert_frame_equal(first[world], second[world], check_exact=True)
    bands = storage.read_table(dated, "bands")
    assert bands.groupby(["start_date", "scenario"])["point"].nunique().to_dict() == {
        (d, s): 2 for d in DATES for s in ("freeze", "status_quo")}
    described = pq.read_schema(next((dated / "outcomes").glob("*.parquet"))).field("start_date")
    assert described.metadata[b"unit"] == b"ISO date (YYYY-MM-DD)"
    manifest = results.load_manifest(dated)
    assert manifest["start_dates"] == list(DATES) and manifest["rows"] == 24


@pytest.mark.slow
def test_a_row_of_a_two_date_sweep_replays_from_its_own_date(dated, capsys):
    from conflictsim.cli import main as conflictsim

    stored = storage.read_table(dated)
    for row in (4, 19):
        alone = results.replay(dated, row)
        assert alone.start_date.isoformat() == stored.loc[row, "start_date"]
        assert alone.outcomes.iloc[0]["occupied_km2_final"] == stored.loc[row, "occupied_km2_final"]
        assert f"--start-date {stored.loc[row, 'start_date']}" in results.replay_command(dated, row)
        assert conflictsim(["run", "--from", str(dated), "--run", str(row)]) == 0
        assert f"replay of row {row} matches the stored row bit for bit" in capsys.readouterr().out


@pytest.mark.slow
def test_results_and_discover_name_the_start_dates(dated, capsys):
    from conflictsim.cli import main as conflictsim
    from experiments import discover

    assert conflictsim(["results", str(dated)]) == 0
    printed = capsys.readouterr().out
    assert "30 days from 2023-07-01 and from 2024-06-01" in printed
    assert "start_date" in printed and printed.count("2024-06-01") >= 3
    frame = storage.read_table(dated)
    assert "start_date" in discover.inputs_of(frame, results.load_manifest(dated), "levers")


@pytest.mark.slow
def test_a_partly_done_two_date_sweep_resumes_to_the_same_rows(dated, tmp_path):
    import shutil

    partial = tmp_path / "partial"
    shutil.copytree(dated, partial)
    for chunk_id in (1, 5, 6, 7):  # one chunk of the first date, the second date's last three
        (partial / storage.CHECKSUMS / storage.record_name(chunk_id)).unlink()
    report = sweep.run(spec_module.parse(MULTI_DATE, "dates.toml"), partial,
                       evaluators.SerialEvaluator(), resume=True, progress=False)
    assert report.chunks_computed == 4 and report.rows_computed == 12
    for table in ("outcomes", "bands"):
        assert_same_rows(dated, partial, table)


def wait_for_chunks(out: Path, count: int, process: subprocess.Popen, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = len(storage.completed_chunks(out))
        if done >= count:
            return done
        assert process.poll() is None, "the sweep ended before it could be interrupted"
        time.sleep(0.02)
    raise AssertionError(f"no {count} chunks within {timeout} s")


def sweep_command(spec_path: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "experiments", "sweep", str(spec_path), "--out", str(out),
            "--quiet", *extra]


@pytest.mark.slow
def test_resume_after_kill_minus_nine_equals_an_uninterrupted_run(tmp_path):
    spec_path = tmp_path / "kill.toml"
    spec_path.write_text(SLOW_SPEC.format(chunk_size=50))
    spec = spec_module.load(spec_path)
    total = len(spec.scenarios) * spec.samples
    out = tmp_path / "killed"
    process = start(sweep_command(spec_path, out, "--executor", "serial"))
    try:
        done = wait_for_chunks(out, 3, process)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert done < total
    assert results.load_manifest(out)["status"] == "running"

    before = len(storage.completed_chunks(out))
    report = sweep.run(spec, out, evaluators.SerialEvaluator(), resume=True, progress=False)
    assert report.chunks_computed == total - before
    assert report.rows_already_done + report.rows_computed == spec_module.n_rows(spec)
    assert report.rows_already_done >= 3 * 50
    reference = tmp_path / "uninterrupted"
    run_serial(spec, reference, chunk_size=300)
    assert_same_rows(reference, out)
    assert not list(out.rglob(".chunk-*"))
    assert results.load_manifest(out)["status"] == "complete"


@pytest.mark.slow
def test_a_killed_dask_worker_does_not_change_the_results(tmp_path):
    spec_path = tmp_path / "worker-kill.toml"
    spec_path.write_text(SLOW_SPEC.format(chunk_size=100))
    spec = spec_module.load(spec_path)
    cluster = DaskCluster(2)
    try:
        out = tmp_path / "dask"
        process = start(sweep_command(spec_path, out, "--scheduler", cluster.address))
        wait_for_chunks(out, 2, process)
        os.killpg(cluster.workers[1].pid, signal.SIGKILL)
        assert process.wait(timeout=180) == 0
    finally:
        cluster.close()
    reference = tmp_path / "serial"
    run_serial(spec, reference)
    assert_same_rows(reference, out)


@pytest.mark.slow
def test_a_portable_math_sweep_promises_and_keeps_exact_rows_on_any_cpu(tmp_path):
    """`math = "portable"`: the manifest says every row is exact on any CPU, the replay command
    carries --math portable, a row replays alone bit for bit, and the rows are the portable
    ones (not the native sweep's). Specs without the key keep their fingerprint."""
    text = SMOKE.read_text()
    portable = spec_module.parse('math = "portable"\n' + text, "portable.toml")
    plain = spec_module.parse(text, "smoke.toml")
    assert plain.math == "native" and "math" not in plain.identity()
    assert portable.fingerprint() != plain.fingerprint()
    out = tmp_path / "portable"
    run_serial(portable, out)
    manifest = results.load_manifest(out)
    assert "any IEEE-754 CPU" in manifest["bit_exact"] and manifest["spec"]["math"] == "portable"
    assert results.spec_of(out).fingerprint() == portable.fingerprint()
    stored = storage.read_table(out)
    for row in (0, 37):
        alone = results.replay(out, row).outcomes.iloc[0]
        assert alone["occupied_km2_final"] == stored.loc[row, "occupied_km2_final"]
    assert "--math portable" in results.replay_command(out, 37)
    native = tmp_path / "native"
    run_serial(plain, native)
    assert "same CPU features" in results.load_manifest(native)["bit_exact"]
    assert "--math" not in results.replay_command(native, 37)
    assert not stored["occupied_km2_final"].equals(storage.read_table(native)["occupied_km2_final"])


def test_a_bad_math_mode_in_a_spec_is_named():
    with pytest.raises(spec_module.SpecError, match="math"):
        spec_module.parse('math = "fast"\n' + SMOKE.read_text(), "bad.toml")


def test_the_summary_warns_when_native_rows_came_from_different_cpus():
    workers = {"a": {"host": "laptop", "numpy_cpu_features": ["AVX2"]},
               "b": {"host": "node", "numpy_cpu_features": ["AVX2", "AVX512F"]}}
    native = {"bit_exact": sweep.BIT_EXACT["native"], "workers": workers, "spec": {}}
    lines = results.exactness_lines(native)
    assert lines[0].endswith(sweep.BIT_EXACT["native"])
    assert "2 kinds of CPU" in lines[1] and 'math = "portable"' in lines[1]
    portable = {**native, "bit_exact": sweep.BIT_EXACT["portable"], "spec": {"math": "portable"}}
    assert results.exactness_lines(portable) == [f"  exact replay: {sweep.BIT_EXACT['portable']}"]
    one_kind = {**native, "workers": {"a": workers["a"]}}
    assert len(results.exactness_lines(one_kind)) == 1
