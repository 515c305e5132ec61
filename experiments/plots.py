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

from . import storage

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000")


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
    figure = Figure(figsize=(8, 4.5))
    axes = figure.subplots()
    for colour, (scenario, group) in zip(OKABE_ITO, frame.groupby("scenario", sort=False)):
        curve = group.groupby("day")[field].quantile([low, mid, high]).unstack()
        axes.fill_between(curve.index, curve[low], curve[high], color=colour, alpha=0.25, lw=0)
        axes.plot(curve.index, curve[mid], color=colour, lw=2,
                  label=f"{scenario} ({group['row'].nunique():,} runs pooled)")
    axes.set_xlabel("day from start")
    axes.set_ylabel(field)
    axes.set_title(title or f"{field}: {low * 100:g}-{high * 100:g}% band and "
                   f"{mid * 100:g}% line of all runs pooled, per scenario")
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
    figure = Figure(figsize=(8, 4.5))
    axes = figure.subplots()
    several = bands.groupby("scenario")["point"].nunique().max() > 1
    for colour, (scenario, group) in zip(OKABE_ITO, bands.groupby("scenario", sort=False)):
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
    axes.set_title(title or default, fontsize=10)
    axes.legend(frameon=False)
    return figure


def heatmap(outcomes: pd.DataFrame, x: str, y: str, outcome: str, scenario: str | None = None,
            statistic: str = "mean", averaged_over: tuple[str, ...] = ()) -> Figure:
    """`statistic` of an outcome over two swept parameters (grid sweeps: one cell per level pair;
    other samplers: values binned into 10 x 10 cells). An outcome some runs never reach (a
    ceasefire day) gets a second panel, the share of runs that reached it, and each cell of the
    value panel shows how many runs its value comes from. Parameters in `averaged_over` are
    named in the title."""
    frame = outcomes if scenario is None else outcomes[outcomes["scenario"] == scenario]
    values = _numeric(frame, outcome)
    xs, ys = _binned(frame[x]), _binned(frame[y])
    grouped = values.groupby([ys, xs], observed=True)
    table = grouped.agg(statistic).unstack()
    missing = bool(values.isna().any())
    figure = Figure(figsize=(12.5 if missing else 6.5, 5))
    panels = figure.subplots(1, 2 if missing else 1)
    axes = panels[1] if missing else panels
    image = axes.imshow(table.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis")
    _axes_labels(axes, table, x, y)
    suffix = (f" ({scenario})" if scenario else "") + \
        (f"\naveraged over {', '.join(averaged_over)}" if averaged_over else "")
    figure.colorbar(image, ax=axes, label=outcome)
    if not missing:
        axes.set_title(f"{statistic} {outcome}{suffix}", fontsize=10)
        return figure
    reached = grouped.count().unstack().reindex_like(table)
    runs = grouped.size().unstack().reindex_like(table)
    for (i, j), count in np.ndenumerate(reached.to_numpy(dtype=float)):
        axes.text(j, i, f"{int(count)}/{int(runs.iat[i, j])}", ha="center", va="center",
                  fontsize=7, color="white" if count else "grey")
    axes.set_title(f"{statistic} {outcome} among runs that reached one\n(cell: runs that did / "
                   f"runs){suffix}", fontsize=10)
    share = (reached / runs).to_numpy(dtype=float)
    shown = panels[0].imshow(share, origin="lower", aspect="auto", cmap="cividis", vmin=0, vmax=1)
    _axes_labels(panels[0], table, x, y)
    panels[0].set_title(f"share of runs with a {outcome.replace('_', ' ')}{suffix}", fontsize=10)
    figure.colorbar(shown, ax=panels[0], label="share of runs")
    return figure


def _axes_labels(axes, table: pd.DataFrame, x: str, y: str) -> None:
    axes.set_xticks(range(len(table.columns)), [_label(v) for v in table.columns], rotation=45)
    axes.set_yticks(range(len(table.index)), [_label(v) for v in table.index])
    axes.set_xlabel(x)
    axes.set_ylabel(y)


def outcome_shares(outcomes: pd.DataFrame, by: str = "scenario") -> Figure:
    """Stacked bars: share of runs in each outcome class, per value of `by`."""
    counts = pd.crosstab(outcomes[by], outcomes["outcome"].astype(str), normalize="index")
    counts = counts.reindex(columns=[c for c in sim.OUTCOME_CLASSES if c in counts])
    figure = Figure(figsize=(8, 0.6 * len(counts) + 2))
    axes = figure.subplots()
    left = np.zeros(len(counts))
    for colour, name in zip(OKABE_ITO, counts.columns):
        axes.barh([str(i) for i in counts.index], counts[name], left=left, color=colour,
                  label=name)
        left += counts[name].to_numpy()
    axes.set_xlim(0, 1)
    axes.set_xlabel("share of runs")
    axes.legend(frameon=False, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.25))
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
        for k, (index, colour) in enumerate(zip(indices, OKABE_ITO[4:])):
            rows = part[part["index"] == index].set_index("parameter").loc[names]
            axes.bar(np.arange(len(names)) + k * width, rows["value"], width,
                     yerr=rows["conf"].fillna(0), color=colour, label=index, capsize=3)
        axes.set_xticks(np.arange(len(names)) + 0.4 - width / 2, names, rotation=20, ha="right")
        axes.set_title(f"{outcome} ({scenario})")
        axes.legend(frameon=False)
    figure.tight_layout()
    return figure


