"""The research commands: `sweep`, `results`, `sensitivity`, `calibrate`, `validate`.

`register(subparsers)` adds them to the `conflictsim` parser; each handler is `args.func(args) ->
int`. Bad input raises `SpecError`/`InputError` (the CLI prints one line and exits 2).
"""

from __future__ import annotations

import argparse
from pathlib import Path



EXIT_BAD_INPUT = 2


def register(subparsers) -> None:
    _add_sweep(subparsers)
    _add_results(subparsers)
    _add_sensitivity(subparsers)
    _add_calibrate(subparsers)
    _add_validate(subparsers)


def _positive(flag: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(f"{flag} {text}: a whole number >= 1")
        return value
    return parse


def _add_executor_options(p) -> None:
    p.add_argument("--executor", choices=("serial", "processes", "dask"), default=None,
                   help="where chunks run (default: processes; dask when --scheduler is given)")
    p.add_argument("--workers", type=_positive("--workers"), default=None,
                   help="local worker processes (default: all cores)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="an existing Dask scheduler (local, dask-jobqueue, Kubernetes)")
    p.add_argument("--connect-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="how long to try reaching --scheduler (default 10)")


def _add_chunk_options(p) -> None:
    """Options of the commands that run a spec in chunks (sweep, sensitivity)."""
    p.add_argument("--chunk-size", type=_positive("--chunk-size"), default=None,
                   help="runs per task (default: the spec's chunk_size)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_sweep(subparsers) -> None:
    p = subparsers.add_parser("sweep", help="run an experiment spec (TOML) into a Parquet dataset")
    p.add_argument("spec", metavar="SPEC.toml", help="experiment spec, e.g. experiments/specs/smoke.toml")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--resume", action="store_true",
                   help="complete a sweep already started in --out (computes only missing chunks)")
    _add_executor_options(p)
    _add_chunk_options(p)
    p.set_defaults(func=cmd_sweep)


def _add_results(subparsers) -> None:
    p = subparsers.add_parser("results", help="summarise a sweep directory")
    p.add_argument("dir", metavar="DIR", help="a directory written by `sweep`")
    p.add_argument("--plots", metavar="FOLDER", help="also write the standard plots (PNG) there")
    p.add_argument("--replay", type=int, metavar="ROW",
                   help="print the `conflictsim run` command that replays row ROW alone")
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
    from .calibration import DEFAULT_PARAMETERS

    p = subparsers.add_parser("calibrate",
                              help="ABC calibration against the 2024 front-line series")
    p.add_argument("--out", required=True, metavar="DIR", help="where to write the posterior")
    p.add_argument("--param", action="append", metavar="NAME[=LOW:HIGH]",
                   help="parameter to calibrate, optional prior range (repeatable; default: "
                        f"{', '.join(DEFAULT_PARAMETERS)})")
    p.add_argument("--draws", type=_positive("--draws"), default=20000,
                   help="prior draws per round (default 20000)")
    p.add_argument("--rounds", type=_positive("--rounds"), default=2,
                   help="ABC rounds; round 2+ sample near the last posterior (default 2)")
    p.add_argument("--accept", type=float, default=0.02,
                   help="share of draws accepted per round (default 0.02)")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    p.add_argument("--synthetic", action="append", metavar="NAME=VALUE",
                   help="fit synthetic data made by the model at these values instead of the "
                        "shipped series (checks that calibration recovers known parameters)")
    p.add_argument("--start-date", default=None,
                   help="model start date for the fit (default 2024-01-01 when the model supports it)")
    p.add_argument("--resume", action="store_true",
                   help="continue the calibration in --out from its last completed round (the "
                        "same options; --rounds may be larger, to add rounds)")
    p.add_argument("--export", metavar="FILE.csv",
                   help="also write the last population as the CSV the package ships "
                        "(sim/data/posterior_front.csv: the default parameter uncertainty)")
    _add_executor_options(p)
    p.set_defaults(func=cmd_calibrate)


def _add_validate(subparsers) -> None:
    from .validate import DEFAULT_STARTS, FIT_MODES

    p = subparsers.add_parser(
        "validate", help="backtest the front: forecasts from past dates against the data")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="where to write backtest.csv, backtest.json and backtest.png")
    p.add_argument("--start", action="append", metavar="YYYY-MM-01",
                   help="start date (repeatable; default: the first of each month "
                        f"{DEFAULT_STARTS[0]} to {DEFAULT_STARTS[-1]})")
    p.add_argument("--runs", type=_positive("--runs"), default=400,
                   help="runs per start (default 400)")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    p.add_argument("--fit", choices=FIT_MODES, default="refit",
                   help="refit (default): refit the front on the 2024 months before each start "
                        "(ABC); posterior: the shipped posterior for every start (in sample)")
    p.set_defaults(func=cmd_validate)


def cmd_validate(args) -> int:
    from . import validate

    return validate.command(args)


def _evaluator(args):
    from . import evaluators

    executor = args.executor or ("dask" if args.scheduler else "processes")
    return evaluators.make(executor, args.workers, args.scheduler, args.connect_timeout)


def cmd_sweep(args) -> int:
    from . import spec as spec_module
    from . import sweep

    spec = spec_module.load(args.spec)
    report = sweep.run(spec, args.out, _evaluator(args), resume=args.resume,
                       chunk_size=args.chunk_size, spec_text=Path(args.spec).read_text(),
                       progress=not args.quiet)
    print(f"{report.out}: {report.rows:,} runs ({report.rows_already_done:,} already done, "
          f"{report.rows_computed:,} computed in {report.seconds:.1f} s, "
          f"{report.run_days_per_second:,.0f} run-days/s)")
    print(f"read with: pandas.read_parquet('{report.out / 'outcomes'}')")
    return 0


def cmd_results(args) -> int:
    from . import results

    out = Path(args.dir)
    if args.replay is not None:
        print(results.replay_command(out, args.replay))
        return 0
    print(results.summary_text(out))
    if args.plots:
        for path in results.write_plots(out, Path(args.plots)):
            print(f"wrote {path}")
    return 0


def cmd_sensitivity(args) -> int:
    from . import sensitivity

    return sensitivity.command(args, _evaluator)


def cmd_calibrate(args) -> int:
    from . import calibration

    return calibration.command(args, _evaluator)
