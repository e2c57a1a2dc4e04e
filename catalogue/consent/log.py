"""The consent log: `.catalogue/consent.log`, JSON lines, only ever appended to. One line per
withdrawal (and per verification): when, which person (a salted hash, catalogue.cutlist's
person_hash), which action, and what was removed by count and clip id. It keeps none of the
withdrawn words: no name, no cue text; a `--reason` is kept with the person's id and name taken out.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

LOG = "consent.log"
PERSON_MARK = "[persoon]"


def log_path(state_dir: Path) -> Path:
    return state_dir / LOG


def read_log(state_dir: Path) -> Iterator[dict[str, Any]]:
    """Every complete entry (a line cut short by a crash is skipped)."""
    try:
        with open(log_path(state_dir), encoding="utf-8") as handle:
            for line in handle:
                if not line.endswith("\n"):
                    return
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict):
                    yield entry
    except FileNotFoundError:
        return


def append_entry(state_dir: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """Append one entry (with `time` now, UTC) as one line, fsynced; returns it."""
    entry = {"time": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), **entry}
    line = json.dumps(entry, ensure_ascii=False, sort_keys=False) + "\n"
    path = log_path(state_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        _end_cut_line(fd, path)
        os.write(fd, line.encode("utf-8"))  # one write of an O_APPEND file: never interleaved
        os.fsync(fd)
    finally:
        os.close(fd)
    return entry


def _end_cut_line(fd: int, path: Path) -> None:
    """A last line cut short by a crash gets its line end, so the new entry starts a line of its own."""
    size = path.stat().st_size
    if size:
        with open(path, "rb") as handle:
            handle.seek(size - 1)
            if handle.read(1) != b"\n":
                os.write(fd, b"\n")


def logged(state_dir: Path, person: str, action: str, date: str) -> bool:
    """Whether this person's `action` of `date` is in the log already (a rerun logs it once)."""
    return any(e.get("person") == person and e.get("action") == action and e.get("date") == date
               for e in read_log(state_dir))


def scrub(text: str, words: Iterable[str]) -> str:
    """`text` with each of `words` (the person's id and name) replaced by PERSON_MARK, any case."""
    for word in sorted({w for w in words if w.strip()}, key=len, reverse=True):
        text = re.sub(re.escape(word), PERSON_MARK, text, flags=re.IGNORECASE)
    return " ".join(text.split())[:500]
