"""The deployment example (deploy/nginx.conf) in front of a real `catalogue serve`, both on 127.0.0.1.

One small catalogue per module (the gray test film, Dutch subtitles, two clips), cut and indexed
in-process; the app runs as `python -m catalogue serve`, nginx with the substituted config in the
foreground (`-g 'daemon off;'`) with its prefix under tmp. The tests go through nginx: pages and the
API are proxied, clips, posters, subtitles and page assets come from disk with the app's headers, and
nothing else under media/ or transcripts/ (source film, cut list, source subtitles, links) is served.
Skips when nginx is not installed.
"""

from __future__ import annotations

import http.client
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from catalogue.settings import PROJECT_DIR
from catalogue.web.app import security_headers
from servers import free_port, healthy, stop
from sites import build_site

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                       if os.access(p, os.X_OK)), None)
CONF = PROJECT_DIR / "deploy" / "nginx.conf"

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx-light); "
                                                      "it runs the deployment example deploy/nginx.conf")

STARTUP_S = 30  # every wait for a process is bounded by this

CUTLIST = '''
    [film]
    id = "testfilm"
    title = "Testfilm"
    video = "film.mp4"
    language = "nl"

    [film.subtitles]
    nl = "../transcripts/film.nl.vtt"

    [[theme]]
    id = "rekrutering"
    title = "Rekrutering"

    [[clip]]
    id = "eerste"
    title = "Eerste clip"
    themes = ["rekrutering"]
    start = "00:00:00.800"
    end = "00:00:03.200"

    [[clip]]
    id = "tweede"
    title = "Tweede clip"
    themes = ["rekrutering"]
    start = "00:00:03.800"
    end = "00:00:06.400"
'''

CUES = [
    ("00:00:01.000", "00:00:03.000", "<v Sara>Een buddy en een nieuwkomer"),
    ("00:00:04.000", "00:00:06.000", "Grenzen trekken is moeilijk"),
]

SECRET = b"never served"  # in every file outside the served folders that a link points at


@dataclass(frozen=True)
class Site:
    base: str  # nginx
    app: str  # the app itself, to compare headers with
    root: Path
    prefix: Path


def _wait(url: str, processes: dict[str, tuple[subprocess.Popen[bytes], Path]]) -> None:
    deadline = time.monotonic() + STARTUP_S
    while not healthy(url):
        if time.monotonic() > deadline or any(p.poll() is not None for p, _ in processes.values()):
            logs = "\n".join(f"--- {name} (exit code {p.poll()}):\n{log.read_text(errors='replace')}"
                             for name, (p, log) in processes.items() if log.exists())
            pytest.fail(f"{url} did not answer within {STARTUP_S} s:\n{logs}")
        time.sleep(0.1)


def render_conf(root: Path, listen: str, app: str) -> str:
    """deploy/nginx.conf with its placeholders filled in, as deploy/README.md does with sed."""
    text = CONF.read_text(encoding="utf-8")
    for placeholder, value in {"@ROOT@": str(root), "@STATIC@": str(PROJECT_DIR / "templates" / "static"),
                               "@LISTEN@": listen, "@APP@": app, "@PUBLISH@": str(root / "published")}.items():
        text = text.replace(placeholder, value)
    return text


@pytest.fixture(scope="module")
def catalogue_root(tmp_path_factory: pytest.TempPathFactory, gray_film: Path) -> Path:
    root = tmp_path_factory.mktemp("nginx-site")
    build_site(root, gray_film, CUTLIST, {"film.nl.vtt": CUES})
    # links in the served folders that point out of them: neither the app nor nginx follows them
    secret = root / "secret.txt"
    secret.write_bytes(SECRET)
    (root / "media" / "clips" / "link.mp4").symlink_to(secret)
    (root / "media" / "clips" / "film-link.mp4").symlink_to(root / "media" / "film.mp4")
    (root / "transcripts" / "clips" / "link.nl.vtt").symlink_to(secret)
    return root


