"""How long the studio holds its write lock for a batch of caption edits: the batch read back once (what
the studio does since issue 16) against read back after every edit (what it did), in the same run.

    .venv/bin/python scripts/bench_captions.py [--cues 300] [--large 3000]

A synthetic WebVTT file of `--cues` cues gets one `replace` of every cue, both ways; the result must be the
same file. Then a file of `--large` cues gets the same batch, the studio's way only (the other would take
minutes: every edit reads the whole file back)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalogue.studio.captions import apply_op, apply_ops  # noqa: E402
from catalogue.subtitles import VttDocument  # noqa: E402
from catalogue.timecode import format_timecode  # noqa: E402


def document(folder: Path, cues: int) -> VttDocument:
    path = folder / f"film-{cues}.vtt"
    path.write_text("WEBVTT\n\n" + "".join(f"{format_timecode(n * 2000)} --> {format_timecode(n * 2000 + 1500)}\n"
                                           f"regel {n} van de film\n\n" for n in range(cues)), encoding="utf-8")
    return VttDocument.read(path)


def each_read_back(doc: VttDocument, ops: list[dict[str, object]]) -> VttDocument:
    for op in ops:  # every edit read back (parsed) at once, as before issue 16
        doc = apply_op(doc, op)
    return doc


def timed(work: object) -> tuple[float, VttDocument]:
    began = time.perf_counter()
    result = work()  # type: ignore[operator]
    return time.perf_counter() - began, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cues", type=int, default=300)
    parser.add_argument("--large", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        doc = document(Path(folder), args.cues)
        ops = [{"op": "replace", "index": n, "text": f"nieuwe regel {n}"} for n in range(args.cues)]
        each_s, each = timed(lambda: each_read_back(doc, ops))
        batch_s, batch = timed(lambda: apply_ops(doc, ops))
        assert batch.format() == each.format()
        large = document(Path(folder), args.large)
        large_ops = [{"op": "replace", "index": n, "text": f"nieuwe regel {n}"} for n in range(args.large)]
        large_s, _ = timed(lambda: apply_ops(large, large_ops))
    print("| caption edits | read back after each (before) | read back once (studio) | ratio |")
    print("|---|---|---|---|")
    print(f"| {args.cues} replaces, {args.cues} cues | {each_s:.2f} s | {batch_s:.2f} s | {each_s / batch_s:.0f}× |")
    print(f"| {args.large} replaces, {args.large} cues | (not run) | {large_s:.2f} s | |")


if __name__ == "__main__":
    main()
