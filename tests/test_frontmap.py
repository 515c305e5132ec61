"""The front map: shipped geometry, sector data, how depths move the line, the drawing, its text
alternative and the Solara component (rendered with Solara's test renderer, no browser)."""

from __future__ import annotations

import fnmatch
import html
import json
import re
import tomllib
from xml.etree import ElementTree
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.path import Path as MplPath

from dashboards import frontmap as fm
from sim import sectors

N = sectors.N_SECTORS
POKROVSK = sectors.SECTOR_NAMES.index("Pokrovsk")
KURAKHOVE = sectors.SECTOR_NAMES.index("Kurakhove")
KURSK = sectors.KURSK
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def geo() -> fm.MapGeometry:
    return fm.load_geometry()


def depth(**by_name: float) -> np.ndarray:
    d = np.zeros(N)
    for key, value in by_name.items():
        d[sectors.SECTOR_NAMES.index(key.replace("_", " "))] = value
    return d


def raw_direction(s: int) -> np.ndarray:
    raw = json.loads(resources.files("sim").joinpath("data", "geo", "front_2024_11_30.json")
                     .read_text())
    return np.asarray(raw["sectors"][s]["advance_direction"])


def inside(rings, lon: float, lat: float) -> bool:
    return any(MplPath(r).contains_point((lon, lat)) for r in rings)


def shoelace_km2(ring: np.ndarray, geo: fm.MapGeometry) -> float:
    x, y = ring[:, 0] * geo.km_per_deg_lon, ring[:, 1] * fm.KM_PER_DEG_LAT
    return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


# -- geometry shipped with the package ---------------------------------------------------------
def test_geometry_files_are_package_data_with_their_source_note():
    geo_dir = resources.files("sim").joinpath("data", "geo")
    names = sorted(p.name for p in geo_dir.iterdir())
    assert {"ukraine.json", "front_2024_11_30.json", "SOURCE.md"} <= set(names)
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["sim"]
    for name in names:
        assert any(fnmatch.fnmatch(f"data/geo/{name}", p) for p in patterns), name
    source = geo_dir.joinpath("SOURCE.md").read_text()
    assert "Natural Earth" in source and "public domain" in source and "schematic" in source


def test_outline_is_ukraine_with_crimea_in_a_plausible_box(geo):
    pts = np.concatenate(geo.outline)
    lon_min, lat_min = pts.min(axis=0)
    lon_max, lat_max = pts.max(axis=0)
    assert 22 <= lon_min < 23 and 39.5 < lon_max <= 41, (lon_min, lon_max)
    assert 44 <= lat_min < 45 and 52 < lat_max <= 53, (lat_min, lat_max)
    assert 150 <= len(pts) <= 1000, "simplified to a few hundred points"
    city = {c.name: c for c in geo.cities}
    for name in ("Kyiv", "Kharkiv", "Odesa", "Lviv", "Sevastopol", "Donetsk", "Pokrovsk"):
        assert inside(geo.outline, city[name].lon, city[name].lat), name
    assert inside(geo.crimea, city["Sevastopol"].lon, city["Sevastopol"].lat)
    assert not inside(geo.outline, city["Sudzha"].lon, city["Sudzha"].lat), "Sudzha is in Russia"


def test_day0_occupied_area_holds_the_occupied_cities_and_not_the_free_ones(geo):
    city = {c.name: c for c in geo.cities}
    for name in ("Donetsk", "Luhansk", "Mariupol", "Melitopol", "Sevastopol", "Simferopol"):
        assert inside(geo.occupied, city[name].lon, city[name].lat), name
    for name in ("Kyiv", "Kharkiv", "Zaporizhzhia", "Kherson", "Pokrovsk", "Kramatorsk",
                 "Kupiansk", "Orikhiv", "Odesa", "Velyka Novosilka"):
        assert not inside(geo.occupied, city[name].lon, city[name].lat), name
    line = np.concatenate([f.points for f in geo.front_lines])
    for name in ("Vovchansk", "Chasiv Yar", "Toretsk", "Kurakhove"):  # fought over that day
        gap_km = np.min(np.hypot((line[:, 0] - city[name].lon) * geo.km_per_deg_lon,
                                 (line[:, 1] - city[name].lat) * fm.KM_PER_DEG_LAT))
        assert gap_km < 4, (name, gap_km)
    area = sum(shoelace_km2(r, geo) for r in geo.occupied)
    assert area == pytest.approx(sectors.OCCUPIED_INITIAL_KM2, rel=0.05)


def test_dnipro_runs_from_the_north_through_kyiv_to_the_sea_past_kherson(geo):
    river = geo.dnipro
    assert river[0, 1] > 51.5 and river[-1, 1] < 46.6
    city = {c.name: c for c in geo.cities}
    for name in ("Kyiv", "Dnipro", "Zaporizhzhia", "Kherson"):
        gap_km = np.min(np.hypot((river[:, 0] - city[name].lon) * geo.km_per_deg_lon,
                                 (river[:, 1] - city[name].lat) * fm.KM_PER_DEG_LAT))
        assert gap_km < 10, (name, gap_km)


# -- sectors as data -------------------------------------------------------------------------
def test_sector_data_is_sim_sectors_in_order(geo):
    raw = json.loads(resources.files("sim").joinpath("data", "geo", "front_2024_11_30.json")
                     .read_text())
    assert tuple(s["name"] for s in raw["sectors"]) == sectors.SECTOR_NAMES
    assert geo.sector_names == sectors.SECTOR_NAMES
    assert np.allclose(np.hypot(*geo.advance_direction.T), 1.0, atol=1e-3)


def test_every_sector_but_kursk_owns_a_run_of_the_day0_line(geo):
    for s, name in enumerate(geo.sector_names):
        if s == KURSK:
            continue
        owned = sum(int(np.sum(line.weights[:, s] == 1.0)) for line in geo.front_lines)
        assert owned == len(geo.segments[s]) >= 2, name
    for line in geo.front_lines:
        assert np.all(line.weights.sum(axis=1) <= 1.0 + 1e-9)


