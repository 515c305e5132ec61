"""The students' dashboard: `conflictsim dashboard` serves it (`dashboards.server`, which also
makes the default page before the first student and tracks open pages); importing this module
starts nothing.

`Page` only composes: `Dashboard` creates the session's state (`reactive_state.use_dashboard_state`),
starts the fan task, and hands data to components that send `on_*` callbacks back; figures come
from the pure builders in `plots.py`.

Why it is split the way it is: Solara re-renders a component when a reactive value it read
changes, and skips a child whose arguments are equal to last time. A day's step changes only
`state.day`, and only `LiveDay` reads it, so a step re-renders the date, the two blitted charts
and the event log (appended to, not rebuilt); the scenario picker, sliders, comparison, export
and about panels keep their arguments and are skipped.

Mesa's visualisation pieces and ours. Mesa's `SolaraViz` fits a model whose parameters are set
once and whose plots read one model's `DataCollector`; its `ModelController` rebuilds the model
from `model_params` on every reset. Here a slider during a run must be an intervention from the
current day (`ConflictModel.intervene`), the plots are fans over a 200-run ensemble recomputed in
a cancellable task, two ensembles share axes for comparison, and play needs day/month steps and
a throttled redraw. So the page drives `ConflictModel` (a `mesa.Model`) with its own controller
(`session.Session`) and components, following the same Solara patterns `SolaraViz` uses (a
per-session model built inside the page, `use_task` for the play loop, matplotlib figures), and
the same model can still be shown in `SolaraViz` unchanged (it keeps Mesa's `step()` and
keyword-only constructor).
"""

from __future__ import annotations

import html
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import solara
import solara.lab

import sim
from sim.sectors import SECTOR_NAMES
from sim.state import PHASE_NAMES
from sim.trajectories import TRAJECTORIES

from . import actions, comparison, plots
from .components.compare import CompareChooser, PresetsOverview
from .components.controls import (ParameterPanel, PlayControls, RunOpener, ScenarioPicker,
                                  StartPicker, TypedValue, KEY_PARAMETERS, TIP_CSS,
                                  input_error_text)
from .components.lesson_panel import LessonPanel
from .components.saved_settings import SettingsFiles
from .components.start_here import StartHere, StartHereMemory
from .components.sweep_opener import SweepRowOpener
from .components.views import (AboutPanel, CompareReadout, ExportDownloads, FanReadout, MarkdownText,
                               FanStatus, FigureImage, Glossary, SweepRowReadout, outcomes_table,
                               runs_file_sizes)
from .events import LiveEventLog
from .fans import Fan, Superseded, history_follows
from .live import SHARED_DRAWINGS, LiveFrame, live_content, overview_at, overview_drawing
from .reactive_state import SPEEDS, TICK_SECONDS, DashboardState, use_dashboard_state
from .session import Session
from .lessons import page_lessons
from .settings import Settings, address_query, parse_value, settings_to_query, settings_to_toml
from .sweeps import SweepRow, library_from_env

# What the comparison can show: (title, unit, scale) read from the trajectories' declarations.
COMPARE_VARIABLES = {
    name: (TRAJECTORIES[name].label, TRAJECTORIES[name].shown_unit, TRAJECTORIES[name].display_scale)
    for name in ("occupied_km2", "russia_economic_pressure", "ukraine_economic_pressure", "grid_gw",
                 "ukraine_support", "us_aid_bn_usd_yr", "russia_casualties", "ukraine_casualties")
}


