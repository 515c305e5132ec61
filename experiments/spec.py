"""An experiment declared in TOML: what to vary, how to sample it, how many replicates, what to keep.

The spec is data, checked once against `sim.PARAMS` (names, kinds, declared bounds) before anything
runs or is written, so a typo or an out-of-range value fails in a second with a message naming the
file, the key and the value, never an hour into a sweep.

    name = "sanctions"
    scenarios = ["economic_pressure"]       # or scenario = "status_quo"
    days = 730
    seed = 1
    start_date = 2024-06-01                 # optional; default 2024-12-01 (the model's day 0)
    # or start_dates = [2023-01-01, 2023-07-01]: every row at each date (the outermost axis)
    uncertainty = "on"                      # optional; "off": no per-run parameter draws
    math = "portable"                       # optional; default "native" (see sim.core.portable)
    replicates = 20
    chunk_size = 2000                       # rows per task: whole points, or split replicates

    [sampler]
    method = "grid"                         # grid | random | latin | sobol | morris
    # each method takes only its own keys (SAMPLER_KEYS): grid none; random, latin: samples
    # (points); sobol: samples (N), second_order, dummy; morris: samples (trajectories),
    # levels, dummy

    [parameters]
    trump_sanctions_level = { range = [0.0, 1.0], steps = 6 }
    putin_strategy = { levels = ["freeze", "serious"] }
    # samplers random/latin/sobol may draw a range from a distribution (default uniform):
    # advance_speed_scale = { range = [0.5, 1.5], distribution = "normal", mean = 1.0, sd = 0.2 }
    # world_oil_price_usd = { range = [40, 120], distribution = "loguniform" }

    [fixed]
    eu_sanctions_step = 0.05

    [output]
    outcomes = ["occupied_km2_final", "outcome"]   # default: every outcome
    trajectories = "none"                   # none | daily | weekly (per run, long form)
    bands = "weekly"                        # none | daily | weekly (per-point quantiles)
    fields = ["occupied_km2"]
    quantiles = [0.05, 0.5, 0.95]
    record_drawn = true                     # default: rows carry drawn_* and type_* columns

    [[output.derived]]                      # user-defined outcomes over trajectory fields
    name = "day_area_above_120k"
    field = "occupied_km2"
    reduce = "first_day_above"              # see DERIVED_REDUCERS
    value = 120000

    [[output.derived]]
    name = "winter_outage_mean"
    field = "outage_share"
    reduce = "mean"
    months = [12, 1, 2]                     # optional; or days = [from, to]

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
from sim.style import FAN_QUANTILES
from sim.outcomes import OUTCOMES, share_targets_allowed
from sim import calendar
from sim.model import TRAJECTORY_FIELDS
from sim.params import InputError
from sim.state import PHASE_NAMES

# The [sampler] keys each method reads besides `method`; one table, so that a key of another
# method is refused rather than silently ignored.
SAMPLER_KEYS = {
    "grid": (),
    "random": ("samples",),
    "latin": ("samples",),
    "sobol": ("samples", "second_order", "dummy"),
    "morris": ("samples", "levels", "dummy"),
}
SAMPLERS = tuple(SAMPLER_KEYS)
TRAJECTORY_MODES = {"none": 0, "daily": 1, "weekly": 7}
OUTCOME_COLUMNS = (*OUTCOMES, "outcome")  # declared once, in sim.outcomes
DEFAULT_QUANTILES = FAN_QUANTILES
MAX_ROWS = 10**10
# What names a row of a sweep. Format 3 directories' rows have no start_date; storage fills it in.
KEY_COLUMNS = ("row", "start_date", "scenario", "point", "replicate", "seed")

_TOP_KEYS = {"name", "description", "scenario", "scenarios", "days", "seed", "start_date",
             "start_dates", "uncertainty", "math", "replicates",
             "chunk_size", "sampler", "parameters", "fixed", "output", "sensitivity"}
_SAMPLER_KEYS = {"method", *(key for keys in SAMPLER_KEYS.values() for key in keys)}
# top-level keys a researcher may try to vary under [parameters], and how a spec varies them
_TOP_LEVEL_ONLY = {"start_date": "give start_dates = [...] at the top of the spec to run every "
                                 "row from each date",
                   "days": "one value per sweep: run a sweep for each days to compare them"}
# The SALib dummy: a factor sampled like the others that nothing reads. Its indices are what the
# estimator gives a parameter with no effect at this many samples: the noise floor.
DUMMY_NAME = "dummy"
_PARAM_KEYS = {"range", "levels", "steps", "distribution", "mean", "sd"}
_OUTPUT_KEYS = {"outcomes", "trajectories", "bands", "fields", "quantiles", "derived",
                "record_drawn"}
DISTRIBUTIONS = ("uniform", "normal", "loguniform")
DERIVED_REDUCERS = {
    # reducer: (needs `value`, takes a window (`days`, `months`))
    "final": (False, False), "mean": (False, True), "min": (False, True), "max": (False, True),
    "sum": (False, True), "first_day_above": (True, True), "first_day_below": (True, True),
    "days_above": (True, True), "days_below": (True, True),
    "first_day_equal": (True, True), "days_equal": (True, True),
}
_DERIVED_KEYS = {"name", "field", "reduce", "value", "days", "months"}
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
    distribution: str = "uniform"  # of a range, for samplers random/latin/sobol
    mean: float | None = None      # normal: before truncation to the range
    sd: float | None = None

    @property
    def is_range(self) -> bool:
        return self.low is not None

    def grid_values(self) -> np.ndarray:
        if not self.is_range:
            return np.asarray(self.levels, dtype=float)
        values = np.linspace(self.low, self.high, self.steps)
        return np.unique(np.rint(values)) if self.kind == "int" else values


@dataclass(frozen=True)
class DerivedOutcome:
    """A user-defined outcome: `reduce` applied to trajectory `field` over an optional window of
    days (`days` = (from, to), inclusive) and calendar months; `value` is the threshold of the
    *_above / *_below reducers. A day that never comes is missing (NaN)."""

    name: str
    field: str
    reduce: str
    value: float | None = None
    days: tuple[int, int] | None = None
    months: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Output:
    outcomes: tuple[str, ...] = OUTCOME_COLUMNS
    trajectories: str = "none"
    bands: str = "none"
    fields: tuple[str, ...] = ("occupied_km2", "russia_economic_pressure", "talks_phase")
    quantiles: tuple[float, ...] = DEFAULT_QUANTILES
    derived: tuple[DerivedOutcome, ...] = ()
    # Each outcome row also carries the run's world: `drawn_<parameter>` for every uncertain
    # parameter the spec neither varies nor fixes and `type_<name>` for each private type drawn
    # from the run key. A storage choice, not part of the results' identity.
    record_drawn: bool = True


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
    # ISO dates, the outermost axis of the rows; (): not given, the model's day 0 (2024-12-01)
    start_dates: tuple[str, ...] = ()
    uncertainty: str = "on"  # "on": parameters not varied or fixed are drawn per run
    dummy: bool = False  # sobol/morris: also sample `DUMMY_NAME`, which the model never reads
    # "portable": every row bit-exact on any CPU (a cluster of mixed machines); "native" is
    # faster and bit-exact on machines with the same CPU features (`sim.core.portable`)
    math: str = sim.DEFAULT_MATH

    @property
    def dates(self) -> tuple[str, ...]:
        """The start date of each row block, the default one when the spec gives none."""
        return self.start_dates or (calendar.START_DATE.isoformat(),)

    @property
    def factor_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.factors)

    @property
    def design_names(self) -> tuple[str, ...]:
        """The design's columns: the varied parameters, then the dummy if there is one."""
        return self.factor_names + ((DUMMY_NAME,) if self.dummy else ())

    def identity(self) -> dict[str, Any]:
        """What determines the results: everything but chunking, description and file name."""
        data = asdict(self)
        for key in ("chunk_size", "description", "source", "sensitivity"):
            data.pop(key)
        dates = data.pop("start_dates")  # specs with one date or none keep their fingerprint
        if len(dates) == 1:
            data["start_date"] = dates[0]
        elif dates:
            data["start_dates"] = list(dates)
        if not data["dummy"]:  # and specs without a dummy
            data.pop("dummy")
        if data["math"] == "native":  # and specs from before portable math
            data.pop("math")
        for factor in data["factors"]:  # so do specs from before distributions
            for key, default in (("distribution", "uniform"), ("mean", None), ("sd", None)):
                if factor[key] == default:
                    factor.pop(key)
        if not data["output"]["derived"]:  # and before derived outcomes
            data["output"].pop("derived")
        data["output"].pop("record_drawn")  # extra columns; the runs are the same
        return data

    def fingerprint(self) -> str:
        text = json.dumps(self.identity(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        """The spec as JSON, choices by name and switches as booleans (the manifest's copy;
        `experiments.results.spec_of` reads either form back)."""
        data = json.loads(json.dumps(asdict(self), default=str))
        for factor in data["factors"]:
            factor["levels"] = [decode(factor["name"], v) for v in factor["levels"]]
        data["fixed"] = [[name, decode(name, v)] for name, v in data["fixed"]]
        return data


def load(path: str | Path) -> Spec:
    """Read and check a spec file; every problem raises `SpecError` naming file, key and value."""
    return parse(read_text(path), source=str(path))


def read_text(path: str | Path) -> str:
    """The spec file's text: UTF-8, as TOML requires."""
    path = Path(path)
    if path.is_dir():
        raise SpecError(f"{path}: a folder, not a spec file; give a SPEC.toml file (e.g. "
                        f"experiments/specs/smoke.toml)")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise SpecError(f"{path}: cannot read spec file ({err.strerror or err})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise SpecError(f"{path}: not UTF-8 text (byte 0x{data[err.start]:02x} on line {line}); "
                        f"save the spec as UTF-8") from None


def parse(text: str, source: str = "<spec>") -> Spec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{source}: malformed TOML: {err}") from None
    if not data:
        raise SpecError(f"{source}: the spec is empty (no keys); give at least scenario, days, "
                        f"replicates and [parameters] (see experiments/specs/smoke.toml)")
    return from_dict(data, source)


def from_dict(data: Mapping[str, Any], source: str = "<spec>") -> Spec:
    check = _Checker(source)
    check.known_keys("", data, _TOP_KEYS)
    scenarios = check.scenarios(data)
    days = check.whole(data, "days", 730, 1, calendar.MAX_DAYS)
    seed = check.whole(data, "seed", 0, 0, 2**63 - 1)
    start_dates = check.start_dates(data)
    replicates = check.whole(data, "replicates", 1, 1, 10**7)
    chunk_size = check.whole(data, "chunk_size", 5000, 1, 10**7)
    sampler = check.table(data, "sampler")
    check.known_keys("sampler.", sampler, _SAMPLER_KEYS)
    method = check.choice(sampler, "sampler.method", sampler.get("method", "grid"), SAMPLERS)
    check.sampler_keys(sampler, method)
    samples = check.whole(sampler, "samples", 0 if method == "grid" else 64, 1, 10**8,
                          prefix="sampler.", required=method != "grid")
    morris_levels = check.whole(sampler, "levels", 4, 2, 100, prefix="sampler.")
    second_order = check.boolean(sampler, "second_order", True, prefix="sampler.")
    if method == "sobol" and samples & (samples - 1):
        check.fail("sampler.samples", samples, "sampler 'sobol' needs a power of two (e.g. 256)")
    dummy = check.boolean(sampler, "dummy", False, prefix="sampler.")
    factors = check.factors(check.table(data, "parameters"), method)
    fixed = check.fixed(check.table(data, "fixed"), factors)
    output = check.output(check.table(data, "output"), days, factors)
    sensitivity = check.sensitivity(check.table(data, "sensitivity"),
                                    tuple(d.name for d in output.derived))
    name = check.name(data["name"]) if "name" in data else _default_name(source)
    spec = Spec(name=name, scenarios=scenarios, days=days,
                seed=seed, replicates=replicates, chunk_size=chunk_size, method=method,
                samples=samples, morris_levels=morris_levels, second_order=second_order,
                factors=factors, fixed=fixed, output=output, sensitivity=sensitivity,
                description=str(data.get("description", "")), source=source,
                start_dates=start_dates, dummy=dummy,
                uncertainty=check.choice(data, "uncertainty", data.get("uncertainty", "on"),
                                         ("on", "off")),
                math=check.choice(data, "math", data.get("math", "native"), sim.MATH_MODES))
    check.size(spec)
    return spec


def decode(name: str, coded: Any) -> Any:
    """A parameter value in the user's terms: a choice by its name, a switch as a boolean."""
    spec = sim.PARAMS.get(name)
    if spec is None or isinstance(coded, str):
        return coded
    if spec.kind == "choice":
        return spec.choices[int(coded)]
    if spec.kind == "bool":
        return bool(coded)
    if spec.kind == "int":
        return int(coded)
    return coded


def n_points(spec: Spec) -> int:
    """Parameter points the sampler draws (before replicates and scenarios)."""
    d = len(spec.factors) + spec.dummy
    if spec.method == "grid":
        return math.prod(len(f.grid_values()) for f in spec.factors) if d else 1
    if spec.method == "sobol":
        return spec.samples * (2 * d + 2 if spec.second_order else d + 2)
    if spec.method == "morris":
        return spec.samples * (d + 1)
    return spec.samples


def n_rows(spec: Spec) -> int:
    return len(spec.dates) * len(spec.scenarios) * n_points(spec) * spec.replicates


class _Checker:
    """Turns each spec problem into one `SpecError` line: '<file>: <key>=<value>: <allowed>'."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, value: Any, allowed: str):
        raise SpecError(f"{self.source}: {key}={_show(value)}: {allowed}")

    def missing(self, key: str, allowed: str):
        """A required key the spec leaves out (it has no value to show: not `key=None`)."""
        raise SpecError(f"{self.source}: {key} is missing: {allowed}")

    def name(self, value: Any) -> str:
        """The name becomes a folder (`sensitivity`'s default out/<name>): one plain segment."""
        if (not isinstance(value, str) or not value or len(value) > 100
                or not all(c.isalnum() or c in "._-" for c in value) or value.startswith(".")):
            self.fail("name", value, "letters, digits, '.', '_' and '-' (not starting with "
                      "'.'), at most 100 characters: it names the output folder")
        return value

    def size(self, spec: "Spec") -> None:
        """Refuse a sweep too big to run, naming what makes it big."""
        points = n_points(spec)
        rows = n_rows(spec)
        if rows <= MAX_ROWS:
            return
        blocks = len(spec.scenarios) * len(spec.dates)
        scenarios = f"{len(spec.scenarios)} scenarios" + (
            f" x {len(spec.dates)} start dates" if len(spec.dates) > 1 else "")
        if spec.method == "grid" and points > MAX_ROWS // max(1, spec.replicates):
            sizes = " x ".join(f"{f.name} {len(f.grid_values()):,}" for f in spec.factors)
            self.fail("parameters", f"{points:,} grid points",
                      f"the grid ({sizes} levels) x {spec.replicates:,} replicates x "
                      f"{scenarios} is {rows:,} runs, more than the limit "
                      f"{MAX_ROWS:,}; use fewer steps, or sampler 'latin' with samples = N")
        if spec.method != "grid" and points * blocks > MAX_ROWS // spec.replicates:
            self.fail("sampler.samples", spec.samples,
                      f"{points:,} points x {spec.replicates:,} replicates x "
                      f"{scenarios} is {rows:,} runs, more than the limit "
                      f"{MAX_ROWS:,}")
        self.fail("replicates", spec.replicates,
                  f"{points:,} points x {spec.replicates:,} replicates x {scenarios} "
                  f"is {rows:,} runs, more than the limit {MAX_ROWS:,}")

    def known_keys(self, prefix: str, table: Mapping[str, Any], allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                self.fail(prefix + key, table[key],
                          "unknown key; allowed: " + ", ".join(sorted(allowed)))

    def sampler_keys(self, sampler: Mapping[str, Any], method: str) -> None:
        """Each method takes only the keys it reads (`SAMPLER_KEYS`): levels under grid would
        otherwise be ignored while the spec reads as if it set something."""
        takes = SAMPLER_KEYS[method]
        for key, value in sampler.items():
            if key == "method" or key in takes:
                continue
            users = [name for name, keys in SAMPLER_KEYS.items() if key in keys]
            named = ", ".join(users[:-1]) + " or " + users[-1] if len(users) > 1 else users[0]
            self.fail("sampler." + key, value, f"sampler '{method}' takes "
                      + ", ".join(("method", *takes)) + f"; {key} goes with sampler {named}")

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            self.fail(key, value, "must be a table ([" + key + "])")
        return value

    def whole(self, data, key, default, low, high, prefix="", required=False) -> int:
        if key not in data:
            if required:
                self.missing(prefix + key, f"give a whole number in [{low}, {high}]")
            return default
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(prefix + key, value, f"a whole number in [{low}, {high}]")
        return value

    def start_dates(self, data) -> tuple[str, ...]:
        """ISO dates the model can start from (TOML dates and strings both accepted): the one
        `start_date`, each of `start_dates`, or none (the model's day 0)."""
        if "start_date" in data and "start_dates" in data:
            self.fail("start_date", data["start_date"], "give either start_date or start_dates, "
                      "not both")
        if "start_date" in data:
            return (self.start_date("start_date", data["start_date"]),)
        if "start_dates" not in data:
            return ()
        values = data["start_dates"]
        if not isinstance(values, (list, tuple)) or not values:
            self.fail("start_dates", values, f"a non-empty list of dates (YYYY-MM-DD) from "
                      f"{calendar.EARLIEST_START} to {calendar.START_DATE}")
        dates = tuple(self.start_date("start_dates", value) for value in values)
        if len(set(dates)) != len(dates):
            self.fail("start_dates", list(values), "each start date once")
        return dates

    def start_date(self, key: str, value: Any) -> str:
        try:
            return calendar.parse_start(str(value)).isoformat()
        except InputError:
            self.fail(key, value, f"a date (YYYY-MM-DD) from {calendar.EARLIEST_START} "
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
        if name in _TOP_LEVEL_ONLY:
            raise SpecError(f"{self.source}: {key}: not a parameter; {name} is a key at the top "
                            f"of the spec, {_TOP_LEVEL_ONLY[name]}")
        if name not in sim.PARAMS:
            raise SpecError(f"{self.source}: {key}: unknown parameter"
                            f"{sim.params.did_you_mean(name, sim.PARAMS)}; see "
                            "`conflictsim params`")
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
        distribution, mean, sd = self.distribution(key, spec, entry, method, low, high)
        return Factor(spec.name, spec.kind, low=low, high=high, steps=steps,
                      distribution=distribution, mean=mean, sd=sd)

    def distribution(self, key, spec, entry, method, low, high):
        """A range's distribution: uniform (default), normal truncated to the range (mean
        defaults to the middle, sd to a quarter of the range), or log-uniform (low > 0)."""
        name = entry.get("distribution", "uniform")
        self.choice(entry, key + ".distribution", name, DISTRIBUTIONS)
        if name != "uniform" and method not in ("random", "latin", "sobol"):
            self.fail(key + ".distribution", name, f"sampler '{method}' takes uniform ranges; "
                      f"distributions need sampler random, latin or sobol")
        for extra in ("mean", "sd"):
            if extra in entry and name != "normal":
                self.fail(f"{key}.{extra}", entry[extra], "goes with distribution = \"normal\"")
        if name == "loguniform" and not low > 0:
            self.fail(key + ".range", entry["range"], "distribution 'loguniform' needs low > 0")
        if name != "normal":
            return name, None, None
        mean = entry.get("mean", (low + high) / 2)
        if not _is_number(mean) or not low <= mean <= high:
            self.fail(key + ".mean", mean, f"a number within range = [{low:g}, {high:g}] "
                      f"({spec.name}: {spec.allowed()})")
        sd = entry.get("sd", (high - low) / 4)
        if not _is_number(sd) or not sd > 0:
            self.fail(key + ".sd", sd, "a number > 0")
        return name, float(mean), float(sd)

    def coerce(self, key: str, spec, value: Any) -> float:
        if isinstance(value, (list, dict)):
            self.fail(key, value, spec.allowed())
        if spec.kind == "choice" and not isinstance(value, str):
            self.fail(key, value, f"{spec.name} is given by name, not by code: {spec.allowed()}")
        if isinstance(value, bool) and spec.kind != "bool":
            self.fail(key, value, f"{spec.name} is a number, not true or false: {spec.allowed()}")
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

    def output(self, table: Mapping[str, Any], days: int = calendar.MAX_DAYS,
               factors: tuple[Factor, ...] = ()) -> Output:
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
        taken = {*OUTCOME_COLUMNS, *sim.PARAMS, *KEY_COLUMNS}
        entries = table.get("derived", [])
        if not isinstance(entries, list):
            self.fail("output.derived", entries, "a list of tables ([[output.derived]])")
        derived = []
        for i, entry in enumerate(entries):
            item = self.derived(f"output.derived[{i}]", entry, days, taken)
            taken.add(item.name)
            derived.append(item)
        record_drawn = self.boolean(table, "record_drawn", True, prefix="output.")
        return Output(outcomes, trajectories, bands, fields, tuple(float(q) for q in quantiles),
                      tuple(derived), record_drawn)

    def derived(self, key: str, entry: Any, days: int, taken: set[str]) -> DerivedOutcome:
        if not isinstance(entry, Mapping):
            self.fail(key, entry, "a table { name, field, reduce, ... }")
        entry = {k: v for k, v in entry.items() if v is not None}  # as read from a manifest
        self.known_keys(key + ".", entry, _DERIVED_KEYS)
        for required in ("name", "field", "reduce"):
            if required not in entry:
                self.missing(f"{key}.{required}", "each derived outcome needs name, field "
                             "and reduce")
        name = entry["name"]
        if not isinstance(name, str) or not name.isidentifier():
            self.fail(key + ".name", name, "a name of letters, digits and _ (not starting with "
                      "a digit)")
        if name.startswith(("drawn_", "type_")):
            self.fail(key + ".name", name, "a name not starting with drawn_ or type_ (the "
                      "columns of the run's drawn world)")
        if name in taken:
            self.fail(key + ".name", name, "already a column (an outcome, a parameter or "
                      "another derived outcome)")
        self.choice(entry, key + ".field", entry["field"], TRAJECTORY_FIELDS)
        reduce = self.choice(entry, key + ".reduce", entry["reduce"], tuple(DERIVED_REDUCERS))
        needs_value, windowed = DERIVED_REDUCERS[reduce]
        value = entry.get("value")
        if entry["field"] == "talks_phase" and isinstance(value, str):
            if value not in PHASE_NAMES:  # a phase by its name, as the tables show it
                self.fail(key + ".value", value, "a talks phase: one of " + ", ".join(
                    f"'{n}'" for n in PHASE_NAMES) + " (or its code 0-3)")
            value = PHASE_NAMES.index(value)
        if needs_value and "value" not in entry:
            self.missing(key + ".value", f"reduce '{reduce}' needs value = <number>")
        if needs_value and not _is_number(value):
            self.fail(key + ".value", value, f"reduce '{reduce}' needs value = <number>")
        if not needs_value and "value" in entry:
            self.fail(key + ".value", value, f"reduce '{reduce}' takes no value")
        for window in ("days", "months"):
            if window in entry and not windowed:
                self.fail(f"{key}.{window}", entry[window], f"reduce '{reduce}' takes no window "
                          f"(use mean with days = [d, d] for one day)")
        window = entry.get("days")
        if window is not None:
            if (not isinstance(window, list) or len(window) != 2
                    or not all(isinstance(d, int) and not isinstance(d, bool) for d in window)
                    or not 0 <= window[0] <= window[1] <= days):
                self.fail(key + ".days", window, f"two whole days [from, to] with "
                          f"0 <= from <= to <= {days}")
            window = (window[0], window[1])
        months = entry.get("months")
        if months is not None:
            if (not isinstance(months, list) or not months
                    or not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12
                               for m in months)):
                self.fail(key + ".months", months, "a non-empty list of months 1-12")
            months = tuple(months)
        return DerivedOutcome(name, entry["field"], reduce, float(value) if needs_value else None,
                       window, months)

    def sensitivity(self, table: Mapping[str, Any], derived: tuple[str, ...] = ()) -> Sensitivity:
        self.known_keys("sensitivity.", table, _SENSITIVITY_KEYS)
        outcomes = table.get("outcomes", list(Sensitivity().outcomes))
        if isinstance(outcomes, str):
            outcomes = [outcomes]
        if not isinstance(outcomes, list) or not outcomes:
            self.fail("sensitivity.outcomes", outcomes, "a non-empty list")
        for name in outcomes:
            if not _is_sensitivity_target(name, derived):
                self.fail("sensitivity.outcomes", name, share_targets_allowed(name)
                          if isinstance(name, str) and name.startswith("share:") else
                          "a numeric outcome column, 'reached:<column>' or 'share:<outcome class>'")
        gappy = [name for name in outcomes if name in OUTCOMES and OUTCOMES[name].empty_without]
        if gappy:
            self.fail("sensitivity.outcomes", gappy, "empty in runs without the event they "
                      "measure (" + "; ".join(f"{n}: {OUTCOMES[n].empty_without}" for n in gappy)
                      + "), so no index can be computed; use " + ", ".join(
                          f"'reached:{n}'" for n in gappy) + " for the share of runs with it")
        conf = table.get("conf_level", 0.95)
        if not _is_number(conf) or not 0.5 <= conf < 1:
            self.fail("sensitivity.conf_level", conf, "a number in [0.5, 1)")
        resamples = self.whole(table, "resamples", 1000, 10, 10**5, prefix="sensitivity.")
        return Sensitivity(tuple(outcomes), float(conf), resamples)


def _is_sensitivity_target(name: Any, derived: tuple[str, ...] = ()) -> bool:
    if not isinstance(name, str):
        return False
    if name.startswith("share:"):
        return name[6:] in sim.OUTCOME_CLASSES
    if name.startswith("reached:"):
        return name[8:] in OUTCOME_COLUMNS or name[8:] in derived
    return (name in OUTCOME_COLUMNS and name != "outcome") or name in derived


def _default_name(source: str) -> str:
    """A spec without `name` is named after its file ("sweep" when that is no plain name)."""
    stem = Path(source).stem
    plain = stem and not stem.startswith(".") and all(c.isalnum() or c in "._-" for c in stem)
    return stem if plain else "sweep"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _show(value: Any) -> str:
    """A value as it is written in TOML (true, "text", [1, 2], { range = [0, 1] })."""
    text = _toml(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):  # a TOML date, shown as written
        return value.isoformat()
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return repr(value)
