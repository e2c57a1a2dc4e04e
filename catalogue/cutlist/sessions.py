"""The cut list's `[[session]]` tables: ready-made lessons, clips and discussion steps in order.

Read with each file (`read_sessions`: the shape of every table and step; `new` is no session id, since
/sessions/new is the page of a URL-defined session), then checked across the catalogue (`check_sessions`:
a step may play a clip of any cut list of the root, session ids are unique everywhere, a step's start and
end lie inside its clip). Problems are named like every other cut-list error:
`file: session 'premiere', step 3, field 'clip': unknown clip 'x' (did you mean 'y'?)`.

A discussion step is `questions = ["…"]`, or `discussion = true`: then it takes the questions of the
clips played since the previous discussion step (in order, each once), so a session's discussion
follows its clips without copying their questions.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalogue.errors import Problem
from catalogue.model import Clip, ClipStep, DiscussionStep, Session, SessionStep
from catalogue.timecode import format_timecode

if TYPE_CHECKING:
    from catalogue.cutlist.checker import Checker

MAX_MINUTES = 180
RESERVED_IDS = {"new": "/sessions/new is the page of a session made in its URL"}
_SESSION_KEYS = {"id": True, "title": True, "description": False, "audience": False, "step": False}
_STEP_KEYS = {"clip": False, "start": False, "end": False, "questions": False, "discussion": False,
              "minutes": False, "title": False}
_KINDS = 'a clip step (clip = "<clip id>") or a discussion step (questions = ["…"], or discussion = true)'


@dataclass(frozen=True)
class StepDraft:
    """One [[session.step]] as read from its file; what it names is checked across cut lists."""

    where: str
    clip_id: str = ""  # set: a clip step
    start_ms: int | None = None  # clip time
    end_ms: int | None = None
    questions: tuple[str, ...] = ()
    minutes: int | None = None
    title: str = ""
    gather: bool = False  # discussion = true: the questions of the clips since the previous discussion


@dataclass(frozen=True)
class SessionDraft:
    path: Path
    where: str
    id: str
    title: str
    description: str
    audience: str
    steps: tuple[StepDraft, ...]  # the steps readable on their own (the others are reported)


def read_sessions(checker: Checker, raw: object) -> tuple[SessionDraft, ...]:
    """Every [[session]] table of one cut list, its problems of shape reported on `checker`."""
    if not isinstance(raw, list):
        checker.error("session", "", "write each session as [[session]]")
        return ()
    drafts = []
    for number, entry in enumerate(raw, start=1):
        where = _where(entry, number)
        data = checker.table(entry, _SESSION_KEYS, where)
        session_id = checker.slug(data, where)
        if session_id in RESERVED_IDS:
            checker.error(where, "id", f"{session_id!r} cannot be a session id: {RESERVED_IDS[session_id]}, "
                                       "so this session could never be opened; choose another id")
        title, description, audience = (checker.text(data, key, where).strip()
                                        for key in ("title", "description", "audience"))
        steps = _read_steps(checker, data.get("step", []), where)
        drafts.append(SessionDraft(checker.path, where, session_id, title, description, audience, steps))
    return tuple(drafts)


def _where(entry: object, number: int) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"]:
        return f"session '{entry['id']}'"
    return f"session #{number}"


def _read_steps(checker: Checker, raw: object, where: str) -> tuple[StepDraft, ...]:
    if not isinstance(raw, list):
        checker.error(where, "step", "write each step as [[session.step]]")
        return ()
    if not raw:
        checker.error(where, "step", "a session needs at least one step: add [[session.step]] tables")
    steps = []
    for number, entry in enumerate(raw, start=1):
        step = _read_step(checker, entry, f"{where}, step {number}")
        if step is not None:
            steps.append(step)
    return tuple(steps)


def _read_step(checker: Checker, entry: object, where: str) -> StepDraft | None:
    data = checker.table(entry, _STEP_KEYS, where)
    if not isinstance(entry, dict):
        return None
    is_clip = "clip" in data
    is_discussion = "questions" in data or "discussion" in data
    if is_clip == is_discussion:
        checker.error(where, "", f"a step is either {_KINDS}, not both" if is_clip else
                      f"say what the step is: {_KINDS}")
        return None
    only, kind = (("minutes", "title"), "discussion") if is_clip else (("start", "end"), "clip")
    for key in only:
        if key in data:
            checker.error(where, key, f"only a {kind} step has a {key}")
    if is_clip:
        return _read_clip_step(checker, data, where)
    return _read_discussion_step(checker, data, where)


def _read_clip_step(checker: Checker, data: dict[str, Any], where: str) -> StepDraft | None:
    clip_id = checker.text(data, "clip", where).strip()
    start, end = checker.time(data, "start", where), checker.time(data, "end", where)
    if isinstance(data["clip"], str) and not clip_id:
        checker.error(where, "clip", "must not be empty: name a clip id")
    if start is not None and end is not None and start >= end:
        checker.error(where, "end", f"{format_timecode(end)} is not after start {format_timecode(start)}")
        return None
    return StepDraft(where, clip_id, start, end) if clip_id else None


def _read_discussion_step(checker: Checker, data: dict[str, Any], where: str) -> StepDraft:
    gather = data.get("discussion", False)
    if gather is not True:
        if "discussion" in data:
            checker.error(where, "discussion", f"must be true (no quotes), not {gather!r}: it takes the "
                                               "questions of the clips before it")
        gather = False
    if gather and "questions" in data:
        checker.error(where, "discussion", "write questions = […] or discussion = true, not both")
        gather = False
    questions = checker.questions(data, "questions", where)
    if data.get("questions") == []:
        checker.error(where, "questions", "name at least one question, or write discussion = true to take "
                                          "the questions of the clips before it")
    minutes = data.get("minutes")
    if minutes is not None and (type(minutes) is not int or not 1 <= minutes <= MAX_MINUTES):
        checker.error(where, "minutes", f"must be a whole number of minutes from 1 to {MAX_MINUTES}, "
                                        f"not {minutes!r}")
        minutes = None
    return StepDraft(where, questions=questions, minutes=minutes, title=checker.text(data, "title", where).strip(),
                     gather=gather)


def check_sessions(drafts: Sequence[SessionDraft], clips: Mapping[str, Clip],
                   named_clip_ids: Set[str]) -> tuple[list[Problem], dict[Path, tuple[Session, ...]]]:
    """The sessions of every cut list (by file), and what is wrong with them: ids unique, clips known
    (`clips`: the valid ones; a clip in `named_clip_ids` has problems of its own, reported where it is),
    times inside the clip, `discussion = true` with questions to take."""
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    built: dict[Path, list[Session]] = {}
    for draft in drafts:
        if draft.id in seen:
            also = "" if seen[draft.id] == draft.path else f" (also in {seen[draft.id]})"
            problems.append(Problem(draft.path, draft.where, "id", f"duplicate session id{also}"))
        if draft.id:
            seen.setdefault(draft.id, draft.path)
        steps = _check_steps(draft, clips, named_clip_ids, problems)
        built.setdefault(draft.path, []).append(Session(draft.id, draft.title, steps, draft.description,
                                                        draft.audience))
    return problems, {path: tuple(sessions) for path, sessions in built.items()}


def _check_steps(draft: SessionDraft, clips: Mapping[str, Clip], named_clip_ids: Set[str],
                 problems: list[Problem]) -> tuple[SessionStep, ...]:
    steps: list[SessionStep] = []
    since: list[str] = []  # the questions of the clips since the previous discussion step
    for step in draft.steps:
        if not step.clip_id:
            questions = step.questions
            if step.gather:
                questions = tuple(since)
                if not questions:
                    problems.append(Problem(draft.path, step.where, "discussion", "the clips since the previous "
                                            'discussion step have no questions: write questions = ["…"]'))
            steps.append(DiscussionStep(questions, step.minutes, step.title))
            since = []
            continue
        clip = clips.get(step.clip_id)
        if clip is None:
            if step.clip_id not in named_clip_ids:
                close = difflib.get_close_matches(step.clip_id, list(clips), n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                problems.append(Problem(draft.path, step.where, "clip", f"unknown clip '{step.clip_id}'{hint}"))
            continue
        problems += _time_problems(draft.path, step, clip)
        since += [question for question in clip.questions if question not in since]
        steps.append(ClipStep(clip.id, step.start_ms, step.end_ms))
    return tuple(steps)


def _time_problems(path: Path, step: StepDraft, clip: Clip) -> list[Problem]:
    """A step's start and end are clip time: 0 ≤ start < end ≤ the clip's duration."""
    length = format_timecode(clip.duration_ms)
    found = []
    for key, at in (("start", step.start_ms), ("end", step.end_ms)):
        if at is not None and at > clip.duration_ms:
            found.append(Problem(path, step.where, key, f"{format_timecode(at)} is past the end of clip "
                                                        f"'{clip.id}' ({length} long; times are clip time)"))
    if step.start_ms == clip.duration_ms:
        found.append(Problem(path, step.where, "start", f"{format_timecode(step.start_ms)} is the end of clip "
                                                        f"'{clip.id}': nothing is left to play"))
    if step.end_ms == 0:
        found.append(Problem(path, step.where, "end", "must be after the clip's start (0)"))
    return found
