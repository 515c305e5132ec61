"""Domestic politics: Ukrainian support for resistance, Russian regime stability, US blame, (runs,)."""

from __future__ import annotations

import numpy as np

from .arrays import clip

BLAME_DECAY_PER_DAY = 0.005
STABILITY_RELAXATION_PER_DAY = 0.02


def step_ukraine_support(support, initial, casualties_today, outage, ground_lost_km2,
                         refused_today, blame_on_ukraine, maximalist, accepted_line, p):
    """Support falls with casualties, outages, lost ground, being cast as the obstacle and with
    accepting a frozen line; it rallies under openly maximalist demands and drifts back."""
    change = (
        -p.support_casualty_sensitivity * casualties_today / 1000.0
        - p.support_outage_sensitivity * outage
        - p.support_ground_sensitivity * np.maximum(ground_lost_km2, 0.0)
        - p.support_refusal_cost * refused_today * blame_on_ukraine
        + p.support_rally_maximalist * maximalist
        - p.support_concession_cost * accepted_line
        + p.support_recovery_per_day * (initial - support)
    )
    return clip(support + change, 0.0, 1.0)


def step_russia_stability(stability, pressure, casualties_today):
    """Stability relaxes toward a level lowered by economic pressure and heavy casualties."""
    target = clip(1.0 - 0.6 * pressure - 0.05 * casualties_today / 1000.0, 0.0, 1.0)
    return stability + STABILITY_RELAXATION_PER_DAY * (target - stability)


def step_blame(blame, ukraine_refused, russia_broke, maximalist, susceptibility):
    """Washington's blame (-1 Ukraine ... +1 Russia): a refusal shifts it toward Kyiv by the
    susceptibility, more when Moscow stages maximalist terms to cast Kyiv as the obstacle; a
    broken ceasefire shifts it toward Moscow; it fades slowly."""
    toward_ukraine = ukraine_refused * susceptibility * np.where(maximalist, 0.6, 0.15)
    toward_russia = russia_broke * 0.8
    new = blame * (1.0 - BLAME_DECAY_PER_DAY) - toward_ukraine + toward_russia
    return clip(new, -1.0, 1.0)
