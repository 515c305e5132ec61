"""Scenario signatures: each a consequence through at least one mechanism, stated with an effect
size, tested with common random numbers (same seed and run indices) on 300 runs at alpha = 0.01,
and shown to fail when its mechanism is switched off.

Paired continuous outcomes use the Wilcoxon signed-rank test; paired yes/no outcomes use an exact
McNemar test (binomial test on the discordant pairs).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

ALPHA = 0.01


def paired_greater(x, y, min_median_diff):
    """x > y in the paired sense: significant at ALPHA and a median difference above the effect size."""
    diff = np.asarray(x, float) - np.asarray(y, float)
    if np.all(diff == 0):
        return False
    p = stats.wilcoxon(diff, alternative="greater", zero_method="zsplit").pvalue
    return bool(p < ALPHA and np.median(diff) > min_median_diff)


def share_greater(x, y, min_share_diff):
    """Paired yes/no: x true more often than y (exact McNemar) by at least min_share_diff."""
    x, y = np.asarray(x, bool), np.asarray(y, bool)
    only_x, only_y = int(np.sum(x & ~y)), int(np.sum(~x & y))
    if only_x + only_y == 0:
        return False
    p = stats.binomtest(only_x, only_x + only_y, 0.5, alternative="greater").pvalue
    return bool(p < ALPHA and x.mean() - y.mean() >= min_share_diff)


def first_winter_grid(result, days=110):
    """Mean grid capacity over the first winter, before any energy moratorium could start."""
    return result.trajectories["grid_gw"][:, :days].mean(axis=1)


# ---------------------------------------------------------------- deterrence
def deterrence_holds(ensemble, **mechanism):
    sq = ensemble("status_quo", **mechanism)
    dt = ensemble("deterrence", **mechanism)
    return paired_greater(first_winter_grid(dt), first_winter_grid(sq), min_median_diff=0.3)


def test_deterrence_leaves_more_grid_capacity(ensemble):
    assert deterrence_holds(ensemble)


def test_deterrence_signature_fails_without_deterrence_mechanism(ensemble):
    assert not deterrence_holds(ensemble, deterrence_strike_reduction=0.0)


# ---------------------------------------------------------------- economic pressure
def pressure_first_half_year(result):
    return result.trajectories["russia_economic_pressure"][:, :180].mean(axis=1)


def reached_talks_or_settlement(result):
    o = result.outcomes
    return (o["ceasefire_day"].notna() | o["settlement_day"].notna()).to_numpy()


def test_economic_pressure_raises_russian_pressure(ensemble):
    sq, ep = ensemble("status_quo"), ensemble("economic_pressure")
    assert paired_greater(pressure_first_half_year(ep), pressure_first_half_year(sq), 0.05)


def test_economic_pressure_signature_fails_without_sanctions_mechanism(ensemble):
    off = dict(sanctions_discount_usd=0.0, sanctions_pressure_weight=0.0)
    sq, ep = ensemble("status_quo", **off), ensemble("economic_pressure", **off)
    assert not paired_greater(pressure_first_half_year(ep), pressure_first_half_year(sq), 0.05)


def test_economic_pressure_reaches_a_deal_in_more_runs(ensemble):
    sq, ep = ensemble("status_quo"), ensemble("economic_pressure")
    assert share_greater(reached_talks_or_settlement(ep), reached_talks_or_settlement(sq), 0.3)


def test_deals_under_pressure_fail_when_pressure_no_longer_costs_russia(ensemble):
    off = dict(russia_cost_km2_day=0.0)
    sq, ep = ensemble("status_quo", **off), ensemble("economic_pressure", **off)
    assert not share_greater(reached_talks_or_settlement(ep), reached_talks_or_settlement(sq), 0.3)


# ---------------------------------------------------------------- freeze: grab, then offer the line
def ground_in_first_half_year(result):
    occupied = result.trajectories["occupied_km2"]
    return occupied[:, 180] - occupied[:, 0]


def freeze_grabs_ground(ensemble, **mechanism):
    fr, sq = ensemble("freeze", **mechanism), ensemble("status_quo", **mechanism)
    return paired_greater(ground_in_first_half_year(fr), ground_in_first_half_year(sq), 200.0)


def test_freeze_grabs_more_ground_in_the_first_half_year(ensemble):
    assert freeze_grabs_ground(ensemble)


def test_freeze_grab_fails_without_the_grab_surge(ensemble):
    assert not freeze_grabs_ground(ensemble, putin_grab_surge=1.0)


def test_freeze_ceasefires_are_possible_and_mostly_on_the_line(ensemble):
    fr = ensemble("freeze")
    reached = fr.outcomes["ceasefire_day"].notna().to_numpy()
    assert 0.05 <= reached.mean() <= 0.95
    assert np.mean(fr.trajectories["last_offer_km2"][reached, -1] == 0.0) >= 0.6


# ---------------------------------------------------------------- maximalist terms
def final_blame(result):
    return result.trajectories["us_blame"][:, -1]


def maximalist_casts_kyiv_as_obstacle(ensemble, **mechanism):
    """Against the same talks with an opportunist Putin and a Washington that weighs how
    reasonable a refused package was, the maximalist demand and a susceptible Washington move
    the blame toward Kyiv."""
    mx = ensemble("maximalist_terms", **mechanism)
    baseline = ensemble("maximalist_terms", **{"putin_strategy": "opportunist",
                                               "trump_blame_susceptibility": 0.3, **mechanism})
    return paired_greater(final_blame(baseline), final_blame(mx), min_median_diff=0.1)


def test_maximalist_terms_shift_washingtons_blame_toward_kyiv(ensemble):
    assert maximalist_casts_kyiv_as_obstacle(ensemble)


def test_maximalist_blame_signature_fails_when_washington_weighs_reasonableness(ensemble):
    assert not maximalist_casts_kyiv_as_obstacle(ensemble, trump_blame_susceptibility=0.0)


# ---------------------------------------------------------------- burden shift
def burden_shifts(ensemble, **mechanism):
    sq, bs = ensemble("status_quo", **mechanism), ensemble("burden_shift", **mechanism)
    us_cut = paired_greater(sq.outcomes["us_aid_total_bn_usd"], bs.outcomes["us_aid_total_bn_usd"], 10.0)
    eu_up = paired_greater(bs.outcomes["eu_aid_total_bn_usd"], sq.outcomes["eu_aid_total_bn_usd"], 10.0)
    return us_cut and eu_up


def test_burden_shift_cuts_us_aid_and_raises_european_aid(ensemble):
    assert burden_shifts(ensemble)


def test_burden_shift_fails_without_european_compensation(ensemble):
    assert not burden_shifts(ensemble, eu_compensation_share=0.0)


# ---------------------------------------------------------------- parallel processes
def parallel_processes_hold(ensemble, **mechanism):
    pp = ensemble("parallel_processes", **mechanism)
    talks_share = pp.outcomes["talks_open_days"].to_numpy() / pp.days
    phase = pp.trajectories["talks_phase"][:, 1:]
    gain_in_talks = (pp.trajectories["advance_km2_today"][:, 1:] * (phase == 1)).sum(axis=1)
    return bool(np.median(talks_share) > 0.3 and np.median(gain_in_talks) > 2000.0)


def test_parallel_processes_keep_talks_open_while_the_front_moves(ensemble):
    assert parallel_processes_hold(ensemble)


def test_parallel_processes_fail_when_talks_do_not_survive_refusals(ensemble):
    assert not parallel_processes_hold(ensemble, talks_collapse_per_refusal=1.0,
                                       talks_reopen_per_day=0.0)
