"""Benchmark `catalogue transcribe` against the way PeerTube transcribes, in one run.

Builds a long-form Dutch film (scripts/speechfilm.py: --count real utterances of one Flemish
speaker, pauses of 0.3-4 s with music, noise or silence between them, every onset known to the
ms; MP4, 320x180 H.264 + AAC), then runs on that same file and the same Whisper base folder
(CTranslate2, int8, CPU), each as a subprocess (Python start-up and model load included):

  catalogue   `catalogue --root R transcribe --model DIR` in a fresh root (cut list, no clips);
              reads R/transcripts/speechfilm.nl.vtt and .nl.words.json
  PeerTube    `whisper-ctranslate2 FILM --model_directory DIR --language nl --word_timestamps True
              --vad_filter true --vad_min_silence_duration_ms 5000 --compute_type int8 --device cpu
              --threads 2 --output_format all` (PeerTube asks for vtt; `all` adds the JSON with the
              word timings for 'words in gaps', a few ms of writing), HF_HUB_OFFLINE=1

and, as the reference point for accuracy, the model itself on the bare utterances: plain faster-whisper
(same folder, int8, 2 threads, beam 5, language nl, no VAD), in this process, on the same utterances
in the same order joined by 0.5 s of silence with no lead-in and no beds (`--bare joined`, the
default: what the pauses, music and noise cost) or on each corpus WAV alone (`--bare alone`: no
context, a 30 s window per utterance; slower, and worse than long-form here).

Columns: wall time; ratio = PeerTube wall / wall (>1 is faster); real-time factor = wall / film
duration; peak RSS = the largest sum of VmRSS over the process and its descendants, polled from
/proc every 50 ms (shared pages count once per process); WER of the VTT cue text against the
utterances' text, both through `speechfilm.normalise` (lowercase, no punctuation, numbers as Dutch
words; bare alone: edits summed over utterances / reference words); cues passing `lint_cues`; onset hits
(utterances after a pause >= 1 s with a cue starting within 0.5 s of the true onset); words in gaps
(recognised words whose midpoint is > 300 ms from every utterance). With --demo also the demo film
of `catalogue demo` (made with `catalogue.demo.generator.make_demo`, without the cutting the command goes on
to do; a tone over pink noise, nobody speaks): wall time, RTF and any text at all.

Prints Markdown tables and the targets, each met or not. No assertions: times depend on the machine
(and vary a lot: use --repeat to keep the best wall time of several runs).

    .venv/bin/python scripts/bench_transcribe.py                       # 60 utterances, ~5 min film
    .venv/bin/python scripts/bench_transcribe.py --count 20 --demo --keep /tmp/bt
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import speechfilm as sf  # noqa: E402
from catalogue.demo.generator import FILM_ID as DEMO_ID  # noqa: E402
from catalogue.demo import make_demo  # noqa: E402
from catalogue.media.runner import probe  # noqa: E402
from catalogue.model import Cue  # noqa: E402
from catalogue.settings import Settings  # noqa: E402
from catalogue.subtitles import read_cues  # noqa: E402

BIN = Path(sys.executable).parent
FILM_ID = "speechfilm"
THREADS = 2


def default_model_dir() -> Path:
    """Whisper base, assembled from its wheels as `catalogue transcribe` does by default."""
    from catalogue.transcribe import model_folder

    return model_folder(None).path


# ---------------------------------------------------------------- running and measuring

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(root: int) -> int:
    """Sum of VmRSS over `root` and all its descendants, now."""
    tree, todo, total = _children(), [root], 0
    while todo:
        pid = todo.pop()
        total += _rss_kb(pid)
        todo.extend(tree.get(pid, ()))
    return total


@dataclass(frozen=True)
class Run:
    wall_s: float
    peak_rss_mb: float
    output: str
    returncode: int = 0


def measured(argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
             accept: str | None = None) -> Run:
    """Run a command, timing it and polling its process tree's RSS; stop the bench if it fails,
    unless its output contains `accept`."""
    began = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=cwd)
    peak, lines = [0], list[str]()
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or ()), daemon=True)
    reader.start()
    while proc.poll() is None:
        peak[0] = max(peak[0], tree_rss_kb(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - began
    reader.join()
    output = "".join(lines)
    if proc.returncode and not (accept and accept in output):
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, argv))}\n{output[-3000:]}")
    return Run(wall, peak[0] / 1000, output, proc.returncode)


# ---------------------------------------------------------------- the two engines

@dataclass
class Result:
    name: str
    runs: list[Run] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    words: list[sf.Word] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return min(r.wall_s for r in self.runs)

    @property
    def peak_rss_mb(self) -> float:
        return max(r.peak_rss_mb for r in self.runs)


def write_root(root: Path, film: Path, film_id: str) -> None:
    (root / "media").mkdir(parents=True)
    os.link(film, root / "media" / film.name)
    (root / "media" / f"{film_id}.toml").write_text(
        f'[film]\nid = "{film_id}"\ntitle = "Speech film"\nvideo = "{film.name}"\nlanguage = "nl"\n', encoding="utf-8")


def run_catalogue(work: Path, film: Path, model: Path, film_id: str, result: Result) -> None:
    root = work / f"root-{film_id}-{len(result.runs) + 1}"
    write_root(root, film, film_id)
    exe = BIN / "catalogue"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "catalogue"]
    # on a film with no speech at all the catalogue writes nothing and says so (exit 1): no text, as it should
    result.runs.append(measured([*cli, "--root", str(root), "transcribe", "--model", str(model)],
                                accept="no speech found"))
    if result.runs[-1].returncode:
        result.cues, result.words = [], []
        return
    result.cues = read_cues(root / "transcripts" / f"{film_id}.nl.vtt")
    data = json.loads((root / "transcripts" / f"{film_id}.nl.words.json").read_text("utf-8"))
    result.words = [sf.Word(int(w["start_ms"]), int(w["end_ms"]), str(w["text"])) for w in data["words"]]


def peertube_args(film: Path, model: Path, out: Path) -> list[str]:
    return [str(BIN / "whisper-ctranslate2"), str(film), "--model_directory", str(model), "--local_files_only", "True",
            "--language", "nl", "--word_timestamps", "True", "--vad_filter", "true",
            "--vad_min_silence_duration_ms", "5000", "--output_format", "all", "--output_dir", str(out),
            "--compute_type", "int8", "--device", "cpu", "--threads", str(THREADS), "--verbose", "False"]


def run_peertube(work: Path, film: Path, model: Path, result: Result) -> None:
    out = work / f"peertube-{film.stem}-{len(result.runs) + 1}"
    out.mkdir(parents=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result.runs.append(measured(peertube_args(film, model, out), env=env, cwd=out))
    result.cues = read_cues(out / f"{film.stem}.vtt")
    data = json.loads((out / f"{film.stem}.json").read_text("utf-8"))
    result.words = [sf.Word(round(w["start"] * 1000), round(w["end"] * 1000), w["word"].strip())
                    for seg in data["segments"] for w in seg.get("words") or ()]


def bare_wer(work: Path, args: argparse.Namespace, model: Path) -> tuple[float, float]:
    """(WER, seconds): plain faster-whisper on the bare utterances, joined (one WAV with 0.5 s
    of silence between them) or alone (each WAV by itself; edits summed / reference words)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    from faster_whisper import WhisperModel

    began = time.perf_counter()
    whisper = WhisperModel(str(model), device="cpu", compute_type="int8", cpu_threads=THREADS, local_files_only=True)

    def text_of(wav: Path) -> str:
        segments, _ = whisper.transcribe(str(wav), language="nl", beam_size=5, vad_filter=False)
        return " ".join(s.text for s in segments)

    if args.bare == "joined":
        wav = work / "bare-utterances.wav"
        utterances = sf.make_bare_utterances(sf.SPEECH, wav, count=args.count, seed=args.seed)
        return sf.word_error_rate(" ".join(u.text for u in utterances), text_of(wav)), time.perf_counter() - began
    errors = words = 0
    for rec in sf.pick_recordings(sf.SPEECH, args.count, args.seed):
        e, n = sf.word_errors(rec.text, text_of(rec.wav))
        errors, words = errors + e, words + n
    return errors / words, time.perf_counter() - began


