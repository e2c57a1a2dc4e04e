"""The adaptive ladder (catalogue.cutting.ladder, .hls; catalogue.media.fmp4): the rungs a film gets,
their bitrates and keyframe grid, a clip's rungs cut the smart way with exactly the exact clip's
frames, the playlists, and reruns that encode nothing. The 720p film and its ladder are made once
per session (tests/conftest.py: ladder_site)."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import pytest

from catalogue.cutting.hls import (Variant, avc_codec, format_master_playlist, format_media_playlist,
                                   parse_master_playlist)
from catalogue.cutting.ladder import RUNGS, plan_ladder
from catalogue.media import Fragment, Fragmented, read_fragmented, read_tracks
from catalogue.media.runner import read_packets
from catalogue.settings import Settings
from conftest import LADDER_CLIPS, corner_levels, gray_level

FPS = 25


def record(settings: Settings, output: Path) -> dict:
    return json.loads((settings.build_dir / f"{output.relative_to(settings.root).as_posix()}.json").read_text())


def video_keys(path: Path) -> list[int]:
    """Presentation times (ticks) of the keyframes of the video track of `path`, plain or fragmented."""
    tracks = read_tracks(path)
    assert tracks is not None, path
    return [pts for pts, _ in next(t for t in tracks if t.handler == "vide").keys]


# --- pure --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "expected"), [
    ((1920, 1080), [("234p", 416, 234), ("360p", 640, 360), ("540p", 960, 540), ("720p", 1280, 720),
                    ("1080p", 1920, 1080)]),
    ((1280, 720), [("234p", 416, 234), ("360p", 640, 360), ("540p", 960, 540), ("720p", 1280, 720)]),
    ((1080, 1920), [("234p", 234, 416), ("360p", 360, 640), ("540p", 540, 960), ("720p", 720, 1280),
                    ("1080p", 1080, 1920)]),  # upright: the short side decides
    ((320, 240), [("234p", 312, 234)]),  # 4:3 at its own aspect
    ((160, 120), [("234p", 160, 120)]),  # smaller than the lowest rung: never upscaled
    ((1440, 1080), [("234p", 312, 234), ("360p", 480, 360), ("540p", 720, 540), ("720p", 960, 720),
                    ("1080p", 1440, 1080)]),
])
def test_plan_ladder_takes_the_rungs_the_picture_reaches(size: tuple[int, int], expected: list) -> None:
    assert [(s.name, *s.size) for s in plan_ladder(*size)] == expected


def test_the_rungs_are_apples_and_peertubes() -> None:
    assert [(r.name, r.video_kbps) for r in RUNGS] == [("234p", 145), ("360p", 500), ("540p", 1200), ("720p", 2500),
                                                      ("1080p", 5000)]
    for rung in RUNGS:
        encoder = rung.encoder()
        assert encoder["maxrate"] == f"{rung.video_kbps}k" and encoder["x264-params"] == "stitchable=1"
        assert encoder["force_key_frames"] == "expr:gte(t,n_forced*2)" and encoder["sc_threshold"] == 0


def test_media_playlist_addresses_the_init_segment_and_each_fragment_by_byte_range() -> None:
    fragmented = Fragmented(1348, 12800, (Fragment(1348, 9913, 0, 8192), Fragment(11261, 30409, 8192, 25600),
                                          Fragment(41670, 20000, 33792, 24576)), ())
    assert format_media_playlist("360p.mp4", fragmented) == "\n".join([
        "#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:2", "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-INDEPENDENT-SEGMENTS", '#EXT-X-MAP:URI="360p.mp4",BYTERANGE="1348@0"',
        "#EXTINF:0.64000,", "#EXT-X-BYTERANGE:9913@1348", "360p.mp4",
        "#EXTINF:2.00000,", "#EXT-X-BYTERANGE:30409@11261", "360p.mp4",
        "#EXTINF:1.92000,", "#EXT-X-BYTERANGE:20000@41670", "360p.mp4",
        "#EXT-X-ENDLIST", ""])


def test_master_playlist_lists_the_rungs_from_the_lowest_up() -> None:
    text = format_master_playlist([
        Variant("720p.m3u8", 2_700_000, 2_500_000, "avc1.64001f,mp4a.40.2", (1280, 720), 25.0),
        Variant("234p.m3u8", 250_000, 240_000, "avc1.64000d,mp4a.40.2", (416, 234), 25.0)])
    assert [(uri, a["BANDWIDTH"], a["RESOLUTION"], a["CODECS"]) for uri, a in parse_master_playlist(text)] == [
        ("234p.m3u8", "250000", "416x234", "avc1.64000d,mp4a.40.2"),
        ("720p.m3u8", "2700000", "1280x720", "avc1.64001f,mp4a.40.2")]
    assert avc_codec(bytes([1, 0x64, 0x00, 0x1f, 0xff])) == "avc1.64001f"


# --- the film's ladder ----------------------------------------------------------------------------------


def test_the_film_gets_its_rungs_with_their_bitrates(ladder_site: Settings) -> None:
    folder = ladder_site.film_hls("ladderfilm")
    variants = parse_master_playlist((folder / "master.m3u8").read_text("utf-8"))
    assert [uri for uri, _ in variants] == ["234p.m3u8", "360p.m3u8", "540p.m3u8", "720p.m3u8"]
    assert [a["RESOLUTION"] for _, a in variants] == ["416x234", "640x360", "960x540", "1280x720"]
    for (uri, attributes), rung in zip(variants, RUNGS):
        assert attributes["CODECS"].startswith("avc1.64") and attributes["CODECS"].endswith(",mp4a.40.2")
        assert attributes["FRAME-RATE"] == "25.000"
        budget = (rung.video_kbps + 96) * 1000  # the video's cap and the sound
        average, peak = int(attributes["AVERAGE-BANDWIDTH"]), int(attributes["BANDWIDTH"])
        # a busy picture spends about its cap (a little over: the files' own bytes); never far above
        assert 0.6 * budget < average < 1.15 * budget, (uri, average, budget)
        assert average <= peak < 1.6 * budget, (uri, peak, budget)
    bandwidths = [int(a["BANDWIDTH"]) for _, a in variants]
    assert bandwidths == sorted(bandwidths)


def test_every_rung_of_the_film_has_the_renditions_keyframes_and_a_segment_each(ladder_site: Settings) -> None:
    rendition_keys = video_keys(ladder_site.film_video("ladderfilm"))
    assert len(rendition_keys) == 8  # a closed GOP every 2 s of 16 s
    folder = ladder_site.film_hls("ladderfilm")
    for name in ("234p", "360p", "540p", "720p"):
        fragmented = read_fragmented(folder / f"{name}.mp4")
        assert fragmented is not None
        assert video_keys(folder / f"{name}.mp4") == rendition_keys, name  # same IDR times, same timeline
        assert len(fragmented.fragments) == len(rendition_keys)  # one segment per GOP, each starts with its IDR
        assert [round(f.duration / fragmented.timescale, 3) for f in fragmented.fragments] == [2.0] * 8


def test_the_fragment_reader_sees_the_samples_ffmpeg_sees(ladder_site: Settings) -> None:
    for path in (ladder_site.film_hls("ladderfilm") / "360p.mp4", ladder_site.clip_hls("lang") / "720p.mp4"):
        video, audio = read_packets(path, audio=True)
        tracks = {t.handler: t for t in read_tracks(path) or []}
        assert tracks["vide"].pts == video.pts and tracks["vide"].keys == video.keys
        assert audio is not None and tracks["soun"].pts == audio.pts


def test_playlists_cover_each_rung_file_without_gaps(ladder_site: Settings) -> None:
    for folder in (ladder_site.film_hls("ladderfilm"), ladder_site.clip_hls("lang")):
        for name in ("234p", "720p"):
            lines = (folder / f"{name}.m3u8").read_text("utf-8").splitlines()
            ranges = [line.split(":", 1)[1] for line in lines if line.startswith("#EXT-X-BYTERANGE:")]
            init = next(line for line in lines if line.startswith("#EXT-X-MAP:"))
            assert init == f'#EXT-X-MAP:URI="{name}.mp4",BYTERANGE="{read_fragmented(folder / f"{name}.mp4").init_size}@0"'
            offset = int(init.split('"')[3].split("@")[0])
            for byte_range in ranges:
                size, at = (int(n) for n in byte_range.split("@"))
                assert at == offset
                offset += size
            assert offset <= (folder / f"{name}.mp4").stat().st_size
            assert lines[-1] == "#EXT-X-ENDLIST"


# --- a clip's ladder ---------------------------------------------------------------------------------


def expected_counter(start: str, end: str) -> list[int]:
    """The frame counter of the frames an exact clip holds (as test_smartcut.expected_frames)."""
    start_s, end_s = (Fraction(t.split(":")[-1]) for t in (start, end))
    first = math.floor(start_s * FPS + Fraction(1, 10**6))
    stop = math.ceil((Fraction(first, FPS) - Fraction(1, 10_000) + end_s - start_s) * FPS)
    return [gray_level(n) for n in range(first, stop)]


@pytest.mark.parametrize("clip_id", sorted(LADDER_CLIPS))
def test_a_clips_rungs_hold_exactly_the_exact_clips_frames(ladder_site: Settings, clip_id: str) -> None:
    wanted = expected_counter(*LADDER_CLIPS[clip_id])
    mp4 = corner_levels(ladder_site.clip_video(clip_id))
    assert len(mp4) == len(wanted) and all(abs(a - b) <= 3 for a, b in zip(mp4, wanted))  # the exact clip
    keys = None
    for name in ("234p", "360p", "540p", "720p"):
        rung = ladder_site.clip_hls(clip_id) / f"{name}.mp4"
        levels = corner_levels(rung)
        wrong = [(i, got, want) for i, (got, want) in enumerate(zip(levels, wanted)) if abs(got - want) > 3]
        assert len(levels) == len(wanted) and not wrong, (name, len(levels), wrong[:5])
        done = record(ladder_site, rung)
        assert done["method"] == "smart", done.get("why")
        assert done["frames"] == len(wanted)
        assert keys is None or video_keys(rung) == keys, name  # every rung's segments start at the same times
        keys = video_keys(rung)
    assert len(keys) == len(read_fragmented(ladder_site.clip_hls(clip_id) / "234p.mp4").fragments)


def test_a_clips_rung_costs_its_edges(ladder_site: Settings) -> None:
    done = record(ladder_site, ladder_site.clip_hls("lang") / "540p.mp4")
    # the frame at 2.28 s → the keyframe at 4 s, and 14 s → 15.08 s: re-encoded; the 10 s between them copied
    assert (done["reencoded_ms"], done["copied_ms"]) == (1720 + 1080, 10_000)
    mp4 = record(ladder_site, ladder_site.clip_video("lang"))
    assert (mp4["reencoded_ms"], mp4["copied_ms"]) == (done["reencoded_ms"], done["copied_ms"])


def test_an_unchanged_rerun_starts_no_ffmpeg(ladder_site: Settings, counting_ffmpeg: tuple[dict[str, str], Path]) -> None:
    import subprocess
    import sys

    env, log = counting_ffmpeg
    done = subprocess.run([sys.executable, "-m", "catalogue", "--root", str(ladder_site.root), "cut"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("0 output(s) built")
    assert not log.exists()


def test_cut_only_without_the_films_ladder_encodes_a_clips_rungs_whole_and_says_why(
        small_catalogue, settings: Settings) -> None:
    from catalogue.cutlist import check_cutlists
    from catalogue.cutting import build, plan_cut
    from catalogue.media import probe_cached

    small_catalogue()
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    jobs, _ = plan_cut(settings, report.catalogue(), report, only=["tweede"])
    notes: list[str] = []

    class Listener:
        def __getattr__(self, name: str):
            return (lambda job, text: notes.append(text)) if name == "note" else (lambda *args: None)

    assert not build(settings, jobs, listener=Listener()).failed  # type: ignore[arg-type]
    done = record(settings, settings.clip_hls("tweede") / "234p.mp4")
    assert done["method"] == "full" and "ladder is not built" in done["why"]
    assert any(note.startswith("234p re-encoded whole: the film's ladder is not built") for note in notes)
    assert not settings.film_hls("testfilm").exists()
    fragmented = read_fragmented(settings.clip_hls("tweede") / "234p.mp4")
    assert fragmented is not None and abs(fragmented.seconds - 2.6) < 0.05


def test_cut_no_ladder_leaves_the_ladder_to_the_next_cut(small_catalogue, settings: Settings) -> None:
    import re
    import subprocess
    import sys

    def cut(*args: str) -> tuple[int, int]:
        done = subprocess.run([sys.executable, "-m", "catalogue", "--root", str(settings.root), "cut", *args],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        found = re.search(r"(\d+) output\(s\) built, (\d+) already current", done.stdout)
        assert found, done.stdout
        return int(found[1]), int(found[2])

    small_catalogue()
    built, _ = cut("--no-ladder")
    assert settings.clip_video("tweede").is_file()
    assert not [p for p in settings.hls_dir.rglob("*") if p.is_file()]
    ladder_built, current = cut()
    ladder = [p for p in settings.hls_dir.rglob("*") if p.is_file()]
    assert settings.film_hls("testfilm").joinpath("master.m3u8").is_file()
    assert settings.clip_hls("tweede").joinpath("master.m3u8").is_file()
    assert (ladder_built, current) == (len(ladder), built)  # only the ladder: the rest stayed current
