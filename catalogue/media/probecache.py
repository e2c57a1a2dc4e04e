"""Probe results cached by file identity, so an unchanged rerun starts no ffmpeg."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from pathlib import Path

from catalogue.fsutil import write_text_atomic
from catalogue.media.runner import probe, read_keyframes
from catalogue.model import AudioStream, MediaInfo, VideoStream


def file_identity(path: Path) -> dict[str, object]:
    """What tells us a file changed without reading it: absolute path, size, mtime."""
    stat = path.stat()
    return {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def identity_key(path: Path) -> str:
    """A short name for this version of a file: for caches of what was learnt from it."""
    return hashlib.sha256(json.dumps(file_identity(path), sort_keys=True).encode()).hexdigest()[:32]


def _cache_file(cache_dir: Path, path: Path) -> Path:
    return cache_dir / f"{identity_key(path)}.json"


def probe_cached(path: Path, cache_dir: Path, *, keyframes: bool = False, save: bool = True) -> MediaInfo:
    """`media.probe` (and keyframes when asked), remembered until the file changes.
    With `save=False` the cache is read but never written (`catalogue check` writes nothing)."""
    cache = _cache_file(cache_dir, path)
    info = _load(cache, path)
    fresh = info is None
    if info is None:
        info = probe(path)
    if keyframes and info.video is not None and not info.keyframes_ms:
        info = replace(info, keyframes_ms=read_keyframes(path))
        fresh = True
    if fresh and save:
        try:
            _save(cache, info)
        except OSError:
            pass  # only a cache (a full disk, say): the next run probes again
    return info


def _load(cache: Path, path: Path) -> MediaInfo | None:
    try:
        data = json.loads(cache.read_text("utf-8"))
        video = VideoStream(**data["video"]) if data["video"] else None
        audio = AudioStream(**data["audio"]) if data["audio"] else None
        return MediaInfo(path=path, container=data["container"], duration_ms=int(data["duration_ms"]),
                         video=video, audio=audio, keyframes_ms=tuple(data["keyframes_ms"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or corrupt: probe again rather than trust it


def _save(cache: Path, info: MediaInfo) -> None:
    data = asdict(info)
    data["path"] = str(info.path)
    write_text_atomic(cache, json.dumps(data))
