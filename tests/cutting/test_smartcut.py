"""Smart exact clips (catalogue.cutting.smartcut): edges re-encoded, whole GOPs copied from the rendition.

Every test cuts real films made here with ffmpeg whose frame n is a flat gray level of its own
(conftest.gray_level), so decoding a clip tells exactly which film frames it holds, in order.
"""

from __future__ import annotations

import json
import math
import subprocess
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

from catalogue.cutting import smartcut
from catalogue.buildrecord import BuildRecords
from catalogue.cutlist import check_cutlists
from catalogue.cutting.jobs import build, plan_cut
from catalogue.media.runner import Packets, ffmpeg_exe, probe, read_packets
from catalogue.media import probe_cached
from catalogue.cutting.rendition import ENCODER, Rendition, grid_keyframes
from catalogue.settings import Settings
from catalogue.cutting.smartcut import NotSmart, plan_smart
from conftest import GRAY_STEP, gray_level, write_cutlist


def make_gray(path: Path, *, seconds: float, rate: str = "25", size: str = "320x240",
              encoder: tuple[str, ...] = ("-c:v", "libx264", "-preset", "ultrafast", "-crf", "4"),
              audio: str | None = "sine=frequency=440:sample_rate=48000", extra: tuple[str, ...] = ()) -> Path:
    """A film whose frame n has luma 16 + (n*37 mod 220) at frame rate `rate` (e.g. "30000/1001")."""
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", f"color=c=black:s={size}:r={rate}:d={seconds},format=yuv420p,"
                                 f"geq=lum='16+mod(N*{GRAY_STEP}\\,220)':cb=128:cr=128"]
    if audio:
        args += ["-f", "lavfi", "-i", f"{audio}:duration={seconds}", "-c:a", "aac"]
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([*args, *encoder, "-pix_fmt", "yuv420p", *extra, str(path)], check=True, timeout=120)
    return path


def all_levels(path: Path) -> list[int]:
    """The luma level of every frame of `path`, in display order."""
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-v", "error", "-i", str(path), "-vf",
                          "scale=2:2:flags=area", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                         check=True, capture_output=True, timeout=120).stdout
    return list(out[::6])


def decode_warnings(path: Path) -> str:
    """What ffmpeg says when it decodes every frame with -xerror (stop at the first error)."""
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "warning", "-xerror", "-i", str(path),
                           "-f", "null", "-"], capture_output=True, text=True, timeout=120)
    return (done.stderr + ("" if done.returncode == 0 else f" (exit {done.returncode})")).strip()


def expected_frames(start_ms: int, end_ms: int, rate: Fraction, total: int) -> range:
    """The film frames an exact clip holds: from the one on screen at start, end − start long."""
    first = math.floor(Fraction(start_ms, 1000) * rate + Fraction(1, 10**6))
    seek = Fraction(first) / rate - Fraction(1, 10_000)  # frame_seek_us: 100 µs before that frame
    stop = math.ceil((seek + Fraction(end_ms - start_ms, 1000)) * rate)
    return range(first, min(stop, total))


def catalogue_with(root: Path, film: Path, clips: dict[str, tuple[float, float]]) -> Path:
    body = "".join(f'''
        [[clip]]
        id = "{clip_id}"
        title = "{clip_id}"
        themes = ["impact"]
        start = {start}
        end = {end}
    ''' for clip_id, (start, end) in clips.items())
    (root / "media").mkdir(parents=True, exist_ok=True)
    target = root / "media" / film.name
    if not target.exists():
        target.hardlink_to(film)
    return write_cutlist(root / "media" / "film.toml", f'''
        [film]
        id = "film"
        title = "Film"
        video = "{film.name}"
        language = "nl"
        [[theme]]
        id = "impact"
        title = "Impact"
    ''' + textwrap.dedent(body))


def cut(root: Path, mode: str = "exact", *, force: bool = False):
    settings = Settings(root=root)
    report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
    jobs, unplannable = plan_cut(settings, report.catalogue(), report, mode=mode)
    assert not unplannable
    summary = build(settings, jobs, force=force)
    assert not summary.failed, summary.failed
    return settings, summary


def record(settings: Settings, output: Path) -> dict:
    return json.loads((settings.build_dir / f"{output.relative_to(settings.root).as_posix()}.json").read_text())


