"""Build records: what an output was made from, so a rerun can skip it.

A record sits beside the state folder (`.catalogue/build/<output path>.json`) and
holds a hash of the output's inputs and settings, plus the output's own size and
mtime when it was written: an output someone replaced or truncated is rebuilt too.
A record that cannot be read is treated as absent: rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from catalogue.fsutil import write_text_atomic


def key_hash(key: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()


class BuildRecords:
    def __init__(self, root: Path, build_dir: Path) -> None:
        self.root = root
        self.build_dir = build_dir

    def _record_path(self, output: Path) -> Path:
        relative = output.resolve().relative_to(self.root)
        return self.build_dir / f"{relative.as_posix()}.json"

    def is_current(self, output: Path, key: dict[str, Any]) -> bool:
        """True when `output` exists, unchanged since we wrote it, from the same inputs."""
        try:
            record = json.loads(self._record_path(output).read_text("utf-8"))
            stat = output.stat()
        except (OSError, ValueError):
            return False
        return (isinstance(record, dict) and record.get("key") == key_hash(key)
                and record.get("size") == stat.st_size and record.get("mtime_ns") == stat.st_mtime_ns)

    def save(self, output: Path, key: dict[str, Any], **extra: Any) -> None:
        stat = output.stat()
        record = {"key": key_hash(key), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "inputs": key, **extra}
        write_text_atomic(self._record_path(output), json.dumps(record, indent=1, default=str))

    def unchanged_record(self, output: Path) -> dict[str, Any] | None:
        """The record of `output` while the file is still the one recorded (same size and mtime),
        whatever its inputs were; else None."""
        try:
            record = json.loads(self._record_path(output).read_text("utf-8"))
            stat = output.stat()
        except (OSError, ValueError):
            return None
        if isinstance(record, dict) and record.get("size") == stat.st_size and record.get("mtime_ns") == stat.st_mtime_ns:
            return record
        return None

    def forget(self, output: Path) -> None:
        """Remove the record of `output` (the output was removed)."""
        self._record_path(output).unlink(missing_ok=True)

    def read_extra(self, output: Path, name: str) -> Any:
        try:
            return json.loads(self._record_path(output).read_text("utf-8")).get(name)
        except (OSError, ValueError, AttributeError):
            return None
