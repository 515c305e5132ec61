"""`conflictsim validate` end to end on a small ensemble: the backtest table, its files, and
one-line refusals of bad input."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from experiments import validate
from experiments.__main__ import main


@pytest.mark.slow
def test_validate_end_to_end_on_a_small_ensemble(tmp_path, capsys):
    out = tmp_path / "v"
    code = main(["validate", "--out", str(out), "--runs", "40", "--seed", "2",
                 "--start", "2024-01-01", "--start", "2024-03-01"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "90% band" in printed and "naive 3-month" in printed
    table = pd.read_csv(out / "backtest.csv")
    assert list(table["start"].unique()) == ["2024-01-01", "2024-03-01"]
    assert list(table["horizon_months"]) == [1, 2, 3, 1, 2, 3]
    # January 2024 has no 2024 data before it: the shipped posterior, marked in sample;
    # March is refitted on January-February only
    assert list(table["in_sample"]) == [True] * 3 + [False] * 3
    area = validate.monthly_area()
    assert table.loc[2, "actual_km2"] == area[dt.date(2024, 3, 31)]
    assert np.all(table["q05_km2"] <= table["median_km2"])
    assert np.all(table["median_km2"] <= table["q95_km2"])
    # naive 3-month from 2024-03-01: Dec-Feb pace carried on
    pace3 = (area[dt.date(2024, 2, 29)] - area[dt.date(2023, 11, 30)]) / 3.0
    expected = abs(area[dt.date(2024, 2, 29)] + pace3 - area[dt.date(2024, 3, 31)])
    assert np.isclose(table.loc[3, "error_naive3_km2"], expected, rtol=0.0, atol=0.05)  # to 0.1
    summary = json.loads((out / "backtest.json").read_text())
    assert summary["all"]["cases"] == 6 and summary["out_of_sample"]["cases"] == 3
    assert 0.0 <= summary["all"]["coverage_90"] <= 1.0
    assert (out / "backtest.png").stat().st_size > 10_000


def test_validate_refuses_bad_starts_in_one_line(tmp_path, capsys):
    for bad in ("2024-10-01", "2024-04-15", "2022-12-01", "soon"):
        assert main(["validate", "--out", str(tmp_path / "x"), "--start", bad]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "--start" in err and bad in err
    assert not (tmp_path / "x").exists()


def test_the_screening_spec_covers_every_continuous_parameter():
    """docs/VALIDATION.md screens all parameters: the spec must list each continuous one."""
    from pathlib import Path

    import sim
    from experiments import spec as spec_module

    root = Path(__file__).parent.parent
    spec = spec_module.load(root / "experiments" / "specs" / "screening_all.toml")
    continuous = {s.name for s in sim.PARAMS.values()
                  if s.kind in ("float", "int") and s.high > s.low}
    assert set(spec.factor_names) == continuous


@pytest.mark.slow
def test_the_backtests_meet_the_issue_11_targets():
    """The documented run (`conflictsim validate --runs 400`, seed 0, every default start,
    refitted where feasible): the 90 % band covers at least 80 % of the 27 cases and the
    median's mean error beats both naive forecasts (measured in session 13: 85 %, 206 km2
    against 216 and 444; the refitted cases alone 81 %, 255.6 against 256.4). The model once
    covered 59 % and lost to the three-month pace."""
    backtest = validate.run(runs=400, seed=0)
    summary = backtest.summary["all"]
    assert summary["cases"] == 27
    assert summary["coverage_90"] >= 0.8
    assert summary["mean_error_model_km2"] < summary["mean_error_naive3_km2"]
    assert summary["mean_error_model_km2"] < summary["mean_error_naive12_km2"]


@pytest.mark.slow
def test_longer_horizons_are_scored_on_their_own_from_the_quarter_starts(tmp_path, capsys):
    assert validate.quarter_starts((6,)) == ("2023-01-01", "2023-04-01", "2023-07-01",
                                             "2023-10-01", "2024-01-01", "2024-04-01")
    assert validate.quarter_starts((12,)) == ("2023-01-01", "2023-04-01", "2023-07-01",
                                              "2023-10-01")
    assert validate.quarter_starts((23,)) == ("2023-01-01",)
    assert validate.quarter_starts((24,)) == ()  # data end 2024-11-30
    assert validate.check_horizons("12,6") == (6, 12)
    out = tmp_path / "h"
    assert main(["validate", "--out", str(out), "--runs", "20", "--horizons", "12,200"]) == 2
    refused = capsys.readouterr().err
    assert "--horizons='12,200' is not allowed" in refused and "past 23 have no case" in refused
    assert not out.exists(), "nothing run, nothing written"
    # 24 months, as issue 18 writes the command: no start from 2023-01-01 has them before the
    # data end, so it is named as having no case, and the others are scored
    assert main(["validate", "--out", str(out), "--runs", "20", "--fit", "posterior",
                 "--horizons", "24"]) == 0
    printed = capsys.readouterr().out
    assert "24 months ahead: no case" in printed and "--horizons 23" in printed
    assert not out.exists(), "no case, no table: no folder either"
    code = main(["validate", "--out", str(out), "--runs", "20", "--fit", "posterior",
                 "--horizons", "12"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "no change" in printed and " no chg" in printed
    table = pd.read_csv(out / "horizon_12m" / "backtest.csv")
    assert list(table["start"]) == ["2023-01-01", "2023-04-01", "2023-07-01", "2023-10-01"]
    assert list(table["horizon_months"]) == [12] * 4
    area = validate.monthly_area()
    assert table.loc[1, "actual_km2"] == area[dt.date(2024, 3, 31)]
    assert np.isclose(table.loc[1, "error_no_change_km2"],
                      abs(area[dt.date(2023, 3, 31)] - area[dt.date(2024, 3, 31)]))
    # the twelve-month pace before 2023-04-01 starts at DeepStateMap's first complete month
    pace12 = (area[dt.date(2023, 3, 31)] - area[dt.date(2022, 5, 31)]) / 10.0
    assert np.isclose(table.loc[1, "error_naive12_km2"],
                      abs(area[dt.date(2023, 3, 31)] + 12 * pace12 - area[dt.date(2024, 3, 31)]))
    for bad in ("0", "six", "121"):
        assert main(["validate", "--out", str(tmp_path / "x"), "--horizons", bad]) == 2
        assert capsys.readouterr().err.count("\n") == 1


def test_a_refit_sees_the_months_of_the_starts_year_before_it():
    """2023 starts are refitted from 2023-01-01 on 2023's gains; 2024 starts as before."""
    assert validate.fit_origin(dt.date(2023, 7, 1)) == dt.date(2023, 1, 1)
    assert validate.months_before(dt.date(2023, 7, 1)) == (
        "2023-01-31", "2023-02-28", "2023-03-31", "2023-04-30", "2023-05-31", "2023-06-30")
    assert validate.months_before(dt.date(2023, 2, 1)) == ("2023-01-31",)  # too few: posterior
    assert validate.fit_origin(dt.date(2024, 3, 1)) == dt.date(2024, 1, 1)
    assert validate.months_before(dt.date(2024, 3, 1)) == ("2024-01-31", "2024-02-29")


