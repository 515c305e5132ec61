"""Lessons, saved and shared settings, `conflictsim run --settings`, and the story the event log
tells, without a browser."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pytest
import solara

import sim
from dashboards import actions, events
from dashboards.lessons import LESSONS_DIR, LessonError, load_lesson, load_lessons
from dashboards.reactive_state import DashboardState
from dashboards.session import Session
from dashboards.settings import (Settings, SettingsFileError, read_settings_file,
                                 settings_from_query, settings_from_text, settings_to_query,
                                 settings_to_toml)
from sim.sectors import AREA_WEIGHT_KM, SECTOR_NAMES

SNAKE_CASE = re.compile(r"\b[A-Za-z]+_[A-Za-z0-9_]+\b")



# -- lessons ------------------------------------------------------------------------------------
def test_the_shipped_lessons_validate_against_the_parameter_table():
    lessons = load_lessons()
    assert 3 <= len(lessons) <= 5
    assert len({lesson.name for lesson in lessons}) == len(lessons)
    for lesson in lessons:
        assert lesson.settings.scenario in sim.SCENARIOS
        for name, value in lesson.settings.overrides:
            assert name in sim.PARAMS
            sim.PARAMS[name].coerce(value)
        assert lesson.predict_question and lesson.observe_question and lesson.explanation
        text = " ".join((lesson.title, lesson.question, lesson.introduction, lesson.explanation,
                         lesson.predict_question, lesson.observe_question, lesson.label)
                        + lesson.choices)
        assert not SNAKE_CASE.findall(text), lesson.name


GOOD = (LESSONS_DIR / "us_aid_cut.toml").read_text()


@pytest.mark.parametrize("change, words", [
    (("trump_aid_level = 0.0", "trump_aid_level = 7.0"), ["trump_aid_level=7.0", "[0, 1.5]"]),
    (("trump_aid_level = 0.0", "us_aid_switch = 0.0"), ["parameter='us_aid_switch'"]),
    (('scenario = "status_quo"', 'scenario = "peace"'), ["scenario='peace'"]),
    (('compare_with = "status_quo"', 'compare_with = "peace"'), ["compare_with='peace'"]),
    (("run_days = 365", "run_days = 0"), ["run_days=0", "[1, 730]"]),
    (("run_days = 365", "run_days = 1.5"), ["run_days=1.5", "whole number"]),
    (('variable = "occupied_km2"', 'variable = "happiness"'), ["observe.variable='happiness'"]),
    (("order = 1", "colour = 1"), ["key 'colour'"]),
    (("[explain]", "[explanation]"), ["key 'explanation'"]),
])
def test_a_bad_lesson_file_is_one_line_naming_the_file_key_and_value(tmp_path, change, words):
    old, new = change
    assert old in GOOD
    path = tmp_path / "teacher.toml"
    path.write_text(GOOD.replace(old, new))
    with pytest.raises(LessonError) as refused:
        load_lesson(path)
    message = str(refused.value)
    assert "\n" not in message and message.startswith(str(path))
    for word in words:
        assert word in message, message


def test_a_lesson_needs_its_sections_and_two_choices_or_none(tmp_path):
    path = tmp_path / "short.toml"
    path.write_text(GOOD[:GOOD.index("[predict]")])
    with pytest.raises(LessonError, match="key 'predict' is missing"):
        load_lesson(path)
    path.write_text(re.sub(r"choices = \[.*?\]", 'choices = ["only one"]', GOOD, flags=re.S))
    with pytest.raises(LessonError, match="predict.choices"):
        load_lesson(path)
    path.write_text(re.sub(r"choices = \[.*?\]\n", "", GOOD, flags=re.S))
    assert load_lesson(path).choices == (), "no choices: the student types a prediction"


def test_a_lesson_sets_up_its_scenario_runs_to_its_day_and_says_what_it_shows():
    lesson = replace(load_lessons()[0], settings=replace(load_lessons()[0].settings, n_runs=8),
                     run_days=40)
    session = Session(Settings(scenario="freeze", n_runs=8))
    state = DashboardState.detached(session.settings)
    assert actions.start_lesson(session, state, lesson)
    assert session.settings == lesson.settings and session.day == 0
    assert state.compare_with.value == f"preset:{lesson.compare_with}"
    observed = actions.run_lesson(session, state, lesson)
    assert session.day == state.day.value == 40
    occupied = session.model.trajectories["occupied_km2"]
    assert f"{np.median(occupied[:, 40]):,.0f} km²" in observed
    assert f"{np.median(occupied[:, 0]):,.0f} km²" in observed and lesson.label in observed
    assert "10 January 2025" in observed


# -- settings as a file and a link ----------------------------------------------------------------
CHANGED = (Settings(scenario="freeze", seed=11, run_offset=4)
           .with_value("trump_aid_level", 0.3).with_value("trump_pushes_talks", False)
           .with_value("putin_strategy", "maximalist"))


def test_settings_saved_as_a_file_or_a_link_come_back_equal(tmp_path):
    text = settings_to_toml(CHANGED)
    assert settings_from_text(text, "mine.toml") == CHANGED
    path = tmp_path / "mine.toml"
    path.write_text(text)
    assert read_settings_file(path) == CHANGED
    as_json = json.dumps({"scenario": "freeze", "seed": 11, "run": 4,
                          "parameters": dict(CHANGED.overrides)})
    assert settings_from_text(as_json, "mine.json") == CHANGED
    assert settings_from_query(settings_to_query(CHANGED)) == CHANGED
    dated = replace(CHANGED, start_date="2024-06-01")
    assert settings_from_query(settings_to_query(dated)) == dated
    assert settings_from_text(settings_to_toml(dated), "dated.toml") == dated
    assert settings_from_query("") is None and settings_from_query("lesson=us_aid_cut") is None


@pytest.mark.parametrize("text, words", [
    ('scenario = "freeze"\n[parameters]\ntrump_aid_level = 9.0', ["trump_aid_level=9.0", "[0, 1.5]"]),
    ('scenario = "freeze"\n[parameters]\ntrump_aid_level = "lots"', ["trump_aid_level='lots'"]),
    ('scenario = "freeze"\n[parameters]\ntrump_pushes_talks = "yes"', ["trump_pushes_talks='yes'"]),
    ('scenario = "freeze"\n[parameters]\nwarp = 1', ["parameter='warp'"]),
    ('scenario = "peace"', ["scenario='peace'"]),
    ('scenario = "freeze"\nseed = -2', ["seed=-2"]),
    ('scenario = "freeze"\nrun = "x"', ["run='x'"]),
    ('scenario = "freeze"\nstart_date = 2023-01-01', ["start_date='2023-01-01'"]),
    ('scenario = "freeze"\npath = "/etc/passwd"', ["key 'path'"]),
    ('seed = 1', ["key 'scenario' is missing"]),
    ('scenario = ', ["not a settings file"]),
])
def test_a_bad_settings_file_is_one_line_naming_the_file_key_and_value(tmp_path, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SettingsFileError) as refused:
        read_settings_file(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    for word in words:
        assert word in message, message


def test_an_uploaded_file_sets_the_session_up_and_is_kept_for_comparison():
    session = Session(Settings(n_runs=6))
    state = DashboardState.detached(session.settings)
    assert actions.open_settings_file(session, state, "mine.toml",
                                      settings_to_toml(CHANGED).encode())
    assert session.settings == replace(CHANGED, n_runs=6)
    assert state.saved.value == (("mine.toml", session.settings),)
    assert not actions.open_settings_file(session, state, "bad.toml", b"scenario = 3")
    assert state.message.value.startswith("bad.toml: ")
    assert session.settings == replace(CHANGED, n_runs=6), "a refused file changes nothing"
    actions.open_link(session, state, "?scenario=deterrence&seed=2&trump_aid_level=0.5")
    assert (session.settings.scenario, session.settings.seed) == ("deterrence", 2)
    actions.open_link(session, state, "?scenario=freeze&file=/etc/passwd")
    assert session.settings.scenario == "deterrence" and "key 'file'" in state.message.value


# -- the command line runs the same file --------------------------------------------------------
def test_cli_run_settings_runs_the_saved_file(tmp_path, capsys):
    from conflictsim.cli import main
    path = tmp_path / "mine.toml"
    path.write_text(settings_to_toml(CHANGED))
    assert main(["run", "--settings", str(path), "--runs", "6", "--days", "40"]) == 0
    from_file = capsys.readouterr().out
    assert main(["run", "--scenario", "freeze", "--seed", "11", "--run-offset", "4", "--runs", "6",
                 "--days", "40", "--set", "trump_aid_level=0.3", "--set", "trump_pushes_talks=false",
                 "--set", "putin_strategy=maximalist"]) == 0
    assert from_file == capsys.readouterr().out
    path.write_text('scenario = "freeze"\n[parameters]\ntrump_aid_level = 9.0\n')
    assert main(["run", "--settings", str(path), "--runs", "2", "--days", "5"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(path) in err and "trump_aid_level=9.0" in err
    assert main(["run", "--settings", str(tmp_path / "none.toml")]) == 2
    assert "none.toml" in capsys.readouterr().err
    assert main(["run", "--settings", str(path), "--seed", "3"]) == 2
    assert "--seed is not allowed with --settings" in capsys.readouterr().err


# -- the story the event log tells ---------------------------------------------------------------
@pytest.fixture(scope="module")
def told_year():
    session = Session(Settings(scenario="maximalist_terms", n_runs=8))
    session.step(200)
    session.intervene("trump_aid_level", 0.2)
    session.step(165)
    return session, events.run_events(session.model.trajectories, 365,
                                      interventions=session.interventions,
                                      track=session.track.arrays)


def test_the_log_tells_the_front_once_a_month_with_where_it_moved(told_year):
    session, told = told_year
    fronts = [e for e in told if e.kind == "front"]
    assert [e.day for e in fronts] == [d for d in events.month_ends(sim.calendar.START_DATE, 730)
                                       if d <= 365]
    occupied = session.model.trajectories["occupied_km2"][0]
    december = fronts[0]
    assert december.line().startswith(
        f"31 Dec 2024: Russia gains {occupied[30] - occupied[0]:,.0f} km² this month")
    gains = (session.sector_depth_km[30] - session.sector_depth_km[0]) * AREA_WEIGHT_KM
    top = SECTOR_NAMES[int(np.argmax(gains))]
    assert f"most around {top} ({gains.max():,.0f} km²)" in december.text
    assert abs(gains.sum() - (occupied[30] - occupied[0])) < 1.0, "the sectors add up to the total"


def test_the_log_summarises_strikes_and_tells_talks_and_decisions_in_words(told_year):
    _, told = told_year
    kinds = [e.kind for e in told]
    assert kinds.count("strikes") <= 13, "strike waves are counted per month, not listed per day"
    assert "offer" in kinds and "intervention" in kinds
    offers = [e.text for e in told if e.kind == "offer"]
    assert offers and all(re.match(r"Talks round: (Moscow|Kyiv|Washington) proposes a deal "
                                   r"\(.+\)\. (Kyiv|Moscow) refuses: it expects", t) for t in offers)
    for event in told:
        assert not SNAKE_CASE.findall(event.text), event.text
    assert any("you set" in e.text and "US aid" in e.text for e in told)


def test_a_round_says_who_proposed_what_who_refused_and_how_washington_saw_it():
    from sim.core import talks
    package = np.zeros(talks.N_ISSUES if hasattr(talks, "N_ISSUES") else 5)
    package[talks.LINE_KM2], package[talks.CEASEFIRE_FIRST] = 3000.0, 1.0
    package[talks.GUARANTEE], package[talks.SANCTIONS_RELIEF] = 0.6, 0.25
    text = events.refusal_text({"last_package": package, "proposer_today": talks.WASHINGTON,
                                "ukraine_refused_today": False, "russia_refused_today": True,
                                "refusal_reasonableness": 0.2})
    assert text == ("Talks round: Washington proposes a deal (Ukraine giving up about 3,000 km² it "
                    "still holds, ceasefire first, terms later, security guarantees for Ukraine "
                    "(60% of the strongest) and 25% of US sanctions on Russia lifted). Moscow "
                    "refuses: "
                    "it expects to gain more by fighting on than these terms give it. Washington "
                    "found the offer unreasonable and blames Moscow less")
    demand = events.refusal_text({"last_package": package, "proposer_today": talks.MOSCOW,
                                  "ukraine_refused_today": True, "refusal_reasonableness": 0.1})
    assert demand.endswith("Kyiv refuses: it expects to lose less by fighting on than these terms "
                           "would cost it. Washington found the offer unreasonable and blames "
                           "Moscow for asking too much")
    fair = events.refusal_text({"last_package": package, "proposer_today": talks.KYIV,
                                "russia_refused_today": True, "refusal_reasonableness": 0.9})
    assert fair.endswith("Washington found the offer reasonable and blames Moscow")
    assert events.refusal_text({"last_offer_km2": 0.0}) == (
        "Talks round: a deal is proposed (the front frozen where it is). It is refused")


def test_a_new_issue_of_a_package_is_one_clause(monkeypatch):
    clause = events.OfferClause(5, lambda v: f"elections within {v:.0f} months")
    monkeypatch.setattr(events, "OFFER_CLAUSES", events.OFFER_CLAUSES + (clause,))
    package = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 6.0])
    assert "and elections within 6 months" in events.offer_terms({"last_package": package})


def test_the_lesson_panel_walks_from_prediction_to_explanation():
    import ipyvuetify as v

    from dashboards.components.lesson_panel import LessonPanel
    lessons = load_lessons()
    started, ran = [], []
    box, rc = solara.render(LessonPanel(lessons, on_start=lambda lesson: started.append(lesson) or True,
                                        on_run=lambda lesson: ran.append(lesson) or "It moved."),
                            handle_error=False)
    rc.find(v.Btn, children=["Start this lesson"]).widget.click()
    assert started == [lessons[0]]
    run = rc.find(v.Btn, children=[f"2. Run the model for {lessons[0].run_days} days"])
    assert run.widget.disabled, "predict first"
    assert rc.find(v.BtnToggle).widget.mandatory is False, "no choice is made for the student"
    rc.find(v.BtnToggle).widget.v_model = 1
    assert not run.widget.disabled
    run.widget.click()
    assert ran == [lessons[0]]
    rc.find(v.Btn, children=["4. Show the explanation"]).widget.click()
    texts = page_text(rc)
    assert "It moved." in texts and lessons[0].explanation[:40] in texts
    assert lessons[0].choices[1] in texts, "the prediction is shown beside the explanation"
    rc.close()


def page_text(rc) -> str:
    """Every string the rendered tree's widgets hold (children, values, markdown templates)."""
    import ipywidgets
    out: list[str] = []

    def walk(widget):
        for name in ("template", "value", "v_model", "label", "unsafe_innerHTML"):
            value = getattr(widget, name, None)
            if isinstance(value, str):
                out.append(value)
        for child in getattr(widget, "children", None) or []:
            if isinstance(child, ipywidgets.Widget):
                walk(child)
            elif isinstance(child, str):
                out.append(child)

    walk(rc.find(ipywidgets.Widget).widget)
    return " ".join(out)


