"""Mesa agents: four states and their four leaders, each one actor across all runs.

A state agent's attributes are arrays over runs, read from the model's current `State` (never kept
from an earlier day). A leader agent's rules are short array functions below: each reads the world
and writes its moves into the day's `Actions`. Leaders decide in a fixed order (Putin, Zelensky,
Trump, European leaders), so a later leader may react to an earlier one's move of the same day.
"""

from __future__ import annotations

import numpy as np
import mesa

from . import sectors
from .actions import Actions
from .core import day as core_day
from .core import talks
from .core.arrays import clip, sector_column
from .params import PUTIN_STRATEGIES, Params
from .state import CEASEFIRE, TALKS, State

FREEZE = PUTIN_STRATEGIES.index("freeze")
MAXIMALIST = PUTIN_STRATEGIES.index("maximalist")
SERIOUS = PUTIN_STRATEGIES.index("serious")


# --------------------------------------------------------------------------- Putin's rules
def russia_gained_km2(state: State) -> np.ndarray:
    return state.occupied_km2 - state.occupied_start_km2


def putin_is_grabbing(p: Params, state: State) -> np.ndarray:
    """Freeze strategy: surge to grab as much ground as possible until a ceasefire is signed."""
    return (p.putin_strategy == FREEZE) & (state.talks_phase < CEASEFIRE)


def putin_ready_to_freeze(p: Params, state: State, reservation: np.ndarray) -> np.ndarray:
    """Freeze strategy: seek a ceasefire on the line once the target gain is reached or his
    expected marginal gain no longer beats his cost (`reservation`, see russia_reservation)."""
    return (russia_gained_km2(state) >= p.putin_freeze_gain_km2) | (reservation <= 0.0)


def putin_offensive_allocation(p: Params, state: State, grabbing: np.ndarray) -> np.ndarray:
    """Offensive effort per sector: the 2024 effort times his intensity, surging on the main
    axes while grabbing ground before a freeze; none once a ceasefire holds."""
    f = state.depth_km.dtype
    extra = np.where(grabbing, p.putin_grab_surge - 1.0, 0.0).astype(f)
    effort = np.multiply.outer(extra, sectors.MAIN_AXIS)  # surge - 1 on the main axes, else 0
    effort += 1.0
    effort *= sector_column(p.per_run("putin_offensive_intensity")
                            * (state.talks_phase < CEASEFIRE), f)
    return effort


def putin_strike_wave(p: Params, state: State, ctx: core_day.DayContext, draw) -> np.ndarray:
    """Launch a mass strike on the grid with a seasonal chance, cut by credible US deterrence;
    none during a ceasefire or an energy moratorium."""
    quiet = (state.talks_phase >= CEASEFIRE) | state.moratorium
    prob = core_day.strikes.strike_wave_probability(
        ctx.strike_season, p.strike_wave_prob_winter, p.strike_wave_prob_summer,
        p.deterrence_credibility, p.deterrence_strike_reduction, quiet)
    return draw < prob


def russia_reservation(p: Params, state: State) -> np.ndarray:
    return talks.russia_reservation_km2(
        state.russia_pace_belief, p.russia_cost_km2_day, state.russia_economic_pressure,
        state.russia_cost_private, state.russia_stability, p.planning_horizon_days)


def putin_offer(p: Params, state: State, ctx: core_day.DayContext, reservation: np.ndarray):
    """The concession (km2 beyond the line) Putin demands at this round of talks, by strategy:
    opportunist claims the most he thinks Kyiv accepts (never below his reservation); freeze
    stalls until ready, then offers the line; maximalist demands what Kyiv cannot accept;
    serious, under economic strain, settles for the least of his reservation and his estimate.
    Returns (offer or NaN, maximalist mask)."""
    estimate = state.russia_estimate_ukraine_tolerance_km2
    strategy = p.per_run("putin_strategy")
    claim = np.maximum(reservation, estimate)
    strained = state.russia_economic_pressure >= p.putin_serious_pressure
    offer = np.where(strategy == FREEZE, 0.0,
                     np.where(strategy == MAXIMALIST, p.putin_maximalist_demand_km2,
                              np.where((strategy == SERIOUS) & strained,
                                       np.minimum(reservation, estimate), claim)))
    since = ctx.day - state.phase_start_day
    round_due = (state.talks_phase == TALKS) & (since > 0) & (since % np.maximum(
        np.rint(p.offer_interval_days), 1) == 0)
    stalling = (strategy == FREEZE) & ~putin_ready_to_freeze(p, state, reservation)
    makes_offer = round_due & ~stalling
    return np.where(makes_offer, offer, np.nan), makes_offer & (strategy == MAXIMALIST)