def standard_plots(out: Path, folder: Path) -> list[Path]:
    """Outcome-class shares, a heat map over the first two swept parameters, fans if kept."""
    manifest = storage.read_manifest(out)
    kept = manifest["spec"]["output"]["outcomes"]
    factors = [f["name"] for f in manifest["spec"]["factors"]]
    outcomes = storage.read_table(out, columns=["scenario", *factors,
                                                *(c for c in kept if c != "outcome"),
                                                *(["outcome"] if "outcome" in kept else [])])
    written = []
    if "outcome" in kept:
        written.append(save(outcome_shares(outcomes), folder / "outcome_shares.png"))
    numeric = [c for c in kept if c != "outcome"]
    if len(factors) >= 2 and numeric:
        for scenario in manifest["scenarios"]:
            figure = heatmap(outcomes, factors[0], factors[1], numeric[0], scenario,
                             averaged_over=tuple(factors[2:]))
            written.append(save(figure, folder / f"heatmap_{numeric[0]}_{scenario}.png"))
    fields = manifest["spec"]["output"]["fields"]
    if storage.table_files(out, "trajectories"):
        scenario_of_row = storage.read_table(out, columns=["row", "scenario"]).set_index("row")["scenario"]
        for field in fields:
            trajectories = storage.read_table(out, "trajectories", columns=["row", "day", field])
            written.append(save(pooled_fans(trajectories, scenario_of_row, field),
                                folder / f"fan_{field}.png"))
    elif storage.table_files(out, "bands"):
        bands = storage.read_table(out, "bands")
        for field in fields:
            written.append(save(outcome_fans(bands, field), folder / f"fan_{field}.png"))
    return written


def _numeric(frame: pd.DataFrame, outcome: str) -> pd.Series:
    if outcome.startswith("share:"):
        return (frame["outcome"].astype(str) == outcome[6:]).astype(float)
    if outcome.startswith("reached:"):
        return frame[outcome[8:]].notna().astype(float)
    column = frame[outcome]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.astype(float)
    return column.astype(float)


def _binned(values: pd.Series, max_levels: int = 12) -> pd.Series:
    if values.nunique() <= max_levels:
        return values
    return pd.cut(values.astype(float), 10).map(lambda interval: interval.mid).astype(float)


def _label(value) -> str:
    return f"{value:.3g}" if isinstance(value, (float, np.floating)) else str(value)
