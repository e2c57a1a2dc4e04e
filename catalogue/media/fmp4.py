"""Fragmented MP4 (CMAF): the init segment and the fragments of a file, read from its boxes.

An HLS rung is one such file: `ftyp` + `moov` (the init segment, with `mvex`), then a `moof` +
`mdat` pair per fragment, one fragment per GOP. A playlist addresses the init segment and each
fragment by byte range, so what it needs is where each fragment lies and how long it plays; the
smart cut needs every sample's time, as `read_tracks` gives it for a plain MP4. Both come from the
boxes alone: the moof boxes are read, the mdat boxes (the media) skipped, so an hour of film is
read in milliseconds.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO

from catalogue.media.mp4 import Track, _boxes, _children, _edit_shift, read_tracks as read_plain_tracks

_MAX_BOX = 64 << 20  # a moov or moof larger than this is no file of ours
_NON_SYNC = 0x10000  # sample_is_non_sync_sample in sample flags (ISO 14496-12 §8.8.3.1)


@dataclass(frozen=True)
class Fragment:
    """One fragment: its bytes (from its first box through its mdat) and its play time."""

    offset: int
    size: int
    start: int  # the video track's decode time at its first sample, in ticks of the video timescale
    duration: int  # its video samples' durations summed, in the same ticks


@dataclass(frozen=True)
class Fragmented:
    init_size: int  # bytes of the init segment at the start of the file (ftyp, moov)
    timescale: int  # ticks per second of the video track: the unit of each Fragment's times
    fragments: tuple[Fragment, ...]
    tracks: tuple[Track, ...]  # every sample's time, as read_tracks gives them for a plain MP4

    @property
    def seconds(self) -> float:
        return sum(f.duration for f in self.fragments) / self.timescale


@dataclass(frozen=True)
class _TrackBox:
    id: int
    handler: str
    timescale: int
    entry: str
    size: tuple[int, int]
    shift: int  # the edit list's shift (ticks)
    default_duration: int
    default_flags: int


@dataclass
class _Samples:
    pts: list[int]
    keys: list[tuple[int, int]]


def read_tracks(path: Path) -> list[Track] | None:
    """Every track's sample times, of a plain MP4 (from its sample tables) or of a fragmented one (from
    its fragments); None for what neither reader follows."""
    tracks = read_plain_tracks(path)
    if tracks is not None:
        return tracks
    fragmented = read_fragmented(path)
    return list(fragmented.tracks) if fragmented else None


def read_fragmented(path: Path) -> Fragmented | None:
    """The init segment, fragments and sample times of a fragmented MP4; None when the file is no
    fragmented MP4 this reader follows (or is damaged)."""
    try:
        with open(path, "rb") as handle:
            return _read(handle)
    except (OSError, struct.error, KeyError, IndexError, ValueError, ZeroDivisionError):
        return None


def _top_boxes(handle: BinaryIO) -> list[tuple[bytes, int, int]]:
    """(type, offset, size) of each top-level box, read by seeking from header to header."""
    handle.seek(0, 2)
    length = handle.tell()
    found, offset = [], 0
    while offset + 8 <= length:
        handle.seek(offset)
        head = handle.read(16)
        size, kind = struct.unpack_from(">I4s", head)
        if size == 1:
            size = struct.unpack_from(">Q", head, 8)[0]
        elif size == 0:
            size = length - offset
        if size < 8 or offset + size > length:
            raise ValueError("truncated box")
        found.append((kind, offset, size))
        offset += size
    return found


def _load(handle: BinaryIO, offset: int, size: int) -> bytes:
    if size > _MAX_BOX:
        raise ValueError("box too large")
    handle.seek(offset)
    return handle.read(size)


def _read(handle: BinaryIO) -> Fragmented | None:
    top = _top_boxes(handle)
    moov_at = next(((offset, size) for kind, offset, size in top if kind == b"moov"), None)
    if moov_at is None:
        return None
    moov = _load(handle, *moov_at)
    tracks = _track_boxes(moov)
    if tracks is None:
        return None
    video = next((t for t in tracks.values() if t.handler == "vide"), None)
    if video is None:
        return None
    samples = {tid: _Samples([], []) for tid in tracks}
    fragments: list[Fragment] = []
    first = None  # offset of the current fragment's first box (a styp or sidx may precede its moof)
    start = duration = 0
    for kind, offset, size in top:
        if kind in (b"styp", b"sidx", b"prft", b"emsg") and offset > moov_at[0]:
            first = offset if first is None else first
        elif kind == b"moof":
            first = offset if first is None else first
            start, duration = _read_moof(_load(handle, offset, size), tracks, samples, video.id)
        elif kind == b"mdat" and first is not None:
            fragments.append(Fragment(first, offset + size - first, start, duration))
            first = None
    if not fragments:
        return None
    return Fragmented(fragments[0].offset, video.timescale, tuple(fragments),
                      tuple(_track(tracks[tid], samples[tid]) for tid in tracks))


def _track_boxes(moov: bytes) -> dict[int, _TrackBox] | None:
    top = _children(moov, 8, len(moov))
    if b"mvex" not in top or b"mvhd" not in top:
        return None
    mvhd = top[b"mvhd"][0]
    movie_scale = struct.unpack_from(">I", moov, mvhd + (20 if moov[mvhd] == 1 else 12))[0]
    defaults = {}
    for kind, payload, _ in _boxes(moov, *top[b"mvex"]):
        if kind == b"trex":  # full box; track_ID, description index, duration, size, flags
            track_id, _, duration, _, flags = struct.unpack_from(">5I", moov, payload + 4)
            defaults[track_id] = (duration, flags)
    tracks = {}
    for kind, payload, end in _boxes(moov, 8, len(moov)):
        if kind != b"trak":
            continue
        trak = _children(moov, payload, end)
        tkhd = trak[b"tkhd"][0]
        track_id = struct.unpack_from(">I", moov, tkhd + (20 if moov[tkhd] == 1 else 12))[0]
        mdia = _children(moov, *trak[b"mdia"])
        mdhd = mdia[b"mdhd"][0]
        timescale = struct.unpack_from(">I", moov, mdhd + (20 if moov[mdhd] == 1 else 12))[0]
        handler = moov[mdia[b"hdlr"][0] + 8:mdia[b"hdlr"][0] + 12].decode("latin-1")
        stbl = _children(moov, *_children(moov, *mdia[b"minf"])[b"stbl"])
        entry, entry_payload, _ = next(_boxes(moov, stbl[b"stsd"][0] + 8, stbl[b"stsd"][1]))
        size = struct.unpack_from(">HH", moov, entry_payload + 24) if handler == "vide" else (0, 0)
        shift = _edit_shift(moov, trak, timescale, movie_scale)
        if shift is None:
            return None
        duration, flags = defaults.get(track_id, (0, 0))
        tracks[track_id] = _TrackBox(track_id, handler, timescale, entry.decode("latin-1"), tuple(size), shift,
                                     duration, flags)
    return tracks


def _read_moof(moof: bytes, tracks: dict[int, _TrackBox], samples: dict[int, _Samples],
               video_id: int) -> tuple[int, int]:
    """Add the samples of each traf to `samples`; return the video's decode time and duration."""
    start = duration = 0
    for kind, payload, end in _boxes(moof, 8, len(moof)):
        if kind != b"traf":
            continue
        traf = _children(moof, payload, end)
        tfhd = traf[b"tfhd"][0]
        flags = int.from_bytes(moof[tfhd + 1:tfhd + 4], "big")
        track = tracks[struct.unpack_from(">I", moof, tfhd + 4)[0]]
        at = tfhd + 8 + (8 if flags & 0x1 else 0) + (4 if flags & 0x2 else 0)
        default_duration = struct.unpack_from(">I", moof, at)[0] if flags & 0x8 else track.default_duration
        at += (4 if flags & 0x8 else 0) + (4 if flags & 0x10 else 0)
        default_flags = struct.unpack_from(">I", moof, at)[0] if flags & 0x20 else track.default_flags
        tfdt = traf[b"tfdt"][0]
        base = struct.unpack_from(">Q" if moof[tfdt] == 1 else ">I", moof, tfdt + 4)[0]
        dts = base
        for run_kind, run_payload, _ in _boxes(moof, payload, end):
            if run_kind == b"trun":
                dts = _read_trun(moof, run_payload, dts, default_duration, default_flags, track, samples[track.id])
        if track.id == video_id:
            start, duration = base, dts - base
    return start, duration