def putin_seeks_talks(p: Params, state: State, ctx: core_day.DayContext,
                      reservation: np.ndarray) -> np.ndarray:
    """Freeze and maximalist Putin ask for talks with the new administration (freeze once ready
    to freeze); serious Putin asks once economic strain passes his threshold."""
    strategy = p.per_run("putin_strategy")
    strained = state.russia_economic_pressure >= p.putin_serious_pressure
    wants = (((strategy == FREEZE) & putin_ready_to_freeze(p, state, reservation))
             | (strategy == MAXIMALIST)
             | ((strategy == SERIOUS) & strained))
    return wants & ctx.inaugurated


def putin_breaks_ceasefire(p: Params, state: State, draw, reservation: np.ndarray) -> np.ndarray:
    """During a ceasefire, attack again with a chance that grows with his expected gain from
    fighting (`reservation`; his belief drifts back to its prior), cut by deterrence and
    guarantees."""
    hazard = (p.ceasefire_breakdown_per_day * np.minimum(reservation / 5000.0, 2.0)
              * (1.0 - p.deterrence_credibility * p.deterrence_strike_reduction)
              * (1.0 - 0.5 * p.eu_guarantee_strength))
    return (state.talks_phase == CEASEFIRE) & (draw < hazard)


# --------------------------------------------------------------------------- Zelensky's rules
def zelensky_mobilisation(p: Params, state: State) -> np.ndarray:
    """Mobilisation effort follows domestic support."""
    return 0.4 + 0.6 * state.ukraine_support


def ukraine_tolerance(p: Params, state: State) -> np.ndarray:
    return talks.ukraine_tolerance_km2(
        state.ukraine_pace_belief, p.ukraine_cost_km2_day, state.ukraine_economic_pressure,
        p.ukraine_resolve_km2, state.ukraine_resolve_private, state.ukraine_support,
        p.ukraine_support_initial, p.eu_guarantee_strength, p.planning_horizon_days,
        p.ukraine_max_concession_km2)


def zelensky_accepts(p: Params, state: State, offer: np.ndarray) -> np.ndarray:
    """Accept an offer when the concession is within Kyiv's red line and its tolerance, and Kyiv
    accepts a frozen line at all."""
    with np.errstate(invalid="ignore"):
        return (~np.isnan(offer) & (offer <= ukraine_tolerance(p, state))
                & (p.per_run("ukraine_accepts_frozen_line") > 0))


# --------------------------------------------------------------------------- Trump's rules
def trump_aid_level(p: Params, state: State, ctx: core_day.DayContext) -> np.ndarray:
    """After inauguration, aid is the contained level, cut further by blame on Kyiv."""
    contained = p.us_aid_baseline_bn_usd * p.trump_aid_level * (
        1.0 - p.trump_aid_cut_on_blame * np.maximum(-state.us_blame, 0.0))
    before = p.us_aid_baseline_bn_usd * ctx.us_aid_flowing
    return np.where(ctx.inaugurated, contained, before) * np.ones(state.n_runs)


def trump_sanctions(p: Params, state: State, ctx: core_day.DayContext) -> np.ndarray:
    """After inauguration, sanctions are set by the new administration, raised by blame on Moscow."""
    after = clip(p.trump_sanctions_level + p.trump_sanctions_on_blame
                    * np.maximum(state.us_blame, 0.0), 0.0, 1.0)
    return np.where(ctx.inaugurated, after, p.us_sanctions_initial) * np.ones(state.n_runs)


def trump_pushes_talks(p: Params, state: State, ctx: core_day.DayContext) -> np.ndarray:
    """After inauguration (and a delay), press both sides into talks."""
    due = ctx.days_since_inauguration >= p.trump_push_delay_days
    return ((p.per_run("trump_pushes_talks") > 0) & due) & ctx.inaugurated


# --------------------------------------------------------------------------- Europe's rules
def europe_aid_level(p: Params, state: State, us_aid: np.ndarray) -> np.ndarray:
    """Europe keeps its flow and makes up a share of any US cut (burden sharing)."""
    cut = np.maximum(p.us_aid_baseline_bn_usd - us_aid, 0.0)
    return p.eu_aid_baseline_bn_usd + p.eu_compensation_share * cut


