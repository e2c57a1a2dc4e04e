"""The search index and the search that finds clips and the moments in them.

Design, from measurements on these 2-core machines (scripts/bench_search.py):
- Whoosh holds one document per clip (title, description, themes, speakers, the whole
  transcript and its compound parts). Ranking, facets and the total come from one
  scoring pass over those documents, which reads the postings directly rather than
  through Whoosh's query matchers (the same BM25F sums at a fraction of the cost).
- The cues live beside it, one row per cue in a SQLite table of the same index version
  (clip, time, speaker, text, and the cue's stems, folded words and compound parts,
  analysed once at build time). The moments of the clips on the page are read from
  there and matched with set operations: no second Whoosh query, no re-analysis, and
  only the shown cues are highlighted (escaped here: only the <mark> tags are markup).
  A Whoosh document per cue made the 100,000-cue build 46 s instead of a few seconds.
  The same file holds the catalogue's words, for typo matching in memory.
- Each build makes a new version folder and then switches a pointer file atomically,
  so a reader sees the old or the new index, never half of one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import threading
import time
import weakref
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import Term
from whoosh.searching import Searcher

from catalogue.search.analysis import ParsedQuery, Synonyms, dutch_analyzer, parse_query, stem, words
from catalogue.cutlist import Catalogue, Report
from catalogue.errors import CatalogueError
from catalogue.fsutil import write_text_atomic
from catalogue.search.matching import (FUZZY_WEIGHT, PARTS_WEIGHT, PHRASE_SCORE, SYNONYM_WEIGHT, Analysed, QueryWord,
                                marker, match_cue, near_words, says, suggest_spelling, vocabulary_of, words_within)
from catalogue.search.matching import highlight as highlight  # re-exported: the web pages mark with it
from catalogue.model import Clip, Cue
from catalogue.settings import Settings
from catalogue.subtitles import clip_cues, read_cues

_Word = QueryWord  # the name tests/test_search_scoring.py builds query words by

CURRENT = "CURRENT"
CUES_DB = "cues.sqlite"
INDEX_FORMAT = 4  # cues.sqlite's user_version; a version of another format is rebuilt, not read
# (2: the word table; 3: stems of short z-words and doubled s joined, e.g. kaas/kazen, les/lessen;
# 4: irregular plurals, e.g. kind/kinderen, lid/leden)
MOMENTS_PER_CLIP = 3
KEEP_OLD_VERSIONS_S = 300  # a reader may still be inside a replaced version for this long
MAX_FUZZY_WORDS = 6

# (field, weight) for ranking clips: a title or theme match outweighs a passing word
CLIP_FIELDS = (("title", 4.0), ("theme_titles", 3.0), ("description", 1.0), ("speaker", 1.0), ("transcript", 1.0))
PHRASE_FIELDS = tuple((name, weight) for name, weight in CLIP_FIELDS if name != "speaker")


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
        film_cues = report.cues.get((cutlist.film.id, lang), [])
        for clip in cutlist.clips:
            cues = clip_transcript(settings, clip, lang, film_cues)
            speakers = sorted({*clip.speakers, *(c.speaker for c in cues if c.speaker)})
            yield _ClipText(clip, lang, cues, speakers)


def build_index(settings: Settings, catalogue: Catalogue, report: Report) -> IndexStats:
    """Build a new index version beside the current one, then switch to it atomically."""
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
        cues, cue_parts = _write_cues(folder / CUES_DB, texts, analysed, forms)
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
    return IndexStats(name, len(texts), cues, time.monotonic() - began, size)


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


def _write_cues(path: Path, texts: Sequence[_ClipText], analysed: Analysed,
                forms: dict[str, str]) -> tuple[int, dict[str, list[str]]]:
    """The cue table and the word table (each folded word of the catalogue, as most often
    written: typo matching and suggestions); and per clip the compound parts of its cues."""
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
    db = sqlite3.connect(path)
    try:
        db.execute("CREATE TABLE cues (clip_id TEXT, start_ms INTEGER, end_ms INTEGER, speaker TEXT, "
                   "text TEXT, stems TEXT, folded TEXT, parts TEXT, speaker_stems TEXT, terms TEXT)")
        db.executemany("INSERT INTO cues VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("CREATE INDEX cues_by_clip ON cues (clip_id, start_ms)")
        db.execute(f"PRAGMA user_version = {INDEX_FORMAT}")
        db.execute("CREATE TABLE words (folded TEXT PRIMARY KEY, written TEXT) WITHOUT ROWID")
        db.executemany("INSERT INTO words VALUES (?, ?)", sorted(forms.items()))
        db.commit()
    finally:
        db.close()
    return len(rows), parts_by_clip


def _remove_old_versions(versions: Path, keep: str) -> None:
    now = time.time()
    for old in versions.iterdir():
        if old.is_dir() and old.name != keep and old.name.startswith("v"):
            if now - old.stat().st_mtime > KEEP_OLD_VERSIONS_S:
                shutil.rmtree(old, ignore_errors=True)


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Moment:
    start_ms: int
    end_ms: int
    text: str  # plain text
    html: str  # the same, escaped, with <mark> around the matching words
    speaker: str = ""


@dataclass(frozen=True)
class ClipHit:
    id: str
    film_id: str
    title: str
    description: str
    themes: list[str]
    speakers: list[str]
    duration_ms: int
    score: float
    moments: list[Moment]


@dataclass(frozen=True)
class SearchResults:
    query: str
    theme: str | None
    total: int  # clips matching, with the theme filter
    clips: list[ClipHit]
    facets: dict[str, int]  # theme id -> clips matching, without the theme filter
    suggestion: str | None = None  # "did you mean", when the words were not found
    fuzzy: bool = False  # results come from typo-tolerant matching

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# --- opening and following the current version ----------------------------------------------


def damaged(folder: Path, exc: BaseException) -> CatalogueError:
    return CatalogueError(f"the search index in {folder} is damaged ({type(exc).__name__}: {exc}): "
                          "run `catalogue index`")


class _OtherFormat(Exception):
    pass


class _Lengths(scoring.BM25F):
    """Whoosh's BM25F parameters, and for each field the part of a document's BM25 that depends
    on the document's length alone, computed once and kept.

    Whoosh reads a length from the file for every matching document of every query term:
    a third of a search's time at 100,000 cues. The lengths are per segment and the average
    per index version, which never changes, so one list per (segment, field) serves every
    later search: a posting then scores as idf * tf / (tf + norms[doc]).
    """

    def __init__(self) -> None:
        super().__init__()
        self._norms: dict[tuple[str, str], list[float]] = {}

    def norms(self, searcher: Searcher, reader: Any, fieldname: str) -> list[float]:
        """K1 * (1 - B + B * length / average length) for each document of a segment reader."""
        key = (reader.segment().segment_id(), fieldname)
        norms = self._norms.get(key)
        if norms is None:  # two threads may both compute it: the same list, no lock needed
            k1, b, average = self.K1, self.B, searcher.avg_field_length(fieldname) or 1
            # (Whoosh says None for an empty field: such a document has no posting to score)
            norms = [k1 * ((1 - b) + b * (reader.doc_field_length(d, fieldname, 1) or 0) / average)
                     for d in range(reader.doc_count_all())]
            self._norms[key] = norms
        return norms


class _Version:
    """One opened index version with what queries need of it, cached."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.weighting = _Lengths()
        if not (folder / CUES_DB).is_file():
            raise CatalogueError(f"the search index in {folder} is incomplete: run `catalogue index`")
        try:
            self.index = whoosh_index.open_dir(str(folder))
            with self.searcher() as searcher:
                self.clip_themes = {num: tuple(filter(None, fields.get("themes", "").split(",")))
                                    for num, fields in searcher.iter_docs()}
                for name in ("transcript", "parts"):  # read the term and posting files once
                    first = next(iter(searcher.lexicon(name)), None)
                    if first is not None:
                        searcher.search(Term(name, first), limit=1)
                for leaf, _ in searcher.leaf_searchers():  # each scored field's lengths now, not in a search
                    for name, _ in (*CLIP_FIELDS, ("parts", 0)):
                        self.weighting.norms(searcher, leaf.reader(), name)
            with closing(self.connect()) as db:
                (made,) = db.execute("PRAGMA user_version").fetchone()
                if made != INDEX_FORMAT:
                    raise _OtherFormat(made)
                db.execute("SELECT clip_id FROM cues LIMIT 1").fetchall()
                # folded word -> as written; sorted, for the typo automaton
                self.forms: dict[str, str] = dict(db.execute("SELECT folded, written FROM words ORDER BY folded"))
        except _OtherFormat as exc:
            raise CatalogueError(f"the search index in {folder} was made by another version of catalogue "
                                 f"(format {exc.args[0]}, this one reads {INDEX_FORMAT}): run `catalogue index`") from None
        except Exception as exc:  # whoosh and sqlite fail in many ways on a damaged file: none is trusted
            raise damaged(folder, exc) from exc
        self.words = list(self.forms)

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.folder / CUES_DB}?mode=ro", uri=True, check_same_thread=False)

    def searcher(self) -> Searcher:
        return self.index.searcher(weighting=self.weighting)

    def words_within(self, folded: str, maxdist: int) -> list[str]:
        """Words of the catalogue (folded) within `maxdist` edits of `folded` that share its first letter.

        Whoosh's `terms_within` walks the same automaton over a field's term file on disk, a seek
        per step (~7 ms at 100,000 cues); the word list held in memory makes each step a bisect.
        """
        return words_within(self.words, folded, maxdist)


