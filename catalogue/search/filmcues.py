"""The moments of one film by what is said in them: the studio's search over a film's cues, with
the catalogue search's Dutch analysis, matching and highlighting (catalogue.search.matching).

Each cue is analysed once, when the film's cues are loaded (stems in order, folded words, compound
parts over the film's own vocabulary), and every term points to the cues that hold it. A search
intersects those lists for a few candidate cues and lets `match_cue` decide, as the catalogue
search does with the rows its SQL prefilter returns: about a millisecond for a 3-hour film.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from catalogue.search.analysis import ParsedQuery, Synonyms, parse_query, stem, words
from catalogue.search.matching import (Analysed, QueryWord, marker, match_cue, near_words, says, suggest_spelling,
                                vocabulary_of, words_within)
from catalogue.model import Cue

MAX_FUZZY_WORDS = 6  # as the catalogue search: typo expansion is the costly part, so bounded
MAX_NEAR_CACHED = 1000


@dataclass(frozen=True)
class CueHit:
    index: int  # the cue's place in the sequence FilmCues was given
    start_ms: int
    end_ms: int
    html: str  # the cue's plain text, escaped, with <mark> around the matching words


@dataclass(frozen=True)
class CueSearch:
    query: str
    hits: tuple[CueHit, ...]  # in time order
    suggestion: str | None  # the query as probably meant, when only a typo's near words matched


@dataclass(frozen=True)
class _CueTerms:
    stems: list[str]  # in order, for phrases
    folded: set[str]
    parts: set[str]


class FilmCues:
    """One film's cues, analysed once (per film and version of its transcript); `search` many times."""

    def __init__(self, cues: Sequence[Cue], synonyms: Synonyms) -> None:
        self.synonyms = synonyms
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
        """The cues saying every word of `query` (any string; in one of its forms, a synonym or as a
        part of a compound) and its phrases in order, in time order, at most `limit`; when none
        does, those a typo away, with the spelling meant."""
        parsed = parse_query(query)
        if parsed.empty:
            return CueSearch(query, (), None)
        query_words = [QueryWord.of(w, self.synonyms) for w in parsed.words]
        phrases = [[stem(w) for w in phrase] for phrase in parsed.phrases]
        found = self._matching(query_words, phrases)
        suggestion = None
        if not found:  # nothing: forgive typos, and say what was probably meant
            query_words = [self._with_near(w, n < MAX_FUZZY_WORDS) for n, w in enumerate(query_words)]
            budget = max(0, MAX_FUZZY_WORDS - len(query_words))
            phrase_words = [self._with_near(QueryWord.of(w, self.synonyms), n < budget)
                            for n, w in enumerate(w for p in parsed.phrases for w in p)]
            suggestion = suggest_spelling(parsed, [*query_words, *phrase_words], self._forms)
            found = self._matching(query_words, phrases)  # a phrase still as typed, as in the catalogue
        mark = marker(self._marked(parsed, query_words, suggestion), lambda folded: self._by_word.word(folded)[2])
        hits = tuple(CueHit(self._order[p], self._cues[p].start_ms, self._cues[p].end_ms, mark(self._texts[p]))
                     for p in sorted(found)[:max(0, limit)])
        return CueSearch(query, hits, suggestion)

    def _matching(self, query_words: Sequence[QueryWord], phrases: Sequence[list[str]]) -> set[int]:
        """Positions of the cues matching every word and phrase; a phrase said across two
        consecutive cues makes both of them hits (the query's words may then be in either)."""
        wanted = len(query_words) + len(phrases)
        found = {p for p in self._candidates(query_words, phrases)
                 if self._match(self._analysed[p], query_words, phrases) == wanted}
        for p in self._across(query_words, phrases):
            first, second = self._analysed[p], self._analysed[p + 1]
            joined = _CueTerms(first.stems + second.stems, first.folded | second.folded, first.parts | second.parts)
            if self._match(joined, query_words, phrases) == wanted:
                found.update((p, p + 1))
        return found

    @staticmethod
    def _match(cue: _CueTerms, query_words: Sequence[QueryWord], phrases: Sequence[list[str]]) -> int:
        # no speaker: a hit says the words, who speaks them does not count
        return match_cue(cue.stems, cue.folded, cue.parts, set(), query_words, phrases)[0]

    def _candidates(self, query_words: Sequence[QueryWord], phrases: Sequence[list[str]]) -> set[int]:
        """Cues holding some form of every query word and every stem of each phrase (a superset)."""
        needs = [_forms(w) for w in query_words] + [(s,) for phrase in phrases for s in phrase]
        lists = sorted((self._holding(terms) for terms in needs), key=len)
        found = set(lists[0])
        for other in lists[1:]:
            found.intersection_update(other)
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
