"""Mesa agents: four states and their four leaders, each one actor across all runs.

A state agent's attributes are arrays over runs, read from the model's current `State` (never kept
from an earlier day). A leader agent's rules are short pure array functions below: each reads the
world and returns its part of the day's `Moves` (sim.moves), the record `core.day.advance` applies;
a rule keeps nothing between calls. Leaders decide in a fixed order (Putin, Zelensky, Trump,
European leaders), so a later leader may react to an earlier one's move of the same day; then
Putin and Zelensky answer the day's package, if any. Washington and the European leaders decide
after the package is on the table, so their moves include their consent to the relief and
guarantees it asks of them.

No rule keys an effect to a strategy's name: Putin's strategy picks what he proposes and when he
asks for talks; what follows (acceptance, blame, support) comes from the package itself.
"""

from __future__ import annotations

import numpy as np
import mesa

from . import sectors
from .core import day as core_day
from .core import forces, portable, talks
from .core.arrays import (SECTOR_ORDER, SECTOR_SUBSET_MIN_RUNS, clip, clip_range, rows_of,
                          sector_array, sector_column, sector_zeros, some_runs)
from .params import PUTIN_STRATEGIES, Params
from .state import CEASEFIRE, NO_TALKS, TALKS, State

FREEZE = PUTIN_STRATEGIES.index("freeze")
MAXIMALIST = PUTIN_STRATEGIES.index("maximalist")
SERIOUS = PUTIN_STRATEGIES.index("serious")

# Expected gain from attacking again (km2-eq over the horizon) at which a ceasefire breaks down
# at its base rate; assumption, of the order of a season's gains in 2024.
BREACH_GAIN_REFERENCE_KM2 = 5000.0
BREACH_GAIN_CAP = 3.0  # the hazard is at most this multiple of its base rate


# How sharply a serious Putin turns to a deal as pressure passes `putin_serious_pressure`: the
# width of the logistic, in units of the pressure index; assumption (no switch at one value).
PRESSURE_RESPONSE_WIDTH = 0.05


def washington_wants_deal(p: Params, ctx: core_day.DayContext) -> np.ndarray:
    """Washington wants a deal (and brokers one) once the new administration pushes for talks."""
    return (p.per_run("trump_pushes_talks") > 0) & ctx.inaugurated


