"""Controls: components that take values and send `on_*` callbacks; none touches session state.

Every slider's label, unit, range, step and tooltip come from `sim.PARAMS` (never re-declared
here); `KEY_PARAMETERS` only chooses which parameters get a slider.
"""

from __future__ import annotations

import datetime
import html
import math
import re
from typing import Any, Callable

import solara

import sim
from sim.params import (PERCENT_UNITS, ParamSpec, number_text, plain_value, short_label,
                        unit_words)

from .views import MarkdownText

# The levers the article discusses, in the order a student meets them (shown grouped by actor).
KEY_PARAMETERS: tuple[str, ...] = (
    "putin_strategy", "putin_offensive_intensity", "zelensky_deep_strike_intensity",
    "ukraine_red_line_km2", "ukraine_resolve_km2", "trump_aid_level",
    "trump_pushes_talks", "trump_sanctions_level", "deterrence_credibility",
    "eu_compensation_share", "eu_guarantee_strength", "energy_moratorium_in_talks",
    "air_defence_interception", "world_oil_price_usd", "talks_collapse_per_refusal",
)

# Who a parameter belongs to, as a student groups them: the actors first, then the world.
ACTOR_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Russia and Putin", ("putin",)),
    ("Ukraine and Zelensky", ("zelensky", "politics")),
    ("United States and Trump", ("united_states",)),
    ("Europe", ("europe",)),
    ("Talks", ("talks",)),
    ("Strikes and the power grid", ("strikes",)),
    ("Economy and sanctions", ("economy",)),
    ("Combat", ("combat",)),
)
OTHER_GROUP = "Other settings"


def actor_group(spec: ParamSpec) -> str:
    for title, groups in ACTOR_GROUPS:
        if spec.group in groups:
            return title
    return OTHER_GROUP


def grouped(names: tuple[str, ...]) -> list[tuple[str, list[ParamSpec]]]:
    """`names` by actor group, groups in `ACTOR_GROUPS` order, names in their given order."""
    order = [title for title, _ in ACTOR_GROUPS] + [OTHER_GROUP]
    by_group: dict[str, list[ParamSpec]] = {}
    for name in names:
        spec = sim.PARAMS[name]
        by_group.setdefault(actor_group(spec), []).append(spec)
    return [(title, by_group[title]) for title in order if title in by_group]


def slider_scale(spec: ParamSpec) -> float:
    """100 for a share or a multiple shown in per cent (the slider moves 0-150 where the model
    reads 0-1.5), else 1."""
    return 100.0 if spec.unit in PERCENT_UNITS else 1.0


def slider_step(spec: ParamSpec) -> float:
    """About a hundredth of the range (in the model's units), rounded to 1, 2 or 5 times a power
    of ten."""
    if spec.kind == "int":
        return 1
    raw = (spec.high - spec.low) / 100.0
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if raw <= mult * power:
            return mult * power
    return 10 * power


def slider_position(spec: ParamSpec, value: float) -> float:
    """Where the slider shows `value` (in its scale): the step nearest to it, rounded as
    Vuetify's slider rounds a value it is given (`roundValue`: steps counted from `min`, half
    up, to the step's decimals). Given a value between two steps (a typed 149.99 %), the slider
    moved itself onto one and sent that back as the student's choice: 149.99 % became 150 %.
    On a step already it has nothing to move; the words under it say the exact value."""
    scale = slider_scale(spec)
    step = slider_step(spec) * scale
    low, high = spec.low * scale, spec.high * scale
    written = f"{step:.15g}"  # as JavaScript writes the number
    decimals = len(written.partition(".")[2])
    offset = math.fmod(low, step)
    position = math.floor((float(value) * scale - offset) / step + 0.5) * step + offset
    return round(min(max(position, low), high), decimals)


_CODE_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def plain_text(text: str) -> str:
    """A meaning or source with any parameter's code name replaced by its label, as said inside
    a sentence: only its first letter lowered, and not that of a name or an acronym ("share of
    Russia's attacks ...", "US aid to Ukraine a year, until Jan 2025"; the whole label lowered
    read "us aid to ukraine a year, until jan 2025")."""
    return _CODE_NAME.sub(lambda m: in_sentence(sim.PARAMS[m.group(0)])
                          if m.group(0) in sim.PARAMS else m.group(0), text)


