"""Backtests of the front: start the model on past dates and compare with what happened.

For each start date (first of a month from 2023-01-01; the shipped data end on 2024-11-30), an
ensemble of runs (parameter uncertainty on) forecasts the occupied area some months later (1, 2
and 3 by default; `--horizons` for others, each scored on its own from the quarter starts); the
forecast is compared with DeepStateMap's month-end figures, and with three naive forecasts: the
trailing three months' pace and the trailing twelve months' pace carried forward, and no change.

Fitting only on data before each start (`fit="refit"`, the default): the front's fitted
parameters are re-estimated for each start by a small ABC (the same sampler as `calibrate`) on
the monthly gains from January of the start's year (2023 or 2024, with that year's inputs) to the
month before the start, and the forecast draws them from that population. A start with fewer
than `MIN_FIT_MONTHS` such months behind it (January and February of either year) uses the
shipped posterior, fitted on January-November 2024, and the table marks it `in_sample`: from a
2024 start it has seen the months it forecasts; from a 2023 start it was fitted on the months
after the start (for horizons ending in 2024, on some of the months forecast). `fit="posterior"`
uses the shipped posterior for every start (fast, in sample). The shipped calibration's casualty
targets lie in September-November 2024, after every start; a refit fits instead Russia's mean
casualties a day between the General Staff's tallies published in its window before the start
(`casualties_known_before`: the 2023 starts from April on). The day-0 state of every
forecast comes from the data before its start (`model.start_strain`) and its inputs from the
start's date (`sim.start_inputs`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.style import FAN_QUANTILES, OKABE_ITO
from sim.params import InputError

from . import calibration
from .calibration import add_months, month_end

DEFAULT_STARTS = ("2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01",
                  "2024-06-01", "2024-07-01", "2024-08-01", "2024-09-01")
REQUIRED_STARTS = ("2024-01-01", "2024-04-01", "2024-07-01", "2024-09-01")
HORIZONS = (1, 2, 3)  # months ahead
QUARTER_MONTHS = (1, 4, 7, 10)  # a longer horizon's default starts: the quarter starts
LAST_DATA = dt.date(2024, 11, 30)
FIRST_COMPLETE_MONTH = dt.date(2022, 5, 31)  # territory_monthly: April 2022's map was incomplete
MIN_FIT_MONTHS = 2
CSV_DECIMALS = 1  # km2 to a tenth, as DeepStateMap gives them
MIN_RUNS, MAX_RUNS = 10, 100_000  # runs per start: a fan needs a few; more is a sweep's work
GENERAL_STAFF_TALLY = "Russian casualties since 24 Feb 2022"  # forces table: the refits' targets
FIT_MODES = ("refit", "posterior")
REFIT_DRAWS, REFIT_ROUNDS, REFIT_ACCEPT = 10000, 3, 0.03
# Every parameter the shipped posterior carries, refitted (same prior ranges as the shipped
# calibration), so no forecast draws a value fitted on the months it forecasts.
REFIT_PRIORS = ("advance_speed_scale=0.05:2", "russia_casualties_per_day_2024=300:2500",
                "ukraine_recruits_per_day=250:1200", "culmination_exhaustion=0:5",
                "culmination_adaptation=0:3", "attrition_strain_weight=0:5",
                "culmination_sustainable_pace=0.05:1.5")


@dataclass
class Backtest:
    table: pd.DataFrame  # one row per (start, horizon)
    summary: dict
    fans: dict  # start -> (days, quantiles (5, days)) of the forecast occupied area


MAX_HORIZON_MONTHS = 120  # a horizon a researcher may ask for; those past the data have no case


def check_horizons(text) -> tuple[int, ...]:
    """Months ahead, from a comma-separated list ("6,12"): whole numbers from 1 to
    `MAX_HORIZON_MONTHS`. Those past `longest_horizon` (23 months, 2023-01-01 to 2024-11-30)
    have no case, which `no_case_note` says."""
    try:
        horizons = tuple(sorted({int(part) for part in str(text).split(",")}))
    except ValueError:
        horizons = ()
    if not horizons or not all(1 <= h <= MAX_HORIZON_MONTHS for h in horizons):
        raise InputError(f"--horizons={text!r} is not allowed: months ahead, whole numbers "
                         f"from 1 to {MAX_HORIZON_MONTHS} separated by commas (those past "
                         f"{longest_horizon()} have no case: the first start is "
                         f"{sim.calendar.EARLIEST_START}, the data end {LAST_DATA})")
    return horizons


def no_case_note(horizon: int) -> str:
    """Why a horizon past the data is not scored (issue 18 asked for 24 months from 2022-12-01
    if the data allow: they do not)."""
    return (f"{horizon} months ahead: no case. Runs start from {sim.calendar.EARLIEST_START} at "
            f"the earliest (sim/data holds no 2022 inputs, so no start on 2022-12-01), and the "
            f"data end {LAST_DATA}: the longest horizon scored is {longest_horizon()} months "
            f"(--horizons {longest_horizon()}; docs/VALIDATION.md section 5).")


def longest_horizon() -> int:
    """Whole months from the earliest start to the data's last month end."""
    first = sim.calendar.EARLIEST_START
    return (LAST_DATA.year - first.year) * 12 + LAST_DATA.month - first.month + 1


