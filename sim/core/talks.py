"""Bargaining while fighting: beliefs, reservation values and the talks state machine, (runs,).

Each side holds a belief about the pace (km2/day) at which the front moves and updates it from what
the front did (Slantchev 2003; Powell 2004). Its value of fighting on over the planning horizon is
the ground it expects to gain (Russia) or lose (Ukraine), weighed against its per-day cost, which
rises with economic pressure. Private information (each side's own cost or resolve multiplier) and
a commitment problem (Kyiv discounts a line without guarantees; Moscow breaks a ceasefire when
attacking again pays) keep talks from converging by construction (Fearon 1995; Powell 2006).
Phases: 0 no talks -> 1 talks while fighting -> 2 ceasefire -> 3 settlement; 1 -> 0 collapse,
2 -> 0 breakdown.
"""

from __future__ import annotations

import numpy as np

from ..state import CEASEFIRE, NO_TALKS, SETTLEMENT, TALKS

ESTIMATE_SHRINK_PER_REFUSAL = 0.7
CEASEFIRE_BELIEF_DRIFT = 0.01  # per day: without fighting, Moscow's belief drifts back to its prior


def update_belief(belief, observed_pace, weight):
    """Exponentially weighted belief about the pace, km2/day."""
    return belief + weight * (observed_pace - belief)


def russia_reservation_km2(pace_belief, cost_km2_day, pressure, cost_private, stability, horizon):
    """Smallest concession (km2 beyond the line) Moscow accepts instead of fighting on:
    the expected net gain of fighting over the horizon, never below zero."""
    cost = cost_km2_day * pressure * cost_private * (1.5 - stability)
    return np.maximum(horizon * (pace_belief - cost), 0.0)


def ukraine_tolerance_km2(pace_belief, cost_km2_day, pressure, resolve_km2, resolve_private,
                          support, support_initial, guarantee, horizon, red_line_km2):
    """Largest concession Kyiv accepts: the ground it expects to lose by fighting on plus its
    cost, minus its resolve (lower when guarantees answer the commitment problem and when support
    is low), capped by its red line. Negative means it refuses even a ceasefire on the line."""
    expected_loss = horizon * (pace_belief + cost_km2_day * pressure)
    resolve = resolve_km2 * resolve_private * (1.0 - 0.5 * guarantee) * (support / support_initial)
    return np.minimum(expected_loss - resolve, red_line_km2)


def step_phase(phase, day, phase_start_day, open_talks, offer_made, accepted, collapse_draw,
               collapse_prob, breaks, settle_draw, settle_prob, settle_after):
    """Apply today's moves; returns the new phase and masks of what happened."""
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
