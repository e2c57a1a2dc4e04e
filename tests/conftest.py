"""Shared fixtures: real ffmpeg on small generated media, everything under tmp_path."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from catalogue.media.runner import ffmpeg_exe
from catalogue.settings import Settings

DATA = Path(__file__).parent / "data"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# Each frame of a "gray film" is one flat luma level, different from its neighbours by 37:
# decoding any frame tells which frame of the source it is (mod 220 frames).
GRAY_STEP = 37


def gray_level(frame_index: int) -> int:
    return 16 + (frame_index * GRAY_STEP) % 220


def make_video(path: Path, *, seconds: float = 6.0, fps: int = 25, size: str = "320x240",
               audio: bool = True, vcodec: str = "libx264", gop: int | None = None,
               extra: tuple[str, ...] = ()) -> Path:
    """A small film whose frame n has luma 16 + (n*37 mod 220), with a 440 Hz tone."""
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", f"color=c=black:s={size}:r={fps}:d={seconds},format=yuv420p,"
                                 f"geq=lum='16+mod(N*{GRAY_STEP}\\,220)':cb=128:cr=128"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    args += ["-c:v", vcodec]
    if vcodec == "libx264":
        args += ["-crf", "4", "-preset", "ultrafast"]
    elif vcodec == "mpeg4":
        args += ["-q:v", "2"]
    if gop:
        args += ["-g", str(gop)]
    if audio:
        args += ["-c:a", "aac" if path.suffix in (".mp4", ".mov", ".mkv") else "libmp3lame"]
    args += [*extra, str(path)]
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(args, check=True)
    return path


def frame_levels(path: Path, count: int = 1, *, at_s: float | None = None) -> list[int]:
    """Luma level of the first `count` frames shown (from `at_s` when given)."""
    seek = ["-ss", f"{at_s:.3f}"] if at_s is not None else []
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-v", "error", *seek, "-i", str(path),
                          "-frames:v", str(count), "-vf", "scale=2:2:flags=area", "-f", "rawvideo",
                          "-pix_fmt", "yuv420p", "-"], check=True, capture_output=True).stdout
    return list(out[::6])  # 2×2 luma + 1 + 1 chroma bytes a frame


def frame_index_of(level: int, near: int) -> int:
    """The frame index near `near` whose gray level is closest to `level`."""
    candidates = range(max(0, near - 3), near + 4)
    return min(candidates, key=lambda n: abs(gray_level(n) - level))


def write_vtt(path: Path, cues: list[tuple[str, str, str]], *, bom: bool = False, newline: str = "\n",
              encoding: str = "utf-8") -> Path:
    lines = ["WEBVTT", ""]
    for start, end, text in cues:
        lines += [f"{start} --> {end}", text, ""]
    data = newline.join(lines).encode(encoding)
    if bom and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_cutlist(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def film_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Films made once per session (tests copy or link them, never change them)."""
    return tmp_path_factory.mktemp("films")


@pytest.fixture(scope="session")
def gray_film(film_cache: Path) -> Path:
    """12 s, 25 fps, 320×240 H.264 + AAC, a keyframe every 50 frames."""
    return make_video(film_cache / "gray.mp4", seconds=12, gop=50)


