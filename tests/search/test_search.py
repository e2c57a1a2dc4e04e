"""Transcript search (PRODUCT §5, issue 3): a catalogue of crafted Dutch cues is indexed once per
module; every test searches it the way the web page and `catalogue search` do."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import hypothesis
import pytest
from click.testing import CliRunner, Result
from conftest import corpus_dir, write_cutlist, write_vtt
from hypothesis import given
from hypothesis import strategies as st

from catalogue.search.analysis import DEFAULT_SYNONYMS, Synonyms, parse_query, stem
from catalogue.search.analysis import words as analysis_words
from catalogue.cli import cli
from catalogue.cutlist import Report, check_cutlists
from catalogue.media.runner import ffmpeg_exe
from catalogue.model import Clip, Cue, CutList, Film, Theme
from catalogue.media import probe_cached
from catalogue.search import SearchIndex, SearchResults, build_index, search
from catalogue.search.matching import highlight
from catalogue.search.moments import MOMENTS_PER_CLIP
from catalogue.settings import Settings
from catalogue.subtitles import read_cues
from catalogue.timecode import format_timecode, parse_timecode

MakeCatalogue = Callable[..., Path]
CLIP_SLOT_MS = 30_000  # clip k lives in [k*30 s, (k+1)*30 s) of the film
CLIP_LEAD_MS = 500  # a clip starts half a second into its slot
CUE_EVERY_MS, CUE_MS = 4000, 3000  # cue i of a clip: slot + 1 s + 4 s*i, 3 s long
HOSTILE_LINE = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"

THEMES = {"rekrutering": "Rekrutering", "omgaan-met-grenzen": "Omgaan met grenzen", "diversiteit": "Diversiteit",
          "projectmanagement": "Projectmanagement", "impact": "Impact",
          "duurzame-verankering": "Duurzame verankering"}


@dataclass(frozen=True)
class ClipSpec:
    id: str
    title: str
    themes: tuple[str, ...]
    cues: tuple[str, ...]
    description: str = ""


CLIPS = (
    ClipSpec("buddy-vinden", "Een buddy vinden", ("rekrutering",), (
        "<v Sara>Elke nieuwkomer krijgt een buddy.",
        "De buddy helpt met brieven van de gemeente.",
        "Buddy's spreken elke week af.",
        "Zo wordt een buddy een vriend.",
        "Een buddy blijft lang betrokken.",
    ), "Nieuwkomers en vrijwilligers leren elkaar kennen."),
    ClipSpec("een-maatje", "Samen op pad", ("rekrutering",), (
        "Iedereen verdient een maatje.",
        "Ze zoeken een huis voor het gezin.",
        "Werving gebeurt via de kerk en de moskee.",
    )),
    ClipSpec("maatjes-project", "Het project", ("projectmanagement",), (
        "De maatjes zien elkaar elke week.",
        "Het vrijwilligerswerk kost veel tijd.",
        "Onze façade was mooi maar leeg.",
        "Zo ontstaan nieuwe kansen.",
        "Afbakening van taken helpt.",
    )),
    ClipSpec("nee-zeggen", "Nee zeggen", ("omgaan-met-grenzen",), (
        "Grenzen trekken is moeilijk.",
        "Elke vrijwilliger heeft een eigen grens.",
        "Trekken aan de grenzen kost energie.",
    )),
    ClipSpec("wonen", "Een plek om te wonen", ("diversiteit",), (
        "De huizen in de straat zijn oud.",
        "Er kwam een brief van de woningbouw.",
        "Een kans op werk.",
        "Het gezin is goed geïntegreerd.",
        HOSTILE_LINE,
    )),
    ClipSpec("blijvend", "Blijvend resultaat", ("duurzame-verankering", "impact"), (
        "Borging in de organisatie is nodig.",
        "Wat is het effect op de buurt?",
        "De grenzen van de wijk zijn duidelijk.",
        "Wie gaat de kar trekken?",
        "Iedereen is geintegreerd en de facade is nieuw.",
    )),
    ClipSpec("impact-meten", "Impact meten", ("impact",), (
        "De impact is groot.",
        "Rekrutering kost tijd.",
        "Verankering in de buurt.",
        "Het resultaat telt.",
        "Diversiteit in het team.",
    )),
    ClipSpec("eigen-transcript", "Los fragment", ("diversiteit",), (
        "Deze woorden staan alleen in de film.",
    )),
)
# `eigen-transcript` has a cut transcript of its own, which the index prefers to the film's cues
OWN_TRANSCRIPT = [("00:00:02.000", "00:00:04.000", "Alleen de clipversie noemt een papegaai.")]


def clip_start_ms(number: int) -> int:
    return number * CLIP_SLOT_MS + CLIP_LEAD_MS


def cue_start_ms(number: int, cue: int) -> int:
    """Where cue `cue` of clip `number` starts, in the film."""
    return number * CLIP_SLOT_MS + 1000 + cue * CUE_EVERY_MS


def stand_in_film(path: Path, seconds: float) -> Path:
    """A tiny 1 fps film: search needs a film to probe, never its pictures."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", f"color=c=gray:s=64x36:r=1:d={seconds}",
                    "-c:v", "libx264", str(path)], check=True)
    return path


