"""Session pages and their oEmbed answers (issue 12), through Starlette's TestClient on a real,
cut catalogue: the list, a cut-list session, a theme as a session, a session in its URL (and a
bad one), the builder's buttons on theme and search pages, and the JSON-LD's timeRequired from a
session's discussion minutes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from starlette.testclient import TestClient

from catalogue.lessons import sessions as sessions
from catalogue.model import ClipStep, DiscussionStep, Session
from catalogue.web.app import create_app
from catalogue.web.routes import moment_span
from sites import build_site
from test_routes import BASE, Element, assert_security_headers, assert_sound_page, local, parse
from test_teaching import FILM

QUESTION = 'Wat doe jij als iemand "nee" zegt? <eerlijk> & | ~ . antwoorden'

CUTLIST = FILM + f'''

    [[theme]]
    id = "grenzen"
    title = "Grenzen"
    introduction = "Begin met een eigen voorbeeld."

    [[theme]]
    id = "werving"
    title = "Werving"

    [[clip]]
    id = "nee-zeggen"
    title = "Nee zeggen"
    themes = ["grenzen"]
    start = "00:00:01"
    end = "00:00:04.500"
    questions = ["Wanneer zeg jij nee?"]

    [[clip]]
    id = "vrijwilligers"
    title = "Vrijwilligers vinden"
    themes = ["werving", "grenzen"]
    start = "00:00:05"
    end = "00:00:11"

    [[session]]
    id = "studiedag"
    title = "Studiedag: grenzen"
    description = "Een voormiddag over grenzen."
    audience = "coördinatoren"

    [[session.step]]
    clip = "nee-zeggen"

    [[session.step]]
    title = "Eerste gesprek"
    questions = [{json.dumps(QUESTION)}, "Wat zou jij doen?"]
    minutes = 12

    [[session.step]]
    clip = "vrijwilligers"
    start = "00:00:01"
    end = "00:00:04"
'''

CUES = [("00:00:01.500", "00:00:03.500", "Nee zeggen mag"),
        ("00:00:06.000", "00:00:08.000", "We zoeken vrijwilligers"),
        ("00:00:08.500", "00:00:10.500", "Vrijwilligers blijven graag")]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, gray_film: Path) -> Iterator[TestClient]:
    settings = build_site(tmp_path_factory.mktemp("sessions"), gray_film, CUTLIST, {"film.nl.vtt": CUES})
    with TestClient(create_app(settings), base_url=BASE) as client:
        yield client


def _page(client: TestClient, url: str, status: int = 200) -> Element:
    response = client.get(url)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert_security_headers(response)
    assert "Traceback" not in response.text
    return assert_sound_page(response.text)


def _steps(page: Element) -> list[tuple[str, ...]]:
    """Each step as the page shows it: ("clip", id, start_ms, end_ms) or ("discussion", title, minutes, questions…)."""
    found: list[tuple[str, ...]] = []
    for li in page.find("ol", class_="session-steps").find_all("li", class_="step"):
        if li.attrs["data-kind"] == "clip":
            found.append(("clip", li.attrs["data-clip"], li.attrs["data-start-ms"], li.attrs["data-end-ms"]))
        else:
            questions = [q.text() for q in li.find("ol", class_="questions").find_all("li")]
            assert json.loads(li.attrs["data-questions"]) == questions
            found.append(("discussion", li.find(class_="step-title").text(), li.attrs["data-minutes"], *questions))
    return found


# --- the pages ---------------------------------------------------------------------------------


def test_session_list_has_ready_made_sessions_and_every_theme(client: TestClient) -> None:
    page = _page(client, "/sessions")
    hrefs = [a.attrs["href"] for a in page.find("main").find_all("a")]
    assert "/sessions/studiedag" in hrefs and "/sessions/new" in hrefs
    assert "/themes/grenzen/session" in hrefs and "/themes/werving/session" in hrefs
    assert "Studiedag: grenzen" in page.find("main").text()
    nav = [a.attrs["href"] for a in page.find("nav", aria_label="Hoofdmenu").find_all("a")]
    assert "/sessions" in nav


def test_cut_list_session_page_lists_steps_total_and_actions(client: TestClient) -> None:
    page = _page(client, "/sessions/studiedag")
    assert page.find("h1").text() == "Studiedag: grenzen"
    assert "Een voormiddag over grenzen." in page.find("main").text()
    assert "coördinatoren" in page.find("main").text()
    assert _steps(page) == [("clip", "nee-zeggen", "0", "3500"),
                            ("discussion", "Eerste gesprek", "12", QUESTION, "Wat zou jij doen?"),
                            ("clip", "vrijwilligers", "1000", "4000")]
    clip_meta = [li.find("p", class_="meta").text() for li in page.find_all("li", class_="step-clip")]
    assert "helemaal" in clip_meta[0] and "0:01 – 0:04" in clip_meta[1]
    # 3.5 s + 12 min + 3 s
    assert page.find("span", class_="session-total-time").text() == "12:06"
    assert page.find("a", id="session-present").attrs["href"] == "/sessions/studiedag/present"
    assert page.find("a", id="session-pack").attrs["href"] == "/packs/sessions/studiedag.zip"
    edit = page.find("a", id="session-edit").attrs["href"]
    assert urlsplit(edit).path == "/sessions/new"
    assert page.find("input", id="share-link").attrs["value"] == f"{BASE}/sessions/studiedag"
    iframe = parse(page.find("textarea", id="embed-code").text()).find("iframe")
    assert iframe.attrs["src"] == f"{BASE}/embed/sessions/studiedag"
    assert iframe.attrs["title"] == "Studiedag: grenzen"


def test_the_edit_link_gives_the_same_session_in_its_url(client: TestClient) -> None:
    page = _page(client, "/sessions/studiedag")
    edit = page.find("a", id="session-edit").attrs["href"]
    copy = _page(client, edit)
    assert _steps(copy) == _steps(page)
    assert copy.find("h1").text() == "Studiedag: grenzen"
    assert copy.find("input", id="session-title").attrs["value"] == "Studiedag: grenzen"
    query = urlsplit(edit).query
    assert copy.find("a", id="session-present").attrs["href"] == f"/sessions/new/present?{query}"
    assert copy.find("a", id="session-pack").attrs["href"] == f"/packs/sessions/new.zip?{query}"
    assert copy.find("input", id="share-link").attrs["value"] == f"{BASE}/sessions/new?{query}"
    assert parse(copy.find("textarea", id="embed-code").text()).find("iframe").attrs["src"] == \
        f"{BASE}/embed/sessions/new?{query}"
    assert not copy.find_all("a", id="session-edit")  # it is the builder already
    assert copy.find("section", id="session-editor").attrs.get("hidden") == ""  # until its script runs


def test_a_url_session_round_trips_unicode_and_separators(client: TestClient) -> None:
    session = Session("", "Les «één» & | ~ . ?", (DiscussionStep((QUESTION, "ça va? 😀"), 5, "Start | ~"),
                                                 ClipStep("vrijwilligers", 500, 5500), ClipStep("nee-zeggen")))
    page = _page(client, "/sessions/new?" + sessions.session_query(session))
    assert page.find("h1").text() == session.title
    assert _steps(page) == [("discussion", "Start | ~", "5", QUESTION, "ça va? 😀"),
                            ("clip", "vrijwilligers", "500", "5500"), ("clip", "nee-zeggen", "0", "3500")]


def test_theme_as_a_session_plays_its_clips_with_their_questions(client: TestClient) -> None:
    page = _page(client, "/themes/grenzen/session")
    steps = _steps(page)
    assert [s[:2] for s in steps if s[0] == "clip"] == [("clip", "nee-zeggen"), ("clip", "vrijwilligers")]
    assert any(s[0] == "discussion" and "Wanneer zeg jij nee?" in s for s in steps)
    assert "Begin met een eigen voorbeeld." in page.find("main").text()
    assert page.find("a", id="session-present").attrs["href"] == "/themes/grenzen/present"
    assert page.find("a", id="session-pack").attrs["href"] == "/packs/themes/grenzen.zip"
    iframe = parse(page.find("textarea", id="embed-code").text()).find("iframe")
    assert iframe.attrs["src"] == f"{BASE}/embed/themes/grenzen"
    assert _page(client, "/themes/grenzen").find("a", href="/themes/grenzen/session")


@pytest.mark.parametrize("url", ["/sessions/bestaat-niet", "/themes/bestaat-niet/session"])
def test_unknown_sessions_give_the_dutch_404_page(client: TestClient, url: str) -> None:
    page = _page(client, url, 404)
    assert page.find("h1").text() == "Deze pagina bestaat niet"


def test_empty_builder_says_how_to_start(client: TestClient) -> None:
    page = _page(client, "/sessions/new")
    assert page.find("h1").text() == "Mijn sessie"
    assert "Aan sessie toevoegen" in page.find("p", id="session-empty").text()
    assert _steps(page) == []
    assert page.find("p", id="session-actions").attrs.get("hidden") == ""


@pytest.mark.parametrize("query", [{"s": "c.bestaat-niet"}, {"s": "c.nee-zeggen~3-1"}, {"s": "c.nee-zeggen~0-99"},
                                   {"s": ["c.nee-zeggen"] * 200}, {"s": "x"}])
def test_a_bad_session_url_is_named_in_dutch_with_400(client: TestClient, query: dict[str, object]) -> None:
    response = client.get("/sessions/new?" + urlencode(query, doseq=True))
    assert response.status_code == 400 and "Traceback" not in response.text
    page = assert_sound_page(response.text)
    alert = page.find("p", role="alert").text()
    assert alert.startswith("Deze sessie-URL klopt niet:") and len(alert) > 30


def test_hostile_text_in_a_url_session_is_text(client: TestClient) -> None:
    session = Session("", "<script>alert(1)</script>", (DiscussionStep(("<img src=x onerror=alert(2)>",)),))
    response = client.get("/sessions/new?" + sessions.session_query(session))
    assert "<script>alert(1)" not in response.text and "<img src=x" not in response.text
    page = assert_sound_page(response.text)
    assert page.find("h1").text() == "<script>alert(1)</script>"


def test_every_link_on_the_session_pages_resolves(client: TestClient) -> None:
    """Except the presenter, embed and pack URLs, which their own tests follow."""
    for url in ("/sessions", "/sessions/studiedag", "/themes/grenzen/session", "/themes/grenzen",
                "/search?q=vrijwilligers"):
        for el in _page(client, url).iter():
            value = el.attrs.get("href") or el.attrs.get("src")
            if not value or value.startswith(("#", "data:")) or "/present" in value or value.startswith("/packs/"):
                continue
            assert client.get(local(BASE + value) if value.startswith("/") else local(value)).status_code == 200, \
                f"{url}: {value}"


# --- the builder's buttons ------------------------------------------------------------------------


def test_theme_page_cards_have_an_add_button_for_the_whole_clip(client: TestClient) -> None:
    buttons = _page(client, "/themes/grenzen").find_all("button", class_="add-to-session")
    assert [(b.attrs["data-clip"], b.attrs.get("data-start-ms")) for b in buttons] == [
        ("nee-zeggen", None), ("vrijwilligers", None)]
    assert all("hidden" in b.attrs for b in buttons)  # the script shows them: building needs JavaScript
    assert buttons[0].text().startswith("Aan sessie toevoegen") and "Nee zeggen" in buttons[0].text()


def test_search_results_add_a_clip_or_the_moment_around_a_match(client: TestClient) -> None:
    page = _page(client, "/search?q=vrijwilligers")
    buttons = page.find_all("button", class_="add-to-session")
    whole = [b for b in buttons if "data-start-ms" not in b.attrs]
    moments = [b for b in buttons if "data-start-ms" in b.attrs]
    assert [b.attrs["data-clip"] for b in whole] == ["vrijwilligers"]
    assert moments and all(b.attrs["data-clip"] == "vrijwilligers" for b in moments)
    spans = [(int(b.attrs["data-start-ms"]), int(b.attrs["data-end-ms"])) for b in moments]
    assert (0, 6000) in spans  # the moment at 1 s (film 6 s) of a 6 s clip: all of it, within the clip


@pytest.mark.parametrize(("start", "end", "clip", "span"), [
    (12_000, 14_000, 60_000, (7_000, 37_000)),  # 5 s before, 30 s long
    (1_000, 3_000, 60_000, (0, 30_000)),
    (50_000, 58_000, 60_000, (45_000, 60_000)),  # within the clip
    (2_000, 45_000, 60_000, (0, 45_000)),  # a long moment: to its end
    (59_500, 60_000, 60_000, (54_500, 60_000)),
])
def test_moment_span(start: int, end: int, clip: int, span: tuple[int, int]) -> None:
    assert moment_span(start, end, clip) == span


# --- structured data and oEmbed -----------------------------------------------------------------


def test_clip_time_required_counts_the_discussion_a_session_gives_it(client: TestClient) -> None:
    [script] = _page(client, "/clips/nee-zeggen").find_all("script", type="application/ld+json")
    data = json.loads(script.text())
    assert data["duration"] == "PT3.5S" and data["timeRequired"] == "PT12M3.5S"
    assert data["educationalUse"] == ["instruction", "discussion"]


@pytest.mark.parametrize(("url", "title", "src"), [
    ("/sessions/studiedag", "Studiedag: grenzen", "/embed/sessions/studiedag"),
    ("/embed/sessions/studiedag", "Studiedag: grenzen", "/embed/sessions/studiedag"),
    ("/themes/grenzen", "Grenzen", "/embed/themes/grenzen"),
    ("/themes/grenzen/session", "Grenzen", "/embed/themes/grenzen"),
    ("/embed/themes/werving", "Werving", "/embed/themes/werving"),
])
def test_oembed_answers_for_sessions_and_themes(client: TestClient, url: str, title: str, src: str) -> None:
    response = client.get("/oembed", params={"url": BASE + url, "format": "json"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    data = response.json()
    assert (data["version"], data["type"], data["title"]) == ("1.0", "video", title)
    assert (data["width"], data["height"]) == (640, 480)  # the gray film is 4:3
    iframe = parse(data["html"]).find("iframe")
    assert iframe.attrs["src"] == BASE + src and iframe.attrs["title"] == title
    assert client.get(local(data["thumbnail_url"])).headers["content-type"] == "image/jpeg"


def test_oembed_for_a_url_session_embeds_that_session(client: TestClient) -> None:
    session = Session("", "Mijn les & meer", (ClipStep("vrijwilligers", 1000, 3000), DiscussionStep(("Waarom?",), 5)))
    query = sessions.session_query(session)
    data = client.get("/oembed", params={"url": f"{BASE}/sessions/new?{query}", "maxwidth": "320"}).json()
    assert data["title"] == "Mijn les & meer" and (data["width"], data["height"]) == (320, 240)
    src = parse(data["html"]).find("iframe").attrs["src"]
    assert urlsplit(src).path == "/embed/sessions/new"
    assert sessions.parse_session_query(parse_qs(urlsplit(src).query), _catalogue(client)) == session


def _catalogue(client: TestClient) -> object:
    return client.app.state.catalogue.snapshot().catalogue  # type: ignore[attr-defined]


@pytest.mark.parametrize("url", [f"{BASE}/sessions/bestaat-niet", f"{BASE}/themes/bestaat-niet",
                                 f"{BASE}/sessions/new?s=c.bestaat-niet", f"{BASE}/sessions/new",
                                 "http://elders.example/sessions/studiedag", f"{BASE}/sessions"])
def test_oembed_unknown_session_or_theme_is_404(client: TestClient, url: str) -> None:
    response = client.get("/oembed", params={"url": url})
    assert response.status_code == 404 and "error" in response.json()


@pytest.mark.parametrize(("url", "title"), [("/sessions/studiedag", "Studiedag: grenzen"), ("/themes/grenzen", "Grenzen"),
                                            ("/themes/werving/session", "Werving")])
def test_session_and_theme_pages_have_oembed_discovery(client: TestClient, url: str, title: str) -> None:
    link = _page(client, url).find("link", rel="alternate", type="application/json+oembed")
    assert client.get(local(link.attrs["href"])).json()["title"] == title
