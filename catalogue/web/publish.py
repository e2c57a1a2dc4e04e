"""`catalogue publish DIR`: exactly the files a media origin serves (a CDN, an object store, a static
host, nginx), under their versioned names (catalogue.web.delivery), with a manifest.

    DIR/media/clips/<clip>.<hash>.mp4, .jpg      DIR/transcripts/clips/<clip>.<lang>.<hash>.vtt
    DIR/media/hls/clips/<clip>.<hash>/...        DIR/media/films/..., DIR/transcripts/films/...
    DIR/manifest.json                            every file: its source, size, type and caching

Upload DIR as it is (e.g. `aws s3 sync DIR s3://bucket/catalogue`, `rsync -a DIR/ host:/srv/media/`)
and point `media_url` at it. A name's bytes never change, so a new version is new files beside the
old ones: pages still cached a few minutes keep working, and nothing ever needs purging. Files are
hard-linked from the outputs where the file system allows (else copied), each written under a
temporary name and renamed; the manifest is written last. A rerun writes only what is new and
removes from DIR what the catalogue no longer names (remote copies are the uploader's to keep).
"""

from __future__ import annotations

import json
import mimetypes
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from catalogue.errors import CatalogueError
from catalogue.fsutil import atomic_path, write_text_atomic
from catalogue.settings import Settings
from catalogue.web.delivery import IMMUTABLE, Delivery, Published
from catalogue.web.state import CatalogueState, ClipView, FilmView, Snapshot

MANIFEST = "manifest.json"
MANIFEST_CACHE = "no-cache"  # the one file whose bytes change: revalidated on every use


@dataclass(frozen=True)
class PublishReport:
    written: int
    kept: int
    removed: list[str]  # names no longer in the catalogue (a new version, or a withdrawn clip's): delete them
    bytes: int  # of every file in DIR        at the origin too when a clip was withdrawn
    manifest: Path


def site_media(snapshot: Snapshot) -> list[str]:
    """Every media path the pages of this catalogue name (videos, posters, WebVTT, ladders)."""
    paths: list[str] = []
    for film in snapshot.films.values():
        paths += [film.video_url, film.poster_url, film.chapters_url, film.hls_url, *(t.url for t in film.tracks)]
        paths += _described(film)
        for view in film.clips:
            paths += [view.video_url, view.poster_url, view.hls_url, *(t.url for t in view.tracks), *_described(view)]
    return paths


def _described(view: FilmView | ClipView) -> list[str]:
    """The audio description's media of a clip or film: its description tracks, its described version
    and that version's captions."""
    paths = [t.url for t in view.descriptions]
    if view.described is not None:
        paths += [view.described.url, *view.described.captions.values()]
    return paths


def content_type(name: str) -> str:
    if name.endswith(".vtt"):
        return "text/vtt; charset=utf-8"
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return "application/vnd.apple.mpegurl" if name.endswith(".m3u8") else guessed


def plan_publish(delivery: Delivery, snapshot: Snapshot) -> list[Published]:
    return delivery.publishable(site_media(snapshot))


def publish_catalogue(settings: Settings, dest: Path) -> PublishReport:
    """`catalogue publish DEST`: the catalogue's media as its cut lists and outputs are now."""
    return publish(Delivery(settings), CatalogueState(settings).snapshot(), dest)


def publish(delivery: Delivery, snapshot: Snapshot, dest: Path) -> PublishReport:
    """Write DIR (`dest`): the catalogue's media under their versioned names, and the manifest."""
    files = plan_publish(delivery, snapshot)
    if not files:
        raise CatalogueError("nothing to publish: no clip or film has been cut yet; run `catalogue cut` first")
    _check_dest(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written = kept = 0
    for item in files:
        target = dest / item.name
        if target.is_file() and target.stat().st_size == item.source.stat().st_size:
            kept += 1  # the name holds the content's hash: the same name is the same bytes
            continue
        _place(item.source, target)
        written += 1
    removed = _prune(dest, {item.name for item in files})
    manifest = {
        "version": 1,
        "files": {item.name: {"source": item.source.relative_to(delivery.settings.root).as_posix(),
                              "size": item.source.stat().st_size, "content_type": content_type(item.name),
                              "cache_control": IMMUTABLE} for item in files},
        "manifest_cache_control": MANIFEST_CACHE,
    }
    write_text_atomic(dest / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    total = sum((dest / item.name).stat().st_size for item in files)
    return PublishReport(written, kept, removed, total, dest / MANIFEST)


def read_manifest(text: str) -> dict[str, dict[str, object]]:
    """The files of a manifest.json; ValueError when it is none."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise ValueError("not a manifest of catalogue publish")
    return data["files"]


def _check_dest(dest: Path) -> None:
    if dest.exists() and not dest.is_dir():
        raise CatalogueError(f"{dest} is a file: give publish a folder (a new one, or one it wrote before)")
    if dest.is_dir() and any(dest.iterdir()) and not (dest / MANIFEST).is_file():
        raise CatalogueError(f"{dest} is not empty and holds no {MANIFEST} of an earlier publish: choose an empty "
                             "folder (publish removes what its catalogue no longer names, so it will not mix with "
                             "other files)")


def _place(source: Path, target: Path) -> None:
    with atomic_path(target) as tmp:
        tmp.unlink()  # its random name freed for a hard link, which fails (never follows) if it is taken again
        try:
            os.link(source, tmp)
        except FileExistsError:
            raise
        except OSError:  # another file system, or links not allowed: a copy
            tmp.touch(exist_ok=False)
            shutil.copyfile(source, tmp)


def _prune(dest: Path, keep: set[str]) -> list[str]:
    removed = []
    for path in sorted(dest.rglob("*"), reverse=True):
        name = path.relative_to(dest).as_posix()
        if path.is_file() and name != MANIFEST and name not in keep:
            path.unlink()
            removed.append(name)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed
