"""Read a sweep directory back: summary, per-row replay, standard plots.

The summary streams over chunk files, reading only the columns it needs, so it works on sweeps
larger than memory.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.outcomes import OUTCOMES
from sim.params import plural

from . import storage
from .spec import SAMPLER_KEYS, decode, from_dict

SUMMARY_OUTCOMES = ("occupied_km2_final", "russia_economic_pressure_final", "ukraine_support_final")
# Outcomes the per-point table shows (the first kept of them), and the most points it lists: a
# grid's answer is read across its points, not pooled over them.
POINT_OUTCOMES = ("area_change_km2", "occupied_km2_final", "ceasefire_day",
                  "russia_economic_pressure_final", "ukraine_support_final")
MAX_POINTS_SHOWN = 40


def load_manifest(out: Path) -> dict:
    manifest = storage.read_manifest(Path(out))
    if manifest is None:
        raise storage.OutputDirError(f"{out}: no {storage.MANIFEST}; not a sweep directory")
    return manifest


def spec_of(out: Path, manifest: dict | None = None):
    """The spec a directory was made from (as stored in its manifest). A caller that has
    already read the manifest passes it in."""
    manifest = load_manifest(out) if manifest is None else manifest
    return from_dict(_spec_table(manifest["spec"]), source=str(Path(out) / storage.MANIFEST))


def _spec_table(stored: dict) -> dict:
    """Rebuild the TOML-shaped table from the manifest's JSON copy of a `Spec`."""
    parameters = {}
    for factor in stored["factors"]:
        if factor["low"] is not None:
            entry = {"range": [factor["low"], factor["high"]]}
            if factor["steps"] is not None:
                entry["steps"] = factor["steps"]
            if factor.get("distribution", "uniform") != "uniform":
                entry["distribution"] = factor["distribution"]
                entry.update({k: factor[k] for k in ("mean", "sd") if factor.get(k) is not None})
        else:
            entry = {"levels": [decode(factor["name"], v) for v in factor["levels"]]}
        parameters[factor["name"]] = entry
    # only the method's own keys: a method refuses the others (manifests from before the check
    # may hold their defaults, or values the method never read)
    settings = {"samples": stored["samples"], "levels": stored["morris_levels"],
                "second_order": stored["second_order"], "dummy": stored.get("dummy", False)}
    sampler = {"method": stored["method"],
               **{key: settings[key] for key in SAMPLER_KEYS[stored["method"]]}}
    table = {
        "name": stored["name"], "description": stored["description"],
        "scenarios": stored["scenarios"], "days": stored["days"], "seed": stored["seed"],
        "replicates": stored["replicates"], "chunk_size": stored["chunk_size"],
        "sampler": sampler, "parameters": parameters,
        "fixed": {name: decode(name, v) for name, v in stored["fixed"]},
        "output": {"record_drawn": False, **stored["output"]},
        "sensitivity": stored["sensitivity"],
    }
    if stored.get("start_dates"):
        table["start_dates"] = stored["start_dates"]
    elif stored.get("start_date") is not None:  # manifests from before start_dates
        table["start_date"] = stored["start_date"]
    if stored.get("uncertainty") is not None:
        table["uncertainty"] = stored["uncertainty"]
    if stored.get("math") is not None:
        table["math"] = stored["math"]
    return table


