"""`catalogue pack`: the lesson pack's zip (layout, safe names, determinism, build record), its texts
(guide.pdf printed by the real Chromium, read back with pdftotext), the CLI's errors and the site's
download routes. One small site per module: a 12 s film, Dutch and English subtitles, two clips with
teaching metadata, a ready-made session; cut in-process."""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result
from starlette.testclient import TestClient

from catalogue.cli import cli
from catalogue.cutlist import Catalogue, check_cutlists
from catalogue.media.runner import ffmpeg_exe
from catalogue.lessons.pack import (CACHE_GRACE_S, PackError, check_name, plan_pack, prune_cache, resolve_target,
                            target_from_query)
from catalogue.lessons.pdf import find_chromium, normalise_pdf
from catalogue.media import probe_cached
from catalogue.lessons.sessions import session_query
from catalogue.settings import Settings
from catalogue.web import create_app
from catalogue.web.packs import build_cached
from web.sites import build_site

FILM_SECONDS = 12
QUESTIONS_EEN = ("Wat doet een buddy & waarom?", 'Wie zegt "grenzen" <hier> als eerste?')
QUESTIONS_TWEE = ("Wanneer zeg jij nee?", "Welke steun heb je nodig | van wie?")
DISCUSSION = ("Wat neem je mee naar je eigen werk?", "Wat zou jij anders doen?")

CUTLIST = f'''
    [film]
    id = "testfilm"
    title = "Testfilm"
    video = "film.mp4"
    language = "nl"

    [film.subtitles]
    nl = "../transcripts/film.nl.vtt"
    en = "../transcripts/film.en.vtt"

    [[theme]]
    id = "grenzen"
    title = "Grenzen"
    introduction = "Over nee zeggen."

    [[clip]]
    id = "een"
    title = "Een buddy vinden"
    themes = ["grenzen"]
    start = "00:00:00.500"
    end = "00:00:05.500"
    learning_goal = "Je weet wat een buddy doet."
    questions = {json.dumps(list(QUESTIONS_EEN))}
    audience = "vrijwilligers"

    [[clip]]
    id = "twee"
    title = "Grenzen stellen"
    themes = ["grenzen"]
    start = "00:00:06.000"
    end = "00:00:11.500"
    questions = {json.dumps(list(QUESTIONS_TWEE))}

    [[session]]
    id = "les"
    title = "Les over grenzen"
    description = "Twee clips en een gesprek."

    [[session.step]]
    clip = "een"

    [[session.step]]
    questions = {json.dumps(list(DISCUSSION))}
    minutes = 10
    title = "Gesprek"

    [[session.step]]
    clip = "twee"
    start = "00:00:01.000"
    end = "00:00:04.000"
'''
DUTCH = [("00:00:00.800", "00:00:04.500", "<v Sara>Hallo &amp; welkom bij de buddywerking"),
         ("00:00:06.200", "00:00:10.000", "Grenzen trekken is soms moeilijk")]
ENGLISH = [("00:00:00.800", "00:00:04.500", "<v Sara>Hello and welcome"),
           ("00:00:06.200", "00:00:10.000", "Setting boundaries is sometimes hard")]
EXPECTED = {"README.txt", "index.html", "guide.html", "guide.pdf", "assets/pack.css", "assets/presenter.css",
            "assets/session-player.js", *(f"clips/{c}.{ext}" for c in ("een", "twee") for ext in ("mp4", "jpg")),
            *(f"captions/{c}.{lang}.vtt" for c in ("een", "twee") for lang in ("nl", "en")),
            *(f"transcripts/{c}.{lang}.txt" for c in ("een", "twee") for lang in ("nl", "en"))}
needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="no Chromium on PATH to print guide.pdf")


def make_film(path: Path) -> Path:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=25:duration={FILM_SECONDS}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={FILM_SECONDS}",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25",
                    "-c:a", "aac", "-shortest", str(path)], check=True, timeout=120)
    return path


def make_site(root: Path, film_dir: Path) -> Settings:
    return build_site(root, make_film(film_dir / "film.mp4"), CUTLIST, {"film.nl.vtt": DUTCH, "film.en.vtt": ENGLISH})


def load(settings: Settings) -> Catalogue:
    return check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir)).catalogue()


