"""Reading a cut list: a `Checker` collects every problem of one file, each with file, id and field,
into a `Report`; the validated `Catalogue` comes out of a report without errors."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalogue.errors import CatalogueError, CutListError, Problem
from catalogue.model import Clip, Cue, CutList, MediaInfo, Session, Theme
from catalogue.timecode import parse_timecode

if TYPE_CHECKING:
    from catalogue.cutlist.sessions import SessionDraft

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # use fullmatch: "$" would let "abc\n" pass
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")  # fullmatch

Prober = Callable[[Path], MediaInfo]


@dataclass(frozen=True)
class Catalogue:
    """Every cut list of a catalogue root; themes merged by id across films."""

    cutlists: tuple[CutList, ...]
    themes: tuple[Theme, ...]
    # what consent leaves out (catalogue.cutlist.consent: Consent.published): clip ids not shown, and
    # per film the time ranges redacted in its rendition (ms, film time)
    withdrawn: frozenset[str] = frozenset()
    redactions: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)

    @property
    def clips(self) -> tuple[Clip, ...]:
        return tuple(clip for cutlist in self.cutlists for clip in cutlist.clips)

    @property
    def sessions(self) -> tuple[Session, ...]:
        return tuple(session for cutlist in self.cutlists for session in cutlist.sessions)


ClipNames = tuple[str, str, tuple[str, ...]]  # a clip's place in its file, its id, the theme ids it names


@dataclass(frozen=True)
class Names:
    """The ids one cut list defines and uses, from valid entries or not: one error never hides another."""

    path: Path
    film_id: str
    theme_ids: tuple[str, ...]
    clips: tuple[ClipNames, ...]
    sessions: tuple[SessionDraft, ...] = ()


@dataclass
class Report:
    """What `check` found. Errors stop `cut`; warnings are for the editor to weigh."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    hints: list[Problem] = field(default_factory=list)  # worth a look, not a fault (e.g. a speaker with no [[person]])
    cutlists: list[CutList] = field(default_factory=list)
    cues: dict[tuple[str, str], list[Cue]] = field(default_factory=dict)  # (film id, lang) -> cues
    descriptions: dict[tuple[str, str], list[Cue]] = field(default_factory=dict)  # (film id, lang) -> description cues
    names: list[Names] = field(default_factory=list, repr=False)  # for the checks across cut lists

    def catalogue(self) -> Catalogue:
        """The validated catalogue; raises CutListError when there were errors."""
        if self.errors:
            raise CutListError(self.errors)
        themes: dict[str, Theme] = {}
        for cutlist in self.cutlists:
            for theme in cutlist.themes:
                themes.setdefault(theme.id, theme)
        return Catalogue(tuple(self.cutlists), tuple(themes.values()))


class Checker:
    """Collects problems for one file while reading it."""

    def __init__(self, path: Path, report: Report) -> None:
        self.path = path
        self.report = report

    def error(self, where: str, field_name: str, message: str, file: Path | None = None) -> None:
        self.report.errors.append(Problem(file or self.path, where, field_name, message))

    def warn(self, where: str, field_name: str, message: str, file: Path | None = None) -> None:
        self.report.warnings.append(Problem(file or self.path, where, field_name, message))

    def hint(self, where: str, field_name: str, message: str) -> None:
        self.report.hints.append(Problem(self.path, where, field_name, message))

    def table(self, data: object, keys: dict[str, bool], where: str, prefix: str = "") -> dict[str, Any]:
        """`data` as a table with only `keys` (name: required); `prefix` goes before each field name."""
        if not isinstance(data, dict):
            self.error(where, prefix.rstrip("."), "must be a table")
            return {}
        for key in data:
            if key not in keys:
                close = closest(key, keys)
                hint = f" (did you mean '{close}'?)" if close else f"; allowed: {', '.join(keys)}"
                self.error(where, prefix + key, f"unknown key{hint}")
        for key, required in keys.items():
            if required and key not in data:
                self.error(where, prefix + key, "required key is missing")
        return data

    def text(self, data: dict[str, Any], key: str, where: str, prefix: str = "") -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            self.error(where, prefix + key, f"must be a string, not {type(value).__name__}")
            return ""
        if key in data and REQUIRED_NONEMPTY.get(key) and not value.strip():
            self.error(where, prefix + key, "must not be empty")
        return value

    def strings(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(where, key, "must be a list of strings")
            return ()
        return tuple(value)

    def questions(self, data: dict[str, Any], key: str, where: str, prefix: str = "") -> tuple[str, ...]:
        """A list of discussion questions: each a non-empty string, each problem named by its
        1-based place (`questions[2]`)."""
        value = data.get(key, [])
        if not isinstance(value, list):
            self.error(where, prefix + key, f'must be a list of questions, ["…", "…"], not {type(value).__name__}')
            return ()
        found = []
        for number, question in enumerate(value, start=1):
            name = f"{prefix}{key}[{number}]"
            if not isinstance(question, str):
                self.error(where, name, f"must be a string, not {type(question).__name__}")
            elif not question.strip():
                self.error(where, name, "must not be empty")
            else:
                found.append(question.strip())
        return tuple(found)

    def slug(self, data: dict[str, Any], where: str) -> str:
        value = self.text(data, "id", where)
        if value and not SLUG.fullmatch(value):
            self.error(where, "id", f"{value!r} is not a slug: use lowercase letters, digits and single "
                                    "hyphens, e.g. 'buddys-vinden'")
        return value

    def time(self, data: dict[str, Any], key: str, where: str) -> int | None:
        if key not in data:
            return None
        try:
            return parse_timecode(data[key])
        except CatalogueError as exc:
            self.error(where, key, str(exc))
            return None

    def existing_file(self, value: str, where: str, key: str) -> Path | None:
        if not value:
            return None
        if "\0" in value:  # no file system has such a name (and Path.resolve raises on it)
            self.error(where, key, "file name contains a NUL character (\\u0000)")
            return None
        path = (self.path.parent / value).resolve()
        if not path.is_file():
            self.error(where, key, f"file not found: {path}")
            return None
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:
            self.error(where, key, f"file is not readable: {path} ({exc.strerror})")
            return None
        return path


REQUIRED_NONEMPTY = {"id": True, "title": True, "video": True, "language": True, "file": True}


def as_date(value: object) -> datetime.date | None:
    """A TOML date (`2030-06-30`) or a string holding one (`"2030-06-30"`) as a date; None for anything
    else, a date-time included (the caller names the field and what to write)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def closest(key: str, allowed: Iterable[str]) -> str:
    matches = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    return matches[0] if matches else ""


