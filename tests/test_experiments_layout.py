"""The dataset layout: one folder per table, so a glob per folder reads one table; the one-liners
of docs/EXPERIMENTS.md ("Dataset layout") run as written with pandas, polars and DuckDB and give
the rows of `experiments.load` and `conflictsim results`; older directories are read and moved."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest

import experiments
from experiments import chunks, storage
from conflictsim.cli import main as conflictsim

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "EXPERIMENTS.md"

# Replicates split over chunks (6 per point, chunk_size 4), so every table a sweep can write is
# there: design, outcomes, trajectories, bands and the internal band parts.
SPEC = """
name = "layout"
scenarios = ["status_quo", "burden_shift"]
days = 30
seed = 3
replicates = 6
chunk_size = 4

[sampler]
method = "grid"

[parameters]
trump_aid_level = { range = [0.0, 1.0], steps = 2 }

[output]
outcomes = ["occupied_km2_final", "ceasefire_day", "talks_phase_final", "outcome"]
trajectories = "weekly"
bands = "weekly"
fields = ["occupied_km2"]
quantiles = [0.1, 0.5, 0.9]
"""
ROWS = 2 * 2 * 6
READ_AS_TABLES = ("outcomes", "design", "bands", "trajectories")
SORT_KEYS = {"outcomes": ["row"], "design": ["point"], "bands": ["scenario", "point", "day"],
             "trajectories": ["row", "day"]}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("layout")
    spec = folder / "layout.toml"
    spec.write_text(SPEC)
    out = folder / "sweep"
    assert conflictsim(["sweep", str(spec), "--out", str(out), "--quiet"]) == 0
    return out


def doc_blocks() -> list[str]:
    """The Python blocks of the "Dataset layout" section, as written."""
    text = DOCS.read_text()
    section = text[text.index("### Dataset layout"):]
    section = section[:re.search(r"\n##+ |\n\*\*Exactness", section[1:]).start() + 1]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def run_block(block: str, out: Path, table: str = "outcomes") -> dict:
    names: dict = {}
    exec(block.replace("DIR/outcomes", f"{out}/{table}").replace("DIR", str(out)), names)
    return names


def as_lists(frame: pd.DataFrame) -> dict[str, list]:
    """Each column's values in plain terms (missing as None), whatever dtype a reader chose."""
    plain = {}
    for name in frame.columns:
        values = frame[name]
        categorical = isinstance(values.dtype, pd.CategoricalDtype)
        if pd.api.types.is_numeric_dtype(values) and not categorical:
            plain[name] = [None if np.isnan(v) else v for v in values.to_numpy(dtype=float)]
        else:
            plain[name] = [None if pd.isna(v) else str(v) for v in values]
    return plain


@pytest.mark.slow
def test_every_parquet_file_lies_in_one_table_folder_with_one_schema(dataset):
    files = sorted(dataset.rglob("*.parquet"))
    folders = {path.relative_to(dataset).parts[0] for path in files}
    assert folders == {*READ_AS_TABLES, chunks.BAND_PARTS}
    assert all(len(path.relative_to(dataset).parts) == 2 for path in files)
    schemas = {}
    for folder in folders:
        found = {pq.read_schema(path).remove_metadata()
                 for path in (dataset / folder).rglob("*.parquet")}
        assert len(found) == 1, folder
        schemas[folder] = found.pop()
        assert pl.read_parquet(f"{dataset}/{folder}/**/*.parquet").width == len(schemas[folder])
    assert len(set(schemas.values())) == len(schemas)  # so one glob over DIR would mix them
    with pytest.raises(pl.exceptions.PolarsError):
        pl.read_parquet(f"{dataset}/**/*.parquet")


@pytest.mark.slow
def test_documented_one_liners_read_the_tables_the_api_and_results_give(dataset, capsys):
    assert conflictsim(["results", str(dataset)]) == 0
    printed = capsys.readouterr().out
    assert f"runs: {ROWS:,} of {ROWS:,}" in printed
    median = re.search(r"occupied_km2_final q50 +(\S+)", printed)
    assert median and re.fullmatch(r"\d{3},\d{3}", median.group(1)), "areas as the outcome table writes them"
    assert "nan" not in printed
    loaded = experiments.load(dataset)
    assert len(loaded.outcomes) == ROWS
    one_liners = doc_blocks()[0]
    for table in READ_AS_TABLES:
        expected = getattr(loaded, table)
        read = run_block(one_liners, dataset, table)
        by_pandas = read["by_pandas"].sort_values(SORT_KEYS[table], ignore_index=True)
        pd.testing.assert_frame_equal(by_pandas, expected, check_exact=True)
        for reader in ("by_polars", "by_duckdb"):
            frame = read[reader]
            frame = frame.to_pandas() if isinstance(frame, pl.DataFrame) else frame
            assert list(frame.columns) == list(expected.columns), (table, reader)
            frame = frame.sort_values(SORT_KEYS[table], ignore_index=True)
            assert as_lists(frame) == as_lists(expected), (table, reader)
    in_file_order = run_block(one_liners, dataset)
    assert list(in_file_order["by_pandas"]["row"]) == list(range(ROWS))
    assert list(in_file_order["by_polars"]["row"]) == list(range(ROWS))


