"""`catalogue transcribe`: a film's speech becomes a machine-made WebVTT draft, on this machine.

The film's audio is decoded once (16 kHz mono, film time: a late audio start is padded, so no
cue comes early), split into pieces at pauses, and each piece is recognised by Whisper with
voice activity detection and without conditioning on earlier text. Each finished piece is kept
under `.catalogue/transcribe/`, so an interrupted run resumes where it stopped. The words that
pass `recognition.judge` become readable cues (`captions.plan_cues`); the VTT, the word timings
and the cut list's entry are written only at the end, each atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from catalogue import __version__
from catalogue.transcribe.captions import Word, plan_cues
from catalogue.cutlist import Report
from catalogue.errors import CatalogueError
from catalogue.fsutil import atomic_path, keep_backup, write_text_atomic
from catalogue.media import file_arg, run_ffmpeg
from catalogue.model import Film, MediaInfo
from catalogue.media import file_identity, probe_cached
from catalogue.transcribe.recognition import Dropped, Segment, judge, snap_to_speech
from catalogue.settings import Settings
from catalogue.subtitles import format_vtt
from catalogue.transcribe.whisper import ModelFolder

SAMPLE_RATE = 16_000
PIECE_MS = 5 * 60_000  # a piece of audio recognised at once and kept when done
PIECE_SEARCH_MS = 60_000  # a piece ends at the longest pause in the last minute before its target end
SILENT_PEAK = 10 ** (-60 / 20)  # −60 dBFS: an audio track quieter than this everywhere is silent
SNAP_PAD_MS = 200  # a word is kept within its stretch of speech, widened by this much
_RECIPE = 2  # bump when recognition options change: pieces of another recipe are not reused
# Whisper's options, after PeerTube's (whisper-ctranslate2) and Whisper's own defaults, plus the guards
WHISPER_OPTIONS: dict[str, Any] = {
    "beam_size": 5, "vad_filter": True, "vad_parameters": {"min_silence_duration_ms": 1000},
    "condition_on_previous_text": False, "word_timestamps": True,
    "compression_ratio_threshold": 2.4, "log_prob_threshold": -1.0, "no_speech_threshold": 0.6,
    "hallucination_silence_threshold": 2.0,
}


class TranscribeError(CatalogueError):
    """A film that cannot be transcribed, and what to do."""


@dataclass(frozen=True)
class Target:
    """One film to transcribe and where its transcript goes."""

    cutlist: Path
    film: Film
    lang: str
    vtt: Path  # transcripts/<film>.<lang>.vtt under the root
    words: Path  # the word timings beside it

    @property
    def name(self) -> str:
        return f"{self.film.id}.{self.lang}"


@dataclass
class Outcome:
    target: Target
    cues: int = 0
    words: int = 0
    dropped: list[Dropped] = field(default_factory=list)
    backup: Path | None = None
    cutlist_backup: Path | None = None
    warnings: list[str] = field(default_factory=list)
    audio_ms: int = 0
    seconds: float = 0.0


class TranscribeListener:
    """What a transcription tells its caller; the CLI draws a bar or prints lines."""

    def start(self, target: Target, total_ms: int) -> None: ...

    def progress(self, done_ms: int) -> None: ...

    def say(self, text: str) -> None: ...

    def finish(self) -> None: ...


def vtt_path(settings: Settings, film: Film, lang: str) -> Path:
    return settings.transcripts_dir / f"{film.id}.{lang}.vtt"


def words_path(vtt: Path) -> Path:
    return vtt.with_name(vtt.name.removesuffix(".vtt") + ".words.json")


def plan_targets(settings: Settings, report: Report, film_ids: Sequence[str], *,
                 force: bool) -> tuple[list[Target], list[str]]:
    """The films to transcribe (those without subtitles in their language, or all with `force`)
    and a line for each film left as it is."""
    known = {c.film.id for c in report.cutlists}
    unknown = sorted(set(film_ids) - known)
    if unknown:
        raise CatalogueError(f"--film: no film with id {', '.join(map(repr, unknown))} "
                             f"(films: {', '.join(sorted(known)) or 'none'})")
    targets, skipped = [], []
    for cutlist in report.cutlists:
        film = cutlist.film
        if film_ids and film.id not in film_ids:
            continue
        problems = [p for p in report.errors if p.file == cutlist.path and p.where == "film"
                    and (p.field in ("video", "language", "id") or p.field.startswith(f"subtitles.{film.language}"))]
        if problems:
            raise TranscribeError(f"{cutlist.path}: cannot transcribe film '{film.id}': "
                                  + "; ".join(f"field '{p.field}': {p.message}" for p in problems))
        if film.language in film.subtitles and not force:
            skipped.append(f"{film.id}: has {film.language} subtitles ({film.subtitles[film.language].name}); "
                           "nothing to do (--force transcribes it anyway)")
            continue
        vtt = vtt_path(settings, film, film.language)
        targets.append(Target(cutlist.path, film, film.language, vtt, words_path(vtt)))
    return targets, skipped


# --- the work folder of one film: decoded audio, the plan of pieces, each piece when done -------


class WorkFolder:
    """`.catalogue/transcribe/<film>.<lang>/`: what survives an interruption."""

    def __init__(self, settings: Settings, target: Target, key: str) -> None:
        self.path = settings.state_dir / "transcribe" / target.name
        self.key = key
        try:
            state = json.loads((self.path / "job.json").read_text("utf-8"))
        except (OSError, ValueError):
            state = None
        if not isinstance(state, dict) or state.get("key") != key:
            shutil.rmtree(self.path, ignore_errors=True)  # another film, model or recipe: start over
        self.path.mkdir(parents=True, exist_ok=True)
        write_text_atomic(self.path / "job.json", json.dumps({"key": key}))

    @property
    def audio(self) -> Path:
        return self.path / "audio.f32"

    def piece(self, index: int) -> Path:
        return self.path / f"piece-{index:04d}.json"

    def plan(self) -> list[tuple[int, int]] | None:
        try:
            return [(int(a), int(b)) for a, b in json.loads((self.path / "pieces.json").read_text("utf-8"))]
        except (OSError, ValueError, TypeError):
            return None

    def save_plan(self, pieces: list[tuple[int, int]]) -> None:
        write_text_atomic(self.path / "pieces.json", json.dumps(pieces))

    def load_piece(self, index: int) -> tuple[list[Word], list[Dropped]] | None:
        try:
            data = json.loads(self.piece(index).read_text("utf-8"))
            return [Word(**w) for w in data["words"]], [Dropped(**d) for d in data["dropped"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # not done, or damaged: do it again

    def save_piece(self, index: int, words: list[Word], dropped: list[Dropped]) -> None:
        data = {"words": [asdict(w) for w in words], "dropped": [asdict(d) for d in dropped]}
        write_text_atomic(self.piece(index), json.dumps(data, ensure_ascii=False))

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def job_key(target: Target, model: ModelFolder) -> str:
    source = file_identity(target.film.video_path)
    data = {"film": source, "lang": target.lang, "model": model.identity, "recipe": _RECIPE,
            "options": WHISPER_OPTIONS, "piece_ms": PIECE_MS}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


# --- audio --------------------------------------------------------------------------------


def audio_args(source: Path, dest: Path) -> list[str]:
    """Decode the first audio stream to 16 kHz mono float32, in film time: `first_pts=0` pads
    the start when the audio begins after the film does (an edit list, a late stream), which
    would otherwise make every cue early."""
    return ["-hide_banner", "-nostdin", "-v", "error", "-progress", "pipe:1", "-nostats",
            "-i", file_arg(source), "-map", "0:a:0", "-vn", "-sn", "-dn",
            "-af", "aresample=async=1:first_pts=0", "-ac", "1", "-ar", str(SAMPLE_RATE),
            "-c:a", "pcm_f32le", "-f", "f32le", "-y", file_arg(dest)]


class AudioFile:
    """Float32 samples in a file, read a slice at a time (`audio[lo:hi]`): a memory map would
    count every page read towards the process's memory, 230 MB an hour of film."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = path.stat().st_size // 4

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, span: slice) -> Any:
        import numpy as np

        lo, hi, _ = span.indices(self.count)
        return np.fromfile(self.path, dtype=np.float32, count=max(0, hi - lo), offset=lo * 4)


