"""Benchmark `catalogue cut` against the naive way of cutting clips, all variants in one run.

Generates a 1080p 25 fps H.264/AAC film (ffmpeg's testsrc2 + sine, a keyframe every 10 s like a
typical master), a catalogue root around it (cut list with N clips that do not start on
keyframes, a small Dutch VTT), then times, each through the real CLI in a subprocess (Python
start-up included, as users run it):

  rendition        the film's web rendition alone (the one encode `cut` makes per film version;
                   timed by running the very ffmpeg command `cut` runs for it)
  exact, together  `cut` on an empty root: rendition, film tracks and every clip, smart (-j1)
  exact -j1 / -j2  `cut --only …` with the rendition current: every clip the smart way (edges
                   re-encoded, whole GOPs copied)
  rerun            the same command again: should start no ffmpeg
  edges kept       the same with --force: every clip again, its re-encoded edges already known
  exact-full -j1   `cut --mode exact-full --only …`: every clip re-encoded whole (before issue 11)
  copy             `cut --mode copy --only …`: stream copy from the keyframe before start
  out-point        a 3-minute clip's end moved by one second, then `cut` (everything else current)

and the adaptive ladder (issue 21): the film's whole ladder encoded in its one ffmpeg run (decode
once, split, an x264 per rung) against real time (the film's length) and against one ffmpeg per rung
(the baseline: each decodes the rendition again), wall and CPU seconds; and, from one `cut --jobs 1`
of the clips with the film's ladder current, what each clip's rungs cost beside its MP4 (the
per-step times `cut` prints).

against the baseline: one ffmpeg per clip, sequentially, seeking AFTER the input
(`-i film -ss START -t DUR`, decoding everything before START) with the same encoder settings
(catalogue.cutting.rendition.ENCODER). The clip variants use `--only` for every clip so that, like the
baseline, they exclude the film job; they do make a poster and VTT per clip, which the baseline
does not. Before each clip variant, the clips' outputs and records are deleted (the rendition and
its record are kept); the exact-full and copy variants also start without a probe cache.

Then the quality of the smart clips: each decoded frame against the same frame of the exact-full
clip (PSNR, dB; frame counts must match).

Prints a Markdown table: wall time and ratio = baseline time / variant time (>1 is faster). No
assertions: times depend on the machine.

    .venv/bin/python scripts/bench_cut.py                      # 3 min film, 6 clips of 20 s
    .venv/bin/python scripts/bench_cut.py --minutes 1 --clips 3 --clip-seconds 8 --keep /tmp/bench
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import re
import resource

from catalogue.cutting.jobs import encode_args
from catalogue.cutting.ladder import ladder_args, plan_ladder, rung_args
from catalogue.media.runner import probe, run_ffmpeg
from catalogue.cutting import ENCODER
from catalogue.media.runner import ffmpeg_exe
from catalogue.model import Cue
from catalogue.subtitles import format_vtt
from catalogue.timecode import format_seconds, format_timecode

OFFSET_MS = 3_370  # clip starts sit this far past a multiple of the spacing: not on a keyframe
OUTPUTS = ("media/clips", "media/films", "transcripts/clips", "transcripts/films", ".catalogue")
CLIP_OUTPUTS = ("media/clips", "transcripts/clips", ".catalogue/build/media/clips", ".catalogue/build/transcripts/clips",
                ".catalogue/renditions/edges")  # the kept edges too: a first cut of each clip


def timed(argv: list[str]) -> tuple[float, str]:
    """Wall time of one command, and the last line it printed; stops the benchmark if it fails."""
    began = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if done.returncode:
        sys.exit(f"failed ({done.returncode}): {' '.join(argv)}\n{done.stdout}{done.stderr}")
    return seconds, (done.stdout.strip().splitlines() or [""])[-1]


def make_film(dest: Path, seconds: int) -> float:
    return timed([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
           "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=25:duration={seconds}",
           "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
           "-c:v", "libx264", "-preset", "veryfast", "-g", "250", "-pix_fmt", "yuv420p",
           "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-movflags", "+faststart", str(dest)])[0]


def write_root(root: Path, starts_ms: list[int], clip_ms: int, long_clip: tuple[int, int]) -> list[str]:
    """media/film.mp4 is already there; add the subtitles and the cut list (the N clips, and one
    long clip `lang` from long_clip[0] to long_clip[1] ms). Returns the N clip ids."""
    (root / "transcripts").mkdir(parents=True, exist_ok=True)
    cues = [Cue(s + 1_630, s + 4_630, f"Fragment {n}: zo vonden we onze buddy's.") for n, s in enumerate(starts_ms, 1)]
    (root / "transcripts/film.nl.vtt").write_text(format_vtt(cues), encoding="utf-8")
    ids = [f"clip-{n}" for n in range(1, len(starts_ms) + 1)]
    toml = ['[film]', 'id = "film"', 'title = "Benchmark film"', 'video = "film.mp4"', 'language = "nl"', '',
            '[film.subtitles]', 'nl = "../transcripts/film.nl.vtt"', '',
            '[[theme]]', 'id = "bench"', 'title = "Benchmark"']
    for clip_id, start in zip(ids, starts_ms):
        toml += ['', '[[clip]]', f'id = "{clip_id}"', f'title = "Clip {clip_id[5:]}"', 'themes = ["bench"]',
                 f'start = "{format_timecode(start)}"', f'end = "{format_timecode(start + clip_ms)}"']
    toml += ['', '[[clip]]', 'id = "lang"', 'title = "Lange clip"', 'themes = ["bench"]',
             f'start = "{format_timecode(long_clip[0])}"', f'end = "{format_timecode(long_clip[1])}"']
    (root / "media/film.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    return ids


def clear_outputs(root: Path, names: tuple[str, ...] = OUTPUTS) -> None:
    for name in names:
        shutil.rmtree(root / name, ignore_errors=True)


def min_psnr(a: Path, b: Path, work: Path) -> tuple[float, int, int]:
    """The lowest per-frame PSNR (dB) of `a` against `b`, frame n against frame n; and both frame counts."""
    log = work / "psnr.log"
    timed([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(a), "-i", str(b), "-lavfi",
           f"[0:v]setpts=N[x];[1:v]setpts=N[y];[x][y]psnr=stats_file={log}", "-f", "null", "-"])
    values = [float(part.split(":")[1]) for line in log.read_text().splitlines()
              for part in line.split() if part.startswith("psnr_avg:")]
    count = lambda p: round(probe(p).duration_ms * 25 / 1000)  # noqa: E731 (25 fps film)
    return min(values), count(a), count(b)


def naive_args(film: Path, dest: Path, start_ms: int, clip_ms: int) -> list[str]:
    """The baseline: seek after the input (decode from 0 and drop), same encoder as the catalogue."""
    encoder = [str(part) for key, value in ENCODER.items() for part in (f"-{key}", value)]
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", str(film),
            "-ss", format_seconds(start_ms), "-t", format_seconds(clip_ms), *encoder, str(dest)]


def bench(work: Path, args: argparse.Namespace) -> None:
    root, film_s, clip_ms = work / "root", round(args.minutes * 60), round(args.clip_seconds * 1000)
    spacing_ms = film_s * 1000 // args.clips
    starts = [k * spacing_ms + OFFSET_MS for k in range(args.clips)]
    # nearly 3 minutes; its end, moved by a second later on, lands inside a GOP: a new tail to encode
    long_clip = (370, min(film_s * 1000 - 1630, 178_370))
    (root / "media").mkdir(parents=True, exist_ok=True)
    film = root / "media/film.mp4"
    generation_s = make_film(film, film_s)
    ids = write_root(root, starts, clip_ms, long_clip)

    version = subprocess.run([ffmpeg_exe(), "-version"], capture_output=True, text=True).stdout.splitlines()[0]
    print(f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {version}")
    print(f"film: {film_s} s 1080p25 H.264/AAC, keyframe every 10 s ({film.stat().st_size / 1e6:.0f} MB), "
          f"generated in {generation_s:.1f} s (not compared)")
    print(f"clips: {args.clips} × {args.clip_seconds:g} s, starts "
          f"{', '.join(format_seconds(s) for s in starts)} s; work folder {work}\n", flush=True)

    cli = [sys.executable, "-m", "catalogue", "--root", str(root), "cut"]
    only = [part for clip_id in ids for part in ("--only", clip_id)]
    rows: list[tuple[str, float, str]] = []

    def run(name: str, argv: list[str], clear: tuple[str, ...] = CLIP_OUTPUTS) -> float:
        clear_outputs(root, clear)
        seconds, said = timed(argv)
        rows.append((name, seconds, said))
        print(f"  {name}: {seconds:.2f} s  {said}", flush=True)
        return seconds

    naive_dir = work / "naive"
    naive_dir.mkdir(exist_ok=True)
    began = time.perf_counter()
    for clip_id, start in zip(ids, starts):
        timed(naive_args(film, naive_dir / f"{clip_id}.mp4", start, clip_ms))
    baseline = time.perf_counter() - began
    rows.append(("naive ffmpeg, `-i film -ss` per clip (baseline)", baseline, f"{len(ids)} clips"))
    print(f"  baseline: {baseline:.2f} s", flush=True)

    info = probe(film)
    began = time.perf_counter()
    run_ffmpeg(encode_args(film, work / "rendition.mp4", info, 0, None), about=film)
    rendition_s = time.perf_counter() - began
    rows.append(("rendition alone (the film encoded once per film version)", rendition_s, "1 film"))
    print(f"  rendition: {rendition_s:.2f} s", flush=True)
    together = run("exact, together: `cut` on an empty root (rendition + film tracks + clips)",
                   [*cli, "--jobs", "1"], clear=OUTPUTS)
    rows[-1] = (rows[-1][0], together, rows[-1][2] + " (incl. the 3-min clip)")
    smart = run("`cut --jobs 1` exact (smart), rendition current", [*cli, "--jobs", "1", *only])
    run("`cut --jobs 2` exact (smart), rendition current", [*cli, "--jobs", "2", *only])
    run("unchanged rerun of `--jobs 2`", [*cli, "--jobs", "2", *only], clear=())
    run("`cut --jobs 1 --force` exact (smart), edges kept from before", [*cli, "--jobs", "1", "--force", *only],
        clear=())
    smart_dir = work / "smart"
    shutil.rmtree(smart_dir, ignore_errors=True)
    shutil.copytree(root / "media/clips", smart_dir)
    run("`cut --jobs 1 --mode exact-full` (whole clips re-encoded)", [*cli, "--jobs", "1", "--mode", "exact-full", *only])
    quality = [min_psnr(smart_dir / f"{clip_id}.mp4", root / "media/clips" / f"{clip_id}.mp4", work) for clip_id in ids]
    run("`cut --mode copy`", [*cli, "--mode", "copy", *only], clear=(*CLIP_OUTPUTS, ".catalogue/probe"))

    cutlist = root / "media/film.toml"
    timed([*cli, "--jobs", "1"])  # everything current again (exact)
    moved = format_timecode(long_clip[1] + 1000)
    cutlist.write_text(cutlist.read_text().replace(f'end = "{format_timecode(long_clip[1])}"', f'end = "{moved}"'))
    run(f"out-point of the {(long_clip[1] - long_clip[0]) / 60000:.1f}-min clip moved by 1 s, then `cut`",
        [*cli, "--jobs", "1"], clear=())

    print()
    print("| variant | wall time (s) | ratio vs baseline | `cut` says |")
    print("|---|---:|---:|---|")
    for name, seconds, said in rows:
        absolute = name.startswith(("unchanged", "out-point", "rendition", "exact, together")) or "kept" in name
        ratio = "— (absolute time)" if absolute else f"{baseline / seconds:.2f}×"
        print(f"| {name} | {seconds:.2f} | {ratio} | {said} |")
    print(f"\nsmart clips alone: {baseline / smart:.1f}× the baseline; with the rendition's encode counted "
          f"({rendition_s:.1f} s + {smart:.1f} s): {baseline / (rendition_s + smart):.1f}×")
    worst = min(q[0] for q in quality)
    frames = ", ".join(f"{a}/{b}" for _, a, b in quality)
    print(f"smart vs exact-full, every frame: lowest PSNR {worst:.1f} dB; frames (smart/full) {frames}")
    bench_ladder(work, root, film_s, cli, only)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_ladder(work: Path, root: Path, film_s: int, cli: list[str], only: list[str]) -> None:
    """The film's ladder in one run vs real time and vs one ffmpeg per rung; a clip's rungs vs its MP4."""
    rendition = root / "media/films/film.mp4"
    info = probe(rendition)
    assert info.video is not None
    rungs = plan_ladder(info.video.width, info.video.height)
    out = work / "ladder"
    out.mkdir(exist_ok=True)
    began, cpu = time.perf_counter(), cpu_seconds()
    run_ffmpeg(ladder_args(rendition, rungs, [out / f"{s.name}.mp4" for s in rungs], info.audio is not None),
               about=rendition)
    one_run, one_cpu = time.perf_counter() - began, cpu_seconds() - cpu
    began, cpu = time.perf_counter(), cpu_seconds()
    for sized in rungs:  # the baseline: a run per rung, each decoding the rendition again
        run_ffmpeg(rung_args(rendition, out / f"alone-{sized.name}.mp4", sized, info.audio is not None, 0,
                             info.duration_ms), about=rendition)
    apart, apart_cpu = time.perf_counter() - began, cpu_seconds() - cpu
    names = ", ".join(f"{s.name} {s.rung.preset}" for s in rungs)
    print(f"\nladder of the {film_s} s film ({names}):")
    print("| encode | wall (s) | × real time | CPU (s) | vs a run per rung |")
    print("|---|---:|---:|---:|---:|")
    print(f"| one ffmpeg run, every rung | {one_run:.1f} | {film_s / one_run:.2f}× | {one_cpu:.1f} | {apart / one_run:.2f}× |")
    print(f"| one ffmpeg run per rung (baseline) | {apart:.1f} | {film_s / apart:.2f}× | {apart_cpu:.1f} | 1.00× |")
    clip_ladders(root, cli, only, len(rungs))


def clip_ladders(root: Path, cli: list[str], only: list[str], rung_count: int) -> None:
    """What the clips' ladders cost beside their MP4s, from the step times of one `cut --jobs 1`."""
    clear_outputs(root, (*CLIP_OUTPUTS, "media/hls/clips", ".catalogue/build/media/hls/clips"))
    done = subprocess.run([*cli, "--jobs", "1", *only], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"cut failed: {done.stderr}")
    steps = [(name, float(s)) for name, s in re.findall(r"wrote (\S+) \(([\d.]+) s\)", done.stderr)]
    mp4 = sum(s for name, s in steps if name.startswith("clip-") and name.endswith(".mp4"))
    ladder = sum(s for name, s in steps if re.fullmatch(r"\d+p\.(mp4|m3u8)|master\.m3u8", name))
    print(f"\nthe clips' ladders ({rung_count} rungs each, cut the smart way from the film's rungs), one `cut --jobs 1`:")
    print("| outputs of the clips | seconds | vs their MP4s |")
    print("|---|---:|---:|")
    print(f"| MP4s (smart: edges re-encoded, GOPs copied) | {mp4:.2f} | 1.00× |")
    print(f"| ladders: {rung_count} rungs and playlists each | {ladder:.2f} | {ladder / mp4:.2f}× "
          f"({ladder / mp4 / rung_count:.2f}× a rung) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3, help="film length (default 3)")
    parser.add_argument("--clips", type=int, default=6, help="number of clips, evenly spread (default 6)")
    parser.add_argument("--clip-seconds", type=float, default=20, help="length of each clip (default 20)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep it (default: a temp folder)")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        bench(args.keep.resolve(), args)
    else:
        with tempfile.TemporaryDirectory(prefix="bench_cut-") as work:
            bench(Path(work), args)


if __name__ == "__main__":
    main()
