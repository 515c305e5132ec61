"""Dashboard pieces without a browser: pure plots and events, the session controller, and the
components rendered with Solara's own test renderer (`solara.render`)."""

from __future__ import annotations

import argparse
import time

import ipyvuetify as v
import numpy as np
import pytest
import solara

import sim
from dashboards import cli, events, plots
from dashboards import state as st
from dashboards.components.controls import KEY_PARAMETERS, ParameterControl, slider_step
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
    return traj


def test_events_read_like_the_issue():
    lines = [e.line() for e in events.run_events(synthetic_run(), today=300,
                                                 interventions=[(100, {"trump_aid_level": 0.3})])]
    text = "\n".join(lines)
    assert "day 74 (2025-02-13): Russia launches a winter strike wave on the grid" in text
    assert "day 75" not in text, "a wave lasting two days is one event"
    assert "day 200 (2025-06-19): Russia launches a strike wave on the grid" in text
    assert "day 120 (2025-03-31): talks open in parallel with fighting" in text
    assert "day 150 (2025-04-30): Ukraine rejects a ceasefire on the current line" in text
    assert "day 212 (2025-07-01): Ukraine rejects terms ceding unoccupied land (about 9,000 km²)" in text
    assert "day 230 (2025-07-19): a ceasefire on the current line takes hold" in text
    assert "day 260 (2025-08-18): the ceasefire breaks down and fighting resumes" in text
    assert "day 50 (2025-01-20): Donald Trump is inaugurated as US president" in text
    assert "day 90 (2025-03-01): Washington cuts aid to 10 bn USD a year" in text
    assert "day 100 (2025-03-11): you change trump_aid_level to 0.3" in text
    days = [e.day for e in events.run_events(synthetic_run(), today=300)]
    assert days == sorted(days)


def test_events_stop_at_today():
    assert [e.day for e in events.run_events(synthetic_run(), today=100)] == [50, 74, 90]


# -- the session controller -------------------------------------------------------------------
def test_day_zero_fan_is_sim_simulate_for_the_same_settings():
    settings = st.Settings(scenario="freeze", n_runs=60).with_value("trump_aid_level", 0.42)
    fan = st.Session(settings).compute_fan()
    expected = sim.simulate(**settings.simulate_kwargs())
    assert np.array_equal(fan.trajectories["occupied_km2"], expected.trajectories["occupied_km2"])
    assert sum(fan.outcome_counts.values()) == 60


def test_intervention_continues_each_member_from_today():
    session = st.Session(st.Settings(n_runs=30))
    before = session.compute_fan()
    session.step(40)
    session.intervene("trump_aid_level", 0.0)
    after = session.compute_fan()
    assert after.from_day == 40 and after.interventions == ((40, {"trump_aid_level": 0.0}),)
    us_aid = "us_aid_bn_usd_yr"
    assert np.array_equal(after.trajectories[us_aid][:, :41], before.trajectories[us_aid][:, :41])
    assert not np.array_equal(after.trajectories[us_aid][:, 60:], before.trajectories[us_aid][:, 60:])


def test_a_newer_fan_request_supersedes_an_older_one():
    session = st.Session(st.Settings(n_runs=20))
    session.fan_token = 5
    with pytest.raises(st.Superseded):
        st.fresh_to_horizon(session.settings, lambda: session.fan_token != 4)


def test_settings_refuse_bad_values_with_the_allowed_range():
    with pytest.raises(sim.ParamError, match=r"trump_aid_level=5.0 is not allowed: a number in \[0, 1.5\]"):
        st.Settings().with_value("trump_aid_level", 5.0)
    with pytest.raises(sim.ParamError, match="run index"):
        st.parse_run_reference("0", "-3")
    with pytest.raises(sim.ParamError, match="seed"):
        st.parse_run_reference("abc", "0")
    assert st.parse_value("putin_strategy", "freeze") == "freeze"
    assert st.parse_value("trump_pushes_talks", "off") is False
    assert st.Settings(scenario="freeze").value("putin_strategy") == "freeze"


# -- components (solara.render) ---------------------------------------------------------------
def test_slider_range_and_tooltip_come_from_params():
    spec = sim.PARAMS["trump_aid_level"]
    box, rc = solara.render(ParameterControl(spec, 0.7, lambda n, v: None), handle_error=False)
    slider = rc.find(v.Slider).widget
    assert (slider.min, slider.max, slider.step) == (spec.low, spec.high, slider_step(spec))
    assert slider.v_model == 0.7
    assert spec.unit in slider.label or any(spec.unit in str(w.children) for w in rc.find(v.Html).widgets)
    assert rc.find(v.Tooltip).widgets, "the meaning and source are a tooltip"
    assert all(name in sim.PARAMS for name in KEY_PARAMETERS)


def html_with_class(rc, name: str) -> list:
    """`solara.HTML` elements carry their classes in `attributes`, not in `class_`."""
    return [w for w in rc.find(solara.widgets.HTML).widgets
            if name in w.attributes.get("class", "").split()]


def test_page_renders_steps_and_shows_bad_input_plainly():
    from dashboards.app import Page
    box, rc = solara.render(Page(), handle_error=False)
    deadline = time.monotonic() + 30
    while not html_with_class(rc, "fan-readout") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert html_with_class(rc, "fan-readout"), "the fan appears"
    rc.find(v.Btn, children=["+1 month"]).widget.click()
    assert html_with_class(rc, "sim-date")[0].attributes["data-day"] == "30"
    rc.find(v.TextField, label="Value").widget.v_model = "7"
    rc.find(v.Btn, children=["Apply"]).widget.click()
    message = rc.find(v.Alert, type="error").widget
    assert message.children == ["trump_aid_level=7.0 is not allowed: a number in [0, 1.5] x baseline"]
    assert html_with_class(rc, "sim-date")[0].attributes["data-day"] == "30"


# -- command line -----------------------------------------------------------------------------
def test_cli_registers_dashboard_with_defaults():
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["dashboard"])
    assert (args.host, args.port, args.func) == ("localhost", 8765, cli.run)
    command = cli.server_command(args.host, args.port)
    assert command[1:5] == ["-m", "solara", "run", "dashboards.app"] and "--production" in command
    assert cli.server_env({})["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    with pytest.raises(SystemExit):
        parser.parse_args(["dashboard", "--port", "99999"])