def test_documented_queries_answer_as_pandas_does(dataset):
    outcomes = experiments.load(dataset).outcomes
    read = run_block("\n".join(doc_blocks()[:2]), dataset)  # the queries use the first's imports
    expected = outcomes.groupby("scenario")["occupied_km2_final"].median().sort_index()
    assert list(read["medians"]["scenario"]) == list(expected.index)
    np.testing.assert_allclose(read["medians"]["occupied_km2"], expected.to_numpy(), rtol=1e-12)
    status_quo = read["status_quo"].to_pandas()
    wanted = outcomes[outcomes["scenario"] == "status_quo"][["row", "point", "occupied_km2_final"]]
    assert as_lists(status_quo) == as_lists(wanted.reset_index(drop=True))


def make_format_3(out: Path) -> None:
    """What a sweep wrote before start dates were an axis: outcome and band rows without
    start_date (its checksum records to match) and the spec's one start date as start_date."""
    for record_path in sorted((out / storage.CHECKSUMS).glob("chunk-*.json")):
        record = json.loads(record_path.read_text())
        for name, entry in record["files"].items():
            path = out / entry["path"]
            if name in ("outcomes", "bands"):
                pd.read_parquet(path).drop(columns="start_date").to_parquet(path, index=False)
                entry.update(sha256=storage.sha256_of(path), bytes=path.stat().st_size)
        record_path.write_text(json.dumps(record))
    for path in sorted((out / "bands").glob("*.parquet")):  # split points' bands
        frame = pd.read_parquet(path)
        if "start_date" in frame:
            frame.drop(columns="start_date").to_parquet(path, index=False)
    manifest = json.loads((out / storage.MANIFEST).read_text())
    spec = {**manifest["spec"]}
    dates = spec.pop("start_dates")
    if dates:
        spec["start_date"] = dates[0]
    manifest.pop("start_dates")
    storage.write_manifest(out, {**manifest, "spec": spec, "format": 3})


def make_format_2(out: Path) -> None:
    """What a sweep wrote before this layout: the design at the top of DIR."""
    make_format_3(out)
    (out / storage.DESIGN).rename(out / storage.LEGACY_DESIGN)
    (out / storage.DESIGN_ROOT).rmdir()
    manifest = json.loads((out / storage.MANIFEST).read_text())
    storage.write_manifest(out, {**manifest, "format": 2})


def test_an_older_directory_is_read_with_a_note_and_moved_by_resume(dataset, tmp_path, capsys):
    old = tmp_path / "old"
    shutil.copytree(dataset, old)
    make_format_2(old)
    loaded = experiments.load(old)
    pd.testing.assert_frame_equal(loaded.design, experiments.load(dataset).design)
    assert conflictsim(["results", str(old)]) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if "old layout" in line]
    assert len(notes) == 1 and "design.parquet" in notes[0] and "--resume" in notes[0]
    (tmp_path / "layout.toml").write_text(SPEC)
    assert conflictsim(["sweep", str(tmp_path / "layout.toml"), "--out", str(old), "--resume",
                        "--quiet"]) == 0
    assert (old / storage.DESIGN).is_file() and not (old / storage.LEGACY_DESIGN).exists()
    assert json.loads((old / storage.MANIFEST).read_text())["format"] == storage.LAYOUT_FORMAT
    moved = experiments.load(old)
    pd.testing.assert_frame_equal(moved.design, loaded.design)
    pd.testing.assert_frame_equal(moved.outcomes, loaded.outcomes)
    assert conflictsim(["results", str(old)]) == 0
    assert "old layout" not in capsys.readouterr().out


def test_the_analysis_extra_installs_the_docs_readers_and_dev_sh_installs_it():
    import importlib.metadata
    import re

    requires = importlib.metadata.requires("conflictsim") or []
    analysis = {re.split(r"[<>=;\s]", r)[0] for r in requires if 'extra == "analysis"' in r}
    assert {"polars", "duckdb"} <= analysis
    root = Path(__file__).resolve().parents[1]
    assert '".[test,analysis]"' in (root / "dev.sh").read_text()
    pins = (root / "constraints.txt").read_text().splitlines()
    for name in ("polars", "duckdb"):  # exact pins, within the extra's bounds
        assert any(line.startswith(f"{name}==") for line in pins)
        assert importlib.metadata.version(name) in {line.split("==")[1] for line in pins
                                                      if line.startswith(f"{name}==")}


def test_a_directory_from_before_start_dates_reads_and_resumes_with_its_date_filled_in(
        dataset, tmp_path, capsys):
    old = tmp_path / "old"
    shutil.copytree(dataset, old)
    make_format_3(old)
    assert "start_date" not in pq.read_schema(next((old / "outcomes").glob("*.parquet"))).names
    for table in ("outcomes", "bands"):
        read = storage.read_table(old, table)
        pd.testing.assert_frame_equal(read, storage.read_table(dataset, table), check_exact=True)
        assert set(read["start_date"]) == {"2024-12-01"}
    assert conflictsim(["results", str(old)]) == 0
    assert "from 2024-12-01" in capsys.readouterr().out
    assert conflictsim(["discover", str(old), "--where", "occupied_km2_final > 110000"]) == 0
    # a resume recomputes a lost chunk without start_date, so each table keeps one schema
    (old / storage.CHECKSUMS / storage.record_name(0)).unlink()
    (tmp_path / "layout.toml").write_text(SPEC)
    assert conflictsim(["sweep", str(tmp_path / "layout.toml"), "--out", str(old), "--resume",
                        "--quiet"]) == 0
    for table in ("outcomes", "bands"):
        assert len({pq.read_schema(p).remove_metadata()
                    for p in (old / table).glob("*.parquet")}) == 1
        pd.testing.assert_frame_equal(storage.read_table(old, table),
                                      storage.read_table(dataset, table), check_exact=True)
    assert json.loads((old / storage.MANIFEST).read_text())["format"] == 3
