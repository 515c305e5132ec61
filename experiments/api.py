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
        """Scenario discovery on these runs (see `experiments.discover.analyse_frame`)."""
        from . import discover

        return discover.analyse_frame(self.outcomes, self.manifest, where, **options)

    def __repr__(self) -> str:
        where = f" in {self.out}" if self.out is not None else ""
        return (f"<Experiment '{self.spec.name}': {len(self.outcomes):,} runs of "
                f"{self.manifest['rows']:,}, {len(self.design):,} points{where}>")


def run(spec: str | Path | Mapping[str, Any] | Spec, out: str | Path | None = None,
        executor: str = "serial", workers: int | None = None, *, scheduler: str | None = None,
        connect_timeout: float = 10.0, chunk_size: int | None = None, resume: bool = False,
        progress: bool = False) -> Experiment:
    """Run a spec (a file path, a TOML string, a dict shaped like the TOML, or a `Spec`) on
    `executor` ("serial", "processes" or "dask"; `scheduler` names a running Dask cluster) and
    return its tables. Bad input raises `SpecError`/`InputError` with the CLI's one-line message."""
    checked, text = _read_spec(spec)
    evaluator = evaluators.make(executor, workers, scheduler, connect_timeout)
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


def _read_spec(spec) -> tuple[Spec, str | None]:
    """A checked `Spec` and the text to copy beside the manifest (None for a dict or a Spec)."""
    if isinstance(spec, Spec):
        return spec, None
    if isinstance(spec, Mapping):
        return spec_module.from_dict({"name": DEFAULT_NAME, **spec}, source="<dict>"), None
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