def run(settings: Settings, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--root", str(settings.root), "pack", *args], env=env)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_site(tmp_path_factory.mktemp("site"), tmp_path_factory.mktemp("film"))


@pytest.fixture(scope="module")
def session_zip(site: Settings) -> Path:
    """`catalogue pack les`, once for the module (with guide.pdf when there is a Chromium)."""
    result = run(site, "les", *([] if find_chromium() else ["--no-pdf"]))
    assert result.exit_code == 0, result.output
    return site.media_dir / "packs" / "session-les.zip"


@pytest.fixture
def no_chromium_path(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A PATH with no Chromium on it (nothing else is needed: ffmpeg comes with imageio-ffmpeg)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    yield {"PATH": str(empty)}


def read_text(archive: zipfile.ZipFile, name: str) -> str:
    return archive.read(name).decode("utf-8")


def session_data(archive: zipfile.ZipFile) -> dict[str, object]:
    html = read_text(archive, "index.html")
    match = re.search(r'<script type="application/json" id="session-data">(.*?)</script>', html, re.S)
    assert match, "index.html has no session data"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


# --- the zip ------------------------------------------------------------------------------------------

@needs_chromium
def test_pack_holds_clips_captions_transcripts_guide_and_index(session_zip: Path) -> None:
    with zipfile.ZipFile(session_zip) as archive:
        assert set(archive.namelist()) == EXPECTED
        assert archive.testzip() is None
        assert archive.read("clips/een.mp4")[4:8] == b"ftyp"
        assert archive.read("guide.pdf").startswith(b"%PDF-")
        assert read_text(archive, "captions/twee.en.vtt").startswith("WEBVTT")


def test_pack_entries_are_plain_dated_and_not_executable(session_zip: Path) -> None:
    with zipfile.ZipFile(session_zip) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    for info in infos:
        check_name(info.filename)
        assert info.filename.isascii() and not info.filename.startswith("/") and ".." not in info.filename
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.external_attr >> 16 == 0o100644, info.filename  # a regular file, rw-r--r--, no symlink
        assert not info.is_dir()


def test_pack_unzips_inside_its_folder(session_zip: Path, tmp_path: Path) -> None:
    target = tmp_path / "unzipped"
    with zipfile.ZipFile(session_zip) as archive:
        archive.extractall(target)
    files = [p for p in target.rglob("*")]
    assert files and all(p.resolve().is_relative_to(target.resolve()) and not p.is_symlink() for p in files)
    assert {p.relative_to(target).as_posix() for p in files if p.is_file()} >= EXPECTED - {"guide.pdf"}


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "clips/../../x", "clips/é.mp4", "a\\b", "",
                                  ".hidden", "clips/", "c:/x", "clips//x"])
def test_check_name_refuses_what_could_escape_or_is_not_plain(name: str) -> None:
    with pytest.raises(PackError, match="unsafe name"):
        check_name(name)


