"""What the leaders decide each day, as arrays over runs; the core applies them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class Actions:
    # Putin
    russia_offensive: np.ndarray  # (runs, sectors) effort relative to autumn 2024
    russia_strike_wave: np.ndarray  # (runs,) bool: a mass strike on the grid today
    russia_offer_km2: np.ndarray  # (runs,) concession demanded beyond the line; NaN = no offer
    russia_seeks_talks: np.ndarray  # (runs,) bool
    russia_breaks_ceasefire: np.ndarray  # (runs,) bool
    maximalist_terms: np.ndarray  # (runs,) bool: today's offer is deliberately unacceptable
    # Zelensky
    ukraine_deep_strike: np.ndarray  # (runs,) intensity in [0, 1]
    ukraine_mobilisation: np.ndarray  # (runs,) effort in [0, 1]
    ukraine_accepts: np.ndarray  # (runs,) bool: accepts today's offer
    # Trump
    us_aid_bn_usd_yr: np.ndarray
    us_sanctions: np.ndarray
    us_pushes_talks: np.ndarray  # (runs,) bool
    # European leaders
    eu_aid_bn_usd_yr: np.ndarray
    eu_sanctions: np.ndarray

    @classmethod
    def idle(cls, n_runs: int, n_sectors: int) -> "Actions":
        zeros = np.zeros(n_runs)
        no = np.zeros(n_runs, dtype=bool)
        return cls(
            russia_offensive=np.zeros((n_runs, n_sectors)),
            russia_strike_wave=no.copy(), russia_offer_km2=np.full(n_runs, np.nan),
            russia_seeks_talks=no.copy(), russia_breaks_ceasefire=no.copy(),
            maximalist_terms=no.copy(),
            ukraine_deep_strike=zeros.copy(), ukraine_mobilisation=zeros.copy(),
            ukraine_accepts=no.copy(),
            us_aid_bn_usd_yr=zeros.copy(), us_sanctions=zeros.copy(), us_pushes_talks=no.copy(),
            eu_aid_bn_usd_yr=zeros.copy(), eu_sanctions=zeros.copy(),
        )
