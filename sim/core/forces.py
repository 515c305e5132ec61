"""Forces raised by decisions: the men each side sends toward the front each day, and why, (runs,).

Russia's inflow is paid volunteers: contracts signed at a sign-up pay the budget must fund (so
economic pressure cuts it), drawn from a finite pool of men willing to sign at 2024's pay, and, when
contracts no longer replace the losses, reservists called up as far as the regime's stability
allows. Ukraine's inflow is mobilisation: the law and its enforcement (the April 2024 law is 1),
the effort domestic support carries, and the threat at the front (Kyiv's belief about how fast it
loses ground over what it expected). Both arrive at the front through a training pipeline, an
exponential lag. Each factor is 1 at the start's conditions, so the day-0 inflow is the fitted one
and what changes it later has a cause a student can read off the state.
"""

from __future__ import annotations

import numpy as np

from . import portable
from .arrays import clip_range

THREAT_RANGE = (0.5, 4.0)  # Kyiv's threat index is kept inside this range
MAX_SHORTAGE = 4.0  # Kyiv's manpower shortage index is kept at most this
THREAT_MEMORY_DAYS = 91.0  # Kyiv reads the threat off the last quarter's pace, as the start does
# The least pace Kyiv counts as the usual: the mean of Dec 2023-Nov 2024 (forces table: 2,996 km2
# a year); a quiet quarter before the start does not make an ordinary pace a threat.
MIN_REFERENCE_PACE_KM2_DAY = 2996.0 / 366.0


def russia_signup_pay(pay_level, pressure, pressure_day0, pressure_cut):
    """Sign-up pay relative to 2024 that the budget still funds: the level Moscow sets, cut by
    `pressure_cut` per unit of economic pressure above its day-0 level (a deficit to close
    squeezes the federal and regional bonuses first); never below zero."""
    squeeze = np.maximum(np.subtract(pressure, pressure_day0), 0.0)
    return pay_level * np.maximum(1.0 - pressure_cut * squeeze, 0.0)


def pool_left_share(pool_k, pool_initial_k):
    """Share of the day-0 pool of willing recruits still unsigned: the harder-to-reach remainder
    signs up less readily, in proportion."""
    return clip_range(np.divide(pool_k, np.maximum(pool_initial_k, 1e-9)), 0.0, 1.0)


def russia_contracts_per_day(contracts_2024, pay, pay_elasticity, pool_left):
    """Contracts signed per day: 2024's rate times pay^elasticity times the pool's remaining share."""
    return contracts_2024 * portable.power(np.maximum(pay, 0.0), pay_elasticity) * pool_left


def russia_called_up_per_day(ordered_per_day, stability, stability_floor):
    """Reservists actually called up per day: what Putin ordered, as far as stability above
    `stability_floor` lets the regime enforce it (none at the floor, all of it at 1)."""
    room = clip_range((stability - stability_floor) / np.maximum(1.0 - stability_floor, 1e-9),
                   0.0, 1.0)
    return ordered_per_day * room


def signup_spending_change_trn_rub(contracts_per_day, pay, contracts_2024, bonus_mn_rub):
    """Change of Russia's yearly spending (trn RUB/year) on sign-up bonuses against 2024's, which
    the 2024 budget already holds."""
    return (contracts_per_day * pay - contracts_2024) * bonus_mn_rub * 365.0 / 1e6


def step_recent_pace(recent_km2_day, advance_km2_today, fighting):
    """The pace Kyiv has lately lost ground at (km2/day): an exponential average over
    `THREAT_MEMORY_DAYS` of the day's Russian advance; a ceasefire day counts as none."""
    today = np.where(fighting, advance_km2_today, 0.0)
    return recent_km2_day + (today - recent_km2_day) / THREAT_MEMORY_DAYS


def front_threat(recent_km2_day, start_km2_day):
    """Kyiv's threat index: the pace it has lately lost ground at over the pace of the quarter
    before the start, or 2024's mean pace if that was slower (1 while the front moves as it did
    then), kept in `THREAT_RANGE`."""
    reference = np.maximum(start_km2_day, MIN_REFERENCE_PACE_KM2_DAY)
    return clip_range(np.divide(np.maximum(recent_km2_day, 0.0), reference), *THREAT_RANGE)


def russia_call_up_order(readiness, call_up_2022_per_day, losses_per_day, contracts_per_day):
    """Reservists per day Putin orders called up: the losses contracts no longer replace, up to
    his readiness times 2022's call-up rate."""
    shortfall = np.maximum(np.subtract(losses_per_day, contracts_per_day), 0.0)
    return np.minimum(shortfall, np.multiply(readiness, call_up_2022_per_day))


def manpower_shortage(troops_k, troops_start_k):
    """Kyiv's manpower shortage index: the troops it had at the front on the start date over
    those it has now (1 while it has at least as many), at most `MAX_SHORTAGE`: brigades worn
    below strength press for call-ups, as 2024's under-manned brigades pressed for the April
    law."""
    ratio = np.divide(troops_start_k, np.maximum(troops_k, 1e-9))
    return clip_range(ratio, 1.0, MAX_SHORTAGE)


def support_effort(support):
    """Share of full mobilisation effort domestic support carries: 0.4 with none, 1 with all."""
    return 0.4 + 0.6 * np.asarray(support)


def ukraine_mobilised_per_day(recruits_2024, law_level, effort, threat, threat_elasticity,
                              shortage=1.0, shortage_elasticity=0.0):
    """Men mobilised per day who will reach the front: 2024's rate times the law's reach and
    enforcement relative to April 2024, the effort support carries, the threat at the front
    to the power `threat_elasticity` (a fast-moving front brings call-ups, as Avdiivka's fall
    brought the April 2024 law) and the manpower shortage to the power `shortage_elasticity`."""
    mobilised = recruits_2024 * law_level * effort * portable.power(threat, threat_elasticity)
    if np.any(np.asarray(shortage) > 1.0):
        mobilised = mobilised * portable.power(shortage, shortage_elasticity)
    return mobilised


def step_pipeline(in_training_k, enlisted_k, training_days):
    """Recruits in training (thousand): today's enlisted join, 1 / `training_days` of those in
    training reach the front. Returns (in training tomorrow, arriving today)."""
    arriving = np.divide(in_training_k, np.maximum(training_days, 1.0))
    return in_training_k + enlisted_k - arriving, arriving


def pipeline_in_steady_state(inflow_per_day, training_days):
    """Thousand in training when today's inflow has run for a long time: so day 0 neither
    starves nor floods the front."""
    return np.multiply(inflow_per_day, np.maximum(training_days, 1.0)) / 1000.0


def mobilisation_political_cost(level, baseline, cost_per_unit):
    """Daily political cost of mobilising beyond the baseline level (support in Ukraine,
    stability in Russia lost per day per unit above it)."""
    return cost_per_unit * np.maximum(np.subtract(level, baseline), 0.0)
