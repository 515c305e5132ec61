"""Transcendental functions built from IEEE-754 basic operations only, so a run can give the
same bits on every CPU; and the switch between them and numpy's.

numpy's exp, log, power, sin and cosh take different SIMD paths on different CPUs (AVX-512,
AVX2, baseline, NEON) and differ there in the last bit; a seed then gives another row on a
colleague's laptop or on another worker of a Dask cluster. The portable functions here are made
of +, -, x, / on whole arrays (each correctly rounded by every IEEE-754 CPU, whatever its SIMD
width: one numpy call is one operation, so nothing can be fused into a multiply-add), exact
rounding to integers and exact exponent operations (frexp, ldexp). Each works in its argument's
precision, float32 or float64 (anything else is taken as float64).

Every call on the simulation path comes here (a static test in `tests/test_portable.py` keeps
numpy's and scipy's own off it); `mode("portable")` selects the portable functions for the
block (`ConflictModel(math=...)` enters it for its construction and each day), and outside it
(`"native"`, the default) they are numpy's and scipy's, bit-identical to calling those directly
and faster (docs/PERFORMANCE.md says by how much).

exp and log are fdlibm's (Sun Microsystems, 1993; as in FreeBSD's msun): argument reduction by
ln 2 and a minimax rational function or series, within one unit in the last place; power is
exp(y log x); sinh/cosh and sin/cos are Taylor series on reduced ranges; the inverse Mills ratio
uses Numerical Recipes' erfc (relative error below 1.2e-7), the normal quantile Acklam's
algorithm (1.2e-9). The tests evaluate exp, log and the quantile with Python floats,
operation by operation, and require the same bits.

Ranges: `exp` saturates outside [-708, 709] (float64) or [-87, 88] (float32), where the model
never goes, instead of returning 0 or inf; `log` and `power` take x > 0 (x = 0 is read as the
smallest normal number, and power(0, y > 0) is 0).
"""

from __future__ import annotations

import contextvars
import math
from dataclasses import dataclass

import numpy as np
from scipy import special

MODES = ("native", "portable")
DEFAULT_MODE = "native"
_PORTABLE = contextvars.ContextVar("conflictsim_portable_math", default=False)


class mode:
    """Within the block, this thread's (or task's) functions below are `name`'s: "portable"
    (the implementations here: bit-exact on every CPU) or "native" (numpy's and scipy's own:
    faster, bit-exact only on machines with the same CPU features and numpy build). A class,
    not a generator: the model enters it twice a day, and a generator's context manager costs
    a few microseconds."""

    __slots__ = ("_portable", "_token")

    def __init__(self, name: str):
        if name not in MODES:
            raise ValueError(f"math={name!r} is not allowed: one of {', '.join(MODES)}")
        self._portable = name == "portable"

    def __enter__(self) -> None:
        self._token = _PORTABLE.set(self._portable)

    def __exit__(self, *exception) -> None:
        _PORTABLE.reset(self._token)


def current_mode() -> str:
    return "portable" if _PORTABLE.get() else "native"


@dataclass(frozen=True)
class _Precision:
    """One precision's constants, as scalars of that dtype (what the array code computes with,
    and what the Python-float versions read back)."""

    dtype: type
    exp_low: float
    exp_high: float
    inv_ln2: float
    ln2_hi: float  # few significant bits: k * ln2_hi is exact for every k in range
    ln2_lo: float
    exp_p: tuple  # fdlibm's P1, P2, ... of exp's rational approximation
    log_lg: tuple  # fdlibm's Lg1, Lg2, ... of log's series in s = f / (2 + f)
    log_ln2_hi: float
    log_ln2_lo: float
    sqrt_half: float  # log takes 2f, e - 1 for mantissas f below it


def _f32(bits: int) -> np.float32:
    return np.uint32(bits).view(np.float32)


