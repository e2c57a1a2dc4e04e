"""Expiry acts without anyone running a command: past `consent_until` the site treats the person as
withdrawn on the next request; `uses` without `embed` or `download` refuse those while the page plays;
the next `cut`, `index` and `pack` apply the rest."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from starlette.testclient import TestClient

from consentsite import built, catalogue, fresh  # noqa: F401  (fixtures)
from catalogue.settings import Settings
from catalogue.web.app import create_app


def set_person(root: Path, person_id: str, line: str) -> None:
    """Add `line` to the [[person]] with `person_id` in the cut list (by hand, as an editor would)."""
    cutlist = root / "media" / "film.toml"
    text = cutlist.read_text("utf-8")
    text = text.replace(f'id = "{person_id}"\n', f'id = "{person_id}"\n{line}\n', 1)
    cutlist.write_text(text, "utf-8")


def test_consent_that_ended_yesterday_is_withdrawn_on_the_next_request(fresh: Path) -> None:
    client = TestClient(create_app(Settings(root=fresh)))
    assert client.get("/clips/eerste").status_code == 200
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    set_person(fresh, "ann", f'consent_until = "{yesterday}"')
    for url in ("/clips/eerste", "/media/clips/eerste.mp4", "/transcripts/clips/tweede.nl.vtt", "/embed/tweede",
                "/api/clips/eerste", "/oembed?url=http://testserver/clips/eerste"):
        response = client.get(url)
        assert response.status_code == 410, url
    assert client.get("/clips/derde").status_code == 200
    assert [c["id"] for c in client.get("/api/clips").json()] == ["derde"]
    # no command has run: the files are still there, the film not yet redacted: held back until the next cut
    assert (fresh / "media" / "clips" / "eerste.mp4").exists()
    for url in ("/media/films/film.mp4", "/transcripts/films/film.nl.vtt"):
        assert client.get(url).status_code == 503, url
    result = catalogue(fresh, "cut")
    assert client.get("/media/films/film.mp4").status_code == 200
    # MP4, poster, VTT, descriptions VTT each; tweede's described version and its captions; and the two
    # clips' ladders of one rung (its file and playlist, the master)
    assert "Removed 16 output(s) of clips no longer published" in result.stderr
    assert not (fresh / "media" / "clips" / "eerste.mp4").exists()
    proof = catalogue(fresh, "withdraw", "--verify", "ann", check=False)
    assert proof.returncode == 1 and "their word(s)" in proof.stderr  # the index: until `catalogue index`
    catalogue(fresh, "index")
    assert "Verified: no trace of 'ann'" in catalogue(fresh, "withdraw", "--verify", "ann").stdout


def test_consent_that_ends_today_still_holds(fresh: Path) -> None:
    set_person(fresh, "ann", f'consent_until = "{datetime.date.today()}"')
    client = TestClient(create_app(Settings(root=fresh)))
    assert client.get("/clips/eerste").status_code == 200
    check = catalogue(fresh, "check")
    assert re.search(r"person 'ann', field 'consent_until': consent ends on \S+ \(in 0 days\)", check.stderr)


def test_uses_without_embed_and_download_refuse_those_while_the_page_plays(fresh: Path) -> None:
    set_person(fresh, "sara", 'uses = ["site", "pack"]')
    client = TestClient(create_app(Settings(root=fresh)))
    page = client.get("/clips/derde")
    assert page.status_code == 200 and '<video' in page.text
    assert re.search(r'"/media/clips/derde\.[0-9a-f]{16}\.mp4"', page.text)  # its versioned name
    assert client.get("/media/clips/derde.mp4", headers={"Range": "bytes=0-99"}).status_code == 206
    assert "Insluitcode" not in page.text and "Downloads" not in page.text  # no embed code, no download links
    embed = client.get("/embed/derde")
    assert embed.status_code == 403 and "mag niet ingebed worden" in embed.text
    assert client.get("/oembed?url=http://testserver/clips/derde").status_code == 403
    assert client.get("/clips/derde/transcript.txt").status_code == 403
    session_embed = client.get("/embed/sessions/les")
    assert session_embed.status_code == 200 and '"derde"' not in session_embed.text
