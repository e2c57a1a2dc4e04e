"""Dutch text analysis for search: folding, stemming that joins what Snowball splits,
synonyms, compound parts, and a query reader that accepts any input.

The same functions analyse the index and the query, so a word and its forms meet:
*grens/grenzen*, *huis/huizen*, *brief/brieven*, *kans/kansen*, *geïntegreerd/
geintegreerd*, *buddy's/buddys/buddy*.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.analysis import Filter, RegexTokenizer, Token
from whoosh.lang import stemmer_for_language
from whoosh.lang.stopwords import stoplists

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
WORD = r"\w+(?:['’]\w+)*"
_WORD = re.compile(WORD)
_snowball_nl = stemmer_for_language("nl")

DEFAULT_SYNONYMS = """\
# Synonyms for search: one group per line, words separated by commas.
# A query for one word of a group also finds the others; exact matches still rank first.
buddy, maatje
rekrutering, werving
grenzen, afbakening
verankering, borging
impact, effect
"""


@functools.lru_cache(maxsize=500_000)  # words repeat: each distinct one is folded once
def fold(text: str) -> str:
    """Lowercase without accents: `Geïntegreerd` → `geintegreerd`, `façade` → `facade`."""
    decomposed = unicodedata.normalize("NFKD", text).lower()  # lowered after: NFKD turns 𝗕 into B
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


# Plurals no suffix rule joins to their singular (a vowel that changes, -eren): looked up
# whole, before stemming. Compounds (gezinsleden, kleinkinderen) follow through their parts.
# Not schepen: in Flanders the plural of schip is also an alderman.
IRREGULAR_PLURALS = {
    "kinderen": "kind", "eieren": "ei", "bladeren": "blad", "liederen": "lied", "volkeren": "volk",
    "runderen": "rund", "kalveren": "kalf", "lammeren": "lam", "steden": "stad", "leden": "lid",
    "smeden": "smid", "uren": "uur", "koeien": "koe", "vlooien": "vlo",
}


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball Dutch, then joins what it splits: a stem-final z/v becomes s/f (grenz → grens,
    briev → brief, kaz → kas), a doubled s is undoubled (less → les, like les), a final s goes
    (grens, kans → gren, kan, like grenzen, kansen) and so does the e of a plural in -es
    (maatjes, gemeentes → maatj, gemeent, like maatje, gemeente); IRREGULAR_PLURALS first."""
    word = fold(word)
    if word.endswith("'s"):
        word = word[:-2]
    word = IRREGULAR_PLURALS.get(word, word)
    stemmed = _snowball_nl(word.replace("'", ""))
    if len(stemmed) > 2 and stemmed[-1] in "zv":
        stemmed = stemmed[:-1] + ("s" if stemmed[-1] == "z" else "f")
    if len(stemmed) > 3 and stemmed.endswith("ss"):
        stemmed = stemmed[:-1]  # Snowball undoubles kk, dd and tt, not ss
    if len(stemmed) > 3 and stemmed.endswith("s") and not stemmed.endswith("ss"):
        stemmed = stemmed[:-1]
        if len(stemmed) > 3 and stemmed.endswith("e") and stemmed[-2] not in "aeiouy":
            stemmed = stemmed[:-1]  # a plural in -es: maatjes → maatj, like Snowball's maatje → maatj
    return stemmed


class FoldFilter(Filter):
    """Lowercasing and accent folding."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


class DutchStemFilter(Filter):
    """`stem` as a Whoosh filter."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


def dutch_analyzer():  # type: ignore[no-untyped-def]
    """Words → stems (`stem` folds and lowercases too: one cached call a token)."""
    return RegexTokenizer(WORD) | DutchStemFilter()


