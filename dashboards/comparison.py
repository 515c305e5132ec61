"""What can be compared: the student's current settings, any preset, any settings file opened this
session. A choice is a key (`current`, `preset:NAME`, `saved:NAME`); `settings_for` turns it into
the `Settings` whose day-0 fan is compared (None: the student's live fan, with interventions).
Presets and saved settings use the student's seed and runs (common random numbers)."""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

import numpy as np

import sim

from .fan_cache import SharedFans, day0_trajectories
from .settings import Settings

CURRENT = "current"
NOTHING = ""


def preset_key(name: str) -> str:
    return f"preset:{name}"


def comparison_options(saved: Sequence[tuple[str, Settings]],
                       with_nothing: bool = False) -> dict[str, str]:
    """Label shown to the student -> key."""
    options = {"(nothing)": NOTHING} if with_nothing else {}
    options["your settings now"] = CURRENT
    options |= {f"preset: {s.title}": preset_key(n) for n, s in sim.SCENARIOS.items()}
    options |= {f"saved: {name}": f"saved:{name}" for name, _ in saved}
    return options


def label_for(key: str, saved: Sequence[tuple[str, Settings]]) -> str:
    labels = {k: label for label, k in comparison_options(saved, True).items()}
    return labels.get(key, key)


def settings_for(key: str, current: Settings,
                 saved: Sequence[tuple[str, Settings]]) -> Settings | None:
    """The settings a key names, with the student's ensemble size, horizon, seed and runs (and,
    for a preset, start date: the same world with one thing done differently); None for the
    student's own (live) fan. A key that names nothing known is the student's own."""
    kind, _, name = key.partition(":")
    if kind == "preset" and name in sim.SCENARIOS:
        return replace(current, scenario=name, overrides=(), changes=())
    if kind == "saved":
        for saved_name, settings in saved:
            if saved_name == name:
                return replace(settings, n_runs=current.n_runs, days=current.days,
                               seed=current.seed, run_offset=current.run_offset)
    return None


def preset_overview(current: Settings, shared_fans: SharedFans | None = None,
                    cancelled=lambda: False) -> dict[str, Mapping[str, np.ndarray]]:
    """Every preset's day-0 fan with the student's seed and runs, from the shared cache."""
    out = {}
    for name in sim.SCENARIOS:
        if cancelled():
            break
        out[name] = day0_trajectories(settings_for(preset_key(name), current, ()), shared_fans)
    return out
