"""What a sweep's outputs say: names instead of codes, the version and model fingerprint, a
constant outcome called constant, and plots that state what they pool."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import pandas as pd
from matplotlib.collections import PolyCollection

import sim
from sim.state import PHASE_NAMES
from experiments import evaluators, plots, provenance, results, sensitivity, storage, sweep
from experiments import spec as spec_module

ROOT = Path(__file__).resolve().parents[1]
CHOICE = next(spec for spec in sim.PARAMS.values() if spec.kind == "choice")
FLOATS = [spec.name for spec in sim.PARAMS.values() if spec.kind == "float"][:2]

NAMED = f"""
name = "named"
scenario = "status_quo"
days = 20
replicates = 3
[sampler]
method = "grid"
[parameters]
{CHOICE.name} = {{ levels = ["{CHOICE.choices[-1]}", "{CHOICE.choices[0]}"] }}
[output]
outcomes = ["talks_phase_final", "outcome", "settlement_day"]
[[output.derived]]
name = "ceasefire_days"
field = "talks_phase"
reduce = "days_equal"
value = "ceasefire"
[[output.derived]]
name = "winter_support"
field = "ukraine_support"
reduce = "mean"
months = [12, 1, 2]
"""


def test_manifest_and_tables_name_choices_phases_and_classes(tmp_path):
    spec = spec_module.parse(NAMED, "named.toml")
    out = tmp_path / "named"
    sweep.run(spec, out, evaluators.SerialEvaluator(), progress=False)
    stored = results.load_manifest(out)["spec"]
    assert stored["factors"][0]["levels"] == [CHOICE.choices[-1], CHOICE.choices[0]]
    assert results.spec_of(out).fingerprint() == spec.fingerprint()
    table = storage.read_table(out)
    assert set(table[CHOICE.name]) == {CHOICE.choices[-1], CHOICE.choices[0]}
    names = table["talks_phase_final_name"]
    assert list(names.cat.categories) == list(PHASE_NAMES)
    assert (names.cat.codes.to_numpy() == table["talks_phase_final"].to_numpy()).all()
    assert set(table["outcome"].astype(str)) <= set(sim.OUTCOME_CLASSES)
    import pyarrow.parquet as pq
    schema = pq.read_schema(storage.table_files(out)[0])
    kept = [name for name in schema.names if name in sim.outcomes.OUTCOMES]
    assert kept
    for name in kept:
        declared = sim.outcomes.OUTCOMES[name]
        described = schema.field(name).metadata
        assert described[b"unit"] == declared.unit.encode()
        assert described[b"label"] == declared.label.encode()
    assert schema.field(CHOICE.name).metadata[b"meaning"] == sim.PARAMS[CHOICE.name].meaning.encode()
    assert schema.field("row").metadata is None, "keys are what their names say"
    # a researcher's own outcomes say what they are too
    days = schema.field("ceasefire_days").metadata
    assert days[b"label"] == b"days with Talks phase = ceasefire" and days[b"unit"] == b"days"
    support = schema.field("winter_support").metadata
    label = sim.trajectories.TRAJECTORIES["ukraine_support"].label
    assert support[b"label"] == f"mean of {label}, months 12, 1, 2".encode()
    assert support[b"unit"] == sim.trajectories.TRAJECTORIES["ukraine_support"].unit.encode()
    assert b"'winter_support'" in support[b"meaning"]


def test_band_columns_say_which_quantile_of_which_field_in_which_unit(tmp_path):
    """The bands' columns (occupied_km2_q5, ...) carried no label or unit, where every other
    column the model declares does."""
    import pyarrow.parquet as pq

    spec = spec_module.parse(NAMED.replace("[output]", '[output]\nbands = "weekly"\n'
                                           'fields = ["occupied_km2"]\n'
                                           "quantiles = [0.05, 0.5]"), "named.toml")
    out = tmp_path / "bands"
    sweep.run(spec, out, evaluators.SerialEvaluator(), progress=False)
    schema = pq.read_schema(next((out / "bands").glob("*.parquet")))
    declared = sim.trajectories.TRAJECTORIES["occupied_km2"]
    for column, percent in (("occupied_km2_q5", "5"), ("occupied_km2_q50", "50")):
        described = schema.field(column).metadata
        assert described[b"unit"] == declared.unit.encode()
        assert described[b"label"] == f"{declared.label}, {percent} % quantile of the point's runs".encode()
    assert schema.field("day").metadata is None, "keys are what their names say"


@pytest.mark.slow
def test_version_prints_the_package_version_and_the_model_fingerprint():
    result = subprocess.run([sys.executable, "-m", "conflictsim", "--version"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith(f"conflictsim {provenance.package_version()} ")
    assert f"model fingerprint {provenance.model_fingerprint()}" in result.stdout


def test_sensitivity_of_a_constant_outcome_says_it_never_varies(tmp_path):
    text = f"""
