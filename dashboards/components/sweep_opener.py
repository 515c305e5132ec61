"""Open a row of a sweep the teacher put in the server's sweeps folder, chosen by name."""

from __future__ import annotations

from typing import Callable, Sequence

import solara


@solara.component
def SweepRowOpener(names: Sequence[str], on_open: Callable[[str, str], None]):
    """Choose a sweep from the list the server offers and a row number; its scenario, parameters,
    seed and run index become the session's, and its run is replayed as the highlighted run.
    There is no path field: only listed sweeps can be chosen. The button reads the fields'
    reactive values when clicked, not the values captured by the last render: a render from
    another thread (the fan task finishing) can delay that render past the click, and the click
    must still see what was typed."""
    name = solara.use_reactive(names[0] if names else "")
    row_text = solara.use_reactive("0")
    with solara.Card("Open a row of a sweep", classes=["sweep-opener"]):
        if not names:
            solara.Text("The sweeps folder holds no sweep yet.", style={"font-size": "0.85em"})
            return
        with solara.Column(classes=["sweep-name"]):
            solara.Select(label="Sweep", values=list(names), value=name)
        solara.InputText(label="Row", value=row_text, continuous_update=True,
                         classes=["sweep-row"])
        solara.Button("Open row", on_click=lambda: on_open(name.value, row_text.value),
                      classes=["open-sweep-row"])