# The page's layout: a sidebar of at least 300 px beside the charts from 900 px up; below that
# the sidebar folds above the charts (its settings behind one button) and the sliders share the
# width in a grid. Charts are never shown larger than their pixels (see `plots.RENDER_DPI`):
# `--dpr` is the screen's pixel ratio.
PAGE_CSS = """
:root { --dpr: 1; }
@media (min-resolution: 1.5dppx) { :root { --dpr: 1.5; } }
@media (min-resolution: 2dppx) { :root { --dpr: 2; } }
@media (min-resolution: 3dppx) { :root { --dpr: 3; } }
.dashboard { display: flex; flex-wrap: nowrap; align-items: flex-start; gap: 16px;
             padding: 8px 12px; width: 100%; box-sizing: border-box; }
.dashboard > .sidebar { flex: 0 0 330px; width: 330px; min-width: 0; }
.dashboard > .main { flex: 1 1 0; min-width: 0; }
.param-groups { display: grid; grid-template-columns: 1fr; gap: 8px; }
.param-group .v-card__title { font-size: 1rem; padding: 8px 12px 0 12px; }
.param-group .v-card__text, .param-group > div { padding-top: 0; }
.param-control { margin: 4px 0 6px 0; }
.param-label { font-size: 0.9rem; font-weight: 500; line-height: 1.25; }
.param-range { font-size: 0.78rem; color: #444; }
.param-control .v-input--switch, .param-control .v-select { margin-top: 2px; padding-top: 0; }
.param-control .v-slider { margin: 0 4px; }
.param-control .v-input__slot { margin-bottom: 0; }
.param-control .v-messages { display: none; }
.param-control .v-slider + .v-label, .param-control .v-input__slot > .v-label {
  position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.settings-toggle { display: none !important; }
.figure img, .chart img { width: 100%; height: auto; display: block; }
.chart-overview, .figure-overview { max-width: calc(1296px / var(--dpr)); }
.chart-sectors, .figure-sectors, .figure-outcomes { max-width: calc(864px / var(--dpr)); }
@media (min-width: 1600px) { .dashboard > .sidebar { flex-basis: 380px; width: 380px; } }
.figure-compare { max-width: calc(1296px / var(--dpr)); }
.figure-presets { max-width: calc(1440px / var(--dpr)); }
.chart-pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
              gap: 12px; align-items: start; }
.figure-caption { font-size: 0.85rem; color: #333; }
.v-card__title { word-break: normal; overflow-wrap: break-word; }  /* Vuetify breaks mid-word */
.sidebar .v-btn { height: auto !important; min-height: 36px; max-width: 100%; }
.sidebar .v-btn__content { white-space: normal; flex-shrink: 1; }  /* a long label wraps in its card */
.sidebar .v-card__title { font-size: 1.05rem; line-height: 1.4; }
.sim-date { font-size: 1.25rem; font-weight: 600; }
.event-log ul { padding-left: 1.2em; }
.glossary summary { cursor: pointer; font-size: 0.9rem; font-weight: 500; }
.glossary dl { font-size: 0.85rem; margin: 4px 0 0 0; }
.glossary dt { font-weight: 600; margin-top: 4px; }
.glossary dd { margin-left: 0; }
:focus-visible { outline: 3px solid #0072B2 !important; outline-offset: 2px; }
.v-btn:focus-visible { box-shadow: 0 0 0 3px #fff, 0 0 0 6px #0072B2 !important; }
.plain-markdown p { margin-bottom: 6px; }
.scenario-description { font-size: 0.9rem; }
.typed-meaning { font-size: 0.85rem; }
@media (max-width: 899px) {
  .dashboard { flex-direction: column !important; }  /* solara.Row sets "row" inline */
  .dashboard > .sidebar, .dashboard > .main { flex: none; width: 100%; }
  .param-groups { grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); }
  .settings-toggle { display: inline-flex !important; }
  .sidebar-inner.folded .sidebar-body,
  .sidebar-inner.folded .scenario-description { display: none !important; }
  .chart-pair { grid-template-columns: 1fr; }
}
/* A phone: charts keep the width they are laid out for (text >= 10 px) and scroll sideways,
   rather than shrinking their tick labels to 5 px. */
@media (max-width: 599px) {
  .figure { overflow-x: auto; }
  .chart-overview, .chart-compare, .chart-presets { min-width: 648px; }
  .chart-sectors, .chart-outcomes { min-width: 432px; }
  .chart-lesson { min-width: 460px; }
  .front-map-stack { min-width: 870px; }  /* the key's 8 pt text at 10 px */
  /* scrolled to its right end at first: the front, the close-up and the key, not the west */
  .figure-map .front-map { direction: rtl; overflow-x: auto; }
  .figure-map .front-map > * { direction: ltr; }
  /* the lesson's chart too: its question's day is at the right end */
  .figure-lesson { direction: rtl; }
  .figure-lesson > * { direction: ltr; }
  .v-btn { height: auto !important; min-height: 36px; max-width: 100%; }
  .v-btn__content { white-space: normal; flex-shrink: 1; }
}
"""


def weakly(function: Callable[..., Any], *held: Any) -> Callable[..., Any]:
    """`function` for `solara.lab.use_task`, holding `held` (the session, its state) only weakly.
    Solara 1.58 keeps every function given to `use_task` for the server's life (each task's
    result store registers itself with the server's kernel callbacks and is never removed), so
    a closure over the session kept every student's model alive after their page closed. The
    function gets the objects as its first arguments (then those the task is called with) and
    is skipped once any of them has gone."""
    refs = [weakref.ref(obj) for obj in held]

    def call(*arguments):
        objects = [ref() for ref in refs]
        if any(obj is None for obj in objects):
            return None
        return function(*objects, *arguments)

    return call