_F64 = _Precision(
    dtype=np.float64,
    exp_low=-708.0, exp_high=709.0,
    inv_ln2=1.44269504088896338700e+00,
    ln2_hi=6.93147180369123816490e-01, ln2_lo=1.90821492927058770002e-10,
    exp_p=(1.66666666666666019037e-01, -2.77777777770155933842e-03,
           6.61375632143793436117e-05, -1.65339022054652515390e-06,
           4.13813679705723846039e-08),
    log_lg=(6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
            2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01,
            1.479819860511658591e-01),
    log_ln2_hi=6.93147180369123816490e-01, log_ln2_lo=1.90821492927058770002e-10,
    sqrt_half=0.7071067811865476,
)

_F32 = _Precision(
    dtype=np.float32,
    exp_low=np.float32(-87.0), exp_high=np.float32(88.0),
    inv_ln2=_f32(0x3FB8AA3B),  # 1.4426950216
    ln2_hi=_f32(0x3F317200), ln2_lo=_f32(0x35BFBE8E),  # 6.9314575195e-01, 1.4286067653e-06
    exp_p=(_f32(0x3E2AAAA8), -_f32(0x3B355215)),  # 1.6666625440e-01, -2.7667332906e-03
    log_lg=(_f32(0x3F2AAAAA), _f32(0x3ECCCE13), _f32(0x3E91E9EE), _f32(0x3E789E26)),
    log_ln2_hi=_f32(0x3F317180), log_ln2_lo=_f32(0x3717F7D1),  # 6.9313812256e-01, 9.0580006145e-06
    sqrt_half=np.float32(0.7071067811865476),
)

_PRECISIONS = {np.dtype(np.float32): _F32, np.dtype(np.float64): _F64}


def _precision(x: np.ndarray) -> _Precision:
    return _PRECISIONS.get(x.dtype, _F64)


def _as_float(x) -> np.ndarray:
    """`x` as a float32 or float64 array of at least one dimension (anything else as float64;
    the functions below write into their temporaries with `out=`, which a 0-d result is not)."""
    x = np.asarray(x)
    x = x if x.dtype in _PRECISIONS else x.astype(np.float64)
    return x.reshape(1) if x.ndim == 0 else x


# A large array is worked in pieces of this many bytes: each piece's temporaries stay in the
# cache and below glibc's mmap threshold (128 KiB), where freed blocks are reused; whole-array
# temporaries of a 10,000-run batch (half a megabyte and more, ten of them a call) went back to
# the system when freed and were faulted in page by page on the next call, 5-7 times slower.
CHUNK_BYTES = 128 * 1024
# An array this small is worked element by element with Python floats (the same operations in
# the same order; float64 only): thirty numpy calls would cost more than the arithmetic.
SCALAR_MAX = 4


def _in_chunks(kernel, x: np.ndarray, scalar=None) -> np.ndarray:
    """`kernel(x)` for an elementwise kernel, in pieces of `CHUNK_BYTES` (or with `scalar`, a
    Python-float version of the kernel, for a tiny float64 array)."""
    if scalar is not None and x.size <= SCALAR_MAX and x.dtype == np.float64:
        return np.array([scalar(v) for v in x.ravel().tolist()]).reshape(x.shape)
    piece = CHUNK_BYTES // x.itemsize
    if x.size <= piece:
        return kernel(x)
    out = np.empty_like(x)  # x's layout, contiguous
    source, target = x.ravel(order="K"), out.ravel(order="K")
    for start in range(0, source.size, piece):
        target[start:start + piece] = kernel(source[start:start + piece])
    return out


def exp(x) -> np.ndarray:
    """e**x elementwise (fdlibm's e_exp.c / e_expf.c): x = k ln2 + r, |r| <= ln2 / 2, and
    exp(r) = 1 + 2r / (2 - c) with c = r - r^2 P(r^2)."""
    if not _PORTABLE.get():
        return np.exp(x)
    return _portable_exp(x)


