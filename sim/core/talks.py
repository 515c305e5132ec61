"""Bargaining while fighting: packages, each side's valuation, beliefs about the other's type,
and the talks state machine, all over runs.

The model follows the rationalist account of why wars go on (Fearon 1995): a deal both prefer to
fighting exists, but (1) each side's cost and resolve are private, so offers are made against a
belief about the other's limit and refusals carry information (Powell 2004; Slantchev 2003, whose
"principle of convergence" is the narrowing of these beliefs as talks and fighting go on; Filson
& Werner 2002), and (2) a ceasefire must survive a shift in power while both sides rebuild, which
guarantees make less likely to be exploited (Powell 2006, the commitment problem).

Units: every value is in km2-equivalents of ground (what a side would trade for one km2 held).
A package is an array of shape (runs, N_ISSUES) with the columns below.
"""

from __future__ import annotations

import numpy as np

from .arrays import clip_range, rows_of, some_runs
from . import portable
from ..state import CEASEFIRE, N_ISSUES, NO_TALKS, SETTLEMENT, TALKS

# Issues of a package, columns of a (runs, N_ISSUES) array
LINE_KM2 = 0  # unoccupied Ukrainian land ceded beyond the current line, km2 (>= 0)
CEASEFIRE_FIRST = 1  # sequencing: 1 = ceasefire first, terms later; 0 = terms first
GUARANTEE = 2  # security guarantees for Ukraine (European force, US backstop), 0-1
SANCTIONS_RELIEF = 3  # share of US sanctions on Russia lifted (Washington's to grant), 0-1
FORCE_LIMITS = 4  # limits on Ukraine's forces and alignment, 0-1
EU_RELIEF = 5  # share of EU sanctions on Russia lifted (the EU's, by unanimity), 0-1
KURSK_RETURN_KM2 = 6  # Russian ground Ukraine holds that it hands back, km2 (>= 0; Kyiv's to give)
ISSUE_NAMES = ("line_km2", "ceasefire_first", "guarantee", "relief_us", "force_limits",
               "relief_eu", "kursk_return_km2")
# The US and EU sanctions count alike in the combined intensity (sim.core.economy), so each
# bloc's relief is half of what full relief is worth to Moscow.
US_RELIEF_WEIGHT = 0.5

# Who proposed a round (int8 codes)
NOBODY, MOSCOW, KYIV, WASHINGTON = 0, 1, 2, 3
PROPOSER_NAMES = ("nobody", "Moscow", "Kyiv", "Washington")
# Who consented to a package (bits of an int8 mask): a package binds only when every party
# controlling one of its issues has consented (`required_consent`).
CONSENT_MOSCOW, CONSENT_KYIV, CONSENT_WASHINGTON, CONSENT_EUROPE = 1, 2, 4, 8
# A share below this counts as none of an issue (rounding of computed packages).
ISSUE_TOLERANCE = 1e-6

# Per day of ceasefire, Moscow's pace belief drifts back toward its prior (memory fades to
# doctrine); assumption.
CEASEFIRE_BELIEF_DRIFT = 0.01


def no_package(n_runs: int) -> np.ndarray:
    return np.full((n_runs, N_ISSUES), np.nan)


# --------------------------------------------------------------------------- values of fighting
def russia_daily_cost(cost_km2_day, cost_private, pressure, stability, casualties_today,
                      casualties_reference, casualty_cost_weight):
    """Moscow's cost of one more day of war (km2-eq/day): economic pressure weighs more when the
    regime is less stable, and heavy casualties add to it; scaled by Moscow's private cost."""
    burden = (pressure * (1.5 - stability)
              + casualty_cost_weight * casualties_today / casualties_reference)
    return cost_km2_day * cost_private * burden


def russia_value_of_fighting(pace_belief, daily_cost, horizon):
    """Moscow's reservation value: the ground it expects to gain over the horizon minus the cost,
    km2-eq. A package worth more than this to Moscow beats fighting on."""
    return horizon * (pace_belief - daily_cost)


def ukraine_expected_loss(pace_belief, cost_km2_day, pressure, horizon):
    """What Kyiv expects fighting on to cost it by the horizon, km2-eq: ground and economy."""
    return horizon * (pace_belief + cost_km2_day * pressure)


