"""Plan and build every output of a catalogue: clips (MP4, poster, VTT per language) and,
per film, the chapters track, the film's subtitles as WebVTT and a web-ready rendition.

`plan_*` and `*_args` are pure; `build` runs the plan. Each output is written under a
temporary name and renamed into place, then recorded (inputs and settings), so an
unchanged rerun finds every output current and starts no ffmpeg at all.
"""

from __future__ import annotations

import shutil
import time
from functools import partial
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import ffmpeg

from catalogue.buildrecord import BuildRecords
from catalogue.cutlist import Catalogue, Report
from catalogue.errors import CatalogueError, MediaError
from catalogue.fsutil import atomic_path, remove_stale_partials
from catalogue.media import RUNNING, ProgressCallback, file_arg, run_ffmpeg
from catalogue.model import Clip, Cue, CutList, MediaInfo
from catalogue.media import file_identity, probe_cached
from catalogue.cutting.rendition import ENCODER, load_rendition, source_preset, target_size
from catalogue.settings import Settings
from catalogue.cutting.ladder import FilmLadder, clip_ladder, film_ladder
from catalogue.cutting.smartcut import NotSmart, cut_smart, remove_stale_work
# a Step and the helpers every kind of step uses (cutting/steps.py: the ladder uses them too)
from catalogue.cutting.steps import FFMPEG_GLOBAL as _GLOBAL, Step, frame_seek_us, is_current as _current
from catalogue.cutting.steps import run_ffmpeg_into as _run_ffmpeg_into, space_for as _space_for
from catalogue.cutting.redacted import (cues_outside, dropped_in, outside, overlapping, preset_of, ranges_key,
                                        redacted_rendition_run, require_current)
from catalogue.subtitles import clip_cues, escape_text, format_vtt
from catalogue.timecode import format_seconds, format_timecode

MODES = ("exact", "exact-full", "copy")
_RECIPE_VERSION = 2  # bump when the commands change in a way that should rebuild everything


@dataclass(frozen=True)
class Job:
    """The steps of one clip, or of one film; a failed step stops its job only."""

    name: str
    steps: tuple[Step, ...]
    note: str = ""
    first: bool = False  # built before every other job (a film's rendition, which clips are cut from)


def without_ladder(settings: Settings, jobs: Sequence[Job]) -> list[Job]:
    """The jobs without their adaptive ladders' steps (everything under settings.hls_dir), for a cut
    that leaves the ladder to a later one: the site plays the MP4s until it is there."""
    kept = [replace(job, steps=tuple(s for s in job.steps if not s.output.is_relative_to(settings.hls_dir)))
            for job in jobs]
    return [job for job in kept if job.steps]


@dataclass
class CutSummary:
    built: list[Path] = field(default_factory=list)
    current: list[Path] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # job name -> error message


class CutListener:
    """What `build` tells its caller; the CLI draws a progress bar or prints lines."""

    def start(self, jobs: Sequence[Job], work_ms: int) -> None: ...

    def progress(self, job: Job, step: Step, done_ms: int) -> None: ...

    def step_done(self, job: Job, step: Step, seconds: float) -> None: ...

    def note(self, job: Job, text: str) -> None: ...

    def job_failed(self, job: Job, error: CatalogueError) -> None: ...


# --- pure: sizes and ffmpeg arguments --------------------------------------------------


