"""The game's pages: `solara run dashboards.game.app` (or `conflictsim dashboard --game`).

One app, four pages chosen by the address:
- `/`: join a game by code (students) or start a new one (teacher);
- `/?code=CODE&name=NAME&key=KEY`: a seat's page (the name and its key rejoin the seat after a
  closed page; the key is only in that link, on that page and on the teacher's);
- `/?code=CODE&teacher=KEY`: the teacher's page (the key is only in the teacher's link);
- `/?code=CODE&debrief=1`: the debrief, once the game has ended (with `&teacher=KEY`, any
  time).

Every page of a game reads the one `Game` in the server's registry and redraws when its
`revision` changes (a poll each `POLL_SECONDS`, which also closes a turn whose timer ran out).
A seat's page is built from `Game.seat_view` only, so the other side's private values are never
in its HTML nor in its messages from the server; the shared chart draws public quantities.
"""

from __future__ import annotations

import csv
import html
import io
import json
import threading
import urllib.parse
from typing import Any, Callable, Iterable

import numpy as np
import solara
import solara.lab

import sim
from sim import calendar

from .. import plots
from ..components.file_picker import FilePicker
from ..components.front_map import FrontMap
from ..components.views import FigureImage, MarkdownText
from .debrief import debrief, game_figure, outcome_bars, rules_fan
from .engine import (ISSUE_LABELS, SEAT_TITLES, SEATS, TURN_LENGTHS, Game, GameSettings,
                     MoveError, StaleVote, from_record, move_words, record_from_bytes,
                     removed_words)
from .registry import REGISTRY, Entry, cached, start_sweeper

POLL_SECONDS = 1.0
CLOCK_SECONDS = 1.0  # the turn clock counts down this often
AS_BEFORE = "(as before)"  # the join menu's first entry: the seat the student had
_SWEEPER: list[threading.Thread] = []

GAME_CSS = """
.game-page { padding: 8px 12px; max-width: 1400px; }
.game-columns { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
.game-columns > .game-side { flex: 0 0 360px; min-width: 0; }
.game-columns > .game-main { flex: 1 1 480px; min-width: 0; }
.control-card { border-top: 1px solid #ddd; padding: 6px 0; }
.control-label { font-weight: 500; font-size: 0.92rem; line-height: 1.25; }
.control-cost, .control-hint { font-size: 0.8rem; color: #333; }
.control-hint { color: #0b4f7a; }
.event-log ul, .turn-report ul, .turn-reports ul { padding-left: 1.2em; font-size: 0.85rem; }
.figure img, .chart img { width: 100%; height: auto; display: block; }
.game-figure { max-width: 900px; }
.game-main .front-map { max-width: 640px; }
.debrief-page .figure-outcomes { max-width: 520px; }
.own-info td, .seat-table td, .seat-table th { padding: 2px 6px; font-size: 0.85rem; }
.game-error { color: #a00; font-size: 0.9rem; }
.move-draft, .move-sent { display: block; margin: 6px 0; }
:focus-visible { outline: 3px solid #0072B2 !important; outline-offset: 2px; }
@media (max-width: 899px) { .game-columns > .game-side { flex: 1 1 100%; } }
"""


def query_of(search: str | None) -> dict[str, str]:
    return {k: v[0] for k, v in urllib.parse.parse_qs(search or "").items()}


@solara.component
def Page():
    if not _SWEEPER:
        _SWEEPER.append(start_sweeper())
    router = solara.use_router()
    query = query_of(router.search)
    solara.Title("conflictsim — play the leaders")
    solara.Style(GAME_CSS)
    code = query.get("code")
    with solara.Column(classes=["game-page"]):
        try:
            if code and "debrief" in query:
                check_debrief_open(code, query.get("teacher"))
                DebriefPage(code)
            elif code and "teacher" in query:
                REGISTRY.teacher_game(code, query["teacher"])
                TeacherPage(code, query["teacher"])
            elif code and "name" in query:
                player = REGISTRY.game(code).player(query["name"], query.get("key", ""))
                SeatPage(code, player.name, query.get("key", ""))
            else:
                Landing(router.push, code or "")
        except MoveError as err:
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(str(err)), classes=["game-error"])
            solara.Button("Back to the start", on_click=lambda: router.push("/"), text=True)


