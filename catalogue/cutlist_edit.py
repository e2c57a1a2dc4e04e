"""Change one value in a cut list and keep the rest as the editor wrote it: comments, order, blank
lines, line endings and a BOM survive byte for byte (tomlkit). Every edit is checked by reading the
result back with tomllib, the parser `check` uses: it must differ from the old file in that one value."""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.container import OutOfOrderTableProxy
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Comment, InlineTable, Item, String, Table, Whitespace

from catalogue.errors import CatalogueError, CutListEditError
from catalogue.fsutil import keep_backup, write_bytes_atomic
from catalogue.model import Clip, Theme
from catalogue.timecode import format_timecode, parse_timecode

BOM = b"\xef\xbb\xbf"
_LONE_LF = re.compile(r"(?<!\r)\n")

Entry = str | dict[str, Any]  # a [film.subtitles] value as tomllib reads it
_Film = Table | InlineTable | OutOfOrderTableProxy  # [film], `film = { … }`, or [film] in pieces
_Edit = Callable[[Path, _Film], Entry | None]  # changes [film] in place: the entry it leaves, None for no change


@dataclass(frozen=True)
class _Source:
    """A cut list as read: its bytes, its text (BOM removed), and how it is written."""

    data: bytes
    text: str
    bom: bool
    crlf: bool  # every line ends in CRLF: new lines will too

    def encode(self, text: str) -> bytes:
        if self.crlf:
            text = _LONE_LF.sub("\r\n", text)
        return (BOM if self.bom else b"") + text.encode("utf-8")


def set_subtitles(cutlist: Path, lang: str, file: str, *, made_by: str = "", reviewed: bool = True,
                  expected: bytes | None = None) -> Path | None:
    """Point [film.subtitles].<lang> at `file` (relative to the cut list, as written in it): a table
    { file, made_by, reviewed } when made_by is given (or reviewed is false), else a plain string.
    Keeps a backup beside the cut list and writes it atomically; returns the backup's path, or None
    when the cut list already said so (nothing written). With `expected` (the bytes the caller read
    earlier), refuses with CutListEditError if the file has changed since."""
    entry: Entry = file
    if made_by.strip() or not reviewed:
        entry = {"file": file, **({"made_by": made_by.strip()} if made_by.strip() else {}), "reviewed": reviewed}
    return _edit(cutlist, lang, expected, lambda path, film: _put(path, film, lang, entry))


def set_reviewed(cutlist: Path, lang: str, reviewed: bool = True, *, expected: bytes | None = None) -> Path | None:
    """Set reviewed = true/false on [film.subtitles].<lang>, which must exist. A plain string is a
    person's, reviewed: marking it reviewed changes nothing (None); marking it unreviewed makes it a
    table. Returns the backup's path, or None when nothing needed writing."""
    return _edit(cutlist, lang, expected, lambda path, film: _mark(path, film, lang, reviewed))


# --- reading, checking, writing -------------------------------------------------------------------


def _edit(cutlist: Path, lang: str, expected: bytes | None, change: _Edit) -> Path | None:
    source = _read(cutlist, expected)
    before, doc = _parse(cutlist, source.text)
    film = doc.get("film")
    if not isinstance(before.get("film"), dict) or not isinstance(film, _Film):
        raise CutListEditError(cutlist, "has no [film] table, so there is no place for its subtitles: add "
                                        "[film] first (`catalogue check` says what it needs); nothing was changed")
    entry = change(cutlist, film)
    if entry is None:
        return None
    text = tomlkit.dumps(doc)
    _verify(cutlist, before, text, lang, entry)
    data = source.encode(text)
    if data == source.data:
        return None
    backup = keep_backup(cutlist, source.data)
    write_bytes_atomic(cutlist, data)
    return backup


def _read(cutlist: Path, expected: bytes | None) -> _Source:
    try:
        data = cutlist.read_bytes()
    except OSError as exc:
        raise CutListEditError(cutlist, f"cannot read the cut list ({exc.strerror or exc})") from exc
    if expected is not None and data != expected:
        raise CutListChangedError(cutlist, "changed while this command ran (someone edited it?): left as it is. "
                                           "Run the command again, or make the change by hand")
    return _decode(cutlist, data)


