"""Bargaining while fighting (issue 10): acceptance from each side's own utility, red lines as
steep costs, learning from refusals, blame from reasonableness, and private information that
delays agreement."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import sim
from sim.core import politics, talks


def first_ceasefire_day(result):
    return result.outcomes["ceasefire_day"].fillna(result.days + 1).to_numpy()


def run(scenario="parallel_processes", runs=200, **overrides):
    return sim.simulate(scenario, runs=runs, days=365, seed=3, overrides=overrides,
                        uncertainty="off")


def test_a_package_inside_both_ranges_is_accepted_at_the_first_rounds():
    """Moscow's war costs far exceed its expected gains and Kyiv has no resolve nor domestic cost,
    and neither Washington nor the EU holds back its part: the first packages on the table lie
    inside every range (Moscow's own aim at what it believes Kyiv accepts with even chance),
    and every run stops fighting by its third package."""
    result = run("new_administration", russia_cost_km2_day=200.0, ukraine_resolve_km2=0.0,
                 ukraine_frozen_line_cost_km2=0.0, ukraine_renewal_risk=0.0,
                 eu_relief_holdout_chance=0.0, talks_open_per_day=0.2)
    days = result.outcomes["ceasefire_day"]
    assert days.notna().all()
    offers_so_far = np.cumsum(result.trajectories["proposer_today"] > 0, axis=1)
    third_offer_day = (offers_so_far >= 3).argmax(axis=1)
    third_offer_day[offers_so_far[:, -1] < 3] = result.days
    assert (days.to_numpy() <= third_offer_day).mean() >= 0.95


@pytest.mark.slow
def test_a_package_outside_either_range_is_refused():
    kyiv_never = run(ukraine_frozen_line_cost_km2=100000.0)
    assert kyiv_never.outcomes["ceasefire_day"].isna().all()
    assert (kyiv_never.outcomes["ukraine_refusals"] > 0).mean() > 0.5
    moscow_never = run(russia_cost_km2_day=0.0, russia_casualty_cost_weight=0.0,
                       russia_prior_pace_km2_day=150.0, russia_relief_value_km2=0.0,
                       russia_limits_value_km2=0.0, russia_pace_learning_weight=0.001)
    assert moscow_never.outcomes["ceasefire_day"].isna().all()


def test_a_red_line_is_a_steep_cost_not_a_wall():
    p = sim.scenarios.make("status_quo", 1, ukraine_red_line_km2=1000.0, red_line_cost_per_km2=4.0)
    package = np.zeros((3, talks.N_ISSUES))
    package[:, talks.LINE_KM2] = [500.0, 1000.0, 2000.0]
    cost = talks.kyiv_cost(p, package, np.full(3, 10.0))
    assert np.isfinite(cost).all()
    assert np.isclose(cost[1] - cost[0], 500.0)  # inside the red line: one for one
    assert np.isclose(cost[2] - cost[1], 1000.0 * 5.0)  # beyond it: 1 + steepness
    assert np.allclose(talks.line_for_cost(cost - cost[0] + 500.0, 1000.0, 4.0),
                       package[:, talks.LINE_KM2])


def test_a_refusal_moves_the_proposers_belief_past_the_bound_and_narrows_it():
    mean, sd = np.zeros(3), np.ones(3)
    refused = np.array([True, True, False])
    new_mean, new_sd = talks.truncate_normal(mean, sd, np.array([0.5, -3.0, 0.5]), above=True,
                                             where=refused)
    exact = stats.truncnorm(0.5, np.inf)
    assert np.isclose(new_mean[0], exact.mean()) and np.isclose(new_sd[0], exact.std())
    assert np.isclose(new_mean[1], 0.0, atol=0.01)  # a bound far below says almost nothing
    assert new_mean[2] == 0.0 and new_sd[2] == 1.0  # nothing refused, nothing learned


def test_blame_follows_how_reasonable_the_refused_package_looked_not_a_label():
    zero = np.zeros(2)
    refused = np.array([True, True])
    moscow = np.full(2, talks.MOSCOW, dtype=np.int8)
    blame = politics.step_blame(zero, refused, ~refused, moscow,
                                reasonable_to_kyiv=np.array([1.0, 0.0]),
                                reasonable_to_moscow=np.ones(2), russia_broke=~refused,
                                susceptibility=0.0, per_refusal=0.3)
    assert blame[0] < 0.0 < blame[1]  # a reasonable offer refused: Kyiv; an outrageous one: Moscow
    susceptible = politics.step_blame(zero, refused, ~refused, moscow, np.array([1.0, 0.0]),
                                      np.ones(2), ~refused, susceptibility=1.0, per_refusal=0.3)
    assert np.allclose(susceptible, -0.3)  # a Washington that blames whoever says no


@pytest.mark.slow
def test_private_information_delays_agreement():
    """Fearon 1995: with nothing private, offers hit the other side's limit at once; with
    private costs and resolve, refusals come first and agreement later (same runs). Nothing
    private means no private type (resolve_spread 0) and no private view of the war either:
    both sides start from one belief about the pace and learn it at one rate (otherwise mutual
    optimism, a private reading of capabilities, keeps them apart whatever the types). A deal
    both prefer must exist at the typical types (Fearon's premise): Moscow's cost of a day of
    war is set high enough for that, since Kyiv cannot pay in sanctions relief it does not
    control."""
    common = {"russia_prior_pace_km2_day": 20.0, "ukraine_prior_pace_km2_day": 20.0,
              "russia_pace_learning_weight": 0.02, "ukraine_pace_learning_weight": 0.02,
              "russia_cost_km2_day": 40.0}
    known = sim.simulate("freeze", runs=300, days=730, seed=5, uncertainty="off",
                         overrides={"resolve_spread": 0.0, **common})
    private = sim.simulate("freeze", runs=300, days=730, seed=5, uncertainty="off",
                           overrides={"resolve_spread": 0.8, **common})
    later = first_ceasefire_day(private) - first_ceasefire_day(known)
    assert stats.wilcoxon(later, alternative="greater", zero_method="zsplit").pvalue < 0.01
    assert (known.outcomes["ceasefire_day"].notna().mean()
            > private.outcomes["ceasefire_day"].notna().mean())
    assert (known.outcomes["ukraine_refusals"].mean()
            < private.outcomes["ukraine_refusals"].mean())
