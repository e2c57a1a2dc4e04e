"""session-player.js on its own: a hand-made page over file:// (as the offline lesson pack opens it),
with captions carried as inline cues, driven by the keys a presenter clicker sends.

Two 4 s test-pattern clips, a discussion between them; the script and its CSS are copied next to the
page from templates/static, so this tests the very files the site serves.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalogue.media.runner import ffmpeg_exe
from catalogue.settings import PROJECT_DIR
from servers import CHROMIUM, NO_CHROMIUM, chromium

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)]

WAIT_MS = 15_000
STATIC = PROJECT_DIR / "templates" / "static"

SESSION = {
    "title": "Proefles <buddy's> & co",
    "description": "Twee clips en een gesprek.",
    "steps": [
        {"kind": "clip", "id": "eerste", "title": "Eerste clip", "src": "clips/eerste.mp4", "poster": "",
         "start": 0.0, "end": 4.0, "duration": 4.0, "questions": [], "learning_goal": "",
         "tracks": [
             {"lang": "nl", "label": "Nederlands", "kind": "captions", "default": True,
              "cues": [[0.0, 2.0, "<v Sara>Welkom in de les"], [2.0, 4.0, "Tweede zin </script>"]]},
             {"lang": "en", "label": "Engels", "cues": [[0.0, 4.0, "Welcome"]]}]},
        {"kind": "discussion", "title": "Praat erover", "minutes": 2,
         "questions": ["Wat zag je?", "Wat zou jij doen | en waarom?"]},
        {"kind": "clip", "id": "tweede", "title": "Tweede clip", "src": "clips/tweede.mp4", "poster": "",
         "start": 1.0, "end": 2.5, "duration": 4.0, "questions": [], "learning_goal": "",
         "tracks": [{"lang": "nl", "label": "Nederlands", "default": True,
                     "cues": [[0.5, 3.5, "Een stukje uit het midden"]]}]},
    ],
}


def _page(mode: str) -> str:
    data = json.dumps(SESSION, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return ("<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
            f"<title>{html.escape(SESSION['title'])}</title>"
            "<link rel='stylesheet' href='assets/presenter.css'></head><body>"
            f"<script type='application/json' id='session-data'>{data}</script>"
            f"<main><div id='session-player' data-mode='{mode}'><p>Zet JavaScript aan.</p></div></main>"
            "<script src='assets/session-player.js'></script></body></html>")


def _make_clip(path: Path) -> None:
    subprocess.run([
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=4",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25",
        "-c:a", "aac", "-b:a", "48k", "-shortest", "-movflags", "+faststart", str(path),
    ], check=True, timeout=60)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An unzipped-pack-like folder: two pages (presenter and embed), assets/, clips/."""
    root = tmp_path_factory.mktemp("player-page")
    (root / "clips").mkdir()
    _make_clip(root / "clips" / "eerste.mp4")
    shutil.copyfile(root / "clips" / "eerste.mp4", root / "clips" / "tweede.mp4")
    (root / "assets").mkdir()
    for name in ("session-player.js", "presenter.css"):
        shutil.copyfile(STATIC / name, root / "assets" / name)
    (root / "index.html").write_text(_page("presenter"), encoding="utf-8")
    (root / "embed.html").write_text(_page("embed"), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nl-BE", offline=True)
    context.set_default_timeout(WAIT_MS)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    tab.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    tab.errors = errors
    try:
        yield tab
    finally:
        context.close()


def _wait(page: Any, condition: str) -> None:
    """Wait (bounded) for `condition`, an expression of `v` (the current video, or null) and `p` (the root)."""
    page.wait_for_function(
        "() => { const v = window.sessionPlayer && window.sessionPlayer.video();"
        f" const p = document.getElementById('session-player'); return !!({condition}); }}",
        timeout=WAIT_MS, polling=50)


def _video(page: Any, script: str) -> Any:
    return page.evaluate(f"() => {{ const v = window.sessionPlayer.video(); {script} }}")


def test_presenter_walks_clip_discussion_clip_with_the_keys(page: Any, folder: Path) -> None:
    page.goto((folder / "index.html").as_uri())
    # the title card: the session's title as text (never markup), its steps, the keys
    assert page.locator(".sp-cover h2").inner_text() == SESSION["title"]
    assert page.locator(".sp-overview li").count() == 3
    assert "Volgende: Eerste clip" in page.locator(".sp-next").inner_text()
    assert page.locator(".sp-keys").is_visible()

    page.keyboard.press("PageDown")
    _wait(page, "p.dataset.kind === 'clip' && v && !v.paused && v.currentTime > 0.3")
    _wait(page, "v.textTracks.length === 2 && v.textTracks[0].mode === 'showing' && "
                "v.textTracks[0].activeCues.length > 0")
    cue = _video(page, "const t = v.textTracks[0]; return {lang: t.language, kind: t.kind, "
                       "text: t.activeCues[0].getCueAsHTML().textContent, english: v.textTracks[1].mode};")
    assert cue == {"lang": "nl", "kind": "captions", "text": "Welkom in de les", "english": "disabled"}
    assert page.locator(".sp-next").inner_text() == "Volgende: Praat erover (2 min)"
    assert page.locator(".sp-counter").inner_text() == "Stap 1 van 3"

    page.keyboard.press("Space")  # pauses the clip: Space is play/pause while a clip is on
    _wait(page, "v.paused")
    page.keyboard.press("Space")
    _wait(page, "!v.paused")

    page.keyboard.press("ArrowRight")
    _wait(page, "p.dataset.kind === 'discussion' && v === null")
    card = page.locator(".sp-discussion")
    assert card.locator("h2").inner_text() == "Praat erover"
    assert card.locator(".sp-questions li").all_inner_texts() == SESSION["steps"][1]["questions"]
    timer = page.locator(".sp-timer")
    assert timer.inner_text() in ("2:00", "1:59")
    page.wait_for_function("() => document.querySelector('.sp-timer').textContent === '1:58'", timeout=WAIT_MS)
    assert page.locator(".sp-next").inner_text() == "Volgende: Tweede clip"

    page.keyboard.press("b")  # black screen, and back
    assert page.locator(".sp-black").is_visible()
    page.keyboard.press(".")
    assert not page.locator(".sp-black").is_visible()

    page.keyboard.press("Space")  # on a discussion, Space goes on
    _wait(page, "p.dataset.kind === 'clip' && p.dataset.step === '2' && v && !v.paused")
    # just the range 1.0–2.5 s of the clip: it starts at 1, then the session ends by itself
    _wait(page, "v.readyState >= 2 && v.currentTime >= 0.95 && v.currentTime < 2.5")
    _wait(page, "v.textTracks[0].activeCues.length > 0")
    _wait(page, "p.dataset.kind === 'end'")
    assert page.locator(".sp-end h2").inner_text() == "Einde van de sessie"

    page.keyboard.press("PageUp")
    _wait(page, "p.dataset.step === '2' && v")
    page.keyboard.press("ArrowUp")
    _wait(page, "p.dataset.kind === 'discussion'")
    page.keyboard.press("End")
    _wait(page, "p.dataset.step === '2'")
    page.keyboard.press("Home")
    _wait(page, "p.dataset.step === '0' && v")
    assert page.errors == []


def test_black_screen_pauses_the_clip_and_brings_it_back(page: Any, folder: Path) -> None:
    page.goto((folder / "index.html").as_uri())
    page.keyboard.press("ArrowDown")
    _wait(page, "v && !v.paused && v.currentTime > 0.2")
    page.keyboard.press("B")
    _wait(page, "v.paused")
    covered = page.evaluate("() => document.elementFromPoint(640, 700).className")  # the bar's place
    assert page.locator(".sp-black").is_visible() and covered == "sp-black", covered
    page.keyboard.press("B")
    _wait(page, "!v.paused")
    assert not page.locator(".sp-black").is_visible()


def test_embed_plays_on_into_a_discussion_card_then_the_next_clip(page: Any, folder: Path) -> None:
    page.goto((folder / "embed.html").as_uri())
    _wait(page, "p.dataset.kind === 'clip' && v && v.readyState >= 1")
    assert _video(page, "return v.controls;") is True
    page.keyboard.press("PageDown")  # an embed leaves the keys to the page and the video
    assert page.evaluate("document.getElementById('session-player').dataset.step") == "0"
    _video(page, "v.muted = true; v.currentTime = 3.2; return v.play().then(() => true);")
    _wait(page, "p.dataset.kind === 'discussion'")
    assert page.locator(".sp-discussion .sp-questions li").count() == 2
    page.get_by_role("button", name="Verder").click()
    _wait(page, "p.dataset.step === '2' && v && !v.paused && v.currentTime >= 1.0")
    assert _video(page, "return v.muted;") is True  # muted stays muted from clip to clip
    assert page.errors == []


def test_discussion_timer_counts_down_to_time_up(page: Any, folder: Path) -> None:
    page.clock.install()  # the page's clock, moved on by the test: no two-minute wait
    page.goto((folder / "index.html").as_uri())
    page.evaluate("window.sessionPlayer.go(1)")
    _wait(page, "p.dataset.kind === 'discussion'")
    assert page.locator(".sp-timer").inner_text() == "2:00"
    assert page.locator(".sp-timer-label").inner_text() == "Nog"
    page.clock.run_for("01:30")
    assert page.locator(".sp-timer").inner_text() == "0:30"
    page.clock.run_for("00:31")
    assert page.locator(".sp-timer").inner_text() == "0:00"
    assert page.locator(".sp-timer-label").inner_text() == "Tijd is om"
    assert "sp-time-up" in (page.locator("#session-player").get_attribute("class") or "")
    page.keyboard.press("PageUp")  # leaving the step stops its timer and clears the state
    _wait(page, "p.dataset.kind === 'clip'")
    assert "sp-time-up" not in (page.locator("#session-player").get_attribute("class") or "")
    assert page.errors == []
