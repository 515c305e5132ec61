"""One writer per output directory: a lock file naming the process that holds it.

`DIR/.lock` is created exclusively (O_CREAT | O_EXCL) and holds the owner's pid, host and process
start time. A second sweep into the directory is refused with a message naming the owner. A lock
left by a process that no longer runs (killed with -9, a crashed machine) is detected by its pid
(and start time, so a reused pid is not mistaken for the owner) and taken over.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from sim.params import InputError

LOCK = ".lock"


class LockedError(InputError):
    """Another live process is writing into the directory."""


def process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), to tell a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def is_alive(owner: dict[str, Any]) -> bool | None:
    """Whether the lock's owner still runs: None when it is on another host (cannot tell)."""
    if owner.get("host") != platform.node():
        return None
    pid = owner.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    started = owner.get("process_start")
    return started is None or process_start(pid) in (None, started)


def read_owner(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((Path(folder) / LOCK).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}


class DirectoryLock:
    """`with DirectoryLock(dir, "--out"):` holds the directory's lock (creating the directory)."""

    def __init__(self, folder: Path, option: str = "--out", command: str = "sweep"):
        self.folder = Path(folder)
        self.option = option
        self.command = command
        self.path = self.folder / LOCK
        self.took_over: dict[str, Any] | None = None
        self.created: list[Path] = []  # folders this lock created, removed again if left empty

    def __enter__(self) -> "DirectoryLock":
        self.acquire()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def acquire(self) -> None:
        me = {"pid": os.getpid(), "host": platform.node(), "process_start": process_start(os.getpid()),
              "command": self.command, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        missing = self.folder.absolute()
        while not missing.exists():
            self.created.append(missing)
            missing = missing.parent
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            self.created = []
            raise InputError(f"{self.option} {self.folder}: cannot create the directory "
                             f"({err.strerror or err}); choose a writable path") from None
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = read_owner(self.folder)
                if owner is None:
                    continue  # released meanwhile: try again
                alive = is_alive(owner) if owner else False
                if alive is not False:
                    where = f"pid {owner.get('pid')} on {owner.get('host')}"
                    hint = ("wait for it to finish or stop it" if alive else
                            f"if that process is gone, delete {self.path}")
                    raise LockedError(f"{self.option} {self.folder}: another {owner.get('command', 'sweep')} "
                                      f"({where}, started {owner.get('started')}) is writing "
                                      f"there; {hint}")
                self._take_over(owner)
                continue
            except OSError as err:
                raise InputError(f"{self.option} {self.folder}: cannot write there "
                                 f"({err.strerror or err}); choose a writable directory") from None
            with os.fdopen(fd, "w") as handle:
                json.dump(me, handle)
            return
        raise LockedError(f"{self.option} {self.folder}: could not take the lock {self.path} "
                          f"(another process keeps taking it)")

    def _take_over(self, owner: dict[str, Any]) -> None:
        """Remove a dead owner's lock: rename first, so of two processes taking over at once
        only one removes it and the other retries against the new owner."""
        grave = self.path.with_name(f"{LOCK}.stale.{os.getpid()}")
        try:
            os.rename(self.path, grave)
        except FileNotFoundError:
            return
        stolen = read_owner_file(grave)
        if stolen != owner and stolen is not None and is_alive(stolen):
            os.rename(grave, self.path)  # a live owner took it meanwhile: give it back
            return
        grave.unlink(missing_ok=True)
        self.took_over = owner

    def release(self) -> None:
        owner = read_owner(self.folder)
        if owner and owner.get("pid") == os.getpid():
            self.path.unlink(missing_ok=True)
        for folder in self.created:  # deepest first: nothing was written, leave no trace
            try:
                folder.rmdir()
            except OSError:
                break


def read_owner_file(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
