"""Captions: recognised words with timings become readable cues that pass the catalogue's own lint."""

from __future__ import annotations

import re
from itertools import accumulate

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.transcribe.captions import Word, plan_cues
from catalogue.model import Cue
from catalogue.subtitles import MAX_CUE_MS, MAX_LINE_CHARS, lint_cues

_PAUSE = re.compile(r"^\[(\d+)\]$")


def spoken(script: str, *, word_ms: int = 400, gap_ms: int = 100, start_ms: int = 0) -> list[Word]:
    """Words of `script`, each `word_ms` long and `gap_ms` apart; a token "[1200]" is a silence of 1200 ms."""
    words: list[Word] = []
    now_ms = start_ms
    for token in script.split():
        if match := _PAUSE.match(token):
            now_ms += int(match[1]) - gap_ms
            continue
        words.append(Word(token, now_ms, now_ms + word_ms))
        now_ms += word_ms + gap_ms
    return words


def texts(cues: list[Cue]) -> list[str]:
    """What each cue shows, its lines joined by spaces."""
    return [cue.plain.replace("\n", " ") for cue in cues]


# --- where cues break ------------------------------------------------------------------------


@pytest.mark.parametrize(("script", "expected"), [
    pytest.param(  # the comma would give the more even halves
        "Dat weet ik nog goed. Mijn buddy was een gepensioneerde leraar, hij had veel tijd en geduld voor mij.",
        ["Dat weet ik nog goed.", "Mijn buddy was een gepensioneerde leraar, hij had veel tijd en geduld voor mij."],
        id="sentence_end_over_comma"),
    pytest.param(  # 15 words, 7.5 s: two cues, and "en" would give the more even halves
        "Jan Piet Bas Tom Ben, Ali Eva en Els Lot Mia Noa Sam Tim Kim",
        ["Jan Piet Bas Tom Ben,", "Ali Eva en Els Lot Mia Noa Sam Tim Kim"],
        id="comma_over_conjunction"),
    pytest.param(
        "Jan Piet Bas Tom Ben – Ali Eva en Els Lot Mia Noa Sam Tim Kim",
        ["Jan Piet Bas Tom Ben –", "Ali Eva en Els Lot Mia Noa Sam Tim Kim"],
        id="dash_over_conjunction"),
    pytest.param(  # 15 words, 7.5 s: two cues, and the even halves would break after "Ahmed" or "Fatima"
        "Jan Piet Klaas Marie Sophie met Ahmed Fatima Youssef Lotte Emma Noor Daan Sem Lucas",
        ["Jan Piet Klaas Marie Sophie", "met Ahmed Fatima Youssef Lotte Emma Noor Daan Sem Lucas"],
        id="preposition_over_plain"),
    pytest.param(  # the even halves would break after "Eva"
        "Jan Piet Bas Tom Ben [400] Ali Eva Els Lot Mia Noa Sam Tim Kim Rik",
        ["Jan Piet Bas Tom Ben", "Ali Eva Els Lot Mia Noa Sam Tim Kim Rik"],
        id="short_pause_over_plain"),
    pytest.param(  # a hesitation after "naar", but the preposition leads what follows
        "Ik ging gisteren met Jan naar [400] Gent en daarna gingen we samen nog lang wandelen in het park.",
        ["Ik ging gisteren met Jan naar Gent", "en daarna gingen we samen nog lang wandelen in het park."],
        id="not_after_a_preposition"),
    pytest.param(
        "Ja. Nee. Misschien.",
        ["Ja. Nee. Misschien."],
        id="short_sentences_share_a_cue"),
])
def test_plan_cues_breaks_at_the_best_place(script: str, expected: list[str]) -> None:
    assert texts(plan_cues(spoken(script))) == expected


@pytest.mark.parametrize("article", ["de", "het", "een", "De", "'t", "geen", "mijn"])
def test_plan_cues_never_breaks_after_an_article(article: str) -> None:
    # 18 words, 11 s: two cues; a hesitation right after the article, near the middle, is the
    # most attractive break there is, but the article belongs with its noun
    script = f"Jan Piet Bas Tom Ben Ali Eva Els zagen {article} [400] fiets Lot Mia Noa Sam Tim Kim Rik"
    cues = plan_cues(spoken(script, word_ms=500))
    assert len(cues) == 2
    line_ends = [line.split()[-1] for cue in cues for line in cue.plain.split("\n")]
    assert article not in line_ends


