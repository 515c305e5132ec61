"""Dashboard pieces without a browser: pure plots and events, the session controller, and the
components rendered with Solara's own test renderer (`solara.render`)."""

from __future__ import annotations

import html

import argparse
import datetime as dt
import ast
import os
import re
import threading
import time
from dataclasses import replace

import ipyvuetify as v
import numpy as np
import pytest
import solara

import sim
from conflictsim import dashboard as cli
from dashboards import events, plots
from dashboards.actions import choose_scenario, open_sweep_row
from dashboards.components.controls import KEY_PARAMETERS, ParameterControl, plain_text, slider_step
from dashboards.fan_cache import SharedFans, compare_ensemble
from dashboards.fans import (FAN_CHUNK_DAYS, Superseded, fresh_fan, fresh_to_horizon,
                             run_to_horizon)
from dashboards.reactive_state import DashboardState
from dashboards.session import Session
from dashboards.settings import Settings, parse_run_reference, parse_value
from dashboards.sweeps import SWEEPS_ENV, SweepLibrary
from sim.state import PHASE_NAMES

DAYS = 730


@pytest.fixture(scope="module")
def small_run():
    return sim.simulate("parallel_processes", runs=40, days=DAYS, seed=3)


# -- plots ------------------------------------------------------------------------------------
def test_bands_are_the_quantiles_over_runs():
    runs = np.arange(101, dtype=float)[:, None] * np.ones((1, 5))
    b = plots.bands(runs)
    assert np.allclose(b.median, 50) and np.allclose(b.p25, 25) and np.allclose(b.p75, 75)
    assert np.allclose(b.p05, 5) and np.allclose(b.p95, 95)


def test_time_marks_find_talks_changes_up_to_today_only():
    phase = np.zeros(DAYS + 1, dtype=np.int8)
    phase[100:] = 1
    phase[300:] = 2
    marks = plots.time_marks(DAYS, 200, phase, interventions=(150,))
    assert marks.talks_changes == ((100, 1),)
    assert marks.inauguration_day == sim.calendar.INAUGURATION_DAY == 50
    assert marks.winter[0] and not marks.winter[200]
    assert marks.interventions == (150,)