class SearchIndex:
    """Opens the current index version and follows the switch to a new one without restart.

    Searchers and cue connections are reused from a pool (a Whoosh searcher serves one
    thread at a time) until `catalogue index` makes a new version current.
    """

    def __init__(self, settings: Settings) -> None:
        self.versions_dir = settings.index_dir
        self.synonyms_path = settings.root / "synonyms.txt"
        self._lock = threading.Lock()
        self._version: _Version | None = None
        self._idle: list[tuple[_Version, Searcher, sqlite3.Connection]] = []  # the pool
        self._synonyms: tuple[float, Synonyms] = (-1.0, Synonyms.load(self.synonyms_path))
        # every searcher and connection opened, so that all are closed with this object
        self._opened: list[tuple[Searcher, sqlite3.Connection]] = []
        self._finalizer = weakref.finalize(self, _close_all, self._opened)

    def close(self) -> None:
        """Close every searcher and cue connection of every thread."""
        self._finalizer()

    def _current_name(self) -> str:
        try:
            name = (self.versions_dir / CURRENT).read_text("utf-8").strip()
        except FileNotFoundError:
            raise CatalogueError(f"no search index in {self.versions_dir.parent}: run `catalogue index`") from None
        except (OSError, ValueError):
            name = ""
        if not name.startswith("v") or name != Path(name).name or not (self.versions_dir / name).is_dir():
            raise CatalogueError(f"the search index in {self.versions_dir} is damaged: {CURRENT} names no index "
                                 "version; run `catalogue index`")
        return name

    def version(self) -> _Version:
        name = self._current_name()
        with self._lock:
            if self._version is None or self._version.folder.name != name:
                self._version = _Version(self.versions_dir / name)
            return self._version

    @contextmanager
    def session(self) -> Iterator[tuple[_Version, Searcher, sqlite3.Connection]]:
        """A searcher and cue connection of the current version, for one thread at a time.

        They come from a pool and go back to it, so the server's worker threads (which come
        and go) share at most as many as run at once; those of a replaced version are closed.
        """
        version = self.version()
        held = None
        with self._lock:
            while self._idle and held is None:
                candidate = self._idle.pop()
                if candidate[0] is version:
                    held = candidate
                else:
                    self._discard(candidate)
        if held is None:
            held = (version, version.searcher(), version.connect())
            with self._lock:
                self._opened.append((held[1], held[2]))
        try:
            yield held
        finally:
            with self._lock:
                if held[0] is self._version:
                    self._idle.append(held)
                else:
                    self._discard(held)

    def _discard(self, held: tuple[_Version, Searcher, sqlite3.Connection]) -> None:
        _close_all([(held[1], held[2])])
        self._opened.remove((held[1], held[2]))

    def synonyms(self) -> Synonyms:
        try:
            mtime = self.synonyms_path.stat().st_mtime
        except OSError:
            mtime = 0.0
        if mtime != self._synonyms[0]:
            self._synonyms = (mtime, Synonyms.load(self.synonyms_path))
        return self._synonyms[1]


