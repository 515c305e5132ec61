"""Starts from 2023-01-01 with 2023's inputs (issue 18); starts in 2024 exactly as before.

Cost: about 2 s (a few models of a few runs and days).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import sim
from sim import calendar, datasets, scenarios, start_inputs, uncertainty
from sim.params import PARAMS, InputError


def test_parse_start_accepts_2023_and_refuses_2022_in_one_line():
    assert calendar.parse_start("2023-01-01") == dt.date(2023, 1, 1)
    with pytest.raises(InputError) as err:
        calendar.parse_start("2022-12-01")
    message = str(err.value)
    assert len(message.splitlines()) == 1
    assert "start_date='2022-12-01'" in message and "2023-01-01 to 2024-12-01" in message


def test_a_2023_start_runs_from_deepstatemap_of_the_day_before():
    result = sim.simulate(runs=3, days=20, seed=2, start_date="2023-03-01")
    daily = pd.read_csv(sim.__path__[0] + "/data/territory_daily_deepstate_2022_2024.csv")
    # the last DeepStateMap figure on or before the eve (2023-02-28 has none: 02-27's)
    eve = daily.loc[daily["date"] <= "2023-02-28", "km2_russian_controlled"].iloc[-1]
    assert eve == 109143.1
    occupied = result.trajectories["occupied_km2"]
    assert np.all(occupied[:, 0] == eve)
    assert np.all(np.isfinite(occupied)) and occupied.shape == (3, 21)
    assert np.all(result.trajectories["kursk_held_km2"][:, 0] == 0.0)  # before the incursion


def test_2023_inputs_differ_from_2024_where_the_data_do():
    early = sim.ConflictModel(n_runs=2, days=400, start_date="2023-03-01", rng=1)
    later = sim.ConflictModel(n_runs=2, days=5, start_date="2024-03-01", rng=1)
    # US aid flowed in 2023 and stopped with the congressional gap (2024-01-01 to 04-23)
    assert np.all(early.state.us_aid_bn_usd_yr > 0) and np.all(later.state.us_aid_bn_usd_yr == 0)
    gap_day = calendar.day_of("2024-02-01", early.start_date)
    assert early.calendar.us_aid_flowing(0) and not early.calendar.us_aid_flowing(gap_day)
    assert early.calendar.us_aid_flowing(calendar.day_of("2024-04-24", early.start_date))
    # before the 10th-12th EU packages, with the price cap's wide discount, 2023's budget
    assert np.all(early.params.eu_sanctions_initial < later.params.eu_sanctions_initial)
    assert np.all(early.params.urals_discount_usd > later.params.urals_discount_usd)
    assert np.all(early.params.russia_spending_trn_rub < later.params.russia_spending_trn_rub)
    assert np.all(early.params.nwf_initial_bn_usd > later.params.nwf_initial_bn_usd)


def test_a_ratio_row_scales_each_runs_draw_and_the_caller_wins():
    model = sim.ConflictModel(n_runs=4, days=1, start_date="2023-06-01", rng=3,
                              nwf_initial_bn_usd=50.0)
    ratio, is_ratio = start_inputs.for_start(dt.date(2023, 6, 1))["russia_recruits_per_day"]
    assert is_ratio and ratio != 1.0
    np.testing.assert_allclose(model.params.russia_recruits_per_day,
                               model.drawn["russia_recruits_per_day"] * ratio)
    assert np.all(model.params.nwf_initial_bn_usd == 50.0)


def test_every_input_row_names_a_parameter_in_range_with_a_source():
    table = datasets.inputs_2023()
    assert table["source"].notna().all() and table["confidence"].notna().all()
    for row in table[table["parameter"].notna()].itertuples():
        spec = PARAMS[row.parameter]
        if not str(row.unit).startswith(start_inputs.RATIO_UNIT):
            assert spec.low <= row.value <= spec.high, row.parameter
        assert row.start_from <= row.start_to < "2024-01-01"


@pytest.mark.parametrize("start", ["2024-01-01", "2024-04-23", "2024-06-01", "2024-12-01"])
def test_starts_in_2024_keep_their_inputs(start):
    """A 2024 start takes no row of the 2023 table: its parameters are the preset's with the
    runs' draws, and US aid stops only for the 2024 gap, as before starts opened to 2023."""
    date = dt.date.fromisoformat(start)
    assert start_inputs.for_start(date) == {}
    model = sim.ConflictModel(n_runs=3, days=400, start_date=start, rng=5)
    expected = scenarios.make("status_quo", 3, **uncertainty.draw(model.keys))
    for name in PARAMS:
        np.testing.assert_array_equal(getattr(model.params, name), getattr(expected, name))
    flowing = [model.calendar.us_aid_flowing(day) for day in range(401)]
    assert flowing == [day >= model.calendar.us_aid_resumed_day for day in range(401)]
