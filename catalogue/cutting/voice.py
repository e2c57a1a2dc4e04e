"""The synthetic voice that speaks audio descriptions: espeak-ng's voice for the descriptions'
language (Dutch, `nl`, for this film).

Two ways to reach the same engine, tried in this order:

- `program`: Debian's `espeak-ng` on PATH (`apt-get install espeak-ng`), run once per description;
- `library`: the libespeak-ng and its voice data that the `espeakng-loader` wheel ships, called
  through ctypes, so an install with nothing but pip speaks too.

Both give 22 050 Hz mono 16-bit speech. They may be different versions of espeak-ng (Debian 12 has
1.51, the wheel 1.52) and so sound slightly different: the engine and its version are part of
`Voice.key()`, which every described version is built from, so changing either rebuilds them.
Speech is returned trimmed of the trailing silence the program adds (the library adds none), so
both engines give the same timing to the plan.
"""

from __future__ import annotations

import array
import ctypes
import os
import re
import shutil
import subprocess
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalogue.cutlist import VoiceSettings
from catalogue.errors import CatalogueError

ENGINES = ("program", "library")
SAMPLE_RATE = 22_050
SILENCE = 300  # |sample| at or below this (−40 dBFS) is silence when trimming
TAIL_MS = 40  # kept after the last sound
SPEAK_TIMEOUT_S = 60


class VoiceError(CatalogueError):
    """No voice to speak with, or it failed; the message says what to install or change."""


@dataclass(frozen=True)
class Speech:
    """Speech as 16-bit mono PCM at `sample_rate`."""

    pcm: bytes
    sample_rate: int = SAMPLE_RATE

    @property
    def duration_ms(self) -> int:
        return len(self.pcm) // 2 * 1000 // self.sample_rate

    def wav_bytes(self) -> bytes:
        with tempfile.SpooledTemporaryFile() as handle:
            with wave.open(handle, "wb") as out:  # type: ignore[arg-type]
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(self.sample_rate)
                out.writeframes(self.pcm)
            handle.seek(0)
            return handle.read()


@dataclass(frozen=True)
class Voice:
    engine: str  # "program" or "library"
    version: str  # espeak-ng's version, e.g. "1.51"
    settings: VoiceSettings

    def key(self) -> dict[str, Any]:
        """What the sound of a description depends on (part of every described version's build key)."""
        return {"engine": f"espeak-ng {self.engine}", "version": self.version, "language": self.settings.language,
                "rate": self.settings.rate, "pitch": self.settings.pitch}

    @property
    def label(self) -> str:
        return f"espeak-ng {self.version} ({self.engine}), {self.settings.language}, {self.settings.rate} wpm"


def find_voice(settings: VoiceSettings) -> Voice:
    """The voice to speak with: as `settings.engine` asks, else the program where present, else the library."""
    order = [settings.engine] if settings.engine else list(ENGINES)
    problems = []
    for engine in order:
        try:
            version = _program_version() if engine == "program" else _Library.get().version
        except VoiceError as exc:
            problems.append(str(exc))
            continue
        return Voice(engine, version, settings)
    raise VoiceError("no synthetic voice to speak the audio descriptions: " + "; ".join(problems) +
                     ". Install one: `pip install espeakng-loader` (part of catalogue's dependencies) or "
                     "`apt-get install espeak-ng`")


def speak(voice: Voice, text: str) -> Speech:
    """`text` spoken by `voice`, trailing silence trimmed."""
    text = " ".join(text.split())
    if not text:
        return Speech(b"")
    if voice.engine == "program":
        speech = _speak_program(voice.settings, text)
    else:
        speech = _Library.get().speak(voice.settings, text)
    return Speech(trim_silence(speech.pcm, speech.sample_rate), speech.sample_rate)


