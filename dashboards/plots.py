"""Pure matplotlib figure builders over arrays: no Solara, no model, so they test in isolation.

Every builder takes plain arrays (trajectories of shape (runs, days + 1), a highlighted run, the
current day, time-axis marks) and returns a `matplotlib.figure.Figure` made with the object API
(never pyplot), so figures built in different browser sessions share no global state. Colours are
Okabe-Ito, which stay distinct under the common colour-vision deficiencies.
"""

from __future__ import annotations

import datetime
import io
import threading
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

from sim import calendar

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#999999",
}
RUSSIA = OKABE_ITO["vermillion"]
UKRAINE = OKABE_ITO["blue"]
HIGHLIGHT = OKABE_ITO["black"]
PHASE_COLOURS = (OKABE_ITO["grey"], OKABE_ITO["orange"], OKABE_ITO["sky_blue"], OKABE_ITO["green"])
SERIES_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["vermillion"])
WINTER_SHADE = "#DDEEFF"
# A figure is laid out for the page at 1 pt = 1 CSS pixel (`LAYOUT_DPI`) and rendered at twice
# that (`RENDER_DPI`): the page shows it at most at its pixel size divided by the screen's pixel
# ratio, so it is never stretched, and stays sharp on a laptop, a projector and a 2x screen.
LAYOUT_DPI = 72
PIXEL_RATIO = 2
RENDER_DPI = LAYOUT_DPI * PIXEL_RATIO
TICK_PT, LABEL_PT, TITLE_PT, LEGEND_PT = 9, 9.5, 11, 8.5
# gids of the artists a live figure redraws each day (see `LiveFigure`)
REVEAL, TODAY, FROM_DAY = "reveal", "today", "from-day:"


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
        ax.axvline(day, color=PHASE_COLOURS[phase], lw=1.2, ls="-.", gid=f"{FROM_DAY}{day}",
                   label="talks change (highlighted run)" if label and i == 0 else None)
    for i, day in enumerate(marks.interventions):
        ax.axvline(day, color=OKABE_ITO["orange"], lw=2, ls="--",
                   label="your intervention" if label and i == 0 else None)
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


def day_text(date: datetime.date) -> str:
    """A day as a student reads it: "1 Mar 2025"."""
    return f"{date.day} {date.strftime('%b %Y')}"


def draw_fan(ax, b: Bands, colour: str, label: str) -> None:
    x = np.arange(len(b.median))
    ax.fill_between(x, b.p05, b.p95, color=colour, alpha=0.15, lw=0, label=f"{label}: 90 %")
    ax.fill_between(x, b.p25, b.p75, color=colour, alpha=0.3, lw=0, label=f"{label}: 50 %")
    ax.plot(x, b.median, color=colour, lw=1.5, label=f"{label}: median")


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
                           label=f"{name}: highlighted run")
    ax.set_title(panel.title, fontsize=TITLE_PT, loc="left")
    ax.set_ylabel(panel.unit, fontsize=LABEL_PT)
    ax.tick_params(labelsize=TICK_PT)
    date_ticks(ax, marks, every_months)


def draw_talks(ax, phase_runs: np.ndarray, marks: TimeMarks, phase_names: tuple[str, ...]) -> None:
    """Share of the ensemble in each talks phase per day (stacked), the highlighted run's phase as
    a strip along the top."""
    x = np.arange(phase_runs.shape[1])
    shares = [(phase_runs == code).mean(axis=0) for code in range(len(phase_names))]
    ax.stackplot(x, *shares, colors=PHASE_COLOURS, alpha=0.75, labels=phase_names)
    for day, phase in marks.talks_changes:
        ax.axvline(day, color=HIGHLIGHT, lw=1.2, ls="-.", gid=f"{FROM_DAY}{day}")
    ax.axvline(marks.today, color=HIGHLIGHT, lw=1, gid=TODAY)
    ax.axvline(marks.inauguration_day, color=OKABE_ITO["purple"], lw=1, ls=":")
    for day in marks.interventions:
        ax.axvline(day, color=OKABE_ITO["orange"], lw=2, ls="--")
    ax.set_ylim(0, 1)
    ax.set_xlim(0, marks.days)
    ax.set_title("Talks phase (share of runs in each)", fontsize=TITLE_PT, loc="left")
    ax.set_ylabel("share of runs", fontsize=LABEL_PT)
    ax.tick_params(labelsize=TICK_PT)
    ax.legend(fontsize=LEGEND_PT - 1, loc="lower left", ncol=2, framealpha=0.8)
    date_ticks(ax, marks, 6)


OVERVIEW_SIZE_IN = (9.0, 10.0)  # laid out for about 650 CSS pixels, a laptop's main column


