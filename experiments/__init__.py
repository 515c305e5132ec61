"""Researchers' experiments: declared sweeps, sensitivity analysis and calibration.

`spec` reads a TOML experiment, `samplers` draws its points, `chunks` runs one chunk as one batched
model call, `evaluators` run chunks serially, on local processes or on Dask, `storage` writes the
Parquet dataset and manifest, `sweep` ties them together; `sensitivity`, `calibration` and `plots`
analyse the results; `cli` adds the `sweep`, `results`, `sensitivity` and `calibrate` commands.
"""
