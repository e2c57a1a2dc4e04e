"""How `catalogue cut` shows its work: a progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Sequence
from typing import TextIO

from catalogue.cutting import CutListener, Job, Step
from catalogue.errors import CatalogueError
from catalogue.timecode import format_clock
from catalogue.transcribe import Target, TranscribeListener


def _short(path_name: str) -> str:
    return path_name if len(path_name) <= 40 else path_name[:37] + "..."


class LineListener(CutListener):
    """One line per output written and per failure: good for logs and CI."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def _say(self, text: str) -> None:
        with self.lock:
            print(text, file=self.stream, flush=True)

    def start(self, jobs: Sequence[Job], work_ms: int) -> None:
        if jobs:
            self._say(f"building {len(jobs)} job{'s' if len(jobs) != 1 else ''} "
                      f"({work_ms / 1000:.0f} s of media to write)")
        for job in jobs:
            if job.note:
                self._say(f"{job.name}: {job.note}")

    def step_done(self, job: Job, step: Step, seconds: float) -> None:
        self._say(f"{job.name}: wrote {step.output.name} ({seconds:.1f} s)")

    def note(self, job: Job, text: str) -> None:
        self._say(f"{job.name}: {text}")

    def job_failed(self, job: Job, error: CatalogueError) -> None:
        self._say(f"{job.name}: FAILED: {error}")


class BarListener(LineListener):
    """A single redrawn line: percentage of media time written, jobs done, current clip."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.total_ms = 0
        self.done: dict[tuple[str, str], int] = {}
        self.jobs_total = 0
        self.began = time.monotonic()
        self.last_draw = 0.0
        self.current = ""

    def start(self, jobs: Sequence[Job], work_ms: int) -> None:
        self.total_ms = max(1, work_ms)
        self.jobs_total = len(jobs)
        self.began = time.monotonic()
        for job in jobs:
            if job.note:
                self._line(f"{job.name}: {job.note}")

    def _line(self, text: str) -> None:
        with self.lock:
            width = shutil.get_terminal_size().columns
            self.stream.write("\r" + " " * (width - 1) + "\r" + text + "\n")
            self.stream.flush()

    def progress(self, job: Job, step: Step, done_ms: int) -> None:
        self.done[(job.name, step.output.name)] = min(done_ms, step.work_ms)
        self.current = job.name
        now = time.monotonic()
        if now - self.last_draw > 0.2:
            self.last_draw = now
            self._draw()

    def _draw(self) -> None:
        fraction = min(1.0, sum(self.done.values()) / self.total_ms)
        elapsed = time.monotonic() - self.began
        eta = f" ~{elapsed / fraction - elapsed:.0f} s left" if fraction > 0.02 else ""
        bar = "#" * int(fraction * 24)
        with self.lock:
            self.stream.write(f"\r[{bar:<24}] {fraction:4.0%}{eta}  {_short(self.current):<40}")
            self.stream.flush()

    def step_done(self, job: Job, step: Step, seconds: float) -> None:
        self.done[(job.name, step.output.name)] = step.work_ms
        self._draw()

    def job_failed(self, job: Job, error: CatalogueError) -> None:
        self._line(f"{job.name}: FAILED: {error}")

    def note(self, job: Job, text: str) -> None:
        self._line(f"{job.name}: {text}")

    def finish(self) -> None:
        with self.lock:
            self.stream.write("\n")
            self.stream.flush()


class TranscribeLines(TranscribeListener):
    """Plain lines for `catalogue transcribe` off a terminal: one about every minute of audio."""

    def __init__(self, stream: TextIO, every_ms: int = 60_000) -> None:
        self.stream = stream
        self.every_ms = every_ms
        self.name = ""
        self.total_ms = 1
        self.next_ms = every_ms
        self.began = time.monotonic()

    def say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def start(self, target: Target, total_ms: int) -> None:
        self.name, self.total_ms, self.next_ms, self.began = target.name, max(1, total_ms), self.every_ms, time.monotonic()
        self.say(f"{self.name}: transcribing {format_clock(total_ms)} of audio")

    def progress(self, done_ms: int) -> None:
        if done_ms >= self.next_ms:
            self.next_ms = (done_ms // self.every_ms + 1) * self.every_ms
            self.say(f"{self.name}: {format_clock(min(done_ms, self.total_ms))} of {format_clock(self.total_ms)} "
                     f"({time.monotonic() - self.began:.0f} s)")


class TranscribeBar(TranscribeLines):
    """A redrawn line on a terminal: audio time done, of the whole, and the time left."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.last_draw = 0.0
        self.drawn = False

    def say(self, text: str) -> None:
        if self.drawn:
            width = shutil.get_terminal_size().columns
            self.stream.write("\r" + " " * (width - 1) + "\r")
            self.drawn = False
        super().say(text)

    def start(self, target: Target, total_ms: int) -> None:
        super().start(target, total_ms)
        self.done_ms = 0

    def progress(self, done_ms: int) -> None:
        now = time.monotonic()
        if now - self.last_draw < 0.2 and done_ms < self.total_ms:
            return
        self.last_draw = now
        fraction = min(1.0, done_ms / self.total_ms)
        elapsed = now - self.began
        eta = f" ~{elapsed / fraction - elapsed:.0f} s left" if fraction > 0.02 else ""
        bar = "#" * int(fraction * 24)
        self.stream.write(f"\r[{bar:<24}] {fraction:4.0%} {format_clock(min(done_ms, self.total_ms))} of "
                          f"{format_clock(self.total_ms)}{eta}  {_short(self.name)}")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False
