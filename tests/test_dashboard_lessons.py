"""Lessons, saved and shared settings, `conflictsim run --settings`, and the story the event log
tells, without a browser."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pytest
import solara
from conftest import ensembles_of

import sim
from dashboards import actions, events
from dashboards.components.lesson_panel import departures_note
from dashboards.lessons import (LESSONS_DIR, WHOLE_UNITS, LessonError, LessonStopped, answer,
                                departures, load_lesson, load_lessons)
from dashboards.reactive_state import DashboardState
from dashboards.session import Session
from dashboards.settings import (Settings, SettingsFileError, read_settings_file,
                                 settings_from_query, settings_from_text, settings_to_query,
                                 settings_to_toml)
from sim.sectors import AREA_WEIGHT_KM, SECTOR_NAMES
from sim.params import plain_value, short_label

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
        # every choice says what it stands for, so the page can place the student's prediction
        assert not lesson.choices or len(lesson.ranges) == len(lesson.choices), lesson.name


GOOD = (LESSONS_DIR / "us_aid_cut.toml").read_text()


@pytest.mark.parametrize("change, words", [
    (("trump_aid_level = 0.0", "trump_aid_level = 7.0"), ["trump_aid_level=7.0", "[0, 1.5]"]),
    (("trump_aid_level = 0.0", "us_aid_switch = 0.0"), ["parameter='us_aid_switch'"]),
    (('scenario = "status_quo"', 'scenario = "peace"'), ["scenario='peace'"]),
    (('compare_with = "status_quo"', 'compare_with = "peace"'), ["compare_with='peace'"]),
    (('compare_with = "status_quo"', 'compare_label = "history"'),
     ["compare_label='history'", "without compare_with"]),
    (("run_days = 365", "run_days = 0"), ["run_days=0", "[1, 730]"]),
    (("run_days = 365", "run_days = 1.5"), ["run_days=1.5", "whole number"]),
    (('variable = "occupied_km2"', 'variable = "happiness"'), ["observe.variable='happiness'"]),
    (("order = 1", "colour = 1"), ["key 'colour'"]),
    (("[explain]", "[explanation]"), ["key 'explanation'"]),
    # a choice's range: one per choice, on the lesson's axis
    (("[3.0, inf]]", "]"), ["predict.ranges=", "each of the 4 choices"]),
    (("[2.0, 3.0]", "[3.0, 2.0]"), ["entry [3.0, 2.0]", "low <= high"]),
    (("[2.0, 3.0]", '["compared", 3.0]'), ["entry ['compared', 3.0]", "value axis"]),
    (('axis = "ratio"', 'axis = "percent"'), ["predict.axis='percent'"]),
    (('compare_with = "status_quo"\n', ""), ["predict.axis='ratio'", "without compare_with"]),
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


def test_a_lesson_without_label_or_unit_names_and_scales_the_series_as_it_is_declared(tmp_path):
    from sim.trajectories import TRAJECTORIES
    own = load_lesson(LESSONS_DIR / "us_aid_cut.toml")
    assert (own.label, own.unit, own.scale) == ("Area of Ukraine held by Russia", "km²", 1.0)
    path = tmp_path / "plain.toml"
    path.write_text(re.sub(r'\nlabel = ".*?"\nunit = ".*?"\n', "\n", GOOD))
    plain = load_lesson(path)
    spec = TRAJECTORIES["occupied_km2"]
    assert (plain.label, plain.unit, plain.scale) == (spec.label, "thousand km²", 1000.0)


def test_a_lesson_needs_its_sections_and_two_choices_or_none(tmp_path):
    path = tmp_path / "short.toml"
    path.write_text(GOOD[:GOOD.index("[predict]")])
    with pytest.raises(LessonError, match="key 'predict' is missing"):
        load_lesson(path)
    path.write_text(re.sub(r"choices = \[.*?\]", 'choices = ["only one"]', GOOD, flags=re.S))
    with pytest.raises(LessonError, match="predict.choices"):
        load_lesson(path)
    path.write_text(re.sub(r"choices = \[.*?\]\n.*?ranges = [^\n]*\n", "", GOOD, flags=re.S))
    assert load_lesson(path).choices == (), "no choices: the student types a prediction"


def test_a_lesson_sets_up_its_scenario_runs_to_its_day_and_says_what_it_shows():
    first = load_lessons()[0]
    lesson = replace(first, settings=replace(first.settings, n_runs=8, days=40), run_days=40, day=40)
    session = Session(Settings(scenario="freeze", n_runs=8))
    state = DashboardState.detached(session.settings)
    assert actions.start_lesson(session, state, lesson)
    assert session.settings == lesson.settings and session.day == 0
    assert state.compare_with.value == f"preset:{lesson.compare_with}"
    found = actions.run_lesson(session, state, lesson)
    assert session.day == state.day.value == 40
    occupied = session.model.trajectories["occupied_km2"]
    gained = occupied[:, 40] - occupied[:, 0]
    assert found.ours.median == float(np.median(gained))
    assert f"median +{np.median(gained):,.0f} km²" in found.text
    assert "10 January 2025" in found.text and lesson.label in found.text
    preset = sim.simulate(**replace(lesson.settings, scenario=lesson.compare_with,
                                    overrides=()).simulate_kwargs()).trajectories["occupied_km2"]
    assert found.theirs.median == float(np.median(preset[:, 40] - preset[:, 0]))
    # the fans are named as a student would say them, not as menu entries
    title = sim.SCENARIOS[lesson.compare_with].title.split(" (")[0]
    assert "With your settings: median" in found.text
    assert f"With the preset “{title}”: median" in found.text, found.text
    for menu_words in ("preset:", "settings now", "(counterfactual)", "(default)"):
        assert menu_words not in found.text


def test_a_lessons_run_steps_a_month_at_a_time_and_stops_if_the_model_is_rebuilt():
    """The page's date follows the lesson's run a month at a time, and the panel hears where it
    is; a Reset (or another preset, a file) while it runs stops it rather than answer from
    another model."""
    first = load_lessons()[0]
    lesson = replace(first, settings=replace(first.settings, n_runs=8), run_days=70, day=70)
    session = Session(Settings(scenario="freeze", n_runs=8))
    state = DashboardState.detached(session.settings)
    assert actions.start_lesson(session, state, lesson)
    heard, days_shown, held = [], [], []
    unsubscribe = state.day.subscribe(days_shown.append)

    def hear(progress):
        heard.append(progress)
        held.append(state.lesson_running.value)

    found = actions.run_lesson(session, state, lesson, hear)
    unsubscribe()
    assert all(held) and not state.lesson_running.value, "Play waits while the lesson steps"
    assert [(p.day, p.runs) for p in heard] == [(0, 8), (30, 8), (60, 8), (70, 8)]
    assert heard[1].date == sim.calendar.date_of(30, lesson.start)
    assert days_shown == [30, 60, 70] and found.ours.runs == 8

    assert actions.start_lesson(session, state, lesson)

    def reset_at_day_30(progress):
        if progress.day == 30:
            actions.reset(session, state)

    stopped = actions.run_lesson(session, state, lesson, reset_at_day_30)
    assert isinstance(stopped, LessonStopped) and "started again" in stopped.reason
    assert not state.lesson_running.value, "a stopped run lets Play go again"
    assert session.day == 0, "the rebuilt model is not run on"


def test_a_lesson_run_on_changed_settings_says_its_explanation_is_the_lessons():
    """Found in a class: a student typed US aid = 150 % into the aid-cut lesson and ran it; the
    page said "in the year without US aid" of a run with more aid. The answer names each change
    from the lesson's settings (at day 0 and during the run), and the page says the explanation
    was written for the lesson's own."""
    lesson = next(lesson for lesson in load_lessons() if lesson.name == "us_aid_cut")
    lesson = replace(lesson, settings=replace(lesson.settings, n_runs=8, days=60), run_days=60,
                     day=60)
    session = Session(Settings(n_runs=8))
    state = DashboardState.detached(session.settings)
    assert actions.start_lesson(session, state, lesson)
    assert actions.run_lesson(session, state, lesson).departures == ()
    assert actions.start_lesson(session, state, lesson)
    actions.apply_setting(session, state, "trump_aid_level", 1.5)
    actions.step(session, state, 20)
    actions.apply_setting(session, state, "eu_compensation_share", 0.5)
    found = actions.run_lesson(session, state, lesson)
    aid = sim.PARAMS["trump_aid_level"]
    assert found.departures[0] == (
        f"{short_label(aid)} at 150 % of the 2024 level (the lesson's: "
        f"{plain_value(aid, lesson.settings.value('trump_aid_level'))})")
    assert found.departures[1].startswith("from day 20, ")
    note = departures_note(found.departures)
    assert "not the lesson's" in note and "the explanation was written for the lesson's" in note
    other = replace(lesson.settings, scenario="freeze", seed=4)
    assert departures(lesson, other) == (
        f"the preset “{sim.SCENARIOS['freeze'].title}” (the lesson's: "
        f"“{sim.SCENARIOS[lesson.settings.scenario].title}”)", "the seed 4 (the lesson's: 0)")


