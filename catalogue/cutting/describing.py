"""The audio-description outputs of a clip or a film, as steps of its job (catalogue.cutting.jobs):

- `transcripts/clips/<clip>.<lang>.descriptions.vtt`: the descriptions re-timed to the clip, per language;
- `media/clips/<clip>.ad.mp4`: the described version (catalogue.cutting.described), the descriptions
  spoken by the synthetic voice (catalogue.cutting.voice) over the clip's sound, extended where one
  does not fit; its record keeps the holds (`holds`), which players map times with;
- `transcripts/clips/<clip>.<lang>.ad.vtt`: the subtitles re-timed to the described version.

The film gets the same under `media/films/` and `transcripts/films/`. Each is built like every other
output: only when its inputs changed (the source's build key, the descriptions, the voice and its
settings), under a temporary name, recorded.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from functools import cache, partial
from pathlib import Path
from typing import Any

from catalogue.buildrecord import BuildRecords, key_hash
from catalogue.cutlist import VoiceSettings, check_site
from catalogue.cutting.described import (MIX_VERSION, described_args, holds_from_json, plan_described, retime_cues,
                                         write_voice_track)
from catalogue.cutting import jobs
from catalogue.cutting.jobs import Job, Step, _current, _run_ffmpeg_into, _text_step, copy_start_ms, machine_note
from catalogue.cutting.redacted import cues_outside
from catalogue.cutting.smartcut import remove_stale_work
from catalogue.cutting.voice import Voice, VoiceError, find_voice, speak
from catalogue.cutlist import Catalogue, Report
from catalogue.media import ProgressCallback, file_identity, probe_cached
from catalogue.model import Cue, Film, MediaInfo
from catalogue.settings import Settings
from catalogue.subtitles import clip_cues, format_vtt
from catalogue.timecode import format_timecode

_RECIPE = 1  # bump when these outputs should all be rebuilt


def plan_cut(settings: Settings, catalogue: Catalogue, report: Report, *, mode: str = "exact",
             only: Sequence[str] = ()) -> tuple[list[Job], dict[str, str]]:
    """`catalogue.cutting.jobs.plan_cut`, each film's and clip's job with its description outputs added
    (after the MP4 they are made from)."""
    planned, unplannable = jobs.plan_cut(settings, catalogue, report, mode=mode, only=only)
    by_name = {job.name: index for index, job in enumerate(planned)}
    for cutlist in catalogue.cutlists:
        film = cutlist.film
        if not film.descriptions:
            continue
        info = probe_cached(film.video_path, settings.probe_dir, keyframes=mode == "copy")
        # what a redacted range takes out of the subtitles is taken out of the descriptions too
        ranges = catalogue.redactions.get(film.id, ())
        cues = {lang: cues_outside(report.cues.get((film.id, lang), []), ranges) for lang in film.subtitles}
        descriptions = {lang: cues_outside(report.descriptions.get((film.id, lang), []), ranges)
                        for lang in film.descriptions}
        targets = [(f"film {film.id}", settings.film_video(film.id), film.id, (0, info.duration_ms), True)]
        for clip in cutlist.clips:
            shown = copy_start_ms(info.keyframes_ms, clip.start_ms) if mode == "copy" else clip.start_ms
            targets.append((clip.id, settings.clip_video(clip.id), clip.id, (shown, clip.end_ms), False))
        for name, video, stem, window, whole_film in targets:
            if name not in by_name:
                continue
            job = planned[by_name[name]]
            source = next(step for step in job.steps if step.output == video)
            extra = described_steps(settings, film, stem, window, source, info, cues, descriptions,
                                    whole_film=whole_film)
            planned[by_name[name]] = replace(job, steps=job.steps + tuple(extra))
    return planned, unplannable


def planned_outputs(settings: Settings, catalogue: Catalogue, report: Report, clip_ids: Sequence[str]) -> list[Path]:
    """Every output the plan has for these clips (what removing them must remove): enumerated from
    their jobs' steps, so an output a new step adds is never forgotten; and every described version a
    clip has on disk, also one the plan no longer makes (its descriptions taken out by a range)."""
    if not clip_ids:
        return []
    jobs, _ = plan_cut(settings, catalogue, report, only=clip_ids)
    planned = [step.output for job in jobs for step in job.steps]
    return planned + [path for clip_id in clip_ids for path in described_files(settings, clip_id)
                      if path not in planned]


def described_files(settings: Settings, stem: str, film: bool = False) -> list[Path]:
    """The described-version files of a clip (`stem`: its id) or a film on disk: the MP4, its re-timed
    captions and the description tracks, in any language."""
    video = settings.described_video(stem, film=film)
    texts = settings.film_transcripts_dir if film else settings.clip_transcripts_dir
    found = [video] if video.exists() else []
    return found + sorted(p for pattern in (f"{stem}.*.ad.vtt", f"{stem}.*.descriptions.vtt")
                          for p in texts.glob(pattern))


def stale_described(settings: Settings, plan: Sequence[Job]) -> list[Path]:
    """Described-version files of the planned films and clips that the plan no longer makes: their
    descriptions were removed, or a redacted range took out every one; `cut` removes them, so nothing
    made from what is gone stays served."""
    made = {step.output for job in plan for step in job.steps}
    return [path for job in plan
            for path in described_files(settings, job.name.removeprefix("film "), film=job.first)
            if path not in made]


def voice_settings(settings: Settings) -> VoiceSettings:
    """The voice settings of the site settings file (the defaults where it has none or errors)."""
    return check_site(settings.site_file).settings.voice


@cache
def _voice(choice: VoiceSettings) -> Voice | None:
    try:
        return find_voice(choice)
    except VoiceError:
        return None


def described_steps(settings: Settings, film: Film, stem: str, window: tuple[int, int], source: Step,
                    info: MediaInfo, cues: dict[str, list[Cue]], descriptions: dict[str, list[Cue]],
                    *, whole_film: bool = False) -> list[Step]:
    """The description outputs of one clip (`stem`: its id; `window`: the film time it shows) or, with
    `whole_film`, of the film; `source` is the step that makes the MP4 they are made from."""
    start_ms, end_ms = window
    steps = []
    for lang, path in film.descriptions.items():
        output = (settings.film_descriptions_vtt if whole_film else settings.clip_descriptions_vtt)(stem, lang)
        key = {"recipe": _RECIPE, "kind": "descriptions-vtt", "descriptions": file_identity(path),
               "window": [start_ms, end_ms],  # and the cues written: a redacted range takes some out
               "cues": [[c.start_ms, c.end_ms] for c in clip_cues(descriptions.get(lang, []), start_ms, end_ms)]}
        steps.append(_text_step(output, key, partial(_vtt, descriptions.get(lang, []), start_ms, end_ms)))
    lang = film.description_language
    spoken = clip_cues(descriptions.get(lang, []), start_ms, end_ms) if lang else []
    if not spoken:
        return steps
    choice = VoiceSettings(lang, *(getattr(voice_settings(settings), k) for k in ("rate", "pitch", "engine")))
    voice = _voice(choice)
    video = settings.described_video(stem, film=whole_film)
    key = {"recipe": _RECIPE, "mix": MIX_VERSION, "kind": "described", "source": key_hash(source.key),
           "descriptions": [[c.start_ms, c.end_ms, c.plain] for c in spoken],
           "voice": voice.key() if voice else {"missing": choice.engine or "any"}}
    steps.append(Step(video, key, end_ms - start_ms, partial(_make_described, settings, source, voice, choice, spoken,
                                                             info, end_ms - start_ms, video)))
    for sub_lang, sub_path in film.subtitles.items():
        note = machine_note(film.machine_made_unreviewed(sub_lang))
        vtt_key = {"recipe": _RECIPE, "kind": "described-vtt", "subtitles": file_identity(sub_path),
                   "window": [start_ms, end_ms], "described": key_hash(key), **({"note": note} if note else {})}
        steps.append(_text_step(settings.described_vtt(stem, sub_lang, film=whole_film), vtt_key,
                                partial(_described_vtt, settings, video, cues.get(sub_lang, []), window, note)))
    return steps


def _vtt(cues: Sequence[Cue], start_ms: int, end_ms: int) -> str:
    return format_vtt(clip_cues(list(cues), start_ms, end_ms))


def _make_described(settings: Settings, source: Step, voice: Voice | None, choice: VoiceSettings,
                    spoken: list[Cue], info: MediaInfo, duration_ms: int, output: Path, tmp: Path,
                    on_progress: ProgressCallback) -> dict[str, Any]:
    voice = voice or find_voice(choice)  # none when planned: one now, or the error that says what to install
    if not _current(settings, source):
        raise VoiceError(f"{source.output.name} is not built, so its described version cannot be made: run "
                         "`catalogue cut` (without --only for a film)")
    speeches = [speak(voice, cue.plain) for cue in spoken]
    fps = info.video.fps if info.video else 25.0
    plan = plan_described(spoken, [s.duration_ms for s in speeches], duration_ms, fps)
    work_root = settings.state_dir / "described"
    work_root.mkdir(parents=True, exist_ok=True)
    remove_stale_work(work_root)  # of runs that were killed
    work = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=work_root))
    try:
        track = work / "voice.wav"
        write_voice_track(track, plan, [s.pcm for s in speeches], speeches[0].sample_rate if speeches else 22050)
        args = described_args(source.output, track, plan, tmp, fps=fps, has_audio=info.audio is not None,
                              source_ms=duration_ms, graph_file=work / "graph.txt")
        _run_ffmpeg_into(output, tmp, args, source.output, on_progress, None)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    done: dict[str, Any] = {"holds": plan.holds_json(), "duration_ms": plan.duration_ms, "voice": voice.label,
                            "speech_ms": [s.duration_ms for s in speeches]}
    if plan.holds:
        where = ", ".join(f"{format_timecode(h.at_ms)} ({h.length_ms / 1000:.1f} s)" for h in plan.holds)
        done["note"] = f"described version extended: the picture holds at {where} for descriptions that do not fit"
    return done


def _described_vtt(settings: Settings, video: Path, cues: Sequence[Cue], window: tuple[int, int], note: str) -> str:
    holds = holds_from_json(described_holds(settings, video))
    return format_vtt(retime_cues(clip_cues(list(cues), *window), holds), note=note)


def described_holds(settings: Settings, video: Path) -> list[list[int]]:
    """Where the described version `video` holds the picture: [[at_ms, length_ms], …] in the time of the
    clip (or film) it describes, as its build record says; [] when it holds nowhere or is not built."""
    return [[h.at_ms, h.length_ms]
            for h in holds_from_json(BuildRecords(settings.root, settings.build_dir).read_extra(video, "holds"))]
