"""Search as a professional types it, in a real Chromium against a real `catalogue serve` (issue 18): the
demo's cut list and subtitles over a small stand-in film, cut and indexed; typing "grens trekken bij
vrijwilligers" on the home page shows the boundaries clips, each with a moment that plays there."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from catalogue.cutlist import check_cutlists
from catalogue.cutting import build, plan_cut
from catalogue.demo.generator import FILM_ID, demo_cues, demo_cutlist, plan_timeline
from catalogue.demo.script import THEMES
from catalogue.media import probe_cached
from catalogue.media.runner import ffmpeg_exe
from catalogue.search import build_index
from catalogue.settings import Settings
from catalogue.subtitles import format_vtt
from servers import CHROMIUM, NO_CHROMIUM, catalogue_server, chromium

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)]

WAIT_MS = 15_000
BOUNDARIES = [c.id for t in THEMES if t.id == "omgaan-met-grenzen" for c in t.clips]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's texts and cut list, its film a small stand-in of the same length (the real one takes
    minutes to make): cut and indexed in-process, as `catalogue demo` does."""
    root = tmp_path_factory.mktemp("demo-site")
    timeline = plan_timeline()
    video = root / "media" / "demo" / f"{FILM_ID}.mp4"
    video.parent.mkdir(parents=True)
    seconds = timeline.duration_ms / 1000
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size=128x72:rate=5:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=16000:duration={seconds}",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "10",
                    "-c:a", "aac", "-ac", "1", "-b:a", "24k", "-shortest", str(video)], check=True, timeout=300)
    subtitles = {}
    for lang in ("nl", "en"):
        path = root / "transcripts" / "demo" / f"{FILM_ID}.{lang}.vtt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(format_vtt(demo_cues(timeline, lang)), encoding="utf-8")
        subtitles[lang] = f"../transcripts/demo/{path.name}"
    (root / "media" / f"demo-{FILM_ID}.toml").write_text(demo_cutlist(timeline, f"demo/{video.name}", subtitles),
                                                        encoding="utf-8")
    settings = Settings(root)
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    jobs, unplannable = plan_cut(settings, report.catalogue(), report)
    assert not unplannable, unplannable
    assert not build(settings, jobs).failed
    build_index(settings, report.catalogue(), report)
    return root


@pytest.fixture(scope="module")
def page(demo_site: Path) -> Iterator[tuple[Any, str, list[str]]]:
    with catalogue_server(demo_site) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
        context.set_default_timeout(WAIT_MS)
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        tab.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        yield tab, base, errors
        context.close()


def test_a_question_typed_on_the_home_page_shows_the_boundaries_clips_with_a_playable_moment(
        page: tuple[Any, str, list[str]]) -> None:
    tab, base, errors = page
    tab.goto(base + "/", wait_until="load")
    tab.fill("#zoek-start", "grens trekken bij vrijwilligers")
    tab.press("#zoek-start", "Enter")
    tab.wait_for_url("**/search?q=*", timeout=WAIT_MS)
    results = tab.locator(".results > li.result")
    assert results.count() > 0
    shown = {}
    for n in range(results.count()):
        item = results.nth(n)
        clip_id = urlsplit(item.locator("h2 a").get_attribute("href")).path.rsplit("/", 1)[-1]
        shown[clip_id] = item
    assert set(BOUNDARIES) <= set(shown), list(shown)
    for clip_id in BOUNDARIES:
        item = shown[clip_id]
        assert "Niet gevonden:" in item.locator(".missing").inner_text()  # "trekken" is said nowhere
        moment = item.locator(".moments a").first
        assert moment.locator("mark").count() >= 1  # grenzen, marked
        href = moment.get_attribute("href")
        assert urlsplit(href).path == f"/clips/{clip_id}" and float(parse_qs(urlsplit(href).query)["t"][0]) >= 0
    first = shown[BOUNDARIES[0]].locator(".moments a").first
    t = float(parse_qs(urlsplit(first.get_attribute("href")).query)["t"][0])
    first.click()
    tab.wait_for_url(f"**/clips/{BOUNDARIES[0]}?t=*", timeout=WAIT_MS)
    tab.wait_for_function("([t]) => { const v = document.getElementById('player');"
                          " return v && v.readyState >= 1 && Math.abs(v.currentTime - t) < 0.3; }",
                          arg=[t], timeout=WAIT_MS, polling=50)
    assert errors == []


def test_a_paraphrase_shows_related_clips_labelled_with_an_unmarked_moment(page: tuple[Any, str, list[str]]) -> None:
    tab, base, errors = page
    tab.goto(base + "/search?q=" + "mensen die het opgeven na een tijdje".replace(" ", "+"), wait_until="load")
    related = tab.locator(".results > li.result", has=tab.locator(".related-label"))
    assert related.count() >= 1
    item = related.first
    assert item.locator(".related-label").inner_text() == "Verwant aan je vraag"
    moment = item.locator(".moments li.related a").first
    assert moment.locator("mark").count() == 0 and "/clips/" in moment.get_attribute("href")
    assert errors == []
