"""A search: what a professional types, answered with clips and the moments to play.

1. The query's words, less its stop words (catalogue.search.analysis.StopWords), are what must match:
   the clips matching all of them first, then those matching most (catalogue.search.scoring).
   "Phrases in quotes" are literal and required. A word no clip matches, that the catalogue does not
   know and that is not Dutch (catalogue.search.dutch), is taken for a typo: the catalogue's words a
   typo away stand in for it, and the query as probably meant is suggested.
2. Meaning: the query's vector against the units and sentences of speech (catalogue.search.semantic);
   the clips most like it join the lexical ranking by reciprocal rank fusion, where a clip's lexical
   vote counts by the share of the query it matches (its words' idf over the query's, squared): a clip
   matching one common word of a paraphrase hardly outvotes what meaning finds. A clip found by
   meaning alone is *related*: its moment is the start of its sentence or stretch most like the
   query, and nothing is marked. Meaning reorders what the words found; it adds clips of its own only
   when no clip matches every word (a question, a paraphrase); when no word matched at all, only for a
   query of several words, and only what is clearly like it.
3. The order: clips matching every word first, in the words' order (BM25F; as typed before through a
   synonym), then the rest by the fused score. Facets count every clip found, before the theme filter.
"""

from __future__ import annotations

import sqlite3
import struct
import threading
from collections import Counter
from collections.abc import Sequence

from whoosh.searching import Searcher

from catalogue.search import semantic
from catalogue.search.analysis import ParsedQuery, Synonyms, parse_query, stem, words
from catalogue.search.dutch import is_dutch
from catalogue.search.encoder import encoder
from catalogue.search.index import SearchIndex, _Version, damaged
from catalogue.search.matching import QueryWord, near_words, suggest_spelling
from catalogue.search.moments import moments, related_moment
from catalogue.search.results import ClipHit, Moment, SearchResults
from catalogue.search.scoring import Ranking, rank_clips

MAX_FUZZY_WORDS = 6
COVERAGE_POWER = 2  # a clip's lexical vote: 1/(k + rank) x (share of the query's idf it matches) ** this


# A search is CPU work: more of them at once than this (per process) adds memory (a searcher, a cue
# connection and scratch arrays each), not speed; the others wait their turn
AT_ONCE = 4
_AT_ONCE = threading.BoundedSemaphore(AT_ONCE)
MODES = ("fused", "words", "meaning", "strict")  # what scripts/bench_search.py compares; only "fused" is served


def search(index: SearchIndex, text: str, *, theme: str | None = None, limit: int = 20,
           offset: int = 0, mode: str = "fused") -> SearchResults:
    """Clips answering `text` (any string), best first, each with up to 3 moments in time order.

    `mode` is for measuring: "words" leaves meaning out, "meaning" the words, and "strict" is the
    search before issue 18 (every word required, stop words too; typos forgiven when nothing matched)."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: one of {', '.join(MODES)}")
    with _AT_ONCE, index.session() as (version, searcher, cues_db):
        try:
            return _search(index, version, searcher, cues_db, text, theme or None, limit, offset, mode)
        except (struct.error, EOFError, OSError, sqlite3.DatabaseError) as exc:  # damage found late
            raise damaged(version.folder, exc) from exc


def _search(index: SearchIndex, version: _Version, searcher: Searcher, db: sqlite3.Connection, text: str,
            theme: str | None, limit: int, offset: int, mode: str) -> SearchResults:
    parsed = parse_query(text)
    if parsed.empty:
        facets = Counter(t for themes in version.clip_themes.values() for t in themes)
        return SearchResults(text, theme, 0, [], dict(facets))
    synonyms = index.synonyms()
    strict = mode == "strict"
    content = (list(parsed.words) if strict else index.stopwords().content(parsed.words)) if parsed.words else []
    query_words = [QueryWord.of(w, synonyms) for w in content] if mode != "meaning" else []
    ranking = rank_clips(searcher, version.weighting, query_words, parsed.phrases if mode != "meaning" else (),
                         () if strict else parsed.words)
    if strict:
        ranking = ranking.complete_only(len(query_words))
    query_words, phrase_words, fuzzy = _forgive_typos(version, searcher, db, synonyms, parsed, query_words, ranking,
                                                      strict)
    if fuzzy:
        ranking = rank_clips(searcher, version.weighting, query_words, parsed.phrases, () if strict else parsed.words)
        ranking = ranking.complete_only(len(query_words)) if strict else ranking
    suggestion = suggest_spelling(parsed, [*query_words, *phrase_words], version.forms)
    unknown = [w.text for n, w in enumerate(query_words)
               if not w.near and not any(n in found for found in ranking.matched.values())]
    # meaning is for several words (a one-word query keeps its literal order and adds nothing of meaning)
    wanted = mode == "meaning" or (mode == "fused" and len(query_words) >= 2 and not parsed.phrases)
    query_vector = encoder(index.work_dir, compact=True).encode([" ".join(parsed.words)])[0] if wanted else None
    likeness = version.vectors.likeness(query_vector, ranking.order) if query_vector is not None else None
    weights = [searcher.idf("transcript", w.stem) for w in query_words]  # a word said nowhere: the highest
    found, fused = _order(ranking, likeness.clips if likeness else {}, weights, mode)
    facets = Counter(t for clip in found for t in version.clip_themes.get(clip, ()))
    if theme:
        found = [clip for clip in found if theme in version.clip_themes.get(clip, ())]
    page = found[offset:offset + limit]
    marked = [*query_words, *(QueryWord.of(w, synonyms) for p in parsed.phrases for w in p)]
    if suggestion:
        marked += [QueryWord.of(w, synonyms) for w in words(suggestion)]
    clips = _hits(version, searcher, db, page, ranking, parsed, query_words, marked, fused, likeness)
    return SearchResults(text, theme, len(found), clips, dict(facets), suggestion, fuzzy, unknown)


def _order(ranking: Ranking, similar: dict[int, float], weights: Sequence[float],
           mode: str) -> tuple[list[int], dict[int, float]]:
    """The clips found, in order, and their fused scores. `weights`: each query word's idf."""
    if mode == "meaning":
        ranked = semantic.related(similar, top=semantic.MEANING_ONLY_TOP, floor=-1.0)
        return ranked, semantic.fuse(ranked)
    words_count = len(weights)
    alike = semantic.related(similar, top=len(similar))  # every clip like the query, most alike first
    similar_first = alike[:semantic.RELATED_MAX]  # the clips meaning may add
    addable = set(similar_first)
    # meaning's vote, for every clip like the query (a clip the words found may be past its first ten)
    fused = {clip: score for clip, score in semantic.fuse(alike).items() if clip in ranking.scores or clip in addable}
    total = sum(weights) or 1.0
    for rank, clip in enumerate(ranking.order, start=1):  # the words' vote, by the share of the query matched
        share = sum(weights[n] for n in ranking.matched.get(clip, ())) / total if weights else 1.0
        fused[clip] = fused.get(clip, 0.0) + share ** COVERAGE_POWER / (semantic.RRF_K + rank)
    answered = any(ranking.complete(c, words_count) for c in ranking.order)
    if answered or (not ranking.order and (words_count < 2 or not similar_first
                                           or similar[similar_first[0]] < semantic.RELATED_ALONE_SIMILARITY)):
        # meaning reorders what the words found; it adds clips of its own only when no clip has every word
        # (and, when no word is in the catalogue at all, only for a query of several words, and only what
        # is clearly like it: a single word the catalogue does not have is taken literally)
        fused = {clip: score for clip, score in fused.items() if clip in ranking.scores}
    lexical = {clip: rank for rank, clip in enumerate(ranking.order)}
    complete = {clip for clip in ranking.order if ranking.complete(clip, words_count)}
    # what has every word keeps the words' order (title and theme over a passing word, the word over a
    # compound of it, as typed over a synonym); the rest goes by the fused score
    return sorted(fused, key=lambda c: (c not in complete, lexical[c] if c in complete else 0, -fused[c], c)), fused


