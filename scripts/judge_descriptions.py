"""A judged check of the spoken audio descriptions: can a listener make out each description in the
described version? In one run.

The judged collection is tests/data/descriptions_judged.tsv: realistic Dutch descriptions for this film
(name titles, what is on a flip chart, who nods, places), written down before any synthesis ran; the
answer a listener wants is each description's own text. A programme clip is made with a sound bed of
music and pink noise at about -20 dBFS (scripts/speechfilm.py), one description cue per item with room
for it, and its described version built the way `catalogue cut` builds it (catalogue.cutting.described:
the voice placed at the cue, the programme ducked by 12 dB under it). The project's own Whisper base
(faster-whisper, int8, beam 5, Dutch) then transcribes what is heard in each description's window, and
the word error rate against the text (scripts/speechfilm.py's normalise and word_errors) is reported for:

  baseline    Debian's `espeak-ng -v nl` program, its own WAV of the text, clean (nobody here wrote it)
  ours        the described version with each voice engine catalogue can use (the program; the library
              from the espeakng-loader wheel, what a pip-only install speaks with), ducked as shipped
  no ducking  the same mix with the programme left at full level (what ducking buys)

A WER near the baseline's means the mix costs the listener nothing the voice itself does not; the
voice's own WER (espeak-ng's Dutch through Whisper base is poor: about 3 words in 4 wrong, see
docs/benchmarks.md) is the ceiling of what any mix of it can reach. Prints a Markdown table and each
item's transcripts; no assertions.

    .venv/bin/python scripts/judge_descriptions.py
    .venv/bin/python scripts/judge_descriptions.py --keep /tmp/judge     # keep the media
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import speechfilm as sf  # noqa: E402

from catalogue.cutlist import VoiceSettings  # noqa: E402
from catalogue.cutting import described  # noqa: E402
from catalogue.cutting.voice import VoiceError, find_voice, speak  # noqa: E402
from catalogue.media import run_ffmpeg  # noqa: E402
from catalogue.media.runner import ffmpeg_exe  # noqa: E402
from catalogue.model import Cue  # noqa: E402
from catalogue.transcribe import load_model, model_folder  # noqa: E402

COLLECTION = Path(__file__).resolve().parent.parent / "tests" / "data" / "descriptions_judged.tsv"
GAP_MS = 2000


def read_collection(path: Path = COLLECTION) -> list[tuple[str, str]]:
    rows = [line.split("\t", 1) for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    return [(name, text.strip()) for name, text in rows]


def plan_cues(texts: list[str]) -> tuple[list[Cue], int]:
    """One cue per description with room to say it (about 12 characters a second), GAP_MS apart."""
    cues, at = [], GAP_MS
    for text in texts:
        length = max(2500, len(text) * 1000 // 12 + 800)
        cues.append(Cue(at, at + length, text))
        at += length + GAP_MS
    return cues, at


def make_programme(work: Path, duration_ms: int) -> Path:
    """A 320x180 clip whose sound is a bed of music and pink noise (about -20 dBFS), like a film's pause."""
    rng = random.Random(7)
    samples = duration_ms * sf.SAMPLES_PER_MS
    sf.write_wav(work / "bed.wav", sf.music(0, samples, rng, 0.07) + sf.pink_noise(samples, rng, 0.03))
    clip = work / "programme.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=s=320x180:r=25:d={duration_ms / 1000}", "-i", str(work / "bed.wav"),
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2",
                    "-ar", "48000", "-shortest", str(clip)], check=True)
    return clip


