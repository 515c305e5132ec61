"""The research commands: `sweep`, `results`, `sensitivity`, `calibrate`, `discover`, `validate`.

`register(subparsers)` adds them to the `conflictsim` parser; each handler is `args.func(args) ->
int`. Flags are checked by `conflictsim.arguments`; bad input in files and folders raises
`SpecError`/`InputError` (the CLI prints one line and exits 2).
"""

from __future__ import annotations

import functools
from pathlib import Path

from conflictsim.arguments import (EXIT_ABORTED, checked, number, output_file, output_folder,
                                   report_error, seconds, whole)


def register(subparsers) -> None:
    _add_sweep(subparsers)
    _add_results(subparsers)
    _add_sensitivity(subparsers)
    _add_calibrate(subparsers)
    _add_discover(subparsers)
    _add_validate(subparsers)


def _add_executor_options(p) -> None:
    p.add_argument("--executor", choices=("serial", "processes", "dask"), default=None,
                   help="where chunks run (default: processes; dask when --scheduler is given)")
    p.add_argument("--workers", type=whole("--workers", 1), default=None,
                   help="local worker processes (default: all cores)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="an existing Dask scheduler (local, dask-jobqueue, Kubernetes)")
    p.add_argument("--connect-timeout", type=seconds("--connect-timeout"), default=10.0,
                   metavar="SECONDS", help="how long to try reaching --scheduler (default 10)")
    p.add_argument("--worker-timeout", type=seconds("--worker-timeout"), default=60.0,
                   metavar="SECONDS",
                   help="a Dask sweep with no worker left for this long stops with a message "
                        "(default 60); the chunks written are kept for --resume")


def _add_chunk_options(p) -> None:
    """Options of the commands that run a spec in chunks (sweep, sensitivity)."""
    p.add_argument("--chunk-size", type=whole("--chunk-size", 1), default=None,
                   help="runs per task (default: the spec's chunk_size)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_sweep(subparsers) -> None:
    p = subparsers.add_parser("sweep", help="run an experiment spec (TOML) into a Parquet dataset")
    p.add_argument("spec", metavar="SPEC.toml", help="experiment spec, e.g. experiments/specs/smoke.toml")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--resume", action="store_true",
                   help="complete a sweep already started in --out (computes only missing chunks)")
    p.add_argument("--record-drawn", choices=("on", "off"), default=None,
                   help="rows carry each run's drawn world: drawn_<parameter> for every "
                        "uncertain parameter and type_<name> for the private types (default: "
                        "the spec's [output] record_drawn, on; off saves space)")
    _add_executor_options(p)
    _add_chunk_options(p)
    p.set_defaults(func=cmd_sweep)


def _add_results(subparsers) -> None:
    p = subparsers.add_parser("results", help="summarise a sweep directory")
    p.add_argument("dir", metavar="DIR", help="a directory written by `sweep`")
    p.add_argument("--plots", metavar="FOLDER", help="also write the standard plots (PNG) there")
    p.add_argument("--replay", type=whole("--replay", 0), metavar="ROW",
                   help="print the `conflictsim run` command that replays row ROW alone")
    p.add_argument("--x", metavar="COLUMN",
                   help="heat map's horizontal axis (default: the first swept parameter)")
    p.add_argument("--y", metavar="COLUMN",
                   help="heat map's vertical axis (default: the next swept parameter)")
    p.add_argument("--outcome", metavar="NAME",
                   help="the outcome of the per-point table and the heat maps: a column, "
                        "reached:<column> or share:<outcome class> (default: the table's "
                        "usual outcome, the heat maps' first numeric outcome kept)")
    p.set_defaults(func=cmd_results)


def _add_sensitivity(subparsers) -> None:
    p = subparsers.add_parser("sensitivity",
                              help="Sobol or Morris indices (SALib) of a spec's outcomes")
    p.add_argument("spec", metavar="SPEC.toml|DIR",
                   help="a spec with sampler sobol or morris (runs it), or a finished sweep DIR")
    p.add_argument("--out", metavar="DIR", help="sweep directory (default: out/<spec name>)")
    p.add_argument("--outcome", action="append", metavar="NAME",
                   help="outcome to analyse (repeatable; default: the spec's [sensitivity])")
    p.add_argument("--plot", metavar="FILE.png", help="bar chart (default: DIR/sensitivity.png)")
    _add_executor_options(p)
    _add_chunk_options(p)
    p.set_defaults(func=cmd_sensitivity)


def _add_calibrate(subparsers) -> None:
    from experiments.calibration import DEFAULT_PARAMETERS, MAX_ACCEPT

    p = subparsers.add_parser("calibrate",
                              help="ABC calibration against the 2024 front-line series")
    p.add_argument("--out", required=True, metavar="DIR", help="where to write the posterior")
    p.add_argument("--param", action="append", metavar="NAME[=LOW:HIGH]",
                   help="parameter to calibrate, optional prior range (repeatable; default: "
                        f"{', '.join(DEFAULT_PARAMETERS)})")
    p.add_argument("--draws", type=whole("--draws", 1), default=20000,
                   help="prior draws per round (default 20000)")
    p.add_argument("--rounds", type=whole("--rounds", 1), default=2,
                   help="ABC rounds; round 2+ sample near the last posterior (default 2)")
    p.add_argument("--accept", type=number("--accept", 0, MAX_ACCEPT, low_open=True), default=0.02,
                   help="share of draws accepted per round (default 0.02)")
    p.add_argument("--seed", type=whole("--seed", 0, 2**63 - 1), default=0, help="seed (default 0)")
    p.add_argument("--synthetic", action="append", metavar="NAME=VALUE",
                   help="fit synthetic data made by the model at these values instead of the "
                        "shipped series (checks that calibration recovers known parameters)")
    p.add_argument("--start-date", default=None,
                   help="model start date for the fit, 2023-01-01 to 2024-11-01 (default "
                        "2024-01-01); every month from it to November 2024 is fitted, so "
                        "2023-01-01 fits 2023 and 2024 as a whole (2023 starts take 2023's "
                        "inputs)")
    p.add_argument("--resume", action="store_true",
                   help="continue the calibration in --out from its last completed round (the "
                        "same options; --rounds may be larger, to add rounds)")
    p.add_argument("--export", metavar="FILE.csv",
                   help="also write the last population as the CSV the package ships "
                        "(sim/data/posterior_front.csv: the default parameter uncertainty)")
    _add_executor_options(p)
    p.set_defaults(func=cmd_calibrate)


def _add_discover(subparsers) -> None:
    from experiments.discover import (DEFAULT_MASS_MIN, DEFAULT_MAX_QUASI_P, DEFAULT_PASTE_ALPHA,
                           DEFAULT_PEEL_ALPHA, DEFAULT_THRESHOLD, INPUT_CHOICES)

    p = subparsers.add_parser(
        "discover", help="scenario discovery: where a condition holds (PRIM) and which "
                         "parameters matter (extra-trees feature scores)")
    p.add_argument("dir", metavar="DIR", help="a directory written by `sweep`")
    p.add_argument("--where", required=True, metavar="EXPR",
                   help="condition on a run's columns, e.g. \"outcome == 'settlement'\" or "
                        "'occupied_km2_final > 120000 and ceasefire_day < 365'")
    p.add_argument("--out", metavar="FOLDER",
                   help="write tables (CSV, Parquet) and plots (PNG) there (outside DIR)")
    p.add_argument("--threshold", type=number("--threshold", 0, 1, low_open=True),
                   default=DEFAULT_THRESHOLD,
                   help="density the chosen box must reach; the box with the highest coverage "
                        f"that does is chosen (default {DEFAULT_THRESHOLD:g})")
    p.add_argument("--peel-alpha", type=number("--peel-alpha", 0, 0.5, low_open=True),
                   default=DEFAULT_PEEL_ALPHA,
                   help=f"share of the box's runs each peel removes (default {DEFAULT_PEEL_ALPHA:g})")
    p.add_argument("--paste-alpha", type=number("--paste-alpha", 0, 0.5, low_open=True),
                   default=DEFAULT_PASTE_ALPHA,
                   help=f"share of the box's runs each paste adds (default {DEFAULT_PASTE_ALPHA:g})")
    p.add_argument("--mass-min", type=number("--mass-min", 0, 1, low_open=True),
                   default=DEFAULT_MASS_MIN,
                   help=f"smallest share of all runs a box may hold (default {DEFAULT_MASS_MIN:g})")
    p.add_argument("--boxes", type=whole("--boxes", 1), default=1,
                   help="look for up to N boxes, each among the runs outside the earlier ones "
                        "(default 1)")
    p.add_argument("--box", type=whole("--box", 0, 10**6), default=None, metavar="STEP",
                   help="take this step of the peeling trajectory instead of the threshold rule")
    p.add_argument("--scores", choices=("all", "condition"), default="all",
                   help="feature scores for the condition and every outcome (all), or the "
                        "condition only")
    p.add_argument("--seed", type=whole("--seed", 0, 2**32 - 1), default=0,
                   help="seed of the extra trees (default 0)")
    p.add_argument("--inputs", choices=INPUT_CHOICES, default="all",
                   help="search over the levers (varied parameters, scenario), the runs' drawn "
                        "world (drawn_* and type_* columns) or both (default all)")
    p.add_argument("--max-quasi-p", type=number("--max-quasi-p", 0, 1, low_open=True),
                   default=DEFAULT_MAX_QUASI_P,
                   help="drop a box's restrictions whose quasi-p-value is above this, least "
                        f"significant first (default {DEFAULT_MAX_QUASI_P:g}; 1 keeps them all)")
    p.add_argument("--max-restricted", type=whole("--max-restricted", 1), default=None,
                   help="restrict at most N dimensions (the most significant)")
    p.add_argument("--stack", type=whole("--stack", 2, 4), default=4, metavar="N",
                   help="dimensional stacking (with --out: stacking.png, stacking.csv) over the "
                        "N inputs the feature scores rank highest, 2 to 4 (default 4)")
    p.add_argument("--stack-bins", type=whole("--stack-bins", 2, 10), default=3,
                   metavar="K", help="bins of equal count per stacked input (default 3)")
    p.set_defaults(func=cmd_discover)


def _add_validate(subparsers) -> None:
    from experiments.validate import (DEFAULT_STARTS, FIT_MODES, MAX_RUNS, MAX_SEEDS, MIN_RUNS,
                                      parse_seeds)

    p = subparsers.add_parser(
        "validate", help="backtest the front: forecasts from past dates against the data")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="where to write backtest.csv, backtest.json and backtest.png")
    p.add_argument("--start", action="append", metavar="YYYY-MM-01",
                   help="start date (repeatable; default: the first of each month "
                        f"{DEFAULT_STARTS[0]} to {DEFAULT_STARTS[-1]})")
    p.add_argument("--runs", type=whole("--runs", MIN_RUNS, MAX_RUNS), default=400,
                   help=f"runs per start, {MIN_RUNS} to {MAX_RUNS:,} (default 400)")
    seeds = p.add_mutually_exclusive_group()
    seeds.add_argument("--seed", type=whole("--seed", 0, 2**63 - 1), default=0,
                       help="seed (default 0)")
    seeds.add_argument("--seeds", type=checked("--seeds", parse_seeds,
                                               f"seeds as 0-7 or 0,3,5, at most {MAX_SEEDS}"),
                       metavar="LIST",
                       help="a robustness check: every table at each seed (e.g. 0-7), the "
                            "scores' spread over the seeds printed and written to DIR/seeds.csv, "
                            "each seed's tables to DIR/seed_<s>")
    p.add_argument("--fit", choices=FIT_MODES, default="refit",
                   help="refit (default): refit the front on the months of the start's year "
                        "before it (ABC); posterior: the shipped posterior, fitted on January-"
                        "November 2024, for every start")
    p.add_argument("--horizons", metavar="MONTHS",
                   help="months ahead, comma-separated (e.g. 6,12,24): each scored on its own "
                        "from the quarter starts with data after them, written to "
                        "DIR/horizon_<h>m; one past the data (over 23) is named as having no "
                        "case (default: 1, 2 and 3 months from every start)")
    p.set_defaults(func=cmd_validate)


