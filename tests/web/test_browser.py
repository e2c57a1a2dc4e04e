"""Browser tests: a real headless Chromium against a real `catalogue serve` on 127.0.0.1 (PRODUCT §4).

One small catalogue per module (a 24 s H.264/AAC test-pattern film, Dutch subtitles with speaker voice
tags, English subtitles, two themes, three clips of 8–9 s), cut and indexed in-process, then served
by a subprocess uvicorn. The browser is the system's Chromium (never a downloaded one); the tests skip
only when Playwright or Chromium cannot be found at all.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from catalogue.media.runner import ffmpeg_exe
from servers import CHROMIUM, NO_CHROMIUM, catalogue_server, chromium
from sites import build_site

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright",
                               reason="axe-playwright-python is not installed")

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)]

WAIT_MS = 15_000  # every wait on the browser is bounded by this
FILM_SECONDS = 24

CUTLIST = '''
    [film]
    id = "testfilm"
    title = "Testfilm"
    video = "film.mp4"
    language = "nl"
    description = "Een korte testfilm over buddywerking."

    [film.subtitles]
    nl = "../transcripts/film.nl.vtt"
    en = "../transcripts/film.en.vtt"

    [[theme]]
    id = "rekrutering"
    title = "Rekrutering"
    description = "Hoe vind je vrijwilligers?"

    [[theme]]
    id = "omgaan-met-grenzen"
    title = "Omgaan met grenzen"

    [[clip]]
    id = "welkom"
    title = "Welkom bij de buddywerking"
    description = "Sara stelt de buddywerking voor."
    themes = ["rekrutering"]
    speakers = ["Sara"]
    start = "00:00:00.500"
    end = "00:00:08.500"

    [[clip]]
    id = "grenzen"
    title = "Grenzen trekken"
    themes = ["omgaan-met-grenzen"]
    speakers = ["Ahmed"]
    start = "00:00:06.500"
    end = "00:00:15.500"

    [[clip]]
    id = "community"
    title = "Een community bouwen"
    themes = ["rekrutering", "omgaan-met-grenzen"]
    start = "00:00:15.500"
    end = "00:00:23.800"
'''

DUTCH_CUES = [
    ("00:00:01.000", "00:00:03.500", "<v Sara>Welkom bij de buddywerking"),
    ("00:00:04.000", "00:00:06.500", "Een buddy en een nieuwkomer ontmoeten elkaar"),
    ("00:00:07.000", "00:00:09.500", "<v Ahmed>Grenzen trekken is soms moeilijk"),
    ("00:00:10.000", "00:00:12.500", "We zoeken nieuwe vrijwilligers"),
    ("00:00:13.000", "00:00:15.000", "Samen leren we bij"),
    ("00:00:16.000", "00:00:18.500", "<v Sara>Een community groeit langzaam"),
    ("00:00:19.000", "00:00:21.500", "Duurzame verankering vraagt tijd"),
    ("00:00:22.000", "00:00:23.500", "Tot de volgende keer"),
]
ENGLISH_CUES = [
    ("00:00:01.000", "00:00:03.500", "<v Sara>Welcome to the buddy project"),
    ("00:00:04.000", "00:00:06.500", "A buddy and a newcomer meet"),
    ("00:00:07.000", "00:00:09.500", "<v Ahmed>Setting boundaries is sometimes hard"),
    ("00:00:10.000", "00:00:12.500", "We are looking for new volunteers"),
    ("00:00:13.000", "00:00:15.000", "Together we learn"),
    ("00:00:16.000", "00:00:18.500", "<v Sara>A community grows slowly"),
    ("00:00:19.000", "00:00:21.500", "Lasting roots take time"),
    ("00:00:22.000", "00:00:23.500", "Until next time"),
]


def _make_film(path: Path) -> None:
    """A moving test pattern with a tone: H.264 + AAC, 640×360, 25 fps, a keyframe every 2 s."""
    subprocess.run([
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=25:duration={FILM_SECONDS}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={FILM_SECONDS}",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-pix_fmt", "yuv420p", "-g", "50",
        "-c:a", "aac", "-b:a", "64k", "-shortest", str(path),
    ], check=True, timeout=120)


@dataclass(frozen=True)
class Server:
    base: str
    root: Path


@pytest.fixture(scope="module")
def catalogue_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small catalogue, cut and indexed in-process."""
    root = tmp_path_factory.mktemp("browser-site")
    film = tmp_path_factory.mktemp("browser-film") / "film.mp4"
    _make_film(film)
    build_site(root, film, CUTLIST, {"film.nl.vtt": DUTCH_CUES, "film.en.vtt": ENGLISH_CUES})
    return root


