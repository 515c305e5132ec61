"""The students' page keeps its settings in its address, in Debian's Chromium against a server
started here (every outside request blocked): a reload (F5) opens the same settings and the
same fan, Back gives the settings before, a dragged slider adds one history entry, a change
during play goes into the address without stopping the run, and two students' pages keep
their own addresses. The server's side is in tests/test_dashboard_address.py."""

from __future__ import annotations

import urllib.parse

import pytest

import sim
from dashboards.settings import Settings, settings_from_query
from test_dashboard_browser import (ARTIFACTS, FAN_TIMEOUT_MS, browser, choose,  # noqa: F401
                                    day_of, new_context, nudge_until, open_page, readout,
                                    server, wait_fan_ready)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SETTLED_MS = 2500  # well over the page's wait for the settings to hold still
PAUSE_MS = 500  # steps of a drag sent further apart than this may each get an address


def address_settings(page) -> Settings:
    """The settings the page's address holds, read as the page reads a link."""
    return settings_from_query(urllib.parse.urlparse(page.url).query) or Settings()


def wait_address(page, text: str):
    page.wait_for_function("(text) => location.search.includes(text)", arg=text,
                           timeout=FAN_TIMEOUT_MS)


def test_a_reload_opens_the_same_settings_and_back_the_ones_before(browser, server):
    context, page = open_page(browser, server)
    try:
        assert page.evaluate("location.search") == "", "a page opened bare stays bare"
        choose(page, ".scenario-picker", sim.SCENARIOS["freeze"].title)
        wait_address(page, "scenario=freeze")
        freeze_address = page.url
        nudge_until(page, "trump_aid_level", "ArrowLeft", 1,  # one change: one entry
                    "() => location.search.includes('trump_aid_level=')")
        page.wait_for_timeout(SETTLED_MS)  # the last key's address and fan
        wait_fan_ready(page)
        mine = readout(page)
        assert address_settings(page).simulate_kwargs() == mine["settings"]
        page.screenshot(path=str(ARTIFACTS / "dashboard_address_before_reload.png"))

        page.reload()
        wait_fan_ready(page)
        reloaded = readout(page)
        assert reloaded["settings"] == mine["settings"], "F5 kept the settings"
        assert reloaded["median_final"] == mine["median_final"]
        assert sim.SCENARIOS["freeze"].title in page.locator(".sim-date").inner_text()
        page.screenshot(path=str(ARTIFACTS / "dashboard_address_after_reload.png"))

        page.go_back()
        page.wait_for_function(
            "() => { const s = JSON.parse(document.querySelector('.fan-readout')?.dataset"
            ".settings || '{}'); return s.scenario === 'freeze' && !('trump_aid_level' in "
            "(s.overrides || {})); }", timeout=FAN_TIMEOUT_MS)
        assert page.url == freeze_address
        page.go_back()
        page.wait_for_function(
            "() => JSON.parse(document.querySelector('.fan-readout')?.dataset.settings || '{}')"
            ".scenario === 'status_quo'", timeout=FAN_TIMEOUT_MS)
        assert page.evaluate("location.search") == ""
        page.go_forward()
        wait_address(page, "scenario=freeze")
        page.wait_for_function(
            "() => JSON.parse(document.querySelector('.fan-readout')?.dataset.settings || '{}')"
            ".scenario === 'freeze'", timeout=FAN_TIMEOUT_MS)
    finally:
        context.close()


# What the page sends and writes, with the time (ms): each slider value the browser sends the
# server, and each address it writes into the history.
TIMELINE_JS = """
window.timeline = [];
const pushState = history.pushState.bind(history);
history.pushState = (data, title, url) => {
  window.timeline.push({what: "address", at: performance.now(), value: String(url)});
  return pushState(data, title, url);
};
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  if (typeof data === "string" && data.includes('"v_model"'))
    window.timeline.push({what: "value", at: performance.now(), value: data});
  return send.call(this, data);
};
"""


