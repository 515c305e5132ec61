"""Forces raised by decisions (sim/core/forces.py): each mechanism moves the inflow the way it
says, and switching it off removes the effect."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

import sim
from sim.core import forces


def test_economic_pressure_cuts_the_sign_up_pay_and_with_it_the_contracts():
    pay = forces.russia_signup_pay(1.0, np.array([0.2, 0.4, 0.7]), 0.2, 1.0)
    assert np.allclose(pay, [1.0, 0.8, 0.5])
    assert np.allclose(forces.russia_signup_pay(1.0, np.array([0.2, 0.7]), 0.2, 0.0), 1.0)
    contracts = forces.russia_contracts_per_day(1100.0, pay, 1.0, 1.0)
    assert np.all(np.diff(contracts) < 0.0)
    assert np.allclose(forces.russia_contracts_per_day(1100.0, pay, 0.0, 1.0), 1100.0)


def test_a_drawn_down_pool_signs_up_less():
    left = forces.pool_left_share(np.array([3000.0, 1500.0, 0.0]), 3000.0)
    assert np.allclose(left, [1.0, 0.5, 0.0])
    assert np.allclose(forces.russia_contracts_per_day(1000.0, 1.0, 1.0, left), [1000, 500, 0])


def test_call_ups_fill_the_gap_contracts_leave_as_far_as_readiness_and_stability_allow():
    order = forces.russia_call_up_order(0.5, 7900.0, np.array([800.0, 1500.0, 10000.0]),
                                        np.array([1000.0, 1000.0, 1000.0]))
    assert np.allclose(order, [0.0, 500.0, 3950.0])
    assert np.all(forces.russia_call_up_order(0.0, 7900.0, 5000.0, 1000.0) == 0.0)
    called = forces.russia_called_up_per_day(1000.0, np.array([0.4, 0.5, 0.75, 1.0]), 0.5)
    assert np.allclose(called, [0.0, 0.0, 500.0, 1000.0])


def test_the_threat_at_the_front_raises_ukraines_mobilisation_unless_switched_off():
    threat = forces.front_threat(np.array([9.0, 18.0, 36.0]), 18.0)
    assert np.allclose(threat, [0.5, 1.0, 2.0])
    mobilised = forces.ukraine_mobilised_per_day(353.0, 1.0, 0.76, threat, 0.5)
    assert np.all(np.diff(mobilised) > 0.0)
    flat = forces.ukraine_mobilised_per_day(353.0, 1.0, 0.76, threat, 0.0)
    assert np.allclose(flat, flat[0])
    assert forces.front_threat(1000.0, 0.0) == forces.THREAT_RANGE[1]


def test_recruits_reach_the_front_through_the_training_pipeline():
    days = 60.0
    stock = forces.pipeline_in_steady_state(300.0, days)
    kept, arriving = forces.step_pipeline(stock, 0.3, days)
    assert np.isclose(kept, stock) and np.isclose(arriving, 0.3)
    # double the inflow: after one training time about 1 - 1/e of the step has arrived
    for _ in range(int(days)):
        stock, arriving = forces.step_pipeline(stock, 0.6, days)
    assert 0.3 + 0.3 * 0.55 < arriving < 0.3 + 0.3 * 0.7


@lru_cache(maxsize=None)
def _run(**overrides):
    model = sim.ConflictModel("status_quo", n_runs=40, days=240, rng=3, record=False,
                              collect=False, uncertainty="off", **overrides)
    contracts, arriving, called = [], [], []
    while model.running:
        model.step()
        contracts.append(model.state.russia_contracts_today)
        called.append(model.state.russia_called_up_today)
        arriving.append(model.state.ukraine_recruits_today)
    return model.state, np.sum(contracts, 0), np.sum(called, 0), np.sum(arriving, 0)


@pytest.mark.slow
def test_cutting_the_sign_up_pay_cuts_russias_inflow_and_its_force():
    paid, cut = _run(), _run(russia_signup_pay=0.5)
    assert np.all(cut[1] < 0.6 * paid[1])
    assert np.all(cut[0].russia_force_k.sum(1) < paid[0].russia_force_k.sum(1))


def test_putin_calls_up_reservists_only_when_ready_and_contracts_fall_short():
    ready = _run(russia_signup_pay=0.3, putin_call_up=1.0)
    never = _run(russia_signup_pay=0.3, putin_call_up=0.0)
    assert np.all(ready[2] > 0.0) and np.all(never[2] == 0.0)
    assert np.all(ready[0].russia_stability < never[0].russia_stability)
    assert np.all(ready[0].russia_force_k.sum(1) > never[0].russia_force_k.sum(1))


def test_a_stricter_mobilisation_law_brings_more_ukrainians_at_a_cost_in_support():
    base, strict = _run(), _run(ukraine_mobilisation_law=2.0)
    assert np.all(strict[3] > 1.3 * base[3])
    assert np.all(strict[0].ukraine_force_k.sum(1) > base[0].ukraine_force_k.sum(1))
    assert np.mean(strict[0].ukraine_support) < np.mean(base[0].ukraine_support)
    free = _run(ukraine_mobilisation_law=2.0, ukraine_mobilisation_support_cost=0.0)
    assert np.mean(free[0].ukraine_support) > np.mean(strict[0].ukraine_support)


def test_the_recorded_troops_are_the_sectors_summed_and_their_ratio_the_force_ratio():
    """The troops a student reads on the page are those the day fights with: every day, each
    side's troops at the front summed over the sectors, and the force ratio their quotient."""
    model = sim.ConflictModel(scenario="status_quo", n_runs=3, days=40, rng=5, collect=False)
    for _ in range(40):
        model.step()
        day, state = model.day, model.state
        russia = model.trajectories["russia_troops_k"][:, day]
        ukraine = model.trajectories["ukraine_troops_k"][:, day]
        assert np.allclose(russia, state.russia_force_k.astype(float).sum(axis=1), rtol=1e-6)
        assert np.allclose(ukraine, state.ukraine_force_k.astype(float).sum(axis=1), rtol=1e-6)
        assert np.array_equal(model.trajectories["front_force_ratio"][:, day],
                              russia / np.maximum(ukraine, 1e-9))
    contracts = model.trajectories["russia_contracts_today"][:, 1:]
    assert (contracts > 0).all() and (model.trajectories["ukraine_recruits_today"][:, 1:] > 0).all()


