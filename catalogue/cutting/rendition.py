"""The film's web rendition (`media/films/<film>.mp4`): the mezzanine every exact clip is cut from.

It is H.264 made by our own encoder settings (`ENCODER`), at most 1080p, rotation applied,
AAC, with a closed GOP starting exactly every 2 s (an IDR frame on the first frame at or
after each multiple of 2 s, no other keyframes). Because we made it, a clip can copy its
whole GOPs and re-encode only the partial GOPs at its ends with the same settings: the
pieces then share one decoder configuration (SPS/PPS), which is what makes the join
valid. x264's `stitchable` option keeps that configuration independent of the content.

A source already in that form (made by `catalogue demo`, or an earlier rendition) is
copied, not encoded again. What the smart cut needs to know of a rendition (every frame's
time, the keyframes, the decoder configuration, the preset that reproduces it) is read
once per file version and cached.
"""

from __future__ import annotations

import json
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg

from catalogue.errors import MediaError
from catalogue.fsutil import write_text_atomic
from catalogue.media import Packets, file_arg, run_ffmpeg
from catalogue.model import MediaInfo
from catalogue.media import avc_config, read_tracks
from catalogue.media import file_identity, identity_key

GOP_MS = 2000
ENCODER: dict[str, Any] = {
    "c:v": "libx264", "preset": "veryfast", "crf": 20, "pix_fmt": "yuv420p", "profile:v": "high",
    # an IDR frame (closed GOP) on the first frame at or after every 2 s, and nowhere else: quick
    # seeking in browsers, and whole GOPs a clip can copy
    "force_key_frames": "expr:gte(t,n_forced*2)", "forced-idr": 1, "sc_threshold": 0,
    "x264-params": "stitchable=1",  # headers (SPS/PPS) that do not depend on the content: joinable
    "c:a": "aac", "b:a": "128k", "ac": 2,
    "movflags": "+faststart",
}
# x264 presets a source in the rendition's form may have been made with (the demo film uses a fast
# one); edges of a clip are re-encoded with the preset whose headers match the rendition's
PRESETS = ("veryfast", "ultrafast", "superfast", "faster", "fast", "medium")
MAX_LONG_SIDE, MAX_SHORT_SIDE = 1920, 1080
_FACTS_VERSION = 1


