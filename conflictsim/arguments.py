"""The command line's exit codes and its argument checks, in one place for every command.

Each check is an argparse `type=` function. A value it refuses becomes one line in the house
style, `FIELD=VALUE is not allowed: WHAT IS ALLOWED` (the value as typed: bare when it reads as
a number, quoted when it does not), which the parser prints after `conflictsim COMMAND: error:`
before exiting with `EXIT_BAD_INPUT`. This module imports nothing from the project when it loads
(the output paths' checks raise `sim.params.InputError`, imported when they run), so every
command module (`conflictsim.cli`, `.research`, `.dashboard`) can use it; no other module raises
`argparse.ArgumentTypeError` (tests/test_layers.py holds it to that).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import Callable, TypeVar

EXIT_ABORTED = 1    # a sweep or calibration that could not go on, or a file not written
EXIT_BAD_INPUT = 2  # bad input: one line naming the field, the value and what is allowed

T = TypeVar("T")


def error_line(command: str, message: str) -> str:
    """A command's error, as argparse names its own: `conflictsim COMMAND: error: MESSAGE`."""
    return f"conflictsim {command}: error: {message}"


def report_error(command: str, message: str) -> None:
    """Print a command's error as one line on stderr (`error_line`)."""
    print(error_line(command, message), file=sys.stderr)


def refusal(field: str, shown: str, allowed: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(f"{field}={shown} is not allowed: {allowed}")


def checked(field: str, parse: Callable[[str], T], allowed: str) -> Callable[[str], T]:
    """`parse`, with any `ValueError` it raises (the project's `InputError` among them)
    refused in the house style."""
    def check(text: str) -> T:
        try:
            return parse(text)
        except ValueError:
            raise refusal(field, repr(text), allowed) from None
    return check


def _span(low, high, low_open: bool, fmt: str) -> str:
    if high is None:
        return f"{'>' if low_open else '>='} {low:{fmt}}"
    return f"in {'(' if low_open else '['}{low:{fmt}}, {high:{fmt}}]"


def _in_range(field: str, convert, allowed: str, inside):
    def check(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise refusal(field, repr(text), allowed) from None
        if not inside(value):
            raise refusal(field, text.strip(), allowed)
        return value
    return check


def whole(field: str, low: int, high: int | None = None, unit: str = "") -> Callable[[str], int]:
    """A whole number in [low, high] (no upper end when `high` is None), e.g. `--runs`;
    `unit` ("seconds") names what it counts."""
    allowed = f"a whole number{' of ' + unit if unit else ''} {_span(low, high, False, '')}"
    return _in_range(field, int, allowed,
                     lambda value: low <= value and (high is None or value <= high))


def number(field: str, low: float, high: float | None = None, low_open: bool = False,
           unit: str = "") -> Callable[[str], float]:
    """A finite number from `low` (excluded when `low_open`) to `high` (included; no upper
    end when None); `unit` ("seconds") names what it measures."""
    allowed = f"a number{' of ' + unit if unit else ''} {_span(low, high, low_open, 'g')}"
    return _in_range(field, float, allowed,
                     lambda value: math.isfinite(value) and (low < value if low_open else
                                                             low <= value)
                     and (high is None or value <= high))


def seconds(field: str) -> Callable[[str], float]:
    """A positive, finite number of seconds (a timeout)."""
    return number(field, 0, low_open=True, unit="seconds")


def directory(field: str, allowed: str = "an existing directory") -> Callable[[str], Path]:
    """An existing directory (`~` expanded), returned as an absolute path."""
    def parse(text: str) -> Path:
        path = Path(text).expanduser()
        if not path.is_dir():
            raise ValueError(text)
        return path.resolve()
    return checked(field, parse, allowed)


def output_file(field: str, path: str | None) -> Path | None:
    """Check, before any work, that an output file can be written: its folder must exist (a
    mistyped folder is refused, not created)."""
    from sim.params import InputError

    if path is None:
        return None
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InputError(f"{field}={path!r} is not allowed: a file path, not a directory")
    if not parent.is_dir():
        raise InputError(f"{field}={path!r} is not allowed: folder {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise InputError(f"{field}={path!r} is not allowed: a path you can write to")
    return target


def distinct_outputs(outputs: dict[str, Path | None]) -> None:
    """Refuse two output flags (field -> checked path, None when not given) that name one file:
    the second write would replace what the first wrote, results lost without a word."""
    from sim.params import InputError

    writer_of: dict[Path, str] = {}
    for field, path in outputs.items():
        if path is None:
            continue
        same = writer_of.setdefault(path.resolve(), field)
        if same != field:
            raise InputError(f"{field}={str(path)!r} is not allowed: {same} writes that file; "
                             "give each output its own file")


def output_folder(field: str, path: str) -> Path:
    """A folder to write files into: refused if it is a file or cannot be created."""
    from sim.params import InputError

    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{field}={path} is not allowed: it exists and is not a folder; give a "
                         f"folder for the files (it is created if missing)")
    ancestor = folder.absolute()
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(f"{field}={path} is not allowed: {ancestor} is not a folder")
    return folder
