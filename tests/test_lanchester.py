"""With manoeuvre, noise and reinforcement off, attrition in one sector follows the closed-form
square law: R(t) = R0 cosh(wt) - sqrt(a/b) U0 sinh(wt), U(t) = U0 cosh(wt) - sqrt(b/a) R0 sinh(wt)."""

import numpy as np
import pytest

import sim
from sim import sectors
from sim.core import combat

OFF = dict(advance_speed_scale=0.0, advance_noise_sd=0.0, russia_recruits_per_day=0.0,
           ukraine_recruits_per_day=0.0, putin_call_up=0.0, wounded_return_share=0.0,
           attrition_strain_weight=0.0)


def closed_form(r0, u0, a, b, t):
    w = np.sqrt(a * b)
    return (r0 * np.cosh(w * t) - np.sqrt(a / b) * u0 * np.sinh(w * t),
            u0 * np.cosh(w * t) - np.sqrt(b / a) * r0 * np.sinh(w * t))


def test_exact_step_composes_to_the_closed_form():
    r, u = np.array([100.0]), np.array([80.0])
    a, b = 0.004, 0.002
    for _ in range(200):
        r, u, _, _ = combat.lanchester_exact(r, u, a, b)
    expected_r, expected_u = closed_form(100.0, 80.0, a, b, 200)
    assert np.allclose(r, expected_r, rtol=1e-10) and np.allclose(u, expected_u, rtol=1e-10)


@pytest.mark.parametrize("precision, rtol", [("float64", 1e-9), ("float32", 1e-5)])
def test_model_sector_attrition_matches_square_law(precision, rtol):
    """Exact to 1e-9 in double precision; float32 sector arrays (the default) lose about 1e-7
    a day; after 60 days they are within about 2e-6. (60 days: with no replacements, the
    day-0 ratio the autumn-2024 pace needs empties the Pokrovsk sector after about 90 days,
    where the closed form stops holding.)"""
    days = 60
    model = sim.ConflictModel(scenario="status_quo", n_runs=4, days=days, rng=1,
                              precision=precision, uncertainty="off", **OFF)
    r0 = model.state.russia_force_k.copy()
    u0 = model.state.ukraine_force_k.copy()
    model.run()
    pokrovsk = sectors.SECTOR_NAMES.index("Pokrovsk")
    # rates the model uses in that sector at full 2024 effort
    activity = sectors.ACTIVITY[pokrovsk]
    a = model.derived.russia_loss_rate[0, 0] * activity
    b = model.derived.ukraine_loss_rate[0, 0] * activity
    expected_r, expected_u = closed_form(r0[:, pokrovsk], u0[:, pokrovsk], a, b, days)
    assert np.allclose(model.state.russia_force_k[:, pokrovsk], expected_r, rtol=rtol)
    assert np.allclose(model.state.ukraine_force_k[:, pokrovsk], expected_u, rtol=rtol)
    # and the square law's invariant b R^2 - a U^2 is conserved
    invariant0 = b * r0[:, pokrovsk] ** 2 - a * u0[:, pokrovsk] ** 2
    russia, ukraine = model.state.russia_force_k[:, pokrovsk], model.state.ukraine_force_k[:, pokrovsk]
    invariant = b * russia ** 2 - a * ukraine ** 2
    # a difference of two large terms: its error is relative to the terms, not to the difference
    scale = b * r0[:, pokrovsk] ** 2
    assert np.allclose(invariant, invariant0, rtol=rtol, atol=rtol * scale.max())
    # manoeuvre off: the front did not move
    assert np.all(model.state.depth_km == 0.0)


def test_attrition_coefficients_reproduce_day0_casualties():
    """On a front with no recent advance (no strain), day-0 casualties are the declared rates."""
    model = sim.ConflictModel(scenario="status_quo", n_runs=50, days=1, rng=2,
                              advance_noise_sd=0.0, attrition_strain_weight=0.0)
    model.step()
    russia = model.params.per_run("russia_casualties_per_day_2024")
    assert np.allclose(model.state.russia_casualties_today, russia, rtol=0.01)
    assert np.allclose(model.state.ukraine_casualties_today,
                       model.params.per_run("ukraine_casualties_per_day_2024"), rtol=0.01)
    assert np.ptp(russia) > 100.0  # uncertainty on: each run drew its own rate


def test_assaults_where_the_front_moves_cost_the_attacker_more():
    """attrition_strain_weight raises Russian (not Ukrainian) losses by 1 + w x strain; the
    autumn-2024 push leaves strain on 2024-12-01 when less than it is sustainable."""
    kwargs = dict(scenario="status_quo", n_runs=20, days=1, rng=2, uncertainty="off",
                  culmination_sustainable_pace=0.3)
    quiet = sim.ConflictModel(attrition_strain_weight=0.0, **kwargs)
    hard = sim.ConflictModel(attrition_strain_weight=2.0, **kwargs)
    strain = hard.state.offensive_strain.copy()
    assert np.all(strain > 0.2)
    for model in (quiet, hard):
        model.step()
    ratio = hard.state.russia_casualties_today / quiet.state.russia_casualties_today
    assert np.allclose(ratio, 1.0 + 2.0 * strain[:, 0], rtol=0.05)
    assert np.allclose(hard.state.ukraine_casualties_today, quiet.state.ukraine_casualties_today,
                       rtol=0.05)
