"""What a student reads, without a browser: every parameter's label, values and changes in words,
the page's heading, the exported outcomes, and the charts' size and date axes."""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

import sim
from dashboards import events, plots
from dashboards.app import scenario_heading
from dashboards.components.controls import (ACTOR_GROUPS, KEY_PARAMETERS, actor_group,
                                             input_error_text, plain_text, range_text,
                                             slider_position, slider_scale, slider_step,
                                             tooltip_text, typed_in_model_units)
from dashboards.components.views import (RUNS_FILES, estimated_size, outcomes_table, runs_csv,
                                        runs_csv_zip, runs_parquet, long_table)
from dashboards.settings import Settings, parse_value
from sim.params import change_text, humanised, number_text, plain_value, unit_words
from sim.trajectories import TRAJECTORIES

CODE_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def test_every_parameter_has_a_plain_label_of_its_own():
    labels = [spec.label for spec in sim.PARAMS.values()]
    assert all(labels), [n for n, s in sim.PARAMS.items() if not s.label]
    assert not [label for label in labels if CODE_NAME.search(label)]
    assert len(set(labels)) == len(labels), "two parameters read the same"
    assert not [n for n, s in sim.PARAMS.items() if s.label == n]


def test_a_parameter_without_a_label_reads_as_words_not_code():
    spec = sim.PARAMS["grid_max_gw"]
    unlabelled = type(spec)(**{**spec.__dict__, "label": ""})
    assert unlabelled.plain_label == humanised("grid_max_gw") == "Grid max GW"
    assert not CODE_NAME.search(unlabelled.plain_label)


def test_values_and_changes_read_in_words():
    assert change_text("trump_aid_level", 0.3) == "set US aid after Jan 2025 to 30 % of the 2024 level"
    assert change_text("trump_pushes_talks", False) == "switch off “Trump pushes both sides into talks”"
    assert change_text("putin_strategy", "freeze") == "set Putin's strategy in talks to freeze"
    assert plain_value(sim.PARAMS["ukraine_red_line_km2"], 6000) == "6,000 km²"
    assert range_text(sim.PARAMS["trump_aid_level"]) == "0 to 150 % of the 2024 level"
    assert range_text(sim.PARAMS["putin_maximalist_demand_km2"]) == "0 to 80,000 km²"
    line = events.intervention_events([(100, {"trump_aid_level": 0.3})])[0].text
    assert line == "you set US aid after Jan 2025 to 30 % of the 2024 level"


def test_a_settings_number_shows_every_digit_it_has_and_none_it_has_not():
    """Found by a student: a typed US aid share of 149.99 % read "150 %", the cap. A setting's
    number is never rounded onto another: round values stay round, float noise goes."""
    assert number_text(100 * 1.4999) == "149.99"
    assert number_text(100 * 1.5) == number_text(150) == "150"
    assert number_text(149.999999) == "149.999999"
    assert number_text(100 * 0.3) == "30" and number_text(100 * 0.57) == "57"  # 56.99999999999999
    assert number_text(6000) == "6,000" and number_text(12345.5) == "12,345.5"
    assert number_text(0.456) == "0.456" and number_text(-2.5) == "-2.5"
    assert number_text(11.13) == "11.13", "three digits read 11.1"


def test_a_typed_value_just_under_the_cap_is_not_shown_at_the_cap():
    import ipyvuetify as v
    import solara

    from dashboards.components.controls import ParameterControl
    aid = sim.PARAMS["trump_aid_level"]
    typed = parse_value("trump_aid_level", typed_in_model_units(aid, "149.99"))
    assert plain_value(aid, typed) == "149.99 % of the 2024 level"
    assert plain_value(aid, 1.5) == "150 % of the 2024 level"
    assert change_text("trump_aid_level", typed) == (
        "set US aid after Jan 2025 to 149.99 % of the 2024 level")
    changed = Settings(scenario="status_quo").with_value("trump_aid_level", typed)
    assert scenario_heading(changed).endswith("US aid after Jan 2025: 149.99 % of the 2024 level")
    box, rc = solara.render(ParameterControl(aid, typed, lambda name, value: None),
                            handle_error=False)
    readout = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
               if "param-range" in w.attributes.get("class", "")]
    assert readout == ["now 149.99 % of the 2024 level (from 0 to 150 % of the 2024 level)"]
    # the slider gets the step it can show: handed 149.99 its own rounding moved it to 150 and
    # sent that back as the student's value
    assert rc.find(v.Slider).widget.v_model == 150
    rc.close()
    with pytest.raises(sim.ParamError) as refused:
        aid.coerce(1.500001)
    assert input_error_text(refused.value) == (
        "US aid after Jan 2025, share of the 2024 level: 150.0001 % is not allowed; "
        "allowed: 0 to 150 % of the 2024 level.")