def test_plan_cues_breaks_lines_not_after_an_article() -> None:
    # 62 characters: the most even line break falls right after "de"
    cues = plan_cues(spoken("Gisteren zagen Jan Piet en Klaas de allermooiste groene fietsen staan."))
    assert [cue.plain for cue in cues] == ["Gisteren zagen Jan Piet en Klaas\nde allermooiste groene fietsen staan."]


def test_plan_cues_breaks_after_a_pronoun_that_looks_like_an_article() -> None:
    # "je" is a determiner in "je fiets", but here the subject: the pause after it is a fine break
    cues = plan_cues(spoken("Vaak zie je [500] dat nieuwkomers hier niemand kennen."))
    assert [cue.plain for cue in cues] == ["Vaak zie je\ndat nieuwkomers hier niemand kennen."]


def test_plan_cues_balances_cues_rather_than_filling_them() -> None:
    names = "Jan Piet Klaas Marie Sophie Ahmed Fatima Youssef Lotte Emma Noor Daan Sem Lucas Finn Levi Mila Julia Tess"
    cues = plan_cues(spoken(f"{names} {names}", word_ms=200))  # 211 characters, no punctuation
    lengths = [len(text) for text in texts(cues)]
    assert len(lengths) == 3
    assert max(lengths) - min(lengths) <= 20  # filling the first two cues would leave about 40 for the third


@pytest.mark.parametrize(("script", "expected"), [
    pytest.param("Ja [1000] ik kom wel", ["Ja", "ik kom wel"], id="one_second"),
    pytest.param("Ja [999] ik kom wel", ["Ja ik kom wel"], id="just_under_a_second"),
    pytest.param("Ja [5000] ik kom wel", ["Ja", "ik kom wel"], id="five_seconds"),
    pytest.param("Ja. [1000] Nee. [1000] Misschien.", ["Ja.", "Nee.", "Misschien."], id="short_sentences"),
    pytest.param("Ik zag de [1200] fiets", ["Ik zag de", "fiets"], id="even_after_an_article"),
])
def test_plan_cues_starts_a_new_cue_after_a_pause_of_a_second(script: str, expected: list[str]) -> None:
    assert texts(plan_cues(spoken(script))) == expected


# --- lines and length ------------------------------------------------------------------------


@pytest.mark.parametrize(("script", "lines"), [
    pytest.param("Een buddy helpt een nieuwkomer in Gent.", 1, id="short"),
    pytest.param("Een buddy helpt een nieuwkomer in Gent, ja", 1, id="42_characters"),
    pytest.param("Een buddy helpt een nieuwkomer in Gent, jaa", 2, id="43_characters"),
    pytest.param("Een buddy helpt een nieuwkomer in Gent, want wie een vriend heeft is snel thuis.", 2,
                 id="two_full_lines"),
])
def test_plan_cues_makes_one_line_if_it_fits_else_two(script: str, lines: int) -> None:
    cues = plan_cues(spoken(script, word_ms=300, gap_ms=50))
    assert len(cues) == 1
    assert len(cues[0].plain.split("\n")) == lines
    assert all(len(line) <= MAX_LINE_CHARS for line in cues[0].plain.split("\n"))


def test_plan_cues_breaks_lines_after_punctuation() -> None:
    # the most even break would be after "Klaas"
    cues = plan_cues(spoken("Vandaag zagen wij Jan Piet, Klaas Marie Sophie Ahmed Fatima Youssef."))
    assert [cue.plain for cue in cues] == ["Vandaag zagen wij Jan Piet,\nKlaas Marie Sophie Ahmed Fatima Youssef."]


def test_plan_cues_prefers_the_longer_line_at_the_bottom() -> None:
    # 19 and 25 characters, or 24 and 20: the second is more even, but top-heavy
    cues = plan_cues(spoken("Lotte Fatima Sophie Mila Noor Finn Marie Daan", word_ms=300, gap_ms=50))
    assert [cue.plain for cue in cues] == ["Lotte Fatima Sophie\nMila Noor Finn Marie Daan"]


def test_plan_cues_keeps_cues_under_seven_seconds() -> None:
    # 14 short words at 0.7 s each: their 44 characters fit one cue, their 9.8 s do not
    cues = plan_cues(spoken("ik en jij en hij en zij en wij en ze en u en", word_ms=600, gap_ms=100))
    assert len(cues) == 2
    assert all(cue.duration_ms <= MAX_CUE_MS for cue in cues)


