"""Domestic politics: Ukrainian support for resistance, Russian regime stability, US blame, (runs,)."""

from __future__ import annotations

import numpy as np

from .arrays import clip
from .talks import KYIV, MOSCOW

BLAME_DECAY_PER_DAY = 0.005
STABILITY_RELAXATION_PER_DAY = 0.02
BLAME_ON_BREACH = 0.8  # assumption: a broken ceasefire is blamed on Moscow


def step_ukraine_support(support, initial, casualties_today, outage, ground_lost_km2,
                         refused_today, blame_on_ukraine, rally, accepted_line, p):
    """Support falls with casualties, outages, lost ground, being cast as the obstacle and with
    accepting a frozen line; it rallies when Kyiv refuses demands that looked unreasonable
    (`rally` in [0, 1]: how far outside its range they lay) and drifts back."""
    change = (
        -p.support_casualty_sensitivity * casualties_today / 1000.0
        - p.support_outage_sensitivity * outage
        - p.support_ground_sensitivity * np.maximum(ground_lost_km2, 0.0)
        - p.support_refusal_cost * refused_today * blame_on_ukraine
        + p.support_rally_unreasonable_demand * rally
        - p.support_concession_cost * accepted_line
        + p.support_recovery_per_day * (initial - support)
    )
    return clip(support + change, 0.0, 1.0)


def step_russia_stability(stability, pressure, casualties_today):
    """Stability relaxes toward a level lowered by economic pressure and heavy casualties."""
    target = clip(1.0 - 0.6 * pressure - 0.05 * casualties_today / 1000.0, 0.0, 1.0)
    return stability + STABILITY_RELAXATION_PER_DAY * (target - stability)


def step_blame(blame, ukraine_refused, russia_refused, proposer, reasonable_to_kyiv,
               reasonable_to_moscow, russia_broke, susceptibility, per_refusal):
    """Washington's blame (-1 Ukraine ... +1 Russia). A refusal moves it toward the refuser by
    `per_refusal` times (susceptibility + (1 - susceptibility) * how reasonable the refused
    package looked), and toward the proposer by the rest when the package looked unreasonable
    (a demand far outside the other side's range). A broken ceasefire moves it toward Moscow;
    it fades slowly. Nothing here knows a strategy: only what was offered and who refused."""
    s = susceptibility
    toward_refuser_kyiv = ukraine_refused * per_refusal * (s + (1.0 - s) * reasonable_to_kyiv)
    toward_refuser_moscow = russia_refused * per_refusal * (s + (1.0 - s) * reasonable_to_moscow)
    moscow_proposed = proposer == MOSCOW
    kyiv_proposed = proposer == KYIV
    toward_moscow_demand = (ukraine_refused & moscow_proposed) * per_refusal * (1.0 - s) * (
        1.0 - reasonable_to_kyiv)
    toward_kyiv_demand = (russia_refused & kyiv_proposed) * per_refusal * (1.0 - s) * (
        1.0 - reasonable_to_moscow)
    new = (blame * (1.0 - BLAME_DECAY_PER_DAY)
           - toward_refuser_kyiv - toward_kyiv_demand
           + toward_refuser_moscow + toward_moscow_demand
           + russia_broke * BLAME_ON_BREACH)
    return clip(new, -1.0, 1.0)
