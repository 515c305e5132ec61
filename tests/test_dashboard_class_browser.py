"""The dashboard as a class meets it, in Debian's Chromium: a server started the way a teacher
starts it (`conflictsim dashboard --sweeps DIR`), every outside request blocked. Paths lead
nowhere; saved, reopened and shared settings give the same fan; a lesson runs end to end."""

from __future__ import annotations

import json
import tomllib

import pytest
from playwright.sync_api import expect

import sim
from dashboards.lessons import load_lessons
import test_dashboard_browser as dashboard_browser
from test_dashboard_browser import (ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, FAN_TIMEOUT_MS,  # noqa: F401
                                    browser, choose, cli_dashboard, day_of, nudge_until,
                                    readout, wait_fan_ready)

pytestmark = pytest.mark.browser
# `expect` has its own default of 5 s, which the browser context's timeout does not change: under
# CI's load a lesson's text took longer to replace the last one's
expect.set_options(timeout=FAN_TIMEOUT_MS)


@pytest.fixture(scope="module")
def class_server(tmp_path_factory):
    """`conflictsim dashboard --sweeps DIR` with one sweep inside DIR, one outside it reached by
    a symbolic link, and a link to /etc."""
    base = tmp_path_factory.mktemp("classroom")
    for sweep in (base / "sweeps" / "week1", base / "private" / "secret"):
        sweep.mkdir(parents=True)
        (sweep / "manifest.json").write_text(json.dumps({"spec": {"days": 10}}))
    (base / "sweeps" / "leak").symlink_to(base / "private" / "secret")
    (base / "sweeps" / "etc").symlink_to("/etc")
    with cli_dashboard("dashboard_class_server.log", "--sweeps", str(base / "sweeps")) as url:
        yield url, base


def open_page(browser, url, width=1400, height=1000, downloads=False):
    return dashboard_browser.open_page(browser, url, width, height, accept_downloads=downloads)


SETTINGS_JS = ("() => {{ const s = JSON.parse(document.querySelector('.fan-readout')"
               "?.dataset.settings || '{{}}'); return {}; }}")


def wait_settings(page, predicate_js: str):
    page.wait_for_function(SETTINGS_JS.format(predicate_js), timeout=FAN_TIMEOUT_MS)
    wait_fan_ready(page)


@pytest.mark.slow
def test_no_server_path_can_be_opened_or_seen_from_the_page(browser, class_server):
    url, base = class_server
    context, page = open_page(browser, url)
    try:
        page.locator(".sweep-name .v-select").first.click()
        items = page.locator(".v-menu__content.menuable__content__active .v-list-item")
        items.first.wait_for()
        assert items.all_inner_texts() == ["week1"], "only the sweep inside the folder is listed"
        page.keyboard.press("Escape")
        assert page.locator(".sweep-opener input[type=text]:not([readonly])").count() == 1, \
            "the only field to type in is the row number, never a path"
        page.locator(".typed-value-input input").fill("/etc/passwd")
        page.locator(".typed-value button.typed-value-apply").click()
        page.locator(".input-error").wait_for(timeout=FAN_TIMEOUT_MS)
        body = page.locator("body").inner_text()
        assert "root:" not in body and str(base) not in body
    finally:
        context.close()
    for query in ("?sweep=/etc/passwd", "?scenario=../../etc/passwd", "?settings=../private/secret"):
        context, page = open_page(browser, url + query)
        try:
            page.locator(".input-error").wait_for(timeout=FAN_TIMEOUT_MS)
            body = page.locator("body").inner_text()
            assert "not allowed" in page.locator(".input-error").inner_text()
            assert "root:" not in body and str(base) not in body and "secret" not in \
                body.replace("../private/secret", "")
            assert readout(page)["settings"]["scenario"] == "status_quo", "nothing was opened"
        finally:
            context.close()


