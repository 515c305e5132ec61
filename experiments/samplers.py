"""Draw a spec's parameter points once, from its seed.

SALib draws Sobol (Saltelli), Morris and Latin hypercube designs; the full grid and plain random
sampling are a few lines of numpy. The result is a `(n_points, n_factors)` float array in the
model's coding (choices and booleans as 0..n-1), stored beside the manifest so `--resume` and the
analysis read the very same points back instead of drawing them again.
"""

from __future__ import annotations

import itertools

import numpy as np

from .spec import DUMMY_NAME, Factor, Spec


def salib_problem(factors: tuple[Factor, ...], dummy: bool = False) -> dict:
    """SALib's problem dict; a levels factor is a [0, n) range mapped back to its levels, and a
    range with a non-uniform distribution a [0, 1] quantile mapped through its inverse CDF.
    `dummy`: one more factor on [0, 1], last, that nothing reads (the noise floor)."""
    bounds = [[0.0, 1.0] if f.is_range and f.distribution != "uniform" else
              [f.low, f.high] if f.is_range else [0.0, float(len(f.levels))] for f in factors]
    names = [f.name for f in factors]
    if dummy:
        names.append(DUMMY_NAME)
        bounds.append([0.0, 1.0])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def draw(spec: Spec) -> np.ndarray:
    """The spec's design: one row per parameter point, one column per varied parameter (and a
    last one for the dummy, as drawn: see `Spec.design_names`)."""
    factors = spec.factors
    if not factors:
        return np.empty((1, 0))
    if spec.method == "grid":
        return grid(factors)
    raw = _draw_salib_coded(spec)
    columns = [_to_factor(raw[:, j], f) for j, f in enumerate(factors)]
    if spec.dummy:
        columns.append(raw[:, len(factors)])
    return np.column_stack(columns)


def _draw_salib_coded(spec: Spec) -> np.ndarray:
    """Points in SALib's coding (levels factors as a [0, n) range)."""
    problem = salib_problem(spec.factors, spec.dummy)
    if spec.method == "random":
        rng = np.random.Generator(np.random.PCG64(spec.seed))
        low, high = np.asarray(problem["bounds"]).T
        return rng.uniform(low, high, size=(spec.samples, problem["num_vars"]))
    if spec.method == "latin":
        from SALib.sample import latin
        return latin.sample(problem, spec.samples, seed=spec.seed)
    if spec.method == "sobol":
        from SALib.sample import sobol
        return sobol.sample(problem, spec.samples, calc_second_order=spec.second_order,
                            seed=spec.seed)
    if spec.method == "morris":
        from SALib.sample import morris
        return morris.sample(problem, spec.samples, num_levels=spec.morris_levels, seed=spec.seed)
    raise ValueError(f"unknown sampler {spec.method!r}")


def grid(factors: tuple[Factor, ...]) -> np.ndarray:
    """Full factorial design, last factor varying fastest."""
    return np.array(list(itertools.product(*(f.grid_values() for f in factors))), dtype=float)


def _to_factor(column: np.ndarray, factor: Factor) -> np.ndarray:
    """Map a drawn column onto the factor's values: levels by index, integers rounded."""
    if factor.is_range:
        if factor.distribution != "uniform":
            column = quantile_to_value(column, factor)
        return np.rint(column) if factor.kind == "int" else column
    levels = np.asarray(factor.levels, dtype=float)
    index = np.clip(np.floor(column).astype(np.int64), 0, len(levels) - 1)
    return levels[index]


def quantile_to_value(u: np.ndarray, factor: Factor) -> np.ndarray:
    """Inverse CDF of a factor's distribution on its range: normal truncated to [low, high], or
    log-uniform. Latin and Sobol designs stay stratified in quantile space."""
    low, high = factor.low, factor.high
    u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
    if factor.distribution == "loguniform":
        values = np.exp(np.log(low) + u * (np.log(high) - np.log(low)))
    elif factor.distribution == "normal":
        from scipy.stats import truncnorm

        a, b = (low - factor.mean) / factor.sd, (high - factor.mean) / factor.sd
        values = truncnorm.ppf(u, a, b, loc=factor.mean, scale=factor.sd)
    else:
        raise ValueError(f"unknown distribution {factor.distribution!r}")
    return np.clip(values, low, high)
