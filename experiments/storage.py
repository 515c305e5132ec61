"""A sweep's directory: one root folder per Parquet table, written one file per chunk,
atomically, plus a manifest.

    DIR/manifest.json                      spec, fingerprints, versions, CPU features, chunking
    DIR/spec.toml                          the spec file as given
    DIR/design/design.parquet              the drawn parameter points (read back by --resume)
    DIR/outcomes/chunk-000042.parquet      one row per run
    DIR/trajectories/chunk-....parquet     per-run trajectories (if kept)
    DIR/bands/chunk-....parquet            per-point quantile bands (if kept)
    DIR/_band_parts/chunk-....parquet      internal: runs' values at band days, for points split
                                           over chunks (their band is computed when all are done)
    DIR/checksums/chunk-000042.json        the chunk's files with their sha256 and size, the
                                           worker that computed it and the model it ran
    DIR/checksums/bands-000042.json        a split point's band, and the parts it came from
    DIR/.lock                              the process writing the directory (while it runs)

Every `*.parquet` under DIR lies in one table's root, and every file under a root has that
table's schema, so `pd.read_parquet("DIR/outcomes")`,
`pl.read_parquet("DIR/outcomes/**/*.parquet")` or DuckDB's `'DIR/outcomes/**/*.parquet'` read
exactly one table. No Hive partitions
(`scenario=...`): each file already carries its keys as columns, and a key both in the path and
in the file makes pandas' one-liner fail to merge the two types (docs/EXPERIMENTS.md, "Dataset
layout"). Format 2 directories kept `design.parquet` at the top; they are read as they are and
moved to this layout by `--resume`. Formats 2 and 3 wrote outcome and band rows without the
`start_date` key (a sweep had one, in its manifest); they are read with it filled in from the
manifest, and a resume keeps writing their rows without it, so each table keeps one schema.

A file appears under its final name only when complete (write to a hidden temporary, then
`os.replace`), and a chunk counts as done only when its checksum record (written last) exists and
its files match it, so a sweep killed at any moment resumes cleanly and a damaged, missing or
foreign chunk file is computed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim import calendar
from sim.outcomes import OUTCOMES
from sim.params import PARAMS, InputError, first_line
from sim.state import PRIVATE_TYPES
from sim.trajectories import TRAJECTORIES

from . import provenance
from .spec import KEY_COLUMNS

MANIFEST = "manifest.json"
DESIGN_ROOT = "design"
DESIGN = f"{DESIGN_ROOT}/design.parquet"
LEGACY_DESIGN = "design.parquet"  # format 2: beside the table roots, where DIR/**/*.parquet met it
SPEC_COPY = "spec.toml"
CHECKSUMS = "checksums"
TABLES = ("trajectories", "bands", "_band_parts", "outcomes")  # written one file per chunk
TABLE_ROOTS = ("outcomes", "design", "bands", "trajectories")  # what users read (plus _band_parts)
FORMAT_VERSION = 4  # 4: rows carry start_date; 3: the design in its root; 2: at the top
LAYOUT_FORMAT = 3  # the first format with this layout (what `upgrade_layout` moves a 2 to)
START_DATE_FORMAT = 4  # the first format whose outcome and band rows carry start_date
LEGACY_KEY_COLUMNS = tuple(c for c in KEY_COLUMNS if c != "start_date")
START_DATE_DESCRIPTION = {
    "label": "Start date", "unit": "ISO date (YYYY-MM-DD)",
    "meaning": "The day the run starts from (its day 0), one of the spec's start_dates; every "
               "day of the run counts from it."}


class OutputDirError(InputError):
    """--out names a directory that holds something this sweep must not touch."""


class DamagedDataError(InputError):
    """A chunk file that cannot be read, or does not match its checksum."""


def chunk_name(chunk_id: int) -> str:
    return f"chunk-{chunk_id:06d}.parquet"


def record_name(chunk_id: int) -> str:
    return f"chunk-{chunk_id:06d}.json"


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = _tmp(path)
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def atomic_write_table(path: Path, frame: pd.DataFrame,
                       descriptions: dict[str, dict[str, str]] | None = None) -> None:
    tmp = _tmp(path)
    pq.write_table(described(pa.Table.from_pandas(frame, preserve_index=False), descriptions),
                   tmp, compression="zstd")
    os.replace(tmp, path)


def described(table: pa.Table, descriptions: dict[str, dict[str, str]] | None = None) -> pa.Table:
    """The table with its columns described (`described_schema`)."""
    return table.cast(described_schema(table.schema, descriptions))


def described_schema(schema: pa.Schema,
                     descriptions: dict[str, dict[str, str]] | None = None) -> pa.Schema:
    """Each column the model declares carries its label, unit and meaning as Parquet field
    metadata (`pq.read_schema(path).field(name).metadata`), so a table read anywhere says what
    its numbers are: outcomes, trajectories, parameters, a run's drawn parameters and the bands'
    quantiles; a spec's derived outcomes too, from `descriptions` (`derived.description`)."""
    descriptions = descriptions or {}
    fields = [field.with_metadata(description)
              if (description := descriptions.get(field.name) or column_description(field.name))
              else field for field in schema]
    return pa.schema(fields, metadata=schema.metadata)


