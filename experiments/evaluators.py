"""Where chunks run: in this process, on local processes, or on a Dask cluster.

Every evaluator is a context manager with one method, `imap_unordered(fn, tasks)`, that yields
`fn(task)` for each task as results arrive. At most a few tasks per worker are in flight, so the
sweep's memory stays bounded however many chunks it has. Optional back-ends (multiprocessing,
Dask) are imported only when chosen, as in the EMA Workbench.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Iterator

from sim.params import InputError

EXECUTORS = ("serial", "processes", "dask")
IN_FLIGHT_PER_WORKER = 2


class SchedulerError(InputError):
    """The Dask scheduler named by --scheduler cannot be reached."""


class SerialEvaluator:
    """Runs each task in this process, in order; the reference the others must match."""

    n_workers = 1

    def __enter__(self) -> "SerialEvaluator":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator:
        for task in tasks:
            yield fn(task)


class ProcessEvaluator:
    """Local worker processes (forkserver: no threads or locks inherited from the parent)."""

    def __init__(self, n_workers: int):
        self.n_workers = n_workers
        self._pool = None

    def __enter__(self) -> "ProcessEvaluator":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("forkserver")
        self._pool = ProcessPoolExecutor(max_workers=self.n_workers, mp_context=context)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator:
        from concurrent.futures import FIRST_COMPLETED, wait

        pending: set = set()
        queue = iter(tasks)
        limit = IN_FLIGHT_PER_WORKER * self.n_workers
        while True:
            for task in queue:
                pending.add(self._pool.submit(fn, task))
                if len(pending) >= limit:
                    break
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()


class DaskEvaluator:
    """A Dask distributed cluster: `scheduler` ("tcp://host:port") or a LocalCluster of
    `n_workers` single-threaded worker processes. Dask re-runs the tasks of a lost worker; a
    task's result depends only on the task, so the sweep stays exact."""

    def __init__(self, n_workers: int, scheduler: str | None = None,
                 connect_timeout: float = 10.0, retries: int = 3):
        self.requested_workers = n_workers
        self.scheduler = scheduler
        self.connect_timeout = connect_timeout
        self.retries = retries
        self._client = None
        self._cluster = None

    @property
    def n_workers(self) -> int:
        if self._client is None:
            return self.requested_workers
        workers = self._client.scheduler_info(n_workers=-1).get("workers", {})
        return max(1, sum(w.get("nthreads", 1) for w in workers.values()))

    def __enter__(self) -> "DaskEvaluator":
        from distributed import Client, LocalCluster

        if self.scheduler is None:
            self._cluster = LocalCluster(n_workers=self.requested_workers, threads_per_worker=1,
                                         processes=True, dashboard_address=None,
                                         silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
            return self
        try:
            self._client = Client(self.scheduler, timeout=f"{self.connect_timeout}s")
        except (OSError, TimeoutError, ValueError) as err:
            raise SchedulerError(f"--scheduler {self.scheduler}: cannot reach the Dask "
                                 f"scheduler ({_first_line(err)})") from None
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator:
        from distributed import as_completed

        queue = iter(tasks)
        limit = IN_FLIGHT_PER_WORKER * self.n_workers
        submit = lambda task: self._client.submit(fn, task, pure=False, retries=self.retries)
        first = [submit(task) for _, task in zip(range(limit), queue)]
        if not first:
            return
        running = as_completed(first)
        for future in running:
            result = future.result()
            future.release()
            for task in queue:
                running.add(submit(task))
                break
            yield result


def make(executor: str, n_workers: int | None = None, scheduler: str | None = None,
         connect_timeout: float = 10.0):
    """The evaluator for a `--executor` choice; `--scheduler` implies Dask."""
    import os

    workers = n_workers or os.cpu_count() or 1
    if scheduler is not None and executor != "dask":
        raise InputError(f"--scheduler {scheduler}: needs --executor dask (got {executor})")
    if executor == "serial":
        return SerialEvaluator()
    if executor == "processes":
        return ProcessEvaluator(workers)
    if executor == "dask":
        return DaskEvaluator(workers, scheduler, connect_timeout)
    raise InputError(f"--executor {executor}: one of {', '.join(EXECUTORS)}")


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