# --- queries ------------------------------------------------------------------------------------


def _close_all(opened: list[tuple[Searcher, sqlite3.Connection]]) -> None:
    for searcher, connection in list(opened):
        searcher.close()
        connection.close()
    opened.clear()


def _word_terms(word: QueryWord) -> Iterator[tuple[str, str, float, bool]]:
    """(field, term, weight, typed) for every term a query word may match; typed is False
    for its synonyms, which widen a query but rank after what was typed."""
    for name, weight in CLIP_FIELDS:
        yield name, word.stem, weight, True
    yield "parts", word.stem, PARTS_WEIGHT, True
    for other in word.synonyms:
        for name, weight in CLIP_FIELDS:
            yield name, other, weight * SYNONYM_WEIGHT, False
    for near in word.near:
        for name, weight in CLIP_FIELDS:
            yield name, stem(near), weight * FUZZY_WEIGHT, True
        yield "parts", stem(near), PARTS_WEIGHT * FUZZY_WEIGHT, True


def _word_scores(searcher: Searcher, weighting: _Lengths, word: QueryWord) -> tuple[dict[int, float], set[int]]:
    """The clips a query word matches with their BM25F scores, and those it matches as typed.

    The same sums as Whoosh's `Or([Term(field, term, boost=weight), ...])` under BM25F, read
    straight from each term's postings: Whoosh's matcher tree scores a posting at ~2 us, this
    loop at a fraction of that, and a word is one pass however many fields it is looked up in.
    """
    scores: dict[int, float] = {}
    typed: set[int] = set()
    for name, term, weight, is_typed in _word_terms(word):
        if not searcher.doc_frequency(name, term):
            continue
        idf = searcher.idf(name, term) * weight * (weighting.K1 + 1)
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            norms = weighting.norms(searcher, reader, name)
            postings = reader.postings(name, term)
            while postings.is_active():
                doc, tf = postings.id(), postings.weight()
                num = doc + offset
                scores[num] = scores.get(num, 0.0) + idf * tf / (tf + norms[doc])
                if is_typed:
                    typed.add(num)
                postings.next()
    return scores, typed


