"""Scenario discovery on a sweep: in which region of parameter space does a condition hold?

Two analyses, as the EMA Workbench offers them:

- **PRIM** (Friedman and Fisher 1999, *Bump hunting in high-dimensional data*; Bryant and Lempert
  2010 for its use in scenario discovery). Starting from the box that holds every run, *peeling*
  repeatedly cuts off a small share (`peel_alpha`) of the runs along one side of one parameter, the
  cut that raises the share of runs of interest in the box most per run removed (EMA's
  "lenient1" objective), until no cut helps or the box would hold less than `mass_min` of the runs.
  Each step is a point on the coverage-density trade-off curve: *coverage* is the share of all runs
  of interest that fall in the box, *density* the share of the box's runs that are of interest,
  *mass* the share of all runs in the box. The chosen box (the one with the highest coverage whose
  density reaches `threshold`) is then *pasted*: a limit moves back out while the density does not
  fall. Each restricted limit gets a quasi-p-value (EMA's): a one-sided binomial test of the box's
  density against the density of the box with that limit removed; a large value says the
  restriction is not needed. With `max_boxes` > 1 the search repeats on the runs outside earlier
  boxes (coverage stays relative to all runs of interest).
- **Feature scoring**: impurity importances of extremely randomised trees (scikit-learn's
  `ExtraTreesClassifier`/`ExtraTreesRegressor`, as EMA's `feature_scoring`), ranking the varied
  parameters by how much they explain the condition and each outcome.

The condition is a pandas expression over a sweep's outcome rows (`outcome == 'settlement'`,
`occupied_km2_final > 120000 and ceasefire_day < 365`), checked against a small grammar before
pandas evaluates it: comparisons, `and`/`or`/`not`, arithmetic, column names and constants; no
calls, attributes, subscripts or local variables.
"""

from __future__ import annotations

import ast
import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from sim.params import InputError, first_line, plural
from sim.style import OKABE_ITO

from . import storage

DEFAULT_THRESHOLD = 0.8
DEFAULT_PEEL_ALPHA = 0.05
DEFAULT_PASTE_ALPHA = 0.05
DEFAULT_MASS_MIN = 0.05
DEFAULT_MAX_QUASI_P = 0.05  # a restriction less significant than this is dropped
LARGE_PEEL_SHARE = 0.25  # a peel removing this share of the box or more is a last resort
INPUT_CHOICES = ("all", "levers", "world")
WORLD_MIN_REPLICATES = 30  # below this, the world's inputs have too few distinct values
SCORING_MAX_ROWS = 10_000
SCORING_TREES = 100
REPR_TOP_SCORES = 3  # inputs a Discovery's repr names


class DiscoverError(InputError):
    """A condition or an option `discover` cannot use: one line naming it and what is allowed."""


# ---------------------------------------------------------------------------------------------
# The condition


_ALLOWED_NODES = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
                  ast.UAdd, ast.Invert, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Mod,
                  ast.Pow, ast.FloorDiv, ast.BitAnd, ast.BitOr, ast.Compare, ast.Eq, ast.NotEq,
                  ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Name, ast.Load,
                  ast.Constant, ast.List, ast.Tuple)


