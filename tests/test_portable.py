"""Portable math (`sim.core.portable`): bit-exact on every CPU, so a seed gives the same row on
any machine of a cluster. One machine cannot show another CPU's bits; what it can show is that
the array code computes exactly what the same formulas give with Python floats, operation by
operation (every IEEE-754 CPU rounds +, -, x, / the same way), that the formulas are accurate,
and that nothing on the simulation path calls numpy's or scipy's own transcendental functions."""

from __future__ import annotations

import ast
import struct
from pathlib import Path

import numpy as np
import pytest
from scipy import special

import sim
from sim.core import portable

ROOT = Path(__file__).resolve().parent.parent


def _float32(value: float) -> float:
    """`value` rounded to float32 (rounding a double's exact +, -, x, / or sqrt result to
    float32 gives float32's own correctly rounded result: double has more than 2 x 24 + 2
    bits)."""
    return struct.unpack("<f", struct.pack("<f", value))[0]


def _inputs(dtype, low, high, n=20_000, seed=0):
    gen = np.random.default_rng(seed)
    x = np.concatenate([gen.uniform(low, high, n), gen.uniform(-2.0, 2.0, n // 4),
                        np.array([0.0, 0.5, -0.5, 1.0, low, high])])
    return x.astype(dtype)


@pytest.mark.parametrize("dtype, rounded, precision, bits", [
    (np.float64, float, portable._F64, np.uint64),
    (np.float32, _float32, portable._F32, np.uint32)])
def test_exp_and_log_are_the_python_float_formulas_bit_for_bit(dtype, rounded, precision, bits):
    x = _inputs(dtype, float(precision.exp_low) - 5.0, float(precision.exp_high) + 5.0)
    with portable.mode("portable"):
        got = portable.exp(x)
    expected = np.array([portable._exp_scalar(float(v), rounded, precision) for v in x], dtype)
    assert np.array_equal(got.view(bits), expected.view(bits))

    y = np.abs(x) * np.random.default_rng(1).uniform(0.0, 1.0, x.size).astype(dtype)
    y[:3] = (0.0, np.finfo(dtype).tiny, 1.0)
    with portable.mode("portable"):
        got = portable.log(y)
    expected = np.array([portable._log_scalar(float(v), rounded, precision) for v in y], dtype)
    assert np.array_equal(got.view(bits), expected.view(bits))


def test_a_tiny_array_takes_the_python_float_path_and_gives_the_same_bits():
    """A one-run batch's per-run arrays take the scalar path, a large batch's the array path:
    a run must not depend on which."""
    x = _inputs(np.float64, -30.0, 30.0, n=400)
    with portable.mode("portable"):
        batched_exp, batched_log = portable.exp(x), portable.log(np.abs(x) + 1e-3)
        alone_exp = np.concatenate([portable.exp(x[i:i + 1]) for i in range(x.size)])
        alone_log = np.concatenate([portable.log(np.abs(x[i:i + 1]) + 1e-3) for i in range(x.size)])
        scalar = portable.exp(x[5])
    assert np.array_equal(batched_exp, alone_exp) and np.array_equal(batched_log, alone_log)
    assert scalar.shape == () and scalar == batched_exp[5]
    p = np.concatenate([np.random.default_rng(4).uniform(0.0, 1.0, 2000),
                        [0.0, 1.0, 0.5, portable._ACKLAM_LOW, 1.0 - portable._ACKLAM_LOW]])
    with portable.mode("portable"):  # a sweep varies the parameter per run; a replay sets one
        per_run = portable.normal_quantile(p)
        alone = np.array([portable.normal_quantile(v) for v in p])
    assert np.array_equal(per_run.view(np.uint64), alone.view(np.uint64))


def test_large_arrays_in_pieces_give_the_bits_of_whole_ones():
    x = np.asfortranarray(_inputs(np.float32, -20.0, 20.0, n=96_000)[:96_000].reshape(8000, 12))
    with portable.mode("portable"):
        whole = portable._exp_kernel(x)
        pieces = portable.exp(x)
    assert pieces.flags.f_contiguous and np.array_equal(whole, pieces)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_exp_log_power_are_within_an_ulp_or_two(dtype):
    gen = np.random.default_rng(2)
    x = gen.uniform(-80.0, 80.0, 50_000).astype(dtype)
    y = np.exp(gen.uniform(-80.0, 80.0, 50_000)).astype(dtype)
    with portable.mode("portable"):
        e, lg = portable.exp(x), portable.log(y)
        base = dtype(0.01) + y[:1000] % dtype(9.0)
        pw = portable.power(base, dtype(1.7))
    ulp = lambda v: np.spacing(np.abs(v).astype(dtype)).astype(np.float64)  # noqa: E731
    true_e = np.exp(x.astype(np.float64))
    true_lg = np.log(y.astype(np.float64))
    assert np.max(np.abs(e - true_e) / ulp(true_e)) <= 1.0
    assert np.max(np.abs(lg - true_lg) / ulp(true_lg)) <= 1.0
    true_pw = base.astype(np.float64) ** float(dtype(1.7))
    assert np.allclose(pw, true_pw, rtol=4e-6 if dtype == np.float32 else 1e-14, atol=0.0)
    with portable.mode("portable"):
        assert portable.power(np.zeros(3, dtype), dtype(2.0)).tolist() == [0.0] * 3


def test_the_other_functions_match_their_references():
    gen = np.random.default_rng(3)
    with portable.mode("portable"):
        w = gen.uniform(-2.0, 2.0, 5000)
        sinh, cosh = portable.sinh_cosh(w)
        assert np.allclose(sinh, np.sinh(w), rtol=1e-15, atol=1e-300)
        assert np.allclose(cosh, np.cosh(w), rtol=1e-15)
        t = gen.uniform(-10.0, 10.0, 5000)
        assert np.max(np.abs(portable.sin_pi(t) - np.sin(np.pi * t))) < 1e-14
        assert np.max(np.abs(portable.cos(t) - np.cos(t))) < 1e-14
        a = np.linspace(-30.0, 30.0, 6001)
        mills = np.exp(-0.5 * a * a - np.log(np.sqrt(2 * np.pi)) - special.log_ndtr(-a))
        assert np.allclose(portable.inverse_mills(a), mills, rtol=2e-7, atol=0.0)
        p = np.linspace(1e-9, 1 - 1e-9, 10_001)
        assert np.allclose(portable.normal_quantile(p), special.ndtri(p), rtol=2e-9, atol=1e-9)


def test_native_mode_is_numpy_and_scipy_themselves():
    x = np.linspace(-3.0, 3.0, 101)
    assert portable.current_mode() == "native"
    assert np.array_equal(portable.exp(x), np.exp(x))
    assert np.array_equal(portable.normal_quantile(np.array([0.3])), special.ndtri(np.array([0.3])))
    with portable.mode("portable"):
        assert portable.current_mode() == "portable"
        assert np.allclose(portable.exp(x), np.exp(x), rtol=1e-15)
    assert portable.current_mode() == "native"
    with pytest.raises(ValueError, match="math='fast'"):
        with portable.mode("fast"):
            pass


# What computes a run: every module of `sim` but the plots and the documentation generator, and
# `portable` itself, whose native branch is numpy's and scipy's functions on purpose.
NOT_SIMULATION = {"plots.py", "docs.py", "portable.py"}
TRANSCENDENTAL = {"exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "power",
                  "float_power", "sin", "cos", "tan", "sinh", "cosh", "tanh", "arcsin", "arccos",
                  "arctan", "arctan2", "hypot", "logaddexp", "erf", "erfc", "pow", "lgamma",
                  "gamma", "dot", "matmul", "einsum", "inner", "vdot", "tensordot", "interp"}


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if (isinstance(node, ast.Attribute) and node.attr in TRANSCENDENTAL
                and isinstance(node.value, ast.Name) and node.value.id in {"np", "numpy", "math"}):
            found.append(f"{where} {node.value.id}.{node.attr}")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [getattr(node, "module", None) or ""] + [a.name for a in node.names]
            if any(n.split(".")[0] == "scipy" for n in names):
                found.append(f"{where} imports scipy")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            found.append(f"{where} @ (BLAS)")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = node.right
            if not (isinstance(exponent, ast.Constant) and isinstance(exponent.value, int)):
                found.append(f"{where} ** with a non-integer exponent")
    return found


def test_nothing_on_the_simulation_path_calls_numpys_transcendental_functions():
    modules = [p for p in sorted((ROOT / "sim").rglob("*.py")) if p.name not in NOT_SIMULATION]
    assert len(modules) > 20
    found = [v for path in modules for v in _violations(path)]
    assert not found, "use sim.core.portable instead: " + "; ".join(found)


def test_the_static_check_sees_what_it_looks_for(tmp_path):
    bad = tmp_path / "probe.py"
    bad.write_text("import numpy as np\nfrom scipy import special\n"
                   "y = np.exp(1.0) + np.ones(2) @ np.ones(2) + 2.0 ** 0.5 + 2.0 ** 2\n",
                   encoding="utf-8")
    assert len(_violations(bad)) == 4, _violations(bad)


@pytest.mark.slow
def test_portable_runs_replay_alone_and_in_any_batch_and_keep_the_model():
    """The guarantee's other half: a run's row does not depend on the batch (the tiny-array,
    whole-array and piecewise paths give the same bits), and portable math changes outcomes
    only at float precision, not in distribution."""
    batch = sim.simulate("parallel_processes", runs=40, days=365, seed=5, math="portable")
    alone = sim.simulate("parallel_processes", runs=1, days=365, seed=5, math="portable",
                         run_offset=23)
    row, single = batch.outcomes.iloc[23], alone.outcomes.iloc[0]
    for name in batch.outcomes.columns:
        assert row[name] == single[name] or (row[name] != row[name] and single[name] != single[name]), name
    native = sim.simulate("parallel_processes", runs=40, days=365, seed=5)
    final = batch.outcomes["occupied_km2_final"].to_numpy()
    assert np.allclose(final, native.outcomes["occupied_km2_final"].to_numpy(), rtol=1e-3)
    assert not np.array_equal(final, native.outcomes["occupied_km2_final"].to_numpy())


def test_a_bad_math_mode_is_refused_by_name():
    with pytest.raises(sim.params.ParamError, match="math"):
        sim.simulate("status_quo", runs=1, days=3, math="fast")


HASH_SCRIPT = """
import hashlib, sys
import numpy as np
import sim
digest = hashlib.sha256()
for scenario in ("parallel_processes", "status_quo"):
    result = sim.simulate(scenario, runs=60, days=240, seed=4, math=sys.argv[1])
    digest.update(result.outcomes.to_csv().encode())
    for name in sorted(result.trajectories):
        digest.update(np.ascontiguousarray(result.trajectories[name]).tobytes())
print(digest.hexdigest())
"""


def _dispatch_levels() -> list[str]:
    """Settings of NPY_DISABLE_CPU_FEATURES that make this machine's numpy behave as older CPUs
    do: none off, then its widest SIMD targets off one by one (AVX-512, then AVX2/FMA on x86)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    usable = [t for t in __cpu_dispatch__ if __cpu_features__.get(t)]
    return [" ".join(usable[i:]) for i in range(len(usable), -1, -1)]


@pytest.mark.slow
def test_portable_runs_are_the_same_bits_whatever_simd_numpy_uses():
    """Another CPU, simulated: numpy told to ignore its widest SIMD targets takes the paths an
    older CPU's numpy takes (numpy's exp and log give other last bits there: on an AVX-512
    machine the native results differ under each setting). Portable runs must not change."""
    import os
    import subprocess
    import sys

    levels = _dispatch_levels()
    if len(levels) < 2:
        pytest.skip("this CPU has no SIMD dispatch targets numpy can turn off")
    digests = set()
    for disabled in levels:
        env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": disabled, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-c", HASH_SCRIPT, "portable"], env=env,
                              capture_output=True, text=True, timeout=600, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        digests.add(done.stdout.strip())
    assert len(digests) == 1, f"{len(levels)} SIMD levels gave {len(digests)} results"


def test_power_broadcasts_and_promotes_as_numpys_does():
    cases = [(np.float32(2.0), np.full((3, 1), 1.5, np.float32)),
             (np.array([2.0, 3.0], np.float32), 2.0),
             (np.array([[2.0], [0.0]]), np.array([0.5, 2.0], np.float32)),
             (np.float32(2.0), np.float64(3.0)), (2.0, 0.5)]
    for x, y in cases:
        with portable.mode("portable"):
            got = portable.power(x, y)
        expected = np.power(x, y)
        assert np.shape(got) == np.shape(expected) and got.dtype == np.asarray(expected).dtype
        assert np.allclose(got, expected, rtol=1e-6, atol=0.0)


def test_a_parameter_set_for_the_whole_batch_runs_in_portable_math():
    """A scalar override meets (runs, 1) columns in the day's constants (it once failed there)."""
    result = sim.simulate("parallel_processes", runs=4, days=30, seed=1, math="portable",
                          overrides={"reference_force_ratio": 1.05})
    assert np.isfinite(result.outcomes["occupied_km2_final"]).all()