@pytest.fixture(scope="module")
def site(catalogue_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    assert NGINX is not None
    app_port, nginx_port = free_port(), free_port()
    app = f"127.0.0.1:{app_port}"
    prefix = tmp_path_factory.mktemp("nginx-prefix")
    (prefix / "logs").mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(render_conf(catalogue_root, f"127.0.0.1:{nginx_port}", app), encoding="utf-8")
    # as root, nginx's workers would run as `nobody`, who cannot read pytest's 0700 tmp folders
    directives = "daemon off;" + (f" user {pwd.getpwuid(0).pw_name};" if os.geteuid() == 0 else "")
    processes: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
    try:
        app_log = catalogue_root / "serve.log"
        with open(app_log, "wb") as log:
            processes["catalogue serve"] = (subprocess.Popen(
                [sys.executable, "-m", "catalogue", "--root", str(catalogue_root), "serve",
                 "--host", "127.0.0.1", "--port", str(app_port), "--workers", "2"],  # as deploy/README.md
                cwd=PROJECT_DIR, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"}), app_log)
        nginx_log = prefix / "nginx.out"
        with open(nginx_log, "wb") as log:
            processes["nginx"] = (subprocess.Popen(
                [NGINX, "-p", str(prefix), "-c", str(conf), "-e", "logs/error.log", "-g", directives],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT), prefix / "logs" / "error.log")
        _wait(f"http://{app}/healthz", processes)
        _wait(f"http://127.0.0.1:{nginx_port}/healthz", processes)
        yield Site(f"http://127.0.0.1:{nginx_port}", f"http://{app}", catalogue_root, prefix)
    finally:
        for process, _ in reversed(processes.values()):
            stop(process)


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=site.base, timeout=10) as http:
        yield http


def raw_get(site: Site, path: str) -> tuple[int, bytes]:
    """GET with the path sent exactly as written (an HTTP client would normalise `..` away)."""
    host, port = site.base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def assert_security_headers(response: httpx2.Response, path: str) -> None:
    """Exactly the app's security headers, each once (nginx adds none to what the app sent)."""
    expected = security_headers(path)
    for name, value in expected.items():
        assert response.headers.get_list(name) == [value], (path, name, response.headers.get_list(name))
    if "x-frame-options" not in expected:
        assert "x-frame-options" not in response.headers, path


# --- proxied to the app ----------------------------------------------------------------------------

def test_pages_and_api_are_proxied_with_the_apps_headers(client: httpx2.Client, site: Site) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert home.headers["content-type"].startswith("text/html")
    assert "Rekrutering" in home.text
    assert_security_headers(home, "/")
    assert "server" not in home.headers or "uvicorn" not in home.headers["server"]

    clip = client.get("/clips/eerste")
    assert clip.status_code == 200 and "Eerste clip" in clip.text
    assert re.search(r'"/media/clips/eerste\.[0-9a-f]{16}\.mp4"', clip.text)  # versioned (catalogue.web.delivery)
    assert_security_headers(clip, "/clips/eerste")

    embed = client.get("/embed/eerste")
    assert embed.status_code == 200
    assert_security_headers(embed, "/embed/eerste")  # frame-ancestors *, no X-Frame-Options

    missing = client.get("/clips/bestaat-niet")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]


def test_search_api_builds_urls_on_the_public_host(client: httpx2.Client, site: Site) -> None:
    response = client.get("/api/search", params={"q": "grenzen"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert [clip["id"] for clip in data["clips"]] == ["tweede"]
    # the app sees nginx's Host (with its port), so its absolute URLs point through nginx
    assert data["clips"][0]["url"] == f"{site.base}/clips/tweede"


def test_proxying_logs_no_errors(client: httpx2.Client, site: Site) -> None:
    for _ in range(5):  # over HTTP/1.1 keepalive connections to the app
        assert client.get("/healthz").status_code == 200
    error_log = (site.prefix / "logs" / "error.log").read_text(errors="replace")
    assert "[error]" not in error_log and "[crit]" not in error_log and "[alert]" not in error_log, error_log


# --- from disk ---------------------------------------------------------------------------------------

def test_clip_full_and_ranges(client: httpx2.Client, site: Site) -> None:
    data = (site.root / "media" / "clips" / "eerste.mp4").read_bytes()
    size = len(data)
    assert size > 1000

    full = client.get("/media/clips/eerste.mp4")
    assert full.status_code == 200
    assert full.content == data
    assert full.headers["content-type"] == "video/mp4"
    assert full.headers["accept-ranges"] == "bytes"
    assert "server" in full.headers and full.headers["server"] == "nginx"  # really from nginx, not the app

    head = client.get("/media/clips/eerste.mp4", headers={"Range": "bytes=0-99"})
    assert head.status_code == 206
    assert head.content == data[:100]
    assert head.headers["content-range"] == f"bytes 0-99/{size}"
    assert head.headers["content-length"] == "100"

    middle = client.get("/media/clips/eerste.mp4", headers={"Range": f"bytes=500-{size + 1000}"})
    assert middle.status_code == 206
    assert middle.content == data[500:]
    assert middle.headers["content-range"] == f"bytes 500-{size - 1}/{size}"

    tail = client.get("/media/clips/eerste.mp4", headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.content == data[-100:]

    beyond = client.get("/media/clips/eerste.mp4", headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"

    poster = client.get("/media/clips/eerste.jpg")
    assert poster.status_code == 200 and poster.headers["content-type"] == "image/jpeg"
    assert poster.content == (site.root / "media" / "clips" / "eerste.jpg").read_bytes()

    film = client.get("/media/films/testfilm.mp4", headers={"Range": "bytes=0-9"})
    assert film.status_code == 206
    assert film.content == (site.root / "media" / "films" / "testfilm.mp4").read_bytes()[:10]


def test_vtt_is_text_vtt_with_cors(client: httpx2.Client, site: Site) -> None:
    for path in ("/transcripts/clips/eerste.nl.vtt", "/transcripts/films/testfilm.chapters.vtt",
                 "/transcripts/films/testfilm.nl.vtt"):
        response = client.get(path, headers={"Origin": "https://lms.example"})
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "text/vtt; charset=utf-8", path
        assert response.headers["access-control-allow-origin"] == "*", path
        assert response.content == (site.root / path.lstrip("/")).read_bytes(), path
        assert response.text.startswith("WEBVTT")
    # CORS only where the app sends it: on subtitles, not on videos
    assert "access-control-allow-origin" not in client.get("/media/clips/eerste.mp4",
                                                           headers={"Range": "bytes=0-0"}).headers


def test_caching_headers_and_conditional_requests(client: httpx2.Client) -> None:
    for path in ("/media/clips/eerste.mp4", "/transcripts/clips/eerste.nl.vtt", "/static/app.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "public, max-age=300", path
        etag, modified = response.headers["etag"], response.headers["last-modified"]
        assert etag and modified
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"", path
        assert again.headers["etag"] == etag
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304, path
        assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200, path


def test_static_files_have_the_same_headers_as_from_the_app(client: httpx2.Client, site: Site) -> None:
    """What a browser relies on matches `catalogue serve` alone, file by file."""
    compared = ("content-type", "cache-control", "access-control-allow-origin", "content-security-policy",
                "x-content-type-options", "referrer-policy", "x-frame-options", "accept-ranges")
    with httpx2.Client(base_url=site.app, timeout=10) as app:
        for path in ("/media/clips/eerste.mp4", "/media/clips/eerste.jpg", "/media/films/testfilm.mp4",
                     "/transcripts/clips/eerste.nl.vtt", "/transcripts/films/testfilm.chapters.vtt",
                     "/static/app.css"):
            direct, proxied = app.get(path), client.get(path)
            assert proxied.status_code == direct.status_code == 200, path
            assert proxied.content == direct.content, path
            for name in compared:
                assert proxied.headers.get_list(name) == direct.headers.get_list(name), (path, name)
        for path in ("/static/app.js", "/static/player.js", "/static/embed.css"):
            proxied = client.get(path)
            assert proxied.status_code == 200, path
            assert proxied.content == (PROJECT_DIR / "templates" / path.lstrip("/")).read_bytes()
            assert_security_headers(proxied, path)


# --- never served --------------------------------------------------------------------------------------

NEVER_SERVED = [
    "/media/film.mp4",  # the source film
    "/media/film.toml",  # the cut list
    "/transcripts/film.nl.vtt",  # the source subtitles
    "/media/clips/../film.toml",
    "/media/clips/../film.mp4",
    "/media/clips/..%2ffilm.toml",
    "/media/clips/%2e%2e/film.toml",
    "/media/clips/%2E%2E%2Ffilm.mp4",
    "/media/clips/%252e%252e/film.toml",
    "/media/clips/..%5cfilm.toml",
    "/media/clips/..\\film.toml",
    "/media//film.toml",
    "/media/clips//../film.toml",
    "/transcripts/clips/../film.nl.vtt",
    "/transcripts/clips/../../media/film.toml",
    "/media/films/../../secret.txt",
    "/media/clips/../../../../../../etc/passwd",
    "/media/clips/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/../media/film.toml",
    "/static/..%2f..%2fpyproject.toml",
    "/.catalogue/",
    "/media/clips/link.mp4",  # links out of the folder
    "/media/clips/film-link.mp4",
    "/transcripts/clips/link.nl.vtt",
    "/media/clips/",  # no listings
    "/media/clips",
    "/media/",
    "/transcripts/clips/",
    "/static/",
]


@pytest.mark.parametrize("path", NEVER_SERVED)
def test_only_the_outputs_are_served(site: Site, path: str) -> None:
    status, body = raw_get(site, path)
    assert status in (400, 403, 404), (path, status, body[:200])
    film = (site.root / "media" / "film.mp4").read_bytes()
    assert len(body) < 20_000, (path, len(body))
    assert body != film[:len(body)] or not body
    for secret in (SECRET, b"[film]", b"[[clip]]", b"root:", b"[project]", b"Grenzen trekken is moeilijk"):
        assert secret not in body, (path, secret)


def test_refusals_look_like_the_apps(client: httpx2.Client) -> None:
    """A missing file, a link or a folder: a plain 404 with the security headers, as from the app."""
    for path in ("/media/clips/bestaat-niet.mp4", "/media/clips/link.mp4", "/media/clips/", "/media/film.toml",
                 "/transcripts/clips/link.nl.vtt", "/static/nope.css"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/plain"), path
        assert response.text == "Niet gevonden", path
        assert "cache-control" not in response.headers, path
        assert_security_headers(response, path)


# --- versioned media: from the published folder, else from the app -------------------------------------

def test_versioned_media_come_from_the_published_folder_or_else_the_app(client: httpx2.Client, site: Site) -> None:
    page = client.get("/clips/eerste").text
    names = re.findall(r'"(/(?:media|transcripts)/[^"#]*\.[0-9a-f]{16}[^"#]*)"', page)
    assert any(n.endswith(".mp4") for n in names) and any("master.m3u8" in n for n in names)
    for name in names:  # not published yet: nginx asks the app, which checks the hash
        response = client.get(name)
        assert response.status_code == 200, name
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable", name
        assert response.headers["access-control-allow-origin"] == "*", name
    stale = re.sub(r"\.[0-9a-f]{16}", ".0123456789abcdef", names[0], count=1)
    assert client.get(stale).status_code == 404

    from catalogue.settings import Settings
    from catalogue.web import publish_catalogue

    publish_catalogue(Settings(root=site.root), site.root / "published")
    mp4 = next(n for n in names if n.endswith(".mp4"))
    response = client.get(mp4, headers={"Range": "bytes=0-9"})
    assert response.status_code == 206 and response.content == (site.root / "published" / mp4.lstrip("/")).read_bytes()[:10]
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["access-control-allow-origin"] == "*"
    assert_security_headers(response, mp4)


def test_a_withdrawn_clips_files_answer_410_from_the_app(client: httpx2.Client, site: Site) -> None:
    """Issue 19: nginx serves the files itself, so it asks the marker of a withdrawn clip first."""
    import datetime

    from catalogue.cutlist import Tombstone, add_tombstones, sync_gone

    page = client.get("/clips/eerste").text
    versioned = re.findall(r'"(/(?:media|transcripts)/[^"#]*eerste[^"#]*\.[0-9a-f]{16}[^"#]*)"', page)
    assert versioned  # the names the pages use (catalogue.web.delivery), published or not
    state = site.root / ".catalogue"
    add_tombstones(state, [Tombstone("eerste", "testfilm", datetime.date(2026, 12, 6), "0" * 16)])
    sync_gone(state, ["eerste"])  # as `catalogue withdraw` leaves it
    try:
        for path in ("/media/clips/eerste.mp4", "/media/clips/eerste.jpg", "/transcripts/clips/eerste.nl.vtt",
                     "/clips/eerste", *versioned):
            response = client.get(path, headers={"Range": "bytes=0-9"})
            assert response.status_code == 410, path
            assert "verwijderd op vraag van een deelnemer" in response.text, path
        assert client.get("/media/clips/tweede.mp4", headers={"Range": "bytes=0-9"}).status_code == 206
    finally:
        shutil.rmtree(state / "consent")
