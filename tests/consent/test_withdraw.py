"""Issue 19's acceptance on real media: Ann is seen and heard in two ranges, across two clips (eerste,
tweede) and the film; `catalogue withdraw ann` takes her out of everything, at once, provably, while a
real server keeps running; interrupted (SIGTERM, SIGKILL) and run again, it ends as one clean run."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalogues import ANN_LINES, ANN_RANGES, ANN_WORDS
from consentsite import built, catalogue, copy_built, fresh  # noqa: F401  (fixtures)
from catalogue.cutting import slate_png
from catalogue.media.runner import ffmpeg_exe
from catalogue.settings import PROJECT_DIR
from catalogue.timecode import parse_timecode
from web.servers import catalogue_server

GENERATED = ("media/clips", "media/films", "media/packs", "transcripts/clips", "transcripts/films", ".catalogue")
RANGES_MS = [(parse_timecode(a), parse_timecode(b)) for a, b in ANN_RANGES]
GONE_CLIPS = ("eerste", "tweede")


def url_kinds(base: str, clip: str) -> dict[str, str]:
    """Every kind of URL the site ever issued for a clip."""
    return {"page": f"{base}/clips/{clip}", "page at a moment": f"{base}/clips/{clip}?t=2",
            "text transcript": f"{base}/clips/{clip}/transcript.txt", "embed": f"{base}/embed/{clip}?start=1&end=3",
            "video": f"{base}/media/clips/{clip}.mp4", "poster": f"{base}/media/clips/{clip}.jpg",
            "subtitles": f"{base}/transcripts/clips/{clip}.nl.vtt",
            "oEmbed": f"{base}/oembed?" + urllib.parse.urlencode({"url": f"{base}/clips/{clip}", "format": "json"}),
            "API": f"{base}/api/clips/{clip}"}


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def generated_files(root: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every generated file, the entries of every zip too."""
    for folder in GENERATED:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                name = str(path.relative_to(root))
                yield name, data
                if data[:4] == b"PK\x03\x04":
                    with zipfile.ZipFile(path) as archive:
                        for entry in archive.namelist():
                            yield f"{name}!{entry}", archive.read(entry)


def ffmpeg(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", *args], capture_output=True, check=True,
                          timeout=120)


def packets(path: Path, stream: str) -> list[tuple[int, str]]:
    """(pts, crc) of each packet of one stream, as stored (no decoding)."""
    out = ffmpeg("-v", "error", "-i", str(path), "-map", f"0:{stream}", "-c", "copy", "-f", "framecrc", "-").stdout
    rows = [[f.strip() for f in line.decode().split(",")] for line in out.splitlines() if not line.startswith(b"#")]
    return [(int(f[2]), f[5]) for f in rows if len(f) > 5]


