"""The search index: Whoosh, one document per cue and one per clip, built into a fresh
folder and swapped in atomically; and the search that finds clips and their moments.

Ranking happens on clip documents (title and themes weigh more than a passing word);
moments come from cue documents, looked up only for the clips shown, and only those
few cues are highlighted (escaped here: only the <mark> tags are markup).
"""

from __future__ import annotations

import html
import json
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import And, FuzzyTerm, Or, Phrase, Query, Term
from whoosh.searching import Hit, Searcher

from catalogue.analysis import (ParsedQuery, Synonyms, compound_parts, dutch_analyzer, edit_distance,
                                exact_analyzer, fold, parse_query, stem, words)
from catalogue.cutlist import Catalogue, Report
from catalogue.errors import CatalogueError
from catalogue.fsutil import write_text_atomic
from catalogue.model import Clip, Cue
from catalogue.settings import Settings
from catalogue.subtitles import clip_cues, read_cues

CURRENT = "CURRENT"
MOMENTS_PER_CLIP = 3
KEEP_OLD_VERSIONS_S = 300  # a reader may still be inside an older version for this long

# (field, weight) for ranking clips: a title or theme match outweighs a passing word
CLIP_FIELDS = (("title", 4.0), ("theme_titles", 3.0), ("description", 1.5), ("speaker", 1.0), ("transcript", 1.0))
CUE_FIELDS = (("text", 1.0), ("speaker", 0.3))
EXACT_BOOST, SYNONYM_WEIGHT, PARTS_WEIGHT = 1.5, 0.5, 0.6


