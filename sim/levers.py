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
    "kursk_held_km2_mean": _trajectory_mean("kursk_held_km2"),
}
# the trajectories the measures above read (the rest are not recorded in the big batches)
MEASURED_FIELDS = ("occupied_km2", "grid_gw", "outage_share", "us_blame", "us_sanctions",
                   "kursk_held_km2")


@dataclass(frozen=True)
class Verdict:
    name: str
    expect: Expect
    levels: tuple[float, float]
    low_mean: float
    high_mean: float
    statistic: float  # paired t, or the spread ratio high/low
    passed: bool

    def clear(self) -> bool:
        """Passed by twice every margin: twice `MIN_T` and twice the material change (for a
        spread, twice the ratio's excess over 1)."""
        if not self.passed:
            return False
        if self.expect.outcome.startswith("spread:"):
            moved = self.statistic if self.expect.direction > 0 else 1.0 / self.statistic
            return moved >= 1.0 + 2.0 * (MIN_SPREAD_RATIO - 1.0)
        change = abs(self.high_mean - self.low_mean)
        if self.expect.outcome in YES_NO:
            material = change >= 2.0 * MIN_SHARE_CHANGE
        else:
            size = max(abs(self.low_mean), abs(self.high_mean))
            material = change >= 2.0 * MIN_RELATIVE_CHANGE * size
        return bool(self.statistic * self.expect.direction >= 2.0 * MIN_T and material)

    def line(self) -> str:
        sign = "up" if self.expect.direction > 0 else "down"
        return (f"{self.name}: {self.levels[0]:g} -> {self.levels[1]:g} should move "
                f"{self.expect.outcome} {sign} in {self.expect.scenario}"
                f"{f' from {self.expect.start_date}' if self.expect.start_date else ''}: "
                f"{self.low_mean:.4g} -> {self.high_mean:.4g} (statistic {self.statistic:.3g}) "
                f"{self.verdict_word()}")

    def verdict_word(self) -> str:
        """ok; FAILED when it moves the other way beyond the noise; otherwise not shown (too
        small or too noisy for these runs), which more runs may settle."""
        if self.passed:
            return "ok"
        if self.expect.outcome.startswith("spread:"):
            moved = self.statistic if self.expect.direction > 0 else 1.0 / self.statistic
            backwards = moved <= 1.0 / MIN_SPREAD_RATIO
        else:
            backwards = self.statistic * self.expect.direction <= -MIN_T
        return ("FAILED: it moves the other way" if backwards else
                "not shown: too small or too noisy at these runs (more --runs may settle it)")


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


def check(names: Iterable[str], runs: int = 120, days: int = 730, seed: int = 7,
          screen_runs: int | None = None) -> list[Verdict]:
    """Judge every named parameter, in the order named; one batch per scenario (`_check_all`).

    With `screen_runs`, every parameter is first judged on the first `screen_runs` of the runs
    (the same run keys, so the same runs a full check starts with); a lever that passes there by
    twice every margin (`Verdict.clear`) is settled, the others are judged on all `runs`, with
    the verdict a plain check gives. Only a clear pass is settled early: a failure is always
    judged on all runs."""
    names = list(names)
    if screen_runs is None or screen_runs >= runs:
        return _check_all(names, runs, days, seed)
    screened = {v.name: v for v in _check_all(names, screen_runs, days, seed)}
    settled = {name for name, verdict in screened.items() if verdict.clear()}
    full = {v.name: v for v in _check_all([n for n in names if n not in settled], runs, days, seed)}
    return [screened[name] if name in settled else full[name] for name in names]


def _check_all(names: list[str], runs: int, days: int, seed: int) -> list[Verdict]:
    """One batch per scenario and start date: every (setting, parameter) pair gets its own
    2 x `runs` runs, its setting and levels as per-run values (a setting is parameter values
    too), so the verdicts are those of one batch per setting (runs replay alike in any batch)
    at a quarter of the batches."""
    by_scenario: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for name in names:
        expect = PARAMS[name].expects
        by_scenario[expect.scenario, expect.start_date].append(name)
    verdicts = {}
    for (scenario, start), members in by_scenario.items():
        verdicts.update((v.name, v)
                        for v in _check_scenario(scenario, members, runs, days, seed, start))
    return [verdicts[name] for name in names]


def _check_scenario(scenario, members, runs, days, seed, start_date=None) -> list[Verdict]:
    bases = {setting: scenarios.make(scenario, 1, **dict(setting)).values
             for setting in {PARAMS[name].expects.setting for name in members}}
    n_total = 2 * runs * len(members)
    overrides = {name: np.empty(n_total) for name in next(iter(bases.values()))}
    pairs = {}
    for k, name in enumerate(members):
        base = bases[PARAMS[name].expects.setting]
        start = 2 * runs * k
        for key, value in base.items():
            overrides[key][start:start + 2 * runs] = float(np.asarray(value).reshape(-1)[0])
        pair = levels(PARAMS[name], float(overrides[name][start]))
        pairs[name] = pair
        overrides[name][start:start + runs] = pair[0]
        overrides[name][start + runs:start + 2 * runs] = pair[1]
    result = simulate(scenario, runs=n_total, days=days, seed=seed, overrides=overrides,
                      run_indices=np.tile(np.arange(runs), 2 * len(members)), record=MEASURED_FIELDS,
                      uncertainty="off", start_date=start_date)
    verdicts = []
    for k, name in enumerate(members):
        expect = PARAMS[name].expects
        values = _measure(result, expect.outcome)
        start = 2 * runs * k
        verdicts.append(judge(name, expect, pairs[name], values[start:start + runs],
                              values[start + runs:start + 2 * runs]))
    return verdicts
