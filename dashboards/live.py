"""The part of the page a day's step changes, updated in place without a Solara render.

Why not a component that reads `state.day`: Solara (reacton) reconciles the whole element tree
on every render, re-setting each widget's properties, even when only one component re-ran. On
this page (about 170 widgets: thirteen sliders with their tooltips, the panels) that walk alone
costs about 25 ms, a quarter of the step budget, and with 20 sessions half of the one Python
thread's time. So the things a step changes (the date line, the front map, the overview and
sector charts and the event log) are plain widgets made once per session, placed in the page by
the `LiveDay` component, and updated by `LiveFrame.show(day)` when `state.day` changes (a
subscription, not a render). The charts are a still 2x PNG, sent once per fan, under an SVG
overlay of what the day moves (the highlighted run to today, today's line, the sector bars): a
step costs the model step, a few kB of SVG each for the charts and the map, and a few trait
updates, with no rasterising or PNG encoding. Everything else on the page re-renders only when
its own inputs change (settings, the fan, a comparison), through ordinary Solara components.
"""

from __future__ import annotations

import base64
import datetime
import html
import threading
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import ipyvue
import ipywidgets
import numpy as np
import solara

import sim
from sim import calendar

from . import plots
from .components.front_map import FrontMapWidget
from .components.views import event_items
from .events import LiveEventLog
from .fans import front_history, history_follows

NO_EVENTS_ITEM = '<li class="event-none">Nothing has happened yet: press Play or step a day.</li>'


@dataclass(frozen=True, eq=False)
class LiveContent:
    """What the live frame draws from: one model, its overview background (built from the fan
    or the model's own trajectories) and the session's incremental sector view and event log."""

    model: sim.ConflictModel
    overview: plots.LiveFigure
    sectors: plots.SectorView
    log: LiveEventLog
    interventions: tuple[tuple[int, Mapping[str, Any]], ...]
    start: datetime.date
    scenario_title: str
    occupied: plots.Bands  # of the fan's occupied area, for the overview's text alternative
    highlighted: str  # "seed 0, run 0"
    sector_names: tuple[str, ...]
    key: tuple[str, ...] = ()  # the overview key's entries (`plots.key_labels`)


def date_text(day: int, days: int, start: datetime.date, scenario_title: str) -> str:
    date = calendar.date_of(day, start)
    return f"{date.day} {date.strftime('%B %Y')} (day {day} of {days}) — {scenario_title}"


def overview_alt(content: "LiveContent", day: int, run_value: float) -> str:
    """What the overview shows on `day`, in words (its text alternative)."""
    b, date = content.occupied, plots.day_text(calendar.date_of(day, content.start))
    last = len(b.median) - 1
    end = plots.day_text(calendar.date_of(last, content.start))
    return (f"Charts of {len(b.median) - 1} days for all runs: occupied area, economic pressure, "
            f"talks, Ukraine's grid, support, aid and casualties. Occupied area on {date}: "
            f"median {b.median[day]:,.0f} km², 90 % of runs between {b.p05[day]:,.0f} and "
            f"{b.p95[day]:,.0f} km²; highlighted run ({content.highlighted}) {run_value:,.0f} km². "
            f"Median on {end}: {b.median[last]:,.0f} km². Key: " + "; ".join(content.key) + ".")


def sectors_alt(sector_names: Sequence[str], depth_km: np.ndarray, date: datetime.date) -> str:
    """The sector view in words: where the highlighted run's front has moved most."""
    run = np.asarray(depth_km[0], dtype=float)
    order = np.argsort(-np.abs(run))[:3]
    moved = ", ".join(f"{sector_names[i]} {run[i]:+.1f} km" for i in order)
    median = np.median(depth_km, axis=0)
    return (f"Bar chart of the front's twelve sectors on {plots.day_text(date)}: how far Russia "
            f"has advanced since the start (negative: Ukraine gained). Highlighted run, largest "
            f"moves: {moved}. Median over all runs, summed over sectors: {median.sum():+.1f} km.")


