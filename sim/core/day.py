"""One day of the world: `advance(state, params, derived, moves, keys, today) -> (State, DayEvents)`.

Pure: takes arrays, returns a new `State` and what happened; the same code serves one run or a
million. The leaders' decisions come in as one `Moves` record; the day's random numbers are drawn
inside from the run keys (one (runs, N_DRAWS) block of stream `STREAM_DAY`, laid out by the column
constants below), so a day is a function of its arguments alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import rng, sectors
from ..moves import Moves
from ..params import Params
from ..state import CEASEFIRE, STREAM_DAY, TALKS, State, initial_forces
from . import combat, economy, forces, politics, portable, strikes, talks
from .arrays import all_set, any_set, row_sum, row_sums, sector_array, sector_column

# Columns of the day's draws
S = sectors.N_SECTORS
COL_ADVANCE = slice(0, S)
COL_STRIKE_WAVE = S  # a leader's draw (Putin's strike wave): see `LeaderDraws`
COL_GRID_DAMAGE = S + 1
COL_REFINERY = S + 2
COL_OIL = S + 3
COL_TALKS_OPEN = S + 4
COL_COLLAPSE = S + 5
COL_BREAKDOWN = S + 6  # a leader's draw (Putin's breach of a ceasefire): see `LeaderDraws`
COL_SETTLE = S + 7
N_DRAWS = S + 8

CEASEFIRE_FIGHTING_INTENSITY = 0.5  # war spending share kept up during a ceasefire


# The leaders' talks draws have a stream of their own (one call per day), so that adding one
# leaves the front's and the economy's draws as they were. Columns:
STREAM_TALKS = 6
COL_OFFER = {talks.MOSCOW: 0, talks.KYIV: 1, talks.WASHINGTON: 2}  # whether each proposes today
COL_EU_HOLDOUT = 3  # a member state vetoes the EU's relief in today's package
COL_TRUCE_BREAK = 4  # Moscow ends an energy truce it no longer values
COL_SEEK_TALKS = 5  # a Moscow under strain asks for talks
N_TALKS_DRAWS = 6


@dataclass(frozen=True, slots=True)
class LeaderDraws:
    """The random numbers a leader's rule may use on a day, (runs,) each: columns of the day's
    block that the core leaves to the leaders, and the talks stream. A seated student needs none
    of them."""

    strike_wave: np.ndarray  # Putin: whether a mass strike is launched today
    ceasefire_breach: np.ndarray  # Putin: whether he breaks a ceasefire today
    offer: dict  # talks party code -> whether it puts a package on the table today
    eu_holdout: np.ndarray  # Europe: whether a member state vetoes the EU's relief today
    truce_break: np.ndarray  # Putin: whether he ends an energy truce he no longer values
    seek_talks: np.ndarray  # Putin: whether a Moscow under strain asks for talks today

    @classmethod
    def for_day(cls, keys: np.ndarray, day: int, day_block: np.ndarray | None = None,
                talks_block: np.ndarray | None = None) -> "LeaderDraws":
        """The day's leader draws; `day_block` and `talks_block` are the day's blocks of the
        core's and the talks' streams (`draw_day`) where the caller has them (what it has not
        is hashed here)."""
        if day_block is None:
            u = rng.uniform_columns(keys, day, STREAM_DAY, N_DRAWS,
                                    (COL_STRIKE_WAVE, COL_BREAKDOWN))
            strike_wave, ceasefire_breach = u[:, 0], u[:, 1]
        else:
            strike_wave = day_block[:, COL_STRIKE_WAVE]
            ceasefire_breach = day_block[:, COL_BREAKDOWN]
        t = (rng.uniforms(keys, day, STREAM_TALKS, N_TALKS_DRAWS) if talks_block is None
             else talks_block)
        return cls(strike_wave=strike_wave, ceasefire_breach=ceasefire_breach,
                   offer={party: t[:, k] for party, k in COL_OFFER.items()},
                   eu_holdout=t[:, COL_EU_HOLDOUT], truce_break=t[:, COL_TRUCE_BREAK],
                   seek_talks=t[:, COL_SEEK_TALKS])


@dataclass(frozen=True, slots=True)
class DayEvents:
    """What happened in the talks on a day, (runs,) bool masks."""

    opened: np.ndarray
    offer_made: np.ndarray
    refused: np.ndarray
    ceasefire: np.ndarray
    collapsed: np.ndarray
    broke: np.ndarray
    settled: np.ndarray


@dataclass(frozen=True)
class DayContext:
    """What the calendar says about one day."""

    day: int
    winter: bool
    mud: bool
    strike_season: bool
    demand_share: float
    inaugurated: bool
    days_since_inauguration: int
    us_aid_flowing: bool  # False during the 2024 congressional gap (calibration window)


@dataclass(frozen=True)
class Derived:
    """Per-batch constants computed from the parameters (recomputed when they change)."""

    russia_loss_rate: np.ndarray  # (runs, 1): casualties per thousand Ukrainian troops per day
    ukraine_loss_rate: np.ndarray
    russia_recruit_share: np.ndarray  # (runs, sectors): where recruits go when nobody fights
    ukraine_recruit_share: np.ndarray
    russia_pressure_day0: np.ndarray  # (runs,)
    attrition_frequency: np.ndarray  # (runs, 1): sqrt(a b) at unit intensity, 1/day
    attrition_ratio: np.ndarray  # (runs, 1): sqrt(a / b)
    sanctions_day0: np.ndarray  # US plus European sanctions intensity at day 0
    # history's share of strike damage air defence stopped in 2024 (what the damage figures are
    # net of): a run's own share is measured against it
    air_defence_2024: np.ndarray | float
    military_aid_2024_bn_usd: np.ndarray | float  # history's, what military supply is measured against
    ukraine_supply_day0: np.ndarray | float  # Ukraine's supply the day-0 forces were estimated for
    momentum_decay_per_day: np.ndarray  # exp(-1 / momentum_days): how the momentum's drift fades
    # the parameters that meet (runs, sectors) arrays, as columns of their dtype (`sector_column`)
    columns: dict[str, np.ndarray]
    seasons: dict[tuple[bool, bool], np.ndarray]  # (winter, mud) -> the season's speed column
    advance_speeds: dict[tuple[bool, bool], np.ndarray]  # (winter, mud) -> `combat.advance_speed`
    shock_mix: combat.ShockMix  # the advance shock's constants
    noise_mean: np.ndarray  # the advance noise's mean factor, sector dtype
    reference_drive: np.ndarray  # reference_force_ratio ** force_ratio_exponent - 1
    offensive_axis_share: np.ndarray  # (runs, sectors): the sector's width an offensive pushes
    # (runs, sectors): Ukraine's offensive pace per sector, an incursion's in Kursk
    ukraine_offensive_pace: np.ndarray


# Parameters the day uses as (runs, 1) columns of the sector arrays' dtype
SECTOR_PARAMS = (
    "attrition_strain_weight", "wounded_return_share", "fortification_bonus",
    "culmination_adaptation", "advance_noise_persistence", "advance_noise_common_share",
    "reference_force_ratio", "force_ratio_exponent", "counterattack_factor",
    "advance_speed_scale", "advance_noise_sd", "culmination_exhaustion",
    "culmination_sustainable_pace", "culmination_memory_days", "fortification_build_per_day",
    "ukraine_offensive_pace_km_day", "ukraine_offensive_loss_factor",
)


def military_aid_2024_bn_usd(history: Params):
    """History's 2024 military aid (bn USD/year), what military supply is measured against: a
    run with more (or less) aid than history is better (or worse) supplied from day 0."""
    h = history
    return economy.military_aid_bn_usd(h.us_aid_baseline_bn_usd, h.us_military_share,
                                       h.eu_aid_baseline_bn_usd, h.eu_military_share)


def start_ukraine_supply(params: Params, ctx: DayContext,
                         history: Params | None = None) -> np.ndarray:
    """Ukraine's military supply on the start date under history's aid of that date (`history`,
    `ConflictModel._history_params`; `params` when None: 2024's flows, none from the US during
    2024's gap): what the pace before the start was fought with, and so what the day-0 forces
    are estimated for. A run's own aid levels are counterfactuals that act from day 0 (supply
    moves toward them over `aid_delivery_days`), not a different history: with more aid the
    estimated forces stay the same and are better supplied."""
    h = params if history is None else history
    return economy.ukraine_military_supply(
        h.us_aid_baseline_bn_usd * ctx.us_aid_flowing, h.us_military_share,
        h.eu_aid_baseline_bn_usd, h.eu_military_share, military_aid_2024_bn_usd(h),
        params.ukraine_domestic_supply_share)


def derive(params: Params, n_runs: int, sector_dtype=np.float32,
           start_pace: float = 1.0, ukraine_supply=1.0, history: Params | None = None) -> Derived:
    """Per-batch constants; those that meet (runs, sectors) arrays in `sector_dtype`.
    `start_pace` is the pace before the start date over the autumn-2024 pace (from the data),
    `ukraine_supply` Ukraine's military supply on the start date (`start_ukraine_supply`).
    `history` holds the inputs as they were on the start date (the run's draws and the start's
    inputs, no caller's or student's values; `params` when None): Russia's day-0 sanctions and
    economic pressure, from which the Urals discount, the sign-up pay and Russia's supply are
    measured, 2024's air defence, which the strike damage figures are net of, 2024's military
    aid, which supply is measured against, and the field works the day-0 forces are estimated
    with, are history's, so a run's own sanctions, budget, air defence, aid or building act from
    day 0."""
    p = params
    h = params if history is None else history
    russia0, ukraine0 = initial_forces(params, n_runs, start_pace, ukraine_supply, h)
    russia_rate = combat.attrition_coefficients(p.russia_casualties_per_day_2024, ukraine0,
                                                p.wounded_return_share)
    ukraine_rate = combat.attrition_coefficients(p.ukraine_casualties_per_day_2024, russia0,
                                                 p.wounded_return_share)
    base_sanctions = economy.sanctions_intensity(h.us_sanctions_initial, h.eu_sanctions_initial)
    pressure0 = economy.russia_pressure_index(
        russia_pressure_parts_day0(h, h.nwf_initial_bn_usd, base_sanctions),
        h.sanctions_pressure_weight)
    russia_rate = np.broadcast_to(russia_rate, (n_runs,))[:, None]
    ukraine_rate = np.broadcast_to(ukraine_rate, (n_runs,))[:, None]
    f = sector_dtype
    columns = {name: sector_column(getattr(p, name), f) for name in SECTOR_PARAMS}
    seasons = {(winter, mud): sector_column(combat.season_factor(
        winter, mud, p.winter_speed_factor, p.mud_speed_factor), f)
        for winter in (False, True) for mud in (False, True)}
    return Derived(
        russia_loss_rate=russia_rate,
        ukraine_loss_rate=ukraine_rate,
        attrition_frequency=np.sqrt(russia_rate * ukraine_rate).astype(f),
        attrition_ratio=np.sqrt(russia_rate / ukraine_rate).astype(f),
        russia_recruit_share=sector_array(russia0 / russia0.sum(axis=1, keepdims=True), f),
        ukraine_recruit_share=sector_array(ukraine0 / ukraine0.sum(axis=1, keepdims=True), f),
        russia_pressure_day0=np.broadcast_to(pressure0, (n_runs,)).copy(),
        sanctions_day0=base_sanctions,
        air_defence_2024=h.air_defence_interception,
        military_aid_2024_bn_usd=military_aid_2024_bn_usd(h),
        ukraine_supply_day0=ukraine_supply,
        momentum_decay_per_day=portable.exp(-1.0 / np.asarray(p.momentum_days, dtype=float)),
        columns=columns,
        seasons=seasons,
        advance_speeds={season: combat.advance_speed(columns["advance_speed_scale"], factor, f)
                        for season, factor in seasons.items()},
        shock_mix=combat.shock_mix(columns["advance_noise_persistence"],
                                   columns["advance_noise_common_share"], S),
        noise_mean=combat.noise_mean(columns["advance_noise_sd"], f),
        reference_drive=(portable.power(columns["reference_force_ratio"],
                                       columns["force_ratio_exponent"]) - 1.0),
        offensive_axis_share=sector_array(combat.offensive_axis_share(
            sector_column(p.ukraine_offensive_axis_km, f), f)),
        ukraine_offensive_pace=sector_array(np.where(
            np.arange(S) == sectors.KURSK, sector_column(p.ukraine_incursion_pace_km_day, f),
            columns["ukraine_offensive_pace_km_day"])),
    )


def russia_pressure_parts_day0(p: Params, nwf_bn_usd, sanctions):
    """Russia's pressure parts on the start date: 2024's budget, its deficit borrowed at home
    but for the share the fund covers (while it has anything left)."""
    deficit = economy.deficit_trn_rub(p.russia_spending_trn_rub,
                                      p.oil_gas_revenue_trn_rub + p.non_oil_revenue_trn_rub)
    home = deficit * (1.0 - p.nwf_deficit_share * (np.asarray(nwf_bn_usd) > 0.0))
    return economy.russia_pressure_parts(p.russia_spending_trn_rub, deficit, home,
                                         p.russia_home_borrowing_capacity_trn_rub, sanctions)


def initialise(state: State, params: Params, derived: Derived, ctx: DayContext) -> State:
    """Fill the day-0 derived quantities (pressures, supplies, outages) of a fresh state. Its
    aid is the leaders' day-1 rule's before the new administration: 2024's gap in US aid, as
    `us_aid_gap_share` keeps it, and Europe's share of what is missing."""
    p = params
    us_aid = economy.us_aid_before_inauguration(state.us_aid_bn_usd_yr, p.us_aid_gap_share,
                                                ctx.us_aid_flowing)
    state = state.replace(us_aid_bn_usd_yr=us_aid, eu_aid_bn_usd_yr=(
        economy.europe_aid_with_compensation(state.eu_aid_bn_usd_yr, p.eu_compensation_share,
                                             p.us_aid_baseline_bn_usd, us_aid)))
    budget_gap = economy.ukraine_budget_gap(state.us_aid_bn_usd_yr, p.us_military_share,
                                            state.eu_aid_bn_usd_yr, p.eu_military_share,
                                            p.ukraine_external_need_bn_usd)
    full = np.ones(state.n_runs)
    supply = derived.ukraine_supply_day0 * full  # what the day-0 forces were set for
    outage = strikes.outage_share(state.grid_gw, p.grid_peak_demand_gw, ctx.demand_share)
    # the run's own day-0 pressure (history's is the reference in `derived`)
    russia_parts = russia_pressure_parts_day0(
        p, state.nwf_bn_usd, economy.sanctions_intensity(p.us_sanctions_initial,
                                                         p.eu_sanctions_initial))
    ukraine_parts = economy.ukraine_pressure_parts(outage, budget_gap, supply, 1.0)
    return state.replace(
        outage_share=outage,
        ukraine_military_supply=supply,
        russia_economic_pressure=economy.russia_pressure_index(
            russia_parts, p.sanctions_pressure_weight) * full,
        ukraine_economic_pressure=economy.ukraine_pressure_index(ukraine_parts) * full,
        russia_pressure_deficit=russia_parts[0] * full,
        russia_pressure_financing=russia_parts[1] * full,
        russia_pressure_sanctions=russia_parts[2] * full,
        ukraine_pressure_outages=ukraine_parts[0] * full,
        ukraine_pressure_budget=ukraine_parts[1] * full,
        ukraine_pressure_supply=ukraine_parts[2] * full,
        ukraine_pressure_fighting=ukraine_parts[3] * full,
    )


