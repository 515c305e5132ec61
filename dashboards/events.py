"""A plain-language event log of one run, read from its daily trajectories.

The model records what happened each day (talks phase, strike waves, refusals, the last offer,
the energy moratorium, aid); this module turns changes in those series into sentences a student
can read ("day 212: Ukraine rejects terms ceding unoccupied land"). It is pure: arrays in, a list
of `Event` out, so it is tested without a model or a browser.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from sim import calendar
from sim.params import change_text

NO_TALKS, TALKS, CEASEFIRE, SETTLEMENT = 0, 1, 2, 3
AID_CHANGE_SHARE = 0.2  # a change in US aid of more than a fifth from one day to the next is news


@dataclass(frozen=True)
class Event:
    day: int
    kind: str  # inauguration | strike | talks | offer | ceasefire | breakdown | settlement | aid | intervention
    text: str

    def line(self, start: datetime.date = calendar.START_DATE) -> str:
        return f"day {self.day} ({calendar.date_of(self.day, start).isoformat()}): {self.text}"


def phase_events(phase: np.ndarray) -> list[Event]:
    """One event per change of talks phase."""
    out = []
    for day in np.flatnonzero(np.diff(phase.astype(np.int16))) + 1:
        before, after = int(phase[day - 1]), int(phase[day])
        out.append(Event(int(day), *_phase_change(before, after)))
    return out


def _phase_change(before: int, after: int) -> tuple[str, str]:
    if after == TALKS and before == NO_TALKS:
        return "talks", "talks open in parallel with fighting"
    if after == CEASEFIRE:
        return "ceasefire", "a ceasefire on the current line takes hold"
    if after == SETTLEMENT:
        return "settlement", "a settlement is signed"
    if before == CEASEFIRE:
        return "breakdown", "the ceasefire breaks down and fighting resumes"
    if before == TALKS and after == NO_TALKS:
        return "talks", "talks collapse"
    return "talks", f"talks move from phase {before} to phase {after}"


def strike_events(strike_wave: np.ndarray, winter: np.ndarray) -> list[Event]:
    """A strike wave on a day without one the day before (waves often last several days)."""
    wave = strike_wave.astype(bool)
    starts = np.flatnonzero(wave & ~np.concatenate([[False], wave[:-1]]))
    return [Event(int(d), "strike",
                  "Russia launches a " + ("winter " if winter[d] else "")
                  + "strike wave on the grid") for d in starts]


def refusal_events(refused: np.ndarray, offer_km2: np.ndarray) -> list[Event]:
    """Each refused offer; the terms say whether they ceded land Ukraine still holds."""
    out = []
    for d in np.flatnonzero(refused.astype(bool)):
        offer = offer_km2[d]
        if np.isfinite(offer) and offer > 0:
            text = f"Ukraine rejects terms ceding unoccupied land (about {offer:,.0f} km²)"
        else:
            text = "Ukraine rejects a ceasefire on the current line"
        out.append(Event(int(d), "offer", text))
    return out


def moratorium_events(moratorium: np.ndarray) -> list[Event]:
    m = moratorium.astype(np.int8)
    out = []
    for d in np.flatnonzero(np.diff(m)) + 1:
        text = ("both sides pause strikes on energy while talks go on" if m[d]
                else "the pause on energy strikes ends")
        out.append(Event(int(d), "talks", text))
    return out


def aid_events(us_aid: np.ndarray) -> list[Event]:
    """Large day-to-day changes in the US aid rate (a cut or a resumption)."""
    out = []
    prev = us_aid[:-1]
    change = np.diff(us_aid)
    big = np.abs(change) > AID_CHANGE_SHARE * np.maximum(np.abs(prev), 1e-9)
    for d in np.flatnonzero(big) + 1:
        verb = "cuts" if us_aid[d] < us_aid[d - 1] else "raises"
        out.append(Event(int(d), "aid", f"Washington {verb} aid to {us_aid[d]:.0f} bn USD a year"))
    return out


def intervention_events(interventions: Sequence[tuple[int, Mapping[str, Any]]]) -> list[Event]:
    return [Event(int(day), "intervention",
                  "you " + "; ".join(change_text(k, v) for k, v in changes.items()))
            for day, changes in interventions]


KIND_ORDER = {"intervention": 0, "inauguration": 1}


def in_log_order(events: Sequence[Event]) -> list[Event]:
    """By day; on one day the student's own change first, then the inauguration, then the rest."""
    return sorted(events, key=lambda e: (e.day, KIND_ORDER.get(e.kind, 2)))


def _shifted(events: list[Event], offset: int) -> list[Event]:
    return [Event(e.day + offset, e.kind, e.text) for e in events]


def events_between(trajectories: Mapping[str, np.ndarray], first: int, last: int, run: int = 0,
                   start: datetime.date = calendar.START_DATE,
                   days: int | None = None) -> list[Event]:
    """What the trajectories say happened to run `run` on days `first`..`last`, in log order.

    Reads only those days and the one before (changes are found against the previous day), so a
    live log can append one day's events without re-reading the whole run.
    """
    if last < first:
        return []
    horizon = days if days is not None else trajectories["talks_phase"].shape[1] - 1
    cal = calendar.Calendar(start, horizon)
    base = max(first - 1, 0)

    def series(name: str) -> np.ndarray:
        return np.asarray(trajectories[name][run, base: last + 1])

    found: list[Event] = []
    if 0 < cal.inauguration_day and first <= cal.inauguration_day <= last:
        found.append(Event(cal.inauguration_day, "inauguration",
                           "Donald Trump is inaugurated as US president"))
    relative = phase_events(series("talks_phase"))
    relative += strike_events(series("strike_wave_today"), cal.winter()[base: last + 1])
    relative += refusal_events(series("refused_today"), series("last_offer_km2"))
    relative += moratorium_events(series("moratorium"))
    relative += aid_events(series("us_aid_bn_usd_yr"))
    found += [e for e in _shifted(relative, base) if e.day >= first]
    return in_log_order(found)


def run_events(trajectories: Mapping[str, np.ndarray], today: int, run: int = 0,
               interventions: Sequence[tuple[int, Mapping[str, Any]]] = (),
               start: datetime.date = calendar.START_DATE, days: int | None = None) -> list[Event]:
    """Everything that happened to run `run` from day 0 to `today`, in order of days.

    `trajectories` maps names to (runs, days + 1) arrays; days after `today` are ignored.
    """
    return in_log_order(events_between(trajectories, 0, today, run, start, days)
                        + intervention_events([(d, c) for d, c in interventions if d <= today]))


class LiveEventLog:
    """The event log of a model that is being stepped: each call reads only the days since the
    last one (a step costs one day's reading, not the whole run's). Interventions are merged in
    at each call because one can land on a day the log has already read. One per session's
    model; stepping backwards (a reset) starts it over."""

    def __init__(self, run: int = 0, start: datetime.date = calendar.START_DATE,
                 days: int | None = None):
        self.run, self.start, self.days = run, start, days
        self.read_to = -1
        self.found: list[Event] = []

    def upto(self, trajectories: Mapping[str, np.ndarray], today: int,
             interventions: Sequence[tuple[int, Mapping[str, Any]]] = ()) -> tuple[Event, ...]:
        if today < self.read_to:
            self.read_to, self.found = -1, []
        self.found += events_between(trajectories, self.read_to + 1, today, self.run,
                                     self.start, self.days)
        self.read_to = max(self.read_to, today)
        mine = intervention_events([(d, c) for d, c in interventions if d <= today])
        return tuple(in_log_order(self.found + mine) if mine else self.found)
