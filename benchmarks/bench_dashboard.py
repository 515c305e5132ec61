"""Dashboard speed: ensemble recompute, one step's render, and step latency with 20 sessions.

    python benchmarks/bench_dashboard.py [--sessions 20] [--seconds 20] [--skip-browser]

1. Ensemble recompute: `Session.compute_fan()` for 200 runs x 730 days, at day 0 (a fresh batch)
   and after an intervention on day 100 (`ConflictModel.projection`).
2. Step render: the page rendered with `solara.render` (server side, no browser); time from a
   "+1 day" click until the page, its figures included, has re-rendered.
3. Concurrent sessions: a real server and N Chromium pages (one browser, N contexts), each
   clicking "+1 day" once a second; latency is measured in each page from the click to the date
   changing on screen (a MutationObserver), so it includes the websocket round trip, the model
   step, the redraw and the browser's update.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def bench_ensemble(repeats: int = 3) -> dict[str, float]:
    from dashboards import state as st

    fresh, projected = [], []
    for _ in range(repeats):
        session = st.Session(st.Settings())
        t = time.perf_counter()
        session.compute_fan()
        fresh.append(time.perf_counter() - t)
        session.step(100)
        session.intervene("trump_aid_level", 0.3)
        t = time.perf_counter()
        session.compute_fan()
        projected.append(time.perf_counter() - t)
    return {"fan_day0_s": min(fresh), "fan_after_intervention_s": min(projected)}


def bench_step_render(steps: int = 30) -> dict[str, float]:
    import ipyvuetify as v
    import solara

    from dashboards.app import Page

    box, rc = solara.render(Page(), handle_error=False)
    deadline = time.monotonic() + 60
    readout = lambda: [w for w in rc.find(solara.widgets.HTML).widgets  # noqa: E731
                       if "fan-readout" in w.attributes.get("class", "")]
    while not readout() and time.monotonic() < deadline:
        time.sleep(0.1)
    if not readout():
        raise RuntimeError("the fan did not appear within 60 s; the step timing would be meaningless")
    button = rc.find(v.Btn, children=["+1 day"]).widget
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        button.click()
        times.append(time.perf_counter() - t)
    rc.close()
    return {"step_render_median_ms": 1000 * statistics.median(times),
            "step_render_p95_ms": 1000 * float(np.quantile(times, 0.95))}


LATENCY_JS = """
() => {
  window.__lat = [];
  const date = () => document.querySelector('.sim-date');
  const button = () => document.querySelector('.play-controls button.step-day');
  let clicked = null, last = date().dataset.day;
  new MutationObserver(() => {
    const now = date()?.dataset.day;
    if (clicked !== null && now !== last) { window.__lat.push(performance.now() - clicked); clicked = null; }
    last = now;
  }).observe(document.body, {subtree: true, attributes: true, childList: true});
  setInterval(() => { if (clicked === null) { clicked = performance.now(); button().click(); } }, 1000);
}
"""


def bench_sessions(n_sessions: int, seconds: float) -> dict[str, float]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import socket
    import subprocess
    import urllib.request

    from playwright.sync_api import sync_playwright

    from dashboards.cli import REPO_ROOT, server_command, server_env
    from test_dashboard_browser import CHROMIUM, CHROMIUM_ARGS, loopback_only

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(server_command("127.0.0.1", port), env=server_env(), cwd=REPO_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = []
            for _ in range(n_sessions):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                context.route("**/*", loopback_only)
                page = context.new_page()
                page.goto(url)
                pages.append(page)
            for page in pages:
                page.wait_for_selector(".fan-state[data-state=ready]", timeout=300_000)
            for page in pages:
                page.evaluate(LATENCY_JS)
            time.sleep(seconds)
            latencies = [ms for page in pages for ms in page.evaluate("() => window.__lat")]
            days = [int(page.locator(".sim-date").get_attribute("data-day")) for page in pages]
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {"sessions": n_sessions, "steps_measured": len(latencies),
            "step_latency_median_ms": statistics.median(latencies),
            "step_latency_p95_ms": float(np.quantile(latencies, 0.95)),
            "min_day_reached": min(days)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    results = bench_ensemble()
    print(json.dumps(results), flush=True)
    results |= bench_step_render()
    print(json.dumps(results), flush=True)
    if not args.skip_browser:
        results |= bench_sessions(args.sessions, args.seconds)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
