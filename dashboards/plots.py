"""Pure matplotlib figure builders over arrays: no Solara, no model, so they test in isolation.

Every builder takes plain arrays (trajectories of shape (runs, days + 1), a highlighted run, the
current day, time-axis marks) and returns a `matplotlib.figure.Figure` made with the object API
(never pyplot), so figures built in different browser sessions share no global state. Colours are
Okabe-Ito, which stay distinct under the common colour-vision deficiencies.
"""

from __future__ import annotations

import datetime
import io
import textwrap
from dataclasses import dataclass
from typing import Mapping

import numpy as np
from matplotlib.figure import Figure

from sim import calendar
from sim.style import OKABE_ITO  # frontmap takes it from here
from sim.trajectories import TRAJECTORIES

from .events import date_text as day_text  # "1 Mar 2025", as the event log writes dates

RUSSIA = OKABE_ITO["vermillion"]
UKRAINE = OKABE_ITO["blue"]
HIGHLIGHT = OKABE_ITO["black"]
# One colour and line style per meaning, in every chart: orange dashed is the student's own
# change and nothing else; a talks event is dark grey dash-dot; "talks while fighting" is yellow
# wherever it appears (talks chart, outcome chart). A panel with two series (two countries, or
# US and European aid) draws each one's highlighted run in a dark shade of its colour, a panel
# with one series in black.
STUDENT_CHANGE = OKABE_ITO["orange"]
STUDENT_CHANGE_STYLE = "--"
TALKS_EVENT = "#555555"
TALKS_EVENT_STYLE = "-."
HIGHLIGHT_SHADES = {RUSSIA: "#7A3300", UKRAINE: "#00304F", OKABE_ITO["sky_blue"]: "#1D5F82",
                    OKABE_ITO["purple"]: "#7A3D63"}
PHASE_COLOURS = (OKABE_ITO["grey"], OKABE_ITO["yellow"], OKABE_ITO["sky_blue"], OKABE_ITO["green"])
SERIES_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["vermillion"])
WINTER_SHADE = "#EBEBEB"  # grey: the fans over it are blue, orange, green
# What happened (DeepStateMap), over the front line's fan: black like the highlighted run, but
# solid throughout, thicker, with a white dot at each month's start (the map of its eve)
HISTORY = OKABE_ITO["black"]
HISTORY_LABEL = "what happened (DeepStateMap)"
HISTORY_MARKER = dict(marker="o", markersize=4, markerfacecolor="white", markeredgewidth=1.1)
# A figure is laid out for the page at 1 pt = 1 CSS pixel (`LAYOUT_DPI`) and rendered at twice
# that (`RENDER_DPI`): the page shows it at most at its pixel size divided by the screen's pixel
# ratio, so it is never stretched, and stays sharp on a laptop, a projector and a 2x screen.
LAYOUT_DPI = 72
PIXEL_RATIO = 2
RENDER_DPI = LAYOUT_DPI * PIXEL_RATIO
TICK_PT, LABEL_PT, TITLE_PT, LEGEND_PT = 10, 10, 11, 8.5  # >= 10 px where shown 1:1
# gids of the artists a live figure redraws each day (see `LiveFigure`)
REVEAL, TODAY, FROM_DAY = "reveal", "today", "from-day:"
HISTORY_GID = "history"  # what happened: none of those, it stays in the still background


@dataclass(frozen=True)
class Bands:
    """Median, 50 % and 90 % bands of an ensemble, per day."""

    median: np.ndarray
    p25: np.ndarray
    p75: np.ndarray
    p05: np.ndarray
    p95: np.ndarray


def bands(runs_by_day: np.ndarray) -> Bands:
    """Quantiles over runs (axis 0) of a (runs, days) array."""
    q = np.quantile(runs_by_day, [0.5, 0.25, 0.75, 0.05, 0.95], axis=0)
    return Bands(*q)


@dataclass(frozen=True)
class TimeMarks:
    """What the time axis shows besides the data: seasons, named days and the student's moves."""

    days: int
    today: int
    winter: np.ndarray  # bool per day 0..days
    inauguration_day: int
    start: datetime.date = calendar.START_DATE
    talks_changes: tuple[tuple[int, int], ...] = ()  # (day, new phase) of the highlighted run
    interventions: tuple[int, ...] = ()


def time_marks(days: int, today: int, talks_phase_run: np.ndarray | None = None,
               interventions: tuple[int, ...] = (),
               start: datetime.date = calendar.START_DATE) -> TimeMarks:
    """Marks for a horizon: winters from the calendar, talks phase changes up to today."""
    cal = calendar.Calendar(start, days)
    changes: tuple[tuple[int, int], ...] = ()
    if talks_phase_run is not None:
        seen = np.asarray(talks_phase_run[: today + 1])
        idx = np.flatnonzero(np.diff(seen)) + 1
        changes = tuple((int(d), int(seen[d])) for d in idx)
    return TimeMarks(days=days, today=today, winter=cal.winter(),
                     inauguration_day=cal.inauguration_day, start=start,
                     talks_changes=changes, interventions=tuple(interventions))


