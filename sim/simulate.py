"""The Python API other packages use: `simulate(...) -> SimResult`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import calendar
from .core import portable
from .core.arrays import DEFAULT_PRECISION
from .model import ConflictModel
from .outcomes import OUTCOME_CLASSES, summarise
from .params import Params
from .uncertainty import DEFAULT_MODE


@dataclass
class SimResult:
    scenario: str
    seed: int
    days: int
    start_date: dt.date
    run_indices: np.ndarray
    params: Params
    outcomes: pd.DataFrame
    trajectories: dict[str, np.ndarray] = field(default_factory=dict)  # (runs, days + 1)
    interventions: list = field(default_factory=list)
    uncertainty: str = DEFAULT_MODE  # "on": each run drew its uncertain parameters
    math: str = portable.DEFAULT_MODE  # "portable": each run bit-exact on every CPU
    # What each run drew from its key: uncertain parameters (name -> (runs,)) and the private
    # types on day 0 (state fields named *_private, name -> (runs,)); the run's world as data.
    drawn: dict[str, np.ndarray] = field(default_factory=dict)
    private_types: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_runs(self) -> int:
        return len(self.run_indices)

    def trajectories_long(self, fields: tuple[str, ...] | None = None, every: int = 1) -> pd.DataFrame:
        """Trajectories in long form: one row per run and day."""
        names = fields or tuple(self.trajectories)
        day_index = np.arange(0, self.days + 1, every)
        n_days = len(day_index)
        frame = {
            "run": np.repeat(self.run_indices, n_days),
            "seed": np.full(self.n_runs * n_days, self.seed, dtype=np.int64),
            "day": np.tile(day_index, self.n_runs),
            "date": np.tile(calendar.date_strings(self.days, self.start_date)[day_index],
                            self.n_runs),
        }
        for name in names:
            frame[name] = self.trajectories[name][:, day_index].reshape(-1)
        return pd.DataFrame(frame)


def outcomes_frame(model: ConflictModel) -> pd.DataFrame:
    summary = summarise(model.state, model.params)
    code = summary.pop("outcome_code")
    frame = pd.DataFrame({"run": model.run_indices,
                          "seed": np.full(model.n_runs, model.seed, dtype=np.int64),
                          "scenario": model.scenario_name, **summary})
    frame["outcome"] = pd.Categorical.from_codes(code, categories=list(OUTCOME_CLASSES))
    frame.attrs["uncertainty"] = model.uncertainty  # kept in the Parquet file's metadata
    frame.attrs["math"] = model.math
    return frame


def simulate(scenario: str = "status_quo", runs: int = 1, days: int = 730, seed: int = 0,
             overrides: Mapping[str, Any] | None = None, run_offset: int = 0,
             run_indices: np.ndarray | None = None, record: bool | tuple[str, ...] = True,
             start_date: str | None = None, precision: str = DEFAULT_PRECISION,
             uncertainty: str = DEFAULT_MODE, math: str = portable.DEFAULT_MODE) -> SimResult:
    """Run `runs` runs of a scenario in one batch. Run k uses key (seed, run_offset + k) unless
    `run_indices` are given; overrides may be per-run arrays of shape (runs,). `start_date`
    (2023-01-01 to 2024-12-01) starts from that date's front and inputs (`sim.start_inputs`).
    `precision` is that of the sector arrays (see `ConflictModel`). `uncertainty` "on" draws each run's
    uncertain parameters from its key (`sim.uncertainty`); "off" uses the defaults. `math`
    "portable" makes every run bit-exact on every CPU (see `ConflictModel`). `record`: True
    keeps every trajectory, False none, a tuple of names only those."""
    model = ConflictModel(scenario=scenario, n_runs=runs, days=days, run_offset=run_offset,
                          rng=seed, record=record, collect=False, run_indices=run_indices,
                          start_date=start_date, precision=precision,
                          uncertainty=uncertainty, math=math, **dict(overrides or {}))
    private_types = {f.name: np.array(getattr(model.state, f.name), copy=True)
                     for f in dataclasses.fields(model.state) if f.name.endswith("_private")}
    model.run()
    return SimResult(scenario=model.scenario_name, seed=model.seed, days=model.days,
                     start_date=model.start_date,
                     run_indices=model.run_indices, params=model.params,
                     outcomes=outcomes_frame(model), trajectories=model.trajectories,
                     interventions=list(model.interventions), uncertainty=model.uncertainty,
                     math=model.math, drawn=dict(model.drawn), private_types=private_types)
