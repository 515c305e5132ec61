"""Time-series fans by PRIM box: how the runs inside a discovered box unfold over time against the
runs outside it (EMA's `plot_lines_with_envelopes` grouped by a box).

A box says where in the inputs a condition holds; its fans say what happens on the way. Needs the
runs' trajectories (`[output] trajectories = "daily"` or `"weekly"` in the spec).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.params import plural
from sim.trajectories import TRAJECTORIES

QUANTILES = (0.05, 0.5, 0.95)
GROUPS = ("inside", "outside")


def fan_table(trajectories: pd.DataFrame, in_box_rows, fields: list[str]) -> pd.DataFrame:
    """Per field, day and group (runs inside the box, outside it): the 5 %, 50 % and 95 %
    quantiles and the number of runs. `trajectories`: long form with `row`, `day` and the
    fields; `in_box_rows`: the `row` numbers of the runs inside the box."""
    inside = trajectories["row"].isin(set(np.asarray(in_box_rows).tolist()))
    parts = []
    for field in fields:
        for group, mask in zip(GROUPS, (inside, ~inside)):
            values = trajectories.loc[mask, ["day", field]]
            if values.empty:
                continue
            by_day = values.groupby("day")[field]
            table = by_day.quantile(list(QUANTILES)).unstack()
            table.columns = ["p05", "p50", "p95"]
            table["runs"] = by_day.count()
            parts.append(table.reset_index().assign(field=field, group=group))
    columns = ["field", "group", "day", "p05", "p50", "p95", "runs"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def figure(table: pd.DataFrame, box_text: str):
    """One panel per field: the box's runs in colour, the others in grey, median and 90 %."""
    from matplotlib.figure import Figure

    fields = list(dict.fromkeys(table["field"]))
    fig = Figure(figsize=(7.0, 2.3 * max(len(fields), 1) + 0.6), dpi=100, layout="constrained")
    axes = fig.subplots(max(len(fields), 1), 1, squeeze=False)[:, 0]
    colours = {"inside": "#0072B2", "outside": "#777777"}
    for ax, field in zip(axes, fields):
        for group in GROUPS:
            part = table[(table["field"] == field) & (table["group"] == group)]
            if part.empty:
                continue
            runs = int(part["runs"].max())
            ax.fill_between(part["day"], part["p05"], part["p95"], color=colours[group],
                            alpha=0.2, lw=0)
            ax.plot(part["day"], part["p50"], color=colours[group], lw=1.6,
                    label=f"{group} the box ({runs:,} {plural(runs, 'run')}): median, 90 %")
        ax.set_ylabel(TRAJECTORIES[field].axis_label, fontsize=8)
        ax.tick_params(labelsize=8)
        ax.legend(fontsize=7, loc="best")
    axes[-1].set_xlabel("day", fontsize=8)
    fig.suptitle(_wrapped(f"Runs inside and outside the box: {box_text}"), fontsize=9, x=0.01,
                 ha="left")
    return fig


def _wrapped(text: str, width: int = 100) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))
