"""The described version of a clip or film (`<id>.ad.mp4`): its audio descriptions spoken by the
synthetic voice over the programme sound, which is lowered ("ducked") while a description speaks,
as broadcasters mix them.

Where a description does not fit before its cue ends (the pause in the speech the describer chose),
the version **extends**: at the cue's end the picture holds on its frame and the programme sound
pauses until the description has ended (WCAG 1.2.7). Those holds shift everything after them, so the
extended version has its own captions (`retime_cues`), and players map times between the two
versions through the holds (`to_described`, `from_described`).

The ducking is a volume envelope computed from the cue times, not a compressor listening to the
speech: the programme is untouched outside the description cues, the same in every build, and a
test can tell exactly where it changed. `plan_described` and `*_args` are pure.
"""

from __future__ import annotations

import math
import wave
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

from catalogue.cutting.rendition import ENCODER, video_encoder
from catalogue.media import file_arg
from catalogue.model import Cue

DUCK_GAIN = 0.25  # programme under a description: −12 dB
LEAD_MS = 150  # the programme fades down this long before the voice starts (inside the cue)
RELEASE_MS = 300  # and back up this long, after the voice ends (or at the end of the cue)
BREATH_MS = 200  # when the picture holds: this much after the voice before the programme goes on
MIX_RATE = 48_000
MIX_VERSION = 1  # bump when the mix changes in a way that should rebuild every described version


@dataclass(frozen=True)
class Hold:
    """The picture holds at `at_ms` (source time, on a frame boundary) for `frames` frames (`length_ms`)."""

    at_ms: int
    frames: int
    length_ms: int
    at_frame: int  # the index of the first frame shown after the hold


@dataclass(frozen=True)
class Spoken:
    """One description as heard in the described version (output time)."""

    index: int  # of its cue among those planned
    start_ms: int  # where the voice starts
    speech_ms: int
    duck_start_ms: int
    duck_end_ms: int


@dataclass(frozen=True)
class DescribedPlan:
    spoken: tuple[Spoken, ...]
    holds: tuple[Hold, ...]
    duration_ms: int  # of the described version

    @property
    def extended(self) -> bool:
        return bool(self.holds)

    def holds_json(self) -> list[list[int]]:
        """[[at_ms, length_ms], …] in source time: what players map times with."""
        return [[h.at_ms, h.length_ms] for h in self.holds]


def plan_described(cues: Sequence[Cue], speech_ms: Sequence[int], duration_ms: int, fps: float) -> DescribedPlan:
    """Where each description speaks, where the programme ducks, where the picture must hold.

    `cues` are the descriptions in source time (clip or film), `speech_ms` how long each takes to say.
    The voice starts LEAD_MS into its cue (or right after the previous voice, if cues overlap); the
    programme is lowered from LEAD_MS before the voice until RELEASE_MS after it, never past the cue's
    end. Where the voice (plus BREATH_MS) outlasts its cue, the picture holds at the first frame
    boundary at or after the cue's end, for whole frames, until it has ended."""
    frame = 1000 / fps if 0 < fps <= 1000 else 40.0
    last_frame = math.ceil(duration_ms / frame - 1e-6)
    holds: list[Hold] = []
    spoken: list[Spoken] = []
    voice_free = 0  # output time where the previous voice ended
    for index in sorted(range(len(cues)), key=lambda i: (cues[i].start_ms, cues[i].end_ms)):
        cue, length = cues[index], speech_ms[index]
        if length <= 0:
            continue
        start = max(to_described(cue.start_ms, holds) + LEAD_MS, voice_free)
        voice_end = start + length
        end_frame = max(min(math.ceil(cue.end_ms / frame - 1e-6), last_frame), holds[-1].at_frame if holds else 0)
        end_ms = round(end_frame * frame)
        room_end = to_described(end_ms, holds)  # with any hold already there
        if voice_end + BREATH_MS > room_end:
            frames = math.ceil((voice_end + BREATH_MS - room_end) / frame - 1e-6)
            if holds and holds[-1].at_frame == end_frame:  # overlapping cues: one longer hold
                frames += holds.pop().frames
            holds.append(Hold(end_ms, frames, round(frames * frame), end_frame))
            room_end = to_described(end_ms, holds)
        spoken.append(Spoken(index, start, length, max(0, start - LEAD_MS), min(room_end, voice_end + RELEASE_MS)))
        voice_free = voice_end
    return DescribedPlan(tuple(spoken), tuple(holds), duration_ms + sum(h.length_ms for h in holds))


