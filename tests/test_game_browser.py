"""The game as a class plays it, in Debian's Chromium: `conflictsim dashboard --game`, one
teacher page and four seats (one browser, five contexts), a three-turn game of 7-day turns.
A move from each seat shows in the shared state and the event log; a page closed mid-game
rejoins its seat by code and name and sees the same state; Zelensky's page (its HTML and every
message the server sent it) holds no value of Moscow's private type, nor Putin's of Kyiv's.
Costs about a minute (a server, five pages, three turns, the debrief): slow."""

from __future__ import annotations

import json
import re

import pytest

from dashboards.game.engine import SEAT_TITLES
from test_dashboard_browser import (ARTIFACTS, browser, cli_dashboard,  # noqa: F401
                                    loopback_only)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TIMEOUT_MS = 120_000  # under CI's load (four test workers on two cores)


@pytest.fixture(scope="module")
def game_server():
    with cli_dashboard("game_server.log", "--game", seconds=120) as url:
        yield url


class Client:
    """A page in its own browser context, with every message the server sent it kept."""

    def __init__(self, browser, url: str, width: int = 1280, height: int = 900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.set_default_timeout(TIMEOUT_MS)  # downloads, clicks: under load too
        self.context.route("**/*", loopback_only)
        self.page = self.context.new_page()
        self.frames: list[str] = []
        self.page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: self.frames.append(
                payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))))
        self.page.goto(url)

    def close(self):
        self.context.close()


def choose(page, select_class: str, text: str):
    page.locator(f".{select_class}").click()
    page.locator(".v-menu__content.menuable__content__active .v-list-item",
                 has_text=text).first.click()


def fill(page, css: str, value):
    field = page.locator(f"{css} input").first
    field.fill(str(value))
    field.press("Enter")


def state(page) -> dict:
    line = page.locator(".game-state").first
    return {"day": int(line.get_attribute("data-day")),
            "turn": int(line.get_attribute("data-turn")),
            "finished": line.get_attribute("data-finished") == "true",
            "occupied": line.get_attribute("data-occupied-km2"),
            "moves": json.loads(line.get_attribute("data-moves"))}


def wait_turn(page, turn: int):
    page.wait_for_function(
        f"() => Number(document.querySelector('.game-state')?.dataset.turn) >= {turn}",
        timeout=TIMEOUT_MS)


def join(client: Client, code: str, name: str, seat: str | None, key: str = "",
         seated: bool = True) -> str:
    """Join (or rejoin with `key`) from the start page; the seat's key its page shows."""
    page = client.page
    page.locator(".join-button").wait_for(timeout=TIMEOUT_MS)
    fill(page, ".join-code", code)
    fill(page, ".join-name", name)
    if key:
        fill(page, ".join-key", key)
    if seat is not None:
        choose(page, "join-seat", SEAT_TITLES[seat])
    page.locator(".join-button").click()
    if not seated:
        page.locator(".game-error").wait_for(timeout=TIMEOUT_MS)
        return ""
    page.locator(".seat-page").wait_for(timeout=TIMEOUT_MS)
    return page.locator(".rejoin-key").get_attribute("data-key")


def decide(page, control: str, value=None):
    page.locator(f".decide-{control} input").first.check(force=True)
    if value is not None:
        page.locator(f".value-{control}").first.wait_for(timeout=TIMEOUT_MS)
        fill(page, f".value-{control}", value)
        page.locator(".move-draft", has_text=f": {value:g}").wait_for(timeout=TIMEOUT_MS)


def decide_where(page, control: str, option: str):
    """Tick a choice control and pick one of its named options."""
    page.locator(f".decide-{control} input").first.check(force=True)
    page.locator(f".value-{control}").first.wait_for(timeout=TIMEOUT_MS)
    choose(page, f"value-{control}", option)
    page.locator(".move-draft", has_text=f": {option}").wait_for(timeout=TIMEOUT_MS)


def send(page):
    turn = state(page)["turn"] + 1
    page.locator(".send-move").click()
    page.locator(".move-sent", has_text=f"turn {turn} is in").wait_for(timeout=TIMEOUT_MS)


def renderings(value: float) -> list[str]:
    """As a page could print it: in full, to 4 or 6 places, or as a seat reads its own type."""
    return [repr(value), f"{value:.4f}", f"{value:.6f}", f"× {value:.2f}"]


