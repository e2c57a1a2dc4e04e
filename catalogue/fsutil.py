"""Atomic writes: an output appears under its final name complete, or not at all. Backups of
what an editor wrote, kept beside it before it is replaced."""

from __future__ import annotations

import datetime
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL_MARK = ".partial"
BACKUP_SUFFIX = ".bak"  # last, so a backup of media/film.toml is never taken for a cut list (media/*.toml)
KEEP_BACKUPS = 20  # the newest backups kept of each file; older ones are removed when a new one is made
# `.<stem>.partial-<pid>-<random><ext>`, and `.<stem>.partial-<pid><ext>` as older versions named them
_PARTIAL = re.compile(rf"\..*{re.escape(PARTIAL_MARK)}-(?P<pid>[0-9]+)(?:-[a-z0-9_]+)?(?:\..*)?", re.ASCII)
_UMASK = os.umask(0o022)  # read once, at import (one thread): the mode a plain open() would give a new file
os.umask(_UMASK)


def open_partial(dest: Path) -> tuple[int, Path]:
    """A new empty hidden sibling of `dest` that keeps its extension (ffmpeg refuses `x.mp4.tmp`), made
    exclusively (O_EXCL, never through a link: `tempfile.mkstemp`) under a name no one can guess,
    `.<stem>.partial-<pid>-<random><ext>`, and its open descriptor. The pid lets `remove_stale_partials`
    tell a live writer's file."""
    handle, name = tempfile.mkstemp(prefix=f".{dest.stem}{PARTIAL_MARK}-{os.getpid()}-", suffix=dest.suffix,
                                    dir=dest.parent)
    os.fchmod(handle, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide a clip from the web server's user
    return handle, Path(name)


@contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a new temporary file beside `dest` (empty, ours: a program writing to it must be allowed to
    overwrite it, as ffmpeg's `-y`); on success rename it to `dest`, on failure remove it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = open_partial(dest)
    os.close(handle)
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(dest: Path, data: bytes) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = open_partial(dest)
    try:
        with open(handle, "wb") as out:  # the descriptor mkstemp opened: nothing can be swapped in between
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except OSError as exc:
        exc.filename = exc.filename or str(dest)  # a failed write names no file: name the one written
        raise
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(dest: Path, text: str) -> None:
    write_bytes_atomic(dest, text.encode("utf-8"))


def backup_path(path: Path, now: datetime.datetime | None = None) -> Path:
    """A free name beside `path` for a copy of it: `film.toml.20261201-213000.bak`, then `…-2.bak`, `…-3.bak`
    within the same second, each numbered after the highest there (`now`: local time by default)."""
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    number = max((n for (taken, n), _ in backups_of(path) if taken == stamp), default=0) + 1
    while True:
        candidate = path.with_name(f"{path.name}.{stamp}{f'-{number}' if number > 1 else ''}{BACKUP_SUFFIX}")
        if not (candidate.exists() or candidate.is_symlink()):
            return candidate
        number += 1


def backups_of(path: Path) -> list[tuple[tuple[str, int], Path]]:
    """The backups beside `path`, each with its (time stamp, number), oldest first."""
    pattern = re.compile(rf"{re.escape(path.name)}\.(?P<stamp>[0-9]{{8}}-[0-9]{{6}})(?:-(?P<n>[0-9]+))?"
                         rf"{re.escape(BACKUP_SUFFIX)}", re.ASCII)
    try:
        names = [candidate.name for candidate in path.parent.iterdir()]
    except OSError:
        return []
    found = [((match["stamp"], int(match["n"] or 1)), path.with_name(name))
             for name in names if (match := pattern.fullmatch(name))]
    return sorted(found)


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
        prune_backups(path)
        return backup


def prune_backups(path: Path, keep: int = KEEP_BACKUPS) -> list[Path]:
    """Remove the backups of `path` beyond the newest `keep` (by the time and number in their names)."""
    found = backups_of(path)
    old = [candidate for _, candidate in found[:max(0, len(found) - keep)]]
    for candidate in old:
        candidate.unlink(missing_ok=True)
    return old


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove partial files left by a killed run (their writer is gone)."""
    removed = []
    if folder.is_dir():
        for path in folder.glob(f".*{PARTIAL_MARK}-*"):
            match = _PARTIAL.fullmatch(path.name)
            pid = int(match["pid"]) if match else 0
            if pid and process_alive(pid) and pid != os.getpid():
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
