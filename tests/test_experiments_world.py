"""The run's world as data: rows carry what each run drew (uncertain parameters, private
types), sweeps say which inputs are levers and which the world, the variance is split between
points and replicates, and PRIM prunes restrictions that do not matter."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import experiments
import sim
from experiments import derived, discover, noise, storage
from experiments import spec as spec_module
from conflictsim.cli import main as conflictsim

SPEC = {"name": "world", "scenarios": ["status_quo", "freeze"], "days": 10, "replicates": 3,
        "sampler": {"method": "latin", "samples": 3},
        "parameters": {"trump_aid_level": {"range": [0.0, 1.2]}},
        "fixed": {"advance_speed_scale": 1.0},
        "output": {"outcomes": ["occupied_km2_final", "outcome"]}}


def test_rows_carry_what_each_run_drew_and_a_replay_draws_the_same(tmp_path):
    result = experiments.run(SPEC, out=tmp_path / "world")
    rows = result.outcomes
    inputs = result.manifest["inputs"]
    assert inputs["levers"] == ["trump_aid_level", "advance_speed_scale"]
    drawn = [c for c in rows if c.startswith("drawn_")]
    assert drawn == inputs["uncertainties"] and "drawn_advance_speed_scale" not in drawn
    assert len(drawn) == len(sim.params.uncertain_names()) - 1  # all but the fixed one
    assert [c for c in rows if c.startswith("type_")] == inputs["private_types"] == \
        ["type_russia_cost", "type_ukraine_resolve"]
    for k in (0, 4, len(rows) - 1):
        row = rows.iloc[k]
        alone = sim.simulate(scenario=row["scenario"], runs=1, days=10, seed=int(row["seed"]),
                             run_offset=int(row["replicate"]),
                             overrides={"trump_aid_level": row["trump_aid_level"],
                                        "advance_speed_scale": 1.0})
        for column in drawn:
            assert row[column] == alone.params.per_run(column[len("drawn_"):])[0], column
        assert row["type_russia_cost"] == alone.private_types["russia_cost_private"][0]
    # common random numbers: a replicate's world is the same at every point and scenario
    world = rows.groupby("replicate")[drawn + ["type_russia_cost"]].nunique()
    assert (world == 1).all().all()
    assert rows.groupby("point")["drawn_advance_noise_sd"].nunique().eq(3).all()


def test_record_drawn_off_saves_the_columns_and_a_resume_keeps_the_choice(tmp_path):
    spec = tmp_path / "world.toml"
    spec.write_text('''name = "world"
scenarios = ["status_quo", "freeze"]
days = 10
replicates = 3
chunk_size = 3
[sampler]
method = "latin"
samples = 3
[parameters]
trump_aid_level = { range = [0.0, 1.2] }
[output]
outcomes = ["occupied_km2_final"]
''')
    out = tmp_path / "off"
    assert conflictsim(["sweep", str(spec), "--out", str(out), "--executor", "serial",
                        "--quiet", "--record-drawn", "off"]) == 0
    assert not [c for c in storage.read_table(out) if c.startswith(("drawn_", "type_"))]
    assert json.loads((out / "manifest.json").read_text())["inputs"]["uncertainties"] == []
    (out / "checksums" / "chunk-000002.json").unlink()  # one chunk to compute again
    assert conflictsim(["sweep", str(spec), "--out", str(out), "--executor", "serial",
                        "--quiet", "--resume"]) == 0
    schemas = {tuple(pd.read_parquet(f).columns) for f in storage.table_files(out)}
    assert len(schemas) == 1 and not any(c.startswith("drawn_") for c in schemas.pop())


def test_the_variance_split_recovers_known_lever_world_and_interaction_variances():
    rng = np.random.default_rng(3)
    points, replicates = 100, 200
    lever = rng.normal(0, 1.0, points)[:, None]              # variance 1 between points
    world = rng.normal(0, np.sqrt(2.0), replicates)[None, :]  # 2: the same at every point
    interaction = rng.normal(0, np.sqrt(2.0), (points, replicates))  # 2
    y = pd.Series((lever + world + interaction).ravel())
    point = pd.Series(np.repeat(np.arange(points), replicates))
    replicate = pd.Series(np.tile(np.arange(replicates), points))
    scenario = pd.Series("s", index=point.index)
    row = noise.split(y, scenario, point, replicate, "y").iloc[0]
    assert row["between_points_share"] == pytest.approx(0.2, abs=0.05)
    assert row["shared_world_share"] == pytest.approx(0.4, abs=0.08)
    assert row["interaction_share"] == pytest.approx(0.4, abs=0.05)
    assert row["between_replicates_share"] == pytest.approx(
        row["shared_world_share"] + row["interaction_share"])
    # a point mean's noise is the interaction's variance / replicates: 2 / (0.1 * 1) = 20
    assert row["replicates_needed"] == pytest.approx(20, rel=0.3)
    few = noise.split(y[replicate < 5], scenario[replicate < 5], point[replicate < 5],
                      replicate[replicate < 5], "y")
    [line] = noise.warnings(few)
    assert line.startswith("warning: y (s): the world outweighs the levers: ")
    assert "replicates per point (not 5)" in line
    assert row["levers_p_value"] < 1e-10
    # no lever at all: a positive estimate is noise, and no replicate count is read from it
    flat = noise.split(pd.Series((0.0 * lever + world + interaction).ravel()), scenario, point,
                       replicate, "y").iloc[0]
    assert flat["levers_p_value"] > noise.LEVER_ALPHA and flat["replicates_needed"] is None
    [line] = noise.warnings(pd.DataFrame([flat]))
    assert "cannot be told from zero (F test p = " in line and "replicates per point" not in line
    calm = noise.split(pd.Series((lever * 5 + world + interaction).ravel()), scenario, point,
                       replicate, "y")
    assert noise.warnings(calm) == []
    # streamed over chunks (sums added) equals the split of the whole table
    frame = pd.DataFrame({"scenario": scenario, "point": point, "replicate": replicate, "y": y})
    halves = noise.add([noise.moments(frame.iloc[:7000]), noise.moments(frame.iloc[7000:])])
    pd.testing.assert_frame_equal(noise.from_moments(halves, "y"),
                                  noise.split(y, scenario, point, replicate, "y"))


def test_prim_drops_a_restriction_that_does_not_matter_and_keeps_one_that_does():
    rng = np.random.default_rng(5)
    n = 4000
    x = pd.DataFrame({"relevant": rng.uniform(size=n), "noise_a": rng.uniform(size=n),
                      "noise_b": rng.uniform(size=n), "noise_c": rng.uniform(size=n)})
    y = ((x["relevant"] < 0.3) & (rng.uniform(size=n) < 0.8)).to_numpy()
    # no box reaches 0.82, so the densest step is taken, restricting noise by chance
    kept = discover.prim(x, y, threshold=0.82, max_quasi_p=None)
    pruned = discover.prim(x, y, threshold=0.82)
    names = lambda result: set(result.limits_table()["dimension"])
    assert names(kept) > {"relevant"}
    assert names(pruned) == {"relevant"}
    assert (pruned.boxes[0].significance["quasi_p"] <= discover.DEFAULT_MAX_QUASI_P).all()
    assert pruned.boxes[0].box.density >= 0.99 * kept.boxes[0].box.density
    assert "noise_b" in pruned.summary_table()["dropped_restrictions"].iloc[0]
    capped = discover.prim(x, y, threshold=0.82, max_quasi_p=None, max_restricted=1)
    assert names(capped) == {"relevant"}
    trajectory = pruned.trajectory_table()
    assert "relevant in [" in trajectory["limits"].iloc[-1]


def test_a_peel_never_drops_half_the_box_while_smaller_peels_still_help():
    rng = np.random.default_rng(8)
    n = 6000
    x = pd.DataFrame({"x": rng.uniform(size=n), "scenario": np.where(np.arange(n) % 2, "a", "b")})
    y = ((x["scenario"] == "a") & (rng.uniform(size=n) < np.where(x["x"] < 0.3, 0.95, 0.3)))
    result = discover.prim(x, y.to_numpy(), threshold=0.9, max_quasi_p=None)
    steps = result.boxes[0].trajectory
    halved = [i for i in range(1, len(steps)) if steps[i].n <= 0.55 * steps[i - 1].n]
    assert halved  # the scenario is dropped at last (one peel: half the box)...
    for i in halved:  # ...but only once x is peeled to its region, not at the first step
        assert steps[i - 1].limits[0][1] < 0.35
    assert result.boxes[0].box.density > 0.9


@pytest.mark.slow
def test_an_equals_reducer_counts_days_in_a_talks_phase_given_by_name():
    from experiments import derived, spec as spec_module
    from sim.state import PHASE_NAMES

    text = '''
name = "phases"
scenario = "parallel_processes"
days = 365
replicates = 6
[output]
outcomes = ["talks_phase_final"]
trajectories = "daily"
fields = ["talks_phase"]
[[output.derived]]
name = "days_talking"
field = "talks_phase"
reduce = "days_equal"
value = "talks while fighting"
[[output.derived]]
name = "first_day_talking"
field = "talks_phase"
reduce = "first_day_equal"
value = 1
'''
    spec = spec_module.parse(text, "phases.toml")
    assert spec.output.derived[0].value == PHASE_NAMES.index("talks while fighting")
    result = experiments.run(spec)
    phase = result.trajectories.pivot(index="row", columns="day", values="talks_phase")
    counted = (phase.to_numpy() == 1).sum(axis=1)
    assert result.outcomes.set_index("row").loc[phase.index, "days_talking"].tolist() == \
        counted.tolist()
    first = result.outcomes.set_index("row").loc[phase.index, "first_day_talking"].to_numpy()
    expected = np.where((phase.to_numpy() == 1).any(axis=1),
                        np.argmax(phase.to_numpy() == 1, axis=1), np.nan)
    np.testing.assert_array_equal(first, expected)
    assert counted.any()  # the check is not vacuous: some runs do talk
    values = np.array([[0, 1, 1, 2, 1]])
    item = spec.output.derived[0]
    assert derived.reduce(item, values).tolist() == [3.0]
    bad = text.replace('value = "talks while fighting"', 'value = "talks"')
    with pytest.raises(spec_module.SpecError, match="a talks phase: one of 'no talks'"):
        spec_module.parse(bad, "phases.toml")


def test_the_pairs_plot_shows_the_box_over_its_restricted_dimensions(tmp_path):
    rng = np.random.default_rng(2)
    n = 3000
    x = pd.DataFrame({"a": rng.uniform(size=n), "b": rng.uniform(size=n),
                      "c": rng.uniform(size=n)})
    y = ((x["a"] < 0.4) & (x["b"] > 0.5)).to_numpy()
    result = discover.prim(x, y, threshold=0.9)
    figure = discover.pairs_figure(result)
    assert len(figure.axes) == 4  # a and b, the restricted ones
    box = result.boxes[0].box.limits
    rectangle = figure.axes[2].patches[0]  # row b, column a
    assert rectangle.get_x() == pytest.approx(box[0][0])
    assert rectangle.get_y() == pytest.approx(box[1][0])
    from experiments import plots

    assert plots.overlapping_texts(figure) == []


@pytest.mark.parametrize("how", ["mean", "sum", "min", "max"])
def test_a_derived_outcome_of_one_run_is_the_same_alone_and_in_a_batch(how):
    """`run --from DIR --run K` said a derived mean 'does NOT match' its sweep (found by a
    researcher): the sweep's (runs, days) trajectories in column order were summed day by day
    across the runs, one run alone pairwise. Each run's value must not depend on its batch."""
    rng = np.random.default_rng(5)
    batch = np.asfortranarray(rng.uniform(0.2, 0.9, size=(64, 731)))
    item = spec_module.DerivedOutcome(name="x", field="ukraine_support", reduce=how)
    together = derived.reduce(item, batch)
    alone = np.concatenate([derived.reduce(item, batch[k:k + 1]) for k in range(len(batch))])
    assert together.tobytes() == alone.tobytes()
