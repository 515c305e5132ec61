"""The "Start here" panel: what the page is and how to use it, shown on first load until closed."""

from __future__ import annotations

from typing import Callable

import solara

from .views import MarkdownText

START_HERE_MARKDOWN = """
**What you are looking at.** A model of the war in Ukraine and the talks around it, from
1 December 2024. It runs the same two years 200 times with different chance events: the shaded
fan shows where most runs go, the dark line is one run you follow day by day.

**Three ways to use it.**
1. *Take a lesson* (below): each asks a question from the article, lets you predict, runs the
   model and explains what happened.
2. *Explore*: pick a scenario on the left, move a slider, press **Play**. A change before Play
   sets up the scenario; a change during the run is a decision taken that day.
3. *Compare and share*: compare any two settings or see all seven scenarios side by side;
   save your settings as a file or copy a link to them.

**Remember.** This is a teaching model, not a forecast: the spread of the fan matters more than
any single line.
"""


@solara.component
def StartHere(on_close: Callable[[], None]):
    with solara.Card("Start here", classes=["start-here"]):
        MarkdownText(START_HERE_MARKDOWN, style={"font-size": "0.95em"})
        solara.Button("Got it, close this", on_click=on_close, outlined=True,
                      classes=["close-start-here"])