# ---------------------------------------------------------------- report

def hypothesis(cues: list[Cue]) -> str:
    return " ".join(c.plain.replace("\n", " ") for c in sorted(cues, key=lambda c: c.start_ms))


def nearest(utterances: list[sf.Utterance], word: sf.Timed) -> str:
    """Where a word in a gap lies between the utterances around it: a misplaced word or made-up text."""
    mid = (word.start_ms + word.end_ms) / 2
    after = min((mid - u.end_ms for u in utterances if u.end_ms <= mid), default=None)
    before = min((u.start_ms - mid for u in utterances if u.start_ms >= mid), default=None)
    parts = [f"{after / 1000:.1f} s after one" if after is not None else "",
             f"{before / 1000:.1f} s before the next" if before is not None else ""]
    return ", ".join(p for p in parts if p)


def speech_rows(results: list[Result], utterances: list[sf.Utterance], duration_s: float,
                bare: tuple[float, float] | None, bare_kind: str) -> tuple[list[str], dict[str, dict[str, float]]]:
    reference = " ".join(u.text for u in utterances)
    base = results[-1].wall_s
    lines = ["| engine | wall (s) | ratio vs PeerTube | RTF | peak RSS (MB) | WER | cues | cues passing lint "
             "| onset hits (pause ≥ 1 s, ±0.5 s) | words in gaps |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    scores: dict[str, dict[str, float]] = {}
    for r in results:
        wer = sf.word_error_rate(reference, hypothesis(r.cues))
        passed, n_cues = sf.lint_pass(r.cues)
        hits, targets = sf.onset_hits(utterances, r.cues)
        gaps = sf.text_in_gaps(utterances, r.words)
        scores[r.name] = {"wall": r.wall_s, "rtf": r.wall_s / duration_s, "rss": r.peak_rss_mb, "wer": wer,
                          "lint": passed / max(n_cues, 1), "onsets": hits / max(targets, 1), "gaps": len(gaps)}
        walls = "/".join(f"{run.wall_s:.1f}" for run in r.runs)
        lines.append(f"| {r.name} | {walls} | {base / r.wall_s:.2f}× | {r.wall_s / duration_s:.3f} | "
                     f"{r.peak_rss_mb:.0f} | {wer:.1%} | {n_cues} | {passed} ({passed / max(n_cues, 1):.0%}) | "
                     f"{hits}/{targets} ({hits / max(targets, 1):.0%}) | {len(gaps)} |")
        if gaps:
            shown = ", ".join(f"{w.start_ms / 1000:.1f} s {w.text!r} ({nearest(utterances, w)})" for w in gaps[:6])
            print(f"  {r.name}: words in gaps: {shown}{' …' if len(gaps) > 6 else ''}")
    if bare:
        how = "joined by 0.5 s of silence" if bare_kind == "joined" else "each alone"
        lines.append(f"| bare utterances, {how} (plain faster-whisper: the reference point) | {bare[1]:.1f} | — | — | — | "
                     f"{bare[0]:.1%} | — | — | — | — |")
    return lines, scores


def target_rows(scores: dict[str, dict[str, float]], bare: float | None) -> list[str]:
    cat, pt = scores["catalogue"], scores["PeerTube way"]
    targets = [
        ("speed ≥ the PeerTube way", f"{cat['wall']:.1f} s vs {pt['wall']:.1f} s", cat["wall"] <= pt["wall"]),
        ("WER no worse than the PeerTube way", f"{cat['wer']:.1%} vs {pt['wer']:.1%}", cat["wer"] <= pt["wer"]),
        ("RTF ≤ 0.33", f"{cat['rtf']:.3f}", cat["rtf"] <= 0.33),
        ("peak RSS < 1 GB", f"{cat['rss']:.0f} MB", cat["rss"] < 1000),
        ("≥ 90% onset hits", f"{cat['onsets']:.0%}", cat["onsets"] >= 0.9),
        ("no text in gaps", f"{cat['gaps']:.0f} words", cat["gaps"] == 0),
        ("≥ 95% cues pass lint", f"{cat['lint']:.0%}", cat["lint"] >= 0.95),
    ]
    if bare is not None:
        targets.insert(4, ("WER within 2 points of the bare utterances",
                           f"{cat['wer']:.1%} vs {bare:.1%} ({(cat['wer'] - bare) * 100:+.1f} points)",
                           cat["wer"] - bare <= 0.02))
    return ["| target (catalogue) | measured | met |", "|---|---|---|",
            *(f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in targets)]


def demo_rows(work: Path, model: Path, repeat: int) -> list[str]:
    # the film part of `catalogue demo` only: the command also cuts every clip (minutes, not compared)
    began = time.perf_counter()
    make_demo(Settings.from_env(work / "demo-root"))
    film = work / "demo-root" / "media" / "demo" / f"{DEMO_ID}.mp4"
    print(f"  demo film made in {time.perf_counter() - began:.1f} s (not compared)", flush=True)
    duration_s = probe(film).duration_ms / 1000
    cat, pt = Result("catalogue"), Result("PeerTube way")
    for _ in range(repeat):
        run_catalogue(work, film, model, "demofilm", cat)
        run_peertube(work, film, model, pt)
    lines = [f"demo film: {film.name}, {duration_s:.0f} s, a tone over pink noise (nobody speaks)", "",
             "| engine | wall (s) | ratio vs PeerTube | RTF | peak RSS (MB) | exit | cues | words (all in gaps) "
             "| first words |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in (cat, pt):
        text = " ".join(w.text for w in r.words[:8])
        lines.append(f"| {r.name} | {r.wall_s:.1f} | {pt.wall_s / r.wall_s:.2f}× | {r.wall_s / duration_s:.3f} | "
                     f"{r.peak_rss_mb:.0f} | {r.runs[-1].returncode} | {len(r.cues)} | {len(r.words)} | {text[:60]!s} |")
    return lines


def bench(work: Path, args: argparse.Namespace) -> None:
    model = args.model or default_model_dir()
    if not (model / "model.bin").is_file():
        sys.exit(f"no Whisper model in {model} (model.bin missing): pass --model DIR")
    film = work / f"{FILM_ID}.mp4"
    began = time.perf_counter()
    utterances = sf.make_speech_film(sf.SPEECH, film, count=args.count, seed=args.seed)
    made_s = time.perf_counter() - began
    duration_s = probe(film).duration_ms / 1000
    gaps_1s = sum(b.start_ms - a.end_ms >= 1000 for a, b in zip(utterances, utterances[1:]))
    print(f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}); model {model}; work {work}")
    print(f"film: {args.count} utterances (seed {args.seed}), {duration_s:.1f} s, speech "
          f"{sum(u.end_ms - u.start_ms for u in utterances) / 1000:.1f} s, {gaps_1s} pauses ≥ 1 s; "
          f"built in {made_s:.1f} s (not compared)\n", flush=True)

    cat, pt = Result("catalogue"), Result("PeerTube way")
    for k in range(args.repeat):
        run_catalogue(work, film, model, FILM_ID, cat)
        print(f"  catalogue run {k + 1}: {cat.runs[-1].wall_s:.1f} s, {cat.runs[-1].peak_rss_mb:.0f} MB", flush=True)
        run_peertube(work, film, model, pt)
        print(f"  PeerTube run {k + 1}: {pt.runs[-1].wall_s:.1f} s, {pt.runs[-1].peak_rss_mb:.0f} MB", flush=True)
    bare = None
    if args.bare != "none":
        bare = bare_wer(work, args, model)
        print(f"  bare utterances ({args.bare}): WER {bare[0]:.1%} in {bare[1]:.1f} s", flush=True)

    lines, scores = speech_rows([cat, pt], utterances, duration_s, bare, args.bare)
    print("\n" + "\n".join(lines) + "\n")
    print("\n".join(target_rows(scores, bare[0] if bare else None)))
    if args.demo:
        print("\n" + "\n".join(demo_rows(work, model, args.repeat)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=60, help="utterances in the film (default 60, ~5 min)")
    parser.add_argument("--seed", type=int, default=0, help="which utterances, pauses and beds (default 0)")
    parser.add_argument("--model", type=Path, metavar="DIR", help="CTranslate2 Whisper folder (default: the catalogue's)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per engine, best wall time kept (default 1)")
    parser.add_argument("--demo", action="store_true", help="also the `catalogue demo` film (wall time, RTF, text)")
    parser.add_argument("--bare", choices=("joined", "alone", "none"), default="joined",
                        help="the reference WER: plain faster-whisper on the utterances joined by 0.5 s of silence "
                             "(default), on each one alone (~4 s per utterance), or none")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep it (default: a temp folder)")
    args = parser.parse_args()
    if not (sf.SPEECH / "metadata.csv").is_file():
        print(f"skipped: the speech corpus is not there ({sf.SPEECH})")
        return
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        bench(args.keep.resolve(), args)
    else:
        with tempfile.TemporaryDirectory(prefix="bench_transcribe-") as work:
            bench(Path(work), args)


if __name__ == "__main__":
    main()