def rows_done(out: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    total = 0
    for path in storage.table_files(out):
        try:
            total += pq.ParquetFile(path).metadata.num_rows
        except (OSError, pa.ArrowException) as err:
            raise storage.DamagedDataError(
                f"{path}: damaged chunk file ({str(err).strip().splitlines()[0]}); `conflictsim "
                f"sweep SPEC --out {out} --resume` computes it again") from None
    return total


def status(out: Path, manifest: dict) -> str:
    """The manifest's status, except that a "running" sweep whose process is gone (killed
    with -9, a crashed machine) is reported as interrupted."""
    from . import lock

    stated = manifest.get("status", "unknown")
    if stated == "running":
        owner = lock.read_owner(out)
        if not owner or lock.is_alive(owner) is False:
            return "interrupted (its process is gone; `conflictsim sweep SPEC --out DIR --resume` continues)"
        return f"running (pid {owner.get('pid')} on {owner.get('host')})"
    if stated in ("failed", "interrupted") and manifest.get("error"):
        return f"{stated}: {manifest['error']}"
    return stated


def exactness_lines(manifest: dict) -> list[str]:
    """What a row's replay holds on (the manifest's promise), and a warning when native math ran
    on workers whose numpy took different SIMD paths (their rows are exact only on their own
    kind of CPU)."""
    lines = [f"  exact replay: {manifest['bit_exact']}"] if "bit_exact" in manifest else []
    setups = {tuple(worker.get("numpy_cpu_features", []))
              for worker in manifest.get("workers", {}).values()}
    if math_mode(manifest) == "native" and len(setups) > 1:
        lines.append(f"  warning: its rows were computed on {len(setups)} kinds of CPU with native "
                     "math, so a row may not replay bit for bit on another kind; "
                     "math = \"portable\" in the spec makes every row exact on any CPU")
    return lines


def summary_text(out: Path, outcome: str | None = None) -> str:
    out = Path(out)
    manifest = load_manifest(out)
    storage.check_sizes(out)
    done = rows_done(out)
    model = manifest.get("model", {}).get("fingerprint", "not recorded")
    points, replicates = manifest["sampler"]["points"], manifest["replicates"]
    days = manifest["spec"]["days"]
    lines = [f"{out}: sweep '{manifest['name']}' (spec fingerprint {manifest['fingerprint']}, "
             f"model {model}), {status(out, manifest)}",
             f"  runs: {done:,} of {manifest['rows']:,}; scenarios: "
             f"{', '.join(manifest['scenarios'])}; sampler: {manifest['sampler']['method']} "
             f"({points:,} {plural(points, 'point')} x {replicates} "
             f"{plural(replicates, 'replicate')}); {days} {plural(days, 'day')} from "
             f"{' and from '.join(start_dates(manifest))}; seed {manifest['seed']}"]
    for worker in manifest.get("workers", {}).values():
        rows = worker.get("rows", 0)
        lines.append(f"  worker {worker.get('host')}: {rows:,} {plural(rows, 'run')}, python "
                     f"{worker.get('python')}, numpy {worker.get('numpy')}, conflictsim "
                     f"{worker.get('conflictsim')}, {len(worker.get('numpy_cpu_features', []))} "
                     f"CPU features")
    lines += exactness_lines(manifest)
    for session in manifest.get("sessions", []):
        if "seconds" in session:
            computed = session["rows_computed"]
            lines.append(f"  session {session['started']}: {computed:,} {plural(computed, 'run')} in "
                         f"{session['seconds']:.1f} s on {session['executor']} "
                         f"({session['workers']} {plural(session['workers'], 'worker')}), "
                         f"{session['run_days_per_second'] or 0:,.0f} run-days/s")
    if done:
        lines += ["", formatted(outcome_summary(out)).to_string()]
        by_point = point_summary(out, outcome)
        if by_point is not None:
            lines += ["", by_point]
        shares = class_shares(out)
        if shares is not None:
            lines += ["", "outcome classes (share of runs):",
                      shares.map(lambda v: f"{v:.1%}").to_string()]
    lines += ["", f"replay one row: {manifest['replay']}"]
    note = storage.legacy_layout_note(out)
    if note:
        lines.append(note)
    return "\n".join(lines)


def blocks(manifest: dict) -> list[str]:
    """What a sweep's rows are grouped by for a summary: the scenario, and the start date
    before it when the sweep has several."""
    return ["start_date", "scenario"] if len(start_dates(manifest)) > 1 else ["scenario"]


def scenario_labels(frame: pd.DataFrame, manifest: dict) -> pd.Series:
    """Each row's scenario, named with its start date when the sweep has several
    ("status_quo from 2023-07-01"): what a plot or a per-scenario table is drawn per."""
    if len(start_dates(manifest)) == 1:
        return frame["scenario"]
    return frame["scenario"].astype(str) + " from " + frame["start_date"].astype(str)


def outcome_summary(out: Path) -> pd.DataFrame:
    """Median and 5-95% range of key outcomes per scenario (per start date and scenario when
    the sweep has several start dates)."""
    manifest = load_manifest(out)
    kept = manifest["spec"]["output"]["outcomes"]
    names = [n for n in SUMMARY_OUTCOMES if n in kept]
    groups = blocks(manifest)
    frame = storage.read_table(out, columns=[*groups, *names])
    stats = frame.groupby(groups, sort=False)[names].quantile([0.05, 0.5, 0.95]).unstack()
    stats.columns = [f"{name} q{q * 100:g}" for name, q in stats.columns]
    return stats.T


def formatted(stats: pd.DataFrame) -> pd.DataFrame:
    """`outcome_summary`'s numbers as the outcome table formats each outcome ("118,954 km2"
    rather than 118954.098145), rows named "<outcome> q<percent>"."""
    return stats.apply(lambda row: row.map(outcome_text(str(row.name).rsplit(" q", 1)[0])),
                       axis=1)


def outcome_text(outcome: str):
    """A value of `outcome` as the outcome table formats it; "-" for none (NaN)."""
    fmt = OUTCOMES[outcome].fmt if outcome in OUTCOMES else "{:.4g}"
    return lambda value: fmt.format(value) if pd.notna(value) else "-"


def point_summary(out: Path, outcome: str | None = None) -> str | None:
    """Per point of a sweep with varied parameters: the median and 5-95 % range of `outcome`
    (default: the first kept of `POINT_OUTCOMES`) over the point's replicates, per scenario, or
    for `reached:<column>` and `share:<outcome class>` the share of the point's runs; for at most
    `MAX_POINTS_SHOWN` points (more are read from the table or the plots). None when nothing
    varies or no such outcome is kept."""
    from .sensitivity import target_column, target_values

    manifest = load_manifest(out)
    varied = [f["name"] for f in manifest["spec"]["factors"]]
    kept = manifest["spec"]["output"]["outcomes"]
    outcome = outcome or next((n for n in POINT_OUTCOMES if n in kept), None)
    if not varied or outcome is None:
        return None
    points = manifest["sampler"]["points"]
    if points > MAX_POINTS_SHOWN:
        return (f"{points:,} points: per point, read the table (pandas.read_parquet('{out}/"
                f"outcomes'), grouped by {', '.join(varied)}) or draw --plots")
    column = target_column(outcome)
    groups = [*blocks(manifest), *varied]
    frame = storage.read_table(out, columns=list(dict.fromkeys([*groups, column])))
    if outcome.startswith(("reached:", "share:")):
        hit = target_values(frame, outcome)
        stats = hit.groupby([frame[g] for g in groups], sort=True).agg(share="mean", runs="count")
        stats["share"] = stats["share"].map(lambda v: f"{v:.1%}")
        return f"{outcome} by point (share of the replicates):\n{stats.to_string()}"
    stats = frame.groupby(groups, sort=True)[outcome].agg(
        median="median", q5=lambda v: v.quantile(0.05), q95=lambda v: v.quantile(0.95),
        runs="count")
    for name in ("median", "q5", "q95"):
        stats[name] = stats[name].map(outcome_text(outcome))
    return f"{outcome} by point (median and 5-95 % of the replicates):\n{stats.to_string()}"


def class_shares(out: Path) -> pd.DataFrame | None:
    """Share of runs in each outcome class, per scenario (and start date, when the sweep has
    several), streamed over chunks."""
    manifest = load_manifest(out)
    groups = blocks(manifest)
    counts = None
    for frame in storage.iter_chunks(out, columns=[*groups, "outcome"]) \
            if "outcome" in manifest["spec"]["output"]["outcomes"] else ():
        chunk = pd.crosstab([frame[g] for g in groups], frame["outcome"].astype(str))
        counts = chunk if counts is None else counts.add(chunk, fill_value=0)
    if counts is None:
        return None
    counts = counts.fillna(0.0)  # a class no chunk of a scenario saw: no runs, not unknown
    shares = counts.div(counts.sum(axis=1), axis=0)
    return shares.reindex(columns=list(sim.OUTCOME_CLASSES), fill_value=0.0).round(3)


def row(out: Path, row_index: int) -> pd.Series:
    import pyarrow.dataset as ds

    try:
        table = ds.dataset(Path(out) / "outcomes", format="parquet").to_table(
            filter=ds.field("row") == row_index)
    except (OSError, ValueError) as err:  # pyarrow's errors derive from these
        raise storage.DamagedDataError(f"{out}: cannot read its outcomes "
                                       f"({str(err).strip().splitlines()[0]}); `conflictsim "
                                       f"sweep SPEC --out {out} --resume` repairs it") from None
    if table.num_rows != 1:
        raise storage.OutputDirError(f"--replay {row_index}: no such row in {out}")
    return table.to_pandas().iloc[0]


def row_parameters(manifest: dict) -> list[str]:
    """The parameters a row carries: the varied ones, then the fixed ones."""
    return [f["name"] for f in manifest["spec"]["factors"]] + \
           [name for name, _ in manifest["spec"]["fixed"]]


def replay_command(out: Path, row_index: int) -> str:
    """The `conflictsim run` command that replays one row alone, bit for bit."""
    manifest = load_manifest(out)
    values = row(out, row_index)
    words = ["conflictsim", "run", "--scenario", str(values["scenario"]), "--seed",
             str(int(values["seed"])), "--days", str(manifest["spec"]["days"]), "--run-offset",
             str(int(values["replicate"])), "--runs", "1"]
    start = row_start_date(manifest, values)
    if start:
        words += ["--start-date", start]
    words += ["--uncertainty", uncertainty(manifest)]
    if math_mode(manifest) != "native":
        words += ["--math", math_mode(manifest)]
    for name in row_parameters(manifest):
        words += ["--set", f"{name}={_text(values[name])}"]
    return shlex.join(words)


def replay(out: Path, row_index: int, manifest: dict | None = None,
           values: pd.Series | None = None) -> sim.SimResult:
    """Run one row of a sweep alone (what `replay_command` prints, as a Python call), every
    trajectory recorded. Its outcomes carry the spec's derived outcomes too, computed by the
    sweep's own `derived.add_columns`, so the replay has every outcome column the stored row
    has. A caller that has already read the manifest or the stored row passes them in."""
    from .derived import add_columns

    manifest = load_manifest(out) if manifest is None else manifest
    values = row(out, row_index) if values is None else values
    parameters = row_parameters(manifest)
    start = row_start_date(manifest, values)
    result = sim.simulate(scenario=str(values["scenario"]), runs=1, days=manifest["spec"]["days"],
                          seed=int(values["seed"]), run_offset=int(values["replicate"]),
                          overrides={name: _python(values[name]) for name in parameters},
                          record=True, start_date=start,
                          uncertainty=uncertainty(manifest), math=math_mode(manifest))
    derived = derived_outcomes(out, manifest)
    if derived:
        result.outcomes = add_columns(result.outcomes, result.trajectories, derived, start)
    return result


def derived_outcomes(out: Path, manifest: dict) -> tuple:
    """The user-defined outcomes of the sweep's spec (none in manifests from before them)."""
    if not manifest["spec"]["output"].get("derived"):
        return ()
    return spec_of(out, manifest).output.derived


def replayed_values(result: sim.SimResult, columns) -> dict:
    """The replayed run's values of a stored row's columns: its outcomes (derived ones included,
    as `replay` adds them) and outcome class, and its drawn world (`drawn_<parameter>`,
    `type_<name>`), as the sweep wrote them."""
    from .chunks import DRAWN_PREFIX, TYPE_PREFIX, parameter_column

    values = {}
    for column in columns:
        if column in result.outcomes.columns and column not in ("run", "seed", "scenario"):
            values[column] = result.outcomes[column].iloc[0]
        elif column.startswith(DRAWN_PREFIX):
            name = column.removeprefix(DRAWN_PREFIX)
            drawn = result.drawn.get(name)
            drawn = result.params.per_run(name) if drawn is None else drawn
            values[column] = parameter_column(name, np.asarray(drawn, dtype=float).ravel())[0]
        elif column.startswith(TYPE_PREFIX):
            private = result.private_types[column.removeprefix(TYPE_PREFIX) + "_private"]
            values[column] = float(np.asarray(private, dtype=np.float64).ravel()[0])
    return values


def uncertainty(manifest: dict) -> str:
    """Whether the sweep's runs drew their uncertain parameters ("on", the default)."""
    return manifest["spec"].get("uncertainty", "on")


def math_mode(manifest: dict) -> str:
    """How the sweep's runs computed exp, log and the like ("native" before the key existed)."""
    return manifest["spec"].get("math", "native")


def stated_start_dates(manifest: dict) -> list[str]:
    """The start dates the sweep's spec gives (none: the model's day 0; manifests from before
    start_dates hold at most one, as start_date)."""
    stored = manifest["spec"]
    if "start_dates" in stored:
        return list(stored["start_dates"])
    return [stored["start_date"]] if stored.get("start_date") else []


def start_dates(manifest: dict) -> list[str]:
    """The start dates the sweep's rows run from, in row order (2024-12-01 when none is given)."""
    return stated_start_dates(manifest) or [sim.calendar.START_DATE.isoformat()]


def row_start_date(manifest: dict, values: pd.Series) -> str | None:
    """The start date a stored row ran from, as its sweep states it: its start_date column (a
    format 2 or 3 row has none: the sweep's one start date); None for a sweep that states no
    start date (the model's day 0)."""
    stated = stated_start_dates(manifest)
    if not stated:
        return None
    return str(values["start_date"]) if "start_date" in values.index else stated[0]


def _text(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def _python(value):
    return value.item() if isinstance(value, np.generic) else value


def write_plots(out: Path, folder: Path, x: str | None = None, y: str | None = None,
                outcome: str | None = None) -> list[Path]:
    from . import plots

    return plots.standard_plots(Path(out), Path(folder), x, y, outcome)
