"""Dutch analysis for search (PRODUCT §5): folding, stemming that joins the forms Snowball splits,
synonyms, compound parts, typo distance and a query reader that accepts any input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from catalogue.search.analysis import (DEFAULT_SYNONYMS, MAX_QUERY_CHARS, MAX_QUERY_WORDS, ParsedQuery, Synonyms,
                                compound_parts, dutch_analyzer, edit_distance, exact_analyzer, fold, parse_query,
                                stem, words)

# The pairs, and more forms a Dutch transcript says: one query must find the other form.
SAME_WORD = [
    ("grens", "grenzen"),
    ("huis", "huizen"),
    ("brief", "brieven"),
    ("kans", "kansen"),
    ("geïntegreerd", "geintegreerd"),
    ("façade", "facade"),
    ("Grenzen", "grenzen"),
    ("buddy", "buddy's"),
    ("buddy", "buddys"),
    ("buddy", "Buddy’s"),
    ("maatje", "maatjes"),
    ("gemeente", "gemeentes"),
    ("gemeente", "gemeenten"),
    ("vrijwilliger", "vrijwilligers"),
    ("nieuwkomer", "nieuwkomers"),
    ("organisatie", "organisaties"),
    ("verankering", "verankeringen"),
    ("rekrutering", "rekruteringen"),
    ("afbakening", "afbakeningen"),
    ("project", "projecten"),
    ("taak", "taken"),
    ("reis", "reizen"),
    ("wolf", "wolven"),
    ("kaas", "kazen"),  # a short stem in z
    ("glas", "glazen"),
    ("les", "lessen"),  # a doubled s
    ("bus", "bussen"),
    ("klas", "klassen"),
    ("kind", "kinderen"),  # irregular plurals
    ("Kinderen", "kind"),
    ("lid", "leden"),
    ("stad", "steden"),
    ("uur", "uren"),
    ("ei", "eieren"),
    ("koe", "koeien"),
]

# Words that must stay apart: joining them would flood results with unrelated clips.
DIFFERENT_WORDS = [
    ("grens", "gras"),
    ("huis", "huid"),
    ("brief", "brug"),
    ("buddy", "budget"),
    ("maatje", "maat"),
    ("impact", "effect"),  # synonyms, not forms: joined only by the synonym list
    ("werving", "werk"),
    ("les", "lens"),
    ("bus", "bos"),
    ("leden", "leed"),  # members, suffering (Snowball alone joined them)
    ("lid", "geleden"),  # ago
    ("schip", "schepen"),  # in Flanders also aldermen
]


@pytest.mark.parametrize(("one", "other"), SAME_WORD, ids=[f"{a}-{b}" for a, b in SAME_WORD])
def test_stem_joins_forms_of_one_word(one: str, other: str) -> None:
    assert stem(one) == stem(other)


@pytest.mark.parametrize(("one", "other"), DIFFERENT_WORDS, ids=[f"{a}-{b}" for a, b in DIFFERENT_WORDS])
def test_stem_keeps_different_words_apart(one: str, other: str) -> None:
    assert stem(one) != stem(other)


@pytest.mark.parametrize(("text", "folded"), [
    ("Geïntegreerd", "geintegreerd"),
    ("façade", "facade"),
    ("CAFÉ", "cafe"),
    ("naïef één", "naief een"),
    ("buddy’s", "buddy's"),
    ("ﬁets", "fiets"),  # the ligature is two letters
    ("𝗕𝗨𝗗𝗗𝗬 ＧＲＥＮＳ", "buddy grens"),  # "bold" and full-width letters are plain ones
    ("", ""),
])
def test_fold_lowercases_and_drops_accents(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_analyzers_index_and_query_the_same_words() -> None:
    text = "<v Sara>De Grenzen van geïntegreerde buddy's: 3 façades!"
    dutch = [t.text for t in dutch_analyzer()(text)]
    exact = [t.text for t in exact_analyzer()(text)]
    assert exact == ["v", "sara", "de", "grenzen", "van", "geintegreerde", "buddy's", "3", "facades"]
    assert dutch == [stem(w) for w in exact]
    assert stem("grens") in dutch and stem("façade") in dutch


@pytest.mark.parametrize(("text", "expected"), [
    ("Buddy's en maatjes", ["Buddy's", "en", "maatjes"]),
    ("l’histoire", ["l’histoire"]),
    ("'quote' en -streep-", ["quote", "en", "streep"]),
    ("a_b c2", ["a_b", "c2"]),
    ("<script>alert(1)</script>", ["script", "alert", "1", "script"]),
    ("", []),
])
def test_words_are_runs_of_letters_with_inner_apostrophes(text: str, expected: list[str]) -> None:
    assert words(text) == expected


# --- synonyms ------------------------------------------------------------------------------

DEFAULT_PAIRS = [("buddy", "maatje"), ("rekrutering", "werving"), ("grenzen", "afbakening"),
                 ("verankering", "borging"), ("impact", "effect")]


@pytest.mark.parametrize(("one", "other"), DEFAULT_PAIRS, ids=[f"{a}-{b}" for a, b in DEFAULT_PAIRS])
def test_synonyms_default_list_joins_the_fields_words_both_ways(one: str, other: str) -> None:
    synonyms = Synonyms.parse(DEFAULT_SYNONYMS)
    assert stem(other) in synonyms.of(stem(one))
    assert stem(one) in synonyms.of(stem(other))
    assert stem(one) not in synonyms.of(stem(one))


def test_synonyms_join_every_form_of_a_word() -> None:
    synonyms = Synonyms.parse(DEFAULT_SYNONYMS)
    assert synonyms.of(stem("maatjes")) == synonyms.of(stem("maatje")) == {stem("buddy")}
    assert synonyms.of(stem("grens")) == {stem("afbakening")}


def test_synonyms_parse_skips_comments_blank_and_single_word_lines() -> None:
    synonyms = Synonyms.parse("# a comment, with, commas\n\nalleen\nstatushouder, nieuwkomer # trailing\n"
                              "kerk,moskee,  synagoge\n")
    assert synonyms.of(stem("statushouder")) == {stem("nieuwkomer")}
    assert synonyms.of(stem("kerk")) == {stem("moskee"), stem("synagoge")}
    assert synonyms.of(stem("alleen")) == frozenset() and synonyms.of(stem("comment")) == frozenset()


def test_synonyms_groups_sharing_a_word_merge() -> None:
    synonyms = Synonyms.parse("buddy, maatje\nmaatje, mentor\n")
    assert synonyms.of(stem("maatje")) == {stem("buddy"), stem("mentor")}
    assert stem("maatje") in synonyms.of(stem("mentor"))


def test_synonyms_load_reads_the_editors_file(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("statushouder, nieuwkomer\n", encoding="utf-8")
    synonyms = Synonyms.load(path)
    assert synonyms.of(stem("nieuwkomer")) == {stem("statushouder")}
    assert synonyms.of(stem("buddy")) == frozenset()  # the file replaces the default list


@pytest.mark.parametrize("content", [None, b"\xff\xfe not utf-8 \xff", "directory"],
                         ids=["missing", "not-utf8", "a-folder"])
def test_synonyms_load_falls_back_on_the_default_list(tmp_path: Path, content: bytes | str | None) -> None:
    path = tmp_path / "synonyms.txt"
    if content == "directory":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    assert Synonyms.load(path) == Synonyms.parse(DEFAULT_SYNONYMS)


def test_synonyms_empty_file_means_no_synonyms(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("# no synonyms for now\n", encoding="utf-8")
    assert Synonyms.load(path).groups == {}


# --- compounds -----------------------------------------------------------------------------

VOCABULARY = frozenset({"vrijwilliger", "werk", "buurt", "huis", "zorg", "kerk", "deur", "taal", "les", "maatje"})


@pytest.mark.parametrize(("word", "parts"), [
    ("vrijwilligerswerk", ["vrijwilliger", "werk"]),  # linking s
    ("Buurthuis", ["buurt", "huis"]),
    ("zorgenwerk", ["zorg", "werk"]),  # linking en
    ("kerkdeur", ["kerk", "deur"]),
    ("taalmaatje", ["taal", "maatje"]),
    ("huiswerk", ["huis", "werk"]),
    ("buurtje", []),  # too short to be two words
    ("werkwerkx", []),  # the tail is no word
    ("onbekendwoord", []),
    ("", []),
])
def test_compound_parts_are_two_words_of_the_catalogue(word: str, parts: list[str]) -> None:
    assert compound_parts(word, VOCABULARY) == parts


def test_compound_parts_prefer_the_longest_head() -> None:
    assert compound_parts("vrijwilligerswerk", VOCABULARY | {"vrijwilligers"}) == ["vrijwilligers", "werk"]


# --- typo distance -------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b", "distance"), [
    ("vrijwiliger", "vrijwilliger", 1),  # a letter dropped
    ("grnes", "grens", 1),  # two letters swapped
    ("buddy", "buddy", 0),
    ("maatje", "maatjes", 1),
    ("kans", "kant", 1),
    ("", "", 0),
    ("abc", "", 3),
    ("", "abc", 3),
    ("bduyd", "buddy", 2),
])
def test_edit_distance_counts_a_typos_usual_shapes(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance == edit_distance(b, a)


# --- queries -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "phrases", "loose"), [
    ("grens", (), ("grens",)),
    ('"grenzen trekken"', (("grenzen", "trekken"),), ()),
    ('"grenzen trekken" buddy', (("grenzen", "trekken"),), ("buddy",)),
    ('"grenzen trekken', (("grenzen", "trekken"),), ()),  # an unbalanced quote closes at the end
    ('"buddy"', (), ("buddy",)),  # a one-word phrase is a word
    ('""', (), ()),
    ('"', (), ()),
    ("title:buddy", (), ("title", "buddy")),
    ("buddy* AND (maatje OR -werving)", (), ("buddy", "AND", "maatje", "OR", "werving")),
    ("buddy\0maatje", (), ("buddy", "maatje")),
    ("buddy buddy", (), ("buddy",)),
    ("😀 buddy 🙂", (), ("buddy",)),
    ("   \t\n", (), ()),
    ("!?.,;:", (), ()),
])
def test_parse_query_reads_phrases_and_words(text: str, phrases: tuple[tuple[str, ...], ...],
                                             loose: tuple[str, ...]) -> None:
    assert parse_query(text) == ParsedQuery(phrases, loose)


def test_parse_query_keeps_at_most_the_word_budget() -> None:
    many = " ".join(f"woord{n}" for n in range(40))
    assert parse_query(many).words == tuple(f"woord{n}" for n in range(MAX_QUERY_WORDS))
    phrased = parse_query('"' + " ".join(f"w{n}" for n in range(20)) + '" los')
    assert len(phrased.all_words()) == MAX_QUERY_WORDS and phrased.words == ()


def test_parse_query_caps_the_length_without_splitting_a_word() -> None:
    assert parse_query("buddy " * 2000) == ParsedQuery((), ("buddy",))
    assert parse_query("x" * 10_000) == ParsedQuery((), ())  # one enormous word: nothing left to search
    exact = "b " * ((MAX_QUERY_CHARS - 5) // 2) + "buddy"
    assert parse_query(exact + " en meer").words == ("b", "buddy")
    assert parse_query("b " * (MAX_QUERY_CHARS // 2 - 1) + "buddy").words == ("b",)


@given(st.text())
def test_parse_query_accepts_any_text(text: str) -> None:
    parsed = parse_query(text)
    assert len(parsed.all_words()) <= MAX_QUERY_WORDS
    assert all(word and word in text for word in parsed.all_words())
    assert sum(map(len, parsed.all_words())) <= MAX_QUERY_CHARS


@given(st.text())
@example("𝘼")
def test_stem_and_fold_accept_any_word(text: str) -> None:
    for word in words(text):
        assert isinstance(stem(word), str)
    assert fold(fold(text)) == fold(text)