def use_game_revision(code: str) -> int:
    """The game's revision, kept current by a poll in this page's own thread; the page counts
    as open (for freeing idle games) until its kernel closes."""
    revision = solara.use_reactive(REGISTRY.game(code).revision)

    def poll():
        from solara.server import kernel_context

        context = kernel_context.get_current_context()
        page = REGISTRY.page_opened(code)
        context.on_close(lambda: REGISTRY.page_closed(code, page))
        while not context.closed_event.wait(POLL_SECONDS):
            try:
                game = REGISTRY.game(code)
            except MoveError:
                return
            game.tick()
            if game.revision != revision.value:
                revision.set(game.revision)

    solara.lab.use_task(poll, dependencies=[code], prefer_threaded=True, raise_error=False)
    return revision.value


def shared_figure(entry: Entry) -> bytes:
    """The game chart at the game's current day, drawn once per game and day for all pages."""
    game = entry.game
    fan = cached(entry, ("fan", game.settings), lambda: rules_fan(game))
    key = ("figure", id(game.model), game.model.day)
    return cached(entry, key, lambda: plots.figure_png(game_figure(fan, game)))


def seat_menu() -> dict[str, str]:
    """A seat menu's entries, each seat's title as the rest of the page names it ("Putin
    (Moscow)", not the code name "putin"), to the code name the game takes."""
    return {SEAT_TITLES[seat]: seat for seat in SEATS}


def scenario_menu() -> dict[str, str]:
    """The New game menu's entries: each scenario's title as the students' page shows it, to
    the name the game takes."""
    return {s.title: name for name, s in sim.SCENARIOS.items()}


# --------------------------------------------------------------------------- landing
@solara.component
def Landing(push: Callable[[str], None], code: str):
    error = solara.use_reactive("")
    join_code = solara.use_reactive(code)
    name = solara.use_reactive("")
    key = solara.use_reactive("")
    seat = solara.use_reactive(AS_BEFORE)
    scenario = solara.use_reactive(sim.SCENARIOS["new_administration"].title)
    start = solara.use_reactive(calendar.START_DATE.isoformat())
    turn_days = solara.use_reactive("30")
    turns = solara.use_reactive(12)
    minutes = solara.use_reactive(0)
    seed = solara.use_reactive(0)

    def join():
        try:
            chosen = seat_menu().get(seat.value)  # None: as before
            game = REGISTRY.game(join_code.value)
            player = game.join(name.value, chosen, key.value.strip())
            push("/?" + urllib.parse.urlencode({"code": game.code, "name": player.name,
                                                "key": player.key}))
        except MoveError as err:
            error.set(str(err))

    def create():
        try:
            settings = GameSettings(scenario=scenario_menu()[scenario.value], seed=int(seed.value),
                                    start_date=start.value, turn_days=int(turn_days.value),
                                    turns=int(turns.value), turn_seconds=int(minutes.value) * 60)
            new_code, key = REGISTRY.create(settings)
            push("/?" + urllib.parse.urlencode({"code": new_code, "teacher": key}))
        except (MoveError, sim.params.InputError) as err:
            error.set(str(err))

    def reopen(name: str, data: bytes) -> None:
        """A saved game record, reopened for a debrief another day (a new code): chosen with
        the file dialog or dropped, the same checks and messages."""
        try:
            new_code, key = REGISTRY.add(from_record(record_from_bytes(data, name)))
        except sim.params.InputError as err:
            error.set(str(err))
            return
        push("/?" + urllib.parse.urlencode({"code": new_code, "teacher": key}))

    MarkdownText("## Play the leaders\nSit in Putin's, Zelensky's, Trump's or Europe's chair, "
                 "with only that leader's information, and decide what that leader's rule "
                 "decides in the model. Empty seats are played by the rules.")
    if error.value:
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(error.value), classes=["game-error"])
    with solara.Row(classes=["game-columns"]):
        with solara.Card("Join a game", classes=["join-card", "game-side"]):
            solara.InputText("Game code", value=join_code, classes=["join-code"])
            solara.InputText("Your name", value=name, classes=["join-name"])
            solara.Select("Seat", values=[AS_BEFORE, *seat_menu()], value=seat,
                          classes=["join-seat"])
            solara.InputText("Your key (only to get your seat back)", value=key,
                             classes=["join-key"])
            solara.Button("Join", on_click=join, color="primary", classes=["join-button"])
            solara.Text("Closed your page? Type the same code, name and the key your seat's page "
                        "showed (the teacher has it too) to get your seat back.")
        with solara.Card("New game (teacher)", classes=["new-game-card", "game-main"]):
            solara.Select("Scenario", values=list(scenario_menu()), value=scenario,
                          classes=["new-scenario"])
            solara.InputText("Start date (2023-01-01 to 2024-12-01)", value=start,
                             classes=["new-start"])
            solara.Select("Turn length, days", values=[str(n) for n in TURN_LENGTHS],
                          value=turn_days, classes=["new-turn-days"])
            solara.InputInt("Number of turns", value=turns, classes=["new-turns"])
            solara.InputInt("Minutes per turn (0: no timer)", value=minutes,
                            classes=["new-minutes"])
            solara.InputInt("Seed (the run's random numbers)", value=seed, classes=["new-seed"])
            solara.Button("New game", on_click=create, color="primary", classes=["new-game"])
            with solara.Column(classes=["reopen-game"], gap="4px"):
                solara.Text("Reopen a saved game (for a debrief): choose the game record the "
                            "teacher's page saved, or drop it below.")
                FilePicker("Open a saved game…", ".json", reopen, ["reopen-picker"])
                solara.FileDrop(label="Or drop a saved game record here to reopen it",
                                on_file=lambda file: reopen(file["name"], file["data"]),
                                lazy=False)