def ukraine_value_of_fighting(pace_belief, cost_km2_day, pressure, resolve_km2, resolve_private,
                              support, support_initial, horizon):
    """The most a package may cost Kyiv before fighting on is better, km2-eq: the ground it
    expects to lose by the horizon plus its economic cost, minus its resolve (its private type,
    weakened as domestic support falls). Negative: Kyiv prefers fighting to even a free line."""
    expected_loss = ukraine_expected_loss(pace_belief, cost_km2_day, pressure, horizon)
    resolve = resolve_km2 * resolve_private * (support / support_initial)
    return expected_loss - resolve


# --------------------------------------------------------------------------- values of packages
def relief_share(package):
    """Share of all sanctions on Russia a package lifts: the US and EU parts, each weighted
    by its bloc's share of the combined intensity."""
    return (US_RELIEF_WEIGHT * package[:, SANCTIONS_RELIEF]
            + (1.0 - US_RELIEF_WEIGHT) * package[:, EU_RELIEF])


def russia_package_value(package, relief_value, limits_value, guarantee_cost, sequencing_cost,
                         soil_value, soil_held_km2):
    """What a package is worth to Moscow, km2-eq: the ground, sanctions relief and limits on
    Ukraine it gains, less the guarantees it must tolerate, a ceasefire before terms, and the
    Russian ground it leaves in Ukraine's hands (`soil_held_km2` less what it hands back,
    `soil_value` each km2): fighting on would retake that, so a deal that leaves it costs
    Moscow, and Kyiv can trade it back."""
    left = np.maximum(soil_held_km2 - package[:, KURSK_RETURN_KM2], 0.0)
    return (package[:, LINE_KM2] + relief_value * relief_share(package)
            + limits_value * package[:, FORCE_LIMITS] - guarantee_cost * package[:, GUARANTEE]
            - sequencing_cost * package[:, CEASEFIRE_FIRST] - soil_value * left)


def renewal_risk(base_risk, guarantee, guarantee_effectiveness, limits, limits_risk):
    """Kyiv's expected chance that Russia attacks again within the horizon after a ceasefire:
    guarantees lower it, limits on Ukraine's forces raise it (Powell 2006)."""
    return clip_range(base_risk * (1.0 - guarantee_effectiveness * guarantee)
                   * (1.0 + limits_risk * limits), 0.0, 1.0)


def ukraine_package_cost_parts(package, red_line_km2, red_line_cost_per_km2, frozen_line_cost,
                               limits_cost, relief_cost, sequencing_value, base_risk,
                               guarantee_effectiveness, limits_risk, horizon, kursk_value):
    """What a package costs Kyiv, km2-eq, in two parts: what does not depend on the pace (the
    land ceded, with a steep domestic cost beyond its red line, not a wall; freezing the
    occupation; limits on its forces; relief for Russia; the ground in Russia it hands back,
    `kursk_value` each km2; less the worth of a ceasefire before terms), and the chance that
    Russia attacks again times the horizon, which the believed pace turns into the ground Kyiv
    expects to lose (the commitment problem; `cost_at_pace`).
    Whoever values one package at two paces computes these once."""
    line = package[:, LINE_KM2]
    beyond = np.maximum(line - red_line_km2, 0.0)
    risk = renewal_risk(base_risk, package[:, GUARANTEE], guarantee_effectiveness,
                        package[:, FORCE_LIMITS], limits_risk)
    fixed = (line + red_line_cost_per_km2 * beyond + frozen_line_cost
             + limits_cost * package[:, FORCE_LIMITS] + relief_cost * relief_share(package)
             + kursk_value * package[:, KURSK_RETURN_KM2]
             - sequencing_value * package[:, CEASEFIRE_FIRST])
    return fixed, risk * horizon


def cost_at_pace(parts, pace_belief):
    """A package's cost to Kyiv from its two parts, at a believed pace."""
    fixed, risk_horizon = parts
    return fixed + risk_horizon * np.maximum(pace_belief, 0.0)


# --------------------------------------------------------------------------- beliefs (private information)
def truncate_normal(mean, sd, bound, above: bool, where):
    """Moments of a normal belief N(mean, sd) told that the value lies above (or below) `bound`
    (assumed-density filtering: the truncated normal is replaced by the normal with its mean and
    standard deviation). Runs outside `where`, or with sd = 0, keep their belief."""
    safe_sd = np.where(sd > 0.0, sd, 1.0)
    alpha = (bound - mean) / safe_sd
    sign = 1.0 if above else -1.0
    a = clip_range(sign * alpha, -50.0, 50.0)  # standardised bound on the known side
    mills = portable.inverse_mills(a)  # phi(a) / (1 - Phi(a)), finite in far tails
    new_mean = mean + sign * safe_sd * mills
    shrink = clip_range(1.0 + a * mills - mills * mills, 1e-4, 1.0)
    new_sd = safe_sd * np.sqrt(shrink)
    learn = where & (sd > 0.0)
    return np.where(learn, new_mean, mean), np.where(learn, new_sd, sd)


