"""Per-run summary metrics and the outcome class (design, section 3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import sectors
from .core import talks
from .params import ParamError, Params, did_you_mean
from .state import CEASEFIRE, SETTLEMENT, TALKS, State

@dataclass(frozen=True)
class OutcomeSpec:
    """One per-run outcome, declared once: the summary, the CLI, sweep specs, the dashboard,
    the plots and docs/MODEL.md read this table. `fmt` formats a value for people;
    `headline` outcomes are the ones `conflictsim run` summarises; `empty_without` names the event
    without which a run has no value (a day of it, a term of its deal), so a sensitivity analysis
    can refuse such a column before any run and offer `reached:<name>`."""

    name: str
    label: str
    unit: str
    meaning: str
    fmt: str = "{:.2f}"
    headline: bool = False
    empty_without: str = ""  # the event without which a run's value is empty (NaN); "": never


_O = OutcomeSpec
OUTCOMES: dict[str, OutcomeSpec] = {o.name: o for o in [
    _O("occupied_km2_final", "occupied area at the end", "km2",
       "Ukrainian land held by Russia on the last day (Kursk excluded).", "{:,.0f}", True),
    _O("occupied_pct_final", "occupied share of Ukraine at the end", "%",
       "The same as a share of Ukraine's 603,550 km2.", "{:.1f}"),
    _O("occupied_km2_peak", "largest occupied area", "km2",
       "The most Ukrainian land Russia held on any day.", "{:,.0f}"),
    _O("area_change_km2", "change in occupied area", "km2",
       "Occupied area at the end minus on day 0 (land ceded in a deal included).", "{:+,.0f}",
       True),
    _O("kursk_held_km2_final", "Ukrainian-held ground in Kursk at the end", "km2",
       "Ground Ukraine still holds inside Russia on the last day.", "{:,.0f}", True),
    _O("ceasefire_day", "first ceasefire day", "day",
       "Day of the first ceasefire; empty (NaN) if none.", "{:.0f}",
       empty_without="a ceasefire"),
    _O("settlement_day", "settlement day", "day",
       "Day a settlement was signed; empty (NaN) if none.", "{:.0f}",
       empty_without="a settlement"),
    _O("talks_phase_final", "talks phase at the end", "code",
       "0 no talks, 1 talks while fighting, 2 ceasefire, 3 settlement.", "{:.0f}"),
    _O("talks_open_days", "days of open talks", "days",
       "Days on which talks were open while the war went on.", "{:.0f}"),
    _O("ceasefire_breakdowns", "ceasefires broken", "count",
       "How many ceasefires broke down.", "{:.0f}"),
    _O("ukraine_refusals", "packages refused", "count",
       "How many packages were refused (by either side, or blocked by a party off the table).",
       "{:.0f}"),
    _O("consent_refusals", "packages blocked off the table", "count",
       "Packages both Moscow and Kyiv took that Washington or the EU, whose relief or "
       "guarantees they asked, refused.", "{:.0f}"),
    _O("deal_line_km2", "land ceded in the first deal", "km2",
       "Unoccupied Ukrainian land the first ceasefire's package ceded beyond the line; empty "
       "(NaN) without a deal.", "{:,.0f}",
       empty_without="a deal"),
    _O("deal_ceasefire_first", "first deal: ceasefire before terms", "0/1",
       "1 if the first deal put the ceasefire before the terms; NaN without a deal.", "{:.0f}",
       empty_without="a deal"),
    _O("deal_guarantee", "first deal: guarantees", "share 0-1",
       "Security guarantees for Ukraine in the first deal (Europe's force, the US backstop).",
       "{:.2f}",
       empty_without="a deal"),
    _O("deal_relief_us", "first deal: US sanctions lifted", "share 0-1",
       "Share of US sanctions the first deal lifted (granted by Washington).", "{:.2f}",
       empty_without="a deal"),
    _O("deal_relief_eu", "first deal: EU sanctions lifted", "share 0-1",
       "Share of EU sanctions the first deal lifted (granted by the EU).", "{:.2f}",
       empty_without="a deal"),
    _O("deal_force_limits", "first deal: limits on Ukraine's forces", "index 0-1",
       "Limits on Ukraine's forces and alignment in the first deal.", "{:.2f}",
       empty_without="a deal"),
    _O("deal_kursk_return_km2", "first deal: Russian ground handed back", "km2",
       "Ground Ukraine held in Russia (Kursk) that the first deal handed back.", "{:,.0f}",
       empty_without="a deal"),
    _O("deal_energy_truce", "first deal came with an energy truce", "0/1",
       "1 if an agreed energy truce was in force when the first ceasefire was agreed.",
       "{:.0f}",
       empty_without="a deal"),
    _O("deal_proposer", "first deal proposed by", "code",
       "1 Moscow, 2 Kyiv, 3 Washington; NaN without a deal.", "{:.0f}",
       empty_without="a deal"),
    _O("deal_consent", "first deal consented to by", "bits",
       "Sum of 1 Moscow, 2 Kyiv, 4 Washington, 8 the EU: who consented; NaN without a deal.",
       "{:.0f}",
       empty_without="a deal"),
    _O("energy_truce_day", "first energy truce day", "day",
       "Day an energy truce was first agreed; empty (NaN) if never.", "{:.0f}",
       empty_without="an energy truce"),
    _O("energy_truces_broken", "energy truces broken", "count",
       "How many energy truces broke down.", "{:.0f}"),
    _O("russia_economic_pressure_final", "Russian economic pressure at the end", "index 0-1",
       "Budget shortfall, reserves drawn and sanctions on the last day.", "{:.2f}", True),
    _O("russia_economic_pressure_mean", "Russian economic pressure, mean", "index 0-1",
       "The same, averaged over the run.", "{:.2f}"),
    _O("ukraine_economic_pressure_final", "Ukrainian economic pressure at the end", "index 0-1",
       "Outages, budget gap, supply gap and the war's burden on the last day.", "{:.2f}", True),
    _O("ukraine_economic_pressure_mean", "Ukrainian economic pressure, mean", "index 0-1",
       "The same, averaged over the run.", "{:.2f}"),
    _O("grid_gw_final", "Ukraine grid capacity at the end", "GW",
       "Available generating capacity on the last day.", "{:.1f}", True),
    _O("ukraine_support_final", "Ukrainian support for resistance at the end", "share 0-1",
       "Domestic support for continuing the resistance on the last day.", "{:.2f}", True),
    _O("russia_casualties", "Russian casualties", "persons",
       "Killed and wounded over the run.", "{:,.0f}", True),
    _O("ukraine_casualties", "Ukrainian casualties", "persons",
       "Killed and wounded over the run.", "{:,.0f}", True),
    _O("russia_troops_k_final", "Russian troops at the front at the end", "thousand",
       "Troops in all sectors on the last day.", "{:,.0f}"),
    _O("ukraine_troops_k_final", "Ukrainian troops at the front at the end", "thousand",
       "Troops in all sectors on the last day.", "{:,.0f}"),
    _O("force_ratio_final", "force ratio at the end", "Russian per Ukrainian",
       "Russian over Ukrainian troops at the front on the last day.", "{:.2f}", True),
    _O("us_aid_total_bn_usd", "US aid", "bn USD", "US aid over the run.", "{:.0f}", True),
    _O("eu_aid_total_bn_usd", "European aid", "bn USD", "European aid over the run.", "{:.0f}",
       True),
    _O("russia_nwf_bn_usd_final", "Russia's National Wealth Fund at the end", "bn USD",
       "Liquid reserves left on the last day.", "{:.1f}"),
]}

OUTCOME_CLASSES = ("settlement", "frozen conflict", "Russian economic crisis",
                   "Ukrainian destabilisation", "war with talks", "war without talks")


def check_share_target(field: str, target: str) -> None:
    """Refuse `share:<name>` unless the name is an outcome class, listing the classes: some hold
    a space ('frozen conflict'), which a researcher may well write with an underscore."""
    if target.removeprefix("share:") not in OUTCOME_CLASSES:
        raise ParamError(field, target, share_targets_allowed(target))


def share_targets_allowed(target: str) -> str:
    """What a `share:` target may be, with the class nearest `target`."""
    return ("share:<outcome class>, where the class is one of "
            + ", ".join(repr(name) for name in OUTCOME_CLASSES)
            + did_you_mean(target, [f"share:{name}" for name in OUTCOME_CLASSES]))


def outcome_class(state: State, params: Params) -> np.ndarray:
    """Class code per run, by documented precedence: settlement, frozen conflict (ceasefire
    without settlement), Russian economic crisis, Ukrainian destabilisation, war with talks
    (talks open at the end), war without talks."""
    phase = state.talks_phase
    return np.select(
        [phase == SETTLEMENT, phase == CEASEFIRE,
         state.russia_economic_pressure >= params.russia_crisis_threshold,
         state.ukraine_support < params.destabilisation_threshold,
         phase == TALKS],
        [0, 1, 2, 3, 4], default=5).astype(np.int8)


def deal_terms(state: State) -> dict[str, np.ndarray]:
    """The first ceasefire's package, who proposed it and who consented; NaN without one."""
    package = state.first_deal_package
    dealt = state.ceasefire_day >= 0
    terms = {f"deal_{name}": package[:, k] for k, name in enumerate(talks.ISSUE_NAMES)}
    return {**terms,
            "deal_energy_truce": np.where(dealt, state.first_deal_energy_truce, np.nan),
            "deal_proposer": np.where(dealt, state.first_deal_proposer, np.nan),
            "deal_consent": np.where(dealt, state.first_deal_consent, np.nan)}