# --------------------------------------------------------------------------- shared parts
@solara.component
def SharedWorld(code: str, view: dict[str, Any], revision: int):
    """The map, the chart of the rules' fan with the class's run, and the event log: the same
    for every seat (public quantities only)."""
    entry = REGISTRY.entry(code)
    figure = solara.lab.use_task(lambda: shared_figure(entry), dependencies=[code, revision],
                                 prefer_threaded=True, raise_error=False)
    public = view["public"]
    date = calendar.date_of(view["day"], entry.game.model.start_date)
    if view.get("last_report"):
        TurnReport(view["last_report"])
    FrontMap(np.array([np.nan if v is None else v for v in view["depth_km"]]), None, view["day"],
             plots.day_text(date), public.get("kursk_held_km2"))
    if figure.finished and figure.value is not None:
        FigureImage(figure.value, "game", "Shaded: the runs the model's own leaders make from the "
                    "same start (50 % and 90 % bands, median); black: the class's run so far; "
                    "dotted: this same run played by the rules.",
                    f"Charts of occupied area, pressure on Russia, Ukrainian support and grid "
                    f"on {plots.day_text(date)}: the class's run against the rules' runs.")
    else:
        solara.ProgressLinear(True)
        solara.Text("Drawing the rules' runs…")
    EventLog(view["events"])


def list_items(lines: Iterable[str]) -> str:
    """Lines of text as an HTML list's items, each escaped."""
    return "".join(f"<li>{html.escape(line)}</li>" for line in lines)


@solara.component
def TurnReport(report: dict[str, Any]):
    """What the turn just played did, over its days alone (the log's summaries are by month)."""
    with solara.Card(f"What the last turn did — {report['title']}", classes=["turn-report"]):
        items = list_items(report["lines"])
        solara.HTML(tag="ul", unsafe_innerHTML=items, classes=["turn-report-lines"],
                    attributes={"data-turn": str(report["turn"])})


@solara.component
def EventLog(lines: list[str]):
    with solara.Card("What has happened", classes=["event-log"]):
        items = list_items(reversed(lines[-40:]))
        solara.HTML(tag="ul", unsafe_innerHTML=items or "<li>Nothing yet.</li>",
                    classes=["event-lines"])


def clock_text(left: float | None) -> str:
    return "" if left is None else f" · {int(left // 60)}:{int(left % 60):02d} left"


