"""What the recogniser said, judged: Whisper's known failure modes removed before words become cues.

Pure functions over `Segment`s (a decoded stretch of speech with its words and its decoder
scores). Whisper invents text where nobody speaks (credits of the subtitle files it was trained
on: "Ondertiteling door de Amara.org gemeenschap"), loops on a phrase, or decodes noise with
low confidence; each rule here names why a segment or words were dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from catalogue.transcribe.captions import SENTENCE_END, Word

# Whisper's own thresholds (openai/whisper transcribe.py), applied again after its fallbacks
MAX_COMPRESSION_RATIO = 2.4
MIN_AVG_LOGPROB = -1.0
MAX_NO_SPEECH_PROB = 0.6
MIN_LOOP_REPEATS = 3  # an n-gram said this many times in a row is a decoder loop

# Credits from subtitle files: never what is said in a film, drop them wherever they appear.
_CREDITS = re.compile(r"amara\.?org|ondertit\w*\s+(?:door|van|gemaakt|ingediend|verzorgd)|"
                      r"ondertitels?\s+(?:ingediend|gemaakt)|ondertiteling\s*:|"
                      r"\bnpo\b|tv\s?gelderland|omroep\s+(?:brabant|west|zeeland|flevoland)|"
                      r"\bwww\.|\b\w+\.(?:nl|be|com|org)\b|©|copyright", re.I)
# Sayable phrases that Whisper also puts on silence: dropped only when the audio doubts them.
_ON_SILENCE = re.compile(r"^\W*(?:bedankt|dank\s+je\s+wel|dank\s+u\s+wel)?\W*(?:voor\s+het\s+(?:kijken|luisteren))"
                         r"|abonneer|like\s+en\s+(?:abonneer|deel)|tot\s+de\s+volgende\s+(?:keer|video)", re.I)


@dataclass(frozen=True)
class Segment:
    """One decoded segment, in film time (ms)."""

    start_ms: int
    end_ms: int
    text: str
    words: tuple[Word, ...]
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 1.0


@dataclass(frozen=True)
class Dropped:
    start_ms: int
    end_ms: int
    text: str
    reason: str


def drop_reason(segment: Segment) -> str:
    """Why a segment is not speech worth keeping, or "" to keep it."""
    text = segment.text.strip()
    if not segment.words or not text:
        return "no words"
    if _CREDITS.search(text):
        return "subtitle credits (a known Whisper hallucination)"
    doubtful = segment.no_speech_prob > 0.3 or segment.avg_logprob < -0.7 or _mean_probability(segment) < 0.5
    if _ON_SILENCE.search(text) and doubtful:
        return "a phrase Whisper puts on silence, with low confidence"
    if segment.compression_ratio > MAX_COMPRESSION_RATIO:
        return f"repetitive text (compression ratio {segment.compression_ratio:.1f})"
    if segment.no_speech_prob > MAX_NO_SPEECH_PROB and segment.avg_logprob < MIN_AVG_LOGPROB:
        return f"likely no speech (no-speech probability {segment.no_speech_prob:.2f})"
    if segment.avg_logprob < 2 * MIN_AVG_LOGPROB:
        return f"very low confidence (log-probability {segment.avg_logprob:.2f})"
    return ""


def _mean_probability(segment: Segment) -> float:
    return sum(w.probability for w in segment.words) / len(segment.words) if segment.words else 0.0


def _key(word: Word) -> str:
    return re.sub(r"[^\w']", "", word.text.lower())


def cut_loops(words: Sequence[Word], max_n: int = 8) -> tuple[list[Word], list[Word]]:
    """Words with decoder loops cut to one occurrence (an n-gram of up to `max_n` words
    repeated MIN_LOOP_REPEATS or more times in a row), and the words removed."""
    keys = [_key(w) for w in words]
    kept: list[Word] = []
    removed: list[Word] = []
    i = 0
    while i < len(words):
        loop = _loop_at(keys, i, max_n)
        if loop:
            n, repeats = loop
            kept.extend(words[i:i + n])
            removed.extend(words[i + n:i + n * repeats])
            i += n * repeats
        else:
            kept.append(words[i])
            i += 1
    return kept, removed


def _loop_at(keys: Sequence[str], i: int, max_n: int) -> tuple[int, int] | None:
    """(n, repeats) when keys[i:i+n] repeats MIN_LOOP_REPEATS times or more from i."""
    for n in range(1, max_n + 1):
        gram = keys[i:i + n]
        if len(gram) < n or not any(gram):
            break
        repeats = 1
        while keys[i + repeats * n:i + (repeats + 1) * n] == gram:
            repeats += 1
        # one word said three times ("nee, nee, nee") is speech; loops of one word run longer
        if repeats >= (MIN_LOOP_REPEATS + 2 if n == 1 else MIN_LOOP_REPEATS):
            return n, repeats
    return None


def judge(segments: Iterable[Segment]) -> tuple[list[Word], list[Dropped]]:
    """The words to keep, in time order, and what was dropped and why: segments that are not
    speech, loops inside a segment, and a segment that repeats the two before it."""
    words: list[Word] = []
    dropped: list[Dropped] = []
    recent: list[str] = []
    for segment in segments:
        reason = drop_reason(segment)
        normalised = " ".join(_key(w) for w in segment.words)
        if not reason and len(recent) >= 2 and recent[-1] == recent[-2] == normalised:
            reason = "the same text a third time in a row (a decoder loop)"
        if reason:
            dropped.append(Dropped(segment.start_ms, segment.end_ms, segment.text.strip(), reason))
            continue
        recent.append(normalised)
        kept, removed = cut_loops(segment.words)
        if removed:
            dropped.append(Dropped(removed[0].start_ms, removed[-1].end_ms,
                                   " ".join(w.text for w in removed), "a repeated phrase (a decoder loop)"))
        words.extend(kept)
    return words, dropped


def snap_to_speech(words: Sequence[Word], speech: Sequence[tuple[int, int]],
                   max_move_ms: int = 1000) -> list[Word]:
    """Words moved inside the stretch of speech (voice activity, ms) they belong to: Whisper's
    word timings may put a word a few hundred ms into the pause before or after it (the first
    word of an utterance early, say), which shows text where nobody speaks. A word is clamped
    into the stretch it overlaps most; one wholly in a pause goes to the next stretch when it
    starts a sentence, else to the nearer one, if within `max_move_ms`. A word far from any
    stretch (speech the detector missed) keeps its timing."""
    if not speech:
        return list(words)
    ordered = sorted(speech)
    starts = [s for s, _ in ordered]
    snapped: list[Word] = []
    for word in words:
        at = bisect_right(starts, word.end_ms)
        near = [ordered[i] for i in (at - 2, at - 1, at) if 0 <= i < len(ordered)]
        best = max(near, key=lambda s: (_overlap(word, s), -_distance(word, s)))
        if not _overlap(word, best) and at < len(ordered):
            after = ordered[at]
            starts_sentence = not snapped or bool(SENTENCE_END.search(snapped[-1].text))
            if starts_sentence and _distance(word, after) <= max_move_ms:
                best = after
        duration = word.end_ms - word.start_ms
        if _overlap(word, best) < duration and _distance(word, best) <= max_move_ms:
            if word.end_ms <= best[0]:  # wholly before its stretch: it starts it
                start, end = best[0], min(best[1], best[0] + duration)
            else:
                start = min(max(word.start_ms, best[0]), best[1] - 1)
                end = max(min(word.end_ms, best[1]), start + 1)
            if snapped and start <= snapped[-1].start_ms:  # never reorder the words
                start = snapped[-1].start_ms + 1
                end = max(end, start + 1)
            word = Word(word.text, start, end, word.probability)
        snapped.append(word)
    return snapped


def _overlap(word: Word, span: tuple[int, int]) -> int:
    return max(0, min(word.end_ms, span[1]) - max(word.start_ms, span[0]))


def _distance(word: Word, span: tuple[int, int]) -> int:
    return max(0, span[0] - word.end_ms, word.start_ms - span[1])