def compared(lesson) -> Settings:
    return replace(lesson.settings, scenario=lesson.compare_with, overrides=())


@lru_cache(maxsize=1)
def shipped_lessons_ensembles() -> dict[str, sim.SimResult]:
    """Every shipped lesson's two ensembles (five distinct: the lessons compare with one preset),
    by their `sim.simulate` arguments, in one batch (`conftest.ensembles_of`: the numbers
    `sim.simulate` gives for each alone); 6 s of CPU, where computing each lesson's two apart
    took 22 s."""
    wanted = {}
    record = tuple(sorted({lesson.variable for lesson in load_lessons()}))
    for lesson in load_lessons():
        for settings in (lesson.settings, compared(lesson)):
            kwargs = settings.simulate_kwargs()
            if kwargs["run_offset"] == 0 and kwargs["start_date"] is None:
                wanted.setdefault((kwargs["runs"], kwargs["days"], kwargs["seed"]), {})[
                    repr(kwargs)] = kwargs
    found = {}
    for (runs, days, seed), group in wanted.items():
        specs = [(kwargs["scenario"], kwargs["overrides"]) for kwargs in group.values()]
        found.update(zip(group, ensembles_of(*specs, runs=runs, days=days, seed=seed,
                                                record=record)))
    return found


def lesson_numbers(lesson):
    """The lesson's question computed here, from `sim.simulate`, not from the dashboard."""
    def fan(settings):
        kwargs = settings.simulate_kwargs()
        result = shipped_lessons_ensembles().get(repr(kwargs)) or sim.simulate(**kwargs)
        return result.trajectories[lesson.variable]

    ours = fan(lesson.settings)
    theirs = fan(compared(lesson))
    day = lesson.day or lesson.run_days
    out = {}
    for side, runs in (("ours", ours), ("theirs", theirs)):
        runs = np.asarray(runs, dtype=float)
        if lesson.share_at_least is not None:
            out[side] = (float(np.mean(runs[:, day] >= lesson.share_at_least)),
                         float(np.mean((runs[:, : day + 1] >= lesson.share_at_least).any(axis=1))))
        else:
            values = runs[:, day] - (runs[:, 0] if lesson.measure == "change" else 0.0)
            out[side] = tuple(float(q) for q in np.quantile(values / lesson.scale, [0.5, 0.05, 0.95]))
    return out


def number_text(value: float, signed: bool, whole: bool = False) -> str:
    """Areas in whole km² however small ("−5 km²", not "−5.22 km²"); shares with two decimals."""
    text = f"{abs(value):,.0f}" if whole or abs(value) >= 100 else f"{abs(value):.2f}"
    if signed:
        return ("+" if value >= 0 else "−") + text
    return text if value >= 0 else "-" + text


def shown_number(value: float, whole: bool = False) -> float:
    """`value` rounded as `number_text` writes it."""
    return round(value, 0 if whole or abs(value) >= 100 else 2)


QUANTITY_WORDS = re.compile(r"\b(fifth|quarter|third|half|twice|double|triple|tenth)s?\b|\d\s*%"
                            r"|\bper ?cent\b|\d[\d,.]*\s*(km|bn|GW)", re.I)


@pytest.mark.slow
@pytest.mark.parametrize("name", [lesson.name for lesson in load_lessons()])
def test_every_lesson_states_its_question_and_its_sentences_match_its_numbers(name):
    """Run the lesson as the page does; its stated quantity, day and numbers are those computed
    here from `sim.simulate` for the question, and every comparing word follows the numbers."""
    lesson = next(lesson for lesson in load_lessons() if lesson.name == name)
    day = lesson.day or lesson.run_days
    assert 1 <= day <= lesson.run_days
    session = Session(Settings(n_runs=8))
    state = DashboardState.detached(session.settings)
    assert actions.start_lesson(session, state, lesson)
    found = actions.run_lesson(session, state, lesson)
    expected = lesson_numbers(lesson)
    date = sim.calendar.date_of(day, lesson.start)
    when = f"{date.day} {date.strftime('%B %Y')}"
    assert when in found.quantity and found.quantity in found.text
    change = lesson.measure == "change"
    unit = f" {lesson.unit}" if lesson.unit else ""
    for side in ("ours", "theirs"):
        m = getattr(found, side)
        if lesson.share_at_least is not None:
            share, by_then = expected[side]
            assert (m.share, m.share_by_then) == (share, by_then)
            if lesson.measure == "reached":
                assert f"{100 * by_then:.0f} % of the 200 runs ({100 * share:.0f} % still on the " \
                    "day itself)" in found.text
            else:
                assert f"{100 * share:.0f} % of the 200 runs ({100 * by_then:.0f} % at some " \
                    "point" in found.text
        else:
            median, low, high = expected[side]
            assert (m.median, m.low, m.high) == pytest.approx((median, low, high), abs=1e-9)
            whole = lesson.unit in WHOLE_UNITS
            assert (f"median {number_text(median, change, whole)}{unit}; 90 % of the 200 runs "
                    f"between {number_text(low, change, whole)} and "
                    f"{number_text(high, change, whole)}{unit}") in found.text
    # the comparing words follow the numbers
    if lesson.share_at_least is not None:
        checked = 1 if lesson.measure == "reached" else 0
        # the gap between the shares as shown (whole percent), so the figures add up
        points = round(100 * expected["ours"][checked]) - round(100 * expected["theirs"][checked])
        word = "about the same" if abs(points) < 2.5 else ("more" if points > 0 else "fewer")
        assert found.words["direction"] == word
        if word != "about the same":
            assert f"{abs(points):.0f} percentage points {word}" in found.text
    else:
        ours, theirs = expected["ours"][0], expected["theirs"][0]
        if change and ours * theirs > 0:
            ratio = ours / theirs
            assert f"compare as {ratio:.2f} times;" in found.text
            if abs(ratio - 1) >= 0.05:
                assert f"{100 * abs(ratio - 1):.0f} % {'larger' if ratio > 1 else 'smaller'}" \
                    in found.words["difference"]
        else:
            relative = abs(ours - theirs) / abs(theirs)
            if relative >= 0.05:
                word = ("more" if lesson.unit == "km²" else "higher") if ours > theirs else \
                    ("less" if lesson.unit == "km²" else "lower")
                assert found.words["direction"] == word
                if change and ours * theirs < 0:  # opposite signs: the gap itself, no share
                    whole = lesson.unit in WHOLE_UNITS
                    gap = shown_number(ours, whole) - shown_number(theirs, whole)
                    assert found.words["difference"] == \
                        f"{number_text(abs(gap), False, whole)}{unit} {word}"
                else:
                    assert f"{100 * relative:.0f} %" in found.words["difference"]
    # "about the same as", "larger than"
    comparing = "as" if found.words["direction"] == "about the same" else "than"
    assert re.search(re.escape(found.words["difference"]) + rf"( with [^.(]*?)? {comparing} with ",
                     found.text), found.text
    # a question "within a year" / "by then" counts the runs that got there by the day; one
    # "on" a day counts those there on it
    if lesson.share_at_least is not None:
        by_words = re.search(r"\b(within|by)\b", lesson.predict_question, re.I) is not None
        assert (lesson.measure == "reached") == by_words, lesson.predict_question
        assert ("at some point by" in found.quantity) == by_words, found.quantity
    # the explanation states no quantity of its own: every number in it is a measured one
    assert not QUANTITY_WORDS.findall(lesson.explanation), lesson.explanation
    explanation = found.explanation
    for placeholder in ("{ours}", "{theirs}", "{difference}", "{date}", "{direction}"):
        if placeholder in lesson.explanation:
            assert found.words[placeholder[1:-1]] in explanation
    assert "{" not in explanation
    # the student's prediction is set against the runs, whichever choice it is
    from dashboards.lessons.predictions import prediction_verdict
    for prediction in lesson.choices or ("Russia holds more.",):
        verdict = prediction_verdict(found, prediction)
        assert verdict.startswith(f"The model's answer ({found.quantity})"), verdict
        if lesson.choices:
            assert f"Your choice, “{prediction}” (" in verdict
            assert re.search(r"(includes|is above|is below|overlaps) the model's", verdict)
        if lesson.axis == "value" and lesson.share_at_least is None:
            median = expected["ours"][0]
            assert f"the median run gives {number_text(median, change, lesson.unit in WHOLE_UNITS)}" \
                f"{unit};" in verdict


