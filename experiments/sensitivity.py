"""Global sensitivity of a sweep's outcomes with SALib: Sobol (first, total and second order, with
confidence intervals) and Morris elementary effects.

The model is stochastic, so the response SALib sees at a parameter point is an outcome's mean over
the point's replicates (with common random numbers across points, which keeps the noise in the
indices small). A target is a numeric outcome column, `reached:<column>` (share of replicates where
it is not missing, e.g. a ceasefire happened) or `share:<outcome class>`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import storage
from .samplers import salib_problem
from .spec import DUMMY_NAME, Spec, SpecError

SENSITIVITY_METHODS = ("sobol", "morris")


def target_column(target: str) -> str:
    return target.split(":", 1)[1] if target.startswith("reached:") else \
        "outcome" if target.startswith("share:") else target


def target_values(frame: pd.DataFrame, target: str) -> pd.Series:
    """One target's value per run: `share:<class>` and `reached:<column>` as 0/1, a column as
    its numbers (a category as its code; missing stays missing)."""
    column = target_column(target)
    if target.startswith("share:"):
        return (frame[column].astype(str) == target[6:]).astype(float)
    if target.startswith("reached:"):
        return frame[column].notna().astype(float)
    if isinstance(frame[column].dtype, pd.CategoricalDtype):
        return frame[column].cat.codes.astype(float)
    return frame[column].astype(float)


def response_values(frame: pd.DataFrame, target: str) -> pd.Series:
    """One target's value per run, for an index: none may be missing."""
    values = target_values(frame, target)
    column = target_column(target)
    if values.isna().any():
        raise SpecError(f"sensitivity.outcomes={target!r}: has missing values in some runs; "
                        f"use 'reached:{column}' for the share of runs where it happens")
    return values


def responses(out: Path, targets: tuple[str, ...]) -> pd.DataFrame:
    """One row per (scenario, point), one column per target; streamed chunk by chunk as sums
    and counts (a point's replicates may be split over several chunks)."""
    columns = sorted({"scenario", "point", *(target_column(t) for t in targets)})
    sums, counts = [], []
    for frame in storage.iter_chunks(out, columns=columns):
        keys = [frame["scenario"], frame["point"]]
        values = pd.DataFrame({t: response_values(frame, t) for t in targets})
        sums.append(values.groupby(keys, sort=True).sum())
        counts.append(values.groupby(keys, sort=True).count())
    total = pd.concat(sums).groupby(level=[0, 1], sort=True).sum()
    return total / pd.concat(counts).groupby(level=[0, 1], sort=True).sum()


