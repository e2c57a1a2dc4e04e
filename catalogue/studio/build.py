"""The studio's build button: `catalogue cut` then `catalogue index`, as the editor would type them, in
child processes (a crash or a stuck ffmpeg there never takes the studio down), one build at a time.
Every line they print becomes an event the page follows (Server-Sent Events); the last few hundred
are kept for a page that subscribes late."""

from __future__ import annotations

import atexit
import json
import re
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from catalogue.errors import CatalogueError

KEPT_EVENTS = 500
_RUNNING: set[subprocess.Popen[str]] = set()  # every build's child, so the studio's exit stops it
FAILED_LINE = re.compile(r"^(?P<name>[^:\s][^:]*): FAILED: (?P<message>.*)$")
SUMMARY_LINE = re.compile(r"^\s+(?P<name>[^:\s][^:]*): (?P<message>.+)$")  # cut's list of failed jobs


class BuildRunningError(CatalogueError):
    """A build was asked for while one is running."""

    def __init__(self) -> None:
        super().__init__("Er loopt al een build; wacht tot die klaar is.")


@dataclass(frozen=True)
class Event:
    """One thing to tell the page: kind "line", "clip-error", "step", then "done" or "failed"."""

    id: int
    kind: str
    data: dict[str, object]

    def format(self) -> str:
        """As Server-Sent Events put it on the wire."""
        return f"id: {self.id}\nevent: {self.kind}\ndata: {json.dumps(self.data, ensure_ascii=False)}\n\n"


def build_commands(root: Path, cutlists: Sequence[Path]) -> list[tuple[str, list[str]]]:
    """The commands of one build: cut the studio's cut lists, then index the whole catalogue (the public
    site searches every cut list, not only the studio's)."""
    base = [sys.executable, "-m", "catalogue", "--root", str(root)]
    return [("cut", [*base, "cut", *map(str, cutlists)]), ("index", [*base, "index"])]


def plan_line_event(line: str) -> tuple[str, dict[str, object]]:
    """What a printed line means to the page: a clip that failed, or just a line to show."""
    failed = FAILED_LINE.match(line)
    if failed:
        return "clip-error", {"clip": failed["name"], "message": failed["message"], "line": line}
    return "line", {"line": line}


class BuildRunner:
    """Runs one build at a time in a thread; keeps its events for whoever follows it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._events: deque[Event] = deque(maxlen=KEPT_EVENTS)
        self._next_id = 1
        self._thread: threading.Thread | None = None
        self.finished = True
        self.run_number = 0
        self._proc: subprocess.Popen[str] | None = None
        self._cancelled = False

    @property
    def running(self) -> bool:
        with self._lock:
            return not self.finished

    def start(self, commands: list[tuple[str, list[str]]], cwd: Path) -> int:
        """Start a build; its first event id. BuildRunningError while one runs."""
        with self._lock:
            if not self.finished:
                raise BuildRunningError()
            self.finished = False
            self._cancelled = False
            self.run_number += 1
            self._events.clear()
            first = self._next_id
            self._thread = threading.Thread(target=self._run, args=(commands, cwd), daemon=True,
                                            name="studio-build")
            self._thread.start()
        return first

    def events_after(self, last_id: int) -> tuple[list[Event], bool]:
        """The kept events after `last_id`, and whether the build has finished."""
        with self._lock:
            return [e for e in self._events if e.id > last_id], self.finished

    def wait(self, last_id: int, timeout_s: float) -> None:
        """Until there is an event after `last_id`, the build finished, or `timeout_s` passed."""
        with self._changed:
            self._changed.wait_for(lambda: self.finished or self._next_id - 1 > last_id, timeout_s)

    def cancel(self) -> bool:
        """Stop the running build: SIGTERM to its command (`cut` then stops its ffmpeg and keeps what
        is finished, nothing half-written), and no further command. False when none runs."""
        with self._lock:
            if self.finished:
                return False
            self._cancelled = True
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        return True

    def join(self, timeout_s: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)

    def _emit(self, kind: str, data: dict[str, object], *, finish: bool = False) -> None:
        with self._changed:
            self._events.append(Event(self._next_id, kind, data))
            self._next_id += 1
            if finish:
                self.finished = True
            self._changed.notify_all()

    def _run(self, commands: list[tuple[str, list[str]]], cwd: Path) -> None:
        failures: list[dict[str, object]] = []
        summary: list[str] = []
        try:
            for step, argv in commands:
                if self._cancelled:
                    break
                self._emit("step", {"step": step, "line": f"$ catalogue {' '.join(argv[5:])}".rstrip()})
                code, last = self._run_one(argv, cwd, failures)
                if last:
                    summary.append(last)
                if self._cancelled:
                    break
                if code != 0:
                    self._emit("failed", {"step": step, "exit_code": code, "summary": summary,
                                          "failures": failures}, finish=True)
                    return
            if self._cancelled:
                self._emit("failed", {"step": "", "exit_code": None, "cancelled": True, "failures": failures,
                                      "summary": [*summary, "Gestopt: wat al klaar was, is bewaard."]}, finish=True)
                return
            self._emit("done", {"summary": summary, "failures": failures}, finish=True)
        except BaseException as exc:  # never leave the runner "running" for ever
            self._emit("failed", {"step": "", "exit_code": None, "summary": [f"de build liep vast: {exc}"],
                                  "failures": failures}, finish=True)

    def _run_one(self, argv: list[str], cwd: Path, failures: list[dict[str, object]]) -> tuple[int, str]:
        """One command, its stdout and stderr merged line by line into events; (exit code, last line)."""
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
                                bufsize=1)
        last = ""
        seen = {str(f["clip"]) for f in failures}
        in_failed_list = False
        with self._lock:
            self._proc = proc
        _RUNNING.add(proc)
        if self._cancelled:  # cancelled while it started
            proc.send_signal(signal.SIGTERM)
        with proc:
            assert proc.stdout is not None
            for raw in proc.stdout:
                line = raw.rstrip("\n")
                if not line.strip():
                    continue
                kind, data = plan_line_event(line)
                listed = SUMMARY_LINE.match(line) if in_failed_list else None
                if listed:  # a clip that failed before ffmpeg ran (it could not be planned) is only here
                    kind, data = "clip-error", {"clip": listed["name"], "message": listed["message"], "line": line}
                in_failed_list = (in_failed_list and line.startswith("  ")) or "job(s) failed" in line
                if kind == "clip-error":
                    if data["clip"] in seen:
                        continue  # the summary at the end repeats each failure
                    seen.add(str(data["clip"]))
                    failures.append(data)
                elif not line.startswith(("  ", "Error:", "Warnings", "Errors")):
                    last = line
                self._emit(kind, data)
        _RUNNING.discard(proc)
        return proc.returncode, last


@atexit.register
def _stop_builds() -> None:
    """The studio is stopping: a build it started must not go on without it."""
    for proc in list(_RUNNING):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
