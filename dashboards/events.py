"""The story of one run, in plain language, read from its daily trajectories.

The model records what happened each day (talks phase, strike waves, refusals, the offer on the
table, the energy moratorium, aid and sanctions); this module turns changes in those series into
sentences a student can read. Decisions (talks opening, an offer refused, a ceasefire, an aid cut,
a sanctions package) are told on the day they happen; what happens all the time is told once a
month: how far the front moved and where ("31 Mar 2025: Russia gains 320 km² this month, most
around Pokrovsk (140 km²)"), how many strike waves hit the grid, how aid drifted.

It is pure: arrays in, a list of `Event` out, so it is tested without a model or a browser. What
the model's trajectories do not hold comes from the session's `track` of the highlighted run (per
day: sector depths, who proposed, who refused, the package, how Washington saw the refusal);
without it a month's summary gives the total only and a talks round the line only.

Adding to what talks rounds say: a new issue of the package is one `OfferClause` (its column and
a function from value to words); a new day value is a name in `TALKS_SERIES` (read from the
trajectories or the track, whichever has it) used by `refusal_text` or `_phase_change`. Where a
class plays a leader (the game), the track's `class_answers` says whose answers that day were
the class's: their refusals are told as the class's decision, without the rule's reasons.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from sim import calendar
from sim.params import change_text
from sim.core import talks as talks_rules
from sim.sectors import AREA_WEIGHT_KM, INSIDE_UKRAINE, KURSK, SECTOR_NAMES
from sim.state import CEASEFIRE, NO_TALKS, PHASE_NAMES, SETTLEMENT, TALKS

AID_CHANGE_SHARE = 0.2  # a change in aid of more than a fifth from one day to the next is news
AID_DRIFT_SHARE = 0.1  # a month's drift in aid of more than a tenth is worth a line
SANCTIONS_STEP = 0.02  # a day's change in a sanctions index (0-1) that is a decision
FRONT_STILL_KM2 = 5.0  # a month's net change below this: the front hardly moved
SECTOR_SHARE = 0.15  # a sector is named if it holds this share of the month's movement
AID_SERIES = (("us_aid_bn_usd_yr", "Washington", "US aid"),
              ("eu_aid_bn_usd_yr", "Europe", "European aid"))
SANCTIONS_SERIES = (("us_sanctions", "Washington"), ("eu_sanctions", "Europe"))
# what a month's forces summary reads (sim.trajectories): each side's troops, what reached them
# and what the fighting cost them
FORCE_SERIES = ("russia_troops_k", "ukraine_troops_k", "russia_contracts_today",
                "russia_called_up_today", "ukraine_recruits_today", "russia_casualties",
                "ukraine_casualties")


@dataclass(frozen=True)
class Event:
    day: int
    kind: str  # inauguration | front | forces | strikes | talks | offer | ceasefire |
    #            breakdown | settlement | aid | sanctions | offensive | intervention
    text: str

    def line(self, start: datetime.date = calendar.START_DATE) -> str:
        """The event as a student reads it: "31 Mar 2025: Russia gains 320 km² this month"."""
        return f"{date_text(calendar.date_of(self.day, start))}: {self.text}"


def date_text(date: datetime.date) -> str:
    """A date as people write it ("12 Mar 2025"), not a day number or an ISO string."""
    return f"{date.day} {date.strftime('%b %Y')}"


# -- what the talks say -----------------------------------------------------------------------
@dataclass(frozen=True)
class OfferClause:
    """One term of a package in words: `issue` is its column in the model's package (see
    `sim.core.talks`), `words` turns the value into a phrase (None: the term says nothing)."""

    issue: int
    words: Callable[[float], str | None]


def _land_words(km2: float) -> str | None:
    if not np.isfinite(km2):
        return None
    if km2 > 0.5:
        return f"Ukraine giving up about {km2:,.0f} km² it still holds"
    return "the front frozen where it is"


def _kursk_words(km2: float) -> str | None:
    if not np.isfinite(km2) or km2 <= 0.5:
        return None
    return f"Ukraine handing back {km2:,.0f} km² of the ground it holds in Russia's Kursk region"


def _share_words(template: str, threshold: float = 0.05) -> Callable[[float], str | None]:
    return lambda v: template.format(v) if np.isfinite(v) and v >= threshold else None


OFFER_CLAUSES: tuple[OfferClause, ...] = (
    OfferClause(talks_rules.LINE_KM2, _land_words),
    OfferClause(talks_rules.CEASEFIRE_FIRST,
                lambda v: None if not np.isfinite(v) else
                ("ceasefire first, terms later" if v >= 0.5 else "terms before any ceasefire")),
    OfferClause(talks_rules.GUARANTEE, _share_words("security guarantees for Ukraine ({:.0%} of "
                                                   "the strongest)")),
    OfferClause(talks_rules.SANCTIONS_RELIEF, _share_words("{:.0%} of US sanctions on Russia "
                                                          "lifted")),
    OfferClause(talks_rules.FORCE_LIMITS, _share_words("limits on Ukraine's forces and alliances "
                                                      "({:.0%} of the most asked)")),
    OfferClause(talks_rules.EU_RELIEF, _share_words("{:.0%} of EU sanctions lifted")),
    OfferClause(talks_rules.KURSK_RETURN_KM2, _kursk_words),
)
# Day values the talks sentences read, from the trajectories or the session's track of the run.
TALKS_SERIES = ("last_offer_km2", "last_package", "proposer_today", "ukraine_refused_today",
                "russia_refused_today", "refusal_reasonableness", "class_answers",
                "washington_withheld", "europe_withheld")
# Who refuses a round: name, its bit in `class_answers` (talks.CONSENT_*), its day value, and the
# rule's reason, told only when the rule answered (a class gives no reason the log could know)
REFUSERS = (("Kyiv", talks_rules.CONSENT_KYIV, "ukraine_refused_today",
             "it expects to lose less by fighting on than these terms would cost it"),
            ("Moscow", talks_rules.CONSENT_MOSCOW, "russia_refused_today",
             "it expects to gain more by fighting on than these terms give it"))


# Why a party off the table withheld the consent a package both sides took needed: the codes its
# move gave (`talks.WITHHELD_*`, read by `session.consent_withheld`), in words
WITHHOLDERS = (
    ("Washington", talks_rules.CONSENT_WASHINGTON, "washington_withheld", {
        talks_rules.WITHHELD_RELIEF: lambda package: (
            f"the package lifts more US sanctions ({package[talks_rules.SANCTIONS_RELIEF]:.0%}) "
            "than Washington will lift for a deal now"),
        talks_rules.WITHHELD_FORCE: lambda package: (
            "the package asks more of the US backstop than Washington has pledged")}),
    ("Europe", talks_rules.CONSENT_EUROPE, "europe_withheld", {
        talks_rules.WITHHELD_RELIEF: lambda package: (
            f"the package lifts more EU sanctions ({package[talks_rules.EU_RELIEF]:.0%}) than "
            "Europe trades for the guarantees it carries"),
        talks_rules.WITHHELD_HOLDOUT: lambda package: (
            "a member state holds out against lifting EU sanctions (the EU decides by "
            "unanimity)")}),
)


def by_class(values: Mapping[str, Any], bit: int) -> bool:
    """Whether the class, not the rule, gave that day's answer of the party with `bit`."""
    return bool(int(values.get("class_answers", 0)) & bit)


