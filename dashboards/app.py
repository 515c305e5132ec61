"""The students' dashboard: `solara run dashboards.app` (or `conflictsim dashboard`).

`Page` only composes: it creates the session's state (`state.use_dashboard_state`), starts the
two background jobs (the play loop and the fan), builds figures with the pure builders in
`plots.py` and hands data to components that send `on_*` callbacks back.

Mesa's visualisation pieces and ours. Mesa's `SolaraViz` fits a model whose parameters are set
once and whose plots read one model's `DataCollector`; its `ModelController` rebuilds the model
from `model_params` on every reset. Here a slider during a run must be an intervention from the
current day (`ConflictModel.intervene`), the plots are fans over a 200-run ensemble recomputed in
a cancellable task, two ensembles share axes for comparison, and play needs day/month steps and
a throttled redraw. So the page drives `ConflictModel` (a `mesa.Model`) with its own controller
(`state.Session`) and components, following the same Solara patterns `SolaraViz` uses (a
per-session model built inside the page, `use_task` for the play loop, matplotlib figures), and
the same model can still be shown in `SolaraViz` unchanged (it keeps Mesa's `step()` and
keyword-only constructor).
"""

from __future__ import annotations

import time

import numpy as np
import solara
import solara.lab

import sim
from sim.sectors import SECTOR_NAMES
from sim.state import PHASE_NAMES

from . import plots
from . import state as st
from .components.controls import (CompareControls, ParameterPanel, PlayControls, RunOpener,
                                   ScenarioPicker, TypedValue, KEY_PARAMETERS)
from .components.views import (AboutPanel, CompareReadout, DateBanner, EventLog, ExportPanel,
                               FanReadout, FanStatus, FigureImage)
from .events import run_events

SECTOR_REDRAW_DAYS = 15  # while playing, the sector view is redrawn every this many days

COMPARE_VARIABLES = {
    "occupied_km2": ("Occupied area of Ukraine", "thousand km²", 1000.0),
    "russia_economic_pressure": ("Economic pressure on Russia", "index 0-1", 1.0),
    "ukraine_economic_pressure": ("Economic pressure on Ukraine", "index 0-1", 1.0),
    "grid_gw": ("Ukraine's grid capacity", "GW", 1.0),
    "ukraine_support": ("Domestic support in Ukraine", "share", 1.0),
    "us_aid_bn_usd_yr": ("US aid", "bn USD / year", 1.0),
    "russia_casualties": ("Russian casualties", "thousand", 1000.0),
    "ukraine_casualties": ("Ukrainian casualties", "thousand", 1000.0),
}


def use_play_loop(session: st.Session, state: st.DashboardState) -> None:
    """While playing, advance `speed` days per second in ticks of `TICK_SECONDS`: one redraw per
    tick at most, however fast the model runs (the throttle)."""

    def loop():
        while state.playing.value:
            started = time.monotonic()
            n_days = max(1, round(state.speed.value * st.TICK_SECONDS))
            st.step(session, state, n_days)
            if not session.model.running:
                state.playing.value = False
                return
            time.sleep(max(0.0, st.TICK_SECONDS - (time.monotonic() - started)))

    solara.lab.use_task(loop, dependencies=[state.playing.value], prefer_threaded=True)


