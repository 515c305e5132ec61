"""The page `conflictsim dashboard` serves: `solara run dashboards.server`.

The students' dashboard (`dashboards.app.Page`) plus what only a running server should do: make
the default page (its fan, charts and map background) in the background before the first student
asks (`app.warm_up`), and keep count of the open pages so memory goes back to the system when a
class leaves (`app.OPEN_PAGES`). Kept apart from `dashboards.app` so that importing the page, as
tests, notebooks and benchmarks do, starts nothing.
"""

from __future__ import annotations

import threading

import solara.lab

from .app import OPEN_PAGES, Page, warm_up

__all__ = ["Page", "WARM_UP"]

WARM_UP = threading.Thread(target=warm_up, name="conflictsim-warm-up", daemon=True)
WARM_UP.start()
solara.lab.on_kernel_start(OPEN_PAGES.opened)
