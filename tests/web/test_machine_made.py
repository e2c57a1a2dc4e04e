"""Machine-made subtitles nobody has reviewed yet say so (PRODUCT §4): beside the player and the
transcript, in the track label, in the API and the text download; until the cut list says reviewed."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from test_routes import ENGLISH_SRT, Element, assert_sound_page, parse

from catalogue.cutlist import set_reviewed
from catalogue.settings import Settings
from catalogue.web.app import create_app
from sites import build_site

BASE = "http://testserver"
NOTICE = "Automatisch gegenereerd, nog niet nagekeken"
NL_LABEL = "Nederlands (automatisch, niet nagekeken)"
HOSTILE = '<script>alert(1)</script> & "<img src=x onerror=alert(2)>'
WHISPER = 'nl = { file = "../transcripts/film.nl.vtt", made_by = "whisper base", reviewed = false }'

CUTLIST = f'''
    [film]
    id = "testfilm"
    title = "Testfilm"
    video = "film.mp4"
    language = "nl"

    [film.subtitles]
    {WHISPER}
    en = "../transcripts/film.en.srt"

    [[theme]]
    id = "rekrutering"
    title = "Rekrutering"

    [[clip]]
    id = "eerste"
    title = "Eerste clip"
    themes = ["rekrutering"]
    start = "00:00:00.800"
    end = "00:00:03.200"
'''

DUTCH = [("00:00:01.000", "00:00:03.000", "<v Sara>Een buddy &amp; een nieuwkomer")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, gray_film: Path) -> Path:
    root = tmp_path_factory.mktemp("machine-made")
    build_site(root, gray_film, CUTLIST, {"film.nl.vtt": DUTCH, "film.en.srt": ENGLISH_SRT})
    return root


@pytest.fixture
def copy(site: Path, tmp_path: Path) -> Iterator[tuple[Path, TestClient]]:
    """A copy of the site to change the cut list of, and a client serving it."""
    root = tmp_path / "site"
    shutil.copytree(site, root, symlinks=True)
    with TestClient(create_app(Settings(root=root)), base_url=BASE) as client:
        yield root / "media" / "film.toml", client


@pytest.fixture(scope="module")
def client(site: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(root=site)), base_url=BASE) as client:
        yield client


def notices(page: Element) -> list[str]:
    return [" ".join(p.text().split()) for p in page.find_all("p", class_="machine-made")]


def labels(page: Element) -> list[tuple[str, str]]:
    return [(t.attrs["srclang"], t.attrs["label"]) for t in page.find("video").find_all("track")
            if t.attrs["kind"] != "chapters"]


def rewrite(cutlist: Path, old: str, new: str) -> None:
    """Change the cut list as an editor's save does: new text, a later mtime however coarse the clock."""
    text = cutlist.read_text("utf-8")
    assert text.count(old) == 1
    stamp = cutlist.stat().st_mtime_ns
    cutlist.write_text(text.replace(old, new), "utf-8")
    os.utime(cutlist, ns=(stamp + 10**9,) * 2)


def test_clip_page_says_so_beside_the_player_and_the_transcript(client: TestClient) -> None:
    page = assert_sound_page(client.get("/clips/eerste").text)
    player_note, transcript_note = page.find("div", class_="watch-player"), page.find("section", class_="transcript")
    assert notices(player_note) == [f"{NOTICE} (ondertitels in het Nederlands, gemaakt met whisper base)"]
    assert notices(transcript_note) == [f"{NOTICE} (gemaakt met whisper base)"]
    note = transcript_note.find("p", class_="machine-made")
    assert note.find("strong").text() == NOTICE  # the words, not only a colour
    assert note.attrs["id"] in transcript_note.find("ol", class_="cues").attrs["aria-describedby"].split()
    assert labels(page) == [("nl", NL_LABEL), ("en", "Engels")]
    downloads = [a.text() for a in page.find("section", class_="downloads").find_all("a")]
    assert "Ondertitels Nederlands (WebVTT, automatisch, niet nagekeken)" in downloads
    assert "Ondertitels Engels (WebVTT)" in downloads
    assert "Transcript (tekst, automatisch, niet nagekeken)" in downloads


def test_film_page_says_so_beside_the_player(client: TestClient) -> None:
    page = assert_sound_page(client.get("/films/testfilm").text)
    assert notices(page) == [f"{NOTICE} (ondertitels in het Nederlands, gemaakt met whisper base)"]
    assert labels(page) == [("nl", NL_LABEL), ("en", "Engels")]


def test_embed_says_so_in_the_track_label(client: TestClient) -> None:
    page = parse(client.get("/embed/eerste").text)
    assert labels(page) == [("nl", NL_LABEL), ("en", "Engels")]
    assert "default" in page.find("track", srclang="nl").attrs  # still on by default


