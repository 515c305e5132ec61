"""Sweep throughput (run-days per second) with outcomes only, 1 vs 2 workers, peak memory, and the
extrapolation to one million two-year runs.

    python benchmarks/bench_sweep.py [--runs 20000] [--days 730] [--executor processes]

Measures the whole pipeline (sampling, batched model calls, Parquet writing) on a Latin hypercube
sweep of two parameters, first the model's cost per run-day at several chunk sizes (one process),
then the sweep with 1 and 2 workers. Peak memory is the largest resident set of this process and
of any worker process. Run by hand; the numbers go into docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import sim
from experiments import evaluators, spec as spec_module, sweep

TARGET_RUNS = 1_000_000
TARGET_DAYS = 730
TARGET_SECONDS = 600


def bench_spec(runs: int, days: int, chunk_size: int) -> spec_module.Spec:
    replicates = 100
    return spec_module.parse(f"""
name = "bench"
scenario = "status_quo"
days = {days}
seed = 1
replicates = {replicates}
chunk_size = {chunk_size}
[sampler]
method = "latin"
samples = {max(1, runs // replicates)}
[parameters]
advance_speed_scale = {{ range = [0.5, 1.5] }}
trump_aid_level = {{ range = [0.0, 1.5] }}
""", source="bench")


def model_rate(runs: int, days: int) -> float:
    """Run-days per second of one batched model call (no I/O), best of two."""
    best = 0.0
    for _ in range(2):
        start = time.perf_counter()
        sim.simulate(runs=runs, days=days, record=False)
        best = max(best, runs * days / (time.perf_counter() - start))
    return best


def peak_rss_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"main_mb": round(own, 1), "largest_worker_mb": round(children, 1)}


def sweep_rate(spec, executor: str, workers: int) -> dict:
    out = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    try:
        start = time.perf_counter()
        report = sweep.run(spec, out / "sweep", evaluators.make(executor, workers),
                           progress=False)
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in out.rglob("*.parquet"))
    finally:
        shutil.rmtree(out)
    rate = report.rows_computed * spec.days / seconds
    per_cpu = report.rows_computed * spec.days / report.cpu_seconds
    return {"executor": executor, "workers": workers, "runs": report.rows_computed,
            "seconds": round(seconds, 2), "run_days_per_s": round(rate),
            "run_days_per_cpu_s": round(per_cpu),
            "cpu_utilisation": round(report.cpu_seconds / seconds / workers, 2),
            "parquet_bytes_per_run": round(size / report.rows_computed, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--chunk-size", type=int, default=5000)
    parser.add_argument("--executor", default="processes", choices=("processes", "dask"))
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)

    results = {"model_rate_by_chunk": {}, "sweeps": []}
    for chunk in (500, 2000, 5000, 10000):
        results["model_rate_by_chunk"][chunk] = round(model_rate(chunk, min(args.days, 365)))
        print(f"model alone, {chunk:>6} runs per call: "
              f"{results['model_rate_by_chunk'][chunk]:>12,} run-days/s", flush=True)
    spec = bench_spec(args.runs, args.days, args.chunk_size)
    for workers in (1, 2):
        row = sweep_rate(spec, args.executor, workers)
        results["sweeps"].append(row)
        print(f"sweep {row['runs']:,} runs x {args.days} days, {args.executor} x{workers}: "
              f"{row['seconds']:.1f} s, {row['run_days_per_s']:,} run-days/s "
              f"({row['run_days_per_cpu_s']:,} per CPU-second in the workers, each worker "
              f"on CPU {row['cpu_utilisation']:.0%} of the time)", flush=True)
    one, two = (r["run_days_per_s"] for r in results["sweeps"])
    best = max(one, two)
    results["speedup_2_vs_1"] = round(two / one, 2)
    results["peak_memory"] = peak_rss_mb()
    results["extrapolated_1M_two_year_runs_s"] = round(TARGET_RUNS * TARGET_DAYS / best)
    results["target_run_days_per_s"] = TARGET_RUNS * TARGET_DAYS // TARGET_SECONDS
    cpu_rate = results["sweeps"][-1]["run_days_per_cpu_s"]
    results["extrapolated_1M_two_year_runs_s_2_uncontended_cores"] = round(
        TARGET_RUNS * TARGET_DAYS / (2 * cpu_rate))
    print(f"2 workers vs 1: {results['speedup_2_vs_1']}x")
    print(f"peak memory: main {results['peak_memory']['main_mb']} MB, largest worker "
          f"{results['peak_memory']['largest_worker_mb']} MB")
    print(f"1M two-year runs at the best rate: {results['extrapolated_1M_two_year_runs_s']:,} s "
          f"(target {TARGET_SECONDS} s needs {results['target_run_days_per_s']:,} run-days/s); "
          f"on 2 uncontended cores at the measured CPU rate: "
          f"{results['extrapolated_1M_two_year_runs_s_2_uncontended_cores']:,} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
