"""A long-form Dutch test film with known onsets, and the metrics to score a transcript of it.

The film joins real read utterances of one Flemish speaker (../shared/corpus/dutch-speech/flemishguy,
24 kHz mono 16-bit WAVs, `metadata.csv` = `id|transcript`) with pauses of 0.3-4 s. Pauses of 1 s or
more hold, chosen by the seed, a music bed (a slow sine melody over a soft chord, its RMS 8 dB
below the speech's), pink noise (30 dB below the speech), both, or pure silence; shorter pauses
are silence. A bed leaves 150 ms of silence next to each utterance and fades over 80 ms, so the
speech onsets stay sharp. The audio is built as samples in numpy at 24 kHz, every piece padded to
a whole millisecond, so each utterance's start and end in ms are exact. Then ffmpeg
writes an MP4 (320x180 testsrc, 10 fps, H.264 ultrafast, AAC 48 kHz) or, for `.wav`/`.m4a`,
audio only.

Metrics (pure): `normalise`, `word_errors`/`word_error_rate`, `onset_hits`, `text_in_gaps`, `lint_pass`.

    .venv/bin/python scripts/speechfilm.py OUT.mp4 [--count 60] [--seed 0]   # prints the utterances
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import unicodedata
import wave
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from catalogue.media.runner import ffmpeg_exe  # noqa: E402
from catalogue.model import Cue  # noqa: E402
from catalogue.subtitles import lint_cues  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SPEECH = CORPUS / "dutch-speech" / "flemishguy"
RATE = 24_000  # the corpus rate: no resampling before ffmpeg
SAMPLES_PER_MS = RATE // 1000
LEAD_IN_MS = 2_000  # music before the first utterance
BED_MARGIN_MS, FADE_MS = 150, 80
MUSIC_DB, NOISE_DB = -8, -30  # RMS relative to the utterances' mean RMS (theirs is about -31 dBFS)
BEDS = ("music", "silence", "noise", "music+noise")


@dataclass(frozen=True)
class Utterance:
    """Where one utterance lies in the film (ms) and what is said."""

    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class Recording:
    """One corpus utterance: its WAV and its transcript."""

    wav: Path
    text: str


class Timed(Protocol):
    """A recognised word or a cue: text with a span in ms."""

    @property
    def start_ms(self) -> int: ...
    @property
    def end_ms(self) -> int: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class Word:
    start_ms: int
    end_ms: int
    text: str


# ---------------------------------------------------------------- the film

def pick_recordings(corpus: Path, count: int, seed: int = 0) -> list[Recording]:
    """`count` distinct utterances of the corpus folder, in an order fixed by the seed."""
    rows = [line.split("|", 1) for line in (corpus / "metadata.csv").read_text("utf-8").splitlines() if "|" in line]
    found = [Recording(corpus / "wavs" / f"{uid}.wav", text.strip()) for uid, text in sorted(rows)
             if (corpus / "wavs" / f"{uid}.wav").is_file()]
    if count > len(found):
        raise ValueError(f"asked for {count} utterances, {corpus} has {len(found)}")
    return random.Random(seed).sample(found, count)


def read_wav(path: Path) -> np.ndarray:
    """Samples of a 16-bit mono WAV at RATE as float32 in [-1, 1]."""
    with wave.open(str(path), "rb") as w:
        if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, RATE):
            raise ValueError(f"{path}: expected mono 16-bit {RATE} Hz")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768


def write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


def plan_pauses(count: int, seed: int) -> list[tuple[int, str]]:
    """(pause before utterance i in ms, bed) for each utterance: 0.3-1 s of silence (40%) or
    1-4 s of music, noise, both or silence (60%). The first is the lead-in, with music."""
    rng = random.Random(seed + 1)
    pauses = [(LEAD_IN_MS, "music")]
    for i in range(1, count):
        if rng.random() < 0.4:
            pauses.append((rng.randrange(300, 1000), "silence"))
        else:
            pauses.append((rng.randrange(1000, 4001), rng.choice(BEDS)))
    return pauses


def music(start: int, n: int, rng: random.Random, level: float) -> np.ndarray:
    """A slow melody (notes of 0.4-0.7 s from a pentatonic scale) over a soft chord, RMS = level."""
    scale = [261.63, 293.66, 329.63, 392.0, 440.0, 523.25]
    t = (start + np.arange(n)) / RATE
    out = np.zeros(n)
    for f in (130.81, 164.81, 196.0):  # a low C major chord
        out += 0.5 * np.sin(2 * np.pi * f * t)
    pos = 0
    while pos < n:
        length = min(n - pos, rng.randrange(400, 701) * SAMPLES_PER_MS)
        f, tt = rng.choice(scale), t[pos:pos + length]
        env = np.minimum(1, np.arange(length) / (0.03 * RATE)) * np.exp(-2.5 * (tt - tt[0]))
        out[pos:pos + length] += env * (np.sin(2 * np.pi * f * tt) + 0.3 * np.sin(4 * np.pi * f * tt))
        pos += length
    return out * (level / max(float(np.sqrt(np.mean(out ** 2))), 1e-9))


def pink_noise(n: int, rng: random.Random, level: float) -> np.ndarray:
    """White noise shaped to 1/f in the frequency domain, RMS = level."""
    white = np.random.default_rng(rng.randrange(2 ** 32)).standard_normal(n)
    spectrum = np.fft.rfft(white)
    spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
    spectrum[0] = 0
    pink = np.fft.irfft(spectrum, n)
    return pink * (level / max(float(np.sqrt(np.mean(pink ** 2))), 1e-12))


def bed(kind: str, start: int, n: int, rng: random.Random, speech_rms: float) -> np.ndarray:
    """n samples of the gap that begins at sample `start`: the bed, faded, with silent margins."""
    out = np.zeros(n, dtype=np.float64)
    margin, fade = BED_MARGIN_MS * SAMPLES_PER_MS, FADE_MS * SAMPLES_PER_MS
    inner = n - 2 * margin
    if kind == "silence" or inner <= 2 * fade:
        return out
    sound = np.zeros(inner)
    if "music" in kind:
        sound += music(start + margin, inner, rng, speech_rms * 10 ** (MUSIC_DB / 20))
    if "noise" in kind:
        sound += pink_noise(inner, rng, speech_rms * 10 ** (NOISE_DB / 20))
    ramp = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, fade))
    sound[:fade] *= ramp
    sound[-fade:] *= ramp[::-1]
    out[margin:margin + inner] = sound
    return out


def build_audio(recordings: Sequence[Recording], seed: int = 0,
                pauses: Sequence[tuple[int, str]] | None = None) -> tuple[np.ndarray, list[Utterance]]:
    """The film's samples at RATE and where each utterance lies (ms, exact); `pauses` replaces
    `plan_pauses(len(recordings), seed)`."""
    rng = random.Random(seed + 2)
    speeches = [read_wav(rec.wav).astype(np.float64) for rec in recordings]
    speech_rms = float(np.sqrt(np.mean(np.concatenate(speeches) ** 2)))
    pieces: list[np.ndarray] = []
    utterances, pos = [], 0
    for rec, speech, (pause_ms, kind) in zip(recordings, speeches, pauses or plan_pauses(len(recordings), seed)):
        gap = pause_ms * SAMPLES_PER_MS
        pieces.append(bed(kind, pos, gap, rng, speech_rms))
        pos += gap
        padded = -(-len(speech) // SAMPLES_PER_MS) * SAMPLES_PER_MS  # to a whole ms
        pieces.append(np.pad(speech, (0, padded - len(speech))))
        utterances.append(Utterance(pos // SAMPLES_PER_MS, (pos + padded) // SAMPLES_PER_MS, rec.text))
        pos += padded
    return np.concatenate(pieces), utterances


def film_args(wav: Path, out: Path, duration_ms: int, *, video: bool) -> list[str]:
    """ffmpeg argv that turns the built WAV into the film (MP4 with video) or audio (.wav/.m4a)."""
    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y"]
    if video:
        args += ["-f", "lavfi", "-i", f"testsrc=size=320x180:rate=10:duration={duration_ms / 1000:.3f}"]
    args += ["-i", str(wav)]
    if video:
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if out.suffix.lower() == ".wav":
        args += ["-c:a", "pcm_s16le"]
    else:
        args += ["-c:a", "aac", "-b:a", "96k", "-ar", "48000"]
    return [*args, "-movflags", "+faststart", str(out)] if out.suffix.lower() in (".mp4", ".m4a") else [*args, str(out)]


def make_speech_film(corpus: Path, out: Path, *, count: int, seed: int = 0, video: bool = True) -> list[Utterance]:
    """Write the film (`count` utterances) to `out` and return where each utterance lies (ms)."""
    samples, utterances = build_audio(pick_recordings(corpus, count, seed), seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not video and out.suffix.lower() == ".wav":
        write_wav(out, samples)
        return utterances
    raw = out.with_name(f".{out.stem}.source.wav")
    try:
        write_wav(raw, samples)
        subprocess.run(film_args(raw, out, utterances[-1].end_ms, video=video), check=True)
    finally:
        raw.unlink(missing_ok=True)
    return utterances


def make_bare_utterances(corpus: Path, out: Path, *, count: int, seed: int = 0,
                         pause_ms: int = 500) -> list[Utterance]:
    """The film's utterances, same order, joined by `pause_ms` of silence and nothing else
    (no lead-in, no beds) into a WAV: what the model does on the speech alone, with context."""
    recordings = pick_recordings(corpus, count, seed)
    samples, utterances = build_audio(recordings, seed, [(0, "silence")] + [(pause_ms, "silence")] * (count - 1))
    out.parent.mkdir(parents=True, exist_ok=True)
    write_wav(out, samples)
    return utterances


# ---------------------------------------------------------------- metrics

_UNITS = "nul een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien zestien " \
         "zeventien achttien negentien".split()
_TENS = "_ _ twintig dertig veertig vijftig zestig zeventig tachtig negentig".split()


def dutch_number(n: int) -> str:
    """A number 0-9999 as one Dutch word.

    >>> [dutch_number(n) for n in (0, 3, 20, 21, 22, 99, 100, 101, 342, 1000, 1200, 2024)]
    ['nul', 'drie', 'twintig', 'eenentwintig', 'tweeëntwintig', 'negenennegentig', 'honderd', 'honderdeen', \
'driehonderdtweeënveertig', 'duizend', 'duizendtweehonderd', 'tweeduizendvierentwintig']
    """
    if n < 20:
        return _UNITS[n]
    if n < 100:
        unit, ten = _UNITS[n % 10] if n % 10 else "", _TENS[n // 10]
        return f"{unit}{'ën' if unit.endswith('e') else 'en'}{ten}" if unit else ten
    if n < 1000:
        head = "" if n < 200 else _UNITS[n // 100]
        return f"{head}honderd{dutch_number(n % 100) if n % 100 else ''}"
    if n < 10_000:
        head = "" if n < 2000 else _UNITS[n // 1000]
        return f"{head}duizend{dutch_number(n % 1000) if n % 1000 else ''}"
    raise ValueError(f"{n} is out of range (0-9999)")


def normalise(text: str) -> list[str]:
    """Words for WER: lowercase, punctuation gone (hyphens and apostrophes inside a word join
    it), accents kept, numbers 0-9999 written as Dutch words (a dot between digits is a
    thousands separator).

    >>> normalise("Tel: 1, 2, 3 en 20 na-apen, 't is 1.200 keer “Één”!")
    ['tel', 'een', 'twee', 'drie', 'en', 'twintig', 'naapen', 't', 'is', 'duizendtweehonderd', 'keer', 'één']
    """
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"(?<=\d)\.(?=\d{3}\b)", "", text)
    text = re.sub(r"(?<=\w)[-'’](?=\w)", "", text)
    text = "".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in text)
    out = []
    for token in text.split():
        for part in re.findall(r"\d+|\D+", token):
            out.append(dutch_number(int(part)) if part.isdigit() and int(part) < 10_000 else part)
    return out


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, reference words) after `normalise`.

    >>> word_errors("de kat zit op de mat", "de kat zat op mat nu")
    (3, 6)
    """
    ref, hyp = normalise(reference), normalise(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        diag, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            diag, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diag + (r != h))
    return row[-1], len(ref)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level Levenshtein distance / number of reference words (1.0 for an empty reference
    with any hypothesis, 0.0 when both are empty)."""
    errors, words = word_errors(reference, hypothesis)
    return errors / words if words else float(errors > 0)


def onset_hits(utterances: Sequence[Utterance], cues: Iterable[Timed], after_pause_ms: int = 1000,
               within_ms: int = 500) -> tuple[int, int]:
    """(hits, total) over the utterances that follow a pause of at least `after_pause_ms` (the
    first counts from 0): a hit when some cue starts within `within_ms` of its onset."""
    starts = sorted(c.start_ms for c in cues)
    ends = [0, *(u.end_ms for u in utterances)]
    targets = [u.start_ms for u, end in zip(utterances, ends) if u.start_ms - end >= after_pause_ms]
    hits = sum(any(abs(s - onset) <= within_ms for s in starts) for onset in targets)
    return hits, len(targets)


def text_in_gaps(utterances: Sequence[Utterance], words: Iterable[Timed], margin_ms: int = 300) -> list[Timed]:
    """The recognised words whose midpoint lies more than `margin_ms` from every utterance:
    text where nobody speaks (music, noise, silence)."""
    spans = [(u.start_ms - margin_ms, u.end_ms + margin_ms) for u in utterances]
    return [w for w in words if not any(a <= (w.start_ms + w.end_ms) / 2 <= b for a, b in spans)]


def lint_pass(cues: Sequence[Cue]) -> tuple[int, int]:
    """(cues with no `lint_cues` warning, cues)."""
    warned = {id(cue) for cue, _ in lint_cues(cues)}
    return sum(id(c) not in warned for c in cues), len(cues)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="film to write (.mp4; .wav or .m4a: audio only)")
    parser.add_argument("--count", type=int, default=60, help="utterances (default 60)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    video = args.out.suffix.lower() not in (".wav", ".m4a")
    for u in make_speech_film(SPEECH, args.out, count=args.count, seed=args.seed, video=video):
        print(f"{u.start_ms:>8} {u.end_ms:>8}  {u.text}")


if __name__ == "__main__":
    main()
