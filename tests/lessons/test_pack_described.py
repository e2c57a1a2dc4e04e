"""Audio description in lessons: a pack carries a clip's described version, its re-timed captions and its
descriptions (also in the transcript text); offline over file://, and in the site's presenter, the
Audiodescriptie button (or key A) plays the described version at the same moment."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalogue.cutlist import check_cutlists
from catalogue.lessons import plan_pack, resolve_target, write_pack
from catalogue.media import probe_cached
from catalogue.settings import Settings
from web.servers import CHROMIUM, NO_CHROMIUM, catalogue_server, chromium

WAIT_MS = 15_000


@pytest.fixture(scope="module")
def pack(described_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = Settings(root=described_root)
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    catalogue = report.catalogue()
    plan = plan_pack(settings, catalogue, resolve_target(catalogue, "theme:rekrutering"))
    folder = tmp_path_factory.mktemp("lesmap")
    write_pack(plan, folder / "les.zip", None)
    with zipfile.ZipFile(folder / "les.zip") as archive:
        archive.extractall(folder / "les")
    return folder / "les"


def session_json(folder: Path) -> dict[str, Any]:
    page = (folder / "index.html").read_text("utf-8")
    return json.loads(re.search(r'<script type="application/json" id="session-data">(.*?)</script>', page, re.S)[1])


def test_the_pack_carries_the_described_version_where_there_is_one(pack: Path):
    assert (pack / "clips" / "beschreven.ad.mp4").is_file()
    assert (pack / "captions" / "beschreven.nl.ad.vtt").is_file()
    assert (pack / "descriptions" / "beschreven.nl.vtt").is_file()
    assert not (pack / "clips" / "onbeschreven.ad.mp4").exists()
    steps = {s["id"]: s for s in session_json(pack)["steps"] if s["kind"] == "clip"}
    described = steps["beschreven"]["ad"]
    assert described["src"] == "clips/beschreven.ad.mp4" and described["holds"][0][0] == 9000
    last = described["tracks"][0]["cues"][-1]
    assert last[0] == pytest.approx(9.2 + described["holds"][0][1] / 1000)  # the captions re-timed
    assert "ad" not in steps["onbeschreven"]
    text = (pack / "transcripts" / "beschreven.nl.txt").read_text("utf-8")
    assert "[0:02] Beschrijving: Ann knikt en glimlacht.\n[0:06] We zoeken nieuwe buddy's." in text
    assert "audiodescriptie aan/uit" in (pack / "README.txt").read_text("utf-8")




@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    with chromium(["--autoplay-policy=no-user-gesture-required"]) as launched:
        yield launched


def _swap_in_presenter(page: Any, hold_ms: int) -> None:
    page.get_by_role("button", name="Start").click()
    page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 1; }",
                           timeout=WAIT_MS)
    page.evaluate("() => { const v = document.querySelector('video'); v.pause(); v.currentTime = 10; }")
    page.wait_for_function("() => { const v = document.querySelector('video'); return !v.seeking && "
                           "Math.abs(v.currentTime - 10) < 0.01; }", timeout=WAIT_MS)
    page.keyboard.press("a")
    page.wait_for_function("([t]) => { const v = document.querySelector('video'); return v.getAttribute('src')"
                           ".includes('beschreven.ad.mp4') && v.readyState >= 1 && Math.abs(v.currentTime - t) < 0.05; }",
                           arg=[10 + hold_ms / 1000], timeout=WAIT_MS)
    assert page.get_by_role("button", name="Audiodescriptie").get_attribute("aria-pressed") == "true"
    assert page.locator(".sp-status").text_content() == "Audiodescriptie aan."


def _hold_ms(root: Path) -> int:
    record = root / ".catalogue" / "build" / "media" / "clips" / "beschreven.ad.mp4.json"
    return int(json.loads(record.read_text())["holds"][0][1])


@pytest.mark.browser
def test_offline_the_pack_swaps_to_the_described_version_at_the_same_moment(browser: Any, pack: Path,
                                                                          described_root: Path):
    context = browser.new_context(offline=True)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto((pack / "index.html").as_uri())
        _swap_in_presenter(page, _hold_ms(described_root))
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_the_presenter_on_the_site_swaps_too(browser: Any, described_root: Path):
    with catalogue_server(described_root) as base:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"{base}/themes/rekrutering/present")
            _swap_in_presenter(page, _hold_ms(described_root))
            page.keyboard.press("a")  # and back, at the moment it holds on
            page.wait_for_function("() => { const v = document.querySelector('video'); return /\\/beschreven\\."
                                   "[0-9a-f]{16}(\\.mp4|\\/master\\.m3u8)/.test(CatalogueMedia.source(v)) && v.readyState >= 1 && "
                                   "Math.abs(v.currentTime - 10) < 0.05; }", timeout=WAIT_MS)
        finally:
            context.close()