def in_sentence(spec: ParamSpec) -> str:
    """The whole label with the first letter `short_label` gives it (lowered unless a name or an
    acronym starts it)."""
    return short_label(spec)[:1] + spec.plain_label[1:]


def range_text(spec: ParamSpec) -> str:
    """The allowed range in the student's units: "0 to 150 % of the 2024 level"."""
    if spec.kind in ("bool", "choice"):
        return ""
    scale = slider_scale(spec)
    unit = unit_words(spec)
    return f"{number_text(spec.low * scale)} to {number_text(spec.high * scale)} {unit}".rstrip()


def tooltip_text(spec: ParamSpec) -> str:
    allowed = range_text(spec) or spec.allowed()
    words = unit_words(spec)
    unit = f" Unit: {words}." if words else ""
    return (f"{spec.plain_label}. {plain_text(spec.meaning)}{unit} Allowed: {allowed}. "
            f"Default: {plain_value(spec, spec.default)}. Source: {plain_text(spec.source)}")


# A tooltip that is always in the page (a screen reader reads it through aria-describedby),
# shown on hover, on keyboard focus of its (i) button and on a tap, which focuses the button.
TIP_CSS = """
.param-tip { position: relative; display: inline-block; margin-left: 4px; }
.param-tip .tip-button { border: 1px solid #555; border-radius: 50%; width: 1.4em; height: 1.4em;
  line-height: 1.2em; font-size: 0.8rem; background: #fff; color: #222; cursor: help; padding: 0; }
.param-tip .tip-text { display: none; position: absolute; left: -40px; top: 1.7em; z-index: 30;
  width: min(300px, 80vw); background: #222; color: #fff; font-size: 0.8rem; font-weight: 400;
  line-height: 1.35; padding: 6px 8px; border-radius: 4px; white-space: normal; }
.param-tip:hover .tip-text, .param-tip:focus-within .tip-text { display: block; }
"""


def tooltip_html(spec: ParamSpec) -> str:
    """The label with its (i) button and tooltip, as HTML."""
    tip_id = f"tip-{spec.name}"
    label = html.escape(spec.plain_label)
    return (f'{label}<span class="param-tip"><button type="button" class="tip-button" '
            f'aria-label="About: {label}" aria-describedby="{tip_id}">i</button>'
            f'<span role="tooltip" id="{tip_id}" class="tip-text">'
            f'{html.escape(tooltip_text(spec))}</span></span>')


def label_text(spec: ParamSpec) -> str:
    return spec.plain_label


def input_error_text(err: Exception) -> str:
    """A refused value in the student's words: the field's label, the value and what is allowed."""
    field = getattr(err, "field", None)
    spec = sim.PARAMS.get(field) if field else None
    if spec is None:
        return str(err)
    allowed = range_text(spec) or spec.allowed()
    value = err.value
    if isinstance(value, (int, float)) and slider_scale(spec) != 1:
        value = f"{number_text(value * slider_scale(spec))} %"
    if not str(value).strip():
        return f"{spec.plain_label}: no value typed; allowed: {allowed}."
    return f"{spec.plain_label}: {value} is not allowed; allowed: {allowed}."


@solara.component
def ScenarioPicker(scenario: str, on_scenario: Callable[[str], None]):
    """Choose a preset and read why it is there."""
    titles = {s.title: name for name, s in sim.SCENARIOS.items()}
    current = sim.SCENARIOS[scenario]
    with solara.Column(classes=["scenario-picker"], gap="4px"):
        solara.Select(label="Scenario", values=list(titles), value=current.title,
                      on_value=lambda title: on_scenario(titles[title]))
        MarkdownText(current.description, classes=["scenario-description"])


def start_options(start_date: str | None) -> dict[str, str | None]:
    """Label -> start date: the scenarios' start, the first day of each month before it from the
    earliest start (2023-01-01) on (and the session's own start, if it is another day, as a
    sweep row's or a settings file's can be)."""
    first, last = sim.calendar.EARLIEST_START, sim.calendar.START_DATE
    dates = [datetime.date(year, month, 1) for year in range(first.year, last.year + 1)
             for month in range(1, 13)
             if first <= datetime.date(year, month, 1) < last]
    def label(d: datetime.date) -> str:  # %-d is glibc's: the day number written out instead
        return f"{d.day} {d:%b %Y}"

    options: dict[str, str | None] = {f"{label(sim.calendar.START_DATE)} (the scenarios' start)": None}
    if start_date is not None and datetime.date.fromisoformat(start_date) not in dates:
        dates.append(datetime.date.fromisoformat(start_date))
    options |= {label(d): d.isoformat() for d in sorted(dates)}
    return options