def latest_start(horizons=HORIZONS) -> dt.date:
    """The last first-of-month with DeepStateMap data for the longest horizon after it."""
    return add_months(LAST_DATA.replace(day=1), 1 - max(horizons))


def quarter_starts(horizons) -> tuple[str, ...]:
    """Quarter starts from the earliest start date with data for the longest horizon after
    them (none when the horizon reaches past the data from every possible start)."""
    first, last = sim.calendar.EARLIEST_START, latest_start(horizons)
    starts, month = [], first.replace(day=1)
    while month <= last:
        if month.month in QUARTER_MONTHS:
            starts.append(month.isoformat())
        month = add_months(month, 1)
    return tuple(starts)


def check_starts(starts, horizons=HORIZONS) -> tuple[dt.date, ...]:
    """First days of months from 2023-01-01 with data for the longest horizon after them."""
    latest = latest_start(horizons)
    checked = []
    for text in starts:
        try:
            date = dt.date.fromisoformat(str(text))
        except ValueError:
            date = None
        if date is None or date.day != 1 or not sim.calendar.EARLIEST_START <= date <= latest:
            raise InputError(f"--start={text!r} is not allowed: the first day of a month from "
                             f"{sim.calendar.EARLIEST_START} to {latest} (data end {LAST_DATA})")
        checked.append(date)
    return tuple(sorted(set(checked)))


def monthly_area() -> pd.Series:
    """Month-end Russian-held area, km2 (DeepStateMap), indexed by date."""
    table = sim.datasets.territory_monthly()
    return pd.Series(table["km2_russian_controlled"].to_numpy(), index=table["date"])


def naive_paces(area: pd.Series, start: dt.date) -> tuple[float, float]:
    """Trailing three- and twelve-month paces (km2/month) up to the eve of the start. A
    twelve-month window that reaches back before DeepStateMap's first complete month end
    (`FIRST_COMPLETE_MONTH`; earlier figures are ISW's or a map still being drawn) starts
    there: starts before 2023-06 get the pace of the months since May 2022."""
    eve = start - dt.timedelta(days=1)
    three = month_end(add_months(start, -4))
    twelve = max(month_end(add_months(start, -13)), FIRST_COMPLETE_MONTH)
    months = (eve.year - twelve.year) * 12 + eve.month - twelve.month
    return (area[eve] - area[three]) / 3.0, (area[eve] - area[twelve]) / months


def fit_origin(start: dt.date) -> dt.date:
    """Where a refit's runs start: January 1 of the start's year (2023's inputs for 2023)."""
    return dt.date(start.year, 1, 1)


