"""What a student's click does: each handler changes the session (the one source of truth: its
settings, model and revision), then `publish` copies what the page shows from it into the
reactive values; a refused input changes nothing and shows a plain message instead.
Components never call these directly; the page passes them as `on_*` callbacks.
"""

from __future__ import annotations

import calendar as month_calendar  # the standard library's; `calendar` below is the model's
import datetime
import re
import urllib.parse
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable

import sim
from sim import calendar
from sim.params import InputError

from .reactive_state import DashboardState, show_day
from .session import Session
from .settings import (LINK_LESSON_KEY, Settings, parse_run_reference, parse_start_date,
                       settings_from_query, settings_from_text)

if TYPE_CHECKING:
    from .lessons import LessonProgress


def publish(session: Session, state: DashboardState) -> None:
    """The page's copies of the session (settings as chosen, day, revision), written here and
    nowhere else, so they cannot drift from the model."""
    with session.lock:
        chosen, day, days, revision = (session.chosen, session.day, session.model.days,
                                       session.revision)
    state.chosen.value = chosen
    show_day(state, day, days)
    state.revision.value = revision


def apply_setting(session: Session, state: DashboardState, name: str, value: Any) -> None:
    """A slider moved: before play it sets the scenario; during a run it is an intervention
    from the current day on. Bad input leaves everything as it was and shows a message."""
    try:
        session.set_value(name, value)
    except InputError as err:
        state.message.value = str(err)
        return
    state.message.value = None
    state.opened_row.value = None
    publish(session, state)


def choose_scenario(session: Session, state: DashboardState, scenario: str) -> None:
    """A new preset: back to day 0 with the preset's values (the student's are cleared)."""
    try:
        chosen = session.chosen.with_scenario(scenario)
    except InputError as err:
        state.message.value = str(err)
        return
    reset(session, state, chosen)


def choose_start(session: Session, state: DashboardState, start_date: str | None) -> None:
    """A new start date: back to day 0 from that day's front, with the student's values (their
    changes during the run belonged to the old dates and are folded in, as Reset does)."""
    try:
        chosen = replace(session.chosen.folded(), start_date=parse_start_date(start_date))
    except InputError as err:
        state.message.value = str(err)
        return
    reset(session, state, chosen)


def reset(session: Session, state: DashboardState, settings: Settings | None = None) -> bool:
    """Back to day 0 with the chosen settings (the slider positions apply from day 0); False,
    with the reason shown, if the model refused them."""
    try:
        # Reset: the slider positions apply from day 0; a file or link replays its changes
        session.rebuild(settings or session.chosen.folded())
    except InputError as err:
        state.message.value = str(err)
        return False
    state.playing.value = False
    state.message.value = None
    state.opened_row.value = None
    publish(session, state)
    return True


def open_run(session: Session, state: DashboardState, seed_text: str, run_text: str) -> None:
    """Replay run K of seed S exactly: the ensemble becomes runs K.. of seed S, member 0 is K."""
    try:
        seed, run = parse_run_reference(seed_text, run_text)
    except InputError as err:
        state.message.value = str(err)
        return
    reset(session, state, replace(session.chosen, seed=seed, run_offset=run))


def step(session: Session, state: DashboardState, n_days: int) -> None:
    """Advance the session's model; the latency clock starts here and stops after the render.
    Only the day is published: a step changes neither the settings as chosen (a change they
    schedule is in them already) nor the revision."""
    session.latencies.begin()
    show_day(state, session.step(n_days), session.model.days)


def days_to_next_month(day: int, start: datetime.date) -> int:
    """Days from `day` to the same day of the next calendar month (the month's last day when
    it is shorter): "+1 month" from 1 December is 1 January, so the date does not drift and
    the month just ended is summarised in the log."""
    date = calendar.date_of(day, start)
    year, month = (date.year + 1, 1) if date.month == 12 else (date.year, date.month + 1)
    last = month_calendar.monthrange(year, month)[1]
    return (datetime.date(year, month, min(date.day, last)) - date).days


def step_month(session: Session, state: DashboardState) -> None:
    """"+1 month": to the same date next month."""
    step(session, state, days_to_next_month(session.model.day, session.model.start_date))


def open_sweep_row(session: Session, state: DashboardState, library, name: str, row_text: str):
    """Replay row K of a sweep listed in the server's sweeps folder (`library`, None when the
    server has none): its scenario, parameters, seed and run index become the session's settings
    (member 0 is that run). Returns the row read, or None after showing why not."""
    from .sweeps import read_sweep_row

    try:
        opened = read_sweep_row(library, name, row_text, session.chosen)
    except InputError as err:
        state.message.value = str(err)
        return None
    if not reset(session, state, opened.settings):
        return None
    state.opened_row.value = opened
    return opened


MAX_SAVED = 10  # settings files a session keeps for comparison


def open_settings(session: Session, state: DashboardState, settings: Settings,
                  name: str | None = None) -> bool:
    """Day 0 with settings from a file or a link; a named file is kept for comparison."""
    if not reset(session, state, settings):
        return False
    if name:
        kept = tuple((n, s) for n, s in state.saved.value if n != name)
        state.saved.value = (kept + ((name, settings),))[-MAX_SAVED:]
    return True


