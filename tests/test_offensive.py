"""Ukraine attacks too: Zelensky decides where and when (sim.agents.zelensky_offensive), and
in the core an offensive pushes the front back in its sector at a cost in Ukrainian losses,
drawing forces from the other sectors and meeting Russian field works and reserves
(sim.core.combat.concentrate, ukraine_attack_ratio, ukraine_advance_km, offensive_attrition).
With the force-ratio threshold at 0 Zelensky never attacks, and the front never moves back
from his offensives. Each model test costs about 1-2 s (4-30 runs, 40-200 days)."""

from __future__ import annotations

import datetime as dt

import numpy as np

import sim
from sim import calendar, sectors
from sim.core import combat


def _run(start: str, days: int, **overrides):
    """Step a batch by hand, keeping each day's offensive decision: (model, (days, runs,
    sectors) shares drawn into offensives)."""
    model = sim.ConflictModel("status_quo", n_runs=30, days=days, rng=3, start_date=start,
                              uncertainty="off", collect=False, record=("occupied_km2",),
                              **overrides)
    decisions = []
    while model.running:
        model.step()
        decisions.append(model.moves.ukraine_offensive.copy())
    return model, np.array(decisions)


def test_concentrating_moves_forces_into_the_attacked_sector_and_keeps_the_total():
    force = np.array([[10.0, 20.0, 30.0, 40.0]], dtype=np.float32)
    drawn = np.array([[0.0, 0.0, 0.25, 0.0]], dtype=np.float32)
    moved = combat.concentrate(force, drawn)
    assert np.isclose(moved.sum(), force.sum())
    assert np.isclose(moved[0, 2], 30.0 + 0.25 * 70.0)
    assert np.allclose(moved[0, [0, 1, 3]], 0.75 * force[0, [0, 1, 3]])
    assert np.array_equal(combat.concentrate(force, np.zeros_like(drawn)), force)


def test_a_ukrainian_attack_gains_above_parity_only_and_less_against_field_works():
    shock = np.zeros((1, 3), dtype=np.float32)
    attacking = np.array([[True, True, False]])

    def retaken(ratio):
        return combat.ukraine_advance_km(np.array([ratio], dtype=np.float32), attacking, 1.0,
                                         shock, 1.5, 1.5, 1.0, 0.6)

    assert np.all(retaken([0.8, 1.0, 3.0]) == 0.0)  # below parity, at parity, not attacking
    assert np.all(retaken([1.2, 2.0, 2.0])[0, :2] > 0.0)
    ones = np.ones((1, 2), dtype=np.float32)
    dug_in = combat.ukraine_attack_ratio(2.0 * ones, ones, np.array([[0.0, 1.0]], np.float32),
                                         np.ones(1), np.ones(1), 1.0, np.zeros((1, 1)))
    assert dug_in[0, 1] < dug_in[0, 0]  # the same attack against a fortified line is weaker
    reserves = combat.ukraine_attack_ratio(2.0 * ones, ones, np.zeros((1, 2), np.float32),
                                           np.ones(1), np.ones(1), 1.0, np.zeros((1, 1)),
                                           np.array([[0.0, 1.0]], np.float32), 1.4)
    assert np.isclose(reserves[0, 1], reserves[0, 0] / 2.4)  # Russia's reserves where it moved
    strain = combat.step_ukraine_strain(np.zeros((1, 2)), np.array([[0.0, 1.0]]), 0.5, 60.0)
    assert strain[0, 0] == 0.0 and np.isclose(strain[0, 1], 2.0 / 60.0)


def test_without_a_ukrainian_attack_the_attrition_is_russias_alone():
    intensity = np.array([[0.5, 1.0, 0.0]])
    penalty = np.array([[1.2, 1.0, 1.0]])
    both, ratio = combat.offensive_attrition(intensity, penalty, np.zeros((1, 3)), 2.0)
    assert np.allclose(both, intensity * np.sqrt(penalty))
    assert np.allclose(ratio, np.sqrt(penalty))
    # Ukraine attacking in the quiet sector costs it more than it costs Russia there
    both, ratio = combat.offensive_attrition(intensity, penalty, np.array([[0.0, 0.0, 1.0]]),
                                             3.0)
    assert both[0, 2] > 0.0 and ratio[0, 2] < 1.0


def test_a_2023_start_produces_a_summer_offensive_and_none_with_the_threshold_at_zero():
    """From 2023-04-01, in the spring mud (to 30 April), Zelensky opens an offensive once the
    ground dries, in a sector inside Ukraine; with the threshold at 0 he never does."""
    model, decisions = _run("2023-04-01", 200)
    attacking = (decisions > 0.0).any(axis=2)  # (days, runs)
    assert attacking.any(axis=0).mean() >= 0.5
    first_day = int(np.argmax(attacking.any(axis=1))) + 1
    first_date = calendar.date_of(first_day, dt.date(2023, 4, 1))
    assert dt.date(2023, 5, 1) <= first_date <= dt.date(2023, 9, 30)
    assert not decisions[:, :, sectors.KURSK].any()
    assert np.all((decisions > 0.0).sum(axis=2) <= 1)  # one sector at a time
    _, never = _run("2023-04-01", 200, zelensky_offensive_force_ratio=0.0,
                    russia_kursk_garrison_k=60.0)
    assert not never.any()