def quantile(mean, sd, probability):
    """The value below which a normal belief puts `probability`."""
    return mean + sd * portable.normal_quantile(probability)


def ukraine_type_bound(limit_km2, expected_loss_km2, resolve_scale_km2):
    """The Kyiv type (log resolve multiplier) at which its limit equals `limit_km2`: a refusal of
    a package costing c tells Moscow that Kyiv's log resolve lies above this bound at c."""
    ratio = (expected_loss_km2 - limit_km2) / np.maximum(resolve_scale_km2, 1e-9)
    return portable.log(np.maximum(ratio, 1e-6))


def russia_type_bound(value_km2, pace_belief, public_daily_cost, horizon):
    """The Moscow type (log cost multiplier) at which its reservation equals `value_km2`: a
    refusal of a package worth v tells Kyiv that Moscow's log cost lies below this bound."""
    ratio = (pace_belief - value_km2 / horizon) / np.maximum(public_daily_cost, 1e-9)
    return portable.log(np.maximum(ratio, 1e-6))


def update_pace_belief(belief, observed_pace, weight):
    """Exponentially weighted belief about the pace of the front, km2/day."""
    return belief + weight * (observed_pace - belief)


def reasonableness(distance_km2, scale_km2):
    """How reasonable a refused package looked to an outside observer, in (0, 1]: 1 when it lay
    inside the refuser's publicly estimated acceptable range, falling as it lay further outside."""
    return portable.exp(-np.maximum(distance_km2, 0.0) / np.maximum(scale_km2, 1e-9))


# --------------------------------------------------------------------------- state machine
def step_phase(phase, day, phase_start_day, open_talks, offer_made, accepted, collapse_draw,
               collapse_prob, breaks, settle_draw, settle_prob, settle_after):
    """Apply today's moves; returns the new phase, its start day and masks of what happened."""
    opened = (phase == NO_TALKS) & open_talks
    in_talks = phase == TALKS
    ceasefire_now = in_talks & offer_made & accepted
    refused = in_talks & offer_made & ~accepted
    collapsed = refused & (collapse_draw < collapse_prob)
    broke = (phase == CEASEFIRE) & breaks
    held = (phase == CEASEFIRE) & ~breaks & (day - phase_start_day >= settle_after)
    settled = held & (settle_draw < settle_prob)
    new = phase.copy()
    new[opened] = TALKS
    new[ceasefire_now] = CEASEFIRE
    new[collapsed] = NO_TALKS
    new[broke] = NO_TALKS
    new[settled] = SETTLEMENT
    changed = new != phase
    new_start = np.where(changed, day, phase_start_day)
    return new, new_start, {"opened": opened, "ceasefire": ceasefire_now, "refused": refused,
                            "collapsed": collapsed, "broke": broke, "settled": settled}


# --------------------------------------------------------------------------- each side's view
# These read the model's Params and State: the same valuations serve the leaders' decisions
# (sim.agents) and the day's learning and blame (sim.core.day).
def guarantee_on_offer(p):
    """Guarantees a package can carry: Europe's force plus the US backstop, at most 1."""
    return np.minimum(p.eu_guarantee_strength + p.us_backstop_strength, 1.0)


def russia_cost_today(p, state, cost_private):
    return russia_daily_cost(p.russia_cost_km2_day, cost_private, state.russia_economic_pressure,
                             state.russia_stability, state.russia_casualties_today,
                             p.russia_casualties_per_day_2024, p.russia_casualty_cost_weight)


def moscow_value(p, state, package):
    """What `package` is worth to Moscow in the world of `state` (the Russian ground Ukraine
    holds there), to be set against its value of fighting on."""
    return russia_package_value(package, p.russia_relief_value_km2, p.russia_limits_value_km2,
                                p.russia_guarantee_cost_km2, p.russia_sequencing_cost_km2,
                                p.russia_soil_value_km2, state.kursk_held_km2)


