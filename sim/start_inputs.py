"""The inputs of a date before 2024: what sim/data/inputs_2023.csv says held then.

The parameters' defaults describe 2024 (the calibration window); a start in 2023 takes, for
each parameter the table names, the value of the row whose start range holds the date (sanctions
before the 10th-12th EU packages, the Urals discount and rouble of the quarter before, 2023's
budget, the National Wealth Fund, Ukrainian support). Rows with unit "x 2024" are ratios to
2024 that scale the parameter (its per-run draw where it is uncertain), so the uncertainty
stays. Starts in 2024 take no rows: their inputs are the defaults, as before.

Rows that apply "in force" are inputs the world sets while a run goes on (US sanctions before
the inauguration, the Urals discount, the rouble, the budget, the contracts rate): `schedule`
gives the days of a run on which they change, to the next row's value and, on 2024-01-01, back
to 2024's. Rows that apply at the "start" set the day-0 state only (the EU's sanctions, which
its own rule raises from there, the National Wealth Fund, support), which the run then carries.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import datasets
from .params import PARAMS

RATIO_UNIT = "x 2024"
IN_FORCE = "in force"
APPLIES = ("start", IN_FORCE)


@lru_cache(maxsize=None)
def _table():
    frame = datasets.inputs_2023()
    frame = frame[frame["parameter"].notna() & (frame["parameter"] != "")]
    unknown = sorted(set(frame["parameter"]) - set(PARAMS))
    if unknown:
        raise RuntimeError(f"inputs_2023.csv names {unknown[0]!r}, which is not a parameter")
    odd = sorted(set(frame["applies"]) - set(APPLIES))
    if odd:
        raise RuntimeError(f"inputs_2023.csv: applies={odd[0]!r} is not one of {APPLIES}")
    return frame


@dataclass(frozen=True)
class _Row:
    start_from: str  # ISO dates, compared as text
    start_to: str
    value: float
    is_ratio: bool


@lru_cache(maxsize=None)
def _rows() -> dict[str, tuple[str, tuple[_Row, ...]]]:
    """Parameter -> (applies, its rows by date): the table read once, so that building a model
    (a fan, a projection, a sweep's chunk) does no table work."""
    by_name: dict[str, list[_Row]] = {}
    applies: dict[str, str] = {}
    for row in _table().itertuples():
        by_name.setdefault(row.parameter, []).append(_Row(
            row.start_from, row.start_to, float(row.value), str(row.unit).startswith(RATIO_UNIT)))
        if applies.setdefault(row.parameter, row.applies) != row.applies:
            raise RuntimeError(f"inputs_2023.csv: {row.parameter} has rows that apply "
                               f"{applies[row.parameter]!r} and {row.applies!r}: one of them")
    return {name: (applies[name], tuple(sorted(rows, key=lambda r: r.start_from)))
            for name, rows in sorted(by_name.items())}


def for_start(start: _dt.date) -> dict[str, tuple[float, bool]]:
    """Parameter -> (value, is_ratio) for the start date; empty for starts in 2024."""
    text = start.isoformat()
    return {name: (row.value, row.is_ratio) for name, (_, rows) in _rows().items()
            for row in rows if row.start_from <= text <= row.start_to}


def _value(name: str, value: float, is_ratio: bool, drawn: dict[str, np.ndarray]):
    if is_ratio:
        return np.asarray(drawn.get(name, PARAMS[name].default), dtype=float) * value
    return value


def apply(start: _dt.date, drawn: dict[str, np.ndarray], fixed) -> dict[str, object]:
    """The start's parameter values for the parameters the preset and the caller leave free:
    a ratio scales the run's draw (or the default), a value replaces both. `drawn` is not
    changed; the result goes between the draws and the caller's overrides."""
    values: dict[str, object] = {}
    for name, (value, is_ratio) in for_start(start).items():
        if name not in fixed:
            values[name] = _value(name, value, is_ratio, drawn)
    return values


def schedule(start: _dt.date, days: int, drawn: dict[str, np.ndarray],
             fixed) -> dict[int, dict[str, object]]:
    """Day of the run -> the in-force inputs that change that day and their new values, for the
    parameters the preset and the caller leave free: each later row of the table from its first
    date, and 2024's value (the run's draw, or the default) from 2024-01-01. Empty for starts in
    2024, so their runs are those of a run without a schedule."""
    changes: dict[int, dict[str, object]] = {}
    text = start.isoformat()
    for name, (applies, rows) in _rows().items():
        last = max(row.start_to for row in rows)
        if applies != IN_FORCE or name in fixed or text > last:
            continue
        dated = [(row.start_from, _value(name, row.value, row.is_ratio, drawn))
                 for row in rows if row.start_from > text]
        after = _dt.date.fromisoformat(last) + _dt.timedelta(days=1)
        dated.append((after.isoformat(), drawn.get(name, PARAMS[name].default)))
        for date, value in dated:
            day = (_dt.date.fromisoformat(date) - start).days
            if 0 < day <= days:
                changes.setdefault(day, {})[name] = value
    return dict(sorted(changes.items()))