def _where(mask: np.ndarray, new, old: np.ndarray, dtype=None) -> np.ndarray:
    """`np.where(mask, new, old)` (as `dtype`) for a record that changes only on rare days
    (an offer, a deal): where no run's mask is set, `old` itself, which no one writes to."""
    if not any_set(mask):
        return old
    out = np.where(mask[:, None] if old.ndim == 2 else mask, new, old)
    return out if dtype is None else out.astype(dtype)


def _count(total: np.ndarray, today: np.ndarray) -> np.ndarray:
    """A count plus today's (runs,) bool mask; on the many days when the mask is empty, the
    count itself (an integer plus False is the integer, in the count's dtype)."""
    return total + today if any_set(today) else total


def hand_back_kursk(depth_km, kursk_held_km2, kursk_start_km2, returned_km2):
    """A deal that hands back Russian ground: Ukraine withdraws from that much of the Kursk
    salient (at most what it holds), and the sector's depth moves so that the front keeps it
    so; all of it handed back leaves none held. Returns the depths and the ground still held."""
    returned = np.minimum(np.maximum(returned_km2, 0.0), kursk_held_km2)
    if not any_set(returned > 0.0):
        return depth_km, kursk_held_km2
    held = np.where(returned >= kursk_held_km2, 0.0, kursk_held_km2 - returned)
    width = sectors.WIDTH_KM[sectors.KURSK]
    # a metre past the salient's base where it all goes, so no float32 crumb of it stays held
    retaken = (kursk_start_km2 - held) / width + np.where(held > 0.0, 0.0, 1e-3)
    depth = depth_km.copy(order="A")
    depth[:, sectors.KURSK] = np.where(returned > 0.0, retaken, depth_km[:, sectors.KURSK])
    return depth, held


