"""Redact time ranges of a film's rendition: inside them the picture becomes a still slate ("Dit
fragment is verwijderd op vraag van een deelnemer") and the sound silence; outside them nothing
changes, so the film's timeline, its chapters and every clip cut from it stay valid.

Only what covers a range is made again, the smart cut's way (catalogue.smartcut):

- picture: the closed 2-s GOPs holding a frame shown inside a range are re-encoded from the
  rendition's own frames with the settings and x264 preset that made it (so the same SPS/PPS,
  checked byte for byte), the slate over the frames in the range, keyframes forced on the same
  frames as before; every other GOP is stream-copied. Frame times, the keyframe grid and the
  decoder configuration stay as they were: the result is still a rendition clips are cut from.
- sound: no re-encode at all. The AAC packets whose output reaches into a range (and the one
  before each: AAC overlaps each frame with the previous one) are replaced by a packet of encoded
  digital silence, which decodes to exact zeros; every other packet stays byte for byte.

Two ffmpeg runs write the pieces and join them, as the smart cut does; a third reads the sound as
ADTS (one frame per packet), which is spliced here.
"""

from __future__ import annotations

import bisect
import re
import io
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalogue.cutting.rendition import ENCODER, Rendition, grid_keyframes, video_encoder
from catalogue.errors import MediaError
from catalogue.media import ProgressCallback, avc_config, file_arg, parse_packets, run_ffmpeg, stream_ffmpeg
from catalogue.timecode import format_seconds, format_timecode

SLATE_TEXT = ("Dit fragment is verwijderd", "op vraag van een deelnemer")
SLATE_BACKGROUND, SLATE_INK = (24, 24, 24), (235, 235, 235)
_GLOBAL = ["-hide_banner", "-nostdin", "-v", "error"]
MIN_SPAN_FRAMES = 3  # as smartcut.MIN_EDGE_FRAMES: a shorter encode has no steady decoding delay

Ranges = Sequence[tuple[int, int]]  # film time, ms, [start, end)


class RedactionError(MediaError):
    """A rendition that cannot be redacted here (another form than catalogue makes)."""


@dataclass(frozen=True)
class Span:
    """Frames `first` .. `stop` - 1 (whole GOPs) re-encoded; `slate` lists the runs (first, last)
    of frames shown as the slate, counted from `first`."""

    first: int
    stop: int
    slate: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class RedactionPlan:
    spans: tuple[Span, ...]
    frames: int  # frames in the rendition
    hushed: tuple[int, ...]  # audio packets replaced by silence, sorted

    @property
    def slate_frames(self) -> int:
        return sum(last - first + 1 for span in self.spans for first, last in span.slate)

    @property
    def empty(self) -> bool:
        return not self.spans and not self.hushed