def encode_args(source: Path, dest: Path, info: MediaInfo, start_ms: int, duration_ms: int | None) -> list[str]:
    """Frame-accurate re-encode: seek before the input (fast), ffmpeg decodes from the
    keyframe before `start` and drops what precedes it; rotation applied by the decoder."""
    assert info.video is not None
    width, height = target_size(*info.video.display_size)
    seek_us = frame_seek_us(start_ms, info.video.fps)
    options: dict[str, Any] = {"ss": f"{seek_us / 1_000_000:.6f}"} if seek_us else {}
    stream = ffmpeg.input(file_arg(source), **options)
    # limited ("tv") range: what every browser expects of H.264, also from full-range phone video
    video = stream["v:0"].filter("scale", width, height, out_range="tv").filter("setsar", 1)
    outputs = [video, stream["a:0"]] if info.audio else [video]
    extra: dict[str, Any] = {"t": format_seconds(duration_ms)} if duration_ms is not None else {}
    encoder = dict(ENCODER) if info.audio else {k: v for k, v in ENCODER.items() if not k.endswith(":a") and k != "ac"}
    out = ffmpeg.output(*outputs, file_arg(dest), **encoder, **extra, map_metadata=-1, map_chapters=-1)
    return list(out.global_args(*_GLOBAL).compile(cmd="ffmpeg", overwrite_output=True))[1:]


def copy_args(source: Path, dest: Path, info: MediaInfo, seek_ms: int | None, duration_ms: int | None) -> list[str]:
    """Stream copy from the keyframe at or before the seek point; timestamps start at 0. A whole film
    (no seek, no duration) keeps its timestamps as they are: made zero, the B-frames' negative decoding
    times would move every frame later (by 80 ms at 25 fps), off the film's time and its 2-s grid."""
    options: dict[str, Any] = {"ss": format_seconds(seek_ms)} if seek_ms else {}
    stream = ffmpeg.input(file_arg(source), **options)
    outputs = [stream["v:0"], stream["a:0"]] if info.audio else [stream["v:0"]]
    extra: dict[str, Any] = {"t": format_seconds(duration_ms)} if duration_ms is not None else {}
    if seek_ms or duration_ms is not None:
        extra["avoid_negative_ts"] = "make_zero"
    out = ffmpeg.output(*outputs, file_arg(dest), c="copy", movflags="+faststart",
                        map_metadata=-1, map_chapters=-1, **extra)
    return list(out.global_args(*_GLOBAL).compile(cmd="ffmpeg", overwrite_output=True))[1:]


def poster_args(source: Path, dest: Path, info: MediaInfo, at_ms: int) -> list[str]:
    assert info.video is not None
    width, height = target_size(*info.video.display_size)
    stream = ffmpeg.input(file_arg(source), ss=format_seconds(at_ms))
    out = ffmpeg.output(stream["v:0"].filter("scale", width, height), file_arg(dest), vframes=1, update=1,
                        **{"q:v": 3, "f": "image2", "c:v": "mjpeg", "pix_fmt": "yuvj420p"})
    return list(out.global_args(*_GLOBAL).compile(cmd="ffmpeg", overwrite_output=True))[1:]


def copy_start_ms(keyframes_ms: Sequence[int], start_ms: int) -> int:
    """The keyframe at or before `start` where a stream copy really begins."""
    before = [k for k in keyframes_ms if k <= start_ms]
    return before[-1] if before else 0


def chapter_cues(clips: Sequence[Clip]) -> list[Cue]:
    """One chapter per clip, in film time, titled as in the cut list."""
    ordered = sorted(clips, key=lambda c: (c.start_ms, c.end_ms))
    return [Cue(c.start_ms, c.end_ms, escape_text(c.title), identifier=c.id) for c in ordered]


# --- the plan ---------------------------------------------------------------------------


def _ffmpeg_step(output: Path, key: dict[str, Any], work_ms: int, make_args: Callable[[Path], list[str]],
                 about: Path, span_ms: tuple[int, int] | None = None, done: dict[str, Any] | None = None) -> Step:
    def run(tmp: Path, on_progress: ProgressCallback) -> dict[str, Any] | None:
        _run_ffmpeg_into(output, tmp, make_args(tmp), about, on_progress, span_ms)
        return done
    return Step(output, key, work_ms, run)


