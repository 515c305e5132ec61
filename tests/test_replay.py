"""A batch of 1,000 runs and each of several runs replayed alone agree bit for bit."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

import sim
from sim.model import TRAJECTORY_FIELDS


def _assert_same_run(batch, k, alone):
    for name in TRAJECTORY_FIELDS:
        a, b = batch.trajectories[name][k], alone.trajectories[name][0]
        assert np.array_equal(a, b, equal_nan=True), name
    row_batch = batch.outcomes.iloc[[k]].reset_index(drop=True)
    row_alone = alone.outcomes.reset_index(drop=True)
    pd.testing.assert_frame_equal(row_batch, row_alone, check_exact=True)


@pytest.mark.slow
def test_batch_of_1000_equals_runs_replayed_alone():
    batch = sim.simulate("parallel_processes", runs=1000, days=240, seed=42)
    for k in (0, 1, 333, 998, 999):
        alone = sim.simulate("parallel_processes", runs=1, days=240, seed=42, run_offset=k)
        _assert_same_run(batch, k, alone)


@pytest.mark.slow
def test_per_run_parameter_points_replay_alone():
    runs = 1000
    levels = np.linspace(0.0, 1.5, runs)
    strategies = np.array(sim.PARAMS["putin_strategy"].choices)[np.arange(runs) % 4]
    batch = sim.simulate("status_quo", runs=runs, days=200, seed=5,
                         overrides={"trump_aid_level": levels, "putin_strategy": strategies,
                                    "trump_pushes_talks": True})
    for k in (3, 250, 999):
        alone = sim.simulate("status_quo", runs=1, days=200, seed=5, run_offset=k,
                             overrides={"trump_aid_level": levels[k],
                                        "putin_strategy": strategies[k],
                                        "trump_pushes_talks": True})
        _assert_same_run(batch, k, alone)


@pytest.mark.slow
def test_chunking_does_not_change_results():
    whole = sim.simulate("freeze", runs=300, days=150, seed=9)
    parts = [sim.simulate("freeze", runs=100, days=150, seed=9, run_offset=o) for o in (0, 100, 200)]
    joined = np.concatenate([p.trajectories["occupied_km2"] for p in parts])
    assert np.array_equal(joined, whole.trajectories["occupied_km2"])


def test_stepping_the_model_equals_simulate_and_states_are_new_each_day():
    model = sim.ConflictModel(scenario="deterrence", n_runs=20, days=60, rng=3)
    before = model.state
    model.step()
    assert model.state is not before
    assert before.day == 0 and model.state.day == 1
    model.run()
    result = sim.simulate("deterrence", runs=20, days=60, seed=3)
    for name in ("occupied_km2", "grid_gw", "talks_phase"):
        assert np.array_equal(model.trajectories[name], result.trajectories[name])
    assert all(f.name in {g.name for g in dataclasses.fields(model.state)}
               for f in dataclasses.fields(before))


def test_recording_some_trajectories_keeps_them_equal_and_refuses_unknown_names():
    from sim.params import ParamError
    every = sim.simulate("freeze", runs=4, days=40, seed=3)
    some = sim.simulate("freeze", runs=4, days=40, seed=3, record=("occupied_km2", "talks_phase"))
    assert list(some.trajectories) == ["occupied_km2", "talks_phase"]
    for name in some.trajectories:
        assert np.array_equal(some.trajectories[name], every.trajectories[name])
    assert some.outcomes.equals(every.outcomes)
    with pytest.raises(ParamError, match="record='happiness' is not allowed"):
        sim.simulate(runs=1, days=2, record=("happiness",))
