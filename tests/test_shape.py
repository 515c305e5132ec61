"""`conflictsim shape`: the two-year report reads the runs it says it reads."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from conflictsim.cli import main
from experiments import shape


@pytest.mark.slow
def test_year_two_over_year_one_is_taken_over_runs_without_a_ceasefire():
    row = shape.preset_shape("parallel_processes", runs=40, seed=3)
    result = sim.simulate("parallel_processes", runs=40, days=730, seed=3)
    occupied = result.trajectories["occupied_km2"]
    never = result.outcomes["ceasefire_day"].isna().to_numpy()
    assert 0.0 < never.mean() < 1.0  # the filter matters in this preset
    assert row["share_without_ceasefire"] == pytest.approx(never.mean())
    one = occupied[never, 365] - occupied[never, 0]
    two = occupied[never, 730] - occupied[never, 365]
    assert row["year_one_gain_km2_q50"] == pytest.approx(np.median(one))
    assert row["year_two_over_year_one_q50"] == pytest.approx(np.median((two / one)[one > 0]))


def test_the_data_spans_are_read_from_deepstatemap():
    data = shape.data_shape()
    assert list(data["span"]) == ["Jun-Nov 2022", "Dec 2022-Nov 2023", "Dec 2023-Nov 2024"]
    # 2023 was a stalemate, 2024 Russia's best year since 2022 (DeepStateMap)
    assert abs(data.loc[1, "gain_km2"]) < 500 < 2500 < data.loc[2, "gain_km2"]


@pytest.mark.slow
def test_shape_command_writes_markdown_and_refuses_bad_input(tmp_path, capsys):
    out = tmp_path / "shape.md"
    assert main(["shape", "--scenario", "status_quo", "--runs", "10", "--out", str(out)]) == 0
    text = out.read_text()
    assert "| status_quo |" in text and "Dec 2023-Nov 2024" in text
    with pytest.raises(SystemExit) as bad:
        main(["shape", "--runs", "3"])
    assert bad.value.code == 2
    assert main(["shape", "--scenario", "nonsense", "--runs", "10"]) == 2
    assert "scenario" in capsys.readouterr().err
