"""What every figure of the project shares, wherever it is drawn (`sim.plots`, the research
plots, the dashboard): the colours and the quantiles of a fan.

Colours are the Okabe & Ito (2008) "Color Universal Design" palette, which stays
distinguishable with colour-blindness; in this order they are the research plots' cycle.
"""

from __future__ import annotations

OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
    "grey": "#999999",
}
CYCLE = tuple(OKABE_ITO[k] for k in ("orange", "sky_blue", "green", "yellow", "blue", "vermillion",
                                    "purple", "black"))

# a fan: the 90 % band, the 50 % band and the median, over runs
FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