@solara.component
def TurnClock(code: str):
    """The turn's time left, counted down each second by this small part of the page alone:
    the page itself redraws only when the game changes, which froze the timer in a class."""
    game = REGISTRY.game(code)
    ticks = solara.use_reactive(0)  # each tick redraws the clock, which reads the game's time

    def count_down():
        from solara.server import kernel_context

        closed = kernel_context.get_current_context().closed_event
        while not closed.wait(CLOCK_SECONDS):
            ticks.set(ticks.value + 1)

    solara.lab.use_task(count_down, dependencies=[code], prefer_threaded=True, raise_error=False)
    solara.HTML(tag="span", unsafe_innerHTML=html.escape(clock_text(game.seconds_left())
                                                          .lstrip(" ·")),
                classes=["turn-clock"], attributes={"data-ticks": str(ticks.value)})


def turn_status(view: dict[str, Any]) -> str:
    """The turn and the days its moves act on: the page's date is the last day played (the
    state the seats read), and the moves act from the next day, where the log puts them."""
    if view["finished"]:
        return "the game has ended"
    start = calendar.parse_start(view["settings"]["start_date"])
    first = calendar.date_of(view["day"] + 1, start)
    last = calendar.date_of(min(view["day"] + view["settings"]["turn_days"],
                                view["settings"]["turn_days"] * view["turns"]), start)
    return (f"turn {view['turn'] + 1} of {view['turns']}" + (" (paused)" if view["paused"] else "")
            + f", moves act {plots.day_text(first)} – {plots.day_text(last)}")


@solara.component
def StateLine(view: dict[str, Any], title: str, code: str | None = None):
    """The date, turn and timer, with the state as data attributes for tests and tools; with
    the game's `code`, a clock that counts down between the game's changes."""
    left = view["seconds_left"]
    timer = "" if left is None or code is not None else clock_text(left)
    status = turn_status(view)
    date = calendar.date_of(view["day"], calendar.parse_start(view["settings"]["start_date"]))
    text = f"{title} · {plots.day_text(date)} · {status}{timer} · talks: {view['talks_phase']}"
    occupied = view["public"]["occupied_km2"]
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), classes=["game-state"],
                attributes={"data-day": str(view["day"]), "data-turn": str(view["turn"]),
                            "data-finished": str(view["finished"]).lower(),
                            "data-occupied-km2": f"{occupied:.1f}",
                            "data-moves": json.dumps(view["moves_by_turn"])},
                style="font-size: 1.1rem; font-weight: 600")
    if code is not None and left is not None and not view["finished"]:
        TurnClock(code)
    waiting = waiting_words(view)
    seats = ", ".join(f"{SEAT_TITLES[s]}: {', '.join(n) if n else 'the rule'}"
                      for s, n in view["seats"].items())
    solara.Text(f"Seats — {seats}." + (f" Waiting for: {waiting}." if waiting and
                                       not view["finished"] else ""), classes=["seat-line"])


def waiting_words(view: dict[str, Any]) -> str:
    """Whom the turn waits for: the teacher's view names the students by seat ("Carl in
    Zelensky (Kyiv)"), so the teacher knows whose page closed; the seats' pages name seats."""
    if "waiting" in view:
        return "; ".join(f"{', '.join(names)} in {SEAT_TITLES[s]}"
                         for s, names in view["waiting"].items())
    return ", ".join(SEAT_TITLES[s] for s, moved in view["moved"].items() if not moved)


# --------------------------------------------------------------------------- a seat
def no_hint_words(control: dict[str, Any]) -> str:
    """A control the game gives no hint for (`Game.rule_hint_words` has one for every control
    it has a value for): the game has ended, or the rule answers packages as they come."""
    return ("The rule decides on each package as it comes: yes if it beats fighting on."
            if control["name"] == "accept_package" else "The rule decides day by day.")


