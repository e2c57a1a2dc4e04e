"""Offline lesson packs: one zip with a session's clips, captions, transcripts, discussion guide and an
index.html that presents the session from the unzipped folder over file://.

A pack is planned (`plan_pack`: every entry with its bytes or its source file, and a build key), then
written (`write_pack`) as a deterministic zip: entries sorted, fixed timestamps and permissions, the PDF's
dates fixed. The same inputs give the same bytes, so a build record can tell an unchanged pack.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from catalogue.buildrecord import BuildRecords, key_hash
from catalogue.cutlist import Catalogue
from catalogue.errors import CatalogueError, TranscriptError
from catalogue.fsutil import atomic_path
from catalogue.model import Film, Session
from catalogue.lessons.pdf import PackStopped, chromium_version, print_pdf
from catalogue.lessons.texts import (PackDescribed, PackSession, PackStep, PackTemplates, PackTrack, caption_file,
                                  clip_file, described_caption_file, described_file, descriptions_file, poster_file,
                                  transcript_file, transcript_text)
from catalogue.lessons.quality import FULL, clip_source
from catalogue.lessons.sessions import find_session, parse_session_query, resolve, session_query, theme_session
from catalogue.settings import Settings
from catalogue.subtitles import read_cues

PACK_FORMAT = 2  # bump when the pack's layout or texts change: every pack is rebuilt
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold: no build time in the bytes
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*(?:/[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)*")
ASSETS = ("session-player.js", "presenter.css")  # Helper B's presenter, the same files the site serves
STORED = (".mp4", ".jpg", ".pdf")  # compressed already


class PackError(CatalogueError):
    """A pack that cannot be made: an unknown theme or session, a clip not built, an unsafe name."""


@dataclass(frozen=True)
class PackTarget:
    """What a pack is of: a theme, a cut-list session, or a session defined by a URL (id "")."""

    kind: str  # "theme" or "session"
    id: str
    session: Session

    @property
    def stem(self) -> str:
        """The pack's file name without `.zip`: `theme-<id>`, `session-<id>`, `session-url-<hash>`."""
        if self.id:
            return f"{self.kind}-{self.id}"
        return f"session-url-{hashlib.sha256(session_query(self.session).encode()).hexdigest()[:12]}"


@dataclass(frozen=True)
class Entry:
    """One file of the zip: `data`, or the bytes of `source`."""

    name: str
    data: bytes = b""
    source: Path | None = None

    def identity(self) -> Any:
        if self.source is None:
            return hashlib.sha256(self.data).hexdigest()
        info = self.source.stat()
        return [info.st_size, info.st_mtime_ns]


@dataclass(frozen=True)
class PackPlan:
    target: PackTarget
    session: PackSession
    entries: tuple[Entry, ...]  # without guide.pdf: printing it is the expensive part
    guide_html: bytes
    pdf_engine: str  # the Chromium that prints guide.pdf, "" for none

    def key(self, pdf_version: str = "") -> dict[str, Any]:
        """What the pack is made from: every entry's content (or size and mtime) and the PDF's printer."""
        return {"format": PACK_FORMAT, "entries": {e.name: e.identity() for e in self.entries},
                "pdf": pdf_version if self.pdf_engine else None}


# --- what to pack --------------------------------------------------------------------------------------

def resolve_target(catalogue: Catalogue, target: str) -> PackTarget:
    """`theme:ID`, `session:ID`, a bare id (a session of that id wins over a theme), or a site URL:
    `…/sessions/<id>`, `…/themes/<id>` or `…/sessions/new?<query>` (a URL-defined session)."""
    if "/" in target or target.startswith("?"):
        return _target_from_url(catalogue, target)
    kind, _, name = target.rpartition(":")
    if kind not in ("", "theme", "session"):
        raise PackError(f"{target!r}: write a theme or session id, theme:ID, session:ID or a session URL")
    session = find_session(catalogue, name) if kind in ("", "session") else None
    if session is not None:
        return PackTarget("session", name, session)
    if kind in ("", "theme") and any(theme.id == name for theme in catalogue.themes):
        return PackTarget("theme", name, theme_session(catalogue, name))
    raise PackError(_unknown(catalogue, kind, name))


