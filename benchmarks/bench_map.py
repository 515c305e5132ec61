"""Front map speed: what one day's map frame costs, against the dashboard's 100 ms step budget.

    python benchmarks/bench_map.py [--runs 50] [--days 730]

Depths come from a real ensemble (`sim.ConflictModel`, status quo, one step per day, the
sectors' depth gained per run); the highlighted run is run 0 and the median is over all runs,
as the dashboard draws them. Measured per frame, median and 95th percentile over every day:

1. page layer: what the dashboard sends each day, the moving lines as an SVG layer over the
   vector background (`overlay_svg`) plus the text alternative (`describe_front_map`);
2. widget update: the same through `FrontMapWidget.show` (the widgets' trait updates included).

One-off costs (the geometry and the vector background, built once per process) are printed too.
The map has one render path: the raster one (a blitted Agg frame per day) was removed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def ensemble_depths(runs: int, days: int) -> tuple[np.ndarray, np.ndarray]:
    """Run 0's and the median's depth per day, shape (days + 1, sectors), and Kursk's km2."""
    import sim

    model = sim.ConflictModel("status_quo", n_runs=runs, days=days, rng=1, collect=False)
    state = model.state
    highlight = [np.asarray(state.depth_km[0], dtype=float).copy()]
    median = [np.median(state.depth_km, axis=0)]
    kursk = [float(state.kursk_held_km2[0])]
    for _ in range(days):
        model.step()
        highlight.append(np.asarray(model.state.depth_km[0], dtype=float).copy())
        median.append(np.median(model.state.depth_km, axis=0))
        kursk.append(float(model.state.kursk_held_km2[0]))
    return np.asarray(highlight), np.asarray(median), np.asarray(kursk)


def timed(fn, frames) -> list[float]:
    out = []
    for args in frames:
        t = time.perf_counter()
        fn(*args)
        out.append(time.perf_counter() - t)
    return out


def summary(name: str, seconds: list[float]) -> str:
    ms = np.asarray(seconds) * 1000
    return (f"{name:<34} median {statistics.median(ms):6.1f} ms   p95 {np.quantile(ms, 0.95):6.1f} ms"
            f"   max {ms.max():6.1f} ms   ({len(ms)} frames)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--days", type=int, default=730)
    args = parser.parse_args()

    from dashboards import frontmap as fm
    from dashboards.components.front_map import FrontMapWidget

    t = time.perf_counter()
    highlight, median, kursk = ensemble_depths(args.runs, args.days)
    deepest = int(highlight[-1].argmax())
    print(f"ensemble: {args.runs} runs x {args.days} days in {time.perf_counter() - t:.1f} s; "
          f"run 0 deepest {highlight[-1][deepest]:.1f} km "
          f"({fm.load_geometry().sector_names[deepest]})")
    frames = [(highlight[d], median[d], kursk[d]) for d in range(args.days + 1)]

    fm.load_geometry.cache_clear()
    t = time.perf_counter()
    fm.load_geometry()
    print(f"{'geometry load':<34} {1000 * (time.perf_counter() - t):6.1f} ms (once per process)")
    t = time.perf_counter()
    vector = fm.vector_background(True)
    print(f"{'vector background (SVG)':<34} {1000 * (time.perf_counter() - t):6.1f} ms "
          f"(once per process), {len(vector.svg) / 1000:.0f} kB")
    t = time.perf_counter()
    widget = FrontMapWidget()
    print(f"{'FrontMapWidget built':<34} {1000 * (time.perf_counter() - t):6.1f} ms (once per session)")

    def page_layer(h, m, k):
        vector.overlay(h, m, k)
        fm.describe_front_map(h, m, k, "1 Mar 2025")

    sizes = [len(vector.overlay(*f)) for f in frames[:: max(1, len(frames) // 20)]]
    print(summary("1. page layer (SVG + text)", timed(page_layer, frames))
          + f"   {statistics.median(sizes) / 1000:.1f} kB a frame")
    print(summary("2. FrontMapWidget.show",
                  timed(lambda h, m, k: widget.show(h, m, 0, "1 Mar 2025", k), frames)))


if __name__ == "__main__":
    main()