def write_catalogue(root: Path, clips: tuple[ClipSpec, ...] = CLIPS) -> Path:
    """Film, Dutch subtitles and cut list for `clips` under `root`; returns the cut list."""
    film = root / "media" / "film.mp4"
    if not film.exists():
        stand_in_film(film, len(clips) * CLIP_SLOT_MS / 1000)
    cues = [(format_timecode(cue_start_ms(n, i)), format_timecode(cue_start_ms(n, i) + CUE_MS), text)
            for n, clip in enumerate(clips) for i, text in enumerate(clip.cues)]
    write_vtt(root / "transcripts" / "film.nl.vtt", cues)
    themes = "".join(f'\n[[theme]]\nid = "{id}"\ntitle = "{title}"\n' for id, title in THEMES.items())
    entries = "".join(
        f'\n[[clip]]\nid = "{clip.id}"\ntitle = "{clip.title}"\ndescription = "{clip.description}"\n'
        f'themes = {json.dumps(list(clip.themes))}\nstart = "{format_timecode(clip_start_ms(n))}"\n'
        f'end = "{format_timecode(cue_start_ms(n, len(clip.cues)) + 500)}"\n'
        for n, clip in enumerate(clips))
    return write_cutlist(root / "media" / "film.toml", '[film]\nid = "film"\ntitle = "Film"\nvideo = "film.mp4"\n'
                         'language = "nl"\n\n[film.subtitles]\nnl = "../transcripts/film.nl.vtt"\n'
                         + themes + entries)


def index_catalogue(settings: Settings) -> None:
    report = check_cutlists(settings.cutlist_paths(), lambda path: probe_cached(path, settings.probe_dir))
    build_index(settings, report.catalogue(), report)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("catalogue")
    write_catalogue(root)
    write_vtt(root / "transcripts" / "clips" / "eigen-transcript.nl.vtt", OWN_TRANSCRIPT)
    index_catalogue(Settings(root))
    return root


@pytest.fixture(scope="module")
def index(root: Path) -> SearchIndex:
    return SearchIndex(Settings(root))


def copy_root(root: Path, to: Path) -> Settings:
    """A copy of the module's catalogue, index included, for a test that changes it."""
    shutil.copytree(root, to)
    return Settings(to)


def clip_cues(clip_id: str) -> list[tuple[int, str]]:
    """(start in the clip, text) of each cue of the clip, as the index should see them."""
    if clip_id == "eigen-transcript":
        return [(parse_timecode(start), text) for start, _, text in OWN_TRANSCRIPT]
    number = [clip.id for clip in CLIPS].index(clip_id)
    return [(cue_start_ms(number, i) - clip_start_ms(number), text) for i, text in enumerate(CLIPS[number].cues)]


def positions(form: str) -> set[tuple[str, int]]:
    """(clip id, start in the clip) of every cue that says `form` (this form, in any case)."""
    said = re.compile(rf"(?<!\w){re.escape(form)}(?!\w)", re.IGNORECASE)
    return {(clip.id, start) for clip in CLIPS for start, text in clip_cues(clip.id) if said.search(text)}


def marked(results: SearchResults, form: str) -> set[tuple[str, int]]:
    """(clip id, moment start) of every moment where `form` is marked."""
    mark = f"<mark>{html.escape(form)}</mark>".lower()
    return {(clip.id, moment.start_ms) for clip in results.clips for moment in clip.moments
            if mark in moment.html.lower()}


def ids(results: SearchResults) -> list[str]:
    return [clip.id for clip in results.clips]


def clips_saying(*words_: str) -> set[str]:
    """Clips whose cues, title, description or themes say a form of one of `words_` (the oracle)."""
    stems = {stem(w) for w in words_}
    found = set()
    for clip in CLIPS:
        text = " ".join([*(text for _, text in clip_cues(clip.id)), clip.title, clip.description, *clip.themes,
                         *(THEMES[t] for t in clip.themes)])
        if stems & {stem(w) for w in analysis_words(text)}:
            found.add(clip.id)
    return found


def assert_well_formed(results: SearchResults, query: str, theme: str | None = None) -> None:
    """What every answer promises, whatever was asked."""
    assert isinstance(results, SearchResults) and results.query == query
    assert results.total >= len(results.clips) and len(set(ids(results))) == len(results.clips)
    assert all(isinstance(n, int) and n > 0 for n in results.facets.values())
    json.dumps(results.to_json())
    for clip in results.clips:
        if theme:
            assert theme in clip.themes
        assert len(clip.moments) <= MOMENTS_PER_CLIP
        assert [m.start_ms for m in clip.moments] == sorted(m.start_ms for m in clip.moments)
        for moment in clip.moments:
            assert_only_marks(moment.html, moment.text)


