"""Combat and front movement per sector, shapes (runs, sectors).

Attrition is Lanchester's aimed-fire (square-law) model, integrated exactly over each day; the
advance speed is a smooth function of the effective force ratio, season, fortification and supply,
with log-logistic noise; counter-attacks come when the ratio falls below 1. Offensives culminate:
each sector accumulates strain while the attacker pushes faster than it can sustain (and sheds
it when slower); strain tires the attacker (speed divided by 1 + exhaustion x strain), costs it
more losses, and draws the defender's reserves and field works (defence times 1 + adaptation x
strain). A push above the sustainable pace therefore slows down toward it.
Momentum: the shift in the force balance the data show between the two quarters before the start
(faster or slower) carries on for a while (`step_balance`): a multiplier on the effective force
ratio, fading over `momentum_days`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from . import portable
from .arrays import (SECTOR_ORDER, any_set, clip, clip_range, row_dot, row_mean, row_sum, row_sums,
                     sector_array, sector_column)

from .. import sectors


SATURATED_FORCE_RATIO = 1e6


def season_factor(winter: bool, mud: bool, winter_speed_factor, mud_speed_factor):
    """Ground-operations speed multiplier for the day (mud dominates winter)."""
    if mud:
        return mud_speed_factor
    if winter:
        return winter_speed_factor
    return 1.0


def defending_strength(force, supply, fortification, fortification_bonus, strain=None,
                       adaptation=0.0):
    """A side's defence per sector: its troops times (1 + field works x bonus), times
    1 + adaptation x strain where the front has been moving (reserves go there), times its
    supply. Either side defends this way (`effective_force_ratio`, `ukraine_attack_ratio`)."""
    defence = np.multiply(fortification, fortification_bonus)
    defence += 1.0
    if strain is not None:
        defence *= culmination_factor(strain, adaptation)
    defence *= force
    defence *= sector_column(supply, defence.dtype)
    return defence


def effective_force_ratio(russia_force, ukraine_force, offensive, fortification,
                          russia_supply, ukraine_supply, fortification_bonus,
                          strain=None, adaptation=0.0):
    """Russian attacking strength over Ukrainian defending strength, per sector.

    The defender's adaptation multiplies its defence by 1 + adaptation x strain: reserves and
    field works go where the front has been moving. (runs, sectors) work is done in place: at
    10,000 runs each temporary is a megabyte.
    """
    defence = defending_strength(ukraine_force, ukraine_supply, fortification,
                                 fortification_bonus, strain, adaptation)
    np.maximum(defence, 1e-9, out=defence)
    ratio = np.multiply(russia_force, offensive)
    ratio *= sector_column(russia_supply, ratio.dtype)
    ratio /= defence
    return ratio


@functools.cache
def sector_row(name: str, dtype) -> np.ndarray:
    """A per-sector constant of `sim.sectors` as a (1, sectors) row of `dtype` (made once)."""
    row = getattr(sectors, name).astype(dtype)[None, :]
    row.flags.writeable = False
    return row


@functools.cache
def tiny(dtype):
    """The smallest normal number of `dtype` (np.finfo costs a microsecond or two a call)."""
    return np.finfo(dtype).tiny


def advance_km(ratio, season, noise, reference_force_ratio, exponent, counterattack_factor,
               advance_speed_scale, noise_sd, reference_drive=None, noise_mean=None,
               speed=None):
    """Depth gained today per sector, km; negative is a Ukrainian counter-advance.

    Speed is the sector's 2024 pace times (ratio^k - 1) / (ref^k - 1): 1 at the reference ratio,
    0 at parity, negative below it (scaled by the counter-attack factor), capped at 3x pace.
    `reference_drive` (ref^k - 1), `noise_mean` (`mean_one_noise`'s divisor, in the sector
    dtype) and `speed` (`advance_speed` of the season) are per-batch constants a caller may
    pass computed once.
    """
    k = exponent
    # Beyond this ratio the speed is at its cap for every declared exponent and reference
    # ratio; capping first keeps ratio^k finite in float32 when a defence is all but gone.
    drive = portable.power(np.minimum(ratio, SATURATED_FORCE_RATIO), k)
    drive -= 1.0
    drive /= (portable.power(reference_force_ratio, k) - 1.0 if reference_drive is None
              else reference_drive)
    clip_range(drive, -1.0, 3.0, out=drive)
    counter = np.minimum(drive, 0.0)  # drive + (f - 1) min(drive, 0): f drive below 0 only
    counter *= counterattack_factor - 1.0
    drive += counter
    drive *= mean_one_noise(noise, noise_sd, noise_mean)
    drive *= advance_speed(advance_speed_scale, season, drive.dtype) if speed is None else speed
    return drive


def advance_speed(advance_speed_scale, season, dtype):
    """Each sector's speed at a drive of 1 (km/day): its autumn-2024 pace times the speed scale
    and the season's factor, (runs, sectors) in the sector arrays' layout."""
    return sector_array(sector_row("PACE_KM_PER_DAY", dtype) * (advance_speed_scale * season))


def culmination_factor(strain, coefficient):
    """1 + coefficient x strain: the defence multiplier of the defender's adaptation, and the
    divisor of the attacker's speed for its exhaustion."""
    factor = np.multiply(strain, coefficient)
    factor += 1.0
    return factor