@pytest.mark.slow
def test_overview_figure_draws_every_panel_with_marks(small_run):
    marks = plots.time_marks(DAYS, 100, small_run.trajectories["talks_phase"][0], (60,))
    fig = plots.overview_figure(small_run.trajectories, marks, PHASE_NAMES)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    for word in ("Front line", "Economic pressure", "Talks phase", "grid", "support", "Aid",
                 "Casualties"):
        assert any(word in t for t in titles), word
    front = fig.axes[0]
    median = plots.bands(small_run.trajectories["occupied_km2"] / 1000.0).median
    assert any(np.array_equal(line.get_ydata(), median) for line in front.lines)
    assert any(list(line.get_xdata()) == [60, 60] for line in front.lines), "intervention marked"
    png = plots.figure_png(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    # a two-series panel's key sits above its data: no fan or line runs under it
    keyed = [ax for ax in fig.axes[1:] if ax.get_legend() is not None
             and "Talks" not in ax.get_title(loc="left")]
    assert len(keyed) == 4
    for ax in keyed:
        key_bottom = ax.transData.inverted().transform(
            ax.get_legend().get_window_extent().get_points())[0, 1]
        tops = [np.nanmax(line.get_ydata()) for line in ax.lines if len(line.get_ydata()) > 2]
        tops += [np.nanmax(p.get_paths()[0].vertices[:, 1]) for p in ax.collections
                 if p.get_paths()]
        assert max(tops) <= key_bottom, ax.get_title(loc="left")
        # the key hides the talks marks behind it, and the scale is numbered over the data only
        assert ax.get_legend().get_frame().get_alpha() == 1.0
        assert max(ax.get_yticks()) <= key_bottom, ax.get_title(loc="left")


@pytest.mark.slow
def test_sector_outcome_and_comparison_figures(small_run):
    depth = np.random.default_rng(0).normal(size=(40, 12))
    fig = plots.sector_figure(depth, sim.sectors.SECTOR_NAMES, sim.calendar.date_of(10))
    assert len(fig.axes[0].patches) == 12
    counts = {name: i for i, name in enumerate(sim.OUTCOME_CLASSES)}
    fig = plots.outcome_figure(counts, sim.calendar.date_of(DAYS))
    assert len(fig.axes[0].patches) == len(sim.OUTCOME_CLASSES)
    marks = plots.time_marks(DAYS, 0)
    series = (plots.ComparedSeries("mine", small_run.trajectories["grid_gw"]),
              plots.ComparedSeries("preset", small_run.trajectories["grid_gw"] + 1))
    fig = plots.comparison_figure("grid", "GW", series, marks)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "mine: median" in labels and "preset: median" in labels


# -- events -----------------------------------------------------------------------------------
def synthetic_run(days=300):
    z = np.zeros((1, days + 1))
    traj = {"talks_phase": z.astype(np.int8).copy(), "strike_wave_today": z.astype(bool).copy(),
            "refused_today": z.astype(bool).copy(), "last_offer_km2": np.full_like(z, np.nan),
            "moratorium": z.astype(bool).copy(), "us_aid_bn_usd_yr": np.full_like(z, 30.0)}
    traj["strike_wave_today"][0, [74, 75, 200]] = True
    traj["talks_phase"][0, 120:] = 1
    traj["talks_phase"][0, 230:] = 2
    traj["talks_phase"][0, 260:] = 0
    traj["refused_today"][0, [150, 212]] = True
    traj["last_offer_km2"][0, 150:] = 0.0
    traj["last_offer_km2"][0, 212:] = 9000.0
    traj["us_aid_bn_usd_yr"][0, 90:] = 10.0
    traj["occupied_km2"] = 111_000.0 + 10.0 * np.arange(days + 1)[None, :]  # 10 km² a day
    return traj


def test_events_read_like_the_issue():
    lines = [e.line() for e in events.run_events(synthetic_run(), today=300,
                                                 interventions=[(100, {"trump_aid_level": 0.3})])]
    text = "\n".join(lines)
    assert "28 Feb 2025: 1 strike wave on Ukraine's grid this month, in winter" in text, \
        "a wave lasting two days is one wave, told in the month's summary"
    assert "30 Jun 2025: 1 strike wave on Ukraine's grid this month" in text
    assert "strike wave" not in " ".join(line for line in lines if line.startswith("14 Feb 2025"))
    assert "31 Mar 2025: talks open in parallel with fighting" in text
    assert ("30 Apr 2025: Talks round: a deal is proposed (the front frozen where it is). "
            "It is refused") in text
    assert ("1 Jul 2025: Talks round: a deal is proposed (Ukraine giving up about 9,000 "
            "km² it still holds)") in text
    assert "19 Jul 2025: a ceasefire takes hold (Ukraine giving up about 9,000 km² it " \
        "still holds)" in text
    assert "18 Aug 2025: Moscow breaks the ceasefire and fighting resumes" in text
    assert "20 Jan 2025: Donald Trump is inaugurated as US president" in text
    assert "1 Mar 2025: Washington cuts aid from 30 to 10 bn USD a year" in text
    assert "11 Mar 2025: you set US aid after Jan 2025 to 30 % of the 2024 level" in text
    assert "31 Jan 2025: Russia gains 310 km² this month" in text
    assert "27 Sep 2025: Russia gains 270 km² since 1 Sep" in text, "the run ends mid-month"
    assert not [line for line in lines if re.search(r"\bday \d|\d{4}-\d\d-\d\d", line)], \
        "dates read as dates, not day numbers or ISO strings"
    days = [e.day for e in events.run_events(synthetic_run(), today=300)]
    assert days == sorted(days)


def test_the_log_shows_dates_with_the_day_number_in_a_tooltip():
    from dashboards.components.views import event_items
    told = events.run_events(synthetic_run(), today=100)
    items = event_items(told, sim.calendar.START_DATE)
    assert items.index('<time datetime="2025-03-01">1 Mar 2025</time>: Washington cuts aid') < \
        items.index('<time datetime="2025-01-20">20 Jan 2025</time>: Donald Trump'), "newest first"
    assert 'data-day="90" title="day 90 of the run"' in items


DECISION = re.compile(r"(Washington|Europe) (tightens|eases|cuts|raises|adopts)\D*"
                      r"from (\d+(?:\.\d+)?) to (\d+(?:\.\d+)?)")


def decisions(lines):
    """(who, verb, before, after) of each aid and sanctions decision in the log's lines."""
    return [(m[1], m[2], float(m[3]), float(m[4])) for m in map(DECISION.search, lines) if m]


def test_a_decision_says_the_level_it_moved_from_when_the_level_drifted_since_the_last():
    """US sanctions erode between decisions (Washington's blame fades): a tightening after that
    starts below the last level told, so its line says both levels, not "now 0.98" after
    "now 1.00" (which read as a cut)."""
    run = synthetic_run()
    us = np.full(301, 0.50)
    us[100:] = 1.00
    us[101:200] = np.linspace(1.00, 0.93, 99)  # a slip of under 0.01 a day: no decision
    us[200:] = 0.98
    us[250:] = 0.90
    run["us_sanctions"] = us[None, :]
    run["us_aid_bn_usd_yr"][0, 150:] = np.linspace(10.0, 8.0, 151)  # aid drifts, then jumps
    run["us_aid_bn_usd_yr"][0, 280:] = 20.0
    lines = [e.line() for e in events.run_events(run, today=300)]
    told = decisions(lines)
    assert told == [("Washington", "cuts", 30.0, 10.0), ("Washington", "tightens", 0.5, 1.0),
                    ("Washington", "tightens", 0.93, 0.98), ("Washington", "eases", 0.98, 0.9),
                    ("Washington", "raises", 8.0, 20.0)], lines
    assert "19 Jun 2025: Washington tightens sanctions from 0.93 to 0.98 on a scale from 0 " \
        "(none) to 1 (the most)" in lines, lines
    assert "7 Sep 2025: Washington raises aid from 8 to 20 bn USD a year" in lines
    assert not any("(now " in line for line in lines)
    # the second tightening starts below where the first left the index, and ends above its start
    (_, _, _, first_after), (_, _, before, after) = told[1:3]
    assert before < first_after and after > before


def test_every_decision_of_a_model_run_moves_the_way_its_verb_says():
    result = sim.simulate(scenario="new_administration", runs=4, days=730, seed=0)
    told = [d for run in range(4)
            for d in decisions([e.text for e in events.run_events(result.trajectories, 730, run)])]
    assert len(told) > 20
    for who, verb, before, after in told:
        assert (after > before) == (verb in ("tightens", "raises", "adopts")), (who, verb)
    eroded = [(a, b) for a, b in zip(told, told[1:]) if a[:2] == b[:2] == ("Washington", "tightens")
              and b[2] < a[3]]
    assert eroded, "the index slipped between two tightenings in some run, and the log shows it"


def test_events_stop_at_today():
    assert [e.day for e in events.run_events(synthetic_run(), today=100)] == [30, 50, 61, 89, 89, 90]


# -- the session controller -------------------------------------------------------------------
@pytest.mark.slow
def test_day_zero_fan_is_sim_simulate_for_the_same_settings():
    settings = Settings(scenario="freeze", n_runs=60).with_value("trump_aid_level", 0.42)
    fan = Session(settings).compute_fan()
    expected = sim.simulate(**settings.simulate_kwargs())
    assert np.array_equal(fan.trajectories["occupied_km2"], expected.trajectories["occupied_km2"])
    assert sum(fan.outcome_counts.values()) == 60


@pytest.mark.slow
def test_intervention_continues_each_member_from_today():
    session = Session(Settings(n_runs=30))
    before = session.compute_fan()
    session.step(40)
    session.intervene("trump_aid_level", 0.0)
    after = session.compute_fan()
    assert after.from_day == 40 and after.interventions == ((40, {"trump_aid_level": 0.0}),)
    us_aid = "us_aid_bn_usd_yr"
    assert np.array_equal(after.trajectories[us_aid][:, :41], before.trajectories[us_aid][:, :41])
    assert not np.array_equal(after.trajectories[us_aid][:, 60:], before.trajectories[us_aid][:, 60:])


def test_a_newer_fan_request_supersedes_an_older_one():
    """The request that started with token 4 runs while no newer one comes, and stops at its next
    check once one has (the token moved on)."""
    session = Session(Settings(n_runs=20, days=3 * FAN_CHUNK_DAYS))
    session.fan_token = 4
    checks = []

    def superseded() -> bool:
        stale = session.fan_token != 4
        checks.append(session.fan_token)
        if len(checks) == 2:
            session.fan_token = 5  # a student moves a slider during the second slice
        return stale

    with pytest.raises(Superseded):
        fresh_to_horizon(session.settings, superseded)
    assert checks == [4, 4, 5], "it checked between slices and stopped at the first check after"
    session.fan_token = 4
    finished = fresh_to_horizon(session.settings, lambda: session.fan_token != 4)
    assert finished.day == 3 * FAN_CHUNK_DAYS, "with no newer request it runs to the horizon"


def test_settings_refuse_bad_values_with_the_allowed_range():
    with pytest.raises(sim.ParamError, match=r"trump_aid_level=5.0 is not allowed: a number in \[0, 1.5\]"):
        Settings().with_value("trump_aid_level", 5.0)
    with pytest.raises(sim.ParamError, match="run index"):
        parse_run_reference("0", "-3")
    with pytest.raises(sim.ParamError, match="seed"):
        parse_run_reference("abc", "0")
    assert parse_value("putin_strategy", "freeze") == "freeze"
    assert parse_value("trump_pushes_talks", "off") is False
    assert Settings(scenario="freeze").value("putin_strategy") == "freeze"


# -- components (solara.render) ---------------------------------------------------------------
def test_slider_range_and_tooltip_come_from_params():
    spec = sim.PARAMS["trump_aid_level"]
    box, rc = solara.render(ParameterControl(spec, 0.7, lambda n, v: None), handle_error=False)
    slider = rc.find(v.Slider).widget
    # a multiple of the 2024 level moves in per cent
    assert (slider.min, slider.max, slider.step) == (spec.low * 100, spec.high * 100,
                                                      slider_step(spec) * 100)
    assert slider.v_model == 70
    texts = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]
    assert "now 70 % of the 2024 level (from 0 to 150 % of the 2024 level)" in texts
    label = next(t for t in texts if 'role="tooltip"' in t)
    assert label.startswith(html.escape(spec.label))
    tip = label[label.index('role="tooltip"'):]
    for words in (spec.label, "Allowed: 0 to 150 % of the 2024 level",
                  "Source: " + html.escape(plain_text(spec.source))):
        assert html.escape(words) in tip or words in tip, words
    assert all(name in sim.PARAMS for name in KEY_PARAMETERS)