def _exp_kernel(x: np.ndarray) -> np.ndarray:
    c = _precision(x)
    hi = np.maximum(x, c.exp_low)  # a new array: x is never written
    np.minimum(hi, c.exp_high, out=hi)
    k = np.multiply(hi, c.inv_ln2)
    np.rint(k, out=k)
    lo = np.multiply(k, c.ln2_hi)
    hi -= lo  # exact: k ln2_hi has few bits and lies near x
    np.multiply(k, c.ln2_lo, out=lo)
    r = np.subtract(hi, lo)
    t = np.multiply(r, r)
    poly = np.multiply(t, c.exp_p[-1])
    for coefficient in reversed(c.exp_p[:-1]):
        poly += coefficient
        poly *= t
    np.subtract(r, poly, out=poly)  # c
    np.multiply(r, poly, out=r)  # r c
    np.subtract(c.dtype(2.0), poly, out=poly)  # 2 - c
    r /= poly  # r c / (2 - c)
    np.subtract(lo, r, out=r)
    r -= hi
    np.subtract(c.dtype(1.0), r, out=r)
    return np.ldexp(r, k.astype(np.int32), out=r)  # exact: only the exponent changes


def log(x) -> np.ndarray:
    """Natural logarithm elementwise (fdlibm's e_log.c / e_logf.c): x = 2**k (1 + f) with
    sqrt(2)/2 <= 1 + f < sqrt(2), and log(1 + f) from a series in s = f / (2 + f)."""
    if not _PORTABLE.get():
        return np.log(x)
    return _portable_log(x)


def _log_kernel(x: np.ndarray) -> np.ndarray:
    c = _precision(x)
    f, exponent = np.frexp(np.maximum(x, np.finfo(c.dtype).tiny))  # exact: x = f 2**e
    low = np.less(f, c.sqrt_half)  # 1/2 <= f < sqrt(1/2): take 2f, e - 1
    exponent -= low
    doubled = np.multiply(f, low)
    f += doubled
    f -= c.dtype(1.0)  # exact (Sterbenz): 1 + f in [sqrt(1/2), sqrt(2))
    k = exponent.astype(c.dtype)
    s = np.add(f, c.dtype(2.0))
    np.divide(f, s, out=s)
    z = np.multiply(s, s)
    w = np.multiply(z, z)
    odd, even = c.log_lg[0::2], c.log_lg[1::2]  # Lg1, Lg3, ... with z; Lg2, Lg4, ... with w
    t2 = np.multiply(w, odd[-1])
    for coefficient in reversed(odd[1:-1]):
        t2 += coefficient
        t2 *= w
    t2 += odd[0]
    t2 *= z
    t1 = np.multiply(w, even[-1])
    for coefficient in reversed(even[:-1]):
        t1 += coefficient
        t1 *= w
    t2 += t1  # R
    hfsq = np.multiply(f, f)
    hfsq *= c.dtype(0.5)
    t2 += hfsq
    t2 *= s  # s (hfsq + R)
    np.multiply(k, c.log_ln2_lo, out=t1)
    t2 += t1
    np.subtract(hfsq, t2, out=t2)
    t2 -= f
    k *= c.log_ln2_hi
    k -= t2
    return k


def _exp_scalar(x: float, rounded=float, c: _Precision = _F64) -> float:
    """`_exp_kernel` on one number with Python floats, operation by operation; `rounded`
    rounds each result to the precision of `c` (float32's by the tests)."""
    hi = min(max(x, float(c.exp_low)), float(c.exp_high))
    k = float(round(rounded(hi * float(c.inv_ln2))))  # round half to even, as numpy's rint
    hi = rounded(hi - rounded(k * float(c.ln2_hi)))
    lo = rounded(k * float(c.ln2_lo))
    r = rounded(hi - lo)
    t = rounded(r * r)
    poly = rounded(t * float(c.exp_p[-1]))
    for coefficient in reversed(c.exp_p[:-1]):
        poly = rounded(rounded(poly + float(coefficient)) * t)
    poly = rounded(r - poly)
    r = rounded(rounded(r * poly) / rounded(2.0 - poly))
    r = rounded(1.0 - rounded(rounded(lo - r) - hi))
    return r * 2.0 ** int(k)  # exact: a power of two inside the normal range