def assert_exact(clip: Path, frames: range, fps: float) -> None:
    levels = all_levels(clip)
    wanted = [gray_level(n) for n in frames]
    assert len(levels) == len(wanted), f"{len(levels)} frames, expected {len(wanted)}"
    wrong = [(i, got, want) for i, (got, want) in enumerate(zip(levels, wanted)) if abs(got - want) > 3]
    assert not wrong, f"frames not the film's (index, level, expected): {wrong[:5]}"
    assert abs(probe(clip).duration_ms - len(wanted) * 1000 / fps) <= 1000 / fps + 1
    assert decode_warnings(clip) == ""


# --- the pure plan ---------------------------------------------------------------------------


def packets(frames: int, key_every: int, delay: int = 2, tick: int = 512) -> Packets:
    pts = tuple(n * tick for n in range(frames))
    keys = tuple((p, p - delay * tick) for p in pts[::key_every])
    return Packets((1, 12800), pts, keys)


def rendition(video: Packets, audio: Packets | None = None) -> Rendition:
    return Rendition(Path("r.mp4"), video, audio, b"cfg", "veryfast", (320, 240))


@pytest.mark.parametrize(("start_ms", "duration_ms", "head", "middle", "tail"), [
    (2000, 4000, None, (50, 100), None),           # on keyframes at both ends: nothing re-encoded
    (1960, 8000, (49, 51), (100, 100), (200, 49)),  # one frame before a keyframe: the head takes a GOP more
    (1880, 8000, (47, 3), (50, 150), (200, 47)),   # three frames before: enough for a head of its own
    (2040, 8000, (51, 49), (100, 100), (200, 51)),  # one frame after: the tail takes the GOP before it
    (0, 3000, None, (0, 50), (50, 25)),            # the film's start
    (8000, 4000, None, (200, 100), None),          # to the film's end (300 frames): the end closes the GOP
    (7960, 4040, (199, 51), (250, 50), None),
])
def test_plan_puts_whole_gops_in_the_middle(start_ms: int, duration_ms: int, head, middle, tail) -> None:
    video = packets(300, 50)
    seek_us = max(0, start_ms * 1000 - 100)
    plan = plan_smart(rendition(video), seek_us, duration_ms)
    as_tuple = lambda piece: piece and (piece.first, piece.count)  # noqa: E731
    assert (as_tuple(plan.head), as_tuple(plan.middle), as_tuple(plan.tail)) == (head, middle, tail)
    assert plan.frames == duration_ms // 40


@pytest.mark.parametrize(("start_ms", "duration_ms"), [(2200, 1400), (2040, 1960), (11_000, 1000), (1960, 4000)])
def test_plan_refuses_a_clip_without_a_whole_gop(start_ms: int, duration_ms: int) -> None:
    with pytest.raises(NotSmart, match="GOP"):
        plan_smart(rendition(packets(300, 50)), start_ms * 1000 - 100, duration_ms)


def test_plan_starts_the_sound_at_the_first_packet_at_or_after_the_first_frame() -> None:
    audio = Packets((1, 48000), tuple(n * 1024 for n in range(600)), ())
    plan = plan_smart(rendition(packets(300, 50), audio), 1_960_000 - 100, 8000)
    assert audio.pts[plan.audio_first] == 94208 and audio.pts[plan.audio_first - 1] < 1.96 * 48000


def test_grid_keyframes_are_the_first_frame_at_or_after_each_two_seconds() -> None:
    ntsc = Packets((1, 30000), tuple(n * 1001 for n in range(200)), ())
    assert [p / 30000 for p in grid_keyframes(ntsc)] == pytest.approx([0, 2.002, 4.004, 6.006], abs=1e-9)
    slow = Packets((1, 12800), tuple(n * 1024 for n in range(60)), ())  # 12.5 fps
    assert [p / 12800 for p in grid_keyframes(slow)] == [0, 2, 4]


# --- real films --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("smart-films")


@pytest.fixture(scope="module")
def cut_25(films: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[str, tuple[float, float]]]:
    """One 12-s 25 fps film, a clip for each edge case, cut once (exact, and exact-full beside it)."""
    clips = {
        "op-keyframes": (2.0, 6.0), "net-ervoor": (1.96, 7.96), "net-erna": (2.04, 8.04),
        "twee-ervoor": (1.92, 7.92), "drie-erna": (2.12, 8.12),
        "begin": (0.0, 3.5), "einde": (8.3, 12.0), "alles": (0.0, 12.0), "kort": (2.2, 3.6),
        "midden-frame": (4.53, 9.71),
    }
    film = make_gray(films / "gray25.mp4", seconds=12)
    root = tmp_path_factory.mktemp("smart-25")
    catalogue_with(root, film, clips)
    settings, _ = cut(root)
    return settings, clips


