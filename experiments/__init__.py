"""Researchers' experiments: declared sweeps, sensitivity analysis, calibration and scenario
discovery.

`spec` reads a TOML experiment, `samplers` draws its points, `chunks` runs one chunk as one batched
model call, `evaluators` run chunks serially, on local processes or on Dask, `storage` writes the
Parquet dataset and manifest, `sweep` ties them together; `sensitivity`, `calibration`, `discover`
and `plots` analyse the results; `cli` adds the `sweep`, `results`, `sensitivity`, `calibrate` and
`discover` commands. `run(spec)` and `load(DIR)` (from `api`) return a sweep's tables in Python.
"""

__all__ = ["Experiment", "load", "run"]
_SUBMODULES = ("api", "calibration", "chunks", "cli", "cluster", "derived", "discover",
               "evaluators", "noise", "plots", "results", "samplers", "sensitivity", "spec",
               "storage", "sweep")


def __getattr__(name: str):
    """`experiments.run` and friends, imported on first use: the CLI imports this package to
    register its commands and should not pay for pandas and pyarrow before it needs them."""
    if name in __all__:
        from . import api

        return getattr(api, name)
    if name in _SUBMODULES:  # `import experiments; experiments.discover.analyse(...)`
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")