@pytest.fixture(scope="module")
def server(catalogue_root: Path) -> Iterator[Server]:
    """`python -m catalogue --root … serve` in a subprocess, until the module is done."""
    with catalogue_server(catalogue_root) as base:
        yield Server(base, catalogue_root)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@dataclass
class Tab:
    """A page with the server's base URL and what its console reported."""

    page: Any
    base: str
    errors: list[str]

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base + path, wait_until="load")

    def video(self, script: str, arg: Any = None) -> Any:
        """Evaluate `script` (the body of a function of `v`, the player, and `arg`)."""
        return self.page.evaluate(f"([arg]) => {{ const v = document.getElementById('player'); {script} }}", [arg])

    def wait(self, condition: str, arg: Any = None) -> None:
        """Wait (bounded) until `condition`, an expression of `v` and `arg`, is true."""
        self.page.wait_for_function(
            f"([arg]) => {{ const v = document.getElementById('player'); return !!(v && ({condition})); }}",
            arg=[arg], timeout=WAIT_MS, polling=50)

    def wait_metadata(self) -> None:
        self.wait("v.readyState >= 1")

    def play_muted(self) -> None:
        # headless Chromium plays without a user gesture only when muted
        self.video("v.muted = true; return v.play().then(() => true);")

    def current_time(self) -> float:
        return float(self.video("return v.currentTime;"))