def withheld_text(values: Mapping[str, Any]) -> str | None:
    """Who withheld the consent a package both sides took needed, and why (the rule's reason;
    a class's refusal is told as its decision); None when the record names nobody."""
    package = values.get("last_package")
    parts = []
    for name, bit, key, reasons in WITHHOLDERS:
        code = int(values.get(key, 0))
        if not code:
            continue
        if by_class(values, bit):
            parts.append(f"{name} (the class) withholds its consent")
        elif package is not None and np.ndim(package) == 1 and code in reasons:
            parts.append(f"{name} withholds its consent: {reasons[code](package)}")
        else:
            parts.append(f"{name} withholds its consent")
    if not parts:
        return None
    return "Both sides take it, but " + "; ".join(parts) + ", so it does not bind"


def offer_terms(values: Mapping[str, Any]) -> str:
    """A package in words: every term `OFFER_CLAUSES` can read, else the line alone."""
    package = values.get("last_package")
    if package is not None and np.ndim(package) == 1 and np.isfinite(package[0]):
        words = [c.words(float(package[c.issue])) for c in OFFER_CLAUSES if c.issue < len(package)]
    else:
        words = [_land_words(float(values.get("last_offer_km2", np.nan)))]
    words = [w for w in words if w]
    if not words:
        return "terms not recorded"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def proposer_name(values: Mapping[str, Any]) -> str | None:
    code = values.get("proposer_today")
    if code is None or int(code) == talks_rules.NOBODY:
        return None
    return talks_rules.PROPOSER_NAMES[int(code)]


