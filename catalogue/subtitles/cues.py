"""Read WebVTT and SRT into Cues, re-time them to a clip, lint them, write WebVTT.

Parsing goes through webvtt-py with `strict=True`; around it we decode the bytes
ourselves (BOM, UTF-16, CR/CRLF), check the header, and count the timing lines,
because webvtt-py still drops some malformed cue blocks without a word. Any cue we
cannot read is an error with its line number: a dropped line of dialogue is a bug
no viewer would report.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from catalogue.errors import TranscriptError
from catalogue.model import Cue
from catalogue.timecode import format_timecode

MAX_CHARS_PER_SECOND = 17
MAX_LINE_CHARS = 42
MAX_LINES = 2
MIN_CUE_MS = 800
MAX_CUE_MS = 7000

_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")  # fullmatch, as the patterns below that end
_SRT_TIMING = re.compile(r"\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}", re.ASCII)
_ENTITY = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_TOKEN = re.compile(r"(<[^>\n]*>?)")
_VTT_TAGS = {"c", "i", "b", "u", "ruby", "rt", "v", "lang"}
_SRT_TAGS = {"i", "b", "u"}
_TIMESTAMP_TAG = re.compile(r"<[0-9]")
_CUE_NUMBER = re.compile(r"[0-9]+")  # an SRT cue's; "²".isdigit() is true


@dataclass(frozen=True)
class _Block:
    line: int  # 1-based number of its first line
    lines: list[str]


def read_cues(path: Path) -> list[Cue]:
    """Every cue of a WebVTT or SRT file, in file order. Raises TranscriptError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TranscriptError(path, "file not found") from None
    except OSError as exc:
        raise TranscriptError(path, f"cannot read the file: {exc.strerror}") from None
    return parse_cues(data, path)


def parse_cues(data: bytes, path: Path) -> list[Cue]:
    """Parse subtitle bytes; `path` names the file in errors and picks SRT by suffix."""
    text = _decode(data, path).replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    first_line = text.split("\n", 1)[0]
    if first_line.startswith("WEBVTT") or path.suffix.lower() != ".srt":
        return _parse_vtt(text, path)
    return _parse_srt(text, path)


def _decode(data: bytes, path: Path) -> str:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            data, chosen = data[len(bom):], encoding
            break
    else:
        chosen = "utf-8"
    try:
        return data.decode(chosen)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TranscriptError(path, f"not valid {chosen.upper()} text (byte {exc.start}); "
                              "save the file as UTF-8", line=line) from None


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip(" \t") == "":
            if current:
                blocks.append(_Block(start, current))
            current = []
            start = number + 1
        else:
            current.append(line)
    if current:
        blocks.append(_Block(start, current))
    return blocks


_VTT_STAMP = r"(?:[0-9]{2,}:)?[0-5][0-9]:[0-5][0-9]\.[0-9]{3}"  # ASCII digits only
_VTT_TIMING = re.compile(rf"({_VTT_STAMP})[ \t]+-->[ \t]+({_VTT_STAMP})(?:[ \t]+(.*))?")
_BAD_ARROW = re.compile(r"\s*[\d:.,]+\s*(?:-{1,3}|[–—=])+>?\s*[\d:.,]+")
_SETTING = re.compile(r"(?:vertical:(?:rl|lr)|line:-?\d+(?:\.\d+)?%?(?:,(?:start|center|end))?"
                      r"|position:\d+(?:\.\d+)?%(?:,(?:line-left|center|line-right))?"
                      r"|size:\d+(?:\.\d+)?%|align:(?:start|center|end|left|right)|region:\S+)", re.ASCII)


@dataclass(frozen=True)
class _RawCue:
    line: int  # of the timing line
    identifier: str
    timing: str  # "start --> end", settings removed
    settings: str
    text_lines: list[str]


