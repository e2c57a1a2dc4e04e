"""Audio description in a real headless Chromium: the switch swaps to the described version at the same
moment (mapped through the hold of an extended version) and back, by keyboard; it is remembered, announced,
starts nothing by itself, and says so when the described version cannot play. The descriptive transcript
reads without JavaScript. axe-core on the new pages and controls."""

from __future__ import annotations

import re

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servers import CHROMIUM, NO_CHROMIUM, catalogue_server, chromium

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright",
                               reason="axe-playwright-python is not installed")

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)]

WAIT_MS = 15_000


@pytest.fixture(scope="module")
def base(described_root: Path) -> Iterator[str]:
    with catalogue_server(described_root) as url:
        yield url


@pytest.fixture(scope="module")
def hold_ms(described_root: Path) -> int:
    record = described_root / ".catalogue" / "build" / "media" / "clips" / "beschreven.ad.mp4.json"
    ((at_ms, length_ms),) = json.loads(record.read_text())["holds"]
    assert at_ms == 9000
    return int(length_ms)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    context.set_default_timeout(WAIT_MS)
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    try:
        yield tab
    finally:
        context.close()


def video(page: Any, script: str, arg: Any = None) -> Any:
    return page.evaluate(f"([arg]) => {{ const v = document.getElementById('player'); {script} }}", [arg])


def wait(page: Any, condition: str, arg: Any = None) -> None:
    page.wait_for_function(f"([arg]) => {{ const v = document.getElementById('player'); return !!(v && ({condition})); }}",
                           arg=[arg], timeout=WAIT_MS, polling=50)


def state(page: Any) -> dict[str, Any]:
    return video(page, "const b = document.getElementById('ad-switch'); return {src: v.currentSrc, t: v.currentTime, "
                       "paused: v.paused, pressed: b.getAttribute('aria-pressed'), "
                       "status: document.getElementById('ad-status').textContent};")


def pause_at(page: Any, seconds: float) -> None:
    video(page, "v.pause(); v.currentTime = arg;", seconds)
    wait(page, "!v.seeking && Math.abs(v.currentTime - arg) < 0.01", seconds)


def test_the_switch_swaps_at_the_same_moment_and_back_by_keyboard(page: Any, base: str, hold_ms: int):
    page.goto(f"{base}/clips/beschreven")
    wait(page, "v.readyState >= 1")
    assert page.locator("#ad-switch").is_visible()
    pause_at(page, 10.0)  # after the hold: the described version is later by it
    page.locator("#ad-switch").focus()
    page.keyboard.press("Enter")
    wait(page, "/\\/beschreven\\.ad\\.[0-9a-f]{16}\\.mp4$/.test(v.currentSrc) && v.readyState >= 1 && !v.seeking && v.currentTime > 1")
    now = state(page)
    assert now["t"] == pytest.approx(10.0 + hold_ms / 1000, abs=0.05)
    assert now["paused"] and now["pressed"] == "true"  # nothing plays before the visitor presses Play
    page.wait_for_function("() => document.getElementById('ad-status').textContent.startsWith('Audiodescriptie aan')")
    # the captions follow: the described version's own, re-timed
    tracks = video(page, "return [...v.querySelectorAll('track')].map(t => [t.kind, t.getAttribute('src')]);")
    assert ["captions", "/transcripts/clips/beschreven.nl.ad.vtt"] in [[k, re.sub(r"\.[0-9a-f]{16}(?=\.)", "", u or "")] for k, u in tracks]
    # inside the hold, back maps to the moment the picture holds on
    pause_at(page, 9.0 + hold_ms / 2000)
    page.keyboard.press("Space")
    wait(page, "(CatalogueMedia.source(v) || '').includes('/beschreven.') && !(CatalogueMedia.source(v) || '').includes('.ad.') && v.readyState >= 1 && !v.seeking")
    back = state(page)
    assert back["t"] == pytest.approx(9.0, abs=0.05) and back["pressed"] == "false" and back["paused"]
    page.wait_for_function("() => document.getElementById('ad-status').textContent === 'Audiodescriptie uit.'")
    assert page.errors == []