def shown(value: float, text: str) -> str | None:
    """Where a page's text holds `value` as a number of its own (`renderings`), with what
    surrounds it; None if nowhere. A longer number that merely starts with
    the same digits (a chart's coordinate, a timer's seconds) is not the value."""
    for rendering in renderings(value):
        found = re.search(rf"(?<![\d.]){re.escape(rendering)}(?!\d)", text)
        if found:
            return text[max(found.start() - 80, 0):found.end() + 80]
    return None


def test_a_class_plays_three_turns_rejoins_and_keeps_secrets(browser, game_server):
    url = game_server
    teacher = Client(browser, url)
    pages: dict[str, Client] = {}
    try:
        page = teacher.page
        page.locator(".new-game").wait_for(timeout=TIMEOUT_MS)
        choose(page, "new-turn-days", "7")
        fill(page, ".new-turns", 3)
        fill(page, ".new-seed", 4)
        fill(page, ".new-minutes", 30)  # a turn timer, so the clock shows
        page.locator(".new-game").click()
        page.locator(".teacher-page").wait_for(timeout=TIMEOUT_MS)
        code = page.url.split("code=")[1].split("&")[0]
        clock = page.locator(".turn-clock")  # counts down with nothing else changing
        first = clock.inner_text(timeout=TIMEOUT_MS)
        page.wait_for_function("text => document.querySelector('.turn-clock').innerText != text",
                               arg=first, timeout=TIMEOUT_MS)
        moscow = float(page.locator(".private-russia_cost_private").get_attribute("data-value"))
        kyiv = float(page.locator(".private-ukraine_resolve_private").get_attribute("data-value"))

        moves = {"putin": ("offensive_effort", 1.6), "zelensky": ("mobilisation", 1.25),
                 "trump": ("us_aid", 21), "europe": ("eu_aid", 47)}
        keys = {}
        for seat in moves:
            pages[seat] = Client(browser, url, 1024, 768)
            keys[seat] = join(pages[seat], code, f"student-{seat}", seat)

        # turn 1: a move from each seat
        for seat, (control, value) in moves.items():
            decide(pages[seat].page, control, value)
            send(pages[seat].page)
        wait_turn(page, 1)
        shared = state(page)
        assert shared["day"] == 7
        for seat, (control, value) in moves.items():
            assert shared["moves"][0][seat] == {control: value}, seat
        page.locator(".event-lines", has_text="European leaders, played by the class").wait_for(
            timeout=TIMEOUT_MS)
        log = page.locator(".event-lines").inner_text()
        for seat in ("Putin (Moscow)", "Zelensky (Kyiv)", "Trump (Washington)",
                     "European leaders"):
            assert f"{seat}, played by the class" in log
        assert "offensive effort along the front: 1.6" in log and "us military aid" in log.lower()
        for client in pages.values():
            wait_turn(client.page, 1)
            assert state(client.page) == shared
        # the turn's report, over its days, on the teacher's page and the seats'
        report = page.locator(".turn-report-lines[data-turn='1']").inner_text(timeout=TIMEOUT_MS)
        assert "this turn" in report and "Putin (Moscow), the class: offensive effort" in report
        assert pages["putin"].page.locator(".turn-report-lines").inner_text() == report
        assert "moves act 9 Dec 2024 – 15 Dec 2024" in page.locator(".game-state").inner_text()

        # Zelensky's page closes mid-game; turn 2 goes on without it (the teacher closes it)
        pages.pop("zelensky").close()
        for seat in ("putin", "trump", "europe"):
            send(pages[seat].page)
        page.locator(".close-turn").click()
        wait_turn(page, 2)
        pages["zelensky"] = Client(browser, url, 1024, 768)
        # a name is public: without the seat's key nobody gets in, nor by the address alone
        join(pages["zelensky"], code, "student-zelensky", None, seated=False)
        assert "The name student-zelensky is already taken in this game" in \
            pages["zelensky"].page.locator(".game-error").inner_text()
        pages["zelensky"].page.goto(f"{url}?code={code}&name=student-zelensky")
        pages["zelensky"].page.locator(".game-error").wait_for(timeout=TIMEOUT_MS)
        assert pages["zelensky"].page.locator(".seat-page").count() == 0
        pages["zelensky"].page.goto(url)
        join(pages["zelensky"], code, "student-zelensky", None, keys["zelensky"])  # rejoin
        zelensky = pages["zelensky"].page
        assert zelensky.locator(".seat-zelensky").count() == 1
        zelensky.locator(".figure-game img").wait_for(timeout=TIMEOUT_MS)
        zelensky.screenshot(path=str(ARTIFACTS / "game_seat_1024x768.png"))
        assert state(zelensky) == state(page)
        zelensky.locator(".event-lines", has_text="played by the class").wait_for(
            timeout=TIMEOUT_MS)
        assert zelensky.locator(".event-lines").inner_text() == \
            page.locator(".event-lines").inner_text()

        # turn 3: everyone, the rejoined page too (Zelensky names where to attack); the game ends
        decide_where(zelensky, "offensive", "Zaporizhzhia (Orikhiv)")
        zelensky.locator(".control-offensive").screenshot(
            path=str(ARTIFACTS / "game_offensive_choice.png"))
        for seat in ("putin", "zelensky", "trump", "europe"):
            send(pages[seat].page)
        page.wait_for_function(
            "() => document.querySelector('.game-state')?.dataset.finished === 'true'",
            timeout=TIMEOUT_MS)
        assert state(page)["day"] == 21
        assert state(page)["moves"][2]["zelensky"] == {"offensive": 10}

        # private information: no page of one side holds the other side's type
        zelensky_text = zelensky.content() + "".join(pages["zelensky"].frames)
        putin_text = pages["putin"].page.content() + "".join(pages["putin"].frames)
        assert f"× {kyiv:.2f}" in zelensky_text, "the seat's own type is on its page"
        assert shown(moscow, zelensky_text) is None, shown(moscow, zelensky_text)
        assert "cost of a day of war" not in zelensky_text
        assert shown(kyiv, putin_text) is None, shown(kyiv, putin_text)
        assert "Your resolve" not in putin_text

        # the debrief
        page.locator(".open-debrief").click()
        page.locator(".debrief-data").wait_for(state="attached", timeout=TIMEOUT_MS)
        percentile = float(page.locator(".debrief-data").get_attribute("data-percentile"))
        assert 0.0 <= percentile <= 100.0
        assert page.locator(".debrief-data").get_attribute("data-most-moved") in moves
        assert page.locator(".turn-reports", has_text="Turn 3: 16 Dec 2024 – 22 Dec 2024").count()
        page.set_viewport_size({"width": 1024, "height": 768})
        page.screenshot(path=str(ARTIFACTS / "game_debrief.png"), full_page=True)
    finally:
        for client in pages.values():
            client.close()
        teacher.close()


