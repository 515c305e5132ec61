"""Where chunks run: in this process, on local processes, or on a Dask cluster.

Every evaluator is a context manager with one method, `imap_unordered(fn, tasks)`, that yields
`fn(task)` for each task as results arrive. At most a few tasks per worker are in flight, so the
sweep's memory stays bounded however many chunks it has. Optional back-ends (multiprocessing,
Dask) are imported only when chosen, as in the EMA Workbench.

Nothing started here outlives the sweep: local workers are this process's children, die with it
(Linux: PR_SET_PDEATHSIG; elsewhere a watchdog thread notices the parent is gone within a second)
and are killed, not waited for, when the sweep stops on an error or a signal. A Dask sweep whose
cluster has no worker left for `worker_timeout` seconds stops with a message instead of waiting
forever.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from typing import Any, Callable, Iterable, Iterator

from sim.params import InputError, first_line

EXECUTORS = ("serial", "processes", "dask")
IN_FLIGHT_PER_WORKER = 2
WATCHDOG_SECONDS = 1.0
DEFAULT_WORKER_TIMEOUT = 60.0
PR_SET_PDEATHSIG = 1


class SchedulerError(InputError):
    """The Dask scheduler named by --scheduler cannot be reached."""


class SweepAborted(Exception):
    """The sweep cannot go on (every worker lost, a worker running another model): one line;
    the chunks already written are kept and `--resume` continues."""


def _die_with_parent(parent_pid: int) -> None:
    """Worker initializer: end this worker when the process that started it ends, whatever
    killed it (kill -9 included)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_SECONDS)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


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
    """Local worker processes, started with spawn (no threads or locks inherited from the
    parent) as direct children of this process, so they can die with it."""

    def __init__(self, n_workers: int):
        self.n_workers = n_workers
        self._pool = None

    def __enter__(self) -> "ProcessEvaluator":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=self.n_workers, mp_context=context,
                                         initializer=_die_with_parent, initargs=(os.getpid(),))
        return self

    def __exit__(self, exc_type, *exc: Any) -> None:
        if exc_type is None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            return
        self.terminate()

    def terminate(self) -> None:
        """Kill the workers now (a chunk in flight is lost, to be recomputed on resume).
        Python 3.12's pool has no public way to reach its processes, hence `_processes`."""
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join(timeout=10)
        self._pool.shutdown(wait=True)

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

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
                try:
                    result = future.result()
                except BrokenProcessPool:
                    raise SweepAborted(
                        "--executor processes: a worker process died (killed, or out of "
                        "memory: try a smaller --chunk-size); the chunks written are kept, "
                        "--resume continues") from None
                yield result


