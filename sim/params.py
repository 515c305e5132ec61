"""Every parameter of the model, declared once.

Each `ParamSpec` carries its default, allowed range, unit, one-line meaning and source. The CLI help,
docs/MODEL.md, the dashboard's tooltips and sweep validation all read this table; nothing else
declares a parameter. `Params` holds resolved values as arrays broadcastable to `(n_runs,)`, so one
batch can carry many parameter points.

Sources name rows of `sim/data/facts_to_2024_11.csv` ("facts: <quantity>") or say plainly that a
value is an assumption or a calibration result, and how it was set.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np

PUTIN_STRATEGIES = ("opportunist", "freeze", "maximalist", "serious")


class InputError(ValueError):
    """Bad user input anywhere (parameter, spec file, run reference): a one-line message that
    the CLI prints before exiting with code 2, and the dashboard shows in the page."""


def first_line(err: BaseException) -> str:
    """An error's first line (or its type's name): how a caught library error is quoted inside
    one of ours, so the message stays one line."""
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


class ParamError(InputError):
    """A parameter name or value that the model does not accept; the message is one line."""

    def __init__(self, field: str, value: Any, allowed: str):
        self.field, self.value, self.allowed = field, value, allowed
        super().__init__(f"{field}={value!r} is not allowed: {allowed}")


@dataclass(frozen=True)
class Expect:
    """What raising a parameter should do: move `outcome` (a per-run outcome of
    `sim.levers.MEASURES`, or "spread:<outcome>" for its spread across runs) in `direction`
    (+1 up, -1 down), in `scenario` with `setting` on top, from `start_date` (None: the model's
    day 0), where the mechanism is at work. `levels`, when given, are the two values compared
    (else the midpoints between the default and each end of the range)."""

    outcome: str
    direction: int
    scenario: str = "status_quo"
    setting: tuple[tuple[str, Any], ...] = ()
    levels: tuple[float, float] | None = None
    start_date: str | None = None


@dataclass(frozen=True)
class Prior:
    """What the model does not know about a parameter: a distribution over its declared range.

    `kind` is "uniform" over [low, high], "triangular" over [low, high] with its mode, or
    "posterior": drawn jointly with the other fitted parameters from a row of the calibration
    posterior shipped in sim/data (`sim.uncertainty`). `reason` says why this distribution.
    """

    kind: str
    low: float = 0.0
    high: float = 0.0
    mode: float = 0.0
    reason: str = ""


@dataclass(frozen=True)
class ParamSpec:
    name: str
    default: float
    low: float
    high: float
    unit: str
    meaning: str
    source: str
    group: str
    kind: str = "float"  # float | int | bool | choice
    choices: tuple[str, ...] = ()
    prior: Prior | None = None  # None: known or set by the user (a lever), never drawn
    expects: "Expect | None" = None  # what the parameter should move, and which way
    label: str = ""  # what a student reads ("US aid after Jan 2025, share of the 2024 level")

    @property
    def plain_label(self) -> str:
        """The label, or for a parameter not yet given one the name in words (never the code)."""
        return self.label or humanised(self.name)

    def allowed(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "bool":
            return "true or false"
        number = "a whole number" if self.kind == "int" else "a number"
        return f"{number} in [{_fmt(self.low)}, {_fmt(self.high)}] {self.unit}".rstrip()

    def default_text(self) -> str:
        if self.kind == "choice":
            return self.choices[int(self.default)]
        if self.kind == "bool":
            return "true" if self.default else "false"
        return _fmt(self.default)

    def coerce(self, value: Any) -> np.ndarray:
        """Turn a user value (text, number, sequence or array) into a checked float array."""
        if self.kind == "choice":
            arr = np.asarray(value)
            if arr.dtype.kind in "US":
                names = np.atleast_1d(arr)
                bad = [v for v in names if str(v) not in self.choices]
                if bad:
                    raise ParamError(self.name, str(bad[0]), self.allowed())
                codes = np.array([self.choices.index(str(v)) for v in names], dtype=float)
                return codes.reshape(arr.shape)
            arr = np.asarray(arr, dtype=float)
            if not np.all(np.isin(arr, np.arange(len(self.choices)))):
                raise ParamError(self.name, value, self.allowed())
            return arr
        if self.kind == "bool":
            if isinstance(value, str):
                low = value.strip().lower()
                if low in ("1", "true", "yes", "on"):
                    return np.asarray(1.0)
                if low in ("0", "false", "no", "off"):
                    return np.asarray(0.0)
                raise ParamError(self.name, value, self.allowed())
            arr = np.asarray(value, dtype=float)
            if not np.all((arr == 0) | (arr == 1)):
                raise ParamError(self.name, value, self.allowed())
            return arr
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ParamError(self.name, value, self.allowed()) from None
        if not np.all(np.isfinite(arr)) or np.any(arr < self.low) or np.any(arr > self.high):
            shown = value if arr.ndim == 0 else _first_bad(arr, self.low, self.high)
            raise ParamError(self.name, shown, self.allowed())
        if self.kind == "int" and np.any(arr != np.round(arr)):
            raise ParamError(self.name, value, self.allowed())
        return arr


def _fmt(x: float) -> str:
    return f"{x:g}"


def _first_bad(arr: np.ndarray, low: float, high: float) -> float:
    flat = arr.ravel()
    bad = ~np.isfinite(flat) | (flat < low) | (flat > high)
    return float(flat[np.argmax(bad)])


def humanised(name: str) -> str:
    """A parameter's code name in words, for one still without a label ("grid_max_gw" ->
    "Grid max GW")."""
    words = [w.upper() if w in _ABBREVIATIONS else w for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


_ABBREVIATIONS = {"gw", "usd", "rub", "eu", "us", "nwf", "km2", "sd"}


def _p(name, default, low, high, unit, meaning, source, group, kind="float", choices=(), *,
       label="", prior=None, expects=None):
    return ParamSpec(name, default, low, high, unit, meaning, source, group, kind, tuple(choices),
                     prior=prior, expects=expects, label=label)


def uncertain_names() -> tuple[str, ...]:
    """Parameters with a declared distribution, in declaration order (the draw order)."""
    return tuple(spec.name for spec in _SPECS if spec.prior is not None)


# One record per parameter: value, range, unit, meaning, source and group; then what a student
# reads (`label`), what the model does not know about it (`prior`, issue 11) and what it should
# move and which way (`expects`, issue 10: every lever alive, checked by tests/test_levers.py with
# common random numbers and uncertainty off).
# Parameters fitted to 2024 are drawn jointly from the shipped calibration posterior; other
# physical or behavioural assumptions get a stated prior over a plausible part of their range.
# Scenario levers, switches, strategies and outcome thresholds have none: the user sets them.
_FITTED = "calibration posterior (sim/data/posterior_front.csv), drawn jointly by row"
_E = Expect
_PP, _MX, _FR, _EP, _BS = ("parallel_processes", "maximalist_terms", "freeze",
                           "economic_pressure", "burden_shift")
_NA = "new_administration"  # the default world with talks
# Many runs reach a ceasefire early here, so what acts on a ceasefire shows (not how often one
# is reached).
_DEALS = (("russia_cost_km2_day", 60.0),)
# Zelensky's offensive gates opened (from 2024-12-01 he attacks in every fighting season)
_UO = (("zelensky_offensive_support", 0.0), ("zelensky_offensive_force_ratio", 4.0))
_SPECS: list[ParamSpec] = [
    # --- combat -------------------------------------------------------------------------------
    _p("advance_speed_scale", 1.29, 0.0, 3.0, "x",
       "Multiplier on every sector's autumn-2024 advance pace. The day-0 forces are estimated "
       "to reproduce the pace before the start, so this shapes how the pace changes more "
       "than its level at the start (docs/MODEL.md section 3.1).",
       "calibration: posterior median of the ABC fit to January-November 2024 monthly gains "
       "and casualty figures (sim/data/posterior_front.csv)", "combat",
       label="Speed of Russian advances, times the autumn-2024 pace",
       prior=Prior("posterior", reason=_FITTED),
       expects=_E("russia_casualties", +1)),
    _p("reference_force_ratio", 1.5, 1.05, 4.0, "ratio",
       "Effective Russian/Ukrainian force ratio at which a sector advances at its 2024 pace.",
       "assumption; day-0 forces are set so every sector starts at this ratio", "combat",
       label="Force ratio at which Russia advances at its 2024 pace",
       prior=Prior("triangular", 1.2, 2.0, 1.5,
                   "attackers' rule of thumb 1.5-3 locally; front-wide less"),
       expects=_E("russia_casualties", -1)),
    _p("force_ratio_exponent", 1.5, 0.5, 4.0, "-",
       "How steeply the advance speed rises with the force ratio.",
       "assumption (square-law flavour)", "combat",
       label="How much more ground a stronger force takes",
       prior=Prior("uniform", 1.0, 2.5, reason="between linear and square law"),
       expects=_E("russia_casualties", +1)),
    _p("counterattack_factor", 0.3, 0.0, 1.0, "-",
       "Speed of Ukrainian counter-attacks relative to Russian advances when the ratio falls below 1.",
       "assumption; 2023 counter-offensive gains were small relative to 2024 Russian pace", "combat",
       label="Strength of Ukrainian counter-attacks",
       expects=_E("area_change_km2", -1,
                  setting=(("putin_offensive_intensity", 0.3),))),
    _p("advance_noise_sd", 0.6, 0.0, 1.5, "log-units",
       "Day-to-day randomness of each sector's advance (standard deviation of a log factor).",
       "calibration: day-to-day spread of territory_daily_deepstate_2022_2024.csv in 2024", "combat",
       label="Day-to-day luck on the battlefield",
       prior=Prior("triangular", 0.4, 1.2, 0.8,
                   "month-to-month log changes of 2024's gains, sd about 0.9"),
       expects=_E("spread:area_change_km2", +1)),
    _p("advance_noise_persistence", 0.97, 0.0, 0.995, "per day",
       "Day-to-day persistence of each sector's fortunes (AR(1) coefficient of the advance noise): "
       "good and bad spells last weeks.", "assumption; multi-week swings in 2024 DeepStateMap gains",
       "combat",
       label="How long good and bad spells at the front last",
       expects=_E("spread:area_change_km2", +1)),
    _p("advance_noise_common_share", 0.5, 0.0, 0.95, "share",
       "Share of the advance noise's variance common to all sectors (the front-wide tempo of the "
       "offensive) rather than each sector's own.",
       "assumption; 2024's monthly gains swung by factors of two to three front-wide "
       "(territory_monthly_2022_2024.csv)", "combat",
       label="Share of battlefield luck shared by the whole front",
       prior=Prior("uniform", 0.5, 0.95,
                   reason="2024's monthly gains swung front-wide, by a "
                   "factor of about two from one month to the next"),
       expects=_E("spread:area_change_km2", +1, levels=(0.0, 0.9))),
    _p("winter_speed_factor", 0.8, 0.3, 1.2, "x",
       "Ground-operations speed from December to February relative to summer.",
       "assumption (cold, short days); DeepStateMap winter 2023-24 gains were low", "combat",
       label="Fighting speed in winter, times the summer speed",
       prior=Prior("uniform", 0.5, 1.0, reason="assumption; winter 2023-24 and "
                   "2024-25 paces differ by a factor of ten"),
       expects=_E("area_change_km2", +1)),
    _p("mud_speed_factor", 0.6, 0.2, 1.0, "x",
       "Ground-operations speed in the spring and autumn mud seasons (rasputitsa).",
       "assumption", "combat",
       label="Fighting speed in the mud seasons, times the summer speed",
       prior=Prior("uniform", 0.4, 0.9, reason="assumption; autumn-2024 mud did not "
                   "stop the advance"),
       expects=_E("area_change_km2", +1)),
    _p("fortification_bonus", 1.0, 0.0, 3.0, "-",
       "Defensive multiplier of a fully fortified sector (effective defender force x (1 + bonus)). "
       "The start's pace is matched whatever its value (a larger bonus means a stronger attacker "
       "on day 0), so it acts through the works built and overrun during the run: the more they "
       "count, the less ground Russia takes where the front stands still long enough to dig.",
       "assumption", "combat",
       label="Defensive strength of fully built fortifications",
       prior=Prior("triangular", 0.5, 1.5, 1.0, "assumption, +-50%"),
       expects=_E("area_change_km2", -1)),
    _p("fortification_build_per_day", 0.003, 0.0, 0.03, "1/day",
       "Rate at which defences approach full fortification where the front is static. The works "
       "on the start date were dug at history's rate (this default); a run's own rate builds "
       "from day 0.",
       "assumption", "combat",
       label="Speed of building fortifications",
       expects=_E("area_change_km2", -1)),
    _p("ukraine_offensive_axis_km", 300.0, 5.0, 300.0, "km",
       "Width of the axis a Ukrainian offensive pushes: all the troops drawn in and the axis's "
       "share of the sector's own attack the axis's share of Russia's defence there, and what "
       "they retake is that share of the sector's front (300, the widest sector: the whole "
       "sector, as before).",
       "assumption; the 2023 counter-offensive's Robotyne salient was about 15-20 km wide at "
       "its base, Kharkiv (Sep 2022) broke through on about 50 km",
       "combat",
       label="Width of a Ukrainian offensive's axis, km",
       expects=_E("area_change_km2", +1, setting=_UO, levels=(20.0, 300.0))),
    _p("ukraine_offensive_pace_km_day", 0.25, 0.0, 5.0, "km/day",
       "Depth a Ukrainian offensive retakes per day at the reference force ratio in its favour "
       "(its attacking strength over Russia's defence, field works included), in summer.",
       "assumption, between the 2022 and 2023 offensives: Kursk (Aug 2024) 10-30 km in a week "
       "and Kharkiv (6-12 Sep 2022) 50-70 km against thin, unfortified lines (the model's cap, "
       "3x this, is slower: a war of position); the 2023 counter-offensive about 15-20 km in "
       "five months at Robotyne (0.1 km/day) against the Surovikin line, which the fortification "
       "and Russia's reserves (strain) give. From 2023-05-01 (40 runs) the sector attacked "
       "loses about 250 km2 to Ukraine by November, and with Putin's answer "
       "(putin_defence_share) the front's net change is -700 km2 against the data's -785 "
       "(DeepStateMap, May-October 2023); without his answer 1.0 retook about 1,300 km2 in the "
       "sector attacked, 0.5 about 850, 0.25 about 500-650",
       "combat",
       label="Speed of Ukrainian offensives, km a day",
       # within the first summer: later a sector's retaken ground reaches the model's cap
       # (sim.sectors.MAX_COUNTER_DEPTH_KM) at any pace
       expects=_E("area_change_180d_km2", -1, setting=_UO)),
    _p("ukraine_offensive_loss_factor", 2.0, 1.0, 6.0, "x",
       "Ukrainian loss rate in a sector where Ukraine attacks, times its loss rate in defence "
       "(an attacker's exposure in the open).",
       "assumption: the 2023 counter-offensive's small gains came at a high cost (Western and "
       "Ukrainian estimates of attacking losses several times the defenders' in the first weeks, "
       "June 2023); 2 to 3 is the attacker's usual penalty", "combat",
       label="Cost of attacking to Ukraine, times its losses in defence",
       expects=_E("ukraine_casualties", +1, setting=_UO)),
    _p("russia_front_force_k", 580.0, 200.0, 1200.0, "thousand troops",
       "Russian troops committed to the front at day 0. The day-0 force ratio and casualty "
       "rates are matched to the data whatever its value, so both armies scale with it; the "
       "daily recruits and losses are then a smaller share of each, and the force ratio drifts "
       "less from its day-0 value over the run (upward in status_quo, where Russia's "
       "contracts outpace its losses).",
       "assumption; Ukrainian commander-in-chief estimate of about 580,000 (Nov 2024 reports)",
       "combat",
       label="Russian troops at the front in December 2024",
       prior=Prior("triangular", 450.0, 700.0, 580.0,
                   "2024 estimates of the troops in Ukraine ran 450,000-700,000"),
       expects=_E("force_ratio_final", -1)),
    _p("russia_kursk_garrison_k", 3.0, 0.5, 60.0, "thousand troops",
       "Russian troops holding the Kursk border on day 0 of a start before Ukraine's incursion "
       "(2024-08-06), behind no field works: a screen, not a front.",
       "assumption: the border was held by FSB border troops, conscripts and Akhmat units, with "
       "reserves rushed in after the crossing (Russian MoD via The Moscow Times, 6 Aug 2024; "
       "Massicot in the Financial Times, Aug 2024); Russia later massed about 50,000 there, "
       "North Korean troops included (Nov 2024 reports)",
       "combat",
       label="Russian troops on the Kursk border before an incursion, thousands",
       expects=_E("ukraine_casualties", -1, start_date="2024-06-01", levels=(3.0, 40.0))),
    _p("putin_kursk_reserve_share", 0.8, 0.0, 1.0, "share",
       "Share of Russia's daily recruits (contracts and call-ups) Putin sends to retake Russian "
       "soil while Ukraine holds ground there.",
       "assumption: Russia massed about 50,000 troops in Kursk within three months of the "
       "August 2024 incursion, North Korean troops included (Nov 2024 reports), the first of "
       "them units moved from other fronts within days, which the model counts as recruits "
       "withheld from the rest of the front: 0.8 of 1,100-1,400 a day masses 50,000 in about two "
       "months (0.4, the recruits alone over three months, left the salient at 1,170 km2 on "
       "2024-11-30 from a 2024-01-01 start, against about 800; 0.8 gives about 940)",
       "putin",
       label="Share of Russia's reinforcements sent to retake Kursk",
       expects=_E("kursk_held_km2_final", -1, start_date="2024-06-01", levels=(0.1, 0.7))),
    _p("putin_kursk_superiority", 1.5, 0.0, 5.0, "ratio",
       "Russian troops over Ukrainian in the Kursk salient up to which Putin sends reserves "
       "there while Ukraine holds Russian soil.",
       "assumption: by November 2024 Russia had massed about 50,000 troops there (North Korean "
       "troops included) against a Ukrainian force estimated at a few tens of thousands; on "
       "2024-12-01 the model's day-0 forces there are 51,000 Russian and 29,000 Ukrainian "
       "(medians; 1.5-2.7 times, 5-95 %)",
       "putin",
       label="Superiority Russia seeks in Kursk before it stops sending reserves, times",
       expects=_E("kursk_held_km2_final", -1, start_date="2024-06-01", levels=(0.5, 3.0))),
    _p("kursk_salient_supply_loss", 0.9, 0.0, 0.95, "share",
       "How much of Ukraine's supply into the Kursk salient is lost as the salient shrinks from "
       "its peak: its supply there is times 1 - this x (1 - held / peak). The flanks close on "
       "the one road in and Russian drones come to reach it, so a salient being retaken is lost "
       "ever faster. 0: supply there as at home, whatever the salient's size.",
       "assumption, fitted by eye to the retaking of the salient (sim/data/kursk_salient.csv): "
       "from about 800 km2 on 2024-11-30 to Sudzha's fall on 13 March 2025 and about 100 km2 a "
       "week later, after Russian FPV drones, fibre-optic ones among them, had made the "
       "Sumy-Sudzha road a killing zone (Ukrainian and Russian reports, Feb-Mar 2025); 0.9 puts "
       "those dates inside the model's 90 % band from 2024-12-01 (0: 5-95 % of 328-724 km2 "
       "still held on 16 March, 400 runs)",
       "combat",
       label="Supply lost into the Kursk salient as it shrinks, share",
       expects=_E("kursk_held_km2_mean", -1, levels=(0.0, 0.9))),
    _p("russia_casualties_per_day_2024", 1106.0, 300.0, 4000.0, "persons/day",
       "Russian casualties per day at day-0 forces on a front with no recent advance (fighting "
       "where the front moves adds attrition_strain_weight); sets the attrition coefficient.",
       "calibration: posterior median (sim/data/posterior_front.csv) against facts 'Russian "
       "average daily casualties Sep / Oct / Nov 2024' (1271/1354/1523) and 'Russian casualties "
       "per km2 gained' (about 102)", "combat",
       label="Russian casualties per day in late 2024",
       prior=Prior("posterior", reason=_FITTED),
       expects=_E("russia_casualties", +1)),
    _p("ukraine_casualties_per_day_2024", 450.0, 100.0, 2000.0, "persons/day",
       "Ukrainian casualties per day at day-0 forces; sets the attrition coefficient.",
       "facts: 'Ukrainian losses (US officials)' 307,500 by Oct 2024, weighted to late 2024",
       "combat",
       label="Ukrainian casualties per day in late 2024",
       prior=Prior("triangular", 300.0, 650.0, 450.0,
                   "US officials' count and its uncertainty"),
       expects=_E("ukraine_casualties", +1)),
    _p("russia_recruits_per_day", 1100.0, 0.0, 4000.0, "persons/day",
       "Russian contracts signed per day at 2024's sign-up pay with 2024's pool of willing men "
       "(each reaches the front within weeks); pay, pool and call-ups move it (core.forces).",
       "forces: 'Russian military contracts signed in 2024' (about 450,000, over 1,000 a day, "
       "Medvedev; up to 407,200 from the budget's one-off payments)", "combat",
       label="Russian recruits reaching the front per day",
       prior=Prior("triangular", 700.0, 1500.0, 1100.0,
                   "2024 contract figures of 25,000-40,000 a month, an "
                   "unknown part to the rear"),
       expects=_E("area_change_km2", +1)),
    _p("ukraine_recruits_per_day", 427.0, 0.0, 4000.0, "persons/day",
       "Ukrainian replacements reaching the front per day at full mobilisation effort under the "
       "April 2024 law with the front moving as before the start (about half of the 25,000-30,000 "
       "mobilised a month: the rest go to training, new brigades and the rear, or go absent).",
       "calibration: posterior median (sim/data/posterior_front.csv, refitted with the forces "
       "raised by decisions); low, as the 2024 manpower shortage reports say", "combat",
       label="Ukrainian recruits reaching the front per day",
       prior=Prior("posterior", reason=_FITTED),
       expects=_E("area_change_km2", -1)),
    _p("wounded_return_share", 0.35, 0.0, 0.9, "share",
       "Share of casualties (wounded) who return to the front; the rest are lost to the force.",
       "assumption", "combat",
       label="Share of wounded who return to the front",
       prior=Prior("uniform", 0.25, 0.45, reason="assumption, +-0.1"),
       expects=_E("ukraine_casualties", +1)),
    _p("culmination_exhaustion", 2.40, 0.0, 5.0, "-",
       "How much a sector's strain (accumulated pushing above the sustainable pace) tires the "
       "attacker: speed divided by 1 + this x strain.",
       "calibration: posterior median of the ABC fit to January-November 2024 monthly gains "
       "(sim/data/posterior_front.csv)", "combat",
       label="How much fast advances tire the attacker",
       prior=Prior("posterior", reason=_FITTED),
       # Strain integrates the pace above the sustainable one, so a push comes back to the
       # sustainable pace whatever these two gains: they set how soon, and so how much strain (and
       # the assault losses it brings, attrition_strain_weight) the attacker piles up on the way;
       # the ground over two years barely moves (docs/VALIDATION.md, section 8).
       expects=_E("russia_casualties", -1)),
    _p("culmination_adaptation", 1.40, 0.0, 3.0, "-",
       "How much the defender brings reserves and field works to where the front moves: defence "
       "times 1 + this x strain.",
       "calibration: posterior median of the ABC fit to January-November 2024 monthly gains "
       "(sim/data/posterior_front.csv)", "combat",
       label="How fast the defender reinforces where the front moves",
       prior=Prior("posterior", reason=_FITTED),
       expects=_E("russia_casualties", -1)),
    _p("attrition_strain_weight", 3.16, 0.0, 5.0, "-",
       "How much more the attacker loses where the front has lately moved: the Russian loss rate "
       "times 1 + this x strain, so casualties follow the assaults.",
       "calibration: posterior median of the ABC fit to the facts' 2024 casualty figures "
       "(sim/data/posterior_front.csv)", "combat",
       label="Extra losses where the front has lately moved",
       prior=Prior("posterior", reason=_FITTED),
       expects=_E("russia_casualties", +1)),
    _p("start_pace_factor", 1.0, 0.2, 2.0, "x",
       "Day-0 pace relative to Russia's pace over the 91 days before the start date on which "
       "Ukraine was not attacking inside Ukraine (the day-0 force ratio is set to give it): how "
       "much of a quarter's pace reflects the force balance rather than luck and season.",
       "assumption; 1 takes the last quarter at face value (DeepStateMap daily series)", "combat",
       label="Pace at the start, times the pace of the three months before",
       prior=Prior("triangular", 0.4, 2.0, 1.0,
                   "a quarter's pace over the last one, 2023-2024: from about 0.4 to "
                   "2.8 (Q1-Q4 2024: 66, 184, 220, 542 km2/month)"),
       expects=_E("area_change_km2", +1)),
    _p("culmination_sustainable_pace", 1.04, 0.05, 1.5, "x autumn pace",
       "Share of a sector's autumn-2024 pace the attacker can keep up without tiring: faster "
       "pushes build strain, slower ones shed it.",
       "calibration: posterior median of the ABC fit to January-November 2024 monthly gains "
       "(sim/data/posterior_front.csv); 2024's mean was about 0.37 of the autumn pace", "combat",
       label="Pace the attacker can keep up without tiring, "
              "share of the autumn-2024 pace",
       prior=Prior("posterior", reason=_FITTED),
       expects=_E("area_change_km2", +1)),
    _p("culmination_memory_days", 60.0, 7.0, 365.0, "days",
       "Time scale of strain: pushing one autumn-2024 pace above the sustainable pace for this "
       "many days builds one unit; quiet sheds the sustainable share of one in as many days.",
       "assumption; 2024 offensives (Avdiivka, Kharkiv, Pokrovsk) ran for two to four months",
       "combat",
       label="Days of pushing that tire the attacker",
       prior=Prior("triangular", 30.0, 120.0, 60.0,
                   "offensive spells of one to four months in 2024"),
       expects=_E("area_change_km2", +1)),
    _p("momentum_carry", 0.5, 0.0, 2.0, "share",
       "Share of the shift in the force balance between the two quarters before the start that "
       "carries on after it (0: the front keeps the last quarter's balance; 1: it shifts as much "
       "again, fading over momentum_days).",
       "assumption; 2024's quarter-on-quarter paces rose 1.4-2.8 times while the next quarter "
       "realised from about none to all of that rise (territory_monthly_2022_2024.csv)", "combat",
       label="How much of the last half-year's shift at the front carries on",
       prior=Prior("triangular", 0.0, 1.5, 0.5,
                   "2024's quarters realised from none to all of the previous "
                   "quarter-on-quarter rise; more than all would be an accelerating trend"),
       expects=_E("area_change_km2", +1)),
    _p("momentum_days", 90.0, 7.0, 365.0, "days",
       "Time scale over which the carried shift in the force balance builds up and fades (a "
       "manpower gap being filled, reserves arriving, a new tactic countered): longer spreads "
       "the same shift over more time.",
       "assumption; Ukraine's 2024 mobilisation law (April) reached the front in three to four "
       "months", "combat",
       label="Days for that carried shift to fade",
       prior=Prior("triangular", 30.0, 180.0, 90.0,
                   "a manpower gap or a new tactic is answered in one to six months"),
       expects=_E("area_change_km2", -1)),
    _p("aid_delivery_days", 90.0, 1.0, 365.0, "days",
       "Time scale on which Ukraine's military supply follows a change in the aid that funds it "
       "(production, shipping, training and stocks in between).",
       "assumption; the April 2024 US package's first deliveries reached the front within weeks "
       "and its bulk over the following months (Kiel Ukraine Support Tracker: allocations are "
       "delivered over months)", "combat",
       label="Days for a change in aid to reach the front",
       prior=Prior("triangular", 30.0, 180.0, 90.0,
                   "deliveries of a package spread over one to six months"),
       expects=_E("area_change_km2", -1, setting=(("trump_aid_level", 0.0),))),
    _p("ukraine_domestic_supply_share", 0.45, 0.1, 0.9, "share",
       "Share of Ukraine's military supply produced at home (the rest comes with military aid).",
       "assumption", "combat",
       label="Share of Ukraine's weapons made at home",
       expects=_E("ukraine_economic_pressure_mean", -1, _BS)),
    _p("russia_supply_pressure_sensitivity", 0.4, 0.0, 1.0, "share",
       "Share of Russian supply lost when Russia's economic pressure index reaches 1.",
       "assumption", "combat",
       label="How much economic strain cuts Russian supplies",
       expects=_E("area_change_km2", -1, _EP,
                  (("world_oil_price_usd", 45.0),))),
    # --- forces raised (core.forces) ---------------------------------------------------------
    _p("russia_signup_pay", 1.0, 0.0, 3.0, "x 2024",
       "Moscow's sign-up pay for contract soldiers (federal and regional bonuses), relative to "
       "late 2024; the budget pays it, and economic pressure cuts what it can fund.",
       "lever; forces: 'Russian federal one-off sign-up payment' (400,000 RUB from Jul 2024, "
       "regional bonuses on top)", "combat",
       label="Russia's sign-up pay for soldiers, times late 2024",
       expects=_E("area_change_km2", +1)),
    _p("russia_signup_pay_elasticity", 1.0, 0.0, 3.0, "-",
       "How strongly contract sign-ups follow the pay: contracts times pay^this.",
       "assumption; 2024's contracts held at about 1,000 a day while regional bonuses rose "
       "several-fold (forces table), so the response to pay is of order one", "combat",
       label="How much sign-ups follow the pay in Russia",
       prior=Prior("triangular", 0.3, 1.5, 1.0,
                   "contracts held while bonuses rose several-fold: "
                   "of order one, not far above"),
       expects=_E("area_change_km2", -1,
                  setting=(("russia_signup_pay", 0.5),))),
    _p("russia_signup_pay_pressure_cut", 1.0, 0.0, 3.0, "per index",
       "Share of the sign-up pay cut per unit of Russian economic pressure above its day-0 level "
       "(a deficit to close squeezes bonuses first).", "assumption", "combat",
       label="How much economic strain cuts Russia's sign-up pay",
       prior=Prior("triangular", 0.0, 2.0, 1.0,
                   "from no cut to halving the pay at half the "
                   "strain that counts as crisis"),
       expects=_E("area_change_km2", -1, _EP,
                  (("world_oil_price_usd", 45.0),))),
    _p("russia_signup_bonus_mn_rub", 1.5, 0.0, 5.0, "mn RUB",
       "Sign-up bonus per contract at 2024's pay (federal plus regional), what more or fewer "
       "contracts at a higher or lower pay add to or save from Russian spending.",
       "forces: 'Russian federal one-off sign-up payment' (0.4 mn RUB) plus regional bonuses of "
       "0.4-2 mn RUB", "combat",
       label="Russian sign-up bonus per soldier in 2024",
       expects=_E("russia_economic_pressure_mean", +1,
                  setting=(("russia_signup_pay", 2.0),))),
    _p("russia_recruit_pool_k", 3000.0, 200.0, 20000.0, "thousand troops",
       "Men in Russia who would sign a contract at 2024's pay at day 0; sign-ups fall in "
       "proportion as the pool is drawn down.",
       "assumption; 2023-2024 contracts (about 450,000 a year, forces table) came with fast-"
       "rising regional bonuses, the sign of a pool being drawn down over years, not months",
       "combat",
       label="Russian men willing to sign up at 2024 pay",
       prior=Prior("triangular", 1000.0, 8000.0, 3000.0,
                   "two to fifteen years of 2024's sign-ups"),
       expects=_E("area_change_km2", +1)),
    _p("russia_call_up_2022_per_day", 7900.0, 1000.0, 20000.0, "persons/day",
       "Rate of Russia's 2022 partial mobilisation: reservists called up per day at full effort.",
       "forces: 'Russian partial mobilisation of reservists' (300,000 from 21 Sep to 28 Oct 2022)",
       "combat",
       label="Reservists Russia called up per day in 2022",
       # the call-up fills the gap contracts leave; readiness times 2022's rate only caps it, so
       # the rate matters where the cap binds (a reluctant Putin), readiness from none to full
       expects=_E("area_change_km2", +1,
                  setting=(("russia_signup_pay", 0.3),
                           ("putin_call_up", 0.02)))),
    _p("putin_call_up", 0.5, 0.0, 1.0, "share",
       "Putin's readiness to call up reservists when contracts no longer replace his losses: "
       "the share of 2022's call-up rate he will order to fill the gap (0: never).",
       "lever; the 2022 call-up followed the Kharkiv rout; none in 2023-2024 while contracts "
       "covered the losses", "combat",
       label="Putin's readiness to call up reservists",
       expects=_E("area_change_km2", +1, setting=(("russia_signup_pay", 0.3),),
                  levels=(0.0, 1.0))),
    _p("russia_call_up_stability_floor", 0.5, 0.0, 0.95, "index",
       "Regime stability below which Moscow cannot enforce a call-up (room for it grows "
       "linearly above).",
       "assumption; the 2022 call-up brought protests and several hundred thousand departures",
       "combat",
       label="Stability Moscow needs to enforce a call-up",
       expects=_E("area_change_km2", -1,
                  setting=(("russia_signup_pay", 0.3),
                           ("putin_call_up", 1.0)))),
    _p("russia_call_up_stability_cost", 0.002, 0.0, 0.02, "per thousand",
       "Regime stability lost per thousand reservists called up in a day.", "assumption",
       "combat",
       label="Stability a call-up costs Moscow",
       expects=_E("area_change_km2", -1,
                  setting=(("russia_signup_pay", 0.3),
                           ("putin_call_up", 1.0)))),
    _p("ukraine_mobilisation_law", 1.0, 0.3, 3.0, "x 2024",
       "Reach and enforcement of Ukraine's mobilisation relative to the April 2024 law "
       "(age 25, registration rules); above 1 is a lower age or stricter enforcement. Runs "
       "through December 2023 take history's lower reach (sim/data/inputs_2023.csv).",
       "lever; forces: 'Ukrainian mobilisation age lowered from 27 to 25' and 'Ukrainian "
       "mobilisation law'", "combat",
       label="Ukraine's mobilisation, times the April-2024 law",
       expects=_E("area_change_km2", -1)),
    _p("ukraine_threat_mobilisation_elasticity", 0.5, 0.0, 2.0, "-",
       "How strongly Ukraine's mobilisation follows the threat at the front (the pace it has lost "
       "ground at over the last quarter or so, over that of the quarter before the start or "
       "2024's mean if higher): mobilisation times threat^this.",
       "assumption; the April 2024 laws followed the fall of Avdiivka (Feb 2024)", "combat",
       label="How much Ukraine mobilises when the front moves fast",
       prior=Prior("triangular", 0.0, 1.0, 0.5,
                   "from no response to one in proportion"),
       expects=_E("area_change_km2", -1)),
    _p("ukraine_shortage_mobilisation_elasticity", 0.5, 0.0, 2.0, "-",
       "How strongly Ukraine's mobilisation follows its manpower shortage (the troops at the "
       "front on the start date over those now, when fewer): mobilisation times shortage^this.",
       "assumption; the April 2024 laws came as brigades at the front were reported at a third "
       "to a half of their strength after the 2023 offensive and Avdiivka (Ukrainian commanders "
       "in Western reporting, winter 2023-24)", "combat",
       label="How much Ukraine mobilises when its army at the front shrinks",
       # in status_quo about one run in seven ends with Ukraine's troops at half the start's;
       # with its recruits at the posterior's low end its army shrinks in most runs
       expects=_E("force_ratio_final", -1, setting=(("ukraine_recruits_per_day", 300.0),),
                  levels=(0.0, 2.0))),
    _p("ukraine_mobilisation_support_cost", 0.0005, 0.0, 0.005, "per day",
       "Support in Ukraine lost per day per unit of mobilisation effort above full 2024 effort.",
       "assumption; raids and summonses in public places were unpopular in 2024 (forces table: "
       "AWOL cases tripled)", "combat",
       label="Support in Ukraine a stricter mobilisation costs",
       expects=_E("ukraine_support_final", -1,
                  setting=(("ukraine_mobilisation_law", 2.0),))),
    _p("ukraine_training_days", 60.0, 7.0, 180.0, "days",
       "Time from call-up to the front (training pipeline, an exponential lag): a change in "
       "mobilisation reaches the front over this many days.",
       "forces: 'Ukrainian basic military training length' (about one to two months)", "combat",
       label="Days from call-up to the front in Ukraine",
       prior=Prior("triangular", 30.0, 120.0, 60.0,
                   "basic training of one to two months, and the way to a unit"),
       expects=_E("area_change_km2", +1,
                  setting=(("ukraine_mobilisation_law", 2.0),))),
    # --- strikes ------------------------------------------------------------------------------
    _p("grid_initial_gw", 15.0, 5.0, 30.0, "GW",
       "Ukraine's available generating capacity at day 0.",
       "facts: 'Ukraine available generating capacity vs pre-war' (under 20 GW, Jun 2024), "
       "lowered for the Nov 2024 strikes", "strikes",
       # strikes and the power grid
       label="Ukraine's power plants working in December 2024",
       expects=_E("grid_gw_mean", +1)),
    _p("grid_max_gw", 24.0, 15.0, 55.0, "GW",
       "Capacity Ukraine can restore to within the horizon.", "assumption", "strikes",
       label="Power capacity Ukraine can rebuild to",
       prior=Prior("triangular", 20.0, 28.0, 24.0,
                   "assumption, +-4 GW: how much capacity repairs, imports and new plant "
                   "restore depends on equipment nobody can count in advance"),
       expects=_E("grid_gw_mean", +1)),
    _p("grid_peak_demand_gw", 18.0, 8.0, 30.0, "GW",
       "Winter peak electricity demand; outages are the shortfall of capacity against demand.",
       "assumption; late-2024 Ukrenergo peak loads", "strikes",
       label="Ukraine's winter peak demand for electricity",
       expects=_E("outage_share_mean", +1)),
    _p("grid_repair_per_day", 0.01, 0.0, 0.1, "1/day",
       "Share of the gap to grid_max_gw repaired per day.",
       "assumption; summer 2024 partial recovery", "strikes",
       label="Speed of repairing the power grid",
       prior=Prior("triangular", 0.005, 0.02, 0.01,
                   "summer-2024 recovery of a few GW over months"),
       expects=_E("grid_gw_mean", +1)),
    _p("strike_wave_prob_winter", 0.12, 0.0, 0.5, "1/day",
       "Chance per day of a Russian mass strike on the grid from November to March.",
       "assumption; roughly weekly mass strikes in winter 2024-25", "strikes",
       label="Chance of a Russian mass strike on a winter day",
       expects=_E("grid_gw_mean", -1)),
    _p("strike_wave_prob_summer", 0.04, 0.0, 0.5, "1/day",
       "Chance per day of a Russian mass strike on the grid from April to October.",
       "assumption", "strikes",
       label="Chance of a Russian mass strike on a summer day",
       expects=_E("grid_gw_mean", -1)),
    _p("strike_wave_damage_gw", 1.2, 0.0, 4.0, "GW",
       "Generating capacity one mass strike destroys at 2024's air defence (net of interception).",
       "facts: 'Ukraine generating capacity destroyed by strikes' 9.2 GW in Mar-May 2024 "
       "(about 8 mass strikes)", "strikes",
       label="Power capacity one mass strike destroys",
       prior=Prior("triangular", 0.8, 1.6, 1.2,
                   "9.2 GW over 6-10 mass strikes in Mar-May 2024"),
       expects=_E("grid_gw_mean", -1)),
    _p("air_defence_interception", 0.45, 0.0, 0.95, "share",
       "Share of strike damage air defence prevents at 2024 levels of military aid (it scales "
       "with the square root of military supply). The damage figures are net of history's 2024 "
       "defence (this default, or the run's draw), so a run's stronger air defence lets less "
       "through from day 0.",
       "assumption", "strikes",
       label="Share of strike damage Ukraine's air defence stops",
       prior=Prior("uniform", 0.3, 0.6, reason="assumption, +-0.15"),
       expects=_E("outage_share_mean", -1)),
    _p("deep_strike_refinery_damage", 0.004, 0.0, 0.03, "1/day",
       "Russian refining capacity knocked out per day by Ukrainian deep strikes at full intensity.",
       "assumption; 2024 refinery strike campaign", "strikes",
       label="Damage Ukraine's long-range drones do to Russian refineries",
       expects=_E("russia_economic_pressure_mean", +1)),
    _p("refinery_repair_per_day", 0.02, 0.0, 0.2, "1/day",
       "Share of refinery damage repaired per day.", "assumption", "strikes",
       label="Speed of repairing Russian refineries",
       expects=_E("russia_economic_pressure_mean", -1)),
    _p("energy_moratorium_in_talks", 1.0, 0.0, 1.0, "switch",
       "Whether Washington puts a partial deal pausing strikes on energy (both sides) on the "
       "table while talks are open; each side accepts or refuses it, and Moscow may break it.",
       "design: a partial deal discussed in 2025", "strikes", "bool",
       label="Talks can pause strikes on energy",
       expects=_E("grid_gw_mean", +1, _PP)),
    _p("russia_energy_truce_value_km2", 1000.0, 0.0, 10000.0, "km2-eq",
       "What an energy truce is worth to Moscow when Ukraine's strikes have 10 % of its "
       "refining out (the end of those strikes), in km2 of ground.", "assumption", "strikes",
       label="What a truce on energy strikes is worth to Moscow",
       expects=_E("grid_gw_mean", +1, _PP,
                  (("energy_moratorium_in_talks", 1.0),))),
    _p("russia_winter_strike_value_km2", 2000.0, 0.0, 10000.0, "km2-eq",
       "What its strikes on Ukraine's grid in the heating season are worth to Moscow, in km2 "
       "of ground: in that season it refuses or breaks an energy truce worth less.",
       "assumption", "strikes",
       label="What winter strikes on Ukraine's grid are worth to Moscow",
       expects=_E("grid_gw_mean", -1, _PP,
                  (("energy_moratorium_in_talks", 1.0),))),
    # --- economy ------------------------------------------------------------------------------
    _p("world_oil_price_usd", 80.0, 30.0, 130.0, "USD/bbl",
       "Long-run mean world (Brent) crude price; Russia sells at this minus the Urals discount.",
       "assumption: 2024 Brent average about 80 (facts: 'Urals crude average price' 68 plus the "
       "discount)", "economy",
       label="World oil price (Brent)",
       expects=_E("russia_economic_pressure_mean", -1)),
    _p("urals_discount_usd", 12.0, 0.0, 40.0, "USD/bbl",
       "Discount of Russian Urals crude to the world price at day-0 sanctions enforcement.",
       "assumption: 2024 Brent about 80 vs facts: 'Urals crude average price' 68", "economy",
       label="Discount on Russian oil in December 2024",
       expects=_E("russia_economic_pressure_mean", +1)),
    _p("sanctions_discount_usd", 15.0, 0.0, 40.0, "USD/bbl",
       "Widening of the Urals discount when combined sanctions rise from day 0's level to "
       "their maximum (relief narrows it).",
       "assumption; the discount passed 30 USD after the price cap (early 2023)", "economy",
       label="Extra discount on Russian oil under the toughest sanctions",
       expects=_E("russia_economic_pressure_mean", +1)),
    _p("oil_price_volatility", 0.25, 0.0, 0.8, "1/sqrt(year)",
       "Volatility of the (mean-reverting) oil price path of each run.", "assumption", "economy",
       label="How much the oil price swings",
       prior=Prior("uniform", 0.15, 0.35, reason="Urals 2022-2024 annual range"),
       expects=_E("spread:russia_economic_pressure_mean", +1)),
    _p("oil_gas_revenue_trn_rub", 11.13, 4.0, 16.0, "trn RUB/year",
       "Russian oil and gas budget revenue at day-0 prices and sanctions.",
       "facts: 'Russia oil and gas budget revenue' 2024", "economy",
       label="Russia's oil and gas income in 2024",
       expects=_E("russia_economic_pressure_mean", -1)),
    _p("non_oil_revenue_trn_rub", 25.58, 15.0, 35.0, "trn RUB/year",
       "Russian federal budget revenue other than oil and gas.",
       "facts: 'Russia federal budget 2024 revenue / spending' 36.71 minus oil and gas 11.13",
       "economy",
       label="Russia's other state income in 2024",
       expects=_E("russia_economic_pressure_mean", -1)),
    _p("russia_spending_trn_rub", 40.19, 30.0, 55.0, "trn RUB/year",
       "Russian federal spending at day-0 fighting intensity.",
       "facts: 'Russia federal budget 2024 revenue / spending'", "economy",
       label="Russia's state spending in 2024",
       expects=_E("russia_economic_pressure_mean", +1)),
    _p("war_spending_share", 0.27, 0.1, 0.6, "share",
       "Share of federal spending that scales with fighting intensity.",
       "facts: 'Russia national defence budget line 2024 / 2025 plan' (10.8 of 40.19 trn RUB "
       "in 2024 = 27 %; 32 % is the 2025 plan)", "economy",
       label="Share of Russian spending that goes to the war",
       expects=_E("russia_economic_pressure_mean", +1,
                  setting=(("putin_offensive_intensity", 2.0),))),
    _p("nwf_initial_bn_usd", 53.8, 0.0, 150.0, "bn USD",
       "Liquid assets of Russia's National Wealth Fund at day 0.",
       "facts: 'Russia National Wealth Fund liquid assets' 2024-12-01", "economy",
       label="Russia's rainy-day fund in December 2024",
       # the fund spares home borrowing only until it runs out: where the deficit is large and
       # the fund carries much of it, a larger fund lasts longer
       expects=_E("russia_economic_pressure_mean", -1,
                  setting=(("world_oil_price_usd", 45.0), ("nwf_deficit_share", 0.5)))),
    _p("nwf_deficit_share", 0.08, 0.0, 1.0, "share",
       "Share of the federal deficit financed by drawing on the National Wealth Fund (the rest "
       "is borrowed at home).",
       "facts: 'Russia National Wealth Fund liquid assets' 56.6 bn USD (2024-01-01) and 53.8 "
       "(2024-12-01), a 2.8 bn USD draw against the 2024 deficit of 40.19 - 36.71 trn RUB "
       "('Russia federal budget 2024 revenue / spending') at about 95 RUB/USD", "economy",
       label="Share of Russia's deficit paid from its rainy-day fund",
       expects=_E("russia_nwf_bn_usd_final", -1)),
    _p("russia_home_borrowing_capacity_trn_rub", 5.4, 2.0, 15.0, "trn RUB/year",
       "Deficit a year Russia can borrow at home (what the National Wealth Fund does not "
       "cover) before financing it counts as full strain on its economy (the key rate and "
       "inflation at their limits); 2024's home borrowing is 0.6 of it.",
       "assumption anchored on facts: 2024's deficit of 40.19 - 36.71 trn RUB ('Russia federal "
       "budget 2024 revenue / spending') less the fund's 8 % ('Russia National Wealth Fund "
       "liquid assets'), about 3.2 trn RUB borrowed at home, came with a record 21 % key rate "
       "('Russia central bank key rate' 2024-10-25) and about 9 % inflation ('Russia CPI "
       "inflation (running) late 2024'); taken as 0.6 of what the economy can bear, which "
       "also keeps day 0's pressure (0.45) where the stock-based index had it", "economy",
       label="Deficit Russia can borrow at home before it strains",
       expects=_E("russia_economic_pressure_mean", -1)),
    _p("rub_per_usd", 100.0, 60.0, 150.0, "RUB/USD",
       "Exchange rate used to convert the deficit into reserve draws.",
       "assumption (late-2024 level)", "economy",
       label="Roubles per US dollar",
       expects=_E("russia_nwf_bn_usd_final", +1)),
    _p("sanctions_pressure_weight", 0.25, 0.0, 0.5, "share",
       "Weight of sanctions intensity itself (finance, technology, imports) in Russia's economic "
       "pressure index; the budget deficit and its financing at home share the rest equally.",
       "assumption", "economy",
       label="Weight of sanctions in the strain on Russia's economy",
       expects=_E("russia_economic_pressure_mean", +1)),
    _p("refinery_revenue_share", 0.25, 0.0, 0.6, "share",
       "Share of oil and gas revenue lost if all refining capacity were knocked out.",
       "assumption", "economy",
       label="Oil income lost if every Russian refinery stopped",
       expects=_E("russia_economic_pressure_mean", +1)),
    _p("ukraine_external_need_bn_usd", 41.0, 10.0, 80.0, "bn USD/year",
       "External budget financing Ukraine needs for civilian spending.",
       "facts: 'Ukraine external budget financing received' 2024", "economy",
       label="Money Ukraine needs from abroad to run the state",
       expects=_E("ukraine_economic_pressure_mean", +1)),
    _p("russia_crisis_threshold", 0.8, 0.3, 1.0, "index",
       "Russian economic pressure above which a run counts as a Russian economic crisis.",
       "assumption (outcome class threshold)", "economy",
       label="Strain at which Russia's economy counts as in crisis",
       expects=_E("crisis", -1)),
    # --- politics -----------------------------------------------------------------------------
    _p("ukraine_support_initial", 0.6, 0.2, 0.95, "share",
       "Ukrainian domestic support for continuing the resistance at day 0.",
       "assumption, of the order of late-2024 opinion polls", "politics",
       label="Ukrainians' support for fighting on, December 2024",
       expects=_E("ukraine_support_final", +1)),
    _p("support_casualty_sensitivity", 0.0005, 0.0, 0.005, "per 1000 casualties",
       "Fall in Ukrainian support per thousand Ukrainian casualties.", "assumption", "politics",
       label="How much casualties wear down support in Ukraine",
       expects=_E("ukraine_support_final", -1)),
    _p("support_outage_sensitivity", 0.004, 0.0, 0.03, "1/day",
       "Fall in Ukrainian support per day at total power outage.", "assumption", "politics",
       label="How much blackouts wear down support in Ukraine",
       expects=_E("ukraine_support_final", -1)),
    _p("support_ground_sensitivity", 0.000005, 0.0, 0.0001, "per km2",
       "Fall in Ukrainian support per km2 of ground lost.", "assumption", "politics",
       label="How much lost ground wears down support in Ukraine",
       expects=_E("ukraine_support_final", -1)),
    _p("support_recovery_per_day", 0.002, 0.0, 0.02, "1/day",
       "Pull of Ukrainian support back toward its initial level.", "assumption", "politics",
       label="How fast support in Ukraine recovers",
       expects=_E("ukraine_support_final", +1)),
    _p("support_refusal_cost", 0.03, 0.0, 0.2, "share",
       "Fall in Ukrainian support when Kyiv is cast as the obstacle after refusing a package "
       "(scaled by Washington's blame on Ukraine).", "assumption (the maximalist-terms scenario)",
       "politics",
       label="Support lost when Kyiv is blamed for refusing terms",
       expects=_E("ukraine_support_final", -1, _MX)),
    _p("support_rally_unreasonable_demand", 0.03, 0.0, 0.2, "share",
       "Rally in Ukrainian support when Kyiv refuses a Russian package that lay far outside its "
       "acceptable range (scaled by how unreasonable it looked).", "assumption", "politics",
       label="Rally in Ukraine when Kyiv refuses unreasonable terms",
       expects=_E("ukraine_support_final", +1, _MX)),
    _p("support_concession_cost", 0.1, 0.0, 0.5, "share",
       "Fall in Ukrainian support on accepting a ceasefire line (freezing occupation).",
       "assumption", "politics",
       label="Support lost by accepting a ceasefire line",
       expects=_E("ukraine_support_final", -1, _PP)),
    _p("destabilisation_threshold", 0.3, 0.05, 0.6, "share",
       "Ukrainian support below which a run counts as Ukrainian destabilisation.",
       "assumption (outcome class threshold)", "politics",
       label="Support below which Ukraine counts as destabilised",
       expects=_E("destabilised", +1)),
    # --- United States ------------------------------------------------------------------------
    _p("us_aid_baseline_bn_usd", 19.0, 0.0, 80.0, "bn USD/year",
       "US aid flow (military and budget) under the outgoing administration. Military supply "
       "is measured against 2024's flows (the defaults), so a run with more aid than history is "
       "better supplied from day 0; the day-0 forces are estimated with history's aid.",
       "facts: 'All-donor aid allocations per year' 41.6 bn EUR (45 bn USD) times the US share "
       "of 'Cumulative aid allocations Europe vs US (all types)' (67.0 of 156.9)",
       "united_states",
       label="US aid to Ukraine a year, until Jan 2025",
       expects=_E("area_change_km2", -1)),
    _p("us_aid_gap_share", 1.0, 0.0, 1.0, "share",
       "Share of new US aid withheld from 2024-01-01 to 2024-04-23, while Congress passed no "
       "appropriation: 1 is history, 0 the counterfactual 2024 without the gap. It acts from "
       "the first day of runs that start before 2024-04-24; their day-0 forces are still "
       "estimated from the front as it was.",
       "facts: 'US gap in new Ukraine appropriations (previous funds exhausted; no new "
       "packages until the April act)' and 'US Ukraine Security Supplemental Appropriations "
       "(H.R. 8035 text; enacted in H.R. 815)'; a counterfactual lever", "united_states",
       label="Share of US aid withheld in the early-2024 gap",
       expects=_E("area_change_180d_km2", +1, start_date="2024-01-01", levels=(0.0, 1.0))),
    _p("us_military_share", 0.65, 0.0, 1.0, "share",
       "Military share of US aid.", "facts: 'Cumulative aid allocations Europe vs US "
       "(all types)' (US military 43.1 of 67.0)", "united_states",
       label="Military share of US aid",
       expects=_E("ukraine_economic_pressure_mean", +1)),
    _p("trump_aid_level", 0.7, 0.0, 1.5, "x baseline",
       "US aid after the inauguration (20 January 2025) as a share of 2024's flow "
       "(us_aid_baseline_bn_usd): at the full share 2024's aid goes on, at none it stops.",
       "assumption; scenario lever", "united_states",
       label="US aid after Jan 2025, share of the 2024 level",
       expects=_E("area_change_km2", -1)),
    _p("trump_pushes_talks", 1.0, 0.0, 1.0, "switch",
       "Whether the US presses both sides into talks after inauguration.",
       "design: Trump's stated aim of immediate talks", "united_states", "bool",
       label="Trump pushes both sides into talks",
       expects=_E("talks_open_days", +1, _PP)),
    _p("trump_push_delay_days", 30.0, 0.0, 365.0, "days",
       "Days after inauguration before US pressure opens talks.", "assumption", "united_states",
       label="Days after the inauguration before US pressure opens talks",
       expects=_E("talks_open_days", -1, _PP)),
    _p("trump_deadline_days", 60.0, 7.0, 365.0, "days",
       "Washington's patience: after this many days of open talks without a package its "
       "deadline doubles the chance that someone puts one on the table.", "assumption",
       "united_states",
       label="Washington's patience before it sets a deadline",
       expects=_E("ukraine_refusals", -1, _PP)),
    _p("trump_blame_susceptibility", 0.3, 0.0, 1.0, "share",
       "How far Washington blames whoever refuses a package regardless of how reasonable it "
       "looked (0: blame follows reasonableness only).",
       "assumption (the maximalist-terms scenario)", "united_states",
       label="How far Washington blames whoever refuses terms",
       expects=_E("us_blame_mean", -1, _MX)),
    _p("trump_aid_cut_on_blame", 0.4, 0.0, 1.0, "share",
       "Share of US aid withheld when Ukraine carries full blame.", "assumption",
       "united_states",
       label="US aid withheld when Ukraine is blamed",
       expects=_E("us_aid_total_bn_usd", -1, _MX)),
    _p("trump_sanctions_on_blame", 0.5, 0.0, 1.0, "index",
       "Extra US sanctions when Russia carries full blame.", "assumption", "united_states",
       label="Extra US sanctions when Russia is blamed",
       expects=_E("us_sanctions_mean", +1, _PP,
                  (("ceasefire_breakdown_per_day", 0.03),))),
    _p("trump_sanctions_level", 0.5, 0.0, 1.0, "index",
       "US sanctions intensity the new administration sets after inauguration (before blame).",
       "assumption; scenario lever", "united_states",
       label="US sanctions on Russia after Jan 2025",
       expects=_E("russia_economic_pressure_mean", +1)),
    _p("trump_relief_offer", 0.5, 0.0, 1.0, "share",
       "Share of US sanctions Washington would lift for a deal (less as it blames Moscow): what "
       "it puts into the packages it brokers and the most it consents to in anyone's.",
       "assumption; scenario lever", "united_states",
       label="Sanctions relief Washington offers Moscow in a deal",
       # relief is worth most to Moscow where sanctions bite
       expects=_E("talks_open_days", -1, _NA, (("trump_sanctions_level", 1.0),),
                  levels=(0.0, 1.0))),
    _p("trump_limits_offer", 0.3, 0.0, 1.0, "index",
       "Limits on Ukraine's forces and alignment Washington puts into its packages.",
       "assumption; scenario lever", "united_states",
       label="Limits on Ukraine's army Washington puts in a deal",
       expects=_E("us_blame_mean", -1, _NA)),
    _p("us_backstop_strength", 0.1, 0.0, 1.0, "share",
       "US backstop added to Europe's guarantees in any package with guarantees.",
       "assumption; scenario lever", "united_states",
       label="US backing for Europe's guarantees in a deal",
       expects=_E("ceasefire_breakdowns", -1, _NA)),
    _p("us_sanctions_initial", 0.5, 0.0, 1.0, "index",
       "US sanctions intensity at day 0 (0 none, 1 maximal). Changes in the Urals discount "
       "are measured from history's level on the start date (this default, or 2023's), so a "
       "run's stronger sanctions widen the discount from day 0.", "assumption", "united_states",
       label="US sanctions on Russia in December 2024",
       expects=_E("russia_economic_pressure_mean", +1)),
    _p("deterrence_credibility", 0.3, 0.0, 1.0, "share",
       "Credibility of US warnings against escalation, as Moscow sees it.",
       "assumption; scenario lever", "united_states",
       label="How seriously Moscow takes US warnings",
       expects=_E("grid_gw_mean", +1)),
    _p("deterrence_strike_reduction", 0.7, 0.0, 1.0, "share",
       "Share of Russian grid strikes and ceasefire breaches a fully credible warning prevents "
       "(0 switches the deterrence mechanism off).", "assumption", "united_states",
       label="Strikes and ceasefire breaches a credible US warning prevents",
       expects=_E("grid_gw_mean", +1)),
    # --- Europe -------------------------------------------------------------------------------
    _p("eu_aid_baseline_bn_usd", 26.0, 0.0, 150.0, "bn USD/year",
       "European aid flow (military and budget) from day 0. Military supply is measured "
       "against 2024's flows (the defaults), so a run with more aid than history is better "
       "supplied from day 0; the day-0 forces are estimated with history's aid.",
       "facts: 'All-donor aid allocations per year' 41.6 bn EUR (45 bn USD) times Europe's share "
       "of 'Cumulative aid allocations Europe vs US (all types)' (89.9 of 156.9)", "europe",
       label="European aid to Ukraine a year, from the start",
       expects=_E("area_change_km2", -1)),
    _p("eu_military_share", 0.45, 0.0, 1.0, "share",
       "Military share of European aid.", "facts: 'Cumulative aid allocations Europe vs US "
       "(all types)' (Europe military 42.0 of 89.9)", "europe",
       label="Military share of European aid",
       expects=_E("ukraine_economic_pressure_mean", +1)),
    _p("eu_compensation_share", 0.3, 0.0, 1.5, "share",
       "Share of a US aid cut that Europe makes up (burden sharing).",
       "assumption; scenario lever", "europe",
       label="Share of a US aid cut that Europe makes up",
       expects=_E("area_change_km2", -1, _BS)),
    _p("eu_sanctions_initial", 0.5, 0.0, 1.0, "index",
       "European sanctions intensity at day 0.", "facts: 'EU sanctions packages adopted' (14)",
       "europe",
       label="European sanctions on Russia in December 2024",
       expects=_E("russia_economic_pressure_mean", +1)),
    _p("eu_sanctions_step", 0.04, 0.0, 0.2, "index",
       "Added intensity of each new European sanctions package.", "assumption", "europe",
       label="Added bite of each new European sanctions package",
       expects=_E("russia_economic_pressure_mean", +1)),
    _p("eu_package_interval_days", 72.0, 30.0, 365.0, "days",
       "Days between European sanctions packages while war goes on.",
       "facts: 'EU sanctions packages adopted' (14 in 33 months: one every 72 days)", "europe",
       kind="int",
       label="Days between European sanctions packages",
       expects=_E("russia_economic_pressure_mean", -1)),
    _p("eu_guarantee_strength", 0.3, 0.0, 1.0, "share",
       "Strength of the security guarantees Europe can offer Ukraine with a ceasefire.",
       "assumption; scenario lever", "europe",
       label="Strength of Europe's security guarantees for Ukraine",
       expects=_E("ceasefire_breakdowns", -1, _NA)),
    _p("eu_relief_limit", 0.5, 0.0, 1.0, "share",
       "Share of EU sanctions the EU would lift for a deal carrying all the guarantees it can "
       "give (less with fewer: Europe trades relief for its security).", "assumption",
       "europe",
       label="Share of EU sanctions Europe would lift for a deal",
       expects=_E("reached_ceasefire", +1, _NA, levels=(0.0, 1.0))),
    _p("eu_relief_holdout_chance", 0.2, 0.0, 1.0, "probability",
       "Chance that a member state vetoes any EU sanctions relief in a package (the EU lifts "
       "sanctions by unanimity).", "assumption", "europe",
       label="Chance one EU member vetoes sanctions relief",
       expects=_E("consent_refusals", +1, _NA, _DEALS, levels=(0.0, 1.0))),
    # --- Putin --------------------------------------------------------------------------------
    _p("putin_strategy", 0.0, 0.0, 3.0, "",
       "Putin's negotiation strategy, a rule for what Moscow proposes: opportunist (the most he "
       "believes Kyiv accepts), freeze (grab ground while the marginal gain beats the cost, then "
       "offer the line), maximalist (a fixed demand of unoccupied land, however Kyiv sees it), "
       "serious (under economic strain, a package at his own reservation value).",
       "design: the scenarios after the November 2024 Trump-Putin call (freezing after "
       "grabbing ground, terms Kyiv cannot accept, negotiating under sanctions strain)",
       "putin", "choice", PUTIN_STRATEGIES,
       label="Putin's strategy in talks",
       expects=_E("reached_ceasefire", -1, _PP, levels=(0.0, 2.0))),
    _p("putin_offensive_intensity", 1.0, 0.2, 2.0, "x 2024",
       "Russian offensive effort relative to autumn 2024.", "assumption", "putin",
       label="Russian offensive effort, times the autumn-2024 level",
       expects=_E("ukraine_casualties", +1)),
    _p("putin_defence_share", 0.5, 0.0, 1.0, "share",
       "Share of Putin's offensive effort he holds back, front-wide, while Ukraine is on the "
       "offensive: the reserves sent to meet it.",
       "assumption: in summer 2023 Russia moved units to the south (the 7th Air Assault "
       "Division from the Dnipro to Zaporizhzhia) and started no major push between Bakhmut "
       "(May) and Avdiivka (October), after the counter-offensive stalled; against Kursk (Aug "
       "2024) it kept pushing at Pokrovsk and drew from elsewhere: half-way. From 2023-05-01 "
       "the front's net change by November is then -700 km2 (median of 40 runs; DeepStateMap, "
       "May-October 2023: -785); none gives +1,350, a quarter -150", "putin",
       label="Share of Russia's attacks held back to meet a Ukrainian offensive",
       expects=_E("area_change_km2", -1, setting=_UO)),
    _p("putin_grab_surge", 1.5, 1.0, 3.0, "x",

       "Extra offensive effort on the main axes while a freezing Putin grabs ground "
       "(until he offers the line).", "assumption", "putin",
       label="Extra Russian push to grab ground before a freeze",
       # a stronger grab also brings the freeze sooner, so the ground it takes by day 180 is not
       # monotone; the cost in Russian lives is, where Moscow alone decides when to stop (no US
       expects=_E("russia_casualties", +1, _FR, (("trump_pushes_talks", 0.0),),
                  levels=(1.0, 3.0))),
    _p("putin_maximalist_demand_km2", 25000.0, 0.0, 80000.0, "km2",
       "Unoccupied Ukrainian land the maximalist strategy demands, and below which it accepts "
       "no deal until economic strain wears the aim down.",
       "Putin's demand of 14 June 2024 (speech at the Russian Foreign Ministry, "
       "http://kremlin.ru/events/president/news/74285): Ukraine's withdrawal from all of "
       "Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts. The unoccupied rest of the four, "
       "about 25,000-30,000 km2 in mid-2024 (oblast areas 26,517, 26,684, 27,180 and 28,461 "
       "km2, State Statistics Service of Ukraine, less the parts then held by Russia on the "
       "DeepState map); approximate", "putin",
       label="Unoccupied land Moscow demands (maximalist strategy)",
       expects=_E("reached_ceasefire", -1, _MX, levels=(1.0, 25000.0))),
    _p("putin_serious_pressure", 0.5, 0.1, 1.0, "index",
       "Russian economic pressure above which a serious Putin seeks talks and offers his "
       "reservation value, and at which a maximalist's aim is worn away.", "assumption", "putin",
       label="Economic strain at which Putin negotiates seriously",
       expects=_E("talks_open_days", -1, _EP, (("trump_pushes_talks", 0.0),))),
    _p("russia_prior_pace_km2_day", 35.0, 0.0, 150.0, "km2/day",
       "Moscow's prior belief about the pace of its advance.", "assumption (optimism)", "putin",
       label="Moscow's belief about how fast it advances",
       expects=_E("ukraine_refusals", +1, _PP)),
    _p("russia_pace_learning_weight", 0.02, 0.001, 0.5, "1/day",
       "Weight of one day's front movement in Moscow's belief about the pace.",
       "assumption; slow learning keeps beliefs apart for weeks", "putin",
       label="How fast Moscow learns from the front",
       expects=_E("ukraine_refusals", -1, _FR)),
    _p("russia_cost_km2_day", 15.0, 0.0, 200.0, "km2/day",
       "Moscow's cost of a day of war at economic pressure 1, in km2-per-day equivalents.",
       "assumption", "putin",
       label="What a day of war costs Russia, in ground it would trade",
       expects=_E("ukraine_refusals", -1, _PP)),
    _p("russia_casualty_cost_weight", 0.3, 0.0, 2.0, "-",
       "Weight of casualties (relative to the 2024 daily rate) beside economic pressure in "
       "Moscow's daily cost of war.", "assumption", "putin",
       label="How much Moscow minds its casualties",
       expects=_E("ukraine_refusals", -1, _PP)),
    _p("russia_relief_value_km2", 4000.0, 0.0, 20000.0, "km2-eq",
       "What full sanctions relief in a deal is worth to Moscow, in km2 of ground.",
       "assumption", "putin",
       label="What sanctions relief is worth to Moscow, in ground",
       expects=_E("talks_open_days", -1, _PP)),
    _p("russia_limits_value_km2", 4000.0, 0.0, 20000.0, "km2-eq",
       "What full limits on Ukraine's forces and alignment are worth to Moscow.",
       "assumption; neutrality and force caps in the 2022 Istanbul drafts", "putin",
       label="What limits on Ukraine's army are worth to Moscow, in ground",
       expects=_E("talks_open_days", -1, _PP)),
    _p("russia_guarantee_cost_km2", 3000.0, 0.0, 20000.0, "km2-eq",
       "Moscow's cost of accepting full Western security guarantees for Ukraine.",
       "assumption", "putin",
       label="What Western guarantees for Ukraine cost Moscow, in ground",
       expects=_E("reached_ceasefire", -1, _NA)),
    _p("russia_sequencing_cost_km2", 1000.0, 0.0, 10000.0, "km2-eq",
       "Moscow's cost of a ceasefire before the terms are agreed.", "assumption", "putin",
       label="What a ceasefire before the terms costs Moscow, in ground",
       # Moscow refuses the ceasefire-first packages of Kyiv and Washington: talks drag on
       expects=_E("talks_open_days", +1, _NA, levels=(0.0, 10000.0))),
    _p("russia_soil_value_km2", 5.0, 0.0, 20.0, "km2-eq per km2",
       "What each km2 of Russian ground Ukraine holds (the Kursk salient) that a deal leaves in "
       "its hands costs Moscow: fighting on would retake it. A package handing it back is "
       "worth that much more to Moscow.",
       "assumption: Moscow would not freeze the war with Ukrainian troops on Russian soil. Putin "
       "answered the US proposal of a 30-day ceasefire (March 2025) by asking what would become "
       "of the Ukrainian troops in Kursk, and Russia massed about 50,000 troops to retake about "
       "1,300 km2 (Nov 2024 reports); 5 puts a salient of about 500 km2 (early 2025) at about "
       "2,500 km2-eq, a few months of the front's advance", "putin",
       label="What leaving Ukrainians on Russian soil costs Moscow, km2-eq per km2",
       # where Kyiv and Washington keep the salient out of their packages (it is worth more to
       # Kyiv than to Moscow), Moscow refuses them while the salient stands
       expects=_E("reached_ceasefire", -1, _NA, start_date="2024-10-01",
                  setting=(("ukraine_kursk_value_km2", 20.0), ("kursk_salient_supply_loss", 0.0),
                           ("trump_push_delay_days", 0.0)),
                  levels=(0.0, 20.0))),
    _p("planning_horizon_days", 365.0, 30.0, 1460.0, "days",
       "Horizon over which each side values fighting on.", "assumption", "putin",
       label="How far ahead each side plans",
       expects=_E("ceasefire_breakdowns", +1, _PP)),
    _p("resolve_spread", 0.3, 0.0, 1.0, "log-units",
       "Spread of each side's private cost or resolve around its public value; also the "
       "spread of each side's initial belief about the other's (Fearon 1995).",
       "design: private information", "putin",
       label="How much each side hides its true resolve",
       # where a deal both prefer exists at the typical types (Fearon's premise): a wider spread
       # of private types makes more runs' types fail to meet (in freeze nearly every run settles)
       expects=_E("reached_ceasefire", -1, _NA, (("russia_cost_km2_day", 40.0),))),
    # --- Zelensky -----------------------------------------------------------------------------
    _p("zelensky_deep_strike_intensity", 0.6, 0.0, 1.0, "share",
       "Intensity of Ukrainian deep strikes on refineries and logistics.", "assumption",
       "zelensky",
       label="Ukrainian long-range strikes on Russian oil",
       expects=_E("russia_economic_pressure_mean", +1)),
    # Ukraine's offensives (Zelensky's `ukraine_offensive`; the core's `combat.ukraine_advance_km`).
    # Their levers are checked from 2024-12-01 with the gates he would not pass there opened
    # (`_UO`): there Russia presses and Kyiv's support is low, so by default he stays on the defensive.
    _p("zelensky_offensive_force_ratio", 1.2, 0.0, 4.0, "ratio",
       "Russia's front-wide effective force ratio (its attacking strength over Ukraine's defence, "
       "the ratio that moves the front) below which Zelensky takes the offensive; 0: never.",
       "assumption: Ukraine attacked when Russia's own attacks were spent or thin - Kharkiv "
       "(Sep 2022) against a front stripped for Kherson, Kherson (Aug-Nov 2022), the June-Nov "
       "2023 counter-offensive after Bakhmut's cost, Kursk (Aug 2024) where Russia held the "
       "border thinly. Day-0 medians: 1.01-1.11 for starts in 2023 (a front that barely moved), "
       "1.36 (5-95 %: 1.14-1.87) on 2024-12-01, where the support gate keeps him on the "
       "defensive", "zelensky",
       label="Russian force ratio below which Ukraine attacks",
       expects=_E("area_change_km2", -1, setting=(("zelensky_offensive_support", 0.0),),
                  levels=(0.0, 4.0))),
    _p("zelensky_corridor_preference", 0.0, 0.0, 5.0, "x odds",
       "How much more Zelensky values an offensive where success would threaten the land "
       "corridor to Crimea (Zaporizhzhia, Velyka Novosilka) than one elsewhere: he attacks "
       "where his odds times (1 + this) there are best. 0: the best odds alone.",
       "assumption; the 2023 counter-offensive put its main effort on Tokmak and Melitopol "
       "from Orikhiv and its second on Berdiansk from Velyka Novosilka (June-August 2023 "
       "public reporting), not where Russia was thinnest",
       "zelensky",
       label="How much Zelensky prizes the corridor to Crimea",
       # 0 by default: at 1, 94 % of the attacking days from 2023-05-01 are in Zaporizhzhia,
       # as in 2023, but an attack there retakes a median 36 km2 in 120 days (51 in Siversk;
       # the 2023 offensive about 250-400 km2) with the whole-sector push of the default
       # ukraine_offensive_axis_km, and the backtests' errors grow 2-7 % (docs/VALIDATION.md,
       # section 9, with what a narrow axis does)
       expects=_E("area_change_km2", +1, setting=_UO)),
    _p("zelensky_offensive_supply", 0.9, 0.0, 2.0, "x 2024",
       "Ukraine's military supply (aid delivered and domestic output, 1 = 2024's baseline) "
       "Zelensky needs before he takes the offensive.",
       "assumption: the 2023 counter-offensive waited for the Western armour of spring 2023; no "
       "offensive was attempted in the gap in US aid (Jan-Apr 2024, supply about 0.7 here)",
       "zelensky",
       label="Supply Ukraine needs before it attacks, times the 2024 level",
       expects=_E("area_change_km2", +1, setting=_UO, levels=(0.5, 1.5))),
    _p("zelensky_offensive_support", 0.75, 0.0, 1.0, "share",
       "Domestic support Zelensky needs before he takes the offensive: a public that expects "
       "gains and will carry their cost.",
       "assumption: support for fighting on and belief in victory were at their highest in "
       "2022-23 when Kyiv attacked (KIIS: 84-87 % against any territorial concession in 2023 "
       "polls), lower by late 2024 (the start inputs: 0.85 in 2023, 0.6 at 2024-12-01)",
       "zelensky",
       label="Support for fighting on Ukraine needs before it attacks",
       expects=_E("area_change_km2", +1, setting=(("zelensky_offensive_force_ratio", 4.0),),
                  levels=(0.0, 0.9))),
    _p("zelensky_offensive_effort", 0.1, 0.0, 0.5, "share",
       "Share of Ukraine's forces in the other sectors Zelensky draws into an offensive, "
       "weakening the defence there.",
       "assumption: about a tenth; the 2023 counter-offensive committed some 12 new brigades "
       "(about 40,000-60,000 troops), Kursk (Aug 2024) about 10,000-15,000 at first",
       "zelensky",
       label="Share of Ukraine's forces drawn into an offensive",
       # over two years from 2024-12-01, with Putin's answer, Russia takes more through the
       # thinned sectors than Ukraine retakes where it attacks. Checked from the default up: an
       # offensive that keeps its sector shows it clearly there (0.1 -> 0.5: +680 km2, statistic
       # 6.7, 200 runs); below the default the effect is lost in the noise (0.02 -> 0.3: -52,
       # statistic -0.7; 0.05 -> 0.3: +114, 1.6)
       expects=_E("area_change_km2", +1, setting=_UO, levels=(0.1, 0.5))),
    _p("zelensky_incursion_threat_km2_day", 6.0, 0.0, 50.0, "km2/day",
       "Russia's recent pace (Kyiv's 91-day average of the ground it loses) from which Zelensky "
       "looks for a diversion across the border, when he cannot counter-attack at home.",
       "assumption, between the two springs: Russia took about 160 km2 a month in Jan-Mar 2023 "
       "(Bakhmut; Kyiv prepared its own counter-offensive) and about 200 a month in May-Jul "
       "2024 before the Kursk incursion of 6 Aug 2024 (DeepStateMap); Ukrainian officials gave "
       "drawing Russian forces from Donbas as an aim (Syrskyi, Zelensky, Aug 2024)",
       "zelensky",
       label="Pace of Russian advances that makes Kyiv strike into Russia, km² a day",
       expects=_E("kursk_held_km2_mean", -1, start_date="2024-06-01", levels=(6.0, 20.0))),
    _p("zelensky_offensive_rest_days", 180.0, 0.0, 730.0, "days",
       "Days Zelensky waits after an offensive ends before he opens another (or crosses into "
       "Russia): its assault brigades rebuilt, refilled and retrained.",
       "history of 2022-2024 (sim.sectors.UKRAINE_OFFENSIVES): the Kherson withdrawal (11 Nov "
       "2022) to the 2023 counter-offensive (4 Jun 2023), 205 days; the counter-offensive's end "
       "(about 30 Nov 2023) to Kursk (6 Aug 2024), about 250; the lower end, since the model's "
       "other gates (supply, support, the force balance, the season) also hold it back",
       "zelensky",
       label="Days Ukraine needs between offensives",
       expects=_E("area_change_km2", +1, setting=_UO, levels=(0.0, 365.0))),
    _p("ukraine_incursion_pace_km_day", 1.0, 0.0, 5.0, "km/day",
       "Depth an incursion into Russia takes per day at the reference force ratio in its favour, "
       "in summer (up to three times this against a screen): a war of movement where "
       "`ukraine_offensive_pace_km_day` is one of position.",
       "Ukrainian claims of about 1,000 km2 held by the end of the first week of the Kursk "
       "incursion (Syrskyi, 12 Aug 2024) and about 1,150 km2 by 18 Aug: some 25 km deep on a "
       "40 km front in a week, 3-4 km a day; at the cap (3 km a day) the model's 30 km deepest "
       "push (1,200 km2) takes about ten days",
       "combat",
       label="Speed of a Ukrainian incursion into Russia, km a day",
       expects=_E("kursk_held_km2_final", +1, start_date="2024-06-01", levels=(0.02, 1.0),
                  setting=(("putin_kursk_reserve_share", 0.0),))),
    _p("zelensky_incursion_odds", 3.0, 1.0, 20.0, "ratio",
       "Local superiority Zelensky wants before crossing: the troops he could mass on the border "
       "over Russia's defence there, field works included.",
       "assumption: the attacker's classic three to one; in August 2024 several brigades (about "
       "10,000-15,000 troops at first) crossed against FSB border troops, conscripts and "
       "Akhmat units (The Moscow Times, 6 Aug 2024; Massicot in the Financial Times, Aug 2024)",
       "zelensky",
       label="Superiority Kyiv wants before it strikes into Russia, times",
       expects=_E("ukraine_casualties", -1, start_date="2024-06-01", levels=(3.0, 18.0),
                  setting=(("russia_kursk_garrison_k", 8.0),))),
    _p("ukraine_prior_pace_km2_day", 12.0, 0.0, 150.0, "km2/day",
       "Kyiv's prior belief about the pace of the Russian advance.", "assumption", "zelensky",
       label="Kyiv's belief about how fast Russia advances",
       expects=_E("talks_open_days", -1, _PP)),
    _p("ukraine_pace_learning_weight", 0.01, 0.001, 0.5, "1/day",
       "Weight of one day's front movement in Kyiv's belief about the pace.",
       "assumption", "zelensky",
       label="How fast Kyiv learns from the front",
       expects=_E("talks_open_days", -1, _PP,
                  (("ukraine_prior_pace_km2_day", 2.0),))),
    _p("ukraine_red_line_km2", 0.0, 0.0, 80000.0, "km2",
       "Red line: unoccupied land Kyiv could cede at ordinary cost; beyond it each km2 carries "
       "a steep domestic cost.", "assumption; Kyiv's stated refusal to cede unoccupied land",
       "zelensky",
       label="Unoccupied land Kyiv could give up in a deal (its red line)",
       expects=_E("ukraine_refusals", -1, _PP)),
    _p("red_line_cost_per_km2", 4.0, 0.0, 20.0, "km2-eq/km2",
       "Extra domestic cost to Kyiv of each km2 ceded beyond its red line.", "assumption",
       "zelensky",
       label="Cost to Kyiv of each km² given up beyond its red line",
       expects=_E("us_blame_mean", +1, _PP)),
    _p("ukraine_frozen_line_cost_km2", 500.0, 0.0, 100000.0, "km2-eq",
       "Domestic cost to Kyiv of any ceasefire that leaves occupied land occupied.",
       "assumption; polls opposing territorial concessions", "zelensky",
       label="Cost to Kyiv of a ceasefire that leaves occupied land occupied",
       expects=_E("reached_ceasefire", -1, _PP)),
    _p("ukraine_limits_cost_km2", 5000.0, 0.0, 30000.0, "km2-eq",
       "Kyiv's cost of full limits on its forces and alignment (besides the renewal risk).",
       "assumption", "zelensky",
       label="Cost to Kyiv of limits on its army, in ground",
       expects=_E("talks_open_days", +1, _PP)),
    _p("ukraine_relief_cost_km2", 1000.0, 0.0, 20000.0, "km2-eq",
       "Kyiv's cost of full sanctions relief for Russia.", "assumption", "zelensky",
       label="Cost to Kyiv of sanctions relief for Russia, in ground",
       expects=_E("reached_ceasefire", -1, _PP)),
    _p("ukraine_kursk_value_km2", 1.0, 0.0, 20.0, "km2-eq per km2",
       "What handing back each km2 of the Russian ground it holds costs Kyiv: the leverage and "
       "the buffer before Sumy. Kyiv (and Washington, brokering) put the salient in a package "
       "only where this is below what it is worth to Moscow.",
       "assumption: Kyiv held the salient as a bargaining chip (an 'exchange fund', Zelensky, "
       "Aug 2024; a swap of territory offered in Feb 2025); 1 values a km2 of it like a km2 of "
       "its own land", "zelensky",
       label="What handing back Russian ground costs Kyiv, km2-eq per km2",
       # worth more to Kyiv than to Moscow, the salient stays out of Kyiv's packages and Kyiv
       # refuses Moscow's, which ask for it: Ukraine holds it longer
       expects=_E("kursk_held_km2_mean", +1, _NA, start_date="2024-10-01",
                  setting=(("kursk_salient_supply_loss", 0.0), ("trump_push_delay_days", 0.0)),
                  levels=(0.0, 20.0))),
    _p("ukraine_sequencing_value_km2", 1000.0, 0.0, 10000.0, "km2-eq",
       "What a ceasefire before the terms is worth to Kyiv.", "assumption", "zelensky",
       label="What a ceasefire before the terms is worth to Kyiv, in ground",
       expects=_E("talks_open_days", -1, _NA)),
    _p("ukraine_renewal_risk", 0.3, 0.0, 1.0, "probability",
       "Kyiv's expected chance of a renewed Russian attack within the horizon after a ceasefire "
       "without guarantees (the commitment problem).", "assumption (Powell 2006)", "zelensky",
       label="Kyiv's fear of a new Russian attack after a ceasefire without guarantees",
       expects=_E("talks_open_days", +1, _PP)),
    _p("ukraine_resolve_km2", 6000.0, 0.0, 50000.0, "km2-eq",
       "Kyiv's resolve: expected loss of ground it would absorb rather than accept a deal.",
       "assumption", "zelensky",
       label="Ground Kyiv would rather lose than accept a bad deal",
       expects=_E("reached_ceasefire", -1, _PP)),
    _p("ukraine_cost_km2_day", 25.0, 0.0, 200.0, "km2/day",
       "Kyiv's cost of a day of war at economic pressure 1, in km2-per-day equivalents.",
       "assumption", "zelensky",
       label="What a day of war costs Ukraine, in ground it would trade",
       expects=_E("ukraine_refusals", -1, _PP)),
    # --- talks --------------------------------------------------------------------------------
    _p("offer_acceptance_target", 0.5, 0.05, 0.95, "probability",
       "Chance of acceptance, by its own belief, that a proposer aims for: higher means more "
       "modest offers.", "assumption", "talks",
       label="How modest the offers are (chance each side expects of a yes)",
       expects=_E("ukraine_refusals", -1, _NA, levels=(0.05, 0.95))),
    _p("guarantee_effectiveness", 0.6, 0.0, 1.0, "share",
       "Share of the risk of a renewed attack that full guarantees remove.", "assumption",
       "talks",
       label="How much guarantees cut the risk of a new attack",
       expects=_E("ceasefire_breakdowns", -1, _NA, _DEALS, levels=(0.0, 1.0))),
    _p("force_limits_rebuild_cut", 0.5, 0.0, 1.0, "share",
       "Share of Ukraine's rebuilding during a ceasefire that full force limits prevent (and "
       "by which Kyiv expects them to raise the renewal risk).", "assumption", "talks",
       label="How much limits on Ukraine's army slow its rebuilding",
       expects=_E("talks_open_days", +1, _PP, (("trump_limits_offer", 1.0),),
                  levels=(0.0, 1.0))),
    _p("blame_per_refusal", 0.3, 0.0, 1.0, "index",
       "Shift of Washington's blame after one refused package.", "assumption", "talks",
       label="How much one refusal shifts Washington's blame",
       expects=_E("us_aid_total_bn_usd", -1, _MX)),
    _p("blame_reasonableness_scale_km2", 5000.0, 100.0, 50000.0, "km2-eq",
       "How far outside the refuser's publicly estimated range a package must lie for "
       "Washington to see it as unreasonable (e-folding distance).", "assumption", "talks",
       label="How far off terms must be for Washington to call a refusal fair",
       expects=_E("us_blame_mean", -1, _PP)),
    _p("talks_collapse_per_refusal", 0.15, 0.0, 1.0, "probability",
       "Chance that talks collapse after a refused offer.", "assumption", "talks",
       label="Chance talks collapse after a refused offer",
       expects=_E("talks_open_days", -1, _PP, levels=(0.0, 1.0))),
    _p("talks_open_per_day", 0.01, 0.002, 1.0, "1/day",
       "Chance per day that talks open while the US presses for them (or Moscow asks), before "
       "any refusal or breakdown: a first meeting takes months to arrange.",
       "assumption; of the order of 2025, when the first direct talks (Istanbul, 16 May) came "
       "86 days after the 30 days of `trump_push_delay_days` (mean here 100)", "talks",
       label="Chance per day that talks open once pushed for",
       expects=_E("talks_open_days", +1, _PP)),
    _p("talks_reopen_per_day", 0.02, 0.0, 0.5, "1/day",
       "Chance per day that collapsed talks reopen while the US presses for them.",
       "assumption", "talks",
       label="Chance per day that collapsed talks reopen",
       expects=_E("talks_open_days", +1, _PP,
                  (("talks_collapse_per_refusal", 0.5),))),
    _p("offer_interval_days", 21.0, 1.0, 120.0, "days",
       "Mean days between one party's packages while talks are open and nothing drives an "
       "offer (offers come at random; a shift of the front or Washington's deadline makes them "
       "likelier).", "assumption", "talks", kind="int",
       label="Days between offers where nothing drives one, on average",
       expects=_E("ukraine_refusals", -1, _PP)),
    _p("offer_shift_reference_km2", 500.0, 50.0, 10000.0, "km2",
       "Ground the front moves after a package that doubles the chance of a new one (a "
       "battlefield shift changes what each side expects from fighting on).", "assumption",
       "talks",
       label="Ground the front moves that makes a new offer twice as likely",
       expects=_E("ukraine_refusals", -1, _PP)),
    _p("ceasefire_breakdown_per_day", 0.003, 0.0, 0.1, "1/day",
       "Chance per day that a ceasefire breaks down when Moscow's expected gain from attacking "
       "again is at its reference level (Powell 2006 commitment problem).", "assumption",
       "talks",
       label="Chance per day a ceasefire breaks down",
       expects=_E("ceasefire_breakdowns", +1, _PP)),
    _p("settlement_after_days", 180.0, 30.0, 720.0, "days",
       "Days a ceasefire must hold before a settlement can be signed.", "assumption", "talks",
       label="Days a ceasefire must hold before a settlement",
       expects=_E("settled", -1, _PP)),
    _p("settlement_per_day", 0.004, 0.0, 0.2, "1/day",
       "Chance per day of a settlement once a ceasefire has held long enough.", "assumption",
       "talks",
       label="Chance per day of a settlement after that",
       expects=_E("settled", +1, _PP)),
    _p("ceasefire_first_settlement_factor", 0.5, 0.0, 1.0, "x",
       "Settlement chance of a ceasefire-first deal relative to a terms-first deal (the terms "
       "are still open).", "assumption", "talks",
       label="Chance of settling after a ceasefire-first deal, "
              "times a terms-first one",
       expects=_E("settled", +1, _NA,
                  _DEALS + (("settlement_per_day", 0.02),),
                  levels=(0.0, 1.0))),
]

for _spec in _SPECS:
    _prior = _spec.prior
    if _prior is not None and _prior.kind != "posterior" and not (
            _spec.low <= _prior.low < _prior.high <= _spec.high):
        raise RuntimeError(f"{_spec.name}: its prior lies outside the parameter's range")

PARAMS: dict[str, ParamSpec] = {s.name: s for s in _SPECS}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(s.group for s in _SPECS))


# Units as a student reads them, and how a value in each unit is said ("30 % of the 2024 level").
_UNIT_WORDS: dict[str, str] = {
    "x": "times", "ratio": "", "-": "", "log-units": "", "per day": "per day", "1/day": "per day",
    "persons/day": "people a day", "share": "%", "switch": "", "GW": "GW", "USD/bbl": "US$ a barrel",
    "1/sqrt(year)": "a year", "trn RUB/year": "trillion roubles a year", "bn USD": "billion US$",
    "bn USD/year": "billion US$ a year", "RUB/USD": "roubles per US$", "index": "on a 0-1 scale",
    "per 1000 casualties": "per 1,000 casualties", "per km2": "per km²", "km2": "km²",
    "x baseline": "% of the 2024 level", "x 2024": "% of the autumn-2024 level",
    "km2/day": "km² a day", "probability": "%", "days": "days", "thousand troops": "thousand troops",
    "km2-eq": "km² equivalent", "km2-eq/km2": "km² equivalent per km²",
    "x autumn pace": "% of the autumn-2024 pace", "per index": "per unit of strain",
    "mn RUB": "million roubles", "per thousand": "per thousand",
}
PERCENT_UNITS = ("share", "x baseline", "x 2024", "probability", "x autumn pace")


def unit_words(spec: ParamSpec) -> str:
    """The unit in words ("% of the 2024 level"); empty for a pure number or a switch."""
    return _UNIT_WORDS.get(spec.unit, spec.unit)


def number_text(number: float) -> str:
    """A setting's number as a student reads it: every digit it has, up to the 15 a float holds,
    and none it has not ("30", not "30.000000000000004" for 100 * 0.3); thousands grouped
    ("6,000"). Never rounded to fewer digits: a typed 149.99 % read "150 %" at three, which
    is the cap, and a value just under it is not at it."""
    return f"{float(number):,.15g}"


def plain_value(spec: ParamSpec, value: Any) -> str:
    """A value as a student reads it: "30 % of the 2024 level", "on", "4,000 km²"."""
    if spec.kind == "bool" or isinstance(value, (bool, np.bool_)):
        return "on" if float(value) else "off"
    if spec.kind == "choice":
        return value if isinstance(value, str) else spec.choices[int(value)]
    number = float(value)
    if spec.unit in PERCENT_UNITS:
        return f"{number_text(100 * number)} {unit_words(spec)}"
    unit = unit_words(spec)
    text = number_text(number)
    if unit == "times":
        return f"{text} times"
    return f"{text} {unit}".rstrip()


def short_label(spec: ParamSpec) -> str:
    """The label up to its first comma, as said inside a sentence ("US aid after Jan 2025")."""
    text = spec.plain_label.split(",")[0]
    first = text.split(" ")[0]
    if first in _PROPER_WORDS or not text[1:2].islower():
        return text
    return text[:1].lower() + text[1:]


_PROPER_WORDS = {"Putin's", "Trump", "Kyiv", "Kyiv's", "Moscow", "Moscow's", "Russia", "Russia's",
                 "Russian", "Ukraine", "Ukraine's", "Ukrainian", "Ukrainians'", "Europe",
                 "Europe's", "European", "Washington", "Roubles"}


def change_text(name: str, value: Any) -> str:
    """A student's change as a phrase after "you": "set US aid after Jan 2025 to 30 % of the
    2024 level", "switch off “Trump pushes both sides into talks”"."""
    spec = PARAMS[name]
    if spec.kind == "bool":
        return f"switch {plain_value(spec, value)} “{spec.plain_label}”"
    return f"set {short_label(spec)} to {plain_value(spec, value)}"


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split 'NAME=VALUE' from the command line; the value stays text for `ParamSpec.coerce`."""
    if "=" not in text:
        raise ParamError("--set", text, "NAME=VALUE with a parameter name from `conflictsim params`")
    name, value = text.split("=", 1)
    return name.strip(), value.strip()


def check_name(name: str) -> ParamSpec:
    if name not in PARAMS:
        raise ParamError("parameter", name, "a name listed by `conflictsim params`"
                         + did_you_mean(name, PARAMS))
    return PARAMS[name]


def plural(count: int, noun: str) -> str:
    """`noun`, with an s unless `count` is one: "1 run", "2 runs", "0 runs"."""
    return noun if count == 1 else noun + "s"


def did_you_mean(name: str, known) -> str:
    """' (did you mean 'x'?)' for the closest of `known` to a misspelt name, else ''."""
    near = difflib.get_close_matches(str(name), list(known), n=1)
    return f" (did you mean {near[0]!r}?)" if near else ""


class Params:
    """Resolved parameter values: every field an array broadcastable to (n_runs,).

    `values` holds them all as arrays. Attribute access (`params.trump_aid_level`) returns a
    per-run array as it is and a value shared by all runs as a Python number: the rules do
    about a hundred operations a day on such values, and on Python numbers each costs a few
    hundredths of the microsecond a 0-d array costs (same IEEE doubles, same results). The
    attributes are the instance's own `__dict__`, so reading one is a plain attribute lookup
    (a few hundred reads a day by the rules and the day: a `__getattr__` cost three times as
    much).
    """

    __slots__ = ("values", "n_runs", "_per_run", "__dict__")

    def __init__(self, values: Mapping[str, np.ndarray], n_runs: int):
        object.__setattr__(self, "values", dict(values))
        object.__setattr__(self, "n_runs", n_runs)
        object.__setattr__(self, "_per_run", {})
        object.__setattr__(self, "__dict__", {
            name: value.item() if np.ndim(value) == 0 else value
            for name, value in self.values.items()})

    def per_run(self, name: str) -> np.ndarray:
        """The parameter as a read-only (n_runs,) array (cached: Params never changes)."""
        cached = self._per_run.get(name)
        if cached is None:
            cached = np.broadcast_to(self.values[name], (self.n_runs,))
            self._per_run[name] = cached
        return cached

    def __setattr__(self, name, value):
        raise AttributeError("Params is immutable; use Params.with_overrides")

    def __reduce__(self):
        """Pickled (a Dask worker, a copy) as what it is built from: the default protocol sets
        the slots one by one, which an immutable `Params` refuses."""
        return Params, (self.values, self.n_runs)

    def with_overrides(self, overrides: Mapping[str, Any]) -> "Params":
        return resolve(overrides, self.n_runs, base=self)


def resolve(overrides: Mapping[str, Any] | None, n_runs: int, base: Params | None = None) -> Params:
    """Validate overrides against `PARAMS` and merge them over the defaults (or over `base`).

    A per-run array must have shape (n_runs,); scalars apply to every run.
    """
    values = dict(base.values) if base is not None else {
        name: np.asarray(float(spec.default)) for name, spec in PARAMS.items()}
    for name, value in (overrides or {}).items():
        spec = check_name(name)
        arr = spec.coerce(value)
        if arr.ndim > 1 or (arr.ndim == 1 and arr.shape[0] != n_runs):
            raise ParamError(name, f"array of shape {arr.shape}",
                             f"a scalar or an array of shape ({n_runs},)")
        values[name] = arr
    return Params(values, n_runs)


def iter_specs(group: str | None = None) -> Iterable[ParamSpec]:
    return (s for s in _SPECS if group is None or s.group == group)
