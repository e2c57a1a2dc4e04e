"""Looking through files for what is left of a person (catalogue.consent.verify decides what to look
for and where).

What is looked for (`plan_evidence`, pure):
- their name, as a whole word;
- the lines of every cue inside their appearances, in every subtitle language (the editor's
  transcripts say what was said there);
- their own words: words of those cues that nothing else published contains (no other cue, title,
  description, theme or session), in the forms the search index stores (as written, accents
  folded, stemmed). Such a word anywhere can only have come from them.

Where (`scan`): every folder a step of the cut plan writes into, the pack folder and the state
folder (index versions, caches, the consent log itself), walked whole. Zips are opened and each
entry read; PDFs through pdftotext; SQLite and Whoosh files as bytes. Media mapped to film time
(the film's rendition, clips cut from it) are checked inside each range: the sound must be
silence and the picture the slate. A file of a withdrawn clip must not exist at all.
The editor's inputs (source film, transcripts, cut list and its backups) are not looked at: the
withdrawal does not touch them, and the report says so.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.model import Cue

TEXT_SUFFIXES = {".vtt", ".srt", ".txt", ".json", ".html", ".htm", ".js", ".css", ".xml", ".m3u8", ".toml", ".log",
                 ".md", ".csv"}
MEDIA_SUFFIXES = {".mp4", ".m4a", ".m4v", ".m4s", ".aac", ".ts", ".webm", ".mkv", ".jpg", ".jpeg", ".png", ".webp"}
MIN_LINE_CHARS = 12  # shorter cue lines ("Ja.", "Dank je") prove nothing
MIN_WORD_CHARS = 4
MIN_BINARY_NAME_CHARS = 4  # a shorter name turns up by chance in compressed bytes
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class Evidence:
    name: str  # normalised
    lines: tuple[str, ...]  # normalised cue lines
    words: tuple[str, ...]  # normalised own words, every form


@dataclass(frozen=True)
class Trace:
    path: str  # a file, or `pack.zip!clips/x.vtt` for an entry of a zip
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


def normalise(text: str) -> str:
    """Lowercase words separated by single spaces: entities and \\u escapes decoded, punctuation gone."""
    text = html.unescape(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))
    return " " + " ".join(_NOT_WORD.sub(" ", text.casefold()).split()) + " "


def plan_evidence(name: str, their_cues: Sequence[Cue], other_texts: Iterable[str],
                  forms: Callable[[str], Iterable[str]] = lambda word: (word,)) -> Evidence:
    """What would betray the person. `other_texts`: everything still published (their own words are
    those nothing else says); `forms(word)`: the forms an index may hold of a word."""
    lines = sorted({normalise(line).strip() for cue in their_cues for line in cue.plain.splitlines()
                    if len(normalise(line).strip()) >= MIN_LINE_CHARS})
    theirs = {w for cue in their_cues for w in normalise(cue.plain).split() if len(w) >= MIN_WORD_CHARS
              and not w.isdigit()}
    others = {w for text in other_texts for w in normalise(text).split()}
    other_forms = {f for w in others for f in forms(w)}
    own = sorted({f for w in theirs - others for f in (w, *forms(w)) if len(f) >= MIN_WORD_CHARS} - other_forms)
    return Evidence(normalise(name).strip(), tuple(lines), tuple(own))


def find_in_text(text: str, evidence: Evidence, *, binary: bool = False) -> list[str]:
    """What of `evidence` the text holds (normalised whole words and phrases)."""
    found = []
    padded = normalise(text)
    if evidence.name and (not binary or len(evidence.name) >= MIN_BINARY_NAME_CHARS) \
            and f" {evidence.name} " in padded:
        found.append(f"the name {evidence.name!r}")
    lines = [line for line in evidence.lines if f" {line} " in padded]
    if lines:
        found.append(f"{len(lines)} line(s) they said, e.g. {_short(lines[0])!r}")
    words = [word for word in evidence.words if f" {word} " in padded]
    if words:
        found.append(f"their word(s) {', '.join(map(repr, words[:5]))}")
    return found


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


# --- files ----------------------------------------------------------------------------------------


def walk(folders: Iterable[Path], skip: Iterable[Path] = ()) -> Iterator[Path]:
    """Every file under `folders` (each once, symlinks not followed), but those in `skip`."""
    skipped = {p.resolve() for p in skip}
    seen: set[Path] = set()
    for folder in sorted({f.resolve() for f in folders if f.is_dir()}):
        for path in sorted(folder.rglob("*")):
            resolved = path.resolve() if not path.is_symlink() else path
            if path.is_file() and not path.is_symlink() and resolved not in seen and resolved not in skipped:
                seen.add(resolved)
                yield path


def scan_bytes(label: str, name: str, data: bytes, evidence: Evidence, depth: int = 0) -> list[Trace]:
    """Traces in one file's bytes (`name` gives its kind)."""
    suffix = Path(name).suffix.lower()
    if suffix == ".zip" or data[:4] == b"PK\x03\x04":
        return _scan_zip(label, data, evidence, depth)
    if suffix in MEDIA_SUFFIXES:
        return []  # pictures and sound: checked by what they show and sound like (media checks)
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        return _scan_pdf(label, data, evidence)
    binary = b"\0" in data[:8192] and suffix not in TEXT_SUFFIXES
    text = data.decode("utf-8", errors="replace")
    return [Trace(label, what) for what in find_in_text(text, evidence, binary=binary)]