def assert_only_marks(marked_html: str, text: str) -> None:
    """The only markup is <mark>…</mark>; everything else is `text`, escaped."""
    assert marked_html.count("<mark>") == marked_html.count("</mark>")
    bare = marked_html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in bare and ">" not in bare and '"' not in bare
    assert html.unescape(bare) == text


# --- forms, accents, compounds ---------------------------------------------------------------

OTHER_FORM = [
    ("grens", "grenzen"), ("grenzen", "grens"),
    ("huis", "huizen"), ("huizen", "huis"),
    ("brief", "brieven"), ("brieven", "brief"),
    ("kans", "kansen"), ("kansen", "kans"),
    ("maatje", "maatjes"), ("maatjes", "maatje"),
    ("buddy's", "buddy"),
    ("geintegreerd", "geïntegreerd"), ("geïntegreerd", "geintegreerd"),
    ("facade", "façade"), ("façade", "facade"),
    ("GRENS", "grenzen"), ("Façades", "facade"),
]


@pytest.mark.parametrize(("query", "form"), OTHER_FORM, ids=[f"{q}-finds-{f}" for q, f in OTHER_FORM])
def test_search_word_finds_its_other_form_at_its_moment(index: SearchIndex, query: str, form: str) -> None:
    results = search(index, query)
    assert_well_formed(results, query)
    found = marked(results, form)
    assert found and found <= positions(form)
    assert not results.fuzzy and results.suggestion is None