def refusal_text(values: Mapping[str, Any]) -> str:
    """A refused round: who proposed what, who refused and why (the rule's reason; a class's
    refusal is told as its decision), or whose consent it lacked off the table, and whom
    Washington blames (it blames the refuser of an offer it found reasonable, the proposer of a
    demand it did not)."""
    who = proposer_name(values)
    terms = offer_terms(values)
    refusers = [(name, bit, why) for name, bit, key, why in REFUSERS if values.get(key)]
    text = (f"Talks round: {who} proposes a deal ({terms}). " if who else
            f"Talks round: a deal is proposed ({terms}). ")
    if refusers:
        text += "; ".join(f"{name} (the class) refuses" if by_class(values, bit) else
                          f"{name} refuses: {why}" for name, bit, why in refusers)
    else:
        text += withheld_text(values) or "It is refused"
    seen = float(values.get("refusal_reasonableness", np.nan))
    if np.isfinite(seen) and refusers:
        refuser = refusers[0][0]
        if seen >= 0.5:
            text += f". The offer looked reasonable from outside: Washington blames {refuser}"
        elif who in ("Moscow", "Kyiv") and who != refuser:
            text += (f". The offer looked unreasonable from outside: Washington blames {who} for "
                     "asking too much")
        else:
            text += (f". The offer looked unreasonable from outside: Washington blames {refuser} "
                     "only a little")
    return text


def phase_events(phase: np.ndarray,
                 values_on: Callable[[int], Mapping[str, Any]] | None = None) -> list[Event]:
    """One event per change of talks phase (`values_on(day)`: that day's talks values)."""
    out = []
    for day in np.flatnonzero(np.diff(phase.astype(np.int16))) + 1:
        before, after = int(phase[day - 1]), int(phase[day])
        values = values_on(int(day)) if values_on is not None else {}
        out.append(Event(int(day), *_phase_change(before, after, values)))
    return out


def _phase_change(before: int, after: int, values: Mapping[str, Any]) -> tuple[str, str]:
    if after == TALKS and before == NO_TALKS:
        return "talks", "talks open in parallel with fighting"
    if after == CEASEFIRE:
        who = proposer_name(values)
        terms = offer_terms(values)
        if who:
            return "ceasefire", f"{who}'s proposal is accepted and a ceasefire takes hold ({terms})"
        if terms != "terms not recorded":
            return "ceasefire", f"a ceasefire takes hold ({terms})"
        return "ceasefire", "a ceasefire on the current line takes hold"
    if after == SETTLEMENT:
        return "settlement", "a settlement is signed"
    if before == CEASEFIRE:
        return "breakdown", "Moscow breaks the ceasefire and fighting resumes"  # only Putin can
    if before == TALKS and after == NO_TALKS:
        return "talks", "talks collapse"
    return "talks", f"talks move from {PHASE_NAMES[before]} to {PHASE_NAMES[after]}"


def refusal_events(refused: np.ndarray,
                   values_on: Callable[[int], Mapping[str, Any]]) -> list[Event]:
    """Each refused round (`refused` indexed like the days `values_on` takes)."""
    return [Event(int(d), "offer", refusal_text(values_on(int(d))))
            for d in np.flatnonzero(refused.astype(bool))]


