"""Teaching metadata on the site (issue 12): clip and theme pages, the JSON API and schema.org
LearningResource JSON-LD; the film page's VideoObject with duration and a zoned uploadDate.

One real catalogue per module (the gray film, two clips, one with every teaching field and one
without), read through Starlette's TestClient.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from catalogue.web.app import create_app
from sites import build_site
from test_routes import BASE, assert_sound_page, parse

GOAL = 'Je herkent wanneer een buddy "nee" mag zeggen & waarom.'
QUESTIONS = ["Wanneer zeg jij nee?", "Wat doe je als een grens <overschreden> wordt?"]
INTRO = "Start met een eigen voorbeeld van een grens; laat de groep daarna de clips bespreken."

FILM = '''
    [film]
    id = "lesfilm"
    title = "Lesfilm"
    video = "film.mp4"
    language = "nl"

    [film.subtitles]
    nl = "../transcripts/film.nl.vtt"
'''  # the film of the teaching, session and presenter tests: the gray film, Dutch subtitles

CUTLIST = FILM + f'''

    [[theme]]
    id = "grenzen"
    title = "Grenzen"
    introduction = {json.dumps(INTRO)}

    [[theme]]
    id = "kaal"
    title = "Kaal thema"

    [[clip]]
    id = "nee-zeggen"
    title = "Nee zeggen"
    themes = ["grenzen"]
    start = "00:00:01"
    end = "00:00:04.500"
    learning_goal = {json.dumps(GOAL)}
    questions = {json.dumps(QUESTIONS)}
    audience = "vrijwilligers in een buddyproject"

    [[clip]]
    id = "zonder-meer"
    title = "Zonder meer"
    themes = ["kaal"]
    start = "00:00:05"
    end = "00:00:08"
'''

CUES = [("00:00:01.500", "00:00:03.500", "Nee zeggen mag"), ("00:00:05.500", "00:00:07.500", "Gewoon een clip")]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, gray_film: Path) -> Iterator[TestClient]:
    settings = build_site(tmp_path_factory.mktemp("teaching"), gray_film, CUTLIST, {"film.nl.vtt": CUES})
    with TestClient(create_app(settings), base_url=BASE) as client:
        yield client


def _json_ld(text: str) -> dict[str, Any]:
    [script] = parse(text).find_all("script", type="application/ld+json")
    return json.loads(script.text())  # type: ignore[no-any-return]


def test_clip_page_shows_learning_goal_questions_and_audience(client: TestClient) -> None:
    page = assert_sound_page(client.get("/clips/nee-zeggen").text)
    section = page.find("section", class_="teaching")
    assert section.find("h2").text() == "Voor trainers"
    assert section.find("dd", class_="learning-goal").text() == GOAL
    assert section.find("dd", class_="audience").text() == "vrijwilligers in een buddyproject"
    assert [li.text() for li in section.find("ol", class_="questions").find_all("li")] == QUESTIONS


def test_clip_page_without_teaching_metadata_has_no_trainer_section(client: TestClient) -> None:
    page = assert_sound_page(client.get("/clips/zonder-meer").text)
    assert not page.find_all("section", class_="teaching")


def test_clip_page_escapes_the_teaching_text(client: TestClient) -> None:
    text = client.get("/clips/nee-zeggen").text
    assert "<overschreden>" not in text and "&lt;overschreden&gt;" in text


def test_theme_page_shows_its_introduction(client: TestClient) -> None:
    page = assert_sound_page(client.get("/themes/grenzen").text)
    assert page.find("section", class_="teaching").find("p").text() == INTRO
    assert not assert_sound_page(client.get("/themes/kaal").text).find_all("section", class_="teaching")


def test_api_carries_the_teaching_metadata(client: TestClient) -> None:
    clip = client.get("/api/clips/nee-zeggen").json()
    assert (clip["learning_goal"], clip["questions"], clip["audience"]) == (
        GOAL, QUESTIONS, "vrijwilligers in een buddyproject")
    bare = client.get("/api/clips/zonder-meer").json()
    assert (bare["learning_goal"], bare["questions"], bare["audience"]) == ("", [], "")
    themes = {t["id"]: t for t in client.get("/api/themes").json()}
    assert themes["grenzen"]["introduction"] == INTRO and themes["kaal"]["introduction"] == ""


def test_clip_json_ld_is_a_learning_resource(client: TestClient) -> None:
    data = _json_ld(client.get("/clips/nee-zeggen").text)
    assert data["@type"] == ["VideoObject", "LearningResource"]
    assert data["teaches"] == GOAL
    assert data["educationalUse"] == ["instruction", "discussion"]
    assert data["audience"] == {"@type": "EducationalAudience", "educationalRole": "vrijwilligers in een buddyproject"}
    assert data["timeRequired"] == data["duration"] == "PT3.5S"  # no session gives it discussion minutes


def test_clip_json_ld_without_teaching_metadata_claims_nothing(client: TestClient) -> None:
    data = _json_ld(client.get("/clips/zonder-meer").text)
    assert data["@type"] == ["VideoObject", "LearningResource"]
    assert "teaches" not in data and "audience" not in data
    assert data["educationalUse"] == ["instruction"] and data["timeRequired"] == "PT3S"


def test_film_json_ld_has_duration_and_a_zoned_upload_date(client: TestClient) -> None:
    data = _json_ld(client.get("/films/lesfilm").text)
    assert data["@type"] == "VideoObject"
    assert data["duration"] == "PT12S"  # the gray film
    upload = datetime.datetime.fromisoformat(data["uploadDate"])
    assert upload.tzinfo is not None and upload.utcoffset() == datetime.timedelta(0)
    assert "T" in data["uploadDate"]
    assert abs((datetime.datetime.now(datetime.UTC) - upload).total_seconds()) < 3600  # the rendition just cut
