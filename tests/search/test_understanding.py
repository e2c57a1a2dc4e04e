"""Search that answers a professional's question (issue 18), on the demo's own texts: stop words need not
match, clips with every word first and then those with most, each saying which words it lacks; meaning
adds related clips with a playable moment and nothing marked; a Dutch word is never "corrected"."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest

from catalogue.demo.generator import demo_report
from catalogue.demo.script import THEMES
from catalogue.search import SearchIndex, SearchResults, build_index, search
from catalogue.settings import Settings

BOUNDARIES = {c.id for t in THEMES if t.id == "omgaan-met-grenzen" for c in t.clips}
ISSUE_QUERIES = ["grens trekken bij vrijwilligers", "vrijwilligers motiveren", "samenwerken met andere organisaties",
                 "hoe hou je buddys gemotiveerd"]


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo-search")
    report = demo_report(root)
    build_index(Settings(root), report.catalogue(), report)
    return root


@pytest.fixture(scope="module")
def index(demo_root: Path) -> SearchIndex:
    return SearchIndex(Settings(demo_root))


def literal(results: SearchResults) -> list[str]:
    return [clip.id for clip in results.clips if not clip.related]


# --- partial matching and stop words -------------------------------------------------------------

@pytest.mark.parametrize("query", ISSUE_QUERIES)
def test_the_issues_questions_find_clips_on_the_demo(index: SearchIndex, query: str) -> None:
    results = search(index, query)
    assert results.total > 0 and results.clips


def test_boundaries_clips_answer_grens_trekken_bij_vrijwilligers(index: SearchIndex) -> None:
    results = search(index, "grens trekken bij vrijwilligers", limit=10)
    shown = {clip.id: clip for clip in results.clips}
    assert BOUNDARIES <= set(shown)
    for clip_id in BOUNDARIES:
        clip = shown[clip_id]
        assert clip.matched == ["grens"] and clip.missing == ["trekken", "vrijwilligers"]
        assert clip.moments and all("<mark>" in m.html for m in clip.moments)
    assert "bij" not in {w for clip in results.clips for w in clip.missing}  # a stop word is never missing


def test_stop_words_need_not_match_but_count_when_all_are_stop_words(index: SearchIndex) -> None:
    asked, typed = search(index, "hoe vind je nieuwe buddys", limit=50), search(index, "vind nieuwe buddys", limit=50)
    assert set(literal(asked)) == set(literal(typed))  # the order may differ: words said in a row rank higher
    assert [(c.id, c.missing) for c in asked.clips][:1] == [(c.id, c.missing) for c in typed.clips][:1]
    only_stop_words = search(index, "wie doet er mee")  # every word a stop word: they are what must match
    assert only_stop_words.total > 0 and all(not c.related for c in only_stop_words.clips)


def test_clips_with_every_word_rank_before_those_with_most(index: SearchIndex) -> None:
    results = search(index, "grenzen geld afspraken", limit=20)
    counts = [len(clip.matched) for clip in results.clips if not clip.related]
    assert counts[0] == 3 and counts == sorted(counts, reverse=True)
    assert results.clips[0].id == "nabijheid-en-afstand" and results.clips[0].missing == []
    assert not any(clip.related for clip in results.clips)  # a clip has every word: meaning adds nothing


def test_the_editors_stop_words_file_is_read_without_restart(demo_root: Path, tmp_path: Path) -> None:
    index = SearchIndex(Settings(demo_root))
    before = search(index, "buddy grenzen")
    path = demo_root / "stopwords.txt"
    try:
        path.write_text("# our list\nbuddy\n", encoding="utf-8")
        os.utime(path, (1_000_000_000, 1_000_000_000))
        after = search(index, "buddy grenzen")
        assert all(clip.missing == [] for clip in after.clips if not clip.related)
        assert set(literal(after)) == {c.id for c in search(index, "grenzen").clips if not c.related}
        assert set(literal(after)) != set(literal(before))
    finally:
        path.unlink()


# --- typos only for words that are neither the catalogue's nor Dutch -----------------------------

@pytest.mark.parametrize("word", ["werven", "hulp", "fietsen"])
def test_a_dutch_word_the_catalogue_lacks_is_not_corrected(index: SearchIndex, word: str) -> None:
    results = search(index, word)
    assert (results.suggestion, results.fuzzy, results.unknown) == (None, False, [word])
    assert results.total == 0  # a single word is taken literally: no related clips for it


def test_a_typo_is_forgiven_and_the_spelling_suggested(index: SearchIndex) -> None:
    results = search(index, "vrijwiligers afhaken")
    assert results.fuzzy and results.suggestion == "vrijwilligers afhaken"
    assert results.clips and results.clips[0].matched == ["vrijwiligers"]


# --- meaning ---------------------------------------------------------------------------------

def test_a_paraphrase_finds_related_clips_with_a_playable_unmarked_moment(index: SearchIndex) -> None:
    results = search(index, "mensen die het opgeven na een tijdje", limit=20)
    related = [clip for clip in results.clips if clip.related]
    assert related and not results.suggestion
    durations = {clip.id: clip.duration_ms for clip in results.clips}
    for clip in related:
        assert clip.matched == [] and clip.missing
        (moment,) = clip.moments
        assert moment.related and "<mark>" not in moment.html and html.unescape(moment.html) == moment.text
        assert 0 <= moment.start_ms < moment.end_ms and moment.start_ms < durations[clip.id]


def test_a_paraphrase_is_answered_first_by_the_clip_that_means_it(index: SearchIndex) -> None:
    """Said nowhere in these words: buddies who keep going. A clip matching only "mensen" (said in most
    clips) counts by the small share of the query it matches, so meaning puts the answer first."""
    results = search(index, "mensen die het opgeven na een tijdje", limit=5)
    assert results.clips[0].id == "buddys-blijven-betrokken"


def test_a_quoted_phrase_stays_literal(index: SearchIndex) -> None:
    results = search(index, '"grenzen stellen"')
    assert literal(results) == ["je-eigen-grenzen-bewaken"] and results.total == 1


def test_facets_and_the_theme_filter_count_related_clips_too(index: SearchIndex) -> None:
    everything = search(index, "mensen die het opgeven na een tijdje", limit=50)
    for theme, count in everything.facets.items():
        filtered = search(index, "mensen die het opgeven na een tijdje", theme=theme, limit=50)
        assert filtered.total == count == len(filtered.clips)
        assert [c.id for c in filtered.clips] == [c.id for c in everything.clips if theme in c.themes]
