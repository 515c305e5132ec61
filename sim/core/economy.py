"""The Russian war economy and the economic pressure indices of Russia and Ukraine, (runs,).

The pressure indices are weighted sums of shares in [0, 1]; weights are stated here and in
docs/MODEL.md. Russia's comes from flows: the budget deficit (oil and gas revenue at the day's
price and discount, against spending at the day's fighting) and how it is financed (what the
National Wealth Fund does not cover is borrowed at home, against the borrowing the economy can
bear: key rate and inflation), the two sharing the rest equally, beside sanctions intensity
(weight `sanctions_pressure_weight`). The fund's stock matters only as the source that spares
borrowing until it runs out. Ukraine: power outages, the civilian budget gap, the
shortfall of military supply and the burden of the fighting itself.
"""

from __future__ import annotations

import numpy as np

from . import portable
from .arrays import clip

RUSSIA_FLOW_WEIGHTS = (0.5, 0.5)  # the deficit, its financing at home
RUSSIA_SHORTFALL_SCALE = 0.3  # a budget shortfall of 30% of spending counts as full pressure
UKRAINE_WEIGHTS = (0.35, 0.3, 0.2, 0.15)  # outages, budget gap, supply gap, war burden
OIL_MEAN_REVERSION_PER_YEAR = 1.0  # assumption: price shocks halve in about 8 months
WORLD_OIL_PRICE_2024_USD = 80.0  # assumption: 2024 Brent average (Urals 68 + a 12 USD discount)
URALS_PRICE_2024_USD = 68.0  # facts: 'Urals crude average price' 2024
MET_PRICE_FLOOR_USD = 15.0  # Russian tax code: the extraction tax is levied on Urals above 15 USD
DAY_IN_YEARS = 1.0 / 365.0


def step_oil_price(price, mean_price, volatility, noise):
    """Mean-reverting (in logs) Urals price, one day forward."""
    log_p = portable.log(price)
    drift = OIL_MEAN_REVERSION_PER_YEAR * (portable.log(mean_price) - log_p) * DAY_IN_YEARS
    return portable.exp(log_p + drift + volatility * np.sqrt(DAY_IN_YEARS) * noise)


def sanctions_intensity(us_sanctions, eu_sanctions):
    """Combined sanctions, the sum of US and European packages, in [0, 2]."""
    return us_sanctions + eu_sanctions


def urals_discount(base_discount, sanctions_discount, sanctions, sanctions_day0):
    """Discount of Russian crude to the world price (USD/bbl): day 0's, widened by sanctions
    enforcement beyond day 0's level (a full step to intensity 2 adds `sanctions_discount`),
    narrowed by relief; never negative."""
    return np.maximum(base_discount + sanctions_discount * (sanctions - sanctions_day0) / 2.0, 0.0)


def oil_gas_revenue(base_revenue, world_price, discount, base_discount, refinery_damage,
                    refinery_share):
    """Oil and gas budget revenue (trn RUB/year): volume x (price - discount) x tax share. The
    taxed value is the Urals price above the extraction-tax floor, relative to 2024's, so the
    level of the world price matters (a 2024 price and discount give 2024's revenue); refinery
    damage cuts the volume."""
    taxed = np.maximum(world_price - discount - MET_PRICE_FLOOR_USD, 0.0)
    taxed_2024 = URALS_PRICE_2024_USD - MET_PRICE_FLOOR_USD
    return base_revenue * (taxed / taxed_2024) * (1.0 - refinery_share * refinery_damage)


def russia_spending(base_spending, war_share, fighting_intensity):
    """Federal spending (trn RUB/year): the war share scales with fighting intensity."""
    return base_spending * (1.0 - war_share + war_share * fighting_intensity)


def deficit_trn_rub(spending, revenue):
    """Federal deficit (trn RUB/year); a surplus counts as none."""
    return np.maximum(spending - revenue, 0.0)


def step_reserves(nwf_bn_usd, deficit, deficit_share, rub_per_usd):
    """The National Wealth Fund after today's draw (its share of the deficit, at most what is
    left), and the deficit it leaves to be borrowed at home (trn RUB/year)."""
    wanted_bn_usd = deficit_share * deficit * (DAY_IN_YEARS * 1000.0) / rub_per_usd
    draw_bn_usd = np.minimum(wanted_bn_usd, nwf_bn_usd)
    home = deficit - draw_bn_usd * rub_per_usd / (DAY_IN_YEARS * 1000.0)
    return nwf_bn_usd - draw_bn_usd, np.maximum(home, 0.0)


