"""What a lesson pack says: the session data its index.html plays, the discussion guide, the README and
the transcripts. Pure: steps in, text out (the pack's files are gathered in catalogue.lessons.pack)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import jinja2

from catalogue.model import Clip, Cue, Film
from catalogue.lessons.sessions import ResolvedStep, total_duration_ms
from catalogue.timecode import format_clock
from catalogue.subtitles import language_name, track_label, transcript_lines

MACHINE_MADE_NOTICE = "Automatisch gegenereerd, nog niet nagekeken"


@dataclass(frozen=True)
class PackTrack:
    """A clip's subtitles in one language, carried inside index.html (browsers refuse <track> over file://)."""

    lang: str
    cues: tuple[Cue, ...]
    made_by: str = ""  # what made them when no person has reviewed them yet, else ""

    @property
    def label(self) -> str:
        return track_label(self.lang, bool(self.made_by))

    @property
    def filename(self) -> str:
        return f"{self.lang}.vtt"


@dataclass(frozen=True)
class PackDescribed:
    """A clip's described version as the pack carries it (catalogue.cutting made it): where it holds the
    picture ((at_ms, length_ms), clip time), its re-timed captions, and the descriptions themselves."""

    holds: tuple[tuple[int, int], ...]
    tracks: tuple[PackTrack, ...]
    descriptions: tuple[Cue, ...]


@dataclass(frozen=True)
class PackStep(ResolvedStep):
    """A resolved step (catalogue.lessons.sessions) with what the pack carries of its clip: the film it is from
    and its captions in every language, the film's language first."""

    film: Film | None = None
    tracks: tuple[PackTrack, ...] = ()
    described: PackDescribed | None = None

    @classmethod
    def of(cls, step: ResolvedStep, film: Film | None = None, tracks: tuple[PackTrack, ...] = (),
           described: PackDescribed | None = None) -> PackStep:
        return cls(**{f.name: getattr(step, f.name) for f in fields(ResolvedStep)}, film=film, tracks=tracks,
                   described=described)


@dataclass(frozen=True)
class PackSession:
    title: str
    description: str
    audience: str
    steps: tuple[PackStep, ...]
    default_lang: str = "nl"  # the captions shown when a clip starts
    has_pdf: bool = True
    notices: tuple[str, ...] = ()  # (Dutch) steps left out, e.g. a clip withdrawn on a participant's request

    @property
    def clip_steps(self) -> tuple[PackStep, ...]:
        return tuple(step for step in self.steps if step.clip is not None)

    @property
    def total_ms(self) -> int:
        """Running time: the clips plus the suggested minutes of the discussions."""
        return total_duration_ms(self.steps)


def clip_file(clip_id: str) -> str:
    return f"clips/{clip_id}.mp4"


def described_file(clip_id: str) -> str:
    return f"clips/{clip_id}.ad.mp4"


def described_caption_file(clip_id: str, lang: str) -> str:
    return f"captions/{clip_id}.{lang}.ad.vtt"


def descriptions_file(clip_id: str, lang: str) -> str:
    return f"descriptions/{clip_id}.{lang}.vtt"


def poster_file(clip_id: str) -> str:
    return f"clips/{clip_id}.jpg"


def caption_file(clip_id: str, lang: str) -> str:
    return f"captions/{clip_id}.{lang}.vtt"


def transcript_file(clip_id: str, lang: str) -> str:
    return f"transcripts/{clip_id}.{lang}.txt"


def session_data(session: PackSession, with_poster: set[str]) -> dict[str, Any]:
    """The JSON that session-player.js plays (the contract's shape), every caption as inline cues."""
    steps: list[dict[str, Any]] = []
    for step in session.steps:
        if step.clip is None:
            steps.append({"kind": "discussion", "title": step.title,
                          "questions": list(step.questions), "minutes": step.minutes})
            continue
        clip = step.clip
        default = next((t.lang for t in step.tracks if t.lang == session.default_lang),
                       step.tracks[0].lang if step.tracks else "")
        steps.append({
            "kind": "clip", "id": clip.id, "title": step.title, "src": clip_file(clip.id),
            "poster": poster_file(clip.id) if clip.id in with_poster else "",
            "start": step.start_ms / 1000, "end": step.end_ms / 1000, "duration": step.duration_ms / 1000,
            "tracks": [{"lang": t.lang, "label": t.label, "default": t.lang == default,
                        "cues": [[c.start_ms / 1000, c.end_ms / 1000, c.text] for c in t.cues]}
                       for t in step.tracks],
            "questions": list(step.questions), "learning_goal": clip.learning_goal,
            **({"ad": _described_data(step.described, clip.id, default)} if step.described else {}),
        })
    return {"title": session.title, "description": session.description, "steps": steps}


def _described_data(described: PackDescribed, clip_id: str, default: str) -> dict[str, Any]:
    return {"src": described_file(clip_id), "holds": [list(h) for h in described.holds],
            "tracks": [{"lang": t.lang, "label": t.label, "default": t.lang == default,
                        "cues": [[c.start_ms / 1000, c.end_ms / 1000, c.text] for c in t.cues]}
                       for t in described.tracks]}


def script_json(data: dict[str, Any]) -> str:
    """JSON safe inside <script type="application/json">: no `</script>`, no `<!--`."""
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def transcript_text(clip: Clip, film: Film, track: PackTrack, descriptions: tuple[Cue, ...] = ()) -> str:
    """A clip's transcript as plain text, one cue a line with its time in the clip; with `descriptions`,
    the descriptive transcript (each description marked "Beschrijving:")."""
    lines = [f"{MACHINE_MADE_NOTICE} (gemaakt met {' '.join(track.made_by.split())})"] if track.made_by else []
    lines += [clip.title, film.title, f"Ondertitels: {track.label}", ""]
    lines += transcript_lines(track.cues, descriptions)
    return "\n".join(lines) + "\n"


def minutes_text(ms: int) -> str:
    """A running time for people: `12 min`, `1 u 05 min`, `45 s`."""
    seconds = round(ms / 1000)
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    return f"{minutes // 60} u {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


class PackTemplates:
    """The pack's Jinja templates (templates/pack/)."""

    def __init__(self, folder: Path) -> None:
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), keep_trailing_newline=True,
                                      autoescape=jinja2.select_autoescape(["html"]), undefined=jinja2.StrictUndefined)
        self.env.filters["clock"] = format_clock
        self.env.filters["minutes"] = minutes_text
        self.env.filters["language"] = language_name
        self.env.globals.update(clip_file=clip_file, poster_file=poster_file, caption_file=caption_file,
                                transcript_file=transcript_file)

    def render(self, name: str, session: PackSession, **context: Any) -> str:
        return self.env.get_template(name).render(session=session, **context)

    def index_html(self, session: PackSession, with_poster: set[str]) -> str:
        return self.render("index.html", session, session_json=script_json(session_data(session, with_poster)))

    def guide_html(self, session: PackSession) -> str:
        return self.render("guide.html", session)

    def readme_text(self, session: PackSession) -> str:
        return self.render("README.txt", session)
