"""What limits an attacker over months (sim/core/combat.py): the defender's adaptation and the
assaults' losses raise the cost of each km2, and culmination brings a push back toward the pace
the attacker can sustain. Each mechanism switched off removes its effect."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

import sim
from sim.core import combat


@lru_cache(maxsize=None)
def _year(**overrides):
    result = sim.simulate("status_quo", runs=60, days=365, seed=4, uncertainty="off",
                          overrides=overrides)
    gain = result.outcomes["area_change_km2"].to_numpy()
    casualties = result.outcomes["russia_casualties"].to_numpy()
    return gain, casualties / np.maximum(gain, 1.0)


def test_a_stronger_defender_adaptation_lowers_the_attackers_ratio_where_the_front_moved():
    """At the same forces: reserves and field works go where the front has moved (strain), not
    where it stood still. (Over a run from a date, the day-0 state absorbs the adaptation the
    start's pace implies, so the model-level cost per km2 does not rise with it: VALIDATION.md.)"""
    strain = np.array([[0.0, 0.5, 1.0]], dtype=np.float32)
    ones = np.ones((1, 3), dtype=np.float32)

    def ratio(adaptation):
        return combat.effective_force_ratio(2.0 * ones, ones, ones, 0.5 * ones, np.ones(1),
                                            np.ones(1), 1.0, strain, adaptation)

    weak, strong = ratio(0.5), ratio(2.5)
    assert weak[0, 0] == strong[0, 0]
    assert np.all(strong[0, 1:] < weak[0, 1:])
    assert np.allclose(ratio(0.0), ratio(0.0)[0, 0])


@pytest.mark.slow
def test_assaults_where_the_front_moves_cost_the_attacker_more_per_km2():
    off_gain, off_cost = _year(attrition_strain_weight=0.0)
    on_gain, on_cost = _year(attrition_strain_weight=4.0)
    assert np.median(on_cost) > 1.1 * np.median(off_cost)


@pytest.mark.slow
def test_a_lower_sustainable_pace_makes_the_push_culminate_sooner():
    slow, _ = _year(culmination_sustainable_pace=0.4)
    fast, _ = _year(culmination_sustainable_pace=1.2)
    assert np.median(slow) < 0.8 * np.median(fast)
    # with no exhaustion, adaptation or assault losses, strain has nothing to act on
    off = {"culmination_exhaustion": 0.0, "culmination_adaptation": 0.0,
           "attrition_strain_weight": 0.0}
    slow_off, _ = _year(culmination_sustainable_pace=0.4, **off)
    fast_off, _ = _year(culmination_sustainable_pace=1.2, **off)
    assert abs(np.median(slow_off) / np.median(fast_off) - 1.0) < 0.15
