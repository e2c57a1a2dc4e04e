"""Add, change and delete a cut list's [[clip]] tables (and new [[theme]]s) the way cutlist_edit
changes one value: tomlkit keeps every other byte as the editor wrote it, and the result is read
back with tomllib before anything is written. The studio's clip editor is built on this."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Comment, Table, Whitespace

from catalogue.cutlist.editing import Source, append_item, decode_source, parse_text, read_source, take_lead_in
from catalogue.errors import CatalogueError, CutListEditError
from catalogue.fsutil import keep_backup, write_bytes_atomic
from catalogue.model import Clip, Theme
from catalogue.timecode import format_timecode, parse_timecode


class ClipEditError(CutListEditError):
    """A clip edit that does not fit the cut list; `field` names the clip's field at fault ("" for none)."""

    def __init__(self, path: Path | str, reason: str, field: str = "") -> None:
        self.field = field
        super().__init__(path, reason)


class ClipNotFoundError(ClipEditError):
    """No [[clip]] with that id in the cut list."""


_CLIP_ORDER = ("id", "title", "themes", "start", "end", "description", "speakers", "poster")
_TIMES = ("start", "end", "poster")


def save_clip(cutlist: Path, clip: Clip, *, original_id: str | None = None, new_themes: Sequence[Theme] = (),
              expected: bytes | None = None) -> Path | None:
    """Write `clip` into the cut list (see plan_clip). Keeps a backup and writes atomically; returns
    the backup's path, or None when the cut list already said so. With `expected` (the bytes read
    earlier), refuses with CutListChangedError if the file has changed since."""
    source = read_source(cutlist, expected)
    return write_cutlist(cutlist, source.data, plan_clip(cutlist, source.data, clip, original_id=original_id,
                                                         new_themes=new_themes))


def delete_clip(cutlist: Path, clip_id: str, *, expected: bytes | None = None) -> Path | None:
    """Remove the [[clip]] with `clip_id` (see plan_delete_clip); a backup is kept, as save_clip does."""
    source = read_source(cutlist, expected)
    return write_cutlist(cutlist, source.data, plan_delete_clip(cutlist, source.data, clip_id))


def write_cutlist(cutlist: Path, before: bytes, after: bytes) -> Path | None:
    """Replace the cut list, which must still hold `before` (else CutListChangedError), by `after`:
    a backup of `before` beside it, then an atomic write. None when they are equal (nothing written)."""
    if after == before:
        return None
    read_source(cutlist, before)
    backup = keep_backup(cutlist, before)
    write_bytes_atomic(cutlist, after)
    return backup


def plan_clip(cutlist: Path, data: bytes, clip: Clip, *, original_id: str | None = None,
              new_themes: Sequence[Theme] = ()) -> bytes:
    """The cut list `data` with `clip` in it: a new [[clip]] after the last one when original_id is
    None, else the clip with that id changed in place (only the values that differ; a time equal in
    ms stays as written). `new_themes` become [[theme]] tables after the last one. Every other byte
    stays; `cutlist` only names the file in errors."""
    if original_id is not None and clip.id != original_id:
        raise ClipEditError(cutlist, f"a clip's id cannot change once saved ({original_id!r}, not {clip.id!r}): "
                                     "it is in every link to the clip", "id")
    source, before, doc = _open(cutlist, data)
    wanted = copy.deepcopy(before)
    themes = {entry.get("id") for entry in before.get("theme", []) if isinstance(entry, dict)}
    for theme in new_themes:  # before the clip: in a cut list without themes they come first
        if theme.id in themes:
            raise ClipEditError(cutlist, f"there is a theme with id {theme.id!r} already", "new_themes")
        themes.add(theme.id)
        theme_entry = {"id": theme.id, "title": theme.title, **({"description": theme.description}
                                                                 if theme.description else {})}
        _append_table(doc, "theme", theme_entry)
        wanted.setdefault("theme", []).append(theme_entry)
    existing = [entry.get("id") for entry in before.get("clip", [])]
    entry = _clip_entry(clip)
    if original_id is None:
        if clip.id in existing:
            raise ClipEditError(cutlist, f"there is a clip with id {clip.id!r} already: choose another id", "id")
        _append_table(doc, "clip", entry)
        wanted.setdefault("clip", []).append(entry)
    else:
        index = _clip_index(cutlist, existing, original_id)
        wanted["clip"][index] = _update_clip(_clip_tables(cutlist, doc)[index], before["clip"][index], entry)
    return _finish(cutlist, source, doc, wanted)


