"""Russian strikes on Ukraine's grid and Ukrainian deep strikes on Russian refineries, (runs,)."""

from __future__ import annotations

import numpy as np

from . import portable
from .arrays import clip

GRID_DAMAGE_NOISE_SD = 0.3  # assumption: spread of one wave's damage, log-units
REFINERY_DAMAGE_NOISE_SD = 0.5  # assumption


def strike_wave_probability(strike_season, prob_winter, prob_summer, deterrence_credibility,
                            deterrence_strike_reduction, quiet):
    """Chance of a mass strike today: seasonal, cut by credible deterrence, zero when `quiet`
    (ceasefire, settlement or an energy moratorium)."""
    base = prob_winter if strike_season else prob_summer
    deterred = 1.0 - deterrence_credibility * deterrence_strike_reduction
    return np.where(quiet, 0.0, base * deterred)


def air_defence(interception_2024, military_supply):
    """Share of strike damage prevented; scales with the square root of military supply."""
    return clip(interception_2024 * np.sqrt(np.maximum(military_supply, 0.0)), 0.0, 0.95)


def step_grid(grid_gw, wave, damage_gw, interception, interception_2024, noise, repair_per_day,
              grid_max_gw, budget_gap):
    """Capacity after today's strike (if any) and repair; repair slows with the budget gap.
    `damage_gw` is a wave's damage net of 2024's air defence (what the sources count), so air
    defence enters once, relative to 2024: better defence than 2024's lets less through."""
    let_through = (1.0 - interception) / np.maximum(1.0 - interception_2024, 1e-9)
    damage = wave * damage_gw * let_through * portable.exp(GRID_DAMAGE_NOISE_SD * noise)
    repair = repair_per_day * (1.0 - 0.5 * budget_gap) * np.maximum(grid_max_gw - grid_gw, 0.0)
    return clip(grid_gw - damage + repair, 0.0, grid_max_gw)


def outage_share(grid_gw, peak_demand_gw, demand_share):
    """Share of today's demand that cannot be served."""
    demand = peak_demand_gw * demand_share
    return clip(1.0 - grid_gw / demand, 0.0, 1.0)


def step_refineries(refinery_damage, deep_strike, damage_per_day, repair_per_day, noise):
    """Share of Russian refining capacity out of action after today's strikes and repairs."""
    hit = deep_strike * damage_per_day * portable.exp(REFINERY_DAMAGE_NOISE_SD * noise)
    damaged = refinery_damage + hit * (1.0 - refinery_damage)
    return clip(damaged * (1.0 - repair_per_day), 0.0, 1.0)
