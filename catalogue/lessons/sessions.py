"""Sessions (issue 12): find them, make one of a theme, keep one in a URL, and resolve its steps.

A cut list's sessions are `[[session]]` tables (catalogue/cutlist_sessions.py); a trainer's session
lives in its URL, nothing stored on the server. The query string of a URL-defined session:

    t=Mijn+les&s=c.buddys-vinden&s=c.grenzen-stellen~10-75.5&s=d.10.Bespreking%7CWat+zie+je%3F%7CWat+nu%3F

(`%7C` is `|`, `%3F` is `?`: the usual percent-encoding of a query, e.g. JavaScript's URLSearchParams.)

- `t` the title (default "Mijn sessie"), optional `o` a description, `a` the audience;
- one `s` per step, in order:
  - `c.<clip id>` plays a clip whole; `c.<clip id>~<start>-<end>` only from start to end, in seconds of
    clip time (up to 3 decimals; either may be left out: `~10-`, `~-75`);
  - `d.<minutes>.<title>|<question>|<question>…` is a discussion step; minutes and title may be empty
    (`d..|Wat zie je?`, `d.10`); inside the title and the questions a backslash escapes the next
    character (`\\|` is a `|` in the text, `\\\\` a backslash), so any text survives the trip.

Unknown parameters are ignored (a link may carry tracking parameters). Limits keep a URL usable:
at most 50 steps, 20 questions a step, 500 characters a question, 200 a title.
"""

from __future__ import annotations

import difflib
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from catalogue.cutlist import GONE_NOTICE, Catalogue
from catalogue.errors import CatalogueError
from catalogue.model import Clip, ClipStep, DiscussionStep, Session, SessionStep

DEFAULT_TITLE = "Mijn sessie"
DISCUSSION_TITLE = "Bespreking"
THEME_MINUTES = 5  # a theme-as-session's talk after each clip with questions
MAX_STEPS = 50
MAX_QUESTIONS = 20
MAX_QUESTION_CHARS = 500
MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 1000
MAX_MINUTES = 180
_SECONDS = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,3})?")  # fullmatch; ASCII digits (float() takes others too)
_MINUTES = re.compile(r"[0-9]{1,4}")  # "²".isdigit() is true, and int("²") fails
_SAFE = ",:!/"  # left as they are in the query: legal there, and easier to read ("?" is not: see _values)


class SessionError(CatalogueError):
    """A session that cannot be played: in Dutch for the site's visitor, then in English."""

    def __init__(self, dutch: str, english: str, step: int | None = None) -> None:
        self.step = step  # 1-based, None for the whole session
        self.dutch = f"Stap {step}: {dutch}" if step else dutch[:1].upper() + dutch[1:]
        self.english = f"step {step}: {english}" if step else english
        super().__init__(f"{self.dutch} ({self.english})")


@dataclass(frozen=True)
class ResolvedStep:
    """One step as shown and played. Clip steps: `clip`, and start/end in clip time (ms from the clip's
    start; the whole clip when the step gives none) and in film time. Discussion steps: `clip` is None,
    times are 0, `duration_ms` is its minutes (0 without)."""

    number: int  # 1-based
    step: SessionStep
    clip: Clip | None
    title: str  # the clip's title, or the discussion's ("Bespreking" when it has none)
    questions: tuple[str, ...]  # a clip's own discussion questions, or the discussion step's
    minutes: int | None = None
    start_ms: int = 0
    end_ms: int = 0

    @property
    def kind(self) -> str:
        return "discussion" if self.clip is None else "clip"

    @property
    def duration_ms(self) -> int:
        if self.clip is None:
            return (self.minutes or 0) * 60_000
        return self.end_ms - self.start_ms

    @property
    def film_start_ms(self) -> int:
        return self.clip.start_ms + self.start_ms if self.clip else 0

    @property
    def film_end_ms(self) -> int:
        return self.clip.start_ms + self.end_ms if self.clip else 0

    @property
    def partial(self) -> bool:
        """Whether the step plays only part of its clip."""
        return self.clip is not None and (self.start_ms, self.end_ms) != (0, self.clip.duration_ms)


def find_session(catalogue: Catalogue, session_id: str) -> Session | None:
    """The cut-list session with this id, or None."""
    return next((session for session in catalogue.sessions if session.id == session_id), None)


