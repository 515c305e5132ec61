"""Sweeps that refuse to mix models, repair damaged chunks, keep one writer per directory,
record why they stopped, leave no process behind and split replicates into chunks."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

import sim
from experiments import chunks, evaluators, lock, provenance, results, spec as spec_module, storage, sweep
from experiments.evaluators import SweepAborted

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

TINY = """
name = "tiny"
scenarios = ["freeze", "status_quo"]
days = 40
seed = 5
replicates = 6
chunk_size = 6

[sampler]
method = "grid"

[parameters]
trump_aid_level = { range = [0.0, 1.0], steps = 2 }

[output]
outcomes = ["occupied_km2_final", "ceasefire_day", "talks_phase_final", "outcome"]
bands = "weekly"
fields = ["occupied_km2"]
quantiles = [0.1, 0.5, 0.9]
"""

# Killed or stopped after its first chunk: 240 chunks of 40 runs, so it cannot finish in the
# moment between the first chunk and the signal even when the test's process waits for a core
# (CI once saw 60 chunks complete there and the manifest say "complete").
SLOW = """
name = "slow"
scenarios = ["freeze", "status_quo"]
days = 300
seed = 11
replicates = 40
chunk_size = 40

[sampler]
method = "latin"
samples = 120

[parameters]
advance_speed_scale = { range = [0.5, 1.5] }