def plan_delete_clip(cutlist: Path, data: bytes, clip_id: str) -> bytes:
    """The cut list `data` without the [[clip]] that has `clip_id`, and the comments inside it and
    right under it. The blank lines and comments after those, which lead into what follows, stay."""
    source, before, doc = _open(cutlist, data)
    index = _clip_index(cutlist, [entry.get("id") for entry in before.get("clip", [])], clip_id)
    tables = _clip_tables(cutlist, doc)
    target = tables[index]
    previous = _tail(tables[index - 1]) if index else _table_before(doc, tables)
    trailing = take_lead_in(target)
    has_comments = any(isinstance(item, Comment) for item in trailing)
    if previous is None and has_comments:
        raise ClipEditError(cutlist, f"cannot delete clip {clip_id!r} and keep the comments under it here: "
                                     "nothing was changed; delete it by hand")
    if previous is not None and (has_comments or not _ends_in_comment(previous)):
        _take_blank_end(previous)
        for item in trailing:
            previous.value.append(None, item)
    del tables[index]
    if not tables:
        del doc["clip"]  # an empty array of tables would be written as `clip = []`
    wanted = copy.deepcopy(before)
    del wanted["clip"][index]
    if not wanted["clip"]:
        del wanted["clip"]
    return _finish(cutlist, source, doc, wanted)


def _open(cutlist: Path, data: bytes) -> tuple[Source, dict[str, Any], tomlkit.TOMLDocument]:
    source = decode_source(cutlist, data)
    before, doc = parse_text(cutlist, source.text)
    if tomlkit.dumps(doc) != source.text:  # e.g. [[clip]] tables with other tables between them
        raise CutListEditError(cutlist, "cannot be edited without changing its layout (are its [[clip]] tables "
                                        "all together, one after the other?): nothing was changed; make the "
                                        "change by hand")
    if not isinstance(before.get("film"), dict):
        raise CutListEditError(cutlist, "has no [film] table: add [film] first (`catalogue check` says what it "
                                        "needs); nothing was changed")
    return source, before, doc


def _finish(cutlist: Path, source: Source, doc: tomlkit.TOMLDocument, wanted: dict[str, Any]) -> bytes:
    """The edited document's bytes, once tomllib reads exactly `wanted` in them."""
    text = tomlkit.dumps(doc)
    try:
        after = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        after = None
    if after != wanted:
        raise CutListEditError(cutlist, "cannot make this change here without changing something else (its "
                                        "layout is unusual): nothing was changed; make the change by hand")
    return source.encode(text)


def _clip_entry(clip: Clip) -> dict[str, Any]:
    """The clip's [[clip]] values as `check` reads them; empty optional fields left out."""
    entry: dict[str, Any] = {"id": clip.id, "title": clip.title, "themes": list(clip.themes),
                             "start": format_timecode(clip.start_ms), "end": format_timecode(clip.end_ms)}
    if clip.description:
        entry["description"] = clip.description
    if clip.speakers:
        entry["speakers"] = list(clip.speakers)
    if clip.poster_ms is not None:
        entry["poster"] = format_timecode(clip.poster_ms)
    return entry


def _clip_index(cutlist: Path, ids: list[object], clip_id: str) -> int:
    if clip_id not in ids:
        raise ClipNotFoundError(cutlist, f"has no clip with id {clip_id!r} (deleted meanwhile?)", "id")
    if ids.count(clip_id) > 1:
        raise ClipEditError(cutlist, f"has more than one clip with id {clip_id!r}: fix that first "
                                     "(`catalogue check` shows where)", "id")
    return ids.index(clip_id)