def test_search_irregular_plurals_and_their_compounds(tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    texts = {"spelen": "De kinderen spelen buiten.", "club": "De leden betalen elk jaar.",
             "gezin": "Alle gezinsleden kwamen mee.", "vroeger": "Twee jaar geleden begon het.",
             "stad": "In de grote steden wonen veel mensen."}
    cues = [Cue(n * 5000, n * 5000 + 4000, text) for n, text in enumerate(texts.values())]
    clips = tuple(Clip(clip_id, "film", clip_id.title(), ("impact",), n * 5000, n * 5000 + 4500)
                  for n, clip_id in enumerate(texts))
    cutlist = CutList(tmp_path / "film.toml", Film("film", "Film", tmp_path / "film.mp4", "nl"),
                      (Theme("impact", "Impact"),), clips)
    report = Report(cutlists=[cutlist], cues={("film", "nl"): cues})
    build_index(settings, report.catalogue(), report)
    index = SearchIndex(settings)
    assert [(c.id, [m.html for m in c.moments]) for c in search(index, "kind").clips] == \
        [("spelen", ["De <mark>kinderen</mark> spelen buiten."])]
    assert ids(search(index, "lid")) == ["club", "gezin"]  # leden, then gezinsleden by its parts; not geleden
    assert ids(search(index, "stad")) == ["stad"]


@pytest.mark.parametrize(("query", "compound"), [("vrijwilliger", "vrijwilligerswerk"),
                                                 ("vrijwilligers", "vrijwilligerswerk")])
def test_search_part_finds_the_compound(index: SearchIndex, query: str, compound: str) -> None:
    results = search(index, query)
    assert marked(results, compound) == positions(compound) == {("maatjes-project", 4500)}
    assert ids(results)[-1] == "maatjes-project"  # the word itself ranks before a compound of it


def test_search_tail_of_a_compound_finds_it_too(index: SearchIndex) -> None:
    results = search(index, "werk")
    moments = {clip.id: [m.text for m in clip.moments] for clip in results.clips}
    assert moments["maatjes-project"] == ["Het vrijwilligerswerk kost veel tijd."]
    assert moments["wonen"] == ["Een kans op werk."]


# --- typos -----------------------------------------------------------------------------------

TYPOS = [
    ("vrijwiliger", "vrijwilliger", "nee-zeggen"),
    ("papagaai", "papegaai", "eigen-transcript"),
    ("verankring", "verankering", "impact-meten"),
    ("budy", "buddy", "buddy-vinden"),
    ("moskeee", "moskee", "een-maatje"),
    ("vrijwiliger grens", "vrijwilliger grens", "nee-zeggen"),
]


@pytest.mark.parametrize(("typo", "suggestion", "clip_id"), TYPOS, ids=[t for t, _, _ in TYPOS])
def test_search_typo_falls_back_on_near_words_and_suggests_the_spelling(
        index: SearchIndex, typo: str, suggestion: str, clip_id: str) -> None:
    results = search(index, typo)
    assert_well_formed(results, typo)
    assert results.fuzzy and results.suggestion == suggestion
    assert clip_id in ids(results)
    word = suggestion.split()[0]
    assert marked(results, word) and marked(results, word) <= positions(word)


@pytest.mark.parametrize(("typo", "spelled"), [(t, s) for t, s, _ in TYPOS], ids=[t for t, _, _ in TYPOS])
def test_search_typo_finds_the_clips_and_moments_the_spelled_word_finds(
        index: SearchIndex, typo: str, spelled: str) -> None:
    """Its other forms and the compounds it starts included (vrijwiliger: vrijwilligerswerk)."""
    forgiven, right = search(index, typo), search(index, spelled)
    assert set(ids(forgiven)) == set(ids(right))
    assert {c.id: [m.start_ms for m in c.moments] for c in forgiven.clips} == \
        {c.id: [m.start_ms for m in c.moments] for c in right.clips}


@pytest.mark.parametrize(("query", "clip_ids"), [("kerk", ["een-maatje"]), ("werk", ["wonen", "maatjes-project"])])
def test_search_typo_fallback_is_only_a_fallback(index: SearchIndex, query: str, clip_ids: list[str]) -> None:
    results = search(index, query)  # kerk and werk are one letter apart: found, neither finds the other
    assert not results.fuzzy and results.suggestion is None
    assert ids(results) == clip_ids


def test_search_without_any_near_word_finds_nothing_and_suggests_nothing(index: SearchIndex) -> None:
    results = search(index, "xylofoonconcert")
    assert (results.total, results.clips, results.facets, results.suggestion) == (0, [], {}, None)


# --- synonyms --------------------------------------------------------------------------------

SYNONYM_PAIRS = [("buddy", "maatje"), ("maatje", "buddy"), ("rekrutering", "werving"), ("werving", "rekrutering"),
                 ("grenzen", "afbakening"), ("afbakening", "grenzen"), ("verankering", "borging"),
                 ("borging", "verankering"), ("impact", "effect"), ("effect", "impact")]


@pytest.mark.parametrize(("query", "synonym"), SYNONYM_PAIRS, ids=[f"{q}-finds-{s}" for q, s in SYNONYM_PAIRS])
def test_search_synonym_widens_the_query(index: SearchIndex, query: str, synonym: str) -> None:
    results = search(index, query)
    assert_well_formed(results, query)
    assert set(ids(results)) == clips_saying(query, synonym)
    found = marked(results, synonym)
    assert found and found <= positions(synonym)


@pytest.mark.parametrize(("query", "synonym"), SYNONYM_PAIRS, ids=[f"{q}-over-{s}" for q, s in SYNONYM_PAIRS])
def test_search_clips_saying_the_word_itself_rank_before_synonym_matches(
        index: SearchIndex, query: str, synonym: str) -> None:
    typed = clips_saying(query)
    ranked = ids(search(index, query))
    assert typed and set(ranked[:len(typed)]) == typed
    assert set(ranked[len(typed):]) == clips_saying(synonym) - typed


@pytest.mark.parametrize("query", ["buddy", "maatje", "grenzen", "effect", "werving", "borging"])
def test_search_synonyms_never_hide_a_match(index: SearchIndex, root: Path, tmp_path: Path, query: str) -> None:
    without = copy_root(root, tmp_path / "zonder")
    (without.root / "synonyms.txt").write_text("# no synonyms\n", encoding="utf-8")
    plain = search(SearchIndex(without), query)
    widened = search(index, query)
    assert set(ids(plain)) == clips_saying(query)
    assert ids(widened)[:len(plain.clips)] == ids(plain)
    moments = {clip.id: {m.start_ms for m in clip.moments} for clip in widened.clips}
    for clip in plain.clips:  # a synonym never pushes out a moment that says the word itself
        assert {m.start_ms for m in clip.moments} <= moments[clip.id]


def test_search_reads_the_editable_synonyms_file_without_restart(root: Path, tmp_path: Path) -> None:
    settings = copy_root(root, tmp_path / "copy")
    index = SearchIndex(settings)
    assert ids(search(index, "papegaai")) == ["eigen-transcript"]
    assert "buddy-vinden" in ids(search(index, "maatje"))  # no file: the default list
    path = settings.root / "synonyms.txt"
    path.write_text("# editors' list\npapegaai, nieuwkomer\n", encoding="utf-8")
    os.utime(path, (1_000_000_000, 1_000_000_000))
    assert ids(search(index, "papegaai")) == ["eigen-transcript", "buddy-vinden"]
    assert "buddy-vinden" not in ids(search(index, "maatje"))  # the file replaces the default list
    path.write_text("papegaai, kerk\n", encoding="utf-8")
    os.utime(path, (1_000_000_100, 1_000_000_100))
    assert ids(search(index, "papegaai")) == ["eigen-transcript", "een-maatje"]


# --- phrases, fields, ranking --------------------------------------------------------------

def test_search_phrase_needs_the_words_together_words_do_not(index: SearchIndex) -> None:
    phrase = search(index, '"grenzen trekken"')
    assert ids(phrase) == ["nee-zeggen"] and phrase.total == 1
    assert ("nee-zeggen", 500) in marked(phrase, "grenzen") & marked(phrase, "trekken")
    loose = search(index, "grenzen trekken")  # both words first, the clip saying them in a row on top
    assert set(ids(loose)[:2]) == {"nee-zeggen", "blijvend"} and ids(loose)[0] == "nee-zeggen"
    assert all(clip.missing for clip in loose.clips[2:])  # then the clips with one of them
    assert search(index, '"grens trekken"').total == 1  # a phrase matches other forms too
    assert search(index, '"trekken grenzen"').total == 0  # but keeps its order
    assert search(index, '"grenzen trekken').total == 1  # an unclosed quote closes at the end


def test_search_phrase_said_across_two_cues_still_has_its_moments(index: SearchIndex) -> None:
    """'…krijgt een buddy.' | 'De buddy helpt…': no single cue holds the phrase, the clip does."""
    results = search(index, '"een buddy de"')
    assert ids(results) == ["buddy-vinden"]
    boundary = {start for start, _ in clip_cues("buddy-vinden")[:2]}
    moments = results.clips[0].moments
    assert moments and {m.start_ms for m in moments} <= boundary
    assert all("<mark>" in m.html for m in moments)


def test_search_clips_with_every_word_first_then_those_with_most(index: SearchIndex) -> None:
    assert ids(search(index, "papegaai")) == ["eigen-transcript"]
    both = search(index, "buddy nieuwkomer")
    assert ids(both)[0] == "buddy-vinden" and (both.clips[0].matched, both.clips[0].missing) == (["buddy", "nieuwkomer"], [])
    some = search(index, "papegaai buddy")  # no clip says both: each clip says which word it lacks
    literal = [clip for clip in some.clips if not clip.related]
    assert {clip.id for clip in literal} == clips_saying("papegaai", "buddy", "maatje")
    assert {(clip.id, tuple(clip.missing)) for clip in literal if clip.id == "eigen-transcript"} == \
        {("eigen-transcript", ("buddy",))}
    assert all(clip.missing == ["papegaai"] for clip in literal if clip.id != "eigen-transcript")


@pytest.mark.parametrize(("query", "first", "below"), [
    ("resultaat", "blijvend", "impact-meten"),  # a title outweighs a cue
    ("diversiteit", "wonen", "impact-meten"),  # a theme outweighs a cue
])
def test_search_title_and_theme_matches_rank_above_a_passing_word(
        index: SearchIndex, query: str, first: str, below: str) -> None:
    ranked = ids(search(index, query))
    assert ranked.index(first) < ranked.index(below)


def test_search_title_match_has_no_moment_to_show(index: SearchIndex) -> None:
    clips = {clip.id: clip for clip in search(index, "resultaat").clips}
    assert clips["blijvend"].moments == []
    assert [m.text for m in clips["impact-meten"].moments] == ["Het resultaat telt."]


def test_search_finds_speakers(index: SearchIndex) -> None:
    results = search(index, "sara")
    assert ids(results) == ["buddy-vinden"] and results.clips[0].moments[0].speaker == "Sara"


def test_search_prefers_the_clips_own_transcript_to_the_films(index: SearchIndex) -> None:
    results = search(index, "papegaai")
    moments = [(m.start_ms, m.text) for m in results.clips[0].moments]
    assert moments == [(2000, "Alleen de clipversie noemt een papegaai.")]
    assert search(index, "woorden").total == 0  # said in the film, not in the clip's own transcript


# --- theme filter, facets, grouping ----------------------------------------------------------

def theme_counts(clip_ids: set[str]) -> dict[str, int]:
    return dict(Counter(theme for clip in CLIPS if clip.id in clip_ids for theme in clip.themes))


@pytest.mark.parametrize(("query", "synonym"), [("buddy", "maatje"), ("grenzen", "afbakening"), ("impact", "effect"),
                                                ("diversiteit", ""), ("de", ""), ("papegaai", "")])
def test_search_facets_count_matching_clips_per_theme(index: SearchIndex, query: str, synonym: str) -> None:
    results = search(index, query, limit=100)
    matching = clips_saying(query, *filter(None, [synonym]))
    assert set(ids(results)) == matching and results.total == len(matching)
    assert results.facets == theme_counts(matching)


@pytest.mark.parametrize(("query", "theme"), [("buddy", "rekrutering"), ("buddy", "projectmanagement"),
                                              ("impact", "duurzame-verankering"), ("de", "diversiteit")])
def test_search_theme_filter_keeps_its_clips_and_the_facets(index: SearchIndex, query: str, theme: str) -> None:
    everything = search(index, query, limit=100)
    filtered = search(index, query, theme=theme, limit=100)
    assert_well_formed(filtered, query, theme)
    assert ids(filtered) == [clip.id for clip in everything.clips if theme in clip.themes]
    assert filtered.total == everything.facets[theme] == len(filtered.clips)
    assert filtered.facets == everything.facets and filtered.theme == theme


@pytest.mark.parametrize("theme", ["bestaat-niet", "REKRUTERING", "rekrutering,impact", "*", "\0", "<b>"])
def test_search_unknown_theme_finds_nothing_without_error(index: SearchIndex, theme: str) -> None:
    results = search(index, "buddy", theme=theme)
    assert (results.total, results.clips) == (0, []) and results.facets == search(index, "buddy").facets


def test_search_empty_theme_means_no_filter(index: SearchIndex) -> None:
    assert search(index, "buddy", theme="") == search(index, "buddy")


def test_search_groups_moments_by_clip_at_most_three_in_time_order(index: SearchIndex) -> None:
    results = search(index, "buddy")
    assert_well_formed(results, "buddy")
    moments = {clip.id: [m.start_ms for m in clip.moments] for clip in results.clips}
    buddy_cues = {start for clip_id, start in positions("buddy") | positions("buddy's") if clip_id == "buddy-vinden"}
    assert len(buddy_cues) == 5 and len(moments["buddy-vinden"]) == MOMENTS_PER_CLIP
    assert set(moments["buddy-vinden"]) <= buddy_cues
    assert moments["een-maatje"] == [500] and moments["maatjes-project"] == [500]


def test_search_moment_times_are_cue_starts_in_clip_time(index: SearchIndex) -> None:
    clip = search(index, "moskee").clips[0]
    number = [c.id for c in CLIPS].index("een-maatje")
    assert clip.id == "een-maatje" and clip.duration_ms == cue_start_ms(number, 3) + 500 - clip_start_ms(number)
    assert [(m.start_ms, m.end_ms) for m in clip.moments] == [
        (cue_start_ms(number, 2) - clip_start_ms(number), cue_start_ms(number, 2) + CUE_MS - clip_start_ms(number))]


def test_search_pages_through_the_ranking(index: SearchIndex) -> None:
    everything = search(index, "de", limit=100)
    assert everything.total >= 5
    pages = [search(index, "de", limit=2, offset=offset) for offset in range(0, everything.total, 2)]
    assert [clip_id for page in pages for clip_id in ids(page)] == ids(everything)
    assert all(page.total == everything.total for page in pages)
    assert search(index, "de", offset=everything.total).clips == []


def test_search_results_as_json(index: SearchIndex) -> None:
    data = json.loads(json.dumps(search(index, "grens").to_json()))
    assert set(data) == {"query", "theme", "total", "clips", "facets", "suggestion", "fuzzy", "unknown"}
    clip = data["clips"][0]
    assert set(clip) == {"id", "film_id", "title", "description", "themes", "speakers", "duration_ms", "score",
                         "moments", "matched", "missing", "related"}
    assert (clip["id"], clip["film_id"], clip["themes"]) == ("nee-zeggen", "film", ["omgaan-met-grenzen"])
    assert set(clip["moments"][0]) == {"start_ms", "end_ms", "text", "html", "speaker", "related"}


# --- hostile text and hostile queries --------------------------------------------------------

@pytest.mark.parametrize("query", ["script", "alert", "img", "onerror", "src", "<script>"])
def test_search_highlight_never_turns_transcript_text_into_markup(index: SearchIndex, query: str) -> None:
    results = search(index, query)
    [moment] = [m for clip in results.clips for m in clip.moments if m.text == HOSTILE_LINE]
    assert_only_marks(moment.html, HOSTILE_LINE)
    assert "<script" not in moment.html and "<img" not in moment.html and "<mark>" in moment.html


HOSTILE_QUERIES = [
    "", " ", "\t\n\r ", "\0", "buddy\0maatje", "\0" * 50, "x" * 10_000, "buddy " * 2000, "grens" * 100,
    '"', "'", '"buddy', 'buddy"', '"""', '""', "((((", "))", "[buddy", "{", "}", "title:buddy", "themes:impact",
    "kind:cue clip_id:wonen", "*", "?", "buddy*", "*:*", "~", "buddy~2", "grenzen^10", "AND", "OR NOT AND",
    "buddy AND NOT maatje", "-buddy", "+buddy", "\\", "\\\\buddy", "/re.*gex/", "[a TO z]", "{a TO z}", "😀",
    "👩‍👩‍👧 buddy", "مرحبا بالعالم", "\u202egrenzen", "\u200b", "\ufeff", "\udcff", "buddy\udcff", "\ud800", "İ",
    "ß", "ﬁ", "e\u0301", "١٢٣", "ｂｕｄｄｙ", "%s%n%x", "${7*7}", "{{7*7}}", "<script>alert(1)</script>", "&amp;&lt;",
    "' OR 1=1 --", "../../etc/passwd", "!?.,;:", "'buddy'", "buddy's'", "\n".join(["buddy"] * 100),
    " ".join(f"woord{n}" for n in range(100)), '"' + "grenzen " * 50 + '"',
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=[f"q{n}" for n in range(len(HOSTILE_QUERIES))])
def test_search_accepts_hostile_queries(index: SearchIndex, query: str) -> None:
    assert_well_formed(search(index, query), query)
    assert_well_formed(search(index, query, theme="rekrutering", limit=1, offset=1), query, "rekrutering")
    search(index, "buddy", theme=query)


@pytest.mark.parametrize(("query", "clip_id"), [("ｂｕｄｄｙ", "buddy-vinden"), ("𝗕𝗨𝗗𝗗𝗬", "buddy-vinden"),
                                                ("buddy " * 2000, "buddy-vinden"),
                                                ("\u202egrenzen", "nee-zeggen"),
                                                ("buddy\0", "buddy-vinden"), ("'BUDDY'", "buddy-vinden")])
def test_search_finds_the_words_inside_odd_queries(index: SearchIndex, query: str, clip_id: str) -> None:
    assert ids(search(index, query))[0] == clip_id


@pytest.mark.parametrize("query", ["", "   ", '""', "*", "😀", "!?"])
def test_search_without_words_counts_every_clip_per_theme(index: SearchIndex, query: str) -> None:
    results = search(index, query)
    assert (results.total, results.clips, results.facets) == (0, [], theme_counts({clip.id for clip in CLIPS}))


ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=300)
QUERYISH = st.lists(st.sampled_from([*' "\'*:()[]{}~^!+-\\\0', "buddy", "grenzen", "maatje", "vrijwiliger", "AND",
                                     "title:", "😀", "é"]), max_size=40).map("".join)