@solara.component
def SeatPage(code: str, name: str, key: str):
    """The seat of the student `name`, opened with `key` (from the page's address). The page
    acts only with that key: once the teacher removed the student, the key is revoked, and a
    new student who takes the name (with a new key) does not get this page nor its votes."""
    game = REGISTRY.game(code)
    revision = use_game_revision(code)
    # (turn, text) pairs held from a constant start: use_reactive resets a reactive to its
    # argument whenever the argument changes between renders
    draft_state = solara.use_reactive(None)
    # what the page says about a sent move belongs to the turn it was sent in
    sent_state = solara.use_reactive(None)
    error = solara.use_reactive("")
    try:  # the game's own check of the key: a removed student's is revoked
        player = game.player(name, key)
    except MoveError:
        solara.Text(removed_words(name.strip()), classes=["seat-removed"])
        return
    view = game.seat_view(player.seat)
    # The draft is kept with the turn it was made in: a new turn (or a step back) starts it
    # again from the rule, in the same render that shows the new turn.
    turn_key = (view["turn"], view["day"])
    # Untouched, the draft is the student's vote this turn (sent from this tab or another),
    # else the last turn's choices; it keeps the version of the vote it started from, so a
    # send from a tab another has overtaken is refused, and the tab then shows the vote.
    with game.lock:
        version = game.vote_version(player.name)
        voted = game.votes[player.seat].get(player.name)
    fresh = (voted if voted is not None else carried_choices(game, player.seat), version)
    choices, made_on = of_turn(draft_state.value, turn_key, fresh)
    sent, closed_it = of_turn(sent_state.value, turn_key, ("", False))
    if view["finished"] and not closed_it:  # "you can change it" is over when the game is
        sent = ""

    def choose(name: str, value: Any) -> None:
        current, on = of_turn(draft_state.value, turn_key, fresh)
        draft_state.set((turn_key, ({**current, name: value}, on)))

    def send():
        try:
            turn = game.turn + 1
            closed = game.submit(player.name, {k: v for k, v in choices.items() if v is not None},
                                 version=made_on, key=key)
            draft_state.set(None)  # the draft is now the vote, at its new version
            error.set("")
            # a move that closed the turn is told on the next turn's page, and only there
            shown_on = (game.turn, game.model.day) if closed else turn_key
            sent_state.set((shown_on, (f"Your move for turn {turn} is in" + (
                " and the turn has been played." if closed else
                "; you can change it until the turn closes."), closed)))
        except StaleVote as err:
            draft_state.set(None)
            error.set(str(err))
        except MoveError as err:
            error.set(str(err))

    with solara.Column(classes=["seat-page", f"seat-{player.seat}"]):
        StateLine(view, f"Game {code}: {SEAT_TITLES[player.seat]}, played by {player.name}",
                  code)
        solara.HTML(tag="div", unsafe_innerHTML=(
            f"Your key to get this seat back if you close the page: <b>{html.escape(player.key)}"
            "</b> (keep it to yourself)."), classes=["rejoin-key"],
            attributes={"data-key": player.key})
        with solara.Row(classes=["game-columns"]):
            with solara.Column(classes=["game-side"]):
                OwnInfo(view)
                with solara.Card("Your moves this turn", classes=["seat-controls"]):
                    solara.Text("Leave a decision to the rule, or tick it and decide yourself. "
                                "Your choice holds for every day of the turn. Your seat's "
                                "choices of the last turn are ticked again (not a package or "
                                "an answer to one): send them, or change them first.")
                    for control in view["controls"]:
                        ControlInput(control, view["hint"], choices.get(control["name"]),
                                     lambda value, n=control["name"]: choose(n, value),
                                     view["hint_words"].get(control["name"], ""))
                    draft = move_words(player.seat, {k: v for k, v in choices.items()
                                                     if v is not None})
                    solara.Text("Your move: " + (draft or "everything left to the rule") + ".",
                                classes=["move-draft"])
                    if error.value:
                        solara.HTML(tag="div", unsafe_innerHTML=html.escape(error.value),
                                    classes=["game-error"])
                    solara.Button("Send my move", on_click=send, color="primary",
                                  classes=["send-move"], disabled=view["finished"])
                    if sent:
                        solara.Text(sent, classes=["move-sent"])
            with solara.Column(classes=["game-main"]):
                SharedWorld(code, view, revision)


