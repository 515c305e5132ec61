"""The `conflictsim` command line: the one package that wires `sim`, `experiments` and
`dashboards` together (none of them imports it, and `sim` imports neither of the others).

`scenarios`, `params` and `run` live here; `dashboard` comes from `conflictsim.dashboard` and the
research commands (`sweep`, `results`, `sensitivity`, `calibrate`) from `conflictsim.research`, each
registering its own subcommands. Bad input ends with one line naming the field, the value and
what is allowed, and exit code 2; the flags' checks and the exit codes of every command are in
`conflictsim.arguments`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import re
import signal
import sys
import textwrap
from pathlib import Path

import numpy as np

from conflictsim.arguments import (EXIT_BAD_INPUT, checked, distinct_outputs, output_file,
                                   report_error, whole)
from sim import DEFAULT_MATH, MATH_MODES, calendar, uncertainty
from sim.outcomes import OUTCOMES
from sim.params import (GROUPS, PARAMS, InputError, ParamError, check_name, did_you_mean,
                        iter_specs, parse_assignment, plural)
from sim.scenarios import SCENARIOS, check_scenario

SUMMARY_COLUMNS = tuple((o.name, f"{o.label}, {o.unit}", o.fmt) for o in OUTCOMES.values()
                        if o.headline)


# what `conflictsim run` simulates when no flag says otherwise; a replay (`--from`, `--game`) or
# a settings file decides these itself, so a flag moved from its default is refused with them
RUN_DEFAULTS = {"scenario": "status_quo", "runs": 200, "days": 730, "seed": 0, "run_offset": 0,
                "start_date": None, "set": None, "uncertainty": uncertainty.DEFAULT_MODE,
                "math": DEFAULT_MATH}
RUN_CHOICES = tuple(RUN_DEFAULTS)
SETTINGS_CHOICES = ("scenario", "seed", "run_offset", "start_date", "uncertainty", "math")


class CliError(Exception):
    """Bad command-line input: a one-line message, exit code 2."""


_start_date = checked("--start-date", lambda text: calendar.parse_start(text).isoformat(),
                      f"a date (YYYY-MM-DD) from {calendar.EARLIEST_START} to "
                      f"{calendar.START_DATE}")


def parse_overrides(assignments: list[str] | None) -> dict[str, object]:
    overrides: dict[str, object] = {}
    for text in assignments or []:
        name, value = parse_assignment(text)
        spec = PARAMS.get(name)
        if spec is None:
            raise ParamError("--set", name, "a parameter name listed by `conflictsim params`"
                             + did_you_mean(name, PARAMS))
        spec.coerce(value)
        overrides[name] = value
    return overrides


def cmd_scenarios(args) -> int:
    for scenario in SCENARIOS.values():
        print(f"{scenario.name}  -  {scenario.title}")
        print(textwrap.indent(textwrap.fill(scenario.description, 88), "    "))
        if scenario.overrides:
            sets = ", ".join(f"{k}={v}" for k, v in scenario.overrides.items())
            print(textwrap.indent(textwrap.fill("sets: " + sets, 88), "    "))
        print()
    return 0


def cmd_params(args) -> int:
    """Every parameter, or only those named (under their groups, as in the full listing)."""
    wanted = {check_name(name).name for name in args.names}
    for group in GROUPS:
        specs = [spec for spec in iter_specs(group) if not wanted or spec.name in wanted]
        if not specs:
            continue
        print(f"[{group}]")
        for spec in specs:
            print(f"  {spec.name} = {spec.default_text()}   ({spec.allowed()})")
            print(textwrap.indent(textwrap.fill(spec.meaning, 84), "      "))
        print()
    return 0


def cmd_levers(args) -> int:
    from sim import levers

    for name in args.names:
        if name not in PARAMS:
            raise ParamError("parameter", name, "a name listed by `conflictsim params`"
                             + did_you_mean(name, PARAMS))
    verdicts = levers.check(args.names or list(PARAMS), runs=args.runs)
    for verdict in verdicts:
        print(verdict.line())
    failed = [v.name for v in verdicts if not v.passed]
    print(f"{len(verdicts) - len(failed)} of {len(verdicts)} move what they declare"
          + (f"; not: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def cmd_shape(args) -> int:
    from experiments import shape

    scenarios = args.scenario or list(SCENARIOS)
    for name in scenarios:
        check_scenario(name)
    table = shape.shape_table(scenarios, runs=args.runs, seed=args.seed)
    text = shape.format_markdown(table, shape.data_shape(), args.runs, args.seed)
    print(text, end="")
    if args.out:
        problems = _write(Path(args.out), lambda tmp: tmp.write_text(text, encoding="utf-8"))
        if problems:
            report_error("shape", problems[0])
            return EXIT_BAD_INPUT
    return 0


def summary_text(outcomes, scenario: str, days: int,
                 start: dt.date = calendar.START_DATE) -> str:
    width = max(42, *(len(label) + 2 for _, label, _ in SUMMARY_COLUMNS))  # columns stay aligned
    lines = [f"scenario {scenario}: {len(outcomes)} {plural(len(outcomes), 'run')} x {days} "
             f"{plural(days, 'day')} "
             f"({start} to {calendar.date_of(days, start)})",
             f"{'outcome':<{width}}{'median':>14}{'10%':>14}{'90%':>14}"]
    for column, label, fmt in SUMMARY_COLUMNS:
        values = outcomes[column].to_numpy(dtype=float)
        q10, q50, q90 = np.quantile(values, [0.1, 0.5, 0.9])
        lines.append(f"{label:<{width}}{fmt.format(q50):>14}{fmt.format(q10):>14}"
                     f"{fmt.format(q90):>14}")
    ceasefire = outcomes["ceasefire_day"]
    lines.append(f"{'runs with a ceasefire':<{width}}{ceasefire.notna().mean():>14.0%}")
    if ceasefire.notna().any():
        lines.append(f"{'median ceasefire day':<{width}}{ceasefire.median():>14.0f}")
    lines.append("outcome classes:")
    shares = outcomes["outcome"].value_counts(normalize=True, sort=False)
    for name, share in shares.items():
        lines.append(f"  {name:<{width - 2}}{share:>14.0%}")
    return "\n".join(lines)


def replay_row(sweep_dir: str, row_index: int):
    """Replay row K of a sweep alone (trajectories recorded) and say whether it matches the
    stored row bit for bit (numpy's exp/log may differ in the last bit between CPUs; the
    manifest records both)."""
    from experiments import results

    if not Path(sweep_dir).exists():  # a mistyped path: "no manifest.json" would send them looking
        raise CliError(f"--from={sweep_dir} is not allowed: no such folder; give the folder that "
                       "`conflictsim sweep --out` wrote")
    manifest = results.load_manifest(Path(sweep_dir))
    stored = None
    if 0 <= row_index < manifest["rows"]:
        try:
            stored = results.row(Path(sweep_dir), row_index)
        except InputError:
            pass
    if stored is None:  # -1 as well as one past the end: the message names the sweep's rows
        done = results.rows_done(Path(sweep_dir))
        rows = f"0 to {done - 1:,}" if done else "it holds no rows yet"
        raise CliError(f"--run={row_index} is not allowed: a row index of the sweep in "
                       f"{sweep_dir} ({rows})")
    replayed = results.replay(Path(sweep_dir), row_index, manifest, stored)
    values = results.replayed_values(replayed, stored.index)
    mismatched = [c for c, value in values.items() if not _same(value, stored[c])]
    world = sum(1 for c in values if c.startswith(("drawn_", "type_")))
    derived = sum(1 for item in manifest["spec"]["output"].get("derived") or ()
                  if item["name"] in values)
    if mismatched:
        from experiments.provenance import cpu_features

        machine = manifest.get("environment", manifest).get("numpy_cpu_features", "unknown")
        if results.math_mode(manifest) != "native":
            why = "the sweep used portable math, exact on any CPU: the model or the settings differ"
        elif machine == cpu_features():
            why = ("stored on a CPU with this one's features, so not the CPU: the model or the "
                   "settings differ")
        else:
            why = (f"stored on a CPU with features {machine}; with native math numpy's exp/log "
                   "can differ in the last bit between CPUs (math = \"portable\" in a spec "
                   "avoids it)")
        print(f"replay of row {row_index} does NOT match the stored row in: "
              f"{', '.join(mismatched)} ({why})")
    else:
        print(f"replay of row {row_index} matches the stored row bit for bit "
              f"({len(values) - world} outcome columns, the outcome class and {derived} derived "
              f"{plural(derived, 'outcome')} among them, and {world} columns of the run's drawn "
              "world)")
    return replayed


def _same(replayed, stored) -> bool:
    """Bit for bit for numbers (NaN equal to NaN), equal for names (a class, a choice)."""
    if isinstance(replayed, str) or isinstance(stored, str):
        return str(replayed) == str(stored)
    return np.array_equal(np.asarray(replayed, dtype=float), np.asarray(stored, dtype=float),
                          equal_nan=True)


def replay_game(path: str) -> int:
    """`conflictsim run --game FILE`: replay a class's game from its record, say whether it
    matches the record's fingerprint bit for bit, and summarise where the run ended."""
    from dashboards.game.engine import SEAT_TITLES, from_record, load_record, move_words

    record = load_record(path)
    game = from_record(record)
    state = game.model.state
    settings = game.settings
    print(f"game {path}: scenario {settings.scenario}, seed {settings.seed}, start "
          f"{settings.start_date}, {len(game.turns)} turn(s) of {settings.turn_days} days played")
    for k, turn in enumerate(game.turns):
        seats = [f"{SEAT_TITLES[s]}: {move_words(s, m)}" for s, m in turn.moves.items() if m]
        print(f"  turn {k + 1}: " + ("; ".join(seats) if seats else "every seat by the rule"))
    print(f"day {game.model.day}: occupied {state.occupied_km2[0]:,.0f} km², talks: "
          f"{game.public_view()['talks_phase']}")
    stored = record.get("fingerprint")
    if stored == game.fingerprint():
        print("the replay matches the record bit for bit")
        return 0
    print(f"the replay does NOT match the record (fingerprint {game.fingerprint()[:12]}, "
          f"recorded {str(stored)[:12]})")
    return 1


