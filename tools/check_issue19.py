"""Check every must-show of issue 19 (talks that ring true) on the current tree and print each
verdict with its numbers. Slow (a few minutes at 400 runs): a tool, not a test; the tests hold
the same checks at the sizes CI affords.

    python tools/check_issue19.py [--runs 400] [--seed 20241201] [--levers]

The signature checks are the functions of tests/test_signatures.py and the consent check that of
tests/test_talks_table.py, run here at `--runs` (common random numbers: one seed, the same run
indices in every preset). Speed is measured apart (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim.core import talks  # noqa: E402

fixtures = importlib.import_module("conftest")
signatures = importlib.import_module("test_signatures")
table = importlib.import_module("test_talks_table")

WITH_TALKS = [name for name in sim.SCENARIOS if name != "status_quo"]
SECOND_WINTER = (335, 487)  # days: 2025-11-01 to 2026-03-31
results: list[tuple[str, bool, str]] = []


def verdict(name: str, passed: bool, numbers: str) -> None:
    results.append((name, passed, numbers))
    print(f"[{'PASS' if passed else 'FAIL'}] {name}: {numbers}", flush=True)


def make_ensembles(runs: int, seed: int):
    """The tests' list API (`ensembles(*specs, runs=..., **overrides) -> [SimResult]`, a spec a
    scenario name or (name, overrides); cached, computed together) at `runs` and `seed`: what
    the signature functions of tests/test_signatures.py take."""
    def ensembles(*specs, runs=runs, days=730, **overrides):
        return fixtures.ensembles_of(*specs, runs=runs, days=days, seed=seed, **overrides)
    return ensembles


def one_of(ensembles):
    """One ensemble: `ensemble(scenario, **overrides) -> SimResult`."""
    def ensemble(scenario, runs=None, days=730, **overrides):
        options = {} if runs is None else {"runs": runs}
        return ensembles(scenario, days=days, **options, **overrides)[0]
    return ensemble


def busiest_day_share(ensemble, runs: int) -> None:
    shares = {}
    for scenario in WITH_TALKS:
        days = sim.simulate(scenario, runs=runs, days=730, seed=11).outcomes["ceasefire_day"]
        days = days.dropna().astype(int).to_numpy()
        shares[scenario] = (np.bincount(days).max() / len(days)) if len(days) else np.nan
    worst = max(shares, key=lambda k: shares[k])
    verdict("no single day holds over 3 % of ceasefires (seed 11)",
            all(s <= 0.03 for s in shares.values()),
            ", ".join(f"{k} {v:.1%}" for k, v in shares.items()) + f"; worst {worst}")


def parallel_processes(ensemble, ensembles) -> None:
    base, pp = ensemble(signatures.BASE), ensemble("parallel_processes")
    numbers = (f"ceasefire share {signatures.reached_ceasefire(pp).mean():.0%} vs "
               f"{signatures.reached_ceasefire(base).mean():.0%}; median open-talk days "
               f"{pp.outcomes['talks_open_days'].median():.0f} vs "
               f"{base.outcomes['talks_open_days'].median():.0f}")
    verdict("parallel_processes: fewer ceasefires, longer talks than the default",
            signatures.talks_under_fire(ensembles), numbers)
    verdict("  ... fails with Moscow taking a ceasefire first (mechanism off)",
            not signatures.talks_under_fire(ensembles, russia_sequencing_cost_km2=1000.0), "")


def oil_and_sanctions(ensemble, ensembles, runs: int) -> None:
    squeezed = ensemble("economic_pressure", runs=runs, **signatures.SQUEEZED)
    eased = ensemble("economic_pressure", runs=runs, **signatures.EASED)
    d_s, d_e = squeezed.outcomes["ceasefire_day"], eased.outcomes["ceasefire_day"]
    gap = d_e.median() - d_s.median()
    verdict("median ceasefire day, oil 30 + maximal sanctions vs oil 130 + none, >= 30 days "
            "earlier", bool(gap >= 30.0),
            f"{d_s.median():.0f} vs {d_e.median():.0f} (gap {gap:.0f}); reached "
            f"{d_s.notna().mean():.0%} vs {d_e.notna().mean():.0%}; pressure mean "
            f"{squeezed.outcomes['russia_economic_pressure_mean'].median():.2f} vs "
            f"{eased.outcomes['russia_economic_pressure_mean'].median():.2f}")
    verdict("economic_pressure settles sooner and more often as pressure rises (signature)",
            signatures.settles_sooner_under_pressure(ensembles), "")
    verdict("  ... fails when pressure neither costs nor turns Moscow",
            not signatures.settles_sooner_under_pressure(
                ensembles, russia_cost_km2_day=0.0, russia_casualty_cost_weight=0.0,
                putin_serious_pressure=1.0), "")


def consent(runs: int) -> None:
    failures, deals, relief = [], 0, 0
    for scenario, package, proposer, given, p in table.deals_struck(WITH_TALKS, runs=runs):
        deals += len(package)
        us = (package[:, talks.SANCTIONS_RELIEF] > table.TOL) | (
            talks.us_guarantee_part(p, package) > table.TOL)
        eu = (package[:, talks.EU_RELIEF] > table.TOL) | (
            talks.eu_guarantee_part(p, package) > table.TOL)
        ok = (table.has(given, talks.CONSENT_MOSCOW).all()
              and table.has(given, talks.CONSENT_KYIV).all()
              and table.has(given[us], talks.CONSENT_WASHINGTON).all()
              and table.has(given[eu], talks.CONSENT_EUROPE).all()
              and (package[:, talks.SANCTIONS_RELIEF] <= p.trump_relief_offer + table.TOL).all()
              and (package[:, talks.EU_RELIEF] <= p.eu_relief_limit + table.TOL).all()
              and (package[proposer == talks.KYIV][:, [talks.SANCTIONS_RELIEF,
                                                        talks.EU_RELIEF]] == 0.0).all())
        relief += int(((package[:, talks.SANCTIONS_RELIEF] > table.TOL)
                       | (package[:, talks.EU_RELIEF] > table.TOL)).sum())
        if not ok:
            failures.append(scenario)
    verdict("no deal grants relief or guarantees without its controller's consent",
            not failures and relief > 0,
            f"{deals} deals over {len(WITH_TALKS)} presets, {relief} with relief; "
            f"failing: {failures or 'none'}")


def land_for_peace(runs: int) -> None:
    ceded = {}
    for cost in (0.0, 4.0, 16.0):
        o = sim.simulate("new_administration", runs=runs, days=730, seed=12,
                         overrides={"red_line_cost_per_km2": cost}).outcomes
        ceded[cost] = o["deal_line_km2"].fillna(0.0).to_numpy()
    exists = (ceded[0.0] > 1000.0).mean()
    falls = ceded[0.0].mean() > ceded[4.0].mean() > ceded[16.0].mean()
    verdict("land for peace where rational, less as the red line's cost rises",
            bool(exists > 0.2 and falls),
            f"runs ceding > 1,000 km2 at cost 0: {exists:.0%}; mean ceded at cost 0/4/16: "
            + " / ".join(f"{v.mean():.0f}" for v in ceded.values()) + " km2")


def preset_signatures(ensemble, ensembles) -> None:
    s = signatures
    base, mx = ensemble(s.BASE), ensemble("maximalist_terms")
    verdict("maximalist_terms destabilises Kyiv more than the default",
            s.maximalist_destabilises_kyiv(ensembles),
            f"destabilised {s.destabilised(mx).mean():.0%} vs {s.destabilised(base).mean():.0%}")
    verdict("  ... fails without Washington's blame reaching Kyiv",
            not s.maximalist_destabilises_kyiv(ensembles, support_refusal_cost=0.0,
                                               trump_aid_cut_on_blame=0.0), "")
    ep = ensemble("economic_pressure")
    verdict("economic_pressure raises Russia's pressure above the default",
            s.paired_greater(ep.outcomes["russia_economic_pressure_mean"],
                             base.outcomes["russia_economic_pressure_mean"], 0.03),
            f"mean pressure median {ep.outcomes['russia_economic_pressure_mean'].median():.3f} "
            f"vs {base.outcomes['russia_economic_pressure_mean'].median():.3f}")
    fr = ensemble("freeze")
    verdict("freeze grabs more ground than the default before offering",
            s.freeze_grabs_before_offering(ensembles),
            f"median ground in 180 days {np.median(s.ground_in_first_half_year(fr)):.0f} vs "
            f"{np.median(s.ground_in_first_half_year(base)):.0f} km2")
    verdict("  ... fails without the grab surge",
            not s.freeze_grabs_before_offering(ensembles, putin_grab_surge=1.0), "")
    mine = fr.outcomes[fr.outcomes["deal_proposer"] == talks.MOSCOW]
    own = ((mine["deal_line_km2"] == 0.0) & (mine["deal_ceasefire_first"] == 1.0)).mean()
    verdict("freeze: Moscow's deals are its own offer of the line, ceasefire first",
            bool(len(mine) >= 20 and own >= 0.9), f"{len(mine)} deals, {own:.0%} on the line")
    dt = ensemble("deterrence")
    waves = lambda r: np.median(r.trajectories["strike_wave_today"].sum(axis=1))  # noqa: E731
    verdict("deterrence deters strikes and breaches against the default",
            s.deterrence_deters(ensembles),
            f"median strike waves {waves(dt):.0f} vs {waves(base):.0f}; breakdowns "
            f"{dt.outcomes['ceasefire_breakdowns'].sum()} vs "
            f"{base.outcomes['ceasefire_breakdowns'].sum()}")
    verdict("  ... fails without the deterrence mechanism",
            not s.deterrence_deters(ensembles, deterrence_strike_reduction=0.0), "")
    verdict("deterrence: Kyiv spared holds out (fewer ceasefires)",
            s.kyiv_spared_holds_out(ensembles),
            f"ceasefires {s.reached_ceasefire(dt).mean():.0%} vs "
            f"{s.reached_ceasefire(base).mean():.0%}")
    verdict("  ... fails when outages neither cost Kyiv nor its support",
            not s.kyiv_spared_holds_out(ensembles, ukraine_cost_km2_day=0.0,
                                        support_outage_sensitivity=0.0), "")


def second_winter(ensemble) -> None:
    """Runs that had neither a ceasefire nor an energy truce before the second winter ended,
    against the same runs (common random numbers) of status_quo with the preset's own levers
    on strikes (deterrence's credibility): talks alone must not stop the winter strikes. The
    same runs, because which runs go without a deal is itself a selection (weaker grids)."""
    lo, hi = SECOND_WINTER

    def winter(result):
        o = result.outcomes
        no_deal = ~(o["ceasefire_day"].fillna(10_000).to_numpy() < hi)
        no_truce = ~(o["energy_truce_day"].fillna(10_000).to_numpy() < hi)
        return (no_deal & no_truce, result.trajectories["outage_share"][:, lo:hi].mean(axis=1),
                result.trajectories["strike_wave_today"][:, lo:hi].sum(axis=1))

    texts, ok = [], True
    for scenario in WITH_TALKS:
        strikes = {k: v for k, v in sim.SCENARIOS[scenario].overrides.items()
                   if k.startswith("deterrence")}
        _, reference, reference_waves = winter(ensemble("status_quo", **strikes))
        keep, outage, waves = winter(ensemble(scenario))
        value, ref = float(np.median(outage[keep])), float(np.median(reference[keep]))
        texts.append(f"{scenario} {value:.3f} vs {ref:.3f}, strike waves {waves[keep].mean():.1f}"
                     f" vs {reference_waves[keep].mean():.1f} ({int(keep.sum())} runs)")
        ok &= abs(value - ref) <= 0.25 * max(ref, 0.02)
    verdict("second winter's outage without ceasefire or truce as in status_quo (same runs, "
            "within 25 %)", ok, ", ".join(texts))


def base_rates(ensemble) -> None:
    """The historical ending shares (experiments.base_rates, from sim/data/interstate_wars_cow.csv)
    beside each preset's ceasefire shares within one and two years, as the table of
    docs/VALIDATION.md section 10; passes when that section names the sourced table."""
    from experiments import base_rates as rates
    history, at_risk = rates.historical()
    lines = ["| | within 1 year | within 2 years |", "|---|---|---|",
             "| interstate wars that had lasted as long (COW, " + f"{history[0].at_risk} wars) | "
             + " | ".join(f"{h.share:.0%} ({h.ended}; {h.low:.0%}-{h.high:.0%})" for h in history)
             + " |"]
    for scenario in sim.SCENARIOS:
        shares = rates.model_ceasefire_shares(ensemble(scenario).outcomes["ceasefire_day"])
        lines.append(f"| `{scenario}` (first ceasefire) | " + " | ".join(f"{x:.0%}" for x in shares)
                     + " |")
    print("\n".join(lines))
    print("wars at risk: " + ", ".join(at_risk))
    text = (ROOT / "docs" / "VALIDATION.md").read_text()
    section = text[text.find("## 10."):]
    computed = "sim/data/interstate_wars_cow.csv" in section
    verdict("base-rate comparison in docs/VALIDATION.md computed from a sourced table",
            computed, "section 10 names sim/data/interstate_wars_cow.csv" if computed
            else "quoted only: section 10 does not name the sourced table")


def levers_alive(runs: int) -> None:
    from sim import levers
    names = [n for n, spec in sim.PARAMS.items()
             if spec.group in ("talks", "putin", "zelensky", "economy", "united_states", "europe")]
    failed = [v.line() for v in levers.check(names, runs=runs) if not v.passed]
    verdict(f"levers alive ({len(names)} talks/economy/leader parameters)", not failed,
            "; ".join(failed) or "all pass")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--seed", type=int, default=20241201)
    parser.add_argument("--levers", action="store_true", help="also the lever test (slow)")
    parser.add_argument("--only", default="", help="comma-separated check names")
    args = parser.parse_args()
    ensembles = make_ensembles(args.runs, args.seed)
    ensemble = one_of(ensembles)
    checks = {
        "timing": lambda: busiest_day_share(ensemble, args.runs),
        "parallel": lambda: parallel_processes(ensemble, ensembles),
        "oil": lambda: oil_and_sanctions(ensemble, ensembles, args.runs),
        "consent": lambda: consent(args.runs),
        "land": lambda: land_for_peace(args.runs),
        "signatures": lambda: preset_signatures(ensemble, ensembles),
        "winter": lambda: second_winter(ensemble),
        "base_rates": lambda: base_rates(ensemble),
    }
    if args.levers:
        checks["levers"] = lambda: levers_alive(200)
    only = [c for c in args.only.split(",") if c]
    for name, check in checks.items():
        if not only or name in only:
            check()
    failed = [name for name, passed, _ in results if not passed]
    print(f"\n{len(results) - len(failed)} of {len(results)} must-show checks pass"
          + (": failing " + "; ".join(failed) if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
