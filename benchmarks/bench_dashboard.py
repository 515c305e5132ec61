"""Dashboard speed: ensemble recompute, one step's render, and step latency with 20 sessions.

    python benchmarks/bench_dashboard.py [--sessions 20] [--seconds 30] [--skip-browser]
                                         [--nice-browsers]

1. Ensemble recompute: `Session.compute_fan()` for 200 runs x 730 days, at day 0 (a fresh batch)
   and after an intervention on day 100 (`ConflictModel.projection(run=False)` stepped here).
1b. A class opening the page: N sessions ask for the default preset's fan at once, each
   computing its own, then sharing one (`dashboards.fan_cache.SharedFans`).
2. Step render, one session: the page rendered with `solara.render` (server side, no browser);
   a "+1 day" click runs the handler and updates the widgets synchronously, so the time the
   click call takes is the server-side step latency. The session's own record (`Session.
   latencies`: handler start to widgets updated) is reported beside it. The benchmark refuses
   to report if the day did not advance with every click.
3. Simulated sessions: N pages rendered with `solara.render` in one process, each in its own
   thread clicking "+1 day" once a second (start times spread over the first second), as N
   students would on one server process: the same Python threads and GIL contention, without
   N browsers competing for the 2 cores. Latency per step = the click call's duration.
4. Browser sessions: a real server and N Chromium pages (one browser, N contexts), each clicking
   "+1 day" once a second. Two latencies: client side, from the click to the date changing on
   screen (a MutationObserver: websocket both ways, the step, the redraw and the browser's own
   work), and server side, each session's handler-to-widgets time written to a log file
   (`CONFLICTSIM_STEP_LOG`). With 20 pages the browser itself can saturate the 2 cores; the
   load average and Chromium's CPU share are printed so the reader can tell. `--nice-browsers`
   runs the browsers at the lowest CPU priority, so they no longer starve the server.
6. A slider's new fan (`--only slider`): a real server and one Chromium page at 1024x768; each
   repeat presses ArrowLeft once on the US aid slider (a value no page asked for before, so the
   fan is computed, not found in the cache) and times from the key press to the page showing
   the new fan: the readout's settings hold the new value, the fan is ready and the overview's
   still image has changed.
5. First complete render (`--only first-render`): a real server and one Chromium page at
   1024x768, from `goto` to the fan, the overview with its overlay and text alternative, the
   map and the outcome chart all shown; the first page on a fresh server, then pages that find
   the day-0 fan in the shared cache.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def bench_ensemble(repeats: int = 3) -> dict[str, float]:
    from dashboards.fan_cache import SharedFans
    from dashboards.session import Session
    from dashboards.settings import Settings

    fresh, projected = [], []
    for _ in range(repeats):
        session = Session(Settings(), shared_fans=SharedFans())  # a recompute, not a hit
        t = time.perf_counter()
        session.compute_fan()
        fresh.append(time.perf_counter() - t)
        session.step(100)
        session.intervene("trump_aid_level", 0.3)
        t = time.perf_counter()
        session.compute_fan()
        projected.append(time.perf_counter() - t)
    return {"fan_day0_s": min(fresh), "fan_after_intervention_s": min(projected)}


def bench_class_opens(n_sessions: int) -> dict[str, float]:
    """N sessions open the page at once on the default preset (threads in one process, as in
    the server): time until the last has its fan, each computing its own and sharing one."""
    import threading

    from dashboards.fan_cache import SharedFans
    from dashboards.session import Session
    from dashboards.settings import Settings

    def last_fan_after(shared: "SharedFans | None") -> float:
        sessions = [Session(Settings(),
                               shared_fans=shared if shared is not None else SharedFans())
                    for _ in range(n_sessions)]
        done: list[float] = []
        start = time.perf_counter()

        def open_page(session):
            session.compute_fan()
            done.append(time.perf_counter() - start)

        threads = [threading.Thread(target=open_page, args=(s,)) for s in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return max(done)

    return {"class_opens_sessions": n_sessions,
            "class_opens_own_fans_s": last_fan_after(None),
            "class_opens_shared_fans_s": last_fan_after(SharedFans())}


def rendered_dashboard(timeout_s: float = 120.0):
    """A page rendered with `solara.render`, its fan ready; returns (render context, session)."""
    import solara

    from dashboards.app import Dashboard

    sessions = []
    box, rc = solara.render(Dashboard(on_session=sessions.append), handle_error=False)
    deadline = time.monotonic() + timeout_s
    while not fan_ready(rc) and time.monotonic() < deadline:
        time.sleep(0.1)
    if not fan_ready(rc):
        raise RuntimeError("the fan did not appear in time; step timings would be meaningless")
    return rc, sessions[0]


def fan_ready(rc) -> bool:
    import solara

    return any("fan-readout" in w.attributes.get("class", "")
               for w in rc.find(solara.widgets.HTML).widgets)


def shown_day(rc) -> int:
    import solara

    for w in rc.find(solara.widgets.HTML).widgets:
        if "sim-date" in w.attributes.get("class", ""):
            return int(w.attributes["data-day"])
    raise RuntimeError("no date on the page")


def step_button(rc):
    import ipyvuetify as v

    return rc.find(v.Btn, children=["+1 day"]).widget


def summary(prefix: str, ms: list[float]) -> dict[str, float]:
    return {f"{prefix}_median_ms": statistics.median(ms),
            f"{prefix}_p95_ms": float(np.quantile(ms, 0.95)),
            f"{prefix}_max_ms": max(ms)}


def bench_step_render(steps: int = 40) -> dict[str, float]:
    rc, session = rendered_dashboard()
    button = step_button(rc)
    day0 = shown_day(rc)
    clicks = []
    for _ in range(steps):
        t = time.perf_counter()
        button.click()
        clicks.append(1000 * (time.perf_counter() - t))
    if shown_day(rc) != day0 + steps:
        raise RuntimeError(f"{steps} clicks moved the page from day {day0} to {shown_day(rc)}")
    recorded = list(session.latencies.ms)[-steps:]
    rc.close()
    return summary("step_click", clicks) | summary("step_recorded", recorded)


def bench_simulated_sessions(n_sessions: int, seconds: float) -> dict[str, float]:
    """N rendered pages in one process, each stepping once a second from its own thread."""
    import threading

    pages = [rendered_dashboard() for _ in range(n_sessions)]
    latencies: list[list[float]] = [[] for _ in pages]
    start = time.perf_counter() + 0.5
    cpu0 = time.process_time()

    def student(i: int) -> None:
        rc, _ = pages[i]
        button = step_button(rc)
        next_click = start + i / n_sessions
        while next_click < start + seconds:
            time.sleep(max(0.0, next_click - time.perf_counter()))
            t = time.perf_counter()
            button.click()
            latencies[i].append(1000 * (time.perf_counter() - t))
            next_click += 1.0

    threads = [threading.Thread(target=student, args=(i,)) for i in range(n_sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu = time.process_time() - cpu0
    days = [shown_day(rc) for rc, _ in pages]
    recorded = [ms for _, session in pages for ms in list(session.latencies.ms)[1:]]
    for rc, _ in pages:
        rc.close()
    clicks = [ms for per in latencies for ms in per]
    return {"sim_sessions": n_sessions, "sim_steps": len(clicks),
            "sim_steps_expected": n_sessions * int(seconds),
            "sim_min_day_reached": min(days), "sim_cpu_share_of_one_core": cpu / seconds,
            "load_average_1min": os.getloadavg()[0]} \
        | summary("sim_click", clicks) | summary("sim_recorded", recorded)


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


def bench_sessions(n_sessions: int, seconds: float, nice_clients: bool = False) -> dict[str, float]:
    """With `nice_clients`, the browsers (started after the server) run at the lowest CPU
    priority, so on this 2-core machine they take what the server leaves instead of starving
    it: closer to a classroom, where each student's browser runs on the student's machine."""
    import tempfile

    from playwright.sync_api import sync_playwright

    from dashboards.launch import server_env
    from dashboards.session import STEP_LOG_ENV
    from dashboards.headless import CHROMIUM, CHROMIUM_ARGS, loopback_only, served_dashboard

    workdir = Path(tempfile.mkdtemp())
    step_log = workdir / "steps.log"
    server_log = open(workdir / "server.log", "w")
    print(f"server log: {server_log.name}", file=sys.stderr)
    with served_dashboard(server_env() | {STEP_LOG_ENV: str(step_log)}, server_log) as (url, proc):
        if nice_clients:
            os.nice(19)  # this process and the browsers it starts from here on; not the server
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = []
            for _ in range(n_sessions):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                context.route("**/*", loopback_only)
                page = context.new_page()
                page.goto(url)
                pages.append(page)
            for i, page in enumerate(pages):
                try:
                    page.wait_for_selector(".fan-state[data-state=ready]", timeout=180_000)
                except Exception:
                    page.screenshot(path=str(workdir / f"page{i}.png"))
                    raise RuntimeError(f"page {i}: no fan; see {workdir}") from None
            step_log.write_text("")  # only the timed steps below
            server_cpu0 = process_cpu_seconds(proc.pid)
            for page in pages:
                page.evaluate(LATENCY_JS)
            time.sleep(seconds)
            server_cpu = process_cpu_seconds(proc.pid) - server_cpu0
            load = os.getloadavg()[0]
            latencies = [ms for page in pages for ms in page.evaluate("() => window.__lat")]
            days = [int(page.locator(".sim-date").get_attribute("data-day")) for page in pages]
            browser.close()
    server_log.close()
    server_ms = [float(line) for line in step_log.read_text().split()]
    return {"browser_sessions": n_sessions, "browser_steps_measured": len(latencies),
            "browser_steps_expected": n_sessions * int(seconds),
            "browser_min_day_reached": min(days),
            "server_cpu_share_of_one_core": server_cpu / seconds,
            "browsers_niced": nice_clients, "load_average_1min": load} \
        | summary("browser_click_to_dom", latencies) \
        | (summary("browser_server_side", server_ms) if server_ms else {})


COMPLETE_JS = """() => {
    const ready = document.querySelector('.fan-state[data-state=ready]');
    const overview = document.querySelector('.chart-overview');
    const img = overview && overview.querySelector('img');
    const layer = overview && overview.querySelector('.chart-overlay svg');
    const map = document.querySelector('.front-map-layer svg');
    const outcomes = document.querySelector('.figure-outcomes img');
    return !!(ready && img && img.complete && img.naturalWidth > 0 && layer && map
              && overview.getAttribute('aria-label') && outcomes && outcomes.naturalWidth > 0);
}"""


def bench_first_render(repeats: int = 6, settle_s: float = 0.0) -> dict[str, float]:
    """From `page.goto` to the page complete (fan ready, overview, its overlay and text
    alternative, the map and the outcome chart all shown), at 1024x768, each page in a fresh
    browser context (nothing cached). The first page is opened as soon as a fresh server
    answers, while its warm-up (`dashboards.app.warm_up`, started by `dashboards.server`) may
    still be computing the default fan (`settle_s` > 0: that many seconds after, as when a
    teacher starts the server before the class); the next ones find it made, as every student
    after the first does. Also reported: when the browser had Solara's page and scripts ready
    (DOMContentLoaded), the part no server-side change can shorten."""

    from playwright.sync_api import sync_playwright

    from dashboards.headless import CHROMIUM, CHROMIUM_ARGS, loopback_only, served_dashboard

    seconds, scripts_ready = [], []
    with served_dashboard() as (url, proc):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            time.sleep(settle_s)
            for _ in range(repeats):
                context = browser.new_context(viewport={"width": 1024, "height": 768})
                context.route("**/*", loopback_only)
                page = context.new_page()
                started = time.perf_counter()
                page.goto(url)
                page.wait_for_function(COMPLETE_JS, timeout=120_000, polling=20)
                seconds.append(time.perf_counter() - started)
                scripts_ready.append(page.evaluate(
                    "() => performance.getEntriesByType('navigation')[0]"
                    ".domContentLoadedEventEnd / 1000"))
                context.close()
            browser.close()
    return {"first_render_cold_server_s": seconds[0],
            "first_render_warm_median_s": statistics.median(seconds[1:]),
            "first_render_warm_max_s": max(seconds[1:]),
            "first_render_scripts_ready_median_s": statistics.median(scripts_ready),
            "load_average_1min_after_first_render": os.getloadavg()[0]}


NEW_FAN_JS = """([before, image]) => {
    const readout = document.querySelector('.fan-readout');
    const ready = document.querySelector('.fan-state[data-state=ready]');
    const img = document.querySelector('.chart-overview img');
    return !!(readout && ready && img && readout.dataset.settings !== before
              && img.getAttribute('src') !== image && img.complete);
}"""


def bench_slider_fan(repeats: int = 4) -> dict[str, float]:
    """From an arrow-key press on a slider to the new fan on the page (see 6. above)."""

    from playwright.sync_api import sync_playwright

    from dashboards.headless import CHROMIUM, CHROMIUM_ARGS, loopback_only, served_dashboard

    seconds, loads = [], []
    with served_dashboard() as (url, proc):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1024, "height": 768})
            context.route("**/*", loopback_only)
            page = context.new_page()
            page.goto(url)
            page.wait_for_function(COMPLETE_JS, timeout=120_000, polling=20)
            slider = page.locator(".param-trump_aid_level [role=slider]").first
            for _ in range(repeats):
                page.wait_for_timeout(1500)  # quiet before each press
                before = page.locator(".fan-readout").get_attribute("data-settings")
                image = page.locator(".chart-overview img").get_attribute("src")
                slider.focus()
                loads.append(os.getloadavg()[0])
                started = time.perf_counter()
                slider.press("ArrowLeft")
                page.wait_for_function(NEW_FAN_JS, arg=[before, image], timeout=120_000,
                                       polling=20)
                seconds.append(time.perf_counter() - started)
            browser.close()
    return {"slider_new_fan_median_s": statistics.median(seconds),
            "slider_new_fan_max_s": max(seconds), "slider_new_fan_all_s": seconds,
            "load_average_1min_at_slider_presses": statistics.median(loads)}


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to show how busy the server was."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--nice-browsers", action="store_true",
                        help="run the browsers at the lowest CPU priority (after the server)")
    parser.add_argument("--pages", type=int, default=6,
                        help="first-render: pages opened one after another (the first is cold)")
    parser.add_argument("--settle-seconds", type=float, default=0.0,
                        help="first-render: wait this long after the server answers")
    parser.add_argument("--only", choices=["ensemble", "opening", "step", "simulated", "browser",
                                           "first-render", "slider"])
    parser.add_argument("--repeats", type=int, default=4, help="slider: presses timed")
    args = parser.parse_args()
    benches = {
        "ensemble": bench_ensemble,
        "opening": lambda: bench_class_opens(args.sessions),
        "step": bench_step_render,
        "simulated": lambda: bench_simulated_sessions(args.sessions, args.seconds),
        "browser": lambda: bench_sessions(args.sessions, args.seconds, args.nice_browsers),
        "first-render": lambda: bench_first_render(args.pages, args.settle_seconds),
        "slider": lambda: bench_slider_fan(args.repeats),
    }
    chosen = [args.only] if args.only else [n for n in benches
                                            if not (n in ("browser", "first-render", "slider")
                                                    and args.skip_browser)]
    results: dict[str, float] = {"load_average_1min_at_start": os.getloadavg()[0]}
    for name in chosen:
        results |= benches[name]()
        print(json.dumps(results), flush=True)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