@solara.component
def OwnInfo(view: dict[str, Any]):
    own = view.get("own") or {}
    with solara.Card("What only you know", classes=["own-info"]):
        if not own:
            solara.Text("Your information is the public state of the war, as on the map and "
                        "charts; you do not know either side's costs or resolve.")
            return
        rows = "".join(f"<tr><td>{html.escape(v['label'])}</td><td>{html.escape(v['text'])}</td>"
                       "</tr>" for v in own.values())
        solara.HTML(tag="table", unsafe_innerHTML=rows)


@solara.component
def ControlInput(control: dict[str, Any], hint: dict[str, Any], value: Any,
                 on_value: Callable[[Any], None], hint_text: str = ""):
    """One control: what it does and costs, what the rule would do (`hint_text`, the game's
    words for it), and (ticked) the seat's own value, starting from the rule's."""
    name, kind = control["name"], control["kind"]
    suggested = hint.get(name)

    def tick(on: bool):
        if not on:
            on_value(None)
        elif kind == "yes/no":
            on_value(bool(suggested) if suggested is not None else False)
        elif kind == "package":
            on_value(dict(suggested) if suggested else {k: 0.0 for k in ISSUE_LABELS})
        elif kind in ("count", "choice"):
            on_value(int(suggested) if suggested is not None else 0)
        else:
            on_value(float(suggested) if suggested is not None else float(control["low"]))

    with solara.Column(classes=["control-card", f"control-{name}"], gap="2px"):
        solara.Text(control["label"], classes=["control-label"])
        solara.Text(control["cost"], classes=["control-cost"])
        solara.Text(hint_text or no_hint_words(control), classes=["control-hint"])
        solara.Switch(label="decide myself", value=value is not None, on_value=tick,
                        classes=[f"decide-{name}"])
        if value is None:
            return
        if kind == "yes/no":
            solara.Switch(label="yes" if value else "no", value=value, on_value=on_value,
                          classes=[f"value-{name}"])
        elif kind == "count":
            solara.InputInt("how many", value=value, on_value=on_value, classes=[f"value-{name}"],
                            continuous_update=True)
        elif kind == "number":
            solara.InputFloat(f"value ({control['low']:g} to {control['high']:g})", value=value,
                              on_value=on_value, classes=[f"value-{name}"], continuous_update=True)
        elif kind == "choice":
            labels = {v: label for v, label in control["options"]}
            values = {label: v for v, label in control["options"]}
            solara.Select(label="choose", values=list(values), value=labels[int(value)],
                          on_value=lambda label: on_value(values[label]),
                          classes=[f"value-{name}"])
        else:
            for issue, (label, _, _) in ISSUE_LABELS.items():
                solara.InputFloat(label, value=value[issue], classes=[f"value-{name}-{issue}"],
                                  continuous_update=True,
                                  on_value=lambda v, i=issue: on_value({**value, i: v}))