def use_play_loop(session: Session, state: DashboardState, playing: bool) -> None:
    """While playing, advance `speed` days per second in ticks of `TICK_SECONDS`: one redraw per
    tick at most, however fast the model runs (the throttle). A tick that took longer than
    `TICK_SECONDS` to show is followed at once by the next, never by a backlog."""

    def loop(session: Session, state: DashboardState):
        while state.playing.value:
            started = time.monotonic()
            n_days = max(1, round(state.speed.value * TICK_SECONDS))
            actions.step(session, state, n_days)
            if not session.model.running:
                state.playing.value = False
                return
            time.sleep(max(0.0, TICK_SECONDS - (time.monotonic() - started)))

    solara.lab.use_task(weakly(loop, session, state), dependencies=[playing],
                        prefer_threaded=True)


@solara.component
def Page():
    """The app solara serves: one `Dashboard` per browser session."""
    Dashboard()


@solara.component
def Dashboard(on_session: Callable[[Session], None] | None = None):
    """Composes the page. It reads only `revision` (a rebuild or an intervention) and the fan
    task, never the day: a step re-renders `LiveDay` alone, and every other component gets
    arguments that are equal from one step to the next, so Solara skips it. `on_session` hands
    the session's controller to a caller (the benchmark reads its step latencies)."""
    session, state = use_dashboard_state()
    frame = solara.use_memo(LiveFrame, [])
    solara.use_effect(lambda: on_session(session) if on_session else None, [])
    revision = state.revision.value  # a rebuild or an intervention: the fan key changes with it
    fan_task = solara.lab.use_task(weakly(Session.compute_fan, session),
                                   dependencies=[session.fan_key],
                                   raise_error=False)
    # A fan the server already has (every student after the first opening a preset) is shown in
    # the first render, not one render and one round trip to the browser later.
    cached = solara.use_memo(session.cached_fan, [session.fan_key])
    fan: Fan | None = fan_task.value if fan_task.finished else (
        cached if cached is not None else fan_task.latest)
    fan_error = None
    if fan_task.error and not isinstance(fan_task.exception, Superseded):
        fan_error = f"The fan could not be computed: {fan_task.exception}"
    lessons, lessons_error = solara.use_memo(page_lessons, [])
    link_lesson = solara.use_reactive(None)  # a lesson the opening address names

    errors = solara.use_reactive(FieldErrors())

    solara.Title("conflictsim — the war in Ukraine and the talks")
    solara.Style(PAGE_CSS + TIP_CSS)
    AddressFollowsSettings(session, state, lessons, link_lesson.set)
    with solara.Row(classes=["dashboard"], gap="16px"):
        with solara.Column(classes=["sidebar"], gap="8px"):
            MarkdownText("### conflictsim\nA teaching model of the war in Ukraine and the talks "
                         "around it: not a forecast.")
            Glossary(["glossary-top"])
            Sidebar(session, state, errors)
        with solara.Column(classes=["main"], gap="8px"):
            # The war first: the date and the map fill the first screen; the help and the
            # lessons follow it.
            LiveDay(session, state, frame, fan, revision)
            MessageBox(state.message)
            FanSection(fan, fan_task.pending, fan_error, session.settings.n_runs)
            if state.opened_row.value is not None:
                SweepRowCheck(state.opened_row.value, fan)
            with solara.Div(classes=["chart-pair"]):
                FramedImage(frame.front_map.widget, "map", map_caption(session.start_date))
                FramedImage(frame.sectors, "sectors", frame.sector_caption)
            StartHereMemory(not state.show_start.value, lambda: state.show_start.set(False))
            if state.show_start.value:
                StartHere(on_close=lambda: state.show_start.set(False))
            if lessons_error:
                solara.Error(f"The lessons could not be loaded: {lessons_error}",
                             classes=["lessons-error"])
            LessonPanel(lessons,
                        on_start=lambda lesson: actions.start_lesson(session, state, lesson),
                        on_run=weakly(actions.run_lesson, session, state),
                        initial=link_lesson.value)
            FramedImage(frame.overview, "overview",
                        overview_caption(session.settings, session.start_date))
            OutcomeChart(fan, session.model.days, session.start_date)
            Glossary()
            ComparePanel(session, state, fan)
            with solara.Card("What happens in the highlighted run", classes=["event-log"]):
                solara.Column(children=[frame.log], gap="0px")
            ExportPanel(session, fan)
            AboutPanel()