def test_a_saved_game_reopens_from_the_file_dialog(browser, game_server, tmp_path):
    """The start page's button opens the system's file dialog (not only the drop zone): a
    saved record opens the teacher's page of a new game at the record's turn; a file that is
    no game record is refused in a sentence naming it, and the start page stays."""
    from dashboards.game.engine import Game, GameSettings, save_record

    played = Game(GameSettings(scenario="freeze", seed=3, turn_days=7, turns=3))
    played.join("Ana", "putin")
    played.submit("Ana", {"offensive_effort": 1.4})  # the only student: the turn is played
    saved = tmp_path / "game-SAVED.json"
    save_record(played, saved)
    broken = tmp_path / "not-a-game.json"
    broken.write_text("this is not JSON")
    client = Client(browser, game_server)
    try:
        page = client.page
        page.locator(".reopen-picker .widget-upload").wait_for(timeout=TIMEOUT_MS)
        with page.expect_file_chooser() as chooser:
            page.locator(".reopen-picker .widget-upload").click()
        chooser.value.set_files(str(broken))
        told = page.locator(".game-error").inner_text(timeout=TIMEOUT_MS)
        assert told.startswith("game record='not-a-game.json' is not allowed: a game record "
                               "saved from the teacher's page (JSON)"), told
        assert page.locator(".new-game").is_visible(), "the start page stays"
        page.screenshot(path=str(ARTIFACTS / "game_reopen_refused.png"))
        with page.expect_file_chooser() as chooser:
            page.locator(".reopen-picker .widget-upload").click()
        chooser.value.set_files(str(saved))
        page.locator(".teacher-page").wait_for(timeout=TIMEOUT_MS)
        assert "teacher=" in page.url
        reopened = state(page)
        assert (reopened["turn"], reopened["day"]) == (1, 7)
        assert reopened["moves"][0]["putin"] == {"offensive_effort": 1.4}
    finally:
        client.close()
