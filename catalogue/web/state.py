"""What the pages show, read from the cut lists, build outputs and transcripts.

Loaded once and reloaded when a cut list changes; everything here is a frozen view.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.cutlist import (Catalogue, Consent, Report, check_cutlists, consent_dir, plan_consent, read_tombstones,
                               sync_gone)
from catalogue.buildrecord import BuildRecords
from catalogue.cutting import target_size
from catalogue.errors import CatalogueError
from catalogue.model import Clip, Cue, Film, SubtitleSource, Theme
from catalogue.media import probe_cached
from catalogue.settings import Settings
from catalogue.subtitles import language_name, read_cues, track_label
from catalogue.web.described import Described, DescriptionTrack, described_version, description_tracks

@dataclass(frozen=True)
class Track:
    lang: str
    label: str  # what the player's menu shows: the language, and whether a machine made it unreviewed
    url: str  # path under /transcripts
    kind: str = "subtitles"  # "captions" for the language spoken in the film
    made_by: str = ""  # what made the subtitles, e.g. "whisper base"; "" when a person wrote them
    reviewed: bool = True

    @property
    def language(self) -> str:
        return language_name(self.lang)

    @property
    def unreviewed(self) -> bool:
        """Machine-made and not yet reviewed by a person: the site says so wherever it shows them."""
        return bool(self.made_by) and not self.reviewed


Stamp = tuple[tuple[str, int, int, int], ...]  # (path, mtime_ns, size, inode) of what the snapshot was read from


@dataclass(frozen=True)
class ClipView:
    clip: Clip
    film: Film
    themes: tuple[Theme, ...]
    tracks: tuple[Track, ...]  # primary language first
    has_video: bool
    has_poster: bool
    size: tuple[int, int] = (640, 360)  # width, height of the clip as shown
    refused: frozenset[str] = frozenset()  # uses the consent of someone in it does not cover: embed, download
    descriptions: tuple[DescriptionTrack, ...] = ()  # audio descriptions as text tracks
    described: Described | None = None  # the described version, when cut made one

    @property
    def id(self) -> str:
        return self.clip.id

    @property
    def video_url(self) -> str:
        return f"/media/clips/{self.clip.id}.mp4"

    @property
    def poster_url(self) -> str:
        return f"/media/clips/{self.clip.id}.jpg"

    @property
    def hls_url(self) -> str:
        """Its adaptive ladder's master playlist (there once `cut` made it)."""
        return f"/media/hls/clips/{self.clip.id}/master.m3u8"


@dataclass(frozen=True)
class FilmView:
    film: Film
    clips: tuple[ClipView, ...]
    tracks: tuple[Track, ...]
    has_video: bool
    duration_ms: int | None = None  # as probed; None when the film cannot be read
    descriptions: tuple[DescriptionTrack, ...] = ()
    described: Described | None = None

    @property
    def id(self) -> str:
        return self.film.id

    @property
    def video_url(self) -> str:
        return f"/media/films/{self.film.id}.mp4"

    @property
    def poster_url(self) -> str:
        return f"/media/films/{self.film.id}.jpg"

    @property
    def hls_url(self) -> str:
        return f"/media/hls/films/{self.film.id}/master.m3u8"

    @property
    def chapters_url(self) -> str:
        return f"/transcripts/films/{self.film.id}.chapters.vtt"


@dataclass(frozen=True)
class Snapshot:
    themes: tuple[Theme, ...]
    films: dict[str, FilmView]
    clips: dict[str, ClipView]
    stamp: Stamp = field(default=())
    catalogue: Catalogue = field(default_factory=lambda: Catalogue((), ()))  # what sessions resolve against
    # consent (catalogue.cutlist.consent): the clips whose every URL answers 410, and the catalogue as
    # another use may show it ("embed", "pack": without the clips refused for that use)
    gone: frozenset[str] = frozenset()
    by_use: Mapping[str, Catalogue] = field(default_factory=dict)
    unredacted: frozenset[str] = frozenset()  # films whose rendition does not have every range redacted yet

    def catalogue_for(self, use: str) -> Catalogue:
        return self.by_use.get(use, self.catalogue)

    def clips_of(self, theme_id: str) -> list[ClipView]:
        return [c for c in self.clips.values() if theme_id in c.clip.themes]

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)


def _tracks(vtt: Callable[[str, str], Path], folder: str, stem: str, film: Film) -> tuple[Track, ...]:
    """The subtitle tracks written for `stem` (`vtt`: Settings.clip_vtt or film_vtt), served
    under /transcripts/FOLDER/, the film's language first."""
    langs = sorted(film.subtitles, key=lambda lang: (lang != film.language, lang))
    files = {lang: vtt(stem, lang) for lang in langs}
    return tuple(_track(film, lang, f"/transcripts/{folder}/{files[lang].name}")
                 for lang in langs if files[lang].is_file())


def _track(film: Film, lang: str, url: str) -> Track:
    source = film.subtitle_sources.get(lang, SubtitleSource())
    label = track_label(lang, bool(film.machine_made_unreviewed(lang)))
    return Track(lang, label, url, "captions" if lang == film.language else "subtitles",
                 source.made_by, source.reviewed)


def _probed(settings: Settings, film: Film) -> tuple[tuple[int, int], int | None]:
    """The clips' picture size (as cut: rotation applied, at most 1080p; 16:9 when unknown) and
    the film's duration in ms (None when unknown)."""
    try:
        info = probe_cached(film.video_path, settings.probe_dir, save=False)
    except CatalogueError:
        return (640, 360), None
    return (target_size(*info.video.display_size) if info.video else (640, 360)), info.duration_ms