def cmd_validate(args) -> int:
    """`conflictsim validate`: check every input, then run and write each horizon's backtests."""
    from experiments import validate
    from sim.params import InputError

    out = Path(args.out)  # --runs was checked by its flag (`whole`, MIN_RUNS to MAX_RUNS)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out={args.out!r} is not allowed: a directory")
    horizons = validate.check_horizons(args.horizons) if args.horizons else None
    if horizons is None:  # (folder, horizons, starts) of each table, every input checked first
        plans = [(out, validate.HORIZONS,
                  validate.check_starts(args.start or validate.DEFAULT_STARTS))]
    else:  # each horizon on its own: its own starts and scores; one past the data, a note
        plans = [(out / f"horizon_{h}m", (h,),
                  validate.check_starts(args.start or validate.quarter_starts((h,)), (h,)))
                 for h in horizons if h <= validate.longest_horizon()]
    try:  # before the backtests' work, so a bad --out cannot lose it; none for no table
        if plans:
            out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"--out={args.out!r} is not allowed: a directory that can be created "
                         f"({err.strerror or err})") from None
    if args.seeds:
        _validate_seeds(args, out, plans)
    else:
        for folder, plan_horizons, starts in plans:
            backtest = validate.run(starts, args.runs, args.seed, args.fit,
                                    horizons=plan_horizons)
            if horizons is not None:
                print(f"{plan_horizons[0]} months ahead:")
            print(validate.format_table(backtest))
            for path in validate.write(backtest, folder):
                print(f"wrote {path}")
    for horizon in horizons or ():
        if horizon > validate.longest_horizon():
            print(validate.no_case_note(horizon))
    return 0


