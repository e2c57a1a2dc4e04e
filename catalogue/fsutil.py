"""Atomic writes: an output appears under its final name complete, or not at all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL_MARK = ".partial"


def partial_path(dest: Path) -> Path:
    """A hidden sibling that keeps the extension (ffmpeg refuses `x.mp4.tmp`)."""
    return dest.with_name(f".{dest.stem}{PARTIAL_MARK}-{os.getpid()}{dest.suffix}")


@contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a temporary path; on success rename it to `dest`, on failure remove it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = partial_path(dest)
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(dest: Path, data: bytes) -> None:
    with atomic_path(dest) as tmp:
        try:
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            exc.filename = exc.filename or str(dest)  # a failed write names no file: name the one written
            raise


def write_text_atomic(dest: Path, text: str) -> None:
    write_bytes_atomic(dest, text.encode("utf-8"))


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove partial files left by a killed run (their writer is gone)."""
    removed = []
    if folder.is_dir():
        for path in folder.glob(f".*{PARTIAL_MARK}-*"):
            pid = path.stem.rsplit("-", 1)[-1]
            if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
                continue
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
