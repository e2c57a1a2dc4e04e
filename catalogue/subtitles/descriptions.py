"""Audio descriptions as WebVTT cues (`kind="descriptions"`): what a describer would say, and when.

A description is spoken in a pause of the programme's speech. `fit_problems` finds those that run
into speech (the film's captions) even said briskly: `check` warns about them, and the described
version holds the picture for them (catalogue.cutting). `transcript_lines` merges captions and
descriptions into a descriptive transcript (WCAG 1.2.3's media alternative). Pure; times in ms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from catalogue.model import Cue
from catalogue.timecode import format_clock, format_timecode

# espeak-ng's Dutch voice says about 18 characters a second at 210 words per minute, and 15 at its
# default 175 (measured on realistic descriptions, pauses included); a describer reading briskly
# manages about the same.
BRISK_CHARS_PER_S = 18.0
DESCRIPTION_LABEL = "Beschrijving"  # how a transcript marks a description


def brisk_ms(text: str) -> int:
    """About how long `text` takes to say at a brisk rate."""
    return math.ceil(len(" ".join(text.split())) * 1000 / BRISK_CHARS_PER_S)


@dataclass(frozen=True)
class FitProblem:
    cue: Cue
    needs_ms: int  # to say it briskly
    room_ms: int  # from its start to the speech it runs into (0: it starts while someone speaks)
    speech_at_ms: int  # where that speech starts

    @property
    def message(self) -> str:
        where = (f"someone is speaking when it starts ({format_timecode(self.speech_at_ms)})" if not self.room_ms
                 else f"speech starts {self.room_ms / 1000:.1f} s after it (at {format_timecode(self.speech_at_ms)})")
        return (f"the description needs about {self.needs_ms / 1000:.1f} s even said briskly, but {where}: "
                "shorten it or move it into a longer pause, or the described version holds the picture for it")


def fit_problems(descriptions: Sequence[Cue], speech: Sequence[Cue]) -> list[FitProblem]:
    """Descriptions that overlap speech: said briskly from their start, they would not end before it."""
    ordered = sorted(speech, key=lambda c: c.start_ms)
    problems = []
    for cue in descriptions:
        needs = brisk_ms(cue.plain)
        talking = next((s for s in ordered if s.start_ms <= cue.start_ms < s.end_ms), None)
        following = next((s for s in ordered if s.start_ms > cue.start_ms), None)
        if talking is not None:
            problems.append(FitProblem(cue, needs, 0, cue.start_ms))
        elif following is not None and needs > following.start_ms - cue.start_ms:
            problems.append(FitProblem(cue, needs, following.start_ms - cue.start_ms, following.start_ms))
    return problems


@dataclass(frozen=True)
class TranscriptLine:
    start_ms: int
    end_ms: int
    text: str  # plain, on one line
    speaker: str = ""
    description: bool = False


def descriptive_transcript(captions: Sequence[Cue], descriptions: Sequence[Cue]) -> list[TranscriptLine]:
    """Captions and descriptions in time order (a description first where both start together)."""
    lines = [TranscriptLine(c.start_ms, c.end_ms, _one_line(c.plain), c.speaker) for c in captions]
    lines += [TranscriptLine(d.start_ms, d.end_ms, _one_line(d.plain), description=True) for d in descriptions]
    return sorted(lines, key=lambda line: (line.start_ms, not line.description))


def transcript_lines(captions: Sequence[Cue], descriptions: Sequence[Cue] = ()) -> list[str]:
    """The transcript as text lines: `[0:12] Ann: …`, `[0:15] Beschrijving: …`."""
    out = []
    for line in descriptive_transcript(captions, descriptions):
        who = f"{DESCRIPTION_LABEL}: " if line.description else f"{line.speaker}: " if line.speaker else ""
        out.append(f"[{format_clock(line.start_ms)}] {who}{line.text}")
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())
