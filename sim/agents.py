"""Mesa agents: four states and their four leaders, each one actor across all runs.

A state agent's attributes are arrays over runs, read from the model's current `State` (never kept
from an earlier day). A leader agent's rules are short pure array functions below: each reads the
world and returns its part of the day's `Moves` (sim.moves), the record `core.day.advance` applies;
a rule keeps nothing between calls. Leaders decide in a fixed order (Putin, Zelensky, Trump,
European leaders), so a later leader may react to an earlier one's move of the same day; then
Putin and Zelensky answer the day's package, if any.

No rule keys an effect to a strategy's name: Putin's strategy picks what he proposes and when he
asks for talks; what follows (acceptance, blame, support) comes from the package itself.
"""

from __future__ import annotations

import numpy as np
import mesa

from . import sectors
from .core import day as core_day
from .core import combat, forces, talks
from .core.arrays import clip, sector_column
from .params import PUTIN_STRATEGIES, Params
from .state import CEASEFIRE, State

FREEZE = PUTIN_STRATEGIES.index("freeze")
MAXIMALIST = PUTIN_STRATEGIES.index("maximalist")
SERIOUS = PUTIN_STRATEGIES.index("serious")

# Expected gain from attacking again (km2-eq over the horizon) at which a ceasefire breaks down
# at its base rate; assumption, of the order of a season's gains in 2024.
BREACH_GAIN_REFERENCE_KM2 = 5000.0
BREACH_GAIN_CAP = 3.0  # the hazard is at most this multiple of its base rate


