"""Just enough of the MP4 (ISO BMFF) box structure to read a video track's sample description.

Two H.264 streams can be joined into one track without re-encoding only when their
decoder configuration (the `avcC` box: profile, level, SPS and PPS) is the same byte for
byte: the joined file has one sample description, valid for every sample, or it plays
garbage after the seam. Reading the box ourselves is cheaper and stricter than asking
ffmpeg, which only prints a checksum of it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate, repeat
from pathlib import Path

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}
_VISUAL_ENTRY_HEADER = 78  # a VisualSampleEntry's fixed fields before its child boxes (ISO 14496-12 §12.1.3)
_MAX_MOOV = 256 << 20


def _boxes(data: bytes | memoryview, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) of each box in data[start:end]."""
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, offset)
        header = 8
        if size == 1:
            if offset + 16 > end:
                return
            size, header = struct.unpack_from(">Q", data, offset + 8)[0], 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            return  # truncated or corrupt: stop rather than read past it
        yield kind, offset + header, offset + size
        offset += size


def _moov(path: Path) -> bytes | None:
    """The moov box's bytes, found by walking the top-level boxes without reading mdat."""
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        length = handle.tell()
        offset = 0
        while offset + 8 <= length:
            handle.seek(offset)
            head = handle.read(16)
            size, kind = struct.unpack_from(">I4s", head)
            header = 8
            if size == 1 and len(head) == 16:
                size, header = struct.unpack_from(">Q", head, 8)[0], 16
            elif size == 0:
                size = length - offset
            if size < header:
                return None
            if kind == b"moov":
                if size > _MAX_MOOV:
                    return None
                handle.seek(offset)
                return handle.read(size)
            offset += size
    return None


@dataclass(frozen=True)
class Track:
    """One track's samples as a player sees them: times in ticks of 1/`timescale` s, edit list applied."""

    handler: str  # "vide", "soun", …
    timescale: int
    pts: tuple[int, ...]  # every sample's presentation time, sorted
    keys: tuple[tuple[int, int], ...]  # (pts, dts) of each sync sample, sorted
    entry: str  # the sample entry's type: "avc1", "mp4a", …
    size: tuple[int, int] = (0, 0)  # a visual entry's width and height


def _children(data: bytes, start: int, end: int) -> dict[bytes, tuple[int, int]]:
    return {kind: (payload, box_end) for kind, payload, box_end in _boxes(data, start, end)}


def _u32s(data: bytes, at: int, count: int) -> tuple[int, ...]:
    return struct.unpack_from(f">{count}I", data, at)


def read_tracks(path: Path) -> list[Track] | None:
    """Every track's sample times, read from the sample tables (stts, ctts, stss, elst) the way
    ffmpeg's demuxer presents them: a hundred thousand frames in milliseconds, no ffmpeg run.
    None for what this reader does not follow (fragmented files, edit lists with several edits)."""
    try:
        moov = _moov(path)
        if moov is None:
            return None
        top = _children(moov, 8, len(moov))
        if b"mvex" in top or b"mvhd" not in top:
            return None
        mvhd = top[b"mvhd"][0]
        movie_scale = struct.unpack_from(">I", moov, mvhd + (20 if moov[mvhd] == 1 else 12))[0]
        tracks = []
        for kind, payload, end in _boxes(moov, 8, len(moov)):
            if kind == b"trak":
                track = _track(moov, payload, end, movie_scale)
                if track is None:
                    return None
                tracks.append(track)
        return tracks
    except (OSError, struct.error, KeyError, IndexError, ZeroDivisionError):
        return None


