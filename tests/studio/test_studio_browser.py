"""The studio in a real headless Chromium against a real `catalogue studio` (issue 10's acceptance).

A 12 s generated film with Dutch subtitles whose words are known, cut once (so media/films/<film>.mp4
exists), and a cut list with the editor's comments. The studio runs as a subprocess on a free port; the
browser opens the URL with the token it printed and goes through the editor's flow: search a word,
choose three transcript lines, title and theme, save; nudge the out point one frame, save; preview.
The browser is the system's Chromium (never a downloaded one); the tests skip only when Playwright or
Chromium cannot be found at all.
"""

from __future__ import annotations

import difflib
import os
import re
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from catalogue.media.runner import ffmpeg_exe
from catalogue.settings import PROJECT_DIR

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from conftest import make_video  # noqa: E402  (tests/ is on sys.path: pytest's "prepend" import mode)
from servers import CHROMIUM, NO_CHROMIUM, chromium, free_port, stop  # noqa: E402
from sites import build_site  # noqa: E402

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright",
                               reason="axe-playwright-python is not installed")

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)]

WAIT_MS = 15_000  # every wait on the browser is bounded by this

CUTLIST = '''
    # The test film's cut list. The editor's comments must survive every save of the studio.
    [film]
    id = "testfilm"
    title = "Testfilm"
    video = "film.mp4"
    language = "nl"

    [film.subtitles]
    nl = "../transcripts/film.nl.vtt"
    en = "../transcripts/film.en.vtt"

    # Themes: short titles, they go on the buttons.
    [[theme]]
    id = "rekrutering"
    title = "Rekrutering"

    [[theme]]
    id = "omgaan-met-grenzen"
    title = "Omgaan met grenzen"

    [[clip]]
    id = "welkom"  # the opening, keep it short
    title = "Welkom <img src=x onerror=alert(1)>"
    themes = ["rekrutering"]
    start = "00:00:00.500"
    end = "00:00:04.000"
'''

DUTCH_CUES = [
    ("00:00:00.500", "00:00:02.000", "Welkom bij de buddywerking"),
    ("00:00:02.000", "00:00:04.000", "Een buddy &amp; een nieuwkomer &lt;b&gt;ontmoeten&lt;/b&gt; elkaar"),
    ("00:00:04.000", "00:00:06.000", "Grenzen trekken is soms moeilijk"),
    ("00:00:06.000", "00:00:08.000", "We zoeken nieuwe vrijwilligers"),
    ("00:00:08.000", "00:00:10.000", "Samen leren we bij"),
    ("00:00:10.000", "00:00:11.500", "Tot de volgende keer"),
]

ENGLISH_HEAD = """WEBVTT
Kind: captions
Language: en

NOTE Translated by Margot; keep the speaker tags.

STYLE
::cue(v[voice="Sara"]) { color: #ffd700; }

"""
ENGLISH_VTT = ENGLISH_HEAD + """welcome
00:00:00.500 --> 00:00:02.000 line:90% align:start
<v Sara>Welcome to the buddy project

00:00:02.000 --> 00:00:04.000
A buddy and a newcomer <i>meet</i>

00:00:04.000 --> 00:00:08.000 position:20%
<v Jan>Drawing boundaries is hard, we look for volunteers

00:00:08.000 --> 00:00:10.000
Together we learn

00:00:10.000 --> 00:00:11.500
See you next time
"""


@dataclass(frozen=True)
class Studio:
    url: str  # with the token
    base: str
    root: Path

    @property
    def cutlist(self) -> Path:
        return self.root / "media" / "film.toml"


SILENCE_MS = (7000, 8000)  # the test film's tone stops for a second here (for "Naar stilte")