def test_an_offensive_keeps_its_sector_while_it_lasts():
    """Forces drawn into an offensive cannot move along the front overnight: from one attacking
    day to the next the sector stays the same unless nothing is left to retake there (the rule
    once chose the day's best sector afresh, and runs hopped between two sectors about every
    other day)."""
    model, decisions = _run("2023-05-01", 150)
    attacking = decisions > 0.0  # (days, runs, sectors)
    on = attacking.any(axis=2)
    sector = attacking.argmax(axis=2)
    both = on[1:] & on[:-1]
    assert both.sum() >= 0.5 * model.n_runs * 100  # most runs attack through the summer
    moved = both & (sector[1:] != sector[:-1])
    assert not moved.any()


def test_the_offensive_goes_for_the_corridor_to_crimea_as_in_2023():
    """From 2023-05-01 Zelensky's offensive goes where success would threaten the land corridor
    to Crimea (Zaporizhzhia, Velyka Novosilka), as the 2023 counter-offensive did; with no
    preference for it he attacks where his odds alone are best, elsewhere."""
    corridor = sectors.CORRIDOR[None, None, :]
    for preference, share_wanted in ((1.0, lambda share: share > 0.9),
                                     (0.0, lambda share: share < 0.1)):
        _, decisions = _run("2023-05-01", 120, zelensky_corridor_preference=preference)
        attacking = decisions > 0.0
        assert attacking.any()
        share = (attacking & corridor).sum() / attacking.sum()
        assert share_wanted(share), (preference, share)


def test_an_offensive_on_a_narrow_axis_breaks_in_deeper_and_moves_a_share_of_its_sector():
    """The axis's share of the width: the same troops meet that share of Russia's defence, so
    they push faster there, and the sector's mean depth moves by that share of the push. With
    the axis as wide as the sector the day is the whole-sector push, exactly."""
    from sim.core import combat as core_combat

    share = core_combat.offensive_axis_share(np.array([[20.0], [300.0]]), np.float64)
    np.testing.assert_allclose(share[0], np.minimum(20.0 / sectors.WIDTH_KM, 1.0))
    assert np.all(share[1] == 1.0)
    narrow, decisions = _run("2023-05-01", 120, ukraine_offensive_axis_km=20.0,
                             zelensky_corridor_preference=1.0)
    whole, _ = _run("2023-05-01", 120, zelensky_corridor_preference=1.0)
    attacked = (decisions > 0.0).any(axis=0)  # (runs, sectors)
    regained_narrow = -narrow.state.depth_km[attacked]
    regained_whole = -whole.state.depth_km[attacked]
    assert attacked.any() and np.mean(regained_narrow) > np.mean(regained_whole)
    wide, _ = _run("2023-05-01", 120, ukraine_offensive_axis_km=300.0,
                   zelensky_corridor_preference=1.0)
    np.testing.assert_array_equal(wide.state.depth_km, whole.state.depth_km)


def test_an_offensive_regains_ground_in_its_sector_at_higher_ukrainian_losses():
    """The same runs (common random numbers) from 2023-05-01 with and without Zelensky's
    offensives: where he attacked, the front stands further back, and Ukraine lost more
    (Putin's answer, fewer Russian attacks elsewhere, is held off here: it spares Ukrainian
    lives and is tested on its own)."""
    on, decisions = _run("2023-05-01", 120, putin_defence_share=0.0)
    off, never = _run("2023-05-01", 120, zelensky_offensive_force_ratio=0.0,
                      russia_kursk_garrison_k=60.0, putin_defence_share=0.0)
    assert not never.any()
    days_attacked = (decisions > 0.0).sum(axis=0)  # (runs, sectors)
    runs = days_attacked.sum(axis=1) > 0
    assert runs.mean() >= 0.5
    main = days_attacked.argmax(axis=1)[runs]  # the sector each run attacked longest
    depth_on = on.state.depth_km[runs, main]
    depth_off = off.state.depth_km[runs, main]
    assert np.all(depth_on < depth_off)
    assert np.mean(depth_on) < np.mean(depth_off) - 2.0  # km regained on average
    assert np.all(on.state.ukraine_casualties[runs] > off.state.ukraine_casualties[runs])
    assert np.all(on.state.ukraine_casualties[~runs] == off.state.ukraine_casualties[~runs])


def test_no_offensive_from_2024_12_01_in_status_quo():
    """Russia presses and Kyiv's support is low (0.6 < 0.75): Zelensky stays on the defensive,
    so results from the forward start are those of the model without offensives."""
    _, decisions = _run("2024-12-01", 200)
    assert not decisions.any()


