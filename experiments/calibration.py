"""Approximate Bayesian computation of chosen parameters against the 2024 front line.

DESIGN.md's calibration window: the model starts on 2024-01-01 from the state of 2023-12-31 with
2024's known inputs (the US aid gap until April) and is fitted to the monthly net Russian gains of
January-November 2024 and to two casualty figures of the facts table: Russian casualties per day
in September-November 2024 and per km2 gained over the year. An earlier start (from 2023-01-01,
with 2023's inputs) fits every month from it to November 2024: 2023's stalemate and 2024's
acceleration together (`fit_months_for`). Out-of-sample checks are the
backtests of `sim.validate` (`conflictsim validate`). Draws of the parameters not being fitted
come from their declared priors (`sim.uncertainty`), so the posterior carries that uncertainty.
The sampler is ABC population Monte Carlo (Beaumont et al. 2009): round 1 is plain rejection
from uniform priors; each later round draws near the previous
round's accepted points (a Gaussian kernel with twice their weighted covariance, importance
weights against the prior) and again keeps the closest share. Each round is a few big batched model
calls, run on any evaluator. Parameters whose posterior stays nearly as wide as the prior are
reported as not pinned down by the data rather than given a spurious value.

After each round the accepted populations and the sampler's random state are written atomically
to `checkpoint.npz` in the output directory, so `--resume` continues a killed calibration from its
last completed round (or adds rounds to a finished one) and ends exactly where an uninterrupted
run would.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

import sim
from sim.style import OKABE_ITO
from sim.params import InputError

from . import provenance


DATA = Path(sim.__file__).parent / "data" / "territory_monthly_2022_2024.csv"
CALIBRATION_START = "2024-01-01"
FIT_MONTHS = ("2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30",
              "2024-07-31", "2024-08-31", "2024-09-30", "2024-10-31", "2024-11-30")
HELD_OUT_MONTHS: tuple[str, ...] = ()
LAST_DATA_MONTH = FIT_MONTHS[-1]
DEFAULT_PARAMETERS = ("advance_speed_scale", "russia_casualties_per_day_2024",
                      "ukraine_recruits_per_day", "culmination_exhaustion",
                      "culmination_adaptation", "attrition_strain_weight",
                      "culmination_sustainable_pace")
# Casualty targets (facts table): 'Russian average daily casualties Sep / Oct / Nov 2024'
# (1271 / 1354 / 1523, mean over the three months) and 'Russian casualties per km2 gained' 2024
# (about 102, ISW). Compared on a log scale, so a factor e off counts as one mean monthly gain.
CASUALTIES_PER_DAY = "russia_casualties_per_day_2024-09..11"
CASUALTIES_PER_KM2 = "russia_casualties_per_km2_2024"
CASUALTY_TARGETS = {CASUALTIES_PER_DAY: (1271 * 30 + 1354 * 31 + 1523 * 30) / 91,
                    CASUALTIES_PER_KM2: 102.0}
CASUALTY_WINDOW = ("2024-09-01", "2024-11-30")
CASUALTY_PREFIX = "russia_casualties_"  # a target named so is a casualty figure, not a month
_PER_DAY_NAME = re.compile(r"russia_casualties_per_day_(\d{4}-\d\d-\d\d)\.\.(\d{4}-\d\d-\d\d)")
SYNTHETIC_RUNS = 200
SYNTHETIC_RUN_INDEX = 2**40  # a run no ABC draw uses
NOT_PINNED_WIDTH_RATIO = 0.5
HISTOGRAMS_PER_ROW = 4  # the calibration figure's parameter panels
CHUNK_RUNS = 2000
CHECKPOINT = "checkpoint.npz"
MAX_ACCEPT = 0.5  # a larger share accepted per round is barely a fit
POSTERIOR = "posterior/posterior.parquet"  # its own table root, as a sweep's tables have
LEGACY_POSTERIOR = "posterior.parquet"  # where runs before that wrote it


@dataclass(frozen=True)
class FitRange:
    """Uniform prior over [low, high] (inside the parameter's declared bounds)."""

    name: str
    low: float
    high: float


@dataclass(frozen=True)
class GainTask:
    """A batch of parameter draws whose monthly gains the model computes in one call."""

    names: tuple[str, ...]
    values: np.ndarray  # (n, len(names))
    run_indices: np.ndarray
    seed: int
    start_date: str
    month_ends: tuple[str, ...]
    # casualty targets computed after the months, in this order (`casualty_window` reads each)
    casualty_targets: tuple[str, ...] = ()


def observed_gains(path: Path = DATA, month_ends: tuple[str, ...] = FIT_MONTHS + HELD_OUT_MONTHS,
                   ) -> pd.Series:
    """Monthly net change of Russian-held area (km2, DeepStateMap) for each month end."""
    table = pd.read_csv(path, usecols=["date", "km2_russian_controlled"]).set_index("date")
    area = table["km2_russian_controlled"]
    previous = [_previous_month_end(m) for m in month_ends]
    return pd.Series(area.loc[list(month_ends)].to_numpy() - area.loc[previous].to_numpy(),
                     index=list(month_ends), name="gain_km2")


def fit_months_for(start_date: str) -> tuple[str, ...]:
    """The month ends a calibration starting on `start_date` fits: every month from the
    start's to the data's last (November 2024); a start on the first of January 2024 gives
    `FIT_MONTHS`. A start after the first of a month fits from the next month on."""
    start = dt.date.fromisoformat(start_date)
    month = start if start.day == 1 else add_months(start, 1)
    ends = []
    while month <= dt.date.fromisoformat(LAST_DATA_MONTH):
        ends.append(month_end(month).isoformat())
        month = add_months(month, 1)
    if not ends:
        raise InputError(f"--start-date={start_date!r} is not allowed: no month of data after it to fit "
                         f"(the data end on {LAST_DATA_MONTH})")
    return tuple(ends)


def month_end(date: dt.date) -> dt.date:
    nxt = (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def add_months(date: dt.date, months: int) -> dt.date:
    """The first of the month `months` after `date`'s."""
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def observed_targets(fit_months: tuple[str, ...] = FIT_MONTHS) -> pd.Series:
    """The fitted targets: the monthly gains of `fit_months` (January-November 2024 by
    default), then the casualty figures."""
    return pd.concat([observed_gains(month_ends=fit_months + HELD_OUT_MONTHS),
                      pd.Series(CASUALTY_TARGETS)])


def month_index(targets: pd.Series) -> np.ndarray:
    """Which entries of a target series are monthly gains (the rest are casualty figures)."""
    return ~np.asarray([str(name).startswith(CASUALTY_PREFIX) for name in targets.index],
                       dtype=bool)


def per_day_target(first: str, last: str) -> str:
    """The name of a target of Russia's mean casualties a day from `first` to `last` (ISO
    dates, both counted): the window is read back from the name (`casualty_window`)."""
    return f"{CASUALTY_PREFIX}per_day_{first}..{last}"


def casualty_window(name: str) -> tuple[str, str] | None:
    """The dates a per-day casualty target averages over; None for the casualties per km2."""
    if name == CASUALTIES_PER_DAY:
        return CASUALTY_WINDOW
    if name == CASUALTIES_PER_KM2:
        return None
    match = _PER_DAY_NAME.fullmatch(name)
    if match is None:
        raise ValueError(f"{name!r} is not a casualty target this calibration computes")
    return match.group(1), match.group(2)


def _previous_month_end(month_end: str) -> str:
    first = dt.date.fromisoformat(month_end).replace(day=1)
    return (first - dt.timedelta(days=1)).isoformat()


def month_end_days(start_date: str, month_ends: tuple[str, ...]) -> np.ndarray:
    """Trajectory index of each month end (index d is the state after d days from the start)."""
    start = dt.date.fromisoformat(start_date)
    days = [(dt.date.fromisoformat(m) - start).days + 1 for m in month_ends]
    if min(days) < 0:
        raise InputError(f"--start-date={start_date!r} is not allowed: it must be no later than "
                         "the first month")
    return np.asarray(days)


def simulate_gains(task: GainTask) -> np.ndarray:
    """Monthly gains (n, months) of each draw, then the casualty targets if asked: one batched
    model call. The parameters not being fitted are drawn from their priors."""
    marks = month_end_days(task.start_date,
                           (_previous_month_end(task.month_ends[0]), *task.month_ends))
    overrides = {name: task.values[:, j] for j, name in enumerate(task.names)}
    result = sim.simulate(runs=len(task.values), days=int(marks.max()), seed=task.seed,
                          overrides=overrides, run_indices=task.run_indices,
                          start_date=task.start_date)
    area = result.trajectories["occupied_km2"]
    gains = np.diff(area[:, marks], axis=1)
    if not task.casualty_targets:
        return gains
    casualties = result.trajectories["russia_casualties"]
    columns = [gains]
    for name in task.casualty_targets:
        window = casualty_window(name)
        if window is None:  # casualties per km2 gained over the whole run
            end = int(marks.max())
            columns.append(casualties[:, end] / np.maximum(area[:, end] - area[:, 0], 1.0))
            continue
        first, last = month_end_days(task.start_date, window)
        columns.append((casualties[:, last] - casualties[:, first - 1]) / (last - first + 1))
    return np.column_stack(columns)


def parse_priors(entries: list[str] | None) -> tuple[FitRange, ...]:
    """`NAME` or `NAME=LOW:HIGH`; the range must lie within the declared bounds."""
    priors = []
    for entry in entries or DEFAULT_PARAMETERS:
        name, _, bounds = entry.partition("=")
        spec = sim.params.check_name(name.strip())
        if spec.kind != "float":
            raise InputError(f"--param={entry!r} is not allowed: ABC needs a continuous parameter "
                             f"({name} is {spec.kind})")
        low, high = spec.low, spec.high
        if bounds:
            try:
                low, high = (float(v) for v in bounds.split(":"))
            except ValueError:
                raise InputError(f"--param={entry!r} is not allowed: NAME=LOW:HIGH expected") from None
            for value in (low, high):
                spec.coerce(value)
            if not low < high:
                raise InputError(f"--param={entry!r} is not allowed: LOW must be below HIGH")
        priors.append(FitRange(spec.name, float(low), float(high)))
    return tuple(priors)


def parse_assignments(entries: list[str]) -> dict[str, float]:
    values = {}
    for entry in entries:
        name, sep, text = entry.partition("=")
        if not sep:
            raise InputError(f"--synthetic={entry!r} is not allowed: NAME=VALUE expected")
        spec = sim.params.check_name(name.strip())
        values[spec.name] = float(spec.coerce(text.strip()))
    return values


def synthetic_gains(truth: dict[str, float], seed: int, start_date: str,
                    month_ends: tuple[str, ...] = FIT_MONTHS + HELD_OUT_MONTHS) -> pd.Series:
    """The model's typical monthly gains at known parameter values (the median over
    SYNTHETIC_RUNS runs), to test that calibration recovers them; one run's luck would move
    the target by as much as the posterior's width."""
    names = tuple(truth)
    values = np.repeat(np.array([[truth[n] for n in names]]), SYNTHETIC_RUNS, axis=0)
    task = GainTask(names, values, SYNTHETIC_RUN_INDEX + np.arange(SYNTHETIC_RUNS), seed,
                    start_date, month_ends, tuple(CASUALTY_TARGETS))
    return pd.Series(np.median(simulate_gains(task), axis=0),
                     index=[*month_ends, *CASUALTY_TARGETS], name="target")


def distance(simulated: np.ndarray, observed: np.ndarray, months: np.ndarray | None = None,
             ) -> np.ndarray:
    """Root mean square monthly error in units of the observed mean monthly gain, combined in
    quadrature with the log-ratio of each casualty figure (entries where `months` is False)."""
    if months is None:
        months = np.ones(observed.shape[0], dtype=bool)
    scale = max(float(np.mean(np.abs(observed[months]))), 1.0)
    gain = np.sqrt(np.mean((simulated[:, months] - observed[months]) ** 2, axis=1)) / scale
    ratio = np.log(np.maximum(simulated[:, ~months], 1e-9) / observed[~months])
    return np.sqrt(gain ** 2 + np.sum(ratio ** 2, axis=1))


@dataclass
class Population:
    values: np.ndarray     # (n, d) accepted parameter values
    weights: np.ndarray    # (n,) normalised importance weights
    distances: np.ndarray  # (n,)
    gains: np.ndarray      # (n, months) their simulated monthly gains
    threshold: float


def run_round(priors, evaluator, proposals: np.ndarray, round_index: int, seed: int,
              start_date: str, month_ends: tuple[str, ...],
              casualty_targets: tuple[str, ...] = ()) -> np.ndarray:
    """Monthly gains (and casualty targets) for every proposal, in order, computed in chunks
    on the evaluator."""
    names = tuple(p.name for p in priors)
    first_run = round_index * len(proposals)
    tasks = [GainTask(names, proposals[i:i + CHUNK_RUNS],
                      first_run + np.arange(i, min(i + CHUNK_RUNS, len(proposals))),
                      seed, start_date, month_ends, casualty_targets)
             for i in range(0, len(proposals), CHUNK_RUNS)]
    gains = np.empty((len(proposals), len(month_ends) + len(casualty_targets)))
    for start, block in evaluator.imap_unordered(_indexed_gains, list(enumerate(tasks))):
        gains[start * CHUNK_RUNS:start * CHUNK_RUNS + len(block)] = block
    return gains


def _indexed_gains(item):
    from .chunks import release_model_memory

    index, task = item
    gains = simulate_gains(task)
    release_model_memory()
    return index, gains


def propose(priors, population: Population | None, n: int, rng: np.random.Generator):
    """Round 1: the uniform prior. Later: a perturbed resample of the last population, kept
    inside the prior, with its importance weight against the prior."""
    low = np.array([p.low for p in priors])
    high = np.array([p.high for p in priors])
    if population is None:
        return rng.uniform(low, high, size=(n, len(priors))), np.ones(n)
    cov = 2.0 * np.atleast_2d(np.cov(population.values, rowvar=False, aweights=population.weights))
    cov += np.diag(((high - low) * 1e-6) ** 2)
    chosen = np.empty((0, len(priors)))
    while len(chosen) < n:
        parents = population.values[rng.choice(len(population.values), size=2 * n,
                                               p=population.weights)]
        moved = parents + rng.multivariate_normal(np.zeros(len(priors)), cov, size=2 * n)
        chosen = np.vstack([chosen, moved[np.all((moved >= low) & (moved <= high), axis=1)]])
    chosen = chosen[:n]
    inverse = np.linalg.inv(cov)
    delta = chosen[:, None, :] - population.values[None, :, :]
    kernel = np.exp(-0.5 * np.einsum("nkd,de,nke->nk", delta, inverse, delta))
    weights = 1.0 / (kernel @ population.weights)
    return chosen, weights


def abc(priors, observed: pd.Series, evaluator, draws: int, rounds: int, accept: float,
        seed: int, start_date: str, done: list[Population] | None = None,
        rng_state: dict | None = None, on_round=None,
        fit_months: tuple[str, ...] = FIT_MONTHS) -> list[Population]:
    """ABC-PMC over `rounds` rounds of `draws` proposals, keeping the closest `accept` share.

    `done` and `rng_state` continue from completed rounds (a checkpoint); `on_round(history,
    rng_state)` is called after each round. Of the observed months, those in `fit_months` are
    fitted (2024's by default; a backtest from a 2023 start fits 2023's)."""
    months = month_index(observed)
    month_ends = tuple(observed.index[months])
    casualty_targets = tuple(observed.index[~months])
    fit = np.isin(observed.index, fit_months) | ~months
    rng = np.random.Generator(np.random.PCG64(seed))
    if rng_state is not None:
        rng.bit_generator.state = rng_state
    history = list(done or [])
    population = history[-1] if history else None
    keep = max(2 * len(priors) + 2, int(round(accept * draws)))
    for round_index in range(len(history), rounds):
        proposals, weights = propose(priors, population, draws, rng)
        gains = run_round(priors, evaluator, proposals, round_index, seed, start_date, month_ends,
                          casualty_targets)
        dist = distance(gains[:, fit], observed.to_numpy()[fit], months[fit])
        best = np.argsort(dist, kind="stable")[:keep]
        kept_weights = weights[best] / weights[best].sum()
        population = Population(proposals[best], kept_weights, dist[best], gains[best],
                                float(dist[best].max()))
        history.append(population)
        if on_round is not None:
            on_round(history, rng.bit_generator.state)
    return history


def checkpoint_identity(priors, observed: pd.Series, draws: int, accept: float, seed: int,
                        start_date: str, data: str) -> dict:
    """What a resumed calibration must share with the one it continues (the number of rounds
    may grow: a resume can add rounds)."""
    identity = {"priors": [[p.name, p.low, p.high] for p in priors], "data": data,
                "observed": {month: float(gain) for month, gain in observed.items()},
                "draws": draws, "accept": accept, "seed": seed, "start_date": start_date,
                "model": provenance.model_fingerprint()}
    return json.loads(json.dumps(identity))


def save_checkpoint(path: Path, identity: dict, history: list[Population],
                    rng_state: dict) -> None:
    from . import storage

    meta = json.dumps({"identity": identity, "rng_state": rng_state, "rounds": len(history)})
    arrays = {"meta": np.array(meta)}
    for k, population in enumerate(history):
        arrays |= {f"values_{k}": population.values, f"weights_{k}": population.weights,
                   f"distances_{k}": population.distances, f"gains_{k}": population.gains,
                   f"threshold_{k}": np.array(population.threshold)}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    storage.atomic_write_bytes(path, buffer.getvalue())


def load_checkpoint(path: Path, identity: dict) -> tuple[list[Population], dict]:
    """Completed rounds and the sampler's state; refused if the checkpoint is another
    calibration's (the message names what differs)."""
    if not path.exists():
        raise InputError(f"--resume: {path.parent} holds no calibration checkpoint ({CHECKPOINT})")
    with np.load(path) as data:
        meta = json.loads(str(data["meta"]))
        stored = meta["identity"]
        if stored.get("model") != identity.get("model"):
            raise InputError(f"--resume: {path.parent} holds rounds of another model (fingerprint "
                             f"{stored.get('model', 'not recorded')}, this one "
                             f"{identity.get('model')}): a posterior never mixes models; "
                             "give another --out")
        differing = [key for key in identity if stored.get(key) != identity[key]]
        if differing:
            raise InputError(f"--resume: {path.parent} holds a calibration with other "
                             f"{', '.join(differing)}; give the same options or another --out")
        history = [Population(data[f"values_{k}"], data[f"weights_{k}"], data[f"distances_{k}"],
                              data[f"gains_{k}"], float(data[f"threshold_{k}"]))
                   for k in range(meta["rounds"])]
    return history, meta["rng_state"]


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q) -> np.ndarray:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) - 0.5 * weights[order]
    return np.interp(q, cumulative / weights.sum(), values[order])


