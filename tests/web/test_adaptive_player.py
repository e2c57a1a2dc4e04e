"""The adaptive player in headless Chromium (issue 21): the clip page plays the ladder with hls.js, on a
1 Mbit/s connection (DevTools network emulation) and a fast one; the quality choice; and the site on
one origin with its media on nginx on another (`media_url`). The catalogue is the session's ladder
site (tests/conftest.py). Timing is reported, not asserted: what is asserted is what the player did
(its events, its levels, the bytes it needed before the first frame)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalogue.settings import PROJECT_DIR, Settings
from catalogue.web import publish_catalogue
from servers import CHROMIUM, NGINX, NO_CHROMIUM, NO_NGINX, catalogue_server, chromium, free_port, nginx, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)]

WAIT_MS = 60_000
ONE_MBIT = 1_000_000 / 8  # bytes per second
# what the page records: the player's events (page time, ms), for the assertions below
RECORDER = """
() => {
  const v = document.getElementById('player');
  window.seen = [];
  const note = (kind) => window.seen.push([kind, performance.now(), v.currentTime]);
  ['playing', 'waiting', 'stalled', 'error'].forEach(kind => v.addEventListener(kind, () => note(kind)));
  window.playAt = performance.now();
  v.muted = true;
  v.play();
}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def site(ladder_site: Settings) -> Iterator[str]:
    with catalogue_server(ladder_site.root) as base:
        yield base


def open_page(browser: Any, url: str, kbit_s: int = 0) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    if kbit_s:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40,
                                                      "downloadThroughput": kbit_s * 1000 / 8,
                                                      "uploadThroughput": kbit_s * 1000 / 8})
    page.goto(url, wait_until="load")  # hls.js, injected before load, is there by now
    return context, page


def player(page: Any, script: str) -> Any:
    return page.evaluate(f"() => {{ const v = document.getElementById('player'); "
                         f"const hls = window.CatalogueMedia && CatalogueMedia.hls(v); {script} }}")


def wait(page: Any, condition: str) -> None:
    page.wait_for_function(f"() => {{ const v = document.getElementById('player'); "
                           f"const hls = window.CatalogueMedia && CatalogueMedia.hls(v); return !!({condition}); }}",
                           timeout=WAIT_MS, polling=100)


def test_on_1_mbit_it_starts_on_a_low_rung_at_once_and_plays_past_10_s_without_stalling(
        browser: Any, site: str, record_property: Any) -> None:
    context, page = open_page(browser, f"{site}/clips/lang", kbit_s=1000)
    try:
        wait(page, "hls && hls.levels.length === 4")
        assert player(page, "return CatalogueMedia.engine(v);") == "hls.js"
        page.evaluate(RECORDER)
        wait(page, "v.currentTime > 10.5")
        seen = page.evaluate("() => window.seen")
        started = next(at for kind, at, _ in seen if kind == "playing")
        start_s = (started - page.evaluate("() => window.playAt")) / 1000
        record_property("start_at_1_mbit_s", round(start_s, 2))
        print(f"\nstarted {start_s:.2f} s after Play at 1 Mbit/s")
        after_start = [kind for kind, at, _ in seen if at > started]
        assert "waiting" not in after_start and "stalled" not in after_start and "error" not in after_start, seen
        # what it fetched before the first frame fits 3 s of a 1 Mbit/s line
        before = page.evaluate("""(until) => performance.getEntriesByType('resource')
            .filter(e => /\\.(m3u8|mp4)$/.test(new URL(e.name).pathname) && e.responseEnd <= until)
            .reduce((sum, e) => sum + e.transferSize, 0)""", started)
        assert 0 < before < 3 * ONE_MBIT, before
        heights = player(page, "return hls.levels.map(l => l.height);")
        loaded = page.evaluate("""() => performance.getEntriesByType('resource')
            .map(e => new URL(e.name).pathname).filter(p => /\\/\\d+p\\.mp4$/.test(p)).map(p => p.split('/').pop())""")
        assert loaded[0] == "234p.mp4"  # the first fragment, fetched blind, from the lowest rung
        assert set(loaded) <= {"234p.mp4", "360p.mp4"}, loaded  # never a rung the line cannot carry
        assert heights == [234, 360, 540, 720]
    finally:
        context.close()