def test_plan_cues_gives_an_overlong_word_its_own_cue() -> None:
    url = "https://www.vanbuddytotcommunity.be/verhalen/nieuwkomers-in-gent"
    words = [Word("Kijk", 0, 300), Word("eens", 350, 600), Word("op", 650, 900), Word(url, 950, 4_900),
             Word("voor", 4_950, 5_200), Word("meer.", 5_250, 5_700)]
    cues = plan_cues(words)
    assert texts(cues) == ["Kijk eens op", url, "voor meer."]
    assert [message for _, message in lint_cues(cues)] == [f"a line longer than {MAX_LINE_CHARS} characters"]


# --- timing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("next_start_ms", "end_ms"), [
    pytest.param(None, 1_400, id="last_cue"),
    pytest.param(3_000, 1_400, id="long_silence"),
    pytest.param(1_900, 1_820, id="gap_closed_after_linger"),  # 1_400 would leave 500 ms
    pytest.param(2_000, 1_400, id="gap_of_600_kept"),
])
def test_plan_cues_lingers_at_most_500_ms(next_start_ms: int | None, end_ms: int) -> None:
    words = [Word("Dat", 0, 300), Word("klopt.", 350, 900)]
    if next_start_ms is not None:
        words.append(Word("Goed.", next_start_ms, next_start_ms + 600))
    assert plan_cues(words)[0].end_ms == end_ms


@pytest.mark.parametrize("frame_ms", [40, 42, 33])
def test_plan_cues_closes_short_gaps_to_two_frames(frame_ms: int) -> None:
    # the first sentence ends at 2_150 and the second starts 1 s later: a gap of 500 after the linger
    words = spoken("Dat klopt wel hoor. [1000] Goed zo.", word_ms=500, gap_ms=50)
    first, second = plan_cues(words, frame_ms=frame_ms)
    assert second.start_ms - first.end_ms == 2 * frame_ms


def test_plan_cues_keeps_two_frames_before_the_next_cue_at_any_frame_rate() -> None:
    # at 3.3 frames a second two frames (600 ms) are more than a short gap (500 ms): the linger gives way
    cues = plan_cues([Word("Ja.", 0, 400), Word("Nee.", 1_450, 1_800)], frame_ms=300)
    assert cues[1].start_ms - cues[0].end_ms == 600


def test_plan_cues_closes_the_gap_by_moving_the_end_earlier() -> None:
    # continuous speech split in two: the first cue cannot linger, it ends 2 frames before the next
    script = "Een buddy helpt een nieuwkomer in Gent, want wie een vriend heeft voelt zich sneller thuis in de stad."
    first, second = plan_cues(spoken(script, word_ms=400, gap_ms=20))
    assert second.start_ms - first.end_ms == 80


@pytest.mark.parametrize(("next_start_ms", "end_ms"), [
    pytest.param(None, 833, id="last_cue"),
    pytest.param(2_000, 833, id="long_silence"),
    pytest.param(1_200, 1_120, id="gap_closed"),
])
def test_plan_cues_extends_a_short_cue_into_the_silence(next_start_ms: int | None, end_ms: int) -> None:
    words = [Word("Ja.", 0, 200)]
    if next_start_ms is not None:
        words.append(Word("Goed.", next_start_ms, next_start_ms + 600))
    cues = plan_cues(words)
    assert cues[0].end_ms == end_ms
    assert texts(cues) == ["Ja.", "Goed."][:len(words)]


def test_plan_cues_avoids_a_cue_too_short_to_read() -> None:
    # "Ja." alone would be a sentence, but shown for 220 ms before the next words start
    words = [Word("Ja.", 0, 200), *spoken("Mijn buddy heette Jan en hij leerde mij hoe de tram werkt en waar je "
                                           "kunt eten.", start_ms=300, word_ms=300, gap_ms=50)]
    cues = plan_cues(words)
    assert len(cues) == 2
    assert lint_cues(cues) == []


