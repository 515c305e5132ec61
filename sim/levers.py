"""Every lever alive: does each parameter move what it declares, the way it declares?

Each `ParamSpec.expects` names an outcome, a direction and the scenario (with any setting) where
its mechanism is at work. `check` runs, for every parameter of one scenario, two levels over the
same runs (common random numbers: the same run keys, parameters drawn from nobody: uncertainty
off), in one batch, and compares them. A lever passes when the outcome moves the declared way,
significantly (paired t >= `MIN_T`) and materially (`MIN_RELATIVE_CHANGE` of its size, or
`MIN_SHARE_CHANGE` for a yes/no outcome, or a spread ratio of `MIN_SPREAD_RATIO`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from . import scenarios
from .outcomes import OUTCOMES
from .params import PARAMS, Expect, ParamSpec
from .simulate import SimResult, simulate

MIN_T = 3.0
MIN_RELATIVE_CHANGE = 0.01
MIN_SHARE_CHANGE = 0.02
MIN_SPREAD_RATIO = 1.1


def _column(name: str) -> Callable[[SimResult], np.ndarray]:
    return lambda r: r.outcomes[name].to_numpy(dtype=float)


def _trajectory_mean(name: str) -> Callable[[SimResult], np.ndarray]:
    return lambda r: r.trajectories[name].mean(axis=1)


def _class_share(label: str) -> Callable[[SimResult], np.ndarray]:
    return lambda r: (r.outcomes["outcome"] == label).to_numpy(dtype=float)


YES_NO = ("reached_ceasefire", "settled", "destabilised", "crisis")
MEASURES: dict[str, Callable[[SimResult], np.ndarray]] = {
    **{name: _column(name) for name in OUTCOMES},  # every declared per-run outcome
    "reached_ceasefire": lambda r: r.outcomes["ceasefire_day"].notna().to_numpy(dtype=float),
    "settled": lambda r: r.outcomes["settlement_day"].notna().to_numpy(dtype=float),
    "destabilised": _class_share("Ukrainian destabilisation"),
    "crisis": _class_share("Russian economic crisis"),
    "area_change_180d_km2": lambda r: (r.trajectories["occupied_km2"][:, 180]
                                       - r.trajectories["occupied_km2"][:, 0]),
    "grid_gw_mean": _trajectory_mean("grid_gw"),
    "outage_share_mean": _trajectory_mean("outage_share"),
    "us_blame_mean": _trajectory_mean("us_blame"),
    "us_sanctions_mean": _trajectory_mean("us_sanctions"),
}
# the trajectories the measures above read (the rest are not recorded in the big batches)
MEASURED_FIELDS = ("occupied_km2", "grid_gw", "outage_share", "us_blame", "us_sanctions")


@dataclass(frozen=True)
class Verdict:
    name: str
    expect: Expect
    levels: tuple[float, float]
    low_mean: float
    high_mean: float
    statistic: float  # paired t, or the spread ratio high/low
    passed: bool

    def line(self) -> str:
        sign = "up" if self.expect.direction > 0 else "down"
        return (f"{self.name}: {self.levels[0]:g} -> {self.levels[1]:g} should move "
                f"{self.expect.outcome} {sign} in {self.expect.scenario}: "
                f"{self.low_mean:.4g} -> {self.high_mean:.4g} (statistic {self.statistic:.3g}) "
                f"{'ok' if self.passed else 'FAILED'}")


def levels(spec: ParamSpec, base: float) -> tuple[float, float]:
    """The two values compared: the declared ones, both ends for a switch, else the midpoints
    between the scenario's value and each end of the range."""
    if spec.expects is not None and spec.expects.levels is not None:
        return spec.expects.levels
    if spec.kind == "bool":
        return 0.0, 1.0
    low = base - 0.5 * (base - spec.low) if base > spec.low else spec.low
    high = base + 0.5 * (spec.high - base) if base < spec.high else spec.high
    if spec.kind == "int":  # whole numbers, as the rules use them (np.rint)
        low, high = float(np.rint(low)), float(np.rint(high))
    return (spec.low if low == high else low), high


def _measure(result: SimResult, outcome: str) -> np.ndarray:
    return MEASURES[outcome.removeprefix("spread:")](result)


def judge(name: str, expect: Expect, pair: tuple[float, float], low: np.ndarray,
          high: np.ndarray) -> Verdict:
    if expect.outcome.startswith("spread:"):
        ratio = (np.std(high) + 1e-12) / (np.std(low) + 1e-12)
        moved = ratio if expect.direction > 0 else 1.0 / ratio
        return Verdict(name, expect, pair, float(np.std(low)), float(np.std(high)), ratio,
                       bool(moved >= MIN_SPREAD_RATIO))
    diff = high - low
    mean = float(diff.mean())
    se = float(diff.std(ddof=1)) / np.sqrt(len(diff))
    t = mean / se if se > 0 else (np.inf * np.sign(mean) if mean else 0.0)
    size = max(abs(float(low.mean())), abs(float(high.mean())))
    if expect.outcome in YES_NO:
        material = abs(mean) >= MIN_SHARE_CHANGE
    else:
        material = abs(mean) >= MIN_RELATIVE_CHANGE * size
    passed = bool(t * expect.direction >= MIN_T and material)
    return Verdict(name, expect, pair, float(low.mean()), float(high.mean()), t, passed)


def check(names: Iterable[str], runs: int = 120, days: int = 730, seed: int = 7) -> list[Verdict]:
    """Judge every named parameter; one batch per (scenario, setting)."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for name in names:
        expect = PARAMS[name].expects
        groups[(expect.scenario, expect.setting)].append(name)
    verdicts = []
    for (scenario, setting), members in groups.items():
        verdicts += _check_group(scenario, dict(setting), members, runs, days, seed)
    return verdicts


def _check_group(scenario, setting, members, runs, days, seed) -> list[Verdict]:
    base = scenarios.make(scenario, 1, **setting).values
    n_total = 2 * runs * len(members)
    overrides = {name: np.full(n_total, float(np.asarray(value).reshape(-1)[0]))
                 for name, value in base.items()}
    pairs = {}
    for k, name in enumerate(members):
        pair = levels(PARAMS[name], float(overrides[name][0]))
        pairs[name] = pair
        start = 2 * runs * k
        overrides[name][start:start + runs] = pair[0]
        overrides[name][start + runs:start + 2 * runs] = pair[1]
    result = simulate(scenario, runs=n_total, days=days, seed=seed, overrides=overrides,
                      run_indices=np.tile(np.arange(runs), 2 * len(members)), record=MEASURED_FIELDS,
                      uncertainty="off")
    verdicts = []
    for k, name in enumerate(members):
        expect = PARAMS[name].expects
        values = _measure(result, expect.outcome)
        start = 2 * runs * k
        verdicts.append(judge(name, expect, pairs[name], values[start:start + runs],
                              values[start + runs:start + 2 * runs]))
    return verdicts
