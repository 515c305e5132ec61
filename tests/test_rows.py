"""Work a rule does for some runs of a batch only (`sim.agents.rows_of`, `proposal`): the same
numbers, row for row, as over the whole batch."""

from __future__ import annotations

import numpy as np

import sim
from sim import agents
from sim.core import arrays


def _world():
    model = sim.ConflictModel("parallel_processes", n_runs=40, days=200, rng=4, collect=False)
    for _ in range(120):
        model.step()
    return model


def test_a_package_for_some_runs_is_those_rows_of_the_whole_batchs():
    model = _world()
    p, s = model.params, model.state
    reservation = np.linspace(0.0, 3000.0, s.n_runs)
    wants = np.arange(s.n_runs) % 3 != 0
    whole = agents.putin_package(p, s, reservation, wants)
    rows = np.array([1, 5, 6, 30, 39])
    some = agents.putin_package(*agents.rows_of(rows, p, s, reservation, wants))
    assert np.array_equal(some, whole[rows], equal_nan=True)
    broker = agents.trump_package(*agents.rows_of(rows, p, s, wants))
    assert np.array_equal(broker, agents.trump_package(p, s, wants)[rows], equal_nan=True)


def test_a_proposal_builds_the_package_for_the_proposers_only(monkeypatch):
    # in a large batch; below `SUBSET_MIN_RUNS` runs the whole batch's is cheaper
    monkeypatch.setattr(arrays, "SUBSET_MIN_RUNS", 0)
    n = 8
    asked = []
    moves = {"package": np.full((n, 5), np.nan), "proposer": np.zeros(n, np.int8)}

    def make(rows):
        asked.append(rows)
        return np.ones((n if rows is None else len(rows), 5))

    proposes = np.array([False, True, False, False, True, False, False, False])
    made = agents.proposal(moves, proposes, make, 2)
    assert len(asked) == 1 and list(asked[0]) == [1, 4]
    assert np.all(made["package"][proposes] == 1.0) and np.isnan(made["package"][~proposes]).all()
    assert list(made["proposer"]) == [0, 2, 0, 0, 2, 0, 0, 0]
    agents.proposal(moves, np.ones(n, bool), make, 2)
    assert asked[-1] is None
    assert agents.proposal(moves, np.zeros(n, bool), make, 2) == {} and len(asked) == 2


def test_small_batches_and_most_runs_are_worked_on_whole():
    assert arrays.some_runs(np.array([True, False] * 10)) is None  # 20 runs: a small batch
    big = np.zeros(arrays.SUBSET_MIN_RUNS, bool)
    big[[3, 7]] = True
    assert list(arrays.some_runs(big)) == [3, 7]
    big[: big.size // 2] = True
    assert arrays.some_runs(big) is None  # half the runs: cutting them out costs more


def test_sector_work_is_cut_out_from_small_batches_and_gives_the_whole_batchs_rows():
    def sector_work_runs(mask):
        return arrays.some_runs(mask, arrays.SECTOR_SUBSET_MIN_RUNS)

    assert sector_work_runs(np.array([True] + [False] * 9)) is None  # 10 runs
    fan = np.zeros(200, bool)
    fan[[3, 7]] = True
    assert list(sector_work_runs(fan)) == [3, 7]
    fan[:100] = True
    assert sector_work_runs(fan) is None  # half the runs: the whole batch is cheaper
    model = _world()
    p, s = model.params, model.state
    offensive = np.zeros_like(s.depth_km)  # Russia attacks nowhere: every run would attack
    rows = np.array([0, 7, 8, 33])
    chosen, attacking, effort = agents._counter_offensive_choice(p, s, offensive)
    some = agents._counter_offensive_choice(*agents.rows_of(rows, p, s, offensive))
    assert np.array_equal(some[1], attacking[rows]) and np.array_equal(some[2], effort[rows])
    assert attacking.any() and np.array_equal(some[0], chosen[rows])