def summarise(state: State, params: Params) -> dict[str, np.ndarray]:
    """One value per run for every outcome of `OUTCOMES` (and the class code); NaN marks
    'never' for event days."""
    days = max(state.day, 1)
    occupied = state.occupied_km2
    return {
        "occupied_km2_final": occupied,
        "occupied_pct_final": occupied / sectors.UKRAINE_AREA_KM2 * 100.0,
        "occupied_km2_peak": state.peak_occupied_km2,
        "area_change_km2": occupied - state.occupied_start_km2,
        "kursk_held_km2_final": state.kursk_held_km2,
        "ceasefire_day": np.where(state.ceasefire_day >= 0, state.ceasefire_day, np.nan),
        "settlement_day": np.where(state.settlement_day >= 0, state.settlement_day, np.nan),
        "talks_phase_final": state.talks_phase.astype(np.int8),
        "talks_open_days": state.talks_open_days,
        "ceasefire_breakdowns": state.ceasefire_breakdowns,
        "ukraine_refusals": state.ukraine_refusals,
        "consent_refusals": state.consent_refusals,
        **deal_terms(state),
        "energy_truce_day": np.where(state.energy_truce_day >= 0, state.energy_truce_day,
                                     np.nan),
        "energy_truces_broken": state.energy_truces_broken,
        "russia_economic_pressure_final": state.russia_economic_pressure,
        "russia_economic_pressure_mean": state.russia_pressure_sum / days,
        "ukraine_economic_pressure_final": state.ukraine_economic_pressure,
        "ukraine_economic_pressure_mean": state.ukraine_pressure_sum / days,
        "grid_gw_final": state.grid_gw,
        "ukraine_support_final": state.ukraine_support,
        "russia_casualties": state.russia_casualties,
        "ukraine_casualties": state.ukraine_casualties,
        "russia_troops_k_final": state.russia_troops_k,
        "ukraine_troops_k_final": state.ukraine_troops_k,
        "force_ratio_final": state.front_force_ratio,
        "us_aid_total_bn_usd": state.us_aid_total_bn_usd,
        "eu_aid_total_bn_usd": state.eu_aid_total_bn_usd,
        "russia_nwf_bn_usd_final": state.nwf_bn_usd,
        "outcome_code": outcome_class(state, params),
    }
