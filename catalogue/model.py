"""Frozen value types. Every time is an int of milliseconds."""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

_TAG = re.compile(r"<[^>]*>")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")


@dataclass(frozen=True)
class Cue:
    """One subtitle cue; `text` is WebVTT cue-text markup (tags and entities kept)."""

    start_ms: int
    end_ms: int
    text: str
    identifier: str = ""
    settings: str = ""

    @property
    def plain(self) -> str:
        """The text a viewer reads: tags removed, entities decoded."""
        return html.unescape(_TAG.sub("", self.text))

    @property
    def speaker(self) -> str:
        """The name of the first voice tag (`<v Sara>`), or ""."""
        match = _VOICE.search(self.text)
        return html.unescape(match.group(1).strip()) if match else ""

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class VideoStream:
    codec: str
    width: int  # as stored, before rotation
    height: int
    fps: float
    rotation: int  # degrees, as the display matrix says (ffmpeg applies it when re-encoding)
    pix_fmt: str = ""

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown, rotation applied."""
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height


@dataclass(frozen=True)
class AudioStream:
    codec: str
    channels: int
    sample_rate: int


@dataclass(frozen=True)
class MediaInfo:
    """What probing a media file found."""

    path: Path
    container: str
    duration_ms: int
    video: VideoStream | None
    audio: AudioStream | None
    keyframes_ms: tuple[int, ...] = ()  # filled only when asked for

    @property
    def web_ready(self) -> bool:
        """H.264 (yuv420p) with AAC or no audio: browsers play it as it is."""
        video_ok = self.video is not None and self.video.codec == "h264" and self.video.pix_fmt in ("yuv420p", "yuvj420p", "")
        audio_ok = self.audio is None or self.audio.codec == "aac"
        return video_ok and audio_ok


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    description: str = ""
    introduction: str = ""  # for trainers: what the theme is about and how to teach it (teaching metadata)


@dataclass(frozen=True)
class Clip:
    id: str
    film_id: str
    title: str
    themes: tuple[str, ...]
    start_ms: int
    end_ms: int
    description: str = ""
    speakers: tuple[str, ...] = ()
    poster_ms: int | None = None
    # teaching metadata (optional): what a viewer learns, questions to discuss after it, for whom
    learning_goal: str = ""
    questions: tuple[str, ...] = ()
    audience: str = ""

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    @property
    def poster_time_ms(self) -> int:
        """The film time of the poster frame: as asked, else a third into the clip."""
        if self.poster_ms is not None:
            return self.poster_ms
        return self.start_ms + self.duration_ms // 3


@dataclass(frozen=True)
class SubtitleSource:
    """Who made a film's subtitles in one language, and whether a person has reviewed them."""

    made_by: str = ""  # what made them, e.g. "whisper base"; "" when a person wrote them
    reviewed: bool = True


@dataclass(frozen=True)
class Film:
    id: str
    title: str
    video_path: Path
    language: str
    subtitles: dict[str, Path] = field(default_factory=dict)  # language -> file
    description: str = ""
    credits: str = ""
    # language -> who made its subtitles; a language not here was written by a person, reviewed
    subtitle_sources: dict[str, SubtitleSource] = field(default_factory=dict)
    descriptions: dict[str, Path] = field(default_factory=dict)  # language -> WebVTT of audio descriptions

    @property
    def description_language(self) -> str:
        """The language whose descriptions are spoken in the described version: the film's own when it
        has them, else the first; "" without descriptions."""
        if self.language in self.descriptions:
            return self.language
        return next(iter(self.descriptions), "")

    def machine_made_unreviewed(self, lang: str) -> str:
        """What made the subtitles in `lang` (e.g. "whisper base") while no person has reviewed
        them yet; "" when a person made them or has reviewed them."""
        source = self.subtitle_sources.get(lang, SubtitleSource())
        return source.made_by if source.made_by and not source.reviewed else ""


@dataclass(frozen=True)
class ClipStep:
    """A session step that plays a clip, whole or from `start_ms` to `end_ms` (clip time)."""

    clip_id: str
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass(frozen=True)
class DiscussionStep:
    """A session step for talking: questions on screen, a suggested number of minutes."""

    questions: tuple[str, ...]
    minutes: int | None = None
    title: str = ""


SessionStep = ClipStep | DiscussionStep


@dataclass(frozen=True)
class Session:
    """An ordered lesson: clips and discussions, from a cut list (`[[session]]`) or a URL."""

    id: str
    title: str
    steps: tuple[SessionStep, ...]
    description: str = ""
    audience: str = ""
    notices: tuple[str, ...] = ()  # (Dutch) what was left out, e.g. a step whose clip was withdrawn


USES = ("site", "embed", "download", "pack")  # what a person's consent may cover
CLIP_POLICIES = ("withdraw", "redact")  # what a withdrawal does to the clips that show the person


@dataclass(frozen=True)
class Person:
    """Someone seen or heard in a film (`[[person]]`): where, and what they consented to."""

    id: str
    name: str
    film_id: str
    appearances: tuple[tuple[int, int], ...] = ()  # film time ranges, [start, end) in ms, sorted
    consent_until: datetime.date | None = None  # consent ends after this day
    uses: frozenset[str] = frozenset(USES)
    withdrawn: datetime.date | None = None  # written by `catalogue withdraw`
    clips: str = "withdraw"  # one of CLIP_POLICIES: what the withdrawal did to their clips
    consent_renewed: datetime.date | None = None  # consent given again after a withdrawal


@dataclass(frozen=True)
class CutList:
    """One film's cut list, loaded and validated."""

    path: Path
    film: Film
    themes: tuple[Theme, ...]
    clips: tuple[Clip, ...]
    sessions: tuple[Session, ...] = ()
    persons: tuple[Person, ...] = ()
