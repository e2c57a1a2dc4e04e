"""Change one value of a cut list's [film.subtitles] and keep the rest as the editor wrote it:
comments, order, blank lines, line endings and a BOM survive byte for byte (tomlkit). Every edit is
checked by reading the result back with tomllib, the parser `check` uses: it must differ from the
old file in that one value. The reading and checking here serve cutlist_clips (the [[clip]] edits) too."""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.container import OutOfOrderTableProxy
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Comment, InlineTable, Item, String, Table, Whitespace

from catalogue.errors import CutListEditError
from catalogue.fsutil import keep_backup, write_bytes_atomic

BOM = b"\xef\xbb\xbf"
_LONE_LF = re.compile(r"(?<!\r)\n")

Entry = str | dict[str, Any]  # a [film.subtitles] value as tomllib reads it
_Film = Table | InlineTable | OutOfOrderTableProxy  # [film], `film = { … }`, or [film] in pieces
_Edit = Callable[[Path, _Film], Entry | None]  # changes [film] in place: the entry it leaves, None for no change


@dataclass(frozen=True)
class Source:
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
    source = read_source(cutlist, expected)
    before, doc = parse_text(cutlist, source.text)
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


def read_source(cutlist: Path, expected: bytes | None) -> Source:
    try:
        data = cutlist.read_bytes()
    except OSError as exc:
        raise CutListEditError(cutlist, f"cannot read the cut list ({exc.strerror or exc})") from exc
    if expected is not None and data != expected:
        raise CutListChangedError(cutlist, "changed while this command ran (someone edited it?): left as it is. "
                                           "Run the command again, or make the change by hand")
    return decode_source(cutlist, data)


def decode_source(cutlist: Path, data: bytes) -> Source:
    bom = data.startswith(BOM)
    try:
        text = data[len(BOM) if bom else 0:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CutListEditError(cutlist, f"is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as "
                                        "UTF-8; nothing was changed") from exc
    return Source(data, text, bom, "\r\n" in text and not _LONE_LF.search(text))


def parse_text(cutlist: Path, text: str) -> tuple[dict[str, Any], tomlkit.TOMLDocument]:
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
        append_item(subtitles, lang, _item(entry))
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
            append_item(table, key, tomlkit.item(value))


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
    append_item(film, "subtitles", table)


def append_item(table: Table, key: str, item: Item) -> None:
    """Add `key = item` after the table's last line, before the blank lines and comments that lead
    into the next table (tomlkit would put it after them: they would then lead into the new line)."""
    leading_on = take_lead_in(table)
    table.append(key, item)
    for moved in leading_on:
        table.value.append(None, moved)


def take_lead_in(table: Table) -> list[Item]:
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


class CutListChangedError(CutListEditError):
    """The cut list on disk is no longer the one the edit was made on; nothing was written."""