def test_advance_points_into_ukrainian_held_ground(geo):
    """A few km along each sector's advance from its segment's middle is Ukrainian-held
    ground (not in the day-0 occupied area); for Kursk it points back to the border."""
    for s, name in enumerate(geo.sector_names):
        seg = geo.segments[s]
        if s == KURSK:
            towards = geo.kursk_anchor - seg.mean(axis=0)
            assert np.dot(towards, geo.advance_direction[s]) > 0
            continue
        mid = seg[len(seg) // 2]
        step = 8.0 * geo.advance_direction[s] / np.array([geo.km_per_deg_lon, fm.KM_PER_DEG_LAT])
        ahead = mid + step
        assert inside(geo.outline, *ahead) and not inside(geo.occupied, *ahead), name
        behind = mid - step
        assert inside(geo.occupied, *behind) or not inside(geo.outline, *behind), name


# -- moving the line ---------------------------------------------------------------------------
def test_a_sectors_points_move_its_depth_in_km_along_its_advance(geo):
    d = depth(Pokrovsk=20.0)
    moved = fm.moved_lines(d, geo)
    for line, new in zip(geo.front_lines, moved):
        own = line.weights[:, POKROVSK] == 1.0
        if not own.any():
            continue
        shift_km = (new - line.points)[own] * np.array([geo.km_per_deg_lon, fm.KM_PER_DEG_LAT])
        assert np.allclose(np.hypot(*shift_km.T), 20.0)
        assert np.allclose(shift_km / 20.0, geo.advance_direction[POKROVSK])
        assert np.allclose(shift_km / 20.0, raw_direction(POKROVSK), atol=1e-3)
        assert np.all(new[own, 0] < line.points[own, 0]), "west of the day-0 line"


def test_moved_line_is_west_of_day0_where_depth_is_positive_and_east_where_negative(geo):
    d = np.where(np.arange(N) == KURSK, 0.0, 12.0)
    for line, new in zip(geo.front_lines, fm.moved_lines(d, geo)):
        moving = line.weights.sum(axis=1) > 0
        assert np.all(new[moving, 0] < line.points[moving, 0])
    back = fm.moved_lines(-d, geo)
    for line, new in zip(geo.front_lines, back):
        moving = line.weights.sum(axis=1) > 0
        assert np.all(new[moving, 0] > line.points[moving, 0])


def test_points_between_sectors_blend_and_line_ends_on_the_border_stay(geo):
    d = depth(Pokrovsk=20.0)
    index = int(np.argmax([len(line.points) for line in geo.front_lines]))
    main, new = geo.front_lines[index], fm.moved_lines(d, geo)[index]
    shift_km = np.hypot(*((new - main.points) * np.array([geo.km_per_deg_lon,
                                                          fm.KM_PER_DEG_LAT])).T)
    gap = (main.weights[:, POKROVSK] > 0) & (main.weights[:, POKROVSK] < 1)
    assert gap.any() and np.all((shift_km[gap] > 0) & (shift_km[gap] < 20.0))
    assert shift_km[0] == 0.0, "the end on the Russian border does not move"
    assert fm.moved_lines(np.zeros(N), geo)[0] == pytest.approx(geo.front_lines[0].points)


def test_kursk_salient_area_follows_the_held_km2(geo):
    full = shoelace_km2(fm.kursk_outline(geo.kursk_held_km2, geo), geo)
    half = shoelace_km2(fm.kursk_outline(geo.kursk_held_km2 / 2, geo), geo)
    assert full == pytest.approx(sectors.KURSK_HELD_INITIAL_KM2, rel=0.1)
    assert half == pytest.approx(full / 2)
    assert shoelace_km2(fm.kursk_outline(0.0, geo), geo) == 0.0


def test_gained_ground_is_coloured_by_who_took_it(geo):
    quads, signs = fm.gained_quads(depth(Pokrovsk=10.0, Kupiansk=-5.0), geo)
    assert len(quads) == len(signs) > 0 and np.any(signs > 0) and np.any(signs < 0)
    assert len(fm.gained_quads(np.zeros(N), geo)[0]) == 0


def test_bad_depth_shape_names_the_field():
    with pytest.raises(ValueError, match="depth_km.*12"):
        fm.moved_lines(np.zeros(5))


# -- drawing: the still map once (map_figure, vector_background), the day as an SVG layer ----------
PATH_D = re.compile(r'<path d="([^"]*)"[^>]*class="([^"]*)"')


def layer_paths(svg: str) -> list[dict[str, list[np.ndarray]]]:
    """Each panel's paths in an overlay, by class, as (n, 2) arrays of SVG points."""
    panels = []
    for group in svg.split('<g clip-path=')[1:]:
        paths: dict[str, list[np.ndarray]] = {}
        for d, cls in PATH_D.findall(group):
            points = [tuple(map(float, xy.split(","))) for xy in re.findall(r"-?[\d.]+,-?[\d.]+", d)]
            paths.setdefault(cls, []).append(np.asarray(points))
        panels.append(paths)
    return panels


def pt_per_km(panel: fm.Panel, geo: fm.MapGeometry) -> float:
    a, b = panel.to_svg(np.array([[35.0, 48.5], [36.0, 48.5]]))
    return float(np.hypot(*(b - a))) / geo.km_per_deg_lon


def test_only_the_pokrovsk_stretch_moves_when_it_moves_20_km(geo):
    vector = fm.vector_background(True)
    still = layer_paths(fm.overlay_svg(vector, np.zeros(N), np.zeros(N), 800.0))
    moved = layer_paths(fm.overlay_svg(vector, depth(Pokrovsk=20.0), np.zeros(N), 800.0))
    country = vector.panels[0]
    city = {c.name: c for c in geo.cities}
    pokrovsk, = country.to_svg(np.array([[city["Pokrovsk"].lon, city["Pokrovsk"].lat]]))
    shifted = [b[np.any(a != b, axis=1)] for a, b in zip(still[0]["front-highlight"],
                                                         moved[0]["front-highlight"])]
    shifted = np.concatenate(shifted)
    assert len(shifted) > 3, "the line moved"
    km = np.hypot(*(shifted - pokrovsk).T) / pt_per_km(country, geo)
    assert np.all(km < 120), "only the Pokrovsk stretch moved"
    assert still[0]["front-median"][0].tolist() == moved[0]["front-median"][0].tolist()
    assert "gained-russia" not in still[0] and len(moved[0]["gained-russia"]) == 1


def test_close_up_shows_the_same_move_larger(geo):
    vector = fm.vector_background(True)
    still = layer_paths(fm.overlay_svg(vector, np.zeros(N), None, None))
    moved = layer_paths(fm.overlay_svg(vector, depth(Pokrovsk=20.0), None, None))
    shift = [max(float(np.abs(b - a).max()) for a, b in zip(s["front-highlight"], m["front-highlight"]))
             for s, m in zip(still, moved)]
    country, close_up = shift
    scale = pt_per_km(vector.panels[1], geo) / pt_per_km(vector.panels[0], geo)
    assert scale > 1.5, "the close-up is drawn larger"
    assert close_up == pytest.approx(scale * country, rel=0.15), "the same move, at its scale"
    for name in ("Lyman", "Siversk", "Chasiv Yar", "Toretsk", "Kurakhove", "Velyka Novosilka"):
        assert f"<!-- {name} -->" in vector.svg, name


def test_the_key_and_the_close_up_sit_beside_the_map_not_on_its_land():
    """Both lie wholly right of the country map (over it they hid western and south-western
    Ukraine), inside the figure, apart from each other, with no text cut by the figure's edge."""
    fig, (main, inset) = fm.map_figure(72)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    key = main.get_legend().get_window_extent(renderer)
    close_up = inset.get_tightbbox(renderer)
    for name, box in (("key", key), ("close-up", close_up)):
        assert box.x0 >= main.bbox.x1, f"the {name} starts right of the country map"
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 + 0.5, f"the {name} is inside"
        assert fig.bbox.y0 - 0.5 <= box.y0 and box.y1 <= fig.bbox.y1 + 0.5, f"the {name} is inside"
    assert not key.overlaps(close_up), "the key and the close-up do not cover each other"


@pytest.mark.parametrize("dpi", [72, 100])  # the page's vector map; a PNG at the default
def test_no_two_names_on_the_map_overlap_and_none_is_lost_at_the_default_size(dpi):
    """Every name of the map's tables is drawn, each clear of every other (the Dnipro river's
    name lay over the city's, the Sea of Azov under the Dnipro sector's, Lyman on Siversk)."""
    fig, panels = fm.map_figure(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    drawn = [(t.get_text(), t.get_window_extent(renderer)) for ax in panels for t in ax.texts
             if t.get_visible() and t.get_text()]
    crowded = [(a, b) for i, (a, box) in enumerate(drawn) for b, other in drawn[i + 1:]
               if box.overlaps(other)]
    assert crowded == []
    names = ({*fm.LABELS, *fm.CLOSE_UP_LABELS, *(short for short, *_ in fm.SECTOR_LABELS.values())}
             | {text for text, *_ in fm.PLACE_NAMES})
    assert names <= {name for name, _ in drawn}


def test_a_name_that_would_crowd_an_earlier_one_is_dropped_and_always_the_same():
    """Names drawn first are kept (the map draws the most important first): the later of two
    names on the same spot goes, one clear of both stays."""
    from matplotlib.figure import Figure

    for _ in range(2):
        fig = Figure(figsize=(3, 2), dpi=72)
        ax = fig.add_axes((0, 0, 1, 1))
        for name, x in (("Kyiv", 0.5), ("Kyiv region", 0.52), ("Odesa", 0.1)):
            ax.text(x, 0.5, name, fontsize=9)
        fig.draw_without_rendering()
        assert fm.drop_crowded_labels(ax) == ["Kyiv region"]
        assert [t.get_text() for t in ax.texts] == ["Kyiv", "Odesa"]


def test_map_draws_outline_dnipro_cities_key_and_both_lines(geo):
    fig, (ax, inset) = fm.map_figure(72)
    sector_names = {t.get_text() for a in (ax, inset) for t in a.texts if t.get_style() == "italic"}
    assert {"Kursk salient", "Kupiansk", "Pokrovsk", "Dnipro river (Kherson)"} <= sector_names
    texts = {t.get_text() for t in ax.texts}
    assert {"Kyiv", "Kharkiv", "Dnipro", "Zaporizhzhia", "Donetsk", "Luhansk", "Mariupol",
            "Kherson", "Odesa", "Sevastopol", "Pokrovsk", "Kramatorsk", "Crimea"} <= texts
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("30 Nov 2024" in t for t in legend) and any("median" in t for t in legend)
    assert any(np.allclose(line.get_xydata(), geo.dnipro) for line in ax.lines)
    layer = fm.overlay_svg(fm.vector_background(True), depth(Kurakhove=15.0),
                           depth(Kurakhove=8.0), 500.0)
    assert f'stroke="{fm.HIGHLIGHT_LINE}"' in layer and f'stroke="{fm.MEDIAN_LINE}"' in layer
    without_median = fm.overlay_svg(fm.vector_background(False), depth(Kurakhove=15.0))
    assert "front-median" not in without_median and "front-highlight" in without_median


def test_the_still_map_is_the_same_svg_in_every_process():
    """No date, no random ids: a page reloaded or served by another worker gets the same bytes
    (so browsers cache it and a test can compare it)."""
    first = fm.vector_background(True).svg
    fm.vector_background.cache_clear()
    assert fm.vector_background(True).svg == first


# -- text alternative ----------------------------------------------------------------------------
def test_text_alternative_names_the_largest_mover_and_the_date():
    text = fm.describe_front_map(depth(Kurakhove=14.6, Pokrovsk=9.0, Toretsk=2.0),
                                 depth(Pokrovsk=5.0), 430.0, "1 Mar 2025")
    assert text.startswith("Map of Ukraine")
    assert "1 Mar 2025" in text and "since 1 Dec 2024" in text
    assert "up to 15 km near Kurakhove" in text
    assert text.index("Kurakhove") < text.index("Pokrovsk")
    assert "Median of all runs: largest advance 5 km near Pokrovsk" in text
    assert "430 km²" in text and "Kursk" in text
    other = fm.describe_front_map(depth(Kupiansk=6.0), None)
    assert "up to 6 km near Kupiansk" in other and "Median" not in other


def test_text_alternative_says_when_ukraine_pushed_back_or_nothing_moved():
    text = fm.describe_front_map(depth(Pokrovsk=3.0) - depth(Kupiansk=4.0))
    assert "Ukraine has pushed back up to 4 km near Kupiansk" in text
    assert "not moved" in fm.describe_front_map(np.zeros(N))
    assert "no Russian advance" in fm.describe_front_map(np.zeros(N), -np.ones(N))
    assert "near Vovchansk" in fm.describe_front_map(depth(**{"Kharkiv-Vovchansk": 3.0}))


# -- vector page layer and the Solara component --------------------------------------------------
def test_overlay_svg_lines_up_with_the_background_and_moves(geo):
    vector = fm.vector_background(True)
    root = ElementTree.fromstring(vector.svg.encode())  # still well-formed after compact_svg
    assert root.tag.endswith("svg") and len(vector.svg) < 200_000
    assert len(vector.panels) == 2, "the country map and the close-up"
    kyiv = next(c for c in geo.cities if c.name == "Kyiv")
    pokrovsk = next(c for c in geo.cities if c.name == "Pokrovsk")
    for panel, city in zip(vector.panels, (kyiv, pokrovsk)):
        x, y, w, h = panel.box
        (px, py), = panel.to_svg(np.array([[city.lon, city.lat]]))
        assert x < px < x + w and y < py < y + h, city.name
    country, close_up = vector.panels
    assert close_up.box[2] < 0.5 * country.box[2]
    still = fm.overlay_svg(vector, np.zeros(N), np.zeros(N), 800.0)
    moved = fm.overlay_svg(vector, depth(Pokrovsk=20.0), np.zeros(N), 800.0)
    assert still != moved and moved.count('class="gained-russia"') == 2
    assert 'class="front-median"' in moved and 'class="front-highlight"' in moved
    assert len(moved) < 25_000, "a frame is a few kB"
    ElementTree.fromstring(moved.encode())


def test_front_map_component_has_a_text_alternative_and_the_numbers():
    import solara

    from dashboards.components.front_map import FrontMap

    d, m = depth(Pokrovsk=12.0), depth(Pokrovsk=6.0)
    box, rc = solara.render(FrontMap(d, m, 90, "1 Mar 2025", kursk_held_km2=500.0),
                            handle_error=False)
    layers = [w for w in rc.find(solara.widgets.HTML).widgets
              if (w.attributes or {}).get("role") == "img"]
    assert len(layers) == 1
    attrs = layers[0].attributes
    assert "up to 12 km near Pokrovsk" in attrs["aria-label"]
    assert json.loads(attrs["data-depth-highlight"])[POKROVSK] == 12.0
    assert attrs["data-day"] == "90" and attrs["data-kursk-held-km2"] == "500.0"
    assert "front-highlight" in layers[0].unsafe_innerHTML
    backgrounds = [w for w in rc.find(solara.widgets.HTML).widgets
                   if "front-map-background" in (w.unsafe_innerHTML or "")]
    assert len(backgrounds) == 1 and "image/svg+xml" in backgrounds[0].unsafe_innerHTML
    assert 'alt="Map of Ukraine' in backgrounds[0].unsafe_innerHTML


def test_front_map_widget_updates_only_its_layer():
    from dashboards.components.front_map import FrontMapWidget

    widget = FrontMapWidget()
    stack = widget.widget.children[1]
    background = stack.children[0].unsafe_innerHTML
    widget.show(np.zeros(N), np.zeros(N), 0, "1 Dec 2024", 800.0)
    first = widget.layer.unsafe_innerHTML
    widget.show(depth(Kurakhove=9.0), np.zeros(N), 30, "31 Dec 2024", 800.0)
    assert widget.layer.unsafe_innerHTML != first
    assert "near Kurakhove" in widget.layer.attributes["aria-label"]
    assert stack.children[0].unsafe_innerHTML == background


@pytest.mark.slow
@pytest.mark.browser
def test_layer_lines_up_with_the_background_in_chromium():
    """The page's two layers in Chromium at a laptop's and a narrow width: the moving-lines SVG
    covers exactly the map image, and its front line falls inside the map."""
    from playwright.sync_api import sync_playwright

    from dashboards.components import front_map as component

    moved = depth(Pokrovsk=12.0)
    layer = component.layer_attributes(moved, np.zeros(N), 30, "31 Dec 2024", 800.0)
    attributes = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in layer.items())
    page_html = (f'<div style="{component.CONTAINER_STYLE}">'
                 f'<div>{component.background_html(True)}</div>'
                 f'<div {attributes}>{component.layer_svg(moved, np.zeros(N), 800.0)}'
                 "</div></div>")
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            for width, height in ((1024, 768), (800, 600)):
                page = browser.new_page(viewport={"width": width, "height": height},
                                        device_scale_factor=2)
                page.set_content(f"<body style='margin:0;width:{width // 2}px'>{page_html}</body>")
                page.wait_for_function("document.querySelector('img').complete")
                image = page.locator("img.front-map-background").bounding_box()
                overlay = page.locator("[role=img] svg").bounding_box()
                line = page.locator("path.front-highlight").first.bounding_box()
                assert image["width"] == pytest.approx(width // 2, abs=1)
                for key in ("x", "y", "width", "height"):
                    assert overlay[key] == pytest.approx(image[key], abs=1), (width, key)
                right = image["x"] + image["width"]
                assert image["x"] <= line["x"] and line["x"] + line["width"] <= right
                label = page.locator("[role=img]").get_attribute("aria-label")
                assert "up to 12 km near Pokrovsk" in label
                page.close()
        finally:
            browser.close()
