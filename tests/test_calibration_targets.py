"""The patterns docs/VALIDATION.md reports, each with its tolerance (pattern-oriented modelling).

The model starts on 2024-01-01 from the data (uncertainty on: the shipped posterior and the
stated priors) and is compared with 2024's figures; and the status_quo ensemble from 2024-12-01
must carry what the model does not know. Patterns the model does not reproduce are strict
xfails: they say what is wrong, and turn into failures (to be moved up) once it is fixed.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pytest

import sim

START = dt.date(2024, 1, 1)
OBSERVED_GAIN_JAN_NOV = 2921.0  # facts: 'Net Russian gain Jan-Nov 2024 (DeepStateMap)'
MEAN_PACE_2024 = OBSERVED_GAIN_JAN_NOV / 11.0  # km2/month
AUTUMN_PACE_2024 = (397.2 + 502.8 + 725.9) / 3.0  # Sep-Nov 2024, km2/month (monthly table)
RUSSIA_PER_DAY_SEP_NOV = (1271 * 30 + 1354 * 31 + 1523 * 30) / 91  # facts, UK MoD
RUSSIA_PER_KM2 = 102.0  # facts: 'Russian casualties per km2 gained' 2024 (ISW)
BUDGET_REVENUE_2024 = 36.71  # facts: 'Russia federal budget 2024 revenue / spending', trn RUB


def day(date: str) -> int:
    return (dt.date.fromisoformat(date) - START).days + 1


@lru_cache(maxsize=1)
def year_2024():
    model = sim.ConflictModel(n_runs=300, days=day("2024-11-30"), rng=7,
                              start_date=START.isoformat())
    revenue = []
    while model.running:
        model.step()
        revenue.append(model.state.russia_revenue_trn_rub)
    return model.trajectories, np.mean(revenue, axis=0)


def test_2024_gain_lies_inside_the_model_band_and_its_median_within_a_factor_two():
    occupied = year_2024()[0]["occupied_km2"]
    gain = occupied[:, day("2024-11-30")] - occupied[:, 0]
    low, median, high = np.quantile(gain, [0.05, 0.5, 0.95])
    assert low <= OBSERVED_GAIN_JAN_NOV <= high
    assert 0.5 <= median / OBSERVED_GAIN_JAN_NOV <= 2.0


@pytest.mark.xfail(strict=True, reason="issue 19's pressure from flows: a run started on 2024-01-01 "
                   "begins without the refinery damage and sanctions that had built up by then, so "
                   "Russia's pressure climbs through 2024 and its sign-up pay with it; autumn is "
                   "2.6x the first quarter (data 8.2x). Needs start-date refinery damage and "
                   "sanctions, then a refit (docs/VALIDATION.md section 8)")
def test_2024_autumn_is_at_least_three_times_the_first_quarter():
    """Data: Sep-Nov 2024 gained 8.2x Jan-Mar; tolerance: at least 3x at the medians (the US aid
    gap until April and its slow refilling, and Ukraine's attrition, make the rise)."""
    occupied = year_2024()[0]["occupied_km2"]
    first = occupied[:, day("2024-03-31")] - occupied[:, 0]
    autumn = occupied[:, day("2024-11-30")] - occupied[:, day("2024-08-31")]
    assert np.median(autumn) >= 3.0 * np.median(first)


@pytest.mark.slow
def test_winter_is_slower_than_the_following_summer(ensemble):
    """Data: Dec 2023-Feb 2024 went at 0.35 of Jun-Aug 2024's pace; tolerance: below 0.95."""
    occupied = ensemble("status_quo").trajectories["occupied_km2"]
    winter = np.median(occupied[:, 90] - occupied[:, 0])
    summer = np.median(occupied[:, 273] - occupied[:, 182])
    assert 0.2 <= winter / summer <= 0.95


def test_russian_casualties_follow_the_fighting_within_a_factor_two():
    trajectories = year_2024()[0]
    casualties = trajectories["russia_casualties"]
    occupied = trajectories["occupied_km2"]
    end = day("2024-11-30")
    per_km2 = np.median(casualties[:, end] / (occupied[:, end] - occupied[:, 0]))
    assert 0.5 <= per_km2 / RUSSIA_PER_KM2 <= 2.0
    per_day = np.median((casualties[:, end] - casualties[:, day("2024-08-31")]) / 91.0)
    assert 0.5 <= per_day / RUSSIA_PER_DAY_SEP_NOV <= 2.0


def test_russian_to_ukrainian_casualty_ratio_is_between_one_and_four():
    """Facts: about 600,000 Russian (Western intelligence) and 307,500 Ukrainian (US officials)
    casualties by late 2024, a ratio of about 2."""
    trajectories = year_2024()[0]
    ratio = trajectories["russia_casualties"][:, -1] / trajectories["ukraine_casualties"][:, -1]
    assert 1.0 <= np.median(ratio) <= 4.0


def test_russian_budget_revenue_2024_within_five_percent():
    revenue = year_2024()[1]
    assert abs(np.median(revenue) / BUDGET_REVENUE_2024 - 1.0) <= 0.05


def test_national_wealth_fund_2024_draw_is_under_eight_bn_usd():
    """Facts: 56.6 -> 53.8 bn USD over 2024, a 2.8 bn draw; tolerance: under 8 bn."""
    nwf = year_2024()[0]["nwf_bn_usd"]
    assert np.median(nwf[:, 0] - nwf[:, -1]) <= 8.0


@pytest.mark.xfail(strict=True, reason="spring-2024 strikes destroyed 9.2 GW; the model's grid "
                   "does not fall over March-May 2024")
def test_grid_loses_capacity_in_the_spring_2024_strikes():
    grid = year_2024()[0]["grid_gw"]
    assert np.median(grid[:, day("2024-02-29")] - grid[:, day("2024-05-31")]) >= 3.0


@pytest.mark.xfail(strict=True, reason="November 2024 brought nationwide rolling outages; the "
                   "model has none that month")
def test_outages_in_november_2024():
    outage = year_2024()[0]["outage_share"]
    assert np.median(outage[:, day("2024-11-01"):day("2024-11-30")].mean(axis=1)) > 0.02


def test_status_quo_year_one_band_holds_both_2024_mean_and_autumn_pace(ensemble):
    occupied = ensemble("status_quo").trajectories["occupied_km2"]
    gain = occupied[:, 365] - occupied[:, 0]
    low, high = np.quantile(gain, [0.05, 0.95])
    assert low <= 12 * MEAN_PACE_2024 and 12 * AUTUMN_PACE_2024 <= high


@pytest.mark.slow
def test_the_spread_of_russian_casualties_after_two_years_comes_from_what_is_uncertain():
    """The 90 % band of two years' Russian casualties is wide because the parameters behind them
    are uncertain (their priors), not because of day-to-day noise: with each run's parameters at
    their defaults the band shrinks to a fraction (measured: 0.74 of the median against 0.12)."""
    def relative_band(uncertainty: str) -> float:
        result = sim.simulate("status_quo", runs=100, days=730, seed=5, uncertainty=uncertainty)
        low, median, high = np.quantile(result.trajectories["russia_casualties"][:, 730],
                                        [0.05, 0.5, 0.95])
        return (high - low) / median

    drawn, defaults = relative_band("on"), relative_band("off")
    assert drawn > 0.3, "two years of casualties are uncertain by more than a third"
    assert defaults < 0.5 * drawn


def test_status_quo_first_60_days_pace_lies_between_2024s_mean_and_its_autumn_peak(ensemble):
    """Winter slows a culminating offensive: the first two months lie between 2024's mean
    monthly pace (266 km2) and its November peak (726 km2), not at the peak (issue 11)."""
    result = ensemble("status_quo")
    occupied = result.trajectories["occupied_km2"]
    monthly = np.median(occupied[:, 60] - occupied[:, 0]) / 2.0
    assert 266.0 <= monthly <= 730.0
    # the spread is real but not wild
    per_run = (occupied[:, 60] - occupied[:, 0]) / 2.0
    assert 20.0 < np.std(per_run) < monthly
