"""`catalogue withdraw PERSON`: take a person out of everything the catalogue publishes, at once.

The cut list is the commit point: once it says `withdrawn = <date>`, every stage treats the person
as withdrawn (the site from its next request on; cut, index and pack when they run). Then every
output is made to agree, each step idempotent and written atomically, so a run stopped anywhere
(SIGTERM, SIGKILL, a full disk) is finished by running the command again, and ends as one clean
run would have:

1. the cut list: `withdrawn = <date>` (and `clips = "redact"`), a backup beside it;
2. tombstones for the clips withdrawn (their ids are never published again by accident);
3. the outputs of every withdrawn clip removed, as their planned steps name them;
4. what a range touches, made again where it was published: the film's rendition redacted in
   place, its subtitles and chapters, posters, the clips cut again redacted (`--clips redact`);
5. the search index rebuilt, its older versions removed;
6. lesson packs: the site's cache emptied, `media/packs` zips made again without the clips (or
   removed); caches made from the film's picture emptied; what killed runs left behind removed;
7. verify (catalogue.consent.verify); 8. one line in the consent log.
"""

from __future__ import annotations

import datetime
import shutil
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.consent.log import append_entry, logged, scrub
from catalogue.consent.verify import VerifyReport, verify_person
from catalogue.cutlist import (Catalogue, Consent, Report, Tombstone, add_tombstones, check_cutlists, find_person,
                               overlaps, person_hash, plan_consent, plan_withdrawn, read_salt, read_tombstones,
                               sync_gone, write_cutlist)
from catalogue.cutting import (CutListener, Job, build, pending_steps, plan_cut, planned_outputs, remove_outputs,
                                stale_described)
from catalogue.buildrecord import BuildRecords
from catalogue.errors import CatalogueError
from catalogue.fsutil import process_alive, remove_stale_partials
from catalogue.lessons import PackError, find_chromium, plan_pack, resolve_target, write_pack
from catalogue.media import probe_cached
from catalogue.search import build_index, prune_index
from catalogue.settings import Settings

Say = Callable[[str], None]


class WithdrawError(CatalogueError):
    """A withdrawal that could not finish: what is done stays done; running it again finishes it."""

    def __init__(self, person_id: str, step: str, reason: str) -> None:
        super().__init__(f"withdrawing {person_id!r} did not finish ({step}: {reason}). The site already treats "
                         f"{person_id!r} as withdrawn (410); run `catalogue withdraw {person_id}` again to finish")


@dataclass
class Outcome:
    person_id: str
    date: datetime.date
    clips_mode: str
    backups: list[Path] = field(default_factory=list)
    withdrawn_clips: list[str] = field(default_factory=list)
    redacted_clips: list[str] = field(default_factory=list)
    ranges: int = 0
    cues: int = 0  # cues said inside the ranges (every language), left out of every output
    removed: list[Path] = field(default_factory=list)
    rebuilt: list[Path] = field(default_factory=list)
    index_rebuilt: bool = False
    packs: list[str] = field(default_factory=list)  # what happened to each pack
    verify: VerifyReport | None = None
    logged: bool = False


def load(settings: Settings, today: datetime.date) -> Report:
    paths = settings.cutlist_paths()
    if not paths:
        raise CatalogueError(f"no cut lists in {settings.media_dir}")
    return check_cutlists(paths, lambda path: probe_cached(path, settings.probe_dir), today)