@pytest.mark.slow
def test_settings_saved_reopened_and_shared_by_link_give_the_same_fan(browser, class_server,
                                                                     tmp_path):
    url, _ = class_server
    context, page = open_page(browser, url, downloads=True)
    try:
        choose(page, ".scenario-picker", sim.SCENARIOS["deterrence"].title)
        wait_settings(page, "s.scenario === 'deterrence'")
        nudge_until(page, "trump_aid_level", "ArrowLeft", 4, SETTINGS_JS.format(
            "'trump_aid_level' in (s.overrides || {})"))
        wait_fan_ready(page)
        page.wait_for_timeout(1500)  # let the last key's fan land
        wait_fan_ready(page)
        mine = readout(page)
        with page.expect_download() as download:
            page.locator(".save-settings button").first.click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        share = page.evaluate("() => document.querySelector('.share-link').href")
    finally:
        context.close()
    text = tomllib.loads(saved.read_text())
    assert text["scenario"] == "deterrence" and text["seed"] == mine["settings"]["seed"]
    assert text["parameters"] == mine["settings"]["overrides"]

    context, page = open_page(browser, url)
    try:
        with page.expect_file_chooser() as chooser:
            page.locator(".settings-files .widget-upload").click()
        chooser.value.set_files(str(saved))
        wait_settings(page, "s.scenario === 'deterrence' && 'trump_aid_level' in (s.overrides || {})")
        reopened = readout(page)
        assert reopened["settings"] == mine["settings"]
        assert reopened["median_final"] == mine["median_final"]
        assert reopened["highlight_final"] == mine["highlight_final"]
        choose(page, ".compare-second", "saved: " + saved.name)
        page.wait_for_selector(".compare-readout", timeout=FAN_TIMEOUT_MS)
        finals = json.loads(page.locator(".compare-readout").get_attribute("data-finals"))
        assert finals[0] == finals[1], "your settings and the saved file are the same ensemble"
    finally:
        context.close()

    assert share.startswith(url) and "trump_aid_level=" in share
    context, page = open_page(browser, share)
    try:
        wait_settings(page, "s.scenario === 'deterrence' && 'trump_aid_level' in (s.overrides || {})")
        linked = readout(page)
        assert linked["settings"] == mine["settings"]
        assert linked["median_final"] == mine["median_final"]
    finally:
        context.close()


@pytest.mark.slow
def test_a_lesson_runs_end_to_end(browser, class_server):
    url, _ = class_server
    lesson = load_lessons()[0]
    context, page = open_page(browser, url, width=1024, height=768)
    try:
        assert page.locator(".start-here").is_visible(), "Start here shows on first load"
        page.locator(".close-start-here").click()
        page.locator(".start-here").wait_for(state="detached")
        choose(page, ".lesson-choice", lesson.title)
        page.locator(".lesson-start").click()
        page.locator(".lesson-stage-predict").wait_for()
        expect(page.locator(".lesson-run")).to_be_disabled()  # predict before running
        page.locator(".lesson-choices button").nth(2).click()
        expect(page.locator(".lesson-run")).to_be_enabled()
        wait_settings(page, "s.scenario === '%s'" % lesson.settings.scenario)
        assert readout(page)["settings"]["overrides"] == dict(lesson.settings.overrides)
        page.locator(".lesson-run").click()
        page.locator(".lesson-observed").wait_for(timeout=FAN_TIMEOUT_MS)
        page.wait_for_function(f"() => +document.querySelector('.sim-date').dataset.day === "
                               f"{lesson.run_days}", timeout=FAN_TIMEOUT_MS)
        observed = page.locator(".lesson-observed").inner_text()
        assert lesson.label in observed and "of the 200 runs" in observed
        # the prediction is locked for this run: the verdict judges the one made before it
        expect(page.locator(".lesson-choices button").nth(1)).to_be_disabled()
        expect(page.locator(".lesson-locked")).to_contain_text("locked for this run")
        page.locator(".lesson-answer textarea").fill("The front moves faster without aid.")
        page.locator(".lesson-explain-button").click()
        page.locator(".lesson-explanation").wait_for()
        explanation = page.locator(".lesson-explanation").inner_text()
        assert lesson.explanation.split()[0] in explanation
        # the prediction set against the runs: the model's answer, and where the choice lies
        assert "The model's answer" in explanation and f"Your choice, “{lesson.choices[2]}”" \
            in explanation and "the model's 50 % range" in explanation
        assert day_of(page) == lesson.run_days
        page.wait_for_selector(".compare-readout", timeout=FAN_TIMEOUT_MS)
        series = json.loads(page.locator(".compare-readout").get_attribute("data-series"))
        assert series == ["your settings now", "preset: " + sim.SCENARIOS[lesson.compare_with].title]
        log = page.locator(".event-log").inner_text()
        assert "Russia gains" in log and "most around" in log
        page.screenshot(path=str(ARTIFACTS / "dashboard_lesson.png"), full_page=True)
        # on a phone the lesson's chart scrolls sideways and opens at its right end, where the
        # question's day is (found by a student: it opened at the left, that day out of view)
        page.set_viewport_size({"width": 400, "height": 800})
        page.wait_for_function("() => { const f = document.querySelector('.figure-lesson'); "
                               "return f && f.scrollWidth > f.clientWidth; }")
        chart_right, box_right = page.evaluate(
            "() => { const f = document.querySelector('.figure-lesson'); return "
            "[f.querySelector('img').getBoundingClientRect().right, "
            "f.getBoundingClientRect().right]; }")
        assert chart_right <= box_right + 1, (chart_right, box_right)
        page.locator(".figure-lesson").screenshot(path=str(ARTIFACTS / "lesson_chart_400px.png"))
    finally:
        context.close()
