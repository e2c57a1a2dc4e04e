"""Presenter mode and the session/theme embeds in a real headless Chromium against real uvicorn on
127.0.0.1 (issue 12's acceptance): the keys walk clip → discussion → clip with the video playing and
a Dutch cue showing; the theme embed plays two clips in order; axe-core finds nothing serious.

The catalogue is test_presenter.py's, served in-process by uvicorn in a thread for this module.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from catalogue.lessons import session_query
from catalogue.web.app import create_app
from servers import CHROMIUM, NO_CHROMIUM, chromium, free_port, healthy
from sites import build_site, unversioned
from test_presenter import CUTLIST, TRANSCRIPTS, URL_SESSION

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright",
                               reason="axe-playwright-python is not installed")

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)]

WAIT_MS = 15_000


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, gray_film: Path) -> Iterator[str]:
    """The site at http://127.0.0.1:<port>, until the module is done."""
    settings = build_site(tmp_path_factory.mktemp("presenter-site"), gray_film, CUTLIST, TRANSCRIPTS)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not healthy(f"{url}/healthz"):
        assert thread.is_alive() and time.monotonic() < deadline, f"uvicorn did not come up on {url}"
        time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Tab:
    """A page on the site, with what went wrong in it (console errors, failed requests, CSP)."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base, self.errors = page, base, []
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base + path, wait_until="load")

    def wait(self, condition: str) -> None:
        """Wait (bounded) for `condition` of `v` (the step's video, or null) and `p` (the player's root)."""
        try:
            self.page.wait_for_function(
                "() => { const v = window.sessionPlayer && window.sessionPlayer.video();"
                f" const p = document.getElementById('session-player'); return !!({condition}); }}",
                timeout=WAIT_MS, polling=50)
        except Exception:
            state = self.page.evaluate("() => { const v = window.sessionPlayer && window.sessionPlayer.video();"
                                       " const p = document.getElementById('session-player');"
                                       " return [p.dataset.step, p.dataset.kind, v && [v.paused, v.currentTime,"
                                       " v.readyState, v.currentSrc, v.error && v.error.code]]; }")
            raise AssertionError(f"waited for {condition}; the player: {state}; errors: {self.errors}") from None

    def video(self, script: str) -> Any:
        return self.page.evaluate(f"() => {{ const v = window.sessionPlayer.video(); {script} }}")

    def axe(self) -> None:
        results = axe_sync.Axe().run(self.page)
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, "\n".join(f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']]}"
                                  for v in bad)


@pytest.fixture
def tab(browser: Any, base: str) -> Iterator[Tab]:
    # a browser in English: the Dutch captions must show all the same, and only they
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    context.set_default_timeout(WAIT_MS)
    try:
        yield Tab(context.new_page(), base)
    finally:
        context.close()


def _active_cue(tab: Tab) -> str:
    tab.wait("v && v.textTracks.length && v.textTracks[0].mode === 'showing' && v.textTracks[0].activeCues"
             " && v.textTracks[0].activeCues.length > 0")
    shown = tab.video("return Array.from(v.textTracks).filter(t => t.mode === 'showing').map(t => t.language);")
    assert shown == ["nl"], shown
    return str(tab.video("const t = v.textTracks[0]; return t.language + ': ' + t.activeCues[0].text;"))


def test_presenter_runs_clip_discussion_clip_with_the_keyboard(tab: Tab) -> None:
    tab.goto("/sessions/proefles/present")
    assert tab.page.locator(".sp-cover h2").inner_text() == "Proefles <eerste> & co"
    tab.axe()  # the title card
    tab.page.keyboard.press("PageDown")
    tab.wait("p.dataset.kind === 'clip' && v && !v.paused && v.readyState >= 2")
    started = tab.video("return v.currentTime;")
    assert started >= 0.45  # the step starts half a second into the clip
    tab.wait(f"v.currentTime > {started} + 0.5")  # it plays
    assert _active_cue(tab) == "nl: Welkom bij de les"
    assert tab.page.locator(".sp-next").inner_text() == "Volgende: Praat erover (5 min)"
    tab.axe()  # a clip playing

    tab.page.keyboard.press("ArrowRight")
    tab.wait("p.dataset.kind === 'discussion'")
    card = tab.page.locator(".sp-discussion")
    assert card.locator(".sp-questions li").all_inner_texts() == ["Wat herken je?", "Wat doe jij morgen anders?"]
    assert tab.page.locator(".sp-timer").inner_text() in ("5:00", "4:59")
    tab.page.wait_for_function("() => document.querySelector('.sp-timer').textContent === '4:58'", timeout=WAIT_MS)
    assert tab.page.locator(".sp-next").inner_text() == "Volgende: Nee zeggen"
    tab.axe()  # a discussion

    tab.page.keyboard.press("PageDown")
    tab.wait("p.dataset.kind === 'clip' && p.dataset.step === '2' && v && !v.paused && v.currentTime > 0.6")
    assert _active_cue(tab) == "nl: Nee zeggen mag"
    tab.page.keyboard.press("PageUp")
    tab.wait("p.dataset.kind === 'discussion'")
    assert tab.errors == []


def test_presenter_of_a_url_session_plays_its_range(tab: Tab) -> None:
    tab.goto("/sessions/new/present?" + session_query(URL_SESSION))
    tab.page.keyboard.press("Space")
    tab.wait("p.dataset.step === '0' && v && !v.paused && v.currentTime >= 1.0")
    # the range ends at 3 s of the clip: the discussion comes by itself
    tab.video("v.currentTime = 2.6; return true;")
    tab.wait("p.dataset.kind === 'discussion'")
    assert tab.page.locator(".sp-questions li").all_inner_texts() == list(URL_SESSION.steps[1].questions)  # type: ignore[union-attr]
    assert tab.errors == []


def test_theme_embed_plays_two_clips_in_order(tab: Tab) -> None:
    tab.goto("/embed/themes/rekrutering")
    tab.wait("p.dataset.kind === 'clip' && v && v.readyState >= 1")
    tab.axe()
    assert unversioned(tab.video("return CatalogueMedia.source(v);")).endswith("/media/hls/clips/welkom/master.m3u8")
    tab.video("v.muted = true; return v.play().then(() => true);")
    tab.wait("!v.paused && v.currentTime > 0.2")
    assert _active_cue(tab) == "nl: Welkom bij de les"
    played = tab.page.evaluate("() => { window.played = []; const p = document.getElementById('session-player');"
                               " new MutationObserver(() => played.push(p.dataset.step + ':' + p.dataset.kind))"
                               ".observe(p, {attributes: true, attributeFilter: ['data-step']}); return true; }")
    assert played
    tab.video("v.currentTime = v.duration - 0.4; return true;")  # shorten the wait: near the end of the first
    tab.wait("p.dataset.step === '1' && v && !v.paused && v.currentTime > 0.3")
    assert unversioned(tab.video("return CatalogueMedia.source(v);")).endswith("/media/hls/clips/vrijwilligers/master.m3u8")
    assert tab.video("return v.muted;") is True
    tab.video("v.currentTime = v.duration - 0.4; return true;")
    tab.wait("p.dataset.kind === 'discussion'")  # the second clip's questions after it
    assert tab.page.evaluate("window.played") == ["1:clip", "2:discussion"]
    tab.axe()  # the discussion card in the frame
    assert tab.errors == []


@pytest.mark.parametrize("path", ["/embed/sessions/proefles", "/embed/sessions/new?" + session_query(URL_SESSION)])
def test_session_embeds_have_no_serious_accessibility_problem(tab: Tab, path: str) -> None:
    tab.goto(path)
    tab.wait("p.dataset.kind === 'clip' && v && v.readyState >= 1")
    tab.axe()
    assert tab.errors == []


def test_embed_plays_inside_a_frame_of_another_site(tab: Tab, tmp_path: Path) -> None:
    """What an LMS does: an <iframe> of the embed on a page of another origin (a second server, on
    another port: Chromium lets only a local page frame a loopback address)."""
    (tmp_path / "cursus.html").write_text(
        "<!doctype html><html lang='nl'><title>LMS</title><link rel='icon' href='data:,'><iframe src='" + tab.base + "/embed/sessions/proefles'"
        " width='640' height='360' title='Les' allow='autoplay; fullscreen'></iframe></html>", encoding="utf-8")
    handler = functools.partial(QuietFiles, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as lms:
        threading.Thread(target=lms.serve_forever, daemon=True).start()
        try:
            tab.page.goto(f"http://127.0.0.1:{lms.server_address[1]}/cursus.html")
            frame = tab.page.frame_locator("iframe")
            frame.locator("video#player").wait_for()
            assert frame.locator(".sp-counter").inner_text() == "Stap 1 van 3"
            frame.locator("video#player").evaluate("v => { v.muted = true; return v.play(); }")
            frame.locator("video#player").evaluate(
                "v => new Promise(ok => v.addEventListener('timeupdate', () => v.currentTime > 0.3 && ok()))")
        finally:
            lms.shutdown()
    assert tab.errors == []


class QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass
