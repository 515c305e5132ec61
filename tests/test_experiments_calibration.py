"""ABC calibration recovers parameters from synthetic data made by the model, and runs against
the shipped 2024 front-line series."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sim
from experiments import calibration, provenance
from experiments.__main__ import main

# Parameters the 2024 targets can identify: the front's pace level is absorbed by the day-0
# state estimated from the data (docs/VALIDATION.md, section 3), casualties and replacements
# are not.
TRUTH = {"russia_casualties_per_day_2024": 1000.0, "ukraine_recruits_per_day": 500.0}


def test_observed_gains_are_the_shipped_monthly_series():
    gains = calibration.observed_gains()
    assert list(gains.index) == [*calibration.FIT_MONTHS, *calibration.HELD_OUT_MONTHS]
    assert gains["2024-01-31"] == np.float64(108607.8 - 108567.4)
    assert gains["2024-11-30"] == np.float64(111488.9 - 110763.0)


@pytest.mark.slow
def test_abc_recovers_known_parameters_from_synthetic_model_data(tmp_path):
    out = tmp_path / "synthetic"
    code = main(["calibrate", "--out", str(out), "--draws", "3000", "--rounds", "2",
                 "--executor", "serial", "--seed", "4",
                 *[arg for name in TRUTH for arg in ("--param", name)],
                 *[arg for name, value in TRUTH.items() for arg in ("--synthetic", f"{name}={value}")]])
    assert code == 0
    report = json.loads((out / "calibration.json").read_text())
    for name, truth in TRUTH.items():
        low, high = report["parameters"][name]["ci90"]
        assert low <= truth <= high, (name, low, high)
    casualties = report["parameters"]["russia_casualties_per_day_2024"]
    spec = sim.PARAMS["russia_casualties_per_day_2024"]
    prior_width = spec.high - spec.low
    assert abs(casualties["median"] - TRUTH["russia_casualties_per_day_2024"]) < 0.05 * prior_width
    assert casualties["pinned_down"] and casualties["width_vs_prior"] < 0.3
    posterior = pd.read_parquet(out / "posterior")
    assert set(posterior["round"]) == {0, 1}
    assert np.isclose(posterior[posterior["round"] == 1]["weight"].sum(), 1.0)
    assert (out / "posterior_vs_data.png").stat().st_size > 0


def test_calibration_against_the_shipped_series_reports_the_held_out_check(tmp_path):
    out = tmp_path / "data"
    assert main(["calibrate", "--out", str(out), "--draws", "400", "--rounds", "1",
                 "--executor", "serial", "--param", "advance_speed_scale=0:2"]) == 0
    report = json.loads((out / "calibration.json").read_text())
    assert report["start_date"] == "2024-01-01"
    held = [m for m, band in report["months"].items() if band["held_out"]]
    assert held == list(calibration.HELD_OUT_MONTHS)
    assert report["parameters"]["advance_speed_scale"]["prior"] == [0.0, 2.0]


def test_an_earlier_start_fits_every_month_from_it_to_november_2024(tmp_path, capsys):
    """A fit from 2023 sees 2023's stalemate and 2024's acceleration together; the default
    start fits 2024's months only, and a start with no month of data after it is refused."""
    assert calibration.fit_months_for("2024-01-01") == calibration.FIT_MONTHS
    assert calibration.fit_months_for("2023-07-15")[:2] == ("2023-08-31", "2023-09-30")
    out = tmp_path / "from2023"
    assert main(["calibrate", "--out", str(out), "--draws", "40", "--rounds", "1",
                 "--executor", "serial", "--start-date", "2023-07-01",
                 "--param", "advance_speed_scale=0:2"]) == 0
    report = json.loads((out / "calibration.json").read_text())
    months = [m for m, band in report["months"].items() if band["is_month"]]
    assert report["fit_months"] == months
    assert months[0] == "2023-07-31" and months[-1] == "2024-11-30" and len(months) == 17
    assert report["months"]["2023-08-31"]["observed"] == pytest.approx(108638.5 - 108911.5)
    posterior = pd.read_parquet(out / "posterior")
    assert "gain_2023-07" in posterior.columns and "gain_2024-11" in posterior.columns
    capsys.readouterr()
    assert main(["calibrate", "--out", str(tmp_path / "late"), "--start-date",
                 "2024-12-01"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--start-date='2024-12-01' is not allowed" in err


def test_calibrate_rejects_a_bad_prior(tmp_path, capsys):
    assert main(["calibrate", "--out", str(tmp_path / "x"), "--param",
                 "advance_speed_scale=0:9", "--executor", "serial"]) == 2
    assert "advance_speed_scale=9.0 is not allowed" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def calibrate(out, *extra: str) -> int:
    return main(["calibrate", "--out", str(out), "--draws", "600", "--executor", "serial",
                 "--seed", "2", "--param", "advance_speed_scale=0:2", *extra])


@pytest.mark.slow
def test_a_resumed_calibration_ends_where_an_uninterrupted_one_does(tmp_path, capsys):
    assert calibrate(tmp_path / "whole", "--rounds", "3") == 0
    assert calibrate(tmp_path / "parts", "--rounds", "1") == 0
    older = tmp_path / "parts" / calibration.LEGACY_POSTERIOR  # where earlier versions wrote it
    (tmp_path / "parts" / calibration.POSTERIOR).rename(older)
    assert calibrate(tmp_path / "parts", "--rounds", "3", "--resume") == 0
    assert not older.exists()  # else DIR/**/*.parquet would mix two posteriors
    assert [p.relative_to(tmp_path / "parts").as_posix()
            for p in (tmp_path / "parts").rglob("*.parquet")] == [calibration.POSTERIOR]
    assert "resuming after round 1 of 3" in capsys.readouterr().out
    whole = pd.read_parquet(tmp_path / "whole" / "posterior")
    parts = pd.read_parquet(tmp_path / "parts" / "posterior")
    pd.testing.assert_frame_equal(whole, parts, check_exact=True)
    assert set(parts["round"]) == {0, 1, 2}


@pytest.mark.slow
def test_resume_refuses_another_calibration_and_a_fresh_start_keeps_one(tmp_path, capsys):
    out = tmp_path / "c"
    assert calibrate(out, "--rounds", "1") == 0
    before = (out / "checkpoint.npz").read_bytes()
    capsys.readouterr()
    assert calibrate(out, "--rounds", "2", "--resume", "--accept", "0.1") == 2
    assert "holds a calibration with other accept" in capsys.readouterr().err
    assert calibrate(out, "--rounds", "2") == 2
    assert "--resume continues it" in capsys.readouterr().err
    assert calibrate(tmp_path / "empty", "--resume") == 2
    assert "no calibration checkpoint" in capsys.readouterr().err
    assert (out / "checkpoint.npz").read_bytes() == before
    report = json.loads((out / "calibration.json").read_text())
    assert report["model"] == provenance.model_fingerprint() and report["environment"]
    # rounds of another model are never continued: the checkpoint's model is not this one
    with np.load(out / "checkpoint.npz") as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["meta"]))
    meta["identity"]["model"] = "0123456789abcdef"
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(out / "checkpoint.npz", **arrays)
    assert calibrate(out, "--rounds", "2", "--resume") == 2
    assert "holds rounds of another model (fingerprint 0123456789abcdef" in capsys.readouterr().err