def target_from_query(catalogue: Catalogue, query: str) -> PackTarget:
    """A URL-defined session from its query string (what follows `/sessions/new?`)."""
    values: dict[str, list[str]] = {}
    for key, value in parse_qsl(query.lstrip("?"), keep_blank_values=True):  # a question may hold a "?"
        values.setdefault(key, []).append(value)
    return PackTarget("session", "", parse_session_query(values, catalogue))


def _target_from_url(catalogue: Catalogue, url: str) -> PackTarget:
    parts = urlsplit(url)
    path = parts.path.rstrip("/").removesuffix("/present").removesuffix("/session")  # presenter, theme-as-session
    segments = path.split("/")
    if path.endswith("/sessions/new") or (not path and parts.query):
        return target_from_query(catalogue, parts.query)
    if len(segments) >= 2 and segments[-2] in ("sessions", "themes"):
        return resolve_target(catalogue, f"{segments[-2][:-1]}:{segments[-1]}")
    raise PackError(f"{url!r}: not a session or theme URL (…/sessions/<id>, …/themes/<id> or …/sessions/new?…)")


def _unknown(catalogue: Catalogue, kind: str, name: str) -> str:
    themes = [theme.id for theme in catalogue.themes]
    sessions = [session.id for session in catalogue.sessions]
    known = {"theme": themes, "session": sessions}.get(kind, sessions + themes)
    what = {"theme": "no theme", "session": "no session"}.get(kind, "no session or theme")
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known) or 'none'}"
    return f"{what} with id {name!r}{hint}"


# --- planning ----------------------------------------------------------------------------------------

def pack_steps(settings: Settings, catalogue: Catalogue, session: Session) -> tuple[PackStep, ...]:
    """The session's steps with their clips' built captions; PackError naming a clip not built."""
    films = {cutlist.film.id: cutlist.film for cutlist in catalogue.cutlists}
    steps = []
    for step in resolve(session, catalogue):
        if step.clip is None:
            steps.append(PackStep.of(step))
            continue
        film = films[step.clip.film_id]
        steps.append(PackStep.of(step, film, _tracks(settings, film, step.clip.id, step.number),
                                 _described(settings, film, step.clip.id)))
    return tuple(steps)


def _described(settings: Settings, film: Film, clip_id: str) -> PackDescribed | None:
    """The clip's described version when `cut` made it for descriptions it has (else None): the pack then
    carries it, with its re-timed captions, and the descriptions in the transcripts."""
    lang = film.description_language
    video = settings.described_video(clip_id)
    if not lang or not video.is_file():
        return None
    try:
        descriptions = tuple(read_cues(settings.clip_descriptions_vtt(clip_id, lang)))
        tracks = tuple(PackTrack(sub_lang, tuple(read_cues(settings.described_vtt(clip_id, sub_lang))),
                                 film.machine_made_unreviewed(sub_lang))
                       for sub_lang in sorted(film.subtitles, key=lambda code: (code != film.language, code)))
    except TranscriptError as exc:
        raise PackError(f"clip {clip_id!r}: {exc}; run `catalogue cut` to rebuild it") from None
    if not descriptions:
        return None
    holds = BuildRecords(settings.root, settings.build_dir).read_extra(video, "holds")
    pairs = tuple((int(at), int(length)) for at, length in holds) if isinstance(holds, list) else ()
    return PackDescribed(pairs, tracks, descriptions)


def _tracks(settings: Settings, film: Film, clip_id: str, number: int) -> tuple[PackTrack, ...]:
    langs = sorted(film.subtitles, key=lambda lang: (lang != film.language, lang))
    _require_built(settings, clip_id, number, [settings.clip_video(clip_id)]
                   + [settings.clip_vtt(clip_id, lang) for lang in langs])
    tracks = []
    for lang in langs:
        try:
            cues = tuple(read_cues(settings.clip_vtt(clip_id, lang)))
        except TranscriptError as exc:
            raise PackError(f"clip {clip_id!r}: {exc}; run `catalogue cut` to rebuild it") from None
        tracks.append(PackTrack(lang, cues, film.machine_made_unreviewed(lang)))
    return tuple(tracks)