def frames(path: Path) -> list[tuple[int, str]]:
    """(time in ms, md5) of each decoded video frame."""
    out = ffmpeg("-v", "error", "-i", str(path), "-map", "0:v", "-f", "framemd5", "-").stdout.decode()
    num, den = map(int, re.search(r"^#tb 0: (\d+)/(\d+)", out, re.M).groups())  # type: ignore[union-attr]
    rows = [[f.strip() for f in line.split(",")] for line in out.splitlines() if not line.startswith("#")]
    return [(int(f[2]) * num * 1000 // den, f[5]) for f in rows if len(f) > 5]


def loudest_db(path: Path, start_ms: int, end_ms: int) -> float:
    err = ffmpeg("-ss", f"{start_ms / 1000}", "-to", f"{end_ms / 1000}", "-i", str(path), "-map", "0:a",
                 "-af", "volumedetect", "-f", "null", "-").stderr.decode()
    found = re.search(r"max_volume: (-?[\d.]+|-inf) dB", err)
    assert found, err
    return float(found.group(1))


def thumbnail(path: Path, at_ms: int) -> bytes:
    return ffmpeg("-v", "error", "-ss", f"{at_ms / 1000}", "-i", str(path), "-frames:v", "1",
                  "-vf", "scale=32:18:flags=area,format=gray", "-f", "rawvideo", "-").stdout


def slate_thumbnail(tmp: Path, size: tuple[int, int]) -> bytes:
    png = tmp / "slate.png"
    png.write_bytes(slate_png(*size))
    return thumbnail(png, 0)


def difference(a: bytes, b: bytes) -> float:
    return sum(abs(x - y) for x, y in zip(a, b)) / len(a)


def test_withdraw_takes_ann_out_of_everything_while_the_server_runs(fresh: Path, tmp_path: Path) -> None:
    root = fresh
    film = root / "media" / "films" / "film.mp4"
    before = {"frames": frames(film), "audio": packets(film, "a"), "video": packets(film, "v")}
    derde = {p: (root / p).read_bytes() for p in ("media/clips/derde.mp4", "media/clips/derde.jpg",
                                                  "transcripts/clips/derde.nl.vtt", "media/clips/derde.ad.mp4",
                                                  "transcripts/clips/derde.nl.descriptions.vtt")}
    assert "okapi" in (root / "transcripts" / "films" / "film.nl.descriptions.vtt").read_text()  # said before
    with catalogue_server(root) as base:
        for clip in GONE_CLIPS:  # published before
            for kind, url in url_kinds(base, clip).items():
                assert fetch(url, {"Range": "bytes=0-99"})[0] in (200, 206), (clip, kind)
        result = catalogue(root, "withdraw", "ann", "--reason", "Ann vroeg het per mail")
        assert "Verified: no trace of 'ann'" in result.stdout
        assert "Not touched: the editor's own inputs" in result.stdout and "media/film.mp4" in result.stdout

        # the running server, without a restart: every URL kind answers 410 Gone, in Dutch
        for clip in GONE_CLIPS:
            for kind, url in url_kinds(base, clip).items():
                for headers in ({}, {"Range": "bytes=0-99"}):
                    status, body, _ = fetch(url, headers)
                    assert status == 410, (clip, kind, headers, status)
                    assert "verwijderd op vraag van een deelnemer" in body.decode(), (clip, kind)
        assert fetch(f"{base}/clips/derde")[0] == 200  # the other clip plays on
        listed = json.loads(fetch(f"{base}/api/clips")[1])
        assert [c["id"] for c in listed] == ["derde"]
        film_page = fetch(f"{base}/films/film")[1].decode()
        assert "/clips/eerste" not in film_page and "/clips/derde" in film_page  # JSON-LD hasPart, chapters
        chapters = fetch(f"{base}/transcripts/films/film.chapters.vtt")[1].decode()
        assert "Eerste clip" not in chapters and "Derde clip" in chapters
        session = fetch(f"{base}/sessions/les")[1].decode()
        assert "Stap 1 (Eerste clip) is weggelaten" in session and "/clips/derde" in session
        for word in ANN_WORDS:
            found = json.loads(fetch(f"{base}/api/search?" + urllib.parse.urlencode({"q": word}))[1])
            assert found["clips"] == [], word
        # an URL-defined session that names a withdrawn clip skips it, with a notice
        page = fetch(f"{base}/sessions/new?" + urllib.parse.urlencode([("s", "c.eerste"), ("s", "c.derde")]))
        assert page[0] == 200 and "is weggelaten" in page[1].decode()

    # search from the terminal finds nothing of hers
    for word in ANN_WORDS:
        assert json.loads(catalogue(root, "search", word, "--json").stdout)["clips"] == []
    # no generated file holds her words or name: every byte, the index files and zips included
    for name, data in generated_files(root):
        lowered = data.lower()
        for word in ("zeppelin", "okapi", "dierentuin", *(w.lower() for w in ANN_WORDS)):
            assert word.encode() not in lowered, (name, word)
        if not name.endswith((".mp4", ".jpg")):
            assert not re.search(rb"\bann\b", lowered), name
        for line in ANN_LINES:
            assert line.lower().encode() not in lowered, (name, line)
    assert not (root / "media" / "clips" / "eerste.mp4").exists()

    # the film: silence and the slate inside the ranges, unchanged outside them
    slate = slate_thumbnail(tmp_path, (320, 180))
    for start, end in RANGES_MS:
        assert loudest_db(film, start, end) < -80, (start, end)
        # the described film is made again from the redacted rendition, without her description
        assert loudest_db(root / "media" / "films" / "film.ad.mp4", start, end) < -60, (start, end)
        middle = thumbnail(film, (start + end) // 2)
        assert difference(middle, slate) < 8, (start, end)
        assert difference(thumbnail(film, start - 1000), slate) > 30  # the picture before it is no slate
    after = {"frames": frames(film), "audio": packets(film, "a"), "video": packets(film, "v")}
    assert sorted(p for p, _ in after["video"]) == sorted(p for p, _ in before["video"])  # the timeline
    frame_ms = 40
    touched = [(s - s % 2000, e + (2000 - e % 2000) % 2000) for s, e in RANGES_MS]  # the GOPs made again
    same = [(b, a) for b, a in zip(before["frames"], after["frames"])
            if not any(lo <= b[0] < hi for lo, hi in touched)]
    assert len(same) > 300 and all(b == a for b, a in same)  # every frame outside those GOPs, bit for bit
    assert len(after["audio"]) == len(before["audio"])
    changed = [b[0] for b, a in zip(before["audio"], after["audio"]) if b != a]
    assert changed and all(any(s - 2 * frame_ms <= p * 1000 // 48000 <= e + frame_ms for s, e in RANGES_MS)
                           for p in changed)  # only the sound packets the ranges reach
    # the other clip, byte for byte
    assert {p: (root / p).read_bytes() for p in derde} == derde

    # the cut list says so (a backup kept); a log line without her words; a second cut does nothing
    assert re.search(r'^withdrawn = "\d{4}-\d\d-\d\d"$', (root / "media" / "film.toml").read_text(), re.M)
    assert list((root / "media").glob("film.toml.*.bak"))
    log = (root / ".catalogue" / "consent.log").read_text().splitlines()
    assert len(log) == 1
    entry = json.loads(log[0])
    assert entry["action"] == "withdraw" and entry["withdrawn_clips"] == ["eerste", "tweede"]
    assert entry["ranges"] == 2 and entry["cues_removed"] == 2 and entry["reason"] == "[persoon] vroeg het per mail"
    assert "ann" not in log[0].lower().replace("cues_removed", "") and "zeppelin" not in log[0]
    assert "0 output(s) built" in catalogue(root, "cut").stdout
    # the session's lesson pack, made again, says which step was left out, as the session page does
    catalogue(root, "pack", "les", "--no-pdf", "--out", str(tmp_path / "les.zip"))
    with zipfile.ZipFile(tmp_path / "les.zip") as pack:
        texts = {name: pack.read(name).decode() for name in pack.namelist() if name.endswith((".html", ".txt"))}
    for name in ("index.html", "guide.html", "README.txt"):
        assert "Stap 1 (Eerste clip) is weggelaten" in next(t for n, t in texts.items() if n.endswith(name)), name
    assert not any("eerste" in name for name in texts)
    again = catalogue(root, "withdraw", "ann")
    assert "(already there)" in again.stdout
    assert len((root / ".catalogue" / "consent.log").read_text().splitlines()) == 1


def tree(root: Path) -> dict[str, bytes]:
    """What a withdrawal leaves that must not depend on how it got there."""
    found = {}
    for folder in ("media/clips", "media/films", "media/packs", "transcripts/clips", "transcripts/films",
                   ".catalogue/consent"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                found[str(path.relative_to(root))] = path.read_bytes()
    found["media/film.toml"] = (root / "media" / "film.toml").read_bytes()
    del found[".catalogue/consent/salt"]  # random in each catalogue, so are the hashes made with it
    found[".catalogue/consent/tombstones.json"] = re.sub(rb'"person": "[0-9a-f]+"', b"",
                                                         found[".catalogue/consent/tombstones.json"])
    return found


def child_running(pid: int, marker: str) -> bool:
    """Whether a process started by `pid` has `marker` in its command line (an ffmpeg at work)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and marker in cmdline:
            return True
    return False


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_an_interrupted_withdrawal_run_again_ends_as_one_clean_run(built: Path, tmp_path: Path,
                                                                    stop: signal.Signals) -> None:
    clean, broken = copy_built(built, tmp_path / "clean"), copy_built(built, tmp_path / "broken")
    catalogue(clean, "withdraw", "ann")

    process = subprocess.Popen([sys.executable, "-m", "catalogue", "--root", str(broken), "withdraw", "ann"],
                               cwd=PROJECT_DIR, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while not child_running(process.pid, "slate.png"):  # the film being redacted: real work, under way
        assert process.poll() is None, "withdraw ended before it was interrupted"
        assert time.monotonic() < deadline, "the redaction never started"
        time.sleep(0.002)
    if stop == signal.SIGKILL:
        os.killpg(process.pid, signal.SIGKILL)  # as a crash: the process and its ffmpeg
    else:
        process.send_signal(stop)
    process.communicate(timeout=60)
    assert process.returncode == (130 if stop == signal.SIGTERM else -signal.SIGKILL)
    assert not (broken / ".catalogue" / "consent.log").exists()  # stopped before the end
    assert "withdrawn = " in (broken / "media" / "film.toml").read_text()  # after the commit point
    status = fetch_app(broken, "/clips/eerste")
    assert status == 410  # what is done already counts

    catalogue(broken, "withdraw", "ann")
    assert tree(broken) == tree(clean)
    logs = [json.loads(line) for root in (clean, broken)
            for line in (root / ".catalogue" / "consent.log").read_text().splitlines()]
    assert len(logs) == 2 and {k: v for k, v in logs[0].items() if k not in ("time", "person")} == \
        {k: v for k, v in logs[1].items() if k not in ("time", "person")}
    assert not [p for p in broken.rglob("*") if ".partial" in p.name]
    assert not list((broken / ".catalogue" / "renditions" / "work").iterdir())
    versions = [p for p in (broken / ".catalogue" / "index").iterdir() if p.is_dir()]
    assert len(versions) == 1
    assert "Verified: no trace" in catalogue(broken, "withdraw", "--verify", "ann").stdout


def fetch_app(root: Path, path: str) -> int:
    """The status the app (in this process) answers for `path`."""
    from web.servers import asgi_request

    from catalogue.settings import Settings
    from catalogue.web.app import create_app

    return asgi_request(create_app(Settings(root=root)), path.encode(), []).status
