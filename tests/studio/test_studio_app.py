"""The studio app in-process: its guard, its film data, and clips saved, changed and deleted on disk."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from catalogue.cli import cli
from catalogue.settings import Settings
from catalogue.studio.app import create_studio_app
from catalogue.studio.security import DEFAULT_PORT, cookie_name, csrf_token, session_value
from catalogue.studio.state import version

TOKEN = "studio-test-token"
COOKIE, SESSION = cookie_name(DEFAULT_PORT), session_value(TOKEN)  # what the link sets
ORIGIN = "http://testserver"
CHANGE = {"Origin": ORIGIN, "X-CSRF-Token": csrf_token(TOKEN)}
HOSTILE = "</script><img src=x onerror=alert(1)>"
CLIPS = '''
            # ---- clips (Margot) ----
            [[clip]]   # the opening
            id = "eerste"
            title = "Eerste clip"  # working title
            themes = ["rekrutering"]
            start = "00:00:00.800"
            end = "00:00:03.200"

            [[clip]]
            id = "tweede"
            title = "Tweede clip"
            themes = ["omgaan-met-grenzen"]
            start = "00:00:03.800"
            end = "00:00:06.400"
'''
NEW = {"id": "derde", "title": "Derde clip", "themes": ["rekrutering"], "start_ms": 7000, "end_ms": 9500,
       "description": "", "speakers": [], "poster_ms": None}
NEW_TOML = '''
[[clip]]
id = "derde"
title = "Derde clip"
themes = ["rekrutering"]
start = "00:00:07.000"
end = "00:00:09.500"
'''


@dataclass
class Studio:
    client: TestClient
    cutlist: Path
    root: Path

    def film(self) -> dict[str, object]:
        response = self.client.get("/api/film?film=testfilm")
        assert response.status_code == 200, response.text
        data: dict[str, object] = response.json()
        return data

    def version(self) -> str:
        return version(self.cutlist.read_bytes())

    def save(self, clip: dict[str, object], *, original_id: str | None = None, version: str | None = None,
             new_themes: list[dict[str, str]] | None = None) -> tuple[int, dict[str, object]]:
        body = {"film": "testfilm", "version": version or self.version(), "original_id": original_id,
                "clip": clip, "new_themes": new_themes or []}
        response = self.client.post("/api/clips", json=body, headers=CHANGE)
        return response.status_code, response.json()


@pytest.fixture
def studio(tmp_path: Path, small_catalogue: Callable[..., Path]) -> Studio:
    cutlist = small_catalogue(CLIPS)
    client = TestClient(create_studio_app(Settings(root=tmp_path), TOKEN), base_url=ORIGIN)
    client.cookies.set(COOKIE, SESSION)
    return Studio(client, cutlist, tmp_path)


def check_passes(root: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(root), "check"])
    assert result.exit_code == 0, result.output


# --- the guard --------------------------------------------------------------------------------------

ROUTES = [("GET", "/"), ("GET", "/api/film?film=testfilm"), ("GET", "/api/search?film=testfilm&q=grens"),
          ("GET", "/video/testfilm"), ("GET", "/static/studio.css"), ("GET", "/nergens"),
          ("POST", "/api/clips"), ("DELETE", "/api/clips/eerste"), ("POST", "/api/reviewed")]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("cookie", [None, "wrong-token", TOKEN])  # the token itself is no session
def test_studio_refuses_every_route_without_the_token(studio: Studio, method: str, path: str,
                                                      cookie: str | None) -> None:
    studio.client.cookies.clear()
    if cookie:
        studio.client.cookies.set(COOKIE, cookie)
    before = studio.cutlist.read_bytes()
    response = studio.client.request(method, path, headers=CHANGE, json={"film": "testfilm"})
    assert response.status_code == 403
    assert "Geen toegang" in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert studio.cutlist.read_bytes() == before


def test_studio_refuses_a_wrong_token_in_the_address(studio: Studio) -> None:
    studio.client.cookies.clear()
    response = studio.client.get("/?token=raden", follow_redirects=False)
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_studio_token_becomes_a_cookie_and_leaves_the_address(studio: Studio) -> None:
    studio.client.cookies.clear()
    response = studio.client.get(f"/?film=testfilm&token={TOKEN}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/?film=testfilm"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={SESSION};") and TOKEN not in cookie
    assert all(flag in cookie.lower() for flag in ("httponly", "samesite=strict", "path=/"))
    assert studio.client.get(f"//evil.example/?token={TOKEN}", follow_redirects=False).headers["location"] == "/"
    studio.client.cookies.set(COOKIE, SESSION)
    assert studio.client.get("/?film=testfilm").status_code == 200


@pytest.mark.parametrize("headers", [
    {}, {"Origin": ORIGIN}, {"X-CSRF-Token": csrf_token(TOKEN)},
    {"Origin": "http://evil.example", "X-CSRF-Token": csrf_token(TOKEN)},
    {"Origin": "null", "X-CSRF-Token": csrf_token(TOKEN)},
    {"Origin": ORIGIN, "X-CSRF-Token": csrf_token("another-token")},
    {"Origin": ORIGIN, "X-CSRF-Token": TOKEN},
], ids=["none", "no csrf", "no origin", "other origin", "null origin", "other csrf", "token as csrf"])
def test_studio_refuses_a_change_without_csrf_and_origin(studio: Studio, headers: dict[str, str]) -> None:
    before = studio.cutlist.read_bytes()
    body = {"film": "testfilm", "version": studio.version(), "original_id": None, "clip": NEW, "new_themes": []}
    for method, path, payload in [("POST", "/api/clips", body),
                                  ("DELETE", "/api/clips/eerste", {"film": "testfilm", "version": studio.version()}),
                                  ("POST", "/api/reviewed", {"film": "testfilm", "version": studio.version(),
                                                             "lang": "nl", "reviewed": False})]:
        response = studio.client.request(method, path, json=payload, headers=headers)
        assert response.status_code == 403
        assert "error" in response.json()
    assert studio.cutlist.read_bytes() == before
    assert not list(studio.cutlist.parent.glob("*.bak"))


def test_studio_answers_with_security_headers(studio: Studio) -> None:
    page = studio.client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert studio.client.get("/api/film?film=testfilm").headers["cache-control"] == "no-store"


# --- reading ---------------------------------------------------------------------------------------


def test_studio_page_has_the_films_and_the_csrf_token(studio: Studio) -> None:
    page = studio.client.get("/")
    assert page.status_code == 200
    assert f'<meta name="csrf-token" content="{csrf_token(TOKEN)}">' in page.text
    assert page.context["films"] == [{"id": "testfilm", "title": "Testfilm"}]  # type: ignore[attr-defined]
    assert page.context["film"] == "testfilm"  # type: ignore[attr-defined]


def test_api_film_has_the_film_its_clips_and_cues(studio: Studio) -> None:
    data = studio.film()
    assert data["film"] == {"id": "testfilm", "title": "Testfilm", "language": "nl", "duration_ms": 12000,
                            "fps": 25.0, "video_url": "/video/testfilm"}
    assert data["cutlist"] == {"name": "film.toml", "version": studio.version()}
    assert data["themes"] == [{"id": "rekrutering", "title": "Rekrutering"},
                              {"id": "omgaan-met-grenzen", "title": "Omgaan met grenzen"}]
    assert data["clips"] == [
        {"id": "eerste", "title": "Eerste clip", "themes": ["rekrutering"], "start_ms": 800, "end_ms": 3200,
         "description": "", "speakers": [], "poster_ms": None},
        {"id": "tweede", "title": "Tweede clip", "themes": ["omgaan-met-grenzen"], "start_ms": 3800,
         "end_ms": 6400, "description": "", "speakers": [], "poster_ms": None}]
    assert data["tracks"] == [{"lang": "nl", "made_by": None, "reviewed": True}]
    assert data["cues"][0] == {"index": 0, "start_ms": 1000, "end_ms": 3000,  # type: ignore[index]
                               "text": "Een buddy & een nieuwkomer", "speaker": "Sara"}
    assert len(data["cues"]) == 3  # type: ignore[arg-type]
    assert data["words"] is None
    assert data["csrf"] == csrf_token(TOKEN)


def test_api_film_has_the_word_timings_when_present(studio: Studio) -> None:
    words = [{"text": "Een", "start_ms": 1000, "end_ms": 1300, "probability": 0.9}]
    (studio.root / "transcripts" / "film.nl.words.json").write_text(json.dumps({"format": 1, "words": words}))
    assert studio.film()["words"] == [{"text": "Een", "start_ms": 1000, "end_ms": 1300}]


def test_api_search_finds_the_cues_by_what_is_said(studio: Studio) -> None:
    found = studio.client.get("/api/search", params={"film": "testfilm", "q": "grens"}).json()
    assert found["query"] == "grens"
    assert [(h["index"], h["start_ms"], h["end_ms"]) for h in found["hits"]] == [(1, 4000, 6000)]
    assert "<mark>" in found["hits"][0]["html"]


def test_video_is_served_with_range(studio: Studio) -> None:
    response = studio.client.get("/video/testfilm", headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.headers["content-range"].startswith("bytes 0-99/")
    assert len(response.content) == 100
    assert response.headers["content-type"] == "video/mp4"


def test_video_prefers_the_web_rendition(studio: Studio) -> None:
    rendition = studio.root / "media" / "films" / "testfilm.mp4"
    rendition.parent.mkdir(parents=True)
    rendition.write_bytes(b"web rendition")
    assert studio.client.get("/video/testfilm").content == b"web rendition"


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/video/..%2Fx"), ("GET", "/video/..%2F..%2Fsecret.txt"), ("GET", "/api/film?film=../x"),
    ("GET", "/api/film?film=..%2Fsecret.txt"), ("GET", "/api/search?film=../x&q=a"), ("GET", "/video/%2e%2e"),
    ("DELETE", "/api/clips/..%2Fx"), ("GET", "/static/..%2F..%2Fsecret.txt"),
])
def test_studio_never_serves_a_path_from_a_request(studio: Studio, method: str, path: str) -> None:
    (studio.root / "secret.txt").write_text("GEHEIM")
    (studio.root / "media" / "x").write_text("GEHEIM")
    response = studio.client.request(method, path, headers=CHANGE,
                                     json={"film": "../x", "version": studio.version()})
    assert response.status_code == 404
    assert "GEHEIM" not in response.text


def test_studio_shows_hostile_text_as_text(tmp_path: Path, small_catalogue: Callable[..., Path]) -> None:
    cutlist = small_catalogue(CLIPS.replace('"Eerste clip"', json.dumps(HOSTILE)))
    cutlist.write_text(cutlist.read_text("utf-8").replace('title = "Testfilm"', f"title = {json.dumps(HOSTILE)}"))
    vtt = tmp_path / "transcripts" / "film.nl.vtt"
    vtt.write_text(vtt.read_text().replace("Duurzame verankering",
                                           "Duurzame &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"))
    client = TestClient(create_studio_app(Settings(root=tmp_path), TOKEN), base_url=ORIGIN)
    client.cookies.set(COOKIE, SESSION)
    data = client.get("/api/film?film=testfilm").json()
    assert data["film"]["title"] == HOSTILE
    assert data["clips"][0]["title"] == HOSTILE
    assert data["cues"][2]["text"] == "Duurzame " + HOSTILE
    page = client.get("/")
    assert "<img src=x" not in page.text and "</script><img" not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    hit = client.get("/api/search", params={"film": "testfilm", "q": "duurzame"}).json()["hits"][0]
    assert "<img" not in hit["html"] and "&lt;img src=x" in hit["html"]


# --- changing --------------------------------------------------------------------------------------


def test_save_a_new_clip_writes_it_after_the_last(studio: Studio) -> None:
    before = studio.cutlist.read_text("utf-8")
    status, answer = studio.save(NEW)
    assert status == 200, answer
    after = studio.cutlist.read_text("utf-8")
    assert after == before + NEW_TOML
    assert answer["version"] == studio.version()
    assert answer["clip"] == NEW
    assert answer["warnings"] == []
    check_passes(studio.root)
    assert [c["id"] for c in studio.film()["clips"]] == ["eerste", "tweede", "derde"]  # type: ignore[union-attr]


def test_save_an_existing_clip_changes_only_its_end(studio: Studio) -> None:
    before = studio.cutlist.read_text("utf-8")
    eerste = {**studio.film()["clips"][0], "end_ms": 3240}  # type: ignore[index, dict-item]
    status, answer = studio.save(eerste, original_id="eerste")
    assert status == 200, answer
    assert studio.cutlist.read_text("utf-8") == before.replace('end = "00:00:03.200"', 'end = "00:00:03.240"')
    assert "# ---- clips (Margot) ----" in studio.cutlist.read_text("utf-8")
    assert answer["clip"]["end_ms"] == 3240  # type: ignore[index]
    assert len(list(studio.cutlist.parent.glob("film.toml.*.bak"))) == 1
    check_passes(studio.root)


def test_save_warns_when_the_clip_cuts_through_a_cue(studio: Studio) -> None:
    status, answer = studio.save({**NEW, "start_ms": 7500})
    assert status == 200
    assert any("snijdt door de nl-cue" in w for w in answer["warnings"])  # type: ignore[union-attr]


def test_delete_a_clip_removes_exactly_it(studio: Studio) -> None:
    before = studio.cutlist.read_text("utf-8")
    response = studio.client.request("DELETE", "/api/clips/tweede", headers=CHANGE,
                                     json={"film": "testfilm", "version": studio.version()})
    assert response.status_code == 200, response.text
    tweede = before[before.index("\n[[clip]]\nid = \"tweede\""):]
    assert studio.cutlist.read_text("utf-8") == before.replace(tweede, "")
    assert response.json() == {"version": studio.version()}
    check_passes(studio.root)
    missing = studio.client.request("DELETE", "/api/clips/tweede", headers=CHANGE,
                                    json={"film": "testfilm", "version": studio.version()})
    assert missing.status_code == 404


def test_a_stale_version_is_refused_and_nothing_is_lost(studio: Studio) -> None:
    loaded = studio.version()
    status, first = studio.save(NEW, version=loaded)  # another window saved meanwhile
    assert status == 200
    written = studio.cutlist.read_bytes()
    eerste = {**studio.film()["clips"][0], "end_ms": 3240}  # type: ignore[index, dict-item]
    status, answer = studio.save(eerste, original_id="eerste", version=loaded)
    assert status == 409
    assert "gewijzigd" in answer["error"]  # type: ignore[operator]
    assert answer["version"] == first["version"] == version(written)
    assert studio.cutlist.read_bytes() == written
    stale_delete = studio.client.request("DELETE", "/api/clips/eerste", headers=CHANGE,
                                         json={"film": "testfilm", "version": loaded})
    assert stale_delete.status_code == 409
    assert studio.cutlist.read_bytes() == written


@pytest.mark.parametrize(("changes", "field"), [
    ({"end_ms": 12500}, "end"),
    ({"start_ms": 9500}, "end"),
    ({"start_ms": 9600}, "end"),
    ({"themes": ["onbekend"]}, "themes"),
    ({"themes": []}, "themes"),
    ({"id": "Geen Slug"}, "id"),
    ({"id": "eerste"}, "id"),
    ({"id": ""}, "id"),
    ({"poster_ms": 100}, "poster"),
    ({"start_ms": -1}, "start"),
    ({"end_ms": "9.5"}, "end"),
    ({"title": ""}, "title"),
])
def test_save_refuses_a_clip_check_finds_wrong(studio: Studio, changes: dict[str, object], field: str) -> None:
    before = studio.cutlist.read_bytes()
    status, answer = studio.save({**NEW, **changes})
    assert status == 422, answer
    assert field in [e["field"] for e in answer["errors"]]  # type: ignore[union-attr, index]
    assert studio.cutlist.read_bytes() == before
    assert not list(studio.cutlist.parent.glob(".*"))  # the checked candidate is gone too


def test_save_refuses_a_new_id_for_a_saved_clip(studio: Studio) -> None:
    before = studio.cutlist.read_bytes()
    eerste = {**studio.film()["clips"][0], "id": "ander"}  # type: ignore[index, dict-item]
    status, answer = studio.save(eerste, original_id="eerste")
    assert status == 422
    assert answer["errors"][0]["field"] == "id"  # type: ignore[index]
    assert studio.cutlist.read_bytes() == before


def test_save_creates_new_themes_with_the_clip(studio: Studio) -> None:
    clip = {**NEW, "themes": ["rekrutering", "duurzaamheid"]}
    status, answer = studio.save(clip, new_themes=[{"id": "duurzaamheid", "title": "Duurzaamheid"}])
    assert status == 200, answer
    text = studio.cutlist.read_text("utf-8")
    assert '[[theme]]\nid = "duurzaamheid"\ntitle = "Duurzaamheid"\n' in text
    assert text.index('id = "duurzaamheid"') < text.index("[[clip]]")
    assert {"id": "duurzaamheid", "title": "Duurzaamheid"} in studio.film()["themes"]  # type: ignore[operator]
    check_passes(studio.root)


def test_save_refuses_a_new_theme_with_a_bad_id(studio: Studio) -> None:
    before = studio.cutlist.read_bytes()
    clip = {**NEW, "themes": ["Nieuw Thema"]}
    status, answer = studio.save(clip, new_themes=[{"id": "Nieuw Thema", "title": "Nieuw"}])
    assert status == 422
    assert [e["field"] for e in answer["errors"]] == ["new_themes"]  # type: ignore[union-attr, index]
    assert studio.cutlist.read_bytes() == before


def test_save_keeps_hostile_text_as_data(studio: Studio) -> None:
    status, answer = studio.save({**NEW, "title": HOSTILE, "description": HOSTILE})
    assert status == 200, answer
    assert answer["clip"]["title"] == HOSTILE  # type: ignore[index]
    assert studio.film()["clips"][2]["title"] == HOSTILE  # type: ignore[index]
    check_passes(studio.root)


def test_mark_reviewed(studio: Studio) -> None:
    response = studio.client.post("/api/reviewed", headers=CHANGE, json={
        "film": "testfilm", "version": studio.version(), "lang": "nl", "reviewed": False})
    assert response.status_code == 200, response.text
    assert response.json() == {"version": studio.version()}
    assert "reviewed = false" in studio.cutlist.read_text("utf-8")
    assert studio.film()["tracks"] == [{"lang": "nl", "made_by": None, "reviewed": False}]
    stale = studio.client.post("/api/reviewed", headers=CHANGE, json={
        "film": "testfilm", "version": "0" * 64, "lang": "nl", "reviewed": True})
    assert stale.status_code == 409


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"film": 3}', '{"film": "testfilm", "version": 1}'])
def test_a_malformed_change_is_a_clear_4xx(studio: Studio, body: str) -> None:
    response = studio.client.post("/api/clips", content=body, headers={**CHANGE, "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"]


def test_an_unexpected_failure_is_json_without_a_traceback(studio: Studio, monkeypatch: pytest.MonkeyPatch) -> None:
    client = TestClient(studio.client.app, base_url=ORIGIN, raise_server_exceptions=False)
    client.cookies.set(COOKIE, SESSION)

    def broken(*args: object) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr("catalogue.studio.state.StudioState.report", broken)
    response = client.get("/api/film?film=testfilm")
    assert response.status_code == 500
    assert "error" in response.json()
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


# --- the command -----------------------------------------------------------------------------------


def test_studio_command_prints_a_link_that_opens_it(studio: Studio) -> None:
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "catalogue", "--root", str(studio.root), "studio", "--port", str(port)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline().strip()
            assert line.startswith(f"Studio: http://127.0.0.1:{port}/?token=")
            url = line.removeprefix("Studio: ")
            for _ in range(100):
                try:
                    urllib.request.urlopen(url.split("?")[0], timeout=5).close()
                except urllib.error.HTTPError as refused:
                    refused.close()
                    assert refused.code == 403
                    break
                except OSError:
                    time.sleep(0.1)
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
            with opener.open(url, timeout=10) as page:  # 303 with the cookie, then the page
                assert page.status == 200 and page.url == f"http://127.0.0.1:{port}/"
                assert "csrf-token" in page.read().decode()
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert process.returncode in (0, -15)  # uvicorn stops, then re-raises the SIGTERM it caught


def test_studio_command_refuses_a_busy_port_and_warns_for_other_hosts(studio: Studio,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        busy = CliRunner().invoke(cli, ["--root", str(studio.root), "studio", "--port", str(sock.getsockname()[1])])
    assert busy.exit_code == 1 and "cannot listen" in busy.output
    monkeypatch.setattr("uvicorn.run", lambda app, **options: None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = CliRunner().invoke(cli, ["--root", str(studio.root), "studio", "--host", "0.0.0.0", "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert "Warning: listening on 0.0.0.0" in result.stderr
    assert result.stdout.startswith(f"Studio: http://0.0.0.0:{port}/?token=")


def test_the_selection_becomes_an_appearance_of_a_new_then_a_known_person(studio: Studio) -> None:
    """Issue 19: the studio adds who appears where to the cut list ([[person]]), checked before written."""
    assert studio.film()["persons"] == []
    added = studio.client.post("/api/appearances", headers=CHANGE, json={
        "film": "testfilm", "version": studio.version(), "person_id": "ann", "name": "Ann",
        "start_ms": 1000, "end_ms": 2500})
    assert added.status_code == 200, added.text
    assert added.json()["persons"] == [{"id": "ann", "name": "Ann", "appearances": [[1000, 2500]],
                                        "withdrawn": False, "consent_until": None}]
    again = studio.client.post("/api/appearances", headers=CHANGE, json={
        "film": "testfilm", "version": added.json()["version"], "person_id": "ann", "name": "",
        "start_ms": 4000, "end_ms": 5000})
    assert again.status_code == 200, again.text
    assert studio.film()["persons"][0]["appearances"] == [[1000, 2500], [4000, 5000]]
    text = studio.cutlist.read_text("utf-8")
    assert '[[person]]\nid = "ann"\nname = "Ann"\nappearances = [["00:00:01.000", "00:00:02.500"], ' \
           '["00:00:04.000", "00:00:05.000"]]' in text
    assert "# ---- clips (Margot) ----" in text  # the rest as the editor wrote it
    past_the_end = studio.client.post("/api/appearances", headers=CHANGE, json={
        "film": "testfilm", "version": studio.version(), "person_id": "ann", "name": "",
        "start_ms": 4000, "end_ms": 99_000})
    assert past_the_end.status_code == 422, past_the_end.text
    assert "past the end" not in past_the_end.text and "00:01:39.000" in past_the_end.text  # said in Dutch
