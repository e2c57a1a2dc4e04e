"""The moments of one film by what is said in them: the studio's search over a film's cues, with
the catalogue search's Dutch analysis, matching and highlighting (catalogue.search.matching).

Each cue is analysed once, when the film's cues are loaded (stems in order, folded words, compound
parts over the film's own vocabulary), and every term points to the cues that hold it. A search
intersects those lists for a few candidate cues and lets `match_cue` decide, as the catalogue
search does with the rows its SQL prefilter returns: about a millisecond for a 3-hour film.
"""

from __future__ import annotations

import html
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass

import numpy as np

from catalogue.errors import CatalogueError
from catalogue.model import Cue
from catalogue.search import dutch, semantic
from catalogue.search.analysis import DEFAULT_STOPWORDS, ParsedQuery, StopWords, Synonyms, parse_query, stem, words
from catalogue.search.matching import (Analysed, QueryWord, marker, match_cue, near_words, says, suggest_spelling,
                                       vocabulary_of, words_within)
from catalogue.search.encoder import embed_all, encoder
from catalogue.settings import Settings, user_cache_dir

MAX_FUZZY_WORDS = 6  # as the catalogue search: typo expansion is the costly part, so bounded
MAX_NEAR_CACHED = 1000
RELATED_MOMENTS = 5  # stretches of the film found by meaning alone, at most


@dataclass(frozen=True)
class CueHit:
    index: int  # the cue's place in the sequence FilmCues was given
    start_ms: int
    end_ms: int
    html: str  # the cue's plain text, escaped, with <mark> around the matching words (none when related)
    related: bool = False  # the start of a stretch like the query in meaning, not a match of its words


@dataclass(frozen=True)
class CueSearch:
    query: str
    hits: tuple[CueHit, ...]  # in time order
    suggestion: str | None  # the query as probably meant, when only a typo's near words matched
    missing: tuple[str, ...] = ()  # the query's words no hit says ("Niet gevonden")


class Meaning:
    """What FilmCues needs for meaning: vectors of texts (cached) and of a query."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], query: Callable[[str], np.ndarray]) -> None:
        self.embed, self.query = embed, query


@dataclass(frozen=True)
class _CueTerms:
    stems: list[str]  # in order, for phrases
    folded: set[str]
    parts: set[str]


class FilmCues:
    """One film's cues, analysed once (per film and version of its transcript); `search` many times."""

    def __init__(self, cues: Sequence[Cue], synonyms: Synonyms, stopwords: StopWords | None = None,
                 is_dutch: Callable[[str], bool] = lambda folded: False, meaning: Meaning | None = None) -> None:
        self.synonyms = synonyms
        self.stopwords = stopwords or StopWords.parse(DEFAULT_STOPWORDS)
        self.is_dutch = is_dutch  # a word the film does not have, but Dutch: never "corrected"
        self.meaning = meaning
        self._windows: tuple[list[semantic.Unit], np.ndarray] | None = None
        # time order: hits are listed in it, and a phrase may run on into the next cue in it
        self._order = sorted(range(len(cues)), key=lambda i: (cues[i].start_ms, cues[i].end_ms, i))
        self._cues = [cues[i] for i in self._order]
        self._texts = [cue.plain for cue in self._cues]
        vocabulary, self._forms = vocabulary_of(self._texts)
        self._words = sorted(vocabulary)  # for the typo automaton
        self._by_word = Analysed(vocabulary)  # and kept: highlighting asks it for compounds' parts
        self._analysed: list[_CueTerms] = []
        self._postings: dict[str, list[int]] = {}  # term (stem, folded word, part) -> positions in time order
        self._stem_cues: Counter[str] = Counter()  # stem -> cues saying it: near words rank by it
        self._near_cache: dict[str, tuple[str, ...]] = {}
        for position, text in enumerate(self._texts):
            stems, folded, parts = self._by_word.text(text)
            self._analysed.append(_CueTerms(stems, set(folded), set(parts)))
            self._stem_cues.update(set(stems))
            for term in {*stems, *folded, *parts}:
                self._postings.setdefault(term, []).append(position)

    def __len__(self) -> int:
        return len(self._cues)

    def search(self, query: str, limit: int = 200) -> CueSearch:
        """The cues saying every word of `query` that matters (any string; in one of its forms, a synonym
        or as a part of a compound) and its phrases in order, in time order, at most `limit`; when no cue
        says them all, those saying most of them; when none says any, those a typo away, with the
        spelling meant. With `meaning`, stretches like a question of several words are added as related."""
        parsed = parse_query(query)
        if parsed.empty:
            return CueSearch(query, (), None)
        query_words = [QueryWord.of(w, self.synonyms) for w in self.stopwords.content(parsed.words)] \
            if parsed.words else []
        phrases = [[stem(w) for w in phrase] for phrase in parsed.phrases]
        unknown = [not self._holding(_forms(w)) and w.folded not in self._forms and not self.is_dutch(w.folded)
                   for w in query_words]
        if not any(unknown) and not self._matching(query_words, phrases)[0]:
            unknown = [w.folded not in self._forms and not self.is_dutch(w.folded) for w in query_words]
        # a word the film does not have and that is not Dutch: forgive the typo, say what was probably meant
        query_words = [self._with_near(w, n < MAX_FUZZY_WORDS and unknown[n]) for n, w in enumerate(query_words)]
        budget = max(0, MAX_FUZZY_WORDS - len(query_words))
        phrase_words = [self._with_near(QueryWord.of(w, self.synonyms), n < budget and not self.is_dutch(w))
                        for n, w in enumerate(w for p in parsed.phrases for w in p)]
        suggestion = suggest_spelling(parsed, [*query_words, *phrase_words], self._forms)
        found, matched = self._matching(query_words, phrases)  # a phrase still as typed, as in the catalogue
        mark = marker(self._marked(parsed, query_words, suggestion), lambda folded: self._by_word.word(folded)[2])
        hits = [CueHit(self._order[p], self._cues[p].start_ms, self._cues[p].end_ms, mark(self._texts[p]))
                for p in sorted(found)[:max(0, limit)]]
        if len(query_words) >= 2 and matched < len(query_words) and not phrases and self.meaning is not None:
            hits += self._related(" ".join(parsed.words), set(found))
        hits.sort(key=lambda hit: (hit.start_ms, hit.related))
        missing = tuple(w.text for w in query_words if not any(self._says(p, w) for p in found))
        return CueSearch(query, tuple(hits[:max(0, limit)]), suggestion, missing)

    def _says(self, position: int, word: QueryWord) -> bool:
        cue = self._analysed[position]
        return bool(match_cue(cue.stems, cue.folded, cue.parts, set(), [word], [])[0])

    def _related(self, text: str, found: set[int]) -> list[CueHit]:
        """The first cue of each of the film's stretches (windows and sentences) most like `text` in
        meaning, each cue once, not already found."""
        assert self.meaning is not None
        if self._windows is None:
            units = [u for u in semantic.plan_units("film", "", "", self._cues) if u.first >= 0]
            units += semantic.plan_sentences("film", self._cues)
            vectors = self.meaning.embed([u.text for u in units]) if units else np.zeros((0, 1), dtype=np.float32)
            self._windows = (units, vectors)
        units, vectors = self._windows
        if not units:
            return []
        similar = vectors @ self.meaning.query(text)
        alike = [units[i].first for i in np.argsort(-similar) if similar[i] >= semantic.RELATED_MIN_SIMILARITY]
        return [CueHit(self._order[first], self._cues[first].start_ms, self._cues[first].end_ms,
                       html.escape(self._texts[first]), related=True)
                for first in list(dict.fromkeys(alike))[:RELATED_MOMENTS] if first not in found]

    def _matching(self, query_words: Sequence[QueryWord], phrases: Sequence[list[str]]) -> tuple[set[int], int]:
        """Positions of the cues matching the most of the words (every phrase required), and how many
        words that is; a phrase said across two consecutive cues makes both of them hits."""
        if not query_words and not phrases:
            return set(), 0
        counted: dict[int, int] = {}
        for p in self._candidates(query_words, phrases):
            counted[p] = self._match(self._analysed[p], query_words, phrases)
        for p in self._across(query_words, phrases):
            first, second = self._analysed[p], self._analysed[p + 1]
            joined = _CueTerms(first.stems + second.stems, first.folded | second.folded, first.parts | second.parts)
            score = self._match(joined, query_words, phrases)
            for q in (p, p + 1):
                counted[q] = max(counted.get(q, 0), score)
        best = max((n for n in counted.values()), default=0)
        if best < len(phrases) + 1 - (not query_words):  # a phrase is required; at least one word too
            return set(), 0
        return {p for p, n in counted.items() if n == best}, best - len(phrases)

    @staticmethod
    def _match(cue: _CueTerms, query_words: Sequence[QueryWord], phrases: Sequence[list[str]]) -> int:
        # no speaker: a hit says the words, who speaks them does not count
        return match_cue(cue.stems, cue.folded, cue.parts, set(), query_words, phrases)[0]

    def _candidates(self, query_words: Sequence[QueryWord], phrases: Sequence[list[str]]) -> set[int]:
        """Cues holding every stem of each phrase and some form of at least one query word (a superset)."""
        found: set[int] = set()
        for word in query_words:
            found.update(self._holding(_forms(word)))
        for phrase in phrases:
            holding = set(self._holding([phrase[0]]))
            for s in phrase[1:]:
                holding.intersection_update(self._holding([s]))
            found = holding if not query_words and phrase is phrases[0] else found & holding
        return found

    def _across(self, query_words: Sequence[QueryWord], phrases: Sequence[list[str]]) -> list[int]:
        """Positions p where a phrase runs from cue p into cue p + 1 (and says it in neither alone)."""
        starts = set()
        for phrase in phrases:
            ends = set(self._holding([phrase[-1]]))
            for p in self._holding([phrase[0]]):
                if p + 1 in ends and not says(self._analysed[p].stems, phrase) \
                        and not says(self._analysed[p + 1].stems, phrase) \
                        and says(self._analysed[p].stems + self._analysed[p + 1].stems, phrase):
                    starts.add(p)
        return sorted(starts)

    def _holding(self, terms: Iterable[str]) -> set[int] | list[int]:
        lists = [self._postings[t] for t in dict.fromkeys(terms) if t in self._postings]
        if len(lists) == 1:
            return lists[0]
        return set().union(*lists)

    def _with_near(self, word: QueryWord, allowed: bool) -> QueryWord:
        """`word` with the film's words a typo away and their synonyms (catalogue.search.index's rule)."""
        if not allowed or word.folded in self._forms:
            return word
        near = self._near(word.folded)
        widened = word.synonyms.union(*(self.synonyms.of(stem(n)) for n in near))
        return QueryWord(word.text, word.stem, word.folded, widened, near)

    def _near(self, folded: str) -> tuple[str, ...]:
        near = self._near_cache.get(folded)
        if near is None:  # an editor retypes while searching: the same typo, again and again
            near = near_words(folded, lambda w, edits: words_within(self._words, w, edits),
                              lambda w: self._stem_cues[stem(w)])
            if len(self._near_cache) < MAX_NEAR_CACHED:
                self._near_cache[folded] = near
        return near

    def _marked(self, parsed: ParsedQuery, query_words: Sequence[QueryWord],
                suggestion: str | None) -> list[QueryWord]:
        """What the hits mark: the words (with their near words), the phrases' words, the suggestion's."""
        marked = [*query_words, *(QueryWord.of(w, self.synonyms) for p in parsed.phrases for w in p)]
        if suggestion:
            marked += [QueryWord.of(w, self.synonyms) for w in words(suggestion)]
        return marked