def sobol_table(problem: dict, y: np.ndarray, second_order: bool = True,
                conf_level: float = 0.95, resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Tidy Sobol indices: columns parameter, other (second order only), index, value, conf."""
    from SALib.analyze import sobol

    result = sobol.analyze(problem, np.asarray(y, dtype=float), calc_second_order=second_order,
                           num_resamples=resamples, conf_level=conf_level, seed=seed)
    names = problem["names"]
    rows = []
    for index in ("S1", "ST"):
        for j, name in enumerate(names):
            rows.append({"parameter": name, "other": "", "index": index,
                         "value": result[index][j], "conf": result[index + "_conf"][j]})
    if second_order:
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                rows.append({"parameter": names[i], "other": names[j], "index": "S2",
                             "value": result["S2"][i, j], "conf": result["S2_conf"][i, j]})
    return pd.DataFrame(rows)


def morris_table(problem: dict, x: np.ndarray, y: np.ndarray, levels: int = 4,
                 conf_level: float = 0.95, resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Tidy Morris statistics: mu, mu_star (with its confidence interval) and sigma."""
    from SALib.analyze import morris

    result = morris.analyze(problem, np.asarray(x, dtype=float), np.asarray(y, dtype=float),
                            num_resamples=resamples, conf_level=conf_level, num_levels=levels,
                            seed=seed)
    rows = []
    for j, name in enumerate(problem["names"]):
        for index in ("mu_star", "mu", "sigma"):
            conf = result["mu_star_conf"][j] if index == "mu_star" else np.nan
            rows.append({"parameter": name, "other": "", "index": index,
                         "value": float(result[index][j]), "conf": float(conf)})
    return pd.DataFrame(rows)


def analyse(spec: Spec, out: Path, targets: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Indices for every scenario and target of a finished sobol/morris sweep."""
    check_method(spec)
    targets = targets or spec.sensitivity.outcomes
    problem = salib_problem(spec.factors, spec.dummy)
    design = storage.read_design(out)[list(spec.design_names)].to_numpy(dtype=float)
    table = responses(out, tuple(targets))
    expected = len(spec.scenarios) * len(design)
    if len(table) != expected:
        raise SpecError(f"{out}: holds {len(table)} of {expected} parameter points; finish the "
                        f"sweep with `conflictsim sweep ... --resume` first")
    parts = []
    for scenario in spec.scenarios:
        for target in targets:
            y = table.loc[scenario, target].to_numpy()
            if np.ptp(y) == 0:
                part = constant_rows(spec.design_names, float(y[0]))
            elif spec.method == "sobol":
                part = sobol_table(problem, y, spec.second_order, spec.sensitivity.conf_level,
                                   spec.sensitivity.resamples, spec.seed)
            else:
                part = morris_table(problem, design, y, spec.morris_levels,
                                    spec.sensitivity.conf_level, spec.sensitivity.resamples,
                                    spec.seed)
            part.insert(0, "outcome", target)
            part.insert(0, "scenario", scenario)
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


def constant_rows(names: tuple[str, ...], value: float) -> pd.DataFrame:
    """An outcome that is the same at every point has no sensitivity to any parameter: one row
    per parameter with index "constant" and the value it always takes (no index is computed;
    SALib would divide by its zero variance)."""
    return pd.DataFrame([{"parameter": name, "other": "", "index": "constant", "value": value,
                          "conf": np.nan} for name in names])


def constant_notes(table: pd.DataFrame) -> list[str]:
    notes = []
    for (scenario, outcome), part in table[table["index"] == "constant"].groupby(
            ["scenario", "outcome"], sort=False):
        notes.append(f"{outcome} ({scenario}): never varies (always {part['value'].iloc[0]:g} "
                     f"at every parameter point), so it has no sensitivity indices")
    return notes


def check_method(spec: Spec) -> None:
    """A spec the indices can be computed for: a sobol or morris design, from one start date
    (the indices are per scenario; a sweep from several dates is read with `results` and
    `discover`, where the start date is an input like the scenario)."""
    if spec.method not in SENSITIVITY_METHODS:
        raise SpecError(f"{spec.source}: sampler.method=\"{spec.method}\": sensitivity needs "
                        f"sampler 'sobol' or 'morris'")
    if len(spec.dates) > 1:
        dates = ", ".join(f'"{d}"' for d in spec.dates)
        raise SpecError(f"{spec.source}: start_dates=[{dates}]: sensitivity takes one start "
                        f"date (its indices are per scenario); run a sensitivity spec for each "
                        f"date")


def noise_floor(table: pd.DataFrame) -> pd.DataFrame:
    """Per scenario, outcome and index, the dummy's value and the upper end of its confidence
    interval (value + conf), and the parameters whose interval reaches down to that end:
    indistinguishable, at this many samples, from a parameter the model never reads. With common
    random numbers the dummy's runs equal their base runs exactly, so its indices are exactly 0
    and the floor is what the other parameters' own intervals leave (the estimator's noise)."""
    rows = []
    dummy = table[(table["parameter"] == DUMMY_NAME) & (table["other"] == "")]
    for entry in dummy.itertuples(index=False):
        if entry.index not in ("S1", "ST", "mu_star"):
            continue
        floor = entry.value + (0.0 if np.isnan(entry.conf) else entry.conf)
        same = table[(table["scenario"] == entry.scenario) & (table["outcome"] == entry.outcome)
                     & (table["index"] == entry.index) & (table["other"] == "")
                     & (table["parameter"] != DUMMY_NAME)]
        lower = same["value"] - same["conf"].fillna(0.0)
        below = same[lower <= floor]["parameter"].tolist()
        rows.append({"scenario": entry.scenario, "outcome": entry.outcome, "index": entry.index,
                     "dummy_value": float(entry.value), "dummy_conf": float(entry.conf),
                     "floor": float(floor), "at_or_below_floor": below})
    return pd.DataFrame(rows, columns=["scenario", "outcome", "index", "dummy_value",
                                       "dummy_conf", "floor", "at_or_below_floor"])


def floor_notes(table: pd.DataFrame) -> list[str]:
    notes = []
    for row in noise_floor(table).itertuples(index=False):
        within = ", ".join(row.at_or_below_floor) if row.at_or_below_floor else "none"
        notes.append(f"noise floor, {row.outcome} ({row.scenario}) {row.index}: the dummy (read "
                     f"by nothing) gets {row.dummy_value:.3f} ± {row.dummy_conf:.3f}; "
                     f"parameters whose interval reaches {row.floor:.3f}, not told from no "
                     f"effect: {within}")
    return notes


def format_table(table: pd.DataFrame) -> str:
    shown = table[table["index"] != "constant"].copy()
    shown["value"] = shown["value"].map(lambda v: f"{v:8.3f}")
    shown["conf"] = shown["conf"].map(lambda v: "" if np.isnan(v) else f"± {v:.3f}")
    text = shown.to_string(index=False) if len(shown) else ""
    return "\n".join([text, *constant_notes(table), *floor_notes(table)]).strip()