@pytest.mark.slow
def test_twelve_month_backtests_meet_the_issue_18_targets():
    """`conflictsim validate --horizons 12` (200 runs, seed 0; about 30 s): the 90 % band
    covers at least 80 % of the cases and the median's mean error beats all three naive
    forecasts (met since the start's pace is read on Russia's attacking days and late 2023's
    lower Ukrainian mobilisation is in force; docs/VALIDATION.md, section 5)."""
    backtest = validate.run(validate.quarter_starts((12,)), runs=200, seed=0, horizons=(12,))
    summary = backtest.summary["all"]
    assert summary["cases"] == 4
    assert summary["coverage_90"] >= 0.8
    for naive in ("naive3", "naive12", "no_change"):
        assert summary["mean_error_model_km2"] < summary[f"mean_error_{naive}_km2"]


def _tallies() -> dict[dt.date, float]:
    from sim import datasets

    facts = datasets.force_facts()
    rows = facts[facts["quantity"].str.startswith(validate.GENERAL_STAFF_TALLY)]
    return {dt.date.fromisoformat(d): float(v) for d, v in zip(rows["as_of"], rows["value"])}


def test_a_refit_fits_the_casualty_tallies_published_before_its_start_and_no_later_ones():
    """A 2023 refit also fits Russia's casualties a day between the General Staff's first tally
    of the year and its last before the start; a 2024 refit has none before its start."""
    tallies = _tallies()
    start = dt.date(2023, 7, 1)
    target = validate.casualties_known_before(start)
    first, last = min(tallies), max(d for d in tallies if d <= start)
    assert first == validate.fit_origin(start) and last < start
    assert list(target.index) == [f"russia_casualties_per_day_{first}..{last - dt.timedelta(1)}"]
    assert target.iloc[0] == (tallies[last] - tallies[first]) / (last - first).days
    assert any(d > start for d in tallies)  # a later tally exists, and is not used
    assert validate.casualties_known_before(dt.date(2024, 6, 1)).empty