@needs_chromium
def test_pack_is_byte_identical_when_made_again(site: Settings, session_zip: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.zip"  # outside the root: no build record, always written
    result = run(site, "les", "--out", str(again))
    assert result.exit_code == 0, result.output
    assert again.read_bytes() == session_zip.read_bytes()


@needs_chromium
def test_pack_is_byte_identical_from_a_copy_of_the_root(site: Settings, session_zip: Path, tmp_path: Path) -> None:
    """Another folder, other mtimes: nothing of where or when it was made is in the zip."""
    copy = Settings(tmp_path / "elsewhere" / "root")
    shutil.copytree(site.root, copy.root, ignore=shutil.ignore_patterns("packs", "build"))
    result = run(copy, "les")
    assert result.exit_code == 0 and "Wrote" in result.output, result.output
    assert (copy.media_dir / "packs" / "session-les.zip").read_bytes() == session_zip.read_bytes()


def test_pack_rerun_rewrites_nothing_until_an_input_changes(site: Settings, session_zip: Path) -> None:
    before = session_zip.stat().st_mtime_ns, session_zip.read_bytes()
    again = run(site, "les", *([] if find_chromium() else ["--no-pdf"]))
    assert again.exit_code == 0 and "is current" in again.output, again.output
    assert session_zip.stat().st_mtime_ns == before[0]
    caption = site.clip_vtt("een", "en")
    os.utime(caption, ns=(caption.stat().st_atime_ns, caption.stat().st_mtime_ns + 1_000_000_000))
    rebuilt = run(site, "les", *([] if find_chromium() else ["--no-pdf"]))
    assert rebuilt.exit_code == 0 and "Wrote media/packs/session-les.zip" in rebuilt.output, rebuilt.output
    assert session_zip.stat().st_mtime_ns != before[0]
    assert session_zip.read_bytes() == before[1]  # same content: same bytes


def test_pack_pdf_dates_are_fixed() -> None:
    pdf = b"<</CreationDate (D:20261202001902+00'00')\n/ModDate (D:20261202001903+00'00')>>"
    fixed = normalise_pdf(pdf)
    assert fixed == b"<</CreationDate (D:19800101000000+00'00')\n/ModDate (D:19800101000000+00'00')>>"
    assert len(fixed) == len(pdf)  # the xref offsets stay right


# --- what it says -------------------------------------------------------------------------------------

@needs_chromium
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_pack_guide_pdf_has_every_question_and_learning_goal(session_zip: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "guide.pdf"
    with zipfile.ZipFile(session_zip) as archive:
        pdf.write_bytes(archive.read("guide.pdf"))
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    for expected in (*QUESTIONS_EEN, *QUESTIONS_TWEE, *DISCUSSION, "Les over grenzen",
                     "Je weet wat een buddy doet.", "Een buddy vinden", "Notities", "Fragment 0:01–0:04",
                     "in de film “Testfilm” 0:07–0:10"):
        assert expected in text, f"{expected!r} not in the PDF's text: {text[:600]}"


def test_pack_index_carries_the_session_with_inline_cues(session_zip: Path) -> None:
    with zipfile.ZipFile(session_zip) as archive:
        data = session_data(archive)
        html = read_text(archive, "index.html")
        names = set(archive.namelist())
    steps = data["steps"]
    assert isinstance(steps, list) and [s["kind"] for s in steps] == ["clip", "discussion", "clip"]
    first, talk, ranged = steps
    assert first["src"] == "clips/een.mp4" and first["src"] in names and first["poster"] in names
    assert first["questions"] == list(QUESTIONS_EEN) and first["learning_goal"] == "Je weet wat een buddy doet."
    assert [t["lang"] for t in first["tracks"]] == ["nl", "en"] and first["tracks"][0]["default"] is True
    assert all("src" not in t for t in first["tracks"])  # over file:// only cues inside the page work
    assert first["tracks"][0]["cues"][0][2] == "<v Sara>Hallo &amp; welkom bij de buddywerking"
    assert talk == {"kind": "discussion", "title": "Gesprek", "questions": list(DISCUSSION), "minutes": 10}
    assert (ranged["start"], ranged["end"], ranged["duration"]) == (1.0, 4.0, 3.0)
    assert "</script>" not in html.split('id="session-data">')[1].split("</script>")[0]
    assert "<hier>" not in html  # escaped everywhere, in the JSON as \u003c
    assert 'src="assets/session-player.js"' in html
    assert not re.search(r'(?:src|href)="(?:[a-z]+:)?//', html)  # nothing from a network


def test_pack_lang_picks_the_captions_a_clip_starts_with(site: Settings) -> None:
    plan = plan_pack(site, load(site), resolve_target(load(site), "les"), lang="en")
    index = next(e for e in plan.entries if e.name == "index.html").data.decode()
    data = json.loads(index.split('id="session-data">')[1].split("</script>")[0])
    assert [(t["lang"], t["default"]) for t in data["steps"][0]["tracks"]] == [("nl", False), ("en", True)]
    assert "in het Engels" in next(e for e in plan.entries if e.name == "README.txt").data.decode()


def test_pack_of_a_url_session_escapes_what_the_url_says(site: Settings) -> None:
    evil = "</script><script>alert(1)</script>"
    query = f"t={quote(evil)}&s=c.een&s=d.5.{quote(evil)}|{quote('<img src=x onerror=alert(1)> & ?')}"
    plan = plan_pack(site, load(site), target_from_query(load(site), query))
    texts = {e.name: e.data.decode() for e in plan.entries if e.name.endswith((".html", ".txt"))}
    assert "<script>alert" not in texts["index.html"] and "<img" not in texts["index.html"]
    assert "<script>alert" not in texts["guide.html"] and "<img" not in texts["guide.html"]
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; ?" in texts["guide.html"]
    data = json.loads(texts["index.html"].split('id="session-data">')[1].split("</script>")[0])
    assert data["title"] == evil and data["steps"][1]["questions"] == ["<img src=x onerror=alert(1)> & ?"]


def test_pack_transcripts_are_plain_text(session_zip: Path) -> None:
    with zipfile.ZipFile(session_zip) as archive:
        dutch = read_text(archive, "transcripts/een.nl.txt")
        readme = read_text(archive, "README.txt")
    assert "Een buddy vinden" in dutch and "[0:00] Sara: Hallo & welkom bij de buddywerking" in dutch
    assert "<v" not in dutch and "&amp;" not in dutch
    assert "index.html" in readme and "zonder internet" in readme


def test_pack_of_a_theme_and_of_a_url_session(site: Settings) -> None:
    catalogue = load(site)
    theme = resolve_target(catalogue, "grenzen")
    assert (theme.kind, theme.id, theme.stem) == ("theme", "grenzen", "theme-grenzen")
    plan = plan_pack(site, catalogue, theme)
    clips = [step.clip.id for step in plan.session.steps if step.clip]
    assert clips == ["een", "twee"]
    assert "guide.pdf" not in {e.name for e in plan.entries}  # no PDF engine given
    query = session_query(resolve_target(catalogue, "les").session)
    url = resolve_target(catalogue, f"http://example.org/sessions/new?{query}")
    assert url.id == "" and url.stem.startswith("session-url-") and url.session.steps == \
        resolve_target(catalogue, "les").session.steps
    assert resolve_target(catalogue, "https://example.org/themes/grenzen").stem == "theme-grenzen"
    assert resolve_target(catalogue, "https://example.org/sessions/les/present").stem == "session-les"
    assert resolve_target(catalogue, "/themes/grenzen/session").stem == "theme-grenzen"
    assert resolve_target(catalogue, f"/sessions/new/present?{query}").session == url.session
    with pytest.raises(PackError, match="not a session or theme URL"):
        resolve_target(catalogue, "https://example.org/clips/een")


# --- the CLI's errors: exit 1, a message, no traceback -------------------------------------------------

def assert_error(result: Result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.output.startswith("Error: "), result.output
    for text in expected:
        assert text in result.output, result.output


def test_pack_cli_unknown_theme_or_session(site: Settings) -> None:
    assert_error(run(site, "grenzn"), "no session or theme with id 'grenzn'", "did you mean 'grenzen'")
    assert_error(run(site, "session:grenzen", "--no-pdf"), "no session with id 'grenzen'")
    assert_error(run(site, "theme:les", "--no-pdf"), "no theme with id 'les'")


def test_pack_cli_bad_query_names_the_step(site: Settings) -> None:
    result = run(site, "--query", "t=Les&s=c.bestaat-niet", "--no-pdf")
    assert_error(result, "bestaat-niet")


def test_pack_cli_target_and_query_are_a_usage_error(site: Settings) -> None:
    assert run(site, "les", "--query", "t=x").exit_code == 2
    assert run(site).exit_code == 2


def test_pack_cli_clip_not_built(site: Settings, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(site.root, root, ignore=shutil.ignore_patterns("packs", "index"))
    (root / "media" / "clips" / "twee.mp4").unlink()
    result = run(Settings(root), "les", "--no-pdf")
    assert_error(result, "step 3: clip 'twee' is not built", "media/clips/twee.mp4", "run `catalogue cut`")


def test_pack_cli_without_chromium_says_to_install_it_or_skip_the_pdf(site: Settings, tmp_path: Path,
                                                                    no_chromium_path: dict[str, str]) -> None:
    assert_error(run(site, "les", "--out", str(tmp_path / "x.zip"), env=no_chromium_path),
                 "no Chromium found", "apt-get install chromium", "--no-pdf")
    assert not (tmp_path / "x.zip").exists()
    result = run(site, "les", "--no-pdf", "--out", str(tmp_path / "y.zip"), env=no_chromium_path)
    assert result.exit_code == 0 and "(no guide.pdf)" in result.output, result.output
    with zipfile.ZipFile(tmp_path / "y.zip") as archive:
        assert set(archive.namelist()) == EXPECTED - {"guide.pdf"}
        assert "geen guide.pdf" in read_text(archive, "README.txt")
        assert 'href="guide.pdf"' not in read_text(archive, "index.html")


def test_pack_cli_unknown_lang(site: Settings) -> None:
    assert_error(run(site, "les", "--no-pdf", "--lang", "fr"), "--lang 'fr'", "en, nl")


# --- the site's downloads -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(site: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(site)) as test_client:
        yield test_client


def test_site_serves_a_theme_pack_and_reuses_it(client: TestClient, site: Settings) -> None:
    first = client.get("/packs/themes/grenzen.zip")
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/zip"
    assert 'filename="theme-grenzen.zip"' in first.headers["content-disposition"]
    cached = list((site.state_dir / "packs").glob("*.zip"))
    second = client.get("/packs/themes/grenzen.zip")
    assert second.content == first.content and list((site.state_dir / "packs").glob("*.zip")) == cached
    with zipfile.ZipFile(site.state_dir / "packs" / cached[0].name) as archive:
        names = set(archive.namelist())
    assert {"index.html", "clips/een.mp4", "clips/twee.mp4"} <= names
    assert ("guide.pdf" in names) == (find_chromium() is not None)


def test_site_serves_session_and_url_session_packs(client: TestClient, site: Settings) -> None:
    response = client.get("/packs/sessions/les.zip")
    assert response.status_code == 200 and 'filename="session-les.zip"' in response.headers["content-disposition"]
    query = session_query(resolve_target(load(site), "les").session)
    url = client.get(f"/packs/sessions/new.zip?{query}")
    assert url.status_code == 200 and 'filename="session-url-' in url.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(url.content)) as from_url, zipfile.ZipFile(io.BytesIO(response.content)) as named:
        assert session_data(from_url)["steps"] == session_data(named)["steps"]


@pytest.mark.parametrize("page", ["/sessions/les", "/themes/grenzen/session", "URL"])
def test_site_session_pages_download_button_gets_the_pack(client: TestClient, site: Settings, page: str) -> None:
    if page == "URL":
        page = f"/sessions/new?{session_query(resolve_target(load(site), 'les').session)}"
    response = client.get(page)
    assert response.status_code == 200
    links = [html.unescape(link) for link in re.findall(r'href="(/packs/[^"]+)"', response.text)]
    assert len(links) == 1, links
    download = client.get(links[0])
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert [s["kind"] for s in session_data(archive)["steps"]][0] == "clip"  # type: ignore[index]


@pytest.mark.parametrize(("path", "status"), [("/packs/themes/bestaat-niet.zip", 404),
                                              ("/packs/sessions/bestaat-niet.zip", 404),
                                              ("/packs/sessions/new.zip?t=x&s=c.bestaat-niet", 400)])
def test_site_pack_errors(client: TestClient, path: str, status: int) -> None:
    assert client.get(path).status_code == status


def test_site_builds_one_pack_for_concurrent_requests(site: Settings, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(tmp_path / "root")
    shutil.copytree(site.root, settings.root, ignore=shutil.ignore_patterns("packs", "index"))
    monkeypatch.setenv("PATH", str(tmp_path))  # no Chromium: the server must not need one
    catalogue = load(settings)
    target = resolve_target(catalogue, "les")
    paths: list[Path] = []
    threads = [threading.Thread(target=lambda: paths.append(build_cached(settings, catalogue, target)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(paths) == 4 and len(set(paths)) == 1
    folder = settings.state_dir / "packs"
    assert [p.name for p in folder.iterdir()] == [paths[0].name]  # no partial file left
    with zipfile.ZipFile(paths[0]) as archive:
        assert archive.testzip() is None and "guide.pdf" not in archive.namelist()


def test_site_cache_keeps_the_most_recently_used_packs(tmp_path: Path) -> None:
    old = time.time() - CACHE_GRACE_S - 100
    packs = [tmp_path / f"{n:02d}.zip" for n in range(8)]
    for age, pack in enumerate(packs):
        pack.write_bytes(b"zip")
        os.utime(pack, (old - age, old - age))  # 00 the most recent, 07 the least
    young = tmp_path / "young.zip"
    young.write_bytes(b"zip")  # may still be streaming: never pruned
    prune_cache(tmp_path, keep=packs[7], size=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["00.zip", "01.zip", "07.zip", "young.zip"]