def trim_silence(pcm: bytes, sample_rate: int) -> bytes:
    """`pcm` (16-bit mono) up to its last sound, plus TAIL_MS."""
    samples = array.array("h")
    samples.frombytes(pcm[: len(pcm) // 2 * 2])
    last = len(samples) - 1
    while last >= 0 and abs(samples[last]) <= SILENCE:
        last -= 1
    if last < 0:
        return b""
    end = min(len(samples), last + 1 + sample_rate * TAIL_MS // 1000)
    return samples[:end].tobytes()


# --- Debian's program -----------------------------------------------------------------------------


def _program() -> str:
    found = shutil.which("espeak-ng")
    if not found:
        raise VoiceError("espeak-ng is not installed as a program")
    return found


_VERSION = re.compile(r"text-to-speech:\s*(\S+)")


def _program_version() -> str:
    try:
        done = subprocess.run([_program(), "--version"], capture_output=True, text=True, timeout=SPEAK_TIMEOUT_S,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise VoiceError(f"espeak-ng does not start ({exc})") from None
    match = _VERSION.search(done.stdout)
    return match.group(1) if match else "unknown"


def _speak_program(settings: VoiceSettings, text: str) -> Speech:
    with tempfile.TemporaryDirectory(prefix="catalogue-voice-") as work:
        wav = Path(work) / "speech.wav"
        args = [_program(), "-v", settings.language, "-s", str(settings.rate), "-p", str(settings.pitch),
                "-w", str(wav), "--stdin"]  # the text on stdin: one starting with "-" is no option
        try:
            done = subprocess.run(args, input=text.encode("utf-8"), capture_output=True, timeout=SPEAK_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise VoiceError(f"espeak-ng failed: {exc}") from None
        if done.returncode != 0 or not wav.is_file():
            message = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
            raise VoiceError(f"espeak-ng cannot speak {settings.language!r}: {message}")
        return read_wav(wav)


def read_wav(path: Path) -> Speech:
    with wave.open(str(path), "rb") as handle:
        if handle.getsampwidth() != 2 or handle.getnchannels() != 1:
            raise VoiceError(f"{path.name}: expected 16-bit mono speech")
        return Speech(handle.readframes(handle.getnframes()), handle.getframerate())


# --- the library of the espeakng-loader wheel ---------------------------------------------------------

_OUTPUT_SYNCHRONOUS, _CHARS_UTF8, _POS_CHARACTER = 2, 1, 1
_RATE, _PITCH = 1, 3
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class _Library:
    """libespeak-ng, loaded once per process. It keeps global state (voice, parameters, the callback),
    so every call holds the lock."""

    _instance: _Library | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError:
            raise VoiceError("the espeakng-loader package is not installed") from None
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as exc:
            raise VoiceError(f"the espeak-ng library of espeakng-loader does not load ({exc})") from None
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                     ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        rate = lib.espeak_Initialize(_OUTPUT_SYNCHRONOUS, 0, os.fsencode(data), 0)
        if rate <= 0:
            raise VoiceError(f"the espeak-ng library does not start with its data in {data}")
        self.lib, self.sample_rate = lib, rate
        self.version = (lib.espeak_Info(None) or b"unknown").decode("ascii", "replace")
        self.chunks: list[bytes] = []
        self._callback = _CALLBACK(self._collect)  # kept: the library holds only a pointer to it
        lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: Any, count: int, events: Any) -> int:
        if count > 0:
            self.chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    @classmethod
    def get(cls) -> _Library:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def speak(self, settings: VoiceSettings, text: str) -> Speech:
        with self._lock:
            if self.lib.espeak_SetVoiceByName(settings.language.encode("ascii", "replace")) != 0:
                raise VoiceError(f"the espeak-ng library has no voice for language {settings.language!r}")
            self.lib.espeak_SetParameter(_RATE, settings.rate, 0)
            self.lib.espeak_SetParameter(_PITCH, settings.pitch, 0)
            self.chunks = []
            data = text.encode("utf-8")
            buffer = ctypes.create_string_buffer(data)
            if self.lib.espeak_Synth(buffer, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None) != 0:
                raise VoiceError("the espeak-ng library failed to speak")
            self.lib.espeak_Synchronize()
            pcm, self.chunks = b"".join(self.chunks), []
        return Speech(pcm, self.sample_rate)
