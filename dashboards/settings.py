"""The student's settings: a frozen value (what a reset starts from) and the parsing of what a
student types into one. No Solara, no model: a `Settings` is the key of a fan and of the shared
fan cache, and what a saved settings file or a shared link holds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sim
from sim.params import ParamError


ENSEMBLE_RUNS = 200
HORIZON_DAYS = 730
MAX_RUN_INDEX = 2**62
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class Settings:
    """What the ensemble is built from at day 0: a preset, the student's own values on top, and
    which runs (seed and first run index; member 0 is run `run_offset`)."""

    scenario: str = "status_quo"
    overrides: tuple[tuple[str, Any], ...] = ()
    seed: int = 0
    run_offset: int = 0
    n_runs: int = ENSEMBLE_RUNS
    days: int = HORIZON_DAYS
    start_date: str | None = None  # ISO date; None: 2024-12-01 (set by opening a sweep row)

    @property
    def overrides_dict(self) -> dict[str, Any]:
        return dict(self.overrides)

    def with_value(self, name: str, value: Any) -> "Settings":
        """These settings with one parameter set by the student (checked against PARAMS)."""
        spec = sim.PARAMS.get(name)
        if spec is None:
            raise ParamError("parameter", name, "a name listed by `conflictsim params`")
        spec.coerce(value)
        merged = dict(self.overrides)
        merged[name] = value
        return replace(self, overrides=tuple(sorted(merged.items())))

    def with_scenario(self, scenario: str) -> "Settings":
        """A new preset; the student's own values and an opened sweep's start date are cleared
        (they belonged to the old one): presets start on 2024-12-01."""
        if scenario not in sim.SCENARIOS:
            raise ParamError("scenario", scenario, "one of " + ", ".join(sim.SCENARIOS))
        return replace(self, scenario=scenario, overrides=(), start_date=None)

    def preset(self) -> "Settings":
        return replace(self, overrides=())

    def value(self, name: str) -> Any:
        """The value in force: the student's, else the preset's, else the default."""
        merged = sim.scenarios.overrides_for(self.scenario, **self.overrides_dict)
        if name in merged:
            return merged[name]
        spec = sim.PARAMS[name]
        if spec.kind == "choice":
            return spec.choices[int(spec.default)]
        if spec.kind == "bool":
            return bool(spec.default)
        return spec.default

    def model_kwargs(self) -> dict[str, Any]:
        return dict(scenario=self.scenario, n_runs=self.n_runs, days=self.days, rng=self.seed,
                    run_offset=self.run_offset, start_date=self.start_date,
                    **self.overrides_dict)

    def simulate_kwargs(self) -> dict[str, Any]:
        """The same ensemble as `sim.simulate` arguments (what the browser test checks against)."""
        return dict(scenario=self.scenario, runs=self.n_runs, days=self.days, seed=self.seed,
                    run_offset=self.run_offset, overrides=self.overrides_dict,
                    start_date=self.start_date)


def parse_run_reference(seed_text: str, run_text: str) -> tuple[int, int]:
    """Seed and run index typed by a student; a plain `InputError` if either is not a run."""
    seed = _whole("seed", seed_text, MAX_SEED)
    run = _whole("run index", run_text, MAX_RUN_INDEX)
    return seed, run


def _whole(name: str, text: str, high: int) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise ParamError(name, text, f"a whole number in [0, {high}]") from None
    if not 0 <= value <= high:
        raise ParamError(name, value, f"a whole number in [0, {high}]")
    return value


def parse_value(name: str, text: str) -> Any:
    """A typed parameter value, checked against PARAMS (raises `ParamError` with the range)."""
    spec = sim.PARAMS.get(name)
    if spec is None:
        raise ParamError("parameter", name, "a name listed by `conflictsim params`")
    text = str(text).strip()
    if spec.kind == "choice":
        spec.coerce(text)
        return text
    if spec.kind == "bool":
        return bool(spec.coerce(text))
    try:
        value = float(text)
    except ValueError:
        raise ParamError(name, text, spec.allowed()) from None
    spec.coerce(value)
    return value