# -- comparison -----------------------------------------------------------------------------------
def test_any_two_of_presets_saved_and_current_settings_can_be_compared():
    from dashboards import comparison
    current = Settings(scenario="freeze", seed=3, n_runs=6, days=60).with_value("trump_aid_level", 0.2)
    saved = (("mine.toml", Settings(scenario="deterrence", seed=9)),)
    options = comparison.comparison_options(saved, with_nothing=True)
    assert list(options.values())[:2] == ["", "current"]
    assert options["saved: mine.toml"] == "saved:mine.toml"
    assert {k for k in options.values() if k.startswith("preset:")} == \
        {f"preset:{name}" for name in sim.SCENARIOS}
    assert comparison.settings_for("current", current, saved) is None, "the live fan"
    preset = comparison.settings_for("preset:burden_shift", current, saved)
    assert (preset.scenario, preset.overrides, preset.seed, preset.n_runs) == \
        ("burden_shift", (), 3, 6), "same seed and runs: common random numbers"
    mine = comparison.settings_for("saved:mine.toml", current, saved)
    assert (mine.scenario, mine.seed, mine.n_runs, mine.days) == ("deterrence", 3, 6, 60)
    assert comparison.label_for("saved:mine.toml", saved) == "saved: mine.toml"


def test_the_overview_holds_every_preset_with_the_students_seed():
    from dashboards import comparison
    from dashboards.components.compare import presets_figure
    from dashboards.fan_cache import SharedFans
    current = Settings(scenario="freeze", seed=5, n_runs=5, days=40)
    shared = SharedFans()
    fans = comparison.preset_overview(current, shared)
    assert list(fans) == list(sim.SCENARIOS) and len(shared) == len(sim.SCENARIOS)
    expected = sim.simulate("burden_shift", runs=5, days=40, seed=5)
    assert np.array_equal(fans["burden_shift"]["occupied_km2"], expected.trajectories["occupied_km2"])
    fig = presets_figure(fans, "occupied_km2", "Occupied area", "thousand km²", 1000.0, 40)
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
    assert titles == [s.title for s in sim.SCENARIOS.values()]
