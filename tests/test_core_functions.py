"""The core's pure functions on their own, one run per array element (issue 17): the talks' phase
machine and the strikes on the grid and the refineries. Each case is a run in a state the
function must handle; a wrong branch or sign moves exactly that element."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core import strikes
from sim.core.talks import step_phase
from sim.state import CEASEFIRE, NO_TALKS, SETTLEMENT, TALKS


def phase_day(phase, **moves):
    """One day of the phase machine for runs in `phase` (day 100, phase started on day 10), with
    nothing happening unless `moves` say so."""
    n = len(phase)
    base = dict(open_talks=np.zeros(n, bool), offer_made=np.zeros(n, bool),
                accepted=np.zeros(n, bool), collapse_draw=np.ones(n), collapse_prob=np.full(n, 0.5),
                breaks=np.zeros(n, bool), settle_draw=np.ones(n), settle_prob=np.full(n, 0.5),
                settle_after=np.full(n, 60))
    base.update({k: np.asarray(v) for k, v in moves.items()})
    return step_phase(np.asarray(phase), 100, np.full(n, 10), **base)


def test_each_phase_moves_only_on_its_own_event():
    phases = np.array([NO_TALKS, TALKS, TALKS, TALKS, CEASEFIRE, CEASEFIRE, SETTLEMENT])
    new, start, happened = phase_day(
        phases,
        open_talks=[True, True, False, False, True, False, True],  # only run 0 can open
        offer_made=[False, True, True, False, True, False, True],
        accepted=[False, True, False, False, True, False, True],   # run 1 agrees, run 2 refuses
        collapse_draw=[0, 0, 0.1, 0, 0, 0, 0],                      # run 2's refusal ends the talks
        breaks=[False, False, False, False, True, False, False],   # run 4's ceasefire breaks
        settle_draw=[0, 0, 0, 0, 0, 0.2, 0])                        # run 5's ceasefire settles
    assert list(new) == [TALKS, CEASEFIRE, NO_TALKS, TALKS, NO_TALKS, SETTLEMENT, SETTLEMENT]
    assert list(start) == [100, 100, 100, 10, 100, 100, 10], "a phase's start moves when it changes"
    assert list(np.flatnonzero(happened["opened"])) == [0]
    assert list(np.flatnonzero(happened["ceasefire"])) == [1]
    assert list(np.flatnonzero(happened["refused"])) == [2]
    assert list(np.flatnonzero(happened["collapsed"])) == [2]
    assert list(np.flatnonzero(happened["broke"])) == [4]
    assert list(np.flatnonzero(happened["settled"])) == [5]


def test_a_refusal_ends_the_talks_only_below_the_collapse_chance_and_settling_waits():
    refused = phase_day([TALKS, TALKS], offer_made=[True, True], accepted=[False, False],
                        collapse_draw=[0.49, 0.51])[0]
    assert list(refused) == [NO_TALKS, TALKS]
    young = step_phase(np.array([CEASEFIRE, CEASEFIRE]), 100, np.array([41, 40]),
                       np.zeros(2, bool), np.zeros(2, bool), np.zeros(2, bool), np.ones(2),
                       np.full(2, 0.5), np.zeros(2, bool), np.zeros(2), np.full(2, 0.5),
                       np.full(2, 60))[0]
    assert list(young) == [CEASEFIRE, SETTLEMENT], "a ceasefire settles only after settle_after days"


def test_a_strike_wave_needs_the_season_and_falls_with_deterrence_and_never_in_quiet():
    credibility, quiet = np.array([0.0, 1.0, 0.0]), np.array([False, False, True])
    winter = strikes.strike_wave_probability(True, 0.2, 0.05, credibility, 0.5, quiet)
    summer = strikes.strike_wave_probability(False, 0.2, 0.05, credibility, 0.5, quiet)
    assert np.allclose(winter, [0.2, 0.1, 0.0]) and np.allclose(summer, [0.05, 0.025, 0.0])


@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 0.9), st.floats(0.0, 4.0), st.floats(0.0, 4.0))
def test_air_defence_grows_with_supply_and_stays_below_one(interception_2024, low, high):
    low, high = sorted((low, high))
    a, b = strikes.air_defence(interception_2024, np.array([low, high]))
    assert 0.0 <= a <= b <= 0.95


def test_the_grid_loses_a_wave_less_what_defence_stops_and_repairs_toward_its_maximum():
    grid = np.array([10.0, 10.0, 10.0, 16.0])
    after = strikes.step_grid(grid, wave=np.array([1.0, 1.0, 0.0, 0.0]), damage_gw=2.0,
                              interception=np.array([0.5, 0.75, 0.5, 0.5]), interception_2024=0.5,
                              noise=np.zeros(4), repair_per_day=0.1, grid_max_gw=16.0,
                              budget_gap=np.array([0.0, 0.0, 1.0, 0.0]))
    # 2024's defence lets the sourced 2 GW through; twice as good a shield half of it
    assert np.allclose(after, [10 - 2 + 0.6, 10 - 1 + 0.6, 10 + 0.3, 16.0])
    assert np.all(strikes.step_grid(np.array([0.5]), np.array([1.0]), 9.0, np.array([0.0]), 0.5,
                                    np.zeros(1), 0.1, 16.0, np.zeros(1)) == 0.0), "never below 0"


def test_outages_start_only_when_demand_exceeds_the_grid():
    share = strikes.outage_share(np.array([20.0, 15.0, 7.5, 0.0]), 15.0, 1.0)
    assert np.allclose(share, [0.0, 0.0, 0.5, 1.0])


def test_refineries_are_hit_only_by_deep_strikes_and_repaired_each_day():
    damage = strikes.step_refineries(np.array([0.2, 0.2, 0.0]), np.array([1.0, 0.0, 1.0]),
                                     damage_per_day=0.1, repair_per_day=0.05, noise=np.zeros(3))
    assert np.allclose(damage, [(0.2 + 0.1 * 0.8) * 0.95, 0.2 * 0.95, 0.1 * 0.95])
    worst = strikes.step_refineries(np.array([0.99]), np.array([1.0]), 5.0, 0.0, np.array([3.0]))
    assert worst[0] <= 1.0
