"""ConflictModel: one Mesa model that steps `n_runs` runs of the war together.

Each Mesa agent is one actor across all runs (its attributes arrays over runs). A step: leaders
decide in a fixed order (Putin, Zelensky, Trump, European leaders) and together make the day's
`Moves`; the pure core (`core.day.advance`) applies the day; the model records. The model is a
façade: everything that happens in a day is in `advance`, everything a leader decides in
`Moves`. Random numbers come from a counter-based generator keyed by (seed, run index), so run
k's trajectory is the same whether it is stepped alone or in a batch of a million.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import mesa
import numpy as np

from . import calendar, datasets, rng, scenarios, sectors, start_inputs
from . import uncertainty as _uncertainty
from .moves import Moves
from .agents import EuropeanLeaders, Putin, RulesMemo, StateAgent, Trump, Zelensky
from .core import day as core_day
from .core import portable, talks
from .core.arrays import DEFAULT_PRECISION, PRECISIONS
from .params import ParamError
from .state import START_PACE_WINDOW_DAYS, initial_state
from .trajectories import TRAJECTORY_FIELDS

COLLECTED_FIELDS: tuple[str, ...] = (
    "occupied_km2", "russia_economic_pressure", "ukraine_economic_pressure", "talks_phase",
    "grid_gw", "ukraine_support", "russia_casualties", "ukraine_casualties",
)


def _recorded_fields(record: bool | tuple[str, ...]) -> tuple[str, ...]:
    """`record=True` keeps every trajectory; a tuple of names keeps only those (a big batch
    that reads a few saves the memory and time of the rest)."""
    if record is True:
        return TRAJECTORY_FIELDS
    names = tuple(record)
    for name in names:
        if name not in TRAJECTORY_FIELDS:
            raise ParamError("record", name, "True, False or names of " + ", ".join(TRAJECTORY_FIELDS))
    return names


def _check_count(field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ParamError(field, value, f"a whole number in [{low}, {high}]")
    return int(value)


class ConflictModel(mesa.Model):
    """The war in Ukraine and the talks around it, `n_runs` runs stepped at once.

    Every argument is a keyword with a default, so `ConflictModel()`, `ConflictModel(**params)`
    and `mesa.batch_run` work. `rng` is Mesa's seed and also the seed of the run keys; no rule
    draws from `model.random` or `model.rng`. Parameter overrides may be scalars or arrays of
    shape (n_runs,). `precision` is that of the (runs, sectors) combat arrays, "float32" (the
    default, faster) or "float64"; per-run quantities are always float64. With
    `uncertainty="on"` (the default) each run draws, from its own key, every uncertain parameter
    (declared `prior`) that neither the preset nor the caller sets (`sim.uncertainty`); "off"
    gives every run the declared defaults (for mechanism studies). `math` is how exp, log and
    the like are computed (`sim.core.portable`): "native" (numpy's, the default: a run replays
    bit for bit on machines with the same CPU features) or "portable" (built from IEEE-754
    basic operations: bit for bit on every CPU, about 0.8 times the speed at 10,000 runs).
    """

    def __init__(self, scenario: str = "status_quo", n_runs: int = 1, days: int = 730,
                 run_offset: int = 0, rng: int | None = None,
                 record: bool | tuple[str, ...] = True,
                 collect: bool = True, run_indices: np.ndarray | None = None,
                 start_date: str | None = None, precision: str = DEFAULT_PRECISION,
                 uncertainty: str = _uncertainty.DEFAULT_MODE,
                 math: str = portable.DEFAULT_MODE, **overrides: Any):
        super().__init__(rng=rng)
        if precision not in PRECISIONS:
            raise ParamError("precision", precision, " or ".join(PRECISIONS))
        if math not in portable.MODES:
            raise ParamError("math", math, " or ".join(portable.MODES))
        self.math = math
        self.precision = precision
        self.sector_dtype = PRECISIONS[precision]
        with portable.mode(self.math):  # day 0 is computed as the days will be
            self.n_runs = _check_count("runs", n_runs, 1, 10**9)
            self.days = _check_count("days", days, 1, calendar.MAX_DAYS)
            _check_count("run_offset", run_offset, 0, 2**62)
            self.seed = int(rng) if isinstance(rng, (int, np.integer)) else int(self._seed)
            self.scenario_name = scenarios.check_scenario(scenario).name
            self.uncertainty = _uncertainty.check_mode(uncertainty)
            self.overrides = dict(overrides)
            self.initial_overrides = dict(overrides)  # what the constructor was given
            if run_indices is None:
                run_indices = run_offset + np.arange(self.n_runs, dtype=np.int64)
            self.run_indices = np.asarray(run_indices, dtype=np.int64)
            if self.run_indices.shape != (self.n_runs,):
                raise ParamError("run_indices", f"shape {self.run_indices.shape}", f"shape ({self.n_runs},)")
            self.keys = rng_keys(self.seed, self.run_indices)
            fixed = set(scenarios.overrides_for(scenario, **overrides))
            self.drawn = (_uncertainty.draw(self.keys, fixed) if self.uncertainty == "on" else {})
            self.start_date = calendar.parse_start(start_date)
            # the start date's inputs where they differ from 2024's (none for starts in 2024)
            history_inputs = start_inputs.apply(self.start_date, self.drawn,
                                                set(scenarios.overrides_for(scenario)))
            self.start_inputs = {k: v for k, v in history_inputs.items() if k not in fixed}
            self.params = scenarios.make(scenario, self.n_runs, **{**self.drawn, **self.start_inputs},
                                         **overrides)
            # the inputs as they were on the start date: the draws and the start's inputs under the
            # preset, without the caller's values; the day-0 state is estimated with them and the
            # day-0 references are theirs (`core.day.derive`), so the caller's values act from day 0
            self._history_params = scenarios.make(scenario, self.n_runs,
                                                  **{**self.drawn, **history_inputs})
            # day -> the inputs history changes that day (2023's as they were, 2024's from 2024-01-01)
            self.history = start_inputs.schedule(self.start_date, self.days, self.drawn, fixed)
            # what `derived` is made from: the start's parameters with the interventions, never
            # history's later inputs (its day-0 references stay the start's)
            self._derive_params = self.params
            self.calendar = calendar.Calendar(self.start_date, self.days)
            self._winter = self.calendar.winter()
            self._mud = self.calendar.mud()
            self._strike_season = self.calendar.strike_season()
            self._demand = self.calendar.demand_share()
            self._contexts = self._make_contexts()
            self.interventions: list[tuple[int, dict[str, Any]]] = []

            self._make_agents()

            self.start_pace, self.previous_pace = start_paces_of(self.start_date)
            self.today = self._context(0)
            self.derived = self._derive()
            occupied, kursk, kursk_peak = start_front(self.start_date)
            self.state = core_day.initialise(
                initial_state(self.params, self.keys, occupied, kursk, self.sector_dtype,
                              self.start_pace, self.previous_pace,
                              self.derived.ukraine_supply_day0, history=self._history_params,
                              ukraine_rested_days=sectors.ukraine_rested_days(self.start_date),
                              kursk_peak_km2=kursk_peak),
                self.params, self.derived, self.today)
            self.moves = Moves.idle(self.n_runs, sectors.N_SECTORS)  # the last day's moves
            self.events: core_day.DayEvents | None = None  # what happened in the talks that day
            self.record = record
        # Stored day-major, (days + 1, runs), so each day's write is contiguous; exposed as
        # (runs, days + 1) views by `trajectories`.
        self._days_by_runs: dict[str, np.ndarray] = {}
        if record:
            for name in _recorded_fields(record):
                sample = getattr(self.state, name)
                self._days_by_runs[name] = np.zeros((self.days + 1, self.n_runs),
                                                    dtype=sample.dtype)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in COLLECTED_FIELDS}) if collect else None
        self._record()

    def _make_agents(self) -> None:
        """Four states and their leaders; leaders decide in this order each day."""
        self.russia = StateAgent(self, "Russia")
        self.ukraine = StateAgent(self, "Ukraine")
        self.united_states = StateAgent(self, "United States")
        self.europe = StateAgent(self, "Europe")
        self.putin = Putin(self, "Putin", self.russia)
        self.zelensky = Zelensky(self, "Zelensky", self.ukraine)
        self.trump = Trump(self, "Trump", self.united_states)
        self.european_leaders = EuropeanLeaders(self, "European leaders", self.europe)
        self.leaders = (self.putin, self.zelensky, self.trump, self.european_leaders)
        self.rules_memo = RulesMemo()  # what several rules read on a day, computed once

    @property
    def trajectories(self) -> dict[str, np.ndarray]:
        """Recorded trajectories, name -> (runs, days + 1), filled up to the current day."""
        return {name: arr.T for name, arr in self._days_by_runs.items()}

    @property
    def day(self) -> int:
        return self.state.day

    def _context(self, day: int) -> core_day.DayContext:
        """What the calendar says about `day` (made once per day of the horizon)."""
        return self._contexts[day]

    def _make_contexts(self) -> list[core_day.DayContext]:
        inauguration = self.calendar.inauguration_day
        return [core_day.DayContext(
            day=day, winter=winter, mud=mud, strike_season=strike_season, demand_share=demand,
            inaugurated=day >= inauguration, days_since_inauguration=day - inauguration,
            us_aid_flowing=self.calendar.us_aid_flowing(day))
            for day, winter, mud, strike_season, demand in zip(
                range(self.days + 1), self._winter.tolist(), self._mud.tolist(),
                self._strike_season.tolist(), self._demand.tolist())]

    def decide(self, today: core_day.DayContext, day_block: np.ndarray | None = None,
               talks_block: np.ndarray | None = None) -> Moves:
        """The day's `Moves`: each leader in order adds its part, then Putin and Zelensky
        answer the day's package, if any. `day_block`, `talks_block`: the day's draws
        (`core_day.draw_day`), where the caller has them."""
        draws = core_day.LeaderDraws.for_day(self.keys, today.day, day_block, talks_block)
        moves: dict = {"package": talks.no_package(self.n_runs),
                       "proposer": np.zeros(self.n_runs, dtype=np.int8)}
        with portable.mode(self.math):  # the rules' exp and log too (a game's hint calls this)
            for leader in self.leaders:
                moves.update(leader.decide(moves, today, draws))
            for leader in self.leaders:
                moves.update(leader.respond(moves))
        self.rules_memo.clear()  # so yesterday's world is not kept alive
        return Moves(**moves)

    def step(self) -> None:
        """Leaders make the day's moves; the core applies the day; the model records."""
        if self.state.day >= self.days:
            self.running = False
            return
        self.today = self._context(self.state.day + 1)
        inputs = self.history.get(self.today.day)
        if inputs:  # the day-0 references (`derived`) stay those of the start
            self.params = self.params.with_overrides(inputs)
        # drawn once for the leaders and the day
        block, talks_block = core_day.draw_day(self.keys, self.today.day)
        self.moves = self.decide(self.today, block, talks_block)
        with portable.mode(self.math):
            self.state, self.events = core_day.advance(self.state, self.params, self.derived,
                                                       self.moves, self.keys, self.today, block)
        self._record()
        if self.state.day >= self.days:
            self.running = False

    def run(self) -> "ConflictModel":
        while self.running:
            self.step()
        return self

    def intervene(self, **overrides: Any) -> None:
        """Change parameters from the current day on (a dashboard slider during a run); history
        no longer changes them later."""
        self.params = self.params.with_overrides(overrides)
        self._derive_params = self._derive_params.with_overrides(overrides)
        self.history = {day: kept for day, inputs in self.history.items()
                        if (kept := {k: v for k, v in inputs.items() if k not in overrides})}
        self.derived = self._derive()
        self.overrides.update(overrides)
        self.interventions.append((self.state.day, dict(overrides)))

    def _derive(self) -> core_day.Derived:
        """The per-batch constants of the current parameters, from the start date's state."""
        p = self._derive_params
        with portable.mode(self.math):
            return core_day.derive(p, self.n_runs, self.sector_dtype, self.start_pace,
                                   core_day.start_ukraine_supply(p, self._context(0),
                                                                 self._history_params),
                                   self._history_params)

    def projection(self, record: bool = True, run: bool = True) -> "ConflictModel":
        """A copy of this model, continued from today's state to the horizon; `self` is untouched.

        The copy shares run keys and parameters, so its days ahead are exactly what stepping
        `self` would give (the dashboard's fan after an intervention). With `run=False` the copy
        is returned at today's day, for the caller to step in slices it can abandon.
        """
        twin = ConflictModel(scenario=self.scenario_name, n_runs=self.n_runs, days=self.days,
                             rng=self.seed, record=record, collect=False,
                             run_indices=self.run_indices, start_date=self.start_date,
                             precision=self.precision, uncertainty=self.uncertainty,
                             math=self.math, **self.initial_overrides)
        twin._continue_from(self)
        return twin.run() if run else twin

    def _continue_from(self, other: "ConflictModel") -> None:
        """Take over what has happened in `other` (built with the same arguments): its
        parameters after interventions, today's state and the days recorded so far."""
        self.params, self.derived = other.params, other.derived
        self._derive_params = other._derive_params
        self.today, self.state = other.today, other.state
        self.moves, self.events = other.moves, other.events
        self.overrides = dict(other.overrides)
        self.interventions = list(other.interventions)
        self.history = other.history
        if self.record:
            self._days_by_runs = {k: v.copy() for k, v in other._days_by_runs.items()}
        self.running = self.state.day < self.days

    def _record(self) -> None:
        d = self.state.day
        state = self.state
        for name, arr in self._days_by_runs.items():
            arr[d] = getattr(state, name)
        if self.datacollector is not None:
            self.datacollector.collect(self)


