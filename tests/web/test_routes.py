"""Route tests with Starlette's TestClient on a real, cut and indexed catalogue (PRODUCT §4).

One catalogue per module: the gray film cut into three clips over two themes, Dutch VTT with a
hostile line, English SRT, the search index. Pages are read with html.parser, not regexes.
"""

from __future__ import annotations

import datetime
import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from catalogue.settings import Settings
from catalogue.web.app import create_app
from catalogue.web.routes import duration_iso
from servers import asgi_request
from sites import build_site, unversioned

HOSTILE = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
RAW_MARKUP = ("<script>alert(1)", "<img src=x")
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;")
SECRET = "GEHEIM-c0ffee-niet-serveren"
TITLE = 'Grenzen & <grens> "trekken"'  # a clip title with every character that needs escaping
BASE = "http://testserver"

CUTLIST = f'''
    [film]
    id = "testfilm"
    title = "Testfilm"
    video = "film.mp4"
    language = "nl"
    description = "Een film over buddywerking."

    [film.subtitles]
    nl = "../transcripts/film.nl.vtt"
    en = "../transcripts/film.en.srt"

    [[theme]]
    id = "rekrutering"
    title = "Rekrutering"

    [[theme]]
    id = "omgaan-met-grenzen"
    title = "Omgaan met grenzen"

    [[clip]]
    id = "eerste"
    title = "Eerste clip"
    themes = ["rekrutering"]
    speakers = ["Sara"]
    start = "00:00:00.800"
    end = "00:00:03.200"

    [[clip]]
    id = "tweede"
    title = {json.dumps(TITLE)}
    description = "Over grenzen trekken."
    themes = ["omgaan-met-grenzen"]
    start = "00:00:03.800"
    end = "00:00:06.400"

    [[clip]]
    id = "derde"
    title = "Derde clip"
    themes = ["rekrutering", "omgaan-met-grenzen"]
    start = "00:00:06.800"
    end = "00:00:11.200"
'''

DUTCH_CUES = [
    ("00:00:01.000", "00:00:03.000", "<v Sara>Een buddy &amp; een nieuwkomer"),
    ("00:00:04.000", "00:00:05.500", HOSTILE),  # as an editor might type it: the parser escapes it
    ("00:00:05.500", "00:00:06.300", "Grenzen trekken is moeilijk"),
    ("00:00:07.000", "00:00:08.000", "Vrijwilligers zoeken blijft moeilijk"),
    ("00:00:08.000", "00:00:09.000", "Nieuwe vrijwilligers komen"),
    ("00:00:09.000", "00:00:10.000", "Vrijwilligers blijven"),
    ("00:00:10.000", "00:00:11.000", "Duurzame verankering van vrijwilligers"),
]

ENGLISH_SRT = """1
00:00:01,000 --> 00:00:03,000
A buddy and a newcomer

2
00:00:04,000 --> 00:00:06,300
Setting boundaries is hard

3
00:00:07,000 --> 00:00:11,000
Finding volunteers stays hard
"""


@dataclass(frozen=True)
class Site:
    root: Path
    settings: Settings
    app: Starlette
    client: TestClient
    secret: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, gray_film: Path) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("site")
    settings = build_site(root, gray_film, CUTLIST, {"film.nl.vtt": DUTCH_CUES, "film.en.srt": ENGLISH_SRT})
    # what must never be served: a file beside the outputs, reachable through symlinks inside them
    secret = root / "geheim.txt"
    secret.write_text(SECRET, encoding="utf-8")
    (settings.clips_dir / "lek.mp4").symlink_to(secret)
    (settings.clips_dir / "buiten").symlink_to(root, target_is_directory=True)
    (settings.clip_transcripts_dir / "lek.nl.vtt").symlink_to(secret)
    app = create_app(settings)
    with TestClient(app, base_url=BASE) as client:
        yield Site(root, settings, app, client, secret)


@pytest.fixture(scope="module")
def client(site: Site) -> TestClient:
    return site.client


# --- reading HTML ---------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]  # a boolean attribute (`default`) has ""
    raw_attrs: list[tuple[str, str | None]]
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Elements by tag and attributes (`class_` matches one class among several)."""
        found = []
        for el in self.iter():
            if tag is not None and el.tag != tag:
                continue
            if all((value in (el.attrs.get("class") or "").split()) if name == "class_"
                   else el.attrs.get(name.replace("_", "-")) == value for name, value in attrs.items()):
                found.append(el)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, [])
        self.stack = [self.root]
        self.stray_end_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, attrs)
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}, attrs))

    def handle_endtag(self, tag: str) -> None:
        if self.stack[-1].tag == tag:
            self.stack.pop()
        else:
            self.stray_end_tags.append(f"</{tag}> inside <{self.stack[-1].tag}>")

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(text: str) -> Element:
    """The document tree; every element must be closed where it is opened."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    assert not builder.stray_end_tags, builder.stray_end_tags
    assert [e.tag for e in builder.stack] == ["#document"], f"unclosed: {[e.tag for e in builder.stack]}"
    return builder.root


def json_ld(page: Element) -> dict[str, Any]:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].text())  # type: ignore[no-any-return]


