"""The pure day: `core.day.advance` is a function of its arguments, the leaders' decisions are one
`Moves` record, and the leaders' draws are the same numbers as the day's block."""

from __future__ import annotations

import dataclasses

import numpy as np

import sim
from sim import rng
from sim.core import day as core_day
from sim.moves import Moves
from sim.state import STREAM_DAY


def _copy_state(state):
    return dataclasses.replace(state, **{f.name: np.copy(getattr(state, f.name))
                                         for f in dataclasses.fields(state)
                                         if isinstance(getattr(state, f.name), np.ndarray)})


def _states_equal(a, b) -> bool:
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            if not np.array_equal(x, y, equal_nan=True):
                return False
        elif x != y:
            return False
    return True


def test_uniform_columns_are_the_day_blocks_columns():
    keys = rng.run_keys(7, np.arange(50))
    for n in (5, 20, 21):
        block = rng.uniforms(keys, 33, STREAM_DAY, n)
        columns = (0, n // 2, n - 1)
        assert np.array_equal(rng.uniform_columns(keys, 33, STREAM_DAY, n, columns),
                              block[:, columns])


def test_advance_is_pure_and_leaves_its_input_alone():
    model = sim.ConflictModel("parallel_processes", n_runs=20, days=200, rng=3)
    for _ in range(120):  # into the talks, where packages are on the table
        model.step()
    before = _copy_state(model.state)
    today = model._context(model.state.day + 1)
    moves = model.decide(today)
    first, events_first = core_day.advance(model.state, model.params, model.derived, moves,
                                           model.keys, today)
    second, events_second = core_day.advance(model.state, model.params, model.derived, moves,
                                             model.keys, today)
    assert _states_equal(model.state, before), "advance changed the state it was given"
    assert _states_equal(first, second)
    assert all(np.array_equal(getattr(events_first, f.name), getattr(events_second, f.name))
               for f in dataclasses.fields(events_first))
    assert first.day == before.day + 1


def test_a_seated_leader_supplies_moves_like_a_rule():
    """What a student seated as Putin would do: take the rule's moves, change one decision
    (no offensive anywhere), and the day applies exactly that record."""
    model = sim.ConflictModel("status_quo", n_runs=8, days=30, rng=1, uncertainty="off")
    today = model._context(1)
    rule = model.decide(today)
    seated = dataclasses.replace(rule, russia_offensive=np.zeros_like(rule.russia_offensive))
    by_rule, _ = core_day.advance(model.state, model.params, model.derived, rule, model.keys, today)
    by_student, _ = core_day.advance(model.state, model.params, model.derived, seated, model.keys,
                                     today)
    assert (by_rule.advance_km2_today > 0).all()
    assert np.all(by_student.advance_km2_today <= 0.0)
    assert np.all(by_student.russia_casualties_today < by_rule.russia_casualties_today)


def test_moves_must_be_complete():
    model = sim.ConflictModel(n_runs=2, days=5, rng=0)
    parts = {f.name: getattr(model.decide(model._context(1)), f.name)
             for f in dataclasses.fields(Moves)}
    parts.pop("russia_offensive")
    try:
        Moves(**parts)
    except TypeError as error:
        assert "russia_offensive" in str(error)
    else:
        raise AssertionError("a Moves record without russia_offensive was accepted")


def test_step_is_decide_then_advance():
    stepped = sim.ConflictModel("freeze", n_runs=10, days=60, rng=5)
    by_hand = sim.ConflictModel("freeze", n_runs=10, days=60, rng=5)
    for _ in range(60):
        stepped.step()
        today = by_hand._context(by_hand.state.day + 1)
        by_hand.state, _ = core_day.advance(by_hand.state, by_hand.params, by_hand.derived,
                                            by_hand.decide(today), by_hand.keys, today)
    assert _states_equal(stepped.state, by_hand.state)
