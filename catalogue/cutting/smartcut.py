"""Exact clips at copy speed: re-encode only the partial GOPs at a clip's ends, copy the rest.

A clip of the rendition (catalogue.cutting.rendition) is three pieces of video:

    head    start → the first keyframe in the clip      re-encoded (at most 2 s)
    middle  whole GOPs between the keyframes           stream-copied from the rendition
    tail    the last keyframe in the clip → end        re-encoded (at most 2 s)

The head and tail are encoded from the rendition with the settings and the x264 preset that
made it, so all three pieces share one decoder configuration (checked byte for byte: where the
configurations differ the join is refused and the caller re-encodes the whole clip). The frames
kept are exactly those a full re-encode keeps (`frame_seek_us`, then `duration`), counted on
the rendition's own frame times, so the first frame and the length are the same.

The sound is the rendition's AAC, copied: from the first audio packet at or after the clip's
first frame, placed at its own time (so picture and sound stay in sync to the sample; the clip
may begin with up to one AAC frame, 21 ms at 48 kHz, of silence). Re-encoding it instead would
cost about a second per minute of clip, more than the whole video of a long clip.

Two ffmpeg runs: one writes the pieces (both encodes, the copy, the sound) into a temporary
folder, one joins them with the concat demuxer into the clip (`+faststart`).

The same pieces make a clip's rung of the adaptive ladder (catalogue.cutting.ladder): there the
"rendition" is the film's rung file (its middle GOPs and its sound are copied), and the `Edges`
are decoded from the film's rendition, scaled to the rung and encoded with the rung's settings,
which reproduce the rung file's headers.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalogue.fsutil import process_alive
from catalogue.media import ProgressCallback, file_arg, run_ffmpeg
from catalogue.media import avc_config
from catalogue.cutting.rendition import Rendition, video_encoder

_GLOBAL = ["-hide_banner", "-nostdin", "-v", "error"]
# x264 delays decoding times by its B-frame depth only from the third frame of an encode on: a
# shorter head or tail would put a step into the decoding times of the joined stream (which
# players read as a longer last frame, or worse), so such an edge takes one more GOP with it
MIN_EDGE_FRAMES = 3


class NotSmart(Exception):
    """This clip cannot be cut the smart way (the reason says why); re-encode it whole."""


@dataclass(frozen=True)
class Edges:
    """How the partial GOPs at a clip's ends are re-encoded: decoded from `source` (whose frames have
    the times of the rendition's), through `filters` (an ffmpeg filter chain, "" for none), with
    `encoder`'s settings. By default: the rendition's own frames, unfiltered, its own settings."""

    source: Path
    encoder: dict[str, Any]
    filters: str = ""
    name: str = ""  # the kept edges of each kind are in a folder of their own (and pruned apart)


def default_edges(rendition: Rendition) -> Edges:
    return Edges(rendition.path, video_encoder(rendition.preset))


@dataclass(frozen=True)
class Piece:
    first: int  # index of its first frame among the rendition's frames (display order)
    count: int  # frames


@dataclass(frozen=True)
class SmartPlan:
    head: Piece | None
    middle: Piece
    tail: Piece | None
    audio_first: int | None  # index of the first audio packet kept, None without sound

    @property
    def frames(self) -> int:
        return sum(p.count for p in (self.head, self.middle, self.tail) if p)


def plan_smart(rendition: Rendition, seek_us: int, duration_ms: int) -> SmartPlan:
    """Which frames go into which piece, for the frames a full re-encode seeking to `seek_us` and
    writing `duration_ms` would keep: pts ≥ seek and pts < seek + duration. Pure."""
    video = rendition.video
    num, den = video.timebase
    pts = video.pts
    # compare exactly, in integers: a tick is num/den s
    scaled = [p * num * 1_000_000 for p in pts]
    first = bisect.bisect_left(scaled, seek_us * den)
    stop = bisect.bisect_left(scaled, (seek_us + duration_ms * 1000) * den)
    if first >= stop:
        raise NotSmart("no frame of the rendition in the clip")
    index = {p: i for i, p in enumerate(pts)}
    keys = sorted(index[p] for p, _ in video.keys if p in index)
    if stop == len(pts):
        keys.append(len(pts))  # the film's end closes the last GOP
    start_key = keys[bisect.bisect_left(keys, first)] if bisect.bisect_left(keys, first) < len(keys) else None
    end_keys = [k for k in keys if start_key is not None and start_key < k <= stop]
    if start_key is None or not end_keys or start_key == len(pts):
        raise NotSmart("the clip holds no whole 2-s GOP of the rendition")
    end_key = end_keys[-1]
    if 0 < start_key - first < MIN_EDGE_FRAMES:
        later = [k for k in keys if k > start_key]
        start_key = later[0] if later else len(pts)
    if 0 < stop - end_key < MIN_EDGE_FRAMES:
        earlier = [k for k in keys if k < end_key]
        end_key = earlier[-1] if earlier else 0
    if start_key >= end_key:
        raise NotSmart("the clip holds no whole 2-s GOP of the rendition")
    head = Piece(first, start_key - first) if start_key > first else None
    tail = Piece(end_key, stop - end_key) if stop > end_key else None
    audio_first = None
    if rendition.audio is not None and rendition.audio.pts:
        anum, aden = rendition.audio.timebase
        first_s_num = pts[first] * num * aden  # the first frame's time in audio ticks × den
        audio_first = bisect.bisect_left([a * anum * den for a in rendition.audio.pts], first_s_num)
        if audio_first >= len(rendition.audio.pts):
            audio_first = None
    return SmartPlan(head, Piece(start_key, end_key - start_key), tail, audio_first)


def _seconds(value: float) -> str:
    return f"{max(0.0, value):.6f}"


def _concat_line(path: Path) -> str:
    return "file '" + file_arg(path).replace("'", "'\\''") + "'\n"


def pieces_args(rendition: Rendition, plan: SmartPlan, work: Path, duration_ms: int,
                have: frozenset[str] = frozenset(), edges: Edges | None = None) -> list[str]:
    """One ffmpeg run writing head.mp4, middle.mp4, tail.mp4 (those the plan has, less those in `have`)
    and sound.m4a in `work`. The edges are encoded as `edges` says: by default from the rendition's own
    frames, unfiltered (the same size, range and aspect, so the same headers)."""
    video = rendition.video
    frame_s = rendition.video.seconds(video.pts[1] - video.pts[0]) if len(video.pts) > 1 else 0.04
    source = file_arg(rendition.path)
    edges = edges or default_edges(rendition)
    inputs: list[str] = []
    outputs: list[str] = []
    encoder = [str(part) for key, value in edges.encoder.items() for part in (f"-{key}", value)]
    filters = ["-vf", edges.filters] if edges.filters else []
    count = 0

    def encoded(piece: Piece, seek_s: float, name: str) -> None:
        nonlocal count
        if name in have:
            return
        inputs.extend([*(["-ss", _seconds(seek_s)] if seek_s > 0 else []), "-i", file_arg(edges.source)])
        outputs.extend(["-map", f"{count}:v:0", *filters, *encoder, "-frames:v", str(piece.count), "-an",
                        "-map_metadata", "-1", str(work / name)])
        count += 1

    if plan.head:
        # just before the first frame, as the full re-encode seeks
        encoded(plan.head, video.seconds(video.pts[plan.head.first]) - 0.0001, "head.mp4")
    if plan.tail:
        # half a frame before its keyframe: decoding starts there, nothing before it is kept
        encoded(plan.tail, video.seconds(video.pts[plan.tail.first]) - frame_s / 2, "tail.mp4")
    # the middle: the concat demuxer's inpoint lands on the IDR frame itself (a keyframe at or
    # before it), then exactly its frames in decoding order: whole closed GOPs
    inpoint_us = -(-video.pts[plan.middle.first] * video.timebase[0] * 1_000_000 // video.timebase[1])  # ceil
    (work / "middle.txt").write_text(f"ffconcat version 1.0\n{_concat_line(rendition.path)}"
                                     f"inpoint {inpoint_us / 1_000_000:.6f}\n", encoding="utf-8")
    inputs.extend(["-f", "concat", "-safe", "0", "-i", file_arg(work / "middle.txt")])
    outputs.extend(["-map", f"{count}:v:0", "-c", "copy", "-frames:v", str(plan.middle.count), "-an",
                    "-map_metadata", "-1", str(work / "middle.mp4")])
    count += 1
    if plan.audio_first is not None and rendition.audio is not None:
        audio = rendition.audio
        at_s = audio.seconds(audio.pts[plan.audio_first])
        coarse_s = max(0.0, at_s - 1.0)
        start_s = video.seconds(video.pts[(plan.head or plan.middle).first])
        inputs.extend([*(["-ss", _seconds(coarse_s)] if coarse_s > 0 else []), "-i", source])
        # stream copy keeps the packets at or after the output's -ss: the first is the one planned
        outputs.extend(["-map", f"{count}:a:0", "-c", "copy", "-ss", _seconds(at_s - coarse_s - 0.0001),
                        "-t", _seconds(duration_ms / 1000 - (at_s - start_s)), "-vn", "-map_metadata", "-1",
                        str(work / "sound.m4a")])
    return [*_GLOBAL, "-y", *inputs, *outputs]


def join_args(rendition: Rendition, plan: SmartPlan, work: Path, dest: Path,
              where: dict[str, Path] | None = None, movflags: str = "+faststart") -> list[str]:
    """The pieces joined into one MP4: video copied through the concat demuxer, the sound at its time.
    A piece is in `work` unless `where` names another file for it. `movflags` shape the file (the
    default: progressive, index first)."""
    where = where or {}
    names = [name for name, piece in (("head.mp4", plan.head), ("middle.mp4", plan.middle), ("tail.mp4", plan.tail))
             if piece]
    (work / "pieces.txt").write_text(
        "ffconcat version 1.0\n" + "".join(_concat_line(where.get(n, work / n)) for n in names), encoding="utf-8")
    args = [*_GLOBAL, "-progress", "pipe:1", "-nostats", "-y", "-f", "concat", "-safe", "0",
            "-i", file_arg(work / "pieces.txt")]
    maps = ["-map", "0:v:0"]
    if (work / "sound.m4a").is_file() and plan.audio_first is not None and rendition.audio is not None:
        video, audio = rendition.video, rendition.audio
        offset = audio.seconds(audio.pts[plan.audio_first]) - video.seconds(video.pts[(plan.head or plan.middle).first])
        args += ["-itsoffset", _seconds(offset), "-i", file_arg(work / "sound.m4a")]
        maps += ["-map", "1:a:0"]
    return [*args, *maps, "-c", "copy", "-movflags", movflags, "-map_metadata", "-1", "-map_chapters", "-1",
            "-f", "mp4", file_arg(dest)]


def cut_smart(rendition: Rendition, seek_us: int, duration_ms: int, dest: Path, state_dir: Path,
              on_progress: ProgressCallback | None = None, *, edges: Edges | None = None,
              movflags: str = "+faststart") -> dict[str, Any]:
    """Write the clip to `dest` the smart way; return what was done (for the build record).
    Raises NotSmart when it cannot be done (then nothing is written to `dest`). `edges` and
    `movflags`: see Edges and join_args.

    The re-encoded edges are kept (`state_dir/edges`, by rendition version, frames and settings):
    moving a clip's out-point re-encodes its tail only, moving its in-point its head only."""
    if rendition.preset is None:
        raise NotSmart("the film's rendition was not made by catalogue's encoder settings")
    edges = edges or default_edges(rendition)
    plan = plan_smart(rendition, seek_us, duration_ms)
    kept = state_dir / "edges" / edges.name if edges.name else state_dir / "edges"
    for folder in (state_dir / "work", kept):
        folder.mkdir(parents=True, exist_ok=True)
    cached = {name: kept / f"{_edge_key(rendition, piece, edges)}.mp4"
              for name, piece in (("head.mp4", plan.head), ("tail.mp4", plan.tail)) if piece}
    have = frozenset(name for name, path in cached.items() if path.is_file())
    work = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=state_dir / "work"))
    try:
        run_ffmpeg(pieces_args(rendition, plan, work, duration_ms, have, edges), about=rendition.path)
        for name, path in cached.items():
            made = path if name in have else work / name
            if avc_config(made) != rendition.config:
                raise NotSmart(f"the re-encoded {name[:4]} has other H.264 headers (SPS/PPS) than the rendition")
            if name in have:
                os.utime(path)  # recently used: kept when old edges are pruned
            else:
                os.replace(made, path)
        run_ffmpeg(join_args(rendition, plan, work, dest, cached, movflags), about=rendition.path,
                   on_progress=on_progress)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _prune(kept)
    video = rendition.video
    frame_ms = lambda piece: round(video.seconds(piece.count * (video.pts[1] - video.pts[0])) * 1000) if piece else 0  # noqa: E731
    return {"method": "smart", "preset": rendition.preset, "frames": plan.frames,
            "reencoded_ms": frame_ms(plan.head) + frame_ms(plan.tail), "copied_ms": frame_ms(plan.middle),
            "edges_reused": sorted(name[:4] for name in have)}


KEEP_EDGES = 400  # about 0.5 MB each at 1080p: enough for every clip of a few films, twice over


def _edge_key(rendition: Rendition, piece: Piece, edges: Edges) -> str:
    stat = rendition.path.stat()
    what = [str(rendition.path.resolve()), stat.st_size, stat.st_mtime_ns, piece.first, piece.count,
            edges.encoder]
    if edges.source != rendition.path or edges.filters:  # (the keys of the default edges stay as they were)
        source = edges.source.stat()
        what += [str(edges.source.resolve()), source.st_size, source.st_mtime_ns, edges.filters]
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:32]


def _prune(edges: Path) -> None:
    """Keep the KEEP_EDGES most recently used edges."""
    try:
        files = sorted(edges.glob("*.mp4"), key=lambda p: p.stat().st_mtime_ns)
        for old in files[:-KEEP_EDGES]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # only a cache


def remove_stale_work(work_root: Path) -> None:
    """Remove work folders of earlier runs whose process is gone (killed before it could clean up)."""
    if not work_root.is_dir():
        return
    for folder in work_root.iterdir():
        pid = folder.name.split("-", 1)[0]
        if pid.isascii() and pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)