def moratorium_events(moratorium: np.ndarray) -> list[Event]:
    m = moratorium.astype(np.int8)
    out = []
    for d in np.flatnonzero(np.diff(m)) + 1:
        text = ("both sides agree to pause strikes on energy" if m[d]
                else "the pause on energy strikes ends")
        out.append(Event(int(d), "talks", text))
    return out


def offensive_events(sector: np.ndarray) -> list[Event]:
    """Ukraine opening an offensive (`sector`: the sector it attacks each day, -1 none), told
    on the first day of each, and where."""
    s = sector.astype(np.int16)
    return [Event(int(d), "offensive", _opens(int(s[d])))
            for d in np.flatnonzero((s[1:] >= 0) & (s[1:] != s[:-1])) + 1]


def kursk_events(held_km2: np.ndarray, phase: np.ndarray | None = None) -> list[Event]:
    """The end of Ukraine's ground in the Kursk region (`held_km2`: what it holds there each
    day), told on the day: retaken by Russia, or handed back under a ceasefire's terms (on the
    day the ceasefire begins, `phase` the talks phase each day)."""
    km2 = np.asarray(held_km2, dtype=float)
    held = km2 > 0.0
    dealt = np.zeros(len(km2) - 1, dtype=bool)
    if phase is not None:
        phase = np.asarray(phase)
        dealt = (phase[1:] == CEASEFIRE) & (phase[:-1] != CEASEFIRE) & (km2[1:] < km2[:-1])
    out = []
    for d in np.flatnonzero(dealt) + 1:
        if km2[d] > 0.0:
            text = (f"Under the ceasefire's terms Ukraine withdraws from part of the Kursk "
                    f"salient: it holds {km2[d]:,.0f} km² in Russia at the day's end, "
                    f"{km2[d - 1]:,.0f} the day before (the terms and the day's fighting)")
        else:
            text = (f"Under the ceasefire's terms Ukraine withdraws from the Kursk salient, "
                    f"handing back the {km2[d - 1]:,.0f} km² it held in Russia")
        out.append(Event(int(d), "offensive", text))
    out += [Event(int(d), "offensive", "Russia retakes the last of the Kursk salient: Ukraine "
                  "holds no ground in Russia")
            for d in np.flatnonzero(held[:-1] & ~held[1:] & ~dealt) + 1]
    return out


def _opens(sector: int) -> str:
    if sector == KURSK:
        return "Ukraine crosses into Russia: an incursion into the Kursk region"
    return f"Ukraine opens an offensive around {SECTOR_NAMES[sector]}"


# -- aid and sanctions decisions ----------------------------------------------------------------
def aid_jumps(aid: np.ndarray) -> np.ndarray:
    """Days (index into `aid`, >= 1) on which the aid rate changed by more than a fifth."""
    prev = aid[:-1]
    big = np.abs(np.diff(aid)) > AID_CHANGE_SHARE * np.maximum(np.abs(prev), 1e-9)
    return np.flatnonzero(big) + 1


# A decision is told with the level before it and after it, both from the day-to-day change
# that made it: a level also drifts between decisions (US aid and sanctions follow Washington's
# blame, which fades), so the last level the log told is not the one a decision started from,
# and "tightens ... (now 0.98)" after "... (now 1.00)" read as a cut.
def aid_events(aid: np.ndarray, donor: str = "Washington") -> list[Event]:
    """Large day-to-day changes in an aid rate (a cut or a resumption), from and to."""
    out = []
    for d in aid_jumps(aid):
        verb = "cuts" if aid[d] < aid[d - 1] else "raises"
        own = "" if donor == "Washington" else "its "
        out.append(Event(int(d), "aid", f"{donor} {verb} {own}aid from {aid[d - 1]:.0f} to "
                                        f"{aid[d]:.0f} bn USD a year"))
    return out


