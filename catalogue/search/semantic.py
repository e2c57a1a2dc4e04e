"""Meaning: stretches of speech as sentence vectors beside the lexical index, and the fusion of the
two rankings.

At build time each clip becomes a few *units*: its title with its description, and windows of
consecutive cues (WINDOW_MS long, a new one every STEP_MS, so they overlap). Each unit's text is
embedded (catalogue.search.encoder), through a cache keyed by the model and the text, so a rebuild
after an edit embeds only what changed. The vectors go into the index version (vectors.npy, int8,
memory-mapped when searching; the units' clips and times in cues.sqlite), so the atomic swap of a
version swaps them too.

At search time the query is embedded and compared with every unit; a clip's similarity is its best
unit's. Rankings are fused by reciprocal rank fusion (Cormack et al. 2009): a clip scores
1/(k + rank) in each ranking it is in.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from catalogue.fsutil import atomic_path
from catalogue.model import Cue
from catalogue.search.encoder import DIMENSIONS, MODEL_ID

WINDOW_MS, STEP_MS = 30_000, 20_000  # measured on the judged collection: 20-30 s windows, 30 s best
RRF_K = 60
RELATED_MAX = 10  # clips the meaning alone may add to a result list
MEANING_ONLY_TOP = 20  # the ranking of meaning alone, for measuring it
RELATED_MIN_SIMILARITY = 0.10  # below this a clip is not related, whatever its rank
RELATED_ALONE_SIMILARITY = 0.20  # when no word of the query is in the catalogue, the best clip must reach this
VECTORS = "vectors.npy"
CHUNK = 2048  # units compared at a time: 4 MB of scratch memory, whatever the index size


@dataclass(frozen=True)
class Unit:
    """A stretch of a clip that is embedded: cues first..last (clip time), or its title (first = -1)."""

    clip_id: str
    start_ms: int
    end_ms: int
    text: str
    first: int = -1  # the cue's place in the clip; -1 for the title and description


def plan_units(clip_id: str, title: str, description: str, cues: Sequence[Cue],
               window_ms: int = WINDOW_MS, step_ms: int = STEP_MS) -> list[Unit]:
    """The clip's title with its description, then windows of consecutive cues: each starts at a cue
    and takes the cues that end within `window_ms` of it (at least one); the next starts at the
    first cue `step_ms` later. The last window reaches the clip's last cue."""
    units = [Unit(clip_id, 0, 0, f"{title}. {description}".strip(" ."))]
    texts = [cue.plain.replace("\n", " ") for cue in cues]
    first = 0
    while first < len(cues):
        last = first
        while last + 1 < len(cues) and cues[last + 1].end_ms - cues[first].start_ms <= window_ms:
            last += 1
        units.append(Unit(clip_id, cues[first].start_ms, cues[last].end_ms, " ".join(texts[first:last + 1]), first))
        if last == len(cues) - 1:
            break
        following = first + 1
        while following <= last and cues[following].start_ms < cues[first].start_ms + step_ms:
            following += 1
        first = following
    return units


# --- the embedding cache --------------------------------------------------------------------


def text_key(text: str) -> bytes:
    return hashlib.sha256(f"{MODEL_ID}\0{text}".encode()).digest()[:16]


class EmbeddingCache:
    """Vectors by text (float16), in `folder`/<model>.sqlite: texts already embedded are not embedded again."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{MODEL_ID}.sqlite"

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB) WITHOUT ROWID")
        return db

    def embed(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> tuple[np.ndarray, int]:
        """The texts' vectors (float32, unit length), and how many had to be embedded now."""
        keys = [text_key(t) for t in texts]
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        found: dict[bytes, bytes] = {}
        try:
            with closing(self._connect()) as db:
                wanted = list(dict.fromkeys(keys))
                for at in range(0, len(wanted), 500):
                    part = wanted[at:at + 500]
                    found.update(db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})",
                                            part).fetchall())
        except sqlite3.DatabaseError:
            found = {}  # a damaged cache is a cold cache; it is rebuilt below
            self.path.unlink(missing_ok=True)
        missing = [i for i, key in enumerate(keys) if key not in found]
        todo = list(dict.fromkeys(texts[i] for i in missing))
        if todo:
            made = encode(todo)
            fresh = {text_key(t): made[n].astype(np.float16).tobytes() for n, t in enumerate(todo)}
            found.update(fresh)
            with closing(self._connect()) as db, db:
                db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", fresh.items())
        for i, key in enumerate(keys):
            out[i] = np.frombuffer(found[key], dtype=np.float16)
        return out, len(todo)

    def keep_only(self, keys: set[bytes]) -> None:
        """Forget every vector but those of `keys` (the texts of the current index)."""
        if not self.path.is_file():
            return
        try:
            with closing(self._connect()) as db, db:
                db.execute("CREATE TEMP TABLE kept (key BLOB PRIMARY KEY)")
                db.executemany("INSERT OR IGNORE INTO kept VALUES (?)", ((k,) for k in keys))
                db.execute("DELETE FROM vectors WHERE key NOT IN (SELECT key FROM kept)")
            with closing(sqlite3.connect(self.path)) as db:
                db.execute("VACUUM")  # the deleted rows' bytes leave the file too
        except sqlite3.DatabaseError:
            self.path.unlink(missing_ok=True)


