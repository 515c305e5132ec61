"""How often wars like this one end: the historical record against the model's runs.

The record is the Correlates of War list of interstate wars, 1823-2003 (`sim.datasets.interstate_wars`).
Among the wars that had already lasted as long as this one on the model's start date, the share
that ended within one and within two more years, with exact (Clopper-Pearson) intervals; the model's
side is the share of runs whose first ceasefire comes within the same horizons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim import datasets

WAR_START = dt.date(2022, 2, 24)  # the full-scale invasion
MODEL_START = dt.date(2024, 12, 1)
HORIZONS_DAYS = (365, 730)


@dataclass(frozen=True)
class EndingShare:
    horizon_days: int
    ended: int
    at_risk: int
    low: float  # 95 % exact interval of the share
    high: float

    @property
    def share(self) -> float:
        return self.ended / self.at_risk if self.at_risk else float("nan")


def durations_days(starts, ends) -> np.ndarray:
    return np.array([(e - s).days for s, e in zip(starts, ends)], dtype=float)


def ending_shares(durations: np.ndarray, age_days: float,
                  horizons_days=HORIZONS_DAYS) -> list[EndingShare]:
    """Among wars that lasted at least `age_days`, how many ended within each horizon after it."""
    at_risk = durations[durations >= age_days]
    out = []
    for horizon in horizons_days:
        ended = int(np.sum(at_risk < age_days + horizon))
        n = len(at_risk)
        interval = stats.binomtest(ended, n).proportion_ci(0.95, method="exact") if n else None
        out.append(EndingShare(horizon, ended, n, interval.low if n else np.nan,
                               interval.high if n else np.nan))
    return out


def historical(age_days: float | None = None) -> tuple[list[EndingShare], list[str]]:
    """The record's ending shares at this war's age on the start date, and the wars at risk."""
    wars = datasets.interstate_wars()
    age = (MODEL_START - WAR_START).days if age_days is None else age_days
    durations = durations_days(wars["start"], wars["end"])
    names = [f"{w} ({d / 365.25:.1f} y)" for w, d in zip(wars["war"], durations) if d >= age]
    return ending_shares(durations, age), names


def model_ceasefire_shares(ceasefire_day, horizons_days=HORIZONS_DAYS) -> list[float]:
    """Share of runs whose first ceasefire comes within each horizon (NaN: none)."""
    days = np.asarray(ceasefire_day, dtype=float)
    return [float(np.mean(np.nan_to_num(days, nan=np.inf) <= h)) for h in horizons_days]