def _decode(cutlist: Path, data: bytes) -> _Source:
    bom = data.startswith(BOM)
    try:
        text = data[len(BOM) if bom else 0:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CutListEditError(cutlist, f"is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as "
                                        "UTF-8; nothing was changed") from exc
    return _Source(data, text, bom, "\r\n" in text and not _LONE_LF.search(text))


def _parse(cutlist: Path, text: str) -> tuple[dict[str, Any], tomlkit.TOMLDocument]:
    """The cut list as `check` reads it, and as tomlkit does (to edit)."""
    try:
        return tomllib.loads(text), tomlkit.parse(text)
    except (tomllib.TOMLDecodeError, TOMLKitError) as exc:
        raise CutListEditError(cutlist, f"is not valid TOML ({exc}): fix that first (`catalogue check` shows "
                                        "where); nothing was changed") from exc


def _verify(cutlist: Path, before: dict[str, Any], text: str, lang: str, entry: Entry) -> None:
    """The edited text must read as the old one with [film.subtitles].<lang> = entry, nothing else."""
    wanted = copy.deepcopy(before)
    wanted["film"].setdefault("subtitles", {})[lang] = entry
    try:
        after = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        after = None
    if after != wanted:
        raise CutListEditError(cutlist, f"cannot set [film.subtitles] {lang} here without changing something "
                                        "else (its layout is unusual): nothing was changed; make the change by hand")


# --- the edits ------------------------------------------------------------------------------------


def _subtitles(cutlist: Path, film: _Film) -> Table | InlineTable | None:
    subtitles = film.get("subtitles")
    if subtitles is None or isinstance(subtitles, (Table, InlineTable)):
        return subtitles
    raise CutListEditError(cutlist, "[film] subtitles is not a table: write it as [film.subtitles] with "
                                    "one line per language (nl = \"…\"); nothing was changed")


def _put(cutlist: Path, film: _Film, lang: str, entry: Entry) -> Entry:
    """Set [film.subtitles].<lang>; returns the value it now has."""
    subtitles = _subtitles(cutlist, film)
    if subtitles is None:
        _add_subtitles(film, lang, entry)
        return entry
    current = subtitles.get(lang)
    if isinstance(current, Table):  # [film.subtitles.<lang>] on its own: keep it, change its lines
        wanted = entry if isinstance(entry, dict) else {"file": entry}
        _update_table(current, wanted)
        return wanted
    if isinstance(current, InlineTable) and isinstance(entry, dict) and set(current) == set(entry):
        for key, value in entry.items():
            current[key] = value  # in place: the editor's spacing stays
    elif isinstance(subtitles, InlineTable) and current is None:  # tomlkit would lose the space before "}"
        film["subtitles"] = _item({**subtitles.unwrap(), lang: entry})
    elif isinstance(subtitles, Table) and current is None:
        _append(subtitles, lang, _item(entry))
    else:
        subtitles[lang] = _item(entry)  # its comment stays
    return entry


def _update_table(table: Table, wanted: dict[str, Any]) -> None:
    for key in [k for k in table if k not in wanted]:
        del table[key]
    for key, value in wanted.items():
        if key in table:
            table[key] = value
        else:
            _append(table, key, tomlkit.item(value))


def _mark(cutlist: Path, film: _Film, lang: str, reviewed: bool) -> Entry | None:
    subtitles = _subtitles(cutlist, film)
    current = subtitles.get(lang) if subtitles is not None else None
    if current is None:
        raise CutListEditError(cutlist, f"has no [film.subtitles] {lang}: nothing to mark as reviewed "
                                        "(`catalogue transcribe` adds a transcript)")
    if isinstance(current, String):
        return None if reviewed else _put(cutlist, film, lang, {"file": str(current), "reviewed": False})
    if not isinstance(current, (Table, InlineTable)):
        raise CutListEditError(cutlist, f"[film.subtitles] {lang} is neither a file nor a table: fix it first "
                                        "(`catalogue check` says how); nothing was changed")
    if current.get("reviewed", not current.get("made_by")) == reviewed:  # as `check` reads it
        return None
    return _put(cutlist, film, lang, {**current.unwrap(), "reviewed": reviewed})


def _item(entry: Entry) -> Item:
    """A value as the cut list's comments show it: "file.vtt" or { file = "…", reviewed = false }."""
    if isinstance(entry, str):
        return tomlkit.string(entry)
    inner = ", ".join(f"{key} = {(_item if isinstance(value, dict) else tomlkit.item)(value).as_string()}"
                      for key, value in entry.items())
    item = tomlkit.parse(f"entry = {{ {inner} }}\n")["entry"]  # with its line end, as if the editor typed it
    assert isinstance(item, InlineTable)
    return item


def _add_subtitles(film: _Film, lang: str, entry: Entry) -> None:
    """A new [film.subtitles] table right after [film]'s own lines."""
    if not isinstance(film, Table):  # `film = { … }` or dotted `film.id = …` keys: an inline table fits in
        film["subtitles"] = _item({lang: entry})
        return
    table = tomlkit.table()
    table.add(lang, _item(entry))
    _append(film, "subtitles", table)


def _append(table: Table, key: str, item: Item) -> None:
    """Add `key = item` after the table's last line, before the blank lines and comments that lead
    into the next table (tomlkit would put it after them: they would then lead into the new line)."""
    leading_on = _take_lead_in(table)
    table.append(key, item)
    for moved in leading_on:
        table.value.append(None, moved)


def _take_lead_in(table: Table) -> list[Item]:
    """Remove and return the blank lines and comments at the end of the table that lead into what
    follows it; comments right under its last line stay with it, unless they touch the next header."""
    trailing = _take_trailing(table)
    last = table.value.body[-1][1] if table.value.body else None
    if last is not None and not isinstance(last, Table) and not last.trivia.trail.endswith("\n"):
        last.trivia.trail += "\n"  # the table's last line had no line end (the end of the file)
    blank = next((i for i, t in enumerate(trailing) if isinstance(t, Whitespace) and "\n" in t.s), 0)
    for kept in trailing[:blank]:
        table.value.append(None, kept)
    return trailing[blank:]


def _take_trailing(table: Table) -> list[Item]:
    """Remove and return the blank lines and comments after the table's last key."""
    body = table.value.body
    trailing: list[Item] = []
    while body and body[-1][0] is None and isinstance(body[-1][1], (Whitespace, Comment)):
        trailing.insert(0, body.pop()[1])
    return trailing


# --- clips ------------------------------------------------------------------------------------


class CutListChangedError(CutListEditError):
    """The cut list on disk is no longer the one the edit was made on; nothing was written."""


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
    source = _read(cutlist, expected)
    return write_cutlist(cutlist, source.data, plan_clip(cutlist, source.data, clip, original_id=original_id,
                                                         new_themes=new_themes))


def delete_clip(cutlist: Path, clip_id: str, *, expected: bytes | None = None) -> Path | None:
    """Remove the [[clip]] with `clip_id` (see plan_delete_clip); a backup is kept, as save_clip does."""
    source = _read(cutlist, expected)
    return write_cutlist(cutlist, source.data, plan_delete_clip(cutlist, source.data, clip_id))


def write_cutlist(cutlist: Path, before: bytes, after: bytes) -> Path | None:
    """Replace the cut list, which must still hold `before` (else CutListChangedError), by `after`:
    a backup of `before` beside it, then an atomic write. None when they are equal (nothing written)."""
    if after == before:
        return None
    _read(cutlist, before)
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
    trailing = _take_lead_in(target)
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


def _open(cutlist: Path, data: bytes) -> tuple[_Source, dict[str, Any], tomlkit.TOMLDocument]:
    source = _decode(cutlist, data)
    before, doc = _parse(cutlist, source.text)
    if tomlkit.dumps(doc) != source.text:  # e.g. [[clip]] tables with other tables between them
        raise CutListEditError(cutlist, "cannot be edited without changing its layout (are its [[clip]] tables "
                                        "all together, one after the other?): nothing was changed; make the "
                                        "change by hand")
    if not isinstance(before.get("film"), dict):
        raise CutListEditError(cutlist, "has no [film] table: add [film] first (`catalogue check` says what it "
                                        "needs); nothing was changed")
    return source, before, doc


def _finish(cutlist: Path, source: _Source, doc: tomlkit.TOMLDocument, wanted: dict[str, Any]) -> bytes:
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
            _append(table, key, tomlkit.item(value))
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
        leading_on = _take_lead_in(previous)
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