def _validate_seeds(args, out: Path, plans) -> None:
    """Every table at each seed, each seed's tables under DIR/seed_<s>, then how the scores
    move with the seed (DIR/seeds.csv): one seed's pass is not a result."""
    import pandas as pd

    from experiments import validate

    rows = []
    for seed in args.seeds:
        for folder, plan_horizons, starts in plans:
            backtest = validate.run(starts, args.runs, seed, args.fit, horizons=plan_horizons)
            label = (f"{plan_horizons[0]} months" if len(plan_horizons) == 1
                     else f"{plan_horizons[0]}-{plan_horizons[-1]} months")
            validate.write(backtest, out / f"seed_{seed}" / folder.relative_to(out))
            rows.append(validate.seed_rows(seed, label, backtest))
            print(f"seed {seed}, {label}: mean error {rows[-1]['mean_error_model_km2']:,.0f} "
                  f"km2, 90 % band covers {rows[-1]['coverage_90']:.0%}", flush=True)
    table = pd.DataFrame(rows)
    table.round(validate.CSV_DECIMALS).to_csv(out / "seeds.csv", index=False)
    print(validate.seeds_text(table))
    print(f"wrote {out / 'seeds.csv'} and each seed's tables under {out}/seed_<s>")


def _evaluator(args):
    from experiments import evaluators

    executor = args.executor or ("dask" if args.scheduler else "processes")
    return evaluators.make(executor, args.workers, args.scheduler, args.connect_timeout,
                           args.worker_timeout)


