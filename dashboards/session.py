"""One student's controller: the live ensemble model and the requests made of it.

The live model is one `ConflictModel` stepping the whole ensemble (200 runs) together: the
highlighted run is ensemble member 0, and an intervention (`ConflictModel.intervene`) applies to
every member from its own current state. A `Session` is built in the page with `solara.use_memo`,
so two students never share a model; its day-0 fan comes from the shared cache.

Step latency is measured here, per session (`StepLatencies`): from the moment a click or a play
tick reaches the step handler to the end of the render that shows the new day.
"""

from __future__ import annotations

import collections
import datetime
import os
import threading
import time
from typing import Any

import numpy as np

from sim import calendar
from sim.core import talks
from sim.params import InputError
from sim.simulate import outcomes_frame

from .fan_cache import SHARED_FANS, SharedFans
from .fans import Fan, Superseded, build_model, fresh_fan, run_to_horizon, step_day
from .settings import Settings


# When set, every session appends its step latencies (ms, one per line) to this file: how the
# benchmark reads server-side latency from a real server.
STEP_LOG_ENV = "CONFLICTSIM_STEP_LOG"


class StepLatencies:
    """Per-session record of how long a step takes to reach the page: `begin()` when a click or
    play tick arrives, `end()` after the render that shows the new day (an effect of the live
    view). Kept so the benchmark can read real per-step latencies instead of guessing."""

    def __init__(self, log_path: str | None = None, keep: int = 100_000):
        self.started: float | None = None
        self.ms: collections.deque[float] = collections.deque(maxlen=keep)
        self.log_path = log_path

    def begin(self) -> None:
        """Start the clock (a step that changed nothing left no render to stop the last one)."""
        self.started = time.perf_counter()

    def end(self) -> None:
        if self.started is None:
            return
        elapsed = 1000.0 * (time.perf_counter() - self.started)
        self.started = None
        self.ms.append(elapsed)
        if self.log_path:
            with open(self.log_path, "a") as log:
                log.write(f"{elapsed:.3f}\n")


# What the session records each day for the highlighted run (member 0) beyond the model's own
# trajectories: the sector depths (where the front moved) and who proposed and refused what in
# talks. A field the model does not have is skipped; the event log reads what is there.
TRACKED_FIELDS = ("depth_km", "proposer_today", "ukraine_refused_today", "russia_refused_today",
                  "last_package", "refusal_reasonableness")
# ... and, for a round both sides took that a party off the table blocked, why each withheld
# its consent (`consent_withheld`, from the day's moves): the state keeps only a count of such rounds
WITHHELD_FIELDS = ("washington_withheld", "europe_withheld")


def consent_withheld(model) -> tuple[np.ndarray, np.ndarray]:
    """(runs,) codes (`talks.WITHHELD_*`, 0: consented or not asked) of Washington's and
    Europe's missing consent on the day just played: a package Moscow and Kyiv both took that
    did not bind. The reason is the one each party's move gave (`Moves.us_withheld`,
    `Moves.eu_withheld`): its rule's, or a class's answer, which gives none."""
    state, p, moves = model.state, model.params, model.moves
    n = state.refused_today.shape[0]
    blocked = state.refused_today & ~state.ukraine_refused_today & ~state.russia_refused_today
    if not blocked.any():
        return np.zeros(n, dtype=np.int8), np.zeros(n, dtype=np.int8)
    required = talks.required_consent(p, np.nan_to_num(state.last_package))
    return tuple(np.where(blocked & (required & bit > 0), withheld, 0).astype(np.int8)
                 for bit, withheld in ((talks.CONSENT_WASHINGTON, moves.us_withheld),
                                       (talks.CONSENT_EUROPE, moves.eu_withheld)))


# A change on the run's last day would act on no day (a student got "day=730 is not allowed")
RUN_ENDED_CHANGE = ("The run has reached its last day, so a change would act on no day: press "
                    "Reset, then make the change to run again with it from the first day.")


class HighlightTrack:
    """Per-day values of `TRACKED_FIELDS` and `WITHHELD_FIELDS` for one run, day 0 filled at
    once, later days as the session steps: a dozen numbers a day, what the event log needs to
    tell the story."""

    def __init__(self, model, run: int = 0):
        self.run = run
        self.arrays: dict[str, np.ndarray] = {}
        for name in TRACKED_FIELDS:
            value = getattr(model.state, name, None)
            if isinstance(value, np.ndarray) and value.ndim >= 1:
                self.arrays[name] = np.zeros((model.days + 1,) + value.shape[1:], dtype=value.dtype)
        for name in WITHHELD_FIELDS:
            self.arrays[name] = np.zeros(model.days + 1, dtype=np.int8)
        self.record(model)

    def record(self, model) -> None:
        for name in TRACKED_FIELDS:
            if name in self.arrays:
                self.arrays[name][model.day] = getattr(model.state, name)[self.run]
        for name, codes in zip(WITHHELD_FIELDS, consent_withheld(model)):
            self.arrays[name][model.day] = codes[self.run]


