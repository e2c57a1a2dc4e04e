"""Benchmark: redacting a person's appearances in a film's rendition (issue 19), against the naive way.

The film: a 720p, 25 fps moving test picture with sound, in the rendition's form (an IDR frame every
2 s, x264 veryfast, stitchable), MINUTES long. Two appearances of a few seconds each are redacted:

- catalogue's way (catalogue.cutting.redaction): re-encode only the GOPs that hold a range (the slate
  over the frames inside it), copy every other GOP, splice silent AAC packets into the sound;
- the naive way, the baseline: re-encode the whole film with the same settings, the slate overlaid
  and the sound muted inside the ranges.

Prints the time of each (best of REPEAT) and the ratio, and what the result keeps of the original:
video frames outside the re-encoded GOPs that decode bit for bit the same, sound packets unchanged.

    .venv/bin/python scripts/bench_redact.py [--minutes 3] [--repeat 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalogue.cutting import ENCODER, slate_png  # noqa: E402
from catalogue.cutting.redaction import plan_redaction, redact_rendition  # noqa: E402
from catalogue.cutting.rendition import read_rendition  # noqa: E402
from catalogue.media.runner import ffmpeg_exe  # noqa: E402

RANGES: list[tuple[int, int]] = []  # two appearances (ms): 4.8 s at a third of the film, 2.7 s at two thirds


def ffmpeg(*args: str) -> bytes:
    return subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", *args], check=True,
                          capture_output=True).stdout


def make_film(path: Path, minutes: float) -> None:
    seconds = int(minutes * 60)
    encoder = [str(part) for key, value in ENCODER.items() for part in (f"-{key}", value)]
    ffmpeg("-y", "-f", "lavfi", "-i", f"testsrc2=s=1280x720:r=25:d={seconds}",
           "-f", "lavfi", "-i", f"sine=f=440:b=3:r=48000:d={seconds}", *encoder, str(path))


def naive(film: Path, slate: Path, dest: Path) -> None:
    enable = "+".join(f"between(t,{a / 1000},{b / 1000})" for a, b in RANGES)
    encoder = [str(part) for key, value in ENCODER.items() for part in (f"-{key}", value)]
    ffmpeg("-y", "-i", str(film), "-loop", "1", "-i", str(slate), "-filter_complex",
           f"[0:v][1:v]overlay=enable='{enable}':shortest=1[v];[0:a]volume=0:enable='{enable}'[a]",
           "-map", "[v]", "-map", "[a]", *encoder, str(dest))


def best(repeat: int, action) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return min(times)


def frames(path: Path) -> list[str]:
    out = ffmpeg("-i", str(path), "-map", "0:v", "-f", "framemd5", "-").decode()
    return [line.rsplit(",", 1)[1].strip() for line in out.splitlines() if line and not line.startswith("#")]


def packets(path: Path) -> list[str]:
    out = ffmpeg("-i", str(path), "-map", "0:a", "-c", "copy", "-f", "framecrc", "-").decode()
    return [line.split(",", 2)[2] for line in out.splitlines() if line and not line.startswith("#")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    third = int(args.minutes * 20_000)
    RANGES[:] = [(third + 1_300, third + 6_100), (2 * third + 500, 2 * third + 3_200)]
    with tempfile.TemporaryDirectory(prefix="bench-redact-") as work_dir:
        work = Path(work_dir)
        film = work / "film.mp4"
        make_film(film, args.minutes)
        facts = read_rendition(film, "veryfast")
        assert facts is not None
        slate = work / "slate.png"
        slate.write_bytes(slate_png(*facts.size))
        ours = best(args.repeat, lambda: redact_rendition(facts, RANGES, work / "ours.mp4", work / "pieces"))
        theirs = best(args.repeat, lambda: naive(film, slate, work / "naive.mp4"))
        plan = plan_redaction(facts, RANGES)
        touched = {i for span in plan.spans for i in range(span.first, span.stop)}
        before, after, naive_frames = frames(film), frames(work / "ours.mp4"), frames(work / "naive.mp4")
        outside = [i for i in range(len(before)) if i not in touched]
        same = sum(before[i] == after[i] for i in outside)
        same_naive = sum(before[i] == naive_frames[i] for i in outside)
        audio_before, audio_after = packets(film), packets(work / "ours.mp4")
        kept = sum(a == b for a, b in zip(audio_before, audio_after))
        print(f"film: {args.minutes:g} min 720p25, {len(before)} frames; ranges: "
              f"{', '.join(f'{a / 1000:g}-{b / 1000:g} s' for a, b in RANGES)}")
        print(f"catalogue's redaction: {ours:.2f} s (re-encoded {len(touched)} frames in {len(plan.spans)} span(s), "
              f"{len(plan.hushed)} sound packets silenced)")
        print(f"naive full re-encode:  {theirs:.2f} s")
        print(f"ratio: {theirs / ours:.1f}x faster")
        print(f"frames outside the re-encoded GOPs bit-identical: {same}/{len(outside)} "
              f"(naive: {same_naive}/{len(outside)}); sound packets unchanged: {kept}/{len(audio_before)} "
              f"(silenced: {len(audio_before) - kept})")


if __name__ == "__main__":
    main()
