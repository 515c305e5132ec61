"""ConflictModel as a Mesa model: defaults, agents, DataCollector, batch_run, interventions."""

import mesa
import numpy as np
import pytest

import sim
from sim.model import ConflictModel


def test_default_construction_and_agents():
    model = ConflictModel()
    assert model.n_runs == 1 and model.days == 730 and model.scenario_name == "status_quo"
    names = sorted(a.name for a in model.agents)
    assert names == sorted(["Russia", "Ukraine", "United States", "Europe", "Putin",
                            "Zelensky", "Trump", "European leaders"])
    assert model.russia.economic_pressure.shape == (1,)
    model.step()
    assert model.day == 1 and model.steps == 1
    # agents read the world through the model, never through stale views
    assert model.ukraine.grid_gw is model.state.grid_gw


def test_datacollector_reports_scalars_for_one_run_and_arrays_for_many():
    one = ConflictModel(rng=1)
    one.step()
    frame = one.datacollector.get_model_vars_dataframe()
    assert len(frame) == 2 and isinstance(frame["occupied_km2"].iloc[-1], float)
    many = ConflictModel(n_runs=5, rng=1)
    many.step()
    assert many.datacollector.model_vars["occupied_km2"][-1].shape == (5,)


def test_mesa_batch_run_gives_one_run_per_seed():
    results = mesa.batch_run(ConflictModel, parameters={"scenario": ["freeze"], "days": [30]},
                             rng=[1, 2], max_steps=100, data_collection_period=-1,
                             display_progress=False, number_processes=1)
    assert len(results) == 2
    finals = [r["occupied_km2"] for r in results]
    assert finals[0] != finals[1]
    direct = sim.simulate("freeze", runs=1, days=30, seed=1)
    assert finals[0] == direct.outcomes["occupied_km2_final"].iloc[0]


@pytest.mark.slow
def test_intervention_applies_from_the_current_day_only():
    base = ConflictModel(scenario="burden_shift", n_runs=50, days=200, rng=4)
    changed = ConflictModel(scenario="burden_shift", n_runs=50, days=200, rng=4)
    for _ in range(100):
        base.step()
        changed.step()
    changed.intervene(eu_compensation_share=0.0)
    base.run()
    changed.run()
    eu_base, eu_changed = base.trajectories["eu_aid_bn_usd_yr"], changed.trajectories["eu_aid_bn_usd_yr"]
    assert np.array_equal(eu_base[:, :101], eu_changed[:, :101])
    assert np.all(eu_changed[:, 101:] <= eu_base[:, 101:]) and np.any(eu_changed[:, 101:] < eu_base[:, 101:])
    assert changed.interventions == [(100, {"eu_compensation_share": 0.0})]


def test_projection_equals_continuing_the_model():
    model = ConflictModel(scenario="freeze", n_runs=30, days=150, rng=8)
    for _ in range(40):
        model.step()
    model.intervene(trump_aid_level=0.2)
    projected = model.projection()
    assert model.day == 40 and projected.day == 150
    model.run()
    assert np.array_equal(projected.trajectories["occupied_km2"], model.trajectories["occupied_km2"])


def test_bad_model_arguments_name_the_field():
    with pytest.raises(sim.ParamError, match="runs=0"):
        ConflictModel(n_runs=0)
    with pytest.raises(sim.ParamError, match="days=-5"):
        ConflictModel(days=-5)
    with pytest.raises(sim.ParamError, match="scenario='nope'"):
        ConflictModel(scenario="nope")
    with pytest.raises(sim.params.InputError, match="start_date"):
        ConflictModel(start_date="2019-01-01")


def test_calibration_start_uses_the_start_dates_front_and_2024_aid_gap():
    result = sim.simulate("status_quo", runs=3, days=200, seed=1, start_date="2024-01-01")
    assert result.trajectories["occupied_km2"][0, 0] == pytest.approx(108567.4)
    aid = result.trajectories["us_aid_bn_usd_yr"][0]
    resumed = (np.datetime64("2024-04-24") - np.datetime64("2024-01-01")).astype(int)
    assert np.all(aid[:resumed] == 0.0) and np.all(aid[resumed:] > 0.0)


def test_an_unrun_projection_can_be_stepped_in_slices():
    model = ConflictModel(scenario="deterrence", n_runs=10, days=90, rng=2)
    for _ in range(30):
        model.step()
    twin = model.projection(run=False)
    assert twin.day == 30
    while twin.running:
        for _ in range(25):
            twin.step()
    assert twin.day == 90 and model.day == 30
    assert np.array_equal(twin.trajectories["grid_gw"], model.projection().trajectories["grid_gw"])