def _clip_tables(cutlist: Path, doc: tomlkit.TOMLDocument) -> AoT:
    tables = doc.get("clip")
    if not isinstance(tables, AoT):
        raise CutListEditError(cutlist, "its clips are not written as [[clip]] tables: write each clip as "
                                        "[[clip]] (as the README shows); nothing was changed")
    return tables


def _update_clip(table: Table, old: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """Make the clip's table say `entry`, changing only what differs; returns what it now reads as."""
    result = dict(old)
    for key in [k for k in old if k in _CLIP_ORDER and k not in entry]:
        del table[key]
        del result[key]
    for key, value in entry.items():
        if key in old and _same(key, old[key], value):
            continue
        if key in table:
            table[key] = value  # its comment stays
        else:
            append_item(table, key, tomlkit.item(value))
        result[key] = value
    return result


def _same(key: str, old: object, new: object) -> bool:
    if key in _TIMES:
        try:
            return parse_timecode(old) == parse_timecode(new)
        except CatalogueError:
            return False
    return old == new


def _append_table(doc: tomlkit.TOMLDocument, kind: str, entry: dict[str, Any]) -> None:
    """A new [[kind]] after the last one (or at the end of the file), laid out like the others: the
    blank lines and comments that led from the last one into what follows now follow the new one."""
    tables = doc.get(kind)
    previous = _tail(tables[-1]) if isinstance(tables, AoT) and len(tables) else _last_table(doc)
    table = tomlkit.table()
    for key, value in entry.items():
        table.add(key, tomlkit.item(value))
    if previous is not None:
        leading_on = take_lead_in(previous)
        if _blank_between(tables) and not _ends_in_blank(previous):
            previous.value.append(None, Whitespace("\n"))
        for item in leading_on:
            table.value.append(None, item)
    if isinstance(tables, AoT):
        tables.append(table)
    else:
        doc.append(kind, tomlkit.aot())
        aot = doc[kind]
        assert isinstance(aot, AoT)
        aot.append(table)


def _blank_between(tables: object) -> bool:
    """Whether [[kind]] tables are separated by a blank line here (yes when there is nothing to go by)."""
    if not isinstance(tables, AoT) or len(tables) < 2:
        return True
    body = tables[-2].value.body
    return any(key is None and isinstance(item, Whitespace) and "\n" in item.s for key, item in body)


def _tail(table: Table) -> Table:
    """The table whose lines end where `table` ends ([film] ends with [film.subtitles], say)."""
    while table.value.body and isinstance(table.value.body[-1][1], (Table, AoT)):
        last = table.value.body[-1][1]
        table = last if isinstance(last, Table) else last[-1]
    return table


def _last_table(doc: tomlkit.TOMLDocument) -> Table | None:
    for _, item in reversed(doc.body):
        if isinstance(item, Table):
            return _tail(item)
        if isinstance(item, AoT) and len(item):
            return _tail(item[-1])
    return None


def _table_before(doc: tomlkit.TOMLDocument, tables: AoT) -> Table | None:
    """The table whose last lines lead into the first of `tables`; None when comments outside any table do."""
    position = next(i for i, (_, item) in enumerate(doc.body) if item is tables)
    item = doc.body[position - 1][1] if position else None
    if isinstance(item, Table):
        return _tail(item)
    if isinstance(item, AoT) and len(item):
        return _tail(item[-1])
    return None


def _ends_in_comment(table: Table) -> bool:
    body = table.value.body
    return bool(body) and body[-1][0] is None and isinstance(body[-1][1], Comment)


def _ends_in_blank(table: Table) -> bool:
    body = table.value.body
    return bool(body) and body[-1][0] is None and isinstance(body[-1][1], Whitespace) and "\n" in body[-1][1].s


def _take_blank_end(table: Table) -> None:
    body = table.value.body
    while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace):
        body.pop()