def europe_sanctions(p: Params, state: State, ctx: core_day.DayContext) -> np.ndarray:
    """A new sanctions package at each interval while the war goes on."""
    due = (ctx.day % np.maximum(np.rint(p.eu_package_interval_days), 1) == 0)
    step = np.where(due & (state.talks_phase < CEASEFIRE), p.eu_sanctions_step, 0.0)
    return clip(state.eu_sanctions + step, 0.0, 1.0)


# --------------------------------------------------------------------------- agents
class StateAgent(mesa.Agent):
    """A state (Russia, Ukraine, United States, Europe): its attributes are arrays over runs."""

    FIELDS = {
        "Russia": {"economic_pressure": "russia_economic_pressure", "casualties": "russia_casualties",
                   "reserves_bn_usd": "nwf_bn_usd", "stability": "russia_stability",
                   "forces_k": "russia_force_k"},
        "Ukraine": {"economic_pressure": "ukraine_economic_pressure",
                    "casualties": "ukraine_casualties", "grid_gw": "grid_gw",
                    "support": "ukraine_support", "forces_k": "ukraine_force_k"},
        "United States": {"aid_bn_usd_yr": "us_aid_bn_usd_yr", "sanctions": "us_sanctions",
                          "blame": "us_blame"},
        "Europe": {"aid_bn_usd_yr": "eu_aid_bn_usd_yr", "sanctions": "eu_sanctions"},
    }

    def __init__(self, model, name: str):
        super().__init__(model)
        self.name = name
        self._fields = self.FIELDS[name]

    def __getattr__(self, attr):
        fields = self.__dict__.get("_fields", {})
        if attr in fields:
            return getattr(self.model.state, fields[attr])
        raise AttributeError(attr)


class Leader(mesa.Agent):
    """A leader: decides moves for every run at once and writes them into the day's actions."""

    def __init__(self, model, name: str, country: StateAgent):
        super().__init__(model)
        self.name = name
        self.country = country

    @property
    def p(self) -> Params:
        return self.model.params

    @property
    def world(self) -> State:
        return self.model.state

    @property
    def actions(self) -> Actions:
        return self.model.actions


class Putin(Leader):
    def step(self):
        p, s, a, ctx, u = self.p, self.world, self.actions, self.model.today, self.model.draws
        grabbing = putin_is_grabbing(p, s)
        reservation = russia_reservation(p, s)
        a.russia_offensive = putin_offensive_allocation(p, s, grabbing)
        a.russia_strike_wave = putin_strike_wave(p, s, ctx, u[:, core_day.COL_STRIKE_WAVE])
        a.russia_offer_km2, a.maximalist_terms = putin_offer(p, s, ctx, reservation)
        a.russia_seeks_talks = putin_seeks_talks(p, s, ctx, reservation)
        a.russia_breaks_ceasefire = putin_breaks_ceasefire(p, s, u[:, core_day.COL_BREAKDOWN],
                                                           reservation)


class Zelensky(Leader):
    def step(self):
        p, s, a = self.p, self.world, self.actions
        a.ukraine_deep_strike = p.per_run("zelensky_deep_strike_intensity")
        a.ukraine_mobilisation = zelensky_mobilisation(p, s)
        a.ukraine_accepts = zelensky_accepts(p, s, a.russia_offer_km2)


class Trump(Leader):
    """Before inauguration the outgoing administration's policy holds (aid and sanctions at
    their day-0 levels, no push for talks; in 2024, no new aid until the April package)."""

    def step(self):
        p, s, a, ctx = self.p, self.world, self.actions, self.model.today
        a.us_aid_bn_usd_yr = trump_aid_level(p, s, ctx)
        a.us_sanctions = trump_sanctions(p, s, ctx)
        a.us_pushes_talks = trump_pushes_talks(p, s, ctx)


class EuropeanLeaders(Leader):
    def step(self):
        p, s, a, ctx = self.p, self.world, self.actions, self.model.today
        a.eu_aid_bn_usd_yr = europe_aid_level(p, s, a.us_aid_bn_usd_yr) * np.ones(s.n_runs)
        a.eu_sanctions = europe_sanctions(p, s, ctx)
