"""Subtitle cues from a speech recogniser's timed words, after Netflix's Dutch and the BBC's guidelines.

Cue breaks are chosen by dynamic programming over the gaps between words: hard limits (two lines
of 42 characters, 7 s, a pause of 1 s) decide which cues may exist at all, and a cost decides
between them (reading speed and duration first, then where the break falls, then balance).
"""

from __future__ import annotations

import html
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from catalogue.model import Cue
from catalogue.subtitles import MAX_CHARS_PER_SECOND, MAX_CUE_MS, MAX_LINE_CHARS, escape_text

MIN_SHOW_MS = 833  # 5/6 s (Netflix); the lint asks 800, this leaves a margin
LINGER_MS = 500  # a cue may stay after its last word, into the silence
CLOSE_GAP_MS = 500  # a shorter gap flickers: close it to two frames
PAUSE_BREAK_MS = 1000  # a new utterance: the viewer must see a new cue start with it
PAUSE_HINT_MS = 300
_MAX_CUE_CHARS = 2 * MAX_LINE_CHARS + 1  # two full lines and the break between them

# the cost of a break after a word, by what the word is; a pause makes it cheaper
_SENTENCE, _CLAUSE, _CONNECTIVE, _PLAIN, _DANGLING_CONNECTIVE, _ARTICLE = 0.0, 2.0, 4.0, 8.0, 20.0, 500.0
_PAUSE_FACTOR = 0.25
_CUE = 10.0  # per cue, so that short sentences may share one
_BALANCE = 0.0025  # per character squared: convex, so cues come out even rather than greedily filled;
# small enough that a cue which fits is not split for balance alone
_DANGLING = 20.0  # a cue that starts a new sentence and ends inside it
_TOO_FAST = 10.0  # a cue the lint will warn about
_SLOW = 4.0  # and per character beyond what 17 characters/second allows
_SHORT = 0.1  # per ms under MIN_SHOW_MS
_LINE_BREAK = 0.75  # a line break where a cue break would cost 1: the eye need not jump
_LINE_IMBALANCE = 0.1  # per character of difference between the two lines
_TOP_HEAVY_IMBALANCE = 0.15  # a little more when the top line is the longer (Netflix: bottom-heavy)

_CLOSERS = "\"'»”’)\\]"
SENTENCE_END = re.compile(f"[.?!…][{_CLOSERS}]*$")  # a word that ends a sentence
_CLAUSE_END = re.compile(f"(?:[,;:–—]|^-)[{_CLOSERS}]*$")  # a lone "-" is a dash, "boven-" is not
_KEY_STRIP = ".,;:!?…\"“”„«»()[]–—"
# a break goes well before these (conjunctions, prepositions, relative pronouns)...
_CONNECTIVES = frozenset(
    "en of maar want dus omdat als dat die wanneer terwijl hoewel zodat toen om voor met van in op aan "
    "naar bij uit over door tot zonder tegen na sinds tijdens dan nadat voordat totdat zoals doordat "
    "tenzij mits noch waar waarom hoe wat wie".split()
)
# ...and never right after these: an article or determiner belongs with its noun
_DETERMINERS = frozenset(
    "de het een 't deze dit die dat mijn m'n je jouw zijn z'n haar ons onze hun jullie uw "
    "elk elke ieder iedere geen".split()
)
# "dat", "die", "je", "zijn", "het" are often no determiner: "zie je | dat", "het huis dat | ik"
_NOT_NOUNS = _CONNECTIVES | _DETERMINERS | frozenset("ik jij hij zij wij we ze u men er niet ook nog al".split())


@dataclass(frozen=True)
class Word:
    """One recognised word: text with its punctuation, no surrounding spaces; times in ms."""

    text: str
    start_ms: int
    end_ms: int
    probability: float = 1.0


@dataclass(frozen=True)
class _Speech:
    """Words prepared for planning: index k is word k, except where noted."""

    texts: list[str]
    starts: list[int]  # strictly increasing
    ends: list[int]  # non-decreasing, each after its start
    offsets: list[int]  # offsets[k]: visible characters of words 0..k-1, one space after each
    brk: list[float]  # brk[k]: cost of a cue or line break between words k-1 and k; brk[n] = 0
    sentence_ends: list[bool]
    sentence_count: list[int]  # sentence_count[k]: sentence ends among words 0..k-1
    window: list[int]  # window[stop]: the earliest word a cue ending with word stop-1 may start with
    line_one_to: list[int]  # line_one_to[k]: a line starting with word k fits words k..line_one_to[k]-1
    line_two_from: list[int]  # line_two_from[stop]: a line ending with word stop-1 fits from this word
    gap_ms: int  # the least gap between cues: two frames


