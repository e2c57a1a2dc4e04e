"""The clips' BM25F scores, read straight from Whoosh's postings, and the ranking of clips by how many
of a query's words they match (all first, then most), each tier by score.

The same sums as Whoosh's queries under BM25F (tests/search/test_search_scoring.py holds them to it):
Whoosh's matcher tree scores a posting at ~2 us, these loops at a fraction of that.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from whoosh import scoring
from whoosh.searching import Searcher

from catalogue.search.analysis import stem
from catalogue.search.matching import FUZZY_WEIGHT, PARTS_WEIGHT, SYNONYM_WEIGHT, QueryWord

# (field, weight) for ranking clips: a title or theme match outweighs a passing word
CLIP_FIELDS = (("title", 4.0), ("theme_titles", 3.0), ("description", 1.0), ("speaker", 1.0), ("transcript", 1.0))
PHRASE_FIELDS = tuple((name, weight) for name, weight in CLIP_FIELDS if name != "speaker")
MAX_PROXIMITY_WORDS = 6  # a query of 2-6 words said in a row, stop words included, ranks higher


class Lengths(scoring.BM25F):
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



def word_terms(word: QueryWord) -> Iterator[tuple[str, str, float, bool]]:
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


def word_scores(searcher: Searcher, weighting: Lengths, word: QueryWord) -> tuple[dict[int, float], set[int]]:
    """The clips a query word matches with their BM25F scores, and those it matches as typed.

    The same sums as Whoosh's `Or([Term(field, term, boost=weight), ...])` under BM25F, read
    straight from each term's postings: Whoosh's matcher tree scores a posting at ~2 us, this
    loop at a fraction of that, and a word is one pass however many fields it is looked up in.
    """
    scores: dict[int, float] = {}
    typed: set[int] = set()
    for name, term, weight, is_typed in word_terms(word):
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


def phrase_scores(searcher: Searcher, weighting: Lengths,
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
            for doc in all_present(rarest_first):
                starts = set(matchers[0].value_as("positions"))
                for shift, matcher in enumerate(matchers[1:], start=1):
                    starts &= {p - shift for p in matcher.value_as("positions")}
                if starts:
                    tf = len(starts)
                    scores[doc + offset] = scores.get(doc + offset, 0.0) + idf * tf / (tf + norms[doc])
                    if name == "transcript":
                        said.add(doc + offset)
    return scores, said


def all_present(matchers: Sequence[Any]) -> Iterator[int]:
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



@dataclass(frozen=True)
class Ranking:
    """The clips matching a query lexically, best first, and what each matched."""

    order: list[int]  # clip numbers: most query words matched first, then by score
    scores: dict[int, float]
    matched: dict[int, frozenset[int]]  # clip -> the indexes of the query words it matches
    typed: set[int]  # clips matching their words as typed (without the help of synonyms)
    said: set[int]  # clips whose transcript says a phrase of the query

    def complete(self, clip: int, words: int) -> bool:
        return len(self.matched.get(clip, ())) == words

    def complete_only(self, words: int) -> Ranking:
        """Only the clips matching every word (the search before partial matching)."""
        keep = [clip for clip in self.order if self.complete(clip, words)]
        return Ranking(keep, {c: self.scores[c] for c in keep}, {c: self.matched[c] for c in keep},
                       self.typed & set(keep), self.said & set(keep))


def rank_clips(searcher: Searcher, weighting: Lengths, query_words: Sequence[QueryWord],
               phrases: Sequence[tuple[str, ...]], in_a_row: Sequence[str] = ()) -> Ranking:
    """Every clip matching at least one query word, and every phrase (phrases are literal: required).

    Ranked like Meilisearch's `matchingStrategy: last` or Elasticsearch's `minimum_should_match`
    relaxed step by step: clips with all the words first, then those with most of them, each tier by
    the BM25F sum. `in_a_row`: the query's words with its stop words, when a clip saying them in a row
    should rank higher within its tier (a proximity match adds its phrase score)."""
    scores: dict[int, float] = {}
    matched: dict[int, set[int]] = {}
    typed_words: dict[int, int] = {}
    for number, word in enumerate(query_words):
        found, typed = word_scores(searcher, weighting, word)
        for clip, score in found.items():
            scores[clip] = scores.get(clip, 0.0) + score
            matched.setdefault(clip, set()).add(number)
            typed_words[clip] = typed_words.get(clip, 0) + (clip in typed)
    said: set[int] = set()
    for n, phrase in enumerate(phrases):
        found, in_transcript = phrase_scores(searcher, weighting, phrase)
        said |= in_transcript
        if n == 0 and not query_words:
            scores = dict(found)
        else:
            scores = {clip: score + found[clip] for clip, score in scores.items() if clip in found}
    if 2 <= len(in_a_row) <= MAX_PROXIMITY_WORDS and not phrases:
        for clip, score in phrase_scores(searcher, weighting, tuple(in_a_row))[0].items():
            if clip in scores:
                scores[clip] += score
    typed = {clip for clip in scores if typed_words.get(clip, 0) == len(matched.get(clip, ()))}
    order = sorted(scores, key=lambda c: (-len(matched.get(c, ())), c not in typed, -scores[c], c))
    return Ranking(order, scores, {c: frozenset(matched.get(c, ())) for c in scores}, typed, said)