def _require_built(settings: Settings, clip_id: str, number: int, paths: list[Path]) -> None:
    missing = [path for path in paths if not path.is_file()]
    if missing:
        names = ", ".join(str(p.relative_to(settings.root)) for p in missing)
        raise PackError(f"step {number}: clip {clip_id!r} is not built ({names} missing): run `catalogue cut`")


def plan_pack(settings: Settings, catalogue: Catalogue, target: PackTarget, *, lang: str | None = None,
              pdf_engine: str = "", quality: str = FULL) -> PackPlan:
    """Every file of the pack but the PDF; `lang`: the captions a clip starts with (the film's language
    by default); `pdf_engine`: the Chromium that will print guide.pdf, "" for a pack without it;
    `quality`: the clips as cut (full) or smaller (catalogue.lessons.quality)."""
    if not target.session.steps:
        raise PackError(f"session {target.session.title!r} has no steps: nothing to pack")
    steps = pack_steps(settings, catalogue, target.session)
    first_lang = next((s.tracks[0].lang for s in steps if s.tracks), "nl")
    session = PackSession(target.session.title, target.session.description, target.session.audience, steps,
                          lang or first_lang, has_pdf=bool(pdf_engine))
    templates = PackTemplates(settings.templates_dir / "pack")
    guide = templates.guide_html(session).encode()
    entries: dict[str, Entry] = {}

    def add(entry: Entry) -> None:
        entries.setdefault(entry.name, entry)

    with_poster = set()
    for step in session.clip_steps:
        assert step.clip is not None and step.film is not None
        clip_id = step.clip.id
        add(Entry(clip_file(clip_id), source=clip_source(settings, clip_id, quality)))
        if settings.clip_poster(clip_id).is_file():
            with_poster.add(clip_id)
            add(Entry(poster_file(clip_id), source=settings.clip_poster(clip_id)))
        described = step.described
        for track in step.tracks:
            add(Entry(caption_file(clip_id, track.lang), source=settings.clip_vtt(clip_id, track.lang)))
            spoken = described.descriptions if described and track.lang == step.film.description_language else ()
            add(Entry(transcript_file(clip_id, track.lang),
                      transcript_text(step.clip, step.film, track, spoken).encode()))
        if described:
            lang = step.film.description_language
            add(Entry(described_file(clip_id), source=settings.described_video(clip_id)))
            add(Entry(descriptions_file(clip_id, lang), source=settings.clip_descriptions_vtt(clip_id, lang)))
            for track in described.tracks:
                add(Entry(described_caption_file(clip_id, track.lang),
                          source=settings.described_vtt(clip_id, track.lang)))
    add(Entry("index.html", templates.index_html(session, with_poster).encode()))
    add(Entry("guide.html", guide))
    add(Entry("README.txt", templates.readme_text(session).encode()))
    for name in ASSETS:
        add(Entry(f"assets/{name}", (settings.templates_dir / "static" / name).read_bytes()))
    add(Entry("assets/pack.css", (settings.templates_dir / "pack" / "pack.css").read_bytes()))
    for name in entries:
        check_name(name)
    return PackPlan(target, session, tuple(sorted(entries.values(), key=lambda e: e.name)), guide, pdf_engine)


def check_name(name: str) -> None:
    """A name inside the zip: relative, plain ASCII slugs, no `..`, so no unzip can write outside its folder."""
    if not SAFE_NAME.fullmatch(name) or ".." in name:
        raise PackError(f"unsafe name in the pack: {name!r}")


# --- writing -----------------------------------------------------------------------------------------