def test_back_to_the_presets_values_says_it_starts_again_once_the_run_has_started():
    """Found by a student: mid-run, "Back to the preset's values" silently went back to day 0."""
    from dashboards.components.controls import ParameterPanel
    values = {name: Settings().value(name) for name in KEY_PARAMETERS}
    for started, label in ((False, "Back to the preset's values"),
                           (True, "Back to the preset's values, from day 0")):
        box, rc = solara.render(ParameterPanel(values, lambda n, v: None, lambda: None, started),
                                handle_error=False)
        assert rc.find(v.Btn, children=[label]).widget is not None


def test_a_change_on_the_runs_last_day_is_refused_in_words_that_say_why():
    """Found by a student: on the last day the panel said "a change now acts from today on", and
    a slider moved then was refused as "day=730 is not allowed: a whole number in [1, 729]"."""
    from dashboards import actions
    from dashboards.components.controls import ParameterPanel
    from dashboards.reactive_state import DashboardState
    from dashboards.session import RUN_ENDED_CHANGE, Session
    session = Session(Settings(n_runs=4, days=20))
    state = DashboardState.detached(session.settings)
    actions.step(session, state, 20)
    actions.apply_setting(session, state, "trump_aid_level", 0.5)
    assert state.message.value == RUN_ENDED_CHANGE and session.chosen.changes == ()
    assert state.finished.value
    values = {name: Settings().value(name) for name in KEY_PARAMETERS}
    box, rc = solara.render(ParameterPanel(values, lambda n, v: None, lambda: None, True, True),
                            handle_error=False)
    shown = " ".join(str(w.children) for w in rc.find(v.Alert).widgets)
    assert "reached its last day" in shown and "acts from today on" not in shown


def test_the_fan_readout_dates_are_the_fans_own_and_old_runs_are_said_to_be_old():
    """Found by a student: for the seconds a new start date's runs took, the headline gave the
    new date's horizon over the old runs' numbers."""
    import pandas as pd

    from dashboards.app import FanSection
    from dashboards.fans import Fan
    days = 730
    area = np.tile(np.linspace(110_000.0, 120_000.0, days + 1), (3, 1))
    fan = Fan(trajectories={"occupied_km2": area}, outcomes=pd.DataFrame({"outcome": []}),
              from_day=0, settings=Settings(start_date="2024-01-01", n_runs=3, days=days),
              interventions=())
    for pending, lead in ((False, "Russian-occupied area on 31 Dec 2025"),
                          (True, "Until the new runs are ready, the last ones: Russian-occupied "
                                 "area on 31 Dec 2025")):
        box, rc = solara.render(FanSection(fan, pending, None, 200), handle_error=False)
        text = html_with_class(rc, "fan-readout")[0].unsafe_innerHTML
        assert text.startswith(lead), text


def html_with_class(rc, name: str) -> list:
    """`solara.HTML` elements carry their classes in `attributes`, not in `class_`."""
    return [w for w in rc.find(solara.widgets.HTML).widgets
            if name in w.attributes.get("class", "").split()]


@pytest.mark.slow
def test_page_renders_steps_and_shows_bad_input_plainly():
    from dashboards.app import Page
    box, rc = solara.render(Page(), handle_error=False)
    wait_for_fan(rc)
    rc.find(v.Btn, children=["+1 month"]).widget.click()
    assert html_with_class(rc, "sim-date")[0].attributes["data-day"] == "31"
    rc.find(v.TextField, label="Value (%)").widget.v_model = "700"
    rc.find(v.Btn, children=["Apply"]).widget.click()
    message = rc.find(v.Alert, type="error").widget
    assert message.children == ["US aid after Jan 2025, share of the 2024 level: 700 % is not "
                                "allowed; allowed: 0 to 150 % of the 2024 level."]
    assert html_with_class(rc, "sim-date")[0].attributes["data-day"] == "31"


