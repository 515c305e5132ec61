"""User-defined outcomes ([[output.derived]] in a spec), computed per chunk from the trajectories.

A small fixed vocabulary instead of free code, so a spec stays data: a trajectory field, a reducer
and an optional window of days and calendar months.

| reduce | result per run |
|---|---|
| final | the field on the last day |
| mean, min, max, sum | over the window |
| first_day_above, first_day_below | first day in the window with field > value (< value); NaN if none |
| days_above, days_below | number of days in the window with field > value (< value) |
| first_day_equal, days_equal | as above, with field == value (a code: a talks phase by name) |

Days count from the run's start (day 0 = the start date); `days = [from, to]` is inclusive;
`months = [12, 1, 2]` keeps the days whose calendar month is listed (e.g. every winter).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import calendar
from sim.state import PHASE_NAMES
from sim.trajectories import TRAJECTORIES

from .spec import DerivedOutcome

_COMPARED = {"above": ">", "below": "<", "equal": "="}


def window_mask(item: DerivedOutcome, n_days: int, start_date: str | None) -> np.ndarray:
    """Which of days 0..n_days-1 the outcome looks at."""
    day = np.arange(n_days)
    mask = np.ones(n_days, dtype=bool)
    if item.days is not None:
        mask &= (day >= item.days[0]) & (day <= item.days[1])
    if item.months is not None:
        start = np.datetime64(calendar.parse_start(start_date).isoformat(), "D")
        month = (start + day).astype("datetime64[M]").astype(np.int64) % 12 + 1
        mask &= np.isin(month, item.months)
    return mask


def reduce(item: DerivedOutcome, values: np.ndarray, start_date: str | None = None) -> np.ndarray:
    """One derived outcome for each run from `values` of shape (runs, days + 1)."""
    values = np.asarray(values, dtype=np.float64)
    runs, n_days = values.shape
    if item.reduce == "final":
        return values[:, -1].copy()
    mask = window_mask(item, n_days, start_date)
    day = np.flatnonzero(mask)
    if len(day) == 0:
        return np.full(runs, np.nan)
    # each run's days contiguous, so a sum adds them in one order (numpy's pairwise) whatever
    # the batch: a (runs, days) window in column order was summed day by day across the runs,
    # and one run alone pairwise, so a row replayed alone did not match its sweep's value
    window = np.ascontiguousarray(values[:, day])
    if item.reduce in ("mean", "min", "max", "sum"):
        return getattr(np, item.reduce)(window, axis=1)
    if item.reduce.endswith("_above"):
        hit = window > item.value
    elif item.reduce.endswith("_below"):
        hit = window < item.value
    else:
        hit = window == item.value
    if item.reduce.startswith("days_"):
        return hit.sum(axis=1).astype(np.float64)
    first = np.argmax(hit, axis=1)
    return np.where(hit.any(axis=1), day[first], np.nan).astype(np.float64)


def add_columns(outcomes: pd.DataFrame, trajectories: dict, derived: tuple[DerivedOutcome, ...],
                start_date: str | None) -> pd.DataFrame:
    """The chunk's outcome table with one column per derived outcome appended (runs in the
    table's order, which is the simulation's)."""
    if not derived:
        return outcomes
    columns = {item.name: reduce(item, trajectories[item.field], start_date) for item in derived}
    return pd.concat([outcomes, pd.DataFrame(columns, index=outcomes.index)], axis=1)


def description(item: DerivedOutcome) -> dict[str, str]:
    """Label, unit and meaning of a derived outcome's column, in the words the model's own
    columns carry (`storage.column_description`), so a table read anywhere says what it holds."""
    field = TRAJECTORIES[item.field]
    window = ""
    if item.days is not None:
        window += f", days {item.days[0]}-{item.days[1]}"
    if item.months is not None:
        window += ", months " + ", ".join(str(m) for m in item.months)
    if item.reduce == "final":
        label, unit = f"{field.label} on the last day", field.unit
    elif item.reduce in ("mean", "min", "max"):
        label, unit = f"{item.reduce} of {field.label}{window}", field.unit
    elif item.reduce == "sum":
        label, unit = f"sum over the days of {field.label}{window}", f"{field.unit} x days"
    else:
        value = (PHASE_NAMES[int(item.value)] if item.field == "talks_phase"
                 else f"{item.value:g}")
        test = f"{field.label} {_COMPARED[item.reduce.rsplit('_', 1)[1]]} {value}"
        if item.reduce.startswith("days_"):
            label, unit = f"days with {test}{window}", "days"
        else:
            label, unit = f"first day with {test}{window}", "day from the start (empty: never)"
    return {"label": label, "unit": unit,
            "meaning": f"user-defined outcome (the spec's [[output.derived]] {item.name!r}): "
                       f"{item.reduce} of {item.field}"
                       + (f", value {item.value:g}" if item.value is not None else "") + window}