def test_a_slider_is_given_a_step_of_its_own_as_its_rounding_would_make_it():
    """Vuetify's slider moves a value it is given onto its steps (counted from its minimum,
    half up, to the step's decimals) and sends the move back as the student's: the page hands
    it that step, so it has nothing to move."""
    for name in KEY_PARAMETERS:
        spec = sim.PARAMS[name]
        if spec.kind in ("bool", "choice"):
            continue
        scale, step = slider_scale(spec), slider_step(spec) * slider_scale(spec)
        for k in range(0, 101, 7):
            between = spec.low + (spec.high - spec.low) * (k + 0.3) / 101
            position = slider_position(spec, between)
            steps = (position - spec.low * scale) / step
            assert abs(steps - round(steps)) < 1e-9, (name, between, position)
            assert abs(position - between * scale) <= step / 2 + 1e-9, (name, between, position)
            assert slider_position(spec, position / scale) == position, "a step stays put"
        assert slider_position(spec, spec.default) == round(spec.default * scale, 9), name
    aid = sim.PARAMS["trump_aid_level"]  # steps of 2 %
    assert [slider_position(aid, x) for x in (1.4999, 0.37, 0.3699, 0.0)] == [150, 38, 36, 0]


def test_tooltips_and_refusals_name_labels_not_code():
    for name in sim.PARAMS:
        meaning = plain_text(sim.PARAMS[name].meaning)
        assert not [w for w in CODE_NAME.findall(meaning) if w in sim.PARAMS], name
    aid_tip = tooltip_text(sim.PARAMS["trump_aid_level"])
    assert "Source:" in aid_tip and "Unit: % of the 2024 level." in aid_tip, aid_tip
    assert "baseline" not in aid_tip and "2024's flow" in aid_tip, aid_tip
    raw_units = {spec.unit for spec in sim.PARAMS.values() if unit_words(spec) != spec.unit}
    for name, spec in sim.PARAMS.items():  # a student reads "% of the 2024 level", not "x baseline"
        assert not any(f"Unit: {unit}." in tooltip_text(spec) for unit in raw_units), name
    with pytest.raises(sim.ParamError) as refused:
        sim.PARAMS["trump_aid_level"].coerce(5.0)
    assert input_error_text(refused.value) == (
        "US aid after Jan 2025, share of the 2024 level: 500 % is not allowed; "
        "allowed: 0 to 150 % of the 2024 level.")
    with pytest.raises(sim.ParamError) as blank:  # found by a student: ": is not allowed"
        parse_value("trump_aid_level", typed_in_model_units(sim.PARAMS["trump_aid_level"], " "))
    assert input_error_text(blank.value) == (
        "US aid after Jan 2025, share of the 2024 level: no value typed; "
        "allowed: 0 to 150 % of the 2024 level.")


def test_a_label_named_inside_a_tooltip_keeps_its_names_and_acronyms():
    """A meaning that names another parameter reads its label as said inside a sentence: the
    first letter lowered, never the names ("us aid to ukraine a year, until jan 2025" was the
    whole label lowered)."""
    aid = plain_text(sim.PARAMS["trump_aid_level"].meaning)
    assert "(US aid to Ukraine a year, until Jan 2025)" in aid, aid
    defence = plain_text("x putin_defence_share y")
    assert defence == "x share of Russia's attacks held back to meet a Ukrainian offensive y"
    for name, spec in sim.PARAMS.items():  # all but the first letter as the label has it
        assert plain_text(f"see {name}")[5:] == spec.plain_label[1:], name


