"""Throughput of the batched model: run-days per second, batched vs one run at a time.

Usage: python benchmarks/bench_model.py [--runs 10000] [--days 730] [--single-runs 20]
Runs in one process on one core (set OMP/BLAS threads to 1); outcomes only, no trajectories.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import sim  # noqa: E402


def run_days_per_second(runs: int, days: int, scenario: str, seed: int = 0, run_offset: int = 0,
                        math: str = sim.DEFAULT_MATH) -> float:
    start = time.perf_counter()
    sim.simulate(scenario, runs=runs, days=days, seed=seed, run_offset=run_offset, record=False,
                 math=math)
    return runs * days / (time.perf_counter() - start)


def profile_step(runs: int, days: int, scenario: str) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    sim.simulate(scenario, runs=runs, days=days, seed=0, record=False)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--single-runs", type=int, default=20)
    parser.add_argument("--scenario", default="parallel_processes")
    parser.add_argument("--chunks", default="100,1000,2000,5000,10000")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--math", choices=sim.MATH_MODES, default=sim.DEFAULT_MATH,
                        help="how exp, log and the like are computed (sim.core.portable)")
    args = parser.parse_args()

    batched = run_days_per_second(args.runs, args.days, args.scenario, math=args.math)
    print(f"batched: {args.runs} runs x {args.days} days ({args.math} math): "
          f"{batched:,.0f} run-days/s")
    single = [run_days_per_second(1, args.days, args.scenario, run_offset=k, math=args.math)
              for k in range(args.single_runs)]
    single_rate = float(np.median(single))
    print(f"one run at a time: {single_rate:,.0f} run-days/s (median of {args.single_runs})")
    print(f"speed-up: {batched / single_rate:,.0f}x")
    for chunk in (int(c) for c in args.chunks.split(",")):
        rate = run_days_per_second(chunk, min(args.days, 365), args.scenario, math=args.math)
        print(f"chunk {chunk:>6}: {rate:,.0f} run-days/s")
    if args.profile:
        profile_step(args.runs, 60, args.scenario)


if __name__ == "__main__":
    main()
