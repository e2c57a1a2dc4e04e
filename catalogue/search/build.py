"""Building the search index: a new version folder beside the current one, then an atomic switch.

Design, from measurements on these 2-core machines (scripts/bench_search.py):
- Whoosh holds one document per clip (title, description, themes, speakers, the whole transcript and
  its compound parts): ranking, facets and the total come from one scoring pass over them.
- The cues live beside it, one row per cue in a SQLite table of the same version (clip, time,
  speaker, text, and the cue's stems, folded words and compound parts, analysed once here): the
  moments are read and matched from there. The same file holds the catalogue's words (typos) and
  the units of meaning (catalogue.search.semantic).
- The units' vectors (vectors.npy) are in the same folder: the switch swaps words and meaning at once.
- Each build makes a new version folder and then switches a pointer file atomically, so a reader
  sees the old or the new index, never half of one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from catalogue.cutlist import Catalogue, Report
from catalogue.errors import CatalogueError
from catalogue.fsutil import write_text_atomic
from catalogue.model import Clip, Cue
from catalogue.search import semantic
from catalogue.search.analysis import dutch_analyzer
from catalogue.search.encoder import embed_all
from catalogue.search.matching import Analysed, vocabulary_of
from catalogue.settings import Settings, user_cache_dir
from catalogue.subtitles import clip_cues, read_cues

CURRENT = "CURRENT"
CUES_DB = "cues.sqlite"
INDEX_FORMAT = 6  # cues.sqlite's user_version; a version of another format is rebuilt, not read
# (2: the word table; 3: stems of short z-words and doubled s joined, e.g. kaas/kazen, les/lessen;
# 4: irregular plurals, e.g. kind/kinderen, lid/leden; 5: units of meaning and their vectors;
# 6: sentences and their vectors)
KEEP_OLD_VERSIONS_S = 300  # a reader may still be inside a replaced version for this long

Progress = Callable[[str], None]


def make_schema() -> Schema:
    dutch = dutch_analyzer()
    return Schema(
        clip_id=ID(stored=True), film_id=ID(stored=True), themes=KEYWORD(stored=True, commas=True),
        title=TEXT(analyzer=dutch, stored=True), description=TEXT(analyzer=dutch, stored=True),
        theme_titles=TEXT(analyzer=dutch), speaker=TEXT(analyzer=dutch), transcript=TEXT(analyzer=dutch),
        parts=TEXT(analyzer=dutch, phrase=False),
        speakers=STORED(), duration_ms=STORED(),
    )


# --- building -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexStats:
    version: str
    clips: int
    cues: int
    seconds: float
    bytes: int
    embedded: int = 0  # texts embedded by this build (the others came from the embedding cache)


def clip_transcript(settings: Settings, clip: Clip, lang: str, film_cues: Sequence[Cue]) -> list[Cue]:
    """The clip's cues in clip time: its cut VTT when there is one, else re-timed from the film's."""
    path = settings.clip_vtt(clip.id, lang)
    if path.is_file():
        try:
            return read_cues(path)
        except CatalogueError:
            pass  # a broken output: fall back on the source, which `check` has validated
    return clip_cues(film_cues, clip.start_ms, clip.end_ms)


@dataclass(frozen=True)
class _ClipText:
    clip: Clip
    lang: str
    cues: list[Cue]
    speakers: list[str]


def _clip_texts(settings: Settings, catalogue: Catalogue, report: Report) -> Iterator[_ClipText]:
    for cutlist in catalogue.cutlists:
        lang = cutlist.film.language
        ranges = catalogue.redactions.get(cutlist.film.id, ())  # what a withdrawn person said is not indexed
        film_cues = [c for c in report.cues.get((cutlist.film.id, lang), [])
                     if not any(a < c.end_ms and b > c.start_ms for a, b in ranges)]
        for clip in cutlist.clips:
            cues = clip_transcript(settings, clip, lang, film_cues)
            speakers = sorted({*clip.speakers, *(c.speaker for c in cues if c.speaker)})
            yield _ClipText(clip, lang, cues, speakers)


def build_index(settings: Settings, catalogue: Catalogue, report: Report,
                progress: Progress | None = None) -> IndexStats:
    """Build a new index version beside the current one, then switch to it atomically.
    `progress` hears what takes long (embedding the speech)."""
    began = time.monotonic()
    versions = settings.index_dir
    versions.mkdir(parents=True, exist_ok=True)
    name = f"v{time.time_ns()}-{os.getpid()}"
    folder = versions / name
    folder.mkdir()
    themes = {theme.id: theme for theme in catalogue.themes}
    try:
        texts = list(_clip_texts(settings, catalogue, report))
        all_text = ([c.plain for t in texts for c in t.cues] + [f"{t.clip.title} {t.clip.description}" for t in texts]
                    + [f"{theme.id} {theme.title}" for theme in catalogue.themes])
        vocabulary, forms = vocabulary_of(all_text)
        analysed = Analysed(vocabulary)
        cues, cue_parts, embedded = _write_cues(folder, settings, texts, analysed, forms, progress)
        ix = whoosh_index.create_in(str(folder), make_schema())
        # compound=False: a searcher maps the segment files instead of copying them into memory
        # (one searcher per server thread: 1.4 GB at 100k cues with compound files)
        writer = ix.writer(limitmb=256, compound=False)
        for item in texts:
            writer.add_document(**_clip_document(item, themes, analysed, cue_parts[item.clip.id]))
        writer.commit()
        try:  # the version being replaced is kept KEEP_OLD_VERSIONS_S from now, not from when it was built
            os.utime(versions / (versions / CURRENT).read_text("utf-8").strip())
        except (OSError, ValueError):
            pass  # no index yet, or a damaged pointer
        write_text_atomic(versions / CURRENT, name)  # the switch: readers see old or new, never half
    except OSError as exc:  # a full disk, a read-only folder: said plainly, the current index untouched
        shutil.rmtree(folder, ignore_errors=True)
        raise CatalogueError(f"cannot write the search index in {folder}: {exc.strerror or exc}; "
                             "the current index is unchanged") from exc
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _remove_old_versions(versions, keep=name)
    size = sum(p.stat().st_size for p in folder.iterdir())
    return IndexStats(name, len(texts), cues, time.monotonic() - began, size, embedded)


def _clip_document(item: _ClipText, themes: dict[str, Any], analysed: Analysed,
                   cue_parts: list[str]) -> dict[str, Any]:
    clip = item.clip
    transcript = " ".join(c.plain.replace("\n", " ") for c in item.cues)
    theme_titles = " ".join(f"{t} {themes[t].title}" for t in clip.themes if t in themes)
    parts = analysed.text(f"{clip.title} {clip.description}")[2] + cue_parts
    return {"clip_id": clip.id, "film_id": clip.film_id, "themes": ",".join(clip.themes), "title": clip.title,
            "description": clip.description, "theme_titles": theme_titles, "speaker": " ".join(item.speakers),
            "speakers": item.speakers, "transcript": transcript,
            "parts": " ".join(parts), "duration_ms": clip.duration_ms}



def _write_cues(folder: Path, settings: Settings, texts: Sequence[_ClipText], analysed: Analysed,
                forms: dict[str, str], progress: Progress | None) -> tuple[int, dict[str, list[str]], int]:
    """The cue table, the word table (each folded word of the catalogue, as most often written: typo
    matching and suggestions) and the units of meaning with their vectors; per clip the compound
    parts of its cues; and how many texts were embedded (not found in the embedding cache)."""
    rows = []
    parts_by_clip: dict[str, list[str]] = {}
    for item in texts:
        clip_parts = parts_by_clip.setdefault(item.clip.id, [])
        for cue in item.cues:
            text = cue.plain.replace("\n", " ")
            stems, folded, parts = analysed.text(text)
            clip_parts += parts
            speaker_stems = analysed.text(cue.speaker)[0]
            terms = f" {' '.join({*stems, *folded, *parts, *speaker_stems})} "  # for a quick prefilter in SQL
            rows.append((item.clip.id, cue.start_ms, cue.end_ms, cue.speaker, text,
                         " ".join(stems), " ".join(folded), " ".join(parts), " ".join(speaker_stems), terms))
    units = [u for item in texts
             for u in semantic.plan_units(item.clip.id, item.clip.title, item.clip.description, item.cues)]
    sentences = [u for item in texts for u in semantic.plan_sentences(item.clip.id, item.cues)]
    vectors, embedded = _embed(settings, [u.text for u in (*units, *sentences)], progress)
    with closing(sqlite3.connect(folder / CUES_DB)) as db:
        db.execute("CREATE TABLE cues (clip_id TEXT, start_ms INTEGER, end_ms INTEGER, speaker TEXT, "
                   "text TEXT, stems TEXT, folded TEXT, parts TEXT, speaker_stems TEXT, terms TEXT)")
        db.executemany("INSERT INTO cues VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("CREATE INDEX cues_by_clip ON cues (clip_id, start_ms)")
        db.execute(f"PRAGMA user_version = {INDEX_FORMAT}")
        db.execute("CREATE TABLE words (folded TEXT PRIMARY KEY, written TEXT) WITHOUT ROWID")
        db.executemany("INSERT INTO words VALUES (?, ?)", sorted(forms.items()))
        semantic.write_units(folder, db, units, vectors[:len(units)], sentences, vectors[len(units):])
        db.commit()
    return len(rows), parts_by_clip, embedded


def _embed(settings: Settings, texts: list[str], progress: Progress | None) -> tuple[Any, int]:
    """The texts' vectors: from the cache, the rest embedded now (in parallel when there are many)."""
    cache = semantic.EmbeddingCache(settings.embeddings_dir)

    def encode(todo: list[str]) -> Any:
        if progress:
            progress(f"embedding {len(todo):,} stretches of speech (of {len(texts):,}; the rest are cached)")
        return embed_all(todo, user_cache_dir())

    return cache.embed(texts, encode)