def my_turn(p: Params, state: State, ctx: core_day.DayContext, me: int) -> np.ndarray:
    """Where a round of talks falls today and it is this party's turn."""
    round_due = talks.round_due(state, p, ctx.day)
    if not round_due.any():
        return round_due
    broker = (p.per_run("trump_pushes_talks") > 0) & ctx.inaugurated
    return round_due & (talks.whose_turn(state.talks_rounds, broker) == me)


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
    Ukraine holds no ground there."""
    f = state.depth_km.dtype
    extra = np.where(grabbing, p.putin_grab_surge - 1.0, 0.0).astype(f)
    effort = np.multiply.outer(extra, sectors.MAIN_AXIS)  # surge - 1 on the main axes, else 0
    effort += 1.0
    effort *= sector_column(p.per_run("putin_offensive_intensity")
                            * (state.talks_phase < CEASEFIRE), f)
    effort[:, sectors.KURSK] *= state.kursk_held_km2 > 0.0
    return effort


def putin_strike_wave(p: Params, state: State, ctx: core_day.DayContext, draw) -> np.ndarray:
    """Launch a mass strike on the grid with a seasonal chance, cut by credible US deterrence;
    none during a ceasefire or an energy moratorium."""
    quiet = (state.talks_phase >= CEASEFIRE) | state.moratorium
    prob = core_day.strikes.strike_wave_probability(
        ctx.strike_season, p.strike_wave_prob_winter, p.strike_wave_prob_summer,
        p.deterrence_credibility, p.deterrence_strike_reduction, quiet)
    return draw < prob


def putin_package(p: Params, state: State, reservation: np.ndarray) -> np.ndarray:
    """Moscow's package when it proposes, by strategy. Every strategy asks for sanctions relief
    and limits on Ukraine, terms first and no guarantees, and claims the line that Moscow
    believes Kyiv accepts with chance `offer_acceptance_target` (never less than its own
    reservation): the opportunist rule. The maximalist demands at least its fixed claim; the
    serious Putin, under strain, offers exactly his reservation and tolerates guarantees; the
    freezing Putin offers the line itself, ceasefire first."""
    n = state.n_runs
    strategy = p.per_run("putin_strategy")
    strained = state.russia_economic_pressure >= p.putin_serious_pressure
    serious = (strategy == SERIOUS) & strained
    freeze = strategy == FREEZE
    package = np.zeros((n, talks.N_ISSUES))
    package[:, talks.SANCTIONS_RELIEF] = np.where(freeze, 0.0, 1.0)
    package[:, talks.FORCE_LIMITS] = np.where(freeze, 0.0, 1.0)
    package[:, talks.GUARANTEE] = np.where(serious, talks.guarantee_on_offer(p), 0.0)
    package[:, talks.CEASEFIRE_FIRST] = np.where(freeze, 1.0, 0.0)
    terms_value = talks.moscow_value(p, package)
    # the line Moscow believes Kyiv accepts with the target chance
    loss, scale = talks.kyiv_expected_loss_and_resolve(p, state, state.russia_pace_belief)
    kyiv_type = talks.quantile(state.russia_belief_ukraine_type_mean,
                               state.russia_belief_ukraine_type_sd, p.offer_acceptance_target)
    affordable = loss - scale * np.exp(kyiv_type)
    terms_cost = talks.kyiv_cost(p, package, state.russia_pace_belief)
    targeted = talks.line_for_cost(affordable - terms_cost, p.ukraine_red_line_km2,
                                   p.red_line_cost_per_km2)
    at_reservation = np.maximum(reservation - terms_value, 0.0)
    line = np.maximum(targeted, at_reservation)
    line = np.where(strategy == MAXIMALIST, np.maximum(line, p.putin_maximalist_demand_km2), line)
    line = np.where(serious, at_reservation, line)
    package[:, talks.LINE_KM2] = np.where(freeze, 0.0, line)
    return package


def putin_proposes(p: Params, state: State, ctx: core_day.DayContext,
                   gain_below_cost: np.ndarray) -> np.ndarray:
    """On Moscow's turn it puts its package on the table; a freezing Putin stalls until his
    marginal gain falls below his cost."""
    stalling = (p.per_run("putin_strategy") == FREEZE) & ~gain_below_cost
    return my_turn(p, state, ctx, talks.MOSCOW) & ~stalling


def putin_aspiration(p: Params, state: State, reservation: np.ndarray) -> np.ndarray:
    """The least a package must be worth for Putin to accept it: his value of fighting on, and
    for the maximalist also the land he demands, an aim that economic strain wears away (gone
    when the strain reaches `putin_serious_pressure`)."""
    demand = np.where(p.per_run("putin_strategy") == MAXIMALIST, p.putin_maximalist_demand_km2,
                      0.0)
    worn = np.clip(1.0 - state.russia_economic_pressure / p.putin_serious_pressure, 0.0, 1.0)
    return reservation + demand * worn


def putin_accepts(p: Params, state: State, package: np.ndarray, reservation) -> np.ndarray:
    """Accept a package worth at least his aspiration."""
    with np.errstate(invalid="ignore"):
        return talks.moscow_value(p, package) >= putin_aspiration(p, state, reservation)


def putin_seeks_talks(p: Params, state: State, ctx: core_day.DayContext,
                      gain_below_cost: np.ndarray) -> np.ndarray:
    """Freeze Putin asks for talks once his marginal gain falls below his cost, maximalist
    Putin asks at once (a stage for his demands), serious Putin once strain passes his
    threshold; all only with the new administration."""
    strategy = p.per_run("putin_strategy")
    strained = state.russia_economic_pressure >= p.putin_serious_pressure
    wants = (((strategy == FREEZE) & gain_below_cost)
             | (strategy == MAXIMALIST)
             | ((strategy == SERIOUS) & strained))
    return wants & ctx.inaugurated


def putin_breaks_ceasefire(p: Params, state: State, draw, daily_cost: np.ndarray) -> np.ndarray:
    """During a ceasefire, attack again with a chance that grows with Moscow's expected gain
    from fighting (its pace belief scaled by the shift in forces since the ceasefire began,
    less what the deal gives it), cut by credible deterrence and by the deal's guarantees."""
    in_ceasefire = state.talks_phase == CEASEFIRE
    if not in_ceasefire.any():
        return in_ceasefire
    shift = (combat.front_force_ratio(state.russia_force_k, state.ukraine_force_k)
             / state.force_ratio_at_ceasefire) ** p.force_ratio_exponent
    gain = talks.russia_value_of_fighting(
        state.russia_pace_belief * shift, daily_cost, p.planning_horizon_days)
    deal = state.deal_package
    incentive = np.clip((gain - talks.moscow_value(p, deal)) / BREACH_GAIN_REFERENCE_KM2,
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


# --------------------------------------------------------------------------- Zelensky's rules
def zelensky_mobilisation(p: Params, state: State) -> np.ndarray:
    """Mobilisation effort (1: full effort under the April 2024 law): the law's reach, the
    effort domestic support carries, and more when the front moves faster than it did before
    the start (the threat index to the power `ukraine_threat_mobilisation_elasticity`); limits agreed in
    a deal cut it. Effort above 1 costs support (in the core)."""
    limits = state.deal_package[:, talks.FORCE_LIMITS]
    threat = forces.front_threat(state.recent_pace_km2_day, state.start_pace_km2_day)
    return (forces.ukraine_mobilised_per_day(1.0, p.ukraine_mobilisation_law,
                                             forces.support_effort(state.ukraine_support),
                                             threat, p.ukraine_threat_mobilisation_elasticity)
            * (1.0 - p.force_limits_rebuild_cut * limits))


def zelensky_package(p: Params, state: State) -> np.ndarray:
    """Kyiv's package: a ceasefire first with the guarantees on offer, and just enough for
    Moscow, as Kyiv believes (accepted with chance `offer_acceptance_target`), given first as
    sanctions relief, then limits, then land up to its red line, never beyond."""
    n = state.n_runs
    package = np.zeros((n, talks.N_ISSUES))
    package[:, talks.CEASEFIRE_FIRST] = 1.0
    package[:, talks.GUARANTEE] = talks.guarantee_on_offer(p)
    pace = state.ukraine_pace_belief
    moscow_type = talks.quantile(state.ukraine_belief_russia_type_mean,
                                 state.ukraine_belief_russia_type_sd,
                                 1.0 - p.offer_acceptance_target)
    needed = talks.russia_value_of_fighting(
        pace, talks.russia_cost_today(p, state, np.exp(moscow_type)), p.planning_horizon_days)
    needed = needed - talks.moscow_value(p, package)
    for issue, worth in ((talks.SANCTIONS_RELIEF, p.russia_relief_value_km2),
                         (talks.FORCE_LIMITS, p.russia_limits_value_km2)):
        share = np.clip(np.divide(needed, worth, out=np.zeros(n),
                                  where=np.broadcast_to(worth, (n,)) > 0), 0.0, 1.0)
        package[:, issue] = share
        needed = needed - share * worth
    package[:, talks.LINE_KM2] = np.clip(needed, 0.0, p.ukraine_red_line_km2)
    return package


def zelensky_proposes(p: Params, state: State, ctx: core_day.DayContext, moves: dict) -> dict:
    """On Kyiv's turn it puts its package on the table, if it prefers that package to
    fighting on; otherwise the round passes."""
    turn = my_turn(p, state, ctx, talks.KYIV)
    if not turn.any():
        return {}
    package = zelensky_package(p, state)
    return proposal(moves, turn & zelensky_accepts(p, state, package), lambda: package,
                    talks.KYIV)


def zelensky_accepts(p: Params, state: State, package: np.ndarray) -> np.ndarray:
    """Accept a package that costs Kyiv less than fighting on (by its own pace belief and
    resolve, so less the lower its support)."""
    with np.errstate(invalid="ignore"):
        return (talks.kyiv_cost(p, package, state.ukraine_pace_belief)
                <= talks.kyiv_limit(p, state))


# --------------------------------------------------------------------------- Trump's rules
def trump_aid_level(p: Params, state: State, ctx: core_day.DayContext) -> np.ndarray:
    """After inauguration, aid is the contained level, cut further by blame on Kyiv."""
    contained = p.us_aid_baseline_bn_usd * p.trump_aid_level * (
        1.0 - p.trump_aid_cut_on_blame * np.maximum(-state.us_blame, 0.0))
    before = p.us_aid_baseline_bn_usd * ctx.us_aid_flowing
    return np.where(ctx.inaugurated, contained, before) * np.ones(state.n_runs)


def trump_sanctions(p: Params, state: State, ctx: core_day.DayContext) -> np.ndarray:
    """After inauguration, sanctions are set by the new administration, raised by blame on
    Moscow (a deal's relief applies on top, in the core)."""
    after = clip(p.trump_sanctions_level + p.trump_sanctions_on_blame
                 * np.maximum(state.us_blame, 0.0), 0.0, 1.0)
    return np.where(ctx.inaugurated, after, p.us_sanctions_initial) * np.ones(state.n_runs)


def trump_pushes_talks(p: Params, state: State, ctx: core_day.DayContext) -> np.ndarray:
    """After inauguration (and a delay), press both sides into talks."""
    due = ctx.days_since_inauguration >= p.trump_push_delay_days
    return ((p.per_run("trump_pushes_talks") > 0) & due) & ctx.inaugurated


def trump_package(p: Params, state: State) -> np.ndarray:
    """Washington's brokered package: a ceasefire first with the guarantees on offer, its own
    relief and limits, and the line halfway between what it estimates each side would accept
    (typical types, the pace halfway between the two sides' beliefs)."""
    package = np.zeros((state.n_runs, talks.N_ISSUES))
    package[:, talks.CEASEFIRE_FIRST] = 1.0
    package[:, talks.GUARANTEE] = talks.guarantee_on_offer(p)
    package[:, talks.SANCTIONS_RELIEF] = p.trump_relief_offer
    package[:, talks.FORCE_LIMITS] = p.trump_limits_offer
    pace = talks.washington_pace(state)
    least_for_moscow = np.maximum(talks.public_moscow_reservation(p, state, pace)
                                  - talks.moscow_value(p, package), 0.0)
    most_for_kyiv = talks.line_for_cost(
        talks.public_kyiv_limit(p, state, pace) - talks.kyiv_cost(p, package, pace),
        p.ukraine_red_line_km2, p.red_line_cost_per_km2)
    package[:, talks.LINE_KM2] = 0.5 * (least_for_moscow + most_for_kyiv)
    return package


# --------------------------------------------------------------------------- Europe's rules
def europe_aid_level(p: Params, state: State, us_aid: np.ndarray) -> np.ndarray:
    """Europe keeps its flow and makes up a share of any US cut (burden sharing)."""
    cut = np.maximum(p.us_aid_baseline_bn_usd - us_aid, 0.0)
    return (p.eu_aid_baseline_bn_usd + p.eu_compensation_share * cut) * np.ones(state.n_runs)


def europe_sanctions(p: Params, state: State, ctx: core_day.DayContext) -> np.ndarray:
    """A new sanctions package at each interval while the war goes on (a deal's relief applies
    on top, in the core)."""
    due = (ctx.day % np.maximum(np.rint(p.eu_package_interval_days), 1) == 0)
    step = np.where(due & (state.talks_phase < CEASEFIRE), p.eu_sanctions_step, 0.0)
    return clip(state.eu_sanctions + step, 0.0, 1.0)


def proposal(moves: dict, proposes: np.ndarray, make_package, me: int) -> dict:
    """Put a leader's package on the table where it proposes today. The package is only
    worked out on days when the leader proposes somewhere (rounds fall every few weeks)."""
    if not proposes.any():
        return {}
    return {"package": np.where(proposes[:, None], make_package(), moves["package"]),
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
    def decide(self, moves, today, draws):
        p, s = self.p, self.world
        daily_cost, reservation = putin_reservation(p, s)
        below_cost = putin_marginal_gain_below_cost(s, daily_cost)
        return {
            "russia_offensive": putin_offensive_allocation(p, s, putin_is_grabbing(p, s, below_cost)),
            "russia_strike_wave": putin_strike_wave(p, s, today, draws.strike_wave),
            "russia_call_up": putin_call_up(p, s),
            "russia_seeks_talks": putin_seeks_talks(p, s, today, below_cost),
            "russia_breaks_ceasefire": putin_breaks_ceasefire(p, s, draws.ceasefire_breach,
                                                              daily_cost),
            **proposal(moves, putin_proposes(p, s, today, below_cost),
                       lambda: putin_package(p, s, reservation), talks.MOSCOW),
        }

    def respond(self, moves):
        if nobody_proposes(moves):
            return {"russia_accepts": np.zeros(self.world.n_runs, dtype=bool)}
        return {"russia_accepts": putin_accepts(self.p, self.world, moves["package"],
                                                putin_reservation(self.p, self.world)[1])}


class Zelensky(Leader):
    def decide(self, moves, today, draws):
        p, s = self.p, self.world
        return {
            "ukraine_deep_strike": p.per_run("zelensky_deep_strike_intensity"),
            "ukraine_mobilisation": zelensky_mobilisation(p, s),
            **zelensky_proposes(p, s, today, moves),
        }

    def respond(self, moves):
        if nobody_proposes(moves):
            return {"ukraine_accepts": np.zeros(self.world.n_runs, dtype=bool)}
        return {"ukraine_accepts": zelensky_accepts(self.p, self.world, moves["package"])}


class Trump(Leader):
    """Before inauguration the outgoing administration's policy holds (aid and sanctions at
    their day-0 levels, no push for talks; in 2024, no new aid until the April package)."""

    def decide(self, moves, today, draws):
        p, s = self.p, self.world
        return {
            "us_aid_bn_usd_yr": trump_aid_level(p, s, today),
            "us_sanctions": trump_sanctions(p, s, today),
            "us_pushes_talks": trump_pushes_talks(p, s, today),
            **proposal(moves, my_turn(p, s, today, talks.WASHINGTON), lambda: trump_package(p, s),
                       talks.WASHINGTON),
        }


class EuropeanLeaders(Leader):
    def decide(self, moves, today, draws):
        p, s = self.p, self.world
        return {"eu_aid_bn_usd_yr": europe_aid_level(p, s, moves["us_aid_bn_usd_yr"]),
                "eu_sanctions": europe_sanctions(p, s, today)}