def cmd_run(args) -> int:
    from sim.simulate import simulate

    replay = ("--game", args.game) if args.game is not None else (
        ("--from", args.from_dir) if args.from_dir is not None else None)
    if replay is not None:
        for flag, value in _chosen_flags(args, RUN_CHOICES + ("settings",)):
            raise CliError(f"{flag}={value} is not allowed with {replay[0]} {replay[1]}: a "
                           "replay runs what was stored, as it was stored; to change it, run "
                           "that scenario or spec again with the change")
    if args.game is not None:
        return replay_game(args.game)
    if args.settings is not None:
        _apply_settings_file(args)
    check_scenario(args.scenario)
    overrides = args.file_overrides | parse_overrides(args.set)
    if (args.from_dir is None) != (args.run is None):
        raise CliError("--from DIR and --run K go together: row K of the sweep in DIR")
    out = output_file("--out", args.out)
    trajectories = output_file("--trajectories", args.trajectories)
    plot = output_file("--plot", args.plot)
    distinct_outputs({"--out": out, "--trajectories": trajectories, "--plot": plot})
    keep = trajectories is not None or plot is not None
    if args.from_dir is not None:
        result = replay_row(args.from_dir, args.run)
    else:
        result = simulate(args.scenario, runs=args.runs, days=args.days, seed=args.seed,
                          overrides=overrides, run_offset=args.run_offset, record=keep,
                          start_date=args.start_date, uncertainty=args.uncertainty,
                          math=args.math)
    print(summary_text(result.outcomes, result.scenario, result.days, result.start_date))
    print(f"parameter uncertainty: {result.uncertainty}"
          + (" (each run drew the parameters not set, from its key)"
             if result.uncertainty == "on" else " (every run at the declared defaults)"))
    print(f"math: {result.math}" + (" (every run bit for bit the same on any CPU)"
                                    if result.math == "portable" else
                                    " (numpy's; bit for bit on machines with the same CPU features)"))
    settings = run_settings(result, overrides, args.from_dir, args.run)
    failures = []
    if out is not None:
        failures += _write(out, lambda p: _write_table(result.outcomes, settings, p))
    if trajectories is not None:
        failures += _write(trajectories,
                           lambda p: _write_table(result.trajectories_long(), settings, p))
    if plot is not None:
        from sim.plots import scenario_figure
        failures += _write(plot, lambda p: scenario_figure(result).savefig(p, dpi=120))
    for message in failures:
        report_error(args.command, message)
    return EXIT_BAD_INPUT if failures else 0