def exhaust(advance, strain, exhaustion):
    """The day's advance of a tired attacker: speed over 1 + exhaustion x strain (in place)."""
    advance /= culmination_factor(strain, exhaustion)
    return advance


def step_strain(strain, advance, sustainable, memory_days):
    """Over-extension of the attack per sector: grows by (today's advance over the sector's
    autumn-2024 pace, minus the share of it the attacker can sustain) / memory_days, and never
    falls below 0. A push at the autumn pace with a sustainable share of 0.4 adds 0.6 in
    `memory_days`; quiet days shed strain at the sustainable share per `memory_days`."""
    relative = np.maximum(advance, 0.0)
    relative /= sector_row("PACE_KM_PER_DAY", relative.dtype)
    relative -= sustainable
    relative /= memory_days
    relative += strain
    np.maximum(relative, 0.0, out=relative)
    return relative


def front_troops(russia_force_k, ukraine_force_k):
    """(runs,) Russian and Ukrainian troops at the front (thousand, summed over sectors in
    float64) and the ratio of the first to the second."""
    russia, ukraine = row_sums(russia_force_k, ukraine_force_k)
    return russia, ukraine, russia / np.maximum(ukraine, 1e-9)


def step_balance(shift, drift_per_day, fighting, decay_per_day):
    """The force balance's log shift grows by today's drift on fighting days; the drift fades
    by `decay_per_day`, exp(-1 / momentum_days) (a gap being filled, a tactic being answered)."""
    new_shift = shift + drift_per_day * fighting
    return new_shift, drift_per_day * decay_per_day


@dataclass(frozen=True)
class ShockMix:
    """The per-batch constants of `step_shock` (`shock_mix`)."""

    persistence: np.ndarray
    own_scale: np.ndarray | None  # None: no common share in any run
    shared_scale: np.ndarray | None
    innovation_scale: np.ndarray


def shock_mix(persistence, common_share, n_sectors: int) -> ShockMix:
    """What `step_shock` computes from its parameters alone, once."""
    own_scale = shared_scale = None
    if np.any(common_share > 0.0):
        own = np.sqrt(1.0 - common_share)
        shared = np.sqrt(common_share)
        variance = 1.0 + 2.0 * own * shared / math.sqrt(n_sectors)
        own_scale = own / np.sqrt(variance)
        shared_scale = shared / np.sqrt(variance)
    return ShockMix(persistence, own_scale, shared_scale,
                    np.sqrt(1.0 - persistence * persistence))


def step_shock(shock, innovation, persistence, common_share=0.0, mix: ShockMix | None = None):
    """AR(1) with unit stationary variance: fortunes of war that last for weeks.

    A share of each day's innovation is common to all sectors (the front-wide tempo of the
    offensive: operations, weather, supply), made from the mean of the sectors' own innovations,
    so it costs no extra random numbers; the mix is scaled back to unit variance. `mix` is
    `shock_mix` of the parameters, for a caller that computes it once.
    """
    n = innovation.shape[1]
    if mix is None:
        mix = shock_mix(persistence, common_share, n)
    if mix.own_scale is not None:
        common = row_mean(innovation)
        common *= math.sqrt(n)
        innovation = innovation * mix.own_scale
        common *= mix.shared_scale
        innovation += common
    return mix.persistence * shock + mix.innovation_scale * innovation


