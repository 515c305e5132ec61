"""The game engine (dashboards/game/engine.py): seats play through `Moves`, the record replays
bit for bit, games are isolated, and each seat's view keeps the other side's private values out;
and the pages' seat menus (Solara's test renderer). Each test steps one run (R = 1) for at most
a few hundred days: well under a second each."""

from __future__ import annotations

import dataclasses
import html
import json
import urllib.parse

import ipyvuetify as v
import numpy as np
import pytest
import solara

import sim
from conflictsim.cli import main
from dashboards.game.app import AS_BEFORE, Landing, SeatAssigner, TeacherPage
from dashboards.game.engine import (CONTROLS, SEAT_TITLES, SEATS, TALKS_CONTROLS, Game,
                                    GameSettings, MoveError, NameTaken, combine_votes, check_move,
                                    controls_of, from_record,
                                    move_words, save_record, strike_today)
from dashboards.game.registry import REGISTRY
from sim.moves import Moves

SETTINGS = GameSettings(scenario="new_administration", seed=5, turn_days=30, turns=6)


def same_run(a, b) -> bool:
    return all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)


def test_every_control_sets_only_fields_of_its_leaders_part_of_moves():
    fields = {f.name for f in dataclasses.fields(Moves)}
    for control in CONTROLS:
        assert set(control.fields) <= fields, control
        assert control.label and control.cost
    decided = {f for c in CONTROLS for f in c.fields}
    # every decision of the rules is a seat's, and no field belongs to two seats
    assert decided == fields
    owners = {}
    for control in CONTROLS:
        for name in control.fields:
            if name not in ("package", "proposer"):
                assert owners.setdefault(name, control.seat) == control.seat


def test_a_game_whose_seats_all_leave_it_to_the_rule_is_the_plain_model_run():
    game = Game(SETTINGS)
    game.join("ana", "putin")
    game.join("ben", "zelensky")
    for _ in range(SETTINGS.turns):
        game.submit("ana", {})
        game.submit("ben", {"propose": None})  # None: left to the rule
    assert game.finished and game.model.day == SETTINGS.days
    plain = sim.ConflictModel(n_runs=1, collect=False, **SETTINGS.model_kwargs()).run()
    assert same_run(plain.trajectories, game.model.trajectories)


def test_a_seat_move_drives_the_day_and_changes_the_run():
    game = Game(SETTINGS)
    game.join("ana", "putin")
    game.join("tom", "trump")
    game.submit("ana", {"offensive_effort": 0.0, "strike_waves": 3})
    assert not game.turns, "the turn waits for Washington"
    game.submit("tom", {"us_aid": 7.0})
    assert len(game.turns) == 1
    moves = game.model.moves  # the turn's last day
    assert np.all(moves.russia_offensive == 0.0)
    assert moves.us_aid_bn_usd_yr[0] == 7.0
    strikes = game.model.trajectories["strike_wave_today"][0, 1:31]
    assert strikes.sum() == 3
    plain = sim.ConflictModel(n_runs=1, collect=False, **SETTINGS.model_kwargs())
    for _ in range(30):
        plain.step()
    held = game.model.trajectories["occupied_km2"][0, 30]
    assert held < plain.trajectories["occupied_km2"][0, 30]


