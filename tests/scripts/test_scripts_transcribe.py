"""scripts/speechfilm.py: the transcription metrics (pure) and the long-form film (real ffmpeg, no model)."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from catalogue.media.runner import ffmpeg_exe, probe
from catalogue.model import Cue
from catalogue.settings import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
import speechfilm as sf  # noqa: E402

U = sf.Utterance


@pytest.mark.parametrize(("text", "expected"), [
    ("Daar ligt de sleutel.", ["daar", "ligt", "de", "sleutel"]),
    ("Tel: 1, 2, 3!", ["tel", "een", "twee", "drie"]),
    ("20 of 21 of 1.000", ["twintig", "of", "eenentwintig", "of", "duizend"]),
    ("Café, na-apen en 't", ["café", "naapen", "en", "t"]),
    ("12345 blijft", ["12345", "blijft"]),
])
def test_normalise_words_and_numbers(text: str, expected: list[str]) -> None:
    assert sf.normalise(text) == expected


@pytest.mark.parametrize(("n", "word"), [(0, "nul"), (13, "dertien"), (22, "tweeëntwintig"), (80, "tachtig"),
                                         (115, "honderdvijftien"), (999, "negenhonderdnegenennegentig"),
                                         (1001, "duizendeen"), (9999, "negenduizendnegenhonderdnegenennegentig")])
def test_dutch_number_compounds(n: int, word: str) -> None:
    assert sf.dutch_number(n) == word


def test_word_error_rate_digits_match_words() -> None:
    assert sf.word_error_rate("Een twee drie, twintig!", "1, 2, 3 20") == 0


@pytest.mark.parametrize(("ref", "hyp", "expected"), [
    ("de kat zit op de mat", "de kat zit op de mat", 0.0),
    ("de kat zit op de mat", "de kat zat op de mat", 1 / 6),       # substitution
    ("de kat zit op de mat", "de kat op de mat", 1 / 6),           # deletion
    ("de kat zit", "de dikke kat zit hier", 2 / 3),                # insertions
    ("a b", "", 1.0),
    ("", "", 0.0),
    ("", "iets", 1.0),
])
def test_word_error_rate_levenshtein(ref: str, hyp: str, expected: float) -> None:
    assert sf.word_error_rate(ref, hyp) == pytest.approx(expected)


def test_onset_hits_counts_only_after_long_pauses() -> None:
    utterances = [U(2000, 4000, "a"), U(4500, 6000, "b"), U(7500, 9000, "c"), U(12000, 13000, "d")]
    # a: pause 2 s from the start; b: 0.5 s (not counted); c: 1.5 s; d: 3 s
    cues = [Cue(1600, 4000, "a"), Cue(4500, 6000, "b"), Cue(8100, 9000, "c"), Cue(12000, 13000, "d")]
    assert sf.onset_hits(utterances, cues) == (2, 3)  # c starts 600 ms late
    assert sf.onset_hits(utterances, cues, within_ms=600) == (3, 3)
    assert sf.onset_hits(utterances, cues, after_pause_ms=400) == (3, 4)


def test_text_in_gaps_uses_word_midpoints() -> None:
    utterances = [U(1000, 3000, "a"), U(6000, 8000, "b")]
    words = [sf.Word(1000, 1400, "in"), sf.Word(2900, 3500, "near end"),  # midpoint 3200: within 300 ms
             sf.Word(4000, 4400, "music"), sf.Word(5500, 5900, "early"),  # midpoint 5700: just within
             sf.Word(8400, 8800, "after")]
    assert [w.text for w in sf.text_in_gaps(utterances, words)] == ["music", "after"]


def test_lint_pass_counts_cues_without_warnings() -> None:
    cues = [Cue(0, 2000, "Goed."), Cue(2000, 2300, "Te kort."), Cue(3000, 20000, "Veel te lang getoond.")]
    assert sf.lint_pass(cues) == (1, 3)


def decoded(path: Path) -> np.ndarray:
    pcm = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", "16000", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(pcm, "<i2").astype(np.float64) / 32768


def test_make_speech_film_onsets_and_duration(tmp_path: Path) -> None:
    if not (sf.SPEECH / "metadata.csv").is_file():
        pytest.skip(f"speech corpus absent: {sf.SPEECH}")
    film = tmp_path / "film.mp4"
    utterances = sf.make_speech_film(sf.SPEECH, film, count=3, seed=0)
    info = probe(film)
    assert info.video is not None and info.audio is not None
    assert abs(info.duration_ms - utterances[-1].end_ms) <= 120  # video frames of 100 ms
    assert [u.text for u in utterances] == [r.text for r in sf.pick_recordings(sf.SPEECH, 3, 0)]
    samples = decoded(film)
    assert abs(len(samples) / 16 - utterances[-1].end_ms) <= 50

    def rms(start_ms: int, end_ms: int) -> float:
        return float(np.sqrt(np.mean(samples[start_ms * 16:end_ms * 16] ** 2)))

    for u in utterances:
        assert rms(u.start_ms - 50, u.start_ms) * 20 < rms(u.start_ms, u.start_ms + 50), u


def test_make_speech_film_wav_is_exact(tmp_path: Path) -> None:
    if not (sf.SPEECH / "metadata.csv").is_file():
        pytest.skip(f"speech corpus absent: {sf.SPEECH}")
    wav = tmp_path / "film.wav"
    utterances = sf.make_speech_film(sf.SPEECH, wav, count=3, seed=1, video=False)
    assert abs(probe(wav).duration_ms - utterances[-1].end_ms) <= 10  # ffmpeg prints centiseconds
    with wave.open(str(wav)) as w:
        assert w.getnframes() == utterances[-1].end_ms * sf.SAMPLES_PER_MS
    assert utterances[0].start_ms == sf.LEAD_IN_MS
    assert all(b.start_ms - a.end_ms >= 300 for a, b in zip(utterances, utterances[1:]))


def test_speechfilm_doctests() -> None:
    import doctest

    assert doctest.testmod(sf).failed == 0
