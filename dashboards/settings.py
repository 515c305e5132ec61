"""The student's settings: a frozen value (what a reset starts from), the parsing of what a
student types into one, and its two outside forms: a small TOML file (saved and opened in the
page, run by `conflictsim run --settings FILE`) and a link's query string. No Solara, no model:
a `Settings` is the key of a fan and of the shared fan cache.
"""

from __future__ import annotations

import datetime
import json
import os
import tomllib
import urllib.parse
from dataclasses import dataclass, replace
from typing import Any, Mapping

import numpy as np

import sim
from sim import calendar
from sim.params import InputError, ParamError


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
    # how the runs were made, as a sweep row's were (`sim.uncertainty`, `sim.core.portable`):
    # the defaults unless a row of a sweep made otherwise is opened
    uncertainty: str = sim.uncertainty.DEFAULT_MODE
    math: str = sim.DEFAULT_MATH
    # Changes made during a run, each with the day it was made: (day, ((name, value), ...)), in
    # day order. A saved file or link keeps them, so reopening it replays the same run.
    changes: tuple[tuple[int, tuple[tuple[str, Any], ...]], ...] = ()

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

    def with_change(self, day: int, name: str, value: Any) -> "Settings":
        """These settings with a change made on `day` of a run (checked against PARAMS); a
        second change of the same parameter on the same day replaces the first."""
        spec = sim.PARAMS.get(name)
        if spec is None:
            raise ParamError("parameter", name, "a name listed by `conflictsim params`")
        spec.coerce(value)
        if not 1 <= day < self.days:
            raise ParamError("day", day, f"a whole number in [1, {self.days - 1}]")
        by_day = {d: dict(values) for d, values in self.changes}
        by_day.setdefault(day, {})[name] = value
        return replace(self, changes=tuple((d, tuple(sorted(by_day[d].items())))
                                           for d in sorted(by_day)))

    def folded(self) -> "Settings":
        """The changes made during a run folded into the day-0 settings (the last value of each
        parameter from day 0 on): what Reset starts from."""
        merged = self
        for _, values in self.changes:
            for name, value in values:
                merged = merged.with_value(name, value)
        return replace(merged, changes=())

    def changes_on(self, day: int) -> dict[str, Any]:
        """The changes made on `day` (empty if none)."""
        return next((dict(values) for d, values in self.changes if d == day), {})

    def with_scenario(self, scenario: str) -> "Settings":
        """A new preset; the student's own values and an opened sweep's start date, uncertainty
        and math are cleared (they belonged to the old one): presets start on 2024-12-01."""
        if scenario not in sim.SCENARIOS:
            raise ParamError("scenario", scenario, "one of " + ", ".join(sim.SCENARIOS))
        return replace(self, scenario=scenario, overrides=(), start_date=None, changes=(),
                       uncertainty=Settings.uncertainty, math=Settings.math)

    def preset(self) -> "Settings":
        return replace(self, overrides=(), changes=())

    def value(self, name: str) -> Any:
        """The value in force: the student's last change, else their setting, else the
        preset's, else the default."""
        for _, values in reversed(self.changes):
            if name in dict(values):
                return dict(values)[name]
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
                    uncertainty=self.uncertainty, math=self.math, **self.overrides_dict)

    def simulate_kwargs(self) -> dict[str, Any]:
        """The same ensemble as `sim.simulate` arguments (what the browser test checks against)."""
        return dict(scenario=self.scenario, runs=self.n_runs, days=self.days, seed=self.seed,
                    run_offset=self.run_offset, overrides=self.overrides_dict,
                    start_date=self.start_date, uncertainty=self.uncertainty, math=self.math)


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


# -- settings as a file and as a link ------------------------------------------------------------
SETTINGS_FORMAT = "conflictsim settings"
SETTINGS_KEYS = ("format", "scenario", "seed", "run", "start_date", "uncertainty", "math",
                 "parameters", "changes")
QUERY_KEYS = ("scenario", "seed", "run", "start_date", "uncertainty", "math")
# how the runs are made, and the values that need no saying (`Settings`)
MODE_KEYS = {"uncertainty": (sim.uncertainty.MODES, sim.uncertainty.DEFAULT_MODE),
             "math": (sim.MATH_MODES, sim.DEFAULT_MATH)}
LINK_CHANGE_KEY = "change"  # `change=DAY:NAME:VALUE`, one per change made during a run
LINK_LESSON_KEY = "lesson"  # `?lesson=NAME` opens a guided lesson (a teacher's link)
MAX_SETTINGS_BYTES = 64_000


