"""The twelve front sectors, north to south, as data.

Widths sum to the 1,040 km active front (facts: 'Active front line length', 2024-08-20) over the
eleven sectors inside Ukraine; Kursk is the Ukrainian-held salient inside Russia and is tracked on
its own (it never enters occupied Ukrainian area). `pace_km_per_day` is the depth a sector gained
per day at autumn-2024 effort; the eleven paces times widths give about 25 km2/day, the
October-November 2024 DeepStateMap pace (503 and 726 km2/month), with most of it on the
Pokrovsk, Kurakhove and Velyka Novosilka axes (design, section 2). `main_axis` marks where Putin's
offensive allocation concentrates, `corridor` the sectors whose recapture would threaten the land
corridor to Crimea (what Zelensky's offensive prizes, `zelensky_corridor_preference`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

# name, width_km, pace_km_per_day, main_axis, corridor
_TABLE = [
    ("Kursk salient", 40.0, 0.100, False, False),
    ("Kharkiv-Vovchansk", 90.0, 0.005, False, False),
    ("Kupiansk", 100.0, 0.022, False, False),
    ("Lyman", 80.0, 0.012, False, False),
    ("Siversk", 50.0, 0.010, False, False),
    ("Chasiv Yar", 40.0, 0.030, False, False),
    ("Toretsk", 40.0, 0.045, True, False),
    ("Pokrovsk", 70.0, 0.100, True, False),
    ("Kurakhove", 60.0, 0.120, True, False),
    ("Velyka Novosilka", 70.0, 0.060, True, True),
    ("Zaporizhzhia (Orikhiv)", 140.0, 0.005, False, True),
    ("Dnipro river (Kherson)", 300.0, 0.0005, False, False),
]

SECTOR_NAMES: tuple[str, ...] = tuple(row[0] for row in _TABLE)
N_SECTORS = len(_TABLE)
WIDTH_KM = np.array([row[1] for row in _TABLE])
PACE_KM_PER_DAY = np.array([row[2] for row in _TABLE])
MAIN_AXIS = np.array([row[3] for row in _TABLE])
# Sectors whose recapture would threaten the land corridor from Russia to Crimea (Melitopol
# from Orikhiv, Berdiansk and Mariupol from Velyka Novosilka): where the 2023 counter-offensive
# put its main and second efforts.
CORRIDOR = np.array([row[4] for row in _TABLE])
# Fortification lost per km of movement. Day-0 fortification is the equilibrium of building
# against this loss at the sector's pace on the start date, so a batch starts in balance
# whatever its parameters (`state.initial_fortification`).
FORTIFICATION_LOSS_PER_KM = 0.1
KURSK = 0
INSIDE_UKRAINE = np.arange(N_SECTORS) != KURSK
# km2 per km of depth for sectors inside Ukraine; 0 for Kursk.
AREA_WEIGHT_KM = np.where(INSIDE_UKRAINE, WIDTH_KM, 0.0)

UKRAINE_AREA_KM2 = 603_550.0  # facts: 'Ukraine total area'
OCCUPIED_INITIAL_KM2 = 111_489.0  # facts: 'Russian-held area at model start (DeepStateMap)'
KURSK_HELD_INITIAL_KM2 = 800.0  # assumption: late-Nov 2024 reports (~800 km2, down from ~1,300)
KURSK_INCURSION_DATE = "2024-08-06"  # before it, Ukraine held no ground inside Russia
# The salient at its largest (Syrskyi, 27 Aug 2024: 1,294 km2; sim/data/kursk_salient.csv): the
# peak a start after the incursion measures its shrinking from (`combat.salient_supply`).
KURSK_PEAK_KM2 = 1_300.0
# Deepest Ukrainian counter-advance a sector allows, km: the model is of a war of position.
MAX_COUNTER_DEPTH_KM = 30.0
# Relative fighting activity (shelling and assaults) per sector: quiet sectors still see some.
ACTIVITY = 0.2 + PACE_KM_PER_DAY / PACE_KM_PER_DAY.max()


def front_pace_km2_per_day() -> float:
    """Area the table's autumn-2024 paces take a day inside Ukraine, km2/day: summed in
    sector order with Python floats (a BLAS dot product's order depends on the CPU)."""
    total = 0.0
    for pace, width in zip(PACE_KM_PER_DAY.tolist(), AREA_WEIGHT_KM.tolist()):
        total += pace * width
    return total


# Ukraine's offensives of 2022-2024, (start, end), end None while it went on at the data's end:
# the Kharkiv and Kherson counter-offensives (ended with the Kherson withdrawal, 11 Nov 2022),
# the 2023 counter-offensive (4 Jun 2023; called off in the winter: Zaluzhnyi's "stalemate"
# essay of 1 Nov 2023, the move to defence announced by Zelensky and Syrskyi end of Nov 2023)
# and the Kursk incursion (6 Aug 2024, still held on 30 Nov 2024).
UKRAINE_OFFENSIVES = (("2022-08-29", "2022-11-11"), ("2023-06-04", "2023-11-30"),
                      (KURSK_INCURSION_DATE, None))
# Those of them fought on Ukraine's land, where the occupied area's net change is Russia's gains
# less Ukraine's (the Kursk incursion moved no line inside Ukraine), as dates, latest first.
UKRAINE_OFFENSIVES_INSIDE = tuple(sorted(
    ((dt.date.fromisoformat(begin), dt.date.fromisoformat(end))
     for begin, end in UKRAINE_OFFENSIVES if begin != KURSK_INCURSION_DATE), reverse=True))


def russia_attacking_days(end: dt.date, days: int) -> list[tuple[dt.date, dt.date]]:
    """The last `days` days up to `end` on which Ukraine was not on the offensive inside
    Ukraine, as (first, last) spans, latest first: days when the occupied area's net change is
    Russia's pace. The data begin in April 2022, before any such offensive."""
    spans, left = [], days
    while left > 0:
        for begin, finish in UKRAINE_OFFENSIVES_INSIDE:
            if begin <= end <= finish:
                end = begin - dt.timedelta(days=1)
        earlier = [finish for begin, finish in UKRAINE_OFFENSIVES_INSIDE if finish < end]
        floor = earlier[0] + dt.timedelta(days=1) if earlier else dt.date.min
        first = max(floor, end - dt.timedelta(days=left - 1))
        spans.append((first, end))
        left -= (end - first).days + 1
        end = first - dt.timedelta(days=1)
    return spans


def ukraine_rested_days(start: dt.date) -> float:
    """Days since Ukraine's last offensive ended, on the start date; infinite while one was
    on (its forces are committed: whether it goes on is the rule's choice from day 0)."""
    rested = float("inf")
    for begin, end in UKRAINE_OFFENSIVES:
        if dt.date.fromisoformat(begin) >= start:
            continue
        if end is None or dt.date.fromisoformat(end) >= start:
            return float("inf")
        rested = float((start - dt.date.fromisoformat(end)).days)
    return rested