def described_version(work: Path, clip: Path, cues: list[Cue], duration_ms: int, engine: str,
                      duck: float) -> tuple[Path, described.DescribedPlan]:
    """The described version as `cut` makes it (with DUCK_GAIN set to `duck` for the comparison)."""
    voice = find_voice(VoiceSettings(engine=engine))
    speeches = [speak(voice, cue.plain) for cue in cues]
    plan = described.plan_described(cues, [s.duration_ms for s in speeches], duration_ms, 25.0)
    track = work / f"voice-{engine}.wav"
    described.write_voice_track(track, plan, [s.pcm for s in speeches], speeches[0].sample_rate)
    out = work / f"described-{engine}-{duck}.mp4"
    shipped, described.DUCK_GAIN = described.DUCK_GAIN, duck
    try:
        args = described.described_args(clip, track, plan, out, fps=25.0, has_audio=True, source_ms=duration_ms,
                                        graph_file=work / "graph.txt")
    finally:
        described.DUCK_GAIN = shipped
    run_ffmpeg(args, about=clip)
    return out, plan


def window(media: Path, start_ms: int, end_ms: int, dest: Path) -> Path:
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-ss", f"{start_ms / 1000:.3f}", "-t",
                    f"{(end_ms - start_ms) / 1000:.3f}", "-i", str(media), "-ac", "1", "-ar", "16000", str(dest)],
                   check=True)
    return dest


def wav_ms(path: Path) -> int:
    with wave.open(str(path)) as handle:
        return handle.getnframes() * 1000 // handle.getframerate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the media in this folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="judge-descriptions-"))
    work.mkdir(parents=True, exist_ok=True)
    items = read_collection()
    cues, duration_ms = plan_cues([text for _, text in items])
    clip = make_programme(work, duration_ms)
    model = load_model(model_folder(None))

    def heard(path: Path) -> str:
        segments, _ = model.transcribe(str(path), language="nl", beam_size=5, vad_filter=False,
                                       condition_on_previous_text=False)
        return " ".join(s.text.strip() for s in segments)

    conditions: dict[str, list[str]] = {}
    durations: dict[str, int] = {}
    if shutil.which("espeak-ng"):
        texts = []
        for number, cue in enumerate(cues):
            wav = work / f"baseline-{number}.wav"
            subprocess.run(["espeak-ng", "-v", "nl", "-w", str(wav), cue.plain], check=True)
            durations["baseline"] = durations.get("baseline", 0) + wav_ms(wav)
            texts.append(heard(wav))
        conditions["baseline: Debian `espeak-ng -v nl`, its own WAV, clean"] = texts
    else:
        print("(no espeak-ng program: the baseline is left out; `make system` installs it)")
    for engine in ("program", "library"):
        try:
            find_voice(VoiceSettings(engine=engine))
        except VoiceError as exc:
            print(f"(engine {engine} left out: {exc})")
            continue
        for duck, name in ((described.DUCK_GAIN, "ours, ducked -12 dB"), (1.0, "no ducking")):
            media, plan = described_version(work, clip, cues, duration_ms, engine, duck)
            durations[engine] = sum(s.speech_ms for s in plan.spoken)
            conditions[f"{name}: {engine}"] = [
                heard(window(media, s.start_ms - 100, s.start_ms + s.speech_ms + 150, work / f"w-{engine}-{n}.wav"))
                for n, s in enumerate(plan.spoken)]
    print(f"\n{len(items)} descriptions, {sum(len(t) for _, t in items)} characters; programme bed at about -20 dBFS\n")
    print("| condition | words | errors | WER |\n|---|---|---|---|")
    for name, texts in conditions.items():
        counts = [sf.word_errors(cue.plain, text) for cue, text in zip(cues, texts)]
        errors, words = sum(e for e, _ in counts), sum(w for _, w in counts)
        print(f"| {name} | {words} | {errors} | {errors / words:.1%} |")
    chars = sum(len(cue.plain) for cue in cues)
    print("\nspeech: " + ", ".join(f"{k} {v / 1000:.1f} s ({chars * 1000 / v:.1f} characters/s)"
                                   for k, v in durations.items() if v))
    print("\n| description | " + " | ".join(conditions) + " |\n|---|" + "---|" * len(conditions))
    for number, cue in enumerate(cues):
        print(f"| {cue.plain} | " + " | ".join(texts[number] or "—" for texts in conditions.values()) + " |")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