def offer_chance_today(p: Params, state: State, ctx: core_day.DayContext,
                       wants_deal: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Where talks are open today, and the chance that a party puts a package on the table
    there (the same for every party; None when no run is in talks): at random where nothing
    drives it, more likely the more the front has moved since the last package and the longer
    Washington has waited for one (`sim.core.talks.offer_chance`)."""
    in_talks = state.talks_phase == TALKS
    if not in_talks.any():
        return in_talks, None
    if wants_deal is None:
        wants_deal = washington_wants_deal(p, ctx)
    urgency = talks.washington_urgency(ctx.day - state.last_offer_day, p.trump_deadline_days,
                                       wants_deal)
    chance = talks.offer_chance(p.offer_interval_days,
                                state.occupied_km2 - state.occupied_at_last_offer_km2,
                                p.offer_shift_reference_km2, urgency)
    return in_talks, chance


def proposes_today(p: Params, state: State, ctx: core_day.DayContext,
                   draws: core_day.LeaderDraws, me: int,
                   chance: tuple[np.ndarray, np.ndarray | None] | None = None) -> np.ndarray:
    """Whether this party puts a package on the table today, while talks are open
    (`offer_chance_today`, which a caller deciding for several parties passes as `chance`)."""
    in_talks, chance = offer_chance_today(p, state, ctx) if chance is None else chance
    if chance is None:
        return in_talks
    return in_talks & (draws.offer[me] < chance)


# --------------------------------------------------------------------------- Putin's rules
def putin_marginal_gain_below_cost(state: State, daily_cost: np.ndarray) -> np.ndarray:
    """Moscow's own estimate of a day's gain no longer beats its cost of a day of war."""
    return state.russia_pace_belief <= daily_cost


def putin_is_grabbing(p: Params, state: State, gain_below_cost: np.ndarray) -> np.ndarray:
    """Freeze strategy: surge for ground while the marginal gain beats the cost and no
    ceasefire holds."""
    return ((p.per_run("putin_strategy") == FREEZE) & (state.talks_phase < CEASEFIRE)
            & ~gain_below_cost)


def putin_offensive_allocation(p: Params, state: State, grabbing: np.ndarray) -> np.ndarray:
    """Offensive effort per sector: the 2024 effort times his intensity, surging on the main
    axes while grabbing ground; none once a ceasefire holds, and none in the Kursk salient once
    Ukraine holds no ground there; while Ukraine is on the offensive inside Ukraine, less by
    `putin_defence_share` (reserves sent to meet it)."""
    f = state.depth_km.dtype
    extra = np.where(grabbing, p.putin_grab_surge - 1.0, 0.0).astype(f)
    # surge - 1 on the main axes, else 0
    effort = np.multiply(extra[:, None], sectors.MAIN_AXIS, order=SECTOR_ORDER)
    effort += 1.0
    effort *= sector_column(p.per_run("putin_offensive_intensity")
                            * (state.talks_phase < CEASEFIRE), f)
    effort[:, sectors.KURSK] *= state.kursk_held_km2 > 0.0
    # Ukraine attacked inside Ukraine yesterday; an incursion into Russia he answers in the
    # salient (his effort there, replacements sent where the losses are) and keeps pushing
    met = ((state.ukraine_offensive_sector >= 0)
           & (state.ukraine_offensive_sector != sectors.KURSK))
    if met.any():  # he holds back a share of his effort, the reserves sent to meet it
        effort *= sector_column(np.where(met, 1.0 - p.per_run("putin_defence_share"), 1.0), f)
    return effort


def putin_strike_wave(p: Params, state: State, ctx: core_day.DayContext, draw) -> np.ndarray:
    """Launch a mass strike on the grid with a seasonal chance, cut by credible US deterrence;
    none during a ceasefire or an energy moratorium."""
    quiet = (state.talks_phase >= CEASEFIRE) | state.moratorium
    prob = core_day.strikes.strike_wave_probability(
        ctx.strike_season, p.strike_wave_prob_winter, p.strike_wave_prob_summer,
        p.deterrence_credibility, p.deterrence_strike_reduction, quiet)
    return draw < prob


def putin_serious_weight(p: Params, state: State) -> np.ndarray:
    """How far a serious Putin has turned to a deal, 0-1: rising smoothly with Russia's
    economic pressure, half-way at `putin_serious_pressure`; 0 for the other strategies."""
    turned = 1.0 / (1.0 + portable.exp(-(state.russia_economic_pressure - p.putin_serious_pressure)
                                     / PRESSURE_RESPONSE_WIDTH))
    return np.where(p.per_run("putin_strategy") == SERIOUS, turned, 0.0)


def putin_demand(p: Params, state: State) -> np.ndarray:
    """The land the maximalist demands beyond what Kyiv would accept (Moscow's 2024 demand,
    `putin_maximalist_demand_km2`), worn away continuously by economic strain (gone when the
    strain reaches `putin_serious_pressure`); 0 for the other strategies."""
    worn = clip_range(1.0 - state.russia_economic_pressure / p.putin_serious_pressure, 0.0, 1.0)
    return np.where(p.per_run("putin_strategy") == MAXIMALIST,
                    p.putin_maximalist_demand_km2 * worn, 0.0)


def putin_package(p: Params, state: State, reservation: np.ndarray,
                  washington_wants: np.ndarray, serious: np.ndarray | None = None,
                  demand: np.ndarray | None = None,
                  relief_limit: np.ndarray | None = None) -> np.ndarray:
    """Moscow's package when it proposes, by strategy. Moscow asks for the sanctions relief
    Washington and the EU have said they would grant (their public limits; it does not control
    them) and limits on Ukraine, terms first and no guarantees, and claims the line that Moscow
    believes Kyiv accepts with chance `offer_acceptance_target` (never less than its own
    reservation): the opportunist rule. The maximalist demands at least its claim; the serious
    Putin moves, as pressure rises, toward his reservation and tolerates guarantees; the
    freezing Putin offers the current line itself, ceasefire first. `serious`, `demand` and
    `relief_limit` are `putin_serious_weight`, `putin_demand` and
    `talks.washington_relief_limit`, where the caller has them (other rules read them too)."""
    n = state.n_runs
    if serious is None:
        serious = putin_serious_weight(p, state)
    if demand is None:
        demand = putin_demand(p, state)
    if relief_limit is None:
        relief_limit = talks.washington_relief_limit(p, state, washington_wants)
    freeze = p.per_run("putin_strategy") == FREEZE
    package = np.zeros((n, talks.N_ISSUES))
    package[:, talks.GUARANTEE] = serious * talks.guarantee_on_offer(p)
    package[:, talks.SANCTIONS_RELIEF] = np.where(freeze, 0.0, relief_limit)
    package[:, talks.EU_RELIEF] = np.where(freeze, 0.0, talks.europe_relief_limit(p, package))
    package[:, talks.FORCE_LIMITS] = np.where(freeze, 0.0, 1.0)
    package[:, talks.CEASEFIRE_FIRST] = np.where(freeze, 1.0, 0.0)
    package[:, talks.KURSK_RETURN_KM2] = state.kursk_held_km2
    terms_value = talks.moscow_value(p, state, package)
    # the line Moscow believes Kyiv accepts with the target chance
    loss, scale = talks.kyiv_expected_loss_and_resolve(p, state, state.russia_pace_belief)
    kyiv_type = talks.quantile(state.russia_belief_ukraine_type_mean,
                               state.russia_belief_ukraine_type_sd, p.offer_acceptance_target)
    affordable = loss - scale * portable.exp(kyiv_type)
    terms_cost = talks.kyiv_cost(p, package, state.russia_pace_belief)
    targeted = talks.line_for_cost(affordable - terms_cost, p.ukraine_red_line_km2,
                                   p.red_line_cost_per_km2)
    at_reservation = np.maximum(reservation - terms_value, 0.0)
    line = np.maximum(np.maximum(targeted, at_reservation), demand)
    line = (1.0 - serious) * line + serious * at_reservation
    package[:, talks.LINE_KM2] = np.where(freeze, 0.0, line)
    return package


def putin_proposes(p: Params, state: State, ctx: core_day.DayContext,
                   draws: core_day.LeaderDraws, gain_below_cost: np.ndarray,
                   chance=None) -> np.ndarray:
    """Moscow puts its package on the table when it proposes today; a freezing Putin stalls
    until his marginal gain falls below his cost."""
    stalling = (p.per_run("putin_strategy") == FREEZE) & ~gain_below_cost
    return proposes_today(p, state, ctx, draws, talks.MOSCOW, chance) & ~stalling


def putin_aspiration(p: Params, state: State, reservation: np.ndarray,
                     demand: np.ndarray | None = None) -> np.ndarray:
    """The least a package must be worth for Putin to accept it: his value of fighting on, and
    for the maximalist also the land he demands (`putin_demand`, where the caller has it)."""
    return reservation + (putin_demand(p, state) if demand is None else demand)


def putin_accepts(p: Params, state: State, package: np.ndarray, reservation) -> np.ndarray:
    """Accept a package worth at least his aspiration."""
    with np.errstate(invalid="ignore"):
        return putin_accepts_worth(p, state, talks.moscow_value(p, state, package), reservation)


def putin_accepts_worth(p: Params, state: State, value: np.ndarray, reservation,
                        demand: np.ndarray | None = None) -> np.ndarray:
    """Accept where the package's worth to Moscow (`value`, NaN where none: no) is at least his
    aspiration."""
    return value >= putin_aspiration(p, state, reservation, demand)


def putin_seeks_talks(p: Params, state: State, ctx: core_day.DayContext,
                      gain_below_cost: np.ndarray, draw: np.ndarray,
                      serious: np.ndarray | None = None) -> np.ndarray:
    """Freeze Putin asks for talks once his marginal gain falls below his cost, maximalist
    Putin asks at once (a stage for his demands), serious Putin the more likely the further he
    has turned to a deal (`serious`: `putin_serious_weight`, where the caller has it); all only
    with the new administration."""
    strategy = p.per_run("putin_strategy")
    if serious is None:
        serious = putin_serious_weight(p, state)
    wants = (((strategy == FREEZE) & gain_below_cost)
             | (strategy == MAXIMALIST)
             | (draw < serious))
    return wants & ctx.inaugurated


def putin_breaks_ceasefire(p: Params, state: State, draw, daily_cost: np.ndarray) -> np.ndarray:
    """During a ceasefire, attack again with a chance that grows with Moscow's expected gain
    from fighting (its pace belief scaled by the shift in forces since the ceasefire began,
    less what the deal gives it), cut by credible deterrence and by the deal's guarantees."""
    in_ceasefire = state.talks_phase == CEASEFIRE
    if not in_ceasefire.any():
        return in_ceasefire
    # the shift in forces, in the runs at a ceasefire only (the others have no ratio yet)
    rows = np.flatnonzero(in_ceasefire)
    shift = np.zeros(in_ceasefire.shape)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 is NaN: no breach that day
        shift[rows] = portable.power(
            state.front_force_ratio[rows] / state.force_ratio_at_ceasefire[rows],
            p.per_run("force_ratio_exponent")[rows])
    gain = talks.russia_value_of_fighting(
        state.russia_pace_belief * shift, daily_cost, p.planning_horizon_days)
    deal = state.deal_package
    incentive = clip_range((gain - talks.moscow_value(p, state, deal)) / BREACH_GAIN_REFERENCE_KM2,
                        0.0, BREACH_GAIN_CAP)
    hazard = (p.ceasefire_breakdown_per_day * incentive
              * (1.0 - p.deterrence_credibility * p.deterrence_strike_reduction)
              * (1.0 - p.guarantee_effectiveness * deal[:, talks.GUARANTEE]))
    return in_ceasefire & (draw < hazard)


def putin_call_up(p: Params, state: State) -> np.ndarray:
    """Reservists a day Putin orders called up: yesterday's losses that did not return and that
    contracts no longer replaced, up to his readiness times 2022's call-up rate (stability
    decides, in the core, how many the regime can actually call up)."""
    losses = state.russia_casualties_today * (1.0 - p.wounded_return_share)
    return forces.russia_call_up_order(p.putin_call_up, p.russia_call_up_2022_per_day, losses,
                                       state.russia_contracts_today)


def ukraine_massed_in_kursk(state: State, drawn: np.ndarray) -> np.ndarray:
    """(runs,) Ukrainian troops (thousand) in the Kursk sector with the share `drawn` of those
    in the other sectors brought in (`core.combat.concentrate` for that one sector)."""
    ukraine = state.ukraine_force_k.astype(float)
    own = ukraine[:, sectors.KURSK]
    return own + drawn * (ukraine.sum(axis=1) - own)


def putin_reserves_to_kursk(p: Params, state: State) -> np.ndarray:
    """While Ukraine holds ground inside Russia and his troops there are fewer than
    `putin_kursk_superiority` times Ukraine's, Putin sends `putin_kursk_reserve_share` of the
    day's recruits there, whatever the losses elsewhere: Russian soil is retaken first. None
    once Ukraine holds no ground in Russia in any run (most days after the first months)."""
    held = state.kursk_held_km2 > 0.0
    if not held.any():
        return np.zeros(state.n_runs)
    kursk = sectors.KURSK
    # Ukraine's troops in the salient: its own there and those its incursion drew in
    drawn = np.where(state.ukraine_offensive_sector == kursk,
                     p.per_run("zelensky_offensive_effort"), 0.0)
    there = ukraine_massed_in_kursk(state, drawn)
    short = state.russia_force_k[:, kursk] < p.per_run("putin_kursk_superiority") * there
    return np.where(held & short, p.per_run("putin_kursk_reserve_share"), 0.0)


# --------------------------------------------------------------------------- Zelensky's rules
def zelensky_mobilisation(p: Params, state: State) -> np.ndarray:
    """Mobilisation effort (1: full effort under the April 2024 law): the law's reach, the
    effort domestic support carries, more when the front moves faster than it did before the
    start (the threat index to the power `ukraine_threat_mobilisation_elasticity`) and when the
    troops at the front have fallen below the start's (the manpower shortage to the power
    `ukraine_shortage_mobilisation_elasticity`); limits agreed in a deal cut it. Effort above 1
    costs support (in the core)."""
    limits = state.deal_package[:, talks.FORCE_LIMITS]
    threat = forces.front_threat(state.recent_pace_km2_day, state.start_pace_km2_day)
    shortage = forces.manpower_shortage(state.ukraine_troops_k, state.ukraine_troops_start_k)
    return (forces.ukraine_mobilised_per_day(1.0, p.ukraine_mobilisation_law,
                                             forces.support_effort(state.ukraine_support),
                                             threat, p.ukraine_threat_mobilisation_elasticity,
                                             shortage, p.ukraine_shortage_mobilisation_elasticity)
            * (1.0 - p.force_limits_rebuild_cut * limits))


def zelensky_offensive(p: Params, state: State, ctx: core_day.DayContext,
                       russia_offensive: np.ndarray) -> np.ndarray:
    """Where and when Ukraine attacks, (runs, sectors): the share of the forces elsewhere drawn
    into one sector, inside Ukraine (`zelensky_counter_offensive`) or, where that is not on,
    across the border into Russia (`zelensky_incursion`)."""
    return zelensky_incursion(p, state, ctx,
                              zelensky_counter_offensive(p, state, ctx, russia_offensive))


def zelensky_incursion(p: Params, state: State, ctx: core_day.DayContext,
                       attack: np.ndarray) -> np.ndarray:
    """An incursion into Russia (Kursk, August 2024): a diversion Zelensky reaches for when he
    cannot counter-attack at home. Where no offensive inside Ukraine is on (`attack`), outside
    the mud and winter, with no talks open, Ukraine holding no ground in Russia, its forces
    rested (`zelensky_offensive_rest_days`) and its supply at least
    `zelensky_offensive_supply`, he crosses when Russia's recent pace is at least
    `zelensky_incursion_threat_km2_day` (he needs its forces drawn away) and the troops he could
    mass on the border (its own and `zelensky_offensive_effort` of those elsewhere) would
    outnumber Russia's defence there, field works included, by `zelensky_incursion_odds`. The
    troops drawn into it stay while Ukraine holds ground it took, in any season. Putin answers
    in the salient (his effort there, `putin_reserves_to_kursk`), not by holding back at home."""
    n_runs, n_sectors = state.depth_km.shape
    kursk = sectors.KURSK
    holding = ((state.ukraine_offensive_sector == kursk) & (state.kursk_held_km2 > 0.0))
    crossing = np.zeros(n_runs, dtype=bool)
    if not (ctx.mud or ctx.winter):
        effort = p.per_run("zelensky_offensive_effort")
        crossing = ((state.kursk_held_km2 <= 0.0) & (state.talks_phase == NO_TALKS)
                    & (state.ukraine_rested_days >= p.zelensky_offensive_rest_days)
                    & (state.ukraine_military_supply >= p.zelensky_offensive_supply)
                    & (state.recent_pace_km2_day >= p.zelensky_incursion_threat_km2_day)
                    & (effort > 0.0))
        if attack is not core_day.combat.no_offensive(n_runs, n_sectors):
            crossing &= ~(attack > 0.0).any(axis=1)  # only runs with no offensive at home
        if crossing.any():
            massed = ukraine_massed_in_kursk(state, effort)
            odds = core_day.combat.ukraine_attack_ratio(
                massed[:, None], state.russia_force_k[:, kursk:kursk + 1].astype(float),
                state.fortification[:, kursk:kursk + 1].astype(float),
                state.ukraine_military_supply, state.russia_military_supply,
                p.per_run("fortification_bonus")[:, None], state.force_balance_shift[:, None])
            crossing &= odds[:, 0] >= p.zelensky_incursion_odds
    across = holding | crossing
    if not across.any():
        return attack
    attack = sector_array(np.where(across[:, None], 0.0, attack))
    attack[across, kursk] = p.per_run("zelensky_offensive_effort")[across]
    return attack


def zelensky_counter_offensive(p: Params, state: State, ctx: core_day.DayContext,
                               russia_offensive: np.ndarray) -> np.ndarray:
    """Ukraine's offensive inside Ukraine, (runs, sectors). Outside the mud and winter, while no
    talks are open (an offensive during talks would be cast as the obstacle) and no ceasefire
    holds, Zelensky attacks when Russia's front-wide effective force ratio (today's Russian
    effort against Ukraine's defence, width-weighted over the sectors inside Ukraine) is below
    `zelensky_offensive_force_ratio` (Russia's attacks are spent or thin, so reserves can be
    spared), Ukraine's military supply is at least `zelensky_offensive_supply` and domestic
    support at least `zelensky_offensive_support`. He strikes the sector inside Ukraine where
    his concentrated attack would be strongest against Russia's troops and field works there
    (and where there is ground left to retake), those odds weighed up by
    `zelensky_corridor_preference` where success would threaten the land corridor to Crimea. A
    new one waits `zelensky_offensive_rest_days` after the last ended. An offensive keeps its
    sector while it lasts: the forces drawn into it cannot be moved along
    the front from one day to the next, so he chooses again only when it has stopped or there is
    nothing left to retake there."""
    n_runs, n_sectors = state.depth_km.shape
    none = core_day.combat.no_offensive(n_runs, n_sectors)
    if ctx.mud or ctx.winter:
        return none
    ready = ((state.talks_phase == NO_TALKS)
             & (state.ukraine_military_supply >= p.zelensky_offensive_supply)
             & (state.ukraine_support >= p.zelensky_offensive_support)
             & (p.per_run("zelensky_offensive_effort") > 0.0)
             & ((state.ukraine_offensive_sector >= 0)
                | (state.ukraine_rested_days >= p.zelensky_offensive_rest_days)))
    if not ready.any():
        return none
    # the rest only for the runs whose gates are open (few: each run's choice is its own);
    # elsewhere it is worked out and not used
    candidates = some_runs(ready, SECTOR_SUBSET_MIN_RUNS)
    if candidates is None:
        candidates = np.arange(n_runs)
        chosen, attacking, effort = _counter_offensive_choice(p, state, russia_offensive)
        attacking &= ready
    else:
        chosen, attacking, effort = _counter_offensive_choice(
            *rows_of(candidates, p, state, russia_offensive))
    if not attacking.any():
        return none
    attack = sector_zeros(n_runs, n_sectors)
    attack[candidates, chosen] = np.where(attacking, effort, 0.0)
    return attack


def _counter_offensive_choice(p: Params, state: State, russia_offensive: np.ndarray):
    """For runs whose other gates are open: the sector each would attack, whether Russia's
    front-wide effective ratio is low enough to attack, and the share drawn in."""
    n_runs = state.n_runs
    russia_ratio = core_day.combat.effective_force_ratio(
        state.russia_force_k, state.ukraine_force_k, russia_offensive, state.fortification,
        state.russia_military_supply, state.ukraine_military_supply, p.per_run(
            "fortification_bonus")[:, None], state.offensive_strain,
        p.per_run("culmination_adaptation")[:, None])
    # summed as over C-ordered rows (the sector arrays are not: `core.arrays.SECTOR_ORDER`)
    front_wide = np.ascontiguousarray(
        (russia_ratio * sectors.WIDTH_KM)[:, sectors.INSIDE_UKRAINE]).sum(axis=1)
    front_wide *= portable.exp(state.force_balance_shift) / sectors.WIDTH_KM[sectors.INSIDE_UKRAINE].sum()
    attacking = front_wide < p.zelensky_offensive_force_ratio
    effort = p.per_run("zelensky_offensive_effort")
    if not attacking.any():
        return None, attacking, effort
    ukraine = state.ukraine_force_k.astype(float, order="C")
    # each sector's attack if he concentrated there (`core.combat.concentrate` for one sector)
    concentrated = ukraine + effort[:, None] * (ukraine.sum(axis=1, keepdims=True) - ukraine)
    odds = core_day.combat.ukraine_attack_ratio(
        concentrated, state.russia_force_k, state.fortification, state.ukraine_military_supply,
        state.russia_military_supply, p.per_run("fortification_bonus")[:, None],
        state.force_balance_shift[:, None], state.offensive_strain,
        p.per_run("culmination_adaptation")[:, None])
    odds *= 1.0 + p.per_run("zelensky_corridor_preference")[:, None] * sectors.CORRIDOR
    # nothing to strike outside Ukraine, nor where Ukraine already stands at its deepest
    odds[:, ~sectors.INSIDE_UKRAINE] = -np.inf
    odds[state.depth_km <= -sectors.MAX_COUNTER_DEPTH_KM] = -np.inf
    rows = np.arange(n_runs)
    best = np.argmax(odds, axis=1)
    going = state.ukraine_offensive_sector.astype(np.intp)
    going_on = (going >= 0) & np.isfinite(odds[rows, np.maximum(going, 0)])
    return np.where(going_on, going, best), attacking, effort


def zelensky_package(p: Params, state: State) -> np.ndarray:
    """Kyiv's package: a ceasefire first with the guarantees on offer, and just enough for
    Moscow, as Kyiv believes (accepted with chance `offer_acceptance_target`), given in what
    Kyiv controls: first limits on its forces, then land. Kyiv offers no sanctions relief (it
    is Washington's and the EU's to grant). Kyiv proposes it only if it prefers it to fighting
    on (`zelensky_proposes`), so land beyond its red line is offered only where that holds."""
    n = state.n_runs
    package = np.zeros((n, talks.N_ISSUES))
    package[:, talks.CEASEFIRE_FIRST] = 1.0
    package[:, talks.GUARANTEE] = talks.guarantee_on_offer(p)
    package[:, talks.KURSK_RETURN_KM2] = talks.kursk_return_offered(p, state)
    pace = state.ukraine_pace_belief
    moscow_type = talks.quantile(state.ukraine_belief_russia_type_mean,
                                 state.ukraine_belief_russia_type_sd,
                                 1.0 - p.offer_acceptance_target)
    needed = talks.russia_value_of_fighting(
        pace, talks.russia_cost_today(p, state, portable.exp(moscow_type)), p.planning_horizon_days)
    needed = needed - talks.moscow_value(p, state, package)
    worth = p.per_run("russia_limits_value_km2")
    share = clip_range(np.divide(needed, worth, out=np.zeros(n), where=worth > 0), 0.0, 1.0)
    package[:, talks.FORCE_LIMITS] = share
    package[:, talks.LINE_KM2] = np.maximum(needed - share * worth, 0.0)
    return package


def zelensky_proposes(p: Params, state: State, turn: np.ndarray, moves: dict,
                      limit: np.ndarray) -> dict:
    """Kyiv puts its package on the table where it is its turn to propose today
    (`proposes_today`), if it prefers that package to fighting on (its `limit`,
    `talks.kyiv_limit`); otherwise it holds back."""
    # in a large batch, worked out only for the runs where it is Kyiv's turn (each run's
    # package is its own)
    rows = some_runs(turn)
    with np.errstate(invalid="ignore"):
        if rows is None:
            package = zelensky_package(p, state)
            proposes = turn & zelensky_accepts_cost(state, talks.kyiv_cost_parts(p, package),
                                                    limit)
        else:
            p_, state_ = rows_of(rows, p, state)
            package = np.full((turn.size, talks.N_ISSUES), np.nan)
            package[rows] = zelensky_package(p_, state_)
            proposes = np.zeros_like(turn)
            proposes[rows] = zelensky_accepts_cost(
                state_, talks.kyiv_cost_parts(p_, package[rows]), limit[rows])
    return proposal(moves, proposes, lambda some: package if some is None else package[some],
                    talks.KYIV)


def zelensky_accepts(p: Params, state: State, package: np.ndarray) -> np.ndarray:
    """Accept a package that costs Kyiv less than fighting on (by its own pace belief and
    resolve, so less the lower its support)."""
    with np.errstate(invalid="ignore"):
        return zelensky_accepts_cost(state, talks.kyiv_cost_parts(p, package),
                                     talks.kyiv_limit(p, state))


def zelensky_accepts_cost(state: State, cost_parts, limit: np.ndarray) -> np.ndarray:
    """Accept where the package's cost to Kyiv (`talks.kyiv_cost_parts`, NaN where none: no) at
    its own pace belief is within its `limit` (`talks.kyiv_limit`)."""
    return talks.cost_at_pace(cost_parts, state.ukraine_pace_belief) <= limit


# --------------------------------------------------------------------------- Trump's rules
def trump_aid_level(p: Params, state: State, ctx: core_day.DayContext) -> np.ndarray:
    """After inauguration, aid is the contained level, cut further by blame on Kyiv."""
    if ctx.inaugurated:
        level = p.us_aid_baseline_bn_usd * p.trump_aid_level * (
            1.0 - p.trump_aid_cut_on_blame * np.maximum(-state.us_blame, 0.0))
    else:
        level = core_day.economy.us_aid_before_inauguration(
            p.us_aid_baseline_bn_usd, p.us_aid_gap_share, ctx.us_aid_flowing)
    return level * np.ones(state.n_runs)


def trump_sanctions(p: Params, state: State, ctx: core_day.DayContext) -> np.ndarray:
    """After inauguration, sanctions are set by the new administration, raised by blame on
    Moscow (a deal's relief applies on top, in the core)."""
    if ctx.inaugurated:
        level = clip(p.trump_sanctions_level + p.trump_sanctions_on_blame
                     * np.maximum(state.us_blame, 0.0), 0.0, 1.0)
    else:
        level = p.us_sanctions_initial
    return level * np.ones(state.n_runs)


def trump_pushes_talks(p: Params, state: State, ctx: core_day.DayContext,
                       wants_deal: np.ndarray | None = None) -> np.ndarray:
    """After inauguration (and a delay), press both sides into talks."""
    due = ctx.days_since_inauguration >= p.trump_push_delay_days
    return (washington_wants_deal(p, ctx) if wants_deal is None else wants_deal) & due


def trump_offers_energy_truce(p: Params, state: State, proposes: np.ndarray) -> np.ndarray:
    """When Washington proposes and no energy truce holds, it also puts one on the table, a
    partial deal of its own (where `energy_moratorium_in_talks` allows one)."""
    return proposes & (p.per_run("energy_moratorium_in_talks") > 0) & ~state.moratorium


def trump_package(p: Params, state: State, wants_deal: np.ndarray,
                  relief_limit: np.ndarray | None = None) -> np.ndarray:
    """Washington's brokered package: a ceasefire first with the guarantees on offer, the
    relief it grants itself (`relief_limit`, `talks.washington_relief_limit`, where the caller
    has it) and the EU's as far as the EU has said it would go, its limits, and the line
    halfway between what it estimates each side would accept (typical types, the pace halfway
    between the two sides' beliefs)."""
    package = np.zeros((state.n_runs, talks.N_ISSUES))
    package[:, talks.CEASEFIRE_FIRST] = 1.0
    package[:, talks.GUARANTEE] = talks.guarantee_on_offer(p)
    package[:, talks.SANCTIONS_RELIEF] = (talks.washington_relief_limit(p, state, wants_deal)
                                          if relief_limit is None else relief_limit)
    package[:, talks.EU_RELIEF] = talks.europe_relief_limit(p, package)
    package[:, talks.FORCE_LIMITS] = p.trump_limits_offer
    package[:, talks.KURSK_RETURN_KM2] = talks.kursk_return_offered(p, state)
    pace = talks.washington_pace(state)
    least_for_moscow = np.maximum(talks.public_moscow_reservation(p, state, pace)
                                  - talks.moscow_value(p, state, package), 0.0)
    most_for_kyiv = talks.line_for_cost(
        talks.public_kyiv_limit(p, state, pace) - talks.kyiv_cost(p, package, pace),
        p.ukraine_red_line_km2, p.red_line_cost_per_km2)
    package[:, talks.LINE_KM2] = 0.5 * (least_for_moscow + most_for_kyiv)
    return package


# --------------------------------------------------------------------------- Europe's rules
def europe_aid_level(p: Params, state: State, us_aid: np.ndarray) -> np.ndarray:
    """Europe keeps its flow and makes up a share of any US cut (burden sharing)."""
    return core_day.economy.europe_aid_with_compensation(
        p.eu_aid_baseline_bn_usd, p.eu_compensation_share, p.us_aid_baseline_bn_usd,
        us_aid) * np.ones(state.n_runs)


def europe_sanctions(p: Params, state: State, ctx: core_day.DayContext) -> np.ndarray:
    """A new sanctions package at each interval while the war goes on (a deal's relief applies
    on top, in the core)."""
    due = (ctx.day % np.maximum(np.rint(p.eu_package_interval_days), 1) == 0)
    step = np.where(due & (state.talks_phase < CEASEFIRE), p.eu_sanctions_step, 0.0)
    return clip(state.eu_sanctions + step, 0.0, 1.0)


_NOT_YET = object()  # a value the memo has not computed today


class RulesMemo:
    """Values the leaders' rules share on one day, each computed once: kept only while the
    parameters and the world are the very objects they were computed from."""

    __slots__ = ("params", "state", "values")

    def __init__(self):
        self.params = self.state = None
        self.values: dict = {}

    def clear(self) -> None:
        """Forget the day's values (and the references to its world and parameters)."""
        self.params = self.state = None
        self.values = {}

    def get(self, params: Params, state: State, key, compute):
        if params is not self.params or state is not self.state:
            self.params, self.state, self.values = params, state, {}
        value = self.values.get(key, _NOT_YET)
        if value is _NOT_YET:  # (a miss raising KeyError cost a microsecond)
            value = self.values[key] = compute()
        return value


def proposal(moves: dict, proposes: np.ndarray, make_package, me: int) -> dict:
    """Put a leader's package on the table where it proposes today. The package is only
    worked out on days when the leader proposes somewhere (rounds fall every few weeks), and in
    a large batch only for the runs that propose: `make_package(rows)` gives those rows'
    packages (None: all runs')."""
    if not proposes.any():
        return {}
    rows = some_runs(proposes)
    if rows is None:
        package = np.where(proposes[:, None], make_package(None), moves["package"])
    else:
        package = moves["package"].copy()
        package[rows] = make_package(rows)
    return {"package": package,
            "proposer": np.where(proposes, np.int8(me), moves["proposer"]).astype(np.int8)}


def nobody_proposes(moves: dict) -> bool:
    return not moves["proposer"].any()


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
    """A leader: decides moves for every run at once. `decide` returns the leader's part of the
    day's `Moves`; `respond` its answer to the day's package. Both read the world of the day
    before (`self.world`), today's calendar (`today`) and the moves of the leaders who decided
    before it (`moves`); `decide` also gets the day's `LeaderDraws`, the only random numbers a
    rule may use."""

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

    def shared(self, key, compute):
        """A value several rules read on the same day (Washington's wish for a deal, the offer
        chance, Moscow's reservation), computed once for the world and parameters; `key`
        includes the day where the value depends on it."""
        return self.model.rules_memo.get(self.p, self.world, key, compute)

    def wants_deal(self, today: core_day.DayContext) -> np.ndarray:
        return self.shared(("wants_deal", today.day),
                           lambda: washington_wants_deal(self.p, today))

    def relief_limit(self, today: core_day.DayContext) -> np.ndarray:
        return self.shared(("relief_limit", today.day), lambda: talks.washington_relief_limit(
            self.p, self.world, self.wants_deal(today)))

    def kyiv_limit(self) -> np.ndarray:
        return self.shared("kyiv_limit", lambda: talks.kyiv_limit(self.p, self.world))

    def offer_chance(self, today: core_day.DayContext):
        return self.shared(("offer_chance", today.day), lambda: offer_chance_today(
            self.p, self.world, today, self.wants_deal(today)))

    def decide(self, moves: dict, today: core_day.DayContext,
               draws: core_day.LeaderDraws) -> dict:
        return {}

    def respond(self, moves: dict) -> dict:
        return {}


def putin_reservation(p: Params, state: State) -> tuple[np.ndarray, np.ndarray]:
    """Moscow's cost of a day of war and its value of fighting on (its reservation)."""
    daily_cost = talks.russia_cost_today(p, state, state.russia_cost_private)
    return daily_cost, talks.russia_value_of_fighting(state.russia_pace_belief, daily_cost,
                                                      p.planning_horizon_days)


class Putin(Leader):
    def reservation(self) -> tuple[np.ndarray, np.ndarray]:
        return self.shared("putin_reservation", lambda: putin_reservation(self.p, self.world))

    def demand(self) -> np.ndarray:
        return self.shared("putin_demand", lambda: putin_demand(self.p, self.world))

    def decide(self, moves, today, draws):
        p, s = self.p, self.world
        daily_cost, reservation = self.reservation()
        below_cost = putin_marginal_gain_below_cost(s, daily_cost)
        truce_value = talks.russia_energy_truce_value(p, s.refinery_damage, today.strike_season)
        wants = self.wants_deal(today)
        serious = putin_serious_weight(p, s)
        return {
            "russia_offensive": putin_offensive_allocation(p, s, putin_is_grabbing(p, s, below_cost)),
            "russia_strike_wave": putin_strike_wave(p, s, today, draws.strike_wave),
            "russia_call_up": putin_call_up(p, s),
            "russia_reserves_to_kursk": putin_reserves_to_kursk(p, s),
            "russia_seeks_talks": putin_seeks_talks(p, s, today, below_cost, draws.seek_talks,
                                                    serious),
            "russia_breaks_ceasefire": putin_breaks_ceasefire(p, s, draws.ceasefire_breach,
                                                              daily_cost),
            # his standing answer to an energy truce, should one be offered today: yes where
            # it is worth more to him than striking Ukraine's grid
            "russia_accepts_energy_truce": truce_value > 0.0,
            "russia_breaks_energy_truce": s.moratorium & talks.energy_truce_breaks(
                p, truce_value, draws.truce_break),
            **proposal(moves, putin_proposes(p, s, today, draws, below_cost,
                                             self.offer_chance(today)),
                       lambda rows: putin_package(*rows_of(
                           rows, p, s, reservation, wants, serious, self.demand(),
                           self.relief_limit(today))),
                       talks.MOSCOW),
        }

    def respond(self, moves):
        if nobody_proposes(moves):
            return {"russia_accepts": np.zeros(self.world.n_runs, dtype=bool)}
        p, s, package = self.p, self.world, moves["package"]
        with np.errstate(invalid="ignore"):
            value = talks.moscow_value(p, s, package)
            accepts = putin_accepts_worth(p, s, value, self.reservation()[1], self.demand())
        return {"russia_accepts": accepts}


class Zelensky(Leader):
    def decide(self, moves, today, draws):
        p, s = self.p, self.world
        return {
            "ukraine_deep_strike": p.per_run("zelensky_deep_strike_intensity"),
            "ukraine_mobilisation": zelensky_mobilisation(p, s),
            "ukraine_offensive": zelensky_offensive(p, s, today, moves["russia_offensive"]),
            # an energy truce spares Ukraine's grid, worth more to Kyiv than its refinery strikes
            "ukraine_accepts_energy_truce": np.ones(s.n_runs, dtype=bool),
            **self.proposes(moves, today, draws),
        }

    def proposes(self, moves, today, draws) -> dict:
        turn = proposes_today(self.p, self.world, today, draws, talks.KYIV,
                              self.offer_chance(today))
        if not turn.any():
            return {}
        return zelensky_proposes(self.p, self.world, turn, moves, self.kyiv_limit())

    def respond(self, moves):
        if nobody_proposes(moves):
            return {"ukraine_accepts": np.zeros(self.world.n_runs, dtype=bool)}
        p, s, package = self.p, self.world, moves["package"]
        with np.errstate(invalid="ignore"):
            parts = talks.kyiv_cost_parts(p, package)
            accepts = zelensky_accepts_cost(s, parts, self.kyiv_limit())
        return {"ukraine_accepts": accepts}


class Trump(Leader):
    """Before inauguration the outgoing administration's policy holds (aid and sanctions at
    their day-0 levels, no push for talks; in 2024, no new aid until the April package).
    Washington decides after Moscow and Kyiv, so it answers for the US relief and backstop
    the day's package asks (its own package it grants)."""

    def decide(self, moves, today, draws):
        p, s = self.p, self.world
        wants = self.wants_deal(today)
        proposes = wants & proposes_today(p, s, today, draws, talks.WASHINGTON,
                                          self.offer_chance(today))
        mine = proposal(moves, proposes,
                        lambda rows: trump_package(*rows_of(rows, p, s, wants,
                                                            self.relief_limit(today))),
                        talks.WASHINGTON)
        if mine.get("proposer", moves["proposer"]).any():
            with np.errstate(invalid="ignore"):
                withheld = talks.washington_withholds(p, mine.get("package", moves["package"]),
                                                      self.relief_limit(today))
        else:
            withheld = np.full(s.n_runs, talks.NOT_ASKED, dtype=np.int8)
        return {
            "us_aid_bn_usd_yr": trump_aid_level(p, s, today),
            "us_sanctions": trump_sanctions(p, s, today),
            "us_pushes_talks": trump_pushes_talks(p, s, today, wants),
            "energy_truce_offered": trump_offers_energy_truce(p, s, proposes),
            "us_withheld": withheld,
            **mine,
        }


class EuropeanLeaders(Leader):
    """Europe decides last, with the day's package on the table: it answers for the EU relief
    and the European force it asks."""

    def decide(self, moves, today, draws):
        p, s = self.p, self.world
        if moves["proposer"].any():
            with np.errstate(invalid="ignore"):
                withheld = talks.europe_withholds(p, moves["package"], draws.eu_holdout)
        else:
            withheld = np.full(s.n_runs, talks.NOT_ASKED, dtype=np.int8)
        return {"eu_aid_bn_usd_yr": europe_aid_level(p, s, moves["us_aid_bn_usd_yr"]),
                "eu_sanctions": europe_sanctions(p, s, today),
                "eu_withheld": withheld}
