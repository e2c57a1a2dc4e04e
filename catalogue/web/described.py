"""What the players need of a clip's (or the film's) audio descriptions: the descriptions as a text
track (`<track kind="descriptions">`), and the described version that `cut` made (its URL, the holds
that map times between it and the plain version, its re-timed captions)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.cutting import described_holds
from catalogue.model import Cue, Film
from catalogue.settings import Settings
from catalogue.subtitles import language_name

DESCRIPTIONS_LABEL = "Audiodescriptie"


def served_url(settings: Settings, path: Path) -> str:
    """The site's URL of an output under the root (`/media/clips/x.ad.mp4`, `/transcripts/…`)."""
    return "/" + path.relative_to(settings.root).as_posix()


@dataclass(frozen=True)
class DescriptionTrack:
    lang: str
    url: str

    @property
    def label(self) -> str:
        return f"{DESCRIPTIONS_LABEL} ({language_name(self.lang)}, tekst)"


@dataclass(frozen=True)
class Described:
    """The described version of a clip or film, as built."""

    url: str
    holds: tuple[tuple[int, int], ...]  # (at_ms, length_ms): where it holds the picture, in programme time
    captions: dict[str, str] = field(default_factory=dict)  # subtitle language -> URL of its re-timed VTT

    @property
    def extended(self) -> bool:
        return bool(self.holds)

    @property
    def holds_json(self) -> str:
        return json.dumps([list(h) for h in self.holds])


Descriptions = dict[str, list[Cue]]  # language -> the film's description cues (film time)


def _describes(cues: list[Cue], window: tuple[int, int]) -> bool:
    return any(c.start_ms < window[1] and c.end_ms > window[0] for c in cues)


def description_tracks(settings: Settings, film: Film, stem: str, descriptions: Descriptions,
                       window: tuple[int, int], whole_film: bool = False) -> tuple[DescriptionTrack, ...]:
    """The description tracks written for a clip (or the film) that describe something in its `window`
    (film time), the film's language first."""
    vtt = settings.film_descriptions_vtt if whole_film else settings.clip_descriptions_vtt
    langs = sorted(film.descriptions, key=lambda lang: (lang != film.language, lang))
    return tuple(DescriptionTrack(lang, served_url(settings, vtt(stem, lang))) for lang in langs
                 if _describes(descriptions.get(lang, []), window) and vtt(stem, lang).is_file())


def described_version(settings: Settings, film: Film, stem: str, descriptions: Descriptions,
                      window: tuple[int, int], whole_film: bool = False) -> Described | None:
    """The described version of a clip (or the film) when it has descriptions and `cut` made it."""
    video = settings.described_video(stem, film=whole_film)
    lang = film.description_language
    if not lang or not _describes(descriptions.get(lang, []), window) or not video.is_file():
        return None
    captions = {lang: served_url(settings, settings.described_vtt(stem, lang, film=whole_film))
                for lang in film.subtitles if settings.described_vtt(stem, lang, film=whole_film).is_file()}
    holds = tuple((at, length) for at, length in described_holds(settings, video))
    return Described(served_url(settings, video), holds, captions)
