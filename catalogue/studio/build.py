"""The studio's build button: `catalogue cut` then `catalogue index`, as the editor would type them, in
child processes (a crash or a stuck ffmpeg there never takes the studio down), one build at a time, also
across studios on one catalogue (a lock file). Every line they print becomes an event the page follows
(Server-Sent Events); the last few hundred are kept for a page that subscribes late.

The children run in the catalogue root, but import nothing from it: Python's `-P` leaves the working
folder off the module path (a `click.py` there is not run), and the folder catalogue itself was imported
from is named instead."""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import catalogue
from catalogue.errors import CatalogueError

KEPT_EVENTS = 500
_RUNNING: set[subprocess.Popen[str]] = set()  # every build's child, so the studio's exit stops it
FAILED_LINE = re.compile(r"^(?P<name>[^:\s][^:]*): FAILED: (?P<message>.*)$")
SUMMARY_LINE = re.compile(r"^\s+(?P<name>[^:\s][^:]*): (?P<message>.+)$")  # cut's list of failed jobs


class BuildRunningError(CatalogueError):
    """A build was asked for while one is running (in this studio, or in another on the same root)."""

    def __init__(self, elsewhere: bool = False) -> None:
        where = " in een andere studio op deze catalogus" if elsewhere else ""
        super().__init__(f"Er loopt al een build{where}; wacht tot die klaar is.")


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
    base = [sys.executable, "-P", "-m", "catalogue", "--root", str(root)]
    return [("cut", [*base, "cut", *map(str, cutlists)]), ("index", [*base, "index"])]


def child_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a build's command: this one, with the folder `catalogue` was imported from
    first on PYTHONPATH (with `-P` the child no longer finds it in its working folder)."""
    environ = dict(os.environ if environ is None else environ)
    home = str(Path(catalogue.__file__).resolve().parent.parent)
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [home, environ.get("PYTHONPATH")]))
    return environ


def shown_command(argv: Sequence[str]) -> str:
    """`$ catalogue cut …`, as the editor would type it (without the interpreter and the root)."""
    words = list(argv[argv.index("--root") + 2:]) if "--root" in argv else list(argv)
    return f"$ catalogue {' '.join(words)}".rstrip()


def plan_line_event(line: str) -> tuple[str, dict[str, object]]:
    """What a printed line means to the page: a clip that failed, or just a line to show."""
    failed = FAILED_LINE.match(line)
    if failed:
        return "clip-error", {"clip": failed["name"], "message": failed["message"], "line": line}
    return "line", {"line": line}


class BuildRunner:
    """Runs one build at a time in a thread; keeps its events for whoever follows it."""

    def __init__(self, lock_path: Path | None = None) -> None:
        self.lock_path = lock_path  # held while a build runs: one build per catalogue root, across processes
        self._held: int | None = None
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
            self._held = self._take_lock()
            self.finished = False
            self._cancelled = False
            self.run_number += 1
            self._events.clear()
            first = self._next_id
            self._thread = threading.Thread(target=self._run, args=(commands, cwd), daemon=True,
                                            name="studio-build")
            self._thread.start()
        return first

    def _take_lock(self) -> int | None:
        """The root's build lock, held (an open descriptor), or BuildRunningError when another has it."""
        if self.lock_path is None:
            return None
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise BuildRunningError(elsewhere=True) from None
        return handle

    def _release_lock(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            os.close(held)  # closing the descriptor drops the lock

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
        if finish:
            self._release_lock()  # before anyone hears it finished: a build started then must get the lock
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
                self._emit("step", {"step": step, "line": shown_command(argv)})
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
        proc = subprocess.Popen(argv, cwd=cwd, env=child_environment(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
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
