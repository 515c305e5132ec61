"""Screenshots of the dashboard's first screen at the classroom's sizes, for docs/screenshots/.

    python tools/dashboard_screenshots.py [--out docs/screenshots] [--full-page]

Starts a server the way `conflictsim dashboard` does, opens the default page in Debian's
Chromium at 1024x768, 800x600 and 390x844 (every outside request blocked), waits for the fan,
the charts and the map, and saves what the screen shows first (`--full-page`: the whole page
too). Prints, per size, where the map's top edge is and any <img> without a name.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = ((1024, 768), (800, 600), (390, 844))
READY_JS = """() => {
    const ready = document.querySelector('.fan-state[data-state=ready]');
    const img = document.querySelector('.chart-overview img');
    const map = document.querySelector('.front-map-layer svg');
    return !!(ready && img && img.complete && img.naturalWidth > 0 && map);
}"""
UNNAMED_JS = """() => [...document.querySelectorAll('img')]
    .filter(img => !(img.getAttribute('alt') || '').trim() && img.getAttribute('aria-hidden') !== 'true')
    .map(img => (img.closest('[class]') || img).className)"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--full-page", action="store_true")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from dashboards.headless import CHROMIUM, CHROMIUM_ARGS, loopback_only, served_dashboard

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with served_dashboard() as (url, proc):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for width, height in SIZES:
                context = browser.new_context(viewport={"width": width, "height": height})
                context.route("**/*", loopback_only)
                page = context.new_page()
                page.goto(url)
                page.wait_for_function(READY_JS, timeout=180_000, polling=100)
                page.wait_for_timeout(500)
                name = out / f"dashboard_{width}x{height}.png"
                page.screenshot(path=str(name))
                if args.full_page:
                    page.screenshot(path=str(out / f"dashboard_{width}x{height}_full.png"),
                                    full_page=True)
                box = page.locator(".figure-map").bounding_box()
                unnamed = page.evaluate(UNNAMED_JS)
                print(f"{name}: map from y={box['y']:.0f} to {box['y'] + box['height']:.0f}, "
                      f"{box['width']:.0f} wide; images without a name: {unnamed or 'none'}")
                context.close()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