def russia_pressure_parts(spending, deficit, home_borrowing, borrowing_capacity, sanctions):
    """The components of Russia's economic pressure, each in [0, 1], all flows: the deficit
    against spending (30 % of spending is full), the deficit borrowed at home against what the
    economy can bear (`russia_home_borrowing_capacity_trn_rub`), and sanctions."""
    shortfall = clip(deficit / spending / RUSSIA_SHORTFALL_SCALE, 0.0, 1.0)
    financing = clip(home_borrowing / borrowing_capacity, 0.0, 1.0)
    return shortfall, financing, clip(sanctions / 2.0, 0.0, 1.0)


def russia_pressure_index(parts, sanctions_weight):
    shortfall, financing, sanctions = parts
    w1, w2 = RUSSIA_FLOW_WEIGHTS
    rest = 1.0 - sanctions_weight
    return clip(rest * (w1 * shortfall + w2 * financing) + sanctions_weight * sanctions, 0.0, 1.0)


def us_aid_before_inauguration(baseline_bn_usd, gap_share, aid_flowing):
    """US aid before the new administration: 2024's flow, less `gap_share` of it while
    Congress passed no appropriation (`aid_flowing` False, early 2024)."""
    return baseline_bn_usd * (1.0 - gap_share * (not aid_flowing))


def europe_aid_with_compensation(baseline_bn_usd, compensation_share, us_baseline_bn_usd, us_aid):
    """Europe keeps its flow and makes up `compensation_share` of any US cut below 2024's
    flow (burden sharing)."""
    return baseline_bn_usd + compensation_share * np.maximum(us_baseline_bn_usd - us_aid, 0.0)


def ukraine_budget_gap(us_aid, us_military_share, eu_aid, eu_military_share, need):
    """Share of Ukraine's civilian external need that aid does not cover."""
    budget_aid = us_aid * (1.0 - us_military_share) + eu_aid * (1.0 - eu_military_share)
    return clip(1.0 - budget_aid / need, 0.0, 1.0)


def military_aid_bn_usd(us_aid, us_military_share, eu_aid, eu_military_share):
    """The military part of the aid flows, bn USD/year."""
    return us_aid * us_military_share + eu_aid * eu_military_share


def ukraine_military_supply(us_aid, us_military_share, eu_aid, eu_military_share,
                            history_military_bn_usd, domestic_share):
    """Ukraine's military supply relative to 2024 (1 = history's 2024 aid, the flows the
    front's pace was fought with), capped at 1.5: a run with more aid than history is supplied
    better, one with less worse. `history_military_bn_usd` is `military_aid_bn_usd` of history's
    inputs (`core.day.military_aid_2024_bn_usd`), never a run's own values."""
    military = military_aid_bn_usd(us_aid, us_military_share, eu_aid, eu_military_share)
    base = np.maximum(history_military_bn_usd, 1e-9)
    return domestic_share + (1.0 - domestic_share) * np.minimum(military / base, 1.5)


def deliver(supply, funded, delivery_days):
    """Today's military supply: it moves toward what the aid now funds by 1 / delivery_days a
    day, since weapons are produced, shipped and used up over months (and stocks buffer a cut)."""
    return supply + (funded - supply) / np.maximum(delivery_days, 1.0)


def russia_military_supply(pressure, base_pressure, sensitivity):
    """Russian supply relative to day 0: economic pressure above its day-0 level erodes it."""
    return clip(1.0 - sensitivity * (pressure - base_pressure), 0.2, 1.5)


def ukraine_pressure_parts(outage, budget_gap, military_supply, fighting_intensity):
    """The components of Ukraine's economic pressure, each in [0, 1]: power outages, the
    civilian budget gap, the military supply gap (aid) and the war burden (the day's fighting
    intensity, 1 = autumn 2024, which a ceasefire lowers)."""
    return (outage, budget_gap, clip(1.0 - military_supply, 0.0, 1.0),
            clip(fighting_intensity, 0.0, 1.0))


def ukraine_pressure_index(parts):
    w1, w2, w3, w4 = UKRAINE_WEIGHTS
    outage, budget_gap, supply_gap, burden = parts
    return clip(w1 * outage + w2 * budget_gap + w3 * supply_gap + w4 * burden, 0.0, 1.0)
