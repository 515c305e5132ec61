"""Shared fixtures: ensembles are cached per test session so signature tests share runs."""

from __future__ import annotations

from functools import lru_cache

import pytest

import sim

# Files that take longest, longest first (`pytest --durations`, December 2026). The suite runs
# each file whole on one worker (`--dist loadfile`) and hands files out in collection order, so
# starting these first keeps one long file from running alone at the end; order only.
LONGEST_FIRST = ("test_levers.py", "test_dashboard_honest_browser.py", "test_validate.py",
                 "test_dashboard_memory_browser.py", "test_talks_table.py", "test_precision.py",
                 "test_dashboard_browser.py", "test_properties.py", "test_experiments_notebook.py",
                 "test_signatures.py", "test_game_browser.py", "test_dashboard_class_browser.py",
                 "test_experiments_sweep.py", "test_dashboard_lessons.py")

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


def pytest_collection_modifyitems(items):
    rank = {name: k for k, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest as found
