"""`Moves`: what the leaders decide on one day, one typed record of arrays over runs.

Each leader's rule (sim.agents) returns its part of the day's `Moves`; a student seated as that
leader supplies the same part. `core.day.advance` applies them and reads nothing else of the
leaders, so nothing in the rules can reach past this record. A fresh record is made every day, so
no move of yesterday leaks into today.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core.arrays import sector_zeros
from .core.talks import CONSENTS, NOT_ASKED
from .state import N_ISSUES


@dataclass(frozen=True, slots=True)
class Moves:
    # Putin
    russia_offensive: np.ndarray  # (runs, sectors) effort relative to autumn 2024
    russia_strike_wave: np.ndarray  # (runs,) bool: a mass strike on the grid today
    russia_seeks_talks: np.ndarray  # (runs,) bool
    russia_breaks_ceasefire: np.ndarray  # (runs,) bool
    russia_accepts: np.ndarray  # (runs,) bool: accepts today's package
    russia_call_up: np.ndarray  # (runs,) reservists per day ordered called up
    # (runs,) share of today's recruits (contracts and call-ups) sent to retake Russian soil
    russia_reserves_to_kursk: np.ndarray
    russia_accepts_energy_truce: np.ndarray  # (runs,) bool: accepts an energy truce offered today
    russia_breaks_energy_truce: np.ndarray  # (runs,) bool: resumes strikes on energy
    # Zelensky
    ukraine_deep_strike: np.ndarray  # (runs,) intensity in [0, 1]
    ukraine_mobilisation: np.ndarray  # (runs,) effort, 1 = full effort under the April 2024 law
    # (runs, sectors) share of Ukraine's forces elsewhere drawn into an offensive in the sector
    ukraine_offensive: np.ndarray
    ukraine_accepts: np.ndarray  # (runs,) bool: accepts today's package
    ukraine_accepts_energy_truce: np.ndarray  # (runs,) bool
    # Trump
    us_aid_bn_usd_yr: np.ndarray
    us_sanctions: np.ndarray
    us_pushes_talks: np.ndarray  # (runs,) bool
    # (runs,) int8: whether Washington grants the US relief and backstop today's package asks
    # (`talks.CONSENTS`), else why not (`talks.WITHHELD_*`)
    us_withheld: np.ndarray
    energy_truce_offered: np.ndarray  # (runs,) bool: Washington puts an energy truce on the table
    # European leaders
    eu_aid_bn_usd_yr: np.ndarray
    eu_sanctions: np.ndarray
    # (runs,) int8: whether Europe grants the EU relief and force today's package asks, else why not
    eu_withheld: np.ndarray
    # the day's package: at most one per run, by whoever proposes today
    package: np.ndarray  # (runs, N_ISSUES), NaN rows where nobody proposes
    proposer: np.ndarray  # (runs,) int8 code of sim.core.talks (NOBODY where no package)

    @property
    def us_consents(self) -> np.ndarray:
        """(runs,) bool: Washington grants what today's package asks of it."""
        return self.us_withheld == CONSENTS

    @property
    def eu_consents(self) -> np.ndarray:
        """(runs,) bool: Europe grants what today's package asks of it."""
        return self.eu_withheld == CONSENTS

    @classmethod
    def idle(cls, n_runs: int, n_sectors: int) -> "Moves":
        """No moves at all: what the model holds before the first day."""
        zeros = np.zeros(n_runs)
        no = np.zeros(n_runs, dtype=bool)
        not_asked = np.full(n_runs, NOT_ASKED, dtype=np.int8)
        return cls(
            russia_offensive=sector_zeros(n_runs, n_sectors), russia_strike_wave=no,
            russia_seeks_talks=no, russia_breaks_ceasefire=no, russia_accepts=no,
            russia_call_up=zeros, russia_reserves_to_kursk=zeros,
            russia_accepts_energy_truce=no, russia_breaks_energy_truce=no,
            ukraine_deep_strike=zeros, ukraine_mobilisation=zeros,
            ukraine_offensive=sector_zeros(n_runs, n_sectors), ukraine_accepts=no,
            ukraine_accepts_energy_truce=no,
            us_aid_bn_usd_yr=zeros, us_sanctions=zeros, us_pushes_talks=no, us_withheld=not_asked,
            energy_truce_offered=no, eu_aid_bn_usd_yr=zeros, eu_sanctions=zeros, eu_withheld=not_asked,
            package=np.full((n_runs, N_ISSUES), np.nan), proposer=np.zeros(n_runs, np.int8),
        )

