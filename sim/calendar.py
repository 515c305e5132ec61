"""Model time: day 0 is the start date (default 2024-12-01, state as of 2024-11-30).

`Calendar` holds what the calendar says about each simulated day (season flags, demand, named
dates relative to the start); the module-level helpers serve the default start.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .core import portable

START_DATE = _dt.date(2024, 12, 1)
EARLIEST_START = _dt.date(2023, 1, 1)  # state as of 2022-12-31; 2023's inputs: sim/data/inputs_2023.csv
INAUGURATION_DATE = _dt.date(2025, 1, 20)  # facts: 'US presidential inauguration'
US_AID_GAP_DATE = _dt.date(2024, 1, 1)  # facts: 'US gap in new Ukraine appropriations'
US_AID_RESUMED_DATE = _dt.date(2024, 4, 24)  # facts: 'US Ukraine Security Supplemental ...'
INAUGURATION_DAY = (INAUGURATION_DATE - START_DATE).days  # 50 for the default start
MAX_DAYS = 3650

WINTER_MONTHS = (12, 1, 2)
STRIKE_SEASON_MONTHS = (11, 12, 1, 2, 3)


def parse_start(value: _dt.date | str | None) -> _dt.date:
    """A start date in [2023-01-01, 2024-12-01]: days with a known state in sim/data."""
    from .params import InputError

    if value is None:
        return START_DATE
    try:
        date = value if isinstance(value, _dt.date) else _dt.date.fromisoformat(str(value))
    except ValueError:
        date = None
    if date is None or not EARLIEST_START <= date <= START_DATE:
        raise InputError(f"start_date={value!r} is not allowed: a date (YYYY-MM-DD) from "
                         f"{EARLIEST_START} to {START_DATE}")
    return date


def date_of(day: int, start: _dt.date = START_DATE) -> _dt.date:
    return start + _dt.timedelta(days=int(day))


def day_of(date: _dt.date | str, start: _dt.date = START_DATE) -> int:
    if isinstance(date, str):
        date = _dt.date.fromisoformat(date)
    return (date - start).days


def _is_mud(d: _dt.date) -> bool:
    spring = (d.month == 3 and d.day >= 15) or d.month == 4
    autumn = (d.month == 10 and d.day >= 15) or (d.month == 11 and d.day <= 15)
    return spring or autumn


@dataclass(frozen=True)
class Calendar:
    """Per-day flags for days 0..days from `start`."""

    start: _dt.date
    days: int

    @cached_property
    def dates(self) -> list[_dt.date]:
        """Built once: the season flags, demand and date strings all read it."""
        return [date_of(d, self.start) for d in range(self.days + 1)]

    @property
    def inauguration_day(self) -> int:
        return day_of(INAUGURATION_DATE, self.start)

    @property
    def us_aid_resumed_day(self) -> int:
        """Before this day (2024 only) no new US aid arrives: the congressional gap."""
        return day_of(US_AID_RESUMED_DATE, self.start)

    @property
    def us_aid_gap_day(self) -> int:
        """From this day to `us_aid_resumed_day` no new US aid arrives (before it, in 2023, aid
        flows at its baseline); day 0 or earlier for every start in 2024."""
        return day_of(US_AID_GAP_DATE, self.start)

    def us_aid_flowing(self, day: int) -> bool:
        return not self.us_aid_gap_day <= day < self.us_aid_resumed_day

    def winter(self) -> np.ndarray:
        """December to February."""
        return np.array([d.month in WINTER_MONTHS for d in self.dates])

    def strike_season(self) -> np.ndarray:
        """November to March, when grid strikes hurt most."""
        return np.array([d.month in STRIKE_SEASON_MONTHS for d in self.dates])

    def mud(self) -> np.ndarray:
        """Spring (15 Mar-30 Apr) and autumn (15 Oct-15 Nov) rasputitsa."""
        return np.array([_is_mud(d) for d in self.dates])

    def demand_share(self) -> np.ndarray:
        """Electricity demand relative to the winter peak (1 in mid-January, 0.65 in July)."""
        doy = np.array([d.timetuple().tm_yday for d in self.dates], dtype=float)
        return 0.825 + 0.175 * portable.cos(2 * np.pi * (doy - 15) / 365.25)

    def date_strings(self) -> np.ndarray:
        return np.array([d.isoformat() for d in self.dates])


def date_strings(days: int, start: _dt.date = START_DATE) -> np.ndarray:
    return Calendar(start, days).date_strings()
