"""A server a teacher can leave running: the memory of closed student pages goes back.

The real server (`solara run dashboards.server` with the environment `conflictsim dashboard` gives
it), a session timeout of one second instead of two minutes, and 20 student pages in Debian's
Chromium, opened five at a time (a group of a class) and closed. The server's resident memory
is then compared with its level before the class: after one page opened and closed, since the
first page loads what every later one shares (the code of Solara's widgets, fonts, the map's
drawing, the day-0 fan of the default settings) and that stays for the server's life.

Why within 20 %: a page holds a 200-run model, its fan and its widgets, about 8-10 MB each,
so 20 pages kept would add 160-200 MB, 45-57 % of a baseline of 290-350 MB (30 pages left it
67 % bigger before the allocator was told to give memory back); what the allocator keeps of
freed memory (fragmentation) moved the level by 2-8 % in the runs first measured here, and by
10-12 % on 4 December 2026 (two of three runs of d8b804f's code, and of the code after it, over
the issue's first bound of 10 %, with no page kept: the server's count of open pages was 0). 20 %
lies between the allocator's drift and a class of pages kept. Costs about 60 s (mostly the 21
page loads on a loaded 2-core machine; 30 pages cost up to 6 minutes there under the whole
suite's load).
"""

from __future__ import annotations

import subprocess
import time
import urllib.request

import psutil
import pytest

from dashboards.launch import REPO_ROOT, server_command, server_env
from dashboards.headless import CHROMIUM, CHROMIUM_ARGS, loopback_only
from test_dashboard_browser import ARTIFACTS, FAN_TIMEOUT_MS, free_port, new_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = 20  # four groups of five: enough to see pages kept (see above), two thirds of 30's cost
AT_ONCE = 5
BOUND = 1.20  # the server's memory after the class, as a multiple of before it (see above)
SETTLE_SECONDS = 4.0  # the 1 s timeout, the 2 s delay before memory is handed back, and slack


def resident_mb(pid: int) -> float:
    """The server's resident memory with any processes it started."""
    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


def settled_mb(pid: int, samples: int = 5) -> float:
    """The server's resident memory once it has settled: the least of a few readings a second
    apart (the allocator hands freed blocks back over a few seconds; CI once read +10.2 %
    at the first reading)."""
    readings = []
    for _ in range(samples):
        readings.append(resident_mb(pid))
        time.sleep(1.0)
    return min(readings)


def open_pages(browser, url: str) -> None:
    contexts = []
    for _ in range(AT_ONCE):
        context = new_context(browser, 1024, 768)
        page = context.new_page()
        page.goto(url)
        contexts.append((context, page))
    for context, page in contexts:
        page.wait_for_selector(".fan-state[data-state=ready]", timeout=FAN_TIMEOUT_MS)
        page.wait_for_selector(".fan-readout", timeout=FAN_TIMEOUT_MS)
    for context, page in contexts:
        page.close(run_before_unload=True)
        context.close()


def open_count(log_path) -> int | None:
    """The last count of open student pages the server printed."""
    lines = [line for line in log_path.read_text().splitlines() if "student page(s) open" in line]
    return int(lines[-1].split()[1]) if lines else None


def settle(log_path, deadline_seconds: float = 60.0) -> None:
    """Wait until the server reports no page open, then for memory to be handed back."""
    deadline = time.monotonic() + deadline_seconds
    while open_count(log_path) != 0:
        assert time.monotonic() < deadline, "the server still holds pages after a minute"
        time.sleep(0.5)
    time.sleep(SETTLE_SECONDS)


def test_a_class_of_closed_pages_gives_its_memory_back():
    from playwright.sync_api import sync_playwright

    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "dashboard_memory_server.log"
    url = f"http://127.0.0.1:{port}/"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(server_command("127.0.0.1", port),
                                env=server_env(session_timeout=1), cwd=REPO_ROOT, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(url, timeout=2):
                        break
                except OSError:
                    assert proc.poll() is None and time.monotonic() < deadline, \
                        f"the server did not start; see {log_path}"
                    time.sleep(0.3)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context()
                    context.set_default_timeout(FAN_TIMEOUT_MS)  # downloads, clicks: under load too
                    context.route("**/*", loopback_only)
                    page = context.new_page()
                    page.goto(url)
                    page.wait_for_selector(".fan-readout", timeout=FAN_TIMEOUT_MS)
                    context.close()
                    settle(log_path)
                    before = settled_mb(proc.pid)
                    most_open = 0
                    for _ in range(PAGES // AT_ONCE):
                        open_pages(browser, url)
                    counts = [int(line.split()[1]) for line in log_path.read_text().splitlines()
                              if "student page(s) open" in line]
                    most_open = max(counts)
                    settle(log_path)
                    after = settled_mb(proc.pid)
                finally:
                    browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    opened = sum(1 for line in log_path.read_text().splitlines()
                 if "student page(s) open" in line) // 2
    # every page showed its fan above; the server's own count may miss one under load (CI saw
    # 30 of 31 once), so this asks that it saw at least the class's 30
    assert opened >= PAGES, f"{opened} pages were opened and closed, not {PAGES + 1}"
    assert most_open >= 2, "pages were open at the same time"
    print(f"server memory: {before:.0f} MB before, {after:.0f} MB after {PAGES} pages")
    assert after <= BOUND * before, (
        f"the server holds {after:.0f} MB after {PAGES} closed pages, {after / before - 1:+.0%} "
        f"on the {before:.0f} MB before them (allowed {BOUND - 1:+.0%})")
