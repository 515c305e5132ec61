"""An experiment declared in TOML: what to vary, how to sample it, how many replicates, what to keep.

The spec is data, checked once against `sim.PARAMS` (names, kinds, declared bounds) before anything
runs or is written, so a typo or an out-of-range value fails in a second with a message naming the
file, the key and the value, never an hour into a sweep.

    name = "sanctions"
    scenarios = ["economic_pressure"]       # or scenario = "status_quo"
    days = 730
    seed = 1
    start_date = 2024-06-01                 # optional; default 2024-12-01 (the model's day 0)
    uncertainty = "on"                      # optional; "off": no per-run parameter draws
    replicates = 20
    chunk_size = 2000                       # rows per task, rounded to whole points

    [sampler]
    method = "grid"                         # grid | random | latin | sobol | morris
    samples = 64                            # random/latin: points; sobol: N; morris: trajectories

    [parameters]
    trump_sanctions_level = { range = [0.0, 1.0], steps = 6 }
    putin_strategy = { levels = ["freeze", "serious"] }

    [fixed]
    eu_sanctions_step = 0.05

    [output]
    outcomes = ["occupied_km2_final", "outcome"]   # default: every outcome
    trajectories = "none"                   # none | daily | weekly (per run, long form)
    bands = "weekly"                        # none | daily | weekly (per-point quantiles)
    fields = ["occupied_km2"]
    quantiles = [0.05, 0.5, 0.95]

    [sensitivity]
    outcomes = ["occupied_km2_final", "reached:ceasefire_day", "share:settlement"]
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

import sim
from sim import calendar
from sim.model import TRAJECTORY_FIELDS
from sim.params import InputError

SAMPLERS = ("grid", "random", "latin", "sobol", "morris")
TRAJECTORY_MODES = {"none": 0, "daily": 1, "weekly": 7}
OUTCOME_COLUMNS = (
    "occupied_km2_final", "occupied_pct_final", "occupied_km2_peak", "area_change_km2",
    "kursk_held_km2_final", "ceasefire_day", "settlement_day", "talks_phase_final",
    "talks_open_days", "ceasefire_breakdowns", "ukraine_refusals",
    "russia_economic_pressure_final", "russia_economic_pressure_mean",
    "ukraine_economic_pressure_final", "ukraine_economic_pressure_mean", "grid_gw_final",
    "ukraine_support_final", "russia_casualties", "ukraine_casualties", "us_aid_total_bn_usd",
    "eu_aid_total_bn_usd", "russia_nwf_bn_usd_final", "outcome",
)
DEFAULT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
MAX_ROWS = 10**10

_TOP_KEYS = {"name", "description", "scenario", "scenarios", "days", "seed", "start_date",
             "uncertainty", "replicates",
             "chunk_size", "sampler", "parameters", "fixed", "output", "sensitivity"}
_SAMPLER_KEYS = {"method", "samples", "levels", "second_order"}
_PARAM_KEYS = {"range", "levels", "steps"}
_OUTPUT_KEYS = {"outcomes", "trajectories", "bands", "fields", "quantiles"}
_SENSITIVITY_KEYS = {"outcomes", "conf_level", "resamples"}


class SpecError(InputError):
    """A spec that cannot run: one line naming the file, the key and the value."""


@dataclass(frozen=True)
class Factor:
    """One varied parameter: a continuous/integer range, or a list of levels (values as coded
    by `ParamSpec.coerce`: choices and booleans become 0..n-1 / 0, 1)."""

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    steps: int | None = None
    levels: tuple[float, ...] = ()

    @property
    def is_range(self) -> bool:
        return self.low is not None

    def grid_values(self) -> np.ndarray:
        if not self.is_range:
            return np.asarray(self.levels, dtype=float)
        values = np.linspace(self.low, self.high, self.steps)
        return np.unique(np.rint(values)) if self.kind == "int" else values


@dataclass(frozen=True)
class Output:
    outcomes: tuple[str, ...] = OUTCOME_COLUMNS
    trajectories: str = "none"
    bands: str = "none"
    fields: tuple[str, ...] = ("occupied_km2", "russia_economic_pressure", "talks_phase")
    quantiles: tuple[float, ...] = DEFAULT_QUANTILES


@dataclass(frozen=True)
class Sensitivity:
    outcomes: tuple[str, ...] = ("occupied_km2_final",)
    conf_level: float = 0.95
    resamples: int = 1000


@dataclass(frozen=True)
class Spec:
    name: str
    scenarios: tuple[str, ...]
    days: int
    seed: int
    replicates: int
    chunk_size: int
    method: str
    samples: int
    morris_levels: int
    second_order: bool
    factors: tuple[Factor, ...]
    fixed: tuple[tuple[str, Any], ...] = ()
    output: Output = field(default_factory=Output)
    sensitivity: Sensitivity = field(default_factory=Sensitivity)
    description: str = ""
    source: str = ""
    start_date: str | None = None  # ISO date; None: the model's day 0, 2024-12-01
    uncertainty: str = "on"  # "on": parameters not varied or fixed are drawn per run

    @property
    def factor_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.factors)

    def identity(self) -> dict[str, Any]:
        """What determines the results: everything but chunking, description and file name."""
        data = asdict(self)
        for key in ("chunk_size", "description", "source", "sensitivity"):
            data.pop(key)
        if data["start_date"] is None:  # specs from before the key keep their fingerprint
            data.pop("start_date")
        return data

    def fingerprint(self) -> str:
        text = json.dumps(self.identity(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str))


def load(path: str | Path) -> Spec:
    """Read and check a spec file; every problem raises `SpecError` naming file, key and value."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise SpecError(f"{path}: cannot read spec file ({err.strerror or err})") from None
    return parse(text, source=str(path))


