"""Guided lessons: choose one, predict, run, observe, read the explanation."""

from __future__ import annotations

from typing import Callable, Sequence

import solara

from ..lessons import Lesson
from .views import MarkdownText

STAGES = ("choose", "predict", "observe", "explain")


@solara.component
def LessonPanel(lessons: Sequence[Lesson], on_start: Callable[[Lesson], bool],
                on_run: Callable[[Lesson], str], initial: str | None = None):
    """Walks one lesson through its stages. The stage, the prediction and the answer are this
    panel's own (what the student wrote); the model is changed only through `on_start` (set the
    lesson up at day 0) and `on_run` (run it to the lesson's day, returning what it shows)."""
    by_title = {lesson.title: lesson for lesson in lessons}
    by_name = {lesson.name: lesson for lesson in lessons}
    chosen = solara.use_reactive(by_name[initial].title if initial in by_name
                                 else (lessons[0].title if lessons else ""))
    stage = solara.use_reactive("choose")
    prediction = solara.use_reactive("")
    answer = solara.use_reactive("")
    observed = solara.use_reactive("")
    lesson = by_title.get(chosen.value)

    def start():
        if lesson is not None and on_start(lesson):
            prediction.set("")
            answer.set("")
            observed.set("")
            stage.set("predict")

    def run():
        observed.set(on_run(lesson))
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
            solara.Button("Start this lesson", on_click=start, color="primary",
                          classes=["lesson-start"])
            return
        with solara.Column(classes=[f"lesson-stage-{stage.value}"], gap="6px"):
            MarkdownText(f"**{lesson.question}**", style={"font-size": "1.05em"})
            MarkdownText("**1. Predict.** " + lesson.predict_question)
            if lesson.choices:
                # not mandatory: Vuetify would otherwise pick the first choice for the student
                solara.ToggleButtonsSingle(value=prediction, values=list(lesson.choices),
                                           mandatory=False, dense=True, classes=["lesson-choices"],
                                           style={"flex-wrap": "wrap", "height": "auto"})
            else:
                with solara.Column(classes=["lesson-prediction"]):
                    solara.InputTextArea(label="Your prediction", value=prediction,
                                         continuous_update=True)
            if stage.value == "predict":
                days = lesson.run_days
                solara.Button(f"2. Run the model for {days} days", on_click=run,
                              disabled=not prediction.value.strip(), color="primary",
                              classes=["lesson-run"])
                if not prediction.value.strip():
                    solara.Text("Make your prediction first.", style={"font-size": "0.8em"})
            else:
                with solara.Column(classes=["lesson-observed"]):
                    MarkdownText("**2. What the model shows.** " + observed.value)
                MarkdownText("**3. Look.** " + lesson.observe_question)
                with solara.Column(classes=["lesson-answer"]):
                    solara.InputTextArea(label="What you see", value=answer,
                                         continuous_update=True)
                if stage.value == "observe":
                    solara.Button("4. Show the explanation", on_click=lambda: stage.set("explain"),
                                  classes=["lesson-explain-button"])
                else:
                    with solara.Column(classes=["lesson-explanation"], gap="0px"):
                        MarkdownText("**Why.** " + lesson.explanation)
                        MarkdownText(f"*You predicted:* {prediction.value}")
            solara.Button("Back to the list of lessons", on_click=leave, text=True,
                          classes=["lesson-leave"])
