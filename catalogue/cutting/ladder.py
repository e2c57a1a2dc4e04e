"""The adaptive ladder: the film and every clip as HLS in fragmented MP4 (CMAF), one byte-range file
per rung, on the rendition's 2-s grid of closed GOPs, for players on slow and fast connections.

    media/hls/films/<film>/   master.m3u8, and per rung <rung>.m3u8 and <rung>.mp4
    media/hls/clips/<clip>/   the same for a clip

The film's rungs are encoded once per film version, in one ffmpeg run: the rendition is decoded
once, split, scaled and encoded by one x264 per rung, with the rendition's keyframe grid and
`stitchable` headers. A clip's rungs are then made the smart cut's way (catalogue.cutting.smartcut):
the film's rung file plays the rendition's part (its whole GOPs and its sound are copied), and
only the partial GOPs at the clip's ends are encoded, from the rendition's frames with the rung's
settings, so a clip's ladder costs about its edges per rung. Where that cannot be done (the film's
ladder is not current, as with `cut --only`), a rung is encoded whole and its record says why.

Every file is a step of the film's or the clip's job: built incrementally, atomically, recorded;
a playlist is remade whenever the rung file it describes is.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from catalogue.cutting.hls import MASTER, Variant, avc_codec, format_master_playlist, format_media_playlist, segment_rates
from catalogue.cutting.rendition import load_rendition, target_size, video_encoder
from catalogue.cutting.smartcut import Edges, NotSmart, cut_smart
from catalogue.cutting.steps import FFMPEG_GLOBAL, Step, frame_seek_us, is_current, run_ffmpeg_into, space_for
from catalogue.errors import MediaError
from catalogue.fsutil import open_partial
from catalogue.media import Fragmented, ProgressCallback, avc_config, file_arg, read_fragmented, run_ffmpeg
from catalogue.model import MediaInfo
from catalogue.settings import Settings
from catalogue.timecode import format_seconds

LADDER_RECIPE = 1  # bump when the commands change in a way that should rebuild every ladder
# one fragment per GOP (a segment of the playlists), the edit lists in the init segment as in an MP4
FRAGMENTED = "+frag_keyframe+delay_moov+default_base_moof"
AUDIO: dict[str, Any] = {"c:a": "aac", "b:a": "96k", "ac": 2}
CRF = 23  # each rung is capped at its bitrate, and spends less where the picture is easy


@dataclass(frozen=True)
class Rung:
    """A quality of the ladder: the picture's short side, the video bitrate it is capped at, and the
    x264 preset (chosen so that the whole ladder encodes faster than real time on 2 cores:
    docs/benchmarks.md)."""

    name: str
    short_side: int
    video_kbps: int
    preset: str

    def encoder(self) -> dict[str, Any]:
        """The rendition's video settings (2-s IDR grid, stitchable headers), capped at the bitrate."""
        settings = {k: v for k, v in video_encoder(self.preset).items() if k != "crf"}
        return {**settings, "crf": CRF, "maxrate": f"{self.video_kbps}k", "bufsize": f"{2 * self.video_kbps}k"}


# Apple's and PeerTube's ladders: 234p for 2G-like connections, up to 1080p where the film has it
RUNGS = (
    Rung("234p", 234, 145, "faster"),
    Rung("360p", 360, 500, "faster"),
    Rung("540p", 540, 1200, "veryfast"),
    Rung("720p", 720, 2500, "veryfast"),
    Rung("1080p", 1080, 5000, "superfast"),
)


@dataclass(frozen=True)
class Sized:
    """A rung at a film's picture size."""

    rung: Rung
    size: tuple[int, int]

    @property
    def name(self) -> str:
        return self.rung.name

    @property
    def filters(self) -> str:
        width, height = self.size
        return f"scale={width}:{height}:out_range=tv,setsar=1"


def plan_ladder(width: int, height: int) -> tuple[Sized, ...]:
    """The rungs for a picture of width × height (as the rendition has it): those whose short side it
    reaches, each at the picture's aspect with even sides; a picture smaller than the lowest rung gets
    that rung at its own size. Never upscales."""
    short = min(width, height)
    chosen = [r for r in RUNGS if r.short_side <= short] or [RUNGS[0]]
    sized = []
    for rung in chosen:
        scale = min(1.0, rung.short_side / short)
        sized.append(Sized(rung, (max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2))))
    return tuple(sized)


def _flags(settings: dict[str, Any]) -> list[str]:
    return [str(part) for key, value in settings.items() for part in (f"-{key}", value)]


def _output(encoder: dict[str, Any], audio: bool, dest: Path) -> list[str]:
    sound = _flags(AUDIO) if audio else ["-an"]
    return [*_flags(encoder), *sound, "-map_metadata", "-1", "-map_chapters", "-1", "-movflags", FRAGMENTED,
            "-f", "mp4", file_arg(dest)]


def ladder_args(source: Path, rungs: Sequence[Sized], dests: Sequence[Path], audio: bool) -> list[str]:
    """One ffmpeg run writing every rung of the film: one decode of the rendition `source`, split, an x264
    per rung. Every rung keeps the rendition's frame times (`-copyts`) and its keyframes (`source`): a
    clip's rungs are planned on the rendition's grid, and their edges decoded from its frames."""
    labels = "".join(f"[s{i}]" for i in range(len(rungs)))
    graph = f"[0:v:0]split={len(rungs)}{labels};" + ";".join(f"[s{i}]{s.filters}[v{i}]" for i, s in enumerate(rungs))
    args = [*FFMPEG_GLOBAL, "-y", "-copyts", "-i", file_arg(source), "-filter_complex", graph]
    for i, (sized, dest) in enumerate(zip(rungs, dests)):
        encoder = {**sized.rung.encoder(), "force_key_frames": "source"}
        args += ["-map", f"[v{i}]", *(["-map", "0:a:0"] if audio else []), *_output(encoder, audio, dest)]
    return args


def rung_args(source: Path, dest: Path, sized: Sized, audio: bool, seek_us: int, duration_ms: int) -> list[str]:
    """One rung of a stretch of `source`, encoded whole (frame-accurate: seek before the input, as the
    clip encoder does)."""
    seek = ["-ss", f"{seek_us / 1_000_000:.6f}"] if seek_us else []
    return [*FFMPEG_GLOBAL, "-y", *seek, "-i", file_arg(source), "-map", "0:v:0", *(["-map", "0:a:0"] if audio else []),
            "-vf", sized.filters, "-t", format_seconds(duration_ms), *_output(sized.rung.encoder(), audio, dest)]


# --- the steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilmLadder:
    """The film's rungs (each with the step that writes its file), and every step of its ladder."""

    rungs: tuple[tuple[Sized, Step], ...]
    steps: tuple[Step, ...]


class _OneRun:
    """The film's rung files come from one ffmpeg run, made when the first rung step runs: it writes
    every rung into a temporary file beside that rung's output (made exclusively, as every partial is:
    catalogue.fsutil), and each rung step moves its own into the file it is to produce; the files of rungs
    whose steps were current are removed by `close` (the master playlist's step)."""

    def __init__(self, source: Path, rungs: Sequence[tuple[Sized, Path]], audio: bool) -> None:
        self.source, self.rungs, self.audio = source, rungs, audio
        self.made: dict[Path, Path] = {}  # a rung's output -> the file the run wrote for it
        self.ran = False

    def take(self, output: Path, tmp: Path, on_progress: ProgressCallback) -> dict[str, Any]:
        encoded = not self.ran
        if encoded:
            self._encode(output, on_progress)
        os.replace(self.made.pop(output), tmp)
        return {"method": "ladder", "encoded": encoded}

    def _encode(self, output: Path, on_progress: ProgressCallback) -> None:
        self.ran = True
        try:
            for _, path in self.rungs:
                path.parent.mkdir(parents=True, exist_ok=True)
                handle, self.made[path] = open_partial(path)
                os.close(handle)
            with space_for(output):
                run_ffmpeg(ladder_args(self.source, [sized for sized, _ in self.rungs],
                                       [self.made[path] for _, path in self.rungs], self.audio),
                           about=self.source, on_progress=on_progress)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Remove the rung files no step took (their steps were current, or the run failed)."""
        for tmp in self.made.values():
            tmp.unlink(missing_ok=True)
        self.made.clear()


def film_ladder(settings: Settings, film_id: str, info: MediaInfo, rendition: Step) -> FilmLadder:
    """The steps of the film's ladder, encoded from its rendition (`rendition`, built before them)."""
    assert info.video is not None
    rungs = plan_ladder(*target_size(*info.video.display_size))
    folder = settings.film_hls(film_id)
    encode = _OneRun(rendition.output, [(sized, folder / f"{sized.name}.mp4") for sized in rungs],
                     info.audio is not None)
    steps = []
    for index, sized in enumerate(rungs):
        output = folder / f"{sized.name}.mp4"
        key = {"recipe": LADDER_RECIPE, "kind": "film-rung", "rendition": rendition.key, "rung": sized.name,
               "size": list(sized.size), "encoder": sized.rung.encoder(), "audio": AUDIO if info.audio else None,
               "movflags": FRAGMENTED}
        steps.append((sized, Step(output, key, info.duration_ms if index == 0 else 0,
                                  partial(encode.take, output), needs=(rendition.output,))))
    return FilmLadder(tuple(steps), (*(step for _, step in steps), *playlist_steps(folder, steps, encode.close)))