def _spans(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in a boolean array."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2], edges[1::2]))


def mark_time_axis(ax, marks: TimeMarks, label: bool = False) -> None:
    """Winter shading, the inauguration, talks changes, interventions and today on one axis."""
    for start, end in _spans(marks.winter):
        ax.axvspan(start, end, color=WINTER_SHADE, zorder=0, lw=0,
                   label="winter" if label and start == _spans(marks.winter)[0][0] else None)
    ax.axvline(marks.inauguration_day, color=OKABE_ITO["purple"], lw=1, ls=":",
               label="US inauguration" if label else None)
    for i, (day, phase) in enumerate(marks.talks_changes):
        ax.axvline(day, color=TALKS_EVENT, lw=1.2, ls=TALKS_EVENT_STYLE, gid=f"{FROM_DAY}{day}",
                   label="talks change (highlighted run)" if label and i == 0 else None)
    for i, day in enumerate(marks.interventions):
        ax.axvline(day, color=STUDENT_CHANGE, lw=2, ls=STUDENT_CHANGE_STYLE,
                   label="your change" if label and i == 0 else None)
    ax.axvline(marks.today, color=HIGHLIGHT, lw=1, gid=TODAY, label="today" if label else None)
    ax.set_xlim(0, marks.days)


def date_ticks(ax, marks: TimeMarks, every_months: int = 3) -> None:
    """Ticks on the first day of every `every_months`-th month (from December), labelled as a
    date reads ("Mar 2025", never "Mar 25", which reads as a day of the month)."""
    dates = [calendar.date_of(d, marks.start) for d in range(marks.days + 1)]
    ticks = [d for d, date in enumerate(dates) if date.day == 1 and date.month % every_months == 0]
    ax.set_xticks(ticks)
    ax.set_xticklabels([date_label(dates[d]) for d in ticks], fontsize=TICK_PT)


def date_label(date: datetime.date) -> str:
    """A month as a student reads it: "Mar 2025"."""
    return date.strftime("%b %Y")


def draw_fan(ax, b: Bands, colour: str, label: str) -> None:
    x = np.arange(len(b.median))
    ax.fill_between(x, b.p05, b.p95, color=colour, alpha=0.15, lw=0, label=f"{label}: 90 %")
    ax.fill_between(x, b.p25, b.p75, color=colour, alpha=0.3, lw=0, label=f"{label}: 50 %")
    ax.plot(x, b.median, color=colour, lw=1.5, label=f"{label}: median")


def draw_history(ax, values: np.ndarray, marks: TimeMarks) -> None:
    """What happened on the run's first days (`values`, from day 0 in the panel's unit, shorter
    than the run where the data end), with a dot on each month's first day."""
    months = [d for d in range(len(values)) if calendar.date_of(d, marks.start).day == 1]
    ax.plot(np.arange(len(values)), values, color=HISTORY, lw=1.8, zorder=3, markevery=months,
            label=HISTORY_LABEL, gid=HISTORY_GID, **HISTORY_MARKER)


FUTURE_STYLE = (0, (1, 2))  # the highlighted run's days still to come: dotted


def draw_highlight(ax, run: np.ndarray, today: int, colour: str = HIGHLIGHT,
                   label: str = "highlighted run") -> None:
    """The highlighted run in black: solid up to today, dotted for the days it has yet to live
    (the fan already holds them; the key says so)."""
    x = np.arange(len(run))
    ax.plot(x, run, color=colour, lw=0.9, ls=FUTURE_STYLE, alpha=0.6)
    ax.plot(x[: today + 1], run[: today + 1], color=colour, lw=1.4, label=label, gid=REVEAL)


@dataclass(frozen=True)
class Panel:
    """One time-series panel: title, unit and one or two (name, ensemble, colour) series."""

    title: str
    unit: str
    series: tuple[tuple[str, np.ndarray, str], ...]
    scale: float = 1.0


def trajectory_panel(name: str, traj: Mapping[str, np.ndarray], colour: str,
                     title_prefix: str = "") -> Panel:
    """A one-series panel titled and scaled as the trajectory is declared (sim.trajectories)."""
    spec = TRAJECTORIES[name]
    return Panel(title_prefix + spec.label, spec.shown_unit, ((name, traj[name], colour),),
                 scale=spec.display_scale)


def draw_panel(ax, panel: Panel, marks: TimeMarks, highlight: bool = True,
               every_months: int = 6) -> None:
    """A fan per series; the highlighted run of each in black over it (the key on the front-line
    panel says which run that is)."""
    mark_time_axis(ax, marks)
    for name, runs, colour in panel.series:
        draw_fan(ax, bands(runs / panel.scale), colour, name)
    if highlight:
        for name, runs, colour in panel.series:
            draw_highlight(ax, runs[0] / panel.scale, marks.today,
                           colour=highlight_colour(panel, colour),
                           label=f"{name}: highlighted run")
    ax.set_title(panel.title, fontsize=TITLE_PT, loc="left")
    ax.set_ylabel(panel.unit, fontsize=LABEL_PT)
    ax.tick_params(labelsize=TICK_PT)
    date_ticks(ax, marks, every_months)


def highlight_colour(panel: Panel, colour: str) -> str:
    """Black for a panel's only series; with two, a dark shade of each series' own colour, so
    Russia's and Ukraine's (or the US's and Europe's) highlighted runs are told apart."""
    return HIGHLIGHT if len(panel.series) == 1 else HIGHLIGHT_SHADES.get(colour, HIGHLIGHT)


def draw_talks(ax, phase_runs: np.ndarray, marks: TimeMarks, phase_names: tuple[str, ...]) -> None:
    """Share of the ensemble in each talks phase per day (stacked), the highlighted run's phase as
    a strip along the top."""
    x = np.arange(phase_runs.shape[1])
    shares = [(phase_runs == code).mean(axis=0) for code in range(len(phase_names))]
    ax.stackplot(x, *shares, colors=PHASE_COLOURS, alpha=0.75, labels=phase_names)
    for day, phase in marks.talks_changes:
        ax.axvline(day, color=TALKS_EVENT, lw=1.2, ls=TALKS_EVENT_STYLE, gid=f"{FROM_DAY}{day}")
    ax.axvline(marks.today, color=HIGHLIGHT, lw=1, gid=TODAY)
    ax.axvline(marks.inauguration_day, color=OKABE_ITO["purple"], lw=1, ls=":")
    for day in marks.interventions:
        ax.axvline(day, color=STUDENT_CHANGE, lw=2, ls=STUDENT_CHANGE_STYLE)
    ax.set_ylim(0, 1)
    ax.set_xlim(0, marks.days)
    ax.set_title("Talks phase (share of runs in each)", fontsize=TITLE_PT, loc="left")
    ax.set_ylabel("share of runs", fontsize=LABEL_PT)
    ax.tick_params(labelsize=TICK_PT)
    ax.legend(fontsize=LEGEND_PT - 1, loc="lower left", ncol=2, framealpha=0.8)
    date_ticks(ax, marks, 6)


OVERVIEW_SIZE_IN = (9.0, 12.2)  # laid out for about 650 CSS pixels, a laptop's main column
KEY_HEADROOM = 0.45  # a two-series panel's axis reaches this share of its data's range higher


def overview_figure(traj: dict[str, np.ndarray], marks: TimeMarks,
                    phase_names: tuple[str, ...], highlighted: str = "highlighted run",
                    history: np.ndarray | None = None) -> Figure:
    """The main view: the front line large, then pressure, talks, grid, support, aid, casualties,
    and the forces that move the front (troops by side and their ratio). `highlighted` names the
    highlighted run in the key ("seed 0, run 0"); `history`, what happened to the occupied area
    (km2 a day from day 0, as `fans.front_history` gives it), is drawn over the front's fan."""
    fig = Figure(figsize=OVERVIEW_SIZE_IN, dpi=RENDER_DPI, layout="constrained")
    grid = fig.add_gridspec(5, 2, height_ratios=[1.5, 1, 1, 1, 1])
    front = fig.add_subplot(grid[0, :])
    front_panel = trajectory_panel("occupied_km2", traj, UKRAINE, "Front line: ")
    draw_panel(front, front_panel, marks, every_months=3)
    if history is not None:
        draw_history(front, np.asarray(history) / front_panel.scale, marks)
    mark_legend(front, marks, highlighted, history is not None)
    panels = [
        Panel("Economic pressure", "index 0-1",
              (("Russia", traj["russia_economic_pressure"], RUSSIA),
               ("Ukraine", traj["ukraine_economic_pressure"], UKRAINE))),
        None,
        trajectory_panel("grid_gw", traj, OKABE_ITO["sky_blue"]),
        trajectory_panel("ukraine_support", traj, OKABE_ITO["green"]),
        Panel("Aid to Ukraine", "bn USD / year",
              (("US", traj["us_aid_bn_usd_yr"], OKABE_ITO["sky_blue"]),
               ("Europe", traj["eu_aid_bn_usd_yr"], OKABE_ITO["purple"]))),
        Panel("Casualties (killed and wounded, cumulative)", "thousand",
              (("Russia", traj["russia_casualties"], RUSSIA),
               ("Ukraine", traj["ukraine_casualties"], UKRAINE)), scale=1000.0),
        Panel("Troops at the front", TRAJECTORIES["russia_troops_k"].unit,
              (("Russia", traj["russia_troops_k"], RUSSIA),
               ("Ukraine", traj["ukraine_troops_k"], UKRAINE))),
        trajectory_panel("front_force_ratio", traj, OKABE_ITO["vermillion"]),
    ]
    for i, panel in enumerate(panels):
        ax = fig.add_subplot(grid[1 + i // 2, i % 2])
        if panel is None:
            draw_talks(ax, traj["talks_phase"], marks, phase_names)
            continue
        draw_panel(ax, panel, marks)
        if len(panel.series) > 1:  # room above the data for the key, which then hides none
            low, high = ax.get_ylim()
            ax.set_ylim(low, high + KEY_HEADROOM * (high - low))
            # the axis is numbered over the data only: the key's room is no part of the scale
            ax.set_yticks([tick for tick in ax.get_yticks() if low <= tick <= high])
            ax.legend(handles=[_line(colour, "-", name) for name, _, colour in panel.series]
                      + [_line(highlight_colour(panel, colour), "-", f"{name}: highlighted run")
                         for name, _, colour in panel.series if colour in HIGHLIGHT_SHADES],
                      fontsize=LEGEND_PT - 1, loc="upper left", ncol=2, framealpha=1.0)
    return fig


def key_labels(marks: TimeMarks, highlighted: str = "highlighted run",
               history: bool = False) -> tuple[str, ...]:
    """The key's entries: "your change" only when the student changed something, the talks
    event only when the highlighted run has one, what happened only when it is drawn (what
    `mark_legend` draws, in words)."""
    return tuple(label for label, _, _, _ in key_entries(marks, highlighted, history))


def key_entries(marks: TimeMarks, highlighted: str, history: bool = False):
    """(label, kind, colour, style or alpha) for each entry of the key."""
    entries = [(HISTORY_LABEL, "history", HISTORY, "-")] if history else []
    entries += [
        ("90 % of runs", "patch", UKRAINE, 0.15), ("50 % of runs", "patch", UKRAINE, 0.3),
        ("median of runs", "line", UKRAINE, "-"),
        (f"{highlighted}, to today", "line", HIGHLIGHT, "-"),
        ("same run, days to come", "line", HIGHLIGHT, FUTURE_STYLE),
        ("winter", "patch", WINTER_SHADE, 1.0),
        ("US inauguration", "line", OKABE_ITO["purple"], ":"),
    ]
    if marks.talks_changes:
        entries.append(("talks change (highlighted run)", "line", TALKS_EVENT, TALKS_EVENT_STYLE))
    if marks.interventions:
        entries.append(("your change", "line", STUDENT_CHANGE, STUDENT_CHANGE_STYLE))
    return entries


def mark_legend(ax, marks: TimeMarks, highlighted: str = "highlighted run",
                history: bool = False) -> None:
    """The key of every panel, on the front-line panel: what happened (when drawn), bands,
    median, the highlighted run (named, and its dotted days to come) and the time-axis marks,
    each drawn as it is in the charts."""
    handles = [_patch(colour, value, label) if kind == "patch"
               else _line(colour, value, label, **(HISTORY_MARKER if kind == "history" else {}))
               for label, kind, colour, value in key_entries(marks, highlighted, history)]
    ax.legend(handles=handles, fontsize=LEGEND_PT, loc="upper left", ncol=3, framealpha=1.0)


def _patch(colour: str, alpha: float, label: str):
    from matplotlib.patches import Patch
    return Patch(color=colour, alpha=alpha, label=label)


def _line(colour: str, style: str, label: str, **marker):
    from matplotlib.lines import Line2D
    return Line2D([], [], color=colour, ls=style, label=label, **marker)


def sector_figure(depth_runs: np.ndarray, sector_names: tuple[str, ...], date: datetime.date) -> Figure:
    """Where the front moved: depth gained per sector since day 0, run 0 as bars, the ensemble's
    median and 90 % range as whiskers. `depth_runs` has shape (runs, sectors)."""
    fig = Figure(figsize=SECTOR_SIZE_IN, dpi=RENDER_DPI)
    fig.subplots_adjust(**SECTOR_MARGINS)  # fixed: redrawn every day
    ax = fig.add_subplot()
    y = np.arange(len(sector_names))[::-1]
    run0 = depth_runs[0]
    ax.barh(y, run0, color=[RUSSIA if v >= 0 else UKRAINE for v in run0], alpha=0.8,
            label="highlighted run")
    lo, med, hi = np.quantile(depth_runs, [0.05, 0.5, 0.95], axis=0)
    ax.errorbar(med, y, xerr=[med - lo, hi - med], fmt="o", color=HIGHLIGHT, ms=3, lw=1,
                capsize=2, label="all runs: median, 90 %")
    ax.axvline(0, color=OKABE_ITO["grey"], lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(sector_names, fontsize=TICK_PT)
    ax.tick_params(axis="x", labelsize=TICK_PT)
    ax.set_xlabel(SECTOR_AXIS_LABEL, fontsize=TICK_PT, loc="right")
    ax.set_title(sector_title(date), fontsize=TITLE_PT, loc="left")
    ax.legend(fontsize=LEGEND_PT, loc="lower right")
    return fig


def outcome_figure(counts: dict[str, int], horizon: datetime.date) -> Figure:
    """How the ensemble's runs end: one bar per outcome class, share of runs."""
    fig = Figure(figsize=(6, 3.4), dpi=RENDER_DPI, layout="constrained")
    ax = fig.add_subplot()
    names = list(counts)
    total = max(sum(counts.values()), 1)
    shares = [counts[n] / total for n in names]
    colours = [OKABE_ITO[k] for k in ("green", "sky_blue", "vermillion", "purple", "yellow", "grey")]
    ax.barh(np.arange(len(names))[::-1], shares, color=colours[: len(names)])
    for i, share in enumerate(shares):
        ax.text(share + 0.01, len(names) - 1 - i, f"{share:.0%}", va="center", fontsize=TICK_PT)
    ax.set_yticks(np.arange(len(names))[::-1])
    ax.set_yticklabels(names, fontsize=TICK_PT)
    ax.set_xlim(0, 1.1)
    ax.set_xticks([0.0, 0.25, 0.5, 0.75, 1.0])
    ax.set_xticklabels(["0 %", "25 %", "50 %", "75 %", "100 %"])
    ax.set_xlabel("share of runs", fontsize=LABEL_PT)
    ax.tick_params(axis="x", labelsize=TICK_PT)
    ax.set_title(f"How the {total} runs stand on {day_text(horizon)}", fontsize=TITLE_PT,
                 loc="left")
    return fig


@dataclass(frozen=True)
class ComparedSeries:
    label: str
    runs: np.ndarray  # (runs, days + 1)


def comparison_figure(title: str, unit: str, series: tuple[ComparedSeries, ...],
                      marks: TimeMarks, scale: float = 1.0) -> Figure:
    """Two (or more) ensembles of one variable on the same axes: median and 50 %/90 % bands."""
    fig = Figure(figsize=(9, 4.0), dpi=RENDER_DPI, layout="constrained")
    ax = fig.add_subplot()
    mark_time_axis(ax, marks)
    for s, colour in zip(series, SERIES_COLOURS * 3):
        draw_fan(ax, bands(s.runs / scale), colour, s.label)
    ax.set_title(title, fontsize=TITLE_PT, loc="left")
    ax.set_ylabel(unit, fontsize=LABEL_PT)
    ax.tick_params(labelsize=TICK_PT)
    ax.legend(fontsize=LEGEND_PT, loc="upper left")
    date_ticks(ax, marks)
    return fig


def lesson_figure(title: str, unit: str, series: tuple[ComparedSeries, ...],
                  marks: TimeMarks, question_day: int, about_runs: bool) -> Figure:
    """A lesson's quantity for both fans over the lesson's run (`marks.days`), its question's
    day marked: fans of the quantity, or for a question about runs the share of runs that meet
    it each day. The key sits under the chart, so it hides none of the fans."""
    from matplotlib.patches import Patch

    fig = Figure(figsize=(6.4, 3.9), dpi=RENDER_DPI, layout="constrained")
    ax = fig.add_subplot()
    mark_time_axis(ax, marks)
    for s, colour in zip(series, SERIES_COLOURS * 3):
        if about_runs:
            ax.plot(np.arange(s.runs.shape[1]), s.runs.mean(axis=0) * 100.0, color=colour,
                    lw=1.8, label=s.label)
        else:
            draw_fan(ax, bands(s.runs), colour, s.label)
    ax.axvline(question_day, color=HIGHLIGHT, lw=1.2, ls=(0, (4, 2)),
               label=f"the question's day ({day_text(calendar.date_of(question_day, marks.start))})")
    ax.set_xlim(0, marks.days)
    if about_runs:
        ax.set_ylim(0, 100)
    ax.set_title(title, fontsize=TITLE_PT, loc="left")
    ax.set_ylabel("% of runs" if about_runs else unit, fontsize=LABEL_PT)
    ax.tick_params(labelsize=TICK_PT)
    handles, labels = ax.get_legend_handles_labels()
    if marks.winter.any():
        handles.append(Patch(facecolor=WINTER_SHADE, label="winter (December to February)"))
        labels.append("winter (December to February)")
    fig.legend(handles, [textwrap.fill(text, 44) for text in labels], fontsize=LEGEND_PT - 0.5,
               loc="outside lower center", ncol=2, frameon=False)
    date_ticks(ax, marks, 1 if marks.days <= 200 else 3 if marks.days <= 400 else 6)
    return fig


def _svg_number_pairs(points: np.ndarray) -> str:
    """"x,y x,y ..." with one decimal, formatted in one call (a day's frame has thousands)."""
    return ("%.1f,%.1f " * len(points) % tuple(points.ravel())).rstrip()


def _dash(linestyle, linewidth_px: float) -> str:
    """An SVG dash pattern for a matplotlib line style (scaled by the line width, as Agg does)."""
    patterns = {"--": (3.7, 1.6), "-.": (6.4, 1.6, 1.0, 1.6), ":": (1.0, 1.65)}
    if isinstance(linestyle, tuple):
        pattern = linestyle[1]
    else:
        pattern = patterns.get(linestyle)
    if not pattern:
        return ""
    return ' stroke-dasharray="' + ",".join(f"{v * linewidth_px:.1f}" for v in pattern) + '"'


class SvgOverlay:
    """SVG drawn over a figure's still PNG, in the PNG's pixel coordinates: the browser scales
    both together, so the overlay stays aligned and sharp at any size. One clip rectangle per
    axes keeps lines inside their panel."""

    def __init__(self, figure: Figure):
        self.figure = figure
        self.width, self.height = figure.bbox.width, figure.bbox.height
        self.scale = figure.dpi / 72.0  # pixels per point
        # ids are global to the page, which shows several overlays: each gets its own
        self.clip_ids = {id(ax): f"clip-{id(self):x}-{i}" for i, ax in enumerate(figure.axes)}
        rects = []
        for ax in figure.axes:
            x0, y0, x1, y1 = ax.bbox.extents
            rects.append(f'<clipPath id="{self.clip_ids[id(ax)]}"><rect x="{x0:.1f}" '
                         f'y="{self.height - y1:.1f}" width="{x1 - x0:.1f}" '
                         f'height="{y1 - y0:.1f}"/></clipPath>')
        self.defs = "<defs>" + "".join(rects) + "</defs>"

    def pixels(self, ax, x, y) -> np.ndarray:
        points = ax.transData.transform(np.column_stack([np.ravel(x), np.ravel(y)]))
        points[:, 1] = self.height - points[:, 1]
        return points

    def line(self, ax, x, y, colour: str, width_pt: float, style="-", alpha: float = 1.0) -> str:
        width = width_pt * self.scale
        points = self.pixels(ax, x, y)
        return (f'<polyline points="{_svg_number_pairs(points)}" fill="none" stroke="{colour}" '
                f'stroke-width="{width:.1f}" stroke-opacity="{alpha:g}"{_dash(style, width)} '
                f'clip-path="url(#{self.clip_ids[id(ax)]})"/>')

    def vertical(self, ax, x: float, colour: str, width_pt: float, style="-") -> str:
        x_px = self.pixels(ax, [x], [0.0])[0, 0]
        _, y0, _, y1 = ax.bbox.extents
        width = width_pt * self.scale
        return (f'<line x1="{x_px:.1f}" x2="{x_px:.1f}" y1="{self.height - y1:.1f}" '
                f'y2="{self.height - y0:.1f}" stroke="{colour}" stroke-width="{width:.1f}"'
                f'{_dash(style, width)}/>')

    def svg(self, items: list[str]) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width:.0f} '
                f'{self.height:.0f}" preserveAspectRatio="none" aria-hidden="true" '
                f'style="position: absolute; left: 0; top: 0; width: 100%; height: 100%">'
                + self.defs + "".join(items) + "</svg>")


@dataclass
class LiveFigure:
    """A figure drawn once with everything that does not move (bands, medians, seasons, named
    days, interventions) as a PNG sent once; `overlay(today)` is what a day changes, as a few
    kB of SVG over it: the highlighted run up to today, the today line and talks changes up to
    today. A step then costs no rasterising and no PNG encoding at all (a 2x overview frame
    cost about 30 ms to blit and encode quiet, 100 ms on a loaded machine)."""

    figure: Figure
    background: bytes
    reveal: list[tuple[object, np.ndarray]]
    today_lines: list[object]
    dated: list[tuple[object, int]]
    layer: SvgOverlay

    def overlay(self, today: int) -> str:
        layer, items = self.layer, []
        for line, y in self.reveal:
            items.append(layer.line(line.axes, np.arange(today + 1), y[: today + 1],
                                    line.get_color(), line.get_linewidth()))
        for artist, day in self.dated:
            if day <= today:
                items.append(layer.vertical(artist.axes, day, artist.get_color(),
                                            artist.get_linewidth(), artist.get_linestyle()))
        for line in self.today_lines:
            items.append(layer.vertical(line.axes, today, line.get_color(), line.get_linewidth()))
        return layer.svg(items)


def live_figure(fig: Figure) -> LiveFigure:
    """Split a figure drawn with `today == days` into its still PNG and its moving parts."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    reveal, today_lines, dated = [], [], []
    for ax in fig.axes:
        for line in ax.lines:
            gid = line.get_gid() or ""
            if gid == REVEAL:
                reveal.append((line, np.asarray(line.get_ydata())))
            elif gid == TODAY:
                today_lines.append(line)
            elif gid.startswith(FROM_DAY):
                dated.append((line, int(gid[len(FROM_DAY):])))
            else:
                continue
            line.set_visible(False)
    canvas.draw()
    return LiveFigure(fig, rgba_png(canvas.buffer_rgba()), reveal, today_lines, dated,
                      SvgOverlay(fig))


SECTOR_STEP_KM = 10.0  # sector axis limits are whole multiples of this
SECTOR_MIN_LIMITS = (-10.0, 20.0)


def sector_limits(depth_runs: np.ndarray, headroom: float = 1.25) -> tuple[float, float]:
    """x-limits that hold every run's depth with room to grow, rounded outwards to whole
    `SECTOR_STEP_KM`: they change rarely, so the axes can stay a still background."""
    lo = min(SECTOR_MIN_LIMITS[0], float(np.min(depth_runs)) * headroom)
    hi = max(SECTOR_MIN_LIMITS[1], float(np.max(depth_runs)) * headroom)
    return (SECTOR_STEP_KM * np.floor(lo / SECTOR_STEP_KM), SECTOR_STEP_KM * np.ceil(hi / SECTOR_STEP_KM))


def sector_summary(depth_runs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run 0's depth and the ensemble's 5 %, median and 95 % per sector."""
    lo, med, hi = np.quantile(depth_runs, [0.05, 0.5, 0.95], axis=0)
    return depth_runs[0], lo, med, hi


@dataclass
class LiveSectorFigure:
    """The sector view drawn once (axes, names, labels, legend, title) as a PNG; `overlay(depth)`
    draws the day's bars and whiskers as SVG over it. A day's depths outside the fixed
    x-limits make `fits` false: the caller builds a new one (a few times a run at most)."""

    figure: Figure
    background: bytes
    limits: tuple[float, float]
    layer: SvgOverlay

    def fits(self, depth_runs: np.ndarray) -> bool:
        return bool(self.limits[0] <= np.min(depth_runs) and np.max(depth_runs) <= self.limits[1])

    def overlay(self, depth_runs: np.ndarray) -> str:
        run0, lo, med, hi = sector_summary(depth_runs)
        ax, layer = self.figure.axes[0], self.layer
        y = np.arange(len(run0))[::-1]
        zero = layer.pixels(ax, [0.0], [0.0])[0, 0]
        ends = layer.pixels(ax, run0, y)
        top = layer.pixels(ax, run0, y + SECTOR_BAR_HEIGHT / 2)[:, 1]
        bottom = layer.pixels(ax, run0, y - SECTOR_BAR_HEIGHT / 2)[:, 1]
        items = []
        for value, end, y0, y1 in zip(run0, ends[:, 0], top, bottom):
            colour = RUSSIA if value >= 0 else UKRAINE
            items.append(f'<rect class="sector-bar" x="{min(zero, end):.1f}" y="{y0:.1f}" '
                         f'width="{abs(end - zero):.1f}" height="{y1 - y0:.1f}" fill="{colour}" '
                         f'fill-opacity="0.8"/>')
        width = 1.0 * layer.scale
        left, right, middle = layer.pixels(ax, lo, y), layer.pixels(ax, hi, y), layer.pixels(ax, med, y)
        for (x0, yy), (x1, _), (xm, _) in zip(left, right, middle):
            items.append(f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{yy:.1f}" y2="{yy:.1f}" '
                         f'stroke="{HIGHLIGHT}" stroke-width="{width:.1f}"/>'
                         f'<circle cx="{xm:.1f}" cy="{yy:.1f}" r="{1.5 * layer.scale:.1f}" '
                         f'fill="{HIGHLIGHT}"/>')
        if not np.any(depth_runs):
            items.append(self.start_note())
        return layer.svg(items)

    def start_note(self) -> str:
        """Day 0 in words over the empty bars: what a bar will mean, so the chart is not blank.
        Sized to the room between the zero line and the axes' right edge."""
        ax, layer = self.figure.axes[0], self.layer
        (zero, middle), = layer.pixels(ax, [0.0], [len(ax.get_yticks()) / 2 - 0.5])
        right = ax.bbox.x1
        lines = ("Day 0: no sector has moved yet.", "Each day a bar shows how far the",
                 "highlighted run's front has moved;", "the dot and whisker, all runs'.")
        pad = 0.02 * (right - zero)
        size = min(TICK_PT * layer.scale,
                   (right - zero - 4 * pad) / (0.62 * max(len(line) for line in lines)))
        height = 1.4 * size * len(lines) + size
        top = middle - height / 2
        x = zero + 2 * pad
        text = "".join(f'<tspan x="{x + pad:.1f}" dy="{1.4 * size if i else 0:.1f}">{line}</tspan>'
                       for i, line in enumerate(lines))
        return (f'<g class="sector-start-note"><rect x="{x:.1f}" y="{top:.1f}" '
                f'width="{right - x - pad:.1f}" height="{height:.1f}" fill="white" '
                f'fill-opacity="0.92" stroke="{OKABE_ITO["grey"]}" stroke-width="1"/>'
                f'<text y="{top + 1.3 * size:.1f}" font-size="{size:.1f}" fill="#333" '
                f'font-family="DejaVu Sans, sans-serif">{text}</text></g>')


SECTOR_BAR_HEIGHT = 0.8
SECTOR_SIZE_IN = (6.0, 4.4)
SECTOR_MARGINS = dict(left=0.31, right=0.97, top=0.92, bottom=0.13)
SECTOR_AXIS_LABEL = "km Russia has advanced since the start (negative: Ukraine gained)"


def sector_title(date: datetime.date | None = None) -> str:
    return "The front's twelve sectors, north to south" + (f", on {day_text(date)}" if date else "")


def live_sector_figure(sector_names: tuple[str, ...], limits: tuple[float, float]) -> LiveSectorFigure:
    """The still parts of the sector view; bars and whiskers come each day as an overlay."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=SECTOR_SIZE_IN, dpi=RENDER_DPI)
    fig.subplots_adjust(**SECTOR_MARGINS)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    y = np.arange(len(sector_names))[::-1]
    ax.axvline(0, color=OKABE_ITO["grey"], lw=0.8)
    ax.set_xlim(*limits)
    ax.set_ylim(-0.7, len(y) - 0.3)
    ax.set_yticks(y)
    ax.set_yticklabels(sector_names, fontsize=TICK_PT)
    ax.tick_params(axis="x", labelsize=TICK_PT)
    ax.set_xlabel(SECTOR_AXIS_LABEL, fontsize=TICK_PT, loc="right")  # centred, it was cut
    ax.set_title(sector_title(), fontsize=TITLE_PT, loc="left")
    ax.legend(handles=[_patch(RUSSIA, 0.8, "highlighted run: Russia gained"),
                       _patch(UKRAINE, 0.8, "highlighted run: Ukraine gained"),
                       _line(HIGHLIGHT, "-", "all runs: median, 90 %")],
              fontsize=LEGEND_PT, loc="lower right")
    canvas.draw()
    return LiveSectorFigure(fig, rgba_png(canvas.buffer_rgba()), limits, SvgOverlay(fig))


class SectorView:
    """A session's sector view: keeps one `LiveSectorFigure` and builds a wider one only when the
    front moves past its limits."""

    def __init__(self, sector_names: tuple[str, ...]):
        self.sector_names = sector_names
        self.live: LiveSectorFigure | None = None

    def frame(self, depth_runs: np.ndarray) -> tuple[bytes, str]:
        """The still PNG (the same bytes object until the axis widens) and the day's overlay."""
        if self.live is None or not self.live.fits(depth_runs):
            self.live = live_sector_figure(self.sector_names, sector_limits(depth_runs))
        return self.live.background, self.live.overlay(depth_runs)


def rgba_png(buffer) -> bytes:
    """PNG of a chart (an RGBA buffer): a 256-colour palette (octree) and low compression. For
    the 2x overview that is about 130 KB instead of about three times that, sent once per fan
    (the days move in an SVG overlay), with no difference to see."""
    from PIL import Image

    arr = np.asarray(buffer)
    out = io.BytesIO()
    Image.fromarray(arr[..., :3]).quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(
        out, format="PNG", compress_level=1)
    return out.getvalue()


def figure_png(fig: Figure) -> bytes:
    """PNG bytes of a figure (what the page shows and what the export button downloads)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return rgba_png(canvas.buffer_rgba())
