"""conflictsim: an agent-based simulation of the war in Ukraine and the talks around it."""

from .model import ConflictModel
from .outcomes import OUTCOME_CLASSES
from .params import PARAMS, ParamError, ParamSpec, Params
from .scenarios import SCENARIOS
from .simulate import SimResult, simulate

__all__ = ["ConflictModel", "OUTCOME_CLASSES", "PARAMS", "ParamError", "ParamSpec", "Params",
           "SCENARIOS", "SimResult", "simulate"]