def shipped_answer(lesson):
    """The page's answer to a shipped lesson, from the batch of shipped lessons' ensembles."""
    ours, theirs = (shipped_lessons_ensembles()[repr(s.simulate_kwargs())].trajectories
                    for s in (lesson.settings, compared(lesson)))
    return answer(lesson, ours, theirs, lesson.start)


@pytest.mark.slow
def test_the_freeze_lesson_compares_the_ground_each_fan_took_as_its_explanation_does():
    """Its explanation says Russia "takes less than in two years of fighting"; asked about the
    area held on the day, the page called the freeze's 2 % smaller area "about the same" beside
    it, where the ground taken since day 0 is clearly smaller."""
    lesson = next(lesson for lesson in load_lessons() if lesson.name == "freeze_or_fight")
    assert "takes less than in two years of fighting" in lesson.explanation
    found = shipped_answer(lesson)
    assert found.words["direction"] == "smaller", found.text
    assert f"Russia has gained {found.words['ours']}" in found.explanation


@pytest.mark.slow
def test_the_blame_lesson_says_whom_its_runs_blame():
    """Its explanation says the blame adds up on Kyiv, which refuses far more often than Moscow,
    also with a smaller demand (which it invites the student to try): so do the runs (Washington's
    blame below 0 is on Kyiv). It said the blame would "move the other way" with a smaller demand,
    which left the student thinking Moscow gets it."""
    lesson = next(lesson for lesson in load_lessons() if lesson.name == "blame_game")
    assert "the blame adds up on Kyiv" in lesson.explanation
    assert "blame still adds up on Kyiv" in lesson.explanation
    kwargs = lesson.settings.simulate_kwargs()
    record = ("us_blame", "ukraine_refused_today", "russia_refused_today")
    day = lesson.question_day
    for demand in (None, 0.0):
        extra = {} if demand is None else {"putin_maximalist_demand_km2": demand}
        runs = ensembles_of((kwargs["scenario"], {**kwargs["overrides"], **extra}),
                            runs=kwargs["runs"], days=lesson.run_days, seed=kwargs["seed"],
                            record=record)[0].trajectories
        assert np.median(runs["us_blame"][:, day]) < 0, demand
        assert runs["ukraine_refused_today"].sum() > 1.5 * runs["russia_refused_today"].sum()


def test_a_question_about_runs_asks_for_what_its_share_counts():
    """"A ceasefire" asked, "a ceasefire or a settlement" counted: the prediction's question names
    every phase the share counts."""
    for lesson in load_lessons():
        if lesson.share_at_least is None:
            continue
        for phase in re.findall(r"\b(?:an?|the) (\w+)", lesson.share_label):
            assert phase in lesson.predict_question, (lesson.name, phase)


def test_a_choice_that_says_about_the_same_stands_for_about_the_same():
    """On the ratio axis "about the same" is a ratio near 1: the aid-cut lesson's "About the same:
    the front barely moves" stood for less than half the gain with US aid, so a student who
    meant "about the same as with US aid" was judged on the wrong range."""
    for lesson in load_lessons():
        for choice, (low, high) in zip(lesson.choices, lesson.ranges):
            if lesson.axis == "ratio" and "about the same" in choice.lower():
                assert low <= 1.0 <= high, (lesson.name, choice)


def test_a_lesson_with_an_unknown_placeholder_or_a_bad_question_day_is_refused(tmp_path):
    path = tmp_path / "teacher.toml"
    path.write_text(GOOD.replace("with it: {difference}.", "with it: {fifth}."))
    with pytest.raises(LessonError, match=r"explain.text=\{fifth\}"):
        load_lesson(path)
    path.write_text(GOOD.replace("day = 365", "day = 400"))
    with pytest.raises(LessonError, match=r"observe.day=400 .* \[1, run_days=365\]"):
        load_lesson(path)
    path.write_text(GOOD.replace('measure = "change"', 'measure = "ratio"'))
    with pytest.raises(LessonError, match="observe.measure='ratio'"):
        load_lesson(path)


# -- the student's prediction against the model's runs -------------------------------------------
def test_a_prediction_is_placed_against_the_middle_half_and_the_90_percent_band():
    from dashboards.lessons.predictions import (ABOVE, ABOVE_MIDDLE, BELOW, BELOW_MIDDLE, MIDDLE,
                                                Spread, placement)
    runs = Spread.of(np.arange(101.0))  # 5 % 5, 25 % 25, median 50, 75 % 75, 95 % 95
    assert (runs.low90, runs.low50, runs.median, runs.high50, runs.high90) == (5, 25, 50, 75, 95)
    # a number
    assert [placement(x, x, runs) for x in (50, 25, 75, 80, 20, 95, 96, 4)] == \
        [MIDDLE, MIDDLE, MIDDLE, ABOVE_MIDDLE, BELOW_MIDDLE, ABOVE_MIDDLE, ABOVE, BELOW]
    # a range (a choice): it meets the middle half, or lies beside it, or beyond the band
    inf = float("inf")
    assert placement(70, 200, runs) == MIDDLE and placement(-inf, 30, runs) == MIDDLE
    assert placement(0, inf, runs) == MIDDLE, "a range holding every run is no miss"
    assert placement(80, 120, runs) == ABOVE_MIDDLE and placement(0, 20, runs) == BELOW_MIDDLE
    assert placement(100, inf, runs) == ABOVE and placement(-inf, 2, runs) == BELOW
    assert runs.share_within(80, 120) == pytest.approx(21 / 101)
    # one number (a share of runs): in the range or not
    share = Spread.single(0.32)
    assert [placement(*r, share) for r in ((0.125, 0.375), (0.375, 0.75), (0, 0.125))] == \
        [MIDDLE, ABOVE, BELOW]