def test_a_dragged_slider_adds_one_history_entry_and_a_change_in_play_does_not_stop_it(
        browser, server):
    """A drag sends the server a value at each step; the address is written once the slider
    has held still. A browser slowed by a loaded machine sends its steps seconds apart, which
    the server cannot tell from a student pausing: an address per such pause is allowed, never
    one per step."""
    context = new_context(browser)
    context.add_init_script(TIMELINE_JS)
    try:
        page = context.new_page()
        page.goto(server)
        wait_fan_ready(page)
        thumb = page.locator(".param-trump_aid_level .v-slider__thumb").first
        thumb.scroll_into_view_if_needed()
        box = thumb.bounding_box()
        track = page.locator(".param-trump_aid_level .v-slider").first.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.evaluate("window.timeline = []")
        page.mouse.down()
        for k in range(1, 21):  # a student dragging it to the left end over about a second
            page.mouse.move(box["x"] - k * (box["x"] - track["x"]) / 20, box["y"] + 4)
            page.wait_for_timeout(50)
        page.mouse.up()
        wait_address(page, "trump_aid_level=0.0")
        page.wait_for_timeout(SETTLED_MS)
        timeline = page.evaluate("window.timeline")
        sent = [event["at"] for event in timeline if event["what"] == "value"]
        written = [event["value"] for event in timeline if event["what"] == "address"]
        pauses = sum(later - earlier > PAUSE_MS for earlier, later in zip(sent, sent[1:]))
        assert len(sent) >= 3, f"the drag sent {len(sent)} values: not a drag"
        assert 1 <= len(written) <= 1 + pauses, (
            f"{len(written)} addresses for {len(sent)} values with {pauses} pauses: {written}")
        assert written[-1].endswith("trump_aid_level=0.0")
        wait_fan_ready(page)

        page.locator(".play-controls button.play").click()
        page.wait_for_function("() => +document.querySelector('.sim-date').dataset.day >= 20",
                               timeout=FAN_TIMEOUT_MS)
        slider = page.locator(".param-trump_aid_level [role=slider]").first
        slider.focus()
        slider.press("ArrowRight")  # an intervention from today
        wait_address(page, "change=")
        day = day_of(page)
        page.wait_for_function(f"() => +document.querySelector('.sim-date').dataset.day > {day}",
                               timeout=FAN_TIMEOUT_MS)
        assert page.locator(".play-controls button.pause").count() == 1, "still playing"
        page.locator(".play-controls button.pause").click()
        page.wait_for_selector(".play-controls button.play")
        changed = address_settings(page)
        assert changed.changes and changed.changes[0][1][0][0] == "trump_aid_level"
        share = page.evaluate("() => document.querySelector('.share-link').href")
        assert share == page.url, "the address is the shared link"
        address = page.url
        page.reload()
        wait_fan_ready(page)
        assert page.url == address and day_of(page) == 0, "a reload replays from day 0"
        assert page.evaluate("() => document.querySelector('.share-link').href") == address, \
            "with the change made during the run"
    finally:
        context.close()


def test_two_students_pages_keep_their_own_addresses(browser, server):
    context_a, page_a = open_page(browser, server)
    context_b, page_b = open_page(browser, server)
    try:
        choose(page_a, ".scenario-picker", sim.SCENARIOS["freeze"].title)
        wait_address(page_a, "scenario=freeze")
        choose(page_b, ".scenario-picker", sim.SCENARIOS["deterrence"].title)
        wait_address(page_b, "scenario=deterrence")
        page_a.wait_for_timeout(SETTLED_MS)
        assert address_settings(page_a).scenario == "freeze"
        wait_fan_ready(page_a)
        assert readout(page_a)["settings"]["scenario"] == "freeze"
        page_b.goto(page_a.url)  # a link passed on: B's own session, A's settings
        wait_fan_ready(page_b)
        assert readout(page_b)["settings"]["scenario"] == "freeze"
        choose(page_b, ".scenario-picker", sim.SCENARIOS["economic_pressure"].title)
        wait_address(page_b, "scenario=economic_pressure")
        page_a.wait_for_timeout(SETTLED_MS)
        assert address_settings(page_a).scenario == "freeze"
        assert readout(page_a)["settings"]["scenario"] == "freeze"
    finally:
        context_a.close()
        context_b.close()
