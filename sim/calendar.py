"""Model time: day 0 = 2024-12-01 (state as of 2024-11-30); named dates and seasons."""

from __future__ import annotations

import datetime as _dt

import numpy as np

START_DATE = _dt.date(2024, 12, 1)
INAUGURATION_DAY = (_dt.date(2025, 1, 20) - START_DATE).days  # 50; facts: 'US presidential inauguration'
MAX_DAYS = 3650

WINTER_MONTHS = (12, 1, 2)
STRIKE_SEASON_MONTHS = (11, 12, 1, 2, 3)


def date_of(day: int) -> _dt.date:
    return START_DATE + _dt.timedelta(days=int(day))


def day_of(date: _dt.date | str) -> int:
    if isinstance(date, str):
        date = _dt.date.fromisoformat(date)
    return (date - START_DATE).days


def _dates(days: int) -> list[_dt.date]:
    return [date_of(d) for d in range(days + 1)]


def is_winter(days: int) -> np.ndarray:
    """Boolean per day 0..days: December to February."""
    return np.array([d.month in WINTER_MONTHS for d in _dates(days)])


def is_strike_season(days: int) -> np.ndarray:
    """Boolean per day 0..days: November to March, when grid strikes hurt most."""
    return np.array([d.month in STRIKE_SEASON_MONTHS for d in _dates(days)])


def is_mud(days: int) -> np.ndarray:
    """Boolean per day 0..days: spring (15 Mar-30 Apr) and autumn (15 Oct-15 Nov) rasputitsa."""
    out = []
    for d in _dates(days):
        spring = (d.month == 3 and d.day >= 15) or d.month == 4
        autumn = (d.month == 10 and d.day >= 15) or (d.month == 11 and d.day <= 15)
        out.append(spring or autumn)
    return np.array(out)


def winter_demand_share(days: int) -> np.ndarray:
    """Electricity demand per day relative to the winter peak (1 in Jan, about 0.65 in Jul)."""
    doy = np.array([d.timetuple().tm_yday for d in _dates(days)], dtype=float)
    return 0.825 + 0.175 * np.cos(2 * np.pi * (doy - 15) / 365.25)


def date_strings(days: int) -> np.ndarray:
    return np.array([d.isoformat() for d in _dates(days)])