def plan_cues(words: Sequence[Word], *, frame_ms: int = 40) -> list[Cue]:
    """Group words (in time order) into cues: the Cue.text is WebVTT cue text (escaped with
    subtitles.escape_text), one or two lines joined by "\n"."""
    speech = _prepare(*_normalize(words), 2 * frame_ms)
    count = len(speech.texts)
    bounds = _plan_breaks(speech)
    cues = []
    for first, stop in zip(bounds, bounds[1:]):
        next_start = speech.starts[stop] if stop < count else None
        end_ms = _cue_end_ms(speech.starts[first], speech.ends[stop - 1], next_start, speech.gap_ms)
        cues.append(Cue(speech.starts[first], end_ms, escape_text(_cue_text(speech, first, stop))))
    return cues


def _normalize(words: Sequence[Word]) -> tuple[list[str], list[int], list[int]]:
    """Texts, starts and ends (ms) of the words with text, in time order, cleaned so that cues cannot overlap."""
    cleaned = [(round(w.start_ms), round(w.end_ms), " ".join(w.text.split())) for w in words]
    texts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    start_ms = end_ms = -1
    for word_start_ms, word_end_ms, text in sorted((w for w in cleaned if w[2]), key=lambda w: w[:2]):
        # two cues cannot start at the same moment: a tie moves the later word on by 1 ms
        start_ms = max(word_start_ms, start_ms + 1, 0)
        end_ms = max(word_end_ms, start_ms + 1, end_ms)
        texts.append(text)
        starts.append(start_ms)
        ends.append(end_ms)
    return texts, starts, ends


def _prepare(texts: list[str], starts: list[int], ends: list[int], gap_ms: int) -> _Speech:
    offsets, sentence_count = [0], [0]
    sentence_ends = [bool(SENTENCE_END.search(text)) for text in texts]
    for text, ends_sentence in zip(texts, sentence_ends):
        # lint_cues counts what the viewer sees: entities already in the text count as one
        offsets.append(offsets[-1] + len(html.unescape(escape_text(text))) + 1)
        sentence_count.append(sentence_count[-1] + ends_sentence)
    brk = [0.0] * (len(texts) + 1)
    for k in range(1, len(texts)):
        brk[k] = _break_cost(texts[k - 1], texts[k], starts[k] - ends[k - 1])
    line_one_to = [bisect_right(offsets, offset + MAX_LINE_CHARS + 1) - 1 for offset in offsets]
    line_two_from = [bisect_left(offsets, offset - MAX_LINE_CHARS - 1) for offset in offsets]
    return _Speech(texts, starts, ends, offsets, brk, sentence_ends, sentence_count,
                   _window_starts(starts, ends, offsets), line_one_to, line_two_from, gap_ms)


def _window_starts(starts: list[int], ends: list[int], offsets: list[int]) -> list[int]:
    """window[stop] for every stop: no 1 s pause inside a cue, two lines' worth of text, 7 s of speech."""
    window, first = [0], 0
    for stop in range(1, len(starts) + 1):
        if stop > 1 and starts[stop - 1] - ends[stop - 2] >= PAUSE_BREAK_MS:
            first = stop - 1
        while first < stop - 1 and (offsets[stop] - offsets[first] - 1 > _MAX_CUE_CHARS
                                    or ends[stop - 1] - starts[first] > MAX_CUE_MS):
            first += 1
        window.append(first)
    return window


def _break_cost(before: str, after: str, pause_ms: int) -> float:
    """How bad a break between these two words is."""
    if SENTENCE_END.search(before):
        cost = _SENTENCE
    elif _CLAUSE_END.search(before):
        cost = _CLAUSE
    elif _key(before) in _DETERMINERS and _key(after) not in _NOT_NOUNS:
        return _ARTICLE  # a hesitation after "de" still belongs with the noun
    elif _key(before) in _CONNECTIVES:
        cost = _DANGLING_CONNECTIVE  # "naar | de dokter": the preposition leads what follows
    elif _key(after) in _CONNECTIVES:
        cost = _CONNECTIVE
    else:
        cost = _PLAIN
    return cost * _PAUSE_FACTOR if pause_ms >= PAUSE_HINT_MS else cost


def _key(text: str) -> str:
    return text.lower().replace("’", "'").strip(_KEY_STRIP)