def kursk_return_offered(p, state):
    """The Russian ground Kyiv (and Washington, brokering) put in a package: all of it where it
    is worth more to Moscow than to Kyiv, none elsewhere."""
    return np.where(p.ukraine_kursk_value_km2 < p.russia_soil_value_km2, state.kursk_held_km2,
                    0.0)


def kyiv_cost_parts(p, package):
    """The pace-free part of a package's cost to Kyiv and its renewal risk times the horizon."""
    return ukraine_package_cost_parts(package, p.ukraine_red_line_km2, p.red_line_cost_per_km2,
                                      p.ukraine_frozen_line_cost_km2, p.ukraine_limits_cost_km2,
                                      p.ukraine_relief_cost_km2, p.ukraine_sequencing_value_km2,
                                      p.ukraine_renewal_risk, p.guarantee_effectiveness,
                                      p.force_limits_rebuild_cut, p.planning_horizon_days,
                                      p.ukraine_kursk_value_km2)


def kyiv_cost(p, package, pace_belief):
    """What a package costs Kyiv, with the renewal risk judged at `pace_belief` (Kyiv's own,
    or whoever is estimating it)."""
    return cost_at_pace(kyiv_cost_parts(p, package), pace_belief)


def kyiv_expected_loss_and_resolve(p, state, pace_belief):
    """The two public parts of Kyiv's limit, at `pace_belief`: expected loss and resolve scale
    (the limit is loss - scale * exp(type))."""
    loss = ukraine_expected_loss(pace_belief, p.ukraine_cost_km2_day,
                                 state.ukraine_economic_pressure, p.planning_horizon_days)
    scale = p.ukraine_resolve_km2 * state.ukraine_support / p.ukraine_support_initial
    return loss, scale


def kyiv_limit(p, state):
    """The most a package may cost Kyiv, by its own pace belief and private resolve."""
    return ukraine_value_of_fighting(state.ukraine_pace_belief, p.ukraine_cost_km2_day,
                                     state.ukraine_economic_pressure, p.ukraine_resolve_km2,
                                     state.ukraine_resolve_private, state.ukraine_support,
                                     p.ukraine_support_initial, p.planning_horizon_days)


def line_for_cost(cost_of_line, red_line_km2, red_line_cost_per_km2):
    """Invert the cost of ceding land (1 per km2 up to the red line, 1 + steepness beyond)."""
    below = np.minimum(cost_of_line, red_line_km2)
    beyond = np.maximum(cost_of_line - red_line_km2, 0.0) / (1.0 + red_line_cost_per_km2)
    return np.maximum(below + beyond, 0.0)


# --------------------------------------------------------------------------- who consents
def us_guarantee_part(p, package):
    """The share of a package's guarantee that falls on the US backstop: what Europe's force
    does not cover."""
    return np.maximum(package[:, GUARANTEE] - p.eu_guarantee_strength, 0.0)


def eu_guarantee_part(p, package):
    """The share of a package's guarantee that Europe's force gives."""
    return np.minimum(package[:, GUARANTEE], p.eu_guarantee_strength)


def required_consent(p, package):
    """Bits of the parties whose consent a package needs: Moscow and Kyiv for the line and
    the ceasefire; Washington where it lifts US sanctions or calls on the US backstop; Europe
    where it lifts EU sanctions or calls on Europe's force."""
    us = (package[:, SANCTIONS_RELIEF] > ISSUE_TOLERANCE) | (
        us_guarantee_part(p, package) > ISSUE_TOLERANCE)
    eu = (package[:, EU_RELIEF] > ISSUE_TOLERANCE) | (
        eu_guarantee_part(p, package) > ISSUE_TOLERANCE)
    return (CONSENT_MOSCOW + CONSENT_KYIV + CONSENT_WASHINGTON * us
            + CONSENT_EUROPE * eu).astype(np.int8)


def binds(consent, required):
    """A package binds only where every party it needs has consented."""
    return (consent & required) == required


def washington_relief_limit(p, state, wants_deal):
    """The most of its sanctions Washington lifts for a deal: its stated offer while it wants a
    deal, less as it blames Moscow; none when it does not want one."""
    return np.where(wants_deal, p.trump_relief_offer * (1.0 - np.maximum(state.us_blame, 0.0)),
                    0.0)


# Whether a party off the table consents to what a package asks of it, else why not: the
# rule's reason, recorded with its decision (`Moves.us_withheld`, `Moves.eu_withheld`) so that
# the story of a round reads it rather than working it out again. A student seated as the
# leader gives no reason; `NOT_ASKED` where no package is on the table.
CONSENTS, WITHHELD_RELIEF, WITHHELD_FORCE, WITHHELD_HOLDOUT, WITHHELD_BY_PLAYER, NOT_ASKED = (
    0, 1, 2, 3, 4, 5)