def exact_analyzer():  # type: ignore[no-untyped-def]
    """Folded words, unstemmed: the tokens (with their positions) that highlighting marks."""
    return RegexTokenizer(WORD) | FoldFilter()


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions (a typo's usual shapes)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


# --- synonyms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Synonyms:
    """Groups of words that mean the same here, joined by stem."""

    groups: dict[str, frozenset[str]] = field(default_factory=dict)  # stem -> stems of its group

    @classmethod
    def parse(cls, text: str) -> Synonyms:
        groups: dict[str, set[str]] = {}
        for line in text.splitlines():
            line = line.split("#", 1)[0]
            stems = {stem(w) for w in words(line)}
            if len(stems) < 2:
                continue
            for s in stems:
                groups.setdefault(s, set()).update(stems)
        return cls({s: frozenset(g - {s}) for s, g in groups.items()})

    @classmethod
    def load(cls, path: Path) -> Synonyms:
        """The editors' file when it exists, else the default list."""
        try:
            return cls.parse(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls.parse(DEFAULT_SYNONYMS)
        except (OSError, UnicodeDecodeError):
            return cls.parse(DEFAULT_SYNONYMS)

    def of(self, stemmed: str) -> frozenset[str]:
        return self.groups.get(stemmed, frozenset())


# --- stop words ----------------------------------------------------------------------------

DEFAULT_STOPWORDS = """\
# Stop words for search: words a query need not match (one or more a line). A query's other words
# must match; these may, and a clip saying the query's words in a row ranks higher. This file
# replaces the default list: the Snowball project's Dutch stop list (snowballstem.org).
""" + "\n".join(" ".join(sorted(stoplists["nl"])[n:n + 12]) for n in range(0, len(stoplists["nl"]), 12)) + "\n"


@dataclass(frozen=True)
class StopWords:
    """Folded words a query need not match."""

    words: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str) -> StopWords:
        return cls(frozenset(fold(w) for line in text.splitlines() for w in words(line.split("#", 1)[0])))

    @classmethod
    def load(cls, path: Path) -> StopWords:
        """The editors' file when it exists (and can be read), else the default list."""
        try:
            return cls.parse(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError):
            return cls.parse(DEFAULT_STOPWORDS)

    def content(self, query_words: Iterable[str]) -> list[str]:
        """The words that must match: those that are not stop words; all of them when every one is."""
        found = list(query_words)
        return [w for w in found if fold(w) not in self.words] or found


# --- compounds -----------------------------------------------------------------------------


def compound_parts(word: str, vocabulary: frozenset[str] | set[str]) -> list[str]:
    """The parts of a Dutch compound whose both halves are words of the catalogue:
    `vrijwilligerswerk` → [`vrijwilliger`, `werk`] (with the linking s). Folded words."""
    word = fold(word)
    if len(word) < 8:
        return []
    for cut in range(len(word) - 3, 3, -1):  # longest head first
        head, tail = word[:cut], word[cut:]
        if head not in vocabulary:
            continue
        for link in ("", "s", "e", "en"):
            if tail.startswith(link) and len(tail) - len(link) >= 3 and tail[len(link):] in vocabulary:
                return [head, tail[len(link):]]
    return []


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    """What a user typed, reduced to phrases and words; any input gives one of these."""

    phrases: tuple[tuple[str, ...], ...]  # each phrase: its words
    words: tuple[str, ...]  # words outside quotes

    @property
    def empty(self) -> bool:
        return not self.phrases and not self.words

    def all_words(self) -> list[str]:
        return [w for p in self.phrases for w in p] + list(self.words)


def parse_query(text: str) -> ParsedQuery:
    """Quotes make phrases; everything that is not a word is ignored (operators, `field:`,
    `*`, brackets, NUL bytes). Capped at MAX_QUERY_CHARS characters and MAX_QUERY_WORDS words."""
    text = text.replace("\0", " ")
    if len(text) > MAX_QUERY_CHARS:  # cut before a word the cap would split ("buddy" → "bu")
        cut = MAX_QUERY_CHARS
        while cut > 0 and _WORD.fullmatch(text[cut - 1:cut + 1]):
            cut -= 1
        text = text[:cut]
    phrases, loose = [], []
    for number, part in enumerate(text.split('"')):
        found = words(part)
        # odd parts are inside quotes; an unbalanced last quote counts as closed
        if number % 2 == 1 and len(found) > 1:
            phrases.append(tuple(found))
        else:
            loose.extend(found)
    budget = MAX_QUERY_WORDS
    kept_phrases = []
    for phrase in phrases:
        if budget <= 0:
            break
        kept_phrases.append(phrase[:budget])
        budget -= len(kept_phrases[-1])
    return ParsedQuery(tuple(kept_phrases), tuple(dict.fromkeys(loose))[:max(0, budget)])