def withdraw(settings: Settings, person_id: str, *, reason: str = "", clips: str | None = None,
             today: datetime.date | None = None, say: Say = lambda line: None,
             listener: CutListener | None = None) -> Outcome:
    """Withdraw `person_id` everywhere (see the module's docstring). Raises WithdrawError when a step
    fails; what is done stays done, and a rerun finishes."""
    today = today or datetime.date.today()
    report = load(settings, today)
    catalogue = report.catalogue()  # a cut list with errors: nothing is done
    if not find_person(catalogue, person_id):
        known = sorted({p.id for c in catalogue.cutlists for p in c.persons})
        raise CatalogueError(f"no [[person]] with id {person_id!r} in the cut lists; known: "
                             f"{', '.join(known) or 'none'} (add one: see docs/consent.md)")
    outcome = Outcome(person_id, today, clips or "withdraw")
    for cutlist, _ in find_person(catalogue, person_id):
        data = cutlist.path.read_bytes()
        backup = write_cutlist(cutlist.path, data, plan_withdrawn(cutlist.path, data, person_id, today, clips))
        if backup:
            outcome.backups.append(backup)
            say(f"{cutlist.path.name}: withdrawn = \"{today}\" written (the earlier version is kept as {backup.name})")
    report = load(settings, today)
    catalogue = report.catalogue()
    found = find_person(catalogue, person_id)
    outcome.date = found[0][1].withdrawn or today
    outcome.clips_mode = found[0][1].clips
    salt = read_salt(settings.state_dir, create=True)
    consent = plan_consent(catalogue, read_tombstones(settings.state_dir), today)
    theirs = [(cutlist.film.id, c) for cutlist, p in found for c in cutlist.clips
              if overlaps(c.start_ms, c.end_ms, p.appearances)]
    outcome.withdrawn_clips = sorted({c.id for _, c in theirs if c.id in consent.gone})
    outcome.redacted_clips = sorted({c.id for _, c in theirs if c.id in consent.redacted_clips})
    outcome.ranges = sum(len(p.appearances) for _, p in found)
    outcome.cues = sum(1 for cutlist, p in found for lang in cutlist.film.subtitles
                       for cue in report.cues.get((cutlist.film.id, lang), [])
                       if overlaps(cue.start_ms, cue.end_ms, p.appearances))
    hashed = person_hash(salt, person_id)
    add_tombstones(settings.state_dir, [Tombstone(c.id, film, outcome.date, hashed) for film, c in theirs
                                        if c.id in consent.gone])
    sync_gone(settings.state_dir, set(consent.gone) | (set(read_tombstones(settings.state_dir).entries)
                                                         - {c.id for c in catalogue.clips}))
    _step(person_id, "removing the withdrawn clips", lambda: _remove(settings, catalogue, report, consent, outcome))
    if outcome.withdrawn_clips:
        say(f"{len(outcome.withdrawn_clips)} clip(s) withdrawn ({', '.join(outcome.withdrawn_clips)}): "
            f"{len(outcome.removed)} file(s) removed; their URLs answer 410 Gone")
    published = consent.published(catalogue)
    _step(person_id, "redacting the film", lambda: _rebuild(settings, published, report, found, consent, outcome,
                                                            listener))
    if outcome.rebuilt:
        say(f"{outcome.ranges} range(s) redacted (a slate and silence), {outcome.cues} cue(s) left out: "
            f"{len(outcome.rebuilt)} output(s) made again")
    _step(person_id, "rebuilding the search index", lambda: _reindex(settings, published, report, outcome))
    _step(person_id, "lesson packs and caches", lambda: _packs_and_caches(settings, consent, catalogue, outcome))
    for line in outcome.packs:
        say(line)
    outcome.verify = verify_person(settings, report, person_id, today, consent)
    entry = {"person": hashed, "action": "withdraw", "date": outcome.date.isoformat(), "clips": outcome.clips_mode,
             "films": sorted({film for film, _ in theirs} | {p.film_id for _, p in found}),
             "withdrawn_clips": outcome.withdrawn_clips, "redacted_clips": outcome.redacted_clips,
             "ranges": outcome.ranges, "cues_removed": outcome.cues,
             "files_removed": len(planned_outputs(settings, catalogue, report, outcome.withdrawn_clips)),
             "reason": scrub(reason, [person_id, *(p.name for _, p in found)]),
             "verified": outcome.verify.clean, "traces": len(outcome.verify.traces)}
    if not logged(settings.state_dir, hashed, "withdraw", entry["date"]):
        append_entry(settings.state_dir, entry)
        outcome.logged = True
    return outcome


def _step(person_id: str, name: str, action: Callable[[], None]) -> None:
    try:
        action()
    except KeyboardInterrupt:
        raise
    except (CatalogueError, OSError) as exc:
        raise WithdrawError(person_id, name, str(exc)) from exc


def _remove(settings: Settings, catalogue: Catalogue, report: Report, consent: Consent, outcome: Outcome) -> None:
    """Every withdrawn clip's outputs (all of them: a rerun converges, whoever withdrew them)."""
    outputs = planned_outputs(settings, catalogue, report, sorted(consent.gone))
    outcome.removed += remove_outputs(settings, outputs)