class SettingsFileError(InputError):
    """A settings file or link the model cannot use; one line naming the source, key and value."""


def settings_to_toml(settings: Settings) -> str:
    """A student's settings as a small TOML file: what `settings_from_text` and
    `conflictsim run --settings FILE` read back. Only what the student chose is written: the
    preset, the changed parameters, the seed and first run (and a start date if not the
    default)."""
    lines = [f"format = {_toml(SETTINGS_FORMAT)}", f"scenario = {_toml(settings.scenario)}",
             f"seed = {settings.seed}", f"run = {settings.run_offset}"]
    if settings.start_date is not None:
        lines.append(f"start_date = {_toml(settings.start_date)}")
    lines += [f"{key} = {_toml(getattr(settings, key))}" for key, (_, default) in MODE_KEYS.items()
              if getattr(settings, key) != default]
    lines.append("")
    lines.append("[parameters]")
    lines += [f"{name} = {_toml(value)}" for name, value in settings.overrides]
    for day, values in settings.changes:  # made during the run, on `day`
        lines += ["", "[[changes]]", f"day = {day}"]
        lines += [f"{name} = {_toml(value)}" for name, value in values]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return json.dumps(str(value))  # a JSON string is a TOML basic string


def settings_from_text(text: str, source: str, base: Settings | None = None) -> Settings:
    """Settings read from a file's text (TOML, or JSON if it starts with `{`)."""
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as err:
        raise SettingsFileError(f"{source}: not a settings file ({str(err).splitlines()[0]})") \
            from None
    if not isinstance(data, dict):
        raise SettingsFileError(f"{source}: not a settings file (a table of keys is needed)")
    return settings_from_mapping(data, source, base)


def read_settings_file(path: str | os.PathLike) -> Settings:
    """Settings from a saved file; a one-line `SettingsFileError` naming the file otherwise."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SETTINGS_BYTES + 1)
    except OSError as err:
        raise SettingsFileError(f"{path}: cannot read it ({err.strerror or err})") from None
    if len(raw) > MAX_SETTINGS_BYTES:
        raise SettingsFileError(f"{path}: too large for a settings file (at most "
                                f"{MAX_SETTINGS_BYTES // 1000} kB)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SettingsFileError(f"{path}: not a settings file (not UTF-8 text)") from None
    settings = settings_from_text(text, str(path))
    if settings.changes:
        raise SettingsFileError(f"{path}: changes on day {settings.changes[0][0]} are not "
                                "allowed here: changes made during a run replay in the dashboard "
                                "(open the file there); `conflictsim run` takes settings from "
                                "day 0 only")
    return settings


def settings_from_mapping(data: Mapping[str, Any], source: str,
                          base: Settings | None = None) -> Settings:
    """Check every key and value of a settings table against the presets and `sim.PARAMS`; the
    first refusal is a one-line `SettingsFileError` naming the source, the key and the value."""
    base = base or Settings()
    for key in data:
        if key not in SETTINGS_KEYS:
            raise SettingsFileError(f"{source}: key {key!r} is not allowed: one of "
                                    + ", ".join(SETTINGS_KEYS))
    if "format" in data and data["format"] != SETTINGS_FORMAT:
        raise SettingsFileError(f"{source}: format={data['format']!r} is not allowed: "
                                f"{SETTINGS_FORMAT!r}")
    if "scenario" not in data:
        raise SettingsFileError(f"{source}: key 'scenario' is missing: one of "
                                + ", ".join(sim.SCENARIOS))
    try:
        settings = base.with_scenario(str(data["scenario"]) if isinstance(data["scenario"], str)
                                      else repr(data["scenario"]))
        settings = replace(settings, seed=_whole_value("seed", data.get("seed", 0), MAX_SEED),
                           run_offset=_whole_value("run", data.get("run", 0), MAX_RUN_INDEX),
                           start_date=parse_start_date(data.get("start_date")),
                           **{key: _mode(key, data.get(key, default))
                              for key, (_, default) in MODE_KEYS.items()})
        parameters = data.get("parameters", {})
        if not isinstance(parameters, Mapping):
            raise ParamError("parameters", parameters, "a table of parameter = value")
        for name, value in parameters.items():
            settings = settings.with_value(name, _typed_value(name, value))
        changes = data.get("changes", [])
        if not isinstance(changes, list) or not all(isinstance(c, Mapping) for c in changes):
            raise ParamError("changes", changes, "a list of tables, each a day and values")
        for change in changes:
            day = _whole_value("changes.day", change.get("day", "missing"), settings.days - 1)
            for name, value in change.items():
                if name != "day":
                    settings = settings.with_change(day, name, _typed_value(name, value))
    except InputError as err:
        raise SettingsFileError(f"{source}: {err}") from None
    return settings


def _mode(key: str, value: Any) -> str:
    """A mode of the runs (`MODE_KEYS`), checked: one of its allowed names."""
    allowed, _ = MODE_KEYS[key]
    if value not in allowed:
        raise ParamError(key, value, "one of " + ", ".join(allowed))
    return str(value)


def _whole_value(name: str, value: Any, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ParamError(name, value, f"a whole number in [0, {high}]")
    return _whole(name, str(value), high)


def parse_start_date(value: Any) -> str | None:
    """A start date as settings keep it: None for the scenarios' start, else ISO text."""
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    try:
        date = datetime.date.fromisoformat(text)
    except ValueError:
        date = None
    if date is None or not calendar.EARLIEST_START <= date <= calendar.START_DATE:
        raise ParamError("start_date", text, f"a date from {calendar.EARLIEST_START} to "
                                              f"{calendar.START_DATE}")
    return None if date == calendar.START_DATE else date.isoformat()


def _typed_value(name: str, value: Any) -> Any:
    """A value from a file, of the kind its parameter takes (a file says `true`, not `"on"`)."""
    spec = sim.PARAMS.get(name)
    if spec is None:
        raise ParamError("parameter", name, "a name listed by `conflictsim params`")
    if spec.kind == "choice":
        if not isinstance(value, str):
            raise ParamError(name, value, spec.allowed())
        return value
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise ParamError(name, value, "true or false")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParamError(name, value, spec.allowed())
    return value


def settings_to_query(settings: Settings) -> str:
    """The settings as a link's query string (`?scenario=...&seed=...&trump_aid_level=0.3`)."""
    pairs = [("scenario", settings.scenario), ("seed", str(settings.seed)),
             ("run", str(settings.run_offset))]
    if settings.start_date is not None:
        pairs.append(("start_date", settings.start_date))
    pairs += [(key, getattr(settings, key)) for key, (_, default) in MODE_KEYS.items()
              if getattr(settings, key) != default]
    pairs += [(name, _query_text(value)) for name, value in settings.overrides]
    pairs += [(LINK_CHANGE_KEY, f"{day}:{name}:{_query_text(value)}")
              for day, values in settings.changes for name, value in values]
    return urllib.parse.urlencode(pairs)


def address_query(settings: Settings, search: str | None = None) -> str:
    """The page's own address for `settings`: the shared link's query (`settings_to_query`, the
    one encoder), with the lesson the current address names (`search`) kept, so a reload opens
    the same lesson too."""
    lesson = [(key, value) for key, value in urllib.parse.parse_qsl((search or "").lstrip("?"))
              if key == LINK_LESSON_KEY][:1]
    return "&".join(part for part in (settings_to_query(settings), urllib.parse.urlencode(lesson))
                    if part)


def _query_text(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "on" if value else "off"
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def settings_from_query(search: str, base: Settings | None = None) -> Settings | None:
    """Settings from a link's query string, None if it holds none; typed values are checked as a
    typed value is (`parse_value`). Any other key is refused: a link names settings, never a file
    or a path."""
    pairs = [(key, text) for key, text in
             urllib.parse.parse_qsl((search or "").lstrip("?"), keep_blank_values=True)
             if key != LINK_LESSON_KEY]
    if not pairs:
        return None
    data: dict[str, Any] = {}
    parameters: dict[str, Any] = {}
    changes: list[dict[str, Any]] = []
    try:
        for key, text in pairs:
            if key in QUERY_KEYS:
                data[key] = text
            elif key in sim.PARAMS:
                parameters[key] = parse_value(key, text)
            elif key == LINK_CHANGE_KEY:
                day, _, rest = text.partition(":")
                name, _, value = rest.partition(":")
                changes.append({"day": day.strip(), name: parse_value(name, value)})
            else:
                raise SettingsFileError(f"link: key {key[:40]!r} is not allowed: scenario, seed, "
                                        "run, start_date, uncertainty, math, change, lesson or a "
                                        "parameter name")
    except SettingsFileError:
        raise
    except InputError as err:
        raise SettingsFileError(f"link: {err}") from None
    return settings_from_mapping(data | {"parameters": parameters, "changes": changes}, "link",
                                 base)