# --- the vectors of an index version --------------------------------------------------------


def write_units(folder: Path, db: sqlite3.Connection, units: Sequence[Unit], vectors: np.ndarray) -> None:
    """The units' table (in clip order, as given) and their vectors, as int8 with one scale."""
    db.execute("CREATE TABLE units (clip_id TEXT, start_ms INTEGER, end_ms INTEGER, first INTEGER, key BLOB)")
    db.executemany("INSERT INTO units VALUES (?, ?, ?, ?, ?)",
                   ((u.clip_id, u.start_ms, u.end_ms, u.first, text_key(u.text)) for u in units))
    scale = float(np.abs(vectors).max()) if len(vectors) else 0.0
    scale = scale or 1.0
    db.execute("CREATE TABLE vector_scale (scale REAL)")  # a unit's vector = its int8 row * scale / 127
    db.execute("INSERT INTO vector_scale VALUES (?)", (scale,))
    quantised = np.rint(vectors * (127 / scale)).astype(np.int8)
    with atomic_path(folder / VECTORS) as tmp, tmp.open("wb") as file:
        np.save(file, quantised)


class Vectors:
    """An index version's units, memory-mapped, compared with a query vector."""

    def __init__(self, folder: Path, db: sqlite3.Connection, clip_numbers: dict[str, int]) -> None:
        rows = db.execute("SELECT clip_id, start_ms, end_ms, first FROM units ORDER BY rowid").fetchall()
        (scale,) = db.execute("SELECT scale FROM vector_scale").fetchone()
        self.factor = float(scale) / 127
        self.vectors = np.load(folder / VECTORS, mmap_mode="r")
        if self.vectors.shape != (len(rows), DIMENSIONS) or self.vectors.dtype != np.int8:
            raise ValueError(f"{VECTORS} holds {self.vectors.shape} {self.vectors.dtype}, the index {len(rows)} units")
        self.clip = np.array([clip_numbers.get(r[0], -1) for r in rows], dtype=np.int64)
        self.start_ms = np.array([r[1] for r in rows], dtype=np.int64)
        self.end_ms = np.array([r[2] for r in rows], dtype=np.int64)
        self.first = np.array([r[3] for r in rows], dtype=np.int64)
        # units come clip by clip: where each clip's run starts
        change = np.flatnonzero(np.diff(self.clip)) + 1 if len(rows) else np.array([], dtype=np.int64)
        self.runs = np.concatenate([[0], change]).astype(np.int64) if len(rows) else change
        self._lock = threading.Lock()
        self._scratch = np.empty((min(CHUNK, len(rows)), DIMENSIONS), dtype=np.float32)

    def similarities(self, query: np.ndarray) -> np.ndarray:
        """Each unit's cosine similarity to the (unit-length) query vector. One search at a time per
        process compares (the work is all CPU), in one scratch buffer: memory stays flat however many
        requests arrive at once."""
        out = np.empty(len(self.vectors), dtype=np.float32)
        with self._lock:
            for at in range(0, len(self.vectors), CHUNK):
                rows = self.vectors[at:at + CHUNK]
                scratch = self._scratch[:len(rows)]
                np.copyto(scratch, rows, casting="unsafe")
                np.dot(scratch, query, out=out[at:at + len(rows)])
        return out * self.factor

    def clips(self, query: np.ndarray) -> tuple[dict[int, float], np.ndarray]:
        """Per clip number, its best unit's similarity; and every unit's similarity."""
        if not len(self.vectors):
            return {}, np.empty(0, dtype=np.float32)
        sims = self.similarities(query)
        best = np.maximum.reduceat(sims, self.runs)
        return {int(c): float(s) for c, s in zip(self.clip[self.runs], best) if c >= 0}, sims

    def best_window(self, clip: int, sims: np.ndarray) -> int | None:
        """The unit (a window of cues, not the title) of the clip most like the query."""
        units = np.flatnonzero((self.clip == clip) & (self.first >= 0))
        return int(units[np.argmax(sims[units])]) if len(units) else None


def related(similar: dict[int, float], top: int = RELATED_MAX, floor: float = RELATED_MIN_SIMILARITY) -> list[int]:
    """The clips most like the query, best first, at most `top`, none under `floor`."""
    ranked = sorted(similar, key=lambda c: (-similar[c], c))[:top]
    return [c for c in ranked if similar[c] >= floor]


def fuse(*rankings: Sequence[int], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal rank fusion: each item scores the sum of 1 / (k + rank) over the rankings it is in."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1 / (k + rank)
    return fused