class Session:
    """One student's controller: the live ensemble model and the requests made of it.

    Stepping, interventions and fan snapshots take `lock`, so the play loop (a thread), button
    clicks and the fan task never see a half-changed model.
    """

    def __init__(self, settings: Settings | None = None, shared_fans: SharedFans | None = None):
        self.lock = threading.RLock()
        self.shared_fans = SHARED_FANS if shared_fans is None else shared_fans
        self.settings = settings or Settings()
        self.model = build_model(self.settings)
        self.track = HighlightTrack(self.model)
        self.generation = 0  # bumped on every rebuild: a new model
        self.change_count = 0  # bumped on every change during a run (and a replayed one)
        self.revision = 0  # bumped on every rebuild and every change the student makes
        self.fan_token = 0  # bumped on every fan request; older requests give up
        self.latencies = StepLatencies(os.environ.get(STEP_LOG_ENV))

    # -- the model -----------------------------------------------------------------------------
    def rebuild(self, settings: Settings) -> None:
        """Day 0 with new settings; the old model is kept if the new one is refused."""
        model = build_model(settings)
        track = HighlightTrack(model)
        with self.lock:
            self.settings, self.model, self.track = settings, model, track
            self.generation += 1
            self.revision += 1

    def set_value(self, name: str, value: Any) -> None:
        """A slider moved: before play it rebuilds day 0 with the value; during a run it is a
        change from today on, kept with its day in `chosen` (so a saved file or link replays
        the run); on the run's last day there is no day left for it to act on, and it is
        refused in those words. Refused input (`InputError`) changes nothing."""
        with self.lock:
            if self.model.day == 0 and not self.model.interventions:
                self.rebuild(self.chosen.with_value(name, value))
            elif self.model.day >= self.model.days:
                self.chosen.with_value(name, value)  # a bad value is refused as such first
                raise InputError(RUN_ENDED_CHANGE)
            else:
                self.chosen.with_change(self.model.day, name, value)  # refuses a bad one first
                self.intervene(name, value)

    def step(self, n_days: int = 1) -> int:
        """Step the model; a change the settings schedule for a day (a reopened file or link) is
        applied on that day, exactly as the student's slider applied it."""
        with self.lock:
            for _ in range(n_days):
                if not self.model.running:
                    break
                before = len(self.model.interventions)
                step_day(self.model, self.settings)
                if len(self.model.interventions) != before:
                    self.change_count += 1
                self.track.record(self.model)
            return self.model.day

    def intervene(self, name: str, value: Any) -> None:
        """A change from today on. Several on the same day (a slider moved by four arrow
        presses) are one change, logged once, with the last values."""
        with self.lock:
            self.model.intervene(**{name: value})
            made = self.model.interventions
            if len(made) >= 2 and made[-2][0] == made[-1][0]:
                day, latest = made.pop()
                made[-1] = (day, {**made[-1][1], **latest})
            self.change_count += 1
            self.revision += 1

    @property
    def chosen(self) -> Settings:
        """The settings as the student has them now: those the model was built with and every
        change made during the run, with its day (the model's interventions: a change the
        settings scheduled is there once). What a saved file or link replays, and what Reset
        folds into day 0. Derived, never stored, so it cannot drift from the model."""
        with self.lock:
            chosen = self.settings
            for day, values in self.model.interventions:
                for name, value in values.items():
                    chosen = chosen.with_change(day, name, value)
            return chosen

    @property
    def sector_depth_km(self) -> np.ndarray:
        """The highlighted run's depth in each sector by day (days + 1, sectors)."""
        return self.track.arrays["depth_km"]

    @property
    def day(self) -> int:
        return self.model.day

    @property
    def interventions(self) -> tuple[tuple[int, dict[str, Any]], ...]:
        return tuple(self.model.interventions)

    @property
    def start_date(self) -> datetime.date:
        return getattr(self.model, "start_date", calendar.START_DATE)

    @property
    def fan_key(self) -> tuple[int, int]:
        """Changes exactly when the fan must be recomputed: a new model or a new intervention."""
        return self.generation, self.change_count

    # -- the fan -------------------------------------------------------------------------------
    def cached_fan(self) -> Fan | None:
        """The fan `compute_fan` would return, if this server already has it (a day-0 fan of
        these settings), else None; never computes. The page shows it in its first render."""
        with self.lock:
            if self.model.day != 0 or self.model.interventions:
                return None
            return self.shared_fans.peek(self.settings)

    def compute_fan(self) -> Fan:
        """The ensemble continued to the horizon; raises `Superseded` if a newer request came."""
        self.fan_token += 1
        token = self.fan_token
        with self.lock:
            model, settings = self.model, self.settings
            interventions = tuple(model.interventions)
            from_day = model.day
            at_start = from_day == 0 and not interventions
            twin = None if at_start else model.projection(record=True, run=False)

        def cancelled() -> bool:
            return token != self.fan_token

        if at_start:
            fan = self.shared_fans.get(settings, lambda: fresh_fan(settings, cancelled), cancelled)
        else:
            twin = run_to_horizon(twin, cancelled, settings)
            fan = Fan(trajectories=twin.trajectories, outcomes=outcomes_frame(twin),
                      from_day=from_day, settings=settings, interventions=interventions)
        if cancelled():
            raise Superseded()
        return fan