[output]
outcomes = ["occupied_km2_final", "outcome"]
"""


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_serial(text: str, out: Path, **kwargs) -> sweep.SweepReport:
    return sweep.run(spec_module.parse(text, "tiny.toml"), out, evaluators.SerialEvaluator(),
                     progress=False, **kwargs)


def cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conflictsim", *args], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str,
                          code: int = 2) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0] and "Traceback" not in result.stderr, \
        result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def start_sweep(spec_path: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "experiments", "sweep", str(spec_path),
                             "--out", str(out), "--quiet", *extra], cwd=ROOT, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def wait_for(condition, process: subprocess.Popen | None = None, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the sweep ended early: {process.stderr.read().decode()}")
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture(scope="module")
def tiny_reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny") / "reference"
    run_serial(TINY, out)
    return out


# --- the model fingerprint -------------------------------------------------------------------

def test_the_fingerprint_changes_with_any_model_file_and_names_it(tmp_path):
    copy = tmp_path / "sim"
    shutil.copytree(Path(sim.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = provenance.model_files(copy)
    assert "core/combat.py" in before and any(name.startswith("data/") for name in before)
    assert provenance.fingerprint_of(before) == provenance.model_fingerprint()
    for edited in ("core/combat.py", next(n for n in before if n.startswith("data/"))):
        path = copy / edited
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        after = provenance.model_files(copy)
        assert provenance.fingerprint_of(after) != provenance.fingerprint_of(before)
        assert provenance.changed_files(before, after) == [edited]
        path.write_bytes(original)


@pytest.mark.slow
def test_the_manifest_records_the_model_and_every_worker(tiny_reference):
    manifest = results.load_manifest(tiny_reference)
    assert manifest["model"]["fingerprint"] == provenance.model_fingerprint()
    (worker,) = manifest["workers"].values()
    assert worker["model_fingerprint"] == provenance.model_fingerprint()
    assert worker["numpy"] and worker["python"] and worker["conflictsim"]
    assert worker["numpy_cpu_features"] == provenance.cpu_features()
    assert worker["rows"] == manifest["rows"]


@pytest.mark.slow
def test_resume_after_a_model_change_is_refused_and_touches_nothing(tmp_path):
    spec_path = tmp_path / "tiny.toml"
    spec_path.write_text(TINY)
    out = tmp_path / "out"
    run_serial(TINY, out)
    manifest = results.load_manifest(out)
    files = dict(manifest["model"]["files"], **{"core/combat.py": "0" * 64})
    manifest["model"] = {"files": files, "fingerprint": provenance.fingerprint_of(files)}
    storage.write_manifest(out, manifest)  # as if the rows came from an edited combat.py
    for chunk in sorted((out / "outcomes").iterdir())[-2:]:
        chunk.unlink()
    before = tree_digest(out)
    refused = cli("sweep", str(spec_path), "--out", str(out), "--resume", "--executor", "serial")
    assert_one_line_error(refused, f"--resume: {out} was computed by another model",
                          "sim/core/combat.py", manifest["model"]["fingerprint"],
                          provenance.model_fingerprint())
    assert tree_digest(out) == before


def test_rows_from_a_worker_running_another_model_are_never_written(tmp_path):
    class OtherModelWorker(evaluators.SerialEvaluator):
        def imap_unordered(self, fn, tasks):
            for result in super().imap_unordered(fn, tasks):
                result.worker = {**result.worker, "model_fingerprint": "0123456789abcdef"}
                yield result

    out = tmp_path / "out"
    with pytest.raises(SweepAborted, match="runs another model"):
        sweep.run(spec_module.parse(TINY, "tiny.toml"), out, OtherModelWorker(), progress=False)
    assert storage.table_files(out) == []
    assert results.load_manifest(out)["status"] == "failed"


# --- checksums ---------------------------------------------------------------------------

@pytest.mark.slow
def test_damaged_missing_and_foreign_chunks_are_recomputed(tiny_reference, tmp_path):
    spec_path = tmp_path / "tiny.toml"
    spec_path.write_text(TINY)
    out = tmp_path / "out"
    run_serial(TINY, out)
    other = tmp_path / "other"
    run_serial(TINY.replace("seed = 5", "seed = 6"), other)
    outcome_files = storage.table_files(out)
    truncated = outcome_files[0]
    truncated.write_bytes(truncated.read_bytes()[:200])
    (out / "bands" / outcome_files[1].name).unlink()
    shutil.copy(other / "outcomes" / outcome_files[2].name, outcome_files[2])  # same name, foreign

    damaged = cli("results", str(out))
    assert_one_line_error(damaged, str(truncated), "damaged chunk file", "--resume")

    report = sweep.run(spec_module.load(spec_path), out, evaluators.SerialEvaluator(),
                       resume=True, progress=False)
    assert report.chunks_recomputed == 3 and report.chunks_computed == 3
    for table in ("outcomes", "bands"):
        pd.testing.assert_frame_equal(storage.read_table(out, table),
                                      storage.read_table(tiny_reference, table), check_exact=True)
    assert cli("results", str(out)).returncode == 0


def test_an_interrupt_right_after_a_chunk_is_written_counts_that_chunk(tmp_path, monkeypatch):
    """A signal can land between a chunk's record reaching disk and the loop counting it; the
    report, the manifest and the message must all count what is on disk."""
    write_chunk = storage.write_chunk
    written = []

    def write_then_interrupt(out, chunk_id, *args, **kwargs):
        entry = write_chunk(out, chunk_id, *args, **kwargs)
        written.append(chunk_id)
        if len(written) == 2:
            raise KeyboardInterrupt
        return entry

    monkeypatch.setattr(storage, "write_chunk", write_then_interrupt)
    out = tmp_path / "out"
    with pytest.raises(sweep.Interrupted) as caught:
        run_serial(TINY, out)
    kept = len(storage.read_table(out))
    assert kept == 12
    assert str(caught.value).startswith(f"{kept:,} of 24 rows kept in ")
    session = results.load_manifest(out)["sessions"][-1]
    assert session["status"] == "interrupted"
    assert session["rows_computed"] == kept and session["chunks_computed"] == 2


def test_an_interrupt_between_a_chunks_tables_and_its_record_keeps_neither(tmp_path, monkeypatch):
    """A signal can land after a chunk's tables are written and before its record (seen under
    load: a SIGTERM'd sweep said fewer rows were kept than its outcomes table then held); what
    is read afterwards must be what the message counts, and a resume fills the rest in."""
    atomic_write_bytes = storage.atomic_write_bytes
    records = []

    def interrupt_before_the_second_record(path, data):
        if Path(path).parent.name == storage.CHECKSUMS:
            records.append(path)
            if len(records) == 2:
                raise KeyboardInterrupt
        return atomic_write_bytes(path, data)

    monkeypatch.setattr(storage, "atomic_write_bytes", interrupt_before_the_second_record)
    out = tmp_path / "out"
    with pytest.raises(sweep.Interrupted) as caught:
        run_serial(TINY, out)
    monkeypatch.undo()
    kept = len(storage.read_table(out))
    assert kept == 6, "the second chunk's tables went with its record"
    assert str(caught.value).startswith(f"{kept:,} of 24 rows kept in ")
    report = sweep.run(spec_module.parse(TINY, "tiny.toml"), out, evaluators.SerialEvaluator(),
                       resume=True, progress=False)
    assert report.rows_already_done == 6 and len(storage.read_table(out)) == 24


# --- one writer per directory ---------------------------------------------------------------

@pytest.mark.slow
def test_a_second_sweep_into_a_directory_in_use_is_refused(tmp_path):
    spec_path = tmp_path / "slow.toml"
    spec_path.write_text(SLOW)
    out = tmp_path / "out"
    first = start_sweep(spec_path, out, "--executor", "serial")
    try:
        wait_for(lambda: len(storage.completed_chunks(out)) >= 1, first)
        second = subprocess.run([sys.executable, "-m", "experiments", "sweep", str(spec_path),
                                 "--out", str(out), "--resume", "--executor", "serial"],
                                cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
        assert_one_line_error(second, f"--out {out}: another sweep (pid {first.pid}",
                              "is writing there")
        assert first.poll() is None
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()


@pytest.mark.slow
def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out = tmp_path / "out"
    out.mkdir()
    (out / lock.LOCK).write_text(json.dumps({"pid": dead.pid, "host": lock.platform.node(),
                                             "process_start": "1", "command": "sweep"}))
    report = run_serial(TINY, out)
    assert report.rows_computed == report.rows
    assert not (out / lock.LOCK).exists()


def test_a_lock_of_a_live_process_is_respected_even_in_python(tmp_path):
    out = tmp_path / "out"
    with lock.DirectoryLock(out):
        with pytest.raises(lock.LockedError, match=f"pid {os.getpid()}"):
            run_serial(TINY, out)
    assert not (out / lock.LOCK).exists()


# --- status and processes -----------------------------------------------------------------

def session_processes(session_id: int) -> list[psutil.Process]:
    alive = []
    for process in psutil.process_iter(["pid", "status"]):
        try:
            if os.getsid(process.pid) == session_id and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except (ProcessLookupError, psutil.NoSuchProcess, PermissionError):
            continue
    return alive


@pytest.mark.slow
@pytest.mark.parametrize("death", ["SIGKILL", "SIGTERM"])
def test_no_process_outlives_a_killed_processes_sweep(tmp_path, death):
    spec_path = tmp_path / "slow.toml"
    spec_path.write_text(SLOW)
    out = tmp_path / "out"
    process = start_sweep(spec_path, out, "--executor", "processes", "--workers", "2")
    try:
        wait_for(lambda: len(storage.completed_chunks(out)) >= 1, process)
        children = psutil.Process(process.pid).children(recursive=True)
        assert len(children) >= 2
        os.kill(process.pid, getattr(signal, death))  # the main process only
        process.wait(timeout=60)
        wait_for(lambda: not session_processes(process.pid), timeout=20)
    finally:
        for leftover in session_processes(process.pid):
            leftover.kill()
    manifest = results.load_manifest(out)
    if death == "SIGTERM":
        assert manifest["status"] == "interrupted"
        assert manifest["sessions"][-1]["status"] == "interrupted"
        assert process.returncode == 128 + signal.SIGTERM
        kept = len(storage.read_table(out))
        told = process.stderr.read().decode().strip().splitlines()[-1]
        assert told.startswith(f"conflictsim: interrupted: {kept:,} of ") and "--resume" in told
    else:
        assert manifest["status"] == "running"  # nothing could be recorded ...
    assert results.status(out, manifest).startswith("interrupted")  # ... but it is seen


@pytest.mark.slow
def test_a_worker_process_that_dies_ends_the_sweep_with_a_message_and_no_process_left():
    evaluator = evaluators.ProcessEvaluator(1)
    with pytest.raises(SweepAborted, match="a worker process died"):
        with evaluator:
            list(evaluator.imap_unordered(os._exit, [3]))
    workers = [c for c in psutil.Process().children(recursive=True)  # the resource tracker
               if "resource_tracker" not in " ".join(c.cmdline())]   # lives as long as we do
    assert not workers


@pytest.mark.slow
def test_losing_every_dask_worker_ends_with_a_message(tmp_path):
    from distributed import LocalCluster

    spec = spec_module.parse(SLOW.replace("samples = 120", "samples = 240"), "slow.toml")
    out = tmp_path / "out"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster:
        outcome = {}

        def sweep_in_thread():
            try:
                sweep.run(spec, out, evaluators.DaskEvaluator(1, cluster.scheduler_address,
                                                              worker_timeout=2), progress=False)
            except BaseException as err:  # handed to the test thread
                outcome["error"] = err

        thread = threading.Thread(target=sweep_in_thread)
        thread.start()
        wait_for(lambda: len(storage.completed_chunks(out)) >= 1 or "error" in outcome)
        cluster.scale(0)
        thread.join(timeout=120)
        assert not thread.is_alive()
    assert isinstance(outcome.get("error"), SweepAborted), outcome
    assert "no Dask worker left for 2 s" in str(outcome["error"])
    assert "--resume" in str(outcome["error"])
    manifest = results.load_manifest(out)
    assert manifest["status"] == "failed" and "no Dask worker" in manifest["error"]
    assert storage.completed_chunks(out)


# --- replicates split into chunks -----------------------------------------------------------

def test_one_point_with_many_replicates_is_cut_into_chunk_size_chunks():
    plan = chunks.plan(("status_quo",), 1, 200_000, 1000)
    assert len(plan) == 200
    assert all(c.n_runs(200_000) == 1000 for c in plan)
    replicates = [r for c in plan for r in c.replicates(200_000)]
    assert replicates == list(range(200_000))
    uneven = chunks.plan(("a", "b"), 3, 25, 10)
    assert [c.n_runs(25) for c in uneven] == [10, 10, 5] * 6
    assert max(c.n_runs(7) for c in chunks.plan(("a",), 50, 7, 30)) <= 30


@pytest.mark.slow
def test_split_replicates_give_the_unsplit_rows_bit_for_bit(tmp_path):
    text = TINY.replace('bands = "weekly"', 'trajectories = "weekly"').replace(
        "replicates = 6", "replicates = 11")
    whole, split = tmp_path / "whole", tmp_path / "split"
    run_serial(text, whole, chunk_size=22)
    report = run_serial(text, split, chunk_size=4)
    assert results.load_manifest(split)["chunking"]["chunks"] == 2 * 2 * 3
    assert results.load_manifest(split)["chunking"]["replicates_split"]
    assert report.rows_computed == 2 * 2 * 11
    for table in ("outcomes", "trajectories"):
        pd.testing.assert_frame_equal(storage.read_table(split, table),
                                      storage.read_table(whole, table), check_exact=True)


@pytest.mark.slow
def test_bands_of_split_points_equal_unsplit_bands_bit_for_bit_and_are_repaired(tmp_path):
    text = TINY.replace("replicates = 6", "replicates = 9").replace(
        "fields = [\"occupied_km2\"]", "fields = [\"occupied_km2\", \"ukraine_support\"]")
    whole, split = tmp_path / "whole", tmp_path / "split"
    run_serial(text, whole, chunk_size=18)
    run_serial(text, split, chunk_size=4)
    assert len(storage.table_files(split, "bands")) == 2 * 2  # one per split point
    pd.testing.assert_frame_equal(storage.read_table(split, "bands"),
                                  storage.read_table(whole, "bands"), check_exact=True)
    one_liner = lambda out: pd.read_parquet(out / "bands").sort_values(
        ["scenario", "point", "day"], ignore_index=True)
    pd.testing.assert_frame_equal(one_liner(split), one_liner(whole), check_exact=True)
    band = storage.table_files(split, "bands")[1]
    band.write_bytes(band.read_bytes()[:100])
    run_serial(text, split, chunk_size=4, resume=True)
    pd.testing.assert_frame_equal(storage.read_table(split, "bands"),
                                  storage.read_table(whole, "bands"), check_exact=True)


@pytest.mark.slow
def test_sensitivity_of_a_split_sweep_equals_the_unsplit_one(tmp_path):
    from experiments import sensitivity

    name = next(s.name for s in sim.PARAMS.values() if s.kind == "float")
    low, high = sim.PARAMS[name].low, sim.PARAMS[name].high
    text = f"""
name = "morris"
scenario = "status_quo"
days = 30
replicates = 5
[sampler]
method = "morris"
samples = 3
[parameters]
{name} = {{ range = [{low}, {high}] }}
[output]
outcomes = ["occupied_km2_final", "outcome"]
"""
    spec = spec_module.parse(text, "morris.toml")
    tables = []
    for chunk_size in (10, 2):
        out = tmp_path / f"c{chunk_size}"
        sweep.run(spec, out, evaluators.SerialEvaluator(), chunk_size=chunk_size, progress=False)
        tables.append(sensitivity.analyse(spec, out, ("occupied_km2_final",)))
    pd.testing.assert_frame_equal(tables[0], tables[1])