def write_zip(dest: Path, entries: Iterable[Entry], stop: threading.Event | None = None) -> None:
    """`entries` as a zip at `dest` (a temporary path): sorted, dated 1980-01-01, mode 0644. PackStopped as
    soon as `stop` is set (between entries, and every MB of a large one)."""
    with zipfile.ZipFile(dest, "w") as archive:
        for entry in sorted(entries, key=lambda e: e.name):
            _unless_stopped(stop)
            check_name(entry.name)
            info = zipfile.ZipInfo(entry.name, date_time=ZIP_DATE)
            info.create_system = 3  # unix, so the mode below is read
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_STORED if entry.name.endswith(STORED) else zipfile.ZIP_DEFLATED
            size = entry.source.stat().st_size if entry.source else len(entry.data)
            with archive.open(info, "w", force_zip64=size >= 2**31) as out:
                if entry.source is None:
                    out.write(entry.data)
                else:
                    with open(entry.source, "rb") as handle:
                        while chunk := handle.read(1 << 20):
                            _unless_stopped(stop)
                            out.write(chunk)


def _unless_stopped(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise PackStopped("the pack's build was stopped: nothing of it is kept")


def pack_entries(plan: PackPlan, stop: threading.Event | None = None) -> list[Entry]:
    """The plan's entries with guide.pdf printed (when it has a PDF engine; Chromium stopped with `stop`)."""
    if not plan.pdf_engine:
        return list(plan.entries)
    return [*plan.entries, Entry("guide.pdf", print_pdf(plan.guide_html, plan.pdf_engine, stop))]


def pack_key(plan: PackPlan) -> str:
    """The name of the plan's pack in a cache: its build key's hash (the PDF's printer included)."""
    return key_hash(plan.key(chromium_version(plan.pdf_engine) if plan.pdf_engine else ""))[:40]


def write_pack(plan: PackPlan, dest: Path, records: BuildRecords | None, *, force: bool = False) -> bool:
    """Write the pack to `dest` atomically unless its build record says it is current (no record for a
    `dest` outside the root: always written); True when written."""
    key = plan.key(chromium_version(plan.pdf_engine) if plan.pdf_engine else "")
    if not force and records is not None and records.is_current(dest, key):
        return False
    with atomic_path(dest) as tmp:
        write_zip(tmp, pack_entries(plan))
    if records is not None:
        records.save(dest, key)
    return True


def cached_pack(settings: Settings, plan: PackPlan) -> Path:
    """The pack in the state folder's cache (`.catalogue/packs/<build key>.zip`), made when absent: for the
    site, where requests for the same pack may come at once (each writes its own temporary file, and the
    rename is atomic: a reader never sees half a zip)."""
    folder = settings.state_dir / "packs"
    path = folder / f"{pack_key(plan)}.zip"
    with _lock_for(path):
        if path.is_file():
            os.utime(path)  # recently used: pruned last
            return path
        folder.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(prefix=".pack-", suffix=".partial.zip", dir=folder)
        os.close(handle)
        tmp = Path(tmp_name)
        try:
            write_zip(tmp, pack_entries(plan))
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    prune_cache(folder, keep=path)
    return path


CACHE_SIZE = 40  # ready-made packs kept in the site's cache (URL-defined sessions' are kept apart: lessons.cache)
CACHE_GRACE_S = 600  # a pack younger than this is never pruned: it may be streaming


def prune_cache(folder: Path, keep: Path, size: int = CACHE_SIZE) -> None:
    """Remove the least recently used packs beyond `size` (never `keep`, never a young one)."""
    packs = sorted(folder.glob("*.zip"), key=lambda p: p.stat().st_mtime if p.exists() else 0, reverse=True)
    now = time.time()
    for old in packs[size:]:
        try:
            if old != keep and now - old.stat().st_mtime > CACHE_GRACE_S:
                old.unlink()
        except OSError:  # another request pruned it first
            continue


_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(path: Path) -> threading.Lock:
    """One lock per pack: two requests in one process build it once (across processes the rename decides)."""
    with _locks_guard:
        if len(_locks) > 256:
            _locks.clear()
        return _locks.setdefault(path, threading.Lock())


def default_output(settings: Settings, target: PackTarget, quality: str = FULL) -> Path:
    suffix = "" if quality == FULL else f"-{quality}"
    return settings.media_dir / "packs" / f"{target.stem}{suffix}.zip"
