"""How much of an outcome's variance is the world's rather than the levers'.

A stochastic sweep runs each parameter point `replicates` times; the runs of a point differ only
in what they drew from their keys (uncertain parameters, private types, daily shocks): their
world. By the law of total variance a run's outcome variance splits, per scenario, into the
variance between points (what the spec's levers move) and the mean variance between replicates
at a point (what the world moves). The variance of the observed point means overstates the first
by within / replicates (each mean carries that much noise), so the levers' share is estimated as
`var(point means) - within / replicates`, floored at 0.

When the world's share is the larger, an analysis of the point means (Sobol, Morris, PRIM on the
levers) mostly reads noise; the report says so in one line and how many replicates would shrink
the noise of a point mean to `TARGET_NOISE` of the levers' variance.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

TARGET_NOISE = 0.1  # a point mean's noise variance, as a share of the levers' variance
COLUMNS = ("scenario", "outcome", "points", "replicates", "variance", "between_points_share",
           "between_replicates_share", "replicates_needed")


def split(values: pd.Series, scenario: pd.Series, point: pd.Series,
          outcome: str) -> pd.DataFrame:
    """The split of `values` (one per run) per scenario, from the runs themselves."""
    frame = pd.DataFrame({"scenario": scenario.to_numpy(), "point": point.to_numpy(),
                          "y": values.astype(float).to_numpy()})
    stats = frame.groupby(["scenario", "point"], sort=False)["y"].agg(
        sum="sum", sumsq=lambda y: float((y * y).sum()), n="count")
    return from_moments(stats, outcome)


def from_moments(stats: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """The split from per-(scenario, point) sums, sums of squares and counts (columns `sum`,
    `sumsq`, `n`; index scenario, point), which a sweep larger than memory streams."""
    rows = []
    for scenario, part in stats.groupby(level=0, sort=False):
        n = part["n"].to_numpy(dtype=float)
        keep = n > 0
        n, total, squares = n[keep], part["sum"].to_numpy()[keep], part["sumsq"].to_numpy()[keep]
        means = total / n
        within_ss = np.maximum(squares - n * means ** 2, 0.0)
        dof = float((n - 1).sum())
        within = float(within_ss.sum() / dof) if dof > 0 else float("nan")
        replicates = float(n.mean())
        between_raw = float(np.var(means, ddof=1)) if len(means) > 1 else 0.0
        between = max(between_raw - (within / replicates if np.isfinite(within) else 0.0), 0.0)
        total_var = between + within if np.isfinite(within) else float("nan")
        if not total_var > 0:
            share_between = share_within = float("nan")
        else:
            share_between, share_within = between / total_var, within / total_var
        needed = math.ceil(within / (TARGET_NOISE * between)) if between > 0 and \
            np.isfinite(within) else None
        rows.append({"scenario": scenario, "outcome": outcome, "points": int(len(means)),
                     "replicates": replicates, "variance": total_var,
                     "between_points_share": share_between,
                     "between_replicates_share": share_within,
                     "replicates_needed": needed})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def streamed(out: Path, targets: tuple[str, ...]) -> pd.DataFrame:
    """The split of each target (as `sensitivity` reads targets) over a sweep directory,
    streamed chunk by chunk."""
    from . import storage
    from .sensitivity import response_values, target_column

    columns = sorted({"scenario", "point", *(target_column(t) for t in targets)})
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in targets}
    for frame in storage.iter_chunks(out, columns=columns):
        keys = [frame["scenario"], frame["point"]]
        for target in targets:
            y = response_values(frame, target)
            parts[target].append(pd.DataFrame({"sum": y, "sumsq": y * y, "n": y.notna()})
                                 .groupby(keys, sort=False).sum())
    tables = [from_moments(pd.concat(p).groupby(level=[0, 1], sort=False).sum(), target)
              for target, p in parts.items() if p]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=list(COLUMNS))


def warnings(table: pd.DataFrame) -> list[str]:
    """One line per (scenario, outcome) where the world outweighs the levers, or where one
    replicate per point cannot tell them apart."""
    lines = []
    for row in table.itertuples(index=False):
        where = f"{row.outcome} ({row.scenario})"
        if not np.isfinite(row.between_replicates_share):
            if row.replicates < 2:
                lines.append(f"warning: {where}: one replicate per point, so the world's share "
                             f"of the variance cannot be told from the levers'; run 2 or more")
            continue
        if row.between_replicates_share <= row.between_points_share:
            continue
        needed = (f"about {row.replicates_needed:,} replicates per point would bring a point "
                  f"mean's noise to {TARGET_NOISE:.0%} of the levers' variance"
                  if row.replicates_needed else "the levers move it not detectably at all")
        lines.append(f"warning: {where}: the world outweighs the levers: "
                     f"{row.between_replicates_share:.0%} of a run's variance lies between "
                     f"replicates at a point, {row.between_points_share:.0%} between points "
                     f"({row.replicates:g} replicates); {needed}")
    return lines


def format_table(table: pd.DataFrame) -> str:
    shown = table.copy()
    for name in ("between_points_share", "between_replicates_share"):
        shown[name] = shown[name].map(lambda v: "" if not np.isfinite(v) else f"{v:.1%}")
    shown["variance"] = shown["variance"].map(lambda v: f"{v:.4g}")
    shown["replicates"] = shown["replicates"].map(lambda v: f"{v:g}")
    shown["replicates_needed"] = shown["replicates_needed"].map(
        lambda v: "-" if v is None or (isinstance(v, float) and not np.isfinite(v)) else f"{int(v):,}")
    return shown.to_string(index=False)
