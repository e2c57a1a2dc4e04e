"""Whether a cue says what a query asks, and its text with those words marked: one test and one
highlighting for the catalogue's search (catalogue.search.index) and the studio's (catalogue.search.filmcues).

A cue is analysed once into its stems (in order), folded words and compound parts' stems; a query
word is its stem, folded form, synonyms and, after a typo, the words of the vocabulary near it.
"""

from __future__ import annotations

import bisect
import html
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from whoosh.automata import lev  # type: ignore[import-untyped]

from catalogue.search.analysis import WORD, ParsedQuery, Synonyms, compound_parts, edit_distance, fold, stem, words

SYNONYM_WEIGHT, PARTS_WEIGHT, FUZZY_WEIGHT = 0.5, 0.6, 0.5
PHRASE_SCORE = 3.0  # a cue saying a phrase of the query, against 1.0-1.5 for a word
MAX_FUZZY_TERMS = 8
_WORD = re.compile(WORD)


def vocabulary_of(texts: Sequence[str]) -> tuple[frozenset[str], dict[str, str]]:
    """Folded words of the texts, and for each the form most often written."""
    written = Counter(word.lower() for text in texts for word in words(text))
    forms: dict[str, Counter[str]] = {}
    for form, count in written.items():  # fold each distinct form once
        forms.setdefault(fold(form), Counter())[form] = count
    return frozenset(forms), {folded: counts.most_common(1)[0][0] for folded, counts in forms.items()}


class Analysed:
    """Per distinct word, once per build: its stem, folded form and compound parts' stems."""

    def __init__(self, vocabulary: frozenset[str]) -> None:
        self.vocabulary = vocabulary
        self.cache: dict[str, tuple[str, str, tuple[str, ...]]] = {}

    def word(self, word: str) -> tuple[str, str, tuple[str, ...]]:
        found = self.cache.get(word)
        if found is None:
            folded = fold(word)
            found = (stem(word), folded, tuple(stem(p) for p in compound_parts(folded, self.vocabulary)))
            self.cache[word] = found
        return found

    def text(self, text: str) -> tuple[list[str], list[str], list[str]]:
        """Stems in order, folded words, part stems."""
        stems: list[str] = []
        folded: list[str] = []
        parts: list[str] = []
        for word in words(text):
            s, f, p = self.word(word)
            stems.append(s)
            folded.append(f)
            parts.extend(p)
        return stems, folded, parts


@dataclass(frozen=True)
class QueryWord:
    """A query word with everything it may match: its stem, folded form, synonyms, and
    after a typo the nearby words of the index."""

    text: str
    stem: str
    folded: str
    synonyms: frozenset[str]
    near: tuple[str, ...] = ()  # folded words within edit distance (typo fallback)

    @classmethod
    def of(cls, text: str, synonyms: Synonyms) -> QueryWord:
        return cls(text, stem(text), fold(text), synonyms.of(stem(text)))


# --- typos -------------------------------------------------------------------------------------


def words_within(ordered: Sequence[str], folded: str, maxdist: int) -> list[str]:
    """Words of `ordered` (folded, sorted) within `maxdist` edits of `folded` that share its first
    letter: a Levenshtein automaton walked over the list, each step a bisect."""
    found = []
    dfa = lev.levenshtein_automaton(folded, maxdist, prefix=1).to_dfa()
    match = dfa.next_valid_string("")
    while match:
        at = bisect.bisect_left(ordered, match)
        if at == len(ordered):
            break
        key = ordered[at]
        if key == match:
            found.append(key)
            key += "\0"
        match = dfa.next_valid_string(key)
    return found


def near_words(folded: str, within: Callable[[str, int], list[str]],
               frequency: Callable[[str], int]) -> tuple[str, ...]:
    """Words `within(folded, edits)` finds a typo from `folded`: nearest first, then most used
    (`frequency`). One edit first (most typos, and a far cheaper automaton); two only for long
    words that have no word one edit away."""
    if len(folded) < 4:
        return ()
    found = [w for w in within(folded, 1) if w != folded]
    if not found and len(folded) >= 8:
        found = [w for w in within(folded, 2) if w != folded]
    found.sort(key=lambda w: (edit_distance(folded, w), -frequency(w), w))
    return tuple(found[:MAX_FUZZY_TERMS])


