"""Starts from 2023-01-01 with 2023's inputs (issue 18); starts in 2024 exactly as before.

Cost: about 10 s (a few models of a few runs, up to 300 days).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import sim
from sim import calendar, datasets, scenarios, start_inputs, uncertainty
from sim.params import PARAMS, InputError


def _inputs_value(parameter: str) -> float:
    table = datasets.inputs_2023()
    (value,) = table.loc[table["parameter"] == parameter, "value"]
    return float(value)


RECRUITS_2023_RATIO = _inputs_value("russia_recruits_per_day")
MOBILISATION_LATE_2023 = _inputs_value("ukraine_mobilisation_law")


def _fact(quantity: str, as_of: str) -> float:
    facts = datasets.force_facts()
    (value,) = facts.loc[facts["quantity"].str.startswith(quantity) & (facts["as_of"] == as_of),
                         "value"]
    return float(value)


def test_the_2023_recruits_ratio_is_what_the_troop_counts_and_casualties_give():
    """What reached Russia's front in a year is its force's growth plus what it lost for good:
    from the sourced troop estimates and casualty tallies, 2023's inflow over 2024's is the
    table's ratio (0.75), not the 1.1 of the contracts claimed, and 2024's comes out at the
    default 1,100 a day."""
    troops = "Russian ground troops in Ukraine"
    dates = [dt.date.fromisoformat(d) for d in ("2023-01-31", "2024-02-21", "2024-12-31")]
    counts = [_fact(troops, d.isoformat()) for d in dates]
    lost_for_good = 1.0 - PARAMS["wounded_return_share"].default
    inflow = []
    for (begin, end), (first, last), year in zip(zip(dates, dates[1:]), zip(counts, counts[1:]),
                                                 (2023, 2024)):
        casualties = _fact("Russian casualties in " + str(year), str(year))
        days_in_year = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        inflow.append((last - first) / (end - begin).days
                      + lost_for_good * casualties / days_in_year)
    assert inflow[1] == pytest.approx(PARAMS["russia_recruits_per_day"].default, rel=0.01)
    assert round(inflow[0] / inflow[1], 2) == RECRUITS_2023_RATIO


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


def _params_by_day(model, days):
    """The model's parameters as the leaders and the core saw them on each of `days`."""
    seen = {}
    while model.running and model.day < max(days):
        model.step()
        if model.day in days:
            seen[model.day] = model.params
    return seen


def test_inputs_in_force_change_on_their_dates_and_return_to_2024_on_new_year():
    """History sets the Urals discount, the rouble, US sanctions, the budget and the contracts
    rate while a 2023 run goes on; what applies at the start (support, the fund, EU sanctions)
    is the day-0 state only, and what the caller sets stays."""
    start = dt.date(2023, 4, 1)
    model = sim.ConflictModel(n_runs=3, days=300, start_date=start.isoformat(), rng=4,
                              rub_per_usd=70.0)
    day = {name: calendar.day_of(date, start) for name, date in
           [("august", "2023-08-01"), ("july", "2023-07-31"), ("new_year", "2024-01-01"),
            ("december", "2023-12-31")]}
    seen = _params_by_day(model, set(day.values()))
    assert seen[day["july"]].urals_discount_usd == 25.0
    assert seen[day["august"]].urals_discount_usd == 15.0  # the Aug-Oct row
    assert seen[day["december"]].russia_spending_trn_rub == 32.4
    new_year = seen[day["new_year"]]
    assert new_year.russia_spending_trn_rub == PARAMS["russia_spending_trn_rub"].default
    assert new_year.urals_discount_usd == PARAMS["urals_discount_usd"].default
    np.testing.assert_array_equal(seen[day["december"]].russia_recruits_per_day,
                                  model.drawn["russia_recruits_per_day"] * RECRUITS_2023_RATIO)
    np.testing.assert_array_equal(new_year.russia_recruits_per_day,
                                  model.drawn["russia_recruits_per_day"])
    for name in ("ukraine_support_initial", "nwf_initial_bn_usd", "eu_sanctions_initial"):
        assert getattr(new_year, name) == start_inputs.for_start(start)[name][0], name
    assert all(p.rub_per_usd == 70.0 for p in seen.values())