def _forgive_typos(version: _Version, searcher: Searcher, db: sqlite3.Connection, synonyms: Synonyms,
                   parsed: ParsedQuery, query_words: list[QueryWord], ranking: Ranking, strict: bool = False
                   ) -> tuple[list[QueryWord], list[QueryWord], bool]:
    """The query words, each one that matched nothing, is not the catalogue's and is not Dutch with
    the catalogue's words a typo away; the phrases' words likewise (for the suggestion only: a phrase
    stays literal); and whether any word was widened."""
    matched = set().union(*ranking.matched.values()) if ranking.matched else set()

    def typo(word: QueryWord) -> bool:
        if strict:  # before issue 18: any word, when nothing was found
            return not ranking.order
        return word.folded not in version.forms and not is_dutch(db, word.folded)

    widened = [_with_near(version, searcher, synonyms, w,
                          n < MAX_FUZZY_WORDS and (strict or n not in matched) and typo(w))
               for n, w in enumerate(query_words)]
    budget = max(0, MAX_FUZZY_WORDS - len(query_words))  # typo expansion is the costly part: bounded
    said = [QueryWord.of(w, synonyms) for p in parsed.phrases for w in p]
    phrase_words = [_with_near(version, searcher, synonyms, w, n < budget and typo(w)) for n, w in enumerate(said)]
    return widened, phrase_words, any(w.near for w in widened)


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


def _hits(version: _Version, searcher: Searcher, db: sqlite3.Connection, page: Sequence[int], ranking: Ranking,
          parsed: ParsedQuery, query_words: Sequence[QueryWord], marked: Sequence[QueryWord],
          fused: dict[int, float], likeness: semantic.Likeness | None) -> list[ClipHit]:
    rows = {clip: searcher.stored_fields(clip) for clip in page}
    literal = [clip for clip in page if clip in ranking.scores]
    said = {rows[clip]["clip_id"] for clip in literal if clip in ranking.said}
    found = moments(db, [rows[clip]["clip_id"] for clip in literal], parsed, query_words, marked, said)
    phrases = ['"' + " ".join(p) + '"' for p in parsed.phrases]
    hits = []
    for clip in page:
        row = rows[clip]
        is_related = clip not in ranking.scores
        if is_related:
            clip_moments = _related_moments(version, db, clip, row["clip_id"], likeness)
            matched: list[str] = []
        else:
            clip_moments = found.get(row["clip_id"], [])
            matched = [w.text for n, w in enumerate(query_words) if n in ranking.matched[clip]] + phrases
        missing = [w.text for n, w in enumerate(query_words) if is_related or n not in ranking.matched[clip]]
        hits.append(ClipHit(id=row["clip_id"], film_id=row["film_id"], title=row["title"],
                            description=row.get("description", ""), themes=list(filter(None, row["themes"].split(","))),
                            speakers=list(row.get("speakers", [])), duration_ms=row.get("duration_ms", 0),
                            score=round(fused.get(clip, 0.0), 5), moments=clip_moments, matched=matched,
                            missing=missing, related=is_related))
    return hits


def _related_moments(version: _Version, db: sqlite3.Connection, clip: int, clip_id: str,
                     likeness: semantic.Likeness | None) -> list[Moment]:
    span = version.vectors.moment(db, clip, likeness) if likeness is not None else None
    if span is None:
        return []
    moment = related_moment(db, clip_id, *span)
    return [moment] if moment else []