@pytest.mark.parametrize("clip_id", ["op-keyframes", "net-ervoor", "net-erna", "twee-ervoor", "drie-erna",
                                     "begin", "einde", "alles", "midden-frame"])
def test_smart_clip_holds_exactly_the_film_frames_and_decodes_clean(cut_25, clip_id: str) -> None:
    settings, clips = cut_25
    start, end = clips[clip_id]
    clip = settings.clip_video(clip_id)
    assert record(settings, clip)["method"] == "smart"
    assert_exact(clip, expected_frames(round(start * 1000), round(end * 1000), Fraction(25), 300), 25)


def test_a_clip_shorter_than_a_gop_is_reencoded_whole_and_the_record_says_why(cut_25) -> None:
    settings, clips = cut_25
    clip = settings.clip_video("kort")
    done = record(settings, clip)
    assert done["method"] == "full" and "GOP" in done["why"]
    assert_exact(clip, expected_frames(2200, 3600, Fraction(25), 300), 25)


def test_smart_and_full_reencode_hold_the_same_frames(cut_25, tmp_path: Path) -> None:
    settings, clips = cut_25
    full_root = tmp_path / "full"
    catalogue_with(full_root, settings.media_dir / "gray25.mp4", {"midden-frame": clips["midden-frame"]})
    full_settings, _ = cut(full_root, "exact-full")
    full = full_settings.clip_video("midden-frame")
    assert record(full_settings, full)["method"] == "full"
    assert all_levels(full) == pytest.approx(all_levels(settings.clip_video("midden-frame")), abs=3)


def test_the_rendition_has_an_idr_frame_exactly_every_two_seconds(cut_25) -> None:
    settings, _ = cut_25
    video, _ = read_packets(settings.film_video("film"), audio=False)
    assert [p for p, _ in video.keys] == grid_keyframes(video)
    assert [video.seconds(p) for p in grid_keyframes(video)] == [0, 2, 4, 6, 8, 10]


@pytest.mark.parametrize(("name", "rate", "fps", "encoder", "extra"), [
    ("bframes", "25", 25.0, ("-c:v", "libx264", "-preset", "medium", "-bf", "3", "-crf", "8", "-g", "250"), ()),
    ("ntsc", "30000/1001", 30000 / 1001, ("-c:v", "libx264", "-preset", "ultrafast", "-crf", "4"), ()),
    ("pal-half", "25/2", 12.5, ("-c:v", "libx264", "-preset", "ultrafast", "-crf", "4"), ()),
    ("mpeg4", "25", 25.0, ("-c:v", "mpeg4", "-q:v", "2"), ()),
])
def test_odd_sources_give_exact_smart_clips(films: Path, tmp_path: Path, name: str, rate: str, fps: float,
                                            encoder: tuple[str, ...], extra: tuple[str, ...]) -> None:
    suffix = ".mkv" if encoder[1] == "mpeg4" else ".mp4"
    film = make_gray(films / f"{name}{suffix}", seconds=9, rate=rate, encoder=encoder, extra=extra)
    clips = {"a": (1.37, 6.81), "b": (4.0, 9.0)}
    catalogue_with(tmp_path, film, clips)
    settings, _ = cut(tmp_path)
    total = len(read_packets(film, audio=False)[0].pts)
    for clip_id, (start, end) in clips.items():
        clip = settings.clip_video(clip_id)
        assert record(settings, clip)["method"] == "smart"
        assert_exact(clip, expected_frames(round(start * 1000), round(end * 1000), Fraction(rate), total), fps)


def test_a_rotated_source_gives_upright_smart_clips(films: Path, tmp_path: Path) -> None:
    plain = make_gray(films / "flat.mp4", seconds=7, size="320x180")
    rotated = films / "rotated.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-display_rotation:v:0", "90", "-i", str(plain),
                    "-c", "copy", str(rotated)], check=True)
    catalogue_with(tmp_path, rotated, {"rechtop": (1.5, 6.5)})
    settings, _ = cut(tmp_path)
    clip = settings.clip_video("rechtop")
    video = probe(clip).video
    assert video is not None and (video.width, video.height, video.rotation) == (180, 320, 0)
    assert record(settings, clip)["method"] == "smart"
    assert_exact(clip, expected_frames(1500, 6500, Fraction(25), 175), 25)


