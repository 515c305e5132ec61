"""Controls: components that take values and send `on_*` callbacks; none touches session state.

Every slider's label, unit, range, step and tooltip come from `sim.PARAMS` (never re-declared
here); `KEY_PARAMETERS` only chooses which parameters get a slider.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import solara

import sim
from sim.params import ParamSpec

# The levers the article discusses, in the order a student meets them.
KEY_PARAMETERS: tuple[str, ...] = (
    "putin_strategy", "putin_offensive_intensity", "trump_aid_level", "trump_pushes_talks",
    "trump_sanctions_level", "deterrence_credibility", "eu_compensation_share",
    "eu_guarantee_strength", "energy_moratorium_in_talks", "world_oil_price_usd",
    "air_defence_interception", "ukraine_resolve_km2", "talks_collapse_per_refusal",
)


def slider_step(spec: ParamSpec) -> float:
    """About a hundredth of the range, rounded to 1, 2 or 5 times a power of ten."""
    if spec.kind == "int":
        return 1
    raw = (spec.high - spec.low) / 100.0
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if raw <= mult * power:
            return mult * power
    return 10 * power


def tooltip_text(spec: ParamSpec) -> str:
    return f"{spec.meaning} Allowed: {spec.allowed()}. Default {spec.default_text()}. Source: {spec.source}"


def label_text(spec: ParamSpec) -> str:
    unit = f" ({spec.unit})" if spec.unit and spec.unit not in ("-", "switch") else ""
    return f"{spec.name}{unit}"


@solara.component
def ScenarioPicker(scenario: str, on_scenario: Callable[[str], None]):
    """Choose a preset and read why it is there."""
    titles = {s.title: name for name, s in sim.SCENARIOS.items()}
    current = sim.SCENARIOS[scenario]
    with solara.Column(classes=["scenario-picker"], gap="4px"):
        solara.Select(label="Scenario", values=list(titles), value=current.title,
                      on_value=lambda title: on_scenario(titles[title]))
        solara.Markdown(current.description, style={"font-size": "0.85em"})


@solara.component
def ParameterControl(spec: ParamSpec, value: Any, on_value: Callable[[str, Any], None]):
    """One parameter as a slider, a switch or a choice, with its meaning as a tooltip."""
    with solara.Column(classes=[f"param-{spec.name}", "param-control"], gap="0px"):
        with solara.Tooltip(tooltip_text(spec)):
            with solara.Column(gap="0px"):
                if spec.kind == "bool":
                    solara.Switch(label=label_text(spec), value=bool(value),
                                  on_value=lambda v: on_value(spec.name, bool(v)))
                elif spec.kind == "choice":
                    solara.Select(label=label_text(spec), values=list(spec.choices),
                                  value=str(value), on_value=lambda v: on_value(spec.name, v))
                else:
                    slider = solara.SliderInt if spec.kind == "int" else solara.SliderFloat
                    slider(label=label_text(spec), value=value, min=spec.low, max=spec.high,
                           step=slider_step(spec), on_value=lambda v: on_value(spec.name, v),
                           thumb_label=True)
        solara.Text(f"{spec.allowed()}; now {format_value(value)}",
                    style={"font-size": "0.75em", "color": "#555"})


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, (int, float)):
        return f"{value:g}"
    return str(value)


@solara.component
def ParameterPanel(values: dict[str, Any], on_value: Callable[[str, Any], None],
                   on_reset_preset: Callable[[], None], started: bool):
    """Sliders for the key parameters; before play they set the scenario, after it they are
    interventions from the current day on. Takes `started`, not the day, so a step leaves the
    sliders alone."""
    with solara.Card("Parameters", classes=["parameter-panel"]):
        if started:
            solara.Info("The run has started: a change now is an intervention from today on "
                        "(Reset to apply it from day 0).", dense=True)
        for name in KEY_PARAMETERS:
            ParameterControl(sim.PARAMS[name], values[name], on_value)
        solara.Button("Reset to preset", on_click=on_reset_preset, outlined=True,
                      classes=["reset-preset"])


@solara.component
def TypedValue(on_apply: Callable[[str, str], None]):
    """Type a value for any parameter; the page checks it and explains a refusal."""
    name = solara.use_reactive("trump_aid_level")
    text = solara.use_reactive("")
    spec = sim.PARAMS[name.value]
    with solara.Card("Type a value", classes=["typed-value"]):
        solara.Select(label="Parameter", values=list(sim.PARAMS), value=name)
        solara.Text(f"{spec.meaning} Allowed: {spec.allowed()}.", style={"font-size": "0.8em"})
        solara.InputText(label="Value", value=text, continuous_update=True,
                         classes=["typed-value-input"])
        solara.Button("Apply", on_click=lambda: on_apply(name.value, text.value),
                      classes=["typed-value-apply"])


@solara.component
def PlayControls(playing: bool, at_end: bool, speed: int, speeds: dict[str, int],
                 on_play: Callable[[], None], on_pause: Callable[[], None],
                 on_step: Callable[[int], None], on_reset: Callable[[], None],
                 on_speed: Callable[[int], None]):
    """Takes whether the run is at its end rather than the day, so a step does not re-render it."""
    with solara.Row(classes=["play-controls"], gap="4px", style={"flex-wrap": "wrap"}):
        if playing:
            solara.Button("Pause", icon_name="mdi-pause", on_click=on_pause, classes=["pause"])
        else:
            solara.Button("Play", icon_name="mdi-play", on_click=on_play, disabled=at_end,
                          classes=["play"], color="primary")
        solara.Button("+1 day", on_click=lambda: on_step(1), disabled=playing or at_end,
                      classes=["step-day"])
        solara.Button("+1 month", on_click=lambda: on_step(30), disabled=playing or at_end,
                      classes=["step-month"])
        solara.Button("Reset", icon_name="mdi-restart", on_click=on_reset, classes=["reset"])
    names = {v: k for k, v in speeds.items()}
    solara.Select(label="Speed", values=list(speeds), value=names.get(speed, list(speeds)[0]),
                  on_value=lambda label: on_speed(speeds[label]))


@solara.component
def RunOpener(seed: int, run_offset: int, on_open: Callable[[str, str], None]):
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
        solara.Button("Open run", on_click=lambda: on_open(seed_text.value, run_text.value),
                      classes=["open-run"])
