"""Cut a sweep into chunks and run one chunk as one batched `sim.simulate` call.

Rows are numbered scenario-major, then point, then replicate:
`row = (scenario_index * n_points + point) * replicates + replicate`. A chunk holds whole points
of one scenario, so per-point quantile bands are complete inside it. Each run's RNG index is its
replicate, so every point and every scenario sees the same random numbers for a given replicate
(common random numbers), and a run's result does not depend on the chunk it landed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pandas as pd

import sim

from .spec import TRAJECTORY_MODES, Output

KEY_COLUMNS = ("row", "scenario", "point", "replicate", "seed")


@dataclass(frozen=True)
class Chunk:
    """Points [first_point, first_point + n_points) of one scenario."""

    chunk_id: int
    scenario_index: int
    scenario: str
    first_point: int
    n_points: int


@dataclass(frozen=True)
class Settings:
    """What every chunk of a sweep shares (small: it travels with each task)."""

    days: int
    seed: int
    replicates: int
    n_points: int
    factor_names: tuple[str, ...]
    factor_kinds: tuple[str, ...]
    fixed: tuple[tuple[str, float], ...]
    output: Output
    start_date: str | None = None
    uncertainty: str = "on"  # parameters neither varied nor fixed are drawn per run when "on"


@dataclass(frozen=True)
class Task:
    chunk: Chunk
    settings: Settings
    points: np.ndarray  # (chunk.n_points, n_factors) coded values

    @property
    def n_runs(self) -> int:
        return self.chunk.n_points * self.settings.replicates


@dataclass
class ChunkResult:
    """Tables of one chunk: 'outcomes' always; 'trajectories' and 'bands' when asked for."""

    chunk_id: int
    tables: dict[str, pd.DataFrame]
    n_runs: int
    run_days: int
    seconds: float
    cpu_seconds: float


def points_per_chunk(chunk_size: int, replicates: int) -> int:
    """Rows per chunk are rounded down to whole points (at least one point)."""
    return max(1, chunk_size // replicates)


def plan(scenarios: tuple[str, ...], n_points: int, replicates: int,
         chunk_size: int) -> list[Chunk]:
    per_chunk = points_per_chunk(chunk_size, replicates)
    chunks = []
    for s_index, scenario in enumerate(scenarios):
        for first in range(0, n_points, per_chunk):
            chunks.append(Chunk(len(chunks), s_index, scenario, first,
                                min(per_chunk, n_points - first)))
    return chunks


def tasks(chunks: list[Chunk], settings: Settings, design: np.ndarray) -> Iterator[Task]:
    for chunk in chunks:
        rows = design[chunk.first_point:chunk.first_point + chunk.n_points]
        yield Task(chunk, settings, np.ascontiguousarray(rows))


def run_chunk(task: Task) -> ChunkResult:
    """One batched model call for the chunk's runs, turned into tidy tables."""
    import time

    start, cpu_start = time.perf_counter(), time.process_time()
    chunk, settings = task.chunk, task.settings
    reps = settings.replicates
    replicate = np.tile(np.arange(reps, dtype=np.int64), chunk.n_points)
    overrides = {name: np.repeat(task.points[:, j], reps)
                 for j, name in enumerate(settings.factor_names)}
    overrides.update(settings.fixed)
    keep_traj = settings.output.trajectories != "none" or settings.output.bands != "none"
    result = sim.simulate(scenario=chunk.scenario, runs=task.n_runs, days=settings.days,
                          seed=settings.seed, overrides=overrides, run_indices=replicate,
                          record=keep_traj, start_date=settings.start_date,
                          uncertainty=settings.uncertainty)
    keys = key_frame(task, replicate)
    tables = {"outcomes": outcome_table(keys, result.outcomes, overrides, settings)}
    if settings.output.trajectories != "none":
        tables["trajectories"] = trajectory_table(keys, result.trajectories, settings.output)
    if settings.output.bands != "none":
        tables["bands"] = band_table(task, result.trajectories)
    return ChunkResult(chunk.chunk_id, tables, task.n_runs, task.n_runs * settings.days,
                       time.perf_counter() - start, time.process_time() - cpu_start)


def key_frame(task: Task, replicate: np.ndarray) -> pd.DataFrame:
    chunk, settings = task.chunk, task.settings
    point = np.repeat(np.arange(chunk.first_point, chunk.first_point + chunk.n_points,
                                dtype=np.int64), settings.replicates)
    row = (chunk.scenario_index * settings.n_points + point) * settings.replicates + replicate
    return pd.DataFrame({
        "row": row, "scenario": np.full(len(row), chunk.scenario, dtype=object),
        "point": point, "replicate": replicate,
        "seed": np.full(len(row), settings.seed, dtype=np.int64)})


def outcome_table(keys: pd.DataFrame, outcomes: pd.DataFrame, overrides: dict,
                  settings: Settings) -> pd.DataFrame:
    """Keys, then every varied and fixed parameter's value (as `--set` takes it), then outcomes."""
    if not np.array_equal(outcomes["run"].to_numpy(), keys["replicate"].to_numpy()):
        raise RuntimeError("simulate returned runs in an unexpected order")
    columns = {name: keys[name].to_numpy() for name in KEY_COLUMNS}
    for name, value in overrides.items():
        columns[name] = parameter_column(name, np.broadcast_to(value, len(keys)))
    for name in settings.output.outcomes:
        columns[name] = outcomes[name].array
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


def band_table(task: Task, trajectories: dict) -> pd.DataFrame:
    """Per-point quantiles over replicates for each kept field and day: one row per
    (point, day), one column per field and quantile, e.g. occupied_km2_q50, occupied_km2_q2.5."""
    chunk, settings = task.chunk, task.settings
    output = settings.output
    n_days = next(iter(trajectories.values())).shape[1]
    day = np.arange(0, n_days, TRAJECTORY_MODES[output.bands])
    point = np.arange(chunk.first_point, chunk.first_point + chunk.n_points, dtype=np.int64)
    frame = {"scenario": np.full(len(point) * len(day), chunk.scenario, dtype=object),
             "point": np.repeat(point, len(day)),
             "day": np.tile(day.astype(np.int32), len(point))}
    for name in output.fields:
        values = trajectories[name][:, day].astype(np.float64)
        per_point = values.reshape(chunk.n_points, settings.replicates, len(day))
        bands = np.quantile(per_point, output.quantiles, axis=1)  # (q, points, days)
        for q, band in zip(output.quantiles, bands):
            frame[f"{name}_q{q * 100:g}"] = band.reshape(-1)
    return pd.DataFrame(frame)
