"""Run a spec into a directory: draw (or read back) the design, run the missing chunks on an
evaluator, write each chunk as it arrives, keep the manifest up to date.

Nothing is written before the spec, the directory and the executor have all been checked, so bad
input never damages earlier results; a killed sweep leaves only complete chunk files behind. The
directory is locked while a sweep writes it; the manifest records the model's fingerprint and every
worker that computed rows, and a resume with another model is refused. A sweep that stops early
records why: "interrupted" (Ctrl-C, SIGTERM) or "failed" (with the error); one killed with -9 keeps
"running", which `results` reports as interrupted once the lock's process is gone.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import chunks as chunking
from . import derived, provenance, samplers, storage
from .evaluators import SweepAborted
from .lock import DirectoryLock
from .spec import Spec, SpecError, n_points, n_rows


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or Ctrl-C once the sweep has recorded what it kept), turned into an exception so
    every `finally` runs and workers are stopped; `signum` gives the command's exit status
    (128 + signum) and the message what was kept and how to continue."""

    def __init__(self, message: str = "", signum: int = signal.SIGINT):
        super().__init__(message)
        self.signum = int(signum)


@dataclass(frozen=True)
class SweepReport:
    out: Path
    rows: int
    rows_already_done: int
    rows_computed: int
    chunks_computed: int
    seconds: float
    days: int
    cpu_seconds: float = 0.0
    chunks_recomputed: int = 0

    @property
    def run_days_per_second(self) -> float:
        return self.rows_computed * self.days / self.seconds if self.seconds > 0 else 0.0


def settings_for(spec: Spec, manifest: dict | None = None) -> chunking.SweepSettings:
    """What every chunk shares; rows written into an existing directory (`manifest`) keep the
    key columns its rows already have."""
    return chunking.SweepSettings(
        days=spec.days, seed=spec.seed, replicates=spec.replicates, n_points=n_points(spec),
        n_scenarios=len(spec.scenarios), factor_names=spec.factor_names,
        factor_kinds=tuple(f.kind for f in spec.factors), fixed=spec.fixed, output=spec.output,
        key_columns=storage.key_columns(manifest) if manifest else storage.KEY_COLUMNS,
        uncertainty=spec.uncertainty, math=spec.math)


# What the manifest promises about a row recomputed elsewhere, by the spec's `math`.
BIT_EXACT = {
    "portable": "every row replays bit for bit on any IEEE-754 CPU (portable math: no "
                "numpy or scipy transcendental functions, BLAS or einsum on the simulation "
                "path; sums in a fixed order)",
    "native": "every row replays bit for bit on machines with the same CPU features and numpy "
              "build (numpy's exp, log, power take different SIMD paths on other CPUs; "
              "math = \"portable\" makes rows exact everywhere)",
}


def replay_template(spec: Spec) -> str:
    """How to replay one row alone with the main CLI (fill in the row's values)."""
    sets = " ".join(f"--set {name}={{{name}}}" for name in (*spec.factor_names,
                                                               *(n for n, _ in spec.fixed)))
    start = ("--start-date {start_date} " if len(spec.start_dates) > 1 else
             f"--start-date {spec.start_dates[0]} " if spec.start_dates else "")
    start += f"--uncertainty {spec.uncertainty} "
    start += f"--math {spec.math} " if spec.math != "native" else ""
    return (f"conflictsim run --scenario {{scenario}} --seed {spec.seed} --days {spec.days} "
            f"{start}--run-offset {{replicate}} --runs 1 {sets}").strip()


def kept_tables(spec: Spec, chunk_size: int) -> tuple[str, ...]:
    """The tables every chunk writes (a split point's chunks keep band parts, not bands)."""
    kept = {"outcomes"}
    if spec.output.trajectories != "none":
        kept.add("trajectories")
    if spec.output.bands != "none":
        kept.add(chunking.BAND_PARTS if chunking.splits_replicates(chunk_size, spec.replicates)
                 else "bands")
    return tuple(name for name in storage.TABLES if name in kept)