@solara.component
def StartPicker(start_date: str | None, on_start: Callable[[str | None], None]):
    """Choose the day the runs start from: that day's front and inputs, and history's dated
    inputs as the run goes on."""
    options = start_options(start_date)
    label_of = {value: label for label, value in options.items()}
    with solara.Column(classes=["start-picker"], gap="4px"):
        solara.Select(label="Start from", values=list(options), value=label_of[start_date],
                      on_value=lambda label: on_start(options[label]))
        if start_date is not None:
            MarkdownText("History runs to 30 Nov 2024: sanctions, the oil discount, the rouble, "
                         "Russia's budget and recruits, Ukraine's mobilisation (lower in late "
                         "2023) and the 2024 gap in US aid change on their dates; the leaders' "
                         "rules decide the rest. The talks scenarios are written for 1 Dec 2024.",
                         classes=["start-description"])


@solara.component
def ParameterControl(spec: ParamSpec, value: Any, on_value: Callable[[str, Any], None]):
    """One parameter as a slider, a switch or a choice: its label above (the meaning, range,
    default and source as a tooltip), the control full width below, the range and the value in
    words under it."""
    scale = slider_scale(spec)
    with solara.Column(classes=[f"param-{spec.name}", "param-control"], gap="0px"):
        solara.HTML(tag="div", unsafe_innerHTML=tooltip_html(spec), classes=["param-label"])
        if spec.kind == "bool":
            solara.Switch(label="on" if value else "off", value=bool(value),
                          on_value=lambda v: on_value(spec.name, bool(v)))
        elif spec.kind == "choice":
            solara.Select(label="", values=list(spec.choices), value=str(value),
                          on_value=lambda v: on_value(spec.name, v), dense=True)
        else:
            slider = solara.SliderInt if spec.kind == "int" else solara.SliderFloat
            slider(label=spec.plain_label, value=slider_position(spec, value), min=spec.low * scale,
                   max=spec.high * scale, step=slider_step(spec) * scale,
                   on_value=lambda v: on_value(spec.name, round(v / scale, 9)),
                   thumb_label=True)
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(
                f"now {plain_value(spec, value)} (from {range_text(spec)})"),
                classes=["param-range"])


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, (int, float)):
        return f"{value:g}"
    return str(value)


@solara.component
def ParameterPanel(values: dict[str, Any], on_value: Callable[[str, Any], None],
                   on_reset_preset: Callable[[], None], started: bool, finished: bool = False):
    """Sliders for the key parameters, grouped by actor; before play they set the scenario, after
    it they are interventions from the current day on, and on the run's last day they act on
    no day. Takes `started` and `finished`, not the day, so a step leaves the sliders alone."""
    with solara.Column(classes=["parameter-panel"], gap="8px"):
        if finished:
            solara.Info("The run has reached its last day: Reset, then change a setting to run "
                        "again with it from the first day.", dense=True)
        elif started:
            solara.Info("The run has started: a change now acts from today on "
                        "(Reset to apply it from the first day).", dense=True)
        with solara.Div(classes=["param-groups"]):
            for title, specs in grouped(KEY_PARAMETERS):
                with solara.Card(title, classes=["param-group"], margin=0):
                    for spec in specs:
                        ParameterControl(spec, values[spec.name], on_value)
        # once the run has started this goes back to day 0 too, and says so (found by a
        # student: from day 182 it silently restarted the run)
        solara.Button("Back to the preset's values, from day 0" if started
                      else "Back to the preset's values", on_click=on_reset_preset,
                      outlined=True, classes=["reset-preset"])


@solara.component
def FieldError(message: str | None):
    """A refusal shown right under the field that caused it."""
    if message:
        with solara.Column(classes=["input-error", "field-error"], gap="0px"):
            solara.Error(message, dense=True)


def typed_choices() -> dict[str, str]:
    """Every parameter by "group: label", in actor-group order."""
    return {f"{title}: {spec.plain_label}": spec.name
            for title, specs in grouped(tuple(sim.PARAMS)) for spec in specs}