def overview_figure(traj: dict[str, np.ndarray], marks: TimeMarks,
                    phase_names: tuple[str, ...], highlighted: str = "highlighted run") -> Figure:
    """The main view: the front line large, then pressure, talks, grid, support, aid, casualties.
    `highlighted` names the highlighted run in the key ("seed 0, run 0")."""
    fig = Figure(figsize=OVERVIEW_SIZE_IN, dpi=RENDER_DPI, layout="constrained")
    grid = fig.add_gridspec(4, 2, height_ratios=[1.5, 1, 1, 1])
    front = fig.add_subplot(grid[0, :])
    draw_panel(front, Panel("Front line: Russian-occupied area of Ukraine", "thousand km²",
                            (("occupied", traj["occupied_km2"], UKRAINE),), scale=1000.0), marks,
               every_months=3)
    mark_legend(front, marks, highlighted)
    panels = [
        Panel("Economic pressure", "index 0-1",
              (("Russia", traj["russia_economic_pressure"], RUSSIA),
               ("Ukraine", traj["ukraine_economic_pressure"], UKRAINE))),
        None,
        Panel("Ukraine's grid capacity", "GW", (("grid", traj["grid_gw"], OKABE_ITO["orange"]),)),
        Panel("Domestic support in Ukraine for fighting on", "share",
              (("support", traj["ukraine_support"], OKABE_ITO["green"]),)),
        Panel("Aid to Ukraine", "bn USD / year",
              (("US", traj["us_aid_bn_usd_yr"], OKABE_ITO["sky_blue"]),
               ("Europe", traj["eu_aid_bn_usd_yr"], OKABE_ITO["purple"]))),
        Panel("Casualties (killed and wounded, cumulative)", "thousand",
              (("Russia", traj["russia_casualties"], RUSSIA),
               ("Ukraine", traj["ukraine_casualties"], UKRAINE)), scale=1000.0),
    ]
    for i, panel in enumerate(panels):
        ax = fig.add_subplot(grid[1 + i // 2, i % 2])
        if panel is None:
            draw_talks(ax, traj["talks_phase"], marks, phase_names)
            continue
        draw_panel(ax, panel, marks)
        if len(panel.series) > 1:
            ax.legend(handles=[_line(colour, "-", name) for name, _, colour in panel.series],
                      fontsize=LEGEND_PT, loc="upper left")
    return fig


def mark_legend(ax, marks: TimeMarks, highlighted: str = "highlighted run") -> None:
    """The key of every panel, on the front-line panel: bands, median, the highlighted run (named,
    and its dotted days to come) and the time-axis marks, each drawn as it is in the charts."""
    handles = [
        _patch(UKRAINE, 0.15, "90 % of runs"), _patch(UKRAINE, 0.3, "50 % of runs"),
        _line(UKRAINE, "-", "median of runs"),
        _line(HIGHLIGHT, "-", f"{highlighted}, to today"),
        _line(HIGHLIGHT, FUTURE_STYLE, "same run, days to come"),
        _patch(WINTER_SHADE, 1.0, "winter"), _line(OKABE_ITO["purple"], ":", "US inauguration"),
        _line(OKABE_ITO["grey"], "-.", "talks change (highlighted run)"),
        _line(OKABE_ITO["orange"], "--", "your change"),
    ]
    ax.legend(handles=handles, fontsize=LEGEND_PT, loc="upper left", ncol=3, framealpha=0.85)


def _patch(colour: str, alpha: float, label: str):
    from matplotlib.patches import Patch
    return Patch(color=colour, alpha=alpha, label=label)


def _line(colour: str, style: str, label: str):
    from matplotlib.lines import Line2D
    return Line2D([], [], color=colour, ls=style, label=label)


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
    ax.set_xlabel(SECTOR_AXIS_LABEL, fontsize=TICK_PT)
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
    colours = [OKABE_ITO[k] for k in ("green", "sky_blue", "vermillion", "purple", "orange", "grey")]
    ax.barh(np.arange(len(names))[::-1], shares, color=colours[: len(names)])
    for i, share in enumerate(shares):
        ax.text(share + 0.01, len(names) - 1 - i, f"{share:.0%}", va="center", fontsize=TICK_PT)
    ax.set_yticks(np.arange(len(names))[::-1])
    ax.set_yticklabels(names, fontsize=TICK_PT)
    ax.set_xlim(0, 1.1)
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


@dataclass
class LiveFigure:
    """A figure drawn once with everything that does not move (bands, medians, seasons, named
    days, interventions); `png(today)` restores that picture and draws only what a day changes:
    the highlighted run up to today, the today line, and talks changes up to today."""

    figure: Figure
    background: object
    reveal: list[tuple[object, np.ndarray]]
    today_lines: list[object]
    dated: list[tuple[object, int]]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def png(self, today: int) -> bytes:
        with self.lock:
            return self._draw(today)

    def _draw(self, today: int) -> bytes:
        canvas = self.figure.canvas
        canvas.restore_region(self.background)
        for line, y in self.reveal:
            line.set_data(np.arange(today + 1), y[: today + 1])
            line.axes.draw_artist(line)
        for line in self.today_lines:
            line.set_xdata([today, today])
            line.axes.draw_artist(line)
        for artist, day in self.dated:
            if day <= today:
                artist.axes.draw_artist(artist)
        return rgba_png(canvas.buffer_rgba())


def live_figure(fig: Figure) -> LiveFigure:
    """Split a figure drawn with `today == days` into its still background and moving parts."""
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
            line.set_animated(True)
    canvas.draw()
    return LiveFigure(fig, canvas.copy_from_bbox(fig.bbox), reveal, today_lines, dated)


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
    """The sector view drawn once (axes, names, labels, legend, title); `png(depth)` restores that
    picture and draws only the bars and the whiskers. No text is drawn per day (laying out text
    costs more than all the bars): the page shows the date beside the image. A day's depths
    outside the fixed x-limits make `fits` false: the caller builds a new one (a few times a run
    at most)."""

    figure: Figure
    background: object
    bars: list
    medians: object
    whiskers: object
    limits: tuple[float, float]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fits(self, depth_runs: np.ndarray) -> bool:
        return bool(self.limits[0] <= np.min(depth_runs) and np.max(depth_runs) <= self.limits[1])

    def png(self, depth_runs: np.ndarray) -> bytes:
        with self.lock:
            return self._draw(depth_runs)

    def _draw(self, depth_runs: np.ndarray) -> bytes:
        run0, lo, med, hi = sector_summary(depth_runs)
        canvas = self.figure.canvas
        canvas.restore_region(self.background)
        ax = self.figure.axes[0]
        y = np.arange(len(run0))[::-1]
        for bar, value in zip(self.bars, run0):
            bar.set_width(value)
            bar.set_facecolor(RUSSIA if value >= 0 else UKRAINE)
            ax.draw_artist(bar)
        self.whiskers.set_segments([[(a, yy), (b, yy)] for a, b, yy in zip(lo, hi, y)])
        ax.draw_artist(self.whiskers)
        self.medians.set_data(med, y)
        ax.draw_artist(self.medians)
        return rgba_png(canvas.buffer_rgba())


SECTOR_SIZE_IN = (6.0, 4.4)
SECTOR_MARGINS = dict(left=0.27, right=0.97, top=0.92, bottom=0.13)
SECTOR_AXIS_LABEL = "km Russia has advanced since the start (negative: Ukraine gained)"


def sector_title(date: datetime.date | None = None) -> str:
    return "The front's twelve sectors, north to south" + (f", on {day_text(date)}" if date else "")


def live_sector_figure(sector_names: tuple[str, ...], limits: tuple[float, float]) -> LiveSectorFigure:
    """The still parts of the sector view, with empty animated bars and whiskers."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection

    fig = Figure(figsize=SECTOR_SIZE_IN, dpi=RENDER_DPI)
    fig.subplots_adjust(**SECTOR_MARGINS)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    y = np.arange(len(sector_names))[::-1]
    bars = list(ax.barh(y, np.zeros(len(y)), color=RUSSIA, alpha=0.8, animated=True))
    whiskers = LineCollection([], colors=HIGHLIGHT, linewidths=1, animated=True)
    ax.add_collection(whiskers, autolim=False)
    medians, = ax.plot([], [], "o", color=HIGHLIGHT, ms=3, animated=True)
    ax.axvline(0, color=OKABE_ITO["grey"], lw=0.8)
    ax.set_xlim(*limits)
    ax.set_ylim(-0.7, len(y) - 0.3)
    ax.set_yticks(y)
    ax.set_yticklabels(sector_names, fontsize=TICK_PT)
    ax.tick_params(axis="x", labelsize=TICK_PT)
    ax.set_xlabel(SECTOR_AXIS_LABEL, fontsize=TICK_PT)
    ax.set_title(sector_title(), fontsize=TITLE_PT, loc="left")
    ax.legend(handles=[_patch(RUSSIA, 0.8, "highlighted run: Russia gained"),
                       _patch(UKRAINE, 0.8, "highlighted run: Ukraine gained"),
                       _line(HIGHLIGHT, "-", "all runs: median, 90 %")],
              fontsize=LEGEND_PT, loc="lower right")
    canvas.draw()
    return LiveSectorFigure(fig, canvas.copy_from_bbox(fig.bbox), bars, medians, whiskers, limits)


class SectorView:
    """A session's sector view: keeps one `LiveSectorFigure` and builds a wider one only when the
    front moves past its limits."""

    def __init__(self, sector_names: tuple[str, ...]):
        self.sector_names = sector_names
        self.live: LiveSectorFigure | None = None

    def png(self, depth_runs: np.ndarray) -> bytes:
        if self.live is None or not self.live.fits(depth_runs):
            self.live = live_sector_figure(self.sector_names, sector_limits(depth_runs))
        return self.live.png(depth_runs)


def rgba_png(buffer) -> bytes:
    """PNG of a live frame (an RGBA buffer), sent to the browser at every step: a 256-colour
    palette (octree) and low compression. For the overview that is about 55 KB instead of
    140 KB, and quicker to encode (about 7.5 ms instead of 12.5), with no difference to see: a
    class of 20 playing at once moves a third of the bytes. Exports stay full colour."""
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
