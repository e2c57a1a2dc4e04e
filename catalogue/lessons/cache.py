"""The site's cache of lesson packs for sessions defined in a URL (`/packs/sessions/new.zip?…`).

Ready-made theme and session packs are few (the cut lists name them) and kept in `.catalogue/packs/`
(`cached_pack`). A session in a URL is anyone's to define, so each new URL would be a new pack on disk:
those packs are kept apart, in `.catalogue/packs/url/`, under a size cap (`Settings.pack_cache_mb`). The
least recently used pack goes first, and the folder never holds more than the cap plus the one pack being
made (a pack larger than the cap is kept alone). One URL pack is made at a time per catalogue root, across
the server's workers (a lock file): a request meanwhile gets PackBusyError, and comes back later. A build
whose requester left is stopped (`stop`), and nothing of it is kept.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from catalogue.lessons.pack import PackError, PackPlan, pack_entries, pack_key, write_zip
from catalogue.lessons.pdf import PdfError
from catalogue.settings import Settings

RETRY_AFTER_S = 10  # what a refused request is told: a pack is made in seconds
PARTIAL = ".partial.zip"


class PackBusyError(PackError):
    """Another URL pack is being made on this catalogue root: come back in `retry_after_s` seconds."""

    retry_after_s = RETRY_AFTER_S

    def __init__(self) -> None:
        super().__init__("another lesson pack is being made; try again in a few seconds")


def url_pack_folder(settings: Settings) -> Path:
    return settings.state_dir / "packs" / "url"


def cached_url_pack(settings: Settings, plans: Sequence[PackPlan], *, stop: threading.Event | None = None) -> Path:
    """The pack of the first of `plans` in the URL packs' cache; else made, trying each plan in turn while a
    PDF cannot be printed (a plan with guide.pdf, then one without). PackBusyError while another is being
    made, PackStopped when `stop` is set before it is done."""
    folder = url_pack_folder(settings)
    paths = [folder / f"{pack_key(plan)}.zip" for plan in plans]
    if found := next((path for path in paths if _touch(path)), None):
        return found
    folder.mkdir(parents=True, exist_ok=True)
    with _build_slot(folder):
        if found := next((path for path in paths if _touch(path)), None):  # made while we waited
            return found
        for stale in folder.glob(f".pack-*{PARTIAL}"):  # the slot is ours: no other build is writing
            stale.unlink(missing_ok=True)
        for plan, path in zip(plans, paths):
            try:
                _make(settings, plan, path, stop)
                return path
            except PdfError:
                if plan is plans[-1]:
                    raise
    raise PackError("no plan to make a pack of")


def _make(settings: Settings, plan: PackPlan, path: Path, stop: threading.Event | None) -> None:
    handle, name = tempfile.mkstemp(prefix=".pack-", suffix=PARTIAL, dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        write_zip(tmp, pack_entries(plan, stop), stop)
        make_room(path.parent, tmp.stat().st_size, settings.pack_cache_bytes)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def plan_eviction(packs: list[tuple[Path, int, int]], incoming: int, budget: int) -> list[Path]:
    """Which of `packs` (path, size, last use) to remove, least recently used first, so that the rest and
    `incoming` bytes fit in `budget`; all of them when `incoming` alone does not fit."""
    room = max(0, budget - incoming)
    total = sum(size for _, size, _ in packs)
    victims = []
    for path, size, _ in sorted(packs, key=lambda pack: (pack[2], str(pack[0]))):
        if total <= room:
            break
        victims.append(path)
        total -= size
    return victims


def make_room(folder: Path, incoming: int, budget: int) -> list[Path]:
    """Remove the least recently used packs in `folder` until `incoming` more bytes fit in `budget`."""
    packs = []
    for path in folder.glob("[!.]*.zip"):  # not a partial (.pack-….partial.zip): the one being made is `incoming`
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        packs.append((path, info.st_size, info.st_mtime_ns))
    victims = plan_eviction(packs, incoming, budget)
    for path in victims:
        path.unlink(missing_ok=True)
    return victims


def _touch(path: Path) -> bool:
    """Mark the pack as just used (it goes last); False when it is not there."""
    try:
        os.utime(path)
    except FileNotFoundError:
        return False
    return True


@contextmanager
def _build_slot(folder: Path) -> Iterator[None]:
    """The one build of a URL pack on this root (an flock, released when the build ends or its process dies)."""
    handle = os.open(folder / ".build.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PackBusyError() from None
        yield
    finally:
        os.close(handle)
