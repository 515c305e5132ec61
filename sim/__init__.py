"""conflictsim: an agent-based simulation of the war in Ukraine and the talks around it."""

from .core.portable import DEFAULT_MODE as DEFAULT_MATH
from .core.portable import MODES as MATH_MODES
from .model import ConflictModel
from .outcomes import OUTCOME_CLASSES
from .params import PARAMS, ParamError, ParamSpec, Params
from .scenarios import SCENARIOS
from .simulate import SimResult, simulate

__all__ = ["ConflictModel", "DEFAULT_MATH", "MATH_MODES", "OUTCOME_CLASSES", "PARAMS",
           "ParamError", "ParamSpec", "Params", "SCENARIOS", "SimResult", "simulate"]