def test_plan_cues_avoids_a_cue_too_fast_to_read() -> None:
    # the exclamation alone would be a sentence, but 31 characters in 1.3 s: 23 a second
    exclamation = spoken("Wat een ongelooflijk mooie dag.", word_ms=250, gap_ms=30)
    words = exclamation + spoken("We gingen daarna nog met z'n allen iets drinken in het café.", word_ms=450,
                                 gap_ms=50, start_ms=exclamation[-1].end_ms + 40)
    cues = plan_cues(words)
    assert len(cues) == 2
    assert lint_cues(cues) == []


def test_plan_cues_starts_each_cue_with_its_first_word() -> None:
    words = spoken("Mijn buddy heette Jan. [1500] Hij was gepensioneerd.", start_ms=12_345)
    assert [cue.start_ms for cue in plan_cues(words)] == [12_345, words[4].start_ms]


def test_plan_cues_puts_words_in_time_order() -> None:
    words = [Word("klopt.", 500, 900), Word("Dat", 0, 400), Word("wel", 450, 500)]
    assert plan_cues(words) == [Cue(0, 1_400, "Dat wel klopt.")]


def test_plan_cues_keeps_a_word_on_screen_while_it_is_spoken() -> None:
    # "b" starts after "a" but ends long before it: the cue lasts as long as "a" does
    assert plan_cues([Word("a", 0, 3_000), Word("b", 100, 200)]) == [Cue(0, 3_500, "a b")]


@pytest.mark.parametrize("words", [
    pytest.param([Word("b", 500, 900), Word("a", 0, 400)], id="out_of_order"),
    pytest.param([Word("a", 0, 5_000), Word("b", 100, 200), Word("c", 1_300, 1_400)], id="overlapping"),
    pytest.param([Word("a", 0, 0), Word("b", 0, 0), Word("c", 0, -50)], id="zero_and_negative_durations"),
    pytest.param([Word("a", -300, -100), Word("b", 2_000, 2_100)], id="before_zero"),
    pytest.param([Word(f"w{k}", 1_000, 1_000) for k in range(60)], id="all_at_once"),
])
def test_plan_cues_never_overlaps_on_malformed_words(words: list[Word]) -> None:
    cues = plan_cues(words)
    assert sorted(" ".join(texts(cues)).split()) == sorted(w.text for w in words)
    assert all(0 <= cue.start_ms < cue.end_ms for cue in cues)
    assert all(a.end_ms <= b.start_ms for a, b in zip(cues, cues[1:]))


# --- text ------------------------------------------------------------------------------------


def test_plan_cues_escapes_the_text() -> None:
    cues = plan_cues([Word("R&D", 0, 400), Word("<3", 500, 900), Word("a&amp;b", 1_000, 1_400)])
    assert [cue.text for cue in cues] == ["R&amp;D &lt;3 a&amp;b"]
    assert cues[0].plain == "R&D <3 a&b"


def test_plan_cues_strips_and_skips_empty_words() -> None:
    words = [Word("  Hallo ", 0, 400), Word("", 450, 500), Word(" \n ", 500, 600), Word("daar\n", 600, 900)]
    assert [cue.text for cue in plan_cues(words)] == ["Hallo daar"]


def test_plan_cues_of_no_words_is_empty() -> None:
    assert plan_cues([]) == []
    assert plan_cues([Word(" ", 0, 100)]) == []


# --- properties ------------------------------------------------------------------------------

_VOCAB = ["de", "het", "een", "'t", "en", "maar", "omdat", "in", "op", "ik", "je", "dat", "buddy", "Gent",
          "nieuwkomers", "gemeenschap", "koffie", "bibliotheek", "ja", "R&D", "<3", "buddy's",
          "https://www.vanbuddytotcommunity.be/verhalen/nieuwkomers"]
_PUNCTUATION = ["", "", "", "", ",", ".", "?", "!", "…", ":", ";", ".\"", "–"]
_WORD = st.tuples(
    st.sampled_from(_VOCAB), st.sampled_from(_PUNCTUATION),
    st.one_of(st.integers(1, 900), st.integers(1, 9_000)),  # duration: sometimes one word is over 7 s
    st.one_of(st.integers(0, 300), st.integers(0, 3_000)),  # silence before the next word
)


def _timed(parts: list[tuple[str, str, int, int]]) -> list[Word]:
    words, now_ms = [], 0
    for text, punctuation, duration_ms, silence_ms in parts:
        words.append(Word(text + punctuation, now_ms, now_ms + duration_ms))
        now_ms += duration_ms + silence_ms
    return words