# -- command line -----------------------------------------------------------------------------
def test_cli_registers_dashboard_with_defaults():
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["dashboard"])
    assert (args.host, args.port, args.func, args.sweeps) == ("127.0.0.1", 8765, cli.run, None)
    command = cli.server_command(args.host, args.port)
    assert command[1:5] == ["-m", "solara", "run", "dashboards.server"] and "--production" in command
    assert cli.server_env({})["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    # Arrow's own allocator kept what the exports freed (see test_dashboard_memory_browser.py)
    assert cli.server_env({})["ARROW_DEFAULT_MEMORY_POOL"] == "system"
    with pytest.raises(SystemExit):
        parser.parse_args(["dashboard", "--port", "99999"])


# -- a step touches only the live frame -------------------------------------------------------
def test_live_event_log_equals_the_full_log_whatever_the_step_sizes(small_run):
    interventions = [(100, {"trump_aid_level": 0.3})]
    for run in range(4):
        log = events.LiveEventLog(run=run)
        for today in [0, 1, 2, 30, 31, 120, 121, 400, 730, 50, 51, 730]:  # 50 after 730: a reset
            assert list(log.upto(small_run.trajectories, today, interventions)) == \
                events.run_events(small_run.trajectories, today, run=run,
                                  interventions=interventions), (run, today)


def test_events_between_reads_only_the_days_asked_for():
    traj = synthetic_run()
    assert [e.day for e in events.events_between(traj, 75, 212)] == \
        [89, 89, 90, 120, 120, 150, 150, 181, 211, 211, 212]
    assert events.events_between(traj, 74, 74) == [], "a wave is told at the month's end"
    assert [e.kind for e in events.events_between(traj, 89, 89)] == ["front", "strikes"]
    assert events.events_between(traj, 10, 9) == []


def test_sector_view_draws_the_run_and_widens_only_when_the_front_leaves_its_axis():
    import re
    view = plots.SectorView(sim.sectors.SECTOR_NAMES)
    depth = np.random.default_rng(1).normal(2.0, 3.0, size=(50, 12))
    png, svg = view.frame(depth)
    first = view.live
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    widths = np.array([float(w) for w in re.findall(r'class="sector-bar"[^>]* width="([0-9.]+)"', svg)])
    assert len(widths) == 12
    assert np.allclose(widths / np.abs(depth[0]), widths[0] / abs(depth[0, 0]), rtol=0.02, atol=0.2), \
        "each bar is as long as the highlighted run's depth"
    colours = re.findall(r'class="sector-bar"[^>]* fill="([^"]+)"', svg)
    assert colours == [plots.RUSSIA if d >= 0 else plots.UKRAINE for d in depth[0]]
    lo, hi = first.limits
    assert lo <= depth.min() and depth.max() <= hi
    same_png, moved = view.frame(depth + 1.0)
    assert view.live is first and same_png is png, "a day inside the axis reuses the still background"
    assert moved != svg
    view.frame(depth + hi)
    assert view.live is not first and view.live.limits[1] >= (depth + hi).max()


def test_the_sector_view_on_day_0_says_what_it_will_show_and_the_note_goes_once_the_front_moves():
    from xml.etree import ElementTree

    view = plots.SectorView(sim.sectors.SECTOR_NAMES)
    _, day0 = view.frame(np.zeros((50, 12)))
    root = ElementTree.fromstring(day0)
    note = "".join(root.itertext())
    assert "Day 0: no sector has moved yet." in note and "highlighted run" in note
    rect = next(e for e in root.iter() if e.tag.endswith("rect") and e.get("fill") == "white")
    axes = view.live.figure.axes[0].bbox
    assert float(rect.get("x")) + float(rect.get("width")) <= axes.x1, "inside the axes"
    depth = np.zeros((50, 12))
    depth[:, 7] = 1.5
    _, moved = view.frame(depth)
    assert "sector-start-note" not in moved


@pytest.mark.slow
def test_the_overview_overlay_draws_the_highlighted_run_up_to_today_only():
    import re
    traj = sim.simulate("status_quo", runs=10, days=DAYS, seed=2).trajectories
    live = plots.live_figure(plots.overview_figure(traj, plots.time_marks(DAYS, DAYS), PHASE_NAMES))
    for today in (0, 100, DAYS):
        lines = re.findall(r'<polyline points="([^"]+)"', live.overlay(today))
        assert len(lines) == len(live.reveal) and all(len(p.split()) == today + 1 for p in lines)
    front, run = live.reveal[0]
    x, y = re.findall(r'<polyline points="([^"]+)"', live.overlay(100))[0].split()[100].split(",")
    expected = front.axes.transData.transform((100, run[100]))
    assert abs(float(x) - expected[0]) < 0.1
    assert abs(float(y) - (live.layer.height - expected[1])) < 0.1


def test_a_newer_request_abandons_a_projected_fan_mid_way():
    session = Session(Settings(n_runs=20))
    session.step(40)
    session.intervene("trump_aid_level", 0.0)
    twin = session.model.projection(record=True, run=False)
    answers = iter([False, True])
    with pytest.raises(Superseded):
        run_to_horizon(twin, lambda: next(answers))
    assert twin.day == 40 + FAN_CHUNK_DAYS, "stopped after one slice, not at the horizon"
    assert session.day == 40, "the live model is untouched"


def wait_for_fan(rc, timeout=60):
    deadline = time.monotonic() + timeout
    while not html_with_class(rc, "fan-readout") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert html_with_class(rc, "fan-readout"), "the fan appears"


def reaches(root, target) -> bool:
    """Whether `target` can be reached from `root` through objects and functions' closures (not
    their modules' globals, nor classes and modules, which every function reaches)."""
    import gc
    import types

    stack, seen = [root], set()
    while stack:
        obj = stack.pop()
        if obj is target:
            return True
        if id(obj) in seen or isinstance(obj, (types.ModuleType, type, types.FrameType)):
            continue
        seen.add(id(obj))
        if isinstance(obj, types.FunctionType):
            for cell in obj.__closure__ or ():
                try:
                    stack.append(cell.cell_contents)
                except ValueError:  # a cell not filled yet
                    pass
            stack.extend(obj.__defaults__ or ())
        else:
            stack.extend(gc.get_referents(obj))
    return False


def kept_task_functions() -> list:
    """The first function given to each Solara task so far. Solara 1.58 keeps it for the
    server's life: in the factory of the task's store, whose reset it registers to run at every
    kernel start (`solara.lifecycle`). What the store holds for a page (its task, the task's
    latest function and value) goes with the page's kernel; not this."""
    from solara import lifecycle

    kept = []
    for entry in list(lifecycle._on_kernel_start_callbacks):
        for cell in entry.callback.__closure__ or ():
            factory = getattr(getattr(cell.cell_contents, "_storage", None), "factory", None)
            for held in getattr(factory, "__closure__", None) or ():
                if callable(held.cell_contents) and not isinstance(held.cell_contents, type):
                    kept.append(held.cell_contents)
    return kept


@pytest.mark.slow
def test_no_function_solara_keeps_for_the_servers_life_holds_a_pages_session(tmp_path,
                                                                             monkeypatch):
    """A lesson's run is a Solara task (it runs in a thread while the page says how far it has
    got), and Solara 1.58 keeps the first function given to each task for the server's life:
    the page hands the lesson's task its run holding the session weakly (`app.weakly`), as the
    fan, comparison and play tasks do, so a closed page's session and 200-run model are not
    kept by them."""
    from dashboards import app
    from dashboards.lessons import LESSONS_DIR, LESSONS_ENV
    short = (LESSONS_DIR / "us_aid_cut.toml").read_text().replace(
        "run_days = 365", "run_days = 40").replace("day = 365", "day = 40")
    (tmp_path / "short.toml").write_text(short)
    monkeypatch.setenv(LESSONS_ENV, str(tmp_path))
    kept_before = {id(f) for f in kept_task_functions()}
    sessions = []
    box, rc = solara.render(app.Dashboard(on_session=sessions.append), handle_error=False)
    try:
        wait_for_fan(rc)
        rc.find(v.Btn, children=["Start this lesson"]).widget.click()
        rc.find(v.BtnToggle).wait_for(timeout=30).widget.v_model = 1
        rc.find(v.Btn, children=["2. Run the model for 40 days"]).widget.click()
        rc.find(v.Btn, children=["4. Show the explanation"]).wait_for(timeout=120)
        session = sessions[0]
        assert session.day == 40
        kept = [f for f in kept_task_functions() if id(f) not in kept_before]
        assert len(kept) >= 5, "the fan, play, comparison, presets and lesson tasks"
        holding = [f.__qualname__ for f in kept if reaches(f, session)]
        assert not holding, f"kept for the server's life, these hold the session: {holding}"
    finally:
        rc.close()


def counting(component, calls: list):
    """`component` with the same body (hooks and subscriptions included), each render counted."""
    @solara.component
    def Counted(*args, **kwargs):
        calls.append(component)
        return component.f(*args, **kwargs)
    return Counted


@pytest.mark.slow
def test_a_step_re_renders_no_panel_and_records_its_latency(monkeypatch):
    from dashboards import app
    renders: list = []
    sidebar = app.Sidebar
    for name in ("Sidebar", "LiveDay", "FanSection", "OutcomeChart", "ComparePanel",
                 "ExportPanel", "AboutPanel"):
        monkeypatch.setattr(app, name, counting(getattr(app, name), renders))
    sessions = []
    box, rc = solara.render(app.Dashboard(on_session=sessions.append), handle_error=False)
    wait_for_fan(rc)
    button = rc.find(v.Btn, children=["+1 day"]).widget
    mark = len(renders)
    button.click()  # day 1: the sliders learn once that they are interventions now
    deadline = time.monotonic() + 30  # under load that render can land after the click returns
    while sidebar not in renders[mark:] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sidebar in renders[mark:], "day 1 told the sidebar the run has started"
    before = len(renders)
    overlays = [w.unsafe_innerHTML for w in html_with_class(rc, "chart-overlay")]
    for _ in range(5):
        button.click()
    assert html_with_class(rc, "sim-date")[0].attributes["data-day"] == "6"
    assert len(renders) == before, f"a day's step re-rendered {renders[before:]}"
    assert len(overlays) == 2
    assert [w.unsafe_innerHTML for w in html_with_class(rc, "chart-overlay")] != overlays, \
        "the charts moved"
    assert len(sessions[0].latencies.ms) == 6 and all(ms > 0 for ms in sessions[0].latencies.ms)
    rc.close()


# -- a row of a sweep ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def smoke_sweep(tmp_path_factory):
    import subprocess
    import sys
    out = tmp_path_factory.mktemp("sweep") / "smoke"
    subprocess.run([sys.executable, "-m", "experiments", "sweep", "experiments/specs/smoke.toml",
                    "--out", str(out), "--executor", "serial"], check=True, cwd=cli.REPO_ROOT,
                   capture_output=True)
    return out



@pytest.mark.slow
@pytest.mark.parametrize("row_index", [0, 37, 143])
def test_a_sweep_row_is_replayed_exactly_as_the_highlighted_run(smoke_sweep, row_index):
    from experiments import results
    session = Session(Settings(n_runs=25))
    state = DashboardState.detached(session.settings)
    opened = open_sweep_row(session, state, SweepLibrary(smoke_sweep.parent), "smoke",
                            str(row_index))
    assert state.message.value is None and opened is not None
    stored = results.row(smoke_sweep, row_index)
    assert (session.settings.scenario, session.settings.seed, session.settings.run_offset) == \
        (stored["scenario"], stored["seed"], stored["replicate"])
    assert session.settings.overrides_dict["putin_strategy"] == "freeze"
    fan = session.compute_fan()
    replayed = fan.trajectories["occupied_km2"][0, -1]
    assert replayed == stored["occupied_km2_final"] == opened.stored_occupied_final
    assert replayed == results.replay(smoke_sweep, row_index).trajectories["occupied_km2"][0, -1]


@pytest.mark.slow
def test_a_start_dated_sweep_row_is_replayed_from_its_date_until_a_new_preset(tmp_path):
    from experiments import evaluators, results, spec as spec_module, sweep
    text = (cli.REPO_ROOT / "experiments" / "specs" / "smoke.toml").read_text()
    out = tmp_path / "dated"
    sweep.run(spec_module.parse("start_date = 2024-06-01\n" + text, "dated.toml"), out,
              evaluators.SerialEvaluator(), progress=False)
    session = Session(Settings(n_runs=10))
    state = DashboardState.detached(session.settings)
    opened = open_sweep_row(session, state, SweepLibrary(tmp_path), "dated", "37")
    assert state.message.value is None and opened.settings.start_date == "2024-06-01"
    assert session.start_date.isoformat() == "2024-06-01"
    replayed = session.compute_fan().trajectories["occupied_km2"][0, -1]
    assert replayed == results.row(out, 37)["occupied_km2_final"] == opened.stored_occupied_final
    choose_scenario(session, state, "freeze")
    assert session.settings.start_date is None and session.start_date == sim.calendar.START_DATE


@pytest.mark.slow
def test_a_row_of_a_sweep_without_uncertainty_in_portable_math_replays_exactly(tmp_path):
    """The page replays a row as the sweep made it: with the sweep's uncertainty and math (each
    changes every run's result), until a new preset is chosen."""
    from experiments import evaluators, results, spec as spec_module, sweep
    text = (cli.REPO_ROOT / "experiments" / "specs" / "smoke.toml").read_text()
    out = tmp_path / "exact"
    sweep.run(spec_module.parse('uncertainty = "off"\nmath = "portable"\n' + text, "exact.toml"),
              out, evaluators.SerialEvaluator(), progress=False)
    session = Session(Settings(n_runs=10))
    state = DashboardState.detached(session.settings)
    opened = open_sweep_row(session, state, SweepLibrary(tmp_path), "exact", "37")
    assert state.message.value is None
    assert (opened.settings.uncertainty, opened.settings.math) == ("off", "portable")
    replayed = session.compute_fan().trajectories["occupied_km2"][0, -1]
    assert replayed == results.row(out, 37)["occupied_km2_final"] == opened.stored_occupied_final
    as_default = sim.simulate(**{**opened.settings.simulate_kwargs(), "runs": 1,
                                 "uncertainty": "on", "math": "native"})
    assert as_default.trajectories["occupied_km2"][0, -1] != replayed
    choose_scenario(session, state, "freeze")
    assert (session.settings.uncertainty, session.settings.math) == ("on", "native")


@pytest.mark.slow
def test_a_bad_sweep_directory_or_row_shows_a_message_and_keeps_the_settings(smoke_sweep, tmp_path):
    session = Session(Settings(scenario="freeze", n_runs=10))
    state = DashboardState.detached(session.settings)
    library = SweepLibrary(smoke_sweep.parent)
    for opened_by, name, row in ((library, "nowhere", "0"), (library, str(tmp_path), "0"),
                                 (library, "smoke", "144"), (library, "smoke", "-1"),
                                 (library, "smoke", "two"), (None, "smoke", "0")):
        assert open_sweep_row(session, state, opened_by, name, row) is None
        assert state.message.value and "Traceback" not in state.message.value, (name, row)
        assert session.settings == Settings(scenario="freeze", n_runs=10)
        assert state.chosen.value == session.settings


@pytest.mark.slow
def test_the_page_opens_a_sweep_row_and_shows_the_stored_outcome_beside_the_replayed(
        smoke_sweep, monkeypatch):
    from dashboards import app
    monkeypatch.setenv(SWEEPS_ENV, str(smoke_sweep.parent))
    box, rc = solara.render(app.Dashboard(), handle_error=False)
    wait_for_fan(rc)
    rc.find(v.Select, label="Sweep").widget.v_model = "smoke"
    rc.find(v.TextField, label="Row").widget.v_model = "37"
    rc.find(v.Btn, children=["Open row"]).widget.click()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
            w.attributes.get("data-state") == "match" for w in html_with_class(rc, "sweep-row-check")):
        time.sleep(0.1)
    checks = html_with_class(rc, "sweep-row-check")
    assert checks, f"no readout; the page says: {[w.children for w in rc.find(v.Alert).widgets]}"
    check = checks[0]
    assert check.attributes["data-state"] == "match", check.unsafe_innerHTML
    assert "identical" in check.unsafe_innerHTML
    rc.close()