def target_size(width: int, height: int) -> tuple[int, int]:
    """Fit within 1920×1080 (or 1080×1920 upright), keep the aspect, never upscale, even sides."""
    long_max, short_max = (MAX_LONG_SIDE, MAX_SHORT_SIDE) if width >= height else (MAX_SHORT_SIDE, MAX_LONG_SIDE)
    scale = min(1.0, long_max / width, short_max / height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def video_encoder(preset: str | None = None) -> dict[str, Any]:
    """ENCODER's video settings (with another x264 preset when given)."""
    settings = {k: v for k, v in ENCODER.items() if not k.endswith(":a") and k not in ("ac", "movflags")}
    return {**settings, "preset": preset} if preset else settings


@dataclass(frozen=True)
class Rendition:
    """What the smart cut needs to know of a rendition file."""

    path: Path
    video: Packets
    audio: Packets | None
    config: bytes  # the avcC box: profile, level, SPS, PPS
    preset: str | None  # the x264 preset whose encodes of this file have the same config; None: no smart cut
    size: tuple[int, int]


def grid_keyframes(video: Packets) -> list[int]:
    """The frames `force_key_frames expr:gte(t,n_forced*2)` makes keyframes: the first frame
    at or after each multiple of 2 s."""
    if not video.pts:
        return []
    num, den = video.timebase
    wanted, chosen = 0, []
    for pts in video.pts:
        if pts * num * 1000 >= wanted * GOP_MS * den:  # at or past the next multiple of 2 s
            chosen.append(pts)
            wanted = pts * num * 1000 // (GOP_MS * den) + 1
    return chosen


def form_problem(info: MediaInfo, video: Packets | None = None) -> str:
    """Why a file is not in the rendition's form ("" when it is, as far as these facts tell; the
    decoder configuration is compared separately, by `matching_preset`)."""
    v = info.video
    if v is None:
        return "no video"
    if v.codec != "h264" or v.pix_fmt not in ("yuv420p", ""):
        return f"video is {v.codec} {v.pix_fmt}, not H.264 yuv420p"
    if info.audio is not None and info.audio.codec != "aac":
        return f"audio is {info.audio.codec}, not AAC"
    if not info.container.startswith("mov,mp4"):
        return f"container is {info.container}, not MP4"
    if v.rotation:
        return f"rotated by {v.rotation}°"
    if (v.width, v.height) != target_size(v.width, v.height):
        return f"{v.width}×{v.height} is larger than 1080p or has odd sides"
    if video is not None:
        keys = [pts for pts, _ in video.keys]
        if keys != grid_keyframes(video):
            return "keyframes are not exactly every 2 s"
    return ""


def x264_options(path: Path, limit: int = 8 << 20) -> str:
    """The settings x264 writes into the first frame it encodes ("cabac=1 ref=1 …"), or "" when the
    first `limit` bytes of the file hold none (not made by x264)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(limit)
    except OSError:
        return ""
    at = head.find(b"x264 - core ")
    if at < 0:
        return ""
    text = head[at:at + 4000].split(b"\0", 1)[0].decode("latin-1")
    return text.partition(" - options: ")[2]


def matching_preset(path: Path, config: bytes | None, width: int, height: int) -> str | None:
    """The first of PRESETS whose encode of a frame of `path` has decoder configuration `config`;
    tried only for a file x264 made with `stitchable=1` (else none can match)."""
    if config is None or "stitchable=1" not in x264_options(path).split():
        return None
    with tempfile.TemporaryDirectory(prefix="catalogue-probe-") as work:
        for preset in PRESETS:
            probe = Path(work) / f"{preset}.mp4"
            stream = ffmpeg.input(file_arg(path))["v:0"].filter("scale", width, height, out_range="tv")
            args = ffmpeg.output(stream.filter("setsar", 1), file_arg(probe), **video_encoder(preset),
                                 **{"frames:v": 2}, an=None)
            run_ffmpeg(list(args.global_args("-hide_banner", "-nostdin", "-v", "error")
                            .compile(cmd="ffmpeg", overwrite_output=True))[1:], about=path)
            if avc_config(probe) == config:
                return preset
    return None


def source_preset(path: Path, info: MediaInfo, cache_dir: Path) -> str | None:
    """When the source is already in the rendition's form: the preset that reproduces its headers
    (then the rendition is a copy of it); else None. Remembered per file version, since finding the
    preset takes a probe encode or a few."""
    if form_problem(info):
        return None
    identity = file_identity(path)
    cache = cache_dir / f"form-{identity_key(path)}.json"
    try:
        data = json.loads(cache.read_text("utf-8"))
        if data.get("identity") == identity and data.get("version") == _FACTS_VERSION:
            return data["preset"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # missing or damaged: look again
    facts = read_rendition(path)
    preset = None
    if facts is not None and not form_problem(info, facts.video):
        preset = matching_preset(path, facts.config, *facts.size)
    try:
        write_text_atomic(cache, json.dumps({"version": _FACTS_VERSION, "identity": identity, "preset": preset}))
    except OSError:
        pass  # only a cache
    return preset


def read_rendition(path: Path, preset: str | None = None) -> Rendition | None:
    """The frames, keyframes, sound packets and decoder configuration of an MP4 file, from its sample
    tables (no ffmpeg run: milliseconds even for an hour of film); None when it is no such file."""
    tracks = read_tracks(path)
    config = avc_config(path)
    video = next((t for t in tracks or () if t.handler == "vide" and t.entry in ("avc1", "avc3")), None)
    if video is None or config is None:
        return None
    audio = next((t for t in tracks or () if t.handler == "soun"), None)
    return Rendition(path, Packets((1, video.timescale), video.pts, video.keys),
                     Packets((1, audio.timescale), audio.pts) if audio else None, config, preset, video.size)


_LOADED: dict[tuple[str, int, int, str | None], Rendition] = {}
_LOCK = threading.Lock()


def load_rendition(path: Path, preset: str | None) -> Rendition:
    """`read_rendition` of a rendition made (or copied) by `cut`, with the preset that made it; read once per
    file version and process (every clip of a film uses it)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, preset)
    with _LOCK:
        if key in _LOADED:
            return _LOADED[key]
    rendition = read_rendition(path, preset)
    if rendition is None:
        raise MediaError(path, "not an H.264 MP4 this reader follows")
    with _LOCK:
        if len(_LOADED) >= 4:  # a few films at a time is enough; keeps memory flat over many films
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = rendition
    return rendition