def inputs_of(spec: Spec) -> dict[str, list[str]]:
    """Which columns of a row are levers (set by the spec: varied or fixed) and which the run's
    world (uncertainties drawn from its key, private types), as EMA separates levers from
    uncertainties."""
    settings = settings_for(spec)
    world = spec.output.record_drawn
    return {"levers": [*spec.factor_names, *(name for name, _ in spec.fixed)],
            "uncertainties": [chunking.DRAWN_PREFIX + n for n in chunking.world_names(settings)]
            if world else [],
            "private_types": [chunking.TYPE_PREFIX + n for n in chunking.type_names()]
            if world else []}


def new_manifest(spec: Spec, chunk_size: int, n_chunks: int) -> dict[str, Any]:
    points = n_points(spec)
    model = provenance.model()
    return {
        "format": storage.FORMAT_VERSION,
        "kind": "conflictsim sweep",
        "name": spec.name,
        "fingerprint": spec.fingerprint(),
        "model": {"fingerprint": model["fingerprint"], "files": model["files"]},
        "spec": spec.to_json(),
        "created": storage.now(),
        "environment": storage.environment(),
        "workers": {},
        "seed": spec.seed,
        "scenarios": list(spec.scenarios),
        "start_dates": list(spec.dates),
        "sampler": {"method": spec.method, "samples": spec.samples, "points": points,
                    "seed": spec.seed},
        "replicates": spec.replicates,
        "rows": n_rows(spec),
        "row_numbering": "row = ((start_date_index * scenarios + scenario_index) * points + point)"
                         " * replicates + replicate; a run's RNG index is its replicate (common "
                         "random numbers)",
        "chunking": {"chunk_size": chunk_size,
                     "points_per_chunk": chunking.points_per_chunk(chunk_size, spec.replicates),
                     "replicates_split": chunking.splits_replicates(chunk_size, spec.replicates),
                     "chunks": n_chunks},
        "checksums": f"{storage.CHECKSUMS}/chunk-NNNNNN.json: each chunk's files with sha256 "
                     f"and size, the model fingerprint and the worker that computed it",
        "replay": replay_template(spec),
        "bit_exact": BIT_EXACT[spec.math],
        "inputs": inputs_of(spec),
        "sessions": [],
        "status": "running",
    }


def run(spec: Spec, out: str | Path, evaluator, *, resume: bool = False,
        chunk_size: int | None = None, spec_text: str | None = None,
        progress: bool = True) -> SweepReport:
    """Compute every chunk of `spec` not yet in `out`, on `evaluator` (not yet entered)."""
    out = Path(out)
    manifest = storage.check_output_dir(out, spec.fingerprint(), resume)
    if manifest is not None:
        chunk_size = _resumed_chunk_size(manifest, chunk_size, out)
    else:
        chunk_size = chunk_size or spec.chunk_size
    with _sigterm_raises(), DirectoryLock(out, "--out", "sweep"), evaluator as running:
        manifest = storage.check_output_dir(out, spec.fingerprint(), resume)  # under the lock
        if manifest is not None:
            spec = as_started(spec, manifest)
            storage.upgrade_layout(out, manifest)
            design = storage.read_design(out)[list(spec.design_names)].to_numpy(dtype=float)
        else:
            design = samplers.draw(spec)
        plan = chunking.plan(spec.scenarios, len(design), spec.replicates, chunk_size,
                             spec.dates)
        if manifest is None:
            manifest = new_manifest(spec, chunk_size, len(plan))
            storage.init_output_dir(out, manifest, storage.design_frame(spec.design_names, design),
                                    spec_text)
        return _run_missing(spec, out, running, manifest, plan, design, progress)


def as_started(spec: Spec, manifest: dict) -> Spec:
    """A resumed sweep keeps the columns it started with: whether rows carry the drawn world is
    the manifest's choice (off for sweeps from before the choice existed)."""
    import dataclasses

    stored = bool(manifest["spec"]["output"].get("record_drawn", False))
    if stored == spec.output.record_drawn:
        return spec
    return dataclasses.replace(spec, output=dataclasses.replace(spec.output, record_drawn=stored))


def _resumed_chunk_size(manifest: dict, requested: int | None, out: Path) -> int:
    stored = int(manifest["chunking"]["chunk_size"])
    if requested is not None and requested != stored:
        raise SpecError(f"--chunk-size {requested}: {out} was chunked with {stored} rows; "
                        f"drop --chunk-size or pass {stored} to resume")
    return stored


