"""The pages of audio description, as HTML: the player's tracks and switch, the descriptive transcript
(captions and descriptions in time order, without JavaScript), the accessibility statement and its link
in every footer, the API."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sites import unversioned
from starlette.testclient import TestClient

from catalogue.settings import Settings
from catalogue.web.app import create_app


@pytest.fixture(scope="module")
def client(described_root: Path) -> TestClient:
    return TestClient(create_app(Settings(root=described_root)))


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of the page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in wanted.items())]

    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def test_the_clip_page_carries_the_descriptions_track_and_the_switch(client: TestClient):
    page = Elements(client.get("/clips/beschreven").text)
    (track,) = page.all("track", kind="descriptions")
    assert (unversioned(track["src"]), track["srclang"]) == ("/transcripts/clips/beschreven.nl.descriptions.vtt", "nl")
    (video,) = page.all("video")
    assert unversioned(video["data-ad-src"]) == "/media/clips/beschreven.ad.mp4"
    assert re.fullmatch(r"\[\[9000, \d+\]\]", video["data-ad-holds"])
    (caption,) = page.all("track", kind="captions")
    assert unversioned(caption["data-ad-src"]) == "/transcripts/clips/beschreven.nl.ad.vtt"
    (switch,) = page.all("button", id="ad-switch")
    assert switch["aria-pressed"] == "false" and switch["type"] == "button"
    assert page.all("p", id="ad-status", role="status")
    assert page.all("a", href=video["data-ad-src"])  # without JavaScript: a download
    assert page.all("a", href="/clips/beschreven/transcript")
    assert client.get(video["data-ad-src"]).headers["content-type"] == "video/mp4"
    assert client.get(track["src"]).headers["content-type"] == "text/vtt; charset=utf-8"


def test_a_clip_without_descriptions_has_no_switch(client: TestClient):
    page = Elements(client.get("/clips/onbeschreven").text)
    assert not page.all("button", id="ad-switch") and not page.all("track", kind="descriptions")
    assert "data-ad-src" not in page.all("video")[0]


def test_the_descriptive_transcript_lists_captions_and_descriptions_in_time_order(client: TestClient):
    response = client.get("/clips/beschreven/transcript")
    assert response.status_code == 200
    page = Elements(response.text)
    items = re.findall(r"<li( class=\"description\")?>\s*<a class=\"time\" href=\"([^\"]+)\"[^>]*>.*?</a>\s*(.*?)</li>",
                       response.text, re.S)
    lines = [(bool(kind), href, " ".join(html.unescape(re.sub(r"<[^>]+>", "", body)).split()))
             for kind, href, body in items]
    assert lines == [
        (False, "/clips/beschreven?t=0.5", "Ann: Welkom bij de buddywerking."),
        (True, "/clips/beschreven?t=2.6", "Beschrijving: Ann knikt en glimlacht."),
        (False, "/clips/beschreven?t=6", "We zoeken nieuwe buddy's."),
        (True, "/clips/beschreven?t=8.1", "Beschrijving: Op het flipbord staat: samen sterker, buddy's vinden en houden."),
        (False, "/clips/beschreven?t=9.2", "Tot volgende keer."),
    ]
    assert "Automatisch gegenereerd, nog niet nagekeken" in page.words()
    text = client.get("/clips/beschreven/transcript.txt").text
    assert "[0:02] Beschrijving: Ann knikt en glimlacht.\n[0:06] We zoeken nieuwe buddy's." in text
    assert client.get("/clips/bestaat-niet/transcript").status_code == 404


def test_the_statement_names_each_clip_that_fails_a_criterion(client: TestClient):
    response = client.get("/toegankelijkheid")
    assert response.status_code == 200
    words = Elements(response.text).words()
    for heading in ("Nalevingsstatus", "Niet-toegankelijke inhoud", "Toegankelijke alternatieven",
                    "Opstelling van deze toegankelijkheidsverklaring", "Feedback en contactgegevens",
                    "Handhavingsprocedure"):
        assert f"<h2" in response.text and heading in words
    assert "gedeeltelijk conform" in words and "Vlaamse Ombudsdienst" in words
    assert "opgesteld op 15-01-2026 en gebaseerd op een zelfbeoordeling" in words
    assert "voor het laatst herzien op 20-11-2026" in words and "toegankelijkheid@example.org" in words
    sections = dict(re.findall(r"<h3>Succescriterium ([^<]+)</h3>\s*<ul class=\"shortfalls\">(.*?)</ul>", response.text, re.S))
    named = {criterion: re.findall(r'href="([^"]+)"', items) for criterion, items in sections.items()}
    assert named == {
        "1.2.2 Ondertitels (vooraf opgenomen), niveau A": ["/films/testfilm", "/clips/beschreven", "/clips/onbeschreven"],
        "1.2.3 Audiodescriptie of media-alternatief (vooraf opgenomen), niveau A": ["/clips/onbeschreven"],
        "1.2.5 Audiodescriptie (vooraf opgenomen), niveau AA": ["/clips/onbeschreven"],
    }
    assert "automatisch gemaakt (whisper base) en nog niet nagekeken" in words


@pytest.mark.parametrize("path", ["/", "/themes/rekrutering", "/clips/beschreven", "/clips/beschreven/transcript",
                                  "/films/testfilm", "/search?q=buddy", "/sessions", "/toegankelijkheid",
                                  "/bestaat-niet"])
def test_every_page_links_to_the_statement_in_its_footer(client: TestClient, path: str):
    html = client.get(path).text
    footer = html[html.index("<footer"):html.index("</footer>")]
    assert 'href="/toegankelijkheid"' in footer


def test_the_api_says_where_the_described_version_is(client: TestClient):
    described = client.get("/api/clips/beschreven").json()["audio_description"]
    assert unversioned(described["video_url"]).endswith("/media/clips/beschreven.ad.mp4") and described["extended"] is True
    assert [d["lang"] for d in described["descriptions"]] == ["nl"]
    assert client.get("/api/clips/onbeschreven").json()["audio_description"]["video_url"] is None