class DaskEvaluator:
    """A Dask distributed cluster: `scheduler` ("tcp://host:port") or a LocalCluster of
    `n_workers` single-threaded worker processes. Dask re-runs the tasks of a lost worker; a
    task's result depends only on the task, so the sweep stays exact."""

    def __init__(self, n_workers: int, scheduler: str | None = None,
                 connect_timeout: float = 10.0, retries: int = 3,
                 worker_timeout: float = DEFAULT_WORKER_TIMEOUT, poll_seconds: float = 0.5):
        self.requested_workers = n_workers
        self.scheduler = scheduler
        self.connect_timeout = connect_timeout
        self.retries = retries
        self.worker_timeout = worker_timeout
        self.poll_seconds = poll_seconds
        self._pending: set = set()
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
                                 f"scheduler ({first_line(err)})") from None
        return self

    def __exit__(self, exc_type, *exc: Any) -> None:
        if self._client is not None:
            if exc_type is not None:
                self._cancel_pending()
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def _cancel_pending(self) -> None:
        try:
            self._client.cancel(list(self._pending), force=True)
        except Exception:  # the cluster may be gone already; nothing more to cancel
            pass

    def n_live_workers(self) -> int:
        try:
            return len(self._client.scheduler_info(n_workers=-1).get("workers", {}))
        except Exception:
            return 0

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator:
        from distributed import KilledWorker, wait
        from distributed.client import FutureCancelledError

        queue = iter(tasks)
        limit = IN_FLIGHT_PER_WORKER * self.n_workers
        submit = lambda task: self._client.submit(fn, task, pure=False, retries=self.retries)
        self._pending = {submit(task) for _, task in zip(range(limit), queue)}
        no_worker_since = None
        while self._pending:
            try:
                done, self._pending = wait(self._pending, timeout=self.poll_seconds,
                                           return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            if not done:
                if self.n_live_workers():
                    no_worker_since = None
                elif no_worker_since is None:
                    no_worker_since = time.monotonic()
                elif time.monotonic() - no_worker_since > self.worker_timeout:
                    raise SweepAborted(
                        f"{self._where()}: no Dask worker left for {self.worker_timeout:g} s "
                        f"({len(self._pending)} chunks waiting); the chunks written are kept: "
                        f"start workers and run again with --resume")
                continue
            for future in done:
                try:
                    result = future.result()
                except FutureCancelledError:
                    raise SweepAborted(f"{self._where()}: a chunk was cancelled by the cluster; "
                                       f"run again with --resume") from None
                except KilledWorker:
                    raise SweepAborted(
                        f"{self._where()}: Dask gave up on a chunk after the workers running "
                        f"it died (out of memory? try a smaller --chunk-size); the chunks "
                        f"written are kept, --resume continues") from None
                future.release()
                for task in queue:
                    self._pending.add(submit(task))
                    break
                yield result

    def _where(self) -> str:
        return f"--scheduler {self.scheduler}" if self.scheduler else "--executor dask"


def check_main_guard(executor: str) -> None:
    """Worker processes are started with spawn, which imports the parent's main script again;
    a script that calls `experiments.run` at its top level, outside
    `if __name__ == "__main__":`, would start the sweep again in every worker, and the workers
    die. Refuse such a script before any worker starts (an interactive session, a notebook or
    `python -c` has no script file and is fine)."""
    import __main__

    path = getattr(__main__, "__file__", None)
    spec = getattr(__main__, "__spec__", None)
    if not path or not str(path).endswith(".py") or \
            (spec is not None and spec.name.endswith(".__main__")):
        return  # no script, or a package's __main__, which spawn does not run again
    try:
        import ast

        tree = ast.parse(open(path, encoding="utf-8").read())
    except (OSError, SyntaxError, UnicodeDecodeError):
        return
    if not any(_is_main_guard(node) for node in tree.body):
        raise InputError(f"executor={executor!r}: the script {path} has no "
                         f"`if __name__ == \"__main__\":` guard, and worker processes re-run a "
                         f"script's top level; put the call to experiments.run under that guard "
                         f"(or use executor=\"serial\")")


def _is_main_guard(node) -> bool:
    import ast

    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    parts = [node.test.left, *node.test.comparators]
    return any(isinstance(p, ast.Name) and p.id == "__name__" for p in parts) and \
        any(isinstance(p, ast.Constant) and p.value == "__main__" for p in parts)


def make(executor: str, n_workers: int | None = None, scheduler: str | None = None,
         connect_timeout: float = 10.0, worker_timeout: float = DEFAULT_WORKER_TIMEOUT):
    """The evaluator for a `--executor` choice; `--scheduler` implies Dask."""
    import os

    workers = n_workers or os.cpu_count() or 1
    if scheduler is not None and executor != "dask":
        raise InputError(f"--scheduler={scheduler!r} is not allowed: it needs --executor dask "
                         f"(got {executor})")
    if executor == "serial":
        return SerialEvaluator()
    if executor == "processes":
        return ProcessEvaluator(workers)
    if executor == "dask":
        return DaskEvaluator(workers, scheduler, connect_timeout,
                             worker_timeout=worker_timeout)
    raise InputError(f"--executor={executor!r} is not allowed: one of {', '.join(EXECUTORS)}")

