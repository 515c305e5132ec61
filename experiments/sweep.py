"""Run a spec into a directory: draw (or read back) the design, run the missing chunks on an
evaluator, write each chunk as it arrives, keep the manifest up to date.

Nothing is written before the spec, the directory and the executor have all been checked, so bad
input never damages earlier results; a killed sweep leaves only complete chunk files behind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import chunks as chunking
from . import samplers, storage
from .spec import Spec, SpecError, n_points


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

    @property
    def run_days_per_second(self) -> float:
        return self.rows_computed * self.days / self.seconds if self.seconds > 0 else 0.0


def settings_for(spec: Spec) -> chunking.Settings:
    return chunking.Settings(
        days=spec.days, seed=spec.seed, replicates=spec.replicates, n_points=n_points(spec),
        factor_names=spec.factor_names, factor_kinds=tuple(f.kind for f in spec.factors),
        fixed=spec.fixed, output=spec.output, start_date=spec.start_date,
        uncertainty=spec.uncertainty)


def replay_template(spec: Spec) -> str:
    """How to replay one row alone with the main CLI (fill in the row's values)."""
    sets = " ".join(f"--set {name}={{{name}}}" for name in (*spec.factor_names,
                                                               *(n for n, _ in spec.fixed)))
    start = f"--start-date {spec.start_date} " if spec.start_date else ""
    start += f"--uncertainty {spec.uncertainty} "
    return (f"conflictsim run --scenario {{scenario}} --seed {spec.seed} --days {spec.days} "
            f"{start}--run-offset {{replicate}} --runs 1 {sets}").strip()


def new_manifest(spec: Spec, chunk_size: int, n_chunks: int) -> dict[str, Any]:
    points = n_points(spec)
    return {
        "format": storage.FORMAT_VERSION,
        "kind": "conflictsim sweep",
        "name": spec.name,
        "fingerprint": spec.fingerprint(),
        "spec": spec.to_json(),
        "created": storage.now(),
        "environment": storage.environment(),
        "seed": spec.seed,
        "scenarios": list(spec.scenarios),
        "sampler": {"method": spec.method, "samples": spec.samples, "points": points,
                    "seed": spec.seed},
        "replicates": spec.replicates,
        "rows": len(spec.scenarios) * points * spec.replicates,
        "row_numbering": "row = (scenario_index * points + point) * replicates + replicate; "
                         "a run's RNG index is its replicate (common random numbers)",
        "chunking": {"chunk_size": chunk_size,
                     "points_per_chunk": chunking.points_per_chunk(chunk_size, spec.replicates),
                     "chunks": n_chunks},
        "replay": replay_template(spec),
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
        design = storage.read_design(out)[list(spec.factor_names)].to_numpy(dtype=float)
    else:
        chunk_size = chunk_size or spec.chunk_size
        design = samplers.draw(spec)
    plan = chunking.plan(spec.scenarios, len(design), spec.replicates, chunk_size)
    with evaluator as running:
        if manifest is None:
            manifest = new_manifest(spec, chunk_size, len(plan))
            storage.init_output_dir(out, manifest, storage.design_frame(spec.factor_names, design),
                                    spec_text)
        return _run_missing(spec, out, running, manifest, plan, design, progress)


def _resumed_chunk_size(manifest: dict, requested: int | None, out: Path) -> int:
    stored = int(manifest["chunking"]["chunk_size"])
    if requested is not None and requested != stored:
        raise SpecError(f"--chunk-size {requested}: {out} was chunked with {stored} rows; "
                        f"drop --chunk-size or pass {stored} to resume")
    return stored


def _run_missing(spec: Spec, out: Path, evaluator, manifest: dict, plan: list, design: np.ndarray,
                 progress: bool) -> SweepReport:
    storage.remove_temporaries(out)
    done = storage.completed_chunks(out)
    todo = [c for c in plan if c.chunk_id not in done]
    rows_total = manifest["rows"]
    rows_done = sum(c.n_points for c in plan if c.chunk_id in done) * spec.replicates
    session = {"started": storage.now(), "executor": type(evaluator).__name__,
               "workers": evaluator.n_workers, "chunks_to_compute": len(todo)}
    manifest["sessions"].append(session)
    manifest["status"] = "running"
    storage.write_manifest(out, manifest)

    start = time.perf_counter()
    computed_rows, chunk_seconds, chunk_cpu_seconds = 0, 0.0, 0.0
    bar = _progress_bar(rows_total, rows_done, progress)
    try:
        tasks = chunking.tasks(todo, settings_for(spec), design)
        for result in evaluator.imap_unordered(chunking.run_chunk, tasks):
            storage.write_chunk(out, result.chunk_id, result.tables)
            computed_rows += result.n_runs
            chunk_seconds += result.seconds
            chunk_cpu_seconds += result.cpu_seconds
            elapsed = time.perf_counter() - start
            bar.set_postfix_str(f"{computed_rows * spec.days / max(elapsed, 1e-9):,.0f} run-days/s",
                                refresh=False)
            bar.update(result.n_runs)
    finally:
        bar.close()
    seconds = time.perf_counter() - start
    session.update({"finished": storage.now(), "chunks_computed": len(todo),
                    "rows_computed": computed_rows, "seconds": round(seconds, 3),
                    "chunk_seconds": round(chunk_seconds, 3),
                    "chunk_cpu_seconds": round(chunk_cpu_seconds, 3),
                    "run_days_per_second": round(computed_rows * spec.days / seconds, 1)
                    if seconds > 0 else None})
    manifest["status"] = "complete"
    storage.write_manifest(out, manifest)
    return SweepReport(out, rows_total, rows_done, computed_rows, len(todo), seconds, spec.days,
                       chunk_cpu_seconds)


def _progress_bar(total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="run", unit_scale=True, smoothing=0.1,
                disable=not enabled, dynamic_ncols=True, desc="sweep")