def test_the_dated_inputs_reach_the_run_and_a_projection_replays_them():
    """Russia's revenue follows the Urals discount from its date on, so its fund (which covers
    2023's whole deficit) falls more slowly: held at the start's value by the caller, the days
    up to the change agree and the days after do not. A projection from before a change gives
    the days stepping gives."""
    start = "2023-06-01"
    change = calendar.day_of("2023-08-01", dt.date.fromisoformat(start))
    record = ("nwf_bn_usd",)
    dated = sim.simulate(runs=4, days=change + 30, seed=3, start_date=start, record=record)
    held = sim.simulate(runs=4, days=change + 30, seed=3, start_date=start, record=record,
                        overrides={"urals_discount_usd": 25.0})
    fund = dated.trajectories["nwf_bn_usd"]
    fund_held = held.trajectories["nwf_bn_usd"]
    np.testing.assert_array_equal(fund[:, :change], fund_held[:, :change])
    # a narrower discount, a smaller deficit (none at all in runs whose draws balance the budget)
    assert np.all(fund[:, -1] >= fund_held[:, -1]) and np.any(fund[:, -1] > fund_held[:, -1])
    model = sim.ConflictModel(n_runs=4, days=change + 30, rng=3, start_date=start, record=record)
    for _ in range(change - 5):
        model.step()
    np.testing.assert_array_equal(model.projection().trajectories["nwf_bn_usd"], fund)


def test_a_slider_holds_an_input_history_would_change_later():
    model = sim.ConflictModel(n_runs=2, days=200, start_date="2023-06-01", rng=1)
    model.step()
    model.intervene(urals_discount_usd=40.0)
    model.run()
    assert model.params.urals_discount_usd == 40.0
    assert all("urals_discount_usd" not in inputs for inputs in model.history.values())
    assert any("rub_per_usd" in inputs for inputs in model.history.values())


def test_the_us_aid_gap_is_a_counterfactual_lever():
    """2024 without the gap: US aid flows at its baseline through January-April 2024 (from the
    first day of a run started in the gap); with the default, none arrives, as happened."""
    days = calendar.day_of("2024-04-23", dt.date(2024, 1, 1))
    history = sim.simulate(runs=2, days=days, seed=1, start_date="2024-01-01")
    without = sim.simulate(runs=2, days=days, seed=1, start_date="2024-01-01",
                           overrides={"us_aid_gap_share": 0.0})
    baseline = PARAMS["us_aid_baseline_bn_usd"].default
    assert np.all(history.trajectories["us_aid_bn_usd_yr"] == 0.0)
    # from day 0, as the rule has it from day 1 (a student saw day 0 at 0, then 19)
    assert np.all(without.trajectories["us_aid_bn_usd_yr"] == baseline)
    for run in (history, without):  # Europe's share of what is missing, from day 0 too
        eu_aid = run.trajectories["eu_aid_bn_usd_yr"]
        assert np.array_equal(eu_aid[:, 0], eu_aid[:, 1])
    assert np.all(history.trajectories["eu_aid_bn_usd_yr"]
                  > without.trajectories["eu_aid_bn_usd_yr"])
    assert np.all(without.trajectories["occupied_km2"][:, -1]
                  < history.trajectories["occupied_km2"][:, -1])


