"""Per-run summary metrics and the outcome class (design, section 3)."""

from __future__ import annotations

import numpy as np

from . import sectors
from .params import Params
from .state import CEASEFIRE, SETTLEMENT, TALKS, State

OUTCOME_CLASSES = ("settlement", "frozen conflict", "Russian economic crisis",
                   "Ukrainian destabilisation", "war with talks", "war without talks")


def outcome_class(state: State, params: Params) -> np.ndarray:
    """Class code per run, by documented precedence: settlement, frozen conflict (ceasefire
    without settlement), Russian economic crisis, Ukrainian destabilisation, war with talks
    (talks open at the end), war without talks."""
    phase = state.talks_phase
    return np.select(
        [phase == SETTLEMENT, phase == CEASEFIRE,
         state.russia_economic_pressure >= params.russia_crisis_threshold,
         state.ukraine_support < params.destabilisation_threshold,
         phase == TALKS],
        [0, 1, 2, 3, 4], default=5).astype(np.int8)


def summarise(state: State, params: Params) -> dict[str, np.ndarray]:
    """One value per run for every outcome; NaN marks 'never' for event days."""
    days = max(state.day, 1)
    occupied = state.occupied_km2
    return {
        "occupied_km2_final": occupied,
        "occupied_pct_final": occupied / sectors.UKRAINE_AREA_KM2 * 100.0,
        "occupied_km2_peak": state.peak_occupied_km2,
        "area_change_km2": occupied - state.occupied_start_km2,
        "kursk_held_km2_final": state.kursk_held_km2,
        "ceasefire_day": np.where(state.ceasefire_day >= 0, state.ceasefire_day, np.nan),
        "settlement_day": np.where(state.settlement_day >= 0, state.settlement_day, np.nan),
        "talks_phase_final": state.talks_phase.astype(np.int8),
        "talks_open_days": state.talks_open_days,
        "ceasefire_breakdowns": state.ceasefire_breakdowns,
        "ukraine_refusals": state.ukraine_refusals,
        "russia_economic_pressure_final": state.russia_economic_pressure,
        "russia_economic_pressure_mean": state.russia_pressure_sum / days,
        "ukraine_economic_pressure_final": state.ukraine_economic_pressure,
        "ukraine_economic_pressure_mean": state.ukraine_pressure_sum / days,
        "grid_gw_final": state.grid_gw,
        "ukraine_support_final": state.ukraine_support,
        "russia_casualties": state.russia_casualties,
        "ukraine_casualties": state.ukraine_casualties,
        "us_aid_total_bn_usd": state.us_aid_total_bn_usd,
        "eu_aid_total_bn_usd": state.eu_aid_total_bn_usd,
        "russia_nwf_bn_usd_final": state.nwf_bn_usd,
        "outcome_code": outcome_class(state, params),
    }