def _smart_step(settings: Settings, output: Path, key: dict[str, Any], clip: Clip, info: MediaInfo,
                source: Path, rendition: Step, redacted: bool = False) -> Step:
    """An exact clip cut from the film's rendition (catalogue.cutting.smartcut) once that is current; where
    that cannot be done, the whole clip re-encoded from the film, and the record and a note say why.
    A `redacted` clip (it shows a redacted moment) comes from the redacted rendition only."""
    assert info.video is not None
    seek_us = frame_seek_us(clip.start_ms, info.video.fps)

    def run(tmp: Path, on_progress: ProgressCallback) -> dict[str, Any]:
        if redacted:
            require_current(_current(settings, rendition), clip.film_id)
            source_now = rendition.output
        else:
            source_now = source
        try:
            if not _current(settings, rendition):
                raise NotSmart("the film's rendition is not built for this version of the film (`catalogue cut` "
                               "without --only builds it)")
            facts = load_rendition(rendition.output, rendition.key.get("preset", ENCODER["preset"]))
            with _space_for(output):
                return cut_smart(facts, seek_us, clip.duration_ms, tmp, settings.rendition_dir, on_progress)
        except NotSmart as why:
            _run_ffmpeg_into(output, tmp, encode_args(source_now, tmp, info, clip.start_ms, clip.duration_ms),
                             source_now, on_progress, (clip.start_ms, clip.end_ms))
            return {"method": "full", "why": str(why), "note": f"re-encoded whole: {why}"}
    return Step(output, key, clip.duration_ms, run)


def _text_step(output: Path, key: dict[str, Any], make_text: Callable[[], str]) -> Step:
    def run(tmp: Path, on_progress: ProgressCallback) -> None:
        tmp.write_text(make_text(), encoding="utf-8")
    return Step(output, key, 0, run)


def _clip_vtt(cues: list[Cue], start_ms: int, end_ms: int, note: str = "") -> str:
    return format_vtt(clip_cues(cues, start_ms, end_ms), note=note)


def machine_note(made_by: str) -> str:
    """The NOTE of a VTT made from machine-made subtitles no person has reviewed yet."""
    return f"Machine-made ({made_by}), not yet reviewed by a person: a draft." if made_by else ""


def plan_clip(settings: Settings, cutlist: CutList, clip: Clip, info: MediaInfo,
              cues: dict[str, list[Cue]], mode: str, web: Step, ranges: Sequence[tuple[int, int]] = (),
              ladder: FilmLadder | None = None) -> Job:
    """The steps of one clip: MP4, poster, one VTT per subtitle language, and its adaptive ladder
    (catalogue.cutting.ladder) when the film has one. `ranges`: the film's redacted ranges; a clip that
    overlaps one is cut from the redacted rendition (exact), its cues and poster kept outside them."""
    source = cutlist.film.video_path
    film_id = file_identity(source)
    mp4 = settings.clip_video(clip.id)
    base = {"recipe": _RECIPE_VERSION, "film": film_id, "mode": mode}
    note = ""
    inside = overlapping(clip.start_ms, clip.end_ms, ranges)
    if inside:
        video_key = {**base, "mode": "exact", "kind": "clip", "start_ms": clip.start_ms, "end_ms": clip.end_ms,
                     "encoder": ENCODER, "redact": ranges_key(inside, clip.start_ms)}
        steps = [_smart_step(settings, mp4, video_key, clip, info, source, web, redacted=True)]
        return _clip_rest(settings, cutlist, clip, info, cues, web, clip.start_ms, steps, "", ranges, ladder,
                          video_key["redact"])
    if mode == "copy":
        if not info.web_ready:
            codecs = "/".join(s.codec for s in (info.video, info.audio) if s)
            raise MediaError(source, f"copy mode keeps the film's codecs ({codecs}), which browsers do not all "
                                     "play; use --mode exact")
        shown_ms = copy_start_ms(info.keyframes_ms, clip.start_ms)
        if shown_ms != clip.start_ms:
            note = (f"copy starts at the keyframe {format_timecode(shown_ms)}, "
                    f"{(clip.start_ms - shown_ms) / 1000:.3f} s before {format_timecode(clip.start_ms)}")
        # seek 1 ms past the keyframe: its exact time may lie up to 1 ms after the rounded one
        seek_ms = shown_ms + 1 if shown_ms else 0
        duration = clip.end_ms - shown_ms
        video_key = {**base, "kind": "clip", "shown_ms": shown_ms, "end_ms": clip.end_ms}
        steps = [_ffmpeg_step(mp4, video_key, duration, lambda tmp: copy_args(source, tmp, info, seek_ms, duration),
                              source, (shown_ms, clip.end_ms), done={"method": "copy"})]
    else:
        shown_ms = clip.start_ms
        video_key = {**base, "kind": "clip", "start_ms": clip.start_ms, "end_ms": clip.end_ms, "encoder": ENCODER}
        if mode == "exact":
            steps = [_smart_step(settings, mp4, video_key, clip, info, source, web)]
        else:
            steps = [_ffmpeg_step(mp4, video_key, clip.duration_ms,
                                  lambda tmp: encode_args(source, tmp, info, clip.start_ms, clip.duration_ms),
                                  source, (clip.start_ms, clip.end_ms), done={"method": "full"})]
    return _clip_rest(settings, cutlist, clip, info, cues, web, shown_ms, steps, note, ranges, ladder)


