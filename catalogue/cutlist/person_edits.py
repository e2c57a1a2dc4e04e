"""Format-preserving edits of a cut list's `[[person]]` tables, the way clip_edits changes a clip:
`withdrawn = <date>` (and `clips = "redact"`) written by `catalogue withdraw`, and an appearance
added from the studio. Every other byte stays as the editor wrote it; the result is read back
with tomllib before anything is written."""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from catalogue.cutlist.clip_edits import _append_table, _finish, _open
from catalogue.cutlist.editing import append_item
from catalogue.errors import CutListEditError
from catalogue.timecode import format_timecode


class PersonEditError(CutListEditError):
    """A [[person]] edit that does not fit the cut list; nothing was written."""


def plan_withdrawn(cutlist: Path, data: bytes, person_id: str, date: datetime.date,
                   clips: str | None = None) -> bytes:
    """The cut list `data` with `withdrawn = "<date>"` on the [[person]] with `person_id` (a date already
    there is kept: a rerun changes nothing) and `clips = "redact"` when asked. `clips` None keeps what
    an earlier withdrawal chose; withdrawn clips are never turned back into redacted ones."""
    source, before, doc = _open(cutlist, data)
    index, table = _person(cutlist, before, doc, person_id)
    wanted = copy.deepcopy(before)
    entry = wanted["person"][index]
    if "withdrawn" in entry:
        current = entry.get("clips", "withdraw")
        if clips == "redact" and current == "withdraw":
            raise PersonEditError(cutlist, f"{person_id!r} was withdrawn on {entry['withdrawn']} with their clips "
                                           "withdrawn: those cannot be redacted back; nothing was changed")
        if clips == "withdraw" and current == "redact":  # stricter: always allowed
            table["clips"] = "withdraw"
            entry["clips"] = "withdraw"
    else:
        append_item(table, "withdrawn", tomlkit.item(date.isoformat()))
        entry["withdrawn"] = date.isoformat()
        if clips == "redact":
            append_item(table, "clips", tomlkit.item("redact"))
            entry["clips"] = "redact"
    return _finish(cutlist, source, doc, wanted)


def plan_appearance(cutlist: Path, data: bytes, person_id: str, name: str, start_ms: int, end_ms: int) -> bytes:
    """The cut list `data` with the film time range start–end added to the appearances of the person
    with `person_id`; a new [[person]] (with `name`) after the last one when there is none."""
    if end_ms <= start_ms:
        raise PersonEditError(cutlist, f"an appearance ends after it starts ({format_timecode(start_ms)}–"
                                       f"{format_timecode(end_ms)})")
    pair = [format_timecode(start_ms), format_timecode(end_ms)]
    source, before, doc = _open(cutlist, data)
    wanted = copy.deepcopy(before)
    ids = [entry.get("id") for entry in before.get("person", []) if isinstance(entry, dict)]
    if person_id not in ids:
        if not name.strip():
            raise PersonEditError(cutlist, f"no person {person_id!r} yet: give their name too")
        entry = {"id": person_id, "name": name.strip(), "appearances": [pair]}
        _append_table(doc, "person", entry)
        wanted.setdefault("person", []).append(entry)
        return _finish(cutlist, source, doc, wanted)
    index, table = _person(cutlist, before, doc, person_id)
    appearances = table.get("appearances")
    if appearances is None:
        append_item(table, "appearances", tomlkit.item([pair]))
    else:
        appearances.append(pair)
    wanted["person"][index].setdefault("appearances", []).append(pair)
    return _finish(cutlist, source, doc, wanted)


def _person(cutlist: Path, before: dict[str, Any], doc: tomlkit.TOMLDocument, person_id: str) -> tuple[int, Table]:
    ids = [entry.get("id") if isinstance(entry, dict) else None for entry in before.get("person", [])]
    if person_id not in ids:
        raise PersonEditError(cutlist, f"has no [[person]] with id {person_id!r}")
    if ids.count(person_id) > 1:
        raise PersonEditError(cutlist, f"has more than one [[person]] with id {person_id!r}: fix that first "
                                       "(`catalogue check` shows where)")
    tables = doc.get("person")
    if not isinstance(tables, AoT):
        raise PersonEditError(cutlist, "its persons are not written as [[person]] tables: write each as [[person]]; "
                                       "nothing was changed")
    index = ids.index(person_id)
    return index, tables[index]
