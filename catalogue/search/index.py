"""Opening the current index version and following the switch to a new one without restart.

A version (catalogue.search.build) is opened once per process: its Whoosh index, the lengths the
scoring needs, its cue table, its word list and its vectors. Searchers and cue connections come from
a pool (a Whoosh searcher serves one thread at a time) until `catalogue index` makes a new version
current. The editors' synonyms and stop words are re-read when their files change.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.query import Term
from whoosh.searching import Searcher

from catalogue.errors import CatalogueError
from catalogue.search.analysis import StopWords, Synonyms
from catalogue.search.build import CUES_DB, CURRENT, INDEX_FORMAT
from catalogue.search.dutch import words_db
from catalogue.search.encoder import encoder
from catalogue.search.matching import words_within
from catalogue.search.scoring import CLIP_FIELDS, Lengths
from catalogue.search.semantic import Vectors
from catalogue.settings import Settings, user_cache_dir


def damaged(folder: Path, exc: BaseException) -> CatalogueError:
    return CatalogueError(f"the search index in {folder} is damaged ({type(exc).__name__}: {exc}): "
                          "run `catalogue index`")


# SQLite's page cache per connection and file (its default: 2 MB): the operating system caches the
# files anyway, and a server worker holds a connection per search running at once
CACHE_KB = 256


class _OtherFormat(Exception):
    pass


class _Version:
    """One opened index version with what queries need of it, cached."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.dutch_words = words_db(user_cache_dir())  # beside the user's models, not in the catalogue
        self.weighting = Lengths()
        if not (folder / CUES_DB).is_file():
            raise CatalogueError(f"the search index in {folder} is incomplete: run `catalogue index`")
        try:
            self.index = whoosh_index.open_dir(str(folder))
            with self.searcher() as searcher:
                self.clip_themes = {num: tuple(filter(None, fields.get("themes", "").split(",")))
                                    for num, fields in searcher.iter_docs()}
                numbers = {fields["clip_id"]: num for num, fields in searcher.iter_docs()}
                for name in ("transcript", "parts"):  # read the term and posting files once
                    first = next(iter(searcher.lexicon(name)), None)
                    if first is not None:
                        searcher.search(Term(name, first), limit=1)
                for leaf, _ in searcher.leaf_searchers():  # each scored field's lengths now, not in a search
                    for name, _ in (*CLIP_FIELDS, ("parts", 0)):
                        self.weighting.norms(searcher, leaf.reader(), name)
            with closing(self.connect()) as db:
                (made,) = db.execute("PRAGMA user_version").fetchone()
                if made != INDEX_FORMAT:
                    raise _OtherFormat(made)
                db.execute("SELECT clip_id FROM cues LIMIT 1").fetchall()
                # folded word -> as written; sorted, for the typo automaton
                self.forms: dict[str, str] = dict(db.execute("SELECT folded, written FROM words ORDER BY folded"))
                self.vectors = Vectors(folder, db, numbers)
                db.execute("SELECT 1 FROM dutch.words LIMIT 1").fetchall()
        except _OtherFormat as exc:
            raise CatalogueError(f"the search index in {folder} was made by another version of catalogue "
                                 f"(format {exc.args[0]}, this one reads {INDEX_FORMAT}): run `catalogue index`") from None
        except Exception as exc:  # whoosh and sqlite fail in many ways on a damaged file: none is trusted
            raise damaged(folder, exc) from exc
        self.words = list(self.forms)

    def connect(self) -> sqlite3.Connection:
        """The version's cue table, its Dutch word list attached as `dutch`."""
        db = sqlite3.connect(f"file:{self.folder / CUES_DB}?mode=ro", uri=True, check_same_thread=False)
        db.execute("ATTACH DATABASE ? AS dutch", (f"file:{self.dutch_words}?mode=ro",))
        db.execute(f"PRAGMA main.cache_size = -{CACHE_KB}")
        db.execute(f"PRAGMA dutch.cache_size = -{CACHE_KB}")
        return db

    def searcher(self) -> Searcher:
        return self.index.searcher(weighting=self.weighting)

    def words_within(self, folded: str, maxdist: int) -> list[str]:
        """Words of the catalogue (folded) within `maxdist` edits of `folded` that share its first letter.

        Whoosh's `terms_within` walks the same automaton over a field's term file on disk, a seek
        per step (~7 ms at 100,000 cues); the word list held in memory makes each step a bisect.
        """
        return words_within(self.words, folded, maxdist)