# ultrafast has no B-frames; veryfast has, so the film starts through an edit list (its first frame is
# decoded 2 frames before it is shown), which the copy must keep or every frame moves
@pytest.mark.parametrize("preset", ["ultrafast", "veryfast"])
def test_a_source_already_in_the_rendition_form_is_copied_and_cut_with_its_preset(films: Path, tmp_path: Path,
                                                                                   preset: str) -> None:
    keys = ("-force_key_frames", "expr:gte(t,n_forced*2)", "-forced-idr", "1", "-sc_threshold", "0",
            "-x264-params", "stitchable=1", "-profile:v", "high")
    film = make_gray(films / f"mezzanine-{preset}.mp4", seconds=9,
                     encoder=("-c:v", "libx264", "-preset", preset, "-crf", "20", *keys))
    catalogue_with(tmp_path, film, {"a": (1.37, 6.81)})
    settings, summary = cut(tmp_path)
    web = settings.film_video("film")
    assert record(settings, web)["inputs"]["mode"] == "copy"
    assert record(settings, web)["inputs"]["preset"] == preset
    done = record(settings, settings.clip_video("a"))
    assert (done["method"], done["preset"]) == ("smart", preset)
    assert_exact(settings.clip_video("a"), expected_frames(1370, 6810, Fraction(25), 225), 25)


def test_a_film_with_other_gops_is_not_taken_as_a_rendition(cut_25) -> None:
    settings, _ = cut_25
    assert record(settings, settings.film_video("film"))["inputs"]["encoder"] == ENCODER  # encoded, not copied


def test_edges_whose_headers_differ_are_refused_and_the_clip_reencoded_whole(
        films: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    film = make_gray(films / "gray25-short.mp4", seconds=8)
    catalogue_with(tmp_path, film, {"a": (1.37, 6.81)})
    real = smartcut.video_encoder
    monkeypatch.setattr(smartcut, "video_encoder", lambda preset=None: real("ultrafast"))  # the fault
    settings, _ = cut(tmp_path)
    done = record(settings, settings.clip_video("a"))
    assert done["method"] == "full" and "SPS/PPS" in done["why"]
    assert_exact(settings.clip_video("a"), expected_frames(1370, 6810, Fraction(25), 200), 25)
    assert not list((settings.rendition_dir / "work").iterdir())  # the pieces are gone


def test_changing_the_mode_rebuilds_and_the_record_tells_which_way(cut_25, tmp_path: Path) -> None:
    settings, clips = cut_25
    root = tmp_path / "modes"
    catalogue_with(root, settings.media_dir / "gray25.mp4", {"a": clips["net-erna"]})
    settings, _ = cut(root, "exact")
    clip = settings.clip_video("a")
    assert record(settings, clip)["method"] == "smart"
    _, summary = cut(root, "exact-full")
    assert clip in summary.built and record(settings, clip)["method"] == "full"
    _, summary = cut(root, "exact-full")
    assert summary.built == []
    _, summary = cut(root, "exact")
    assert clip in summary.built and record(settings, clip)["method"] == "smart"


def test_moving_the_out_point_recuts_only_that_clip_not_the_rendition(cut_25, tmp_path: Path) -> None:
    settings, clips = cut_25
    root = tmp_path / "move"
    cutlist = catalogue_with(root, settings.media_dir / "gray25.mp4", {"a": (1.0, 7.0), "b": (3.0, 9.0)})
    settings, _ = cut(root)
    rendition_before = settings.film_video("film").stat().st_mtime_ns
    cutlist.write_text(cutlist.read_text().replace("end = 9.0", "end = 10.0"))
    _, summary = cut(root)
    assert [p.relative_to(root).as_posix() for p in summary.built if "/hls/" not in p.as_posix()] == [
        "transcripts/films/film.chapters.vtt", "media/clips/b.mp4", "media/clips/b.jpg"]
    assert sorted(p.relative_to(root).as_posix() for p in summary.built if "/hls/" in p.as_posix()) == [
        f"media/hls/clips/b/{name}" for name in ("234p.m3u8", "234p.mp4", "master.m3u8")]  # its ladder, not the film's
    assert settings.film_video("film").stat().st_mtime_ns == rendition_before
    assert record(settings, settings.clip_video("b"))["edges_reused"] == ["head"]  # only the new tail encoded
    rung = record(settings, settings.clip_hls("b") / "234p.mp4")  # and so for its rung of the ladder
    assert (rung["method"], rung["edges_reused"]) == ("smart", ["head"])
    assert_exact(settings.clip_video("b"), expected_frames(3000, 10_000, Fraction(25), 300), 25)


def _beep_onset_s(path: Path) -> float:
    """When the sound of `path` first gets loud (in s), to a sample."""
    raw = subprocess.run([ffmpeg_exe(), "-hide_banner", "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
                          "-ar", "48000", "-f", "s16le", "-"], check=True, capture_output=True, timeout=60).stdout
    samples = memoryview(raw).cast("h")
    return next(i for i, s in enumerate(samples) if abs(s) > 8000) / 48000


@pytest.mark.parametrize("mode", ["exact", "exact-full"])
def test_sound_stays_in_sync_within_one_audio_frame(films: Path, tmp_path: Path, mode: str) -> None:
    # silence, then a loud tone from exactly 5.000 s of film time
    film = make_gray(films / "beep.mp4", seconds=9, audio="aevalsrc='if(gte(t\\,5)\\,0.8*sin(2*PI*440*t)\\,0)':s=48000")
    catalogue_with(tmp_path, film, {"a": (3.37, 8.0)})
    settings, _ = cut(tmp_path, mode)
    clip = settings.clip_video("a")
    first_frame_s = 84 / 25  # frame 84 (3.36 s) is on screen at 3.37 s
    assert _beep_onset_s(clip) == pytest.approx(5.0 - first_frame_s, abs=1024 / 48000)


def test_smart_pictures_are_within_40_db_of_a_full_reencode(films: Path, tmp_path: Path) -> None:
    film = films / "pattern.mp4"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=640x360:rate=25:duration=10", "-c:v", "libx264", "-preset", "medium",
                    "-crf", "12", "-g", "250", str(film)], check=True, timeout=120)
    catalogue_with(tmp_path / "smart", film, {"a": (1.37, 8.81)})
    catalogue_with(tmp_path / "full", film, {"a": (1.37, 8.81)})
    smart, _ = cut(tmp_path / "smart")
    full, _ = cut(tmp_path / "full", "exact-full")
    log = tmp_path / "psnr.log"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-v", "error", "-i", str(smart.clip_video("a")), "-i",
                    str(full.clip_video("a")), "-lavfi", f"[0:v]setpts=N[a];[1:v]setpts=N[b];[a][b]psnr=stats_file={log}",
                    "-f", "null", "-"], check=True, timeout=120)
    values = [float(part.split(":")[1]) for line in log.read_text().splitlines()
              for part in line.split() if part.startswith("psnr_avg:")]
    assert len(values) == 186 and min(values) >= 40, min(values)