def test_a_slider_after_new_year_keeps_the_starts_day_0_references():
    """The day-0 references (`derived`: Russia's pressure and sanctions on the start date) are
    the start's: a slider moved after history changed the budget re-derives the constants it
    moves from the start's parameters with the change, not from history's later inputs."""
    start = dt.date(2023, 10, 1)
    model = sim.ConflictModel(n_runs=3, days=150, start_date=start.isoformat(), rng=2)
    day0 = model.derived
    while model.day < calendar.day_of("2024-01-15", start):
        model.step()
    assert model.params.russia_spending_trn_rub != 32.4  # history: 2024's budget now
    model.intervene(fortification_bonus=0.5)
    np.testing.assert_array_equal(model.derived.russia_pressure_day0, day0.russia_pressure_day0)
    np.testing.assert_array_equal(model.derived.sanctions_day0, day0.sanctions_day0)
    assert model.params.russia_spending_trn_rub != 32.4 and model.params.fortification_bonus == 0.5


def test_a_start_before_the_kursk_incursion_moves_nothing_inside_russia_until_ukraine_crosses():
    # with no Russian effort where Ukraine holds nothing, the Kursk sector's drive read as a
    # Ukrainian counter-advance into Russia: about 10 km in a year from 2023-06-01, drawn on the
    # page's sector chart while Ukraine held no ground there. Now only an incursion crosses.
    model = sim.ConflictModel(n_runs=20, days=500, rng=1, start_date="2023-06-01",
                              record=("kursk_held_km2", "ukraine_offensive_sector"),
                              collect=False).run()
    crossed = (model.trajectories["ukraine_offensive_sector"] == sim.sectors.KURSK).any(axis=1)
    assert not crossed.all(), "some runs never cross"
    assert np.all(model.state.depth_km[~crossed, sim.sectors.KURSK] == 0.0)
    assert np.all(model.trajectories["kursk_held_km2"][~crossed] == 0.0)
    inside = model.state.depth_km[:, sim.sectors.INSIDE_UKRAINE]
    assert np.any(inside != 0.0), "the front inside Ukraine still moves"


def test_kursk_once_retaken_stays_retaken():
    # Putin stops attacking in the salient once Ukraine holds nothing there; the sector's drive
    # then read as a Ukrainian counter-advance into Russia, retaken the next day: held ground
    # rose from zero 35-140 times a run over two years from 2024-12-01 (seed 1)
    model = sim.ConflictModel(n_runs=40, days=730, rng=1, record=("kursk_held_km2",),
                              collect=False).run()
    held = model.trajectories["kursk_held_km2"]
    assert held.shape == (40, 731)
    retaken = (held == 0.0).any(axis=1)
    assert retaken.mean() > 0.5, "most runs retake the salient in two years"
    rises_from_zero = (held[:, :-1] == 0.0) & (held[:, 1:] > 0.0)
    assert not rises_from_zero.any()


def test_ukraine_mobilised_less_in_late_2023_than_in_2024_on_average():
    """History lowers the law's reach through December 2023 (the winter's intake a third to a
    half of the up to 30,000 a month after the law, NYT, against 2024's mean, which the
    calibrated recruits stand for) and returns to 2024's on 1 January."""
    start = dt.date(2023, 9, 1)
    model = sim.ConflictModel(n_runs=2, days=200, start_date=start.isoformat(), rng=3)
    day = {name: calendar.day_of(date, start) for name, date in
           [("november", "2023-11-30"), ("december_1", "2023-12-01"),
            ("december", "2023-12-31"), ("new_year", "2024-01-01")]}
    seen = _params_by_day(model, set(day.values()))
    default = PARAMS["ukraine_mobilisation_law"].default
    assert seen[day["november"]].ukraine_mobilisation_law == default
    assert seen[day["december_1"]].ukraine_mobilisation_law == MOBILISATION_LATE_2023 * default
    assert seen[day["december"]].ukraine_mobilisation_law == MOBILISATION_LATE_2023 * default
    assert seen[day["new_year"]].ukraine_mobilisation_law == default
    # 12,500 a month in the winter over 2024's mean of 23,400 (the row's derivation)
    assert MOBILISATION_LATE_2023 == pytest.approx(12_500 / ((4.5 * 12_500 + 7.5 * 30_000) / 12),
                                                   abs=0.005)


def test_the_winters_low_mobilisation_thins_ukraines_army_and_speeds_russia():
    """The mechanism switched off (the caller holds the law at 2024's through December): more
    Ukrainians reach the front over the winter, and Russia gains less."""
    common = dict(runs=40, days=240, seed=2, start_date="2023-12-01",
                  record=("ukraine_recruits_today", "ukraine_troops_k", "occupied_km2"))
    dip = sim.simulate(**common).trajectories
    held = sim.simulate(**common, overrides={"ukraine_mobilisation_law": 1.0}).trajectories
    winter = slice(0, 90)  # the month's call-ups reach the front over the training lag
    assert (dip["ukraine_recruits_today"][:, winter].mean()
            < 0.95 * held["ukraine_recruits_today"][:, winter].mean())
    assert np.median(dip["ukraine_troops_k"][:, -1]) < np.median(held["ukraine_troops_k"][:, -1])
    gained = lambda t: np.median(t["occupied_km2"][:, -1] - t["occupied_km2"][:, 0])
    assert gained(dip) > gained(held) + 100.0


def _pace_over(first: str, last: str) -> float:
    """Mean DeepStateMap change a day over the days first..last."""
    before = dt.date.fromisoformat(first) - dt.timedelta(days=1)
    days = (dt.date.fromisoformat(last) - before).days
    return (datasets.occupied_km2_on(dt.date.fromisoformat(last))
            - datasets.occupied_km2_on(before)) / days


def test_the_start_pace_skips_the_days_ukraine_attacked_inside_ukraine():
    """After Kherson the quarter's net change is Ukraine's gains less Russia's: 2023-01-01's
    day-0 pace is Russia's over the 91 days before it when Ukraine was not attacking (12 Nov -
    31 Dec 2022 and 19 Jul - 28 Aug 2022), not 0, and where days were skipped no trend is read
    (2023-10-01's quarters lie before the counter-offensive, four months before the start).
    Kursk's incursion moved no line inside Ukraine: 2024-12-01 reads its two quarters."""
    from sim.model import start_paces_of
    from sim.sectors import front_pace_km2_per_day, russia_attacking_days
    spans = russia_attacking_days(dt.date(2022, 12, 31), 91)
    assert spans == [(dt.date(2022, 11, 12), dt.date(2022, 12, 31)),
                     (dt.date(2022, 7, 19), dt.date(2022, 8, 28))]
    expected = (50 * _pace_over("2022-11-12", "2022-12-31")
                + 41 * _pace_over("2022-07-19", "2022-08-28")) / 91 / front_pace_km2_per_day()
    last, previous = start_paces_of(dt.date(2023, 1, 1))
    assert last == pytest.approx(expected, rel=1e-12) and last > 0.1
    assert previous == last
    last, previous = start_paces_of(dt.date(2023, 10, 1))
    assert last == pytest.approx(_pace_over("2023-03-05", "2023-06-03") / front_pace_km2_per_day())
    assert previous == last
    last, previous = start_paces_of(dt.date(2024, 12, 1))
    assert last == pytest.approx(_pace_over("2024-09-01", "2024-11-30") / front_pace_km2_per_day())
    assert previous == pytest.approx(_pace_over("2024-06-02", "2024-08-31")
                                     / front_pace_km2_per_day())


def test_every_start_reads_its_pace_inside_the_data():
    """From the first allowed start to the default one, the spans the pace is read over lie
    inside DeepStateMap's daily series (it begins in April 2022), and the paces are finite
    and not negative."""
    from sim.model import start_paces_of
    from sim.sectors import russia_attacking_days
    first_data = datasets.territory_daily()["date"].min()
    start = calendar.EARLIEST_START
    while start <= calendar.START_DATE:
        spans = russia_attacking_days(start - dt.timedelta(days=1), 182)
        assert sum((end - first).days + 1 for first, end in spans) == 182, start
        assert min(first for first, _ in spans) - dt.timedelta(days=1) >= first_data, start
        assert all(np.isfinite(p) and p >= 0.0 for p in start_paces_of(start)), start
        start = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
