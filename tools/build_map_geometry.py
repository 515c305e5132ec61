"""Build the front map's geometry once, by hand; the package ships the result, never this script.

    pip install shapely            # only for this script; the project does not depend on it
    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/build_map_geometry.py /tmp/package

writes `sim/data/geo/ukraine.json` (outline, Crimea, neighbouring land, the Dnipro, cities) and
`sim/data/geo/front_2024_11_30.json` (the schematic day-0 front, the occupied area, the Kursk
salient and the twelve sectors). Sources, accuracy and licences: `sim/data/geo/SOURCE.md`.

Outlines come from Natural Earth 1:50m Admin 0 countries (public domain) as redistributed in the
npm package `world-atlas` 2.0.2 (ISC). Natural Earth 4.1 draws Crimea with Russia (de facto
control); this map follows the internationally recognised border, so Crimea is cut out of
Russia's polygon and joined to Ukraine's, and drawn as occupied. Everything else below (the
Dnipro, cities, the front line of 30 Nov 2024) is a hand-simplified polyline through places whose
public coordinates are well known; each point says what it stands for.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box
from shapely.ops import unary_union

OUT = Path(__file__).resolve().parent.parent / "sim" / "data" / "geo"
BBOX = (21.0, 43.3, 42.5, 53.6)  # lon/lat window of the map's neighbouring land
SIMPLIFY_DEG = 0.035  # Douglas-Peucker tolerance, about 3 km: a few hundred outline points
STANDARD_PARALLEL = 48.5  # equirectangular projection's true-scale latitude (centre of Ukraine)
KM_PER_DEG_LAT = 110.57
KURSK_HELD_KM2 = 800.0  # sim.sectors.KURSK_HELD_INITIAL_KM2

# name, lon, lat (decimal degrees, city centre). `front` marks the small places named for sectors.
CITIES = [
    ("Kyiv", 30.523, 50.450, False), ("Kharkiv", 36.230, 49.994, False),
    ("Dnipro", 35.046, 48.465, False), ("Zaporizhzhia", 35.140, 47.839, False),
    ("Donetsk", 37.803, 48.016, False), ("Luhansk", 39.308, 48.574, False),
    ("Mariupol", 37.543, 47.097, False), ("Kherson", 32.617, 46.635, False),
    ("Odesa", 30.723, 46.483, False), ("Sevastopol", 33.525, 44.617, False),
    ("Mykolaiv", 31.995, 46.975, False), ("Simferopol", 34.102, 44.952, False),
    ("Melitopol", 35.365, 46.849, False), ("Sumy", 34.798, 50.908, False),
    ("Lviv", 24.030, 49.840, False),
    ("Pokrovsk", 37.176, 48.283, True), ("Kramatorsk", 37.584, 48.738, True),
    ("Kupiansk", 37.616, 49.710, True), ("Vovchansk", 36.941, 50.289, True),
    ("Lyman", 37.802, 48.989, True), ("Siversk", 38.101, 48.867, True),
    ("Chasiv Yar", 37.835, 48.587, True), ("Toretsk", 37.847, 48.398, True),
    ("Kurakhove", 37.278, 47.984, True), ("Velyka Novosilka", 36.833, 47.844, True),
    ("Orikhiv", 35.785, 47.568, True), ("Sudzha", 35.272, 51.190, True),
    ("Bakhmut", 38.000, 48.596, True),
]

# The Dnipro downstream from the Belarusian border: through its reservoirs, cities and dams.
DNIPRO = [
    (30.78, 51.93),  # Loyew (Belarus), where the river starts to form the border
    (30.64, 51.62), (30.55, 51.30),  # border stretch, then the head of the Kyiv reservoir
    (30.42, 51.05), (30.48, 50.78),  # Kyiv reservoir
    (30.47, 50.59),  # Vyshhorod dam
    (30.56, 50.45),  # Kyiv
    (30.70, 50.24), (30.80, 50.10),  # Ukrainka, Trypillia
    (31.20, 49.93), (31.47, 49.75),  # Kaniv reservoir, Kaniv dam
    (31.80, 49.60), (32.07, 49.44),  # Cherkasy
    (32.45, 49.28), (32.85, 49.15),  # Kremenchuk reservoir
    (33.24, 49.07), (33.43, 49.06),  # Svitlovodsk dam, Kremenchuk
    (33.85, 48.93), (34.25, 48.70),  # Kamianske reservoir, Verkhnodniprovsk
    (34.61, 48.51), (35.05, 48.46),  # Kamianske, Dnipro
    (35.18, 48.22), (35.10, 47.95),  # down to Zaporizhzhia
    (35.09, 47.87), (35.08, 47.74),  # Dnipro dam, Khortytsia island
    (35.05, 47.58), (34.97, 47.46),  # former Kakhovka reservoir, by Vasylivka and Dniprorudne
    (34.66, 47.51), (34.40, 47.55),  # Enerhodar (south bank), Nikopol (north bank)
    (34.12, 47.38), (33.94, 47.17),  # Velyka Lepetykha
    (33.66, 46.95), (33.40, 46.77),  # Kakhovka, Nova Kakhovka (dam destroyed June 2023)
    (33.10, 46.71), (32.85, 46.66),
    (32.62, 46.62),  # Kherson
    (32.40, 46.52), (32.20, 46.49),  # mouth into the Dnipro-Bug estuary
]
DNIPRO_FRONT_FROM = DNIPRO.index((35.05, 47.58))  # the river is the front from here down

# The front on 30 Nov 2024, north to south, schematic: straight lines between places known to be
# on or next to the line that day (Institute for the Study of War daily maps and DeepStateMap as
# reported in the press, read to about 5 km). Pieces that meet the Russian border start and end
# inside Russia, and the main piece ends in the sea, so the occupied area is the outline cut by
# them. Sector segments are runs of consecutive points; unnamed points join sectors.
KHARKIV_POCKET = [
    (None, [(36.25, 50.45)]),  # in Russia
    ("Kharkiv-Vovchansk", [(36.35, 50.25), (36.46, 50.22), (36.62, 50.25), (36.80, 50.27),
                           (36.94, 50.285), (37.06, 50.30)]),
    # north of Hlyboke and Lyptsi; the Vovcha through Vovchansk
    (None, [(37.15, 50.45)]),  # in Russia
]
MAIN_LINE = [
    (None, [(38.05, 50.20), (37.95, 49.98)]),  # inside Russia; Topoli on the border
    ("Kupiansk", [(37.80, 49.87), (37.70, 49.79), (37.70, 49.71), (37.67, 49.60),
                  (37.66, 49.50)]),
    # Dvorichna; Synkivka; Kupiansk east bank; the Oskil at Kruhliakivka
    (None, [(37.74, 49.39), (37.85, 49.25)]),  # Borova, Nadiia
    ("Lyman", [(37.95, 49.13), (37.98, 49.04), (37.93, 48.96), (38.05, 48.94)]),
    # Makiivka, Terny, Torske, Serebrianka forest
    ("Siversk", [(38.22, 48.93), (38.22, 48.86), (38.17, 48.79)]),
    # Bilohorivka, Verkhnokamianske, Spirne
    (None, [(38.07, 48.70)]),  # Rozdolivka
    ("Chasiv Yar", [(37.97, 48.64), (37.87, 48.59), (37.88, 48.50)]),
    # Bohdanivka, Chasiv Yar (Kanal district), Klishchiivka
    ("Toretsk", [(37.86, 48.44), (37.82, 48.40), (37.76, 48.35)]),
    # Pivnichne, Toretsk, Shcherbynivka
    (None, [(37.62, 48.33)]),  # Niu-York's west flank
    ("Pokrovsk", [(37.47, 48.34), (37.38, 48.33), (37.30, 48.25), (37.22, 48.19),
                  (37.14, 48.15)]),
    # Promin, Myroliubivka, south of Myrnohrad, Shevchenko, Novotroitske
    (None, [(37.13, 48.08)]),  # Zhovte
    ("Kurakhove", [(37.22, 48.03), (37.28, 47.98), (37.30, 47.92), (37.22, 47.87)]),
    # Sontsivka, Kurakhove, its reservoir, Uspenivka
    (None, [(37.08, 47.84)]),  # Dalnie
    ("Velyka Novosilka", [(36.94, 47.83), (36.86, 47.77), (36.79, 47.68), (36.70, 47.62)]),
    # Rozdolne, east of Velyka Novosilka, Makarivka, Staromaiorske
    (None, [(36.45, 47.58)]),  # Levadne
    ("Zaporizhzhia (Orikhiv)", [(36.15, 47.52), (35.86, 47.45), (35.76, 47.52),
                                (35.55, 47.51), (35.38, 47.49), (35.20, 47.53)]),
    # Mala Tokmachka front, Robotyne, south of Orikhiv, Pyatykhatky, Kamianske, Vasylivka's north
    ("Dnipro river (Kherson)", DNIPRO[DNIPRO_FRONT_FROM:]
     + [(31.95, 46.52), (31.65, 46.54), (31.40, 46.53)]),
    # the river (islands and a few footholds on the left bank left out), then the
    # Dnipro-Bug estuary between Ochakiv and the occupied Kinburn spit, ending in the sea
]
# Round-the-back of the main line through Russia and the sea, to close the occupied side.
MAIN_CLOSE = [(31.3, 46.2), (31.0, 43.3), (42.5, 43.3), (42.5, 51.0), (38.3, 51.0)]
POCKET_CLOSE = [(37.2, 51.0), (36.2, 51.0)]

# Ukrainian-held ground in Russia's Kursk region on 30 Nov 2024, around Sudzha: the outline of
# a lens on the border whose area is scaled to KURSK_HELD_KM2.
KURSK_OUTER = [(35.02, 51.22), (35.08, 51.31), (35.20, 51.36), (35.36, 51.34), (35.47, 51.26),
               (35.50, 51.15), (35.45, 51.06)]

# Direction of a Russian advance, as (east, north) km: toward the places each axis aims at.
ADVANCE = {
    "Kursk salient": (-0.35, -0.94),  # south-west, back to the border
    "Kharkiv-Vovchansk": (-0.2, -0.98),  # south, toward Kharkiv
    "Kupiansk": (-1.0, -0.05),  # west, across the Oskil
    "Lyman": (-0.95, -0.3),
    "Siversk": (-0.95, -0.3),
    "Chasiv Yar": (-1.0, 0.0),  # west, toward Kostiantynivka and Kramatorsk
    "Toretsk": (-0.9, 0.44),
    "Pokrovsk": (-0.94, 0.34),  # from Avdiivka toward Pokrovsk
    "Kurakhove": (-1.0, 0.0),
    "Velyka Novosilka": (-0.98, 0.21),
    "Zaporizhzhia (Orikhiv)": (-0.2, 0.98),  # north, toward Orikhiv and Zaporizhzhia
    "Dnipro river (Kherson)": (-0.6, 0.8),  # across the river toward Kherson
}
SECTOR_NAMES = ("Kursk salient", "Kharkiv-Vovchansk", "Kupiansk", "Lyman", "Siversk",
                "Chasiv Yar", "Toretsk", "Pokrovsk", "Kurakhove", "Velyka Novosilka",
                "Zaporizhzhia (Orikhiv)", "Dnipro river (Kherson)")  # as sim.sectors


def topo_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def topo_ring(arcs, indices):
    points = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def topo_geometry(arcs, geometry: dict):
    polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    return MultiPolygon([Polygon(topo_ring(arcs, p[0]), [topo_ring(arcs, r) for r in p[1:]])
                         for p in polygons])


def rings(geom, tolerance=SIMPLIFY_DEG, min_area_deg2=0.004) -> list[list[list[float]]]:
    """Exterior rings of a (multi)polygon, simplified, rounded to 0.001 degrees (about 100 m)."""
    out = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.area < min_area_deg2:
            continue
        simple = poly.simplify(tolerance, preserve_topology=True)
        out.append([[round(x, 3), round(y, 3)] for x, y in simple.exterior.coords])
    return out


def area_km2(poly) -> float:
    """Area in the map's equirectangular projection (near-true at Ukraine's latitudes)."""
    kx = KM_PER_DEG_LAT * math.cos(math.radians(poly.centroid.y))
    return poly.area * kx * KM_PER_DEG_LAT


def points(pieces) -> list[tuple[float, float]]:
    return [p for _, pts in pieces for p in pts]


def sector_segments(pieces) -> dict[str, list[tuple[float, float]]]:
    return {name: pts for name, pts in pieces if name}


def to_border(line: list[tuple[float, float]], russia) -> list[tuple[float, float]]:
    """The line without its ends inside Russia, starting and ending where it crosses the border:
    what is drawn. (The occupied area is cut with the longer line, so the cut is clean.)"""
    def trim_start(pts):
        inside = [russia.contains(Point(p)) for p in pts]
        if not inside[0]:
            return pts
        first_out = inside.index(False)
        crossing = LineString(pts[first_out - 1: first_out + 1]).intersection(russia.boundary)
        nearest = min(getattr(crossing, "geoms", [crossing]),
                      key=lambda p: p.distance(Point(pts[first_out])))
        return [(nearest.x, nearest.y)] + pts[first_out:]

    return trim_start(trim_start(list(line))[::-1])[::-1]


def unit(v):
    n = math.hypot(*v)
    return [round(v[0] / n, 4), round(v[1] / n, 4)]


def main(world_atlas: Path) -> None:
    topo = json.loads((world_atlas / "countries-50m.json").read_text())
    land_topo = json.loads((world_atlas / "land-50m.json").read_text())
    arcs = topo_arcs(topo)
    by_id = {g.get("id"): g for g in topo["objects"]["countries"]["geometries"]}
    ukraine_ne = topo_geometry(arcs, by_id["804"])
    russia = topo_geometry(arcs, by_id["643"])
    crimea = max((p for p in russia.geoms if box(32.3, 44.2, 36.7, 46.3).contains(p.centroid)),
                 key=lambda p: p.area)
    ukraine = unary_union([ukraine_ne, crimea]).buffer(0)
    russia_de_facto = russia.buffer(0)
    land_arcs = topo_arcs(land_topo)
    window = box(*BBOX)
    land = unary_union([p.buffer(0).intersection(window)
                        for g in land_topo["objects"]["land"]["geometries"]
                        for p in topo_geometry(land_arcs, g).geoms
                        if p.intersects(window)])
    neighbours = land.difference(ukraine.buffer(0.002))

    main_line = points(MAIN_LINE)
    occupied_main = Polygon(main_line + MAIN_CLOSE).buffer(0)
    pocket_line = points(KHARKIV_POCKET)
    occupied_pocket = Polygon(pocket_line + POCKET_CLOSE).buffer(0)
    occupied = ukraine.intersection(unary_union([occupied_main, occupied_pocket]))

    kursk_raw = Polygon(KURSK_OUTER).difference(ukraine)
    border_part = kursk_raw.boundary.intersection(ukraine.buffer(0.01))
    anchor = border_part.centroid
    scale = math.sqrt(KURSK_HELD_KM2 / area_km2(kursk_raw))
    outer = [(anchor.x + (x - anchor.x) * scale, anchor.y + (y - anchor.y) * scale)
             for x, y in KURSK_OUTER]
    kursk = Polygon(outer).difference(ukraine)
    kursk_segment = outer[1:-1]

    segments = {**sector_segments(KHARKIV_POCKET), **sector_segments(MAIN_LINE),
                "Kursk salient": kursk_segment}
    assert tuple(ADVANCE) == SECTOR_NAMES and set(segments) == set(SECTOR_NAMES)

    def rounded(pts):
        return [[round(x, 3), round(y, 3)] for x, y in pts]

    ukraine_doc = {
        "about": "Ukraine in its internationally recognised borders (Crimea included), its "
                 "neighbours' land, the Dnipro and main cities, lon/lat degrees (WGS 84). "
                 "See SOURCE.md.",
        "outline": rings(ukraine),
        "crimea": rings(crimea),
        "neighbour_land": rings(neighbours, min_area_deg2=0.02),
        "dnipro": rounded(DNIPRO),
        "cities": [{"name": n, "lon": lon, "lat": lat, "front_place": front}
                   for n, lon, lat, front in CITIES],
        "standard_parallel_deg": STANDARD_PARALLEL,
    }
    front_doc = {
        "about": "Schematic front line of 30 Nov 2024 (model day 0) through places known to be "
                 "on it, the area Russia held that day and Ukraine's Kursk salient, with the "
                 "twelve model sectors (sim.sectors.SECTOR_NAMES, same order): a segment of the "
                 "line each and the direction of a Russian advance as an (east, north) unit "
                 "vector. Accurate to about 5-10 km; not a survey. See SOURCE.md.",
        "date": "2024-11-30",
        "front_lines": [rounded(to_border(pocket_line, russia_de_facto)),
                        rounded(to_border(main_line, russia_de_facto))],
        "occupied": rings(occupied, tolerance=0.02, min_area_deg2=0.0005),
        "occupied_km2_schematic": round(sum(area_km2(p) for p in getattr(occupied, "geoms",
                                                                          [occupied]))),
        "kursk_held": rings(kursk, tolerance=0.005),
        "kursk_held_km2": KURSK_HELD_KM2,
        "kursk_anchor": [round(anchor.x, 3), round(anchor.y, 3)],
        "sectors": [{"name": name, "segment": rounded(segments[name]),
                     "advance_direction": unit(ADVANCE[name])} for name in SECTOR_NAMES],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for name, doc in (("ukraine.json", ukraine_doc), ("front_2024_11_30.json", front_doc)):
        (OUT / name).write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    n_outline = sum(len(r) for r in ukraine_doc["outline"])
    print(f"outline {n_outline} points, occupied {front_doc['occupied_km2_schematic']:,} km2, "
          f"Kursk {area_km2(kursk):.0f} km2 -> {OUT}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tools/build_map_geometry.py WORLD_ATLAS_PACKAGE_DIR")
    main(Path(sys.argv[1]))