class ChartImage:
    """A chart's still PNG as an <img> with its own name (`alt`), set only when the picture
    changes (once per fan): ipywidgets' Image gives no way to name its <img>, so screen readers
    announced three charts as "image". The day's full description is on the chart's frame."""

    def __init__(self, alt: str):
        self.alt = alt
        self.png: bytes | None = None
        self.widget = ipyvue.Html(tag="img", attributes={"alt": alt, "class": "solara-image"})

    def set(self, png: bytes) -> None:
        if png is self.png:
            return
        self.png = png
        self.widget.attributes = {"alt": self.alt, "class": "solara-image",
                                  "src": "data:image/png;base64," + base64.b64encode(png).decode()}


OVERVIEW_IMAGE_ALT = ("Charts of all runs over the two years: occupied area, economic pressure, "
                      "talks, Ukraine's grid, support, aid and casualties")
SECTORS_IMAGE_ALT = "Bar chart of how far the front has moved in each of its twelve sectors"


def described(image: ipywidgets.Widget, overlay: ipywidgets.Widget, name: str) -> ipyvue.Html:
    """A chart (its still PNG, the day's SVG over it) in a box that screen readers read as one
    image with a text alternative."""
    return ipyvue.Html(tag="div", children=[image, overlay], attributes={
        "role": "img", "aria-label": "", "class": f"chart chart-{name}",
        "style": "position: relative; line-height: 0"})


def overlay_widget() -> solara.widgets.HTML:
    return solara.widgets.HTML(tag="div", unsafe_innerHTML="", attributes={
        "class": "chart-overlay",
        "style": "position: absolute; left: 0; top: 0; width: 100%; height: 100%"})


def log_html(events: Sequence, start: datetime.date) -> str:
    return event_items(events, start) if events else NO_EVENTS_ITEM


def caption(text: str) -> solara.widgets.HTML:
    return solara.widgets.HTML(tag="span", unsafe_innerHTML=html.escape(text),
                               attributes={"style": "font-size: 0.75em; color: #555"})


class LiveFrame:
    """One session's live widgets and the drawing that fills them. `show` may be called from the
    play loop's thread and from a click at once; the lock makes one wait for the other."""

    def __init__(self):
        self.lock = threading.Lock()
        self.content: LiveContent | None = None
        self.current: Callable[[], sim.ConflictModel] | None = None
        self.date = solara.widgets.HTML(tag="div", unsafe_innerHTML="", attributes={
            "class": "sim-date", "style": "font-size: 1.3em; font-weight: 600"})
        self.overview_image = ChartImage(OVERVIEW_IMAGE_ALT)
        self.sectors_image = ChartImage(SECTORS_IMAGE_ALT)
        self.overview_layer = overlay_widget()
        self.sectors_layer = overlay_widget()
        self.overview = described(self.overview_image.widget, self.overview_layer, "overview")
        self.sectors = described(self.sectors_image.widget, self.sectors_layer, "sectors")
        self.front_map = FrontMapWidget()
        self.sector_caption = caption("Bars: the highlighted run on the day shown above; dots "
                                      "and whiskers: the median and 90 % of all runs.")
        self.log = solara.widgets.HTML(tag="ul", unsafe_innerHTML=NO_EVENTS_ITEM, attributes={
            "style": "max-height: 260px; overflow-y: auto; font-size: 0.85em"})
        self.log_size = -1

    def load(self, content: LiveContent, current: Callable[[], sim.ConflictModel], day: int) -> None:
        """New drawing sources (a new model, fan or intervention), shown at `day` at once."""
        with self.lock:
            self.content, self.current, self.log_size = content, current, -1
        self.show(day)

    def show(self, day: int) -> bool:
        """Draw `day`; False (nothing drawn) if the session's model is not the one loaded: the
        page is about to load the new one."""
        with self.lock:
            content = self.content
            if content is None or self.current is None or self.current() is not content.model:
                return False
            model = content.model
            date = calendar.date_of(day, content.start)
            overview_svg = content.overview.overlay(day)
            sector_png, sector_svg = content.sectors.frame(model.state.depth_km)
            events = content.log.upto(model.trajectories, day, content.interventions)
            overview_label = overview_alt(content, day,
                                          float(model.trajectories["occupied_km2"][0, day]))
            sectors_label = sectors_alt(content.sector_names, model.state.depth_km, date)
            depth = model.state.depth_km
            with self.date.hold_sync():  # one message to the browser, not two
                self.date.attributes = {**self.date.attributes, "data-day": str(day),
                                        "data-date": date.isoformat()}
                self.date.unsafe_innerHTML = html.escape(
                    date_text(day, model.days, content.start, content.scenario_title))
            self.overview_image.set(content.overview.background)  # once per fan
            self.sectors_image.set(sector_png)  # once, and when the axis widens
            self.overview_layer.unsafe_innerHTML = overview_svg
            self.sectors_layer.unsafe_innerHTML = sector_svg
            self.front_map.show(np.asarray(depth[0], dtype=float), np.median(depth, axis=0), day,
                                plots.day_text(date), float(model.state.kursk_held_km2[0]))
            self.overview.attributes = {**self.overview.attributes, "aria-label": overview_label,
                                        "data-key": "; ".join(content.key)}
            self.sectors.attributes = {**self.sectors.attributes, "aria-label": sectors_label}
            if len(events) != self.log_size:
                self.log.unsafe_innerHTML = log_html(events, content.start)
                self.log_size = len(events)
            return True


