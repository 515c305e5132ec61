"""The one server-wide object: day-0 fans shared by every session of this server process.

A day-0 fan is a function of its `Settings` alone, so when a class opens the same preset (or
compares with it) it is computed once, not once per student; the cached arrays are read-only.
"""

from __future__ import annotations

import collections
import threading
from dataclasses import replace
from typing import Callable, Mapping

import numpy as np

from .fans import Fan, Superseded, fresh_fan
from .settings import Settings


class SharedFans:
    """Day-0 fans shared by every session of this server process, by `Settings`, least recently
    used dropped beyond `capacity` (a 200-run fan holds about 25 MB; ten hold the seven presets
    of the overview and a few students' own). Sessions asking for a fan
    that another is computing wait for it instead of computing it again; if that computation is
    abandoned (its student moved on), one of the waiters takes it over."""

    def __init__(self, capacity: int = 10):
        self.capacity = capacity
        self._lock = threading.Lock()
        self._fans: collections.OrderedDict[Settings, Fan] = collections.OrderedDict()
        self._computing: dict[Settings, threading.Event] = {}

    def get(self, settings: Settings, compute: Callable[[], "Fan"],
            cancelled: Callable[[], bool] = lambda: False) -> "Fan":
        while True:
            with self._lock:
                fan = self._fans.get(settings)
                if fan is not None:
                    self._fans.move_to_end(settings)
                    return fan
                done = self._computing.get(settings)
                owner = done is None
                if owner:
                    done = self._computing[settings] = threading.Event()
            if owner:
                try:
                    fan = read_only(compute())
                    with self._lock:
                        self._fans[settings] = fan
                        while len(self._fans) > self.capacity:
                            self._fans.popitem(last=False)
                    return fan
                finally:
                    with self._lock:
                        del self._computing[settings]
                    done.set()
            while not done.wait(0.05):
                if cancelled():
                    raise Superseded()

    def peek(self, settings: Settings) -> "Fan | None":
        """The fan of these settings if it is already here, without computing or waiting."""
        with self._lock:
            return self._fans.get(settings)

    def __len__(self) -> int:
        return len(self._fans)


def read_only(fan: "Fan") -> "Fan":
    """The fan with its arrays frozen: a cached fan is shown to many sessions at once."""
    for values in fan.trajectories.values():
        values.flags.writeable = False
    return fan


SHARED_FANS = SharedFans()


def day0_trajectories(settings: Settings,
                      shared_fans: SharedFans | None = None) -> Mapping[str, np.ndarray]:
    """The day-0 fan of these settings, shared with every session that shows it."""
    fans = SHARED_FANS if shared_fans is None else shared_fans
    return fans.get(settings, lambda: fresh_fan(settings)).trajectories


def compare_ensemble(settings: Settings, scenario: str,
                     shared_fans: SharedFans | None = None) -> Mapping[str, np.ndarray]:
    """A preset's ensemble with the same seed and runs (common random numbers), for comparison:
    the day-0 fan of those settings, shared with any session that shows it."""
    return day0_trajectories(replace(settings, scenario=scenario, overrides=()), shared_fans)
