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
