"""A schematic map of the front: where the line of 30 Nov 2024 has moved, sector by sector.

The geometry ships with the package (`sim/data/geo/`, built once by
`tools/build_map_geometry.py` from Natural Earth and hand-placed public coordinates; see
`sim/data/geo/SOURCE.md`). Nothing here reads the network, a model or Solara: the functions take
arrays and draw on a matplotlib Axes, so they test in isolation.

How a sector's depth becomes a line: each of the twelve sectors (`sim.sectors.SECTOR_NAMES`) owns
a segment of the day-0 line and a direction of Russian advance. A day's depth gained (km,
negative where Ukraine pushed back) moves the segment's points that many km along that
direction; points between two sectors' segments move by the distance-weighted mix of their
neighbours, and a line's ends on the Russian border stay put. km become degrees in an
equirectangular projection true at 48.5 N, the map's own projection, so what is drawn 10 km
west is 10 km west on the map's scale. Kursk is the exception: Ukraine's salient inside Russia is
drawn as its day-0 shape shrunk or grown about its border crossing to the area the model holds.

Drawing is split for speed, in one path: `map_figure` draws everything that never moves
(background, close-up, key) once per process, and `vector_background` keeps it as an SVG;
`overlay_svg` draws the moving parts of a day (ground gained, the two lines, Kursk) as a small
SVG layer over it (see benchmarks/bench_map.py).
"""

from __future__ import annotations

import functools
import io
import json
import re
from dataclasses import dataclass
from importlib import resources

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon as PolygonPatch

from sim import sectors as sim_sectors

from .plots import OKABE_ITO

KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON_EQUATOR = 111.32
COUNTRY_EXTENT = (22.0, 40.5, 44.2, 52.5)  # lon min, lon max, lat min, lat max: all of Ukraine
DEFAULT_EXTENT = COUNTRY_EXTENT
# The close-up inset: from Kharkiv and Kupiansk down to Velyka Novosilka and Orikhiv, where eight
# of the twelve sectors are, at about 2.3 times the country map's scale.
CLOSE_UP_EXTENT = (35.6, 39.0, 47.4, 50.2)
# The close-up and the key sit in a column to the right of the country map, off the land they
# describe (over western Ukraine they hid a third of the country): widths in inches.
CLOSE_UP_WIDTH_IN = 2.15
CLOSE_UP_TITLE_IN = 0.2
SIDE_GAP_IN = 0.12
SIDE_WIDTH_IN = 2.55

# Colours: Okabe-Ito, as dashboards/plots.py, so the map reads like the charts beside it.
OCCUPIED_DAY0 = "#F4C7A6"  # vermillion, light: held by Russia on day 0
DAY0_LINE = "#A0522D"  # the front of day 0, under the moving lines
RUSSIA_GAIN = OKABE_ITO["vermillion"]
UKRAINE_GAIN = OKABE_ITO["blue"]
HIGHLIGHT_LINE = OKABE_ITO["black"]
MEDIAN_LINE = OKABE_ITO["purple"]
KURSK_FILL = OKABE_ITO["sky_blue"]
RIVER = "#5B9BD5"
NEIGHBOUR_LAND = "#EDEDED"
UKRAINE_LAND = "#FFFFFF"
SEA = "#DCEBF5"