@pytest.fixture
def tab(browser: Any, server: Server) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    errors: list[str] = []

    def on_console(msg: Any) -> None:
        where = msg.location.get("url") or ""
        if msg.type == "error":
            errors.append(f"console.{msg.type}: {msg.text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    try:
        yield Tab(page, server.base, errors)
    finally:
        context.close()


def _cue_starts(tab: Tab) -> list[float]:
    return [float(s) for s in tab.page.locator(".transcript button.cue").evaluate_all(
        "buttons => buttons.map(b => b.dataset.start)")]


# --- the clip page's player -----------------------------------------------------------------


def test_clip_video_plays(tab: Tab, tmp_path: Path) -> None:
    tab.goto("/clips/welkom")
    tab.wait_metadata()
    assert tab.video("return v.error;") is None
    assert abs(tab.video("return v.duration;") - 8.0) < 0.2
    tab.play_muted()
    started = tab.current_time()
    tab.wait("!v.paused && v.currentTime > arg + 1.0", started)
    tab.wait("v.readyState >= 3")  # decoded frames, not just a clock
    # the adaptive ladder (hls.js in Chromium): a rung of the 640×360 clip, from the lowest up
    assert tab.video("return CatalogueMedia.engine(v);") == "hls.js"
    assert tab.video("return v.videoWidth;") in (416, 640)
    tab.page.screenshot(path=str(tmp_path / "clip_page.png"), full_page=True)
    assert tab.errors == []


def test_dutch_track_is_showing_with_active_cues(tab: Tab) -> None:
    tab.goto("/clips/welkom")
    tab.wait_metadata()
    tracks = tab.video("return Array.from(v.textTracks, t => [t.kind, t.language, t.label, t.mode]);")
    assert tracks[0][:2] == ["captions", "nl"] and tracks[0][3] == "showing", tracks  # Dutch of Dutch speech
    assert ["subtitles", "en"] in [t[:2] for t in tracks[1:]] and all(t[3] != "showing" for t in tracks[1:]), tracks
    # clip time 1.0 s is inside the first cue (film 1.0–3.5 s, the clip starts at 0.5 s)
    tab.video("v.currentTime = 1.0;")
    tab.play_muted()
    tab.wait("!v.paused && v.currentTime > 1.2 && v.textTracks[0].activeCues && "
             "v.textTracks[0].activeCues.length > 0")
    tab.video("v.pause();")  # hold it inside the cue while reading it
    cue = tab.video("const c = v.textTracks[0].activeCues[0];"
                    "return {text: c.text, shown: c.getCueAsHTML().textContent, start: c.startTime};")
    assert cue["shown"] == "Welkom bij de buddywerking", cue
    assert cue["text"].startswith("<v Sara>"), cue  # the speaker's voice tag reaches the browser
    assert abs(cue["start"] - 0.5) < 0.01, cue
    # playback moves on into the next cue, and the track follows it
    tab.video("v.currentTime = 3.6;")
    tab.wait("v.textTracks[0].activeCues.length > 0 && "
             "v.textTracks[0].activeCues[0].getCueAsHTML().textContent.includes('nieuwkomer')")
    assert tab.errors == []


def test_clicking_a_transcript_line_seeks_there_and_it_follows_playback(tab: Tab) -> None:
    tab.goto("/clips/welkom")
    tab.wait_metadata()
    starts = _cue_starts(tab)
    assert starts == [0.5, 3.5, 6.5], starts
    tab.video("v.muted = true; window.seeks = []; v.addEventListener('seeked', () => seeks.push(v.currentTime));")
    buttons = tab.page.locator(".transcript button.cue")
    buttons.nth(1).click()
    tab.page.wait_for_function("() => window.seeks.length > 0", timeout=WAIT_MS)
    assert abs(tab.page.evaluate("window.seeks[0]") - starts[1]) < 0.1
    # it plays on from there, and the clicked line is the current one
    tab.wait("!v.paused && v.currentTime > arg + 0.3", starts[1])
    tab.video("v.pause();")  # hold it inside the line while reading the transcript
    assert tab.current_time() < starts[2] - 0.5
    assert buttons.nth(1).get_attribute("aria-current") == "true"
    assert "active" in (buttons.nth(1).get_attribute("class") or "").split()
    assert tab.page.locator(".transcript .cue.active").count() == 1
    # playback reaching the next cue moves the highlight there
    tab.video("v.currentTime = arg;", starts[2] + 0.1)
    tab.page.wait_for_function("() => document.querySelectorAll('.transcript .cue')[2].classList.contains('active')",
                               timeout=WAIT_MS)
    assert buttons.nth(1).get_attribute("aria-current") is None
    assert tab.page.locator(".transcript .cue[aria-current]").count() == 1
    # keyboard: a line is a button, Enter on it seeks too
    buttons.nth(0).focus()
    tab.page.keyboard.press("Enter")
    tab.wait("v.currentTime >= arg - 0.05 && v.currentTime < arg + 1.5", starts[0])
    tab.page.wait_for_function("() => document.querySelector('.transcript .cue').classList.contains('active')",
                               timeout=WAIT_MS)
    assert tab.errors == []


def test_t_parameter_opens_the_player_at_that_moment(tab: Tab) -> None:
    tab.goto("/clips/grenzen?t=5")
    tab.wait_metadata()
    tab.wait("Math.abs(v.currentTime - 5) < 0.25")
    # the transcript line and the caption of that moment are current before playing
    tab.page.wait_for_function("() => { const a = document.querySelector('.transcript .cue.active');"
                               " return a && a.textContent.includes('vrijwilligers'); }", timeout=WAIT_MS)
    tab.wait("v.textTracks[0].mode === 'showing' && v.textTracks[0].activeCues.length > 0")
    assert "vrijwilligers" in tab.video("return v.textTracks[0].activeCues[0].text;")
    tab.play_muted()
    tab.wait("!v.paused && v.currentTime > 5.3")
    assert tab.current_time() < 8.0  # it went on from 5, not back to the beginning
    assert tab.errors == []


# --- embed --------------------------------------------------------------------------------------


def test_embed_plays_start_to_end_and_stops(tab: Tab) -> None:
    tab.goto("/embed/welkom?start=1&end=3")
    tab.wait_metadata()
    tab.wait("Math.abs(v.currentTime - 1) < 0.25")
    assert tab.video("return v.textTracks[0].mode;") == "showing"
    tab.video("window.played = false; v.addEventListener('playing', () => { window.played = true; });")
    tab.play_muted()
    tab.page.wait_for_function("() => window.played", timeout=WAIT_MS)
    tab.wait("v.paused && v.currentTime > 2")
    stopped = tab.current_time()
    assert abs(stopped - 3.0) <= 0.3, stopped
    tab.video("window.seeks = 0; v.addEventListener('seeking', () => { window.seeks += 1; });")
    tab.page.wait_for_timeout(1000)  # a second later it is still there: nothing restarts or re-seeks it
    assert tab.video("return v.paused;") is True
    assert abs(tab.current_time() - stopped) < 0.05
    assert tab.page.evaluate("window.seeks") == 0  # no seek loop at the end (each seek fires timeupdate)
    # playing again starts the excerpt over
    tab.play_muted()
    tab.wait("!v.paused && v.currentTime > 1 && v.currentTime < 2.5")
    assert tab.errors == []


def test_embed_without_captions_shows_no_track(tab: Tab) -> None:
    tab.goto("/embed/welkom?captions=0")
    tab.wait_metadata()
    modes = tab.video("return Array.from(v.textTracks, t => t.mode);")
    assert modes and "showing" not in modes, modes


# --- search → moment ------------------------------------------------------------------------------


def test_search_then_a_moment_opens_the_player_there(tab: Tab) -> None:
    tab.goto("/search?q=vrijwilligers")
    moment = tab.page.locator(".results .moments a").first
    assert "vrijwilligers" in moment.locator("mark").first.inner_text().lower()
    moment.click()
    tab.page.wait_for_url("**/clips/*?t=*", timeout=WAIT_MS)
    url = urlsplit(tab.page.url)
    assert url.path == "/clips/grenzen"
    t = float(parse_qs(url.query)["t"][0])
    assert abs(t - 3.5) < 0.01  # the cue's start in clip time (film 10.0 s, the clip starts at 6.5 s)
    tab.wait_metadata()
    tab.wait("Math.abs(v.currentTime - arg) < 0.25", t)
    tab.page.wait_for_function("() => { const a = document.querySelector('.transcript .cue.active');"
                               " return a && a.textContent.includes('vrijwilligers'); }", timeout=WAIT_MS)
    assert tab.errors == []


# --- accessibility: axe-core on every page type ------------------------------------------------------

PAGES = [
    ("/", 200),
    ("/themes/rekrutering", 200),
    ("/clips/welkom", 200),
    ("/films/testfilm", 200),
    ("/search?q=vrijwilligers", 200),
    ("/search?q=vrijwiligers", 200),  # no match: the "did you mean" page
    ("/search", 200),
    ("/embed/welkom", 200),
    ("/clips/bestaat-niet", 404),
]


def _describe(violation: dict[str, Any]) -> str:
    nodes = "\n".join(f"      {', '.join(map(str, n['target']))}: {n.get('failureSummary', '')}".replace("\n", " ")
                      for n in violation["nodes"][:5])
    return f"  {violation['id']} ({violation['impact']}): {violation['help']}\n{nodes}"


@pytest.mark.parametrize(("path", "status"), PAGES, ids=[p for p, _ in PAGES])
def test_axe_finds_no_serious_or_critical_violation(tab: Tab, path: str, status: int) -> None:
    response = tab.goto(path)
    assert response is not None and response.status == status
    assert tab.page.evaluate("document.documentElement.lang") == "nl"
    if tab.page.locator("#player").count():
        tab.wait_metadata()  # the player and its tracks as a visitor meets them
    results = axe_sync.Axe().run(tab.page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe on {path}:\n" + "\n".join(map(_describe, bad))
    # nothing blocked by the Content-Security-Policy, no script error (a 404 page logs its own 404)
    errors = [e for e in tab.errors if not (status == 404 and "404" in e)]
    assert errors == [], errors
