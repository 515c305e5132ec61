"""Open one row of a researcher's sweep in the dashboard and replay it exactly.

A sweep directory (`python -m experiments sweep ... --out DIR`) stores one row per run with its
scenario, seed, replicate (the run index) and the value of every varied and fixed parameter.
The dashboard's highlighted run is ensemble member 0, and run keys depend only on (seed, run
index), so an ensemble with that seed and `run_offset = replicate` has the sweep's run as member 0,
bit for bit, whatever the ensemble size. The stored outcome is kept next to the settings so the
page can show both numbers side by side.

Reading goes through `experiments.results` (the same `row` and parameter list that `replay` and
`replay_command` use), imported only when a student opens a row.

Safe to serve to a class: the page never takes a path. Opening rows is off unless the teacher
starts the server with a sweeps folder (`conflictsim dashboard --sweeps DIR`, passed to the server
process as `SWEEPS_ENV`); then a `SweepLibrary` lists the sweep directories under that folder by
name, and a name is opened only if it is one of those listed. Typed paths, `..`, absolute paths
and symbolic links that lead out of the folder open nothing, and messages name only what the
student chose, never a server path.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from sim.params import InputError

from .settings import Settings

COMPARED_OUTCOME = "occupied_km2_final"
SWEEPS_ENV = "CONFLICTSIM_SWEEPS_DIR"
MANIFEST = "manifest.json"  # what makes a directory a sweep (experiments.storage.MANIFEST)
MAX_DEPTH = 3  # sweeps are listed down to this many folders below the root


class SweepRowError(InputError):
    """A sweep directory or row the dashboard cannot open; the message is one plain line."""


@dataclass(frozen=True)
class SweepRow:
    """One sweep row as dashboard settings, with what the sweep stored for it."""

    name: str  # as listed by the server's `SweepLibrary`
    row_index: int
    settings: Settings
    stored_occupied_final: float | None


class SweepLibrary:
    """The sweep directories under one folder, by name (their path relative to the folder, with
    `/`). Only real directories inside the folder count: a symbolic link is followed only if
    where it leads is still inside."""

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()

    def names(self) -> list[str]:
        return sorted(self._listing())

    def _listing(self) -> dict[str, Path]:
        """Name to directory; the folder itself is listed by its own name if it is a sweep."""
        if (self.root / MANIFEST).is_file():
            return {self.root.name: self.root}
        found: dict[str, Path] = {}
        self._collect(self.root, (), found)
        return found

    def _collect(self, folder: Path, parts: tuple[str, ...], found: dict[str, Path]) -> None:
        try:
            children = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for child in children:
            if child.name.startswith(".") or not self._inside(Path(child.path)):
                continue
            try:
                if not child.is_dir():
                    continue
            except OSError:
                continue
            name = parts + (child.name,)
            if (Path(child.path) / MANIFEST).is_file():
                found["/".join(name)] = Path(child.path)
            elif len(name) < MAX_DEPTH:
                self._collect(Path(child.path), name, found)

    def _inside(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root)
        except (ValueError, OSError):
            return False
        return True

    def path_of(self, name: str) -> Path:
        """The directory of a listed sweep; anything not listed (a path, `..`, a link out of the
        folder) is refused without touching the file system beyond the listing."""
        path = self._listing().get(name) if isinstance(name, str) else None
        if path is None:
            raise SweepRowError(f"sweep {str(name)[:80]!r} is not allowed: choose one of the sweeps "
                                "listed")
        return path


def library_from_env(environ: dict[str, str] | None = None) -> SweepLibrary | None:
    """The sweeps folder the teacher gave `conflictsim dashboard --sweeps`, or None (opening
    sweep rows is then off)."""
    root = (os.environ if environ is None else environ).get(SWEEPS_ENV, "").strip()
    return SweepLibrary(root) if root and Path(root).is_dir() else None


def parse_row_index(text: str) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise SweepRowError(f"row {text!r} is not allowed: a whole number >= 0") from None
    if value < 0:
        raise SweepRowError(f"row {value} is not allowed: a whole number >= 0")
    return value


def swept_parameter_names(manifest: dict) -> list[str]:
    """Varied and fixed parameters of a sweep: the values that make a row's run what it is."""
    spec = manifest["spec"]
    return [f["name"] for f in spec["factors"]] + [name for name, _ in spec["fixed"]]


def plain(value: Any) -> Any:
    """A Parquet cell as a Python value (numpy scalars do not belong in settings or JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def read_sweep_row(library: SweepLibrary | None, name: str, row_text: str,
                   base: Settings) -> SweepRow:
    """Settings that replay row K of the sweep listed as `name` as the highlighted run.

    Raises `SweepRowError` (or the `InputError` of a refused value) with a plain message naming
    the sweep as listed (never its path) for a server without a sweeps folder, a name not listed,
    or a row the sweep does not hold.
    """
    from experiments import results

    if library is None:
        raise SweepRowError("opening sweep rows is off on this server: the teacher starts it with "
                            "conflictsim dashboard --sweeps DIR")
    out = library.path_of(name)
    row_index = parse_row_index(row_text)
    try:
        manifest = results.load_manifest(out)
        values = results.row(out, row_index)
    except (InputError, OSError, ValueError, KeyError):
        raise SweepRowError(f"sweep {name!r} has no readable row {row_index}") from None
    settings = replace(base.with_scenario(str(values["scenario"])), seed=int(values["seed"]),
                       run_offset=int(values["replicate"]), days=int(manifest["spec"]["days"]),
                       start_date=results.row_start_date(manifest, values),
                       uncertainty=results.uncertainty(manifest), math=results.math_mode(manifest))
    for name in swept_parameter_names(manifest):
        settings = settings.with_value(name, plain(values[name]))
    stored = plain(values[COMPARED_OUTCOME]) if COMPARED_OUTCOME in values.index else None
    stored = float(stored) if stored is not None and math.isfinite(float(stored)) else None
    return SweepRow(name, row_index, settings, stored)