def theme_session(catalogue: Catalogue, theme_id: str) -> Session:
    """A theme as a session: its clips in film order, each followed by a talk about its questions (when
    it has any, THEME_MINUTES long); the theme's introduction (or description) as the description.
    Its id is "theme:<theme id>": never a cut-list session's (a slug has no colon)."""
    theme = next((theme for theme in catalogue.themes if theme.id == theme_id), None)
    if theme is None:
        raise SessionError(f"onbekend thema '{theme_id}'", f"unknown theme '{theme_id}'")
    steps: list[SessionStep] = []
    for cutlist in catalogue.cutlists:
        for clip in sorted(cutlist.clips, key=lambda clip: clip.start_ms):
            if theme_id in clip.themes:
                steps.append(ClipStep(clip.id))
                if clip.questions:
                    steps.append(DiscussionStep(clip.questions, THEME_MINUTES))
    return Session(f"theme:{theme.id}", theme.title, tuple(steps), theme.introduction or theme.description)


def resolve(session: Session, catalogue: Catalogue) -> list[ResolvedStep]:
    """Every step with its clip and times; SessionError for a clip the catalogue does not have."""
    clips = {clip.id: clip for clip in catalogue.clips}
    resolved = []
    for number, step in enumerate(session.steps, start=1):
        if isinstance(step, DiscussionStep):
            resolved.append(ResolvedStep(number, step, None, step.title or DISCUSSION_TITLE, step.questions,
                                         step.minutes))
            continue
        clip = clips.get(step.clip_id)
        if clip is None:
            raise SessionError(f"onbekende clip '{step.clip_id}'", f"unknown clip '{step.clip_id}'", number)
        start = step.start_ms or 0
        end = clip.duration_ms if step.end_ms is None else min(step.end_ms, clip.duration_ms)
        resolved.append(ResolvedStep(number, step, clip, clip.title, clip.questions, None, start, end))
    return resolved


def total_duration_ms(steps: Sequence[ResolvedStep]) -> int:
    """The clips' playing time plus the discussions' minutes."""
    return sum(step.duration_ms for step in steps)


# --- a session in its URL -------------------------------------------------------------------------

def session_query(session: Session) -> str:
    """The query string (without "?") that `parse_session_query` reads back as this session."""
    pairs = [("t", session.title)]
    pairs += [(key, value) for key, value in (("o", session.description), ("a", session.audience)) if value]
    pairs += [("s", _format_step(step)) for step in session.steps]
    return urllib.parse.urlencode(pairs, safe=_SAFE)


def _format_step(step: SessionStep) -> str:
    if isinstance(step, ClipStep):
        if step.start_ms is None and step.end_ms is None:
            return f"c.{step.clip_id}"
        return f"c.{step.clip_id}~{_seconds(step.start_ms)}-{_seconds(step.end_ms)}"
    minutes = "" if step.minutes is None else str(step.minutes)
    fields = "|".join(_escape(text) for text in (step.title, *step.questions))
    return f"d.{minutes}.{fields}" if fields else f"d.{minutes}"


def _seconds(ms: int | None) -> str:
    if ms is None:
        return ""
    whole, rest = divmod(ms, 1000)
    return f"{whole}.{rest:03d}".rstrip("0").rstrip(".") if rest else str(whole)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _split_fields(text: str) -> list[str]:
    """`a|b\\|c` -> ["a", "b|c"]: `|` separates, a backslash takes the next character as it is."""
    fields, current, chars = [], [], iter(text)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == "|":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    return fields


Params = Mapping[str, str | list[str]]  # also Mapping[str, str]: a Mapping's values are covariant


def parse_session_query(params: Params | str, catalogue: Catalogue) -> Session:
    """The URL-defined session of a query string (or a whole URL, or the request's parameters), its
    clips checked against the catalogue. Id "", title from `t` (default "Mijn sessie"). No steps is
    an empty session (the builder's start). SessionError names the step that is wrong."""
    values = _values(params)
    title = _text(values, "t", MAX_TITLE_CHARS, "de titel", "the title") or DEFAULT_TITLE
    description = _text(values, "o", MAX_DESCRIPTION_CHARS, "de beschrijving", "the description")
    audience = _text(values, "a", MAX_TITLE_CHARS, "het doelpubliek", "the audience")
    raw_steps = values.get("s", [])
    if len(raw_steps) > MAX_STEPS:
        raise SessionError(f"te veel stappen ({len(raw_steps)}); een sessie heeft er hoogstens {MAX_STEPS}",
                           f"too many steps ({len(raw_steps)}); a session has at most {MAX_STEPS}")
    clips = {clip.id: clip for clip in catalogue.clips}
    steps, notices = [], []
    for number, raw in enumerate(raw_steps, start=1):
        if raw.startswith("c.") and raw[2:].partition("~")[0] in catalogue.withdrawn:  # consent withdrawn
            notices.append(f"Stap {number} {GONE_NOTICE}.")
            continue
        steps.append(_parse_step(raw, number, clips))
    return Session("", title, tuple(steps), description, audience, notices=tuple(notices))


