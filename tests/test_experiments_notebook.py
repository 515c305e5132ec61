"""The ceasefire study of docs/notebooks runs end to end at small sizes, as a reader runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_ceasefire_study_runs_clean_end_to_end(tmp_path):
    out = tmp_path / "study"
    result = subprocess.run([sys.executable, str(ROOT / "docs" / "notebooks" / "ceasefire_study.py"),
                             "--out", str(out), "--points", "12", "--replicates", "4",
                             "--morris", "2"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    printed = result.stdout
    assert "<Experiment 'ceasefire_study': 96 runs of 96, 12 points" in printed
    assert "--- discover over levers ---" in printed and "--- discover over all ---" in printed
    assert "the world: 28 drawn parameters" in printed or "drawn parameters" in printed
    rows = pd.read_parquet(out / "sweep" / "outcomes")
    assert {"drawn_force_ratio_exponent", "type_ukraine_resolve", "days_talking",
            "days_in_ceasefire"} <= set(rows.columns)
    assert rows["offer_interval_days"].dtype.kind == "i"  # an integer parameter stays whole
    assert (out / "discover_all" / "prim_trajectory.csv").is_file()
    assert (out / "discover_all" / "noise.csv").is_file()
    assert (out / "plots" / "heatmap_reached_ceasefire_day_freeze.png").is_file()
    assert "between_replicates_share" in printed
    assert "dimensional stacking" in printed and (out / "discover_all" / "stacking.csv").is_file()
    assert "box fans:" in printed and (out / "discover_all" / "prim_fans_box1.png").is_file()
    assert "dummy" in printed.split("a lever whose mu*")[0].rsplit("--- discover over all", 1)[1]
