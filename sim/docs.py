"""Render docs/MODEL.md's parameter, trajectory and outcome tables from their declarations
(`python -m sim.docs`)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .outcomes import OUTCOMES
from .params import GROUPS, iter_specs
from .trajectories import TRAJECTORIES

BEGIN, END = "<!-- BEGIN PARAMETER TABLE -->", "<!-- END PARAMETER TABLE -->"
TRAJECTORY_BEGIN, TRAJECTORY_END = "<!-- BEGIN TRAJECTORY TABLE -->", "<!-- END TRAJECTORY TABLE -->"
OUTCOME_BEGIN, OUTCOME_END = "<!-- BEGIN OUTCOME TABLE -->", "<!-- END OUTCOME TABLE -->"


def parameter_table() -> str:
    lines = []
    for group in GROUPS:
        lines += [f"\n**{group.replace('_', ' ')}**\n",
                  "| name | default | range | unit | meaning | source |",
                  "|---|---|---|---|---|---|"]
        for spec in iter_specs(group):
            allowed = ("one of " + ", ".join(spec.choices) if spec.kind == "choice"
                       else "true/false" if spec.kind == "bool" else f"{spec.low:g} to {spec.high:g}")
            lines.append(f"| `{spec.name}` | {spec.default_text()} | {allowed} | {spec.unit} | "
                         f"{spec.meaning} | {spec.source}{prior_text(spec)} |")
    return "\n".join(lines) + "\n"


def trajectory_table() -> str:
    lines = ["", "| name | label | unit | meaning |", "|---|---|---|---|"]
    lines += [f"| `{t.name}` | {t.label} | {t.unit} | {t.meaning} |" for t in TRAJECTORIES.values()]
    return "\n".join(lines) + "\n"


def outcome_table() -> str:
    """The per-run outcome columns of a run's and a sweep's table; 'empty without' names the
    event without which a run has no value (NaN in the Parquet files)."""
    lines = ["", "| column | label | unit | meaning | empty without |", "|---|---|---|---|---|"]
    lines += [f"| `{o.name}` | {o.label} | {o.unit} | {o.meaning} | {o.empty_without or '-'} |"
              for o in OUTCOMES.values()]
    return "\n".join(lines) + "\n"


def prior_text(spec) -> str:
    """What a run draws for the parameter when uncertainty is on (empty if nothing)."""
    prior = spec.prior
    if prior is None:
        return ""
    if prior.kind == "posterior":
        return ". *Uncertainty: drawn jointly from the calibration posterior.*"
    shape = (f"triangular {prior.low:g}-{prior.high:g}, mode {prior.mode:g}"
             if prior.kind == "triangular" else f"uniform {prior.low:g}-{prior.high:g}")
    return f". *Uncertainty: {shape} ({prior.reason}).*"


def update(path: Path) -> bool:
    """Rewrite the tables between their markers; returns True if the file changed."""
    text = path.read_text(encoding="utf-8")
    new = text
    for begin, end, table in ((BEGIN, END, parameter_table),
                              (TRAJECTORY_BEGIN, TRAJECTORY_END, trajectory_table),
                              (OUTCOME_BEGIN, OUTCOME_END, outcome_table)):
        new = re.sub(re.escape(begin) + ".*?" + re.escape(end),
                     lambda _: f"{begin}\n{table()}{end}", new, flags=re.S)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/MODEL.md")
    print(("updated " if update(target) else "unchanged ") + str(target))
