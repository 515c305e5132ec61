"""Sourced figures shipped with the package (copied from the project's shared data, with their
source columns): DeepStateMap occupied area 2022-2024 and a table of facts."""

from __future__ import annotations

import bisect
import datetime as _dt
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd


def _read(name: str) -> pd.DataFrame:
    with resources.files("sim").joinpath("data", name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh)


@lru_cache(maxsize=None)
def territory_daily() -> pd.DataFrame:
    """Daily Russian-held area (km2, DeepStateMap) 2022-04-03 to 2024-11-30."""
    frame = _read("territory_daily_deepstate_2022_2024.csv")
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


@lru_cache(maxsize=None)
def territory_monthly() -> pd.DataFrame:
    """Month-end Russian-held area with net monthly change (DeepStateMap, ISW) 2022-2024."""
    frame = _read("territory_monthly_2022_2024.csv")
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


@lru_cache(maxsize=None)
def facts() -> pd.DataFrame:
    return _read("facts_to_2024_11.csv")


@lru_cache(maxsize=None)
def inputs_2023() -> pd.DataFrame:
    """The inputs of starts in 2023 (sanctions, oil discount, rouble, budget, National Wealth
    Fund, support, contracts), one row per parameter and range of start dates, with the rule
    that approximates a figure not known monthly, its source and confidence."""
    return _read("inputs_2023.csv")


def force_facts() -> pd.DataFrame:
    """Sourced figures on how the two sides raise their forces (contracts, call-ups,
    mobilisation, desertion) and the front's yearly changes they are read against."""
    return _read("forces_to_2024_11.csv")


@lru_cache(maxsize=None)
def _territory_days() -> tuple[np.ndarray, np.ndarray]:
    """The daily series as (date ordinals, km2), for looking days up by `searchsorted`."""
    daily = territory_daily()
    return (np.array([d.toordinal() for d in daily["date"]]),
            daily["km2_russian_controlled"].to_numpy(dtype=float))


def _last_known(ordinals: np.ndarray) -> np.ndarray:
    """Index of the last day with data on or before each day (-1: none)."""
    return np.searchsorted(_territory_days()[0], ordinals, side="right") - 1


def occupied_km2_on(date: _dt.date) -> float:
    """Russian-held area (DeepStateMap) on the last day with data on or before `date`."""
    index = _last_known(np.array([date.toordinal()]))[0]
    if index < 0:
        raise ValueError(f"no DeepStateMap figure on or before {date}")
    return float(_territory_days()[1][index])


def territory_end() -> _dt.date:
    """The last day with a DeepStateMap figure (2024-11-30)."""
    return territory_daily()["date"].iloc[-1]


def occupied_km2_daily(first: _dt.date, last: _dt.date) -> np.ndarray:
    """Russian-held area (DeepStateMap) on each day from `first` to `last`, as `occupied_km2_on`
    gives it: a day without a map (a few in 2022-2023) takes the last one before it."""
    index = _last_known(np.arange(first.toordinal(), last.toordinal() + 1))
    if not len(index) or index[0] < 0 or last > territory_end():
        raise ValueError(f"no DeepStateMap figure for every day from {first} to {last}")
    return _territory_days()[1][index]


@lru_cache(maxsize=None)
def kursk_salient() -> pd.DataFrame:
    """Ukrainian-held ground in Russia's Kursk region on dated milestones, 2024-2025 (km2, with
    a range for how far the reports differ), what happened and the source: the incursion's
    peak, its retaking, and the end of the salient (after the other data's end, for checking
    the model's two-year view, not fitted by the calibration)."""
    frame = _read("kursk_salient.csv")
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


KURSK_DATA_END = _dt.date(2024, 11, 30)  # the salient's milestones after it only check the model


def kursk_held_km2_on(date: _dt.date, incursion: _dt.date) -> float:
    """Ukrainian-held ground in Russia's Kursk region on `date` (km2): none before the
    incursion (`incursion`, when it held none), then linear between the salient's dated
    milestones up to the data's end (`kursk_salient`; the later milestones are checks, never
    inputs), the last milestone's value after it. The reports are weeks apart, so a straight
    line between them is the estimate a start date between them gets."""
    if date < incursion:
        return 0.0
    rows = kursk_salient()
    rows = rows[rows["date"] <= KURSK_DATA_END]
    days = [0.0, *((d - incursion).days for d in rows["date"])]
    held = [0.0, *rows["ukrainian_held_km2"].astype(float)]
    offset = (min(date, KURSK_DATA_END) - incursion).days
    after = bisect.bisect_left(days, offset)  # a straight line between the two reports
    if after == len(days):
        return held[-1]
    if days[after] == offset:  # on a report's day (the incursion's among them)
        return held[after]
    share = (offset - days[after - 1]) / (days[after] - days[after - 1])
    return held[after - 1] + share * (held[after] - held[after - 1])


@lru_cache(maxsize=None)
def interstate_wars() -> pd.DataFrame:
    """Start and end dates of the 95 interstate wars of 1823-2003 (Correlates of War
    Inter-State War Data v4.0), the yardstick for how often wars end (docs/VALIDATION.md)."""
    frame = _read("interstate_wars_cow.csv")
    frame["start"] = pd.to_datetime(frame["start"]).dt.date
    frame["end"] = pd.to_datetime(frame["end"]).dt.date
    return frame
