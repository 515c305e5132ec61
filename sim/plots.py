"""Matplotlib figures of a batch: fans (median, 50 % and 90 % bands) and the highlighted run.

Colours are from the Okabe-Ito palette, which stays distinguishable with colour-blindness.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import calendar  # noqa: E402
from .params import plural  # noqa: E402
from .style import FAN_QUANTILES, OKABE_ITO  # noqa: E402


def fan_quantiles(values: np.ndarray) -> dict[str, np.ndarray]:
    """Per-day quantiles over runs of a (runs, days) array."""
    q = np.quantile(values, FAN_QUANTILES, axis=0)
    return {"q05": q[0], "q25": q[1], "median": q[2], "q75": q[3], "q95": q[4]}


def draw_fan(ax, dates, values, colour, label, highlight=True):
    fan = fan_quantiles(values)
    ax.fill_between(dates, fan["q05"], fan["q95"], color=colour, alpha=0.18, lw=0,
                    label=f"{label}: 90% of runs")
    ax.fill_between(dates, fan["q25"], fan["q75"], color=colour, alpha=0.35, lw=0,
                    label=f"{label}: 50% of runs")
    ax.plot(dates, fan["median"], color=colour, lw=2, label=f"{label}: median")
    if highlight:
        ax.plot(dates, values[0], color=OKABE_ITO["black"], lw=0.8, ls="--",
                label=f"{label}: run {0}")


def scenario_figure(result):
    """Front line (occupied area) and economic-pressure fans for one batch."""
    days = result.days
    cal = calendar.Calendar(result.start_date, days)
    dates = cal.dates
    fig, (ax_front, ax_pressure) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    draw_fan(ax_front, dates, result.trajectories["occupied_km2"] / 1000.0,
             OKABE_ITO["vermillion"], "occupied area")
    ax_front.set_ylabel("occupied area, thousand km²")
    ax_front.set_title(f"{result.scenario}: {result.n_runs} {plural(result.n_runs, 'run')}, "
                       f"seed {result.seed}")
    draw_fan(ax_pressure, dates, result.trajectories["russia_economic_pressure"],
             OKABE_ITO["blue"], "Russia")
    draw_fan(ax_pressure, dates, result.trajectories["ukraine_economic_pressure"],
             OKABE_ITO["orange"], "Ukraine", highlight=False)
    ax_pressure.set_ylabel("economic pressure index (0-1)")
    ax_pressure.set_ylim(0, 1)
    inauguration = calendar.INAUGURATION_DATE
    for ax in (ax_front, ax_pressure):
        if 0 <= cal.inauguration_day <= days:
            ax.axvline(inauguration, color="grey", lw=0.8, ls=":")
        ax.legend(fontsize=7, loc="upper left", ncols=2)
        ax.grid(alpha=0.3)
    ax_pressure.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    fig.tight_layout()
    return fig
