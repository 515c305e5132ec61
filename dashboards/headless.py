"""Headless Chromium for the dashboard's browser tests and benchmarks (Debian's chromium; the
Playwright download cannot run here): where it is, how to start it, and a route that keeps
every request on this machine."""

from __future__ import annotations

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
