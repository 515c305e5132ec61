"""Dimensional stacking (LeBlanc, Ward and Wittels 1990; the EMA Workbench's pivot plot): the
share of runs where a condition holds over two to four inputs at once, as one grid.

Each input is cut into `bins` bins of equal count (an input with that many values or fewer keeps
its values); the first and third inputs nest down the rows, the second and fourth across the
columns, so each cell is one combination of bins and holds the share of its runs where the
condition holds. As in the Workbench, the inputs are the ones the feature scores rank highest,
so the grid shows how the strongest inputs act together; a cell no run falls in stays empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_INPUTS = 4
DEFAULT_BINS = 3


def binned(values: pd.Series, bins: int = DEFAULT_BINS) -> pd.Series:
    """Bin labels of one input: its own values when it has `bins` or fewer, else equal-count
    bins labelled by their range."""
    if not pd.api.types.is_numeric_dtype(values) or values.nunique() <= bins:
        return values.astype(str) if not pd.api.types.is_numeric_dtype(values) else \
            values.map(lambda v: f"{v:.4g}")
    cut = pd.Series(pd.qcut(values, bins, duplicates="drop", labels=False), index=values.index)
    spans = values.groupby(cut).agg(["min", "max"])  # the values each bin holds, not its edges
    names = {b: f"{row['min']:.3g}–{row['max']:.3g}" for b, row in spans.iterrows()}
    return cut.map(names).astype(str)


def stack(x: pd.DataFrame, y, inputs: list[str], bins: int = DEFAULT_BINS
          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(share, count): the share of runs where `y` holds and the number of runs in each cell,
    rows nested over inputs 1 and 3, columns over 2 and 4."""
    if not 2 <= len(inputs) <= 4:
        raise ValueError(f"dimensional stacking takes 2 to 4 inputs, not {len(inputs)}")
    labels = pd.DataFrame({name: binned(x[name], bins) for name in inputs}, index=x.index)
    labels["y"] = np.asarray(y, dtype=float)
    rows, columns = inputs[0::2], inputs[1::2]
    share = labels.pivot_table(index=rows, columns=columns, values="y", aggfunc="mean",
                               observed=True, dropna=False)
    count = labels.pivot_table(index=rows, columns=columns, values="y", aggfunc="count",
                               observed=True, dropna=False).reindex_like(share)
    return share, count


def _names(index: pd.Index) -> list[str]:
    return [" | ".join(map(str, v)) if isinstance(v, tuple) else str(v) for v in index]


def figure(share: pd.DataFrame, count: pd.DataFrame, where: str):
    """The grid as a heat map, empty cells left blank, each axis naming its nested inputs."""
    from matplotlib.figure import Figure

    n_rows, n_cols = share.shape
    width = min(4.0 + 0.55 * n_cols, 16.0)
    height = min(2.6 + 0.32 * n_rows, 14.0)
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    values = np.ma.masked_invalid(share.to_numpy(dtype=float))
    image = ax.imshow(values, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_facecolor("#f2f2f2")
    ax.set_xticks(range(n_cols))
    ax.set_xticklabels(_names(share.columns), rotation=90, fontsize=7)
    ax.set_yticks(range(n_rows))
    ax.set_yticklabels(_names(share.index), fontsize=7)
    ax.set_xlabel(" | ".join(share.columns.names), fontsize=8)
    ax.set_ylabel(" | ".join(share.index.names), fontsize=8)
    for i in range(1, n_rows):
        if share.index.nlevels > 1 and share.index[i][0] != share.index[i - 1][0]:
            ax.axhline(i - 0.5, color="white", lw=2)
    for j in range(1, n_cols):
        if share.columns.nlevels > 1 and share.columns[j][0] != share.columns[j - 1][0]:
            ax.axvline(j - 0.5, color="white", lw=2)
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("share of the cell's runs where it holds", fontsize=8)
    empty = int(np.isnan(share.to_numpy(dtype=float)).sum())
    ax.set_title(f"Dimensional stacking: {where}" + (f" ({empty} empty cells: no run)"
                                                      if empty else ""), fontsize=9, loc="left")
    return fig
