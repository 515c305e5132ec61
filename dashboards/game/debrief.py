"""The debrief: the class's run set against the runs the model's own leaders make.

The rules' fan is `fan_runs` runs of the game's settings (same scenario, start, seed: the
class's run is run 0 of that seed, so fan member 0 is the class's run as the rules play it,
and every member meets the same kind of luck). The debrief says where the class's run ends
inside that fan (percentile of occupied area, outcome class against the fan's shares), which
seat moved it most (the game replayed with that seat's moves handed back to the rule), and
what happened in the talks. `game_figure` draws the shared chart of the game pages and of
the debrief from the dashboard's own fan drawing (`dashboards.plots`).
"""

from __future__ import annotations

import types
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

import sim
from sim.outcomes import OUTCOME_CLASSES, outcome_class
from sim.trajectories import TRAJECTORIES

from .. import plots
from .engine import SEAT_TITLES, SEATS, TALKS_CONTROLS, Game, TurnRecord, build_model

TALKS_KINDS = ("talks", "offer", "ceasefire", "breakdown", "settlement")


def rules_fan(game: Game) -> sim.ConflictModel:
    """The fan: the game's settings played by the rules alone, `fan_runs` runs to the horizon."""
    return build_model(game.settings, n_runs=game.settings.fan_runs).run()


def classes_on(trajectories, params, day: int) -> np.ndarray:
    """Outcome class codes of every run on `day`, by the model's own precedence
    (`sim.outcomes.outcome_class`), read from the recorded trajectories."""
    state = types.SimpleNamespace(**{name: trajectories[name][:, day] for name in
                                     ("talks_phase", "russia_economic_pressure",
                                      "ukraine_support")})
    return outcome_class(state, params)


@dataclass(frozen=True)
class SeatEffect:
    seat: str
    moved: bool  # whether the class decided anything in this seat
    occupied_km2: float  # the final occupied area with this seat handed back to the rule
    outcome: str


@dataclass(frozen=True)
class Debrief:
    day: int
    class_occupied_km2: float
    rules_occupied_km2: np.ndarray  # (fan_runs,) on the same day
    twin_occupied_km2: float  # fan member 0: the class's run played by the rules
    percentile: float  # share of the rules' runs with at most the class's occupied area, %
    class_outcome: str
    outcome_shares: dict[str, float]
    seats: tuple[SeatEffect, ...]
    talks: tuple[str, ...]

    @property
    def most_moved(self) -> SeatEffect | None:
        """The seat whose moves changed the occupied area most (among seats the class played);
        None when no seat's moves changed it by half a km² or more."""
        played = [s for s in self.seats
                  if s.moved and abs(s.occupied_km2 - self.class_occupied_km2) >= 0.5]
        if not played:
            return None
        return max(played, key=lambda s: abs(s.occupied_km2 - self.class_occupied_km2))

    def lines(self) -> list[str]:
        """The debrief in sentences, for the page and a report."""
        out = [f"The class's run ends with {self.class_occupied_km2:,.0f} km² occupied; "
               f"{self.percentile:.0f} % of the rules' {len(self.rules_occupied_km2)} runs end "
               f"with as much or less (median {np.median(self.rules_occupied_km2):,.0f} km²; the "
               f"same run played by the rules: {self.twin_occupied_km2:,.0f} km²).",
               f"Its outcome: {self.class_outcome}, as in {self.outcome_shares[self.class_outcome]:.0%}"
               " of the rules' runs ("
               + ", ".join(f"{name} {share:.0%}" for name, share in self.outcome_shares.items()
                           if share > 0) + ")."]
        for seat in self.seats:
            if seat.moved:
                change = self.class_occupied_km2 - seat.occupied_km2
                effect = (f"changed the occupied area by {change:+,.0f} km²"
                          if abs(change) >= 0.5 else "left the occupied area as it was")
                out.append(f"{SEAT_TITLES[seat.seat]} played by the rule instead: "
                           f"{seat.occupied_km2:,.0f} km² and {seat.outcome}; the class's moves "
                           f"in this seat {effect}.")
        most = self.most_moved
        if most is not None:
            out.append(f"The seat that moved the run most: {SEAT_TITLES[most.seat]}.")
        return out


def debrief(game: Game, fan: sim.ConflictModel) -> Debrief:
    """Where the class's run lies in the rules' fan, and what each seat's moves did."""
    day = game.model.day
    rules = fan.trajectories["occupied_km2"][:, day]
    mine = float(game.model.trajectories["occupied_km2"][0, day])
    codes = classes_on(fan.trajectories, fan.params, day)
    shares = {name: float(np.mean(codes == k)) for k, name in enumerate(OUTCOME_CLASSES)}
    mine_class = OUTCOME_CLASSES[int(classes_on(game.model.trajectories, game.model.params, day)[0])]
    effects = tuple(seat_effect(game, seat) for seat in SEATS)
    talks = tuple(e.line(game.model.start_date) for e in game.events(only=TALKS_CONTROLS)
                  if e.kind in TALKS_KINDS or e.kind == "intervention")
    return Debrief(day=day, class_occupied_km2=mine, rules_occupied_km2=rules,
                   twin_occupied_km2=float(rules[0]),
                   percentile=100.0 * float(np.mean(rules <= mine)),
                   class_outcome=mine_class, outcome_shares=shares, seats=effects, talks=talks)


def seat_effect(game: Game, seat: str) -> SeatEffect:
    """The game replayed with `seat`'s moves handed back to the rule (the others as played)."""
    moved = any(turn.moves.get(seat) for turn in game.turns)
    if not moved:
        return SeatEffect(seat, False, float(game.model.state.occupied_km2[0]),
                          OUTCOME_CLASSES[int(classes_on(game.model.trajectories, game.model.params,
                                                         game.model.day)[0])])
    replay = Game(game.settings)
    for turn in game.turns:
        moves = {s: ({} if s == seat else m) for s, m in turn.moves.items()}
        replay._play(moves)
        replay.turns.append(TurnRecord(moves))
    day = replay.model.day
    code = int(classes_on(replay.model.trajectories, replay.model.params, day)[0])
    return SeatEffect(seat, True, float(replay.model.state.occupied_km2[0]),
                      OUTCOME_CLASSES[code])


# --------------------------------------------------------------------------- the chart
GAME_PANELS = tuple(
    (("Front line: " if name == "occupied_km2" else "") + TRAJECTORIES[name].label,
     TRAJECTORIES[name].shown_unit, name, TRAJECTORIES[name].display_scale, colour)
    for name, colour in (("occupied_km2", plots.UKRAINE), ("russia_economic_pressure", plots.RUSSIA),
                         ("ukraine_support", plots.OKABE_ITO["green"]),
                         ("grid_gw", plots.OKABE_ITO["sky_blue"]),
                         # what the seats' call-ups and mobilisation move
                         ("front_force_ratio", plots.RUSSIA),
                         ("ukraine_troops_k", plots.UKRAINE)))


def tick_months(days: int) -> int:
    """Months between date ticks in a half-width panel: every six for a game past a year
    (three-monthly "Mar 2025" labels run into each other there), three past half a year, else
    every month."""
    return 6 if days > 365 else 3 if days > 180 else 1


def game_figure(fan: sim.ConflictModel, game: Game, title: str | None = None,
                whole_twin: bool = False) -> Figure:
    """The rules' fan (bands and median, the dashboard's fan drawing) with the class's run in
    black up to today, and the same run played by the rules (fan member 0) dotted, up to today
    while the game is played: its future would tell the seats what both sides' private values
    make of the run (`whole_twin` draws it to the horizon, for the debrief). Only public
    quantities are drawn."""
    model = game.model
    today = model.day
    marks = plots.time_marks(model.days, today, model.trajectories["talks_phase"][0],
                             start=model.start_date)
    fig = Figure(figsize=(9.0, 8.2), dpi=plots.RENDER_DPI, layout="constrained")
    if title:
        fig.suptitle(title, fontsize=plots.TITLE_PT, x=0.01, ha="left")
    axes = fig.subplots(len(GAME_PANELS) // 2, 2)
    for ax, (name, unit, field, scale, colour) in zip(axes.ravel(), GAME_PANELS):
        plots.mark_time_axis(ax, marks)
        plots.draw_fan(ax, plots.bands(fan.trajectories[field] / scale), colour, "rules' runs")
        twin_days = model.days if whole_twin else today
        ax.plot(np.arange(twin_days + 1), fan.trajectories[field][0, : twin_days + 1] / scale,
                color=plots.HIGHLIGHT, lw=0.9, ls=plots.FUTURE_STYLE, alpha=0.7,
                label="this run played by the rules")
        run = model.trajectories[field][0, : today + 1] / scale
        ax.plot(np.arange(today + 1), run, color=plots.HIGHLIGHT, lw=1.8, label="the class's run")
        ax.set_title(name, fontsize=plots.TITLE_PT, loc="left")
        ax.set_ylabel(unit, fontsize=plots.LABEL_PT)
        ax.tick_params(labelsize=plots.TICK_PT)
        plots.date_ticks(ax, marks, tick_months(model.days))
    axes[0, 0].legend(fontsize=plots.LEGEND_PT, loc="upper left")
    return fig


def outcome_bars(result: Debrief, horizon) -> Figure:
    """The rules' outcome shares (the dashboard's outcome chart), the class's outcome named."""
    fig = plots.outcome_figure({name: round(1000 * share) for name, share in
                                result.outcome_shares.items()}, horizon)
    ax = fig.axes[0]
    ax.set_title(f"The rules' {len(result.rules_occupied_km2)} runs on {plots.day_text(horizon)}",
                 fontsize=plots.TITLE_PT, loc="left")
    names = list(result.outcome_shares)
    if result.class_outcome in names:  # the class's outcome in bold
        label = ax.get_yticklabels()[names.index(result.class_outcome)]
        label.set_fontweight("bold")
    return fig


__all__ = ["Debrief", "SeatEffect", "debrief", "game_figure", "outcome_bars", "rules_fan"]
