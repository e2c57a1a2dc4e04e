"""A film at a glance for the studio's timeline: its waveform (peaks) and poster thumbnails, each made
once with ffmpeg and cached under .catalogue/studio/ by the film file's identity (a new version of the
film, a new cache entry)."""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from catalogue.errors import CatalogueError
from catalogue.fsutil import atomic_path, write_text_atomic
from catalogue.media import PROBE_TIMEOUT_S, file_arg, run_ffmpeg, stream_ffmpeg
from catalogue.model import MediaInfo
from catalogue.media import file_identity

# 4000 Hz, not lower: resampling low-passes at half the rate, and speech (and a 440 Hz test tone)
# lives well above 400 Hz. Still only 8 kB a second to read: 86 MB for 3 hours, through a 64 kB window.
WAVE_RATE_HZ = 4000
MAX_PEAKS = 16_000  # a 3-hour film: one peak per 0.68 s; the timeline zoomed 64× has no more pixels
MIN_PEAK_MS = 25  # a short film: one peak per 25 ms (a frame)
CHUNK_BYTES = 1 << 16
MAX_THUMBS = 60
THUMB_HEIGHT = 72
FFMPEG_TIMEOUT_S = 3600


class NoStreamError(CatalogueError):
    """The film has no audio (for a waveform) or no video (for thumbnails)."""


@dataclass(frozen=True)
class Waveform:
    """Peak amplitudes (0–1000, the loudest sample of each stretch) of `peak_ms` each, from the start."""

    peak_ms: float
    duration_ms: int
    peaks: list[int]

    def to_json(self) -> dict[str, object]:
        return {"audio": True, "peak_ms": self.peak_ms, "duration_ms": self.duration_ms, "peaks": self.peaks}