@hypothesis.settings(max_examples=150, deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow])
@given(query=st.one_of(ANY_TEXT, QUERYISH), theme=st.one_of(st.none(), st.sampled_from(list(THEMES)), ANY_TEXT))
def test_search_never_raises_for_any_string(index: SearchIndex, query: str, theme: str | None) -> None:
    assert_well_formed(search(index, query, theme=theme), query, theme or None)


@hypothesis.settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT, query=st.one_of(ANY_TEXT, QUERYISH))
def test_highlight_marks_only_and_keeps_the_text(text: str, query: str) -> None:
    assert_only_marks(highlight(text, parse_query(query), Synonyms.parse(DEFAULT_SYNONYMS)), text)


# --- building --------------------------------------------------------------------------------

def test_build_index_switches_and_a_running_index_follows(root: Path, tmp_path: Path) -> None:
    settings = copy_root(root, tmp_path / "copy")
    index = SearchIndex(settings)
    assert ids(search(index, "papegaai")) == ["eigen-transcript"]
    before = (settings.index_dir / "CURRENT").read_text("utf-8")
    write_vtt(settings.clip_transcripts_dir / "eigen-transcript.nl.vtt",
              [("00:00:01.000", "00:00:03.000", "Nu noemt de clip een kanarie.")])
    index_catalogue(settings)
    assert (settings.index_dir / "CURRENT").read_text("utf-8") != before
    assert search(index, "papegaai").total == 0
    assert [m.start_ms for m in search(index, "kanarie").clips[0].moments] == [1000]
    assert (settings.index_dir / before).is_dir()  # a reader may still be inside the old version