name = "constant"
scenario = "status_quo"
days = 5
replicates = 2
[sampler]
method = "morris"
samples = 3
[parameters]
{FLOATS[0]} = {{ range = [{sim.PARAMS[FLOATS[0]].low}, {sim.PARAMS[FLOATS[0]].high}] }}
{FLOATS[1]} = {{ range = [{sim.PARAMS[FLOATS[1]].low}, {sim.PARAMS[FLOATS[1]].high}] }}
[output]
outcomes = ["settlement_day", "outcome"]
"""
    spec = spec_module.parse(text, "constant.toml")
    out = tmp_path / "constant"
    sweep.run(spec, out, evaluators.SerialEvaluator(), progress=False)
    table = sensitivity.analyse(spec, out, ("reached:settlement_day",))
    assert set(table["index"]) == {"constant"} and (table["value"] == 0).all()
    text = sensitivity.format_table(table)
    assert "reached:settlement_day (status_quo): never varies (always 0" in text
    assert "0.000" not in text
    figure = plots.sensitivity_bars(table)
    assert any("never varies" in t.get_text() for t in figure.axes[0].texts)


def grid_outcomes() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x, y, z = np.meshgrid([0.0, 1.0], [10.0, 20.0], [0, 1, 2, 3], indexing="ij")
    frame = pd.DataFrame({"scenario": "s", "a": x.ravel(), "b": y.ravel(), "c": z.ravel()})
    day = rng.integers(100, 200, len(frame)).astype(float)
    day[(frame["a"] == 0) & (frame["c"] > 0)] = np.nan  # 1 run in 4 reaches a ceasefire there
    frame["ceasefire_day"] = day
    return frame


def test_heatmap_of_a_sometimes_missing_outcome_shows_the_share_and_counts():
    frame = grid_outcomes()
    figure = plots.heatmap(frame, "a", "b", "ceasefire_day", "s", averaged_over=("c",))
    share_axes, value_axes = figure.axes[:2]
    share = share_axes.images[0].get_array()
    assert share[:, 0].tolist() == [0.25, 0.25] and share[:, 1].tolist() == [1.0, 1.0]
    assert {t.get_text() for t in value_axes.texts} == {"1/4", "4/4"}
    assert "among runs that reached one" in " ".join(value_axes.get_title().split())
    for axes in (share_axes, value_axes):
        assert "averaged over c" in " ".join(axes.get_title().split())


def test_a_fan_is_the_band_of_pooled_runs_not_an_average_of_point_quantiles():
    days = np.arange(3)
    runs = pd.DataFrame({"row": np.repeat(np.arange(40), 3), "day": np.tile(days, 40)})
    # points 0 and 1: 20 runs each, far apart; pooled quantiles differ from averaged ones
    runs["occupied_km2"] = np.where(runs["row"] < 20, runs["row"] * 1.0, 1000.0 + runs["row"] ** 2)
    scenario_of_row = pd.Series("s", index=np.arange(40))
    figure = plots.pooled_fans(runs, scenario_of_row, "occupied_km2", (0.1, 0.5, 0.9))
    values = runs[runs["day"] == 0]["occupied_km2"].to_numpy()
    assert figure.axes[0].lines[0].get_ydata()[0] == np.quantile(values, 0.5)
    assert "all runs pooled" in " ".join(figure.axes[0].get_title().split())

    bands = pd.DataFrame({"scenario": "s", "point": np.repeat([0, 1], 3), "day": np.tile(days, 2),
                          "occupied_km2_q10": 0.0, "occupied_km2_q50": 1.0,
                          "occupied_km2_q90": 2.0})
    per_point = plots.outcome_fans(bands, "occupied_km2")
    assert not any(isinstance(c, PolyCollection) for c in per_point.axes[0].collections)
    assert len(per_point.axes[0].lines) == 2
    assert "each parameter point" in " ".join(per_point.axes[0].get_title().split())


def test_private_type_columns_say_what_they_are(tmp_path):
    """`type_russia_cost` and `type_ukraine_resolve` had no label or unit (their words lived
    only in the game's pages); they are declared once, beside the state that holds them."""
    import pyarrow.parquet as pq

    from experiments import chunks
    from sim.state import PRIVATE_TYPES

    import dataclasses

    from sim.state import State

    held = {f.name.removesuffix("_private") for f in dataclasses.fields(State)
            if f.name.endswith("_private")}
    assert set(PRIVATE_TYPES) == held, "every *_private field is declared"
    assert chunks.type_names() == tuple(sorted(PRIVATE_TYPES))
    out = tmp_path / "types"
    sweep.run(spec_module.parse(NAMED, "named.toml"), out, evaluators.SerialEvaluator(),
              progress=False)
    schema = pq.read_schema(storage.table_files(out)[0])
    written = [name for name in schema.names if name.startswith("type_")]
    assert sorted(written) == sorted(f"type_{name}" for name in PRIVATE_TYPES)
    for column in written:
        declared = PRIVATE_TYPES[column.removeprefix("type_")]
        described = schema.field(column).metadata
        assert described[b"label"] == declared.label.encode()
        assert described[b"unit"] == declared.unit.encode()
