"""The plots a researcher expects from a sweep, as matplotlib Figures (no pyplot state).

Outcome fans per scenario, a heat map of an outcome over two swept parameters, outcome-class
shares, and Sobol/Morris bars. Colours are the Okabe-Ito palette (colour-blind safe).
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


def outcome_fans(bands: pd.DataFrame, field: str, title: str | None = None) -> Figure:
    """Per scenario, the band between the lowest and highest stored quantile of `field` and its
    middle quantile, by day; with several points the quantile curves are averaged over points."""
    columns = sorted((c for c in bands if c.startswith(field + "_q")),
                     key=lambda c: float(c.rsplit("_q", 1)[1]))
    low, mid, high = columns[0], columns[len(columns) // 2], columns[-1]
    figure = Figure(figsize=(8, 4.5))
    axes = figure.subplots()
    for colour, (scenario, group) in zip(OKABE_ITO, bands.groupby("scenario", sort=False)):
        curve = group.groupby("day")[[low, mid, high]].mean()
        axes.fill_between(curve.index, curve[low], curve[high], color=colour, alpha=0.25, lw=0)
        axes.plot(curve.index, curve[mid], color=colour, lw=2,
                  label=f"{scenario} ({group['point'].nunique()} points)")
    axes.set_xlabel("day from start")
    axes.set_ylabel(field)
    axes.set_title(title or f"{field}: {low.rsplit('_q', 1)[1]}-{high.rsplit('_q', 1)[1]}% "
                   f"band and {mid.rsplit('_q', 1)[1]}% line per scenario")
    axes.legend(frameon=False)
    return figure


def heatmap(outcomes: pd.DataFrame, x: str, y: str, outcome: str, scenario: str | None = None,
            statistic: str = "mean") -> Figure:
    """`statistic` of an outcome over two swept parameters (grid sweeps: one cell per level pair;
    other samplers: values binned into 10 x 10 cells)."""
    frame = outcomes if scenario is None else outcomes[outcomes["scenario"] == scenario]
    values = _numeric(frame, outcome)
    xs, ys = _binned(frame[x]), _binned(frame[y])
    table = values.groupby([ys, xs]).agg(statistic).unstack()
    figure = Figure(figsize=(6.5, 5))
    axes = figure.subplots()
    image = axes.imshow(table.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis")
    axes.set_xticks(range(len(table.columns)), [_label(v) for v in table.columns], rotation=45)
    axes.set_yticks(range(len(table.index)), [_label(v) for v in table.index])
    axes.set_xlabel(x)
    axes.set_ylabel(y)
    axes.set_title(f"{statistic} {outcome}" + (f" ({scenario})" if scenario else ""))
    figure.colorbar(image, ax=axes, label=outcome)
    return figure


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
            figure = heatmap(outcomes, factors[0], factors[1], numeric[0], scenario)
            written.append(save(figure, folder / f"heatmap_{numeric[0]}_{scenario}.png"))
    if (Path(out) / "bands").is_dir():
        bands = storage.read_table(out, "bands")
        for field in manifest["spec"]["output"]["fields"]:
            written.append(save(outcome_fans(bands, field), folder / f"fan_{field}.png"))
    return written


def _numeric(frame: pd.DataFrame, outcome: str) -> pd.Series:
    if outcome.startswith("share:"):
        return (frame["outcome"].astype(str) == outcome[6:]).astype(float)
    if outcome.startswith("reached:"):
        return frame[outcome[8:]].notna().astype(float)
    return frame[outcome].astype(float)


def _binned(values: pd.Series, max_levels: int = 12) -> pd.Series:
    if values.nunique() <= max_levels:
        return values
    return pd.cut(values.astype(float), 10).map(lambda interval: interval.mid).astype(float)


def _label(value) -> str:
    return f"{value:.3g}" if isinstance(value, (float, np.floating)) else str(value)
