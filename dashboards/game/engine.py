"""A game with no UI: students sit in the leaders' chairs of one run of the model.

A `Game` holds one run (R = 1) of `sim.ConflictModel`, stepped a turn (7, 14 or 30 days) at a
time. Each seat (Putin, Zelensky, Trump, the European leaders) decides exactly the fields of
`sim.moves.Moves` that leader's rule decides, through `CONTROLS`; a control left unset, an empty
seat, or a seat whose timer ran out leaves that field to the rule, day by day. The seats act
through `SeatedLeader`, which stands in the model's place of the leader: it asks the rule for
its part and replaces what the students chose, so a game whose seats all leave every control
to the rule is the plain model run, bit for bit.

Private information stays private: `seat_view` gives each seat the public state, its own
leader's type and its belief about the other side, and nothing else; only `teacher_view` holds
both sides' types. The game record (`to_record`) holds settings and every seat's moves by turn;
`from_record` replays it and checks the trajectories' fingerprint.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import secrets
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Collection, Mapping

import numpy as np

import sim
from sim import calendar, sectors
from sim.agents import (putin_accepts, putin_package, putin_reservation, trump_package,
                        washington_wants_deal, zelensky_accepts, zelensky_package)
from sim.core import strikes, talks
from sim.model import TRAJECTORY_FIELDS
from sim.params import InputError, plural
from sim.state import CEASEFIRE, PHASE_NAMES, TALKS

RECORD_FORMAT = "conflictsim-game"
RECORD_VERSION = 2  # 2: 'finished' and 'stopped_early' where 1 had 'ended' (the teacher's stop)
SEATS = ("putin", "zelensky", "trump", "europe")
SEAT_TITLES = {"putin": "Putin (Moscow)", "zelensky": "Zelensky (Kyiv)",
               "trump": "Trump (Washington)", "europe": "European leaders"}
LEADER_ATTRIBUTE = {"putin": "putin", "zelensky": "zelensky", "trump": "trump",
                    "europe": "european_leaders"}
PROPER_WORDS = ("Russian", "Ukrainian", "European", "EU", "US", "Moscow", "Kyiv", "Washington")
# the controls whose moves the talks' record tells: packages, answers and consents
TALKS_CONTROLS = ("propose", "accept_package", "accept_energy_truce", "consent")
PROPOSER_CODE = {"putin": talks.MOSCOW, "zelensky": talks.KYIV, "trump": talks.WASHINGTON}
# each seat's answer to a package (its control and its party's bit, talks.CONSENT_*): where the
# class set it, the event log tells a refusal as the class's, not with the rule's reasons
ANSWER_CONTROLS = {"putin": ("accept_package", talks.CONSENT_MOSCOW),
                   "zelensky": ("accept_package", talks.CONSENT_KYIV),
                   "trump": ("consent", talks.CONSENT_WASHINGTON),
                   "europe": ("consent", talks.CONSENT_EUROPE)}
TURN_LENGTHS = (7, 14, 30)
MAX_TURNS = 48
MAX_NAME_CHARS = 30
MAX_LINE_KM2 = 100_000.0
MAX_KURSK_RETURN_KM2 = 3_000.0  # above the most the model lets Ukraine hold in Russia


class MoveError(InputError):
    """A move, a setting or a seat refused: one line naming field, value and what is allowed."""

    def __init__(self, field: str, value: Any, allowed: str):
        self.field, self.value, self.allowed = field, value, allowed
        ValueError.__init__(self, f"{field}={value!r} is not allowed: {allowed}")


class NameTaken(MoveError):
    """A name another student holds, asked for without its seat's key: told in a sentence a
    student reads on the join form, with the two ways on (another name, or their own key)."""

    def __init__(self, name: str):
        super().__init__("name", name, "taken")
        ValueError.__init__(self, f"The name {name} is already taken in this game. Pick another "
                            f"name; or, if you are {name} coming back to your seat, type the key "
                            "your seat's page showed (the teacher's page lists it too).")


class WrongSeatKey(MoveError):
    """A seat opened without its key, or with another: told in a sentence a student reads on the
    seat's page, with where the key is."""

    def __init__(self, name: str, key: str):
        super().__init__("key", key, f"the key of {name}'s seat")
        missing = "needs its key" if not key else "was opened with a key that is not its own"
        ValueError.__init__(self, f"{name}'s seat {missing}. Open the link {name}'s seat page "
                            "showed when joining, or type the key there; the teacher's page "
                            "lists every seat's key.")


class SeatRemoved(MoveError):
    """A seat opened, or a vote sent, with the key of a student the teacher took out of the game:
    that key never opens a seat again, even once another student has taken the name (with a
    fresh key), so the removed student's old page cannot act in the new student's seat. Told in
    the sentence the removed page shows."""

    def __init__(self, name: str):
        super().__init__("key", "a removed student's key", "the key of a student in the game")
        ValueError.__init__(self, removed_words(name))


def removed_words(name: str) -> str:
    """What a removed student's page says, however it learns of the removal."""
    return (f"The teacher has taken {name} out of this game. To play again, join from the start "
            "page with your name and a seat.")


class StaleVote(MoveError):
    """A vote made on a page that no longer shows the student's vote or the turn (the same
    student sent from another tab since, or the turn closed): refused, not silently
    overwriting the newer vote; told in a sentence the student reads on that page."""

    def __init__(self, name: str, version: Any, turn_closed: bool):
        super().__init__("version", version, f"the version of {name}'s vote now")
        ValueError.__init__(self, (
            "The turn this page showed was played before your vote arrived; this page now shows "
            "the turn being decided: send your move again." if turn_closed else
            "Your vote was changed in another tab; this page now shows it. Change it here and "
            "send it again if you wish."))


# --------------------------------------------------------------------------- controls
@dataclass(frozen=True)
class Control:
    """One decision a seat makes for a turn: the `Moves` fields it sets, in plain words with
    what it costs. `kind`: "number" (low..high), "count" (whole number of days in the turn),
    "yes/no", "choice" (one of `options`, (value, label) pairs: a category, not a quantity), or
    "package" (a proposal over the issues of the talks)."""

    name: str
    seat: str
    fields: tuple[str, ...]
    label: str
    cost: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    step: float = 0.01
    options: tuple[tuple[int, str], ...] = ()

    def option_label(self, value) -> str:
        return dict(self.options)[int(value)]


def _c(name, seat, fields, label, cost, kind, low=0.0, high=1.0, step=0.01,
       options=()) -> Control:
    return Control(name, seat, tuple(fields), label, cost, kind, low, high, step, tuple(options))


NO_OFFENSIVE = "none: stay on the defensive"
# the Kursk sector is number 0 in the model, which here means no offensive: an incursion into
# Russia has the number after the last sector
INCURSION = sectors.N_SECTORS
OFFENSIVE_OPTIONS = ((0, NO_OFFENSIVE),) + tuple(
    (int(i), sectors.SECTOR_NAMES[i]) for i in np.flatnonzero(sectors.INSIDE_UKRAINE)) + (
    (INCURSION, "Kursk region: across the border into Russia"),)


def offensive_sector(code: int) -> int | None:
    """The model's sector for a seat's offensive choice (None: no offensive)."""
    if code == INCURSION:
        return sectors.KURSK
    return code if code > 0 else None


def offensive_code(sector: int | None) -> int:
    """The seat's choice for the model's sector (None: no offensive)."""
    if sector is None:
        return 0
    return INCURSION if sector == sectors.KURSK else sector


PACKAGE_TEXT = ("Table a package on the turn's first day (only while talks are open); the rule "
                "then tables none for you this turn")
PACKAGE_COST = ("The other side answers at once. A refusal of a package that looked reasonable "
                "from outside turns Washington's blame and Ukrainian support against the refuser. "
                "Russian ground handed back is at most what Ukraine holds there.")
ACCEPT_COST = ("Both sides accepting (with the consent of whoever must grant relief or "
               "guarantees) brings a ceasefire on the package's terms.")