def _log_scalar(x: float, rounded=float, c: _Precision = _F64) -> float:
    """`_log_kernel` on one number with Python floats (see `_exp_scalar`)."""
    tiny = float(np.finfo(c.dtype).tiny)
    m, e = math.frexp(max(x, tiny))  # exact: x = m 2**e, 1/2 <= m < 1
    if m < float(c.sqrt_half):
        m, e = 2.0 * m, e - 1
    f = m - 1.0  # exact (Sterbenz)
    k = float(e)
    s = rounded(f / rounded(f + 2.0))
    z = rounded(s * s)
    w = rounded(z * z)
    odd, even = c.log_lg[0::2], c.log_lg[1::2]
    t2 = rounded(w * float(odd[-1]))
    for coefficient in reversed(odd[1:-1]):
        t2 = rounded(rounded(t2 + float(coefficient)) * w)
    t2 = rounded(rounded(t2 + float(odd[0])) * z)
    t1 = rounded(w * float(even[-1]))
    for coefficient in reversed(even[:-1]):
        t1 = rounded(rounded(t1 + float(coefficient)) * w)
    t2 = rounded(t2 + t1)
    hfsq = rounded(rounded(f * f) * 0.5)
    t2 = rounded(rounded(t2 + hfsq) * s)
    t2 = rounded(t2 + rounded(k * float(c.log_ln2_lo)))
    t2 = rounded(rounded(hfsq - t2) - f)
    return rounded(rounded(k * float(c.log_ln2_hi)) - t2)


def _portable(kernel, scalar):
    """An elementwise function's portable version: `kernel` on arrays (large ones in pieces),
    `scalar` on each number of a tiny float64 one, a 0-d result for a 0-d argument."""
    def function(x) -> np.ndarray:
        result = _in_chunks(kernel, _as_float(x), scalar)
        return result.reshape(()) if np.ndim(x) == 0 else result
    return function


_portable_exp = _portable(_exp_kernel, _exp_scalar)
_portable_log = _portable(_log_kernel, _log_scalar)


def power(x, y) -> np.ndarray:
    """x**y for x >= 0 elementwise, as exp(y log x) in the precision and shape numpy's power
    gives; 0 where x is 0."""
    if not _PORTABLE.get():
        return np.power(x, y)
    return _portable_power(x, y)


def _portable_power(x, y) -> np.ndarray:
    """exp(y log x) in the precision numpy's power would give (float32 only if both are),
    broadcast as numpy would."""
    dtype = np.result_type(x, y)  # before asarray: a Python float stays a weak scalar
    dtype = dtype if dtype in _PRECISIONS else np.dtype(np.float64)
    x, y = np.asarray(x), np.asarray(y)
    shape = np.broadcast_shapes(x.shape, y.shape)
    x = _as_float(np.broadcast_to(x, shape).astype(dtype, copy=False))
    logged = _portable_log(x)
    logged *= y.astype(dtype, copy=False)
    result = _portable_exp(logged)
    result *= np.greater(x, dtype.type(0.0))
    return result.reshape(shape)


def sinh_cosh(w) -> tuple[np.ndarray, np.ndarray]:
    """(sinh w, cosh w) elementwise: Taylor series in w^2 where |w| is below the precision's
    series limit (the model's daily attrition, w about 1e-3: no digits lost to e - 1/e
    there), from exp beyond."""
    if not _PORTABLE.get():
        return np.sinh(w), np.cosh(w)
    w = _as_float(w)
    c = _precision(w)
    series_limit, sinh_terms, cosh_terms = _SINH_COSH_SERIES[c.dtype]
    w2 = np.multiply(w, w)
    sinh = _series_in_square(w2, sinh_terms, c.dtype)
    sinh *= w
    cosh = _series_in_square(w2, cosh_terms, c.dtype)
    if w.size and (np.max(w) >= series_limit or np.min(w) <= -series_limit):
        big = np.abs(w) >= series_limit
        grown = exp(np.abs(w[big]))
        shrunk = np.divide(c.dtype(1.0), grown)
        half = c.dtype(0.5)
        sinh[big] = np.copysign((grown - shrunk) * half, w[big])
        cosh[big] = (grown + shrunk) * half
    return sinh, cosh


