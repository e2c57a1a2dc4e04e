"""Meaning: stretches of speech as sentence vectors beside the lexical index, and the fusion of the
two rankings.

At build time each clip becomes a few *units*: its title with its description, and windows of
consecutive cues (WINDOW_MS long, a new one every STEP_MS, so they overlap); and its *sentences*
(the cues up to a sentence's end, at most MAX_SENTENCE_CUES of them), where a question or a paraphrase
most often finds its match: a window dilutes one sentence's meaning with its neighbours'. Each text is
embedded (catalogue.search.encoder), through a cache keyed by the model and the text, so a rebuild
after an edit embeds only what changed. The vectors go into the index version (int8 with one scale:
the units' in vectors.npy, memory-mapped when searching; the sentences' in sentences.i8, read clip by
clip; their clips and times in cues.sqlite), so the atomic swap of a version swaps them too.

At search time the query is embedded and compared with every unit; then, for the clips most like it
and those its words found (at most SENTENCE_CLIPS of each), with their sentences. A clip's similarity
is its best unit's or sentence's. Only those clips' sentences are read: a search compares a few
thousand sentences whatever the catalogue's size, and the server's memory does not grow with them.
Rankings are fused by reciprocal rank fusion (Cormack et al. 2009): a clip scores 1/(k + rank) in
each ranking it is in.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
import weakref
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
MAX_SENTENCE_CUES = 3  # a sentence longer than this is cut (subtitles without punctuation, too)
SENTENCE_CLIPS = 100  # clips whose sentences a search compares: the most alike by units, and by words
VECTORS = "vectors.npy"
SENTENCES = "sentences.i8"  # the sentences' vectors, int8 rows of DIMENSIONS bytes, clip after clip
_SENTENCE_END = re.compile(r"[.?!…][\"'”’»)\]]*$")
_HAS_WORD = re.compile(r"\w")
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


def plan_sentences(clip_id: str, cues: Sequence[Cue]) -> list[Unit]:
    """The clip's sentences: from a cue after a sentence's end (or the first; a cue without a word
    starts none) to the cue ending one, at most MAX_SENTENCE_CUES cues."""
    texts = [cue.plain.replace("\n", " ").strip() for cue in cues]
    units, first = [], 0
    for last, text in enumerate(texts):
        if first == last and not _HAS_WORD.search(text):  # music, a sound: not where a sentence starts
            first = last + 1
            continue
        if _SENTENCE_END.search(text) or last - first + 1 == MAX_SENTENCE_CUES or last == len(texts) - 1:
            said = " ".join(t for t in texts[first:last + 1] if t)
            units.append(Unit(clip_id, cues[first].start_ms, cues[last].end_ms, said, first))
            first = last + 1
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


def write_units(folder: Path, db: sqlite3.Connection, units: Sequence[Unit], vectors: np.ndarray,
                sentences: Sequence[Unit], sentence_vectors: np.ndarray) -> None:
    """The units' and the sentences' tables (each in clip order, as given) and their vectors, as int8
    with one scale."""
    for table, rows in (("units", units), ("sentences", sentences)):
        db.execute(f"CREATE TABLE {table} (clip_id TEXT, start_ms INTEGER, end_ms INTEGER, first INTEGER, key BLOB)")
        db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?)",
                       ((u.clip_id, u.start_ms, u.end_ms, u.first, text_key(u.text)) for u in rows))
    scale = max((float(np.abs(v).max()) for v in (vectors, sentence_vectors) if len(v)), default=0.0) or 1.0
    db.execute("CREATE TABLE vector_scale (scale REAL)")  # a unit's vector = its int8 row * scale / 127
    db.execute("INSERT INTO vector_scale VALUES (?)", (scale,))
    with atomic_path(folder / VECTORS) as tmp, tmp.open("wb") as file:
        np.save(file, np.rint(vectors * (127 / scale)).astype(np.int8))
    with atomic_path(folder / SENTENCES) as tmp, tmp.open("wb") as file:
        file.write(np.rint(sentence_vectors * (127 / scale)).astype(np.int8).reshape(-1, DIMENSIONS).tobytes())


@dataclass(frozen=True)
class Likeness:
    """How like a query each clip is: its best unit's or sentence's similarity, and where."""

    clips: dict[int, float]  # clip number -> similarity
    units: np.ndarray  # every unit's similarity
    sentences: dict[int, tuple[int, float]]  # clip -> its most alike sentence's row and similarity (clips compared)


class Vectors:
    """An index version's units (memory-mapped) and sentences (read clip by clip), compared with a
    query vector."""

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
        # the sentences: per clip number, its first row and how many (rowids count from 1, in clip order)
        runs = db.execute("SELECT clip_id, MIN(rowid), COUNT(*) FROM sentences GROUP BY clip_id").fetchall()
        self.sentence_runs = {clip_numbers[clip]: (first - 1, count) for clip, first, count in runs
                              if clip in clip_numbers}
        total = sum(count for _, _, count in runs)
        self._sentences = (folder / SENTENCES).open("rb", buffering=0)  # kept open: the swap may remove the file
        weakref.finalize(self, self._sentences.close)
        if os.fstat(self._sentences.fileno()).st_size != total * DIMENSIONS:
            raise ValueError(f"{SENTENCES} does not hold the index's {total} sentences")

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

    def likeness(self, query: np.ndarray, also: Sequence[int] = ()) -> Likeness:
        """Every clip's best unit; then, for the SENTENCE_CLIPS clips most alike by their units and the
        first SENTENCE_CLIPS of `also` (those the words found), their sentences too."""
        if not len(self.vectors):
            return Likeness({}, np.empty(0, dtype=np.float32), {})
        sims = self.similarities(query)
        best = np.maximum.reduceat(sims, self.runs)
        similar = {int(c): float(s) for c, s in zip(self.clip[self.runs], best) if c >= 0}
        compared = dict.fromkeys([*sorted(similar, key=lambda c: -similar[c])[:SENTENCE_CLIPS], *also[:SENTENCE_CLIPS]])
        sentences: dict[int, tuple[int, float]] = {}
        fd = self._sentences.fileno()
        for clip in compared:
            first, count = self.sentence_runs.get(clip, (0, 0))
            if not count:
                continue
            rows = np.frombuffer(os.pread(fd, count * DIMENSIONS, first * DIMENSIONS), dtype=np.int8)
            if rows.size != count * DIMENSIONS:
                raise EOFError(f"{SENTENCES} ends before the sentences of a clip")
            alike = rows.reshape(count, DIMENSIONS).astype(np.float32) @ query * self.factor
            at = int(np.argmax(alike))
            sentences[clip] = (first + at, float(alike[at]))
            similar[clip] = max(similar.get(clip, -1.0), float(alike[at]))
        return Likeness(similar, sims, sentences)

    def moment(self, db: sqlite3.Connection, clip: int, likeness: Likeness) -> tuple[int, int] | None:
        """The clip's stretch of speech most like the query (clip time): its best sentence or window."""
        units = np.flatnonzero((self.clip == clip) & (self.first >= 0))
        window = int(units[np.argmax(likeness.units[units])]) if len(units) else None
        sentence = likeness.sentences.get(clip)
        if sentence is not None and (window is None or sentence[1] >= likeness.units[window]):
            found = db.execute("SELECT start_ms, end_ms FROM sentences WHERE rowid = ?", (sentence[0] + 1,)).fetchone()
            if found:
                return int(found[0]), int(found[1])
        return (int(self.start_ms[window]), int(self.end_ms[window])) if window is not None else None


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