def holds_from_json(pairs: object) -> list[Hold]:
    """`DescribedPlan.holds_json()` read back (as kept in a build record); [] for anything else."""
    if not isinstance(pairs, list):
        return []
    try:
        return [Hold(int(at), 0, int(length), 0) for at, length in pairs]
    except (TypeError, ValueError):
        return []


def to_described(ms: int, holds: Sequence[Hold], end: bool = False) -> int:
    """A source time in the described version: after every hold at or before it (before it only,
    for the end of a cue: a caption ending where the picture holds stays up during the hold)."""
    return ms + sum(h.length_ms for h in holds if (h.at_ms < ms if end else h.at_ms <= ms))


def from_described(ms: int, holds: Sequence[Hold]) -> int:
    """A time of the described version in source time; a moment inside a hold is the hold's point."""
    shift = 0
    for hold in holds:
        if ms < hold.at_ms + shift:
            break
        if ms < hold.at_ms + shift + hold.length_ms:
            return hold.at_ms
        shift += hold.length_ms
    return ms - shift


def retime_cues(cues: Sequence[Cue], holds: Sequence[Hold]) -> list[Cue]:
    """Captions for the described version: shifted by the holds before them; one on screen where the
    picture holds stays up while it holds."""
    return [replace(c, start_ms=to_described(c.start_ms, holds), end_ms=to_described(c.end_ms, holds, end=True))
            for c in cues]


# --- ffmpeg -------------------------------------------------------------------------------------------


def duck_expression(spoken: Sequence[Spoken]) -> str:
    """The programme's gain at time t (s) as an ffmpeg expression: 1, lowered to DUCK_GAIN in each window
    with linear ramps of LEAD_MS down and RELEASE_MS up inside it."""
    terms = []
    for s in spoken:
        a, b = s.duck_start_ms / 1000, s.duck_end_ms / 1000
        terms.append(f"clip((t-{a:.3f})/{LEAD_MS / 1000:.3f},0,1)*clip(({b:.3f}-t)/{RELEASE_MS / 1000:.3f},0,1)")
    return f"1-{1 - DUCK_GAIN:.3f}*min(1,{'+'.join(terms)})" if terms else "1"


