"""`conflictsim results DIR --plots` on every sampler: it never crashes, draws a cell no run fell
in as empty, lets the reader choose the heat map's axes and outcome, and no two texts of a figure
(titles, labels, tick labels, cell labels, legends) are printed over each other."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments import evaluators, plots, spec as spec_module, sweep
from conflictsim.cli import main

SAMPLERS = {
    "grid": "",
    "random": "samples = 24",
    "latin": "samples = 24",
    "sobol": "samples = 4\nsecond_order = false",
    "morris": "samples = 3",
}


def small_sweep(tmp_path, method: str):
    steps = ", steps = 3" if method == "grid" else ""
    text = f"""
name = "plots_{method}"
scenarios = ["status_quo", "freeze"]
days = 20
replicates = 2
[sampler]
method = "{method}"
{SAMPLERS[method]}
[parameters]
trump_aid_level = {{ range = [0.0, 1.2]{steps} }}
eu_compensation_share = {{ range = [0.0, 1.0]{steps} }}
trump_sanctions_level = {{ range = [0.2, 1.0]{steps} }}
[output]
outcomes = ["occupied_km2_final", "ceasefire_day", "talks_phase_final", "outcome"]
bands = "weekly"
fields = ["occupied_km2"]
"""
    spec = spec_module.parse(text, f"{method}.toml")
    out = tmp_path / method
    sweep.run(spec, out, evaluators.SerialEvaluator(), progress=False)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("method", list(SAMPLERS))
def test_results_plots_succeed_for_every_sampler_and_no_texts_overlap(tmp_path, method, capsys):
    out = small_sweep(tmp_path, method)
    folder = tmp_path / "plots"
    assert main(["results", str(out), "--plots", str(folder)]) == 0
    written = sorted(p.name for p in folder.glob("*.png"))
    assert "outcome_shares.png" in written and "fan_occupied_km2.png" in written
    assert {"heatmap_occupied_km2_final_status_quo.png",
            "heatmap_occupied_km2_final_freeze.png"} <= set(written)
    assert main(["results", str(out), "--plots", str(folder), "--x", "trump_sanctions_level",
                 "--y", "trump_aid_level", "--outcome", "ceasefire_day"]) == 0
    assert (folder / "heatmap_ceasefire_day_freeze.png").is_file()
    for options in ({}, {"x": "trump_sanctions_level", "y": "eu_compensation_share",
                         "outcome": "reached:ceasefire_day"}):
        for name, figure in plots.standard_figures(out, **options):
            assert plots.overlapping_texts(figure) == [], name


def test_a_heat_map_cell_no_run_fell_in_is_drawn_empty_and_unlabelled():
    rng = np.random.default_rng(1)
    a = rng.uniform(0, 1, 400)
    b = rng.uniform(0, 1, 400)
    keep = ~((a > 0.4) & (a < 0.6))  # no run in the middle columns
    frame = pd.DataFrame({"scenario": "s", "a": a[keep], "b": b[keep]})
    day = rng.uniform(10, 300, keep.sum())
    day[frame["b"] > 0.5] = np.nan
    frame["ceasefire_day"] = day
    figure = plots.heatmap(frame, "a", "b", "ceasefire_day", "s")
    share_axes, value_axes = figure.axes[:2]
    share = share_axes.images[0].get_array()
    assert share.shape == (10, 10)
    assert np.isnan(np.ma.filled(share, np.nan)[:, 4:6]).all()  # drawn empty, not as 0
    assert len(value_axes.texts) == np.isfinite(np.ma.filled(share, np.nan)).sum()
    assert plots.overlapping_texts(figure) == []


def test_overlapping_texts_sees_two_titles_printed_over_each_other():
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 3))
    left, right = figure.subplots(1, 2)
    left.set_title("a long title that runs well into the panel beside it " * 2)
    right.set_title("the other panel's title")
    assert plots.overlapping_texts(figure)


def test_a_misspelled_heat_map_axis_or_outcome_fails_in_one_line(tmp_path, capsys):
    out = small_sweep(tmp_path, "grid")
    for flag, value in (("--x", "trump_aid_levle"), ("--outcome", "ceasefire_dya")):
        assert main(["results", str(out), "--plots", str(tmp_path / "p"), flag, value]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and f"{flag}={value!r} is not allowed" in err
        assert not (tmp_path / "p").exists() or not list((tmp_path / "p").glob("*.png"))
