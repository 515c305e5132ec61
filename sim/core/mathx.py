"""The core's transcendental functions, built only from IEEE-754 basic operations.

numpy's exp, log, power, sin, sinh and cosh take different SIMD paths on CPUs with and without
AVX-512 and differ in the last bit (seen: one commit, two outcome tables), and scipy's special
functions call the C library's, which differ between libraries. +, -, *, / and sqrt round the
same on every IEEE-754 machine, and numpy never fuses a multiply and an add across two calls, so
these functions give the same bits on every CPU: a run replays exactly on a laptop, on a mixed
Dask cluster and on a colleague's machine. They compute in float64 and return the input's float
dtype; accuracy is a few units in the last place of float64 (tests/test_mathx.py), far below
anything the model resolves.

Each function is a range reduction (exact: rint, frexp, ldexp, comparisons) around a polynomial
in `_exp_poly`, `_log_poly`, ... that uses only + and *; the tests evaluate the same polynomials
with Python floats and compare the bits.
"""

from __future__ import annotations

import numpy as np

LN2_HI = 6.93147180369123816490e-01  # ln 2 to 32 bits: k * LN2_HI is exact for |k| < 2**20
LN2_LO = 1.90821492927058770002e-10  # ln 2 - LN2_HI
INV_LN2 = 1.44269504088896338700e00
SQRT_HALF = 0.70710678118654752440
EXP_MAX, EXP_MIN = 709.0, -708.0  # beyond: inf / 0 in float64, clipped to stay finite
PI = 3.14159265358979311600e00

# 1/n! for n = 13 .. 0 (Horner order): e**r for |r| <= ln2 / 2 to below 1e-17 relative
_EXP_COEFFS = tuple(1.0 / float(np.prod(np.arange(1, n + 1, dtype=np.float64)))
                    for n in range(13, -1, -1))
# 2 / (2n + 1) for n = 11 .. 0: log(1 + f) = s * sum 2 z**n / (2n + 1), s = f / (2 + f), z = s*s
_LOG_COEFFS = tuple(2.0 / (2 * n + 1) for n in range(11, -1, -1))
# (-1)**n / (2n + 1)! for n = 10 .. 0: sin(x) = x * sum (-1)**n x**(2n) / (2n + 1)!
_SIN_COEFFS = tuple((-1.0) ** n / float(np.prod(np.arange(1, 2 * n + 2, dtype=np.float64)))
                    for n in range(10, -1, -1))
# Acklam's rational approximation of the normal quantile (relative error < 1.2e-9)
_Q_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
        1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)
_Q_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
        6.680131188771972e01, -1.328068155288572e01)
_Q_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
        -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00)
_Q_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00,
        3.754408661907416e00)
_Q_LOW = 0.02425
# Chebyshev fit of erfc (Numerical Recipes' erfcc, fractional error < 1.2e-7): the exponent's
# polynomial in t = 1 / (1 + z / 2)
_ERFC_COEFFS = (1.7087277e-01, -8.2215223e-01, 1.48851587e00, -1.13520398e00, 2.7886807e-01,
                -1.8628806e-01, 9.678418e-02, 3.7409196e-01, 1.00002368e00, -1.26551223e00)
# 1/(2n+1)! and 1/(2n)! for n = 8 .. 0: sinh(x) = x sum z**n/(2n+1)!, cosh(x) = sum z**n/(2n)!
_SINH_COEFFS = tuple(1.0 / float(np.prod(np.arange(1, 2 * n + 2, dtype=np.float64)))
                     for n in range(8, -1, -1))
_COSH_COEFFS = tuple(1.0 / float(np.prod(np.arange(1, 2 * n + 1, dtype=np.float64)))
                     for n in range(8, -1, -1))
LOG_SQRT_2PI = 0.91893853320467274178  # log(sqrt(2 pi))
LOG_HALF = -0.69314718055994530942


def horner(coeffs, x):
    """sum c_i x**(n - i) with + and * only (Python floats or arrays)."""
    acc = coeffs[0]
    for c in coeffs[1:]:
        acc = acc * x + c
    return acc


def _exp_poly(r):
    return horner(_EXP_COEFFS, r)


def _log_poly(s):
    return s * horner(_LOG_COEFFS, s * s)


def _float(x):
    x = np.asarray(x)
    return x.dtype if x.dtype in (np.float32, np.float64) else np.dtype(np.float64)


