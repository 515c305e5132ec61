"""How much of an outcome's variance is the world's rather than the levers'.

A stochastic sweep runs each parameter point `replicates` times; the runs of a point differ only
in what they drew from their keys (uncertain parameters, private types, daily shocks): their
world. Replicate r draws the same world at every point and scenario (common random numbers), so
per scenario an outcome is read as a two-way layout, points x replicates:

    y[p, r] = mean + lever[p] + world[r] + interaction[p, r]

and its variance splits (two-way ANOVA, random effects) into the levers' part (between points),
the world's part shared by every point (between replicates), and the interaction (the world
acting differently at different points). "Between replicates at a point" is the last two
together: what a run's outcome owes to its world. A point mean carries the interaction's
variance / replicates as noise (the shared world adds the same to every point, so it cancels
when points are compared); `replicates_needed` would bring that noise to `TARGET_NOISE` of the
levers' variance.

When the world's share is the larger, an analysis of the point means (Sobol, Morris, PRIM on the
levers) reads a small part of what happens; the report says so in one line.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

TARGET_NOISE = 0.1  # a point mean's noise variance, as a share of the levers' variance
# below this p-value of the F test (points' mean square over the interaction's) the levers'
# variance is taken as real; above it, a positive estimate may be sampling noise or rounding,
# and no replicate count is read from it
LEVER_ALPHA = 0.05
COLUMNS = ("scenario", "outcome", "points", "replicates", "variance", "between_points_share",
           "between_replicates_share", "shared_world_share", "interaction_share",
           "point_mean_noise_share", "levers_p_value", "replicates_needed")


def split(values: pd.Series, scenario: pd.Series, point: pd.Series, replicate: pd.Series,
          outcome: str) -> pd.DataFrame:
    """The split of `values` (one per run) per scenario, from the runs themselves."""
    frame = pd.DataFrame({"scenario": scenario.to_numpy(), "point": point.to_numpy(),
                          "replicate": replicate.to_numpy(), "y": values.astype(float).to_numpy()})
    return from_moments(moments(frame), outcome)


def moments(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Sums, counts and sums of squares of `y` by (scenario, point), (scenario, replicate) and
    scenario: what `from_moments` needs, addable over chunks."""
    frame = frame.assign(y2=frame["y"] ** 2, n=frame["y"].notna().astype(np.int64))
    return {"point": frame.groupby(["scenario", "point"], sort=False)[["y", "n"]].sum(),
            "replicate": frame.groupby(["scenario", "replicate"], sort=False)[["y", "n"]].sum(),
            "total": frame.groupby("scenario", sort=False)[["y", "y2", "n"]].sum()}


