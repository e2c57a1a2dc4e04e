"""The one place that runs ffmpeg: finding the binary, probing, running with progress.

Probing parses ffmpeg's own output instead of using ffprobe (not shipped by
imageio-ffmpeg) or PyAV (a second copy of the ffmpeg libraries, possibly of another
version than the binary that cuts): one binary decides what a file is and cuts it,
and a broken file can only hang or crash a child process, which has a time limit.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.errors import MediaError
from catalogue.model import AudioStream, MediaInfo, VideoStream

PROBE_TIMEOUT_S = 120
ProgressCallback = Callable[[int], None]  # ms of output written so far

_INPUT = re.compile(r"^Input #0, (?P<container>[^,]+(?:,[^,\s]+)*), from ", re.M)
_DURATION = re.compile(r"^\s+Duration: (?:(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?)|N/A)", re.M)
_STREAM = re.compile(r"^\s+Stream #0:\d+\S*: (?P<kind>Video|Audio): (?P<rest>.*)$", re.M)
_ROTATION = re.compile(r"(?:displaymatrix|Display Matrix): rotation of (?P<deg>-?\d+(?:\.\d+)?) degrees", re.I)
_SIZE = re.compile(r"\b(?P<w>\d{2,5})x(?P<h>\d{2,5})\b")
_FPS = re.compile(r"(?P<fps>\d+(?:\.\d+)?)(?P<k>k?) (?:fps|tbr)\b")
_HZ = re.compile(r"(?P<hz>\d+) Hz")


_PROGRESS_KEYS = {"frame", "fps", "out_time_us", "out_time_ms", "out_time", "total_size", "speed", "progress",
                  "bitrate", "dup_frames", "drop_frames", "stream_0_0_q"}


@dataclass(frozen=True)
class FFmpegResult:
    stdout: str
    stderr: str
    progress: dict[str, str]  # the last value of each `-progress` key, e.g. "frame"


@functools.cache
def ffmpeg_exe() -> str:
    """`ffmpeg` from PATH when there is one, else the binary imageio-ffmpeg ships."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def file_arg(path: Path) -> str:
    """A path as an ffmpeg input or output: "file:" keeps a name like "a:b.mp4" from
    being read as protocol "a"."""
    return f"file:{path.resolve()}"