def clip_ladder(settings: Settings, clip_id: str, window_ms: tuple[int, int], info: MediaInfo, source: Path,
                rendition: Step, film: FilmLadder, redact: list[list[int]] | None = None) -> list[Step]:
    """The steps of a clip's ladder for the film time `window_ms` (what the clip's MP4 shows), cut from
    the film's rung files the smart way. `redact`: the redacted ranges inside the clip (clip time): a
    redaction elsewhere in the film re-encodes the film's rungs but leaves this clip's as they are."""
    assert info.video is not None
    folder = settings.clip_hls(clip_id)
    start_ms, end_ms = window_ms
    seek_us = frame_seek_us(start_ms, info.video.fps)
    steps = []
    for sized, film_rung in film.rungs:
        output = folder / f"{sized.name}.mp4"
        key = {"recipe": LADDER_RECIPE, "kind": "clip-rung", "film_rung": _unredacted(film_rung.key),
               "window": [start_ms, end_ms], **({"redact": redact} if redact else {})}
        cut = partial(_cut_rung, settings, sized, film_rung, rendition, source, info.audio is not None, seek_us,
                      end_ms - start_ms, output)
        steps.append((sized, Step(output, key, end_ms - start_ms, cut)))
    return [*(step for _, step in steps), *playlist_steps(folder, steps)]


def _unredacted(film_rung_key: dict[str, Any]) -> dict[str, Any]:
    """A film rung's key without the film's redacted ranges (which a clip's own key holds when it
    overlaps them)."""
    rendition = {k: v for k, v in film_rung_key["rendition"].items() if k != "redact"}
    return {**film_rung_key, "rendition": rendition}


def _cut_rung(settings: Settings, sized: Sized, film_rung: Step, rendition: Step, source: Path, audio: bool,
              seek_us: int, duration_ms: int, output: Path, tmp: Path, on_progress: ProgressCallback) -> dict[str, Any]:
    try:
        if not (is_current(settings, film_rung) and is_current(settings, rendition)):
            raise NotSmart("the film's ladder is not built for this version of the film (`catalogue cut` without "
                           "--only builds it)")
        rung = load_rendition(film_rung.output, sized.rung.preset)
        edges = Edges(rendition.output, sized.rung.encoder(), sized.filters, sized.name)
        with space_for(output):
            return cut_smart(rung, seek_us, duration_ms, tmp, settings.rendition_dir, on_progress, edges=edges,
                             movflags=FRAGMENTED)
    except NotSmart as why:
        frames = rendition.output if is_current(settings, rendition) else source
        run_ffmpeg_into(output, tmp, rung_args(frames, tmp, sized, audio, seek_us, duration_ms), frames,
                         on_progress, None)
        return {"method": "full", "why": str(why), "note": f"{sized.name} re-encoded whole: {why}"}


def playlist_steps(folder: Path, rungs: Sequence[tuple[Sized, Step]],
                   after: Callable[[], None] | None = None) -> list[Step]:
    """A media playlist per rung file and the master playlist, each remade whenever a file it
    describes is (`needs`); `after` runs once the master is written."""
    steps = [Step(folder / f"{sized.name}.m3u8", {"recipe": LADDER_RECIPE, "kind": "playlist", "rung": step.key}, 0,
                  partial(_write_media_playlist, step.output), needs=(step.output,)) for sized, step in rungs]
    key = {"recipe": LADDER_RECIPE, "kind": "master", "rungs": [step.key for _, step in rungs]}
    files = tuple(step.output for _, step in rungs)
    steps.append(Step(folder / MASTER, key, 0, partial(_write_master, [(s, step.output) for s, step in rungs], after),
                      needs=files + tuple(step.output for step in steps)))
    return steps


def _fragments(media: Path) -> Fragmented:
    fragmented = read_fragmented(media)
    if fragmented is None:
        raise MediaError(media, "not a fragmented MP4 this reader follows; run `catalogue cut --force` to remake it")
    return fragmented


def _write_media_playlist(media: Path, tmp: Path, on_progress: ProgressCallback) -> None:
    tmp.write_text(format_media_playlist(media.name, _fragments(media)), encoding="utf-8")


def _write_master(rungs: Sequence[tuple[Sized, Path]], after: Callable[[], None] | None, tmp: Path,
                  on_progress: ProgressCallback) -> None:
    tmp.write_text(format_master_playlist([variant(sized, media) for sized, media in rungs]), encoding="utf-8")
    if after:
        after()


def variant(sized: Sized, media: Path) -> Variant:
    """How the master playlist lists a rung file: measured from the file itself."""
    fragmented = _fragments(media)
    config = avc_config(media)
    if config is None:
        raise MediaError(media, "no H.264 track; run `catalogue cut --force` to remake it")
    peak, average = segment_rates(fragmented)
    video = next(t for t in fragmented.tracks if t.handler == "vide")
    fps = len(video.pts) / fragmented.seconds if fragmented.seconds else 0.0
    audio = any(t.handler == "soun" for t in fragmented.tracks)
    codecs = avc_codec(config) + (",mp4a.40.2" if audio else "")
    return Variant(f"{sized.name}.m3u8", peak, average, codecs, sized.size, fps)
