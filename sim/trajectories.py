"""The recorded trajectories (one value per run and day), declared once.

`ConflictModel` records these fields; the dashboard's charts and comparison, the game's charts,
the lessons, sweep specs and docs/MODEL.md read their labels and units from here, so a
trajectory is named one way everywhere. `display_unit` and `display_scale` say how people read
it (e.g. occupied area in thousand km², the value divided by 1,000); `decimals`, how many places
of a value mean something to them (what an export keeps).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrajectorySpec:
    """One recorded field of the state, per run and day."""

    name: str
    label: str
    unit: str
    meaning: str
    display_unit: str = ""
    display_scale: float = 1.0

    @property
    def shown_unit(self) -> str:
        return self.display_unit or self.unit

    @property
    def decimals(self) -> int:
        """Decimal places worth writing for a reader: those of the unit (`UNIT_DECIMALS`)."""
        return UNIT_DECIMALS[self.unit]

    @property
    def axis_label(self) -> str:
        """For an axis drawn in the recorded unit."""
        return f"{self.label} ({self.unit})"


# Places a value in each unit is worth to a reader: whole km², persons, codes and flags; troops
# (in thousands) to the soldier; indices, shares and ratios to a tenth of a percent; GW to 10 MW;
# billions of USD to 10 million; oil to the cent; a pace to a tenth of a km² a day. Finer digits
# are the model's arithmetic, not information.
UNIT_DECIMALS: dict[str, int] = {
    "km2": 0, "persons": 0, "code": 0, "0/1": 0, "thousand": 3,
    "index 0-1": 3, "index -1..1": 3, "share": 3, "Russian per Ukrainian": 3,
    "GW": 2, "bn USD / year": 2, "bn USD": 2, "USD/bbl": 2, "km2/day": 1,
}

_T = TrajectorySpec
TRAJECTORIES: dict[str, TrajectorySpec] = {t.name: t for t in [
    _T("occupied_km2", "Russian-occupied area of Ukraine", "km2",
       "Ukrainian land held by Russia (Kursk excluded; land ceded in a deal included).",
       "thousand km²", 1000.0),
    _T("russia_economic_pressure", "Economic pressure on Russia", "index 0-1",
       "Strain of the deficit borrowed at home, its financing and sanctions (core.economy)."),
    _T("ukraine_economic_pressure", "Economic pressure on Ukraine", "index 0-1",
       "Strain of power outages, the budget gap, military supply and the fighting."),
    _T("talks_phase", "Talks phase", "code",
       "0 no talks, 1 talks while fighting, 2 ceasefire, 3 settlement."),
    _T("grid_gw", "Ukraine's grid capacity", "GW", "Available generating capacity."),
    _T("outage_share", "Power outages in Ukraine", "share",
       "Share of demand not met by the grid today."),
    _T("ukraine_support", "Domestic support in Ukraine for fighting on", "share",
       "Share of Ukrainians who support fighting on."),
    _T("russia_stability", "Stability of Russia's regime", "index 0-1",
       "How firmly Moscow holds power: limits call-ups, falls with losses and strain."),
    _T("us_aid_bn_usd_yr", "US aid", "bn USD / year", "Military aid from Washington, annual rate."),
    _T("eu_aid_bn_usd_yr", "European aid", "bn USD / year", "Military aid from Europe, annual rate."),
    _T("us_sanctions", "US sanctions", "index 0-1",
       "Intensity of US sanctions on Russia in force (less any relief in a deal)."),
    _T("eu_sanctions", "EU sanctions", "index 0-1",
       "Intensity of EU sanctions on Russia in force (less any relief in a deal)."),
    _T("russia_casualties", "Russian casualties", "persons",
       "Killed and wounded since day 0, cumulative.", "thousand", 1000.0),
    _T("ukraine_casualties", "Ukrainian casualties", "persons",
       "Killed and wounded since day 0, cumulative.", "thousand", 1000.0),
    _T("russia_casualties_today", "Russian casualties today", "persons",
       "Killed and wounded on the day."),
    _T("ukraine_casualties_today", "Ukrainian casualties today", "persons",
       "Killed and wounded on the day."),
    _T("russia_troops_k", "Russian troops at the front", "thousand",
       "Troops in all sectors (Kursk included): raised by contracts and call-ups, worn down by "
       "the fighting (core.forces, core.combat)."),
    _T("ukraine_troops_k", "Ukrainian troops at the front", "thousand",
       "Troops in all sectors (Kursk included): raised by mobilisation after training, worn "
       "down by the fighting."),
    _T("front_force_ratio", "Force ratio at the front", "Russian per Ukrainian",
       "Russian over Ukrainian troops at the front; the front's pace rises with it."),
    _T("russia_contracts_today", "Russian contracts signed today", "persons",
       "Volunteers signing up: sign-up pay out of the budget, the pool of willing men."),
    _T("russia_called_up_today", "Russian reservists called up today", "persons",
       "Putin's call-ups, limited by the regime's stability; 0 on most days."),
    _T("ukraine_recruits_today", "Ukrainian recruits reaching the front today", "persons",
       "Mobilised men arriving after training: the law, its enforcement, support, the threat."),
    _T("advance_km2_today", "Ground gained by Russia today", "km2",
       "Change in the occupied area on the day (negative when Ukraine gains)."),
    _T("kursk_held_km2", "Ukrainian-held ground in Kursk", "km2",
       "Ground Ukraine holds inside Russia."),
    _T("ukraine_offensive_sector", "Sector Ukraine attacks today", "code",
       "Number of the sector, north to south from 0 (Kursk), where Ukraine is on the offensive; "
       "-1 on days without one."),
    _T("nwf_bn_usd", "Russia's National Wealth Fund", "bn USD", "Its liquid assets."),
    _T("oil_price_usd", "Urals oil price", "USD/bbl", "Price Russia's oil sells at."),
    _T("us_blame", "Whom Washington blames", "index -1..1",
       "-1 Kyiv blamed for the war going on, +1 Moscow blamed."),
    _T("strike_wave_today", "Strike wave on the grid today", "0/1",
       "1 on days of a Russian wave of strikes on Ukraine's energy."),
    _T("refused_today", "Package refused today", "0/1",
       "1 on days a package was refused (by either side or a party off the table)."),
    _T("moratorium", "Energy truce in force", "0/1",
       "1 while an agreed truce on strikes on energy holds."),
    _T("last_offer_km2", "Land beyond the line in the last package", "km2",
       "Unoccupied Ukrainian land the last package on the table would cede."),
    _T("russia_pace_belief", "Ground Moscow expects to gain", "km2/day",
       "Moscow's belief about its pace of advance if the war goes on."),
    _T("ukraine_pace_belief", "Ground Kyiv expects to lose", "km2/day",
       "Kyiv's belief about Russia's pace of advance if the war goes on."),
    _T("proposer_today", "Who proposed today", "code",
       "0 nobody, 1 Moscow, 2 Kyiv, 3 Washington."),
    _T("ukraine_refused_today", "Kyiv refused today", "0/1", "1 on days Kyiv refused a package."),
    _T("russia_refused_today", "Moscow refused today", "0/1",
       "1 on days Moscow refused a package."),
    _T("refusal_reasonableness", "How reasonable today's refusal looked", "share",
       "As Washington saw it from outside; empty (NaN) on days without a refusal."),
    _T("russia_pressure_deficit", "Russia's pressure: the deficit", "index 0-1",
       "Part of Russia's economic pressure from the deficit to cover."),
    _T("russia_pressure_financing", "Russia's pressure: borrowing at home", "index 0-1",
       "Part from borrowing at home against its capacity."),
    _T("russia_pressure_sanctions", "Russia's pressure: sanctions", "index 0-1",
       "Part from sanctions in force."),
    _T("ukraine_pressure_outages", "Ukraine's pressure: outages", "index 0-1",
       "Part of Ukraine's economic pressure from power outages."),
    _T("ukraine_pressure_budget", "Ukraine's pressure: the budget", "index 0-1",
       "Part from the budget gap aid does not fill."),
    _T("ukraine_pressure_supply", "Ukraine's pressure: military supply", "index 0-1",
       "Part from military supply short of need."),
    _T("ukraine_pressure_fighting", "Ukraine's pressure: the fighting", "index 0-1",
       "Part from the fighting itself."),
]}
TRAJECTORY_FIELDS: tuple[str, ...] = tuple(TRAJECTORIES)
