"""Guided lessons: choose one, predict, run, observe, read the explanation."""

from __future__ import annotations

import html
from typing import Callable, Sequence

import solara
import solara.lab

from sim import calendar

from .. import plots
from ..events import date_text
from ..lessons import Lesson, LessonAnswer, LessonProgress, LessonStopped, quantity_text
from ..lessons.predictions import prediction_verdict
from .views import FigureImage, MarkdownText

STAGES = ("choose", "predict", "running", "observe", "explain")


@solara.component
def LessonPanel(lessons: Sequence[Lesson], on_start: Callable[[Lesson], bool],
                on_run: Callable[[Lesson, Callable[[LessonProgress], None]], LessonAnswer],
                initial: str | None = None):
    """Walks one lesson through its stages. The stage, the prediction and the answer are this
    panel's own (what the student wrote); the model is changed only through `on_start` (set the
    lesson up at day 0) and `on_run` (run it to the lesson's day, telling its progress to the
    function it is given, and return what it shows).

    `on_run` runs in a thread (a Solara task: up to 14 s on a loaded server, while the page
    says how far it has got and stays usable), so it must hold the session weakly: Solara 1.58
    keeps the first function given to a task for the server's life (see `app.weakly`)."""
    by_title = {lesson.title: lesson for lesson in lessons}
    by_name = {lesson.name: lesson for lesson in lessons}
    chosen = solara.use_reactive(by_name[initial].title if initial in by_name
                                 else (lessons[0].title if lessons else ""))
    stage = solara.use_reactive("choose")
    prediction = solara.use_reactive("")
    # the prediction as it stood when the run started: what the verdict judges, so a student
    # cannot re-grade it after seeing the answer; cleared when the lesson starts again
    locked = solara.use_reactive("")
    answer = solara.use_reactive("")
    progress = solara.use_reactive(None)  # the run's `LessonProgress`, while it runs
    run_task = solara.lab.use_task(on_run, dependencies=None, raise_error=False)
    lesson = by_title.get(chosen.value)

    def start():
        if lesson is not None and on_start(lesson):
            prediction.set("")
            locked.set("")
            answer.set("")
            stage.set("predict")

    def run():
        locked.set(prediction.value)
        progress.set(None)
        # the task first: with the stage first, a render between the two showed the last
        # run's answer (another lesson's) as this one's
        run_task(lesson, progress.set)
        stage.set("observe")

    def leave():
        stage.set("choose")

    with solara.Card("Lessons", classes=["lesson-panel"]):
        if lesson is None:
            solara.Text("No lessons are installed.")
            return
        if stage.value == "choose":
            with solara.Column(classes=["lesson-choice"]):
                solara.Select(label="Lesson", values=list(by_title), value=chosen)
            MarkdownText(f"**{lesson.question}**\n\n{lesson.introduction}",
                         style={"font-size": "0.9em"})
            QuestionLine(lesson)
            solara.Button("Start this lesson", on_click=start, color="primary",
                          classes=["lesson-start"])
            return
        # what the panel shows: the run's answer once it has one; while it runs, the
        # prediction and how far the run has got; if it stopped, the prediction and why
        ran = stage.value != "predict"  # a run was started for this lesson
        done = run_task.value if ran and run_task.finished else None
        if isinstance(done, LessonStopped):
            stopped, observed = done.reason, None
        else:
            stopped = str(run_task.exception) if ran and run_task.error else None
            observed = done
        running = ran and run_task.pending
        shown = ("running" if running else stage.value if observed is not None else "predict")
        with solara.Column(classes=[f"lesson-stage-{shown}"], gap="6px"):
            MarkdownText(f"**{lesson.question}**", style={"font-size": "1.05em"})
            QuestionLine(lesson)
            MarkdownText("**1. Predict.** " + lesson.predict_question)
            is_locked = bool(locked.value)
            if lesson.choices:
                # not mandatory: Vuetify would otherwise pick the first choice for the student
                with solara.ToggleButtonsSingle(value=prediction, mandatory=False, dense=True,
                                                classes=["lesson-choices"],
                                                style={"flex-wrap": "wrap", "height": "auto"}):
                    for choice in lesson.choices:
                        solara.Button(choice, value=choice, disabled=is_locked)
            else:
                with solara.Column(classes=["lesson-prediction"]):
                    solara.InputTextArea(label="Your prediction", value=prediction,
                                         continuous_update=True, disabled=is_locked)
            if is_locked:
                solara.Text("Your prediction is locked for this run; start the lesson again to "
                            "change it.", classes=["lesson-locked"], style={"font-size": "0.8em"})
            if shown in ("predict", "running"):
                days = lesson.run_days
                solara.Button(f"2. Run the model for {days} days", on_click=run,
                              disabled=running or not prediction.value.strip(), loading=running,
                              color="primary", classes=["lesson-run"])
                if running:
                    RunProgress(lesson, progress.value)
                elif stopped is not None:
                    solara.Error(f"The lesson's run stopped: {stopped}",
                                 classes=["lesson-run-error"])
                elif not prediction.value.strip():
                    solara.Text("Make your prediction first.", style={"font-size": "0.8em"})
            else:
                AnswerView(observed)
                MarkdownText("**3. Look.** " + lesson.observe_question)
                with solara.Column(classes=["lesson-answer"]):
                    solara.InputTextArea(label="What you see", value=answer,
                                         continuous_update=True)
                if shown == "observe":
                    solara.Button("4. Show the explanation", on_click=lambda: stage.set("explain"),
                                  classes=["lesson-explain-button"])
                else:
                    with solara.Column(classes=["lesson-explanation"], gap="0px"):
                        why = ("**Why** (for the lesson's own settings)**.** "
                               if observed.departures else "**Why.** ")
                        MarkdownText(why + observed.explanation)
                        MarkdownText("**Your prediction.** "
                                     + prediction_verdict(observed, locked.value),
                                     classes=["lesson-verdict"])
            # leaving mid-run would leave the run going under another lesson
            solara.Button("Back to the list of lessons", on_click=leave, text=True,
                          disabled=running, classes=["lesson-leave"])


@solara.component
def RunProgress(lesson: Lesson, progress: LessonProgress | None):
    """Says that the lesson's run is going and how far it has got: a student saw only a thin
    bar at the top of the page for the 14 s it took."""
    days = lesson.run_days
    if progress is None:
        text, share = f"Starting the lesson's run of {days} days…", 0.0
    elif progress.day < days:
        text = (f"Running the lesson's {progress.runs} runs: day {progress.day} of {days}, "
                f"{date_text(progress.date)}…")
        share = progress.day / days
    else:
        text, share = (f"All {progress.runs} runs have reached day {days}: measuring the answer"
                       + (" and the runs it is compared with…" if lesson.compare_with else "…"),
                       1.0)
    with solara.Column(classes=["lesson-running"], gap="2px"):
        solara.ProgressLinear(value=100 * share)
        day = "" if progress is None else str(progress.day)
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), classes=["lesson-progress"],
                    attributes={"role": "status", "data-day": day}, style={"font-size": "0.9em"})


def question_words(lesson: Lesson) -> str:
    """The question's quantity and day, as the lesson states it before the run."""
    start = lesson.start
    return quantity_text(lesson, calendar.date_of(lesson.question_day, start), start)


@solara.component
def QuestionLine(lesson: Lesson):
    solara.HTML(tag="div", unsafe_innerHTML=html.escape("The question's number: "
                                                       + question_words(lesson) + "."),
                classes=["lesson-quantity"], style={"font-size": "0.85em", "color": "#333"})


@solara.component
def AnswerView(found: LessonAnswer):
    """The question's quantity on its day for both fans, in numbers (also as data attributes,
    which the browser test reads) and in the chart beside them."""
    lesson = found.lesson
    numbers = {"data-quantity": found.quantity, "data-day": str(lesson.question_day)}
    for side, m in (("ours", found.ours), ("theirs", found.theirs)):
        if m is None:
            continue
        numbers |= {f"data-{side}-median": repr(m.median), f"data-{side}-low": repr(m.low),
                    f"data-{side}-high": repr(m.high)}
        if m.share is not None:
            numbers |= {f"data-{side}-share": repr(m.share),
                        f"data-{side}-share-by-then": repr(m.share_by_then)}
    with solara.v.Html(tag="div", attributes=numbers, class_="lesson-observed"):
        MarkdownText("**2. What the model shows.** " + found.text)
    if found.departures:
        MarkdownText(departures_note(found.departures), classes=["lesson-departures"],
                     style={"color": "#8a4b00"})
    png = solara.use_memo(lambda: lesson_png(found), [found])
    FigureImage(png, "lesson", "The lesson's question, both fans over the lesson's run, the "
                "question's day marked; both use the same random numbers.", lesson_alt(found))


def departures_note(departures: tuple[str, ...]) -> str:
    """What the page says when the run left the lesson's settings: the numbers are the run's,
    the explanation the lesson's."""
    return ("**This run is not the lesson's.** You changed its settings: " + "; ".join(departures)
            + ". The numbers above are for your settings; the explanation was written for the "
            "lesson's own. To see those, go back to the list of lessons and start it again.")


def lesson_png(found: LessonAnswer) -> bytes:
    lesson = found.lesson
    series = [plots.ComparedSeries(found.ours.label, found.ours_series)]
    if found.theirs is not None:
        series.append(plots.ComparedSeries(found.theirs.label, found.theirs_series))
    marks = plots.time_marks(lesson.run_days, lesson.question_day, start=found.start)
    title = found.quantity if len(found.quantity) < 70 else (
        f"{lesson.label}: change since the start" if lesson.measure == "change" else lesson.label)
    return plots.figure_png(plots.lesson_figure(title, lesson.unit, tuple(series), marks,
                                                lesson.question_day, lesson.about_runs))


def lesson_alt(found: LessonAnswer) -> str:
    return "Chart of the lesson's question. " + found.text