def _split_at_timings(blocks: list[_Block]) -> list[_Block]:
    """A timing line inside a block starts a new cue, as in a browser (a missing blank line)."""
    result = []
    for block in blocks:
        lines, start = block.lines, 0
        first_timing = 0 if "-->" in lines[0] else 1
        for i in range(first_timing + 1, len(lines)):
            if "-->" in lines[i] and not lines[0].startswith(("NOTE", "STYLE", "REGION")):
                result.append(_Block(block.line + start, lines[start:i]))
                start = i
        result.append(_Block(block.line + start, lines[start:]))
    return result


def _raw_cue(block: _Block, path: Path) -> _RawCue | None:
    """The parts of a cue block; None for NOTE, STYLE and REGION blocks. A block of text
    without a timing line is an error: it is almost always a cue whose timing was lost,
    and a browser would skip it without a word."""
    first = block.lines[0]
    if first.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in first:
        return None
    if "-->" in first:
        at = 0
    elif len(block.lines) > 1 and "-->" in block.lines[1]:
        at = 1
    else:
        for offset, line in enumerate(block.lines[:2]):
            if _BAD_ARROW.match(line):
                raise TranscriptError(path, f"malformed cue timing {line.strip()!r}: the arrow must be '-->'",
                                      line=block.line + offset)
        raise TranscriptError(path, "text without a timing line: expected 'hh:mm:ss.mmm --> hh:mm:ss.mmm' "
                              "(a cue whose timing is missing?)", line=block.line)
    match = _VTT_TIMING.fullmatch(block.lines[at].strip())
    if not match:
        raise TranscriptError(path, f"malformed cue timing {block.lines[at].strip()!r}: expected "
                              "'hh:mm:ss.mmm --> hh:mm:ss.mmm' (two digits for minutes and seconds, "
                              "three for milliseconds)", line=block.line + at)
    # cue settings only place the text; like a browser, keep the valid ones and ignore the rest
    kept = [s.replace("align:middle", "align:center") for s in (match[3] or "").split()]
    return _RawCue(line=block.line + at, identifier=first if at else "", timing=f"{match[1]} --> {match[2]}",
                   settings=" ".join(s for s in kept if _SETTING.fullmatch(s)), text_lines=block.lines[at + 1:])


def _parse_vtt(text: str, path: Path) -> list[Cue]:
    if not _HEADER.fullmatch(text.split("\n", 1)[0]):
        raise TranscriptError(path, "not a WebVTT file: the first line must be 'WEBVTT'", line=1)
    blocks = _split_at_timings(_blocks(text))
    if blocks and blocks[0].line == 1:
        if any("-->" in line for line in blocks[0].lines[1:]):
            raise TranscriptError(path, "a cue timing line inside the header; put a blank line after "
                                  "the 'WEBVTT' line and its headers", line=1)
        blocks = blocks[1:]
    # a cue without text shows nothing: skipping it loses nothing
    raw = [cue for block in blocks if (cue := _raw_cue(block, path)) and cue.text_lines]
    # webvtt-py parses what we have judged: the cues, without their settings
    cleaned = "WEBVTT\n\n" + "".join(f"{c.timing}\n" + "\n".join(c.text_lines) + "\n\n" for c in raw)
    try:
        captions = webvtt.WebVTT.from_string(cleaned, strict=True).captions
    except (MalformedCaptionError, MalformedFileError) as exc:
        raise TranscriptError(path, f"malformed WebVTT: {exc}") from None
    if len(captions) != len(raw):
        starts = {c.start_time.in_milliseconds() for c in captions}
        line = next((c.line for c in raw if _stamp_ms(c.timing.split("-->")[0]) not in starts), 0)
        raise TranscriptError(path, "malformed cue", line=line)
    cues = []
    for caption, rawcue in zip(captions, raw):
        start_ms, end_ms = caption.start_time.in_milliseconds(), caption.end_time.in_milliseconds()
        if end_ms < start_ms:
            raise TranscriptError(path, "cue ends before it starts", line=rawcue.line)
        cues.append(Cue(start_ms, end_ms, normalize_markup(caption.raw_text, _VTT_TAGS),
                        identifier=rawcue.identifier, settings=rawcue.settings))
    return cues


