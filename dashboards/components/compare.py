"""Choosing what to compare, and the overview of every preset on one variable."""

from __future__ import annotations

import html
import json
from typing import Callable, Mapping

import numpy as np
import solara
from matplotlib.figure import Figure

import sim

from .. import plots
from .views import FigureImage


@solara.component
def CompareChooser(first: str, second: str, variable: str, options: Mapping[str, str],
                   variables: Mapping[str, str], on_first: Callable[[str], None],
                   on_second: Callable[[str], None], on_variable: Callable[[str], None]):
    """Two of: the student's settings, a preset, a saved file (`options`: label -> key), and the
    variable shown (`variables`: key -> title)."""
    labels = {key: label for label, key in options.items()}
    titles = {title: key for key, title in variables.items()}
    firsts = {label: key for label, key in options.items() if key}
    with solara.Row(classes=["compare-controls"], style={"flex-wrap": "wrap"}):
        with solara.Column(classes=["compare-first"]):
            solara.Select(label="Compare", values=list(firsts), value=labels.get(first, ""),
                          on_value=lambda label: on_first(firsts[label]))
        with solara.Column(classes=["compare-second"]):
            solara.Select(label="with", values=list(options),
                          value=labels.get(second, "(nothing)"),
                          on_value=lambda label: on_second(options[label]))
        with solara.Column(classes=["compare-variable"]):
            solara.Select(label="Variable", values=list(variables.values()),
                          value=variables[variable],
                          on_value=lambda title: on_variable(titles[title]))


def presets_figure(fans: Mapping[str, Mapping[str, np.ndarray]], variable: str, title: str,
                   unit: str, scale: float, days: int) -> Figure:
    """One small fan per preset on shared axes: median, 50 % and 90 % of runs."""
    names = list(fans)
    cols = 4
    rows = -(-len(names) // cols)
    fig = Figure(figsize=(10, 2.3 * rows), dpi=plots.RENDER_DPI, layout="constrained")
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
    for ax, name in zip(axes.flat, names):
        b = plots.bands(np.asarray(fans[name][variable]) / scale)
        plots.draw_fan(ax, b, plots.SERIES_COLOURS[0], "")
        ax.set_title(sim.SCENARIOS[name].title, fontsize=8, loc="left")
        ax.tick_params(labelsize=7)
        plots.date_ticks(ax, plots.time_marks(days, 0), every_months=12)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(unit, fontsize=8)
    fig.suptitle(f"{title}: every scenario (median, 50 % and 90 % of runs)", fontsize=9, x=0.01,
                 ha="left")
    return fig


@solara.component
def PresetsOverview(fans: Mapping[str, Mapping[str, np.ndarray]] | None, pending: bool,
                    variable: str, title: str, unit: str, scale: float, days: int,
                    on_show: Callable[[], None]):
    """All eight presets (the status quo and the seven scenarios) side by side on one variable,
    computed when the student asks."""
    with solara.Column(classes=["presets-overview"], gap="4px"):
        if fans is None and not pending:
            solara.Button("Show all eight presets side by side", on_click=on_show,
                          outlined=True, classes=["show-presets"])
            return
        if pending:
            solara.ProgressLinear(True)
            solara.Text("Running every scenario (each is shared with the whole class)…")
            return
        PresetsFigure(fans, variable, title, unit, scale, days)


@solara.component
def PresetsFigure(fans: Mapping[str, Mapping[str, np.ndarray]], variable: str, title: str,
                  unit: str, scale: float, days: int):
    """The small multiples and their numbers in words (the text alternative)."""
    png = solara.use_memo(lambda: plots.figure_png(
        presets_figure(fans, variable, title, unit, scale, days)),
        [id(fans), variable])
    finals = {name: float(np.median(np.asarray(t[variable])[:, -1])) / scale
              for name, t in fans.items()}
    alt = (f"{title} in every scenario: "
           + "; ".join(f"{sim.SCENARIOS[n].title}: median {v:,.4g} {unit} at the end"
                       for n, v in finals.items()))
    FigureImage(png, "presets", "Each small chart is one scenario, run with the same random draws.",
                alt)
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(alt), classes=["presets-readout"],
                attributes={"data-finals": json.dumps(finals), "aria-label": alt},
                style={"font-size": "0.75em", "color": "#555"})
