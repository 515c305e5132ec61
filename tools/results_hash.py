"""Print one hash of every preset's outcomes and trajectories, to show that a restructuring
leaves results bit-identical (run it before and after; the two lines must match).

    python tools/results_hash.py [--runs 64] [--days 730] [--seed 1] [--start-date 2024-06-01]
"""

from __future__ import annotations

import argparse
import hashlib

import numpy as np

import sim


def results_hash(runs: int, days: int, seed: int, start_date: str | None = None,
                 without: tuple[str, ...] = ()) -> dict[str, str]:
    """Per preset, a SHA-256 over its outcome table and every recorded trajectory but the
    columns and fields named in `without` (ones a change adds, to compare with the commit
    before it), plus 'all'."""
    digests = {}
    total = hashlib.sha256()
    for name in sim.SCENARIOS:
        result = sim.simulate(name, runs=runs, days=days, seed=seed, start_date=start_date)
        h = hashlib.sha256()
        outcomes = result.outcomes
        for column in [c for c in outcomes.columns if c not in without]:
            values = outcomes[column]
            data = (values.cat.codes.to_numpy() if hasattr(values, "cat")
                    else values.to_numpy())
            h.update(column.encode())
            h.update(np.ascontiguousarray(data).tobytes() if data.dtype != object
                     else "|".join(map(str, data)).encode())
        for field in sorted(set(result.trajectories) - set(without)):
            h.update(field.encode())
            h.update(np.ascontiguousarray(result.trajectories[field]).tobytes())
        digests[name] = h.hexdigest()[:16]
        total.update(h.digest())
    digests["all"] = total.hexdigest()[:16]
    return digests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=64)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start-date", default=None, help="default 2024-12-01")
    parser.add_argument("--without", default="",
                        help="outcome columns and trajectories to leave out, comma-separated (ones a "
                             "change adds)")
    args = parser.parse_args()
    without = tuple(name for name in args.without.split(",") if name)
    for name, digest in results_hash(args.runs, args.days, args.seed, args.start_date,
                                     without).items():
        print(f"{name:20s} {digest}")


if __name__ == "__main__":
    main()