# Cities labelled and where their label sits (offset in points, alignment): on the country map,
# and on the close-up.
LABELS = {
    "Kyiv": (5, 3, "left"), "Kharkiv": (5, 2, "left"), "Dnipro": (-5, 3, "right"),
    "Zaporizhzhia": (-5, -2, "right"), "Donetsk": (5, -3, "left"), "Luhansk": (0, -8, "center"),
    "Mariupol": (5, -5, "left"), "Kherson": (-4, -8, "right"), "Odesa": (-4, -7, "right"),
    "Sevastopol": (-5, -3, "right"), "Mykolaiv": (-5, 3, "right"), "Sumy": (5, 2, "left"),
    "Pokrovsk": (-5, 0, "right"), "Kramatorsk": (-5, 2, "right"), "Kupiansk": (-5, 0, "right"),
    "Melitopol": (5, -2, "left"),
}
CLOSE_UP_LABELS = {
    "Kharkiv": (4, -5, "left"), "Kupiansk": (-5, 0, "right"), "Kramatorsk": (-5, 0, "right"),
    "Pokrovsk": (-5, 2, "right"), "Donetsk": (5, 0, "left"),
}
LABEL_GAP_PT = 2.0  # clear space between any two names on the map
CITY_FONT_PT = 8.5
CLOSE_UP_FONT_PT = 7.5
SECTOR_FONT_PT = 7
SECTOR_COLOUR = "#7A3A10"
# Sector labels: short name, where it sits from the segment's middle in km (east, north), and
# alignment; behind the line (on the day-0 occupied side), clear of the moving lines. `None`:
# the sector is named on the close-up only.
SECTOR_LABELS = {
    "Kursk salient": ("Kursk salient", 0, 24, "center"),
    "Kharkiv-Vovchansk": ("Kharkiv-Vovchansk", 0, 20, "center"),
    "Kupiansk": ("Kupiansk", 12, 0, "left"),
    "Lyman": ("Lyman", 10, 4, "left"),
    "Siversk": ("Siversk", 10, -3, "left"),
    "Chasiv Yar": ("Chasiv Yar", 10, 0, "left"),
    "Toretsk": ("Toretsk", 10, 0, "left"),
    "Pokrovsk": ("Pokrovsk", 14, -4, "left"),
    "Kurakhove": ("Kurakhove", 10, -10, "left"),
    "Velyka Novosilka": ("Velyka Novosilka", 4, -12, "left"),
    "Zaporizhzhia (Orikhiv)": ("Orikhiv", 0, -26, "center"),
    "Dnipro river (Kherson)": ("Dnipro river (Kherson)", 75, -55, "center"),
}
ON_COUNTRY_MAP = ("Kursk salient", "Kharkiv-Vovchansk", "Zaporizhzhia (Orikhiv)",
                  "Dnipro river (Kherson)")  # the others are named on the close-up
_WATER = {"fontsize": 8, "style": "italic", "color": "#4F7394"}
_COUNTRY = {"fontsize": 8.5, "color": "#8A8A8A"}
PLACE_NAMES = (  # text, lon, lat, style
    ("Dnipro", 32.8, 48.97, {"fontsize": 8, "style": "italic", "color": RIVER, "rotation": -22}),
    ("Crimea", 34.2, 45.3, {"fontsize": 8.5, "style": "italic", "color": "#7A3A10"}),
    ("Sea of Azov", 36.8, 46.2, _WATER), ("Black Sea", 31.5, 44.9, _WATER),
    ("RUSSIA", 38.9, 51.9, _COUNTRY),
    ("Kursk region", 36.0, 51.92, {"fontsize": 7.5, "color": "#777777"}),
)


@dataclass(frozen=True)
class City:
    name: str
    lon: float
    lat: float
    front_place: bool


@dataclass(frozen=True)
class FrontLine:
    """One piece of the day-0 line, lon/lat points, with how each point follows the sectors:
    `weights[i, s]` is the share of sector s's displacement that point i takes."""

    points: np.ndarray  # (n_points, 2)
    weights: np.ndarray  # (n_points, n_sectors)


@dataclass(frozen=True)
class MapGeometry:
    """Everything the map draws, in lon/lat degrees (WGS 84)."""

    outline: tuple[np.ndarray, ...]
    crimea: tuple[np.ndarray, ...]
    neighbour_land: tuple[np.ndarray, ...]
    dnipro: np.ndarray
    cities: tuple[City, ...]
    occupied: tuple[np.ndarray, ...]
    front_lines: tuple[FrontLine, ...]
    kursk_held: np.ndarray
    kursk_held_km2: float
    kursk_anchor: np.ndarray
    sector_names: tuple[str, ...]
    segments: tuple[np.ndarray, ...]
    advance_direction: np.ndarray  # (n_sectors, 2): unit (east, north)
    standard_parallel_deg: float
    date: str

    @property
    def km_per_deg_lon(self) -> float:
        return KM_PER_DEG_LON_EQUATOR * float(np.cos(np.radians(self.standard_parallel_deg)))

    @property
    def aspect(self) -> float:
        """Axes aspect (height of a degree of latitude over a degree of longitude) that makes
        lon/lat coordinates the equirectangular projection at the standard parallel."""
        return KM_PER_DEG_LAT / self.km_per_deg_lon


