"""Reviewing captions in the studio: GET /api/captions and POST /api/captions on a real file, every
byte the edit does not touch (header, NOTE, STYLE, cue settings, voice tags) kept."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from catalogue.settings import Settings
from catalogue.studio.app import create_studio_app
from catalogue.studio.security import DEFAULT_PORT, cookie_name, csrf_token, session_value

TOKEN = "studio-test-token"
COOKIE, SESSION = cookie_name(DEFAULT_PORT), session_value(TOKEN)  # what the link sets
ORIGIN = "http://testserver"
CHANGE = {"Origin": ORIGIN, "X-CSRF-Token": csrf_token(TOKEN)}
HOSTILE = "</script><img src=x onerror=alert(1)>"
HEAD = """WEBVTT - Testfilm, ondertitels
Kind: captions

NOTE nagekeken door Margot,
tot 00:00:06

STYLE
::cue(v[voice="Sara"]) { color: yellow; }

"""
FIRST = """intro
00:00:01.000 --> 00:00:03.000 align:start line:90%
<v Sara>Een buddy &amp; een nieuwkomer</v>
"""
SECOND = """00:00:04.000 --> 00:00:06.000
Grenzen trekken is <i>soms</i> moeilijk
"""
THIRD = """00:00:07.000 --> 00:00:09.500 position:10%
<v Jan>Duurzame verankering
in de buurt
"""
VTT = HEAD + FIRST + "\n" + SECOND + "\n" + THIRD


@dataclass
class Studio:
    client: TestClient
    vtt: Path
    root: Path

    def get(self, lang: str = "nl") -> dict[str, Any]:
        response = self.client.get(f"/api/captions?film=testfilm&lang={lang}")
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def post(self, ops: list[dict[str, Any]], *, version: str | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        body = {"film": "testfilm", "lang": "nl", "version": version or sha(self.vtt), "ops": ops}
        response = self.client.post("/api/captions", json=body, headers=CHANGE if headers is None else headers)
        return response.status_code, response.json()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def studio(tmp_path: Path, small_catalogue: Callable[..., Path]) -> Studio:
    small_catalogue()
    vtt = tmp_path / "transcripts" / "film.nl.vtt"
    vtt.write_text(VTT, encoding="utf-8")
    client = TestClient(create_studio_app(Settings(root=tmp_path), TOKEN), base_url=ORIGIN)
    client.cookies.set(COOKIE, SESSION)
    return Studio(client, vtt, tmp_path)


def test_get_captions_gives_the_cues_as_written_with_their_lint(studio: Studio) -> None:
    data = studio.get()
    assert {k: data[k] for k in ("lang", "file", "version", "made_by", "reviewed")} == {
        "lang": "nl", "file": "transcripts/film.nl.vtt", "version": sha(studio.vtt), "made_by": None,
        "reviewed": True}
    first, second, third = data["cues"]
    assert first == {"index": 0, "start_ms": 1000, "end_ms": 3000, "identifier": "intro",
                     "text": "<v Sara>Een buddy &amp; een nieuwkomer</v>", "settings": "align:start line:90%",
                     "lint": []}
    assert second["text"] == "Grenzen trekken is <i>soms</i> moeilijk" and second["identifier"] == ""
    assert third["text"] == "<v Jan>Duurzame verankering\nin de buurt" and third["settings"] == "position:10%"
    # no language asked: the film's own
    assert studio.client.get("/api/captions?film=testfilm").json()["lang"] == "nl"


def test_get_captions_lint_names_what_is_hard_to_read(studio: Studio) -> None:
    studio.vtt.write_text(HEAD + "00:00:01.000 --> 00:00:01.500\nVeel te veel tekst voor zo'n korte tijd\n",
                          encoding="utf-8")
    lint = studio.get()["cues"][0]["lint"]
    assert any("leessnelheid" in m for m in lint) and any("500 ms in beeld" in m for m in lint), lint


@pytest.mark.parametrize(("ops", "expected"), [
    pytest.param([{"op": "replace", "index": 1, "start_ms": 4100, "text": "Grenzen trekken is <i>vaak</i> moeilijk"}],
                 VTT.replace(SECOND, "00:00:04.100 --> 00:00:06.000\nGrenzen trekken is <i>vaak</i> moeilijk\n"),
                 id="replace-text-and-time"),
    pytest.param([{"op": "replace", "index": 0, "end_ms": 3200}],
                 VTT.replace("00:00:03.000 align:start", "00:00:03.200 align:start"), id="replace-keeps-settings"),
    pytest.param([{"op": "insert", "start_ms": 10000, "end_ms": 11500, "text": "<v Sara>Tot de volgende keer"}],
                 VTT + "\n00:00:10.000 --> 00:00:11.500\n<v Sara>Tot de volgende keer\n", id="insert-at-the-end"),
    pytest.param([{"op": "insert", "start_ms": 3200, "end_ms": 3800, "text": "Kort"}],
                 VTT.replace(SECOND, "00:00:03.200 --> 00:00:03.800\nKort\n\n" + SECOND), id="insert-between"),
    pytest.param([{"op": "delete", "index": 1}], VTT.replace(SECOND + "\n", ""), id="delete"),
    pytest.param([{"op": "split", "index": 2, "at_ms": 8000, "text_before": "<v Jan>Duurzame verankering</v>",
                   "text_after": "<v Jan>in de buurt"}],
                 VTT.replace(THIRD, "00:00:07.000 --> 00:00:08.000 position:10%\n<v Jan>Duurzame verankering</v>\n\n"
                                    "00:00:08.000 --> 00:00:09.500 position:10%\n<v Jan>in de buurt\n"), id="split"),
    pytest.param([{"op": "split", "index": 1, "at_ms": 5000}],
                 VTT.replace(SECOND, "00:00:04.000 --> 00:00:05.000\nGrenzen trekken\n\n"
                                     "00:00:05.000 --> 00:00:06.000\nis <i>soms</i> moeilijk\n"), id="split-divides-text"),
    pytest.param([{"op": "merge", "index": 0}],
                 HEAD + "intro\n00:00:01.000 --> 00:00:06.000 align:start line:90%\n"
                        "<v Sara>Een buddy &amp; een nieuwkomer</v>\nGrenzen trekken is <i>soms</i> moeilijk\n\n" + THIRD,
                 id="merge"),
    pytest.param([{"op": "replace", "index": 1, "text": "Grenzen <b>trekken</b>"}, {"op": "delete", "index": 0},
                  {"op": "merge", "index": 0}],
                 HEAD + "00:00:04.000 --> 00:00:09.500\nGrenzen <b>trekken</b> <v Jan>Duurzame\nverankering in de buurt\n",
                 id="ops-in-order"),
])
def test_post_captions_changes_exactly_what_was_asked(studio: Studio, ops: list[dict[str, Any]], expected: str) -> None:
    status, data = studio.post(ops)
    assert status == 200, data
    assert studio.vtt.read_text(encoding="utf-8") == expected
    assert data["version"] == sha(studio.vtt)
    assert data["cues"] == studio.get()["cues"]
    backups = [p for p in studio.vtt.parent.iterdir() if p != studio.vtt and p.name.startswith("film.nl")]
    assert [p.read_text(encoding="utf-8") for p in backups] == [VTT]  # the old file kept beside it


def test_post_captions_refuses_a_file_changed_meanwhile_and_the_other_edit_survives(studio: Studio) -> None:
    loaded = studio.get()["version"]
    other = VTT.replace("moeilijk", "lastig")  # a second studio, or a text editor
    studio.vtt.write_text(other, encoding="utf-8")
    status, data = studio.post([{"op": "delete", "index": 0}], version=loaded)
    assert status == 409, data
    assert data["version"] == sha(studio.vtt) and "gewijzigd" in data["error"]
    assert studio.vtt.read_text(encoding="utf-8") == other
    # with the new version, the same change goes through on top of the other one
    status, data = studio.post([{"op": "delete", "index": 0}], version=data["version"])
    assert status == 200, data
    assert studio.vtt.read_text(encoding="utf-8") == other.replace(FIRST + "\n", "")


@pytest.mark.parametrize(("ops", "index"), [
    ([{"op": "split", "index": 1, "at_ms": 9000}], 1),
    ([{"op": "replace", "index": 2, "text": "   "}], 2),
    ([{"op": "replace", "index": 0, "end_ms": 500}], 0),
    ([{"op": "merge", "index": 2}], 2),
    ([{"op": "delete", "index": 7}], 7),
    ([{"op": "replace", "index": 0, "text": "goed"}, {"op": "replace", "index": 1, "settings": "kleur:rood"}], 1),
    ([{"op": "insert", "start_ms": 100, "text": "zonder einde"}], -1),
    ([{"op": "herschrijf", "index": 0}], 0),
    ([{"op": "replace", "index": "1", "text": "x"}], -1),
])
def test_post_captions_refused_edit_is_422_at_the_cue_and_writes_nothing(
        studio: Studio, ops: list[dict[str, Any]], index: int) -> None:
    status, data = studio.post(ops)
    assert status == 422, data
    [error] = data["errors"]
    assert error["index"] == index and error["message"], error
    assert studio.vtt.read_text(encoding="utf-8") == VTT


@pytest.mark.parametrize("headers", [
    {}, {"Origin": ORIGIN}, {"X-CSRF-Token": csrf_token(TOKEN)},
    {"Origin": "http://evil.example", "X-CSRF-Token": csrf_token(TOKEN)},
    {"Origin": ORIGIN, "X-CSRF-Token": "wrong"},
])
def test_post_captions_needs_csrf_and_same_origin(studio: Studio, headers: dict[str, str]) -> None:
    status, _ = studio.post([{"op": "delete", "index": 0}], headers=headers)
    assert status == 403
    assert studio.vtt.read_text(encoding="utf-8") == VTT


def test_captions_without_the_token_are_refused(studio: Studio) -> None:
    studio.client.cookies.clear()
    assert studio.client.get("/api/captions?film=testfilm&lang=nl").status_code == 403
    assert studio.client.post("/api/captions", json={}, headers=CHANGE).status_code == 403


def test_hostile_cue_text_stays_text(studio: Studio) -> None:
    status, data = studio.post([{"op": "replace", "index": 1, "text": HOSTILE}])
    assert status == 200, data
    text = studio.vtt.read_text(encoding="utf-8")
    assert "<img" not in text and "</script>" not in text
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in text
    assert data["cues"][1]["text"] == "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def _add_subtitles(studio: Studio, line: str) -> None:
    cutlist = studio.root / "media" / "film.toml"
    text = cutlist.read_text(encoding="utf-8")
    cutlist.write_text(text.replace('nl = "../transcripts/film.nl.vtt"\n', f'nl = "../transcripts/film.nl.vtt"\n{line}\n'),
                       encoding="utf-8")


def test_an_srt_file_is_refused_with_how_to_convert_it(studio: Studio) -> None:
    srt = studio.root / "transcripts" / "film.en.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:03,000\nA buddy\n", encoding="utf-8")
    _add_subtitles(studio, 'en = "../transcripts/film.en.srt"')
    for response in (studio.client.get("/api/captions?film=testfilm&lang=en"),
                     studio.client.post("/api/captions", headers=CHANGE, json={
                         "film": "testfilm", "lang": "en", "version": sha(srt), "ops": []})):
        assert response.status_code == 400, response.text
        assert "SRT" in response.json()["error"] and "WebVTT" in response.json()["error"]
    assert srt.read_text(encoding="utf-8") == "1\n00:00:01,000 --> 00:00:03,000\nA buddy\n"


def test_only_the_files_the_cut_list_names_inside_the_root(studio: Studio, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "film.fr.vtt"
    outside.write_text(VTT, encoding="utf-8")
    _add_subtitles(studio, f'fr = "{outside.as_posix()}"')
    assert studio.client.get("/api/captions?film=testfilm&lang=fr").status_code == 403
    response = studio.client.post("/api/captions", headers=CHANGE, json={
        "film": "testfilm", "lang": "fr", "version": sha(outside), "ops": [{"op": "delete", "index": 0}]})
    assert response.status_code == 403
    assert outside.read_text(encoding="utf-8") == VTT
    assert studio.client.get("/api/captions?film=testfilm&lang=../../etc/passwd").status_code == 404
    assert studio.client.get("/api/captions?film=geen&lang=nl").status_code == 404


def test_a_file_in_a_sibling_folder_named_like_the_root_is_outside_it(studio: Studio) -> None:
    sibling = studio.root.with_name(f"{studio.root.name}-oud")  # "<root>-oud" starts with the root's name
    sibling.mkdir()
    vtt = sibling / "film.fr.vtt"
    vtt.write_text(VTT, encoding="utf-8")
    _add_subtitles(studio, f'fr = "../../{sibling.name}/film.fr.vtt"')
    assert studio.client.get("/api/captions?film=testfilm&lang=fr").status_code == 403
    response = studio.client.post("/api/captions", headers=CHANGE, json={
        "film": "testfilm", "lang": "fr", "version": sha(vtt), "ops": [{"op": "delete", "index": 0}]})
    assert response.status_code == 403, response.text
    assert "buiten de catalogus" in response.json()["error"]
    assert vtt.read_text(encoding="utf-8") == VTT and [p.name for p in sibling.iterdir()] == ["film.fr.vtt"]


def test_a_batch_of_edits_is_read_back_once(studio: Studio, monkeypatch: pytest.MonkeyPatch) -> None:
    from catalogue.subtitles import document as vttdoc

    cues = "".join(f"00:{n // 60:02d}:{n % 60:02d}.000 --> 00:{n // 60:02d}:{n % 60:02d}.800\nregel {n}\n\n"
                   for n in range(10, 310))
    studio.vtt.write_text(HEAD + cues, encoding="utf-8")
    ops: list[dict[str, Any]] = [{"op": "replace", "index": i, "text": f"nieuwe regel {i}"} for i in range(300)]
    ops += [{"op": "split", "index": 0, "at_ms": 10_400, "text_before": "nieuwe", "text_after": "regel 0"},
            {"op": "merge", "index": 5}, {"op": "delete", "index": 7},
            {"op": "insert", "start_ms": 1000, "end_ms": 2000, "text": "vooraf"}]
    reads = []
    parse = vttdoc.parse_cues
    monkeypatch.setattr(vttdoc, "parse_cues", lambda *args: reads.append(1) or parse(*args))
    status, data = studio.post(ops)
    assert status == 200, data
    assert len(reads) <= 3  # the file read, the batch read back once (not 304 times), the answer
    texts = [cue["text"] for cue in data["cues"]]
    assert texts[:9] == ["vooraf", "nieuwe", "regel 0", "nieuwe regel 1", "nieuwe regel 2", "nieuwe regel 3",
                         "nieuwe regel 4\nnieuwe regel 5", "nieuwe regel 6", "nieuwe regel 8"]
    assert len(texts) == 300 and texts[-1] == "nieuwe regel 299"
    assert [cue["text"] for cue in studio.get()["cues"]] == texts  # as written


def test_a_refused_op_in_a_batch_is_named_and_nothing_is_written(studio: Studio) -> None:
    before = studio.vtt.read_bytes()
    status, data = studio.post([{"op": "replace", "index": 0, "text": "goed"}, {"op": "replace", "index": 1, "text": ""},
                                {"op": "delete", "index": 2}])
    assert status == 422 and data["errors"][0]["op"] == 1 and data["errors"][0]["index"] == 1, data
    assert studio.vtt.read_bytes() == before


def test_too_many_ops_or_too_long_a_text_is_refused_in_dutch(studio: Studio) -> None:
    before = studio.vtt.read_bytes()
    status, data = studio.post([{"op": "delete", "index": 0}] * 10_001)
    assert status == 422 and "te veel bewerkingen" in data["errors"][0]["message"], data
    status, data = studio.post([{"op": "replace", "index": 0, "text": "x" * 2_001}])
    assert status == 422 and "te lang" in data["errors"][0]["message"], data
    assert studio.vtt.read_bytes() == before


def test_a_batch_that_would_not_read_back_as_asked_is_refused_at_its_op(studio: Studio,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from catalogue.subtitles import document

    real = document._retyped

    def loses_the_new_text(piece, old, new, newline):  # type: ignore[no-untyped-def]
        return real(piece, old, document.VttCue(new.start_ms, new.end_ms, old.text, new.identifier, new.settings),
                    newline)  # a defect: a cue's new text never reaches the file

    monkeypatch.setattr(document, "_retyped", loses_the_new_text)
    before = studio.vtt.read_bytes()
    status, data = studio.post([{"op": "delete", "index": 2}, {"op": "replace", "index": 0, "text": "nieuw"}])
    assert status == 422 and data["errors"][0]["op"] == 1 and "teruggelezen" in data["errors"][0]["message"], data
    assert studio.vtt.read_bytes() == before