def _values(params: Params | str) -> dict[str, list[str]]:
    if isinstance(params, str):
        query = params.split("#", 1)[0]
        before, mark, after = query.partition("?")
        if mark and "=" not in before:  # a URL or path before the query ("?" is encoded inside values)
            query = after
        values: dict[str, list[str]] = {}
        for key, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
            values.setdefault(key, []).append(value)
        return values
    getlist = getattr(params, "getlist", None)  # Starlette's QueryParams: a Mapping of the last values
    if callable(getlist):
        return {key: list(getlist(key)) for key in params}
    return {key: [value] if isinstance(value, str) else list(value) for key, value in params.items()}


def _text(values: Mapping[str, list[str]], key: str, limit: int, dutch: str, english: str) -> str:
    found = values.get(key, [])
    text = found[-1].strip() if found else ""
    if len(text) > limit:
        raise SessionError(f"{dutch} is te lang ({len(text)} tekens; hoogstens {limit})",
                           f"{english} is too long ({len(text)} characters; at most {limit})")
    return text


def _parse_step(raw: str, number: int, clips: Mapping[str, Clip]) -> SessionStep:
    kind, _, rest = raw.partition(".")
    if kind == "c":
        return _parse_clip_step(rest, number, clips)
    if kind == "d":
        return _parse_discussion_step(rest, number)
    raise SessionError(f"onbekende soort stap {raw[:40]!r}: 'c.' is een clip, 'd.' een bespreking",
                       f"unknown kind of step {raw[:40]!r}: 'c.' is a clip, 'd.' a discussion", number)


def _parse_clip_step(rest: str, number: int, clips: Mapping[str, Clip]) -> ClipStep:
    clip_id, tilde, times = rest.partition("~")
    clip = clips.get(clip_id)
    if clip is None:
        close = difflib.get_close_matches(clip_id, list(clips), n=1, cutoff=0.6)
        raise SessionError(f"onbekende clip {clip_id[:60]!r}" + (f" (bedoel je '{close[0]}'?)" if close else ""),
                           f"unknown clip {clip_id[:60]!r}" + (f" (did you mean '{close[0]}'?)" if close else ""),
                           number)
    if not tilde:
        return ClipStep(clip.id)
    start_text, dash, end_text = times.partition("-")
    if not dash or not all(_SECONDS.fullmatch(t) for t in (start_text, end_text) if t):
        raise SessionError(f"ongeldige tijden {times[:40]!r}: schrijf ~begin-einde in seconden, bv. ~10-75",
                           f"invalid times {times[:40]!r}: write ~start-end in seconds, e.g. ~10-75", number)
    start = round(float(start_text) * 1000) if start_text else None
    end = round(float(end_text) * 1000) if end_text else None
    length = clip.duration_ms
    if (start or 0) >= (length if end is None else end) or (end is not None and end > length):
        raise SessionError(
            f"de tijden {_seconds(start) or 0}–{_seconds(end) or _seconds(length)} s vallen niet binnen clip "
            f"'{clip.id}' (0–{_seconds(length)} s)",
            f"times {_seconds(start) or 0}-{_seconds(end) or _seconds(length)} s are not within clip "
            f"'{clip.id}' (0-{_seconds(length)} s)", number)
    return ClipStep(clip.id, start, end)


def _parse_discussion_step(rest: str, number: int) -> DiscussionStep:
    minutes_text, _, text = rest.partition(".")
    minutes = None
    if minutes_text:
        if not _MINUTES.fullmatch(minutes_text) or not 1 <= int(minutes_text) <= MAX_MINUTES:
            raise SessionError(f"de minuten moeten een geheel getal van 1 tot {MAX_MINUTES} zijn, "
                               f"niet {minutes_text[:10]!r}",
                               f"minutes must be a whole number from 1 to {MAX_MINUTES}, not {minutes_text[:10]!r}",
                               number)
        minutes = int(minutes_text)
    title, *questions = _split_fields(text) if text else [""]
    if len(title) > MAX_TITLE_CHARS:
        raise SessionError(f"de titel is te lang ({len(title)} tekens; hoogstens {MAX_TITLE_CHARS})",
                           f"the title is too long ({len(title)} characters; at most {MAX_TITLE_CHARS})", number)
    if len(questions) > MAX_QUESTIONS:
        raise SessionError(f"te veel vragen ({len(questions)}; hoogstens {MAX_QUESTIONS})",
                           f"too many questions ({len(questions)}; at most {MAX_QUESTIONS})", number)
    for place, question in enumerate(questions, start=1):
        if len(question) > MAX_QUESTION_CHARS:
            raise SessionError(f"vraag {place} is te lang ({len(question)} tekens; hoogstens {MAX_QUESTION_CHARS})",
                               f"question {place} is too long ({len(question)} characters; "
                               f"at most {MAX_QUESTION_CHARS})", number)
    return DiscussionStep(tuple(q for q in questions if q.strip()), minutes, title)
