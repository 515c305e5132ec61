"""The world's state: every variable an array with a leading run axis.

Shapes: `(n_runs,)` for per-run quantities, `(n_runs, n_sectors)` for the front. The core returns
a new `State` each day (`dataclasses.replace`); nothing mutates an old one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from . import rng, sectors
from .core import forces, portable
from .core.arrays import sector_array, sector_zeros
from .core.economy import WORLD_OIL_PRICE_2024_USD
from .params import Params

# talks_phase codes
NO_TALKS, TALKS, CEASEFIRE, SETTLEMENT = 0, 1, 2, 3
PHASE_NAMES = ("no talks", "talks while fighting", "ceasefire", "settlement")

N_ISSUES = 7  # issues of a talks package (sim.core.talks)

# Random streams (each one call per day for all runs)
STREAM_SETUP, STREAM_DAY = 1, 2
# One call per model, at build: each run's draw of its uncertain parameters (sim.uncertainty).
# STREAM_SETUP + 2 = 3 holds the day-0 advance shocks.
STREAM_PARAMETERS = 5
# Day-0 drive (speed over the pace at the reference ratio) the start's data may ask for: above
# parity, below the speed cap of `core.combat.advance_km`.
MIN_DAY0_DRIVE, MAX_DAY0_DRIVE = 0.02, 2.9
START_PACE_WINDOW_DAYS = 91  # the start's pace is that of the three months before it


@dataclass(frozen=True)
class PrivateTypeSpec:
    """A side's private type: drawn for each run on day 0 and known to that side only (the
    talks' incomplete information). The state holds it as `<name>_private`; a sweep's rows
    record it as `type_<name>`."""

    name: str
    label: str
    unit: str
    meaning: str


PRIVATE_TYPES: dict[str, PrivateTypeSpec] = {t.name: t for t in [
    PrivateTypeSpec("russia_cost", "Moscow's private cost of war", "x",
                    "Multiplier on Russia's public cost of a day of war, known to Moscow only: "
                    "exp(resolve_spread x a logistic draw), so 1 is what outsiders estimate."),
    PrivateTypeSpec("ukraine_resolve", "Kyiv's private resolve", "x",
                    "Multiplier on Kyiv's resolve to fight on, known to Kyiv only: "
                    "exp(resolve_spread x a logistic draw), so 1 is what outsiders estimate."),
]}


@dataclass(frozen=True, slots=True)
class State:
    day: int
    # front, (runs, sectors)
    depth_km: np.ndarray
    russia_force_k: np.ndarray
    ukraine_force_k: np.ndarray
    fortification: np.ndarray
    advance_shock: np.ndarray  # persistent noise of each sector's advance, unit variance
    offensive_strain: np.ndarray  # over-extension of the attack: its culmination (core.combat)
    force_balance_shift: np.ndarray  # (runs,) log multiplier on the effective force ratio
    force_balance_drift_per_day: np.ndarray  # (runs,) its growth today, fading (core.combat)
    # front, (runs,)
    occupied_km2: np.ndarray
    occupied_start_km2: np.ndarray  # occupied area on day 0 (the start date's state)
    kursk_start_km2: np.ndarray
    peak_occupied_km2: np.ndarray
    kursk_held_km2: np.ndarray
    kursk_peak_km2: np.ndarray  # the most Ukraine has held there (the salient's supply, combat)
    advance_km2_today: np.ndarray
    russia_casualties: np.ndarray
    ukraine_casualties: np.ndarray
    russia_casualties_today: np.ndarray
    ukraine_casualties_today: np.ndarray
    # forces raised (core.forces), (runs,)
    russia_recruit_pool_k: np.ndarray  # men still willing to sign at 2024 pay, thousand
    russia_contracts_today: np.ndarray  # contracts signed today, persons
    russia_called_up_today: np.ndarray  # reservists called up today, persons
    ukraine_in_training_k: np.ndarray  # mobilised, not yet at the front, thousand
    ukraine_recruits_today: np.ndarray  # reaching the front today, persons
    recent_pace_km2_day: np.ndarray  # Russian advance of the last quarter or so, km2/day
    start_pace_km2_day: np.ndarray  # that of the quarter before the start date (data)
    russia_troops_k: np.ndarray  # troops at the front, thousand (all sectors)
    ukraine_troops_k: np.ndarray
    ukraine_troops_start_k: np.ndarray  # on day 0: Kyiv's manpower shortage is against these
    front_force_ratio: np.ndarray  # Russian over Ukrainian troops at the front
    ukraine_offensive_sector: np.ndarray  # int8: the sector Ukraine attacks today, -1 none
    # days since Ukraine's last offensive ended (0 while one is on): its assault forces rebuilt
    ukraine_rested_days: np.ndarray
    # strikes
    grid_gw: np.ndarray
    outage_share: np.ndarray
    refinery_damage: np.ndarray
    strike_wave_today: np.ndarray
    # economy
    oil_price_usd: np.ndarray
    nwf_bn_usd: np.ndarray
    russia_revenue_trn_rub: np.ndarray
    russia_economic_pressure: np.ndarray
    ukraine_economic_pressure: np.ndarray
    russia_pressure_deficit: np.ndarray  # components of the pressure indices, each in [0, 1]
    russia_pressure_financing: np.ndarray
    russia_pressure_sanctions: np.ndarray
    ukraine_pressure_outages: np.ndarray
    ukraine_pressure_budget: np.ndarray
    ukraine_pressure_supply: np.ndarray
    ukraine_pressure_fighting: np.ndarray
    ukraine_military_supply: np.ndarray
    russia_military_supply: np.ndarray
    # politics
    ukraine_support: np.ndarray
    russia_stability: np.ndarray
    us_blame: np.ndarray  # -1 Ukraine blamed ... +1 Russia blamed
    # aid and sanctions
    us_aid_bn_usd_yr: np.ndarray
    eu_aid_bn_usd_yr: np.ndarray
    us_aid_total_bn_usd: np.ndarray
    eu_aid_total_bn_usd: np.ndarray
    us_sanctions: np.ndarray
    eu_sanctions: np.ndarray
    # talks
    talks_phase: np.ndarray  # int8 codes above
    phase_start_day: np.ndarray
    talks_open_days: np.ndarray
    ceasefire_day: np.ndarray  # first ceasefire, -1 if none
    settlement_day: np.ndarray
    ceasefire_breakdowns: np.ndarray
    ukraine_refusals: np.ndarray
    offers_made: np.ndarray  # packages put on the table
    last_offer_day: np.ndarray  # day of the last package on the table (or of talks opening)
    occupied_at_last_offer_km2: np.ndarray  # occupied area then: the front's shift since
    consent_refusals: np.ndarray  # packages both sides took that a party off the table blocked
    last_proposer: np.ndarray  # int8: talks.NOBODY, MOSCOW, KYIV or WASHINGTON
    last_package: np.ndarray  # (runs, talks.N_ISSUES), NaN before the first package
    last_offer_km2: np.ndarray  # the line of the last package: land beyond the line, km2
    proposer_today: np.ndarray  # int8, NOBODY on days without a package
    refused_today: np.ndarray  # a package was refused today (by anyone)
    ukraine_refused_today: np.ndarray
    russia_refused_today: np.ndarray
    refusal_reasonableness: np.ndarray  # of today's refused package as Washington saw it, or NaN
    deal_package: np.ndarray  # (runs, talks.N_ISSUES): the terms of the ceasefire in force, or 0
    deal_proposer: np.ndarray  # int8: who proposed the deal in force (talks.NOBODY if none)
    deal_consent: np.ndarray  # int8 bits (talks.CONSENT_*): who consented to the deal in force
    first_deal_package: np.ndarray  # (runs, talks.N_ISSUES): terms of the first ceasefire, NaN
    first_deal_proposer: np.ndarray  # int8
    first_deal_consent: np.ndarray  # int8 bits
    first_deal_energy_truce: np.ndarray  # an energy truce was in force when it was agreed
    ceded_km2: np.ndarray  # land ceded by deals, added to the occupied area
    force_ratio_at_ceasefire: np.ndarray  # Russian/Ukrainian front forces when the ceasefire began
    moratorium: np.ndarray  # an agreed energy truce is in force (no strikes on energy)
    energy_truce_day: np.ndarray  # first day an energy truce was agreed, -1 if none
    energy_truces_broken: np.ndarray
    # beliefs and private information
    russia_pace_belief: np.ndarray  # km2/day Moscow expects to gain
    ukraine_pace_belief: np.ndarray  # km2/day Kyiv expects to lose
    russia_cost_private: np.ndarray  # multiplier on Russia's public cost, known to Moscow only
    ukraine_resolve_private: np.ndarray  # multiplier on Kyiv's resolve, known to Kyiv only
    # each side's belief about the other's private type (log cost or log resolve multiplier)
    russia_belief_ukraine_type_mean: np.ndarray
    russia_belief_ukraine_type_sd: np.ndarray
    ukraine_belief_russia_type_mean: np.ndarray
    ukraine_belief_russia_type_sd: np.ndarray
    # running sums for outcomes
    russia_pressure_sum: np.ndarray
    ukraine_pressure_sum: np.ndarray

    @property
    def n_runs(self) -> int:
        return self.occupied_km2.shape[0]

    def replace(self, **changes) -> "State":
        return dataclasses.replace(self, **changes)


def initial_fortification(params: Params, start_pace: float = 1.0,
                          history: Params | None = None) -> np.ndarray:
    """(runs, sectors): building at history's rate balances erosion at the pace the front moves
    at on the start date (`start_pace`, relative to the autumn-2024 pace, times
    `start_pace_factor`), so a quiet front starts well fortified and a fast one does not. The
    works on the start date were dug at history's rate (`fortification_build_per_day` of
    `history`, `ConflictModel._history_params`; `params` when None); a run's own rate is a
    counterfactual that builds from day 0."""
    build = (params if history is None else history).per_run("fortification_build_per_day")
    build = build[:, None]
    pace = (start_pace * sectors.PACE_KM_PER_DAY[None, :]
            * params.per_run("start_pace_factor")[:, None])
    return build / np.maximum(build + sectors.FORTIFICATION_LOSS_PER_KM * pace, 1e-12)


def initial_strain(params: Params, start_pace: float) -> np.ndarray:
    """(runs, 1) strain on the start date: what pushing at `start_pace` (the pace of the three
    months before the start over the autumn-2024 pace, from the data) above the sustainable
    share for those three months has accumulated (`core.combat.step_strain`)."""
    excess = np.maximum(start_pace - params.per_run("culmination_sustainable_pace"), 0.0)
    return (excess * START_PACE_WINDOW_DAYS / params.per_run("culmination_memory_days"))[:, None]


def force_ratio_for_pace(params: Params, pace, strain=0.0) -> np.ndarray:
    """(runs, 1) effective force ratio at which an attacker at `strain` advances at `pace`
    (relative to the autumn-2024 pace; a number or a (runs, 1) column): the inverse of
    `core.combat.advance_km`'s drive and `core.combat.exhaust`."""
    per_run = params.per_run
    k = per_run("force_ratio_exponent")[:, None]
    reference = per_run("reference_force_ratio")[:, None]
    drive = (pace * (1.0 + per_run("culmination_exhaustion")[:, None] * strain)
             / np.maximum(per_run("advance_speed_scale")[:, None], 1e-6))
    drive = np.clip(drive, MIN_DAY0_DRIVE, MAX_DAY0_DRIVE)
    return portable.power(1.0 + drive * (portable.power(reference, k) - 1.0), 1.0 / k)