def plan_redaction(rendition: Rendition, ranges_ms: Ranges) -> RedactionPlan:
    """Which GOPs to re-encode, which frames become the slate, which sound packets fall silent.
    A frame is redacted when the time it is on screen overlaps a range. Pure."""
    video = rendition.video
    pts = video.pts
    num, den = video.timebase
    ranges = [(a, b) for a, b in ranges_ms if b > a]
    # frame i is on screen from pts[i] to pts[i + 1] (the last one for as long as the one before)
    last = pts[-1] + (pts[-1] - pts[-2] if len(pts) > 1 else den // max(1, num * 25))
    ends = [*pts[1:], last]
    slate = [any(p * num * 1000 < b * den and e * num * 1000 > a * den for a, b in ranges) for p, e in zip(pts, ends)]
    index = {p: i for i, p in enumerate(pts)}
    keys = sorted(index[p] for p, _ in video.keys if p in index)
    if not keys or keys[0] != 0:
        raise RedactionError(rendition.path, "the rendition does not start with a keyframe")
    bounds = [*keys, len(pts)]
    spans: list[list[int]] = []
    for k0, k1 in zip(bounds, bounds[1:]):
        if any(slate[k0:k1]):
            if spans and spans[-1][1] == k0:
                spans[-1][1] = k1
            else:
                spans.append([k0, k1])
    for span in spans:  # a short last GOP is encoded with the one before it
        if span[1] - span[0] < MIN_SPAN_FRAMES and span[0] > 0:
            span[0] = bounds[bounds.index(span[0]) - 1]
    merged: list[list[int]] = []
    for span in spans:
        if merged and merged[-1][1] >= span[0]:
            merged[-1][1] = max(merged[-1][1], span[1])
        else:
            merged.append(span)
    video_spans = tuple(Span(k0, k1, _runs([i - k0 for i in range(k0, k1) if slate[i]])) for k0, k1 in merged)
    return RedactionPlan(video_spans, len(pts), _hushed(rendition, ranges))


def _hushed(rendition: Rendition, ranges: Ranges) -> tuple[int, ...]:
    audio = rendition.audio
    if audio is None or not audio.pts:
        return ()
    num, den = audio.timebase
    pts = audio.pts
    step = pts[1] - pts[0] if len(pts) > 1 else 1024
    hushed: set[int] = set()
    scaled = [p * num * 1000 for p in pts]
    for a, b in ranges:
        # packets whose output [pts, pts + step) overlaps [a, b), and the one before each
        first = max(0, bisect.bisect_right(scaled, a * den - step * num * 1000) - 1)
        for i in range(first, len(pts)):
            if scaled[i] >= b * den:
                break
            if scaled[i] + step * num * 1000 > a * den:
                hushed.update({i - 1, i} if i else {i})
    return tuple(sorted(hushed))


def _runs(values: Sequence[int]) -> tuple[tuple[int, int], ...]:
    runs: list[list[int]] = []
    for value in values:
        if runs and runs[-1][1] == value - 1:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    return tuple((a, b) for a, b in runs)


# --- the slate ----------------------------------------------------------------------------------


def slate_png(width: int, height: int) -> bytes:
    """The slate as a PNG of the picture's size: the sentence centred, light on dark. Drawn with
    Pillow's built-in font (no font file needed: a fresh machine may have none)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (width, height), SLATE_BACKGROUND)
    draw = ImageDraw.Draw(image)
    size = max(10, min(height // 14, width // 24))
    font = ImageFont.load_default(size=size)
    while size > 8 and max(draw.textlength(line, font=font) for line in SLATE_TEXT) > width * 0.9:
        size -= 1
        font = ImageFont.load_default(size=size)
    line_height = round(size * 1.35)
    top = (height - line_height * len(SLATE_TEXT)) / 2
    for number, line in enumerate(SLATE_TEXT):
        left = (width - draw.textlength(line, font=font)) / 2
        draw.text((left, top + number * line_height), line, font=font, fill=SLATE_INK)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- doing it -----------------------------------------------------------------------------------


def redact_rendition(rendition: Rendition, ranges_ms: Ranges, dest: Path, work_root: Path,
                     on_progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Write `rendition` with `ranges_ms` redacted to `dest` (a temporary path; the caller renames
    it). Returns what was done, for the build record."""
    if rendition.preset is None:
        raise RedactionError(rendition.path, "the rendition was not made by catalogue's encoder settings: "
                                             "run `catalogue cut` to make it again, then withdraw again")
    if [p for p, _ in rendition.video.keys] != grid_keyframes(rendition.video):
        raise RedactionError(rendition.path, "the rendition's keyframes are not every 2 s: run `catalogue cut "
                                             "--force` to make it again")
    plan = plan_redaction(rendition, ranges_ms)
    if plan.empty:
        shutil.copyfile(rendition.path, dest)
        return {"redacted_frames": 0, "reencoded_frames": 0, "hushed_packets": 0}
    work_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-redact-", dir=work_root))
    try:
        (work / "slate.png").write_bytes(slate_png(*rendition.size))
        pieces = _write_pieces(rendition, plan, work)
        sound = _spliced_sound(rendition, plan, work) if rendition.audio is not None else None
        run_ffmpeg(join_args(pieces, sound, work, dest), about=rendition.path, on_progress=on_progress)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"redacted_frames": plan.slate_frames, "reencoded_frames": sum(s.stop - s.first for s in plan.spans),
            "hushed_packets": len(plan.hushed)}


