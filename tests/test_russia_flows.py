"""Russia's economic pressure comes from flows (issue 19): oil and gas revenue at the day's price
and discount, the deficit, and the part of it borrowed at home; the National Wealth Fund's stock
matters only as what spares that borrowing until it runs out."""

from __future__ import annotations

import numpy as np

from sim.core import economy


def pressure(result, field="russia_economic_pressure", days=slice(30, 121)):
    return result.trajectories[field][:, days].mean(axis=1)


def test_pressure_follows_the_oil_price_through_the_deficit_and_its_financing(ensembles):
    """A lower oil price cuts revenue within weeks: the deficit, the borrowing at home and the
    pressure all rise in every run (common random numbers, 60 runs, 120 days, one batch)."""
    cheap, dear = ensembles(("new_administration", {"world_oil_price_usd": 45.0}),
                            ("new_administration", {"world_oil_price_usd": 110.0}),
                            runs=60, days=120, seed=3)
    for field in ("russia_pressure_deficit", "russia_pressure_financing",
                  "russia_economic_pressure"):
        assert (pressure(cheap, field) > pressure(dear, field)).all(), field
    assert np.median(pressure(cheap) - pressure(dear)) > 0.15


def test_the_funds_stock_does_not_drive_the_pressure_while_it_lasts(ensembles):
    """At 2024's draw (8 % of the deficit) a fund of 20 or of 140 bn USD lasts past two years,
    so the pressure is the same, day by day, in every run (30 runs, one batch)."""
    small, large = ensembles(("new_administration", {"nwf_initial_bn_usd": 20.0}),
                             ("new_administration", {"nwf_initial_bn_usd": 140.0}),
                             runs=30, days=730, seed=4)
    assert (small.outcomes["russia_nwf_bn_usd_final"] > 0.0).all()
    np.testing.assert_array_equal(small.trajectories["russia_economic_pressure"],
                                  large.trajectories["russia_economic_pressure"])


def fund_running_out_raises_pressure(ensembles, **mechanism):
    """With a large deficit that the fund carries half of, a small fund runs out and the whole
    deficit is borrowed at home: more pressure in the second year than with a large fund (in
    most runs: the pressure changes the talks, and a ceasefire the spending; 40 runs, one
    batch)."""
    world = {"world_oil_price_usd": 45.0, "nwf_deficit_share": 0.5, **mechanism}
    small, large = ensembles(("new_administration", {"nwf_initial_bn_usd": 10.0}),
                             ("new_administration", {"nwf_initial_bn_usd": 140.0}),
                             runs=40, days=730, seed=5, **world)
    second_year = slice(366, 731)
    gap = pressure(small, days=second_year) - pressure(large, days=second_year)
    return bool(np.median(gap) > 0.02 and (gap > 0.0).mean() > 0.8)


def test_an_exhausted_fund_leaves_the_whole_deficit_to_be_borrowed_at_home(ensembles):
    assert fund_running_out_raises_pressure(ensembles)


def test_the_fund_matters_not_when_it_carries_none_of_the_deficit(ensembles):
    assert not fund_running_out_raises_pressure(ensembles, nwf_deficit_share=0.0)


def test_reserve_draw_is_capped_by_what_is_left():
    deficit = np.array([10.0, 10.0])  # trn RUB/year
    nwf, home = economy.step_reserves(np.array([100.0, 0.01]), deficit, 0.5, 100.0)
    daily_draw = 0.5 * 10.0 * 1000.0 / 365.0 / 100.0  # bn USD
    np.testing.assert_allclose(nwf, [100.0 - daily_draw, 0.0])
    np.testing.assert_allclose(home[0], 5.0)
    # the fund's last 0.01 bn USD covers today's deficit at an annual rate of 0.365 trn RUB
    np.testing.assert_allclose(home[1], 10.0 - 0.01 * 100.0 * 365.0 / 1000.0)