# -- the server-wide cache of day-0 fans -------------------------------------------------------
def counted_fan(settings: Settings, calls: list, gate: threading.Event | None = None):
    def compute():
        calls.append(settings)
        if gate is not None:
            gate.wait(30)
        return fresh_fan(settings)
    return compute


@pytest.mark.slow
def test_sessions_with_the_same_settings_share_one_day0_fan_and_cannot_change_it():
    shared = SharedFans()
    settings = Settings(scenario="freeze", n_runs=20)
    first = Session(settings, shared_fans=shared).compute_fan()
    second = Session(settings, shared_fans=shared).compute_fan()
    assert second is first and len(shared) == 1
    expected = sim.simulate(**settings.simulate_kwargs()).trajectories["occupied_km2"]
    assert np.array_equal(first.trajectories["occupied_km2"], expected)
    with pytest.raises(ValueError):
        first.trajectories["occupied_km2"][0, 0] = 0.0
    other = Session(replace(settings, seed=1), shared_fans=shared).compute_fan()
    assert other is not first and len(shared) == 2
    compared = compare_ensemble(replace(settings, scenario="status_quo"), "freeze", shared)
    assert compared is first.trajectories


def test_a_fan_being_computed_is_waited_for_not_computed_twice():
    shared, calls, gate = SharedFans(), [], threading.Event()
    settings = Settings(n_runs=10, days=60)
    results = []
    waiting, two_waiting = set(), threading.Event()

    def waiter_checks_in() -> bool:
        """Called only by a session that waits for another's computation."""
        waiting.add(threading.current_thread().name)
        if len(waiting) == 2:
            two_waiting.set()
        return False

    threads = [threading.Thread(target=lambda: results.append(
        shared.get(settings, counted_fan(settings, calls, gate), waiter_checks_in)))
        for _ in range(3)]
    for t in threads:
        t.start()
    assert two_waiting.wait(30), "two sessions wait while the third computes"
    assert len(calls) == 1
    gate.set()
    for t in threads:
        t.join(30)
    assert len(calls) == 1 and len(results) == 3 and all(r is results[0] for r in results)