def _forms(word: QueryWord) -> tuple[str, ...]:
    """The terms a cue must hold one of to match `word` (those catalogue.search.index prefilters on)."""
    return (word.stem, word.folded, *word.synonyms, *word.near, *map(stem, word.near))


def film_cues(cues: Sequence[Cue], settings: Settings) -> FilmCues:
    """A film's cues as the studio searches them: the root's synonyms and stop words, the Dutch word
    list, and meaning through the root's embedding cache (a film's stretches are embedded at its first
    question, then cached)."""
    cache = semantic.EmbeddingCache(settings.embeddings_dir)
    meaning = Meaning(lambda texts: cache.embed(texts, lambda todo: embed_all(todo, user_cache_dir()))[0],
                      lambda text: encoder(user_cache_dir(), compact=True).encode([text])[0])
    return FilmCues(cues, Synonyms.load(settings.root / "synonyms.txt"), StopWords.load(settings.root / "stopwords.txt"),
                    _dutch_lookup(), meaning)


def _dutch_lookup() -> Callable[[str], bool]:
    try:
        path = dutch.words_db(user_cache_dir())
    except CatalogueError:
        return lambda folded: False  # without the list, every word the film lacks may be a typo

    def is_dutch(folded: str) -> bool:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return db.execute("SELECT 1 FROM words WHERE word = ?", (folded,)).fetchone() is not None
    return is_dutch