def test_the_record_replays_bit_for_bit_also_from_the_command_line(tmp_path, capsys):
    game = Game(SETTINGS)
    for name, seat in (("ana", "putin"), ("ben", "zelensky"), ("tom", "trump"), ("eve", "europe")):
        game.join(name, seat)
    package = {"line_km2": 2000.0, "ceasefire_first": 1.0, "guarantee": 0.5, "relief_us": 0.2,
               "force_limits": 0.3, "relief_eu": 0.0}
    for turn in range(4):
        game.submit("ana", {"offensive_effort": 1.2 + 0.1 * turn, "seek_talks": True})
        game.submit("ben", {"mobilisation": 1.1, "propose": package if turn >= 2 else False})
        game.submit("tom", {"push_talks": True, "us_sanctions": 0.6})
        game.submit("eve", {"eu_aid": 40.0})
    path = tmp_path / "game.json"
    save_record(game, path)
    replayed = from_record(json.loads(path.read_text()))
    assert replayed.fingerprint() == game.fingerprint()
    assert same_run(replayed.model.trajectories, game.model.trajectories)
    assert main(["run", "--game", str(path)]) == 0
    assert "matches the record bit for bit" in capsys.readouterr().out
    record = json.loads(path.read_text())
    record["turns"][1]["moves"]["putin"]["offensive_effort"] = 0.4
    path.write_text(json.dumps(record))
    assert main(["run", "--game", str(path)]) == 1
    assert "does NOT match" in capsys.readouterr().out
    record["turns"][1]["moves"]["putin"]["offensive_effort"] = 9.0
    path.write_text(json.dumps(record))
    assert main(["run", "--game", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "offensive_effort=9.0" in err and "[0, 2]" in err


def test_two_games_in_one_process_do_not_see_each_others_moves():
    first, second = Game(SETTINGS, code="AAAA"), Game(SETTINGS, code="BBBB")
    first.join("ana", "putin")
    second.join("ana", "putin")
    for _ in range(3):  # interleaved, as two classes on one server
        first.submit("ana", {"offensive_effort": 2.0, "main_axis_surge": 2.0})
        second.submit("ana", {})
    plain = sim.ConflictModel(n_runs=1, collect=False, **SETTINGS.model_kwargs())
    for _ in range(90):
        plain.step()
    traj = second.model.trajectories
    assert same_run({k: v[:, :91] for k, v in plain.trajectories.items()},
                    {k: v[:, :91] for k, v in traj.items()})
    assert first.model.trajectories["occupied_km2"][0, 90] > traj["occupied_km2"][0, 90]
    assert first.public_view()["moves_by_turn"][0]["putin"] and \
        not second.public_view()["moves_by_turn"][0]["putin"]


def _texts(view) -> str:
    return json.dumps(view)


def _renderings(value: float) -> list[str]:
    return [repr(value), f"{value:.3f}", f"{value:.4f}", f"{value:.6f}"]


def test_each_seat_sees_its_own_type_and_never_the_other_sides():
    game = Game(GameSettings(scenario="parallel_processes", seed=11, turn_days=30, turns=8))
    for _ in range(4):
        game.close_turn()
    state = game.model.state
    moscow = float(state.russia_cost_private[0])
    kyiv = float(state.ukraine_resolve_private[0])
    views = {seat: _texts(game.seat_view(seat)) for seat in SEATS}
    teacher = _texts(game.teacher_view())
    for value in (moscow, kyiv):
        assert repr(value) in teacher
    assert repr(moscow) in views["putin"] and repr(kyiv) in views["zelensky"]
    for seat in ("zelensky", "trump", "europe"):
        assert not any(text in views[seat] for text in _renderings(moscow)), seat
        assert "russia_cost_private" not in views[seat]
    for seat in ("putin", "trump", "europe"):
        assert not any(text in views[seat] for text in _renderings(kyiv)), seat
        assert "ukraine_resolve_private" not in views[seat]


def test_a_seats_view_does_not_depend_on_the_other_sides_private_type():
    """Information flow, not only strings: give Moscow another private cost and Kyiv's view,
    hint included, is the same; Putin's is not."""
    game, other = Game(SETTINGS), Game(SETTINGS)
    state = other.model.state
    other.model.state = dataclasses.replace(
        state, russia_cost_private=state.russia_cost_private * 1.7,
        ukraine_resolve_private=state.ukraine_resolve_private)
    assert game.seat_view("zelensky") == other.seat_view("zelensky")
    assert game.seat_view("trump") == other.seat_view("trump")
    assert game.seat_view("putin") != other.seat_view("putin")


def test_hints_are_the_rules_moves_over_the_turn_and_valid_moves():
    """A seat's hint is what its rule does over the turn ahead where the world is as the seat
    sees it (`as_seen_by`); there it is the turn the rules then play."""
    from dashboards.game.engine import as_seen_by

    game = Game(SETTINGS)
    for _ in range(2):
        game.close_turn()
    for seat in SEATS:
        seen = Game(SETTINGS)
        for turn in game.turns:
            seen._play(turn.moves)
            seen.turns.append(turn)
        seen.model.state = dataclasses.replace(
            seen.model.state, **as_seen_by(seat, seen.model.state, seen.model.params))
        hint = game.rule_hint(seat)
        check_move(seat, hint, SETTINGS.turn_days)  # a student can take the hint as it is
        seen.close_turn()
        for name, summary in seen.turns[-1].did[seat].items():
            assert hint[name] == summary["value"], (seat, name)


def test_votes_timer_pause_and_step_back():
    game = Game(dataclasses.replace(SETTINGS, turn_seconds=60), code="T")
    game.join("a", "trump")
    game.join("b", "trump")
    game.join("c", "trump")
    assert combine_votes("trump", {"a": {"us_aid": 10.0, "push_talks": True},
                                   "b": {"us_aid": 30.0, "push_talks": False},
                                   "c": {"us_aid": 20.0, "push_talks": True}}) == \
        {"us_aid": 20.0, "push_talks": True}
    start = game.deadline
    game.submit("a", {"us_aid": 10.0}, now=start - 50)
    assert not game.tick(now=start - 1) and not game.turns
    game.pause(True, now=start - 1)
    assert not game.tick(now=start + 100), "a paused game's timer stands still"
    game.pause(False, now=start + 100)
    assert game.tick(now=start + 101), "the timer ran out: the turn closes"
    assert game.turns[0].moves["trump"] == {"us_aid": 10.0} and game.turns[0].moves["putin"] == {}
    after_one = game.fingerprint()
    game.close_turn()
    assert game.fingerprint() != after_one
    game.step_back()
    assert len(game.turns) == 1 and game.fingerprint() == after_one
    game.end()
    with pytest.raises(MoveError):
        game.submit("a", {})


@pytest.mark.parametrize("seat, move, field", [
    ("putin", {"us_aid": 3.0}, "control"),
    ("zelensky", {"deep_strike": 1.5}, "deep_strike"),
    ("trump", {"push_talks": "yes"}, "push_talks"),
    ("putin", {"strike_waves": 2.5}, "strike_waves"),
    ("zelensky", {"propose": {"line_km2": -1.0}}, "propose.line_km2"),
    ("spectator", {}, "seat"),
])
def test_bad_moves_are_refused_in_one_line(seat, move, field):
    with pytest.raises(MoveError) as err:
        check_move(seat, move)
    assert err.value.field == field and "\n" not in str(err.value)


def test_strikes_are_spread_over_the_turn():
    for waves in range(0, 8):
        days = [d for d in range(7) if strike_today(waves, d, 7)]
        assert len(days) == waves
    assert len(controls_of("europe")) == 3


def test_the_registry_gives_codes_checks_the_teacher_key_and_frees_idle_games():
    from dashboards.game.registry import CODE_LENGTH, GameRegistry

    now = [0.0]
    registry = GameRegistry(idle_seconds=1800, clock=lambda: now[0])
    small = dataclasses.replace(SETTINGS, turns=2)
    first, key = registry.create(small)
    second, _ = registry.create(small)
    assert first != second and len(first) == CODE_LENGTH
    assert registry.game(first.lower()) is not registry.game(second)
    with pytest.raises(MoveError):
        registry.teacher_game(first, "not-the-key")
    assert registry.teacher_game(first, key) is registry.game(first)
    page = registry.page_opened(first)
    now[0] = 1799.0
    assert registry.free_idle() == []
    now[0] = 4000.0
    assert registry.free_idle() == [second], "no page open for 30 minutes: freed"
    registry.page_closed(first, page)
    now[0] = 4000.0 + 1799.0
    assert registry.free_idle() == []
    now[0] = 4000.0 + 1800.0
    assert registry.free_idle() == [first]
    with pytest.raises(MoveError):
        registry.game(first)


def test_the_debrief_sets_the_class_run_in_the_rules_fan():
    """Fan member 0 is the class's run played by the rules: a game left to the rules sits on
    it exactly; a seat's moves show as that seat's effect, and handing it back undoes them."""
    from dashboards.game.debrief import debrief, rules_fan

    settings = dataclasses.replace(SETTINGS, turns=3, fan_runs=20)
    idle = Game(settings)
    for _ in range(3):
        idle.close_turn()
    fan = rules_fan(idle)
    assert np.array_equal(fan.trajectories["occupied_km2"][0], idle.model.trajectories["occupied_km2"][0])
    played = Game(settings)
    played.join("ana", "putin")
    for _ in range(3):
        played.submit("ana", {"offensive_effort": 2.0, "main_axis_surge": 2.0})
    result = debrief(played, fan)
    assert result.twin_occupied_km2 == float(idle.model.state.occupied_km2[0])
    assert result.class_occupied_km2 > result.twin_occupied_km2
    rules = fan.trajectories["occupied_km2"][:, -1]
    assert result.percentile == pytest.approx(100.0 * np.mean(rules <= result.class_occupied_km2))
    assert abs(sum(result.outcome_shares.values()) - 1.0) < 1e-9
    putin = next(s for s in result.seats if s.seat == "putin")
    assert putin.moved and putin.occupied_km2 == result.twin_occupied_km2
    assert result.most_moved.seat == "putin"
    assert not any(s.moved for s in result.seats if s.seat != "putin")
    assert any("Putin (Moscow) played by the rule instead" in line for line in result.lines())


def test_the_offensive_is_a_named_choice_of_where_and_a_vote_takes_the_most_chosen():
    """Zelensky's offensive is a place, not a quantity: a seat names a sector (a record's
    number is accepted too), a median of sector numbers would attack where nobody voted, and
    the seat's choice drives the turn (from a 2023 summer start, where the rule would choose
    its own sector)."""
    assert check_move("zelensky", {"offensive": "Zaporizhzhia (Orikhiv)"}) == {"offensive": 10}
    assert check_move("zelensky", {"offensive": 7.0}) == {"offensive": 7}
    with pytest.raises(MoveError) as err:
        check_move("zelensky", {"offensive": 0.5})
    assert err.value.field == "offensive" and "Pokrovsk (7)" in str(err.value)
    votes = {"a": {"offensive": 1}, "b": {"offensive": 10}, "c": {"offensive": 10}}
    assert combine_votes("zelensky", votes) == {"offensive": 10}  # the median would be 10 too
    votes["d"] = {"offensive": 1}
    votes["e"] = {"offensive": 11}
    assert combine_votes("zelensky", votes) == {"offensive": 0}  # a tie: no agreed attack
    # the median of 1 and 11 would be Toretsk (6), where nobody voted to attack
    assert combine_votes("zelensky", {"a": {"offensive": 1}, "b": {"offensive": 11}}) == \
        {"offensive": 0}
    summer = dataclasses.replace(SETTINGS, scenario="status_quo", start_date="2023-06-01")
    game = Game(summer)
    game.join("zoe", "zelensky")
    game.submit("zoe", {"offensive": "Zaporizhzhia (Orikhiv)"})
    attacked = game.model.trajectories["ukraine_offensive_sector"][0, 1:31]
    assert np.all(attacked == 10)
    assert move_words("zelensky", game.turns[0].moves["zelensky"]) == \
        "take the offensive this turn: Zaporizhzhia (Orikhiv)"


def test_a_seated_zelensky_can_cross_into_russia():
    """The Kursk sector is the model's number 0, which a seat's choice reads as no offensive, so
    an incursion has a number of its own; the seat's choice reaches the model's Kursk sector and
    Ukraine takes ground inside Russia."""
    from dashboards.game.engine import INCURSION, offensive_code, offensive_sector

    assert check_move("zelensky", {"offensive": "Kursk region: across the border into Russia"}) \
        == {"offensive": INCURSION}
    assert offensive_sector(INCURSION) == sim.sectors.KURSK and offensive_sector(0) is None
    assert offensive_code(sim.sectors.KURSK) == INCURSION and offensive_code(None) == 0
    game = Game(dataclasses.replace(SETTINGS, scenario="status_quo", start_date="2024-07-01"))
    game.join("zoe", "zelensky")
    game.submit("zoe", {"offensive": INCURSION})
    attacked = game.model.trajectories["ukraine_offensive_sector"][0, 1:31]
    assert np.all(attacked == sim.sectors.KURSK)
    assert game.model.trajectories["kursk_held_km2"][0, 30] > 0.0
    assert "Kursk region" in move_words("zelensky", game.turns[0].moves["zelensky"])


def test_a_seated_leader_hands_back_at_most_the_russian_ground_ukraine_holds():
    """Nobody gives more than it controls: a package typed with more Russian ground handed back
    than Ukraine holds in a run hands back what it holds there; the rule's suggestion shows the
    ground in km² (whole), not clipped to a share."""
    from dashboards.game import engine
    from sim.core import talks

    package = {name: 0.0 for name in talks.ISSUE_NAMES} | {"kursk_return_km2": 900.0}
    array = engine.package_array(package, 3, np.array([500.0, 0.0, 1200.0]))
    assert np.array_equal(array[:, talks.KURSK_RETURN_KM2], [500.0, 0.0, 900.0])
    row = np.zeros((1, talks.N_ISSUES))
    row[0, talks.KURSK_RETURN_KM2], row[0, talks.GUARANTEE] = 512.4, 0.61234
    suggested = engine._package_dict(row)
    assert suggested["kursk_return_km2"] == 512 and suggested["guarantee"] == 0.612
    with pytest.raises(engine.MoveError, match="kursk_return_km2"):
        engine._check_package("propose", package | {"kursk_return_km2": -1.0})


def test_the_games_chart_shows_what_the_seats_call_ups_and_mobilisation_move():
    """Putin's call-ups and Zelensky's mobilisation are seats' decisions: the game's chart draws,
    beside the front, the force ratio and Ukraine's troops, the class's run in each as recorded."""
    from dashboards.game.debrief import game_figure, rules_fan

    settings = dataclasses.replace(SETTINGS, turns=24, fan_runs=10)  # two years
    game = Game(settings)
    game.join("ana", "zelensky")
    game.submit("ana", {"mobilisation": 1.5})
    game.close_turn()
    fig = game_figure(rules_fan(game), game)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert "Force ratio at the front" in titles and "Ukrainian troops at the front" in titles
    ax = fig.axes[titles.index("Ukrainian troops at the front")]
    class_run = max(ax.get_lines(), key=lambda line: line.get_linewidth())
    today = game.model.day
    assert np.allclose(class_run.get_ydata(),
                       game.model.trajectories["ukraine_troops_k"][0, : today + 1])
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(labels) <= 5, "a two-year game's dates do not run into each other"


def test_a_package_put_forward_while_no_talks_are_open_is_told_as_not_tabled():
    """Packages are tabled only in open talks; a seat's package on a turn with none open never
    reaches a table, and the log and the talks' record say so instead of "tables"; a package's
    words name the Russian ground it hands back."""
    from dashboards.game.debrief import debrief, rules_fan
    from sim.core import talks

    settings = dataclasses.replace(SETTINGS, turns=1, fan_runs=10)
    package = {name: 0.0 for name in talks.ISSUE_NAMES} | {"kursk_return_km2": 300.0,
                                                            "guarantee": 0.3}
    game = Game(settings)
    game.join("zoe", "zelensky")
    assert game.model.state.talks_phase[0] != sim.state.TALKS
    game.submit("zoe", {"propose": package})
    assert not np.any(game.model.trajectories["proposer_today"][0, 1:] == talks.KYIV)
    told = [e.text for e in game.events() if "played by the class" in e.text]
    assert len(told) == 1 and "could not table a package" in told[0]
    assert "no talks were open" in told[0] and "tables a package" not in told[0]
    assert "300 km² of Russia's Kursk region handed back" in told[0]
    result = debrief(game, rules_fan(game))
    assert result.most_moved is None, "a package nobody saw moved nothing"
    assert not any("moved the run most" in line for line in result.lines())
    assert move_words("zelensky", {"propose": package}).startswith("tables a package: 0 km² ceded")


def test_a_seat_reads_its_private_information_in_plain_words():
    """Types as multiples, beliefs (held as logs) as multiples with a 90 % range, a pace in km² a
    day: no "log sd" and no bare 0.000 for a student to decode."""
    import math

    game = Game(SETTINGS)
    game.join("zoe", "zelensky")
    own = game.seat_view("zelensky")["own"]
    state = game.model.state
    mean = float(state.ukraine_belief_russia_type_mean[0])
    sd = float(state.ukraine_belief_russia_type_sd[0])
    assert own["ukraine_resolve_private"]["text"] == f"× {float(state.ukraine_resolve_private[0]):.2f}"
    assert own["ukraine_belief_russia_type_mean"]["text"] == f"× {math.exp(mean):.2f}"
    assert own["ukraine_belief_russia_type_sd"]["text"] == (
        f"90 % sure: between × {math.exp(mean - 1.645 * sd):.2f} and "
        f"× {math.exp(mean + 1.645 * sd):.2f}")
    assert not any("log" in v["label"] for v in own.values())


def test_a_seat_opens_with_its_key_not_with_a_name_anyone_can_read():
    """Names are public (every seat page lists them); a seat and its private values open only
    with the key in that student's link; the teacher's reassignment keeps the key."""
    game = Game(SETTINGS)
    anna = game.join("Anna", "putin")
    assert anna.key and game.join("Anna", key=anna.key) is anna, "rejoin with the key"
    for wrong in ("", "guess", game.join("Ben", "zelensky").key):
        with pytest.raises(MoveError, match="The name Anna is already taken"):
            game.join("Anna", key=wrong)
        with pytest.raises(MoveError, match="Anna's seat (needs its key|was opened with a key "
                           "that is not its own). Open the link") as refused:
            game.player("Anna", wrong)
        assert "not allowed" not in str(refused.value), "a sentence a student reads"
    assert game.player("Anna", anna.key).seat == "putin"
    game.assign("Anna", "trump")
    assert game.player("Anna", anna.key).seat == "trump", "the teacher moves her, the key stays"
    assert anna.key not in json.dumps(game.public_view()) + json.dumps(game.seat_view("zelensky"))


def test_the_record_says_whether_a_game_finished_and_whether_the_teacher_stopped_it_early():
    played = Game(dataclasses.replace(SETTINGS, turns=2))
    for _ in range(2):
        played.close_turn()  # nobody moved: the rules play every seat
    assert played.finished
    record = played.to_record()
    assert (record["finished"], record["stopped_early"]) == (True, False)
    stopped = Game(SETTINGS)
    stopped.end()
    record = stopped.to_record()
    assert (record["finished"], record["stopped_early"]) == (True, True)
    assert from_record(record).finished
    legacy = {**record, "version": 1, "ended": True}
    del legacy["finished"], legacy["stopped_early"]
    assert from_record(legacy).finished


def _type(rc, css_class: str, text: str) -> None:
    """Type into a text field and leave it, as a student does (the field updates on leaving)."""
    field = rc.find(v.TextField, class_=css_class).widget
    field.v_model = text
    field.fire_event("focusout")


def test_the_seat_menus_name_the_seats_as_the_page_does_and_the_game_gets_the_seat():
    """The teacher's Assign menu and the start page's menu list "Zelensky (Kyiv)", not the code
    name "zelensky"; choosing a title puts the student in that seat."""
    titles = [SEAT_TITLES[seat] for seat in SEATS]
    game = Game(SETTINGS)
    game.join("Anna", "putin")
    _, rc = solara.render(SeatAssigner(game.assign), handle_error=False)
    menu = rc.find(v.Select, class_="assign-seat").widget
    assert menu.items == titles and menu.v_model == titles[0]
    _type(rc, "assign-name", "Anna")
    menu.v_model = SEAT_TITLES["zelensky"]
    rc.find(v.Btn, class_="assign").widget.click()
    assert game.players["Anna"].seat == "zelensky"

    code, _ = REGISTRY.create(SETTINGS)
    pushed: list[str] = []
    _, rc = solara.render(Landing(pushed.append, code), handle_error=False)
    menu = rc.find(v.Select, class_="join-seat").widget
    assert menu.items == [AS_BEFORE, *titles]
    _type(rc, "join-name", "Ben")
    menu.v_model = SEAT_TITLES["trump"]
    rc.find(v.Btn, class_="join-button").widget.click()
    assert pushed and REGISTRY.game(code).players["Ben"].seat == "trump"


def test_the_new_game_menu_names_the_scenarios_as_the_students_page_does():
    """The teacher picks "Freeze the conflict ...", not the code name "freeze"; the game gets
    the scenario the title names."""
    pushed: list[str] = []
    _, rc = solara.render(Landing(pushed.append, ""), handle_error=False)
    menu = rc.find(v.Select, class_="new-scenario").widget
    titles = [sim.SCENARIOS[name].title for name in sim.SCENARIOS]
    assert menu.items == titles and menu.v_model == sim.SCENARIOS["new_administration"].title
    menu.v_model = sim.SCENARIOS["freeze"].title
    rc.find(v.Btn, class_="new-game").widget.click()
    code = urllib.parse.parse_qs(urllib.parse.urlparse(pushed[-1]).query)["code"][0]
    assert REGISTRY.game(code).settings.scenario == "freeze"


def test_a_saved_game_reopens_from_the_file_dialog_and_the_drop_zone_alike(monkeypatch):
    """Found in a class: a saved game reopened only by dragging its file onto the start page,
    which a teacher on a tablet (or who did not guess it) could not do. A button opens the
    file dialog; a file chosen there, or dropped, goes through one check: a good record opens
    the teacher's page of a new game with the same run, and a bad one is refused in the same
    words either way, with the page still there."""
    import datetime

    import ipywidgets

    drops = []

    @solara.component
    def DropZone(label, on_file, lazy=True):  # stands in for solara.FileDrop: no drag in tests
        drops.append(on_file)
        solara.Text(label)

    monkeypatch.setattr(solara, "FileDrop", DropZone)
    played = Game(dataclasses.replace(SETTINGS, turns=2))
    played.close_turn()
    record = json.dumps(played.to_record()).encode()
    pushed: list[str] = []
    _, rc = solara.render(Landing(pushed.append, ""), handle_error=False)
    upload = rc.find(ipywidgets.FileUpload).widget
    assert upload.description == "Open a saved game…" and upload.accept == ".json"
    assert not upload.multiple

    def choose(name: str, data: bytes) -> None:
        upload = rc.find(ipywidgets.FileUpload).widget  # a message shown above redraws it
        upload.value = ({"name": name, "type": "application/json", "size": len(data),
                         "content": memoryview(data),
                         "last_modified": datetime.datetime.now(datetime.timezone.utc)},)

    choose("game-ABCDE.json", record)
    assert rc.find(ipywidgets.FileUpload).widget.value == (), "the same file can be chosen again"
    query = urllib.parse.parse_qs(urllib.parse.urlparse(pushed[-1]).query)
    reopened = REGISTRY.teacher_game(query["code"][0], query["teacher"][0])
    assert reopened.fingerprint() == played.fingerprint() and len(reopened.turns) == 1

    bad = {b"{": "game record='mine.json' is not allowed: a game record saved from the "
                 "teacher's page (JSON): this file is not JSON (Expecting property name "
                 "enclosed in double quotes on line 1)",
           b"\xff\xfe": "game record='mine.json' is not allowed: a game record saved from the "
                         "teacher's page (JSON): this file is not text",
           b"[1]": "game record='mine.json' is not allowed: a game record saved from the "
                   "teacher's page (JSON): this file holds no table of names and values",
           b'{"format": "conflictsim settings"}': "format='conflictsim settings' is not allowed",
           json.dumps({**played.to_record(), "turns": [1]}).encode():
               "turns[0]=1 is not allowed: a table of names and values"}
    for data, words in bad.items():
        pushed.clear()
        choose("mine.json", data)
        chosen_told = html.unescape(rc.find(attributes={"class": "game-error"}).widget.unsafe_innerHTML)
        drops[-1]({"name": "mine.json", "data": data, "size": len(data)})
        dropped_told = html.unescape(rc.find(attributes={"class": "game-error"}).widget.unsafe_innerHTML)
        assert not pushed and chosen_told.startswith(words), (data[:20], chosen_told)
        assert dropped_told == chosen_told, "the dialog and the drop say the same"


def _game_in_open_talks(turns: int = 1) -> Game:
    """A game whose run has talks open on its first day (forced, so the test need not wait
    for Washington to open them)."""
    game = Game(dataclasses.replace(SETTINGS, turns=turns, fan_runs=10))
    state = game.model.state
    game.model.state = dataclasses.replace(
        state, talks_phase=np.full_like(state.talks_phase, sim.state.TALKS))
    game.model.trajectories["talks_phase"][:, 0] = sim.state.TALKS  # as recorded on day 0
    return game


def test_a_students_package_is_not_replaced_by_a_rules_package_on_the_same_day():
    """Found in a class: Kyiv's tabled package vanished because Washington's rule proposed the
    same day and took the table. A rule's package never takes the place of a student's."""
    from sim.core import talks

    game = _game_in_open_talks()
    trump = game.seated["trump"]
    trump.student_tablers = frozenset({talks.KYIV})
    n = game.model.n_runs
    theirs = {"package": np.full((n, talks.N_ISSUES), 1.0), "proposer": np.full(n, talks.KYIV,
                                                                             np.int8)}
    rules = {"package": np.full((n, talks.N_ISSUES), 2.0),
             "proposer": np.full(n, talks.WASHINGTON, np.int8)}
    kept = trump._keep_students_package(theirs, rules)
    assert np.all(kept["proposer"] == talks.KYIV) and np.all(kept["package"] == 1.0)
    trump.student_tablers = frozenset()
    assert trump._keep_students_package(theirs, rules) is rules  # no student tabled: the rule's


def test_when_two_students_table_packages_the_same_day_the_first_stands_and_the_log_says_so():
    from sim.core import talks

    game = _game_in_open_talks()
    game.join("ana", "putin")
    game.join("zoe", "zelensky")
    package = {name: 0.0 for name in talks.ISSUE_NAMES} | {"line_km2": 1000.0}
    game.submit("ana", {"propose": package})
    game.submit("zoe", {"propose": package | {"line_km2": 0.0}})
    assert game.model.trajectories["proposer_today"][0, 1] == talks.MOSCOW
    told = {e.text.split(",")[0]: e.text for e in game.events() if "played by the class" in e.text}
    assert "tables a package: 1,000 km² ceded" in told[SEAT_TITLES["putin"]]
    assert "could not table a package: 0 km² ceded" in told[SEAT_TITLES["zelensky"]]
    assert "Moscow's package was on the table that day" in told[SEAT_TITLES["zelensky"]]


def test_the_decisions_table_reads_back_as_csv_with_turns_counted_as_the_page_counts_them():
    """Found in a class: a package's JSON broke the hand-made CSV (pandas could not read it),
    and turns were counted from 0 where the page says "turn 1 of 24"."""
    import io

    import pandas as pd

    from dashboards.game.app import moves_csv
    from sim.core import talks

    game = _game_in_open_talks(turns=2)
    game.join("zoe", "zelensky")
    package = {name: 0.0 for name in talks.ISSUE_NAMES} | {"line_km2": 1000.0}
    game.submit("zoe", {"propose": package, "mobilisation": 1.2})
    game.close_turn()
    table = pd.read_csv(io.StringIO(moves_csv(game)))
    assert list(table.columns) == ["turn", "day", "seat", "control", "value"]
    assert sorted(table["turn"].unique()) == [1]
    proposed = table.loc[table["control"] == "propose", "value"].iloc[0]
    assert json.loads(proposed)["line_km2"] == 1000.0


def test_a_new_turn_starts_from_the_seats_own_choices_of_the_last_but_a_package_or_an_answer():
    """Found in a class: every choice went back to the rule each turn, so students retyped
    eleven controls and the rule "eased sanctions" nobody meant to ease."""
    from dashboards.game.app import carried_choices
    from sim.core import talks

    game = Game(dataclasses.replace(SETTINGS, turns=3))
    game.join("tom", "trump")
    assert carried_choices(game, "trump") == {}
    package = {name: 0.0 for name in talks.ISSUE_NAMES}
    game.submit("tom", {"us_sanctions": 0.8, "us_aid": 30.0, "propose": package})
    carried = carried_choices(game, "trump")
    assert carried == {"us_sanctions": 0.8, "us_aid": 30.0}
    assert carried_choices(game, "putin") == {}


def test_a_new_student_who_leaves_the_seat_as_before_is_told_to_choose_one_by_its_title():
    game = Game(SETTINGS)
    with pytest.raises(MoveError) as err:
        game.join("new", None)
    message = str(err.value)
    assert "None" not in message and SEAT_TITLES["zelensky"] in message and "new" in message


def test_the_sent_note_belongs_to_its_turn_and_the_next_turns_draft_holds_the_last_choices():
    """Found in a class: "Your move for turn N is in" stayed on the page into the next turn
    (and after a step back or the game's end), so students thought they had voted."""
    from dashboards.game.app import SeatPage

    code, _ = REGISTRY.create(dataclasses.replace(SETTINGS, turns=3))
    game = REGISTRY.game(code)
    tom = game.join("Tom", "trump")
    game.join("Ana", "putin")  # a second seated student: one vote does not close the turn
    _, rc = solara.render(SeatPage(code, "Tom", tom.key), handle_error=False)
    assert not rc.find(v.Html, class_="move-sent").widgets
    rc.find(v.Btn, class_="send-move").widget.click()
    rc.find(v.Html, class_="move-sent").assert_single()
    game.close_turn()
    rc.render(SeatPage(code, "Tom ", tom.key))  # new props: the render the page's poll would cause
    assert not rc.find(v.Html, class_="move-sent").widgets


def test_the_log_keeps_names_and_acronyms_in_a_moves_words():
    """Found in a class: "us military aid to ukraine" (the "us" read as a pronoun)."""
    words = move_words("trump", {"us_aid": 20.0, "push_talks": True})
    assert words.startswith("US military aid to Ukraine") and "press both sides" in words
    assert move_words("europe", {"eu_sanctions": 0.6}).startswith("EU sanctions on Russia")


def test_the_debrief_opens_for_students_when_the_game_has_ended_and_for_the_teacher_any_time():
    """Found in a class: anyone with the code could open the debrief mid-game and see what each
    seat's moves did."""
    from dashboards.game.app import check_debrief_open

    code, teacher_key = REGISTRY.create(dataclasses.replace(SETTINGS, turns=1))
    with pytest.raises(MoveError, match="once the game has ended"):
        check_debrief_open(code, None)
    with pytest.raises(MoveError, match="teacher"):
        check_debrief_open(code, "guess")
    check_debrief_open(code, teacher_key)
    REGISTRY.game(code).close_turn()
    check_debrief_open(code, None)


def test_the_teacher_assigns_only_students_who_have_joined():
    """Found in a class: a mistyped name in Assign made a seat-holder nobody was, and the turn
    waited for them until the timer ran out."""
    game = Game(SETTINGS)
    game.join("Anna", "putin")
    with pytest.raises(MoveError) as err:
        game.assign("Nobody", "europe")
    assert "Anna" in str(err.value) and "Nobody" not in game.players


def test_while_the_game_is_played_the_rules_twin_of_the_run_is_drawn_only_up_to_today():
    """Found in a class: the dotted "this run played by the rules" ran to the horizon from turn
    1, telling the seats what both sides' private values make of the run."""
    from dashboards.game.debrief import game_figure, rules_fan

    game = Game(dataclasses.replace(SETTINGS, turns=3, fan_runs=10))
    game.close_turn()
    fan = rules_fan(game)

    def twin_days(figure) -> int:
        (line,) = [ln for ln in figure.axes[0].get_lines()
                   if ln.get_label() == "this run played by the rules"]
        return int(line.get_xdata()[-1])

    assert twin_days(game_figure(fan, game)) == game.model.day
    assert twin_days(game_figure(fan, game, whole_twin=True)) == game.model.days


def test_the_talks_record_holds_a_seats_talks_moves_only():
    """Found in a class: the debrief's talks record kept whole moves (offensives, aid) whenever
    a move also tabled or answered a package, and ran to a hundred lines."""
    from dashboards.game.debrief import debrief, rules_fan

    game = Game(dataclasses.replace(SETTINGS, turns=1, fan_runs=10))
    game.join("ana", "putin")
    game.join("tom", "trump")
    game.submit("ana", {"offensive_effort": 1.2, "accept_package": False})
    game.submit("tom", {"us_aid": 20.0})
    told = [e.text for e in game.events(only=TALKS_CONTROLS) if e.kind == "intervention"]
    assert told == ["Putin (Moscow), played by the class: accept packages tabled this turn: no"]
    record = debrief(game, rules_fan(game)).talks
    assert any(line.endswith(told[0]) for line in record)
    assert not any("offensive effort" in line or "US military aid" in line for line in record)


def test_a_refusal_by_the_class_is_told_as_the_classs_decision_not_with_the_rules_reason():
    """Found in a class: the students in Kyiv's seat voted no to packages, and the log gave the
    rule's reason ("it expects to lose less by fighting on ..."), which nobody had applied."""
    from sim.core import talks

    game = _game_in_open_talks()
    game.join("ana", "putin")
    game.join("zoe", "zelensky")
    game.submit("ana", {"propose": {name: 0.0 for name in talks.ISSUE_NAMES}
                        | {"line_km2": 5000.0}})
    game.submit("zoe", {"accept_package": False})
    assert game.track.arrays["ukraine_refused_today"][1]
    refusals = [e.text for e in game.events() if e.kind == "offer"]
    assert refusals and all("Kyiv (the class) refuses" in t for t in refusals)
    assert not any("it expects" in t for t in refusals)


@pytest.mark.parametrize("class_plays_washington", [False, True])
def test_a_package_both_sides_take_that_washington_blocks_says_so(class_plays_washington):
    """Found in a class: "Kyiv proposes a deal (...). It is refused" named nobody: Washington
    had withheld its consent to the US relief the package asked."""
    from sim.core import talks

    game = _game_in_open_talks()
    game.join("ana", "putin")
    game.join("zoe", "zelensky")
    if class_plays_washington:
        game.join("tom", "trump")
        game.submit("tom", {"consent": False})
    game.submit("ana", {"accept_package": True})
    game.submit("zoe", {"propose": {name: 0.0 for name in talks.ISSUE_NAMES}
                        | {"relief_us": 1.0}})
    told = [e.text for e in game.events() if e.kind == "offer"]
    assert told and "It is refused" not in told[0]
    if class_plays_washington:
        assert "but Washington (the class) withholds its consent, so it does not bind" in told[0]
    else:
        assert ("but Washington withholds its consent: the package lifts more US sanctions "
                "(100%) than Washington will lift for a deal now" in told[0])


def test_a_double_click_on_step_back_undoes_one_turn():
    """Found in a class: a double click on the teacher's "Step back a turn" undid two turns.
    The button carries the turn it steps back from; a second click for that turn does nothing."""
    code, key = REGISTRY.create(dataclasses.replace(SETTINGS, turns=3, fan_runs=10))
    game = REGISTRY.game(code)
    game.close_turn()
    game.close_turn()
    after_one = game.turns[0]
    _, rc = solara.render(TeacherPage(code, key), handle_error=False)
    button = rc.find(v.Btn, class_="step-back").widget
    button.click()
    button.click()
    assert len(game.turns) == 1 and game.turns[0] is after_one
    game.step_back(from_turn=1)
    game.step_back(from_turn=1)
    assert not game.turns, "each turn shown is stepped back from once"


def test_a_second_student_with_a_taken_name_is_told_in_a_plain_sentence():
    """Found in a class: a second Ben read "key='' is not allowed: the key of Ben's seat…"."""
    code, _ = REGISTRY.create(SETTINGS)
    REGISTRY.game(code).join("Ben", "zelensky")
    pushed: list[str] = []
    _, rc = solara.render(Landing(pushed.append, code), handle_error=False)
    _type(rc, "join-name", "Ben")
    rc.find(v.Select, class_="join-seat").widget.v_model = SEAT_TITLES["trump"]
    rc.find(v.Btn, class_="join-button").widget.click()
    shown = html.unescape(rc.find(attributes={"class": "game-error"}).widget.unsafe_innerHTML)
    assert not pushed and shown.startswith("The name Ben is already taken in this game. Pick "
                                           "another name; or, if you are Ben coming back")
    assert "key=" not in shown and "not allowed" not in shown


def test_a_tied_vote_in_a_shared_seat_is_told_with_what_the_tie_rule_gave():
    """Found in a class: two students in Kyiv's seat voted Kursk and Pokrovsk, and the seat
    silently made no offensive. The tie rule stands; the log says the vote tied and what it
    gave, and the record keeps it."""
    from dashboards.game.engine import INCURSION, OFFENSIVE_OPTIONS

    pokrovsk = next(v for v, label in OFFENSIVE_OPTIONS if label == "Pokrovsk")
    game = Game(dataclasses.replace(SETTINGS, turns=2))
    game.join("zoe", "zelensky")
    game.join("max", "zelensky")
    game.submit("zoe", {"offensive": INCURSION, "accept_energy_truce": True})
    game.submit("max", {"offensive": pokrovsk, "accept_energy_truce": False})
    assert game.turns[0].moves["zelensky"]["offensive"] == 0, "the tie rule: no offensive"
    told = [e.text for e in game.events() if "tied" in e.text]
    assert told == [
        "Zelensky (Kyiv), played by the class: take the offensive this turn: the vote was tied "
        "(Kursk region 1, Pokrovsk 1); the tie rule gives none: stay on the defensive",
        "Zelensky (Kyiv), played by the class: accept an energy truce if Washington offers one: "
        "the vote was tied (yes 1, no 1); the tie rule gives no"]
    replayed = from_record(json.loads(json.dumps(game.to_record())))
    assert [e.text for e in replayed.events() if "tied" in e.text] == told


def test_the_teachers_private_table_speaks_of_the_leaders_in_the_third_person():
    """Found in a class: the teacher's table read "Putin (Moscow): Your cost of a day of war";
    the teacher is not Putin. It reads "Moscow's cost ...", as a seat's page keeps "Your"."""
    import re

    code, key = REGISTRY.create(dataclasses.replace(SETTINGS, fan_runs=10))
    game = REGISTRY.game(code)
    labels = [v["label"] for fields in game.teacher_view()["private"].values()
              for v in fields.values()]
    assert len(labels) == 8 and all(re.search(r"Moscow|Kyiv", label) for label in labels)
    assert not any(re.search(r"\byou(r)?\b", label, re.I) for label in labels)
    assert game.seat_view("putin")["own"]["russia_cost_private"]["label"].startswith("Your cost")
    _, rc = solara.render(TeacherPage(code, key), handle_error=False)
    table = next(w.unsafe_innerHTML for w in rc.find(tag="table").widgets
                 if "private-russia_cost_private" in w.unsafe_innerHTML)
    assert "Moscow&#x27;s cost of a day of war" in table
    assert "Your" not in table and SEAT_TITLES["putin"] not in table


def test_the_teacher_removes_a_student_who_left_and_the_turn_stops_waiting_for_them():
    """Found in a class: Carl closed his tab; the teacher read "Waiting for: Zelensky (Kyiv)",
    not who, and without a timer had to close every turn by hand. The teacher's view names the
    students not yet voted, and removing one drops their vote and frees their name."""
    game = Game(dataclasses.replace(SETTINGS, turns=3))
    game.join("Ana", "putin")
    carl_key = game.join("Carl", "zelensky").key
    game.join("Dina", "zelensky")
    game.submit("Dina", {"mobilisation": 1.2})
    assert game.teacher_view()["waiting"] == {"putin": ["Ana"], "zelensky": ["Carl"]}
    assert "waiting" not in game.seat_view("putin"), "the seats' pages name seats, as before"
    game.submit("Carl", {"mobilisation": 0.5})
    assert not game.remove("Carl"), "Ana has not voted: the turn still waits for her"
    assert game.waiting() == {"putin": ["Ana"]} and "Carl" not in game.votes["zelensky"]
    assert game.submit("Ana", {}), "Ana's vote was the last the turn waited for"
    assert game.turns[0].moves["zelensky"] == {"mobilisation": 1.2}, "Carl's vote went"
    game.submit("Ana", {})
    assert game.remove("Dina"), "everyone left has voted: the turn closes"
    assert len(game.turns) == 2 and "Dina" not in game.to_record()["players"]
    assert game.turns[0].voters["zelensky"] == ["Dina"], "a removed student's past vote stays"
    with pytest.raises(MoveError) as err:
        game.remove("Carl")
    assert "Ana" in str(err.value)
    game.remove("Ana")
    assert len(game.turns) == 2, "with nobody left, the turn waits for the teacher"
    with pytest.raises(MoveError):
        game.player("Carl", carl_key)
    again = game.join("Carl", "trump")
    assert again.seat == "trump" and again.key != carl_key, "a removed name joins again anew"


def test_the_teachers_page_names_whom_the_turn_waits_for_and_removes_a_student():
    from dashboards.game.app import SeatPage

    code, key = REGISTRY.create(dataclasses.replace(SETTINGS, turns=3, fan_runs=10))
    game = REGISTRY.game(code)
    game.join("Ana", "putin")
    carl = game.join("Carl", "zelensky")
    game.submit("Ana", {})
    _, rc = solara.render(TeacherPage(code, key), handle_error=False)
    line = rc.find(v.Html, class_="seat-line").widget.children[0]
    assert "Waiting for: Carl in Zelensky (Kyiv)." in line
    _, seat = solara.render(SeatPage(code, "Carl", carl.key), handle_error=False)
    assert "Waiting for: Zelensky (Kyiv)." in seat.find(v.Html, class_="seat-line").widget.children[0]
    button = rc.find(v.Btn, class_="remove-student").widget
    assert button.disabled, "nobody chosen: nothing to remove"
    rc.find(v.Select, class_="remove-name").widget.v_model = "Carl"
    button.click()
    assert "Carl" not in game.players and len(game.turns) == 1, "Ana had voted: the turn closed"
    seat.render(SeatPage(code, "Carl ", carl.key))  # the render the page's poll would cause
    seat.find(v.Html, class_="seat-removed").assert_single()
    game.join("Carl", "europe")
    seat.render(SeatPage(code, "Carl", carl.key))
    seat.find(v.Html, class_="seat-removed").assert_single()
    assert not seat.find(v.Btn, class_="send-move").widgets, "a new Carl's seat is not this page"


def test_a_removed_students_key_opens_nothing_and_votes_nothing_once_another_takes_the_name():
    """Found in a class: the teacher removed Carl, another student joined as Carl, and Carl's
    old tab still said "taken out" but its address (name and old key) and its Send button
    acted by name. The new Carl gets a fresh key; the old key is revoked: it opens no seat
    (told as a removal, not as a wrong key), and a vote sent with it is refused and changes
    nothing of the new Carl's."""
    from dashboards.game.engine import SeatRemoved, WrongSeatKey, removed_words

    game = Game(dataclasses.replace(SETTINGS, turns=3))
    game.join("Ana", "putin")
    old_key = game.join("Carl", "zelensky").key
    game.remove("Carl")
    with pytest.raises(SeatRemoved) as err:
        game.player("Carl", old_key)
    assert str(err.value) == removed_words("Carl")
    new = game.join("Carl", "trump")
    assert new.key != old_key, "the name's new holder gets a key of their own"
    with pytest.raises(SeatRemoved):
        game.player("Carl", old_key)
    with pytest.raises(SeatRemoved):
        game.submit("Carl", {"us_aid": 10.0}, key=old_key, version=game.vote_version("Carl"))
    assert "Carl" not in game.votes["trump"], "the old key cast no vote in the new Carl's seat"
    with pytest.raises(NameTaken):
        game.join("Carl", None, old_key)  # the old key does not win the seat back either
    with pytest.raises(WrongSeatKey):
        game.submit("Carl", {}, key="not-a-key")
    assert game.player("Carl", new.key) is new
    game.submit("Carl", {"us_aid": 20.0}, key=new.key)
    assert game.votes["trump"]["Carl"] == {"us_aid": 20.0}


def test_a_removed_students_open_tab_cannot_vote_in_the_seat_of_the_new_student_of_that_name():
    """The old tab has not redrawn yet (its poll runs each second) when the new Carl joins: its
    Send is refused, it then says Carl was taken out, and reopening its address says so too."""
    from dashboards.game.app import Page, SeatPage
    from dashboards.game.engine import removed_words

    code, _ = REGISTRY.create(dataclasses.replace(SETTINGS, turns=3, fan_runs=10))
    game = REGISTRY.game(code)
    game.join("Ana", "putin")
    old_key = game.join("Carl", "trump").key
    _, old = solara.render(SeatPage(code, "Carl", old_key), handle_error=False)
    old.find(v.Switch, class_="decide-push_talks").widget.v_model = True
    game.remove("Carl")
    new = game.join("Carl", "trump")
    old.find(v.Btn, class_="send-move").widget.click()
    assert "Carl" not in game.votes["trump"], "the old tab voted in the new Carl's seat"
    old.find(v.Html, class_="seat-removed").assert_single()
    assert not old.find(v.Btn, class_="send-move").widgets
    _, fresh = solara.render(SeatPage(code, "Carl", new.key), handle_error=False)
    fresh.find(v.Btn, class_="send-move").assert_single()

    from solara.routing import Router, router_context

    @solara.component
    def Reloaded():
        router_context.provide(Router("/?" + urllib.parse.urlencode(
            {"code": code, "name": "Carl", "key": old_key}), []))
        Page()

    _, reloaded = solara.render(Reloaded(), handle_error=False)
    told = reloaded.find(attributes={"class": "game-error"}).widget.unsafe_innerHTML
    assert html.unescape(told) == removed_words("Carl"), "reloading the old tab says it was removed"


def test_a_vote_from_a_page_another_tab_or_the_turns_close_overtook_is_refused():
    """Found in a class: a student open in two tabs; the older tab still showed its draft and
    silently overwrote the vote sent from the newer one. A vote carries the version of the
    vote it was made on; a stale one is refused in a sentence, and the newer vote stands."""
    from dashboards.game.engine import StaleVote

    game = Game(dataclasses.replace(SETTINGS, turns=3))
    game.join("Tom", "trump")
    game.join("Ana", "putin")  # a second seated student: one vote does not close the turn
    seen = game.vote_version("Tom")
    game.submit("Tom", {"us_aid": 40.0}, version=seen)
    with pytest.raises(StaleVote) as err:
        game.submit("Tom", {"us_aid": 5.0}, version=seen)
    assert str(err.value).startswith("Your vote was changed in another tab; this page now "
                                     "shows it.")
    assert game.votes["trump"]["Tom"] == {"us_aid": 40.0}
    game.submit("Tom", {"us_aid": 30.0}, version=game.vote_version("Tom"))
    seen = game.vote_version("Tom")
    game.close_turn()
    with pytest.raises(StaleVote) as err:
        game.submit("Tom", {"us_aid": 5.0}, version=seen)
    assert "turn" in str(err.value) and "another tab" not in str(err.value)
    assert game.turns[0].moves["trump"] == {"us_aid": 30.0} and not game.votes["trump"]
    seen = game.vote_version("Tom")
    game.close_turn()
    game.step_back()
    with pytest.raises(StaleVote):
        game.submit("Tom", {}, version=seen)
    game.submit("Tom", {})  # without a version (a script, a test): as before


def test_the_older_tab_is_told_its_vote_was_changed_and_shows_the_newer_vote():
    from dashboards.game.app import SeatPage

    code, _ = REGISTRY.create(dataclasses.replace(SETTINGS, turns=3, fan_runs=10))
    game = REGISTRY.game(code)
    tom = game.join("Tom", "trump")
    game.join("Ana", "putin")
    _, old = solara.render(SeatPage(code, "Tom", tom.key), handle_error=False)
    _, new = solara.render(SeatPage(code, "Tom", tom.key), handle_error=False)
    old.find(v.Switch, class_="decide-us_aid").widget.v_model = True  # a draft, not sent
    new.find(v.Switch, class_="decide-push_talks").widget.v_model = True
    new.find(v.Btn, class_="send-move").widget.click()
    sent = dict(game.votes["trump"]["Tom"])
    assert set(sent) == {"push_talks"}
    old.render(SeatPage(code, "Tom ", tom.key))  # the render the page's poll would cause
    old.find(v.Btn, class_="send-move").widget.click()
    assert game.votes["trump"]["Tom"] == sent, "the older tab's draft did not overwrite it"
    told = html.unescape(old.find(attributes={"class": "game-error"}).widget.unsafe_innerHTML)
    assert told.startswith("Your vote was changed in another tab; this page now shows it.")
    draft = old.find(v.Html, class_="move-draft").widget.children[0]
    assert draft == "Your move: " + move_words("trump", sent) + "."
    old.find(v.Btn, class_="send-move").widget.click()  # the page now holds the vote's version
    assert not old.find(attributes={"class": "game-error"}).widgets


def test_a_turns_report_tells_exactly_the_turns_days_and_what_each_seat_decided():
    """Found in a class: the log's summaries fall on month ends, so a turn of 1-30 Jan had no
    report and March told 7 strike waves where the seat ordered 6 (the month straddled two
    turns). Each turn's report reads exactly its days, from the run's trajectories."""
    game = Game(SETTINGS)  # 30-day turns from 1 Dec 2024: turn 2 is 1-30 Jan, no month's end
    game.join("ana", "putin")
    for _ in range(3):
        game.submit("ana", {"strike_waves": 6, "call_up": 500.0})
    traj = {name: values[0] for name, values in game.model.trajectories.items()}
    for k, report in enumerate(game.turn_reports()):
        first, last = k * 30 + 1, (k + 1) * 30
        assert (report["first_day"], report["last_day"]) == (first, last)
        days = slice(first, last + 1)
        figures = report["figures"]
        assert figures["strike_waves"] == int(traj["strike_wave_today"][days].sum()) == 6
        for name in ("russia_called_up", "russia_contracts", "ukraine_recruits"):
            assert figures[name] == pytest.approx(traj[name + "_today"][days].sum(dtype=float))
        for key, name in (("occupied_change_km2", "occupied_km2"),
                          ("russia_casualties", "russia_casualties"),
                          ("ukraine_casualties", "ukraine_casualties")):
            assert figures[key] == pytest.approx(float(traj[name][last] - traj[name][first - 1]))
        assert figures["us_aid_bn_usd_yr"] == (pytest.approx(traj["us_aid_bn_usd_yr"][first - 1]),
                                               pytest.approx(traj["us_aid_bn_usd_yr"][last]))
        lines = report["lines"]
        assert "6 strike waves on Ukraine's grid this turn" in lines[2]
        assert f"{abs(figures['occupied_change_km2']):,.0f} km² this turn" in lines[0]
        assert any(line.startswith("Putin (Moscow), the class: mass missile and drone strikes "
                                   "on Ukraine's grid this turn: 6") for line in lines)
        assert any(line.startswith("Trump (Washington), the rule: US military aid") for line in lines)
    assert game.turn_reports()[1]["title"] == "Turn 2: 1 Jan 2025 – 30 Jan 2025"
    assert game.public_view()["last_report"] == game.turn_reports()[-1]
    replayed = from_record(json.loads(json.dumps(game.to_record())))
    assert replayed.turn_reports() == game.turn_reports()
    game.step_back()
    assert game.turn_reports() == replayed.turn_reports()[:2]


def test_the_call_up_hint_is_what_the_rule_orders_over_the_turn_not_on_its_first_day():
    """Found in a class: Putin's call-up read "The rule would: 0" (day 1 of the turn), and the
    rule then called up 13,000 reservists over the month. The hint is the mean the rule orders
    over the turn's days, projected from the class's run with the rules in every seat."""
    from dashboards.game.engine import as_seen_by

    game = Game(SETTINGS)
    first_day = game.model.decide(game.model._context(1))
    assert first_day.russia_call_up[0] == 0.0  # what the hint used to show
    # Kyiv as Moscow sees it: then the projection is the run itself, and the hint is the turn
    game.model.state = dataclasses.replace(
        game.model.state, **as_seen_by("putin", game.model.state, game.model.params))
    hint, words = game.rule_hint("putin"), game.rule_hint_words("putin")
    plain = Game(SETTINGS)
    plain.model.state = game.model.state
    plain.close_turn()
    did = plain.turns[0].did["putin"]["call_up"]
    assert hint["call_up"] == did["value"] > 0.0
    assert did["total"] == pytest.approx(30 * did["value"], rel=1e-3)
    assert did["total"] > 10_000
    assert words["call_up"] == (f"The rule would, over the turn's 30 days: {did['value']:,.0f} a "
                                f"day on average ({did['total']:,.0f} in all)")
    assert words["propose"].startswith("On the turn's first day the rule would table")
    game.close_turn()
    assert same_run(game.model.trajectories, plain.model.trajectories), \
        "the hint's projection leaves the class's run as it was"


def test_no_seats_hint_depends_on_private_values_it_does_not_hold():
    """The hint projects the turn; the other side's private values in it are the seat's own
    estimates or the outsiders', so changing them changes nothing a seat reads."""
    from dashboards.game.engine import PRIVATE_FIELDS

    for side, others in (("putin", ("zelensky", "trump", "europe")),
                         ("zelensky", ("putin", "trump", "europe"))):
        game, other = Game(SETTINGS), Game(SETTINGS)
        for g in (game, other):
            g.close_turn()
        state = other.model.state
        other.model.state = dataclasses.replace(state, **{
            name: getattr(state, name) * 1.5 + 0.2 for name in PRIVATE_FIELDS[side]})
        for seat in others:  # Washington's first-day package too (its rule reads both beliefs)
            assert game.seat_view(seat) == other.seat_view(seat), (side, seat)


def test_the_header_dates_the_days_the_moves_act_on_as_the_log_dates_the_moves():
    """Found in a class: turn 1's header said 1 Dec and its moves were logged 2 Dec. The date
    is the last day played (day 0 is the start); moves act from the next day, and the header
    says so."""
    from dashboards.game.app import turn_status

    game = Game(SETTINGS)
    game.join("ana", "putin")
    for turn, (first, last) in enumerate((("2 Dec 2024", "31 Dec 2024"),
                                          ("1 Jan 2025", "30 Jan 2025"))):
        view = game.public_view()
        assert turn_status(view) == f"turn {turn + 1} of 6, moves act {first} – {last}"
        game.submit("ana", {"call_up": 100.0})
        logged = [e for e in game.events() if e.kind == "intervention"][-1]
        assert logged.line(game.model.start_date).startswith(first + ": Putin (Moscow)")
