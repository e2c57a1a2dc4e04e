"""Tombstones: the clip ids a withdrawal took off the catalogue, kept so that none of them is
published again by accident (the same id in a new clip, an appearance edited away, a [[person]]
deleted). `.catalogue/consent/tombstones.json`, written atomically, only ever added to.

Each names the person whose withdrawal made it by a salted hash of their id, never by name: the
salt (`.catalogue/consent/salt`, random, made once) keeps the hashes from being matched against a
list of likely ids by anyone who has the log or the tombstones but not the salt.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.errors import CatalogueError
from catalogue.fsutil import write_text_atomic

FOLDER = "consent"
TOMBSTONES = "tombstones.json"
SALT = "salt"


@dataclass(frozen=True)
class Tombstone:
    clip_id: str
    film_id: str
    date: datetime.date  # when it was withdrawn
    person: str  # person_hash of the person whose withdrawal made it


@dataclass(frozen=True)
class Tombstones:
    entries: Mapping[str, Tombstone] = field(default_factory=dict)  # clip id -> its tombstone
    salt: bytes = b""


def person_hash(salt: bytes, person_id: str) -> str:
    """A person as the log and the tombstones name them: sha256 of the salt and their id, 16 hex digits."""
    return hashlib.sha256(salt + person_id.encode("utf-8")).hexdigest()[:16]


def consent_dir(state_dir: Path) -> Path:
    return state_dir / FOLDER


def read_salt(state_dir: Path, *, create: bool = False) -> bytes:
    """The catalogue's salt; made (32 random bytes, readable by its owner only) when asked and absent."""
    path = consent_dir(state_dir) / SALT
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if not create:
            return b""
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another run: use that one
        return path.read_bytes()
    with os.fdopen(fd, "wb") as handle:
        handle.write(salt)
        handle.flush()
        os.fsync(handle.fileno())
    return salt


def read_tombstones(state_dir: Path) -> Tombstones:
    """The tombstones (none when the file is absent). A damaged file is an error: guessing here
    could publish a withdrawn clip."""
    path = consent_dir(state_dir) / TOMBSTONES
    try:
        data = json.loads(path.read_text("utf-8"))
        entries = {item["clip"]: Tombstone(item["clip"], item["film"], datetime.date.fromisoformat(item["date"]),
                                           item["person"]) for item in data["tombstones"]}
    except FileNotFoundError:
        return Tombstones(salt=read_salt(state_dir))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CatalogueError(f"{path}: cannot read the tombstones of withdrawn clips ({exc}): restore it from a "
                             "backup; until then nothing is published from this catalogue") from exc
    return Tombstones(entries, read_salt(state_dir))


def add_tombstones(state_dir: Path, new: Iterable[Tombstone]) -> Tombstones:
    """The tombstones with `new` added (an existing one is kept as it was); written atomically."""
    current = read_tombstones(state_dir)
    entries = dict(current.entries)
    added = False
    for stone in new:
        if stone.clip_id not in entries:
            entries[stone.clip_id] = stone
            added = True
    if added:
        items = [{"clip": s.clip_id, "film": s.film_id, "date": s.date.isoformat(), "person": s.person}
                 for s in sorted(entries.values(), key=lambda s: (s.date, s.clip_id))]
        write_text_atomic(consent_dir(state_dir) / TOMBSTONES, json.dumps({"tombstones": items}, indent=1) + "\n")
    return Tombstones(entries, current.salt)


GONE = "gone"  # .catalogue/consent/gone/<clip id>: one empty file per gone clip, for a web server in front


def sync_gone(state_dir: Path, clip_ids: Iterable[str]) -> None:
    """Mirror the clips whose URLs answer 410 as empty files `.catalogue/consent/gone/<clip id>`, so a
    server in front of the app (deploy/nginx.conf) can refuse their files without asking it."""
    folder = consent_dir(state_dir) / GONE
    wanted = set(clip_ids)
    if not wanted and not folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for stale in [p for p in folder.iterdir() if p.name not in wanted]:
        stale.unlink(missing_ok=True)
    for clip_id in wanted:
        (folder / clip_id).touch(exist_ok=True)
