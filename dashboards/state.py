"""Per-session state of the dashboard: the student's settings, the live ensemble and its fan.

Nothing of a session lives at module level. `Settings` is a frozen value (what a reset starts from);
`Session` is the controller one browser session owns (built in the page with `solara.use_memo`,
so two students never share a model); `use_dashboard_state` creates the session's reactive values
with `solara.use_reactive`, which Solara scopes to the component instance and hence the session.

The live model is one `ConflictModel` stepping the whole ensemble (200 runs) together: the
highlighted run is ensemble member 0, and an intervention (`ConflictModel.intervene`) applies
to every member from its own current state. The fan is the ensemble continued to the horizon:
at day 0 a fresh batch (identical to `sim.simulate` with the same settings), later
`ConflictModel.projection(run=False)` stepped here in slices, so that a newer request abandons an
older one mid-way instead of waiting for it. Because the model is deterministic given its run
keys, a fan stays exact while the model plays on; it is recomputed only when the settings or
parameters change.

The one server-wide object is `SHARED_FANS`: a day-0 fan is a function of its `Settings` alone,
so when a class opens the same preset (or compares with it) it is computed once, not once per
student; the cached arrays are read-only.

Step latency is measured here, per session (`StepLatencies`): from the moment a click or a play
tick reaches the step handler to the end of the render that shows the new day.
"""

from __future__ import annotations

import collections
import datetime
import os
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd
import solara

import sim
from sim import calendar
from sim.params import InputError, ParamError
from sim.simulate import outcomes_frame

ENSEMBLE_RUNS = 200
HORIZON_DAYS = 730
FAN_CHUNK_DAYS = 30  # a fan request checks for a newer one every this many days
MAX_RUN_INDEX = 2**62
MAX_SEED = 2**63 - 1

# Speeds in simulated days per second; redraws happen at most every TICK_SECONDS.
SPEEDS = {"slow (2 days/s)": 2, "normal (10 days/s)": 10, "fast (30 days/s)": 30,
          "fastest (90 days/s)": 90}
TICK_SECONDS = 0.5
# When set, every session appends its step latencies (ms, one per line) to this file: how the
# benchmark reads server-side latency from a real server.
STEP_LOG_ENV = "CONFLICTSIM_STEP_LOG"


class Superseded(Exception):
    """A newer fan request replaced this one: its result is not wanted."""


@dataclass(frozen=True)
class Settings:
    """What the ensemble is built from at day 0: a preset, the student's own values on top, and
    which runs (seed and first run index; member 0 is run `run_offset`)."""

    scenario: str = "status_quo"
    overrides: tuple[tuple[str, Any], ...] = ()
    seed: int = 0
    run_offset: int = 0
    n_runs: int = ENSEMBLE_RUNS
    days: int = HORIZON_DAYS
    start_date: str | None = None  # ISO date; None: 2024-12-01 (set by opening a sweep row)

    @property
    def overrides_dict(self) -> dict[str, Any]:
        return dict(self.overrides)

    def with_value(self, name: str, value: Any) -> "Settings":
        """These settings with one parameter set by the student (checked against PARAMS)."""
        spec = sim.PARAMS.get(name)
        if spec is None:
            raise ParamError("parameter", name, "a name listed by `conflictsim params`")
        spec.coerce(value)
        merged = dict(self.overrides)
        merged[name] = value
        return replace(self, overrides=tuple(sorted(merged.items())))

    def with_scenario(self, scenario: str) -> "Settings":
        """A new preset; the student's own values and an opened sweep's start date are cleared
        (they belonged to the old one): presets start on 2024-12-01."""
        if scenario not in sim.SCENARIOS:
            raise ParamError("scenario", scenario, "one of " + ", ".join(sim.SCENARIOS))
        return replace(self, scenario=scenario, overrides=(), start_date=None)

    def preset(self) -> "Settings":
        return replace(self, overrides=())

    def value(self, name: str) -> Any:
        """The value in force: the student's, else the preset's, else the default."""
        merged = sim.scenarios.overrides_for(self.scenario, **self.overrides_dict)
        if name in merged:
            return merged[name]
        spec = sim.PARAMS[name]
        if spec.kind == "choice":
            return spec.choices[int(spec.default)]
        if spec.kind == "bool":
            return bool(spec.default)
        return spec.default

    def model_kwargs(self) -> dict[str, Any]:
        return dict(scenario=self.scenario, n_runs=self.n_runs, days=self.days, rng=self.seed,
                    run_offset=self.run_offset, start_date=self.start_date,
                    **self.overrides_dict)

    def simulate_kwargs(self) -> dict[str, Any]:
        """The same ensemble as `sim.simulate` arguments (what the browser test checks against)."""
        return dict(scenario=self.scenario, runs=self.n_runs, days=self.days, seed=self.seed,
                    run_offset=self.run_offset, overrides=self.overrides_dict,
                    start_date=self.start_date)


