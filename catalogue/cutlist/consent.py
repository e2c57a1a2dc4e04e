"""Consent decisions, pure: who is withdrawn or expired for which use on a given day, which clips
overlap whose appearances, which film ranges must be redacted, and the catalogue as each use may
publish it. Every stage reads these (cut, index, pack, the site), so they cannot disagree.

- A person is *withdrawn* (`withdrawn = …`, written by `catalogue withdraw`) or *expired* (today is
  after `consent_until`): then no use is allowed. Otherwise the uses not in `uses` are refused.
- Without `site`, the person's appearances are redacted in the film's rendition, and every clip
  overlapping one is gone (410) — or, for a withdrawal with `clips = "redact"`, re-cut redacted.
- Without `embed`, `download` or `pack`, the clips overlapping an appearance stay on the site but
  are refused for that use.
- A clip id once withdrawn (a tombstone) is never published again, unless the person whose
  withdrawal made it has consented again (`consent_renewed` after the tombstone's date).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from catalogue.cutlist.checker import Catalogue
from catalogue.cutlist.tombstones import Tombstones, person_hash, read_tombstones
from catalogue.model import USES, Clip, ClipStep, CutList, Person, Session
from catalogue.settings import Settings

Range = tuple[int, int]  # film time, ms, [start, end)
GONE_NOTICE = "is weggelaten: deze clip is verwijderd op vraag van een deelnemer"
USE_NOTICES = {"pack": "is weggelaten: deze clip mag niet in een lesmap",
               "embed": "is weggelaten: deze clip mag niet ingebed worden"}


def withheld_uses(person: Person, today: datetime.date) -> frozenset[str]:
    """The uses this person's consent does not (or no longer) cover today."""
    if person.withdrawn is not None or (person.consent_until is not None and today > person.consent_until):
        return frozenset(USES)
    return frozenset(USES) - person.uses


def overlaps(start_ms: int, end_ms: int, ranges: Iterable[Range]) -> bool:
    return any(a < end_ms and b > start_ms for a, b in ranges)