def months_before(start: dt.date) -> tuple[str, ...]:
    """Month ends from the fit origin to the eve of the start: the months a refit sees. For
    2024 starts, the calibration's months before the start (as before starts opened to 2023)."""
    if start.year == 2024:
        return tuple(m for m in calibration.FIT_MONTHS if dt.date.fromisoformat(m) < start)
    ends, month = [], fit_origin(start)
    while month < start:
        ends.append(month_end(month).isoformat())
        month = add_months(month, 1)
    return tuple(ends)


def casualties_known_before(start: dt.date) -> pd.Series:
    """Russia's mean casualties a day that the General Staff's tallies gave before the start,
    as a refit's target: between its first tally from the fit origin on and its last on or
    before the start (a morning's tally counts to the day before). Empty where fewer than two
    tallies fall there (the 2024 refits: the tallies behind the shipped calibration's casualty
    figures came after their starts)."""
    facts = sim.datasets.force_facts()
    tallies = facts[facts["quantity"].str.startswith(GENERAL_STAFF_TALLY)]
    tallies = tallies.assign(date=pd.to_datetime(tallies["as_of"]).dt.date).sort_values("date")
    known = tallies[(tallies["date"] >= fit_origin(start)) & (tallies["date"] <= start)]
    if len(known) < 2:
        return pd.Series(dtype=float)
    first, last = known.iloc[0], known.iloc[-1]
    days = (last["date"] - first["date"]).days
    to = (last["date"] - dt.timedelta(days=1)).isoformat()
    name = calibration.per_day_target(first["date"].isoformat(), to)
    return pd.Series({name: (float(last["value"]) - float(first["value"])) / days})


def fitted_population(start: dt.date, mode: str, seed: int, evaluator) -> tuple[pd.DataFrame, bool]:
    """Parameter rows (with weights) to draw the fitted parameters from, and whether they have
    seen the months being forecast."""
    fit_months = months_before(start)
    if mode == "posterior" or len(fit_months) < MIN_FIT_MONTHS:
        names, values, cumulative = sim.uncertainty.posterior()
        weights = np.diff(cumulative, prepend=0.0)
        frame = pd.DataFrame(values, columns=list(names))
        frame["weight"] = weights
        return frame, True
    priors = calibration.parse_priors(list(REFIT_PRIORS))
    observed = pd.concat([calibration.observed_gains(month_ends=fit_months),
                          casualties_known_before(start)])
    history = calibration.abc(priors, observed, evaluator, REFIT_DRAWS, REFIT_ROUNDS,
                              REFIT_ACCEPT, seed, fit_origin(start).isoformat(),
                              fit_months=fit_months)
    frame = pd.DataFrame(history[-1].values, columns=[p.name for p in priors])
    frame["weight"] = history[-1].weights
    return frame, False


def forecast(start: dt.date, population: pd.DataFrame, runs: int, seed: int,
             days: int) -> np.ndarray:
    """Occupied area (runs, days + 1) from the start: each run takes a population row chosen
    by weight (fixed for that run); its other uncertain parameters are drawn from their priors."""
    chooser = np.random.Generator(np.random.PCG64([seed, start.toordinal()]))
    weights = population["weight"].to_numpy()
    rows = chooser.choice(len(population), size=runs, p=weights / weights.sum())
    overrides = {name: population[name].to_numpy()[rows]
                 for name in population.columns if name != "weight"}
    result = sim.simulate(runs=runs, days=days, seed=seed, overrides=overrides,
                          start_date=start.isoformat())
    return result.trajectories["occupied_km2"]


