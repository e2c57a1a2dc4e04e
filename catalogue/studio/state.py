"""What the studio knows: its cut lists as `catalogue check` reads them (re-read when a file
changes), each film's cue search, and the check of an edit before it is written."""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from catalogue.search import FilmCues, film_cues
from catalogue.cutlist import Report, check_cutlists
from catalogue.errors import CatalogueError, Problem
from catalogue.model import Cue, CutList, MediaInfo
from catalogue.media import probe_cached
from catalogue.settings import Settings

Stamp = tuple[tuple[str, int, int], ...]  # (path, mtime_ns, size) of the files a view was read from


class FilmNotFoundError(CatalogueError):
    """A film id that is not one of the studio's films."""

    def __init__(self, film_id: str) -> None:
        self.film_id = film_id
        super().__init__(f"Geen film met id {film_id!r} in de cut lists van de studio.")


@dataclass(frozen=True)
class Checked:
    """A candidate cut list as `check` read it, and what it found new there."""

    report: Report
    cutlist: CutList | None  # the candidate, when its [film] could be read
    errors: list[Problem]  # errors that the file on disk does not have, or that concern `where`
    warnings: list[Problem]  # warnings about `where`


class StudioState:
    def __init__(self, settings: Settings, cutlists: Sequence[Path] | None = None) -> None:
        self.settings = settings
        self.paths = [p.resolve() for p in (settings.cutlist_paths() if cutlists is None else cutlists)]
        if not self.paths:
            raise CatalogueError(f"no cut lists in {settings.media_dir}: write one (see the README, 'For editors') "
                                 "or name one on the command line")
        self.write_lock = threading.Lock()  # one change at a time: read, check, write
        self._lock = threading.Lock()
        self._report: tuple[list[Path], Stamp, Report] | None = None
        self._cues: dict[str, tuple[Stamp, FilmCues]] = {}
        self._probes: dict[Stamp, MediaInfo] = {}

    def check_paths(self) -> list[Path]:
        """Every cut list `check` reads with the studio's: ids and themes are shared by all."""
        return sorted({*(p.resolve() for p in self.settings.cutlist_paths()), *self.paths})

    def report(self) -> Report:
        """`check` of the cut lists as they are now (cached until one of them or a transcript changes)."""
        paths = self.check_paths()
        with self._lock:
            cached = self._report
        if cached is not None and cached[0] == paths and _stamp(cached[1]) == cached[1]:
            return cached[2]
        stamp = _stamp([str(p) for p in paths])  # before reading: a change meanwhile shows next time
        report = check_cutlists(paths, self.probe)
        stamp += _stamp([str(p) for c in report.cutlists for p in c.film.subtitles.values()])
        with self._lock:
            self._report = (paths, stamp, report)
        return report

    def cutlist(self, film_id: str) -> CutList:
        """The studio's cut list of `film_id`, looked up (never a path made from it)."""
        for cutlist in self.report().cutlists:
            if cutlist.film.id == film_id and cutlist.path in self.paths:
                return cutlist
        raise FilmNotFoundError(film_id)

    def films(self) -> list[CutList]:
        return [c for c in self.report().cutlists if c.path in self.paths and c.film.id]

    def cues(self, cutlist: CutList) -> list[Cue]:
        """The film's cues in its own language ([] when it has none, or they cannot be read)."""
        return self.report().cues.get((cutlist.film.id, cutlist.film.language), [])

    def film_cues(self, cutlist: CutList) -> FilmCues:
        film = cutlist.film
        vtt = film.subtitles.get(film.language)
        key = _stamp([str(vtt)] if vtt else [])
        with self._lock:
            cached = self._cues.get(film.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        cues = film_cues(self.cues(cutlist), self.settings)
        with self._lock:
            self._cues[film.id] = (key, cues)
        return cues

    def probe(self, path: Path) -> MediaInfo:
        """probe_cached without writing its cache (the studio writes only cut lists), remembered here."""
        key = _stamp([str(path)])
        with self._lock:
            info = self._probes.get(key)
        if info is None:
            info = probe_cached(path, self.settings.probe_dir, save=False)
            with self._lock:
                self._probes[key] = info
        return info

    def check_candidate(self, cutlist: Path, data: bytes, where: Sequence[str]) -> Checked:
        """`check` over every cut list, with `data` in place of `cutlist`: written to a new hidden file
        beside it (relative paths resolve the same; its name does not end in .toml, so nothing
        takes it for a cut list), checked, removed."""
        handle, name = tempfile.mkstemp(prefix=f".{cutlist.name}.studio-{os.getpid()}-", dir=cutlist.parent)
        candidate = Path(name)  # made exclusively, under a name no one can guess: never through a planted link
        try:
            with open(handle, "wb") as out:
                out.write(data)
            paths = [candidate if p == cutlist else p for p in self.check_paths()]
            report = check_cutlists(paths, self.probe)
        finally:
            candidate.unlink(missing_ok=True)
        before = {_seen(p, cutlist, cutlist) for p in self.report().errors}
        errors = [p for p in report.errors if p.where in where or _seen(p, candidate, cutlist) not in before]
        warnings = [p for p in report.warnings if p.where in where and p.file == candidate]
        mine = next((c for c in report.cutlists if c.path == candidate), None)
        return Checked(report, mine, [_renamed(p, candidate, cutlist) for p in errors],
                       [_renamed(p, candidate, cutlist) for p in warnings])


def version(data: bytes) -> str:
    """A cut list's version, as the studio hands it out: the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def _stamp(paths: Sequence[str] | Stamp) -> Stamp:
    names = [p if isinstance(p, str) else p[0] for p in paths]
    stamps = []
    for name in names:
        try:
            stat = os.stat(name)
        except OSError:
            stamps.append((name, -1, -1))
        else:
            stamps.append((name, stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def _seen(problem: Problem, candidate: Path, cutlist: Path) -> tuple[str, str, str, str]:
    """A problem as it reads about the real file, to compare with those the real file has."""
    file = cutlist if problem.file == candidate else problem.file
    return str(file), problem.where, problem.field, problem.message.replace(str(candidate), str(cutlist))


def _renamed(problem: Problem, candidate: Path, cutlist: Path) -> Problem:
    file, where, field, message = _seen(problem, candidate, cutlist)
    return Problem(Path(file), where, field, message)