def test_the_event_log_tells_when_and_where_ukraine_opens_an_offensive():
    from dashboards import events

    told = events.offensive_events(np.array([-1, -1, 4, 4, -1, 5, 5], dtype=np.int8))
    assert [(e.day, e.kind) for e in told] == [(2, "offensive"), (5, "offensive")]
    assert told[0].text == f"Ukraine opens an offensive around {sectors.SECTOR_NAMES[4]}"
    model = sim.ConflictModel("status_quo", n_runs=4, days=40, rng=3, start_date="2023-05-01",
                              uncertainty="off").run()
    attacking = model.trajectories["ukraine_offensive_sector"] >= 0
    run = int(np.argmax(attacking.any(axis=1)))
    assert attacking[run].any()
    log = events.run_events(model.trajectories, 40, run, start=dt.date(2023, 5, 1))
    assert any(e.text.startswith("Ukraine opens an offensive around") for e in log)


def test_putin_holds_back_his_attacks_while_ukraine_attacks():
    """The day after Ukraine attacked, Putin's offensive effort is `putin_defence_share` lower
    everywhere; with the share at 0 it is not, and Russia gains more ground over the summer."""
    model = sim.ConflictModel("status_quo", n_runs=20, days=120, rng=3, start_date="2023-05-01",
                              uncertainty="off", collect=False, record=("occupied_km2",))
    attacked_yesterday, effort = [], []
    while model.running:
        attacked_yesterday.append(model.state.ukraine_offensive_sector >= 0)
        model.step()
        effort.append(model.moves.russia_offensive[:, sectors.MAIN_AXIS].mean(axis=1))
    attacked_yesterday, effort = np.array(attacked_yesterday), np.array(effort)
    assert attacked_yesterday.any() and (~attacked_yesterday).any()
    held_back = sim.PARAMS["putin_defence_share"].default
    assert 0.0 < held_back < 1.0
    assert np.allclose(effort[attacked_yesterday],
                       (1.0 - held_back) * effort[~attacked_yesterday].max())
    unanswered = sim.ConflictModel("status_quo", n_runs=20, days=120, rng=3,
                                   start_date="2023-05-01", uncertainty="off", collect=False,
                                   record=("occupied_km2",), putin_defence_share=0.0).run()
    gained = model.trajectories["occupied_km2"][:, -1] - model.trajectories["occupied_km2"][:, 0]
    gained_unanswered = (unanswered.trajectories["occupied_km2"][:, -1]
                         - unanswered.trajectories["occupied_km2"][:, 0])
    assert np.mean(gained) < np.mean(gained_unanswered) - 200.0


def test_a_run_that_never_attacks_replays_bit_for_bit_beside_runs_that_attack():
    """Replay is exact in any batch: a run whose Zelensky never attacks (threshold 0) ends with
    the same numbers whether the other runs of its batch attack or not. From 2024-12-01, where
    the autumn's push left strain in the sectors (the attrition formulas differ in the last bit
    there), with the gates opened wide for the odd runs."""
    spec = sim.PARAMS["zelensky_offensive_force_ratio"]
    assert spec.low == 0.0
    odd = np.arange(12) % 2 == 1
    opened = {"zelensky_offensive_support": np.where(odd, sim.PARAMS["zelensky_offensive_support"].low,
                                                     0.75),
              "zelensky_offensive_supply": np.where(odd, sim.PARAMS["zelensky_offensive_supply"].low,
                                                    0.9)}
    beside = sim.simulate("status_quo", runs=12, days=200, seed=5, overrides={
        "zelensky_offensive_force_ratio": np.where(odd, spec.high, 0.0), **opened})
    alone = sim.simulate("status_quo", runs=12, days=200, seed=5, overrides={
        "zelensky_offensive_force_ratio": np.zeros(12), **opened})
    attacking = (beside.trajectories["ukraine_offensive_sector"] >= 0).any(axis=1)
    assert attacking[odd].all() and not attacking[~odd].any(), "odd runs attack, even never"
    for name, values in beside.trajectories.items():
        assert np.array_equal(values[~odd], alone.trajectories[name][~odd], equal_nan=True), name
    assert beside.outcomes[~odd].reset_index(drop=True).equals(
        alone.outcomes[~odd].reset_index(drop=True))


def test_ukraine_rests_between_offensives():
    """Zelensky opens no offensive within `zelensky_offensive_rest_days` of the last one's end:
    from 2023-01-01, 51 days after the Kherson withdrawal (11 Nov 2022), none comes before 10
    May 2023 (the historical one came on 4 June); with no rest needed one comes in the dry
    weeks of March."""
    assert sectors.ukraine_rested_days(dt.date(2023, 1, 1)) == 51.0
    assert sectors.ukraine_rested_days(dt.date(2023, 7, 1)) == float("inf")  # one was on
    _, rested = _run("2023-01-01", 200)
    _, eager = _run("2023-01-01", 200, zelensky_offensive_rest_days=0.0)

    def first_date(decisions):
        attacking = (decisions > 0.0).any(axis=2).any(axis=1)
        assert attacking.any()
        return calendar.date_of(int(np.argmax(attacking)) + 1, dt.date(2023, 1, 1))

    assert first_date(rested) >= dt.date(2023, 5, 10)
    assert first_date(eager) < dt.date(2023, 3, 15)
