"""The SALib pipeline (our sampler, our analysis tables) against Ishigami's analytic indices,
then on the model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import noise, samplers, sensitivity
from experiments.spec import Factor, Spec

ROOT = Path(__file__).resolve().parents[1]
ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_spec(method: str, samples: int) -> Spec:
    factors = tuple(Factor(f"x{i}", "float", low=-np.pi, high=np.pi) for i in (1, 2, 3))
    return Spec(name="ishigami", scenarios=("status_quo",), days=1, seed=42, replicates=1,
                chunk_size=1, method=method, samples=samples, morris_levels=4, second_order=True,
                factors=factors)


def index(table: pd.DataFrame, name: str) -> np.ndarray:
    return table[table["index"] == name]["value"].to_numpy()


def test_sobol_pipeline_recovers_ishigami_indices():
    spec = ishigami_spec("sobol", 2048)
    x = samplers.draw(spec)
    table = sensitivity.sobol_table(samplers.salib_problem(spec.factors), ishigami(x),
                                    resamples=200, seed=1)
    np.testing.assert_allclose(index(table, "S1"), ISHIGAMI_S1, atol=0.04)
    np.testing.assert_allclose(index(table, "ST"), ISHIGAMI_ST, atol=0.04)
    s2 = table[table["index"] == "S2"].set_index(["parameter", "other"])["value"]
    assert s2[("x1", "x3")] == pytest.approx(0.244, abs=0.06)  # the x1-x3 interaction
    assert abs(s2[("x1", "x2")]) < 0.05
    conf = table[table["index"] == "S1"]["conf"].to_numpy()
    assert np.all((conf > 0) & (conf < 0.1))


def test_morris_pipeline_ranks_ishigami_inputs():
    spec = ishigami_spec("morris", 200)
    x = samplers.draw(spec)
    table = sensitivity.morris_table(samplers.salib_problem(spec.factors), x, ishigami(x),
                                     resamples=200, seed=1)
    mu_star = dict(zip(table[table["index"] == "mu_star"]["parameter"], index(table, "mu_star")))
    sigma = dict(zip(table[table["index"] == "sigma"]["parameter"], index(table, "sigma")))
    assert mu_star["x2"] > mu_star["x1"] > mu_star["x3"] > 0
    assert sigma["x3"] > 1  # x3 acts only through its interaction with x1


MODEL_SOBOL = """
name = "model-sobol"
scenario = "status_quo"
days = 180
seed = 3
replicates = 4
chunk_size = 1024

[sampler]
method = "sobol"
samples = 32

[parameters]
start_pace_factor = {{ range = [0.5, 1.5] }}
rub_per_usd = {{ range = [80.0, 120.0] }}
trump_sanctions_level = {{ range = [0.0, 1.0] }}

[output]
outcomes = ["occupied_km2_final", "russia_economic_pressure_mean", "ceasefire_day", "outcome"]