def _parse_srt(text: str, path: Path) -> list[Cue]:
    timing_blocks: list[_Block] = []
    for block in _blocks(text):
        timing_at = next((i for i, line in enumerate(block.lines[:2]) if "-->" in line), None)
        if timing_at is None:
            if not timing_blocks:
                raise TranscriptError(path, "not an SRT cue: expected a number and a timing line "
                                      "'hh:mm:ss,mmm --> hh:mm:ss,mmm'", line=block.line)
            if _CUE_NUMBER.fullmatch(block.lines[0].strip()):
                raise TranscriptError(path, "a cue number without a timing line: expected "
                                      "'hh:mm:ss,mmm --> hh:mm:ss,mmm' after it", line=block.line)
            # SRT text may hold a blank line: what follows still belongs to the cue
            timing_blocks[-1].lines.extend(block.lines)
            continue
        if not _SRT_TIMING.match(block.lines[timing_at]):
            raise TranscriptError(path, "malformed cue timing: expected 'hh:mm:ss,mmm --> hh:mm:ss,mmm'",
                                  line=block.line + timing_at)
        if timing_at == 1 and not _CUE_NUMBER.fullmatch(block.lines[0].strip()):
            raise TranscriptError(path, "malformed cue: the line before the timing must be the cue number",
                                  line=block.line)
        if len(block.lines) > timing_at + 1:  # a cue without text shows nothing
            timing_blocks.append(_Block(block.line, block.lines[timing_at:]))
    # webvtt-py wants every cue numbered and lines without indentation
    lines: list[str] = []
    for number, block in enumerate(timing_blocks, start=1):
        lines += [str(number), block.lines[0].strip(), *block.lines[1:], ""]
    if not lines:
        return []
    try:
        captions = webvtt.WebVTT.from_buffer(lines, format="srt").captions
    except (MalformedCaptionError, MalformedFileError) as exc:
        raise TranscriptError(path, f"malformed SRT: {exc}") from None
    if len(captions) != len(timing_blocks):
        raise TranscriptError(path, "malformed cue", line=_first_srt_dropped(timing_blocks, captions))
    cues = []
    for caption, block in zip(captions, timing_blocks):
        start_ms, end_ms = caption.start_time.in_milliseconds(), caption.end_time.in_milliseconds()
        if end_ms < start_ms:
            raise TranscriptError(path, "cue ends before it starts", line=block.line)
        cues.append(Cue(start_ms, end_ms, normalize_markup(caption.raw_text, _SRT_TAGS)))
    return cues


def _first_srt_dropped(blocks: Sequence[_Block], captions: Sequence[webvtt.Caption]) -> int:
    starts = {c.start_time.in_milliseconds() for c in captions}
    for block in blocks:
        if _stamp_ms(block.lines[0].split("-->")[0]) not in starts:
            return block.line
    return blocks[0].line


def _stamp_ms(stamp: str) -> int:
    *hm, rest = stamp.strip().split(":")
    h, m = (int(hm[0]), int(hm[1])) if len(hm) == 2 else (0, int(hm[0]))
    s, _, ms = rest.replace(",", ".").partition(".")
    return ((h * 60 + m) * 60 + int(s)) * 1000 + int(ms.ljust(3, "0"))


def normalize_markup(raw: str, allowed_tags: set[str]) -> str:
    """Keep the allowed cue tags; escape every other `&`, `<` and `>` so the text is valid WebVTT."""
    out = []
    for token in _TOKEN.split(raw):
        if not token:
            continue
        if token.startswith("<") and token.endswith(">"):
            words = token[1:-1].lstrip("/").split(None, 1)  # empty for "<>", "</>" and "< >"
            name = words[0].split(".")[0].lower() if words else ""
            if name in allowed_tags or (allowed_tags is _VTT_TAGS and _TIMESTAMP_TAG.match(token)):
                out.append(token)
            elif name == "font" or (name and name.isalpha() and allowed_tags is _SRT_TAGS):
                continue  # formatting WebVTT has no tag for: keep the words, drop the tag
            else:
                out.append(escape_text(token))
        else:
            out.append(escape_text(token))
    return "".join(out).strip("\n")