def _remove_old_versions(versions: Path, keep: str, keep_s: float = KEEP_OLD_VERSIONS_S) -> list[Path]:
    now = time.time()
    removed = []
    for old in versions.iterdir():
        if old.is_dir() and old.name != keep and old.name.startswith("v"):
            if now - old.stat().st_mtime >= keep_s:
                shutil.rmtree(old, ignore_errors=True)
                removed.append(old)
    return removed


def prune_index(settings: Settings) -> list[Path]:
    """Remove every index version but the current one, now (what a withdrawn person said must not stay
    in a replaced version; a reader still inside one keeps reading its open files), and every cached
    vector the current version does not use (nor the vectors of what they said); the versions removed."""
    versions = settings.index_dir
    try:
        current = (versions / CURRENT).read_text("utf-8").strip()
    except OSError:
        return []
    removed = _remove_old_versions(versions, keep=current, keep_s=0)
    try:
        with closing(sqlite3.connect(f"file:{versions / current / CUES_DB}?mode=ro", uri=True)) as db:
            used = {key for (key,) in db.execute("SELECT key FROM units UNION SELECT key FROM sentences")}
    except sqlite3.DatabaseError:
        used = set()  # no units to keep: the whole cache goes
    semantic.EmbeddingCache(settings.embeddings_dir).keep_only(used)
    return removed