def _track(data: bytes, start: int, end: int, movie_scale: int) -> Track | None:
    trak = _children(data, start, end)
    mdia = _children(data, *trak[b"mdia"])
    mdhd = mdia[b"mdhd"][0]
    timescale = struct.unpack_from(">I", data, mdhd + (20 if data[mdhd] == 1 else 12))[0]
    handler = data[mdia[b"hdlr"][0] + 8:mdia[b"hdlr"][0] + 12].decode("latin-1")
    stbl = _children(data, *_children(data, *mdia[b"minf"])[b"stbl"])
    stsd = stbl[b"stsd"][0]
    entry_kind, entry_payload, _ = next(_boxes(data, stsd + 8, stbl[b"stsd"][1]))
    size = struct.unpack_from(">HH", data, entry_payload + 24) if handler == "vide" else (0, 0)
    stts = stbl[b"stts"][0]
    pairs = _u32s(data, stts + 8, 2 * _u32s(data, stts + 4, 1)[0])
    deltas = [delta for count, delta in zip(pairs[::2], pairs[1::2]) for delta in repeat(delta, count)]
    dts = [0, *accumulate(deltas)][:len(deltas)]
    offsets = [0] * len(dts)
    if b"ctts" in stbl:
        ctts = stbl[b"ctts"][0]
        signed = ">" + "i" if data[ctts] == 1 else ">I"
        count = _u32s(data, ctts + 4, 1)[0]
        runs = [(struct.unpack_from(">I", data, ctts + 8 + 8 * i)[0],
                 struct.unpack_from(signed, data, ctts + 12 + 8 * i)[0]) for i in range(count)]
        offsets = [offset for run, offset in runs for offset in repeat(offset, run)][:len(dts)]
        if len(offsets) < len(dts):
            return None
    shift = _edit_shift(data, trak, timescale, movie_scale)
    if shift is None:
        return None
    pts = [d + o - shift for d, o in zip(dts, offsets)]
    if pts and deltas and min(pts) < -max(deltas):
        return None  # an edit that starts well into the media: ffmpeg drops samples there, we would not
    if b"stss" in stbl:
        stss = stbl[b"stss"][0]
        numbers = _u32s(data, stss + 8, _u32s(data, stss + 4, 1)[0])
        keys = sorted((pts[n - 1], dts[n - 1] - shift) for n in numbers if 0 < n <= len(pts))
    else:
        keys = sorted((p, d - shift) for p, d in zip(pts, dts))
    return Track(handler, timescale, tuple(sorted(pts)), tuple(keys), entry_kind.decode("latin-1"), tuple(size))


def _edit_shift(data: bytes, trak: dict[bytes, tuple[int, int]], timescale: int, movie_scale: int) -> int | None:
    """How far the edit list moves the track's times back (ticks): its media start, less an empty
    edit's delay before it. None for edit lists of another shape."""
    if b"edts" not in trak:
        return 0
    elst = _children(data, *trak[b"edts"]).get(b"elst")
    if elst is None:
        return 0
    at, version = elst[0], data[elst[0]]
    count = _u32s(data, at + 4, 1)[0]
    layout, width = (">QqI", 20) if version == 1 else (">IiI", 12)
    edits = [struct.unpack_from(layout, data, at + 8 + width * i) for i in range(count)]
    delay = 0
    if edits and edits[0][1] == -1:  # an empty edit: the track starts later
        delay = edits[0][0] * timescale // movie_scale
        edits = edits[1:]
    if len(edits) > 1 or (edits and edits[0][2] != 0x10000):
        return None
    return (edits[0][1] if edits else 0) - delay


def avc_config(path: Path) -> bytes | None:
    """The `avcC` box payload of the first H.264 video track of an MP4/MOV file, or None
    (not an MP4, no H.264 track, or a file too damaged to tell)."""
    try:
        moov = _moov(path)
    except (OSError, struct.error):
        return None
    if moov is None:
        return None
    return _find_avcc(moov, 0, len(moov))


def _find_avcc(data: bytes, start: int, end: int) -> bytes | None:
    for kind, payload, box_end in _boxes(data, start, end):
        if kind in _CONTAINERS:
            found = _find_avcc(data, payload, box_end)
        elif kind == b"stsd":  # full box (4 bytes) + entry count (4 bytes), then the sample entries
            found = _find_avcc(data, payload + 8, box_end)
        elif kind in (b"avc1", b"avc3"):
            found = next((data[p:e] for k, p, e in _boxes(data, payload + _VISUAL_ENTRY_HEADER, box_end)
                          if k == b"avcC"), None)
        else:
            continue
        if found is not None:
            return found
    return None