# Taylor coefficients of sinh(w) / w and cosh(w) in w^2 beyond the constant: 1/3!, 1/5!, ...
# and 1/2!, 1/4!, ...; up to w^14, so the truncation at |w| = 0.5 is below float64's last bit.
_SINH = tuple(1.0 / math.factorial(n) for n in range(3, 16, 2))
_COSH = tuple(1.0 / math.factorial(n) for n in range(2, 16, 2))
# by precision: the series limit and the terms that take the truncation below the last bit
# there (float32: up to w^6 below 0.25, the next term 4e-10 of the value)
_SINH_COSH_SERIES = {np.float64: (0.5, _SINH, _COSH), np.float32: (0.25, _SINH[:3], _COSH[:3])}
# sin(t) / t and cos(t) in t^2 (alternating signs), for |t| <= pi / 4
_SIN = tuple((-1.0) ** (n // 2) / math.factorial(n) for n in range(3, 18, 2))
_COS = tuple((-1.0) ** (n // 2) / math.factorial(n) for n in range(2, 18, 2))
PI = 3.141592653589793


def _series_in_square(square: np.ndarray, coefficients, dtype=np.float64) -> np.ndarray:
    """1 + c1 s + c2 s^2 + ... in `dtype`, s = `square` (a new array)."""
    return _horner((*reversed(coefficients), 1.0), square, dtype)


def _sin_series(t: np.ndarray) -> np.ndarray:
    return _series_in_square(t * t, _SIN) * t


def _cos_series(t: np.ndarray) -> np.ndarray:
    return _series_in_square(t * t, _COS)


def sin_pi(x) -> np.ndarray:
    """sin(pi x) elementwise, float64, for any x: reduced exactly to [0, 1/4] by the sine's
    symmetries, then a Taylor series (small arrays only: season and noise constants)."""
    if not _PORTABLE.get():
        return np.sin(np.pi * np.asarray(x))
    x = np.asarray(x, dtype=np.float64)
    half_turns = np.floor(x)
    frac = x - half_turns  # exact, in [0, 1)
    sign = 1.0 - 2.0 * np.remainder(half_turns, 2.0)  # sin(pi (x + 1)) = -sin(pi x)
    frac = np.minimum(frac, 1.0 - frac)  # sin(pi (1 - x)) = sin(pi x); exact, in [0, 1/2]
    near = frac <= 0.25
    result = np.where(near, _sin_series(PI * frac), _cos_series(PI * (0.5 - frac)))
    return sign * result


def cos(x) -> np.ndarray:
    """cos(x) elementwise, float64: cos(pi (x / pi)) = sin(pi (x / pi + 1/2))."""
    if not _PORTABLE.get():
        return np.cos(x)
    return sin_pi(np.asarray(x, dtype=np.float64) / PI + 0.5)


def erfc_scaled_log(x) -> tuple[np.ndarray, np.ndarray]:
    """(t, log(erfc(x) / t) + x^2) for x >= 0, t = 1 / (1 + x/2): Numerical Recipes' erfcc
    (Press et al. 1992, section 6.2), fractional error below 1.2e-7 for every x, and written
    so that exp(-x^2) factors out (no underflow in far tails)."""
    x = np.asarray(x, dtype=np.float64)
    t = 1.0 / (1.0 + 0.5 * x)
    poly = np.full_like(t, _ERFCC[-1])
    for coefficient in reversed(_ERFCC[:-1]):
        poly = poly * t + coefficient
    return t, poly


_ERFCC = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807,
          -1.13520398, 1.48851587, -0.82215223, 0.17087277)
SQRT_2 = 1.4142135623730951
SQRT_2PI = 2.5066282746310002
SQRT_2PI_NATIVE = np.sqrt(2.0 * np.pi)  # the native path's constant, as it always was


def inverse_mills(a) -> np.ndarray:
    """phi(a) / (1 - Phi(a)) for the standard normal, elementwise (float64): finite and
    accurate to about 1e-7 in both tails (natively: scipy's log_ndtr, in logs)."""
    a = np.asarray(a, dtype=np.float64)
    if not _PORTABLE.get():
        return np.exp(-0.5 * a * a - np.log(SQRT_2PI_NATIVE) - special.log_ndtr(-a))
    t, poly = erfc_scaled_log(np.abs(a) / SQRT_2)
    # a >= 0: 1 - Phi(a) = erfc(a / sqrt 2) / 2 = t exp(poly - a^2 / 2) / 2, and phi's
    # exp(-a^2 / 2) cancels; a < 0: 1 - Phi(a) = 1 - that tail
    upper = 2.0 / (SQRT_2PI * t) * exp(-poly)
    density = exp(-0.5 * a * a) / SQRT_2PI
    lower = density / (1.0 - 0.5 * t * exp(poly - 0.5 * a * a))
    return np.where(a >= 0.0, upper, lower)


# Acklam's rational approximation of the normal quantile (relative error below 1.15e-9)
_ACKLAM_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_ACKLAM_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
             6.680131188771972e+01, -1.328068155288572e+01)
_ACKLAM_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_ACKLAM_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
             3.754408661907416e+00)
_ACKLAM_LOW = 0.02425


def _horner(coefficients, x, dtype=np.float64):
    """c0 x^n + c1 x^(n-1) + ... + cn by Horner's rule, for a Python float x or an array (in
    `dtype`, in place on one new array: the same operations in the same order)."""
    if not isinstance(x, np.ndarray):
        result = coefficients[0]
        for coefficient in coefficients[1:]:
            result = result * x + coefficient
        return result
    result = np.multiply(x, dtype(coefficients[0]))
    for coefficient in coefficients[1:-1]:
        result += dtype(coefficient)
        result *= x
    result += dtype(coefficients[-1])
    return result


def _normal_quantile_scalar(p: float) -> float:
    """`normal_quantile` of one number with Python floats, step by step as the array code."""
    p = min(max(p, 1e-300), 1.0 - 1e-16)
    q = p - 0.5
    if abs(q) <= 0.5 - _ACKLAM_LOW:
        r = q * q
        return q * _horner(_ACKLAM_A, r) / (_horner(_ACKLAM_B, r) * r + 1.0)
    u = math.sqrt(-2.0 * _log_scalar(min(p, 1.0 - p)))
    tail = _horner(_ACKLAM_C, u) / (_horner(_ACKLAM_D, u) * u + 1.0)
    return tail if p < 0.5 else -tail


def normal_quantile(p) -> np.ndarray:
    """The standard normal's quantile at p in (0, 1), elementwise (float64), Acklam's
    algorithm: a rational function of p in the centre and of sqrt(-2 log p) in the tails
    (natively: scipy's ndtri)."""
    if not _PORTABLE.get():
        return special.ndtri(p)
    p = np.asarray(p, dtype=np.float64)
    if p.size <= SCALAR_MAX:  # a parameter, or one run's: Python floats (the same steps)
        return np.array([_normal_quantile_scalar(v) for v in p.ravel().tolist()]).reshape(p.shape)
    p = np.clip(p, 1e-300, 1.0 - 1e-16)
    q = p - 0.5
    r = q * q
    central = q * _horner(_ACKLAM_A, r) / (_horner(_ACKLAM_B, r) * r + 1.0)
    tail_p = np.minimum(p, 1.0 - p)
    u = np.sqrt(-2.0 * log(tail_p))
    tail = _horner(_ACKLAM_C, u) / (_horner(_ACKLAM_D, u) * u + 1.0)  # lower tail: < 0
    tail = np.where(p < 0.5, tail, -tail)
    return np.where(np.abs(q) <= 0.5 - _ACKLAM_LOW, central, tail)
