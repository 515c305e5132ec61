"""The plots a researcher expects from a sweep, as matplotlib Figures (no pyplot state).

Outcome fans per scenario, a heat map of an outcome over two swept parameters, outcome-class
shares, and Sobol/Morris bars. Colours are the Okabe-Ito palette (colour-blind safe). Each plot
says what it pools: a fan's band is a quantile band of the pooled runs (computed from the runs'
trajectories, or from one point's replicates), never an average of per-point quantiles; a heat map
of an outcome that some runs never reach shows the share that did beside the value among them; a
parameter a heat map does not show is named in its title as averaged over.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

import sim
from sim.params import plural
from sim.style import CYCLE
from sim.trajectories import TRAJECTORIES

from . import storage
from .sensitivity import target_values
from .spec import KEY_COLUMNS

KEY_LIKE = tuple(c for c in KEY_COLUMNS if c != "scenario")  # never an axis; a scenario can be



def save(figure: Figure, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    figure.savefig(tmp, dpi=120, bbox_inches="tight")
    tmp.replace(path)
    return path


MAX_POINT_LINES = 40


def pooled_fans(trajectories: pd.DataFrame, scenario_of_row: pd.Series, field: str,
                quantiles=(0.1, 0.5, 0.9), title: str | None = None) -> Figure:
    """Per scenario, quantiles of `field` over all its runs pooled (every point and replicate),
    by day: the band a reader expects from '10-90 % of runs'."""
    low, mid, high = quantiles[0], quantiles[len(quantiles) // 2], quantiles[-1]
    frame = trajectories[["row", "day", field]].assign(
        scenario=scenario_of_row.reindex(trajectories["row"]).to_numpy())
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    axes = figure.subplots()
    for colour, (scenario, group) in zip(CYCLE, frame.groupby("scenario", sort=False)):
        curve = group.groupby("day")[field].quantile([low, mid, high]).unstack()
        runs = group["row"].nunique()
        axes.fill_between(curve.index, curve[low], curve[high], color=colour, alpha=0.25, lw=0)
        axes.plot(curve.index, curve[mid], color=colour, lw=2,
                  label=f"{scenario} ({runs:,} {plural(runs, 'run')} pooled)")
    axes.set_xlabel("day from start")
    axes.set_ylabel(TRAJECTORIES[field].axis_label)
    axes.set_title(wrap(title or f"{field}: {low * 100:g}-{high * 100:g}% band and "
                        f"{mid * 100:g}% line of all runs pooled, per scenario", 7.5, 11),
                   fontsize=11)
    axes.legend(frameon=False)
    return figure


def outcome_fans(bands: pd.DataFrame, field: str, title: str | None = None) -> Figure:
    """From per-point bands: with one point per scenario, its band (then the runs pooled);
    with several, one middle-quantile line per point (at most MAX_POINT_LINES), since
    per-point quantiles cannot be averaged into a band of the pooled runs."""
    columns = sorted((c for c in bands if c.startswith(field + "_q")),
                     key=lambda c: float(c.rsplit("_q", 1)[1]))
    low, mid, high = columns[0], columns[len(columns) // 2], columns[-1]
    q = {c: c.rsplit("_q", 1)[1] for c in (low, mid, high)}
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    axes = figure.subplots()
    several = bands.groupby("scenario")["point"].nunique().max() > 1
    for colour, (scenario, group) in zip(CYCLE, bands.groupby("scenario", sort=False)):
        points = group["point"].unique()
        if not several:
            curve = group.set_index("day").sort_index()
            axes.fill_between(curve.index, curve[low], curve[high], color=colour, alpha=0.25,
                              lw=0)
            axes.plot(curve.index, curve[mid], color=colour, lw=2, label=scenario)
            continue
        shown = points[np.linspace(0, len(points) - 1, min(len(points), MAX_POINT_LINES)).astype(int)]
        for k, point in enumerate(shown):
            curve = group[group["point"] == point].set_index("day").sort_index()
            axes.plot(curve.index, curve[mid], color=colour, lw=0.8, alpha=0.6,
                      label=f"{scenario} ({len(shown)} of {len(points)} points)" if k == 0 else None)
    axes.set_xlabel("day from start")
    axes.set_ylabel(field)
    if several:
        default = (f"{field}: {q[mid]}% line of each parameter point (keep trajectories for a "
                   f"band of the pooled runs)")
    else:
        default = f"{field}: {q[low]}-{q[high]}% band and {q[mid]}% line of the runs, per scenario"
    axes.set_title(wrap(title or default, 7.5, 10), fontsize=10)
    axes.legend(frameon=False)
    return figure


def heatmap(outcomes: pd.DataFrame, x: str, y: str, outcome: str, scenario: str | None = None,
            statistic: str = "mean", averaged_over: tuple[str, ...] = ()) -> Figure:
    """`statistic` of an outcome over two columns (grid sweeps: one cell per level pair; other
    samplers: values binned into 10 x 10 cells, every bin kept, so a cell no run fell in is drawn
    empty). An outcome some runs never reach (a ceasefire day) gets a second panel, the share of
    runs that reached it, and each cell of the value panel shows how many runs its value comes
    from. Columns in `averaged_over` are named in the title."""
    frame = outcomes if scenario is None else outcomes[outcomes["scenario"] == scenario]
    values = target_values(frame, outcome)
    xs, x_levels = _binned(frame[x])
    ys, y_levels = _binned(frame[y])
    grouped = values.groupby([ys, xs], observed=True)
    table = grouped.agg(statistic).unstack().reindex(index=y_levels, columns=x_levels)
    missing = bool(values.isna().any())
    n_panels = 2 if missing else 1
    figure = Figure(figsize=(12.5 if missing else 6.5, 5.2), layout="constrained")
    panels = figure.subplots(1, n_panels)
    axes = panels[1] if missing else panels
    image = axes.imshow(table.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis")
    _axes_labels(axes, table, x, y)
    suffix = (f" ({scenario})" if scenario else "") + \
        (f"; averaged over {', '.join(averaged_over)}" if averaged_over else "")
    figure.colorbar(image, ax=axes, label=wrap(outcome, 40))
    panel_inches = figure.get_figwidth() / n_panels - 1.6  # less the colour bar and tick labels
    if not missing:
        axes.set_title(wrap(f"{statistic} {outcome}{suffix}", panel_inches, 10), fontsize=10)
        return figure
    reached = grouped.count().unstack().reindex_like(table)
    runs = grouped.size().unstack().reindex_like(table)
    labels = {(i, j): f"{int(count)}/{int(runs.iat[i, j])}"
              for (i, j), count in np.ndenumerate(reached.to_numpy(dtype=float))
              if np.isfinite(count) and runs.iat[i, j] > 0}
    size = _cell_font_size(labels.values(), panel_inches, len(table.columns), len(table.index))
    for (i, j), text in labels.items() if size else ():
        axes.text(j, i, text, ha="center", va="center", fontsize=size,
                  color="white" if not text.startswith("0/") else "grey")
    note = "(cell: runs that did / runs)" if size else "(cells too small to label their counts)"
    axes.set_title(wrap(f"{statistic} {outcome} among runs that reached one {note}{suffix}",
                        panel_inches, 10), fontsize=10)
    share = (reached / runs).to_numpy(dtype=float)
    shown = panels[0].imshow(share, origin="lower", aspect="auto", cmap="cividis", vmin=0, vmax=1)
    _axes_labels(panels[0], table, x, y)
    panels[0].set_title(wrap(f"share of runs with a {outcome.replace('_', ' ')}{suffix}",
                             panel_inches, 10), fontsize=10)
    figure.colorbar(shown, ax=panels[0], label="share of runs")
    return figure


def wrap(text: str, inches: float, fontsize: float = 10) -> str:
    """`text` broken into lines that fit `inches` at `fontsize` (a character is about 0.6 em)."""
    import textwrap

    width = max(12, int(inches * 72 / (0.6 * fontsize)))
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def _cell_font_size(labels, panel_inches: float, n_columns: int, n_rows: int,
                    largest: float = 7.0, smallest: float = 4.5) -> float:
    """The font size at which every cell label fits its cell (0: none fits, so none is drawn)."""
    longest = max((len(text) for text in labels), default=0)
    if not longest:
        return 0.0
    cell_points = panel_inches * 72 / max(n_columns, 1)
    row_points = (5.2 - 1.8) * 72 / max(n_rows, 1)  # the figure's height less titles and labels
    size = min(largest, 0.8 * cell_points / (0.62 * longest), 0.7 * row_points)
    return size if size >= smallest else 0.0


def _axes_labels(axes, table: pd.DataFrame, x: str, y: str) -> None:
    step_x = max(1, int(np.ceil(len(table.columns) / 12)))
    step_y = max(1, int(np.ceil(len(table.index) / 16)))
    axes.set_xticks(range(0, len(table.columns), step_x),
                    _labels(table.columns[::step_x]), rotation=45, ha="right",
                    rotation_mode="anchor")
    axes.set_yticks(range(0, len(table.index), step_y), _labels(table.index[::step_y]))
    axes.set_xlabel(x)
    axes.set_ylabel(y)


def outcome_shares(outcomes: pd.DataFrame, by: str = "scenario") -> Figure:
    """Stacked bars: share of runs in each outcome class, per value of `by`."""
    counts = pd.crosstab(outcomes[by], outcomes["outcome"].astype(str), normalize="index")
    counts = counts.reindex(columns=[c for c in sim.OUTCOME_CLASSES if c in counts])
    figure = Figure(figsize=(8, 0.6 * len(counts) + 2.4), layout="constrained")
    axes = figure.subplots()
    left = np.zeros(len(counts))
    for colour, name in zip(CYCLE, counts.columns):
        axes.barh([str(i) for i in counts.index], counts[name], left=left, color=colour,
                  label=name)
        left += counts[name].to_numpy()
    axes.set_xlim(0, 1)
    axes.set_xlabel("share of runs")
    figure.legend(frameon=False, ncol=3, loc="outside lower center")
    return figure


def sensitivity_bars(table: pd.DataFrame) -> Figure:
    """One panel per (scenario, outcome): Sobol S1 and ST, or Morris mu*, with confidence bars."""
    panels = list(table.groupby(["scenario", "outcome"], sort=False))
    figure = Figure(figsize=(7, 2.8 * len(panels)))
    for axes, ((scenario, outcome), part) in zip(np.atleast_1d(figure.subplots(len(panels), 1)),
                                                 panels):
        if (part["index"] == "constant").all():
            axes.text(0.5, 0.5, f"never varies (always {part['value'].iloc[0]:g}):\nno "
                      f"sensitivity to any parameter", ha="center", va="center",
                      transform=axes.transAxes)
            axes.set_xticks([])
            axes.set_yticks([])
            axes.set_title(f"{outcome} ({scenario})")
            continue
        indices = [i for i in ("S1", "ST", "mu_star") if i in set(part["index"])]
        names = list(dict.fromkeys(part["parameter"]))
        width = 0.8 / len(indices)
        for k, (index, colour) in enumerate(zip(indices, CYCLE[4:])):
            rows = part[part["index"] == index].set_index("parameter").loc[names]
            axes.bar(np.arange(len(names)) + k * width, rows["value"], width,
                     yerr=rows["conf"].fillna(0), color=colour, label=index, capsize=3)
        axes.set_xticks(np.arange(len(names)) + 0.4 - width / 2, names, rotation=20, ha="right")
        axes.set_title(f"{outcome} ({scenario})")
        axes.legend(frameon=False)
    figure.tight_layout()
    return figure


def standard_plots(out: Path, folder: Path, x: str | None = None, y: str | None = None,
                   outcome: str | None = None) -> list[Path]:
    """Write `standard_figures` as PNG files into `folder`."""
    return [save(figure, Path(folder) / name) for name, figure in
            standard_figures(out, x, y, outcome)]


def heatmap_choice(manifest: dict, columns, x: str | None, y: str | None,
                   outcome: str | None) -> tuple[str, str, str] | None:
    """The heat map's axes and outcome: the options, else the first two swept parameters and
    the first numeric outcome kept. A name that is not a column of the outcomes table (or, for
    the outcome, `reached:`/`share:` of one) is refused in one line. None: nothing to map."""
    from sim.outcomes import check_share_target
    from sim.params import InputError

    kept = manifest["spec"]["output"]["outcomes"]
    factors = [f["name"] for f in manifest["spec"]["factors"]]
    columns = list(columns)
    for flag, name in (("--x", x), ("--y", y)):
        if name is not None and (name not in columns or name in KEY_LIKE):
            raise InputError(f"{flag}={name!r} is not allowed: not a column of this sweep's "
                             f"outcomes table; one of "
                             f"{', '.join(c for c in columns if c not in KEY_LIKE)}")
    if outcome is not None and outcome.startswith("share:"):
        check_share_target("--outcome", outcome)
    elif outcome is not None:
        base = outcome.split(":", 1)[1] if outcome.startswith("reached:") else outcome
        if base not in columns:
            raise InputError(f"--outcome={outcome!r} is not allowed: not an outcome of this sweep; one of "
                             f"{', '.join(c for c in kept if c != 'outcome')}, reached:<column> "
                             f"or share:<outcome class>")
    numeric = [c for c in kept if c != "outcome"]
    x = x or next((f for f in factors if f != y), None)
    y = y or next((f for f in factors if f != x), None)
    outcome = outcome or (numeric[0] if numeric else None)
    if x is None or y is None or outcome is None or x == y:
        return None
    return x, y, outcome


def check_heatmap_options(out: Path, x: str | None = None, y: str | None = None,
                          outcome: str | None = None) -> tuple[str, str, str] | None:
    """`heatmap_choice` against the sweep in `out` (its manifest and its table's columns)."""
    import pyarrow.parquet as pq

    files = storage.table_files(out)
    columns = pq.read_schema(files[0]).names if files else []
    return heatmap_choice(storage.read_manifest(out), columns, x, y, outcome)


def standard_figures(out: Path, x: str | None = None, y: str | None = None,
                     outcome: str | None = None) -> list[tuple[str, Figure]]:
    """(file name, figure) of the standard plots: outcome-class shares; a heat map per scenario
    of `outcome` over `x` and `y` (default: the first two swept parameters and the first
    numeric outcome kept); fans of the kept fields when trajectories or bands are kept."""
    from .results import blocks, scenario_labels

    manifest = storage.read_manifest(out)
    kept = manifest["spec"]["output"]["outcomes"]
    factors = [f["name"] for f in manifest["spec"]["factors"]]
    choice = check_heatmap_options(out, x, y, outcome)
    groups = blocks(manifest)  # a sweep from several start dates is drawn per date and scenario

    def labelled(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(scenario=scenario_labels(frame, manifest))

    figures = []
    if "outcome" in kept:
        frame = labelled(storage.read_table(out, columns=[*groups, "outcome"]))
        figures.append(("outcome_shares.png", outcome_shares(frame)))
    if choice is not None:
        x, y, outcome = choice
        base = outcome.split(":", 1)[1] if outcome.startswith("reached:") else outcome
        needed = [*groups, x, y, "outcome" if outcome.startswith("share:") else base]
        frame = labelled(storage.read_table(out, columns=list(dict.fromkeys(needed))))
        tag = outcome.replace(":", "_").replace(" ", "_")
        for scenario in frame["scenario"].unique():
            figure = heatmap(frame, x, y, outcome, scenario,
                             averaged_over=tuple(f for f in factors if f not in (x, y)))
            name = str(scenario).replace(" from ", "_")
            figures.append((f"heatmap_{tag}_{name}.png", figure))
    fields = manifest["spec"]["output"]["fields"]
    if storage.table_files(out, "trajectories"):
        scenario_of_row = labelled(storage.read_table(out, columns=["row", *groups])).set_index(
            "row")["scenario"]
        for field in fields:
            trajectories = storage.read_table(out, "trajectories", columns=["row", "day", field])
            figures.append((f"fan_{field}.png", pooled_fans(trajectories, scenario_of_row, field)))
    elif storage.table_files(out, "bands"):
        bands = labelled(storage.read_table(out, "bands"))
        for field in fields:
            figures.append((f"fan_{field}.png", outcome_fans(bands, field)))
    return figures


def overlapping_texts(figure: Figure) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty texts of `figure` whose drawn boxes overlap (titles, labels,
    tick labels, cell labels, legends): what a reader would see printed over each other."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    undrawn = set()  # tick labels of ticks outside the axes' view are kept but never drawn
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - 1e-9 * abs(high - low) <= tick.get_loc() <= high + 1e-9 * abs(high - low):
                    undrawn.update({id(tick.label1), id(tick.label2)})
    boxes = []
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text().strip() or text.figure is None \
                or id(text) in undrawn:
            continue
        box = text.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            boxes.append((text.get_text(), box.shrunk(0.97, 0.9)))
    overlaps = []
    for k, (first, a) in enumerate(boxes):
        for second, b in boxes[k + 1:]:
            if a.overlaps(b):
                overlaps.append((first, second))
    return overlaps


def _binned(values: pd.Series, max_levels: int = 12, bins: int = 10) -> tuple[pd.Series, list]:
    """Each value's cell on an axis and every cell of that axis, in order: the values
    themselves when there are few, else the mid-points of `bins` equal-width bins (all of
    them, those no run fell in included)."""
    if values.nunique() <= max_levels or not pd.api.types.is_numeric_dtype(values) \
            or pd.api.types.is_bool_dtype(values):
        levels = values.dropna().unique()
        try:
            levels = sorted(levels)
        except TypeError:
            levels = list(levels)
        return values, list(levels)
    cut, edges = pd.cut(values.astype(float), bins, retbins=True)
    mids = (edges[:-1] + edges[1:]) / 2
    return pd.Series(mids[cut.cat.codes.to_numpy()], index=values.index), list(mids)


def _labels(values) -> list[str]:
    """Tick labels with as many digits as it takes to tell the values apart (at most 6)."""
    for digits in range(3, 7):
        labels = [_label(v, digits) for v in values]
        if len(set(labels)) == len(labels):
            return labels
    return labels


def _label(value, digits: int = 3) -> str:
    return f"{value:.{digits}g}" if isinstance(value, (float, np.floating)) else str(value)
