"""An editable WebVTT file that keeps, byte for byte, everything it does not edit.

The file is validated by `catalogue.subtitles.cues.parse_cues` (so a document is exactly a file the
catalogue reads) and cut into pieces with the same block scanner: each block keeps its raw lines,
line endings included, and the blank lines after it. An edit rewrites only the lines it changes
(a cue's timing line, its identifier line, its text lines), and the result is parsed again: an
edit that would not read back as the cue asked for is refused, never written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from catalogue.errors import CatalogueError, TranscriptError
from catalogue.fsutil import keep_backup, write_bytes_atomic
from catalogue.model import Cue
from catalogue.subtitles.cues import (
    _SETTING,
    _TOKEN,
    _VTT_STAMP,
    _VTT_TAGS,
    _blocks,
    _raw_cue,
    _split_at_timings,
    lint_cues,
    normalize_markup,
    parse_cues,
)
from catalogue.timecode import format_timecode

_NEWLINE = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_STAMPS = re.compile(rf"({_VTT_STAMP})([ \t]+-->[ \t]+)({_VTT_STAMP})")
_LEADING_VOICE = re.compile(r"<v(?:[.\s][^>]*)?>")
_TAG = re.compile(r"<[^>]*>")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_NOT_CUES = ("NOTE", "STYLE", "REGION")


class VttEditError(CatalogueError, ValueError):
    """An edit the document refuses (nothing changed); `index` is the cue's, -1 if none."""

    def __init__(self, index: int, reason: str) -> None:
        self.index = index
        self.reason = reason
        super().__init__(f"cue {index}: {reason}" if index >= 0 else reason)


class VttChangedError(CatalogueError):
    """The file on disk is not the version the editor loaded; nothing was written."""

    def __init__(self, path: Path, expected_sha256: str, actual_sha256: str | None) -> None:
        self.path, self.expected_sha256, self.actual_sha256 = path, expected_sha256, actual_sha256
        gone = "was removed" if actual_sha256 is None else "changed"
        super().__init__(f"{path}: {gone} since it was loaded (edited elsewhere?); nothing was written: "
                         "reload it and make the change again")


@dataclass(frozen=True)
class VttCue(Cue):
    """A cue as `parse_cues` reads it: `text` is cue-text markup with "\\n" between lines."""


@dataclass(frozen=True)
class _Piece:
    lines: tuple[str, ...]  # the block's raw lines, each with its line ending (the file's last may have none)
    after: str  # the blank lines after it, raw
    timing_at: int = -1  # for a cue block: the index of its timing line

    @property
    def is_cue(self) -> bool:
        return self.timing_at >= 0