def noise_mean(noise_sd, dtype):
    """The mean of exp(sd * noise) for unit-variance logistic noise, in `dtype`."""
    bt = np.minimum(noise_sd * (np.sqrt(3.0) / np.pi), 0.99)
    mean = np.where(bt > 0.0, np.pi * bt / portable.sin_pi(np.maximum(bt, 1e-12)), 1.0)
    return np.asarray(mean, dtype=dtype)


def mean_one_noise(noise, noise_sd, mean=None):
    """exp(sd * noise) divided by its mean for unit-variance logistic noise (close to the mean of
    the AR(1) mixture too), so noise changes the spread of the advance, not its expected pace.
    `mean` is `noise_mean` of the sd in the noise's dtype, for a caller that computes it once."""
    factor = portable.exp(np.multiply(noise, noise_sd))
    factor /= noise_mean(noise_sd, factor.dtype) if mean is None else mean
    return factor


def attrition_coefficients(casualties_per_day, opposing_force_day0, wounded_return_share):
    """Per-unit kill rate (1/day) that yields the given casualties per day at day-0 forces.

    Casualties are in persons, forces in thousand troops; the rate refers to the sector-activity
    weighted opposing force, and the force loses only casualties that do not return.
    """
    weighted = (opposing_force_day0 * sectors.ACTIVITY[None, :]).sum(axis=1)
    return casualties_per_day / 1000.0 / np.maximum(weighted, 1e-9)


def lanchester_exact(russia, ukraine, russia_loss_rate, ukraine_loss_rate, dt=1.0):
    """Exact solution over dt of R' = -a U, U' = -b R (a, b per sector); clipped at zero.

    R(t) = R cosh(wt) - sqrt(a/b) U sinh(wt), U(t) = U cosh(wt) - sqrt(b/a) R sinh(wt), w = sqrt(ab).
    Returns the forces after dt and the losses of each side.
    """
    a = np.maximum(russia_loss_rate, 1e-300)
    b = np.maximum(ukraine_loss_rate, 1e-300)
    return lanchester_scaled(russia, ukraine, np.sqrt(a * b) * dt, np.sqrt(a / b))


def lanchester_scaled(russia, ukraine, w, ratio):
    """`lanchester_exact` given w = sqrt(ab) dt and ratio = sqrt(a/b) directly: when both
    rates scale with the same fighting intensity, the ratio is a per-run constant (the hot path
    of the model). sinh and cosh directly, not from one exp: (e - 1/e) / 2 loses about half the
    digits to cancellation at a day's w of 1e-3, too many in float32."""
    if np.shape(w) != np.shape(russia):
        w = np.broadcast_to(w, np.broadcast_shapes(np.shape(w), np.shape(russia)))
    sh, ch = portable.sinh_cosh(w)
    new_russia = np.multiply(russia, ch)
    hit = np.multiply(ukraine, sh)
    hit *= ratio
    new_russia -= hit
    new_ukraine = np.multiply(ukraine, ch, out=ch)
    np.multiply(russia, sh, out=hit)
    hit /= ratio
    new_ukraine -= hit
    # the linear solution is only physical while both sides stand: no side gains from attrition
    np.maximum(new_russia, 0.0, out=new_russia)
    np.minimum(new_russia, russia, out=new_russia)
    np.maximum(new_ukraine, 0.0, out=new_ukraine)
    np.minimum(new_ukraine, ukraine, out=new_ukraine)
    russia_loss = np.subtract(russia, new_russia, out=hit)
    ukraine_loss = np.subtract(ukraine, new_ukraine, out=sh)
    return new_russia, new_ukraine, russia_loss, ukraine_loss


