"""Sweeps from Python, as tables: `experiments.run(spec)` and `experiments.load(DIR)`.

    import experiments
    result = experiments.run("experiments/specs/smoke.toml")      # or a TOML string, or a dict
    result.outcomes.groupby("scenario")["occupied_km2_final"].median()

`run` goes through the very code path of `conflictsim sweep` (the spec checks, the evaluator,
`sweep.run` and its Parquet writer), so its rows are the CLI's, bit for bit. With `out` the dataset
stays on disk exactly as the CLI writes it (and `resume=True` completes it); without, it is written
to a temporary directory, read back and removed.
"""

from __future__ import annotations

import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from sim.params import plural

from . import evaluators, storage
from . import spec as spec_module
from . import sweep
from .spec import Spec

DEFAULT_NAME = "experiment"  # a dict or TOML string without `name` (a file's default is its stem)

@dataclass
class Experiment:
    """A sweep's tables: `outcomes` (one row per run), `design` (one row per parameter point),
    `bands` and `trajectories` (None unless the spec's [output] keeps them), its `manifest`, and
    `out`, the directory holding it (None when it was not kept)."""

    spec: Spec
    outcomes: pd.DataFrame
    design: pd.DataFrame
    bands: pd.DataFrame | None
    trajectories: pd.DataFrame | None
    manifest: dict
    out: Path | None = None
    report: sweep.SweepReport | None = None

    def discover(self, where: str, **options: Any):
        """Scenario discovery on these runs (see `experiments.discover.analyse_frame`), with the
        kept trajectories' fans inside and outside each PRIM box when the sweep kept them."""
        from . import discover

        found = discover.analyse_frame(self.outcomes, self.manifest, where, **options)
        if found.prim is not None and self.trajectories is not None and len(self.trajectories):
            found.box_fans = discover.box_fans_of(self.trajectories, self.outcomes, found.prim,
                                                  self.manifest)
        return found

    def __repr__(self) -> str:
        where = f" in {self.out}" if self.out is not None else ""
        runs, points = len(self.outcomes), len(self.design)
        return (f"<Experiment '{self.spec.name}': {runs:,} {plural(runs, 'run')} of "
                f"{self.manifest['rows']:,}, {points:,} {plural(points, 'point')}{where}>")


def run(spec: str | Path | Mapping[str, Any] | Spec, out: str | Path | None = None,
        executor: str = "serial", workers: int | None = None, *, scheduler: str | None = None,
        connect_timeout: float = 10.0, chunk_size: int | None = None, resume: bool = False,
        progress: bool = False) -> Experiment:
    """Run a spec (a file path, a TOML string, a dict shaped like the TOML, or a `Spec`) on
    `executor` ("serial", "processes" or "dask"; `scheduler` names a running Dask cluster) and
    return its tables. Bad input raises `SpecError`/`InputError` with the CLI's one-line message."""
    checked, text = _read_spec(spec)
    workers = _whole("workers", workers)
    chunk_size = _whole("chunk_size", chunk_size)
    evaluator = evaluators.make(executor, workers, scheduler, connect_timeout)
    if executor in ("processes", "dask") and scheduler is None:
        evaluators.check_main_guard(executor)
    if out is not None:
        report = sweep.run(checked, out, evaluator, resume=resume, chunk_size=chunk_size,
                           spec_text=text, progress=progress)
        return _tables(Path(out), checked, report, keep=True)
    with tempfile.TemporaryDirectory(prefix="conflictsim-sweep-") as tmp:
        folder = Path(tmp) / "sweep"
        report = sweep.run(checked, folder, evaluator, chunk_size=chunk_size, spec_text=text,
                           progress=progress)
        return _tables(folder, checked, report, keep=False)


def load(out: str | Path) -> Experiment:
    """The tables of a sweep directory written by `conflictsim sweep` or `run(..., out=...)`."""
    from . import results

    out = Path(out)
    return _tables(out, results.spec_of(out), None, keep=True)


def _plain(value):
    """numpy scalars and arrays as the Python values a TOML file would give (np.int64(10) as
    10), so a spec built with numpy is checked like one read from a file."""
    import numpy as np

    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _whole(name: str, value):
    """An optional count given as a Python or numpy integer."""
    import numbers

    from sim.params import InputError

    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise InputError(f"{name}={value!r}: a whole number >= 1")
    return int(value)


def _read_spec(spec) -> tuple[Spec, str | None]:
    """A checked `Spec` and the text to copy beside the manifest (None for a dict or a Spec).
    An empty dict, string or path is refused as the CLI refuses an empty spec file."""
    if isinstance(spec, Spec):
        return spec, None
    if isinstance(spec, Mapping):
        if not spec:
            raise spec_module.SpecError("<dict>: the spec is empty (no keys); give at least "
                                        "scenario, days, replicates and parameters (see "
                                        "experiments/specs/smoke.toml)")
        return spec_module.from_dict({"name": DEFAULT_NAME, **_plain(spec)},
                                     source="<dict>"), None
    if isinstance(spec, (str, Path)) and not str(spec).strip():
        raise spec_module.SpecError("experiments.run: the spec is an empty string; give a spec "
                                    "file's path, a TOML string or a dict")
    if isinstance(spec, str) and ("\n" in spec or "=" in spec):
        try:
            data = tomllib.loads(spec)
        except tomllib.TOMLDecodeError:
            spec_module.parse(spec, source="<string>")  # raises the CLI's one-line message
            raise
        return spec_module.from_dict({"name": DEFAULT_NAME, **data}, source="<string>"), spec
    checked = spec_module.load(spec)
    return checked, Path(spec).read_text()


def _tables(out: Path, spec: Spec, report, keep: bool) -> Experiment:
    names = ("bands", "trajectories")
    optional = {name: storage.read_table(out, name) if (out / name).is_dir() else None
                for name in names}
    return Experiment(spec=spec, outcomes=storage.read_table(out, "outcomes"),
                      design=storage.read_design(out), manifest=storage.read_manifest(out),
                      out=out if keep else None, report=report, **optional)