def test_a_typed_prediction_is_read_as_a_number_only_when_it_is_one():
    from dashboards.lessons.predictions import typed_number
    lessons = {lesson.name: lesson for lesson in load_lessons()}
    area, ratio, runs = lessons["freeze_or_fight"], lessons["us_aid_cut"], \
        lessons["sanctions_before_grid"]
    assert [typed_number(area, t) for t in ("120,000", " 120000 km² ", "+5.5", "−300 km2")] == \
        [120_000.0, 120_000.0, 5.5, -300.0]
    assert [typed_number(area, t) for t in ("Russia, by 2,000 km²", "120000 GW", "")] == \
        [None, None, None], "a sentence or another unit is not read for numbers"
    assert typed_number(ratio, "1.5 times") == 1.5 and typed_number(ratio, "2x") == 2.0
    assert typed_number(runs, "30 %") == 0.3 and typed_number(runs, "30") is None


def synthetic_answer(lesson, per_run, base=100_000.0):
    """`answer` for `lesson` from made-up fans: the comparison's runs gain 20 a day, the
    student's `per_run` times as much, run by run (the same for a level)."""
    days = np.arange(lesson.run_days + 1, dtype=float)
    theirs = {lesson.variable: np.stack([base + 20 * days + k for k in range(len(per_run))])}
    ours = {lesson.variable: np.stack([base + 20 * r * days + k for k, r in enumerate(per_run)])}
    return ours, theirs


def test_the_verdict_says_the_models_answer_and_where_the_prediction_lies():
    from dashboards.lessons import answer
    from dashboards.lessons.predictions import prediction_verdict
    lessons = {lesson.name: lesson for lesson in load_lessons()}
    cut = lessons["us_aid_cut"]  # choices on the ratio axis
    found = answer(cut, *synthetic_answer(cut, [1.0, 1.1, 1.2, 1.4, 2.5]),
                   theirs_label="the status quo")
    verdict = prediction_verdict(found, cut.choices[2])
    assert "the median ratio of a run's gain with your settings to the same run's with the " \
        "status quo is 1.20 times (the median gains compare as 1.20 times); half the runs give " \
        "between 1.10 times and 1.40 times (the model's 50 % range), 90 % " \
        "between 1.02 times and 2.28 times." in verdict
    assert (f"Your choice, “{cut.choices[2]}” (2.00 times to 3.00 times), is above the "
            "model's 50 % range (1.10 times to 1.40 times) but overlaps its 90 % band (1.02 "
            "times to 2.28 times): most runs give less, some as much. 20 % of the 5 runs fall "
            "in your range.") in verdict
    assert "overlaps the model's 50 % range" in prediction_verdict(found, cut.choices[1])
    assert "is below the model's 90 % band (1.02 times to 2.28 times): almost all runs give " \
        "more. 0 % of the 5 runs" in prediction_verdict(found, cut.choices[0])
    # a typed number on a lesson without choices (asked about the area held on the day), and a
    # typed sentence
    freeze = replace(lessons["freeze_or_fight"], measure="level")
    found = answer(freeze, *synthetic_answer(freeze, [1.0, 1.1, 1.2, 1.4, 2.5], base=0.0))
    median = 20 * 1.2 * freeze.question_day + 2
    assert f"the median run gives {median:,.0f} km²" in prediction_verdict(found, "1")
    assert "Your prediction, 99,000 km², is above the model's 90 % band" in \
        prediction_verdict(found, "99000")
    assert f"Your prediction, {median:,.0f} km², is within the model's 50 % range" in \
        prediction_verdict(found, f"{median:,.0f} km²")
    assert "You predicted “Russia holds more”: the page does not judge a written prediction" \
        in prediction_verdict(found, "Russia holds more")
    assert "&lt;b&gt;" in prediction_verdict(found, "<b>"), "the student's text is text"
    # a question about runs: one share
    talks = lessons["sanctions_before_grid"]
    phases = {talks.variable: np.zeros((4, talks.run_days + 1))}
    phases[talks.variable][:1, talks.question_day] = 2  # one run of four in a ceasefire
    found = answer(talks, phases, phases)
    assert "25 % of the 4 runs with your settings" in prediction_verdict(found, talks.choices[1])
    assert f"Your choice, “{talks.choices[1]}” (12 % to 38 %), includes the model's answer." \
        in prediction_verdict(found, talks.choices[1])
    assert "is above the model's answer" in prediction_verdict(found, talks.choices[3])
    # a bound that is the comparison's median
    blame = lessons["blame_game"]
    found = answer(blame, {blame.variable: np.stack([np.linspace(0.7, 0.7 - d, blame.run_days + 1)
                                                     for d in (0.3, 0.4, 0.5)])},
                   {blame.variable: np.stack([np.linspace(0.7, 0.6, blame.run_days + 1)] * 3)})
    assert (f"Your choice, “{blame.choices[2]}” (−10 percentage points to −2 percentage "
            "points), is above the model's 90 % band") in prediction_verdict(found, blame.choices[2])


def test_a_question_about_runs_by_a_day_counts_the_runs_that_got_there_by_then(tmp_path):
    """A run in a ceasefire in spring that broke down by the question's day counts for "within a
    year": the share checked, stated, compared and charted is the share by then."""
    from dashboards.lessons import answer
    from dashboards.lessons.predictions import prediction_verdict
    talks = next(lesson for lesson in load_lessons() if lesson.name == "sanctions_before_grid")
    assert talks.measure == "reached"
    day = talks.question_day
    ours = np.zeros((4, talks.run_days + 1))
    ours[0, 100:200] = 2  # a ceasefire that broke down
    ours[1, day] = 2  # one on the day
    theirs = np.zeros_like(ours)
    theirs[0, day] = 2
    found = answer(talks, {talks.variable: ours}, {talks.variable: theirs},
                   theirs_label="the default world")
    assert found.ours.share == 0.25 and found.ours.share_by_then == 0.5
    assert found.quantity.startswith("Share of runs in a ceasefire or a settlement at some point by")
    assert "50 % of the 4 runs (25 % still on the day itself)" in found.text
    assert found.words["ours"] == "50 %" and found.words["theirs"] == "25 %"
    assert "25 percentage points more" in found.text
    verdict = prediction_verdict(found, "About half")
    assert "50 % of the 4 runs" in verdict and "“About half” (38 % to 62 %), includes" in verdict
    assert found.ours_series[0, 250] == 1.0, "the chart counts a run once it got there"
    # a lesson may count runs on the day or by it, and only a question about runs by it
    path = tmp_path / "teacher.toml"
    path.write_text(GOOD.replace('measure = "change"', 'measure = "reached"'))
    with pytest.raises(LessonError, match="observe.measure='reached' is not allowed without"):
        load_lesson(path)


def test_a_stated_difference_is_that_of_the_rounded_figures_shown_beside_it():
    """32.5 % and 23.0 % are shown as 32 % and 23 %: the gap stated is 9 points, not the raw
    9.5 rounded to 10; medians of +100.6 and +50.4 km² shown as +101 and +50 differ by 51."""
    from dashboards.lessons import answer
    lessons = {lesson.name: lesson for lesson in load_lessons()}
    talks = lessons["sanctions_before_grid"]
    ours = np.zeros((200, talks.run_days + 1))
    theirs = np.zeros_like(ours)
    ours[:65, talks.question_day] = 2
    theirs[:46, talks.question_day] = 2
    found = answer(talks, {talks.variable: ours}, {talks.variable: theirs})
    assert "32 % of the 200 runs" in found.text and "23 % of the 200 runs" in found.text
    assert found.words["difference"] == "9 percentage points more"
    cut = lessons["us_aid_cut"]
    days = np.arange(cut.run_days + 1, dtype=float)
    found = answer(cut, {cut.variable: np.stack([100.6 / cut.run_days * days] * 3)},
                   {cut.variable: np.stack([50.4 / cut.run_days * days] * 3)})
    assert "median +101 km²" in found.text and "median +50 km²" in found.text
    assert "they differ by +51 km²" in found.text, found.text