def _read(name: str) -> dict:
    return json.loads(resources.files("sim").joinpath("data", "geo", name).read_text("utf-8"))


def _rings(rings: list) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(r, dtype=float) for r in rings)


def _line_weights(points: np.ndarray, segments: list[np.ndarray]) -> np.ndarray:
    """Weights tying each point of a line to the sectors whose segments lie on it. Points on a
    segment follow it fully; points between two segments mix them linearly by distance along
    the line; points before the first or after the last segment fade to zero at the line's end
    (the Russian border), except that a segment reaching the line's end keeps its end point."""
    n_points, n_sectors = len(points), len(segments)
    owner = np.full(n_points, -1)
    for s, seg in enumerate(segments):
        if len(seg) == 0:
            continue
        hits = np.flatnonzero(np.all(np.isclose(points, seg[0]), axis=1))
        for start in hits:
            if start + len(seg) <= n_points and np.allclose(points[start:start + len(seg)], seg):
                owner[start:start + len(seg)] = s
                break
    steps = np.r_[0.0, np.cumsum(np.hypot(*np.diff(points, axis=0).T))]
    weights = np.zeros((n_points, n_sectors))
    owned = np.flatnonzero(owner >= 0)
    if len(owned) == 0:
        return weights
    weights[owned, owner[owned]] = 1.0
    for i in np.flatnonzero(owner < 0):
        before, after = owned[owned < i], owned[owned > i]
        b = before[-1] if len(before) else None
        a = after[0] if len(after) else None
        left = (steps[b], owner[b]) if b is not None else (steps[0], -1)
        right = (steps[a], owner[a]) if a is not None else (steps[-1], -1)
        span = right[0] - left[0]
        t = 0.5 if span == 0 else (steps[i] - left[0]) / span
        if left[1] >= 0:
            weights[i, left[1]] += 1.0 - t
        if right[1] >= 0:
            weights[i, right[1]] += t
    return weights


@functools.cache
def load_geometry() -> MapGeometry:
    """The shipped geometry (read once per process; it is immutable)."""
    country, front = _read("ukraine.json"), _read("front_2024_11_30.json")
    names = tuple(s["name"] for s in front["sectors"])
    advance = np.asarray([s["advance_direction"] for s in front["sectors"]], dtype=float)
    advance /= np.hypot(*advance.T)[:, None]  # stored to 4 decimals; make them exact units
    segments = tuple(np.asarray(s["segment"], dtype=float) for s in front["sectors"])
    lines = []
    for raw in front["front_lines"]:
        pts = np.asarray(raw, dtype=float)
        lines.append(FrontLine(pts, _line_weights(pts, list(segments))))
    return MapGeometry(
        outline=_rings(country["outline"]), crimea=_rings(country["crimea"]),
        neighbour_land=_rings(country["neighbour_land"]),
        dnipro=np.asarray(country["dnipro"], dtype=float),
        cities=tuple(City(c["name"], c["lon"], c["lat"], c["front_place"])
                     for c in country["cities"]),
        occupied=_rings(front["occupied"]), front_lines=tuple(lines),
        kursk_held=np.asarray(front["kursk_held"][0], dtype=float),
        kursk_held_km2=float(front["kursk_held_km2"]),
        kursk_anchor=np.asarray(front["kursk_anchor"], dtype=float),
        sector_names=names, segments=segments,
        advance_direction=advance,
        standard_parallel_deg=float(country["standard_parallel_deg"]), date=front["date"])


def _depths(depth_km, geometry: MapGeometry) -> np.ndarray:
    depth = np.asarray(depth_km, dtype=float)
    if depth.shape != (len(geometry.sector_names),):
        raise ValueError(f"depth_km: shape {depth.shape}, expected ({len(geometry.sector_names)},)"
                         " (one depth per sector, km)")
    return np.nan_to_num(depth)


def sector_offsets_deg(depth_km, geometry: MapGeometry) -> np.ndarray:
    """(n_sectors, 2) lon/lat shift of each sector's segment for the given depths (km)."""
    km = _depths(depth_km, geometry)[:, None] * geometry.advance_direction
    return km / np.array([geometry.km_per_deg_lon, KM_PER_DEG_LAT])