ADDRESS_SETTLE_S = 1.0  # the settings hold still this long before the address follows them


@solara.component
def AddressFollowsSettings(session: Session, state: DashboardState, lessons,
                           on_lesson: Callable[[str | None], None]):
    """The page's address follows its settings, so a reload (F5) opens the same settings and
    the browser's Back and Forward step through them. Its query string is the shared link's
    (`settings.address_query`, built on `settings_to_query`); an address the student opens or
    moves to is applied as a shared link is (`actions.open_link`), and the lesson the opening
    address names goes to `on_lesson`.

    A change is written once the settings have held still for `ADDRESS_SETTLE_S`: a dragged
    slider sends a value per step (and a loaded server may take longer than that to handle
    each), and each address written is an entry in the browser's history. Only this component
    reads the router, so a new address re-renders it alone, never the page (a play loop runs
    on). Each session has its own router and address: a student's address never moves
    another's page."""
    router = solara.use_router()
    search = router.search or ""
    chosen = state.chosen.value
    followed = solara.use_ref(None)  # the address last opened or written (None: not yet)
    written = solara.use_ref(None)  # the settings that address holds

    def open_address():
        if search == followed.current:
            return  # the address this page wrote, coming back from the router
        if followed.current is None:
            on_lesson(actions.lesson_in_link(search, lessons))
        followed.current = search
        actions.open_link(session, state, search)
        written.current = state.chosen.peek()

    def follow_settings():
        if chosen == written.current or router.set_path is None:  # no router: a test renders it
            return None

        def write():
            # The session's settings, not the page's copy: a change still being handled (its
            # render not done, as under load a slider's next step is) has moved them already,
            # and the timer its render starts writes instead
            if session.chosen != chosen:
                return
            query = address_query(chosen, followed.current)
            followed.current, written.current = query, chosen
            router.push(f"{router.path}?{query}")

        timer = threading.Timer(ADDRESS_SETTLE_S, write)
        timer.daemon = True
        timer.start()
        return timer.cancel

    solara.use_effect(open_address, [search])
    solara.use_effect(follow_settings, [chosen])


MAP_CAPTION = ("A sketch, not a survey map: each of the twelve sectors moves by the depth the "
               "model gives it.")
EARLIER_START_NOTE = (" From an earlier start the sectors' moves since the start are drawn from "
                      "the line of 30 Nov 2024: the start's own line is not in the shipped data.")


def map_caption(start) -> str:
    """The map's caption; from a start before 1 Dec 2024 it says what the line drawn is."""
    return MAP_CAPTION + (EARLIER_START_NOTE if start != sim.calendar.START_DATE else "")


HISTORY_NOTE = ("The black line with white dots (one at each month's start) is what really "
                "happened, DeepStateMap's map to 30 Nov 2024: compare the runs with it. ")


def overview_caption(settings: Settings, start=sim.calendar.START_DATE) -> str:
    """The overview's caption; from a start before the data's end it says what the line of
    what happened is."""
    return (f"Shaded bands hold 50 % and 90 % of the {settings.n_runs} runs, the coloured line is "
            f"their median. The dark line is one of those runs followed day by day, the "
            f"highlighted run; dotted, the days it still has to come. "
            + (HISTORY_NOTE if history_follows(start) else "")
            + highlighted_words(settings))


def highlighted_words(settings: Settings) -> str:
    """What "seed 0, run 0" means, in words."""
    return (f"“Seed {settings.seed}, run {settings.run_offset}” names it: the seed is the number "
            f"the model's random draws start from, the run is which run of that seed (counted "
            f"from 0), so anyone who types the same two numbers under “Open a run” sees the "
            f"same run, and each preset's run {settings.run_offset} meets the same luck. In a "
            f"panel with two series (two countries, or US and European aid) each has its own "
            f"dark line.")


@dataclass(frozen=True)
class FieldErrors:
    """The last refusal and the field it belongs to ("typed", "run", "sweep"), shown next to
    that field; the student's next action clears it."""

    field: str | None = None
    message: str | None = None

    def of(self, field: str) -> str | None:
        return self.message if self.field == field else None