def test_the_ratio_of_medians_and_the_median_ratio_are_each_named():
    """The answer compares the median gains (3.00 times here); the verdict each run with its
    pair (median 1.50 times): each says which it is, and the verdict gives both."""
    from dashboards.lessons import answer
    from dashboards.lessons.predictions import prediction_verdict
    cut = next(lesson for lesson in load_lessons() if lesson.name == "us_aid_cut")
    days = np.arange(cut.run_days + 1, dtype=float)
    gains_theirs, gains_ours = (100.0, 200.0, 1000.0), (150.0, 600.0, 1100.0)  # ratios 1.5, 3, 1.1
    found = answer(cut, {cut.variable: np.stack([g / cut.run_days * days for g in gains_ours])},
                   {cut.variable: np.stack([g / cut.run_days * days for g in gains_theirs])},
                   theirs_label="the status quo")
    assert "(the median gains compare as 3.00 times; they differ by +400 km²)" in found.text
    verdict = prediction_verdict(found, cut.choices[1])
    assert "the median ratio of a run's gain with your settings to the same run's with the " \
        "status quo is 1.50 times (the median gains compare as 3.00 times)" in verdict, verdict
    assert "the median run gives" not in verdict


# -- settings as a file and a link ----------------------------------------------------------------
@pytest.mark.slow
def test_a_file_or_link_saved_after_a_mid_run_change_replays_the_run_exactly():
    """A change made on day 30 is saved with its day; reopening the file or the link and stepping
    gives the same trajectories as the run it was saved from, and the same fan. Four arrow
    presses on one day are one change, logged once."""
    session = Session(Settings(scenario="freeze", n_runs=8, seed=3))
    state = DashboardState.detached(session.settings)
    actions.step(session, state, 30)
    for value in (0.9, 0.8, 0.7, 0.6):  # one adjustment, four presses
        actions.apply_setting(session, state, "trump_aid_level", value)
    assert session.interventions == ((30, {"trump_aid_level": 0.6}),)
    assert state.chosen.value.changes == ((30, (("trump_aid_level", 0.6),)),)
    assert state.chosen.value.overrides == ()
    actions.step(session, state, 70)
    original = {k: v[:, :101].copy() for k, v in session.model.trajectories.items()}
    fan = session.compute_fan()
    text = settings_to_toml(state.chosen.value)
    assert "[[changes]]\nday = 30\ntrump_aid_level = 0.6" in text
    link = settings_to_query(state.chosen.value)
    assert "change=30%3Atrump_aid_level%3A0.6" in link
    for reopen in (lambda s, st: actions.open_settings_file(s, st, "mine.toml", text.encode()),
                   lambda s, st: actions.open_link(s, st, "?" + link)):
        again = Session(Settings(n_runs=8))
        again_state = DashboardState.detached(again.settings)
        reopen(again, again_state)
        assert again.settings.changes == state.chosen.value.changes and again.day == 0
        reopened_fan = again.compute_fan()
        actions.step(again, again_state, 100)
        assert again.interventions == ((30, {"trump_aid_level": 0.6}),)
        for name, values in original.items():
            np.testing.assert_array_equal(again.model.trajectories[name][:, :101], values,
                                          err_msg=name)
            np.testing.assert_array_equal(reopened_fan.trajectories[name], fan.trajectories[name],
                                          err_msg=name)
    # without the change the run differs: the test can fail
    plain = Session(Settings(scenario="freeze", n_runs=8, seed=3))
    plain.step(100)
    assert not np.array_equal(plain.model.trajectories["us_aid_bn_usd_yr"][:, :101],
                              original["us_aid_bn_usd_yr"])
    # Reset starts from day 0 with the slider where the student left it
    actions.reset(session, state)
    assert session.day == 0 and session.settings.changes == ()
    assert session.settings.overrides == (("trump_aid_level", 0.6),)