def test_on_a_fast_connection_it_climbs_to_720p(browser: Any, site: str) -> None:
    context, page = open_page(browser, f"{site}/clips/lang")
    try:
        wait(page, "hls && hls.levels.length === 4")
        page.evaluate(RECORDER)
        # the picture reaches 720p a moment before hls.js's playhead enters that rung's fragment (its
        # currentLevel is the level of the fragment at currentTime): wait for both, then for the menu
        wait(page, "v.videoHeight >= 720 && !v.paused && hls.currentLevel >= 0"
                   " && hls.levels[hls.currentLevel].height === 720")
        wait(page, "document.querySelector('.player-quality select').options[0].textContent"
                   " === 'Automatisch (720p)'")
        assert player(page, "return hls.autoLevelEnabled;") is True
        assert player(page, "return document.querySelector('.player-quality select').value;") == "auto"
    finally:
        context.close()


def test_the_quality_choice_is_made_with_the_keyboard_and_remembered(browser: Any, site: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        page.goto(f"{site}/clips/lang", wait_until="load")
        wait(page, "hls && hls.levels.length === 4")
        menu = page.locator(".player-quality select")
        assert page.locator("label[for='player-quality']").inner_text() == "Kwaliteit"
        assert menu.evaluate("s => [...s.options].map(o => o.value)") == ["auto", "720", "540", "360", "234"]
        menu.focus()
        page.keyboard.press("Home")
        for _ in range(3):
            page.keyboard.press("ArrowDown")  # auto → 720p → 540p → 360p
        assert menu.input_value() == "360"
        page.evaluate(RECORDER)
        wait(page, "v.videoHeight === 360 && v.currentTime > 1")
        assert player(page, "return hls.autoLevelEnabled;") is False

        page.reload(wait_until="load")  # the next page starts where the trainer left it
        wait(page, "hls && hls.levels.length === 4")
        assert page.locator(".player-quality select").input_value() == "360"
        page.evaluate(RECORDER)
        wait(page, "v.videoHeight === 360 && v.currentTime > 1")
        assert player(page, "return hls.autoLevelEnabled;") is False
        errors = player(page, "return v.catalogueMedia.errors;")
        if not errors:  # it started on the remembered rung: no other rung's bytes (a reload mid-fragment may
            # leave Chromium a short cached range: a failed fragment, loaded on another rung, then 360p again)
            fetched = page.evaluate("""() => performance.getEntriesByType('resource')
                .map(e => new URL(e.name).pathname).filter(p => /\\/\\d+p\\.mp4$/.test(p)).map(p => p.split('/').pop())""")
            assert set(fetched) == {"360p.mp4"}, fetched
        else:
            assert not {"bufferAppendingError", "mediaSourceRequiresReset"} & set(errors), errors  # never reset
    finally:
        context.close()


def playing_with_360_chosen(browser: Any, site: str, route_360p: Any) -> tuple[Any, Any]:
    """A clip page whose visitor chose 360p before, its 360p file's requests through `route_360p`,
    its ladder loaded and Play pressed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    context.set_default_timeout(WAIT_MS)
    context.add_init_script("window.localStorage.setItem('catalogue-quality', '360')")
    page = context.new_page()
    page.route("**/360p.mp4", route_360p)
    page.goto(f"{site}/clips/lang", wait_until="load")
    wait(page, "hls && hls.levels.length === 4")
    page.evaluate(RECORDER)
    return context, page


def test_a_chosen_quality_survives_a_failed_fragment(browser: Any, site: str) -> None:
    """A trainer who chose 360p keeps it when a fragment fails on a poor connection (injected: the
    first byte-range request of the 360p file beyond its start is refused); hls.js alone goes back to
    Automatisch (and climbs to 720p here)."""
    refused: list[str] = []

    def once(route: Any) -> None:
        ranged = (route.request.headers.get("range") or "bytes=0-").split("=")[-1]
        if not refused and not ranged.startswith("0-"):  # a fragment, not the init segment
            refused.append(ranged)
            route.abort("connectionreset")
        else:
            route.continue_()

    context, page = playing_with_360_chosen(browser, site, once)
    try:
        wait(page, "v.currentTime > 3 && v.videoHeight === 360 && !hls.autoLevelEnabled")
        assert refused, "no fragment of the 360p rung was requested"
        errors = player(page, "return v.catalogueMedia.errors;")
        assert "fragLoadError" in errors, errors
        assert player(page, "return [v.videoHeight, hls.autoLevelEnabled];") == [360, False], errors
        assert page.locator(".player-quality select").input_value() == "360"
    finally:
        context.close()


def test_a_fragment_shorter_than_its_byte_range_is_loaded_again_not_appended(browser: Any, site: str) -> None:
    """Chromium may answer a byte range with a 206 shorter than asked (its cache entry for the file half
    written by a request the previous page left). Injected: the first fragment of the 360p file comes
    back cut to 2,736 bytes with a matching Content-Range. hls.js alone appends the stub, the append
    fails and the MediaSource is reset (bufferAppendNoProgress, bufferAppendingError,
    mediaSourceRequiresReset); the player takes it for a failed load, and plays on at the chosen rung."""
    cut: list[str] = []

    def short(route: Any) -> None:
        ranged = (route.request.headers.get("range") or "bytes=0-").split("=")[-1]
        if cut or ranged.startswith("0-"):  # the init segment, and every fragment after the first
            route.continue_()
            return
        cut.append(ranged)
        start, end = (int(n) for n in ranged.split("-"))
        body = route.fetch().body()[:2736]
        route.fulfill(status=206, body=body, headers={
            "content-type": "video/mp4", "content-range": f"bytes {start}-{start + len(body) - 1}/{end + 1_000_000}",
            "accept-ranges": "bytes", "access-control-allow-origin": "*"})

    context, page = playing_with_360_chosen(browser, site, short)
    try:
        wait(page, "v.currentTime > 3 && v.videoHeight === 360")
        assert cut, "no fragment of the 360p rung was requested"
        errors = player(page, "return v.catalogueMedia.errors;")
        assert "fragLoadError" in errors and not {"bufferAppendNoProgress", "bufferAppendingError",
                                                  "mediaSourceRequiresReset"} & set(errors), errors
        assert player(page, "return hls.autoLevelEnabled;") is False
    finally:
        context.close()


# --- two origins: the site on uvicorn, its media on nginx --------------------------------------------


@pytest.fixture(scope="module")
def media_origin(ladder_site: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if NGINX is None:
        pytest.skip(NO_NGINX)
    published = tmp_path_factory.mktemp("published")
    publish_catalogue(ladder_site, published)
    port = free_port()
    conf = (PROJECT_DIR / "deploy" / "nginx-media.conf").read_text("utf-8")
    for placeholder, value in {"@PUBLISH@": str(published), "@LISTEN@": f"127.0.0.1:{port}",
                               "@SECRET@": "test-secret"}.items():
        conf = conf.replace(placeholder, value)
    with nginx(conf, tmp_path_factory.mktemp("nginx-media")):
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/manifest.json")
        yield base


def test_with_its_media_on_another_origin_the_clip_plays_with_captions_and_the_transcript_follows(
        browser: Any, ladder_site: Settings, media_origin: str, tmp_path: Path) -> None:
    with catalogue_server(ladder_site.root, "--media-url", media_origin) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        fetched: list[str] = []
        failed: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("console", lambda m: failed.append(m.text) if m.type == "error" else None)
        try:
            page.goto(f"{base}/clips/lang?t=6", wait_until="load")
            wait(page, "hls && hls.levels.length === 4")
            page.evaluate(RECORDER)
            # the caption track (from the media origin) shows its cue, and the transcript line it is active
            wait(page, "v.currentTime > 6.5 && v.textTracks[0].mode === 'showing' && v.textTracks[0].activeCues"
                       " && v.textTracks[0].activeCues.length > 0 && document.querySelector('.transcript .cue.active')"
                       " && v.textTracks[0].activeCues[0].text.includes("
                       "document.querySelector('.transcript .cue.active .text').textContent.trim())")
            media = [url for url in fetched if "/media/" in url or "/transcripts/" in url]
            assert media and all(url.startswith(media_origin) for url in media), media
            assert any(url.endswith(".vtt") for url in media) and any("master.m3u8" in url for url in media)
            assert not failed, failed
        finally:
            context.close()


def test_the_published_folder_is_what_the_origin_serves(ladder_site: Settings, media_origin: str) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{media_origin}/manifest.json") as response:
        manifest = json.loads(response.read())
        assert response.headers["Cache-Control"] == "no-cache"
    name = next(n for n in manifest["files"] if n.endswith("master.m3u8") and "/clips/" in n)
    request = urllib.request.Request(f"{media_origin}/{name}", headers={"Origin": "http://elders.example"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["Content-Type"] == "application/vnd.apple.mpegurl"
