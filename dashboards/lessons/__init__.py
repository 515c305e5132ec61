"""Guided lessons: data files (`*.toml` in this folder, shipped with the package) that set up a
scenario, ask the student to predict, run the model and explain the mechanism behind what it
shows. A teacher writes one without touching code; the format is in docs/LESSONS.md.

Every file is checked when it is loaded: keys, types, the scenario and every parameter (names and
values against `sim.PARAMS`, as a saved settings file is), the variable it reads (a trajectory the
model records). A bad file is a one-line `LessonError` naming the file, the key and the value.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np

import sim
from sim import calendar
from sim.model import TRAJECTORY_FIELDS
from sim.params import InputError

from ..settings import HORIZON_DAYS, Settings, settings_from_mapping

LESSONS_DIR = Path(__file__).resolve().parent
TOP_KEYS = {"title": str, "question": str, "introduction": str, "scenario": str,
            "run_days": int, "compare_with": str, "parameters": dict, "predict": dict,
            "observe": dict, "explain": dict, "order": int}
REQUIRED = ("title", "question", "introduction", "scenario", "run_days", "predict", "observe",
            "explain")
SECTION_KEYS = {
    "predict": ({"question": str, "choices": list}, ("question",)),
    "observe": ({"question": str, "variable": str, "label": str, "unit": str, "scale": float},
                ("question", "variable", "label", "unit")),
    "explain": ({"text": str}, ("text",)),
}


class LessonError(InputError):
    """A lesson file the dashboard cannot use; one line naming the file, key and value."""


@dataclass(frozen=True)
class Lesson:
    """One guided lesson, checked. `settings` are what the lesson sets up at day 0."""

    name: str  # the file's stem: how a link (`?lesson=NAME`) and the tests refer to it
    title: str
    question: str
    introduction: str
    settings: Settings
    run_days: int
    compare_with: str | None  # a preset shown beside the student's run, if any
    predict_question: str
    choices: tuple[str, ...]  # empty: the student types a prediction
    observe_question: str
    variable: str
    label: str
    unit: str
    scale: float  # the variable is divided by this before it is shown in `unit`
    explanation: str
    order: int


def _check_table(table: Mapping[str, Any], allowed: Mapping[str, type], required, where: str,
                 source: str) -> None:
    for key, value in table.items():
        if key not in allowed:
            raise LessonError(f"{source}: key {where}{key!r} is not allowed: one of "
                              + ", ".join(allowed))
        kind = allowed[key]
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)) if kind is float \
            else (isinstance(value, kind) and not (kind is int and isinstance(value, bool)))
        if not ok:
            raise LessonError(f"{source}: {where}{key}={value!r} is not allowed: "
                              f"{_kind_text(kind)}")
        if kind is str and not value.strip() and key != "unit":
            raise LessonError(f"{source}: {where}{key} is empty: some text is needed")
    for key in required:
        if key not in table:
            raise LessonError(f"{source}: key {where}{key!r} is missing")


def _kind_text(kind: type) -> str:
    return {str: "text", int: "a whole number", float: "a number", list: "a list",
            dict: "a table"}[kind]


def lesson_from_table(data: Mapping[str, Any], name: str, source: str) -> Lesson:
    """A lesson from its parsed TOML table; `LessonError` at the first problem."""
    _check_table(data, TOP_KEYS, REQUIRED, "", source)
    sections = {}
    for section, (allowed, required) in SECTION_KEYS.items():
        _check_table(data[section], allowed, required, f"{section}.", source)
        sections[section] = data[section]
    choices = sections["predict"].get("choices", [])
    if any(not isinstance(c, str) or not c.strip() for c in choices) or len(choices) == 1:
        raise LessonError(f"{source}: predict.choices={choices!r} is not allowed: two or more "
                          "pieces of text, or none (the student types a prediction)")
    run_days = data["run_days"]
    if not 1 <= run_days <= HORIZON_DAYS:
        raise LessonError(f"{source}: run_days={run_days} is not allowed: a whole number in "
                          f"[1, {HORIZON_DAYS}]")
    compare_with = data.get("compare_with")
    if compare_with is not None and compare_with not in sim.SCENARIOS:
        raise LessonError(f"{source}: compare_with={compare_with!r} is not allowed: one of "
                          + ", ".join(sim.SCENARIOS))
    variable = sections["observe"]["variable"]
    if variable not in TRAJECTORY_FIELDS:
        raise LessonError(f"{source}: observe.variable={variable!r} is not allowed: one of "
                          + ", ".join(TRAJECTORY_FIELDS))
    scale = float(sections["observe"].get("scale", 1.0))
    if not scale > 0:
        raise LessonError(f"{source}: observe.scale={scale!r} is not allowed: a number > 0")
    try:
        settings = settings_from_mapping({"scenario": data["scenario"],
                                          "parameters": data.get("parameters", {})}, source)
    except InputError as err:
        raise LessonError(str(err)) from None
    return Lesson(name=name, title=data["title"].strip(), question=data["question"].strip(),
                  introduction=data["introduction"].strip(), settings=settings,
                  run_days=run_days, compare_with=compare_with,
                  predict_question=sections["predict"]["question"].strip(),
                  choices=tuple(c.strip() for c in choices),
                  observe_question=sections["observe"]["question"].strip(), variable=variable,
                  label=sections["observe"]["label"].strip(),
                  unit=sections["observe"]["unit"].strip(), scale=scale,
                  explanation=sections["explain"]["text"].strip(), order=data.get("order", 100))


def load_lesson(path: Path | str) -> Lesson:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise LessonError(f"{path}: cannot read it ({err.strerror or err})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise LessonError(f"{path}: not valid TOML ({str(err).splitlines()[0]})") from None
    return lesson_from_table(data, path.stem, str(path))


def load_lessons(folder: Path | str = LESSONS_DIR) -> tuple[Lesson, ...]:
    """Every lesson in `folder`, in their `order` (then by title); the first bad file raises."""
    lessons = [load_lesson(p) for p in sorted(Path(folder).glob("*.toml"))]
    return tuple(sorted(lessons, key=lambda lesson: (lesson.order, lesson.title)))


def observation_text(lesson: Lesson, trajectories: Mapping[str, np.ndarray], day: int,
                     start: datetime.date = calendar.START_DATE) -> str:
    """What the model shows at the lesson's day, in words: the median over runs of the lesson's
    variable then and at the start (the fan shows the spread)."""
    values = np.asarray(trajectories[lesson.variable]) / lesson.scale
    then, now = float(np.median(values[:, 0])), float(np.median(values[:, day]))
    unit = f" {lesson.unit}" if lesson.unit else ""
    runs = values.shape[0]
    return (f"{lesson.label}, median of the {runs} runs: {_number(now)}{unit} on "
            f"{calendar.date_of(day, start).strftime('%d %B %Y')}, against {_number(then)}{unit} "
            f"at the start ({'+' if now >= then else '−'}{_number(abs(now - then))}{unit}).")


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