def make_schema() -> Schema:
    dutch, exact = dutch_analyzer(), exact_analyzer()
    return Schema(
        kind=ID(stored=True), clip_id=ID(stored=True), film_id=ID(stored=True), lang=ID(stored=True),
        themes=KEYWORD(stored=True, commas=True, scorable=True),
        start_ms=STORED(), end_ms=STORED(), duration_ms=STORED(), speakers=STORED(),
        text=TEXT(analyzer=dutch, stored=True), speaker=TEXT(analyzer=dutch, stored=True),
        title=TEXT(analyzer=dutch, stored=True), description=TEXT(analyzer=dutch, stored=True),
        theme_titles=TEXT(analyzer=dutch), transcript=TEXT(analyzer=dutch),
        exact=TEXT(analyzer=exact, phrase=False), parts=TEXT(analyzer=dutch, phrase=False),
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
    path = settings.clip_transcripts_dir / f"{clip.id}.{lang}.vtt"
    if path.is_file():
        try:
            return read_cues(path)
        except CatalogueError:
            pass  # a broken output: fall back on the source, which `check` has validated
    return clip_cues(film_cues, clip.start_ms, clip.end_ms)


def _vocabulary(texts: Sequence[str]) -> tuple[frozenset[str], dict[str, str]]:
    """Folded words of the catalogue, and for each the form most often written."""
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        for word in words(text):
            forms.setdefault(fold(word), Counter())[word.lower()] += 1
    return frozenset(forms), {folded: counts.most_common(1)[0][0] for folded, counts in forms.items()}


def documents(settings: Settings, catalogue: Catalogue, report: Report) -> Iterator[dict[str, Any]]:
    themes = {theme.id: theme for theme in catalogue.themes}
    transcripts: dict[str, list[Cue]] = {}
    for cutlist in catalogue.cutlists:
        lang = cutlist.film.language
        film_cues = report.cues.get((cutlist.film.id, lang), [])
        for clip in cutlist.clips:
            transcripts[clip.id] = clip_transcript(settings, clip, lang, film_cues)
    texts = [cue.plain for cues in transcripts.values() for cue in cues]
    texts += [f"{c.title} {c.description}" for c in catalogue.clips]
    vocabulary, _ = _vocabulary(texts)
    parts_cache: dict[str, list[str]] = {}

    def parts_of(text: str) -> str:
        found = []
        for word in words(text):
            folded = fold(word)
            if folded not in parts_cache:
                parts_cache[folded] = compound_parts(folded, vocabulary)
            found += parts_cache[folded]
        return " ".join(found)

    for cutlist in catalogue.cutlists:
        for clip in cutlist.clips:
            cues = transcripts[clip.id]
            speakers = sorted({*clip.speakers, *(c.speaker for c in cues if c.speaker)})
            for cue in cues:
                text = cue.plain.replace("\n", " ")
                yield {"kind": "cue", "clip_id": clip.id, "film_id": clip.film_id, "lang": cutlist.film.language,
                       "themes": ",".join(clip.themes), "start_ms": cue.start_ms, "end_ms": cue.end_ms,
                       "text": text, "speaker": cue.speaker, "exact": text, "parts": parts_of(text)}
            transcript = " ".join(c.plain.replace("\n", " ") for c in cues)
            theme_titles = " ".join(f"{t} {themes[t].title}" for t in clip.themes if t in themes)
            about = f"{clip.title} {clip.description} {transcript}"
            yield {"kind": "clip", "clip_id": clip.id, "film_id": clip.film_id, "lang": cutlist.film.language,
                   "themes": ",".join(clip.themes), "title": clip.title, "description": clip.description,
                   "theme_titles": theme_titles, "speaker": " ".join(speakers), "speakers": speakers,
                   "transcript": transcript, "exact": f"{about} {theme_titles}", "parts": parts_of(about),
                   "duration_ms": clip.duration_ms}


def build_index(settings: Settings, catalogue: Catalogue, report: Report) -> IndexStats:
    """Build a new index version beside the current one, then switch to it atomically."""
    began = time.monotonic()
    versions = settings.index_dir
    versions.mkdir(parents=True, exist_ok=True)
    name = f"v{time.time_ns()}-{os.getpid()}"
    folder = versions / name
    folder.mkdir()
    clips = cues = 0
    try:
        ix = whoosh_index.create_in(str(folder), make_schema())
        writer = ix.writer(limitmb=256)
        texts = []
        for doc in documents(settings, catalogue, report):
            writer.add_document(**doc)
            if doc["kind"] == "clip":
                clips += 1
                texts.append(doc["exact"])
            else:
                cues += 1
        writer.commit()
        _, forms = _vocabulary(texts)
        (folder / "words.json").write_text(json.dumps(forms, ensure_ascii=False), encoding="utf-8")
        try:  # the version being replaced is kept KEEP_OLD_VERSIONS_S from now, not from when it was built
            os.utime(versions / (versions / CURRENT).read_text("utf-8").strip())
        except OSError:
            pass  # no index yet
        write_text_atomic(versions / CURRENT, name)  # the switch: readers see old or new, never half
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _remove_old_versions(versions, keep=name)
    size = sum(p.stat().st_size for p in folder.iterdir())
    return IndexStats(name, clips, cues, time.monotonic() - began, size)


def _remove_old_versions(versions: Path, keep: str) -> None:
    now = time.time()
    for old in versions.iterdir():
        if old.is_dir() and old.name != keep and old.name.startswith("v"):
            if now - old.stat().st_mtime > KEEP_OLD_VERSIONS_S:
                shutil.rmtree(old, ignore_errors=True)


# --- searching ------------------------------------------------------------------------------


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


class _Version:
    """One opened index version with what queries need of it, cached."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index = whoosh_index.open_dir(str(folder))
        try:
            self.forms: dict[str, str] = json.loads((folder / "words.json").read_text("utf-8"))
        except (OSError, ValueError):
            self.forms = {}
        searcher = self.index.searcher()
        self.clip_themes = {num: tuple(filter(None, fields.get("themes", "").split(",")))
                            for num, fields in searcher.iter_docs() if fields.get("kind") == "clip"}
        searcher.close()


class SearchIndex:
    """Opens the current index version and follows the switch to a new one without restart.

    Each thread keeps its own searcher (Whoosh searchers are not shared between threads),
    reused until `catalogue index` makes a new version current.
    """

    def __init__(self, settings: Settings) -> None:
        self.versions_dir = settings.index_dir
        self.synonyms_path = settings.root / "synonyms.txt"
        self._lock = threading.Lock()
        self._version: _Version | None = None
        self._local = threading.local()
        self._synonyms: tuple[float, Synonyms] = (-1.0, Synonyms.load(self.synonyms_path))

    def _current_name(self) -> str:
        try:
            return (self.versions_dir / CURRENT).read_text("utf-8").strip()
        except FileNotFoundError:
            raise CatalogueError(f"no search index in {self.versions_dir.parent}: run `catalogue index`") from None

    def version(self) -> _Version:
        name = self._current_name()
        with self._lock:
            if self._version is None or self._version.folder.name != name:
                self._version = _Version(self.versions_dir / name)
            return self._version

    def searcher(self) -> tuple[_Version, Searcher]:
        version = self.version()
        held = getattr(self._local, "held", None)
        if held is None or held[0] is not version:
            held = (version, version.index.searcher())
            self._local.held = held
        return held

    def synonyms(self) -> Synonyms:
        try:
            mtime = self.synonyms_path.stat().st_mtime
        except OSError:
            mtime = 0.0
        if mtime != self._synonyms[0]:
            self._synonyms = (mtime, Synonyms.load(self.synonyms_path))
        return self._synonyms[1]


def _word_query(word: str, fields: Sequence[tuple[str, float]], synonyms: Synonyms, fuzzy: bool) -> Query:
    stemmed, folded = stem(word), fold(word)
    clauses: list[Query] = [Term(name, stemmed, boost=weight) for name, weight in fields]
    clauses.append(Term("exact", folded, boost=EXACT_BOOST))
    clauses.append(Term("parts", stemmed, boost=PARTS_WEIGHT))
    for other in synonyms.of(stemmed):
        clauses += [Term(name, other, boost=weight * SYNONYM_WEIGHT) for name, weight in fields]
    if fuzzy and len(folded) >= 4:
        clauses.append(FuzzyTerm("exact", folded, boost=0.5, maxdist=1 if len(folded) < 8 else 2, prefixlength=1))
    return Or(clauses)


def _phrase_query(phrase: Sequence[str], fields: Sequence[tuple[str, float]]) -> Query:
    stems = [stem(w) for w in phrase]
    return Or([Phrase(name, stems, boost=weight) for name, weight in fields if name != "speaker"])


def _clip_query(parsed: ParsedQuery, synonyms: Synonyms, fuzzy: bool) -> Query:
    parts = [_word_query(w, CLIP_FIELDS, synonyms, fuzzy) for w in parsed.words]
    parts += [_phrase_query(p, CLIP_FIELDS) for p in parsed.phrases]
    return And([Term("kind", "clip"), *parts])


def _moment_query(parsed: ParsedQuery, synonyms: Synonyms, fuzzy: bool, clip_ids: Sequence[str]) -> Query:
    wanted: list[Query] = [_word_query(w, CUE_FIELDS, synonyms, fuzzy) for w in parsed.all_words()]
    wanted += [Phrase("text", [stem(w) for w in p], boost=3.0) for p in parsed.phrases]
    return And([Term("kind", "cue"), Or([Term("clip_id", c) for c in clip_ids]), Or(wanted)])


def highlight(text: str, parsed: ParsedQuery, synonyms: Synonyms) -> str:
    """`text` escaped, with <mark> around words that match the query (its forms, synonyms,
    a compound that starts with it). Nothing of `text` becomes markup."""
    stems, heads = set(), set()
    for word in parsed.all_words():
        stems.add(stem(word))
        stems.update(synonyms.of(stem(word)))
        if len(word) >= 5:
            heads.add(fold(word))
    out, last = [], 0
    for token in exact_analyzer()(text, chars=True, mode="index"):
        folded = token.text
        if stem(folded) in stems or any(folded.startswith(h) for h in heads):
            out.append(html.escape(text[last:token.startchar]))
            out.append(f"<mark>{html.escape(text[token.startchar:token.endchar])}</mark>")
            last = token.endchar
    out.append(html.escape(text[last:]))
    return "".join(out)


def _suggest(version: _Version, searcher: Searcher, parsed: ParsedQuery) -> str | None:
    corrector = searcher.corrector("exact")
    changed, words_out = False, []
    for word in parsed.all_words():
        folded = fold(word)
        if folded in version.forms or len(folded) < 3:
            words_out.append(word)
            continue
        candidates = corrector.suggest(folded, limit=8, maxdist=1 if len(folded) < 6 else 2, prefix=1)
        if candidates:  # the nearest word, and of those the most used
            best = min(candidates, key=lambda c: (edit_distance(folded, c), -searcher.doc_frequency("exact", c)))
            words_out.append(version.forms.get(best, best))
            changed = True
        else:
            words_out.append(word)
    return " ".join(words_out) if changed else None


def search(index: SearchIndex, text: str, *, theme: str | None = None, limit: int = 20,
           offset: int = 0) -> SearchResults:
    """Clips matching `text` (any string), best first, each with up to 3 moments in time order."""
    version, searcher = index.searcher()
    parsed, synonyms = parse_query(text), index.synonyms()
    theme = theme or None
    if parsed.empty:
        facets = Counter(t for themes in version.clip_themes.values() for t in themes)
        return SearchResults(text, theme, 0, [], dict(facets))
    fuzzy, suggestion = False, None
    query = _clip_query(parsed, synonyms, fuzzy=False)
    matching = set(searcher.docs_for_query(query))
    if not matching:
        suggestion = _suggest(version, searcher, parsed)
        fuzzy = True
        query = _clip_query(parsed, synonyms, fuzzy=True)
        matching = set(searcher.docs_for_query(query))
    facets = Counter(t for num in matching for t in version.clip_themes.get(num, ()))
    typed = None  # synonyms widen a query, but clips matching what was typed rank first
    if any(synonyms.of(stem(w)) for w in parsed.words):
        typed = set(searcher.docs_for_query(_clip_query(parsed, Synonyms(), fuzzy)))
    if theme:
        query = And([query, Term("themes", theme)])
        total = facets.get(theme, 0)
    else:
        total = len(matching)
    hits = _ranked(searcher, query, typed, offset + limit)[offset:] if total else []
    clip_rows = [(hit.fields(), hit.score) for hit in hits]
    # after a typo, mark the words of the suggestion ("vrijwilliger" for "vrijwiliger")
    marked = parse_query(f"{text} {suggestion}") if suggestion else parsed
    moments = _moments(searcher, parsed, marked, synonyms, fuzzy, [row["clip_id"] for row, _ in clip_rows])
    clips = [ClipHit(id=row["clip_id"], film_id=row["film_id"], title=row["title"], description=row.get("description", ""),
                     themes=list(filter(None, row["themes"].split(","))), speakers=list(row.get("speakers", [])),
                     duration_ms=row.get("duration_ms", 0), score=round(score, 4),
                     moments=moments.get(row["clip_id"], []))
             for row, score in clip_rows]
    return SearchResults(text, theme, total, clips, dict(facets), suggestion, fuzzy)


def _ranked(searcher: Searcher, query: Query, first: set[int] | None, limit: int) -> list[Hit]:
    """The best `limit` hits of `query`, those in `first` (when given) before all others."""
    if not first:  # (Whoosh takes an empty filter for no filter)
        return list(searcher.search(query, limit=limit))
    hits = list(searcher.search(query, limit=limit, filter=first))
    if len(hits) < limit:
        hits += searcher.search(query, limit=limit - len(hits), mask=first)
    return hits


def _moments(searcher: Searcher, parsed: ParsedQuery, marked: ParsedQuery, synonyms: Synonyms, fuzzy: bool,
             clip_ids: Sequence[str]) -> dict[str, list[Moment]]:
    if not clip_ids:
        return {}
    best: dict[str, list[tuple[float, dict[str, Any]]]] = {}
    for hit in searcher.search(_moment_query(parsed, synonyms, fuzzy, clip_ids), limit=None):
        fields = hit.fields()
        chosen = best.setdefault(fields["clip_id"], [])
        if len(chosen) < MOMENTS_PER_CLIP:  # hits come best first
            chosen.append((hit.score, fields))
    return {clip_id: [Moment(f["start_ms"], f["end_ms"], f["text"], highlight(f["text"], marked, synonyms),
                             f.get("speaker", ""))
                      for _, f in sorted(chosen, key=lambda item: item[1]["start_ms"])]
            for clip_id, chosen in best.items()}
