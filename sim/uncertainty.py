"""Parameter uncertainty: each run draws its own values of the parameters the model does not know.

Every parameter with a declared `Prior` (sim/params.py, its `prior`) that the caller did not set
is drawn per run from that run's key (stream `STREAM_PARAMETERS`), so run k gets the same values
alone, in any batch or in any sweep chunk, and two scenarios with the same seed and run see the
same draws (common random numbers). Fitted parameters are drawn jointly: one row of the shipped
calibration posterior per run, chosen by its ABC weight, so their correlations are kept.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Iterable

import numpy as np

from . import rng
from .params import PARAMS, InputError, uncertain_names
from .state import STREAM_PARAMETERS

MODES = ("on", "off")
DEFAULT_MODE = "on"
POSTERIOR_FILE = "posterior_front.csv"


def check_mode(value) -> str:
    if value not in MODES:
        raise InputError(f"uncertainty={value!r} is not allowed: one of {', '.join(MODES)}")
    return str(value)


@lru_cache(maxsize=None)
def posterior() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """The shipped calibration posterior: parameter names, values (rows, names) and the
    cumulative normalised ABC weights of the rows. Lines starting with '#' say how it was made."""
    with resources.files("sim").joinpath("data", POSTERIOR_FILE).open("r", encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    header = lines[0].strip().split(",")
    table = np.array([[float(v) for v in line.strip().split(",")] for line in lines[1:]])
    weight = table[:, header.index("weight")]
    names = tuple(h for h in header if h in PARAMS)
    values = table[:, [header.index(n) for n in names]]
    needed = [n for n in uncertain_names() if PARAMS[n].prior.kind == "posterior"]
    missing = [n for n in needed if n not in names]
    if missing:
        raise RuntimeError(f"{POSTERIOR_FILE} lacks the fitted parameters {missing}")
    for j, name in enumerate(names):
        PARAMS[name].coerce(values[:, j])
    cumulative = np.cumsum(weight / weight.sum())
    return names, values, cumulative


def posterior_rows(u: np.ndarray) -> np.ndarray:
    """Row of the posterior each uniform picks, in proportion to the rows' weights."""
    _, values, cumulative = posterior()
    return np.minimum(np.searchsorted(cumulative, u, side="right"), len(values) - 1)


def from_uniform(name: str, u: np.ndarray) -> np.ndarray:
    """A stated prior's value at quantile u (inverse CDF)."""
    prior = PARAMS[name].prior
    low, high = prior.low, prior.high
    if prior.kind == "uniform":
        return low + u * (high - low)
    if prior.kind == "triangular":
        cut = (prior.mode - low) / (high - low)
        left = low + np.sqrt(u * (high - low) * (prior.mode - low))
        right = high - np.sqrt((1.0 - u) * (high - low) * (high - prior.mode))
        return np.where(u < cut, left, right)
    raise RuntimeError(f"{name}: unknown prior kind {prior.kind!r}")


def draw(keys: np.ndarray, fixed: Iterable[str] = ()) -> dict[str, np.ndarray]:
    """Per-run values (runs,) of every uncertain parameter not in `fixed`.

    Column 0 of the stream picks the posterior row; column j + 1 serves the j-th uncertain
    parameter, whichever others are fixed, so fixing one never changes another's draw.
    """
    names = uncertain_names()
    fixed = set(fixed)
    u = rng.uniforms(keys, 0, STREAM_PARAMETERS, len(names) + 1)
    post_names, values, _ = posterior()
    rows = posterior_rows(u[:, 0])
    drawn = {}
    for j, name in enumerate(names):
        if name in fixed:
            continue
        if PARAMS[name].prior.kind == "posterior":
            drawn[name] = values[rows, post_names.index(name)]
        else:
            drawn[name] = from_uniform(name, u[:, j + 1])
    return drawn
