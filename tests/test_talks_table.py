"""The table of the talks (issue 19): each issue needs the consent of whoever controls it, offers
come from the state of the war and the talks rather than a calendar, land can be traded for
peace, and the energy truce is a deal of its own."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import batch_settings, params_of

import sim
from sim.core import talks
from sim.model import ConflictModel

WITH_TALKS = [name for name in sim.SCENARIOS if name != "status_quo"]
TOL = talks.ISSUE_TOLERANCE


def deals_struck(scenarios, runs=150, days=730, seed=4):
    """Every deal of every run (not only the first) of each scenario, all in one batch
    (`conftest.batch_settings`: each scenario's runs as they run alone): the package, its
    proposer, who consented and the parameters of the run, on each day a ceasefire began."""
    per_run, run_indices = batch_settings([(name, {}) for name in scenarios], runs)
    model = ConflictModel("new_administration", n_runs=runs * len(scenarios), days=days,
                          rng=seed, record=False, collect=False, run_indices=run_indices, **per_run)
    rows, packages, proposers, consents = [], [], [], []
    while model.running:
        model.step()
        new = model.events.ceasefire
        if new.any():
            rows.append(np.flatnonzero(new))
            packages.append(model.state.deal_package[new])
            proposers.append(model.state.deal_proposer[new])
            consents.append(model.state.deal_consent[new])
    rows, packages = np.concatenate(rows), np.concatenate(packages)
    proposers, consents = np.concatenate(proposers), np.concatenate(consents)
    for k, name in enumerate(scenarios):
        mine = rows // runs == k
        yield (name, packages[mine], proposers[mine], consents[mine],
               params_of(model.params, rows[mine]))


def has(consent, party):
    return (consent & party) == party


@pytest.mark.slow
def test_no_deal_grants_relief_or_guarantees_without_the_consent_of_whoever_controls_them():
    granted_relief = 0
    for scenario, package, proposer, consent, p in deals_struck(WITH_TALKS):
        assert len(package) > 0, scenario
        assert has(consent, talks.CONSENT_MOSCOW).all() and has(consent, talks.CONSENT_KYIV).all()
        us_relief = package[:, talks.SANCTIONS_RELIEF] > TOL
        eu_relief = package[:, talks.EU_RELIEF] > TOL
        backstop = talks.us_guarantee_part(p, package) > TOL
        force = talks.eu_guarantee_part(p, package) > TOL
        assert has(consent[us_relief | backstop], talks.CONSENT_WASHINGTON).all(), scenario
        assert has(consent[eu_relief | force], talks.CONSENT_EUROPE).all(), scenario
        # nobody grants more than its own stated limit
        assert (package[:, talks.SANCTIONS_RELIEF] <= p.trump_relief_offer + TOL).all(), scenario
        assert (package[:, talks.EU_RELIEF] <= p.eu_relief_limit + TOL).all(), scenario
        assert (package[:, talks.GUARANTEE]
                <= talks.guarantee_on_offer(p) + TOL).all(), scenario
        # Kyiv offers no relief it does not control
        from_kyiv = proposer == talks.KYIV
        assert (package[from_kyiv][:, [talks.SANCTIONS_RELIEF, talks.EU_RELIEF]] == 0.0).all()
        granted_relief += int((us_relief | eu_relief).sum())
    assert granted_relief > 0  # relief is on the table and granted, with consent


def test_a_package_binds_only_with_every_controllers_consent():
    p = sim.scenarios.make("new_administration", 4)
    package = np.zeros((4, talks.N_ISSUES))
    package[:, talks.SANCTIONS_RELIEF] = [0.0, 0.3, 0.0, 0.3]
    package[:, talks.EU_RELIEF] = [0.0, 0.0, 0.2, 0.2]
    required = talks.required_consent(p, package)
    table = talks.CONSENT_MOSCOW + talks.CONSENT_KYIV
    assert talks.binds(np.full(4, table, np.int8), required).tolist() == [True, False, False,
                                                                            False]
    everyone = table + talks.CONSENT_WASHINGTON + talks.CONSENT_EUROPE
    assert talks.binds(np.full(4, everyone, np.int8), required).all()


def test_washington_and_europe_give_their_reason_with_their_answer():
    """A party off the table records why it withholds its consent with the decision itself
    (`Moves.us_withheld`, `Moves.eu_withheld`), so the story of a round reads the rule's own
    reason. Rows: nothing asked of it, relief beyond its limit, a guarantee beyond the pledges,
    both, (Europe) a member's holdout."""
    model = ConflictModel("new_administration", n_runs=5, days=10, rng=1, uncertainty="off")
    p, state = model.params, model.state
    wants = np.ones(5, dtype=bool)
    package = np.zeros((5, talks.N_ISSUES))
    us_limit = talks.washington_relief_limit(p, state, wants)
    package[:, talks.SANCTIONS_RELIEF] = [0.0, us_limit[1] + 0.1, 0.0, us_limit[3] + 0.1, 0.0]
    package[:, talks.GUARANTEE] = [0.0, 0.0, 1.0, 1.0, 0.0]
    over_backstop = talks.us_guarantee_part(p, package) > p.us_backstop_strength + TOL
    assert over_backstop.tolist() == [False, False, True, True, False]
    assert talks.washington_withholds(p, package, us_limit).tolist() == [
        talks.CONSENTS, talks.WITHHELD_RELIEF, talks.WITHHELD_FORCE, talks.WITHHELD_FORCE,
        talks.CONSENTS]
    package[:, talks.EU_RELIEF] = [0.0, 1.0, 0.0, 0.0, 0.01]
    package[4, talks.GUARANTEE] = talks.guarantee_on_offer(p)  # Europe trades relief for it
    holdout_draw = np.array([0.0, 0.0, 0.0, 0.0, 0.0])  # every package lifting EU sanctions
    within = talks.europe_relief_limit(p, package)
    assert within[4] > 0.01 + TOL, "the fifth row's EU relief is within Europe's limit"
    codes = talks.europe_withholds(p, package, holdout_draw)
    # a guarantee beyond Europe's pledge falls on the US backstop, not on Europe's consent
    assert codes.tolist() == [talks.CONSENTS, talks.WITHHELD_RELIEF, talks.CONSENTS,
                              talks.CONSENTS, talks.WITHHELD_HOLDOUT]
    assert talks.europe_withholds(p, package, np.ones(5))[4] == talks.CONSENTS
    moves = model.decide(model._context(1))
    assert np.array_equal(moves.us_consents, moves.us_withheld == talks.CONSENTS)
    assert np.array_equal(moves.eu_consents, moves.eu_withheld == talks.CONSENTS)


@pytest.mark.slow
def test_an_eu_member_that_always_holds_out_keeps_every_eu_sanction_in_place(ensembles):
    held, free = ensembles(("new_administration", {"eu_relief_holdout_chance": 1.0}),
                           ("new_administration", {"eu_relief_holdout_chance": 0.0}),
                           runs=200, days=730, seed=6, record=False)
    o = held.outcomes
    dealt = o["ceasefire_day"].notna()
    assert dealt.sum() > 10
    assert (o.loc[dealt, "deal_relief_eu"] == 0.0).all()
    assert (o["consent_refusals"] > 0).mean() > 0.2  # packages that asked for it were blocked
    free = free.outcomes
    assert (free.loc[free["ceasefire_day"].notna(), "deal_relief_eu"] > 0.0).mean() > 0.2


@pytest.mark.slow
def test_deals_are_data_in_the_outcome_row():
    o = sim.simulate("new_administration", runs=100, days=730, seed=2).outcomes
    dealt = o["ceasefire_day"].notna()
    assert dealt.any() and (~dealt).any()
    terms = ["deal_line_km2", "deal_ceasefire_first", "deal_guarantee", "deal_relief_us",
             "deal_relief_eu", "deal_force_limits", "deal_energy_truce", "deal_proposer",
             "deal_consent"]
    assert o.loc[dealt, terms].notna().all().all()
    assert o.loc[~dealt, terms].isna().all().all()
    assert set(o.loc[dealt, "deal_proposer"]) <= {talks.MOSCOW, talks.KYIV, talks.WASHINGTON}


# ---------------------------------------------------------------- timing from events
@pytest.mark.slow
@pytest.mark.parametrize("scenario", WITH_TALKS)
def test_no_single_day_holds_more_than_three_percent_of_the_ceasefires(ensembles, scenario):
    """400 runs of each preset, all in one batch (computed by the first case, 12 s of CPU where
    the seven apart took 25 s)."""
    every = ensembles(*WITH_TALKS, runs=400, days=730, seed=11, record=False)
    days = every[WITH_TALKS.index(scenario)].outcomes["ceasefire_day"]
    days = days.dropna().astype(int).to_numpy()
    assert len(days) >= 40, scenario
    assert np.bincount(days).max() / len(days) <= 0.03, scenario


@pytest.mark.slow
def test_offers_follow_no_rota():
    """The days between one run's packages vary (no fixed interval), and a shift of the front
    since the last package makes the next one likelier."""
    result = sim.simulate("new_administration", runs=200, days=730, seed=8)
    offered = result.trajectories["proposer_today"] > 0
    gaps = np.concatenate([np.diff(np.flatnonzero(row)) for row in offered])
    assert len(gaps) > 500
    assert gaps.std() / gaps.mean() > 0.5
    assert len(np.unique(gaps)) > 20
    calm = talks.offer_chance(21.0, 0.0, 500.0, 0.0)
    assert talks.offer_chance(21.0, 1000.0, 500.0, 0.0) > 2.5 * calm
    assert talks.offer_chance(21.0, 0.0, 500.0, 1.0) > 1.8 * calm


# ---------------------------------------------------------------- the energy truce
@pytest.mark.slow
def test_the_energy_truce_is_offered_agreed_and_broken_not_a_default(ensembles):
    on, off, never = (r.outcomes for r in ensembles(
        "new_administration", ("new_administration", {"energy_moratorium_in_talks": False}),
        ("new_administration", {"russia_energy_truce_value_km2": 0.0}),
        runs=200, days=730, seed=9, record=False))
    assert 0.1 < on["energy_truce_day"].notna().mean() < 1.0
    assert (on["energy_truces_broken"] > 0).mean() > 0.1
    assert off["energy_truce_day"].isna().all()
    # Moscow refuses it where the end of Ukraine's refinery strikes is worth nothing to it
    assert never["energy_truce_day"].isna().all()


# ---------------------------------------------------------------- land for peace
@pytest.mark.slow
def test_land_for_peace_where_kyiv_can_bear_it_and_less_as_its_red_line_bites(ensembles):
    """Deals that cede land exist when Kyiv's domestic cost of ceding allows (red line at
    today's line, no extra cost beyond it), and the land ceded falls as that cost rises (same
    runs, one batch)."""
    costs = (0.0, 4.0, 16.0)
    results = ensembles(*(("new_administration", {"red_line_cost_per_km2": cost}) for cost in costs),
                        runs=200, days=730, seed=12, record=False)
    ceded = {cost: r.outcomes["deal_line_km2"].fillna(0.0).to_numpy()
             for cost, r in zip(costs, results)}
    assert (ceded[0.0] > 1000.0).mean() > 0.2
    assert ceded[0.0].mean() > 3.0 * ceded[4.0].mean() > 3.0 * ceded[16.0].mean()