def _phrase_scores(searcher: Searcher, weighting: _Lengths,
                   phrase: Sequence[str]) -> tuple[dict[int, float], set[int]]:
    """The clips with the phrase's words in a row (in any of their forms) in a field, scored
    like its words would be with the phrase's count as their frequency; and those of them
    whose transcript says it.

    Whoosh's `Phrase` gives the same clips but matches spans at ~27 us a candidate clip (one
    that has every word somewhere); reading the positions only where every word is present,
    and comparing them as sets, is several times cheaper.
    """
    stems = [stem(w) for w in phrase]
    scores: dict[int, float] = {}
    said: set[int] = set()
    for name, weight in PHRASE_FIELDS:
        frequencies = [searcher.doc_frequency(name, s) for s in stems]
        if not all(frequencies):
            continue
        idf = sum(searcher.idf(name, s) for s in stems) * weight * (weighting.K1 + 1)
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            norms = weighting.norms(searcher, reader, name)
            matchers = [reader.postings(name, s) for s in stems]
            rarest_first = [m for _, _, m in sorted(zip(frequencies, range(len(stems)), matchers))]
            for doc in _all_present(rarest_first):
                starts = set(matchers[0].value_as("positions"))
                for shift, matcher in enumerate(matchers[1:], start=1):
                    starts &= {p - shift for p in matcher.value_as("positions")}
                if starts:
                    tf = len(starts)
                    scores[doc + offset] = scores.get(doc + offset, 0.0) + idf * tf / (tf + norms[doc])
                    if name == "transcript":
                        said.add(doc + offset)
    return scores, said


def _all_present(matchers: Sequence[Any]) -> Iterator[int]:
    """Each document id in every one of the posting lists (leapfrogging), each matcher left on it."""
    lead = matchers[0]
    while lead.is_active():
        doc = lead.id()
        for matcher in matchers[1:]:
            matcher.skip_to(doc)
            if not matcher.is_active():
                return
            if matcher.id() != doc:
                doc = matcher.id()
                break
        else:
            yield doc
            lead.next()
            continue
        lead.skip_to(doc)


