"""Which words are Dutch: a word list that ships with pyspellchecker (343,000 Dutch words and forms,
Flemish ones such as *mutualiteit*, *gsm* and *OCMW* among them), so that search forgives a typo but
never "corrects" a correctly spelled word the catalogue happens not to contain (*werven*, *hulp*).

The list is read once into a small SQLite file in the user's cache folder (not in the catalogue's own
folders: a word list there would look like the words of someone who withdrew); a search asks it only
about a word the catalogue does not know, one indexed lookup, without holding the list in memory.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from catalogue.errors import CatalogueError
from catalogue.fsutil import atomic_path
from catalogue.search.analysis import fold

PACKAGE, RESOURCE = "spellchecker", "resources/nl.json.gz"
INSTALL = "pip install pyspellchecker==0.9.1"


def word_list() -> Path:
    """pyspellchecker's Dutch word list (a gzipped JSON object: word -> frequency)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise CatalogueError(f"the Dutch word list for search is not installed: install it with `{INSTALL}`")
    path = Path(list(spec.submodule_search_locations)[0]) / RESOURCE
    if not path.is_file():
        raise CatalogueError(f"{path}: the Dutch word list is missing; reinstall it with `{INSTALL}`")
    return path


def words_db(cache_dir: Path, source: Path | None = None) -> Path:
    """The word list as a SQLite file of folded words in `cache_dir`, made once per list."""
    source = source or word_list()
    stat = source.stat()
    digest = hashlib.sha256(f"{source}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    path = cache_dir / f"dutch-words-{digest}.sqlite"
    if path.is_file():
        return path
    try:
        with gzip.open(source, "rt", encoding="utf-8") as file:
            listed = json.load(file)
    except (OSError, ValueError, EOFError) as exc:
        raise CatalogueError(f"{source}: the Dutch word list cannot be read ({exc}); reinstall it with "
                             f"`{INSTALL}`") from exc
    folded = sorted({(word.lower() if word.isascii() else fold(word))
                     for word in listed if isinstance(word, str) and " " not in word})
    cache_dir.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        with closing(sqlite3.connect(tmp)) as db:
            db.execute("CREATE TABLE words (word TEXT PRIMARY KEY) WITHOUT ROWID")
            db.executemany("INSERT INTO words VALUES (?)", ((w,) for w in folded))
            db.commit()
    return path


def is_dutch(db: sqlite3.Connection, folded: str) -> bool:
    """Whether the version's word list (attached to `db` as `dutch`) has the folded word."""
    return db.execute("SELECT 1 FROM dutch.words WHERE word = ?", (folded,)).fetchone() is not None