@pytest.mark.slow
def test_an_interrupted_calibration_says_which_rounds_it_kept_and_how_to_go_on(tmp_path):
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    out = tmp_path / "c"
    process = subprocess.Popen(
        [sys.executable, "-m", "experiments", "calibrate", "--out", str(out), "--draws", "600",
         "--rounds", "40", "--executor", "serial", "--seed", "2", "--param",
         "advance_speed_scale=0:2"], cwd=Path(__file__).parent.parent, stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (out / calibration.CHECKPOINT).exists():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130
    told = err.strip().splitlines()[-1]
    assert told.startswith("conflictsim: interrupted: rounds 1 to ") and "of 40 kept in" in told
    assert "--resume continues" in told
    with np.load(out / calibration.CHECKPOINT) as data:
        rounds_on_disk = json.loads(str(data["meta"]))["rounds"]
    assert told.startswith(f"conflictsim: interrupted: rounds 1 to {rounds_on_disk} of 40 ")


def test_the_calibration_figure_keeps_a_page_width_however_many_parameters_are_fitted():
    """Seven fitted parameters used to make one row 36 inches wide; the histograms now wrap
    under the monthly panel, each over its prior's range and named."""
    priors = calibration.parse_priors(list(calibration.DEFAULT_PARAMETERS))
    months = calibration.FIT_MONTHS
    rng = np.random.default_rng(0)
    population = calibration.Population(
        values=np.column_stack([rng.uniform(p.low, p.high, 50) for p in priors]),
        weights=np.full(50, 1 / 50), distances=np.zeros(50),
        gains=rng.normal(300.0, 50.0, (50, len(months))), threshold=1.0)
    figure = calibration.posterior_figure(priors, population, calibration.observed_targets(),
                                          "test")
    width, height = figure.get_size_inches()
    assert width <= 14.0 and height < 2 * width
    panels = figure.get_axes()
    assert len(panels) == 1 + len(priors)
    assert [axis.get_xlabel() for axis in panels[1:]] == [p.name for p in priors]
    assert [axis.get_xlim() for axis in panels[1:]] == [(p.low, p.high) for p in priors]
    monthly = panels[0]
    assert all(monthly.get_position().width > 2 * axis.get_position().width
               for axis in panels[1:])
