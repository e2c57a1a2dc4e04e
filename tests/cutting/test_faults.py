"""Faults (issue 5): a cut killed at any point, a full disk, corrupt build records, probe
cache and index, a film or subtitles changed between runs. Real ffmpeg, Whoosh and SQLite;
kills and full disks are real too (SIGKILL in a subprocess, a size-limited tmpfs when
mounting is allowed), injected only where a real one cannot be arranged here.

SIGKILL *during an encode* is in test_cutting.py; here the kill comes between clips,
between the steps of a clip, and while a build record is being written.
"""

from __future__ import annotations

import errno
import gc
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from catalogue.cutting import steps
from catalogue.media import probecache
from catalogue.cutlist import check_cutlists
from catalogue.cutting.jobs import CutSummary, build, plan_cut
from catalogue.errors import MediaError
from catalogue.media.runner import probe
from catalogue.media import probe_cached
from catalogue.settings import Settings
from catalogue.web import create_app
from conftest import write_vtt

FRAME_MS = 40
# The outputs of the small catalogue, in the order a one-job-at-a-time cut builds them (its 320×240
# film has a ladder of one rung).
ORDER = ["transcripts/films/testfilm.chapters.vtt", "transcripts/films/testfilm.nl.vtt",
         "media/films/testfilm.mp4", "media/films/testfilm.jpg",
         "media/hls/films/testfilm/234p.mp4", "media/hls/films/testfilm/234p.m3u8",
         "media/hls/films/testfilm/master.m3u8",
         "media/clips/eerste.mp4", "media/clips/eerste.jpg", "transcripts/clips/eerste.nl.vtt",
         "media/hls/clips/eerste/234p.mp4", "media/hls/clips/eerste/234p.m3u8", "media/hls/clips/eerste/master.m3u8",
         "media/clips/tweede.mp4", "media/clips/tweede.jpg", "transcripts/clips/tweede.nl.vtt",
         "media/hls/clips/tweede/234p.mp4", "media/hls/clips/tweede/234p.m3u8", "media/hls/clips/tweede/master.m3u8"]
DURATION_MS = {"testfilm": 12_000, "eerste": 2400, "tweede": 2600}
OUTPUT_DIRS = ("media/clips", "media/films", "transcripts/clips", "transcripts/films", "media/hls/films/testfilm",
               "media/hls/clips/eerste", "media/hls/clips/tweede")

# Runs the real CLI, killed with SIGKILL at CATALOGUE_FAULT = "after-record:N" (just after the
# Nth build record is saved) or "in-record:N" (half-way through writing the Nth record).
KILLER = textwrap.dedent('''
    import os, signal, sys
    from catalogue import buildrecord
    from catalogue.cli import commands as cli
    from catalogue.fsutil import open_partial

    point, at = os.environ["CATALOGUE_FAULT"].split(":")
    at, saves = int(at), [0]
    real_save, real_write = buildrecord.BuildRecords.save, buildrecord.write_text_atomic

    def save(self, output, key, **extra):
        saves[0] += 1
        real_save(self, output, key, **extra)
        if point == "after-record" and saves[0] == at:
            os.kill(os.getpid(), signal.SIGKILL)

    def write(dest, text):
        if point == "in-record" and saves[0] == at:
            dest.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = open_partial(dest)
            os.write(handle, text[:len(text) // 2].encode())
            os.kill(os.getpid(), signal.SIGKILL)
        real_write(dest, text)

    buildrecord.BuildRecords.save = save
    buildrecord.write_text_atomic = write
    sys.argv[0] = "catalogue"
    cli.main()
''')


def run_cli(root: Path, *args: str, env: dict[str, str] | None = None,
            script: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(script)] if script else ["-m", "catalogue"]
    return subprocess.run([sys.executable, *command, "--root", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=300)


def cut(settings: Settings, *, force: bool = False) -> CutSummary:
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    jobs, unplannable = plan_cut(settings, report.catalogue(), report)
    assert not unplannable
    return build(settings, jobs, force=force)


def rel(root: Path, paths: list[Path]) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in paths)