def test_an_abandoned_computation_is_taken_over_and_old_fans_are_dropped():
    shared, calls = SharedFans(capacity=2), []
    settings = Settings(n_runs=10, days=60)

    def abandoned():
        calls.append("abandoned")
        raise Superseded()

    with pytest.raises(Superseded):
        shared.get(settings, abandoned)
    fan = shared.get(settings, counted_fan(settings, calls))
    assert calls == ["abandoned", settings] and fan.settings == settings
    for seed in (1, 2):
        shared.get(replace(settings, seed=seed), counted_fan(replace(settings, seed=seed), calls))
    assert len(shared) == 2
    shared.get(settings, counted_fan(settings, calls))  # dropped: computed again
    assert calls.count(settings) == 2


# -- the first render ---------------------------------------------------------------------------
def test_cached_fan_is_the_shared_day0_fan_and_nothing_once_the_run_has_moved():
    shared = SharedFans()
    session = Session(Settings(n_runs=10), shared_fans=shared)
    assert session.cached_fan() is None and len(shared) == 0, "it never computes"
    fan = session.compute_fan()
    assert session.cached_fan() is fan
    assert Session(Settings(n_runs=10), shared_fans=shared).cached_fan() is fan
    session.step(1)
    assert session.cached_fan() is None, "from day 1 the fan is the session's own"