def condition(frame: pd.DataFrame, expression: str, option: str = "--where") -> np.ndarray:
    """Evaluate `expression` on `frame` (one row per run) into a boolean array, or raise a
    `DiscoverError` naming the expression and the allowed columns."""
    columns = list(frame.columns)
    allowed = "columns: " + ", ".join(columns)
    shown = f"{option} {expression!r}"
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as err:
        raise DiscoverError(f"{shown}: not an expression ({err.msg}); e.g. "
                            f"\"outcome == 'settlement'\"; {allowed}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise DiscoverError(f"{shown}: {type(node).__name__.lower()} is not allowed (use "
                                f"comparisons, and/or/not, arithmetic, names and constants); "
                                f"{allowed}")
        if isinstance(node, ast.Name) and node.id not in frame.columns:
            raise DiscoverError(f"{shown}: unknown column {node.id!r}; {allowed}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, str)):
            raise DiscoverError(f"{shown}: constant {node.value!r} is not allowed; {allowed}")
    _check_category_values(tree, frame, shown)
    try:
        result = frame.eval(expression.strip(), engine="python")
    except Exception as err:  # pandas raises many kinds for a well-formed but ill-typed expression
        raise DiscoverError(f"{shown}: cannot evaluate ({first_line(err)}); {allowed}") from None
    values = np.asarray(result)
    if values.shape != (len(frame),) or values.dtype != bool:
        raise DiscoverError(f"{shown}: must be true or false for each run (got "
                            f"{getattr(result, 'dtype', type(result).__name__)}); e.g. "
                            f"'occupied_km2_final > 120000'; {allowed}")
    return values


def _check_category_values(tree: ast.AST, frame: pd.DataFrame, shown: str) -> None:
    """A text constant compared with a column of names (the outcome class, the scenario, a
    choice parameter) must be one of that column's values: a misspelled class would otherwise
    select no run and say nothing."""
    import difflib

    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        names = [o.id for o in operands if isinstance(o, ast.Name)]
        texts = [c.value for o in operands for c in
                 ([o] if isinstance(o, ast.Constant) else
                  o.elts if isinstance(o, (ast.List, ast.Tuple)) else [])
                 if isinstance(c, ast.Constant) and isinstance(c.value, str)]
        for name in names:
            column = frame[name]
            if isinstance(column.dtype, pd.CategoricalDtype):
                allowed = [str(c) for c in column.cat.categories]
            elif pd.api.types.is_numeric_dtype(column) or column.dtype == bool:
                if texts:
                    raise DiscoverError(f"{shown}: {name} holds numbers, not text "
                                        f"({texts[0]!r}); compare it with a number")
                continue
            else:
                allowed = sorted(map(str, pd.unique(column.dropna())))
            for text in texts:
                if text not in allowed:
                    near = difflib.get_close_matches(text, allowed, n=1)
                    hint = f" (did you mean {near[0]!r}?)" if near else ""
                    raise DiscoverError(f"{shown}: {text!r} is not a value of {name}{hint}; one "
                                        f"of {', '.join(repr(a) for a in allowed)}")


# ---------------------------------------------------------------------------------------------
# PRIM


@dataclass(frozen=True)
class Dimension:
    """One input of the analysis: a numeric parameter, or a categorical one held as codes."""

    name: str
    values: np.ndarray  # float values, or int codes into `categories`
    categories: tuple = ()

    @property
    def is_categorical(self) -> bool:
        return bool(self.categories)

    @classmethod
    def of(cls, name: str, column: pd.Series) -> "Dimension":
        if column.dtype == bool or not pd.api.types.is_numeric_dtype(column):
            labels = column.astype(str) if column.dtype != bool else column
            categories = tuple(sorted(pd.unique(labels), key=str))
            codes = pd.Categorical(labels, categories=list(categories)).codes
            return cls(name, np.asarray(codes, dtype=np.int64), categories)
        return cls(name, column.to_numpy(dtype=float))

    @cached_property
    def full_limit(self):
        if self.is_categorical:
            return frozenset(range(len(self.categories)))
        return (float(np.min(self.values)), float(np.max(self.values)))


Limit = tuple[float, float] | frozenset


def inside(dims: list[Dimension], limits: tuple[Limit, ...], rows: np.ndarray | None = None,
           skip: int | None = None) -> np.ndarray:
    """Which runs (of `rows`, default all) lie in the box; dimension `skip` is not checked."""
    n = len(dims[0].values) if rows is None else len(rows)
    mask = np.ones(n, dtype=bool)
    for j, (dim, limit) in enumerate(zip(dims, limits)):
        if j == skip:
            continue
        x = dim.values if rows is None else dim.values[rows]
        if dim.is_categorical:
            if len(limit) < len(dim.categories):
                mask &= np.isin(x, list(limit))
        else:
            mask &= (x >= limit[0]) & (x <= limit[1])
    return mask


@dataclass(frozen=True)
class BoxStats:
    limits: tuple[Limit, ...]
    n: int
    n_interest: int
    coverage: float
    density: float
    mass: float
    restricted: int


@dataclass
class PrimBox:
    """One box found by PRIM: its peeling trajectory, the chosen step and the pasted box."""

    trajectory: list[BoxStats]
    chosen: int
    box: BoxStats
    significance: pd.DataFrame  # restricted dimension, side, limit, quasi-p value
    meets_threshold: bool
    dropped: list[str] = field(default_factory=list)  # restrictions removed as not significant


@dataclass
class PrimResult:
    dims: list[Dimension]
    y: np.ndarray
    boxes: list[PrimBox]
    threshold: float
    peel_alpha: float
    paste_alpha: float
    mass_min: float

    def trajectory_table(self) -> pd.DataFrame:
        frames = []
        for b, box in enumerate(self.boxes, start=1):
            rows = [{"box": b, "step": i, "coverage": s.coverage, "density": s.density,
                     "mass": s.mass, "runs": s.n, "runs_of_interest": s.n_interest,
                     "restricted_dimensions": s.restricted, "chosen": i == box.chosen,
                     "limits": self.describe(s.limits)}
                    for i, s in enumerate(box.trajectory)]
            frames.append(pd.DataFrame(rows))
        return pd.concat(frames, ignore_index=True)

    def describe(self, limits: tuple[Limit, ...]) -> str:
        """A box's restrictions in one line: `x in [0.2, 0.5]; scenario in {a}`."""
        parts = []
        for dim, limit in zip(self.dims, limits):
            if limit == dim.full_limit:
                continue
            if dim.is_categorical:
                parts.append(f"{dim.name} in {{{', '.join(str(dim.categories[c]) for c in sorted(limit))}}}")
            else:
                parts.append(f"{dim.name} in [{_fmt(limit[0])}, {_fmt(limit[1])}]")
        return "; ".join(parts) or "(all runs)"

    def summary_table(self) -> pd.DataFrame:
        return pd.DataFrame([{"box": b, "coverage": box.box.coverage, "density": box.box.density,
                              "mass": box.box.mass, "runs": box.box.n,
                              "runs_of_interest": box.box.n_interest,
                              "restricted_dimensions": box.box.restricted,
                              "trajectory_step": box.chosen,
                              "meets_threshold": box.meets_threshold,
                              "dropped_restrictions": ", ".join(box.dropped)}
                             for b, box in enumerate(self.boxes, start=1)])

    def limits_table(self) -> pd.DataFrame:
        """Per box and restricted dimension: its limits (values, or the kept categories), the
        full range, and the quasi-p-values of the lower and upper limit."""
        rows = []
        for b, box in enumerate(self.boxes, start=1):
            for j, (dim, limit) in enumerate(zip(self.dims, box.box.limits)):
                full = dim.full_limit
                if limit == full:
                    continue
                qp = box.significance[box.significance["dimension"] == dim.name]
                side = dict(zip(qp["side"], qp["quasi_p"]))
                unit = dimension_unit(dim.name)
                if dim.is_categorical:
                    kept = ", ".join(str(dim.categories[c]) for c in sorted(limit))
                    rows.append({"box": b, "dimension": dim.name, "low": None, "high": None,
                                 "categories": kept, "full_low": None, "full_high": None,
                                 "unit": unit,
                                 "quasi_p_low": side.get("categories"), "quasi_p_high": None})
                else:
                    rows.append({"box": b, "dimension": dim.name, "low": limit[0],
                                 "high": limit[1], "categories": None, "full_low": full[0],
                                 "full_high": full[1], "unit": unit,
                                 "quasi_p_low": side.get("low"), "quasi_p_high": side.get("high")})
        columns = ["box", "dimension", "low", "high", "categories", "full_low", "full_high",
                   "unit", "quasi_p_low", "quasi_p_high"]
        return pd.DataFrame(rows, columns=columns)


def prim(x: pd.DataFrame, y: np.ndarray, *, threshold: float = DEFAULT_THRESHOLD,
         peel_alpha: float = DEFAULT_PEEL_ALPHA, paste_alpha: float = DEFAULT_PASTE_ALPHA,
         mass_min: float = DEFAULT_MASS_MIN, max_boxes: int = 1,
         choose: int | None = None, max_quasi_p: float | None = DEFAULT_MAX_QUASI_P,
         max_restricted: int | None = None) -> PrimResult:
    """PRIM on inputs `x` (one column per dimension: numbers, or labels/bools as categories) and
    a boolean `y`. `choose` picks a step of the first box's peeling trajectory instead of the
    threshold rule. After pasting, a restriction whose quasi-p-value exceeds `max_quasi_p` is
    dropped, least significant first, while the box keeps 97 % of its density (None: keep them
    all); and at most `max_restricted` dimensions stay restricted (the most significant)."""
    y = np.asarray(y, dtype=bool)
    if len(x) != len(y):
        raise ValueError("x and y must have the same number of rows")
    dims = [Dimension.of(name, x[name]) for name in x.columns]
    if not dims:
        raise DiscoverError("prim: no varied parameter to search over")
    result = PrimResult(dims, y, [], threshold, peel_alpha, paste_alpha, mass_min)
    remaining = np.arange(len(y))
    total_interest = int(y.sum())
    for _ in range(max_boxes):
        if not y[remaining].any():
            break
        box = _find_box(dims, y, remaining, total_interest, threshold, peel_alpha, paste_alpha,
                        mass_min, choose if not result.boxes else None, max_quasi_p,
                        max_restricted)
        result.boxes.append(box)
        if not box.meets_threshold:
            break
        remaining = remaining[~inside(dims, box.box.limits, remaining)]
    return result


def _stats(dims, y, rows, limits, total_interest, n_total) -> BoxStats:
    n_interest = int(y[rows].sum())
    restricted = sum(1 for d, lim in zip(dims, limits) if lim != d.full_limit)
    return BoxStats(limits, len(rows), n_interest,
                    n_interest / total_interest if total_interest else 0.0,
                    n_interest / len(rows) if len(rows) else 0.0, len(rows) / n_total, restricted)


def _find_box(dims, y, remaining, total_interest, threshold, peel_alpha, paste_alpha, mass_min,
              choose, max_quasi_p=DEFAULT_MAX_QUASI_P, max_restricted=None) -> PrimBox:
    n_total = len(y)
    limits = tuple(d.full_limit for d in dims)
    rows = remaining
    trajectory = [_stats(dims, y, rows, limits, total_interest, n_total)]
    while True:
        best = _best_peel(dims, y, rows, limits, peel_alpha)
        if best is None:
            break
        score, new_limits, new_rows = best
        if score <= 0 or len(new_rows) / n_total < mass_min or len(new_rows) >= len(rows):
            break
        limits, rows = new_limits, new_rows
        trajectory.append(_stats(dims, y, rows, limits, total_interest, n_total))
    if choose is not None:
        if not 0 <= choose < len(trajectory):
            raise DiscoverError(f"--box {choose}: the trajectory has steps 0 to "
                                f"{len(trajectory) - 1}")
        chosen = choose
    else:
        chosen = _choose(trajectory, threshold)
    start = trajectory[chosen]
    pasted_limits = _paste(dims, y, remaining, start.limits, paste_alpha)
    pasted_rows = remaining[inside(dims, pasted_limits, remaining)]
    box = _stats(dims, y, pasted_rows, pasted_limits, total_interest, n_total)
    significance = _quasi_p(dims, y, remaining, box)
    dropped = []
    pasted = box
    while len(significance):
        too_many = max_restricted is not None and box.restricted > max_restricted
        relaxed = None
        for _, worst in significance.sort_values("quasi_p", ascending=False).iterrows():
            if not too_many and (max_quasi_p is None or worst["quasi_p"] <= max_quasi_p):
                break
            j = next(k for k, d in enumerate(dims) if d.name == worst["dimension"])
            limits = box.limits[:j] + (_relaxed(dims[j], box.limits[j], worst["side"]),) + \
                box.limits[j + 1:]
            rows = remaining[inside(dims, limits, remaining)]
            wider = _stats(dims, y, rows, limits, total_interest, n_total)
            if too_many or _still_holds(wider, pasted, threshold):
                relaxed = (wider, f"{worst['dimension']} {worst['side']} "
                                  f"(qp {worst['quasi_p']:.2g})")
                break
        if relaxed is None:
            break
        box, name = relaxed
        dropped.append(name)
        significance = _quasi_p(dims, y, remaining, box)
    return PrimBox(trajectory, chosen, box, significance, box.density >= threshold, dropped)


DROP_DENSITY_KEPT = 0.97  # dropping restrictions may cost at most 3 % of the pasted box's density


def _still_holds(wider: BoxStats, pasted: BoxStats, threshold: float) -> bool:
    """A restriction with a large quasi-p-value is dropped only if the box without it keeps all
    but 3 % of the pasted box's density (on few runs a needed restriction can look
    insignificant: 4 runs of 4 against 4 of 8, quasi-p 0.06), and a box dense enough stays
    dense enough, so the box reported is the one that meets the threshold or not."""
    kept = wider.density >= DROP_DENSITY_KEPT * pasted.density
    return kept and (wider.density >= threshold or pasted.density < threshold)


def _relaxed(dim: Dimension, limit, side: str):
    """`limit` with one side given back its full range (a category limit: every category)."""
    full = dim.full_limit
    if dim.is_categorical:
        return full
    return (full[0], limit[1]) if side == "low" else (limit[0], full[1])


def _choose(trajectory: list[BoxStats], threshold: float) -> int:
    """The step with the highest coverage among those dense enough; else the densest step."""
    dense = [i for i, s in enumerate(trajectory) if s.density >= threshold]
    if dense:
        return max(dense, key=lambda i: (trajectory[i].coverage, -i))
    return max(range(len(trajectory)), key=lambda i: (trajectory[i].density, -i))


def _best_peel(dims, y, rows, limits, alpha):
    """The candidate peel with the best objective (ties: fewer restricted dimensions). A peel
    that would remove a quarter of the box or more (one of two scenarios, the top level of a
    two-level grid) is taken only when no smaller peel raises the density: the box never loses
    such a share in one step while small steps can still make it denser."""
    mean_old = y[rows].mean()
    best = {False: None, True: None}
    for j, dim in enumerate(dims):
        x = dim.values[rows]
        for new_limit, keep in _peels(dim, x, limits[j], alpha):
            n_new = int(keep.sum())
            if n_new == 0 or n_new == len(rows):
                continue
            score = (y[rows][keep].mean() - mean_old) / (len(rows) - n_new)
            new_limits = limits[:j] + (new_limit,) + limits[j + 1:]
            restricted = sum(1 for d, lim in zip(dims, new_limits) if lim != d.full_limit)
            key = (score, -restricted)
            large = len(rows) - n_new >= LARGE_PEEL_SHARE * len(rows)
            if best[large] is None or key > best[large][0]:
                best[large] = (key, new_limits, rows[keep])
    small, large = best[False], best[True]
    if small is not None and small[0][0] > 0:
        chosen = small
    else:
        chosen = large if large is not None else small
    if chosen is None:
        return None
    return chosen[0][0], chosen[1], chosen[2]


def _peels(dim: Dimension, x: np.ndarray, limit, alpha):
    """Candidate peels of one dimension: (new limit, rows kept) for the lower and upper side, or
    one per category that can be dropped. On discrete values a cut removes at least the extreme
    value, so peeling always makes progress."""
    if dim.is_categorical:
        if len(limit) > 1:
            for category in sorted(limit):
                yield limit - {category}, x != category
        return
    values = np.unique(x)
    if len(values) < 2:
        return
    low = np.quantile(x, alpha, method="lower")
    if low <= values[0]:
        low = values[1]
    yield (float(low), limit[1]), x >= low
    high = np.quantile(x, 1 - alpha, method="higher")
    if high >= values[-1]:
        high = values[-2]
    yield (limit[0], float(high)), x <= high


def _paste(dims, y, remaining, limits, alpha):
    """Move limits back out while the box's density does not fall and it gains runs."""
    rows = remaining[inside(dims, limits, remaining)]
    while True:
        density = y[rows].mean() if len(rows) else 0.0
        step = max(1, math.ceil(alpha * len(rows)))
        best = None
        for j, dim in enumerate(dims):
            if limits[j] == dim.full_limit:
                continue
            others = remaining[inside(dims, limits, remaining, skip=j)]
            for new_limit in _pastes(dim, dim.values[others], limits[j], step):
                new_limits = limits[:j] + (new_limit,) + limits[j + 1:]
                new_rows = others[inside([dim], (new_limit,), others)]
                if len(new_rows) <= len(rows):
                    continue
                gain = (y[new_rows].mean() - density) / (len(new_rows) - len(rows))
                if best is None or gain > best[0]:
                    best = (gain, new_limits, new_rows)
        if best is None or best[0] < 0:
            return limits
        _, limits, rows = best


def _pastes(dim: Dimension, x: np.ndarray, limit, step: int):
    """Candidate pastes: bring back the `step` nearest runs below the lower or above the upper
    limit, or one dropped category."""
    if dim.is_categorical:
        for category in sorted(set(range(len(dim.categories))) - limit):
            yield limit | {category}
        return
    below = np.sort(x[x < limit[0]])[::-1]
    if len(below):
        yield (float(below[min(step, len(below)) - 1]), limit[1])
    above = np.sort(x[x > limit[1]])
    if len(above):
        yield (limit[0], float(above[min(step, len(above)) - 1]))


def _quasi_p(dims, y, remaining, box: BoxStats) -> pd.DataFrame:
    """EMA's quasi-p-value of each restricted limit: P(a box this dense | the density of the box
    with that limit removed), one-sided binomial."""
    from scipy.stats import binomtest

    rows = []
    for j, (dim, limit) in enumerate(zip(dims, box.limits)):
        full = dim.full_limit
        if limit == full:
            continue
        sides = [("categories", full)] if dim.is_categorical else \
            [(side, relaxed) for side, relaxed, restricted in
             (("low", (full[0], limit[1]), limit[0] > full[0]),
              ("high", (limit[0], full[1]), limit[1] < full[1])) if restricted]
        for side, relaxed in sides:
            limits = box.limits[:j] + (relaxed,) + box.limits[j + 1:]
            wider = remaining[inside(dims, limits, remaining)]
            p = y[wider].mean()
            qp = binomtest(box.n_interest, box.n, p, alternative="greater").pvalue \
                if box.n else float("nan")
            rows.append({"dimension": dim.name, "side": side, "quasi_p": float(qp)})
    return pd.DataFrame(rows, columns=["dimension", "side", "quasi_p"])


# ---------------------------------------------------------------------------------------------
# Feature scoring


def feature_scores(x: pd.DataFrame, targets: dict[str, pd.Series], seed: int = 0,
                   n_estimators: int = SCORING_TREES) -> pd.DataFrame:
    """Extra-trees importances: one row per input, one column per target, each column summing
    to 1. A boolean or text target is classified, a numeric one regressed."""
    from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor

    encoded = np.column_stack([_encode(x[name]) for name in x.columns])
    scores = {}
    for name, target in targets.items():
        values = pd.Series(target).reset_index(drop=True)
        if values.nunique(dropna=False) < 2:
            continue
        classify = values.dtype == bool or not pd.api.types.is_numeric_dtype(values)
        model_class = ExtraTreesClassifier if classify else ExtraTreesRegressor
        model = model_class(n_estimators=n_estimators, max_features=0.6, random_state=seed,
                            n_jobs=1)
        model.fit(encoded, values.astype(str) if classify and values.dtype != bool else values)
        with np.errstate(invalid="ignore", divide="ignore"):
            importances = _importances(model)
        scores[name] = importances
    return pd.DataFrame(scores, index=pd.Index(list(x.columns), name="parameter"))


def _importances(model) -> np.ndarray:
    """Mean decrease in impurity, normalised; all zeros (not NaN) when no split helps, i.e. when
    the target varies only between replicates, never with the parameters."""
    total = np.zeros(model.n_features_in_)
    for tree in model.estimators_:
        total += tree.tree_.compute_feature_importances(normalize=False)
    total = np.where(total > 1e-12, total, 0.0)  # round-off of splits that gain nothing
    return total / total.sum() if total.sum() > 0 else total


def _encode(column: pd.Series) -> np.ndarray:
    if column.dtype == bool or not pd.api.types.is_numeric_dtype(column):
        return pd.Categorical(column.astype(str)).codes.astype(float)
    return column.to_numpy(dtype=float)


def outcome_targets(frame: pd.DataFrame, outcomes: list[str]) -> dict[str, pd.Series]:
    """What each outcome means as a scoring target: a numeric outcome as it is, one with missing
    values (a day that never came) as `reached:<name>`, the outcome class as labels."""
    targets = {}
    for name in outcomes:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) and column.dtype != bool:
            if column.isna().any():
                targets[f"reached:{name}"] = column.notna()
            else:
                targets[name] = column.astype(float)
        else:
            targets[name] = column.astype(str)
    return targets


# ---------------------------------------------------------------------------------------------
# A sweep directory


@dataclass
class Discovery:
    """What `discover` found in one sweep for one condition."""

    where: str
    runs: int
    runs_of_interest: int
    parameters: list[str]
    prim: PrimResult | None
    scores: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    noise: pd.DataFrame | None = None  # the condition's variance: between points / replicates
    world: list[str] = field(default_factory=list)  # inputs that are the run's drawn world
    # dimensional stacking over the highest-scored inputs: (share, count) tables
    stacking: tuple[pd.DataFrame, pd.DataFrame] | None = None
    # per box: (the box in words, fans of the kept trajectories inside vs outside it)
    box_fans: list[tuple[str, pd.DataFrame]] = field(default_factory=list)

    def __repr__(self) -> str:
        """A few lines a notebook can show: the condition, its share, each box in words and
        the best-scored inputs; the full tables are in `tables()` (the dataclass's own repr
        printed every table and fan, hundreds of lines)."""
        share = self.runs_of_interest / self.runs if self.runs else 0.0
        lines = [f"Discovery({self.where!r}: {self.runs_of_interest:,} of {self.runs:,} "
                 f"{plural(self.runs, 'run')}, "
                 f"{share:.1%}; {len(self.parameters)} inputs searched)"]
        for b, found in enumerate(self.prim.boxes if self.prim else [], start=1):
            box = found.box
            lines.append(f"  box {b}: coverage {box.coverage:.2f}, density {box.density:.2f}, "
                         f"{box.n:,} {plural(box.n, 'run')}: {self.prim.describe(box.limits)}")
        if "condition" in self.scores:
            top = self.scores["condition"].head(REPR_TOP_SCORES)
            lines.append("  best-scored inputs: " + ", ".join(
                f"{name} {score:.2f}" for name, score in top.items()))
        lines.append(f"  tables: {', '.join(self.tables())}")
        return "\n".join(lines)

    def tables(self) -> dict[str, pd.DataFrame]:
        tables = {"feature_scores": self.scores.reset_index()}
        if self.stacking is not None:
            share, count = self.stacking
            tables["stacking"] = stacking_long(share, count)
        if self.box_fans:
            tables["prim_fans"] = pd.concat([t.assign(box=b) for b, (_, t)
                                             in enumerate(self.box_fans, start=1)])
        if self.noise is not None:
            tables["noise"] = self.noise
        if self.prim is not None:
            tables.update({"prim_boxes": self.prim.summary_table(),
                           "prim_limits": self.prim.limits_table(),
                           "prim_trajectory": self.prim.trajectory_table()})
        return tables


def inputs_of(frame: pd.DataFrame, manifest: dict, inputs: str = "all") -> list[str]:
    """The inputs PRIM and the scores search over: the levers (the sweep's varied parameters,
    as stored in the manifest, and the start date and the scenario when there are several), the
    run's world (its `drawn_*` uncertain parameters and `type_*` private types, when the rows
    carry them), or both ("all"). Inputs that never vary are left out."""
    if inputs not in INPUT_CHOICES:
        raise DiscoverError(f"--inputs {inputs}: one of {', '.join(INPUT_CHOICES)}")
    names = []
    if inputs in ("all", "levers"):
        names += [f["name"] for f in manifest["spec"]["factors"]]
        names += [key for key in ("start_date", "scenario")
                  if key in frame and frame[key].nunique() > 1]
    if inputs in ("all", "world"):
        names += world_columns(frame)
    return [n for n in names if frame[n].nunique(dropna=False) > 1]


def world_columns(frame: pd.DataFrame) -> list[str]:
    """The columns holding each run's drawn world (`drawn_*`, `type_*`)."""
    return [c for c in frame.columns if c.startswith(("drawn_", "type_"))]


def analyse(out: Path, where: str, *, threshold: float = DEFAULT_THRESHOLD,
            peel_alpha: float = DEFAULT_PEEL_ALPHA, paste_alpha: float = DEFAULT_PASTE_ALPHA,
            mass_min: float = DEFAULT_MASS_MIN, max_boxes: int = 1, choose: int | None = None,
            seed: int = 0, score_outcomes: bool = True, inputs: str = "all",
            max_quasi_p: float | None = DEFAULT_MAX_QUASI_P,
            max_restricted: int | None = None, stack_inputs: int = 4,
            stack_bins: int = 3) -> Discovery:
    """PRIM and feature scores of the condition `where` over the sweep in `out`, and the
    dimensional stacking of the condition over the `stack_inputs` highest-scored inputs."""
    from . import results

    out = Path(out)
    manifest = results.load_manifest(out)
    frame = storage.read_table(out)
    if frame.empty:
        raise DiscoverError(f"{out}: holds no finished runs yet")
    found = analyse_frame(frame, manifest, where, threshold=threshold, peel_alpha=peel_alpha,
                         paste_alpha=paste_alpha, mass_min=mass_min, max_boxes=max_boxes,
                         choose=choose, seed=seed, score_outcomes=score_outcomes, inputs=inputs,
                         max_quasi_p=max_quasi_p, max_restricted=max_restricted,
                         stack_inputs=stack_inputs, stack_bins=stack_bins)
    if found.prim is not None and storage.table_files(out, "trajectories"):
        found.box_fans = box_fans(out, frame, found.prim, manifest)
    return found


def box_fans(out: Path, frame: pd.DataFrame, result: PrimResult,
             manifest: dict) -> list[tuple[str, pd.DataFrame]]:
    """For each box, the kept trajectories of the runs inside it against those outside it
    (`experiments.boxfans`): what happens on the way to the condition."""
    return box_fans_of(storage.read_table(out, "trajectories"), frame, result, manifest)


def box_fans_of(trajectories: pd.DataFrame, frame: pd.DataFrame, result: PrimResult,
                manifest: dict) -> list[tuple[str, pd.DataFrame]]:
    """`box_fans` over kept trajectories already in memory (long form: row, day, fields)."""
    from . import boxfans

    fields = [f for f in manifest["spec"]["output"]["fields"] if f in trajectories]
    found = []
    for box in result.boxes:
        rows = frame["row"].to_numpy()[inside(result.dims, box.box.limits)]
        found.append((result.describe(box.box.limits),
                      boxfans.fan_table(trajectories, rows, fields)))
    return found


def analyse_frame(frame: pd.DataFrame, manifest: dict, where: str, *,
                  threshold: float = DEFAULT_THRESHOLD, peel_alpha: float = DEFAULT_PEEL_ALPHA,
                  paste_alpha: float = DEFAULT_PASTE_ALPHA, mass_min: float = DEFAULT_MASS_MIN,
                  max_boxes: int = 1, choose: int | None = None, seed: int = 0,
                  score_outcomes: bool = True, inputs: str = "all",
                  max_quasi_p: float | None = DEFAULT_MAX_QUASI_P,
                  max_restricted: int | None = None, stack_inputs: int = 4,
                  stack_bins: int = 3) -> Discovery:
    """`analyse` on outcome rows already in memory (`frame`) with their sweep's manifest."""
    from . import noise

    notes = []
    if len(frame) < manifest["rows"]:
        notes.append(f"the sweep is incomplete: {len(frame):,} of {manifest['rows']:,} "
                     f"{plural(manifest['rows'], 'run')}")
    y = condition(frame, where)
    parameters = inputs_of(frame, manifest, inputs)
    world = [p for p in parameters if p in world_columns(frame)]
    from .results import scenario_labels

    shares = noise.split(pd.Series(y, index=frame.index), scenario_labels(frame, manifest),
                         frame["point"], frame["replicate"], "condition")
    notes += noise.warnings(shares)
    replicates = int(frame["replicate"].nunique())
    if world and replicates < WORLD_MIN_REPLICATES:
        notes.append(f"each drawn input takes only {replicates} values (replicate k draws the "
                     f"same world at every point), so a box over the world tells replicates "
                     f"apart rather than ranges; {WORLD_MIN_REPLICATES}+ replicates say more")
    if inputs != "levers" and not world_columns(frame):
        notes.append("the rows do not carry the runs' drawn world (swept with --record-drawn "
                     "off, or before it existed): searched over the levers only")
    if not parameters:
        raise DiscoverError(f"sweep '{manifest['name']}': no input varies in it (--inputs "
                            f"{inputs}); nothing to discover")
    x = frame[parameters]
    found = None
    if 0 < y.sum() < len(y):
        found = prim(x, y, threshold=threshold, peel_alpha=peel_alpha, paste_alpha=paste_alpha,
                     mass_min=mass_min, max_boxes=max_boxes, choose=choose,
                     max_quasi_p=max_quasi_p, max_restricted=max_restricted)
        if not found.boxes[0].meets_threshold:
            notes.append(f"no box reaches density {threshold:g}; shown: the densest step of the "
                         f"trajectory, density {found.boxes[0].box.density:.3f} as reported")
    else:
        notes.append(f"the condition holds in {int(y.sum()):,} of {len(y):,} "
                     f"{plural(len(y), 'run')}: there is no "
                     f"region to find")
    outcomes = [c for c in manifest["spec"]["output"]["outcomes"] if c in frame]
    outcomes += [c for c in _derived_names(manifest) if c in frame]
    sample = frame.sample(SCORING_MAX_ROWS, random_state=seed) if len(frame) > SCORING_MAX_ROWS \
        else frame
    if len(sample) < len(frame):
        notes.append(f"feature scores from a random sample of {len(sample):,} runs")
    targets = {"condition": pd.Series(y, index=frame.index).loc[sample.index]}
    if score_outcomes:
        targets.update(outcome_targets(sample, outcomes))
    scores = feature_scores(sample[parameters], targets, seed=seed)
    flat = [name for name in scores if not scores[name].any()]
    if flat:
        notes.append(f"no parameter explains {', '.join(flat)}: it varies only between "
                     f"replicates (scores 0)")
    if "condition" in scores:
        scores = scores.sort_values("condition", ascending=False)
    stacked = None
    if "condition" in scores and len(parameters) >= 2 and 0 < y.sum() < len(y):
        from . import stacking

        top = [p for p in scores.index if scores.loc[p, "condition"] > 0][:stack_inputs]
        if len(top) >= 2:
            stacked = stacking.stack(frame, y, top, stack_bins)
    return Discovery(where, len(frame), int(y.sum()), parameters, found, scores, notes, shares,
                     world, stacked)


def stacking_long(share: pd.DataFrame, count: pd.DataFrame) -> pd.DataFrame:
    """The stacking grid as a tidy table: one row per cell, its bins, share and runs."""
    long = share.stack(list(range(share.columns.nlevels)), future_stack=True).rename("share")
    runs = count.stack(list(range(count.columns.nlevels)), future_stack=True).rename("runs")
    return pd.concat([long, runs], axis=1).reset_index()


def _derived_names(manifest: dict) -> list[str]:
    return [d["name"] for d in manifest["spec"]["output"].get("derived", ())]


def report_text(found: Discovery) -> str:
    """The tables a terminal shows."""
    levers = [p for p in found.parameters if p not in found.world]
    drawn = sum(1 for p in found.world if p.startswith("drawn_"))
    types = len(found.world) - drawn
    searched = ", ".join(levers) or "no lever"
    if found.world:
        searched += f"; the world: {drawn} drawn parameters and {types} private types"
    lines = [f"condition: {found.where}",
             f"  holds in {found.runs_of_interest:,} of {found.runs:,} {plural(found.runs, 'run')} "
             f"({found.runs_of_interest / found.runs:.1%}); searched over the levers "
             f"{searched}"]
    if found.noise is not None and len(found.noise):
        for row in found.noise.itertuples(index=False):
            if np.isfinite(row.between_replicates_share):
                lines.append(f"  variance of the condition ({row.scenario}): "
                             f"{row.between_points_share:.0%} between points (levers), "
                             f"{row.between_replicates_share:.0%} between replicates (world)")
    lines += [f"  {note}" if note.startswith("warning:") else f"  note: {note}"
              for note in found.notes]
    if found.prim is not None:
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            lines += ["", "PRIM boxes (coverage: share of the condition's runs inside; density: "
                          "share of the box's runs where it holds; mass: share of all runs):",
                      found.prim.summary_table().to_string(index=False, float_format="{:.3f}".format),
                      "", "box limits (quasi-p: chance the restriction is not needed):",
                      _limits_text(found.prim.limits_table())]
        for b, box in enumerate(found.prim.boxes, start=1):
            if box.dropped:
                lines.append(f"  box {b}: dropped as not significant: {', '.join(box.dropped)}")
    if len(found.scores.columns):
        lines += ["", "feature scores (extra trees; each column sums to 1):",
                  found.scores.to_string(float_format="{:.3f}".format)]
    return "\n".join(lines)


def _limits_text(limits: pd.DataFrame) -> str:
    if limits.empty:
        return "  (no dimension restricted)"
    rows = []
    for _, r in limits.iterrows():
        if isinstance(r["categories"], str):
            rows.append(f"  box {r['box']}  {r['dimension']} in {{{r['categories']}}}"
                        f"  quasi-p {r['quasi_p_low']:.2g}")
            continue
        parts = []
        if r["low"] > r["full_low"]:
            parts.append(f"low {_fmt(r['low'])} (qp {r['quasi_p_low']:.2g})")
        if r["high"] < r["full_high"]:
            parts.append(f"high {_fmt(r['high'])} (qp {r['quasi_p_high']:.2g})")
        unit = f" {r['unit']}" if r["unit"] else ""
        rows.append(f"  box {r['box']}  {r['dimension']} in [{_fmt(r['low'])}, {_fmt(r['high'])}]"
                    f"{unit} of [{_fmt(r['full_low'])}, {_fmt(r['full_high'])}]: "
                    + "; ".join(parts))
    return "\n".join(rows)


def dimension_unit(name: str) -> str:
    """The unit of an input the model declares (a parameter, a run's drawn parameter); "" else."""
    from .storage import column_description

    described = column_description(name)
    return described["unit"] if described else ""


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def check_out_folder(folder: Path, sweep_dir: Path) -> None:
    """Refuse an --out that is a file, or lies inside the sweep (its Parquet tables would mix
    with the sweep's own under DIR/**/*.parquet)."""
    folder, sweep_dir = Path(folder), Path(sweep_dir)
    if folder.exists() and not folder.is_dir():
        raise DiscoverError(f"--out {folder}: exists and is not a directory")
    resolved, sweep = folder.resolve(), sweep_dir.resolve()
    if resolved == sweep or sweep in resolved.parents:
        raise DiscoverError(f"--out {folder}: inside the sweep directory {sweep_dir}; choose a "
                            f"folder outside it")


def write(found: Discovery, folder: Path) -> list[Path]:
    """Tables (CSV and Parquet), plots (PNG) and a JSON summary into `folder`."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return _write(found, folder)
    except OSError as err:
        raise DiscoverError(f"--out {folder}: cannot write ({err.strerror or err})") from None


def _write(found: Discovery, folder: Path) -> list[Path]:
    from . import plots

    written = []
    for name, table in found.tables().items():
        table.to_csv(folder / f"{name}.csv", index=False)
        storage.atomic_write_table(folder / f"{name}.parquet", table)
        written += [folder / f"{name}.csv", folder / f"{name}.parquet"]
    summary = {"where": found.where, "runs": found.runs,
               "runs_of_interest": found.runs_of_interest, "parameters": found.parameters,
               "world": found.world, "notes": found.notes}
    if found.prim is not None:
        p = found.prim
        summary["prim"] = {"threshold": p.threshold, "peel_alpha": p.peel_alpha,
                           "paste_alpha": p.paste_alpha, "mass_min": p.mass_min,
                           "boxes": json.loads(p.summary_table().to_json(orient="records"))}
    storage.atomic_write_bytes(folder / "discover.json", json.dumps(summary, indent=2).encode())
    written.append(folder / "discover.json")
    figures = {"feature_scores.png": scores_figure(found.scores)} if len(found.scores.columns) \
        else {}
    if found.prim is not None:
        figures["prim_tradeoff.png"] = tradeoff_figure(found.prim)
        figures["prim_box_limits.png"] = limits_figure(found.prim)
        for b in range(1, len(found.prim.boxes) + 1):
            figures[f"prim_pairs_box{b}.png"] = pairs_figure(found.prim, b)
    for b, (text, table) in enumerate(found.box_fans, start=1):
        from . import boxfans

        figures[f"prim_fans_box{b}.png"] = boxfans.figure(table, text)
    if found.stacking is not None:
        from . import stacking

        figures["stacking.png"] = stacking.figure(*found.stacking, found.where)
    for name, figure in figures.items():
        written.append(plots.save(figure, folder / name))
    return written


# ---------------------------------------------------------------------------------------------
# Plots


def tradeoff_figure(result: PrimResult):
    """Coverage against density along each box's peeling trajectory, coloured by the number of
    restricted dimensions; the chosen step and the pasted box marked."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.5, 5))
    axes = figure.subplots()
    restricted = [s.restricted for box in result.boxes for s in box.trajectory]
    scatter = None
    for b, box in enumerate(result.boxes, start=1):
        coverage = [s.coverage for s in box.trajectory]
        density = [s.density for s in box.trajectory]
        axes.plot(coverage, density, color="#999999", linewidth=0.8, zorder=1)
        scatter = axes.scatter(coverage, density, c=[s.restricted for s in box.trajectory],
                               cmap="viridis", vmin=0, vmax=max(restricted + [1]), s=18, zorder=2)
        chosen = box.trajectory[box.chosen]
        axes.scatter([chosen.coverage], [chosen.density], s=120, facecolors="none",
                     edgecolors="#D55E00", linewidths=1.5, zorder=3,
                     label="chosen step" if b == 1 else None)
        axes.scatter([box.box.coverage], [box.box.density], marker="*", s=160, color="#D55E00",
                     zorder=4, label="pasted box" if b == 1 else None)
        axes.annotate(f"box {b}", (box.box.coverage, box.box.density), textcoords="offset points",
                      xytext=(6, 6), fontsize=8)
    axes.axhline(result.threshold, color=OKABE_ITO["blue"], linestyle=":", linewidth=1,
                 label=f"threshold {result.threshold:g}")
    axes.set_xlabel("coverage (share of the condition's runs inside the box)")
    axes.set_ylabel("density (share of the box's runs where it holds)")
    axes.set_xlim(0, 1.02)
    axes.set_ylim(0, 1.02)
    axes.set_title("PRIM peeling trajectory")
    top = max(restricted + [1])
    figure.colorbar(scatter, ax=axes, label="restricted dimensions",
                    ticks=range(0, top + 1, max(1, top // 8)))
    axes.legend(loc="lower left", fontsize=8)
    return figure


def limits_figure(result: PrimResult):
    """Each restricted dimension of each box as a bar over its full range (scaled to 0-1), with
    the limits and quasi-p-values written beside it; categories listed."""
    from matplotlib.figure import Figure

    table = result.limits_table()
    n = max(1, len(table))
    figure = Figure(figsize=(7.5, 0.6 * n + 1.4))
    axes = figure.subplots()
    labels = []
    for i, (_, r) in enumerate(table.iterrows()):
        y = n - 1 - i
        axes.plot([0, 1], [y, y], color="#cccccc", linewidth=6, solid_capstyle="butt")
        if isinstance(r["categories"], str):
            axes.plot([0, 1], [y, y], color=OKABE_ITO["blue"], linewidth=6, solid_capstyle="butt",
                      alpha=0.5)
            axes.text(0.5, y + 0.22, f"{{{r['categories']}}}  qp {r['quasi_p_low']:.2g}",
                      ha="center", fontsize=8)
        else:
            span = r["full_high"] - r["full_low"] or 1.0
            low, high = (r["low"] - r["full_low"]) / span, (r["high"] - r["full_low"]) / span
            axes.plot([low, high], [y, y], color=OKABE_ITO["blue"], linewidth=6, solid_capstyle="butt")
            qp_low = f" (qp {r['quasi_p_low']:.2g})" if pd.notna(r["quasi_p_low"]) else ""
            qp_high = f" (qp {r['quasi_p_high']:.2g})" if pd.notna(r["quasi_p_high"]) else ""
            axes.text(low, y + 0.22, f"{_fmt(r['low'])}{qp_low}", ha="left", fontsize=8)
            axes.text(high, y - 0.42, f"{_fmt(r['high'])}{qp_high}", ha="right", fontsize=8)
        labels.append(f"box {r['box']}: {r['dimension']}")
    axes.set_yticks(range(n - 1, n - 1 - len(labels), -1), labels)
    axes.set_xlim(-0.02, 1.02)
    axes.set_ylim(-0.8, n - 0.2)
    axes.set_xlabel("position within the swept range (0 = lowest, 1 = highest value)")
    summary = "; ".join(f"box {b}: coverage {s.coverage:.2f}, density {s.density:.2f}, "
                        f"mass {s.mass:.2f}" for b, s in
                        enumerate((box.box for box in result.boxes), start=1))
    axes.set_title(f"PRIM box limits\n{summary}", fontsize=9)
    if table.empty:
        axes.text(0.5, 0, "no dimension restricted", ha="center")
    return figure


def pairs_figure(result: PrimResult, box_number: int = 1, max_dimensions: int = 4,
                 max_points: int = 4000, seed: int = 0):
    """EMA's pairs plot of a box: each pair of its most significant restricted dimensions as a
    scatter of the runs (where the condition holds in colour, elsewhere grey), the box's limits
    drawn as a rectangle (a category axis shows its codes; the rectangle spans the kept ones);
    on the diagonal, each dimension's histogram."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    box = result.boxes[box_number - 1]
    order = box.significance.groupby("dimension")["quasi_p"].min().sort_values()
    names = list(order.index[:max_dimensions])
    dims = {d.name: (j, d) for j, d in enumerate(result.dims)}
    n = max(len(names), 1)
    figure = Figure(figsize=(2.6 * n + 1, 2.6 * n + 0.8), layout="constrained")
    if len(names) < 2:
        axes = figure.subplots()
        axes.text(0.5, 0.5, "fewer than two restricted dimensions: no pairs to show",
                  ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return figure
    rng = np.random.default_rng(seed)
    rows = np.arange(len(result.y))
    if len(rows) > max_points:
        rows = np.sort(rng.choice(rows, max_points, replace=False))
    grid = figure.subplots(n, n, squeeze=False)
    hit = result.y[rows]
    for i, y_name in enumerate(names):
        for k, x_name in enumerate(names):
            axes = grid[i][k]
            jx, dx = dims[x_name]
            jy, dy = dims[y_name]
            xs = dx.values[rows].astype(float)
            if i == k:
                axes.hist([xs[~hit], xs[hit]], bins=20, stacked=True,
                          color=["#BBBBBB", "#D55E00"])
            else:
                ys = dy.values[rows].astype(float)
                axes.scatter(xs[~hit], ys[~hit], s=3, color="#BBBBBB", lw=0)
                axes.scatter(xs[hit], ys[hit], s=3, color="#D55E00", lw=0)
                lx, ly = _span(dx, box.box.limits[jx]), _span(dy, box.box.limits[jy])
                axes.add_patch(Rectangle((lx[0], ly[0]), lx[1] - lx[0], ly[1] - ly[0],
                                         fill=False, edgecolor=OKABE_ITO["blue"], linewidth=1.5))
            axes.set_xlim(*_padded(dx))
            if i != k:
                axes.set_ylim(*_padded(dy))
            if i == n - 1:
                axes.set_xlabel(x_name, fontsize=8)
            if k == 0 and i != k:
                axes.set_ylabel(y_name, fontsize=8)
            axes.tick_params(labelsize=7, labelbottom=i == n - 1, labelleft=k == 0 and i != k)
    figure.suptitle(f"PRIM box {box_number}: runs where the condition holds (orange) and not "
                    f"(grey); the box in blue", fontsize=9)
    return figure


def _padded(dim: Dimension) -> tuple[float, float]:
    """A dimension's axis range: its full range, padded by 5 % (categories: by half a code)."""
    if dim.is_categorical:
        return -0.5, len(dim.categories) - 0.5
    low, high = dim.full_limit
    pad = 0.05 * (high - low or 1.0)
    return low - pad, high + pad


def _span(dim: Dimension, limit) -> tuple[float, float]:
    """A limit as an interval on the axis (categories: their codes, padded by half a step)."""
    if dim.is_categorical:
        codes = sorted(limit)
        return codes[0] - 0.5, codes[-1] + 0.5
    return limit


def scores_figure(scores: pd.DataFrame):
    """Bars of the condition's scores; with outcome targets, a heat map of all of them."""
    from matplotlib.figure import Figure

    columns = list(scores.columns)
    figure = Figure(figsize=(4 + 0.9 * len(columns), 0.45 * len(scores) + 1.6))
    axes = figure.subplots()
    if len(columns) == 1:
        ordered = scores[columns[0]].sort_values()
        axes.barh(ordered.index, ordered.to_numpy(), color=OKABE_ITO["blue"])
        axes.set_xlabel(f"extra-trees importance for {columns[0]}")
    else:
        image = axes.imshow(scores.to_numpy(), cmap="viridis", aspect="auto", vmin=0)
        axes.set_xticks(range(len(columns)), columns, rotation=40, ha="right", fontsize=8)
        axes.set_yticks(range(len(scores)), scores.index, fontsize=8)
        for (i, j), value in np.ndenumerate(scores.to_numpy()):
            axes.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7,
                      color="white" if value < 0.5 * scores.to_numpy().max() else "black")
        figure.colorbar(image, ax=axes, label="importance (column sums to 1)")
    axes.set_title("feature scores (extra trees)")
    return figure