def _deal_term(agreed_today: np.ndarray, in_force: np.ndarray, new: np.ndarray,
               old: np.ndarray, none) -> np.ndarray:
    """A term of the deal in force: today's where a deal is agreed today, the old one where a
    deal still holds, `none` elsewhere. On the many days when no deal is agreed and all or no
    runs hold one, the same values without the (runs,) selections."""
    if not any_set(agreed_today):
        if all_set(in_force):
            return old
        if not any_set(in_force):
            return np.full(old.shape, none, dtype=np.result_type(old, none))
    mask = agreed_today if old.ndim == 1 else agreed_today[:, None]
    held = in_force if old.ndim == 1 else in_force[:, None]
    return np.where(mask, new, np.where(held, old, none))


def day_draws(keys: np.ndarray, day: int) -> np.ndarray:
    """The day's (runs, N_DRAWS) block of stream `STREAM_DAY` (columns above)."""
    return rng.uniforms(keys, day, STREAM_DAY, N_DRAWS)


def draw_day(keys: np.ndarray, day: int) -> tuple[np.ndarray, np.ndarray]:
    """The day's block of stream `STREAM_DAY` (`day_draws`) and its (runs, N_TALKS_DRAWS) block
    of the talks stream, hashed together (cheaper than one at a time at small batches)."""
    return rng.uniform_streams(keys, day, ((STREAM_DAY, N_DRAWS), (STREAM_TALKS, N_TALKS_DRAWS)))


