"""HLS playlists for a ladder of fragmented MP4 files (RFC 8216, version 7: fMP4 with byte ranges).

Each rung is one file: its media playlist addresses the init segment (`EXT-X-MAP`) and each
fragment by byte range, one segment per fragment (a GOP, 2 s). The master playlist lists the
rungs with what a player chooses by: peak and average bandwidth, codecs, resolution, frame rate.
Everything here is pure: it formats what `catalogue.media.fmp4` read from the files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from catalogue.media import Fragmented

MASTER = "master.m3u8"


@dataclass(frozen=True)
class Variant:
    """One rung as the master playlist lists it."""

    uri: str  # its media playlist, relative to the master
    bandwidth: int  # bit/s of its most demanding segment (what the player must sustain)
    average: int  # bit/s over the whole file
    codecs: str
    size: tuple[int, int]
    fps: float


def avc_codec(avcc: bytes) -> str:
    """The RFC 6381 codec name of an H.264 stream from its avcC box: profile, constraints, level."""
    if len(avcc) < 4:
        raise ValueError("not an avcC box")
    return f"avc1.{avcc[1]:02x}{avcc[2]:02x}{avcc[3]:02x}"


def segment_rates(fragmented: Fragmented) -> tuple[int, int]:
    """(peak, average) bit/s of a rung: its costliest segment's bytes over its play time, and
    the file's segment bytes over the file's play time."""
    scale = fragmented.timescale
    rates = [f.size * 8 * scale / f.duration for f in fragmented.fragments if f.duration > 0]
    total_ticks = sum(f.duration for f in fragmented.fragments)
    average = sum(f.size for f in fragmented.fragments) * 8 * scale / total_ticks if total_ticks else 0
    return round(max(rates, default=0)), round(average)


def format_media_playlist(uri: str, fragmented: Fragmented) -> str:
    """The media playlist of one rung file (`uri`, relative to the playlist)."""
    scale = fragmented.timescale
    durations = [f.duration / scale for f in fragmented.fragments]
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", f"#EXT-X-TARGETDURATION:{max(1, math.ceil(max(durations) - 0.0005))}",
             "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-INDEPENDENT-SEGMENTS",
             f'#EXT-X-MAP:URI="{uri}",BYTERANGE="{fragmented.init_size}@0"']
    for fragment, seconds in zip(fragmented.fragments, durations):
        lines += [f"#EXTINF:{seconds:.5f},", f"#EXT-X-BYTERANGE:{fragment.size}@{fragment.offset}", uri]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def format_master_playlist(variants: Sequence[Variant]) -> str:
    """The master playlist: the rungs from the lowest bandwidth up (the first is where players
    without a bandwidth estimate start)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for v in sorted(variants, key=lambda v: v.bandwidth):
        lines += [f"#EXT-X-STREAM-INF:BANDWIDTH={v.bandwidth},AVERAGE-BANDWIDTH={v.average},"
                  f'CODECS="{v.codecs}",RESOLUTION={v.size[0]}x{v.size[1]},FRAME-RATE={v.fps:.3f}', v.uri]
    return "\n".join(lines) + "\n"


def parse_master_playlist(text: str) -> list[tuple[str, dict[str, str]]]:
    """The (uri, attributes) of each `EXT-X-STREAM-INF` of a master playlist (for checks and tests)."""
    variants, attributes = [], None
    for line in text.splitlines():
        if line.startswith("#EXT-X-STREAM-INF:"):
            attributes = _attributes(line.partition(":")[2])
        elif line and not line.startswith("#") and attributes is not None:
            variants.append((line, attributes))
            attributes = None
    return variants


def _attributes(text: str) -> dict[str, str]:
    found, key, value, quoted, in_value = {}, "", "", False, False
    for char in text + ",":
        if char == '"':
            quoted = not quoted
        elif char == "=" and not quoted and not in_value:
            in_value = True
        elif char == "," and not quoted:
            found[key.strip()] = value
            key, value, in_value = "", "", False
        elif in_value:
            value += char
        else:
            key += char
    return found
