"""The students' page keeps its settings in its address (dashboards/app.py,
`AddressFollowsSettings`): a reload opens the same settings, Back and Forward step through them,
a dragged slider writes one address, not one per step, and a page's address is its own. Solara's
test renderer with Solara's router around the component; the browser's side is in
tests/test_dashboard_address_browser.py."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
import solara
from solara.autorouting import RoutingProvider

from dashboards import actions, app
from dashboards.reactive_state import DashboardState
from dashboards.session import Session
from dashboards.settings import (Settings, address_query, settings_from_query,
                                 settings_to_query)

RUNS = 6  # a small ensemble: these tests watch the address, not the fan
SETTLE_S = 0.05


@pytest.mark.parametrize("settings", [
    Settings(),
    Settings(scenario="freeze", seed=7, run_offset=3),
    Settings(scenario="deterrence").with_value("trump_aid_level", 0.35)
    .with_value("trump_pushes_talks", False).with_value("putin_strategy", "maximalist"),
    Settings(start_date="2023-07-01", uncertainty="off", math="portable")
    .with_value("trump_aid_level", 0.1 + 0.2),
    Settings().with_value("trump_aid_level", 0.5).with_change(30, "trump_aid_level", 0.25)
    .with_change(30, "trump_sanctions_level", 0.9).with_change(200, "trump_aid_level", 1.0),
])
def test_the_address_gives_back_the_very_settings_it_was_written_from(settings):
    """The page compares the address's settings with its own to tell a move of the address
    (Back, Forward, a link) from its own writing: they must come back equal, floats bit for
    bit, or a reload would rebuild and the next change would be taken for Back."""
    query = address_query(settings)
    assert query == settings_to_query(settings), "one encoder: the shared link's"
    assert settings_from_query(query, base=Settings()) == settings
    assert actions.settings_in_address("?" + query, Settings()) == settings


def test_the_address_keeps_the_lesson_it_named_and_an_empty_one_is_the_first_page():
    assert address_query(Settings(), "?lesson=freeze_or_fight&seed=4").endswith(
        "&lesson=freeze_or_fight")
    assert "lesson" not in address_query(Settings(), "?seed=4")
    changed = Settings(scenario="freeze", seed=3).with_value("trump_aid_level", 0.2)
    assert actions.settings_in_address("", changed) == Settings(), \
        "the bare address (Back to where the page opened) holds the first settings"
    assert actions.settings_in_address("?lesson=freeze_or_fight", changed) == Settings()


class Page:
    """The component inside Solara's router, as the server serves it, with a session of its
    own; `address` is the router's query string, `writes` counts the addresses written."""

    def __init__(self, address: str = "", lessons=()):
        self.session = Session(Settings(n_runs=RUNS))
        self.state = DashboardState.detached(self.session.settings)
        self.lessons: list[str | None] = []
        self.routers: list = []
        page = self

        @solara.component
        def Probe():
            page.routers.append(solara.use_router())
            app.AddressFollowsSettings(page.session, page.state, lessons, page.lessons.append)

        self.box, self.rc = solara.render(
            RoutingProvider(children=[Probe()], routes=[solara.Route("/")],
                            pathname="/" + (f"?{address}" if address else "")),
            handle_error=False)

    @property
    def address(self) -> str:
        return self.routers[-1].search or ""

    @property
    def writes(self) -> int:
        """Addresses seen after the first: each is one the page wrote or was sent to."""
        return len({id(router) for router in self.routers}) - 1

    def go(self, address: str) -> None:
        """The browser moved to `address` (Back, Forward): Solara's navigator tells the router."""
        self.routers[-1].push("/" + (f"?{address}" if address else ""))

    def settle(self) -> None:
        time.sleep(SETTLE_S * 6)

    def close(self) -> None:
        self.rc.close()


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(app, "ADDRESS_SETTLE_S", SETTLE_S)


def test_an_opened_address_sets_the_page_up_and_the_address_follows_each_change(quick):
    opened = "scenario=freeze&seed=3&run=2&trump_aid_level=0.25"
    page = Page(opened)
    try:
        assert page.session.chosen == replace(settings_from_query(opened), n_runs=RUNS)
        page.settle()
        assert page.address == opened and page.writes == 0, "the opened address stands"
        actions.apply_setting(page.session, page.state, "trump_aid_level", 0.75)
        page.settle()
        assert page.address == settings_to_query(page.session.chosen)
        assert "trump_aid_level=0.75" in page.address and page.writes == 1
        actions.choose_scenario(page.session, page.state, "deterrence")
        page.settle()
        assert page.address == "scenario=deterrence&seed=3&run=2" and page.writes == 2
    finally:
        page.close()