def run(starts=DEFAULT_STARTS, runs: int = 400, seed: int = 0, mode: str = "refit",
        evaluator=None, horizons=HORIZONS) -> Backtest:
    if mode not in FIT_MODES:
        raise InputError(f"--fit={mode!r} is not allowed: one of {', '.join(FIT_MODES)}")
    if evaluator is None:
        from .evaluators import make
        evaluator = make("serial", None, None, 10.0)
    area = monthly_area()
    rows, fans = [], {}
    for start in check_starts(starts, horizons):
        population, in_sample = fitted_population(start, mode, seed, evaluator)
        eve = start - dt.timedelta(days=1)
        ends = [month_end(add_months(start, h - 1)) for h in horizons]
        days = (ends[-1] - start).days + 1
        occupied = forecast(start, population, runs, seed, days)
        base = area[eve]
        pace3, pace12 = naive_paces(area, start)
        quantiles = np.quantile(occupied, FAN_QUANTILES, axis=0)
        fans[start.isoformat()] = quantiles
        for h, end in zip(horizons, ends):
            index = (end - start).days + 1
            q05, q25, q50, q75, q95 = quantiles[:, index]
            actual = area[end]
            rows.append({
                "start": start.isoformat(), "horizon_months": h, "target_date": end.isoformat(),
                "in_sample": in_sample, "actual_km2": actual, "actual_gain_km2": actual - base,
                "median_km2": q50, "q05_km2": q05, "q25_km2": q25, "q75_km2": q75,
                "q95_km2": q95, "inside_50": bool(q25 <= actual <= q75),
                "inside_90": bool(q05 <= actual <= q95),
                "error_model_km2": abs(q50 - actual),
                "error_naive3_km2": abs(base + h * pace3 - actual),
                "error_naive12_km2": abs(base + h * pace12 - actual),
                "error_no_change_km2": abs(base - actual)})
    table = pd.DataFrame(rows)
    return Backtest(table, summarise(table, runs, seed, mode), fans)


def summarise(table: pd.DataFrame, runs: int, seed: int, mode: str) -> dict:
    def mean(column) -> float | None:  # None, not NaN, where a block has no case: valid JSON
        return float(column.mean()) if len(column) else None

    def block(frame):
        return {"cases": int(len(frame)),
                "coverage_50": mean(frame["inside_50"]),
                "coverage_90": mean(frame["inside_90"]),
                "mean_error_model_km2": mean(frame["error_model_km2"]),
                "mean_error_naive3_km2": mean(frame["error_naive3_km2"]),
                "mean_error_naive12_km2": mean(frame["error_naive12_km2"]),
                "mean_error_no_change_km2": mean(frame["error_no_change_km2"])}
    return {"runs": runs, "seed": seed, "fit": mode, "all": block(table),
            "out_of_sample": block(table[~table["in_sample"]]),
            "by_horizon": {int(h): block(f) for h, f in table.groupby("horizon_months")}}


MAX_SEEDS = 32  # a robustness check's seeds; each is a full set of refits


def parse_seeds(text: str) -> tuple[int, ...]:
    """Seeds from "0-7" or "0,3,5" (or both, "0-3,9"): whole numbers >= 0, at most
    `MAX_SEEDS` of them; ValueError otherwise."""
    seeds: list[int] = []
    for part in str(text).split(","):
        low, _, high = part.strip().partition("-")
        first = int(low)
        last = int(high) if high else first
        if first < 0 or last < first:
            raise ValueError(text)
        seeds.extend(range(first, last + 1))
    if not seeds or len(set(seeds)) > MAX_SEEDS:
        raise ValueError(text)
    return tuple(sorted(set(seeds)))


NAIVE_ERRORS = ("mean_error_naive3_km2", "mean_error_naive12_km2", "mean_error_no_change_km2")


def seed_rows(seed: int, label: str, backtest: Backtest) -> dict:
    """One seed's scores of one table (a horizon, or the 1-3-month backtests): what a
    robustness check compares across seeds."""
    scores = backtest.summary["all"]
    best = min(NAIVE_ERRORS, key=lambda key: scores[key])
    return {"seed": seed, "horizon": label, **scores,
            "best_naive": best.removeprefix("mean_error_").removesuffix("_km2"),
            "best_naive_error_km2": scores[best],
            "beats_every_naive": scores["mean_error_model_km2"] < scores[best]}