def outputs(root: Path) -> dict[str, int]:
    """Every file under a final name in the output folders, with its mtime."""
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns
            for folder in OUTPUT_DIRS if (root / folder).is_dir()
            for p in (root / folder).iterdir() if not p.name.startswith(".")}


def partials(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob(".*partial-*"))


def assert_complete(root: Path, name: str) -> None:
    """The output under this final name is whole: MP4s probe with their duration, JPEGs end, VTTs parse,
    playlists end."""
    path = root / name
    stem = path.parent.name if "/hls/" in name else path.name.split(".")[0]
    if path.suffix == ".m3u8":
        text = path.read_text("utf-8")
        assert text.startswith("#EXTM3U\n") and ("#EXT-X-ENDLIST\n" in text or "#EXT-X-STREAM-INF" in text), name
    elif path.suffix == ".mp4":
        assert abs(probe(path).duration_ms - DURATION_MS[stem]) <= FRAME_MS, name
    elif path.suffix == ".jpg":
        data = path.read_bytes()
        assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9", name
    else:
        text = path.read_text("utf-8")
        assert text.startswith("WEBVTT") and text.endswith("\n") and "-->" in text, name


def changed(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


def ffmpeg_outputs(root: Path, log: Path) -> list[str]:
    """The final name of what each logged ffmpeg wrote (its argument is the partial name). A smart
    exact clip takes two runs: its pieces (into the state folder), then the join into the partial."""
    found = []
    for line in log.read_text().splitlines() if log.exists() else []:
        if "/.catalogue/renditions/work/" in line.split(" -map ")[-1]:
            continue  # the pieces of a smart clip; its join writes the clip
        match = re.search(r"file:(\S+)/\.([^/\s]+)\.partial-\d+-[a-z0-9_]+(\.\w+)(?:\s|$)", line)
        assert match, f"an ffmpeg that writes no output (a probe?): {line}"
        found.append(Path(match[1], match[2] + match[3]).relative_to(root).as_posix())
    return sorted(found)


@pytest.fixture
def own_film(small_catalogue: Callable[..., Path], tmp_path: Path) -> Path:
    """The small catalogue with a film of its own (not a link to the session's), so it may be rewritten."""
    cutlist = small_catalogue()
    film = tmp_path / "media" / "film.mp4"
    data = film.read_bytes()
    film.unlink()
    film.write_bytes(data)
    return cutlist


# --- SIGKILL between clips, between steps, while writing a build record -----------------------


@pytest.mark.parametrize(("point", "at"), [
    ("after-record", 13),  # between clips: eerste done, tweede not started
    ("after-record", 7),   # between the film job and the first clip
    ("after-record", 8),   # between the steps of a clip: eerste.mp4 done, its poster not
    ("in-record", 9),      # writing eerste.jpg's record: the poster is in place, its record half written
    ("in-record", 3),      # writing the web film's record
    ("after-record", 5),   # the film's rung encoded, its playlist not written: only the playlists follow
])
def test_sigkill_at_a_point_leaves_only_whole_outputs_and_rerun_builds_only_the_rest(
        own_film: Path, tmp_path: Path, counting_ffmpeg: tuple[dict[str, str], Path], point: str, at: int) -> None:
    env, log = counting_ffmpeg
    script = tmp_path / "killed_cut.py"
    script.write_text(KILLER)
    killed = run_cli(tmp_path, "cut", env={**env, "CATALOGUE_FAULT": f"{point}:{at}"}, script=script)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    before = outputs(tmp_path)
    assert sorted(before) == sorted(ORDER[:at])  # everything built so far, nothing more
    for name in before:
        assert_complete(tmp_path, name)
    if point == "in-record":  # the half-written record is only under its partial name
        record = tmp_path / ".catalogue" / "build" / f"{ORDER[at - 1]}.json"
        assert not record.exists()
        assert [p.rsplit("/", 1)[0] for p in partials(tmp_path)] == [record.parent.relative_to(tmp_path).as_posix()]

    log.unlink()
    rerun = run_cli(tmp_path, "cut", env=env)
    assert rerun.returncode == 0, rerun.stderr
    after = outputs(tmp_path)
    assert sorted(after) == sorted(ORDER)
    # only what was not complete (or not yet recorded) is built again
    expected = sorted(ORDER[at:] if point == "after-record" else ORDER[at - 1:])
    assert changed(before, after) == expected
    assert ffmpeg_outputs(tmp_path, log) == sorted(n for n in expected if n.endswith((".mp4", ".jpg")))
    assert f"{len(expected)} output(s) built, {len(ORDER) - len(expected)} already current" in rerun.stdout
    for name in after:
        assert_complete(tmp_path, name)
    assert partials(tmp_path) == []  # the dead run's partial files are cleaned up, records too

    log.unlink()
    assert run_cli(tmp_path, "cut", env=env).returncode == 0
    assert ffmpeg_outputs(tmp_path, log) == [] and outputs(tmp_path) == after


# --- a full disk ------------------------------------------------------------------------------


@pytest.fixture
def small_disk() -> Iterator[Callable[[Path, str], None]]:
    """Mount a size-limited tmpfs on a folder (unmounted afterwards); skip when not permitted."""
    mounted: list[Path] = []

    def mount(folder: Path, size: str) -> None:
        if os.geteuid() != 0 or not shutil.which("mount"):
            pytest.skip("mounting a small tmpfs needs root (the injected ENOSPC tests still run)")
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(folder)

    yield mount
    for folder in reversed(mounted):
        subprocess.run(["umount", str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Take every free byte of the folder's file system."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_full_clips_disk_fails_clearly_keeps_the_old_clip_and_rerun_completes(
        small_catalogue: Callable[..., Path], tmp_path: Path, small_disk: Callable[[Path, str], None]) -> None:
    small_disk(tmp_path / "media" / "clips", "1m")
    cutlist = small_catalogue()
    first = run_cli(tmp_path, "cut")
    assert first.returncode == 0, first.stderr
    clips = tmp_path / "media" / "clips"
    kept = {p.name: p.read_bytes() for p in clips.iterdir()}
    before = outputs(tmp_path)
    filler = fill(clips)

    cutlist.write_text(cutlist.read_text().replace('end = "00:00:06.400"', 'end = "00:00:06.000"'))
    full = run_cli(tmp_path, "cut")
    assert full.returncode == 1
    assert "Traceback" not in full.stderr
    assert re.search(r"tweede: cannot write \S+/media/clips/tweede\.mp4: no space left on the device", full.stderr)
    assert "1 failed" in full.stdout
    assert {p.name: p.read_bytes() for p in clips.iterdir() if p != filler} == kept  # nothing lost
    assert partials(tmp_path) == []

    filler.unlink()
    rerun = run_cli(tmp_path, "cut")
    assert rerun.returncode == 0, rerun.stderr
    assert changed(before, outputs(tmp_path)) == ["media/clips/tweede.jpg", "media/clips/tweede.mp4",
                                                  "media/hls/clips/tweede/234p.m3u8",
                                                  "media/hls/clips/tweede/234p.mp4",
                                                  "media/hls/clips/tweede/master.m3u8",
                                                  "transcripts/clips/tweede.nl.vtt",
                                                  "transcripts/films/testfilm.chapters.vtt"]
    assert abs(probe(clips / "tweede.mp4").duration_ms - 2200) <= FRAME_MS


def test_full_state_disk_fails_each_job_clearly_and_rerun_completes(
        small_catalogue: Callable[..., Path], tmp_path: Path, small_disk: Callable[[Path, str], None]) -> None:
    small_disk(tmp_path / ".catalogue", "256k")
    small_catalogue()
    filler = fill(tmp_path / ".catalogue")
    full = run_cli(tmp_path, "cut")  # not even the probe cache can be written
    assert full.returncode == 1
    assert "Traceback" not in full.stderr
    assert "3 failed" in full.stdout
    failures = [line for line in full.stderr.splitlines() if line.startswith("  ")]
    assert len(failures) == 3 and all(re.search(r": cannot write \S+/\.catalogue/build/\S+\.json: "
                                                r"No space left on device$", line) for line in failures)
    for name in outputs(tmp_path):  # written before their record failed: whole
        assert_complete(tmp_path, name)
    assert partials(tmp_path) == []

    filler.unlink()
    rerun = run_cli(tmp_path, "cut")
    assert rerun.returncode == 0, rerun.stderr
    assert sorted(outputs(tmp_path)) == sorted(ORDER)
    assert run_cli(tmp_path, "cut").stdout.startswith("0 output(s) built")


def test_injected_enospc_from_ffmpeg_and_from_a_subtitle_write(
        small_catalogue: Callable[..., Path], settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    small_catalogue()
    real_ffmpeg, real_write_text = steps.run_ffmpeg, Path.write_text

    def ffmpeg_disk_full(args: list[str], **kwargs: object) -> object:
        if any(".eerste.partial-" in arg and arg.endswith(".mp4") for arg in args):
            output = [arg for arg in args if arg.startswith("file:")][-1]
            Path(output.removeprefix("file:")).write_bytes(b"half a clip")
            raise MediaError(Path("film.mp4"), "ffmpeg failed (exit 228): [out#0/mp4 @ 0x1] Error writing "
                                               "trailer: No space left on device")
        return real_ffmpeg(args, **kwargs)  # type: ignore[arg-type]

    def write_text_disk_full(self: Path, *args: object, **kwargs: object) -> int:
        if self.name.startswith(".tweede.nl.partial-"):
            real_write_text(self, "WEBVTT\n\n00:00")  # part of it got out
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write_text(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(steps, "run_ffmpeg", ffmpeg_disk_full)
    monkeypatch.setattr(Path, "write_text", write_text_disk_full)
    summary = cut(settings)
    assert summary.failed == {
        "eerste": f"cannot write {settings.clips_dir / 'eerste.mp4'}: no space left on the device; "
                  "free some space and run `catalogue cut` again",
        "tweede": f"cannot write {settings.clip_transcripts_dir / 'tweede.nl.vtt'}: No space left on device"}
    assert not (settings.clips_dir / "eerste.mp4").exists()
    assert not (settings.clip_transcripts_dir / "tweede.nl.vtt").exists()
    assert (settings.clips_dir / "tweede.mp4").is_file() and partials(settings.root) == []

    monkeypatch.undo()
    assert rel(settings.root, cut(settings).built) == sorted(
        ["media/clips/eerste.mp4", "media/clips/eerste.jpg", "transcripts/clips/eerste.nl.vtt",
         "transcripts/clips/tweede.nl.vtt",  # and the ladders, which come after the failed step in each job
         *(f"media/hls/clips/{clip}/{name}" for clip in ("eerste", "tweede")
           for name in ("234p.mp4", "234p.m3u8", "master.m3u8"))])


# --- corrupt build records and probe cache ----------------------------------------------------


CORRUPT_JSON = [b"", b"\x00\xff garbage", b'{"key": "abc", "size": 1', b"[]", b'"a string"', b"null",
                b'{"key": 5, "size": "big", "mtime_ns": null}']


@pytest.mark.parametrize("garbage", CORRUPT_JSON)
def test_a_corrupt_build_record_is_not_trusted_and_its_output_rebuilt(
        small_catalogue: Callable[..., Path], settings: Settings, garbage: bytes) -> None:
    small_catalogue()
    cut(settings)
    for output in ("media/clips/eerste.mp4", "transcripts/clips/tweede.nl.vtt"):
        (settings.build_dir / f"{output}.json").write_bytes(garbage)
    summary = cut(settings)
    assert not summary.failed
    assert rel(settings.root, summary.built) == ["media/clips/eerste.mp4", "transcripts/clips/tweede.nl.vtt"]
    assert abs(probe(settings.clips_dir / "eerste.mp4").duration_ms - 2400) <= FRAME_MS
    assert cut(settings).built == []  # and the records are whole again


@pytest.mark.parametrize("garbage", [*CORRUPT_JSON, b'{"video": 5, "audio": null}',
                                     b'{"container": "mp4", "duration_ms": "long", "video": null, "audio": null, '
                                     b'"keyframes_ms": []}'])
def test_a_corrupt_probe_cache_is_probed_again_and_rewritten(
        small_catalogue: Callable[..., Path], settings: Settings, monkeypatch: pytest.MonkeyPatch,
        garbage: bytes) -> None:
    small_catalogue()
    cut(settings)
    [cache] = settings.probe_dir.iterdir()
    good = json.loads(cache.read_text("utf-8"))
    cache.write_bytes(garbage)
    probes: list[Path] = []
    real_probe = probecache.probe
    monkeypatch.setattr(probecache, "probe", lambda path: probes.append(path) or real_probe(path))
    summary = cut(settings)
    assert not summary.failed and summary.built == []  # the film did not change: nothing to rebuild
    assert probes == [settings.media_dir / "film.mp4"]
    assert json.loads(cache.read_text("utf-8")) == good


# --- a corrupt index --------------------------------------------------------------------------


def _version(root: Path) -> Path:
    return root / ".catalogue" / "index" / (root / ".catalogue" / "index" / "CURRENT").read_text().strip()


def _each(pattern: str, damage: Callable[[Path], object]) -> Callable[[Path], object]:
    def apply(root: Path) -> None:
        found = list(_version(root).glob(pattern))
        assert found
        for path in found:
            damage(path)
    return apply


def _sql(path: Path, statement: str) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute(statement)
        db.commit()


def _truncate(path: Path, size: int | None = None) -> None:
    os.truncate(path, path.stat().st_size // 2 if size is None else size)


INDEX_DAMAGE: dict[str, Callable[[Path], object]] = {
    "terms truncated": _each("*.trm", lambda p: _truncate(p, 10)),
    "terms cut in half": _each("*.trm", _truncate),
    "postings garbled": _each("*.pst", lambda p: p.write_bytes(bytes(range(256)) * 12)),
    "stored fields cut in half": _each("*_stored.col", _truncate),
    "toc truncated": _each("*.toc", lambda p: _truncate(p, 5)),
    "toc missing": _each("*.toc", Path.unlink),
    "cues.sqlite truncated": _each("cues.sqlite", lambda p: _truncate(p, 100)),
    "cues.sqlite cut in half": _each("cues.sqlite", _truncate),
    "cues.sqlite garbled": _each("cues.sqlite", lambda p: p.write_bytes(b"\x13garbage" * 1024)),
    "cues.sqlite empty": _each("cues.sqlite", lambda p: _truncate(p, 0)),
    "cues.sqlite missing": _each("cues.sqlite", Path.unlink),
    "cues.sqlite without its words": _each("cues.sqlite", lambda p: _sql(p, "DROP TABLE words")),
    "index of an older format": _each("cues.sqlite", lambda p: _sql(p, "PRAGMA user_version = 1")),
    "CURRENT names a missing folder": lambda root: (root / ".catalogue/index/CURRENT").write_text("v123-gone"),
    "CURRENT empty": lambda root: (root / ".catalogue/index/CURRENT").write_text(""),
    "CURRENT garbled": lambda root: (root / ".catalogue/index/CURRENT").write_bytes(b"\xae\x00\xff../.."),
    "CURRENT points outside": lambda root: (root / ".catalogue/index/CURRENT").write_text(".."),
}


# whoosh leaves the files of a segment it failed to read to the garbage collector
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning", "ignore::ResourceWarning")
@pytest.mark.parametrize("damage", INDEX_DAMAGE.values(), ids=INDEX_DAMAGE.keys())
def test_a_corrupt_index_gives_a_clear_error_then_is_rebuilt(
        small_catalogue: Callable[..., Path], tmp_path: Path, damage: Callable[[Path], object]) -> None:
    small_catalogue()
    assert run_cli(tmp_path, "cut").returncode == 0
    assert run_cli(tmp_path, "index").returncode == 0
    assert "eerste" in run_cli(tmp_path, "search", "buddy").stdout
    # (damaged in place under a server that has the segment mapped, whoosh dies of SIGBUS: the
    # catalogue itself never rewrites a version in place, and a server is not running here)
    damage(tmp_path)

    broken = run_cli(tmp_path, "search", "buddy")
    assert broken.returncode == 1
    assert "Traceback" not in broken.stderr
    assert broken.stderr.startswith("Error: ") and "run `catalogue index`" in broken.stderr
    with TestClient(create_app(Settings(root=tmp_path))) as client:
        page = client.get("/search?q=buddy")
        assert page.status_code == 200 and "de zoekindex ontbreekt of is beschadigd" in page.text and "catalogue index" in page.text
        api = client.get("/api/search?q=buddy")
        assert api.status_code == 503 and "run `catalogue index`" in api.json()["error"]

        rebuilt = run_cli(tmp_path, "index")
        assert rebuilt.returncode == 0, rebuilt.stderr
        again = run_cli(tmp_path, "search", "buddy")
        assert again.returncode == 0 and "eerste" in again.stdout, again.stderr
        assert "eerste" in client.get("/search?q=buddy").text  # the server follows the new index
        assert client.get("/api/search?q=buddy").json()["clips"][0]["id"] == "eerste"
    gc.collect()  # here, where their warnings are expected, not in a later test


# --- a film or subtitles changed between runs -------------------------------------------------


def test_a_film_rewritten_in_place_is_recut_and_only_its_video_outputs(
        own_film: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    cut(settings)
    film = settings.media_dir / "film.mp4"
    stamp = film.stat()
    with open(film, "r+b") as handle:  # the same name, the same inode and size, written again
        handle.write(handle.read())
        handle.truncate(stamp.st_size)
    if film.stat().st_mtime_ns == stamp.st_mtime_ns:  # a coarse clock
        os.utime(film, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
    assert film.stat().st_ino == stamp.st_ino and film.stat().st_size == stamp.st_size
    summary = cut(settings)
    assert not summary.failed
    video = sorted(n for n in ORDER if n.endswith((".mp4", ".jpg", ".m3u8")))  # and the ladders' playlists
    assert rel(settings.root, summary.built) == video

    with open(film, "ab") as handle:  # grows (a re-export appended to it): recut again
        handle.write(b"\0" * 16)
    assert rel(settings.root, cut(settings).built) == video


def test_changed_subtitles_rebuild_only_the_subtitle_outputs_and_start_no_ffmpeg(
        small_catalogue: Callable[..., Path], tmp_path: Path, counting_ffmpeg: tuple[dict[str, str], Path]) -> None:
    env, log = counting_ffmpeg
    small_catalogue()
    assert run_cli(tmp_path, "cut", env=env).returncode == 0
    before = outputs(tmp_path)
    log.unlink()
    write_vtt(tmp_path / "transcripts" / "film.nl.vtt", [
        ("00:00:01.000", "00:00:03.000", "<v Sara>Een maatje &amp; een nieuwkomer"),
        ("00:00:04.000", "00:00:06.000", "Grenzen trekken is moeilijk"),
        ("00:00:07.000", "00:00:09.500", "Duurzame verankering"),
    ])
    again = run_cli(tmp_path, "cut", env=env)
    assert again.returncode == 0, again.stderr
    assert not log.exists()  # no ffmpeg at all, not even a probe
    assert changed(before, outputs(tmp_path)) == ["transcripts/clips/eerste.nl.vtt", "transcripts/clips/tweede.nl.vtt",
                                                  "transcripts/films/testfilm.nl.vtt"]
    assert "Een maatje &amp; een nieuwkomer" in (tmp_path / "transcripts/clips/eerste.nl.vtt").read_text("utf-8")