CONTROLS: tuple[Control, ...] = (
    _c("offensive_effort", "putin", ["russia_offensive"],
       "Offensive effort along the front (1 = autumn 2024's pace of attacks, 0 = hold the line)",
       "More effort takes more ground and costs more soldiers; none while a ceasefire holds.",
       "number", 0.0, 2.0, 0.05),
    _c("main_axis_surge", "putin", ["russia_offensive"],
       "Weight on the main axes, Pokrovsk, Kurakhove, Velyka Novosilka (1 = as elsewhere)",
       "Concentrates attacks and losses where the gains came in 2024.", "number", 1.0, 3.0, 0.1),
    _c("strike_waves", "putin", ["russia_strike_wave"],
       "Mass missile and drone strikes on Ukraine's grid this turn (how many)",
       "Each wave cuts Ukraine's power and wears its support; none during a truce on energy.",
       "count", 0.0, 30.0, 1.0),
    _c("call_up", "putin", ["russia_call_up"], "Reservists ordered called up, per day",
       "More troops after training; each call-up costs the regime stability.",
       "number", 0.0, 8000.0, 100.0),
    _c("reserves_to_kursk", "putin", ["russia_reserves_to_kursk"],
       "Share of new recruits sent to retake Kursk while Ukraine holds ground there",
       "Russian soil is retaken sooner; the front in Ukraine gets fewer replacements.",
       "number", 0.0, 1.0, 0.05),
    _c("seek_talks", "putin", ["russia_seeks_talks"], "Ask for talks",
       "While Moscow or Washington asks, talks open on any day with a small chance (a month of "
       "asking may not be enough); only in open talks can a package be tabled.",
       "yes/no"),
    _c("break_ceasefire", "putin", ["russia_breaks_ceasefire"],
       "Attack again if a ceasefire holds", "The ceasefire ends and the fighting resumes.",
       "yes/no"),
    _c("accept_energy_truce", "putin", ["russia_accepts_energy_truce"],
       "Accept an energy truce if Washington offers one",
       "No strikes on Ukraine's grid while it holds, and none on Russia's refineries.", "yes/no"),
    _c("break_energy_truce", "putin", ["russia_breaks_energy_truce"],
       "Break an energy truce that holds", "Strikes on the grid resume, and on refineries.",
       "yes/no"),
    _c("accept_package", "putin", ["russia_accepts"], "Accept packages tabled this turn",
       ACCEPT_COST, "yes/no"),
    _c("propose", "putin", ["package", "proposer"], PACKAGE_TEXT, PACKAGE_COST, "package"),
    _c("deep_strike", "zelensky", ["ukraine_deep_strike"],
       "Deep strikes on Russian refineries and logistics (0 none, 1 the most)",
       "Cuts Russia's oil revenue; none while an energy truce holds.", "number"),
    _c("mobilisation", "zelensky", ["ukraine_mobilisation"],
       "Mobilisation effort (1 = full effort under the April 2024 law)",
       "More troops after training; effort above 1 costs domestic support.",
       "number", 0.0, 1.5, 0.05),
    _c("offensive", "zelensky", ["ukraine_offensive"],
       "Take the offensive this turn: where (sectors north to south)",
       "Draws a share of the forces elsewhere into it: ground retaken if the attack is strong "
       "enough against Russia's troops and field works, at higher losses, while Russia gains "
       "faster where the defence thinned; none while a ceasefire holds.",
       "choice", options=OFFENSIVE_OPTIONS),
    _c("accept_energy_truce", "zelensky", ["ukraine_accepts_energy_truce"],
       "Accept an energy truce if Washington offers one",
       "Spares the grid; Ukraine's refinery strikes stop while it holds.", "yes/no"),
    _c("accept_package", "zelensky", ["ukraine_accepts"], "Accept packages tabled this turn",
       ACCEPT_COST + " Conceding land costs domestic support.", "yes/no"),
    _c("propose", "zelensky", ["package", "proposer"], PACKAGE_TEXT, PACKAGE_COST, "package"),
    _c("us_aid", "trump", ["us_aid_bn_usd_yr"], "US military aid to Ukraine, bn USD a year",
       "Supplies and air defence for Ukraine; Europe makes up only part of a cut.",
       "number", 0.0, 100.0, 1.0),
    _c("us_sanctions", "trump", ["us_sanctions"], "US sanctions on Russia (0 none, 1 the most)",
       "Squeezes Russia's revenue and raises its economic pressure.", "number"),
    _c("push_talks", "trump", ["us_pushes_talks"], "Press both sides into talks",
       "While Washington or Moscow asks, talks open on any day with a small chance (a month of "
       "asking may not be enough); only in open talks can a package be tabled.", "yes/no"),
    _c("offer_energy_truce", "trump", ["energy_truce_offered"], "Offer an energy truce",
       "A partial deal: no strikes on grid or refineries while both keep it.", "yes/no"),
    _c("consent", "trump", ["us_withheld"],
       "Grant the US sanctions relief and backstop a package asks",
       "Without Washington's consent a package that asks them does not bind.", "yes/no"),
    _c("propose", "trump", ["package", "proposer"], PACKAGE_TEXT, PACKAGE_COST, "package"),
    _c("eu_aid", "europe", ["eu_aid_bn_usd_yr"], "European military aid, bn USD a year",
       "Supplies Ukraine; paid from European budgets.", "number", 0.0, 100.0, 1.0),
    _c("eu_sanctions", "europe", ["eu_sanctions"], "EU sanctions on Russia (0 none, 1 the most)",
       "Squeezes Russia's revenue and raises its economic pressure.", "number"),
    _c("consent", "europe", ["eu_withheld"],
       "Grant the EU sanctions relief and European force a package asks",
       "Without Europe's consent a package that asks them does not bind.", "yes/no"),
)
ISSUE_LABELS = {
    "line_km2": ("Land ceded beyond today's line, km²", 0.0, MAX_LINE_KM2),
    "ceasefire_first": ("Ceasefire first (1) or terms first (0)", 0.0, 1.0),
    "guarantee": ("Security guarantees for Ukraine (0-1)", 0.0, 1.0),
    "relief_us": ("Share of US sanctions lifted (0-1)", 0.0, 1.0),
    "force_limits": ("Limits on Ukraine's forces and alignment (0-1)", 0.0, 1.0),
    "relief_eu": ("Share of EU sanctions lifted (0-1)", 0.0, 1.0),
    "kursk_return_km2": ("Russian ground (Kursk) handed back, km²", 0.0, MAX_KURSK_RETURN_KM2),
}
KM2_ISSUES = ("line_km2", "kursk_return_km2")  # whole km², the others shares


def controls_of(seat: str) -> tuple[Control, ...]:
    return tuple(c for c in CONTROLS if c.seat == seat)


def check_seat(seat: str) -> str:
    if seat not in SEATS:
        raise MoveError("seat", seat, "one of " + ", ".join(SEATS))
    return seat


def check_move(seat: str, move: Mapping[str, Any] | None, turn_days: int = 30) -> dict[str, Any]:
    """A seat's move as {control name: value}; None or a missing name leaves it to the rule.
    A "package" control takes a dict over `talks.ISSUE_NAMES` or False (table nothing)."""
    controls = {c.name: c for c in controls_of(check_seat(seat))}
    checked: dict[str, Any] = {}
    for name, value in (move or {}).items():
        if name not in controls:
            raise MoveError("control", name, f"one of {', '.join(controls)} for {seat}")
        if value is None:
            continue
        control = controls[name]
        if control.kind == "yes/no":
            if not isinstance(value, bool):
                raise MoveError(name, value, "true or false")
            checked[name] = value
        elif control.kind == "package":
            checked[name] = _check_package(name, value)
        elif control.kind == "choice":
            checked[name] = _check_choice(control, value)
        else:
            high = min(control.high, turn_days) if control.kind == "count" else control.high
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not control.low <= value <= high \
                    or (control.kind == "count" and value != int(value)):
                whole = "a whole number" if control.kind == "count" else "a number"
                raise MoveError(name, value, f"{whole} in [{control.low:g}, {high:g}]")
            checked[name] = int(value) if control.kind == "count" else float(value)
    return checked


def _check_choice(control: Control, value: Any) -> int:
    """An option's value, given as the value (a record's number) or its label."""
    by_label = {label.lower(): v for v, label in control.options}
    if isinstance(value, str) and value.strip().lower() in by_label:
        return by_label[value.strip().lower()]
    if not isinstance(value, bool) and isinstance(value, (int, float)) \
            and value in dict(control.options):
        return int(value)
    raise MoveError(control.name, value, "one of " + ", ".join(
        f"{label} ({v})" for v, label in control.options))


def _check_package(name: str, value: Any) -> dict[str, float] | bool:
    if value is False:
        return False
    if not isinstance(value, Mapping):
        raise MoveError(name, value, "false (table nothing) or a package over "
                        + ", ".join(talks.ISSUE_NAMES))
    package = {}
    for issue in talks.ISSUE_NAMES:
        _, low, high = ISSUE_LABELS[issue]
        number = value.get(issue, 0.0)
        if isinstance(number, bool) or not isinstance(number, (int, float)) \
                or not low <= number <= high:
            raise MoveError(f"{name}.{issue}", number, f"a number in [{low:g}, {high:g}]")
        package[issue] = float(number)
    unknown = set(value) - set(talks.ISSUE_NAMES)
    if unknown:
        raise MoveError(f"{name}.{sorted(unknown)[0]}", value[sorted(unknown)[0]],
                        "an issue among " + ", ".join(talks.ISSUE_NAMES))
    package["ceasefire_first"] = float(package["ceasefire_first"] >= 0.5)
    return package


