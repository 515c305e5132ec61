"""Open one row of a researcher's sweep in the dashboard and replay it exactly.

A sweep directory (`python -m experiments sweep ... --out DIR`) stores one row per run with its
scenario, seed, replicate (the run index) and the value of every varied and fixed parameter.
The dashboard's highlighted run is ensemble member 0, and run keys depend only on (seed, run
index), so an ensemble with that seed and `run_offset = replicate` has the sweep's run as member 0,
bit for bit, whatever the ensemble size. The stored outcome is kept next to the settings so the
page can show both numbers side by side.

Reading goes through `experiments.results` (the same `row` and parameter list that `replay` and
`replay_command` use), imported only when a student opens a row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from sim.params import InputError

from .settings import Settings

COMPARED_OUTCOME = "occupied_km2_final"


class SweepRowError(InputError):
    """A sweep directory or row the dashboard cannot open; the message is one plain line."""


@dataclass(frozen=True)
class SweepRow:
    """One sweep row as dashboard settings, with what the sweep stored for it."""

    directory: str
    row_index: int
    settings: Settings
    stored_occupied_final: float | None


def parse_row_index(text: str) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise SweepRowError(f"row {text!r} is not allowed: a whole number >= 0") from None
    if value < 0:
        raise SweepRowError(f"row {value} is not allowed: a whole number >= 0")
    return value


def swept_parameter_names(manifest: dict) -> list[str]:
    """Varied and fixed parameters of a sweep: the values that make a row's run what it is."""
    spec = manifest["spec"]
    return [f["name"] for f in spec["factors"]] + [name for name, _ in spec["fixed"]]


def plain(value: Any) -> Any:
    """A Parquet cell as a Python value (numpy scalars do not belong in settings or JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def read_sweep_row(directory: str, row_text: str, base: Settings) -> SweepRow:
    """Settings that replay row K of the sweep in `directory` as the highlighted run.

    Raises `SweepRowError` (or the `InputError` of a refused value) with a plain message for a
    missing directory, a directory that is not a sweep, or a row it does not hold.
    """
    from experiments import results

    row_index = parse_row_index(row_text)
    out = Path(str(directory).strip()).expanduser()
    if not str(directory).strip() or not out.is_dir():
        raise SweepRowError(f"{directory!r} is not a directory: give the folder a sweep wrote (--out)")
    try:
        manifest = results.load_manifest(out)
        values = results.row(out, row_index)
    except InputError as err:
        raise SweepRowError(str(err)) from None
    except (OSError, ValueError, KeyError) as err:
        raise SweepRowError(f"{out}: cannot read row {row_index} ({type(err).__name__})") from None
    settings = replace(base.with_scenario(str(values["scenario"])), seed=int(values["seed"]),
                       run_offset=int(values["replicate"]), days=int(manifest["spec"]["days"]),
                       start_date=results.start_date(manifest))
    for name in swept_parameter_names(manifest):
        settings = settings.with_value(name, plain(values[name]))
    stored = plain(values[COMPARED_OUTCOME]) if COMPARED_OUTCOME in values.index else None
    stored = float(stored) if stored is not None and math.isfinite(float(stored)) else None
    return SweepRow(str(out), row_index, settings, stored)
