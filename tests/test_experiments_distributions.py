"""Distributions of uncertain parameters and user-defined outcomes in specs: draws follow the
declared distribution inside the declared range, old specs keep their designs and fingerprints,
derived outcomes reduce trajectories as documented, and bad entries are one-line errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import experiments
import sim
from experiments import derived, results, samplers
from experiments import spec as spec_module
from experiments.spec import DerivedOutcome, SpecError

FLOATS = [name for name, p in sim.PARAMS.items() if p.kind == "float" and p.high > p.low]
FROM_ZERO = next(n for n in FLOATS if sim.PARAMS[n].low == 0)
POSITIVE = next(n for n in FLOATS
                if n != FROM_ZERO and (sim.PARAMS[n].low > 0 or sim.PARAMS[n].high > 1))


def positive_range(name: str) -> tuple[float, float]:
    p = sim.PARAMS[name]
    low = p.low if p.low > 0 else min(p.high / 100, 0.01 * (p.high - p.low) + p.low + 1e-3)
    return float(low), float(p.high)


def spec_with(entry: dict, method: str = "latin", samples: int = 400, **extra):
    return spec_module.from_dict({"name": "t", "sampler": {"method": method, "samples": samples},
                                  "parameters": {entry.pop("name"): entry}, **extra})


def test_normal_draws_follow_the_truncated_normal_inside_the_range():
    p = sim.PARAMS[FROM_ZERO]
    low, high = float(p.low), float(p.high)
    mean, sd = low + 0.3 * (high - low), 0.25 * (high - low)
    spec = spec_with({"name": FROM_ZERO, "range": [low, high], "distribution": "normal",
                      "mean": mean, "sd": sd})
    values = samplers.draw(spec)[:, 0]
    assert values.min() >= low and values.max() <= high
    a, b = (low - mean) / sd, (high - mean) / sd
    result = stats.kstest(values, stats.truncnorm(a, b, loc=mean, scale=sd).cdf)
    assert result.statistic < 0.01  # a Latin design hits the quantiles almost exactly
    assert stats.kstest(values, stats.uniform(low, high - low).cdf).statistic > 0.05


def test_loguniform_draws_are_uniform_in_log_space():
    low, high = positive_range(POSITIVE)
    spec = spec_with({"name": POSITIVE, "range": [low, high], "distribution": "loguniform"},
                     method="random", samples=2000)
    values = samplers.draw(spec)[:, 0]
    assert values.min() >= low and values.max() <= high
    logs = (np.log(values) - np.log(low)) / (np.log(high) - np.log(low))
    assert stats.kstest(logs, "uniform").pvalue > 0.001
    assert np.median(values) == pytest.approx(np.sqrt(low * high), rel=0.15)


def test_uniform_ranges_keep_their_designs_and_fingerprints():
    p = sim.PARAMS[FROM_ZERO]
    base = {"name": FROM_ZERO, "range": [float(p.low), float(p.high)]}
    plain = spec_with(dict(base))
    explicit = spec_with({**base, "distribution": "uniform"})
    assert plain.fingerprint() == explicit.fingerprint()
    assert "distribution" not in str(plain.identity())
    assert "derived" not in plain.identity()["output"]
    np.testing.assert_array_equal(samplers.draw(plain), samplers.draw(explicit))
    normal = spec_with({**base, "distribution": "normal"})
    assert normal.fingerprint() != plain.fingerprint()
    assert normal.factors[0].mean == pytest.approx((p.low + p.high) / 2)
    assert normal.factors[0].sd == pytest.approx((p.high - p.low) / 4)


def test_sobol_with_a_distribution_keeps_its_design_size():
    low, high = positive_range(POSITIVE)
    spec = spec_with({"name": POSITIVE, "range": [low, high], "distribution": "loguniform"},
                     method="sobol", samples=16)
    design = samplers.draw(spec)
    assert design.shape == (spec_module.n_points(spec), 1)
    assert design.min() >= low and design.max() <= high


@pytest.mark.parametrize("entry, method, fragment", [
    ({"distribution": "poisson"}, "latin", "distribution=\"poisson\": one of uniform, normal"),
    ({"distribution": "normal", "steps": 3}, "grid", "sampler 'grid' takes uniform ranges"),
    ({"distribution": "normal"}, "morris", "sampler 'morris' takes uniform ranges"),
    ({"mean": 0.5}, "latin", "mean=0.5: goes with distribution"),
    ({"distribution": "normal", "sd": 0}, "latin", ".sd=0: a number > 0"),
    ({"distribution": "normal", "sd": -1.0}, "latin", ".sd=-1.0: a number > 0"),
    ({"distribution": "normal", "mean": 1e12}, "latin", ".mean=1000000000000.0: a number within"),
    ({"distribution": "loguniform"}, "latin", "distribution 'loguniform' needs low > 0"),
])
def test_bad_distributions_are_one_line_errors(entry, method, fragment):
    p = sim.PARAMS[FROM_ZERO]
    sampler = {"method": method} if method == "grid" else {"method": method, "samples": 8}
    data = {"sampler": sampler,
            "parameters": {FROM_ZERO: {"range": [float(p.low), float(p.high)], **entry}}}
    with pytest.raises(SpecError) as err:
        spec_module.from_dict(data, source="s.toml")
    message = str(err.value)
    assert message.startswith(f"s.toml: parameters.{FROM_ZERO}") and "\n" not in message
    assert fragment in message


def test_a_range_outside_the_declared_bounds_is_refused_with_a_distribution():
    p = sim.PARAMS[FROM_ZERO]
    data = {"sampler": {"method": "latin", "samples": 8},
            "parameters": {FROM_ZERO: {"range": [float(p.low), float(p.high) * 10 + 1],
                                       "distribution": "normal"}}}
    with pytest.raises(SpecError, match=rf"parameters.{FROM_ZERO}.range=.*{FROM_ZERO}: a number in"):
        spec_module.from_dict(data, source="s.toml")


# --- derived outcomes -------------------------------------------------------------------------

TRAJECTORY = np.array([[0.0, 1.0, 5.0, 2.0, 7.0, 3.0],
                       [9.0, 8.0, 7.0, 6.0, 5.0, 4.0]])


@pytest.mark.parametrize("item, expected", [
    (DerivedOutcome("a", "f", "final"), [3.0, 4.0]),
    (DerivedOutcome("a", "f", "mean"), [3.0, 6.5]),
    (DerivedOutcome("a", "f", "max", days=(1, 3)), [5.0, 8.0]),
    (DerivedOutcome("a", "f", "min", days=(2, 5)), [2.0, 4.0]),
    (DerivedOutcome("a", "f", "sum", days=(0, 1)), [1.0, 17.0]),
    (DerivedOutcome("a", "f", "first_day_above", value=4.0), [2.0, 0.0]),
    (DerivedOutcome("a", "f", "first_day_above", value=4.0, days=(3, 5)), [4.0, 3.0]),
    (DerivedOutcome("a", "f", "first_day_above", value=10.0), [np.nan, np.nan]),
    (DerivedOutcome("a", "f", "first_day_below", value=5.0), [0.0, 5.0]),
    (DerivedOutcome("a", "f", "days_above", value=2.5), [3.0, 6.0]),
    (DerivedOutcome("a", "f", "days_below", value=6.5, days=(1, 4)), [3.0, 2.0]),
])
def test_reducers_give_the_documented_values(item, expected):
    np.testing.assert_array_equal(derived.reduce(item, TRAJECTORY), expected)


def test_month_windows_follow_the_calendar_from_the_start_date():
    values = np.arange(100, dtype=float)[None, :]  # day d holds d
    december = DerivedOutcome("a", "f", "max", months=(12,))
    # the default start is 2024-12-01: December is days 0-30
    assert derived.reduce(december, values)[0] == 30.0
    assert derived.reduce(DerivedOutcome("a", "f", "min", months=(1,)), values)[0] == 31.0
    # from 2024-11-01 December is days 30-60
    assert derived.reduce(december, values, "2024-11-01")[0] == 60.0
    assert np.isnan(derived.reduce(DerivedOutcome("a", "f", "first_day_above", value=0, months=(6,)),
                                   values)[0])


TINY = """
name = "derived"
scenario = "status_quo"
days = 60
seed = 4
replicates = 3
[output]
outcomes = ["occupied_km2_final"]
trajectories = "daily"
fields = ["occupied_km2", "ukraine_support"]
[[output.derived]]
name = "area_final"
field = "occupied_km2"
reduce = "final"
[[output.derived]]
name = "day_area_above"
field = "occupied_km2"
reduce = "first_day_above"
value = {cut}
[[output.derived]]
name = "support_mean_late"
field = "ukraine_support"
reduce = "mean"
days = [30, 60]
[sensitivity]
outcomes = ["reached:day_area_above"]
"""


def test_derived_outcomes_in_a_sweep_match_the_trajectories(tmp_path):
    start = float(sim.simulate(runs=1, days=1).outcomes["occupied_km2_final"].iloc[0])
    result = experiments.run(TINY.format(cut=start + 1.0), out=tmp_path / "sweep")
    rows, daily = result.outcomes, result.trajectories
    assert (rows["area_final"] == rows["occupied_km2_final"]).all()
    for _, run in rows.iterrows():
        days = daily[daily["row"] == run["row"]].set_index("day")
        above = days.index[days["occupied_km2"] > start + 1.0]
        assert run["day_area_above"] == (above[0] if len(above) else run["day_area_above"])
        if not len(above):
            assert np.isnan(run["day_area_above"])
        assert run["support_mean_late"] == pytest.approx(
            days.loc[30:60, "ukraine_support"].mean())
    spec_back = results.spec_of(tmp_path / "sweep")
    assert spec_back.fingerprint() == result.spec.fingerprint()
    assert [d.name for d in spec_back.output.derived] == ["area_final", "day_area_above",
                                                          "support_mean_late"]


@pytest.mark.parametrize("entry, fragment", [
    ({"name": "x", "field": "no_field", "reduce": "mean"}, '.field="no_field": one of'),
    ({"name": "x", "field": "occupied_km2", "reduce": "median"}, '.reduce="median": one of'),
    ({"name": "x", "field": "occupied_km2", "reduce": "first_day_above"},
     ".value is missing: reduce 'first_day_above' needs value"),
    ({"name": "x", "field": "occupied_km2", "reduce": "mean", "value": 3},
     ".value=3: reduce 'mean' takes no value"),
    ({"name": "occupied_km2_final", "field": "occupied_km2", "reduce": "mean"},
     '.name="occupied_km2_final": already a column'),
    ({"name": "2x", "field": "occupied_km2", "reduce": "mean"}, '.name="2x": a name of'),
    ({"name": "x", "field": "occupied_km2", "reduce": "mean", "days": [0, 999]},
     ".days=[0, 999]: two whole days [from, to] with 0 <= from <= to <= 60"),
    ({"name": "x", "field": "occupied_km2", "reduce": "mean", "months": [13]},
     ".months=[13]: a non-empty list of months 1-12"),
    ({"name": "x", "field": "occupied_km2", "reduce": "final", "days": [0, 5]},
     "reduce 'final' takes no window"),
    ({"name": "x", "field": "occupied_km2", "reduce": "mean", "code": "os.system()"},
     ".code=\"os.system()\": unknown key"),
])
def test_bad_derived_outcomes_are_one_line_errors(entry, fragment):
    with pytest.raises(SpecError) as err:
        spec_module.from_dict({"days": 60, "output": {"derived": [entry]}}, source="s.toml")
    message = str(err.value)
    assert message.startswith("s.toml: output.derived[0]") and "\n" not in message
    assert fragment in message


def test_two_derived_outcomes_cannot_share_a_name():
    item = {"name": "x", "field": "occupied_km2", "reduce": "mean"}
    with pytest.raises(SpecError, match=r"output.derived\[1\].name=\"x\": already a column"):
        spec_module.from_dict({"output": {"derived": [item, dict(item)]}})


def test_a_sweep_with_distributions_reads_back_its_spec_and_resumes(tmp_path):
    low, high = positive_range(POSITIVE)
    p = sim.PARAMS[FROM_ZERO]
    data = {"name": "dist", "days": 10, "replicates": 2,
            "sampler": {"method": "latin", "samples": 6},
            "parameters": {POSITIVE: {"range": [low, high], "distribution": "loguniform"},
                           FROM_ZERO: {"range": [float(p.low), float(p.high)],
                                       "distribution": "normal", "sd": 0.1 * (p.high - p.low)}},
            "output": {"outcomes": ["occupied_km2_final"]}}
    first = experiments.run(data, out=tmp_path / "sweep")
    back = results.spec_of(tmp_path / "sweep")
    assert back.fingerprint() == first.spec.fingerprint()
    assert [f.distribution for f in back.factors] == ["loguniform", "normal"]
    again = experiments.run(data, out=tmp_path / "sweep", resume=True)
    assert again.report.rows_computed == 0
    pd.testing.assert_frame_equal(again.outcomes, first.outcomes, check_exact=True)