# --------------------------------------------------------------------------- the teacher
@solara.component
def TeacherPage(code: str, key: str):
    entry = REGISTRY.entry(code)
    game = entry.game
    revision = use_game_revision(code)
    view = game.teacher_view()
    error = solara.use_reactive("")

    def acting(action: Callable[[], Any]) -> Callable[[], None]:
        def run():
            try:
                action()
                error.set("")
            except MoveError as err:
                error.set(str(err))
        return run

    router = solara.use_router()
    base = router.root_path if hasattr(router, "root_path") else ""
    join_link = f"{base}/?code={code}"
    record = json.dumps(game.to_record(), indent=1, sort_keys=True)
    with solara.Column(classes=["teacher-page"]):
        StateLine(view, f"Game {code} (teacher)", code)
        MarkdownText(f"Students open this server's address and type the code **{code}** "
                     f"(or open `{join_link}`), their name and a seat. The debrief, for "
                     f"everyone once the game has ended: `{base}/?code={code}&debrief=1`.")
        if error.value:
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(error.value), classes=["game-error"])
        with solara.Row():
            solara.Button("Close the turn now", on_click=acting(game.close_turn),
                          classes=["close-turn"], disabled=view["finished"])
            solara.Button("Resume" if view["paused"] else "Pause",
                          on_click=acting(lambda: game.pause(not game.paused)), classes=["pause"],
                          disabled=view["finished"])
            solara.Button("Step back a turn",
                          on_click=acting(lambda turn=view["turn"]: game.step_back(from_turn=turn)),
                          classes=["step-back"], disabled=not view["turn"] or game.stopped)
            solara.Button("End the game", on_click=acting(game.end), classes=["end-game"],
                          disabled=view["finished"])
            solara.FileDownload(record, filename=f"game-{code}.json", label="Save the game record")
            solara.Button("Open the debrief", on_click=lambda: router.push(
                f"/?code={code}&debrief=1&teacher={key}"), classes=["open-debrief"])
        with solara.Row(classes=["game-columns"]):
            with solara.Column(classes=["game-side"]):
                with solara.Card("Seats"):
                    SeatAssigner(lambda name, seat: acting(lambda: game.assign(name, seat))())
                    StudentRemover(sorted(game.players),
                                   lambda name: acting(lambda: game.remove(name))())
                    votes = view["votes"]
                    keys = {p.name: p.key for p in game.players.values()}
                    rows = "".join(
                        f"<tr><td>{html.escape(SEAT_TITLES[s])}</td><td>"
                        + (html.escape(", ".join(f"{n} (key {keys.get(n, '?')})"
                                                 for n in view['seats'][s])) or "the rule")
                        + f"</td><td>{html.escape(votes_words(s, votes[s]))}</td></tr>"
                        for s in SEATS)
                    solara.HTML(tag="table", unsafe_innerHTML="<tr><th>seat</th><th>students</th>"
                                "<th>votes this turn</th></tr>" + rows, classes=["seat-table"])
                with solara.Card("Private information (teacher only)", classes=["own-info"]):
                    rows = "".join(
                        f"<tr><td>{html.escape(v['label'])}</td>"
                        f"<td class='private-{k}' data-value='{v['value']!r}'>"
                        f"{html.escape(v['text'])}</td></tr>"
                        for fields in view["private"].values() for k, v in fields.items())
                    solara.HTML(tag="table", unsafe_innerHTML=rows)
            with solara.Column(classes=["game-main"]):
                SharedWorld(code, view, revision)


@solara.component
def SeatAssigner(on_assign: Callable[[str, str], None]):
    """The teacher puts a student in a seat: the menu lists the seats by the titles the page
    uses, `on_assign(name, seat)` gets the seat's code name."""
    who = solara.use_reactive("")
    where = solara.use_reactive(SEATS[0])
    seats = seat_menu()
    solara.InputText("Student's name", value=who, classes=["assign-name"])
    solara.Select("Seat", values=list(seats), value=SEAT_TITLES[where.value],
                  on_value=lambda title: where.set(seats[title]), classes=["assign-seat"])
    solara.Button("Assign", on_click=lambda: on_assign(who.value, where.value),
                  classes=["assign"])


@solara.component
def StudentRemover(names: list[str], on_remove: Callable[[str], None]):
    """The teacher takes a student out of the game (a page closed for good), so the turn
    stops waiting for them; the button is off until a student still in the game is chosen."""
    who = solara.use_reactive("")
    chosen = who.value if who.value in names else ""

    def remove():
        who.set("")
        on_remove(chosen)

    solara.Select("Student who has left", values=names, value=who, classes=["remove-name"])
    solara.Button("Remove from the game", on_click=remove, disabled=not chosen,
                  classes=["remove-student"])


def votes_words(seat: str, votes: dict[str, dict[str, Any]]) -> str:
    return "; ".join(f"{name}: {move_words(seat, move) or 'all to the rule'}"
                     for name, move in votes.items())


# --------------------------------------------------------------------------- the debrief
def check_debrief_open(code: str, teacher_key: str | None) -> None:
    """The debrief tells what each seat's moves did: students see it once the game has ended,
    the teacher (with the teacher's key) at any time."""
    game = REGISTRY.game(code)
    if game.finished:
        return
    if teacher_key is None:
        raise MoveError("debrief", code, "open once the game has ended, or from the teacher's "
                        "page")
    REGISTRY.teacher_game(code, teacher_key)


