"""Scenarios are strategies, not outcomes (issue 10): in every preset with talks a ceasefire is
possible but not certain, no preset but status_quo ends in one outcome class in 95 % of runs,
every two presets differ in their outcomes, and both pressure indices spread across runs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

import sim

WITH_TALKS = [name for name in sim.SCENARIOS if name != "status_quo"]


@pytest.mark.slow
@pytest.mark.parametrize("scenario", WITH_TALKS)
def test_a_ceasefire_is_possible_but_not_certain(ensemble, scenario):
    reached = ensemble(scenario).outcomes["ceasefire_day"].notna().mean()
    assert 0.05 <= reached <= 0.95, reached


@pytest.mark.slow
@pytest.mark.parametrize("scenario", WITH_TALKS)
def test_no_preset_with_talks_fixes_its_outcome_class(ensemble, scenario):
    shares = ensemble(scenario).outcomes["outcome"].value_counts(normalize=True)
    assert shares.max() < 0.95, shares.to_dict()


HEADLINE = ("area_change_km2", "ceasefire_day", "ukraine_support_final", "us_aid_total_bn_usd",
            "eu_aid_total_bn_usd", "russia_economic_pressure_mean", "ukraine_economic_pressure_mean")


@pytest.mark.slow
@pytest.mark.parametrize("one,other", list(itertools.combinations(sim.SCENARIOS, 2)))
def test_every_two_presets_differ_in_outcomes(ensemble, one, other):
    """The outcome classes differ (chi-square, alpha 0.01), or a headline outcome does on the
    same runs (paired Wilcoxon, alpha 0.01, with a median difference of at least 5 %)."""
    a, b = ensemble(one).outcomes, ensemble(other).outcomes
    table = np.array([[np.sum(a["outcome"] == c), np.sum(b["outcome"] == c)]
                      for c in sim.OUTCOME_CLASSES])
    table = table[table.sum(axis=1) > 0]
    if table.shape[0] > 1 and stats.chi2_contingency(table).pvalue < 0.01:
        return
    differing = []
    for column in HEADLINE:
        x = a[column].fillna(731.0).to_numpy()
        y = b[column].fillna(731.0).to_numpy()
        diff = x - y
        scale = max(abs(np.median(x)), abs(np.median(y)), 1e-9)
        if (np.any(diff != 0) and stats.wilcoxon(diff).pvalue < 0.01
                and abs(np.median(diff)) >= 0.05 * scale):
            differing.append(column)
    assert differing, f"{one} and {other} end alike"


@pytest.mark.slow
@pytest.mark.parametrize("scenario", list(sim.SCENARIOS))
def test_both_pressure_indices_spread_across_runs_in_the_second_year(ensemble, scenario):
    """No flat line: over the second year each index differs from run to run (10-90 % range of
    its mean over days 365-730 above 0.01), and so does each winter's."""
    result = ensemble(scenario)
    for field in ("russia_economic_pressure", "ukraine_economic_pressure"):
        series = result.trajectories[field]
        for days in (slice(365, 731), slice(365, 456)):  # the second year; its winter
            q10, q90 = np.percentile(series[:, days].mean(axis=1), [10, 90])
            assert q90 - q10 > 0.01, (field, days)


def test_a_slider_a_preset_names_in_its_description_exists():
    """A description that points the student to a slider or another preset names it as the page
    shows it."""
    import re

    labels = ({spec.label for spec in sim.PARAMS.values()}
              | {scenario.title.removesuffix(" (default)") for scenario in sim.SCENARIOS.values()})
    named = [(scenario.name, text) for scenario in sim.SCENARIOS.values()
             for text in re.findall(r'"([^"]+)"', scenario.description)]
    assert ("freeze", "Extra Russian push to grab ground before a freeze") in named
    assert [pair for pair in named if pair[1] not in labels] == []