@pytest.mark.slow
def test_a_fan_the_server_already_has_is_on_the_page_in_its_first_render(monkeypatch):
    from dashboards import app
    Session().compute_fan()  # the default page's fan, now in the server's shared cache
    gate = threading.Event()
    original = Session.compute_fan

    def held(self):
        gate.wait(30)
        return original(self)

    monkeypatch.setattr(Session, "compute_fan", held)
    box, rc = solara.render(app.Dashboard(), handle_error=False)
    try:
        assert html_with_class(rc, "fan-readout"), "shown while the fan task is still held"
        assert html_with_class(rc, "sim-date")[0].attributes.get("data-day") == "0"
        assert rc.find(v.Html, class_="chart chart-outcomes").widgets, "the outcome chart too"
    finally:
        gate.set()
        rc.close()


@pytest.mark.slow
def test_after_the_warm_up_the_first_page_computes_no_fan_and_draws_no_chart(monkeypatch):
    from dashboards import app, live
    from dashboards import session as session_module
    drawings = live.SharedDrawings()  # this server process starts with nothing made
    monkeypatch.setattr(session_module, "SHARED_FANS", SharedFans())
    monkeypatch.setattr(live, "SHARED_DRAWINGS", drawings)
    monkeypatch.setattr(app, "SHARED_DRAWINGS", drawings)
    app.warm_up()

    def made_again(*args, **kwargs):
        raise AssertionError("made again after the warm-up")

    monkeypatch.setattr(session_module, "fresh_fan", made_again)
    monkeypatch.setattr(plots, "overview_figure", made_again)
    monkeypatch.setattr(plots, "outcome_figure", made_again)
    monkeypatch.setattr(app, "runs_file_sizes", made_again)  # the export's, said on its buttons
    box, rc = solara.render(app.Dashboard(), handle_error=False)
    try:
        wait_for_fan(rc)
        import ipyvue
        overview = [w for w in rc.find(ipyvue.Html).widgets
                    if "chart-overview" in w.attributes.get("class", "")]
        image = overview[0].children[0] if overview else None
        assert image is not None and image.attributes.get("src", "").startswith(
            "data:image/png;base64,"), "the overview is shown"
        assert image.attributes["alt"], "its <img> has a name"
    finally:
        rc.close()


def test_the_server_is_started_warm_and_the_first_student_finds_the_fan_made():
    from dashboards import app
    settings = Settings(n_runs=8, days=30, seed=424242)  # in no other test's cache
    assert Session(settings).cached_fan() is None
    app.warm_up(settings)
    fan = Session(settings).cached_fan()
    assert fan is not None and fan.trajectories["occupied_km2"].shape == (8, 31)


@pytest.mark.slow
def test_one_colour_and_style_per_meaning_and_no_student_mark_without_a_change():
    """Orange dashed lines are the student's changes and nothing else: none in a run the student
    left alone (talks events are dark grey dash-dot), one per change after; in a panel with two
    series (Russia and Ukraine, US and European aid) each highlighted run has its own dark shade,
    named in the panel's key."""
    from matplotlib.colors import to_hex

    from dashboards import plots
    fan = fresh_fan(Settings(scenario="maximalist_terms", n_runs=20))
    traj = fan.trajectories
    talks = traj["talks_phase"][0]
    assert np.any(np.diff(talks) != 0), "the highlighted run has a talks event to draw"

    def lines(interventions):
        marks = plots.time_marks(730, 730, talks, interventions)
        fig = plots.overview_figure(traj, marks, PHASE_NAMES, "seed 0, run 0")
        found = [(to_hex(line.get_color()), line.get_linestyle(), line.get_label())
                 for ax in fig.axes for line in ax.get_lines()]
        return marks, fig, found

    marks, fig, found = lines(())
    student = to_hex(plots.STUDENT_CHANGE)
    assert not [f for f in found if f[0] == student], "no student's mark without a change"
    assert "your change" not in plots.key_labels(marks)
    talk_lines = [f for f in found if f[0] == to_hex(plots.TALKS_EVENT)]
    assert talk_lines and {f[1] for f in talk_lines} == {"-."}
    assert "talks change (highlighted run)" in plots.key_labels(marks)
    assert student not in {to_hex(c) for c in plots.PHASE_COLOURS}
    for ax in fig.axes:
        title = ax.get_title(loc="left")
        highlighted = {f"{name}: highlighted run" for name in ("Russia", "Ukraine", "US", "Europe")}
        drawn = {(to_hex(line.get_color()), line.get_label()) for line in ax.get_lines()
                 if line.get_label() in highlighted}
        if len(drawn) > 1:
            assert len({colour for colour, _ in drawn}) == len(drawn), \
                f"{title}: each series' highlighted run has its own colour"
            assert to_hex(plots.HIGHLIGHT) not in {colour for colour, _ in drawn}
            keyed = {text.get_text() for text in ax.get_legend().get_texts()}
            assert {label for _, label in drawn} <= keyed, f"{title}: key names them"
    two_series = [ax.get_title(loc="left") for ax in fig.axes
                  if sum(line.get_label().endswith(": highlighted run")
                         for line in ax.get_lines()) == 2]
    assert {"Economic pressure", "Aid to Ukraine", "Troops at the front"} <= set(two_series)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert "Force ratio at the front" in titles, "the forces that move the front are shown"
    marks, fig, found = lines((40, 90))
    marked = [f[1] for f in found if f[0] == student]
    assert marked and set(marked) == {"--"} and len(marked) == 2 * len(fig.axes), \
        "each change on every panel's time axis, dashed"
    assert "your change" in plots.key_labels(marks)