def seeds_text(rows: pd.DataFrame) -> str:
    """Per horizon, how the scores move with the seed: the 90 % band's cover and the model's
    mean error over the seeds, and at how many the model beats every naive forecast."""
    lines = []
    for label, group in rows.groupby("horizon", sort=False):
        errors, cover = group["mean_error_model_km2"], group["coverage_90"]
        best, naive = group["best_naive"].mode().iloc[0], group["best_naive_error_km2"]
        lines.append(
            f"{label}, {len(group)} seeds ({', '.join(str(s) for s in group['seed'])}): 90 % band "
            f"covers {cover.min():.0%}-{cover.max():.0%} of the cases; the model's mean error "
            f"{errors.min():,.0f}-{errors.max():,.0f} km2 (mean {errors.mean():,.0f}), the best "
            f"naive forecast's ({best.replace('_', ' ')}) {naive.min():,.0f}-{naive.max():,.0f}; "
            f"the model beats every naive "
            f"forecast at {int(group['beats_every_naive'].sum())} of {len(group)} seeds")
    return "\n".join(lines)


def format_table(backtest: Backtest) -> str:
    t = backtest.table
    lines = [f"{'start':<11} {'h':>2} {'actual':>9} {'median':>9} {'90% band':>19} "
             f"{'in50':>5}{'in90':>5} {'err':>6} {'naive3':>7} {'naive12':>8} {'no chg':>7}"]
    for _, r in t.iterrows():
        mark = "*" if r["in_sample"] else " "
        lines.append(f"{r['start']:<10}{mark} {r['horizon_months']:>2} {r['actual_km2']:>9,.0f} "
                     f"{r['median_km2']:>9,.0f} {r['q05_km2']:>9,.0f}-{r['q95_km2']:<9,.0f} "
                     f"{'yes' if r['inside_50'] else 'no':>5}{'yes' if r['inside_90'] else 'no':>5} "
                     f"{r['error_model_km2']:>6,.0f} {r['error_naive3_km2']:>7,.0f} "
                     f"{r['error_naive12_km2']:>8,.0f} {r['error_no_change_km2']:>7,.0f}")
    for label, key in (("all cases", "all"), ("refitted on earlier data only", "out_of_sample")):
        s = backtest.summary[key]
        if not s["cases"]:
            continue
        lines.append(f"{label} ({s['cases']}): 50% band covers {s['coverage_50']:.0%}, 90% band "
                     f"{s['coverage_90']:.0%}; mean error model {s['mean_error_model_km2']:,.0f} "
                     f"km2, naive 3-month {s['mean_error_naive3_km2']:,.0f}, naive 12-month "
                     f"{s['mean_error_naive12_km2']:,.0f}, no change "
                     f"{s['mean_error_no_change_km2']:,.0f}")
    if backtest.summary["fit"] == "posterior":
        lines.append("* every start draws from the shipped posterior (--fit posterior), fitted on "
                     "January-November 2024: in sample wherever a window reaches into 2024")
    elif t["in_sample"].any():
        lines.append("* in sample: too little data of the start's year before it to refit; the "
                     "shipped posterior (fitted on January-November 2024) was used")
    return "\n".join(lines)


def panel_errors(table: pd.DataFrame, start: str) -> str:
    """A panel's subtitle: at its longest horizon, how far the median and no change missed."""
    row = table[table["start"] == start].sort_values("horizon_months").iloc[-1]
    return (f"{int(row['horizon_months'])} mo: median off by {row['error_model_km2']:,.0f} km², "
            f"no change by {row['error_no_change_km2']:,.0f}")