@pytest.fixture
def counting_ffmpeg(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An `ffmpeg` first on PATH that logs each start, then runs the real one: (the environment
    that puts it first, the log). For tests that count ffmpeg runs."""
    bin_dir, log = tmp_path / "bin", tmp_path / "ffmpeg-starts.log"
    bin_dir.mkdir()
    wrapper = bin_dir / "ffmpeg"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{ffmpeg_exe()}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return env, log


def paced_ffmpeg(tmp_path: Path, when: str) -> dict[str, str]:
    """The environment of a command whose ffmpeg runs that write a file named with `when` read their
    inputs at real time (`-readrate 1`), a fault injected so that such a run surely lasts as long as
    the media it reads: for tests that must interrupt work in progress. Other runs are left alone."""
    bin_dir = tmp_path / "paced-bin"
    bin_dir.mkdir(exist_ok=True)
    wrapper = bin_dir / "ffmpeg"
    wrapper.write_text(f"""#!{sys.executable}
import os, sys
args = sys.argv[1:]
if any({when!r} in arg for arg in args):
    args = [a for arg in args for a in ((["-readrate", "1", arg]) if arg == "-i" else [arg])]
os.execv({ffmpeg_exe()!r}, [{ffmpeg_exe()!r}, *args])
""")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(root=tmp_path)


@pytest.fixture
def small_catalogue(tmp_path: Path, gray_film: Path) -> Callable[..., Path]:
    """A catalogue root with the gray film, Dutch subtitles and a cut list; returns the cut list."""

    def make(clips: str | None = None) -> Path:
        media = tmp_path / "media"
        media.mkdir(exist_ok=True)
        film = media / "film.mp4"
        if not film.exists():
            film.hardlink_to(gray_film) if gray_film.stat().st_dev == media.stat().st_dev else film.write_bytes(gray_film.read_bytes())
        write_vtt(tmp_path / "transcripts" / "film.nl.vtt", [
            ("00:00:01.000", "00:00:03.000", "<v Sara>Een buddy &amp; een nieuwkomer"),
            ("00:00:04.000", "00:00:06.000", "Grenzen trekken is moeilijk"),
            ("00:00:07.000", "00:00:09.500", "Duurzame verankering"),
        ])
        return write_cutlist(media / "film.toml", f'''
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

            [[theme]]
            id = "omgaan-met-grenzen"
            title = "Omgaan met grenzen"
            {clips if clips is not None else DEFAULT_CLIPS}''')

    return make


DEFAULT_CLIPS = '''
            [[clip]]
            id = "eerste"
            title = "Eerste clip"
            themes = ["rekrutering"]
            start = "00:00:00.800"
            end = "00:00:03.200"

            [[clip]]
            id = "tweede"
            title = "Tweede clip"
            themes = ["omgaan-met-grenzen"]
            start = "00:00:03.800"
            end = "00:00:06.400"
'''


def corpus_dir(name: str) -> Path:
    """A folder of ../shared/corpus, or skip the test when it is not there (a user's clone)."""
    folder = CORPUS / name
    if not folder.is_dir():
        pytest.skip(f"shared corpus not present at {folder}")
    return folder


# --- the adaptive ladder's film (issue 21): shared by the cutting and the player tests -----------------

LADDER_SIZE = (1280, 720)
LADDER_CLIPS = {"lang": ("00:00:02.300", "00:00:15.100"), "kort": ("00:00:05.000", "00:00:09.000")}
LADDER_CUES = [("00:00:03.000", "00:00:06.000", "<v Sara>Een buddy en een nieuwkomer"),
               ("00:00:06.500", "00:00:09.500", "Grenzen trekken is moeilijk"),
               ("00:00:10.000", "00:00:14.000", "Duurzame verankering in de buurt")]


def corner_level_filter() -> str:
    """Decode only the frame counter: the middle of the gray square in the top-left corner of the
    ladder film, at whatever size the picture was scaled to."""
    return "crop=iw*48/1280:ih*48/720:iw*24/1280:ih*24/720,scale=2:2:flags=area"


def corner_levels(path: Path) -> list[int]:
    """The frame counter of every frame of `path` (see ladder_film), in display order."""
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-v", "error", "-i", str(path), "-vf", corner_level_filter(),
                          "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"], check=True, capture_output=True,
                         timeout=120).stdout
    return list(out[::6])


@pytest.fixture(scope="session")
def ladder_film(film_cache: Path) -> Path:
    """16 s, 1280×720, 25 fps: a busy moving test pattern (so the rungs reach their bitrates, as a real
    film's do) with a frame counter in its top-left corner (a gray square whose level is the gray film's:
    16 + 37n mod 220), and a tone. Written in the rendition's form (a closed GOP every 2 s, stitchable
    headers, superfast, B-frames), as the demo film is: `cut` copies it as the rendition."""
    path = film_cache / "ladder.mp4"
    width, height = LADDER_SIZE
    counter = f"color=c=black:s=96x96:r=25:d=16,format=yuv420p,geq=lum='16+mod(N*{GRAY_STEP}\\,220)':cb=128:cr=128"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=s={width}x{height}:r=25:d=16",
                    "-f", "lavfi", "-i", counter, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=16",
                    "-filter_complex", "[0:v][1:v]overlay=0:0,format=yuv420p[v]", "-map", "[v]", "-map", "2:a",
                    "-c:v", "libx264", "-preset", "superfast", "-crf", "20", "-profile:v", "high",
                    "-force_key_frames", "expr:gte(t,n_forced*2)", "-forced-idr", "1", "-sc_threshold", "0",
                    "-x264-params", "stitchable=1", "-c:a", "aac", "-b:a", "128k", "-ac", "2",
                    "-movflags", "+faststart", str(path)], check=True, timeout=300)
    return path


