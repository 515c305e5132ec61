"""The core's own transcendental functions: accurate, the same bits as the same formulas in
Python floats (so the same on every CPU), and the only ones the simulation path calls."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import special

from sim.core import mathx

ROOT = Path(__file__).resolve().parent.parent
RNG = np.random.default_rng(0)


def ulps(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.abs(a - b) / np.spacing(np.maximum(np.abs(b), 1e-300))


def py_exp(x: float) -> float:
    x = min(max(x, mathx.EXP_MIN), mathx.EXP_MAX)
    k = float(round(x * mathx.INV_LN2))  # Python rounds half to even, as np.rint
    r = (x - k * mathx.LN2_HI) - k * mathx.LN2_LO
    return math.ldexp(mathx._exp_poly(r), int(k))


def py_log(x: float) -> float:
    m, e = math.frexp(x)
    if m < mathx.SQRT_HALF:
        m, e = m + m, e - 1
    f = m - 1.0
    return e * mathx.LN2_HI + (mathx._log_poly(f / (2.0 + f)) + e * mathx.LN2_LO)


def test_exp_and_log_are_the_same_formulas_in_python_floats_bit_for_bit():
    xs = np.concatenate([RNG.uniform(-50, 50, 3000), RNG.uniform(-1e-3, 1e-3, 1000),
                         [0.0, 1.0, -1.0, 0.5 * math.log(2), 700.0, -700.0]])
    assert np.array_equal(mathx.exp(xs), np.array([py_exp(float(x)) for x in xs]))
    ys = np.concatenate([np.exp(RNG.uniform(-30, 30, 3000)), [1.0, 2.0, 0.5, 1e-300, 1e300]])
    assert np.array_equal(mathx.log(ys), np.array([py_log(float(y)) for y in ys]))


def test_accuracy_against_the_c_library():
    xs = RNG.uniform(-700, 700, 20000)
    assert ulps(mathx.exp(xs), [math.exp(x) for x in xs]).max() <= 4
    ys = np.exp(RNG.uniform(-700, 700, 20000))
    assert ulps(mathx.log(ys), [math.log(y) for y in ys]).max() <= 4
    base, exponent = np.exp(RNG.uniform(-5, 5, 5000)), RNG.uniform(-4, 4, 5000)
    rel = np.abs(mathx.power(base, exponent) / base ** exponent - 1.0)
    assert rel.max() < 1e-13
    w = np.concatenate([RNG.uniform(-0.6, 0.6, 5000), RNG.uniform(-20, 20, 500)])
    sinh, cosh = mathx.sinh_cosh(w)
    assert np.allclose(sinh, np.sinh(w), rtol=1e-14, atol=0) and np.allclose(cosh, np.cosh(w),
                                                                             rtol=1e-14, atol=0)
    x = RNG.uniform(-math.pi, math.pi, 5000)
    assert np.allclose(mathx.sin(x), np.sin(x), rtol=0, atol=1e-15)
    p = np.concatenate([RNG.uniform(1e-6, 1 - 1e-6, 5000), [0.01, 0.5, 0.99]])
    assert np.allclose(mathx.normal_quantile(p), special.ndtri(p), rtol=0, atol=5e-9)
    a = RNG.uniform(-40, 40, 5000)
    assert np.allclose(mathx.log_normal_cdf(a), special.log_ndtr(a), rtol=1e-6, atol=2e-7)


def test_edges_and_dtypes():
    assert mathx.exp(np.float32([1.0])).dtype == np.float32
    assert mathx.log(np.array([0.0]))[0] == -np.inf
    assert np.isnan(mathx.log(np.array([-1.0]))[0])
    assert np.array_equal(mathx.power(np.array([0.0, 0.0, 4.0]), np.array([2.0, 0.0, 0.5])),
                          [0.0, 1.0, 2.0])
    assert np.isfinite(mathx.exp(np.array([1e6, -1e6]))).all()
    assert np.isnan(mathx.normal_quantile(np.array([0.0, 1.0]))).all()


SIMULATION_PATH = [*(ROOT / "sim" / "core").glob("*.py"), ROOT / "sim" / "state.py",
                   ROOT / "sim" / "rng.py", ROOT / "sim" / "agents.py", ROOT / "sim" / "model.py",
                   ROOT / "sim" / "uncertainty.py"]
TRANSCENDENTAL = {"exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "power", "float_power",
                  "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh",
                  "tanh", "arcsinh", "arccosh", "arctanh", "logaddexp", "logaddexp2"}


def calls_outside_mathx(path: Path) -> list[str]:
    """numpy/math/scipy transcendental calls and ** with a non-constant exponent."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in ("np", "numpy", "math") and node.attr in TRANSCENDENTAL:
                found.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
            if node.value.id == "special":
                found.append(f"{path.name}:{node.lineno} special.{node.attr}")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            constant = isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant)
            if not constant and not (isinstance(node.right, ast.Constant)
                                     and node.right.value == 2):
                found.append(f"{path.name}:{node.lineno} **")
    return found


@pytest.mark.parametrize("path", SIMULATION_PATH, ids=lambda p: p.name)
def test_the_simulation_path_calls_no_numpy_transcendental(path):
    if path.name == "mathx.py":
        return
    assert calls_outside_mathx(path) == []
