"""The cut list's `[[person]]` tables: who is seen or heard where in the film, and what they
consented to (issue 19). Read with each file, every problem at its field like the rest of `check`:

    [[person]]
    id = "ann"                                    # slug; the same id in two cut lists is one person
    name = "Ann"                                  # as in speakers and caption voice tags
    appearances = [["00:00:32.500", "00:00:52"]]  # film time ranges where the person is seen or heard
    consent_until = "2030-06-30"                  # optional: consent ends after this day
    uses = ["site", "embed", "download", "pack"]  # optional: what the consent covers (default: all)
    withdrawn = "2026-12-06"                      # written by `catalogue withdraw`
    clips = "redact"                              # written by `catalogue withdraw --clips redact`
    consent_renewed = "2027-03-01"                # new consent after a withdrawal (see docs/consent.md)
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from catalogue.cutlist.checker import SLUG, Checker, as_date
from catalogue.errors import CatalogueError
from catalogue.model import CLIP_POLICIES, USES, Clip, Cue, Person
from catalogue.timecode import format_timecode, parse_timecode

EXPIRY_WARNING_DAYS = 30
_PERSON_KEYS = {"id": True, "name": True, "appearances": False, "consent_until": False, "uses": False,
                "withdrawn": False, "clips": False, "consent_renewed": False}


def read_persons(checker: Checker, raw: object, film_id: str, duration_ms: int | None) -> tuple[Person, ...]:
    """Every valid [[person]] of one cut list; the problems of the others reported on `checker`."""
    if not isinstance(raw, list):
        checker.error("person", "", "write each person as [[person]]")
        return ()
    persons = []
    seen: set[str] = set()
    for number, entry in enumerate(raw, start=1):
        where = _where(entry, number)
        data = checker.table(entry, _PERSON_KEYS, where)
        person_id = checker.slug(data, where)
        if person_id in seen:
            checker.error(where, "id", "duplicate person id in this cut list: write all of a person's "
                                       "appearances in one [[person]]")
        seen.add(person_id)
        name = checker.text(data, "name", where).strip()
        appearances = _appearances(checker, data, where, duration_ms)
        dates = {key: _date(checker, data, key, where) for key in ("consent_until", "withdrawn", "consent_renewed")}
        uses = _uses(checker, data, where)
        clips = data.get("clips", "withdraw")
        if clips not in CLIP_POLICIES:
            checker.error(where, "clips", f"must be one of {', '.join(map(repr, CLIP_POLICIES))}, not {clips!r}")
            clips = "withdraw"
        elif "clips" in data and dates["withdrawn"] is None:
            checker.error(where, "clips", "only a withdrawn person has clips = …: `catalogue withdraw` writes both")
        if dates["withdrawn"] is not None and dates["consent_renewed"] is not None \
                and dates["consent_renewed"] > dates["withdrawn"]:
            checker.error(where, "withdrawn", f"consent was renewed on {dates['consent_renewed']} after it was "
                                              "withdrawn: remove the withdrawn line (and clips) to publish again")
        if SLUG.match(person_id) and name:
            persons.append(Person(person_id, name, film_id, appearances, dates["consent_until"], uses,
                                  dates["withdrawn"], clips, dates["consent_renewed"]))
    return tuple(persons)


def _where(entry: object, number: int) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"]:
        return f"person '{entry['id']}'"
    return f"person #{number}"


def _appearances(checker: Checker, data: dict[str, Any], where: str,
                 duration_ms: int | None) -> tuple[tuple[int, int], ...]:
    raw = data.get("appearances", [])
    shape = 'a list of [start, end] pairs, e.g. [["00:00:32.500", "00:00:52"]]'
    if not isinstance(raw, list):
        checker.error(where, "appearances", f"must be {shape}")
        return ()
    found = []
    for number, pair in enumerate(raw, start=1):
        name = f"appearances[{number}]"
        if not isinstance(pair, list) or len(pair) != 2:
            checker.error(where, name, f"must be a pair [start, end], not {pair!r}")
            continue
        try:
            start, end = (parse_timecode(value) for value in pair)
        except CatalogueError as exc:
            checker.error(where, name, str(exc))
            continue
        if start >= end:
            checker.error(where, name, f"{format_timecode(end)} is not after {format_timecode(start)}")
        elif duration_ms is not None and end > duration_ms:
            checker.error(where, name, f"{format_timecode(end)} is past the end of the film "
                                       f"({format_timecode(duration_ms)})")
        else:
            found.append((start, end))
    if not raw and "appearances" in data:
        checker.warn(where, "appearances", "no appearances: withdrawing this person would remove nothing; "
                                           "add the film time ranges where they are seen or heard")
    return tuple(sorted(found))


def _date(checker: Checker, data: dict[str, Any], key: str, where: str) -> datetime.date | None:
    value = data.get(key)
    if value is None:
        return None
    found = as_date(value)
    if found is None:
        checker.error(where, key, f"must be a date written YYYY-MM-DD, e.g. \"2030-06-30\", not {value!r}")
    return found


def _uses(checker: Checker, data: dict[str, Any], where: str) -> frozenset[str]:
    if "uses" not in data:
        return frozenset(USES)
    raw = data["uses"]
    if not isinstance(raw, list) or not all(isinstance(use, str) for use in raw):
        checker.error(where, "uses", f"must be a list of uses, e.g. {list(USES)!r}")
        return frozenset(USES)
    for use in raw:
        if use not in USES:
            close = difflib.get_close_matches(use, USES, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; the uses are {', '.join(USES)}"
            checker.error(where, "uses", f"unknown use {use!r}{hint}")
    if raw and "site" not in raw:
        checker.error(where, "uses", "must include 'site': embeds, downloads and lesson packs all come from the "
                                     "site; a person who did not consent to the site is left out of the catalogue")
    return frozenset(use for use in raw if use in USES)


def warn_consent(checker: Checker, persons: Sequence[Person], today: datetime.date) -> None:
    """Consent that ends within EXPIRY_WARNING_DAYS, or has ended, is named (a warning)."""
    for person in persons:
        if person.withdrawn is not None or person.consent_until is None:
            continue
        where = f"person '{person.id}'"
        left = (person.consent_until - today).days
        if left < 0:
            checker.warn(where, "consent_until", f"consent ended on {person.consent_until}: the site treats "
                                                 f"{person.id!r} as withdrawn; `catalogue cut` and `catalogue "
                                                 "index` remove what remains, or renew the consent")
        elif left <= EXPIRY_WARNING_DAYS:
            checker.warn(where, "consent_until", f"consent ends on {person.consent_until} (in {left} day"
                                                 f"{'s' if left != 1 else ''}): renew it, or the site treats "
                                                 f"{person.id!r} as withdrawn from the day after")


def hint_unlisted(checker: Checker, clips: Iterable[Clip], cues: Mapping[str, Sequence[Cue]],
                  persons: Sequence[Person]) -> None:
    """A hint (not an error) for each clip whose speakers or caption voice tags name someone with no
    [[person]] entry: nobody could withdraw them. Only in a cut list that lists persons at all (one
    that does not track consent yet would get a hint for every speaker)."""
    if not persons:
        return
    known = {person.name.casefold() for person in persons}
    for clip in clips:
        named = set(clip.speakers)
        for lang_cues in cues.values():
            named |= {cue.speaker for cue in lang_cues
                      if cue.speaker and cue.start_ms < clip.end_ms and cue.end_ms > clip.start_ms}
        unlisted = sorted(name for name in named if name.strip() and name.casefold() not in known)
        if unlisted:
            checker.hint(f"clip '{clip.id}'", "speakers", f"names {', '.join(unlisted)} with no [[person]] entry: "
                                                          "add one (id, name, appearances) so consent can be "
                                                          "withdrawn")