@pytest.fixture(scope="session")
def ladder_site(tmp_path_factory: pytest.TempPathFactory, ladder_film: Path) -> Settings:
    """A catalogue of the ladder film with two clips (`lang`, 12.8 s, and `kort`, 4 s, both starting and
    ending between keyframes) and Dutch subtitles: cut (with the ladders) and indexed once per session.
    Tests only read it."""
    from catalogue.cutlist import check_cutlists
    from catalogue.cutting import build, plan_cut
    from catalogue.media import probe_cached
    from catalogue.search import build_index

    root = tmp_path_factory.mktemp("ladder-site")
    (root / "media").mkdir()
    os.link(ladder_film, root / "media" / "film.mp4") if ladder_film.stat().st_dev == root.stat().st_dev \
        else shutil.copyfile(ladder_film, root / "media" / "film.mp4")
    write_vtt(root / "transcripts" / "film.nl.vtt", LADDER_CUES)
    clips = "".join(f'''
        [[clip]]
        id = "{clip_id}"
        title = "Clip {clip_id}"
        themes = ["rekrutering"]
        start = "{start}"
        end = "{end}"
    ''' for clip_id, (start, end) in LADDER_CLIPS.items())
    write_cutlist(root / "media" / "film.toml", '''
        [film]
        id = "ladderfilm"
        title = "Ladderfilm"
        video = "film.mp4"
        language = "nl"

        [film.subtitles]
        nl = "../transcripts/film.nl.vtt"

        [[theme]]
        id = "rekrutering"
        title = "Rekrutering"
    ''' + clips)
    settings = Settings(root=root)
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    jobs, unplannable = plan_cut(settings, report.catalogue(), report)
    assert not unplannable, unplannable
    summary = build(settings, jobs, workers=2)
    assert not summary.failed, summary.failed
    build_index(settings, report.catalogue(), report)
    return settings


# a film with audio descriptions for one clip (one of them too long for its pause: an extended version),
# machine-made captions nobody reviewed yet, and a site settings file
DESCRIBED_CUTLIST = '''
    [film]
    id = "testfilm"
    title = "Testfilm"
    video = "film.mp4"
    language = "nl"

    [film.subtitles]
    nl = { file = "../transcripts/film.nl.vtt", made_by = "whisper base", reviewed = false }

    [film.descriptions]
    nl = "../transcripts/film.nl.descriptions.vtt"

    [[theme]]
    id = "rekrutering"
    title = "Rekrutering"

    [[clip]]
    id = "beschreven"
    title = "Een beschreven clip"
    themes = ["rekrutering"]
    start = "00:00:00.000"
    end = "00:00:11.000"

    [[clip]]
    id = "onbeschreven"
    title = "Een clip zonder beschrijving"
    themes = ["rekrutering"]
    start = "00:00:11.000"
    end = "00:00:12.000"
'''
DESCRIBED_CAPTIONS = [("00:00:00.500", "00:00:02.500", "<v Ann>Welkom bij de buddywerking."),
                      ("00:00:06.000", "00:00:08.000", "We zoeken nieuwe buddy's."),
                      ("00:00:09.200", "00:00:10.600", "Tot volgende keer.")]
DESCRIPTIONS = [("00:00:02.600", "00:00:05.800", "Ann knikt en glimlacht."),
                ("00:00:08.100", "00:00:09.000", "Op het flipbord staat: samen sterker, buddy's vinden en houden.")]
SITE_TOML = '''
[organisation]
name = "Odisee, De Link en SAM"
email = "toegankelijkheid@example.org"

[statement]
drawn_up = 2026-01-15
reviewed = 2026-11-20
review = "self"
review_details = "Getest met axe-core en met een schermlezer."
'''


@pytest.fixture(scope="session")
def described_root(tmp_path_factory: pytest.TempPathFactory, gray_film: Path) -> Path:
    """A catalogue with audio descriptions, cut and indexed (in-process)."""
    from web.sites import build_site

    root = tmp_path_factory.mktemp("described-site")
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    build_site(root, gray_film, DESCRIBED_CUTLIST,
               {"film.nl.vtt": DESCRIBED_CAPTIONS, "film.nl.descriptions.vtt": DESCRIPTIONS})
    return root
