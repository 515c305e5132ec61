"""Headless Chromium for the dashboard's browser tests and benchmarks (Debian's chromium; the
Playwright download cannot run here): where it is, how to start it, and a route that keeps
every request on this machine."""

from __future__ import annotations

import contextlib

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def loopback_only(route):
    """Abort any request that would leave the machine (CDNs, telemetry)."""
    url = route.request.url
    if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, proc, seconds: float) -> bool:
    """Poll `url` until it answers 200; False if the server process `proc` ended or `seconds`
    passed first (the caller says why and where its log is)."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.3)


@contextlib.contextmanager
def served_dashboard(env: dict[str, str] | None = None, stdout=None, seconds: float = 90):
    """The students' dashboard server on a free loopback port, started as `conflictsim
    dashboard` starts it (environment `env`, default `server_env()`; output to `stdout`,
    default discarded); yields its address and process, and ends it on leaving."""
    import subprocess

    from .launch import REPO_ROOT, server_command, server_env

    port = free_port()
    proc = subprocess.Popen(server_command("127.0.0.1", port), env=env or server_env(),
                            cwd=REPO_ROOT, stdout=stdout or subprocess.DEVNULL,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        if not wait_until_serving(url, proc, seconds):
            raise SystemExit(f"the dashboard server did not start at {url}")
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=15)
