"""The base rate of docs/VALIDATION.md section 10 is computed from the sourced table of
interstate wars (Correlates of War), not quoted."""

from __future__ import annotations

import numpy as np

from experiments import base_rates
from sim import datasets


def test_the_war_table_is_the_correlates_of_war_list_with_its_sources():
    wars = datasets.interstate_wars()
    assert len(wars) == 95  # COW Inter-State War Data v4.0, 1823-2003
    assert (wars["end"] >= wars["start"]).all()
    assert wars["source"].str.contains("Correlates of War|COW").all()


def test_ending_shares_count_the_wars_at_risk_and_those_that_ended():
    durations = np.array([100.0, 1000.0, 1100.0, 1500.0, 2000.0, 4000.0])
    one, two = base_rates.ending_shares(durations, 1000.0)
    assert one.at_risk == two.at_risk == 5  # the war of 100 days never reached the age
    assert (one.ended, two.ended) == (2, 3)  # 1000 and 1100 within a year, 1500 within two
    assert one.low < one.share < one.high


def test_wars_as_old_as_this_one_ended_within_two_years_about_half_the_time():
    """On the start date the war was 1,011 days old: twelve interstate wars had lasted as
    long, three ended within a year and six within two."""
    shares, names = base_rates.historical()
    assert len(names) == 12 and any(n.startswith("Korean") for n in names)
    assert [s.ended for s in shares] == [3, 6]
    assert base_rates.model_ceasefire_shares([10.0, 400.0, np.nan, 800.0]) == [0.25, 0.5]