def test_build_index_of_ten_thousand_cues_is_quick(tmp_path: Path) -> None:
    """A sanity bound far above the benchmark's (scripts/bench_search.py): catches an accidental
    quadratic step, not a slow machine."""
    settings = Settings(tmp_path)
    words_ = "buddy maatje grenzen vrijwilliger nieuwkomer gemeente werving impact buurt project taal".split()
    cues = [Cue(n * 3000, n * 3000 + 2500, " ".join(words_[(n * k) % len(words_)] for k in range(1, 8)))
            for n in range(10_000)]
    clips = tuple(Clip(f"clip-{n}", "film", f"Clip {n}", (("rekrutering", "impact")[n % 2],), n * 150_000,
                       (n + 1) * 150_000) for n in range(200))
    film = Film("film", "Film", tmp_path / "film.mp4", "nl")
    cutlist = CutList(tmp_path / "film.toml", film, (Theme("rekrutering", "Rekrutering"), Theme("impact", "Impact")),
                      clips)
    report = Report(cutlists=[cutlist], cues={("film", "nl"): cues})
    stats = build_index(settings, report.catalogue(), report)
    assert (stats.clips, stats.cues) == (200, 10_000)
    assert stats.seconds < 30
    results = search(SearchIndex(settings), "vrijwilliger", theme="impact")
    assert results.total == 100 and all(len(clip.moments) == MOMENTS_PER_CLIP for clip in results.clips)