def combine_votes(seat: str, votes: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The seat's move from the votes of the students sharing it: per control, among those who
    set it, the majority for yes/no (a tie: no), the most chosen option for a choice (a tie:
    the first option, for the offensive no attack), the median for numbers (rounded for counts),
    the issue-wise median of the packages tabled (if most who set it table one)."""
    move: dict[str, Any] = {}
    for control in controls_of(seat):
        values = [v[control.name] for v in votes.values() if v.get(control.name) is not None]
        if not values:
            continue
        if control.kind == "yes/no":
            move[control.name] = sum(values) * 2 > len(values)
        elif control.kind == "package":
            tabled = [v for v in values if v is not False]
            if len(tabled) * 2 <= len(values):
                move[control.name] = False
            else:
                move[control.name] = {i: float(statistics.median(p[i] for p in tabled))
                                      for i in talks.ISSUE_NAMES}
                move[control.name]["ceasefire_first"] = float(
                    move[control.name]["ceasefire_first"] >= 0.5)
        elif control.kind == "choice":
            counts = {v: values.count(v) for v in values}
            top = max(counts.values())
            winners = [v for v in counts if counts[v] == top]
            move[control.name] = winners[0] if len(winners) == 1 else control.options[0][0]
        elif control.kind == "count":
            move[control.name] = int(round(statistics.median(values)))
        else:
            move[control.name] = float(statistics.median(values))
    return move


def tied_votes(seat: str, votes: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The controls whose votes tied under `combine_votes`'s rule (a yes/no or a package split
    evenly, a choice whose most chosen options draw), each with the votes by option in words
    and what the tie gave: the rule stands, the log says it decided the move."""
    ties: dict[str, dict[str, Any]] = {}
    move = combine_votes(seat, votes)
    for control in controls_of(seat):
        values = [v[control.name] for v in votes.values() if v.get(control.name) is not None]
        if control.kind == "yes/no" and values and sum(values) * 2 == len(values):
            counts, gives = {"yes": sum(values), "no": len(values) - sum(values)}, "no"
        elif control.kind == "package" and values and sum(
                v is not False for v in values) * 2 == len(values):
            tabled = sum(v is not False for v in values)
            counts, gives = {"a package": tabled, "no package": len(values) - tabled}, \
                "no package tabled"
        elif control.kind == "choice" and values:
            by_option = {v: values.count(v) for v in values}
            top = [v for v in by_option if by_option[v] == max(by_option.values())]
            if len(top) < 2:
                continue
            counts = {control.option_label(v): by_option[v] for v in top}
            gives = control.option_label(move[control.name])
        else:
            continue
        ties[control.name] = {"counts": counts, "gives": gives}
    return ties


def tie_words(seat: str, name: str, tie: Mapping[str, Any]) -> str:
    """A tied vote in the log's words, as `move_words` names the control: "take the offensive
    this turn: the vote was tied (Kursk region 1, Pokrovsk 1); the tie rule gives none: stay on
    the defensive"."""
    label = next(c.label for c in controls_of(seat) if c.name == name).split(":")[0]
    counts = ", ".join(f"{option.split(':')[0]} {n}" for option, n in tie["counts"].items())
    return (f"{_in_sentence(label)}: the vote was tied ({counts}); the tie rule gives "
            f"{tie['gives']}")


def strike_today(waves: int, day_in_turn: int, turn_days: int) -> bool:
    """`waves` strikes spread evenly over the turn's days: day i strikes when the running count
    floor((i + 1) * waves / turn_days) steps up."""
    return (day_in_turn + 1) * waves // turn_days > day_in_turn * waves // turn_days


def package_array(package: Mapping[str, float], n_runs: int,
                  kursk_held_km2: np.ndarray | None = None) -> np.ndarray:
    """A seat's package in every run; the Russian ground handed back is at most what Ukraine
    holds in each (nobody can give more than it controls)."""
    array = np.tile(np.array([package[i] for i in talks.ISSUE_NAMES], dtype=float), (n_runs, 1))
    if kursk_held_km2 is not None:
        array[:, talks.KURSK_RETURN_KM2] = np.minimum(array[:, talks.KURSK_RETURN_KM2],
                                                      kursk_held_km2)
    return array


# --------------------------------------------------------------------------- seated leaders
class SeatedLeader:
    """Stands in the model's leader tuple for one leader: asks the rule for its part of the
    day's moves, then puts in what the seat chose for this turn. With no choice it returns
    the rule's part untouched (the same arrays)."""

    def __init__(self, rule, seat: str):
        self.rule, self.seat = rule, seat
        self.move: dict[str, Any] = {}
        self.day_in_turn = 0
        self.turn_days = 1
        # proposer codes of the seats whose students table a package this turn: a rule's
        # package never takes the place of one of theirs, and the first student's stands
        self.student_tablers: frozenset[int] = frozenset()

    def _students_on_table(self, moves: dict) -> np.ndarray:
        """(runs,) bool: a package a student tabled is on today's table."""
        return np.isin(moves["proposer"], list(self.student_tablers))

    def decide(self, moves: dict, today, draws) -> dict:
        part = self.rule.decide(moves, today, draws)
        if not self.move or "propose" not in self.move:
            part = self._keep_students_package(moves, part)
        if not self.move:
            return part
        model = self.rule.model
        state, n = model.state, model.n_runs
        move, part = self.move, dict(part)
        if "offensive_effort" in move or "main_axis_surge" in move:
            effort = move.get("offensive_effort", 1.0)
            surge = move.get("main_axis_surge", 1.0)
            f = state.depth_km.dtype
            allocation = np.tile(effort * (1.0 + (surge - 1.0) * sectors.MAIN_AXIS), (n, 1))
            allocation *= (state.talks_phase < CEASEFIRE)[:, None]
            allocation[:, sectors.KURSK] *= state.kursk_held_km2 > 0.0
            part["russia_offensive"] = allocation.astype(f)
        if "offensive" in move:
            sector = offensive_sector(int(round(move["offensive"])))
            allocation = np.zeros((n, sectors.N_SECTORS))
            if sector is not None:
                allocation[:, sector] = (model.params.per_run("zelensky_offensive_effort")
                                         * (state.talks_phase < CEASEFIRE))
            part["ukraine_offensive"] = allocation
        if "strike_waves" in move:
            part["russia_strike_wave"] = np.full(n, strike_today(move["strike_waves"],
                                                                 self.day_in_turn, self.turn_days))
        for control in controls_of(self.seat):
            if control.name not in move or control.kind == "package" or control.fields[0] in (
                    "russia_offensive", "russia_strike_wave", "ukraine_offensive") \
                    or control.fields[0].endswith("_accepts"):
                continue
            if control.name == "consent":  # the class's answer, without a rule's reason
                part[control.fields[0]] = np.full(
                    n, talks.CONSENTS if move[control.name] else talks.WITHHELD_BY_PLAYER,
                    dtype=np.int8)
                continue
            dtype = bool if control.kind == "yes/no" else float
            part[control.fields[0]] = np.full(n, move[control.name], dtype=dtype)
        if "propose" in move:
            part.pop("package", None)
            part.pop("proposer", None)
            if move["propose"] is not False and self.day_in_turn == 0:
                tabled = (state.talks_phase == TALKS) & ~self._students_on_table(moves)
                code = PROPOSER_CODE[self.seat]
                part["package"] = np.where(
                    tabled[:, None], package_array(move["propose"], n, state.kursk_held_km2),
                    moves["package"])
                part["proposer"] = np.where(tabled, np.int8(code), moves["proposer"]).astype(
                    np.int8)
        return part

    def _keep_students_package(self, moves: dict, part: dict) -> dict:
        """The rule's part, except where a student's package is already on today's table."""
        if "package" not in part or not self.student_tablers:
            return part
        theirs = self._students_on_table(moves)
        if not theirs.any():
            return part
        part = dict(part)
        part["package"] = np.where(theirs[:, None], moves["package"], part["package"])
        part["proposer"] = np.where(theirs, moves["proposer"], part["proposer"]).astype(np.int8)
        return part

    def respond(self, moves: dict) -> dict:
        part = self.rule.respond(moves)
        if "accept_package" not in self.move:
            return part
        field_name = "russia_accepts" if self.seat == "putin" else "ukraine_accepts"
        return {**part, field_name: np.full(self.rule.model.n_runs, self.move["accept_package"])}


# --------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class GameSettings:
    """What a teacher chooses: scenario, seed, start date, turn length (days) and number of
    turns; `turn_seconds` is the timer (0: none), `fan_runs` the rules' runs the debrief
    sets the class's run among."""

    scenario: str = "new_administration"
    seed: int = 0
    start_date: str = calendar.START_DATE.isoformat()
    turn_days: int = 30
    turns: int = 12
    turn_seconds: int = 0
    uncertainty: str = "on"
    fan_runs: int = 100

    def checked(self) -> "GameSettings":
        if self.scenario not in sim.SCENARIOS:
            raise MoveError("scenario", self.scenario, "one of " + ", ".join(sim.SCENARIOS))
        if self.turn_days not in TURN_LENGTHS:
            raise MoveError("turn_days", self.turn_days, "one of 7, 14, 30")
        for name, low, high in (("seed", 0, 2**63 - 1), ("turns", 1, MAX_TURNS),
                                ("turn_seconds", 0, 24 * 3600), ("fan_runs", 10, 2000)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise MoveError(name, value, f"a whole number in [{low}, {high}]")
        if self.uncertainty not in ("on", "off"):
            raise MoveError("uncertainty", self.uncertainty, "on or off")
        try:
            calendar.parse_start(self.start_date)
        except (ValueError, TypeError):
            raise MoveError("start_date", self.start_date,
                            f"a date from {calendar.EARLIEST_START} to {calendar.START_DATE}") from None
        if self.turns * self.turn_days > calendar.MAX_DAYS:
            raise MoveError("turns", self.turns, f"at most {calendar.MAX_DAYS // self.turn_days}")
        return self

    @property
    def days(self) -> int:
        return self.turns * self.turn_days

    def model_kwargs(self) -> dict[str, Any]:
        return dict(scenario=self.scenario, days=self.days, rng=self.seed,
                    start_date=self.start_date, uncertainty=self.uncertainty)


def build_model(settings: GameSettings, n_runs: int = 1) -> sim.ConflictModel:
    return sim.ConflictModel(n_runs=n_runs, collect=False, **settings.model_kwargs())


# --------------------------------------------------------------------------- views
# What every seat sees of the world: the public state. Each side's pace belief, private type
# and belief about the other side are not here (`OWN_FIELDS`).
PRIVATE_FIELDS = {
    "putin": ("russia_cost_private", "russia_pace_belief", "russia_belief_ukraine_type_mean",
              "russia_belief_ukraine_type_sd"),
    "zelensky": ("ukraine_resolve_private", "ukraine_pace_belief",
                 "ukraine_belief_russia_type_mean", "ukraine_belief_russia_type_sd"),
}
PUBLIC_FIELDS = tuple(name for name in TRAJECTORY_FIELDS
                      if name not in {f for fs in PRIVATE_FIELDS.values() for f in fs})
OWN_WORDS = {
    "russia_cost_private": "Your cost of a day of war, as a multiple of what outsiders estimate",
    "russia_pace_belief": "Ground you expect to gain, km² a day",
    "russia_belief_ukraine_type_mean": "Kyiv's resolve as you estimate it, as a multiple of what "
                                       "outsiders estimate",
    "russia_belief_ukraine_type_sd": "How sure you are of Kyiv's resolve",
    "ukraine_resolve_private": "Your resolve, as a multiple of what outsiders estimate",
    "ukraine_pace_belief": "Ground you expect to lose, km² a day",
    "ukraine_belief_russia_type_mean": "Moscow's cost of war as you estimate it, as a multiple "
                                       "of what outsiders estimate",
    "ukraine_belief_russia_type_sd": "How sure you are of Moscow's cost",
}
# The same values as the teacher reads them, about a leader rather than to one
TEACHER_WORDS = {
    "russia_cost_private": "Moscow's cost of a day of war, as a multiple of what outsiders "
                           "estimate",
    "russia_pace_belief": "Ground Moscow expects to gain, km² a day",
    "russia_belief_ukraine_type_mean": "Kyiv's resolve as Moscow estimates it, as a multiple of "
                                       "what outsiders estimate",
    "russia_belief_ukraine_type_sd": "How sure Moscow is of Kyiv's resolve",
    "ukraine_resolve_private": "Kyiv's resolve, as a multiple of what outsiders estimate",
    "ukraine_pace_belief": "Ground Kyiv expects to lose, km² a day",
    "ukraine_belief_russia_type_mean": "Moscow's cost of war as Kyiv estimates it, as a multiple "
                                       "of what outsiders estimate",
    "ukraine_belief_russia_type_sd": "How sure Kyiv is of Moscow's cost",
}
SURE_Z = 1.645  # a belief's 90 % range: the log-normal's mean +- this many sd


def own_text(name: str, state) -> str:
    """A seat's private value as a student reads it: multiples for types (the beliefs are held
    as logs), km² a day for a pace, a 90 % range for an uncertainty; "none yet" when empty."""
    value = float(np.asarray(getattr(state, name))[0])
    if not np.isfinite(value):
        return "none yet"
    if name.endswith("_private"):
        return f"× {value:.2f}"
    if name.endswith("_pace_belief"):
        return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"
    if name.endswith("_type_mean"):
        return f"× {math.exp(value):.2f}"
    mean = float(np.asarray(getattr(state, name.removesuffix("_sd") + "_mean"))[0])
    low, high = math.exp(mean - SURE_Z * value), math.exp(mean + SURE_Z * value)
    return f"90 % sure: between × {low:.2f} and × {high:.2f}"


def _number(value) -> Any:
    """A plain JSON value: None for NaN ("none yet")."""
    value = np.asarray(value)
    if value.ndim == 0:
        item = value.item()
        return None if isinstance(item, float) and np.isnan(item) else item
    return [None if np.isnan(v) else round(float(v), 3) for v in value.ravel()]


# --------------------------------------------------------------------------- the game
def new_player_key() -> str:
    """A short random key: a student's name is public on every seat page, the key is not."""
    return secrets.token_urlsafe(6)


@dataclass
class Player:
    """A seated student. `key` is theirs alone (in their seat's link and on their page, and on
    the teacher's): knowing a name is not enough to open its seat and its private values."""

    name: str
    seat: str
    key: str = field(default_factory=new_player_key)


@dataclass
class TurnRecord:
    """The moves that stood for one turn, by seat ({} = the rule's), who voted, and the votes
    that tied (by seat and control, `tied_votes`)."""

    moves: dict[str, dict[str, Any]]
    voters: dict[str, list[str]] = field(default_factory=dict)
    ties: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # what each seat's moves came to over the turn's days (`over_turn`), class's or rule's: read
    # from the run as it was played, so it is not in the game record
    did: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)


class Game:
    """One class's game: one run of the model, seats, turns, votes and a timer.

    Thread-safe: every change takes `lock` (pages of several students act at once), and
    `revision` counts changes so pages know when to redraw. `now` arguments are seconds
    (time.monotonic by default) so tests can drive the timer."""

    def __init__(self, settings: GameSettings | None = None, code: str = ""):
        from dashboards.session import HighlightTrack

        self.settings = (settings or GameSettings()).checked()
        self.code = code
        self.lock = threading.RLock()
        self.model = build_model(self.settings)
        self.seated = {seat: SeatedLeader(getattr(self.model, LEADER_ATTRIBUTE[seat]), seat)
                       for seat in SEATS}
        self.model.leaders = tuple(self.seated[seat] for seat in SEATS)
        self._track_class = HighlightTrack
        self.track = HighlightTrack(self.model)
        self.turns: list[TurnRecord] = []
        self._reports: dict[int, dict[str, Any]] = {}  # turn -> its report (a turn played stays)
        self._hints: tuple | None = None  # (model, day, {seat: hint}): one projection a turn
        self.players: dict[str, Player] = {}
        self.removed_keys: set[str] = set()  # keys of students taken out: they open nothing
        self.votes: dict[str, dict[str, dict[str, Any]]] = {seat: {} for seat in SEATS}
        self.paused = False
        self.stopped = False  # the teacher ended the game, whether or not turns were left
        self.deadline: float | None = None
        self.remaining: float | None = None
        self.revision = 0
        self.opened_turns = 0  # turns opened so far, step backs too: a vote's version
        self.vote_counts: dict[str, int] = {}  # votes each student has sent this turn
        self._open_turn(time.monotonic())

    # -- state of play -----------------------------------------------------------------------
    @property
    def turn(self) -> int:
        """The turn being decided, counted from 0."""
        return len(self.turns)

    @property
    def finished(self) -> bool:
        return self.stopped or self.model.day >= self.model.days

    @property
    def stopped_early(self) -> bool:
        """The teacher ended the game with days of its run still to play."""
        return self.stopped and self.model.day < self.model.days

    def seats_taken(self) -> dict[str, list[str]]:
        taken: dict[str, list[str]] = {seat: [] for seat in SEATS}
        for player in self.players.values():
            taken[player.seat].append(player.name)
        return taken

    def moved(self) -> dict[str, bool]:
        """Per seat with students: whether every student in it has voted this turn."""
        taken = self.seats_taken()
        return {seat: all(name in self.votes[seat] for name in names)
                for seat, names in taken.items() if names}

    def waiting(self) -> dict[str, list[str]]:
        """Per seat, the students who have not voted this turn: the teacher sees whom the turn
        waits for (a student whose page closed), not only which seat."""
        return {seat: [name for name in names if name not in self.votes[seat]]
                for seat, names in self.seats_taken().items()
                if any(name not in self.votes[seat] for name in names)}

    # -- students ----------------------------------------------------------------------------
    def join(self, name: str, seat: str | None = None, key: str = "") -> Player:
        """Take a seat, or rejoin the seat this name already holds (a closed page) with its
        key: a name taken without its key is refused, so nobody opens another's seat."""
        name = _check_name(name)
        with self.lock:
            if name in self.players:
                if not secrets.compare_digest(str(key or ""), self.players[name].key):
                    raise NameTaken(name)
                return self.players[name]
            if seat is None:  # "as before" names no seat: only a returning student has one
                raise MoveError("seat", "as before", f"for {name}, who has no seat yet: one of "
                                + ", ".join(SEAT_TITLES[s] for s in SEATS))
            player = Player(name, check_seat(seat))
            self.players[name] = player
            self._changed()
            return player

    def assign(self, name: str, seat: str) -> None:
        """The teacher moves a student to a seat (their vote this turn goes; their key stays)."""
        name, seat = _check_name(name), check_seat(seat)
        with self.lock:
            old = self.players.get(name)
            if old is None:  # a mistyped name would make a seat-holder the turn waits for
                raise MoveError("name", name, "a student who has joined: "
                                + (", ".join(sorted(self.players)) or "nobody has yet"))
            self.votes[old.seat].pop(name, None)
            self.players[name] = Player(name, seat, old.key)
            self._changed()

    def remove(self, name: str, now: float | None = None) -> bool:
        """The teacher takes a student out of the game (a page closed for good): their vote
        this turn goes, the turn no longer waits for them, and their name is freed, so they (or
        another student) can join again as a new student, with a new key. Their old key is
        revoked: a page still open with it shows the removal and cannot act, even in the seat
        of a new student of the same name. Closes the turn if every student still seated has
        voted, as their own vote would have; returns whether it did."""
        name = _check_name(name)
        with self.lock:
            player = self.players.pop(name, None)
            if player is None:
                raise MoveError("name", name, "a student in this game: "
                                + (", ".join(sorted(self.players)) or "nobody is"))
            self.votes[player.seat].pop(name, None)
            self.removed_keys.add(player.key)
            self._changed()
            if self.players and not self.paused and not self.finished \
                    and all(self.moved().values()):
                self.close_turn(now)
                return True
            return False

    def player(self, name: str, key: str) -> Player:
        """The student `name`, if `key` is theirs; a removed student's key is told as such
        (`SeatRemoved`), whoever holds the name now."""
        if str(key or "") in self.removed_keys:
            raise SeatRemoved(str(name).strip())
        player = self.players.get(str(name).strip())
        if player is None:
            raise MoveError("name", name, "a student who has joined this game (join from the "
                            "start page)")
        if not secrets.compare_digest(str(key or ""), player.key):
            raise WrongSeatKey(player.name, str(key or ""))
        return player

    def vote_version(self, name: str) -> tuple[int, int]:
        """The version of the student's vote: the turn opened and how many votes they have sent
        in it. A page sends it back with a vote (`submit`'s `version`), so a vote made on a page
        another tab or the turn's close has overtaken is refused rather than counted."""
        with self.lock:
            return self.opened_turns, self.vote_counts.get(str(name).strip(), 0)

    def submit(self, name: str, move: Mapping[str, Any] | None,
               now: float | None = None, version: tuple[int, int] | None = None,
               key: str | None = None) -> bool:
        """A student's vote for this turn; closes the turn once every seated student has
        voted. Returns whether the turn closed. With `version` (`vote_version` when the page
        drew the vote), a vote from a page that is out of date is refused (`StaleVote`). With
        `key` (a seat's page always sends the key it was opened with), a vote from a page whose
        student has been removed is refused (`SeatRemoved`), even if the name is taken again:
        the name alone would let the old page vote in the new student's seat."""
        with self.lock:
            player = (self.player(_check_name(name), key) if key is not None
                      else self.players.get(_check_name(name)))
            if player is None:
                raise MoveError("player", name, "a student who has joined this game")
            if self.finished:
                raise MoveError("turn", self.turn, "a turn of a game that has not ended")
            if version is not None and tuple(version) != self.vote_version(player.name):
                raise StaleVote(player.name, version, version[0] != self.opened_turns)
            self.votes[player.seat][player.name] = check_move(player.seat, move,
                                                              self.settings.turn_days)
            self.vote_counts[player.name] = self.vote_counts.get(player.name, 0) + 1
            self._changed()
            if not self.paused and all(self.moved().values()):
                self.close_turn(now)
                return True
            return False

    # -- turns -------------------------------------------------------------------------------
    def close_turn(self, now: float | None = None) -> None:
        """The turn's moves stand (each seat's votes combined; a seat without votes is played
        by the rule) and the model steps through the turn's days."""
        with self.lock:
            if self.finished:
                return
            moves = {seat: combine_votes(seat, self.votes[seat]) for seat in SEATS}
            voters = {seat: sorted(votes) for seat, votes in self.votes.items() if votes}
            ties = {seat: tied for seat in SEATS if (tied := tied_votes(seat, self.votes[seat]))}
            did = self._play(moves)
            self.turns.append(TurnRecord(moves, voters, ties, did))
            self._open_turn(time.monotonic() if now is None else now)
            self._changed()

    def _play(self, moves: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
        """Step the turn's days with the seats' moves; what each seat did over them
        (`over_turn`), for the turn's report."""
        turn_days = self.settings.turn_days
        played = []
        tablers = frozenset(PROPOSER_CODE[seat] for seat in PROPOSER_CODE
                            if moves.get(seat, {}).get("propose", False) is not False)
        for seat in SEATS:
            self.seated[seat].move = dict(moves.get(seat, {}))
            self.seated[seat].turn_days = turn_days
            self.seated[seat].student_tablers = tablers
        for day_in_turn in range(turn_days):
            if not self.model.running:
                break
            for seated in self.seated.values():
                seated.day_in_turn = day_in_turn
            self.model.step()
            self.track.record(self.model)
            played.append(self.model.moves)
        for seated in self.seated.values():
            seated.move = {}
        return {seat: over_turn(seat, played) for seat in SEATS}

    def _open_turn(self, now: float) -> None:
        self.votes = {seat: {} for seat in SEATS}
        self.opened_turns += 1
        self.vote_counts = {}
        seconds = self.settings.turn_seconds
        self.deadline = now + seconds if seconds and not self.finished else None
        self.remaining = None
        if self.paused and self.deadline is not None:
            self.remaining, self.deadline = float(seconds), None

    def tick(self, now: float | None = None) -> bool:
        """Close the turn if its timer ran out (the rule's move stands for seats that have not
        moved). Any page may call it; returns whether a turn closed."""
        now = time.monotonic() if now is None else now
        with self.lock:
            if self.deadline is not None and not self.paused and now >= self.deadline:
                self.close_turn(now)
                return True
            return False

    def seconds_left(self, now: float | None = None) -> float | None:
        now = time.monotonic() if now is None else now
        if self.paused:
            return self.remaining
        return None if self.deadline is None else max(self.deadline - now, 0.0)

    def pause(self, paused: bool, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self.lock:
            if paused and not self.paused:
                self.remaining = None if self.deadline is None else max(self.deadline - now, 0.0)
                self.deadline = None
            elif not paused and self.paused:
                self.deadline = None if self.remaining is None else now + self.remaining
                self.remaining = None
            self.paused = paused
            self._changed()

    def step_back(self, now: float | None = None, from_turn: int | None = None) -> None:
        """Undo the last turn: the game is replayed from its start without it. With `from_turn`
        (the turn the teacher's button showed) a second click for the same turn does nothing, so
        a double click undoes one turn, not two."""
        with self.lock:
            if from_turn is not None and from_turn != self.turn:
                return
            if not self.turns:
                raise MoveError("turn", 0, "a game with at least one turn played")
            kept = self.turns[:-1]
            self._restart()
            for turn in kept:
                turn.did = self._play(turn.moves)
                self.turns.append(turn)
            self.stopped = False
            self._open_turn(time.monotonic() if now is None else now)
            self._changed()

    def end(self) -> None:
        with self.lock:
            self.stopped = True
            self.deadline = None
            self._changed()

    def _restart(self) -> None:
        self.model = build_model(self.settings)
        self.seated = {seat: SeatedLeader(getattr(self.model, LEADER_ATTRIBUTE[seat]), seat)
                       for seat in SEATS}
        self.model.leaders = tuple(self.seated[seat] for seat in SEATS)
        self.track = self._track_class(self.model)
        self.turns = []
        self._reports = {}

    def _changed(self) -> None:
        self.revision += 1

    # -- what the rule would do --------------------------------------------------------------
    def rule_hint(self, seat: str) -> dict[str, Any]:
        """What the seat's rule would choose this turn, in the controls' units: over the turn's
        days (a number's mean, a count's total, a yes/no's majority, a choice's most days) where
        a projection of the run with the rules in every seat tells it, the rule's first-day
        choice for a package and the answers to one (`ONE_DAY_CONTROLS`)."""
        return self._hint(seat)[0]

    def rule_hint_words(self, seat: str) -> dict[str, str]:
        """The hint as the seat's controls say it, each with the days it speaks of."""
        return self._hint(seat)[1]

    def _hint(self, seat: str) -> tuple[dict[str, Any], dict[str, str]]:
        check_seat(seat)
        with self.lock:
            model = self.model
            if model.day >= model.days:
                return {}, {}
            cached = self._hints
            if cached is None or cached[0] is not model or cached[1] != model.day:
                cached = self._hints = (model, model.day, {})
            if seat not in cached[2]:
                cached[2][seat] = self._rule_hint(seat)
            hint, words = cached[2][seat]
            return dict(hint), dict(words)  # a page's changes stay out of the cache

    def _rule_hint(self, seat: str) -> tuple[dict[str, Any], dict[str, str]]:
        model = self.model
        saved = {s: leader.move for s, leader in self.seated.items()}
        for leader in self.seated.values():
            leader.move = {}
        # the first-day rule, too, decides in the world as `seat` sees it: Washington's package
        # rule reads both sides' pace beliefs, which a student in Trump's seat does not hold
        real = model.state
        model.state = dataclasses.replace(real, **as_seen_by(seat, real, model.params))
        try:
            today = model._context(model.day + 1)
            rule = model.decide(today)
            first_day = _hint_from(seat, rule, model, today, self.settings.turn_days)
        finally:
            model.state = real
            for s, leader in self.seated.items():
                leader.move = saved[s]
        turn = over_turn(seat, self._projected_turn(seat))
        hint, words = {}, {}
        for control in controls_of(seat):
            name = control.name
            if name in turn:
                hint[name] = turn[name]["value"]
                words[name] = (f"The rule would, over the turn's {turn[name]['days']} days: "
                               + over_turn_words(control, turn[name]))
            elif name in first_day:
                hint[name] = first_day[name]
                words[name] = first_day_words(control, first_day[name])
        return hint, words

    def _projected_turn(self, seat: str) -> list:
        """Each day's moves of the turn ahead in a copy of the run with the rules in every seat,
        the other side's private values as `seat` sees them (`as_seen_by`): the hint tells a seat
        nothing it does not know. The game's run is untouched."""
        model = self.model
        twin = model.projection(record=False, run=False)
        twin.state = dataclasses.replace(twin.state, **as_seen_by(seat, twin.state, twin.params))
        played = []
        for _ in range(min(self.settings.turn_days, model.days - model.day)):
            twin.step()
            played.append(twin.moves)
        return played

    # -- views -------------------------------------------------------------------------------
    def public_view(self) -> dict[str, Any]:
        """What every seat sees: the date, the public state of the run, the seats and who has
        moved, the timer, the moves by turn (public actions) and the event log."""
        model, state = self.model, self.model.state
        start = model.start_date
        return {
            "code": self.code,
            "settings": dataclasses.asdict(self.settings),
            "day": model.day, "date": calendar.date_of(model.day, start).isoformat(),
            "turn": self.turn, "turns": self.settings.turns, "finished": self.finished,
            "paused": self.paused, "stopped_early": self.stopped_early,
            "seconds_left": self.seconds_left(),
            "seats": self.seats_taken(), "moved": self.moved(),
            "talks_phase": PHASE_NAMES[int(state.talks_phase[0])],
            "public": {name: _number(getattr(state, name)[0]) for name in PUBLIC_FIELDS},
            "depth_km": _number(state.depth_km[0]),
            "moves_by_turn": [turn.moves for turn in self.turns],
            "last_report": self.turn_report(len(self.turns) - 1) if self.turns else None,
            "events": [e.line(start) for e in self.events()],
        }

    def seat_view(self, seat: str) -> dict[str, Any]:
        """The public view, the seat's controls and the rule's hint, and what only this leader
        knows: its own type and pace belief and its belief about the other side."""
        check_seat(seat)
        with self.lock:
            view = self.public_view()
            state = self.model.state
            view["seat"] = seat
            view["own"] = {name: {"label": OWN_WORDS[name],
                                  "value": _number(getattr(state, name)[0]),
                                  "text": own_text(name, state)}
                           for name in PRIVATE_FIELDS.get(seat, ())}
            view["controls"] = [dataclasses.asdict(c) for c in controls_of(seat)]
            view["hint"] = self.rule_hint(seat)
            view["hint_words"] = self.rule_hint_words(seat)
            return view

    def teacher_view(self) -> dict[str, Any]:
        """Everything: the public view, both sides' private information, every seat's hint and
        the votes cast so far."""
        with self.lock:
            view = self.public_view()
            state = self.model.state
            view["private"] = {seat: {name: {"label": TEACHER_WORDS[name],
                                             "value": _number(getattr(state, name)[0]),
                                             "text": own_text(name, state)}
                                      for name in names}
                               for seat, names in PRIVATE_FIELDS.items()}
            view["hints"] = {seat: self.rule_hint(seat) for seat in SEATS}
            view["votes"] = {seat: dict(votes) for seat, votes in self.votes.items()}
            view["waiting"] = self.waiting()
            return view

    def events(self, only: Collection[str] | None = None):
        """The run's event log (the dashboard's own), with the seats' moves by turn (`only`
        those controls of each move, where given: the talks' record reads `TALKS_CONTROLS`)."""
        from dashboards.events import Event, in_log_order, run_events

        model = self.model
        found = run_events(model.trajectories, model.day, start=model.start_date, days=model.days,
                           track={**self.track.arrays, "class_answers": self.class_answers()})
        phase = model.trajectories["talks_phase"][0]
        proposer = model.trajectories["proposer_today"][0]
        for k, turn in enumerate(self.turns):
            day = k * self.settings.turn_days + 1
            talks_open = bool(phase[day - 1] == TALKS)  # a package is tabled on a turn's first day
            on_table = int(proposer[day])
            for seat, move in turn.moves.items():
                if only is not None:
                    move = {name: value for name, value in move.items() if name in only}
                if move:
                    found.append(Event(day, "intervention",
                                       f"{SEAT_TITLES[seat]}, played by the class: "
                                       + move_words(seat, move, talks_open,
                                                    _other_proposer(seat, on_table))))
            for seat, tied in turn.ties.items():
                for name, tie in tied.items():
                    if only is None or name in only:
                        found.append(Event(day, "intervention",
                                           f"{SEAT_TITLES[seat]}, played by the class: "
                                           + tie_words(seat, name, tie)))
        return in_log_order(found)

    def turn_report(self, k: int) -> dict[str, Any]:
        """What turn `k` (counted from 0) did, over exactly its days: the ground that changed
        hands, troops and casualties, strike waves, aid and sanctions, the talks, and what each
        seat (class or rule) decided; `figures` holds the numbers the lines tell."""
        with self.lock:
            if k not in self._reports:
                self._reports[k] = self._turn_report(k)
            return self._reports[k]

    def turn_reports(self) -> list[dict[str, Any]]:
        return [self.turn_report(k) for k in range(len(self.turns))]

    def _turn_report(self, k: int) -> dict[str, Any]:
        from dashboards import events as ev

        model, turn = self.model, self.turns[k]
        before = k * self.settings.turn_days
        last = min(before + self.settings.turn_days, model.day)
        traj = {name: values[0] for name, values in model.trajectories.items()}
        start = model.start_date

        def change(name: str) -> float:
            return float(traj[name][last]) - float(traj[name][before])

        def total(name: str) -> float:  # the turn's days, not the day before it
            return float(np.sum(traj[name][before + 1: last + 1], dtype=float))

        figures = {"occupied_change_km2": change("occupied_km2"),
                   "russia_casualties": change("russia_casualties"),
                   "ukraine_casualties": change("ukraine_casualties"),
                   "russia_contracts": total("russia_contracts_today"),
                   "russia_called_up": total("russia_called_up_today"),
                   "ukraine_recruits": total("ukraine_recruits_today"),
                   "strike_waves": int(total("strike_wave_today"))}
        for name, _, _ in ev.AID_SERIES:
            figures[name] = (float(traj[name][before]), float(traj[name][last]))
        for name, _ in ev.SANCTIONS_SERIES:
            figures[name] = (float(traj[name][before]), float(traj[name][last]))
        period = "this turn"
        depth = self.track.arrays.get("depth_km")
        gains = None if depth is None else (depth[last] - depth[before]) * ev.AREA_WEIGHT_KM
        lines = [ev.front_text(period, figures["occupied_change_km2"], gains) + ".",
                 ev.forces_text(period, (float(traj["russia_troops_k"][last]),
                                         float(traj["ukraine_troops_k"][last])),
                                (float(traj["russia_troops_k"][before]),
                                 float(traj["ukraine_troops_k"][before])),
                                figures["russia_contracts"], figures["russia_called_up"],
                                figures["ukraine_recruits"],
                                (figures["russia_casualties"], figures["ukraine_casualties"]))
                 + "."]
        waves = figures["strike_waves"]
        lines.append(("No strike waves" if not waves else "1 strike wave" if waves == 1 else
                      f"{waves} strike waves") + f" on Ukraine's grid {period}; the grid stands "
                     f"at {traj['grid_gw'][last]:.1f} GW (from {traj['grid_gw'][before]:.1f}).")
        moved = [f"{what} {a:.0f} → {b:.0f} bn USD a year"
                 for (name, _, what) in ev.AID_SERIES
                 for a, b in [figures[name]] if abs(b - a) >= 0.5]
        moved += [f"{'EU' if who == 'Europe' else 'US'} sanctions {a:.2f} → {b:.2f} (0 none, "
                  "1 the most)" for name, who in ev.SANCTIONS_SERIES
                  for a, b in [figures[name]] if abs(b - a) >= 0.005]
        lines.append("Aid and sanctions: " + ("; ".join(moved) if moved else "unchanged") + ".")
        found = ev.events_between(model.trajectories, before + 1, last, 0, start, model.days,
                                  {**self.track.arrays, "class_answers": self.class_answers()})
        told = [f"{ev.date_text(calendar.date_of(e.day, start))} {e.text.split(' (')[0]}"
                for e in found if e.kind in ("talks", "ceasefire", "breakdown", "settlement")]
        refused = sum(e.kind == "offer" for e in found)
        if refused:
            told.append(f"{refused} {plural(refused, 'package')} refused")
        lines.append("Talks: " + ("; ".join(told) if told else
                                  f"nothing changed (talks: {PHASE_NAMES[int(traj['talks_phase'][last])]})")
                     + ".")
        for seat in SEATS:
            move = turn.moves.get(seat, {})
            if move:
                rest = "" if set(move) >= {c.name for c in controls_of(seat)} else \
                    "; the rest to the rule"
                lines.append(f"{SEAT_TITLES[seat]}, the class: {move_words(seat, move)}{rest}.")
            else:
                did = did_words(seat, turn.did.get(seat, {}))
                lines.append(f"{SEAT_TITLES[seat]}, the rule: {did or 'nothing to tell'}.")
        first_date, last_date = calendar.date_of(before + 1, start), calendar.date_of(last, start)
        return {"turn": k + 1, "first_day": before + 1, "last_day": last,
                "title": f"Turn {k + 1}: {ev.date_text(first_date)} – {ev.date_text(last_date)}",
                "lines": lines, "figures": figures}

    def class_answers(self) -> np.ndarray:
        """Per day, the bits (talks.CONSENT_*) of the parties whose answer to a package the
        class gave that day rather than the rule (`ANSWER_CONTROLS`)."""
        answers = np.zeros(self.model.days + 1, dtype=np.int8)
        turn_days = self.settings.turn_days
        for k, turn in enumerate(self.turns):
            bits = sum(bit for seat, (name, bit) in ANSWER_CONTROLS.items()
                       if name in turn.moves.get(seat, {}))
            answers[k * turn_days + 1: (k + 1) * turn_days + 1] = bits
        return answers

    # -- the record --------------------------------------------------------------------------
    def fingerprint(self) -> str:
        """SHA-256 of the run's trajectories so far: equal fingerprints, equal runs."""
        digest = hashlib.sha256()
        day = self.model.day
        for name, values in sorted(self.model.trajectories.items()):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(values[:, : day + 1]).tobytes())
        return digest.hexdigest()

    def to_record(self) -> dict[str, Any]:
        """Settings and every seat's moves by turn: enough to replay the game bit for bit."""
        with self.lock:
            return {"format": RECORD_FORMAT, "version": RECORD_VERSION,
                    "settings": dataclasses.asdict(self.settings),
                    "turns": [{"moves": t.moves, "voters": t.voters, "ties": t.ties}
                              for t in self.turns],
                    "players": {p.name: p.seat for p in self.players.values()},
                    "finished": self.finished, "stopped_early": self.stopped_early,
                    "day": self.model.day,
                    "fingerprint": self.fingerprint()}

    def moves_table(self) -> list[dict[str, Any]]:
        """The class's decisions as data: one row per turn (counted from 1, as the page
        counts them), seat and control set."""
        rows = []
        for k, turn in enumerate(self.turns):
            for seat in SEATS:
                for name, value in turn.moves.get(seat, {}).items():
                    rows.append({"turn": k + 1, "day": k * self.settings.turn_days + 1,
                                 "seat": seat,
                                 "control": name,
                                 "value": json.dumps(value) if isinstance(value, dict) else value})
        return rows


def from_record(record: Mapping[str, Any], code: str = "") -> Game:
    """A game replayed from its record; its moves are checked as a student's would be."""
    if not isinstance(record, Mapping) or record.get("format") != RECORD_FORMAT:
        raise MoveError("format", record.get("format") if isinstance(record, Mapping) else record,
                        RECORD_FORMAT)
    raw = _part(record.get("settings", {}), "settings", Mapping)
    known = {f.name for f in dataclasses.fields(GameSettings)}
    unknown = set(raw) - known
    if unknown:
        name = sorted(unknown)[0]
        raise MoveError(f"settings.{name}", raw[name], "one of " + ", ".join(sorted(known)))
    game = Game(GameSettings(**raw), code=code)
    for k, turn in enumerate(_part(record.get("turns", []), "turns", list)):
        field = f"turns[{k}]"
        turn = _part(turn, field, Mapping)
        by_seat = _part(turn.get("moves", {}), f"{field}.moves", Mapping)
        moves = {seat: check_move(seat, _part(by_seat.get(seat, {}), f"{field}.moves.{seat}",
                                              Mapping), game.settings.turn_days)
                 for seat in SEATS}
        if game.finished:
            raise MoveError(field, "a turn", f"at most {game.settings.turns} turns")
        voters = {check_seat(seat): [_check_name(name) for name in
                                     _part(names, f"{field}.voters.{seat}", list)]
                  for seat, names in _part(turn.get("voters", {}), f"{field}.voters",
                                           Mapping).items()}
        ties = {check_seat(seat): _checked_ties(seat, tied, f"{field}.ties.{seat}")
                for seat, tied in _part(turn.get("ties", {}), f"{field}.ties", Mapping).items()}
        did = game._play(moves)
        game.turns.append(TurnRecord(moves, voters, ties, did))
    for name, seat in _part(record.get("players", {}), "players", Mapping).items():
        player = Player(_check_name(name), check_seat(seat))
        game.players[player.name] = player
    # version 1 wrote the teacher's stop as "ended", whether or not turns were left
    game.stopped = bool(record.get("stopped_early", record.get("ended", False)))
    game._open_turn(time.monotonic())
    return game


def save_record(game: Game, path) -> None:
    from pathlib import Path

    Path(path).write_text(json.dumps(game.to_record(), indent=1, sort_keys=True) + "\n")


def _part(value: Any, field: str, kind: type) -> Any:
    """A part of a game record of the shape the game writes (a table or a list): a record
    edited by hand, or not a game's at all, is refused in a line naming the part (and the
    start of what it holds), not left to fail somewhere in the replay."""
    if not isinstance(value, kind):
        shown = repr(value)
        raise MoveError(field, value if len(shown) <= 60 else shown[:57] + "...",
                        "a table of names and values" if kind is Mapping else "a list")
    return value


def _checked_ties(seat: str, tied: Any, field: str) -> dict[str, dict[str, Any]]:
    """A turn's tied votes for one seat, as `tied_votes` writes them: per control of the seat,
    the votes by option ("counts") and what the tie gave ("gives")."""
    names = {c.name for c in controls_of(seat)}
    checked = {}
    for name, tie in _part(tied, field, Mapping).items():
        if name not in names:
            raise MoveError(f"{field}.{name}", name, f"one of {', '.join(sorted(names))}")
        tie = _part(tie, f"{field}.{name}", Mapping)
        counts = _part(tie.get("counts"), f"{field}.{name}.counts", Mapping)
        if not all(isinstance(k, str) and isinstance(n, int) for k, n in counts.items()) \
                or not isinstance(tie.get("gives"), str):
            raise MoveError(f"{field}.{name}", tie, "votes by option and what the tie gave")
        checked[name] = {"counts": dict(counts), "gives": tie["gives"]}
    return checked


MAX_RECORD_BYTES = 4_000_000  # a 48-turn game's record is well under 1 MB


def record_from_bytes(data: bytes, source: str) -> dict[str, Any]:
    """A game record's table from a file's bytes (a file opened on the start page, by the picker
    or dropped, or read by `conflictsim run --game`): one check for every way in, refused in a
    line naming the file. `from_record` checks what the table holds."""
    def refused(reason: str) -> MoveError:
        return MoveError("game record", source, f"a game record saved from the teacher's page "
                                                f"(JSON): {reason}")

    if len(data) > MAX_RECORD_BYTES:
        raise refused(f"this file is larger than {MAX_RECORD_BYTES // 1_000_000} MB")
    try:
        record = json.loads(bytes(data).decode("utf-8"))
    except UnicodeDecodeError:
        raise refused("this file is not text") from None
    except json.JSONDecodeError as err:
        raise refused(f"this file is not JSON ({err.msg} on line {err.lineno})") from None
    if not isinstance(record, dict):
        raise refused("this file holds no table of names and values")
    return record


def load_record(path) -> dict[str, Any]:
    """A game record from a file on disk (`conflictsim run --game FILE`)."""
    from pathlib import Path

    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_RECORD_BYTES + 1)
    except OSError as err:
        raise MoveError("game record", str(path), f"a readable file: {err.strerror or err}") \
            from None
    return record_from_bytes(data, str(path))


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME_CHARS:
        raise MoveError("name", name, f"1 to {MAX_NAME_CHARS} characters")
    return name.strip()


def _other_proposer(seat: str, on_table: int) -> str | None:
    """Who else's package was on the table on the day `seat` put one forward, if anyone's."""
    if on_table in (talks.NOBODY, PROPOSER_CODE.get(seat)):
        return None
    return talks.PROPOSER_NAMES[on_table]


def move_words(seat: str, move: Mapping[str, Any], talks_open: bool = True,
               other_proposer: str | None = None) -> str:
    """A seat's move in plain words, for the event log and the talks' record; a package put
    forward while no talks were open (`talks_open` False), or on a day another's package was on
    the table (`other_proposer`), is told as not tabled."""
    parts = []
    for control in controls_of(seat):
        if control.name not in move:
            continue
        value = move[control.name]
        if control.kind == "yes/no":
            parts.append(f"{_in_sentence(control.label)}: {'yes' if value else 'no'}")
        elif control.kind == "package":
            parts.append(_package_text(value, talks_open, other_proposer))
        elif control.kind == "choice":
            parts.append(f"{_in_sentence(control.label.split(':')[0])}: "
                         f"{control.option_label(value)}")
        else:
            parts.append(f"{_in_sentence(control.label.split(' (')[0])}: {value:g}")
    return "; ".join(parts)


def _package_text(package: Mapping[str, float] | bool, talks_open: bool,
                  other_proposer: str | None) -> str:
    """What a seat's package did: tabled, or why it could not be."""
    if package is False:
        return "tables no package"
    if not talks_open:
        return ("could not table " + package_words(package)
                + " (no talks were open; only in talks can a package be tabled)")
    if other_proposer:
        return ("could not table " + package_words(package)
                + f" ({other_proposer}'s package was on the table that day)")
    return "tables " + package_words(package)


def _in_sentence(label: str) -> str:
    """A control's label inside a sentence: its first word lower-cased unless it is a name or
    an acronym ("US military aid to Ukraine" stays; "Offensive effort" becomes "offensive")."""
    first = label.split(" ", 1)[0]
    if first.isupper() or first in PROPER_WORDS:
        return label
    return label[:1].lower() + label[1:]


def package_words(package: Mapping[str, float]) -> str:
    return ("a package: " + f"{package['line_km2']:,.0f} km² ceded, "
            + ("ceasefire first" if package["ceasefire_first"] else "terms first")
            + f", guarantees {package['guarantee']:.0%}, US relief {package['relief_us']:.0%}, "
            f"EU relief {package['relief_eu']:.0%}, force limits {package['force_limits']:.0%}"
            + (f", {package['kursk_return_km2']:,.0f} km² of Russia's Kursk region handed back"
               if package.get("kursk_return_km2", 0.0) > 0.0 else ""))


def as_seen_by(seat: str, state, params) -> dict[str, np.ndarray]:
    """The private values `seat` does not hold, as it sees them: Moscow's estimate of Kyiv's
    resolve and its own belief of the front's pace for Kyiv's, and the reverse; where a seat
    holds no belief (Washington, Europe; each side's belief about the other), the outsiders'
    estimate: a type × 1, a belief about a type at its prior, a pace belief at its prior."""
    spread = params.per_run("resolve_spread")
    prior = {"russia_cost_private": np.ones_like(spread), "ukraine_resolve_private":
             np.ones_like(spread),
             "russia_pace_belief": params.per_run("russia_prior_pace_km2_day"),
             "ukraine_pace_belief": params.per_run("ukraine_prior_pace_km2_day"),
             "russia_belief_ukraine_type_mean": np.zeros_like(spread),
             "russia_belief_ukraine_type_sd": spread,
             "ukraine_belief_russia_type_mean": np.zeros_like(spread),
             "ukraine_belief_russia_type_sd": spread}
    if seat == "putin":
        prior["ukraine_resolve_private"] = np.exp(state.russia_belief_ukraine_type_mean)
        prior["ukraine_pace_belief"] = state.russia_pace_belief
    elif seat == "zelensky":
        prior["russia_cost_private"] = np.exp(state.ukraine_belief_russia_type_mean)
        prior["russia_pace_belief"] = state.ukraine_pace_belief
    own = PRIVATE_FIELDS.get(seat, ())
    return {name: np.array(value, dtype=getattr(state, name).dtype)
            for name, value in prior.items() if name not in own}


def first_day_words(control: Control, value: Any) -> str:
    """A package or an answer to one, the rule's on the turn's first day (it decides each
    package as it comes)."""
    if control.kind == "package":
        return ("On the turn's first day the rule would table "
                + package_words(value).removeprefix("a package: "))
    return (f"The rule's answer on the turn's first day: {'yes' if value else 'no'} (it decides "
            "each package as it comes)")


def _hint_from(seat: str, rule, model, today, turn_days: int) -> dict[str, Any]:
    """The rule's moves for `seat` in its controls' units (run 0)."""
    p, s = model.params, model.state
    hint: dict[str, Any] = {}
    if seat == "putin":
        effort = np.asarray(rule.russia_offensive[0], dtype=float)
        main = sectors.MAIN_AXIS > 0
        rest = ~main
        rest[sectors.KURSK] = False
        base = float(effort[rest].mean()) if rest.any() else 0.0
        hint["offensive_effort"] = round(base, 3)
        hint["main_axis_surge"] = round(float(effort[main].mean()) / base, 3) if base > 0 else 1.0
        quiet = (s.talks_phase >= CEASEFIRE) | s.moratorium
        chance = strikes.strike_wave_probability(
            today.strike_season, p.strike_wave_prob_winter, p.strike_wave_prob_summer,
            p.deterrence_credibility, p.deterrence_strike_reduction, quiet)
        hint["strike_waves"] = int(round(float(np.asarray(chance).ravel()[0]) * turn_days))
        hint["call_up"] = round(float(rule.russia_call_up[0]), 1)
        hint["reserves_to_kursk"] = round(float(rule.russia_reserves_to_kursk[0]), 2)
        for name, field_name in (("seek_talks", "russia_seeks_talks"),
                                 ("break_ceasefire", "russia_breaks_ceasefire"),
                                 ("accept_energy_truce", "russia_accepts_energy_truce"),
                                 ("break_energy_truce", "russia_breaks_energy_truce")):
            hint[name] = bool(getattr(rule, field_name)[0])
        reservation = putin_reservation(p, s)[1]
        if not np.isnan(s.last_package[0]).any():
            hint["accept_package"] = bool(putin_accepts(p, s, s.last_package, reservation)[0])
        hint["propose"] = _package_dict(putin_package(p, s, reservation,
                                                      washington_wants_deal(p, today)))
    elif seat == "zelensky":
        hint["deep_strike"] = round(float(rule.ukraine_deep_strike[0]), 3)
        hint["mobilisation"] = round(float(rule.ukraine_mobilisation[0]), 3)
        attack = np.asarray(rule.ukraine_offensive[0])
        hint["offensive"] = offensive_code(int(np.argmax(attack)) if attack.any() else None)
        hint["accept_energy_truce"] = bool(rule.ukraine_accepts_energy_truce[0])
        if not np.isnan(s.last_package[0]).any():
            hint["accept_package"] = bool(zelensky_accepts(p, s, s.last_package)[0])
        hint["propose"] = _package_dict(zelensky_package(p, s))
    elif seat == "trump":
        hint["us_aid"] = round(float(rule.us_aid_bn_usd_yr[0]), 2)
        hint["us_sanctions"] = round(float(rule.us_sanctions[0]), 3)
        hint["push_talks"] = bool(rule.us_pushes_talks[0])
        hint["offer_energy_truce"] = bool(rule.energy_truce_offered[0])
        hint["consent"] = bool(rule.us_consents[0])
        hint["propose"] = _package_dict(trump_package(p, s, washington_wants_deal(p, today)))
    else:
        hint["eu_aid"] = round(float(rule.eu_aid_bn_usd_yr[0]), 2)
        hint["eu_sanctions"] = round(float(rule.eu_sanctions[0]), 3)
        hint["consent"] = bool(rule.eu_consents[0])
    return hint


# the controls that answer or table a package: one day's decision, not a turn's
ONE_DAY_CONTROLS = ("propose", "accept_package", "consent")


def _efforts(effort: np.ndarray) -> tuple[float, float | None]:
    """Russia's offensive effort as the seat's two controls read it: the effort off the main
    axes, and the main axes' weight over it (None where there is no effort to weigh)."""
    effort = np.asarray(effort, dtype=float)
    main = sectors.MAIN_AXIS > 0
    rest = ~main
    rest[sectors.KURSK] = False
    base = float(effort[rest].mean()) if rest.any() else 0.0
    return base, (float(effort[main].mean()) / base if base > 0 else None)


def over_turn(seat: str, played: list) -> dict[str, dict[str, Any]]:
    """What the seat's moves came to over a turn's days (`played`: each day's `Moves`, run 0),
    per control in its units: `value` (a number's mean, a count's days, a yes/no's majority, a
    choice's option of the most days), `days` the turn's days, and `total` (a number's sum),
    `on` (the days of yes or of the option). The package controls are one day's decisions and
    are not here (`ONE_DAY_CONTROLS`)."""
    days = len(played)
    if not days:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for control in controls_of(seat):
        if control.name in ONE_DAY_CONTROLS:
            continue
        field_name = control.fields[0]
        if control.name in ("offensive_effort", "main_axis_surge"):
            efforts = [_efforts(m.russia_offensive[0]) for m in played]
            if control.name == "offensive_effort":
                daily = [base for base, _ in efforts]
            else:
                daily = [surge for _, surge in efforts if surge is not None] or [1.0]
            out[control.name] = {"value": round(float(np.mean(daily)), 3), "days": days}
        elif control.kind == "count":
            on = int(sum(bool(m.russia_strike_wave[0]) for m in played))
            out[control.name] = {"value": on, "on": on, "days": days}
        elif control.kind == "yes/no":
            on = int(sum(bool(getattr(m, field_name)[0]) for m in played))
            out[control.name] = {"value": on * 2 > days, "on": on, "days": days}
        elif control.kind == "choice":
            codes = [offensive_code(int(np.argmax(a)) if (a := np.asarray(m.ukraine_offensive[0]))
                                    .any() else None) for m in played]
            top = max(set(codes), key=lambda c: (codes.count(c), -codes.index(c)))
            out[control.name] = {"value": top, "on": codes.count(top), "days": days}
        else:
            daily = [float(getattr(m, field_name)[0]) for m in played]
            out[control.name] = {"value": round(float(np.mean(daily)), 3 if control.high <= 3
                                                else 1),
                                 "total": float(np.sum(daily)), "days": days}
    return out


def over_turn_words(control: Control, summary: Mapping[str, Any]) -> str:
    """A control's moves over a turn in a few words: "446 a day on average (13,382 in all)",
    "yes on 12 of 30 days", "6"."""
    value, days = summary["value"], summary["days"]
    if control.kind == "yes/no":
        on = summary["on"]
        return "yes every day" if on == days else "no" if not on else \
            f"yes on {on} of {days} days"
    if control.kind == "choice":
        label = control.option_label(value).split(":")[0]
        return label if summary["on"] == days else f"{label} on {summary['on']} of {days} days"
    if control.kind == "count":
        return f"{value}"
    if "per day" in control.label:
        return f"{value:,.0f} a day on average ({summary['total']:,.0f} in all)"
    return f"{value:g} on average"


def did_words(seat: str, did: Mapping[str, Mapping[str, Any]]) -> str:
    """What the rule did in a seat over a turn, for the turn's report: its quantities and what
    it said yes to (a no is the rule's default and not news)."""
    parts = []
    for control in controls_of(seat):
        summary = did.get(control.name)
        if summary is None or (control.kind == "yes/no" and not summary["on"]):
            continue
        label = control.label.split(":")[0] if control.kind == "choice" else \
            control.label.split(" (")[0].removesuffix(", per day")
        parts.append(f"{_in_sentence(label)}: {over_turn_words(control, summary)}")
    return "; ".join(parts)


def _package_dict(package: np.ndarray) -> dict[str, float]:
    row = np.nan_to_num(np.asarray(package[0], dtype=float))
    values = {}
    for k, name in enumerate(talks.ISSUE_NAMES):
        _, low, high = ISSUE_LABELS[name]
        value = round(float(row[k])) if name in KM2_ISSUES else round(float(row[k]), 3)
        values[name] = min(max(value, low), high)
    return values


def start_label(settings: GameSettings) -> str:
    return dt.date.fromisoformat(settings.start_date).strftime("%d %b %Y")


__all__ = ["CONTROLS", "Control", "Game", "GameSettings", "MoveError", "NameTaken", "WrongSeatKey",
           "SEATS", "SeatRemoved", "StaleVote", "SEAT_TITLES",
           "TURN_LENGTHS", "check_move", "combine_votes", "controls_of", "from_record",
           "load_record", "record_from_bytes", "save_record"]
