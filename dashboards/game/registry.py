"""The games of one server, by short join code.

A teacher's "New game" registers a `Game` under a code of `CODE_LENGTH` letters students type
(no 0/O or 1/I to mistake) and a teacher key only the teacher's link carries. Pages say when
they open and close; a game with no page open for `IDLE_SECONDS` (30 minutes) is freed. The
rules' fan of a game (for the shared chart and the debrief) and its drawings are made once per
game and shared by all its pages.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .engine import Game, GameSettings, MoveError

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5
IDLE_SECONDS = 30 * 60.0


@dataclass
class Entry:
    game: Game
    teacher_key: str
    pages: set[int] = field(default_factory=set)
    last_open: float = 0.0  # when a page was last open (clock seconds)
    cache: dict[Any, Any] = field(default_factory=dict)
    cache_lock: threading.Lock = field(default_factory=threading.Lock)


class GameRegistry:
    """Games by code. Thread-safe; `clock` is injectable so tests can pass 30 minutes."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.lock = threading.Lock()
        self.entries: dict[str, Entry] = {}
        self._next_page = 0

    def create(self, settings: GameSettings) -> tuple[str, str]:
        """A new game: its join code and the teacher's key."""
        self.free_idle()
        with self.lock:
            code = self._new_code()
            key = secrets.token_urlsafe(9)
            self.entries[code] = Entry(Game(settings, code=code), key, last_open=self.clock())
            return code, key

    def add(self, game: Game) -> tuple[str, str]:
        """Register a game already built (a record reopened for a debrief)."""
        with self.lock:
            code = self._new_code()
            game.code = code
            key = secrets.token_urlsafe(9)
            self.entries[code] = Entry(game, key, last_open=self.clock())
            return code, key

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self.entries:
                return code

    def entry(self, code: str) -> Entry:
        code = normal_code(code)
        with self.lock:
            found = self.entries.get(code)
        if found is None:
            raise MoveError("code", code, "the code of a game running on this server")
        return found

    def game(self, code: str) -> Game:
        return self.entry(code).game

    def teacher_game(self, code: str, key: str) -> Game:
        found = self.entry(code)
        if not secrets.compare_digest(str(key), found.teacher_key):
            raise MoveError("teacher", key, "the key in the teacher's link of this game")
        return found.game

    def page_opened(self, code: str) -> int:
        found = self.entry(code)
        with self.lock:
            self._next_page += 1
            found.pages.add(self._next_page)
            found.last_open = self.clock()
            return self._next_page

    def page_closed(self, code: str, page: int) -> None:
        with self.lock:
            found = self.entries.get(normal_code(code))
            if found is not None and page in found.pages:
                found.pages.discard(page)
                found.last_open = self.clock()

    def free_idle(self) -> list[str]:
        """Free the games no page has had open for `idle_seconds`; their codes."""
        now = self.clock()
        with self.lock:
            idle = [code for code, e in self.entries.items()
                    if not e.pages and now - e.last_open >= self.idle_seconds]
            for code in idle:
                del self.entries[code]
        return idle

    def codes(self) -> list[str]:
        with self.lock:
            return sorted(self.entries)


def normal_code(code: Any) -> str:
    if not isinstance(code, str):
        raise MoveError("code", code, f"{CODE_LENGTH} letters or digits")
    return code.strip().upper()


def cached(entry: Entry, key: Any, make: Callable[[], Any]) -> Any:
    """A value made once per game and key (the rules' fan, a chart for a day), shared by the
    game's pages; made under the entry's lock so two pages never make it twice."""
    with entry.cache_lock:
        if key not in entry.cache:
            entry.cache[key] = make()
        return entry.cache[key]


REGISTRY = GameRegistry()


def start_sweeper(registry: GameRegistry = REGISTRY, every_seconds: float = 60.0) -> threading.Thread:
    """A daemon thread that frees idle games and closes turns whose timer ran out."""

    def sweep():
        while True:
            time.sleep(every_seconds)
            registry.free_idle()
            for code in registry.codes():
                try:
                    registry.game(code).tick()
                except MoveError:
                    continue

    thread = threading.Thread(target=sweep, name="conflictsim-games", daemon=True)
    thread.start()
    return thread
