"""The steps of a film with redacted ranges (a person's consent withdrawn or ended, see
catalogue.cutlist.consent): its rendition redacted (catalogue.cutting.redaction), its subtitles
without the cues said inside a range, posters taken outside the ranges, and the clips that overlap
a range cut from the redacted rendition only, never from the source.

What a range does not touch keeps its build key, so it is not made again: the other clips stay
byte for byte as they were.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from catalogue.buildrecord import BuildRecords, key_hash
from catalogue.cutting.rendition import ENCODER, load_rendition, read_rendition
from catalogue.cutting.redaction import RedactionError, redact_rendition
from catalogue.errors import CatalogueError
from catalogue.media import ProgressCallback
from catalogue.model import Cue
from catalogue.settings import Settings

Range = tuple[int, int]


def overlapping(start_ms: int, end_ms: int, ranges: Sequence[Range]) -> list[Range]:
    return [(a, b) for a, b in ranges if a < end_ms and b > start_ms]


def cues_outside(cues: Sequence[Cue], ranges: Sequence[Range]) -> list[Cue]:
    """The cues not said (even in part) inside a range."""
    return [cue for cue in cues if not overlapping(cue.start_ms, cue.end_ms, ranges)]


def dropped_in(cues: Sequence[Cue], ranges: Sequence[Range], start_ms: int, end_ms: int) -> list[list[int]]:
    """The cues within start–end that a range takes out (for a build key: empty when none is)."""
    return [[c.start_ms, c.end_ms] for c in cues
            if c.start_ms < end_ms and c.end_ms > start_ms and overlapping(c.start_ms, c.end_ms, ranges)]


def outside(at_ms: int, ranges: Sequence[Range], low_ms: int, high_ms: int) -> int:
    """`at_ms`, or the nearest moment in [low, high) outside every range (a poster must not show a
    redacted moment); `at_ms` itself when the whole span is redacted."""
    inside = overlapping(at_ms, at_ms + 1, ranges)
    if not inside:
        return at_ms
    candidates = [t for a, b in ranges for t in (a - 1, b) if low_ms <= t < high_ms
                  and not overlapping(t, t + 1, ranges)]
    return min(candidates, key=lambda t: abs(t - at_ms)) if candidates else at_ms


def ranges_key(ranges: Sequence[Range], shift_ms: int = 0) -> list[list[int]]:
    return [[a - shift_ms, b - shift_ms] for a, b in ranges]


def redacted_rendition_run(settings: Settings, output: Path, base_key: dict[str, Any], base_run: Any,
                           ranges: Sequence[Range], preset: str) -> Any:
    """The run of a rendition step with `ranges` redacted. When the rendition on disk is this film's
    (unredacted, or redacted in fewer ranges), only what is new is redacted, in place; else the
    rendition is made again from the source first."""
    base_hash = key_hash(base_key)
    wanted = [list(r) for r in ranges]

    def run(tmp: Path, on_progress: ProgressCallback) -> dict[str, Any]:
        records = BuildRecords(settings.root, settings.build_dir)
        record = records.unchanged_record(output)
        done: list[list[int]] | None = None
        if record is not None and record.get("key") == base_hash:
            done = []
        elif record is not None and record.get("base") == base_hash and isinstance(record.get("redacted"), list):
            done = [list(r) for r in record["redacted"]]
            if not all(_covered(r, ranges) for r in done):
                done = None  # a range is redacted that no longer should be: start again from the source
        work_root = settings.rendition_dir / "work"
        work_root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-film-", dir=work_root))
        try:
            start = output
            if done is None:
                start, done = work / "base.mp4", []
                base_run(start, on_progress)
            todo = [tuple(r) for r in wanted if r not in done]
            facts = load_rendition(start, preset) if start == output else read_rendition(start, preset)
            if facts is None:
                raise RedactionError(start, "not an H.264 MP4 this reader follows")
            did = redact_rendition(facts, todo, tmp, work, on_progress)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return {"base": base_hash, "redacted": wanted, **did,
                "note": f"redacted {len(todo)} range(s) of the film's rendition"}
    return run


def _covered(done: Sequence[int], ranges: Sequence[Range]) -> bool:
    return any(a <= done[0] and done[1] <= b for a, b in ranges)


def require_current(current: bool, film_id: str) -> None:
    if not current:
        raise CatalogueError(f"the rendition of film {film_id!r} is not redacted yet, and this clip shows a "
                             "redacted moment: run `catalogue cut` without --only (it redacts the rendition first)")


def preset_of(key: dict[str, Any]) -> str:
    return str(key.get("preset", ENCODER["preset"]))