def _read_trun(data: bytes, at: int, dts: int, default_duration: int, default_flags: int, track: _TrackBox,
               into: _Samples) -> int:
    """Append one trun's samples to `into`; return the decode time after its last sample."""
    version, flags = data[at], int.from_bytes(data[at + 1:at + 4], "big")
    count = struct.unpack_from(">I", data, at + 4)[0]
    at += 8 + (4 if flags & 0x1 else 0)
    first_flags = None
    if flags & 0x4:
        first_flags = struct.unpack_from(">I", data, at)[0]
        at += 4
    fields = [(bit, fmt) for bit, fmt in ((0x100, "I"), (0x200, "I"), (0x400, "I"), (0x800, "i" if version else "I"))
              if flags & bit]
    layout = ">" + "".join(fmt for _, fmt in fields)
    step = 4 * len(fields)
    durations, cts, sync = [], [], []
    for index in range(count):
        values = dict(zip((bit for bit, _ in fields), struct.unpack_from(layout, data, at + step * index)))
        durations.append(values.get(0x100, default_duration))
        cts.append(values.get(0x800, 0))
        sample_flags = values.get(0x400, first_flags if index == 0 and first_flags is not None else default_flags)
        sync.append(not sample_flags & _NON_SYNC)
    times = list(accumulate(durations, initial=dts))[:count]
    for decode, offset, is_sync in zip(times, cts, sync):
        into.pts.append(decode + offset - track.shift)
        if is_sync:
            into.keys.append((decode + offset - track.shift, decode - track.shift))
    return dts + sum(durations)


def _track(box: _TrackBox, samples: _Samples) -> Track:
    return Track(box.handler, box.timescale, tuple(sorted(samples.pts)), tuple(sorted(samples.keys)), box.entry,
                 box.size)
