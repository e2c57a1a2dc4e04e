"""`catalogue publish DIR` and the media URLs it serves (catalogue.web.publish, .delivery, .origin): the
folder holds exactly what the pages name, under names that change when (and only when) the content
does; the app serves those names cached forever; `serve` refuses a media origin without CORS."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from catalogue.cutlist import check_cutlists
from catalogue.cutting import build, plan_cut
from catalogue.errors import CatalogueError
from catalogue.media import probe_cached
from catalogue.settings import PROJECT_DIR, Settings
from catalogue.web import create_app, publish_catalogue
from catalogue.web.delivery import Published
from catalogue.web.origin import check_origin
from conftest import write_vtt
from servers import free_port

VERSIONED = re.compile(r"^(media|transcripts)/(.+\.[0-9a-f]{16}\.[a-z0-9]+|hls/(clips|films)/[a-z0-9-]+\.[0-9a-f]{16}/"
                       r"[a-z0-9]+\.(m3u8|mp4))$")


def cut(settings: Settings) -> None:
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    jobs, _ = plan_cut(settings, report.catalogue(), report)
    assert not build(settings, jobs).failed


@pytest.fixture
def site(small_catalogue: Callable[..., Path], settings: Settings) -> Settings:
    small_catalogue()
    cut(settings)
    return settings


def page_media(settings: Settings, path: str) -> list[str]:
    """The media URLs a page names (src, href, poster, data-hls, data-mp4), in order."""
    html = TestClient(create_app(settings)).get(path).text
    return [url for url in re.findall(r'(?:src|href|poster|data-hls|data-mp4)="([^"#]+)', html)
            if url.startswith(("/media/", "/transcripts/"))]


def test_publish_writes_exactly_what_the_pages_name_under_versioned_names(site: Settings, tmp_path: Path) -> None:
    dest = tmp_path / "published"
    report = publish_catalogue(site, dest)
    manifest = json.loads((dest / "manifest.json").read_text("utf-8"))["files"]
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == sorted([*manifest, "manifest.json"])
    assert report.written == len(manifest) and report.kept == 0
    for name, entry in manifest.items():
        assert VERSIONED.match(name), name
        assert (dest / name).read_bytes() == (site.root / entry["source"]).read_bytes()
        assert entry["cache_control"] == "public, max-age=31536000, immutable"
    assert manifest[next(n for n in manifest if n.endswith(".vtt"))]["content_type"] == "text/vtt; charset=utf-8"
    assert manifest[next(n for n in manifest if n.endswith(".m3u8"))]["content_type"] == "application/vnd.apple.mpegurl"
    # every clip's and the film's video, poster, captions and whole ladder
    assert {entry["source"] for entry in manifest.values()} >= {
        "media/clips/eerste.mp4", "media/clips/eerste.jpg", "transcripts/clips/eerste.nl.vtt",
        "media/hls/clips/eerste/master.m3u8", "media/hls/clips/eerste/234p.m3u8", "media/hls/clips/eerste/234p.mp4",
        "media/films/testfilm.mp4", "transcripts/films/testfilm.chapters.vtt", "media/hls/films/testfilm/234p.mp4"}
    named = page_media(site, "/clips/eerste") + page_media(site, "/films/testfilm") + page_media(site, "/")
    assert named and all(url.lstrip("/") in manifest for url in named), named
    ladder = next(url for url in named if url.endswith("master.m3u8")).lstrip("/")
    for line in (dest / ladder).read_text("utf-8").splitlines():  # the playlists' relative names are there too
        if line and not line.startswith("#"):
            assert (dest / ladder).parent.joinpath(line).is_file()


def test_a_changed_file_gets_a_new_name_and_only_it_is_written_again(site: Settings, tmp_path: Path) -> None:
    dest = tmp_path / "published"
    publish_catalogue(site, dest)
    before = json.loads((dest / "manifest.json").read_text("utf-8"))["files"]
    write_vtt(site.transcripts_dir / "film.nl.vtt", [("00:00:01.000", "00:00:03.000", "Een maatje en een nieuwkomer"),
                                                     ("00:00:04.000", "00:00:06.000", "Grenzen trekken is moeilijk")])
    cut(site)
    report = publish_catalogue(site, dest)
    after = json.loads((dest / "manifest.json").read_text("utf-8"))["files"]
    changed = sorted(set(after) - set(before))
    assert changed and all(name.endswith(".vtt") for name in changed), changed  # only the subtitles' names
    assert [n for n in set(before) - set(after) if not n.endswith(".vtt")] == []
    assert report.written == len(changed) and sorted(report.removed) == sorted(set(before) - set(after))
    assert not any((dest / name).exists() for name in set(before) - set(after))  # no stale file left in DIR
    assert publish_catalogue(site, dest).written == 0  # a rerun writes nothing


def test_publish_refuses_a_folder_it_did_not_write(site: Settings, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "notes.txt").write_text("mine")
    with pytest.raises(CatalogueError, match="not empty and holds no manifest.json"):
        publish_catalogue(site, tmp_path / "elsewhere")
    assert (tmp_path / "elsewhere" / "notes.txt").read_text() == "mine"


def test_the_app_serves_versioned_names_forever_and_refuses_a_stale_hash(site: Settings) -> None:
    client = TestClient(create_app(site))
    url = next(u for u in page_media(site, "/clips/eerste") if u.endswith(".mp4"))
    response = client.get(url, headers={"Range": "bytes=0-9"})
    assert response.status_code == 206 and response.content == site.clip_video("eerste").read_bytes()[:10]
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["access-control-allow-origin"] == "*"
    stale = re.sub(r"\.[0-9a-f]{16}\.", ".0123456789abcdef.", url)
    assert client.get(stale).status_code == 404
    plain = client.get("/media/clips/eerste.mp4")
    assert plain.status_code == 200 and plain.headers["cache-control"] == "public, max-age=300"  # as before


def test_every_media_url_points_at_the_media_origin(site: Settings) -> None:
    remote = Settings(site.root, media_url="https://media.example.org/catalogue")
    client = TestClient(create_app(remote))
    html = client.get("/clips/eerste").text
    media = re.findall(r'(?:src|poster|data-hls|data-mp4)="([^"]+)"', html)
    assert [u for u in media if "/media/" in u or "/transcripts/" in u]
    assert all(u.startswith("https://media.example.org/catalogue/") for u in media if "/media/" in u or "/transcripts/" in u)
    assert 'crossorigin="anonymous"' in html
    csp = client.get("/clips/eerste").headers["content-security-policy"]
    assert "media-src 'self' blob: https://media.example.org;" in csp and "connect-src 'self' https://media.example.org;" in csp
    data = client.get("/api/clips/eerste").json()
    assert data["video_url"].startswith("https://media.example.org/catalogue/media/clips/eerste.")
    assert data["hls_url"].startswith("https://media.example.org/catalogue/media/hls/clips/eerste.")


def test_the_origin_check_names_what_is_missing_and_what_lacks_cors() -> None:
    expected = [Published("media/clips/a.0123456789abcdef.mp4", Path("a.mp4")),
                Published("transcripts/clips/a.nl.0123456789abcdef.vtt", Path("a.nl.vtt"))]
    manifest = json.dumps({"files": {"media/clips/a.0123456789abcdef.mp4": {}}}).encode()

    def origin(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        cors = {} if url.endswith(".mp4") else {"access-control-allow-origin": "*"}
        return (200, cors, manifest) if url.endswith("manifest.json") else (206, cors, b"")

    problems = check_origin("https://m.example", "https://site.example", expected, origin)
    assert any("lacks 1 of this catalogue's 2 files (e.g. transcripts/clips/a.nl.0123456789abcdef.vtt)" in p
               for p in problems)
    assert any("no Access-Control-Allow-Origin" in p and "a.0123456789abcdef.mp4" in p and "black" in p
               for p in problems)
    assert check_origin("https://m.example", "https://site.example", expected[:1],
                        lambda url, headers: (200, {"access-control-allow-origin": "*"}, manifest)) == []


def test_serve_refuses_a_media_origin_without_cors(site: Settings, tmp_path: Path) -> None:
    publish_catalogue(site, tmp_path / "published")
    port = free_port()
    plain = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                              "--directory", str(tmp_path / "published")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from servers import wait_for

        wait_for(f"http://127.0.0.1:{port}/manifest.json")
        done = subprocess.run([sys.executable, "-m", "catalogue", "--root", str(site.root), "serve", "--port",
                               str(free_port()), "--media-url", f"http://127.0.0.1:{port}"],
                              capture_output=True, text=True, timeout=60, cwd=PROJECT_DIR)
    finally:
        plain.terminate()
        plain.wait(timeout=10)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "is not ready for this site" in done.stderr
    assert "no Access-Control-Allow-Origin" in done.stderr and "stay black" in done.stderr
