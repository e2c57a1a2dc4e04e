"""The search's own scoring loops against Whoosh's: `catalogue.search.index` reads postings directly
(words, phrases) and keeps a word list for typos, for speed; here each is held to what Whoosh's
own queries, or a brute force, give on the same index."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from whoosh import scoring
from whoosh.query import Or, Phrase, Query, Term

import catalogue.search.scoring as cs
from catalogue.search import SearchIndex, build_index
from catalogue.search.index import _Version
from catalogue.search.matching import QueryWord
from catalogue.search.analysis import Synonyms, fold, stem, words
from catalogue.cutlist import Report
from catalogue.model import Clip, Cue, CutList, Film, Theme
from catalogue.settings import Settings

COMMON = "de het een en van in op met voor niet is dat die er naar ook".split()
WORDS = ("buddy maatje grens grenzen vrijwilliger vrijwilligers vrijwilligerswerk nieuwkomer nieuwkomers gemeente "
         "brief brieven huis huizen kans kansen buurt zorgzame project taal werving impact effect verankering "
         "borging afbakening gesprek verhaal toekomst samen school ouders").split()
SYNONYMS = Synonyms.parse("buddy, maatje\nimpact, effect\ngrenzen, afbakening")


def sentence(rng: random.Random) -> str:
    picked = [rng.choice(COMMON) if rng.random() < 0.45 else rng.choice(WORDS) for _ in range(rng.randint(4, 11))]
    return " ".join(picked).capitalize() + "."


@pytest.fixture(scope="module")
def version(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Version]:
    """120 clips of 15-40 generated cues: frequent and rare words, repeats, inflections, compounds."""
    rng = random.Random(11)
    root: Path = tmp_path_factory.mktemp("scoring")
    themes = (Theme("rekrutering", "Rekrutering"), Theme("impact", "Impact en effect"))
    cues, clips, t = [], [], 0
    for n in range(120):
        start = t
        for _ in range(rng.randint(15, 40)):
            cues.append(Cue(t, t + 2500, sentence(rng)))
            t += 3000
        clips.append(Clip(f"clip-{n}", "film", sentence(rng)[:40], (rng.choice(themes).id,), start, t,
                          description=sentence(rng) if n % 3 else ""))
    film = Film("film", "Film", root / "film.mp4", "nl")
    report = Report(cutlists=[CutList(root / "film.toml", film, themes, tuple(clips))], cues={("film", "nl"): cues})
    settings = Settings(root)
    build_index(settings, report.catalogue(), report)
    index = SearchIndex(settings)
    yield index.version()
    index.close()


def whoosh_scores(version: _Version, query: Query) -> dict[int, float]:
    """Scores from Whoosh's own matchers under its stock BM25F (lengths read from the files)."""
    with version.index.searcher(weighting=scoring.BM25F()) as searcher:
        return {num: score for score, num in searcher.search(query, limit=None).top_n}


QUERY_WORDS = [*WORDS, *COMMON[:6], "Grenzen", "VRIJWILLIGER", "buurten", "onbekend"]


@pytest.mark.parametrize("text", QUERY_WORDS)
def test_word_scores_equal_whoosh_or_of_terms(version: _Version, text: str) -> None:
    word = QueryWord.of(text, SYNONYMS)
    terms = list(cs.word_terms(word))
    with version.searcher() as searcher:
        scores, typed = cs.word_scores(searcher, version.weighting, word)
    expected = whoosh_scores(version, Or([Term(name, term, boost=weight) for name, term, weight, _ in terms]))
    assert scores.keys() == expected.keys()
    assert all(scores[num] == pytest.approx(expected[num], rel=1e-9) for num in expected)
    typed_terms = [Term(name, term) for name, term, _, is_typed in terms if is_typed]
    assert typed == set(whoosh_scores(version, Or(typed_terms)))
    if text != "onbekend":
        assert scores  # the comparison is about something


def test_word_scores_after_a_typo_include_the_near_words(version: _Version) -> None:
    word = QueryWord("vrijwiliger", stem("vrijwiliger"), "vrijwiliger", frozenset(), ("vrijwilliger",))
    with version.searcher() as searcher:
        scores, typed = cs.word_scores(searcher, version.weighting, word)
    expected = whoosh_scores(version, Or([Term(n, t, boost=w) for n, t, w, _ in cs.word_terms(word)]))
    assert scores and scores.keys() == expected.keys() == typed


def phrases(version: _Version) -> list[tuple[str, ...]]:
    rng = random.Random(5)
    with closing(version.connect()) as db:
        texts = [text for (text,) in db.execute("SELECT text FROM cues ORDER BY random() LIMIT 60")]
    found: list[tuple[str, ...]] = []
    for text in texts:
        ws = words(text)
        n = rng.choice((2, 2, 3, 4))
        if len(ws) >= n:
            at = rng.randrange(len(ws) - n + 1)
            found.append(tuple(ws[at:at + n]))
    # across a cue boundary, in the wrong order, a word twice, not said at all, other forms
    return found + [("buddy", "buddy"), ("de", "de"), ("van", "de", "van"), ("brieven", "gemeente"),
                    ("gemeente", "brieven"), ("zorgzame", "buurt"), ("grens", "vrijwilliger"), ("niet", "bestaand")]


def test_phrase_matches_equal_whoosh_phrase(version: _Version) -> None:
    checked = 0
    with version.searcher() as searcher:
        for phrase in phrases(version):
            found, said = cs.phrase_scores(searcher, version.weighting, phrase)
            stems = [stem(w) for w in phrase]
            expected = whoosh_scores(version, Or([Phrase(name, stems) for name, _ in cs.PHRASE_FIELDS]))
            assert found.keys() == expected.keys(), phrase
            assert said == set(whoosh_scores(version, Phrase("transcript", stems))), phrase
            checked += bool(found)
    assert checked >= 40  # most sampled phrases occur


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


@pytest.mark.parametrize("maxdist", [1, 2])
def test_words_within_equal_a_brute_force_over_the_vocabulary(version: _Version, maxdist: int) -> None:
    rng = random.Random(maxdist)
    vocabulary = sorted({fold(w) for text in [*WORDS, *COMMON] for w in words(text)})
    assert set(vocabulary) <= set(version.words)
    typos = []
    for w in rng.sample(vocabulary, 25):
        i = rng.randrange(1, len(w)) if len(w) > 1 else 0
        typos += [w[:i] + w[i + 1:], w[:i] + "x" + w[i:], w[:i] + "q" + w[i + 1:], w]
    for typo in [t for t in typos if t] + ["x", "zzzzzz", "ee"]:
        brute = [w for w in version.words if w[:1] == typo[:1] and levenshtein(typo, w) <= maxdist]
        assert version.words_within(typo, maxdist) == brute, typo