def start_front(start: dt.date) -> tuple[float, float, float]:
    """Occupied area, Ukrainian-held Kursk ground and the most Ukraine had held there, on the
    eve of the start date: a start after the incursion takes the salient of its eve
    (`datasets.kursk_held_km2_on`: 1,273 km2 on 2024-09-01, 800 on 2024-12-01) and measures its
    shrinking from the peak."""
    if start == calendar.START_DATE:
        return (sectors.OCCUPIED_INITIAL_KM2, sectors.KURSK_HELD_INITIAL_KM2,
                sectors.KURSK_PEAK_KM2)
    eve = start - dt.timedelta(days=1)
    occupied = datasets.occupied_km2_on(eve)
    held = datasets.kursk_held_km2_on(eve, dt.date.fromisoformat(sectors.KURSK_INCURSION_DATE))
    return occupied, held, (sectors.KURSK_PEAK_KM2 if held > 0.0 else 0.0)


def start_paces_of(start: dt.date) -> tuple[float, float]:
    """Russia's pace over the last three months before the start date, and over the three
    before those (DeepStateMap), each over the sector table's autumn-2024 pace: the front's
    state the day-0 forces are set to reproduce, and its trend. Days when Ukraine was on the
    offensive inside Ukraine are skipped (`sectors.russia_attacking_days`): there the net change
    is Ukraine's gains less Russia's, and after Kherson it would say Russia could not attack.
    Where days were skipped, no trend is read (the earlier quarter is taken as the last)."""
    day = dt.timedelta(days=1)

    def gained(spans) -> float:
        return sum(datasets.occupied_km2_on(end) - datasets.occupied_km2_on(first - day)
                   for first, end in spans)

    last = sectors.russia_attacking_days(start - day, START_PACE_WINDOW_DAYS)
    previous = sectors.russia_attacking_days(last[-1][0] - day, START_PACE_WINDOW_DAYS)
    last_gain = gained(last)
    # an offensive since: a trend read before it says nothing of the start's
    skipped = (start - previous[-1][0]).days > 2 * START_PACE_WINDOW_DAYS
    previous_gain = last_gain if skipped else gained(previous)
    scale = START_PACE_WINDOW_DAYS * sectors.front_pace_km2_per_day()
    return max(last_gain / scale, 0.0), max(previous_gain / scale, 0.0)


def rng_keys(seed: int, run_indices: np.ndarray) -> np.ndarray:
    try:
        return rng.run_keys(seed, run_indices)
    except ValueError:
        raise ParamError("seed", seed, "a whole number in [0, 2**63)") from None


def _reporter(name: str):
    def report(model: ConflictModel):
        value = getattr(model.state, name)
        return value[0].item() if model.n_runs == 1 else value.copy()
    report.__name__ = name
    return report