def _with_silence(tone: Path) -> Path:
    """The film with its audio muted over SILENCE_MS: a tone, a second of silence, a tone."""
    film = tone.with_name("film.mp4")
    start, end = (ms / 1000 for ms in SILENCE_MS)
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", str(tone), "-c:v", "copy",
                    "-af", f"volume=0:enable='between(t,{start},{end})'", "-c:a", "aac", str(film)], check=True)
    return film


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """The small catalogue, cut once, and `python -m catalogue --root … studio` on it."""
    root = tmp_path_factory.mktemp("studio-site")
    film = _with_silence(make_video(tmp_path_factory.mktemp("studio-film") / "tone.mp4", seconds=12, gop=25))
    build_site(root, film, CUTLIST, {"film.nl.vtt": DUTCH_CUES, "film.en.vtt": ENGLISH_VTT})
    assert (root / "media" / "films" / "testfilm.mp4").is_file()
    port = free_port()
    log = (root / "studio.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "catalogue", "--root", str(root), "studio", "--port", str(port)],
        cwd=PROJECT_DIR, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        deadline, url = time.monotonic() + 30, None
        while url is None:
            found = [m for line in list(lines) if (m := re.search(r"Studio: (http://\S+\?token=\S+)", line))]
            if found:
                url = found[0].group(1)
            elif process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"`catalogue studio` printed no URL (exit code {process.poll()}):\n{''.join(lines)}"
                            f"{(root / 'studio.log').read_text(errors='replace')}")
            else:
                time.sleep(0.05)
        assert url.startswith(f"http://127.0.0.1:{port}/"), url
        while True:  # the URL is printed before uvicorn listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the studio did not listen on {port}: {(root / 'studio.log').read_text()}")
                time.sleep(0.05)
        yield Studio(url, f"http://127.0.0.1:{port}", root)
    finally:
        stop(process)
        reader.join(timeout=5)
        process.stdout.close()  # type: ignore[union-attr]
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(["--autoplay-policy=no-user-gesture-required"]) as launched:  # preview plays without a click
        yield launched


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nl-BE")
    context.set_default_timeout(WAIT_MS)
    try:
        yield context
    finally:
        context.close()


def _clips(path: Path) -> dict[str, dict[str, Any]]:
    return {clip["id"]: clip for clip in tomllib.loads(path.read_text(encoding="utf-8"))["clip"]}


def _changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]


def _save_and_wait(page: Any, cutlist: Path, before: str) -> str:
    page.get_by_role("button", name="Opslaan", exact=True).click()
    page.wait_for_function("() => /opgeslagen/.test(document.getElementById('save-status').textContent)")
    text = cutlist.read_text(encoding="utf-8")
    assert text != before
    return text


def _describe(violation: dict[str, Any]) -> str:
    nodes = "\n".join(f"      {', '.join(map(str, n['target']))}: {n.get('failureSummary', '')}".replace("\n", " ")
                      for n in violation["nodes"][:5])
    return f"  {violation['id']} ({violation['impact']}): {violation['help']}\n{nodes}"


def test_without_the_token_the_studio_refuses(context: Any, studio: Studio) -> None:
    for path in ("/", "/api/film?film=testfilm", "/static/studio.js", "/video/testfilm"):
        response = context.request.get(studio.base + path, max_redirects=0)
        assert response.status == 403, (path, response.status)
    page = context.new_page()
    response = page.goto(studio.base + "/")
    assert response is not None and response.status == 403
    assert "Geen toegang" in page.content()