def decode_audio(target: Target, info: MediaInfo, work: WorkFolder, listener: TranscribeListener) -> AudioFile:
    """The film's audio as 16 kHz float32 samples in a file (decoded once per film version)."""
    if not work.audio.is_file():
        listener.say(f"{target.name}: reading the audio ({info.duration_ms / 60_000:.0f} min)")
        with atomic_path(work.audio) as tmp:
            run_ffmpeg(audio_args(target.film.video_path, tmp), about=target.film.video_path)
    audio = AudioFile(work.audio)
    if len(audio) < SAMPLE_RATE // 10:
        raise TranscribeError(f"{target.film.video_path}: the audio stream holds no sound to transcribe")
    return audio


def peak(samples: Any, block: int = SAMPLE_RATE * 60) -> float:
    """The largest absolute sample, read a minute at a time (the map may hold hours)."""
    import numpy as np

    return max((float(np.abs(samples[i:i + block]).max()) for i in range(0, len(samples), block)), default=0.0)


def plan_pieces(total: int, piece: int, search: int, find_cut: Any) -> list[tuple[int, int]]:
    """Split [0, total) samples into pieces of about `piece`; each ends where `find_cut(lo, hi)`
    says (a pause in the last `search` samples before the target), the last one at `total`."""
    pieces, start = [], 0
    while total - start > piece + search // 2:
        hi = start + piece
        cut = min(max(int(find_cut(max(start + 1, hi - search), hi)), start + 1), hi)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, total))
    return pieces