def build_snapshot(settings: Settings, report: Report, catalogue: Catalogue,
                   stamp: Stamp = (), consent: Consent | None = None) -> Snapshot:
    """The site's view of `catalogue`: with `consent`, only what it allows today."""
    full = catalogue
    if consent is not None:
        catalogue = consent.published(full)
    themes = {t.id: t for t in catalogue.themes}
    clips: dict[str, ClipView] = {}
    films: dict[str, FilmView] = {}
    for cutlist in catalogue.cutlists:
        film = cutlist.film
        size, duration_ms = _probed(settings, film)
        described = {lang: report.descriptions.get((film.id, lang), []) for lang in film.descriptions}
        whole = (0, duration_ms or 1 << 62)
        views = []
        for clip in cutlist.clips:
            window = (clip.start_ms, clip.end_ms)
            view = ClipView(clip, film, tuple(themes[t] for t in clip.themes if t in themes),
                            _tracks(settings.clip_vtt, "clips", clip.id, film),
                            settings.clip_video(clip.id).is_file(), settings.clip_poster(clip.id).is_file(), size,
                            consent.refused.get(clip.id, frozenset()) if consent else frozenset(),
                            description_tracks(settings, film, clip.id, described, window),
                            described_version(settings, film, clip.id, described, window))
            clips[clip.id] = view
            views.append(view)
        films[film.id] = FilmView(film, tuple(sorted(views, key=lambda v: v.clip.start_ms)),
                                  _tracks(settings.film_vtt, "films", film.id, film),
                                  settings.film_video(film.id).is_file(), duration_ms,
                                  description_tracks(settings, film, film.id, described, whole, whole_film=True),
                                  described_version(settings, film, film.id, described, whole, whole_film=True))
    if consent is None:
        return Snapshot(catalogue.themes, films, clips, stamp, catalogue)
    tombstones = read_tombstones(settings.state_dir)
    gone = frozenset(consent.gone) | frozenset(tombstones.entries) - frozenset(clips)
    return Snapshot(catalogue.themes, films, clips, stamp, catalogue, gone,
                    {use: consent.published(full, use) for use in ("embed", "pack")},
                    frozenset(f for f, ranges in consent.redactions.items() if not _redacted(settings, f, ranges)))


def _redacted(settings: Settings, film_id: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    """Whether the film's rendition on disk has these ranges redacted (its build record says so), or
    there is none to show: until then its files are held back (a consent that ended, not cut yet)."""
    output = settings.film_video(film_id)
    if not output.exists():
        return True
    record = BuildRecords(settings.root, settings.build_dir).unchanged_record(output)
    done = record.get("redacted") if record else None
    return isinstance(done, list) and all(any(a <= s and e <= b for a, b in done) for s, e in ranges)


class CatalogueState:
    """The current snapshot; reloaded when a cut list or an output folder changes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._good: Catalogue | None = None  # the last catalogue read without errors
        # transcript file -> ((mtime_ns, size), its cues): a clip page is read far more often
        # than its transcript changes
        self._cues: dict[Path, tuple[tuple[int, int], tuple[Cue, ...]]] = {}

    def _stamp(self) -> Stamp:
        s = self.settings
        paths = [*s.cutlist_paths(), s.clips_dir, s.films_dir, s.clip_transcripts_dir, s.film_transcripts_dir,
                 consent_dir(s.state_dir)]  # the tombstones of withdrawn clips
        # the date too: a consent that ends tonight counts from the first request of tomorrow
        stamps = [("today", datetime.date.today().toordinal(), 0, 0)]
        for path in paths:
            try:
                info = path.stat()
            except OSError:  # gone meanwhile
                continue
            # size and inode too: an edit within one tick of a coarse clock, or an atomic replace
            # (how `catalogue` edits a cut list), changes one of them
            stamps.append((str(path), info.st_mtime_ns, info.st_size, info.st_ino))
        return tuple(stamps)

    def snapshot(self) -> Snapshot:
        stamp = self._stamp()
        with self._lock:
            if self._snapshot is None or self._snapshot.stamp != stamp:
                report = check_cutlists(self.settings.cutlist_paths(),
                                        lambda p: probe_cached(p, self.settings.probe_dir))
                try:
                    catalogue = self._good = report.catalogue()
                except CatalogueError:
                    # keep serving the last good catalogue, with today's consent (an ending one ends)
                    catalogue = self._good or Catalogue(tuple(report.cutlists), ())
                consent = plan_consent(catalogue, read_tombstones(self.settings.state_dir), datetime.date.today())
                self._snapshot = build_snapshot(self.settings, report, catalogue, stamp, consent)
                try:  # for a server in front that serves the files itself (deploy/nginx.conf)
                    sync_gone(self.settings.state_dir, self._snapshot.gone)
                except OSError:
                    pass  # a read-only state folder: the app itself still answers 410
            return self._snapshot

    def cues(self, view: ClipView, lang: str | None = None) -> tuple[Cue, ...]:
        """The clip's transcript in one language (the film's own by default); none when the
        file is missing or unreadable. Parsed once per version of the file."""
        return self._read(self.settings.clip_vtt(view.clip.id, lang or view.film.language))

    def description_cues(self, view: ClipView) -> tuple[Cue, ...]:
        """The clip's audio descriptions in the language the described version speaks; none without."""
        lang = view.film.description_language
        return self._read(self.settings.clip_descriptions_vtt(view.clip.id, lang)) if lang else ()

    def _read(self, path: Path) -> tuple[Cue, ...]:
        try:
            info = path.stat()
        except OSError:
            return ()
        key = (info.st_mtime_ns, info.st_size)
        cached = self._cues.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            cues = tuple(read_cues(path))
        except CatalogueError:
            cues = ()
        if len(self._cues) >= 4096:  # clips come and go: stay bounded
            self._cues.clear()
        self._cues[path] = (key, cues)
        return cues