class _Running:
    """Children started by this process, so an interrupt can stop them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen[bytes]] = set()
        self.stopped = False

    def add(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._procs.add(proc)
            if self.stopped:  # started while we were stopping: stop it too
                proc.kill()

    def reopen(self) -> None:
        with self._lock:
            self.stopped = False

    def discard(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._procs.discard(proc)

    def kill_all(self) -> None:
        """Kill every running ffmpeg, and any started from now until `reopen`."""
        with self._lock:
            self.stopped = True
            for proc in self._procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)


RUNNING = _Running()


@dataclass
class _Child:
    """A running ffmpeg: its process, the tail of what it wrote to stderr, how it ended."""

    proc: subprocess.Popen[bytes]
    err_tail: deque[bytes] = field(default_factory=lambda: deque(maxlen=400))
    timed_out: threading.Event = field(default_factory=threading.Event)
    code: int = -1

    @property
    def stderr(self) -> str:
        return b"".join(self.err_tail).decode("utf-8", "replace")


@contextmanager
def _ffmpeg(args: Sequence[str], about: Path, timeout_s: float | None) -> Iterator[_Child]:
    """Start ffmpeg with `args`, let the caller read its stdout, and always end it: killed on an
    error, an interrupt or the time limit (then MediaError); `code` is set when it exited."""
    argv = [ffmpeg_exe(), *args]
    if RUNNING.stopped:
        raise MediaError(about, "interrupted")
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise MediaError(about, f"cannot start ffmpeg ({argv[0]}): {exc.strerror}") from exc
    child = _Child(proc)

    def stop() -> None:
        child.timed_out.set()
        proc.kill()

    timer = threading.Timer(timeout_s, stop) if timeout_s else None
    with proc:  # closes the pipes, whatever happens
        RUNNING.add(proc)
        reader = threading.Thread(target=lambda: child.err_tail.extend(proc.stderr or ()), daemon=True)
        reader.start()
        try:
            if timer:
                timer.start()
            yield child
            child.code = proc.wait()
            reader.join()
        finally:
            if timer:
                timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            RUNNING.discard(proc)
    if child.timed_out.is_set():
        raise MediaError(about, f"ffmpeg took longer than {timeout_s:.0f} s and was stopped")


def run_ffmpeg(
    args: Sequence[str],
    *,
    about: Path,
    on_progress: ProgressCallback | None = None,
    timeout_s: float | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> FFmpegResult:
    """Run ffmpeg with `args` (without the binary).

    Raises MediaError naming `about` with the last lines ffmpeg wrote to stderr.
    With `-progress pipe:1` in args, the key=value lines go to `on_progress` (as
    ms written) and the last values of each key are in the result's `progress`.
    """
    out_lines: list[str] = []
    progress: dict[str, str] = {}
    with _ffmpeg(args, about, timeout_s) as child:
        assert child.proc.stdout is not None
        for raw in child.proc.stdout:
            line = raw.decode("utf-8", "replace")
            key, equals, value = line.strip().partition("=")
            if equals and key in _PROGRESS_KEYS:
                progress[key] = value
                if on_progress and key == "out_time_us" and value.lstrip("-").isdigit():
                    on_progress(max(0, int(value) // 1000))
            else:
                out_lines.append(line)
    if child.code not in ok_codes:
        raise MediaError(about, f"ffmpeg failed (exit {child.code}): {_last_lines(child.stderr)}")
    return FFmpegResult("".join(out_lines), child.stderr, progress)


def _last_lines(stderr: str, count: int = 3) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    interesting = [line for line in lines if not line.startswith(("frame=", "size=", "Press [q]"))]
    return " / ".join(interesting[-count:]) or "no message"


def probe(path: Path) -> MediaInfo:
    """Read container, duration and first video and audio stream of a media file."""
    if not path.is_file():
        raise MediaError(path, "file not found")
    if not os.access(path, os.R_OK):
        raise MediaError(path, "file is not readable (check its permissions)")
    result = run_ffmpeg(["-hide_banner", "-nostdin", "-i", str(path)], about=path,
                        timeout_s=PROBE_TIMEOUT_S, ok_codes=(0, 1))
    info = parse_probe(path, result.stderr)
    if info.duration_ms <= 0 and (info.video or info.audio):
        info = _with_measured_duration(info)
    return info


def parse_probe(path: Path, stderr: str) -> MediaInfo:
    """Parse what `ffmpeg -i FILE` prints (pure; tested on recorded output)."""
    header = _INPUT.search(stderr)
    if not header:
        raise MediaError(path, f"not a media file ffmpeg can read: {_last_lines(stderr, 1)}")
    duration = _DURATION.search(stderr)
    duration_ms = 0
    if duration and duration["h"] is not None:
        seconds = (int(duration["h"]) * 60 + int(duration["m"])) * 60 + float(duration["s"])
        duration_ms = round(seconds * 1000)
    video, audio = None, None
    for match in _STREAM.finditer(stderr):
        rest = match["rest"]
        if match["kind"] == "Video" and video is None and "attached pic" not in rest:
            video = _parse_video(rest, stderr[match.end():])
        elif match["kind"] == "Audio" and audio is None and not rest.startswith("none"):
            audio = _parse_audio(rest)
    return MediaInfo(path=path, container=header["container"], duration_ms=duration_ms, video=video, audio=audio)


def _parse_video(rest: str, after: str) -> VideoStream | None:
    size = _SIZE.search(rest)
    if not size:
        return None
    fps = _FPS.search(rest)
    rate = float(fps["fps"]) * (1000 if fps and fps["k"] else 1) if fps else 0.0
    block = re.split(r"^\s+Stream #", after, maxsplit=1, flags=re.M)[0]
    rotation = _ROTATION.search(block)
    degrees = round(float(rotation["deg"])) % 360 if rotation else 0
    parts = [part.strip() for part in _split_top_level(rest)]
    pix_fmt = parts[1].split("(")[0] if len(parts) > 1 else ""
    return VideoStream(codec=parts[0].split()[0], width=int(size["w"]), height=int(size["h"]),
                       fps=rate, rotation=degrees, pix_fmt=pix_fmt)


def _parse_audio(rest: str) -> AudioStream:
    parts = [part.strip() for part in _split_top_level(rest)]
    hz = _HZ.search(rest)
    layout = parts[2] if len(parts) > 2 else ""
    channels = {"mono": 1, "stereo": 2}.get(layout, 0)
    if not channels:
        found = re.match(r"(\d+)(?:\.(\d))?", layout)
        channels = sum(int(n) for n in found.groups() if n) if found else 0
    return AudioStream(codec=parts[0].split()[0], channels=channels, sample_rate=int(hz["hz"]) if hz else 0)


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside parentheses: `h264 (High), yuv420p(tv, bt709), 1280x720`."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _with_measured_duration(info: MediaInfo) -> MediaInfo:
    """No duration in the header (some WebM): read the packets to the end to measure it."""
    stderr = run_ffmpeg(["-hide_banner", "-nostdin", "-i", str(info.path), "-map", "0", "-c", "copy",
                         "-f", "null", "-"], about=info.path, timeout_s=PROBE_TIMEOUT_S).stderr
    times = re.findall(r"time=(\d+):(\d\d):(\d\d(?:\.\d+)?)", stderr)
    if times:
        h, m, s = times[-1]
        duration_ms = round(((int(h) * 60 + int(m)) * 60 + float(s)) * 1000)
        return MediaInfo(info.path, info.container, duration_ms, info.video, info.audio)
    return info


def read_keyframes(path: Path) -> tuple[int, ...]:
    """Times (ms, from the file's start, rounded down) of the video keyframes, sorted."""
    result = run_ffmpeg(["-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:v:0",
                         "-c", "copy", "-f", "framecrc", "-"], about=path, timeout_s=PROBE_TIMEOUT_S)
    return parse_keyframes(result.stdout)


def parse_keyframes(framecrc: str) -> tuple[int, ...]:
    """Keyframe times from ffmpeg's framecrc output (a packet line without `F=`, or with bit 1 set)."""
    video = parse_packets(framecrc).get(0)
    if video is None:
        return ()
    num, den = video.timebase
    return tuple(sorted(pts * num * 1000 // den for pts, _ in video.keys if pts >= 0))


@dataclass(frozen=True)
class Packets:
    """One stream's packets as the file stores them: times in ticks of `timebase` seconds."""

    timebase: tuple[int, int]  # (num, den): a tick is num/den seconds
    pts: tuple[int, ...]  # every packet's presentation time, sorted (= the frames in display order)
    keys: tuple[tuple[int, int], ...] = ()  # (pts, dts) of each keyframe, sorted

    def seconds(self, ticks: int) -> float:
        return ticks * self.timebase[0] / self.timebase[1]


def read_packets(path: Path, *, audio: bool) -> tuple[Packets, Packets | None]:
    """The packets of the first video stream (and of the first audio stream when asked and present),
    read without decoding (`-c copy -f framecrc`): a second or two for an hour of film."""
    maps = ["-map", "0:v:0"] + (["-map", "0:a:0?"] if audio else [])
    result = run_ffmpeg(["-hide_banner", "-nostdin", "-v", "error", "-i", str(path), *maps,
                         "-c", "copy", "-f", "framecrc", "-"], about=path, timeout_s=PROBE_TIMEOUT_S)
    streams = parse_packets(result.stdout)
    if 0 not in streams:
        raise MediaError(path, "no video packets")
    return streams[0], streams.get(1)


def parse_packets(framecrc: str) -> dict[int, Packets]:
    """Per output stream of ffmpeg's framecrc output: sorted pts and the keyframes' (pts, dts)."""
    timebases: dict[int, tuple[int, int]] = {}
    pts: dict[int, list[int]] = {}
    keys: dict[int, list[tuple[int, int]]] = {}
    for line in framecrc.splitlines():
        if line.startswith("#tb "):
            index, _, base = line[4:].partition(":")
            num, den = (int(n) for n in base.strip().split("/"))
            timebases[int(index)] = (num, den)
        elif line and not line.startswith("#"):
            fields = [field.strip() for field in line.split(",")]
            if len(fields) < 6 or not fields[0].isdigit():
                continue
            stream, dts, time = int(fields[0]), int(fields[1]), int(fields[2])
            pts.setdefault(stream, []).append(time)
            flags = next((f for f in fields[6:] if f.startswith("F=")), "F=0x1")
            if int(flags[2:], 16) & 1:
                keys.setdefault(stream, []).append((time, dts))
    return {stream: Packets(timebases.get(stream, (1, 1000)), tuple(sorted(times)), tuple(sorted(keys.get(stream, []))))
            for stream, times in pts.items()}


def stream_ffmpeg(args: Sequence[str], on_chunk: Callable[[bytes], None], *, about: Path,
                  chunk_bytes: int = 1 << 16, timeout_s: float | None = None) -> None:
    """Run ffmpeg with `args` writing raw data to stdout ("pipe:1"); hand it to `on_chunk` in pieces of
    at most `chunk_bytes`, as it comes (never the whole output in memory). Errors as run_ffmpeg."""
    with _ffmpeg(args, about, timeout_s) as child:
        assert child.proc.stdout is not None
        while chunk := child.proc.stdout.read1(chunk_bytes):  # type: ignore[attr-defined]
            on_chunk(chunk)
    if child.code != 0:
        raise MediaError(about, f"ffmpeg failed (exit {child.code}): {_last_lines(child.stderr)}")
