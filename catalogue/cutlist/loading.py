"""Load and validate cut lists (PRODUCT §2): every problem reported, each with file, id and field."""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from catalogue.cutlist.checker import (LANGUAGE_CODE, Checker, ClipNames, Names, Prober, Report, closest)
from catalogue.cutlist.descriptions import check_description_cues, check_descriptions_table
from catalogue.cutlist.persons import hint_unlisted, read_persons, warn_consent
from catalogue.cutlist.sessions import check_sessions, read_sessions
from catalogue.errors import CatalogueError, Problem, TranscriptError
from catalogue.model import Clip, Cue, CutList, Film, SubtitleSource, Theme
from catalogue.subtitles import lint_cues, read_cues
from catalogue.timecode import format_timecode

MIN_CLIP_MS = 1000

_FILM_KEYS = {"id": True, "title": True, "video": True, "language": True,
              "description": False, "credits": False, "subtitles": False, "descriptions": False}
_THEME_KEYS = {"id": True, "title": True, "description": False, "introduction": False}
_CLIP_KEYS = {"id": True, "title": True, "themes": True, "start": True, "end": True,
              "description": False, "speakers": False, "poster": False,
              "learning_goal": False, "questions": False, "audience": False}
_SUBTITLE_KEYS = {"file": True, "made_by": False, "reviewed": False}
_TOP_KEYS = {"film", "theme", "clip", "session", "person"}


def check_cutlists(paths: Sequence[Path], prober: Prober, today: datetime.date | None = None) -> Report:
    """Read and validate cut lists together (ids are unique, themes shared, across all). `today`
    (default: the local date) decides which consents are about to end or have ended."""
    report = Report()
    for path in paths:
        _check_one(path, prober, report, today or datetime.date.today())
    _check_across(report)
    return report


def _check_one(path: Path, prober: Prober, report: Report, today: datetime.date) -> None:
    checker = Checker(path, report)
    try:
        data = tomllib.loads(path.read_text("utf-8-sig"))
    except FileNotFoundError:
        checker.error("cut list", "", "file not found")
        return
    except (OSError, UnicodeDecodeError) as exc:
        checker.error("cut list", "", f"cannot read the file: {exc}")
        return
    except tomllib.TOMLDecodeError as exc:
        checker.error("cut list", "", f"invalid TOML: {exc}")
        return
    for key in data:
        if key not in _TOP_KEYS:
            close = closest(key, _TOP_KEYS)
            checker.error("cut list", key, "unknown table" + (f" (did you mean '{close}'?)" if close else
                                                              "; allowed: [film], [[theme]], [[clip]], "
                                                              "[[session]], [[person]]"))
    film, duration_ms = _check_film(checker, data["film"], prober) if "film" in data else (None, None)
    if film is None:
        checker.error("cut list", "film", "the [film] table is missing")
    film_id = film.id if film else ""
    themes = _check_themes(checker, data.get("theme", []))
    clips, clip_names = _check_clips(checker, data.get("clip", []), film_id, duration_ms)
    sessions = read_sessions(checker, data.get("session", []))
    persons = read_persons(checker, data.get("person", []), film_id, duration_ms)
    warn_consent(checker, persons, today)
    report.names.append(Names(path, film_id, tuple(theme.id for theme in themes), clip_names, sessions))
    if film is None:
        return
    for lang, sub_path in film.subtitles.items():
        try:
            cues = read_cues(sub_path)
        except TranscriptError as exc:
            checker.error("film", f"subtitles.{lang}", exc.reason + (f" (line {exc.line})" if exc.line else ""),
                          file=sub_path)
            continue
        report.cues[(film.id, lang)] = cues
        for cue, message in lint_cues(cues):
            checker.warn(f"cue at {format_timecode(cue.start_ms)}", "", message, file=sub_path)
        for clip in clips:
            _warn_cut_through(checker, clip, cues, lang)
    hint_unlisted(checker, clips, {lang: report.cues.get((film.id, lang), []) for lang in film.subtitles}, persons)
    check_description_cues(checker, film, report)
    report.cutlists.append(CutList(path=path, film=film, themes=themes, clips=tuple(clips), persons=persons))