def speech_spans(samples: Any, pad_ms: int = 100) -> list[tuple[int, int]]:
    """Where someone speaks in `samples` (Silero voice activity, as faster-whisper ships it):
    (start, end) in samples, each widened by `pad_ms`."""
    import numpy as np
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    found = get_speech_timestamps(np.asarray(samples, dtype=np.float32),
                                  VadOptions(min_silence_duration_ms=300, speech_pad_ms=pad_ms))
    return [(int(s["start"]), int(s["end"])) for s in found]


def quietest_cut(samples: Any, lo: int, hi: int) -> int:
    """The middle of the longest stretch without speech in [lo, hi) (Silero VAD), else of its
    quietest 100 ms."""
    import numpy as np

    window = np.array(samples[lo:hi], dtype=np.float32)
    edges = [0, *[x for span in speech_spans(window) for x in span], len(window)]
    gaps = [(edges[i + 1] - edges[i], edges[i]) for i in range(0, len(edges), 2)]
    length, at = max(gaps)
    if length >= SAMPLE_RATE // 5:
        return lo + at + length // 2
    frame = SAMPLE_RATE // 10
    energy = [float(np.square(window[i:i + frame]).mean()) for i in range(0, len(window) - frame + 1, frame)]
    return lo + (int(np.argmin(energy)) * frame + frame // 2 if energy else len(window) // 2)


# --- recognition ---------------------------------------------------------------------------


def recognise(model: Any, samples: Any, offset_ms: int, lang: str,
              on_progress: Any) -> Iterator[Segment]:
    """Whisper's segments for a piece of audio, in film time."""
    segments, _info = model.transcribe(samples, language=lang, **WHISPER_OPTIONS)
    for seg in segments:
        words = tuple(Word(w.word.strip(), offset_ms + round(w.start * 1000), offset_ms + round(w.end * 1000),
                           round(float(w.probability), 3)) for w in (seg.words or ()) if w.word.strip())
        on_progress(offset_ms + round(seg.end * 1000))
        yield Segment(offset_ms + round(seg.start * 1000), offset_ms + round(seg.end * 1000), seg.text, words,
                      float(seg.avg_logprob), float(seg.no_speech_prob), float(seg.compression_ratio))


def language_warning(model: Any, samples: Any, lang: str) -> str:
    """A warning when the speech does not sound like `lang` (Whisper's language detection)."""
    detected, probability, ranked = model.detect_language(samples, vad_filter=True)
    own = dict(ranked).get(lang, 0.0)
    if detected != lang and probability > 0.5 and own < 0.2:
        return (f"the speech sounds like '{detected}' ({probability:.0%}), not '{lang}' ({own:.0%}): "
                "check the film's `language` in the cut list")
    return ""


def transcribe_film(settings: Settings, target: Target, model: ModelFolder, load: Callable[[], Any],
                    listener: TranscribeListener, *, force: bool) -> Outcome:
    """Transcribe one film and record the result; resumes a run that was interrupted.
    `load()` gives the loaded model: called only once there is audio to recognise."""
    began = time.monotonic()
    outcome = Outcome(target)
    _check_target_free(settings, target, force)
    info = probe_cached(target.film.video_path, settings.probe_dir)
    if info.audio is None:
        raise TranscribeError(f"{target.film.video_path}: no audio stream: there is no speech to transcribe")
    work = WorkFolder(settings, target, job_key(target, model))
    samples = decode_audio(target, info, work, listener)
    level = peak(samples)
    if level < SILENT_PEAK:
        raise TranscribeError(f"{target.film.video_path}: the audio is silent (peak "
                              f"{_dbfs(level)}): there is no speech to transcribe")
    pieces = work.plan()
    if pieces is None:
        pieces = plan_pieces(len(samples), PIECE_MS * SAMPLE_RATE // 1000, PIECE_SEARCH_MS * SAMPLE_RATE // 1000,
                             lambda lo, hi: quietest_cut(samples, lo, hi))
        work.save_plan(pieces)
    total_ms = len(samples) * 1000 // SAMPLE_RATE
    outcome.audio_ms = total_ms
    listener.start(target, total_ms)
    words: list[Word] = []
    checked_language = False
    for index, (lo, hi) in enumerate(pieces):
        done = work.load_piece(index)
        if done is None:
            audio = samples[lo:hi]
            if not checked_language and peak(audio) >= SILENT_PEAK:
                warning = language_warning(load(), audio, target.lang)
                checked_language = True
                if warning:
                    outcome.warnings.append(warning)
                    listener.say(f"{target.name}: warning: {warning}")
            offset_ms = lo * 1000 // SAMPLE_RATE
            kept, dropped = judge(recognise(load(), audio, offset_ms, target.lang, listener.progress))
            spans = [(offset_ms + a * 1000 // SAMPLE_RATE, offset_ms + b * 1000 // SAMPLE_RATE)
                     for a, b in speech_spans(audio, SNAP_PAD_MS)]
            done = snap_to_speech(kept, spans), dropped
            work.save_piece(index, *done)
        else:
            checked_language = True  # checked when this piece was made
        words.extend(done[0])
        outcome.dropped.extend(done[1])
        listener.progress(hi * 1000 // SAMPLE_RATE)
    if not words:
        raise TranscribeError(f"{target.film.video_path}: no speech found in {total_ms / 1000:.0f} s of audio "
                              "(music, noise or silence only?): nothing written")
    _write_outputs(settings, target, model, info, words, outcome, force=force)
    work.remove()
    outcome.words = len(words)
    outcome.seconds = time.monotonic() - began
    return outcome


def _dbfs(level: float) -> str:
    import math

    return "−∞ dBFS" if level <= 0 else f"{20 * math.log10(level):.0f} dBFS"


# --- writing -------------------------------------------------------------------------------


def _record_path(settings: Settings, target: Target) -> Path:
    return settings.state_dir / "transcribe" / f"{target.name}.written.json"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ours_untouched(settings: Settings, target: Target) -> bool:
    """The target is the file this tool wrote, unchanged since (an interrupted run's)."""
    try:
        record = json.loads(_record_path(settings, target).read_text("utf-8"))
        return bool(record.get("sha256") == _sha256(target.vtt))
    except (OSError, ValueError, AttributeError):
        return False


def _check_target_free(settings: Settings, target: Target, force: bool) -> None:
    if target.vtt.exists() and not force and not _ours_untouched(settings, target):
        rel = os.path.relpath(target.vtt, target.cutlist.parent)
        raise TranscribeError(f"{target.vtt} already exists: left alone. If it is this film's transcript, add it "
                              f"to {target.cutlist.name} ([film.subtitles] {target.lang} = \"{rel}\"); to replace "
                              "it, run with --force (the old file is kept as a backup beside it)")


def vtt_note(model: ModelFolder, day: str) -> str:
    """The NOTE that says who made the transcript (kept in the file whoever edits it)."""
    return (f"Machine-made transcript: {model.name} (faster-whisper, on this computer), {day}, "
            f"catalogue {__version__}.\nNot reviewed by a person when written: it is a draft. The cut list's "
            "`reviewed` field says\nwhether an editor has checked it since.")


def _write_outputs(settings: Settings, target: Target, model: ModelFolder, info: MediaInfo,
                   words: list[Word], outcome: Outcome, *, force: bool) -> None:
    from catalogue.cutlist import set_subtitles

    fps = info.video.fps if info.video and info.video.fps > 0 else 25.0
    cues = plan_cues(words, frame_ms=max(1, round(1000 / fps)))
    outcome.cues = len(cues)
    text = format_vtt(cues, note=vtt_note(model, time.strftime("%Y-%m-%d")))
    _check_target_free(settings, target, force)  # again: the editor had the whole run to make one
    if target.vtt.exists() and not _ours_untouched(settings, target):
        outcome.backup = keep_backup(target.vtt)
    words_data = {"format": 1, "film": target.film.id, "language": target.lang, "made_by": model.name,
                  "words": [asdict(w) for w in words],
                  "dropped": [asdict(d) for d in outcome.dropped]}
    write_text_atomic(target.words, json.dumps(words_data, ensure_ascii=False, indent=0))
    write_text_atomic(target.vtt, text)
    write_text_atomic(_record_path(settings, target), json.dumps({"sha256": _sha256(target.vtt)}))
    rel = os.path.relpath(target.vtt, target.cutlist.parent)
    outcome.cutlist_backup = set_subtitles(target.cutlist, target.lang, Path(rel).as_posix(),
                                           made_by=model.name, reviewed=False,
                                           expected=target.cutlist.read_bytes())