def sanctions_events(level: np.ndarray, who: str) -> list[Event]:
    """A sanctions index moving by a step in a day: a package or a relief, from and to."""
    out = []
    change = np.diff(level)
    for d in np.flatnonzero(np.abs(change) >= SANCTIONS_STEP) + 1:
        moved = f"from {level[d - 1]:.2f} to {level[d]:.2f} on a scale from 0 (none) to 1 (the most)"
        if who == "Europe" and level[d] > level[d - 1]:
            text = f"Europe adopts a new sanctions package: its sanctions index rises {moved}"
        else:
            text = f"{who} {'tightens' if level[d] > level[d - 1] else 'eases'} sanctions {moved}"
        out.append(Event(int(d), "sanctions", text))
    return out


# -- the month's summaries ----------------------------------------------------------------------
MIN_TAIL_DAYS = 7  # a run's last days after a month's end shorter than this join that month


@functools.lru_cache(maxsize=16)
def month_ends(start: datetime.date, horizon: int) -> tuple[int, ...]:
    """Days that end a calendar month, and the horizon, which ends the last, perhaps partial;
    a tail of under `MIN_TAIL_DAYS` (a two-year run from 1 December ends on the 1st) is told
    with the month before it, not as a summary of a day or two."""
    dates = calendar.Calendar(start, horizon + 1).dates
    ends = [d for d in range(horizon) if dates[d + 1].month != dates[d].month]
    if ends and horizon - ends[-1] < MIN_TAIL_DAYS:
        ends.pop()
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


def period_words(first: int, end: int, start: datetime.date) -> str:
    """The days a summary covers, in words read after its date: "this month" for a whole
    calendar month, else "since 1 Sep" (the run started or ended within the month)."""
    first_date, last_date = calendar.date_of(first, start), calendar.date_of(end, start)
    next_date = calendar.date_of(end + 1, start)
    if first_date.day == 1 and next_date.month != last_date.month:
        return "this month"
    return f"since {first_date.day} {first_date.strftime('%b')}"


def front_text(period: str, change_km2: float, sector_gain_km2: np.ndarray | None) -> str:
    """How far the front moved over `period` ("this month") and where: gains for Russia are
    positive."""
    if abs(change_km2) < FRONT_STILL_KM2:
        return f"The front hardly moves {period}"
    who, verb = ("Russia", "gains") if change_km2 > 0 else ("Ukraine", "takes back")
    text = f"{who} {verb} {abs(change_km2):,.0f} km² {period}"
    if sector_gain_km2 is not None:
        same_way = sector_gain_km2 * np.sign(change_km2)
        order = [i for i in np.argsort(-same_way)
                 if INSIDE_UKRAINE[i] and same_way[i] >= SECTOR_SHARE * abs(change_km2)][:2]
        if order:
            places = " and ".join(f"{SECTOR_NAMES[i]} ({abs(sector_gain_km2[i]):,.0f} km²)"
                                  for i in order)
            text += f", most around {places}"
    return text


def _persons(value: float) -> str:
    """A number of people rounded as the estimates they stand for are: "33,000"."""
    return f"{round(value, -3):,.0f}"


def _troops_change(k_now: float, k_before: float) -> str:
    """A month's change in troops, in persons as the month's summary gives it: "+8,000"."""
    change = (k_now - k_before) * 1000.0
    if abs(change) < 500.0:
        return "no change"
    return ("+" if change > 0 else "−") + _persons(abs(change))


def forces_text(period: str, troops_k: tuple[float, float], troops_before_k: tuple[float, float],
                russia_contracts: float, russia_called_up: float, ukraine_recruits: float,
                casualties: tuple[float, float]) -> str:
    """Each side's troops at the front at the end of `period`, how they changed, what reached
    them and what the fighting cost, and the ratio the front's pace follows: the force ratio
    with its reasons. (Russia, Ukraine) pairs; troops in thousands, the rest in persons over the
    period. The change is inflow less casualties plus the wounded who return to the ranks
    (told, so the line adds up: the change less what came and went)."""
    russia_in = f"{_persons(russia_contracts)} new contracts"
    if russia_called_up >= 500.0:
        russia_in += f" and {_persons(russia_called_up)} reservists called up"
    russia, ukraine = troops_k
    russia_back = _returned(russia, troops_before_k[0], russia_contracts + russia_called_up,
                            casualties[0])
    ukraine_back = _returned(ukraine, troops_before_k[1], ukraine_recruits, casualties[1])
    return (f"Troops at the front: Russia {_persons(russia * 1000.0)} "
            f"({_troops_change(russia, troops_before_k[0])} {period}; {russia_in}, "
            f"{_persons(casualties[0])} killed and wounded{russia_back}), Ukraine "
            f"{_persons(ukraine * 1000.0)} ({_troops_change(ukraine, troops_before_k[1])}; "
            f"{_persons(ukraine_recruits)} recruits arrive, {_persons(casualties[1])} killed and "
            f"wounded{ukraine_back}). Russia has {russia / max(ukraine, 1e-9):.1f} soldiers there "
            f"to every Ukrainian")


