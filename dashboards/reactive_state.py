"""The session's reactive values: what the page's components read and re-render on.

Nothing of a session lives at module level: `use_dashboard_state` creates the values with
`solara.use_reactive`, which Solara scopes to the component instance and hence the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import solara

from .session import Session
from .settings import Settings


# Speeds in simulated days per second; redraws happen at most every TICK_SECONDS.
SPEEDS = {"slow (2 days/s)": 2, "normal (10 days/s)": 10, "fast (30 days/s)": 30,
          "fastest (90 days/s)": 90}
TICK_SECONDS = 0.5

@dataclass(eq=False)
class DashboardState:
    """The session's reactive values (created by `use_dashboard_state`, never at module level).
    The first five are the page's copies of the `Session`, written only by `actions.publish`
    (and `show_day`, for a step); the rest are the page's own."""

    chosen: solara.Reactive[Settings]  # Session.chosen: slider positions, what Reset starts from
    day: solara.Reactive[int]
    started: solara.Reactive[bool]  # day > 0: sliders are interventions now
    finished: solara.Reactive[bool]  # day == horizon: nothing left to step
    revision: solara.Reactive[int]  # Session.revision: a rebuild or a change by the student
    playing: solara.Reactive[bool]
    speed: solara.Reactive[int]
    message: solara.Reactive[str | None]
    compare_with: solara.Reactive[str]
    compare_variable: solara.Reactive[str]
    opened_row: solara.Reactive[Any]  # the sweep row last opened (a `sweeps.SweepRow`), if any
    # Settings files the student opened this session, (file name, Settings), for comparison.
    saved: solara.Reactive[tuple[tuple[str, Settings], ...]] = field(
        default_factory=lambda: solara.reactive(()))
    compare_first: solara.Reactive[str] = field(  # a comparison key, see `comparison.py`
        default_factory=lambda: solara.reactive("current"))
    show_start: solara.Reactive[bool] = field(  # the "Start here" panel, until closed
        default_factory=lambda: solara.reactive(True))
    lesson_running: solara.Reactive[bool] = field(  # a lesson's run is stepping the model
        default_factory=lambda: solara.reactive(False))


    @classmethod
    def detached(cls, settings: Settings) -> "DashboardState":
        """The same values outside a page (plain `solara.reactive`, not tied to a component):
        for tests and scripts that drive a session without a browser."""
        return cls(
            chosen=solara.reactive(settings), day=solara.reactive(0),
            started=solara.reactive(False), finished=solara.reactive(False),
            revision=solara.reactive(0), playing=solara.reactive(False),
            speed=solara.reactive(10), message=solara.reactive(None),
            compare_with=solara.reactive(""), compare_variable=solara.reactive("occupied_km2"),
            opened_row=solara.reactive(None))


def use_dashboard_state(initial: Settings | None = None) -> tuple[Session, DashboardState]:
    """The session's controller and reactive values; call once, in the page."""
    session = solara.use_memo(lambda: Session(initial), [])
    values = dict(
        chosen=solara.use_reactive(session.chosen),
        day=solara.use_reactive(0),
        started=solara.use_reactive(False),
        finished=solara.use_reactive(False),
        revision=solara.use_reactive(session.revision),
        playing=solara.use_reactive(False),
        speed=solara.use_reactive(SPEEDS["normal (10 days/s)"]),
        message=solara.use_reactive(None),
        compare_with=solara.use_reactive(""),
        compare_variable=solara.use_reactive("occupied_km2"),
        opened_row=solara.use_reactive(None),
        saved=solara.use_reactive(()),
        compare_first=solara.use_reactive("current"),
        show_start=solara.use_reactive(True),
    )
    # One instance per session: components compare it by identity to skip re-rendering.
    return session, solara.use_memo(lambda: DashboardState(**values), [])


def show_day(state: DashboardState, day: int, days: int) -> None:
    """Publish the model's day; `started` and `finished` change only twice a run, so the controls
    that read them do not re-render on every step."""
    state.day.value = day
    state.started.value = day > 0
    state.finished.value = day >= days
