"""Atomic writes: an output appears under its final name complete, or not at all. Backups of
what an editor wrote, kept beside it before it is replaced."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL_MARK = ".partial"
BACKUP_SUFFIX = ".bak"  # last, so a backup of media/film.toml is never taken for a cut list (media/*.toml)


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


def backup_path(path: Path, now: datetime.datetime | None = None) -> Path:
    """A free name beside `path` for a copy of it: `film.toml.20261201-213000.bak`, then `…-2.bak`, `…-3.bak`
    if taken (`now`: local time by default)."""
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{stamp}{BACKUP_SUFFIX}")
    number = 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = path.with_name(f"{path.name}.{stamp}-{number}{BACKUP_SUFFIX}")
    return candidate


def keep_backup(path: Path, data: bytes | None = None) -> Path:
    """Copy `path` (or `data`, the bytes just read from it) to a new backup_path beside it; return that.
    Never overwrites: a name taken meanwhile makes it pick the next."""
    data = path.read_bytes() if data is None else data
    while True:
        backup = backup_path(path)
        try:
            handle = open(backup, "xb")
        except FileExistsError:  # another writer took the name after backup_path looked
            continue
        try:
            with handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            backup.unlink(missing_ok=True)
            raise
        return backup


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove partial files left by a killed run (their writer is gone)."""
    removed = []
    if folder.is_dir():
        for path in folder.glob(f".*{PARTIAL_MARK}-*"):
            pid = path.stem.rsplit("-", 1)[-1]
            if pid.isdigit() and process_alive(int(pid)) and int(pid) != os.getpid():
                continue
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (ours or another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
