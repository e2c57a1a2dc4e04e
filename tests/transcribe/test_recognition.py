"""Whisper's failure modes removed: credits on silence, loops, segments that are not speech."""

from __future__ import annotations

import pytest

from catalogue.transcribe.captions import Word
from catalogue.transcribe.recognition import Segment, cut_loops, drop_reason, judge, snap_to_speech


def words_of(text: str, start_ms: int = 0, step_ms: int = 300, probability: float = 0.9) -> tuple[Word, ...]:
    return tuple(Word(w, start_ms + i * step_ms, start_ms + (i + 1) * step_ms - 20, probability)
                 for i, w in enumerate(text.split()))


def segment(text: str, start_ms: int = 0, **scores: float) -> Segment:
    words = words_of(text, start_ms, probability=scores.pop("probability", 0.9))
    return Segment(start_ms, words[-1].end_ms if words else start_ms, " " + text, words, **scores)


@pytest.mark.parametrize("text", [
    "Ondertiteling door de Amara.org gemeenschap",
    "Ondertiteld door Jan Jansen",
    "ondertitels ingediend door de gemeenschap",
    "Ondertiteling: TV Gelderland 2021",
    "Kijk op www.omroep.nl voor meer",
])
def test_drop_reason_subtitle_credits_are_dropped_even_when_confident(text: str) -> None:
    assert "credits" in drop_reason(segment(text, avg_logprob=-0.1, no_speech_prob=0.01))


def test_drop_reason_thanks_for_watching_only_when_the_audio_doubts_it() -> None:
    text = "Bedankt voor het kijken."
    assert drop_reason(segment(text, avg_logprob=-0.2, no_speech_prob=0.05)) == ""
    assert "silence" in drop_reason(segment(text, avg_logprob=-0.2, no_speech_prob=0.5))
    assert "silence" in drop_reason(segment(text, avg_logprob=-0.9, no_speech_prob=0.05))


@pytest.mark.parametrize("scores, reason", [
    ({"compression_ratio": 3.1}, "compression ratio"),
    ({"no_speech_prob": 0.8, "avg_logprob": -1.2}, "no speech"),
    ({"avg_logprob": -2.3}, "low confidence"),
])
def test_drop_reason_decoder_scores(scores: dict[str, float], reason: str) -> None:
    assert reason in drop_reason(segment("we zochten buddy's in de buurt", **scores))


def test_drop_reason_keeps_ordinary_speech_about_subtitles() -> None:
    # the words alone are no hallucination: a person may talk about subtitles
    assert drop_reason(segment("We maken de ondertitels zelf", avg_logprob=-0.3)) == ""
    assert drop_reason(segment("Een buddy helpt een nieuwkomer", no_speech_prob=0.7, avg_logprob=-0.4)) == ""


def test_cut_loops_keeps_one_occurrence_of_a_repeated_phrase() -> None:
    words = words_of("en toen zei ik dank je wel dank je wel dank je wel dank je wel tegen haar")
    kept, removed = cut_loops(words)
    assert " ".join(w.text for w in kept) == "en toen zei ik dank je wel tegen haar"
    assert len(removed) == 9
    assert [w.start_ms for w in kept] == sorted(w.start_ms for w in kept)


def test_cut_loops_leaves_speech_that_repeats_a_little() -> None:
    for text in ("nee nee nee dat klopt niet", "heel heel erg mooi", "ja ja, dat is zo. ja ja"):
        kept, removed = cut_loops(words_of(text))
        assert removed == [] and len(kept) == len(text.split())


def test_cut_loops_a_single_word_loop() -> None:
    kept, removed = cut_loops(words_of("de de de de de de de buddy"))
    assert [w.text for w in kept] == ["de", "buddy"] and len(removed) == 6


def test_judge_drops_a_segment_said_a_third_time_in_a_row_and_reports_why() -> None:
    segments = [segment("Dat was het.", 0), segment("Dat was het.", 2000), segment("Dat was het.", 4000),
                segment("Ondertiteling door de Amara.org gemeenschap", 6000, avg_logprob=-0.2),
                segment("Nu iets anders.", 9000)]
    words, dropped = judge(segments)
    assert " ".join(w.text for w in words) == "Dat was het. Dat was het. Nu iets anders."
    assert [d.start_ms for d in dropped] == [4000, 6000]
    assert "third time" in dropped[0].reason and "credits" in dropped[1].reason


def test_snap_to_speech_moves_words_out_of_pauses_into_their_speech() -> None:
    speech = [(1000, 3000), (4000, 6000)]
    words = [Word("Toen", 1100, 1400), Word("kwam", 2800, 3200), Word("hij.", 3300, 3500),
             Word("Ik", 3600, 3800), Word("ging", 4100, 4400), Word("naar", 4500, 4900), Word("huis.", 5800, 6300)]
    snapped = snap_to_speech(words, speech)
    # 'kwam' and 'huis.' stick out of their stretch; 'hij.' lies in the pause nearer the first
    # stretch, 'Ik' too, but it starts a sentence: it belongs to the next stretch
    assert [(w.start_ms, w.end_ms) for w in snapped] == [
        (1100, 1400), (2800, 3000), (2999, 3000), (4000, 4200), (4100, 4400), (4500, 4900), (5800, 6000)]
    assert [w.text for w in snapped] == [w.text for w in words]


def test_snap_to_speech_leaves_words_far_from_any_detected_speech() -> None:
    words = [Word("zacht", 9000, 9400), Word("gezegd", 1200, 1500)]
    assert snap_to_speech(words, [(1000, 2000)]) == words
    assert snap_to_speech(words, []) == words


def test_snap_to_speech_never_reorders_words() -> None:
    speech = [(1000, 3000), (4000, 6000)]
    words = [Word("hij.", 3300, 3400), Word("Ik", 3500, 3600), Word("eh", 3700, 3750)]  # all three in the pause
    snapped = snap_to_speech(words, speech)
    assert [w.start_ms for w in snapped] == sorted(w.start_ms for w in snapped)
    assert len({w.start_ms for w in snapped}) == 3


@pytest.mark.parametrize(("no_speech_prob", "avg_logprob"), [(0.95, -0.2), (0.99, -0.5), (0.61, -0.99), (0.6, -1.5)])
def test_judge_keeps_confident_speech_however_sure_whisper_is_of_silence(no_speech_prob: float,
                                                                          avg_logprob: float) -> None:
    # Whisper's no-speech probability alone says little: it runs high on speech over music or noise. Only
    # with a low log-probability too is a segment dropped as not speech (openai/whisper's rule).
    said = segment("we zochten buddy's in de buurt", no_speech_prob=no_speech_prob, avg_logprob=avg_logprob)
    words, dropped = judge([said])
    assert [w.text for w in words] == "we zochten buddy's in de buurt".split() and dropped == []


@pytest.mark.parametrize(("no_speech_prob", "avg_logprob"), [(0.61, -1.01), (0.95, -1.9)])
def test_judge_drops_a_segment_whisper_doubts_both_ways(no_speech_prob: float, avg_logprob: float) -> None:
    said = segment("we zochten buddy's in de buurt", no_speech_prob=no_speech_prob, avg_logprob=avg_logprob)
    words, dropped = judge([said])
    assert words == [] and [d.reason for d in dropped] == [f"likely no speech (no-speech probability "
                                                           f"{no_speech_prob:.2f})"]
