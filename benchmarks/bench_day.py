"""The day's cost: CPU time per simulated day of one batch, repeated in one process.

Usage: python benchmarks/bench_day.py [--runs 1] [--days 730] [--repeats 5]
                                      [--scenario new_administration] [--no-record]
                                      [--math native|portable]

Prints the median and minimum CPU milliseconds per day over the repeats (after one short
warm-up run), so start-up is left out: at 1 run this is the day's fixed cost (the leaders'
rules and `core.day.advance` on tiny arrays), at 200 runs a student's fan, at 10,000 runs the
array work. Runs on one core (OMP/BLAS threads set to 1).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import sim  # noqa: E402


def day_cost_ms(runs: int, days: int, repeats: int, scenario: str, record: bool,
                math: str = sim.DEFAULT_MATH) -> list[float]:
    """CPU milliseconds per day of each of `repeats` runs of the batch."""
    sim.simulate(scenario, runs=runs, days=min(days, 30), seed=1, record=record, math=math)
    costs = []
    for _ in range(repeats):
        start = time.process_time()
        sim.simulate(scenario, runs=runs, days=days, seed=1, record=record, math=math)
        costs.append((time.process_time() - start) / days * 1000.0)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--scenario", default="new_administration")
    parser.add_argument("--no-record", action="store_true", help="outcomes only, no trajectories")
    parser.add_argument("--math", choices=sim.MATH_MODES, default=sim.DEFAULT_MATH)
    args = parser.parse_args()
    costs = day_cost_ms(args.runs, args.days, args.repeats, args.scenario, not args.no_record,
                        args.math)
    print(f"{args.scenario}, {args.math} math, {args.runs} runs x {args.days} days, "
          f"{args.repeats} repeats: "
          f"{statistics.median(costs):.3f} ms a day (median), {min(costs):.3f} (min)")


if __name__ == "__main__":
    main()