def initial_balance_drift(params: Params, start_pace: float,
                          previous_pace: float | None) -> np.ndarray:
    """(runs,) day-0 growth per day of the log force balance: the shift between the force ratios
    that give the two quarters' paces before the start (`previous_pace` is the quarter before
    the last), times `momentum_carry`, spread so that it fades over `momentum_days`. A front
    that was speeding up keeps speeding up for a while, one that was slowing keeps slowing."""
    if previous_pace is None:
        previous_pace = start_pace
    shift = portable.log(force_ratio_for_pace(params, start_pace)[:, 0]
                         / force_ratio_for_pace(params, previous_pace)[:, 0])
    return (shift * params.per_run("momentum_carry")
            / params.per_run("momentum_days")).astype(float)


def initial_forces(params: Params, n_runs: int, start_pace: float = 1.0,
                   ukraine_supply=1.0, history: Params | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Day-0 sector forces (thousand troops), set so that each sector starts at the pace the
    data show before the start date: the front's state is estimated from the data, the
    mechanisms carry it on.

    `start_pace` is the Russian pace of the three months before the start over the sector
    table's autumn-2024 pace (`model.start_pace`; 1 by default). The drive that gives that pace
    (times `start_pace_factor`) through the attacker's exhaustion at the day-0 strain fixes the
    day-0 force ratio, and Ukrainian forces follow from it, day-0 fortification and the
    defender's adaptation to that strain, and Ukraine's military supply on the start date
    (`ukraine_supply`, below 1 during 2024's gap in US aid: the pace before the start already
    reflects it). Russian forces are spread in proportion to width times activity. `history`
    as for `initial_fortification`.
    """
    per_run = params.per_run
    share = sectors.WIDTH_KM * sectors.ACTIVITY
    share = share / share.sum()
    russia = per_run("russia_front_force_k")[:, None] * share[None, :]
    strain = initial_strain(params, start_pace)
    ratio = force_ratio_for_pace(params, start_pace * per_run("start_pace_factor")[:, None],
                                 strain)
    ukraine = russia / (
        ratio
        * (1.0 + per_run("fortification_bonus")[:, None] * initial_fortification(params, start_pace,
                                                                               history))
        * (1.0 + per_run("culmination_adaptation")[:, None] * strain)
        * np.broadcast_to(np.asarray(ukraine_supply, dtype=float), (n_runs,))[:, None])
    return russia, ukraine


def initial_training_k(params: Params):
    """Ukrainians in training on day 0 (thousand): as many as 2024's mobilisation (the April
    2024 law, day-0 support, the front as expected) keeps in the pipeline, so the start neither
    starves nor floods the front; a different law, history's or a caller's, reaches the front
    through it. (A start inside December 2023's lower mobilisation begins with the pipeline
    fuller than it was.)"""
    return forces.pipeline_in_steady_state(
        params.ukraine_recruits_per_day * forces.support_effort(params.ukraine_support_initial),
        params.ukraine_training_days)


def initial_state(params: Params, keys: np.ndarray,
                  occupied_km2: float = sectors.OCCUPIED_INITIAL_KM2,
                  kursk_held_km2: float = sectors.KURSK_HELD_INITIAL_KM2,
                  sector_dtype=np.float32, start_pace: float = 1.0,
                  previous_pace: float | None = None, ukraine_supply=1.0,
                  history: Params | None = None,
                  ukraine_rested_days: float = float("inf"),
                  kursk_peak_km2: float | None = None) -> State:
    """Day-0 state of every run; the front's area figures and its pace (the pace of the three
    months before the start over the autumn-2024 pace) come from the start date's data. The
    (runs, sectors) arrays are held in `sector_dtype` (see `core.arrays.PRECISIONS`).
    `previous_pace` is the pace of the quarter before that (None: as `start_pace`, no trend);
    `ukraine_supply` Ukraine's military supply on the start date (`core.day.start_ukraine_supply`);
    `history` the inputs as they were then (`initial_fortification`); `ukraine_rested_days` the
    days since Ukraine's last offensive ended on the start date (`sectors.ukraine_rested_days`;
    the default is 2024-12-01's: the Kursk incursion was on, so none needed); `kursk_peak_km2`
    the most Ukraine had held in Kursk (None: the 2024 salient's peak if it holds ground there,
    else 0)."""
    n = keys.shape[0]
    s = sectors.N_SECTORS

    def full(value) -> np.ndarray:
        return np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()

    zeros = np.zeros(n)
    if kursk_peak_km2 is None:
        kursk_peak_km2 = sectors.KURSK_PEAK_KM2 if kursk_held_km2 > 0.0 else 0.0
    russia_force, ukraine_force = initial_forces(params, n, start_pace, ukraine_supply, history)
    fortification = initial_fortification(params, start_pace, history)
    if kursk_held_km2 <= 0.0:  # before the incursion: thin screens and no field works there
        screen = params.per_run("russia_kursk_garrison_k") / russia_force[:, sectors.KURSK]
        russia_force[:, sectors.KURSK] *= screen
        ukraine_force[:, sectors.KURSK] *= screen  # the sector's balance kept
        fortification[:, sectors.KURSK] = 0.0
    setup = rng.uniforms(keys, 0, STREAM_SETUP, 4)
    spread = full(params.resolve_spread)
    # private multipliers: lognormal-like around 1, known only to their own side
    russia_cost_private = portable.exp(spread * rng.logistic_noise(setup[:, 0]))
    ukraine_resolve_private = portable.exp(spread * rng.logistic_noise(setup[:, 1]))
    sanctions_us = full(params.us_sanctions_initial)
    sanctions_eu = full(params.eu_sanctions_initial)
    us_aid = full(params.us_aid_baseline_bn_usd)
    eu_aid = full(params.eu_aid_baseline_bn_usd)
    occupied = full(occupied_km2)
    start_pace_km2_day = start_pace * sectors.front_pace_km2_per_day()
    russia_troops, ukraine_troops = russia_force.sum(axis=1), ukraine_force.sum(axis=1)
    return State(
        day=0,
        depth_km=sector_zeros(n, s, sector_dtype),
        russia_force_k=sector_array(russia_force, sector_dtype),
        ukraine_force_k=sector_array(ukraine_force, sector_dtype),
        fortification=sector_array(fortification, sector_dtype),
        advance_shock=sector_array(rng.logistic_noise(
            rng.uniforms(keys, 0, STREAM_SETUP + 2, s)), sector_dtype),
        offensive_strain=sector_array(np.broadcast_to(initial_strain(params, start_pace),
                                                      (n, s)), sector_dtype),
        force_balance_shift=zeros.copy(),
        force_balance_drift_per_day=initial_balance_drift(params, start_pace, previous_pace),
        occupied_km2=occupied,
        occupied_start_km2=occupied.copy(),
        kursk_start_km2=full(kursk_held_km2),
        peak_occupied_km2=occupied.copy(),
        kursk_held_km2=full(kursk_held_km2),
        kursk_peak_km2=full(kursk_peak_km2),
        advance_km2_today=zeros.copy(),
        russia_casualties=zeros.copy(),
        ukraine_casualties=zeros.copy(),
        russia_casualties_today=zeros.copy(),
        ukraine_casualties_today=zeros.copy(),
        russia_recruit_pool_k=full(params.russia_recruit_pool_k),
        russia_contracts_today=full(params.russia_recruits_per_day),
        russia_called_up_today=zeros.copy(),
        ukraine_in_training_k=full(initial_training_k(params)),
        ukraine_recruits_today=full(initial_training_k(params) * 1000.0
                                    / params.ukraine_training_days),
        russia_troops_k=russia_troops,
        ukraine_troops_k=ukraine_troops,
        ukraine_troops_start_k=ukraine_troops.copy(),
        front_force_ratio=russia_troops / ukraine_troops,
        ukraine_offensive_sector=np.full(n, -1, dtype=np.int8),
        ukraine_rested_days=full(ukraine_rested_days),
        recent_pace_km2_day=full(start_pace_km2_day),
        start_pace_km2_day=full(start_pace_km2_day),
        grid_gw=full(params.grid_initial_gw),
        outage_share=zeros.copy(),
        refinery_damage=zeros.copy(),
        strike_wave_today=np.zeros(n, dtype=bool),
        oil_price_usd=full(WORLD_OIL_PRICE_2024_USD),
        nwf_bn_usd=full(params.nwf_initial_bn_usd),
        russia_revenue_trn_rub=full(params.oil_gas_revenue_trn_rub + params.non_oil_revenue_trn_rub),
        russia_economic_pressure=zeros.copy(),
        ukraine_economic_pressure=zeros.copy(),
        russia_pressure_deficit=zeros.copy(),
        russia_pressure_financing=zeros.copy(),
        russia_pressure_sanctions=zeros.copy(),
        ukraine_pressure_outages=zeros.copy(),
        ukraine_pressure_budget=zeros.copy(),
        ukraine_pressure_supply=zeros.copy(),
        ukraine_pressure_fighting=zeros.copy(),
        ukraine_military_supply=np.ones(n),
        russia_military_supply=np.ones(n),
        ukraine_support=full(params.ukraine_support_initial),
        russia_stability=full(0.8),
        us_blame=zeros.copy(),
        us_aid_bn_usd_yr=us_aid,
        eu_aid_bn_usd_yr=eu_aid,
        us_aid_total_bn_usd=zeros.copy(),
        eu_aid_total_bn_usd=zeros.copy(),
        us_sanctions=sanctions_us,
        eu_sanctions=sanctions_eu,
        talks_phase=np.zeros(n, dtype=np.int8),
        phase_start_day=np.zeros(n, dtype=np.int32),
        talks_open_days=np.zeros(n, dtype=np.int32),
        ceasefire_day=np.full(n, -1, dtype=np.int32),
        settlement_day=np.full(n, -1, dtype=np.int32),
        ceasefire_breakdowns=np.zeros(n, dtype=np.int32),
        ukraine_refusals=np.zeros(n, dtype=np.int32),
        offers_made=np.zeros(n, dtype=np.int32),
        last_offer_day=np.zeros(n, dtype=np.int32),
        occupied_at_last_offer_km2=occupied.copy(),
        consent_refusals=np.zeros(n, dtype=np.int32),
        last_proposer=np.zeros(n, dtype=np.int8),
        last_package=np.full((n, N_ISSUES), np.nan),
        last_offer_km2=np.full(n, np.nan),
        proposer_today=np.zeros(n, dtype=np.int8),
        refused_today=np.zeros(n, dtype=bool),
        ukraine_refused_today=np.zeros(n, dtype=bool),
        russia_refused_today=np.zeros(n, dtype=bool),
        refusal_reasonableness=np.full(n, np.nan),
        deal_package=np.zeros((n, N_ISSUES)),
        deal_proposer=np.zeros(n, dtype=np.int8),
        deal_consent=np.zeros(n, dtype=np.int8),
        first_deal_package=np.full((n, N_ISSUES), np.nan),
        first_deal_proposer=np.zeros(n, dtype=np.int8),
        first_deal_consent=np.zeros(n, dtype=np.int8),
        first_deal_energy_truce=np.zeros(n, dtype=bool),
        ceded_km2=zeros.copy(),
        force_ratio_at_ceasefire=np.ones(n),
        moratorium=np.zeros(n, dtype=bool),
        energy_truce_day=np.full(n, -1, dtype=np.int32),
        energy_truces_broken=np.zeros(n, dtype=np.int32),
        russia_pace_belief=full(params.russia_prior_pace_km2_day),
        ukraine_pace_belief=full(params.ukraine_prior_pace_km2_day),
        russia_cost_private=russia_cost_private,
        ukraine_resolve_private=ukraine_resolve_private,
        russia_belief_ukraine_type_mean=zeros.copy(),
        russia_belief_ukraine_type_sd=spread.copy(),
        ukraine_belief_russia_type_mean=zeros.copy(),
        ukraine_belief_russia_type_sd=spread.copy(),
        russia_pressure_sum=zeros.copy(),
        ukraine_pressure_sum=zeros.copy(),
    )