def reinforcement_share(losses, quiet_share, total=None):
    """Each side sends replacements where it lost troops today (so sectors keep their balance),
    or by its day-0 deployment when there was no fighting. `total` is `row_sum(losses,
    losses.dtype)` where the caller has it."""
    if total is None:
        total = row_sum(losses, losses.dtype)
    total = total[:, None]
    share = np.divide(losses, np.maximum(total, tiny(losses.dtype)))
    quiet = total <= 0.0
    if any_set(quiet):
        np.copyto(share, quiet_share, where=quiet)
    return share


def replenish(after_attrition, losses, returned_share, recruits_k, quiet_share, total=None):
    """Forces after returning wounded and today's recruits (thousand troops), sent where the
    losses were; `total` as for `reinforcement_share`."""
    force = reinforcement_share(losses, quiet_share, total)
    force *= recruits_k
    force += after_attrition
    force += losses * returned_share
    return force


def salient_supply(kursk_held_km2, kursk_peak_km2, supply_loss):
    """(runs,) Ukraine's supply into the Kursk salient over its supply at home: 1 at the
    salient's peak, falling in proportion as Russia retakes it (times 1 - loss x the share of
    the peak retaken), since the flanks close on the one road in and Russian drones come to
    reach it. 1 where Ukraine holds nothing there (no salient to supply)."""
    supply = np.divide(kursk_held_km2, kursk_peak_km2, out=np.ones_like(kursk_held_km2),
                       where=(kursk_held_km2 > 0.0) & (kursk_peak_km2 > 0.0))
    supply -= 1.0
    supply *= supply_loss
    supply += 1.0
    return supply


def step_front(depth_km, advance, occupied_start, kursk_held_initial):
    """New depths, occupied area inside Ukraine (km2) and Ukrainian-held Kursk ground (km2)."""
    depth = np.add(depth_km, advance)
    np.maximum(depth, -sectors.MAX_COUNTER_DEPTH_KM, out=depth)
    inside = row_dot(depth, sectors.AREA_WEIGHT_KM)
    occupied = clip(occupied_start + inside, 0.0, sectors.UKRAINE_AREA_KM2)
    kursk_width = sectors.WIDTH_KM[sectors.KURSK]
    # at most twice the start's salient, or, from none, the deepest push the model allows
    most = np.where(kursk_held_initial > 0.0, kursk_held_initial * 2.0,
                    sectors.MAX_COUNTER_DEPTH_KM * kursk_width)
    kursk_held = clip(kursk_held_initial - depth[:, sectors.KURSK] * kursk_width, 0.0, most)
    return depth, occupied, kursk_held


def step_fortification(fortification, advance, build_per_day):
    """Defences approach 1 where the front stands still and are lost where it moves."""
    kept = np.abs(advance)
    kept *= -sectors.FORTIFICATION_LOSS_PER_KM
    kept += 1.0
    np.maximum(kept, 0.0, out=kept)
    built = np.subtract(1.0, fortification)
    built *= build_per_day
    built += fortification
    built *= kept
    clip_range(built, 0.0, 1.0, out=built)
    return built


# Ukraine's offensives: Zelensky draws a share of the forces elsewhere into one sector
# (`Moves.ukraine_offensive`), which then fights as hard as the busiest 2024 axis.
UKRAINE_OFFENSIVE_INTENSITY = float(sectors.ACTIVITY.max())


@functools.lru_cache(maxsize=8)
def no_offensive(n_runs: int, n_sectors: int) -> np.ndarray:
    """The read-only (runs, sectors) zeros of a day without a Ukrainian offensive, shared: the
    rule returns it on most days, and the core knows it attacks nowhere without reading it."""
    none = np.zeros((n_runs, n_sectors), order=SECTOR_ORDER)
    none.flags.writeable = False
    return none


def concentrate(ukraine_force, drawn_share):
    """Ukraine's forces per sector while it attacks: each attacking sector holds its own and
    the share `drawn_share` (runs, sectors) of the forces of the sectors not attacking; those
    keep the rest (their defence is thinner). Where nobody attacks, the forces as they are."""
    attacking = drawn_share > 0.0
    total = row_sum(drawn_share, drawn_share.dtype)[:, None]
    elsewhere = np.where(attacking, 0.0, ukraine_force).astype(ukraine_force.dtype)
    pool = row_sum(elsewhere, ukraine_force.dtype)[:, None]
    force = elsewhere * (1.0 - np.minimum(total, 1.0))
    force += np.where(attacking, ukraine_force, 0.0)
    force += pool * np.minimum(drawn_share, 1.0)
    return force