def _check_cues(words: list[Word], cues: list[Cue], frame_ms: int) -> None:
    """Every rule that holds whatever the words: order, timing, gaps, lines and duration."""
    shown = [cue.plain.split() for cue in cues]
    assert [text for cue_words in shown for text in cue_words] == [w.text for w in words]
    firsts = [0, *accumulate(len(cue_words) for cue_words in shown)]  # index of each cue's first word
    for k, cue in enumerate(cues):
        first, last = words[firsts[k]], words[firsts[k + 1] - 1]
        assert cue.start_ms == first.start_ms
        assert cue.start_ms < cue.end_ms
        lines = cue.plain.split("\n")
        assert len(lines) <= 2
        assert all(len(line) <= MAX_LINE_CHARS for line in lines) or len(shown[k]) == 1
        assert cue.duration_ms <= max(MAX_CUE_MS, last.end_ms - first.start_ms if first is last else 0)
        if k + 1 < len(cues):
            following = cues[k + 1]
            gap_ms = following.start_ms - cue.end_ms
            squeezed = following.start_ms - cue.start_ms <= 2 * frame_ms  # no room for the gap
            assert gap_ms >= 2 * frame_ms or squeezed
            assert gap_ms == 2 * frame_ms or gap_ms > 500 or cue.duration_ms >= MAX_CUE_MS or squeezed
            assert cue.end_ms <= max(last.end_ms + 500, cue.start_ms + 833) or gap_ms == 2 * frame_ms \
                or cue.duration_ms == MAX_CUE_MS
    starts_cue = set(firsts)
    for k in range(1, len(words)):
        if words[k].start_ms - words[k - 1].end_ms >= 1000:
            assert k in starts_cue


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(_WORD, max_size=80), frame_ms=st.sampled_from([40, 42, 33, 20, 300]))
def test_plan_cues_keeps_every_rule_for_any_words(parts: list[tuple[str, str, int, int]], frame_ms: int) -> None:
    words = _timed(parts)
    _check_cues(words, plan_cues(words, frame_ms=frame_ms), frame_ms)


_ANY_TIME = st.integers(-2_000, 20_000)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.builds(Word, st.sampled_from(_VOCAB), _ANY_TIME, _ANY_TIME), max_size=40))
def test_plan_cues_never_overlaps_for_any_timings(words: list[Word]) -> None:
    cues = plan_cues(words)
    assert sorted(" ".join(texts(cues)).split()) == sorted(w.text for w in words)
    assert all(0 <= cue.start_ms < cue.end_ms for cue in cues)
    assert all(a.end_ms <= b.start_ms for a, b in zip(cues, cues[1:]))


def test_plan_cues_handles_a_long_film() -> None:
    # a 60-minute film has about 9,000 words; the plan's window is bounded, so this stays fast
    parts = [(_VOCAB[k * 7 % 22], _PUNCTUATION[k * 5 % 13], 150 + k * 37 % 400, (0, 40, 80, 400, 1_200)[k % 5])
             for k in range(10_000)]
    words = _timed(parts)
    _check_cues(words, plan_cues(words), 40)


# --- real speech -----------------------------------------------------------------------------

_SPEECH = """Ik kwam hier drie jaar geleden aan. Ik sprak geen woord Nederlands. Mijn buddy heette Jan,
en hij was al met pensioen. Elke dinsdag dronken we koffie in de bibliotheek. Hij leerde me hoe de tram
werkt en waar je goed en goedkoop kunt eten. Nu help ik zelf mensen die net in de stad zijn. Wat is een
gemeenschap? Voor mij is dat een plek waar je elkaar helpt, ook als je er niets voor terug krijgt."""


def test_plan_cues_passes_the_lint_on_real_speech() -> None:
    # about three words a second: 50 ms a letter, short gaps, and a breath between sentences
    words, now_ms = [], 0
    for text in _SPEECH.split():
        words.append(Word(text, now_ms, now_ms + 60 + 50 * len(text)))
        now_ms = words[-1].end_ms + (500 if text[-1] in ".?" else 40)
    assert 2.7 < len(words) / (now_ms / 1000) < 3.3
    cues = plan_cues(words)
    assert lint_cues(cues) == []
    assert all(cue.plain[-1] in ".?," for cue in cues)  # every cue ends at a sentence or a clause
