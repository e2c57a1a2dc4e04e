"""`catalogue withdraw --verify PERSON` (and the end of every withdrawal): prove that nothing the
catalogue generated still holds the person.

What is looked for: their name, the lines they said (the cues inside their appearances, in every
language of the editor's transcripts), their own words (catalogue.consent.scan), and in the media
made from the film, sound or picture inside their appearances. Where: every folder a step of the
cut plan writes into, the lesson-pack folder and the state folder (index versions, caches, the
consent log itself). Files of a withdrawn clip must not exist at all.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.buildrecord import BuildRecords
from catalogue.consent.scan import Trace, files_of, plan_evidence, scan_files, walk
from catalogue.cutlist import (Catalogue, Consent, Report, consent_dir, find_person, overlaps, plan_consent,
                               read_tombstones, withheld_uses)
from catalogue.cutting import plan_cut, redaction_problems
from catalogue.errors import CatalogueError
from catalogue.media import probe_cached
from catalogue.model import Cue, CutList, Person
from catalogue.search import fold, stem
from catalogue.settings import Settings
from catalogue.timecode import format_timecode


@dataclass
class VerifyReport:
    person_id: str
    traces: list[Trace] = field(default_factory=list)
    files: int = 0  # files read
    media: int = 0  # media files whose ranges were checked
    folders: list[Path] = field(default_factory=list)
    untouched: list[Path] = field(default_factory=list)  # the editor's inputs: not looked at, not changed

    @property
    def clean(self) -> bool:
        return not self.traces


def forms(word: str) -> tuple[str, ...]:
    """The forms of a word the search index may hold."""
    folded = fold(word)
    return tuple(dict.fromkeys((word, folded, stem(folded))))


def editor_inputs(catalogue: Catalogue) -> list[Path]:
    """The editor's own files: cut lists (and their backups), films, transcripts (and their word timings)."""
    found: list[Path] = []
    for cutlist in catalogue.cutlists:
        found += [cutlist.path, *sorted(cutlist.path.parent.glob(f"{cutlist.path.name}.*.bak")),
                  cutlist.film.video_path]
        for sub in cutlist.film.subtitles.values():
            found += [sub, *sorted(sub.parent.glob(f"{sub.stem}.words.json"))]
    return list(dict.fromkeys(found))


def generated_folders(settings: Settings, catalogue: Catalogue, report: Report) -> list[Path]:
    """Every folder the catalogue writes into: those of every planned output, packs, the state folder."""
    jobs, _ = plan_cut(settings, catalogue, report)
    folders = {step.output.parent for job in jobs for step in job.steps}
    return sorted(folders | {settings.media_dir / "packs", settings.state_dir})


def their_cues(report: Report, cutlist: CutList, person: Person) -> list[Cue]:
    return [cue for lang in cutlist.film.subtitles for cue in report.cues.get((cutlist.film.id, lang), [])
            if overlaps(cue.start_ms, cue.end_ms, person.appearances)]


def other_texts(report: Report, published: Catalogue) -> list[str]:
    """Everything the catalogue still publishes, in words: what nobody withdrew."""
    texts = []
    for cutlist in published.cutlists:
        film = cutlist.film
        texts += [film.title, film.description, film.credits]
        ranges = published.redactions.get(film.id, ())
        for lang in film.subtitles:
            texts += [c.plain for c in report.cues.get((film.id, lang), []) if not overlaps(c.start_ms, c.end_ms, ranges)]
        for clip in cutlist.clips:
            texts += [clip.title, clip.description, clip.learning_goal, clip.audience, *clip.speakers, *clip.questions]
        for session in cutlist.sessions:
            texts += [session.title, session.description, session.audience]
    texts += [f"{t.title} {t.description} {t.introduction}" for t in published.themes]
    return texts


def verify_person(settings: Settings, report: Report, person_id: str, today: datetime.date | None = None,
                  consent: Consent | None = None) -> VerifyReport:
    """Look through everything generated for what is left of `person_id`, who must be withdrawn (or
    whose consent must have ended): their consent in force leaves nothing to prove."""
    catalogue = report.catalogue()
    found = find_person(catalogue, person_id)
    if not found:
        raise CatalogueError(f"no [[person]] with id {person_id!r} in the cut lists")
    consent = consent or plan_consent(catalogue, read_tombstones(settings.state_dir), today or datetime.date.today())
    if not all("site" in withheld_uses(person, consent.today) for _, person in found):
        raise CatalogueError(f"{person_id!r} has consented (not withdrawn, not ended): nothing to verify; "
                             f"`catalogue withdraw {person_id}` withdraws them")
    published = consent.published(catalogue)
    result = VerifyReport(person_id, untouched=editor_inputs(catalogue))
    result.folders = generated_folders(settings, catalogue, report)
    files = list(walk(result.folders, skip=result.untouched))
    cues = [cue for cutlist, person in found for cue in their_cues(report, cutlist, person)]
    evidence = plan_evidence(found[0][1].name, cues, other_texts(report, published), forms)
    stones = read_tombstones(settings.state_dir)
    gone = set(consent.gone) | set(stones.entries)
    records = consent_dir(settings.state_dir)  # tombstones and gone markers name the clips on purpose
    for path, clip_id in files_of([f for f in files if not f.is_relative_to(records)], gone, settings.root).items():
        result.traces.append(Trace(_label(path, settings.root), f"a file of withdrawn clip {clip_id!r}"))
    traces, result.files = scan_files(files, evidence, settings.root)
    result.traces += traces
    result.traces += _media_traces(settings, catalogue, consent, result)
    return result


def _media_traces(settings: Settings, catalogue: Catalogue, consent: Consent, result: VerifyReport) -> list[Trace]:
    """Sound and picture inside the ranges, in the film's rendition and the redacted clips; posters."""
    traces = []
    records = BuildRecords(settings.root, settings.build_dir)
    for cutlist in catalogue.cutlists:
        ranges = consent.redactions.get(cutlist.film.id, ())
        if not ranges:
            continue
        targets = [(settings.film_video(cutlist.film.id), list(ranges))]
        targets += [(settings.clip_video(c.id), [(max(a, c.start_ms) - c.start_ms, min(b, c.end_ms) - c.start_ms)
                                                 for a, b in ranges if a < c.end_ms and b > c.start_ms])
                    for c in cutlist.clips if c.id in consent.redacted_clips]
        for path, inside in targets:
            if not path.is_file() or not inside:
                continue
            info = probe_cached(path, settings.probe_dir)
            if info.video is None:
                continue
            result.media += 1
            for problem in redaction_problems(path, inside, info.video.display_size, info.audio is not None):
                traces.append(Trace(_label(path, settings.root), problem))
        posters = [(settings.film_poster(cutlist.film.id), 0)] + \
                  [(settings.clip_poster(c.id), c.start_ms) for c in cutlist.clips if c.id in consent.redacted_clips]
        for poster, _ in posters:
            inputs = records.read_extra(poster, "inputs") if poster.is_file() else None
            at_ms = inputs.get("at_ms") if isinstance(inputs, dict) else None
            if isinstance(at_ms, int) and overlaps(at_ms, at_ms + 1, ranges) and not inputs.get("redacted"):
                traces.append(Trace(_label(poster, settings.root), f"a poster taken at {format_timecode(at_ms)}, "
                                                                   "inside a withdrawn appearance"))
    return traces


def _label(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