def write_voice_track(dest: Path, plan: DescribedPlan, speeches: Sequence[bytes], sample_rate: int) -> None:
    """One mono WAV as long as the described version, each description's speech (`speeches`, in the order of
    the cues planned) at its place."""
    with wave.open(str(dest), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        written = 0
        for spoken in plan.spoken:
            pcm = speeches[spoken.index]
            at = spoken.start_ms * sample_rate // 1000
            _silence(out, at - written)
            written = max(written, at)
            out.writeframes(pcm)
            written += len(pcm) // 2
        _silence(out, math.ceil(plan.duration_ms * sample_rate / 1000) - written)


def _silence(out: wave.Wave_write, frames: int) -> None:
    block = b"\0\0" * 65536
    while frames > 0:
        count = min(frames, 65536)
        out.writeframes(block[: count * 2])
        frames -= count


def filter_graph(plan: DescribedPlan, fps_ratio: str, has_audio: bool, source_ms: int) -> tuple[str, str]:
    """The filter graph (input 0: the clip or film, input 1: the voice track) and the video output label,
    "" when the video is copied (no holds)."""
    parts = []
    programme = "[0:a]" if has_audio else f"anullsrc=r={MIX_RATE}:cl=stereo,atrim=0:{source_ms / 1000:.3f}"
    if has_audio:
        parts.append(f"[0:a]aresample={MIX_RATE}:first_pts=0,aformat=channel_layouts=stereo[prog0]")
    else:
        parts.append(f"{programme}[prog0]")
    video = ""
    if plan.holds:
        pieces = len(plan.holds) + 1
        bounds = [0, *(h.at_frame for h in plan.holds), None]
        parts.append(f"[0:v]split={pieces}" + "".join(f"[vi{i}]" for i in range(pieces)))
        parts.append(f"[prog0]asplit={pieces}" + "".join(f"[ai{i}]" for i in range(pieces)))
        num, den = (int(x) for x in fps_ratio.split("/"))
        segments = []
        for i in range(pieces):
            first, last = bounds[i], bounds[i + 1]
            v_trim = f"trim=start_frame={first}" + (f":end_frame={last}" if last is not None else "")
            a_first = first * MIX_RATE * den // num
            a_trim = f"atrim=start_sample={a_first}" + (f":end_sample={last * MIX_RATE * den // num}"
                                                           if last is not None else "")
            hold = plan.holds[i] if i < len(plan.holds) else None
            v_pad = f",tpad=stop={hold.frames}:stop_mode=clone" if hold else ""
            a_pad = f",apad=pad_len={hold.frames * MIX_RATE * den // num}" if hold else ""
            parts.append(f"[vi{i}]{v_trim},setpts=PTS-STARTPTS{v_pad}[v{i}]")
            parts.append(f"[ai{i}]{a_trim},asetpts=PTS-STARTPTS{a_pad}[a{i}]")
            segments.append(f"[v{i}][a{i}]")
        parts.append("".join(segments) + f"concat=n={pieces}:v=1:a=1[vout][prog]")
        video = "[vout]"
    else:
        parts.append("[prog0]anull[prog]")
    parts.append(f"[prog]asetnsamples=n=480:p=0,volume='{duck_expression(plan.spoken)}':eval=frame[ducked]")
    parts.append(f"[1:a]aresample={MIX_RATE},aformat=channel_layouts=stereo[voice]")
    parts.append("[ducked][voice]amix=inputs=2:normalize=0:duration=first[aout]")
    return ";\n".join(parts), video


def frame_rate(fps: float) -> Fraction:
    """The exact frame rate behind a probed one (29.97 is 30000/1001)."""
    for k in (24, 30, 48, 60, 120):
        if abs(fps - k * 1000 / 1001) < 0.006:
            return Fraction(k * 1000, 1001)
    return Fraction(fps).limit_denominator(1001) if 0 < fps <= 1000 else Fraction(25)


_GLOBAL = ["-hide_banner", "-nostdin", "-v", "error", "-progress", "pipe:1", "-nostats"]
_ARG_LIMIT = 100_000  # longer filter graphs go through a file (an argument may hold 128 KiB)


def described_args(source: Path, voice_wav: Path, plan: DescribedPlan, dest: Path, *, fps: float, has_audio: bool,
                   source_ms: int, graph_file: Path) -> list[str]:
    """ffmpeg's arguments for the described version: the picture copied (re-encoded with the clip encoder's
    settings where it holds), the sound mixed and encoded as AAC."""
    rate = frame_rate(fps)
    graph, video = filter_graph(plan, f"{rate.numerator}/{rate.denominator}", has_audio, source_ms)
    if len(graph) > _ARG_LIMIT:
        graph_file.write_text(graph, encoding="utf-8")
        graph_args = ["-/filter_complex", str(graph_file)]
    else:
        graph_args = ["-filter_complex", graph]
    if video:
        video_args = [str(part) for key, value in video_encoder().items() for part in (f"-{key}", value)]
    else:
        video_args = ["-c:v", "copy"]
    audio_args = [str(part) for key in ("c:a", "b:a", "ac") for part in (f"-{key}", ENCODER[key])]
    return [*_GLOBAL, "-y", "-i", file_arg(source), "-i", file_arg(voice_wav), *graph_args,
            "-map", video or "0:v:0", "-map", "[aout]", *video_args, *audio_args, "-movflags", "+faststart",
            "-map_metadata", "-1", "-map_chapters", "-1", file_arg(dest)]