def _returned(k_now: float, k_before: float, inflow: float, casualties: float) -> str:
    """", 11,000 wounded back in the ranks": what the change holds beyond inflow less
    casualties (the wounded who return; nothing said under 500)."""
    back = (k_now - k_before) * 1000.0 - inflow + casualties
    return f", {_persons(back)} wounded back in the ranks" if back >= 500.0 else ""


def month_events(trajectories: Mapping[str, np.ndarray], run: int, first: int, end: int,
                 start: datetime.date, horizon: int,
                 sector_depth_km: np.ndarray | None) -> list[Event]:
    """The summaries of the month that runs from day `first` to day `end`, told on day `end`
    (so the log's date says which month): front, forces, strike waves, aid drift (when no sudden
    change that month already told it)."""
    period = period_words(first, end, start)
    before = max(first - 1, 0)
    out = []

    def at(name: str, day: int) -> float:
        return float(trajectories[name][run, day])

    if "occupied_km2" in trajectories:
        gains = None
        if sector_depth_km is not None:
            gains = (sector_depth_km[end] - sector_depth_km[before]) * AREA_WEIGHT_KM
        out.append(Event(end, "front", front_text(
            period, at("occupied_km2", end) - at("occupied_km2", before), gains)))
    if all(name in trajectories for name in FORCE_SERIES):
        def month_sum(name: str) -> float:  # the days after `before`, to `end`
            return float(np.sum(trajectories[name][run, before + 1: end + 1], dtype=float))

        out.append(Event(end, "forces", forces_text(
            period, (at("russia_troops_k", end), at("ukraine_troops_k", end)),
            (at("russia_troops_k", before), at("ukraine_troops_k", before)),
            month_sum("russia_contracts_today"), month_sum("russia_called_up_today"),
            month_sum("ukraine_recruits_today"),
            (at("russia_casualties", end) - at("russia_casualties", before),
             at("ukraine_casualties", end) - at("ukraine_casualties", before)))))
    if "strike_wave_today" in trajectories:
        wave = np.asarray(trajectories["strike_wave_today"][run, before: end + 1], dtype=bool)
        starts = int(np.sum(wave[1:] & ~wave[:-1])) + int(first == 0 and wave[0])
        if starts:
            waves = "1 strike wave" if starts == 1 else f"{starts} strike waves"
            winter = ", in winter" if winter_flags(start, horizon)[end] else ""
            text = f"{waves} on Ukraine's grid {period}{winter}"
            if "grid_gw" in trajectories:
                text += (f"; the grid stands at {at('grid_gw', end):.1f} GW "
                         f"(from {at('grid_gw', before):.1f})")
            out.append(Event(end, "strikes", text))
    for name, _, what in AID_SERIES:
        if name not in trajectories:
            continue
        if len(aid_jumps(np.asarray(trajectories[name][run, before: end + 1]))):
            continue  # told on the day it happened
        a, b = at(name, before), at(name, end)
        if abs(b - a) > AID_DRIFT_SHARE * max(abs(a), 1e-9):
            out.append(Event(end, "aid", f"{what} {'falls' if b < a else 'rises'} from {a:.0f} "
                                         f"to {b:.0f} bn USD a year {period}"))
    return out