def parse(text: str, source: str = "<spec>") -> Spec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{source}: malformed TOML: {err}") from None
    return from_dict(data, source)


def from_dict(data: Mapping[str, Any], source: str = "<spec>") -> Spec:
    check = _Checker(source)
    check.known_keys("", data, _TOP_KEYS)
    scenarios = check.scenarios(data)
    days = check.whole(data, "days", 730, 1, calendar.MAX_DAYS)
    seed = check.whole(data, "seed", 0, 0, 2**63 - 1)
    start_date = check.start_date(data)
    replicates = check.whole(data, "replicates", 1, 1, 10**7)
    chunk_size = check.whole(data, "chunk_size", 5000, 1, 10**7)
    sampler = check.table(data, "sampler")
    check.known_keys("sampler.", sampler, _SAMPLER_KEYS)
    method = check.choice(sampler, "sampler.method", sampler.get("method", "grid"), SAMPLERS)
    samples = check.whole(sampler, "samples", 0 if method == "grid" else 64, 1, 10**8,
                          prefix="sampler.", required=method != "grid")
    morris_levels = check.whole(sampler, "levels", 4, 2, 100, prefix="sampler.")
    second_order = check.boolean(sampler, "second_order", True, prefix="sampler.")
    if method == "sobol" and samples & (samples - 1):
        check.fail("sampler.samples", samples, "sampler 'sobol' needs a power of two (e.g. 256)")
    factors = check.factors(check.table(data, "parameters"), method)
    fixed = check.fixed(check.table(data, "fixed"), factors)
    output = check.output(check.table(data, "output"))
    sensitivity = check.sensitivity(check.table(data, "sensitivity"))
    spec = Spec(name=str(data.get("name", Path(source).stem)), scenarios=scenarios, days=days,
                seed=seed, replicates=replicates, chunk_size=chunk_size, method=method,
                samples=samples, morris_levels=morris_levels, second_order=second_order,
                factors=factors, fixed=fixed, output=output, sensitivity=sensitivity,
                description=str(data.get("description", "")), source=source,
                start_date=start_date,
                uncertainty=check.choice(data, "uncertainty", data.get("uncertainty", "on"),
                                         ("on", "off")))
    rows = len(scenarios) * n_points(spec) * replicates
    if rows > MAX_ROWS:
        check.fail("replicates", replicates, f"the sweep would have {rows:,} runs (limit {MAX_ROWS:,})")
    return spec


def n_points(spec: Spec) -> int:
    """Parameter points the sampler draws (before replicates and scenarios)."""
    d = len(spec.factors)
    if spec.method == "grid":
        return math.prod(len(f.grid_values()) for f in spec.factors) if d else 1
    if spec.method == "sobol":
        return spec.samples * (2 * d + 2 if spec.second_order else d + 2)
    if spec.method == "morris":
        return spec.samples * (d + 1)
    return spec.samples


