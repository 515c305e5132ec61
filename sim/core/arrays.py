"""Small array helpers for the hot path."""

from __future__ import annotations

import numpy as np

# The (runs, sectors) arrays (forces, depths, fortification, shocks) are held in this precision:
# float32 halves their memory traffic and doubles the SIMD width, which is most of a day's cost
# at large batches. Per-run quantities (occupied area, casualties, economy, talks) stay float64.
# "float64" runs everything in double precision (tests compare the two).
PRECISIONS = {"float32": np.float32, "float64": np.float64}
DEFAULT_PRECISION = "float32"


def sector_column(x, dtype) -> np.ndarray:
    """A per-run parameter or quantity as a (runs, 1) column, or a 0-d value, of the sector
    arrays' dtype: a float64 operand would silently promote float32 sector arrays."""
    x = np.asarray(x, dtype=dtype)
    return x[:, None] if x.ndim == 1 else x


def row_sum(x: np.ndarray, dtype=np.float64) -> np.ndarray:
    """Sum over sectors, (runs, sectors) -> (runs,), summed in x's dtype and returned as
    `dtype`. einsum reduces each row on its own in a fixed order, so a run's sum does not
    depend on the batch (BLAS matvec does), and for 12 columns it is about 4x faster than
    `x.sum(axis=1)`, which loops per row."""
    return np.einsum("ij->i", x).astype(dtype, copy=False)


def row_dot(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted sum over sectors, (runs, sectors) . (sectors,) -> (runs,) float64; see
    `row_sum`."""
    return np.einsum("ij,j->i", x, weights.astype(x.dtype, copy=False)).astype(np.float64,
                                                                              copy=False)


def clip(x, low, high):
    """np.clip without its Python-level dispatch (a few microseconds a call, thousands of calls
    a run at small batch sizes); same values."""
    return np.minimum(np.maximum(x, low), high)


# np.clip's own ufunc: np.clip reaches it through three Python layers (about 4 microseconds a
# call at small batches). The same operation, so the same values, signed zeros included (which
# `clip` above does not keep: it is used where its values were always used).
clip_range = np._core.umath.clip
