"""Audio descriptions in the studio: read with a warning for each that does not fit its pause, edited
(add, change, delete) over the version the page had, heard in the voice of the described versions;
and in Chromium, an editor adds one at the playhead, saves it and hears it."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.testclient import TestClient

from catalogue.settings import Settings
from catalogue.studio.app import create_studio_app
from catalogue.studio.security import DEFAULT_PORT, cookie_name, csrf_token, session_value
from catalogue.subtitles import read_cues
from web.servers import CHROMIUM, NO_CHROMIUM, chromium, free_port

TOKEN = "studio-test-token"
COOKIE, SESSION = cookie_name(DEFAULT_PORT), session_value(TOKEN)  # what the link sets
ORIGIN = "http://testserver"
CHANGE = {"Origin": ORIGIN, "X-CSRF-Token": csrf_token(TOKEN)}
WAIT_MS = 15_000


@pytest.fixture
def root(described_root: Path, tmp_path: Path) -> Path:
    """A copy of the described catalogue that a test may change."""
    copy = tmp_path / "site"
    shutil.copytree(described_root, copy, ignore=shutil.ignore_patterns(".catalogue", "clips", "films"))
    return copy


@pytest.fixture
def client(root: Path) -> TestClient:
    client = TestClient(create_studio_app(Settings(root=root), TOKEN), base_url=ORIGIN)
    client.cookies.set(COOKIE, SESSION)
    return client


def test_descriptions_come_with_a_warning_where_they_do_not_fit(client: TestClient):
    data = client.get("/api/descriptions?film=testfilm").json()
    assert data["lang"] == "nl" and data["file"] == "transcripts/film.nl.descriptions.vtt"
    fits, long = data["cues"]
    assert fits["text"] == "Ann knikt en glimlacht." and fits["warnings"] == []
    assert [w.split(":")[0] for w in long["warnings"]] == ["past niet in de stilte", "uitgesproken duurt ze ongeveer 4,2 s, langer dan de cue (0,9 s)"]
    assert "na 1,1 s begint de spraak (00:00:09.200)" in long["warnings"][0]


def test_add_change_and_delete_descriptions_over_the_version_the_page_had(client: TestClient, root: Path):
    version = client.get("/api/descriptions?film=testfilm").json()["version"]
    ops = [{"op": "replace", "index": 0, "text": "Ann knikt."}, {"op": "delete", "index": 1},
           {"op": "insert", "start_ms": 10_700, "end_ms": 11_000, "text": "Einde."}]
    response = client.post("/api/descriptions", json={"film": "testfilm", "lang": "nl", "version": version, "ops": ops},
                           headers=CHANGE)
    assert response.status_code == 200, response.text
    cues = read_cues(root / "transcripts" / "film.nl.descriptions.vtt")
    assert [(c.start_ms, c.end_ms, c.plain) for c in cues] == [(2600, 5800, "Ann knikt."), (10_700, 11_000, "Einde.")]
    stale = client.post("/api/descriptions", json={"film": "testfilm", "lang": "nl", "version": version, "ops": []},
                        headers=CHANGE)
    assert stale.status_code == 409 and "gewijzigd" in stale.json()["error"]
    assert client.post("/api/descriptions", json={"film": "testfilm", "lang": "nl", "version": "x", "ops": []}
                       ).status_code == 403  # no CSRF token: refused, nothing written


def test_hear_a_description_in_the_voice_of_the_described_versions(client: TestClient):
    response = client.get("/api/descriptions/speech", params={"film": "testfilm", "text": "Ann knikt en glimlacht."})
    assert response.status_code == 200 and response.headers["content-type"] == "audio/wav"
    assert response.content[:4] == b"RIFF" and 800 < int(response.headers["x-speech-ms"]) < 4000
    empty = client.get("/api/descriptions/speech", params={"film": "testfilm", "text": "  "})
    assert empty.status_code == 422 and "geen tekst" in empty.json()["error"]


def test_a_film_without_descriptions_says_how_to_add_them(tmp_path: Path, small_catalogue: Any):
    small_catalogue()
    client = TestClient(create_studio_app(Settings(root=tmp_path), TOKEN), base_url=ORIGIN)
    client.cookies.set(COOKIE, SESSION)
    response = client.get("/api/descriptions?film=testfilm")
    assert response.status_code == 404 and "[film.descriptions]" in response.json()["error"]


@pytest.fixture
def studio_url(root: Path) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_studio_app(Settings(root=root), TOKEN), host="127.0.0.1",
                                          port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the studio did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/?token={TOKEN}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_an_editor_adds_a_description_at_the_playhead_saves_and_hears_it(studio_url: str, root: Path):
    with chromium(["--autoplay-policy=no-user-gesture-required"]) as browser:
        page = browser.new_page(locale="nl-BE")
        page.set_default_timeout(WAIT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(studio_url)
        page.wait_for_function("() => document.getElementById('descriptions').dataset.ready === 'true'")
        warnings = page.get_by_role("list", name="Waarschuwingen bij beschrijving 2")
        assert "past niet in de stilte" in warnings.inner_text()
        page.evaluate("""() => new Promise(done => { const v = document.getElementById('player');
            v.pause(); v.addEventListener('seeked', () => done(), {once: true}); v.currentTime = 10.7; })""")
        page.get_by_role("button", name="Beschrijving toevoegen op afspeelpunt").click()
        page.keyboard.type("Het scherm wordt zwart.")  # the new description's text has the focus
        page.get_by_role("button", name="Beschrijvingen opslaan").click()
        page.wait_for_function("() => document.getElementById('descriptions-status').textContent"
                               ".startsWith('Beschrijvingen opgeslagen')")
        cues = read_cues(root / "transcripts" / "film.nl.descriptions.vtt")
        assert (cues[-1].start_ms, cues[-1].plain) == (10_700, "Het scherm wordt zwart.")
        page.get_by_role("button", name="Beluister beschrijving 1").click()
        page.wait_for_function("() => document.getElementById('descriptions-status').textContent"
                               ".startsWith('Uitgesproken duurt ze')")
        assert page.evaluate("() => document.getElementById('descriptions-audio').duration") > 0.8
        assert errors == []