# --- the command line ------------------------------------------------------------------------

def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cli_index_then_search_prints_clips_and_marked_moments(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    small_catalogue()
    indexed = run("--root", tmp_path, "index")
    assert indexed.exit_code == 0, indexed.output
    assert re.fullmatch(r"(Embedding \d+ stretches of speech .*\n)?Indexed 2 clips and 2 cues in \d+\.\d s "
                        r"\(\d+\.\d MB; \d+ stretches of speech embedded, the rest cached\)\.\n", indexed.stdout)
    result = run("--root", tmp_path, "search", "grens")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("1 clip for 'grens'\n\ntweede  Tweede clip  [omgaan-met-grenzen]\n"
                             "     0:00  [Grenzen] trekken is moeilijk\n")


def test_cli_search_theme_and_typo(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    small_catalogue()
    run("--root", tmp_path, "index")
    themed = run("--root", tmp_path, "search", "maatje", "--theme", "rekrutering")
    assert themed.exit_code == 0 and themed.stdout.startswith("1 clip for 'maatje' in theme 'rekrutering'\n")
    assert "[buddy] & een nieuwkomer" in themed.stdout
    assert run("--root", tmp_path, "search", "maatje", "--theme", "omgaan-met-grenzen").stdout == (
        "0 clips for 'maatje' in theme 'omgaan-met-grenzen'\n")
    typo = run("--root", tmp_path, "search", "nieuwkommer")
    assert typo.exit_code == 0 and typo.stdout.startswith("Bedoelde je: nieuwkomer?\n1 clip (typo-tolerant) for")


@pytest.mark.parametrize(("query", "theme"), [("buddy", None), ("grenzen", "omgaan-met-grenzen"), ("", None),
                                              ("<script>\0", None), ("nieuwkommer", None)])
def test_cli_search_json_is_the_api_structure(small_catalogue: MakeCatalogue, tmp_path: Path, query: str,
                                              theme: str | None) -> None:
    small_catalogue()
    run("--root", tmp_path, "index")
    result = run("--root", tmp_path, "search", query, "--json", *(["--theme", theme] if theme else []))
    assert result.exit_code == 0, result.output
    expected = search(SearchIndex(Settings(tmp_path)), query, theme=theme, limit=10).to_json()
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))


