"""How the students' dashboard server is started: its command and its environment, shared by
`conflictsim dashboard`, the headless page (`dashboards.headless`), the tests and the
benchmarks, so each serves the page the same way."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .lessons import LESSONS_ENV
from .sweeps import SWEEPS_ENV

REPO_ROOT = Path(__file__).resolve().parent.parent
# How long Solara keeps a session whose connection dropped (the session holds a 200-run model
# and fan, tens of MB): long enough to survive a reload or a brief network drop. A tab that
# closes says so and its session goes at once.
SESSION_TIMEOUT_SECONDS = 120
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's default start, kept fixed
COOKIE_WARNING = "ignore:Cookies with samesite=none require https:UserWarning"


GAME_APP = "dashboards.game.app"


def server_command(host: str, port: int, open_browser: bool = False,
                   app: str = "dashboards.server") -> list[str]:
    return [sys.executable, "-m", "solara", "run", app, "--host", host,
            "--port", str(port), "--production", "--no-check-version",
            "--open" if open_browser else "--no-open"]


def server_env(base: dict[str, str] | None = None, sweeps: Path | None = None,
               session_timeout: int = SESSION_TIMEOUT_SECONDS,
               lessons: Path | None = None) -> dict[str, str]:
    """The server's environment: telemetry and Solara's corner badge off (the About panel
    credits Solara instead), sessions freed
    `session_timeout` seconds after their connection dropped, the sweeps folder if the teacher
    gave one (and none otherwise, whatever the caller's environment says), and the repository
    importable as `dashboards`."""
    env = dict(os.environ if base is None else base)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env["SOLARA_THEME_SHOW_BANNER"] = "False"  # its corner badge covered our header and charts
    env["SOLARA_KERNEL_CULL_TIMEOUT"] = f"{int(session_timeout)}s"
    # glibc raises its mmap threshold each time a large block (a fan's arrays) is freed, so later
    # large blocks go to the heap and stay there, fragmented, after the page that made them
    # closed: 30 pages left the server 67 % bigger. A fixed threshold returns them to the system
    # when freed (5 % after 30 pages), and two arenas keep the play loops' threads from
    # spreading small blocks over one heap each.
    env.setdefault("MALLOC_MMAP_THRESHOLD_", str(MMAP_THRESHOLD_BYTES))
    env.setdefault("MALLOC_ARENA_MAX", "2")
    # Arrow (which writes the runs' CSV and Parquet) allocates from mimalloc by default, which
    # keeps what it freed: pages estimating their files' sizes left the server 27 % bigger
    # after 20 closed pages; on glibc's allocator, as set above, 7 %
    env.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    # Solara warns about its session cookie's samesite flag on every page served over plain
    # http: a dozen lines per student in the teacher's terminal, about nothing the class needs.
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS"), COOKIE_WARNING) if w)
    env.pop(SWEEPS_ENV, None)
    if sweeps is not None:
        env[SWEEPS_ENV] = str(sweeps)
    env.pop(LESSONS_ENV, None)  # the shipped lessons unless the teacher named a folder
    if lessons is not None:
        env[LESSONS_ENV] = str(lessons)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return env