def test_a_per_day_casualty_target_is_the_runs_mean_over_its_window():
    import sim
    from experiments import calibration

    window = ("2023-02-01", "2023-03-15")
    name = calibration.per_day_target(*window)
    assert calibration.casualty_window(name) == window
    task = calibration.GainTask(("ukraine_recruits_per_day",), np.array([[400.0], [600.0]]),
                                np.arange(2), 3, "2023-01-01", ("2023-01-31", "2023-03-31"),
                                (name,))
    columns = calibration.simulate_gains(task)
    runs = sim.simulate(runs=2, days=89, seed=3, start_date="2023-01-01", run_indices=np.arange(2),
                        overrides={"ukraine_recruits_per_day": np.array([400.0, 600.0])})
    casualties = runs.trajectories["russia_casualties"]  # [k]: to the end of the run's k-th day
    start, (first, last) = dt.date(2023, 1, 1), map(dt.date.fromisoformat, window)
    end_of = {d: (d - start).days + 1 for d in (first, last)}
    expected = ((casualties[:, end_of[last]] - casualties[:, end_of[first] - 1])
                / ((last - first).days + 1))
    np.testing.assert_allclose(columns[:, 2], expected, rtol=1e-12)


def test_validate_refuses_an_out_it_cannot_create_before_any_work(tmp_path, capsys):
    """A file where --out needs a folder is refused in one line (exit 2) before the backtests
    run, so their work cannot be lost at the end; --runs states its range."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["validate", "--out", str(blocker / "sub"), "--start", "2024-03-01",
                 "--runs", "20"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--out" in err and "a directory" in err
    with pytest.raises(SystemExit) as exit_:
        main(["validate", "--out", str(tmp_path / "v"), "--runs", "5"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "--runs=5 is not allowed" in err and "[10, 100000]" in err


@pytest.mark.slow
def test_the_backtest_figure_shows_the_data_month_by_month_and_says_how_it_was_made():
    """The plot reads as evidence: the data's path month by month (not a line between two
    dots), no change drawn, an axis that follows the fan and the data (a naive pace far off
    does not flatten them), and a title with runs, seed and how the front was fitted."""
    backtest = validate.run(("2024-03-01",), runs=10, seed=1, horizons=(1, 2, 3))
    figure = validate.figure(backtest)
    axis = figure.get_axes()[0]
    lines = {line.get_label(): line for line in axis.get_lines()}
    data = lines["DeepStateMap"].get_ydata()
    area = validate.monthly_area()
    assert list(data[1:]) == [area[dt.date(2024, m, d)] for m, d in ((3, 31), (4, 30), (5, 31))]
    assert "no change" in lines
    low, high = axis.get_ylim()
    fan = backtest.fans["2024-03-01"]
    assert low <= min(fan[0].min(), data.min()) and high >= max(fan[4].max(), data.max())
    assert high - low < 1.3 * (max(fan[4].max(), data.max()) - min(fan[0].min(), data.min()))
    title = figure.get_suptitle()
    assert "10 runs" in title and "seed 1" in title and "refitted" in title
    # the verdict is on the figure: coverage and the errors against no change, overall and per
    # panel at its longest horizon, on a dated axis
    every_case = backtest.summary["all"]
    assert f"{every_case['coverage_90']:.0%}" in title
    assert f"{every_case['mean_error_no_change_km2']:,.0f}" in title
    row = backtest.table.iloc[-1]
    assert axis.get_title().endswith(f"3 mo: median off by {row['error_model_km2']:,.0f} km², "
                                     f"no change by {row['error_no_change_km2']:,.0f}")
    assert axis.get_xticklabels()[0].get_text() == "Mar 2024"


@pytest.mark.slow
def test_seeds_score_every_table_at_each_seed_and_say_how_the_scores_move(tmp_path, capsys):
    """One seed's pass is not a result: `--seeds` runs each table at every seed, as `--seed`
    would alone, and says at how many the model beats every naive forecast."""
    out = tmp_path / "seeds"
    args = ["validate", "--runs", "20", "--fit", "posterior", "--horizons", "12"]
    assert main([*args, "--out", str(out), "--seeds", "0,2"]) == 0
    printed = capsys.readouterr().out
    rows = pd.read_csv(out / "seeds.csv")
    assert list(rows["seed"]) == [0, 2] and set(rows["horizon"]) == {"12 months"}
    for seed in (0, 2):
        alone = tmp_path / f"alone_{seed}"
        assert main([*args, "--out", str(alone), "--seed", str(seed)]) == 0
        capsys.readouterr()
        table = pd.read_csv(alone / "horizon_12m" / "backtest.csv")
        row = rows[rows["seed"] == seed].iloc[0]
        assert row["mean_error_model_km2"] == pytest.approx(table["error_model_km2"].mean(),
                                                            abs=0.1)  # CSVs keep 1 decimal
        assert (out / f"seed_{seed}" / "horizon_12m" / "backtest.csv").read_text() == \
            (alone / "horizon_12m" / "backtest.csv").read_text()
    wins = int((rows["mean_error_model_km2"] < rows["mean_error_no_change_km2"]).sum())
    assert f"beats every naive forecast at {wins} of 2 seeds" in printed
    with pytest.raises(SystemExit) as refused:  # refused by its flag, before any work
        main([*args, "--out", str(out), "--seeds", "0-40"])
    assert refused.value.code == 2
    assert "--seeds='0-40' is not allowed" in capsys.readouterr().err