def _clip_rest(settings: Settings, cutlist: CutList, clip: Clip, info: MediaInfo, cues: dict[str, list[Cue]],
               web: Step, shown_ms: int, steps: list[Step], note: str, ranges: Sequence[tuple[int, int]],
               ladder: FilmLadder | None = None, redact: list[list[int]] | None = None) -> Job:
    """The clip's poster and VTTs after its video step: outside the redacted ranges; then its ladder
    (`redact`: the redacted ranges inside the clip, which its rungs show as the film's do)."""
    source = cutlist.film.video_path
    film_id = file_identity(source)
    poster = settings.clip_poster(clip.id)
    at_ms = outside(clip.poster_time_ms, ranges, clip.start_ms, clip.end_ms)
    poster_key = {"recipe": _RECIPE_VERSION, "film": film_id, "kind": "poster", "at_ms": at_ms}
    if overlapping(at_ms, at_ms + 1, ranges):  # the whole clip is redacted: its poster is the slate
        poster_key["redacted"] = True

    def poster_from(tmp: Path) -> list[str]:
        # the same frame; from the rendition (a keyframe every 2 s) it decodes far less than from a master
        if poster_key.get("redacted"):
            require_current(_current(settings, web), clip.film_id)
        return poster_args(web.output if _current(settings, web) else source, tmp, info, at_ms)
    steps.append(_ffmpeg_step(poster, poster_key, 0, poster_from, source))
    for lang, sub_path in cutlist.film.subtitles.items():
        vtt = settings.clip_vtt(clip.id, lang)
        vtt_note = machine_note(cutlist.film.machine_made_unreviewed(lang))
        lang_cues = cues.get(lang, [])
        dropped = dropped_in(lang_cues, ranges, shown_ms, clip.end_ms)
        key = {"recipe": _RECIPE_VERSION, "kind": "vtt", "subtitles": file_identity(sub_path),
               "window": [shown_ms, clip.end_ms], **({"note": vtt_note} if vtt_note else {}),
               **({"dropped": dropped} if dropped else {})}
        kept = cues_outside(lang_cues, ranges) if dropped else lang_cues
        steps.append(_text_step(vtt, key, partial(_clip_vtt, kept, shown_ms, clip.end_ms, vtt_note)))
    if ladder is not None:  # what the MP4 shows, so that the same subtitles fit
        steps += clip_ladder(settings, clip.id, (shown_ms, clip.end_ms), info, source, web, ladder, redact or [])
    return Job(clip.id, tuple(steps), note)


