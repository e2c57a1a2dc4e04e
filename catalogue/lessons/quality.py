"""A pack's clips at a lower quality (`catalogue pack --quality 360p`), for a USB stick or a slow
download: the clip's rung of the adaptive ladder (catalogue.cutting.ladder) as a plain MP4.

A rung file is fragmented (for HLS); a pack plays its clips from files, so the rung's streams are
copied (no re-encoding, a fraction of a second) into a progressive MP4 with its index first, made
once per rung file version and kept under `.catalogue/packs/rungs/`.
"""

from __future__ import annotations

from pathlib import Path

from catalogue.errors import CatalogueError
from catalogue.fsutil import atomic_path
from catalogue.media import file_arg, identity_key, run_ffmpeg
from catalogue.settings import Settings

FULL = "full"
QUALITIES = (FULL, "360p")  # 360p: 500 kbit/s of picture and 96 of sound, about 4.5 MB a minute at most


def clip_source(settings: Settings, clip_id: str, quality: str = FULL) -> Path:
    """The file a pack takes for the clip at `quality`: its MP4, or its rung as a plain MP4."""
    if quality == FULL:
        return settings.clip_video(clip_id)
    if quality not in QUALITIES:
        raise CatalogueError(f"quality {quality!r}: choose one of {', '.join(QUALITIES)}")
    rung = _rung(settings, clip_id, quality)
    plain = settings.state_dir / "packs" / "rungs" / f"{clip_id}-{rung.stem}-{identity_key(rung)[:16]}.mp4"
    if not plain.is_file():
        with atomic_path(plain) as tmp:
            run_ffmpeg(["-hide_banner", "-nostdin", "-v", "error", "-y", "-i", file_arg(rung), "-map", "0", "-c", "copy",
                        "-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact", "-f", "mp4",
                        file_arg(tmp)], about=rung)
    return plain


def _rung(settings: Settings, clip_id: str, quality: str) -> Path:
    """The clip's rung of that quality, or (for a film smaller than it) its best rung below it."""
    wanted = int(quality.rstrip("p"))
    folder = settings.clip_hls(clip_id)
    rungs = sorted((int(p.stem.rstrip("p")), p) for p in folder.glob("*p.mp4") if p.stem.rstrip("p").isdigit())
    below = [path for height, path in rungs if height <= wanted]
    if not below:
        raise CatalogueError(f"clip {clip_id!r} has no {quality} version (media/hls/clips/{clip_id}/ is missing): "
                             "run `catalogue cut`")
    return below[-1]