def parse_run_reference(seed_text: str, run_text: str) -> tuple[int, int]:
    """Seed and run index typed by a student; a plain `InputError` if either is not a run."""
    seed = _whole("seed", seed_text, MAX_SEED)
    run = _whole("run index", run_text, MAX_RUN_INDEX)
    return seed, run


def _whole(name: str, text: str, high: int) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise ParamError(name, text, f"a whole number in [0, {high}]") from None
    if not 0 <= value <= high:
        raise ParamError(name, value, f"a whole number in [0, {high}]")
    return value


def parse_value(name: str, text: str) -> Any:
    """A typed parameter value, checked against PARAMS (raises `ParamError` with the range)."""
    spec = sim.PARAMS.get(name)
    if spec is None:
        raise ParamError("parameter", name, "a name listed by `conflictsim params`")
    text = str(text).strip()
    if spec.kind == "choice":
        spec.coerce(text)
        return text
    if spec.kind == "bool":
        return bool(spec.coerce(text))
    try:
        value = float(text)
    except ValueError:
        raise ParamError(name, text, spec.allowed()) from None
    spec.coerce(value)
    return value


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


class SharedFans:
    """Day-0 fans shared by every session of this server process, by `Settings`, least recently
    used dropped beyond `capacity` (a 200-run fan holds about 25 MB). Sessions asking for a fan
    that another is computing wait for it instead of computing it again; if that computation is
    abandoned (its student moved on), one of the waiters takes it over."""

    def __init__(self, capacity: int = 8):
        self.capacity = capacity
        self._lock = threading.Lock()
        self._fans: collections.OrderedDict[Settings, Fan] = collections.OrderedDict()
        self._computing: dict[Settings, threading.Event] = {}

    def get(self, settings: Settings, compute: Callable[[], "Fan"],
            cancelled: Callable[[], bool] = lambda: False) -> "Fan":
        while True:
            with self._lock:
                fan = self._fans.get(settings)
                if fan is not None:
                    self._fans.move_to_end(settings)
                    return fan
                done = self._computing.get(settings)
                owner = done is None
                if owner:
                    done = self._computing[settings] = threading.Event()
            if owner:
                try:
                    fan = read_only(compute())
                    with self._lock:
                        self._fans[settings] = fan
                        while len(self._fans) > self.capacity:
                            self._fans.popitem(last=False)
                    return fan
                finally:
                    with self._lock:
                        del self._computing[settings]
                    done.set()
            while not done.wait(0.05):
                if cancelled():
                    raise Superseded()

    def __len__(self) -> int:
        return len(self._fans)


def read_only(fan: "Fan") -> "Fan":
    """The fan with its arrays frozen: a cached fan is shown to many sessions at once."""
    for values in fan.trajectories.values():
        values.flags.writeable = False
    return fan


SHARED_FANS = SharedFans()


def build_model(settings: Settings) -> sim.ConflictModel:
    return sim.ConflictModel(collect=False, **settings.model_kwargs())


def run_to_horizon(twin: sim.ConflictModel, cancelled: Callable[[], bool]) -> sim.ConflictModel:
    """Step `twin` to its horizon in slices of `FAN_CHUNK_DAYS`, giving up (`Superseded`) as soon
    as a newer request exists: a student who moves a slider twice waits for one fan, not two."""
    while twin.running:
        if cancelled():
            raise Superseded()
        for _ in range(FAN_CHUNK_DAYS):
            twin.step()
    return twin


def fresh_to_horizon(settings: Settings, cancelled: Callable[[], bool]) -> sim.ConflictModel:
    """The day-0 ensemble run to the horizon (what `sim.simulate` gives for these settings)."""
    return run_to_horizon(build_model(settings), cancelled)


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
        self.generation = 0  # bumped on every rebuild: a new model
        self.fan_token = 0  # bumped on every fan request; older requests give up
        self.latencies = StepLatencies(os.environ.get(STEP_LOG_ENV))

    # -- the model -----------------------------------------------------------------------------
    def rebuild(self, settings: Settings) -> None:
        """Day 0 with new settings; the old model is kept if the new one is refused."""
        model = build_model(settings)
        with self.lock:
            self.settings, self.model = settings, model
            self.generation += 1

    def step(self, n_days: int = 1) -> int:
        with self.lock:
            for _ in range(n_days):
                if not self.model.running:
                    break
                self.model.step()
            return self.model.day

    def intervene(self, name: str, value: Any) -> None:
        with self.lock:
            self.model.intervene(**{name: value})

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
        return self.generation, len(self.model.interventions)

    # -- the fan -------------------------------------------------------------------------------
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
            twin = run_to_horizon(twin, cancelled)
            fan = Fan(trajectories=twin.trajectories, outcomes=outcomes_frame(twin),
                      from_day=from_day, settings=settings, interventions=interventions)
        if cancelled():
            raise Superseded()
        return fan


def fresh_fan(settings: Settings, cancelled: Callable[[], bool] = lambda: False) -> Fan:
    """The day-0 fan of these settings (what `sim.simulate` gives for them)."""
    twin = fresh_to_horizon(settings, cancelled)
    return Fan(trajectories=twin.trajectories, outcomes=outcomes_frame(twin), from_day=0,
               settings=settings, interventions=())


