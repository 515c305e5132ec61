"""A sweep's directory: Parquet tables written one file per chunk, atomically, plus a manifest.

    DIR/manifest.json              spec, fingerprint, versions, CPU features, chunking, timings
    DIR/spec.toml                  the spec file as given
    DIR/design.parquet             the drawn parameter points (read back by --resume)
    DIR/outcomes/chunk-000042.parquet      one row per run
    DIR/trajectories/chunk-....parquet     per-run trajectories (if kept)
    DIR/bands/chunk-....parquet            per-point quantile bands (if kept)

`pd.read_parquet("DIR/outcomes")`, `pl.read_parquet("DIR/outcomes/*.parquet")` or DuckDB's
`read_parquet('DIR/outcomes/*.parquet')` read a table in one line. A file appears under its final
name only when complete (write to a hidden temporary, then `os.replace`), and a chunk counts as done
when its outcomes file exists (written last), so a sweep killed at any moment resumes cleanly.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.params import InputError

MANIFEST = "manifest.json"
DESIGN = "design.parquet"
SPEC_COPY = "spec.toml"
TABLES = ("trajectories", "bands", "outcomes")  # outcomes last: it marks the chunk done
FORMAT_VERSION = 1
_PACKAGES = ("conflictsim", "numpy", "mesa", "pandas", "pyarrow", "SALib", "dask", "distributed",
             "scipy", "tqdm")


class OutputDirError(InputError):
    """--out names a directory that holds something this sweep must not touch."""


def chunk_name(chunk_id: int) -> str:
    return f"chunk-{chunk_id:06d}.parquet"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def atomic_write_table(path: Path, frame: pd.DataFrame) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp, compression="zstd")
    os.replace(tmp, path)


def write_chunk(out: Path, chunk_id: int, tables: dict[str, pd.DataFrame]) -> None:
    for name in TABLES:
        if name in tables:
            (out / name).mkdir(exist_ok=True)
            atomic_write_table(out / name / chunk_name(chunk_id), tables[name])


def completed_chunks(out: Path) -> set[int]:
    folder = out / "outcomes"
    if not folder.is_dir():
        return set()
    return {int(p.name[6:12]) for p in folder.glob("chunk-*.parquet")}


def remove_temporaries(out: Path) -> None:
    """Half-written files of a killed sweep (hidden, never read by pandas or pyarrow)."""
    for name in TABLES:
        for tmp in (out / name).glob(".chunk-*.tmp") if (out / name).is_dir() else ():
            tmp.unlink(missing_ok=True)


def read_manifest(out: Path) -> dict[str, Any] | None:
    path = out / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise OutputDirError(f"--out {out}: unreadable {MANIFEST} ({err})") from None


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    atomic_write_bytes(out / MANIFEST, json.dumps(manifest, indent=2, default=str).encode())


def check_output_dir(out: Path, fingerprint: str, resume: bool) -> dict[str, Any] | None:
    """Refuse a directory holding other results; return its manifest when resuming this spec."""
    if out.exists() and not out.is_dir():
        raise OutputDirError(f"--out {out}: exists and is not a directory")
    manifest = read_manifest(out) if out.exists() else None
    if manifest is None:
        if out.exists() and any(out.iterdir()):
            raise OutputDirError(f"--out {out}: directory is not empty and holds no sweep "
                                 f"manifest; choose a new or empty directory")
        return None
    if manifest.get("fingerprint") != fingerprint:
        raise OutputDirError(
            f"--out {out}: holds results of another spec ({manifest.get('spec', {}).get('name')!r}, "
            f"fingerprint {manifest.get('fingerprint')}, this spec {fingerprint}); "
            f"choose a new directory")
    if not resume:
        raise OutputDirError(f"--out {out}: already holds results of this spec; pass --resume "
                             f"to complete them, or choose a new directory")
    return manifest


def init_output_dir(out: Path, manifest: dict[str, Any], design: pd.DataFrame,
                    spec_text: str | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "outcomes").mkdir(exist_ok=True)
    atomic_write_table(out / DESIGN, design)
    if spec_text is not None:
        atomic_write_bytes(out / SPEC_COPY, spec_text.encode())
    write_manifest(out, manifest)


def read_design(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / DESIGN)


def read_table(out: Path, name: str = "outcomes", columns: list[str] | None = None) -> pd.DataFrame:
    """A whole table, rows in `row` (or point/day) order; for big sweeps prefer `iter_chunks`."""
    folder = Path(out) / name
    files = sorted(folder.glob("chunk-*.parquet"))
    if not files:
        return pd.DataFrame(columns=columns or [])
    frame = pd.concat([pd.read_parquet(f, columns=columns) for f in files], ignore_index=True)
    keys = ("row", "day") if "row" in frame else ("scenario", "point", "day")
    order = [c for c in keys if c in frame]
    return frame.sort_values(order, kind="stable", ignore_index=True) if order else frame


def iter_chunks(out: Path, name: str = "outcomes", columns: list[str] | None = None):
    """One chunk's table at a time (bounded memory)."""
    for path in sorted((Path(out) / name).glob("chunk-*.parquet")):
        yield pd.read_parquet(path, columns=columns)


def environment() -> dict[str, Any]:
    """Versions and CPU features: numpy's exp/log can differ in the last bit across CPUs."""
    versions = {}
    for package in _PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "versions": versions,
        "numpy_cpu_features": _cpu_features(),
    }


def _cpu_features() -> list[str]:
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:
        return []
    return sorted(name for name, present in __cpu_features__.items() if present)


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def design_frame(names: tuple[str, ...], design: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(design, columns=list(names))
    frame.insert(0, "point", np.arange(len(design), dtype=np.int64))
    return frame