def washington_withholds(p, package, relief_limit):
    """Washington, not at the table, grants its part by its own measure: relief up to its
    limit (`washington_relief_limit`), and the backstop up to what it has pledged. (runs,)
    int8: `CONSENTS`, else why not (the backstop where both are beyond; where no package is on
    the table, not `CONSENTS`)."""
    relief_ok = package[:, SANCTIONS_RELIEF] <= relief_limit + ISSUE_TOLERANCE
    force_ok = us_guarantee_part(p, package) <= p.us_backstop_strength + ISSUE_TOLERANCE
    return np.where(~force_ok, WITHHELD_FORCE,
                    np.where(relief_ok, CONSENTS, WITHHELD_RELIEF)).astype(np.int8)


def europe_relief_limit(p, package):
    """The most of its sanctions the EU lifts: `eu_relief_limit`, scaled by how much of the
    guarantees it can give the package carries (Europe trades relief only for its security)."""
    carried = np.minimum(package[:, GUARANTEE] / np.maximum(guarantee_on_offer(p), 1e-9), 1.0)
    return p.eu_relief_limit * carried


def europe_withholds(p, package, holdout_draw):
    """The EU grants its part by unanimity: relief up to its limit unless a member holds out
    (chance `eu_relief_holdout_chance` per package that lifts any EU sanctions). Its force is
    never beyond it: a package's European part is capped at what Europe has pledged
    (`eu_guarantee_part`), the rest falls on the US backstop. (runs,) int8: `CONSENTS`, else
    why not."""
    relief = package[:, EU_RELIEF]
    holdout = (relief > ISSUE_TOLERANCE) & (holdout_draw < p.eu_relief_holdout_chance)
    relief_ok = relief <= europe_relief_limit(p, package) + ISSUE_TOLERANCE
    return np.where(relief_ok, np.where(holdout, WITHHELD_HOLDOUT, CONSENTS),
                    WITHHELD_RELIEF).astype(np.int8)


# --------------------------------------------------------------------------- when to propose
def offer_chance(mean_interval_days, front_shift_km2, shift_reference_km2, urgency):
    """Chance that a party puts a package on the table today. Where nothing drives it, offers
    come at random, one per `mean_interval_days` on average; a shift of the front since the
    last package (it changes what each side expects from fighting on) and urgency (a deadline
    from Washington) raise the rate."""
    rate = (1.0 + np.abs(front_shift_km2) / np.maximum(shift_reference_km2, 1e-9) + urgency) / (
        np.maximum(mean_interval_days, 1.0))
    return 1.0 - portable.exp(-rate)


def washington_urgency(days_without_offer, deadline_days, pushing):
    """Washington's deadline: the longer the talks go without a package, the harder it presses
    both sides (1 after `deadline_days`)."""
    return np.where(pushing, np.maximum(days_without_offer, 0) / np.maximum(deadline_days, 1.0),
                    0.0)


# --------------------------------------------------------------------------- the energy truce
# Refinery damage (share of capacity out) at which the truce's relief for Moscow is worth
# `russia_energy_truce_value_km2`; of the order of the 2024 damage, assumption.
REFINERY_DAMAGE_REFERENCE = 0.1
# Chance per day that Moscow ends a truce it no longer values (before deterrence); assumption:
# within about three weeks of the heating season's strikes becoming worth more to it.
TRUCE_BREAK_PER_DAY = 0.05


def russia_energy_truce_value(p, refinery_damage, strike_season):
    """What a truce on strikes against energy is worth to Moscow, km2-eq: the end of Ukraine's
    strikes on its refineries, less the leverage of its own strikes on Ukraine's grid in the
    heating season."""
    return (p.russia_energy_truce_value_km2 * refinery_damage / REFINERY_DAMAGE_REFERENCE
            - p.russia_winter_strike_value_km2 * strike_season)


def energy_truce_breaks(p, value, draw):
    """Moscow ends a truce it values less than striking, cut by credible US deterrence."""
    chance = TRUCE_BREAK_PER_DAY * (1.0 - p.deterrence_credibility * p.deterrence_strike_reduction)
    return (value < 0.0) & (draw < chance)