def test_back_and_forward_give_the_settings_of_their_address(quick):
    page = Page()
    try:
        page.settle()
        assert page.address == "" and page.writes == 0, "the bare address is left as it is"
        actions.choose_scenario(page.session, page.state, "freeze")
        page.settle()
        freeze = page.address
        actions.apply_setting(page.session, page.state, "trump_aid_level", 0.2)
        page.settle()
        aid_cut = page.address
        actions.step(page.session, page.state, 5)
        page.go(freeze)  # Back
        assert page.session.chosen.scenario == "freeze" and not page.session.chosen.overrides
        assert page.session.day == 0
        page.go("")  # Back to where the page opened
        assert page.session.chosen == Settings(n_runs=RUNS)
        page.go(aid_cut)  # Forward twice
        assert page.session.chosen.overrides == (("trump_aid_level", 0.2),)
        page.settle()
        assert page.address == aid_cut, "the page did not write over the address it was sent to"
    finally:
        page.close()


DRAG_SETTLE_S = 1.0  # longer than a step's handling (a model rebuilt) takes under CI's load


def test_a_dragged_slider_writes_one_address_once_it_stops(monkeypatch):
    """A slider dragged sends a value at each step; the address (a history entry each) is
    written once, with the last value. The steps come well inside the settle time: with 50 ms
    a step's own handling (the model rebuilt) took longer on a loaded CI machine, and the
    address was written between two steps, as it should be for a slider that paused."""
    monkeypatch.setattr(app, "ADDRESS_SETTLE_S", DRAG_SETTLE_S)
    page = Page()
    try:
        for step in range(1, 15):
            actions.apply_setting(page.session, page.state, "trump_aid_level", step / 20)
            time.sleep(SETTLE_S / 5)
        assert page.writes == 0, "nothing written while the slider moves"
        deadline = time.monotonic() + 6 * DRAG_SETTLE_S
        while page.writes == 0 and time.monotonic() < deadline:
            time.sleep(SETTLE_S)
        time.sleep(SETTLE_S * 6)  # and no second write after the first
        assert page.writes == 1 and "trump_aid_level=0.7" in page.address
    finally:
        page.close()


def test_a_slider_step_still_being_handled_holds_the_address_back(quick):
    """Under load a slider's next step can take longer than the wait to handle: the session
    has it (the model is rebuilt) while the page has not drawn it yet. The address is not
    written in between, with a value the slider has already left."""
    page = Page()
    try:
        actions.apply_setting(page.session, page.state, "trump_aid_level", 0.3)
        page.session.set_value("trump_aid_level", 0.35)  # the next step, its render not done
        page.settle()
        assert page.writes == 0, "nothing written while a step is being handled"
        actions.publish(page.session, page.state)  # that step's render
        page.settle()
        assert page.writes == 1 and "trump_aid_level=0.35" in page.address
    finally:
        page.close()


def test_a_change_during_a_run_goes_into_the_address_and_a_reload_replays_it(quick):
    page = Page()
    try:
        actions.step(page.session, page.state, 30)
        actions.apply_setting(page.session, page.state, "trump_aid_level", 0.4)
        page.settle()
        assert "change=30%3Atrump_aid_level%3A0.4" in page.address
        assert page.session.day == 30, "writing the address did not touch the run"
        reloaded = Page(page.address)
        try:
            assert reloaded.session.chosen == page.session.chosen
            assert reloaded.session.day == 0
        finally:
            reloaded.close()
    finally:
        page.close()


def test_a_bad_address_changes_nothing_says_why_and_is_not_written_over_unasked(quick):
    page = Page("scenario=freeze&file=/etc/passwd")
    try:
        assert page.session.chosen == Settings(n_runs=RUNS)
        assert "key 'file'" in page.state.message.value
        page.settle()
        assert page.writes == 0
    finally:
        page.close()


def test_a_lesson_the_opening_address_names_goes_to_the_lesson_panel(quick):
    from dashboards.lessons import page_lessons

    lessons, _ = page_lessons()
    name = lessons[-1].name
    page = Page(f"lesson={name}", lessons)
    try:
        assert page.lessons == [name] and page.session.chosen == Settings(n_runs=RUNS)
        actions.choose_scenario(page.session, page.state, "freeze")
        page.settle()
        assert page.address == f"scenario=freeze&seed=0&run=0&lesson={name}", \
            "a reload opens the lesson again"
    finally:
        page.close()


@pytest.mark.slow
def test_the_page_opened_at_a_lesson_link_shows_that_lesson_and_its_settings():
    """The whole page at `?lesson=NAME&scenario=freeze`: the lesson panel has that lesson
    chosen (the panel learns it a render after the first) and the settings are the link's."""
    import ipyvuetify as v

    from dashboards.lessons import page_lessons

    lesson = page_lessons()[0][-1]
    sessions: list[Session] = []
    _, rc = solara.render(
        RoutingProvider(children=[app.Dashboard(on_session=sessions.append)],
                        routes=[solara.Route("/")],
                        pathname=f"/?lesson={lesson.name}&scenario=freeze&seed=2"),
        handle_error=False)
    try:
        chooser = rc.find(v.Select, label="Lesson").widget
        assert chooser.v_model == lesson.title
        assert (sessions[0].chosen.scenario, sessions[0].chosen.seed) == ("freeze", 2)
    finally:
        rc.close()