# -- the student's own changes ------------------------------------------------------------------
def intervention_events(interventions: Sequence[tuple[int, Mapping[str, Any]]]) -> list[Event]:
    return [Event(int(day), "intervention",
                  "you " + "; ".join(change_text(k, v) for k, v in changes.items()))
            for day, changes in interventions]


# -- the log ------------------------------------------------------------------------------------
KIND_ORDER = {"intervention": 0, "inauguration": 1, "offer": 1.5, "front": 3, "forces": 3.5,
              "strikes": 4}


def in_log_order(events: Sequence[Event]) -> list[Event]:
    """By day; on one day the student's own change first, then the inauguration, then the
    decisions, then the month's summaries."""
    return sorted(events, key=lambda e: (e.day, KIND_ORDER.get(e.kind, 2)))


def _shifted(events: list[Event], offset: int) -> list[Event]:
    return [Event(e.day + offset, e.kind, e.text) for e in events]


def events_between(trajectories: Mapping[str, np.ndarray], first: int, last: int, run: int = 0,
                   start: datetime.date = calendar.START_DATE, days: int | None = None,
                   track: Mapping[str, np.ndarray] | None = None) -> list[Event]:
    """What the trajectories say happened to run `run` on days `first`..`last`, in log order.

    Decisions read only those days and the one before (changes are found against the previous
    day); a month's summary is told on its last day, reading that month. So a live log can
    append a few days' events without re-reading the whole run. `track` holds what the session
    recorded for this run by day (`session.TRACKED_FIELDS`: sector depths, proposers, refusers).
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
    track = track or {}

    def values_on(relative_day: int) -> dict[str, Any]:
        day = base + relative_day
        values = {n: trajectories[n][run, day] for n in TALKS_SERIES if n in trajectories}
        values |= {n: track[n][day] for n in TALKS_SERIES if n in track}
        return values

    relative = phase_events(series("talks_phase"), values_on)
    relative += refusal_events(series("refused_today"), values_on)
    relative += moratorium_events(series("moratorium"))
    if "ukraine_offensive_sector" in trajectories:
        relative += offensive_events(series("ukraine_offensive_sector"))
    if "kursk_held_km2" in trajectories:
        relative += kursk_events(series("kursk_held_km2"), series("talks_phase"))
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
                                  horizon, track.get("depth_km"))
    return in_log_order(found)


def run_events(trajectories: Mapping[str, np.ndarray], today: int, run: int = 0,
               interventions: Sequence[tuple[int, Mapping[str, Any]]] = (),
               start: datetime.date = calendar.START_DATE, days: int | None = None,
               track: Mapping[str, np.ndarray] | None = None) -> list[Event]:
    """Everything that happened to run `run` from day 0 to `today`, in order of days.

    `trajectories` maps names to (runs, days + 1) arrays; days after `today` are ignored.
    """
    return in_log_order(events_between(trajectories, 0, today, run, start, days, track)
                        + intervention_events([(d, c) for d, c in interventions if d <= today]))


class LiveEventLog:
    """The event log of a model that is being stepped: each call reads only the days since the
    last one (a step costs one day's reading, not the whole run's). Interventions are merged in
    at each call because one can land on a day the log has already read. One per session's
    model; stepping backwards (a reset) starts it over. `track` is what the session records
    for this run by day (filled as it steps; see `events_between`)."""

    def __init__(self, run: int = 0, start: datetime.date = calendar.START_DATE,
                 days: int | None = None, track: Mapping[str, np.ndarray] | None = None):
        self.run, self.start, self.days = run, start, days
        self.track = track
        self.read_to = -1
        self.found: list[Event] = []

    def upto(self, trajectories: Mapping[str, np.ndarray], today: int,
             interventions: Sequence[tuple[int, Mapping[str, Any]]] = ()) -> tuple[Event, ...]:
        if today < self.read_to:
            self.read_to, self.found = -1, []
        self.found += events_between(trajectories, self.read_to + 1, today, self.run,
                                     self.start, self.days, self.track)
        self.read_to = max(self.read_to, today)
        mine = intervention_events([(d, c) for d, c in interventions if d <= today])
        return tuple(in_log_order(self.found + mine) if mine else self.found)
