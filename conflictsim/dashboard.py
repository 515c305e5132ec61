"""`conflictsim dashboard`: start the students' dashboard on a Solara server.

`register(subparsers)` adds the subcommand to the `conflictsim` parser (conflictsim/cli.py calls it);
`run(args)` starts `solara run dashboards.server` in production mode with telemetry off and without
the version check, so a classroom machine without internet needs nothing from outside.

Safe to serve to a class by default: it listens on 127.0.0.1 only (`--host 0.0.0.0` serves the
room), opening sweep rows is off unless `--sweeps DIR` names the folder whose sweeps may be
opened, and a closed browser tab's session is freed at once (or, when its connection dropped
without the tab saying goodbye, `--session-timeout` seconds later, two minutes by default)
instead of after Solara's default of a day. The server runs in its own process group, and a SIGTERM, SIGHUP or
Ctrl-C to this command ends that whole group before it returns.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess

from conflictsim.arguments import directory, whole

from dashboards.launch import GAME_APP, REPO_ROOT, SESSION_TIMEOUT_SECONDS, server_command, server_env
from dashboards.lessons import LESSONS_DIR, load_lessons

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
ALL_INTERFACES = ("0.0.0.0", "::", "")
STOP_WAIT_SECONDS = 10.0


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "dashboard", help="open the students' dashboard in a browser",
        description="Start the dashboard server (Solara); open the printed address in a browser. "
                    "By default only this machine can connect; --host 0.0.0.0 serves a classroom.")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}, this machine only; "
                        "0.0.0.0 lets the students' machines connect)")
    p.add_argument("--port", type=whole("--port", 1, 65535), default=DEFAULT_PORT,
                   help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--open", action="store_true", help="open a browser window on start")
    p.add_argument("--session-timeout", type=whole("--session-timeout", 1, 86_400, unit="seconds"),
                   default=SESSION_TIMEOUT_SECONDS,
                   metavar="SECONDS",
                   help="free a student's session this long after its connection dropped "
                        f"(default {SESSION_TIMEOUT_SECONDS}, two minutes; a closed tab's "
                        "session is freed at once)")
    p.add_argument("--sweeps", type=directory("--sweeps"), default=None, metavar="DIR",
                   help="let students open rows of the sweeps under DIR, chosen by name from a "
                        "list (default: opening sweep rows is off)")
    p.add_argument("--lessons", type=directory("--lessons", "an existing directory of lesson files"),
                   default=None, metavar="DIR",
                   help="offer the lessons in DIR (TOML files, docs/LESSONS.md) instead of the "
                        "shipped ones; every file is checked before the server starts")
    p.add_argument("--game", action="store_true",
                   help="serve the game instead: students play the leaders; the printed address "
                        "is the teacher's page for a new game")
    p.set_defaults(func=run)
    return p


class _Stop(Exception):
    def __init__(self, signum: int):
        self.signum = signum


def _raise_stop(signum, frame):
    raise _Stop(signum)


def end_process_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's whole process group, then SIGKILL to whatever is left."""
    for sig, wait in ((signal.SIGTERM, STOP_WAIT_SECONDS), (signal.SIGKILL, STOP_WAIT_SECONDS)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        try:  # the leader is gone; a child it left behind may not be
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return


def interface_addresses() -> list[tuple[str, str]]:
    """(interface, IPv4 address) of this machine's network interfaces, loopback left out: the
    addresses other machines in the room can reach it at."""
    import ipaddress

    import psutil

    found = []
    for name, addresses in sorted(psutil.net_if_addrs().items()):
        for address in addresses:
            if address.family == socket.AF_INET and not ipaddress.ip_address(
                    address.address).is_loopback:
                found.append((name, address.address))
    return found


def student_urls(host: str, port: int) -> list[str]:
    """What to tell the class: one address per network interface when the server listens on
    all of them (`0.0.0.0` itself is no address a browser can open), else the host given."""
    if host in ALL_INTERFACES:
        return [f"http://{address}:{port}/" for _, address in interface_addresses()]
    return [f"http://{host}:{port}/"]


def address_lines(host: str, port: int) -> list[str]:
    if host not in ALL_INTERFACES:
        return [f"conflictsim dashboard: http://{host}:{port}/ (Ctrl-C stops it)"]
    found = interface_addresses()
    lines = [f"conflictsim dashboard: listening on all interfaces, port {port} (Ctrl-C stops it)",
             f"  on this machine: http://127.0.0.1:{port}/"]
    if not found:
        lines.append("  no network interface besides loopback: students cannot connect")
    lines += [f"  students open: http://{address}:{port}/   ({name})" for name, address in found]
    return lines


def run(args: argparse.Namespace) -> int:
    sweeps = getattr(args, "sweeps", None)
    game = getattr(args, "game", False)
    lessons = getattr(args, "lessons", None)
    if not game:  # a bad lesson file is the teacher's to mend before the class sees the page
        load_lessons(lessons or LESSONS_DIR)
    lines = address_lines(args.host, args.port)
    if game:
        lines.append("  the game: open the address, start a new game, give the students its code")
    if sweeps:
        lines.append(f"  sweeps from {sweeps}")
    if lessons:
        lines.append(f"  lessons from {lessons}")
    print("\n".join(lines), flush=True)
    previous = {sig: signal.signal(sig, _raise_stop) for sig in STOP_SIGNALS}
    proc = None
    try:
        proc = subprocess.Popen(server_command(args.host, args.port, args.open,
                                               GAME_APP if game else "dashboards.server"),
                                env=server_env(sweeps=sweeps, session_timeout=getattr(
                                    args, "session_timeout", SESSION_TIMEOUT_SECONDS),
                                    lessons=lessons),
                                cwd=REPO_ROOT,
                                start_new_session=True)
        return proc.wait()
    except _Stop as stop:
        return 128 + stop.signum
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
    finally:
        if proc is not None:  # also when the server exited on its own: its children go too
            end_process_group(proc)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