def washington_pace(state):
    """Washington, with no private view of the front, splits the two sides' beliefs."""
    return 0.5 * (state.russia_pace_belief + state.ukraine_pace_belief)


def public_kyiv_limit(p, state, pace):
    """Kyiv's limit as an outsider estimates it: typical resolve, at `pace`."""
    loss, scale = kyiv_expected_loss_and_resolve(p, state, pace)
    return loss - scale


def public_moscow_reservation(p, state, pace):
    """Moscow's reservation as an outsider estimates it: typical cost, at `pace`."""
    return russia_value_of_fighting(pace, russia_cost_today(p, state, 1.0),
                                    p.planning_horizon_days)


def learn_from_refusals(p, state, package, ukraine_refused, russia_refused):
    """What a day's refusals teach, and how they look from Washington. Returns Moscow's belief
    about Kyiv's type (mean, sd), Kyiv's about Moscow's (mean, sd), and how reasonable the
    package looked to Kyiv and to Moscow (1 where nothing was refused). Offers come on any day,
    so most days a few runs refuse something: the work is done on those runs only (every step
    is per run, so the result is the same)."""
    n = state.n_runs
    ones = np.ones(n)
    unchanged = (state.russia_belief_ukraine_type_mean, state.russia_belief_ukraine_type_sd,
                 state.ukraine_belief_russia_type_mean, state.ukraine_belief_russia_type_sd)
    refused = ukraine_refused | russia_refused
    if not refused.any():
        return (*unchanged, ones, ones)
    refusing = some_runs(refused)
    if refusing is None:
        # cutting out the refusing runs costs more than learning on all runs in small
        # batches and when many refuse
        return _learn(p, state, package, ukraine_refused, russia_refused)
    learned = _learn(*rows_of(refusing, p, state, package, ukraine_refused, russia_refused))
    out = [x.copy() for x in unchanged] + [ones, ones.copy()]
    for full, part in zip(out, learned):
        full[refusing] = part
    return tuple(out)


def _learn(p, state, package, ukraine_refused, russia_refused):
    """Each side learns only where it was refused, and is judged reasonable or not only there
    (1 elsewhere); a side nobody refused today is skipped. Where a belief does not learn, the
    bound is never used, so a missing package (NaN) there does no harm."""
    ru_mean, ru_sd = state.russia_belief_ukraine_type_mean, state.russia_belief_ukraine_type_sd
    ur_mean, ur_sd = state.ukraine_belief_russia_type_mean, state.ukraine_belief_russia_type_sd
    to_kyiv = to_moscow = np.ones(state.n_runs)
    pace = washington_pace(state)
    with np.errstate(invalid="ignore"):
        if ukraine_refused.any():
            # Moscow learns from Kyiv's refusal that Kyiv's limit lies below what it cost
            parts = kyiv_cost_parts(p, package)
            loss, scale = kyiv_expected_loss_and_resolve(p, state, state.russia_pace_belief)
            cost_seen_by_moscow = cost_at_pace(parts, state.russia_pace_belief)
            kyiv_bound = ukraine_type_bound(cost_seen_by_moscow, loss, scale)
            kyiv_informative = ukraine_refused & (loss > cost_seen_by_moscow)
            ru_mean, ru_sd = truncate_normal(ru_mean, ru_sd, kyiv_bound, above=True,
                                             where=kyiv_informative)
            distance = cost_at_pace(parts, pace) - public_kyiv_limit(p, state, pace)
            to_kyiv = np.where(ukraine_refused, reasonableness(
                distance, p.blame_reasonableness_scale_km2), 1.0)
        if russia_refused.any():
            # Kyiv learns from Moscow's refusal that Moscow's reservation lies above its value
            value = moscow_value(p, state, package)
            public_cost = russia_cost_today(p, state, 1.0)
            moscow_bound = russia_type_bound(value, state.ukraine_pace_belief, public_cost,
                                             p.planning_horizon_days)
            moscow_informative = russia_refused & (
                state.ukraine_pace_belief * p.planning_horizon_days > value)
            ur_mean, ur_sd = truncate_normal(ur_mean, ur_sd, moscow_bound, above=False,
                                             where=moscow_informative)
            distance = russia_value_of_fighting(pace, public_cost,
                                                p.planning_horizon_days) - value
            to_moscow = np.where(russia_refused, reasonableness(
                distance, p.blame_reasonableness_scale_km2), 1.0)
    return ru_mean, ru_sd, ur_mean, ur_sd, to_kyiv, to_moscow
