"""Guided lessons: data files (`*.toml` in this folder, shipped with the package) that set up a
scenario, ask the student to predict, run the model and explain the mechanism behind what it
shows. A teacher writes one without touching code; the format is in docs/LESSONS.md.

Every file is checked when it is loaded: keys, types, the scenario and every parameter (names and
values against `sim.PARAMS`, as a saved settings file is), the variable it reads (a trajectory the
model records). A bad file is a one-line `LessonError` naming the file, the key and the value.
"""

from __future__ import annotations

import datetime
import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

import numpy as np

import sim
from sim import calendar
from sim.trajectories import TRAJECTORIES, TRAJECTORY_FIELDS
from sim.params import InputError, plain_value, short_label

from ..settings import HORIZON_DAYS, Settings, settings_from_mapping

LESSONS_DIR = Path(__file__).resolve().parent
TOP_KEYS = {"title": str, "question": str, "introduction": str, "scenario": str,
            "run_days": int, "compare_with": str, "compare_label": str, "parameters": dict,
            "predict": dict,
            "observe": dict, "explain": dict, "order": int, "start_date": str}
REQUIRED = ("title", "question", "introduction", "scenario", "run_days", "predict", "observe",
            "explain")
SECTION_KEYS = {
    "predict": ({"question": str, "choices": list, "ranges": list, "axis": str}, ("question",)),
    "observe": ({"question": str, "variable": str, "label": str, "unit": str, "scale": float,
                 "day": int, "measure": str, "share_at_least": float, "share_label": str},
                ("question", "variable")),
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
    day: int = 0  # the question's day (0: the lesson's `run_days`)
    measure: str = "level"  # "level": the value on `day`; "change": since day 0, run by run;
    #                         "reached" (a question about runs): at some point up to `day`
    share_at_least: float | None = None  # a question about runs: those with value >= this
    share_label: str = ""  # what those runs are, in words ("in a ceasefire or a settlement")
    compare_label: str = ""  # what the compared fan is, where its preset's title would mislead
    # what each choice stands for, on `axis` (`predictions.AXES`): (low, high) per choice, a
    # bound a number (±inf: open) or "compared" (the comparison's median); empty: not said
    ranges: tuple[tuple[float | str, float | str], ...] = ()
    axis: str = "value"

    @property
    def question_day(self) -> int:
        return self.day or self.run_days

    @property
    def start(self) -> datetime.date:
        """The day the lesson's runs start from (the scenarios' 1 Dec 2024 unless it says)."""
        return calendar.parse_start(self.settings.start_date)

    @property
    def about_runs(self) -> bool:
        return self.share_at_least is not None

    @property
    def reached(self) -> bool:
        """The question counts runs that met it at some point by its day ("within a year"),
        not those meeting it on that day."""
        return self.measure == "reached"


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
    compare_label = data.get("compare_label", "").strip()
    if compare_label and compare_with is None:
        raise LessonError(f"{source}: compare_label={compare_label!r} is not allowed without "
                          "compare_with: it names the compared fan")
    predict = sections["predict"]
    axis = predict.get("axis", "value")
    ranges = _ranges(predict.get("ranges"), choices, axis, data, sections["observe"], source)
    variable = sections["observe"]["variable"]
    if variable not in TRAJECTORY_FIELDS:
        raise LessonError(f"{source}: observe.variable={variable!r} is not allowed: one of "
                          + ", ".join(TRAJECTORY_FIELDS))
    spec = TRAJECTORIES[variable]
    # a lesson that names its own unit says its own scale (default 1); otherwise the series' own
    own_unit = "unit" in sections["observe"]
    scale = float(sections["observe"].get("scale", 1.0 if own_unit else spec.display_scale))
    if not scale > 0:
        raise LessonError(f"{source}: observe.scale={scale!r} is not allowed: a number > 0")
    observe = sections["observe"]
    day = observe.get("day", run_days)
    if not 1 <= day <= run_days:
        raise LessonError(f"{source}: observe.day={day!r} is not allowed: a whole number in "
                          f"[1, run_days={run_days}]")
    measure = observe.get("measure", "level")
    if measure not in MEASURES:
        raise LessonError(f"{source}: observe.measure={measure!r} is not allowed: one of "
                          + ", ".join(MEASURES))
    share_at_least = observe.get("share_at_least")
    if measure == "reached" and share_at_least is None:
        raise LessonError(f"{source}: observe.measure='reached' is not allowed without "
                          "share_at_least: it counts the runs that met it by the day")
    share_label = observe.get("share_label", "").strip()
    if (share_at_least is None) != (not share_label):
        raise LessonError(f"{source}: observe.share_label={share_label!r} is not allowed: "
                          "needed with share_at_least (a question about runs), and only then")
    explanation = sections["explain"]["text"].strip()
    try:
        named = _placeholders(explanation)
    except ValueError as err:  # a brace left open or standing alone
        raise LessonError(f"{source}: explain.text is not allowed: {err} (a placeholder is "
                          "written {name}; a brace of its own is written {{ or }})") from None
    unknown = sorted(set(named) - set(PLACEHOLDERS))
    if unknown:
        raise LessonError(f"{source}: explain.text={{{unknown[0]}}} is not allowed: one of "
                          + ", ".join("{" + p + "}" for p in PLACEHOLDERS))
    try:
        settings = settings_from_mapping({"scenario": data["scenario"],
                                          "start_date": data.get("start_date"),
                                          "parameters": data.get("parameters", {})}, source)
    except InputError as err:
        raise LessonError(str(err)) from None
    return Lesson(name=name, title=data["title"].strip(), question=data["question"].strip(),
                  introduction=data["introduction"].strip(), settings=settings,
                  run_days=run_days, compare_with=compare_with,
                  predict_question=sections["predict"]["question"].strip(),
                  choices=tuple(c.strip() for c in choices),
                  observe_question=sections["observe"]["question"].strip(), variable=variable,
                  label=observe.get("label", spec.label).strip(),
                  unit=observe.get("unit", spec.shown_unit).strip(), scale=scale,
                  explanation=explanation, order=data.get("order", 100), day=day,
                  measure=measure,
                  share_at_least=None if share_at_least is None else float(share_at_least),
                  share_label=share_label, compare_label=compare_label, ranges=ranges,
                  axis=axis)


AXES = ("value", "ratio")  # the lesson's quantity with the student's settings; it over the
#                            comparison's, run by run
COMPARED = "compared"  # a range's bound that is the comparison fan's median


def _ranges(ranges: list | None, choices: list, axis: str, data: Mapping[str, Any],
            observe: Mapping[str, Any], source: str) -> tuple:
    """`predict.ranges`, checked against the choices and the axis they are on."""
    about_runs = "share_at_least" in observe
    if axis not in AXES:
        raise LessonError(f"{source}: predict.axis={axis!r} is not allowed: one of "
                          + ", ".join(AXES))
    if axis == "ratio" and ("compare_with" not in data or about_runs):
        raise LessonError(f"{source}: predict.axis='ratio' is not allowed without compare_with "
                          "or for a question about runs: it divides by the compared fan")
    if ranges is None:
        return ()
    if len(ranges) != len(choices):
        raise LessonError(f"{source}: predict.ranges={ranges!r} is not allowed: one [low, high] "
                          f"for each of the {len(choices)} choices")
    def bound(b) -> bool:
        if b == COMPARED:
            return axis == "value" and "compare_with" in data and not about_runs
        return isinstance(b, (int, float)) and not isinstance(b, bool) and b == b

    out = []
    for pair in ranges:
        if not (isinstance(pair, list) and len(pair) == 2 and all(bound(b) for b in pair)) or (
                COMPARED not in pair and pair[0] > pair[1]):
            raise LessonError(f"{source}: predict.ranges entry {pair!r} is not allowed: "
                              "[low, high], numbers with low <= high (inf and -inf leave a side "
                              f"open), or {COMPARED!r} (on the value axis with compare_with)")
        out.append(tuple(b if b == COMPARED else float(b) for b in pair))
    return tuple(out)


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


LESSONS_ENV = "CONFLICTSIM_LESSONS"  # the folder `conflictsim dashboard --lessons` names


def lessons_folder(environ: Mapping[str, str] | None = None) -> Path:
    """The teacher's folder of lessons (`conflictsim dashboard --lessons DIR`), else the
    lessons shipped with the package."""
    folder = (os.environ if environ is None else environ).get(LESSONS_ENV, "").strip()
    return Path(folder) if folder else LESSONS_DIR


def page_lessons(environ: Mapping[str, str] | None = None) -> tuple[tuple[Lesson, ...], str]:
    """The page's lessons and, if a file is bad, the one line saying which and why (the page
    then offers no lessons and shows that line; the rest of the page works)."""
    try:
        return load_lessons(lessons_folder(environ)), ""
    except LessonError as err:
        return (), str(err)


MEASURES = ("level", "change", "reached")


# -- the lesson's answer, measured --------------------------------------------------------------
@dataclass(frozen=True)
class Measured:
    """One fan's answer to the lesson's question: over runs, the quantity on the question's day
    (median and 90 % band: 5th to 95th percentile), and for a question about runs the share of
    runs that meet it on that day and at some point up to it."""

    label: str
    runs: int
    values: np.ndarray  # the quantity per run on the question's day, in the lesson's unit
    median: float
    low: float
    high: float
    share: float | None = None
    share_by_then: float | None = None


def checked_share(lesson: Lesson, m: Measured) -> float | None:
    """The share a question about runs asks for: on its day, or by then (`Lesson.reached`)."""
    return m.share_by_then if lesson.reached else m.share


def question_values(lesson: Lesson, trajectories: Mapping[str, np.ndarray]) -> np.ndarray:
    """The lesson's quantity per run on its day, in its unit (run by run: a change is each
    run's own day-0 value subtracted)."""
    runs = np.asarray(trajectories[lesson.variable], dtype=float)
    values = runs[:, lesson.question_day]
    if lesson.measure == "change":
        values = values - runs[:, 0]
    return values / lesson.scale


def measure(lesson: Lesson, trajectories: Mapping[str, np.ndarray], label: str) -> Measured:
    values = question_values(lesson, trajectories)
    low, median, high = (float(q) for q in np.quantile(values, [0.05, 0.5, 0.95]))
    share = share_by_then = None
    if lesson.about_runs:
        runs = np.asarray(trajectories[lesson.variable])[:, : lesson.question_day + 1]
        share = float(np.mean(runs[:, -1] >= lesson.share_at_least))
        share_by_then = float(np.mean((runs >= lesson.share_at_least).any(axis=1)))
    return Measured(label, len(values), values, median, low, high, share, share_by_then)


def question_series(lesson: Lesson, trajectories: Mapping[str, np.ndarray]) -> np.ndarray:
    """The lesson's quantity per run and day over the lesson's run (runs, run_days + 1), as its
    chart shows it: the value or the change since day 0 in the lesson's unit; for a question
    about runs, whether each run meets it (0 or 1), or has met it by each day (`reached`)."""
    runs = np.asarray(trajectories[lesson.variable], dtype=float)[:, : lesson.run_days + 1]
    if lesson.about_runs:
        met = (runs >= lesson.share_at_least).astype(float)
        return np.maximum.accumulate(met, axis=1) if lesson.reached else met
    if lesson.measure == "change":
        runs = runs - runs[:, :1]
    return runs / lesson.scale


@dataclass(frozen=True)
class LessonProgress:
    """How far a lesson's run has got, which the page says while it runs: the model's day, its
    date and the number of runs."""

    day: int
    date: datetime.date
    runs: int


@dataclass(frozen=True)
class LessonStopped:
    """A lesson's run that ended without its answer, and why (the student reset the model or
    changed a setting while it ran, or it stopped before the question's day). Returned, not
    raised: it is the student's doing, not a fault, and a task that raises is logged as one."""

    reason: str


@dataclass(frozen=True, eq=False)
class LessonAnswer:
    """What the page says the model shows for the lesson's question: the quantity, the day,
    each fan's numbers, and sentences made from those numbers alone."""

    lesson: Lesson
    date: datetime.date
    ours: Measured
    theirs: Measured | None
    words: Mapping[str, str]  # the explanation's placeholders, filled from the numbers
    sentences: tuple[str, ...]
    ours_series: np.ndarray  # `question_series` of each fan, for the lesson's chart
    theirs_series: np.ndarray | None
    quantity: str  # the question's quantity and day in words
    start: datetime.date  # day 0's date
    # how the run's settings differed from the lesson's (`departures`): the explanation was
    # written for the lesson's own, and the page says so beside the numbers
    departures: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    @property
    def explanation(self) -> str:
        return self.lesson.explanation.format_map(self.words)


PLACEHOLDERS = ("direction", "difference", "ours", "theirs", "compared", "date")
SAME_WITHIN = 0.05  # a relative difference below this is "about the same"


def quantity_text(lesson: Lesson, date: datetime.date, start: datetime.date) -> str:
    """The question's quantity and day in words."""
    when = date_words(date)
    if lesson.about_runs:
        by = "at some point by" if lesson.reached else "on"
        return f"Share of runs {lesson.share_label} {by} {when}"
    if lesson.measure == "change":
        return f"{lesson.label}: change from {date_words(start)} to {when}"
    return f"{lesson.label} on {when}"


def answer(lesson: Lesson, ours: Mapping[str, np.ndarray],
           theirs: Mapping[str, np.ndarray] | None, start: datetime.date = calendar.START_DATE,
           ours_label: str = "your settings", theirs_label: str = "",
           departures: tuple[str, ...] = ()) -> LessonAnswer:
    """The lesson's question answered from two fans (the student's and the comparison's, runs
    paired by their random numbers), in numbers and in words made from them; `departures`
    (`departures`) say where the student's run left the lesson's settings."""
    date = calendar.date_of(lesson.question_day, start)
    mine = measure(lesson, ours, ours_label)
    other = measure(lesson, theirs, theirs_label or "the comparison") if theirs is not None \
        else None
    quantity = quantity_text(lesson, date, start)
    sentences = [quantity + "."]
    for m in (mine, other):
        if m is not None:
            sentences.append(fan_sentence(lesson, m))
    words = comparison_words(lesson, mine, other)
    words["date"] = date_words(date)
    if other is not None:
        sentences.append(words["compared"])
    return LessonAnswer(lesson, date, mine, other, words, tuple(sentences),
                        question_series(lesson, ours),
                        None if theirs is None else question_series(lesson, theirs), quantity, start,
                        tuple(departures))


# What a run's settings are named by, beyond its parameters, in a departure from a lesson's
RUN_FIELDS = (("scenario", "the preset"), ("start_date", "the start date"), ("seed", "the seed"),
              ("run_offset", "the first run"), ("n_runs", "the number of runs"),
              ("uncertainty", "the uncertain parameters"), ("math", "the maths"))


def departures(lesson: Lesson, used: Settings) -> tuple[str, ...]:
    """Where the settings a lesson's run used (`used`: the student changed them after starting
    the lesson, or during its run) differ from the lesson's own, as phrases a student reads. The
    lesson's explanation was written for its own settings, so a run on others must say so (a
    class found "in the year without US aid" told of a run with US aid at 150 %)."""
    own = lesson.settings
    found = []
    for field, words in RUN_FIELDS:
        theirs, yours = getattr(own, field), getattr(used, field)
        if theirs != yours:
            found.append(f"{words} {_run_value(field, yours)} (the lesson's: "
                         f"{_run_value(field, theirs)})")
    if own.scenario != used.scenario:  # the other preset's values differ too: named by it
        return tuple(found)
    own_day0, used_day0 = replace(own, changes=()), replace(used, changes=())
    for name in sorted(set(own.overrides_dict) | set(used.overrides_dict)):
        theirs, yours = own_day0.value(name), used_day0.value(name)
        if theirs != yours:
            spec = sim.PARAMS[name]
            found.append(f"{short_label(spec)} at {plain_value(spec, yours)} (the lesson's: "
                         f"{plain_value(spec, theirs)})")
    for day, values in used.changes:
        for name, value in values:
            spec = sim.PARAMS[name]
            found.append(f"from day {day}, {short_label(spec)} at {plain_value(spec, value)}")
    return tuple(found)


def _run_value(field: str, value: Any) -> str:
    if field == "scenario":
        return f"“{sim.SCENARIOS[value].title}”"
    if field == "start_date":
        return date_words(calendar.START_DATE if value is None
                          else datetime.date.fromisoformat(value))
    return f"{value:,}" if isinstance(value, int) else str(value)


def fan_sentence(lesson: Lesson, m: Measured) -> str:
    unit = f" {lesson.unit}" if lesson.unit else ""
    if lesson.about_runs and lesson.reached:
        return (f"With {m.label}: {percent(m.share_by_then)} of the {m.runs} runs "
                f"({percent(m.share)} still on the day itself).")
    if lesson.about_runs:
        return (f"With {m.label}: {percent(m.share)} of the {m.runs} runs "
                f"({percent(m.share_by_then)} at some point by then).")
    return (f"With {m.label}: median {signed(lesson, m.median)}{unit}; 90 % of the {m.runs} "
            f"runs between {signed(lesson, m.low)} and {signed(lesson, m.high)}{unit}.")


def comparison_words(lesson: Lesson, mine: Measured, other: Measured | None) -> dict[str, str]:
    """Words that compare the two fans, each chosen by a number: the direction and size of the
    difference of medians (or of shares), and how often a run beats its pair."""
    unit = f" {lesson.unit}" if lesson.unit else ""
    if lesson.about_runs:
        ours_text = percent(checked_share(lesson, mine))
        theirs_text = percent(checked_share(lesson, other)) if other else ""
    else:
        ours_text = f"{signed(lesson, mine.median)}{unit}"
        theirs_text = f"{signed(lesson, other.median)}{unit}" if other else ""
    words = {"ours": ours_text, "theirs": theirs_text, "direction": "", "difference": "",
             "compared": ""}
    if other is None:
        return words
    if lesson.about_runs:
        # the gap between the two shares as shown, so the figures side by side add up
        points = shown_percent(checked_share(lesson, mine)) - shown_percent(
            checked_share(lesson, other))
        direction = "about the same" if abs(points) < 2.5 else ("more" if points > 0 else "fewer")
        difference = (f"{abs(points):.0f} percentage points {direction}"
                      if direction != "about the same" else "about the same share")
        words |= {"direction": direction, "difference": difference,
                  "compared": f"That is {difference} with {mine.label} {_than(direction)} with "
                              f"{other.label}."}
        return words
    gap = shown(lesson, mine.median) - shown(lesson, other.median)  # of the medians as shown
    paired = float(np.mean(mine.values > other.values))
    pairs = (f"in {percent(paired)} of the runs the value is higher with {mine.label} than in "
             f"the same run (same random numbers) with {other.label}.")
    if lesson.measure == "change" and other.median != 0 and mine.median * other.median > 0:
        ratio = mine.median / other.median
        noun = change_noun(lesson, other.median)
        direction = "about the same" if abs(ratio - 1) < SAME_WITHIN else (
            "larger" if ratio > 1 else "smaller")
        difference = (f"about the same {noun}" if direction == "about the same" else
                      f"a {noun} {percent(abs(ratio - 1))} {direction}")
        # says which ratio this is: a ratio axis's verdict also gives the run-by-run one
        compared = (f"With {mine.label} that is {difference} {_than(direction)} with "
                    f"{other.label} (the median {noun}s compare as {ratio:.2f} times; they differ "
                    f"by {signed(lesson, gap)}{unit}); " + pairs)
    else:
        base = abs(other.median)
        relative = abs(gap) / base if base > 0 else float("inf")
        higher = "more" if lesson.unit == "km²" else "higher"
        lower = "less" if lesson.unit == "km²" else "lower"
        direction = "about the same" if relative < SAME_WITHIN else (higher if gap > 0 else lower)
        opposite = lesson.measure == "change" and mine.median * other.median < 0
        difference = "about the same" if direction == "about the same" else (
            # changes of opposite signs: a share of the other's change says nothing
            f"{_number(abs(gap), lesson.unit in WHOLE_UNITS)}{unit} {direction}" if opposite else
            f"{percent(relative)} {direction}" if np.isfinite(relative) else direction)
        compared = (f"The median with {mine.label} is {difference} {_than(direction)} with "
                    f"{other.label} ({signed(lesson, gap, True)}{unit}); " + pairs)
    words |= {"direction": direction, "difference": difference, "compared": compared}
    return words


def shown_percent(share: float) -> float:
    """A share as the page shows it, in whole percent: differences are taken of these."""
    return round(100.0 * share)


def change_noun(lesson: Lesson, compared_median: float) -> str:
    """What a change is called, by the compared fan's median: "gain" (of ground), "rise", "fall"."""
    return "gain" if lesson.unit == "km²" and compared_median > 0 else (
        "rise" if compared_median > 0 else "fall")


def percent(share: float | None) -> str:
    return "" if share is None else f"{shown_percent(share):.0f} %"


def _than(direction: str) -> str:
    """"about the same as", "larger than"."""
    return "as" if direction == "about the same" else "than"


def signed(lesson: Lesson, value: float, always: bool = False) -> str:
    """A number as the page writes it; a change (or a difference: `always`) carries its sign."""
    whole = lesson.unit in WHOLE_UNITS
    if lesson.measure == "change" or always:
        return ("+" if value >= 0 else "−") + _number(abs(value), whole)
    return _number(value, whole)


def date_words(date: datetime.date) -> str:
    return f"{date.day} {date.strftime('%B %Y')}"


def _placeholders(text: str) -> list[str]:
    """The {names} in an explanation; a stray brace raises ValueError (the caller names the
    file)."""
    import string
    return [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]


WHOLE_UNITS = ("km²", "percentage points")  # quantities the page gives in whole units


def _decimals(value: float, whole: bool = False) -> int:
    return 0 if whole or abs(value) >= 100 else 2


def shown(lesson: Lesson, value: float) -> float:
    """A number rounded as the page writes it: a stated difference is one of these, so it is
    the difference of the figures the student reads beside it."""
    return round(value, _decimals(value, lesson.unit in WHOLE_UNITS))


def _number(value: float, whole: bool = False) -> str:
    return f"{value:,.{_decimals(value, whole)}f}"