def local(url: str) -> str:
    """A same-site URL as a path (with query) for the test client; asserts it is absolute."""
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("http", "testserver"), url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def assert_security_headers(response: Any, *, embeddable: bool = False) -> None:
    headers = response.headers
    csp = headers["content-security-policy"]
    directives = dict(d.strip().split(None, 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["object-src"] == "'none'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    if embeddable:
        assert directives["frame-ancestors"] == "*"
        assert "x-frame-options" not in headers
    else:
        assert directives["frame-ancestors"] == "'none'"
        assert headers["x-frame-options"] == "DENY"


def assert_sound_page(text: str) -> Element:
    """What every HTML page must be: lang="nl", one <h1>, nothing the CSP would block, unique ids."""
    page = parse(text)
    assert text.lstrip().lower().startswith("<!doctype html>")
    [root] = page.find_all("html")
    assert root.attrs.get("lang") == "nl"
    assert len(page.find_all("h1")) == 1
    assert page.find("title").text().strip()
    [description] = [m for m in page.find_all("meta") if m.attrs.get("name") == "description"]
    assert 0 < len(description.attrs.get("content", "").strip()) <= 203, description.attrs  # 200 + "..."
    assert not page.find_all("style"), "inline <style>"
    for el in page.iter():
        names = [name for name, _ in el.raw_attrs]
        assert "style" not in names, f"style= on <{el.tag}>"
        assert not [n for n in names if n.startswith("on")], f"event handler attribute on <{el.tag}>: {names}"
        assert len(names) == len(set(names)), f"duplicate attribute on <{el.tag}>: {names}"
        for name in ("href", "src", "action"):
            assert not (el.attrs.get(name) or "").strip().lower().startswith("javascript:")
    for script in page.find_all("script"):
        if script.attrs.get("type") == "application/ld+json":
            json.loads(script.text())
        else:
            assert script.attrs.get("src", "").startswith("/static/"), script.attrs
            assert not script.text().strip(), "inline script"
    ids = [el.attrs["id"] for el in page.iter() if el.attrs.get("id")]
    assert len(ids) == len(set(ids)), f"duplicate ids: {ids}"
    for label in page.find_all("label"):
        assert label.attrs.get("for") in ids, f"<label for={label.attrs.get('for')}> names no element"
    for img in page.find_all("img"):
        assert "alt" in img.attrs, img.attrs
    return page


# --- every page -----------------------------------------------------------------------------

PAGES = [
    ("/", 200, "index.html"),
    ("/themes/rekrutering", 200, "theme_detail.html"),
    ("/themes/omgaan-met-grenzen", 200, "theme_detail.html"),
    ("/clips/eerste", 200, "clip_detail.html"),
    ("/clips/tweede", 200, "clip_detail.html"),
    ("/clips/derde?t=1.5", 200, "clip_detail.html"),
    ("/films/testfilm", 200, "film_detail.html"),
    ("/films/testfilm?t=3.8", 200, "film_detail.html"),
    ("/search", 200, "search.html"),
    ("/search?q=moeilijk", 200, "search.html"),
    ("/search?q=moeilijk&theme=rekrutering", 200, "search.html"),
    ("/search?q=vrijwiligers", 200, "search.html"),
    ("/search?q=onerror", 200, "search.html"),
    ("/search?q=" + quote('"><script>alert(3)</script>'), 200, "search.html"),
    ("/search?q=zzzqqq", 200, "search.html"),
    ("/embed/tweede", 200, "embed.html"),
    ("/embed/tweede?start=0.5&end=2&captions=0", 200, "embed.html"),
    ("/clips/bestaat-niet", 404, "404.html"),
    ("/bestaat-niet", 404, "404.html"),
]


def meta_description(text: str) -> str:
    return next(m.attrs["content"] for m in parse(text).find_all("meta") if m.attrs.get("name") == "description")


@pytest.mark.parametrize(("url", "expected"), [
    ("/", "Een film over buddywerking."),  # the film's description
    ("/films/testfilm", "Een film over buddywerking."),
    ("/clips/tweede", "Over grenzen trekken."),  # the clip's own description
    ("/clips/eerste", "Kennisclip uit de film Van buddy tot community: Eerste clip"),  # none: its title
    ("/themes/rekrutering", "De kennisclips over Rekrutering uit de film Van buddy tot community."),
    ("/embed/tweede", "Over grenzen trekken."),
    ("/search?q=grenzen", "Kennisclips waarin gezegd wordt: grenzen"),
])
def test_every_page_describes_itself_from_its_own_data(client: TestClient, url: str, expected: str) -> None:
    assert meta_description(client.get(url).text) == expected


def test_meta_descriptions_are_escaped_and_cut_short(client: TestClient) -> None:
    q = '"><script>alert(1)</script>' + "lang " * 80
    description = meta_description(client.get("/search", params={"q": q}).text)
    assert description.startswith('Kennisclips waarin gezegd wordt: "><script>alert(1)</script>lang')
    assert len(description) <= 203 and description.endswith("...")


@pytest.mark.parametrize(("url", "status", "template"), PAGES)
def test_every_page_is_sound_html_with_security_headers(client: TestClient, url: str, status: int,
                                                        template: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.template.name == template  # type: ignore[attr-defined]
    assert_security_headers(response, embeddable=url.startswith("/embed/"))
    assert_sound_page(response.text)
    assert "Traceback" not in response.text


def test_every_link_and_source_on_every_page_resolves(client: TestClient) -> None:
    checked: dict[str, int] = {}
    for url, _, _ in PAGES:
        page = parse(client.get(url).text)
        for el in page.iter():
            for name in ("href", "src", "poster", "action"):
                value = el.attrs.get(name)
                if not value or value.startswith(("#", "data:")):  # data: is the empty favicon
                    continue
                target = urljoin(BASE + url, value).split("#")[0]
                if target not in checked:
                    checked[target] = client.get(local(target)).status_code
                assert checked[target] == 200, f"{url}: <{el.tag} {name}={value!r}> gives {checked[target]}"
    assert len(checked) > 30


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/themes/bestaat-niet", "/clips/bestaat-niet", "/films/bestaat-niet",
                                 "/embed/bestaat-niet", "/clips/bestaat-niet/transcript.txt", "/nergens/heen",
                                 "/clips/" + quote("<script>alert(1)</script>")])
def test_unknown_pages_give_the_dutch_404_page(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.template.name == "404.html"  # type: ignore[attr-defined]
    page = assert_sound_page(response.text)
    assert page.find("h1").text() == "Deze pagina bestaat niet"
    assert "<script>alert" not in response.text


@pytest.mark.parametrize("url", ["/api/clips/bestaat-niet", "/api/nergens", "/oembed?url=" + quote(f"{BASE}/clips/x")])
def test_unknown_api_urls_give_json_404(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"error"}
    assert_security_headers(response)


@pytest.mark.parametrize("url", ["/media/clips/bestaat-niet.mp4", "/transcripts/clips/bestaat-niet.nl.vtt",
                                 "/static/bestaat-niet.css"])
def test_unknown_files_give_a_short_404(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert (response.status_code, response.text) == (404, "Niet gevonden")
    assert_security_headers(response)


@pytest.mark.parametrize(("url", "kind"), [
    ("/api/themes", "application/json"), ("/api/clips", "application/json"), ("/api/clips/eerste", "application/json"),
    ("/api/search?q=grenzen", "application/json"), ("/healthz", "application/json"),
    ("/oembed?url=" + quote(f"{BASE}/clips/eerste"), "application/json"),
    ("/clips/eerste/transcript.txt", "text/plain; charset=utf-8"),
])
def test_security_headers_on_json_and_text_responses(client: TestClient, url: str, kind: str) -> None:
    response = client.get(url)
    assert response.status_code == 200 and response.headers["content-type"] == kind
    assert_security_headers(response)


@pytest.mark.parametrize("url", ["/media/clips/", "/media/clips", "/transcripts/clips/", "/static/", "/media/"])
def test_no_directory_listings(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "eerste" not in response.text


def test_other_methods_are_refused_without_a_traceback(client: TestClient) -> None:
    for url in ("/", "/clips/eerste", "/api/clips", "/media/clips/eerste.mp4"):
        response = client.post(url)
        assert response.status_code == 405, url
        assert "Traceback" not in response.text
        assert_security_headers(response)


class _Broken:
    def snapshot(self) -> None:
        raise RuntimeError(f"kapot {SECRET}")


@pytest.mark.parametrize(("url", "kind"), [
    ("/", "html"), ("/clips/eerste", "html"), ("/embed/eerste", "html"),
    ("/api/clips", "json"), ("/oembed?url=" + quote(f"{BASE}/clips/eerste"), "json"),
])
def test_server_error_is_dutch_without_traceback_and_keeps_security_headers(site: Site, url: str, kind: str) -> None:
    app = create_app(site.settings)
    app.state.catalogue = _Broken()
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as broken:
        response = broken.get(url)
    assert response.status_code == 500
    for leak in ("Traceback", "RuntimeError", "kapot", SECRET, 'File "'):
        assert leak not in response.text
    assert_security_headers(response, embeddable=url.startswith("/embed/"))
    if kind == "html":
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        page = assert_sound_page(response.text)
        assert page.find("h1").text() == "Er ging iets mis"
    else:
        assert response.json() == {"error": "Er ging iets mis"}


def test_an_empty_catalogue_still_serves_every_page(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(root=tmp_path)), base_url=BASE) as empty:
        index = empty.get("/")
        assert index.status_code == 200 and "Er zijn nog geen films" in index.text
        assert_sound_page(index.text)
        search = empty.get("/search?q=grenzen")
        assert search.status_code == 200 and "de zoekindex ontbreekt of is beschadigd" in search.text
        assert_sound_page(search.text)
        assert empty.get("/api/search?q=grenzen").status_code == 503
        assert empty.get("/api/themes").json() == [] and empty.get("/api/clips").json() == []
        assert empty.get("/healthz").json() == {"status": "ok", "clips": 0}
        assert empty.get("/clips/eerste").status_code == 404


# --- index, themes ------------------------------------------------------------------------------


def test_index_introduces_the_film_and_lists_themes_with_counts(client: TestClient) -> None:
    response = client.get("/")
    context = response.context  # type: ignore[attr-defined]
    assert [(theme.id, count) for theme, count in context["themes"]] == [("rekrutering", 2), ("omgaan-met-grenzen", 2)]
    page = parse(response.text)
    assert page.find("h1").text() == "Testfilm"
    assert page.find("a", href="/films/testfilm")
    links = {a.attrs["href"]: " ".join(a.text().split()) for a in page.find_all("a")}
    assert links["/themes/rekrutering"] == "Rekrutering 2 clips"
    assert links["/themes/omgaan-met-grenzen"] == "Omgaan met grenzen 2 clips"
    assert page.find("form", action="/search").find("input", name="q")


def test_theme_page_lists_its_clips_with_poster_title_duration_and_speakers(client: TestClient) -> None:
    response = client.get("/themes/rekrutering")
    assert [view.id for view in response.context["clips"]] == ["eerste", "derde"]  # type: ignore[attr-defined]
    page = parse(response.text)
    cards = page.find_all("article", class_="clip-card")
    assert [card.find("a").attrs["href"] for card in cards] == ["/clips/eerste", "/clips/derde"]
    first = cards[0]
    assert unversioned(first.find("img").attrs["src"]) == "/media/clips/eerste.jpg"
    assert first.find("h3").text() == "Eerste clip"
    assert " ".join(first.find("p", class_="meta").text().split()) == "Duur: 0:02 · Sara"


# --- the clip page --------------------------------------------------------------------------


def test_clip_page_player_has_every_language_as_a_track_with_dutch_default(client: TestClient) -> None:
    response = client.get("/clips/eerste")
    assert response.context["view"].id == "eerste"  # type: ignore[attr-defined]
    page = parse(response.text)
    [video] = page.find_all("video")
    source = video.find("source").attrs
    assert (unversioned(source["src"]), source["type"]) == ("/media/clips/eerste.mp4", "video/mp4")
    assert unversioned(video.attrs["poster"]) == "/media/clips/eerste.jpg"
    assert unversioned(video.attrs["data-hls"]) == "/media/hls/clips/eerste/master.m3u8"  # the ladder
    assert video.attrs["crossorigin"] == "anonymous"
    tracks = video.find_all("track")
    assert [(t.attrs["kind"], t.attrs["srclang"], t.attrs["label"], "default" in t.attrs) for t in tracks] == [
        ("captions", "nl", "Nederlands", True), ("subtitles", "en", "Engels", False)]
    for track in tracks:
        vtt = client.get(track.attrs["src"])
        assert vtt.status_code == 200 and vtt.text.startswith("WEBVTT")
    assert "Een buddy & een nieuwkomer" in [c.text() for c in page.find_all("span", class_="text")]


@pytest.mark.parametrize(("t", "start"), [("12.5", "12.5"), ("1.5", "1.5"), ("7", "7.0"), ("", "0"), ("abc", "0"),
                                          ("-3", "0"), ("1e309", "0"), ("nan", "0"), ('"><script>x</script>', "0")])
def test_clip_page_t_becomes_the_players_data_start(client: TestClient, t: str, start: str) -> None:
    response = client.get("/clips/tweede", params={"t": t})
    assert response.status_code == 200
    video = parse(response.text).find("video")
    assert video.attrs["data-start"] == start
    assert "data-end" not in video.attrs
    assert "<script>x" not in response.text


def test_clip_page_transcript_facts_and_film_link(client: TestClient) -> None:
    response = client.get("/clips/eerste")
    assert [c.plain for c in response.context["cues"]] == ["Een buddy & een nieuwkomer"]  # type: ignore[attr-defined]
    page = parse(response.text)
    [cue] = page.find("ol", class_="cues").find_all("button", class_="cue")
    assert (cue.attrs["type"], cue.attrs["data-start"], cue.attrs["data-end"]) == ("button", "0.2", "2.2")
    assert cue.find("span", class_="speaker").text() == "Sara:"
    assert cue.find("span", class_="time").text() == "0:00"
    facts = page.find("dl", class_="facts")
    assert [dd.text() for dd in facts.find_all("dd")] == ["0:02", "Rekrutering", "Sara"]
    assert page.find("a", href="/films/testfilm?t=0.8").text() == "Bekijk in de film"


def test_clip_page_follows_its_transcript_file_when_it_changes(site: Site, tmp_path: Path) -> None:
    shutil.copytree(site.root, tmp_path / "site", symlinks=True)
    settings = Settings(root=tmp_path / "site")
    vtt = settings.clip_transcripts_dir / "eerste.nl.vtt"
    with TestClient(create_app(settings), base_url=BASE) as client:
        def shown() -> list[str]:
            page = client.get("/clips/eerste")
            assert page.status_code == 200
            return [c.plain for c in page.context["cues"]]  # type: ignore[attr-defined]

        assert shown() == ["Een buddy & een nieuwkomer"] == shown()  # the second from what was read once
        vtt.write_text("WEBVTT\n\n00:00.500 --> 00:01.500\nEen nieuwe zin\n", encoding="utf-8")
        os.utime(vtt, ns=(vtt.stat().st_mtime_ns + 10**9,) * 2)  # a later mtime, however coarse the clock
        assert shown() == ["Een nieuwe zin"]
        vtt.write_text("WEBVTT\n\nkapot --> 00:01.500\nx\n", encoding="utf-8")
        os.utime(vtt, ns=(vtt.stat().st_mtime_ns + 10**9,) * 2)
        assert shown() == []  # a broken transcript: the page without one, not an error
        vtt.unlink()
        assert shown() == []


def test_clip_page_json_ld_is_a_video_object_part_of_the_film(client: TestClient) -> None:
    response = client.get("/clips/tweede")
    [script] = parse(response.text).find_all("script", type="application/ld+json")
    assert "<grens>" not in script.text()  # nothing in it can end the element
    data = json_ld(parse(response.text))
    assert data["@context"] == "https://schema.org" and data["@type"] == ["VideoObject", "LearningResource"]
    assert data["name"] == TITLE
    assert data["description"] == "Over grenzen trekken."
    assert data["duration"] == "PT2.6S"
    assert data["inLanguage"] == "nl"
    assert datetime.datetime.fromisoformat(data["uploadDate"]).tzinfo is not None
    assert data["embedUrl"] == f"{BASE}/embed/tweede"
    for key, kind in (("thumbnailUrl", "image/jpeg"), ("contentUrl", "video/mp4")):
        media = client.get(local(data[key]))
        assert (media.status_code, media.headers["content-type"]) == (200, kind)
    assert data["isPartOf"] == {"@type": "VideoObject", "name": "Testfilm", "url": f"{BASE}/films/testfilm"}


def test_clip_page_has_oembed_discovery_downloads_and_embed_code(client: TestClient) -> None:
    page = parse(client.get("/clips/tweede").text)
    link = page.find("link", rel="alternate", type="application/json+oembed")
    assert link.attrs["title"] == TITLE
    oembed = client.get(local(link.attrs["href"]))
    assert oembed.status_code == 200 and oembed.json()["title"] == TITLE
    assert page.find("link", rel="canonical").attrs["href"] == f"{BASE}/clips/tweede"
    downloads = {unversioned(a.attrs["href"]) for a in page.find("section", class_="downloads").find_all("a")}
    assert downloads == {"/media/clips/tweede.mp4", "/transcripts/clips/tweede.nl.vtt",
                         "/transcripts/clips/tweede.en.vtt", "/clips/tweede/transcript.txt"}
    # the embed code is shown as text: parsing it gives the iframe with the title as written
    code = parse(page.find("textarea", id="embed-code").text()).find("iframe")
    assert code.attrs["src"] == f"{BASE}/embed/tweede" and code.attrs["title"] == TITLE
    builder = page.find("form", id="embed-builder")
    assert (builder.attrs["data-clip"], builder.attrs["data-title"]) == ("tweede", TITLE)


def test_plain_text_transcript_download(client: TestClient) -> None:
    response = client.get("/clips/eerste/transcript.txt")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="eerste.nl.txt"'
    assert response.text == "Eerste clip\nTestfilm\n\n[0:00] Sara: Een buddy & een nieuwkomer\n"


# --- the acceptance case: a hostile transcript line is text everywhere ------------------------


def assert_no_markup_from_transcript(text: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in text
    unmarked = re.sub(r"</?mark>", "", text)  # search highlights words inside the escaped text
    for escaped in ESCAPED:
        assert escaped in unmarked


def test_hostile_line_is_text_on_the_clip_page(client: TestClient) -> None:
    response = client.get("/clips/tweede")
    assert_no_markup_from_transcript(response.text)
    page = assert_sound_page(response.text)
    assert HOSTILE in [span.text() for span in page.find_all("span", class_="text")]
    assert not [img for img in page.find_all("img") if img.attrs.get("src") == "x"]
    assert all(s.attrs.get("src") or s.attrs.get("type") == "application/ld+json" for s in page.find_all("script"))


def test_hostile_line_is_plain_text_in_the_downloads(client: TestClient) -> None:
    transcript = client.get("/clips/tweede/transcript.txt")
    assert transcript.headers["content-type"] == "text/plain; charset=utf-8"
    assert transcript.headers["x-content-type-options"] == "nosniff"  # never sniffed as HTML
    assert f"[0:00] {HOSTILE}\n" in transcript.text
    vtt = client.get("/transcripts/clips/tweede.nl.vtt")
    assert vtt.headers["content-type"] == "text/vtt; charset=utf-8"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;" in vtt.text
    for raw in RAW_MARKUP:
        assert raw not in vtt.text


@pytest.mark.parametrize("q", ["alert", "onerror", "script", HOSTILE])
def test_hostile_line_is_text_in_search_results(client: TestClient, q: str) -> None:
    response = client.get("/search", params={"q": q})
    assert_no_markup_from_transcript(response.text)
    page = assert_sound_page(response.text)
    [moment] = page.find("ol", class_="results").find("ul", class_="moments").find_all("a")
    assert moment.attrs["href"] == "/clips/tweede?t=0.2"
    assert moment.text().strip() == f"0:00 {HOSTILE}"
    assert {m.text() for m in moment.find_all("mark")} <= {"script", "alert", "onerror", "img", "src", "x", "1", "2"}


@pytest.mark.parametrize("q", ["alert", "onerror"])
def test_hostile_line_is_plain_text_in_the_api_and_escaped_in_its_html(client: TestClient, q: str) -> None:
    data = client.get("/api/search", params={"q": q}).json()
    [clip] = data["clips"]
    [moment] = clip["moments"]
    assert moment["text"] == HOSTILE
    for raw in RAW_MARKUP:
        assert raw not in moment["html"]
    assert html.unescape(re.sub(r"</?mark>", "", moment["html"])) == HOSTILE
    assert re.sub(r"</?mark>", "", moment["html"]) == html.escape(HOSTILE)


HOSTILE_QUERIES = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "' onmouseover='alert(3)",
                   '</title><script>alert(4)</script>', "{{ 7*7 }}"]


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_hostile_queries_are_echoed_as_text(client: TestClient, q: str) -> None:
    response = client.get("/search", params={"q": q, "theme": q})
    assert response.status_code == 200
    for raw in ("<script>alert", "<img src=x", "onmouseover='"):
        assert raw not in response.text
    page = assert_sound_page(response.text)
    assert page.find("input", name="q").attrs["value"] == q
    assert page.find("input", name="theme", type="hidden").attrs["value"] == q
    assert page.find("title").text().startswith(f"Zoeken: {q}")
    facets = page.find("nav", class_="facets").find_all("a")
    assert facets and all(parse_qs(urlsplit(a.attrs["href"]).query)["q"] == [q] for a in facets)
    api = client.get("/api/search", params={"q": q}).json()
    assert api["query"] == q


@pytest.mark.parametrize("q", ['"', '"grenzen', "*", "AND", "OR NOT", "(", ")", "\\", "grenzen~2", "title:x",
                               "-grenzen", "+", "a" * 3000, "één", "%", '""', "gr*", "💥", "x\u0000y",
                               " ".join(["grenzen"] * 200)])
def test_odd_queries_never_fail(client: TestClient, q: str) -> None:
    assert client.get("/search", params={"q": q}).status_code == 200
    assert client.get("/api/search", params={"q": q}).status_code == 200


# --- search ---------------------------------------------------------------------------------


def moments_of(page: Element) -> dict[str, list[tuple[str, str]]]:
    """clip id -> [(moment href, moment text)] in page order."""
    found = {}
    for result in page.find("ol", class_="results").find_all("li", class_="result"):
        clip_id = result.find("h2").find("a").attrs["href"].removeprefix("/clips/")
        assert clip_id not in found, "a clip shown twice"
        found[clip_id] = [(a.attrs["href"], " ".join(a.text().split()))
                          for a in result.find_all("ul", class_="moments")[0].find_all("a")]
    return found


def test_search_groups_results_by_clip_with_up_to_three_moments(client: TestClient) -> None:
    response = client.get("/search?q=vrijwilligers")
    results = response.context["results"]  # type: ignore[attr-defined]
    assert [hit.id for hit in results.clips] == ["derde"] and results.total == 1
    page = parse(response.text)
    moments = moments_of(page)["derde"]
    assert len(moments) == 3  # four lines match, three are shown, in time order
    times = [float(parse_qs(urlsplit(href).query)["t"][0]) for href, _ in moments]
    assert times == sorted(times) and all(href.startswith("/clips/derde?t=") for href, _ in moments)
    for li in page.find("ul", class_="moments").find_all("li"):
        assert [m.text().lower() for m in li.find_all("mark")] == ["vrijwilligers"]


def test_search_facets_count_clips_per_theme_and_filter(client: TestClient) -> None:
    page = parse(client.get("/search?q=moeilijk").text)
    assert set(moments_of(page)) == {"tweede", "derde"}
    facets = {a.attrs["href"]: " ".join(a.text().split()) for a in page.find("nav", class_="facets").find_all("a")}
    assert facets == {"/search?q=moeilijk": "Alle thema's",
                      "/search?q=moeilijk&theme=rekrutering": "Rekrutering (1)",
                      "/search?q=moeilijk&theme=omgaan-met-grenzen": "Omgaan met grenzen (2)"}
    filtered = client.get("/search?q=moeilijk&theme=rekrutering")
    assert set(moments_of(parse(filtered.text))) == {"derde"}
    current = parse(filtered.text).find("a", aria_current="true")
    assert current.attrs["href"] == "/search?q=moeilijk&theme=rekrutering"


def test_search_suggests_the_word_meant_after_a_typo(client: TestClient) -> None:
    response = client.get("/search?q=vrijwiligers")
    assert response.context["results"].suggestion == "vrijwilligers"  # type: ignore[attr-defined]
    page = parse(response.text)
    suggestion = page.find("p", class_="suggestion")
    assert " ".join(suggestion.text().split()) == "Bedoelde je vrijwilligers?"
    assert suggestion.find("a").attrs["href"] == "/search?q=vrijwilligers"


def test_search_without_results_says_so(client: TestClient) -> None:
    page = parse(client.get("/search?q=zzzqqq").text)
    assert "Geen clips gevonden" in page.find("ol", class_="results").text()
    assert "0 clips gevonden" in page.find("p", role="status").text()


@pytest.mark.parametrize("q", ["", "   "])
def test_empty_search_shows_the_themes(client: TestClient, q: str) -> None:
    response = client.get("/search", params={"q": q})
    page = parse(response.text)
    assert not page.find_all("ol", class_="results")
    hrefs = [a.attrs["href"] for a in page.find("ul", class_="theme-list").find_all("a")]
    assert hrefs == ["/themes/rekrutering", "/themes/omgaan-met-grenzen"]


def test_api_search_has_stable_fields_and_absolute_urls(client: TestClient) -> None:
    data = client.get("/api/search?q=moeilijk").json()
    assert set(data) == {"query", "theme", "total", "clips", "facets", "suggestion", "fuzzy", "unknown"}
    assert (data["query"], data["theme"], data["total"]) == ("moeilijk", None, 2)
    assert data["facets"] == {"rekrutering": 1, "omgaan-met-grenzen": 2}
    for clip in data["clips"]:
        assert set(clip) == {"id", "film_id", "title", "description", "themes", "speakers", "duration_ms", "score",
                             "moments", "matched", "missing", "related", "url", "poster_url"}
        assert clip["url"] == f"{BASE}/clips/{clip['id']}"
        assert client.get(local(clip["poster_url"])).status_code == 200
        for moment in clip["moments"]:
            assert set(moment) == {"start_ms", "end_ms", "text", "html", "speaker", "related", "url"}
            assert moment["url"] == f"{BASE}/clips/{clip['id']}?t={moment['start_ms'] / 1000:g}"
    themed = client.get("/api/search?q=moeilijk&theme=rekrutering").json()
    assert [c["id"] for c in themed["clips"]] == ["derde"] and themed["theme"] == "rekrutering"
    typo = client.get("/api/search?q=vrijwiligers").json()
    assert typo["suggestion"] == "vrijwilligers" and typo["fuzzy"] is True


# --- the film page --------------------------------------------------------------------------


def test_film_page_has_chapters_and_json_ld_with_clip_parts(client: TestClient) -> None:
    response = client.get("/films/testfilm")
    page = parse(response.text)
    video = page.find("video")
    assert unversioned(video.find("source").attrs["src"]) == "/media/films/testfilm.mp4"
    tracks = [(t.attrs["kind"], t.attrs["srclang"], "default" in t.attrs, unversioned(t.attrs["src"]))
              for t in video.find_all("track")]
    assert tracks == [("captions", "nl", True, "/transcripts/films/testfilm.nl.vtt"),
                      ("subtitles", "en", False, "/transcripts/films/testfilm.en.vtt"),
                      ("chapters", "nl", False, "/transcripts/films/testfilm.chapters.vtt")]
    chapters = client.get("/transcripts/films/testfilm.chapters.vtt")
    assert chapters.headers["content-type"] == "text/vtt; charset=utf-8"
    assert "Eerste clip" in chapters.text and "Derde clip" in chapters.text
    data = json_ld(page)
    assert data["@type"] == "VideoObject" and data["name"] == "Testfilm"
    assert data["description"] == "Een film over buddywerking." and data["inLanguage"] == "nl"
    assert unversioned(data["contentUrl"]) == f"{BASE}/media/films/testfilm.mp4"
    assert client.get(local(data["thumbnailUrl"])).status_code == 200
    assert datetime.datetime.fromisoformat(data["uploadDate"]).tzinfo is not None
    assert data["duration"] == "PT12S"
    assert data["hasPart"] == [
        {"@type": "Clip", "name": "Eerste clip", "startOffset": 0.8, "endOffset": 3.2, "url": f"{BASE}/clips/eerste"},
        {"@type": "Clip", "name": TITLE, "startOffset": 3.8, "endOffset": 6.4, "url": f"{BASE}/clips/tweede"},
        {"@type": "Clip", "name": "Derde clip", "startOffset": 6.8, "endOffset": 11.2, "url": f"{BASE}/clips/derde"},
    ]
    chapter_links = [a.attrs["href"] for a in page.find("section", class_="chapters").find_all("a", class_="chapter")]
    assert chapter_links == ["?t=0.8", "?t=3.8", "?t=6.8"]
    assert parse(client.get("/films/testfilm?t=3.8").text).find("video").attrs["data-start"] == "3.8"


# --- the embed page -------------------------------------------------------------------------


def test_embed_page_is_a_bare_player_with_captions_on(client: TestClient) -> None:
    response = client.get("/embed/tweede")
    assert_security_headers(response, embeddable=True)
    page = parse(response.text)
    assert not page.find_all("header") and not page.find_all("footer") and not page.find_all("nav")
    video = page.find("video")
    assert unversioned(video.find("source").attrs["src"]) == "/media/clips/tweede.mp4"
    assert video.attrs["data-start"] == "0" and "data-end" not in video.attrs
    tracks = [("default" in t.attrs, t.attrs["srclang"]) for t in video.find_all("track")]
    assert tracks == [(True, "nl"), (False, "en")]
    assert [s.attrs["src"] for s in page.find_all("script")] == ["/static/media-source.js", "/static/audio-description.js",
                                                                 "/static/player.js"]


@pytest.mark.parametrize("off", ["0", "false", "nee", "off"])
def test_embed_captions_off_removes_default(client: TestClient, off: str) -> None:
    response = client.get("/embed/tweede", params={"captions": off})
    assert response.context["captions"] is False  # type: ignore[attr-defined]
    tracks = parse(response.text).find("video").find_all("track")
    assert len(tracks) == 2 and not any("default" in t.attrs for t in tracks)


@pytest.mark.parametrize(("query", "fragment", "start", "end"), [
    ("start=0.5&end=2", "#t=0.5,2", "0.5", "2.0"),
    ("start=1", "#t=1", "1.0", None),
    ("end=2", "#t=0,2", "0", "2.0"),
    ("start=2&end=1", "#t=2", "2.0", None),  # an end before the start is dropped
    ("start=abc&end=-1", "", "0", None),
])
def test_embed_start_and_end_give_a_media_fragment_and_data_end(client: TestClient, query: str, fragment: str,
                                                                 start: str, end: str | None) -> None:
    video = parse(client.get(f"/embed/tweede?{query}").text).find("video")
    assert unversioned(video.find("source").attrs["src"]) == f"/media/clips/tweede.mp4{fragment}"
    assert video.attrs["data-start"] == start
    assert video.attrs.get("data-end") == end


# --- oEmbed ---------------------------------------------------------------------------------


def test_oembed_describes_a_clip_as_video(client: TestClient) -> None:
    response = client.get("/oembed", params={"url": f"{BASE}/clips/tweede", "format": "json"})
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    assert data["version"] == "1.0" and data["type"] == "video"
    assert data["title"] == TITLE and data["provider_name"] == "Van buddy tot community"
    assert data["provider_url"] == f"{BASE}/"
    assert (data["width"], data["height"]) == (640, 480)  # the gray film is 4:3
    iframe = parse(data["html"]).find("iframe")
    assert iframe.attrs["src"] == f"{BASE}/embed/tweede"
    assert (iframe.attrs["width"], iframe.attrs["height"]) == ("640", "480")
    assert iframe.attrs["title"] == TITLE
    assert "<grens>" not in data["html"]
    assert client.get(local(data["thumbnail_url"])).headers["content-type"] == "image/jpeg"
    assert (data["thumbnail_width"], data["thumbnail_height"]) == (320, 240)  # the poster's own size


@pytest.mark.parametrize(("params", "size"), [
    ({"maxwidth": "320"}, (320, 240)),
    ({"maxheight": "90"}, (120, 90)),
    ({"maxwidth": "320", "maxheight": "100"}, (133, 100)),
    ({"maxwidth": "2000", "maxheight": "2000"}, (640, 480)),  # never larger than the player
    ({"maxwidth": "abc", "maxheight": "-3"}, (640, 480)),
])
def test_oembed_honours_maxwidth_and_maxheight(client: TestClient, params: dict[str, str],
                                               size: tuple[int, int]) -> None:
    data = client.get("/oembed", params={"url": f"{BASE}/clips/tweede", **params}).json()
    assert (data["width"], data["height"]) == size
    iframe = parse(data["html"]).find("iframe")
    assert (int(iframe.attrs["width"]), int(iframe.attrs["height"])) == size


def test_oembed_accepts_the_embed_url_too(client: TestClient) -> None:
    assert client.get("/oembed", params={"url": f"{BASE}/embed/eerste?start=1"}).json()["title"] == "Eerste clip"


@pytest.mark.parametrize("url", ["", f"{BASE}/clips/bestaat-niet", "http://elders.example/clips/tweede",
                                 f"{BASE}/films/testfilm", "javascript:alert(1)", f"{BASE}/clips/../clips/tweede"])
def test_oembed_unknown_url_is_404(client: TestClient, url: str) -> None:
    response = client.get("/oembed", params={"url": url})
    assert response.status_code == 404 and "error" in response.json()


def test_oembed_xml_is_not_implemented(client: TestClient) -> None:
    response = client.get("/oembed", params={"url": f"{BASE}/clips/tweede", "format": "xml"})
    assert response.status_code == 501


# --- the JSON API ---------------------------------------------------------------------------


def test_api_themes(client: TestClient) -> None:
    themes = client.get("/api/themes").json()
    assert [(t["id"], t["title"], t["clip_count"]) for t in themes] == [
        ("rekrutering", "Rekrutering", 2), ("omgaan-met-grenzen", "Omgaan met grenzen", 2)]
    for theme in themes:
        assert set(theme) == {"id", "title", "description", "introduction", "clip_count", "url"}
        assert client.get(local(theme["url"])).status_code == 200


CLIP_FIELDS = {"id", "title", "description", "film", "themes", "speakers", "start_ms", "end_ms", "duration_ms",
               "url", "embed_url", "video_url", "hls_url", "poster_url", "subtitles", "learning_goal", "questions",
               "audience", "audio_description"}


def test_api_clips_have_stable_fields_and_absolute_urls_that_work(client: TestClient) -> None:
    response = client.get("/api/clips")
    assert response.headers["content-type"] == "application/json"
    clips = response.json()
    assert [c["id"] for c in clips] == ["eerste", "tweede", "derde"]
    for clip in clips:
        assert set(clip) == CLIP_FIELDS
        assert client.get(f"/api/clips/{clip['id']}").json() == clip
        for key in ("url", "embed_url", "video_url", "hls_url", "poster_url"):
            assert client.get(local(clip[key])).status_code == 200
        assert [s["lang"] for s in clip["subtitles"]] == ["nl", "en"]
        for sub in clip["subtitles"]:
            assert set(sub) == {"lang", "label", "url", "machine_made", "reviewed", "made_by"}
            assert (sub["machine_made"], sub["reviewed"], sub["made_by"]) == (False, True, None)  # a person's
            assert client.get(local(sub["url"])).headers["content-type"] == "text/vtt; charset=utf-8"
    tweede = clips[1]
    assert tweede["title"] == TITLE and tweede["film"] == "testfilm"
    assert (tweede["start_ms"], tweede["end_ms"], tweede["duration_ms"]) == (3800, 6400, 2600)
    assert tweede["themes"] == [{"id": "omgaan-met-grenzen", "title": "Omgaan met grenzen"}]
    assert clips[0]["speakers"] == ["Sara"]


def test_api_clips_filter_by_theme(client: TestClient) -> None:
    assert [c["id"] for c in client.get("/api/clips?theme=rekrutering").json()] == ["eerste", "derde"]
    assert client.get("/api/clips?theme=bestaat-niet").json() == []


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "clips": 3}


# --- media, transcripts, static -------------------------------------------------------------


@pytest.mark.parametrize(("url", "kind"), [
    ("/media/clips/eerste.mp4", "video/mp4"), ("/media/clips/eerste.jpg", "image/jpeg"),
    ("/media/films/testfilm.mp4", "video/mp4"), ("/media/films/testfilm.jpg", "image/jpeg"),
    ("/transcripts/clips/eerste.nl.vtt", "text/vtt; charset=utf-8"),
    ("/transcripts/films/testfilm.chapters.vtt", "text/vtt; charset=utf-8"),
    ("/static/app.css", "text/css; charset=utf-8"), ("/static/app.js", None), ("/static/player.js", None),
])
def test_files_have_type_and_caching_headers(client: TestClient, url: str, kind: str | None) -> None:
    response = client.get(url)
    assert response.status_code == 200
    if kind:
        assert response.headers["content-type"] == kind
    else:
        assert "javascript" in response.headers["content-type"]
    assert response.headers["etag"] and response.headers["last-modified"]
    assert response.headers["cache-control"].startswith("public")
    assert_security_headers(response)
    if url.endswith(".vtt"):
        assert response.headers["access-control-allow-origin"] == "*"
    else:
        assert "access-control-allow-origin" not in response.headers
    again = client.get(url, headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304 and not again.content
    since = client.get(url, headers={"if-modified-since": response.headers["last-modified"]})
    assert since.status_code == 304


def test_video_range_requests_give_206_with_the_right_bytes(site: Site, client: TestClient) -> None:
    data = (site.settings.clips_dir / "tweede.mp4").read_bytes()
    size = len(data)
    whole = client.get("/media/clips/tweede.mp4")
    assert whole.headers["accept-ranges"] == "bytes" and whole.content == data
    for header, first, last in (("bytes=0-99", 0, 99), ("bytes=100-", 100, size - 1),
                                ("bytes=-50", size - 50, size - 1), (f"bytes=10-{size + 1000}", 10, size - 1)):
        part = client.get("/media/clips/tweede.mp4", headers={"range": header})
        assert part.status_code == 206, header
        assert part.headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert part.headers["content-type"] == "video/mp4"
        assert part.content == data[first:last + 1]
    head = client.head("/media/clips/tweede.mp4")
    assert head.status_code == 200 and head.headers["content-length"] == str(size) and not head.content


@pytest.mark.parametrize("header", ["bytes={size}-", "bytes={size}-{size}0"])
def test_unsatisfiable_range_gives_416(site: Site, client: TestClient, header: str) -> None:
    size = (site.settings.clips_dir / "tweede.mp4").stat().st_size
    response = client.get("/media/clips/tweede.mp4", headers={"range": header.format(size=size)})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"


# --- traversal ------------------------------------------------------------------------------

LEAKS = (SECRET, "[film]", "WEBVTT", "{%", "[project]")


def traversal_paths(secret: Path) -> list[str]:
    absolute = str(secret.resolve())
    return [
        "/media/clips/%2e%2e/film.toml",
        "/media/clips/..%2f..%2fgeheim.txt",
        "/media/clips/%2e%2e%2f%2e%2e%2fgeheim.txt",
        "/media/clips/..%5c..%5cgeheim.txt",
        "/media/films/..%2f..%2fgeheim.txt",
        "/transcripts/clips/..%2ffilm.nl.vtt",
        "/transcripts/films/..%2f..%2fgeheim.txt",
        "/static/..%2fbase.html",
        "/static/..%2f..%2fpyproject.toml",
        "/media/clips/" + quote(absolute, safe=""),
        "/media/clips/" + absolute,
        "/media/clips/lek.mp4",            # a symlink to the secret
        "/transcripts/clips/lek.nl.vtt",   # likewise
        "/media/clips/buiten/geheim.txt",  # a symlinked folder that leads outside
        "/media/clips/buiten/media/film.toml",
        "/clips/..%2f..%2fgeheim.txt/transcript.txt",
        "/api/clips/..%2f..%2fgeheim.txt",
    ]


def test_traversal_attempts_are_404_and_serve_nothing_from_outside(site: Site, client: TestClient) -> None:
    for path in traversal_paths(site.secret):
        response = client.get(path)
        assert response.status_code == 404, path
        for leak in LEAKS:
            assert leak not in response.text, path


@pytest.mark.parametrize("path", ["/media/clips/../film.toml", "/media/clips/../../geheim.txt",
                                  "/media/films/../../geheim.txt", "/transcripts/clips/../film.nl.vtt",
                                  "/transcripts/clips/../../geheim.txt", "/static/../base.html",
                                  "/static/../../pyproject.toml", "/media/clips/./../../geheim.txt",
                                  "/media/clips/buiten/../../../geheim.txt"])
def test_raw_dot_dot_paths_are_404_and_serve_nothing_from_outside(site: Site, path: str) -> None:
    reply = asgi_request(site.app, path.encode(), [])  # `..` and all, as a careless proxy might pass it
    status, body = reply.status, reply.body
    assert status == 404
    for leak in LEAKS:
        assert leak.encode() not in body


def test_the_raw_request_helper_does_serve_files_inside(site: Site) -> None:
    """The traversal test above means something: the same helper gets a real file."""
    reply = asgi_request(site.app, b"/transcripts/clips/eerste.nl.vtt", [])
    assert reply.status == 200 and reply.body.startswith(b"WEBVTT")


# --- helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(("ms", "text"), [(0, "PT0S"), (2600, "PT2.6S"), (60_000, "PT1M"), (83_400, "PT1M23.4S"),
                                          (3_600_000, "PT1H"), (3_723_004, "PT1H2M3.004S"), (1, "PT0.001S")])
def test_duration_iso(ms: int, text: str) -> None:
    assert duration_iso(ms) == text


def test_symlinks_are_really_there(site: Site) -> None:
    """The symlink traversal cases test what they claim to."""
    assert os.path.islink(site.settings.clips_dir / "lek.mp4")
    assert (site.settings.clips_dir / "buiten" / "geheim.txt").read_text(encoding="utf-8") == SECRET