def frame_schema(frame: pd.DataFrame) -> pa.Schema:
    """The schema `frame.to_parquet(path, index=False, schema=...)` writes its columns
    described with (`described_schema`); pandas keeps `frame.attrs` beside it, as always."""
    return described_schema(pa.Schema.from_pandas(frame, preserve_index=False))


def column_description(name: str) -> dict[str, str] | None:
    """Label, unit and meaning of a column the model declares (None for the other keys and the
    rest): an outcome, a trajectory, a parameter or its draw (`drawn_`), a private type
    (`type_`), the start date key."""
    if name == "start_date":
        return START_DATE_DESCRIPTION
    plain = name.removeprefix("drawn_")
    spec = OUTCOMES.get(name) or TRAJECTORIES.get(name) or PARAMS.get(plain)
    if spec is None and name.startswith("type_"):
        spec = PRIVATE_TYPES.get(name.removeprefix("type_"))
    if spec is None:
        return band_description(name)
    label = getattr(spec, "plain_label", None) or spec.label  # a parameter's words if unlabelled
    if plain != name:
        label = f"{label} (this run's draw)"
    return {"label": label, "unit": spec.unit, "meaning": spec.meaning}


def band_description(name: str) -> dict[str, str] | None:
    """Label, unit and meaning of a band column, `<trajectory field>_q<percent>`
    (`chunks.bands_of`): the field's, and which quantile of the point's runs the row's day
    holds (None for any other name)."""
    field, _, percent = name.rpartition("_q")
    spec = TRAJECTORIES.get(field)
    try:
        float(percent)
    except ValueError:
        return None
    if spec is None:
        return None
    return {"label": f"{spec.label}, {percent} % quantile of the point's runs",
            "unit": spec.unit,
            "meaning": f"{spec.meaning} The {percent} % quantile over the point's replicates on "
                       "the row's day."}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_chunk(out: Path, chunk_id: int, tables: dict[str, pd.DataFrame],
                record: dict[str, Any] | None = None,
                descriptions: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """Write a chunk's tables, then its checksum record (which marks the chunk done).
    `descriptions`: label, unit and meaning of columns the model does not declare (a spec's
    derived outcomes)."""
    files = {}
    for name in TABLES:
        if name in tables:
            (out / name).mkdir(exist_ok=True)
            path = out / name / chunk_name(chunk_id)
            atomic_write_table(path, tables[name], descriptions)
            files[name] = {"path": f"{name}/{path.name}", "sha256": sha256_of(path),
                           "bytes": path.stat().st_size}
    entry = {"chunk": chunk_id, "files": files, **(record or {})}
    (out / CHECKSUMS).mkdir(exist_ok=True)
    atomic_write_bytes(out / CHECKSUMS / record_name(chunk_id), json.dumps(entry).encode())
    return entry


def remove_unrecorded(out: Path, chunk_ids) -> None:
    """Delete the table files of those chunks that have no checksum record: a signal that lands
    between a chunk's tables and its record leaves rows on disk that the sweep does not count
    as kept (and a resume computes again), so a reader would see rows the sweep said it had not
    kept."""
    records = read_records(out)
    for chunk_id in chunk_ids:
        if chunk_id in records:
            continue
        for name in TABLES:
            (Path(out) / name / chunk_name(chunk_id)).unlink(missing_ok=True)


def write_point_bands(out: Path, chunk_id: int, frame: pd.DataFrame,
                      parts: dict[str, str]) -> None:
    """The band of a point split over chunks, named after its first chunk, with a record of
    its checksum and of the parts (chunk files and their sha256) it was computed from."""
    (out / "bands").mkdir(exist_ok=True)
    path = out / "bands" / chunk_name(chunk_id)
    atomic_write_table(path, frame)
    entry = {"point_bands_of_chunk": chunk_id, "parts": parts,
             "file": {"path": f"bands/{path.name}", "sha256": sha256_of(path),
                      "bytes": path.stat().st_size}}
    atomic_write_bytes(out / CHECKSUMS / f"bands-{chunk_id:06d}.json", json.dumps(entry).encode())


def point_bands_done(out: Path, chunk_id: int, parts: dict[str, str]) -> bool:
    """Whether a split point's band exists, matches its checksum and was computed from these
    very parts."""
    try:
        entry = json.loads((Path(out) / CHECKSUMS / f"bands-{chunk_id:06d}.json").read_text())
        path = Path(out) / entry["file"]["path"]
        return (entry["parts"] == parts and path.is_file()
                and path.stat().st_size == entry["file"]["bytes"]
                and sha256_of(path) == entry["file"]["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return False


def read_records(out: Path) -> dict[int, dict[str, Any]]:
    """Every readable checksum record, by chunk id (an unreadable one counts as absent)."""
    folder = Path(out) / CHECKSUMS
    records = {}
    for path in sorted(folder.glob("chunk-*.json")) if folder.is_dir() else ():
        try:
            entry = json.loads(path.read_text())
            records[int(entry["chunk"])] = entry
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return records


def completed_chunks(out: Path) -> set[int]:
    """Chunks with a checksum record (not verified; `verify_chunks` checks the files)."""
    return set(read_records(out))


@dataclass
class Verification:
    """What a resume found: chunks to keep, and chunk ids dropped with the reason."""

    good: dict[int, dict[str, Any]] = field(default_factory=dict)
    dropped: dict[int, str] = field(default_factory=dict)
    stray_files: list[str] = field(default_factory=list)


def verify_chunks(out: Path, expected_ids: set[int], sweep_fingerprint: str,
                  model_fingerprint: str, tables: tuple[str, ...]) -> Verification:
    """Check every chunk against its record: the files exist, have the recorded size and
    sha256, the record belongs to this sweep and model, and holds the tables this spec keeps."""
    result = Verification()
    for chunk_id, record in read_records(out).items():
        problem = _record_problem(out, chunk_id, record, expected_ids, sweep_fingerprint,
                                  model_fingerprint, tables)
        if problem:
            result.dropped[chunk_id] = problem
        else:
            result.good[chunk_id] = record
    for name in TABLES:
        folder = Path(out) / name
        for path in sorted(folder.glob("*.parquet")) if folder.is_dir() else ():
            chunk_id = _chunk_id(path.name)
            if chunk_id is None or chunk_id not in result.good:
                if chunk_id is not None and chunk_id not in result.dropped and chunk_id in expected_ids:
                    result.dropped[chunk_id] = "no checksum record"
                result.stray_files.append(f"{name}/{path.name}")
    return result


def _chunk_id(filename: str) -> int | None:
    stem = filename.split(".", 1)[0]
    if filename.startswith("chunk-") and stem[6:].isdigit():
        return int(stem[6:])
    return None


def _record_problem(out, chunk_id, record, expected_ids, sweep_fingerprint, model_fingerprint,
                    tables) -> str | None:
    if chunk_id not in expected_ids:
        return "not a chunk of this sweep's plan"
    if record.get("sweep_fingerprint") != sweep_fingerprint:
        return "written by another sweep"
    if record.get("model_fingerprint") != model_fingerprint:
        return "computed by another model"
    files = record.get("files", {})
    if set(files) != set(tables):
        return f"holds tables {sorted(files)}, this spec keeps {sorted(tables)}"
    for name, entry in files.items():
        path = Path(out) / entry["path"]
        if not path.is_file():
            return f"{entry['path']} is missing"
        if path.stat().st_size != entry["bytes"]:
            return f"{entry['path']} has {path.stat().st_size} bytes, {entry['bytes']} recorded"
        if sha256_of(path) != entry["sha256"]:
            return f"{entry['path']} does not match its checksum"
    return None


def drop_chunks(out: Path, verification: Verification) -> None:
    """Delete the files of chunks that will be computed again, and stray chunk files."""
    for chunk_id in verification.dropped:
        (Path(out) / CHECKSUMS / record_name(chunk_id)).unlink(missing_ok=True)
    for relative in verification.stray_files:
        (Path(out) / relative).unlink(missing_ok=True)


def remove_temporaries(out: Path) -> None:
    """Half-written files of a killed sweep (hidden, never read by pandas or pyarrow)."""
    for name in (*TABLES, CHECKSUMS, DESIGN_ROOT):
        folder = Path(out) / name
        for tmp in folder.glob(".*.tmp") if folder.is_dir() else ():
            tmp.unlink(missing_ok=True)


def read_manifest(out: Path) -> dict[str, Any] | None:
    path = Path(out) / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as err:
        raise OutputDirError(f"{path}: unreadable manifest ({first_line(err)})") from None
    if not isinstance(manifest, dict) or "spec" not in manifest:
        raise OutputDirError(f"{path}: not a sweep manifest (no spec)")
    return manifest


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    atomic_write_bytes(Path(out) / MANIFEST, json.dumps(manifest, indent=2, default=str).encode())


def check_output_dir(out: Path, fingerprint: str, resume: bool) -> dict[str, Any] | None:
    """Refuse a directory holding other results, or results of another model; return its
    manifest when resuming this spec. Reads only: nothing is written here."""
    if out.exists() and not out.is_dir():
        raise OutputDirError(f"--out {out}: exists and is not a directory")
    manifest = read_manifest(out) if out.exists() else None
    if manifest is None and resume:  # a mistyped folder would otherwise start the sweep afresh
        raise OutputDirError(f"--out {out}: holds no sweep to resume; check the folder, or drop "
                             f"--resume to start the sweep there")
    if not out.exists():
        check_creatable(out)
        return None
    if manifest is None:
        if any(p.name != ".lock" for p in out.iterdir()):
            raise OutputDirError(f"--out {out}: directory is not empty and holds no sweep "
                                 f"manifest; choose a new or empty directory")
        check_creatable(out)
        return None
    if manifest.get("fingerprint") != fingerprint:
        raise OutputDirError(
            f"--out {out}: holds results of another spec ({manifest.get('spec', {}).get('name')!r}, "
            f"fingerprint {manifest.get('fingerprint')}, this spec {fingerprint}); "
            f"choose a new directory")
    if not resume:
        raise OutputDirError(f"--out {out}: already holds results of this spec; pass --resume "
                             f"to complete them, or choose a new directory")
    check_same_model(out, manifest)
    return manifest


def check_creatable(out: Path) -> None:
    """The nearest existing ancestor is a directory we may write in."""
    ancestor = Path(out).absolute()
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputDirError(f"--out {out}: cannot create a directory there ({ancestor} is not a "
                             f"writable directory); choose a writable path")


def check_same_model(out: Path, manifest: dict[str, Any]) -> None:
    """A resume must run the model (and numpy) that computed the rows already there."""
    stored = manifest.get("model")
    if not stored:
        raise OutputDirError(f"--resume: {out} records no model fingerprint (written by an older "
                             f"conflictsim), so its rows cannot be shown to come from this model; "
                             f"start a new --out")
    current = provenance.model()
    differences = []
    if stored.get("fingerprint") != current["fingerprint"]:
        changed = provenance.changed_files(stored.get("files", {}), current["files"])
        shown = ", ".join(f"sim/{name}" for name in changed[:4]) + \
            (f" and {len(changed) - 4} more" if len(changed) > 4 else "")
        differences.append(f"model fingerprint {stored.get('fingerprint')} -> "
                           f"{current['fingerprint']} (changed: {shown or 'unknown files'})")
    stored_numpy = manifest.get("environment", {}).get("versions", {}).get("numpy")
    numpy_now = provenance.package_version("numpy")
    if stored_numpy and stored_numpy != numpy_now:
        differences.append(f"numpy {stored_numpy} -> {numpy_now}")
    if differences:
        raise OutputDirError(f"--resume: {out} was computed by another model: "
                             f"{'; '.join(differences)}; its rows would mix two models, so "
                             f"nothing was run; start a new --out (or reinstall the model it "
                             f"was computed with)")


def init_output_dir(out: Path, manifest: dict[str, Any], design: pd.DataFrame,
                    spec_text: str | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "outcomes").mkdir(exist_ok=True)
    (out / DESIGN_ROOT).mkdir(exist_ok=True)
    atomic_write_table(out / DESIGN, design)
    if spec_text is not None:
        atomic_write_bytes(out / SPEC_COPY, spec_text.encode())
    write_manifest(out, manifest)


def design_path(out: Path) -> Path:
    """The design table's file: DIR/design/design.parquet, or a format 2 directory's
    DIR/design.parquet."""
    legacy = Path(out) / LEGACY_DESIGN
    return legacy if legacy.is_file() and not (Path(out) / DESIGN).is_file() else Path(out) / DESIGN


def is_legacy_layout(out: Path) -> bool:
    return design_path(out) == Path(out) / LEGACY_DESIGN


def legacy_layout_note(out: Path) -> str | None:
    """One line for a format 2 directory (read as it is): how to move it to this layout."""
    if not is_legacy_layout(out):
        return None
    return (f"note: {out} has the old layout ({LEGACY_DESIGN} beside the table roots, so "
            f"{out}/**/*.parquet mixes it in); `mkdir {out}/{DESIGN_ROOT} && mv "
            f"{out}/{LEGACY_DESIGN} {out}/{DESIGN_ROOT}/` (or --resume) moves it")


def upgrade_layout(out: Path, manifest: dict[str, Any]) -> None:
    """Move a format 2 directory's design into its root (one atomic rename; a resume does it
    under the lock, before reading the design back). Its rows keep their key columns (format 3)."""
    if is_legacy_layout(out):
        (Path(out) / DESIGN_ROOT).mkdir(exist_ok=True)
        os.replace(Path(out) / LEGACY_DESIGN, Path(out) / DESIGN)
    manifest["format"] = max(int(manifest.get("format", 2)), LAYOUT_FORMAT)


def key_columns(manifest: dict[str, Any]) -> tuple[str, ...]:
    """The key columns a directory's rows carry (none but format 4 on have start_date)."""
    if int(manifest.get("format", 2)) >= START_DATE_FORMAT:
        return KEY_COLUMNS
    return LEGACY_KEY_COLUMNS


def missing_start_date(out: Path) -> str | None:
    """The start date to fill in for rows written without one (formats 2 and 3: the sweep's
    only start date, from its manifest); None when the rows carry it."""
    manifest = read_manifest(out)
    if manifest is None or "start_date" in key_columns(manifest):
        return None
    return manifest["spec"].get("start_date") or calendar.START_DATE.isoformat()


def read_design(out: Path) -> pd.DataFrame:
    path = design_path(out)
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException) as err:
        raise DamagedDataError(f"{path}: unreadable ({first_line(err)}); the sweep "
                               f"cannot be resumed, start a new --out") from None


def _read_file(path: Path, columns: list[str] | None,
               start_date: str | None = None) -> pd.DataFrame:
    """One chunk file; an outcome or band file of a format 2 or 3 directory gets the
    `start_date` column it lacks (`start_date`, from `missing_start_date`)."""
    fill = start_date is not None and path.parent.name in ("outcomes", "bands") and (
        columns is None or "start_date" in columns)
    if fill and columns is not None:
        columns = [c for c in columns if c != "start_date"]
    try:
        frame = pd.read_parquet(path, columns=columns)
    except (OSError, ValueError, pa.ArrowException) as err:
        raise DamagedDataError(f"{path}: damaged chunk file ({first_line(err)}); "
                               f"`conflictsim sweep SPEC --out {path.parent.parent} --resume` "
                               f"computes it again") from None
    if fill and "start_date" not in frame:
        frame.insert(1 if "row" in frame else 0, "start_date",
                     np.full(len(frame), start_date, dtype=object))
    return frame


def table_files(out: Path, name: str = "outcomes") -> list[Path]:
    folder = Path(out) / name
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def read_table(out: Path, name: str = "outcomes", columns: list[str] | None = None) -> pd.DataFrame:
    """A whole table, rows in `row` (or point/day) order; for big sweeps prefer `iter_chunks`."""
    files = table_files(out, name)
    if not files:
        return pd.DataFrame(columns=columns or [])
    start_date = missing_start_date(out)
    frame = pd.concat([_read_file(f, columns, start_date) for f in files], ignore_index=True)
    keys = ("row", "day") if "row" in frame else ("start_date", "scenario", "point", "day")
    order = [c for c in keys if c in frame]
    return frame.sort_values(order, kind="stable", ignore_index=True) if order else frame


def iter_chunks(out: Path, name: str = "outcomes", columns: list[str] | None = None):
    """One chunk's table at a time (bounded memory)."""
    start_date = missing_start_date(out)
    for path in table_files(out, name):
        yield _read_file(path, columns, start_date)


def check_sizes(out: Path) -> None:
    """Cheap check before reading: every recorded chunk file exists with its recorded size."""
    for chunk_id, record in read_records(out).items():
        for entry in record.get("files", {}).values():
            path = Path(out) / entry["path"]
            if not path.is_file() or path.stat().st_size != entry["bytes"]:
                state = "missing" if not path.is_file() else \
                    f"{path.stat().st_size} bytes, {entry['bytes']} recorded"
                raise DamagedDataError(f"{path}: damaged chunk file ({state}); `conflictsim "
                                       f"sweep SPEC --out {out} --resume` computes it again")


def environment() -> dict[str, Any]:
    """Versions and CPU features of this process (see `provenance.environment`)."""
    return dict(provenance.environment())


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def design_frame(names: tuple[str, ...], design: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(design, columns=list(names))
    frame.insert(0, "point", np.arange(len(design), dtype=np.int64))
    return frame