def escape_text(text: str) -> str:
    """Escape plain text for a WebVTT cue (entities that are already there stay; CR LF and CR become LF)."""
    return "\n".join(text_lines(_ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")))


def clip_cues(cues: Iterable[Cue], start_ms: int, end_ms: int, shift_ms: int | None = None) -> list[Cue]:
    """Cues overlapping [start, end), trimmed to it and shifted so `shift_ms` (default start) is 0."""
    offset = start_ms if shift_ms is None else shift_ms
    clipped = []
    for cue in cues:
        new_start, new_end = max(cue.start_ms, start_ms), min(cue.end_ms, end_ms)
        if new_end > new_start:
            clipped.append(Cue(new_start - offset, new_end - offset, cue.text, cue.identifier, cue.settings))
    return clipped


def format_vtt(cues: Iterable[Cue], *, header: str = "", note: str = "") -> str:
    """A WebVTT document, with `note` as a NOTE block before the cues. Cue text is written as
    stored (normalized markup); a blank line or `-->` inside it, which would end or break the
    cue, is neutralized, and so is a line break of any kind (CR LF, CR: WebVTT ends a line at each)."""
    parts = ["WEBVTT" + (f" {one_line(header)}" if header else ""), ""]
    note_lines = [line for line in text_lines(note.replace("-->", "->")) if line.strip()]
    if note_lines:
        parts += ["NOTE", *note_lines, ""]
    for cue in cues:
        if cue.identifier and "-->" not in cue.identifier:
            parts.append(one_line(cue.identifier))
        timing = f"{format_timecode(cue.start_ms)} --> {format_timecode(cue.end_ms)}"
        parts.append(f"{timing} {one_line(cue.settings)}".rstrip())
        lines = [line for line in text_lines(cue.text.replace("-->", "--&gt;")) if line.strip()]
        parts.extend(lines)
        parts.append("")
    return "\n".join(parts)


def text_lines(text: str) -> list[str]:
    """`text` cut into lines where WebVTT (and this module's reader) would: at LF, CR LF and CR."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def one_line(text: str) -> str:
    """`text` with every line break a space (an identifier, a header, cue settings)."""
    return " ".join(text_lines(text))


def lint_cues(cues: Sequence[Cue]) -> list[tuple[Cue, str]]:
    """Readability warnings (PRODUCT §2), each with the cue it is about."""
    warnings = []
    ordered = sorted(cues, key=lambda c: (c.start_ms, c.end_ms))
    for previous, cue in zip([None, *ordered], ordered):
        lines = cue.plain.split("\n")
        chars = sum(len(line.strip()) for line in lines)
        if cue.duration_ms > 0 and chars * 1000 / cue.duration_ms > MAX_CHARS_PER_SECOND:
            warnings.append((cue, f"reading speed {chars * 1000 / cue.duration_ms:.0f} characters/second "
                                  f"(at most {MAX_CHARS_PER_SECOND})"))
        if any(len(line) > MAX_LINE_CHARS for line in lines):
            warnings.append((cue, f"a line longer than {MAX_LINE_CHARS} characters"))
        if len(lines) > MAX_LINES:
            warnings.append((cue, f"{len(lines)} lines (at most {MAX_LINES})"))
        if cue.duration_ms < MIN_CUE_MS:
            warnings.append((cue, f"shown {cue.duration_ms} ms (at least {MIN_CUE_MS})"))
        elif cue.duration_ms > MAX_CUE_MS:
            warnings.append((cue, f"shown {cue.duration_ms / 1000:.1f} s (at most {MAX_CUE_MS // 1000} s)"))
        if previous is not None and cue.start_ms < previous.end_ms:
            warnings.append((cue, f"overlaps the cue at {format_timecode(previous.start_ms)}"))
    return warnings
