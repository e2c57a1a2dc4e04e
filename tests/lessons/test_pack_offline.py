"""The lesson pack offline, as a trainer uses it: unzipped into a folder, index.html opened over file://
in Debian's Chromium with the network off. The first clip plays with a Dutch cue showing, the discussion
step shows its questions, and axe-core finds no serious or critical violation."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from catalogue.cli import cli
from test_pack import DISCUSSION, make_site
from web.servers import CHROMIUM, NO_CHROMIUM, chromium

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed")

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)]

WAIT_MS = 15_000


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site's session pack, made by the CLI and unzipped into a folder of its own."""
    settings = make_site(tmp_path_factory.mktemp("site"), tmp_path_factory.mktemp("film"))
    result = CliRunner().invoke(cli, ["--root", str(settings.root), "pack", "les"])
    assert result.exit_code == 0, result.output
    folder = tmp_path_factory.mktemp("lesmap")
    with zipfile.ZipFile(settings.media_dir / "packs" / "session-les.zip") as archive:
        archive.extractall(folder)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(["--autoplay-policy=no-user-gesture-required"]) as launched:
        yield launched


@pytest.fixture
def page(browser: Any, unzipped: Path) -> Iterator[Any]:
    """index.html over file:// in a context with the network off; every other URL is refused and noted."""
    context = browser.new_context(offline=True)
    elsewhere: list[str] = []

    def refuse(route: Any) -> None:
        elsewhere.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(("file:", "data:", "blob:")), refuse)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto((unzipped / "index.html").as_uri())
    yield tab
    context.close()
    assert elsewhere == [], f"the pack asked the network for {elsewhere}"
    assert errors == [], errors


def test_pack_plays_the_first_clip_with_a_dutch_cue_offline(page: Any) -> None:
    assert page.evaluate("location.protocol") == "file:"
    page.get_by_role("button", name="Start").click()
    page.wait_for_function("() => { const v = document.querySelector('video');"
                           " return v && v.currentTime > 0.3 && !v.paused; }", timeout=WAIT_MS)
    assert page.evaluate("document.querySelector('video').getAttribute('src')").startswith("clips/een.mp4")
    page.wait_for_function("() => { const t = document.querySelector('video').textTracks[0];"
                           " return t && t.language === 'nl' && t.mode === 'showing'"
                           " && t.activeCues && t.activeCues.length > 0; }", timeout=WAIT_MS)
    cue = page.evaluate("document.querySelector('video').textTracks[0].activeCues[0].text")
    assert "Hallo &amp; welkom bij de buddywerking" in cue


def test_pack_discussion_step_shows_its_questions(page: Any) -> None:
    page.get_by_role("button", name="Start").click()
    page.wait_for_selector("video", timeout=WAIT_MS)
    page.keyboard.press("PageDown")
    page.wait_for_selector(".sp-discussion", timeout=WAIT_MS)
    questions = page.locator(".sp-questions li").all_inner_texts()
    assert questions == list(DISCUSSION)
    assert page.locator(".sp-timer").inner_text() in ("10:00", "9:59")
    assert "Grenzen stellen" in page.locator(".sp-next").inner_text()  # what comes next, for the trainer


def test_pack_links_to_its_guide_and_transcripts(page: Any, unzipped: Path) -> None:
    for link in page.locator(".pack-materials a").all():
        href = link.get_attribute("href")
        assert href and (unzipped / href).is_file(), href


def _describe(violation: dict[str, Any]) -> str:
    nodes = "; ".join(", ".join(map(str, n["target"])) for n in violation["nodes"][:5])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {nodes}"


@pytest.mark.parametrize("step", ["cover", "clip", "discussion"])
def test_pack_index_has_no_serious_axe_violation(page: Any, step: str) -> None:
    if step != "cover":
        page.get_by_role("button", name="Start").click()
        page.wait_for_selector("video", timeout=WAIT_MS)
    if step == "discussion":
        page.keyboard.press("PageDown")
        page.wait_for_selector(".sp-discussion", timeout=WAIT_MS)
    results = axe_sync.Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(map(_describe, bad))
