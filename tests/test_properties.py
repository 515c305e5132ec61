"""Properties over the declared parameter ranges, batched: one hypothesis example is a batch of
1,000 runs, each at its own random point of the whole parameter space."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import sim
from sim import sectors
from sim.model import TRAJECTORY_FIELDS

RUNS = 1000
BOUNDED = {  # trajectory -> (low, high)
    "russia_economic_pressure": (0.0, 1.0), "ukraine_economic_pressure": (0.0, 1.0),
    "ukraine_support": (0.0, 1.0), "russia_stability": (0.0, 1.0), "outage_share": (0.0, 1.0),
    "us_blame": (-1.0, 1.0), "us_sanctions": (0.0, 1.0), "eu_sanctions": (0.0, 1.0),
    "talks_phase": (0, 3), "occupied_km2": (0.0, sectors.UKRAINE_AREA_KM2),
}


def random_points(seed: int, n: int) -> dict[str, np.ndarray]:
    """Uniform draws over every parameter's declared range (choices and switches included)."""
    gen = np.random.default_rng(seed)
    points = {}
    for name, spec in sim.PARAMS.items():
        if spec.kind == "choice":
            points[name] = gen.integers(0, len(spec.choices), n).astype(float)
        elif spec.kind == "bool":
            points[name] = gen.integers(0, 2, n).astype(float)
        elif spec.kind == "int":
            points[name] = gen.integers(int(spec.low), int(spec.high) + 1, n).astype(float)
        else:
            points[name] = gen.uniform(spec.low, spec.high, n)
    return points


# No shrinking: a failing batch already names its seed and scenario, and shrinking 1,000-run
# batches would take minutes.
@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=(Phase.explicit, Phase.reuse, Phase.generate), database=None)
@given(seed=st.integers(0, 2**32 - 1), scenario=st.sampled_from(sorted(sim.SCENARIOS)))
def test_any_parameter_point_stays_finite_and_in_bounds(seed, scenario):
    result = sim.simulate(scenario, runs=RUNS, days=400, seed=seed % 1000,
                          overrides=random_points(seed, RUNS))
    for name in TRAJECTORY_FIELDS:
        values = result.trajectories[name]
        if name in ("last_offer_km2", "refusal_reasonableness"):  # NaN: none yet / none today
            values = values[~np.isnan(values)]
        assert np.all(np.isfinite(values)), name
    for name, (low, high) in BOUNDED.items():
        values = result.trajectories[name]
        assert values.min() >= low and values.max() <= high, name
    assert np.all(result.trajectories["grid_gw"] >= 0.0)
    assert np.all(result.trajectories["kursk_held_km2"] >= 0.0)
    never = ["ceasefire_day", "settlement_day", "energy_truce_day"]  # NaN: it never happened
    never += [c for c in result.outcomes.columns if c.startswith("deal_")]  # NaN: no deal
    numeric = result.outcomes.select_dtypes("number").drop(columns=never)
    assert np.isfinite(numeric.to_numpy(dtype=float)).all()
    # casualties and aid totals only grow; a settlement never reverts
    for name in ("russia_casualties", "ukraine_casualties"):
        assert np.all(np.diff(result.trajectories[name], axis=1) >= 0.0), name
    phase = result.trajectories["talks_phase"]
    settled = np.maximum.accumulate(phase == 3, axis=1)
    assert np.all(phase[settled] == 3)
    # event days are consistent with phases
    o = result.outcomes
    has_settlement = o["settlement_day"].notna().to_numpy()
    assert np.all(o["ceasefire_day"].notna().to_numpy()[has_settlement])
    assert set(o["outcome"].unique()) <= set(sim.OUTCOME_CLASSES)


@settings(max_examples=6, deadline=None)
@given(name=st.sampled_from(sorted(n for n, s in sim.PARAMS.items() if s.kind == "float")),
       where=st.sampled_from(["below", "above"]))
def test_values_outside_the_declared_range_are_refused(name, where):
    spec = sim.PARAMS[name]
    value = spec.low - 1.0 if where == "below" else spec.high + 1.0
    try:
        sim.simulate("status_quo", runs=2, days=2, overrides={name: value})
    except sim.ParamError as err:
        assert name in str(err) and "not allowed" in str(err)
    else:
        raise AssertionError(f"{name}={value} was accepted")