def compare_ensemble(settings: Settings, scenario: str,
                     shared_fans: SharedFans | None = None) -> Mapping[str, np.ndarray]:
    """A preset's ensemble with the same seed and runs (common random numbers), for comparison:
    the day-0 fan of those settings, shared with any session that shows it."""
    other = replace(settings, scenario=scenario, overrides=())
    fans = SHARED_FANS if shared_fans is None else shared_fans
    return fans.get(other, lambda: fresh_fan(other)).trajectories


@dataclass(eq=False)
class DashboardState:
    """The session's reactive values (created by `use_dashboard_state`, never at module level)."""

    chosen: solara.Reactive[Settings]  # slider positions: what Reset starts from
    day: solara.Reactive[int]
    started: solara.Reactive[bool]  # day > 0: sliders are interventions now
    finished: solara.Reactive[bool]  # day == horizon: nothing left to step
    revision: solara.Reactive[int]  # bumped when the model changes other than by a step
    playing: solara.Reactive[bool]
    speed: solara.Reactive[int]
    message: solara.Reactive[str | None]
    compare_with: solara.Reactive[str]
    compare_variable: solara.Reactive[str]
    opened_row: solara.Reactive[Any]  # the sweep row last opened (a `sweeps.SweepRow`), if any


def use_dashboard_state(initial: Settings | None = None) -> tuple[Session, DashboardState]:
    """The session's controller and reactive values; call once, in the page."""
    session = solara.use_memo(lambda: Session(initial), [])
    values = dict(
        chosen=solara.use_reactive(session.settings),
        day=solara.use_reactive(0),
        started=solara.use_reactive(False),
        finished=solara.use_reactive(False),
        revision=solara.use_reactive(0),
        playing=solara.use_reactive(False),
        speed=solara.use_reactive(SPEEDS["normal (10 days/s)"]),
        message=solara.use_reactive(None),
        compare_with=solara.use_reactive(""),
        compare_variable=solara.use_reactive("occupied_km2"),
        opened_row=solara.use_reactive(None),
    )
    # One instance per session: components compare it by identity to skip re-rendering.
    return session, solara.use_memo(lambda: DashboardState(**values), [])


def show_day(state: DashboardState, day: int, days: int) -> None:
    """Publish the model's day; `started` and `finished` change only twice a run, so the controls
    that read them do not re-render on every step."""
    state.day.value = day
    state.started.value = day > 0
    state.finished.value = day >= days


def apply_setting(session: Session, state: DashboardState, name: str, value: Any) -> None:
    """A slider moved: before play it sets the scenario; during a run it is an intervention
    from the current day on. Bad input leaves everything as it was and shows a message."""
    try:
        chosen = state.chosen.value.with_value(name, value)
        if session.day == 0 and not session.interventions:
            session.rebuild(chosen)
        else:
            session.intervene(name, value)
    except InputError as err:
        state.message.value = str(err)
        return
    state.message.value = None
    state.opened_row.value = None
    state.chosen.value = chosen
    state.revision.value += 1


def choose_scenario(session: Session, state: DashboardState, scenario: str) -> None:
    """A new preset: back to day 0 with the preset's values (the student's are cleared)."""
    try:
        chosen = state.chosen.value.with_scenario(scenario)
    except InputError as err:
        state.message.value = str(err)
        return
    reset(session, state, chosen)


def reset(session: Session, state: DashboardState, settings: Settings | None = None) -> bool:
    """Back to day 0 with the chosen settings (the slider positions apply from day 0); False,
    with the reason shown, if the model refused them."""
    try:
        target = settings or state.chosen.value
        session.rebuild(target)
    except InputError as err:
        state.message.value = str(err)
        return False
    state.playing.value = False
    state.message.value = None
    state.opened_row.value = None
    state.chosen.value = target
    show_day(state, 0, session.model.days)
    state.revision.value += 1
    return True


def open_run(session: Session, state: DashboardState, seed_text: str, run_text: str) -> None:
    """Replay run K of seed S exactly: the ensemble becomes runs K.. of seed S, member 0 is K."""
    try:
        seed, run = parse_run_reference(seed_text, run_text)
    except InputError as err:
        state.message.value = str(err)
        return
    reset(session, state, replace(state.chosen.value, seed=seed, run_offset=run))


def step(session: Session, state: DashboardState, n_days: int) -> None:
    """Advance the session's model; the latency clock starts here and stops after the render."""
    session.latencies.begin()
    show_day(state, session.step(n_days), session.model.days)


def open_sweep_row(session: Session, state: DashboardState, directory: str, row_text: str):
    """Replay row K of a sweep: its scenario, parameters, seed and run index become the session's
    settings (member 0 is that run). Returns the row read, or None after showing why not."""
    from .sweeps import read_sweep_row

    try:
        opened = read_sweep_row(directory, row_text, state.chosen.value)
    except InputError as err:
        state.message.value = str(err)
        return None
    if not reset(session, state, opened.settings):
        return None
    state.opened_row.value = opened
    return opened