@solara.component
def TypedValue(on_apply: Callable[[str, str], None], error: str | None = None):
    """Type a value for any parameter; the page checks it and explains a refusal here."""
    choices = typed_choices()
    titles = {name: title for title, name in choices.items()}
    name = solara.use_reactive("trump_aid_level")
    text = solara.use_reactive("")
    spec = sim.PARAMS[name.value]
    scale = slider_scale(spec)
    unit = "%" if scale != 1 else unit_words(spec)
    with solara.Card("Type an exact value", classes=["typed-value"]):
        solara.Select(label="Setting", values=list(choices), value=titles[name.value],
                      on_value=lambda title: name.set(choices[title]))
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(
            f"{plain_text(spec.meaning)} Allowed: {range_text(spec) or spec.allowed()}."),
            classes=["typed-meaning"])
        solara.InputText(label=f"Value ({unit})" if unit else "Value", value=text,
                         continuous_update=True, classes=["typed-value-input"])
        FieldError(error)
        solara.Button("Apply", on_click=lambda: on_apply(name.value, typed_in_model_units(
            spec, text.value)), classes=["typed-value-apply"])


def typed_in_model_units(spec: ParamSpec, text: str) -> str:
    """A typed number in per cent (as the slider shows it) back in the model's units."""
    scale = slider_scale(spec)
    if scale == 1 or spec.kind != "float":
        return text
    try:
        return repr(float(text.strip().rstrip("%")) / scale)
    except ValueError:
        return text


@solara.component
def PlayControls(playing: bool, at_end: bool, speed: int, speeds: dict[str, int],
                 on_play: Callable[[], None], on_pause: Callable[[], None],
                 on_step: Callable[[int], None], on_reset: Callable[[], None],
                 on_speed: Callable[[int], None], on_month: Callable[[], None],
                 lesson_running: bool = False):
    """Takes whether the run is at its end rather than the day, so a step does not re-render it.
    While a lesson's run steps the model, Play and the steps wait (Reset still stops it)."""
    held = at_end or lesson_running
    with solara.Row(classes=["play-controls"], gap="4px", style={"flex-wrap": "wrap"}):
        if playing:
            solara.Button("Pause", icon_name="mdi-pause", on_click=on_pause, classes=["pause"])
        else:
            solara.Button("Play", icon_name="mdi-play", on_click=on_play, disabled=held,
                          classes=["play"], color="primary")
        solara.Button("+1 day", on_click=lambda: on_step(1), disabled=playing or held,
                      classes=["step-day"])
        solara.Button("+1 month", on_click=on_month, disabled=playing or held,
                      classes=["step-month"])
        solara.Button("Reset", icon_name="mdi-restart", on_click=on_reset, classes=["reset"])
    if at_end:
        solara.Text("The run has reached its last day: Reset starts it again.",
                    classes=["run-ended"])
    elif lesson_running:
        solara.Text("The lesson is running the model: Play waits for its answer (Reset stops "
                    "the lesson's run).", classes=["lesson-holds-play"])
    names = {v: k for k, v in speeds.items()}
    solara.Select(label="Speed", values=list(speeds), value=names.get(speed, list(speeds)[0]),
                  on_value=lambda label: on_speed(speeds[label]))


OPEN_RUN_NOTE = ("Opening a run starts again from day 0, with your settings: the fan becomes "
                 "that seed's runs from that index on, so its bands move a little too.")


@solara.component
def RunOpener(seed: int, run_offset: int, on_open: Callable[[str, str], None],
              error: str | None = None):
    """Open run K of seed S (a row of a sweep): it becomes the highlighted run, replayed exactly."""
    seed_text = solara.use_reactive(str(seed))
    run_text = solara.use_reactive(str(run_offset))
    with solara.Card("Open a run", classes=["run-opener"]):
        solara.Text(f"Highlighted run now: seed {seed}, run {run_offset}.",
                    style={"font-size": "0.85em"})
        solara.InputText(label="Seed", value=seed_text, continuous_update=True,
                         classes=["run-seed"])
        solara.InputText(label="Run index", value=run_text, continuous_update=True,
                         classes=["run-index"])
        FieldError(error)
        solara.Button("Open run", on_click=lambda: on_open(seed_text.value, run_text.value),
                      classes=["open-run"])
        solara.Text(OPEN_RUN_NOTE, classes=["open-run-note"], style={"font-size": "0.85em"})