def merge_ranges(ranges: Iterable[Range]) -> tuple[Range, ...]:
    merged: list[list[int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return tuple((a, b) for a, b in merged)


@dataclass(frozen=True)
class Consent:
    """What consent allows on `today`, for every clip and film of a catalogue."""

    today: datetime.date
    gone: Mapping[str, str] = field(default_factory=dict)  # clip id -> why: "withdrawn", "expired", "tombstone"
    refused: Mapping[str, frozenset[str]] = field(default_factory=dict)  # clip id -> uses refused (on the site still)
    redactions: Mapping[str, tuple[Range, ...]] = field(default_factory=dict)  # film id -> ranges, merged
    redacted_clips: frozenset[str] = frozenset()  # on the site, re-cut with the ranges redacted
    withdrawn_names: Mapping[str, frozenset[str]] = field(default_factory=dict)  # film id -> names not to show

    def allows(self, clip_id: str, use: str) -> bool:
        return clip_id not in self.gone and use not in self.refused.get(clip_id, frozenset())

    def left_out(self, use: str) -> frozenset[str]:
        """The clips a use may not show: gone ones, and those refused for it."""
        return frozenset(self.gone) | frozenset(c for c, uses in self.refused.items() if use in uses)

    def published(self, catalogue: Catalogue, use: str = "site") -> Catalogue:
        """The catalogue as `use` may show it: clips left out, sessions without their steps (a
        notice says so), withdrawn names taken off the speakers of redacted clips."""
        left_out = self.left_out(use)
        notice = GONE_NOTICE if use == "site" else USE_NOTICES.get(use, GONE_NOTICE)
        cutlists = []
        titles = {clip.id: clip.title for clip in catalogue.clips}
        for cutlist in catalogue.cutlists:
            names = self.withdrawn_names.get(cutlist.film.id, frozenset())
            clips = tuple(self._shown(clip, names) for clip in cutlist.clips if clip.id not in left_out)
            sessions = tuple(_without(session, left_out, titles, notice) for session in cutlist.sessions)
            cutlists.append(replace(cutlist, clips=clips, sessions=sessions))
        return replace(catalogue, cutlists=tuple(cutlists), withdrawn=frozenset(left_out),
                       redactions=dict(self.redactions))

    def _shown(self, clip: Clip, names: frozenset[str]) -> Clip:
        if clip.id not in self.redacted_clips or not names:
            return clip
        return replace(clip, speakers=tuple(s for s in clip.speakers if s.casefold() not in names))


def _without(session: Session, left_out: frozenset[str], titles: Mapping[str, str], notice: str) -> Session:
    steps, notices = [], list(session.notices)
    for number, step in enumerate(session.steps, start=1):
        if isinstance(step, ClipStep) and step.clip_id in left_out:
            notices.append(f"Stap {number} ({titles.get(step.clip_id, step.clip_id)}) {notice}.")
            continue
        steps.append(step)
    if len(steps) == len(session.steps):
        return session
    return replace(session, steps=tuple(steps), notices=tuple(notices))


def plan_consent(catalogue: Catalogue, tombstones: Tombstones, today: datetime.date) -> Consent:
    """What consent allows today: from the cut lists' [[person]] tables and the tombstones. Pure."""
    gone: dict[str, str] = {}
    refused: dict[str, set[str]] = {}
    redactions: dict[str, list[Range]] = {}
    redacted: set[str] = set()
    names: dict[str, set[str]] = {}
    persons = [person for cutlist in catalogue.cutlists for person in cutlist.persons]
    for cutlist in catalogue.cutlists:
        for person in cutlist.persons:
            withheld = withheld_uses(person, today)
            if not withheld:
                continue
            touched = [c for c in cutlist.clips if overlaps(c.start_ms, c.end_ms, person.appearances)]
            if "site" in withheld:
                redactions.setdefault(cutlist.film.id, []).extend(person.appearances)
                names.setdefault(cutlist.film.id, set()).add(person.name.casefold())
                if person.withdrawn is not None and person.clips == "redact":
                    redacted.update(c.id for c in touched)
                else:
                    why = "withdrawn" if person.withdrawn is not None else "expired"
                    gone.update({c.id: gone.get(c.id, why) for c in touched})
            else:
                for clip in touched:
                    refused.setdefault(clip.id, set()).update(withheld)
    for clip in catalogue.clips:
        stone = tombstones.entries.get(clip.id)
        if stone is not None and clip.id not in gone and not _renewed(stone.person, stone.date, persons, tombstones):
            gone[clip.id] = "tombstone"
    return Consent(today, gone, {c: frozenset(u) for c, u in refused.items() if c not in gone},
                   {film: merge_ranges(r) for film, r in redactions.items()}, frozenset(redacted - set(gone)),
                   {film: frozenset(n) for film, n in names.items()})


def _renewed(hashed: str, since: datetime.date, persons: Sequence[Person], tombstones: Tombstones) -> bool:
    """Whether the person a tombstone names (by hash) has consented again after it, and not withdrawn since."""
    return any(person_hash(tombstones.salt, p.id) == hashed and p.withdrawn is None
               and p.consent_renewed is not None and p.consent_renewed >= since for p in persons)


def consent_today(settings: Settings, catalogue: Catalogue, today: datetime.date | None = None) -> Consent:
    """plan_consent with the catalogue's tombstones, for today (the local date) unless told."""
    return plan_consent(catalogue, read_tombstones(settings.state_dir), today or datetime.date.today())


def find_person(catalogue: Catalogue, person_id: str) -> list[tuple[CutList, Person]]:
    """Every [[person]] with this id, with its cut list (one person may appear in several films)."""
    return [(cutlist, person) for cutlist in catalogue.cutlists for person in cutlist.persons if person.id == person_id]