def add(parts: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    return {key: pd.concat([p[key] for p in parts]).groupby(level=list(range(
        parts[0][key].index.nlevels)), sort=False).sum() for key in parts[0]}


def from_moments(stats: dict[str, pd.DataFrame], outcome: str) -> pd.DataFrame:
    rows = []
    for scenario, total in stats["total"].iterrows():
        by_point = stats["point"].xs(scenario, level=0)
        by_replicate = stats["replicate"].xs(scenario, level=0)
        by_point, by_replicate = by_point[by_point["n"] > 0], by_replicate[by_replicate["n"] > 0]
        n, points, replicates = float(total["n"]), len(by_point), len(by_replicate)
        correction = total["y"] ** 2 / n
        ss_total = total["y2"] - correction
        ss_points = float((by_point["y"] ** 2 / by_point["n"]).sum() - correction)
        ss_replicates = float((by_replicate["y"] ** 2 / by_replicate["n"]).sum() - correction)
        ss_rest = max(ss_total - ss_points - ss_replicates, 0.0)
        row = {"scenario": scenario, "outcome": outcome, "points": points,
               "replicates": n / max(points, 1), "variance": float("nan"),
               "between_points_share": float("nan"), "between_replicates_share": float("nan"),
               "shared_world_share": float("nan"), "interaction_share": float("nan"),
               "point_mean_noise_share": float("nan"), "levers_p_value": float("nan"),
               "replicates_needed": None}
        if points > 1 and replicates > 1:
            reps = n / points
            ms_points = ss_points / (points - 1)
            ms_replicates = ss_replicates / (replicates - 1)
            interaction = ss_rest / ((points - 1) * (replicates - 1))
            lever = max((ms_points - interaction) / reps, 0.0)
            row["levers_p_value"] = levers_p_value(ms_points, interaction, points, replicates)
            shared = max((ms_replicates - interaction) / points, 0.0)
            variance = lever + shared + interaction
            if variance > 0:
                row.update({"variance": variance, "between_points_share": lever / variance,
                            "between_replicates_share": (shared + interaction) / variance,
                            "shared_world_share": shared / variance,
                            "interaction_share": interaction / variance})
                noise = interaction / reps
                if lever + noise > 0:
                    row["point_mean_noise_share"] = noise / (lever + noise)
                if lever > 0 and row["levers_p_value"] < LEVER_ALPHA:
                    row["replicates_needed"] = max(1, math.ceil(
                        interaction / (TARGET_NOISE * lever)))
        rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def levers_p_value(ms_points: float, ms_interaction: float, points: int,
                   replicates: int) -> float:
    """The F test's p-value that the points differ (levers' variance 0): the points' mean
    square over the interaction's, on (points - 1, (points - 1)(replicates - 1)) degrees of
    freedom. 1 where both are 0 (nothing varies), 0 where only the points vary."""
    from scipy import stats

    if ms_interaction <= 0:
        return 0.0 if ms_points > 0 else 1.0
    return float(stats.f.sf(ms_points / ms_interaction, points - 1,
                            (points - 1) * (replicates - 1)))


def streamed(out: Path, targets: tuple[str, ...]) -> pd.DataFrame:
    """The split of each target (as `sensitivity` reads targets) over a sweep directory,
    streamed chunk by chunk."""
    from . import storage
    from .sensitivity import response_values, target_column

    columns = sorted({"scenario", "point", "replicate", *(target_column(t) for t in targets)})
    parts: dict[str, list] = {t: [] for t in targets}
    for frame in storage.iter_chunks(out, columns=columns):
        for target in targets:
            parts[target].append(moments(pd.DataFrame({
                "scenario": frame["scenario"], "point": frame["point"],
                "replicate": frame["replicate"], "y": response_values(frame, target)})))
    tables = [from_moments(add(p), target) for target, p in parts.items() if p]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=list(COLUMNS))


def warnings(table: pd.DataFrame) -> list[str]:
    """One line per (scenario, outcome) where the world outweighs the levers, or where one
    replicate per point cannot tell them apart."""
    lines = []
    for row in table.itertuples(index=False):
        where = f"{row.outcome} ({row.scenario})"
        if not np.isfinite(row.between_replicates_share):
            if row.replicates < 2 or row.points < 2:
                lines.append(f"warning: {where}: one replicate per point (or one point), so the "
                             f"world's share cannot be told from the levers'; run 2 or more")
            continue
        if row.between_replicates_share <= row.between_points_share:
            continue
        wanted = row.replicates_needed
        if not row.levers_p_value < LEVER_ALPHA:
            needed = (f"the levers' part cannot be told from zero (F test p = "
                      f"{row.levers_p_value:.2f}), so no number of replicates is read from it")
        elif wanted is None or not np.isfinite(wanted):
            needed = "the levers move it not detectably at all"
        elif wanted <= row.replicates:
            needed = (f"the {row.replicates:g} replicates already hold a point mean's noise "
                      f"under {TARGET_NOISE:.0%} of the levers' variance, but the levers "
                      f"explain little of any one run")
        else:
            needed = (f"about {int(wanted):,} replicates per point (not {row.replicates:g}) "
                      f"would bring a point mean's noise to {TARGET_NOISE:.0%} of the levers' "
                      f"variance")
        lines.append(f"warning: {where}: the world outweighs the levers: "
                     f"{row.between_replicates_share:.0%} of a run's variance lies between "
                     f"replicates at a point, {row.between_points_share:.0%} between points; "
                     f"{needed}")
    return lines


def format_table(table: pd.DataFrame) -> str:
    shown = table.copy()
    for name in ("between_points_share", "between_replicates_share", "shared_world_share",
                 "interaction_share", "point_mean_noise_share"):
        shown[name] = shown[name].map(lambda v: "" if not np.isfinite(v) else f"{v:.1%}")
    shown["levers_p_value"] = shown["levers_p_value"].map(
        lambda v: "" if not np.isfinite(v) else f"{v:.3g}")
    shown["variance"] = shown["variance"].map(lambda v: f"{v:.4g}")
    shown["replicates"] = shown["replicates"].map(lambda v: f"{v:g}")
    shown["replicates_needed"] = shown["replicates_needed"].map(
        lambda v: "-" if v is None or not np.isfinite(v) else f"{int(v):,}")
    return shown.to_string(index=False)
