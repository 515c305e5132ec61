"""Cut a sweep into chunks and run one chunk as one batched `sim.simulate` call.

Rows are numbered start-date-major, then scenario, then point, then replicate:
`row = ((date_index * n_scenarios + scenario_index) * n_points + point) * replicates + replicate`
(with one start date, as before start dates were an axis). A chunk holds at most `chunk_size` rows
of one start date and one scenario: whole points when a point's replicates fit (so per-point quantile
bands are complete inside it), otherwise a run of one point's replicates, so 1 point x 200,000
replicates with chunk_size 1000 is 200 chunks and memory stays bounded (a split point's band is
computed by the sweep from its chunks' band parts once they are all done). Each run's RNG index is its
replicate, so every start date, scenario and point sees the same random numbers for a given
replicate (common random numbers), and a run's result does not depend on the chunk it landed in: a split
point's rows equal an unsplit one's bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import pandas as pd

import sim
from sim import calendar
from sim.params import uncertain_names
from sim.state import PHASE_NAMES

from .spec import KEY_COLUMNS, TRAJECTORY_MODES, Output


@dataclass(frozen=True)
class Chunk:
    """Points [first_point, first_point + n_points) of one scenario from one start date,
    replicates [first_replicate, first_replicate + n_replicates) of each (all unless split)."""

    chunk_id: int
    scenario_index: int
    scenario: str
    first_point: int
    n_points: int
    first_replicate: int = 0
    n_replicates: int = 0  # 0: all the sweep's replicates
    date_index: int = 0
    start_date: str = calendar.START_DATE.isoformat()

    def replicates(self, total: int) -> np.ndarray:
        count = self.n_replicates or total
        return np.arange(self.first_replicate, self.first_replicate + count, dtype=np.int64)

    def n_runs(self, total_replicates: int) -> int:
        return self.n_points * (self.n_replicates or total_replicates)

    def whole_points(self, total_replicates: int) -> bool:
        return self.n_replicates in (0, total_replicates)


@dataclass(frozen=True)
class SweepSettings:
    """What every chunk of a sweep shares (small: it travels with each task)."""

    days: int
    seed: int
    replicates: int
    n_points: int
    n_scenarios: int
    factor_names: tuple[str, ...]
    factor_kinds: tuple[str, ...]
    fixed: tuple[tuple[str, float], ...]
    output: Output
    # the rows' key columns: a format 3 directory resumed keeps its rows without start_date
    key_columns: tuple[str, ...] = KEY_COLUMNS
    uncertainty: str = "on"  # parameters neither varied nor fixed are drawn per run when "on"
    math: str = sim.DEFAULT_MATH  # how exp, log, ... are computed (`sim.core.portable`)


@dataclass(frozen=True)
class Task:
    chunk: Chunk
    settings: SweepSettings
    points: np.ndarray  # (chunk.n_points, n_factors) coded values

    @property
    def n_runs(self) -> int:
        return self.chunk.n_runs(self.settings.replicates)


@dataclass
class ChunkResult:
    """Tables of one chunk: 'outcomes' always; 'trajectories' and 'bands' when asked for."""

    chunk_id: int
    tables: dict[str, pd.DataFrame]
    n_runs: int
    run_days: int
    seconds: float
    cpu_seconds: float
    worker: dict = field(default_factory=dict)  # provenance.worker_identity() of the worker


def points_per_chunk(chunk_size: int, replicates: int) -> int:
    """Whole points per chunk when a point's replicates fit in `chunk_size` (else 1, split)."""
    return max(1, chunk_size // replicates)


def splits_replicates(chunk_size: int, replicates: int) -> bool:
    return replicates > chunk_size


def plan(scenarios: tuple[str, ...], n_points: int, replicates: int, chunk_size: int,
         start_dates: tuple[str, ...] = (calendar.START_DATE.isoformat(),)) -> list[Chunk]:
    """Chunks of at most `chunk_size` rows, start date by start date and scenario by scenario:
    whole points, or one point's replicates in runs of `chunk_size` when a point has more
    replicates than that. With one start date the chunks are those of a sweep before start
    dates were an axis (a resumed directory keeps its chunk ids)."""
    chunks = []
    split = splits_replicates(chunk_size, replicates)
    per_chunk = points_per_chunk(chunk_size, replicates)
    for d_index, start_date in enumerate(start_dates):
        for s_index, scenario in enumerate(scenarios):
            if split:
                for point in range(n_points):
                    for first in range(0, replicates, chunk_size):
                        chunks.append(Chunk(len(chunks), s_index, scenario, point, 1, first,
                                            min(chunk_size, replicates - first), d_index,
                                            start_date))
            else:
                for first in range(0, n_points, per_chunk):
                    chunks.append(Chunk(len(chunks), s_index, scenario, first,
                                        min(per_chunk, n_points - first), 0, 0, d_index,
                                        start_date))
    return chunks


def tasks(chunks: list[Chunk], settings: SweepSettings, design: np.ndarray) -> Iterator[Task]:
    for chunk in chunks:
        rows = design[chunk.first_point:chunk.first_point + chunk.n_points]
        yield Task(chunk, settings, np.ascontiguousarray(rows))


def run_chunk(task: Task) -> ChunkResult:
    """One batched model call for the chunk's runs, turned into tidy tables."""
    import time

    from . import provenance

    start, cpu_start = time.perf_counter(), time.process_time()
    chunk, settings = task.chunk, task.settings
    reps = len(chunk.replicates(settings.replicates))
    replicate = np.tile(chunk.replicates(settings.replicates), chunk.n_points)
    overrides = {name: np.repeat(task.points[:, j], reps)
                 for j, name in enumerate(settings.factor_names)}
    overrides.update(settings.fixed)
    keep_traj = settings.output.trajectories != "none" or settings.output.bands != "none" \
        or bool(settings.output.derived)
    result = sim.simulate(scenario=chunk.scenario, runs=task.n_runs, days=settings.days,
                          seed=settings.seed, overrides=overrides, run_indices=replicate,
                          record=keep_traj, start_date=chunk.start_date,
                          uncertainty=settings.uncertainty, math=settings.math)
    keys = key_frame(task, replicate)
    tables = {"outcomes": outcome_table(keys, result.outcomes, overrides, settings)}
    if settings.output.record_drawn:
        tables["outcomes"] = tables["outcomes"].join(world_table(result, settings))
    if settings.output.derived:
        from .derived import add_columns

        tables["outcomes"] = add_columns(tables["outcomes"], result.trajectories,
                                         settings.output.derived, chunk.start_date)
    if settings.output.trajectories != "none":
        tables["trajectories"] = trajectory_table(keys, result.trajectories, settings.output)
    if settings.output.bands != "none":
        if chunk.whole_points(settings.replicates):
            tables["bands"] = band_table(task, result.trajectories)
        else:
            tables[BAND_PARTS] = band_parts_table(task, replicate, result.trajectories)
    del result
    if keep_traj:  # without trajectories a model is small and the collection (~0.1 s) not worth it
        release_model_memory()
    return ChunkResult(chunk.chunk_id, tables, task.n_runs, task.n_runs * settings.days,
                       time.perf_counter() - start, time.process_time() - cpu_start,
                       provenance.worker_identity())


def release_model_memory() -> None:
    """Free the finished model now: Mesa models and their agents refer to each other, so only
    the cyclic collector frees them, and it runs rarely; without this a worker held five or six
    chunks' trajectories at once (measured: 0.99 GB instead of 0.33 GB at chunk_size 2000)."""
    import gc

    gc.collect()


def key_frame(task: Task, replicate: np.ndarray) -> pd.DataFrame:
    chunk, settings = task.chunk, task.settings
    point = np.repeat(np.arange(chunk.first_point, chunk.first_point + chunk.n_points,
                                dtype=np.int64), len(chunk.replicates(settings.replicates)))
    block = chunk.date_index * settings.n_scenarios + chunk.scenario_index
    row = (block * settings.n_points + point) * settings.replicates + replicate
    return pd.DataFrame({
        "row": row, "start_date": np.full(len(row), chunk.start_date, dtype=object),
        "scenario": np.full(len(row), chunk.scenario, dtype=object),
        "point": point, "replicate": replicate,
        "seed": np.full(len(row), settings.seed, dtype=np.int64)})


def outcome_table(keys: pd.DataFrame, outcomes: pd.DataFrame, overrides: dict,
                  settings: SweepSettings) -> pd.DataFrame:
    """Keys, then every varied and fixed parameter's value (as `--set` takes it), then outcomes."""
    if not np.array_equal(outcomes["run"].to_numpy(), keys["replicate"].to_numpy()):
        raise RuntimeError("simulate returned runs in an unexpected order")
    columns = {name: keys[name].to_numpy() for name in settings.key_columns}
    for name, value in overrides.items():
        columns[name] = parameter_column(name, np.broadcast_to(value, len(keys)))
    for name in settings.output.outcomes:
        columns[name] = outcomes[name].array
    if "talks_phase_final" in columns:  # the code (ordinal) and, beside it, its name
        columns["talks_phase_final_name"] = pd.Categorical.from_codes(
            np.asarray(columns["talks_phase_final"], dtype=np.int64),
            categories=list(PHASE_NAMES), ordered=True)
    return pd.DataFrame(columns)


DRAWN_PREFIX, TYPE_PREFIX = "drawn_", "type_"


def world_names(settings: SweepSettings) -> tuple[str, ...]:
    """The uncertain parameters a sweep's rows record: every one with a prior that the spec
    neither varies nor fixes (the same for every scenario, so every chunk has one schema);
    none when the sweep runs with uncertainty off (every run at the defaults)."""
    if settings.uncertainty != "on":
        return ()
    taken = set(settings.factor_names) | {name for name, _ in settings.fixed}
    return tuple(name for name in uncertain_names() if name not in taken)


def type_names() -> tuple[str, ...]:
    """The private types a row records (`type_<name>`), as `sim.state.PRIVATE_TYPES` declares
    them."""
    from sim.state import PRIVATE_TYPES

    return tuple(sorted(PRIVATE_TYPES))


def world_table(result, settings: SweepSettings) -> pd.DataFrame:
    """The run's world as columns: `drawn_<parameter>`, the value each uncertain parameter took
    (drawn from the run key; where the scenario's preset sets the parameter, the preset's
    value), and `type_<name>`, each private type drawn from the run key (day 0)."""
    columns = {}
    for name in world_names(settings):
        values = result.drawn.get(name)
        if values is None:
            values = result.params.per_run(name)
        columns[DRAWN_PREFIX + name] = parameter_column(name, np.asarray(values, dtype=float))
    for name, values in sorted(result.private_types.items()):
        columns[TYPE_PREFIX + name.removesuffix("_private")] = np.asarray(values, dtype=np.float64)
    return pd.DataFrame(columns)


def parameter_column(name: str, coded: np.ndarray) -> np.ndarray:
    """Values in the user's terms: a choice by its name, a switch as bool, an int as int."""
    spec = sim.PARAMS[name]
    if spec.kind == "choice":
        return np.asarray(spec.choices, dtype=object)[coded.astype(np.int64)]
    if spec.kind == "bool":
        return coded.astype(bool)
    if spec.kind == "int":
        return coded.astype(np.int64)
    return coded.astype(np.float64)


def trajectory_table(keys: pd.DataFrame, trajectories: dict, output: Output) -> pd.DataFrame:
    """Per-run trajectories in long form (row, day, fields), daily or weekly."""
    n_days = next(iter(trajectories.values())).shape[1]
    day = np.arange(0, n_days, TRAJECTORY_MODES[output.trajectories])
    frame = {"row": np.repeat(keys["row"].to_numpy(), len(day)),
             "day": np.tile(day.astype(np.int32), len(keys))}
    for name in output.fields:
        frame[name] = trajectories[name][:, day].reshape(-1)
    return pd.DataFrame(frame)


BAND_PARTS = "_band_parts"  # per-run values at band days of split points (pyarrow skips "_")


def band_days(n_days: int, output: Output) -> np.ndarray:
    return np.arange(0, n_days, TRAJECTORY_MODES[output.bands])


def band_table(task: Task, trajectories: dict) -> pd.DataFrame:
    """Per-point quantiles over replicates for each kept field and day: one row per
    (point, day), one column per field and quantile, e.g. occupied_km2_q50, occupied_km2_q2.5.
    Needs whole points in the chunk (split points get theirs from `band_parts_table`)."""
    chunk, settings = task.chunk, task.settings
    if not chunk.whole_points(settings.replicates):
        raise ValueError("per-point bands need every replicate of a point in one chunk")
    day = band_days(next(iter(trajectories.values())).shape[1], settings.output)
    values = {name: trajectories[name][:, day].reshape(chunk.n_points, settings.replicates,
                                                       len(day))
              for name in settings.output.fields}
    return bands_of(chunk, day, values, settings)


def bands_of(chunk: Chunk, day: np.ndarray, values: dict[str, np.ndarray],
             settings: SweepSettings) -> pd.DataFrame:
    """The band table of the chunk's consecutive points from their runs' values, each field's
    array shaped (points, replicates, days): keyed by start date (unless the directory's rows
    have none), scenario, point and day."""
    output = settings.output
    n_points = next(iter(values.values())).shape[0]
    point = np.arange(chunk.first_point, chunk.first_point + n_points, dtype=np.int64)
    frame = {}
    if "start_date" in settings.key_columns:
        frame["start_date"] = np.full(len(point) * len(day), chunk.start_date, dtype=object)
    frame.update({"scenario": np.full(len(point) * len(day), chunk.scenario, dtype=object),
                  "point": np.repeat(point, len(day)),
                  "day": np.tile(day.astype(np.int32), len(point))})
    for name in output.fields:
        bands = np.quantile(values[name].astype(np.float64), output.quantiles, axis=1)
        for q, band in zip(output.quantiles, bands):  # band: (points, days)
            frame[f"{name}_q{q * 100:g}"] = band.reshape(-1)
    return pd.DataFrame(frame)


def band_parts_table(task: Task, replicate: np.ndarray, trajectories: dict) -> pd.DataFrame:
    """A split chunk's share of its point's band: each run's values at the band days, kept
    until every replicate of the point is there (`sweep` then computes the point's band)."""
    day = band_days(next(iter(trajectories.values())).shape[1], task.settings.output)
    frame = {"replicate": np.repeat(replicate, len(day)),
             "day": np.tile(day.astype(np.int32), len(replicate))}
    for name in task.settings.output.fields:
        frame[name] = trajectories[name][:, day].reshape(-1)
    return pd.DataFrame(frame)
