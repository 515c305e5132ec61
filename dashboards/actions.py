"""What a student's click does: each handler changes the session's model and its reactive values
together, and shows a plain message instead of changing anything when the input is refused.
Components never call these directly; the page passes them as `on_*` callbacks.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sim.params import InputError

from .reactive_state import DashboardState, show_day
from .session import Session
from .settings import Settings, parse_run_reference


def apply_setting(session: Session, state: DashboardState, name: str, value: Any) -> None:
    """A slider moved: before play it sets the scenario; during a run it is an intervention
    from the current day on. Bad input leaves everything as it was and shows a message."""
    try:
        chosen = state.chosen.value.with_value(name, value)
        if session.day == 0 and not session.interventions:
            session.rebuild(chosen)
        else:
            session.intervene(name, value)
    except InputError as err:
        state.message.value = str(err)
        return
    state.message.value = None
    state.opened_row.value = None
    state.chosen.value = chosen
    state.revision.value += 1


def choose_scenario(session: Session, state: DashboardState, scenario: str) -> None:
    """A new preset: back to day 0 with the preset's values (the student's are cleared)."""
    try:
        chosen = state.chosen.value.with_scenario(scenario)
    except InputError as err:
        state.message.value = str(err)
        return
    reset(session, state, chosen)


def reset(session: Session, state: DashboardState, settings: Settings | None = None) -> bool:
    """Back to day 0 with the chosen settings (the slider positions apply from day 0); False,
    with the reason shown, if the model refused them."""
    try:
        target = settings or state.chosen.value
        session.rebuild(target)
    except InputError as err:
        state.message.value = str(err)
        return False
    state.playing.value = False
    state.message.value = None
    state.opened_row.value = None
    state.chosen.value = target
    show_day(state, 0, session.model.days)
    state.revision.value += 1
    return True


def open_run(session: Session, state: DashboardState, seed_text: str, run_text: str) -> None:
    """Replay run K of seed S exactly: the ensemble becomes runs K.. of seed S, member 0 is K."""
    try:
        seed, run = parse_run_reference(seed_text, run_text)
    except InputError as err:
        state.message.value = str(err)
        return
    reset(session, state, replace(state.chosen.value, seed=seed, run_offset=run))


def step(session: Session, state: DashboardState, n_days: int) -> None:
    """Advance the session's model; the latency clock starts here and stops after the render."""
    session.latencies.begin()
    show_day(state, session.step(n_days), session.model.days)


def open_sweep_row(session: Session, state: DashboardState, directory: str, row_text: str):
    """Replay row K of a sweep: its scenario, parameters, seed and run index become the session's
    settings (member 0 is that run). Returns the row read, or None after showing why not."""
    from .sweeps import read_sweep_row

    try:
        opened = read_sweep_row(directory, row_text, state.chosen.value)
    except InputError as err:
        state.message.value = str(err)
        return None
    if not reset(session, state, opened.settings):
        return None
    state.opened_row.value = opened
    return opened