@contextmanager
def _sigterm_raises():
    """While a sweep runs in the main thread, SIGTERM raises `Interrupted` (as Ctrl-C raises
    KeyboardInterrupt), so the status is recorded and every worker is stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Interrupted(f"signal {signum}", signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_missing(spec: Spec, out: Path, evaluator, manifest: dict, plan: list, design: np.ndarray,
                 progress: bool) -> SweepReport:
    storage.remove_temporaries(out)
    model = manifest["model"]["fingerprint"]
    chunk_size = int(manifest["chunking"]["chunk_size"])
    checked = storage.verify_chunks(out, {c.chunk_id for c in plan}, spec.fingerprint(), model,
                                    kept_tables(spec, chunk_size))
    storage.drop_chunks(out, checked)
    done = set(checked.good)
    todo = [c for c in plan if c.chunk_id not in done]
    rows_total = manifest["rows"]
    rows_done = sum(c.n_runs(spec.replicates) for c in plan if c.chunk_id in done)
    manifest["workers"] = _workers_of(checked.good.values())
    session = {"started": storage.now(), "pid": _pid(), "executor": type(evaluator).__name__,
               "workers": evaluator.n_workers, "chunks_to_compute": len(todo),
               "chunks_recomputed": len(checked.dropped)}
    if checked.dropped:
        session["dropped_chunks"] = {str(k): v for k, v in sorted(checked.dropped.items())[:50]}
    _close_stale_session(manifest)
    manifest["sessions"].append(session)
    manifest["status"] = "running"
    manifest.pop("error", None)
    storage.write_manifest(out, manifest)

    start = time.perf_counter()
    computed, chunks_written, chunk_seconds, chunk_cpu_seconds = 0, 0, 0.0, 0.0
    status, error = "failed", None
    bar = _progress_bar(rows_total, rows_done, progress)
    settings = settings_for(spec, manifest)
    derived_descriptions = {item.name: derived.description(item) for item in spec.output.derived}
    try:
        tasks = chunking.tasks(todo, settings, design)
        for result in evaluator.imap_unordered(chunking.run_chunk, tasks):
            _check_worker(result.worker, manifest)
            key = provenance.identity_key(result.worker)
            storage.write_chunk(out, result.chunk_id, result.tables, {
                "sweep_fingerprint": spec.fingerprint(), "model_fingerprint": model,
                "rows": result.n_runs, "worker": result.worker, "worker_key": key,
                "seconds": round(result.seconds, 3)}, derived_descriptions)
            _count_worker(manifest["workers"], result.worker, key, result.n_runs)
            computed += result.n_runs
            chunks_written += 1
            chunk_seconds += result.seconds
            chunk_cpu_seconds += result.cpu_seconds
            elapsed = time.perf_counter() - start
            bar.set_postfix_str(f"{computed * spec.days / max(elapsed, 1e-9):,.0f} run-days/s",
                                refresh=False)
            bar.update(result.n_runs)
        if chunking.BAND_PARTS in kept_tables(spec, chunk_size):
            finish_split_bands(out, spec, plan, settings)
        status = "complete"
    except KeyboardInterrupt as err:
        status, error = "interrupted", "interrupted (Ctrl-C or SIGTERM)"
        storage.remove_unrecorded(out, [chunk.chunk_id for chunk in todo])
        computed, chunks_written = _recorded_this_session(out, todo)
        kept = rows_done + computed
        raise Interrupted(f"{kept:,} of {rows_total:,} rows kept in {out}; the same command with "
                          "--resume computes the rest", getattr(err, "signum", signal.SIGINT)
                          ) from None
    except BaseException as err:
        error = f"{type(err).__name__}: {str(err).strip().splitlines()[0] if str(err).strip() else ''}"
        raise
    finally:
        bar.close()
        seconds = time.perf_counter() - start
        session.update({"finished": storage.now(), "status": status,
                        "chunks_computed": chunks_written,
                        "rows_computed": computed, "seconds": round(seconds, 3),
                        "chunk_seconds": round(chunk_seconds, 3),
                        "chunk_cpu_seconds": round(chunk_cpu_seconds, 3),
                        "run_days_per_second": round(computed * spec.days / seconds, 1)
                        if seconds > 0 else None})
        manifest["status"] = status
        if error:
            manifest["error"] = error
        storage.write_manifest(out, manifest)
    return SweepReport(out, rows_total, rows_done, computed, len(todo), seconds, spec.days,
                       chunk_cpu_seconds, len(checked.dropped))


def _recorded_this_session(out: Path, todo: list) -> tuple[int, int]:
    """Rows and chunks of this session whose checksum record reached disk. Read from disk, not
    from the loop's counters: a signal can land between a chunk's record and its count."""
    records = storage.read_records(out)
    written = [records[c.chunk_id] for c in todo if c.chunk_id in records]
    return sum(int(record["rows"]) for record in written), len(written)


def finish_split_bands(out: Path, spec: Spec, plan: list,
                       settings: chunking.SweepSettings) -> None:
    """Bands of points whose replicates were split over chunks, from the chunks' band parts,
    one point and one field at a time (memory: one field of one point's runs). A band already
    computed from the same parts is kept."""
    import dataclasses

    import pandas as pd

    records = storage.read_records(out)
    by_point: dict[tuple[int, int, int], list] = {}
    for chunk in plan:
        by_point.setdefault((chunk.date_index, chunk.scenario_index, chunk.first_point),
                            []).append(chunk)
    for parts in by_point.values():
        parts = sorted(parts, key=lambda c: c.first_replicate)
        shas = {str(c.chunk_id): records[c.chunk_id]["files"][chunking.BAND_PARTS]["sha256"]
                for c in parts}
        if storage.point_bands_done(out, parts[0].chunk_id, shas):
            continue
        files = [out / chunking.BAND_PARTS / storage.chunk_name(c.chunk_id) for c in parts]
        frame = None
        for name in spec.output.fields:
            runs = [pd.read_parquet(f, columns=["day", name]) for f in files]
            day = runs[0]["day"].to_numpy()[:runs[0]["day"].nunique()]
            values = np.concatenate([r[name].to_numpy().reshape(-1, len(day)) for r in runs])
            one = dataclasses.replace(settings, output=dataclasses.replace(spec.output,
                                                                           fields=(name,)))
            band = chunking.bands_of(parts[0], day, {name: values[None]}, one)
            frame = band if frame is None else frame.join(band[[c for c in band
                                                                if c not in frame]])
        storage.write_point_bands(out, parts[0].chunk_id, frame, shas)


def _pid() -> int:
    import os

    return os.getpid()


def _close_stale_session(manifest: dict) -> None:
    """A session that never finished (its process was killed) is marked as such."""
    for session in manifest.get("sessions", []):
        if "finished" not in session:
            session["status"] = "killed (no record of its end: its process died)"


def _check_worker(worker: dict, manifest: dict) -> None:
    """Rows from a worker that runs another model or numpy are never written."""
    expected_model = manifest["model"]["fingerprint"]
    expected_numpy = manifest["environment"]["versions"].get("numpy")
    if worker.get("model_fingerprint") != expected_model:
        raise SweepAborted(f"a worker on {worker.get('host')} runs another model (fingerprint "
                           f"{worker.get('model_fingerprint')}, this sweep {expected_model}); "
                           f"its rows were not written; give every worker the same installation, "
                           f"then --resume")
    if worker.get("numpy") != expected_numpy:
        raise SweepAborted(f"a worker on {worker.get('host')} runs numpy {worker.get('numpy')}, "
                           f"this sweep numpy {expected_numpy}; its rows were not written; give "
                           f"every worker the same installation, then --resume")


def _workers_of(records) -> dict[str, dict]:
    workers: dict[str, dict] = {}
    for record in records:
        if "worker" in record:
            _count_worker(workers, record["worker"], record.get("worker_key") or
                          provenance.identity_key(record["worker"]), record.get("rows", 0))
    return workers


def _count_worker(workers: dict, worker: dict, key: str, rows: int | None = None) -> None:
    entry = workers.setdefault(key, {**worker, "chunks": 0, "rows": 0})
    entry["chunks"] += 1
    entry["rows"] += rows or 0


def _progress_bar(total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="run", unit_scale=True, smoothing=0.1,
                disable=not enabled, dynamic_ncols=True, desc="sweep")