def _check_film(checker: Checker, raw: object, prober: Prober) -> tuple[Film, int | None]:
    where = "film"
    data = checker.table(raw, _FILM_KEYS, where)
    film_id = checker.slug(data, where)
    video = checker.existing_file(checker.text(data, "video", where), where, "video")
    subtitles, sources = _check_subtitles(checker, data.get("subtitles", {}))
    descriptions = check_descriptions_table(checker, data.get("descriptions", {}))
    duration_ms = None
    if video is not None:
        try:
            info = prober(video)
        except CatalogueError as exc:
            checker.error(where, "video", str(exc))
        else:
            if info.video is None:
                checker.error(where, "video", f"{video.name} has no video stream")
            else:
                duration_ms = info.duration_ms
    language = checker.text(data, "language", where)
    if language and not LANGUAGE_CODE.fullmatch(language):  # it names files and tracks: transcripts/<film>.<lang>.vtt
        checker.error(where, "language", "not a language code like 'nl' or 'en'")
    film = Film(id=film_id, title=checker.text(data, "title", where), video_path=video or Path(),
                language=language, subtitles=subtitles,
                description=checker.text(data, "description", where), credits=checker.text(data, "credits", where),
                subtitle_sources=sources, descriptions=descriptions)
    return film, duration_ms


def _check_subtitles(checker: Checker, raw: object) -> tuple[dict[str, Path], dict[str, SubtitleSource]]:
    """[film.subtitles]: each language's file (found, .vtt or .srt) and who made it."""
    files: dict[str, Path] = {}
    sources: dict[str, SubtitleSource] = {}
    if not isinstance(raw, dict):
        checker.error("film", "subtitles", "must be a table: language code = \"file.vtt\"")
        return files, sources
    for lang, value in raw.items():
        name = f"subtitles.{lang}"
        if not LANGUAGE_CODE.fullmatch(lang):
            checker.error("film", name, "not a language code like 'nl' or 'en'")
        entry = _subtitle_entry(checker, name, value)
        if entry is None:
            continue
        file_field, file, source = entry
        found = checker.existing_file(file, "film", file_field)
        if found and found.suffix.lower() not in (".vtt", ".srt"):
            checker.error("film", file_field, f"{found.name}: use a .vtt or .srt file")
        elif found:
            files[lang], sources[lang] = found, source
    return files, sources


def _subtitle_entry(checker: Checker, name: str, value: object) -> tuple[str, str, SubtitleSource] | None:
    """One [film.subtitles] value, "file.vtt" or { file, made_by, reviewed }: the field naming the
    file, the file as written, who made it. None when there is no file to look at."""
    if isinstance(value, str):
        if not value.strip():
            checker.error("film", name, "must not be empty: name a .vtt or .srt file")
            return None
        return name, value, SubtitleSource()
    if not isinstance(value, dict):
        checker.error("film", name, 'must be a file path string, or a table '
                                    '{ file = "…", made_by = "…", reviewed = false }')
        return None
    prefix = f"{name}."
    data = checker.table(value, _SUBTITLE_KEYS, "film", prefix)
    file = checker.text(data, "file", "film", prefix)
    made_by = checker.text(data, "made_by", "film", prefix).strip()
    reviewed = data.get("reviewed", not made_by)  # what a machine made waits for a person
    if not isinstance(reviewed, bool):
        checker.error("film", prefix + "reviewed", f"must be true or false (no quotes), not {reviewed!r}")
        reviewed = not made_by
    if not reviewed and not made_by:
        checker.warn("film", prefix + "reviewed", "reviewed = false without made_by: the site only flags "
                                                  "machine-made subtitles; say what made them with made_by = \"…\"")
    return (prefix + "file", file, SubtitleSource(made_by, reviewed)) if file.strip() else None


def _entries(checker: Checker, raw: object, kind: str) -> list[object]:
    if not isinstance(raw, list):
        checker.error(kind, "", f"write each {kind} as [[{kind}]]")
        return []
    return raw


def _check_themes(checker: Checker, raw: object) -> tuple[Theme, ...]:
    themes = []
    for number, entry in enumerate(_entries(checker, raw, "theme"), start=1):
        where = _where("theme", entry, number)
        data = checker.table(entry, _THEME_KEYS, where)
        themes.append(Theme(id=checker.slug(data, where), title=checker.text(data, "title", where),
                            description=checker.text(data, "description", where),
                            introduction=checker.text(data, "introduction", where).strip()))
    return tuple(themes)


def _where(kind: str, entry: object, number: int) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"]:
        return f"{kind} '{entry['id']}'"
    return f"{kind} #{number}"


