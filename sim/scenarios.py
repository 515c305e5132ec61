"""Scenario presets from the analyses after the November 2024 Trump-Putin call, as data.

A preset is a set of leader-rule parameters and a description a student can read; it never sets
a state variable or an outcome. The defaults in `params.py` are the new administration's
baseline (contained aid, a push for talks, an opportunist Putin): `new_administration`, the
yardstick the talks presets are compared with; `status_quo` is the counterfactual of 2024
policy, without talks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .params import ParamError, Params, check_name, did_you_mean, resolve


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    description: str
    overrides: Mapping[str, Any] = field(default_factory=dict)


SCENARIOS: dict[str, Scenario] = {s.name: s for s in [
    Scenario(
        "status_quo", "Status quo (counterfactual)",
        "The 2024 US policy simply continues: aid flows at its 2024 level, sanctions stay where "
        "they are and nobody pushes for talks. Russia keeps up its autumn-2024 offensive and its "
        "winter strikes on the grid. It shows the war with no talks at all; the talks "
        "scenarios are compared with \"New administration, talks pushed\".",
        {"trump_aid_level": 1.0, "trump_pushes_talks": False, "trump_sanctions_level": 0.5}),
    Scenario(
        "new_administration", "New administration, talks pushed (default)",
        "Every setting at its default: the new US administration contains its aid (70 % of the "
        "2024 level) and presses both sides into talks a month after the inauguration; Putin is "
        "an opportunist who asks for as much as he believes Kyiv would accept. Offers come when "
        "the front shifts or Washington grows impatient; sanctions relief needs Washington and "
        "the EU, guarantees need those who give them. This is the yardstick the other talks "
        "scenarios are compared with.",
        {}),
    Scenario(
        "freeze", "Grab ground, then freeze",
        "Putin pushes harder on the main axes (\"Extra Russian push to grab ground before a "
        "freeze\") while the ground he takes is worth its cost to him, then offers a ceasefire "
        "on the line he holds. A frozen conflict would let Russia rebuild and keep its gains "
        "without recognising anything; Kyiv accepts only if fighting on looks worse.",
        {"putin_strategy": "freeze"}),
    Scenario(
        "maximalist_terms", "Terms Kyiv cannot accept",
        "Putin agrees to talk but demands land Ukraine still holds and accepts nothing less. The "
        "point is not a deal: a Washington that blames whoever says no casts Kyiv as the "
        "obstacle after each refusal, leans on Ukraine and thins its aid, while the war goes on.",
        {"putin_strategy": "maximalist", "trump_blame_susceptibility": 0.8}),
    Scenario(
        "economic_pressure", "Sanctions push Russia to negotiate",
        "Washington and Europe tighten sanctions and oil revenue falls. Once the strain of a "
        "wider deficit, borrowed at home, is high enough, Moscow looks for a face-saving deal "
        "and stops claiming more than Kyiv can accept, with limited concessions.",
        {"putin_strategy": "serious", "trump_sanctions_level": 1.0, "eu_sanctions_step": 0.1,
         "trump_sanctions_on_blame": 0.8}),
    Scenario(
        "parallel_processes", "Talks under fire",
        "Talks open early and keep going, but nobody stops fighting while they do: negotiations "
        "are a buffer, not a ceasefire. Moscow will not stop before the terms are settled (a "
        "ceasefire first costs it dearly), so talks drag on while the front keeps moving, and "
        "each side uses them to show the other (and Washington) who is unreasonable.",
        {"trump_push_delay_days": 0, "talks_collapse_per_refusal": 0.02,
         "talks_reopen_per_day": 0.2, "energy_moratorium_in_talks": False,
         "russia_sequencing_cost_km2": 8000.0}),
    Scenario(
        "burden_shift", "Europe carries more of the burden",
        "The new administration contains its commitments and sharply cuts US aid. European "
        "governments step in and make up most of the gap, with more money and weapons of their "
        "own, and offer stronger guarantees.",
        {"trump_aid_level": 0.3, "eu_compensation_share": 0.9, "eu_guarantee_strength": 0.5}),
    Scenario(
        "deterrence", "Credible US deterrence",
        "Trump's warning against escalation, backed by the US presence in Europe, is taken "
        "seriously in Moscow: Russia holds back from mass strikes on Ukraine's grid and from "
        "breaking any ceasefire, while the fighting on the ground goes on.",
        {"deterrence_credibility": 0.9}),
]}


def check_scenario(name: str) -> Scenario:
    if name not in SCENARIOS:
        raise ParamError("scenario", name,
                         "one of " + ", ".join(SCENARIOS) + did_you_mean(name, SCENARIOS))
    return SCENARIOS[name]


def overrides_for(name: str, **overrides: Any) -> dict[str, Any]:
    """The preset's overrides with the caller's on top (the caller wins)."""
    merged = dict(check_scenario(name).overrides)
    for key in overrides:
        check_name(key)
    merged.update(overrides)
    return merged


def make(name: str = "status_quo", n_runs: int = 1, **overrides: Any) -> Params:
    """Params for a preset, with overrides (scalars or per-run arrays) on top."""
    return resolve(overrides_for(name, **overrides), n_runs)
