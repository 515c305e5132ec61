"""Small array helpers for the hot path."""

from __future__ import annotations

import numpy as np

# The (runs, sectors) arrays (forces, depths, fortification, shocks) are held in this precision:
# float32 halves their memory traffic and doubles the SIMD width, which is most of a day's cost
# at large batches. Per-run quantities (occupied area, casualties, economy, talks) stay float64.
# "float64" runs everything in double precision (tests compare the two).
PRECISIONS = {"float32": np.float32, "float64": np.float64}
DEFAULT_PRECISION = "float32"

# The (runs, sectors) arrays are laid out sector by sector (Fortran order): numpy's loops then
# run along the runs, so a (runs, 1) parameter column or mask meets a contiguous stretch of a
# sector instead of 12 elements at a time (about 2.5 times faster at 10,000 runs), and a sum
# over sectors adds whole columns. Values never depend on the layout: elementwise operations
# are the same in any order, and the sums below keep the order of the C-ordered ones.
SECTOR_ORDER = "F"

# From this many runs `row_mean` adds columns; below it, numpy's mean on a C-ordered copy.
COLUMN_SUM_MIN_RUNS = 128


def sector_column(x, dtype) -> np.ndarray:
    """A per-run parameter or quantity as a (runs, 1) column, or a 0-d value, of the sector
    arrays' dtype: a float64 operand would silently promote float32 sector arrays."""
    x = np.asarray(x, dtype=dtype)
    return x[:, None] if x.ndim == 1 else x


def sector_array(x, dtype=None) -> np.ndarray:
    """`x` as a (runs, sectors) array in the sector arrays' layout (`SECTOR_ORDER`)."""
    return np.asarray(x, dtype=dtype, order=SECTOR_ORDER)


def sector_zeros(n_runs: int, n_sectors: int, dtype=np.float64) -> np.ndarray:
    """Zeros of shape (runs, sectors) in the sector arrays' layout."""
    return np.zeros((n_runs, n_sectors), dtype=dtype, order=SECTOR_ORDER)