def test_only_cuts_from_a_current_rendition_else_reencodes_whole_and_says_so(films: Path, tmp_path: Path) -> None:
    """`cut --only` builds no rendition: with none, or one of an earlier version of the film, the
    clip is re-encoded whole from the film (never cut from a stale rendition)."""
    film = make_gray(films / "gray25-only.mp4", seconds=8)
    catalogue_with(tmp_path, film, {"a": (1.0, 7.0)})
    settings = Settings(root=tmp_path)

    def cut_only() -> dict:
        report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
        jobs, _ = plan_cut(settings, report.catalogue(), report, only=("a",))
        assert not build(settings, jobs, force=True).failed
        return record(settings, settings.clip_video("a"))

    done = cut_only()
    assert done["method"] == "full" and "not built" in done["why"]
    cut(tmp_path)  # the whole catalogue: now the rendition is there
    assert cut_only()["method"] == "smart"
    (tmp_path / "media" / film.name).unlink()
    make_gray(tmp_path / "media" / film.name, seconds=8, size="160x120")  # a new master under the same name
    done = cut_only()
    assert done["method"] == "full" and "not built" in done["why"]
    assert probe(settings.clip_video("a")).video.width == 160


@pytest.mark.parametrize("name", ["bframes", "ntsc", "rendition"])
def test_the_sample_table_reader_sees_the_frames_ffmpeg_sees(films: Path, cut_25, name: str) -> None:
    """catalogue.media.mp4 reads times from the MP4's tables; ffmpeg's demuxer (framecrc) is the oracle."""
    from catalogue.media import read_tracks

    if name == "rendition":
        path = cut_25[0].film_video("film")
    else:
        encoder = ("-c:v", "libx264", "-preset", "medium", "-bf", "3", "-crf", "8") if name == "bframes" else \
            ("-c:v", "libx264", "-preset", "ultrafast", "-crf", "4")
        path = make_gray(films / f"oracle-{name}.mp4", seconds=5, rate="30000/1001" if name == "ntsc" else "25",
                         encoder=encoder)
    video, audio = read_packets(path, audio=True)
    tracks = {t.handler: t for t in read_tracks(path) or ()}
    assert (tracks["vide"].pts, tracks["vide"].keys) == (video.pts, video.keys)
    assert (1, tracks["vide"].timescale) == video.timebase
    assert audio is not None and tracks["soun"].pts == audio.pts