def rendition_step(settings: Settings, cutlist: CutList, info: MediaInfo,
                   ranges: Sequence[tuple[int, int]] = ()) -> Step:
    """The film's rendition (catalogue.cutting.rendition): copied when the source is already in its form,
    else encoded once per film version; with `ranges`, those redacted (catalogue.cutting.redaction).
    Clips are cut from it once it is current."""
    source, web = cutlist.film.video_path, settings.film_video(cutlist.film.id)
    film_id = file_identity(source)
    preset = source_preset(source, info, settings.rendition_dir)
    if preset:
        key = {"recipe": _RECIPE_VERSION, "kind": "film", "film": film_id, "mode": "copy", "preset": preset,
               "timestamps": "kept"}  # copies made before kept them shifted: made again
        step = _ffmpeg_step(web, key, info.duration_ms // 20, lambda tmp: copy_args(source, tmp, info, None, None),
                            source)
    else:
        key = {"recipe": _RECIPE_VERSION, "kind": "film", "film": film_id, "encoder": ENCODER}
        step = _ffmpeg_step(web, key, info.duration_ms, lambda tmp: encode_args(source, tmp, info, 0, None), source)
    if not ranges:
        return step
    run = redacted_rendition_run(settings, web, step.key, step.run, ranges, preset_of(step.key))
    return Step(web, {**step.key, "redact": ranges_key(ranges)}, step.work_ms + info.duration_ms // 20, run)


def plan_film(settings: Settings, cutlist: CutList, info: MediaInfo, cues: dict[str, list[Cue]], web: Step,
              ranges: Sequence[tuple[int, int]] = (), ladder: FilmLadder | None = None) -> Job:
    """Per film: the chapters track, its subtitles as WebVTT, its rendition and poster, and its adaptive
    ladder. Built before the clips (`first`): exact clips are cut from the rendition and the ladder. The
    cues said inside a redacted range are left out, and the poster is taken outside every range."""
    film, source = cutlist.film, cutlist.film.video_path
    film_id = file_identity(source)
    chapters = chapter_cues(cutlist.clips)
    steps = [_text_step(settings.film_vtt(film.id, "chapters"),
                        {"recipe": _RECIPE_VERSION, "kind": "chapters",
                         "chapters": [(c.start_ms, c.end_ms, c.text, c.identifier) for c in chapters]},
                        lambda: format_vtt(chapters))]
    for lang, sub_path in film.subtitles.items():
        vtt_note = machine_note(film.machine_made_unreviewed(lang))
        dropped = dropped_in(cues.get(lang, []), ranges, 0, info.duration_ms + 1)
        key = {"recipe": _RECIPE_VERSION, "kind": "film-vtt", "subtitles": file_identity(sub_path),
               **({"note": vtt_note} if vtt_note else {}), **({"dropped": dropped} if dropped else {})}
        steps.append(_text_step(settings.film_vtt(film.id, lang), key,
                                partial(format_vtt, cues_outside(cues.get(lang, []), ranges), note=vtt_note)))
    steps.append(web)
    at_ms = outside(min(info.duration_ms // 10, 60_000), ranges, 0, info.duration_ms)
    steps.append(_ffmpeg_step(settings.film_poster(film.id),
                              {"recipe": _RECIPE_VERSION, "film": film_id, "kind": "poster", "at_ms": at_ms}, 0,
                              lambda tmp: poster_args(source, tmp, info, at_ms), source))
    if ladder is not None:
        steps += ladder.steps
    return Job(f"film {film.id}", tuple(steps), first=True)


def plan_cut(settings: Settings, catalogue: Catalogue, report: Report, *, mode: str = "exact",
             only: Sequence[str] = ()) -> tuple[list[Job], dict[str, str]]:
    """Jobs for every film and clip (or only the named clips), and the clips that cannot be planned."""
    jobs: list[Job] = []
    unplannable: dict[str, str] = {}
    for cutlist in catalogue.cutlists:
        clips = [c for c in cutlist.clips if not only or c.id in only]
        if only and not clips:
            continue
        info = probe_cached(cutlist.film.video_path, settings.probe_dir, keyframes=mode == "copy")
        cues = {lang: report.cues.get((cutlist.film.id, lang), []) for lang in cutlist.film.subtitles}
        ranges = catalogue.redactions.get(cutlist.film.id, ())  # a person's consent withdrawn or ended
        web = rendition_step(settings, cutlist, info, ranges)  # built by the film job; exact clips and posters use it
        ladder = film_ladder(settings, cutlist.film.id, info, web) if info.video else None
        if not only:
            jobs.append(plan_film(settings, cutlist, info, cues, web, ranges, ladder))
        for clip in clips:
            try:
                jobs.append(plan_clip(settings, cutlist, clip, info, cues, mode, web, ranges, ladder))
            except CatalogueError as exc:
                unplannable[clip.id] = str(exc)
    return jobs, unplannable


def remove_outputs(settings: Settings, outputs: Sequence[Path]) -> list[Path]:
    """Remove these outputs (files, or folders of files) and their build records; the ones removed."""
    records = BuildRecords(settings.root, settings.build_dir)
    removed = []
    for output in outputs:
        if output.is_dir() and not output.is_symlink():
            shutil.rmtree(output)
            removed.append(output)
        elif output.exists() or output.is_symlink():
            output.unlink()
            removed.append(output)
        records.forget(output)
    return removed


# --- running the plan --------------------------------------------------------------------


def pending_steps(job: Job, records: BuildRecords, force: bool) -> list[Step]:
    pending: list[Step] = []
    for step in job.steps:
        if force or not records.is_current(step.output, step.key) or any(p.output in step.needs for p in pending):
            pending.append(step)
    return pending


def build(settings: Settings, jobs: Sequence[Job], *, force: bool = False, workers: int = 1,
          listener: CutListener | None = None) -> CutSummary:
    """Build what is not current, `workers` jobs at a time; a failed job does not stop the others."""
    listener = listener or CutListener()
    RUNNING.reopen()
    records = BuildRecords(settings.root, settings.build_dir)
    for folder in (settings.clips_dir, settings.films_dir, settings.clip_transcripts_dir,
                   settings.film_transcripts_dir, *settings.hls_dir.glob("*/*/")):
        remove_stale_partials(folder)
        remove_stale_partials(settings.build_dir / folder.relative_to(settings.root))  # their records
    summary = CutSummary()
    todo = [(job, pending_steps(job, records, force)) for job in jobs]
    for job, steps in todo:
        summary.current += [s.output for s in job.steps if s not in steps]
    listener.start([job for job, steps in todo if steps], sum(s.work_ms for _, steps in todo for s in steps))

    def run_job(job: Job, steps: list[Step]) -> None:
        try:
            for step in steps:
                began = time.monotonic()
                with atomic_path(step.output) as tmp:
                    done = step.run(tmp, partial(listener.progress, job, step)) or {}
                if done.get("note"):
                    listener.note(job, done["note"])
                records.save(step.output, step.key, **{k: v for k, v in done.items() if k != "note"})
                summary.built.append(step.output)
                listener.step_done(job, step, time.monotonic() - began)
        except CatalogueError as exc:
            summary.failed[job.name] = str(exc)
            if not RUNNING.stopped:  # an interrupt kills every ffmpeg: not a failure to report
                listener.job_failed(job, exc)
        except OSError as exc:
            error = CatalogueError(f"cannot write {exc.filename or step.output}: {exc.strerror}")
            summary.failed[job.name] = str(error)
            listener.job_failed(job, error)

    remove_stale_work(settings.rendition_dir / "work")
    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        for first in (True, False):  # the renditions, then what is cut from them
            futures = [pool.submit(run_job, job, steps) for job, steps in todo if steps and job.first == first]
            for future in futures:
                future.result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        RUNNING.kill_all()  # each killed ffmpeg fails its step, whose temp file is then removed
        pool.shutdown(wait=True)
        raise
    pool.shutdown(wait=True)
    return summary