def _plan_breaks(speech: _Speech) -> list[int]:
    """Indexes of each cue's first word, and len(words) last: the cheapest grouping."""
    count = len(speech.texts)
    best = [0.0] + [math.inf] * count
    back = [0] * (count + 1)
    for stop in range(1, count + 1):
        best[stop], back[stop] = _best_last_cue(speech, best, stop)
    bounds = [count]
    while bounds[-1] > 0:
        bounds.append(back[bounds[-1]])
    return bounds[::-1] if count else []


def _best_last_cue(speech: _Speech, best: list[float], stop: int) -> tuple[float, int]:
    """The cost of the cheapest plan of words [0, stop), given those of shorter ones, and its last cue's first word."""
    # hot: 9,000 words make about 100,000 candidate cues, hence the locals and the early outs
    starts, offsets, sentence_count = speech.starts, speech.offsets, speech.sentence_count
    next_start = starts[stop] if stop < len(starts) else None
    last_end, stop_offset = speech.ends[stop - 1], offsets[stop]
    # a cue that starts a sentence should end one too
    dangling_from = -1 if speech.sentence_ends[stop - 1] else sentence_count[stop - 1]
    fixed = _CUE + speech.brk[stop]
    lowest, chosen = math.inf, stop - 1
    # the window is bounded by the longest possible cue, so the plan is linear in the words
    for first in range(stop - 1, speech.window[stop] - 1, -1):
        length = stop_offset - offsets[first] - 1
        cost = best[first] + fixed + _BALANCE * length * length
        if cost >= lowest:
            continue  # every other term only adds
        two_lines = length > MAX_LINE_CHARS and stop - first > 1
        shown_ms = _cue_end_ms(starts[first], last_end, next_start, speech.gap_ms) - starts[first]
        slow = length - two_lines - MAX_CHARS_PER_SECOND * shown_ms / 1000  # a line break is no character
        if slow > 0:
            cost += _TOO_FAST + _SLOW * slow
        if shown_ms < MIN_SHOW_MS:
            cost += _SHORT * (MIN_SHOW_MS - shown_ms)
        if sentence_count[first] < dangling_from:
            cost += _DANGLING
        if two_lines and cost < lowest:  # the split only adds: skip it when the cue lost already
            cost += _best_split(speech, first, stop)[0]
        if cost < lowest:
            lowest, chosen = cost, first
    return lowest, chosen


def _best_split(speech: _Speech, first: int, stop: int) -> tuple[float, int]:
    """The cheapest line break in words [first, stop): its cost (inf if none fits) and the second line's first word."""
    offsets, brk = speech.offsets, speech.brk
    both = offsets[first] + offsets[stop]
    best, chosen = math.inf, stop
    # from where the second line fits to where the first line is full
    for split in range(max(first + 1, speech.line_two_from[stop]), min(stop, speech.line_one_to[first] + 1)):
        excess = 2 * offsets[split] - both  # how much longer the top line is
        cost = _LINE_BREAK * brk[split] + (_TOP_HEAVY_IMBALANCE * excess if excess > 0 else -_LINE_IMBALANCE * excess)
        if cost < best:
            best, chosen = cost, split
    return best, chosen


def _cue_end_ms(start_ms: int, last_end_ms: int, next_start_ms: int | None, gap_ms: int) -> int:
    """When a cue ends (ms): lingering, at least MIN_SHOW_MS and at most 7 s where it can, short gaps closed."""
    # comparisons rather than min() and max(): this runs for every candidate cue
    cap_ms = last_end_ms if last_end_ms > start_ms + MAX_CUE_MS else start_ms + MAX_CUE_MS
    end_ms = last_end_ms + LINGER_MS
    if end_ms < start_ms + MIN_SHOW_MS:
        end_ms = start_ms + MIN_SHOW_MS
    if end_ms > cap_ms:
        end_ms = cap_ms
    if next_start_ms is None:
        return end_ms
    limit_ms = next_start_ms - gap_ms
    if limit_ms <= start_ms:  # the next cue starts within the gap (starts strictly increase)
        limit_ms = start_ms + 1
    if end_ms > limit_ms or next_start_ms - end_ms <= CLOSE_GAP_MS:
        end_ms = limit_ms if limit_ms < cap_ms else cap_ms
    return end_ms


def _cue_text(speech: _Speech, first: int, stop: int) -> str:
    """The cue's plain text: one line if it fits, else the cheapest two."""
    texts = speech.texts
    if speech.offsets[stop] - speech.offsets[first] - 1 <= MAX_LINE_CHARS or stop - first == 1:
        return " ".join(texts[first:stop])
    _, split = _best_split(speech, first, stop)
    return " ".join(texts[first:split]) + "\n" + " ".join(texts[split:stop])
