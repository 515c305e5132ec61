"""The inputs of a start date before 2024: what sim/data/inputs_2023.csv says held on its eve.

The parameters' defaults describe 2024 (the calibration window); a start in 2023 takes, for
each parameter the table names, the value of the row whose start range holds the date (sanctions
before the 10th-12th EU packages, the Urals discount and rouble of the quarter before, 2023's
budget, the National Wealth Fund, Ukrainian support). Rows with unit "x 2024" are ratios to
2024 that scale the parameter (its per-run draw where it is uncertain), so the uncertainty
stays. Starts in 2024 take no rows: their inputs are the defaults, as before.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache

import numpy as np

from . import datasets
from .params import PARAMS

RATIO_UNIT = "x 2024"


@lru_cache(maxsize=None)
def _table():
    frame = datasets.inputs_2023()
    frame = frame[frame["parameter"].notna() & (frame["parameter"] != "")]
    unknown = sorted(set(frame["parameter"]) - set(PARAMS))
    if unknown:
        raise RuntimeError(f"inputs_2023.csv names {unknown[0]!r}, which is not a parameter")
    return frame


def for_start(start: _dt.date) -> dict[str, tuple[float, bool]]:
    """Parameter -> (value, is_ratio) for the start date; empty for starts in 2024."""
    frame = _table()
    text = start.isoformat()
    held = frame[(frame["start_from"] <= text) & (text <= frame["start_to"])]
    return {row.parameter: (float(row.value), str(row.unit).startswith(RATIO_UNIT))
            for row in held.itertuples()}


def apply(start: _dt.date, drawn: dict[str, np.ndarray], fixed) -> dict[str, object]:
    """The start's parameter values for the parameters the preset and the caller leave free:
    a ratio scales the run's draw (or the default), a value replaces both. `drawn` is not
    changed; the result goes between the draws and the caller's overrides."""
    values: dict[str, object] = {}
    for name, (value, is_ratio) in for_start(start).items():
        if name in fixed:
            continue
        if is_ratio:
            values[name] = np.asarray(drawn.get(name, PARAMS[name].default), dtype=float) * value
        else:
            values[name] = value
    return values