[sensitivity]
outcomes = ["occupied_km2_final", "russia_economic_pressure_mean", "reached:ceasefire_day"]
"""


@pytest.mark.slow
def test_sobol_on_the_model_finds_the_parameters_that_drive_each_outcome(tmp_path):
    spec_path = tmp_path / "model.toml"
    spec_path.write_text(MODEL_SOBOL.format())
    out = tmp_path / "sweep"
    result = subprocess.run([sys.executable, "-m", "experiments", "sensitivity", str(spec_path),
                             "--out", str(out), "--executor", "serial", "--quiet"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (out / "sensitivity.png").stat().st_size > 0
    table = pd.read_csv(out / "sensitivity.csv")
    total = table[table["index"] == "ST"].pivot(index="outcome", columns="parameter",
                                                values="value")
    # the front moves with its pace on the start date (and, through Russia's economy, with sanctions);
    # the rouble's exchange rate does not move it within half a year
    assert total.loc["occupied_km2_final", "start_pace_factor"] > 0.3
    assert total.loc["occupied_km2_final", "rub_per_usd"] < 0.05
    assert total.loc["russia_economic_pressure_mean", "trump_sanctions_level"] > \
        total.loc["russia_economic_pressure_mean", "start_pace_factor"]
    assert np.isfinite(table["value"]).all()
    # noise's share: streamed from the chunks, equal to the split computed from the rows
    assert "between replicates at a point (the world)" in result.stdout
    shares = pd.read_csv(out / "noise.csv").set_index("outcome")
    rows = pd.read_parquet(out / "outcomes")
    direct = noise.split(rows["occupied_km2_final"], rows["scenario"], rows["point"],
                         rows["replicate"], "x")
    assert shares.loc["occupied_km2_final", "between_replicates_share"] == \
        pytest.approx(direct["between_replicates_share"].iloc[0], rel=1e-9)
    both = shares["between_points_share"] + shares["between_replicates_share"]
    assert np.allclose(both.dropna(), 1.0)
    for line in noise.warnings(shares.reset_index()):
        assert line in result.stdout


@pytest.mark.slow
def test_sensitivity_refuses_a_grid_spec(tmp_path):
    spec_path = tmp_path / "grid.toml"
    spec_path.write_text('[sampler]\nmethod = "grid"\n[parameters]\n'
                         'trump_aid_level = { levels = [0.5, 1.0] }\n')
    result = subprocess.run([sys.executable, "-m", "experiments", "sensitivity", str(spec_path),
                             "--out", str(tmp_path / "o")], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "sampler.method=\"grid\": sensitivity needs sampler 'sobol' or 'morris'" in result.stderr
    assert not (tmp_path / "o").exists()


def test_a_dummy_read_by_nothing_shows_the_noise_floor_of_the_indices():
    """Ishigami with SALib's dummy: evaluated exactly (as the model with common random numbers
    is), the dummy's runs equal their base runs and its indices are exactly 0; with noise on each
    evaluation (runs without common random numbers) the dummy picks up an index of its own, the
    floor under which a parameter's index says nothing."""
    import dataclasses

    spec = dataclasses.replace(ishigami_spec("sobol", 512), dummy=True, second_order=False)
    x = samplers.draw(spec)
    assert x.shape == (512 * 6, 4) and spec.design_names[-1] == "dummy"
    problem = samplers.salib_problem(spec.factors, dummy=True)
    exact = sensitivity.sobol_table(problem, ishigami(x[:, :3]), second_order=False,
                                    resamples=200, seed=1)
    exact.insert(0, "outcome", "y")
    exact.insert(0, "scenario", "s")
    dummy = exact[exact["parameter"] == "dummy"]
    assert np.all(dummy["value"] == 0.0) and np.all(dummy["conf"] == 0.0)
    floor = sensitivity.noise_floor(exact).set_index("index")
    assert floor.loc["S1", "at_or_below_floor"] == ["x3"], "x3 acts only with x1"
    assert floor.loc["ST", "at_or_below_floor"] == []
    noisy_y = ishigami(x[:, :3]) + np.random.default_rng(0).normal(0, 2.0, len(x))
    noisy = sensitivity.sobol_table(problem, noisy_y, second_order=False, resamples=200, seed=1)
    noisy_dummy = noisy[(noisy["parameter"] == "dummy") & (noisy["index"] == "ST")]
    assert 0.05 < noisy_dummy["value"].item() < 0.5, "noise gives the dummy an index of its own"


@pytest.mark.slow  # 20 runs of 30 days, but a subprocess importing the CLI: about 10 s idle
def test_the_cli_samples_a_dummy_the_model_never_reads_and_reports_its_floor(tmp_path):
    spec = tmp_path / "dummy.toml"
    spec.write_text('name = "dummy"\nscenarios = ["new_administration"]\ndays = 30\nseed = 3\n'
                    '[sampler]\nmethod = "sobol"\nsamples = 4\nsecond_order = false\n'
                    'dummy = true\n[parameters]\ntrump_aid_level = { range = [0.0, 1.5] }\n'
                    'eu_aid_baseline_bn_usd = { range = [10.0, 60.0] }\n')
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "conflictsim", "sensitivity", str(spec), "--out",
                           str(out), "--executor", "serial", "--quiet"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    design = pd.read_parquet(out / "design")
    assert list(design.columns)[-1] == "dummy" and design["dummy"].nunique() > 4
    rows = pd.read_parquet(out / "outcomes")
    assert "dummy" not in rows.columns, "the model's rows never see it"
    table = pd.read_csv(out / "sensitivity.csv")
    dummy = table[(table["parameter"] == "dummy") & table["index"].isin(["S1", "ST"])]
    assert len(dummy) == 2 and np.all(dummy["value"] == 0.0), "runs differing in it are equal"
    assert "noise floor, occupied_km2_final (new_administration) ST: the dummy" in done.stdout
    assert "replacing" not in done.stdout
    again = subprocess.run([sys.executable, "-m", "conflictsim", "sensitivity", str(out),
                            "--outcome", "area_change_km2"], cwd=ROOT, capture_output=True,
                           text=True)
    assert again.returncode == 0, again.stderr
    assert "(replacing the earlier sensitivity.csv, noise.csv, sensitivity.png" in again.stdout


def test_a_dummy_needs_sobol_or_morris():
    from experiments.spec import SpecError, from_dict

    with pytest.raises(SpecError, match="sampler.dummy"):
        from_dict({"sampler": {"method": "latin", "samples": 8, "dummy": True},
                   "parameters": {"trump_aid_level": {"range": [0.0, 1.5]}}})
