"""The student's prediction set against the model's runs, after a lesson's run.

A choice stands for a range on the lesson's axis (`predict.ranges`, `predict.axis`: the
lesson's quantity with the student's settings, or that over the comparison's, run by run); a
typed prediction that is a number alone is a range of one point. `placement` says where a range
lies against the runs (a pure function of numbers); `prediction_verdict` says it in words, after
the model's own answer (median, the middle half of the runs and their 90 % band). A typed
sentence is not judged: the answer is stated for the student to set theirs against.

The runs are a teaching instrument, not a forecast: the words say what the model's runs give.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

import numpy as np

from . import COMPARED, Lesson, LessonAnswer, change_noun, checked_share, percent, signed

# where a predicted range lies against the runs (`placement`)
MIDDLE = "middle"  # it meets the middle half of the runs (their 50 % range)
ABOVE_MIDDLE, BELOW_MIDDLE = "above middle", "below middle"  # beside it, inside the 90 % band
ABOVE, BELOW = "above", "below"  # outside the 90 % band


@dataclass(frozen=True, eq=False)
class Spread:
    """The model's answer on a prediction's axis: over the runs, the median, the middle half
    (25th to 75th percentile) and the 90 % band (5th to 95th); for a question about runs, one
    share (all five the same, no `values`)."""

    median: float
    low50: float
    high50: float
    low90: float
    high90: float
    values: np.ndarray | None = None  # per run, to count the runs inside a range

    @classmethod
    def of(cls, values: np.ndarray) -> "Spread":
        values = np.asarray(values, dtype=float)
        values = values[np.isfinite(values)]
        low90, low50, median, high50, high90 = (
            float(q) for q in np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95]))
        return cls(median, low50, high50, low90, high90, values)

    @classmethod
    def single(cls, value: float) -> "Spread":
        return cls(value, value, value, value, value)

    def share_within(self, low: float, high: float) -> float | None:
        if self.values is None or not len(self.values):
            return None
        return float(np.mean((self.values >= low) & (self.values <= high)))


def placement(low: float, high: float, spread: Spread) -> str:
    """Where the predicted range [low, high] (a number: low == high) lies against the runs:
    `MIDDLE` if it meets their middle half, `ABOVE_MIDDLE`/`BELOW_MIDDLE` if it misses that
    but meets their 90 % band, `ABOVE`/`BELOW` if it misses the band too."""
    if low > spread.high90:
        return ABOVE
    if high < spread.low90:
        return BELOW
    if low > spread.high50:
        return ABOVE_MIDDLE
    if high < spread.low50:
        return BELOW_MIDDLE
    return MIDDLE


def spread_of(found: LessonAnswer) -> Spread:
    """The model's answer on the lesson's prediction axis, from the fans the page computed."""
    lesson = found.lesson
    if lesson.about_runs:
        return Spread.single(checked_share(lesson, found.ours))
    if lesson.axis == "ratio" and found.theirs is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            return Spread.of(found.ours.values / found.theirs.values)
    return Spread.of(found.ours.values)


def axis_text(lesson: Lesson, value: float) -> str:
    """A number on the lesson's axis as the page writes it, with its unit."""
    if lesson.about_runs:
        return percent(value)
    if lesson.axis == "ratio":
        return f"{value:.2f} times"
    unit = f" {lesson.unit}" if lesson.unit else ""
    return signed(lesson, value) + unit


def range_text(lesson: Lesson, low: float, high: float) -> str:
    if low == high:
        return axis_text(lesson, low)
    if math.isinf(low) and math.isinf(high):
        return "any value"
    if math.isinf(low):
        return f"{axis_text(lesson, high)} or less"
    if math.isinf(high):
        return f"{axis_text(lesson, low)} or more"
    return f"{axis_text(lesson, low)} to {axis_text(lesson, high)}"