def plan_peak_samples(duration_ms: int, rate_hz: int = WAVE_RATE_HZ) -> int:
    """Samples per peak: MIN_PEAK_MS worth, more for a long film so it has at most MAX_PEAKS peaks."""
    samples = max(1, duration_ms) * rate_hz // 1000
    return max(rate_hz * MIN_PEAK_MS // 1000, -(-samples // MAX_PEAKS))


class PeakReader:
    """Folds s16le mono chunks into peaks as they arrive; holds one chunk and the peaks, nothing more."""

    def __init__(self, samples_per_peak: int) -> None:
        self.samples_per_peak = samples_per_peak
        self.peaks: list[int] = []
        self._rest = np.zeros(0, dtype=np.int32)
        self._odd = b""  # a chunk may end inside a sample

    def feed(self, chunk: bytes) -> None:
        data = self._odd + chunk
        whole = len(data) // 2 * 2
        self._odd = data[whole:]
        samples = np.concatenate([self._rest, np.abs(np.frombuffer(data[:whole], dtype="<i2").astype(np.int32))])
        full = len(samples) // self.samples_per_peak * self.samples_per_peak
        if full:
            self.peaks += _scaled(samples[:full].reshape(-1, self.samples_per_peak).max(axis=1))
        self._rest = samples[full:]

    def finish(self) -> list[int]:
        if len(self._rest):
            self.peaks += _scaled(self._rest.max(keepdims=True))
            self._rest = self._rest[:0]
        return self.peaks


def _scaled(maxima: np.ndarray) -> list[int]:
    return [int(v) for v in np.minimum(1000, maxima * 1000 // 32767)]


def waveform_args(source: Path, rate_hz: int = WAVE_RATE_HZ) -> list[str]:
    return ["-hide_banner", "-nostdin", "-v", "error", "-i", file_arg(source), "-map", "0:a:0", "-vn",
            "-ac", "1", "-ar", str(rate_hz), "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"]


def read_waveform(source: Path, duration_ms: int, *, chunk_bytes: int = CHUNK_BYTES) -> Waveform:
    """Decode the film's first audio stream once, streamed, into peaks."""
    samples_per_peak = plan_peak_samples(duration_ms)
    reader = PeakReader(samples_per_peak)
    stream_ffmpeg(waveform_args(source), reader.feed, about=source, chunk_bytes=chunk_bytes,
                  timeout_s=FFMPEG_TIMEOUT_S)
    return Waveform(samples_per_peak * 1000 / WAVE_RATE_HZ, duration_ms, reader.finish())


def plan_thumb_times(duration_ms: int, count: int) -> list[int]:
    """`count` even times over the film: the middle of each of `count` equal stretches (ms)."""
    return [round((i + 0.5) * duration_ms / count) for i in range(count)]


def thumb_args(source: Path, at_ms: int, dest: Path) -> list[str]:
    """One frame at `at_ms`, scaled to THUMB_HEIGHT: a fast seek (-ss before -i decodes from the keyframe
    before it only), so a thumbnail of a 3-hour film costs what one of a short film does."""
    return ["-hide_banner", "-nostdin", "-v", "error", "-y", "-ss", f"{at_ms / 1000:.3f}", "-i", file_arg(source),
            "-map", "0:v:0", "-frames:v", "1", "-vf", f"scale=-2:{THUMB_HEIGHT},setsar=1", "-q:v", "4",
            file_arg(dest)]


def sprite_args(frames: list[Path], dest: Path) -> list[str]:
    """The small frames side by side, in order, in one JPEG."""
    inputs = [arg for frame in frames for arg in ("-i", file_arg(frame))]
    joined = "".join(f"[{i}:v:0]" for i in range(len(frames)))
    graph = f"{joined}hstack=inputs={len(frames)}[out]" if len(frames) > 1 else "[0:v:0]null[out]"
    return ["-hide_banner", "-nostdin", "-v", "error", "-y", *inputs, "-filter_complex", graph,
            "-map", "[out]", "-frames:v", "1", "-q:v", "4", file_arg(dest)]


class Overview:
    """Waveforms and thumbnail sprites of the studio's films, made once per film version."""

    def __init__(self, cache_dir: Path, probe: Callable[[Path], MediaInfo]) -> None:
        self.cache_dir = cache_dir
        self.probe = probe
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def waveform_json(self, source: Path) -> dict[str, object]:
        """The film's waveform as the page draws it; {"audio": false} for a film without sound."""
        info = self.probe(source)
        if info.audio is None:
            return {"audio": False, "duration_ms": info.duration_ms, "peaks": []}
        cache = self._cache(source, "waveform", "json", WAVE_RATE_HZ, MAX_PEAKS)
        with self._lock(cache.name):
            try:
                data: dict[str, object] = json.loads(cache.read_text("utf-8"))
                return data
            except (OSError, ValueError):
                pass  # not made yet, or damaged: make it
            data = read_waveform(source, info.duration_ms).to_json()
            write_text_atomic(cache, json.dumps(data, separators=(",", ":")))
            return data

    def thumbs(self, source: Path, count: int) -> Path:
        """A JPEG of `count` thumbnails side by side, at plan_thumb_times."""
        info = self.probe(source)
        if info.video is None:
            raise NoStreamError(f"{source.name} heeft geen beeld: geen miniaturen")
        count = max(1, min(MAX_THUMBS, count))
        cache = self._cache(source, f"thumbs-{count}", "jpg", THUMB_HEIGHT)
        with self._lock(cache.name):
            if not cache.is_file():
                self._make_sprite(source, plan_thumb_times(max(1, info.duration_ms - 100), count), cache)
        return cache

    def _make_sprite(self, source: Path, times_ms: list[int], dest: Path) -> None:
        # one ffmpeg per frame, one after the other: a bounded memory whatever the film (one decoder
        # for all 60 at once would hold 60 decoders of a full-HD film)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache_dir, prefix=".thumbs-") as work:
            frames = [Path(work) / f"{i:02d}.jpg" for i in range(len(times_ms))]
            for at_ms, frame in zip(times_ms, frames):
                run_ffmpeg(thumb_args(source, at_ms, frame), about=source, timeout_s=PROBE_TIMEOUT_S)
                if not frame.is_file():  # a seek past the last frame writes nothing: the first frame then
                    run_ffmpeg(thumb_args(source, 0, frame), about=source, timeout_s=PROBE_TIMEOUT_S)
            with atomic_path(dest) as tmp:
                run_ffmpeg(sprite_args(frames, tmp), about=source, timeout_s=PROBE_TIMEOUT_S)

    def _cache(self, source: Path, kind: str, ext: str, *params: object) -> Path:
        key = json.dumps([file_identity(source), kind, *params], sort_keys=True)
        return self.cache_dir / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:32]}.{ext}"

    def _lock(self, name: str) -> threading.Lock:
        """One maker per cache file: a second request for it waits, then reads what the first made."""
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())