def scenario_heading(chosen: Settings) -> str:
    """The preset's title, and the student's changes if any: "Status quo, with your changes:
    US aid after Jan 2025: 30 % of the 2024 level"; and when a sweep row's runs drew no
    parameters (its fan is narrower: luck only), that too."""
    title = sim.SCENARIOS[chosen.scenario].title
    if chosen.uncertainty == "off":
        title += " (every run at the declared defaults: the spread is luck only)"
    preset = chosen.preset()
    names = dict.fromkeys([name for name, _ in chosen.overrides]
                          + [name for _, values in chosen.changes for name, _ in values])
    changed = [(name, chosen.value(name)) for name in names
               if chosen.value(name) != preset.value(name)]
    if not changed:
        return title
    words = "; ".join(f"{sim.params.short_label(sim.PARAMS[n])}: "
                      f"{sim.params.plain_value(sim.PARAMS[n], v)}" for n, v in changed)
    return f"{title}, with your changes: {words}"


@solara.component
def Sidebar(session: Session, state: DashboardState, errors: solara.Reactive[FieldErrors]):
    """Scenario, play controls, sliders and run openers. Reads the chosen settings and whether
    the run has started, both unchanged by a day's step. A refusal is shown beside its field
    and goes away at the student's next action."""
    chosen = state.chosen.value
    started = state.started.value
    folded = solara.use_reactive(True)  # only a narrow window folds the settings

    def clear() -> None:
        """The student acts again: last action's refusal, wherever shown, goes."""
        errors.set(FieldErrors())
        state.message.set(None)

    def acting(action: Callable[[], None], field: str | None = None) -> None:
        """Run an action; a refusal it leaves in `state.message` moves beside `field`."""
        clear()
        action()
        if field and state.message.value:
            errors.set(FieldErrors(field, plain_message(state.message.value)))
            state.message.set(None)

    def on_typed(name, text):
        clear()
        try:
            value = parse_value(name, text)
        except sim.params.InputError as err:
            errors.set(FieldErrors("typed", input_error_text(err)))
            return
        acting(lambda: actions.apply_setting(session, state, name, value), "typed")

    with solara.Column(classes=["sidebar-inner", "folded" if folded.value else "unfolded"],
                       gap="8px"):
        ScenarioPicker(chosen.scenario, lambda name: acting(
            lambda: actions.choose_scenario(session, state, name)))
        StartPicker(chosen.start_date, lambda date: acting(
            lambda: actions.choose_start(session, state, date)))
        PlayBar(session, state, clear)
        solara.Button("Hide settings" if not folded.value else "Show settings",
                      icon_name="mdi-tune", on_click=lambda: folded.set(not folded.value),
                      classes=["settings-toggle"], outlined=True)
        with solara.Column(classes=["sidebar-body"], gap="8px"):
            ParameterPanel({name: chosen.value(name) for name in KEY_PARAMETERS},
                           lambda name, value: acting(
                               lambda: actions.apply_setting(session, state, name, value)),
                           on_reset_preset=lambda: acting(
                               lambda: actions.reset(session, state, chosen.preset())),
                           started=started, finished=state.finished.value)
            SettingsFiles(settings_to_toml(chosen), settings_to_query(chosen),
                          on_open_file=lambda name, data: acting(
                              lambda: actions.open_settings_file(session, state, name, data)))
            TypedValue(on_typed, errors.value.of("typed"))
            RunOpener(session.settings.seed, session.settings.run_offset,
                      lambda s, r: acting(lambda: actions.open_run(session, state, s, r), "run"),
                      errors.value.of("run"))
            library = solara.use_memo(library_from_env, [])
            if library is not None:
                SweepRowOpener(library.names(), lambda name, row: acting(
                    lambda: actions.open_sweep_row(session, state, library, name, row)))


def plain_message(message: str) -> str:
    """A refusal from the session controller with any parameter's code name as its label."""
    from .components.controls import plain_text
    return plain_text(message)


DOUBLE_CLICK_S = 0.5  # a Pause this soon after Play is a double-click's second click