def answer_text(found: LessonAnswer, spread: Spread) -> str:
    """The model's answer to the lesson's question, in the prediction's terms."""
    lesson = found.lesson
    asked = f"The model's answer ({found.quantity})"
    if lesson.about_runs:
        return (f"{asked}: {axis_text(lesson, spread.median)} of the {found.ours.runs} runs "
                f"with {found.ours.label}.")
    bands = (f"half the runs give between {axis_text(lesson, spread.low50)} and "
             f"{axis_text(lesson, spread.high50)} (the model's 50 % range), 90 % between "
             f"{axis_text(lesson, spread.low90)} and {axis_text(lesson, spread.high90)}")
    if lesson.axis == "ratio":
        ours, theirs = found.ours.median, found.theirs.median
        noun = change_noun(lesson, theirs) if lesson.measure == "change" else "value"
        # the answer's sentence compares the medians; this one each run with its pair: say both
        medians = (f" (the median {noun}s compare as {axis_text(lesson, ours / theirs)})"
                   if ours * theirs > 0 else "")
        return (f"{asked}, run by run with the same random numbers: the median ratio of a run's "
                f"{noun} with {found.ours.label} to the same run's with {found.theirs.label} is "
                f"{axis_text(lesson, spread.median)}{medians}; {bands}.")
    return (f"{asked}: with {found.ours.label} the median run gives "
            f"{axis_text(lesson, spread.median)}; {bands}.")


NUMBER = re.compile(r"^\s*([+\-−]?)\s*(\d[\d,]*(?:\.\d+)?|\.\d+)\s*(%|[^\d\s].{0,15})?\s*$")


def typed_number(lesson: Lesson, text: str) -> float | None:
    """A typed prediction that is a number alone ("5,000", "+5000 km²", "1.3 times", "30 %"),
    on the lesson's axis; None for anything else (a sentence is not read for numbers). For a
    question about runs only a percentage is a number (a bare one could be runs or a share)."""
    match = NUMBER.match(text)
    if match is None:
        return None
    sign, digits, unit = match.groups()
    unit = (unit or "").strip()
    value = float(digits.replace(",", "")) * (-1.0 if sign in ("-", "−") else 1.0)
    if lesson.about_runs:
        return value / 100.0 if unit == "%" else None
    known = {lesson.unit, "km2" if lesson.unit == "km²" else lesson.unit, ""}
    if lesson.axis == "ratio":
        known |= {"times", "x", "×"}
    return value if unit in known else None


PLACED = {  # {within}: "is within" for a number, "overlaps" for a range
    MIDDLE: "{within} the model's 50 % range ({middle}): a typical run gives {that}",
    ABOVE_MIDDLE: "is above the model's 50 % range ({middle}) but {within} its 90 % band "
                  "({band}): most runs give less, some as much",
    BELOW_MIDDLE: "is below the model's 50 % range ({middle}) but {within} its 90 % band "
                  "({band}): most runs give more, some as little",
    ABOVE: "is above the model's 90 % band ({band}): almost all runs give less",
    BELOW: "is below the model's 90 % band ({band}): almost all runs give more",
}
PLACED_SINGLE = {MIDDLE: "includes the model's answer", ABOVE: "is above the model's answer",
                 BELOW: "is below the model's answer"}


def prediction_verdict(found: LessonAnswer, prediction: str) -> str:
    """After a lesson's run: what the student predicted, the model's answer in the same terms,
    and where the prediction lies against the runs (or, for a sentence or a choice the lesson
    gives no range for, that the student compares the two)."""
    lesson = found.lesson
    spread = spread_of(found)
    said = f"You predicted “{html.escape(prediction.strip(), quote=False)}”"
    if prediction in lesson.choices and lesson.ranges:
        low, high = sorted(found.theirs.median if b == COMPARED else b
                           for b in lesson.ranges[lesson.choices.index(prediction)])
        said = (f"Your choice, “{html.escape(prediction, quote=False)}” "
                f"({range_text(lesson, low, high)}),")
    else:
        number = typed_number(lesson, prediction)
        if number is None:
            unjudged = ("a choice without the numbers it stands for" if lesson.choices else
                        "a written prediction")
            return (f"{answer_text(found, spread)} {said}: the page does not judge "
                    f"{unjudged}, so set yours against the model's runs.")
        low = high = number
        said = f"Your prediction, {axis_text(lesson, number)},"
    where = placement(low, high, spread)
    if spread.values is None:
        verdict = f"{said} {PLACED_SINGLE[where]}."  # one number: no middle half
    else:
        point = low == high
        verdict = f"{said} " + PLACED[where].format(
            middle=range_text(lesson, spread.low50, spread.high50),
            band=range_text(lesson, spread.low90, spread.high90),
            within="is within" if point else "overlaps",
            that="about that" if point else "a value in your range") + "."
        share = spread.share_within(low, high)
        if low < high and share is not None:
            verdict += f" {percent(share)} of the {len(spread.values)} runs fall in your range."
    return f"{answer_text(found, spread)} {verdict}"
