"""Run every file of the shared corpus through the path it belongs to and print a table.

Subtitles (.vtt, .srt, and the .ass/.ttml and extension-less samples) go through `read_cues`;
videos are checked, planned and built as a one-second clip (0–1 s) in a temporary catalogue,
like `catalogue check` and `catalogue cut` would. Each file runs in its own worker process
(this script with `--one FILE`) with a time limit, so a hang is killed and reported.

A file passes when it works ("ok") or fails with a clear error (a CatalogueError's message).
A traceback, a hang, a partial file left behind or an output that is not a video is FAILED:
the report then ends with exit code 1.

    .venv/bin/python scripts/corpus_report.py [--corpus DIR] [--timeout 60] [--jobs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SUBTITLE_SUFFIXES = {".vtt", ".srt", ".ass", ".ssa", ".ttml", ".dfxp", ".sbv", ".sub"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".flv", ".ts", ".3gp", ".ogg", ".ogv", ".m4v", ".mpg",
                  ".mpeg", ".wmv"}
# androidx keeps its samples without an extension, in a folder named after the format
SUFFIX_OF_FOLDER = {"subrip": ".srt", "webvtt": ".vtt"}


def kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in SUBTITLE_SUFFIXES or (not suffix and path.parent.name in SUFFIX_OF_FOLDER):
        return "subtitles"
    if suffix in VIDEO_SUFFIXES:
        return "video"
    return None


# --- the worker: one file, one JSON line ---------------------------------------------------------


def run_one(path: Path) -> dict[str, str]:
    """{"result": "ok" | "error" | "FAILED", "detail": …}. A traceback escapes (the parent reports it)."""
    from catalogue.errors import CatalogueError

    try:
        return check_subtitles(path) if kind_of(path) == "subtitles" else check_video(path)
    except CatalogueError as exc:
        return {"result": "error", "detail": str(exc)}


def check_subtitles(path: Path) -> dict[str, str]:
    from catalogue.subtitles import read_cues

    if path.suffix or path.parent.name not in SUFFIX_OF_FOLDER:
        cues = read_cues(path)
    else:  # the reader picks SRT by the suffix: give the file the one its folder means
        with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
            named = Path(tmp) / (path.name + SUFFIX_OF_FOLDER[path.parent.name])
            shutil.copyfile(path, named)
            cues = read_cues(named)
    if any(not 0 <= cue.start_ms <= cue.end_ms for cue in cues):
        return {"result": "FAILED", "detail": "a cue with a negative time or ending before it starts"}
    return {"result": "ok", "detail": f"{len(cues)} cues"}


def check_video(path: Path) -> dict[str, str]:
    from catalogue.cutlist import check_cutlists
    from catalogue.cutting import build, plan_cut
    from catalogue.fsutil import PARTIAL_MARK
    from catalogue.media.runner import probe
    from catalogue.media import probe_cached
    from catalogue.settings import Settings

    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        settings = Settings(root=Path(tmp))
        settings.media_dir.mkdir(parents=True)
        (settings.media_dir / "film.toml").write_text(
            "[film]\nid = \"corpus\"\ntitle = \"Corpus\"\n"
            f"video = {json.dumps(str(path.resolve()))}\nlanguage = \"nl\"\n\n"
            "[[theme]]\nid = \"impact\"\ntitle = \"Impact\"\n\n"
            "[[clip]]\nid = \"een-seconde\"\ntitle = \"Eén seconde\"\nthemes = [\"impact\"]\nstart = 0\nend = 1\n",
            encoding="utf-8")
        report = check_cutlists(settings.cutlist_paths(), lambda p: probe_cached(p, settings.probe_dir))
        if report.errors:
            return {"result": "error", "detail": "; ".join(f"{p.field}: {p.message}" for p in report.errors)}
        jobs, unplannable = plan_cut(settings, report.catalogue(), report)
        summary = build(settings, jobs)
        failures = {**unplannable, **summary.failed}
        partial = [p for p in settings.root.rglob("*") if PARTIAL_MARK in p.name]
        if partial:
            return {"result": "FAILED", "detail": "partial output left: " + ", ".join(p.name for p in partial)}
        for output in sorted(settings.media_dir.rglob("*.mp4")):
            info = probe(output)
            if info.video is None or info.duration_ms <= 0:
                return {"result": "FAILED", "detail": f"{output.name} is not a playable video"}
        clip = settings.clip_video("een-seconde")
        if "een-seconde" in failures and clip.exists():
            return {"result": "FAILED", "detail": "the clip failed but its MP4 is there"}
        if "een-seconde" not in failures and not clip.exists():
            return {"result": "FAILED", "detail": "no clip and no error"}
        if failures:
            return {"result": "error", "detail": "; ".join(f"{name}: {msg}" for name, msg in failures.items())}
        duration = probe(clip).duration_ms
        return {"result": "ok", "detail": f"1 s clip: {duration} ms"}


# --- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    kind: str
    result: str  # ok | error | FAILED
    detail: str
    seconds: float


def run_in_worker(path: Path, corpus: Path, timeout_s: float) -> Row:
    name = path.relative_to(corpus).as_posix()
    kind = kind_of(path) or "?"
    began = time.monotonic()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--one", str(path)], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)  # its own process group: a hang's ffmpeg dies with it
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return Row(name, kind, "FAILED", f"hang: stopped after {timeout_s:.0f} s", time.monotonic() - began)
    seconds = time.monotonic() - began
    lines = out.decode("utf-8", "replace").strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else None
    except ValueError:
        answer = None
    if proc.returncode != 0 or not isinstance(answer, dict):
        tail = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
        return Row(name, kind, "FAILED", f"traceback (exit {proc.returncode}): {tail[-1] if tail else 'no output'}",
                   seconds)
    return Row(name, kind, str(answer.get("result")), str(answer.get("detail", "")), seconds)


def cell(text: str, width: int = 160) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the corpus folder (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per file before it counts as a hang")
    parser.add_argument("--jobs", type=int, default=1, help="files at a time")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # the worker
    args = parser.parse_args(argv)

    if args.one is not None:
        try:
            answer = run_one(args.one)
        except BaseException:
            traceback.print_exc()
            return 2
        print(json.dumps(answer), flush=True)
        return 0

    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and kind_of(p))
    began = time.monotonic()
    print("| file | kind | result | time |")
    print("|---|---|---|---:|")
    rows = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for row in pool.map(lambda p: run_in_worker(p, corpus, args.timeout), files):
            rows.append(row)
            result = "ok" if row.result == "ok" else (f"error: {row.detail}" if row.result == "error"
                                                       else f"**FAILED**: {row.detail}")
            print(f"| {cell(row.name, 80)} | {row.kind} | {cell(result)} | {row.seconds:.2f} s |", flush=True)
    total = time.monotonic() - began
    counts = {key: sum(r.result == key for r in rows) for key in ("ok", "error")}
    failed = [r for r in rows if r.result not in ("ok", "error")]
    print()
    print(f"**{len(rows)} files** in {total:.1f} s: {counts['ok']} ok, {counts['error']} clear error, "
          f"{len(failed)} FAILED")
    for kind in ("subtitles", "video"):
        of_kind = [r for r in rows if r.kind == kind]
        print(f"- {kind}: {len(of_kind)} files, {sum(r.result == 'ok' for r in of_kind)} ok, "
              f"{sum(r.result == 'error' for r in of_kind)} clear error, "
              f"{sum(r.result not in ('ok', 'error') for r in of_kind)} FAILED, "
              f"{sum(r.seconds for r in of_kind):.1f} s")
    if failed:
        print("\nFAILED:")
        for row in failed:
            print(f"- {row.name}: {row.detail}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