def suggest_spelling(parsed: ParsedQuery, query_words: Sequence[QueryWord], forms: Mapping[str, str]) -> str | None:
    """The query with each unknown word (not in `forms`: folded → as written) replaced by the
    nearest word of the vocabulary."""
    nearest = {w.text: w.near[0] for w in query_words if w.near and w.folded not in forms}
    if not nearest:
        return None
    replaced = [forms.get(nearest[w], nearest[w]) if w in nearest else w for w in parsed.all_words()]
    return " ".join(replaced)


# --- matching and marking ------------------------------------------------------------------------


def match_cue(stems: list[str], folded: set[str], parts: set[str], speaker: set[str],
              query_words: Sequence[QueryWord], phrases: Sequence[list[str]]) -> tuple[int, float]:
    """How many query parts (words, phrases) a cue matches, and how well."""
    stem_set = set(stems)
    matched, score = 0, 0.0
    for word in query_words:
        if word.folded in folded:
            matched, score = matched + 1, score + 1.5
        elif word.stem in stem_set:
            matched, score = matched + 1, score + 1.0
        elif word.stem in parts:
            matched, score = matched + 1, score + PARTS_WEIGHT
        elif word.synonyms & stem_set:
            matched, score = matched + 1, score + SYNONYM_WEIGHT
        elif any(near in folded or stem(near) in stem_set or stem(near) in parts for near in word.near):
            matched, score = matched + 1, score + FUZZY_WEIGHT
        elif word.stem in speaker:  # said by the person asked for
            matched, score = matched + 1, score + 0.3
    for phrase in phrases:
        if says(stems, phrase):
            matched, score = matched + 1, score + PHRASE_SCORE
    return matched, score


def says(stems: list[str], phrase: list[str]) -> bool:
    """Whether the phrase's stems stand in a row in `stems`."""
    return any(stems[i:i + len(phrase)] == phrase for i in range(len(stems) - len(phrase) + 1))


def marker(query_words: Sequence[QueryWord],
           parts_of: Callable[[str], Sequence[str]] | None = None) -> Callable[[str], str]:
    """A function giving a text escaped, with <mark> around words that match the query (its
    forms, synonyms, a compound that starts with it, a near word after a typo; with `parts_of`,
    folded word -> its compound parts' stems, a compound with the word as a part, as `match_cue`
    finds it). Nothing of the text becomes markup. The query's forms are gathered once, for
    every moment of a search."""
    stems: set[str] = set()
    folded_words: set[str] = set()
    heads: set[str] = set()
    part_stems: set[str] = set()
    for word in query_words:
        stems.add(word.stem)
        stems.update(word.synonyms)
        folded_words.update(word.near)
        stems.update(map(stem, word.near))
        heads.update(w for w in (word.folded, *word.near) if len(w) >= 5)
        part_stems.update((word.stem, *map(stem, word.near)))
    decided: dict[str, bool] = {}  # folded word -> marked: each distinct word is judged once

    def mark(text: str) -> str:
        out, last = [], 0
        for token in _WORD.finditer(text):  # the tokens of analysis.exact_analyzer, without Whoosh's per-token cost
            folded = fold(token.group())
            hit = decided.get(folded)
            if hit is None:
                hit = decided[folded] = (folded in folded_words or stem(folded) in stems
                                         or any(folded.startswith(h) for h in heads)
                                         or (parts_of is not None and not part_stems.isdisjoint(parts_of(folded))))
            if hit:
                out.append(html.escape(text[last:token.start()]))
                out.append(f"<mark>{html.escape(token.group())}</mark>")
                last = token.end()
        out.append(html.escape(text[last:]))
        return "".join(out)

    return mark


def highlight(text: str, parsed: ParsedQuery, synonyms: Synonyms) -> str:
    """`text` escaped, with the words of `parsed` (and their synonyms) marked."""
    return marker([QueryWord.of(w, synonyms) for w in parsed.all_words()])(text)
