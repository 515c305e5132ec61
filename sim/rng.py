"""Counter-based random numbers: u = f(run_key, day, stream, index).

A run's draws depend only on its key (from seed and run index) and on the counter, never on how
many runs share a batch, on chunking or on the executor. The mixer is splitmix64 (Steele, Lea &
Flood 2014), applied to the key xor a hashed counter; each 32-bit half of a hash makes a float
in (0, 1).
"""

from __future__ import annotations

import functools
import sys

import numpy as np

from .core import portable


def _word(value: int) -> np.ndarray:
    """A uint64 constant as a read-only 0-d array: a ufunc takes it as it is, where a numpy
    scalar is converted on every call (nine calls a mixing, a few a day)."""
    word = np.asarray(value, dtype=np.uint64)
    word.flags.writeable = False
    return word


_GOLDEN = _word(0x9E3779B97F4A7C15)
_M1 = _word(0xBF58476D1CE4E5B9)
_M2 = _word(0x94D049BB133111EB)
_S30, _S27, _S31 = _word(30), _word(27), _word(31)
_S32 = _word(32)
_LOW32 = _word(0xFFFFFFFF)
_TO_UNIT_32 = 1.0 / 4294967296.0  # 2**-32
# which uint32 of a uint64 word holds its high and its low 32 bits
_HIGH_HALF, _LOW_HALF = (1, 0) if sys.byteorder == "little" else (0, 1)


def splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser over a uint64 array (wrapping arithmetic), in place on one new
    array: at 10,000 runs x 20 draws each temporary would be 1.6 MB."""
    return _mix_in_place(np.asarray(x, dtype=np.uint64).copy())


def _mix_in_place(z: np.ndarray) -> np.ndarray:
    """`splitmix64` written over `z` itself (a uint64 array the caller owns)."""
    z += _GOLDEN
    shifted = np.right_shift(z, _S30)
    z ^= shifted
    z *= _M1
    np.right_shift(z, _S27, out=shifted)
    z ^= shifted
    z *= _M2
    np.right_shift(z, _S31, out=shifted)
    z ^= shifted
    return z


def run_keys(seed: int, run_index: np.ndarray) -> np.ndarray:
    """Key of each run: a hash of (seed, run index)."""
    if not 0 <= int(seed) < 2**63:
        raise ValueError(f"seed={seed!r} is not allowed: a whole number in [0, 2**63)")
    idx = np.asarray(run_index, dtype=np.uint64)
    return splitmix64(splitmix64(np.full(idx.shape, seed, dtype=np.uint64)) ^ splitmix64(idx ^ _M2))


def uniforms(keys: np.ndarray, day: int, stream: int, n: int) -> np.ndarray:
    """(runs, n) floats in (0, 1): draw j of `stream` on `day` for each run key.

    One call per day and stream serves all the day's draws. Each 64-bit hash gives two draws of
    32 bits (draw j < m is the high half of hash j, draw m + j its low half, m = ceil(n / 2)),
    which halves the hashing, the costliest part of a day at large batch sizes. The block is
    made draw by draw and returned transposed (Fortran order), so each draw's column over the
    runs is contiguous, as the sector arrays are (`core.arrays.SECTOR_ORDER`).
    """
    return uniform_streams(keys, day, ((stream, n),))[0]


def uniform_streams(keys: np.ndarray, day: int,
                    streams: tuple[tuple[int, int], ...]) -> tuple[np.ndarray, ...]:
    """One block for each (stream, n) of `streams`, each exactly `uniforms(keys, day, stream,
    n)`, their words hashed together: a day's two streams (the core's and the talks') cost one
    mixing and one conversion's set-up, not two, which at a small batch is most of their cost."""
    words = [(n + 1) // 2 for _, n in streams]
    offsets = [_offsets(day, stream, m) for (stream, _), m in zip(streams, words)]
    offsets = offsets[0] if len(offsets) == 1 else np.concatenate(offsets)
    bits = _mix_in_place(np.bitwise_xor(offsets[:, None], keys[None, :]))
    halves = bits.view(np.uint32).reshape(len(offsets), keys.shape[0], 2)
    unit = np.empty((2 * len(offsets), keys.shape[0]))
    blocks, first = [], 0
    for (_, n), m in zip(streams, words):
        # (h + 0.5) 2**-32 as h 2**-32 + 2**-33 (added below): both exact, so the same number;
        # a 32-bit half converts to float64 inside the multiplication (shifting and masking
        # 64-bit words and casting those cost three times as much)
        rows = unit[2 * first:2 * (first + m)]
        np.multiply(halves[first:first + m, :, _HIGH_HALF], _TO_UNIT_32, out=rows[:m])
        np.multiply(halves[first:first + m, :, _LOW_HALF], _TO_UNIT_32, out=rows[m:])
        blocks.append(rows[:n].T)
        first += m
    unit += 0.5 * _TO_UNIT_32
    return tuple(blocks)


OFFSET_BLOCK_DAYS = 128  # days of hashed counters made in one call


def _offsets(day: int, stream: int, m: int) -> np.ndarray:
    """The hashed counters of a day's `m` draws of a stream (shared by every run and batch, so
    made once: a small batch's day would otherwise spend a tenth of its random numbers here),
    read from those of its block of days."""
    first = day - day % OFFSET_BLOCK_DAYS
    return _offset_block(first, stream, m)[day - first]


@functools.lru_cache(maxsize=1024)
def _offset_block(first_day: int, stream: int, m: int) -> np.ndarray:
    """(OFFSET_BLOCK_DAYS, m): the hashed counters of `m` draws of a stream on each day of the
    block from `first_day`, hashed together (one call instead of one a day)."""
    days = np.arange(first_day, first_day + OFFSET_BLOCK_DAYS, dtype=np.uint64)
    counter = (days << np.uint64(24)) | (np.uint64(stream) << np.uint64(16))
    offsets = splitmix64(counter[:, None] + np.arange(m, dtype=np.uint64)[None, :])
    offsets.flags.writeable = False
    return offsets


def uniform_columns(keys: np.ndarray, day: int, stream: int, n: int,
                    columns: tuple[int, ...]) -> np.ndarray:
    """(runs, len(columns)): exactly `uniforms(keys, day, stream, n)[:, columns]`, hashing only
    what those columns need (a leader's few draws of the day, without the core's whole block)."""
    m = (n + 1) // 2
    counter = (np.uint64(day) << np.uint64(24)) | (np.uint64(stream) << np.uint64(16))
    index = np.array([c % m for c in columns], dtype=np.uint64)
    offsets = splitmix64(counter + index)
    bits = splitmix64(keys[:, None] ^ offsets[None, :])
    high = np.array([c < m for c in columns])
    unit = np.where(high, bits >> _S32, bits & _LOW32).astype(np.float64)
    unit += 0.5
    unit *= _TO_UNIT_32
    return unit


def logistic_noise(u: np.ndarray, dtype=np.float64) -> np.ndarray:
    """Zero-mean unit-variance logistic variates from uniforms, in `dtype`: one log per draw
    of the odds u / (1 - u), formed in float64 (where 1 - u is exact). Natively the log is
    taken in float64 and rounded after; portable math takes it in `dtype` (a float32 log is
    half the work of a float64 one, the costliest part of portable math)."""
    z = np.subtract(1.0, u)
    np.divide(u, z, out=z)
    if portable.current_mode() == "native" or np.dtype(dtype) == np.float64:
        z = portable.log(z)
        z *= np.sqrt(3.0) / np.pi
        return z.astype(dtype, copy=False)
    z = portable.log(z.astype(dtype))
    z *= z.dtype.type(np.sqrt(3.0) / np.pi)
    return z
