"""The front over two years, as students read it: in runs that never reach a ceasefire, how
year two's gains compare with year one's, and how the force ratio moves and why; beside it,
what 2022-2024 did from one year to the next (DeepStateMap). Written into docs/VALIDATION.md
with `conflictsim shape` (issue 18: over two years the front used only to speed up).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

import sim
from sim import datasets

QUANTILES = (0.05, 0.5, 0.95)
YEAR_DAYS = 365


def _forces(model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Russia's and Ukraine's troops (thousands, all sectors) and the front's force ratio, as
    the day recorded them in the state."""
    state = model.state
    return state.russia_troops_k, state.ukraine_troops_k, state.front_force_ratio


def preset_shape(scenario: str, runs: int, seed: int, **overrides) -> dict:
    """One preset's two-year shape over `runs` runs (730 days from 2024-12-01)."""
    model = sim.ConflictModel(scenario=scenario, n_runs=runs, days=2 * YEAR_DAYS, rng=seed,
                              collect=False, **overrides)
    forces = {0: _forces(model)}
    while model.running:
        model.step()
        if model.day in (YEAR_DAYS, 2 * YEAR_DAYS):
            forces[model.day] = _forces(model)
    occupied = model.trajectories["occupied_km2"]
    never = model.state.ceasefire_day < 0
    year_one = occupied[:, YEAR_DAYS] - occupied[:, 0]
    year_two = occupied[:, 2 * YEAR_DAYS] - occupied[:, YEAR_DAYS]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(year_one[never] > 0, year_two[never] / year_one[never], np.nan)
    row = {"scenario": scenario, "runs": runs, "share_without_ceasefire": float(never.mean())}
    for name, values in (("year_one_gain_km2", year_one[never]),
                         ("year_two_gain_km2", year_two[never]),
                         ("year_two_over_year_one", ratio[np.isfinite(ratio)])):
        for q, v in zip(QUANTILES, _quantiles(values)):
            row[f"{name}_q{int(q * 100):02d}"] = v
    row["share_faster_in_year_two"] = (float(np.mean(ratio[np.isfinite(ratio)] > 1.0))
                                       if np.isfinite(ratio).any() else np.nan)
    for day, (russia, ukraine, force_ratio) in forces.items():
        row[f"russia_troops_k_day{day}"] = float(np.median(russia))
        row[f"ukraine_troops_k_day{day}"] = float(np.median(ukraine))
        for q, v in zip(QUANTILES, _quantiles(force_ratio)):
            row[f"force_ratio_day{day}_q{int(q * 100):02d}"] = v
    return row


def _quantiles(values: np.ndarray) -> list[float]:
    return [float(v) for v in np.quantile(values, QUANTILES)] if len(values) else [np.nan] * 3


def data_shape() -> pd.DataFrame:
    """Russian gains in each twelve months of the data to 30 Nov 2024 (DeepStateMap, km2; the
    first span starts in June 2022: in April and May DeepStateMap was still being completed)."""
    spans = (("Jun-Nov 2022", dt.date(2022, 5, 31), dt.date(2022, 11, 30)),
             ("Dec 2022-Nov 2023", dt.date(2022, 11, 30), dt.date(2023, 11, 30)),
             ("Dec 2023-Nov 2024", dt.date(2023, 11, 30), dt.date(2024, 11, 30)))
    rows = []
    for label, start, end in spans:
        gain = datasets.occupied_km2_on(end) - datasets.occupied_km2_on(start)
        rows.append({"span": label, "days": (end - start).days, "gain_km2": gain,
                     "gain_km2_per_365_days": gain * YEAR_DAYS / (end - start).days})
    return pd.DataFrame(rows)


def shape_table(scenarios=None, runs: int = 400, seed: int = 1) -> pd.DataFrame:
    return pd.DataFrame([preset_shape(name, runs, seed) for name in (scenarios or sim.SCENARIOS)])


def format_markdown(table: pd.DataFrame, data: pd.DataFrame, runs: int, seed: int) -> str:
    """The report's tables: per preset, and the data's year-on-year changes."""
    lines = [f"Runs without a ceasefire, {runs} runs a preset, seed {seed}, from 2024-12-01 "
             "(`conflictsim shape`). Gains in km2; 5 %, median and 95 % of the runs.",
             "",
             "| preset | runs without ceasefire | year-one gain | year-two gain | year two / year one "
             "| share faster in year two | force ratio day 0 → 365 → 730 (median, 5-95 % at 730) "
             "| troops k, Russia / Ukraine, day 0 → 730 |",
             "|---|---|---|---|---|---|---|---|"]

    def span(row, name, fmt="{:,.0f}"):
        return (f"{fmt.format(row[name + '_q50'])} ({fmt.format(row[name + '_q05'])}–"
                f"{fmt.format(row[name + '_q95'])})")

    for _, row in table.iterrows():
        lines.append(
            f"| {row['scenario']} | {row['share_without_ceasefire']:.0%} "
            f"| {span(row, 'year_one_gain_km2')} | {span(row, 'year_two_gain_km2')} "
            f"| {span(row, 'year_two_over_year_one', '{:.2f}')} "
            f"| {row['share_faster_in_year_two']:.0%} "
            f"| {row['force_ratio_day0_q50']:.2f} → {row['force_ratio_day365_q50']:.2f} → "
            f"{row['force_ratio_day730_q50']:.2f} ({row['force_ratio_day730_q05']:.2f}–"
            f"{row['force_ratio_day730_q95']:.2f}) "
            f"| {row['russia_troops_k_day0']:.0f} / {row['ukraine_troops_k_day0']:.0f} → "
            f"{row['russia_troops_k_day730']:.0f} / {row['ukraine_troops_k_day730']:.0f} |")
    lines += ["", "What the data did (DeepStateMap, Russian-held area):", "",
              "| span | days | gain km2 | per 365 days |", "|---|---|---|---|"]
    for _, row in data.iterrows():
        lines.append(f"| {row['span']} | {row['days']} | {row['gain_km2']:,.0f} "
                     f"| {row['gain_km2_per_365_days']:,.0f} |")
    return "\n".join(lines) + "\n"
