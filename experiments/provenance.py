"""What computed a sweep's rows: the model's fingerprint and the worker's environment.

The model fingerprint hashes every source file of the installed `sim` package and every data file
it ships, so two installations agree on it exactly when they would run the same model. A resumed
sweep, and every worker that sends rows back, must show the fingerprint the sweep started with;
otherwise one dataset would mix two models. The per-file hashes are kept so a refusal can say
which files differ.
"""

from __future__ import annotations

import hashlib
import os
import platform
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("conflictsim", "numpy", "mesa", "pandas", "pyarrow", "SALib", "dask", "distributed",
            "scipy", "tqdm")
MODEL_SUFFIXES = (".py", ".csv", ".json", ".toml", ".txt")


def model_files(root: Path | None = None) -> dict[str, str]:
    """Relative path -> sha256 of each source and data file of the `sim` package."""
    import sim

    root = Path(sim.__file__).parent if root is None else root
    hashes = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in MODEL_SUFFIXES and "__pycache__" not in path.parts:
            hashes[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def fingerprint_of(files: dict[str, str]) -> str:
    text = "\n".join(f"{name} {digest}" for name, digest in sorted(files.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def model() -> dict[str, Any]:
    """This process's model: {"fingerprint": ..., "files": {path: sha256}} (hashed once)."""
    files = model_files()
    return {"fingerprint": fingerprint_of(files), "files": files}


def model_fingerprint() -> str:
    return model()["fingerprint"]


def changed_files(stored: dict[str, str], current: dict[str, str]) -> list[str]:
    """Files added, removed or edited between two `model_files` tables."""
    return sorted(name for name in set(stored) | set(current) if stored.get(name) != current.get(name))


def package_version(name: str = "conflictsim") -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@lru_cache(maxsize=1)
def environment() -> dict[str, Any]:
    """Versions and CPU features: numpy's exp/log can differ in the last bit across CPUs."""
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "versions": {package: package_version(package) for package in PACKAGES},
        "numpy_cpu_features": cpu_features(),
    }


def worker_identity() -> dict[str, Any]:
    """What a worker reports with each chunk: host, model fingerprint, the versions that can
    change a result (python, numpy, conflictsim) and numpy's CPU features."""
    env = environment()
    return {"host": platform.node(), "model_fingerprint": model_fingerprint(),
            "python": env["python"], "numpy": env["versions"]["numpy"],
            "conflictsim": env["versions"]["conflictsim"],
            "numpy_cpu_features": env["numpy_cpu_features"]}


def identity_key(identity: dict[str, Any]) -> str:
    """A short name for a worker identity (the same machine setup gives the same key)."""
    text = repr(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in identity.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def cpu_features() -> list[str]:
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:
        return []
    return sorted(name for name, present in __cpu_features__.items() if present)


def version_text() -> str:
    """`conflictsim --version`: the package version and the model fingerprint."""
    return (f"conflictsim {package_version() or 'unknown'} (model fingerprint "
            f"{model_fingerprint()}, python {sys.version.split()[0]}, numpy "
            f"{package_version('numpy')})")