@pytest.mark.parametrize("command", [["search", "buddy"], ["search", "buddy", "--json"]])
def test_cli_search_without_an_index_is_an_error_not_a_traceback(tmp_path: Path, command: list[str]) -> None:
    result = run("--root", tmp_path, *command)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: no search index in ") and "run `catalogue index`" in result.stderr
    assert "Traceback" not in result.output


def test_cli_index_with_errors_in_the_cut_list_writes_no_index(small_catalogue: MakeCatalogue, tmp_path: Path) -> None:
    small_catalogue('[[clip]]\nid = "kapot"\ntitle = "Kapot"\nthemes = ["onbekend"]\nstart = 1\nend = 3\n')
    result = run("--root", tmp_path, "index")
    assert result.exit_code == 1 and "unknown theme 'onbekend'" in result.stderr
    assert not (tmp_path / ".catalogue" / "index" / "CURRENT").exists()


# --- real Dutch subtitles --------------------------------------------------------------------

DUTCH_FILES = ["tears-of-steel/Tears_Of_Steel_nld.vtt", "sintel/sintel_nl.vtt",
               "w3c-wai-video-introduction/video-introduction.nl.vtt"]


@pytest.mark.parametrize("name", DUTCH_FILES)
def test_search_real_dutch_subtitles_finds_words_at_their_cue(tmp_path: Path, name: str) -> None:
    source = corpus_dir("dutch-subtitles") / name
    if not source.is_file():
        pytest.skip(f"{name} is not in the corpus")
    cues = read_cues(source)
    settings = Settings(tmp_path)
    settings.transcripts_dir.mkdir()
    shutil.copy(source, settings.transcripts_dir / "film.nl.vtt")
    end_ms = max(cue.end_ms for cue in cues) + 1000
    stand_in_film(settings.media_dir / "film.mp4", end_ms / 1000)
    middle = cues[len(cues) // 2].start_ms  # two clips, split at a cue's start
    write_cutlist(settings.media_dir / "film.toml", f'''
        [film]
        id = "film"
        title = "Film"
        video = "film.mp4"
        language = "nl"

        [film.subtitles]
        nl = "../transcripts/film.nl.vtt"

        [[theme]]
        id = "alles"
        title = "Alles"

        [[clip]]
        id = "eerste-helft"
        title = "Eerste helft"
        themes = ["alles"]
        start = "00:00:00"
        end = "{format_timecode(middle)}"

        [[clip]]
        id = "tweede-helft"
        title = "Tweede helft"
        themes = ["alles"]
        start = "{format_timecode(middle)}"
        end = "{format_timecode(end_ms)}"
        ''')
    index_catalogue(settings)
    index = SearchIndex(settings)
    # words said in one cue only (by stem), long enough to be unlike any other: their moment is that cue
    said: dict[str, list[int]] = {}
    for number, cue in enumerate(cues):
        for word in analysis_words(cue.plain):
            said.setdefault(stem(word), []).append(number)
    chosen = [(word, number) for number, cue in enumerate(cues) for word in analysis_words(cue.plain)
              if len(word) >= 6 and word.isalpha() and said[stem(word)] == [number]
              and not index.synonyms().of(stem(word))][::4][:8]
    assert len(chosen) >= 3
    for word, number in chosen:
        cue = cues[number]
        clip_id, start = ("eerste-helft", 0) if cue.start_ms < middle else ("tweede-helft", middle)
        results = search(index, word)
        assert ids(results)[0] == clip_id, word
        moments = [(m.start_ms, m.text) for m in results.clips[0].moments]
        assert (cue.start_ms - start, cue.plain.replace("\n", " ")) in moments, word
        assert f"<mark>{html.escape(word)}</mark>" in results.clips[0].moments[
            [m for m, _ in moments].index(cue.start_ms - start)].html