def run_settings(result, overrides: dict[str, object], from_dir: str | None,
                 row: int | None) -> dict[str, object]:
    """What a run's tables were made with and their rows do not say (uncertainty and math, as
    the outcomes' `attrs` hold them, the start date, the days, the parameters set, or the sweep
    row replayed), kept in the Parquet files' `attrs` (`pd.read_parquet(path).attrs`): two files
    of a counterfactual are otherwise the same columns of the same runs."""
    settings: dict[str, object] = {**result.outcomes.attrs,
                                   "start_date": result.start_date.isoformat(),
                                   "days": result.days}
    if from_dir is not None:
        settings["replay_of"] = {"sweep": str(from_dir), "row": row}
    else:
        settings["set"] = [f"{name}={value}" for name, value in overrides.items()]
    return settings


def _write_table(frame, settings: dict[str, object], path: Path) -> None:
    """One Parquet file whose columns carry their label, unit and meaning (as a sweep's do) and
    whose `attrs` carry the run's settings."""
    from experiments.storage import frame_schema

    frame.attrs.update(settings)
    frame.to_parquet(path, index=False, schema=frame_schema(frame))


def _apply_settings_file(args) -> None:
    """`--settings FILE` (saved from the dashboard): its scenario, seed, first run, start date
    and parameters; `--set` still applies on top. Flags it would silently replace are refused."""
    from dashboards.settings import read_settings_file

    for flag, value in _chosen_flags(args, SETTINGS_CHOICES):
        raise CliError(f"{flag}={value} is not allowed with --settings {args.settings}: the file "
                       "says which scenario, seed and runs to use")
    saved = read_settings_file(args.settings)
    args.scenario, args.seed, args.run_offset = saved.scenario, saved.seed, saved.run_offset
    args.start_date, args.file_overrides = saved.start_date, saved.overrides_dict
    args.uncertainty, args.math = saved.uncertainty, saved.math