@solara.component
def Page():
    session, state = st.use_dashboard_state()
    chosen = state.chosen.value
    day = state.day.value
    _ = state.revision.value  # re-render on interventions and rebuilds
    use_play_loop(session, state)

    fan_task = solara.lab.use_task(session.compute_fan, dependencies=[session.fan_key],
                                   raise_error=False)
    fan: st.Fan | None = fan_task.value if fan_task.finished else fan_task.latest
    fan_error = None
    if fan_task.error and not isinstance(fan_task.exception, st.Superseded):
        fan_error = f"The fan could not be computed: {fan_task.exception}"

    compare_task = solara.lab.use_task(
        lambda: st.compare_ensemble(session.settings, state.compare_with.value)
        if state.compare_with.value else None,
        dependencies=[state.compare_with.value, session.settings], raise_error=False)

    model = session.model
    start = session.start_date
    interventions = session.interventions
    traj = fan.trajectories if fan is not None else model.trajectories
    marks = plots.time_marks(model.days, day, model.trajectories["talks_phase"][0],
                             tuple(d for d, _ in interventions), start=start)
    live_overview = solara.use_memo(
        lambda: plots.live_figure(plots.overview_figure(
            traj, plots.time_marks(model.days, model.days, traj["talks_phase"][0],
                                   marks.interventions, start=start), PHASE_NAMES)),
        [id(traj), interventions])
    overview_png = solara.use_memo(lambda: live_overview.png(day), [live_overview, day])
    sector_day = day - day % SECTOR_REDRAW_DAYS if state.playing.value else day
    sector_png = solara.use_memo(
        lambda: plots.figure_png(plots.sector_figure(model.state.depth_km, SECTOR_NAMES,
                                                     sim.calendar.date_of(day, start))),
        [id(model), sector_day])
    outcome_png = solara.use_memo(
        lambda: plots.figure_png(plots.outcome_figure(fan.outcome_counts,
                                                      sim.calendar.date_of(model.days, start)))
        if fan is not None else None, [id(fan)])
    events = run_events(model.trajectories, day, interventions=interventions, start=start,
                        days=model.days)

    def on_play():
        state.playing.value = True

    def on_value(name, value):
        st.apply_setting(session, state, name, value)

    def on_typed(name, text):
        try:
            value = st.parse_value(name, text)
        except sim.params.InputError as err:
            state.message.value = str(err)
            return
        st.apply_setting(session, state, name, value)

    solara.Title("conflictsim — the war in Ukraine and the talks")
    solara.Style(".figure img { max-width: 100%; } .event-log ul { padding-left: 1.2em; }")
    with solara.Columns([1, 3], classes=["dashboard"]):
        with solara.Column(classes=["sidebar"]):
            solara.Markdown("### conflictsim\nA teaching model, not a forecast.")
            ScenarioPicker(chosen.scenario, lambda name: st.choose_scenario(session, state, name))
            PlayControls(state.playing.value, day, model.days, state.speed.value, st.SPEEDS,
                         on_play=on_play, on_pause=lambda: state.playing.set(False),
                         on_step=lambda n: st.step(session, state, n),
                         on_reset=lambda: st.reset(session, state),
                         on_speed=state.speed.set)
            ParameterPanel({name: chosen.value(name) for name in KEY_PARAMETERS}, on_value,
                           on_reset_preset=lambda: st.reset(session, state, chosen.preset()),
                           playing_day=day)
            TypedValue(on_typed)
            RunOpener(session.settings.seed, session.settings.run_offset,
                      lambda s, r: st.open_run(session, state, s, r))
        with solara.Column(classes=["main"]):
            DateBanner(day, model.days, start, sim.SCENARIOS[chosen.scenario].title)
            if state.message.value:
                with solara.Column(classes=["input-error"]):
                    solara.Error(state.message.value)
            FanStatus(fan_task.pending, fan.from_day if fan else None, session.settings.n_runs,
                      fan_error)
            if fan is not None:
                FanReadout(fan.median("occupied_km2"), fan.trajectories["occupied_km2"][0],
                           fan.settings.simulate_kwargs(), fan.from_day, start)
            FigureImage(overview_png, "overview",
                        "Fans: median, 50 % and 90 % of runs; black: highlighted run to today.")
            with solara.Columns([1, 1]):
                FigureImage(sector_png, "sectors", "Bars: highlighted run; dots: median of all runs.")
                if outcome_png is not None:
                    FigureImage(outcome_png, "outcomes", "How the ensemble's runs end at the horizon.")
            ComparePanel(session, state, fan, compare_task, marks)
            EventLog(events, start)
            ExportPanel({"overview": overview_png, "sectors": sector_png}
                        | ({"outcomes": outcome_png} if outcome_png else {}),
                        traj, fan.outcomes if fan is not None else None, model.run_indices,
                        session.settings.seed, start)
            AboutPanel()


@solara.component
def ComparePanel(session: st.Session, state: st.DashboardState, fan: st.Fan | None,
                 compare_task, marks: plots.TimeMarks):
    variable = state.compare_variable.value
    title, unit, scale = COMPARE_VARIABLES[variable]
    other = compare_task.value if compare_task.finished else None
    with solara.Card("Compare", classes=["compare-panel"]):
        CompareControls(state.compare_with.value, variable,
                        {k: v[0] for k, v in COMPARE_VARIABLES.items()},
                        on_compare_with=state.compare_with.set, on_variable=state.compare_variable.set)
        if compare_task.pending:
            solara.ProgressLinear(True)
            solara.Text("Computing the other ensemble…")
        if fan is None or other is None:
            return
        series = (plots.ComparedSeries("your settings", fan.trajectories[variable]),
                  plots.ComparedSeries(f"preset: {sim.SCENARIOS[state.compare_with.value].title}",
                                       other[variable]))
        ComparisonView(series, title, unit, scale, marks)


@solara.component
def ComparisonView(series: tuple[plots.ComparedSeries, ...], title: str, unit: str, scale: float,
                   marks: plots.TimeMarks):
    png = solara.use_memo(
        lambda: plots.figure_png(plots.comparison_figure(title, unit, series, marks, scale)),
        [tuple(id(s.runs) for s in series), title, marks.today])
    FigureImage(png, "compare", "Same seed and runs for both (common random numbers).")
    CompareReadout([s.label for s in series],
                   [float(np.median(s.runs[:, -1])) / scale for s in series], unit)
