"""One error family: every failure the user can fix is a CatalogueError."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CatalogueError(Exception):
    """Base class: the CLI prints the message as `Error: …` and exits 1."""


class TimecodeError(CatalogueError, ValueError):
    def __init__(self, value: object, reason: str = "") -> None:
        self.value = value
        hint = "use hh:mm:ss.mmm, mm:ss.mmm, hh:mm:ss or a number of seconds"
        super().__init__(f"invalid timecode {value!r}: {reason or hint}")


class TranscriptError(CatalogueError):
    """A subtitle file that cannot be read; `line` is 1-based, 0 if unknown."""

    def __init__(self, path: Path | str, reason: str, line: int = 0) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}, line {line}" if line else f"{self.path}"
        super().__init__(f"{where}: {reason}")


class MediaError(CatalogueError):
    """A media file ffmpeg cannot read, or a failed ffmpeg run."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass(frozen=True)
class Problem:
    """One finding of `catalogue check`: where, which field, what to do."""

    file: Path
    where: str  # "clip 'buddys-vinden'", "theme 'impact'", "film", …
    field: str
    message: str

    def __str__(self) -> str:
        field = f", field '{self.field}'" if self.field else ""
        return f"{self.file}: {self.where}{field}: {self.message}"


class CutListError(CatalogueError):
    """A cut list with errors; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        count = len(problems)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the cut list:\n{lines}")


class CutListEditError(CatalogueError):
    """A cut list that cannot be changed safely (not TOML, no [film], changed meanwhile); nothing was written."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class CutError(CatalogueError):
    """One or more clips failed to build; the others were built."""