def test_sliders_are_grouped_by_actor_the_leaders_first():
    titles = [title for title, _ in ACTOR_GROUPS]
    assert titles[:4] == ["Russia and Putin", "Ukraine and Zelensky", "United States and Trump",
                          "Europe"]
    assert {actor_group(sim.PARAMS[n]) for n in KEY_PARAMETERS} >= set(titles[:4])
    assert all(actor_group(spec) in titles for spec in sim.PARAMS.values())


def test_the_heading_says_when_settings_differ_from_the_preset():
    preset = Settings(scenario="status_quo")
    assert scenario_heading(preset) == sim.SCENARIOS["status_quo"].title
    same = preset.with_value("trump_aid_level", preset.value("trump_aid_level"))
    assert scenario_heading(same) == sim.SCENARIOS["status_quo"].title
    changed = preset.with_value("trump_aid_level", 0.3)
    assert scenario_heading(changed) == (f"{sim.SCENARIOS['status_quo'].title}, with your changes: "
                                         "US aid after Jan 2025: 30 % of the 2024 level")
    from dataclasses import replace
    as_a_sweep_made_it = replace(changed, uncertainty="off")  # an opened sweep row's
    assert scenario_heading(as_a_sweep_made_it).startswith(
        f"{sim.SCENARIOS['status_quo'].title} (every run at the declared defaults")


def test_exported_outcomes_name_the_settings_each_run_had():
    outcomes = pd.DataFrame({"run": [0, 1], "seed": [0, 0], "scenario": "status_quo",
                             "outcome": ["settlement", "frozen conflict"]})
    table = outcomes_table(outcomes, "Status quo, with your changes: …",
                           (("trump_aid_level", 0.3),), ((40, {"eu_compensation_share": 1.0}),), 40)
    assert list(table["settings"]) == ["Status quo, with your changes: …"] * 2
    assert list(table["trump_aid_level"]) == [0.3, 0.3]
    assert list(table["eu_compensation_share from day 40"]) == [1.0, 1.0]
    assert "trump_aid_level" not in outcomes_table(outcomes, "Status quo", (), (), 0)


def test_exported_runs_have_the_places_their_unit_calls_for_and_read_back_to_them():
    """runs.csv: every variable to the places its unit is worth, no more (with every float digit
    a 200-run, two-year fan was 85 MB), and read back each value is the run's to those places."""
    result = sim.simulate("status_quo", runs=3, days=60, seed=2)
    text = runs_csv(result.trajectories, result.run_indices, 2, dt.date(2024, 12, 1))
    written = pd.read_csv(io.BytesIO(text), dtype=str, keep_default_na=False)
    read_back = pd.read_csv(io.BytesIO(text))
    for name, values in result.trajectories.items():
        places = TRAJECTORIES[name].decimals
        cells = written[name][written[name] != ""]
        assert cells.str.fullmatch(r"-?\d+(\.\d+)?").all(), (name, cells.iloc[0])
        assert max((len(cell.partition(".")[2]) for cell in cells), default=0) <= places, name
        exact = values.astype(float).reshape(-1)
        back = read_back[name].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(back), np.isnan(exact)), name
        assert np.nanmax(np.abs(back - exact), initial=0.0) <= 0.5 * 10.0 ** -places + 1e-9, name


def csv_as_pandas_wrote_it(trajectories, run_indices, seed, start) -> bytes:
    """runs.csv as the page wrote it before it was zipped: pandas' writer, "%.15g"."""
    table = long_table(trajectories, run_indices, seed, start)
    for name in trajectories:
        table[name] = table[name].astype(float).round(TRAJECTORIES[name].decimals) + 0.0
    return table.to_csv(index=False, float_format="%.15g").encode()


