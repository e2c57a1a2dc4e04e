"""Presenter mode and the session/theme embeds (issue 12), through Starlette's TestClient: which
session each URL plays, the JSON session-player.js reads from the page, headers, errors.

One real catalogue per module: the gray film cut into three clips with Dutch and English
subtitles, two themes, a ready-made session; the browser tests (test_presenter_browser.py) serve
the same one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from catalogue.model import ClipStep, DiscussionStep, Session
from catalogue.lessons import session_query
from catalogue.web.app import create_app
from sites import build_site, unversioned
from test_routes import BASE, parse
from test_teaching import FILM

QUESTIONS = ["Wat zag je?", "Wat zou jij doen </script> & waarom?"]

CUTLIST = FILM + '''    en = "../transcripts/film.en.vtt"
''' + f'''

    [[theme]]
    id = "rekrutering"
    title = "Rekrutering"
    introduction = "Begin met de vraag hoe jij ooit vrijwilliger werd."

    [[theme]]
    id = "grenzen"
    title = "Grenzen"

    [[clip]]
    id = "welkom"
    title = "Welkom"
    themes = ["rekrutering"]
    start = "00:00:00.500"
    end = "00:00:04.500"

    [[clip]]
    id = "vrijwilligers"
    title = "Vrijwilligers zoeken"
    themes = ["rekrutering", "grenzen"]
    start = "00:00:04.500"
    end = "00:00:08.500"
    learning_goal = "Je weet waar je vrijwilligers vindt."
    questions = {json.dumps(QUESTIONS)}

    [[clip]]
    id = "nee-zeggen"
    title = "Nee zeggen"
    themes = ["grenzen"]
    start = "00:00:08.500"
    end = "00:00:11.500"

    [[session]]
    id = "proefles"
    title = "Proefles <eerste> & co"
    description = "Een korte les om mee te oefenen."

    [[session.step]]
    clip = "welkom"
    start = "00:00:00.500"
    end = "00:00:03"

    [[session.step]]
    title = "Praat erover"
    questions = ["Wat herken je?", "Wat doe jij morgen anders?"]
    minutes = 5

    [[session.step]]
    clip = "nee-zeggen"
'''

DUTCH_CUES = [
    ("00:00:01.000", "00:00:03.000", "Welkom bij de les"),
    ("00:00:05.000", "00:00:07.500", "We zoeken vrijwilligers"),
    ("00:00:09.000", "00:00:11.000", "Nee zeggen mag"),
]
ENGLISH_CUES = [
    ("00:00:01.000", "00:00:03.000", "Welcome to the lesson"),
    ("00:00:05.000", "00:00:07.500", "We look for volunteers"),
    ("00:00:09.000", "00:00:11.000", "Saying no is fine"),
]
TRANSCRIPTS = {"film.nl.vtt": DUTCH_CUES, "film.en.vtt": ENGLISH_CUES}

# a trainer's own session: a part of one clip, a discussion with awkward text, another clip
URL_SESSION = Session("", "Mijn les | één & twee", (
    ClipStep("vrijwilligers", 1000, 3000),
    DiscussionStep(("Wie? Wat | waar?", "Zeg het ~ kort & goed."), 10),
    ClipStep("welkom"),
))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, gray_film: Path) -> Iterator[TestClient]:
    settings = build_site(tmp_path_factory.mktemp("presenter"), gray_film, CUTLIST, TRANSCRIPTS)
    with TestClient(create_app(settings), base_url=BASE) as client:
        yield client


def session_json(text: str) -> dict[str, Any]:
    """The session a page hands session-player.js; the page itself sound (lang, one h1, no inline code)."""
    page = parse(text)
    assert page.find("html").attrs.get("lang") == "nl"
    assert len(page.find_all("h1")) == 1
    assert not page.find_all("style") and not [el for el in page.iter() if "style" in el.attrs]
    scripts = page.find_all("script")
    assert [s.attrs.get("src") for s in scripts] == [None, "/static/media-source.js", "/static/session-player.js"], scripts
    assert scripts[0].attrs["type"] == "application/json" and scripts[0].attrs["id"] == "session-data"
    assert "</script" not in scripts[0].text().lower()
    [player] = [el for el in page.iter() if el.attrs.get("id") == "session-player"]
    data: dict[str, Any] = json.loads(scripts[0].text())
    data["mode"] = player.attrs["data-mode"]
    data["back"] = player.attrs.get("data-back")
    return data


def _kinds(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["kind"], s.get("id") or s["title"]) for s in data["steps"]]


def test_presenter_plays_the_cut_lists_session(client: TestClient) -> None:
    response = client.get("/sessions/proefles/present")
    assert response.status_code == 200 and response.template.name == "presenter.html"  # type: ignore[attr-defined]
    data = session_json(response.text)
    assert data["title"] == "Proefles <eerste> & co" and data["mode"] == "presenter"
    assert data["back"] == "/sessions/proefles"
    assert _kinds(data) == [("clip", "welkom"), ("discussion", "Praat erover"), ("clip", "nee-zeggen")]
    first, talk, last = data["steps"]
    # a range in clip time, in seconds of the clip's own file
    assert (first["start"], first["end"], first["duration"]) == (0.5, 3.0, 4.0)
    assert (last["start"], last["end"], last["duration"]) == (0.0, 3.0, 3.0)
    assert unversioned(first["src"]) == "/media/clips/welkom.mp4"
    assert unversioned(first["poster"]) == "/media/clips/welkom.jpg"
    assert unversioned(first["hls"]) == "/media/hls/clips/welkom/master.m3u8"  # its adaptive ladder
    assert [{**t, "src": unversioned(t["src"])} for t in first["tracks"]] == [
        {"lang": "nl", "label": "Nederlands", "kind": "captions", "default": True,
         "src": "/transcripts/clips/welkom.nl.vtt"},
        {"lang": "en", "label": "Engels", "kind": "subtitles", "default": False,
         "src": "/transcripts/clips/welkom.en.vtt"}]
    assert talk == {"kind": "discussion", "title": "Praat erover", "minutes": 5,
                    "questions": ["Wat herken je?", "Wat doe jij morgen anders?"]}
    assert client.get(data["back"]).status_code == 200
    for step in (first, last):  # every URL the page names is served
        for url in (step["src"], step["hls"], step["poster"], *(t["src"] for t in step["tracks"])):
            assert client.get(url).status_code == 200, url


def test_presenter_of_a_theme_plays_its_clips_in_film_order_with_their_questions(client: TestClient) -> None:
    data = session_json(client.get("/themes/rekrutering/present").text)
    assert data["title"] == "Rekrutering" and data["back"] == "/themes/rekrutering/session"
    assert data["description"] == "Begin met de vraag hoe jij ooit vrijwilliger werd."
    assert [k for k, _ in _kinds(data)] == ["clip", "clip", "discussion"]
    assert [s["id"] for s in data["steps"] if s["kind"] == "clip"] == ["welkom", "vrijwilligers"]
    assert data["steps"][2]["questions"] == QUESTIONS
    assert data["steps"][1]["learning_goal"] == "Je weet waar je vrijwilligers vindt."
    assert client.get(data["back"]).status_code == 200


def test_presenter_of_a_url_session_round_trips_its_text(client: TestClient) -> None:
    query = session_query(URL_SESSION)
    data = session_json(client.get(f"/sessions/new/present?{query}").text)
    assert data["title"] == URL_SESSION.title
    assert data["back"] == f"/sessions/new?{query}"
    assert _kinds(data) == [("clip", "vrijwilligers"), ("discussion", "Bespreking"), ("clip", "welkom")]
    assert (data["steps"][0]["start"], data["steps"][0]["end"]) == (1.0, 3.0)
    assert data["steps"][1]["questions"] == list(URL_SESSION.steps[1].questions)  # type: ignore[union-attr]
    assert data["steps"][1]["minutes"] == 10


@pytest.mark.parametrize(("path", "title", "clips"), [
    ("/embed/sessions/proefles", "Proefles <eerste> & co", ["welkom", "nee-zeggen"]),
    ("/embed/themes/grenzen", "Grenzen", ["vrijwilligers", "nee-zeggen"]),
    ("/embed/sessions/new?" + session_query(URL_SESSION), URL_SESSION.title, ["vrijwilligers", "welkom"]),
])
def test_embeds_play_the_clips_in_order_and_may_be_framed(client: TestClient, path: str, title: str,
                                                          clips: list[str]) -> None:
    response = client.get(path)
    assert response.status_code == 200 and response.template.name == "embed_session.html"  # type: ignore[attr-defined]
    data = session_json(response.text)
    assert data["mode"] == "embed" and data["title"] == title and data["back"] is None
    assert [s["id"] for s in data["steps"] if s["kind"] == "clip"] == clips
    assert "x-frame-options" not in response.headers
    assert response.headers["content-security-policy"].endswith("frame-ancestors *")
    assert "script-src 'self';" in response.headers["content-security-policy"]


def test_presenter_pages_may_not_be_framed(client: TestClient) -> None:
    response = client.get("/sessions/proefles/present")
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/sessions/bestaat-niet/present", "/themes/bestaat-niet/present",
                                  "/embed/sessions/bestaat-niet", "/embed/themes/bestaat-niet"])
def test_unknown_session_or_theme_is_a_404_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and response.template.name == "404.html"  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["/sessions/new/present", "/embed/sessions/new"])
@pytest.mark.parametrize("query", ["s=c.bestaat-niet", "", "s=c.welkom~9-1"])
def test_a_url_that_makes_no_session_is_a_400_page_saying_why(client: TestClient, path: str, query: str) -> None:
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    page = parse(response.text)
    assert page.find("h1").text().strip() == "Deze sessie kan niet worden getoond"
    assert not page.find_all("script")  # nothing to play
    problem = " ".join(p.text() for p in page.find_all("p"))
    expected = {"s=c.bestaat-niet": "Stap 1: onbekende clip 'bestaat-niet'", "": "nog geen stappen",
                "s=c.welkom~9-1": "Stap 1: de tijden 9–1 s vallen niet binnen clip 'welkom'"}[query]
    assert expected in problem, problem