def pieces_args(rendition: Rendition, plan: RedactionPlan, work: Path) -> tuple[list[str], list[Path]]:
    """One ffmpeg run writing every piece of the picture in order: copied GOPs and re-encoded spans."""
    video = rendition.video
    pts = video.pts
    source = file_arg(rendition.path)
    width, height = rendition.size
    encoder = [str(part) for key, value in video_encoder(rendition.preset).items() if key != "force_key_frames"
               for part in (f"-{key}", value)]
    keys = sorted({i for i, p in enumerate(pts) if p in {k for k, _ in video.keys}})
    inputs: list[str] = []
    outputs: list[str] = []
    pieces: list[Path] = []
    opened = [0]  # inputs so far

    def copied(first: int, stop: int) -> None:
        name = work / f"piece{len(pieces):04d}.mp4"
        if first:
            inpoint_us = -(-pts[first] * video.timebase[0] * 1_000_000 // video.timebase[1])  # ceil
            listing = name.with_suffix(".txt")
            listing.write_text(f"ffconcat version 1.0\nfile '{_quoted(rendition.path)}'\n"
                               f"inpoint {inpoint_us / 1_000_000:.6f}\n", encoding="utf-8")
            inputs.extend(["-f", "concat", "-safe", "0", "-i", file_arg(listing)])
        else:
            inputs.extend(["-i", source])
        count = opened[0]
        opened[0] += 1
        outputs.extend(["-map", f"{count}:v:0", "-c", "copy", "-frames:v", str(stop - first), "-an",
                        "-map_metadata", "-1", str(name)])
        pieces.append(name)

    def encoded(span: Span) -> None:
        name = work / f"piece{len(pieces):04d}.mp4"
        seek = video.seconds(pts[span.first]) - 0.0001
        inputs.extend([*(["-ss", f"{seek:.6f}"] if span.first else []), "-i", source,
                       "-loop", "1", "-i", file_arg(work / "slate.png")])
        count = opened[0]
        opened[0] += 2  # the rendition and the slate
        enable = "+".join(f"between(n,{a},{b})" for a, b in span.slate)
        forced = "expr:" + "+".join(f"eq(n,{k - span.first})" for k in keys if span.first <= k < span.stop)
        graph = (f"[{count + 1}:v]scale={width}:{height},format=yuv420p,setsar=1[s{count}];"
                 f"[{count}:v:0][s{count}]overlay=enable='{enable}':format=yuv420[v{count}]")
        outputs.extend(["-filter_complex", graph, "-map", f"[v{count}]", *encoder, "-force_key_frames", forced,
                        "-frames:v", str(span.stop - span.first), "-an", "-map_metadata", "-1",
                        str(name.with_name(name.stem + "e.mp4"))])
        pieces.append(name.with_name(name.stem + "e.mp4"))

    cursor = 0
    for span in plan.spans:
        if cursor < span.first:
            copied(cursor, span.first)
        encoded(span)
        cursor = span.stop
    if cursor < plan.frames:
        copied(cursor, plan.frames)
    return [*_GLOBAL, "-y", *inputs, *outputs], pieces


def _quoted(path: Path) -> str:
    return file_arg(path).replace("'", "'\\''")


def _write_pieces(rendition: Rendition, plan: RedactionPlan, work: Path) -> list[Path]:
    args, pieces = pieces_args(rendition, plan, work)
    run_ffmpeg(args, about=rendition.path)
    for piece in pieces:
        if piece.name.endswith("e.mp4") and avc_config(piece) != rendition.config:
            raise RedactionError(rendition.path, "the re-encoded picture has other H.264 headers (SPS/PPS) than the "
                                                 "rendition: run `catalogue cut --force`, then withdraw again")
    return pieces


@dataclass(frozen=True)
class Sound:
    path: Path  # ADTS, spliced
    start_s: float  # the first packet's time (the encoder's priming: negative)
    last: int  # index of the last packet
    last_duration_s: float


def _spliced_sound(rendition: Rendition, plan: RedactionPlan, work: Path) -> Sound:
    original = work / "sound.aac"
    result = run_ffmpeg([*_GLOBAL, "-y", "-i", file_arg(rendition.path), "-map", "0:a:0", "-c", "copy", "-f", "adts",
                         str(original), "-map", "0:a:0", "-c", "copy", "-f", "framecrc", "-"], about=rendition.path)
    packets = parse_packets(result.stdout).get(0)
    frames = split_adts(original.read_bytes())
    if packets is None or len(frames) != len(packets.pts):
        raise RedactionError(rendition.path, "the sound could not be read packet by packet")
    durations = [int(line.split(",")[3]) for line in result.stdout.splitlines()
                 if line and not line.startswith("#")]
    sample_rate = packets.timebase[1] // packets.timebase[0]
    silent = silent_frame(work, sample_rate, frames[-1])
    spliced = work / "spliced.aac"
    hushed = set(plan.hushed)
    with open(spliced, "wb") as out:
        for number, frame in enumerate(frames):
            out.write(silent if number in hushed else frame)
    return Sound(spliced, packets.seconds(packets.pts[0]), len(frames) - 1, packets.seconds(durations[-1]))


def split_adts(data: bytes) -> list[bytes]:
    """The frames of an ADTS stream (each begins with its 12-bit sync word and holds its length)."""
    frames, at = [], 0
    while at + 7 <= len(data):
        if data[at] != 0xFF or data[at + 1] & 0xF0 != 0xF0:
            raise ValueError(f"no ADTS frame at byte {at}")
        length = ((data[at + 3] & 0x03) << 11) | (data[at + 4] << 3) | (data[at + 5] >> 5)
        if length < 7:
            raise ValueError(f"an ADTS frame of {length} bytes at byte {at}")
        frames.append(data[at:at + length])
        at += length
    if at != len(data):
        raise ValueError("the ADTS stream ends inside a frame")
    return frames


def _config(frame: bytes) -> tuple[int, int, int]:
    """Profile, sample-rate index and channel configuration from an ADTS header."""
    return frame[2] >> 6, (frame[2] >> 2) & 0x0F, ((frame[2] & 0x01) << 2) | (frame[3] >> 6)


def silent_frame(work: Path, sample_rate: int, like: bytes) -> bytes:
    """One AAC frame of digital silence in the configuration of `like` (an ADTS frame of the film)."""
    _, _, channels = _config(like)
    out = work / "silence.aac"
    run_ffmpeg([*_GLOBAL, "-y", "-f", "lavfi", "-i", f"anullsrc=r={sample_rate}:cl={'mono' if channels == 1 else 'stereo'}",
                "-t", "1", "-c:a", "aac", "-b:a", str(ENCODER["b:a"]), "-f", "adts", str(out)], about=out)
    frames = split_adts(out.read_bytes())
    frame = frames[len(frames) // 2]  # past the encoder's start: steady state
    if _config(frame) != _config(like):
        raise RedactionError(out, "the film's sound is in a form this redaction does not reproduce")
    return frame


def join_args(pieces: Sequence[Path], sound: Sound | None, work: Path, dest: Path) -> list[str]:
    """The pieces joined (concat demuxer, stream copy) with the spliced sound at its own time."""
    (work / "pieces.txt").write_text("ffconcat version 1.0\n" + "".join(f"file '{_quoted(p)}'\n" for p in pieces),
                                     encoding="utf-8")
    args = [*_GLOBAL, "-progress", "pipe:1", "-nostats", "-y", "-f", "concat", "-safe", "0",
            "-i", file_arg(work / "pieces.txt")]
    maps = ["-map", "0:v:0"]
    extra: list[str] = []
    if sound is not None:
        args += ["-itsoffset", f"{sound.start_s:.6f}", "-i", file_arg(sound.path)]
        maps += ["-map", "1:a:0"]
        # ADTS has no packet durations: the last one keeps its own (the encoder's padding trimmed)
        extra = ["-bsf:a", f"setts=duration='if(eq(N\\,{sound.last})\\,{sound.last_duration_s:.9f}/TB\\,DURATION)'"]
    return [*args, *maps, "-c", "copy", *extra, "-movflags", "+faststart", "-map_metadata", "-1",
            "-map_chapters", "-1", file_arg(dest)]


# --- checking what a file shows inside ranges ---------------------------------------------------

SILENCE_DB = -60.0  # the loudest sample allowed inside a redacted range (digital silence: -91 dB)
SLATE_DIFFERENCE = 12  # mean difference of a 64×36 gray thumbnail from the slate's, out of 255
_THUMB = (64, 36)
_MAX_VOLUME = re.compile(r"max_volume:\s*(-?inf|-?\d+(?:\.\d+)?) dB")


def redaction_problems(path: Path, ranges_ms: Ranges, size: tuple[int, int], has_audio: bool = True) -> list[str]:
    """What `path` still shows or sounds inside `ranges_ms` (its own time): sound louder than
    SILENCE_DB, or a picture that is not the slate. Empty when every range is redacted."""
    problems = []
    slate = _thumbnail_of_slate(size)
    for a, b in ranges_ms:
        if b <= a:
            continue
        where = f"{format_timecode(a)}–{format_timecode(b)}"
        if has_audio:
            loudest = _loudest_db(path, a, b)
            if loudest is not None and loudest > SILENCE_DB:
                problems.append(f"sound at {loudest:.0f} dBFS inside {where} (silence is below {SILENCE_DB:.0f})")
        middle = (a + b) // 2
        frame = _thumbnail_at(path, middle)
        if frame is not None and _difference(frame, slate) > SLATE_DIFFERENCE:
            problems.append(f"the picture at {format_timecode(middle)} is not the slate")
    return problems


def _loudest_db(path: Path, start_ms: int, end_ms: int) -> float | None:
    result = run_ffmpeg([*_GLOBAL[:-2], "-v", "info", "-ss", format_seconds(start_ms), "-to", format_seconds(end_ms),
                         "-i", file_arg(path), "-map", "0:a:0?", "-af", "volumedetect", "-f", "null", "-"], about=path)
    found = _MAX_VOLUME.search(result.stderr)
    if found is None:
        return None
    return float("-inf") if "inf" in found.group(1) else float(found.group(1))


def _thumbnail_at(path: Path, at_ms: int) -> bytes | None:
    chunks: list[bytes] = []
    stream_ffmpeg([*_GLOBAL, "-ss", format_seconds(at_ms), "-i", file_arg(path), "-frames:v", "1",
                   "-vf", f"scale={_THUMB[0]}:{_THUMB[1]}:flags=area,format=gray", "-f", "rawvideo", "pipe:1"],
                  chunks.append, about=path, timeout_s=120)
    data = b"".join(chunks)
    return data if len(data) == _THUMB[0] * _THUMB[1] else None


def _thumbnail_of_slate(size: tuple[int, int]) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(slate_png(*size))).convert("L").resize(_THUMB, Image.Resampling.BOX)
    return image.tobytes()


def _difference(a: bytes, b: bytes) -> float:
    return sum(abs(x - y) for x, y in zip(a, b)) / max(1, len(a))