def advance(state: State, params: Params, derived: Derived, moves: Moves, keys: np.ndarray,
            ctx: DayContext, draws: np.ndarray | None = None) -> tuple[State, DayEvents]:
    """The world one day on from `state` (on day `ctx.day`), given the leaders' `moves`.
    `draws` is `day_draws(keys, ctx.day)` where the caller has drawn it already (the model
    does, for the leaders' columns); it is read, never written."""
    p = params
    day = ctx.day
    if draws is None:
        draws = day_draws(keys, day)
    phase = state.talks_phase
    f = state.depth_km.dtype  # the sector arrays' precision

    def _col(x):
        return sector_column(x, f)

    fighting = phase < CEASEFIRE
    all_fighting = all_set(fighting)  # then a product with `fighting` is its other factor
    c = derived.columns  # the parameters that meet the sector arrays

    # --- supply from aid and the war economy
    budget_gap = economy.ukraine_budget_gap(moves.us_aid_bn_usd_yr, p.us_military_share,
                                            moves.eu_aid_bn_usd_yr, p.eu_military_share,
                                            p.ukraine_external_need_bn_usd)
    ukraine_supply = economy.deliver(state.ukraine_military_supply, economy.ukraine_military_supply(
        moves.us_aid_bn_usd_yr, p.us_military_share, moves.eu_aid_bn_usd_yr,
        p.eu_military_share, derived.military_aid_2024_bn_usd, p.ukraine_domestic_supply_share),
        p.aid_delivery_days)
    russia_supply = economy.russia_military_supply(state.russia_economic_pressure,
                                                   derived.russia_pressure_day0,
                                                   p.russia_supply_pressure_sensitivity)

    # --- combat: attrition (exact Lanchester over the day), then manoeuvre
    offensive = (moves.russia_offensive if all_fighting
                 else moves.russia_offensive * fighting[:, None])
    intensity = offensive * combat.sector_row("ACTIVITY", f)
    # assaults where the front moves cost the attacker more (its loss rate times 1 + w strain).
    # Ukraine's offensives (rare: only where Zelensky's gates open) add fighting where they
    # strike, at a higher loss rate for the attacker; without one the day is computed as before.
    # A run without an offensive gets exactly the numbers it gets in a batch where none attacks
    # (replay is exact in any batch): the offensive's formulas apply only to runs attacking.
    penalty = combat.culmination_factor(state.offensive_strain, c["attrition_strain_weight"])
    assault = np.sqrt(penalty)
    ukraine_attacks = (moves.ukraine_offensive is not combat.no_offensive(*state.depth_km.shape)
                       and any_set(moves.ukraine_offensive))
    if ukraine_attacks:
        ukraine_attack = (moves.ukraine_offensive * fighting[:, None]).astype(f)
        attacked = ukraine_attack > 0.0
        both_sides, both_ratio = combat.offensive_attrition(
            intensity, penalty, attacked * np.asarray(combat.UKRAINE_OFFENSIVE_INTENSITY, f),
            c["ukraine_offensive_loss_factor"])
        in_attack = attacked.any(axis=1)[:, None]
        intensity *= assault
        intensity = np.where(in_attack, both_sides, intensity)
        assault = np.where(in_attack, both_ratio, assault)
    else:
        intensity *= assault
    assault *= derived.attrition_ratio
    russia_after, ukraine_after, russia_loss, ukraine_loss = combat.lanchester_scaled(
        state.russia_force_k, state.ukraine_force_k, derived.attrition_frequency * intensity,
        assault)
    # --- forces raised: Russia's contracts (pay the budget funds, the pool left) and call-ups
    # (as far as stability allows); Ukraine's mobilised through the training pipeline
    signup_pay = forces.russia_signup_pay(p.russia_signup_pay, state.russia_economic_pressure,
                                          derived.russia_pressure_day0,
                                          p.russia_signup_pay_pressure_cut)
    contracts = forces.russia_contracts_per_day(
        p.russia_recruits_per_day, signup_pay, p.russia_signup_pay_elasticity,
        forces.pool_left_share(state.russia_recruit_pool_k, p.russia_recruit_pool_k))
    called_up = forces.russia_called_up_per_day(moves.russia_call_up, state.russia_stability,
                                                p.russia_call_up_stability_floor)
    in_training, ukraine_arriving_k = forces.step_pipeline(
        state.ukraine_in_training_k, p.ukraine_recruits_per_day * moves.ukraine_mobilisation
        / 1000.0, p.ukraine_training_days)
    returned = c["wounded_return_share"]
    # thousand troops, summed in the sector dtype
    russia_lost, ukraine_lost = row_sums(russia_loss, ukraine_loss, dtype=f)
    russia_recruits_k = (contracts + called_up) / 1000.0
    to_kursk = moves.russia_reserves_to_kursk
    if any_set(to_kursk):  # Putin's reserves for the salient: that share of the day's recruits
        russia_force = combat.replenish(russia_after, russia_loss, returned,
                                        _col(russia_recruits_k * (1.0 - to_kursk)),
                                        derived.russia_recruit_share, russia_lost)
        russia_force[:, sectors.KURSK] += (to_kursk * russia_recruits_k).astype(f)
    else:
        russia_force = combat.replenish(russia_after, russia_loss, returned,
                                        _col(russia_recruits_k), derived.russia_recruit_share,
                                        russia_lost)
    ukraine_force = combat.replenish(ukraine_after, ukraine_loss, returned,
                                     _col(ukraine_arriving_k), derived.ukraine_recruit_share,
                                     ukraine_lost)
    russia_casualties_today = russia_lost.astype(np.float64) * 1000.0
    ukraine_casualties_today = ukraine_lost.astype(np.float64) * 1000.0

    # an offensive draws forces from the other sectors: their defence is thinner today
    defending = (combat.concentrate(ukraine_force, ukraine_attack) if ukraine_attacks
                 else ukraine_force)
    ratio = combat.effective_force_ratio(russia_force, defending, offensive,
                                         state.fortification, russia_supply, ukraine_supply,
                                         c["fortification_bonus"], state.offensive_strain,
                                         c["culmination_adaptation"])
    ratio *= _col(portable.exp(state.force_balance_shift))
    # a salient being retaken is supplied over a road ever more under fire: Ukraine's supply
    # there, and so its defence and its attack, fall as it shrinks from its peak
    salient = None
    if any_set(state.kursk_held_km2 < state.kursk_peak_km2):
        salient = combat.salient_supply(state.kursk_held_km2, state.kursk_peak_km2,
                                        p.per_run("kursk_salient_supply_loss")).astype(f)
        ratio[:, sectors.KURSK] /= salient
    shock = combat.step_shock(state.advance_shock,
                              rng.logistic_noise(draws[:, COL_ADVANCE], f),
                              c["advance_noise_persistence"],
                              c["advance_noise_common_share"], derived.shock_mix)
    advance = combat.advance_km(ratio, derived.seasons[ctx.winter, ctx.mud], shock,
                                c["reference_force_ratio"], c["force_ratio_exponent"],
                                c["counterattack_factor"], c["advance_speed_scale"],
                                c["advance_noise_sd"], derived.reference_drive,
                                derived.noise_mean, derived.advance_speeds[ctx.winter, ctx.mud])
    combat.exhaust(advance, state.offensive_strain, c["culmination_exhaustion"])
    if not all_fighting:
        advance *= fighting[:, None]
    # Russia's front in the Kursk sector moves only while Ukraine holds ground inside Russia:
    # before an incursion (earlier starts) and once Russia has retaken it, Putin's effort there
    # is none, which would otherwise read as a Ukrainian counter-advance into Russia, retaken
    # the next day, over and over (an incursion's own push is subtracted below)
    held = state.kursk_held_km2 > 0.0
    if not all_set(held):
        advance[:, sectors.KURSK] *= held
    if ukraine_attacks:  # Ukraine's offensive pushes the front back where it strikes
        # on an axis of its sector: all the troops drawn in and the axis's share of the sector's
        # own attack the axis's share of Russia's defence; what it retakes there is that share
        # of the sector's mean depth (axis share 1: the whole sector, exactly)
        axis = np.where(attacked, derived.offensive_axis_share, np.asarray(1.0, f))
        attack_ratio = combat.ukraine_attack_ratio(
            defending - ukraine_force * (1.0 - axis), russia_force * axis, state.fortification,
            ukraine_supply, russia_supply, c["fortification_bonus"],
            _col(state.force_balance_shift), state.offensive_strain, c["culmination_adaptation"])
        if salient is not None:
            attack_ratio[:, sectors.KURSK] *= salient
        retaken = combat.ukraine_advance_km(
            attack_ratio, attacked, derived.seasons[ctx.winter, ctx.mud], shock,
            c["reference_force_ratio"], c["force_ratio_exponent"],
            derived.ukraine_offensive_pace, c["advance_noise_sd"], derived.noise_mean)
        combat.exhaust(retaken, state.offensive_strain, c["culmination_exhaustion"])
        retaken *= axis
        advance -= retaken
    balance_shift, balance_drift = combat.step_balance(
        state.force_balance_shift, state.force_balance_drift_per_day, fighting,
        derived.momentum_decay_per_day)
    strain = combat.step_strain(state.offensive_strain, advance,
                                c["culmination_sustainable_pace"],
                                c["culmination_memory_days"])
    if ukraine_attacks:
        strain = combat.step_ukraine_strain(strain, retaken, derived.ukraine_offensive_pace,
                                            c["culmination_memory_days"])
    depth, occupied, kursk_held = combat.step_front(state.depth_km, advance,
                                                    state.occupied_start_km2 + state.ceded_km2,
                                                    state.kursk_start_km2)
    fortification = combat.step_fortification(state.fortification, advance,
                                              c["fortification_build_per_day"])
    if not all_set(kursk_held > 0.0):  # no field works on a border with no front on it
        fortification[:, sectors.KURSK] *= kursk_held > 0.0
    advance_km2 = occupied - state.occupied_km2

    # --- strikes (the grid's, the refineries' and the oil price's shocks, consecutive columns
    # of the day's draws: one log for the three)
    grid_shock, refinery_shock, oil_shock = rng.logistic_noise(
        draws[:, COL_GRID_DAMAGE:COL_OIL + 1]).T
    interception = strikes.air_defence(p.air_defence_interception, ukraine_supply)
    wave = moves.russia_strike_wave & fighting & ~state.moratorium
    grid = strikes.step_grid(state.grid_gw, wave, p.strike_wave_damage_gw, interception,
                             derived.air_defence_2024,
                             grid_shock, p.grid_repair_per_day,
                             p.grid_max_gw, budget_gap)
    outage = strikes.outage_share(grid, p.grid_peak_demand_gw, ctx.demand_share)
    deep = (moves.ukraine_deep_strike if all_fighting
            else moves.ukraine_deep_strike * fighting) * ~state.moratorium
    refinery = strikes.step_refineries(state.refinery_damage, deep, p.deep_strike_refinery_damage,
                                       p.refinery_repair_per_day,
                                       refinery_shock)

    # --- economy
    price = economy.step_oil_price(state.oil_price_usd, p.world_oil_price_usd, p.oil_price_volatility,
                                   oil_shock)
    # a deal's relief lifts each bloc's sanctions by the share that bloc granted
    sanctions = economy.sanctions_intensity(
        moves.us_sanctions * (1.0 - state.deal_package[:, talks.SANCTIONS_RELIEF]),
        moves.eu_sanctions * (1.0 - state.deal_package[:, talks.EU_RELIEF]))
    discount = economy.urals_discount(p.urals_discount_usd, p.sanctions_discount_usd, sanctions,
                                      derived.sanctions_day0)
    revenue = p.non_oil_revenue_trn_rub + economy.oil_gas_revenue(
        p.oil_gas_revenue_trn_rub, price, discount, p.urals_discount_usd, refinery,
        p.refinery_revenue_share)
    fighting_intensity = row_sum(offensive) / S
    if not all_fighting:
        fighting_intensity = np.where(fighting, fighting_intensity, CEASEFIRE_FIGHTING_INTENSITY)
    spending = economy.russia_spending(p.russia_spending_trn_rub, p.war_spending_share,
                                       fighting_intensity)
    spending = spending + forces.signup_spending_change_trn_rub(
        contracts, signup_pay, p.russia_recruits_per_day, p.russia_signup_bonus_mn_rub)
    deficit = economy.deficit_trn_rub(spending, revenue)
    nwf, home_borrowing = economy.step_reserves(state.nwf_bn_usd, deficit, p.nwf_deficit_share,
                                                p.rub_per_usd)
    russia_parts = economy.russia_pressure_parts(spending, deficit, home_borrowing,
                                                 p.russia_home_borrowing_capacity_trn_rub,
                                                 sanctions)
    russia_pressure = economy.russia_pressure_index(russia_parts, p.sanctions_pressure_weight)
    ukraine_parts = economy.ukraine_pressure_parts(outage, budget_gap, ukraine_supply,
                                                   fighting_intensity)
    ukraine_pressure = economy.ukraine_pressure_index(ukraine_parts)

    # --- talks: beliefs about the pace from the front, the day's round, learning from refusals
    observed = advance_km2 if all_fighting else np.where(fighting, advance_km2, np.nan)
    russia_belief = talks.update_pace_belief(state.russia_pace_belief, observed,
                                             p.russia_pace_learning_weight)
    ukraine_belief = talks.update_pace_belief(state.ukraine_pace_belief, observed,
                                              p.ukraine_pace_learning_weight)
    if not all_fighting:  # a ceasefire's belief drifts back to the prior; Kyiv's stays
        russia_belief = np.where(fighting, russia_belief, talks.update_pace_belief(
            state.russia_pace_belief, p.russia_prior_pace_km2_day, talks.CEASEFIRE_BELIEF_DRIFT))
        ukraine_belief = np.where(fighting, ukraine_belief, state.ukraine_pace_belief)
    package, proposer = moves.package, moves.proposer
    in_talks = phase == TALKS
    offer_made = in_talks & (proposer != talks.NOBODY)
    if any_set(offer_made):
        kyiv_asked = offer_made & (proposer != talks.KYIV)
        moscow_asked = offer_made & (proposer != talks.MOSCOW)
        ukraine_refused = kyiv_asked & ~moves.ukraine_accepts
        russia_refused = moscow_asked & ~moves.russia_accepts
        # a package binds only with the consent of every party controlling one of its issues
        consent = np.where(offer_made, (
            talks.CONSENT_MOSCOW * ~russia_refused + talks.CONSENT_KYIV * ~ukraine_refused
            + talks.CONSENT_WASHINGTON * moves.us_consents
            + talks.CONSENT_EUROPE * moves.eu_consents), 0).astype(np.int8)
        table_agreed = offer_made & ~ukraine_refused & ~russia_refused
        accepted = table_agreed & talks.binds(consent, talks.required_consent(p, package))
        blocked_off_table = table_agreed & ~accepted
    else:  # no package on any table: nothing refused, agreed or bound (the same values)
        n = offer_made.shape[0]
        ukraine_refused, russia_refused = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        accepted, blocked_off_table = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        consent = np.zeros(n, dtype=np.int8)
    open_talks = (moves.us_pushes_talks | moves.russia_seeks_talks) & (
        draws[:, COL_TALKS_OPEN] < np.where(state.ukraine_refusals + state.ceasefire_breakdowns > 0,
                                            p.talks_reopen_per_day, p.talks_open_per_day))
    settle_prob = p.settlement_per_day * (1.0 - (1.0 - p.ceasefire_first_settlement_factor)
                                          * state.deal_package[:, talks.CEASEFIRE_FIRST])
    new_phase, phase_start, event = talks.step_phase(
        phase, day, state.phase_start_day, open_talks, offer_made, accepted,
        draws[:, COL_COLLAPSE], p.talks_collapse_per_refusal, moves.russia_breaks_ceasefire,
        draws[:, COL_SETTLE], settle_prob, p.settlement_after_days)
    refused = event["refused"]
    learned = talks.learn_from_refusals(p, state, package, ukraine_refused, russia_refused)
    belief_ru_mean, belief_ru_sd, belief_ur_mean, belief_ur_sd = learned[:4]
    reasonable_to_kyiv, reasonable_to_moscow = learned[4:]
    refusal_reasonableness = np.where(ukraine_refused, reasonable_to_kyiv,
                                      np.where(russia_refused, reasonable_to_moscow, np.nan))
    # a deal: its terms are in force while the ceasefire holds; land ceded stays ceded
    ceasefire_now = event["ceasefire"]
    in_force = new_phase >= CEASEFIRE
    deal_package = _deal_term(ceasefire_now, in_force, package, state.deal_package, 0.0)
    deal_proposer = _deal_term(ceasefire_now, in_force, proposer, state.deal_proposer,
                               talks.NOBODY).astype(np.int8, copy=False)
    deal_consent = _deal_term(ceasefire_now, in_force, consent, state.deal_consent,
                              0).astype(np.int8, copy=False)
    first_deal = ceasefire_now & (state.ceasefire_day < 0)
    deal_today = any_set(ceasefire_now)
    ceded = state.ceded_km2 + (np.where(ceasefire_now, package[:, talks.LINE_KM2], 0.0)
                               if deal_today else 0.0)
    if deal_today:
        depth, kursk_held = hand_back_kursk(depth, kursk_held, state.kursk_start_km2,
                                            np.where(ceasefire_now,
                                                     package[:, talks.KURSK_RETURN_KM2], 0.0))
    russia_troops, ukraine_troops, force_ratio_now = combat.front_troops(russia_force,
                                                                         ukraine_force)
    force_ratio_at_ceasefire = _where(event["ceasefire"], force_ratio_now,
                                      state.force_ratio_at_ceasefire)
    talks_days = _count(state.talks_open_days, new_phase == TALKS)
    # the energy truce: a partial deal of its own, offered, agreed by both sides, broken
    truce_agreed = (moves.energy_truce_offered & in_talks & ~state.moratorium
                    & moves.russia_accepts_energy_truce & moves.ukraine_accepts_energy_truce)
    truce_broken = state.moratorium & (moves.russia_breaks_energy_truce | event["broke"])
    moratorium = (state.moratorium & ~truce_broken) | truce_agreed
    # a new package is due from the state of things since the last one (sim.agents)
    offer_or_opening = offer_made | event["opened"]
    ceasefire_day = _where(event["ceasefire"] & (state.ceasefire_day < 0), day,
                           state.ceasefire_day)
    settlement_day = _where(event["settled"], day, state.settlement_day)

    # --- politics
    blame = politics.step_blame(state.us_blame, ukraine_refused, russia_refused,
                                proposer, reasonable_to_kyiv, reasonable_to_moscow,
                                event["broke"], p.trump_blame_susceptibility, p.blame_per_refusal)
    rally = (ukraine_refused & (proposer == talks.MOSCOW)) * (1.0 - reasonable_to_kyiv)
    support = politics.step_ukraine_support(
        state.ukraine_support, p.ukraine_support_initial, ukraine_casualties_today, outage,
        advance_km2, ukraine_refused, np.maximum(-blame, 0.0), rally,
        event["ceasefire"], p)
    support = np.maximum(support - forces.mobilisation_political_cost(
        moves.ukraine_mobilisation, 1.0, p.ukraine_mobilisation_support_cost), 0.0)
    stability = politics.step_russia_stability(state.russia_stability, russia_pressure,
                                               russia_casualties_today)
    stability = np.maximum(stability - forces.mobilisation_political_cost(
        called_up / 1000.0, 0.0, p.russia_call_up_stability_cost), 0.0)

    years = economy.DAY_IN_YEARS
    events = DayEvents(opened=event["opened"], offer_made=offer_made, refused=refused,
                       ceasefire=event["ceasefire"], collapsed=event["collapsed"],
                       broke=event["broke"], settled=event["settled"])
    offensive_sector = (
        np.where(in_attack[:, 0], ukraine_attack.argmax(axis=1), -1).astype(np.int8)
        if ukraine_attacks else np.full(state.n_runs, -1, dtype=np.int8))
    return State(
        day=day,
        depth_km=depth,
        russia_force_k=russia_force,
        ukraine_force_k=ukraine_force,
        fortification=fortification,
        advance_shock=shock,
        offensive_strain=strain,
        force_balance_shift=balance_shift,
        force_balance_drift_per_day=balance_drift,
        occupied_km2=occupied,
        occupied_start_km2=state.occupied_start_km2,
        kursk_start_km2=state.kursk_start_km2,
        peak_occupied_km2=np.maximum(state.peak_occupied_km2, occupied),
        kursk_held_km2=kursk_held,
        kursk_peak_km2=np.maximum(state.kursk_peak_km2, kursk_held),
        advance_km2_today=advance_km2,
        russia_casualties=state.russia_casualties + russia_casualties_today,
        ukraine_casualties=state.ukraine_casualties + ukraine_casualties_today,
        russia_casualties_today=russia_casualties_today,
        ukraine_casualties_today=ukraine_casualties_today,
        russia_recruit_pool_k=state.russia_recruit_pool_k - contracts / 1000.0,
        russia_contracts_today=contracts,
        russia_called_up_today=called_up,
        ukraine_in_training_k=in_training,
        ukraine_recruits_today=ukraine_arriving_k * 1000.0,
        russia_troops_k=russia_troops,
        ukraine_troops_k=ukraine_troops,
        ukraine_troops_start_k=state.ukraine_troops_start_k,
        front_force_ratio=force_ratio_now,
        ukraine_offensive_sector=offensive_sector,
        ukraine_rested_days=(np.where(offensive_sector >= 0, 0.0, state.ukraine_rested_days + 1.0)
                             if ukraine_attacks else state.ukraine_rested_days + 1.0),
        recent_pace_km2_day=forces.step_recent_pace(state.recent_pace_km2_day, advance_km2,
                                                    fighting),
        start_pace_km2_day=state.start_pace_km2_day,
        grid_gw=grid,
        outage_share=outage,
        refinery_damage=refinery,
        strike_wave_today=wave,
        oil_price_usd=price,
        nwf_bn_usd=nwf,
        russia_revenue_trn_rub=revenue,
        russia_economic_pressure=russia_pressure,
        ukraine_economic_pressure=ukraine_pressure,
        russia_pressure_deficit=russia_parts[0],
        russia_pressure_financing=russia_parts[1],
        russia_pressure_sanctions=russia_parts[2],
        ukraine_pressure_outages=ukraine_parts[0],
        ukraine_pressure_budget=ukraine_parts[1],
        ukraine_pressure_supply=ukraine_parts[2],
        ukraine_pressure_fighting=ukraine_parts[3],
        ukraine_military_supply=ukraine_supply,
        russia_military_supply=russia_supply,
        ukraine_support=support,
        russia_stability=stability,
        us_blame=blame,
        us_aid_bn_usd_yr=moves.us_aid_bn_usd_yr,
        eu_aid_bn_usd_yr=moves.eu_aid_bn_usd_yr,
        us_aid_total_bn_usd=state.us_aid_total_bn_usd + moves.us_aid_bn_usd_yr * years,
        eu_aid_total_bn_usd=state.eu_aid_total_bn_usd + moves.eu_aid_bn_usd_yr * years,
        us_sanctions=moves.us_sanctions,
        eu_sanctions=moves.eu_sanctions,
        talks_phase=new_phase,
        phase_start_day=phase_start,
        talks_open_days=talks_days,
        ceasefire_day=ceasefire_day,
        settlement_day=settlement_day,
        ceasefire_breakdowns=_count(state.ceasefire_breakdowns, event["broke"]),
        ukraine_refusals=_count(state.ukraine_refusals, refused),
        offers_made=_count(state.offers_made, offer_made),
        last_offer_day=_where(offer_or_opening, day, state.last_offer_day, np.int32),
        occupied_at_last_offer_km2=_where(offer_or_opening, occupied,
                                          state.occupied_at_last_offer_km2),
        consent_refusals=_count(state.consent_refusals, blocked_off_table),
        last_proposer=_where(offer_made, proposer, state.last_proposer, np.int8),
        last_package=_where(offer_made, package, state.last_package),
        last_offer_km2=_where(offer_made, package[:, talks.LINE_KM2], state.last_offer_km2),
        proposer_today=np.where(offer_made, proposer, talks.NOBODY).astype(np.int8),
        refused_today=refused,
        ukraine_refused_today=ukraine_refused,
        russia_refused_today=russia_refused,
        refusal_reasonableness=refusal_reasonableness,
        deal_package=deal_package,
        deal_proposer=deal_proposer,
        deal_consent=deal_consent,
        first_deal_package=_where(first_deal, package, state.first_deal_package),
        first_deal_proposer=_where(first_deal, proposer, state.first_deal_proposer, np.int8),
        first_deal_consent=_where(first_deal, consent, state.first_deal_consent, np.int8),
        first_deal_energy_truce=_where(first_deal, state.moratorium,
                                       state.first_deal_energy_truce),
        ceded_km2=ceded,
        force_ratio_at_ceasefire=force_ratio_at_ceasefire,
        moratorium=moratorium,
        energy_truce_day=_where(truce_agreed & (state.energy_truce_day < 0), day,
                                state.energy_truce_day, np.int32),
        energy_truces_broken=_count(state.energy_truces_broken, truce_broken),
        russia_pace_belief=russia_belief,
        ukraine_pace_belief=ukraine_belief,
        russia_cost_private=state.russia_cost_private,
        ukraine_resolve_private=state.ukraine_resolve_private,
        russia_belief_ukraine_type_mean=belief_ru_mean,
        russia_belief_ukraine_type_sd=belief_ru_sd,
        ukraine_belief_russia_type_mean=belief_ur_mean,
        ukraine_belief_russia_type_sd=belief_ur_sd,
        russia_pressure_sum=state.russia_pressure_sum + russia_pressure,
        ukraine_pressure_sum=state.ukraine_pressure_sum + ukraine_pressure,
    ), events
