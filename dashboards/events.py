"""The story of one run, in plain language, read from its daily trajectories.

The model records what happened each day (talks phase, strike waves, refusals, the offer on the
table, the energy moratorium, aid and sanctions); this module turns changes in those series into
sentences a student can read. Decisions (talks opening, an offer refused, a ceasefire, an aid cut,
a sanctions package) are told on the day they happen; what happens all the time is told once a
month: how far the front moved and where ("In March 2025 Russia gains 320 km², most around
Pokrovsk (140 km²)"), how many strike waves hit the grid, how aid drifted.

It is pure: arrays in, a list of `Event` out, so it is tested without a model or a browser. Where
the front moved comes from the highlighted run's sector depths by day (`sector_depth_km`, days x
sectors, recorded by the session); without them a month's summary gives the total only.

Adding what the model records about talks: an offer's terms are told by `OFFER_CLAUSES`, one
`OfferClause` per recorded series (its name and a function from the day's value to words), so a
new field of the offer is one entry there; a series missing from the trajectories is skipped.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

import sim
from sim import calendar
from sim.sectors import AREA_WEIGHT_KM, INSIDE_UKRAINE, SECTOR_NAMES
from sim.state import PHASE_NAMES

NO_TALKS, TALKS, CEASEFIRE, SETTLEMENT = 0, 1, 2, 3
AID_CHANGE_SHARE = 0.2  # a change in aid of more than a fifth from one day to the next is news
AID_DRIFT_SHARE = 0.1  # a month's drift in aid of more than a tenth is worth a line
SANCTIONS_STEP = 0.02  # a day's change in a sanctions index (0-1) that is a decision
FRONT_STILL_KM2 = 5.0  # a month's net change below this: the front hardly moved
SECTOR_SHARE = 0.15  # a sector is named if it holds this share of the month's movement
AID_SERIES = (("us_aid_bn_usd_yr", "Washington", "US aid"),
              ("eu_aid_bn_usd_yr", "Europe", "European aid"))
SANCTIONS_SERIES = (("us_sanctions", "Washington"), ("eu_sanctions", "Europe"))


@dataclass(frozen=True)
class Event:
    day: int
    kind: str  # inauguration | front | strikes | talks | offer | ceasefire | breakdown |
    #            settlement | aid | sanctions | intervention
    text: str

    def line(self, start: datetime.date = calendar.START_DATE) -> str:
        return f"day {self.day} ({calendar.date_of(self.day, start).isoformat()}): {self.text}"


# -- what the talks say -----------------------------------------------------------------------
@dataclass(frozen=True)
class OfferClause:
    """One term of the offer on the table, read from a recorded series on the day of a round."""

    series: str
    words: Callable[[float], str | None]


def _land_words(km2: float) -> str | None:
    if not np.isfinite(km2):
        return None
    if km2 > 0:
        return f"Ukraine gives up about {km2:,.0f} km² it still holds"
    return "the front stays where it is"


OFFER_CLAUSES: tuple[OfferClause, ...] = (OfferClause("last_offer_km2", _land_words),)


def offer_terms(values: Mapping[str, float]) -> str:
    """The offer's terms in words, from the day's values of the series `OFFER_CLAUSES` names."""
    words = [c.words(float(values[c.series])) for c in OFFER_CLAUSES if c.series in values]
    words = [w for w in words if w]
    return " and ".join(words) if words else "terms not recorded"


def refusal_text(values: Mapping[str, float]) -> str:
    land = float(values.get("last_offer_km2", np.nan))
    why = ("Kyiv refuses: it expects to lose less by fighting on than the land asked for"
           if np.isfinite(land) and land > 0 else
           "Kyiv refuses: it will not freeze the war on this line")
    return f"Talks round: Moscow proposes a ceasefire if {offer_terms(values)}. {why}"


def phase_events(phase: np.ndarray, offer_km2: np.ndarray | None = None) -> list[Event]:
    """One event per change of talks phase (`offer_km2`: the offer on the table, by day)."""
    out = []
    for day in np.flatnonzero(np.diff(phase.astype(np.int16))) + 1:
        before, after = int(phase[day - 1]), int(phase[day])
        offer = float(offer_km2[day]) if offer_km2 is not None else np.nan
        out.append(Event(int(day), *_phase_change(before, after, offer)))
    return out


def _phase_change(before: int, after: int, offer: float) -> tuple[str, str]:
    if after == TALKS and before == NO_TALKS:
        return "talks", "talks open in parallel with fighting"
    if after == CEASEFIRE:
        if np.isfinite(offer) and offer > 0:
            return "ceasefire", (f"Kyiv accepts Moscow's terms (about {offer:,.0f} km² more) and "
                                 "a ceasefire takes hold")
        return "ceasefire", "a ceasefire on the current line takes hold"
    if after == SETTLEMENT:
        return "settlement", "a settlement is signed"
    if before == CEASEFIRE:
        return "breakdown", "the ceasefire breaks down and fighting resumes"
    if before == TALKS and after == NO_TALKS:
        return "talks", "talks collapse"
    return "talks", f"talks move from {PHASE_NAMES[before]} to {PHASE_NAMES[after]}"


def refusal_events(refused: np.ndarray, offers: Mapping[str, np.ndarray]) -> list[Event]:
    """Each refused round, with who proposed what and why Kyiv said no."""
    return [Event(int(d), "offer", refusal_text({k: v[d] for k, v in offers.items()}))
            for d in np.flatnonzero(refused.astype(bool))]


def moratorium_events(moratorium: np.ndarray) -> list[Event]:
    m = moratorium.astype(np.int8)
    out = []
    for d in np.flatnonzero(np.diff(m)) + 1:
        text = ("both sides pause strikes on energy while talks go on" if m[d]
                else "the pause on energy strikes ends")
        out.append(Event(int(d), "talks", text))
    return out


# -- aid and sanctions decisions ----------------------------------------------------------------
def aid_jumps(aid: np.ndarray) -> np.ndarray:
    """Days (index into `aid`, >= 1) on which the aid rate changed by more than a fifth."""
    prev = aid[:-1]
    big = np.abs(np.diff(aid)) > AID_CHANGE_SHARE * np.maximum(np.abs(prev), 1e-9)
    return np.flatnonzero(big) + 1


def aid_events(aid: np.ndarray, donor: str = "Washington") -> list[Event]:
    """Large day-to-day changes in an aid rate (a cut or a resumption)."""
    out = []
    for d in aid_jumps(aid):
        verb = "cuts" if aid[d] < aid[d - 1] else "raises"
        own = "" if donor == "Washington" else "its "
        out.append(Event(int(d), "aid", f"{donor} {verb} {own}aid to {aid[d]:.0f} bn USD a year"))
    return out


def sanctions_events(level: np.ndarray, who: str) -> list[Event]:
    """A sanctions index moving by a step in a day: a package or a relief."""
    out = []
    change = np.diff(level)
    for d in np.flatnonzero(np.abs(change) >= SANCTIONS_STEP) + 1:
        if who == "Europe" and level[d] > level[d - 1]:
            text = "Europe adopts a new sanctions package"
        else:
            text = f"{who} {'tightens' if level[d] > level[d - 1] else 'eases'} sanctions"
        out.append(Event(int(d), "sanctions",
                         f"{text} (now {level[d]:.2f} on a scale from 0, none, to 1, the most)"))
    return out


# -- the month's summaries ----------------------------------------------------------------------
@functools.lru_cache(maxsize=16)
def month_ends(start: datetime.date, horizon: int) -> tuple[int, ...]:
    """Days that end a calendar month (and the horizon, which ends the last, perhaps partial)."""
    dates = calendar.Calendar(start, horizon + 1).dates
    ends = [d for d in range(horizon) if dates[d + 1].month != dates[d].month]
    return tuple(ends + [horizon])


@functools.lru_cache(maxsize=16)
def winter_flags(start: datetime.date, horizon: int) -> np.ndarray:
    flags = calendar.Calendar(start, horizon).winter()
    flags.flags.writeable = False
    return flags


def month_start(end: int, ends: Sequence[int]) -> int:
    """The first day of the month that `end` ends (day 0 for the first month)."""
    i = list(ends).index(end)
    return ends[i - 1] + 1 if i > 0 else 0


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def front_text(month: str, change_km2: float, sector_gain_km2: np.ndarray | None) -> str:
    """How far the front moved in a month and where: gains for Russia are positive."""
    if abs(change_km2) < FRONT_STILL_KM2:
        return f"In {month} the front hardly moves"
    who, verb = ("Russia", "gains") if change_km2 > 0 else ("Ukraine", "takes back")
    text = f"In {month} {who} {verb} {abs(change_km2):,.0f} km²"
    if sector_gain_km2 is not None:
        same_way = sector_gain_km2 * np.sign(change_km2)
        order = [i for i in np.argsort(-same_way)
                 if INSIDE_UKRAINE[i] and same_way[i] >= SECTOR_SHARE * abs(change_km2)][:2]
        if order:
            places = " and ".join(f"{SECTOR_NAMES[i]} ({abs(sector_gain_km2[i]):,.0f} km²)"
                                  for i in order)
            text += f", most around {places}"
    return text


def month_events(trajectories: Mapping[str, np.ndarray], run: int, first: int, end: int,
                 start: datetime.date, horizon: int,
                 sector_depth_km: np.ndarray | None) -> list[Event]:
    """The summaries of the month that runs from day `first` to day `end`: front, strike waves,
    aid drift (when no sudden change that month already told it)."""
    last_date = calendar.date_of(end, start)
    month = last_date.strftime("%B %Y")
    if end == horizon and calendar.date_of(end + 1, start).month == last_date.month:
        month += f" (to the {_ordinal(last_date.day)})"
    before = max(first - 1, 0)
    out = []

    def at(name: str, day: int) -> float:
        return float(trajectories[name][run, day])

    if "occupied_km2" in trajectories:
        gains = None
        if sector_depth_km is not None:
            gains = (sector_depth_km[end] - sector_depth_km[before]) * AREA_WEIGHT_KM
        out.append(Event(end, "front", front_text(
            month, at("occupied_km2", end) - at("occupied_km2", before), gains)))
    if "strike_wave_today" in trajectories:
        wave = np.asarray(trajectories["strike_wave_today"][run, before: end + 1], dtype=bool)
        starts = int(np.sum(wave[1:] & ~wave[:-1])) + int(first == 0 and wave[0])
        if starts:
            waves = "1 strike wave" if starts == 1 else f"{starts} strike waves"
            winter = " (a winter month)" if winter_flags(start, horizon)[end] else ""
            text = f"{waves} on Ukraine's grid in {month}{winter}"
            if "grid_gw" in trajectories:
                text += (f"; the grid ends the month at {at('grid_gw', end):.1f} GW "
                         f"(from {at('grid_gw', before):.1f})")
            out.append(Event(end, "strikes", text))
    for name, _, what in AID_SERIES:
        if name not in trajectories:
            continue
        if len(aid_jumps(np.asarray(trajectories[name][run, before: end + 1]))):
            continue  # told on the day it happened
        a, b = at(name, before), at(name, end)
        if abs(b - a) > AID_DRIFT_SHARE * max(abs(a), 1e-9):
            out.append(Event(end, "aid", f"Over {month} {what} {'falls' if b < a else 'rises'} "
                                         f"from {a:.0f} to {b:.0f} bn USD a year"))
    return out


# -- the student's own changes ------------------------------------------------------------------
def parameter_words(name: str) -> str:
    """A parameter as a student reads it: its label if the table has one, else its name in
    words."""
    spec = sim.PARAMS.get(name)
    label = getattr(spec, "label", None) if spec is not None else None
    return label or name.replace("_", " ")


def intervention_events(interventions: Sequence[tuple[int, Mapping[str, Any]]]) -> list[Event]:
    return [Event(int(day), "intervention",
                  "you change " + ", ".join(f"{parameter_words(k)} to {_value_text(v)}"
                                            for k, v in changes.items()))
            for day, changes in interventions]


def _value_text(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "on" if value else "off"
    if isinstance(value, (int, float, np.floating, np.integer)):
        return f"{float(value):g}"
    return str(value).replace("_", " ")


# -- the log ------------------------------------------------------------------------------------
KIND_ORDER = {"intervention": 0, "inauguration": 1, "offer": 1.5, "front": 3, "strikes": 4}


def in_log_order(events: Sequence[Event]) -> list[Event]:
    """By day; on one day the student's own change first, then the inauguration, then the
    decisions, then the month's summaries."""
    return sorted(events, key=lambda e: (e.day, KIND_ORDER.get(e.kind, 2)))