@solara.component
def PlayBar(session: Session, state: DashboardState, on_action: Callable[[], None]):
    """Play, pause, steps, reset and speed; also hosts the play loop. Reads `playing`, `speed`
    and `finished`, which change on a click, not on a step. `on_action` hears every click."""
    playing = state.playing.value
    use_play_loop(session, state, playing)
    played_at = solara.use_ref(-DOUBLE_CLICK_S)

    def then(action: Callable[[], Any]) -> Callable[..., None]:
        def handler(*args):
            on_action()
            action(*args)
        return handler

    def play():
        played_at.current = time.monotonic()
        state.playing.set(True)

    def pause():
        # Pause takes Play's place on the page, so a double-click on Play would land its second
        # click on Pause and stop the run it just started
        if time.monotonic() - played_at.current >= DOUBLE_CLICK_S:
            state.playing.set(False)

    PlayControls(playing, state.finished.value, state.speed.value, SPEEDS,
                 on_play=then(play), on_pause=then(pause),
                 on_step=then(lambda n: actions.step(session, state, n)),
                 on_reset=then(lambda: actions.reset(session, state)),
                 on_speed=state.speed.set,
                 on_month=then(lambda: actions.step_month(session, state)),
                 lesson_running=state.lesson_running.value)


@solara.component
def SweepRowCheck(opened: SweepRow, fan: Fan | None):
    """The sweep's stored `occupied_km2_final` beside the replayed one: member 0 of the day-0 fan
    built from the row's settings is the row's run, so the two must be equal."""
    replayed = None
    if fan is not None and fan.settings == opened.settings and fan.from_day == 0 \
            and not fan.interventions:
        replayed = float(fan.trajectories["occupied_km2"][0, -1])
    SweepRowReadout(opened.name, opened.row_index, opened.settings.seed,
                    opened.settings.run_offset, opened.stored_occupied_final, replayed)


@solara.component
def MessageBox(message: solara.Reactive[str | None]):
    if message.value:
        with solara.Column(classes=["input-error"]):
            solara.Error(message.value)


@solara.component
def LiveDay(session: Session, state: DashboardState, frame: LiveFrame,
            fan: Fan | None, revision: int):
    """Keeps the session's `LiveFrame` (date, overview, sector view, event log; placed in the
    page by `Dashboard`) drawn at the current day: on each new day by a subscription to
    `state.day`, in place (see `live.py` for why not by a render). This component re-runs only
    on a new fan, rebuild or intervention (`revision`), to load the frame with new drawing
    sources; it never reads the day, so a step does not re-render it. Shows the date line."""
    model = session.model
    interventions = session.interventions
    traj = fan.trajectories if fan is not None else model.trajectories
    sectors = solara.use_memo(lambda: plots.SectorView(SECTOR_NAMES), [id(model)])
    log = solara.use_memo(lambda: LiveEventLog(start=session.start_date, days=model.days,
                                               track=session.track.arrays),
                          [id(model)])
    heading = scenario_heading(state.chosen.peek())
    highlighted = highlighted_text(session.settings)
    # No chart before the first fan: drawing the overview from the model alone would take the
    # CPU the fan needs, for a picture replaced half a second later.
    content = solara.use_memo(
        lambda: live_content(model, traj, interventions, session.start_date, heading, sectors,
                             log, PHASE_NAMES, highlighted) if fan is not None else None,
        [id(traj), interventions, id(model), heading])
    solara.use_effect(lambda: frame.load(content, lambda: session.model, state.day.peek())
                      if content is not None else None, [content])

    def follow_days():
        def on_day(day: int) -> None:
            if frame.show(day):
                session.latencies.end()
        return state.day.subscribe(on_day)

    solara.use_effect(follow_days, [])
    solara.Column(children=[frame.date], classes=["date-banner"])


def highlighted_text(settings: Settings) -> str:
    """Which run the black line follows: "seed 0, run 0"."""
    return f"seed {settings.seed}, run {settings.run_offset}"


@solara.component
def FramedImage(image, name: str, caption):
    """A live chart (carrying its own text alternative) with its caption (text, or a live
    caption widget)."""
    label = caption if not isinstance(caption, str) else solara.HTML(
        tag="div", unsafe_innerHTML=html.escape(caption), classes=["figure-caption"])
    solara.Column(children=[image, label], classes=[f"figure-{name}", "figure"], gap="2px")


@solara.component
def FanSection(fan: Fan | None, pending: bool, error: str | None, n_runs: int):
    """The fan's state and its readout. The readout's dates are the fan's own: while new runs
    are computed the last fan stays in view, said to be the last one (a student saw the new
    start date over the old runs' numbers)."""
    FanStatus(pending, fan.from_day if fan else None, n_runs, error)
    if fan is not None:
        FanReadout(fan.median("occupied_km2"), fan.trajectories["occupied_km2"][0],
                   fan.settings.simulate_kwargs(), fan.from_day,
                   sim.calendar.parse_start(fan.settings.start_date), previous=pending)


