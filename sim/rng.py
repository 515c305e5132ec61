"""Counter-based random numbers: u = f(run_key, day, stream, index).

A run's draws depend only on its key (from seed and run index) and on the counter, never on how
many runs share a batch, on chunking or on the executor. The mixer is splitmix64 (Steele, Lea &
Flood 2014), applied to the key xor a hashed counter; the top 53 bits make a float in (0, 1).
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


def splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser over a uint64 array (wrapping arithmetic)."""
    z = np.asarray(x, dtype=np.uint64) + _GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def run_keys(seed: int, run_index: np.ndarray) -> np.ndarray:
    """Key of each run: a hash of (seed, run index)."""
    if not 0 <= int(seed) < 2**63:
        raise ValueError(f"seed={seed!r} is not allowed: a whole number in [0, 2**63)")
    idx = np.asarray(run_index, dtype=np.uint64)
    return splitmix64(splitmix64(np.full(idx.shape, seed, dtype=np.uint64)) ^ splitmix64(idx ^ _M2))


def uniforms(keys: np.ndarray, day: int, stream: int, n: int) -> np.ndarray:
    """(runs, n) floats in (0, 1): draw j of `stream` on `day` for each run key.

    One call per day and stream serves all the day's draws.
    """
    counter = (np.uint64(day) << np.uint64(24)) | (np.uint64(stream) << np.uint64(16))
    offsets = splitmix64(counter + np.arange(n, dtype=np.uint64))
    bits = splitmix64(keys[:, None] ^ offsets[None, :])
    return ((bits >> _S11).astype(np.float64) + 0.5) * _TO_UNIT


def logistic_noise(u: np.ndarray) -> np.ndarray:
    """Zero-mean unit-variance logistic variates from uniforms: one log per draw."""
    return np.log(u / (1.0 - u)) * (np.sqrt(3.0) / np.pi)