def test_a_shrinking_army_raises_ukraines_mobilisation_unless_switched_off():
    """Kyiv's manpower shortage (troops on the start date over troops now, 1 while it has as
    many) raises its call-ups to the power `ukraine_shortage_mobilisation_elasticity`: with its
    recruits at the posterior's low end its army shrinks, and the response keeps more men at the
    front and the force ratio lower; at 0 it is gone."""
    assert np.array_equal(forces.manpower_shortage(np.array([300.0, 150.0, 10.0]), 300.0),
                          [1.0, 2.0, forces.MAX_SHORTAGE])
    base = forces.ukraine_mobilised_per_day(400.0, 1.0, 1.0, 1.0, 0.5)
    assert forces.ukraine_mobilised_per_day(400.0, 1.0, 1.0, 1.0, 0.5, 2.0, 1.0) == 2.0 * base
    assert forces.ukraine_mobilised_per_day(400.0, 1.0, 1.0, 1.0, 0.5, 2.0, 0.0) == base

    def run(elasticity):
        return sim.simulate("status_quo", runs=40, days=365, seed=2, uncertainty="off",
                            record=("ukraine_troops_k", "front_force_ratio",
                                    "ukraine_recruits_today"),
                            overrides={"ukraine_recruits_per_day": 300.0,
                                       "ukraine_shortage_mobilisation_elasticity": elasticity})
    off, on = run(0.0), run(1.0)
    assert (off.trajectories["ukraine_troops_k"][:, -1]
            < off.trajectories["ukraine_troops_k"][:, 0]).all(), "the army shrinks"
    assert (on.trajectories["ukraine_recruits_today"][:, -1]
            > off.trajectories["ukraine_recruits_today"][:, -1]).all()
    assert (on.trajectories["front_force_ratio"][:, -1]
            < off.trajectories["front_force_ratio"][:, -1]).mean() > 0.9


def test_each_runs_outcome_row_carries_its_troops_and_force_ratio_at_the_end():
    result = sim.simulate("status_quo", runs=6, days=90, seed=4,
                          record=("russia_troops_k", "ukraine_troops_k", "front_force_ratio"))
    for column, field in (("russia_troops_k_final", "russia_troops_k"),
                          ("ukraine_troops_k_final", "ukraine_troops_k"),
                          ("force_ratio_final", "front_force_ratio")):
        assert np.array_equal(result.outcomes[column].to_numpy(),
                              result.trajectories[field][:, -1])