def test_the_choice_is_remembered_and_starts_nothing(page: Any, base: str):
    page.goto(f"{base}/clips/beschreven")
    wait(page, "v.readyState >= 1")
    page.locator("#ad-switch").click()
    wait(page, "/\\.ad\\.[0-9a-f]{16}\\.mp4$/.test(v.currentSrc)")
    page.goto(f"{base}/clips/beschreven?t=2")
    wait(page, "/\\.ad\\.[0-9a-f]{16}\\.mp4$/.test(v.currentSrc) && v.readyState >= 1 && Math.abs(v.currentTime - 2) < 0.1")
    now = state(page)
    assert now["pressed"] == "true" and now["paused"] and now["status"] == ""  # not announced, not playing
    # its source was set once: the plain version's ladder was never started (hls.js not even loaded)
    assert video(page, "return [CatalogueMedia.engine(v), !!window.Hls];") == ["mp4", False]
    page.goto(f"{base}/embed/beschreven")  # the embed remembers it too
    wait(page, "/\\.ad\\.[0-9a-f]{16}\\.mp4$/.test(v.currentSrc)")
    page.locator("#ad-switch").click()
    wait(page, "(CatalogueMedia.source(v) || '').includes('/beschreven.') && !(CatalogueMedia.source(v) || '').includes('.ad.')")
    page.goto(f"{base}/clips/beschreven")
    wait(page, "v.readyState >= 1")
    assert state(page)["pressed"] == "false"


def test_a_described_version_that_cannot_play_is_said_and_the_plain_one_comes_back(page: Any, base: str):
    page.route("**/*.ad.*.mp4", lambda route: route.fulfill(status=404, body="weg"))  # (its versioned name)
    page.goto(f"{base}/clips/beschreven")
    wait(page, "v.readyState >= 1")
    page.locator("#ad-switch").click()
    page.wait_for_function("() => document.getElementById('ad-status').textContent.includes('kan niet worden afgespeeld')")
    wait(page, "(CatalogueMedia.source(v) || '').includes('/beschreven.') && !(CatalogueMedia.source(v) || '').includes('.ad.')")
    assert state(page)["pressed"] == "false"


def test_the_descriptive_transcript_reads_without_javascript(browser: Any, base: str):
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(f"{base}/clips/beschreven/transcript")
        lines = tab.locator(".descriptive-transcript li").all_inner_texts()
        assert [" ".join(line.split()) for line in lines] == [
            "0:00 Ann: Welkom bij de buddywerking.",
            "0:02 Beschrijving: Ann knikt en glimlacht.",
            "0:06 We zoeken nieuwe buddy's.",
            "0:08 Beschrijving: Op het flipbord staat: samen sterker, buddy's vinden en houden.",
            "0:09 Tot volgende keer.",
        ]
        assert tab.locator(".descriptive-transcript a").nth(3).get_attribute("aria-label") == "Speel af vanaf 0:08"
        tab.locator(".descriptive-transcript a").nth(3).click()
        assert tab.url.endswith("/clips/beschreven?t=8.1")
    finally:
        context.close()


def _describe(violation: dict[str, Any]) -> str:
    nodes = "; ".join(", ".join(map(str, n["target"])) for n in violation["nodes"][:5])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} [{nodes}]"


@pytest.mark.parametrize("path", ["/clips/beschreven", "/clips/beschreven/transcript", "/toegankelijkheid",
                                  "/embed/beschreven", "/films/testfilm"])
def test_axe_finds_no_serious_or_critical_violation_on_the_new_pages(page: Any, base: str, path: str):
    page.goto(base + path)
    if page.locator("#player").count():
        wait(page, "v.readyState >= 1")
    if page.locator("#ad-switch").count():
        page.locator("#ad-switch").click()  # the switch pressed, the status said
        wait(page, "/\\.ad\\.[0-9a-f]{16}\\.mp4$/.test(v.currentSrc) && v.readyState >= 1")
    results = axe_sync.Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(map(_describe, bad))
    assert page.errors == []
