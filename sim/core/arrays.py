"""Small array helpers for the hot path."""

from __future__ import annotations

import numpy as np


def row_sum(x: np.ndarray) -> np.ndarray:
    """Sum over sectors, (runs, sectors) -> (runs,). einsum reduces each row on its own in a
    fixed order, so a run's sum does not depend on the batch (BLAS matvec does), and for 12
    columns it is about 4x faster than `x.sum(axis=1)`, which loops per row."""
    return np.einsum("ij->i", x)


def row_dot(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted sum over sectors, (runs, sectors) . (sectors,) -> (runs,); see `row_sum`."""
    return np.einsum("ij,j->i", x, weights)


def clip(x, low, high):
    """np.clip without its Python-level dispatch (a few microseconds a call, thousands of calls
    a run at small batch sizes); same values."""
    return np.minimum(np.maximum(x, low), high)