def open_settings_file(session: Session, state: DashboardState, name: str, data: bytes) -> bool:
    """A settings file the student uploaded: checked like `conflictsim run --settings`, and
    refused with a one-line message naming the file, the key and the value."""
    try:
        text = bytes(data).decode("utf-8")
        settings = settings_from_text(text, name, base=session.chosen)
    except UnicodeDecodeError:
        state.message.value = f"{name}: not a settings file (not UTF-8 text)"
        return False
    except InputError as err:
        state.message.value = str(err)
        return False
    return open_settings(session, state, settings, name)


def start_lesson(session: Session, state: DashboardState, lesson) -> bool:
    """Day 0 with the lesson's settings, compared with its preset (a `lessons.Lesson`)."""
    if not reset(session, state, lesson.settings):
        return False
    state.compare_first.value = "current"
    state.compare_with.value = f"preset:{lesson.compare_with}" if lesson.compare_with else ""
    return True


LESSON_STEP_DAYS = 30  # a lesson's run steps a month at a time, saying where it is between


def run_lesson(session: Session, state: DashboardState, lesson,
               on_progress: Callable[[LessonProgress], None] | None = None):
    """Run the lesson's model to its day and answer its question there (a `lessons.LessonAnswer`):
    the session's own ensemble against the comparison's day-0 fan with the same seed and runs.

    It runs in a thread of its own (the page's lesson panel starts it as a task) and takes up
    to 14 s on a loaded server, so it steps `LESSON_STEP_DAYS` at a time and says where it is
    after each: to `on_progress` (a `lessons.LessonProgress`) and in the page's date and charts.
    Between steps the page goes on; a model rebuilt meanwhile (Reset, another preset, a file)
    stops it, as its answer would be another run's: a `lessons.LessonStopped` says why."""
    from . import comparison
    from .lessons import LessonStopped, answer, departures

    report = on_progress or (lambda progress: None)
    state.playing.value = False
    state.lesson_running.value = True  # Play and the steps wait: the lesson is stepping
    try:
        generation = _step_lesson(session, state, lesson, report)
    finally:
        state.lesson_running.value = False
    with session.lock:
        if session.generation != generation:
            return LessonStopped("the model was started again (Reset or new settings) while "
                                 "the lesson ran: run the lesson again")
        ours = {lesson.variable: session.model.trajectories[lesson.variable].copy()}
        settings, start, day = session.settings, session.start_date, session.day
        chosen = session.chosen  # with the changes made during the run
    if day < lesson.question_day:
        return LessonStopped(f"the model stopped on day {day}, before the question's day")
    theirs, theirs_label = None, ""
    if lesson.compare_with:
        key = comparison.preset_key(lesson.compare_with)
        theirs = comparison.day0_trajectories(comparison.settings_for(key, settings, ()),
                                              session.shared_fans)
        theirs_label = lesson.compare_label or preset_words(lesson.compare_with)
    return answer(lesson, ours, theirs, start, ours_label="your settings",
                  theirs_label=theirs_label, departures=departures(lesson, chosen))


def _step_lesson(session: Session, state: DashboardState, lesson,
                 report: Callable[[LessonProgress], None]) -> int:
    """Step the session's model to the lesson's day, `LESSON_STEP_DAYS` at a time, saying where
    it is after each step; the model's generation it started from (a rebuilt model stops it)."""
    from .lessons import LessonProgress

    with session.lock:
        generation, runs, start = session.generation, session.settings.n_runs, session.start_date
    report(LessonProgress(session.day, calendar.date_of(session.day, start), runs))
    while True:
        with session.lock:  # the model checked and stepped in one go, never a rebuilt one
            before = session.day
            if session.generation != generation or before >= lesson.run_days:
                break
            day = session.step(min(LESSON_STEP_DAYS, lesson.run_days - before))
        show_day(state, day, session.model.days)
        if day == before:  # the model's last day
            break
        report(LessonProgress(day, calendar.date_of(day, start), runs))
    return generation


def preset_words(name: str) -> str:
    """A preset as a lesson's sentences name it ("the preset “Status quo”"): the comparison
    menu's "preset: Status quo (counterfactual)" reads as a code name in a sentence, and the
    title's note in brackets only makes sense beside the other presets."""
    title = re.sub(r"\s*\([^)]*\)\s*$", "", sim.SCENARIOS[name].title)
    return f"the preset “{title}”"


def lesson_in_link(search: str | None, lessons) -> str | None:
    """The lesson a link names (`?lesson=NAME`), if it is one of `lessons`."""
    names = {lesson.name for lesson in lessons}
    for key, value in urllib.parse.parse_qsl((search or "").lstrip("?")):
        if key == LINK_LESSON_KEY and value in names:
            return value
    return None


def settings_in_address(search: str | None, base: Settings) -> Settings:
    """The settings a page's address holds: those of its query string (a shared link's, or the
    one the page wrote), or, with none, the page's first settings (the default preset, seed 0,
    run 0): the bare address the page was opened at, which Back can return to."""
    return settings_from_query(search or "", base=base) or replace(
        base.with_scenario(Settings.scenario), seed=Settings.seed, run_offset=Settings.run_offset)


def open_link(session: Session, state: DashboardState, search: str | None) -> None:
    """The settings of an address the student opened (a shared link, a reload) or moved to
    (Back, Forward): day 0 with them, unless they are the settings in force already; a bad link
    changes nothing and says why."""
    try:
        settings = settings_in_address(search, session.chosen)
    except InputError as err:
        state.message.value = str(err)
        return
    if settings != session.chosen:
        open_settings(session, state, settings)
