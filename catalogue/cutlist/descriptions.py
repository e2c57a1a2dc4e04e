"""`[film.descriptions]`: a WebVTT file of audio description cues (film time) per language, read and
checked like subtitles: a cue that does not parse is an error with its line; a description that runs
into speech even said briskly is a warning (catalogue.subtitles.fit_problems)."""

from __future__ import annotations

from pathlib import Path

from catalogue.cutlist.checker import LANGUAGE_CODE, Checker, Report
from catalogue.errors import TranscriptError
from catalogue.model import Film
from catalogue.subtitles import fit_problems, read_cues
from catalogue.timecode import format_timecode


def check_descriptions_table(checker: Checker, raw: object) -> dict[str, Path]:
    """[film.descriptions]: language code = "file.vtt"; the files found."""
    files: dict[str, Path] = {}
    if not isinstance(raw, dict):
        checker.error("film", "descriptions", 'must be a table: language code = "descriptions.vtt"')
        return files
    for lang, value in raw.items():
        name = f"descriptions.{lang}"
        if not LANGUAGE_CODE.fullmatch(lang):
            checker.error("film", name, "not a language code like 'nl' or 'en'")
        if not isinstance(value, str) or not value.strip():
            checker.error("film", name, 'must name a WebVTT file: nl = "../transcripts/film.nl.descriptions.vtt"')
            continue
        found = checker.existing_file(value, "film", name)
        if found and found.suffix.lower() != ".vtt":
            checker.error("film", name, f"{found.name}: audio descriptions are a WebVTT (.vtt) file")
        elif found:
            files[lang] = found
    return files


def check_description_cues(checker: Checker, film: Film, report: Report) -> None:
    """Read each language's descriptions into the report; warn where one runs into speech (the captions
    in the same language, else in the film's)."""
    for lang, path in film.descriptions.items():
        try:
            cues = read_cues(path)
        except TranscriptError as exc:
            checker.error("film", f"descriptions.{lang}", exc.reason + (f" (line {exc.line})" if exc.line else ""),
                          file=path)
            continue
        report.descriptions[(film.id, lang)] = cues
        speech = report.cues.get((film.id, lang)) or report.cues.get((film.id, film.language), [])
        for problem in fit_problems(cues, speech):
            checker.warn(f"description at {format_timecode(problem.cue.start_ms)}", "", problem.message, file=path)
        ordered = sorted(cues, key=lambda c: (c.start_ms, c.end_ms))
        for before, after in zip(ordered, ordered[1:]):
            if after.start_ms < before.end_ms:
                checker.warn(f"description at {format_timecode(after.start_ms)}", "",
                             f"overlaps the description before it (until {format_timecode(before.end_ms)}): "
                             "they would be spoken one after the other", file=path)