@solara.component
def OutcomeChart(fan: Fan | None, days: int, start):
    png = solara.use_memo(lambda: outcome_png(fan, days, start) if fan is not None else None,
                          [fan])
    if png is not None:
        FigureImage(png, "outcomes", "How the runs stand at the end of the two years.",
                    outcome_alt(fan.outcome_counts, sim.calendar.date_of(days, start)))


def outcome_png(fan: Fan, days: int, start) -> bytes:
    """The outcome chart of a fan, drawn once per server process."""
    return SHARED_DRAWINGS.get(fan, ("outcomes", days, start), lambda: plots.figure_png(
        plots.outcome_figure(fan.outcome_counts, sim.calendar.date_of(days, start))))


def outcome_alt(counts: dict[str, int], horizon) -> str:
    total = max(sum(counts.values()), 1)
    shares = ", ".join(f"{name} {count / total:.0%}" for name, count in counts.items())
    return f"Bar chart: how the {total} runs stand on {plots.day_text(horizon)}: {shares}."


@solara.component
def ExportPanel(session: Session, fan: Fan | None):
    """Downloads built when clicked (figures at the current day), so a step re-renders nothing
    here."""
    model = session.model
    traj = fan.trajectories if fan is not None else model.trajectories
    # Solara's FileDownload drops a click in progress when its data changes, and a new closure
    # is a change: the makers and tables are kept while the session and the fan are the same, so
    # a re-render (e.g. the fan turning ready after a Reset) cannot turn a download into "null"
    pngs = solara.use_memo(lambda: figure_downloads(session, fan), [session, fan])
    outcomes = solara.use_memo(
        lambda: None if fan is None else outcomes_table(
            fan.outcomes, scenario_heading(fan.settings), fan.settings.overrides,
            fan.interventions, fan.from_day), [fan])
    # said once there is a fan: a model's own trajectories, cached, would keep it alive
    sizes = solara.use_memo(lambda: {} if fan is None else export_sizes(
        fan.trajectories, model.run_indices, session.settings.seed, session.start_date),
        [fan, id(model)])
    ExportDownloads(pngs, traj, outcomes, model.run_indices, session.settings.seed,
                    session.start_date, sizes)


def export_sizes(traj, run_indices: np.ndarray, seed: int, start) -> dict[str, float]:
    """The runs' files' sizes for these trajectories, estimated once per server process: a
    class opening the same preset shares its day-0 fan, and each page estimating them again
    cost 70 ms of CPU in its first render."""
    return SHARED_DRAWINGS.get(traj, ("export sizes", tuple(run_indices), seed, start),
                               lambda: runs_file_sizes(traj, run_indices, seed, start))


def figure_downloads(session: Session, fan: Fan | None) -> dict[str, Callable[[], bytes]]:
    """PNG makers for the figures on screen, run when a download is clicked (full redraws at the
    day the student is looking at, never on a step). They read the session's model when
    clicked, not when this panel was last drawn: after a Reset the panel keeps its arguments
    (the day-0 fan is the same object) while the model is a new one at day 0."""

    def overview() -> bytes:
        model = session.model
        traj = fan.trajectories if fan is not None else model.trajectories
        return plots.figure_png(overview_at(
            traj, model.days, model.day, tuple(d for d, _ in session.interventions),
            session.start_date, PHASE_NAMES, highlighted_text(session.settings)))

    def sectors() -> bytes:
        model = session.model
        return plots.figure_png(plots.sector_figure(
            model.state.depth_km, SECTOR_NAMES, sim.calendar.date_of(model.day, session.start_date)))

    makers = {"overview": overview, "sectors": sectors}
    if fan is not None:
        makers["outcomes"] = lambda: plots.figure_png(plots.outcome_figure(
            fan.outcome_counts, sim.calendar.date_of(session.model.days, session.start_date)))
    return makers