class VttDocument:
    """A parsed .vtt file; every edit returns a new document and leaves this one as it is."""

    def __init__(self, path: Path, encoding: str, bom: str, pieces: tuple[_Piece, ...],
                 cues: tuple[VttCue, ...], *, deferred: bool = False, places: list[int] | None = None) -> None:
        self.path, self.encoding, self._bom, self._pieces, self._cues = path, encoding, bom, pieces, cues
        self._deferred = deferred
        self._cue_pieces = places if places is not None else [k for k, p in enumerate(pieces) if p.timing_at >= 0]
        first_end = _NEWLINE.search(pieces[0].lines[0])
        self.newline = first_end.group() if first_end else "\n"

    @classmethod
    def parse(cls, text: str, path: Path) -> VttDocument:
        """The document of `text` (a leading U+FEFF is the file's BOM). Raises TranscriptError
        with a line number for any file `parse_cues` refuses, and for an SRT file."""
        _refuse_srt(path)
        return cls._build(text, path, "utf-8", parse_cues(text.encode("utf-8", "surrogatepass"), path))

    @classmethod
    def read(cls, path: Path) -> VttDocument:
        """Read a .vtt file (UTF-8 or UTF-16 with a BOM, any line endings). Raises TranscriptError."""
        _refuse_srt(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise TranscriptError(path, "file not found") from None
        except OSError as exc:
            raise TranscriptError(path, f"cannot read the file: {exc.strerror}") from None
        cues = parse_cues(data, path)  # raises for bytes that are not text, too
        encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
        return cls._build(data.decode(encoding), path, encoding, cues)

    @classmethod
    def _build(cls, text: str, path: Path, encoding: str, parsed: list[Cue]) -> VttDocument:
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        body = text[len(bom):]
        raw_lines = _LINE.findall(body)
        # parse_cues' own scanning, on its own normalized text: CR/CRLF → LF keeps every line number
        normalized = body.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
        blocks = _split_at_timings(_blocks(normalized))
        pieces = []
        for number, block in enumerate(blocks):
            start = block.line - 1
            end = start + len(block.lines)
            following = blocks[number + 1].line - 1 if number + 1 < len(blocks) else len(raw_lines)
            raw = _raw_cue(block, path) if number else None  # the first block is the header
            timing_at = raw.line - block.line if raw and raw.text_lines else -1
            pieces.append(_Piece(tuple(raw_lines[start:end]), "".join(raw_lines[end:following]), timing_at))
        cues = tuple(VttCue(c.start_ms, c.end_ms, c.text, c.identifier, c.settings) for c in parsed)
        if len(cues) != sum(piece.is_cue for piece in pieces):  # the same scanner: never happens
            raise TranscriptError(path, "the cue blocks and the cues read do not match")
        return cls(path, encoding, bom, tuple(pieces), cues)

    @property
    def cues(self) -> list[VttCue]:
        """The cues in file order, as `parse_cues` reads them (cue blocks without text are not cues)."""
        return list(self._cues)

    def format(self) -> str:
        """The whole file as text, BOM (U+FEFF) and line endings included."""
        return _text(self._bom, self._pieces)

    def to_bytes(self) -> bytes:
        return self.format().encode(self.encoding)

    @property
    def sha256(self) -> str:
        """The version of the file: sha256 of `to_bytes()` (of the file's bytes, when just read)."""
        return hashlib.sha256(self.to_bytes()).hexdigest()

    # --- edits --------------------------------------------------------------------------------

    def deferred(self) -> VttDocument:
        """This document for a batch of edits: they are not read back one by one (each would parse the
        whole file), but once, by `verified()` at the end."""
        return VttDocument(self.path, self.encoding, self._bom, self._pieces, self._cues, deferred=True)

    def verified(self) -> VttDocument:
        """The document read back, VttEditError when it does not read as its edits asked (of a deferred
        batch; a document that is not deferred was read back already)."""
        return self._edited(list(self._pieces), list(self._cues), deferred=False) if self._deferred else self

    def replace(self, index: int, cue: VttCue) -> VttDocument:
        """Cue `index` becomes `cue`, in the same place; only the lines that differ are rewritten."""
        old, new = self._cue(index), _clean(index, cue)
        if new == old:
            return self
        pieces = list(self._pieces)
        self._rewrite(pieces, self._cue_pieces[index], old, new)
        return self._edited(pieces, [*self._cues[:index], new, *self._cues[index + 1:]], places=self._cue_pieces)

    def insert(self, cue: VttCue) -> VttDocument:
        """Add `cue` before the first cue that starts later (after the others that start with it)."""
        index = sum(1 for c in self._cues if c.start_ms <= cue.start_ms)
        new = _clean(index, cue)
        if index:
            at = self._cue_pieces[index - 1] + 1
        else:
            at = self._cue_pieces[0] if self._cues else len(self._pieces)
        pieces = list(self._pieces)
        _insert(pieces, at, new, self.newline)
        return self._edited(pieces, [*self._cues[:index], new, *self._cues[index:]])

    def delete(self, index: int) -> VttDocument:
        """Remove cue `index` and the blank lines after it."""
        self._cue(index)
        pieces = list(self._pieces)
        _remove(pieces, self._cue_pieces[index])
        return self._edited(pieces, [*self._cues[:index], *self._cues[index + 1:]])

    def split(self, index: int, at_ms: int, *, text_before: str | None = None,
              text_after: str | None = None) -> VttDocument:
        """Cue `index` becomes two, [start, at) and [at, end). Without texts, the text is divided
        between the words nearest the share of time before `at_ms`, tags open there closed and
        reopened; the second cue gets no identifier."""
        old = self._cue(index)
        if not old.start_ms < at_ms < old.end_ms:
            raise VttEditError(index, f"{format_timecode(max(0, at_ms))} is not inside the cue "
                                      f"({format_timecode(old.start_ms)} --> {format_timecode(old.end_ms)})")
        if (text_before is None) != (text_after is None):
            raise VttEditError(index, "give both texts of a split, or neither")
        if text_before is None or text_after is None:
            text_before, text_after = divide_markup(index, old.text, (at_ms - old.start_ms) / (old.end_ms - old.start_ms))
        first = _clean(index, dataclasses.replace(old, end_ms=at_ms, text=text_before))
        second = _clean(index + 1, VttCue(at_ms, old.end_ms, text_after, "", old.settings))
        pieces = list(self._pieces)
        at = self._cue_pieces[index]
        self._rewrite(pieces, at, old, first)
        _insert(pieces, at + 1, second, self.newline)
        return self._edited(pieces, [*self._cues[:index], first, second, *self._cues[index + 1:]])

    def merge_with_next(self, index: int) -> VttDocument:
        """Cue `index` and the next become one, from the first's start to the later end; the first's
        identifier and settings stay, the texts are joined (at most two lines when possible)."""
        old = self._cue(index)
        if index + 1 >= len(self._cues):
            raise VttEditError(index, "the last cue has no next cue to merge with")
        following = self._cues[index + 1]
        merged = _clean(index, dataclasses.replace(old, start_ms=min(old.start_ms, following.start_ms),
                                       end_ms=max(old.end_ms, following.end_ms),
                                       text=join_markup(old.text, following.text)))
        pieces = list(self._pieces)
        self._rewrite(pieces, self._cue_pieces[index], old, merged)
        _remove(pieces, self._cue_pieces[index + 1])
        return self._edited(pieces, [*self._cues[:index], merged, *self._cues[index + 2:]])

    def _cue(self, index: int) -> VttCue:
        if not 0 <= index < len(self._cues):
            raise VttEditError(index, f"no such cue (the file has {len(self._cues)})")
        return self._cues[index]

    def _rewrite(self, pieces: list[_Piece], at: int, old: VttCue, new: VttCue) -> None:
        pieces[at] = _retyped(pieces[at], old, new, self.newline)
        if new.identifier and not pieces[at - 1].after:  # an identifier right after text would be text
            pieces[at - 1] = _gapped(pieces[at - 1], self.newline)

    def _edited(self, pieces: list[_Piece], expected: list[VttCue], *, deferred: bool | None = None,
                places: list[int] | None = None) -> VttDocument:
        """The document of the edited pieces, if it reads back as exactly the `expected` cues (in a deferred
        batch: taken as they are, read back by `verified()`; `places`: the cue pieces', when unchanged)."""
        if self._deferred if deferred is None else deferred:
            return VttDocument(self.path, self.encoding, self._bom, tuple(pieces), tuple(expected), deferred=True,
                               places=places)
        try:
            doc = VttDocument.parse(_text(self._bom, pieces), self.path)
        except TranscriptError as exc:  # a defect of this module, caught before anything is written
            raise VttEditError(-1, f"the edit would make the file invalid ({exc.reason})") from None
        doc.encoding = self.encoding
        if doc.cues != expected:
            index = next((i for i, (got, cue) in enumerate(zip(doc.cues, expected)) if got != cue),
                         min(len(doc.cues), len(expected)))
            got = doc.cues[index] if index < len(doc.cues) else None
            raise VttEditError(index, f"would be read back as {got!r}, not as asked")
        return doc


def save_vtt(path: Path, doc: VttDocument, *, expected_sha256: str | None = None) -> Path | None:
    """Write `doc` to `path` atomically, after copying the old file to a backup beside it; returns
    the backup (None when there was no file, or it already held these bytes: then nothing is
    written). With `expected_sha256`, refuses with VttChangedError unless the file has that sha."""
    _refuse_srt(path)
    try:
        current: bytes | None = path.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise TranscriptError(path, f"cannot read the file: {exc.strerror}") from None
    actual = hashlib.sha256(current).hexdigest() if current is not None else None
    if expected_sha256 is not None and actual != expected_sha256:
        raise VttChangedError(path, expected_sha256, actual)
    data = doc.to_bytes()
    if data == current:
        return None
    backup = keep_backup(path, current) if current is not None else None
    write_bytes_atomic(path, data)
    return backup


def lint_document(doc: VttDocument) -> dict[int, list[str]]:
    """The readability warnings of `catalogue.subtitles.cues.lint_cues`, by cue index (cues without any are left out)."""
    cues = doc.cues
    where = {id(cue): index for index, cue in enumerate(cues)}
    found: dict[int, list[str]] = {}
    for cue, message in lint_cues(cues):
        found.setdefault(where[id(cue)], []).append(message)
    return found


# --- cue text -------------------------------------------------------------------------------------


def divide_markup(index: int, text: str, share: float) -> tuple[str, str]:
    """Cut cue text between two words, the one where the share of text before is nearest `share`;
    tags open there are closed before the cut (if the text closes them) and reopened after it."""
    start, end = _word_gap(index, text, share)
    open_tags = _open_tags(text[:start])
    rest = text[end:]
    closing = "".join(f"</{_tag_name(tag)}>" for tag in reversed(open_tags) if f"</{_tag_name(tag)}>" in rest)
    return text[:start] + closing, "".join(open_tags) + rest


def _word_gap(index: int, text: str, share: float) -> tuple[int, int]:
    """The span of whitespace between two words (not inside a tag) nearest the share of text before."""
    total = len(_plain(text))
    best: tuple[float, int, int] | None = None
    for match in re.finditer(r"\s+", text):
        start, end = match.span()
        if _inside_tag(text, start):
            continue
        before = len(_plain(text[:start]).strip())
        if before == 0 or not _plain(text[end:]).strip():
            continue
        distance = abs(len(_plain(text[:start])) / total - share)
        if best is None or distance < best[0]:
            best = (distance, start, end)
    if best is None:
        raise VttEditError(index, "one word cannot be divided: give the text of both cues")
    return best[1], best[2]


def join_markup(first: str, second: str) -> str:
    """Join two cues' texts: a line each when that makes at most two lines, else two balanced lines;
    a voice tag the second repeats from the first is kept once."""
    second = second.lstrip()
    voice = _LEADING_VOICE.match(second)
    if voice:
        stripped = first.rstrip()
        if stripped.endswith("</v>") and _voices(stripped[:-4])[-1:] == [voice.group()]:
            first, second = stripped[:-4], second[voice.end():]
        elif _voices(first)[-1:] == [voice.group()]:
            second = second[voice.end():]
        elif _voices(first):  # another speaker: the first one's voice ends here
            first = first.rstrip() + "</v>"
    lines = first.split("\n") + second.split("\n")
    if len(lines) <= 2:
        return "\n".join(lines)
    one = " ".join(line.strip() for line in lines)
    try:
        start, end = _word_gap(-1, one, 0.5)
    except VttEditError:
        return one
    return one[:start] + "\n" + one[end:]


def _voices(markup: str) -> list[str]:
    return [tag for tag in _open_tags(markup) if _tag_name(tag) == "v"]


def _open_tags(markup: str) -> list[str]:
    """The opening tags still open at the end of `markup`, outermost first."""
    stack: list[str] = []
    for token in _TOKEN.split(markup):
        if not (token.startswith("<") and token.endswith(">")) or token[1:2] in tuple("0123456789"):
            continue  # text, or a timestamp tag
        name = _tag_name(token)
        if token.startswith("</"):
            names = [_tag_name(tag) for tag in stack]
            if name in names:
                del stack[len(names) - 1 - names[::-1].index(name):]
        elif name in _VTT_TAGS:
            stack.append(token)
    return stack


def _tag_name(tag: str) -> str:
    words = tag[1:-1].lstrip("/").split(None, 1)
    return words[0].split(".")[0].lower() if words else ""


def _inside_tag(text: str, at: int) -> bool:
    return text.rfind("<", 0, at) > text.rfind(">", 0, at)


def _plain(markup: str) -> str:
    return html.unescape(_TAG.sub("", markup))


# --- pieces ---------------------------------------------------------------------------------------


def _clean(index: int, cue: VttCue) -> VttCue:
    """The cue as it will be written and read back; VttEditError for what WebVTT cannot hold."""
    if not (isinstance(cue.start_ms, int) and isinstance(cue.end_ms, int)) or cue.start_ms < 0:
        raise VttEditError(index, f"times must be whole milliseconds, not negative: {cue.start_ms!r}")
    if cue.end_ms < cue.start_ms:
        raise VttEditError(index, f"ends ({format_timecode(max(0, cue.end_ms))}) before it starts "
                                  f"({format_timecode(cue.start_ms)})")
    identifier = cue.identifier.replace("\0", "\ufffd")
    if identifier and (not identifier.strip(" \t") or "-->" in identifier or _NEWLINE.search(identifier)
                       or identifier.startswith(_NOT_CUES)):
        raise VttEditError(index, f"identifier {cue.identifier!r} cannot be written: one line, not blank, "
                                  "without '-->', not starting with NOTE, STYLE or REGION")
    settings = cue.settings.split()
    for setting in settings:
        if not _SETTING.fullmatch(setting):
            raise VttEditError(index, f"unknown cue setting {setting!r} (e.g. align:start, line:90%, position:10%)")
    text = _NEWLINE.sub("\n", cue.text).replace("\0", "\ufffd")
    lines = [line for line in normalize_markup(text, _VTT_TAGS).split("\n") if line.strip()]
    if not lines:
        raise VttEditError(index, "a cue needs text (delete the cue instead)")
    if any("-->" in line for line in lines):
        raise VttEditError(index, "'-->' cannot be in cue text")
    try:
        (identifier + "".join(lines)).encode("utf-8")
    except UnicodeEncodeError:
        raise VttEditError(index, "the text holds a character that cannot be written (a lone surrogate)") from None
    return VttCue(cue.start_ms, cue.end_ms, "\n".join(lines), identifier, " ".join(settings))


def _cue_lines(cue: VttCue, newline: str) -> tuple[str, ...]:
    timing = f"{format_timecode(cue.start_ms)} --> {format_timecode(cue.end_ms)} {cue.settings}".rstrip()
    lines = ([cue.identifier] if cue.identifier else []) + [timing] + cue.text.split("\n")
    return tuple(line + newline for line in lines)


def _retyped(piece: _Piece, old: VttCue, new: VttCue, newline: str) -> _Piece:
    """A cue block with the identifier, timing and text lines that changed rewritten, the rest raw."""
    at = piece.timing_at
    identifier, timing, text = list(piece.lines[:at]), piece.lines[at], list(piece.lines[at + 1:])
    if new.identifier != old.identifier:
        identifier = [new.identifier + newline] if new.identifier else []
    if (new.start_ms, new.end_ms, new.settings) != (old.start_ms, old.end_ms, old.settings):
        timing = _retimed(timing, old, new)
    if new.text != old.text:
        last_end = _ending(text[-1])
        text = [line + newline for line in new.text.split("\n")]
        text[-1] = text[-1][: -len(newline)] + last_end  # the file's last line keeps having no ending
    return _Piece((*identifier, timing, *text), piece.after, len(identifier))


def _retimed(line: str, old: VttCue, new: VttCue) -> str:
    """The timing line with the times (and settings) that changed replaced; spacing and the rest kept."""
    end = _ending(line)
    content = line[: len(line) - len(end)]
    match = _STAMPS.match(content, len(content) - len(content.lstrip()))
    if match is None:  # parse_cues accepted this line, so it has the two times
        raise VttEditError(-1, f"timing line {line!r} not understood")
    start = match[1] if new.start_ms == old.start_ms else _stamp_like(match[1], new.start_ms)
    stop = match[3] if new.end_ms == old.end_ms else _stamp_like(match[3], new.end_ms)
    rest = content[match.end():] if new.settings == old.settings else (f" {new.settings}" if new.settings else "")
    return content[: match.start()] + start + match[2] + stop + rest + end


def _stamp_like(written: str, ms: int) -> str:
    """`ms` as a WebVTT time in the form of the one it replaces: mm:ss.mmm stays short below an hour."""
    stamp = format_timecode(ms)
    return stamp[3:] if written.count(":") == 1 and stamp.startswith("00:") else stamp


def _ending(line: str) -> str:
    found = _NEWLINE.search(line)
    return found.group() if found else ""


def _gapped(piece: _Piece, newline: str) -> _Piece:
    """The piece followed by at least one blank line, its last line ended."""
    lines = piece.lines
    if not _ending(lines[-1]):
        lines = (*lines[:-1], lines[-1] + newline)
    after = piece.after or newline
    return _Piece(lines, after if _ending(after[-1:]) else after + newline, piece.timing_at)


def _insert(pieces: list[_Piece], at: int, cue: VttCue, newline: str) -> None:
    """Put a new cue block at `at` (never 0: the header is first); at the end it takes over the file's tail."""
    previous, lines, timing_at = pieces[at - 1], _cue_lines(cue, newline), 1 if cue.identifier else 0
    if at == len(pieces):
        pieces[at - 1] = _gapped(dataclasses.replace(previous, after=""), newline)
        pieces.append(_Piece(lines, previous.after, timing_at))
    else:
        pieces[at - 1] = _gapped(previous, newline)
        pieces.insert(at, _Piece(lines, newline, timing_at))


def _remove(pieces: list[_Piece], at: int) -> None:
    """Remove a block; the blank lines before it stay (at the end of the file, its own tail does)."""
    gone = pieces.pop(at)
    previous = pieces[at - 1]
    after = gone.after if at == len(pieces) else previous.after or gone.after
    pieces[at - 1] = dataclasses.replace(previous, after=after)


def _text(bom: str, pieces: tuple[_Piece, ...] | list[_Piece]) -> str:
    return bom + "".join("".join(piece.lines) + piece.after for piece in pieces)


def _refuse_srt(path: Path) -> None:
    if path.suffix.lower() == ".srt":
        raise TranscriptError(path, "an SRT file cannot be edited here, only read: convert it to WebVTT "
                                    "first (ffmpeg -i film.srt film.vtt) and name the .vtt in the cut list")