def _check_clips(checker: Checker, raw: object, film_id: str,
                 duration_ms: int | None) -> tuple[list[Clip], tuple[ClipNames, ...]]:
    """The valid clips, and the names of every clip (for the checks across cut lists)."""
    clips: list[Clip] = []
    names: list[ClipNames] = []
    for number, entry in enumerate(_entries(checker, raw, "clip"), start=1):
        where = _where("clip", entry, number)
        data = checker.table(entry, _CLIP_KEYS, where)
        clip_id = checker.slug(data, where)
        start, end, poster = (checker.time(data, key, where) for key in ("start", "end", "poster"))
        title, description = (checker.text(data, key, where) for key in ("title", "description"))
        themes, speakers = (checker.strings(data, key, where) for key in ("themes", "speakers"))
        learning_goal, audience = (checker.text(data, key, where).strip() for key in ("learning_goal", "audience"))
        questions = checker.questions(data, "questions", where)
        names.append((where, clip_id, themes))
        if "themes" in data and not themes and isinstance(data["themes"], list):
            checker.error(where, "themes", "name at least one theme")
        if end is not None and duration_ms is not None and end > duration_ms:
            checker.error(where, "end", f"{format_timecode(end)} is past the end of the film "
                                        f"({format_timecode(duration_ms)})")
        if start is not None and end is not None:
            if start >= end:
                checker.error(where, "end", f"{format_timecode(end)} is not after start {format_timecode(start)}")
            elif end - start < MIN_CLIP_MS:
                checker.error(where, "end", f"clip is {end - start} ms long; a clip lasts at least 1 s")
            if poster is not None and not start <= poster < end:
                checker.error(where, "poster", f"{format_timecode(poster)} is outside the clip "
                                               f"({format_timecode(start)}–{format_timecode(end)})")
        if start is None or end is None or start >= end:
            continue
        clips.append(Clip(id=clip_id, film_id=film_id, title=title, themes=themes, start_ms=start, end_ms=end,
                          description=description, speakers=speakers, poster_ms=poster,
                          learning_goal=learning_goal, questions=questions, audience=audience))
    return clips, tuple(names)


def _warn_cut_through(checker: Checker, clip: Clip, cues: Sequence[Cue], lang: str) -> None:
    for field_name, at in (("start", clip.start_ms), ("end", clip.end_ms)):
        for cue in cues:
            if cue.start_ms < at < cue.end_ms:
                nearest = min((cue.start_ms, cue.end_ms), key=lambda t: abs(t - at))
                words = cue.plain.replace("\n", " ")
                checker.warn(f"clip '{clip.id}'", field_name,
                             f"{format_timecode(at)} cuts through the {lang} cue "
                             f"{format_timecode(cue.start_ms)}–{format_timecode(cue.end_ms)} "
                             f"({words[:40]!r}); nearest cue boundary: {format_timecode(nearest)}")
                break


def _check_across(report: Report) -> None:
    """Ids unique across the catalogue; every theme referenced is defined somewhere; sessions play
    clips of any cut list."""
    _check_across_ids(report)
    clips: dict[str, Clip] = {}
    for cutlist in report.cutlists:
        for clip in cutlist.clips:
            clips.setdefault(clip.id, clip)
    named = {clip_id for names in report.names for _, clip_id, _ in names.clips}
    problems, sessions = check_sessions([draft for names in report.names for draft in names.sessions], clips, named)
    report.errors += problems
    report.cutlists[:] = [replace(cutlist, sessions=sessions.get(cutlist.path, ())) for cutlist in report.cutlists]


def _check_across_ids(report: Report) -> None:
    seen_clips: dict[str, Path] = {}
    seen_films: dict[str, Path] = {}
    theme_ids: set[str] = set()
    for names in report.names:
        if names.film_id in seen_films:
            report.errors.append(Problem(names.path, f"film '{names.film_id}'", "id",
                                         f"duplicate film id (also in {seen_films[names.film_id]})"))
        if names.film_id:  # a missing id is reported where it is missing
            seen_films.setdefault(names.film_id, names.path)
        local_themes: set[str] = set()
        for theme_id in filter(None, names.theme_ids):
            if theme_id in local_themes:
                report.errors.append(Problem(names.path, f"theme '{theme_id}'", "id", "duplicate theme id"))
            local_themes.add(theme_id)
        theme_ids |= local_themes
        for where, clip_id, _ in names.clips:
            if clip_id in seen_clips:
                other = seen_clips[clip_id]
                also = "" if other == names.path else f" (also in {other})"
                report.errors.append(Problem(names.path, where, "id", f"duplicate clip id{also}"))
            if clip_id:
                seen_clips.setdefault(clip_id, names.path)
    for names in report.names:
        for where, clip_id, clip_themes in names.clips:
            for theme_id in clip_themes:
                if theme_id not in theme_ids:
                    close = closest(theme_id, theme_ids)
                    hint = f" (did you mean '{close}'?)" if close else "; define it with [[theme]]"
                    report.errors.append(Problem(names.path, where, "themes", f"unknown theme '{theme_id}'{hint}"))