def summarise(priors, population: Population, observed: pd.Series) -> dict:
    """Posterior median and 90% interval per parameter, whether the data pin it down, and the
    held-out check (is each held-out month inside the posterior predictive 90% band?)."""
    parameters = {}
    for j, prior in enumerate(priors):
        lo, median, hi = weighted_quantile(population.values[:, j], population.weights,
                                           [0.05, 0.5, 0.95])
        ratio = (hi - lo) / (0.9 * (prior.high - prior.low))
        parameters[prior.name] = {
            "prior": [prior.low, prior.high], "median": median, "ci90": [lo, hi],
            "width_vs_prior": ratio, "pinned_down": bool(ratio < NOT_PINNED_WIDTH_RATIO)}
    bands = {}
    for k, month in enumerate(observed.index):
        lo, median, hi = weighted_quantile(population.gains[:, k], population.weights,
                                           [0.05, 0.5, 0.95])
        bands[month] = {"observed": float(observed.iloc[k]), "median": median, "band90": [lo, hi],
                        "inside": bool(lo <= observed.iloc[k] <= hi),
                        "held_out": month in HELD_OUT_MONTHS,
                        "is_month": bool(month_index(observed)[k])}
    return {"parameters": parameters, "months": bands, "threshold": population.threshold}


def posterior_figure(priors, population: Population, observed: pd.Series, title: str):
    """Monthly gains: data against the posterior predictive band, across the top; under it
    each parameter's posterior histogram over its prior range, `HISTOGRAMS_PER_ROW` to a row,
    so the figure keeps a page's width however many parameters are fitted."""
    from matplotlib.figure import Figure

    observed = observed[month_index(observed)]  # months come first in the gains' columns
    columns = min(len(priors), HISTOGRAMS_PER_ROW) or 1
    rows = -(-len(priors) // columns)
    figure = Figure(figsize=(3.2 * max(columns, 3), 4.0 + 2.4 * rows))
    grid = figure.add_gridspec(1 + rows, columns, height_ratios=[1.8] + [1.0] * rows)
    axes = [figure.add_subplot(grid[0, :])]
    axes += [figure.add_subplot(grid[1 + j // columns, j % columns]) for j in range(len(priors))]
    months = np.arange(len(observed))
    lo, mid, hi = (np.array([weighted_quantile(population.gains[:, k], population.weights, q)
                             for k in months]) for q in (0.05, 0.5, 0.95))
    axes[0].fill_between(months, lo, hi, color="#56B4E9", alpha=0.4, label="posterior 90% band")
    axes[0].plot(months, mid, color=OKABE_ITO["blue"], label="posterior median")
    fit = ~np.isin(observed.index, HELD_OUT_MONTHS)
    axes[0].plot(months[fit], observed[fit], "o", color="#000000", label="data (fitted)")
    if (~fit).any():
        axes[0].plot(months[~fit], observed[~fit], "s", color="#D55E00", label="data (held out)")
    axes[0].set_xticks(months, [m[:7] for m in observed.index], rotation=45)
    axes[0].set_ylabel("net Russian gain per month (km2)")
    axes[0].set_title(title)
    axes[0].legend(frameon=False, fontsize=8)
    for axis, (j, prior) in zip(axes[1:], enumerate(priors)):
        axis.hist(population.values[:, j], bins=25, range=(prior.low, prior.high),
                  weights=population.weights, color="#009E73")
        axis.set_xlim(prior.low, prior.high)  # the whole prior: where the posterior sits in it
        axis.set_xlabel(prior.name)
        axis.set_yticks([])
    figure.tight_layout()
    return figure


def write_outputs(out: Path, priors, history: list[Population], observed: pd.Series,
                  summary: dict, meta: dict) -> list[Path]:
    from . import plots, storage

    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for round_index, population in enumerate(history):
        frame = pd.DataFrame(population.values, columns=[p.name for p in priors])
        frame.insert(0, "round", round_index)
        frame.insert(1, "final", round_index == len(history) - 1)  # the posterior's rows
        frame["weight"] = population.weights
        frame["distance"] = population.distances
        for k, (month, is_month) in enumerate(zip(observed.index, month_index(observed))):
            frame[f"gain_{month[:7]}" if is_month else month] = population.gains[:, k]
        rows.append(frame)
    (out / POSTERIOR).parent.mkdir(exist_ok=True)
    posterior = out / POSTERIOR
    storage.atomic_write_table(posterior, pd.concat(rows, ignore_index=True))
    (out / LEGACY_POSTERIOR).unlink(missing_ok=True)  # an older run's, beside the table root
    report = out / "calibration.json"
    storage.atomic_write_bytes(report, json.dumps({**meta, **summary}, indent=2,
                                                  default=_json).encode())
    figure = plots.save(posterior_figure(priors, history[-1], observed, meta["data"]),
                        out / "posterior_vs_data.png")
    return [posterior, report, figure]


def export_posterior(path: Path, priors, population: Population, meta: dict,
                     command_line: str) -> Path:
    """The last population as the CSV the package ships (sim/data/posterior_front.csv): one row
    per accepted draw with its ABC weight, after '#' lines saying how it was made."""
    from . import storage

    header = [f"# ABC-PMC posterior of the front's parameters ({meta['sampler']})",
              f"# data: {meta['data']}; start {meta['start_date']}; fitted "
              f"{meta['fit_months'][0][:7]} to {meta['fit_months'][-1][:7]}",
              f"# {meta['rounds']} rounds x {meta['draws_per_round']} draws, accept "
              f"{meta['accept']}, seed {meta['seed']}; the other parameters drawn from their "
              "priors", f"# made by: {command_line}"]
    frame = pd.DataFrame(population.values, columns=[p.name for p in priors])
    frame["weight"] = population.weights
    text = "\n".join(header) + "\n" + frame.to_csv(index=False, float_format="%.6g")
    storage.atomic_write_bytes(path, text.encode())
    return path


def _json(value):
    return value.item() if isinstance(value, np.generic) else str(value)


def format_summary(summary: dict) -> str:
    lines = []
    for name, p in summary["parameters"].items():
        verdict = "" if p["pinned_down"] else "   <- not pinned down by the data"
        lines.append(f"{name:32s} median {p['median']:.4g}  90% [{p['ci90'][0]:.4g}, "
                     f"{p['ci90'][1]:.4g}]  (prior [{p['prior'][0]:g}, {p['prior'][1]:g}]){verdict}")
    held = [m for m, b in summary["months"].items() if b["held_out"]]
    inside = sum(summary["months"][m]["inside"] for m in held)
    if held:
        lines.append(f"held-out months inside the posterior 90% band: {inside} of {len(held)}")
    lines.append("fitted targets (months: net Russian gain, km2 a month; casualty figures in "
                 "their own units, see calibration.json):")
    for name, band in summary["months"].items():
        lines.append(f"  {name:40s} observed {band['observed']:9.1f}   posterior median "
                     f"{band['median']:9.1f}   90% [{band['band90'][0]:.1f}, "
                     f"{band['band90'][1]:.1f}]")
    return "\n".join(lines)


def calibrate(out: str | Path, params: list[str] | None = None, *, draws: int, rounds: int,
              accept: float, seed: int = 0, start_date: str | None = None,
              synthetic: list[str] | None = None, resume: bool = False,
              export: str | Path | None = None, make_evaluator: Callable[[], Any],
              report: Callable[[str], None] = print) -> int:
    """Fit `params` (NAME[=LOW:HIGH] each; the default set when None) by ABC into `out` (locked
    while it runs; `resume` continues its checkpoint), from the monthly gains of `start_date`'s
    window (or from `synthetic` NAME=VALUE truths), and write the posterior, its summary and
    figure there (and the shipped CSV to `export`). `make_evaluator()` gives the evaluator the
    draws run on; `report` takes each line a person reads. Bad input raises `InputError`."""
    priors = parse_priors(params)
    if not 0 < accept <= MAX_ACCEPT:
        raise InputError(f"--accept={accept} is not allowed: a share in (0, {MAX_ACCEPT}]")
    start_date = start_date or CALIBRATION_START
    sim.calendar.parse_start(start_date)
    fit_months = fit_months_for(start_date)
    if synthetic:
        truth = parse_assignments(synthetic)
        observed = synthetic_gains(truth, seed + 1, start_date, fit_months + HELD_OUT_MONTHS)
        data = "synthetic: " + ", ".join(f"{k}={v:g}" for k, v in truth.items())
    else:
        truth, observed = None, observed_targets(fit_months)
        data = f"DeepStateMap ({DATA.name}) and facts_to_2024_11.csv casualty figures"
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out={str(out)!r} is not allowed: it exists and is not a directory")
    from .lock import DirectoryLock

    with DirectoryLock(out, "--out", "calibrate"):
        return _calibrate_into(out, priors, start_date, fit_months, truth, observed, data,
                               draws=draws, rounds=rounds, accept=accept, seed=seed,
                               resume=resume, export=export, make_evaluator=make_evaluator,
                               report=report)


def _rounds_saved(checkpoint: Path) -> int:
    """Rounds in the checkpoint on disk: read there, not counted in the loop, since a signal can
    land between a round's checkpoint and its count."""
    if not checkpoint.exists():
        return 0
    with np.load(checkpoint) as data:
        return int(json.loads(str(data["meta"]))["rounds"])


def _calibrate_into(out: Path, priors, start_date, fit_months, truth, observed, data, *,
                    draws: int, rounds: int, accept: float, seed: int, resume: bool, export,
                    make_evaluator, report) -> int:
    """The calibration itself, with `out` locked (created by the lock if missing)."""
    checkpoint = out / CHECKPOINT
    identity = checkpoint_identity(priors, observed, draws, accept, seed, start_date, data)
    if resume:
        done, rng_state = load_checkpoint(checkpoint, identity)
        report(f"resuming after round {len(done)} of {rounds}")
    elif checkpoint.exists():
        raise InputError(f"--out={str(out)!r} is not allowed: it holds a calibration already; "
                         "--resume continues it, or give another --out")
    else:
        done, rng_state = [], None

    def on_round(completed, state):
        save_checkpoint(checkpoint, identity, completed, state)

    try:
        with make_evaluator() as evaluator:
            history = abc(priors, observed, evaluator, draws, rounds, accept, seed, start_date,
                          done, rng_state, fit_months=fit_months, on_round=on_round)
    except KeyboardInterrupt as err:
        from .sweep import Interrupted

        saved = _rounds_saved(checkpoint)
        kept = (f"rounds 1 to {saved} of {rounds} kept in {out}; the same command with "
                "--resume continues" if saved else
                "no round had finished, so nothing was kept: run it again without --resume")
        raise Interrupted(kept, getattr(err, "signum", signal.SIGINT)) from None
    summary = summarise(priors, history[-1], observed)
    meta = {"data": data, "truth": truth, "start_date": start_date, "fit_months": fit_months,
            "held_out_months": HELD_OUT_MONTHS, "draws_per_round": draws,
            "rounds": rounds, "accept": accept, "seed": seed,
            "accepted_per_round": max(1, int(round(draws * accept))),
            "sampler": "ABC population Monte Carlo (Beaumont et al. 2009), round 1 rejection",
            "model": identity["model"], "environment": provenance.environment()}
    written = write_outputs(out, priors, history, observed, summary, meta)
    if export:
        command_line = "conflictsim calibrate " + " ".join(
            f"--param {p.name}={p.low:g}:{p.high:g}" for p in priors) + (
            f" --draws {draws} --rounds {rounds} --accept {accept} --seed {seed}")
        written.append(export_posterior(Path(export), priors, history[-1], meta,
                                        command_line))
    report(format_summary(summary))
    report(f"posterior: {meta['accepted_per_round']:,} accepted draws of {draws:,} in each "
           f"of {rounds} rounds (model {meta['model']})")
    for path in written:
        report(f"wrote {path}")
    return 0
