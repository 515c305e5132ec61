"""Which conditions lead to a ceasefire within a year? The study of issue 22, end to end.

Run it as a script (a test runs it at small sizes):

    .venv/bin/python docs/notebooks/ceasefire_study.py --out results/ceasefire
    .venv/bin/python docs/notebooks/ceasefire_study.py --out /tmp/s --points 20 --replicates 4

It declares the sweep (`ceasefire_study.toml` beside this file: a Latin hypercube over seven
talks and economy levers, two talks presets, replicates whose drawn worlds every row records),
runs it, reads the table three ways (pandas, polars, DuckDB), asks where a year-one ceasefire
happens over the levers alone and over the levers and the world (PRIM, dimensional stacking, and
the paths of the runs inside the box against the others), reports how much of the variance is the
world's, screens the levers with Morris against SALib's dummy (the noise floor), and writes the
standard plots.
Each step prints what it found; nothing is hard-coded.
"""

from __future__ import annotations

import argparse
import shutil
import tomllib
from pathlib import Path

import experiments
from experiments import discover, noise, plots, sensitivity

HERE = Path(__file__).resolve().parent
WHERE = "ceasefire_day < 365"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="folder for the datasets")
    parser.add_argument("--points", type=int, default=100, help="Latin hypercube points")
    parser.add_argument("--replicates", type=int, default=10, help="replicates per point")
    parser.add_argument("--morris", type=int, default=8, help="Morris trajectories")
    parser.add_argument("--executor", default="serial", choices=("serial", "processes"))
    args = parser.parse_args(argv)
    if args.out.exists():
        shutil.rmtree(args.out)

    # 1. The spec: a TOML file, adjusted as a dict (sizes from the command line)
    spec = tomllib.loads((HERE / "ceasefire_study.toml").read_text())
    spec["sampler"]["samples"] = args.points
    spec["replicates"] = args.replicates
    study = experiments.run(spec, out=args.out / "sweep", executor=args.executor)
    print(study)
    inputs = study.manifest["inputs"]
    print(f"levers: {', '.join(inputs['levers'])}")
    print(f"the world: {len(inputs['uncertainties'])} drawn parameters, private types "
          f"{', '.join(inputs['private_types'])}")

    # 2. The readers of docs/EXPERIMENTS.md (the `analysis` extra): the same rows three ways
    import duckdb
    import polars as pl

    folder = args.out / "sweep" / "outcomes"
    by_polars = pl.read_parquet(f"{folder}/**/*.parquet")
    # A run without a ceasefire has no ceasefire_day (NULL): coalesce counts it as a miss
    # (avg skips NULLs, so without it the share is that of the runs with a ceasefire: 100 %)
    by_duckdb = duckdb.sql(f"SELECT count(*) AS runs, "
                           f"avg(coalesce(ceasefire_day < 365, false)::INT) AS share "
                           f"FROM '{folder}/**/*.parquet'").fetchall()[0]
    assert by_polars.height == len(study.outcomes) == by_duckdb[0]
    assert abs(by_duckdb[1] - (study.outcomes["ceasefire_day"] < 365).mean()) < 1e-12
    print(f"year-one ceasefire in {by_duckdb[1]:.1%} of {by_duckdb[0]:,} runs")
    by_replicate = study.outcomes.assign(hit=study.outcomes["ceasefire_day"] < 365) \
        .groupby("replicate")["hit"].mean()
    print(f"share with a year-one ceasefire by replicate (the world): "
          f"{by_replicate.min():.0%} to {by_replicate.max():.0%}")

    # 3. Discovery: over the levers alone, then over the levers and the world
    for inputs_of in ("levers", "all"):
        found = study.discover(WHERE, inputs=inputs_of, score_outcomes=False)
        print(f"\n--- discover over {inputs_of} ---")
        print(discover.report_text(found).split("\nfeature scores")[0])
        discover.write(found, args.out / f"discover_{inputs_of}")
    found_all = found
    if found_all.stacking is not None:
        share, count = found_all.stacking
        print("\ndimensional stacking (share of runs with a year-one ceasefire, by bins of the "
              "top-scored inputs):")
        print(share.round(2).to_string())
    for box_text, fans in found_all.box_fans:
        last = fans[(fans["field"] == "russia_economic_pressure") & (fans["day"] == fans["day"].max())]
        medians = dict(zip(last["group"], last["p50"]))
        print(f"\nbox fans: {box_text}\n  Russia's economic pressure on the last kept day, median: "
              + ", ".join(f"{group} the box {value:.2f}" for group, value in medians.items()))

    # 4. Noise's share for the condition and the occupied area
    shares = noise.split(study.outcomes["occupied_km2_final"], study.outcomes["scenario"],
                         study.outcomes["point"], study.outcomes["replicate"],
                         "occupied_km2_final")
    print("\n" + noise.format_table(shares))
    for line in noise.warnings(shares) + [n for n in found_all.notes if n.startswith("warning")]:
        print(line)

    # 5. Morris screening of the same levers (one scenario), with noise's share
    screening = dict(spec, name="ceasefire_screening", scenarios=["parallel_processes"],
                     replicates=max(2, args.replicates // 2),
                     sampler={"method": "morris", "samples": args.morris, "dummy": True},
                     sensitivity={"outcomes": ["reached:ceasefire_day", "occupied_km2_final"]})
    screening["parameters"] = {name: entry for name, entry in spec["parameters"].items()
                               if name != "offer_interval_days"}  # Morris needs even steps
    morris = experiments.run(screening, out=args.out / "morris", executor=args.executor)
    table = sensitivity.analyse(morris.spec, morris.out)
    print("\n" + sensitivity.format_table(table))
    print("a lever whose mu* is not above the dummy's (read by nothing) is not told from noise")
    morris_noise = noise.streamed(morris.out, morris.spec.sensitivity.outcomes)
    print(noise.format_table(morris_noise))
    for line in noise.warnings(morris_noise):
        print(line)

    # 6. The standard plots, with a chosen heat map
    written = plots.standard_plots(args.out / "sweep", args.out / "plots",
                                   x="offer_interval_days", y="trump_sanctions_level",
                                   outcome="reached:ceasefire_day")
    print(f"\nwrote {len(written)} plots to {args.out / 'plots'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