def test_conflictsim_run_refuses_a_file_with_mid_run_changes(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(settings_to_toml(Settings().with_change(30, "trump_aid_level", 0.5)))
    with pytest.raises(SettingsFileError, match="changes on day 30 are not allowed here"):
        read_settings_file(path)



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
    exact = replace(CHANGED, uncertainty="off", math="portable")  # as a sweep row made them
    assert settings_from_query(settings_to_query(exact)) == exact
    assert settings_from_text(settings_to_toml(exact), "exact.toml") == exact
    assert "math" not in settings_to_toml(CHANGED) and "math" not in settings_to_query(CHANGED)
    assert settings_from_query("") is None and settings_from_query("lesson=us_aid_cut") is None


@pytest.mark.parametrize("text, words", [
    ('scenario = "freeze"\n[parameters]\ntrump_aid_level = 9.0', ["trump_aid_level=9.0", "[0, 1.5]"]),
    ('scenario = "freeze"\n[parameters]\ntrump_aid_level = "lots"', ["trump_aid_level='lots'"]),
    ('scenario = "freeze"\n[parameters]\ntrump_pushes_talks = "yes"', ["trump_pushes_talks='yes'"]),
    ('scenario = "freeze"\n[parameters]\nwarp = 1', ["parameter='warp'"]),
    ('scenario = "peace"', ["scenario='peace'"]),
    ('scenario = "freeze"\nseed = -2', ["seed=-2"]),
    ('scenario = "freeze"\nrun = "x"', ["run='x'"]),
    ('scenario = "freeze"\nstart_date = 2022-12-31', ["start_date='2022-12-31'"]),
    ('scenario = "freeze"\nmath = "fast"', ["math='fast'", "native, portable"]),
    ('scenario = "freeze"\nuncertainty = "maybe"', ["uncertainty='maybe'", "on, off"]),
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
    assert "--seed=3 is not allowed with --settings" in capsys.readouterr().err
    path.write_text(settings_to_toml(replace(CHANGED, uncertainty="off", math="portable")))
    assert main(["run", "--settings", str(path), "--runs", "6", "--days", "40"]) == 0
    exact_from_file = capsys.readouterr().out
    assert "parameter uncertainty: off" in exact_from_file
    assert main(["run", "--scenario", "freeze", "--seed", "11", "--run-offset", "4", "--runs", "6",
                 "--days", "40", "--set", "trump_aid_level=0.3", "--set", "trump_pushes_talks=false",
                 "--set", "putin_strategy=maximalist", "--uncertainty", "off",
                 "--math", "portable"]) == 0
    assert exact_from_file == capsys.readouterr().out
    assert main(["run", "--settings", str(path), "--runs", "6", "--days", "40", "--math",
                 "portable"]) == 2
    assert "--math=portable is not allowed with --settings" in capsys.readouterr().err


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


def test_the_log_tells_each_month_the_forces_and_why_they_changed(told_year):
    """Issue 18: the force ratio moves for reasons a student can read. Once a month, after the
    front: each side's troops at the front, the change, what reached them (contracts, call-ups,
    recruits) and what the fighting cost, and the ratio, all read from the run's trajectories."""
    session, told = told_year
    forces = [e for e in told if e.kind == "forces"]
    fronts = [e for e in told if e.kind == "front"]
    assert [e.day for e in forces] == [e.day for e in fronts]
    assert all(told.index(f) == told.index(g) + 1 for f, g in zip(forces, fronts)), \
        "told right after the front"
    traj = {name: values[0] for name, values in session.model.trajectories.items()}
    january = forces[1]  # 1-31 January 2025: days 31-61, after the day of December's (30)
    before, last = 30, 61
    assert january.line().startswith("31 Jan 2025: Troops at the front: Russia ")

    def persons(value):
        return f"{round(value, -3):,.0f}"

    russia, ukraine = traj["russia_troops_k"][last], traj["ukraine_troops_k"][last]
    contracts = traj["russia_contracts_today"][before + 1: last + 1].sum(dtype=float)
    recruits = traj["ukraine_recruits_today"][before + 1: last + 1].sum(dtype=float)
    assert f"Russia {persons(russia * 1000)} (" in january.text
    assert f"{persons(contracts)} new contracts" in january.text
    assert f"{persons(recruits)} recruits arrive" in january.text
    lost = traj["russia_casualties"][last] - traj["russia_casualties"][before]
    back = (russia - traj["russia_troops_k"][before]) * 1000 - contracts \
        - traj["russia_called_up_today"][before + 1: last + 1].sum(dtype=float) + lost
    assert back > 500, "some of the wounded return within a month"
    assert (f"{persons(lost)} killed and wounded, {persons(back)} wounded back in the ranks), "
            f"Ukraine {persons(ukraine * 1000)}") in january.text
    assert january.text.endswith(f"Russia has {russia / ukraine:.1f} soldiers there to every "
                                 "Ukrainian")
    assert np.isclose(russia / ukraine, traj["front_force_ratio"][last])


def test_a_months_forces_say_the_change_call_ups_only_when_there_are_some():
    text = events.forces_text("this month", (612.3, 280.0), (604.0, 282.4), 33_210.0, 120.0,
                              12_480.0, (36_020.0, 14_400.0))
    assert text == ("Troops at the front: Russia 612,000 (+8,000 this month; 33,000 new "
                    "contracts, 36,000 killed and wounded, 11,000 wounded back in the ranks), "
                    "Ukraine 280,000 (−2,000; 12,000 recruits arrive, 14,000 killed and "
                    "wounded). Russia has 2.2 soldiers there to every Ukrainian")
    called = events.forces_text("since 1 Sep", (600.0, 300.0), (600.2, 300.0), 20_000.0,
                                9_600.0, 10_000.0, (30_000.0, 12_000.0))
    assert "(no change since 1 Sep; 20,000 new contracts and 10,000 reservists called up," in called
    assert "Ukraine 300,000 (no change;" in called


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
                    "it expects to gain more by fighting on than these terms give it. The offer "
                    "looked unreasonable from outside: Washington blames Moscow only a little")
    demand = events.refusal_text({"last_package": package, "proposer_today": talks.MOSCOW,
                                  "ukraine_refused_today": True, "refusal_reasonableness": 0.1})
    assert demand.endswith("Kyiv refuses: it expects to lose less by fighting on than these terms "
                           "would cost it. The offer looked unreasonable from outside: "
                           "Washington blames Moscow for asking too much")
    fair = events.refusal_text({"last_package": package, "proposer_today": talks.KYIV,
                                "russia_refused_today": True, "refusal_reasonableness": 0.9})
    assert fair.endswith("The offer looked reasonable from outside: Washington blames Moscow")
    assert events.refusal_text({"last_offer_km2": 0.0}) == (
        "Talks round: a deal is proposed (the front frozen where it is). It is refused")


def test_a_refusal_the_class_gave_is_its_decision_without_the_rules_reason():
    from sim.core import talks
    values = {"last_offer_km2": 0.0, "proposer_today": talks.KYIV, "russia_refused_today": True,
              "refusal_reasonableness": 0.9}
    ruled = events.refusal_text(values)
    assert "Moscow refuses: it expects to gain more" in ruled
    classed = events.refusal_text(values | {"class_answers": talks.CONSENT_MOSCOW})
    assert "Moscow (the class) refuses." in classed and "it expects" not in classed
    assert classed.endswith("Washington blames Moscow"), "Washington's blame is the model's"
    kyiv_by_class = events.refusal_text(values | {"class_answers": talks.CONSENT_KYIV})
    assert kyiv_by_class == ruled, "the class played Kyiv, the rule answered for Moscow"


def test_a_round_blocked_off_the_table_says_whose_consent_it_lacked_and_why():
    """Found in a class: "Kyiv proposes a deal (...). It is refused" named nobody when the
    refusal was Washington's or Europe's consent to relief or guarantees they control."""
    from sim.core import talks
    package = np.zeros(talks.N_ISSUES)
    package[talks.SANCTIONS_RELIEF], package[talks.EU_RELIEF] = 0.25, 0.2
    values = {"last_package": package, "proposer_today": talks.KYIV,
              "washington_withheld": talks.WITHHELD_RELIEF}
    assert events.refusal_text(values).endswith(
        "Both sides take it, but Washington withholds its consent: the package lifts more US "
        "sanctions (25%) than Washington will lift for a deal now, so it does not bind")
    both = events.refusal_text(values | {"europe_withheld": talks.WITHHELD_HOLDOUT,
                                         "class_answers": talks.CONSENT_WASHINGTON})
    assert both.endswith("Washington (the class) withholds its consent; Europe withholds its "
                         "consent: a member state holds out against lifting EU sanctions (the EU "
                         "decides by unanimity), so it does not bind")


def test_a_new_issue_of_a_package_is_one_clause(monkeypatch):
    clause = events.OfferClause(5, lambda v: f"elections within {v:.0f} months")
    monkeypatch.setattr(events, "OFFER_CLAUSES", events.OFFER_CLAUSES + (clause,))
    package = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 6.0])
    assert "and elections within 6 months" in events.offer_terms({"last_package": package})


def test_the_lesson_panel_walks_from_prediction_to_explanation():
    import ipyvuetify as v

    from dashboards.components.lesson_panel import LessonPanel
    from dashboards.lessons import answer
    lessons = load_lessons()
    started, ran = [], []
    days = np.arange(731, dtype=float)
    ours = {lessons[0].variable: np.stack([100_000 + 30 * days + k for k in range(5)])}
    theirs = {lessons[0].variable: np.stack([100_000 + 20 * days + k for k in range(5)])}

    def run(lesson, on_progress):
        ran.append(lesson)
        return answer(lesson, ours, theirs, theirs_label="the status quo")

    box, rc = solara.render(LessonPanel(lessons, on_start=lambda lesson: started.append(lesson) or True,
                                        on_run=run), handle_error=False)
    rc.find(v.Btn, children=["Start this lesson"]).widget.click()
    assert started == [lessons[0]]
    run = rc.find(v.Btn, children=[f"2. Run the model for {lessons[0].run_days} days"])
    assert run.widget.disabled, "predict first"
    assert rc.find(v.BtnToggle).widget.mandatory is False, "no choice is made for the student"
    rc.find(v.BtnToggle).widget.v_model = 1
    assert not run.widget.disabled
    run.widget.click()
    rc.find(v.Btn, children=["4. Show the explanation"]).wait_for(timeout=10).widget.click()
    assert ran == [lessons[0]]
    texts = text_once_shown(rc, "Your prediction.")
    assert f"median +{30 * lessons[0].day:,.0f} km²" in texts, "the question's numbers"
    assert "50 % larger" in texts, "the explanation's words come from the numbers"
    assert lessons[0].explanation[:40] in texts and "{" not in texts.split("Why.")[1][:2000]
    assert lessons[0].choices[1] in texts, "the prediction is shown beside the explanation"
    assert f"Your choice, “{lessons[0].choices[1]}” (0.50 times to 2.00 times), overlaps the " \
        "model's 50 % range (1.50 times)" in texts, "and where it lies"
    rc.close()


