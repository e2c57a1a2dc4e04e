"""The site settings file (`site.toml` in the catalogue root): who publishes the catalogue, for the
accessibility statement (`/toegankelijkheid`), and the voice of the audio descriptions.

    [organisation]
    name = "Odisee, De Link en SAM"
    email = "toegankelijkheid@example.org"
    phone = "+32 2 000 00 00"                 # optional

    [statement]
    drawn_up = 2026-11-20                     # when the statement was first drawn up
    reviewed = 2026-11-20                     # when it was last reviewed (check warns after a year)
    review = "self"                           # "self" (zelfbeoordeling) or "third-party"
    review_details = "Getest met axe-core en NVDA door …"   # optional: how, by whom

    [voice]                                   # optional
    rate = 175                                # words per minute, 80–450
    pitch = 50                                # 0–99
    engine = ""                               # "", "program" (Debian's espeak-ng) or "library"

Read and checked like a cut list: every problem reported at once, with its field. Without the file
the site works, and its accessibility statement says that the organisation has not filled it in.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalogue.cutlist.checker import as_date
from catalogue.errors import Problem

REVIEW_MAX_DAYS = 365
REVIEWS = {"self": "zelfbeoordeling", "third-party": "beoordeling door een derde partij"}
_KEYS = {"organisation": {"name": True, "email": True, "phone": False},
         "statement": {"drawn_up": True, "reviewed": True, "review": True, "review_details": False},
         "voice": {"rate": False, "pitch": False, "engine": False}}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # fullmatch: "$" lets "a@b.be\n" pass


@dataclass(frozen=True)
class VoiceSettings:
    """The synthetic voice of the audio descriptions (catalogue.cutting speaks with it)."""

    language: str = "nl"
    rate: int = 175  # words per minute (espeak-ng's -s); describers speak 160–180
    pitch: int = 50  # 0–99 (espeak-ng's -p)
    engine: str = ""  # "" (Debian's program where present, else the library), "program" or "library"


@dataclass(frozen=True)
class SiteSettings:
    organisation: str = ""
    email: str = ""
    phone: str = ""
    drawn_up: datetime.date | None = None
    reviewed: datetime.date | None = None
    review: str = ""  # a key of REVIEWS
    review_details: str = ""
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    found: bool = False  # whether the file was there

    @property
    def review_text(self) -> str:
        return REVIEWS.get(self.review, "")


@dataclass
class SiteCheck:
    settings: SiteSettings
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def check_site(path: Path, today: datetime.date | None = None) -> SiteCheck:
    """Read and check the site settings file (`today` for the review's age; the local date by default)."""
    today = today or datetime.date.today()
    result = SiteCheck(SiteSettings())
    if not path.is_file():  # a catalogue without one works; its statement says what is not filled in
        return result
    try:
        data = tomllib.loads(path.read_text("utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        result.errors.append(Problem(path, "site settings", "", f"cannot read the file: {exc}"))
        return result
    except tomllib.TOMLDecodeError as exc:
        result.errors.append(Problem(path, "site settings", "", f"invalid TOML: {exc}"))
        return result
    reader = _Reader(path, result)
    for table in data:
        if table not in _KEYS:
            reader.error(table, "", f"unknown table; allowed: {', '.join(f'[{k}]' for k in _KEYS)}")
    organisation = reader.table(data, "organisation")
    statement = reader.table(data, "statement")
    voice = reader.table(data, "voice", required=False)
    email = reader.text(organisation, "organisation", "email")
    if email and not _EMAIL.fullmatch(email):
        reader.error("organisation", "email", f"{email!r} is not an e-mail address")
    review = reader.text(statement, "statement", "review")
    if review and review not in REVIEWS:
        reader.error("statement", "review", f"{review!r}: write \"self\" or \"third-party\"")
    drawn_up, reviewed = (reader.date(statement, key) for key in ("drawn_up", "reviewed"))
    if drawn_up and reviewed and reviewed < drawn_up:
        reader.error("statement", "reviewed", f"{reviewed} is before the statement was drawn up ({drawn_up})")
    if reviewed and reviewed > today:
        reader.error("statement", "reviewed", f"{reviewed} is in the future")
    elif reviewed and (today - reviewed).days > REVIEW_MAX_DAYS:
        reader.warn("statement", "reviewed", f"the accessibility statement was last reviewed on {reviewed}, more "
                                             f"than a year ago: review the site again and set the date")
    result.settings = SiteSettings(
        organisation=reader.text(organisation, "organisation", "name"), email=email,
        phone=reader.text(organisation, "organisation", "phone"), drawn_up=drawn_up, reviewed=reviewed,
        review=review if review in REVIEWS else "", review_details=reader.text(statement, "statement", "review_details"),
        voice=_voice(reader, voice), found=True)
    return result


def _voice(reader: _Reader, data: dict[str, Any]) -> VoiceSettings:
    default = VoiceSettings()
    rate = reader.number(data, "rate", default.rate, 80, 450)
    pitch = reader.number(data, "pitch", default.pitch, 0, 99)
    engine = reader.text(data, "voice", "engine")
    if engine not in ("", "program", "library"):
        reader.error("voice", "engine", f"{engine!r}: write \"program\", \"library\" or leave it out")
        engine = ""
    return VoiceSettings(default.language, rate, pitch, engine)


class _Reader:
    def __init__(self, path: Path, result: SiteCheck) -> None:
        self.path, self.result = path, result

    def error(self, where: str, key: str, message: str) -> None:
        self.result.errors.append(Problem(self.path, f"[{where}]", key, message))

    def warn(self, where: str, key: str, message: str) -> None:
        self.result.warnings.append(Problem(self.path, f"[{where}]", key, message))

    def table(self, data: dict[str, Any], name: str, required: bool = True) -> dict[str, Any]:
        value = data.get(name)
        if value is None:
            if required:
                self.error(name, "", "the table is missing")
            return {}
        if not isinstance(value, dict):
            self.error(name, "", "must be a table")
            return {}
        for key in value:
            if key not in _KEYS[name]:
                self.error(name, key, f"unknown key; allowed: {', '.join(_KEYS[name])}")
        for key, needed in _KEYS[name].items():
            if needed and key not in value:
                self.error(name, key, "required key is missing")
        return value

    def text(self, data: dict[str, Any], where: str, key: str) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            self.error(where, key, f"must be a string, not {type(value).__name__}")
            return ""
        return value.strip()

    def date(self, data: dict[str, Any], key: str) -> datetime.date | None:
        value = data.get(key)
        if value is None:
            return None
        found = as_date(value)
        if found is None:
            self.error("statement", key, f"{value!r} is not a date: write it as 2026-11-20")
        return found

    def number(self, data: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
        value = data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.error("voice", key, f"must be a whole number from {low} to {high}, not {value!r}")
            return default
        return value
