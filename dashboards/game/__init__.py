"""Students play the leaders: a shared game over one run of the model (HubNet-style).

`engine` holds a game with no UI (seats, turns, votes, a timer, the record, seat views that keep
each leader's private information private); `registry` keeps the games of one server by join
code; `app` is the Solara pages (teacher, seat, debrief); `debrief` sets the class's run against
the model's own fan. Nothing in `sim/` imports this package: a seated leader supplies the same
part of `sim.moves.Moves` its rule would.
"""