def one_line_errors(command):
    """A sweep that cannot go on, or a file that cannot be written, ends with one line (exit 1)
    instead of a traceback; bad input (`InputError`) is left to the caller (exit 2), and so is
    a reader that stopped reading (`conflictsim results DIR | head`: not the command's failure,
    though `BrokenPipeError` is an `OSError`)."""
    @functools.wraps(command)
    def wrapped(args) -> int:
        from experiments.evaluators import SweepAborted

        try:
            return command(args)
        except SweepAborted as err:
            report_error(args.command, str(err))
            return EXIT_ABORTED
        except BrokenPipeError:
            raise
        except OSError as err:
            where = f"{err.filename}: " if getattr(err, "filename", None) else ""
            report_error(args.command, f"{where}{err.strerror or err}")
            return EXIT_ABORTED
    return wrapped


@one_line_errors
def cmd_sweep(args) -> int:
    from experiments import spec as spec_module
    from experiments import storage, sweep
    from sim.params import plural

    text = spec_module.read_text(args.spec)
    spec = spec_module.parse(text, source=str(args.spec))
    if args.record_drawn is not None:
        import dataclasses

        spec = dataclasses.replace(spec, output=dataclasses.replace(
            spec.output, record_drawn=args.record_drawn == "on"))
    report = sweep.run(spec, args.out, _evaluator(args), resume=args.resume,
                       chunk_size=args.chunk_size, spec_text=text, progress=not args.quiet)
    recomputed = (f"; {report.chunks_recomputed} damaged, missing or foreign chunks computed "
                  f"again" if report.chunks_recomputed else "")
    print(f"{report.out}: {report.rows:,} {plural(report.rows, 'run')} "
          f"({report.rows_already_done:,} already done, "
          f"{report.rows_computed:,} computed in {report.seconds:.1f} s, "
          f"{report.run_days_per_second:,.0f} run-days/s{recomputed})")
    roots = [name for name in storage.TABLE_ROOTS if (report.out / name).is_dir()]
    print(f"read with: pandas.read_parquet('{report.out / 'outcomes'}') (one folder per table: "
          f"{', '.join(roots)})")
    return 0