def _rebuild(settings: Settings, published: Catalogue, report: Report, found: Sequence[tuple[object, object]],
             consent: Consent, outcome: Outcome, listener: CutListener | None) -> None:
    """Make again what the ranges touch, where it was published: the film's steps whose output is
    there and no longer current, and the redacted clips' steps."""
    films = {p.film_id for _, p in found}  # type: ignore[attr-defined]
    film_of = {clip.id: cutlist.film.id for cutlist in published.cutlists for clip in cutlist.clips}
    records = BuildRecords(settings.root, settings.build_dir)
    jobs, _ = plan_cut(settings, published, report)
    outcome.removed += remove_outputs(settings, stale_described(settings, jobs))  # nothing left to describe
    todo = []
    for job in jobs:
        film = job.name.removeprefix("film ") if job.first else film_of.get(job.name)
        if film not in films or not (job.first or job.name in consent.redacted_clips):
            continue
        steps = [s for s in pending_steps(job, records, False) if s.output.exists()]
        if steps:
            todo.append(Job(job.name, tuple(steps), job.note, job.first))
    summary = build(settings, todo, listener=listener)
    if summary.failed:
        raise CatalogueError("; ".join(f"{name}: {message}" for name, message in summary.failed.items()))
    outcome.rebuilt += summary.built


def _reindex(settings: Settings, published: Catalogue, report: Report, outcome: Outcome) -> None:
    if (settings.index_dir / "CURRENT").is_file():
        build_index(settings, published, report)
        outcome.index_rebuilt = True
    prune_index(settings)


def _packs_and_caches(settings: Settings, consent: Consent, catalogue: Catalogue, outcome: Outcome) -> None:
    outcome.packs = tidy(settings, catalogue, consent)


def tidy(settings: Settings, catalogue: Catalogue, consent: Consent) -> list[str]:
    """After outputs were withdrawn or redacted: caches made from them emptied, what killed runs left
    removed, lesson packs in media/packs made again without them (or removed); what happened to each pack."""
    for folder in (settings.state_dir / "packs", settings.rendition_dir / "edges"):
        shutil.rmtree(folder, ignore_errors=True)  # caches: made again when needed, without the person
    for folder in (settings.clips_dir, settings.films_dir, settings.clip_transcripts_dir,
                   settings.film_transcripts_dir, settings.media_dir / "packs", settings.index_dir):
        remove_stale_partials(folder)
    work = settings.rendition_dir / "work"  # the pieces of a redaction or clip a killed run was making
    if work.is_dir():
        for leftover in work.iterdir():
            pid = leftover.name.split("-", 1)[0]
            if not (pid.isascii() and pid.isdigit() and process_alive(int(pid))):
                shutil.rmtree(leftover, ignore_errors=True)
    touched = set(consent.gone) | set(consent.redacted_clips)
    pack_catalogue = consent.published(catalogue, "pack")
    lines = [_renew_pack(settings, pack_catalogue, zip_path, touched)
             for zip_path in sorted((settings.media_dir / "packs").glob("*.zip"))]
    return [line for line in lines if line]


def _renew_pack(settings: Settings, catalogue: Catalogue, zip_path: Path, touched: set[str]) -> str:
    """A lesson pack holding a withdrawn or redacted clip, made again without it (or removed)."""
    try:
        with zipfile.ZipFile(zip_path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile):
        names = []
    held = {Path(name).name.split(".", 1)[0] for name in names if name.startswith(("clips/", "captions/"))}
    if names and not held & touched:
        return ""
    kind, _, target_id = zip_path.stem.partition("-")
    records = BuildRecords(settings.root, settings.build_dir)
    try:
        target = resolve_target(catalogue, f"{kind}:{target_id}")
        engine = (find_chromium() or "") if "guide.pdf" in names else ""
        write_pack(plan_pack(settings, catalogue, target, pdf_engine=engine), zip_path, records, force=True)
        return f"media/packs/{zip_path.name}: made again without the withdrawn clips"
    except (CatalogueError, PackError) as exc:
        zip_path.unlink(missing_ok=True)
        records.forget(zip_path)
        return f"media/packs/{zip_path.name}: removed ({exc}); make it again with `catalogue pack`"