@solara.component
def ComparePanel(session: Session, state: DashboardState, fan: Fan | None):
    """Any two of: the student's settings (the live fan, with interventions), a preset, a
    settings file opened this session; and every preset side by side. The time axis is marked at
    the fan's start day, not today, so a step does not redraw it."""
    variable = state.compare_variable.value
    first, second = state.compare_first.value, state.compare_with.value
    saved = state.saved.value
    title, unit, scale = COMPARE_VARIABLES[variable]
    show_presets = solara.use_reactive(False)

    def day0(session: Session, key: str):
        chosen = comparison.settings_for(key, session.settings, saved)
        return None if chosen is None else comparison.day0_trajectories(chosen, session.shared_fans)

    compare_task = solara.lab.use_task(
        weakly(lambda session: (day0(session, first), day0(session, second)) if second else None,
               session),
        dependencies=[first, second, session.settings, saved], raise_error=False)
    wanted = show_presets.value
    presets_task = solara.lab.use_task(
        weakly(lambda session: comparison.preset_overview(session.settings, session.shared_fans)
               if wanted else None, session),
        dependencies=[show_presets.value, session.settings], raise_error=False)
    with solara.Card("Compare", classes=["compare-panel"]):
        CompareChooser(first, second, variable, comparison.comparison_options(saved, True),
                       {k: v[0] for k, v in COMPARE_VARIABLES.items()},
                       on_first=state.compare_first.set, on_second=state.compare_with.set,
                       on_variable=state.compare_variable.set)
        if compare_task.pending:
            solara.ProgressLinear(True)
            solara.Text("Computing the other ensemble…")
        loaded = compare_task.value if compare_task.finished else None
        if fan is not None and loaded is not None:
            series = tuple(
                plots.ComparedSeries(comparison.label_for(key, saved),
                                     (runs if runs is not None else fan.trajectories)[variable])
                for key, runs in zip((first, second), loaded))
            marks = plots.time_marks(session.model.days, fan.from_day,
                                     fan.trajectories["talks_phase"][0],
                                     tuple(d for d, _ in fan.interventions),
                                     start=session.start_date)
            ComparisonView(series, title, unit, scale, marks)
        PresetsOverview(presets_task.value if presets_task.finished else None,
                        presets_task.pending, variable, title, unit, scale, session.model.days,
                        on_show=lambda: show_presets.set(True))


@solara.component
def ComparisonView(series: tuple[plots.ComparedSeries, ...], title: str, unit: str, scale: float,
                   marks: plots.TimeMarks):
    png = solara.use_memo(
        lambda: plots.figure_png(plots.comparison_figure(title, unit, series, marks, scale)),
        [tuple(id(s.runs) for s in series), title, marks.today])
    finals = [float(np.median(s.runs[:, -1])) / scale for s in series]
    alt = f"{title} over time, two fans: " + "; ".join(
        f"{s.label}, median {final:,.3g} {unit} at the end" for s, final in zip(series, finals))
    FigureImage(png, "compare", "Both use the same random draws, so the difference comes from "
                "the settings alone.", alt)
    CompareReadout([s.label for s in series], finals, unit)


# -- open pages: the teacher's count, and memory given back ------------------------------------------
class OpenPages:
    """How many student pages this server holds (Solara's kernels), printed to the teacher's
    terminal whenever it changes. When a page's kernel closes (its tab closed, or culled
    `--session-timeout` after the connection dropped), its objects are collected and the C
    allocator is asked to hand freed memory back to the system: without that a server that has
    seen a class keeps their memory for the rest of the day."""

    def __init__(self, report: Callable[[str], None] | None = None):
        self.lock = threading.Lock()
        self.count = 0
        self.report = report or (lambda text: print(text, flush=True))

    def opened(self) -> Callable[[], None]:
        with self.lock:
            self.count += 1
            count = self.count
        self.report(f"conflictsim: {count} student page(s) open")
        return self.closed

    def closed(self) -> None:
        with self.lock:
            self.count -= 1
            count = self.count
        self.report(f"conflictsim: {count} student page(s) open")
        # the kernel's objects go once its close has finished: collect a moment later
        threading.Timer(2.0, give_memory_back).start()


def give_memory_back() -> None:
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        libc = ctypes.CDLL(libc_name)
        if hasattr(libc, "malloc_trim"):  # glibc
            libc.malloc_trim(0)


OPEN_PAGES = OpenPages()


# -- a warm start (`dashboards.server` runs it when the server starts) ---------------------------
def warm_up(settings: Settings | None = None) -> None:
    """Make what the default page shows before any student asks: the day-0 fan (in the shared
    fan cache), the overview and outcome charts drawn from it, its export's sizes and the map's
    background (all made once per process). The first student's page is then as quick as the
    next ones. A student who arrives while this runs waits for the same fan instead of
    computing another."""
    from .frontmap import vector_background

    session = Session(settings)
    fan = session.compute_fan()
    overview_drawing(fan.trajectories, session.model.days, (), session.start_date, PHASE_NAMES,
                     highlighted_text(session.settings))
    outcome_png(fan, session.model.days, session.start_date)
    export_sizes(fan.trajectories, session.model.run_indices, session.settings.seed,
                 session.start_date)
    vector_background(True)