@pytest.mark.slow
def test_the_server_entry_starts_the_warm_up_and_importing_the_page_starts_nothing():
    """`conflictsim dashboard` serves `dashboards.server`, whose import (by Solara, once per
    server) starts the warm-up and tracks open pages; importing `dashboards.app` (tests,
    notebooks, benchmarks) starts no thread. About 5 s (two fresh interpreters import Solara)."""
    import subprocess
    import sys

    def threads_after(module: str) -> list[str]:
        code = (f"import threading, {module}; "
                "print(sorted(t.name for t in threading.enumerate()))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=cli.REPO_ROOT, env=cli.server_env({**os.environ}))
        return ast.literal_eval(out.stdout.strip().splitlines()[-1])

    assert "conflictsim-warm-up" not in threads_after("dashboards.app")
    assert "conflictsim-warm-up" in threads_after("dashboards.server")
    assert cli.server_command("127.0.0.1", 8765)[4] == "dashboards.server"


def test_the_page_shows_the_session_and_keeps_no_state_of_its_own():
    """One source of truth: whatever the student does (a slider before play, steps, a slider
    during the run, a settings file with a dated change, Reset, a bad value), the page's
    reactive copies are what the session says now, and the settings as chosen replay the run."""
    from dashboards import actions
    from dashboards.settings import settings_from_text, settings_to_toml

    session = Session(Settings(scenario="freeze", n_runs=4, days=60))
    state = DashboardState.detached(session.chosen)

    def agrees():
        assert state.chosen.value == session.chosen
        assert (state.day.value, state.revision.value) == (session.day, session.revision)
        assert state.started.value == (session.day > 0)
        assert state.finished.value == (session.day >= session.model.days)

    actions.apply_setting(session, state, "trump_aid_level", 0.4)
    agrees()
    assert session.chosen.overrides_dict["trump_aid_level"] == 0.4 and session.chosen.changes == ()
    actions.step(session, state, 10)
    actions.apply_setting(session, state, "trump_aid_level", 0.9)
    actions.apply_setting(session, state, "eu_aid_baseline_bn_usd", 30.0)
    agrees()
    assert session.chosen.changes == (
        (10, (("eu_aid_baseline_bn_usd", 30.0), ("trump_aid_level", 0.9))),)
    revision = session.revision
    actions.apply_setting(session, state, "trump_aid_level", -5.0)  # refused: nothing changes
    assert state.message.value and session.revision == revision
    agrees()
    actions.step(session, state, 20)
    agrees()
    opened = settings_from_text(settings_to_toml(session.chosen), "saved.toml",
                                base=Settings(n_runs=4, days=60))
    replayed = Session(opened)
    replayed.step(30)
    np.testing.assert_array_equal(replayed.model.trajectories["occupied_km2"],
                                  session.model.trajectories["occupied_km2"])
    assert actions.open_settings(session, state, opened, "saved.toml")
    agrees()
    actions.step(session, state, 15)  # past the file's change on day 10: applied once
    agrees()
    assert session.chosen == opened and len(session.model.interventions) == 1
    assert actions.reset(session, state)
    agrees()
    assert session.day == 0 and session.chosen == opened.folded()


def test_a_student_starts_the_runs_from_another_date_and_compares_presets_from_it():
    """The start picker offers the scenarios' start and each quarter since 2023 (and a sweep
    row's own date); a new start rebuilds day 0 from that date's front, keeps the student's
    values, and the presets are compared from the same date."""
    from dashboards import actions, comparison
    from dashboards.components.controls import start_options

    options = start_options(None)
    assert list(options.values())[0] is None and "2023-01-01" in options.values()
    # every month's first day from 2023-01-01 to 2024-11-01, then the scenarios' start
    assert "2024-05-01" in options.values() and "2024-11-01" in options.values()
    assert len(options) == 24 and "2024-12-01" not in options.values()
    assert "2024-06-15" in start_options("2024-06-15").values()
    session = Session(Settings(scenario="freeze", n_runs=4, days=30))
    state = DashboardState.detached(session.chosen)
    actions.apply_setting(session, state, "us_aid_gap_share", 0.0)
    actions.choose_start(session, state, "2024-01-01")
    assert state.message.value is None and session.day == 0
    assert session.start_date == dt.date(2024, 1, 1)
    assert state.chosen.value.start_date == "2024-01-01"
    assert state.chosen.value.overrides_dict["us_aid_gap_share"] == 0.0
    expected = sim.simulate("freeze", runs=4, days=30, seed=session.chosen.seed,
                            start_date="2024-01-01", overrides={"us_aid_gap_share": 0.0})
    np.testing.assert_array_equal(session.compute_fan().trajectories["occupied_km2"],
                                  expected.trajectories["occupied_km2"])
    preset = comparison.settings_for("preset:status_quo", session.chosen, ())
    assert preset.start_date == "2024-01-01" and preset.overrides == ()
    actions.choose_start(session, state, "2022-06-01")  # refused: nothing changes
    assert "start_date" in state.message.value and session.start_date == dt.date(2024, 1, 1)
    from dashboards.app import map_caption
    assert "not in the shipped data" in map_caption(session.start_date)
    actions.choose_start(session, state, None)
    assert session.start_date == sim.calendar.START_DATE
    assert "not in the shipped data" not in map_caption(session.start_date)


def test_a_month_step_goes_to_the_same_date_next_month():
    """"+1 month" from 1 Dec is 1 Jan (31 days), then 1 Feb (31), then 1 Mar (28): the date
    does not drift, and each step ends just after a month's summary in the log."""
    from dashboards.actions import days_to_next_month

    start, day, dates = sim.calendar.START_DATE, 0, []
    for _ in range(4):
        day += days_to_next_month(day, start)
        dates.append(sim.calendar.date_of(day, start).isoformat())
    assert dates == ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]
    assert days_to_next_month(0, dt.date(2024, 1, 31)) == 29, "to the month's last day"


def test_at_the_runs_end_the_play_bar_says_so_and_how_to_start_again():
    from dashboards.components.controls import PlayControls

    def bar(at_end: bool):
        _, rc = solara.render(PlayControls(False, at_end, 1, {"normal": 1}, lambda: None,
                                           lambda: None, lambda n: None, lambda: None,
                                           lambda s: None, lambda: None), handle_error=False)
        return [w.children for w in rc.find(v.Html).widgets if "run-ended" in (w.class_ or "")]

    assert bar(True) == [["The run has reached its last day: Reset starts it again."]]
    assert bar(False) == []


@pytest.mark.slow
def test_a_bad_lesson_file_leaves_the_page_working_and_says_which(tmp_path, monkeypatch):
    from dashboards.app import Page
    from dashboards.lessons import LESSONS_DIR, LESSONS_ENV

    (tmp_path / "typo.toml").write_text((LESSONS_DIR / "us_aid_cut.toml").read_text().replace(
        "trump_aid_level = 0.0", "trump_aid_levl = 0.0"))
    monkeypatch.setenv(LESSONS_ENV, str(tmp_path))
    box, rc = solara.render(Page(), handle_error=False)
    wait_for_fan(rc)
    alerts = [w.children for w in rc.find(v.Alert).widgets]
    told = [c for c in alerts if c and "The lessons could not be loaded" in str(c[0])]
    assert told and "typo.toml" in str(told[0][0]) and "trump_aid_levl" in str(told[0][0])
    rc.find(v.Btn, children=["+1 day"]).widget.click()
    assert html_with_class(rc, "sim-date")[0].attributes["data-day"] == "1"