def _shifted(events: list[Event], offset: int) -> list[Event]:
    return [Event(e.day + offset, e.kind, e.text) for e in events]


def events_between(trajectories: Mapping[str, np.ndarray], first: int, last: int, run: int = 0,
                   start: datetime.date = calendar.START_DATE, days: int | None = None,
                   sector_depth_km: np.ndarray | None = None) -> list[Event]:
    """What the trajectories say happened to run `run` on days `first`..`last`, in log order.

    Decisions read only those days and the one before (changes are found against the previous
    day); a month's summary is told on its last day, reading that month. So a live log can
    append a few days' events without re-reading the whole run.
    """
    if last < first:
        return []
    horizon = days if days is not None else trajectories["talks_phase"].shape[1] - 1
    base = max(first - 1, 0)

    def series(name: str) -> np.ndarray:
        return np.asarray(trajectories[name][run, base: last + 1])

    found: list[Event] = []
    inauguration = calendar.day_of(calendar.INAUGURATION_DATE, start)
    if 0 < inauguration and first <= inauguration <= last:
        found.append(Event(inauguration, "inauguration",
                           "Donald Trump is inaugurated as US president"))
    offers = {c.series: series(c.series) for c in OFFER_CLAUSES if c.series in trajectories}
    relative = phase_events(series("talks_phase"), offers.get("last_offer_km2"))
    relative += refusal_events(series("refused_today"), offers)
    relative += moratorium_events(series("moratorium"))
    for name, donor, _ in AID_SERIES:
        if name in trajectories:
            relative += aid_events(series(name), donor)
    for name, who in SANCTIONS_SERIES:
        if name in trajectories:
            relative += sanctions_events(series(name), who)
    found += [e for e in _shifted(relative, base) if e.day >= first]
    ends = month_ends(start, horizon)
    for end in ends:
        if first <= end <= last:
            found += month_events(trajectories, run, month_start(end, ends), end, start,
                                  horizon, sector_depth_km)
    return in_log_order(found)