def _lane_sum(columns: np.ndarray) -> np.ndarray:
    """Sum over the rows of a (sectors, runs) array (a sector-ordered array's columns), or of
    each of a stack of them (k, sectors, runs), in one fixed order on every CPU and in any
    batch: four lanes, lane j summing rows j, j + 4, ... in turn, then (l0 + l1) + (l2 + l3),
    each step one elementwise addition of whole rows (einsum's and BLAS's orders follow the
    CPU's SIMD width; this is einsum's with four)."""
    n, runs = columns.shape[-2:]
    if n % 4 == 0 and n >= 8:
        blocks = columns.reshape(*columns.shape[:-2], n // 4, 4, runs)
        lanes = np.add(blocks[..., 0, :, :], blocks[..., 1, :, :])
        for k in range(2, n // 4):
            lanes += blocks[..., k, :, :]
    else:
        lanes = np.zeros((*columns.shape[:-2], 4, runs), dtype=columns.dtype)
        for i in range(n):
            lanes[..., i % 4, :] += columns[..., i, :]
    pairs = np.add(lanes[..., 0::2, :], lanes[..., 1::2, :])
    return np.add(pairs[..., 0, :], pairs[..., 1, :])


def _columns(x: np.ndarray) -> np.ndarray:
    """x's sectors as rows over contiguous runs (no copy in the sector layout)."""
    return x.T if x.flags.f_contiguous else np.ascontiguousarray(x.T)


def row_sum(x: np.ndarray, dtype=np.float64) -> np.ndarray:
    """Sum over sectors, (runs, sectors) -> (runs,), summed in x's dtype in `_lane_sum`'s
    fixed order (a run's sum depends on neither the batch nor the CPU) and returned as
    `dtype`."""
    return _lane_sum(_columns(x)).astype(dtype, copy=False)


# Up to this many runs `row_sums` stacks its arrays; above, the copy costs more than the calls
# it saves (measured: 47 against 29 us for two sums at 10,000 runs, 7.5 against 9.2 at 200)
STACKED_SUM_MAX_RUNS = 1000


def row_sums(*xs: np.ndarray, dtype=np.float64) -> np.ndarray:
    """`row_sum` of each of several (runs, sectors) arrays of one dtype, as the rows of one
    (len(xs), runs) array: at small batches summed stacked, each in the same order as alone
    (the additions are elementwise), so two sums cost about what one did."""
    runs = xs[0].shape[0]
    if runs > STACKED_SUM_MAX_RUNS:
        return np.array([row_sum(x, dtype) for x in xs])
    stacked = np.concatenate([x.T for x in xs]).reshape(len(xs), -1, runs)
    return _lane_sum(stacked).astype(dtype, copy=False)


def row_dot(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted sum over sectors, (runs, sectors) . (sectors,) -> (runs,) float64, products in
    x's dtype summed as in `row_sum`."""
    weights = weights.astype(x.dtype, copy=False)
    return _lane_sum(np.multiply(_columns(x), weights[:, None])).astype(np.float64)


def row_mean(x: np.ndarray) -> np.ndarray:
    """`x.mean(axis=1, keepdims=True)` of a C-ordered array, bit for bit, in any layout:
    numpy's pairwise sum (the first eight pairwise, then the rest in turn) over the count."""
    n = x.shape[1]
    if n < 8 or x.shape[0] < COLUMN_SUM_MIN_RUNS or not x.flags.f_contiguous:
        return np.ascontiguousarray(x).mean(axis=1, keepdims=True)
    columns = x.T
    pairs = np.add(columns[0:8:2], columns[1:8:2])  # c0 + c1, c2 + c3, c4 + c5, c6 + c7
    quads = np.add(pairs[0::2], pairs[1::2])
    total = np.add(quads[0], quads[1])
    for k in range(8, n):
        total += columns[k]
    total /= x.dtype.type(n)
    return total[:, None]


def any_set(x: np.ndarray) -> bool:
    """Whether any element of `x` is set (non-zero): `x.any()` for the day's many checks of
    rare masks, without `any`'s Python wrapper and reduction set-up (0.2 against 0.45
    microseconds a call at small batches)."""
    return np.count_nonzero(x) != 0


def all_set(x: np.ndarray) -> bool:
    """Whether every element of `x` is set (non-zero), as `any_set` for `x.all()`."""
    return np.count_nonzero(x) == x.size


def clip(x, low, high):
    """np.clip without its Python-level dispatch (a few microseconds a call, thousands of calls
    a run at small batch sizes); same values."""
    return np.minimum(np.maximum(x, low), high)


# np.clip's own ufunc: np.clip reaches it through three Python layers (about 4 microseconds a
# call at small batches). The same operation, so the same values, signed zeros included (which
# `clip` above does not keep: it is used where its values were always used).
clip_range = np._core.umath.clip


SUBSET_MIN_RUNS = 2000  # below, work on some runs is done on the whole batch (measured: cheaper)
# (runs, sectors) work costs several times a per-run operation, so working on a few runs of a
# batch alone pays from far smaller batches (measured: Kyiv's choice of a sector, 2 of 200 runs
# ready, 35 us against 72 for the whole batch; even at 50 runs)
SECTOR_SUBSET_MIN_RUNS = 32


def some_runs(mask: np.ndarray, min_runs: int | None = None) -> np.ndarray | None:
    """The runs of `mask` to work on alone (`RowsOf`), or None where working on the whole
    batch is cheaper: batches under `min_runs` (default `SUBSET_MIN_RUNS`;
    `SECTOR_SUBSET_MIN_RUNS` for (runs, sectors) work), or more than a quarter of the runs."""
    n = mask.size
    if n < (SUBSET_MIN_RUNS if min_runs is None else min_runs) or mask.all():
        return None
    rows = np.flatnonzero(mask)
    return None if rows.size * 4 > n else rows


def _rows(value, rows, n_runs):
    """The given runs of a per-run array (leading axis n_runs); anything else as it is."""
    if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == n_runs:
        return value[rows]
    return value


class RowsOf:
    """Some runs of a `Params` or a `State`, read like it: each field is cut out of the whole
    when first read, so work on a few runs of a large batch (learning from refusals, a package
    for the runs that propose it) costs only the fields it reads (a dozen or two of some two
    hundred parameters and state fields). Every step of such work is per run, so the rows'
    results are those of the whole batch."""

    __slots__ = ("_whole", "_rows", "_n_whole", "_cut", "n_runs")

    def __init__(self, whole, rows: np.ndarray, n_whole: int):
        self._whole, self._rows, self._n_whole = whole, rows, n_whole
        self._cut = {}
        self.n_runs = rows.size

    def __getattr__(self, name):
        try:
            return self._cut[name]
        except KeyError:
            value = self._cut[name] = _rows(getattr(self._whole, name), self._rows,
                                            self._n_whole)
            return value

    def per_run(self, name: str) -> np.ndarray:
        """`Params.per_run` of the runs."""
        return self._whole.per_run(name)[self._rows]


def rows_of(rows, *values):
    """`values` (per-run arrays, and a `Params` or `State`, anything with `n_runs`) for the runs
    `rows` (None: all of them); other values as they are."""
    if rows is None:
        return values
    return tuple(RowsOf(v, rows, v.n_runs) if hasattr(v, "n_runs")
                 else np.asarray(v)[rows] if np.ndim(v) >= 1 else v for v in values)