def offensive_axis_share(axis_km, dtype):
    """The share of each sector's width an offensive's axis covers, (runs, sectors), at most 1:
    a push on a narrow axis concentrates against part of the defence and moves part of the
    sector's front."""
    share = np.divide(axis_km, sectors.WIDTH_KM.astype(dtype))
    return np.minimum(share, 1.0, out=share)


def ukraine_attack_ratio(ukraine_force, russia_force, fortification, ukraine_supply,
                         russia_supply, fortification_bonus, balance_shift, strain=None,
                         adaptation=0.0):
    """Ukraine's attacking strength over Russia's defence per sector: the mirror of
    `effective_force_ratio`. Russia defends with all its troops there behind the same field
    works (a still front is dug in on both sides: the Surovikin line), brings reserves where the
    front has moved (defence times 1 + adaptation x strain, as Ukraine does), and the momentum
    of the balance (`balance_shift`, (runs, 1) log multiplier on Russia's ratio) works against
    Ukraine."""
    defence = defending_strength(russia_force, russia_supply, fortification, fortification_bonus,
                                 strain, adaptation)
    defence *= portable.exp(balance_shift).astype(defence.dtype)
    np.maximum(defence, 1e-9, out=defence)
    ratio = np.multiply(ukraine_force, sector_column(ukraine_supply, ukraine_force.dtype))
    ratio /= defence
    return ratio


def step_ukraine_strain(strain, retaken_km, pace_km_per_day, memory_days):
    """Strain grows where Ukraine retakes ground, by the day's depth over its offensive pace per
    `memory_days` (two months at the reference pace add one unit): its attackers tire and
    Russia's reserves gather there, as Ukraine's do against Russia's pushes (`step_strain`)."""
    added = np.divide(retaken_km, np.maximum(pace_km_per_day, 1e-9))
    added /= memory_days
    added += strain
    return added


def ukraine_advance_km(ratio, attacking, season, noise, reference_force_ratio, exponent,
                       pace_km_per_day, noise_sd, noise_mean=None):
    """Depth Ukraine retakes today per sector (km, >= 0) where it attacks: `pace_km_per_day`
    times the drive (ratio^k - 1) / (ref^k - 1) of `advance_km`, 0 at parity or below (an
    offensive into superior defences gains nothing but costs), capped at 3. The fortunes of
    war are the sector's advance shock with its sign turned (Russia's bad luck is Ukraine's
    good), so no new random numbers are drawn."""
    k = exponent
    drive = portable.power(np.minimum(ratio, SATURATED_FORCE_RATIO), k)
    drive -= 1.0
    drive /= portable.power(reference_force_ratio, k) - 1.0
    clip_range(drive, 0.0, 3.0, out=drive)
    drive *= mean_one_noise(-noise, noise_sd, noise_mean)
    drive *= attacking
    drive *= pace_km_per_day * season
    return drive


def offensive_attrition(intensity, assault_penalty, ukraine_intensity, loss_factor):
    """Fighting intensity and the (a/b)-ratio multiplier of `lanchester_scaled` in sectors with
    both sides' attacks. Russia's attacks at `intensity` cost it `assault_penalty` (1 + w strain)
    times its loss rate; Ukraine's at `ukraine_intensity` cost Ukraine `loss_factor` times its
    rate in defence. Russia's loss rate becomes a (I F + J), Ukraine's b (I + m J); returned
    as sqrt of their product and sqrt of their ratio over the rates a and b."""
    russia_side = intensity * assault_penalty + ukraine_intensity
    ukraine_side = intensity + loss_factor * ukraine_intensity
    both = np.sqrt(russia_side * ukraine_side)
    ratio = np.ones_like(both)  # where nobody fights, any ratio: 1 keeps the solution finite
    np.divide(russia_side, ukraine_side, out=ratio, where=ukraine_side > 0.0)
    np.sqrt(ratio, out=ratio)
    return both, ratio
