"""The fan: the ensemble continued to the horizon, what the fan charts show, and how it is computed.

At day 0 a fan is a fresh batch (identical to `sim.simulate` with the same settings); later it is
`ConflictModel.projection(run=False)` stepped here in slices of `FAN_CHUNK_DAYS`, so that a newer
request abandons an older one mid-way (`Superseded`) instead of waiting for it. Because the model
is deterministic given its run keys, a fan stays exact while the model plays on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

import sim
from sim.simulate import outcomes_frame

from .settings import Settings


FAN_CHUNK_DAYS = 30  # a fan request checks for a newer one every this many days


class Superseded(Exception):
    """A newer fan request replaced this one: its result is not wanted."""


@dataclass(frozen=True, eq=False)
class Fan:
    """The ensemble continued to the horizon from `from_day`: what the fan charts show."""

    trajectories: Mapping[str, np.ndarray]
    outcomes: pd.DataFrame
    from_day: int
    settings: Settings
    interventions: tuple[tuple[int, Mapping[str, Any]], ...]

    @property
    def outcome_counts(self) -> dict[str, int]:
        counts = self.outcomes["outcome"].value_counts()
        return {name: int(counts.get(name, 0)) for name in sim.OUTCOME_CLASSES}

    def median(self, name: str) -> np.ndarray:
        return np.median(self.trajectories[name], axis=0)


def history_follows(start: datetime.date) -> bool:
    """Whether DeepStateMap's data reach into a run from `start` (a start on or before their
    last day, 30 Nov 2024): what happened is then drawn and named on the front's chart."""
    return start <= sim.datasets.territory_end()


def front_history(start: datetime.date, days: int) -> np.ndarray | None:
    """What happened to the front on a run's days, to draw over its fan: DeepStateMap's
    Russian-held area (km2) from day 0 to the run's last day or the data's (30 Nov 2024),
    whichever comes first. Day d is counted as the model counts it, the morning of
    `date_of(d)`: it holds the map of the day before, as day 0 holds the start's eve (the
    model's own day 0). None where no day after day 0 has data (the scenarios' start, 1 Dec
    2024)."""
    if not history_follows(start):
        return None
    last = min(sim.calendar.date_of(days - 1, start), sim.datasets.territory_end())
    return sim.datasets.occupied_km2_daily(start - datetime.timedelta(days=1), last)


def build_model(settings: Settings) -> sim.ConflictModel:
    return sim.ConflictModel(collect=False, **settings.model_kwargs())


def step_day(model: sim.ConflictModel, settings: Settings | None = None) -> None:
    """One day; first the changes `settings` schedules for today (made during a run and saved
    with their day), applied as the student's slider applied them."""
    if settings is not None and settings.changes:
        scheduled = settings.changes_on(model.day)
        if scheduled:
            model.intervene(**scheduled)
    model.step()


def run_to_horizon(twin: sim.ConflictModel, cancelled: Callable[[], bool],
                   settings: Settings | None = None) -> sim.ConflictModel:
    """Step `twin` to its horizon in slices of `FAN_CHUNK_DAYS`, giving up (`Superseded`) as soon
    as a newer request exists: a student who moves a slider twice waits for one fan, not two.
    Changes `settings` schedules from today on are applied on their days."""
    while twin.running:
        if cancelled():
            raise Superseded()
        for _ in range(FAN_CHUNK_DAYS):
            if not twin.running:
                break
            step_day(twin, settings)
    return twin


def fresh_to_horizon(settings: Settings, cancelled: Callable[[], bool]) -> sim.ConflictModel:
    """The day-0 ensemble run to the horizon (what `sim.simulate` gives for these settings, with
    their mid-run changes applied on their days)."""
    return run_to_horizon(build_model(settings), cancelled, settings)


def fresh_fan(settings: Settings, cancelled: Callable[[], bool] = lambda: False) -> Fan:
    """The day-0 fan of these settings (what `sim.simulate` gives for them)."""
    twin = fresh_to_horizon(settings, cancelled)
    return Fan(trajectories=twin.trajectories, outcomes=outcomes_frame(twin), from_day=0,
               settings=settings, interventions=())
