"""`conflictsim dashboard`: start the students' dashboard on a Solara server.

`register(subparsers)` adds the subcommand to the `conflictsim` parser (sim/cli.py calls it);
`run(args)` starts `solara run dashboards.app` in production mode with telemetry off and without
the version check, so a classroom machine without internet needs nothing from outside.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

DEFAULT_HOST = "localhost"
DEFAULT_PORT = 8765
REPO_ROOT = Path(__file__).resolve().parent.parent


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "dashboard", help="open the students' dashboard in a browser",
        description="Start the dashboard server (Solara); open the printed address in a browser.")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    p.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--open", action="store_true", help="open a browser window on start")
    p.set_defaults(func=run)
    return p


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"--port={text!r} is not allowed: a whole number in [1, 65535]")
    return value


def server_command(host: str, port: int, open_browser: bool = False) -> list[str]:
    return [sys.executable, "-m", "solara", "run", "dashboards.app", "--host", host,
            "--port", str(port), "--production", "--no-check-version",
            "--open" if open_browser else "--no-open"]


def server_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The server's environment: telemetry off, and the repository importable as `dashboards`."""
    env = dict(os.environ if base is None else base)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return env


def run(args: argparse.Namespace) -> int:
    print(f"conflictsim dashboard: http://{args.host}:{args.port} (Ctrl-C stops it)", flush=True)
    try:
        return subprocess.call(server_command(args.host, args.port, args.open), env=server_env(),
                               cwd=REPO_ROOT)
    except KeyboardInterrupt:
        return 130