def _clip_scores(searcher: Searcher, weighting: _Lengths, query_words: Sequence[QueryWord],
                 phrases: Sequence[tuple[str, ...]]) -> tuple[list[tuple[int, float]], set[int], set[int]]:
    """Every clip matching all query words and phrases, best first (one pass gives the page,
    the total and the facets); the clips matching without the help of synonyms; and those
    whose transcript says one of the phrases."""
    parts = [_word_scores(searcher, weighting, w) for w in query_words]
    said: set[int] = set()
    for phrase in phrases:
        found, in_transcript = _phrase_scores(searcher, weighting, phrase)
        parts.append((found, set(found)))
        said |= in_transcript
    parts.sort(key=lambda part: len(part[0]))  # intersect from the rarest
    scores, typed = parts[0]
    scores = dict(scores)
    for other, other_typed in parts[1:]:
        scores = {num: score + other[num] for num, score in scores.items() if num in other}
        typed &= other_typed
    return sorted(scores.items(), key=lambda item: (-item[1], item[0])), typed, said


def search(index: SearchIndex, text: str, *, theme: str | None = None, limit: int = 20,
           offset: int = 0) -> SearchResults:
    """Clips matching `text` (any string), best first, each with up to 3 moments in time order."""
    with index.session() as (version, searcher, cues_db):
        try:
            return _search(version, searcher, cues_db, index.synonyms(), text, theme, limit, offset)
        except (struct.error, EOFError, OSError, sqlite3.DatabaseError) as exc:  # damage found late
            raise damaged(version.folder, exc) from exc


def _search(version: _Version, searcher: Searcher, cues_db: sqlite3.Connection, synonyms: Synonyms,
            text: str, theme: str | None, limit: int, offset: int) -> SearchResults:
    parsed = parse_query(text)
    theme = theme or None
    if parsed.empty:
        facets = Counter(t for themes in version.clip_themes.values() for t in themes)
        return SearchResults(text, theme, 0, [], dict(facets))
    query_words = [QueryWord.of(w, synonyms) for w in parsed.words]
    scored, typed, said = _clip_scores(searcher, version.weighting, query_words, parsed.phrases)
    suggestion, fuzzy = None, False
    if not scored:  # nothing: forgive typos, and say what was probably meant
        fuzzy = True
        query_words = [_with_near(version, searcher, synonyms, w, n < MAX_FUZZY_WORDS)
                       for n, w in enumerate(query_words)]
        budget = max(0, MAX_FUZZY_WORDS - len(query_words))  # typo expansion is the costly part: bounded
        phrase_words = [_with_near(version, searcher, synonyms, QueryWord.of(w, synonyms), n < budget)
                        for n, w in enumerate(w for p in parsed.phrases for w in p)]
        suggestion = suggest_spelling(parsed, [*query_words, *phrase_words], version.forms)
        scored, typed, said = _clip_scores(searcher, version.weighting, query_words, parsed.phrases)  # still a phrase
    facets = Counter(t for num, _ in scored for t in version.clip_themes.get(num, ()))
    if any(w.synonyms for w in query_words):  # synonyms widen; what was typed ranks first
        scored.sort(key=lambda item: (item[0] not in typed, -item[1]))
    if theme:
        scored = [(num, score) for num, score in scored if theme in version.clip_themes.get(num, ())]
    page = scored[offset:offset + limit]
    rows = [(searcher.stored_fields(num), score) for num, score in page]
    marked = [*query_words, *(QueryWord.of(w, synonyms) for p in parsed.phrases for w in p)]
    if suggestion:
        marked += [QueryWord.of(w, synonyms) for w in words(suggestion)]
    said_ids = {row["clip_id"] for (row, _), (num, _) in zip(rows, page) if num in said}
    moments = _moments(cues_db, [row["clip_id"] for row, _ in rows], parsed, query_words, marked, said_ids)
    clips = [ClipHit(id=row["clip_id"], film_id=row["film_id"], title=row["title"],
                     description=row.get("description", ""), themes=list(filter(None, row["themes"].split(","))),
                     speakers=list(row.get("speakers", [])), duration_ms=row.get("duration_ms", 0),
                     score=round(score, 4), moments=moments.get(row["clip_id"], []))
             for row, score in rows]
    return SearchResults(text, theme, len(scored), clips, dict(facets), suggestion, fuzzy)


def _with_near(version: _Version, searcher: Searcher, synonyms: Synonyms, word: QueryWord,
               allowed: bool) -> QueryWord:
    """`word` with the words of the index a typo away, and their synonyms: a forgiven typo
    finds what the word it stands for finds."""
    if not allowed or word.folded in version.forms:
        return word
    near = near_words(word.folded, version.words_within,
                      lambda w: searcher.doc_frequency("transcript", stem(w)))
    widened = word.synonyms.union(*(synonyms.of(stem(n)) for n in near))
    return QueryWord(word.text, word.stem, word.folded, widened, near)