def n_rows(spec: Spec) -> int:
    return len(spec.scenarios) * n_points(spec) * spec.replicates


class _Checker:
    """Turns each spec problem into one `SpecError` line: '<file>: <key>=<value>: <allowed>'."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, value: Any, allowed: str):
        raise SpecError(f"{self.source}: {key}={_show(value)}: {allowed}")

    def known_keys(self, prefix: str, table: Mapping[str, Any], allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                self.fail(prefix + key, table[key],
                          "unknown key; allowed: " + ", ".join(sorted(allowed)))

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            self.fail(key, value, "must be a table ([" + key + "])")
        return value

    def whole(self, data, key, default, low, high, prefix="", required=False) -> int:
        if key not in data:
            if required:
                self.fail(prefix + key, None, f"required: a whole number in [{low}, {high}]")
            return default
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(prefix + key, value, f"a whole number in [{low}, {high}]")
        return value

    def start_date(self, data) -> str | None:
        """An ISO date the model can start from (TOML dates and strings both accepted)."""
        if "start_date" not in data:
            return None
        value = data["start_date"]
        try:
            return calendar.parse_start(str(value)).isoformat()
        except InputError:
            self.fail("start_date", value, f"a date (YYYY-MM-DD) from {calendar.EARLIEST_START} "
                                           f"to {calendar.START_DATE}")

    def boolean(self, data, key, default, prefix="") -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail(prefix + key, value, "true or false")
        return value

    def choice(self, data, key, value, allowed) -> str:
        if value not in allowed:
            self.fail(key, value, "one of " + ", ".join(allowed))
        return value

    def string_list(self, data, key, default, allowed, prefix="") -> tuple[str, ...]:
        value = data.get(key, default)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not value:
            self.fail(prefix + key, value, "a non-empty list of names")
        for item in value:
            self.choice(data, prefix + key, item, allowed)
        return tuple(value)

    def scenarios(self, data) -> tuple[str, ...]:
        if "scenario" in data and "scenarios" in data:
            self.fail("scenario", data["scenario"], "give either scenario or scenarios, not both")
        key = "scenario" if "scenario" in data else "scenarios"
        names = self.string_list(data, key, ["status_quo"], tuple(sim.SCENARIOS))
        if len(set(names)) != len(names):
            self.fail(key, list(names), "each scenario once")
        return names

    def factors(self, table: Mapping[str, Any], method: str) -> tuple[Factor, ...]:
        if method != "grid" and not table:
            self.fail("parameters", {}, f"sampler '{method}' needs at least one varied parameter")
        return tuple(self.factor(name, entry, method) for name, entry in table.items())

    def factor(self, name: str, entry: Any, method: str) -> Factor:
        key = f"parameters.{name}"
        spec = self.param_spec(key, name)
        if isinstance(entry, list):
            entry = {"levels": entry}
        if not isinstance(entry, Mapping):
            self.fail(key, entry, "a table { range = [low, high] } or { levels = [...] }")
        self.known_keys(key + ".", entry, _PARAM_KEYS)
        if ("range" in entry) == ("levels" in entry):
            self.fail(key, dict(entry), "give exactly one of range = [low, high] or levels = [...]")
        if "levels" in entry:
            return self.level_factor(key, spec, entry, method)
        return self.range_factor(key, spec, entry, method)

    def param_spec(self, key: str, name: str) -> "sim.ParamSpec":
        if name not in sim.PARAMS:
            self.fail(key, name, "unknown parameter; see `conflictsim params`")
        return sim.PARAMS[name]

    def level_factor(self, key, spec, entry, method) -> Factor:
        if "steps" in entry:
            self.fail(key + ".steps", entry["steps"], "steps goes with range, not with levels")
        if method in ("sobol", "morris"):
            self.fail(key, {"levels": entry["levels"]},
                      f"sampler '{method}' needs range = [low, high] for every parameter")
        levels = entry["levels"]
        if not isinstance(levels, list) or not levels:
            self.fail(key + ".levels", levels, "a non-empty list")
        coded = [self.coerce(key + ".levels", spec, v) for v in levels]
        if len(set(coded)) != len(coded):
            self.fail(key + ".levels", levels, "each level once")
        return Factor(spec.name, spec.kind, levels=tuple(coded))

    def range_factor(self, key, spec, entry, method) -> Factor:
        bounds = entry["range"]
        if spec.kind in ("choice", "bool"):
            self.fail(key + ".range", bounds, f"a {spec.kind} parameter takes levels = [...] "
                      f"({spec.allowed()})")
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(_is_number(b) for b in bounds)):
            self.fail(key + ".range", bounds, "two numbers [low, high]")
        low, high = (self.coerce(key + ".range", spec, b) for b in bounds)
        if not low < high:
            self.fail(key + ".range", bounds, "low must be below high")
        steps = None
        if method == "grid":
            if "steps" not in entry:
                self.fail(key, dict(entry), "sampler 'grid' needs steps = N with a range "
                          "(or give levels = [...])")
            steps = self.whole(entry, "steps", None, 2, 10**6, prefix=key + ".")
        elif "steps" in entry:
            self.fail(key + ".steps", entry["steps"], f"steps only applies to sampler 'grid', "
                      f"not '{method}'")
        return Factor(spec.name, spec.kind, low=low, high=high, steps=steps)

    def coerce(self, key: str, spec, value: Any) -> float:
        if isinstance(value, (list, dict)):
            self.fail(key, value, spec.allowed())
        try:
            return float(spec.coerce(value))
        except InputError:
            self.fail(key, value, f"{spec.name}: {spec.allowed()}")

    def fixed(self, table: Mapping[str, Any], factors: tuple[Factor, ...]) -> tuple:
        varied = {f.name for f in factors}
        pairs = []
        for name, value in table.items():
            key = f"fixed.{name}"
            spec = self.param_spec(key, name)
            if name in varied:
                self.fail(key, value, "this parameter is also varied in [parameters]")
            pairs.append((name, self.coerce(key, spec, value)))
        return tuple(pairs)

    def output(self, table: Mapping[str, Any]) -> Output:
        self.known_keys("output.", table, _OUTPUT_KEYS)
        default = Output()
        outcomes = self.string_list(table, "outcomes", list(default.outcomes), OUTCOME_COLUMNS,
                                    "output.")
        modes = tuple(TRAJECTORY_MODES)
        trajectories = self.choice(table, "output.trajectories",
                                   table.get("trajectories", "none"), modes)
        bands = self.choice(table, "output.bands", table.get("bands", "none"), modes)
        fields = self.string_list(table, "fields", list(default.fields), TRAJECTORY_FIELDS,
                                  "output.")
        quantiles = table.get("quantiles", list(default.quantiles))
        if (not isinstance(quantiles, list) or not quantiles
                or not all(_is_number(q) and 0 <= q <= 1 for q in quantiles)):
            self.fail("output.quantiles", quantiles, "a list of numbers in [0, 1]")
        return Output(outcomes, trajectories, bands, fields, tuple(float(q) for q in quantiles))

    def sensitivity(self, table: Mapping[str, Any]) -> Sensitivity:
        self.known_keys("sensitivity.", table, _SENSITIVITY_KEYS)
        outcomes = table.get("outcomes", list(Sensitivity().outcomes))
        if isinstance(outcomes, str):
            outcomes = [outcomes]
        if not isinstance(outcomes, list) or not outcomes:
            self.fail("sensitivity.outcomes", outcomes, "a non-empty list")
        for name in outcomes:
            if not _is_sensitivity_target(name):
                self.fail("sensitivity.outcomes", name,
                          "a numeric outcome column, 'reached:<column>' or 'share:<outcome class>'")
        conf = table.get("conf_level", 0.95)
        if not _is_number(conf) or not 0.5 <= conf < 1:
            self.fail("sensitivity.conf_level", conf, "a number in [0.5, 1)")
        resamples = self.whole(table, "resamples", 1000, 10, 10**5, prefix="sensitivity.")
        return Sensitivity(tuple(outcomes), float(conf), resamples)


def _is_sensitivity_target(name: Any) -> bool:
    if not isinstance(name, str):
        return False
    if name.startswith("share:"):
        return name[6:] in sim.OUTCOME_CLASSES
    if name.startswith("reached:"):
        return name[8:] in OUTCOME_COLUMNS
    return name in OUTCOME_COLUMNS and name != "outcome"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _show(value: Any) -> str:
    if isinstance(value, datetime.date):  # a TOML date, shown as written
        return value.isoformat()
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 80 else text[:77] + "..."