def _scan_zip(label: str, data: bytes | Path, evidence: Evidence, depth: int) -> list[Trace]:
    if depth > 3:
        return [Trace(label, "zips nested too deep to read: open it by hand")]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except (zipfile.BadZipFile, OSError):
        return [Trace(label, "a damaged zip: cannot tell what it holds")]
    traces = []
    with archive:
        for info in archive.infolist():
            if not info.is_dir() and Path(info.filename).suffix.lower() not in MEDIA_SUFFIXES:  # one at a time
                traces += scan_bytes(f"{label}!{info.filename}", info.filename, archive.read(info), evidence, depth + 1)
    return traces


def _scan_pdf(label: str, data: bytes, evidence: Evidence) -> list[Trace]:
    tool = shutil.which("pdftotext")
    if tool is None:
        return [Trace(label, "a PDF, and no pdftotext here to read it (install poppler-utils)")]
    result = subprocess.run([tool, "-q", "-", "-"], input=data, capture_output=True, timeout=120)
    return [Trace(label, what) for what in find_in_text(result.stdout.decode("utf-8", "replace"), evidence)]


def scan_files(paths: Iterable[Path], evidence: Evidence, root: Path) -> tuple[list[Trace], int]:
    """Traces in every file; how many files were read."""
    traces: list[Trace] = []
    count = 0
    for path in paths:
        count += 1
        suffix = path.suffix.lower()
        if suffix in MEDIA_SUFFIXES:
            continue  # never read into memory: checked by what they show and sound like
        if suffix == ".zip":
            traces += _scan_zip(_label(path, root), path, evidence, 0)
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            traces.append(Trace(_label(path, root), f"cannot be read ({exc.strerror})"))
            continue
        traces += scan_bytes(_label(path, root), path.name, data, evidence)
    return traces, count


def _label(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def files_of(paths: Iterable[Path], clip_ids: Iterable[str], root: Path) -> dict[Path, str]:
    """The files (or files in folders) below `root` named after one of `clip_ids`: `<id>.…` or a folder `<id>`."""
    ids = set(clip_ids)
    found = {}
    for path in paths:
        parts = path.relative_to(root).parts if path.is_relative_to(root) else path.parts
        for part in parts[::-1]:
            if part.split(".", 1)[0] in ids:
                found[path] = part.split(".", 1)[0]
                break
    return found