def test_the_runs_csv_comes_zipped_and_unzips_to_the_table_it_was(tmp_path):
    """A 200-run fan's runs.csv was 30 MB and took a student 94 s on a loaded server: it comes
    zipped, and unzips to the bytes the page wrote before, empty cells, zeros and all."""
    import zipfile

    result = sim.simulate("status_quo", runs=4, days=90, seed=2)
    trajectories = {name: values.copy() for name, values in result.trajectories.items()}
    trajectories["grid_gw"][1, 3] = -0.0004  # rounds to zero: "0", never "-0"
    trajectories["grid_gw"][1, 4] = np.nan
    assert any(np.isnan(values.astype(float)).any() for values in result.trajectories.values())
    start = dt.date(2023, 6, 1)
    made = runs_csv_zip(trajectories, result.run_indices, 2, start)
    with zipfile.ZipFile(io.BytesIO(made)) as archive:
        assert archive.namelist() == ["runs.csv"]
        unzipped = archive.read("runs.csv")
    assert unzipped == csv_as_pandas_wrote_it(trajectories, result.run_indices, 2, start)
    assert len(made) < len(unzipped) / 2
    (tmp_path / "runs.csv.zip").write_bytes(made)
    table = pd.read_csv(tmp_path / "runs.csv.zip")  # as a student's pandas opens the download
    assert len(table) == 4 * 91 and list(table.columns)[:4] == ["run", "seed", "day", "date"]
    assert list(RUNS_FILES) == ["runs.csv.zip", "runs.parquet"], "the smaller one first"


def test_the_runs_files_sizes_are_said_before_they_are_made():
    result = sim.simulate("freeze", runs=60, days=400, seed=5)
    start = dt.date(2024, 12, 1)
    for name, make in RUNS_FILES.items():
        made = make(result.trajectories, result.run_indices, 5, start)
        estimate = estimated_size(make, result.trajectories, result.run_indices, 5, start)
        assert abs(estimate / len(made) - 1) < 0.1, (name, estimate, len(made))
    exact = pd.read_parquet(io.BytesIO(runs_parquet(result.trajectories, result.run_indices, 5,
                                                    start)))
    pd.testing.assert_frame_equal(exact, long_table(result.trajectories, result.run_indices, 5,
                                                    start))


