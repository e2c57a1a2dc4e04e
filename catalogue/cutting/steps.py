"""A step: one output of `cut` and how to make it at a temporary path; and what every kind of step
shares: running ffmpeg into that path with errors that say what to do, and whether an earlier step's
output is current. The plan (catalogue.cutting.jobs) and the ladder (catalogue.cutting.ladder) make
their steps from these."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalogue.buildrecord import BuildRecords
from catalogue.errors import CatalogueError, MediaError
from catalogue.media import ProgressCallback, run_ffmpeg
from catalogue.settings import Settings
from catalogue.timecode import format_timecode

FFMPEG_GLOBAL = ("-hide_banner", "-nostdin", "-v", "error", "-progress", "pipe:1", "-nostats")


@dataclass(frozen=True)
class Step:
    """One output file and how to make it at a temporary path."""

    output: Path
    key: dict[str, Any]
    work_ms: int  # media time ffmpeg will write (for progress); 0 when no ffmpeg runs
    # writes the output at the temporary path; may return what it did (kept in the build record;
    # a "note" in it is told to the listener)
    run: Callable[[Path, ProgressCallback], dict[str, Any] | None] = field(compare=False)
    # outputs of earlier steps of the same job this one is made from: when one of them is rebuilt,
    # so is this one (a playlist describes the file beside it)
    needs: tuple[Path, ...] = ()


def frame_seek_us(start_ms: int, fps: float) -> int:
    """Where to seek (µs) so the first frame kept is the one on screen at `start`.

    ffmpeg keeps the first frame whose time is at or after the seek point, so a `start`
    inside a frame would lose that frame: seek to just before the frame's own start
    instead (100 µs, far less than a frame, covers the rounding of the frame rate).
    """
    if not 0 < fps <= 1000:
        return start_ms * 1000
    ntsc = next((k * 1000 / 1001 for k in (24, 30, 48, 60, 120) if abs(fps - k * 1000 / 1001) < 0.006), None)
    rate = ntsc or fps
    frame = int(start_ms * rate / 1000 + 1e-6)
    return max(0, min(start_ms * 1000, int(frame * 1_000_000 / rate)) - 100)


@contextmanager
def space_for(output: Path) -> Iterator[None]:
    """ffmpeg failing on a full disk becomes an error that says what to do."""
    try:
        yield
    except MediaError as exc:
        if "No space left on device" not in exc.reason:
            raise
        raise CatalogueError(f"cannot write {output}: no space left on the device; free some space and "
                             "run `catalogue cut` again") from exc


def run_ffmpeg_into(output: Path, tmp: Path, args: list[str], about: Path, on_progress: ProgressCallback,
                    span_ms: tuple[int, int] | None) -> None:
    with space_for(output):
        result = run_ffmpeg(args, about=about, on_progress=on_progress)
    if result.progress.get("frame") == "0" or not tmp.is_file() or tmp.stat().st_size == 0:
        where = f" between {format_timecode(span_ms[0])} and {format_timecode(span_ms[1])}" if span_ms else ""
        raise MediaError(about, f"no video frame{where}: does the picture start later than the sound, "
                                "or end earlier?")


def is_current(settings: Settings, step: Step) -> bool:
    """Whether `step`'s output is there and made from its inputs (read when a later step runs)."""
    return BuildRecords(settings.root, settings.build_dir).is_current(step.output, step.key)