class SearchIndex:
    """Opens the current index version and follows the switch to a new one without restart.

    Searchers and cue connections are reused from a pool (a Whoosh searcher serves one
    thread at a time) until `catalogue index` makes a new version current.
    """

    def __init__(self, settings: Settings) -> None:
        self.versions_dir = settings.index_dir
        self.synonyms_path = settings.root / "synonyms.txt"
        self.stopwords_path = settings.root / "stopwords.txt"
        self._lock = threading.Lock()
        self._version: _Version | None = None
        self._idle: list[tuple[_Version, Searcher, sqlite3.Connection]] = []  # the pool
        self._synonyms: tuple[float, Synonyms] = (-1.0, Synonyms.load(self.synonyms_path))
        self._stopwords: tuple[float, StopWords] = (-1.0, StopWords.load(self.stopwords_path))
        # every searcher and connection opened, so that all are closed with this object
        self._opened: list[tuple[Searcher, sqlite3.Connection]] = []
        self._finalizer = weakref.finalize(self, _close_all, self._opened)

    def warm(self) -> threading.Thread:
        """Open the current version and load the sentence encoder in the background (a server calls
        this at start, so that its first searches do not wait for them); a problem is left for the
        first search to report."""
        def load() -> None:
            try:
                with self.session():
                    encoder(self.work_dir, compact=True)
            except Exception:  # noqa: BLE001 - the first search says what is wrong
                pass
        thread = threading.Thread(target=load, name="search-warm-up", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Close every searcher and cue connection of every thread."""
        self._finalizer()

    def _current_name(self) -> str:
        try:
            name = (self.versions_dir / CURRENT).read_text("utf-8").strip()
        except FileNotFoundError:
            raise CatalogueError(f"no search index in {self.versions_dir.parent}: run `catalogue index`") from None
        except (OSError, ValueError):
            name = ""
        if not name.startswith("v") or name != Path(name).name or not (self.versions_dir / name).is_dir():
            raise CatalogueError(f"the search index in {self.versions_dir} is damaged: {CURRENT} names no index "
                                 "version; run `catalogue index`")
        return name

    def version(self) -> _Version:
        name = self._current_name()
        with self._lock:
            if self._version is None or self._version.folder.name != name:
                self._version = _Version(self.versions_dir / name)
            return self._version

    @contextmanager
    def session(self) -> Iterator[tuple[_Version, Searcher, sqlite3.Connection]]:
        """A searcher and cue connection of the current version, for one thread at a time.

        They come from a pool and go back to it, so the server's worker threads (which come
        and go) share at most as many as run at once; those of a replaced version are closed.
        """
        version = self.version()
        held = None
        with self._lock:
            while self._idle and held is None:
                candidate = self._idle.pop()
                if candidate[0] is version:
                    held = candidate
                else:
                    self._discard(candidate)
        if held is None:
            held = (version, version.searcher(), version.connect())
            with self._lock:
                self._opened.append((held[1], held[2]))
        try:
            yield held
        finally:
            with self._lock:
                if held[0] is self._version:
                    self._idle.append(held)
                else:
                    self._discard(held)

    def _discard(self, held: tuple[_Version, Searcher, sqlite3.Connection]) -> None:
        _close_all([(held[1], held[2])])
        self._opened.remove((held[1], held[2]))

    def synonyms(self) -> Synonyms:
        self._synonyms = _reread(self.synonyms_path, self._synonyms, Synonyms.load)
        return self._synonyms[1]

    def stopwords(self) -> StopWords:
        self._stopwords = _reread(self.stopwords_path, self._stopwords, StopWords.load)
        return self._stopwords[1]

    @property
    def work_dir(self) -> Path:
        """Where the sentence encoder keeps its token table."""
        return user_cache_dir()


def _reread(path: Path, current: tuple[float, Any], load: Callable[[Path], Any]) -> tuple[float, Any]:
    """An editors' file as last read, or read again when it changed (or appeared, or went)."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return current if mtime == current[0] else (mtime, load(path))


def _close_all(opened: list[tuple[Searcher, sqlite3.Connection]]) -> None:
    for searcher, connection in list(opened):
        searcher.close()
        connection.close()
    opened.clear()