@solara.component
def DebriefPage(code: str):
    entry = REGISTRY.entry(code)
    game = entry.game
    revision = use_game_revision(code)

    def compute():
        fan = cached(entry, ("fan", game.settings), lambda: rules_fan(game))
        key = ("debrief", id(game.model), game.model.day, len(game.turns))
        return cached(entry, key, lambda: _debrief_parts(fan, game))

    task = solara.lab.use_task(compute, dependencies=[code, revision], prefer_threaded=True,
                               raise_error=False)
    view = game.public_view()
    with solara.Column(classes=["debrief-page"]):
        StateLine(view, f"Game {code}: debrief")
        if not task.finished or task.value is None:
            solara.ProgressLinear(True)
            solara.Text("Playing the rules' runs and the game with each seat handed back to "
                        "the rule…")
            if task.error:
                solara.Text(f"The debrief failed: {task.exception}", classes=["game-error"])
            return
        result, figure, bars = task.value
        with solara.Column(classes=["debrief-text"],
                           style="max-width: 900px"):
            MarkdownText("### Debrief\n" + "\n".join(f"- {line}" for line in result.lines()))
        solara.HTML(tag="div", unsafe_innerHTML="", classes=["debrief-data"], attributes={
            "data-percentile": f"{result.percentile:.1f}",
            "data-class-outcome": result.class_outcome,
            "data-most-moved": result.most_moved.seat if result.most_moved else ""})
        FigureImage(figure, "game", "Shaded: the rules' runs from the same start with the same "
                    "random numbers; black: the class's run; dotted: the same run played by the "
                    "rules.", "The class's run drawn inside the fan of the rules' runs.")
        FigureImage(bars, "outcomes", f"How the rules' runs end, by outcome class; the class's run: "
                    f"{result.class_outcome}.",
                    "Bar chart of outcome classes: " + ", ".join(
                        f"{k} {v:.0%}" for k, v in result.outcome_shares.items()))
        with solara.Card("Turn by turn", classes=["turn-reports"]):
            for report in game.turn_reports():
                items = list_items(report["lines"])
                solara.HTML(tag="div", unsafe_innerHTML=f"<b>{html.escape(report['title'])}</b>"
                            f"<ul>{items}</ul>")
        with solara.Card("The talks' record", classes=["talks-record"]):
            items = list_items(result.talks)
            solara.HTML(tag="ul", unsafe_innerHTML=items or "<li>No talks.</li>")
        solara.FileDownload(moves_csv(game), filename=f"game-{code}-moves.csv",
                            label="The class's decisions as a table (CSV)")


MOVES_COLUMNS = ("turn", "day", "seat", "control", "value")
NOT_CARRIED = ("propose", "accept_package")  # a package and its answer are one turn's


def of_turn(held: tuple[Any, Any] | None, turn_key, otherwise):
    """What a page holds for the turn `turn_key` (a (turn, value) pair), or `otherwise`."""
    return held[1] if held is not None and held[0] == turn_key else otherwise


def carried_choices(game: Game, seat: str) -> dict[str, Any]:
    """A new turn's draft: what the seat decided itself last turn, but a package or an answer
    to one, so a class does not type eleven choices again each turn (and the rule does not
    take back a choice nobody meant to drop)."""
    if not game.turns:
        return {}
    return {name: value for name, value in game.turns[-1].moves.get(seat, {}).items()
            if name not in NOT_CARRIED}


def moves_csv(game: Game) -> str:
    """The class's decisions as a CSV any spreadsheet or pandas reads: the csv module quotes
    a package's JSON (its quotes and commas) where a hand-made line did not."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MOVES_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(game.moves_table())
    return buffer.getvalue()


def _debrief_parts(fan, game: Game):
    result = debrief(game, fan)
    horizon = calendar.date_of(game.model.day, game.model.start_date)
    figure = plots.figure_png(game_figure(fan, game, "The class's run in the rules' fan",
                                          whole_twin=True))
    bars = plots.figure_png(outcome_bars(result, horizon))
    return result, figure, bars