# --- moments ---------------------------------------------------------------------------------


def _moments(db: sqlite3.Connection, clip_ids: Sequence[str], parsed: ParsedQuery, query_words: Sequence[QueryWord],
             marked: Sequence[QueryWord], said: Collection[str] = ()) -> dict[str, list[Moment]]:
    """Per clip, the cues that match the most of the query (up to 3, in time order), with the
    words of `marked` marked. `said`: clips whose transcript says a phrase of the query."""
    if not clip_ids:
        return {}
    phrases = [[stem(w) for w in phrase] for phrase in parsed.phrases]
    # only cues holding a query word (in one of its forms) or all words of a phrase reach Python;
    # a cue's terms are space-delimited
    forms = sorted({f" {t} " for w in query_words
                    for t in (w.stem, w.folded, *w.synonyms, *w.near, *map(stem, w.near))})
    conditions = ["instr(terms, ?)"] * len(forms)
    wanted = list(forms)
    for phrase in phrases:
        conditions.append("(" + " AND ".join(["instr(terms, ?)"] * len(phrase)) + ")")
        wanted += [f" {s} " for s in phrase]
    scored = _scored_cues(db, clip_ids, conditions, wanted, marked, phrases)
    bare = [clip_id for clip_id in clip_ids if clip_id not in scored and clip_id in said]
    if bare:  # a phrase said across two cues: no cue holds all its words, the cues around it hold some
        loose = forms + sorted({f" {s} " for phrase in phrases for s in phrase})
        for clip_id, found in _scored_cues(db, bare, ["instr(terms, ?)"] * len(loose), loose, marked,
                                           phrases).items():
            scored[clip_id] = _join_across(found, phrases)
    moments = {}
    mark = marker(marked)
    for clip_id, found in scored.items():
        most = max(matched for matched, _, _ in found)  # only the cues that match the most parts of the query
        best = sorted((item for item in found if item[0] == most), key=lambda item: -item[1])[:MOMENTS_PER_CLIP]
        moments[clip_id] = [Moment(row[1], row[2], row[4], mark(row[4]), row[3])
                            for _, _, row in sorted(best, key=lambda item: item[2][1])]
    return moments


def _scored_cues(db: sqlite3.Connection, clip_ids: Sequence[str], conditions: Sequence[str], terms: Sequence[str],
                 marked: Sequence[QueryWord], phrases: Sequence[list[str]]
                 ) -> dict[str, list[tuple[int, float, tuple[Any, ...]]]]:
    """Per clip, its cues meeting one of the SQL `conditions` (on `terms`) that match part of the
    query: (parts matched, score, row)."""
    marks = ", ".join("?" * len(clip_ids))
    rows = db.execute(f"SELECT clip_id, start_ms, end_ms, speaker, text, stems, folded, parts, speaker_stems, "
                      f"rowid FROM cues WHERE clip_id IN ({marks}) AND ({' OR '.join(conditions) or '0'})",
                      [*clip_ids, *terms]).fetchall()
    scored: dict[str, list[tuple[int, float, tuple[Any, ...]]]] = {}
    for row in rows:
        matched, score = match_cue(row[5].split(), set(row[6].split()), set(row[7].split()), set(row[8].split()),
                                   marked, phrases)
        if matched:
            scored.setdefault(row[0], []).append((matched, score, row))
    return scored


def _join_across(found: list[tuple[int, float, tuple[Any, ...]]],
                 phrases: Sequence[list[str]]) -> list[tuple[int, float, tuple[Any, ...]]]:
    """A cue where a phrase starts and the next cue ends it (the table keeps a clip's cues in
    time order, so the next cue is the next rowid) counts as saying the phrase."""
    by_rowid = {item[2][9]: item for item in found}
    joined = []
    for matched, score, row in found:
        following = by_rowid.get(row[9] + 1)
        if following is not None:
            stems = row[5].split() + following[2][5].split()
            for phrase in phrases:
                if says(stems, phrase):
                    matched, score = matched + 1, score + PHRASE_SCORE
        joined.append((matched, score, row))
    return joined