def exp(x) -> np.ndarray:
    """e**x."""
    dtype = _float(x)
    x = np.clip(np.asarray(x, dtype=np.float64), EXP_MIN, EXP_MAX)
    k = np.rint(x * INV_LN2)
    r = (x - k * LN2_HI) - k * LN2_LO
    return np.ldexp(_exp_poly(r), k.astype(np.int32)).astype(dtype, copy=False)


def log(x) -> np.ndarray:
    """Natural logarithm; -inf at 0, nan below."""
    dtype = _float(x)
    x = np.asarray(x, dtype=np.float64)
    mantissa, exponent = np.frexp(x)  # x = m 2**e, m in [0.5, 1)
    low = mantissa < SQRT_HALF
    mantissa = np.where(low, mantissa + mantissa, mantissa)  # now in [sqrt(1/2), sqrt(2))
    e = (exponent - low).astype(np.float64)
    f = mantissa - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):  # x <= 0 or inf: replaced below
        out = e * LN2_HI + (_log_poly(f / (2.0 + f)) + e * LN2_LO)
    out = np.where(x > 0.0, out, np.where(x == 0.0, -np.inf, np.nan))
    out = np.where(np.isinf(x) & (x > 0), np.inf, out)
    return out.astype(dtype, copy=False)


def power(x, y) -> np.ndarray:
    """x**y for x >= 0 (0**y = 0 for y > 0, 1 for y = 0)."""
    dtype = np.result_type(_float(x), _float(y))
    x64 = np.asarray(x, dtype=np.float64)
    y64 = np.asarray(y, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = exp(y64 * log(np.where(x64 > 0.0, x64, 1.0)))
    out = np.where(x64 > 0.0, out, np.where(y64 == 0.0, 1.0, 0.0))
    return np.asarray(out, dtype=dtype)


def sinh_cosh(x) -> tuple[np.ndarray, np.ndarray]:
    """sinh(x) and cosh(x): by their series for |x| < 0.5 (no cancellation, the Lanchester
    step's days), from exp otherwise."""
    dtype = _float(x)
    x = np.asarray(x, dtype=np.float64)
    z = x * x
    sinh_small = x * horner(_SINH_COEFFS, z)
    cosh_small = horner(_COSH_COEFFS, z)
    big = np.abs(x) >= 0.5
    if big.any():
        e = exp(x)
        inv = 1.0 / e
        sinh_small = np.where(big, 0.5 * (e - inv), sinh_small)
        cosh_small = np.where(big, 0.5 * (e + inv), cosh_small)
    return sinh_small.astype(dtype, copy=False), cosh_small.astype(dtype, copy=False)


def sin(x) -> np.ndarray:
    """sin(x) for |x| <= pi (the core needs no more; outside, nan)."""
    dtype = _float(x)
    x = np.asarray(x, dtype=np.float64)
    folded = np.where(np.abs(x) > 0.5 * PI, np.sign(x) * PI - x, x)  # sin(pi - x) = sin(x)
    out = folded * horner(_SIN_COEFFS, folded * folded)
    return np.where(np.abs(x) <= PI, out, np.nan).astype(dtype, copy=False)


def normal_quantile(p) -> np.ndarray:
    """The standard normal's quantile at p in (0, 1) (Acklam's approximation)."""
    p = np.asarray(p, dtype=np.float64)
    low = np.minimum(p, 1.0 - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = np.sqrt(-2.0 * log(np.maximum(low, 1e-300)))
        q_tail = horner(_Q_C, tail) / (horner(_Q_D, tail) * tail + 1.0)
        q = p - 0.5
        r = q * q
        q_mid = q * horner(_Q_A, r) / (horner(_Q_B, r) * r + 1.0)
    out = np.where(low < _Q_LOW, np.where(p < 0.5, q_tail, -q_tail), q_mid)
    return np.where((p > 0.0) & (p < 1.0), out, np.nan)


def log_erfc(x) -> np.ndarray:
    """log(erfc(x)) without underflow in the far tail (fractional error of erfc < 1.2e-7)."""
    x = np.asarray(x, dtype=np.float64)
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    log_tail = log(t) + (horner(_ERFC_COEFFS, t) - z * z)  # log erfc(|x|)
    # erfc(-z) = 2 - erfc(z)
    negative = 2.0 - exp(np.where(x < 0.0, log_tail, 0.0))
    return np.where(x < 0.0, log(negative), log_tail)


def log_normal_cdf(x) -> np.ndarray:
    """log Phi(x), finite far into the lower tail: Phi(x) = erfc(-x / sqrt 2) / 2."""
    return LOG_HALF + log_erfc(-np.asarray(x, dtype=np.float64) * SQRT_HALF)