def figure(backtest: Backtest):
    """One panel per start: the forecast's 50% and 90% bands and median against the data and
    the two naive forecasts."""
    from matplotlib.figure import Figure

    from matplotlib.ticker import FuncFormatter

    area = monthly_area()
    horizons = sorted(int(h) for h in backtest.table["horizon_months"].unique())
    in_sample = dict(zip(backtest.table["start"], backtest.table["in_sample"]))
    starts = list(backtest.fans)
    cols = min(3, len(starts))
    rows = -(-len(starts) // cols)
    fig = Figure(figsize=(4.2 * cols, 3.2 * rows + 0.5))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    thousands = FuncFormatter(lambda value, _: f"{value:,.0f}")
    for k, (axis, start_text) in enumerate(zip(axes, starts)):
        start = dt.date.fromisoformat(start_text)
        q = backtest.fans[start_text]
        days = np.arange(q.shape[1])
        axis.fill_between(days, q[0], q[4], color="#56B4E9", alpha=0.35, label="90% band")
        axis.fill_between(days, q[1], q[3], color=OKABE_ITO["blue"], alpha=0.35, label="50% band")
        axis.plot(days, q[2], color=OKABE_ITO["blue"], label="model median")
        base = area[start - dt.timedelta(days=1)]
        pace3, pace12 = naive_paces(area, start)
        # the data month by month to the last target, not a line drawn between two dots
        ends = [month_end(add_months(start, m)) for m in range(max(horizons))]
        month_days = np.array([0] + [(end - start).days + 1 for end in ends])
        months_ahead = np.arange(len(month_days))
        observed = [base] + [area[end] for end in ends]
        axis.plot(month_days, observed, "-", color="#000000", lw=1.0, label="DeepStateMap")
        targets = [h for h in months_ahead if h in horizons]
        axis.plot(month_days[targets], np.asarray(observed)[targets], "o", color="#000000")
        axis.plot(month_days, base + pace3 * months_ahead, "--", color="#D55E00",
                  label="naive 3-month")
        axis.plot(month_days, base + pace12 * months_ahead, ":", color="#CC79A7",
                  label="naive 12-month")
        axis.plot(month_days[[0, -1]], [base, base], "-.", color="#999999", label="no change")
        # the y-axis follows the fan and the data; a naive pace that runs far off leaves it
        low = min(float(q[0].min()), min(observed))
        high = max(float(q[4].max()), max(observed))
        margin = 0.08 * max(high - low, 1.0)
        axis.set_ylim(low - margin, high + margin)
        mark = " (in sample*)" if in_sample.get(start_text, False) else ""
        axis.set_title(f"from {start_text}{mark}\n{panel_errors(backtest.table, start_text)}",
                       fontsize=8)
        every = max(1, len(ends) // 4)  # about four dated ticks a panel
        ticks = list(range(0, len(month_days), every))
        axis.set_xticks(month_days[ticks])
        axis.set_xticklabels([(start if m == 0 else ends[m - 1] + dt.timedelta(days=1))
                              .strftime("%b %Y") for m in ticks], fontsize=7)
        axis.yaxis.set_major_formatter(thousands)
        axis.tick_params(labelsize=7)
        if k % cols == 0:
            axis.set_ylabel("Russian-held area (km²)", fontsize=8)
    for axis in axes[len(starts):]:
        axis.set_visible(False)
    axes[0].legend(frameon=False, fontsize=6)
    ahead = ", ".join(str(h) for h in horizons)
    fit = ("the shipped posterior for every start" if backtest.summary["fit"] == "posterior"
           else "refitted on data before each start; * the shipped posterior")
    every_case = backtest.summary["all"]
    fig.suptitle(f"Backtests {ahead} month(s) ahead: {backtest.summary['runs']} runs a start, "
                 f"seed {backtest.summary['seed']}, {fit}\n"
                 f"{every_case['cases']} cases: the 90% band holds the data in "
                 f"{every_case['coverage_90']:.0%}; mean error of the median "
                 f"{every_case['mean_error_model_km2']:,.0f} km², of no change "
                 f"{every_case['mean_error_no_change_km2']:,.0f}", fontsize=9)
    fig.tight_layout()
    return fig


def write(backtest: Backtest, out: Path) -> list[Path]:
    from . import plots, storage

    out.mkdir(parents=True, exist_ok=True)
    table = out / "backtest.csv"
    storage.atomic_write_bytes(table, backtest.table.round(CSV_DECIMALS).to_csv(index=False)
                               .encode())
    summary = out / "backtest.json"
    storage.atomic_write_bytes(summary, json.dumps(backtest.summary, indent=2).encode())
    return [table, summary, plots.save(figure(backtest), out / "backtest.png")]
