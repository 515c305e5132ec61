"""Shared fixtures: ensembles are cached per test session so signature tests share runs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import sim
from sim.params import Params

# Files that take longest, longest first (`pytest --durations`, December 2026). The suite runs
# each file whole on one worker (`--dist loadfile`) and hands files out in collection order, so
# starting these first keeps one long file from running alone at the end; order only.
LONGEST_FIRST = ("test_levers.py", "test_dashboard_honest_browser.py", "test_validate.py",
                 "test_dashboard_memory_browser.py", "test_talks_table.py", "test_precision.py",
                 "test_dashboard_browser.py", "test_properties.py", "test_experiments_notebook.py",
                 "test_signatures.py", "test_game_browser.py", "test_dashboard_class_browser.py",
                 "test_experiments_sweep.py", "test_dashboard_address_browser.py",
                 "test_dashboard_lessons.py")

SIGNATURE_RUNS = 300
SIGNATURE_SEED = 20241201


_RESULTS: dict[tuple, sim.SimResult] = {}


def _key(scenario: str, runs: int, days: int, seed: int, overrides: dict, options: dict) -> tuple:
    return scenario, runs, days, seed, tuple(sorted(overrides.items())), tuple(sorted(options.items()))


def batch_settings(specs: list[tuple[str, dict]], runs: int) -> tuple[dict, np.ndarray]:
    """Per-run overrides and run indices that run each (scenario, overrides) spec on runs
    0..runs-1 in one batch of `new_administration` (every preset is its parameters on top of the
    defaults). A parameter some specs leave free must be one no run would draw (no prior) or take
    from its start: runs draw only the parameters nobody sets."""
    set_by = [set(sim.scenarios.overrides_for(name, **overrides)) for name, overrides in specs]
    for name in set().union(*set_by) - set.intersection(*set_by):
        if sim.PARAMS[name].prior is not None or name in sim.start_inputs.for_start(
                sim.calendar.START_DATE):
            raise ValueError(f"parameter={name!r} is set by some specs only: not allowed in a batch "
                             "(runs that leave it free draw it)")
    values = [sim.scenarios.make(name, 1, **overrides).values for name, overrides in specs]
    per_run = {name: np.repeat([float(np.asarray(v[name]).reshape(-1)[0]) for v in values], runs)
               for name in set().union(*set_by)}
    return per_run, np.tile(np.arange(runs), len(specs))


def params_of(params: Params, rows) -> Params:
    """The parameters of some runs of a batch."""
    picked = {name: params.per_run(name)[rows] for name in params.values}
    return Params(picked, len(next(iter(picked.values()))))


def _batch(specs: list[tuple[str, dict]], runs: int, days: int, seed: int,
           options: dict) -> list[sim.SimResult]:
    """Several (scenario, overrides) ensembles in one batch: each spec's settings as per-run
    values, every spec on run indices 0..runs-1 (common random numbers), so each slice is the
    ensemble `sim.simulate` gives alone, number for number (runs replay alike in any batch;
    `test_batched_ensembles_are_those_computed_alone` shows it). A batch pays the model's
    per-day cost once: eight 300-run presets over 730 days take 10 s of CPU, not 24."""
    if len(specs) == 1:
        scenario, overrides = specs[0]
        return [sim.simulate(scenario, runs=runs, days=days, seed=seed, overrides=overrides,
                             **options)]
    per_run, run_indices = batch_settings(specs, runs)
    batch = sim.simulate("new_administration", runs=runs * len(specs), days=days, seed=seed,
                         overrides=per_run, run_indices=run_indices,
                         **options)
    out = []
    for k, (name, _) in enumerate(specs):
        rows = slice(k * runs, (k + 1) * runs)
        outcomes = batch.outcomes.iloc[rows].reset_index(drop=True).assign(scenario=name)
        out.append(dataclasses.replace(
            batch, scenario=name, run_indices=batch.run_indices[rows], outcomes=outcomes,
            trajectories={f: v[rows] for f, v in batch.trajectories.items()},
            params=params_of(batch.params, rows),
            drawn={f: v[rows] for f, v in batch.drawn.items()},
            private_types={f: v[rows] for f, v in batch.private_types.items()}))
    return out


def ensembles_of(*specs, runs: int = SIGNATURE_RUNS, days: int = 730, seed: int = SIGNATURE_SEED,
                 record: bool | tuple[str, ...] = True, precision: str | None = None,
                 **overrides) -> list[sim.SimResult]:
    """Each spec's ensemble (a scenario name, or (scenario, overrides)), `overrides` on top of
    all; cached for the session, those not yet computed computed together in one batch.
    `record` and `precision` are `sim.simulate`'s."""
    options = {"record": record} | ({"precision": precision} if precision else {})
    specs = [(s, dict(overrides)) if isinstance(s, str) else (s[0], {**s[1], **overrides})
             for s in specs]
    keys = [_key(name, runs, days, seed, o, options) for name, o in specs]
    missing = [spec for spec, key in zip(specs, keys) if key not in _RESULTS]
    missing = [spec for k, spec in enumerate(missing) if spec not in missing[:k]]
    for spec, result in zip(missing, _batch(missing, runs, days, seed, options) if missing else []):
        _RESULTS[_key(spec[0], runs, days, seed, spec[1], options)] = result
    return [_RESULTS[key] for key in keys]


@pytest.fixture(scope="session")
def ensemble():
    """ensemble(scenario, runs=300, days=730, seed=..., **overrides) -> SimResult (cached)."""
    def make(scenario, runs=SIGNATURE_RUNS, days=730, seed=SIGNATURE_SEED, **overrides):
        return ensembles_of(scenario, runs=runs, days=days, seed=seed, **overrides)[0]
    return make


@pytest.fixture(scope="session")
def ensembles():
    """ensembles(*specs, runs=300, days=730, seed=..., **overrides) -> [SimResult] (cached; the
    missing ones in one batch)."""
    return ensembles_of


def pytest_collection_modifyitems(items):
    rank = {name: k for k, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest as found
