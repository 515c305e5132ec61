"""Sweeps on a batch cluster through dask-jobqueue (SLURM here; PBS, SGE, LSF and HTCondor have
clusters with the same interface), or on any Dask cluster object.

    from experiments import cluster
    slurm = cluster.slurm(cores_per_job=8, memory_per_job="16GB", walltime="04:00:00",
                          queue="normal", account="my-project")
    result = cluster.sweep_on(slurm, "experiments/specs/cluster_slurm.toml",
                              out="results/cluster", workers=64)
    slurm.close()

`sweep_on` scales the cluster to `workers` single-threaded worker processes (dask-jobqueue
submits as many jobs as that takes), waits until they are up, runs the sweep through the
cluster's scheduler with the CLI's code path (`experiments.run(..., executor="dask")`), and scales
back to zero. A `distributed.LocalCluster` has the same `scale`/`scheduler_address` interface,
which is how the tests run this very code. Results are exact whatever the cluster: a lost job's
chunks are recomputed by Dask, and `resume=True` completes a sweep whose jobs hit their wall time.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sim.params import InputError

from . import api


class ClusterError(InputError):
    """The cluster did not provide the workers asked for in time."""


def slurm(*, cores_per_job: int = 1, memory_per_job: str = "4GB", walltime: str = "02:00:00",
          queue: str | None = None, account: str | None = None, python: str | None = None,
          prologue: tuple[str, ...] = (), **options: Any):
    """A `dask_jobqueue.SLURMCluster` whose jobs each run `cores_per_job` single-threaded worker
    processes with this interpreter (the project must be installed where the jobs run, e.g. the
    same virtual environment on a shared file system: workers import `sim`)."""
    from dask_jobqueue import SLURMCluster

    return SLURMCluster(cores=cores_per_job, processes=cores_per_job, memory=memory_per_job,
                        walltime=walltime, queue=queue, account=account,
                        python=python or sys.executable, job_script_prologue=list(prologue),
                        scheduler_options={"dashboard_address": ":0"}, **options)


def sweep_on(cluster, spec, out: str | Path, *, workers: int, wait_seconds: float = 600.0,
             resume: bool = False, progress: bool = True, scale_down: bool = True):
    """Run `spec` into `out` on `cluster` with `workers` worker processes; returns the
    `experiments.Experiment`."""
    from distributed import Client

    cluster.scale(n=workers)
    try:
        with Client(cluster) as client:
            try:
                client.wait_for_workers(workers, timeout=wait_seconds)
            except TimeoutError:
                up = len(client.scheduler_info(n_workers=-1).get("workers", {}))
                raise ClusterError(f"cluster: {up} of {workers} workers came up within "
                                   f"{wait_seconds:g} s (are the jobs queued? see squeue and "
                                   f"the job logs)") from None
        return api.run(spec, out=out, executor="dask", scheduler=cluster.scheduler_address,
                       resume=resume, progress=progress)
    finally:
        if scale_down:
            cluster.scale(n=0)
