"""The cluster recipe: its spec is valid, `cluster.slurm` writes a SLURM job script that starts
single-threaded workers from this environment, and `cluster.sweep_on` (the client code of the
recipe) runs the spec on a Dask cluster object, here a `LocalCluster` with the same interface,
giving exactly the serial rows."""

from __future__ import annotations

import logging
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import experiments
from experiments import cluster, spec as spec_module

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ROOT / "experiments" / "specs" / "cluster_slurm.toml"


def small_recipe() -> dict:
    """The recipe's spec, cut down to seconds: fewer samples, replicates and days."""
    data = tomllib.loads(RECIPE.read_text())
    data.update(days=40, replicates=3, chunk_size=12)
    data["sampler"]["samples"] = 8
    return data


def test_recipe_spec_is_valid_and_sized_for_a_cluster():
    spec = spec_module.load(RECIPE)
    assert spec_module.n_rows(spec) >= 100_000
    assert any(f.distribution == "normal" for f in spec.factors)
    assert spec.output.derived


def test_slurm_job_script_starts_single_threaded_workers_from_this_environment():
    slurm = cluster.slurm(cores_per_job=4, memory_per_job="8GB", walltime="03:00:00",
                          queue="compute", account="proj42",
                          prologue=("module load python/3.12",))
    try:
        script = slurm.job_script()
    finally:
        slurm.close()
    assert "#SBATCH -p compute" in script and "#SBATCH -A proj42" in script
    assert "#SBATCH -t 03:00:00" in script and "#SBATCH --cpus-per-task=4" in script
    assert "module load python/3.12" in script
    assert f"{sys.executable} -m distributed.cli.dask_worker" in script
    assert "--nthreads 1" in script and "--nworkers 4" in script


@pytest.mark.slow
def test_sweep_on_a_cluster_object_gives_the_serial_rows(tmp_path):
    from distributed import LocalCluster

    serial = experiments.run(small_recipe())
    local = LocalCluster(n_workers=0, threads_per_worker=1, processes=True,
                         dashboard_address=":0", silence_logs=logging.ERROR)
    try:
        result = cluster.sweep_on(local, small_recipe(), tmp_path / "on-cluster", workers=2,
                                  wait_seconds=120, progress=False)
        assert local.worker_spec == {}  # asked to scale back down
    finally:
        local.close()
    assert len(result.outcomes) == 8 * 3
    assert {"day_area_above_120k", "winter_outage_mean"} <= set(result.outcomes)
    pd.testing.assert_frame_equal(result.outcomes, serial.outcomes, check_exact=True)
    assert result.manifest["sessions"][-1]["executor"] == "DaskEvaluator"


def test_too_few_workers_is_a_clear_error(tmp_path):
    from distributed import LocalCluster

    class NoJobsStart(LocalCluster):
        """A cluster whose scale requests are never met (jobs stuck in the queue)."""

        def scale(self, n=0, **kwargs):
            return None

    local = NoJobsStart(n_workers=0, processes=False, dashboard_address=":0",
                        silence_logs=logging.ERROR)
    try:
        with pytest.raises(cluster.ClusterError, match="0 of 2 workers came up within 1 s"):
            cluster.sweep_on(local, small_recipe(), tmp_path / "x", workers=2, wait_seconds=1)
    finally:
        local.close()
    assert not (tmp_path / "x").exists()
