"""The front map on the page: a still vector background sent once, and a small SVG layer of the
moving lines over it, with a text alternative that says what the map shows.

Crisp at any device pixel ratio and zoom: both layers are SVG (the background is the map drawn
by matplotlib once per process, `frontmap.vector_background`; the layer is written directly from
the same projection, `frontmap.overlay_svg`, a few kB a frame). Two ways to use it:

- `FrontMap(...)`, a Solara component for pages that re-render on a day's change;
- `FrontMapWidget`, plain widgets made once per session and updated in place by `show(...)`,
  for the live frame (`dashboards/live.py`), which updates widgets without a Solara render.
"""

from __future__ import annotations

import functools
import html
import json

import numpy as np
import solara

from .. import frontmap

CSS_CLASS = "front-map"
CONTAINER_STYLE = "position: relative; width: 100%; line-height: 0"
LAYER_STYLE = "position: absolute; left: 0; top: 0; width: 100%; height: 100%"


BACKGROUND_ALT = ("Map of Ukraine with the front line of 30 November 2024, the Dnipro, main "
                  "cities and a close-up of the eastern front")


@functools.cache
def background_html(show_median: bool = True) -> str:
    """The still map as an <img> of its SVG. Screen readers skip it (the layer above carries the
    day's description); its own alt says what it is for any check or tool that reads images."""
    vector = frontmap.vector_background(show_median)
    return (f'<img src="{frontmap.svg_data_uri(vector.svg)}" alt="{html.escape(BACKGROUND_ALT)}" '
            'aria-hidden="true" '
            f'width="{vector.width_pt:.0f}" height="{vector.height_pt:.0f}" '
            'style="display: block; width: 100%; height: auto" class="front-map-background"/>')


def layer_attributes(depth_highlight, depth_median, day: int, date_label: str,
                     kursk_held_km2: float | None) -> dict[str, str]:
    """ARIA label (the text alternative) and the drawn numbers as data attributes, so a browser
    test can check what is drawn without reading pixels."""
    alt = frontmap.describe_front_map(depth_highlight, depth_median, kursk_held_km2, date_label)
    attributes = {
        "role": "img", "aria-label": alt, "class": "front-map-layer",
        "data-day": str(int(day)), "data-date": str(date_label),
        "data-depth-highlight": json.dumps([round(float(v), 3) for v in np.ravel(depth_highlight)]),
        "style": LAYER_STYLE,
    }
    if depth_median is not None:
        attributes["data-depth-median"] = json.dumps(
            [round(float(v), 3) for v in np.ravel(depth_median)])
    if kursk_held_km2 is not None:
        attributes["data-kursk-held-km2"] = repr(float(kursk_held_km2))
    return attributes


def layer_svg(depth_highlight, depth_median, kursk_held_km2: float | None) -> str:
    vector = frontmap.vector_background(depth_median is not None)
    return frontmap.overlay_svg(vector, depth_highlight, depth_median, kursk_held_km2)


@solara.component
def FrontMap(depth_highlight: np.ndarray, depth_median: np.ndarray | None, day: int,
             date_label: str, kursk_held_km2: float | None = None, caption: bool = True):
    """The map for one day. `depth_highlight`, `depth_median`: km gained by Russia since day 0
    per sector, shape (12,), in `sim.sectors.SECTOR_NAMES` order (negative where Ukraine
    gained); `depth_median` None draws the highlighted run alone. `kursk_held_km2`: ground
    Ukraine holds in Russia's Kursk region in the highlighted run (None: as on day 0)."""
    show_median = depth_median is not None
    background = solara.use_memo(lambda: background_html(show_median), [show_median])
    with solara.Column(classes=[CSS_CLASS], gap="2px"):
        if caption:
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(caption_text(date_label, show_median)),
                        classes=["front-map-caption"], style="font-size: 0.85em; color: #333")
        with solara.Div(style=CONTAINER_STYLE):
            solara.HTML(tag="div", unsafe_innerHTML=background)
            solara.HTML(tag="div", unsafe_innerHTML=layer_svg(depth_highlight, depth_median,
                                                              kursk_held_km2),
                        attributes=layer_attributes(depth_highlight, depth_median, day,
                                                    date_label, kursk_held_km2))


def caption_text(date_label: str, show_median: bool = True) -> str:
    who = "the highlighted run (black) and the median of all runs (dashed)" if show_median \
        else "the highlighted run"
    return f"Where the front is on {date_label}: {who}, against the line of 30 Nov 2024."


class FrontMapWidget:
    """The map as widgets made once per session; `show` updates the layer in place (one trait
    message of a few kB), never the background. `widget` goes into the page."""

    def __init__(self, show_median: bool = True, caption: bool = True):
        import ipyvue

        self.show_median = show_median
        self.caption = solara.widgets.HTML(tag="div", unsafe_innerHTML="", attributes={
            "class": "front-map-caption", "style": "font-size: 0.85em; color: #333"})
        self.layer = solara.widgets.HTML(tag="div", unsafe_innerHTML="",
                                         attributes={"style": LAYER_STYLE})
        background = solara.widgets.HTML(tag="div", unsafe_innerHTML=background_html(show_median))
        stack = ipyvue.Html(tag="div", children=[background, self.layer],
                            attributes={"style": CONTAINER_STYLE, "class": "front-map-stack"})
        children = [self.caption, stack] if caption else [stack]
        self.widget = ipyvue.Html(tag="div", children=children,
                                  attributes={"class": CSS_CLASS})

    def show(self, depth_highlight, depth_median, day: int, date_label: str,
             kursk_held_km2: float | None = None) -> None:
        median = depth_median if self.show_median else None
        with self.layer.hold_sync():
            self.layer.attributes = layer_attributes(depth_highlight, median, day, date_label,
                                                     kursk_held_km2)
            self.layer.unsafe_innerHTML = layer_svg(depth_highlight, median, kursk_held_km2)
        self.caption.unsafe_innerHTML = html.escape(caption_text(date_label, self.show_median))