def test_make_a_clip_from_what_is_said_then_nudge_its_end_and_preview(
        context: Any, studio: Studio, tmp_path: Path) -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def on_dialog(dialog: Any) -> None:  # nothing asks before the delete
        errors.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    response = page.goto(studio.url)
    assert response is not None and response.status == 200
    assert "token=" not in page.url  # the token became a cookie, and left the address bar
    page.wait_for_function("() => document.getElementById('studio').dataset.ready === 'true'")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")
    film = page.evaluate("() => fetch('/api/film?film=testfilm').then(r => r.json())")
    frame_ms = round(1000 / film["film"]["fps"])
    comments = [line for line in studio.cutlist.read_text(encoding="utf-8").splitlines() if "#" in line]
    assert len(comments) == 3

    # hostile text from the cut list and the cues is shown as text, never as markup
    segment = page.locator("#segments .segment").first
    assert "<img src=x onerror=alert(1)>" in segment.inner_text()
    assert page.locator("#segments img, #cues b, #cues img").count() == 0
    assert "<b>ontmoeten</b>" in page.locator("#cues .cue").nth(1).inner_text()

    # search a word said in the film: the hit is listed with its time, the word marked
    page.get_by_label("Zoeken in wat er gezegd wordt").fill("grenzen")
    page.keyboard.press("Enter")
    hit = page.locator("#hits .hit").first
    hit.wait_for()
    assert page.locator("#hits .hit").count() == 1
    assert hit.locator("mark").inner_text().lower() == "grenzen"
    assert "00:00:04.000" in hit.inner_text()

    # the hit selects its line; shift-click two lines further: three lines, in = first start, out = last end
    hit.click()
    page.locator("#cues .cue").nth(4).click(modifiers=["Shift"])
    assert page.locator("#cues .cue.in-clip").count() == 3
    assert page.get_by_label("In (uu:mm:ss.mmm)").input_value() == "00:00:04.000"
    assert page.get_by_label("Uit (uu:mm:ss.mmm)").input_value() == "00:00:10.000"
    page.get_by_label("Titel", exact=True).fill("Grenzen trekken, samen leren")
    assert page.get_by_label("Id (slug)").input_value() == "grenzen-trekken-samen-leren"
    page.get_by_label("Omgaan met grenzen").check()

    before = studio.cutlist.read_text(encoding="utf-8")
    first = _save_and_wait(page, studio.cutlist, before)
    clip = _clips(studio.cutlist)["grenzen-trekken-samen-leren"]
    assert (clip["title"], clip["themes"]) == ("Grenzen trekken, samen leren", ["omgaan-met-grenzen"])
    assert (clip["start"], clip["end"]) == ("00:00:04.000", "00:00:10.000")
    assert [line for line in first.splitlines() if "#" in line] == comments
    assert _clips(studio.cutlist)["welkom"]["title"] == "Welkom <img src=x onerror=alert(1)>"
    check = subprocess.run([sys.executable, "-m", "catalogue", "--root", str(studio.root), "check"],
                           cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert page.get_by_label("Id (slug)").get_attribute("readonly") is not None  # stable once saved
    assert page.locator("#segments .segment").count() == 2

    # the out point one frame later (arrow in the out field), save: exactly that line changed
    page.get_by_label("Uit (uu:mm:ss.mmm)").focus()
    page.keyboard.press("ArrowRight")
    out_ms = 10_000 + frame_ms
    assert page.get_by_label("Uit (uu:mm:ss.mmm)").input_value() == f"00:00:{out_ms / 1000:06.3f}"
    second = _save_and_wait(page, studio.cutlist, first)
    assert _changed_lines(first, second) == ['- end = "00:00:10.000"', f'+ end = "00:00:{out_ms / 1000:06.3f}"']

    # preview plays in → out from the film and stops at the out point (a later in: a short wait)
    page.get_by_label("In (uu:mm:ss.mmm)").fill("00:00:09.000")
    page.keyboard.press("Enter")
    page.evaluate("""() => {
        const v = document.getElementById('player');
        window.seen = {playing: false, max: 0, first: null};
        const look = () => {
            if (!v.paused) {
                seen.playing = true; seen.max = Math.max(seen.max, v.currentTime);
                if (seen.first === null) { seen.first = v.currentTime; }
            }
            requestAnimationFrame(look);
        };
        look();
    }""")
    page.get_by_role("button", name="Voorvertoning in → uit (P)").click()
    page.wait_for_function("() => window.seen.playing && document.getElementById('player').paused")
    seen = page.evaluate("window.seen")
    stopped = page.evaluate("document.getElementById('player').currentTime")
    assert 8.95 <= seen["first"] < 9.5, seen  # it started at the in point
    assert seen["max"] < out_ms / 1000 + 0.2, seen
    assert abs(stopped - out_ms / 1000) < 0.2, stopped

    page.screenshot(path=str(tmp_path / "studio.png"), full_page=True)
    results = axe_sync.Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "axe on the studio:\n" + "\n".join(map(_describe, bad))

    # delete it again, after a confirm: gone from the file, the comments stay
    page.remove_listener("dialog", on_dialog)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Verwijderen", exact=True).click()
    page.wait_for_function("() => /verwijderd/.test(document.getElementById('save-status').textContent)")
    assert set(_clips(studio.cutlist)) == {"welkom"}
    assert [line for line in studio.cutlist.read_text(encoding="utf-8").splitlines() if "#" in line] == comments
    assert page.locator("#segments .segment").count() == 1
    assert errors == [], errors


def _seek(page: Any, seconds: float) -> None:
    page.evaluate("""s => new Promise(done => {
        const v = document.getElementById('player');
        v.pause();
        v.addEventListener('seeked', () => done(), {once: true});
        v.currentTime = s;
    })""", seconds)


def _caption_saved(page: Any, vtt: Path, before: str, click: Any, said: str) -> str:
    click()
    page.wait_for_function("s => document.getElementById('captions-status').textContent.includes(s)", arg=said)
    text = vtt.read_text(encoding="utf-8")
    assert text != before
    return text


def test_review_the_captions_edit_text_and_time_split_merge_keeps_the_rest(
        context: Any, studio: Studio, tmp_path: Path) -> None:
    vtt, dutch = studio.root / "transcripts" / "film.en.vtt", studio.root / "transcripts" / "film.nl.vtt"
    dutch_before = dutch.read_bytes()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(studio.url)
    page.wait_for_function("() => document.getElementById('captions').dataset.ready === 'true'")
    page.wait_for_function("() => document.getElementById('player').readyState >= 1")

    # the film's own language first; English chosen: its cues, voice tags as typed text
    assert page.get_by_label("Taal").input_value() == "nl"
    page.get_by_label("Taal").select_option("en")
    page.wait_for_function("() => (document.getElementById('cap-text-0') || {}).value === '<v Sara>Welcome to the buddy project'")
    assert page.locator("#caption-list .caption").count() == 5
    assert "een regel langer dan 42 tekens" in page.locator("#cap-lint-2").inner_text()  # the file's own lint

    # the lint follows the typing
    text = page.get_by_label("Tekst van ondertitel 1")
    text.fill("<v Sara>Welcome to the buddy project, where a newcomer meets a buddy")
    assert "leessnelheid" in page.locator("#cap-lint-0").inner_text()
    text.fill("<v Sara>Welcome to the buddy team")
    assert page.locator("#cap-lint-0 li").count() == 0

    # a time from the playhead, one typed; save: exactly those lines changed
    _seek(page, 3.9)
    page.get_by_role("button", name="Einde van ondertitel 2 op het afspeelpunt").click()
    assert page.locator("#cap-end-1").input_value() == "00:00:03.900"
    page.locator("#cap-start-4").fill("00:00:10.200")
    first = _caption_saved(page, vtt, ENGLISH_VTT, page.get_by_role("button", name="Ondertitels opslaan (3 gewijzigd)").click,
                           "opgeslagen")
    assert first == (ENGLISH_VTT.replace("project\n", "team\n").replace("00:00:04.000\nA", "00:00:03.900\nA")
                     .replace("00:00:10.000 --> 00:00:11.500", "00:00:10.200 --> 00:00:11.500"))

    # clicking a cue seeks the film; split the third at the playhead
    page.get_by_role("button", name="Ga naar ondertitel 4 (00:00:08.000)").click()
    page.wait_for_function("() => Math.abs(document.getElementById('player').currentTime - 8) < 0.01")
    _seek(page, 6.0)
    second = _caption_saved(page, vtt, first, page.get_by_role("button", name="Ondertitel 3 splitsen op het afspeelpunt").click,
                            "gesplitst")
    assert second == first.replace(
        "00:00:04.000 --> 00:00:08.000 position:20%\n<v Jan>Drawing boundaries is hard, we look for volunteers\n",
        "00:00:04.000 --> 00:00:06.000 position:20%\n<v Jan>Drawing boundaries is hard,\n\n"
        "00:00:06.000 --> 00:00:08.000 position:20%\n<v Jan>we look for volunteers\n")
    assert page.locator("#caption-list .caption").count() == 6

    # merge the fifth with the last
    third = _caption_saved(page, vtt, second, page.get_by_role("button", name="Ondertitel 5 samenvoegen met de volgende").click,
                           "samengevoegd")
    assert third == second.replace("00:00:08.000 --> 00:00:10.000\nTogether we learn\n\n00:00:10.200 --> 00:00:11.500\n",
                                   "00:00:08.000 --> 00:00:11.500\nTogether we learn\n")
    assert third.startswith(ENGLISH_HEAD + "welcome\n00:00:00.500 --> 00:00:02.000 line:90% align:start\n<v Sara>")
    assert dutch.read_bytes() == dutch_before
    assert page.locator("#caption-list .caption").count() == 5
    assert page.locator("#caption-list img, #caption-list b").count() == 0

    page.screenshot(path=str(tmp_path / "captions.png"), full_page=True)
    results = axe_sync.Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "axe on the caption review:\n" + "\n".join(map(_describe, bad))
    assert errors == [], errors


BUILT_CLIP = '''
[[clip]]
id = "studio-bouw"
title = "Gebouwd vanuit de studio"
themes = ["omgaan-met-grenzen"]
start = "00:00:04.000"
end = "00:00:08.000"
'''


def test_build_button_makes_the_clip_and_its_captions_and_the_waveform_is_drawn(context: Any, studio: Studio) -> None:
    original = studio.cutlist.read_bytes()
    studio.cutlist.write_bytes(original + BUILT_CLIP.encode())  # a clip the editor just added, not built yet
    clip_video = studio.root / "media" / "clips" / "studio-bouw.mp4"
    clip_vtt = studio.root / "transcripts" / "clips" / "studio-bouw.nl.vtt"
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.goto(studio.url)
        page.wait_for_function("() => document.getElementById('studio').dataset.ready === 'true'")

        # the waveform (the film's 440 Hz tone) and the thumbnails are drawn under the timeline, at any zoom
        page.wait_for_function("() => document.getElementById('waveform').dataset.drawn === 'true'")
        page.wait_for_function("() => document.getElementById('thumbs-strip').dataset.drawn === 'true'")
        inked = """id => { const c = document.getElementById(id), d = c.getContext('2d')
                               .getImageData(0, 0, c.width, c.height).data;
                           let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) { n++; } } return n / (d.length / 4); }"""
        assert page.evaluate(inked, "waveform") > 0.3  # a steady tone: ink over most of the strip
        assert page.evaluate(inked, "thumbs-strip") > 0.3
        assert page.locator("#waveform").bounding_box()["height"] > 20  # type: ignore[index]
        page.get_by_role("button", name="Inzoomen").click()
        page.wait_for_function("() => document.getElementById('timeline').clientWidth > "
                               "1.5 * document.getElementById('timeline-scroll').clientWidth")
        assert page.evaluate(inked, "waveform") > 0.3

        # the build button: cut and index, followed live in the log, the clip's MP4 and VTT on disk
        assert not clip_video.exists()
        page.get_by_role("button", name="Clips en zoekindex bouwen").click()
        page.wait_for_function("() => document.getElementById('build-status').dataset.state === 'done'",
                               timeout=120_000)
        log = page.get_by_role("log", name="Verloop van de build").inner_text()
        assert "studio-bouw: wrote studio-bouw.mp4" in log and "Indexed" in log, log
        assert page.locator("#build-errors").is_hidden()
        assert clip_video.stat().st_size > 0 and clip_vtt.is_file()
        assert "Grenzen trekken" in clip_vtt.read_text(encoding="utf-8")
        assert page.get_by_role("button", name="Clips en zoekindex bouwen").is_enabled()
        assert errors == [], errors
    finally:
        studio.cutlist.write_bytes(original)


def test_snap_to_silence_moves_the_out_point_into_the_quiet_second(context: Any, studio: Studio) -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.goto(studio.url)
    page.wait_for_function("() => document.getElementById('studio').dataset.ready === 'true'")
    out_snap = page.get_by_role("button", name="Uitpunt naar de dichtste stilte (binnen 3 s)")
    in_snap = page.get_by_role("button", name="Inpunt naar de dichtste stilte (binnen 3 s)")
    page.wait_for_function("() => document.getElementById('waveform').dataset.drawn === 'true'")
    assert out_snap.is_enabled() and in_snap.is_enabled()  # enabled once the waveform is loaded

    value_ms = "() => { const t = document.getElementById('clip-out').value.split(/[:.]/).map(Number);" \
               " return ((t[0] * 60 + t[1]) * 60 + t[2]) * 1000 + t[3]; }"
    page.locator("#clip-out").fill("00:00:09.500")
    page.locator("#clip-out").press("Tab")
    out_snap.click()
    out_ms = page.evaluate(value_ms)
    start, end = SILENCE_MS
    assert start < out_ms < end, out_ms  # inside the silence
    assert out_ms - start <= 300, out_ms  # just after the tone stops: no dead air in the clip

    # the in point at 2 s: the silence is 5 s away, too far; it stays, and the editor is told
    page.locator("#clip-in").fill("00:00:02.000")
    page.locator("#clip-in").press("Tab")
    in_snap.click()
    assert page.locator("#clip-in").input_value() == "00:00:02.000"
    assert "Geen stilte" in page.locator("#save-status").inner_text()
    assert errors == [], errors


def test_who_appears_where_the_selection_added_as_a_persons_appearance(context: Any, studio: Studio) -> None:
    """Issue 19: the editor selects what a person says, names them, and the cut list gets a [[person]]
    with that appearance (comments kept), shown as a band on the timeline; a second appearance of the same
    person is added to them. Last in this module: it changes the shared cut list."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(studio.url)
    page.wait_for_function("() => document.getElementById('studio').dataset.ready === 'true'")
    before = studio.cutlist.read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if "#" in line]
    add = page.get_by_role("button", name="Selectie toevoegen als verschijning")
    status = page.locator("#appearance-status")

    # two lines selected, a new person named: saved, and a band on the timeline
    page.locator("#cues .cue").nth(2).click()
    page.locator("#cues .cue").nth(3).click(modifiers=["Shift"])
    assert page.get_by_label("Persoon").input_value() == ""  # "Nieuwe persoon…"
    page.locator("#appearance-name").fill("Ann Peeters")
    add.focus()
    page.keyboard.press("Enter")  # keyboard operable
    page.wait_for_function("() => /opgeslagen/.test(document.getElementById('appearance-status').textContent)")
    persons = tomllib.loads(studio.cutlist.read_text(encoding="utf-8"))["person"]
    assert [(p["id"], p["name"], p["appearances"]) for p in persons] == \
        [("ann-peeters", "Ann Peeters", [["00:00:04.000", "00:00:08.000"]])]
    band = page.locator("#appearances .appearance")
    assert band.count() == 1 and band.first.inner_text() == "Ann Peeters"
    assert page.get_by_label("Persoon").input_value() == "ann-peeters"  # the next one is hers by default

    # her second appearance: the last line (a click sets where a selection starts, a shift-click its end),
    # added to the same person
    page.locator("#cues .cue").nth(5).click()
    page.locator("#cues .cue").nth(5).click(modifiers=["Shift"])
    add.click()
    page.wait_for_function("() => /00:00:11.500 opgeslagen/.test(document.getElementById('appearance-status').textContent)")
    text = studio.cutlist.read_text(encoding="utf-8")
    assert tomllib.loads(text)["person"][0]["appearances"] == [["00:00:04.000", "00:00:08.000"],
                                                               ["00:00:10.000", "00:00:11.500"]]
    assert page.locator("#appearances .appearance").count() == 2
    assert [line for line in text.splitlines() if "#" in line] == comments  # the editor's comments kept
    assert status.inner_text().startswith("Verschijning 00:00:10.000")
    check = subprocess.run([sys.executable, "-m", "catalogue", "--root", str(studio.root), "check"],
                           cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert not errors, errors