def _chosen_flags(args, dests: tuple[str, ...]) -> list[tuple[str, str]]:
    """(flag, value as typed) of the flags among `dests` given a value other than their default
    (`RUN_DEFAULTS`; None for those without one)."""
    chosen = []
    for dest in dests:
        value = getattr(args, dest)
        if value != RUN_DEFAULTS.get(dest):
            shown = ",".join(value) if isinstance(value, list) else value
            chosen.append((f"--{dest.replace('_', '-')}", shown))
    return chosen


def _write(path: Path, writer) -> list[str]:
    """Write atomically (temp file, then rename); report a failure instead of raising, so other
    outputs already computed are still written."""
    tmp = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        writer(tmp)
        os.replace(tmp, path)
        print(f"wrote {path}")
        return []
    except OSError as err:
        tmp.unlink(missing_ok=True)
        return [f"could not write {path}: {err.strerror or err}"]


class VersionAction(argparse.Action):
    """`--version`: the package version and the model's fingerprint (hashed only when asked)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0,
                         help="print the version and the model fingerprint, then exit")

    def __call__(self, parser, namespace, values, option_string=None):
        from experiments.provenance import version_text

        print(version_text())
        parser.exit()


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage block) with exit code 2."""

    def error(self, message: str):
        # "argument --runs: --runs=0 is not allowed: ..." says the flag twice: once is enough
        message = re.sub(r"^argument ([^:]+): (?=\1=)", "", message)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="conflictsim",
        description="Agent-based simulation of the war in Ukraine and the talks around it "
                    "(a teaching and research instrument, not a forecast).")
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("scenarios", help="list the scenario presets with their descriptions")
    p.set_defaults(func=cmd_scenarios)
    p = sub.add_parser("params", help="list every parameter with default, range, unit, meaning")
    p.add_argument("names", nargs="*", metavar="PARAM",
                   help="show only these parameters (default: all)")
    p.set_defaults(func=cmd_params)

    p = sub.add_parser("run", help="run one scenario as a batch of runs and summarise it",
                       epilog="Parameters for --set (see `conflictsim params`): "
                       + ", ".join(PARAMS))
    p.add_argument("--scenario", default=RUN_DEFAULTS["scenario"], help="one of: " + ", ".join(SCENARIOS))
    p.add_argument("--runs", type=whole("--runs", 1, 10_000_000), default=RUN_DEFAULTS["runs"],
                   help="number of runs (default 200)")
    p.add_argument("--days", type=whole("--days", 1, calendar.MAX_DAYS),
                   default=RUN_DEFAULTS["days"],
                   help="days to simulate from the start date (default 730)")
    p.add_argument("--seed", type=whole("--seed", 0, 2**63 - 1), default=RUN_DEFAULTS["seed"],
                   help="seed of the run keys (default 0)")
    p.add_argument("--start-date", type=_start_date, default=RUN_DEFAULTS["start_date"], metavar="YYYY-MM-DD",
                   help=f"start from the front of that date, {calendar.EARLIEST_START} to "
                        f"{calendar.START_DATE} (default {calendar.START_DATE}, day 0 of the "
                        "scenarios); a start takes that date's inputs: 2023's from "
                        "sim/data/inputs_2023.csv, 2024's the defaults")
    p.add_argument("--run-offset", type=whole("--run-offset", 0, 2**62),
                   default=RUN_DEFAULTS["run_offset"],
                   help="index of the first run; --run-offset K --runs 1 replays run K exactly")
    p.add_argument("--set", action="append", metavar="PARAM=VALUE",
                   help="override a parameter (repeatable)")
    p.add_argument("--uncertainty", choices=uncertainty.MODES,
                   default=RUN_DEFAULTS["uncertainty"],
                   help="on (default): each run draws the uncertain parameters it does not set "
                        "from their declared distributions; off: all at their defaults")
    p.add_argument("--math", choices=MATH_MODES, default=RUN_DEFAULTS["math"],
                   help="native (default): numpy's exp, log, power (a run replays bit for bit on "
                        "machines with the same CPU features); portable: the model's own, from "
                        "IEEE-754 basic operations (bit for bit on every CPU, slower)")
    p.add_argument("--out", metavar="outcomes.parquet", help="write one row per run")
    p.add_argument("--trajectories", metavar="traj.parquet",
                   help="write daily trajectories in long form")
    p.add_argument("--plot", metavar="fig.png", help="write front-line and pressure fans")
    p.add_argument("--settings", metavar="FILE", default=None,
                   help="run the settings saved from the dashboard (TOML or JSON: scenario, "
                        "seed, run, start_date, [parameters]); --set applies on top")
    p.set_defaults(file_overrides={})
    p.add_argument("--game", metavar="FILE", default=None,
                   help="replay a class's game from its record (saved by the game's teacher "
                        "page) and check it bit for bit")
    p.add_argument("--from", dest="from_dir", metavar="DIR",
                   help="replay a row of the sweep in DIR (with --run K), alone, bit for bit")
    # any whole number here: the sweep's own range is known only once its folder is read
    p.add_argument("--run", type=checked("--run", int, "a row index of the sweep in --from DIR"),
                   metavar="K", help="row index of the sweep to replay (with --from DIR)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("levers", help="check that each parameter moves what it declares, the "
                                      "way it declares (common random numbers)")
    p.add_argument("names", nargs="*", metavar="PARAM",
                   help="parameters to check (default: all)")
    p.add_argument("--runs", type=whole("--runs", 10, 100_000), default=120,
                   help="runs per level (default 120)")
    p.set_defaults(func=cmd_levers)

    p = sub.add_parser("shape", help="the front over two years: year-two over year-one gains in "
                                     "runs without a ceasefire, the force ratio's path, and "
                                     "2022-2024's year-on-year changes (markdown)")
    p.add_argument("--scenario", action="append", metavar="NAME",
                   help="a preset (repeatable; default: all): " + ", ".join(SCENARIOS))
    p.add_argument("--runs", type=whole("--runs", 10, 100_000), default=400,
                   help="runs per preset (default 400)")
    p.add_argument("--seed", type=whole("--seed", 0, 2**63 - 1), default=1,
                   help="seed of the run keys (default 1)")
    p.add_argument("--out", metavar="FILE.md", help="also write the tables to this file")
    p.set_defaults(func=cmd_shape)

    for module in ("conflictsim.dashboard", "conflictsim.research"):
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (InputError, CliError) as err:
        # named as argparse names its own errors of the command: one style for a command's lines
        report_error(args.command, str(err))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as err:
        # a sweep says what it kept and how to go on; the status is 128 + the signal's number
        detail = str(err) if getattr(err, "signum", None) is not None else ""
        print("conflictsim: interrupted" + (f": {detail}" if detail else ""), file=sys.stderr)
        return 128 + getattr(err, "signum", signal.SIGINT)
    except BrokenPipeError:
        # output piped into e.g. `head`: stop quietly, as command-line tools do
        sys.stdout = open(os.devnull, "w")
        return 0


if __name__ == "__main__":
    sys.exit(main())