def test_the_explanation_says_how_far_the_prediction_was_from_the_runs():
    import ipyvuetify as v

    from dashboards.components.lesson_panel import LessonPanel
    from dashboards.lessons import answer
    lesson = next(lesson for lesson in load_lessons() if lesson.name == "us_aid_cut")
    fans = synthetic_answer(lesson, [1.0, 1.1, 1.2, 1.4, 2.5])
    box, rc = solara.render(LessonPanel([lesson], on_start=lambda lesson: True,
                                        on_run=lambda lesson, on_progress: answer(lesson, *fans)),
                            handle_error=False)
    rc.find(v.Btn, children=["Start this lesson"]).widget.click()
    rc.find(v.BtnToggle).widget.v_model = 2  # "two to three times"
    rc.find(v.Btn, children=[f"2. Run the model for {lesson.run_days} days"]).widget.click()
    explain = rc.find(v.Btn, children=["4. Show the explanation"]).wait_for(timeout=10)
    assert "model's 50 % range" not in page_text(rc), "not before the explanation"
    explain.widget.click()
    verdict = text_once_shown(rc, "Your prediction.").split("Your prediction.")[1]
    assert "The model's answer (Area of Ukraine held by Russia: change from 1 December 2024 to " \
        "1 December 2025), run by run" in verdict
    assert (f"Your choice, “{lesson.choices[2]}” (2.00 times to 3.00 times), is above the "
            "model's 50 % range (1.10 times to 1.40 times) but overlaps its 90 % band") in verdict
    assert "most runs give less" in verdict
    rc.close()


def test_the_prediction_is_locked_once_its_run_has_started():
    """A student who changes their choice after seeing the answer is still judged on the one
    they made before the run; starting the lesson again unlocks it."""
    import ipyvuetify as v

    from dashboards.components.lesson_panel import LessonPanel
    from dashboards.lessons import answer
    lessons = {lesson.name: lesson for lesson in load_lessons()}
    lesson = lessons["us_aid_cut"]
    fans = synthetic_answer(lesson, [1.0, 1.1, 1.2, 1.4, 2.5])
    box, rc = solara.render(LessonPanel([lesson], on_start=lambda lesson: True,
                                        on_run=lambda lesson, on_progress: answer(lesson, *fans)),
                            handle_error=False)
    rc.find(v.Btn, children=["Start this lesson"]).widget.click()
    choice_buttons = [rc.find(v.Btn, children=[choice]) for choice in lesson.choices]
    assert not any(b.widget.disabled for b in choice_buttons)
    assert "locked" not in page_text(rc)
    rc.find(v.BtnToggle).widget.v_model = 2  # "two to three times"
    rc.find(v.Btn, children=[f"2. Run the model for {lesson.run_days} days"]).widget.click()
    explain = rc.find(v.Btn, children=["4. Show the explanation"]).wait_for(timeout=10)
    assert all(rc.find(v.Btn, children=[choice]).widget.disabled for choice in lesson.choices)
    assert "Your prediction is locked for this run" in page_text(rc)
    rc.find(v.BtnToggle).widget.v_model = 1  # changed after the answer: not what is judged
    explain.widget.click()
    verdict = text_once_shown(rc, "Your prediction.").split("Your prediction.")[1]
    assert f"Your choice, “{lesson.choices[2]}”" in verdict
    assert lesson.choices[1] not in verdict
    rc.find(v.Btn, children=["Back to the list of lessons"]).widget.click()
    rc.find(v.Btn, children=["Start this lesson"]).widget.click()
    assert not any(rc.find(v.Btn, children=[c]).widget.disabled for c in lesson.choices)
    assert "locked" not in page_text(rc)
    rc.close()


def test_a_typed_prediction_is_locked_once_its_run_has_started():
    import ipyvuetify as v

    from dashboards.components.lesson_panel import LessonPanel
    from dashboards.lessons import answer
    lesson = next(lesson for lesson in load_lessons() if lesson.name == "freeze_or_fight")
    lesson = replace(lesson, measure="level")  # a typed area held, unsigned
    fans = synthetic_answer(lesson, [1.0, 1.1, 1.2, 1.4, 2.5], base=0.0)
    box, rc = solara.render(LessonPanel([lesson], on_start=lambda lesson: True,
                                        on_run=lambda lesson, on_progress: answer(lesson, *fans)),
                            handle_error=False)
    rc.find(v.Btn, children=["Start this lesson"]).widget.click()
    area = rc.find(v.Textarea, label="Your prediction")
    assert not area.widget.disabled
    area.widget.v_model = "99000"
    rc.find(v.Btn, children=[f"2. Run the model for {lesson.run_days} days"]).widget.click()
    explain = rc.find(v.Btn, children=["4. Show the explanation"]).wait_for(timeout=10)
    assert rc.find(v.Textarea, label="Your prediction").widget.disabled
    assert "Your prediction is locked for this run" in page_text(rc)
    explain.widget.click()
    verdict = text_once_shown(rc, "Your prediction.").split("Your prediction.")[1]
    assert "Your prediction, 99,000 km², is above the model's 90 % band" in verdict
    rc.close()


def press_run(rc, lesson) -> str:
    """Start the lesson, predict, press its run button; the button's label."""
    import ipyvuetify as v

    rc.find(v.Btn, children=["Start this lesson"]).widget.click()
    rc.find(v.BtnToggle).widget.v_model = 2
    label = f"2. Run the model for {lesson.run_days} days"
    rc.find(v.Btn, children=[label]).widget.click()
    return label


def test_a_lessons_run_says_it_is_running_and_how_far_it_has_got_until_its_answer():
    """Found by a student: the run took up to 14 s on a loaded server and the page showed only
    a thin bar at its top. It runs in a thread; the panel says how far it has got, with the
    run's button busy and the lesson held until the answer is there."""
    import datetime as dt
    import html
    import threading

    import ipyvuetify as v

    from dashboards.components.lesson_panel import LessonPanel
    from dashboards.lessons import LessonProgress, answer
    lesson = next(lesson for lesson in load_lessons() if lesson.name == "us_aid_cut")
    fans = synthetic_answer(lesson, [1.0, 1.1, 1.2, 1.4, 2.5])
    gate = threading.Event()

    def run(lesson, on_progress):
        on_progress(LessonProgress(120, dt.date(2025, 3, 31), 200))
        gate.wait(10)
        return answer(lesson, *fans)

    box, rc = solara.render(LessonPanel([lesson], on_start=lambda lesson: True, on_run=run),
                            handle_error=False)
    try:
        label = press_run(rc, lesson)
        said = "Running the lesson's 200 runs: day 120 of 365, 31 Mar 2025…"
        rc.find(solara.widgets.HTML, unsafe_innerHTML=html.escape(said)).wait_for(timeout=10)
        bars = [w.value for w in rc.find(v.ProgressLinear).widgets]
        assert bars == [pytest.approx(100 * 120 / 365)], "how far, drawn"
        run_button = rc.find(v.Btn, children=[label]).widget
        assert run_button.disabled and run_button.loading, "busy, not pressed twice"
        assert rc.find(v.Btn, children=["Back to the list of lessons"]).widget.disabled
        assert "lesson-stage-running" in page_classes(rc)
        gate.set()
        rc.find(v.Btn, children=["4. Show the explanation"]).wait_for(timeout=10)
        assert "200 runs: day 120" not in text_once_shown(rc, "What the model shows")
        assert "lesson-stage-observe" in page_classes(rc)
        assert not rc.find(v.Btn, children=["Back to the list of lessons"]).widget.disabled
    finally:
        gate.set()
        rc.close()