@one_line_errors
def cmd_results(args) -> int:
    from experiments import results

    from sim.params import InputError

    out = Path(args.dir)
    plots = output_folder("--plots", args.plots) if args.plots else None
    for flag, value in (("--x", args.x), ("--y", args.y)):
        if value is not None and plots is None:
            raise InputError(f"{flag}={value!r} is not allowed without --plots FOLDER: it "
                             "chooses what the heat maps there show")
    if args.replay is not None:
        print(results.replay_command(out, args.replay))
        return 0
    if plots is not None or args.outcome is not None:
        from experiments.plots import check_heatmap_options

        results.load_manifest(out)
        check_heatmap_options(out, args.x, args.y, args.outcome)
    print(results.summary_text(out, args.outcome))
    if plots is not None:
        for path in results.write_plots(out, plots, args.x, args.y, args.outcome):
            print(f"wrote {path}")
    return 0


@one_line_errors
def cmd_sensitivity(args) -> int:
    """`conflictsim sensitivity SPEC.toml|DIR`: run the sweep if needed, then analyse it."""
    from experiments import noise, plots, results, sensitivity, spec as spec_module, storage, sweep
    from sim.outcomes import check_share_target

    source = Path(args.spec)
    figure = output_file("--plot", args.plot) if args.plot else None
    targets = tuple(args.outcome) if args.outcome else None
    if targets:
        for target in targets:  # refused as a flag, not as a spec file's field
            if target.startswith("share:"):
                check_share_target("--outcome", target)
        spec_module.from_dict({"sensitivity": {"outcomes": list(targets)}}, source="--outcome")
    if source.is_dir():
        out, spec = source, results.spec_of(source)
        sensitivity.check_method(spec)
    else:
        text = spec_module.read_text(source)
        spec = spec_module.parse(text, source=str(source))
        sensitivity.check_method(spec)  # before the sweep's work
        out = Path(args.out) if args.out else Path("out") / spec.name
        resume = storage.read_manifest(out) is not None if out.is_dir() else False
        sweep.run(spec, out, _evaluator(args), resume=resume, chunk_size=args.chunk_size,
                  spec_text=text, progress=not args.quiet)
    table = sensitivity.analyse(spec, out, targets)
    shares = noise.streamed(out, tuple(targets or spec.sensitivity.outcomes))
    csv = out / "sensitivity.csv"
    figure = figure or out / "sensitivity.png"
    replaced = [path.name for path in (csv, out / "noise.csv", figure) if path.exists()]
    table.to_csv(csv, index=False)
    shares.to_csv(out / "noise.csv", index=False)
    plots.save(plots.sensitivity_bars(table), figure)
    print(sensitivity.format_table(table))
    print("\nvariance between points (the levers) and between replicates at a point (the "
          "world):")
    print(noise.format_table(shares))
    for line in noise.warnings(shares):
        print(line)
    print(f"wrote {csv}, {out / 'noise.csv'} and {figure}"
          + (f" (replacing the earlier {', '.join(replaced)}: copy them first to keep an "
             f"analysis of other outcomes)" if replaced else ""))
    return 0


@one_line_errors
def cmd_calibrate(args) -> int:
    from experiments import calibration

    return calibration.calibrate(args.out, args.param, draws=args.draws, rounds=args.rounds,
                                 accept=args.accept, seed=args.seed, start_date=args.start_date,
                                 synthetic=args.synthetic, resume=args.resume, export=args.export,
                                 make_evaluator=lambda: _evaluator(args))


def cmd_discover(args) -> int:
    from experiments import discover

    out = Path(args.out) if args.out else None
    if out is not None:
        discover.check_out_folder(out, Path(args.dir))
    found = discover.analyse(Path(args.dir), args.where, threshold=args.threshold,
                             peel_alpha=args.peel_alpha, paste_alpha=args.paste_alpha,
                             mass_min=args.mass_min, max_boxes=args.boxes, choose=args.box,
                             seed=args.seed, score_outcomes=args.scores == "all",
                             inputs=args.inputs, max_quasi_p=args.max_quasi_p,
                             max_restricted=args.max_restricted, stack_inputs=args.stack,
                             stack_bins=args.stack_bins)
    print(discover.report_text(found))
    if out is not None:
        for path in discover.write(found, out):
            print(f"wrote {path}")
    return 0
