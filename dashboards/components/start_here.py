"""The "Start here" panel: what the page is and how to use it, shown on first load until closed."""

from __future__ import annotations

from typing import Callable

import ipyvue
import solara
import traitlets

from .views import MarkdownText

START_HERE_MARKDOWN = """
**What you are looking at.** A model of the war in Ukraine and the talks around it, from
1 December 2024 (the scenarios' start) or from an earlier date you pick under *Start from*. It
runs the same two years 200 times with different chance events: the shaded fan shows where most
runs go, the dark line is one run you follow day by day.

**Three ways to use it.**
1. *Take a lesson* (below): each asks one question the model can answer, lets you predict, runs
   the model and checks your prediction against its numbers.
2. *Explore*: pick a scenario (the first box of the settings), move a slider, press **Play**.
   A change before Play sets up the scenario; a change during the run is a decision taken that day.
3. *Compare and share*: compare any two settings or see all eight presets (the status quo and
   the seven scenarios) side by side; save your settings as a file or copy a link to them.

**Remember.** This is a teaching model, not a forecast: the spread of the fan matters more than
any single line.
"""


@solara.component
def StartHere(on_close: Callable[[], None]):
    with solara.Card("Start here", classes=["start-here"]):
        MarkdownText(START_HERE_MARKDOWN, style={"font-size": "0.95em"})
        solara.Button("Got it, close this", on_click=on_close, outlined=True,
                      classes=["close-start-here"])


CLOSED_KEY = "conflictsim-start-here-closed"


class RememberedFlag(ipyvue.VueTemplate):
    """One flag kept in the browser's localStorage (nothing on the server): read when the page
    opens, written when it turns true. "Start here" stays closed after a reload."""

    template = traitlets.Unicode("""
<template><span class="remembered-flag" style="display: none"></span></template>
<script>
module.exports = {
  mounted() {
    try { if (window.localStorage.getItem("%s") === "1") { this.value = true; } } catch (e) {}
  },
  watch: {
    value(now) { try { if (now) { window.localStorage.setItem("%s", "1"); } } catch (e) {} }
  }
};
</script>""" % (CLOSED_KEY, CLOSED_KEY)).tag(sync=True)
    value = traitlets.Bool(False).tag(sync=True)


@solara.component
def StartHereMemory(closed: bool, on_closed: Callable[[], None]):
    """Keeps "Start here" closed once a student has closed it in this browser."""
    RememberedFlag.element(value=closed, on_value=lambda now: on_closed() if now else None)