def moved_lines(depth_km, geometry: MapGeometry | None = None) -> list[np.ndarray]:
    """The front lines (lon/lat points) after each sector moved by its depth. Kursk's segment is
    not on these lines (see `kursk_outline`)."""
    geometry = geometry or load_geometry()
    offsets = sector_offsets_deg(depth_km, geometry)
    return [line.points + line.weights @ offsets for line in geometry.front_lines]


def point_depths(depth_km, geometry: MapGeometry | None = None) -> list[np.ndarray]:
    """Depth (km) each front-line point moved, per line: how the shading is coloured."""
    geometry = geometry or load_geometry()
    depth = _depths(depth_km, geometry)
    return [line.weights @ depth for line in geometry.front_lines]


def kursk_outline(held_km2: float, geometry: MapGeometry | None = None) -> np.ndarray:
    """Ukraine's Kursk salient at `held_km2`: the day-0 shape scaled about its border anchor so
    its area is in proportion (zero area when none is held)."""
    geometry = geometry or load_geometry()
    scale = np.sqrt(max(float(held_km2), 0.0) / geometry.kursk_held_km2)
    return geometry.kursk_anchor + (geometry.kursk_held - geometry.kursk_anchor) * scale


def gained_quads(depth_km, geometry: MapGeometry | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ground between the day-0 line and the moved one as quadrilaterals, shape
    (n_quads, 4, 2) lon/lat, with the depth (km) each stands for: positive where Russia took
    ground, negative where Ukraine did. Stretches that did not move are left out."""
    geometry = geometry or load_geometry()
    quads, depths = [], []
    for line, moved, depth in zip(geometry.front_lines, moved_lines(depth_km, geometry),
                                  point_depths(depth_km, geometry)):
        p, q = line.points, moved
        quads.append(np.stack([p[:-1], p[1:], q[1:], q[:-1]], axis=1))
        depths.append(0.5 * (depth[:-1] + depth[1:]))
    quads, depths = np.concatenate(quads), np.concatenate(depths)
    keep = depths != 0.0
    return quads[keep], depths[keep]


# -- drawing --------------------------------------------------------------------------------
def _fill(ax, rings, **style):
    for ring in rings:
        ax.add_patch(PolygonPatch(ring, closed=True, **style))


def draw_background(ax, geometry: MapGeometry | None = None,
                    extent: tuple[float, float, float, float] = DEFAULT_EXTENT,
                    close_up: bool = False) -> None:
    """Everything that does not move: sea, land, Ukraine with Crimea, the area held by Russia on
    day 0 and its front line with the sectors' ends marked, the Dnipro, cities and place names.
    `close_up`: the detailed style of the inset (every sector named, the towns of the front).
    Texts are drawn most important first (the scale, cities, sectors, then seas and regions),
    the order in which `drop_crowded_labels` keeps them."""
    geometry = geometry or load_geometry()
    ax.set_facecolor(SEA)
    _fill(ax, geometry.neighbour_land, facecolor=NEIGHBOUR_LAND, edgecolor="#BBBBBB", lw=0.4,
          zorder=1)
    _fill(ax, geometry.outline, facecolor=UKRAINE_LAND, edgecolor="none", zorder=2)
    _fill(ax, geometry.occupied, facecolor=OCCUPIED_DAY0, edgecolor="none", zorder=3)
    _fill(ax, geometry.outline, facecolor="none", edgecolor="#444444", lw=0.9, zorder=6)
    ax.plot(*geometry.dnipro.T, color=RIVER, lw=1.4, solid_capstyle="round", zorder=4)
    for line in geometry.front_lines:
        ax.plot(*line.points.T, color=DAY0_LINE, lw=0.8, zorder=5)
    _fill(ax, [geometry.kursk_held], facecolor="none", edgecolor=KURSK_FILL, lw=0.8, ls=":",
          zorder=6)
    for line in geometry.front_lines:  # dots where one sector's stretch ends and the next begins
        owner = np.where(line.weights.max(axis=1) == 1.0, line.weights.argmax(axis=1), -1)
        for i in np.flatnonzero(np.diff(owner) != 0):
            j = i if owner[i] < 0 else i + 1  # the gap point, or the first point of the next
            if 0 < j < len(line.points) - 1:
                ax.plot(*line.points[j], marker="o", ms=3 if close_up else 2.2, color=DAY0_LINE,
                        zorder=5)
    _scale_bar(ax, geometry, extent, 50.0 if close_up else 100.0)
    labels = CLOSE_UP_LABELS if close_up else LABELS
    cities = [c for c in geometry.cities if c.name in labels]
    ax.scatter([c.lon for c in cities], [c.lat for c in cities], s=9, color="#222222",
               zorder=9, linewidths=0, clip_on=True)
    for c in cities:
        dx, dy, ha = labels[c.name]
        ax.annotate(c.name, (c.lon, c.lat), xytext=(dx, dy), textcoords="offset points",
                    ha=ha, va="center", fontsize=CLOSE_UP_FONT_PT if close_up else CITY_FONT_PT,
                    color="#222222", zorder=10, annotation_clip=True,
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.6))
    for s, name in enumerate(geometry.sector_names):
        if (name in ON_COUNTRY_MAP) == close_up:
            continue
        short, dx_km, dy_km, ha = SECTOR_LABELS[name]
        seg = geometry.segments[s]
        mid = seg[len(seg) // 2] if s != sim_sectors.KURSK else seg.mean(axis=0)
        ax.text(mid[0] + dx_km / geometry.km_per_deg_lon, mid[1] + dy_km / KM_PER_DEG_LAT,
                short, ha=ha, va="center", fontsize=SECTOR_FONT_PT, style="italic",
                color=SECTOR_COLOUR, zorder=5, clip_on=True)
    if not close_up:
        for text, lon, lat, style in PLACE_NAMES:
            ax.text(lon, lat, text, ha="center", va="center", zorder=5, **style)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect(geometry.aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#555555" if close_up else "#999999")


def drop_crowded_labels(ax) -> list[str]:
    """Remove every text of `ax` that would come within `LABEL_GAP_PT` of one drawn before it
    (the figure's layout must be final: `Figure.draw_without_rendering`), and name them. Texts
    are kept in the order drawn, most important first, so a crowded map keeps its main names,
    and the same ones every time."""
    half_gap = LABEL_GAP_PT / 2 * ax.get_figure(root=True).dpi / 72
    placed, dropped = [], []
    for text in list(ax.texts):
        box = text.get_window_extent().padded(half_gap)
        if any(box.overlaps(other) for other in placed):
            dropped.append(text.get_text())
            text.remove()
        else:
            placed.append(box)
    return dropped


def _scale_bar(ax, geometry: MapGeometry, extent, km: float) -> None:
    """A bar of `km` along the bottom right, in the map's own projection."""
    length_deg = km / geometry.km_per_deg_lon
    x1 = extent[1] - 0.04 * (extent[1] - extent[0])
    x0, y = x1 - length_deg, extent[2] + 0.035 * (extent[3] - extent[2])
    ax.plot([x0, x1], [y, y], color="#333333", lw=2, solid_capstyle="butt", zorder=10)
    ax.text((x0 + x1) / 2, y + 0.012 * (extent[3] - extent[2]), f"{km:.0f} km", ha="center",
            va="bottom", fontsize=7, color="#333333", zorder=10)


def add_close_up(ax, geometry: MapGeometry | None = None,
                 extent: tuple[float, float, float, float] = CLOSE_UP_EXTENT,
                 width_in: float = CLOSE_UP_WIDTH_IN):
    """The close-up of the eastern front beside the country map `ax`, at the top of the column
    to its right (off the land), with its frame drawn on the country map."""
    from matplotlib.patches import Rectangle

    geometry = geometry or load_geometry()
    ax_w, ax_h = _axes_inches(ax)
    lon_km = (extent[1] - extent[0]) * geometry.km_per_deg_lon
    lat_km = (extent[3] - extent[2]) * KM_PER_DEG_LAT
    width = width_in / ax_w
    height = width_in * lat_km / lon_km / ax_h
    top = 1.0 - CLOSE_UP_TITLE_IN / ax_h
    inset = ax.inset_axes((1.0 + SIDE_GAP_IN / ax_w, top - height, width, height), zorder=20)
    draw_background(inset, geometry, extent, close_up=True)
    inset.set_title("Close-up of the east", fontsize=8, fontweight="bold", color="#333333",
                    loc="left", pad=2)
    ax.add_patch(Rectangle((extent[0], extent[2]), extent[1] - extent[0], extent[3] - extent[2],
                           fill=False, ec="#555555", lw=0.8, ls="--", zorder=11))
    return inset


def _axes_inches(ax) -> tuple[float, float]:
    fig_w, fig_h = ax.figure.get_size_inches()
    box = ax.get_position()
    return box.width * fig_w, box.height * fig_h


def legend_handles(show_median: bool = True) -> list:
    """The key, in a student's words; * marks what belongs to the highlighted run."""
    handles = [
        Patch(facecolor=OCCUPIED_DAY0, edgecolor=DAY0_LINE, lw=0.8,
              label="Held by Russia on 30 Nov 2024"),
        Patch(facecolor=RUSSIA_GAIN, label="Taken by Russia since then*"),
        Patch(facecolor=UKRAINE_GAIN, label="Taken back by Ukraine*"),
        Line2D([], [], color=HIGHLIGHT_LINE, lw=1.6, label="Front line now*"),
    ]
    if show_median:
        handles.append(Line2D([], [], color=MEDIAN_LINE, lw=1.8, ls=(0, (3, 1.5)),
                              label="Front line now, median of all runs"))
    handles.append(Patch(facecolor=KURSK_FILL, alpha=0.7, edgecolor=UKRAINE_GAIN, lw=0.6,
                         label="Held by Ukraine in Russia (Kursk)*"))
    handles.append(Patch(facecolor="none", edgecolor="none", label="* in the highlighted run"))
    handles.append(Line2D([], [], color=DAY0_LINE, marker="o", ms=3, lw=0,
                          label="Ends of the model's sectors\n(names in italics)"))
    return handles


def _legend(ax, show_median: bool) -> None:
    """The key in the column right of the map, under the close-up (off the land)."""
    ax_w, _ = _axes_inches(ax)
    ax.legend(handles=legend_handles(show_median), loc="lower left",
              bbox_to_anchor=(1.0 + SIDE_GAP_IN / ax_w, 0.0), borderaxespad=0.0,
              fontsize=LEGEND_FONT_PT, framealpha=1.0, borderpad=0.5, labelspacing=0.35,
              handlelength=1.6, title="Front map (schematic)",
              title_fontsize=LEGEND_FONT_PT + 0.5, alignment="left")


MAP_WIDTH_IN = 7.0
LEGEND_FONT_PT = 8


def map_figure(dpi: float = 100, title: str | None = None, show_median: bool = True,
               geometry: MapGeometry | None = None,
               extent: tuple[float, float, float, float] = DEFAULT_EXTENT,
               close_up: bool = True):
    """A figure sized to the map (no empty margins) with the still background, the close-up
    and the key drawn, no name crowding another (`drop_crowded_labels`): returns the figure
    and its map Axes (the country map first)."""
    geometry = geometry or load_geometry()
    lon_km = (extent[1] - extent[0]) * geometry.km_per_deg_lon
    lat_km = (extent[3] - extent[2]) * KM_PER_DEG_LAT
    title_in = 0.3 if title else 0.0
    height_in = MAP_WIDTH_IN * lat_km / lon_km + title_in
    width_in = MAP_WIDTH_IN + SIDE_GAP_IN + SIDE_WIDTH_IN
    fig = Figure(figsize=(width_in, height_in), dpi=dpi)
    ax = fig.add_axes((0.0, 0.0, MAP_WIDTH_IN / width_in, 1.0 - title_in / height_in))
    draw_background(ax, geometry, extent)
    panels = [ax] + ([add_close_up(ax, geometry)] if close_up else [])
    _legend(ax, show_median)
    if title:
        fig.text(0.01, 1.0 - 0.5 * title_in / height_in, title, fontsize=10, va="center")
    fig.draw_without_rendering()  # the texts' final sizes and places
    for panel in panels:
        drop_crowded_labels(panel)
    return fig, panels


# -- text alternative -----------------------------------------------------------------------
_NEAR = {"Kursk salient": "in Russia's Kursk region",
         "Kharkiv-Vovchansk": "near Vovchansk, north of Kharkiv",
         "Zaporizhzhia (Orikhiv)": "near Orikhiv", "Dnipro river (Kherson)": "across the Dnipro"}


def _near(name: str) -> str:
    return _NEAR.get(name, f"near {name}")


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe_front_map(depth_highlight, depth_median=None, kursk_held_km2: float | None = None,
                       date_label: str | None = None, since: str = "1 Dec 2024",
                       sector_names: tuple[str, ...] = sim_sectors.SECTOR_NAMES) -> str:
    """A few short sentences saying what the map shows, for alt text and aria-label: the
    highlighted run's three largest advances and Ukraine's largest gain, the median's largest
    advance, and the ground Ukraine holds in Kursk. Depths round to whole km; under half a km
    counts as no move."""
    depth = np.nan_to_num(np.asarray(depth_highlight, dtype=float))
    inside = np.asarray([n != "Kursk salient" for n in sector_names])
    head = f"Map of Ukraine's front{f' on {date_label}' if date_label else ''}."
    ahead = [i for i in np.argsort(-depth, kind="stable") if inside[i] and depth[i] >= 0.5][:3]
    if ahead:
        moves = [f"{depth[i]:.0f} km {_near(sector_names[i])}" for i in ahead]
        moves[0] = "up to " + moves[0]
        run = f"Russia has advanced {_listed(moves)}"
    else:
        run = "the front has not moved a kilometre anywhere"
    back = [i for i in np.argsort(depth, kind="stable") if inside[i] and depth[i] <= -0.5]
    if back:
        run += (f"; Ukraine has pushed back up to {-depth[back[0]]:.0f} km "
                f"{_near(sector_names[back[0]])}")
    text = f"{head} In the highlighted run, since {since} {run}."
    if depth_median is not None:
        med = np.nan_to_num(np.asarray(depth_median, dtype=float))
        top = int(np.argmax(np.where(inside, med, -np.inf)))
        text += (f" Median of all runs: largest advance {med[top]:.0f} km {_near(sector_names[top])}."
                 if med[top] >= 0.5 else " Median of all runs: no Russian advance of a kilometre.")
    if kursk_held_km2 is not None:
        text += (f" Ukraine holds {kursk_held_km2:,.0f} km² in Russia's Kursk region."
                 if kursk_held_km2 >= 1 else " Ukraine holds no ground left in Russia's Kursk region.")
    return text


# -- vector output for the page -------------------------------------------------------------
@dataclass(frozen=True)
class Panel:
    """Where one map panel (the country map or the close-up) sits in the SVG."""

    box: tuple[float, float, float, float]  # x, y, width, height in SVG points
    to_svg: object  # callable: (n, 2) lon/lat -> (n, 2) SVG points


@dataclass(frozen=True)
class VectorMap:
    """The still background as an SVG document and what an overlay needs to line up with it:
    the figure's size in points and each panel's data-to-SVG transform."""

    svg: str
    width_pt: float
    height_pt: float
    panels: tuple[Panel, ...]

    def overlay(self, depth_highlight, depth_median=None, kursk_held_km2: float | None = None,
                geometry: MapGeometry | None = None) -> str:
        return overlay_svg(self, depth_highlight, depth_median, kursk_held_km2, geometry)


def _panel(ax, height: float) -> Panel:
    transform = ax.transData.frozen()

    matrix = transform.get_matrix()  # affine: lon/lat -> figure points, y up
    scale = np.array([[matrix[0, 0], -matrix[1, 0]], [matrix[0, 1], -matrix[1, 1]]])
    offset = np.array([matrix[0, 2], height - matrix[1, 2]])

    def to_svg(lonlat: np.ndarray) -> np.ndarray:
        return np.asarray(lonlat, dtype=float) @ scale + offset

    box = ax.bbox
    return Panel((box.x0, height - box.y1, box.width, box.height), to_svg)


@functools.cache
def vector_background(show_median: bool = True, close_up: bool = True) -> VectorMap:
    """The still map (close-up and key included) as SVG, made once per process: every session
    shows the same."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    import matplotlib

    fig, panels = map_figure(72, None, show_median, close_up=close_up)
    canvas = FigureCanvasSVG(fig)
    out = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "conflictsim-front-map"}):  # ids as well as date
        canvas.print_svg(out, metadata={"Date": None})  # fixed: the same bytes in every process
    height = fig.bbox.height
    return VectorMap(compact_svg(out.getvalue()), fig.bbox.width, height,
                     tuple(_panel(ax, height) for ax in panels))


_DECIMAL = re.compile(r"-?\d+\.\d+")
_PATH_DATA = re.compile(r' (?:d|x|y)="[^"]*"')


def _round(match: re.Match) -> str:
    return f"{float(match.group()):.1f}".rstrip("0").rstrip(".")


def compact_svg(svg: str) -> str:
    """Path data and positions (d, x, y) to 0.1 unit (0.1 pt on the page, a 720th of an inch),
    on one line: a sixth smaller, no difference to see. Other numbers (transforms' scales,
    opacities) are left alone."""
    return _PATH_DATA.sub(lambda m: " " + " ".join(_DECIMAL.sub(_round, m.group()).split()), svg)


def _path(points: np.ndarray) -> str:
    """SVG path data of an open polyline, one C-level format for all points."""
    return "M" + ("%.1f,%.1f L" * len(points))[:-2] % tuple(points.ravel())


def _quads_path(quads_svg: np.ndarray) -> str:
    """SVG path data of closed quadrilaterals, shape (n, 4, 2), in one format call."""
    return ("M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f L%.1f,%.1fZ" * len(quads_svg)) % tuple(
        quads_svg.ravel())


def overlay_svg(vector: VectorMap, depth_highlight, depth_median=None,
                kursk_held_km2: float | None = None, geometry: MapGeometry | None = None) -> str:
    """The moving parts as a transparent SVG the size of `vector.svg`, to lay over it: a few
    kilobytes a frame instead of the whole map. Each panel's drawing is clipped to the panel."""
    geometry = geometry or load_geometry()
    held = geometry.kursk_held_km2 if kursk_held_km2 is None else kursk_held_km2
    quads, depth = gained_quads(depth_highlight, geometry)
    kursk = kursk_outline(held, geometry)
    highlight = moved_lines(depth_highlight, geometry)
    median = None if depth_median is None else moved_lines(depth_median, geometry)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {vector.width_pt:.1f} '
        f'{vector.height_pt:.1f}" preserveAspectRatio="none" aria-hidden="true" '
        f'style="position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none">'
        "<defs>"]
    for i, panel in enumerate(vector.panels):
        x, y, w, h = panel.box
        parts.append(f'<clipPath id="front-map-clip-{i}"><rect x="{x:.1f}" y="{y:.1f}" '
                     f'width="{w:.1f}" height="{h:.1f}"/></clipPath>')
    parts.append("</defs>")
    for i, panel in enumerate(vector.panels):
        to = panel.to_svg
        corners = to(quads.reshape(-1, 2)).reshape(quads.shape) if len(quads) else quads
        gained_r = _quads_path(corners[depth > 0])
        gained_u = _quads_path(corners[depth < 0])
        parts.append(f'<g clip-path="url(#front-map-clip-{i})" class="front-map-panel">')
        if gained_r:
            parts.append(f'<path d="{gained_r}" fill="{RUSSIA_GAIN}" fill-opacity="0.85" '
                         'class="gained-russia"/>')
        if gained_u:
            parts.append(f'<path d="{gained_u}" fill="{UKRAINE_GAIN}" fill-opacity="0.85" '
                         'class="gained-ukraine"/>')
        parts.append(f'<path d="{_path(to(kursk))}Z" fill="{KURSK_FILL}" fill-opacity="0.7" '
                     f'stroke="{UKRAINE_GAIN}" stroke-width="0.6" class="kursk"/>')
        for pts in median or ():
            parts.append(f'<path d="{_path(to(pts))}" fill="none" stroke="{MEDIAN_LINE}" '
                         'stroke-width="1.8" stroke-dasharray="5.4 2.7" class="front-median"/>')
        for pts in highlight:
            parts.append(f'<path d="{_path(to(pts))}" fill="none" stroke="{HIGHLIGHT_LINE}" '
                         'stroke-width="1.6" stroke-linejoin="round" class="front-highlight"/>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def svg_data_uri(svg: str) -> str:
    import base64
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
