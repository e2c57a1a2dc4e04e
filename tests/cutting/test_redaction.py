"""The redaction of a rendition, planned (pure): which GOPs are made again, which frames become the
slate, which sound packets fall silent; and the slate, drawn without any font file."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from catalogue.cutting import slate_png
from catalogue.cutting.redaction import plan_redaction, split_adts
from catalogue.cutting.rendition import Rendition
from catalogue.media import Packets


def rendition(seconds: int = 10, fps: int = 25) -> Rendition:
    """A rendition's facts: frames every 1/25 s (tick 1/12800 s), an IDR every 2 s; AAC at 48 kHz."""
    step = 12800 // fps
    pts = tuple(range(0, seconds * 12800, step))
    keys = tuple((p, p - 2 * step) for p in pts if p % 25600 == 0)
    audio = tuple(range(-1024, seconds * 48000, 1024))
    return Rendition(Path("film.mp4"), Packets((1, 12800), pts, keys), Packets((1, 48000), audio), b"", "veryfast",
                     (320, 180))


def test_only_the_gops_that_hold_a_range_are_made_again() -> None:
    plan = plan_redaction(rendition(), [(2500, 3000), (3900, 4100)])
    (span,) = plan.spans  # 2–4 s and 2–4 s, 4–6 s: one run of two GOPs
    assert (span.first, span.stop) == (50, 100 + 50)
    # frames on screen inside a range: 2.48 s (shown until 2.52) to 2.96 s, and 3.88 s to 4.08 s
    assert span.slate == ((12, 24), (47, 52))
    assert plan.slate_frames == 19


def test_the_sound_packets_reaching_into_a_range_and_the_one_before_fall_silent() -> None:
    plan = plan_redaction(rendition(), [(1000, 1100)])
    # packet i (i ≥ 1) is heard from (i - 1) × 1024 / 48000 s: 1.0 s falls in packet 47, 1.1 s in packet 52
    assert plan.hushed == (46, 47, 48, 49, 50, 51, 52)
    assert plan_redaction(rendition(), []).empty


def test_a_short_last_gop_is_made_again_with_the_one_before() -> None:
    facts = rendition(seconds=4)
    pts = (*facts.video.pts, 4 * 12800)  # one frame after the last 2-s keyframe … as its own GOP
    video = Packets((1, 12800), pts, (*facts.video.keys, (4 * 12800, 4 * 12800 - 1024)))
    plan = plan_redaction(Rendition(facts.path, video, facts.audio, b"", "veryfast", (320, 180)), [(4000, 4040)])
    assert [(s.first, s.stop) for s in plan.spans] == [(50, 101)]


def test_the_slate_is_drawn_with_pillows_own_font() -> None:
    image = Image.open(io.BytesIO(slate_png(640, 360))).convert("L")
    assert image.size == (640, 360)
    light = sum(1 for value in image.tobytes() if value > 128)
    assert 1000 < light < 30000  # text on a dark ground (no font file: nothing would be drawn at all)


def test_adts_frames_are_split_by_their_own_lengths() -> None:
    frame = bytes([0xFF, 0xF1, 0x4C, 0x80, 0x01, 0x3F, 0xFC]) + b"\0" * 2  # 9 bytes
    frame = frame[:3] + bytes([frame[3] & 0xFC]) + bytes([(9 >> 3) & 0xFF, ((9 & 7) << 5) | 0x1F]) + frame[6:]
    assert split_adts(frame * 3) == [frame] * 3