@pytest.mark.parametrize("how", ["returned", "raised"])
def test_a_lessons_run_that_stops_says_why_and_can_run_again(how):
    """A stop the student caused comes back as a `LessonStopped` (a raised one is logged on the
    server as an error); a fault that raises says why the same way."""
    import ipyvuetify as v

    from dashboards.components.lesson_panel import LessonPanel
    from dashboards.lessons import answer
    lesson = next(lesson for lesson in load_lessons() if lesson.name == "us_aid_cut")
    fans = synthetic_answer(lesson, [1.0, 1.1, 1.2, 1.4, 2.5])
    calls = []

    def run(lesson, on_progress):
        calls.append(lesson)
        if len(calls) == 1:
            if how == "raised":
                raise ValueError("the model was started again")
            return LessonStopped("the model was started again")
        return answer(lesson, *fans)

    box, rc = solara.render(LessonPanel([lesson], on_start=lambda lesson: True, on_run=run),
                            handle_error=False)
    try:
        label = press_run(rc, lesson)
        rc.find(v.Alert, children=["The lesson's run stopped: the model was started again"]
                ).wait_for(timeout=10)
        again = rc.find(v.Btn, children=[label]).widget
        assert not again.disabled and not again.loading
        again.click()
        rc.find(v.Btn, children=["4. Show the explanation"]).wait_for(timeout=10)
        assert len(calls) == 2
    finally:
        rc.close()


def test_a_new_run_never_shows_the_last_runs_answer(monkeypatch):
    """Found in the browser: a lesson's run started after another lesson's showed, for a
    render, that lesson's answer as its own."""
    import threading

    import ipyvuetify as v

    from dashboards.components import lesson_panel
    from dashboards.lessons import answer
    lessons = {lesson.name: lesson for lesson in load_lessons()}
    first, second = lessons["us_aid_cut"], lessons["us_aid_gap"]
    shown = []
    original = lesson_panel.AnswerView

    @solara.component
    def Recorded(found):
        shown.append(found.lesson.name)
        return original.f(found)

    monkeypatch.setattr(lesson_panel, "AnswerView", Recorded)
    gate = threading.Event()

    def run(lesson, on_progress):
        if lesson is second:
            gate.wait(10)
        return answer(lesson, *synthetic_answer(lesson, [1.0, 1.1, 1.2, 1.4, 2.5]))

    box, rc = solara.render(lesson_panel.LessonPanel([first, second], on_start=lambda lesson: True,
                                                     on_run=run), handle_error=False)
    try:
        for lesson in (first, second):
            rc.find(v.Select).wait_for(timeout=10).widget.v_model = lesson.title
            rc.find(v.Btn, children=["Start this lesson"]).wait_for(timeout=10).widget.click()
            rc.find(v.BtnToggle).wait_for(timeout=10).widget.v_model = 0
            shown.clear()
            rc.find(v.Btn, children=[f"2. Run the model for {lesson.run_days} days"]).widget.click()
            if lesson is second:
                gate.set()
            rc.find(v.Btn, children=["4. Show the explanation"]).wait_for(timeout=10)
            assert set(shown) == {lesson.name}, shown
            rc.find(v.Btn, children=["Back to the list of lessons"]).widget.click()
    finally:
        gate.set()
        rc.close()


def page_classes(rc) -> set[str]:
    """Every CSS class the rendered tree's widgets carry."""
    import ipywidgets
    out: set[str] = set()

    def walk(widget):
        out.update((getattr(widget, "class_", None) or "").split())
        for child in getattr(widget, "children", None) or []:
            if isinstance(child, ipywidgets.Widget):
                walk(child)

    walk(rc.find(ipywidgets.Widget).widget)
    return out


def text_once_shown(rc, words: str, timeout: float = 10) -> str:
    """The page's text once it holds `words`: a lesson's run is a task in a thread, and while
    that thread renders, a click's render waits for it and comes after the click returns."""
    import time

    deadline = time.monotonic() + timeout
    while words not in (text := page_text(rc)):
        assert time.monotonic() < deadline, f"{words!r} is not on the page: {text[-500:]}"
        time.sleep(0.01)
    return text


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


def test_a_runs_last_day_or_two_are_told_with_the_month_before():
    """730 days from 1 Dec 2024 end on 1 Dec 2026: the last summary covers November and that
    day, not one day "since 1 Dec"; a tail of a week or more keeps its own summary."""
    start = sim.calendar.START_DATE
    ends = events.month_ends(start, 730)
    assert ends[-1] == 730 and ends[-2] == 699  # 31 Oct 2026: November joins the last day
    assert events.period_words(700, 730, start) == "since 1 Nov"
    longer = events.month_ends(start, 737)  # to 8 Dec 2026
    assert longer[-2:] == (729, 737)


def test_a_teachers_folder_of_lessons_is_checked_before_the_server_starts(tmp_path, capsys):
    """`conflictsim dashboard --lessons DIR`: a bad file stops the command in one line naming
    it, before any server starts; a good folder reaches the page through the server's
    environment; the page itself never fails on a bad file, it says which one."""
    from conflictsim.cli import main
    from dashboards.launch import server_env
    from dashboards.lessons import LESSONS_ENV, page_lessons

    good = tmp_path / "good"
    good.mkdir()
    (good / "aid.toml").write_text(GOOD)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "typo.toml").write_text(GOOD.replace("trump_aid_level = 0.0", "trump_aid_levl = 0.0"))
    assert main(["dashboard", "--lessons", str(bad), "--port", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "typo.toml" in err and "trump_aid_levl" in err
    assert server_env(lessons=good)[LESSONS_ENV] == str(good)
    assert LESSONS_ENV not in server_env(base={LESSONS_ENV: str(bad)})
    lessons, error = page_lessons({LESSONS_ENV: str(good)})
    assert [lesson.name for lesson in lessons] == ["aid"] and error == ""
    lessons, error = page_lessons({LESSONS_ENV: str(bad)})
    assert lessons == () and "typo.toml" in error
    assert [lesson.name for lesson in page_lessons({})[0]] == [
        lesson.name for lesson in load_lessons()], "without a folder, the shipped lessons"


def test_a_stray_brace_in_an_explanation_names_the_file_and_the_key(tmp_path):
    path = tmp_path / "brace.toml"
    path.write_text(GOOD.replace("{ours}", "{ours", 1))
    with pytest.raises(LessonError) as refused:
        load_lesson(path)
    message = str(refused.value)
    assert message.startswith(str(path)) and "explain.text" in message and "\n" not in message


def test_the_shipped_lessons_each_have_their_own_place_in_the_list():
    """Two lessons with the same `order` fell back to alphabetical order by title, which no
    teacher chose (found by a student: the aid-gap and sanctions lessons were both 2)."""
    orders = [lesson.order for lesson in load_lessons()]
    assert len(set(orders)) == len(orders), orders


def test_play_and_the_steps_wait_while_a_lessons_run_steps_the_model():
    """Play stayed enabled while a lesson's run stepped the model (found with the run made a
    task): two loops stepping one model. Reset still stops the lesson's run."""
    import ipyvuetify as v

    from dashboards.components.controls import PlayControls

    def controls(lesson_running):
        return PlayControls(False, False, 10, {"normal": 10}, on_play=lambda: None,
                            on_pause=lambda: None, on_step=lambda n: None, on_reset=lambda: None,
                            on_speed=lambda s: None, on_month=lambda: None,
                            lesson_running=lesson_running)

    for running in (False, True):
        box, rc = solara.render(controls(running), handle_error=False)
        try:
            disabled = {b.children[-1]: b.disabled for b in rc.find(v.Btn).widgets}
            assert disabled == {"Play": running, "+1 day": running, "+1 month": running,
                                "Reset": False}
            assert ("The lesson is running the model" in page_text(rc)) is running
        finally:
            rc.close()