def run_events(trajectories: Mapping[str, np.ndarray], today: int, run: int = 0,
               interventions: Sequence[tuple[int, Mapping[str, Any]]] = (),
               start: datetime.date = calendar.START_DATE, days: int | None = None,
               sector_depth_km: np.ndarray | None = None) -> list[Event]:
    """Everything that happened to run `run` from day 0 to `today`, in order of days.

    `trajectories` maps names to (runs, days + 1) arrays; days after `today` are ignored.
    """
    return in_log_order(events_between(trajectories, 0, today, run, start, days, sector_depth_km)
                        + intervention_events([(d, c) for d, c in interventions if d <= today]))


class LiveEventLog:
    """The event log of a model that is being stepped: each call reads only the days since the
    last one (a step costs one day's reading, not the whole run's). Interventions are merged in
    at each call because one can land on a day the log has already read. One per session's
    model; stepping backwards (a reset) starts it over. `sector_depth_km` is the highlighted
    run's sector depths by day, filled by the session as it steps."""

    def __init__(self, run: int = 0, start: datetime.date = calendar.START_DATE,
                 days: int | None = None, sector_depth_km: np.ndarray | None = None):
        self.run, self.start, self.days = run, start, days
        self.sector_depth_km = sector_depth_km
        self.read_to = -1
        self.found: list[Event] = []

    def upto(self, trajectories: Mapping[str, np.ndarray], today: int,
             interventions: Sequence[tuple[int, Mapping[str, Any]]] = ()) -> tuple[Event, ...]:
        if today < self.read_to:
            self.read_to, self.found = -1, []
        self.found += events_between(trajectories, self.read_to + 1, today, self.run,
                                     self.start, self.days, self.sector_depth_km)
        self.read_to = max(self.read_to, today)
        mine = intervention_events([(d, c) for d, c in interventions if d <= today])
        return tuple(in_log_order(self.found + mine) if mine else self.found)
