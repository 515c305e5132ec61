"""Shared fixtures: ensembles are cached per test session so signature tests share runs."""

from __future__ import annotations

from functools import lru_cache

import pytest

import sim

SIGNATURE_RUNS = 300
SIGNATURE_SEED = 20241201


@lru_cache(maxsize=64)
def _ensemble(scenario: str, runs: int, days: int, seed: int, overrides: tuple) -> sim.SimResult:
    return sim.simulate(scenario, runs=runs, days=days, seed=seed, overrides=dict(overrides))


@pytest.fixture(scope="session")
def ensemble():
    """ensemble(scenario, runs=300, days=730, seed=..., **overrides) -> SimResult (cached)."""
    def make(scenario, runs=SIGNATURE_RUNS, days=730, seed=SIGNATURE_SEED, **overrides):
        return _ensemble(scenario, runs, days, seed, tuple(sorted(overrides.items())))
    return make
