"""Content hashes of files, computed once per file version (path, size, mtime) and remembered, in
memory and in a cache folder: what makes a media URL change exactly when the file's bytes do."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from catalogue.fsutil import write_text_atomic
from catalogue.media.probecache import identity_key

HASH_CHARS = 16  # 64 bits of SHA-256: no two versions of one file collide in practice
_CHUNK = 1 << 20
_MEMORY: dict[tuple[str, int, int], str] = {}
_LOCK = threading.Lock()


def content_hash(path: Path, cache_dir: Path) -> str:
    """The first HASH_CHARS hex digits of the SHA-256 of the file's bytes. Raises OSError when the
    file cannot be read; a cache that cannot be written is only slower."""
    stat = path.stat()
    memory_key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _LOCK:
        if memory_key in _MEMORY:
            return _MEMORY[memory_key]
    cache = cache_dir / f"{identity_key(path)}.sha256"
    try:
        digest = cache.read_text("ascii").strip()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(digest)
    except (OSError, ValueError):
        digest = _sha256(path)
        try:
            write_text_atomic(cache, digest)
        except OSError:
            pass
    with _LOCK:
        if len(_MEMORY) > 100_000:  # files come and go: stay bounded
            _MEMORY.clear()
        _MEMORY[memory_key] = digest[:HASH_CHARS]
    return digest[:HASH_CHARS]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