def test_charts_are_drawn_at_twice_their_layout_size_with_dates_that_read_as_dates():
    traj = sim.simulate("status_quo", runs=8, days=730, seed=1).trajectories
    marks = plots.time_marks(730, 100, traj["talks_phase"][0])
    fig = plots.overview_figure(traj, marks, sim.state.PHASE_NAMES, "seed 1, run 0")
    assert fig.dpi == 2 * plots.LAYOUT_DPI
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[:3] == ["Dec 2024", "Mar 2025", "Jun 2025"]
    assert all(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", t) for t in ticks)
    key = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "seed 1, run 0, to today" in key and "same run, days to come" in key
    highlighted = [line for line in fig.axes[0].lines if line.get_gid() == plots.REVEAL]
    assert highlighted and all(line.get_color() == plots.HIGHLIGHT for line in highlighted), \
        "the key says black: the run is drawn black"
    png = plots.figure_png(fig)
    width = int.from_bytes(png[16:20], "big")
    assert width == round(plots.OVERVIEW_SIZE_IN[0] * plots.RENDER_DPI)
    assert np.isclose(width / plots.PIXEL_RATIO, plots.OVERVIEW_SIZE_IN[0] * plots.LAYOUT_DPI)


def front_line_overview(start: dt.date, days: int):
    """The overview the page draws from `start` (a small fan), and the fan's trajectories."""
    from dashboards.live import overview_at
    traj = sim.simulate("status_quo", runs=4, days=days, seed=1,
                        start_date=start.isoformat()).trajectories
    return overview_at(traj, days, 0, (), start, sim.state.PHASE_NAMES, "seed 1, run 0"), traj


def history_lines(fig) -> list:
    return [line for line in fig.axes[0].lines if line.get_label() == plots.HISTORY_LABEL]


def test_the_front_line_chart_shows_what_happened_from_an_earlier_start():
    """From 1 Apr 2024 the front's fan has DeepStateMap's area over it, in thousand km², from
    the start (the start's eve, the model's own day 0) to the map of 30 Nov 2024 (the morning
    of 1 Dec on the chart's axis, where the model's day holds the day before's map), named in
    the key: the stall of docs/VALIDATION.md section 5 is there to see."""
    start = dt.date(2024, 4, 1)
    fig, traj = front_line_overview(start, 300)
    line, = history_lines(fig)
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    assert x[0] == 0 and sim.calendar.date_of(x[0], start) == start
    assert sim.calendar.date_of(x[-1] - 1, start) == dt.date(2024, 11, 30), "to the data's end"
    assert np.array_equal(x, np.arange(len(x))), "a point a day"
    assert y[0] == traj["occupied_km2"][0, 0] / 1000.0, "it starts where the runs start"
    for date, km2 in ((dt.date(2024, 3, 31), 108_765.0), (dt.date(2024, 6, 30), 109_318.2),
                      (dt.date(2024, 9, 30), 110_246.5), (dt.date(2024, 11, 30), 111_442.2)):
        day = (date - start).days + 1  # the morning after the day's map
        assert y[day] == pytest.approx(km2 / 1000.0) == sim.datasets.occupied_km2_on(date) / 1000.0
    assert y[-1] > np.median(traj["occupied_km2"][:, len(y) - 1]) / 1000.0 + 1.0, \
        "the known miss is drawn, not hidden"
    marked = line.get_markevery()
    assert [sim.calendar.date_of(d, start) for d in marked] == [
        dt.date(2024, month, 1) for month in range(4, 13)], "a dot at each month's start"
    assert to_hex(line.get_color()) == plots.OKABE_ITO["black"].lower()
    key = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert key[0] == plots.HISTORY_LABEL == "what happened (DeepStateMap)"
    assert plots.HISTORY_LABEL in plots.key_labels(plots.time_marks(300, 0), history=True)
    short, _ = front_line_overview(start, 60)
    line, = history_lines(short)
    assert len(line.get_xdata()) == 61, "a run that ends before the data: to the run's end"


def test_the_front_line_chart_shows_no_history_from_the_scenarios_start():
    """From 1 Dec 2024 no map follows the start: no line, nothing in the key."""
    from dashboards.fans import front_history
    fig, _ = front_line_overview(sim.calendar.START_DATE, 60)
    assert not history_lines(fig)
    key = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert plots.HISTORY_LABEL not in key and "median of runs" in key
    assert front_history(sim.calendar.START_DATE, 730) is None
    assert plots.HISTORY_LABEL not in plots.key_labels(plots.time_marks(60, 0))


def test_the_front_line_caption_says_what_the_history_line_is_only_where_it_is_drawn():
    from dashboards.app import HISTORY_NOTE, overview_caption
    assert HISTORY_NOTE in overview_caption(Settings(), dt.date(2024, 4, 1))
    assert "what really happened" in HISTORY_NOTE
    assert HISTORY_NOTE not in overview_caption(Settings(), sim.calendar.START_DATE)


def test_the_daily_occupied_area_holds_the_last_map_over_days_without_one():
    days = sim.datasets.occupied_km2_daily(dt.date(2023, 1, 29), dt.date(2023, 2, 2))
    assert list(days) == [sim.datasets.occupied_km2_on(dt.date(2023, 1, 29) + dt.timedelta(n))
                          for n in range(5)]
    assert dt.date(2023, 1, 31) not in set(sim.datasets.territory_daily()["date"])
    with pytest.raises(ValueError):
        sim.datasets.occupied_km2_daily(dt.date(2024, 11, 1), dt.date(2024, 12, 1))


def test_a_chart_of_the_same_data_is_drawn_once_for_every_session():
    from dashboards.live import SharedDrawings
    drawings, made = SharedDrawings(capacity=2), []

    def make():
        made.append(1)
        return object()

    data, other = np.zeros(3), np.zeros(3)
    first = drawings.get(data, ("overview",), make)
    assert drawings.get(data, ("overview",), make) is first and len(made) == 1
    assert drawings.get(data, ("outcomes",), make) is not first and len(made) == 2
    assert drawings.get(other, ("overview",), make) is not first, "equal data, another fan"
    assert len(made) == 3
    drawings.get(data, ("overview",), make)
    assert len(made) == 4, "the least recently used was dropped beyond the capacity"