class SharedDrawings:
    """Charts drawn once per server process and shared by every session showing the same data:
    when a class opens the same preset, the sessions get the same day-0 fan (`fan_cache`), and
    drawing its overview (about half a second of CPU) once instead of once per student is what
    makes the page appear quickly for the second student on. Keyed by the data's identity and
    the drawing's options; an entry keeps its data alive, so an identity is never reused while
    it is cached. The drawings are read-only once made (an overlay reads the axes' transforms)."""

    def __init__(self, capacity: int = 16):
        self.capacity = capacity
        self._lock = threading.Lock()
        self._made: dict[tuple, tuple[Any, Any]] = {}

    def get(self, data: Any, options: tuple, make: Callable[[], Any]) -> Any:
        key = (id(data), options)
        with self._lock:
            hit = self._made.get(key)
            if hit is not None and hit[0] is data:
                self._made[key] = self._made.pop(key)  # most recently used last
                return hit[1]
        made = make()
        with self._lock:
            self._made[key] = (data, made)
            while len(self._made) > self.capacity:
                self._made.pop(next(iter(self._made)))
        return made


SHARED_DRAWINGS = SharedDrawings()


def overview_at(traj: Mapping[str, np.ndarray], days: int, today: int,
                intervention_days: tuple[int, ...], start: datetime.date,
                phase_names: tuple[str, ...], highlighted: str):
    """The overview at `today` of a run of `days` from `start`, with what happened to the front
    over its days where the data reach (`front_history`)."""
    marks = plots.time_marks(days, today, traj["talks_phase"][0], intervention_days, start=start)
    return plots.overview_figure(traj, marks, phase_names, highlighted, front_history(start, days))


def overview_drawing(traj: Mapping[str, np.ndarray], days: int, intervention_days: tuple[int, ...],
                     start: datetime.date, phase_names: tuple[str, ...],
                     highlighted: str) -> plots.LiveFigure:
    """The overview's still background for these trajectories, drawn once per server process."""

    def draw() -> plots.LiveFigure:
        return plots.live_figure(overview_at(traj, days, days, intervention_days, start,
                                             phase_names, highlighted))

    return SHARED_DRAWINGS.get(traj, ("overview", days, intervention_days, start, phase_names,
                                      highlighted), draw)


def live_content(model: sim.ConflictModel, traj: Mapping[str, np.ndarray],
                 interventions: tuple, start: datetime.date, scenario_title: str,
                 sectors: plots.SectorView, log: LiveEventLog,
                 phase_names: tuple[str, ...], highlighted: str = "highlighted run") -> LiveContent:
    """Draw the overview's still background once for these trajectories and interventions."""
    overview = overview_drawing(traj, model.days, tuple(d for d, _ in interventions), start,
                                phase_names, highlighted)
    intervention_days = tuple(d for d, _ in interventions)
    key = plots.key_labels(plots.time_marks(model.days, model.days, traj["talks_phase"][0],
                                            intervention_days, start=start), highlighted,
                           history_follows(start))
    return LiveContent(model, overview, sectors, log, interventions, start, scenario_title,
                       plots.bands(traj["occupied_km2"]), highlighted, sectors.sector_names, key)