def test_api_says_who_made_each_track(client: TestClient) -> None:
    one = client.get("/api/clips/eerste").json()
    assert [(s["lang"], s["label"], s["machine_made"], s["reviewed"], s["made_by"]) for s in one["subtitles"]] == [
        ("nl", NL_LABEL, True, False, "whisper base"), ("en", "Engels", False, True, None)]
    assert client.get("/api/clips").json() == [one]


def test_transcript_download_says_so_first(client: TestClient) -> None:
    text = client.get("/clips/eerste/transcript.txt").text
    assert text == (f"{NOTICE} (gemaakt met whisper base)\nEerste clip\nTestfilm\n\n"
                    "[0:00] Sara: Een buddy & een nieuwkomer\n")


def test_marking_reviewed_takes_the_notice_away_at_once(copy: tuple[Path, TestClient]) -> None:
    cutlist, client = copy
    assert notices(parse(client.get("/clips/eerste").text))
    stamp = cutlist.stat().st_mtime_ns
    set_reviewed(cutlist, "nl")  # what an editor's command does: an atomic replace
    os.utime(cutlist, ns=(stamp, stamp))  # within one tick of a coarse clock: the mtime says nothing
    page = assert_sound_page(client.get("/clips/eerste").text)
    assert notices(page) == [] and NOTICE not in page.text()
    assert labels(page) == [("nl", "Nederlands"), ("en", "Engels")]
    assert notices(parse(client.get("/films/testfilm").text)) == []
    assert labels(parse(client.get("/embed/eerste").text))[0] == ("nl", "Nederlands")
    [nl, _] = client.get("/api/clips/eerste").json()["subtitles"]
    assert (nl["label"], nl["machine_made"], nl["reviewed"], nl["made_by"]) == ("Nederlands", True, True, "whisper base")
    assert client.get("/clips/eerste/transcript.txt").text.startswith("Eerste clip\n")
    rewrite(cutlist, "reviewed = true", "reviewed = false")  # and back, by hand
    assert notices(parse(client.get("/clips/eerste").text))


def test_subtitles_a_person_wrote_say_nothing(copy: tuple[Path, TestClient]) -> None:
    cutlist, client = copy
    rewrite(cutlist, WHISPER, 'nl = "../transcripts/film.nl.vtt"')
    page = assert_sound_page(client.get("/clips/eerste").text)
    assert notices(page) == [] and labels(page) == [("nl", "Nederlands"), ("en", "Engels")]
    [nl, _] = client.get("/api/clips/eerste").json()["subtitles"]
    assert (nl["machine_made"], nl["reviewed"], nl["made_by"]) == (False, True, None)
    assert client.get("/clips/eerste/transcript.txt").text.startswith("Eerste clip\n")


def test_a_broken_cut_list_keeps_the_last_good_notice(copy: tuple[Path, TestClient]) -> None:
    cutlist, client = copy
    rewrite(cutlist, "reviewed = false", 'reviewed = "ja"')  # an error: the site keeps what it had
    assert notices(parse(client.get("/clips/eerste").text))


def test_hostile_made_by_is_text_everywhere(copy: tuple[Path, TestClient]) -> None:
    cutlist, client = copy
    rewrite(cutlist, '"whisper base"', json.dumps(HOSTILE))
    for url in ("/clips/eerste", "/films/testfilm"):
        response = client.get(url)
        assert "<script>alert" not in response.text and "<img src=x" not in response.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
        page = assert_sound_page(response.text)
        assert notices(page)[0].endswith(f"gemaakt met {' '.join(HOSTILE.split())})")
        assert not [img for img in page.find_all("img") if img.attrs.get("src") == "x"]
    assert client.get("/api/clips/eerste").json()["subtitles"][0]["made_by"] == HOSTILE
    download = client.get("/clips/eerste/transcript.txt")
    assert download.headers["content-type"] == "text/plain; charset=utf-8"
    assert download.text.startswith(f"{NOTICE} (gemaakt met {HOSTILE})\n")


def test_made_by_over_several_lines_stays_one_line_in_the_download(copy: tuple[Path, TestClient]) -> None:
    cutlist, client = copy
    rewrite(cutlist, '"whisper base"', '"whisper\\n  base"')
    assert client.get("/clips/eerste/transcript.txt").text.startswith(f"{NOTICE} (gemaakt met whisper base)\nEerste")


def test_search_moments_from_a_machine_made_transcript_say_so(copy: tuple[Path, TestClient]) -> None:
    cutlist, client = copy
    assert "Uit een automatisch transcript, nog niet nagekeken." in client.get("/search?q=buddy").text
    rewrite(cutlist, "reviewed = false", "reviewed = true")
    assert "automatisch transcript" not in client.get("/search?q=buddy").text
